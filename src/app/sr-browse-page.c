/* sr-browse-page.c — the Browse page: the network's catalog as a poster
 * grid (title, creator, price, seeders when known), a search over titles
 * and descriptions, and a title's own page on top. The catalog follows
 * new blocks, so titles appear as they are published. With no titles (or
 * no network) the page says what will appear here.
 *
 * Posters are a placeholder until a title's poster has been fetched from
 * its torrent (SrTitleMedia), which a card asks for when it is shown.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "crypto/sr-address.h"
#include "market/sr-catalog.h"
#include "market/sr-title-media.h"
#include "sr-application.h"
#include "sr-browse-page.h"
#include "sr-title-page.h"

/* Until the library database is open the catalog cannot start. */
#define STORE_RETRY_MS 500

struct _SrBrowsePage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack *stack;
  GtkStack *content_stack;
  GtkSearchEntry *search_entry;
  GtkGridView *grid_view;
  AdwStatusPage *empty_state;
  SrTitlePage *title_page;

  /* Owned references */
  SrApplication *application;
  SrCatalog *catalog;
  SrTitleMedia *media;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GCancellable *cancellable;
  char *query;                 /* case-folded */
  char *awaited_id;            /* a title to open once the catalog has it */
  char *empty_description;
  guint retry_id;
};

G_DEFINE_FINAL_TYPE (SrBrowsePage, sr_browse_page, ADW_TYPE_BIN)

static void update_content (SrBrowsePage *self);

/* A title's poster and details, fetched from its torrent once something
 * shows it. Without a torrent session the placeholder stays. */
static void
request_media (SrBrowsePage   *self,
               SrCatalogTitle *title)
{
  if (self->media == NULL && self->application != NULL)
    {
      g_autoptr(GError) error = NULL;
      SrTorrentSession *session = sr_application_get_torrent_session (self->application, &error);

      if (session == NULL)
        {
          g_debug ("No posters without the torrent session: %s", error->message);
          return;
        }
      self->media = sr_title_media_new (session, NULL);
    }
  if (self->media != NULL)
    sr_title_media_request (self->media, title);
}

/* ---- cards ------------------------------------------------------------- */

typedef struct {
  GtkWidget *picture;
  GtkLabel *title;
  GtkLabel *creator;
  GtkLabel *details;
} Card;

static void
card_update (GtkListItem *item)
{
  Card *card = g_object_get_data (G_OBJECT (item), "sr-card");
  SrCatalogTitle *title = gtk_list_item_get_item (item);
  g_autofree char *creator = NULL, *price = NULL, *details = NULL;
  GString *text;
  const char *poster;
  int seeders;

  if (card == NULL || title == NULL)
    return;
  gtk_label_set_label (card->title, sr_catalog_title_get_title (title));
  creator = sr_catalog_title_dup_short_creator (title);
  gtk_label_set_label (card->creator, creator);
  price = sr_catalog_title_dup_price_text (title);
  text = g_string_new (NULL);
  g_string_append_printf (text, _("%s SEED"), price);
  seeders = sr_catalog_title_get_seeders (title);
  if (seeders >= 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%d seeder", "%d seeders", seeders), seeders);
    }
  if (sr_catalog_title_get_purchased (title))
    {
      g_string_append (text, " · ");
      g_string_append (text, _("Bought"));
    }
  details = g_string_free (text, FALSE);
  gtk_label_set_label (card->details, details);
  poster = sr_catalog_title_get_poster_path (title);
  gtk_picture_set_filename (GTK_PICTURE (card->picture), poster);
  gtk_widget_set_visible (card->picture, poster != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_list_item_get_child (item)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, sr_catalog_title_get_title (title), -1);
}

static GtkLabel *
card_label (GtkWidget  *box,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);
  return GTK_LABEL (label);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  Card *card = g_new0 (Card, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *placeholder = gtk_image_new_from_icon_name ("video-x-generic-symbolic");

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_image_set_pixel_size (GTK_IMAGE (placeholder), 48);
  gtk_widget_set_size_request (placeholder, 150, 225);
  gtk_widget_add_css_class (placeholder, "card");
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_overlay_set_child (GTK_OVERLAY (overlay), placeholder);
  card->picture = gtk_picture_new ();
  gtk_picture_set_content_fit (GTK_PICTURE (card->picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_visible (card->picture, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), card->picture);
  gtk_box_append (GTK_BOX (box), overlay);
  card->title = card_label (box, "heading");
  card->creator = card_label (box, "caption");
  gtk_widget_add_css_class (GTK_WIDGET (card->creator), "dim-label");
  card->details = card_label (box, "caption");
  gtk_list_item_set_child (item, box);
  g_object_set_data_full (G_OBJECT (item), "sr-card", card, g_free);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  SrCatalogTitle *title = gtk_list_item_get_item (item);

  request_media (user_data, title);
  card_update (item);
  /* Bought, seeders and poster change while the card is shown. */
  g_signal_connect_object (title, "notify", G_CALLBACK (card_update), item, G_CONNECT_SWAPPED);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  SrCatalogTitle *title = gtk_list_item_get_item (item);

  if (title != NULL)
    g_signal_handlers_disconnect_by_func (title, card_update, item);
}

/* ---- filtering and sorting --------------------------------------------- */

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  SrBrowsePage *self = user_data;

  return sr_catalog_title_matches (SR_CATALOG_TITLE (item), self->query);
}

/* Newest first. */
static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  SrCatalogTitle *ta = (SrCatalogTitle *) a, *tb = (SrCatalogTitle *) b;
  guint64 ba = sr_catalog_title_get_block_number (ta), bb = sr_catalog_title_get_block_number (tb);
  guint64 la = sr_catalog_title_get_log_index (ta), lb = sr_catalog_title_get_log_index (tb);

  if (ba != bb)
    return ba < bb ? 1 : -1;
  if (la != lb)
    return la < lb ? 1 : -1;
  return 0;
}

static void
search_changed_cb (SrBrowsePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  g_free (self->query);
  self->query = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_content (self);
}

static void open_title (SrBrowsePage *self, SrCatalogTitle *title);

static void
update_content (SrBrowsePage *self)
{
  guint total = self->catalog != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->catalog)) : 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  const char *error = self->catalog != NULL ? sr_catalog_get_last_error (self->catalog) : NULL;

  if (total == 0)
    {
      adw_status_page_set_description (self->empty_state, error != NULL ? error : self->empty_description);
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->content_stack, shown == 0 ? "no-results" : "grid");
  gtk_widget_set_visible (GTK_WIDGET (self->search_entry), total > 0);
  /* A title just published from this app, asked for before the catalog
   * had read its event: opened as it arrives, unless another was opened. */
  if (self->awaited_id != NULL && self->catalog != NULL)
    {
      SrCatalogTitle *title = sr_catalog_lookup (self->catalog, self->awaited_id);

      if (title != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "catalog") == 0)
        open_title (self, title);
    }
}

/* ---- the catalog ------------------------------------------------------- */

static void
open_title (SrBrowsePage   *self,
            SrCatalogTitle *title)
{
  g_clear_pointer (&self->awaited_id, g_free);
  request_media (self, title);
  /* A bought title's page is where it is watched from: a torrent fetching
   * its poster right now is the one the player will use. */
  if (self->media != NULL && sr_catalog_title_get_purchased (title))
    sr_title_media_claim (self->media, title);
  sr_title_page_show (self->title_page, self->application, self->catalog, title);
  gtk_stack_set_visible_child_name (self->stack, "title");
}

static void
grid_activate_cb (SrBrowsePage *self,
                  guint         position)
{
  g_autoptr(SrCatalogTitle) title = g_list_model_get_item (gtk_grid_view_get_model (self->grid_view)
                                                           ? G_LIST_MODEL (gtk_grid_view_get_model (self->grid_view))
                                                           : NULL, position);

  if (title == NULL || self->catalog == NULL)
    return;
  open_title (self, title);
}

gboolean
sr_browse_page_show_title (SrBrowsePage *self,
                           const char   *content_id)
{
  SrCatalogTitle *title;

  g_return_val_if_fail (SR_IS_BROWSE_PAGE (self), FALSE);
  title = self->catalog != NULL && content_id != NULL ? sr_catalog_lookup (self->catalog, content_id) : NULL;
  if (title == NULL)
    return FALSE;
  open_title (self, title);
  return TRUE;
}

void
sr_browse_page_await_title (SrBrowsePage *self,
                            const char   *content_id)
{
  g_return_if_fail (SR_IS_BROWSE_PAGE (self));
  g_return_if_fail (content_id != NULL);
  if (sr_browse_page_show_title (self, content_id))
    return;
  g_free (self->awaited_id);
  self->awaited_id = g_strdup (content_id);
}

static void
title_back_cb (SrBrowsePage *self)
{
  gtk_stack_set_visible_child_name (self->stack, "catalog");
}

static void
drop_catalog (SrBrowsePage *self)
{
  if (self->catalog == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->catalog, self);
  sr_catalog_stop (self->catalog);
  gtk_filter_list_model_set_model (self->filtered, NULL);
  g_clear_object (&self->catalog);
  g_clear_pointer (&self->awaited_id, g_free);
  gtk_stack_set_visible_child_name (self->stack, "catalog");
}

static void
start_catalog (SrBrowsePage *self,
               const char   *account)
{
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);
  SrStore *store = sr_application_get_store (self->application);
  g_autoptr(GError) error = NULL;
  guint8 registry[SR_ADDRESS_LEN], owner[SR_ADDRESS_LEN];
  gboolean has_account = account != NULL && sr_address_parse (account, owner, NULL);

  drop_catalog (self);
  if (store == NULL || !sr_address_parse (sr_network_profile_get_registry_address (profile), registry, NULL))
    {
      update_content (self);
      return;
    }
  self->catalog = sr_catalog_new (sr_application_get_rpc_client (self->application), store,
                                  sr_network_profile_get_chain_id (profile), registry,
                                  has_account ? owner : NULL, &error);
  if (self->catalog == NULL)
    {
      g_warning ("Cannot open the catalog: %s", error->message);
      update_content (self);
      return;
    }
  g_signal_connect_object (self->catalog, "items-changed", G_CALLBACK (update_content), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->catalog, "notify::last-error", G_CALLBACK (update_content), self,
                           G_CONNECT_SWAPPED);
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (self->catalog));
  sr_catalog_start (self->catalog);
  update_content (self);
}

static void
accounts_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrBrowsePage) self = user_data;
  g_autoptr(GPtrArray) accounts = sr_signer_list_accounts_finish (SR_SIGNER (source), result, NULL);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  /* Without a wallet the catalog still shows; purchases need an account. */
  start_catalog (self, accounts != NULL && accounts->len > 0
                         ? ((SrSignerAccount *) accounts->pdata[0])->address : NULL);
}

static gboolean
load_catalog (gpointer user_data)
{
  SrBrowsePage *self = user_data;
  SrSigner *signer;

  self->retry_id = 0;
  if (self->application == NULL)
    return G_SOURCE_REMOVE;
  if (sr_application_get_store (self->application) == NULL)
    {
      self->retry_id = g_timeout_add (STORE_RETRY_MS, load_catalog, self);
      return G_SOURCE_REMOVE;
    }
  signer = sr_application_get_signer (self->application, NULL);
  if (signer == NULL)
    start_catalog (self, NULL);
  else
    sr_signer_list_accounts_async (signer, self->cancellable, accounts_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
network_changed_cb (SrBrowsePage *self)
{
  drop_catalog (self);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  load_catalog (self);
}

/* The window has its application only once it is fully built, so the page
 * finds it when first shown. */
static void
sr_browse_page_map (GtkWidget *widget)
{
  SrBrowsePage *self = SR_BROWSE_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sr_browse_page_parent_class)->map (widget);
  root = gtk_widget_get_root (widget);
  if (self->application == NULL && GTK_IS_WINDOW (root))
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (root));

      if (SR_IS_APPLICATION (app))
        {
          SrNetworkProfile *profile;

          g_set_object (&self->application, SR_APPLICATION (app));
          profile = sr_application_get_network_profile (self->application);
          g_signal_connect_object (profile, "notify::registry-address", G_CALLBACK (network_changed_cb), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (profile, "notify::rpc-url", G_CALLBACK (network_changed_cb), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (profile, "notify::chain-id", G_CALLBACK (network_changed_cb), self,
                                   G_CONNECT_SWAPPED);
          load_catalog (self);
        }
    }
}

static void
sr_browse_page_dispose (GObject *object)
{
  SrBrowsePage *self = SR_BROWSE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_catalog (self);
  g_clear_object (&self->media);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->application);
  /* The template's stack is the bin's own child: let the bin drop it first,
   * or the bin later unparents a widget the template already freed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_BROWSE_PAGE);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->awaited_id, g_free);
  g_clear_pointer (&self->empty_description, g_free);

  G_OBJECT_CLASS (sr_browse_page_parent_class)->dispose (object);
}

static void
sr_browse_page_class_init (SrBrowsePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_browse_page_dispose;
  widget_class->map = sr_browse_page_map;

  g_type_ensure (SR_TYPE_TITLE_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-browse-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrBrowsePage, stack);
  gtk_widget_class_bind_template_child (widget_class, SrBrowsePage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SrBrowsePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SrBrowsePage, grid_view);
  gtk_widget_class_bind_template_child (widget_class, SrBrowsePage, empty_state);
  gtk_widget_class_bind_template_child (widget_class, SrBrowsePage, title_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, grid_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, title_back_cb);
}

static void
sr_browse_page_init (SrBrowsePage *self)
{
  GtkListItemFactory *factory;
  GtkSortListModel *sorted;
  GtkCustomSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->query = g_strdup ("");
  self->empty_description = g_strdup (adw_status_page_get_description (self->empty_state));

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (g_object_ref (self->filter)));
  g_object_ref (self->filtered);
  sorter = gtk_custom_sorter_new (sort_func, NULL, NULL);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)), GTK_SORTER (sorter));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_content), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  gtk_grid_view_set_factory (self->grid_view, factory);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (sorted))));
  g_object_unref (factory);
  update_content (self);
}

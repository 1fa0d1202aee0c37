/* sr-library-page.c — the Library page: what the account bought (from the
 * catalog's purchases in the library database), and the app's torrents,
 * downloading or seeding, each with its state, what it uploaded and what
 * its seeding earned (the stored receipts of that title). Rows are made
 * once per title or torrent and then only their text changes, on a timer
 * while the page is on screen and when torrents come and go.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "market/sr-catalog.h"
#include "market/sr-title-media.h"
#include "store/sr-store-catalog.h"
#include "store/sr-store-receipts.h"
#include "sr-application.h"
#include "sr-browse-page.h"
#include "sr-library-page.h"
#include "sr-window.h"

#define TICK_MS 1000
/* The catalog, purchases and receipts are read again every few ticks. */
#define STORE_EVERY_TICKS 5

typedef enum {
  SECTION_BOUGHT,
  SECTION_DOWNLOADING,
  SECTION_SEEDING,
} Section;

typedef struct {
  SrLibraryPage *page;         /* unowned */
  AdwActionRow *row;
  GtkListBox *list;
  GtkWidget *pause;
  SrTorrent *torrent;          /* NULL for a bought row */
  char *content_id;            /* NULL for a torrent outside the catalog */
} Row;

struct _SrLibraryPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack *stack;
  GtkListBox *bought_list;
  GtkListBox *downloading_list;
  GtkListBox *seeding_list;

  /* Owned references */
  SrApplication *application;
  SrTorrentSession *session;
  GCancellable *cancellable;
  char *account;
  GHashTable *bought_rows;     /* content id → Row */
  GHashTable *torrent_rows;    /* SrTorrent → Row */
  GHashTable *titles;          /* v2 infohash → SrCatalogTitle */
  GHashTable *titles_by_id;    /* content id → SrCatalogTitle (unowned) */
  GHashTable *earned;          /* content id → decimal token base units */
  GPtrArray *purchases;        /* content ids, oldest first */
  guint tick_id;
  guint idle_id;
  guint ticks;
};

G_DEFINE_FINAL_TYPE (SrLibraryPage, sr_library_page, ADW_TYPE_BIN)

static void refresh (SrLibraryPage *self, gboolean reload_store);

/* ---- what the store says ----------------------------------------------- */

static char *
u128_to_decimal (unsigned __int128 v)
{
  char buf[48];
  int i = sizeof buf - 1;

  buf[i] = '\0';
  do
    {
      buf[--i] = (char) ('0' + (int) (v % 10));
      v /= 10;
    }
  while (v > 0 && i > 0);
  return g_strdup (buf + i);
}

static gboolean
parse_u128 (const char        *text,
            unsigned __int128 *out)
{
  unsigned __int128 v = 0;

  if (text == NULL || text[0] == '\0' || strlen (text) > 38)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      v = v * 10 + (unsigned) (*p - '0');
    }
  *out = v;
  return TRUE;
}

/* What a receipt earns its seeder in full: pool × delivered ÷ size, as the
 * registry pays it. */
static unsigned __int128
receipt_value (const SrStoreReceipt *r)
{
  unsigned __int128 pool;
  guint64 delivered;

  if (r->content_size == 0 || !parse_u128 (r->pool, &pool))
    return 0;
  delivered = MIN (r->bytes, r->content_size);
  return pool / r->content_size * delivered + pool % r->content_size * delivered / r->content_size;
}

static void
load_store (SrLibraryPage *self)
{
  SrStore *store = self->application != NULL ? sr_application_get_store (self->application) : NULL;
  SrNetworkProfile *profile;
  g_autoptr(GPtrArray) titles = NULL, purchases = NULL, receipts = NULL;
  g_autoptr(GHashTable) sums = NULL;
  g_autofree char *network = NULL;
  guint8 registry[SR_ADDRESS_LEN];
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_remove_all (self->titles_by_id);
  g_hash_table_remove_all (self->titles);
  g_hash_table_remove_all (self->earned);
  g_ptr_array_set_size (self->purchases, 0);
  if (store == NULL)
    return;
  profile = sr_application_get_network_profile (self->application);
  if (!sr_address_parse (sr_network_profile_get_registry_address (profile), registry, NULL))
    return;
  network = sr_catalog_network_key (sr_network_profile_get_chain_id (profile), registry);

  titles = sr_store_catalog_list_titles (store, network, NULL);
  for (guint i = 0; titles != NULL && i < titles->len; i++)
    {
      SrCatalogTitle *title = sr_catalog_title_new_from_store (titles->pdata[i]);

      g_hash_table_insert (self->titles_by_id, (gpointer) sr_catalog_title_get_content_id (title), title);
      g_hash_table_insert (self->titles, g_ascii_strdown (sr_catalog_title_get_infohash (title), -1), title);
    }

  if (self->account != NULL)
    {
      purchases = sr_store_catalog_list_purchases (store, network, self->account, NULL);
      for (guint i = 0; purchases != NULL && i < purchases->len; i++)
        {
          const char *id = ((SrStorePurchase *) purchases->pdata[i])->content_id;

          if (!g_ptr_array_find_with_equal_func (self->purchases, id, g_str_equal, NULL))
            g_ptr_array_add (self->purchases, g_strdup (id));
        }
    }

  sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  receipts = sr_store_list_receipts (store, network, self->account, NULL);
  for (guint i = 0; receipts != NULL && i < receipts->len; i++)
    {
      const SrStoreReceipt *r = receipts->pdata[i];
      unsigned __int128 *sum = g_hash_table_lookup (sums, r->content_id);

      if (sum == NULL)
        {
          sum = g_new0 (unsigned __int128, 1);
          g_hash_table_insert (sums, g_strdup (r->content_id), sum);
        }
      *sum += receipt_value (r);
    }
  g_hash_table_iter_init (&iter, sums);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (self->earned, g_strdup (key), u128_to_decimal (*(unsigned __int128 *) value));
}

/* ---- rows -------------------------------------------------------------- */

static SrCatalogTitle *
torrent_title (SrLibraryPage *self,
               SrTorrent     *torrent)
{
  g_autofree char *v2 = sr_torrent_dup_info_hash_v2 (torrent);
  g_autofree char *lower = v2 != NULL ? g_ascii_strdown (v2, -1) : NULL;

  return lower != NULL ? g_hash_table_lookup (self->titles, lower) : NULL;
}

static SrTorrent *
title_torrent (SrLibraryPage *self,
               const char    *content_id)
{
  GHashTableIter iter;
  Row *row;

  g_hash_table_iter_init (&iter, self->torrent_rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    if (g_strcmp0 (row->content_id, content_id) == 0)
      return row->torrent;
  return NULL;
}

static const char *
state_text (SrTorrent *torrent)
{
  switch (sr_torrent_get_state (torrent))
    {
    case SR_TORRENT_STATE_CHECKING:
      return _("Checking files");
    case SR_TORRENT_STATE_DOWNLOADING_METADATA:
      return _("Looking for peers");
    case SR_TORRENT_STATE_DOWNLOADING:
      return _("Downloading");
    case SR_TORRENT_STATE_SEEDING:
      return _("Seeding");
    case SR_TORRENT_STATE_PAUSED:
      return _("Paused");
    case SR_TORRENT_STATE_ERROR:
      return sr_torrent_get_error_message (torrent) != NULL ? sr_torrent_get_error_message (torrent) : _("Error");
    case SR_TORRENT_STATE_UNKNOWN:
    default:
      return _("Waiting");
    }
}

static gboolean
torrent_complete (SrTorrent *torrent)
{
  return sr_torrent_get_has_metadata (torrent) && sr_torrent_get_progress (torrent) >= 1.0;
}

/* "Seeding · 3.1 MB uploaded · 0.2 SEED earned", "Downloading · 45 % · …". */
static char *
status_text (SrLibraryPage *self,
             SrTorrent     *torrent,
             const char    *content_id)
{
  GString *text = g_string_new (NULL);

  if (torrent != NULL)
    {
      g_autofree char *uploaded = g_format_size (sr_torrent_get_total_uploaded (torrent));

      g_string_append (text, state_text (torrent));
      if (!torrent_complete (torrent) && sr_torrent_get_has_metadata (torrent))
        g_string_append_printf (text, " · %d %%", (int) (sr_torrent_get_progress (torrent) * 100));
      g_string_append (text, " · ");
      g_string_append_printf (text, _("%s uploaded"), uploaded);
    }
  else
    g_string_append (text, _("Not downloaded"));
  if (content_id != NULL)
    {
      const char *earned = g_hash_table_lookup (self->earned, content_id);
      g_autofree char *units = sr_catalog_format_units (earned != NULL ? earned : "0", 18);

      g_string_append (text, " · ");
      g_string_append_printf (text, _("%s SEED earned"), units);
    }
  return g_string_free (text, FALSE);
}

static void
set_row_text (AdwActionRow *row,
              const char   *title,
              const char   *subtitle)
{
  if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) != 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (g_strcmp0 (adw_action_row_get_subtitle (row), subtitle) != 0)
    adw_action_row_set_subtitle (row, subtitle);
}

static void
update_row (Row *row)
{
  SrLibraryPage *self = row->page;
  SrTorrent *torrent = row->torrent != NULL ? row->torrent : title_torrent (self, row->content_id);
  SrCatalogTitle *title = row->content_id != NULL ? g_hash_table_lookup (self->titles_by_id, row->content_id) : NULL;
  g_autofree char *subtitle = status_text (self, torrent, row->content_id);
  const char *name;

  if (title != NULL)
    name = sr_catalog_title_get_title (title);
  else if (torrent != NULL && sr_torrent_get_name (torrent) != NULL && sr_torrent_get_name (torrent)[0] != '\0')
    name = sr_torrent_get_name (torrent);
  else if (torrent != NULL)
    name = sr_torrent_get_info_hash (torrent);
  else
    name = row->content_id;
  set_row_text (row->row, name, subtitle);

  if (row->pause != NULL)
    {
      gboolean paused = sr_torrent_get_state (row->torrent) == SR_TORRENT_STATE_PAUSED;
      const char *icon = paused ? "media-playback-start-symbolic" : "media-playback-pause-symbolic";
      const char *label = paused ? _("Resume") : _("Pause");

      if (g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (row->pause)), icon) != 0)
        {
          gtk_button_set_icon_name (GTK_BUTTON (row->pause), icon);
          gtk_widget_set_tooltip_text (row->pause, label);
          gtk_accessible_update_property (GTK_ACCESSIBLE (row->pause), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        }
    }
}

static void
row_free (Row *row)
{
  if (row->list != NULL)
    gtk_list_box_remove (row->list, GTK_WIDGET (row->row));
  g_clear_object (&row->row);
  g_clear_object (&row->torrent);
  g_free (row->content_id);
  g_free (row);
}

/* ---- row actions ------------------------------------------------------- */

static void
watch_clicked_cb (GtkButton *button,
                  Row       *row)
{
  SrLibraryPage *self = row->page;
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_VIEW_STACK);
  GtkWidget *browse = stack != NULL ? adw_view_stack_get_child_by_name (ADW_VIEW_STACK (stack), "browse") : NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* A catalog title goes through its page: paid ones need their key. */
  if (row->content_id != NULL && SR_IS_BROWSE_PAGE (browse) &&
      sr_browse_page_show_title (SR_BROWSE_PAGE (browse), row->content_id))
    {
      adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "browse");
      return;
    }
  if (row->torrent != NULL && row->content_id == NULL && SR_IS_WINDOW (root))
    {
      sr_window_play (SR_WINDOW (root), row->torrent, G_MAXUINT, NULL, NULL, NULL);
      return;
    }
  if (SR_IS_WINDOW (root))
    sr_window_show_toast (SR_WINDOW (root), _("This title is not in the catalog yet; try again in a moment."));
}

static void
pause_clicked_cb (GtkButton *button,
                  Row       *row)
{
  if (sr_torrent_get_state (row->torrent) == SR_TORRENT_STATE_PAUSED)
    sr_torrent_resume (row->torrent);
  else
    sr_torrent_pause (row->torrent);
  sr_torrent_refresh (row->torrent);
  update_row (row);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  SrLibraryPage *self = g_object_get_data (G_OBJECT (dialog), "sr-page");
  SrTorrent *torrent = user_data;
  g_autoptr(GError) error = NULL;
  GtkRoot *root;

  if ((!g_str_equal (response, "keep") && !g_str_equal (response, "delete")) || self->session == NULL)
    return;
  if (!sr_torrent_session_remove (self->session, torrent, g_str_equal (response, "delete"), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not remove it: %s"), error->message);

      root = gtk_widget_get_root (GTK_WIDGET (self));
      if (SR_IS_WINDOW (root))
        sr_window_show_toast (SR_WINDOW (root), message);
    }
}

static void
remove_clicked_cb (GtkButton *button,
                   Row       *row)
{
  SrLibraryPage *self = row->page;
  const char *name = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row->row));
  g_autofree char *heading = g_strdup_printf (_("Remove “%s”?"), name);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   _("It stops downloading and seeding. Its files can stay in your download folder or be deleted."));
  /* Named like its heading for window lists and screen readers. */
  gtk_window_set_title (GTK_WINDOW (dialog), heading);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep Files"),
                                    "delete", _("_Delete Files"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "sr-page", g_object_ref (self), g_object_unref);
  g_signal_connect_data (dialog, "response", G_CALLBACK (remove_response_cb), g_object_ref (row->torrent),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
row_button (Row        *row,
            const char *icon,
            const char *label,
            GCallback   callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", callback, row);
  adw_action_row_add_suffix (row->row, button);
  return button;
}

static Row *
row_new (SrLibraryPage *self,
         SrTorrent     *torrent,
         const char    *content_id)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *watch = gtk_button_new_with_mnemonic (_("_Watch"));

  row->page = self;
  row->torrent = torrent != NULL ? g_object_ref (torrent) : NULL;
  row->content_id = g_strdup (content_id);
  row->row = g_object_ref_sink (ADW_ACTION_ROW (adw_action_row_new ()));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->row), FALSE);
  gtk_widget_set_valign (watch, GTK_ALIGN_CENTER);
  g_signal_connect (watch, "clicked", G_CALLBACK (watch_clicked_cb), row);
  adw_action_row_add_suffix (row->row, watch);
  if (torrent != NULL)
    {
      row->pause = row_button (row, "media-playback-pause-symbolic", _("Pause"), G_CALLBACK (pause_clicked_cb));
      row_button (row, "user-trash-symbolic", _("Remove"), G_CALLBACK (remove_clicked_cb));
    }
  return row;
}

static void
place_row (Row        *row,
           GtkListBox *list)
{
  if (row->list == list)
    return;
  if (row->list != NULL)
    gtk_list_box_remove (row->list, GTK_WIDGET (row->row));
  row->list = list;
  gtk_list_box_append (list, GTK_WIDGET (row->row));
}

/* ---- keeping the rows in step ------------------------------------------ */

static void
refresh (SrLibraryPage *self,
         gboolean       reload_store)
{
  g_autoptr(GPtrArray) torrents = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;
  Row *row;

  if (self->application == NULL)
    return;
  if (reload_store)
    load_store (self);

  /* Bought: one row per title, in the order bought. */
  for (guint i = 0; i < self->purchases->len; i++)
    {
      const char *id = self->purchases->pdata[i];

      if (!g_hash_table_contains (self->bought_rows, id))
        {
          row = row_new (self, NULL, id);
          g_hash_table_insert (self->bought_rows, g_strdup (id), row);
          place_row (row, self->bought_list);
        }
    }
  g_hash_table_iter_init (&iter, self->bought_rows);
  while (g_hash_table_iter_next (&iter, &key, (gpointer *) &row))
    if (!g_ptr_array_find_with_equal_func (self->purchases, key, g_str_equal, NULL))
      g_hash_table_iter_remove (&iter);

  /* The session's torrents, but not those fetched for a poster alone. */
  torrents = self->session != NULL ? sr_torrent_session_list_torrents (self->session) : NULL;
  for (guint i = 0; torrents != NULL && i < torrents->len; i++)
    {
      SrTorrent *torrent = torrents->pdata[i];
      SrCatalogTitle *title;

      if (sr_title_media_is_media_torrent (torrent))
        continue;
      g_hash_table_add (seen, torrent);
      row = g_hash_table_lookup (self->torrent_rows, torrent);
      title = torrent_title (self, torrent);
      if (row == NULL)
        {
          row = row_new (self, torrent, NULL);
          g_hash_table_insert (self->torrent_rows, g_object_ref (torrent), row);
        }
      if (title != NULL && row->content_id == NULL)
        row->content_id = g_strdup (sr_catalog_title_get_content_id (title));
      place_row (row, torrent_complete (torrent) ? self->seeding_list : self->downloading_list);
    }
  g_hash_table_iter_init (&iter, self->torrent_rows);
  while (g_hash_table_iter_next (&iter, &key, (gpointer *) &row))
    if (!g_hash_table_contains (seen, key))
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, self->bought_rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    update_row (row);
  g_hash_table_iter_init (&iter, self->torrent_rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    update_row (row);

  gtk_stack_set_visible_child_name (self->stack,
                                    g_hash_table_size (self->bought_rows) + g_hash_table_size (self->torrent_rows) > 0
                                      ? "content" : "empty");
}

static gboolean
tick_cb (gpointer user_data)
{
  SrLibraryPage *self = user_data;

  refresh (self, ++self->ticks % STORE_EVERY_TICKS == 0);
  return G_SOURCE_CONTINUE;
}

static gboolean
idle_refresh_cb (gpointer user_data)
{
  SrLibraryPage *self = user_data;

  self->idle_id = 0;
  refresh (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* Added and removed torrents show at once; the marks a poster fetch puts on
 * its torrent are set right after the signal, hence the idle. */
static void
torrents_changed_cb (SrLibraryPage *self)
{
  if (self->idle_id == 0)
    self->idle_id = g_idle_add (idle_refresh_cb, self);
}

static void
accounts_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrLibraryPage) self = user_data;
  g_autoptr(GPtrArray) accounts = sr_signer_list_accounts_finish (SR_SIGNER (source), result, NULL);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  g_clear_pointer (&self->account, g_free);
  if (accounts != NULL && accounts->len > 0)
    self->account = g_strdup (((SrSignerAccount *) accounts->pdata[0])->address);
  refresh (self, TRUE);
}

static void
reload_account (SrLibraryPage *self)
{
  SrSigner *signer = sr_application_get_signer (self->application, NULL);

  if (signer != NULL)
    sr_signer_list_accounts_async (signer, self->cancellable, accounts_cb, g_object_ref (self));
  refresh (self, TRUE);
}

static void
attach (SrLibraryPage *self,
        SrApplication *application)
{
  g_autoptr(GError) error = NULL;
  SrNetworkProfile *profile;

  g_set_object (&self->application, application);
  self->session = sr_application_get_torrent_session (application, &error);
  if (self->session == NULL)
    g_warning ("The Library cannot list torrents: %s", error->message);
  else
    {
      g_object_ref (self->session);
      g_signal_connect_object (self->session, "torrent-added", G_CALLBACK (torrents_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->session, "torrent-removed", G_CALLBACK (torrents_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  profile = sr_application_get_network_profile (application);
  g_signal_connect_object (profile, "notify::registry-address", G_CALLBACK (reload_account), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (profile, "notify::chain-id", G_CALLBACK (reload_account), self, G_CONNECT_SWAPPED);
}

/* The window has its application only once it is fully built, so the page
 * finds it when first shown; it refreshes while on screen. */
static void
sr_library_page_map (GtkWidget *widget)
{
  SrLibraryPage *self = SR_LIBRARY_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sr_library_page_parent_class)->map (widget);
  root = gtk_widget_get_root (widget);
  if (self->application == NULL && GTK_IS_WINDOW (root) &&
      SR_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))))
    attach (self, SR_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))));
  if (self->application == NULL)
    return;
  reload_account (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
}

static void
sr_library_page_unmap (GtkWidget *widget)
{
  SrLibraryPage *self = SR_LIBRARY_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (sr_library_page_parent_class)->unmap (widget);
}

static void
sr_library_page_dispose (GObject *object)
{
  SrLibraryPage *self = SR_LIBRARY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_pointer (&self->bought_rows, g_hash_table_unref);
  g_clear_pointer (&self->torrent_rows, g_hash_table_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->application);
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_LIBRARY_PAGE);

  G_OBJECT_CLASS (sr_library_page_parent_class)->dispose (object);
}

static void
sr_library_page_finalize (GObject *object)
{
  SrLibraryPage *self = SR_LIBRARY_PAGE (object);

  g_clear_pointer (&self->titles_by_id, g_hash_table_unref);
  g_clear_pointer (&self->titles, g_hash_table_unref);
  g_clear_pointer (&self->earned, g_hash_table_unref);
  g_clear_pointer (&self->purchases, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_free (self->account);

  G_OBJECT_CLASS (sr_library_page_parent_class)->finalize (object);
}

static void
sr_library_page_class_init (SrLibraryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_library_page_dispose;
  object_class->finalize = sr_library_page_finalize;
  widget_class->map = sr_library_page_map;
  widget_class->unmap = sr_library_page_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-library-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrLibraryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SrLibraryPage, bought_list);
  gtk_widget_class_bind_template_child (widget_class, SrLibraryPage, downloading_list);
  gtk_widget_class_bind_template_child (widget_class, SrLibraryPage, seeding_list);
}

static GtkWidget *
placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
sr_library_page_init (SrLibraryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->bought_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) row_free);
  self->torrent_rows = g_hash_table_new_full (NULL, NULL, g_object_unref, (GDestroyNotify) row_free);
  self->titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->titles_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->earned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->purchases = g_ptr_array_new_with_free_func (g_free);
  gtk_list_box_set_placeholder (self->bought_list, placeholder (_("Titles you buy appear here.")));
  gtk_list_box_set_placeholder (self->downloading_list, placeholder (_("Nothing is downloading.")));
  gtk_list_box_set_placeholder (self->seeding_list, placeholder (_("Nothing is seeding.")));
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

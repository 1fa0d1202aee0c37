/* sr-my-titles.c — "My Titles" on the Create page (see sr-my-titles.h).
 *
 * The titles come from the catalog the Browse page keeps synced in the
 * library (creator == this account). Views and earnings are read from the
 * registry's ViewPurchased events for those titles (contentId is an indexed
 * topic, so one eth_getLogs answers for all of them): a view earns its
 * price minus the seeder pool. The balance is the registry's own
 * creatorBalance(); Withdraw sends withdraw() through the account's
 * SrTxManager, signed only after the user confirmed the wallet agent's
 * summary (amount, network, fee) in one dialog (SrPendingTx). While on screen the figures
 * are read again every few seconds, so a purchase shows up by itself. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "chain/sr-registry.h"
#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-u256.h"
#include "market/sr-catalog.h"
#include "market/sr-rewards.h"
#include "store/sr-store-catalog.h"

#include "sr-application.h"
#include "sr-my-titles.h"
#include "sr-pending-tx.h"
#include "sr-window.h"

#define REFRESH_S 4

struct _SrMyTitles
{
  AdwBin parent_instance;

  /* Template Widgets */
  AdwActionRow *balance_row;
  GtkButton *withdraw_button;
  GtkListBox *titles_list;

  /* Owned References */
  SrApplication *application;
  GCancellable *cancellable;
  GHashTable *rows;           /* content id → its row in titles_list */
  char *account;
  guint8 balance[SR_U256_LEN];
  gboolean have_balance;
  gboolean refreshing;
  gboolean withdrawing;
  guint refresh_id;

  SrPendingTx *pending;       /* the withdrawal waiting for the user's word */
};

G_DEFINE_FINAL_TYPE (SrMyTitles, sr_my_titles, ADW_TYPE_BIN)

typedef struct {
  char *content_id;           /* decimal */
  char *name;
  guint views;
  unsigned __int128 earned;   /* base units */
} MyTitle;

static void
my_title_free (MyTitle *t)
{
  g_free (t->content_id);
  g_free (t->name);
  g_free (t);
}

static char *
seed_text_u256 (const guint8 value[SR_U256_LEN])
{
  g_autofree char *dec = sr_u256_to_decimal (value);
  g_autofree char *units = sr_catalog_format_units (dec, 18);

  /* TRANSLATORS: an amount of the SEED token, e.g. "1.5 SEED" */
  return g_strdup_printf (_("%s SEED"), units);
}

static char *
seed_text_wide (unsigned __int128 value)
{
  guint8 word[SR_U256_LEN] = { 0 };

  for (int i = 31; i >= 16; i--, value >>= 8)
    word[i] = (guint8) value;
  return seed_text_u256 (word);
}

/* Amounts here fit in 128 bits: the registry caps prices there. */
static unsigned __int128
wide_from_u256 (const guint8 value[SR_U256_LEN])
{
  unsigned __int128 wide = 0;

  for (int i = 16; i < 32; i++)
    wide = (wide << 8) | value[i];
  return wide;
}

static char *
metadata_title (const char *metadata)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (metadata == NULL || !json_parser_load_from_data (parser, metadata, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), "title", NULL));
}

static gboolean
network (SrMyTitles *self,
         guint8      registry[SR_ADDRESS_LEN],
         char      **key)
{
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);

  if (!sr_address_parse (sr_network_profile_get_registry_address (profile), registry, NULL))
    return FALSE;
  if (key != NULL)
    *key = sr_catalog_network_key (sr_network_profile_get_chain_id (profile), registry);
  return TRUE;
}

/* ---- showing ---------------------------------------------------------- */

/* Rows are kept (by content id) and only their texts change, so a refresh
 * every few seconds neither flickers nor moves the focus. */
static void
show_titles (SrMyTitles *self,
             GPtrArray  *titles,
             const char *problem)
{
  g_autoptr(GHashTable) gone = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_add (gone, key);
  for (guint i = 0; titles != NULL && i < titles->len; i++)
    {
      MyTitle *t = titles->pdata[i];
      GtkWidget *row = g_hash_table_lookup (self->rows, t->content_id);
      g_autofree char *earned = seed_text_wide (t->earned);
      g_autofree char *views = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u view", "%u views", t->views),
                                                t->views);
      /* TRANSLATORS: "3 views · 5.4 SEED earned" */
      g_autofree char *subtitle = problem != NULL ? g_strdup (problem)
                                                  : g_strdup_printf (_("%s · %s earned"), views, earned);

      if (row == NULL)
        {
          row = adw_action_row_new ();
          gtk_list_box_append (self->titles_list, row);
          g_hash_table_insert (self->rows, g_strdup (t->content_id), row);
        }
      g_hash_table_remove (gone, t->content_id);
      if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), t->name) != 0)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), t->name);
      if (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), subtitle) != 0)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  g_hash_table_iter_init (&iter, gone);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gtk_list_box_remove (self->titles_list, g_hash_table_lookup (self->rows, key));
      g_hash_table_remove (self->rows, key);
    }
}

static void
show_balance (SrMyTitles *self)
{
  g_autofree char *text = self->have_balance ? seed_text_u256 (self->balance) : NULL;

  adw_action_row_set_subtitle (self->balance_row, text != NULL ? text : _("Unknown"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->withdraw_button),
                            self->have_balance && !sr_u256_is_zero (self->balance) && !self->withdrawing);
}

/* ---- reading ---------------------------------------------------------- */

typedef struct {
  SrMyTitles *self;
  GPtrArray *titles;          /* of MyTitle */
} Refresh;

static void
refresh_free (Refresh *r)
{
  r->self->refreshing = FALSE;
  g_object_unref (r->self);
  g_ptr_array_unref (r->titles);
  g_free (r);
}

static void
balance_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SrMyTitles) self = user_data;
  g_autoptr(GError) error = NULL;
  guint8 balance[SR_U256_LEN];

  if (!sr_registry_creator_balance_finish (SR_REGISTRY (source), result, balance, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->balance_row), error->message);
      return;
    }
  memcpy (self->balance, balance, SR_U256_LEN);
  self->have_balance = TRUE;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->balance_row), NULL);
  show_balance (self);
}

static void
views_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Refresh *r = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) logs = sr_rpc_client_get_logs_finish (SR_RPC_CLIENT (source), result, &error);
  guint8 topic[32];

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      refresh_free (r);
      return;
    }
  sr_registry_view_purchased_topic (topic);
  for (guint i = 0; logs != NULL && i < logs->len; i++)
    {
      const SrRpcLog *log = logs->pdata[i];
      SrRegistryPurchase p;
      g_autofree char *content_id = NULL;

      if (log->removed || log->n_topics == 0 || memcmp (log->topics[0], topic, 32) != 0 ||
          !sr_registry_decode_view_purchased (log, &p, NULL))
        continue;
      content_id = sr_u256_to_decimal (p.content_id);
      for (guint j = 0; j < r->titles->len; j++)
        {
          MyTitle *t = r->titles->pdata[j];

          if (g_str_equal (t->content_id, content_id))
            {
              t->views++;
              t->earned += wide_from_u256 (p.price) - wide_from_u256 (p.pool);
            }
        }
    }
  show_titles (r->self, r->titles, logs == NULL ? error->message : NULL);
  refresh_free (r);
}

static JsonNode *
views_filter (const guint8  registry[SR_ADDRESS_LEN],
              GPtrArray    *titles)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *address = sr_hex_encode (registry, SR_ADDRESS_LEN);
  g_autofree char *topic = NULL;
  guint8 word[32];

  sr_registry_view_purchased_topic (word);
  topic = sr_hex_encode (word, 32);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "address");
  json_builder_add_string_value (b, address);
  json_builder_set_member_name (b, "fromBlock");
  json_builder_add_string_value (b, "0x0");
  json_builder_set_member_name (b, "toBlock");
  json_builder_add_string_value (b, "latest");
  json_builder_set_member_name (b, "topics");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, topic);
  json_builder_add_null_value (b);           /* viewId */
  json_builder_add_null_value (b);           /* viewer */
  json_builder_begin_array (b);              /* contentId: any of these */
  for (guint i = 0; i < titles->len; i++)
    {
      MyTitle *t = titles->pdata[i];
      g_autofree char *id_topic = NULL;

      if (!sr_u256_parse (t->content_id, word, NULL))
        continue;
      id_topic = sr_hex_encode (word, 32);
      json_builder_add_string_value (b, id_topic);
    }
  json_builder_end_array (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
read_figures (SrMyTitles *self)
{
  SrStore *store = sr_application_get_store (self->application);
  SrRpcClient *rpc = sr_application_get_rpc_client (self->application);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(SrRegistry) registry = NULL;
  g_autoptr(JsonNode) filter = NULL;
  g_autofree char *key = NULL;
  guint8 registry_address[SR_ADDRESS_LEN], owner[SR_ADDRESS_LEN];
  Refresh *r;

  if (store == NULL || rpc == NULL || self->account == NULL || !sr_address_parse (self->account, owner, NULL) ||
      !network (self, registry_address, &key))
    {
      self->refreshing = FALSE;
      return;
    }
  registry = sr_registry_new (rpc, registry_address);
  sr_registry_creator_balance_async (registry, owner, self->cancellable, balance_cb, g_object_ref (self));

  r = g_new0 (Refresh, 1);
  r->self = g_object_ref (self);
  r->titles = g_ptr_array_new_with_free_func ((GDestroyNotify) my_title_free);
  rows = sr_store_catalog_list_titles (store, key, NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      SrStoreTitle *row = rows->pdata[i];
      MyTitle *t;

      if (g_ascii_strcasecmp (row->creator, self->account) != 0)
        continue;
      t = g_new0 (MyTitle, 1);
      t->content_id = g_strdup (row->content_id);
      t->name = metadata_title (row->metadata);
      if (t->name == NULL || *t->name == '\0')
        {
          g_free (t->name);
          t->name = g_strdup_printf (_("Title %s"), row->content_id);
        }
      g_ptr_array_add (r->titles, t);
    }
  if (r->titles->len == 0)
    {
      show_titles (self, r->titles, NULL);
      refresh_free (r);
      return;
    }
  filter = views_filter (registry_address, r->titles);
  sr_rpc_client_get_logs_async (rpc, filter, self->cancellable, views_cb, r);
}

static void
accounts_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrMyTitles) self = user_data;
  g_autoptr(GPtrArray) accounts = sr_signer_list_accounts_finish (SR_SIGNER (source), result, NULL);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      self->refreshing = FALSE;
      return;
    }
  g_clear_pointer (&self->account, g_free);
  if (accounts != NULL && accounts->len > 0)
    self->account = g_strdup (((SrSignerAccount *) accounts->pdata[0])->address);
  read_figures (self);
}

void
sr_my_titles_refresh (SrMyTitles *self)
{
  SrSigner *signer;

  g_return_if_fail (SR_IS_MY_TITLES (self));

  if (self->application == NULL || self->refreshing)
    return;
  signer = sr_application_get_signer (self->application, NULL);
  if (signer == NULL)
    return;
  self->refreshing = TRUE;
  /* The account may have been created or replaced on the Wallet page. */
  sr_signer_list_accounts_async (signer, self->cancellable, accounts_cb, g_object_ref (self));
}

static gboolean
refresh_tick (gpointer user_data)
{
  sr_my_titles_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

/* ---- withdrawing ------------------------------------------------------ */

/* The wallet agent's summary of the withdraw() transaction: the one
 * confirmation, with the amount, the network and the fee. */
static void
confirm_cb (GVariant   *summary,
            const char *token,
            GVariant   *tx,
            GTask      *task,
            gpointer    user_data)
{
  SrMyTitles *self = user_data;
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);
  g_autofree char *fee = NULL, *amount = NULL, *body = NULL, *network_text = NULL;
  guint64 chain_id = 0;
  const char *heading = _("Withdraw Your Earnings?");

  sr_pending_tx_hold (self->pending, task, tx, token);

  g_variant_lookup (summary, "chain-id", "t", &chain_id);
  fee = sr_rewards_dup_max_fee_text (summary);
  amount = seed_text_u256 (self->balance);
  network_text = sr_network_profile_describe_chain (profile, chain_id);
  body = g_strdup_printf ("%s\n\n%s %s\n%s %s\n%s %s\n%s %s ETH",
                          _("The registry sends what your titles earned to your account."),
                          _("Amount:"), amount,
                          _("To:"), self->account,
                          _("Network:"), network_text,
                          _("Maximum network fee:"), fee);
  sr_pending_tx_ask (self->pending, GTK_WIDGET (self), self->application, self->account, heading, body,
                     _("_Withdraw"), _("Nothing withdrawn: you cancelled"), self->cancellable, NULL);
}

static void
toast (SrMyTitles *self,
       const char *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (SR_IS_WINDOW (root))
    sr_window_show_toast (SR_WINDOW (root), text);
}

static void
withdraw_done (SrMyTitles *self,
               const char *problem)
{
  self->withdrawing = FALSE;
  if (self->application != NULL)
    sr_application_set_send_confirmer (self->application, NULL, NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->withdraw_button), problem);
  if (problem != NULL)
    toast (self, problem);
  show_balance (self);
  sr_my_titles_refresh (self);
}

static void
withdrawn_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SrMyTitles) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) done = sr_tx_manager_wait_finish (SR_TX_MANAGER (source), result, &error);

  if (done == NULL)
    withdraw_done (self, error->message);
  else if (done->state != SR_STORE_TX_MINED)
    withdraw_done (self, _("The withdrawal did not go through; your balance stays with the registry."));
  else
    {
      toast (self, _("Your earnings are in your wallet."));
      withdraw_done (self, NULL);
    }
}

static void
withdraw_sent_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SrMyTitles) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) sent = sr_tx_manager_send_finish (SR_TX_MANAGER (source), result, &error);

  if (sent == NULL)
    {
      withdraw_done (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                             ? _("Nothing withdrawn.") : error->message);
      return;
    }
  adw_action_row_set_subtitle (self->balance_row, _("Waiting for the withdrawal to be included…"));
  sr_tx_manager_wait_async (SR_TX_MANAGER (source), sent->id, self->cancellable, withdrawn_cb, g_object_ref (self));
}

static void
withdraw_clicked_cb (SrMyTitles *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) call = NULL;
  g_autofree char *key = NULL;
  SrTxRequest request = { 0 };
  SrTxManager *manager;

  if (self->application == NULL || self->account == NULL || self->withdrawing ||
      !network (self, request.to, NULL))
    return;
  if ((manager = sr_application_get_tx_manager (self->application, self->account, &error)) == NULL)
    {
      toast (self, error->message);
      return;
    }
  self->withdrawing = TRUE;
  show_balance (self);
  call = sr_registry_encode_withdraw ();
  request.has_to = TRUE;
  request.data = call;
  /* Each press is its own withdrawal: the balance is whatever it is then. */
  key = g_strdup_printf ("withdraw-%s-%" G_GINT64_FORMAT, self->account, g_get_real_time ());
  sr_application_set_send_confirmer (self->application, confirm_cb, self);
  sr_tx_manager_send_async (manager, &request, key, self->cancellable, withdraw_sent_cb, g_object_ref (self));
}

/* ---- object ----------------------------------------------------------- */

/* The window has its application only once it is fully built. */
static void
sr_my_titles_map (GtkWidget *widget)
{
  SrMyTitles *self = SR_MY_TITLES (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sr_my_titles_parent_class)->map (widget);
  root = gtk_widget_get_root (widget);
  if (self->application == NULL && GTK_IS_WINDOW (root) &&
      SR_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))))
    self->application = g_object_ref (SR_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))));
  sr_my_titles_refresh (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_S, refresh_tick, self);
}

static void
sr_my_titles_unmap (GtkWidget *widget)
{
  SrMyTitles *self = SR_MY_TITLES (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (sr_my_titles_parent_class)->unmap (widget);
}

static void
sr_my_titles_dispose (GObject *object)
{
  SrMyTitles *self = SR_MY_TITLES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->pending != NULL)
    sr_pending_tx_decline (self->pending, _("Nothing withdrawn: the window was closed"));
  if (self->application != NULL && self->withdrawing)
    sr_application_set_send_confirmer (self->application, NULL, NULL);
  g_clear_object (&self->application);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->pending);
  g_clear_pointer (&self->account, g_free);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_MY_TITLES);

  G_OBJECT_CLASS (sr_my_titles_parent_class)->dispose (object);
}

static void
sr_my_titles_class_init (SrMyTitlesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_my_titles_dispose;
  widget_class->map = sr_my_titles_map;
  widget_class->unmap = sr_my_titles_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-my-titles.ui");
  gtk_widget_class_bind_template_child (widget_class, SrMyTitles, balance_row);
  gtk_widget_class_bind_template_child (widget_class, SrMyTitles, withdraw_button);
  gtk_widget_class_bind_template_child (widget_class, SrMyTitles, titles_list);
  gtk_widget_class_bind_template_callback (widget_class, withdraw_clicked_cb);
}

static void
sr_my_titles_init (SrMyTitles *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = sr_pending_tx_new ();
}

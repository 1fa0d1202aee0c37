/* sr-wallet-page.c — the Wallet page: create or import a wallet when there
 * is none; otherwise the account's checksummed address (copy, QR code), its
 * ETH and SEED balances, the history of its sends with speed-up and cancel,
 * locking and keystore export. The keys stay in seedreel-signer, which the
 * application owns and this page only asks.
 *
 * While the page is on screen it asks the node for the block number every
 * two seconds — one cheap call — and only when a new block appears fetches
 * balances and receipts again. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chain/sr-abi.h"
#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"

#include "sr-application.h"
#include "sr-qr-code.h"
#include "sr-rewards-section.h"
#include "sr-wallet-create-dialog.h"
#include "sr-wallet-import-dialog.h"
#include "sr-wallet-page.h"
#include "sr-wallet-send-dialog.h"

#define BLOCK_POLL_MS 2000
#define QR_MODULE_PX 5
#define UNLOCK_IDLE_S 300

struct _SrWalletPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkWidget      *empty_box;
  GtkWidget      *error_box;
  GtkWidget      *account_box;
  AdwStatusPage  *error_state;
  GtkButton      *create_button;
  GtkButton      *import_button;
  AdwActionRow   *address_row;
  AdwActionRow   *network_row;
  GtkButton      *copy_button;
  GtkLabel       *eth_label;
  AdwActionRow   *token_row;
  GtkLabel       *token_label;
  AdwActionRow   *lock_row;
  GtkButton      *lock_button;
  GtkButton      *send_button;
  GtkMenuButton  *qr_button;
  GtkPicture     *qr_picture;
  GtkLabel       *qr_label;
  GtkListBox     *history_list;
  GtkWidget      *history_empty;
  GtkButton      *export_button;
  SrRewardsSection *rewards_section;

  /* Owned References */
  SrApplication  *application;
  GCancellable   *cancellable;
  char           *address;
  guint           poll_id;
  guint64         last_block;
  gboolean        have_block;
  gboolean        block_busy;
  gboolean        unlocked;
};

G_DEFINE_FINAL_TYPE (SrWalletPage, sr_wallet_page, ADW_TYPE_BIN)

static void sr_wallet_page_reload (SrWalletPage *self);

/* wei (decimal) → "1.5" with at most four decimals shown. */
static char *
format_units (const guint8 value[SR_U256_LEN],
              guint        decimals)
{
  g_autofree char *digits = sr_u256_to_decimal (value);
  g_autoptr(GString) s = g_string_new (digits);

  while (s->len <= decimals)
    g_string_prepend_c (s, '0');
  if (decimals > 0)
    {
      g_string_insert_c (s, s->len - decimals, '.');
      g_string_truncate (s, s->len - decimals + MIN (decimals, 4));
      while (s->str[s->len - 1] == '0')
        g_string_truncate (s, s->len - 1);
      if (s->str[s->len - 1] == '.')
        g_string_truncate (s, s->len - 1);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Only the state in use is visible, so the others are out of the
 * accessibility tree too. */
static void
show_state (SrWalletPage *self,
            const char   *name)
{
  gtk_widget_set_visible (self->empty_box, g_str_equal (name, "empty"));
  gtk_widget_set_visible (self->error_box, g_str_equal (name, "error"));
  gtk_widget_set_visible (self->account_box, g_str_equal (name, "account"));
}

static void
show_error (SrWalletPage *self,
            const char   *message)
{
  adw_status_page_set_description (self->error_state, message);
  show_state (self, "error");
}

static void
eth_balance_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SrWalletPage *self = user_data;
  g_autoptr(GError) error = NULL;
  guint8 balance[SR_U256_LEN];
  g_autofree char *text = NULL;

  if (!sr_rpc_client_get_balance_finish (SR_RPC_CLIENT (source), result, balance, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_label (self->eth_label, "—");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->eth_label), error->message);
      return;
    }
  text = format_units (balance, 18);
  gtk_label_set_label (self->eth_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->eth_label), NULL);
}

static void
token_balance_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SrWalletPage *self = user_data;
  g_autoptr(GError) error = NULL;
  guint8 balance[SR_U256_LEN];
  g_autofree char *text = NULL;

  if (!sr_token_balance_of_finish (SR_TOKEN (source), result, balance, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_label (self->token_label, "—");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->token_label), error->message);
      return;
    }
  /* SeedreelToken has 18 decimals, like ETH. */
  text = format_units (balance, 18);
  gtk_label_set_label (self->token_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->token_label), NULL);
}

static void
update_lock_row (SrWalletPage *self)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->lock_row),
                                 self->unlocked ? _("Unlocked") : _("Locked"));
  gtk_button_set_label (self->lock_button, self->unlocked ? _("_Lock") : _("_Unlock"));
}

static void
is_unlocked_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SrWalletPage *self = user_data;
  gboolean unlocked = FALSE;

  if (!sr_signer_is_unlocked_finish (SR_SIGNER (source), result, &unlocked, NULL))
    return;
  self->unlocked = unlocked;
  update_lock_row (self);
}

static void
refresh_balances (SrWalletPage *self)
{
  SrRpcClient *rpc;
  SrToken *token;
  SrSigner *signer;
  SrNetworkProfile *profile;
  guint8 owner[SR_ADDRESS_LEN];
  g_autofree char *network = NULL;

  if (self->application == NULL || self->address == NULL || !sr_address_parse (self->address, owner, NULL))
    return;
  profile = sr_application_get_network_profile (self->application);
  network = g_strdup_printf (_("%s (chain %llu)"),
                             sr_network_profile_get_name (profile),
                             (unsigned long long) sr_network_profile_get_chain_id (profile));
  adw_action_row_set_subtitle (self->network_row, network);
  rpc = sr_application_get_rpc_client (self->application);
  sr_rpc_client_get_balance_async (rpc, owner, "latest", self->cancellable, eth_balance_cb, self);
  token = sr_application_get_token (self->application);
  gtk_widget_set_visible (GTK_WIDGET (self->token_row), token != NULL);
  if (token != NULL)
    sr_token_balance_of_async (token, owner, self->cancellable, token_balance_cb, self);
  signer = sr_application_get_signer (self->application, NULL);
  if (signer != NULL)
    sr_signer_is_unlocked_async (signer, self->address, self->cancellable, is_unlocked_cb, self);
}

/* ---- history ----------------------------------------------------------- */

/* What a recorded transaction did, for a person: "1.5 SEED" to whom. */
typedef struct {
  char *amount;      /* "1.5 SEED", or NULL for a cancellation */
  char *recipient;   /* EIP-55 */
  char *title;       /* what a contract call did, or NULL for "Sent <amount>" */
} TxDescription;

static gboolean
call_is (const guint8 *data,
         gsize         len,
         const char   *signature)
{
  guint8 selector[4];

  if (data == NULL || len < 4)
    return FALSE;
  sr_abi_selector (signature, selector);
  return memcmp (data, selector, 4) == 0;
}

/* A call to the catalog's registry or the token, named for what it did
 * rather than as a transfer of 0 ETH. */
static char *
describe_call (SrWalletPage *self,
               const guint8  to[SR_ADDRESS_LEN],
               const guint8 *data,
               gsize         len)
{
  SrToken *token = sr_application_get_token (self->application);
  const char *registry_text = sr_network_profile_get_registry_address (sr_application_get_network_profile (self->application));
  guint8 registry[SR_ADDRESS_LEN];
  gboolean to_registry = registry_text != NULL && sr_address_parse (registry_text, registry, NULL) &&
                         memcmp (to, registry, SR_ADDRESS_LEN) == 0;

  if (token != NULL && memcmp (to, sr_token_get_address (token), SR_ADDRESS_LEN) == 0 &&
      len == 4 + 32 + 32 && call_is (data, len, "approve(address,uint256)"))
    {
      g_autofree char *units = format_units (data + 4 + 32, 18);

      return registry_text != NULL && sr_address_parse (registry_text, registry, NULL) &&
             memcmp (data + 4 + 12, registry, SR_ADDRESS_LEN) == 0
        ? g_strdup_printf (_("Allowed the catalog to take %s SEED"), units)
        : g_strdup_printf (_("Allowed an account to take %s SEED"), units);
    }
  if (!to_registry)
    return NULL;
  if (len >= 4 + 32 && (call_is (data, len, "buyView(uint256)") ||
                        call_is (data, len, "buyViewWithPermit(uint256,uint256,uint8,bytes32,bytes32)")))
    {
      g_autofree char *id = sr_u256_to_decimal (data + 4);

      return g_strdup_printf (_("Bought a view of title %s"), id);
    }
  if (call_is (data, len, "publish(bytes32,uint256,uint16,uint64,string)"))
    return g_strdup (_("Published a title"));
  if (call_is (data, len, "withdraw()"))
    return g_strdup (_("Withdrew creator earnings"));
  if (call_is (data, len, "claim((uint256,address,uint64)[],bytes[])"))
    return g_strdup (_("Collected seeding rewards"));
  if (len >= 4 + 32 && call_is (data, len, "reclaimExpiredPool(uint256)"))
    {
      g_autofree char *id = sr_u256_to_decimal (data + 4);

      return g_strdup_printf (_("Returned the unclaimed seeding rewards of view %s to its creator"), id);
    }
  return g_strdup (_("Called the catalog contract"));
}

static void
describe_tx (SrWalletPage             *self,
             const SrStoreTransaction *tx,
             TxDescription            *out)
{
  SrToken *token = sr_application_get_token (self->application);
  guint8 value[SR_U256_LEN] = { 0 };
  guint8 to[SR_ADDRESS_LEN];
  gsize len = 0;
  const guint8 *data = tx->data != NULL ? g_bytes_get_data (tx->data, &len) : NULL;
  static const guint8 transfer_selector[4] = { 0xa9, 0x05, 0x9c, 0xbb };

  out->amount = NULL;
  out->title = NULL;
  out->recipient = g_strdup (tx->to_address != NULL ? tx->to_address : "");
  /* transfer(address,uint256) on the configured token: the tokens' recipient
   * and amount are in the call, not in the transaction's own fields. */
  if (token != NULL && tx->to_address != NULL && sr_address_parse (tx->to_address, to, NULL) &&
      memcmp (to, sr_token_get_address (token), SR_ADDRESS_LEN) == 0 &&
      len == 4 + 32 + 32 && memcmp (data, transfer_selector, 4) == 0)
    {
      g_autofree char *units = format_units (data + 4 + 32, 18);

      g_free (out->recipient);
      out->recipient = sr_address_to_checksum (data + 4 + 12);
      out->amount = g_strdup_printf ("%s SEED", units);
      return;
    }
  if (tx->value != NULL)
    sr_u256_parse (tx->value, value, NULL);
  if (len == 0 && sr_u256_is_zero (value) && tx->to_address != NULL &&
      g_ascii_strcasecmp (tx->to_address, tx->from_address) == 0)
    return;  /* a zero-value transfer to oneself: how a send is cancelled */
  {
    g_autofree char *units = format_units (value, 18);

    out->amount = g_strdup_printf ("%s ETH", units);
  }
  if (len >= 4 && tx->to_address != NULL && sr_address_parse (tx->to_address, to, NULL))
    out->title = describe_call (self, to, data, len);
}

static const char *
state_text (SrStoreTxState state)
{
  switch (state)
    {
    case SR_STORE_TX_SIGNED:
    case SR_STORE_TX_BROADCAST:
      return _("Pending");
    case SR_STORE_TX_MINED:
      return _("Confirmed");
    case SR_STORE_TX_FAILED:
      return _("Failed");
    case SR_STORE_TX_REPLACED:
      return _("Replaced");
    default:
      return "";
    }
}

static void open_replacement (SrWalletPage *self, GtkWidget *button, gboolean cancel);

static void
speed_up_clicked_cb (GtkWidget    *button,
                     SrWalletPage *self)
{
  open_replacement (self, button, FALSE);
}

static void
cancel_send_clicked_cb (GtkWidget    *button,
                        SrWalletPage *self)
{
  open_replacement (self, button, TRUE);
}

static void
copy_hash_clicked_cb (GtkWidget    *button,
                      SrWalletPage *self)
{
  const char *hash = g_object_get_data (G_OBJECT (button), "hash");

  if (hash != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), hash);
}

static GtkWidget *
history_row_new (SrWalletPage             *self,
                 const SrStoreTransaction *tx)
{
  TxDescription what;
  g_autofree char *title = NULL, *when = NULL, *subtitle = NULL;
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (tx->created_at);
  GtkWidget *row, *state, *copy;
  gboolean pending = tx->state == SR_STORE_TX_SIGNED || tx->state == SR_STORE_TX_BROADCAST;

  describe_tx (self, tx, &what);
  if (what.title != NULL)
    title = g_strdup (what.title);
  else if (what.amount != NULL)
    title = g_strdup_printf (_("Sent %s"), what.amount);
  else
    title = g_strdup_printf (_("Cancellation of send number %llu"), (unsigned long long) tx->nonce);
  when = time != NULL ? g_date_time_format (time, "%x %X") : g_strdup ("");
  subtitle = what.amount != NULL
    ? g_strdup_printf (_("To %s · %s"), what.recipient, when)
    : g_strdup (when);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  state = gtk_label_new (state_text (tx->state));
  gtk_widget_add_css_class (state, tx->state == SR_STORE_TX_FAILED ? "error"
                                   : tx->state == SR_STORE_TX_MINED ? "success" : "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);

  if (pending)
    {
      GtkWidget *speed_up = gtk_button_new_with_mnemonic (_("Speed _Up"));
      GtkWidget *cancel = gtk_button_new_with_mnemonic (_("Cancel _Send"));

      gtk_widget_set_valign (speed_up, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (speed_up, _("Sign it again with a higher fee so it is included sooner"));
      gtk_widget_set_tooltip_text (cancel, _("Replace it by a transfer of nothing to yourself, if that is included first"));
      g_object_set_data_full (G_OBJECT (speed_up), "tx", sr_store_transaction_copy (tx),
                              (GDestroyNotify) sr_store_transaction_free);
      g_object_set_data_full (G_OBJECT (cancel), "tx", sr_store_transaction_copy (tx),
                              (GDestroyNotify) sr_store_transaction_free);
      g_signal_connect_object (speed_up, "clicked", G_CALLBACK (speed_up_clicked_cb), self, 0);
      g_signal_connect_object (cancel, "clicked", G_CALLBACK (cancel_send_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), speed_up);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), cancel);
    }

  if (tx->hash != NULL)
    {
      copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
      gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (copy, "flat");
      gtk_widget_set_tooltip_text (copy, _("Copy Transaction Hash"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Copy Transaction Hash"), -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      tx->hash, -1);
      g_object_set_data_full (G_OBJECT (copy), "hash", g_strdup (tx->hash), g_free);
      g_signal_connect_object (copy, "clicked", G_CALLBACK (copy_hash_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);
    }
  g_free (what.amount);
  g_free (what.recipient);
  g_free (what.title);
  return row;
}

static void
history_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SrWalletPage *self = SR_WALLET_PAGE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) txs = g_task_propagate_pointer (G_TASK (result), &error);
  GtkWidget *child;

  (void) user_data;
  if (txs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the wallet history: %s", error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);
  /* Newest first. */
  for (guint i = txs->len; i > 0; i--)
    gtk_list_box_append (self->history_list, history_row_new (self, txs->pdata[i - 1]));
  /* Not a list placeholder: GTK 4.8 does not show one in a list that never
   * had a row. */
  gtk_widget_set_visible (GTK_WIDGET (self->history_list), txs->len > 0);
  gtk_widget_set_visible (self->history_empty, txs->len == 0);
}

typedef struct {
  SrStore *store;
  guint64 chain_id;
  char *address;
} HistoryQuery;

static void
history_query_free (HistoryQuery *query)
{
  g_clear_object (&query->store);
  g_free (query->address);
  g_free (query);
}

static void
load_history_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  HistoryQuery *query = task_data;
  GError *error = NULL;
  GPtrArray *txs;

  (void) source_object;
  (void) cancellable;
  txs = sr_store_list_transactions (query->store, query->chain_id, query->address, FALSE, &error);
  if (txs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, txs, (GDestroyNotify) g_ptr_array_unref);
}

/* Reads this account's sends from the library database off the UI thread. */
static void
load_history (SrWalletPage *self)
{
  SrStore *store;
  g_autoptr(GTask) task = NULL;
  HistoryQuery *query;

  if (self->application == NULL || self->address == NULL)
    return;
  store = sr_application_get_store (self->application);
  if (store == NULL)
    return;
  query = g_new0 (HistoryQuery, 1);
  query->store = g_object_ref (store);
  query->chain_id = sr_network_profile_get_chain_id (sr_application_get_network_profile (self->application));
  query->address = g_strdup (self->address);
  task = g_task_new (self, self->cancellable, history_loaded_cb, NULL);
  g_task_set_source_tag (task, load_history);
  g_task_set_task_data (task, query, (GDestroyNotify) history_query_free);
  g_task_run_in_thread (task, load_history_thread);
}

static void
receipts_refreshed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  SrWalletPage *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sr_tx_manager_refresh_finish (SR_TX_MANAGER (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Even after an error: what is recorded is still worth showing. */
  load_history (self);
}

static void
reconciled_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SrWalletPage *self = user_data;
  g_autoptr(GError) error = NULL;
  guint rebroadcast = 0;

  if (!sr_tx_manager_reconcile_finish (SR_TX_MANAGER (source), result, &rebroadcast, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Tried again on the next block. */
      g_object_set_data (source, "sr-wallet-reconciled", NULL);
      g_warning ("Cannot settle the sends recorded before: %s", error->message);
    }
  load_history (self);
}

/* Asks the node for the receipts of unfinished sends, then shows the
 * history. The first time for an account and chain it reconciles instead:
 * a send recorded but never broadcast (the app was killed in between) goes
 * out now, with the same signed bytes, so it lands exactly once and its
 * nonce does not block later sends. */
static void
refresh_history (SrWalletPage *self)
{
  SrTxManager *manager;

  if (self->application == NULL || self->address == NULL)
    return;
  manager = sr_application_get_tx_manager (self->application, self->address, NULL);
  if (manager == NULL)
    {
      load_history (self);
      return;
    }
  if (g_object_get_data (G_OBJECT (manager), "sr-wallet-reconciled") == NULL)
    {
      g_object_set_data (G_OBJECT (manager), "sr-wallet-reconciled", GINT_TO_POINTER (TRUE));
      sr_tx_manager_reconcile_async (manager, self->cancellable, reconciled_cb, self);
      return;
    }
  sr_tx_manager_refresh_async (manager, self->cancellable, receipts_refreshed_cb, self);
}

/* ---- new blocks --------------------------------------------------------- */

static void
block_number_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SrWalletPage *self = user_data;
  g_autoptr(GError) error = NULL;
  guint64 block = 0;

  if (!sr_rpc_client_get_block_number_finish (SR_RPC_CLIENT (source), result, &block, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->block_busy = FALSE;
      /* The balances say the node cannot be reached. */
      if (self->have_block)
        {
          self->have_block = FALSE;
          refresh_balances (self);
        }
      return;
    }
  self->block_busy = FALSE;
  if (self->have_block && block == self->last_block)
    return;
  self->have_block = TRUE;
  self->last_block = block;
  refresh_balances (self);
  refresh_history (self);
}

static gboolean
poll_block (gpointer user_data)
{
  SrWalletPage *self = user_data;

  if (self->application == NULL || self->address == NULL || self->block_busy)
    return G_SOURCE_CONTINUE;
  self->block_busy = TRUE;
  sr_rpc_client_get_block_number_async (sr_application_get_rpc_client (self->application),
                                        self->cancellable, block_number_cb, self);
  return G_SOURCE_CONTINUE;
}

/* Everything is fetched once right away, then on each new block. */
static void
start_polling (SrWalletPage *self)
{
  if (self->poll_id != 0 || self->address == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->have_block = FALSE;
  refresh_balances (self);
  refresh_history (self);
  poll_block (self);
  self->poll_id = g_timeout_add (BLOCK_POLL_MS, poll_block, self);
}

static void
stop_polling (SrWalletPage *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
}

/* ---- the address as a QR code ------------------------------------------- */

static void
update_qr (SrWalletPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *uri = NULL, *description = NULL;
  guint64 chain_id;

  if (self->application == NULL || self->address == NULL)
    return;
  chain_id = sr_network_profile_get_chain_id (sr_application_get_network_profile (self->application));
  uri = sr_qr_code_eip681_uri (self->address, chain_id);
  texture = sr_qr_code_texture_new (uri, QR_MODULE_PX, &error);
  if (texture == NULL)
    g_warning ("%s", error->message);
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
  gtk_label_set_label (self->qr_label, uri);
  description = g_strdup_printf (_("QR code of the payment link %s"), uri);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->qr_picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Address QR Code"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  gtk_picture_set_alternative_text (self->qr_picture, description);
}

static void
accounts_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrWalletPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = sr_signer_list_accounts_finish (SR_SIGNER (source), result, &error);

  if (accounts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->address, g_free);
  if (accounts->len == 0)
    {
      show_state (self, "empty");
      return;
    }
  self->address = g_strdup (((SrSignerAccount *) accounts->pdata[0])->address);
  adw_action_row_set_subtitle (self->address_row, self->address);
  update_qr (self);
  sr_rewards_section_set_account (self->rewards_section, self->application, self->address);
  show_state (self, "account");
  stop_polling (self);
  start_polling (self);
}

static void
sr_wallet_page_reload (SrWalletPage *self)
{
  g_autoptr(GError) error = NULL;
  SrSigner *signer;

  if (self->application == NULL)
    return;
  signer = sr_application_get_signer (self->application, &error);
  if (signer == NULL)
    {
      show_error (self, error->message);
      return;
    }
  sr_signer_list_accounts_async (signer, self->cancellable, accounts_cb, self);
}

static void
account_added_cb (SrWalletPage *self,
                  const char   *address)
{
  (void) address;
  sr_wallet_page_reload (self);
}

static void
create_clicked_cb (SrWalletPage *self)
{
  SrSigner *signer = sr_application_get_signer (self->application, NULL);
  SrWalletCreateDialog *dialog;

  if (signer == NULL)
    return;
  dialog = sr_wallet_create_dialog_new (signer);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (dialog, "account-added", G_CALLBACK (account_added_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
import_clicked_cb (SrWalletPage *self)
{
  SrSigner *signer = sr_application_get_signer (self->application, NULL);
  SrWalletImportDialog *dialog;

  if (signer == NULL)
    return;
  dialog = sr_wallet_import_dialog_new (signer);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (dialog, "account-added", G_CALLBACK (account_added_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
send_clicked_cb (SrWalletPage *self)
{
  SrWalletSendDialog *dialog;

  if (self->application == NULL || self->address == NULL)
    return;
  dialog = sr_wallet_send_dialog_new (self->application, self->address);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (dialog, "sent", G_CALLBACK (load_history), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Speed-up and cancel go through the send dialog's confirmation: the fee of
 * the replacement is shown before the signer signs it. */
static void
open_replacement (SrWalletPage *self,
                  GtkWidget    *button,
                  gboolean      cancel)
{
  SrStoreTransaction *tx = g_object_get_data (G_OBJECT (button), "tx");
  SrWalletSendDialog *dialog;
  TxDescription what;

  if (self->application == NULL || self->address == NULL || tx == NULL)
    return;
  describe_tx (self, tx, &what);
  dialog = sr_wallet_send_dialog_new_replacement (self->application, self->address, tx->id, cancel,
                                                  what.amount, what.recipient);
  g_free (what.amount);
  g_free (what.recipient);
  g_free (what.title);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_signal_connect_object (dialog, "sent", G_CALLBACK (load_history), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- keystore export ---------------------------------------------------- */

typedef struct {
  SrWalletPage *self;
  GFile *file;
  char *json;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->file);
  g_free (job->json);
  g_free (job);
}

static void show_export_password (SrWalletPage *self, GFile *file, const char *problem);

/* A message dialog with a hidden password entry (its "entry" data) whose
 * @response_id answer calls @response_cb. A plain hidden entry: GTK 4.8's
 * GtkPasswordEntry warns when destroyed together with the dialog right
 * after Enter. */
static GtkWidget *
password_dialog_new (SrWalletPage *self,
                     const char   *heading,
                     const char   *body,
                     const char   *response_id,
                     const char   *response_label,
                     GCallback     response_cb)
{
  GtkWidget *dialog, *entry;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  entry = gtk_entry_new ();
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Password"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), response_id, response_label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response_id, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), response_id);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", response_cb, self, 0);
  return dialog;
}


static void
show_message (SrWalletPage *self,
              const char   *heading,
              const char   *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (job->self, _("The Keystore File Was Not Saved"), error->message);
    }
  else
    {
      g_autofree char *name = g_file_get_parse_name (job->file);
      g_autofree char *body = g_strdup_printf (_("Saved to %s. It opens with the wallet’s password."), name);

      show_message (job->self, _("Keystore File Saved"), body);
    }
  export_job_free (job);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  gsize len;

  job->json = sr_signer_export_keystore_v3_finish (SR_SIGNER (source), result, &error);
  if (job->json == NULL)
    {
      if (g_error_matches (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_WRONG_PASSWORD))
        show_export_password (job->self, job->file, error->message);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (job->self, _("The Keystore File Was Not Saved"), error->message);
      export_job_free (job);
      return;
    }
  len = strlen (job->json);
  /* Private: the file is encrypted, but nobody else needs to read it. */
  g_file_replace_contents_async (job->file, job->json, len, NULL, FALSE,
                                 G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                 job->self->cancellable, export_written_cb, job);
}

static void
export_password_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             SrWalletPage     *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  GFile *file = g_object_get_data (G_OBJECT (dialog), "file");
  SrSigner *signer = sr_application_get_signer (self->application, NULL);
  ExportJob *job;

  if (!g_str_equal (response, "export") || signer == NULL || self->address == NULL || file == NULL)
    return;
  job = g_new0 (ExportJob, 1);
  job->self = g_object_ref (self);
  job->file = g_object_ref (file);
  sr_signer_export_keystore_v3_async (signer, self->address, gtk_editable_get_text (entry),
                                      self->cancellable, exported_cb, job);
}

static void
show_export_password (SrWalletPage *self,
                      GFile        *file,
                      const char   *problem)
{
  GtkWidget *dialog;

  dialog = password_dialog_new (self, _("Export Keystore File"),
                                problem != NULL ? problem
                                : _("Enter the wallet’s password. The file is encrypted with it (Web3 Secret Storage, version 3)."),
                                "export", _("_Export"), G_CALLBACK (export_password_response_cb));
  g_object_set_data_full (G_OBJECT (dialog), "file", g_object_ref (file), g_object_unref);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_file_chosen_cb (GtkNativeDialog *chooser,
                       int              response,
                       SrWalletPage    *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (file != NULL)
    show_export_password (self, file, NULL);
}

/* Where first, then the password: the encrypted file never waits in memory
 * for a person to pick a folder. */
static void
export_clicked_cb (SrWalletPage *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H-%M-%SZ");
  g_autofree char *name = NULL;

  if (self->address == NULL)
    return;
  /* The file name geth and other wallets use for v3 keystores. */
  name = g_strdup_printf ("UTC--%s--%s.json", stamp, self->address + 2);
  chooser = gtk_file_chooser_native_new (_("Export Keystore File"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
copy_clicked_cb (SrWalletPage *self)
{
  if (self->address == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->address);
}

static void
locked_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SrWalletPage *self = user_data;

  if (sr_signer_lock_finish (SR_SIGNER (source), result, NULL))
    {
      self->unlocked = FALSE;
      update_lock_row (self);
    }
}

static void show_unlock_dialog (SrWalletPage *self, const char *problem);

static void
unlocked_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrWalletPage *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sr_signer_unlock_finish (SR_SIGNER (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_unlock_dialog (self, error->message);
      return;
    }
  self->unlocked = TRUE;
  update_lock_row (self);
}

static void
unlock_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SrWalletPage     *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  SrSigner *signer = sr_application_get_signer (self->application, NULL);

  if (!g_str_equal (response, "unlock") || signer == NULL || self->address == NULL)
    return;
  sr_signer_unlock_async (signer, self->address, gtk_editable_get_text (entry), UNLOCK_IDLE_S,
                          self->cancellable, unlocked_cb, self);
}

/* Asks for the password; after a wrong one, asks again saying why. */
static void
show_unlock_dialog (SrWalletPage *self,
                    const char   *problem)
{
  GtkWidget *dialog;

  dialog = password_dialog_new (self, _("Unlock Wallet"),
                                problem != NULL ? problem : _("Enter the wallet’s password."),
                                "unlock", _("_Unlock"), G_CALLBACK (unlock_response_cb));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
lock_clicked_cb (SrWalletPage *self)
{
  SrSigner *signer = sr_application_get_signer (self->application, NULL);

  if (signer == NULL || self->address == NULL)
    return;
  if (self->unlocked)
    sr_signer_lock_async (signer, self->address, self->cancellable, locked_cb, self);
  else
    show_unlock_dialog (self, NULL);
}

/* The window has its application only once it is fully built, so the page
 * finds the application's signer when it is first shown. */
static void
sr_wallet_page_map (GtkWidget *widget)
{
  SrWalletPage *self = SR_WALLET_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sr_wallet_page_parent_class)->map (widget);
  root = gtk_widget_get_root (widget);
  if (self->application == NULL && GTK_IS_WINDOW (root))
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (root));

      if (SR_IS_APPLICATION (app))
        {
          g_set_object (&self->application, SR_APPLICATION (app));
          sr_wallet_page_reload (self);
        }
    }
  start_polling (self);
}

/* Off screen (another page, or the window closed) nothing is polled. */
static void
sr_wallet_page_unmap (GtkWidget *widget)
{
  stop_polling (SR_WALLET_PAGE (widget));
  GTK_WIDGET_CLASS (sr_wallet_page_parent_class)->unmap (widget);
}

static void
sr_wallet_page_dispose (GObject *object)
{
  SrWalletPage *self = SR_WALLET_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  stop_polling (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->application);
  g_clear_pointer (&self->address, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_WALLET_PAGE);

  G_OBJECT_CLASS (sr_wallet_page_parent_class)->dispose (object);
}

static void
sr_wallet_page_class_init (SrWalletPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_wallet_page_dispose;
  widget_class->map = sr_wallet_page_map;
  widget_class->unmap = sr_wallet_page_unmap;

  g_type_ensure (SR_TYPE_REWARDS_SECTION);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-wallet-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, rewards_section);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, empty_box);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, error_box);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, account_box);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, error_state);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, create_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, import_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, network_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, copy_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, eth_label);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, token_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, token_label);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, lock_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, lock_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, qr_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, qr_label);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, history_empty);
  gtk_widget_class_bind_template_child (widget_class, SrWalletPage, export_button);
}

static void
sr_wallet_page_init (SrWalletPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  show_state (self, "empty");
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->create_button, "clicked", G_CALLBACK (create_clicked_cb), self);
  g_signal_connect_swapped (self->import_button, "clicked", G_CALLBACK (import_clicked_cb), self);
  g_signal_connect_swapped (self->copy_button, "clicked", G_CALLBACK (copy_clicked_cb), self);
  g_signal_connect_swapped (self->lock_button, "clicked", G_CALLBACK (lock_clicked_cb), self);
  g_signal_connect_swapped (self->send_button, "clicked", G_CALLBACK (send_clicked_cb), self);
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
}

/* sr-title-page.c — one catalog title and the buy and watch flows.
 *
 * Buying: a first dialog says what the purchase is (price, seeder share,
 * the registry that receives it, the network and an estimate of the fee);
 * then every transaction is shown again as the wallet agent itself
 * summarises it, through the application's send confirmer, before it is
 * signed. While the purchase is on its way the page shows where it is;
 * once included, the title's key is asked from the peers who seed it and
 * the player starts.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "crypto/sr-content-cipher.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-u256.h"
#include "market/sr-seeding.h"
#include "market/sr-purchase.h"
#include "sr-title-page.h"
#include "sr-window.h"

/* A generous gas budget per step, for the fee estimate shown before the
 * wallet's exact figures: approve ≈ 46 k, buyView ≈ 150 k on the devnet. */
#define APPROVE_GAS_BUDGET 60000
#define BUY_GAS_BUDGET 200000

struct _SrTitlePage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkLabel *title_label;
  GtkLabel *creator_label;
  GtkLabel *description_label;
  GtkLabel *status_label;
  GtkButton *action_button;
  GtkSpinner *spinner;
  GtkPicture *poster_picture;
  AdwActionRow *price_row;
  AdwActionRow *share_row;
  AdwActionRow *duration_row;
  AdwActionRow *renditions_row;

  /* Owned references */
  SrApplication *application;
  SrCatalog *catalog;
  SrCatalogTitle *title;
  GCancellable *cancellable;
  char *account;
  GTask *pending;          /* a transaction waiting for the user's word */
  GVariant *pending_tx;
  char *pending_token;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (SrTitlePage, sr_title_page, ADW_TYPE_BIN)

enum {
  SIGNAL_BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_watch (SrTitlePage *self);

static void
set_busy (SrTitlePage *self,
          gboolean     busy,
          const char  *status)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->action_button), !busy);
  gtk_label_set_label (self->status_label, status != NULL ? status : "");
}

static char *
share_text (guint bps)
{
  if (bps % 100 == 0)
    return g_strdup_printf ("%u %%", bps / 100);
  return g_strdup_printf ("%u.%02u %%", bps / 100, bps % 100);
}

static char *
duration_text (double seconds)
{
  guint64 s = (guint64) (seconds + 0.5);

  if (seconds <= 0)
    return g_strdup (_("Unknown"));
  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", (guint) (s / 3600), (guint) (s / 60 % 60), (guint) (s % 60));
  return g_strdup_printf ("%u:%02u", (guint) (s / 60), (guint) (s % 60));
}

/* "1080p.mp4, 720p.mp4" reads as "1080p, 720p". */
static char *
qualities_text (const char * const *renditions)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; renditions != NULL && renditions[i] != NULL; i++)
    {
      const char *r = renditions[i];
      gsize len = g_str_has_suffix (r, ".mp4") ? strlen (r) - 4 : strlen (r);

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append_len (text, r, (gssize) len);
    }
  return g_string_free (text, FALSE);
}

static void
update (SrTitlePage *self)
{
  g_autofree char *creator = NULL, *price = NULL, *price_text = NULL, *share = NULL, *duration = NULL;
  g_autofree char *renditions = NULL;
  const char *description;
  const char *poster;

  if (self->title == NULL)
    return;
  gtk_label_set_label (self->title_label, sr_catalog_title_get_title (self->title));
  creator = g_strdup_printf (_("By %s"), sr_catalog_title_get_creator (self->title));
  gtk_label_set_label (self->creator_label, creator);
  description = sr_catalog_title_get_description (self->title);
  gtk_label_set_label (self->description_label, description[0] != '\0' ? description : _("No description."));
  price = sr_catalog_title_dup_price_text (self->title);
  price_text = g_strdup_printf (_("%s SEED"), price);
  adw_action_row_set_subtitle (self->price_row, price_text);
  share = share_text (sr_catalog_title_get_seeder_share_bps (self->title));
  adw_action_row_set_subtitle (self->share_row, share);
  duration = duration_text (sr_catalog_title_get_duration (self->title));
  adw_action_row_set_subtitle (self->duration_row, duration);
  renditions = qualities_text (sr_catalog_title_get_renditions (self->title));
  adw_action_row_set_subtitle (self->renditions_row, renditions[0] != '\0' ? renditions : _("Unknown"));
  gtk_button_set_label (self->action_button,
                        sr_catalog_title_get_purchased (self->title) ? _("_Watch") : _("_Buy and Watch"));
  poster = sr_catalog_title_get_poster_path (self->title);
  gtk_picture_set_filename (self->poster_picture, poster);
  gtk_widget_set_visible (GTK_WIDGET (self->poster_picture), poster != NULL);
}

static void
title_notify_cb (SrTitlePage *self)
{
  update (self);
}

/* ---- the wallet's confirmation of each transaction --------------------- */

static void
finish_pending (SrTitlePage *self,
                GBytes      *raw,
                GError      *error)
{
  GTask *task = g_steal_pointer (&self->pending);

  g_clear_pointer (&self->pending_tx, g_variant_unref);
  g_clear_pointer (&self->pending_token, g_free);
  if (task == NULL)
    {
      g_clear_pointer (&raw, g_bytes_unref);
      g_clear_error (&error);
      return;
    }
  if (raw != NULL)
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SrTitlePage) self = user_data;
  GError *error = NULL;
  GBytes *raw = sr_signer_sign_transaction_finish (SR_SIGNER (source), result, &error);

  finish_pending (self, raw, error);
}

static void
sign_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  SrTitlePage *self = user_data;
  g_autoptr(GError) error = NULL;
  SrSigner *signer;

  if (!g_str_equal (response, "sign"))
    {
      finish_pending (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not bought: you cancelled")));
      return;
    }
  signer = sr_application_get_signer (self->application, &error);
  if (signer == NULL || self->pending == NULL)
    {
      finish_pending (self, NULL, g_steal_pointer (&error));
      return;
    }
  sr_signer_sign_transaction_async (signer, self->account, self->pending_tx, self->pending_token,
                                    self->cancellable, signed_cb, g_object_ref (self));
}

static char *
format_fee (guint64 gas,
            guint64 wei_per_gas)
{
  unsigned __int128 wide = (unsigned __int128) wei_per_gas * gas;
  guint8 total[SR_U256_LEN] = { 0 };
  g_autofree char *dec = NULL;

  for (int i = 31; i >= 16; i--, wide >>= 8)
    total[i] = (guint8) wide;
  dec = sr_u256_to_decimal (total);
  return sr_catalog_format_units (dec, 18);
}

static void
confirm_cb (GVariant   *summary,
            const char *token,
            GVariant   *tx,
            GTask      *task,
            gpointer    user_data)
{
  SrTitlePage *self = user_data;
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);
  const char *max_fee = NULL, *to_text = NULL;
  guint64 gas = 0, chain_id = 0, fee_per_gas = 0;
  guint8 per_gas[SR_U256_LEN], to[SR_ADDRESS_LEN];
  g_autofree char *fee = NULL, *price = NULL, *heading = NULL, *body = NULL, *chain_text = NULL;
  gboolean to_registry;
  GtkWidget *dialog;

  finish_pending (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Replaced by a newer request")));
  self->pending = task;
  self->pending_tx = g_variant_ref (tx);
  self->pending_token = g_strdup (token);

  g_variant_lookup (summary, "max-fee-per-gas", "&s", &max_fee);
  g_variant_lookup (summary, "gas", "t", &gas);
  g_variant_lookup (summary, "chain-id", "t", &chain_id);
  g_variant_lookup (summary, "to", "&s", &to_text);
  if (max_fee != NULL && sr_u256_parse (max_fee, per_gas, NULL) && sr_u256_bit_length (per_gas) <= 64)
    for (int i = 24; i < 32; i++)
      fee_per_gas = (fee_per_gas << 8) | per_gas[i];
  fee = format_fee (gas, fee_per_gas);
  price = sr_catalog_title_dup_price_text (self->title);
  to_registry = to_text != NULL && sr_address_parse (to_text, to, NULL) &&
                memcmp (to, sr_catalog_get_registry (self->catalog), SR_ADDRESS_LEN) == 0;
  chain_text = g_strdup_printf ("%" G_GUINT64_FORMAT, chain_id);
  heading = to_registry ? g_strdup (_("Sign the Purchase?"))
                        : g_strdup (_("Sign the Approval?"));
  body = g_strdup_printf ("%s\n\n%s %s\n%s %s (%s)\n%s %s ETH",
                          to_registry
                            ? _("Your wallet is about to sign the purchase of one view.")
                            : _("Your wallet is about to sign an approval that lets the registry take exactly the price from your SEED."),
                          _("To:"), to_text != NULL ? to_text : "?",
                          _("Network:"),
                          chain_id == sr_network_profile_get_chain_id (profile)
                            ? sr_network_profile_get_name (profile) : _("Unknown network"),
                          chain_text,
                          _("Maximum network fee:"), fee);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  /* Named like its heading for window lists and screen readers. */
  gtk_window_set_title (GTK_WINDOW (dialog), heading);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sign", _("_Sign"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- buying ------------------------------------------------------------ */

static void
progress_cb (SrPurchaseStage stage,
             const char     *hash,
             gpointer        user_data)
{
  SrTitlePage *self = user_data;

  if (stage == SR_PURCHASE_STAGE_APPROVING)
    set_busy (self, TRUE, _("Waiting for the approval to be included…"));
  else if (stage == SR_PURCHASE_STAGE_BUYING)
    set_busy (self, TRUE, _("Waiting for the purchase to be included…"));
}

static void
bought_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SrTitlePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *view_id = sr_purchase_buy_finish (result, &error);

  if (self->application != NULL)
    sr_application_set_send_confirmer (self->application, NULL, NULL);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (view_id == NULL)
    {
      set_busy (self, FALSE, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                               ? _("Not bought.") : error->message);
      return;
    }
  sr_catalog_note_purchase (self->catalog, sr_catalog_title_get_content_id (self->title), view_id);
  set_busy (self, FALSE, NULL);
  start_watch (self);
}

static void
buy (SrTitlePage *self)
{
  g_autoptr(GError) error = NULL;
  SrTxManager *manager = sr_application_get_tx_manager (self->application, self->account, &error);
  SrToken *token = sr_application_get_token (self->application);

  if (manager == NULL)
    {
      set_busy (self, FALSE, error->message);
      return;
    }
  if (token == NULL)
    {
      set_busy (self, FALSE, _("This network has no SEED token configured (see Preferences)."));
      return;
    }
  set_busy (self, TRUE, _("Waiting for your wallet…"));
  sr_application_set_send_confirmer (self->application, confirm_cb, self);
  sr_purchase_buy_async (manager, sr_application_get_rpc_client (self->application),
                         sr_catalog_get_registry (self->catalog), sr_token_get_address (token),
                         sr_catalog_title_get_content_id (self->title), sr_catalog_title_get_price (self->title),
                         progress_cb, self, self->cancellable, bought_cb, g_object_ref (self));
}

static void
buy_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 gpointer          user_data)
{
  SrTitlePage *self = user_data;

  if (g_str_equal (response, "buy"))
    buy (self);
  else
    set_busy (self, FALSE, NULL);
}

static void
show_buy_dialog (SrTitlePage *self,
                 guint64      base_fee)
{
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);
  g_autofree char *price = sr_catalog_title_dup_price_text (self->title);
  g_autofree char *share = share_text (sr_catalog_title_get_seeder_share_bps (self->title));
  g_autofree char *registry = sr_address_to_checksum (sr_catalog_get_registry (self->catalog));
  g_autofree char *heading = g_strdup_printf (_("Buy “%s”?"), sr_catalog_title_get_title (self->title));
  g_autofree char *fee = NULL, *fee_line = NULL, *body = NULL, *network = NULL;
  GtkWidget *dialog;

  /* As SrTxManager prices it: 2 × base fee + a 1 gwei tip, at most. */
  fee = format_fee (APPROVE_GAS_BUDGET + BUY_GAS_BUDGET, base_fee * 2 + 1000000000);
  fee_line = base_fee > 0 ? g_strdup_printf (_("up to %s ETH"), fee) : g_strdup (_("unknown"));
  network = sr_network_profile_describe_chain (profile, sr_catalog_get_chain_id (self->catalog));
  body = g_strdup_printf ("%s %s SEED\n%s %s\n%s %s\n%s %s\n%s %s\n\n%s",
                          _("Price:"), price,
                          _("Seeder share:"), share,
                          _("Paid to:"), registry,
                          _("Network:"), network,
                          _("Estimated network fee:"), fee_line,
                          _("Your wallet then shows each transaction before it signs it."));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  /* Named like its heading for window lists and screen readers. */
  gtk_window_set_title (GTK_WINDOW (dialog), heading);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "buy", _("_Buy"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "buy", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (buy_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
base_fee_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrTitlePage) self = user_data;
  guint64 base_fee = 0;

  if (!sr_rpc_client_get_base_fee_finish (SR_RPC_CLIENT (source), result, &base_fee, NULL))
    base_fee = 0;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  show_buy_dialog (self, base_fee);
}

/* ---- the account ----------------------------------------------------- */

typedef void (*AccountReady) (SrTitlePage *self);

static void
accounts_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrTitlePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = sr_signer_list_accounts_finish (SR_SIGNER (source), result, &error);
  AccountReady next = g_object_steal_data (G_OBJECT (self), "sr-account-next");

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (accounts == NULL)
    {
      set_busy (self, FALSE, error->message);
      return;
    }
  if (accounts->len == 0)
    {
      set_busy (self, FALSE, _("Create or import a wallet on the Wallet page first."));
      return;
    }
  g_free (self->account);
  self->account = g_strdup (((SrSignerAccount *) accounts->pdata[0])->address);
  next (self);
}

static void
with_account (SrTitlePage  *self,
              AccountReady  next)
{
  g_autoptr(GError) error = NULL;
  SrSigner *signer = sr_application_get_signer (self->application, &error);

  if (signer == NULL)
    {
      set_busy (self, FALSE, error->message);
      return;
    }
  set_busy (self, TRUE, NULL);
  g_object_set_data (G_OBJECT (self), "sr-account-next", next);
  sr_signer_list_accounts_async (signer, self->cancellable, accounts_cb, g_object_ref (self));
}

static void
ask_to_buy (SrTitlePage *self)
{
  sr_rpc_client_get_base_fee_async (sr_application_get_rpc_client (self->application), "latest",
                                    self->cancellable, base_fee_cb, g_object_ref (self));
}

/* ---- watching ---------------------------------------------------------- */

static SrTorrent *
find_torrent (SrTorrentSession *session,
              const char       *infohash)
{
  g_autoptr(GPtrArray) torrents = sr_torrent_session_list_torrents (session);

  for (guint i = 0; torrents != NULL && i < torrents->len; i++)
    {
      SrTorrent *torrent = torrents->pdata[i];
      g_autofree char *v2 = sr_torrent_dup_info_hash_v2 (torrent);

      if ((v2 != NULL && g_ascii_strcasecmp (v2, infohash) == 0) ||
          g_ascii_strcasecmp (sr_torrent_get_info_hash (torrent), infohash) == 0)
        return torrent;
    }
  return NULL;
}

static void
play (SrTitlePage *self,
      SrTorrent   *torrent,
      GBytes      *key)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  set_busy (self, FALSE, NULL);
  if (!SR_IS_WINDOW (root))
    return;
  sr_window_play (SR_WINDOW (root), torrent, G_MAXUINT, key, sr_catalog_title_get_content_id (self->title),
                  sr_catalog_title_get_title (self->title));
}

static void
key_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(SrTitlePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = sr_seeding_fetch_key_finish (SR_SEEDING (source), result, &error);
  g_autoptr(SrTorrent) torrent = g_object_steal_data (G_OBJECT (self), "sr-watching");

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (key == NULL)
    {
      set_busy (self, FALSE, error->message);
      return;
    }
  play (self, torrent, key);
}

static void
watch_with_account (SrTitlePage *self)
{
  g_autoptr(GError) error = NULL;
  SrTorrentSession *session = sr_application_get_torrent_session (self->application, &error);
  const char *infohash = sr_catalog_title_get_infohash (self->title);
  SrTorrent *torrent;
  SrSeeding *seeding;
  const char *view_id_text = sr_catalog_title_get_view_id (self->title);
  guint8 key_check[16], view_id[SR_U256_LEN];
  gboolean paid;

  if (session == NULL)
    {
      set_busy (self, FALSE, error->message);
      return;
    }
  torrent = find_torrent (session, infohash);
  if (torrent == NULL)
    {
      g_autofree char *magnet = sr_catalog_title_dup_magnet (self->title);

      torrent = sr_torrent_session_add_magnet (session, magnet, NULL, &error);
      if (torrent == NULL)
        {
          set_busy (self, FALSE, error->message);
          return;
        }
    }
  /* One key exchange and one receipts keeper per torrent, kept by the
   * application's seeding service: after this viewer has the key it serves
   * it to later buyers, and later viewers' receipts pay this account. */
  seeding = sr_application_get_seeding (self->application, self->account, &error);
  paid = sr_catalog_title_get_key_check (self->title, key_check);
  if (seeding == NULL)
    {
      if (paid)
        {
          set_busy (self, FALSE, error->message);
          return;
        }
      g_message ("Not seeding “%s”: %s", sr_catalog_title_get_title (self->title), error->message);
    }
  else if (view_id_text != NULL)
    {
      /* Receipts for what the peers send us, from the first byte. */
      if (!sr_u256_parse (view_id_text, view_id, &error) ||
          !sr_seeding_start_viewing (seeding, torrent, view_id, &error))
        {
          set_busy (self, FALSE, error->message);
          return;
        }
    }
  if (!paid)
    {
      play (self, torrent, NULL);
      return;
    }
  if (view_id_text == NULL)
    {
      set_busy (self, FALSE, _("Buy a view of this title first."));
      return;
    }
  set_busy (self, TRUE, _("Asking the people who seed it for the title’s key…"));
  g_object_set_data_full (G_OBJECT (self), "sr-watching", g_object_ref (torrent), g_object_unref);
  sr_seeding_fetch_key_async (seeding, torrent, view_id, key_check, self->cancellable,
                              key_cb, g_object_ref (self));
}

static void
start_watch (SrTitlePage *self)
{
  if (self->account == NULL)
    with_account (self, watch_with_account);
  else
    watch_with_account (self);
}

static void
action_clicked_cb (SrTitlePage *self)
{
  if (self->busy || self->title == NULL || self->application == NULL)
    return;
  if (sr_catalog_title_get_purchased (self->title))
    start_watch (self);
  else
    with_account (self, ask_to_buy);
}

static void
back_clicked_cb (SrTitlePage *self)
{
  g_signal_emit (self, signals[SIGNAL_BACK], 0);
}

/* ---- GObject ----------------------------------------------------------- */

static void
forget_title (SrTitlePage *self)
{
  if (self->title != NULL)
    g_signal_handlers_disconnect_by_func (self->title, title_notify_cb, self);
  g_clear_object (&self->title);
}

static void
sr_title_page_dispose (GObject *object)
{
  SrTitlePage *self = SR_TITLE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  finish_pending (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not bought: the page was closed")));
  forget_title (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->catalog);
  g_clear_object (&self->application);
  g_clear_pointer (&self->account, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_TITLE_PAGE);

  G_OBJECT_CLASS (sr_title_page_parent_class)->dispose (object);
}

static void
sr_title_page_class_init (SrTitlePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_title_page_dispose;

  /* The user asked to go back to the grid. */
  signals[SIGNAL_BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-title-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, creator_label);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, description_label);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, action_button);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, poster_picture);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, price_row);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, share_row);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, duration_row);
  gtk_widget_class_bind_template_child (widget_class, SrTitlePage, renditions_row);
  gtk_widget_class_bind_template_callback (widget_class, action_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
}

static void
sr_title_page_init (SrTitlePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

void
sr_title_page_show (SrTitlePage    *self,
                    SrApplication  *application,
                    SrCatalog      *catalog,
                    SrCatalogTitle *title)
{
  g_return_if_fail (SR_IS_TITLE_PAGE (self));
  g_return_if_fail (SR_IS_CATALOG_TITLE (title));

  if (title != self->title)
    {
      /* What was going on for the previous title stops here. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      finish_pending (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not bought: you left the title")));
      set_busy (self, FALSE, NULL);
    }
  g_set_object (&self->application, application);
  g_set_object (&self->catalog, catalog);
  forget_title (self);
  self->title = g_object_ref (title);
  g_signal_connect_swapped (title, "notify", G_CALLBACK (title_notify_cb), self);
  update (self);
}

SrCatalogTitle *
sr_title_page_get_title (SrTitlePage *self)
{
  g_return_val_if_fail (SR_IS_TITLE_PAGE (self), NULL);
  return self->title;
}

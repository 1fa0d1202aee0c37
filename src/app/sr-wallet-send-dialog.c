/* sr-wallet-send-dialog.c — sending ETH or SEED from the wallet.
 *
 * The form builds a request for the application's SrTxManager, which picks
 * nonce and fees and asks seedreel-signer to prepare the transaction. The
 * signer's own summary of that exact transaction comes back here (this
 * dialog is the application's send confirmer while it is open) and is shown
 * — amount, token, checksummed recipient, chain name and id, and the most
 * the fee can be — before the user's "Send" lets the signer sign it. The
 * manager then records the signed transaction before broadcasting it.
 *
 * The same confirmation serves speed-up and cancel of a pending send: the
 * dialog then opens without the form, asks the manager for the same-nonce
 * replacement, and shows the send it replaces with the new fee. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"

#include "sr-wallet-send-dialog.h"

#define DECIMALS 18  /* ETH and SeedreelToken alike */

struct _SrWalletSendDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkStack      *stack;
  GtkWidget     *form;
  AdwEntryRow   *recipient_row;
  AdwEntryRow   *amount_row;
  AdwComboRow   *asset_row;
  GtkLabel      *problem_label;
  GtkButton     *review_button;
  AdwActionRow  *confirm_amount_row;
  AdwActionRow  *confirm_asset_row;
  AdwActionRow  *confirm_recipient_row;
  AdwActionRow  *confirm_network_row;
  AdwActionRow  *confirm_fee_row;
  GtkButton     *cancel_button;
  GtkButton     *send_button;
  AdwStatusPage *done_page;
  AdwPreferencesGroup *confirm_group;

  /* Owned References */
  SrApplication *application;
  char          *address;
  GCancellable  *cancellable;
  GTask         *pending;       /* the manager's sign request awaiting the user */
  GVariant      *pending_tx;
  char          *pending_token;
  guint8         recipient[SR_ADDRESS_LEN];
  gboolean       token_send;
  /* What the confirmation shows besides the signer's fee and chain. */
  char          *show_amount;
  char          *show_asset;
  char          *show_recipient;
  gint64         replace_id;    /* 0: a new send */
  gboolean       replace_cancel;
};

enum {
  SIGNAL_SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SrWalletSendDialog, sr_wallet_send_dialog, ADW_TYPE_WINDOW)

static char *
format_units (const guint8 value[SR_U256_LEN])
{
  g_autofree char *digits = sr_u256_to_decimal (value);
  g_autoptr(GString) s = g_string_new (digits);

  while (s->len <= DECIMALS)
    g_string_prepend_c (s, '0');
  g_string_insert_c (s, s->len - DECIMALS, '.');
  while (s->str[s->len - 1] == '0')
    g_string_truncate (s, s->len - 1);
  if (s->str[s->len - 1] == '.')
    g_string_truncate (s, s->len - 1);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* "1.5" → 1.5 × 10^18. */
static gboolean
parse_amount (const char *text,
              guint8      out[SR_U256_LEN])
{
  g_autoptr(GString) digits = g_string_new (NULL);
  guint fraction = 0;
  gboolean dot = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '.' && !dot)
        dot = TRUE;
      else if (g_ascii_isdigit (*p) && (!dot || ++fraction <= DECIMALS))
        g_string_append_c (digits, *p);
      else
        return FALSE;
    }
  if (digits->len == 0)
    return FALSE;
  for (; fraction < DECIMALS; fraction++)
    g_string_append_c (digits, '0');
  while (digits->len > 1 && digits->str[0] == '0')
    g_string_erase (digits, 0, 1);
  return sr_u256_parse (digits->str, out, NULL) && !sr_u256_is_zero (out);
}

static void
finish_pending (SrWalletSendDialog *self,
                GBytes             *raw,
                GError             *error)
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
confirm_cb (GVariant   *summary,
            const char *token,
            GVariant   *tx,
            GTask      *task,
            gpointer    user_data)
{
  SrWalletSendDialog *self = user_data;
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);
  const char *max_fee = NULL, *value = NULL;
  guint64 gas = 0, chain_id = 0;
  guint8 per_gas[SR_U256_LEN] = { 0 }, total[SR_U256_LEN] = { 0 };
  guint64 fee_per_gas = 0;
  unsigned __int128 wide;
  g_autofree char *fee = NULL, *fee_text = NULL, *network = NULL, *to = NULL;

  finish_pending (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Replaced by a newer request")));
  self->pending = task;
  self->pending_tx = g_variant_ref (tx);
  self->pending_token = g_strdup (token);

  g_variant_lookup (summary, "max-fee-per-gas", "&s", &max_fee);
  g_variant_lookup (summary, "value", "&s", &value);
  g_variant_lookup (summary, "gas", "t", &gas);
  g_variant_lookup (summary, "chain-id", "t", &chain_id);
  if (max_fee != NULL && sr_u256_parse (max_fee, per_gas, NULL) && sr_u256_bit_length (per_gas) <= 64)
    for (int i = 24; i < 32; i++)
      fee_per_gas = (fee_per_gas << 8) | per_gas[i];
  wide = (unsigned __int128) fee_per_gas * gas;
  for (int i = 31; i >= 16; i--, wide >>= 8)
    total[i] = (guint8) wide;
  fee = format_units (total);
  fee_text = g_strdup_printf ("%s ETH", fee);
  network = sr_network_profile_describe_chain (profile, chain_id);
  to = sr_address_to_checksum (self->recipient);

  adw_action_row_set_subtitle (self->confirm_amount_row,
                               self->show_amount != NULL ? self->show_amount
                               : gtk_editable_get_text (GTK_EDITABLE (self->amount_row)));
  adw_action_row_set_subtitle (self->confirm_asset_row,
                               self->show_asset != NULL ? self->show_asset : self->token_send ? "SEED" : "ETH");
  adw_action_row_set_subtitle (self->confirm_recipient_row, self->show_recipient != NULL ? self->show_recipient : to);
  adw_action_row_set_subtitle (self->confirm_network_row, network);
  adw_action_row_set_subtitle (self->confirm_fee_row, fee_text);
  gtk_stack_set_visible_child_name (self->stack, "confirm");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->cancel_button));
}

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SrWalletSendDialog) self = user_data;
  GError *error = NULL;
  GBytes *raw = sr_signer_sign_transaction_finish (SR_SIGNER (source), result, &error);

  /* After the dialog closed, its request has already been answered. */
  finish_pending (self, raw, error);
}

static void
send_clicked_cb (SrWalletSendDialog *self)
{
  g_autoptr(GError) error = NULL;
  SrSigner *signer = sr_application_get_signer (self->application, &error);

  if (self->pending == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), FALSE);
  if (signer == NULL)
    {
      finish_pending (self, NULL, g_steal_pointer (&error));
      return;
    }
  sr_signer_sign_transaction_async (signer, self->address, self->pending_tx, self->pending_token,
                                    self->cancellable, signed_cb, g_object_ref (self));
}

static void
cancel_clicked_cb (SrWalletSendDialog *self)
{
  finish_pending (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not sent: you cancelled")));
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SrWalletSendDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) sent = sr_tx_manager_send_finish (SR_TX_MANAGER (source), result, &error);

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (sent == NULL)
    {
      gtk_label_set_label (self->problem_label, error->message);
      gtk_stack_set_visible_child_name (self->stack, "form");
      gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
      return;
    }
  adw_status_page_set_description (self->done_page, sent->hash);
  gtk_stack_set_visible_child_name (self->stack, "done");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  g_signal_emit (self, signals[SIGNAL_SENT], 0);
}

static void
replaced_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrWalletSendDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) sent = NULL;

  if (self->replace_cancel)
    sent = sr_tx_manager_cancel_finish (SR_TX_MANAGER (source), result, &error);
  else
    sent = sr_tx_manager_speed_up_finish (SR_TX_MANAGER (source), result, &error);
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (sent == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The user kept the send as it was. */
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (sent == NULL)
    {
      adw_status_page_set_title (self->done_page, self->replace_cancel ? _("Not Cancelled") : _("Not Sped Up"));
      adw_status_page_set_icon_name (self->done_page, "dialog-error-symbolic");
      adw_status_page_set_description (self->done_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "done");
      gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
      /* The original may have been included meanwhile: show it. */
      g_signal_emit (self, signals[SIGNAL_SENT], 0);
      return;
    }
  adw_status_page_set_title (self->done_page, _("Replacement Sent"));
  adw_status_page_set_description (self->done_page, sent->hash);
  gtk_stack_set_visible_child_name (self->stack, "done");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  g_signal_emit (self, signals[SIGNAL_SENT], 0);
}

static void
start_replacement (SrWalletSendDialog *self)
{
  g_autoptr(GError) error = NULL;
  SrTxManager *manager = sr_application_get_tx_manager (self->application, self->address, &error);

  gtk_stack_set_visible_child_name (self->stack, "confirm");
  if (manager == NULL)
    {
      adw_status_page_set_title (self->done_page, self->replace_cancel ? _("Not Cancelled") : _("Not Sped Up"));
      adw_status_page_set_description (self->done_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "done");
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), FALSE);
  sr_application_set_send_confirmer (self->application, confirm_cb, self);
  if (self->replace_cancel)
    sr_tx_manager_cancel_async (manager, self->replace_id, self->cancellable, replaced_cb, g_object_ref (self));
  else
    sr_tx_manager_speed_up_async (manager, self->replace_id, self->cancellable, replaced_cb, g_object_ref (self));
}

static void
review_clicked_cb (SrWalletSendDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autofree char *uuid = NULL, *key = NULL;
  SrTxRequest request = { 0 };
  guint8 amount[SR_U256_LEN];
  SrTxManager *manager;
  SrToken *token = NULL;

  if (!sr_address_parse (gtk_editable_get_text (GTK_EDITABLE (self->recipient_row)), self->recipient, NULL))
    {
      gtk_label_set_label (self->problem_label, _("The recipient is not an Ethereum address (0x and 40 hex digits)."));
      return;
    }
  if (!parse_amount (gtk_editable_get_text (GTK_EDITABLE (self->amount_row)), amount))
    {
      gtk_label_set_label (self->problem_label, _("The amount must be a number above zero, such as 1.5."));
      return;
    }
  self->token_send = adw_combo_row_get_selected (self->asset_row) == 1;
  if (self->token_send && (token = sr_application_get_token (self->application)) == NULL)
    {
      gtk_label_set_label (self->problem_label, _("This network has no SEED token configured (see Preferences)."));
      return;
    }
  manager = sr_application_get_tx_manager (self->application, self->address, &error);
  if (manager == NULL)
    {
      gtk_label_set_label (self->problem_label, error->message);
      return;
    }
  request.has_to = TRUE;
  if (token != NULL)
    {
      memcpy (request.to, sr_token_get_address (token), SR_ADDRESS_LEN);
      data = sr_token_encode_transfer (self->recipient, amount);
      request.data = data;
    }
  else
    {
      memcpy (request.to, self->recipient, SR_ADDRESS_LEN);
      memcpy (request.value, amount, SR_U256_LEN);
    }
  gtk_label_set_label (self->problem_label, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), FALSE);
  sr_application_set_send_confirmer (self->application, confirm_cb, self);
  uuid = g_uuid_string_random ();
  key = g_strdup_printf ("app-send-%s", uuid);
  sr_tx_manager_send_async (manager, &request, key, self->cancellable, sent_cb, g_object_ref (self));
}

static void
sr_wallet_send_dialog_dispose (GObject *object)
{
  SrWalletSendDialog *self = SR_WALLET_SEND_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  finish_pending (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not sent: the dialog was closed")));
  if (self->application != NULL)
    sr_application_set_send_confirmer (self->application, NULL, NULL);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->application);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->show_amount, g_free);
  g_clear_pointer (&self->show_asset, g_free);
  g_clear_pointer (&self->show_recipient, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_WALLET_SEND_DIALOG);

  G_OBJECT_CLASS (sr_wallet_send_dialog_parent_class)->dispose (object);
}

static void
sr_wallet_send_dialog_class_init (SrWalletSendDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_wallet_send_dialog_dispose;

  /* A send or replacement was recorded and broadcast (or a replacement
   * failed): the history has something new to show. */
  signals[SIGNAL_SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-wallet-send-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, form);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, recipient_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, amount_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, asset_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, review_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, confirm_amount_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, confirm_asset_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, confirm_recipient_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, confirm_network_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, confirm_fee_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, SrWalletSendDialog, confirm_group);
}

static void
sr_wallet_send_dialog_init (SrWalletSendDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->review_button, "clicked", G_CALLBACK (review_clicked_cb), self);
  g_signal_connect_swapped (self->send_button, "clicked", G_CALLBACK (send_clicked_cb), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
}

SrWalletSendDialog *
sr_wallet_send_dialog_new (SrApplication *application,
                           const char    *address)
{
  SrWalletSendDialog *self = g_object_new (SR_TYPE_WALLET_SEND_DIALOG, NULL);

  self->application = g_object_ref (application);
  self->address = g_strdup (address);
  return self;
}

SrWalletSendDialog *
sr_wallet_send_dialog_new_replacement (SrApplication *application,
                                       const char    *address,
                                       gint64         tx_id,
                                       gboolean       cancel,
                                       const char    *amount,
                                       const char    *recipient)
{
  SrWalletSendDialog *self = sr_wallet_send_dialog_new (application, address);
  g_auto(GStrv) parts = amount != NULL ? g_strsplit (amount, " ", 2) : NULL;

  self->replace_id = tx_id;
  self->replace_cancel = cancel;
  if (parts != NULL && parts[0] != NULL && parts[1] != NULL)
    {
      self->show_amount = g_strdup (parts[0]);
      self->show_asset = g_strdup (parts[1]);
    }
  else
    {
      self->show_amount = g_strdup ("0");
      self->show_asset = g_strdup ("ETH");
    }
  self->show_recipient = g_strdup (recipient != NULL ? recipient : "");
  if (cancel)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Cancel a Send"));
      adw_preferences_group_set_title (self->confirm_group, _("Confirm the Cancellation"));
      adw_preferences_group_set_description (self->confirm_group,
        _("This send is replaced by a transfer of nothing to yourself with the same number and a higher fee. "
          "If the send is included first, it goes through anyway."));
      gtk_button_set_label (self->send_button, _("Cancel _Send"));
      gtk_button_set_label (self->cancel_button, _("_Keep It"));
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Speed Up a Send"));
      adw_preferences_group_set_title (self->confirm_group, _("Confirm the Speed-Up"));
      adw_preferences_group_set_description (self->confirm_group,
        _("The same send is signed again with a higher fee. Only one of the two can be included."));
      gtk_button_set_label (self->send_button, _("Speed _Up"));
    }
  start_replacement (self);
  return self;
}

/* sr-wallet-page.c — the Wallet page: create or import a wallet when there
 * is none; otherwise the account's checksummed address, its ETH and SEED
 * balances (polled every few seconds) and locking. The keys stay in
 * seedreel-signer, which the application owns and this page only asks. */
#include "config.h"

#include <glib/gi18n.h>

#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"

#include "sr-application.h"
#include "sr-wallet-create-dialog.h"
#include "sr-wallet-import-dialog.h"
#include "sr-wallet-page.h"
#include "sr-wallet-send-dialog.h"

#define REFRESH_INTERVAL_S 4
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

  /* Owned References */
  SrApplication  *application;
  GCancellable   *cancellable;
  char           *address;
  guint           refresh_id;
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

static gboolean
refresh (gpointer user_data)
{
  SrWalletPage *self = user_data;
  SrRpcClient *rpc;
  SrToken *token;
  SrSigner *signer;
  SrNetworkProfile *profile;
  guint8 owner[SR_ADDRESS_LEN];
  g_autofree char *network = NULL;

  if (self->application == NULL || self->address == NULL || !sr_address_parse (self->address, owner, NULL))
    return G_SOURCE_CONTINUE;
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
  return G_SOURCE_CONTINUE;
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
  show_state (self, "account");
  refresh (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_INTERVAL_S, refresh, self);
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
  gtk_window_present (GTK_WINDOW (dialog));
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
  GtkWidget *dialog, *entry;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Unlock Wallet"),
                                   problem != NULL ? problem : _("Enter the wallet’s password."));
  /* A plain hidden entry: GTK 4.8's GtkPasswordEntry warns when destroyed
   * together with the dialog right after Enter. */
  entry = gtk_entry_new ();
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Password"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "unlock", _("_Unlock"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unlock", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "unlock");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (unlock_response_cb), self, 0);
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
}

static void
sr_wallet_page_dispose (GObject *object)
{
  SrWalletPage *self = SR_WALLET_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
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

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-wallet-page.ui");
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
}

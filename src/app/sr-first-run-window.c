/* sr-first-run-window.c — the assistant shown on the first start: which
 * network (the demo devnet on this computer, or another chain checked by
 * asking its RPC for the chain id), a wallet (created or imported through
 * the usual dialogs, or skipped), and the download folder. Each step is
 * saved as it is left, so closing the assistant early keeps what was
 * chosen; only finishing it marks the first run done. */
#include "config.h"

#include <glib/gi18n.h>

#include "chain/sr-network-profile.h"
#include "chain/sr-rpc-client.h"
#include "torrent/sr-torrent-session.h"

#include "sr-first-run-window.h"
#include "sr-wallet-create-dialog.h"
#include "sr-wallet-import-dialog.h"

static const char *const pages[] = { "welcome", "network", "wallet", "folder", "done" };

struct _SrFirstRunWindow
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle   *window_title;
  GtkButton        *back_button;
  GtkButton        *next_button;
  GtkStack         *stack;
  GtkButton        *start_button;
  AdwActionRow     *demo_row;
  GtkCheckButton   *demo_check;
  GtkCheckButton   *custom_check;
  AdwPreferencesGroup *custom_group;
  AdwEntryRow      *rpc_url_row;
  AdwEntryRow      *chain_id_row;
  AdwEntryRow      *registry_row;
  AdwEntryRow      *token_row;
  GtkLabel         *network_problem_label;
  AdwStatusPage    *wallet_status;
  GtkWidget        *wallet_buttons;
  GtkButton        *create_button;
  GtkButton        *import_button;
  AdwActionRow     *folder_row;
  GtkButton        *folder_button;
  GtkButton        *finish_button;

  /* Owned References */
  SrApplication    *application;
  GSettings        *settings;
  GSettings        *network_settings;
  GSettings        *torrent_settings;
  GCancellable     *cancellable;
  SrRpcClient      *probe;
  GtkFileChooserNative *chooser;
  char             *address;
  guint             page;
  gboolean          has_devnet;
};

G_DEFINE_FINAL_TYPE (SrFirstRunWindow, sr_first_run_window, ADW_TYPE_WINDOW)

static void
show_page (SrFirstRunWindow *self,
           guint             page)
{
  const char *name = pages[page];

  self->page = page;
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), page > 0 && page < G_N_ELEMENTS (pages) - 1);
  /* The first and last pages carry their own big button. */
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), page > 0 && page < G_N_ELEMENTS (pages) - 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), TRUE);
  if (g_str_equal (name, "wallet") && self->address == NULL)
    gtk_button_set_label (self->next_button, _("_Skip"));
  else
    gtk_button_set_label (self->next_button, _("_Next"));

  if (g_str_equal (name, "network"))
    adw_window_title_set_subtitle (self->window_title, _("Step 1 of 3"));
  else if (g_str_equal (name, "wallet"))
    adw_window_title_set_subtitle (self->window_title, _("Step 2 of 3"));
  else if (g_str_equal (name, "folder"))
    adw_window_title_set_subtitle (self->window_title, _("Step 3 of 3"));
  else
    adw_window_title_set_subtitle (self->window_title, "");
}

/* ---- network ---- */

static void
network_choice_changed_cb (SrFirstRunWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->custom_group), gtk_check_button_get_active (self->custom_check));
  gtk_label_set_label (self->network_problem_label, "");
}

static void
load_network (SrFirstRunWindow *self)
{
  g_autofree char *devnet_path = sr_network_profile_get_devnet_path ();
  g_auto(SrDevnetProfile) devnet = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_settings_get_string (self->network_settings, "rpc-url");
  g_autofree char *registry = g_settings_get_string (self->network_settings, "registry-address");
  g_autofree char *token = g_settings_get_string (self->network_settings, "token-address");
  g_autofree char *chain_id = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                               g_settings_get_uint64 (self->network_settings, "chain-id"));

  self->has_devnet = sr_network_profile_read_devnet (devnet_path, &devnet, &error);
  if (self->has_devnet)
    {
      g_autofree char *subtitle = g_strdup_printf (_("%s, at %s"), devnet.name, devnet.rpc_url);

      adw_action_row_set_subtitle (self->demo_row, subtitle);
    }
  else
    {
      adw_action_row_set_subtitle (self->demo_row,
                                   error != NULL ? error->message
                                                 : _("Not running here: start it with the demo command from Seedreel’s README"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->demo_row), FALSE);
      gtk_check_button_set_active (self->custom_check, TRUE);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->rpc_url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->chain_id_row), chain_id);
  gtk_editable_set_text (GTK_EDITABLE (self->registry_row), registry);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token);
  network_choice_changed_cb (self);
}

static void
network_problem (SrFirstRunWindow *self,
                 const char       *message)
{
  gtk_label_set_label (self->network_problem_label, message);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), TRUE);
}

static void
probe_chain_id_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SrFirstRunWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  guint64 answered = 0, entered = 0;
  const char *chain_text;

  if (!sr_rpc_client_get_chain_id_finish (SR_RPC_CLIENT (source), result, &answered, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The network did not answer: %s"), error->message);
      network_problem (self, message);
      return;
    }

  chain_text = gtk_editable_get_text (GTK_EDITABLE (self->chain_id_row));
  if (chain_text[0] != '\0' && sr_network_profile_parse_chain_id (chain_text, &entered, NULL) && entered != answered)
    {
      g_autofree char *a = g_strdup_printf ("%" G_GUINT64_FORMAT, answered);
      g_autofree char *e = g_strdup_printf ("%" G_GUINT64_FORMAT, entered);
      g_autofree char *message = g_strdup_printf (_("This network’s chain ID is %s, not %s: check the RPC URL, or correct the chain ID"),
                                                  a, e);

      network_problem (self, message);
      return;
    }

  g_settings_delay (self->network_settings);
  g_settings_set_string (self->network_settings, "profile-name", _("Custom network"));
  g_settings_set_string (self->network_settings, "rpc-url",
                         gtk_editable_get_text (GTK_EDITABLE (self->rpc_url_row)));
  g_settings_set_uint64 (self->network_settings, "chain-id", answered);
  g_settings_set_string (self->network_settings, "registry-address",
                         gtk_editable_get_text (GTK_EDITABLE (self->registry_row)));
  g_settings_set_string (self->network_settings, "token-address",
                         gtk_editable_get_text (GTK_EDITABLE (self->token_row)));
  g_settings_apply (self->network_settings);

  gtk_label_set_label (self->network_problem_label, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  show_page (self, self->page + 1);
}

/* Checks what was typed, then asks the chain itself. */
static void
leave_network (SrFirstRunWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->rpc_url_row));
  const char *chain_text = gtk_editable_get_text (GTK_EDITABLE (self->chain_id_row));
  guint64 chain_id;

  if (gtk_check_button_get_active (self->demo_check))
    {
      g_autofree char *devnet_path = sr_network_profile_get_devnet_path ();

      if (!sr_network_profile_use_devnet (self->network_settings, devnet_path, &error))
        {
          network_problem (self, error != NULL ? error->message
                                               : _("The demo network is not running on this computer"));
          return;
        }
      show_page (self, self->page + 1);
      return;
    }

  if (!sr_network_profile_check_rpc_url (url, &error) ||
      (chain_text[0] != '\0' && !sr_network_profile_parse_chain_id (chain_text, &chain_id, &error)) ||
      !sr_network_profile_check_address (gtk_editable_get_text (GTK_EDITABLE (self->registry_row)), FALSE, &error) ||
      !sr_network_profile_check_address (gtk_editable_get_text (GTK_EDITABLE (self->token_row)), FALSE, &error))
    {
      network_problem (self, error->message);
      return;
    }

  gtk_label_set_label (self->network_problem_label, _("Asking the network…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), FALSE);
  g_clear_object (&self->probe);
  self->probe = sr_rpc_client_new (url);
  sr_rpc_client_get_chain_id_async (self->probe, self->cancellable, probe_chain_id_cb, self);
}

/* ---- wallet ---- */

static void
show_wallet (SrFirstRunWindow *self,
             const char       *address)
{
  g_autofree char *description = NULL;

  g_free (self->address);
  self->address = g_strdup (address);
  description = g_strdup_printf (_("Your address is %s. Tokens sent to it pay for the views you buy."),
                                 address);
  adw_status_page_set_title (self->wallet_status, _("Wallet Ready"));
  adw_status_page_set_description (self->wallet_status, description);
  gtk_widget_set_visible (self->wallet_buttons, FALSE);
  if (g_str_equal (pages[self->page], "wallet"))
    gtk_button_set_label (self->next_button, _("_Next"));
}

static void
accounts_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrFirstRunWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = sr_signer_list_accounts_finish (SR_SIGNER (source), result, &error);

  if (accounts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_status_page_set_description (self->wallet_status, error->message);
      return;
    }
  if (accounts->len > 0)
    show_wallet (self, ((SrSignerAccount *) accounts->pdata[0])->address);
}

static void
load_wallet (SrFirstRunWindow *self)
{
  g_autoptr(GError) error = NULL;
  SrSigner *signer = sr_application_get_signer (self->application, &error);

  if (signer == NULL)
    {
      adw_status_page_set_description (self->wallet_status, error->message);
      gtk_widget_set_sensitive (self->wallet_buttons, FALSE);
      return;
    }
  sr_signer_list_accounts_async (signer, self->cancellable, accounts_cb, self);
}

static void
account_added_cb (SrFirstRunWindow *self,
                  const char       *address)
{
  show_wallet (self, address);
}

static void
open_wallet_dialog (SrFirstRunWindow *self,
                    gboolean          import)
{
  SrSigner *signer = sr_application_get_signer (self->application, NULL);
  GtkWindow *dialog;

  if (signer == NULL)
    return;
  dialog = import ? GTK_WINDOW (sr_wallet_import_dialog_new (signer))
                  : GTK_WINDOW (sr_wallet_create_dialog_new (signer));
  gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
  g_signal_connect_object (dialog, "account-added", G_CALLBACK (account_added_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
create_clicked_cb (SrFirstRunWindow *self)
{
  open_wallet_dialog (self, FALSE);
}

static void
import_clicked_cb (SrFirstRunWindow *self)
{
  open_wallet_dialog (self, TRUE);
}

/* ---- download folder ---- */

static void
update_folder (SrFirstRunWindow *self)
{
  g_autofree char *folder = g_settings_get_string (self->torrent_settings, "download-folder");

  if (folder[0] == '\0')
    {
      g_free (folder);
      folder = sr_torrent_session_default_download_dir ();
    }
  adw_action_row_set_subtitle (self->folder_row, folder);
}

static void
chooser_response_cb (SrFirstRunWindow *self,
                     int               response)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        g_settings_set_string (self->torrent_settings, "download-folder", path);
      update_folder (self);
    }
  g_clear_object (&self->chooser);
}

static void
folder_clicked_cb (SrFirstRunWindow *self)
{
  g_autofree char *current = g_strdup (adw_action_row_get_subtitle (self->folder_row));
  g_autoptr(GFile) start = NULL;

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Download Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_mkdir_with_parents (current, 0700);
  start = g_file_new_for_path (current);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), start, NULL);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- moving between pages ---- */

static void
next_clicked_cb (SrFirstRunWindow *self)
{
  if (g_str_equal (pages[self->page], "network"))
    leave_network (self);
  else if (self->page + 1 < G_N_ELEMENTS (pages))
    show_page (self, self->page + 1);
}

static void
back_clicked_cb (SrFirstRunWindow *self)
{
  if (self->page > 0)
    show_page (self, self->page - 1);
}

static void
start_clicked_cb (SrFirstRunWindow *self)
{
  show_page (self, 1);
}

static void
finish_clicked_cb (SrFirstRunWindow *self)
{
  g_settings_set_boolean (self->settings, "first-run-complete", TRUE);
  gtk_window_close (GTK_WINDOW (self));
}

static void
sr_first_run_window_dispose (GObject *object)
{
  SrFirstRunWindow *self = SR_FIRST_RUN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->probe);
  g_clear_object (&self->torrent_settings);
  g_clear_object (&self->network_settings);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);
  g_clear_pointer (&self->address, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_FIRST_RUN_WINDOW);

  G_OBJECT_CLASS (sr_first_run_window_parent_class)->dispose (object);
}

static void
sr_first_run_window_class_init (SrFirstRunWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_first_run_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-first-run-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, next_button);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, demo_row);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, demo_check);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, custom_check);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, custom_group);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, rpc_url_row);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, chain_id_row);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, registry_row);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, network_problem_label);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, wallet_status);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, wallet_buttons);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, create_button);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, folder_button);
  gtk_widget_class_bind_template_child (widget_class, SrFirstRunWindow, finish_button);
}

static void
sr_first_run_window_init (SrFirstRunWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->start_button, "clicked", G_CALLBACK (start_clicked_cb), self);
  g_signal_connect_swapped (self->next_button, "clicked", G_CALLBACK (next_clicked_cb), self);
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (back_clicked_cb), self);
  g_signal_connect_swapped (self->custom_check, "toggled", G_CALLBACK (network_choice_changed_cb), self);
  g_signal_connect_swapped (self->create_button, "clicked", G_CALLBACK (create_clicked_cb), self);
  g_signal_connect_swapped (self->import_button, "clicked", G_CALLBACK (import_clicked_cb), self);
  g_signal_connect_swapped (self->folder_button, "clicked", G_CALLBACK (folder_clicked_cb), self);
  g_signal_connect_swapped (self->finish_button, "clicked", G_CALLBACK (finish_clicked_cb), self);
}

SrFirstRunWindow *
sr_first_run_window_new (SrApplication *application)
{
  SrFirstRunWindow *self;

  g_return_val_if_fail (SR_IS_APPLICATION (application), NULL);

  self = g_object_new (SR_TYPE_FIRST_RUN_WINDOW, NULL);
  self->application = g_object_ref (application);
  self->settings = g_object_ref (sr_application_get_settings (application));
  self->network_settings = g_settings_get_child (self->settings, "network");
  self->torrent_settings = g_settings_get_child (self->settings, "torrent");
  load_network (self);
  load_wallet (self);
  update_folder (self);
  show_page (self, 0);
  return self;
}

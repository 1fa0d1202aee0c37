/* sr-application.c — application-wide actions, single instance, opening
 * seedreel:// and magnet: links handed over by the desktop. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "market/sr-catalog.h"

#include "store/sr-store.h"

#include "sr-application.h"
#include "sr-first-run-window.h"
#include "sr-preferences-window.h"
#include "sr-window.h"

struct _SrApplication
{
  AdwApplication    parent_instance;

  /* Owned References */
  GSettings        *settings;
  GSettings        *network_settings;
  guint             network_idle_id;
  SrNetworkProfile *network_profile;
  SrStore          *store;
  SrSigner         *signer;
  SrRpcClient      *rpc;
  SrToken          *token;
  SrTxManager      *tx_manager;
  SrTorrentSession *torrent_session;
  SrSeeding        *seeding;
  SrSendConfirmFunc confirm_func;
  gpointer          confirm_data;
  GCancellable     *cancellable;
};

G_DEFINE_FINAL_TYPE (SrApplication, sr_application, ADW_TYPE_APPLICATION)

SrApplication *
sr_application_new (void)
{
  return g_object_new (SR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

GSettings *
sr_application_get_settings (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  return self->settings;
}

SrNetworkProfile *
sr_application_get_network_profile (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  return self->network_profile;
}

/* Returns NULL until the database has been opened, or when it could not be. */
SrStore *
sr_application_get_store (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  return self->store;
}

/* The wallet agent, started on first use and restarted if it died. */
SrSigner *
sr_application_get_signer (SrApplication  *self,
                           GError        **error)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  if (self->signer == NULL)
    self->signer = sr_signer_spawn (NULL, error);
  else if (!sr_signer_get_running (self->signer) && !sr_signer_restart (self->signer, error))
    return NULL;
  return self->signer;
}

/* Follows the network profile: a new RPC URL or token gives new clients. */
SrRpcClient *
sr_application_get_rpc_client (SrApplication *self)
{
  const char *url;

  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  url = sr_network_profile_get_rpc_url (self->network_profile);
  if (self->rpc == NULL || g_strcmp0 (sr_rpc_client_get_url (self->rpc), url) != 0)
    {
      g_clear_object (&self->token);
      g_clear_object (&self->tx_manager);
      g_clear_object (&self->rpc);
      self->rpc = sr_rpc_client_new (url);
    }
  return self->rpc;
}

/* NULL while the profile names no token. */
SrToken *
sr_application_get_token (SrApplication *self)
{
  SrRpcClient *rpc = sr_application_get_rpc_client (self);
  const char *text = sr_network_profile_get_token_address (self->network_profile);
  guint8 address[SR_ADDRESS_LEN];

  if (text == NULL || !sr_address_parse (text, address, NULL))
    {
      g_clear_object (&self->token);
      return NULL;
    }
  if (self->token == NULL || memcmp (sr_token_get_address (self->token), address, SR_ADDRESS_LEN) != 0)
    {
      g_clear_object (&self->token);
      self->token = sr_token_new (rpc, address);
    }
  return self->token;
}

SrTorrentSession *
sr_application_get_torrent_session (SrApplication  *self,
                                    GError        **error)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  if (self->torrent_session == NULL)
    {
      g_autoptr(GSettings) torrent_settings = g_settings_get_child (self->settings, "torrent");
      g_autofree char *state_dir = g_build_filename (g_get_user_state_dir (), "seedreel", "torrents", NULL);

      self->torrent_session = sr_torrent_session_new_from_settings (torrent_settings, state_dir, error);
    }
  return self->torrent_session;
}

SrSeeding *
sr_application_get_seeding (SrApplication  *self,
                            const char     *account,
                            GError        **error)
{
  const char *registry_text = sr_network_profile_get_registry_address (self->network_profile);
  guint64 chain_id = sr_network_profile_get_chain_id (self->network_profile);
  g_autofree char *network = NULL;
  g_autoptr(SrRegistry) registry = NULL;
  guint8 registry_address[SR_ADDRESS_LEN], payout[SR_ADDRESS_LEN];
  SrTorrentSession *session;
  SrSigner *signer;

  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  if (self->store == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("The library is not open yet"));
      return NULL;
    }
  if (registry_text == NULL || !sr_address_parse (registry_text, registry_address, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("This network has no registry configured (see Preferences)"));
      return NULL;
    }
  if (!sr_address_parse (account, payout, error))
    return NULL;
  network = sr_catalog_network_key (chain_id, registry_address);
  if (self->seeding != NULL &&
      (g_strcmp0 (sr_seeding_get_network (self->seeding), network) != 0 ||
       g_ascii_strcasecmp (sr_seeding_get_payout (self->seeding), account) != 0))
    g_clear_object (&self->seeding);
  if (self->seeding != NULL)
    return self->seeding;
  session = sr_application_get_torrent_session (self, error);
  if (session == NULL)
    return NULL;
  signer = sr_application_get_signer (self, error);
  if (signer == NULL)
    return NULL;
  registry = sr_registry_new (sr_application_get_rpc_client (self), registry_address);
  self->seeding = sr_seeding_new (session, registry, self->store, network, chain_id, payout, signer);
  return self->seeding;
}

static void
flushed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sr_seeding_flush_finish (SR_SEEDING (source), result, &error))
    g_debug ("Receipts: %s", error->message);
}

void
sr_application_flush_receipts (SrApplication *self)
{
  g_return_if_fail (SR_IS_APPLICATION (self));
  if (self->seeding != NULL)
    sr_seeding_flush_async (self->seeding, NULL, 10, NULL, flushed_cb, NULL);
}

static void
shutdown_flushed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  gboolean *done = user_data;

  flushed_cb (source, result, NULL);
  *done = TRUE;
  g_rc_box_release (done);
}

/* What was downloaded keeps being seeded from launch, with the wallet's
 * account receiving the receipts, once there is a wallet. */
static void
startup_accounts_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SrApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = sr_signer_list_accounts_finish (SR_SIGNER (source), result, &error);

  if (accounts == NULL || accounts->len == 0 || self->store == NULL)
    return;
  if (sr_application_get_seeding (self, ((SrSignerAccount *) accounts->pdata[0])->address, &error) == NULL)
    g_message ("Not seeding yet: %s", error->message);
}

static void
sr_application_start_seeding (SrApplication *self)
{
  g_autoptr(GError) error = NULL;
  SrSigner *signer = sr_application_get_signer (self, &error);

  if (signer == NULL)
    return;
  sr_signer_list_accounts_async (signer, self->cancellable, startup_accounts_cb, g_object_ref (self));
}

static gboolean
network_settled_cb (gpointer user_data)
{
  SrApplication *self = user_data;

  self->network_idle_id = 0;
  if (self->store != NULL)
    sr_application_start_seeding (self);
  return G_SOURCE_REMOVE;
}

/* A network chosen while running (the welcome assistant, Preferences):
 * seeding starts on it before Browse adds any torrent for a poster, so
 * the titles' key exchanges hear every peer's greeting. Several keys
 * change at once; they are taken together. */
static void
network_changed_cb (SrApplication *self)
{
  if (self->network_idle_id == 0)
    self->network_idle_id = g_idle_add (network_settled_cb, self);
}

static void
sr_application_session_down (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!sr_torrent_session_shutdown_finish (SR_TORRENT_SESSION (source), result, &error))
    g_warning ("Could not save download progress: %s", error->message);
  *done = TRUE;
}

void
sr_application_set_send_confirmer (SrApplication    *self,
                                   SrSendConfirmFunc func,
                                   gpointer          user_data)
{
  g_return_if_fail (SR_IS_APPLICATION (self));
  self->confirm_func = func;
  self->confirm_data = user_data;
}

typedef struct {
  SrApplication *self;
  GTask *task;
  GVariant *tx;
} SignRequest;

static void
sign_request_free (SignRequest *request)
{
  g_clear_object (&request->task);
  g_clear_pointer (&request->tx, g_variant_unref);
  g_free (request);
}

static void
sr_application_prepared (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  SignRequest *request = user_data;
  SrApplication *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GVariant) summary = sr_signer_prepare_transaction_finish (SR_SIGNER (source), result, &token, &error);

  if (summary == NULL)
    g_task_return_error (g_steal_pointer (&request->task), g_steal_pointer (&error));
  else if (self->confirm_func == NULL)
    g_task_return_new_error (g_steal_pointer (&request->task), SR_SIGNER_ERROR,
                             SR_SIGNER_ERROR_CONFIRMATION_REQUIRED,
                             _("Nothing was signed: the send was not confirmed"));
  else
    self->confirm_func (summary, token, request->tx, g_steal_pointer (&request->task), self->confirm_data);
  sign_request_free (request);
}

static void
sr_application_sign_tx (const SrTx   *tx,
                        GCancellable *cancellable,
                        GTask        *task,
                        gpointer      user_data)
{
  SrApplication *self = user_data;
  g_autoptr(GError) error = NULL;
  SrSigner *signer = sr_application_get_signer (self, &error);
  SignRequest *request;

  if (signer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  request = g_new0 (SignRequest, 1);
  request->self = self;
  request->task = task;
  request->tx = g_variant_ref_sink (sr_signer_tx_to_variant (tx));
  sr_signer_prepare_transaction_async (signer, sr_tx_manager_get_from (self->tx_manager), request->tx,
                                       cancellable, sr_application_prepared, request);
}

SrTxManager *
sr_application_get_tx_manager (SrApplication  *self,
                               const char     *address,
                               GError        **error)
{
  SrRpcClient *rpc = sr_application_get_rpc_client (self);
  guint64 chain_id = sr_network_profile_get_chain_id (self->network_profile);
  guint8 from[SR_ADDRESS_LEN];

  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  if (self->store == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   _("The library database is not open, so a send could not be recorded"));
      return NULL;
    }
  if (!sr_address_parse (address, from, error))
    return NULL;
  if (self->tx_manager != NULL &&
      (g_ascii_strcasecmp (sr_tx_manager_get_from (self->tx_manager), address) != 0 ||
       sr_tx_manager_get_chain_id (self->tx_manager) != chain_id))
    g_clear_object (&self->tx_manager);
  if (self->tx_manager == NULL)
    self->tx_manager = sr_tx_manager_new (rpc, self->store, chain_id, from,
                                          sr_application_sign_tx, self, NULL);
  return self->tx_manager;
}

static void
sr_application_store_opened (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(SrApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = sr_store_open_finish (result, &error);
  GtkWindow *window;
  AdwMessageDialog *dialog;

  if (store != NULL)
    {
      self->store = g_steal_pointer (&store);
      sr_application_start_seeding (self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_warning ("Could not open the library database: %s", error->message);

  /* The message names the file and what to do; nothing was changed on disk. */
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Cannot Open Your Library"), error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static SrWindow *
sr_application_ensure_window (SrApplication *self)
{
  /* Preferences and the assistant are application windows too. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SR_IS_WINDOW (l->data))
      return SR_WINDOW (l->data);

  return sr_window_new (self);
}

/* Until the welcome assistant was finished once, it opens over the window. */
static void
sr_application_maybe_first_run (SrApplication *self,
                                SrWindow      *window)
{
  SrFirstRunWindow *assistant;

  if (g_settings_get_boolean (self->settings, "first-run-complete"))
    return;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SR_IS_FIRST_RUN_WINDOW (l->data))
      {
        gtk_window_present (GTK_WINDOW (l->data));
        return;
      }
  assistant = sr_first_run_window_new (self);
  gtk_window_set_transient_for (GTK_WINDOW (assistant), GTK_WINDOW (window));
  gtk_window_set_application (GTK_WINDOW (assistant), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (assistant));
}

static void
sr_application_activate (GApplication *app)
{
  SrWindow *window = sr_application_ensure_window (SR_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  sr_application_maybe_first_run (SR_APPLICATION (app), window);
}

static void
sr_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  SrWindow *window = sr_application_ensure_window (SR_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      sr_window_open_uri (window, uri);
    }
}

static void
sr_application_startup (GApplication *app)
{
  SrApplication *self = SR_APPLICATION (app);
  g_autofree char *store_path = NULL;
  g_autofree char *devnet_path = NULL;
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (sr_application_parent_class)->startup (app);

  self->settings = g_settings_new (APP_ID);
  self->network_settings = g_settings_get_child (self->settings, "network");

  devnet_path = sr_network_profile_get_devnet_path ();
  if (!sr_network_profile_adopt_devnet (self->network_settings, devnet_path, &error) && error != NULL)
    g_warning ("%s", error->message);
  self->network_profile = sr_network_profile_new_from_settings (self->network_settings);
  g_signal_connect_object (self->network_settings, "changed", G_CALLBACK (network_changed_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_window_set_default_icon_name (APP_ID);

  store_path = sr_store_default_path ();
  self->cancellable = g_cancellable_new ();
  sr_store_open_async (store_path, self->cancellable,
                       sr_application_store_opened, g_object_ref (self));
}

static void
sr_application_shutdown (GApplication *app)
{
  SrApplication *self = SR_APPLICATION (app);

  g_clear_handle_id (&self->network_idle_id, g_source_remove);
  /* Receipts for what we watched last go out first, briefly: quitting must
   * not hang on a seeder that went away. */
  if (self->seeding != NULL)
    {
      gboolean *done = g_rc_box_new0 (gboolean);
      gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      sr_seeding_flush_async (self->seeding, NULL, 3, NULL, shutdown_flushed_cb, g_rc_box_acquire (done));
      while (!*done && g_get_monotonic_time () < deadline)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (10000);
      g_rc_box_release (done);
      g_clear_object (&self->seeding);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  /* Resume data is flushed before the process ends, so the next start
   * continues downloads without a recheck. */
  if (self->torrent_session != NULL)
    {
      gboolean done = FALSE;

      sr_torrent_session_shutdown_async (self->torrent_session, NULL, sr_application_session_down, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      g_clear_object (&self->torrent_session);
    }
  g_clear_object (&self->store);
  g_clear_object (&self->tx_manager);
  g_clear_object (&self->token);
  g_clear_object (&self->rpc);
  g_clear_object (&self->signer);
  g_clear_object (&self->network_profile);
  g_clear_object (&self->network_settings);
  g_clear_object (&self->settings);

  G_APPLICATION_CLASS (sr_application_parent_class)->shutdown (app);
}

static void
sr_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  SrApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Close windows first so each saves its state; quit follows. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  g_application_quit (G_APPLICATION (self));
}

static void
sr_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  SrApplication *self = user_data;
  static const char *developers[] = { "Seedreel contributors", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Seedreel"),
                         "application-icon", APP_ID,
                         "developer-name", _("Seedreel contributors"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Watch, seed and publish videos with no central server"),
                         "website", "https://seedreel.org",
                         "issue-url", "https://seedreel.org/issues",
                         "developers", developers,
                         "copyright", "© 2026 Seedreel contributors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
sr_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  SrApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  SrPreferencesWindow *prefs = sr_preferences_window_new (self->network_settings);

  /* Attached to the application so its accelerators (Ctrl+Q) work there too. */
  gtk_window_set_application (GTK_WINDOW (prefs), GTK_APPLICATION (self));
  if (window != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (prefs), window);
  gtk_window_present (GTK_WINDOW (prefs));
}

static const GActionEntry app_actions[] = {
  { "quit", sr_application_quit_action },
  { "about", sr_application_about_action },
  { "preferences", sr_application_preferences_action },
};

static void
sr_application_class_init (SrApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = sr_application_activate;
  app_class->open = sr_application_open;
  app_class->startup = sr_application_startup;
  app_class->shutdown = sr_application_shutdown;
}

static void
sr_application_init (SrApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
}

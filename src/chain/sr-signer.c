/* sr-signer.c: spawning seedreel-signer and calling it.
 *
 * The agent runs as a child process on one end of a socketpair; the other
 * end carries a peer-to-peer D-Bus connection authenticated with EXTERNAL
 * (the kernel vouches for our uid). If the agent dies, pending and later calls
 * fail with SR_SIGNER_ERROR_NOT_RUNNING and sr_signer_restart() starts a
 * fresh one; its keys are locked again, as after any restart.
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"
#include "sr-signer-dbus.h"
#include "sr-signer.h"

#define OBJECT_PATH "/org/seedreel/Signer1"
/* Key stretching on a slow machine takes seconds; a hung agent should
 * still not hang the app forever. */
#define CALL_TIMEOUT_MS (5 * 60 * 1000)

static const GDBusErrorEntry signer_error_entries[] = {
  { SR_SIGNER_ERROR_FAILED, "org.seedreel.Signer1.Error.Failed" },
  { SR_SIGNER_ERROR_WRONG_PASSWORD, "org.seedreel.Signer1.Error.WrongPassword" },
  { SR_SIGNER_ERROR_LOCKED, "org.seedreel.Signer1.Error.Locked" },
  { SR_SIGNER_ERROR_NO_SUCH_ACCOUNT, "org.seedreel.Signer1.Error.NoSuchAccount" },
  { SR_SIGNER_ERROR_ACCOUNT_EXISTS, "org.seedreel.Signer1.Error.AccountExists" },
  { SR_SIGNER_ERROR_DAMAGED_KEYSTORE, "org.seedreel.Signer1.Error.DamagedKeystore" },
  { SR_SIGNER_ERROR_CONFIRMATION_REQUIRED, "org.seedreel.Signer1.Error.ConfirmationRequired" },
  { SR_SIGNER_ERROR_INVALID_ARGUMENT, "org.seedreel.Signer1.Error.InvalidArgument" },
  { SR_SIGNER_ERROR_NOT_RUNNING, "org.seedreel.Signer1.Error.NotRunning" },
};

GQuark
sr_signer_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("sr-signer-error-quark", &quark,
                                      signer_error_entries,
                                      G_N_ELEMENTS (signer_error_entries));
  return (GQuark) quark;
}

void
sr_signer_account_free (SrSignerAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->address);
  g_free (account->label);
  g_free (account);
}

struct _SrSigner
{
  GObject parent_instance;

  gchar *path;
  GSubprocess *process;
  GDBusConnection *connection;
  SrDBusSigner1 *proxy;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (SrSigner, sr_signer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (SrSigner *self,
             gboolean  running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
on_connection_closed (GDBusConnection *connection,
                      gboolean         remote_peer_vanished,
                      GError          *error,
                      gpointer         user_data)
{
  SrSigner *self = user_data;

  if (connection == self->connection)
    set_running (self, FALSE);
}

static void
stop (SrSigner *self)
{
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      /* The agent sees the socket close and exits, wiping its keys. */
      g_dbus_connection_close (self->connection, NULL, NULL, NULL);
    }
  g_clear_object (&self->proxy);
  g_clear_object (&self->connection);
  g_clear_object (&self->process);
  set_running (self, FALSE);
}

static gchar *
default_signer_path (void)
{
  const gchar *env = g_getenv ("SEEDREEL_SIGNER");
  g_autofree gchar *installed = g_build_filename (LIBEXECDIR, "seedreel-signer", NULL);
  g_autofree gchar *self_exe = NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe != NULL)
    {
      g_autofree gchar *dir = g_path_get_dirname (self_exe);
      g_autofree gchar *beside = g_build_filename (dir, "seedreel-signer", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  return g_steal_pointer (&installed);
}

static gboolean
start (SrSigner  *self,
       GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  SrDBusSigner1 *proxy;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NOT_RUNNING,
                   _("Cannot start the wallet agent: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  process = g_subprocess_launcher_spawn (launcher, &local_error, self->path, "--fd", "3", NULL);
  /* Drop our copy of the agent's end now, so its death reads as EOF here. */
  g_clear_object (&launcher);
  if (process == NULL)
    {
      close (fds[0]);
      g_set_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NOT_RUNNING,
                   _("Cannot start the wallet agent “%s”: %s"), self->path, local_error->message);
      return FALSE;
    }

  socket = g_socket_new_from_fd (fds[0], &local_error);
  if (socket == NULL)
    {
      close (fds[0]);
      g_subprocess_force_exit (process);
      g_set_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NOT_RUNNING,
                   _("Cannot start the wallet agent: %s"), local_error->message);
      return FALSE;
    }
  stream = g_socket_connection_factory_create_connection (socket);
  connection = g_dbus_connection_new_sync (G_IO_STREAM (stream), NULL,
                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                           NULL, NULL, &local_error);
  if (connection == NULL)
    {
      g_subprocess_force_exit (process);
      g_set_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NOT_RUNNING,
                   _("The wallet agent did not answer: %s"), local_error->message);
      return FALSE;
    }
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  proxy = sr_dbus_signer1_proxy_new_sync (connection,
                                          G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                          G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
                                          NULL, OBJECT_PATH, NULL, &local_error);
  if (proxy == NULL)
    {
      g_subprocess_force_exit (process);
      g_set_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NOT_RUNNING,
                   _("The wallet agent did not answer: %s"), local_error->message);
      return FALSE;
    }
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), CALL_TIMEOUT_MS);

  self->process = g_steal_pointer (&process);
  self->connection = g_steal_pointer (&connection);
  self->proxy = proxy;
  g_signal_connect (self->connection, "closed", G_CALLBACK (on_connection_closed), self);
  set_running (self, !g_dbus_connection_is_closed (self->connection));
  return TRUE;
}

SrSigner *
sr_signer_spawn (const gchar  *signer_path,
                 GError      **error)
{
  g_autoptr(SrSigner) self = g_object_new (SR_TYPE_SIGNER, NULL);

  self->path = signer_path != NULL ? g_strdup (signer_path) : default_signer_path ();
  if (!start (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
sr_signer_restart (SrSigner  *self,
                   GError   **error)
{
  g_return_val_if_fail (SR_IS_SIGNER (self), FALSE);

  if (self->process != NULL)
    g_subprocess_force_exit (self->process);
  stop (self);
  return start (self, error);
}

gboolean
sr_signer_get_running (SrSigner *self)
{
  g_return_val_if_fail (SR_IS_SIGNER (self), FALSE);

  return self->running;
}

/* The agent's process id as a string, or NULL when it is not running. */
const gchar *
sr_signer_get_identifier (SrSigner *self)
{
  g_return_val_if_fail (SR_IS_SIGNER (self), NULL);

  return self->process != NULL ? g_subprocess_get_identifier (self->process) : NULL;
}

GVariant *
sr_signer_tx_to_variant (const SrTx *tx)
{
  GVariantBuilder builder;
  g_autofree gchar *value = NULL;

  g_return_val_if_fail (tx != NULL, NULL);

  value = sr_u256_to_decimal (tx->value);
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_uint32 (tx->type));
  g_variant_builder_add (&builder, "{sv}", "chain-id", g_variant_new_uint64 (tx->chain_id));
  g_variant_builder_add (&builder, "{sv}", "nonce", g_variant_new_uint64 (tx->nonce));
  g_variant_builder_add (&builder, "{sv}", "gas", g_variant_new_uint64 (tx->gas_limit));
  if (tx->has_to)
    {
      g_autofree gchar *to = sr_address_to_checksum (tx->to);

      g_variant_builder_add (&builder, "{sv}", "to", g_variant_new_string (to));
    }
  g_variant_builder_add (&builder, "{sv}", "value", g_variant_new_string (value));
  if (tx->type == SR_TX_TYPE_EIP1559)
    {
      g_autofree gchar *max_fee = sr_u256_to_decimal (tx->max_fee_per_gas);
      g_autofree gchar *tip = sr_u256_to_decimal (tx->max_priority_fee_per_gas);

      g_variant_builder_add (&builder, "{sv}", "max-fee-per-gas", g_variant_new_string (max_fee));
      g_variant_builder_add (&builder, "{sv}", "max-priority-fee-per-gas", g_variant_new_string (tip));
    }
  else
    {
      g_autofree gchar *price = sr_u256_to_decimal (tx->gas_price);

      g_variant_builder_add (&builder, "{sv}", "gas-price", g_variant_new_string (price));
    }
  if (tx->type == SR_TX_TYPE_EIP1559 && tx->access_list != NULL)
    g_variant_builder_add (&builder, "{sv}", "access-list",
                           g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, tx->access_list, TRUE));
  if (tx->data != NULL)
    g_variant_builder_add (&builder, "{sv}", "data",
                           g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, tx->data, TRUE));
  return g_variant_builder_end (&builder);
}

/* Calls */

static GError *
translate_error (SrSigner *self,
                 GError   *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
      self->connection == NULL || g_dbus_connection_is_closed (self->connection))
    {
      GError *stopped = g_error_new_literal (SR_SIGNER_ERROR, SR_SIGNER_ERROR_NOT_RUNNING,
                                             _("The wallet agent has stopped; restart it and try again"));

      g_error_free (error);
      set_running (self, FALSE);
      return stopped;
    }
  if (g_dbus_error_is_remote_error (error))
    g_dbus_error_strip_remote_error (error);
  return error;
}

static void
call_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GVariant *reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, translate_error (g_task_get_source_object (task), error));
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
}

static void
call_async (SrSigner            *self,
            const gchar         *method,
            GVariant            *parameters,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_variant_ref_sink (parameters);
  if (self->proxy == NULL || g_dbus_connection_is_closed (self->connection))
    {
      g_variant_unref (parameters);
      set_running (self, FALSE);
      g_task_return_new_error (task, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NOT_RUNNING,
                               _("The wallet agent has stopped; restart it and try again"));
      return;
    }
  g_dbus_proxy_call (G_DBUS_PROXY (self->proxy), method, parameters,
                     G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                     call_done, g_steal_pointer (&task));
  g_variant_unref (parameters);
}

static GVariant *
call_finish (SrSigner      *self,
             GAsyncResult  *result,
             gpointer       source_tag,
             GError       **error)
{
  g_return_val_if_fail (SR_IS_SIGNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GVariant *
bytes_variant (GBytes *bytes)
{
  return bytes != NULL ? g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE)
                       : g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, NULL, 0, 1);
}

static GBytes *
reply_bytes (GVariant *reply)
{
  g_autoptr(GVariant) child = g_variant_get_child_value (reply, 0);

  return g_variant_get_data_as_bytes (child);
}

void
sr_signer_list_accounts_async (SrSigner            *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  call_async (self, "ListAccounts", g_variant_new ("()"), sr_signer_list_accounts_async,
              cancellable, callback, user_data);
}

/* Returns a GPtrArray of SrSignerAccount. */
GPtrArray *
sr_signer_list_accounts_finish (SrSigner      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_list_accounts_async, error);
  g_autoptr(GVariantIter) iter = NULL;
  GPtrArray *accounts;
  const gchar *address, *label;

  if (reply == NULL)
    return NULL;
  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_signer_account_free);
  g_variant_get (reply, "(a(ss))", &iter);
  while (g_variant_iter_next (iter, "(&s&s)", &address, &label))
    {
      SrSignerAccount *account = g_new0 (SrSignerAccount, 1);

      account->address = g_strdup (address);
      account->label = g_strdup (label);
      g_ptr_array_add (accounts, account);
    }
  return accounts;
}

void
sr_signer_create_account_async (SrSigner            *self,
                                const gchar         *label,
                                const gchar         *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  call_async (self, "CreateAccount", g_variant_new ("(ss)", label, password),
              sr_signer_create_account_async, cancellable, callback, user_data);
}

/* Returns the address; @mnemonic receives the recovery phrase, which the
 * agent never shows again. */
gchar *
sr_signer_create_account_finish (SrSigner      *self,
                                 GAsyncResult  *result,
                                 gchar        **mnemonic,
                                 GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_create_account_async, error);
  gchar *address = NULL, *phrase = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(ss)", &address, &phrase);
  if (mnemonic != NULL)
    *mnemonic = phrase;
  else
    g_free (phrase);
  return address;
}

static void
import_async (SrSigner            *self,
              const gchar         *method,
              GVariant            *parameters,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  call_async (self, method, parameters, sr_signer_import_finish, cancellable, callback, user_data);
}

void
sr_signer_import_private_key_async (SrSigner            *self,
                                    const gchar         *hex,
                                    const gchar         *label,
                                    const gchar         *password,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  import_async (self, "ImportPrivateKey", g_variant_new ("(sss)", hex, label, password),
                cancellable, callback, user_data);
}

void
sr_signer_import_mnemonic_async (SrSigner            *self,
                                 const gchar         *phrase,
                                 guint                index,
                                 const gchar         *label,
                                 const gchar         *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  import_async (self, "ImportMnemonic", g_variant_new ("(suss)", phrase, index, label, password),
                cancellable, callback, user_data);
}

void
sr_signer_import_keystore_v3_async (SrSigner            *self,
                                    const gchar         *json,
                                    const gchar         *v3_password,
                                    const gchar         *label,
                                    const gchar         *password,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  import_async (self, "ImportKeystoreV3", g_variant_new ("(ssss)", json, v3_password, label, password),
                cancellable, callback, user_data);
}

gchar *
sr_signer_import_finish (SrSigner      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_import_finish, error);
  gchar *address = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(s)", &address);
  return address;
}

void
sr_signer_export_keystore_v3_async (SrSigner            *self,
                                    const gchar         *address,
                                    const gchar         *password,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  call_async (self, "ExportKeystoreV3", g_variant_new ("(ss)", address, password),
              sr_signer_export_keystore_v3_async, cancellable, callback, user_data);
}

gchar *
sr_signer_export_keystore_v3_finish (SrSigner      *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_export_keystore_v3_async, error);
  gchar *json = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(s)", &json);
  return json;
}

void
sr_signer_unlock_async (SrSigner            *self,
                        const gchar         *address,
                        const gchar         *password,
                        guint                idle_timeout_s,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  call_async (self, "Unlock", g_variant_new ("(ssu)", address, password, idle_timeout_s),
              sr_signer_unlock_async, cancellable, callback, user_data);
}

gboolean
sr_signer_unlock_finish (SrSigner      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_unlock_async, error);

  return reply != NULL;
}

void
sr_signer_lock_async (SrSigner            *self,
                      const gchar         *address,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  call_async (self, "Lock", g_variant_new ("(s)", address),
              sr_signer_lock_async, cancellable, callback, user_data);
}

gboolean
sr_signer_lock_finish (SrSigner      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_lock_async, error);

  return reply != NULL;
}

void
sr_signer_is_unlocked_async (SrSigner            *self,
                             const gchar         *address,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  call_async (self, "IsUnlocked", g_variant_new ("(s)", address),
              sr_signer_is_unlocked_async, cancellable, callback, user_data);
}

gboolean
sr_signer_is_unlocked_finish (SrSigner      *self,
                              GAsyncResult  *result,
                              gboolean      *unlocked,
                              GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_is_unlocked_async, error);

  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(b)", unlocked);
  return TRUE;
}

void
sr_signer_prepare_transaction_async (SrSigner            *self,
                                     const gchar         *address,
                                     GVariant            *tx,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  call_async (self, "PrepareTransaction", g_variant_new ("(s@a{sv})", address, tx),
              sr_signer_prepare_transaction_async, cancellable, callback, user_data);
}

static GVariant *
summary_and_token (GVariant  *reply,
                   gchar    **token)
{
  GVariant *summary = NULL;
  gchar *text = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(@a{sv}s)", &summary, &text);
  if (token != NULL)
    *token = text;
  else
    g_free (text);
  return summary;
}

GVariant *
sr_signer_prepare_transaction_finish (SrSigner      *self,
                                      GAsyncResult  *result,
                                      gchar        **token,
                                      GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_prepare_transaction_async, error);

  return summary_and_token (reply, token);
}

void
sr_signer_sign_transaction_async (SrSigner            *self,
                                  const gchar         *address,
                                  GVariant            *tx,
                                  const gchar         *token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  call_async (self, "SignTransaction",
              g_variant_new ("(s@a{sv}s)", address, tx, token != NULL ? token : ""),
              sr_signer_sign_transaction_async, cancellable, callback, user_data);
}

GBytes *
sr_signer_sign_transaction_finish (SrSigner      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_sign_transaction_async, error);

  return reply != NULL ? reply_bytes (reply) : NULL;
}

void
sr_signer_prepare_typed_data_async (SrSigner            *self,
                                    const gchar         *address,
                                    const gchar         *json,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  call_async (self, "PrepareTypedData", g_variant_new ("(ss)", address, json),
              sr_signer_prepare_typed_data_async, cancellable, callback, user_data);
}

GVariant *
sr_signer_prepare_typed_data_finish (SrSigner      *self,
                                     GAsyncResult  *result,
                                     gchar        **token,
                                     GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_prepare_typed_data_async, error);

  return summary_and_token (reply, token);
}

void
sr_signer_sign_typed_data_async (SrSigner            *self,
                                 const gchar         *address,
                                 const gchar         *json,
                                 const gchar         *token,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  call_async (self, "SignTypedData", g_variant_new ("(sss)", address, json, token != NULL ? token : ""),
              sr_signer_sign_typed_data_async, cancellable, callback, user_data);
}

/* Returns the 65-byte signature r ‖ s ‖ v (v is 0 or 1). */
GBytes *
sr_signer_sign_typed_data_finish (SrSigner      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_sign_typed_data_async, error);

  return reply != NULL ? reply_bytes (reply) : NULL;
}

void
sr_signer_ecdh_async (SrSigner            *self,
                      const gchar         *address,
                      GBytes              *public_key,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  call_async (self, "Ecdh", g_variant_new ("(s@ay)", address, bytes_variant (public_key)),
              sr_signer_ecdh_async, cancellable, callback, user_data);
}

GBytes *
sr_signer_ecdh_finish (SrSigner      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_ecdh_async, error);

  return reply != NULL ? reply_bytes (reply) : NULL;
}

void
sr_signer_unwrap_key_async (SrSigner            *self,
                            const gchar         *address,
                            GBytes              *peer_public_key,
                            GBytes              *sealed,
                            GBytes              *associated_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  call_async (self, "UnwrapKey",
              g_variant_new ("(s@ay@ay@ay)", address, bytes_variant (peer_public_key),
                             bytes_variant (sealed), bytes_variant (associated_data)),
              sr_signer_unwrap_key_async, cancellable, callback, user_data);
}

GBytes *
sr_signer_unwrap_key_finish (SrSigner      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(GVariant) reply = call_finish (self, result, sr_signer_unwrap_key_async, error);

  return reply != NULL ? reply_bytes (reply) : NULL;
}

/* GObject */

static void
sr_signer_dispose (GObject *object)
{
  stop (SR_SIGNER (object));

  G_OBJECT_CLASS (sr_signer_parent_class)->dispose (object);
}

static void
sr_signer_finalize (GObject *object)
{
  SrSigner *self = SR_SIGNER (object);

  g_free (self->path);

  G_OBJECT_CLASS (sr_signer_parent_class)->finalize (object);
}

static void
sr_signer_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SrSigner *self = SR_SIGNER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_signer_class_init (SrSignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_signer_dispose;
  object_class->finalize = sr_signer_finalize;
  object_class->get_property = sr_signer_get_property;

  /* Registers the D-Bus error names before any reply can carry one. */
  (void) SR_SIGNER_ERROR;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_signer_init (SrSigner *self)
{
}

/* main.c: seedreel-signer, Seedreel's wallet agent.
 *
 * The app or the CLI starts it with one end of a socketpair (fd 3, or
 * --fd N) and talks peer-to-peer D-Bus over it. It is the only process that
 * ever holds a decrypted private key, so it opens no network connection,
 * parses no media, refuses core dumps and ptrace by non-root peers, and exits
 * (wiping every key) as soon as its peer goes away.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <sodium.h>

#include "sr-signer-service.h"

static void
harden_process (void)
{
  struct rlimit no_core = { 0, 0 };
  struct rlimit memlock;

  /* Not dumpable: no core file, and same-uid processes cannot ptrace us or
   * read /proc/<pid>/mem. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_warning ("Could not mark the wallet agent non-dumpable");
  if (setrlimit (RLIMIT_CORE, &no_core) != 0)
    g_warning ("Could not turn core dumps off");

  /* Keys already sit in locked sodium_malloc pages. Locking everything is a
   * bonus that only makes sense when the limit is generous: with MCL_FUTURE
   * under a small limit, Argon2's 256 MiB allocation would fail. */
  if (getrlimit (RLIMIT_MEMLOCK, &memlock) == 0 && memlock.rlim_cur == RLIM_INFINITY)
    (void) mlockall (MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT);
}

static gboolean
authorize_peer (GDBusAuthObserver *observer,
                GIOStream         *stream,
                GCredentials      *credentials,
                gpointer           user_data)
{
  g_autoptr(GError) error = NULL;

  return credentials != NULL &&
         g_credentials_get_unix_user (credentials, &error) == getuid ();
}

static gboolean
allow_mechanism (GDBusAuthObserver *observer,
                 const gchar       *mechanism,
                 gpointer           user_data)
{
  return g_strcmp0 (mechanism, "EXTERNAL") == 0;
}

static void
on_closed (GDBusConnection *connection,
           gboolean         remote_peer_vanished,
           GError          *error,
           gpointer         user_data)
{
  g_main_loop_quit (user_data);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GDBusAuthObserver) observer = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(SrSignerService) service = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree gchar *guid = NULL;
  g_autofree gchar *keys_dir = NULL;
  gint fd = 3;
  const GOptionEntry entries[] = {
    { "fd", 0, 0, G_OPTION_ARG_INT, &fd, N_("The connected socket to serve (default 3)"), "N" },
    { "keys-dir", 0, 0, G_OPTION_ARG_FILENAME, &keys_dir, N_("Where key files live"), "DIR" },
    { NULL }
  };

  harden_process ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Seedreel's wallet agent. It is started by Seedreel; do not run it by hand."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  if (sodium_init () < 0)
    {
      g_printerr ("%s\n", _("The cryptography library could not start"));
      return EXIT_FAILURE;
    }

  socket = g_socket_new_from_fd (fd, &error);
  if (socket == NULL)
    {
      g_printerr (_("File descriptor %d is not a socket from Seedreel: %s\n"), fd, error->message);
      return EXIT_FAILURE;
    }
  stream = g_socket_connection_factory_create_connection (socket);

  observer = g_dbus_auth_observer_new ();
  g_signal_connect (observer, "authorize-authenticated-peer", G_CALLBACK (authorize_peer), NULL);
  g_signal_connect (observer, "allow-mechanism", G_CALLBACK (allow_mechanism), NULL);

  guid = g_dbus_generate_guid ();
  connection = g_dbus_connection_new_sync (G_IO_STREAM (stream), guid,
                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER |
                                           G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                                           observer, NULL, &error);
  if (connection == NULL)
    {
      g_printerr (_("Could not talk to Seedreel: %s\n"), error->message);
      return EXIT_FAILURE;
    }
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), loop);

  service = sr_signer_service_new (keys_dir);
  if (!sr_signer_service_export (service, connection, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  g_dbus_connection_start_message_processing (connection);

  if (!g_dbus_connection_is_closed (connection))
    g_main_loop_run (loop);

  sr_signer_service_lock_all (service);
  return EXIT_SUCCESS;
}

/* sr-cli-torrent.c: `seedreel-cli torrent create|info|seed|get|stream`.
 * Every command runs a GMainLoop for the session's alerts; machine-readable
 * lines ("listen-port: N") and progress go to stderr, content to stdout. */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sr-cli-torrent.h"
#include "torrent/sr-stream-reader.h"
#include "torrent/sr-torrent-create.h"
#include "torrent/sr-torrent-info.h"
#include "torrent/sr-torrent-session.h"

typedef struct {
  GMainLoop *loop;
  SrTorrentSession *session;
  SrTorrent *torrent;
  int status;
  gboolean port_printed;
  gboolean quiet;
  gboolean stop_when_done;
  guint progress_timer;
} Cli;

/* Options shared by seed, get and stream. */
static char *opt_listen;
static char **opt_peers;
static char *opt_output;
static char *opt_state_dir;
static int opt_upload_limit;
static int opt_download_limit;
static gboolean opt_quiet;

static GOptionEntry session_entries[] = {
  { "listen", 'l', 0, G_OPTION_ARG_STRING, &opt_listen, N_("Listen on ADDRESS:PORT (port 0 picks a free one); loopback turns off DHT, LSD, UPnP, NAT-PMP and uTP"), N_("ADDRESS:PORT") },
  { "peer", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &opt_peers, N_("Connect to this peer (repeatable)"), N_("IP:PORT") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("Download into this folder"), N_("DIR") },
  { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_state_dir, N_("Keep resume data in this folder"), N_("DIR") },
  { "upload-limit", 0, 0, G_OPTION_ARG_INT, &opt_upload_limit, N_("Cap this torrent’s upload rate"), N_("KIB_PER_S") },
  { "download-limit", 0, 0, G_OPTION_ARG_INT, &opt_download_limit, N_("Cap this torrent’s download rate"), N_("KIB_PER_S") },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("No progress lines"), NULL },
  { NULL }
};

static gboolean
parse_options (const char *parameter, const char *summary, GOptionEntry *extra,
               gboolean with_session, int *argc, char ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (extra != NULL)
    g_option_context_add_main_entries (context, extra, GETTEXT_PACKAGE);
  if (with_session)
    g_option_context_add_main_entries (context, session_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
print_bytes (FILE *out, guint64 n)
{
  g_autofree char *s = g_format_size (n);
  fputs (s, out);
}

/* ---- session plumbing ---- */

static void
on_listen_port (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  Cli *cli = user_data;
  guint port = sr_torrent_session_get_listen_port (cli->session);

  if (port != 0 && !cli->port_printed)
    {
      cli->port_printed = TRUE;
      g_printerr ("listen-port: %u\n", port);
    }
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Cli *cli = user_data;

  g_main_loop_quit (cli->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
open_session (Cli *cli, GError **error)
{
  SrTorrentSessionOptions o;
  gboolean loopback = opt_listen != NULL && g_str_has_prefix (opt_listen, "127.");
  g_autofree char *outgoing = NULL;

  if (loopback)
    sr_torrent_session_options_init_loopback (&o);
  else
    {
      memset (&o, 0, sizeof o);
      o.enable_dht = o.enable_lsd = o.enable_upnp = o.enable_natpmp = o.enable_utp = TRUE;
    }
  if (opt_listen != NULL)
    o.listen_interfaces = opt_listen;
  /* On loopback, dial from the address we listen on, so that several
   * clients on one machine look like different hosts to their peers. */
  if (loopback)
    {
      outgoing = g_strndup (opt_listen, strcspn (opt_listen, ":"));
      o.outgoing_interfaces = outgoing;
    }
  o.state_dir = opt_state_dir;
  o.download_dir = opt_output;

  cli->loop = g_main_loop_new (NULL, FALSE);
  cli->session = sr_torrent_session_new (&o, error);
  if (cli->session == NULL)
    return FALSE;
  g_signal_connect (cli->session, "notify::listen-port", G_CALLBACK (on_listen_port), cli);
  on_listen_port (NULL, NULL, cli);
  g_unix_signal_add (SIGINT, on_quit_signal, cli);
  g_unix_signal_add (SIGTERM, on_quit_signal, cli);
  return TRUE;
}

static void
on_shutdown (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!sr_torrent_session_shutdown_finish (SR_TORRENT_SESSION (source), result, &error))
    g_printerr ("%s\n", error->message);
  g_main_loop_quit (cli->loop);
}

static void
close_session (Cli *cli)
{
  g_clear_handle_id (&cli->progress_timer, g_source_remove);
  if (cli->session != NULL)
    {
      sr_torrent_session_shutdown_async (cli->session, NULL, on_shutdown, cli);
      g_main_loop_run (cli->loop);
    }
  g_clear_object (&cli->torrent);
  g_clear_object (&cli->session);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
}

static gboolean
on_progress_timer (gpointer user_data)
{
  Cli *cli = user_data;
  SrTorrent *t = cli->torrent;
  g_autoptr(GEnumClass) states = g_type_class_ref (SR_TYPE_TORRENT_STATE);
  GEnumValue *state = g_enum_get_value (states, sr_torrent_get_state (t));

  if (!cli->quiet)
    {
      g_printerr ("progress: %.1f%% state %s, down %d KiB/s, up %d KiB/s, peers %d, ",
                  sr_torrent_get_progress (t) * 100.0, state ? state->value_nick : "?",
                  sr_torrent_get_download_rate (t) / 1024, sr_torrent_get_upload_rate (t) / 1024,
                  sr_torrent_get_peers (t));
      print_bytes (stderr, sr_torrent_get_total_done (t));
      g_printerr (" of ");
      print_bytes (stderr, sr_torrent_get_total_wanted (t));
      g_printerr ("\n");
    }
  return G_SOURCE_CONTINUE;
}

static void
on_torrent_error (SrTorrent *torrent, const GError *error, gpointer user_data)
{
  g_printerr ("error: %s\n", error->message);
}

static void
on_finished (SrTorrent *torrent, gpointer user_data)
{
  Cli *cli = user_data;

  if (!cli->quiet)
    g_printerr ("finished: %s\n", sr_torrent_get_name (torrent));
  if (cli->stop_when_done)
    g_main_loop_quit (cli->loop);
}

static gboolean
is_hex_hash (const char *s)
{
  if (strlen (s) != 40)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static gboolean
add_torrent (Cli *cli, const char *source, const char *save_path, SrTorrentAddFlags flags, GError **error)
{
  SrTorrentAddOptions o = { 0 };
  g_autoptr(GBytes) bytes = NULL;

  if (g_str_has_prefix (source, "magnet:"))
    o.magnet = source;
  else if (is_hex_hash (source) && !g_file_test (source, G_FILE_TEST_EXISTS))
    o.info_hash = source;
  else
    {
      g_autofree char *contents = NULL;
      gsize len;

      if (!g_file_get_contents (source, &contents, &len, error))
        return FALSE;
      bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      o.torrent = bytes;
    }
  o.save_path = save_path;
  o.peers = (const char *const *) opt_peers;
  o.flags = flags;
  o.upload_limit = opt_upload_limit * 1024;
  o.download_limit = opt_download_limit * 1024;

  cli->torrent = sr_torrent_session_add (cli->session, &o, error);
  if (cli->torrent == NULL)
    return FALSE;
  g_signal_connect (cli->torrent, "error", G_CALLBACK (on_torrent_error), cli);
  g_signal_connect (cli->torrent, "finished", G_CALLBACK (on_finished), cli);
  cli->quiet = opt_quiet;
  cli->progress_timer = g_timeout_add_seconds (1, on_progress_timer, cli);
  return TRUE;
}

/* ---- create ---- */

static void
on_create_progress (guint done, guint total, gpointer user_data)
{
  g_printerr ("hashing: %u/%u pieces\n", done, total);
}

typedef struct {
  GBytes *bytes;
  gboolean done;
} Created;

static void
on_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Created *created = user_data;
  g_autoptr(GError) error = NULL;

  created->bytes = sr_torrent_create_finish (result, &error);
  created->done = TRUE;
  if (created->bytes == NULL)
    g_printerr ("%s\n", error->message);
}

static int
cmd_create (int argc, char **argv)
{
  gboolean v1_only = FALSE;
  g_autofree char *output = NULL;
  g_auto(GStrv) trackers = NULL;
  GOptionEntry entries[] = {
    { "v1-only", 0, 0, G_OPTION_ARG_NONE, &v1_only, N_("A BitTorrent v1 torrent, for older clients (default: v1+v2 hybrid)"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the .torrent here (default: NAME.torrent)"), N_("FILE") },
    { "tracker", 't', 0, G_OPTION_ARG_STRING_ARRAY, &trackers, N_("Announce to this tracker (repeatable)"), N_("URL") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("No progress lines"), NULL },
    { NULL }
  };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTorrentInfo) info = NULL;
  Created created = { 0 };

  if (!parse_options (_("FILE|FOLDER"), _("Create a .torrent"), entries, FALSE, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      g_printerr ("%s\n", _("create needs one file or folder"));
      return 2;
    }

  sr_torrent_create_async (argv[1], v1_only ? SR_TORRENT_CREATE_V1_ONLY : SR_TORRENT_CREATE_NONE,
                           (const char *const *) trackers, opt_quiet ? NULL : on_create_progress, NULL, NULL, on_created, &created);
  while (!created.done)
    g_main_context_iteration (NULL, TRUE);
  if (created.bytes == NULL)
    return 1;
  bytes = created.bytes;

  info = sr_torrent_info_new_from_bytes (bytes, &error);
  if (info == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (output == NULL)
    output = g_strconcat (info->name, ".torrent", NULL);
  if (!g_file_set_contents (output, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("%s\n", info->info_hash);
  g_printerr ("created: %s\n", output);
  return 0;
}

/* ---- info ---- */

static int
cmd_info (int argc, char **argv)
{
  g_autoptr(SrTorrentInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_options (_("TORRENT|MAGNET"), _("Show what a torrent holds"), NULL, FALSE, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      g_printerr ("%s\n", _("info needs one .torrent file or magnet link"));
      return 2;
    }

  if (g_str_has_prefix (argv[1], "magnet:"))
    info = sr_torrent_info_new_from_magnet (argv[1], &error);
  else
    {
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_get_contents (argv[1], &contents, &len, &error))
        {
          g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
          info = sr_torrent_info_new_from_bytes (bytes, &error);
        }
    }
  if (info == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_print ("name: %s\n", info->name ? info->name : "");
  g_print ("info-hash: %s\n", info->info_hash);
  if (info->info_hash_v2 != NULL)
    g_print ("info-hash-v2: %s\n", info->info_hash_v2);
  if (info->has_metadata)
    {
      g_print ("size: %" G_GUINT64_FORMAT "\n", info->total_size);
      g_print ("piece-length: %u\n", info->piece_length);
      g_print ("pieces: %u\n", info->n_pieces);
      for (guint i = 0; i < info->files->len; i++)
        g_print ("file %u: %s (%" G_GUINT64_FORMAT " bytes)\n", i,
                 (char *) g_ptr_array_index (info->files, i),
                 g_array_index (info->file_sizes, guint64, i));
    }
  return 0;
}

/* ---- seed ---- */

static int
cmd_seed (int argc, char **argv)
{
  Cli cli = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = NULL;

  if (!parse_options (_("TORRENT FILE|FOLDER"), _("Seed a torrent whose data is complete on disk"),
                      NULL, TRUE, &argc, &argv))
    return 2;
  if (argc != 3)
    {
      g_printerr ("%s\n", _("seed needs a .torrent file and the file or folder it describes"));
      return 2;
    }

  parent = g_path_get_dirname (argv[2]);
  if (!open_session (&cli, &error)
      || !add_torrent (&cli, argv[1], parent, SR_TORRENT_ADD_SEED_MODE, &error))
    {
      g_printerr ("%s\n", error->message);
      close_session (&cli);
      return 1;
    }
  g_printerr ("seeding: %s\n", sr_torrent_get_info_hash (cli.torrent));
  g_main_loop_run (cli.loop);
  close_session (&cli);
  return 0;
}

/* ---- get ---- */

static int
cmd_get (int argc, char **argv)
{
  Cli cli = { 0 };
  g_autoptr(GError) error = NULL;

  if (!parse_options (_("TORRENT|MAGNET|INFOHASH"), _("Download a torrent (-o picks the folder)"),
                      NULL, TRUE, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      g_printerr ("%s\n", _("get needs one .torrent file, magnet link or info-hash"));
      return 2;
    }
  if (opt_output == NULL)
    opt_output = g_strdup (".");

  if (!open_session (&cli, &error) || !add_torrent (&cli, argv[1], opt_output, SR_TORRENT_ADD_NONE, &error))
    {
      g_printerr ("%s\n", error->message);
      close_session (&cli);
      return 1;
    }
  cli.stop_when_done = TRUE;
  if (sr_torrent_get_state (cli.torrent) != SR_TORRENT_STATE_SEEDING)
    g_main_loop_run (cli.loop);
  cli.status = sr_torrent_get_progress (cli.torrent) >= 1.0 ? 0 : 1;
  close_session (&cli);
  return cli.status;
}

/* ---- stream ---- */

typedef struct {
  Cli *cli;
  SrStreamReader *reader;
  guint64 offset;
  GCancellable *cancellable;
  GError *error;
  gint64 started;        /* monotonic µs, when the reader was opened */
  gint64 first_byte;     /* when the first bytes were written */
  gint64 first_mib;      /* when the first MiB was written */
  guint64 written;
} StreamJob;

static gboolean
stream_done_idle (gpointer user_data)
{
  StreamJob *job = user_data;

  g_main_loop_quit (job->cli->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
stream_thread (gpointer user_data)
{
  StreamJob *job = user_data;
  g_autofree char *buffer = g_malloc (256 * 1024);
  guint64 offset = job->offset;

  for (;;)
    {
      gssize n = sr_stream_reader_read (job->reader, offset, buffer, 256 * 1024,
                                        job->cancellable, &job->error);
      gssize written = 0;

      if (n <= 0)
        break;
      while (written < n)
        {
          ssize_t w = write (STDOUT_FILENO, buffer + written, (size_t) (n - written));
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              int saved = errno;
              g_set_error (&job->error, G_IO_ERROR, g_io_error_from_errno (saved),
                           _("Could not write to the output: %s"), g_strerror (saved));
              break;
            }
          written += w;
        }
      if (job->error != NULL)
        break;
      offset += (guint64) n;
      job->written += (guint64) n;
      if (job->first_byte == 0)
        job->first_byte = g_get_monotonic_time ();
      if (job->first_mib == 0 && job->written >= 1024 * 1024)
        job->first_mib = g_get_monotonic_time ();
    }
  /* Timings for benchmarks, in a line scripts can parse. */
  if (job->first_byte != 0)
    g_printerr ("stream-timing: first-byte %.3f s, first-mib %.3f s, %" G_GUINT64_FORMAT " bytes in %.3f s\n",
                (job->first_byte - job->started) / 1e6,
                job->first_mib ? (job->first_mib - job->started) / 1e6 : -1.0,
                job->written, (g_get_monotonic_time () - job->started) / 1e6);
  g_idle_add (stream_done_idle, job);
  return NULL;
}

static void
on_metadata (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  StreamJob *job = user_data;

  if (sr_torrent_get_has_metadata (job->cli->torrent))
    g_main_loop_quit (job->cli->loop);
}

static int
cmd_stream (int argc, char **argv)
{
  Cli cli = { 0 };
  StreamJob job = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 offset = 0;
  GOptionEntry entries[] = {
    { "offset", 0, 0, G_OPTION_ARG_INT64, &offset, N_("Start at this byte of the file"), N_("N") },
    { NULL }
  };
  GThread *thread;
  guint64 index;
  int status;

  if (!parse_options (_("TORRENT|MAGNET|INFOHASH FILE_INDEX"),
                      _("Write one file of a torrent to standard output as it downloads"),
                      entries, TRUE, &argc, &argv))
    return 2;
  if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 0, G_MAXUINT, &index, NULL) || offset < 0)
    {
      g_printerr ("%s\n", _("stream needs a torrent and a file number (see `info`)"));
      return 2;
    }
  if (opt_output == NULL)
    opt_output = g_build_filename (g_get_user_cache_dir (), "seedreel", "stream", NULL);

  if (!open_session (&cli, &error)
      || !add_torrent (&cli, argv[1], opt_output, SR_TORRENT_ADD_SEQUENTIAL, &error))
    {
      g_printerr ("%s\n", error->message);
      close_session (&cli);
      return 1;
    }

  job.cli = &cli;
  if (!sr_torrent_get_has_metadata (cli.torrent))
    {
      gulong id = g_signal_connect (cli.torrent, "notify::has-metadata", G_CALLBACK (on_metadata), &job);
      g_main_loop_run (cli.loop);
      g_signal_handler_disconnect (cli.torrent, id);
    }
  if (!sr_torrent_get_has_metadata (cli.torrent))
    {
      close_session (&cli);
      return 1;
    }

  job.reader = sr_stream_reader_new (cli.torrent, (guint) index, &error);
  if (job.reader == NULL)
    {
      g_printerr ("%s\n", error->message);
      close_session (&cli);
      return 1;
    }
  job.offset = (guint64) offset;
  job.cancellable = g_cancellable_new ();
  job.started = g_get_monotonic_time ();
  thread = g_thread_new ("stream", stream_thread, &job);
  g_main_loop_run (cli.loop);
  /* Interrupted by a signal: stop the reader before it is torn down. */
  g_cancellable_cancel (job.cancellable);
  g_thread_join (thread);
  /* The thread's idle may not have run yet; it only quits the loop. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  status = 0;
  if (job.error != NULL)
    {
      if (!g_error_matches (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr ("%s\n", job.error->message);
          status = 1;
        }
      else
        status = 130;
      g_clear_error (&job.error);
    }
  g_clear_object (&job.reader);
  g_clear_object (&job.cancellable);
  close_session (&cli);
  return status;
}

int
sr_cli_torrent_main (int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*func) (int, char **);
  } commands[] = {
    { "create", cmd_create },
    { "info", cmd_info },
    { "seed", cmd_seed },
    { "get", cmd_get },
    { "stream", cmd_stream },
  };

  if (argc >= 2)
    for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
      if (strcmp (argv[1], commands[i].name) == 0)
        return commands[i].func (argc - 1, argv + 1);

  g_printerr ("%s\n", _("Usage: seedreel-cli torrent create|info|seed|get|stream [--help]"));
  return 2;
}

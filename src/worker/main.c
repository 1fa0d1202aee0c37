/* main.c: seedreel-transcoder, the transcoding worker. Serves the worker API
 * (DESIGN.md, "Transcoding worker API") until SIGTERM or SIGINT, then stops
 * accepting, cancels running encodes, records them and exits 0.
 *
 * The key file given with --config has one group, [worker]:
 *   listen=127.0.0.1:8470
 *   access-tokens=token-one;token-two;
 *   concurrency=1
 *   max-source-size=8589934592   (bytes; larger sources get 413)
 *   disk-quota=68719476736       (bytes across all jobs; new jobs get 507)
 *   price=0.25 SRT per minute
 *   speed-preset=veryfast        (x264)
 * Command-line options override it. */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <gst/gst.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transcode/sr-worker-server.h"

#define CONFIG_GROUP "worker"
#define SHUTDOWN_GRACE_SECONDS 10

typedef struct
{
  GMainLoop      *loop;
  SrWorkerServer *server;
  gint64          deadline;
} Worker;

static gboolean
wait_for_jobs (gpointer user_data)
{
  Worker *w = user_data;

  if (sr_worker_server_get_n_running (w->server) == 0 || g_get_monotonic_time () > w->deadline)
    {
      g_main_loop_quit (w->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer user_data)
{
  Worker *w = user_data;

  if (w->deadline == 0)
    {
      w->deadline = g_get_monotonic_time () + SHUTDOWN_GRACE_SECONDS * G_USEC_PER_SEC;
      sr_worker_server_shutdown (w->server);
      g_timeout_add (50, wait_for_jobs, w);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_listen (const gchar  *listen,
              gchar       **host,
              guint        *port,
              GError      **error)
{
  const gchar *colon = strrchr (listen, ':');
  guint64 p = 0;

  if (colon == NULL || colon == listen ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &p, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--listen needs ADDRESS:PORT, for example 127.0.0.1:8470; got “%s”."), listen);
      return FALSE;
    }
  *host = g_strndup (listen, colon - listen);
  if (**host == '[')
    {
      gchar *inner = g_strndup (*host + 1, strlen (*host) - 2);
      g_free (*host);
      *host = inner;
    }
  *port = (guint) p;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree gchar *listen = NULL;
  g_autofree gchar *state_dir = NULL;
  g_autofree gchar *config_path = NULL;
  g_autofree gchar *price = NULL;
  g_autofree gchar *preset = NULL;
  g_auto(GStrv) tokens = NULL;
  gint jobs = 0;
  gint64 max_size = 0, quota = 0;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *host = NULL;
  guint port = 8470;
  g_autoptr(SrWorkerServer) server = NULL;
  Worker w = { 0 };
  GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen, N_("Address and port to serve on (port 0 picks one)"), "ADDRESS:PORT" },
    { "state-dir", 's', 0, G_OPTION_ARG_FILENAME, &state_dir, N_("Folder for jobs, sources and outputs"), "DIR" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, N_("Key file with the worker's settings"), "FILE" },
    { "access-token", 't', 0, G_OPTION_ARG_STRING_ARRAY, &tokens, N_("Access token clients must present (repeatable)"), "TOKEN" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, N_("Jobs encoded at the same time"), "N" },
    { "max-source-size", 0, 0, G_OPTION_ARG_INT64, &max_size, N_("Largest source accepted, in bytes"), "BYTES" },
    { "disk-quota", 0, 0, G_OPTION_ARG_INT64, &quota, N_("Bytes all jobs may use together"), "BYTES" },
    { "price", 0, 0, G_OPTION_ARG_STRING, &price, N_("Price shown to clients"), "PRICE" },
    { "speed-preset", 0, 0, G_OPTION_ARG_STRING, &preset, N_("x264 speed preset (e.g. ultrafast, veryfast)"), "PRESET" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  ctx = g_option_context_new (_("— Seedreel transcoding worker"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("seedreel-transcoder: %s\n", error->message);
      return 2;
    }

  if (state_dir == NULL)
    state_dir = g_build_filename (g_get_user_state_dir (), "seedreel-transcoder", NULL);
  server = sr_worker_server_new (state_dir);

  if (config_path != NULL)
    {
      g_autoptr(GKeyFile) kf = g_key_file_new ();
      g_auto(GStrv) kf_tokens = NULL;

      if (!g_key_file_load_from_file (kf, config_path, G_KEY_FILE_NONE, &error))
        {
          g_printerr (_("seedreel-transcoder: cannot read %s: %s\n"), config_path, error->message);
          return 2;
        }
      kf_tokens = g_key_file_get_string_list (kf, CONFIG_GROUP, "access-tokens", NULL, NULL);
      for (guint i = 0; kf_tokens != NULL && kf_tokens[i]; i++)
        sr_worker_server_add_access_token (server, g_strstrip (kf_tokens[i]));
      if (g_key_file_has_key (kf, CONFIG_GROUP, "concurrency", NULL))
        sr_worker_server_set_concurrency (server, (guint) MAX (1, g_key_file_get_integer (kf, CONFIG_GROUP, "concurrency", NULL)));
      if (g_key_file_has_key (kf, CONFIG_GROUP, "max-source-size", NULL))
        sr_worker_server_set_max_source_size (server, g_key_file_get_uint64 (kf, CONFIG_GROUP, "max-source-size", NULL));
      if (g_key_file_has_key (kf, CONFIG_GROUP, "disk-quota", NULL))
        sr_worker_server_set_disk_quota (server, g_key_file_get_uint64 (kf, CONFIG_GROUP, "disk-quota", NULL));
      if (g_key_file_has_key (kf, CONFIG_GROUP, "price", NULL))
        {
          g_autofree gchar *p = g_key_file_get_string (kf, CONFIG_GROUP, "price", NULL);
          sr_worker_server_set_price (server, p);
        }
      if (g_key_file_has_key (kf, CONFIG_GROUP, "speed-preset", NULL))
        {
          g_autofree gchar *p = g_key_file_get_string (kf, CONFIG_GROUP, "speed-preset", NULL);
          sr_worker_server_set_speed_preset (server, p);
        }
      if (listen == NULL)
        listen = g_key_file_get_string (kf, CONFIG_GROUP, "listen", NULL);
    }

  /* Options override the key file. */
  for (guint i = 0; tokens != NULL && tokens[i]; i++)
    sr_worker_server_add_access_token (server, tokens[i]);
  if (jobs > 0)
    sr_worker_server_set_concurrency (server, (guint) jobs);
  if (max_size > 0)
    sr_worker_server_set_max_source_size (server, (guint64) max_size);
  if (quota > 0)
    sr_worker_server_set_disk_quota (server, (guint64) quota);
  if (price != NULL)
    sr_worker_server_set_price (server, price);
  if (preset != NULL)
    sr_worker_server_set_speed_preset (server, preset);

  if (listen == NULL)
    listen = g_strdup ("127.0.0.1:8470");
  if (!parse_listen (listen, &host, &port, &error) ||
      !sr_worker_server_start (server, host, port, &error))
    {
      g_printerr ("seedreel-transcoder: %s\n", error->message);
      return 1;
    }

  /* Tests and supervisors parse this line to learn the chosen port. */
  if (strchr (host, ':') != NULL)
    g_print ("listening on http://[%s]:%u\n", host, sr_worker_server_get_port (server));
  else
    g_print ("listening on http://%s:%u\n", host, sr_worker_server_get_port (server));
  fflush (stdout);

  w.loop = g_main_loop_new (NULL, FALSE);
  w.server = server;
  g_unix_signal_add (SIGTERM, on_signal, &w);
  g_unix_signal_add (SIGINT, on_signal, &w);
  g_main_loop_run (w.loop);
  g_main_loop_unref (w.loop);
  return 0;
}

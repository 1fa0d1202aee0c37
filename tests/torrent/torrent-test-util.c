/* torrent-test-util.c: see torrent-test-util.h. */

#include <glib/gstdio.h>
#include <string.h>

#include "torrent-test-util.h"
#include "torrent/sr-torrent-create.h"

char *
test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("seedreel-torrent-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
test_remove_dir (const char *path)
{
  g_autoptr(GSubprocess) rm = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, NULL, "rm", "-rf", path, NULL);

  if (rm != NULL)
    g_subprocess_wait (rm, NULL, NULL);
}

GBytes *
test_write_random_file (const char *path, gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  guint32 *data = g_malloc (size + 4);

  for (gsize i = 0; i < size / 4 + 1; i++)
    data[i] = g_random_int ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, (const char *) data, (gssize) size, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

gboolean
test_wait_until (TestCondition condition, gpointer user_data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      test_iterate (20);
    }
  return TRUE;
}

static gboolean
on_tick (gpointer user_data)
{
  gboolean *done = user_data;
  *done = TRUE;
  return G_SOURCE_REMOVE;
}

void
test_iterate (guint ms)
{
  gboolean done = FALSE;
  guint id = g_timeout_add (ms, on_tick, &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  (void) id;
}

GBytes *
test_create_torrent (const char *path, gboolean v1_only)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = sr_torrent_create_sync (path, v1_only ? SR_TORRENT_CREATE_V1_ONLY : SR_TORRENT_CREATE_NONE,
                                          NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

char *
test_write_torrent (const char *dir, GBytes *torrent)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "test.torrent", NULL);

  g_file_set_contents (path, g_bytes_get_data (torrent, NULL), (gssize) g_bytes_get_size (torrent), &error);
  g_assert_no_error (error);
  return path;
}

/* `seedreel-cli torrent seed` in its own process; returns once it listens. */
GSubprocess *
test_spawn_seeder (const char *torrent_path, const char *content_path, int upload_limit_kib, guint *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDataInputStream) err = NULL;
  GSubprocess *proc;

  g_ptr_array_add (args, g_strdup (SEEDREEL_CLI));
  g_ptr_array_add (args, g_strdup ("torrent"));
  g_ptr_array_add (args, g_strdup ("seed"));
  g_ptr_array_add (args, g_strdup ("-q"));
  g_ptr_array_add (args, g_strdup ("--listen=127.0.0.1:0"));
  if (upload_limit_kib > 0)
    g_ptr_array_add (args, g_strdup_printf ("--upload-limit=%d", upload_limit_kib));
  g_ptr_array_add (args, g_strdup (torrent_path));
  g_ptr_array_add (args, g_strdup (content_path));
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char *const *) args->pdata, G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);

  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  /* Closing the pipe would kill the seeder with SIGPIPE on its next line. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (err), FALSE);
  *port = 0;
  while (*port == 0)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);  /* the seeder died before it listened */
      if (g_str_has_prefix (line, "listen-port: "))
        *port = (guint) g_ascii_strtoull (line + strlen ("listen-port: "), NULL, 10);
    }
  g_assert_cmpuint (*port, >, 0);
  return proc;
}

SrTorrentSession *
test_loopback_session (const char *state_dir, const char *download_dir)
{
  g_autoptr(GError) error = NULL;
  SrTorrentSessionOptions o;
  SrTorrentSession *session;

  sr_torrent_session_options_init_loopback (&o);
  o.state_dir = state_dir;
  o.download_dir = download_dir;
  session = sr_torrent_session_new (&o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

static void
on_shutdown (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean *done = user_data;

  g_assert_true (sr_torrent_session_shutdown_finish (SR_TORRENT_SESSION (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
is_true (gpointer user_data)
{
  return *(gboolean *) user_data;
}

void
test_shutdown_session (SrTorrentSession *session)
{
  gboolean done = FALSE;

  sr_torrent_session_shutdown_async (session, NULL, on_shutdown, &done);
  g_assert_true (test_wait_until (is_true, &done, 10000));
}

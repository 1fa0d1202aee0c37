/* test-torrent-cli.c: `seedreel-cli torrent` end to end, seeder and leecher
 * in separate processes over loopback TCP: every streamed byte equals the
 * source, from the start and from an offset. */

#include <signal.h>
#include <string.h>

#include "torrent-test-util.h"

static char *
run_cli (int expected_status, GBytes **stdout_bytes, const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  va_list ap;

  g_ptr_array_add (args, (char *) SEEDREEL_CLI);
  g_ptr_array_add (args, (char *) "torrent");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char *const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (proc) != expected_status)
    g_error ("seedreel-cli torrent %s exited with %d: %.*s", first, g_subprocess_get_exit_status (proc),
             (int) g_bytes_get_size (err), (const char *) g_bytes_get_data (err, NULL));
  if (stdout_bytes != NULL)
    *stdout_bytes = g_bytes_ref (out);
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

static void
assert_bytes_equal (GBytes *got, const guint8 *expected, gsize len)
{
  g_assert_cmpuint (g_bytes_get_size (got), ==, len);
  for (gsize i = 0; i < len; i++)
    if (((const guint8 *) g_bytes_get_data (got, NULL))[i] != expected[i])
      g_error ("byte %zu differs", i);
}

static void
test_create_info (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *src = g_build_filename (dir, "clip.mp4", NULL);
  g_autofree char *hybrid = g_build_filename (dir, "hybrid.torrent", NULL);
  g_autofree char *v1 = g_build_filename (dir, "v1.torrent", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.torrent", NULL);
  g_autoptr(GBytes) data = test_write_random_file (src, 1234567);
  g_autofree char *hash = NULL;
  g_autofree char *info = NULL;
  g_autofree char *info_v1 = NULL;
  g_autofree char *out = NULL;

  hash = run_cli (0, NULL, "create", "-q", "-o", hybrid, src, NULL);
  g_strchomp (hash);
  g_assert_cmpuint (strlen (hash), ==, 40);
  out = run_cli (0, NULL, "create", "-q", "--v1-only", "-o", v1, src, NULL);
  g_assert_cmpstr (g_strchomp (out), !=, hash);

  info = run_cli (0, NULL, "info", hybrid, NULL);
  g_assert_nonnull (strstr (info, "name: clip.mp4\n"));
  g_assert_nonnull (strstr (info, hash));
  g_assert_nonnull (strstr (info, "info-hash-v2: "));
  g_assert_nonnull (strstr (info, "file 0: clip.mp4 (1234567 bytes)"));
  info_v1 = run_cli (0, NULL, "info", v1, NULL);
  g_assert_null (strstr (info_v1, "info-hash-v2: "));

  g_assert_true (g_file_set_contents (bad, "d4:infod4:name", -1, NULL));
  g_free (run_cli (1, NULL, "info", bad, NULL));
  g_free (run_cli (1, NULL, "info", "magnet:?xt=urn:btih:nothex", NULL));
  g_free (run_cli (2, NULL, "frobnicate", NULL));

  test_remove_dir (dir);
}

static void
test_stream_between_processes (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *src = g_build_filename (dir, "src", "film.mp4", NULL);
  g_autofree char *torrent_path = g_build_filename (dir, "film.torrent", NULL);
  g_autofree char *dl1 = g_build_filename (dir, "dl1", NULL);
  g_autofree char *dl2 = g_build_filename (dir, "dl2", NULL);
  g_autofree char *dl3 = g_build_filename (dir, "dl3", NULL);
  g_autofree char *got_path = g_build_filename (dl3, "film.mp4", NULL);
  g_autoptr(GBytes) data = test_write_random_file (src, 40 * 1024 * 1024 + 321);
  g_autoptr(GSubprocess) seeder = NULL;
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GBytes) tail = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *hash = NULL;
  const guint8 *src_bytes = g_bytes_get_data (data, NULL);
  gsize size = g_bytes_get_size (data);
  guint64 offset = 23456789;
  g_autofree char *offset_arg = g_strdup_printf ("--offset=%" G_GUINT64_FORMAT, offset);
  guint port;
  gint64 start;

  hash = run_cli (0, NULL, "create", "-q", "-o", torrent_path, src, NULL);
  seeder = test_spawn_seeder (torrent_path, src, 0, &port);
  peer = g_strdup_printf ("--peer=127.0.0.1:%u", port);

  start = g_get_monotonic_time ();
  g_free (run_cli (0, &whole, "stream", "-q", "--listen=127.0.0.1:0", peer, "-o", dl1,
                   torrent_path, "0", NULL));
  g_test_message ("streamed %zu bytes in %.2f s", size, (g_get_monotonic_time () - start) / 1e6);
  assert_bytes_equal (whole, src_bytes, size);

  g_free (run_cli (0, &tail, "stream", "-q", "--listen=127.0.0.1:0", peer, "-o", dl2, offset_arg,
                   torrent_path, "0", NULL));
  assert_bytes_equal (tail, src_bytes + offset, size - (gsize) offset);

  /* `get` by info-hash alone, the metadata coming from the seeder. */
  g_strchomp (hash);
  g_free (run_cli (0, NULL, "get", "-q", "--listen=127.0.0.1:0", peer, "-o", dl3, hash, NULL));
  {
    g_autofree char *contents = NULL;
    gsize len;
    g_assert_true (g_file_get_contents (got_path, &contents, &len, NULL));
    g_assert_cmpuint (len, ==, size);
    g_assert_true (memcmp (contents, src_bytes, size) == 0);
  }

  g_subprocess_send_signal (seeder, SIGTERM);
  g_subprocess_wait (seeder, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (seeder));
  g_assert_cmpint (g_subprocess_get_exit_status (seeder), ==, 0);
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/torrent/cli/create-info", test_create_info);
  g_test_add_func ("/torrent/cli/stream-between-processes", test_stream_between_processes);
  return g_test_run ();
}

/* test-torrent-interop.c: Seedreel against independent BitTorrent software
 * from Debian, on loopback: transmission-cli (v1 torrents; each client gets
 * its own 127.0.0.x, and Seedreel dials it, since it ignores loopback peers
 * from trackers) in both directions, and two Seedreel processes that find
 * each other only through opentracker. Skipped when the programs are
 * missing. */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "torrent-test-util.h"
#include "torrent/sr-torrent-create.h"
#include "torrent/sr-torrent-info.h"

static char *
find_program (const char *name)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_test_skip_printf ("%s is not installed", name);
  return path;
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static GSubprocess *
spawn (GError **error, const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return g_subprocess_newv ((const char *const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, error);
}

typedef struct {
  const char *path;
  GBytes *expected;
} FileCheck;

static gboolean
file_matches (gpointer user_data)
{
  FileCheck *c = user_data;
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (c->path, &contents, &len, NULL))
    return FALSE;
  return len == g_bytes_get_size (c->expected)
         && memcmp (contents, g_bytes_get_data (c->expected, NULL), len) == 0;
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Bounded waits, so a stuck peer fails the test instead of hanging it. */
static gboolean
has_exited (gpointer user_data)
{
  GSubprocess *proc = user_data;
  gboolean *done = g_object_get_data (G_OBJECT (proc), "done");

  if (done == NULL)
    {
      done = g_new0 (gboolean, 1);
      g_object_set_data_full (G_OBJECT (proc), "done", done, g_free);
      g_subprocess_wait_async (proc, NULL, on_exited, done);
    }
  return *done;
}

static void
stop (GSubprocess *proc)
{
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
}

static void
test_seed_to_transmission (void)
{
  g_autofree char *transmission = find_program ("transmission-cli");
  g_autofree char *dir = NULL, *src = NULL, *tr_dir = NULL, *tr_cfg = NULL, *torrent_path = NULL;
  g_autofree char *port_arg = NULL, *peer = NULL, *out = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) torrent = NULL;
  g_autoptr(GSubprocess) tr = NULL;
  g_autoptr(GSubprocess) seeder = NULL;
  g_autoptr(GError) error = NULL;
  FileCheck check;
  guint tr_port;
  gint64 start;

  if (transmission == NULL)
    return;

  dir = test_make_dir ();
  src = g_build_filename (dir, "src", "film.mp4", NULL);
  tr_dir = g_build_filename (dir, "transmission", NULL);
  tr_cfg = g_build_filename (dir, "transmission-config", NULL);
  out = g_build_filename (tr_dir, "film.mp4", NULL);
  data = test_write_random_file (src, 1024 * 1024 + 5);
  torrent = test_create_torrent (src, TRUE);  /* Transmission 3 cannot parse hybrids */
  torrent_path = test_write_torrent (dir, torrent);
  g_assert_cmpint (g_mkdir_with_parents (tr_dir, 0755), ==, 0);

  /* Transmission first: it only downloads from peers that dial it. */
  tr_port = free_port ();
  port_arg = g_strdup_printf ("%u", tr_port);
  tr = spawn (&error, transmission, "-g", tr_cfg, "-w", tr_dir, "-p", port_arg, "-M", torrent_path, NULL);
  g_assert_no_error (error);
  test_iterate (500);

  peer = g_strdup_printf ("--peer=127.0.0.1:%u", tr_port);
  start = g_get_monotonic_time ();
  seeder = spawn (&error, SEEDREEL_CLI, "torrent", "seed", "-q", "--listen=127.0.0.2:0", peer,
                  torrent_path, src, NULL);
  g_assert_no_error (error);

  check.path = out;
  check.expected = data;
  g_assert_true (test_wait_until (file_matches, &check, 40000));
  g_test_message ("transmission-cli downloaded from Seedreel in %.1f s", (g_get_monotonic_time () - start) / 1e6);

  stop (seeder);
  stop (tr);
  test_remove_dir (dir);
}

static void
test_get_from_transmission (void)
{
  g_autofree char *transmission = find_program ("transmission-cli");
  g_autofree char *dir = NULL, *src_dir = NULL, *src = NULL, *dl = NULL, *tr_cfg = NULL, *torrent_path = NULL;
  g_autofree char *port_arg = NULL, *peer = NULL, *out = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) torrent = NULL;
  g_autoptr(GSubprocess) tr = NULL;
  g_autoptr(GSubprocess) getter = NULL;
  g_autoptr(GError) error = NULL;
  guint tr_port;
  gint64 start;

  if (transmission == NULL)
    return;

  dir = test_make_dir ();
  src_dir = g_build_filename (dir, "src", NULL);
  src = g_build_filename (src_dir, "film.mp4", NULL);
  dl = g_build_filename (dir, "dl", NULL);
  tr_cfg = g_build_filename (dir, "transmission-config", NULL);
  out = g_build_filename (dl, "film.mp4", NULL);
  data = test_write_random_file (src, 1024 * 1024 + 5);
  torrent = test_create_torrent (src, TRUE);
  torrent_path = test_write_torrent (dir, torrent);

  tr_port = free_port ();
  port_arg = g_strdup_printf ("%u", tr_port);
  /* -v: Transmission seeds existing data only after verifying it. */
  tr = spawn (&error, transmission, "-g", tr_cfg, "-v", "-w", src_dir, "-p", port_arg, "-M", torrent_path, NULL);
  g_assert_no_error (error);
  test_iterate (1000);

  peer = g_strdup_printf ("--peer=127.0.0.1:%u", tr_port);
  start = g_get_monotonic_time ();
  getter = spawn (&error, SEEDREEL_CLI, "torrent", "get", "-q", "--listen=127.0.0.3:0", peer,
                  "-o", dl, torrent_path, NULL);
  g_assert_no_error (error);
  g_assert_true (test_wait_until (has_exited, getter, 50000));
  g_assert_true (g_subprocess_get_if_exited (getter));
  g_assert_cmpint (g_subprocess_get_exit_status (getter), ==, 0);
  g_test_message ("Seedreel downloaded from transmission-cli in %.1f s", (g_get_monotonic_time () - start) / 1e6);
  {
    FileCheck check = { out, data };
    g_assert_true (file_matches (&check));
  }

  stop (tr);
  test_remove_dir (dir);
}

static void
test_through_opentracker (void)
{
  g_autofree char *opentracker = find_program ("opentracker");
  g_autofree char *dir = NULL, *src = NULL, *dl = NULL, *ot_dir = NULL, *whitelist = NULL;
  g_autofree char *torrent_path = NULL, *out = NULL, *port_arg = NULL, *announce = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) torrent = NULL;
  g_autoptr(GSubprocess) tracker = NULL;
  g_autoptr(GSubprocess) seeder = NULL;
  g_autoptr(GSubprocess) getter = NULL;
  g_autoptr(SrTorrentInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  const char *trackers[2] = { NULL, NULL };
  GString *list;
  guint port;

  if (opentracker == NULL)
    return;

  dir = test_make_dir ();
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);  /* opentracker drops to nobody */
  src = g_build_filename (dir, "src", "film.mp4", NULL);
  dl = g_build_filename (dir, "dl", NULL);
  ot_dir = g_build_filename (dir, "tracker", NULL);
  whitelist = g_build_filename (ot_dir, "whitelist", NULL);
  out = g_build_filename (dl, "film.mp4", NULL);
  data = test_write_random_file (src, 5 * 1024 * 1024);

  port = free_port ();
  announce = g_strdup_printf ("http://127.0.0.1:%u/announce", port);
  trackers[0] = announce;
  torrent = sr_torrent_create_sync (src, SR_TORRENT_CREATE_NONE, trackers, NULL, &error);
  g_assert_no_error (error);
  torrent_path = test_write_torrent (dir, torrent);

  /* Debian's opentracker refuses every hash not on its whitelist; a hybrid
   * announces both its v1 hash and its truncated v2 hash. */
  info = sr_torrent_info_new_from_bytes (torrent, &error);
  g_assert_no_error (error);
  list = g_string_new (NULL);
  g_string_append_printf (list, "%s\n%.40s\n", info->info_hash, info->info_hash_v2);
  g_assert_cmpint (g_mkdir_with_parents (ot_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (whitelist, list->str, -1, NULL));
  g_assert_cmpint (g_chmod (whitelist, 0644), ==, 0);
  g_string_free (list, TRUE);

  port_arg = g_strdup_printf ("%u", port);
  tracker = spawn (&error, opentracker, "-i", "127.0.0.1", "-p", port_arg, "-P", port_arg,
                   "-d", ot_dir, "-w", "whitelist", NULL);
  g_assert_no_error (error);
  test_iterate (300);

  /* No --peer anywhere: the tracker is the only way to meet. */
  seeder = spawn (&error, SEEDREEL_CLI, "torrent", "seed", "-q", "--listen=127.0.0.4:0", torrent_path, src, NULL);
  g_assert_no_error (error);
  test_iterate (500);
  getter = spawn (&error, SEEDREEL_CLI, "torrent", "get", "-q", "--listen=127.0.0.5:0", "-o", dl, torrent_path, NULL);
  g_assert_no_error (error);
  g_assert_true (test_wait_until (has_exited, getter, 30000));
  g_assert_true (g_subprocess_get_if_exited (getter));
  g_assert_cmpint (g_subprocess_get_exit_status (getter), ==, 0);
  {
    FileCheck check = { out, data };
    g_assert_true (file_matches (&check));
  }

  stop (seeder);
  stop (tracker);
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/torrent/interop/seed-to-transmission", test_seed_to_transmission);
  g_test_add_func ("/torrent/interop/get-from-transmission", test_get_from_transmission);
  g_test_add_func ("/torrent/interop/through-opentracker", test_through_opentracker);
  return g_test_run ();
}

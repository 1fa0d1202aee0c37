/* test-torrent-diskfull.c: a full disk pauses the torrent with a visible
 * error; once space is freed, resuming finishes the download intact. Needs
 * a small tmpfs, so it runs only where mounting is allowed (root). */

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "torrent-test-util.h"

typedef struct {
  SrTorrent *torrent;
  GError *error;
} ErrorWatch;

static void
on_error (SrTorrent *torrent, const GError *error, gpointer user_data)
{
  ErrorWatch *w = user_data;

  if (w->error == NULL)
    w->error = g_error_copy (error);
}

static gboolean
got_error (gpointer user_data)
{
  ErrorWatch *w = user_data;

  return w->error != NULL && sr_torrent_get_state (w->torrent) == SR_TORRENT_STATE_ERROR;
}

static gboolean
is_complete (gpointer user_data)
{
  return sr_torrent_get_progress (user_data) >= 1.0
         && sr_torrent_get_state (user_data) == SR_TORRENT_STATE_SEEDING;
}

static void
test_disk_full (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *src = g_build_filename (dir, "src", "film.mp4", NULL);
  g_autofree char *small = g_build_filename (dir, "small", NULL);
  g_autofree char *out = g_build_filename (small, "film.mp4", NULL);
  g_autoptr(GBytes) data = test_write_random_file (src, 12 * 1024 * 1024);
  g_autoptr(GBytes) torrent = test_create_torrent (src, FALSE);
  g_autoptr(SrTorrentSession) sa = NULL;
  g_autoptr(SrTorrentSession) sb = NULL;
  g_autoptr(SrTorrent) ta = NULL;
  g_autoptr(SrTorrent) tb = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  const char *peers[2] = { NULL, NULL };
  SrTorrentAddOptions o = { 0 };
  ErrorWatch w = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (small, 0755), ==, 0);
  if (mount ("tmpfs", small, "tmpfs", 0, "size=4m") != 0)
    {
      g_test_skip_printf ("cannot mount a small tmpfs: %s", g_strerror (errno));
      test_remove_dir (dir);
      return;
    }

  sa = test_loopback_session (NULL, dir);
  sb = test_loopback_session (NULL, small);
  ta = sr_torrent_session_add_seed (sa, torrent, src, &error);
  g_assert_no_error (error);
  peer = g_strdup_printf ("127.0.0.1:%u", sr_torrent_session_get_listen_port (sa));
  peers[0] = peer;
  o.torrent = torrent;
  o.peers = peers;
  tb = sr_torrent_session_add (sb, &o, &error);
  g_assert_no_error (error);

  w.torrent = tb;
  g_signal_connect (tb, "error", G_CALLBACK (on_error), &w);
  g_assert_true (test_wait_until (got_error, &w, 60000));
  g_assert_error (w.error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_DISK_FULL);
  g_assert_cmpstr (sr_torrent_get_error_message (tb), ==, w.error->message);
  g_assert_cmpfloat (sr_torrent_get_progress (tb), <, 1.0);
  g_test_message ("disk full at %.0f %%: %s", sr_torrent_get_progress (tb) * 100, w.error->message);

  /* Free space, resume: nothing already downloaded is lost. */
  g_assert_cmpint (mount ("tmpfs", small, "tmpfs", MS_REMOUNT, "size=64m"), ==, 0);
  sr_torrent_resume (tb);
  sr_torrent_refresh (tb);
  g_assert_null (sr_torrent_get_error_message (tb));
  g_assert_true (test_wait_until (is_complete, tb, 60000));
  {
    g_autofree char *contents = NULL;
    gsize len;
    g_assert_true (g_file_get_contents (out, &contents, &len, NULL));
    g_assert_cmpuint (len, ==, g_bytes_get_size (data));
    g_assert_true (memcmp (contents, g_bytes_get_data (data, NULL), len) == 0);
  }

  test_shutdown_session (sa);
  test_shutdown_session (sb);
  g_clear_error (&w.error);
  g_assert_cmpint (umount2 (small, MNT_DETACH), ==, 0);
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/torrent/diskfull/pause-and-resume", test_disk_full);
  return g_test_run ();
}

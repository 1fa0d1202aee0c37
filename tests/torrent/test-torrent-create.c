/* test-torrent-create.c: torrents made from a file or a folder: hybrid by
 * default, v1-only on request, hashing with progress and cancel, and the
 * result seeds at once without a recheck. */

#include <string.h>

#include "torrent-test-util.h"
#include "torrent/sr-torrent-create.h"
#include "torrent/sr-torrent-info.h"

static void
test_piece_length (void)
{
  g_assert_cmpuint (sr_torrent_piece_length_for_size (1000), ==, 16 * 1024);
  g_assert_cmpuint (sr_torrent_piece_length_for_size (100 * 1024 * 1024), ==, 128 * 1024);
  g_assert_cmpuint (sr_torrent_piece_length_for_size (4ull * 1024 * 1024 * 1024), ==, 4 * 1024 * 1024);
  g_assert_cmpuint (sr_torrent_piece_length_for_size (1ull << 50), ==, 16 * 1024 * 1024);
}

static void
test_hybrid_and_v1 (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *folder = g_build_filename (dir, "Title", NULL);
  g_autofree char *f1 = g_build_filename (folder, "720p.mp4", NULL);
  g_autofree char *f2 = g_build_filename (folder, "poster.jpg", NULL);
  g_autoptr(GBytes) d1 = test_write_random_file (f1, 3 * 1024 * 1024 + 17);
  g_autoptr(GBytes) d2 = test_write_random_file (f2, 5000);
  g_autoptr(GBytes) hybrid = test_create_torrent (folder, FALSE);
  g_autoptr(GBytes) v1 = test_create_torrent (folder, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTorrentInfo) hi = sr_torrent_info_new_from_bytes (hybrid, &error);
  g_autoptr(SrTorrentInfo) vi = NULL;
  g_autoptr(GBytes) missing = NULL;
  g_autofree char *nowhere = g_build_filename (dir, "nowhere", NULL);

  g_assert_no_error (error);
  vi = sr_torrent_info_new_from_bytes (v1, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (hi->name, ==, "Title");
  g_assert_nonnull (hi->info_hash_v2);
  g_assert_cmpuint (strlen (hi->info_hash), ==, 40);
  g_assert_null (vi->info_hash_v2);
  g_assert_cmpstr (hi->info_hash, !=, vi->info_hash);
  g_assert_cmpuint (hi->total_size, >=, 3 * 1024 * 1024 + 17 + 5000);
  g_assert_cmpuint (vi->total_size, ==, 3 * 1024 * 1024 + 17 + 5000);
  g_assert_cmpuint (vi->files->len, ==, 2);
  g_assert_cmpuint (hi->files->len, ==, 2);  /* pad files are not listed */
  g_assert_cmpuint (hi->piece_length, ==, sr_torrent_piece_length_for_size (vi->total_size));

  missing = sr_torrent_create_sync (nowhere, SR_TORRENT_CREATE_NONE, NULL, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_IO);

  test_remove_dir (dir);
}

typedef struct {
  GCancellable *cancellable;
  guint reports;
  guint last_done;
  guint total;
  gboolean finished;
  GBytes *result;
  GError *error;
  gint64 cancelled_at;
  gint64 finished_at;
} CreateState;

static void
on_progress (guint done, guint total, gpointer user_data)
{
  CreateState *s = user_data;

  g_assert_cmpuint (done, >=, s->last_done);
  s->last_done = done;
  s->total = total;
  s->reports++;
  if (s->cancellable != NULL && done > 0 && s->cancelled_at == 0)
    {
      s->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (s->cancellable);
    }
}

static void
on_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CreateState *s = user_data;

  s->result = sr_torrent_create_finish (result, &s->error);
  s->finished = TRUE;
  s->finished_at = g_get_monotonic_time ();
}

static gboolean
create_finished (gpointer user_data)
{
  return ((CreateState *) user_data)->finished;
}

static void
test_progress_and_cancel (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "big.bin", NULL);
  g_autoptr(GBytes) data = test_write_random_file (path, 96 * 1024 * 1024);
  CreateState s = { 0 };
  CreateState c = { 0 };

  sr_torrent_create_async (path, SR_TORRENT_CREATE_NONE, NULL, on_progress, &s, NULL, on_created, &s);
  g_assert_true (test_wait_until (create_finished, &s, 30000));
  g_assert_no_error (s.error);
  g_assert_nonnull (s.result);
  g_assert_cmpuint (s.reports, >=, 10);
  g_assert_cmpuint (s.last_done, ==, s.total);
  g_clear_pointer (&s.result, g_bytes_unref);

  c.cancellable = g_cancellable_new ();
  sr_torrent_create_async (path, SR_TORRENT_CREATE_NONE, NULL, on_progress, &c, c.cancellable, on_created, &c);
  g_assert_true (test_wait_until (create_finished, &c, 30000));
  g_assert_null (c.result);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (c.last_done, <, c.total);
  /* Stopped promptly, not after hashing the rest. */
  g_assert_cmpint (c.finished_at - c.cancelled_at, <, 500 * G_TIME_SPAN_MILLISECOND);
  g_clear_error (&c.error);
  g_clear_object (&c.cancellable);

  test_remove_dir (dir);
}

static void
on_state (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  gboolean *checked = user_data;

  if (sr_torrent_get_state (SR_TORRENT (object)) == SR_TORRENT_STATE_CHECKING)
    *checked = TRUE;
}

static gboolean
is_seeding (gpointer user_data)
{
  return sr_torrent_get_state (user_data) == SR_TORRENT_STATE_SEEDING
         && sr_torrent_get_progress (user_data) >= 1.0;
}

static void
test_seed_at_once (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "film.mp4", NULL);
  g_autoptr(GBytes) data = test_write_random_file (path, 64 * 1024 * 1024);
  g_autoptr(GBytes) torrent = test_create_torrent (path, FALSE);
  g_autoptr(SrTorrentSession) session = test_loopback_session (NULL, dir);
  g_autoptr(SrTorrent) t = NULL;
  g_autoptr(GError) error = NULL;
  gboolean checked = FALSE;
  gint64 start;

  start = g_get_monotonic_time ();
  t = sr_torrent_session_add_seed (session, torrent, path, &error);
  g_assert_no_error (error);
  g_signal_connect (t, "notify::state", G_CALLBACK (on_state), &checked);
  g_assert_true (test_wait_until (is_seeding, t, 5000));
  /* 64 MiB would take a visible moment to hash again. */
  g_assert_false (checked);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_TIME_SPAN_SECOND);
  g_assert_cmpstr (sr_torrent_get_name (t), ==, "film.mp4");
  g_assert_cmpuint (sr_torrent_get_total_wanted (t), ==, 64 * 1024 * 1024);

  test_shutdown_session (session);
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/torrent/create/piece-length", test_piece_length);
  g_test_add_func ("/torrent/create/hybrid-and-v1", test_hybrid_and_v1);
  g_test_add_func ("/torrent/create/progress-and-cancel", test_progress_and_cancel);
  g_test_add_func ("/torrent/create/seed-at-once", test_seed_at_once);
  return g_test_run ();
}

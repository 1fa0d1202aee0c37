/* test-torrent-session.c: real libtorrent sessions over loopback TCP:
 * random reads while a throttled seeder in another process is still
 * sending, a cancelled read, a three-peer swarm, restarts with and without
 * a clean shutdown, per-file priorities and removal. */

#include <glib/gstdio.h>
#include <string.h>

#include "torrent-test-util.h"
#include "torrent/sr-stream-reader.h"

typedef struct {
  SrStreamReader *reader;
  GBytes *source;
  GCancellable *cancellable;
  guint n_reads;
  gsize read_len;
  gboolean done;           /* atomic */
  GError *error;
  gint64 started, finished;
  guint64 offsets[64];
} ReadJob;

static gboolean
job_done (gpointer user_data)
{
  return g_atomic_int_get (&((ReadJob *) user_data)->done);
}

/* Reads read_len bytes at each of offsets[], as a player's seeks would. */
static gpointer
random_read_thread (gpointer user_data)
{
  ReadJob *job = user_data;
  gsize size;
  const guint8 *src = g_bytes_get_data (job->source, &size);
  g_autofree guint8 *buf = g_malloc (job->read_len);

  job->started = g_get_monotonic_time ();
  for (guint i = 0; i < job->n_reads && job->error == NULL; i++)
    {
      guint64 offset = job->offsets[i];
      gsize got = 0;
      gsize want = (gsize) MIN ((guint64) job->read_len, size - offset);

      while (got < want)
        {
          gssize n = sr_stream_reader_read (job->reader, offset + got, buf + got, want - got,
                                            job->cancellable, &job->error);
          if (n <= 0)
            break;
          got += (gsize) n;
        }
      if (job->error != NULL)
        break;
      g_test_message ("read %u at %" G_GUINT64_FORMAT " done after %.2f s", i, offset, (g_get_monotonic_time () - job->started) / 1e6);
      g_assert_cmpuint (got, ==, want);
      g_assert_true (memcmp (buf, src + offset, want) == 0);
    }
  job->finished = g_get_monotonic_time ();
  g_atomic_int_set (&job->done, TRUE);
  return NULL;
}

static gboolean
has_metadata (gpointer user_data)
{
  return sr_torrent_get_has_metadata (user_data);
}

static void
test_random_seeks (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *src_path = g_build_filename (dir, "src", "film.mp4", NULL);
  g_autofree char *dl = g_build_filename (dir, "dl", NULL);
  g_autoptr(GBytes) data = test_write_random_file (src_path, 48 * 1024 * 1024);
  g_autoptr(GBytes) torrent = test_create_torrent (src_path, FALSE);
  g_autofree char *torrent_path = test_write_torrent (dir, torrent);
  g_autoptr(GSubprocess) seeder = NULL;
  g_autoptr(SrTorrentSession) session = test_loopback_session (NULL, dl);
  g_autoptr(SrTorrent) t = NULL;
  g_autoptr(SrStreamReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  const char *peers[2] = { NULL, NULL };
  SrTorrentAddOptions o = { 0 };
  ReadJob job = { 0 };
  GThread *thread;
  guint port;

  /* 1 MiB/s: the whole file would take most of a minute. */
  seeder = test_spawn_seeder (torrent_path, src_path, 1024, &port);
  peer = g_strdup_printf ("127.0.0.1:%u", port);
  peers[0] = peer;

  o.torrent = torrent;
  o.peers = peers;
  t = sr_torrent_session_add (session, &o, &error);
  g_assert_no_error (error);
  g_assert_true (test_wait_until (has_metadata, t, 5000));
  reader = sr_stream_reader_new (t, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_stream_reader_get_size (reader), ==, 48 * 1024 * 1024);

  job.reader = reader;
  job.source = data;
  job.read_len = 100 * 1000;
  job.n_reads = 12;
  job.offsets[0] = 0;
  job.offsets[1] = 48 * 1024 * 1024 - 1000;                /* the tail, as a demuxer reads an index */
  for (guint i = 2; i < job.n_reads; i++)
    job.offsets[i] = (guint64) g_random_int_range (0, 48 * 1024 * 1024 - 1);
  thread = g_thread_new ("reader", random_read_thread, &job);
  g_assert_true (test_wait_until (job_done, &job, 25000));
  g_thread_join (thread);
  g_assert_no_error (job.error);

  sr_torrent_refresh (t);
  g_test_message ("12 random reads in %.2f s at %.0f %% downloaded",
                  (job.finished - job.started) / 1e6, sr_torrent_get_progress (t) * 100);
  /* The reads were served while most of the file was still missing. */
  g_assert_cmpfloat (sr_torrent_get_progress (t), <, 0.8);

  /* Past the end reads nothing. */
  {
    char c;
    g_assert_cmpint (sr_stream_reader_read (reader, 48 * 1024 * 1024, &c, 1, NULL, &error), ==, 0);
    g_assert_no_error (error);
  }

  g_clear_object (&reader);
  g_subprocess_force_exit (seeder);
  g_subprocess_wait (seeder, NULL, NULL);
  test_shutdown_session (session);
  test_remove_dir (dir);
}

static gboolean
cancel_later (gpointer user_data)
{
  ReadJob *job = user_data;

  job->started = g_get_monotonic_time ();
  g_cancellable_cancel (job->cancellable);
  return G_SOURCE_REMOVE;
}

static void
test_cancelled_read (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *src_path = g_build_filename (dir, "src", "film.mp4", NULL);
  g_autofree char *dl = g_build_filename (dir, "dl", NULL);
  g_autoptr(GBytes) data = test_write_random_file (src_path, 1024 * 1024);
  g_autoptr(GBytes) torrent = test_create_torrent (src_path, FALSE);
  g_autoptr(SrTorrentSession) session = test_loopback_session (NULL, dl);
  g_autoptr(SrTorrent) t = NULL;
  g_autoptr(SrStreamReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  SrTorrentAddOptions o = { 0 };
  ReadJob job = { 0 };
  GThread *thread;

  /* No peers: the read can only end by cancellation. */
  o.torrent = torrent;
  t = sr_torrent_session_add (session, &o, &error);
  g_assert_no_error (error);
  reader = sr_stream_reader_new (t, 0, &error);
  g_assert_no_error (error);

  job.reader = reader;
  job.source = data;
  job.read_len = 1000;
  job.n_reads = 1;
  job.cancellable = g_cancellable_new ();
  thread = g_thread_new ("reader", random_read_thread, &job);
  g_timeout_add (300, cancel_later, &job);
  g_assert_true (test_wait_until (job_done, &job, 5000));
  g_thread_join (thread);
  g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancelled read returned after %.1f ms", (job.finished - job.started) / 1000.0);
  /* Woken by the cancellable, not by the fallback timer. */
  g_assert_cmpint (job.finished - job.started, <, 100 * G_TIME_SPAN_MILLISECOND);
  g_clear_error (&job.error);
  g_clear_object (&job.cancellable);

  g_clear_object (&reader);
  test_shutdown_session (session);
  test_remove_dir (dir);
}

typedef struct {
  SrTorrent *b, *c;
  const char *peer_a;
  gboolean b_saw_two, c_saw_two;
  guint64 b_from_c, c_from_b;
} Swarm;

/* Payload received from peers other than the seeder: seeds drop each other
 * once both are complete, so this is sampled while the swarm runs. */
static guint64
payload_from_others (SrTorrent *t, const char *seeder)
{
  g_autoptr(GPtrArray) peers = sr_torrent_list_peers (t);
  guint64 total = 0;

  for (guint i = 0; i < peers->len; i++)
    {
      SrTorrentPeer *p = g_ptr_array_index (peers, i);

      g_assert_nonnull (p->client);
      g_assert_true (g_str_has_prefix (p->address, "127.0.0.1:"));
      if (g_strcmp0 (p->address, seeder) != 0)
        total += p->payload_down;
    }
  return total;
}

static gboolean
swarm_done (gpointer user_data)
{
  Swarm *s = user_data;

  s->b_from_c = MAX (s->b_from_c, payload_from_others (s->b, s->peer_a));
  s->c_from_b = MAX (s->c_from_b, payload_from_others (s->c, s->peer_a));
  if (sr_torrent_get_peers (s->b) >= 2)
    s->b_saw_two = TRUE;
  if (sr_torrent_get_peers (s->c) >= 2)
    s->c_saw_two = TRUE;
  return sr_torrent_get_progress (s->b) >= 1.0 && sr_torrent_get_progress (s->c) >= 1.0;
}

static void
assert_file_equals (const char *path, GBytes *expected)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, g_bytes_get_size (expected));
  g_assert_true (memcmp (contents, g_bytes_get_data (expected, NULL), len) == 0);
}

static void
test_three_peer_swarm (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *src_path = g_build_filename (dir, "a", "film.mp4", NULL);
  g_autofree char *dir_b = g_build_filename (dir, "b", NULL);
  g_autofree char *dir_c = g_build_filename (dir, "c", NULL);
  g_autofree char *out_b = g_build_filename (dir_b, "film.mp4", NULL);
  g_autofree char *out_c = g_build_filename (dir_c, "film.mp4", NULL);
  g_autoptr(GBytes) data = test_write_random_file (src_path, 8 * 1024 * 1024);
  g_autoptr(GBytes) torrent = test_create_torrent (src_path, FALSE);
  g_autoptr(SrTorrentSession) sa = test_loopback_session (NULL, dir);
  g_autoptr(SrTorrentSession) sb = test_loopback_session (NULL, dir_b);
  g_autoptr(SrTorrentSession) sc = test_loopback_session (NULL, dir_c);
  g_autoptr(SrTorrent) ta = NULL;
  g_autoptr(SrTorrent) tb = NULL;
  g_autoptr(SrTorrent) tc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer_a = NULL;
  g_autofree char *peer_b = NULL;
  const char *peers_b[2] = { NULL, NULL };
  const char *peers_c[3] = { NULL, NULL, NULL };
  SrTorrentAddOptions o = { 0 };
  Swarm s = { 0 };
  guint port_b;

  /* The seeder is slow, so B and C must trade pieces with each other. */
  o.torrent = torrent;
  o.save_path = g_path_get_dirname (src_path);
  o.flags = SR_TORRENT_ADD_SEED_MODE;
  o.upload_limit = 1024 * 1024;
  ta = sr_torrent_session_add (sa, &o, &error);
  g_free ((char *) o.save_path);
  g_assert_no_error (error);

  peer_a = g_strdup_printf ("127.0.0.1:%u", sr_torrent_session_get_listen_port (sa));
  peer_b = g_strdup_printf ("127.0.0.1:%u", port_b = sr_torrent_session_get_listen_port (sb));
  g_assert_cmpuint (port_b, !=, 0);
  peers_b[0] = peer_a;
  peers_c[0] = peer_a;
  peers_c[1] = peer_b;

  memset (&o, 0, sizeof o);
  o.torrent = torrent;
  o.peers = peers_b;
  tb = sr_torrent_session_add (sb, &o, &error);
  g_assert_no_error (error);
  o.peers = peers_c;
  tc = sr_torrent_session_add (sc, &o, &error);
  g_assert_no_error (error);

  s.b = tb;
  s.c = tc;
  s.peer_a = peer_a;
  g_assert_true (test_wait_until (swarm_done, &s, 25000));
  g_assert_true (s.b_saw_two);
  g_assert_true (s.c_saw_two);
  assert_file_equals (out_b, data);
  assert_file_equals (out_c, data);

  /* Per-peer accounting shows pieces travelling between B and C. */
  g_test_message ("B got %" G_GUINT64_FORMAT " bytes from C, C got %" G_GUINT64_FORMAT " from B",
                  s.b_from_c, s.c_from_b);
  g_assert_cmpuint (s.b_from_c + s.c_from_b, >, 0);

  test_shutdown_session (sa);
  test_shutdown_session (sb);
  test_shutdown_session (sc);
  test_remove_dir (dir);
}

static gboolean
progress_at_least_third (gpointer user_data)
{
  return sr_torrent_get_progress (user_data) >= 0.3;
}

static guint
count_bits (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *p = bytes ? g_bytes_get_data (bytes, &len) : NULL;
  guint n = 0;

  for (gsize i = 0; i < len; i++)
    n += (guint) __builtin_popcount (p[i]);
  return n;
}

typedef struct {
  gboolean checked;
  gboolean downloading_checked;
} CheckWatch;

static void
on_state (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  CheckWatch *w = user_data;

  if (sr_torrent_get_state (SR_TORRENT (object)) == SR_TORRENT_STATE_CHECKING)
    w->checked = TRUE;
}

static gboolean
not_checking (gpointer user_data)
{
  SrTorrent *t = user_data;

  sr_torrent_refresh (t);
  return sr_torrent_get_state (t) != SR_TORRENT_STATE_CHECKING
         && sr_torrent_get_state (t) != SR_TORRENT_STATE_UNKNOWN;
}

static SrTorrent *
only_torrent (SrTorrentSession *session)
{
  g_autoptr(GPtrArray) list = sr_torrent_session_list_torrents (session);

  g_assert_cmpuint (list->len, ==, 1);
  return g_object_ref (g_ptr_array_index (list, 0));
}

static void
test_restart_keeps_progress (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *src_path = g_build_filename (dir, "src", "film.mp4", NULL);
  g_autofree char *dl = g_build_filename (dir, "dl", NULL);
  g_autofree char *state = g_build_filename (dir, "state", NULL);
  g_autoptr(GBytes) data = test_write_random_file (src_path, 24 * 1024 * 1024);
  g_autoptr(GBytes) torrent = test_create_torrent (src_path, FALSE);
  g_autofree char *torrent_path = test_write_torrent (dir, torrent);
  g_autoptr(GSubprocess) seeder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  const char *peers[2] = { NULL, NULL };
  SrTorrentAddOptions o = { 0 };
  guint port, pieces_before, pieces_after;
  g_autofree char *info_hash = NULL;

  seeder = test_spawn_seeder (torrent_path, src_path, 4096, &port);
  peer = g_strdup_printf ("127.0.0.1:%u", port);
  peers[0] = peer;

  /* First run: download part of the file, then shut down cleanly. */
  {
    g_autoptr(SrTorrentSession) session = test_loopback_session (state, dl);
    g_autoptr(SrTorrent) t = NULL;

    g_assert_false (sr_torrent_session_get_was_unclean (session));
    o.torrent = torrent;
    o.peers = peers;
    t = sr_torrent_session_add (session, &o, &error);
    g_assert_no_error (error);
    info_hash = g_strdup (sr_torrent_get_info_hash (t));
    g_assert_true (test_wait_until (progress_at_least_third, t, 20000));
    sr_torrent_pause (t);
    test_iterate (300);
    sr_torrent_refresh (t);
    pieces_before = count_bits (sr_torrent_get_have_pieces (t));
    g_assert_cmpuint (pieces_before, >, 0);
    test_shutdown_session (session);
  }
  g_subprocess_force_exit (seeder);
  g_subprocess_wait (seeder, NULL, NULL);

  /* Second run: the torrent is back with its pieces, without a recheck. */
  {
    g_autoptr(SrTorrentSession) session = test_loopback_session (state, dl);
    g_autoptr(SrTorrent) t = only_torrent (session);
    CheckWatch w = { 0 };

    g_assert_false (sr_torrent_session_get_was_unclean (session));
    g_signal_connect (t, "notify::state", G_CALLBACK (on_state), &w);
    g_assert_cmpstr (sr_torrent_get_info_hash (t), ==, info_hash);
    g_assert_true (test_wait_until (not_checking, t, 5000));
    pieces_after = count_bits (sr_torrent_get_have_pieces (t));
    g_assert_cmpuint (pieces_after, >=, pieces_before);
    g_assert_false (w.checked);
    /* Leave without a clean shutdown: the marker stays behind. */
    g_object_run_dispose (G_OBJECT (session));
  }

  /* Third run after the unclean exit: recheck, and the data still counts. */
  {
    g_autoptr(SrTorrentSession) session = test_loopback_session (state, dl);
    g_autoptr(SrTorrent) t = only_torrent (session);

    g_assert_true (sr_torrent_session_get_was_unclean (session));
    test_iterate (200);
    g_assert_true (test_wait_until (not_checking, t, 10000));
    g_assert_cmpuint (count_bits (sr_torrent_get_have_pieces (t)), >=, pieces_before);
    test_shutdown_session (session);
  }

  /* A clean shutdown removes the marker again. */
  {
    g_autoptr(SrTorrentSession) session = test_loopback_session (state, dl);
    g_assert_false (sr_torrent_session_get_was_unclean (session));
    test_shutdown_session (session);
  }

  test_remove_dir (dir);
}

static gboolean
is_finished (gpointer user_data)
{
  return sr_torrent_get_state (user_data) == SR_TORRENT_STATE_SEEDING;
}

static gboolean
is_paused (gpointer user_data)
{
  return sr_torrent_get_state (user_data) == SR_TORRENT_STATE_PAUSED;
}

typedef struct {
  SrTorrent *torrent;
  guint index;
} PriorityCheck;

/* libtorrent applies priorities asynchronously. */
static gboolean
priority_is_skip (gpointer user_data)
{
  PriorityCheck *c = user_data;
  return sr_torrent_get_file_priority (c->torrent, c->index) == SR_FILE_PRIORITY_SKIP;
}

static void
test_priorities_and_remove (void)
{
  PriorityCheck job_priority;
  g_autofree char *dir = test_make_dir ();
  g_autofree char *folder = g_build_filename (dir, "src", "Title", NULL);
  g_autofree char *f720 = g_build_filename (folder, "720p.mp4", NULL);
  g_autofree char *f1080 = g_build_filename (folder, "1080p.mp4", NULL);
  g_autofree char *dl = g_build_filename (dir, "dl", NULL);
  g_autofree char *out720 = g_build_filename (dl, "Title", "720p.mp4", NULL);
  g_autofree char *out1080 = g_build_filename (dl, "Title", "1080p.mp4", NULL);
  g_autoptr(GBytes) d720 = test_write_random_file (f720, 3 * 1024 * 1024);
  g_autoptr(GBytes) d1080 = test_write_random_file (f1080, 6 * 1024 * 1024);
  g_autoptr(GBytes) torrent = test_create_torrent (folder, FALSE);
  g_autoptr(SrTorrentSession) sa = test_loopback_session (NULL, dir);
  g_autoptr(SrTorrentSession) sb = test_loopback_session (NULL, dl);
  g_autoptr(SrTorrent) ta = NULL;
  g_autoptr(SrTorrent) tb = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) progress = NULL;
  g_autofree char *peer = NULL;
  const char *peers[2] = { NULL, NULL };
  SrTorrentAddOptions o = { 0 };
  int i720 = -1, i1080 = -1;

  ta = sr_torrent_session_add_seed (sa, torrent, folder, &error);
  g_assert_no_error (error);

  peer = g_strdup_printf ("127.0.0.1:%u", sr_torrent_session_get_listen_port (sa));
  peers[0] = peer;
  o.torrent = torrent;
  o.peers = peers;
  o.flags = SR_TORRENT_ADD_PAUSED;
  tb = sr_torrent_session_add (sb, &o, &error);
  g_assert_no_error (error);
  g_assert_true (test_wait_until (is_paused, tb, 3000));

  g_assert_cmpuint (sr_torrent_get_n_files (tb), >=, 2);
  for (guint i = 0; i < sr_torrent_get_n_files (tb); i++)
    {
      g_autofree char *path = sr_torrent_dup_file_path (tb, i);
      if (g_str_has_suffix (path, "720p.mp4") && !g_str_has_suffix (path, "1080p.mp4"))
        i720 = (int) i;
      else if (g_str_has_suffix (path, "1080p.mp4"))
        i1080 = (int) i;
    }
  g_assert_cmpint (i720, >=, 0);
  g_assert_cmpint (i1080, >=, 0);

  /* Only the 720p rendition. */
  g_assert_true (sr_torrent_set_file_priority (tb, (guint) i1080, SR_FILE_PRIORITY_SKIP, &error));
  g_assert_no_error (error);
  job_priority.torrent = tb;
  job_priority.index = (guint) i1080;
  g_assert_true (test_wait_until (priority_is_skip, &job_priority, 2000));
  g_assert_false (sr_torrent_set_file_priority (tb, 99, SR_FILE_PRIORITY_SKIP, &error));
  g_assert_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID);
  g_clear_error (&error);

  sr_torrent_resume (tb);
  g_assert_true (test_wait_until (is_finished, tb, 15000));
  assert_file_equals (out720, d720);
  progress = sr_torrent_get_file_progress (tb);
  g_assert_cmpuint (g_array_index (progress, guint64, i720), ==, 3 * 1024 * 1024);
  g_assert_cmpuint (g_array_index (progress, guint64, i1080), <, 6 * 1024 * 1024);
  g_assert_cmpuint (sr_torrent_get_total_wanted (tb), <, 9 * 1024 * 1024);

  /* Remove with its data: the download is gone, the seeder's copy is not. */
  g_assert_true (sr_torrent_session_remove (sb, tb, TRUE, &error));
  g_assert_no_error (error);
  g_assert_null (sr_torrent_get_session (tb));
  test_iterate (1000);
  g_assert_false (g_file_test (out720, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (f720, G_FILE_TEST_EXISTS));
  g_assert_false (sr_torrent_session_remove (sb, tb, TRUE, &error));
  g_assert_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_REMOVED);
  (void) out1080;

  test_shutdown_session (sa);
  test_shutdown_session (sb);
  test_remove_dir (dir);
}

static void
test_from_settings (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *state = g_build_filename (dir, "state", NULL);
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autoptr(GSettings) settings = g_settings_new ("org.seedreel.Seedreel.Torrent");
  g_autoptr(SrTorrentSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_settings_get_string (settings, "download-folder");

  /* The default: a folder in the user's videos. */
  g_assert_cmpstr (folder, ==, "");
  g_settings_set_int (settings, "listen-port", 0);
  g_settings_set_boolean (settings, "enable-dht", FALSE);
  g_settings_set_boolean (settings, "enable-lsd", FALSE);
  g_settings_set_boolean (settings, "enable-upnp", FALSE);
  g_settings_set_boolean (settings, "enable-natpmp", FALSE);

  session = sr_torrent_session_new_from_settings (settings, state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_torrent_session_get_listen_port (session), >, 0);
  g_assert_true (g_str_has_suffix (sr_torrent_session_get_download_dir (session), "/Seedreel"));
  g_assert_true (g_file_test (state, G_FILE_TEST_IS_DIR));

  /* Preferences apply while running. */
  g_settings_set_string (settings, "download-folder", other);
  g_assert_cmpstr (sr_torrent_session_get_download_dir (session), ==, other);
  g_settings_set_int (settings, "upload-rate-limit", 100);
  g_settings_reset (settings, "download-folder");
  g_assert_true (g_str_has_suffix (sr_torrent_session_get_download_dir (session), "/Seedreel"));

  test_shutdown_session (session);
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/torrent/session/random-seeks", test_random_seeks);
  g_test_add_func ("/torrent/session/cancelled-read", test_cancelled_read);
  g_test_add_func ("/torrent/session/three-peer-swarm", test_three_peer_swarm);
  g_test_add_func ("/torrent/session/restart-keeps-progress", test_restart_keeps_progress);
  g_test_add_func ("/torrent/session/priorities-and-remove", test_priorities_and_remove);
  g_test_add_func ("/torrent/session/from-settings", test_from_settings);
  return g_test_run ();
}

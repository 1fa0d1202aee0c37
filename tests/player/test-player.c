/* test-player.c: plays a real H.264/AAC MP4 through SrPlayer from a
 * loopback swarm of two SrTorrentSessions while it downloads: first frame
 * before the end of the download, a seek into missing pieces, a stop while
 * a read waits on a vanished seeder, and an encrypted copy. */

#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "crypto/sr-content-cipher.h"
#include "player/sr-player.h"
#include "player/sr-torrent-src.h"
#include "torrent/sr-torrent-create.h"
#include "torrent/sr-torrent-session.h"
#include "torrent/sr-torrent.h"

#define CLIP_NAME "clip.mp4"

/* A stop takes 3-6 ms in a normal build; AddressSanitizer slows the
 * teardown of the pipeline itself about tenfold. */
#if defined(__SANITIZE_ADDRESS__)
#define STOP_LIMIT_MS 300
#else
#define STOP_LIMIT_MS 100
#endif
#define CLIP_SECONDS 16

static char *work_dir;
static char *clear_path;    /* <work>/clear/clip.mp4 */
static char *cipher_path;   /* <work>/cipher/clip.mp4 */
static GBytes *clear_torrent;
static GBytes *cipher_torrent;
static guint8 content_key[SR_CONTENT_KEY_LEN];

/* ---- helpers ---- */

typedef gboolean (*Condition) (gpointer user_data);

static gboolean
on_tick (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
iterate (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_tick, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
wait_until (Condition condition, gpointer user_data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      iterate (10);
    }
  return TRUE;
}

static SrTorrentSession *
loopback_session (const char *download_dir)
{
  g_autoptr(GError) error = NULL;
  SrTorrentSessionOptions o;
  SrTorrentSession *session;

  sr_torrent_session_options_init_loopback (&o);
  o.download_dir = download_dir;
  session = sr_torrent_session_new (&o, &error);
  g_assert_no_error (error);
  return session;
}

static void
on_shutdown (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  sr_torrent_session_shutdown_finish (SR_TORRENT_SESSION (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static void
shutdown_session (SrTorrentSession *session)
{
  gboolean done = FALSE;

  sr_torrent_session_shutdown_async (session, NULL, on_shutdown, &done);
  g_assert_true (wait_until (is_true, &done, 10000));
}

static void
run_pipeline (const char *description)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;

      gst_message_parse_error (msg, &gst_error, NULL);
      g_error ("making the test clip failed: %s", gst_error->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* SMPTE bars on top (distinctive colours), noise below so the file is
 * large enough that a capped seeder takes seconds to send it. */
static void
make_clip (const char *path)
{
  g_autofree char *desc = g_strdup_printf (
    "compositor name=c sink_1::ypos=240 ! videoconvert ! video/x-raw,format=I420,width=640,height=360 "
    "! x264enc speed-preset=ultrafast key-int-max=25 bitrate=1500 ! h264parse "
    "! mp4mux faststart=true name=m ! filesink location=\"%s\" "
    "videotestsrc pattern=smpte num-buffers=%d ! video/x-raw,width=640,height=360,framerate=25/1 ! c.sink_0 "
    "videotestsrc pattern=snow num-buffers=%d ! video/x-raw,width=640,height=120,framerate=25/1 ! c.sink_1 "
    "audiotestsrc num-buffers=%d samplesperbuffer=1024 ! audio/x-raw,rate=44100,channels=2 "
    "! voaacenc ! aacparse ! m.",
    path, CLIP_SECONDS * 25, CLIP_SECONDS * 25, CLIP_SECONDS * 44100 / 1024);

  run_pipeline (desc);
}

static GBytes *
create_torrent (const char *path)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = sr_torrent_create_sync (path, SR_TORRENT_CREATE_NONE, NULL, NULL, &error);

  g_assert_no_error (error);
  return bytes;
}

/* In time with the clock, as a sound card would be. */
static GstElement *
quiet_audio_sink (void)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", TRUE, NULL);
  return sink;
}

/* ---- a seeder, a leecher and a player ---- */

typedef struct {
  char *dl_dir;
  SrTorrentSession *seeder;
  SrTorrentSession *leecher;
  SrTorrent *seed;
  SrTorrent *leech;
  SrPlayer *player;
  GError *error;
} Swarm;

static void
on_player_error (SrPlayer *player, const GError *error, gpointer user_data)
{
  Swarm *s = user_data;

  (void) player;
  if (s->error == NULL)
    s->error = g_error_copy (error);
}

static void
swarm_start (Swarm *s, const char *content_path, GBytes *torrent, int upload_limit, GBytes *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *save = g_path_get_dirname (content_path);
  const char *peers[2] = { NULL, NULL };
  SrTorrentAddOptions o = { 0 };

  s->dl_dir = g_dir_make_tmp ("seedreel-player-XXXXXX", &error);
  g_assert_no_error (error);
  s->seeder = loopback_session (s->dl_dir);
  s->leecher = loopback_session (s->dl_dir);

  o.torrent = torrent;
  o.save_path = save;
  o.flags = SR_TORRENT_ADD_SEED_MODE;
  o.upload_limit = upload_limit;
  s->seed = g_object_ref (sr_torrent_session_add (s->seeder, &o, &error));
  g_assert_no_error (error);

  peer = g_strdup_printf ("127.0.0.1:%u", sr_torrent_session_get_listen_port (s->seeder));
  peers[0] = peer;
  memset (&o, 0, sizeof o);
  o.torrent = torrent;
  o.save_path = s->dl_dir;
  o.peers = peers;
  s->leech = g_object_ref (sr_torrent_session_add (s->leecher, &o, &error));
  g_assert_no_error (error);

  s->player = sr_player_new (s->leecher);
  sr_player_set_audio_sink (s->player, quiet_audio_sink ());
  sr_player_set_content_key (s->player, key);
  g_signal_connect (s->player, "error", G_CALLBACK (on_player_error), s);
  uri = sr_torrent_src_build_uri (sr_torrent_get_info_hash (s->leech), 0);
  sr_player_set_uri (s->player, uri);
}

static void
swarm_stop (Swarm *s)
{
  g_autofree char *cmd = NULL;

  if (s->player != NULL)
    sr_player_stop (s->player);
  g_clear_object (&s->player);
  g_clear_object (&s->seed);
  g_clear_object (&s->leech);
  shutdown_session (s->leecher);
  shutdown_session (s->seeder);
  g_clear_object (&s->leecher);
  g_clear_object (&s->seeder);
  g_clear_error (&s->error);
  cmd = g_strdup_printf ("rm -rf '%s'", s->dl_dir);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (s->dl_dir);
}

static gboolean
has_frame (gpointer user_data)
{
  Swarm *s = user_data;

  return s->error != NULL || sr_video_paintable_get_frame_count (sr_player_get_paintable (s->player)) > 0;
}

static gboolean
has_error (gpointer user_data)
{
  return ((Swarm *) user_data)->error != NULL;
}

/* The top two thirds of the frame are SMPTE colour bars: white, yellow,
 * cyan, green, magenta, red, blue (videotestsrc draws them at full
 * intensity once converted to RGB). */
static void
assert_test_pattern (GdkTexture *texture)
{
  static const guint8 bars[7][3] = {
    { 255, 255, 255 }, { 255, 255, 0 }, { 0, 255, 255 }, { 0, 255, 0 },
    { 255, 0, 255 }, { 255, 0, 0 }, { 0, 0, 255 },
  };
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *pixels = g_malloc ((gsize) width * height * 4);

  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 360);
  /* GDK_MEMORY_DEFAULT is B8G8R8A8_PREMULTIPLIED. */
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  for (int i = 0; i < 7; i++)
    {
      int x = (2 * i + 1) * width / 14;
      const guint8 *p = pixels + (gsize) 60 * width * 4 + (gsize) x * 4;

      g_test_message ("bar %d at x=%d: rgb %u %u %u", i, x, p[2], p[1], p[0]);
      g_assert_cmpint (ABS ((int) p[2] - bars[i][0]), <, 48);
      g_assert_cmpint (ABS ((int) p[1] - bars[i][1]), <, 48);
      g_assert_cmpint (ABS ((int) p[0] - bars[i][2]), <, 48);
      g_assert_cmpint (p[3], ==, 255);
    }
}

/* ---- tests ---- */

typedef struct {
  Swarm *swarm;
  GstClockTime target;
  guint frames_before;
} SeekWait;

static gboolean
has_duration (gpointer user_data)
{
  return sr_player_get_duration (((Swarm *) user_data)->player) > 0;
}

static gboolean
frame_after_seek (gpointer user_data)
{
  SeekWait *w = user_data;
  SrVideoPaintable *p = sr_player_get_paintable (w->swarm->player);
  GstClockTime pts = sr_video_paintable_get_frame_pts (p);

  return w->swarm->error != NULL
         || (sr_video_paintable_get_frame_count (p) > w->frames_before
             && GST_CLOCK_TIME_IS_VALID (pts) && pts + 200 * GST_MSECOND >= w->target);
}

/* How many pieces of the torrent's only file between the fractions FROM
 * and TO of it have arrived. */
static guint
pieces_between (SrTorrent *torrent, double from, double to)
{
  GBytes *have = sr_torrent_get_have_pieces (torrent);
  guint piece_length = sr_torrent_get_piece_length (torrent);
  guint64 size = sr_torrent_get_file_size (torrent, 0);
  const guint8 *bits;
  gsize n_bytes = 0;
  guint count = 0;

  g_assert_nonnull (have);
  g_assert_cmpuint (piece_length, >, 0);
  bits = g_bytes_get_data (have, &n_bytes);
  for (guint p = (guint) (size * from / piece_length); p <= (guint) (size * to / piece_length); p++)
    if (p / 8 < n_bytes && (bits[p / 8] & (0x80 >> (p % 8))) != 0)
      {
        g_test_message ("piece %u of %u (%.0f %% of the file) is there", p,
                        sr_torrent_get_n_pieces (torrent), 100.0 * p * piece_length / size);
        count++;
      }
  return count;
}

static void
test_first_frame_and_seek (void)
{
  Swarm s = { 0 };
  SeekWait w = { 0 };
  SrVideoPaintable *paintable;
  gint64 start = g_get_monotonic_time ();
  double progress;
  GstClockTime pts;

  /* Slow enough that a sanitizer build on a loaded machine, which takes
   * many seconds to its first frame, still finds 75 % of the file missing. */
  swarm_start (&s, clear_path, clear_torrent, 160 * 1024, NULL);
  sr_player_play (s.player);
  g_assert_true (wait_until (has_frame, &s, 20000));
  g_assert_no_error (s.error);
  progress = sr_torrent_get_progress (s.leech);
  g_test_message ("first frame after %.2f s at %.0f %% downloaded",
                  (g_get_monotonic_time () - start) / 1e6, progress * 100);
  g_assert_cmpfloat (progress, <, 1.0);
  paintable = sr_player_get_paintable (s.player);
  assert_test_pattern (sr_video_paintable_get_texture (paintable));

  g_assert_true (wait_until (has_duration, &s, 5000));
  g_assert_cmpint (sr_player_get_duration (s.player), >, (CLIP_SECONDS - 1) * GST_SECOND);
  g_assert_cmpint (sr_player_get_n_audio (s.player), ==, 1);

  /* Sequential download is still near the start: nothing between 70 and
   * 85 % of the file (the index is at the front, so 75 % of the time lies
   * a little further in) has arrived. The demuxer may have peeked at the
   * very end. */
  progress = sr_torrent_get_progress (s.leech);
  g_assert_cmpfloat (progress, <, 0.6);
  g_assert_cmpuint (pieces_between (s.leech, 0.7, 0.85), ==, 0);
  w.swarm = &s;
  w.target = (GstClockTime) (sr_player_get_duration (s.player) * 3 / 4);
  w.frames_before = sr_video_paintable_get_frame_count (paintable);
  start = g_get_monotonic_time ();
  sr_player_seek (s.player, (gint64) w.target, TRUE);
  g_assert_true (wait_until (frame_after_seek, &w, 20000));
  g_assert_no_error (s.error);
  pts = sr_video_paintable_get_frame_pts (paintable);
  g_test_message ("frame at %.2f s, %.2f s after seeking to %.2f s from %.0f %% downloaded; now %.0f %%",
                  pts / 1e9, (g_get_monotonic_time () - start) / 1e6, w.target / 1e9, progress * 100,
                  sr_torrent_get_progress (s.leech) * 100);
  g_assert_cmpuint (pts, <, w.target + 1500 * GST_MSECOND);
  iterate (2 * 100);
  g_assert_cmpint (ABS (sr_player_get_position (s.player) - (gint64) w.target), <, 2 * GST_SECOND);
  assert_test_pattern (sr_video_paintable_get_texture (paintable));
  swarm_stop (&s);
}

static gboolean
is_buffering (gpointer user_data)
{
  return sr_player_get_buffering (((Swarm *) user_data)->player) < 100;
}

static void
test_stop_while_blocked (void)
{
  g_autoptr(GError) error = NULL;
  Swarm s = { 0 };
  gint64 start, elapsed;

  swarm_start (&s, clear_path, clear_torrent, 256 * 1024, NULL);
  sr_player_play (s.player);
  g_assert_true (wait_until (has_frame, &s, 20000));
  g_assert_true (wait_until (has_duration, &s, 5000));
  g_assert_no_error (s.error);

  /* The only seeder goes away; a seek to the end must then wait forever. */
  g_assert_true (sr_torrent_session_remove (s.seeder, s.seed, FALSE, &error));
  g_assert_no_error (error);
  iterate (300);
  g_assert_cmpfloat (sr_torrent_get_progress (s.leech), <, 0.8);
  sr_player_seek (s.player, sr_player_get_duration (s.player) * 9 / 10, TRUE);
  /* A read that was waiting before the seek is cancelled by its flush
   * (buffering back to 100 %); the one after it then waits for good. */
  iterate (600);
  g_assert_true (wait_until (is_buffering, &s, 5000));
  g_test_message ("buffering %d %%, frame at %.2f s, %.0f %% downloaded", sr_player_get_buffering (s.player),
                  sr_video_paintable_get_frame_pts (sr_player_get_paintable (s.player)) / 1e9,
                  sr_torrent_get_progress (s.leech) * 100);
  g_assert_true (is_buffering (&s));

  start = g_get_monotonic_time ();
  sr_player_stop (s.player);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("stop with a blocked read took %.1f ms", elapsed / 1e3);
  g_assert_cmpint (elapsed, <, STOP_LIMIT_MS * 1000);
  g_assert_cmpint (sr_player_get_state (s.player), ==, SR_PLAYER_STATE_STOPPED);
  swarm_stop (&s);
}

static void
test_encrypted (void)
{
  g_autoptr(GBytes) key = g_bytes_new (content_key, sizeof content_key);
  g_autoptr(SrPlayer) keyless = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *inner = NULL;
  Swarm s = { 0 };
  Swarm t = { 0 };

  swarm_start (&s, cipher_path, cipher_torrent, 0, key);
  inner = sr_torrent_dup_file_path (s.seed, 0);
  g_assert_cmpstr (inner, ==, CLIP_NAME);
  sr_player_play (s.player);
  g_assert_true (wait_until (has_frame, &s, 20000));
  g_assert_no_error (s.error);
  assert_test_pattern (sr_video_paintable_get_texture (sr_player_get_paintable (s.player)));

  /* The same torrent without the key: the bytes are noise to the demuxer. */
  keyless = sr_player_new (s.leecher);
  sr_player_set_audio_sink (keyless, quiet_audio_sink ());
  t.player = keyless;
  g_signal_connect (keyless, "error", G_CALLBACK (on_player_error), &t);
  uri = sr_torrent_src_build_uri (sr_torrent_get_info_hash (s.leech), 0);
  sr_player_set_uri (keyless, uri);
  sr_player_play (keyless);
  g_assert_true (wait_until (has_error, &t, 20000));
  g_test_message ("without the key: %s", t.error->message);
  g_assert_error (t.error, SR_PLAYER_ERROR, SR_PLAYER_ERROR_FAILED);
  g_assert_cmpuint (sr_video_paintable_get_frame_count (sr_player_get_paintable (keyless)), ==, 0);
  sr_player_stop (keyless);
  g_clear_error (&t.error);
  swarm_stop (&s);
}

static gboolean
is_playing (gpointer user_data)
{
  return sr_player_get_state (user_data) == SR_PLAYER_STATE_PLAYING;
}

/* Speed, volume and mute reach the pipeline: at 2x a second of wall
 * time moves the position by about two. */
static void
test_rate_and_volume (void)
{
  g_autoptr(SrPlayer) player = sr_player_new (NULL);
  g_autofree char *uri = g_filename_to_uri (clear_path, NULL, NULL);
  gint64 before, after;
  double volume;
  gboolean mute;

  sr_player_set_audio_sink (player, quiet_audio_sink ());
  sr_player_set_uri (player, uri);
  sr_player_play (player);
  g_assert_true (wait_until (is_playing, player, 10000));
  g_assert_cmpint (sr_player_get_n_audio (player), ==, 1);

  iterate (500);
  g_test_message ("at 1x: position %.2f s", sr_player_get_position (player) / 1e9);
  sr_player_set_rate (player, 2.0);
  iterate (300);
  before = sr_player_get_position (player);
  iterate (1000);
  after = sr_player_get_position (player);
  g_test_message ("at 2x: %.2f s of media in 1 s", (after - before) / 1e9);
  g_assert_cmpint (after - before, >, 1600 * GST_MSECOND);
  g_assert_cmpint (after - before, <, 2600 * GST_MSECOND);

  sr_player_set_volume (player, 0.25);
  sr_player_set_mute (player, TRUE);
  g_object_get (sr_player_get_pipeline (player), "volume", &volume, "mute", &mute, NULL);
  g_assert_cmpfloat_with_epsilon (volume, 0.25, 1e-6);
  g_assert_true (mute);
  g_assert_cmpfloat_with_epsilon (sr_player_get_volume (player), 0.25, 1e-6);
  sr_player_stop (player);
}

/* With every H.264 decoder out of autoplugging, the error names the
 * missing decoder instead of playing sound over a black picture. */
static void
test_missing_codec (void)
{
  g_autoptr(GstCaps) h264 = gst_caps_from_string ("video/x-h264");
  g_autoptr(GPtrArray) hidden = g_ptr_array_new_with_free_func (gst_object_unref);
  g_autofree char *uri = g_filename_to_uri (clear_path, NULL, NULL);
  GList *decoders = gst_element_factory_list_get_elements (GST_ELEMENT_FACTORY_TYPE_DECODER,
                                                           GST_RANK_NONE);
  Swarm t = { 0 };

  for (GList *l = decoders; l != NULL; l = l->next)
    if (gst_element_factory_can_sink_any_caps (l->data, h264)
        && gst_plugin_feature_get_rank (l->data) > GST_RANK_NONE)
      g_ptr_array_add (hidden, gst_object_ref (l->data));
  gst_plugin_feature_list_free (decoders);
  g_assert_cmpuint (hidden->len, >, 0);
  for (guint i = 0; i < hidden->len; i++)
    gst_plugin_feature_set_rank (g_ptr_array_index (hidden, i), GST_RANK_NONE);

  t.player = sr_player_new (NULL);
  sr_player_set_audio_sink (t.player, quiet_audio_sink ());
  g_signal_connect (t.player, "error", G_CALLBACK (on_player_error), &t);
  sr_player_set_uri (t.player, uri);
  sr_player_play (t.player);
  g_assert_true (wait_until (has_error, &t, 10000));
  g_test_message ("%s", t.error->message);
  g_assert_error (t.error, SR_PLAYER_ERROR, SR_PLAYER_ERROR_MISSING_CODEC);
  g_assert_nonnull (strstr (t.error->message, "H.264"));
  g_assert_cmpint (sr_player_get_state (t.player), ==, SR_PLAYER_STATE_STOPPED);

  g_clear_object (&t.player);
  g_clear_error (&t.error);
  for (guint i = 0; i < hidden->len; i++)
    gst_plugin_feature_set_rank (g_ptr_array_index (hidden, i), GST_RANK_PRIMARY);
}

static void
encrypt_copy (const char *from, const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  guint8 nonce[SR_CONTENT_NONCE_LEN];
  gsize len;

  g_file_get_contents (from, &data, &len, &error);
  g_assert_no_error (error);
  sr_content_cipher_generate_key (content_key);
  sr_content_cipher_derive_nonce (CLIP_NAME, nonce);
  sr_content_cipher_xor (content_key, nonce, 0, (guint8 *) data, (guint8 *) data, len);
  g_file_set_contents (to, data, (gssize) len, &error);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *clear_dir = NULL;
  g_autofree char *cipher_dir = NULL;
  g_autofree char *cmd = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_assert_true (sr_player_register_elements ());

  work_dir = g_dir_make_tmp ("seedreel-player-clip-XXXXXX", &error);
  g_assert_no_error (error);
  clear_dir = g_build_filename (work_dir, "clear", NULL);
  cipher_dir = g_build_filename (work_dir, "cipher", NULL);
  g_assert_cmpint (g_mkdir (clear_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (cipher_dir, 0755), ==, 0);
  clear_path = g_build_filename (clear_dir, CLIP_NAME, NULL);
  cipher_path = g_build_filename (cipher_dir, CLIP_NAME, NULL);
  make_clip (clear_path);
  encrypt_copy (clear_path, cipher_path);
  clear_torrent = create_torrent (clear_path);
  cipher_torrent = create_torrent (cipher_path);

  g_test_add_func ("/player/first-frame-and-seek", test_first_frame_and_seek);
  g_test_add_func ("/player/stop-while-blocked", test_stop_while_blocked);
  g_test_add_func ("/player/encrypted", test_encrypted);
  g_test_add_func ("/player/rate-and-volume", test_rate_and_volume);
  g_test_add_func ("/player/missing-codec", test_missing_codec);
  ret = g_test_run ();

  cmd = g_strdup_printf ("rm -rf '%s'", work_dir);
  g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  g_bytes_unref (clear_torrent);
  g_bytes_unref (cipher_torrent);
  return ret;
}

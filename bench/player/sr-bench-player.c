/* sr-bench-player.c: the player benchmark's window. Plays one title through
 * SrPlayer (playbin, srtorrentsrc, SrVideoPaintable) into a GtkPicture and
 * times what reaches the screen: a frame counts as shown at the frame
 * clock's after-paint of the first paint that drew it. Not a test: run by
 * bench/player.sh, which reads the lines it prints on stdout:
 *
 *   window: S s                   from the time origin (exec) to the
 *                                 window's first paint (GTK and GL set up)
 *   decoded: S s                  to the first frame handed to the main
 *                                 thread by the appsink (not yet drawn)
 *   first-frame: S s              from the time origin (exec) to on screen
 *   renderer: NAME                the GskRenderer GTK chose
 *   seek P %: S s (piece missing|present)
 *                                 from sr_player_seek() to a frame of the
 *                                 new position on screen; whether the piece
 *                                 at P % of the file had arrived when seeking
 *   playing: S s, N frames shown  after --play seconds of playback (or
 *                                 at SIGINT/SIGTERM during it)
 *
 * The time origin is SR_BENCH_T0 (CLOCK_MONOTONIC in microseconds, taken
 * by the caller just before exec) or else the process start time from
 * /proc/self/stat (10 ms resolution). */

#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "player/sr-player.h"
#include "player/sr-torrent-src.h"
#include "torrent/sr-torrent-session.h"
#include "torrent/sr-torrent.h"

typedef enum {
  STEP_FIRST_FRAME,
  STEP_SETTLE,       /* playing between two measurements */
  STEP_SEEK,         /* waiting for the sought frame on screen */
  STEP_PLAY,
  STEP_DONE,
} Step;

typedef struct {
  gint64 t0;                     /* monotonic µs */
  GMainLoop *loop;
  SrTorrentSession *session;
  SrTorrent *torrent;
  SrPlayer *player;
  SrVideoPaintable *paintable;
  GtkWidget *window;
  GdkFrameClock *clock;
  GArray *have;                  /* of gboolean, per piece */

  Step step;
  guint painting_count;          /* frame count when the paint began */
  GstClockTime painting_pts;
  guint last_shown_count;
  guint frames_shown;
  gboolean window_shown;
  gboolean decoded;

  int *seeks;                    /* percent, ended by -1 */
  int seek_index;
  gint64 seek_started;
  GstClockTime seek_target;
  guint seek_count;

  int play_seconds;
  gint64 play_started;
  int exit_code;
} Bench;

static double
seconds_since (gint64 since)
{
  return (double) (g_get_monotonic_time () - since) / G_USEC_PER_SEC;
}

/* The process start as CLOCK_MONOTONIC µs (CLOCK_BOOTTIME on Linux, equal
 * without a suspend since boot). */
static gint64
process_start_time (void)
{
  g_autofree char *stat = NULL;
  struct timespec now;
  const char *p;
  unsigned long long start_ticks = 0;
  long hz = sysconf (_SC_CLK_TCK);
  gint64 boot_now;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) || (p = strrchr (stat, ')')) == NULL)
    return g_get_monotonic_time ();
  /* Field 22 (starttime); after ")" come fields 3, 4, … */
  for (int field = 2; field < 21 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p + 1, "%llu", &start_ticks) != 1 || hz <= 0)
    return g_get_monotonic_time ();
  clock_gettime (CLOCK_BOOTTIME, &now);
  boot_now = (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
  return g_get_monotonic_time () - (boot_now - (gint64) (start_ticks * G_USEC_PER_SEC / (guint64) hz));
}

static void
finish (Bench *b, int code)
{
  b->exit_code = code;
  b->step = STEP_DONE;
  g_main_loop_quit (b->loop);
}

/* At the end of --play, or when the caller stops the run with SIGINT or
 * SIGTERM after sampling the process from outside. */
static gboolean
on_play_done (gpointer user_data)
{
  Bench *b = user_data;

  if (b->step == STEP_PLAY)
    printf ("playing: %.3f s, %u frames shown\n", seconds_since (b->play_started), b->frames_shown);
  fflush (stdout);
  finish (b, b->step == STEP_PLAY ? 0 : 1);
  return G_SOURCE_REMOVE;
}

static gboolean
piece_present (Bench *b, int percent)
{
  guint64 size, offset;
  guint piece_length, piece;

  if (b->torrent == NULL)
    return TRUE;
  size = sr_torrent_get_file_size (b->torrent, 0);
  piece_length = sr_torrent_get_piece_length (b->torrent);
  if (piece_length == 0)
    return FALSE;
  /* The title is (nearly) constant bitrate and its index is at the start:
   * a position at P % is about P % into the file. */
  offset = size / 100 * (guint64) percent;
  piece = (guint) (offset / piece_length);
  return piece < b->have->len && g_array_index (b->have, gboolean, piece);
}

static gboolean
start_next (gpointer user_data)
{
  Bench *b = user_data;
  int percent = b->seeks != NULL ? b->seeks[b->seek_index] : -1;
  gint64 duration;

  if (percent < 0)
    {
      if (b->play_seconds <= 0)
        {
          finish (b, 0);
          return G_SOURCE_REMOVE;
        }
      b->step = STEP_PLAY;
      b->frames_shown = 0;
      b->play_started = g_get_monotonic_time ();
      g_timeout_add_seconds (b->play_seconds, on_play_done, b);
      return G_SOURCE_REMOVE;
    }
  duration = sr_player_get_duration (b->player);
  if (duration <= 0)
    {
      g_printerr ("the title's duration is not known: cannot seek\n");
      finish (b, 1);
      return G_SOURCE_REMOVE;
    }
  b->seek_target = (GstClockTime) (duration / 100 * percent);
  b->seek_count = sr_video_paintable_get_frame_count (b->paintable);
  b->step = STEP_SEEK;
  printf ("seek-start %d %%: piece %s\n", percent, piece_present (b, percent) ? "present" : "missing");
  b->seek_started = g_get_monotonic_time ();
  /* As a seek bar does: to the keyframe before. */
  sr_player_seek (b->player, (gint64) b->seek_target, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_before_paint (GdkFrameClock *clock, gpointer user_data)
{
  Bench *b = user_data;

  (void) clock;
  b->painting_count = sr_video_paintable_get_frame_count (b->paintable);
  b->painting_pts = sr_video_paintable_get_frame_pts (b->paintable);
}

static void
on_after_paint (GdkFrameClock *clock, gpointer user_data)
{
  Bench *b = user_data;

  (void) clock;
  if (!b->window_shown)
    {
      b->window_shown = TRUE;
      printf ("window: %.3f s\n", seconds_since (b->t0));
      fflush (stdout);
    }
  if (b->painting_count != b->last_shown_count)
    {
      b->last_shown_count = b->painting_count;
      b->frames_shown++;
    }
  switch (b->step)
    {
    case STEP_FIRST_FRAME:
      if (b->painting_count > 0)
        {
          GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (b->window));

          printf ("first-frame: %.3f s\n", seconds_since (b->t0));
          printf ("renderer: %s\n", renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none");
          fflush (stdout);
          b->step = STEP_SETTLE;
          /* A second of playback before the first seek, as a viewer would. */
          g_timeout_add (1000, start_next, b);
        }
      break;
    case STEP_SEEK:
      /* A keyframe-snapped seek lands up to one GOP (2 s) before. */
      if (b->painting_count > b->seek_count && GST_CLOCK_TIME_IS_VALID (b->painting_pts)
          && b->painting_pts + 3 * GST_SECOND >= b->seek_target
          && b->painting_pts <= b->seek_target + GST_SECOND)
        {
          printf ("seek %d %%: %.3f s\n", b->seeks[b->seek_index], seconds_since (b->seek_started));
          fflush (stdout);
          b->seek_index++;
          b->step = STEP_SETTLE;
          g_timeout_add (1000, start_next, b);
        }
      break;
    case STEP_SETTLE:
    case STEP_PLAY:
    case STEP_DONE:
    default:
      break;
    }
}

static void
on_contents_invalidated (GdkPaintable *paintable, gpointer user_data)
{
  Bench *b = user_data;

  if (b->decoded || sr_video_paintable_get_frame_count (SR_VIDEO_PAINTABLE (paintable)) == 0)
    return;
  b->decoded = TRUE;
  printf ("decoded: %.3f s\n", seconds_since (b->t0));
  fflush (stdout);
}

static void
on_realize (GtkWidget *window, gpointer user_data)
{
  Bench *b = user_data;

  b->clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (b->clock, "before-paint", G_CALLBACK (on_before_paint), b);
  g_signal_connect (b->clock, "after-paint", G_CALLBACK (on_after_paint), b);
}

static void
on_player_error (SrPlayer *player, const GError *error, gpointer user_data)
{
  (void) player;
  g_printerr ("playback failed: %s\n", error->message);
  finish (user_data, 1);
}

static void
on_piece_finished (SrTorrent *torrent, int piece, gpointer user_data)
{
  Bench *b = user_data;
  (void) torrent;
  if (piece < 0)
    return;
  if ((guint) piece >= b->have->len)
    g_array_set_size (b->have, (guint) piece + 1);
  g_array_index (b->have, gboolean, piece) = TRUE;
}

static gboolean
on_close_request (GtkWindow *window, gpointer user_data)
{
  (void) window;
  finish (user_data, 1);
  return FALSE;
}

static int *
parse_seeks (const char *list)
{
  g_auto(GStrv) parts = g_strsplit (list, ",", -1);
  guint n = g_strv_length (parts);
  int *seeks = g_new (int, n + 1);

  for (guint i = 0; i < n; i++)
    seeks[i] = CLAMP (atoi (parts[i]), 0, 99);
  seeks[n] = -1;
  return seeks;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time a title through SrPlayer to the screen");
  g_autoptr(GError) error = NULL;
  g_autofree char *torrent_path = NULL, *peer = NULL, *uri = NULL, *download_dir = NULL, *seeks = NULL;
  int play_seconds = 0;
  GOptionEntry entries[] = {
    { "torrent", 0, 0, G_OPTION_ARG_FILENAME, &torrent_path, "Play the first file of this torrent", "FILE" },
    { "peer", 0, 0, G_OPTION_ARG_STRING, &peer, "…from this seeder", "IP:PORT" },
    { "download-dir", 0, 0, G_OPTION_ARG_FILENAME, &download_dir, "Download into this folder", "DIR" },
    { "uri", 0, 0, G_OPTION_ARG_STRING, &uri, "Play this URI instead of a torrent", "URI" },
    { "seek", 0, 0, G_OPTION_ARG_STRING, &seeks, "After the first frame, seek to these positions", "P,P,…" },
    { "play", 0, 0, G_OPTION_ARG_INT, &play_seconds, "Then play this many seconds", "S" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  const char *t0_env = g_getenv ("SR_BENCH_T0");
  Bench b = { 0 };
  GtkWidget *picture;

  b.t0 = t0_env != NULL ? g_ascii_strtoll (t0_env, NULL, 10) : process_start_time ();
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if ((uri == NULL) == (torrent_path == NULL) || (torrent_path != NULL && (peer == NULL || download_dir == NULL)))
    {
      g_printerr ("give either --uri, or --torrent with --peer and --download-dir\n");
      return 2;
    }

  gtk_init ();
  gst_init (NULL, NULL);
  b.loop = g_main_loop_new (NULL, FALSE);
  b.have = g_array_new (FALSE, TRUE, sizeof (gboolean));
  b.play_seconds = play_seconds;
  b.seeks = seeks != NULL ? parse_seeks (seeks) : NULL;

  if (torrent_path != NULL)
    {
      g_autoptr(GBytes) bytes = NULL;
      const char *peers[2] = { peer, NULL };
      SrTorrentSessionOptions so;
      SrTorrentAddOptions ao = { 0 };
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (torrent_path, &contents, &length, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
      sr_torrent_session_options_init_loopback (&so);
      so.download_dir = download_dir;
      b.session = sr_torrent_session_new (&so, &error);
      if (b.session == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      ao.torrent = bytes;
      ao.save_path = download_dir;
      ao.peers = peers;
      b.torrent = sr_torrent_session_add (b.session, &ao, &error);
      if (b.torrent == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_object_ref (b.torrent);
      g_array_set_size (b.have, sr_torrent_get_n_pieces (b.torrent));
      g_signal_connect (b.torrent, "piece-finished", G_CALLBACK (on_piece_finished), &b);
      uri = sr_torrent_src_build_uri (sr_torrent_get_info_hash (b.torrent), 0);
    }

  b.player = sr_player_new (b.session);
  b.paintable = sr_player_get_paintable (b.player);
  {
    /* No sound card here: a sink that keeps time as one would. */
    GstElement *audio = gst_element_factory_make ("fakesink", NULL);

    g_object_set (audio, "sync", TRUE, NULL);
    sr_player_set_audio_sink (b.player, audio);
  }
  g_signal_connect (b.player, "error", G_CALLBACK (on_player_error), &b);
  g_signal_connect (b.paintable, "invalidate-contents", G_CALLBACK (on_contents_invalidated), &b);

  b.window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (b.window), "sr-bench-player");
  gtk_window_set_default_size (GTK_WINDOW (b.window), 1280, 720);
  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (b.paintable));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_window_set_child (GTK_WINDOW (b.window), picture);
  g_signal_connect (b.window, "realize", G_CALLBACK (on_realize), &b);
  g_signal_connect (b.window, "close-request", G_CALLBACK (on_close_request), &b);

  g_unix_signal_add (SIGINT, on_play_done, &b);
  g_unix_signal_add (SIGTERM, on_play_done, &b);

  sr_player_set_uri (b.player, uri);
  sr_player_play (b.player);
  gtk_window_present (GTK_WINDOW (b.window));

  g_main_loop_run (b.loop);

  /* The figures are out; the caller measures nothing after this. */
  sr_player_stop (b.player);
  fflush (stdout);
  _exit (b.exit_code);
}

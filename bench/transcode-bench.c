/* transcode-bench.c: runs Seedreel's ladder encoder (one decode, tee into
 * every rung) once over a source and prints the wall-clock and CPU seconds it
 * took, the source's duration, and each rung's settings, so transcode.sh can
 * give ffmpeg the same x264/AAC settings.
 *
 * usage: transcode-bench SOURCE OUTPUT_DIR [SPEED_PRESET]
 * prints: "rung NAME WIDTH HEIGHT VIDEO_KBPS AUDIO_KBPS" per rung, then
 *         "seedreel WALL USER SYS DURATION" (seconds). */
#include <gst/gst.h>
#include <stdio.h>
#include <sys/resource.h>

#include "transcode/sr-ladder-encoder.h"
#include "transcode/sr-media-probe.h"

typedef struct {
  GMainLoop *loop;
  GError *error;
  SrMediaProbe *probe;
} Run;

static void
probed (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Run *run = user_data;

  (void) source;
  run->probe = sr_media_probe_new_for_file_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
encoded (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  sr_ladder_encoder_run_finish (SR_LADDER_ENCODER (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static double
seconds (struct timeval tv)
{
  return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) output = NULL;
  g_autoptr(SrLadder) ladder = NULL;
  g_autoptr(SrLadderEncoder) encoder = NULL;
  Run run = { 0 };
  struct rusage before, after;
  gint64 start, wall;

  gst_init (&argc, &argv);
  if (argc < 3)
    {
      fprintf (stderr, "usage: %s SOURCE OUTPUT_DIR [SPEED_PRESET]\n", argv[0]);
      return 2;
    }
  source = g_file_new_for_commandline_arg (argv[1]);
  output = g_file_new_for_commandline_arg (argv[2]);
  run.loop = g_main_loop_new (NULL, FALSE);

  sr_media_probe_new_for_file_async (source, NULL, probed, &run);
  g_main_loop_run (run.loop);
  if (run.probe == NULL)
    {
      fprintf (stderr, "probe: %s\n", run.error->message);
      return 1;
    }
  ladder = sr_ladder_for_source (sr_media_probe_get_width (run.probe), sr_media_probe_get_height (run.probe));
  for (guint i = 0; i < sr_ladder_get_n_rungs (ladder); i++)
    {
      const SrLadderRung *rung = sr_ladder_get_rung (ladder, i);

      printf ("rung %s %u %u %u %u\n", rung->name,
              sr_ladder_rung_width_for (rung, sr_media_probe_get_width (run.probe),
                                        sr_media_probe_get_height (run.probe)),
              rung->height, rung->video_bitrate, rung->audio_bitrate);
    }
  fflush (stdout);

  encoder = sr_ladder_encoder_new (source, output, ladder);
  if (argc > 3)
    sr_ladder_encoder_set_speed_preset (encoder, argv[3]);
  getrusage (RUSAGE_SELF, &before);
  start = g_get_monotonic_time ();
  sr_ladder_encoder_run_async (encoder, NULL, encoded, &run);
  g_main_loop_run (run.loop);
  wall = g_get_monotonic_time () - start;
  getrusage (RUSAGE_SELF, &after);
  if (run.error != NULL)
    {
      fprintf (stderr, "encode: %s\n", run.error->message);
      return 1;
    }
  printf ("seedreel %.3f %.3f %.3f %.3f\n", (double) wall / 1e6,
          seconds (after.ru_utime) - seconds (before.ru_utime),
          seconds (after.ru_stime) - seconds (before.ru_stime),
          (double) sr_media_probe_get_duration (run.probe) / GST_SECOND);
  g_object_unref (run.probe);
  g_main_loop_unref (run.loop);
  return 0;
}

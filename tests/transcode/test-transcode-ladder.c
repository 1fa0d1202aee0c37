/* test-transcode-ladder.c: a real clip encoded into its ladder, and every
 * output checked against the source as the creator's app will check what a
 * worker returns. */
#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <json-glib/json-glib.h>

#include "transcode/sr-ladder-encoder.h"
#include "transcode/sr-media-probe.h"
#include "transcode/sr-output-check.h"
#include "transcode/sr-transcode-error.h"
#include "transcode-test-util.h"

static gchar *tmp_dir;
static GFile *source;      /* 1280x720, 4 s, moving bars, with audio */
static gchar *out_dir;

typedef struct
{
  GAsyncResult *result;
  GArray *last_position;   /* gint64 per rung */
  guint signals;
  gboolean went_backwards;
  GCancellable *cancel_when_moving;
} RunState;

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunState *state = user_data;
  state->result = g_object_ref (result);
}

static void
on_rung_progress (SrLadderEncoder *encoder,
                  guint            index,
                  const gchar     *name,
                  gint64           position,
                  gint64           duration,
                  RunState        *state)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  if (index >= state->last_position->len)
    g_array_set_size (state->last_position, index + 1);
  if (position < g_array_index (state->last_position, gint64, index))
    state->went_backwards = TRUE;
  g_array_index (state->last_position, gint64, index) = position;
  state->signals++;
  if (state->cancel_when_moving != NULL && position > 0)
    g_cancellable_cancel (state->cancel_when_moving);
}

static gboolean
run_encoder (SrLadderEncoder  *encoder,
             RunState         *state,
             GCancellable     *cancellable,
             GError          **error)
{
  gboolean ok;

  state->last_position = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_signal_connect (encoder, "rung-progress", G_CALLBACK (on_rung_progress), state);
  sr_ladder_encoder_run_async (encoder, cancellable, on_run_done, state);
  while (state->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ok = sr_ladder_encoder_run_finish (encoder, state->result, error);
  g_clear_object (&state->result);
  return ok;
}

static void
run_state_clear (RunState *state)
{
  g_clear_pointer (&state->last_position, g_array_unref);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

static gchar **
list_dir (const gchar *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (gchar **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static void
test_encode_ladder (void)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(SrLadderEncoder) encoder = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree gchar *joined = NULL;
  g_autofree gchar *info_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree gchar *poster = NULL;
  g_autofree gchar *poster_data = NULL;
  gsize poster_len = 0;
  JsonObject *info;
  JsonArray *renditions;
  RunState state = { 0 };
  gint64 t0 = g_get_monotonic_time ();
  const struct { const gchar *name; guint w, h; } expected[] = {
    { "720p", 1280, 720 }, { "480p", 854, 480 }, { "360p", 640, 360 },
  };

  out_dir = g_build_filename (tmp_dir, "ladder", NULL);
  dir = g_file_new_for_path (out_dir);
  encoder = sr_ladder_encoder_new (source, dir, NULL);
  sr_ladder_encoder_set_speed_preset (encoder, "ultrafast");
  sr_ladder_encoder_set_title (encoder, "Moving bars");
  sr_ladder_encoder_set_description (encoder, "A test clip");

  g_assert_true (run_encoder (encoder, &state, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("ladder of a 4 s 720p clip encoded in %.2f s",
                  (g_get_monotonic_time () - t0) / 1e6);

  /* A 720p source never gets an upscaled 1080p rung. */
  g_assert_cmpuint (sr_ladder_get_n_rungs (sr_ladder_encoder_get_ladder (encoder)), ==, 3);

  names = list_dir (out_dir);
  joined = g_strjoinv (" ", names);
  g_assert_cmpstr (joined, ==, "360p.mp4 480p.mp4 720p.mp4 info.json poster.jpg");

  /* Progress reached the end for every rung, never going backwards. */
  g_assert_cmpfloat (sr_ladder_encoder_get_progress (encoder), ==, 1.0);
  g_assert_false (state.went_backwards);
  g_assert_cmpuint (state.last_position->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (g_array_index (state.last_position, gint64, i), ==, sr_ladder_encoder_get_duration (encoder));
      g_assert_cmpint (sr_ladder_encoder_get_rung_position (encoder, i), ==, sr_ladder_encoder_get_duration (encoder));
    }
  g_assert_cmpuint (state.signals, >=, 3);

  poster = g_build_filename (out_dir, "poster.jpg", NULL);
  g_assert_true (g_file_get_contents (poster, &poster_data, &poster_len, NULL));
  g_assert_cmpuint (poster_len, >, 1000);
  g_assert_cmpint ((guint8) poster_data[0], ==, 0xFF);
  g_assert_cmpint ((guint8) poster_data[1], ==, 0xD8);

  info_path = g_build_filename (out_dir, "info.json", NULL);
  g_assert_true (json_parser_load_from_file (parser, info_path, &error));
  g_assert_no_error (error);
  info = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (info, "title"), ==, "Moving bars");
  g_assert_cmpstr (json_object_get_string_member (info, "description"), ==, "A test clip");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (info, "duration"), 4.0, 0.05);
  g_assert_cmpstr (json_object_get_string_member (info, "poster"), ==, "poster.jpg");
  renditions = json_object_get_array_member (info, "renditions");
  g_assert_cmpuint (json_array_get_length (renditions), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *r = json_array_get_object_element (renditions, i);
      g_autofree gchar *file = g_strdup_printf ("%s.mp4", expected[i].name);
      g_autofree gchar *path = g_build_filename (out_dir, file, NULL);
      GStatBuf st;

      g_assert_cmpstr (json_object_get_string_member (r, "name"), ==, expected[i].name);
      g_assert_cmpstr (json_object_get_string_member (r, "file"), ==, file);
      g_assert_cmpint (json_object_get_int_member (r, "width"), ==, expected[i].w);
      g_assert_cmpint (json_object_get_int_member (r, "height"), ==, expected[i].h);
      g_assert_cmpint (json_object_get_int_member (r, "bitrate"), >, 0);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (json_object_get_int_member (r, "size"), ==, st.st_size);
      g_assert_cmpint (json_object_get_int_member (r, "frames"), ==, 100);
      g_test_message ("%s: %" G_GINT64_FORMAT " bytes", expected[i].name, (gint64) st.st_size);
    }

  run_state_clear (&state);
}

/* The presentation times of the sync samples, read by demuxing (no decode). */
static GArray *
read_keyframes (const gchar *path)
{
  g_autofree gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! qtdemux name=d d.video_0 ! h264parse ! appsink name=sink sync=false", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (desc, &error);
  g_autoptr(GstElement) sink = NULL;
  GArray *times = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  GstSample *sample;

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);

      if (!GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
        {
          GstClockTime pts = GST_BUFFER_PTS (buffer);
          g_array_append_val (times, pts);
        }
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return times;
}

static void
test_keyframes_aligned (void)
{
  g_autoptr(GArray) reference = NULL;
  const gchar *rungs[] = { "720p", "480p", "360p" };

  g_assert_nonnull (out_dir);
  for (guint i = 0; i < G_N_ELEMENTS (rungs); i++)
    {
      g_autofree gchar *file = g_strdup_printf ("%s.mp4", rungs[i]);
      g_autofree gchar *path = g_build_filename (out_dir, file, NULL);
      g_autoptr(GArray) times = read_keyframes (path);
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint k = 0; k < times->len; k++)
        g_string_append_printf (line, " %.3f", (gdouble) g_array_index (times, GstClockTime, k) / GST_SECOND);
      g_test_message ("%s keyframes at%s", rungs[i], line->str);

      /* 4 s at a 2 s GOP: keyframes at 0 and 2 s, nowhere else. */
      g_assert_cmpuint (times->len, ==, 2);
      g_assert_cmpuint (g_array_index (times, GstClockTime, 1) - g_array_index (times, GstClockTime, 0), ==, 2 * GST_SECOND);
      if (reference == NULL)
        reference = g_array_ref (times);
      else
        for (guint k = 0; k < times->len; k++)
          g_assert_cmpuint (g_array_index (times, GstClockTime, k), ==, g_array_index (reference, GstClockTime, k));
    }
}

static void
test_cancel_removes_outputs (void)
{
  g_autofree gchar *path = g_build_filename (tmp_dir, "cancelled", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(SrLadderEncoder) encoder = sr_ladder_encoder_new (source, dir, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  RunState state = { 0 };

  sr_ladder_encoder_set_speed_preset (encoder, "ultrafast");
  state.cancel_when_moving = cancellable;
  g_assert_false (run_encoder (encoder, &state, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (state.signals, >, 0);

  names = list_dir (path);
  g_assert_cmpstrv (names, ((const gchar *[]) { NULL }));
  run_state_clear (&state);
}

static void
test_not_video_source (void)
{
  g_autofree gchar *text = g_build_filename (tmp_dir, "readme.txt", NULL);
  g_autofree gchar *path = g_build_filename (tmp_dir, "from-text", NULL);
  g_autoptr(GFile) text_file = g_file_new_for_path (text);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(SrLadderEncoder) encoder = sr_ladder_encoder_new (text_file, dir, NULL);
  g_autoptr(GError) error = NULL;
  RunState state = { 0 };

  g_assert_true (g_file_set_contents (text, "not a video\n", -1, NULL));
  g_assert_false (run_encoder (encoder, &state, NULL, &error));
  g_assert_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_NOT_VIDEO);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  run_state_clear (&state);
}

static gboolean
cancel_now (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* 854×480, a common size whose decoder pads the width and renegotiates
 * mid-stream: the ladder used to stall for good right after the first
 * frames. Every rung must be written, well within the ceiling. */
static void
test_odd_width_source_finishes (void)
{
  g_autoptr(GFile) wide = transcode_test_make_clip (tmp_dir, "wide.mp4", "smpte-moving", 854, 480, 2, TRUE);
  g_autofree gchar *path = g_build_filename (tmp_dir, "wide-out", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(SrLadder) ladder = sr_ladder_for_source (854, 480);
  g_autoptr(SrLadderEncoder) encoder = NULL;
  g_autoptr(GCancellable) ceiling = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree gchar *joined = NULL;
  RunState state = { 0 };
  guint timeout_id;

  encoder = sr_ladder_encoder_new (wide, dir, ladder);
  sr_ladder_encoder_set_speed_preset (encoder, "ultrafast");
  timeout_id = g_timeout_add_seconds (120, cancel_now, ceiling);
  g_assert_true (run_encoder (encoder, &state, ceiling, &error));
  g_assert_no_error (error);
  g_source_remove (timeout_id);
  names = list_dir (path);
  joined = g_strjoinv (" ", names);
  g_assert_cmpstr (joined, ==, "360p.mp4 480p.mp4 info.json poster.jpg");
  run_state_clear (&state);
}

/* A ladder as the worker receives it (JSON, a width left to follow the
 * source), on a source without audio. */
static void
test_custom_ladder_without_audio (void)
{
  g_autoptr(GFile) silent = transcode_test_make_clip (tmp_dir, "silent.mp4", "ball", 640, 360, 2, FALSE);
  g_autofree gchar *path = g_build_filename (tmp_dir, "silent-out", NULL);
  g_autofree gchar *out = g_build_filename (path, "360p.mp4", NULL);
  g_autofree gchar *tiny = g_build_filename (path, "tiny.mp4", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  g_autoptr(GFile) tiny_file = g_file_new_for_path (tiny);
  g_autoptr(SrLadder) ladder = NULL;
  g_autoptr(SrLadderEncoder) encoder = NULL;
  g_autoptr(SrMediaProbe) probe = NULL;
  g_autoptr(SrOutputCheck) check = NULL;
  g_autoptr(SrOutputReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL;
  RunState state = { 0 };

  ladder = sr_ladder_new_from_string ("{\"rungs\": ["
                                      "{\"name\": \"360p\", \"width\": 640, \"height\": 360, \"video_bitrate\": 600, \"audio_bitrate\": 96},"
                                      "{\"name\": \"tiny\", \"height\": 144, \"video_bitrate\": 200, \"audio_bitrate\": 64}]}",
                                      &error);
  g_assert_no_error (error);
  encoder = sr_ladder_encoder_new (silent, dir, ladder);
  sr_ladder_encoder_set_speed_preset (encoder, "ultrafast");
  g_assert_true (run_encoder (encoder, &state, NULL, &error));
  g_assert_no_error (error);

  probe = sr_media_probe_new_for_file (out_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (sr_media_probe_has_audio (probe));
  g_assert_cmpuint (sr_media_probe_get_width (probe), ==, 640);
  g_assert_cmpuint (sr_media_probe_get_height (probe), ==, 360);

  check = sr_output_check_new (silent, tiny_file, 256, 144);
  report = sr_output_check_run (check, NULL, &error);
  g_assert_no_error (error);
  text = sr_output_report_to_string (report);
  g_test_message ("tiny.mp4:\n%s", text);
  g_assert_true (sr_output_report_get_passed (report));
  g_assert_cmpstr (sr_output_report_get_message (report, SR_OUTPUT_CHECK_AUDIO), ==, "No audio (the source has none)");
  g_assert_cmpstr (sr_output_report_get_message (report, SR_OUTPUT_CHECK_CONTAINER), ==, "H.264 video in MP4");
  run_state_clear (&state);
}

static gchar *
out_path (const gchar *file)
{
  g_assert_nonnull (out_dir);
  return g_build_filename (out_dir, file, NULL);
}

static void
check_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static SrOutputReport *
check_output (GFile *output,
              guint  width,
              guint  height)
{
  g_autoptr(SrOutputCheck) check = sr_output_check_new (source, output, width, height);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *name = g_file_get_basename (output);
  SrOutputReport *report;
  gint64 t0 = g_get_monotonic_time ();

  sr_output_check_run_async (check, NULL, check_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = sr_output_check_run_finish (check, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  text = sr_output_report_to_string (report);
  g_test_message ("%s (checked in %.2f s):\n%s", name, (g_get_monotonic_time () - t0) / 1e6, text);
  return report;
}

static void
test_outputs_pass_every_check (void)
{
  const struct { const gchar *file; guint w, h; } rungs[] = {
    { "720p.mp4", 1280, 720 }, { "480p.mp4", 854, 480 }, { "360p.mp4", 640, 360 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rungs); i++)
    {
      g_autofree gchar *path = out_path (rungs[i].file);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(SrOutputReport) report = check_output (file, rungs[i].w, rungs[i].h);
      g_autofree gchar *resolution = g_strdup_printf ("Resolution %u×%u (requested %u×%u)",
                                                      rungs[i].w, rungs[i].h, rungs[i].w, rungs[i].h);

      g_assert_true (sr_output_report_get_passed (report));
      g_assert_cmpuint (sr_output_report_get_n_checks (report), ==, 7);
      /* The source's container duration includes its AAC padding. */
      g_assert_true (g_str_has_prefix (sr_output_report_get_message (report, SR_OUTPUT_CHECK_DURATION),
                                       "Duration 4.00 s (source 4.0"));
      g_assert_cmpstr (sr_output_report_get_message (report, SR_OUTPUT_CHECK_RESOLUTION), ==, resolution);
      g_assert_cmpstr (sr_output_report_get_message (report, SR_OUTPUT_CHECK_AUDIO), ==, "Audio present");
      g_assert_cmpuint (sr_output_report_get_frames (report), ==, 100);
      g_assert_cmpfloat (sr_output_report_get_lowest_ssim (report), >=, 0.95);
      g_assert_true (g_str_has_prefix (sr_output_report_get_message (report, SR_OUTPUT_CHECK_SSIM), "SSIM "));
      g_assert_nonnull (strstr (sr_output_report_get_message (report, SR_OUTPUT_CHECK_SSIM), " at 5 points"));
    }
}

/* A worker that returns a different video of the right size, length and
 * format is caught by the picture comparison alone. */
static void
test_tampered_output_fails_ssim (void)
{
  g_autoptr(GFile) other = transcode_test_make_clip (tmp_dir, "other.mp4", "ball", 640, 360, 4, TRUE);
  g_autoptr(SrOutputReport) report = check_output (other, 640, 360);

  g_assert_false (sr_output_report_get_passed (report));
  g_assert_false (sr_output_report_check_passed (report, SR_OUTPUT_CHECK_SSIM));
  g_assert_cmpfloat (sr_output_report_get_lowest_ssim (report), <, 0.6);
  g_assert_true (sr_output_report_check_passed (report, SR_OUTPUT_CHECK_DECODABLE));
  g_assert_true (sr_output_report_check_passed (report, SR_OUTPUT_CHECK_DURATION));
  g_assert_true (sr_output_report_check_passed (report, SR_OUTPUT_CHECK_RESOLUTION));
  g_assert_true (sr_output_report_check_passed (report, SR_OUTPUT_CHECK_CONTAINER));
}

/* The same bars, frozen: every frame after the first replaced by it. */
static void
test_frozen_output_fails_ssim (void)
{
  g_autoptr(GFile) frozen = transcode_test_make_clip (tmp_dir, "frozen.mp4", "smpte", 640, 360, 4, TRUE);
  g_autoptr(SrOutputReport) report = check_output (frozen, 640, 360);

  g_assert_false (sr_output_report_get_passed (report));
  g_assert_false (sr_output_report_check_passed (report, SR_OUTPUT_CHECK_SSIM));
  g_assert_true (sr_output_report_check_passed (report, SR_OUTPUT_CHECK_DURATION));
  g_assert_true (sr_output_report_check_passed (report, SR_OUTPUT_CHECK_AUDIO));
}

static void
test_truncated_output_fails (void)
{
  g_autofree gchar *full = out_path ("360p.mp4");
  g_autofree gchar *cut = g_build_filename (tmp_dir, "360p-truncated.mp4", NULL);
  g_autofree gchar *data = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (cut);
  g_autoptr(SrOutputReport) report = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (full, &data, &len, NULL));
  g_assert_true (g_file_set_contents (cut, data, len * 6 / 10, NULL));

  report = check_output (file, 640, 360);
  g_assert_false (sr_output_report_get_passed (report));
  g_assert_false (sr_output_report_check_passed (report, SR_OUTPUT_CHECK_DURATION));
  g_assert_cmpuint (sr_output_report_get_frames (report), <, 100);
}

static void
test_wrong_size_and_missing_audio_fail (void)
{
  g_autofree gchar *p480 = out_path ("480p.mp4");
  g_autofree gchar *p360 = out_path ("360p.mp4");
  g_autofree gchar *silent = g_build_filename (tmp_dir, "360p-silent.mp4", NULL);
  g_autofree gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! qtdemux ! h264parse ! mp4mux ! filesink location=\"%s\"",
                                            p360, silent);
  g_autoptr(GFile) f480 = g_file_new_for_path (p480);
  g_autoptr(GFile) fsilent = g_file_new_for_path (silent);
  g_autoptr(SrOutputReport) wrong_size = NULL;
  g_autoptr(SrOutputReport) no_audio = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;

  wrong_size = check_output (f480, 640, 360);
  g_assert_false (sr_output_report_get_passed (wrong_size));
  g_assert_false (sr_output_report_check_passed (wrong_size, SR_OUTPUT_CHECK_RESOLUTION));
  g_assert_cmpstr (sr_output_report_get_message (wrong_size, SR_OUTPUT_CHECK_RESOLUTION), ==,
                   "Resolution 854×480 (requested 640×360)");

  /* The same pictures remuxed without audio and without fast start. */
  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  no_audio = check_output (fsilent, 640, 360);
  g_assert_false (sr_output_report_get_passed (no_audio));
  g_assert_false (sr_output_report_check_passed (no_audio, SR_OUTPUT_CHECK_AUDIO));
  g_assert_false (sr_output_report_check_passed (no_audio, SR_OUTPUT_CHECK_FAST_START));
  g_assert_true (sr_output_report_check_passed (no_audio, SR_OUTPUT_CHECK_SSIM));
  g_assert_true (sr_output_report_check_passed (no_audio, SR_OUTPUT_CHECK_DURATION));
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  tmp_dir = transcode_test_make_dir ();
  source = transcode_test_make_clip (tmp_dir, "source.mp4", "smpte-moving", 1280, 720, 4, TRUE);

  g_test_add_func ("/transcode/encode/ladder", test_encode_ladder);
  g_test_add_func ("/transcode/encode/keyframes-aligned", test_keyframes_aligned);
  g_test_add_func ("/transcode/check/outputs-pass", test_outputs_pass_every_check);
  g_test_add_func ("/transcode/check/tampered", test_tampered_output_fails_ssim);
  g_test_add_func ("/transcode/check/frozen", test_frozen_output_fails_ssim);
  g_test_add_func ("/transcode/check/truncated", test_truncated_output_fails);
  g_test_add_func ("/transcode/check/wrong-size-and-missing-audio", test_wrong_size_and_missing_audio_fail);
  g_test_add_func ("/transcode/encode/cancel", test_cancel_removes_outputs);
  g_test_add_func ("/transcode/encode/not-video", test_not_video_source);
  g_test_add_func ("/transcode/encode/custom-ladder-no-audio", test_custom_ladder_without_audio);
  g_test_add_func ("/transcode/encode/odd-width-source", test_odd_width_source_finishes);

  ret = g_test_run ();

  g_clear_object (&source);
  g_clear_pointer (&out_dir, g_free);
  transcode_test_rm_rf (tmp_dir);
  g_free (tmp_dir);
  return ret;
}

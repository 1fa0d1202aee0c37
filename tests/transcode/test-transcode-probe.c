/* test-transcode-probe.c: the preflight probe on a real clip and on files
 * that are not videos, and the default ladder choice. */
#include <string.h>
#include <glib/gstdio.h>

#include "transcode/sr-ladder.h"
#include "transcode/sr-media-probe.h"
#include "transcode/sr-transcode-error.h"
#include "transcode-test-util.h"

static gchar *tmp_dir;
static GFile *clip;

static void
test_probe_clip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMediaProbe) probe = sr_media_probe_new_for_file (clip, NULL, &error);
  g_autofree gchar *line = NULL;
  gint num, den;

  g_assert_no_error (error);
  g_assert_cmpuint (sr_media_probe_get_width (probe), ==, 640);
  g_assert_cmpuint (sr_media_probe_get_height (probe), ==, 360);
  sr_media_probe_get_framerate (probe, &num, &den);
  g_assert_cmpint (num, ==, 25);
  g_assert_cmpint (den, ==, 1);
  g_assert_cmpuint (sr_media_probe_get_duration (probe), >=, 1990 * GST_MSECOND);
  g_assert_cmpuint (sr_media_probe_get_duration (probe), <=, 2050 * GST_MSECOND);
  g_assert_true (sr_media_probe_has_audio (probe));
  g_assert_cmpint (sr_media_probe_get_size (probe), >, 1000);
  g_assert_true (gst_structure_has_name (gst_caps_get_structure (sr_media_probe_get_video_caps (probe), 0), "video/x-h264"));
  g_assert_true (gst_structure_has_name (gst_caps_get_structure (sr_media_probe_get_container_caps (probe), 0), "video/quicktime"));

  line = sr_media_probe_describe (probe);
  g_test_message ("preflight: %s", line);
  g_assert_nonnull (strstr (line, "640×360"));
  g_assert_nonnull (strstr (line, "H.264"));
}

static void
probe_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static void
test_probe_async_text_file (void)
{
  g_autofree gchar *path = g_build_filename (tmp_dir, "notes.mp4", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMediaProbe) probe = NULL;

  g_assert_true (g_file_set_contents (path, "Dear diary,\nthis is not a video at all.\n", -1, NULL));

  sr_media_probe_new_for_file_async (file, NULL, probe_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  probe = sr_media_probe_new_for_file_finish (result, &error);
  g_assert_null (probe);
  g_assert_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_NOT_VIDEO);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "This file is not a video Seedreel can read: "));
}

static void
test_probe_audio_only_and_missing (void)
{
  g_autofree gchar *missing_path = g_build_filename (tmp_dir, "does-not-exist.mp4", NULL);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  g_autofree gchar *audio_path = g_build_filename (tmp_dir, "song.m4a", NULL);
  g_autofree gchar *desc = g_strdup_printf ("audiotestsrc num-buffers=50 ! audioconvert ! %s ! mp4mux ! filesink location=\"%s\"",
                                            transcode_test_aac_encoder (), audio_path);
  g_autoptr(GFile) audio = g_file_new_for_path (audio_path);
  g_autoptr(SrMediaProbe) probe = NULL;

  probe = sr_media_probe_new_for_file (missing, NULL, &error);
  g_assert_null (probe);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  probe = sr_media_probe_new_for_file (audio, NULL, &error);
  g_assert_null (probe);
  g_assert_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_NOT_VIDEO);
  g_assert_nonnull (strstr (error->message, "no video"));
}

static gchar *
rung_names (SrLadder *ladder)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < sr_ladder_get_n_rungs (ladder); i++)
    {
      const SrLadderRung *rung = sr_ladder_get_rung (ladder, i);
      g_string_append_printf (s, "%s%s=%ux%u", i ? " " : "", rung->name, rung->width, rung->height);
    }
  return g_string_free (s, FALSE);
}

static void
test_ladder_never_upscales (void)
{
  struct { guint w, h; const gchar *expected; } cases[] = {
    { 3840, 2160, "1080p=1920x1080 720p=1280x720 480p=854x480 360p=640x360" },
    { 1920, 1080, "1080p=1920x1080 720p=1280x720 480p=854x480 360p=640x360" },
    { 1280, 720, "720p=1280x720 480p=854x480 360p=640x360" },
    { 1440, 1080, "1080p=1440x1080 720p=960x720 480p=640x480 360p=480x360" },
    { 854, 480, "480p=854x480 360p=640x360" },
    { 640, 360, "360p=640x360" },
    { 320, 240, "240p=320x240" },
    { 321, 181, "180p=320x180" },
    { 1080, 1920, "1080p=1080x1920 720p=720x1280 480p=480x854 360p=360x640" },
    { 720, 1280, "720p=720x1280 480p=480x854 360p=360x640" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SrLadder) ladder = sr_ladder_for_source (cases[i].w, cases[i].h);
      g_autofree gchar *names = rung_names (ladder);

      g_assert_cmpstr (names, ==, cases[i].expected);
      for (guint r = 0; r < sr_ladder_get_n_rungs (ladder); r++)
        {
          g_assert_cmpuint (sr_ladder_get_rung (ladder, r)->height, <=, cases[i].h);
          g_assert_cmpuint (sr_ladder_get_rung (ladder, r)->width, <=, cases[i].w);
          g_assert_cmpuint (sr_ladder_get_rung (ladder, r)->video_bitrate, >, 0);
        }
    }
}

static void
test_ladder_json (void)
{
  g_autoptr(SrLadder) ladder = sr_ladder_for_source (1920, 1080);
  g_autofree gchar *json = sr_ladder_to_string (ladder);
  g_autoptr(SrLadder) back = NULL;
  g_autofree gchar *names = NULL;
  g_autoptr(GError) error = NULL;
  const gchar *bad[] = {
    "[]",
    "{\"rungs\": []}",
    "{\"rungs\": [{\"name\": \"../../etc/passwd\", \"height\": 360, \"video_bitrate\": 800, \"audio_bitrate\": 96}]}",
    "{\"rungs\": [{\"name\": \"360p\", \"height\": 99999, \"video_bitrate\": 800, \"audio_bitrate\": 96}]}",
    "{\"rungs\": [{\"name\": \"360p\", \"height\": 361, \"video_bitrate\": 800, \"audio_bitrate\": 96}]}",
    "{\"rungs\": [{\"name\": \"360p\", \"height\": \"tall\", \"video_bitrate\": 800, \"audio_bitrate\": 96}]}",
    "{\"rungs\": [{\"name\": \"a\", \"height\": 360, \"video_bitrate\": 800, \"audio_bitrate\": 96},"
               " {\"name\": \"a\", \"height\": 360, \"video_bitrate\": 800, \"audio_bitrate\": 96}]}",
    "{not json",
  };

  back = sr_ladder_new_from_string (json, &error);
  g_assert_no_error (error);
  names = rung_names (back);
  g_assert_cmpstr (names, ==, "1080p=1920x1080 720p=1280x720 480p=854x480 360p=640x360");
  g_assert_cmpuint (sr_ladder_find_rung (back, "720p")->video_bitrate, ==, sr_ladder_find_rung (ladder, "720p")->video_bitrate);
  g_assert_cmpuint (sr_ladder_find_rung (back, "360p")->audio_bitrate, ==, 96);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SrLadder) parsed = sr_ladder_new_from_string (bad[i], &error);
      g_assert_null (parsed);
      g_assert_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_INVALID_LADDER);
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  tmp_dir = transcode_test_make_dir ();
  clip = transcode_test_make_clip (tmp_dir, "clip.mp4", "smpte", 640, 360, 2, TRUE);

  g_test_add_func ("/transcode/probe/clip", test_probe_clip);
  g_test_add_func ("/transcode/probe/text-file", test_probe_async_text_file);
  g_test_add_func ("/transcode/probe/audio-only-and-missing", test_probe_audio_only_and_missing);
  g_test_add_func ("/transcode/ladder/never-upscales", test_ladder_never_upscales);
  g_test_add_func ("/transcode/ladder/json", test_ladder_json);

  ret = g_test_run ();

  g_clear_object (&clip);
  transcode_test_rm_rf (tmp_dir);
  g_free (tmp_dir);
  return ret;
}

/* transcode-test-util.c: real media clips made with GStreamer for the
 * transcoding tests. */
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "transcode-test-util.h"

#define FPS 25

/* avenc_aac, or voaacenc where libav is left out (valgrind cannot run the
 * libhwy that libav pulls in). */
const gchar *
transcode_test_aac_encoder (void)
{
  g_autoptr(GstElementFactory) avenc = NULL;

  gst_init (NULL, NULL);
  avenc = gst_element_factory_find ("avenc_aac");
  return avenc != NULL ? "avenc_aac" : "voaacenc";
}

/* pattern is a videotestsrc pattern; "smpte-moving" scrolls the bars so that
 * every sampled frame differs. */
GFile *
transcode_test_make_clip (const gchar *dir,
                          const gchar *name,
                          const gchar *pattern,
                          guint        width,
                          guint        height,
                          guint        seconds,
                          gboolean     with_audio)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autofree gchar *video_src = NULL;
  g_autofree gchar *audio = NULL;
  g_autofree gchar *desc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;

  gst_init (NULL, NULL);

  if (g_str_equal (pattern, "smpte-moving"))
    video_src = g_strdup ("videotestsrc pattern=smpte horizontal-speed=6");
  else
    video_src = g_strdup_printf ("videotestsrc pattern=%s", pattern);

  if (with_audio)
    {
      audio = g_strdup_printf ("audiotestsrc wave=sine freq=440 num-buffers=%u samplesperbuffer=1000 ! "
                               "audio/x-raw,rate=48000,channels=2 ! audioconvert ! %s ! mux. ",
                               seconds * 48, transcode_test_aac_encoder ());
    }
  desc = g_strdup_printf ("%s num-buffers=%u ! video/x-raw,width=%u,height=%u,framerate=%u/1 ! "
                          "videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=ultrafast key-int-max=%u bitrate=4000 ! "
                          "mp4mux name=mux ! filesink location=\"%s\" %s",
                          video_src, seconds * FPS, width, height, FPS, FPS, path,
                          audio != NULL ? audio : "");

  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, 600 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) gst_error = NULL;
      gst_message_parse_error (msg, &gst_error, NULL);
      g_error ("making %s failed: %s", name, gst_error->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return g_file_new_for_path (path);
}

gchar *
transcode_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  gchar *dir = g_dir_make_tmp ("seedreel-transcode-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
transcode_test_rm_rf (const gchar *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree gchar *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        transcode_test_rm_rf (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

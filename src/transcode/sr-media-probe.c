/* sr-media-probe.c: the preflight of a media file. GstDiscoverer's
 * synchronous mode pops its own bus, so it runs in a worker thread for the
 * async variant and never blocks the caller's main context. */
#include "config.h"

#include <glib/gi18n.h>
#include <gst/pbutils/pbutils.h>

#include "sr-media-probe.h"
#include "sr-transcode-error.h"
#include "sr-transcode-private.h"

#define DISCOVER_TIMEOUT (15 * GST_SECOND)

struct _SrMediaProbe
{
  GObject parent_instance;

  GFile *file;
  GstClockTime duration;
  goffset size;
  gchar *container;
  GstCaps *container_caps;
  gchar *video_codec;
  GstCaps *video_caps;
  guint width;
  guint height;
  gint fps_n;
  gint fps_d;
  gchar *audio_codec;
  GstCaps *audio_caps;
};

G_DEFINE_FINAL_TYPE (SrMediaProbe, sr_media_probe, G_TYPE_OBJECT)

static void
sr_media_probe_finalize (GObject *object)
{
  SrMediaProbe *self = SR_MEDIA_PROBE (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->container, g_free);
  g_clear_pointer (&self->container_caps, gst_caps_unref);
  g_clear_pointer (&self->video_codec, g_free);
  g_clear_pointer (&self->video_caps, gst_caps_unref);
  g_clear_pointer (&self->audio_codec, g_free);
  g_clear_pointer (&self->audio_caps, gst_caps_unref);

  G_OBJECT_CLASS (sr_media_probe_parent_class)->finalize (object);
}

static void
sr_media_probe_class_init (SrMediaProbeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sr_media_probe_finalize;
}

static void
sr_media_probe_init (SrMediaProbe *self)
{
  self->duration = GST_CLOCK_TIME_NONE;
  self->fps_d = 1;
}

static void
set_not_video (GError      **error,
               const gchar  *reason)
{
  g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_NOT_VIDEO,
               _("This file is not a video Seedreel can read: %s"), reason);
}

static gchar *
describe_caps (GstCaps *caps)
{
  if (caps == NULL || gst_caps_is_empty (caps))
    return g_strdup (_("unknown"));
  return gst_pb_utils_get_codec_description (caps);
}

SrMediaProbe *
sr_media_probe_new_for_file (GFile         *file,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(SrMediaProbe) self = NULL;
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autoptr(GFileInfo) file_info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree gchar *uri = NULL;
  GstDiscovererStreamInfo *top;
  GList *videos, *audios;
  GstDiscovererVideoInfo *video;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  _sr_transcode_ensure_gst ();

  file_info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                 G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                 G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (file_info == NULL)
    return NULL;
  if (g_file_info_get_file_type (file_info) != G_FILE_TYPE_REGULAR)
    {
      set_not_video (error, _("it is not a regular file"));
      return NULL;
    }

  discoverer = gst_discoverer_new (DISCOVER_TIMEOUT, &local_error);
  if (discoverer == NULL)
    {
      g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_MISSING_ELEMENT,
                   _("GStreamer cannot inspect media files: %s"), local_error->message);
      return NULL;
    }

  uri = g_file_get_uri (file);
  info = gst_discoverer_discover_uri (discoverer, uri, &local_error);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  switch (info != NULL ? gst_discoverer_info_get_result (info) : GST_DISCOVERER_ERROR)
    {
    case GST_DISCOVERER_OK:
      break;
    case GST_DISCOVERER_TIMEOUT:
      set_not_video (error, _("inspecting it took too long"));
      return NULL;
    case GST_DISCOVERER_MISSING_PLUGINS:
      set_not_video (error, _("its format is not supported"));
      return NULL;
    case GST_DISCOVERER_URI_INVALID:
    case GST_DISCOVERER_BUSY:
    case GST_DISCOVERER_ERROR:
    default:
      set_not_video (error, local_error != NULL ? local_error->message : _("it could not be decoded"));
      return NULL;
    }

  videos = gst_discoverer_info_get_video_streams (info);
  audios = gst_discoverer_info_get_audio_streams (info);
  video = videos != NULL ? videos->data : NULL;

  if (video == NULL)
    {
      gst_discoverer_stream_info_list_free (videos);
      gst_discoverer_stream_info_list_free (audios);
      set_not_video (error, _("it has no video track"));
      return NULL;
    }
  if (gst_discoverer_video_info_is_image (video))
    {
      gst_discoverer_stream_info_list_free (videos);
      gst_discoverer_stream_info_list_free (audios);
      set_not_video (error, _("it is a still image"));
      return NULL;
    }

  self = g_object_new (SR_TYPE_MEDIA_PROBE, NULL);
  self->file = g_object_ref (file);
  self->size = g_file_info_get_size (file_info);
  self->duration = gst_discoverer_info_get_duration (info);

  top = gst_discoverer_info_get_stream_info (info);
  if (top != NULL && GST_IS_DISCOVERER_CONTAINER_INFO (top))
    {
      self->container_caps = gst_discoverer_stream_info_get_caps (top);
      self->container = describe_caps (self->container_caps);
    }
  else
    self->container = g_strdup (_("none"));
  g_clear_object (&top);

  self->video_caps = gst_discoverer_stream_info_get_caps (GST_DISCOVERER_STREAM_INFO (video));
  self->video_codec = describe_caps (self->video_caps);
  self->width = gst_discoverer_video_info_get_width (video);
  self->height = gst_discoverer_video_info_get_height (video);
  self->fps_n = (gint) gst_discoverer_video_info_get_framerate_num (video);
  self->fps_d = (gint) gst_discoverer_video_info_get_framerate_denom (video);
  if (self->fps_d == 0)
    self->fps_d = 1;

  if (audios != NULL)
    {
      self->audio_caps = gst_discoverer_stream_info_get_caps (audios->data);
      self->audio_codec = describe_caps (self->audio_caps);
    }

  gst_discoverer_stream_info_list_free (videos);
  gst_discoverer_stream_info_list_free (audios);

  if (!GST_CLOCK_TIME_IS_VALID (self->duration) || self->duration == 0)
    {
      set_not_video (error, _("its duration is unknown"));
      return NULL;
    }
  if (self->width == 0 || self->height == 0)
    {
      set_not_video (error, _("its picture size is unknown"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  SrMediaProbe *probe = sr_media_probe_new_for_file (task_data, cancellable, &error);

  if (probe == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, probe, g_object_unref);
}

void
sr_media_probe_new_for_file_async (GFile               *file,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_media_probe_new_for_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, probe_thread);
}

SrMediaProbe *
sr_media_probe_new_for_file_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
sr_media_probe_get_file (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), NULL);
  return self->file;
}

GstClockTime
sr_media_probe_get_duration (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), GST_CLOCK_TIME_NONE);
  return self->duration;
}

goffset
sr_media_probe_get_size (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), 0);
  return self->size;
}

const gchar *
sr_media_probe_get_container (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), NULL);
  return self->container;
}

GstCaps *
sr_media_probe_get_container_caps (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), NULL);
  return self->container_caps;
}

const gchar *
sr_media_probe_get_video_codec (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), NULL);
  return self->video_codec;
}

GstCaps *
sr_media_probe_get_video_caps (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), NULL);
  return self->video_caps;
}

guint
sr_media_probe_get_width (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), 0);
  return self->width;
}

guint
sr_media_probe_get_height (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), 0);
  return self->height;
}

void
sr_media_probe_get_framerate (SrMediaProbe *self,
                              gint         *num,
                              gint         *den)
{
  g_return_if_fail (SR_IS_MEDIA_PROBE (self));
  if (num != NULL)
    *num = self->fps_n;
  if (den != NULL)
    *den = self->fps_d;
}

gboolean
sr_media_probe_has_audio (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), FALSE);
  return self->audio_caps != NULL;
}

const gchar *
sr_media_probe_get_audio_codec (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), NULL);
  return self->audio_codec;
}

GstCaps *
sr_media_probe_get_audio_caps (SrMediaProbe *self)
{
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), NULL);
  return self->audio_caps;
}

/* One line for the creator's preflight, e.g.
 * "0:04 · 1280×720 H.264 at 25 fps · AAC audio · MP4 · 1.2 MB". */
gchar *
sr_media_probe_describe (SrMediaProbe *self)
{
  g_autofree gchar *size = NULL;
  g_autofree gchar *audio = NULL;
  guint64 secs;
  gdouble fps;

  g_return_val_if_fail (SR_IS_MEDIA_PROBE (self), NULL);

  secs = (self->duration + GST_SECOND / 2) / GST_SECOND;
  fps = self->fps_d > 0 ? (gdouble) self->fps_n / self->fps_d : 0;
  size = g_format_size (self->size);
  audio = self->audio_codec != NULL ? g_strdup_printf (_("%s audio"), self->audio_codec)
                                    : g_strdup (_("no audio"));

  return g_strdup_printf (_("%u:%02u · %u×%u %s at %.4g fps · %s · %s · %s"),
                          (guint) (secs / 60), (guint) (secs % 60),
                          self->width, self->height, self->video_codec, fps,
                          audio, self->container, size);
}

/* sr-video-paintable.c: see sr-video-paintable.h.
 *
 * The appsink asks for premultiplied-compatible BGRA: videoconvert writes
 * alpha 255, so the bytes are valid as B8G8R8A8_PREMULTIPLIED and GTK
 * uploads them without an unpremultiply pass. */

#include "config.h"

#include "player/sr-video-paintable.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

struct _SrVideoPaintable
{
  GObject parent_instance;

  GstElement *sink;

  GMutex lock;
  GstSample *pending;          /* newest sample not yet shown */
  guint idle_id;

  /* Main thread only. */
  GdkTexture *texture;
  GstClockTime pts;
  int width, height;
  guint frame_count;
};

static void sr_video_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrVideoPaintable, sr_video_paintable, G_TYPE_OBJECT,
  G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, sr_video_paintable_paintable_init))

typedef struct {
  GstBuffer *buffer;
  GstMapInfo map;
} Mapping;

static void
mapping_free (gpointer data)
{
  Mapping *m = data;

  gst_buffer_unmap (m->buffer, &m->map);
  gst_buffer_unref (m->buffer);
  g_free (m);
}

static GdkTexture *
texture_from_sample (GstSample *sample, GstClockTime *pts)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  g_autoptr(GBytes) bytes = NULL;
  GstVideoMeta *meta;
  GstVideoInfo info;
  Mapping *m;
  gsize offset, stride;
  int width, height;

  if (buffer == NULL || caps == NULL || !gst_video_info_from_caps (&info, caps))
    return NULL;

  m = g_new0 (Mapping, 1);
  m->buffer = gst_buffer_ref (buffer);
  if (!gst_buffer_map (m->buffer, &m->map, GST_MAP_READ))
    {
      gst_buffer_unref (m->buffer);
      g_free (m);
      return NULL;
    }
  width = GST_VIDEO_INFO_WIDTH (&info);
  height = GST_VIDEO_INFO_HEIGHT (&info);
  offset = GST_VIDEO_INFO_PLANE_OFFSET (&info, 0);
  stride = (gsize) GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
  meta = gst_buffer_get_video_meta (buffer);
  if (meta != NULL)
    {
      offset = meta->offset[0];
      stride = (gsize) meta->stride[0];
    }
  if (offset + stride * (gsize) (height - 1) + (gsize) width * 4 > m->map.size)
    {
      mapping_free (m);
      return NULL;
    }
  *pts = GST_BUFFER_PTS (buffer);
  /* The GBytes keeps the buffer mapped for as long as GTK needs it. */
  bytes = g_bytes_new_with_free_func (m->map.data + offset, m->map.size - offset, mapping_free, m);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, stride);
}

static gboolean
show_pending (gpointer user_data)
{
  SrVideoPaintable *self = user_data;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GstClockTime pts = GST_CLOCK_TIME_NONE;
  gboolean resized;

  g_mutex_lock (&self->lock);
  sample = g_steal_pointer (&self->pending);
  self->idle_id = 0;
  g_mutex_unlock (&self->lock);

  if (sample == NULL)
    return G_SOURCE_REMOVE;
  texture = texture_from_sample (sample, &pts);
  if (texture == NULL)
    return G_SOURCE_REMOVE;

  resized = gdk_texture_get_width (texture) != self->width
            || gdk_texture_get_height (texture) != self->height;
  g_set_object (&self->texture, texture);
  self->width = gdk_texture_get_width (texture);
  self->height = gdk_texture_get_height (texture);
  self->pts = pts;
  self->frame_count++;
  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  return G_SOURCE_REMOVE;
}

static void
queue_sample (SrVideoPaintable *self, GstSample *sample)
{
  g_mutex_lock (&self->lock);
  /* Latest frame wins: an unshown one is simply replaced. */
  if (self->pending != NULL)
    gst_sample_unref (self->pending);
  self->pending = sample;
  if (self->idle_id == 0)
    self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, show_pending, g_object_ref (self), g_object_unref);
  g_mutex_unlock (&self->lock);
}

static GstFlowReturn
on_new_sample (GstAppSink *sink, gpointer user_data)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_FLUSHING;
  queue_sample (user_data, sample);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_new_preroll (GstAppSink *sink, gpointer user_data)
{
  GstSample *sample = gst_app_sink_pull_preroll (sink);

  if (sample == NULL)
    return GST_FLOW_FLUSHING;
  queue_sample (user_data, sample);
  return GST_FLOW_OK;
}

/* ---- GdkPaintable ---- */

static void
paintable_snapshot (GdkPaintable *paintable, GdkSnapshot *snapshot, double width, double height)
{
  SrVideoPaintable *self = SR_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static GdkPaintable *
paintable_get_current_image (GdkPaintable *paintable)
{
  SrVideoPaintable *self = SR_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));
  return gdk_paintable_new_empty (self->width, self->height);
}

static int
paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return SR_VIDEO_PAINTABLE (paintable)->width;
}

static int
paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return SR_VIDEO_PAINTABLE (paintable)->height;
}

static double
paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  SrVideoPaintable *self = SR_VIDEO_PAINTABLE (paintable);

  return self->height > 0 ? (double) self->width / self->height : 0.0;
}

static void
sr_video_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = paintable_snapshot;
  iface->get_current_image = paintable_get_current_image;
  iface->get_intrinsic_width = paintable_get_intrinsic_width;
  iface->get_intrinsic_height = paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = paintable_get_intrinsic_aspect_ratio;
}

/* ---- GObject ---- */

static void
sr_video_paintable_dispose (GObject *object)
{
  SrVideoPaintable *self = SR_VIDEO_PAINTABLE (object);

  if (self->sink != NULL)
    {
      GstAppSinkCallbacks none = { 0 };

      gst_app_sink_set_callbacks (GST_APP_SINK (self->sink), &none, NULL, NULL);
      gst_clear_object (&self->sink);
    }
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending, gst_sample_unref);
  g_mutex_unlock (&self->lock);
  g_clear_object (&self->texture);
  G_OBJECT_CLASS (sr_video_paintable_parent_class)->dispose (object);
}

static void
sr_video_paintable_finalize (GObject *object)
{
  SrVideoPaintable *self = SR_VIDEO_PAINTABLE (object);

  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (sr_video_paintable_parent_class)->finalize (object);
}

static void
sr_video_paintable_class_init (SrVideoPaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_video_paintable_dispose;
  object_class->finalize = sr_video_paintable_finalize;
}

static void
sr_video_paintable_init (SrVideoPaintable *self)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw, format=(string)BGRA");
  GstAppSinkCallbacks callbacks = { 0 };

  g_mutex_init (&self->lock);
  self->pts = GST_CLOCK_TIME_NONE;
  self->sink = gst_object_ref_sink (gst_element_factory_make ("appsink", "seedreel-video-sink"));
  g_object_set (self->sink,
                "caps", caps,
                "max-buffers", 1,
                "drop", TRUE,
                "enable-last-sample", FALSE,
                NULL);
  callbacks.new_sample = on_new_sample;
  callbacks.new_preroll = on_new_preroll;
  /* The callbacks hold no reference: dispose removes them first. */
  gst_app_sink_set_callbacks (GST_APP_SINK (self->sink), &callbacks, self, NULL);
}

SrVideoPaintable *
sr_video_paintable_new (void)
{
  return g_object_new (SR_TYPE_VIDEO_PAINTABLE, NULL);
}

GstElement *
sr_video_paintable_get_sink (SrVideoPaintable *self)
{
  g_return_val_if_fail (SR_IS_VIDEO_PAINTABLE (self), NULL);
  return self->sink;
}

guint
sr_video_paintable_get_frame_count (SrVideoPaintable *self)
{
  g_return_val_if_fail (SR_IS_VIDEO_PAINTABLE (self), 0);
  return self->frame_count;
}

GdkTexture *
sr_video_paintable_get_texture (SrVideoPaintable *self)
{
  g_return_val_if_fail (SR_IS_VIDEO_PAINTABLE (self), NULL);
  return self->texture;
}

GstClockTime
sr_video_paintable_get_frame_pts (SrVideoPaintable *self)
{
  g_return_val_if_fail (SR_IS_VIDEO_PAINTABLE (self), GST_CLOCK_TIME_NONE);
  return self->pts;
}

void
sr_video_paintable_clear (SrVideoPaintable *self)
{
  g_return_if_fail (SR_IS_VIDEO_PAINTABLE (self));
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending, gst_sample_unref);
  g_mutex_unlock (&self->lock);
  g_clear_object (&self->texture);
  self->pts = GST_CLOCK_TIME_NONE;
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

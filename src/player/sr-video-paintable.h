/* sr-video-paintable.h: a GdkPaintable showing the frames of an appsink.
 * Each frame becomes a GdkMemoryTexture over the decoded buffer itself (no
 * copy); the latest frame wins when the main thread falls behind. */
#pragma once

#include <gdk/gdk.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define SR_TYPE_VIDEO_PAINTABLE (sr_video_paintable_get_type ())
G_DECLARE_FINAL_TYPE (SrVideoPaintable, sr_video_paintable, SR, VIDEO_PAINTABLE, GObject)

SrVideoPaintable *sr_video_paintable_new             (void);
/* The appsink to use as a video sink; owned by the paintable. */
GstElement       *sr_video_paintable_get_sink        (SrVideoPaintable *self);
/* Frames shown so far (counted on the main thread). */
guint             sr_video_paintable_get_frame_count (SrVideoPaintable *self);
/* The latest frame's texture, or NULL before the first one. */
GdkTexture       *sr_video_paintable_get_texture     (SrVideoPaintable *self);
/* The latest frame's presentation time, GST_CLOCK_TIME_NONE before one. */
GstClockTime      sr_video_paintable_get_frame_pts   (SrVideoPaintable *self);
/* Forgets the current frame (after a stop). */
void              sr_video_paintable_clear           (SrVideoPaintable *self);

G_END_DECLS

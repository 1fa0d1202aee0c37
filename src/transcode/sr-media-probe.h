/* sr-media-probe.h: what a media file contains (duration, container, codecs,
 * size), read with GstDiscoverer. The creator's preflight and the worker's
 * upload check both start here. */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define SR_TYPE_MEDIA_PROBE (sr_media_probe_get_type ())
G_DECLARE_FINAL_TYPE (SrMediaProbe, sr_media_probe, SR, MEDIA_PROBE, GObject)

SrMediaProbe *sr_media_probe_new_for_file        (GFile                *file,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void          sr_media_probe_new_for_file_async  (GFile                *file,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
SrMediaProbe *sr_media_probe_new_for_file_finish (GAsyncResult         *result,
                                                  GError              **error);

GFile        *sr_media_probe_get_file            (SrMediaProbe *self);
GstClockTime  sr_media_probe_get_duration        (SrMediaProbe *self);
goffset       sr_media_probe_get_size            (SrMediaProbe *self);
const gchar  *sr_media_probe_get_container       (SrMediaProbe *self);
GstCaps      *sr_media_probe_get_container_caps  (SrMediaProbe *self);
const gchar  *sr_media_probe_get_video_codec     (SrMediaProbe *self);
GstCaps      *sr_media_probe_get_video_caps      (SrMediaProbe *self);
guint         sr_media_probe_get_width           (SrMediaProbe *self);
guint         sr_media_probe_get_height          (SrMediaProbe *self);
void          sr_media_probe_get_framerate       (SrMediaProbe *self,
                                                  gint         *num,
                                                  gint         *den);
gboolean      sr_media_probe_has_audio           (SrMediaProbe *self);
const gchar  *sr_media_probe_get_audio_codec     (SrMediaProbe *self);
GstCaps      *sr_media_probe_get_audio_caps      (SrMediaProbe *self);
gchar        *sr_media_probe_describe            (SrMediaProbe *self);

G_END_DECLS

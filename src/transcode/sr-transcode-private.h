/* sr-transcode-private.h: helpers shared inside the transcoding layer. */
#pragma once

#include <gst/gst.h>
#include <gio/gio.h>

G_BEGIN_DECLS

void        _sr_transcode_ensure_gst      (void);
GstElement *_sr_transcode_make_element    (const gchar  *factory,
                                           const gchar  *name,
                                           GError      **error);
gboolean    _sr_transcode_read_mp4_layout (GFile        *file,
                                           gboolean     *has_moov,
                                           gboolean     *moov_before_mdat,
                                           GError      **error);

G_END_DECLS

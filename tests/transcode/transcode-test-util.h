/* transcode-test-util.h: real media clips made with GStreamer for the
 * transcoding tests. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GFile *transcode_test_make_clip (const gchar *dir,
                                 const gchar *name,
                                 const gchar *pattern,
                                 guint        width,
                                 guint        height,
                                 guint        seconds,
                                 gboolean     with_audio);
gchar *transcode_test_make_dir  (void);
const gchar *transcode_test_aac_encoder (void);
void   transcode_test_rm_rf     (const gchar *dir);

G_END_DECLS

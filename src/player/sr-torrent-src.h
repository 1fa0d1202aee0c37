/* sr-torrent-src.h: srtorrentsrc, a GStreamer source that reads one file of
 * a torrent while it downloads, from seedreel://<infohash>/<file-index> URIs.
 * Random access in pull mode: the demuxer's reads become piece deadlines. */
#pragma once

#include <gst/base/gstbasesrc.h>

#include "torrent/sr-torrent-session.h"

G_BEGIN_DECLS

#define SR_TYPE_TORRENT_SRC (sr_torrent_src_get_type ())
G_DECLARE_FINAL_TYPE (SrTorrentSrc, sr_torrent_src, SR, TORRENT_SRC, GstBaseSrc)

#define SR_TORRENT_SRC_URI_SCHEME "seedreel"

/* Registers srtorrentsrc as a private static plugin. Idempotent; call after
 * gst_init(). */
gboolean sr_player_register_elements (void);

char *sr_torrent_src_build_uri (const char *info_hash, guint file_index);

G_END_DECLS

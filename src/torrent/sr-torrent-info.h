/* sr-torrent-info.h: reading a .torrent or magnet without a session, with
 * every malformed input turned into an SR_TORRENT_ERROR. */
#pragma once

#include <gio/gio.h>

#include "torrent/sr-torrent-types.h"

G_BEGIN_DECLS

/* Parsing without a session: for `info` and for validating user input. */
typedef struct {
  char *name;
  char *info_hash;       /* v1 hex if any */
  char *info_hash_v2;    /* NULL unless v2 */
  gboolean has_metadata;
  guint64 total_size;
  guint piece_length;
  guint n_pieces;
  GPtrArray *files;      /* of char* paths */
  GArray *file_sizes;    /* of guint64 */
} SrTorrentInfo;

SrTorrentInfo    *sr_torrent_info_new_from_bytes (GBytes *data, GError **error);
SrTorrentInfo    *sr_torrent_info_new_from_magnet (const char *uri, GError **error);
void              sr_torrent_info_free (SrTorrentInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTorrentInfo, sr_torrent_info_free)


G_END_DECLS

/* sr-torrent-create.h: making a .torrent from a file or folder, hashing on
 * a worker thread with progress and cancel. */
#pragma once

#include <gio/gio.h>

#include "torrent/sr-torrent-types.h"

G_BEGIN_DECLS

/* Torrent creation (sr-torrent-create.c). */
typedef enum {
  SR_TORRENT_CREATE_NONE = 0,
  SR_TORRENT_CREATE_V1_ONLY = 1 << 0,  /* for clients that cannot parse hybrids */
} SrTorrentCreateFlags;

/* Called on the caller's main context. */
typedef void (*SrTorrentCreateProgress) (guint pieces_done, guint n_pieces, gpointer user_data);

guint             sr_torrent_piece_length_for_size     (guint64 total_size);
/* @trackers: NULL-terminated announce URLs, one tier each; may be NULL. */
void              sr_torrent_create_async              (const char              *path,
                                                        SrTorrentCreateFlags     flags,
                                                        const char *const       *trackers,
                                                        SrTorrentCreateProgress  progress,
                                                        gpointer                 progress_data,
                                                        GCancellable            *cancellable,
                                                        GAsyncReadyCallback      callback,
                                                        gpointer                 user_data);
GBytes           *sr_torrent_create_finish             (GAsyncResult  *result,
                                                        GError       **error);
GBytes           *sr_torrent_create_sync               (const char           *path,
                                                        SrTorrentCreateFlags  flags,
                                                        const char *const    *trackers,
                                                        GCancellable         *cancellable,
                                                        GError              **error);


G_END_DECLS

/* sr-torrent-types.h: forward declarations and the error domain shared by
 * Seedreel's torrent engine, so its headers never include each other in a
 * cycle. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _SrTorrentSession SrTorrentSession;
typedef struct _SrTorrent SrTorrent;
typedef struct _SrStreamReader SrStreamReader;

#define SR_TORRENT_ERROR (sr_torrent_error_quark ())

typedef enum {
  SR_TORRENT_ERROR_INVALID,      /* malformed .torrent, bencoding, magnet, address */
  SR_TORRENT_ERROR_UNSAFE_PATH,  /* a file name would leave the download folder */
  SR_TORRENT_ERROR_IO,
  SR_TORRENT_ERROR_DISK_FULL,
  SR_TORRENT_ERROR_DUPLICATE,
  SR_TORRENT_ERROR_NO_METADATA,
  SR_TORRENT_ERROR_REMOVED,
  SR_TORRENT_ERROR_FAILED,
} SrTorrentError;

GQuark sr_torrent_error_quark (void);

G_END_DECLS

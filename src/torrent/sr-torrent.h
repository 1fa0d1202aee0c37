/* sr-torrent.h: one torrent in an SrTorrentSession, its status exposed as
 * GObject properties that change only on the main thread. */
#pragma once

#include <gio/gio.h>

#include "torrent/sr-extension.h"
#include "torrent/sr-torrent-types.h"

G_BEGIN_DECLS

typedef enum {
  SR_TORRENT_STATE_UNKNOWN,
  SR_TORRENT_STATE_CHECKING,
  SR_TORRENT_STATE_DOWNLOADING_METADATA,
  SR_TORRENT_STATE_DOWNLOADING,
  SR_TORRENT_STATE_SEEDING,
  SR_TORRENT_STATE_PAUSED,
  SR_TORRENT_STATE_ERROR,
} SrTorrentState;

GType sr_torrent_state_get_type (void);
#define SR_TYPE_TORRENT_STATE (sr_torrent_state_get_type ())

typedef enum {
  SR_FILE_PRIORITY_SKIP = 0,
  SR_FILE_PRIORITY_LOW = 1,
  SR_FILE_PRIORITY_NORMAL = 4,
  SR_FILE_PRIORITY_HIGH = 7,
} SrFilePriority;

/* One connected peer, for the receipts protocol and the UI. */
typedef struct {
  char *address;      /* "ip:port" */
  char *client;
  guint64 payload_down;  /* bytes we received from it */
  guint64 payload_up;    /* bytes we sent to it */
  gboolean seed;
} SrTorrentPeer;

GType          sr_torrent_peer_get_type (void);
SrTorrentPeer *sr_torrent_peer_copy (const SrTorrentPeer *peer);
void           sr_torrent_peer_free (SrTorrentPeer *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTorrentPeer, sr_torrent_peer_free)

#define SR_TYPE_TORRENT (sr_torrent_get_type ())
G_DECLARE_FINAL_TYPE (SrTorrent, sr_torrent, SR, TORRENT, GObject)

SrTorrentSession *sr_torrent_get_session       (SrTorrent *self);
const char       *sr_torrent_get_name          (SrTorrent *self);
const char       *sr_torrent_get_info_hash     (SrTorrent *self);
const char       *sr_torrent_get_save_path     (SrTorrent *self);
SrTorrentState    sr_torrent_get_state         (SrTorrent *self);
double            sr_torrent_get_progress      (SrTorrent *self);
int               sr_torrent_get_download_rate (SrTorrent *self);
int               sr_torrent_get_upload_rate   (SrTorrent *self);
int               sr_torrent_get_peers         (SrTorrent *self);
int               sr_torrent_get_seeds         (SrTorrent *self);
guint64           sr_torrent_get_total_done    (SrTorrent *self);
guint64           sr_torrent_get_total_wanted  (SrTorrent *self);
guint64           sr_torrent_get_total_uploaded (SrTorrent *self);
gboolean          sr_torrent_get_has_metadata  (SrTorrent *self);
const char       *sr_torrent_get_error_message (SrTorrent *self);
GBytes           *sr_torrent_get_have_pieces   (SrTorrent *self);
guint             sr_torrent_get_n_pieces      (SrTorrent *self);
guint             sr_torrent_get_piece_length  (SrTorrent *self);

guint             sr_torrent_get_n_files       (SrTorrent *self);
char             *sr_torrent_dup_file_path     (SrTorrent *self, guint index);
guint64           sr_torrent_get_file_size     (SrTorrent *self, guint index);
GArray           *sr_torrent_get_file_progress (SrTorrent *self);   /* of guint64 */
gboolean          sr_torrent_set_file_priority (SrTorrent *self, guint index,
                                                SrFilePriority priority, GError **error);
SrFilePriority    sr_torrent_get_file_priority (SrTorrent *self, guint index);
/* Moves the files to @path (the save path becomes @path); never overwrites. */
gboolean          sr_torrent_move_storage      (SrTorrent *self, const char *path, GError **error);
GPtrArray        *sr_torrent_list_peers        (SrTorrent *self);   /* of SrTorrentPeer */
GBytes           *sr_torrent_dup_metadata      (SrTorrent *self);   /* .torrent bytes */

void              sr_torrent_pause             (SrTorrent *self);
void              sr_torrent_resume            (SrTorrent *self);
void              sr_torrent_force_recheck     (SrTorrent *self);
gboolean          sr_torrent_connect_peer      (SrTorrent *self, const char *address, GError **error);
void              sr_torrent_set_rate_limits   (SrTorrent *self, int upload_bytes_per_s, int download_bytes_per_s);
void              sr_torrent_refresh           (SrTorrent *self);

/* The Seedreel peer extension (see sr-extension.h). The HELLO goes into
 * handshakes from now on and, when it changed, to every connected peer that
 * speaks the extension. Sends are best effort: FALSE when the peer is gone. */
void              sr_torrent_set_extension_hello (SrTorrent *self, const SrExtensionMessage *hello);
gboolean          sr_torrent_send_extension    (SrTorrent *self, guint64 peer_id,
                                                const SrExtensionMessage *message);
/* Any bytes, for tests of how peers cope with malformed payloads. */
gboolean          sr_torrent_send_extension_raw (SrTorrent *self, guint64 peer_id, GBytes *payload);
GArray           *sr_torrent_list_extension_peers (SrTorrent *self);  /* of guint64 peer ids */
char             *sr_torrent_dup_info_hash_v2  (SrTorrent *self);   /* 64 hex digits, NULL if v1 only */

G_END_DECLS

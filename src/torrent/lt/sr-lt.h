/* sr-lt.h: the C face of Seedreel's only C++ code, a thin shim over
 * libtorrent-rasterbar. Every handle is opaque and every C++ exception is
 * caught inside the shim and reported through SrLtError, so nothing here
 * ever throws into C and no libtorrent type leaks out of src/torrent/lt/. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct SrLtSession SrLtSession;
typedef struct SrLtTorrent SrLtTorrent;
typedef struct SrLtInfo SrLtInfo;

typedef enum {
  SR_LT_OK = 0,
  SR_LT_ERR_INVALID,       /* malformed input: bencoding, magnet, hex … */
  SR_LT_ERR_UNSAFE_PATH,   /* a file name would leave the download folder */
  SR_LT_ERR_IO,            /* file system error */
  SR_LT_ERR_DUPLICATE,     /* the torrent is already in the session */
  SR_LT_ERR_CANCELLED,
  SR_LT_ERR_FAILED,        /* anything else libtorrent reported */
} SrLtErrorCode;

typedef struct {
  int code;
  char message[512];
} SrLtError;

typedef struct {
  const char *listen_interfaces;   /* e.g. "0.0.0.0:6881,[::]:6881" or "127.0.0.1:0" */
  const char *outgoing_interfaces; /* NULL or "" = any */
  bool enable_dht, enable_lsd, enable_upnp, enable_natpmp;
  bool enable_utp;
  bool allow_multiple_connections_per_ip;
  int tick_interval_ms;            /* 0 = libtorrent's default */
  int download_rate_limit;         /* bytes/s, 0 = unlimited */
  int upload_rate_limit;           /* bytes/s, 0 = unlimited */
  int connections_limit;           /* 0 = libtorrent's default */
  int min_reconnect_time_s;        /* 0 = libtorrent's default (60 s) */
} SrLtSettings;

/* Torrent states, in libtorrent's numbering. */
typedef enum {
  SR_LT_STATE_CHECKING_FILES = 1,
  SR_LT_STATE_DOWNLOADING_METADATA = 2,
  SR_LT_STATE_DOWNLOADING = 3,
  SR_LT_STATE_FINISHED = 4,
  SR_LT_STATE_SEEDING = 5,
  SR_LT_STATE_CHECKING_RESUME_DATA = 7,
} SrLtState;

typedef enum {
  SR_LT_ALERT_OTHER = 0,
  SR_LT_ALERT_LISTEN_SUCCEEDED,
  SR_LT_ALERT_LISTEN_FAILED,
  SR_LT_ALERT_METADATA_RECEIVED,
  SR_LT_ALERT_PIECE_FINISHED,
  SR_LT_ALERT_HASH_FAILED,
  SR_LT_ALERT_STATE_CHANGED,
  SR_LT_ALERT_TORRENT_FINISHED,
  SR_LT_ALERT_TORRENT_CHECKED,
  SR_LT_ALERT_TORRENT_PAUSED,
  SR_LT_ALERT_TORRENT_RESUMED,
  SR_LT_ALERT_FILE_ERROR,
  SR_LT_ALERT_TORRENT_ERROR,
  SR_LT_ALERT_SAVE_RESUME_DATA,
  SR_LT_ALERT_SAVE_RESUME_DATA_FAILED,
  /* The Seedreel peer extension (BEP 10 message "seedreel"); peer_id and
   * peer_address name the connection, data/data_len carry the payload. */
  SR_LT_ALERT_EXTENSION_HANDSHAKE,  /* the peer speaks the extension; data = its "sr" blob (may be empty) */
  SR_LT_ALERT_EXTENSION_MESSAGE,    /* one complete extension message */
  SR_LT_ALERT_EXTENSION_CLOSED,     /* the connection is gone */
} SrLtAlertType;

/* Pointers inside an alert are valid only during the callback. */
typedef struct {
  SrLtAlertType type;
  uint32_t torrent_id;   /* 0 when the alert is not about a torrent */
  int piece;
  int state, prev_state;
  int port;
  int error_code;        /* 0 = no error */
  bool disk_full;        /* error_code is ENOSPC / EDQUOT */
  const char *message;
  const char *file;
  const uint8_t *data;   /* resume data (SAVE_RESUME_DATA), extension payload */
  size_t data_len;
  uint64_t peer_id;      /* extension alerts: unique per connection in this session */
  const char *peer_address; /* extension alerts: "ip:port" */
} SrLtAlert;

typedef void (*SrLtNotifyFunc) (void *user_data);
typedef void (*SrLtAlertFunc) (const SrLtAlert *alert, void *user_data);

/* Files a torrent added with skip_files starts without (any beyond are wanted). */
#define SR_LT_MAX_SKIPPED_FILES 4096

typedef struct {
  /* Exactly one source: */
  const uint8_t *torrent_data; size_t torrent_len;  /* .torrent bytes */
  const uint8_t *resume_data; size_t resume_len;    /* our resume data */
  const char *magnet;
  const uint8_t *info_hash_v1;                      /* 20 bytes */

  const char *save_path;
  const char *const *peers;  /* NULL-terminated "ip:port" list, may be NULL */
  bool seed_mode;            /* data is known complete: skip hashing */
  bool paused;
  bool sequential;
  bool skip_files;           /* no file wanted, also once a magnet's metadata arrives */
  int upload_limit;          /* bytes/s, 0 = unlimited */
  int download_limit;
} SrLtAddParams;

typedef struct {
  int state;
  bool paused;
  bool upload_mode;        /* a write failed (disk full): no more downloading */
  bool has_metadata;
  bool is_seeding;
  float progress;
  int download_rate, upload_rate;
  int num_peers, num_seeds;
  int64_t total_done, total_wanted;
  int64_t all_time_upload;   /* payload bytes sent, kept across restarts */
  int num_pieces;
  char *error;             /* NULL when no error; free with sr_lt_status_clear */
} SrLtStatus;

typedef struct {
  char *address;           /* "ip:port" */
  char *client;
  int64_t payload_down, payload_up;
  int down_rate, up_rate;
  bool seed;
} SrLtPeer;

typedef struct {
  char *path;              /* relative to the save path, '/'-separated */
  int64_t size;
  int64_t offset;          /* in the torrent's byte space */
  bool pad;
} SrLtFile;

/* ---- session ---- */
SrLtSession *sr_lt_session_new (const SrLtSettings *settings, SrLtError *error);
void         sr_lt_session_free (SrLtSession *session);      /* blocks: call off the main thread */
bool         sr_lt_session_apply_settings (SrLtSession *session, const SrLtSettings *settings, SrLtError *error);
void         sr_lt_session_set_notify (SrLtSession *session, SrLtNotifyFunc func, void *user_data);
void         sr_lt_session_pop_alerts (SrLtSession *session, SrLtAlertFunc func, void *user_data);
int          sr_lt_session_listen_port (SrLtSession *session);
void         sr_lt_session_pause (SrLtSession *session);
SrLtTorrent *sr_lt_session_add (SrLtSession *session, const SrLtAddParams *params, SrLtError *error);
bool         sr_lt_session_remove (SrLtSession *session, SrLtTorrent *torrent, bool delete_files, SrLtError *error);

/* ---- torrent (all thread-safe: libtorrent's torrent_handle is) ---- */
SrLtTorrent *sr_lt_torrent_dup (const SrLtTorrent *torrent);
void         sr_lt_torrent_free (SrLtTorrent *torrent);
uint32_t     sr_lt_torrent_id (const SrLtTorrent *torrent);
bool         sr_lt_torrent_is_valid (const SrLtTorrent *torrent);
bool         sr_lt_torrent_status (const SrLtTorrent *torrent, SrLtStatus *status, SrLtError *error);
void         sr_lt_status_clear (SrLtStatus *status);
char        *sr_lt_torrent_name (const SrLtTorrent *torrent);          /* malloc'd */
char        *sr_lt_torrent_info_hash (const SrLtTorrent *torrent);     /* malloc'd hex, v1 if any */
char        *sr_lt_torrent_save_path (const SrLtTorrent *torrent);     /* malloc'd */
bool         sr_lt_torrent_has_metadata (const SrLtTorrent *torrent);
int          sr_lt_torrent_piece_length (const SrLtTorrent *torrent);
int          sr_lt_torrent_num_pieces (const SrLtTorrent *torrent);
int          sr_lt_torrent_num_files (const SrLtTorrent *torrent);
bool         sr_lt_torrent_file (const SrLtTorrent *torrent, int index, SrLtFile *file); /* free path */
bool         sr_lt_torrent_have_piece (const SrLtTorrent *torrent, int piece);
/* Bit i of byte i/8 (MSB first) set when piece i is verified; malloc'd. */
uint8_t     *sr_lt_torrent_pieces (const SrLtTorrent *torrent, int *num_pieces);
int64_t     *sr_lt_torrent_file_progress (const SrLtTorrent *torrent, int *num_files); /* malloc'd */
bool         sr_lt_torrent_set_file_priority (SrLtTorrent *torrent, int index, int priority, SrLtError *error);
/* Moves the torrent's files (and where new ones go) to @path; never over existing files. */
bool         sr_lt_torrent_move_storage (SrLtTorrent *torrent, const char *path, SrLtError *error);
int          sr_lt_torrent_file_priority (const SrLtTorrent *torrent, int index);
SrLtPeer    *sr_lt_torrent_peers (const SrLtTorrent *torrent, int *num_peers);  /* free with sr_lt_peers_free */
void         sr_lt_peers_free (SrLtPeer *peers, int num_peers);
void         sr_lt_torrent_pause (SrLtTorrent *torrent);
void         sr_lt_torrent_resume (SrLtTorrent *torrent);   /* also clears a paused-on-error state */
void         sr_lt_torrent_force_recheck (SrLtTorrent *torrent);
void         sr_lt_torrent_save_resume_data (SrLtTorrent *torrent);
bool         sr_lt_torrent_connect_peer (SrLtTorrent *torrent, const char *address, SrLtError *error);
void         sr_lt_torrent_set_limits (SrLtTorrent *torrent, int upload, int download);
void         sr_lt_torrent_set_sequential (SrLtTorrent *torrent, bool sequential);
void         sr_lt_torrent_set_piece_deadline (SrLtTorrent *torrent, int piece, int deadline_ms);
void         sr_lt_torrent_reset_piece_deadline (SrLtTorrent *torrent, int piece);
void         sr_lt_torrent_clear_piece_deadlines (SrLtTorrent *torrent);
uint8_t     *sr_lt_torrent_metadata (const SrLtTorrent *torrent, size_t *len); /* .torrent bytes, malloc'd */

/* ---- the Seedreel peer extension ---- */
/* Largest extension payload accepted or sent; longer messages are dropped. */
#define SR_LT_EXTENSION_MAX_PAYLOAD 4096
/* The blob put under "sr" in this torrent's extension handshakes from now on. */
void         sr_lt_session_set_extension_handshake (SrLtSession *session, uint32_t torrent_id,
                                                    const uint8_t *data, size_t len);
/* Queues one message to a peer that announced the extension. Returns false
 * when that connection is unknown or gone (delivery is still best effort). */
bool         sr_lt_session_send_extension (SrLtSession *session, uint64_t peer_id,
                                           const uint8_t *data, size_t len);
char        *sr_lt_torrent_info_hash_v2 (const SrLtTorrent *torrent);  /* malloc'd hex, NULL if v1 only */

/* ---- parsing without a session ---- */
SrLtInfo    *sr_lt_info_new_from_data (const uint8_t *data, size_t len, SrLtError *error);
SrLtInfo    *sr_lt_info_new_from_magnet (const char *uri, SrLtError *error);
void         sr_lt_info_free (SrLtInfo *info);
char        *sr_lt_info_name (const SrLtInfo *info);
char        *sr_lt_info_info_hash (const SrLtInfo *info);     /* v1 hex if any, else v2 */
char        *sr_lt_info_info_hash_v2 (const SrLtInfo *info);  /* NULL if not v2 */
bool         sr_lt_info_has_metadata (const SrLtInfo *info);
int64_t      sr_lt_info_total_size (const SrLtInfo *info);
int          sr_lt_info_piece_length (const SrLtInfo *info);
int          sr_lt_info_num_pieces (const SrLtInfo *info);
int          sr_lt_info_num_files (const SrLtInfo *info);
bool         sr_lt_info_file (const SrLtInfo *info, int index, SrLtFile *file);

/* ---- creation ---- */
/* Returns false to cancel hashing. */
typedef bool (*SrLtHashProgressFunc) (int pieces_done, int num_pieces, void *user_data);
uint8_t     *sr_lt_create_torrent (const char *path, bool v1_only, int piece_length,
                                   const char *const *trackers,  /* NULL-terminated, may be NULL */
                                   SrLtHashProgressFunc progress, void *user_data,
                                   size_t *len, SrLtError *error);

#ifdef __cplusplus
}
#endif

/* sr-torrent-session.h: SrTorrentSession owns one libtorrent session and
 * turns its alerts into GObject signals and property changes on the main
 * thread. */
#pragma once

#include <gio/gio.h>

#include "torrent/sr-torrent-types.h"
#include "torrent/sr-torrent.h"

G_BEGIN_DECLS

typedef enum {
  SR_TORRENT_ADD_NONE = 0,
  SR_TORRENT_ADD_SEED_MODE = 1 << 0,   /* the data is known complete: seed without hashing */
  SR_TORRENT_ADD_PAUSED = 1 << 1,
  SR_TORRENT_ADD_SEQUENTIAL = 1 << 2,
  SR_TORRENT_ADD_SKIP_FILES = 1 << 3,  /* no file wanted (a magnet's too, once its metadata
                                        * arrives) until sr_torrent_set_file_priority() */
} SrTorrentAddFlags;

typedef struct {
  const char *listen_interfaces;     /* NULL = all interfaces, port 6881 */
  const char *outgoing_interfaces;   /* NULL = any */
  const char *state_dir;             /* resume data lives here; NULL = none */
  const char *download_dir;          /* NULL = XDG videos folder/Seedreel */
  gboolean enable_dht, enable_lsd, enable_upnp, enable_natpmp, enable_utp;
  gboolean allow_multiple_connections_per_ip;
  int tick_interval_ms;              /* 0 = libtorrent's default */
  int download_rate_limit;           /* bytes/s, 0 = unlimited */
  int upload_rate_limit;
  int max_connections;               /* 0 = default */
  int min_reconnect_time_s;          /* before redialling a known peer; 0 = 60 s */
} SrTorrentSessionOptions;

typedef struct {
  /* Exactly one of these: */
  GBytes *torrent;                   /* .torrent bytes */
  const char *magnet;
  const char *info_hash;             /* v1, 40 hex digits: needs peers */

  const char *save_path;             /* NULL = the session's download folder */
  const char *const *peers;          /* NULL-terminated "ip:port" */
  SrTorrentAddFlags flags;
  int upload_limit;                  /* bytes/s, 0 = unlimited */
  int download_limit;
} SrTorrentAddOptions;

#define SR_TYPE_TORRENT_SESSION (sr_torrent_session_get_type ())
G_DECLARE_FINAL_TYPE (SrTorrentSession, sr_torrent_session, SR, TORRENT_SESSION, GObject)

/* Defaults for a private loopback swarm: 127.0.0.1 on a free port, no DHT,
 * LSD, UPnP, NAT-PMP or uTP, several peers per IP, a 100 ms tick, known
 * peers redialled after 1 s. */
void              sr_torrent_session_options_init_loopback (SrTorrentSessionOptions *options);

char             *sr_torrent_session_default_download_dir (void);

SrTorrentSession *sr_torrent_session_new               (const SrTorrentSessionOptions *options,
                                                        GError                       **error);
SrTorrentSession *sr_torrent_session_new_from_settings (GSettings   *settings,
                                                        const char  *state_dir,
                                                        GError     **error);

guint             sr_torrent_session_get_listen_port   (SrTorrentSession *self);
const char       *sr_torrent_session_get_download_dir  (SrTorrentSession *self);
gboolean          sr_torrent_session_get_was_unclean   (SrTorrentSession *self);
GPtrArray        *sr_torrent_session_list_torrents     (SrTorrentSession *self);
SrTorrent        *sr_torrent_session_find              (SrTorrentSession *self,
                                                        const char       *info_hash);

SrTorrent        *sr_torrent_session_add               (SrTorrentSession          *self,
                                                        const SrTorrentAddOptions *options,
                                                        GError                   **error);
SrTorrent        *sr_torrent_session_add_file          (SrTorrentSession *self,
                                                        const char       *torrent_path,
                                                        const char       *save_path,
                                                        GError          **error);
SrTorrent        *sr_torrent_session_add_magnet        (SrTorrentSession *self,
                                                        const char       *uri,
                                                        const char       *save_path,
                                                        GError          **error);
SrTorrent        *sr_torrent_session_add_seed          (SrTorrentSession *self,
                                                        GBytes           *torrent,
                                                        const char       *content_path,
                                                        GError          **error);
gboolean          sr_torrent_session_remove            (SrTorrentSession *self,
                                                        SrTorrent        *torrent,
                                                        gboolean          delete_files,
                                                        GError          **error);

void              sr_torrent_session_shutdown_async    (SrTorrentSession    *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean          sr_torrent_session_shutdown_finish   (SrTorrentSession *self,
                                                        GAsyncResult     *result,
                                                        GError          **error);

G_END_DECLS

/* sr-torrent-private.h: what the session and the stream reader share with
 * SrTorrent; never installed, never used above src/torrent/. */
#pragma once

#include "torrent/lt/sr-lt.h"
#include "torrent/sr-torrent.h"

G_BEGIN_DECLS

SrTorrent   *_sr_torrent_new         (SrTorrentSession *session, SrLtTorrent *handle);
SrLtTorrent *_sr_torrent_get_handle  (SrTorrent *self);
void         _sr_torrent_handle_alert (SrTorrent *self, const SrLtAlert *alert);
void         _sr_torrent_detach      (SrTorrent *self);
gboolean     _sr_torrent_is_detached (SrTorrent *self);
void         _sr_torrent_set_error   (GError **error, const SrLtError *lt_error);
void         _sr_torrent_set_known_peers (SrTorrent *self, const char *const *peers);
SrLtSession *_sr_torrent_session_get_lt (SrTorrentSession *session);

G_END_DECLS

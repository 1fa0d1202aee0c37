/* sr-player-page.h — the player: a torrent's video filling the window, with
 * controls that step aside while it plays. */
#pragma once

#include <adwaita.h>

#include "store/sr-store.h"
#include "torrent/sr-torrent.h"
#include "torrent/sr-torrent-session.h"

G_BEGIN_DECLS

#define SR_TYPE_PLAYER_PAGE (sr_player_page_get_type ())
G_DECLARE_FINAL_TYPE (SrPlayerPage, sr_player_page, SR, PLAYER_PAGE, AdwBin)

/* See sr_window_play(). @store remembers positions; may be NULL. */
void sr_player_page_play (SrPlayerPage *self,
                          SrStore      *store,
                          SrTorrent    *torrent,
                          guint         file_index,
                          GBytes       *content_key,
                          const char   *title_id,
                          const char   *display_title);
/* Remembers the position and stops; emits nothing. */
void sr_player_page_stop (SrPlayerPage *self);

G_END_DECLS

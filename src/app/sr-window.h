/* sr-window.h — the main window: a view switcher over the Browse, Library,
 * Wallet and Create pages, and the player shown over them. */
#pragma once

#include <adwaita.h>

#include "sr-application.h"
#include "torrent/sr-torrent.h"

G_BEGIN_DECLS

#define SR_TYPE_WINDOW (sr_window_get_type ())
G_DECLARE_FINAL_TYPE (SrWindow, sr_window, SR, WINDOW, AdwApplicationWindow)

SrWindow *sr_window_new         (SrApplication *application);
void      sr_window_open_uri    (SrWindow      *self,
                                 const char    *uri);
void      sr_window_show_toast  (SrWindow      *self,
                                 const char    *message);
/* Shows the player over the pages and plays one file of @torrent.
 * @file_index: G_MAXUINT picks the largest video file (asking when several
 * are alike), waiting for the metadata of a magnet if needed.
 * @content_key: the title's key for paid titles, NULL when clear.
 * @title_id: where the viewer stopped is remembered under it; NULL uses the
 * info hash. @display_title: NULL uses the torrent's name. */
void      sr_window_play        (SrWindow      *self,
                                 SrTorrent     *torrent,
                                 guint          file_index,
                                 GBytes        *content_key,
                                 const char    *title_id,
                                 const char    *display_title);

G_END_DECLS

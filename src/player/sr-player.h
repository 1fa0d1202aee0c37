/* sr-player.h: SrPlayer plays one title from a torrent (or any URI) with
 * GStreamer's playbin. Its bus messages become GObject properties and
 * signals on the main context: state, position, duration, buffering,
 * tracks and errors. */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "player/sr-video-paintable.h"
#include "torrent/sr-torrent-session.h"

G_BEGIN_DECLS

#define SR_PLAYER_ERROR (sr_player_error_quark ())
GQuark sr_player_error_quark (void);

typedef enum {
  SR_PLAYER_ERROR_FAILED,
  SR_PLAYER_ERROR_MISSING_CODEC,
} SrPlayerError;

typedef enum {
  SR_PLAYER_STATE_STOPPED,
  SR_PLAYER_STATE_PAUSED,
  SR_PLAYER_STATE_PLAYING,
} SrPlayerState;

GType sr_player_state_get_type (void);
#define SR_TYPE_PLAYER_STATE (sr_player_state_get_type ())

#define SR_TYPE_PLAYER (sr_player_get_type ())
G_DECLARE_FINAL_TYPE (SrPlayer, sr_player, SR, PLAYER, GObject)

/* @session may be NULL when only non-torrent URIs are played. */
SrPlayer         *sr_player_new                 (SrTorrentSession *session);
SrVideoPaintable *sr_player_get_paintable       (SrPlayer *self);
GstElement       *sr_player_get_pipeline        (SrPlayer *self);

/* Before the first play; NULL = autoaudiosink. */
void              sr_player_set_audio_sink      (SrPlayer *self, GstElement *sink);

void              sr_player_set_uri             (SrPlayer *self, const char *uri);
const char       *sr_player_get_uri             (SrPlayer *self);
/* The title's content key (SR_CONTENT_KEY_LEN bytes) or NULL if clear. */
void              sr_player_set_content_key     (SrPlayer *self, GBytes *key);

void              sr_player_play                (SrPlayer *self);
void              sr_player_pause               (SrPlayer *self);
void              sr_player_stop                (SrPlayer *self);
/* @accurate: decode up to the exact frame, else jump to a keyframe. */
void              sr_player_seek                (SrPlayer *self, gint64 position_ns, gboolean accurate);

SrPlayerState     sr_player_get_state           (SrPlayer *self);
gint64            sr_player_get_position        (SrPlayer *self);
gint64            sr_player_get_duration        (SrPlayer *self);
int               sr_player_get_buffering       (SrPlayer *self);
int               sr_player_get_n_audio         (SrPlayer *self);
int               sr_player_get_n_text          (SrPlayer *self);
double            sr_player_get_rate            (SrPlayer *self);
void              sr_player_set_rate            (SrPlayer *self, double rate);
double            sr_player_get_volume          (SrPlayer *self);
void              sr_player_set_volume          (SrPlayer *self, double volume);
gboolean          sr_player_get_mute            (SrPlayer *self);
void              sr_player_set_mute            (SrPlayer *self, gboolean mute);
/* The last error, or NULL. */
const GError     *sr_player_get_error           (SrPlayer *self);

G_END_DECLS

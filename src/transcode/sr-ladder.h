/* sr-ladder.h: the set of renditions ("rungs") a source is encoded into,
 * and its JSON form carried by the worker API. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  gchar *name;          /* "1080p", "720p", … */
  guint  width;         /* 0: follow the source's aspect ratio */
  guint  height;
  guint  video_bitrate; /* kbit/s */
  guint  audio_bitrate; /* kbit/s */
} SrLadderRung;

#define SR_TYPE_LADDER_RUNG (sr_ladder_rung_get_type ())
GType         sr_ladder_rung_get_type (void) G_GNUC_CONST;
SrLadderRung *sr_ladder_rung_new      (const gchar        *name,
                                       guint               width,
                                       guint               height,
                                       guint               video_bitrate,
                                       guint               audio_bitrate);
SrLadderRung *sr_ladder_rung_copy     (const SrLadderRung *rung);
void          sr_ladder_rung_free     (SrLadderRung       *rung);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrLadderRung, sr_ladder_rung_free)

#define SR_TYPE_LADDER (sr_ladder_get_type ())
G_DECLARE_FINAL_TYPE (SrLadder, sr_ladder, SR, LADDER, GObject)

SrLadder           *sr_ladder_new               (void);
SrLadder           *sr_ladder_for_source        (guint          width,
                                                 guint          height);
void                sr_ladder_add_rung          (SrLadder      *self,
                                                 SrLadderRung  *rung);
guint               sr_ladder_get_n_rungs       (SrLadder      *self);
const SrLadderRung *sr_ladder_get_rung          (SrLadder      *self,
                                                 guint          index);
const SrLadderRung *sr_ladder_find_rung         (SrLadder      *self,
                                                 const gchar   *name);
guint               sr_ladder_rung_width_for    (const SrLadderRung *rung,
                                                 guint          source_width,
                                                 guint          source_height);

JsonNode           *sr_ladder_to_json           (SrLadder      *self);
gchar              *sr_ladder_to_string         (SrLadder      *self);
SrLadder           *sr_ladder_new_from_json     (JsonNode      *node,
                                                 GError       **error);
SrLadder           *sr_ladder_new_from_string   (const gchar   *json,
                                                 GError       **error);

G_END_DECLS

/* sr-ladder-encoder.h: encodes one source into every rung of a ladder in a
 * single decode, plus a poster frame and info.json. */
#pragma once

#include <gio/gio.h>

#include "sr-ladder.h"

G_BEGIN_DECLS

#define SR_TYPE_LADDER_ENCODER (sr_ladder_encoder_get_type ())
G_DECLARE_FINAL_TYPE (SrLadderEncoder, sr_ladder_encoder, SR, LADDER_ENCODER, GObject)

SrLadderEncoder *sr_ladder_encoder_new               (GFile            *source,
                                                      GFile            *output_dir,
                                                      SrLadder         *ladder);
GFile           *sr_ladder_encoder_get_source        (SrLadderEncoder  *self);
GFile           *sr_ladder_encoder_get_output_dir    (SrLadderEncoder  *self);
SrLadder        *sr_ladder_encoder_get_ladder        (SrLadderEncoder  *self);
const gchar     *sr_ladder_encoder_get_speed_preset  (SrLadderEncoder  *self);
void             sr_ladder_encoder_set_speed_preset  (SrLadderEncoder  *self,
                                                      const gchar      *preset);
void             sr_ladder_encoder_set_title         (SrLadderEncoder  *self,
                                                      const gchar      *title);
void             sr_ladder_encoder_set_description   (SrLadderEncoder  *self,
                                                      const gchar      *description);
gdouble          sr_ladder_encoder_get_progress      (SrLadderEncoder  *self);
gint64           sr_ladder_encoder_get_duration      (SrLadderEncoder  *self);
gint64           sr_ladder_encoder_get_rung_position (SrLadderEncoder  *self,
                                                      guint             index);

void             sr_ladder_encoder_run_async         (SrLadderEncoder     *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         sr_ladder_encoder_run_finish        (SrLadderEncoder     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS

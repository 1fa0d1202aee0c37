/* sr-seek-bar.h — the player's seek bar: a horizontal scale in seconds that
 * also shows which parts of the file are downloaded and how far playback
 * can go without waiting. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SR_TYPE_SEEK_BAR (sr_seek_bar_get_type ())
G_DECLARE_FINAL_TYPE (SrSeekBar, sr_seek_bar, SR, SEEK_BAR, GtkScale)

GtkWidget *sr_seek_bar_new            (void);
/* Downloaded spans of the file as pairs of fractions (start, end) in 0…1. */
void       sr_seek_bar_set_downloaded (SrSeekBar    *self,
                                       const double *spans,
                                       guint         n_spans);
/* How far (in seconds) playback can go on without waiting; < 0 hides it. */
void       sr_seek_bar_set_buffered   (SrSeekBar    *self,
                                       double        seconds);

G_END_DECLS

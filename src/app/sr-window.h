/* sr-window.h — the main window: a view switcher over the Browse, Library,
 * Wallet and Create pages. */
#pragma once

#include <adwaita.h>

#include "sr-application.h"

G_BEGIN_DECLS

#define SR_TYPE_WINDOW (sr_window_get_type ())
G_DECLARE_FINAL_TYPE (SrWindow, sr_window, SR, WINDOW, AdwApplicationWindow)

SrWindow *sr_window_new         (SrApplication *application);
void      sr_window_open_uri    (SrWindow      *self,
                                 const char    *uri);
void      sr_window_show_toast  (SrWindow      *self,
                                 const char    *message);

G_END_DECLS

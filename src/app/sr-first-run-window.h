/* sr-first-run-window.h — the assistant shown on the first start: network,
 * wallet and download folder. */
#pragma once

#include <adwaita.h>

#include "sr-application.h"

G_BEGIN_DECLS

#define SR_TYPE_FIRST_RUN_WINDOW (sr_first_run_window_get_type ())
G_DECLARE_FINAL_TYPE (SrFirstRunWindow, sr_first_run_window, SR, FIRST_RUN_WINDOW, AdwWindow)

SrFirstRunWindow *sr_first_run_window_new (SrApplication *application);

G_END_DECLS

/* sr-preferences-window.h — the preferences window. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_PREFERENCES_WINDOW (sr_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SrPreferencesWindow, sr_preferences_window, SR, PREFERENCES_WINDOW, AdwPreferencesWindow)

SrPreferencesWindow *sr_preferences_window_new (GSettings *network_settings);

G_END_DECLS

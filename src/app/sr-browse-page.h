/* sr-browse-page.h — the Browse page of the main window. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_BROWSE_PAGE (sr_browse_page_get_type ())
G_DECLARE_FINAL_TYPE (SrBrowsePage, sr_browse_page, SR, BROWSE_PAGE, AdwBin)

G_END_DECLS

/* sr-library-page.h — the Library page of the main window. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_LIBRARY_PAGE (sr_library_page_get_type ())
G_DECLARE_FINAL_TYPE (SrLibraryPage, sr_library_page, SR, LIBRARY_PAGE, AdwBin)

G_END_DECLS

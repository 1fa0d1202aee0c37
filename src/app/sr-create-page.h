/* sr-create-page.h — the Create page of the main window. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_CREATE_PAGE (sr_create_page_get_type ())
G_DECLARE_FINAL_TYPE (SrCreatePage, sr_create_page, SR, CREATE_PAGE, AdwBin)

G_END_DECLS

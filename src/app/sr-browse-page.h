/* sr-browse-page.h — the Browse page of the main window. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_BROWSE_PAGE (sr_browse_page_get_type ())
G_DECLARE_FINAL_TYPE (SrBrowsePage, sr_browse_page, SR, BROWSE_PAGE, AdwBin)

/* Opens the catalog title @content_id's page; FALSE when the catalog does
 * not (yet) hold it. */
gboolean sr_browse_page_show_title (SrBrowsePage *self,
                                    const char   *content_id);
/* The same, or, when the catalog has not read it yet (a title just
 * published), as soon as it does, unless another title was opened since. */
void     sr_browse_page_await_title (SrBrowsePage *self,
                                     const char   *content_id);

G_END_DECLS

/* sr-title-page.h — one catalog title: its details, and "Buy and Watch"
 * (or "Watch" once bought), shown inside the Browse page. */
#pragma once

#include <adwaita.h>

#include "market/sr-catalog.h"
#include "sr-application.h"

G_BEGIN_DECLS

#define SR_TYPE_TITLE_PAGE (sr_title_page_get_type ())
G_DECLARE_FINAL_TYPE (SrTitlePage, sr_title_page, SR, TITLE_PAGE, AdwBin)

/* Shows @title of @catalog; the buy and watch flows use @application's
 * signer, transaction manager and torrent session. */
void            sr_title_page_show       (SrTitlePage    *self,
                                          SrApplication  *application,
                                          SrCatalog      *catalog,
                                          SrCatalogTitle *title);
SrCatalogTitle *sr_title_page_get_title  (SrTitlePage    *self);

G_END_DECLS

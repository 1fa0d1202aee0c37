/* sr-my-titles.h — the Create page's "My Titles": the titles this account
 * published (from the synced catalog), each with its views and what it
 * earned, the creator balance the registry holds for the account, and
 * Withdraw, which moves that balance to the account after one confirmation. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_MY_TITLES (sr_my_titles_get_type ())
G_DECLARE_FINAL_TYPE (SrMyTitles, sr_my_titles, SR, MY_TITLES, AdwBin)

/* Reads the catalog, the views and the balance again. */
void sr_my_titles_refresh (SrMyTitles *self);

G_END_DECLS

/* sr-rewards-section.h — the Wallet page's "Seeding rewards" section:
 * pending rewards estimated from the receipts this library holds and the
 * registry's state, receipts and viewers served, a Collect button (the fee
 * confirmed first) and the collected history. */
#pragma once

#include <adwaita.h>

#include "sr-application.h"

G_BEGIN_DECLS

#define SR_TYPE_REWARDS_SECTION (sr_rewards_section_get_type ())
G_DECLARE_FINAL_TYPE (SrRewardsSection, sr_rewards_section, SR, REWARDS_SECTION, AdwBin)

/* Follows @address (NULL: none) on @application's network and refreshes. */
void sr_rewards_section_set_account (SrRewardsSection *self,
                                     SrApplication    *application,
                                     const char       *address);
void sr_rewards_section_refresh     (SrRewardsSection *self);

G_END_DECLS

/* sr-wallet-page.h — the Wallet page of the main window. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_WALLET_PAGE (sr_wallet_page_get_type ())
G_DECLARE_FINAL_TYPE (SrWalletPage, sr_wallet_page, SR, WALLET_PAGE, AdwBin)

G_END_DECLS

/* sr-wallet-create-dialog.h — creating a wallet: a password, then the
 * recovery phrase shown once. */
#pragma once

#include <adwaita.h>

#include "chain/sr-signer.h"

G_BEGIN_DECLS

#define SR_TYPE_WALLET_CREATE_DIALOG (sr_wallet_create_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SrWalletCreateDialog, sr_wallet_create_dialog, SR, WALLET_CREATE_DIALOG, AdwWindow)

SrWalletCreateDialog *sr_wallet_create_dialog_new (SrSigner *signer);

G_END_DECLS

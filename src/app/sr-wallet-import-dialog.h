/* sr-wallet-import-dialog.h — importing a wallet from its recovery phrase
 * or a private key. */
#pragma once

#include <adwaita.h>

#include "chain/sr-signer.h"

G_BEGIN_DECLS

#define SR_TYPE_WALLET_IMPORT_DIALOG (sr_wallet_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SrWalletImportDialog, sr_wallet_import_dialog, SR, WALLET_IMPORT_DIALOG, AdwWindow)

SrWalletImportDialog *sr_wallet_import_dialog_new (SrSigner *signer);

G_END_DECLS

/* sr-wallet-send-dialog.h — sending ETH or SEED, with a confirmation of
 * the signer's summary before anything is signed. */
#pragma once

#include <adwaita.h>

#include "sr-application.h"

G_BEGIN_DECLS

#define SR_TYPE_WALLET_SEND_DIALOG (sr_wallet_send_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SrWalletSendDialog, sr_wallet_send_dialog, SR, WALLET_SEND_DIALOG, AdwWindow)

SrWalletSendDialog *sr_wallet_send_dialog_new (SrApplication *application,
                                               const char    *address);

G_END_DECLS

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
/* Speed up (or, with @cancel, cancel) pending transaction @tx_id of the
 * history; @amount ("1.5 SEED") and @recipient describe the send it
 * replaces, for the confirmation. */
SrWalletSendDialog *sr_wallet_send_dialog_new_replacement (SrApplication *application,
                                                           const char    *address,
                                                           gint64         tx_id,
                                                           gboolean       cancel,
                                                           const char    *amount,
                                                           const char    *recipient);

G_END_DECLS

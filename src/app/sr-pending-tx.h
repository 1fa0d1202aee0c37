/* sr-pending-tx.h — one transaction waiting for the user's word.
 *
 * The application's send confirmer hands a page the wallet agent's summary
 * of a transaction, its single-use token and the task SrTxManager waits on.
 * SrPendingTx holds those three, asks the user in one message dialog, and
 * then has the wallet agent sign (completing the task with the signed
 * bytes) or declines (completing it with G_IO_ERROR_CANCELLED). A newer
 * request replaces an older one, which is declined; dropping the object
 * declines what it still holds. */
#pragma once

#include <adwaita.h>

#include "sr-application.h"

G_BEGIN_DECLS

#define SR_TYPE_PENDING_TX (sr_pending_tx_get_type ())
G_DECLARE_FINAL_TYPE (SrPendingTx, sr_pending_tx, SR, PENDING_TX, GObject)

/* Called once the user answered (after signing started or the decline). */
typedef void (*SrPendingTxAnswered) (GObject  *owner,
                                     gboolean  accepted);

SrPendingTx *sr_pending_tx_new     (void);
/* @task: (transfer full), as given to the send confirmer. */
void         sr_pending_tx_hold    (SrPendingTx  *self,
                                    GTask        *task,
                                    GVariant     *tx,
                                    const char   *token);
void         sr_pending_tx_decline (SrPendingTx  *self,
                                    const char   *message);
/* Presents the question over @owner's window: "_Cancel" or @accept_label.
 * Accepting signs with @account through @application's signer; declining
 * fails the task with @declined. @answered (may be NULL) is then called
 * on @owner, unless @owner is gone by then. */
void         sr_pending_tx_ask     (SrPendingTx         *self,
                                    GtkWidget           *owner,
                                    SrApplication       *application,
                                    const char          *account,
                                    const char          *heading,
                                    const char          *body,
                                    const char          *accept_label,
                                    const char          *declined,
                                    GCancellable        *cancellable,
                                    SrPendingTxAnswered  answered);

G_END_DECLS

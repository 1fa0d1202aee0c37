/* sr-purchase.h: buying a view of a title.
 *
 * The buy is two transactions when the registry may not yet take the price
 * from the account's tokens: approve(registry, price), then
 * buyView(contentId); only buyView when the allowance already covers it.
 * Both go through the account's SrTxManager (so each is recorded before it
 * is broadcast, and signed only after the signer's own confirmation). The
 * result is the view id that the receipt's ViewPurchased event names.
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-rpc-client.h"
#include "chain/sr-tx-manager.h"

G_BEGIN_DECLS

#define SR_PURCHASE_ERROR (sr_purchase_error_quark ())

typedef enum {
  SR_PURCHASE_ERROR_INSUFFICIENT_FUNDS,  /* the token balance is below the price */
  SR_PURCHASE_ERROR_REVERTED,            /* a transaction was included but reverted */
  SR_PURCHASE_ERROR_REPLACED,            /* another transaction took its nonce */
  SR_PURCHASE_ERROR_NO_VIEW,             /* the receipt names no view for this account */
} SrPurchaseError;

GQuark sr_purchase_error_quark (void);

typedef enum {
  SR_PURCHASE_STAGE_CHECKING,
  SR_PURCHASE_STAGE_APPROVING,   /* approve sent, waiting for inclusion */
  SR_PURCHASE_STAGE_BUYING,      /* buyView sent, waiting for inclusion */
} SrPurchaseStage;

/* Called on the caller's main context as the buy advances; may be NULL. */
typedef void (*SrPurchaseProgressFunc) (SrPurchaseStage stage,
                                        const char     *tx_hash,
                                        gpointer        user_data);

void   sr_purchase_buy_async   (SrTxManager            *manager,
                                SrRpcClient            *rpc,
                                const guint8            registry[SR_ADDRESS_LEN],
                                const guint8            token[SR_ADDRESS_LEN],
                                const char             *content_id,
                                const char             *price,
                                SrPurchaseProgressFunc  progress,
                                gpointer                progress_data,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data);
/* Returns: (transfer full): the view id, decimal. */
char  *sr_purchase_buy_finish  (GAsyncResult           *result,
                                GError                **error);

G_END_DECLS

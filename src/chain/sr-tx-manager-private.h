/* sr-tx-manager-private.h: hooks for tests of SrTxManager's crash safety. */
#pragma once

#include "sr-tx-manager.h"

G_BEGIN_DECLS

/* With @fail set, sends stop right after the transaction is recorded, as
 * if the process died before broadcasting (SR_TX_MANAGER_ERROR_NOT_SENT). */
void _sr_tx_manager_set_fail_broadcast (SrTxManager *self,
                                        gboolean     fail);

G_END_DECLS

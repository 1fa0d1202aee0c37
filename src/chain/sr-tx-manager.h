/* sr-tx-manager.h: sends an account's transactions safely.
 *
 * SrTxManager picks nonces ("pending" count plus what it has handed out
 * itself), prices EIP-1559 fees with a margin (2 × base fee + tip), has
 * the transaction signed, and records the signed transaction in SrStore
 * under the caller's idempotency key — synced to disk — before a single
 * byte goes to the network. Receipts are then polled; a transaction can
 * be sped up or cancelled by a same-nonce replacement paying at least
 * 10 % more on both fees. At start-up, sr_tx_manager_reconcile_async()
 * settles what a crash left behind: recorded transactions whose nonce is
 * still open are broadcast again (the same signed bytes, so the same hash:
 * a node that already has it changes nothing), included ones are marked.
 *
 * Signing is not done here: an SrTxSignFunc turns the unsigned
 * transaction into raw signed bytes (normally by asking seedreel-signer).
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-rpc-client.h"
#include "crypto/sr-tx.h"
#include "store/sr-store.h"

G_BEGIN_DECLS

#define SR_TX_MANAGER_ERROR (sr_tx_manager_error_quark ())

typedef enum {
  SR_TX_MANAGER_ERROR_NOT_FOUND,      /* no such transaction in the history */
  SR_TX_MANAGER_ERROR_NOT_PENDING,    /* it is already included: nothing to speed up or cancel */
  SR_TX_MANAGER_ERROR_BAD_SIGNATURE,  /* the signer returned something other than what was asked */
  SR_TX_MANAGER_ERROR_NOT_SENT,       /* recorded but not broadcast; reconciliation will send it */
  SR_TX_MANAGER_ERROR_FEES,           /* fees out of range */
  SR_TX_MANAGER_ERROR_WRONG_CHAIN,    /* the node serves another chain than the profile names */
} SrTxManagerError;

GQuark sr_tx_manager_error_quark (void);

#define SR_TYPE_TX_MANAGER (sr_tx_manager_get_type ())
G_DECLARE_FINAL_TYPE (SrTxManager, sr_tx_manager, SR, TX_MANAGER, GObject)

/**
 * SrTxSignFunc:
 * @tx: the unsigned transaction (valid until @task is completed)
 * @cancellable: (nullable)
 * @task: (transfer full): complete it with
 *   `g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref)` where
 *   @raw is the signed raw transaction, or with an error
 * @user_data: what was given with the function
 *
 * Signs asynchronously. The result is checked (sender, nonce, fees,
 * recipient, value, data) before it is recorded.
 */
typedef void (*SrTxSignFunc) (const SrTx   *tx,
                              GCancellable *cancellable,
                              GTask        *task,
                              gpointer      user_data);

typedef struct {
  gboolean has_to;                 /* FALSE: contract creation */
  guint8 to[SR_ADDRESS_LEN];
  guint8 value[SR_U256_LEN];
  GBytes *data;                    /* NULL for none */
  guint64 gas_limit;               /* 0: estimate */
} SrTxRequest;

SrTxManager        *sr_tx_manager_new                (SrRpcClient         *rpc,
                                                      SrStore             *store,
                                                      guint64              chain_id,
                                                      const guint8         from[SR_ADDRESS_LEN],
                                                      SrTxSignFunc         sign_func,
                                                      gpointer             sign_data,
                                                      GDestroyNotify       sign_data_destroy);
const char         *sr_tx_manager_get_from           (SrTxManager         *self);
guint64             sr_tx_manager_get_chain_id       (SrTxManager         *self);
/* How often receipts are polled while waiting (milliseconds). */
void                sr_tx_manager_set_poll_interval  (SrTxManager         *self,
                                                      guint                interval_ms);

/* Sends once per @idempotency_key: a second call with the same key returns
 * the recorded transaction (broadcasting it if that never happened). */
void                sr_tx_manager_send_async         (SrTxManager         *self,
                                                      const SrTxRequest   *request,
                                                      const char          *idempotency_key,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SrStoreTransaction *sr_tx_manager_send_finish        (SrTxManager         *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Replace pending transaction @id by one with the same nonce: the same
 * call with higher fees (speed-up), or a zero-value transfer to oneself
 * (cancel). Returns the replacement. */
void                sr_tx_manager_speed_up_async     (SrTxManager         *self,
                                                      gint64               id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SrStoreTransaction *sr_tx_manager_speed_up_finish    (SrTxManager         *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void                sr_tx_manager_cancel_async       (SrTxManager         *self,
                                                      gint64               id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SrStoreTransaction *sr_tx_manager_cancel_finish      (SrTxManager         *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Polls the receipts of every unfinished transaction once and records
 * what was included, failed or replaced. */
void                sr_tx_manager_refresh_async      (SrTxManager         *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean            sr_tx_manager_refresh_finish     (SrTxManager         *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Start-up: a refresh that also re-broadcasts every recorded transaction
 * whose nonce is still open. @rebroadcast counts them. */
void                sr_tx_manager_reconcile_async    (SrTxManager         *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean            sr_tx_manager_reconcile_finish   (SrTxManager         *self,
                                                      GAsyncResult        *result,
                                                      guint               *rebroadcast,
                                                      GError             **error);

/* Polls until the nonce of transaction @id is settled; returns the
 * transaction of that nonce which was included (@id itself or its
 * replacement), or @id marked replaced when a foreign one took the nonce. */
void                sr_tx_manager_wait_async         (SrTxManager         *self,
                                                      gint64               id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SrStoreTransaction *sr_tx_manager_wait_finish        (SrTxManager         *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS

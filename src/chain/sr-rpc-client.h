/* sr-rpc-client.h: an Ethereum JSON-RPC client over HTTP (libsoup 3).
 *
 * Every reply is untrusted input: anything that is not a well-formed
 * JSON-RPC answer to the request that was sent becomes an SR_RPC_ERROR,
 * never a crash or a silently wrong value. Quantities are parsed strictly
 * ("0x" then hex digits without leading zeros) into guint64 or 256-bit
 * big-endian words (crypto/sr-u256.h).
 *
 * An SrRpcClient belongs to the thread whose main context created it;
 * callbacks run there.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"

G_BEGIN_DECLS

#define SR_RPC_ERROR (sr_rpc_error_quark ())

typedef enum {
  SR_RPC_ERROR_UNREACHABLE,  /* connection refused, unknown host, TLS failure */
  SR_RPC_ERROR_HTTP,         /* the server answered with an HTTP error status */
  SR_RPC_ERROR_TIMEOUT,      /* no complete answer within the timeout */
  SR_RPC_ERROR_MALFORMED,    /* not JSON, not JSON-RPC, wrong id, missing or ill-typed result */
  SR_RPC_ERROR_REMOTE,       /* the node answered with a JSON-RPC error object */
  SR_RPC_ERROR_REVERTED,     /* the contract reverted (eth_call, eth_estimateGas) */
} SrRpcError;

GQuark sr_rpc_error_quark (void);

#define SR_RPC_DEFAULT_TIMEOUT_MS 15000

#define SR_TYPE_RPC_CLIENT (sr_rpc_client_get_type ())
G_DECLARE_FINAL_TYPE (SrRpcClient, sr_rpc_client, SR, RPC_CLIENT, GObject)

SrRpcClient *sr_rpc_client_new              (const char           *url);
const char  *sr_rpc_client_get_url          (SrRpcClient          *self);
guint        sr_rpc_client_get_timeout      (SrRpcClient          *self);
void         sr_rpc_client_set_timeout      (SrRpcClient          *self,
                                             guint                 timeout_ms);

/* @params: a JSON array (or NULL for none); not taken over. */
void         sr_rpc_client_call_async       (SrRpcClient          *self,
                                             const char           *method,
                                             JsonNode             *params,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* Returns: (transfer full): the "result" member (may be a JSON null). */
JsonNode    *sr_rpc_client_call_finish      (SrRpcClient          *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Batches: several calls in one HTTP request; each answer (or error) is
 * read back from the batch once it has been sent. */
typedef struct _SrRpcBatch SrRpcBatch;

SrRpcBatch  *sr_rpc_client_batch_new        (SrRpcClient          *self);
SrRpcBatch  *sr_rpc_batch_ref               (SrRpcBatch           *batch);
void         sr_rpc_batch_unref             (SrRpcBatch           *batch);
/* Returns the index of the call within the batch. */
guint        sr_rpc_batch_add               (SrRpcBatch           *batch,
                                             const char           *method,
                                             JsonNode             *params);
guint        sr_rpc_batch_get_length        (SrRpcBatch           *batch);
/* After a successful send: (transfer full) the result of call @index, or
 * NULL with @error set if the node answered that call with an error or
 * not at all. */
JsonNode    *sr_rpc_batch_get_result        (SrRpcBatch           *batch,
                                             guint                 index,
                                             GError              **error);
void         sr_rpc_client_batch_send_async (SrRpcClient          *self,
                                             SrRpcBatch           *batch,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* FALSE when the batch as a whole failed (network, malformed reply). */
gboolean     sr_rpc_client_batch_send_finish (SrRpcClient         *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRpcBatch, sr_rpc_batch_unref)

/* Strict parsers for what nodes return; usable on batch results too. */
gboolean     sr_rpc_parse_u64               (JsonNode             *node,
                                             guint64              *out,
                                             GError              **error);
gboolean     sr_rpc_parse_u256              (JsonNode             *node,
                                             guint8                out[SR_U256_LEN],
                                             GError              **error);
GBytes      *sr_rpc_parse_data              (JsonNode             *node,
                                             GError              **error);
gboolean     sr_rpc_parse_hash              (JsonNode             *node,
                                             guint8                out[32],
                                             GError              **error);
gboolean     sr_rpc_parse_address           (JsonNode             *node,
                                             guint8                out[SR_ADDRESS_LEN],
                                             GError              **error);

/* Formats a quantity the way JSON-RPC wants it ("0x0", "0x1a"). */
char        *sr_rpc_format_u64              (guint64               value);
char        *sr_rpc_format_u256             (const guint8          value[SR_U256_LEN]);

/* A revert reason for people: Error(string)'s message, Panic(uint256)'s
 * code, or the selector of a custom error. NULL for empty data. */
char        *sr_rpc_describe_revert         (GBytes               *data);

/* Typed calls. */
typedef struct {
  guint8 transaction_hash[32];
  guint8 block_hash[32];
  guint64 block_number;
  guint64 log_index;
  guint8 address[SR_ADDRESS_LEN];
  guint n_topics;
  guint8 topics[4][32];
  GBytes *data;
  gboolean removed;
} SrRpcLog;

void         sr_rpc_log_free                (SrRpcLog             *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRpcLog, sr_rpc_log_free)

typedef struct {
  guint8 transaction_hash[32];
  guint64 block_number;
  gboolean status;            /* TRUE: success (status 0x1) */
  guint64 gas_used;
  guint64 effective_gas_price;
  gboolean has_contract_address;
  guint8 contract_address[SR_ADDRESS_LEN];
  GPtrArray *logs;            /* of SrRpcLog */
} SrRpcReceipt;

void         sr_rpc_receipt_free            (SrRpcReceipt         *receipt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRpcReceipt, sr_rpc_receipt_free)

typedef struct {
  guint64 oldest_block;
  GArray *base_fee_per_gas;   /* guint64, one more than blocks: the last is the next block's */
  GArray *reward;             /* guint64: the requested percentile per block (0 when absent) */
} SrRpcFeeHistory;

void         sr_rpc_fee_history_free        (SrRpcFeeHistory      *history);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRpcFeeHistory, sr_rpc_fee_history_free)

/* Contract call or gas estimate input; @to NULL for contract creation. */
typedef struct {
  const guint8 *from;         /* may be NULL */
  const guint8 *to;           /* may be NULL */
  const guint8 *value;        /* u256, may be NULL */
  GBytes *data;               /* may be NULL */
} SrRpcCallRequest;

void         sr_rpc_client_get_chain_id_async        (SrRpcClient *self, GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean     sr_rpc_client_get_chain_id_finish       (SrRpcClient *self, GAsyncResult *result,
                                                      guint64 *chain_id, GError **error);
void         sr_rpc_client_get_block_number_async    (SrRpcClient *self, GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean     sr_rpc_client_get_block_number_finish   (SrRpcClient *self, GAsyncResult *result,
                                                      guint64 *block_number, GError **error);
/* @block: "latest", "pending", or a 0x block number. */
void         sr_rpc_client_get_balance_async         (SrRpcClient *self, const guint8 address[SR_ADDRESS_LEN],
                                                      const char *block, GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean     sr_rpc_client_get_balance_finish        (SrRpcClient *self, GAsyncResult *result,
                                                      guint8 balance[SR_U256_LEN], GError **error);
void         sr_rpc_client_get_nonce_async           (SrRpcClient *self, const guint8 address[SR_ADDRESS_LEN],
                                                      const char *block, GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean     sr_rpc_client_get_nonce_finish          (SrRpcClient *self, GAsyncResult *result,
                                                      guint64 *nonce, GError **error);
void         sr_rpc_client_get_gas_price_async       (SrRpcClient *self, GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean     sr_rpc_client_get_gas_price_finish      (SrRpcClient *self, GAsyncResult *result,
                                                      guint64 *wei, GError **error);
void         sr_rpc_client_get_max_priority_fee_async (SrRpcClient *self, GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean     sr_rpc_client_get_max_priority_fee_finish (SrRpcClient *self, GAsyncResult *result,
                                                      guint64 *wei, GError **error);
void         sr_rpc_client_get_fee_history_async     (SrRpcClient *self, guint block_count,
                                                      double reward_percentile, GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
SrRpcFeeHistory *sr_rpc_client_get_fee_history_finish (SrRpcClient *self, GAsyncResult *result,
                                                      GError **error);
void         sr_rpc_client_estimate_gas_async        (SrRpcClient *self, const SrRpcCallRequest *request,
                                                      GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean     sr_rpc_client_estimate_gas_finish       (SrRpcClient *self, GAsyncResult *result,
                                                      guint64 *gas, GError **error);
void         sr_rpc_client_eth_call_async            (SrRpcClient *self, const SrRpcCallRequest *request,
                                                      const char *block, GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
GBytes      *sr_rpc_client_eth_call_finish           (SrRpcClient *self, GAsyncResult *result,
                                                      GError **error);
void         sr_rpc_client_send_raw_transaction_async (SrRpcClient *self, GBytes *raw,
                                                      GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean     sr_rpc_client_send_raw_transaction_finish (SrRpcClient *self, GAsyncResult *result,
                                                      guint8 hash[32], GError **error);
void         sr_rpc_client_get_receipt_async         (SrRpcClient *self, const guint8 hash[32],
                                                      GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
/* NULL with @error unset while the transaction is not mined. */
SrRpcReceipt *sr_rpc_client_get_receipt_finish       (SrRpcClient *self, GAsyncResult *result,
                                                      GError **error);
/* @filter: a JSON object as eth_getLogs takes it (not taken over). */
void         sr_rpc_client_get_logs_async            (SrRpcClient *self, JsonNode *filter,
                                                      GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
/* Returns: (transfer full) (element-type SrRpcLog) */
GPtrArray   *sr_rpc_client_get_logs_finish           (SrRpcClient *self, GAsyncResult *result,
                                                      GError **error);
void         sr_rpc_client_get_code_async            (SrRpcClient *self, const guint8 address[SR_ADDRESS_LEN],
                                                      const char *block, GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
GBytes      *sr_rpc_client_get_code_finish           (SrRpcClient *self, GAsyncResult *result,
                                                      GError **error);
/* eth_getBlockByNumber's baseFeePerGas; FALSE with SR_RPC_ERROR_MALFORMED
 * on a chain without EIP-1559. */
void         sr_rpc_client_get_base_fee_async        (SrRpcClient *self, const char *block,
                                                      GCancellable *cancellable,
                                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean     sr_rpc_client_get_base_fee_finish       (SrRpcClient *self, GAsyncResult *result,
                                                      guint64 *wei, GError **error);

G_END_DECLS

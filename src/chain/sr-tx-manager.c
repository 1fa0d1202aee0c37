/* sr-tx-manager.c: nonces, fees, record-before-broadcast, receipts,
 * replacement and start-up reconciliation for one account.
 *
 * The order of a send is the point of this file: nonce → fees → gas →
 * sign → check what was signed → record (fsynced) → broadcast. Whatever
 * happens after the record, the signed bytes are on disk and the next
 * reconciliation either finds them included or sends exactly those bytes
 * again; sending the same bytes twice is harmless because they have one
 * hash and one nonce.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-hex.h"
#include "crypto/sr-keccak.h"
#include "sr-tx-manager-private.h"

G_DEFINE_QUARK (sr-tx-manager-error-quark, sr_tx_manager_error)

#define DEFAULT_POLL_INTERVAL_MS 1000
#define TRANSFER_GAS 21000
/* Estimates for contract calls get this much head room (percent): state
 * can change between estimate and inclusion. */
#define GAS_MARGIN_PERCENT 20

struct _SrTxManager
{
  GObject parent_instance;

  SrRpcClient *rpc;
  SrStore *store;
  guint64 chain_id;
  guint8 from[SR_ADDRESS_LEN];
  char *from_text;             /* EIP-55 */

  SrTxSignFunc sign_func;
  gpointer sign_data;
  GDestroyNotify sign_data_destroy;

  /* The next nonce this manager would hand out; 0 until first needed. */
  guint64 next_nonce;
  guint poll_interval_ms;
  gboolean chain_checked;
  gboolean fail_broadcast;

  /* Transactions whose nonce the chain has passed while no receipt of
   * theirs was found yet, by id → when that was first seen (monotonic µs). */
  GHashTable *unexplained_since;
};

/* A node may count a nonce as used a moment before it serves the receipt
 * of the transaction that used it (anvil does; so can a load-balanced
 * RPC): a transaction is called replaced only once that has lasted. */
#define REPLACED_GRACE_US (3 * G_USEC_PER_SEC)

G_DEFINE_FINAL_TYPE (SrTxManager, sr_tx_manager, G_TYPE_OBJECT)

enum {
  SIGNAL_TRANSACTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- helpers ---------------------------------------------------------- */

static gboolean
parse_fee (const char *text,
           guint64    *out)
{
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, out, NULL);
}

/* a + b, or FALSE on overflow. */
static gboolean
add_u64 (guint64  a,
         guint64  b,
         guint64 *out)
{
  if (a > G_MAXUINT64 - b)
    return FALSE;
  *out = a + b;
  return TRUE;
}

/* The smallest fee a node accepts as a replacement of @old: +10 %,
 * rounded up, plus one wei so that rounding on the node's side cannot
 * make it fall short. */
static gboolean
bumped (guint64  old,
        guint64 *out)
{
  return add_u64 (old, old / 10 + 1, out);
}

static void
set_state (SrTxManager    *self,
           gint64          id,
           SrStoreTxState  state,
           gint64          block_number)
{
  g_autoptr(GError) error = NULL;

  if (!sr_store_update_transaction_state (self->store, id, state, block_number, &error))
    g_warning ("Could not record that transaction %" G_GINT64_FORMAT " is %s: %s",
               id, sr_store_tx_state_to_string (state), error->message);
  else
    g_signal_emit (self, signals[SIGNAL_TRANSACTION_CHANGED], 0, id);
}

/* Node messages for a transaction it already holds; re-sending our own
 * recorded bytes may legitimately meet them. */
static gboolean
is_already_known (const GError *error)
{
  g_autofree char *lower = NULL;

  if (!g_error_matches (error, SR_RPC_ERROR, SR_RPC_ERROR_REMOTE))
    return FALSE;
  lower = g_ascii_strdown (error->message, -1);
  return strstr (lower, "already known") != NULL ||
         strstr (lower, "known transaction") != NULL ||
         strstr (lower, "already imported") != NULL ||
         strstr (lower, "already exists") != NULL;
}

/* A verdict on the transaction itself, as opposed to "could not ask".
 * "nonce too low" is no verdict on ours: the nonce may have been used by
 * this very transaction, which reconciliation will find. */
static gboolean
is_rejection (const GError *error)
{
  g_autofree char *lower = NULL;

  if (!g_error_matches (error, SR_RPC_ERROR, SR_RPC_ERROR_REMOTE) &&
      !g_error_matches (error, SR_RPC_ERROR, SR_RPC_ERROR_REVERTED))
    return FALSE;
  lower = g_ascii_strdown (error->message, -1);
  return strstr (lower, "nonce too low") == NULL;
}

static gboolean
bytes_equal_or_empty (GBytes *a,
                      GBytes *b)
{
  gsize la = a != NULL ? g_bytes_get_size (a) : 0;
  gsize lb = b != NULL ? g_bytes_get_size (b) : 0;

  if (la != lb)
    return FALSE;
  return la == 0 || memcmp (g_bytes_get_data (a, NULL), g_bytes_get_data (b, NULL), la) == 0;
}

/* The signer is another process: check that it signed what was asked, by
 * the account this manager sends from, before anything is recorded. */
static gboolean
check_signed (SrTxManager  *self,
              const SrTx   *asked,
              GBytes       *raw,
              GError      **error)
{
  g_autoptr(SrTx) got = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 sender[SR_ADDRESS_LEN];

  got = sr_tx_decode (raw, &local_error);
  if (got == NULL || !sr_tx_recover_sender (got, sender, &local_error))
    {
      g_set_error (error, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_BAD_SIGNATURE,
                   _("The wallet returned a transaction Seedreel cannot read (%s). Nothing was sent."),
                   local_error->message);
      return FALSE;
    }
  if (memcmp (sender, self->from, SR_ADDRESS_LEN) != 0 ||
      got->type != asked->type || got->chain_id != asked->chain_id || got->nonce != asked->nonce ||
      got->gas_limit != asked->gas_limit || got->has_to != asked->has_to ||
      (asked->has_to && memcmp (got->to, asked->to, SR_ADDRESS_LEN) != 0) ||
      memcmp (got->value, asked->value, SR_U256_LEN) != 0 ||
      memcmp (got->max_fee_per_gas, asked->max_fee_per_gas, SR_U256_LEN) != 0 ||
      memcmp (got->max_priority_fee_per_gas, asked->max_priority_fee_per_gas, SR_U256_LEN) != 0 ||
      !bytes_equal_or_empty (got->data, asked->data))
    {
      g_set_error (error, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_BAD_SIGNATURE,
                   _("The wallet signed a different transaction from the one requested. Nothing was sent."));
      return FALSE;
    }
  return TRUE;
}

/* ---- sending ---------------------------------------------------------- */

typedef struct {
  /* what to send */
  gboolean has_to;
  guint8 to[SR_ADDRESS_LEN];
  guint8 value[SR_U256_LEN];
  GBytes *data;
  guint64 gas_limit;
  char *key;
  /* replacement: fixed nonce and fee floors */
  gint64 replaces;
  gboolean fixed_nonce;
  guint64 nonce;
  guint64 min_max_fee;
  guint64 min_tip;
  gboolean nonce_reserved;
  /* progress */
  guint64 base_fee;
  guint64 tip;
  SrTx *tx;
  SrStoreTransaction *record;
} SendJob;

static void
send_job_free (SendJob *job)
{
  g_clear_pointer (&job->data, g_bytes_unref);
  g_free (job->key);
  g_clear_pointer (&job->tx, sr_tx_free);
  g_clear_pointer (&job->record, sr_store_transaction_free);
  g_free (job);
}

/* Takes over the caller's reference to @task, as every step below does. */
static void
send_fail (GTask  *task,
           GError *error)
{
  SrTxManager *self = g_task_get_source_object (task);
  SendJob *job = g_task_get_task_data (task);

  /* Give back a nonce nobody used, unless a later send already took the next. */
  if (job->nonce_reserved && self->next_nonce == job->nonce + 1)
    self->next_nonce = job->nonce;
  job->nonce_reserved = FALSE;
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
broadcast_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrTxManager *self = g_task_get_source_object (task);
  SendJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sr_rpc_client_send_raw_transaction_finish (SR_RPC_CLIENT (source), result, NULL, &error) &&
      !is_already_known (error))
    {
      if (is_rejection (error))
        {
          /* The node looked at it and said no (fees below the base fee,
           * too little gas or ETH…): it will never be included, so its
           * nonce goes back to the next transaction. */
          set_state (self, job->record->id, SR_STORE_TX_FAILED, -1);
          if (self->next_nonce == job->nonce + 1)
            self->next_nonce = job->nonce;
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* Recorded but perhaps sent: keep the nonce reserved, so that
       * nothing else takes it while reconciliation can still send this. */
      g_prefix_error (&error, _("The transaction is saved but the network did not take it yet: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_state (self, job->record->id, SR_STORE_TX_BROADCAST, -1);
  job->record->state = SR_STORE_TX_BROADCAST;
  g_task_return_pointer (task, sr_store_transaction_copy (job->record),
                         (GDestroyNotify) sr_store_transaction_free);
}

static void
broadcast (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);
  SendJob *job = g_task_get_task_data (task);

  if (self->fail_broadcast)
    {
      g_task_return_new_error (task, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_NOT_SENT,
                               _("The transaction is saved but was not sent; it will be sent "
                                 "when Seedreel next connects."));
      g_object_unref (task);
      return;
    }
  sr_rpc_client_send_raw_transaction_async (self->rpc, job->record->raw, g_task_get_cancellable (task),
                                            broadcast_done, task);
}

static void
persist_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SrTxManager *self = source_object;
  GError *error = NULL;

  if (sr_store_insert_transaction (self->store, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
persisted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  SrTxManager *self = SR_TX_MANAGER (source);
  SendJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_clear_pointer (&job->record, sr_store_transaction_free);
      send_fail (task, error);
      return;
    }
  /* From here on the nonce belongs to a recorded transaction. */
  job->nonce_reserved = FALSE;
  g_signal_emit (self, signals[SIGNAL_TRANSACTION_CHANGED], 0, job->record->id);
  broadcast (task);
}

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  SrTxManager *self = g_task_get_source_object (task);
  SendJob *job = g_task_get_task_data (task);
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) record = NULL;
  GTask *persist_task;
  guint8 hash[32];
  gsize raw_len = 0;
  const guint8 *raw_data;

  raw = g_task_propagate_pointer (G_TASK (result), &error);
  if (raw == NULL)
    {
      if (error == NULL)
        error = g_error_new (SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_BAD_SIGNATURE,
                             _("The wallet returned no signature. Nothing was sent."));
      send_fail (task, g_steal_pointer (&error));
      return;
    }
  if (!check_signed (self, job->tx, raw, &error))
    {
      send_fail (task, g_steal_pointer (&error));
      return;
    }

  raw_data = g_bytes_get_data (raw, &raw_len);
  sr_keccak256 (raw_data, raw_len, hash);

  record = g_new0 (SrStoreTransaction, 1);
  record->idempotency_key = g_strdup (job->key);
  record->chain_id = self->chain_id;
  record->from_address = g_strdup (self->from_text);
  record->nonce = job->nonce;
  record->to_address = job->has_to ? sr_address_to_checksum (job->to) : NULL;
  record->value = sr_u256_to_decimal (job->value);
  record->data = job->data != NULL && g_bytes_get_size (job->data) > 0 ? g_bytes_ref (job->data) : NULL;
  record->gas_limit = job->tx->gas_limit;
  record->max_fee_per_gas = sr_u256_to_decimal (job->tx->max_fee_per_gas);
  record->max_priority_fee_per_gas = sr_u256_to_decimal (job->tx->max_priority_fee_per_gas);
  record->raw = g_bytes_ref (raw);
  record->hash = sr_hex_encode (hash, sizeof hash);
  record->replaces = job->replaces;
  record->state = SR_STORE_TX_SIGNED;

  /* The fsync'd write runs off the calling thread; nothing else touches
   * the record until it is back. */
  job->record = g_steal_pointer (&record);
  persist_task = g_task_new (self, NULL, persisted_cb, task);
  g_task_set_source_tag (persist_task, persist_thread);
  g_task_set_task_data (persist_task, job->record, NULL);
  g_task_run_in_thread (persist_task, persist_thread);
  g_object_unref (persist_task);
}

static void
send_sign (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);
  SendJob *job = g_task_get_task_data (task);
  GTask *sign_task;
  SrTx *tx;
  guint64 max_fee;

  if (!add_u64 (job->base_fee, job->base_fee, &max_fee) || !add_u64 (max_fee, job->tip, &max_fee))
    {
      send_fail (task, g_error_new (SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_FEES,
                                    _("The network's fees are out of range")));
      return;
    }
  max_fee = MAX (max_fee, job->min_max_fee);

  tx = sr_tx_new (SR_TX_TYPE_EIP1559);
  tx->chain_id = self->chain_id;
  tx->nonce = job->nonce;
  sr_u256_from_uint64 (tx->max_priority_fee_per_gas, job->tip);
  sr_u256_from_uint64 (tx->max_fee_per_gas, max_fee);
  tx->gas_limit = job->gas_limit;
  tx->has_to = job->has_to;
  memcpy (tx->to, job->to, SR_ADDRESS_LEN);
  memcpy (tx->value, job->value, SR_U256_LEN);
  tx->data = job->data != NULL ? g_bytes_ref (job->data) : NULL;
  job->tx = tx;

  sign_task = g_task_new (self, g_task_get_cancellable (task), signed_cb, task);
  g_task_set_source_tag (sign_task, self->sign_func);
  self->sign_func (job->tx, g_task_get_cancellable (task), sign_task, self->sign_data);
}

static void
estimate_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  SendJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  guint64 gas;

  if (!sr_rpc_client_estimate_gas_finish (SR_RPC_CLIENT (source), result, &gas, &error))
    {
      send_fail (task, error);
      return;
    }
  if (job->data != NULL && g_bytes_get_size (job->data) > 0)
    gas += gas * GAS_MARGIN_PERCENT / 100;
  job->gas_limit = gas;
  send_sign (task);
}

static void
send_gas (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);
  SendJob *job = g_task_get_task_data (task);
  SrRpcCallRequest request = { 0 };

  if (job->gas_limit > 0)
    {
      send_sign (task);
      return;
    }
  request.from = self->from;
  request.to = job->has_to ? job->to : NULL;
  request.value = job->value;
  request.data = job->data;
  sr_rpc_client_estimate_gas_async (self->rpc, &request, g_task_get_cancellable (task),
                                    estimate_done, task);
}

static void
tip_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  SendJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  guint64 tip;

  if (!sr_rpc_client_get_max_priority_fee_finish (SR_RPC_CLIENT (source), result, &tip, &error))
    {
      send_fail (task, error);
      return;
    }
  job->tip = MAX (tip, job->min_tip);
  send_gas (task);
}

static void
base_fee_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  SendJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sr_rpc_client_get_base_fee_finish (SR_RPC_CLIENT (source), result, &job->base_fee, &error))
    {
      send_fail (task, error);
      return;
    }
  sr_rpc_client_get_max_priority_fee_async (SR_RPC_CLIENT (source), g_task_get_cancellable (task),
                                            tip_done, task);
}

static void
send_fees (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);

  sr_rpc_client_get_base_fee_async (self->rpc, "latest", g_task_get_cancellable (task),
                                    base_fee_done, task);
}

/* The highest nonce among recorded, unfinished transactions + 1, so that
 * a restarted manager does not reuse one the node has not seen yet. */
static guint64
recorded_next_nonce (SrTxManager *self)
{
  g_autoptr(GPtrArray) pending = sr_store_list_transactions (self->store, self->chain_id, self->from_text,
                                                             TRUE, NULL);
  guint64 next = 0;

  for (guint i = 0; pending != NULL && i < pending->len; i++)
    {
      SrStoreTransaction *tx = pending->pdata[i];
      next = MAX (next, tx->nonce + 1);
    }
  return next;
}

static void
nonce_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  SrTxManager *self = g_task_get_source_object (task);
  SendJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  guint64 pending;

  if (!sr_rpc_client_get_nonce_finish (SR_RPC_CLIENT (source), result, &pending, &error))
    {
      send_fail (task, error);
      return;
    }
  /* The node's pending count can lag behind what this manager handed out
   * a moment ago (not yet propagated), and be ahead of it when the account
   * is used elsewhere: take the larger. */
  job->nonce = MAX (MAX (pending, self->next_nonce), recorded_next_nonce (self));
  job->nonce_reserved = TRUE;
  self->next_nonce = job->nonce + 1;
  send_fees (task);
}

static void
send_after_chain_check (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);
  SendJob *job = g_task_get_task_data (task);

  if (job->fixed_nonce)
    send_fees (task);
  else
    sr_rpc_client_get_nonce_async (self->rpc, self->from, "pending", g_task_get_cancellable (task),
                                   nonce_done, task);
}

static void
chain_id_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  SrTxManager *self = g_task_get_source_object (task);
  GError *error = NULL;
  guint64 chain_id = 0;

  if (!sr_rpc_client_get_chain_id_finish (SR_RPC_CLIENT (source), result, &chain_id, &error))
    {
      send_fail (task, error);
      return;
    }
  if (chain_id != self->chain_id)
    {
      send_fail (task, g_error_new (SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_WRONG_CHAIN,
                                    _("The node at %s serves chain %llu, not chain %llu"
                                      " of this network profile. Nothing was signed: "
                                      "check the RPC URL and chain id in Preferences."),
                                    sr_rpc_client_get_url (self->rpc), (unsigned long long) chain_id,
                                    (unsigned long long) self->chain_id));
      return;
    }
  self->chain_checked = TRUE;
  send_after_chain_check (task);
}

/* Once per manager: a node on another chain must be caught before anything
 * is signed for it, not after. */
static void
send_begin (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);

  if (self->chain_checked)
    send_after_chain_check (task);
  else
    sr_rpc_client_get_chain_id_async (self->rpc, g_task_get_cancellable (task), chain_id_done, task);
}

static gboolean
start_send (SrTxManager  *self,
            GTask        *task,
            SendJob      *job)
{
  g_autoptr(SrStoreTransaction) existing = NULL;
  g_autoptr(GError) error = NULL;

  g_task_set_task_data (task, job, (GDestroyNotify) send_job_free);

  existing = sr_store_lookup_transaction_by_key (self->store, job->key, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }
  if (existing != NULL)
    {
      /* The same request again: never a second transaction. */
      if (existing->state == SR_STORE_TX_SIGNED)
        {
          job->record = g_steal_pointer (&existing);
          broadcast (g_object_ref (task));
        }
      else
        g_task_return_pointer (task, g_steal_pointer (&existing), (GDestroyNotify) sr_store_transaction_free);
      return FALSE;
    }
  return TRUE;
}

void
sr_tx_manager_send_async (SrTxManager         *self,
                          const SrTxRequest   *request,
                          const char          *idempotency_key,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendJob *job;

  g_return_if_fail (SR_IS_TX_MANAGER (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (idempotency_key != NULL && *idempotency_key != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_tx_manager_send_async);

  job = g_new0 (SendJob, 1);
  job->has_to = request->has_to;
  memcpy (job->to, request->to, SR_ADDRESS_LEN);
  memcpy (job->value, request->value, SR_U256_LEN);
  job->data = request->data != NULL ? g_bytes_ref (request->data) : NULL;
  job->gas_limit = request->gas_limit;
  job->key = g_strdup (idempotency_key);

  if (!start_send (self, task, job))
    return;
  send_begin (g_steal_pointer (&task));
}

SrStoreTransaction *
sr_tx_manager_send_finish (SrTxManager   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_tx_manager_send_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- replacement ------------------------------------------------------ */

static void
replace_async (SrTxManager         *self,
               gint64               id,
               gboolean             cancel,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SrStoreTransaction) target = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  SrStoreTransaction *newest = NULL;
  guint64 old_max, old_tip;
  guint group = 0;
  gint64 root;
  SendJob *job;

  g_task_set_source_tag (task, source_tag);

  target = sr_store_lookup_transaction (self->store, id, &error);
  if (target == NULL)
    {
      if (error == NULL)
        error = g_error_new (SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_NOT_FOUND,
                             _("This transaction is not in the history"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (target->state != SR_STORE_TX_SIGNED && target->state != SR_STORE_TX_BROADCAST)
    {
      g_task_return_new_error (task, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_NOT_PENDING,
                               _("This transaction is no longer pending"));
      return;
    }

  /* Replace the newest of its nonce: a second speed-up must outbid the
   * first, not the original. */
  pending = sr_store_list_transactions (self->store, self->chain_id, self->from_text, TRUE, &error);
  if (pending == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < pending->len; i++)
    {
      SrStoreTransaction *tx = pending->pdata[i];

      if (tx->nonce != target->nonce)
        continue;
      group++;
      if (newest == NULL || tx->id > newest->id)
        newest = tx;
    }
  if (newest == NULL)
    newest = target;

  if (!parse_fee (newest->max_fee_per_gas, &old_max) || !parse_fee (newest->max_priority_fee_per_gas, &old_tip))
    {
      g_task_return_new_error (task, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_FEES,
                               _("The recorded fees of this transaction are out of range"));
      return;
    }

  job = g_new0 (SendJob, 1);
  root = target->replaces > 0 ? target->replaces : target->id;
  job->replaces = root;
  job->fixed_nonce = TRUE;
  job->nonce = target->nonce;
  if (!bumped (old_max, &job->min_max_fee) || !bumped (old_tip, &job->min_tip))
    {
      send_job_free (job);
      g_task_return_new_error (task, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_FEES,
                               _("The recorded fees of this transaction are out of range"));
      return;
    }

  if (cancel)
    {
      /* Cancelling is spending the nonce on nothing: 0 ETH to oneself. */
      job->has_to = TRUE;
      memcpy (job->to, self->from, SR_ADDRESS_LEN);
      job->gas_limit = TRANSFER_GAS;
      job->key = g_strdup_printf ("%s/cancel-%u", newest->idempotency_key, group);
    }
  else
    {
      job->has_to = newest->to_address != NULL;
      if (job->has_to && !sr_address_parse (newest->to_address, job->to, NULL))
        {
          send_job_free (job);
          g_task_return_new_error (task, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_NOT_FOUND,
                                   _("The recorded recipient of this transaction is not an address"));
          return;
        }
      if (!sr_u256_parse (newest->value, job->value, NULL))
        memset (job->value, 0, SR_U256_LEN);
      job->data = newest->data != NULL ? g_bytes_ref (newest->data) : NULL;
      job->gas_limit = newest->gas_limit;
      job->key = g_strdup_printf ("%s/speed-up-%u", newest->idempotency_key, group);
    }

  if (!start_send (self, task, job))
    return;
  send_begin (g_steal_pointer (&task));
}

void
sr_tx_manager_speed_up_async (SrTxManager         *self,
                              gint64               id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SR_IS_TX_MANAGER (self));

  replace_async (self, id, FALSE, sr_tx_manager_speed_up_async, cancellable, callback, user_data);
}

SrStoreTransaction *
sr_tx_manager_speed_up_finish (SrTxManager   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_tx_manager_speed_up_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sr_tx_manager_cancel_async (SrTxManager         *self,
                            gint64               id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SR_IS_TX_MANAGER (self));

  replace_async (self, id, TRUE, sr_tx_manager_cancel_async, cancellable, callback, user_data);
}

SrStoreTransaction *
sr_tx_manager_cancel_finish (SrTxManager   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_tx_manager_cancel_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- refresh and reconciliation --------------------------------------- */

typedef struct {
  gboolean rebroadcast;
  guint64 confirmed_count;     /* the account's "latest" nonce */
  GPtrArray *pending;          /* SrStoreTransaction, unfinished */
  guint index;                 /* next receipt to fetch */
  GHashTable *settled_nonces;  /* nonces with an included member */
  guint rebroadcast_count;
  guint rebroadcast_index;
  GPtrArray *to_send;          /* borrowed from pending */
} RefreshJob;

static void
refresh_job_free (RefreshJob *job)
{
  g_clear_pointer (&job->pending, g_ptr_array_unref);
  g_clear_pointer (&job->settled_nonces, g_hash_table_unref);
  g_clear_pointer (&job->to_send, g_ptr_array_unref);
  g_free (job);
}

static void refresh_next_receipt (GTask *task);
static void refresh_next_send (GTask *task);

static void
rebroadcast_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  SrTxManager *self = g_task_get_source_object (task);
  RefreshJob *job = g_task_get_task_data (task);
  SrStoreTransaction *tx = job->to_send->pdata[job->rebroadcast_index - 1];
  g_autoptr(GError) error = NULL;

  if (sr_rpc_client_send_raw_transaction_finish (SR_RPC_CLIENT (source), result, NULL, &error) ||
      is_already_known (error))
    {
      job->rebroadcast_count++;
      if (tx->state == SR_STORE_TX_SIGNED)
        set_state (self, tx->id, SR_STORE_TX_BROADCAST, -1);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           g_error_matches (error, SR_RPC_ERROR, SR_RPC_ERROR_UNREACHABLE) ||
           g_error_matches (error, SR_RPC_ERROR, SR_RPC_ERROR_TIMEOUT))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  else
    {
      /* E.g. "nonce too low" because it was just included, or underpriced
       * against our own newer replacement: the next refresh settles it. */
      g_debug ("Re-broadcasting %s: %s", tx->hash, error->message);
    }
  refresh_next_send (task);
}

static void
refresh_next_send (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);
  RefreshJob *job = g_task_get_task_data (task);
  SrStoreTransaction *tx;

  if (job->rebroadcast_index >= job->to_send->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  tx = job->to_send->pdata[job->rebroadcast_index++];
  sr_rpc_client_send_raw_transaction_async (self->rpc, tx->raw, g_task_get_cancellable (task),
                                            rebroadcast_done, task);
}

static void
refresh_settle (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);
  RefreshJob *job = g_task_get_task_data (task);
  g_autoptr(GHashTable) newest = g_hash_table_new (g_int64_hash, g_int64_equal);

  job->to_send = g_ptr_array_new ();
  for (guint i = 0; i < job->pending->len; i++)
    {
      SrStoreTransaction *tx = job->pending->pdata[i];
      gint64 nonce = (gint64) tx->nonce;

      if (tx->state != SR_STORE_TX_SIGNED && tx->state != SR_STORE_TX_BROADCAST)
        continue;  /* settled by its receipt in this pass */
      if (!g_hash_table_contains (job->settled_nonces, &nonce) && tx->nonce < job->confirmed_count)
        {
          gint64 now = g_get_monotonic_time ();
          gint64 since = GPOINTER_TO_SIZE (g_hash_table_lookup (self->unexplained_since, &tx->id));

          if (since == 0)
            {
              gint64 *id = g_new (gint64, 1);

              *id = tx->id;
              g_hash_table_insert (self->unexplained_since, id, GSIZE_TO_POINTER ((gsize) now));
              continue;
            }
          if (now - since < REPLACED_GRACE_US)
            continue;
        }
      if (g_hash_table_contains (job->settled_nonces, &nonce) || tx->nonce < job->confirmed_count)
        {
          /* Another transaction used this nonce: ours can never be included. */
          g_hash_table_remove (self->unexplained_since, &tx->id);
          set_state (self, tx->id, SR_STORE_TX_REPLACED, -1);
          continue;
        }
      /* Still open: only the newest of each nonce is worth sending. */
      g_hash_table_insert (newest, &tx->nonce, tx);
      self->next_nonce = MAX (self->next_nonce, tx->nonce + 1);
    }

  if (job->rebroadcast)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, newest);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_ptr_array_add (job->to_send, value);
    }
  refresh_next_send (task);
}

static void
receipt_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  SrTxManager *self = g_task_get_source_object (task);
  RefreshJob *job = g_task_get_task_data (task);
  SrStoreTransaction *tx = job->pending->pdata[job->index - 1];
  g_autoptr(SrRpcReceipt) receipt = NULL;
  GError *error = NULL;

  receipt = sr_rpc_client_get_receipt_finish (SR_RPC_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (receipt != NULL)
    {
      gint64 *nonce = g_new (gint64, 1);

      tx->state = receipt->status ? SR_STORE_TX_MINED : SR_STORE_TX_FAILED;
      set_state (self, tx->id, tx->state, (gint64) receipt->block_number);
      *nonce = (gint64) tx->nonce;
      g_hash_table_add (job->settled_nonces, nonce);
    }
  refresh_next_receipt (task);
}

static void
refresh_next_receipt (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);
  RefreshJob *job = g_task_get_task_data (task);
  SrStoreTransaction *tx;
  guint8 hash[32];

  if (job->index >= job->pending->len)
    {
      refresh_settle (task);
      return;
    }
  tx = job->pending->pdata[job->index++];
  if (!sr_hex_decode_fixed (tx->hash, hash, sizeof hash, NULL))
    {
      refresh_next_receipt (task);
      return;
    }
  sr_rpc_client_get_receipt_async (self->rpc, hash, g_task_get_cancellable (task), receipt_done, task);
}

static void
confirmed_count_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  RefreshJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  /* Read before the receipts: a transaction included in between then has
   * a receipt, rather than a nonce below the count and no receipt. */
  if (!sr_rpc_client_get_nonce_finish (SR_RPC_CLIENT (source), result, &job->confirmed_count, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  refresh_next_receipt (task);
}

static void
start_refresh (SrTxManager         *self,
               gboolean             rebroadcast,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RefreshJob *job = g_new0 (RefreshJob, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) refresh_job_free);
  job->rebroadcast = rebroadcast;
  job->settled_nonces = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  job->pending = sr_store_list_transactions (self->store, self->chain_id, self->from_text, TRUE, &error);
  if (job->pending == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (job->pending->len == 0)
    {
      job->to_send = g_ptr_array_new ();
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  sr_rpc_client_get_nonce_async (self->rpc, self->from, "latest", cancellable, confirmed_count_done, task);
}

void
sr_tx_manager_refresh_async (SrTxManager         *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (SR_IS_TX_MANAGER (self));

  start_refresh (self, FALSE, sr_tx_manager_refresh_async, cancellable, callback, user_data);
}

gboolean
sr_tx_manager_refresh_finish (SrTxManager   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_tx_manager_refresh_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sr_tx_manager_reconcile_async (SrTxManager         *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (SR_IS_TX_MANAGER (self));

  start_refresh (self, TRUE, sr_tx_manager_reconcile_async, cancellable, callback, user_data);
}

gboolean
sr_tx_manager_reconcile_finish (SrTxManager   *self,
                                GAsyncResult  *result,
                                guint         *rebroadcast,
                                GError       **error)
{
  RefreshJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_tx_manager_reconcile_async, FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (rebroadcast != NULL)
    *rebroadcast = job->rebroadcast_count;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- waiting ---------------------------------------------------------- */

typedef struct {
  gint64 id;
  guint timeout_id;
} WaitJob;

static void
wait_job_free (WaitJob *job)
{
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  g_free (job);
}

static void wait_poll (GTask *task);

static gboolean
wait_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  WaitJob *job = g_task_get_task_data (task);

  job->timeout_id = 0;
  wait_poll (task);
  return G_SOURCE_REMOVE;
}

/* The included transaction of @tx's nonce, if there is one. */
static SrStoreTransaction *
settled_member (SrTxManager        *self,
                SrStoreTransaction *tx)
{
  g_autoptr(GPtrArray) all = sr_store_list_transactions (self->store, self->chain_id, self->from_text,
                                                         FALSE, NULL);

  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      SrStoreTransaction *other = all->pdata[i];

      if (other->nonce == tx->nonce &&
          (other->state == SR_STORE_TX_MINED || other->state == SR_STORE_TX_FAILED))
        return sr_store_transaction_copy (other);
    }
  return NULL;
}

static void
wait_refreshed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  SrTxManager *self = SR_TX_MANAGER (source);
  WaitJob *job = g_task_get_task_data (task);
  g_autoptr(SrStoreTransaction) tx = NULL;
  GError *error = NULL;

  if (!sr_tx_manager_refresh_finish (self, result, &error))
    {
      /* A node that is briefly away is no reason to stop waiting. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      g_debug ("Waiting for transaction %" G_GINT64_FORMAT ": %s", job->id, error->message);
      g_clear_error (&error);
    }

  tx = sr_store_lookup_transaction (self->store, job->id, &error);
  if (tx == NULL)
    {
      if (error == NULL)
        error = g_error_new (SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_NOT_FOUND,
                             _("This transaction is not in the history"));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (tx->state != SR_STORE_TX_SIGNED && tx->state != SR_STORE_TX_BROADCAST)
    {
      SrStoreTransaction *included = tx->state == SR_STORE_TX_REPLACED ? settled_member (self, tx) : NULL;

      g_task_return_pointer (task, included != NULL ? included : g_steal_pointer (&tx),
                             (GDestroyNotify) sr_store_transaction_free);
      g_object_unref (task);
      return;
    }
  job->timeout_id = g_timeout_add (self->poll_interval_ms, wait_timeout_cb, task);
}

static void
wait_poll (GTask *task)
{
  SrTxManager *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  sr_tx_manager_refresh_async (self, g_task_get_cancellable (task), wait_refreshed, task);
}

void
sr_tx_manager_wait_async (SrTxManager         *self,
                          gint64               id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  WaitJob *job;

  g_return_if_fail (SR_IS_TX_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_tx_manager_wait_async);
  job = g_new0 (WaitJob, 1);
  job->id = id;
  g_task_set_task_data (task, job, (GDestroyNotify) wait_job_free);
  wait_poll (task);
}

SrStoreTransaction *
sr_tx_manager_wait_finish (SrTxManager   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_tx_manager_wait_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- object ----------------------------------------------------------- */

static void
sr_tx_manager_dispose (GObject *object)
{
  SrTxManager *self = SR_TX_MANAGER (object);

  g_clear_object (&self->rpc);
  g_clear_object (&self->store);
  if (self->sign_data_destroy != NULL)
    g_clear_pointer (&self->sign_data, self->sign_data_destroy);

  G_OBJECT_CLASS (sr_tx_manager_parent_class)->dispose (object);
}

static void
sr_tx_manager_finalize (GObject *object)
{
  SrTxManager *self = SR_TX_MANAGER (object);

  g_clear_pointer (&self->from_text, g_free);
  g_clear_pointer (&self->unexplained_since, g_hash_table_unref);

  G_OBJECT_CLASS (sr_tx_manager_parent_class)->finalize (object);
}

static void
sr_tx_manager_class_init (SrTxManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_tx_manager_dispose;
  object_class->finalize = sr_tx_manager_finalize;

  /**
   * SrTxManager::transaction-changed:
   * @id: the transaction's id in SrStore
   *
   * A transaction was recorded or changed state (for history views).
   */
  signals[SIGNAL_TRANSACTION_CHANGED] =
    g_signal_new ("transaction-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
sr_tx_manager_init (SrTxManager *self)
{
  self->poll_interval_ms = DEFAULT_POLL_INTERVAL_MS;
  self->unexplained_since = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

SrTxManager *
sr_tx_manager_new (SrRpcClient    *rpc,
                   SrStore        *store,
                   guint64         chain_id,
                   const guint8    from[SR_ADDRESS_LEN],
                   SrTxSignFunc    sign_func,
                   gpointer        sign_data,
                   GDestroyNotify  sign_data_destroy)
{
  SrTxManager *self;

  g_return_val_if_fail (SR_IS_RPC_CLIENT (rpc), NULL);
  g_return_val_if_fail (SR_IS_STORE (store), NULL);
  g_return_val_if_fail (chain_id > 0, NULL);
  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (sign_func != NULL, NULL);

  self = g_object_new (SR_TYPE_TX_MANAGER, NULL);
  self->rpc = g_object_ref (rpc);
  self->store = g_object_ref (store);
  self->chain_id = chain_id;
  memcpy (self->from, from, SR_ADDRESS_LEN);
  self->from_text = sr_address_to_checksum (from);
  self->sign_func = sign_func;
  self->sign_data = sign_data;
  self->sign_data_destroy = sign_data_destroy;
  return self;
}

const char *
sr_tx_manager_get_from (SrTxManager *self)
{
  g_return_val_if_fail (SR_IS_TX_MANAGER (self), NULL);

  return self->from_text;
}

guint64
sr_tx_manager_get_chain_id (SrTxManager *self)
{
  g_return_val_if_fail (SR_IS_TX_MANAGER (self), 0);

  return self->chain_id;
}

void
sr_tx_manager_set_poll_interval (SrTxManager *self,
                                 guint        interval_ms)
{
  g_return_if_fail (SR_IS_TX_MANAGER (self));

  self->poll_interval_ms = MAX (interval_ms, 10);
}

void
_sr_tx_manager_set_fail_broadcast (SrTxManager *self,
                                   gboolean     fail)
{
  g_return_if_fail (SR_IS_TX_MANAGER (self));

  self->fail_broadcast = fail;
}

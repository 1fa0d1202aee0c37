/* sr-rewards.c: estimating and claiming a seeder's rewards (see
 * sr-rewards.h). The chain is read one receipt at a time; a seeder holds at
 * most a few receipts per view it served, and the node is asked nothing
 * that does not change the answer. */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chain/sr-abi.h"
#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-keccak.h"
#include "crypto/sr-u256.h"
#include "market/sr-catalog-title.h"
#include "market/sr-rewards.h"
#include "store/sr-store-receipts.h"

G_DEFINE_QUARK (sr-rewards-error-quark, sr_rewards_error)

/* ---- 256-bit arithmetic, enough for pool × bytes ÷ size ---- */

typedef struct { guint64 w[4]; } U256;   /* w[0] most significant */

static U256
u256_load (const guint8 bytes[SR_U256_LEN])
{
  U256 v;

  for (int i = 0; i < 4; i++)
    {
      v.w[i] = 0;
      for (int j = 0; j < 8; j++)
        v.w[i] = (v.w[i] << 8) | bytes[i * 8 + j];
    }
  return v;
}

static void
u256_store (U256 v, guint8 bytes[SR_U256_LEN])
{
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 8; j++)
      bytes[i * 8 + j] = (guint8) (v.w[i] >> (56 - 8 * j));
}

static U256
u256_mul64 (U256 a, guint64 b)   /* the caller keeps it below 2^256 */
{
  unsigned __int128 carry = 0;

  for (int i = 3; i >= 0; i--)
    {
      unsigned __int128 p = (unsigned __int128) a.w[i] * b + carry;
      a.w[i] = (guint64) p;
      carry = p >> 64;
    }
  return a;
}

static U256
u256_div64 (U256 a, guint64 b)
{
  unsigned __int128 rem = 0;

  for (int i = 0; i < 4; i++)
    {
      unsigned __int128 cur = (rem << 64) | a.w[i];
      a.w[i] = (guint64) (cur / b);
      rem = cur % b;
    }
  return a;
}

static int
u256_cmp (U256 a, U256 b)
{
  for (int i = 0; i < 4; i++)
    if (a.w[i] != b.w[i])
      return a.w[i] < b.w[i] ? -1 : 1;
  return 0;
}

static U256
u256_add (U256 a, U256 b)
{
  guint64 carry = 0;

  for (int i = 3; i >= 0; i--)
    {
      guint64 s = a.w[i] + b.w[i];
      guint64 c = s < a.w[i];
      a.w[i] = s + carry;
      carry = c | (a.w[i] < s);
    }
  return a;
}

static U256
u256_sub (U256 a, U256 b)   /* a ≥ b */
{
  guint64 borrow = 0;

  for (int i = 3; i >= 0; i--)
    {
      guint64 d = a.w[i] - b.w[i];
      guint64 bo = a.w[i] < b.w[i];
      a.w[i] = d - borrow;
      borrow = bo | (d < borrow);
    }
  return a;
}

static char *
u256_decimal (U256 v)
{
  guint8 bytes[SR_U256_LEN];

  u256_store (v, bytes);
  return sr_u256_to_decimal (bytes);
}

static U256
u256_parse (const char *text)
{
  guint8 bytes[SR_U256_LEN] = { 0 };

  if (text == NULL || !sr_u256_parse (text, bytes, NULL))
    memset (bytes, 0, sizeof bytes);
  return u256_load (bytes);
}

/* ---- results ---- */

void
sr_rewards_summary_free (SrRewardsSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->pending);
  g_free (summary->collected);
  g_free (summary);
}

void
sr_rewards_claim_result_free (SrRewardsClaimResult *result)
{
  if (result == NULL)
    return;
  g_free (result->amount);
  g_free (result);
}

/* ---- estimating ---- */

typedef struct {
  SrRegistry *registry;
  SrRpcClient *rpc;
  SrStore *store;
  char *network;
  char *seeder;
  SrTxManager *manager;
  guint batch_size;

  GPtrArray *receipts;          /* of SrStoreReceipt */
  guint index;
  GHashTable *views;            /* view id → U256* left in the pool (shared by our receipts) */
  U256 pending;
  GPtrArray *claimable;         /* of SrStoreReceipt, borrowed from receipts */

  /* claiming */
  guint batch_start;
  guint batch_len;
  char *key;
  U256 claimed;
  guint n_transactions;
  guint n_claimed;
} State;

static void
state_free (State *s)
{
  g_clear_object (&s->registry);
  g_clear_object (&s->rpc);
  g_clear_object (&s->store);
  g_clear_object (&s->manager);
  g_free (s->network);
  g_free (s->seeder);
  g_free (s->key);
  g_clear_pointer (&s->claimable, g_ptr_array_unref);
  g_clear_pointer (&s->receipts, g_ptr_array_unref);
  g_clear_pointer (&s->views, g_hash_table_unref);
  g_free (s);
}

static void estimate_next (GTask *task);
static void claim_next_batch (GTask *task);

static void
finish_estimate (GTask *task)
{
  State *s = g_task_get_task_data (task);
  g_autoptr(GHashTable) viewers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) claims = NULL;
  g_autoptr(GError) error = NULL;
  SrRewardsSummary *summary;
  U256 collected = { { 0 } };

  if (s->manager != NULL)
    {
      claim_next_batch (task);
      return;
    }
  claims = sr_store_list_reward_claims (s->store, s->network, s->seeder, &error);
  if (claims == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  for (guint i = 0; i < claims->len; i++)
    collected = u256_add (collected, u256_parse (((SrStoreRewardClaim *) claims->pdata[i])->amount));
  for (guint i = 0; i < s->receipts->len; i++)
    g_hash_table_add (viewers, ((SrStoreReceipt *) s->receipts->pdata[i])->viewer);

  summary = g_new0 (SrRewardsSummary, 1);
  summary->pending = u256_decimal (s->pending);
  summary->collected = u256_decimal (collected);
  summary->n_receipts = s->receipts->len;
  summary->n_viewers = g_hash_table_size (viewers);
  summary->n_claimable = s->claimable->len;
  g_task_return_pointer (task, summary, (GDestroyNotify) sr_rewards_summary_free);
  g_object_unref (task);
}

typedef struct {
  GTask *task;
  guint64 paid_bytes;
} Step;

static void
on_view_info (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Step *step = user_data;
  GTask *task = step->task;
  State *s = g_task_get_task_data (task);
  SrStoreReceipt *r = s->receipts->pdata[s->index];
  GError *error = NULL;
  SrRegistryView view;
  U256 *left;
  guint64 delivered;

  if (!sr_registry_view_info_finish (SR_REGISTRY (source), result, &view, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      g_free (step);
      return;
    }
  left = g_hash_table_lookup (s->views, r->view_id);
  if (left == NULL)
    {
      U256 pool = u256_load (view.pool), paid_out = u256_load (view.paid_out);

      left = g_new (U256, 1);
      *left = view.reclaimed || u256_cmp (paid_out, pool) >= 0 ? (U256) { { 0 } } : u256_sub (pool, paid_out);
      g_hash_table_insert (s->views, g_strdup (r->view_id), left);
    }
  delivered = MIN (r->bytes, r->content_size);
  if (delivered > step->paid_bytes && r->content_size > 0)
    {
      U256 amount = u256_div64 (u256_mul64 (u256_load (view.pool), delivered - step->paid_bytes),
                                r->content_size);

      if (u256_cmp (amount, *left) > 0)
        amount = *left;
      *left = u256_sub (*left, amount);
      s->pending = u256_add (s->pending, amount);
      /* A receipt that would be paid nothing (its pool is spent) is not
       * worth a transaction's fee. */
      if (u256_cmp (amount, (U256) { { 0 } }) > 0)
        g_ptr_array_add (s->claimable, r);
    }
  s->index++;
  g_free (step);
  estimate_next (task);
}

static void
on_paid_bytes (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  State *s = g_task_get_task_data (task);
  SrStoreReceipt *r = s->receipts->pdata[s->index];
  GError *error = NULL;
  guint8 view_id[SR_U256_LEN];
  Step *step;

  step = g_new0 (Step, 1);
  step->task = task;
  if (!sr_registry_paid_bytes_finish (SR_REGISTRY (source), result, &step->paid_bytes, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      g_free (step);
      return;
    }
  if (step->paid_bytes > r->paid_bytes)
    {
      r->paid_bytes = step->paid_bytes;
      if (!sr_store_set_receipt_paid (s->store, s->network, r->view_id, r->seeder, step->paid_bytes, &error))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          g_free (step);
          return;
        }
    }
  g_assert (sr_u256_parse (r->view_id, view_id, NULL));
  sr_registry_view_info_async (s->registry, view_id, g_task_get_cancellable (task), on_view_info, step);
}

static void
estimate_next (GTask *task)
{
  State *s = g_task_get_task_data (task);
  guint8 view_id[SR_U256_LEN], seeder[SR_ADDRESS_LEN];
  SrStoreReceipt *r;

  if (s->index >= s->receipts->len)
    {
      finish_estimate (task);
      return;
    }
  r = s->receipts->pdata[s->index];
  if (!sr_u256_parse (r->view_id, view_id, NULL) || !sr_address_parse (r->seeder, seeder, NULL))
    {
      s->index++;
      estimate_next (task);
      return;
    }
  sr_registry_paid_bytes_async (s->registry, view_id, seeder, g_task_get_cancellable (task), on_paid_bytes, task);
}

static GTask *
start (SrRegistry          *registry,
       SrStore             *store,
       const char          *network,
       const char          *seeder,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  State *s = g_new0 (State, 1);

  g_task_set_source_tag (task, source_tag);
  s->registry = g_object_ref (registry);
  s->store = g_object_ref (store);
  s->network = g_strdup (network);
  s->seeder = g_strdup (seeder);
  s->views = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->claimable = g_ptr_array_new ();
  g_task_set_task_data (task, s, (GDestroyNotify) state_free);
  return task;
}

static void
run (GTask *task)
{
  State *s = g_task_get_task_data (task);
  GError *error = NULL;

  s->receipts = sr_store_list_receipts (s->store, s->network, s->seeder, &error);
  if (s->receipts == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  estimate_next (task);
}

void
sr_rewards_estimate_async (SrRegistry          *registry,
                           SrStore             *store,
                           const char          *network,
                           const char          *seeder,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (SR_IS_REGISTRY (registry));
  g_return_if_fail (SR_IS_STORE (store));
  g_return_if_fail (network != NULL && seeder != NULL);

  run (start (registry, store, network, seeder, cancellable, callback, user_data, sr_rewards_estimate_async));
}

SrRewardsSummary *
sr_rewards_estimate_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- claiming ---- */

static void
finish_claim (GTask *task)
{
  State *s = g_task_get_task_data (task);
  SrRewardsClaimResult *result = g_new0 (SrRewardsClaimResult, 1);

  result->amount = u256_decimal (s->claimed);
  result->n_transactions = s->n_transactions;
  result->n_receipts = s->n_claimed;
  g_task_return_pointer (task, result, (GDestroyNotify) sr_rewards_claim_result_free);
  g_object_unref (task);
}

static void
fail (GTask *task, GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_claim_receipt (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  State *s = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(SrRpcReceipt) receipt = sr_rpc_client_get_receipt_finish (SR_RPC_CLIENT (source), result, &error);
  g_autofree char *hash = NULL;
  SrStoreRewardClaim claim = { 0 };
  guint8 topic[32], seeder[SR_ADDRESS_LEN];
  U256 amount = { { 0 } };

  if (receipt == NULL)
    {
      fail (task, error != NULL ? error
                                : g_error_new_literal (SR_REWARDS_ERROR, SR_REWARDS_ERROR_REVERTED,
                                                       _("The claim was mined but its receipt is missing")));
      return;
    }
  if (!receipt->status)
    {
      fail (task, g_error_new_literal (SR_REWARDS_ERROR, SR_REWARDS_ERROR_REVERTED,
                                       _("The registry refused the claim; no reward was paid")));
      return;
    }
  g_assert (sr_address_parse (s->seeder, seeder, NULL));
  sr_registry_reward_claimed_topic (topic);
  for (guint i = 0; i < receipt->logs->len; i++)
    {
      const SrRpcLog *log = receipt->logs->pdata[i];
      SrRegistryReward event;
      g_autofree char *view = NULL;

      if (log->n_topics == 0 || memcmp (log->topics[0], topic, 32) != 0 ||
          memcmp (log->address, sr_registry_get_address (s->registry), SR_ADDRESS_LEN) != 0 ||
          !sr_registry_decode_reward_claimed (log, &event, NULL) ||
          memcmp (event.seeder, seeder, SR_ADDRESS_LEN) != 0)
        continue;
      amount = u256_add (amount, u256_load (event.amount));
      view = sr_u256_to_decimal (event.view_id);
      if (!sr_store_set_receipt_paid (s->store, s->network, view, s->seeder, event.byte_count, &error))
        {
          fail (task, error);
          return;
        }
    }
  hash = sr_hex_encode (receipt->transaction_hash, 32);
  claim.tx_hash = hash;
  claim.seeder = s->seeder;
  claim.n_receipts = s->batch_len;
  claim.amount = u256_decimal (amount);
  if (!sr_store_add_reward_claim (s->store, s->network, &claim, &error))
    {
      g_free (claim.amount);
      fail (task, error);
      return;
    }
  g_free (claim.amount);
  s->claimed = u256_add (s->claimed, amount);
  s->n_transactions++;
  s->n_claimed += s->batch_len;
  s->batch_start += s->batch_len;
  claim_next_batch (task);
}

static void
on_claim_mined (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  State *s = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(SrStoreTransaction) done = sr_tx_manager_wait_finish (SR_TX_MANAGER (source), result, &error);
  guint8 hash[32];

  if (done == NULL)
    {
      fail (task, error);
      return;
    }
  if (done->state != SR_STORE_TX_MINED && done->state != SR_STORE_TX_FAILED)
    {
      fail (task, g_error_new_literal (SR_REWARDS_ERROR, SR_REWARDS_ERROR_REVERTED,
                                       _("The claim was replaced by another transaction")));
      return;
    }
  g_assert (sr_hex_decode_fixed (done->hash, hash, 32, NULL));
  sr_rpc_client_get_receipt_async (s->rpc, hash, g_task_get_cancellable (task), on_claim_receipt, task);
}

static void
on_claim_sent (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(SrStoreTransaction) sent = sr_tx_manager_send_finish (SR_TX_MANAGER (source), result, &error);

  if (sent == NULL)
    {
      fail (task, error);
      return;
    }
  sr_tx_manager_wait_async (SR_TX_MANAGER (source), sent->id, g_task_get_cancellable (task), on_claim_mined, task);
}

static void
claim_next_batch (GTask *task)
{
  State *s = g_task_get_task_data (task);
  g_autofree SrRegistryReceipt *receipts = NULL;
  g_autofree guint8 *signatures = NULL;
  g_autoptr(GBytes) call = NULL;
  g_autofree char *digest_hex = NULL;
  SrTxRequest request = { 0 };
  guint8 digest[32];

  if (s->batch_start >= s->claimable->len)
    {
      finish_claim (task);
      return;
    }
  s->batch_len = MIN (s->batch_size, s->claimable->len - s->batch_start);
  receipts = g_new0 (SrRegistryReceipt, s->batch_len);
  signatures = g_malloc0 ((gsize) s->batch_len * 65);
  for (guint i = 0; i < s->batch_len; i++)
    {
      SrStoreReceipt *r = s->claimable->pdata[s->batch_start + i];
      gsize len = 0;
      const guint8 *sig = g_bytes_get_data (r->signature, &len);

      if (!sr_u256_parse (r->view_id, receipts[i].view_id, NULL) ||
          !sr_address_parse (r->seeder, receipts[i].seeder, NULL) || len != 65)
        {
          fail (task, g_error_new (SR_REWARDS_ERROR, SR_REWARDS_ERROR_REVERTED,
                                   _("A stored receipt for view %s is damaged"), r->view_id));
          return;
        }
      receipts[i].bytes = r->bytes;
      memcpy (signatures + (gsize) i * 65, sig, 65);
    }
  call = sr_registry_encode_claim (receipts, (const guint8 (*)[65]) signatures, s->batch_len);

  /* The same batch is the same call data: sent at most once, even across a crash. */
  sr_keccak256 (g_bytes_get_data (call, NULL), g_bytes_get_size (call), digest);
  digest_hex = sr_hex_encode_bare (digest, sizeof digest);
  g_free (s->key);
  s->key = g_strdup_printf ("claim:%s:%s", s->network, digest_hex);

  request.has_to = TRUE;
  memcpy (request.to, sr_registry_get_address (s->registry), SR_ADDRESS_LEN);
  request.data = call;
  sr_tx_manager_send_async (s->manager, &request, s->key, g_task_get_cancellable (task), on_claim_sent, task);
}

void
sr_rewards_claim_async (SrRegistry          *registry,
                        SrRpcClient         *rpc,
                        SrStore             *store,
                        const char          *network,
                        SrTxManager         *manager,
                        guint                batch_size,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  State *s;

  g_return_if_fail (SR_IS_REGISTRY (registry));
  g_return_if_fail (SR_IS_RPC_CLIENT (rpc));
  g_return_if_fail (SR_IS_STORE (store));
  g_return_if_fail (SR_IS_TX_MANAGER (manager));
  g_return_if_fail (network != NULL);

  task = start (registry, store, network, sr_tx_manager_get_from (manager), cancellable, callback, user_data,
                sr_rewards_claim_async);
  s = g_task_get_task_data (task);
  s->rpc = g_object_ref (rpc);
  s->manager = g_object_ref (manager);
  s->batch_size = batch_size > 0 ? batch_size : SR_REWARDS_BATCH_SIZE;
  run (task);
}

SrRewardsClaimResult *
sr_rewards_claim_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
sr_rewards_dup_max_fee_text (GVariant *summary)
{
  const char *per_gas_text = NULL;
  guint64 gas = 0, per_gas = 0;
  guint8 per_gas_bytes[SR_U256_LEN], total[SR_U256_LEN];
  g_autofree char *decimal = NULL;

  g_return_val_if_fail (summary != NULL, NULL);

  g_variant_lookup (summary, "gas", "t", &gas);
  if ((g_variant_lookup (summary, "max-fee-per-gas", "&s", &per_gas_text) ||
       g_variant_lookup (summary, "gas-price", "&s", &per_gas_text)) &&
      sr_u256_parse (per_gas_text, per_gas_bytes, NULL) && sr_u256_bit_length (per_gas_bytes) <= 64)
    per_gas = u256_load (per_gas_bytes).w[3];
  u256_store (u256_mul64 ((U256) { { 0, 0, 0, per_gas } }, gas), total);
  decimal = sr_u256_to_decimal (total);
  return sr_catalog_format_units (decimal, 18);
}

/* sr-rewards.h: a seeder's rewards from the receipts it holds.
 *
 * sr_rewards_estimate_async() reads, for each stored receipt, what the
 * registry has already paid that (view, seeder) and what is left in the
 * view's pool, and estimates what a claim would pay now:
 *   min(pool × (min(bytes, size) − paid) ÷ size, pool − paidOut).
 * sr_rewards_claim_async() then claims every receipt that would pay
 * something, in batches of at most SR_REWARDS_BATCH_SIZE receipts (about
 * 3.5 M gas, well inside a block), each sent once through SrTxManager under
 * an idempotency key derived from its call data, so a claim interrupted and
 * run again never sends the same batch twice.
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-registry.h"
#include "chain/sr-rpc-client.h"
#include "chain/sr-tx-manager.h"
#include "store/sr-store.h"

G_BEGIN_DECLS

#define SR_REWARDS_BATCH_SIZE 100

#define SR_REWARDS_ERROR (sr_rewards_error_quark ())

typedef enum {
  SR_REWARDS_ERROR_REVERTED,     /* a claim transaction failed on chain */
} SrRewardsError;

GQuark sr_rewards_error_quark (void);

typedef struct {
  char *pending;                 /* estimated, token base units, decimal */
  guint n_receipts;              /* receipts held */
  guint n_viewers;               /* distinct viewers who signed them */
  guint n_claimable;             /* receipts a claim would be paid for */
  char *collected;               /* claimed so far (recorded claims), decimal */
} SrRewardsSummary;

typedef struct {
  char *amount;                  /* paid by these claims, decimal */
  guint n_transactions;
  guint n_receipts;
} SrRewardsClaimResult;

void                  sr_rewards_summary_free      (SrRewardsSummary     *summary);
void                  sr_rewards_claim_result_free (SrRewardsClaimResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRewardsSummary, sr_rewards_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRewardsClaimResult, sr_rewards_claim_result_free)

/* @seeder: the checksummed address whose receipts count. */
void                  sr_rewards_estimate_async    (SrRegistry           *registry,
                                                    SrStore              *store,
                                                    const char           *network,
                                                    const char           *seeder,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
SrRewardsSummary     *sr_rewards_estimate_finish   (GAsyncResult         *result,
                                                    GError              **error);

/* Claims as @manager's account. @batch_size 0 means SR_REWARDS_BATCH_SIZE. */
void                  sr_rewards_claim_async       (SrRegistry           *registry,
                                                    SrRpcClient          *rpc,
                                                    SrStore              *store,
                                                    const char           *network,
                                                    SrTxManager          *manager,
                                                    guint                 batch_size,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
SrRewardsClaimResult *sr_rewards_claim_finish      (GAsyncResult         *result,
                                                    GError              **error);

/* What a claim transaction can cost at most (gas × max fee per gas), in
 * ETH as people read it, from the wallet agent's summary of it. */
char                 *sr_rewards_dup_max_fee_text  (GVariant             *summary);

G_END_DECLS

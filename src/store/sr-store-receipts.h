/* sr-store-receipts.h: seeding receipts a seeder holds, and the claims it
 * made with them.
 *
 * A receipt is a viewer's signed statement that this seeder delivered a
 * cumulative number of bytes of a view. Only the newest per (network, view,
 * seeder) matters: a newer receipt supersedes the older one on chain, so the
 * table keeps one row each and never lets its byte count go down. A receipt
 * is written synced to disk before the seeder acknowledges it, so a crash
 * never loses one the viewer was told was kept.
 */
#pragma once

#include "store/sr-store.h"

G_BEGIN_DECLS

typedef struct {
  char *view_id;            /* decimal */
  char *seeder;             /* EIP-55: whom the receipt pays */
  char *viewer;             /* EIP-55: the view's buyer, who signed */
  char *content_id;         /* decimal */
  guint64 bytes;            /* cumulative bytes delivered */
  GBytes *signature;        /* 65 bytes r ‖ s ‖ recid */
  guint64 content_size;     /* the title's size on chain */
  char *pool;               /* the view's pool, token base units, decimal */
  guint64 paid_bytes;       /* bytes the registry had paid for when last seen */
  gint64 received_at;       /* Unix seconds */
} SrStoreReceipt;

typedef struct {
  char *tx_hash;            /* 0x-hex */
  char *seeder;             /* EIP-55 */
  guint n_receipts;
  char *amount;             /* token base units, decimal */
  gint64 claimed_at;        /* Unix seconds */
} SrStoreRewardClaim;

void            sr_store_receipt_free      (SrStoreReceipt *receipt);
void            sr_store_reward_claim_free (SrStoreRewardClaim *claim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStoreReceipt, sr_store_receipt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStoreRewardClaim, sr_store_reward_claim_free)

/* Keeps @receipt if it carries more bytes than the one stored for the same
 * (network, view, seeder), synced to disk before returning. @newer (may be
 * NULL) tells whether it replaced anything; an older or equal receipt is
 * not an error. */
gboolean        sr_store_put_receipt       (SrStore               *self,
                                            const char            *network,
                                            const SrStoreReceipt  *receipt,
                                            gboolean              *newer,
                                            GError               **error);
/* NULL without an error when none is stored. */
SrStoreReceipt *sr_store_get_receipt       (SrStore               *self,
                                            const char            *network,
                                            const char            *view_id,
                                            const char            *seeder,
                                            GError               **error);
/* Every receipt held for @seeder (all seeders when NULL), by view. */
GPtrArray      *sr_store_list_receipts     (SrStore               *self,
                                            const char            *network,
                                            const char            *seeder,
                                            GError               **error);
/* Records what the registry has paid for (never lowers it). */
gboolean        sr_store_set_receipt_paid  (SrStore               *self,
                                            const char            *network,
                                            const char            *view_id,
                                            const char            *seeder,
                                            guint64                paid_bytes,
                                            GError               **error);

gboolean        sr_store_add_reward_claim  (SrStore                  *self,
                                            const char               *network,
                                            const SrStoreRewardClaim *claim,
                                            GError                  **error);
/* Newest first. */
GPtrArray      *sr_store_list_reward_claims (SrStore              *self,
                                            const char            *network,
                                            const char            *seeder,
                                            GError               **error);

G_END_DECLS

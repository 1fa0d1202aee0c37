/* sr-registry.h: typed access to the SeedreelRegistry contract: call data
 * for publishing, buying views, claiming seeding rewards and withdrawing;
 * its view functions; the EIP-712 digest of a seeding receipt; and decoding
 * of its events (ContentPublished, ViewPurchased, RewardClaimed).
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-abi.h"
#include "chain/sr-rpc-client.h"

G_BEGIN_DECLS

#define SR_TYPE_REGISTRY (sr_registry_get_type ())
G_DECLARE_FINAL_TYPE (SrRegistry, sr_registry, SR, REGISTRY, GObject)

/* Receipt{uint256 viewId; address seeder; uint64 bytes}: cumulative bytes
 * @seeder delivered for view @view_id. */
typedef struct {
  guint8 view_id[SR_U256_LEN];
  guint8 seeder[SR_ADDRESS_LEN];
  guint64 bytes;
} SrRegistryReceipt;

typedef struct {
  guint8 creator[SR_ADDRESS_LEN];
  guint8 infohash[32];
  guint8 price[SR_U256_LEN];
  guint16 seeder_share_bps;
  guint64 content_size;
} SrRegistryContent;

typedef struct {
  guint8 viewer[SR_ADDRESS_LEN];
  guint8 content_id[SR_U256_LEN];
  guint8 pool[SR_U256_LEN];
  guint8 paid_out[SR_U256_LEN];
  guint64 purchased_at;
  gboolean reclaimed;
} SrRegistryView;

/* Events. */
typedef struct {
  guint8 content_id[SR_U256_LEN];
  SrRegistryContent content;
  char *metadata;
} SrRegistryPublished;

typedef struct {
  guint8 view_id[SR_U256_LEN];
  guint8 viewer[SR_ADDRESS_LEN];
  guint8 content_id[SR_U256_LEN];
  guint8 price[SR_U256_LEN];
  guint8 pool[SR_U256_LEN];
} SrRegistryPurchase;

typedef struct {
  guint8 view_id[SR_U256_LEN];
  guint8 seeder[SR_ADDRESS_LEN];
  guint64 byte_count;
  guint8 amount[SR_U256_LEN];
} SrRegistryReward;

SrRegistry   *sr_registry_new                     (SrRpcClient              *rpc,
                                                   const guint8              address[SR_ADDRESS_LEN]);
const guint8 *sr_registry_get_address             (SrRegistry               *self);

/* Call data for SrTxRequest.data (sent to the registry's address). */
GBytes       *sr_registry_encode_publish          (const guint8              infohash[32],
                                                   const guint8              price[SR_U256_LEN],
                                                   guint16                   seeder_share_bps,
                                                   guint64                   content_size,
                                                   const char               *metadata);
GBytes       *sr_registry_encode_buy_view         (const guint8              content_id[SR_U256_LEN]);
/* @signature: r ‖ s ‖ recid over the token's permit digest for exactly the price. */
GBytes       *sr_registry_encode_buy_view_with_permit (const guint8          content_id[SR_U256_LEN],
                                                   const guint8              deadline[SR_U256_LEN],
                                                   const guint8              signature[65]);
GBytes       *sr_registry_encode_withdraw         (void);
GBytes       *sr_registry_encode_reclaim_expired_pool (const guint8          view_id[SR_U256_LEN]);
/* @signatures: @n_receipts 65-byte r ‖ s ‖ recid signatures by each view's viewer. */
GBytes       *sr_registry_encode_claim            (const SrRegistryReceipt  *receipts,
                                                   const guint8            (*signatures)[65],
                                                   guint                     n_receipts);

/* @receipt as EIP-712 typed data (JSON) under the registry's domain: what
 * the wallet agent signs without asking (see seedreel-signer). */
char         *sr_registry_receipt_typed_data      (guint64                   chain_id,
                                                   const guint8              registry[SR_ADDRESS_LEN],
                                                   const SrRegistryReceipt  *receipt);
/* The digest a viewer signs for @receipt on the registry at @registry. */
gboolean      sr_registry_receipt_digest          (guint64                   chain_id,
                                                   const guint8              registry[SR_ADDRESS_LEN],
                                                   const SrRegistryReceipt  *receipt,
                                                   guint8                    digest[32],
                                                   GError                  **error);

void          sr_registry_content_info_async      (SrRegistry               *self,
                                                   const guint8              content_id[SR_U256_LEN],
                                                   GCancellable             *cancellable,
                                                   GAsyncReadyCallback       callback,
                                                   gpointer                  user_data);
gboolean      sr_registry_content_info_finish     (SrRegistry               *self,
                                                   GAsyncResult             *result,
                                                   SrRegistryContent        *content,
                                                   GError                  **error);
void          sr_registry_view_info_async         (SrRegistry               *self,
                                                   const guint8              view_id[SR_U256_LEN],
                                                   GCancellable             *cancellable,
                                                   GAsyncReadyCallback       callback,
                                                   gpointer                  user_data);
gboolean      sr_registry_view_info_finish        (SrRegistry               *self,
                                                   GAsyncResult             *result,
                                                   SrRegistryView           *view,
                                                   GError                  **error);
void          sr_registry_paid_bytes_async        (SrRegistry               *self,
                                                   const guint8              view_id[SR_U256_LEN],
                                                   const guint8              seeder[SR_ADDRESS_LEN],
                                                   GCancellable             *cancellable,
                                                   GAsyncReadyCallback       callback,
                                                   gpointer                  user_data);
gboolean      sr_registry_paid_bytes_finish       (SrRegistry               *self,
                                                   GAsyncResult             *result,
                                                   guint64                  *bytes,
                                                   GError                  **error);
void          sr_registry_creator_balance_async   (SrRegistry               *self,
                                                   const guint8              creator[SR_ADDRESS_LEN],
                                                   GCancellable             *cancellable,
                                                   GAsyncReadyCallback       callback,
                                                   gpointer                  user_data);
gboolean      sr_registry_creator_balance_finish  (SrRegistry               *self,
                                                   GAsyncResult             *result,
                                                   guint8                    balance[SR_U256_LEN],
                                                   GError                  **error);

/* Event topics (the first topic of each event's logs), for eth_getLogs filters. */
void          sr_registry_content_published_topic (guint8                    topic[32]);
void          sr_registry_view_purchased_topic    (guint8                    topic[32]);
void          sr_registry_reward_claimed_topic    (guint8                    topic[32]);

gboolean      sr_registry_decode_content_published (const SrRpcLog          *log,
                                                   SrRegistryPublished      *event,
                                                   GError                  **error);
void          sr_registry_published_clear         (SrRegistryPublished      *event);
gboolean      sr_registry_decode_view_purchased   (const SrRpcLog           *log,
                                                   SrRegistryPurchase       *event,
                                                   GError                  **error);
gboolean      sr_registry_decode_reward_claimed   (const SrRpcLog           *log,
                                                   SrRegistryReward         *event,
                                                   GError                  **error);

G_END_DECLS

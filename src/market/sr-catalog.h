/* sr-catalog.h: the on-chain catalog, kept in sync with the registry.
 *
 * SrCatalog is a GListModel of SrCatalogTitle in publication order. It
 * reads the registry's ContentPublished events (and the current account's
 * ViewPurchased events) with eth_getLogs in block ranges, records each
 * range in SrStore together with the hash of the block it reached, and
 * next time starts after that block: a restart resumes without fetching
 * again what it already has. Before each sync it checks that the block it
 * stopped at is still on the chain; when a short reorganisation replaced
 * it, the rows above the newest block that is still there are rolled back
 * (titles disappear from the model) and that part is read again.
 *
 * Logs are untrusted: one that does not decode is skipped with a warning
 * and counted, never fatal to the sync.
 *
 * An SrCatalog belongs to the thread whose main context created it.
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-rpc-client.h"
#include "market/sr-catalog-title.h"
#include "store/sr-store.h"

G_BEGIN_DECLS

#define SR_CATALOG_DEFAULT_BLOCK_RANGE 5000
#define SR_CATALOG_DEFAULT_POLL_MS 2000
/* How many cursor hashes are kept: the deepest reorganisation that is
 * rolled back exactly (a deeper one resyncs from the start). */
#define SR_CATALOG_KEPT_BLOCKS 64

#define SR_TYPE_CATALOG (sr_catalog_get_type ())
G_DECLARE_FINAL_TYPE (SrCatalog, sr_catalog, SR, CATALOG, GObject)

/* The key under which a network's catalog is stored. */
char           *sr_catalog_network_key      (guint64              chain_id,
                                             const guint8         registry[SR_ADDRESS_LEN]);

/* Loads what @store already holds for this network. @account is whose
 * purchases are followed; NULL keeps the account last followed here (a
 * different account's purchases are read again from the start). */
SrCatalog      *sr_catalog_new              (SrRpcClient         *rpc,
                                             SrStore             *store,
                                             guint64              chain_id,
                                             const guint8         registry[SR_ADDRESS_LEN],
                                             const guint8        *account,
                                             GError             **error);

/* The first block worth reading (the registry's deployment); default 0. */
void            sr_catalog_set_start_block  (SrCatalog           *self,
                                             guint64              block);
/* Blocks per eth_getLogs request; halved when a node refuses a range. */
void            sr_catalog_set_block_range  (SrCatalog           *self,
                                             guint64              blocks);
void            sr_catalog_set_poll_interval (SrCatalog          *self,
                                             guint                interval_ms);

/* Brings the catalog up to the chain's latest block once. */
void            sr_catalog_sync_async       (SrCatalog           *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean        sr_catalog_sync_finish      (SrCatalog           *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Follows new blocks: syncs now and then every poll interval until
 * sr_catalog_stop(). Failures are reported in :last-error and retried. */
void            sr_catalog_start            (SrCatalog           *self);
void            sr_catalog_stop             (SrCatalog           *self);

SrCatalogTitle *sr_catalog_lookup           (SrCatalog           *self,
                                             const char          *content_id);
/* Records a view the account just bought (from its receipt), so the title
 * shows as bought before the next sync sees the event. */
void            sr_catalog_note_purchase    (SrCatalog           *self,
                                             const char          *content_id,
                                             const char          *view_id);

const char     *sr_catalog_get_network_key  (SrCatalog           *self);
const guint8   *sr_catalog_get_registry     (SrCatalog           *self);
guint64         sr_catalog_get_chain_id     (SrCatalog           *self);
/* The block the stored catalog reaches; 0 before the first sync. */
guint64         sr_catalog_get_synced_block (SrCatalog           *self);
gboolean        sr_catalog_get_syncing      (SrCatalog           *self);
/* Why the last sync failed (for people), or NULL. */
const char     *sr_catalog_get_last_error   (SrCatalog           *self);
/* ContentPublished events read from the node by this object (not loaded
 * from the store). */
guint64         sr_catalog_get_fetched_count (SrCatalog          *self);
/* Logs that did not decode and were skipped. */
guint64         sr_catalog_get_skipped_count (SrCatalog          *self);

G_END_DECLS

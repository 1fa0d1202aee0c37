/* sr-receipts.h: seeding receipts over the Seedreel peer extension.
 *
 * One SrReceipts follows one torrent, on both sides of a view:
 *
 * As a viewer (sr_receipts_start_viewing) it counts, for every peer that
 * announced a payout address, the payload bytes libtorrent received from it
 * (never what the peer claims), and every SR_RECEIPTS_DEFAULT_INTERVAL bytes
 * signs a cumulative Receipt{viewId, seeder, bytes} through the wallet agent
 * (which signs receipts without asking: they only direct a pool already paid)
 * and sends it. Bytes from earlier connections of the same payout address
 * count too. sr_receipts_flush_async() signs the final receipts, at the end
 * of a download or before the session closes, and waits for their
 * acknowledgements.
 *
 * As a seeder (always) it checks every RECEIPT naming its payout address:
 * the signature must recover to the buyer of that view on chain, the view
 * must be of this title, and the bytes no more than the title's size. The
 * newest receipt per (view, seeder) is written to SrStore, synced, and only
 * then acknowledged with RECEIPT_ACK.
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-registry.h"
#include "chain/sr-signer.h"
#include "market/sr-key-exchange.h"
#include "store/sr-store.h"
#include "torrent/sr-torrent.h"

G_BEGIN_DECLS

/* A receipt every 4 MiB received from a peer. */
#define SR_RECEIPTS_DEFAULT_INTERVAL (4u << 20)

#define SR_RECEIPTS_ERROR (sr_receipts_error_quark ())

typedef enum {
  SR_RECEIPTS_ERROR_UNACKNOWLEDGED,   /* some seeders did not acknowledge their last receipt in time */
} SrReceiptsError;

GQuark sr_receipts_error_quark (void);

#define SR_TYPE_RECEIPTS (sr_receipts_get_type ())
G_DECLARE_FINAL_TYPE (SrReceipts, sr_receipts, SR, RECEIPTS, GObject)

/* @title names the chain, registry, content id and our own payout address
 * (the seeder side keeps receipts naming it). @network is the store's key
 * for this chain and registry (sr_catalog_network_key()). */
SrReceipts *sr_receipts_new                (SrTorrent                *torrent,
                                            SrRegistry               *registry,
                                            SrStore                  *store,
                                            const char               *network,
                                            const SrKeyExchangeTitle *title);

/* Viewer side: sign receipts as @viewer (an account unlocked in @signer)
 * for view @view_id from now on. */
void        sr_receipts_start_viewing      (SrReceipts               *self,
                                            SrSigner                 *signer,
                                            const char               *viewer,
                                            const guint8              view_id[SR_U256_LEN]);
/* Bytes between two receipts to the same seeder. */
void        sr_receipts_set_interval       (SrReceipts               *self,
                                            guint64                   bytes);
/* Receipt bytes acknowledged by @seeder so far (viewer side). */
guint64     sr_receipts_get_acknowledged   (SrReceipts               *self,
                                            const guint8              seeder[SR_ADDRESS_LEN]);
/* Payload bytes counted from @seeder so far (viewer side). */
guint64     sr_receipts_get_received       (SrReceipts               *self,
                                            const guint8              seeder[SR_ADDRESS_LEN]);

/* Signs a final receipt for every seeder that delivered more than its last
 * receipt says, sends those whose seeder is connected, and completes once
 * each is acknowledged (an error naming how many were not, after
 * @timeout_s seconds). */
void        sr_receipts_flush_async        (SrReceipts               *self,
                                            guint                     timeout_s,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data);
gboolean    sr_receipts_flush_finish       (SrReceipts               *self,
                                            GAsyncResult             *result,
                                            GError                  **error);

G_END_DECLS

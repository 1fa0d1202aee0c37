/* sr-seeding.h: what a Seedreel client does for every catalog title it
 * holds, for as long as it runs.
 *
 * One SrSeeding follows one SrTorrentSession on one network. Every torrent
 * in the session whose infohash is a title of the catalog stored in
 * SrStore (whether the torrent or the catalog row came first) gets exactly
 * one SrKeyExchange, which serves the title's content key to buyers once we
 * hold it, and one SrReceipts, which keeps the receipts later viewers sign
 * for what we uploaded to them (our payout address is announced to every
 * peer). Keys are kept in SrStore sealed to our own account, so a restart
 * serves them again once the wallet agent can open them.
 *
 * The same object is the viewer's side of a title: it fetches the key
 * (and keeps it), signs receipts to the peers that served us, and flushes
 * them at the end.
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-registry.h"
#include "chain/sr-signer.h"
#include "market/sr-key-exchange.h"
#include "market/sr-receipts.h"
#include "store/sr-store.h"
#include "torrent/sr-torrent-session.h"

G_BEGIN_DECLS

#define SR_SEEDING_ERROR (sr_seeding_error_quark ())

typedef enum {
  SR_SEEDING_ERROR_NOT_A_TITLE,    /* the torrent is not a title of this network's catalog */
} SrSeedingError;

GQuark sr_seeding_error_quark (void);

#define SR_TYPE_SEEDING (sr_seeding_get_type ())
G_DECLARE_FINAL_TYPE (SrSeeding, sr_seeding, SR, SEEDING, GObject)

/* @network is the store's key for @chain_id and @registry
 * (sr_catalog_network_key()); @payout is our account, announced to peers,
 * named in the receipts we keep and the owner of the keys we store;
 * @signer (may be NULL) opens stored keys and signs as @payout. */
SrSeeding     *sr_seeding_new                (SrTorrentSession    *session,
                                              SrRegistry          *registry,
                                              SrStore             *store,
                                              const char          *network,
                                              guint64              chain_id,
                                              const guint8         payout[SR_ADDRESS_LEN],
                                              SrSigner            *signer);

const char    *sr_seeding_get_network         (SrSeeding           *self);
/* EIP-55. */
const char    *sr_seeding_get_payout          (SrSeeding           *self);
SrTorrentSession *sr_seeding_get_session      (SrSeeding           *self);

/* Reads the catalog from the store again and attaches to torrents that
 * became titles; also retries opening stored keys (the account may have
 * been unlocked since). Call it after the catalog changed. */
void           sr_seeding_refresh             (SrSeeding           *self);
/* A title we know of before the stored catalog does (one we just
 * published): @content_id in decimal, @infohash as published. */
void           sr_seeding_add_title           (SrSeeding           *self,
                                               const char          *content_id,
                                               const char          *infohash);

/* NULL when @torrent is not (yet) a catalog title. */
SrKeyExchange *sr_seeding_get_key_exchange    (SrSeeding           *self,
                                               SrTorrent           *torrent);
SrReceipts    *sr_seeding_get_receipts        (SrSeeding           *self,
                                               SrTorrent           *torrent);
/* The torrent of catalog title @infohash (64 hex digits, as published) in
 * the session, or NULL. */
SrTorrent     *sr_seeding_find_torrent        (SrSeeding           *self,
                                               const char          *infohash);

/* The creator's side: serve @key from now on and keep it, sealed to our
 * account, so that a restart serves it again. Completes once stored. */
void           sr_seeding_add_key_async       (SrSeeding           *self,
                                               SrTorrent           *torrent,
                                               GBytes              *key,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       sr_seeding_add_key_finish      (SrSeeding           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* The viewer's side: the key from the peers that hold it (or as kept from
 * an earlier fetch), checked against @key_check and kept sealed as it
 * arrived; served to later buyers from then on. */
void           sr_seeding_fetch_key_async     (SrSeeding           *self,
                                               SrTorrent           *torrent,
                                               const guint8         view_id[SR_U256_LEN],
                                               const guint8        *key_check,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GBytes        *sr_seeding_fetch_key_finish    (SrSeeding           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Sign receipts for view @view_id to the peers that serve @torrent from now on. */
gboolean       sr_seeding_start_viewing       (SrSeeding           *self,
                                               SrTorrent           *torrent,
                                               const guint8         view_id[SR_U256_LEN],
                                               GError             **error);
/* Flushes the receipts of every torrent we view (or only @torrent when not
 * NULL); an error when some were not acknowledged within @timeout_s. */
void           sr_seeding_flush_async         (SrSeeding           *self,
                                               SrTorrent           *torrent,
                                               guint                timeout_s,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       sr_seeding_flush_finish        (SrSeeding           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS

/* sr-store-catalog.h: the on-chain catalog as last synced, kept with the
 * library so that a restart resumes where the sync stopped: the titles
 * published on a network, the current account's purchases, and the hashes
 * of the last few blocks the sync reached (its cursor), which is how a
 * reorganised chain is noticed and rolled back.
 *
 * Every row belongs to a network key (chain id and registry address, see
 * sr_catalog_network_key()), so one library can follow several networks.
 */
#pragma once

#include "store/sr-store.h"

G_BEGIN_DECLS

typedef struct {
  char *content_id;          /* decimal */
  char *infohash;            /* 64 lowercase hex digits */
  char *creator;             /* EIP-55 */
  char *price;               /* token base units, decimal */
  guint seeder_share_bps;
  guint64 content_size;
  char *metadata;            /* as published (untrusted JSON text) */
  guint64 block_number;
  char *block_hash;          /* 0x-hex */
  guint64 log_index;
} SrStoreTitle;

typedef struct {
  char *view_id;             /* decimal */
  char *viewer;              /* EIP-55 */
  char *content_id;          /* decimal */
  guint64 block_number;
  char *block_hash;          /* 0x-hex */
} SrStorePurchase;

typedef struct {
  guint64 number;
  char *hash;                /* 0x-hex */
} SrStoreBlock;

void             sr_store_title_free               (SrStoreTitle    *title);
void             sr_store_purchase_free            (SrStorePurchase *purchase);
void             sr_store_block_free               (SrStoreBlock    *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStoreTitle, sr_store_title_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStorePurchase, sr_store_purchase_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStoreBlock, sr_store_block_free)

/* Records one synced range in a single transaction: @titles and
 * @purchases (either may be NULL) replace rows with the same ids, the
 * cursor moves to @cursor, and only the newest @keep_blocks cursor hashes
 * are kept. */
gboolean         sr_store_catalog_apply            (SrStore             *self,
                                                    const char          *network,
                                                    GPtrArray           *titles,
                                                    GPtrArray           *purchases,
                                                    const SrStoreBlock  *cursor,
                                                    guint                keep_blocks,
                                                    GError             **error);
/* The kept cursor hashes, newest first (empty before the first sync). */
GPtrArray       *sr_store_catalog_list_blocks      (SrStore             *self,
                                                    const char          *network,
                                                    GError             **error);
/* Forgets every row above block @keep_through (a reorganised chain); the
 * cursor falls back to the newest kept hash at or below it. */
gboolean         sr_store_catalog_rollback         (SrStore             *self,
                                                    const char          *network,
                                                    guint64              keep_through,
                                                    GError             **error);
/* Forgets the network's catalog, purchases and cursor. */
gboolean         sr_store_catalog_reset            (SrStore             *self,
                                                    const char          *network,
                                                    GError             **error);
/* Titles in publication order. (element-type SrStoreTitle) */
GPtrArray       *sr_store_catalog_list_titles      (SrStore             *self,
                                                    const char          *network,
                                                    GError             **error);
/* Purchases by @viewer (EIP-55), oldest first. (element-type SrStorePurchase) */
GPtrArray       *sr_store_catalog_list_purchases   (SrStore             *self,
                                                    const char          *network,
                                                    const char          *viewer,
                                                    GError             **error);

G_END_DECLS

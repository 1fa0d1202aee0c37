/* sr-catalog-title.h: one title of the on-chain catalog as the UI and the
 * CLI see it: what the registry recorded (id, infohash, creator, price,
 * seeder share, size), what its metadata says (title, description,
 * duration, renditions, poster), and whether the current account has
 * bought a view of it. */
#pragma once

#include <gio/gio.h>

#include "store/sr-store-catalog.h"

G_BEGIN_DECLS

#define SR_TYPE_CATALOG_TITLE (sr_catalog_title_get_type ())
G_DECLARE_FINAL_TYPE (SrCatalogTitle, sr_catalog_title, SR, CATALOG_TITLE, GObject)

/* The metadata a title is published with is a small JSON object:
 * {"title": "…", "description": "…", "duration": seconds,
 *  "renditions": ["1080p", "720p"…] (or objects with a "name"),
 *  "poster": "poster.jpg"}. Anything else in it is ignored, and a title
 * whose metadata is not such an object still appears, named by its id. */
SrCatalogTitle *sr_catalog_title_new_from_store   (const SrStoreTitle *row);

const char     *sr_catalog_title_get_content_id   (SrCatalogTitle *self);
const char     *sr_catalog_title_get_infohash     (SrCatalogTitle *self);
const char     *sr_catalog_title_get_creator      (SrCatalogTitle *self);
/* Token base units, decimal. */
const char     *sr_catalog_title_get_price        (SrCatalogTitle *self);
guint           sr_catalog_title_get_seeder_share_bps (SrCatalogTitle *self);
guint64         sr_catalog_title_get_content_size (SrCatalogTitle *self);
const char     *sr_catalog_title_get_metadata     (SrCatalogTitle *self);
guint64         sr_catalog_title_get_block_number (SrCatalogTitle *self);
const char     *sr_catalog_title_get_block_hash   (SrCatalogTitle *self);
guint64         sr_catalog_title_get_log_index    (SrCatalogTitle *self);

const char     *sr_catalog_title_get_title        (SrCatalogTitle *self);
const char     *sr_catalog_title_get_description  (SrCatalogTitle *self);
/* Seconds; 0 when the metadata does not say. */
double          sr_catalog_title_get_duration     (SrCatalogTitle *self);
const char * const *sr_catalog_title_get_renditions (SrCatalogTitle *self);
const char     *sr_catalog_title_get_poster_name  (SrCatalogTitle *self);

/* A paid title's metadata carries "keyCheck": 16 bytes in hex that let a
 * viewer check the content key a peer sends. FALSE when there is none
 * (a free title). */
gboolean        sr_catalog_title_get_key_check    (SrCatalogTitle *self,
                                                   guint8          check[16]);
/* A magnet link for the title's torrent: its v2 info-hash as published, and
 * its v1 info-hash when the metadata names it ("btih"). */
char           *sr_catalog_title_dup_magnet       (SrCatalogTitle *self);

/* The current account's view of this title, or NULL when it has none. */
const char     *sr_catalog_title_get_view_id      (SrCatalogTitle *self);
void            sr_catalog_title_set_view_id      (SrCatalogTitle *self,
                                                   const char     *view_id);
gboolean        sr_catalog_title_get_purchased    (SrCatalogTitle *self);

/* Peers seeding it, -1 while unknown. */
int             sr_catalog_title_get_seeders      (SrCatalogTitle *self);
void            sr_catalog_title_set_seeders      (SrCatalogTitle *self,
                                                   int             seeders);
/* A local file holding the poster once it has been fetched, else NULL. */
const char     *sr_catalog_title_get_poster_path  (SrCatalogTitle *self);
void            sr_catalog_title_set_poster_path  (SrCatalogTitle *self,
                                                   const char     *path);

/* The title's info.json from its torrent: its "duration" and "renditions"
 * replace what the registry's metadata said (notifies :details). Anything
 * that does not parse is ignored. */
void            sr_catalog_title_apply_info       (SrCatalogTitle *self,
                                                   const char     *json,
                                                   gssize          length);
/* Does @query (case-insensitive, already folded words) match the title
 * or the description? An empty query matches everything. */
gboolean        sr_catalog_title_matches          (SrCatalogTitle *self,
                                                   const char     *query);

/* "100000000000000000000" with 18 decimals → "100"; "1500…0" → "1.5". */
char           *sr_catalog_format_units           (const char     *base_units,
                                                   guint           decimals);
/* The price in SEED (18 decimals), e.g. "2.5". */
char           *sr_catalog_title_dup_price_text   (SrCatalogTitle *self);
/* The creator as people read it: 0x1234…abcd. */
char           *sr_catalog_title_dup_short_creator (SrCatalogTitle *self);

G_END_DECLS

/* sr-title-media.h: a title's poster and info.json, fetched on demand from
 * the title's own torrent.
 *
 * A published torrent carries poster.jpg and info.json unencrypted beside
 * the renditions. When a card or a title page wants them, SrTitleMedia adds
 * the title's torrent to the session (or uses the one already there) with
 * only those two files wanted, at the top priority, copies them into a cache
 * folder under the title's infohash, and hands them to the SrCatalogTitle
 * (its poster path, and the duration and renditions of info.json). A torrent
 * it added for this alone is removed again once the files are in, or after a
 * while without peers; a torrent that the player or the key exchange took
 * over meanwhile is left in the session with every file wanted again.
 *
 * Nothing here blocks: the files are copied in a worker thread, and a title
 * without peers simply keeps its placeholder.
 */
#pragma once

#include <gio/gio.h>

#include "market/sr-catalog-title.h"
#include "torrent/sr-torrent-session.h"

G_BEGIN_DECLS

/* Without peers a fetch gives up after this long; asking again later retries. */
#define SR_TITLE_MEDIA_DEFAULT_TIMEOUT_S 60

#define SR_TYPE_TITLE_MEDIA (sr_title_media_get_type ())
G_DECLARE_FINAL_TYPE (SrTitleMedia, sr_title_media, SR, TITLE_MEDIA, GObject)

/* @cache_dir: NULL = the user's cache folder, seedreel/title-media. */
SrTitleMedia *sr_title_media_new             (SrTorrentSession *session,
                                              const char       *cache_dir);
const char   *sr_title_media_get_cache_dir   (SrTitleMedia     *self);
void          sr_title_media_set_timeout     (SrTitleMedia     *self,
                                              guint             seconds);
/* Gives @title what the cache already holds at once, and otherwise starts
 * fetching (once per infohash; a fetch that gave up is tried again by
 * itself once the timeout has passed again, for as long as this object
 * lives). The ::fetched signal tells when one ends. */
void          sr_title_media_request         (SrTitleMedia     *self,
                                              SrCatalogTitle   *title);
/* @title is about to be watched: a torrent added for its media stays in
 * the session once they are in, every file wanted again. */
void          sr_title_media_claim           (SrTitleMedia     *self,
                                              SrCatalogTitle   *title);
/* Is a fetch for @infohash under way? */
gboolean      sr_title_media_is_fetching     (SrTitleMedia     *self,
                                              const char       *infohash);
/* Was @torrent added to its session only to fetch a title's media? Such a
 * torrent is not one the user downloads or seeds. */
gboolean      sr_title_media_is_media_torrent (SrTorrent       *torrent);

G_END_DECLS

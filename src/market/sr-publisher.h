/* sr-publisher.h: publishing a title. From a folder of ready-made
 * renditions (*.mp4), poster.jpg and info.json, sr_publisher_prepare_async()
 * writes the torrent's folder — renditions encrypted under a fresh per-title
 * key for a paid title, copied as they are for a free one; poster and
 * info.json never encrypted — and makes the hybrid torrent. Then
 * sr_publisher_publish_async() records it on chain (price, seeder share,
 * metadata with the key check) through the account's SrTxManager. The
 * caller seeds the folder and keeps the key (sr-content-keys.h).
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-rpc-client.h"
#include "chain/sr-tx-manager.h"
#include "market/sr-key-exchange.h"

G_BEGIN_DECLS

#define SR_PUBLISHER_ERROR (sr_publisher_error_quark ())

typedef enum {
  SR_PUBLISHER_ERROR_NO_RENDITIONS,   /* the folder has no *.mp4 */
  SR_PUBLISHER_ERROR_BAD_INFO,        /* info.json is missing or not an object */
  SR_PUBLISHER_ERROR_REVERTED,        /* the publish transaction reverted */
  SR_PUBLISHER_ERROR_NO_EVENT,        /* its receipt names no published title */
} SrPublisherError;

GQuark sr_publisher_error_quark (void);

typedef struct {
  char *folder;              /* the prepared folder, to seed; its parent is the save path */
  GBytes *torrent;           /* the hybrid .torrent of @folder */
  guint8 infohash[32];       /* its v2 infohash: what the registry records */
  guint64 content_size;
  GBytes *key;               /* NULL for a free title */
  guint8 key_check[SR_KEY_CHECK_LEN];
  char *metadata;            /* JSON for the registry */
} SrPublication;

void sr_publication_free (SrPublication *publication);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrPublication, sr_publication_free)

void           sr_publisher_prepare_async  (const char          *source_dir,
                                            const char          *output_dir,
                                            const char          *title,
                                            const char          *description,
                                            gboolean             paid,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
SrPublication *sr_publisher_prepare_finish (GAsyncResult        *result,
                                            GError             **error);

/* Returns (via finish) the new title's content id. */
void           sr_publisher_publish_async  (SrTxManager         *manager,
                                            SrRpcClient         *rpc,
                                            const guint8         registry[SR_ADDRESS_LEN],
                                            const SrPublication *publication,
                                            const guint8         price[SR_U256_LEN],
                                            guint16              seeder_share_bps,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       sr_publisher_publish_finish (GAsyncResult        *result,
                                            guint8               content_id[SR_U256_LEN],
                                            GError             **error);

G_END_DECLS

/* sr-content-keys.h: content keys at rest. A key is stored as it was sealed
 * to its owner's own public key (a viewer keeps the sealed answer a peer
 * sent; a creator seals its own key at publishing), so the database never
 * holds a key in the clear and only the wallet agent can open one. */
#pragma once

#include <gio/gio.h>

#include "chain/sr-signer.h"
#include "market/sr-key-exchange.h"
#include "store/sr-store-keys.h"

G_BEGIN_DECLS

SrStoreContentKey *sr_content_keys_from_sealed     (const guint8       infohash[32],
                                                    const char        *owner,
                                                    const SrSealedKey *sealed);
/* Seals @key (SR_CONTENT_KEY_LEN bytes) to @owner_public_key (65 bytes) as
 * view 0: the creator's own copy. */
SrStoreContentKey *sr_content_keys_seal_for_owner  (const guint8       infohash[32],
                                                    const char        *owner,
                                                    const guint8      *owner_public_key,
                                                    GBytes            *key,
                                                    GError           **error);

void               sr_content_keys_open_async      (SrSigner                *signer,
                                                    const SrStoreContentKey *stored,
                                                    GCancellable            *cancellable,
                                                    GAsyncReadyCallback      callback,
                                                    gpointer                 user_data);
GBytes            *sr_content_keys_open_finish     (GAsyncResult            *result,
                                                    GError                 **error);

/* The account's public key, recovered from a signature the wallet agent
 * makes over a KeyRequest for view 0 (which names no purchase). */
void               sr_content_keys_owner_public_key_async  (SrSigner                 *signer,
                                                            const char               *owner,
                                                            const SrKeyExchangeTitle *title,
                                                            GCancellable             *cancellable,
                                                            GAsyncReadyCallback       callback,
                                                            gpointer                  user_data);
GBytes            *sr_content_keys_owner_public_key_finish (GAsyncResult             *result,
                                                            GError                  **error);

G_END_DECLS

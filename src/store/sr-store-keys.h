/* sr-store-keys.h: content keys of paid titles, kept durably but never in
 * the clear: each is sealed to its owner's own public key (secp256k1 ECDH
 * with a one-time key + XChaCha20-Poly1305, associated data infohash ‖ view
 * id), so only the wallet agent holding that account can open it. */
#pragma once

#include "store/sr-store.h"

G_BEGIN_DECLS

typedef struct {
  char *infohash;        /* the title's on-chain infohash, 64 hex digits */
  char *owner;           /* the account that can open it, checksummed */
  char *view_id;         /* decimal; "0" for a creator's own title */
  GBytes *public_key;    /* the sealer's one-time public key */
  GBytes *sealed;        /* nonce ‖ ciphertext ‖ tag */
  gint64 created_at;     /* Unix seconds */
} SrStoreContentKey;

void               sr_store_content_key_free (SrStoreContentKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStoreContentKey, sr_store_content_key_free)

/* Replaces any key stored for the same (network, infohash, owner). */
gboolean           sr_store_put_content_key  (SrStore                 *self,
                                              const char              *network,
                                              const SrStoreContentKey *key,
                                              GError                 **error);
/* NULL without an error when none is stored. */
SrStoreContentKey *sr_store_get_content_key  (SrStore                 *self,
                                              const char              *network,
                                              const char              *infohash,
                                              const char              *owner,
                                              GError                 **error);

G_END_DECLS

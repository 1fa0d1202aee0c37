/* sr-key-wrap.h: sealing a small secret (a title's content key) for one
 * recipient: a wrapping key from secp256k1 ECDH between the two parties'
 * keys, then XChaCha20-Poly1305 with associated data binding the sealed key
 * to its context (e.g. the view it was bought for).
 *
 * Sealed form: nonce (24) ‖ ciphertext ‖ tag (16).
 */
#pragma once

#include <glib.h>

#include "sr-secp256k1.h"

G_BEGIN_DECLS

#define SR_KEY_WRAP_KEY_LEN 32
#define SR_KEY_WRAP_OVERHEAD (24 + 16)

gboolean sr_key_wrap_derive_key (const guint8  private_key[SR_PRIVATE_KEY_LEN],
                                 const guint8 *peer_public_key,
                                 gsize         peer_public_key_len,
                                 guint8        wrap_key[SR_KEY_WRAP_KEY_LEN],
                                 GError      **error);
GBytes  *sr_key_wrap_seal       (const guint8  wrap_key[SR_KEY_WRAP_KEY_LEN],
                                 const guint8 *secret,
                                 gsize         secret_len,
                                 const guint8 *associated_data,
                                 gsize         associated_data_len);
gboolean sr_key_wrap_open       (const guint8  wrap_key[SR_KEY_WRAP_KEY_LEN],
                                 GBytes       *sealed,
                                 const guint8 *associated_data,
                                 gsize         associated_data_len,
                                 guint8       *secret,
                                 gsize         secret_len,
                                 GError      **error);

G_END_DECLS

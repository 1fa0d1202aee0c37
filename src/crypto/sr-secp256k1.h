/* sr-secp256k1.h: the secp256k1 operations Seedreel needs: public keys,
 * recoverable signatures over 32-byte hashes (Ethereum style), recovery of the
 * signer, and ECDH shared secrets for key wrapping.
 *
 * Signatures are 65 bytes r ‖ s ‖ recid with recid 0 or 1 and s always in the
 * lower half of the group order, as Ethereum requires.
 */
#pragma once

#include <glib.h>

#include "sr-address.h"

G_BEGIN_DECLS

#define SR_PRIVATE_KEY_LEN 32
#define SR_PUBLIC_KEY_LEN 65
#define SR_COMPRESSED_PUBLIC_KEY_LEN 33
#define SR_SIGNATURE_LEN 65
#define SR_SHARED_SECRET_LEN 32

gboolean sr_secp256k1_check_private_key  (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                                          GError     **error);
gboolean sr_secp256k1_public_key         (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                                          guint8       public_key[SR_PUBLIC_KEY_LEN],
                                          GError     **error);
gboolean sr_secp256k1_compressed_public_key (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                                             guint8       public_key[SR_COMPRESSED_PUBLIC_KEY_LEN],
                                             GError     **error);
gboolean sr_secp256k1_private_key_address (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                                          guint8       address[SR_ADDRESS_LEN],
                                          GError     **error);
gboolean sr_secp256k1_sign               (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                                          const guint8 hash[32],
                                          guint8       signature[SR_SIGNATURE_LEN],
                                          GError     **error);
gboolean sr_secp256k1_recover            (const guint8 hash[32],
                                          const guint8 signature[SR_SIGNATURE_LEN],
                                          guint8       public_key[SR_PUBLIC_KEY_LEN],
                                          GError     **error);
gboolean sr_secp256k1_recover_address    (const guint8 hash[32],
                                          const guint8 signature[SR_SIGNATURE_LEN],
                                          guint8       address[SR_ADDRESS_LEN],
                                          GError     **error);
gboolean sr_secp256k1_ecdh               (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                                          const guint8 *peer_public_key,
                                          gsize         peer_public_key_len,
                                          guint8        shared_secret[SR_SHARED_SECRET_LEN],
                                          GError      **error);
gboolean sr_secp256k1_tweak_add_private_key (guint8       private_key[SR_PRIVATE_KEY_LEN],
                                             const guint8 tweak[32],
                                             GError     **error);

G_END_DECLS

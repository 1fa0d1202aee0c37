/* sr-bip32.h: BIP-32 hierarchical deterministic keys (private derivation
 * only): the master key from a BIP-39 seed, child keys, and paths such as
 * m/44'/60'/0'/0/0, Ethereum's first account.
 */
#pragma once

#include <glib.h>

#include "sr-secp256k1.h"

G_BEGIN_DECLS

#define SR_BIP32_HARDENED 0x80000000u
#define SR_BIP32_ETHEREUM_PATH "m/44'/60'/0'/0/0"

typedef struct {
  guint8 private_key[SR_PRIVATE_KEY_LEN];
  guint8 chain_code[32];
  guint8 depth;
  guint8 parent_fingerprint[4];
  guint32 child_number;
} SrBip32Key;

gboolean sr_bip32_master_from_seed (const guint8     *seed,
                                    gsize             seed_len,
                                    SrBip32Key       *master,
                                    GError          **error);
gboolean sr_bip32_derive_child     (const SrBip32Key *parent,
                                    guint32           index,
                                    SrBip32Key       *child,
                                    GError          **error);
GArray  *sr_bip32_parse_path       (const gchar      *path,
                                    GError          **error);
gboolean sr_bip32_derive_path      (const SrBip32Key *master,
                                    const gchar      *path,
                                    SrBip32Key       *key,
                                    GError          **error);
gchar   *sr_bip32_serialize_private (const SrBip32Key *key);
gchar   *sr_bip32_serialize_public  (const SrBip32Key *key);
void     sr_bip32_key_clear         (SrBip32Key       *key);

G_END_DECLS

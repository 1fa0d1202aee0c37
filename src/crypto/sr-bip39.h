/* sr-bip39.h: BIP-39 recovery phrases (English list): from entropy with
 * its checksum, validation of what a user typed, and the 64-byte seed that
 * BIP-32 derives wallets from.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_BIP39_SEED_LEN 64
#define SR_BIP39_MAX_ENTROPY_LEN 32

gchar   *sr_bip39_mnemonic_from_entropy (const guint8 *entropy,
                                         gsize         entropy_len,
                                         GError      **error);
gchar   *sr_bip39_generate_mnemonic     (guint         n_words,
                                         GError      **error);
gboolean sr_bip39_mnemonic_to_entropy   (const gchar  *mnemonic,
                                         guint8        entropy[SR_BIP39_MAX_ENTROPY_LEN],
                                         gsize        *entropy_len,
                                         GError      **error);
gchar   *sr_bip39_normalize             (const gchar  *input,
                                         GError      **error);
void     sr_bip39_mnemonic_to_seed      (const gchar  *mnemonic,
                                         const gchar  *passphrase,
                                         guint8        seed[SR_BIP39_SEED_LEN]);

G_END_DECLS

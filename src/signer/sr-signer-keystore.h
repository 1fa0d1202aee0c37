/* sr-signer-keystore.h: Seedreel's native key files, one per account in
 * $XDG_DATA_HOME/seedreel/keys/<address>.json.
 *
 * The private key is sealed with XChaCha20-Poly1305 under a key stretched from
 * the password by Argon2id, with the account's address as associated data. A
 * BLAKE2b checksum over every field tells a damaged file apart from a wrong
 * password. Files are written to a temporary name, synced, decrypted again to
 * prove they open, then renamed into place.
 */
#pragma once

#include <glib.h>

#include "crypto/sr-address.h"
#include "crypto/sr-secp256k1.h"

G_BEGIN_DECLS

typedef struct {
  guint8 address[SR_ADDRESS_LEN];
  gchar *label;
} SrSignerKeystoreInfo;

void      sr_signer_keystore_info_free  (SrSignerKeystoreInfo *info);

gchar    *sr_signer_keystore_default_dir (void);
gchar    *sr_signer_keystore_path       (const gchar  *dir,
                                         const guint8  address[SR_ADDRESS_LEN]);
gboolean  sr_signer_keystore_write      (const gchar  *dir,
                                         const guint8  private_key[SR_PRIVATE_KEY_LEN],
                                         const gchar  *label,
                                         const gchar  *password,
                                         guint8        address[SR_ADDRESS_LEN],
                                         GError      **error);
SrSignerKeystoreInfo *
          sr_signer_keystore_read_info  (const gchar  *path,
                                         GError      **error);
gboolean  sr_signer_keystore_decrypt    (const gchar  *path,
                                         const gchar  *password,
                                         guint8        private_key[SR_PRIVATE_KEY_LEN],
                                         GError      **error);
GPtrArray *sr_signer_keystore_list      (const gchar  *dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSignerKeystoreInfo, sr_signer_keystore_info_free)

G_END_DECLS

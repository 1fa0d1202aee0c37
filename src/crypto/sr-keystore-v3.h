/* sr-keystore-v3.h: Web3 Secret Storage v3 key files (geth, cast, MetaMask
 * exports): a private key encrypted with AES-128-CTR under a password
 * stretched by scrypt or PBKDF2-HMAC-SHA256.
 *
 * The KDF takes about a second by design: call the _async variants from the
 * main thread.
 */
#pragma once

#include <gio/gio.h>

#include "sr-secp256k1.h"

G_BEGIN_DECLS

typedef enum {
  SR_KEYSTORE_KDF_SCRYPT,
  SR_KEYSTORE_KDF_PBKDF2,
} SrKeystoreKdf;

typedef struct {
  SrKeystoreKdf kdf;
  guint64 scrypt_n;
  guint32 scrypt_r;
  guint32 scrypt_p;
  guint32 pbkdf2_c;
} SrKeystoreParams;

/* geth's "standard" scrypt: 256 MiB, about one second. */
#define SR_KEYSTORE_PARAMS_STANDARD ((SrKeystoreParams) { SR_KEYSTORE_KDF_SCRYPT, 262144, 8, 1, 0 })

gboolean sr_keystore_v3_decrypt        (const gchar             *json,
                                        gssize                   length,
                                        const gchar             *password,
                                        guint8                   private_key[SR_PRIVATE_KEY_LEN],
                                        GError                 **error);
gchar   *sr_keystore_v3_encrypt        (const guint8             private_key[SR_PRIVATE_KEY_LEN],
                                        const gchar             *password,
                                        const SrKeystoreParams  *params,
                                        GError                 **error);

void     sr_keystore_v3_decrypt_async  (const gchar             *json,
                                        const gchar             *password,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data);
GBytes  *sr_keystore_v3_decrypt_finish (GAsyncResult            *result,
                                        GError                 **error);
void     sr_keystore_v3_encrypt_async  (const guint8             private_key[SR_PRIVATE_KEY_LEN],
                                        const gchar             *password,
                                        const SrKeystoreParams  *params,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data);
gchar   *sr_keystore_v3_encrypt_finish (GAsyncResult            *result,
                                        GError                 **error);

G_END_DECLS

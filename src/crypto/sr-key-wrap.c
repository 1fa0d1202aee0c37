/* sr-key-wrap.c: ECDH-derived keys and XChaCha20-Poly1305 sealing. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <sodium.h>

#include "sr-crypto-error.h"
#include "sr-crypto-private.h"
#include "sr-key-wrap.h"

#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES

G_STATIC_ASSERT (NONCE_LEN + TAG_LEN == SR_KEY_WRAP_OVERHEAD);
G_STATIC_ASSERT (SR_KEY_WRAP_KEY_LEN == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

/* The ECDH secret is hashed once more under a label so that a key derived
 * here is never the same as one another protocol derives from the same pair. */
gboolean
sr_key_wrap_derive_key (const guint8  private_key[SR_PRIVATE_KEY_LEN],
                        const guint8 *peer_public_key,
                        gsize         peer_public_key_len,
                        guint8        wrap_key[SR_KEY_WRAP_KEY_LEN],
                        GError      **error)
{
  static const gchar label[] = "seedreel key wrap v1";
  guint8 shared[SR_SHARED_SECRET_LEN];

  _sr_crypto_ensure_sodium ();
  if (!sr_secp256k1_ecdh (private_key, peer_public_key, peer_public_key_len, shared, error))
    return FALSE;
  crypto_generichash (wrap_key, SR_KEY_WRAP_KEY_LEN, (const guint8 *) label, sizeof label,
                      shared, sizeof shared);
  sodium_memzero (shared, sizeof shared);
  return TRUE;
}

GBytes *
sr_key_wrap_seal (const guint8  wrap_key[SR_KEY_WRAP_KEY_LEN],
                  const guint8 *secret,
                  gsize         secret_len,
                  const guint8 *associated_data,
                  gsize         associated_data_len)
{
  gsize sealed_len = NONCE_LEN + secret_len + TAG_LEN;
  guint8 *sealed = g_malloc (sealed_len);
  unsigned long long clen;

  _sr_crypto_ensure_sodium ();
  randombytes_buf (sealed, NONCE_LEN);
  crypto_aead_xchacha20poly1305_ietf_encrypt (sealed + NONCE_LEN, &clen, secret, secret_len,
                                              associated_data, associated_data_len,
                                              NULL, sealed, wrap_key);
  g_assert (clen == secret_len + TAG_LEN);
  return g_bytes_new_take (sealed, sealed_len);
}

gboolean
sr_key_wrap_open (const guint8  wrap_key[SR_KEY_WRAP_KEY_LEN],
                  GBytes       *sealed,
                  const guint8 *associated_data,
                  gsize         associated_data_len,
                  guint8       *secret,
                  gsize         secret_len,
                  GError      **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (sealed, &len);
  unsigned long long mlen;

  _sr_crypto_ensure_sodium ();
  if (len != NONCE_LEN + secret_len + TAG_LEN)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_DECRYPT_FAILED,
                   _("The sealed key has the wrong size"));
      return FALSE;
    }
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (secret, &mlen, NULL, data + NONCE_LEN,
                                                  len - NONCE_LEN, associated_data,
                                                  associated_data_len, data, wrap_key) != 0)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_DECRYPT_FAILED,
                   _("The sealed key could not be opened: it was not meant for this account or was altered"));
      return FALSE;
    }
  return TRUE;
}

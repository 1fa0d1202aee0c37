/* sr-content-cipher.c: random-access XChaCha20 over rendition files. */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "sr-content-cipher.h"
#include "sr-crypto-private.h"

#define BLOCK 64

void
sr_content_cipher_derive_nonce (const gchar *file_path,
                                guint8       nonce[SR_CONTENT_NONCE_LEN])
{
  static const gchar label[] = "seedreel content nonce v1";
  crypto_generichash_state state;

  _sr_crypto_ensure_sodium ();
  crypto_generichash_init (&state, NULL, 0, SR_CONTENT_NONCE_LEN);
  crypto_generichash_update (&state, (const guint8 *) label, sizeof label);
  crypto_generichash_update (&state, (const guint8 *) file_path, strlen (file_path));
  crypto_generichash_final (&state, nonce, SR_CONTENT_NONCE_LEN);
}

void
sr_content_cipher_generate_key (guint8 key[SR_CONTENT_KEY_LEN])
{
  _sr_crypto_ensure_sodium ();
  crypto_stream_xchacha20_keygen (key);
}

/* Encrypts or decrypts (the same operation) @len bytes that sit at @offset
 * in the file. @in and @out may be the same buffer. */
void
sr_content_cipher_xor (const guint8  key[SR_CONTENT_KEY_LEN],
                       const guint8  nonce[SR_CONTENT_NONCE_LEN],
                       guint64       offset,
                       const guint8 *in,
                       guint8       *out,
                       gsize         len)
{
  guint64 block = offset / BLOCK;
  gsize skip = offset % BLOCK;

  _sr_crypto_ensure_sodium ();

  /* A range starting mid-block: run the whole block through a scratch
   * buffer and keep only the part asked for. */
  if (skip != 0 && len > 0)
    {
      guint8 scratch[BLOCK] = { 0 };
      gsize n = MIN (len, BLOCK - skip);

      memcpy (scratch + skip, in, n);
      crypto_stream_xchacha20_xor_ic (scratch, scratch, BLOCK, nonce, block, key);
      memcpy (out, scratch + skip, n);
      sodium_memzero (scratch, sizeof scratch);
      in += n;
      out += n;
      len -= n;
      block++;
    }

  if (len > 0)
    crypto_stream_xchacha20_xor_ic (out, in, len, nonce, block, key);
}

/* sr-content-cipher.h: encryption of paid renditions. XChaCha20 is a stream
 * cipher, so any byte range of a file decrypts on its own: the player can
 * seek anywhere and decrypt just the pieces it has. Integrity comes from the
 * torrent's piece hashes, not from the cipher.
 *
 * Each file of a title needs its own nonce under the title's key; derive it
 * from the file's path inside the torrent.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_CONTENT_KEY_LEN 32
#define SR_CONTENT_NONCE_LEN 24

void sr_content_cipher_derive_nonce (const gchar  *file_path,
                                     guint8        nonce[SR_CONTENT_NONCE_LEN]);
void sr_content_cipher_generate_key (guint8        key[SR_CONTENT_KEY_LEN]);
void sr_content_cipher_xor          (const guint8  key[SR_CONTENT_KEY_LEN],
                                     const guint8  nonce[SR_CONTENT_NONCE_LEN],
                                     guint64       offset,
                                     const guint8 *in,
                                     guint8       *out,
                                     gsize         len);

G_END_DECLS

/* sr-keccak.h: Keccak-256, the hash Ethereum uses everywhere.
 *
 * This is the original Keccak submission (padding 0x01…0x80), not FIPS-202
 * SHA3-256 (padding 0x06…0x80): the two give different digests.
 */
#pragma once

#include <glib.h>
#include <nettle/sha3.h>

G_BEGIN_DECLS

#define SR_KECCAK256_DIGEST_SIZE 32
#define SR_KECCAK256_RATE 136

typedef struct {
  struct sha3_state state;
  guint8 block[SR_KECCAK256_RATE];
  gsize index;
} SrKeccak256;

void sr_keccak256_init   (SrKeccak256  *ctx);
void sr_keccak256_update (SrKeccak256  *ctx,
                          const guint8 *data,
                          gsize         len);
void sr_keccak256_digest (SrKeccak256  *ctx,
                          guint8        digest[SR_KECCAK256_DIGEST_SIZE]);
void sr_keccak256        (const guint8 *data,
                          gsize         len,
                          guint8        digest[SR_KECCAK256_DIGEST_SIZE]);

G_END_DECLS

/* sr-keccak.c: Keccak-256 on nettle's public Keccak-f[1600] permutation. */
#include "sr-keccak.h"

#include <string.h>
#include <sodium.h>

/* Lanes are little-endian 64-bit words whatever the host byte order. */
static void
absorb_block (SrKeccak256  *ctx,
              const guint8 *block)
{
  for (gsize i = 0; i < SR_KECCAK256_RATE / 8; i++)
    {
      guint64 lane;

      memcpy (&lane, block + 8 * i, 8);
      ctx->state.a[i] ^= GUINT64_FROM_LE (lane);
    }
  nettle_sha3_permute (&ctx->state);
}

void
sr_keccak256_init (SrKeccak256 *ctx)
{
  memset (ctx, 0, sizeof *ctx);
}

void
sr_keccak256_update (SrKeccak256  *ctx,
                     const guint8 *data,
                     gsize         len)
{
  if (len == 0)
    return;

  if (ctx->index > 0)
    {
      gsize take = MIN (len, SR_KECCAK256_RATE - ctx->index);

      memcpy (ctx->block + ctx->index, data, take);
      ctx->index += take;
      data += take;
      len -= take;
      if (ctx->index < SR_KECCAK256_RATE)
        return;
      absorb_block (ctx, ctx->block);
      ctx->index = 0;
    }

  while (len >= SR_KECCAK256_RATE)
    {
      absorb_block (ctx, data);
      data += SR_KECCAK256_RATE;
      len -= SR_KECCAK256_RATE;
    }

  memcpy (ctx->block, data, len);
  ctx->index = len;
}

void
sr_keccak256_digest (SrKeccak256 *ctx,
                     guint8       digest[SR_KECCAK256_DIGEST_SIZE])
{
  memset (ctx->block + ctx->index, 0, SR_KECCAK256_RATE - ctx->index);
  ctx->block[ctx->index] ^= 0x01;
  ctx->block[SR_KECCAK256_RATE - 1] ^= 0x80;
  absorb_block (ctx, ctx->block);

  for (gsize i = 0; i < SR_KECCAK256_DIGEST_SIZE; i++)
    digest[i] = (guint8) (ctx->state.a[i / 8] >> (8 * (i % 8)));

  /* The context may hold secrets (keystore MACs hash derived keys). */
  sodium_memzero (ctx, sizeof *ctx);
}

void
sr_keccak256 (const guint8 *data,
              gsize         len,
              guint8        digest[SR_KECCAK256_DIGEST_SIZE])
{
  SrKeccak256 ctx;

  sr_keccak256_init (&ctx);
  sr_keccak256_update (&ctx, data, len);
  sr_keccak256_digest (&ctx, digest);
}

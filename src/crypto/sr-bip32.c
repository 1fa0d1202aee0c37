/* sr-bip32.c: BIP-32 private key derivation and xprv/xpub serialisation. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <nettle/hmac.h>
#include <nettle/ripemd160.h>
#include <nettle/sha2.h>
#include <sodium.h>

#include "sr-bip32.h"
#include "sr-crypto-error.h"

/* Deeper paths exist in theory; none that a wallet uses. */
#define MAX_PATH_DEPTH 32

void
sr_bip32_key_clear (SrBip32Key *key)
{
  sodium_memzero (key, sizeof *key);
}

static void
hmac_sha512 (const guint8 *key,
             gsize         key_len,
             const guint8 *data,
             gsize         data_len,
             guint8        out[64])
{
  struct hmac_sha512_ctx ctx;

  hmac_sha512_set_key (&ctx, key_len, key);
  hmac_sha512_update (&ctx, data_len, data);
  hmac_sha512_digest (&ctx, 64, out);
  sodium_memzero (&ctx, sizeof ctx);
}

gboolean
sr_bip32_master_from_seed (const guint8 *seed,
                           gsize         seed_len,
                           SrBip32Key   *master,
                           GError      **error)
{
  static const gchar bitcoin_seed[] = "Bitcoin seed";
  guint8 i[64];

  if (seed_len < 16 || seed_len > 64)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH,
                   _("A wallet seed is 16 to 64 bytes long"));
      return FALSE;
    }
  hmac_sha512 ((const guint8 *) bitcoin_seed, strlen (bitcoin_seed), seed, seed_len, i);
  memset (master, 0, sizeof *master);
  memcpy (master->private_key, i, 32);
  memcpy (master->chain_code, i + 32, 32);
  sodium_memzero (i, sizeof i);
  if (!sr_secp256k1_check_private_key (master->private_key, NULL))
    {
      sr_bip32_key_clear (master);
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEY,
                   _("This seed gives no valid master key"));
      return FALSE;
    }
  return TRUE;
}

static void
fingerprint (const guint8 private_key[SR_PRIVATE_KEY_LEN],
             guint8       out[4])
{
  guint8 pub[SR_COMPRESSED_PUBLIC_KEY_LEN];
  guint8 sha[SHA256_DIGEST_SIZE];
  guint8 ripe[RIPEMD160_DIGEST_SIZE];
  struct sha256_ctx sha_ctx;
  struct ripemd160_ctx ripe_ctx;

  if (!sr_secp256k1_compressed_public_key (private_key, pub, NULL))
    g_return_if_reached ();
  sha256_init (&sha_ctx);
  sha256_update (&sha_ctx, sizeof pub, pub);
  sha256_digest (&sha_ctx, sizeof sha, sha);
  ripemd160_init (&ripe_ctx);
  ripemd160_update (&ripe_ctx, sizeof sha, sha);
  ripemd160_digest (&ripe_ctx, sizeof ripe, ripe);
  memcpy (out, ripe, 4);
}

gboolean
sr_bip32_derive_child (const SrBip32Key *parent,
                       guint32           index,
                       SrBip32Key       *child,
                       GError          **error)
{
  guint8 data[37];
  guint8 i[64];
  SrBip32Key result;

  if (parent->depth == G_MAXUINT8)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_PATH,
                   _("The derivation path is too deep"));
      return FALSE;
    }

  if (index & SR_BIP32_HARDENED)
    {
      data[0] = 0;
      memcpy (data + 1, parent->private_key, 32);
    }
  else if (!sr_secp256k1_compressed_public_key (parent->private_key, data, error))
    return FALSE;
  data[33] = (guint8) (index >> 24);
  data[34] = (guint8) (index >> 16);
  data[35] = (guint8) (index >> 8);
  data[36] = (guint8) index;

  hmac_sha512 (parent->chain_code, 32, data, sizeof data, i);
  sodium_memzero (data, sizeof data);

  memset (&result, 0, sizeof result);
  memcpy (result.private_key, parent->private_key, 32);
  memcpy (result.chain_code, i + 32, 32);
  result.depth = parent->depth + 1;
  result.child_number = index;
  fingerprint (parent->private_key, result.parent_fingerprint);

  /* k_child = IL + k_parent (mod n); IL ≥ n or a zero result means "skip
   * this index", which happens with probability below 2^-127. */
  if (!sr_secp256k1_tweak_add_private_key (result.private_key, i, error))
    {
      sodium_memzero (i, sizeof i);
      sr_bip32_key_clear (&result);
      return FALSE;
    }
  sodium_memzero (i, sizeof i);
  *child = result;
  sr_bip32_key_clear (&result);
  return TRUE;
}

static gboolean
bad_path (GError     **error,
          const gchar *path)
{
  g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_PATH,
               _("“%s” is not a derivation path like m/44'/60'/0'/0/0"), path);
  return FALSE;
}

/* "m/44'/60'/0'/0/0" → {44|H, 60|H, 0|H, 0, 0}; "h" and "H" also mark
 * hardened steps. */
GArray *
sr_bip32_parse_path (const gchar *path,
                     GError     **error)
{
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  parts = g_strsplit (path, "/", -1);
  if (g_strcmp0 (parts[0], "m") != 0)
    {
      bad_path (error, path);
      return NULL;
    }
  for (guint p = 1; parts[p] != NULL; p++)
    {
      const gchar *s = parts[p];
      guint64 value = 0;
      gsize n = 0;
      guint32 index;

      while (g_ascii_isdigit (s[n]))
        {
          value = value * 10 + (guint) (s[n] - '0');
          if (value >= SR_BIP32_HARDENED)
            {
              bad_path (error, path);
              return NULL;
            }
          n++;
        }
      if (n == 0 || (n > 1 && s[0] == '0'))
        {
          bad_path (error, path);
          return NULL;
        }
      index = (guint32) value;
      if (s[n] == '\'' || s[n] == 'h' || s[n] == 'H')
        {
          index |= SR_BIP32_HARDENED;
          n++;
        }
      if (s[n] != '\0' || indices->len >= MAX_PATH_DEPTH)
        {
          bad_path (error, path);
          return NULL;
        }
      g_array_append_val (indices, index);
    }
  return g_steal_pointer (&indices);
}

gboolean
sr_bip32_derive_path (const SrBip32Key *master,
                      const gchar      *path,
                      SrBip32Key       *key,
                      GError          **error)
{
  g_autoptr(GArray) indices = sr_bip32_parse_path (path, error);
  SrBip32Key current;

  if (indices == NULL)
    return FALSE;
  current = *master;
  for (guint i = 0; i < indices->len; i++)
    if (!sr_bip32_derive_child (&current, g_array_index (indices, guint32, i), &current, error))
      {
        sr_bip32_key_clear (&current);
        return FALSE;
      }
  *key = current;
  sr_bip32_key_clear (&current);
  return TRUE;
}

static gchar *
base58check (const guint8 *payload,
             gsize         len)
{
  static const gchar alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  guint8 buf[82 + 4];
  guint8 digest[SHA256_DIGEST_SIZE];
  struct sha256_ctx ctx;
  gchar digits[120];
  gsize n_digits = 0, zeros = 0, total = len + 4;
  GString *out;

  g_assert (len <= 82);
  memcpy (buf, payload, len);
  sha256_init (&ctx);
  sha256_update (&ctx, len, payload);
  sha256_digest (&ctx, sizeof digest, digest);
  sha256_init (&ctx);
  sha256_update (&ctx, sizeof digest, digest);
  sha256_digest (&ctx, sizeof digest, digest);
  memcpy (buf + len, digest, 4);

  while (zeros < total && buf[zeros] == 0)
    zeros++;

  /* Repeated division of the big-endian number by 58. */
  for (gsize start = zeros; start < total;)
    {
      guint rem = 0;

      for (gsize i = start; i < total; i++)
        {
          guint cur = rem << 8 | buf[i];
          buf[i] = (guint8) (cur / 58);
          rem = cur % 58;
        }
      g_assert (n_digits < sizeof digits);
      digits[n_digits++] = alphabet[rem];
      while (start < total && buf[start] == 0)
        start++;
    }

  out = g_string_new (NULL);
  for (gsize i = 0; i < zeros; i++)
    g_string_append_c (out, '1');
  while (n_digits > 0)
    g_string_append_c (out, digits[--n_digits]);
  sodium_memzero (buf, sizeof buf);
  return g_string_free (out, FALSE);
}

static gchar *
serialize (const SrBip32Key *key,
           gboolean          private)
{
  guint8 payload[78];
  static const guint8 xprv[4] = { 0x04, 0x88, 0xad, 0xe4 };
  static const guint8 xpub[4] = { 0x04, 0x88, 0xb2, 0x1e };
  gchar *text;

  memcpy (payload, private ? xprv : xpub, 4);
  payload[4] = key->depth;
  memcpy (payload + 5, key->parent_fingerprint, 4);
  payload[9] = (guint8) (key->child_number >> 24);
  payload[10] = (guint8) (key->child_number >> 16);
  payload[11] = (guint8) (key->child_number >> 8);
  payload[12] = (guint8) key->child_number;
  memcpy (payload + 13, key->chain_code, 32);
  if (private)
    {
      payload[45] = 0;
      memcpy (payload + 46, key->private_key, 32);
    }
  else if (!sr_secp256k1_compressed_public_key (key->private_key, payload + 45, NULL))
    g_return_val_if_reached (NULL);
  text = base58check (payload, sizeof payload);
  sodium_memzero (payload, sizeof payload);
  return text;
}

gchar *
sr_bip32_serialize_private (const SrBip32Key *key)
{
  return serialize (key, TRUE);
}

gchar *
sr_bip32_serialize_public (const SrBip32Key *key)
{
  return serialize (key, FALSE);
}

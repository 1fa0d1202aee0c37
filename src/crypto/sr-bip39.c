/* sr-bip39.c: BIP-39 mnemonics on the English word list. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <gio/gio.h>
#include <nettle/pbkdf2.h>
#include <nettle/sha2.h>
#include <sodium.h>

#include "sr-bip39.h"
#include "sr-crypto-error.h"
#include "sr-crypto-private.h"
#include "sr-crypto-resources.h"

#define N_WORDS 2048

typedef struct {
  GBytes *bytes;                /* the list file, kept for the lifetime of the process */
  const gchar *words[N_WORDS];  /* NUL-terminated copies in @storage */
  gchar *storage;
} WordList;

/* The list is immutable data, loaded once on first use. */
static const WordList *
get_word_list (void)
{
  static WordList *list;

  if (g_once_init_enter (&list))
    {
      WordList *l = g_new0 (WordList, 1);
      gsize len, n = 0;
      const gchar *data;
      gchar *p;

      l->bytes = g_resource_lookup_data (sr_crypto_get_resource (),
                                         "/org/seedreel/Seedreel/crypto/bip39-english.txt",
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_assert (l->bytes != NULL);
      data = g_bytes_get_data (l->bytes, &len);
      l->storage = g_strndup (data, len);
      for (p = l->storage; *p != '\0' && n < N_WORDS; n++)
        {
          gchar *nl = strchr (p, '\n');

          l->words[n] = p;
          if (nl == NULL)
            break;
          *nl = '\0';
          p = nl + 1;
        }
      g_assert (n == N_WORDS);
      g_once_init_leave (&list, l);
    }
  return list;
}

static gint
find_word (const gchar *word)
{
  const WordList *list = get_word_list ();
  gint lo = 0, hi = N_WORDS - 1;

  while (lo <= hi)
    {
      gint mid = (lo + hi) / 2;
      gint cmp = strcmp (word, list->words[mid]);

      if (cmp == 0)
        return mid;
      if (cmp < 0)
        hi = mid - 1;
      else
        lo = mid + 1;
    }
  return -1;
}

static guint
bit_at (const guint8 *data,
        gsize         bit)
{
  return (data[bit / 8] >> (7 - bit % 8)) & 1;
}

gchar *
sr_bip39_mnemonic_from_entropy (const guint8 *entropy,
                                gsize         entropy_len,
                                GError      **error)
{
  const WordList *list = get_word_list ();
  guint8 buf[SR_BIP39_MAX_ENTROPY_LEN + 1];
  g_autoptr(GString) out = g_string_new (NULL);
  gsize n_bits, n_words;

  if (entropy_len < 16 || entropy_len > 32 || entropy_len % 4 != 0)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH,
                   _("A recovery phrase needs 16, 20, 24, 28 or 32 bytes of entropy"));
      return NULL;
    }

  /* entropy ‖ first (entropy_len * 8 / 32) bits of SHA-256(entropy) */
  memcpy (buf, entropy, entropy_len);
  {
    struct sha256_ctx ctx;
    guint8 digest[SHA256_DIGEST_SIZE];

    sha256_init (&ctx);
    sha256_update (&ctx, entropy_len, entropy);
    sha256_digest (&ctx, sizeof digest, digest);
    buf[entropy_len] = digest[0];
  }
  n_bits = entropy_len * 8 + entropy_len / 4;
  n_words = n_bits / 11;

  for (gsize w = 0; w < n_words; w++)
    {
      guint index = 0;

      for (gsize b = 0; b < 11; b++)
        index = index << 1 | bit_at (buf, w * 11 + b);
      if (w > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, list->words[index]);
    }
  sodium_memzero (buf, sizeof buf);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gchar *
sr_bip39_generate_mnemonic (guint    n_words,
                            GError **error)
{
  guint8 entropy[SR_BIP39_MAX_ENTROPY_LEN];
  gsize len = (gsize) n_words * 4 / 3;
  gchar *mnemonic;

  if (n_words < 12 || n_words > 24 || n_words % 3 != 0)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH,
                   _("A recovery phrase has 12, 15, 18, 21 or 24 words"));
      return NULL;
    }
  _sr_crypto_ensure_sodium ();
  randombytes_buf (entropy, len);
  mnemonic = sr_bip39_mnemonic_from_entropy (entropy, len, error);
  sodium_memzero (entropy, sizeof entropy);
  return mnemonic;
}

gboolean
sr_bip39_mnemonic_to_entropy (const gchar *mnemonic,
                              guint8       entropy[SR_BIP39_MAX_ENTROPY_LEN],
                              gsize       *entropy_len,
                              GError     **error)
{
  g_auto(GStrv) words = NULL;
  guint8 buf[SR_BIP39_MAX_ENTROPY_LEN + 1] = { 0 };
  guint n_words = 0;
  gsize len, n_bits;
  guint8 digest[SHA256_DIGEST_SIZE];
  struct sha256_ctx ctx;
  guint checksum_bits, mask;

  g_return_val_if_fail (mnemonic != NULL, FALSE);

  words = g_strsplit_set (mnemonic, " \t\r\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      gint index;

      if (words[i][0] == '\0')
        continue;
      if (n_words >= 24)
        {
          n_words++;
          break;
        }
      index = find_word (words[i]);
      if (index < 0)
        {
          g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_MNEMONIC,
                       _("“%s” is not a word of the recovery phrase list"), words[i]);
          return FALSE;
        }
      for (guint b = 0; b < 11; b++)
        if (index & (1 << (10 - b)))
          buf[(n_words * 11 + b) / 8] |= (guint8) (0x80 >> ((n_words * 11 + b) % 8));
      n_words++;
    }

  if (n_words < 12 || n_words > 24 || n_words % 3 != 0)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_MNEMONIC,
                   _("A recovery phrase has 12, 15, 18, 21 or 24 words, not %u"), n_words);
      return FALSE;
    }

  n_bits = n_words * 11;
  len = n_bits * 32 / 33 / 8;
  checksum_bits = n_bits - len * 8;
  sha256_init (&ctx);
  sha256_update (&ctx, len, buf);
  sha256_digest (&ctx, sizeof digest, digest);
  mask = 0xff << (8 - checksum_bits) & 0xff;
  if ((digest[0] & mask) != (buf[len] & mask))
    {
      sodium_memzero (buf, sizeof buf);
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_MNEMONIC,
                   _("The recovery phrase has a typo: its checksum does not match"));
      return FALSE;
    }

  memcpy (entropy, buf, len);
  *entropy_len = len;
  sodium_memzero (buf, sizeof buf);
  return TRUE;
}

/* What a user typed (any case, any spacing) → the canonical phrase, or an
 * error saying what is wrong with it. */
gchar *
sr_bip39_normalize (const gchar *input,
                    GError     **error)
{
  g_autofree gchar *lower = g_utf8_strdown (input, -1);
  guint8 entropy[SR_BIP39_MAX_ENTROPY_LEN];
  gsize len;
  gchar *canonical;

  if (!sr_bip39_mnemonic_to_entropy (lower, entropy, &len, error))
    return NULL;
  canonical = sr_bip39_mnemonic_from_entropy (entropy, len, error);
  sodium_memzero (entropy, sizeof entropy);
  sodium_memzero (lower, strlen (lower));
  return canonical;
}

/* PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic" ‖ passphrase, both NFKD. */
void
sr_bip39_mnemonic_to_seed (const gchar *mnemonic,
                           const gchar *passphrase,
                           guint8       seed[SR_BIP39_SEED_LEN])
{
  g_autofree gchar *m = g_utf8_normalize (mnemonic, -1, G_NORMALIZE_NFKD);
  g_autofree gchar *p = g_utf8_normalize (passphrase != NULL ? passphrase : "", -1, G_NORMALIZE_NFKD);
  g_autofree gchar *salt = NULL;

  g_return_if_fail (m != NULL && p != NULL);

  salt = g_strconcat ("mnemonic", p, NULL);
  pbkdf2_hmac_sha512 (strlen (m), (const guint8 *) m, 2048,
                      strlen (salt), (const guint8 *) salt, SR_BIP39_SEED_LEN, seed);
  sodium_memzero (m, strlen (m));
  sodium_memzero (p, strlen (p));
  sodium_memzero (salt, strlen (salt));
}

/* test-content-cipher.c: random-access XChaCha20 on the draft-irtf-cfrg-
 * xchacha vector and on random ranges; key wrapping for a recipient. */
#include <string.h>

#include "crypto/sr-content-cipher.h"
#include "crypto/sr-crypto-error.h"
#include "crypto/sr-key-wrap.h"
#include "test-helpers.h"

static const gchar *dhole =
  "The dhole (pronounced \"dole\") is also known as the Asiatic wild dog, red dog, and whistling dog. "
  "It is about the size of a German shepherd but looks more like a long-legged fox. This highly elusive "
  "and skilled jumper is classified with wolves, coyotes, jackals, and foxes in the taxonomic family Canidae.";

/* draft-irtf-cfrg-xchacha-03 A.3.2, which starts at block counter 1, i.e.
 * at byte 64 of a file. */
static const gchar *dhole_ct =
  "7d0a2e6b7f7c65a236542630294e063b7ab9b555a5d5149aa21e4ae1e4fbce87"
  "ecc8e08a8b5e350abe622b2ffa617b202cfad72032a3037e76ffdcdc4376ee05"
  "3a190d7e46ca1de04144850381b9cb29f051915386b8a710b8ac4d027b8b050f"
  "7cba5854e028d564e453b8a968824173fc16488b8970cac828f11ae53cabd201"
  "12f87107df24ee6183d2274fe4c8b1485534ef2c5fbc1ec24bfc3663efaa08bc"
  "047d29d25043532db8391a8a3d776bf4372a6955827ccb0cdd4af403a7ce4c63"
  "d595c75a43e045f0cce1f29c8b93bd65afc5974922f214a40b7c402cdb91ae73"
  "c0b63615cdad0480680f16515a7ace9d39236464328a37743ffc28f4ddb324f4"
  "d0f5bbdc270c65b1749a6efff1fbaa09536175ccd29fb9e6057b307320d31683"
  "8a9c71f70b5b5907a66f7ea49aadc409";

static void
test_draft_vector (void)
{
  guint8 key[32], nonce[24];
  gsize len = strlen (dhole);
  g_autofree guint8 *out = g_malloc (len);
  g_autoptr(GBytes) expected = hex_bytes (dhole_ct);

  hex_fixed ("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", key, 32);
  hex_fixed ("404142434445464748494a4b4c4d4e4f5051525354555658", nonce, 24);
  g_assert_cmpuint (g_bytes_get_size (expected), ==, len);

  sr_content_cipher_xor (key, nonce, 64, (const guint8 *) dhole, out, len);
  g_assert_cmpmem (out, len, g_bytes_get_data (expected, NULL), len);

  /* The same bytes reached mid-block: start at byte 64 + 37. */
  sr_content_cipher_xor (key, nonce, 64 + 37, (const guint8 *) dhole + 37, out, len - 37);
  g_assert_cmpmem (out, len - 37, (const guint8 *) g_bytes_get_data (expected, NULL) + 37, len - 37);

  /* And back, in place. */
  sr_content_cipher_xor (key, nonce, 64 + 37, out, out, len - 37);
  g_assert_cmpmem (out, len - 37, dhole + 37, len - 37);
}

/* Any range decrypts alone to the same bytes as decrypting the whole file,
 * which is what lets the player seek into a partly downloaded title. */
static void
test_random_ranges (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const gsize size = 256 * 1024 + 13;
  g_autofree guint8 *plain = g_malloc (size);
  g_autofree guint8 *whole = g_malloc (size);
  guint8 key[32], nonce[24];

  for (gsize i = 0; i < size; i++)
    plain[i] = (guint8) g_rand_int (rand);
  sr_content_cipher_generate_key (key);
  sr_content_cipher_derive_nonce ("720p.mp4", nonce);
  sr_content_cipher_xor (key, nonce, 0, plain, whole, size);
  g_assert_cmpint (memcmp (plain, whole, 4096), !=, 0);

  for (guint round = 0; round < 2000; round++)
    {
      gsize offset = g_rand_int_range (rand, 0, size);
      gsize len = (gsize) g_rand_int_range (rand, 0, round % 10 == 0 ? 70000 : 300);
      g_autofree guint8 *part = NULL;

      len = MIN (len, size - offset);
      /* Exactly sized so that any overrun is caught by ASan/valgrind. */
      part = g_malloc (len);

      sr_content_cipher_xor (key, nonce, offset, whole + offset, part, len);
      g_assert_cmpmem (part, len, plain + offset, len);
    }
}

static void
test_nonces_differ (void)
{
  guint8 a[24], b[24], c[24];

  sr_content_cipher_derive_nonce ("720p.mp4", a);
  sr_content_cipher_derive_nonce ("1080p.mp4", b);
  sr_content_cipher_derive_nonce ("720p.mp4", c);
  g_assert_cmpint (memcmp (a, b, 24), !=, 0);
  g_assert_cmpmem (a, 24, c, 24);
}

static void
test_key_wrap (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = NULL;
  guint8 creator[32], viewer[32], creator_pub[33], viewer_pub[65];
  guint8 k1[32], k2[32], content_key[32], opened[32];
  const gchar *ad = "view 42";

  hex_fixed ("4646464646464646464646464646464646464646464646464646464646464646", creator, 32);
  hex_fixed ("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", viewer, 32);
  g_assert_true (sr_secp256k1_compressed_public_key (creator, creator_pub, &error));
  g_assert_true (sr_secp256k1_public_key (viewer, viewer_pub, &error));

  /* Each side derives the same wrapping key from its own private key. */
  g_assert_true (sr_key_wrap_derive_key (creator, viewer_pub, sizeof viewer_pub, k1, &error));
  g_assert_true (sr_key_wrap_derive_key (viewer, creator_pub, sizeof creator_pub, k2, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (k1, 32, k2, 32);

  sr_content_cipher_generate_key (content_key);
  sealed = sr_key_wrap_seal (k1, content_key, 32, (const guint8 *) ad, strlen (ad));
  g_assert_cmpuint (g_bytes_get_size (sealed), ==, 32 + SR_KEY_WRAP_OVERHEAD);
  g_assert_true (sr_key_wrap_open (k2, sealed, (const guint8 *) ad, strlen (ad), opened, 32, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (opened, 32, content_key, 32);

  /* Another view's context does not open it. */
  g_assert_false (sr_key_wrap_open (k2, sealed, (const guint8 *) "view 43", 7, opened, 32, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_DECRYPT_FAILED);
  g_clear_error (&error);

  /* Nor does one flipped bit, nor another key. */
  {
    gsize len;
    g_autofree guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (sealed), &len);
    g_autoptr(GBytes) tampered = NULL;

    copy[30] ^= 1;
    tampered = g_bytes_new (copy, len);
    g_assert_false (sr_key_wrap_open (k2, tampered, (const guint8 *) ad, strlen (ad), opened, 32, &error));
    g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_DECRYPT_FAILED);
    g_clear_error (&error);
  }
  k2[0] ^= 1;
  g_assert_false (sr_key_wrap_open (k2, sealed, (const guint8 *) ad, strlen (ad), opened, 32, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_DECRYPT_FAILED);
  g_clear_error (&error);
  g_assert_false (sr_key_wrap_open (k1, sealed, (const guint8 *) ad, strlen (ad), opened, 16, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_DECRYPT_FAILED);
}

static void
test_throughput (void)
{
  const gsize size = 64 * 1024 * 1024;
  g_autofree guint8 *buf = g_malloc0 (size);
  guint8 key[32], nonce[24];
  gint64 start;
  gdouble seconds;

  if (!g_test_perf ())
    {
      g_test_skip ("run with -m perf to measure throughput");
      return;
    }
  sr_content_cipher_generate_key (key);
  sr_content_cipher_derive_nonce ("1080p.mp4", nonce);
  start = g_get_monotonic_time ();
  for (gsize off = 0; off < size; off += 16384)
    sr_content_cipher_xor (key, nonce, off + 7, buf + off, buf + off, 16384);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_minimized_result (seconds, "64 MiB in 16 KiB pieces: %.0f MB/s", size / seconds / 1e6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/content-cipher/draft-vector", test_draft_vector);
  g_test_add_func ("/crypto/content-cipher/random-ranges", test_random_ranges);
  g_test_add_func ("/crypto/content-cipher/nonces-differ", test_nonces_differ);
  g_test_add_func ("/crypto/content-cipher/throughput", test_throughput);
  g_test_add_func ("/crypto/key-wrap/ecdh-seal-open", test_key_wrap);

  return g_test_run ();
}

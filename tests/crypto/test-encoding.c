/* test-encoding.c: Keccak-256, hex, RLP and EIP-55 addresses against
 * published vectors, and the RLP decoder against hostile input. */
#include <string.h>

#include "crypto/sr-address.h"
#include "crypto/sr-crypto-error.h"
#include "crypto/sr-keccak.h"
#include "crypto/sr-rlp.h"
#include "test-helpers.h"

static void
test_keccak_vectors (void)
{
  guint8 digest[32];

  sr_keccak256 ((const guint8 *) "", 0, digest);
  assert_hex_eq (digest, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  sr_keccak256 ((const guint8 *) "abc", 3, digest);
  assert_hex_eq (digest, 32, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  sr_keccak256 ((const guint8 *) "Transfer(address,address,uint256)", 33, digest);
  assert_hex_eq (digest, 32, "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

/* Feeding the same bytes in any chunking, across the 136-byte rate
 * boundary, gives the one-shot digest. */
static void
test_keccak_incremental (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint8 data[1000];

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) g_rand_int (rand);

  for (gsize len = 0; len <= sizeof data; len += (len < 300 ? 1 : 97))
    {
      guint8 one_shot[32], chunked[32];
      SrKeccak256 ctx;
      gsize pos = 0;

      sr_keccak256 (data, len, one_shot);
      sr_keccak256_init (&ctx);
      while (pos < len)
        {
          gsize n = (gsize) g_rand_int_range (rand, 0, 200);

          n = MIN (n, len - pos);
          sr_keccak256_update (&ctx, data + pos, n);
          pos += n;
        }
      sr_keccak256_digest (&ctx, chunked);
      g_assert_cmpmem (one_shot, 32, chunked, 32);
    }
}

static void
test_hex (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree gchar *text = NULL;
  guint8 four[4];

  bytes = sr_hex_decode ("0xDEADbeef", &error);
  g_assert_no_error (error);
  text = sr_hex_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_cmpstr (text, ==, "0xdeadbeef");

  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = sr_hex_decode ("0x", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);

  g_assert_null (sr_hex_decode ("deadbeef", &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX);
  g_clear_error (&error);
  g_assert_null (sr_hex_decode ("0xabc", &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX);
  g_clear_error (&error);
  g_assert_null (sr_hex_decode ("0xzz", &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX);
  g_clear_error (&error);
  g_assert_null (sr_hex_decode ("0x 1", &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX);
  g_clear_error (&error);
  g_assert_false (sr_hex_decode_fixed ("0x010203", four, 4, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH);
  g_clear_error (&error);
  g_assert_true (sr_hex_decode_fixed ("0x01020304", four, 4, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (four[3], ==, 4);
}

/* EIP-55's own list: mixed-case, all-upper and all-lower forms. */
static const gchar *eip55_vectors[] = {
  "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
  "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
  "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
  "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
  "0x52908400098527886E0F7030069857D2E4169EE7",
  "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
  "0xde709f2102306220921060314715629080e2fb77",
  "0x27b1fdb04752bbc536007a920d24acb045561c26",
};

static void
test_address_checksum (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (eip55_vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gchar *text = NULL;
      guint8 addr[SR_ADDRESS_LEN];

      g_assert_true (sr_address_parse (eip55_vectors[i], addr, &error));
      g_assert_no_error (error);
      text = sr_address_to_checksum (addr);
      g_assert_cmpstr (text, ==, eip55_vectors[i]);
    }
}

static void
test_address_rejects (void)
{
  g_autoptr(GError) error = NULL;
  guint8 addr[SR_ADDRESS_LEN];

  /* One letter's case flipped: a typo the checksum exists to catch. */
  g_assert_false (sr_address_parse ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", addr, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_BAD_CHECKSUM);
  g_clear_error (&error);

  /* The same address all lower or all upper carries no checksum. */
  g_assert_true (sr_address_parse ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", addr, &error));
  g_assert_no_error (error);
  g_assert_true (sr_address_parse ("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", addr, &error));
  g_assert_no_error (error);

  g_assert_false (sr_address_parse ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", addr, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH);
  g_clear_error (&error);
  g_assert_false (sr_address_parse ("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00", addr, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH);
  g_clear_error (&error);
  g_assert_false (sr_address_parse ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", addr, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX);
  g_clear_error (&error);
}

/* Examples from the Ethereum wiki's RLP page (now ethereum.org). */
static void
test_rlp_encode_examples (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize l0, l1, l2, l3, l4;
  const gchar *lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";

  sr_rlp_append_string (out, "dog");
  assert_hex_eq (out->data, out->len, "83646f67");

  g_byte_array_set_size (out, 0);
  l0 = sr_rlp_begin_list (out);
  sr_rlp_append_string (out, "cat");
  sr_rlp_append_string (out, "dog");
  sr_rlp_end_list (out, l0);
  assert_hex_eq (out->data, out->len, "c88363617483646f67");

  g_byte_array_set_size (out, 0);
  sr_rlp_append_string (out, "");
  assert_hex_eq (out->data, out->len, "80");

  g_byte_array_set_size (out, 0);
  sr_rlp_end_list (out, sr_rlp_begin_list (out));
  assert_hex_eq (out->data, out->len, "c0");

  g_byte_array_set_size (out, 0);
  sr_rlp_append_uint64 (out, 0);
  assert_hex_eq (out->data, out->len, "80");

  g_byte_array_set_size (out, 0);
  sr_rlp_append_bytes (out, (const guint8 *) "\x00", 1);
  assert_hex_eq (out->data, out->len, "00");

  g_byte_array_set_size (out, 0);
  sr_rlp_append_uint64 (out, 15);
  assert_hex_eq (out->data, out->len, "0f");

  g_byte_array_set_size (out, 0);
  sr_rlp_append_uint64 (out, 1024);
  assert_hex_eq (out->data, out->len, "820400");

  /* [ [], [[]], [ [], [[]] ] ] */
  g_byte_array_set_size (out, 0);
  l0 = sr_rlp_begin_list (out);
  sr_rlp_end_list (out, sr_rlp_begin_list (out));
  l1 = sr_rlp_begin_list (out);
  sr_rlp_end_list (out, sr_rlp_begin_list (out));
  sr_rlp_end_list (out, l1);
  l2 = sr_rlp_begin_list (out);
  sr_rlp_end_list (out, sr_rlp_begin_list (out));
  l3 = sr_rlp_begin_list (out);
  l4 = sr_rlp_begin_list (out);
  sr_rlp_end_list (out, l4);
  sr_rlp_end_list (out, l3);
  sr_rlp_end_list (out, l2);
  sr_rlp_end_list (out, l0);
  assert_hex_eq (out->data, out->len, "c7c0c1c0c3c0c1c0");

  g_byte_array_set_size (out, 0);
  sr_rlp_append_string (out, lorem);
  g_assert_cmpuint (out->len, ==, 2 + strlen (lorem));
  g_assert_cmpuint (out->data[0], ==, 0xb8);
  g_assert_cmpuint (out->data[1], ==, 0x38);
  g_assert_cmpmem (out->data + 2, out->len - 2, lorem, strlen (lorem));
}

static SrRlpItem *
decode_hex (const gchar *hex,
            GError     **error)
{
  g_autoptr(GBytes) bytes = hex_bytes (hex);

  return sr_rlp_decode (bytes, error);
}

static void
test_rlp_decode_examples (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRlpItem) list = decode_hex ("c88363617483646f67", &error);
  g_autoptr(SrRlpItem) three = NULL;
  g_autoptr(SrRlpItem) number = NULL;
  const guint8 *data;
  gsize len;
  guint64 value;

  g_assert_no_error (error);
  g_assert_true (sr_rlp_item_is_list (list));
  g_assert_cmpuint (sr_rlp_item_get_n_children (list), ==, 2);
  data = sr_rlp_item_get_data (sr_rlp_item_get_child (list, 1), &len);
  g_assert_cmpmem (data, len, "dog", 3);

  three = decode_hex ("c7c0c1c0c3c0c1c0", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_rlp_item_get_n_children (three), ==, 3);
  g_assert_cmpuint (sr_rlp_item_get_n_children (sr_rlp_item_get_child (three, 2)), ==, 2);

  number = decode_hex ("820400", &error);
  g_assert_no_error (error);
  g_assert_true (sr_rlp_item_get_uint64 (number, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (value, ==, 1024);
}

static void
test_rlp_decode_rejects (void)
{
  /* Each is malformed or non-canonical in its own way. */
  static const gchar *bad[] = {
    "",                 /* nothing at all */
    "83646f",           /* string cut short */
    "83646f6767",       /* trailing byte */
    "8105",             /* single byte < 0x80 with a prefix */
    "b800",             /* long form for a short length */
    "b838",             /* long string without its bytes */
    "b90000",           /* length with a leading zero */
    "c883636174",       /* list shorter than announced */
    "c28363",           /* item overruns its list */
    "f800",             /* long list form for a short length */
    "bfffffffffffffffff", /* a length near 2^64 */
    "c1",               /* list without its item */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrRlpItem) item = decode_hex (bad[i], &error);

      g_assert_null (item);
      g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_RLP);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SrRlpItem) item = decode_hex ("820004", &error);
    guint64 value;

    /* Well-formed RLP, but not a canonical integer. */
    g_assert_no_error (error);
    g_assert_false (sr_rlp_item_get_uint64 (item, &value, &error));
    g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_RLP);
  }
}

/* Random, truncated and bit-flipped input never crashes the decoder and
 * always ends in a result or a clean error; valid input re-encodes exactly. */
static void
test_rlp_fuzz (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  g_autoptr(GByteArray) valid = g_byte_array_new ();
  guint n_ok = 0, n_err = 0;
  gsize outer = sr_rlp_begin_list (valid);

  for (guint i = 0; i < 40; i++)
    {
      guint8 buf[80];
      gsize n = g_rand_int_range (rand, 0, sizeof buf);

      for (gsize j = 0; j < n; j++)
        buf[j] = (guint8) g_rand_int (rand);
      if (i % 5 == 0)
        {
          gsize inner = sr_rlp_begin_list (valid);
          sr_rlp_append_bytes (valid, buf, n);
          sr_rlp_append_uint64 (valid, g_rand_int (rand));
          sr_rlp_end_list (valid, inner);
        }
      else
        sr_rlp_append_bytes (valid, buf, n);
    }
  sr_rlp_end_list (valid, outer);

  /* Every strict prefix of a valid encoding is truncated and must fail. */
  for (gsize cut = 0; cut < valid->len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_bytes_new (valid->data, cut);
      g_autoptr(SrRlpItem) item = sr_rlp_decode (bytes, &error);

      g_assert_null (item);
      g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_RLP);
    }

  for (guint round = 0; round < 20000; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(SrRlpItem) item = NULL;
      guint8 *buf;
      gsize n;

      if (round % 2 == 0)
        {
          /* Flip a few bits of a valid encoding. */
          n = valid->len;
          buf = g_memdup2 (valid->data, n);
          for (guint k = 0; k < 1 + round % 3; k++)
            buf[g_rand_int_range (rand, 0, n)] ^= (guint8) (1 << g_rand_int_range (rand, 0, 8));
        }
      else
        {
          n = g_rand_int_range (rand, 0, 64);
          buf = g_malloc (n + 1);
          for (gsize j = 0; j < n; j++)
            buf[j] = (guint8) g_rand_int (rand);
        }
      /* An exact-size allocation lets valgrind/ASan see any over-read. */
      bytes = g_bytes_new_take (buf, n);
      item = sr_rlp_decode (bytes, &error);
      if (item != NULL)
        {
          const guint8 *enc;
          gsize enc_len;

          g_assert_no_error (error);
          enc = sr_rlp_item_get_encoded (item, &enc_len);
          g_assert_cmpmem (enc, enc_len, buf, n);
          n_ok++;
        }
      else
        {
          g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_RLP);
          g_assert_nonnull (error->message);
          n_err++;
        }
    }
  g_test_message ("fuzz: %u decoded, %u rejected", n_ok, n_err);
  g_assert_cmpuint (n_ok, >, 0);
  g_assert_cmpuint (n_err, >, 0);

  /* Nesting deep enough to exhaust a naive recursive decoder's stack is
   * refused, shallow nesting is fine. */
  for (guint depth = 10; depth <= 100000; depth *= 100)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GByteArray) nested = g_byte_array_new ();
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(SrRlpItem) item = NULL;

      for (guint d = 0; d < depth; d++)
        sr_rlp_end_list (nested, 0);
      bytes = g_bytes_new (nested->data, nested->len);
      item = sr_rlp_decode (bytes, &error);
      if (depth == 10)
        {
          g_assert_no_error (error);
          g_assert_nonnull (item);
        }
      else
        {
          g_assert_null (item);
          g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_RLP);
        }
    }
}

static void
test_keccak_perf (void)
{
  const gsize size = 64 * 1024 * 1024;
  g_autofree guint8 *buf = g_malloc0 (size);
  guint8 digest[32];
  gint64 start;
  gdouble seconds;

  if (!g_test_perf ())
    {
      g_test_skip ("run with -m perf to measure");
      return;
    }
  start = g_get_monotonic_time ();
  sr_keccak256 (buf, size, digest);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_maximized_result (size / seconds / 1e6, "keccak256: %.0f MB/s", size / seconds / 1e6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/keccak/vectors", test_keccak_vectors);
  g_test_add_func ("/crypto/keccak/incremental", test_keccak_incremental);
  g_test_add_func ("/crypto/keccak/perf", test_keccak_perf);
  g_test_add_func ("/crypto/hex/strict", test_hex);
  g_test_add_func ("/crypto/address/eip55", test_address_checksum);
  g_test_add_func ("/crypto/address/rejects", test_address_rejects);
  g_test_add_func ("/crypto/rlp/encode-examples", test_rlp_encode_examples);
  g_test_add_func ("/crypto/rlp/decode-examples", test_rlp_decode_examples);
  g_test_add_func ("/crypto/rlp/decode-rejects", test_rlp_decode_rejects);
  g_test_add_func ("/crypto/rlp/fuzz", test_rlp_fuzz);

  return g_test_run ();
}

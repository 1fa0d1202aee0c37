/* test-transactions.c: secp256k1 keys and signatures, and EIP-155 / EIP-1559
 * transactions against published or independently produced raw bytes. */
#include <string.h>

#include "crypto/sr-crypto-error.h"
#include "crypto/sr-keccak.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-tx.h"
#include "test-helpers.h"

static const gchar *key_4646 = "4646464646464646464646464646464646464646464646464646464646464646";

/* Anvil's and Hardhat's first development account. */
static void
test_key_to_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL;
  guint8 key[32], addr[20];

  hex_fixed ("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", key, 32);
  g_assert_true (sr_secp256k1_private_key_address (key, addr, &error));
  g_assert_no_error (error);
  text = sr_address_to_checksum (addr);
  g_assert_cmpstr (text, ==, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

  memset (key, 0, 32);
  g_assert_false (sr_secp256k1_private_key_address (key, addr, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEY);
  g_clear_error (&error);
  memset (key, 0xff, 32);
  g_assert_false (sr_secp256k1_check_private_key (key, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEY);
}

static void
test_sign_recover (void)
{
  g_autoptr(GError) error = NULL;
  guint8 key[32], hash[32], sig[65], sig2[65], addr[20], recovered[20];

  hex_fixed (key_4646, key, 32);
  sr_keccak256 ((const guint8 *) "Seedreel", 8, hash);
  g_assert_true (sr_secp256k1_sign (key, hash, sig, &error));
  g_assert_no_error (error);
  /* RFC 6979: deterministic. */
  g_assert_true (sr_secp256k1_sign (key, hash, sig2, &error));
  g_assert_cmpmem (sig, 65, sig2, 65);
  g_assert_cmpuint (sig[64], <=, 1);

  g_assert_true (sr_secp256k1_private_key_address (key, addr, &error));
  g_assert_true (sr_secp256k1_recover_address (hash, sig, recovered, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (addr, 20, recovered, 20);

  /* 27/28 as ecrecover takes it. */
  sig2[64] = sig[64] + 27;
  g_assert_true (sr_secp256k1_recover_address (hash, sig2, recovered, &error));
  g_assert_cmpmem (addr, 20, recovered, 20);

  /* Another hash recovers another signer. */
  hash[0] ^= 1;
  g_assert_true (sr_secp256k1_recover_address (hash, sig, recovered, &error));
  g_assert_cmpint (memcmp (addr, recovered, 20), !=, 0);
  hash[0] ^= 1;

  sig2[64] = 5;
  g_assert_false (sr_secp256k1_recover_address (hash, sig2, recovered, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_SIGNATURE);
  g_clear_error (&error);

  /* The malleable twin (n - s, flipped parity) is refused. */
  {
    static const guint8 n[32] = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
      0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
    };
    gint borrow = 0;

    memcpy (sig2, sig, 65);
    for (gint i = 31; i >= 0; i--)
      {
        gint d = n[i] - sig[32 + i] - borrow;
        borrow = d < 0;
        sig2[32 + i] = (guint8) (d + (borrow ? 256 : 0));
      }
    sig2[64] ^= 1;
    g_assert_false (sr_secp256k1_recover_address (hash, sig2, recovered, &error));
    g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_SIGNATURE);
  }
}

static void
test_ecdh (void)
{
  g_autoptr(GError) error = NULL;
  guint8 a[32], b[32], pub_a[65], pub_b[33], s1[32], s2[32];

  hex_fixed (key_4646, a, 32);
  hex_fixed ("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", b, 32);
  g_assert_true (sr_secp256k1_public_key (a, pub_a, &error));
  g_assert_true (sr_secp256k1_compressed_public_key (b, pub_b, &error));
  g_assert_true (sr_secp256k1_ecdh (a, pub_b, sizeof pub_b, s1, &error));
  g_assert_true (sr_secp256k1_ecdh (b, pub_a, sizeof pub_a, s2, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (s1, 32, s2, 32);

  pub_b[0] = 0x05;
  g_assert_false (sr_secp256k1_ecdh (a, pub_b, sizeof pub_b, s1, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEY);
}

/* The example of EIP-155 itself. */
static void
test_eip155_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTx) tx = sr_tx_new (SR_TX_TYPE_LEGACY);
  g_autoptr(SrTx) back = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) raw2 = NULL;
  guint8 key[32], hash[32], sender[20];
  g_autofree gchar *sender_text = NULL;

  tx->chain_id = 1;
  tx->nonce = 9;
  sr_u256_from_uint64 (tx->gas_price, 20000000000);
  tx->gas_limit = 21000;
  tx->has_to = TRUE;
  memset (tx->to, 0x35, 20);
  g_assert_true (sr_u256_parse ("1000000000000000000", tx->value, &error));

  payload = sr_tx_signing_payload (tx);
  assert_hex_eq (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                 "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080");
  sr_tx_signing_hash (tx, hash);
  assert_hex_eq (hash, 32, "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");

  hex_fixed (key_4646, key, 32);
  g_assert_true (sr_tx_sign (tx, key, &error));
  g_assert_no_error (error);
  raw = sr_tx_encode_raw (tx, &error);
  g_assert_no_error (error);
  assert_hex_eq (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw),
                 "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7640000"
                 "8025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276"
                 "a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");

  back = sr_tx_decode (raw, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->type, ==, SR_TX_TYPE_LEGACY);
  g_assert_cmpuint (back->chain_id, ==, 1);
  g_assert_cmpuint (back->nonce, ==, 9);
  g_assert_cmpuint (back->gas_limit, ==, 21000);
  g_assert_cmpmem (back->value, 32, tx->value, 32);
  g_assert_true (sr_tx_recover_sender (back, sender, &error));
  g_assert_no_error (error);
  sender_text = sr_address_to_checksum (sender);
  g_assert_cmpstr (sender_text, ==, "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F");
  raw2 = sr_tx_encode_raw (back, &error);
  g_assert_true (g_bytes_equal (raw, raw2));
}

typedef struct {
  guint64 chain_id, nonce, tip, max_fee, gas;
  const gchar *to, *value, *data;
  const gchar *signing_hash, *raw, *hash;
} Eip1559Vector;

/* Produced with ethers 6.17.0 (Wallet.signTransaction) for key 0x4646…46. */
static const Eip1559Vector eip1559_vectors[] = {
  { 1, 9, 2000000000, 30000000000, 21000,
    "0x3535353535353535353535353535353535353535", "1000000000000000000", "0x",
    "fae77debb64203fbaea6213fcde74f1b138c6854c3d7b44ba1c2ced52c2d8c4d",
    "02f873010984773594008506fc23ac00825208943535353535353535353535353535353535353535880de0b6b3a764000080c0"
    "80a02b03b67e070f45175ce9d07c4512720168bd468a24edb6997977a53d48c87a12"
    "a0733d775fdd689d306e08ac8ab399f34b5a0253b47ed81b8bf2d2a6ea607fcac7",
    "bb94970b7e5afad02e4e38a462eacd085a96791deacaab2827d61aeb20e0778e" },
  { 31337, 0, 1, 875000000, 100000,
    "0x5FbDB2315678afecb367f032d93F642f64180aa3", "0",
    "0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
    "0000000000000000000000000000000000000000000000000de0b6b3a7640000",
    "6578af3f697acf7d4f50c7ec571e3c94f9825afdd334205362cb1fd1c041ac56",
    "02f8ae827a69800184342770c0830186a0945fbdb2315678afecb367f032d93f642f64180aa380b844"
    "a9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
    "0000000000000000000000000000000000000000000000000de0b6b3a7640000c0"
    "80a0248736316078207285dce1285e21124dd18986181ad2817a74abdb36edcba9ae"
    "a04314e1066ab0b8b64993bed188a1b02945f8ae46b0ce44cb2b6a6543387d7019",
    "40f89743def99ae7fdaa2f16b0345b88f6122142ff939087e5bb5a505eac855d" },
  /* Contract creation (no recipient), yParity 1. */
  { 31337, 3, 1000000000, 2000000000, 3000000, NULL, "0",
    "0x6080604052348015600f57600080fd5b50603f80601d6000396000f3fe6080604052600080fdfea164736f6c6343000818000a",
    "75b5ff5f8abfc966a1192fe5e35ac01e258841bb2359888031c676fa8e761bc6",
    "02f88c827a6903843b9aca008477359400832dc6c08080b3"
    "6080604052348015600f57600080fd5b50603f80601d6000396000f3fe6080604052600080fdfea164736f6c6343000818000a"
    "c001a02546fff6e65653d947515e62b446902e37c6eb6fb2f8be31bfd7d70d49bd3774"
    "a078c5b45ee8a3c6f094b3465010998bbf56673c94cd2b901c59175235a8611160",
    "ddc6d45ea4bff262428bafe5e3ab26870e88a9599c99387b3ce76b3c2d2124e7" },
};

static void
test_eip1559 (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (eip1559_vectors); i++)
    {
      const Eip1559Vector *v = &eip1559_vectors[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(SrTx) tx = sr_tx_new (SR_TX_TYPE_EIP1559);
      g_autoptr(SrTx) back = NULL;
      g_autoptr(GBytes) raw = NULL;
      g_autoptr(GBytes) raw2 = NULL;
      guint8 key[32], hash[32], signer[20], expected_signer[20];

      tx->chain_id = v->chain_id;
      tx->nonce = v->nonce;
      sr_u256_from_uint64 (tx->max_priority_fee_per_gas, v->tip);
      sr_u256_from_uint64 (tx->max_fee_per_gas, v->max_fee);
      tx->gas_limit = v->gas;
      tx->has_to = v->to != NULL;
      if (v->to != NULL)
        g_assert_true (sr_address_parse (v->to, tx->to, &error));
      g_assert_true (sr_u256_parse (v->value, tx->value, &error));
      tx->data = hex_bytes (v->data);

      sr_tx_signing_hash (tx, hash);
      assert_hex_eq (hash, 32, v->signing_hash);
      hex_fixed (key_4646, key, 32);
      g_assert_true (sr_tx_sign (tx, key, &error));
      g_assert_no_error (error);
      raw = sr_tx_encode_raw (tx, &error);
      assert_hex_eq (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), v->raw);
      g_assert_true (sr_tx_hash (tx, hash, &error));
      assert_hex_eq (hash, 32, v->hash);

      back = sr_tx_decode (raw, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (back->type, ==, SR_TX_TYPE_EIP1559);
      g_assert_cmpuint (back->chain_id, ==, v->chain_id);
      g_assert_cmpint (back->has_to, ==, tx->has_to);
      g_assert_cmpuint (back->y_parity, ==, tx->y_parity);
      g_assert_cmpmem (back->max_fee_per_gas, 32, tx->max_fee_per_gas, 32);
      g_assert_cmpmem (g_bytes_get_data (back->data, NULL), g_bytes_get_size (back->data),
                       g_bytes_get_data (tx->data, NULL), g_bytes_get_size (tx->data));
      g_assert_true (sr_tx_recover_sender (back, signer, &error));
      g_assert_true (sr_secp256k1_private_key_address (key, expected_signer, &error));
      g_assert_cmpmem (signer, 20, expected_signer, 20);
      raw2 = sr_tx_encode_raw (back, &error);
      g_assert_true (g_bytes_equal (raw, raw2));
    }
}

/* A type 2 transaction with an access list (ethers 6.17.0, key 0x4646…46):
 * decoding keeps the list, so re-encoding and the signer both come out right. */
static void
test_access_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = hex_bytes ("0x02f89b0180016482c350943535353535353535353535353535353535353535"
                                     "0180f838f7945fbdb2315678afecb367f032d93f642f64180aa3e1a0"
                                     "0000000000000000000000000000000000000000000000000000000000000001"
                                     "01a009c612e5b88acd027cb1526c5b052181aa69a9779510249f59fd587957d6f51c"
                                     "a03bd05c93ae30ad3fa64c60a0740bef9dcc82a247ccfae065cf1902af1af4c84e");
  g_autoptr(SrTx) tx = sr_tx_decode (raw, &error);
  g_autoptr(GBytes) again = NULL;
  guint8 hash[32], sender[20], key[32], expected[20];

  g_assert_no_error (error);
  g_assert_nonnull (tx->access_list);
  g_assert_cmpuint (g_bytes_get_size (tx->access_list), ==, 2 + 56);
  sr_tx_signing_hash (tx, hash);
  assert_hex_eq (hash, 32, "9086374185b59096d1b52e30e664af096defa1c86507af418b67ffb0a545e21e");
  again = sr_tx_encode_raw (tx, &error);
  g_assert_true (g_bytes_equal (raw, again));
  g_assert_true (sr_tx_hash (tx, hash, &error));
  assert_hex_eq (hash, 32, "a6b3a370d07cb4c9d94cde79df71ddc1fddd6ca17eaa236fe663a6b11b0faa80");
  g_assert_true (sr_tx_recover_sender (tx, sender, &error));
  hex_fixed (key_4646, key, 32);
  g_assert_true (sr_secp256k1_private_key_address (key, expected, &error));
  g_assert_cmpmem (sender, 20, expected, 20);
}

static void
test_decode_rejects (void)
{
  static const gchar *bad[] = {
    "0x",
    "0x03c0",                       /* unknown type */
    "0x02c0",                       /* type 2 with no fields */
    "0x02f873010984773594008506fc23ac00825208943535353535353535353535353535353535353535880de0b6b3a764000080c080a02b03b67e070f45175ce9d07c4512720168bd468a24edb6997977a53d48c87a12a0733d775fdd689d306e08ac8ab399f34b5a0253b47ed81b8bf2d2a6ea607fca",  /* truncated */
    "0xc9808080808080808080",      /* legacy with v = 0 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) raw = hex_bytes (bad[i]);
      g_autoptr(SrTx) tx = sr_tx_decode (raw, &error);

      g_assert_null (tx);
      g_assert_nonnull (error);
      g_assert_true (error->domain == SR_CRYPTO_ERROR);
    }
}

/* Bit-flipped raw transactions decode to something or fail cleanly. */
static void
test_decode_fuzz (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  guint n_ok = 0, n_err = 0;

  for (guint round = 0; round < 20000; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) raw = hex_bytes (round % 2 ? eip1559_vectors[1].raw : eip1559_vectors[0].raw);
      gsize len;
      g_autofree guint8 *buf = g_bytes_unref_to_data (g_steal_pointer (&raw), &len);
      g_autoptr(GBytes) mangled = NULL;
      g_autoptr(SrTx) tx = NULL;

      for (guint k = 0; k < 1 + round % 3; k++)
        buf[g_rand_int_range (rand, 0, len)] ^= (guint8) (1 << g_rand_int_range (rand, 0, 8));
      if (round % 7 == 0)
        len = g_rand_int_range (rand, 0, len);
      mangled = g_bytes_new (buf, len);
      tx = sr_tx_decode (mangled, &error);
      if (tx != NULL)
        {
          guint8 sender[20];
          g_autoptr(GError) recover_error = NULL;

          /* Whatever decodes re-encodes, and recovery fails cleanly or not at all. */
          g_autoptr(GBytes) again = sr_tx_encode_raw (tx, &error);
          g_assert_no_error (error);
          g_assert_nonnull (again);
          if (!sr_tx_recover_sender (tx, sender, &recover_error))
            g_assert_true (recover_error->domain == SR_CRYPTO_ERROR);
          n_ok++;
        }
      else
        {
          g_assert_true (error->domain == SR_CRYPTO_ERROR);
          n_err++;
        }
    }
  g_test_message ("fuzz: %u decoded, %u rejected", n_ok, n_err);
  g_assert_cmpuint (n_ok, >, 0);
  g_assert_cmpuint (n_err, >, 0);
}

static void
test_u256 (void)
{
  g_autoptr(GError) error = NULL;
  guint8 v[32];
  g_autofree gchar *dec = NULL;
  const gchar *max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";

  g_assert_true (sr_u256_parse (max, v, &error));
  g_assert_no_error (error);
  dec = sr_u256_to_decimal (v);
  g_assert_cmpstr (dec, ==, max);
  g_assert_cmpuint (sr_u256_bit_length (v), ==, 256);
  g_assert_false (sr_u256_parse ("115792089237316195423570985008687907853269984665640564039457584007913129639936", v, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH);
  g_clear_error (&error);
  g_assert_true (sr_u256_parse ("0x0de0b6b3a7640000", v, &error));
  g_clear_pointer (&dec, g_free);
  dec = sr_u256_to_decimal (v);
  g_assert_cmpstr (dec, ==, "1000000000000000000");
  g_assert_false (sr_u256_parse ("12a", v, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX);
}

static void
test_perf (void)
{
  guint8 key[32], hash[32], sig[65], addr[20];
  const guint n = 2000;
  gint64 start;
  gdouble sign_s, recover_s;

  if (!g_test_perf ())
    {
      g_test_skip ("run with -m perf to measure");
      return;
    }
  hex_fixed (key_4646, key, 32);
  memset (hash, 0x11, 32);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      hash[0] = (guint8) i;
      g_assert_true (sr_secp256k1_sign (key, hash, sig, NULL));
    }
  sign_s = (g_get_monotonic_time () - start) / 1e6;
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    g_assert_true (sr_secp256k1_recover_address (hash, sig, addr, NULL));
  recover_s = (g_get_monotonic_time () - start) / 1e6;
  g_test_maximized_result (n / sign_s, "%.0f signatures/s", n / sign_s);
  g_test_maximized_result (n / recover_s, "%.0f recoveries/s", n / recover_s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/secp256k1/key-to-address", test_key_to_address);
  g_test_add_func ("/crypto/secp256k1/sign-recover", test_sign_recover);
  g_test_add_func ("/crypto/secp256k1/ecdh", test_ecdh);
  g_test_add_func ("/crypto/u256/parse-print", test_u256);
  g_test_add_func ("/crypto/tx/eip155-example", test_eip155_example);
  g_test_add_func ("/crypto/tx/eip1559", test_eip1559);
  g_test_add_func ("/crypto/tx/access-list", test_access_list);
  g_test_add_func ("/crypto/tx/decode-rejects", test_decode_rejects);
  g_test_add_func ("/crypto/tx/decode-fuzz", test_decode_fuzz);
  g_test_add_func ("/crypto/secp256k1/perf", test_perf);

  return g_test_run ();
}

/* test-cross-check.c — Seedreel's signatures and keystores against the
 * independent implementations run live: raw type-2 transactions
 * byte-identical to `cast mktx` and to ethers' signTransaction for the same
 * varied inputs, EIP-712 signatures identical to ethers' signTypedData, and
 * keystore files written by Seedreel opened by ethers and cast, ethers' and
 * cast's by Seedreel. ethers is the pinned npm package, driven by
 * ethers-cross-check.mjs. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "crypto/sr-eip712.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-keystore-v3.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-tx.h"
#include "crypto/sr-u256.h"

#define N_TXS 8
#define PASSWORD "cross check"

typedef struct {
  char *key, *chain_id, *nonce, *tip, *max_fee, *gas, *to, *value, *data;
  char *raw;   /* Seedreel's */
} TxCase;

static char *
run (const char * const *argv,
     const char         *input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL, *err = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                  G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc) || g_subprocess_get_exit_status (proc) != 0)
    g_error ("%s failed: %s", argv[0], err);
  return g_strstrip (g_steal_pointer (&out));
}

static char *
random_hex (GRand *rand,
            gsize  len)
{
  g_autofree guint8 *bytes = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
  return sr_hex_encode (bytes, len);
}

/* Varied inputs: nonces, fees and values from small to the uint256 limit,
 * calldata from none to a few hundred bytes. */
static void
make_case (GRand  *rand,
           guint   i,
           TxCase *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTx) tx = sr_tx_new (SR_TX_TYPE_EIP1559);
  g_autoptr(GBytes) raw = NULL;
  guint8 key[SR_PRIVATE_KEY_LEN];
  guint64 tip = i == 0 ? 0 : (guint64) g_rand_int (rand) * g_rand_int_range (rand, 1, 1000);

  do
    {
      for (gsize k = 0; k < sizeof key; k++)
        key[k] = (guint8) g_rand_int_range (rand, 0, 256);
    }
  while (!sr_secp256k1_check_private_key (key, NULL));
  c->key = sr_hex_encode (key, sizeof key);
  c->chain_id = g_strdup_printf ("%u", i % 2 == 0 ? 31337u : (guint) g_rand_int_range (rand, 1, G_MAXINT32));
  c->nonce = g_strdup_printf ("%u", i < 2 ? i : g_rand_int (rand));
  c->tip = g_strdup_printf ("%" G_GUINT64_FORMAT, tip);
  c->max_fee = g_strdup_printf ("%" G_GUINT64_FORMAT, tip + (guint64) g_rand_int (rand) * 1000);
  c->gas = g_strdup_printf ("%u", i == 0 ? 21000u : (guint) g_rand_int_range (rand, 21000, 30000000));
  c->to = random_hex (rand, SR_ADDRESS_LEN);
  if (i == N_TXS - 1)
    c->value = g_strdup ("115792089237316195423570985008687907853269984665640564039457584007913129639935");
  else
    c->value = g_strdup_printf ("%" G_GUINT64_FORMAT, i == 0 ? 0 : g_rand_int (rand) * (guint64) g_rand_int (rand));
  c->data = i < 2 ? g_strdup ("0x") : random_hex (rand, g_rand_int_range (rand, 1, 300));

  tx->chain_id = g_ascii_strtoull (c->chain_id, NULL, 10);
  tx->nonce = g_ascii_strtoull (c->nonce, NULL, 10);
  sr_u256_from_uint64 (tx->max_priority_fee_per_gas, tip);
  g_assert_true (sr_u256_parse (c->max_fee, tx->max_fee_per_gas, &error));
  tx->gas_limit = g_ascii_strtoull (c->gas, NULL, 10);
  tx->has_to = TRUE;
  g_assert_true (sr_address_parse (c->to, tx->to, &error));
  g_assert_true (sr_u256_parse (c->value, tx->value, &error));
  if (strlen (c->data) > 2)
    tx->data = sr_hex_decode (c->data, &error);
  g_assert_no_error (error);
  g_assert_true (sr_tx_sign (tx, key, &error));
  raw = sr_tx_encode_raw (tx, &error);
  g_assert_no_error (error);
  c->raw = sr_hex_encode (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
}

static void
tx_case_clear (TxCase *c)
{
  g_free (c->key); g_free (c->chain_id); g_free (c->nonce); g_free (c->tip); g_free (c->max_fee);
  g_free (c->gas); g_free (c->to); g_free (c->value); g_free (c->data); g_free (c->raw);
}

static const char *typed_docs[] = {
  /* EIP-712's own example. */
  "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"version\",\"type\":\"string\"},"
  "{\"name\":\"chainId\",\"type\":\"uint256\"},{\"name\":\"verifyingContract\",\"type\":\"address\"}],"
  "\"Person\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"wallet\",\"type\":\"address\"}],"
  "\"Mail\":[{\"name\":\"from\",\"type\":\"Person\"},{\"name\":\"to\",\"type\":\"Person\"},{\"name\":\"contents\",\"type\":\"string\"}]},"
  "\"primaryType\":\"Mail\",\"domain\":{\"name\":\"Ether Mail\",\"version\":\"1\",\"chainId\":1,"
  "\"verifyingContract\":\"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"},"
  "\"message\":{\"from\":{\"name\":\"Cow\",\"wallet\":\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},"
  "\"to\":{\"name\":\"Bob\",\"wallet\":\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},\"contents\":\"Hello, Bob!\"}}",
  /* A Seedreel receipt, as a viewer signs them for seeders. */
  "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"version\",\"type\":\"string\"},"
  "{\"name\":\"chainId\",\"type\":\"uint256\"},{\"name\":\"verifyingContract\",\"type\":\"address\"}],"
  "\"Receipt\":[{\"name\":\"viewId\",\"type\":\"uint256\"},{\"name\":\"seeder\",\"type\":\"address\"},"
  "{\"name\":\"bytes\",\"type\":\"uint64\"}]},\"primaryType\":\"Receipt\","
  "\"domain\":{\"name\":\"Seedreel\",\"version\":\"1\",\"chainId\":31337,"
  "\"verifyingContract\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\"},"
  "\"message\":{\"viewId\":\"123456789012345678901234567890\",\"seeder\":\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\","
  "\"bytes\":\"18446744073709551615\"}}",
  /* Arrays, bytes, bool, int and nested structs. */
  "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"chainId\",\"type\":\"uint256\"}],"
  "\"Item\":[{\"name\":\"id\",\"type\":\"bytes32\"},{\"name\":\"tags\",\"type\":\"string[]\"}],"
  "\"Order\":[{\"name\":\"items\",\"type\":\"Item[]\"},{\"name\":\"memo\",\"type\":\"bytes\"},"
  "{\"name\":\"ok\",\"type\":\"bool\"},{\"name\":\"delta\",\"type\":\"int256\"},{\"name\":\"ids\",\"type\":\"uint8[3]\"}]},"
  "\"primaryType\":\"Order\",\"domain\":{\"name\":\"Cross\",\"chainId\":5},"
  "\"message\":{\"items\":[{\"id\":\"0x1111111111111111111111111111111111111111111111111111111111111111\",\"tags\":[\"a\",\"ñ\"]},"
  "{\"id\":\"0x2222222222222222222222222222222222222222222222222222222222222222\",\"tags\":[]}],"
  "\"memo\":\"0xdeadbeef\",\"ok\":true,\"delta\":\"-42\",\"ids\":[1,2,3]}}",
};

static void
test_cross_check (void)
{
  const char *cast_path = g_getenv ("SEEDREEL_CAST");
  const char *node = NODE_PATH;
  const char *script = ETHERS_SCRIPT;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261124);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL, *output = NULL, *ours_json = NULL, *theirs_json = NULL;
  g_autofree char *keys_dir = NULL, *key_file = NULL, *decrypted = NULL;
  char *typed_sigs[G_N_ELEMENTS (typed_docs)] = { NULL };
  TxCase cases[N_TXS] = { 0 };
  JsonObject *result;
  JsonArray *array;
  guint8 key[SR_PRIVATE_KEY_LEN], back[SR_PRIVATE_KEY_LEN];
  const SrKeystoreParams light = { SR_KEYSTORE_KDF_SCRYPT, 1024, 8, 1, 0 };

  if (cast_path == NULL || *node == '\0' || !g_file_test (script, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("cast and node with ethers are not installed (npm ci)");
      return;
    }

  for (guint i = 0; i < N_TXS; i++)
    make_case (rand, i, &cases[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (typed_docs); i++)
    {
      SrEip712Hashes hashes;
      guint8 signature[SR_SIGNATURE_LEN];

      g_assert_true (sr_eip712_hash_json (typed_docs[i], -1, &hashes, &error));
      g_assert_no_error (error);
      g_assert_true (sr_secp256k1_sign ((const guint8 *) "\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46"
                                        "\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46\x46",
                                        hashes.digest, signature, &error));
      /* ethers writes v as 27/28. */
      if (signature[64] < 27)
        signature[64] += 27;
      typed_sigs[i] = sr_hex_encode (signature, sizeof signature);
    }
  memset (key, 0x46, sizeof key);
  ours_json = sr_keystore_v3_encrypt (key, PASSWORD, &light, &error);
  g_assert_no_error (error);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "txs");
  json_builder_begin_array (b);
  for (guint i = 0; i < N_TXS; i++)
    {
      TxCase *c = &cases[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key"); json_builder_add_string_value (b, c->key);
      json_builder_set_member_name (b, "chainId"); json_builder_add_string_value (b, c->chain_id);
      json_builder_set_member_name (b, "nonce"); json_builder_add_string_value (b, c->nonce);
      json_builder_set_member_name (b, "tip"); json_builder_add_string_value (b, c->tip);
      json_builder_set_member_name (b, "maxFee"); json_builder_add_string_value (b, c->max_fee);
      json_builder_set_member_name (b, "gas"); json_builder_add_string_value (b, c->gas);
      json_builder_set_member_name (b, "to"); json_builder_add_string_value (b, c->to);
      json_builder_set_member_name (b, "value"); json_builder_add_string_value (b, c->value);
      json_builder_set_member_name (b, "data"); json_builder_add_string_value (b, c->data);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "typed");
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (typed_docs); i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, "0x4646464646464646464646464646464646464646464646464646464646464646");
      json_builder_set_member_name (b, "json"); json_builder_add_string_value (b, typed_docs[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "decrypt");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "json"); json_builder_add_string_value (b, ours_json);
  json_builder_set_member_name (b, "password"); json_builder_add_string_value (b, PASSWORD);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "encrypt");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, "0x4646464646464646464646464646464646464646464646464646464646464646");
  json_builder_set_member_name (b, "password"); json_builder_add_string_value (b, PASSWORD);
  json_builder_end_object (b);
  json_builder_end_object (b);
  request = json_builder_get_root (b);
  input = json_to_string (request, FALSE);

  {
    const char *argv[] = { node, script, NULL };

    output = run (argv, input);
  }
  g_assert_true (json_parser_load_from_data (parser, output, -1, &error));
  g_assert_no_error (error);
  result = json_node_get_object (json_parser_get_root (parser));

  /* Transactions: ethers and cast, byte for byte. */
  array = json_object_get_array_member (result, "txs");
  g_assert_cmpuint (json_array_get_length (array), ==, N_TXS);
  for (guint i = 0; i < N_TXS; i++)
    {
      TxCase *c = &cases[i];
      const char *argv[] = { cast_path, "mktx", "--private-key", c->key, "--chain", c->chain_id,
                             "--nonce", c->nonce, "--gas-limit", c->gas, "--priority-gas-price", c->tip,
                             "--gas-price", c->max_fee, "--value", c->value, c->to,
                             strlen (c->data) > 2 ? c->data : NULL, NULL };
      g_autofree char *from_cast = run (argv, NULL);

      g_test_message ("transaction %u: %zu bytes", i, strlen (c->raw) / 2 - 1);
      g_assert_cmpstr (c->raw, ==, json_array_get_string_element (array, i));
      g_assert_cmpstr (c->raw, ==, from_cast);
    }

  /* Typed data: ethers' signTypedData. */
  array = json_object_get_array_member (result, "typed");
  for (gsize i = 0; i < G_N_ELEMENTS (typed_docs); i++)
    {
      g_assert_cmpstr (typed_sigs[i], ==, json_array_get_string_element (array, i));
      g_free (typed_sigs[i]);
    }

  /* Seedreel's keystore opened by ethers, and by cast. */
  array = json_object_get_array_member (result, "decrypted");
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==,
                   "0x4646464646464646464646464646464646464646464646464646464646464646");
  keys_dir = g_dir_make_tmp ("seedreel-cross-XXXXXX", &error);
  g_assert_no_error (error);
  key_file = g_build_filename (keys_dir, "seedreel.json", NULL);
  g_assert_true (g_file_set_contents (key_file, ours_json, -1, &error));
  {
    const char *argv[] = { cast_path, "wallet", "decrypt-keystore", "seedreel.json", "--keystore-dir", keys_dir,
                           "--unsafe-password", PASSWORD, NULL };

    decrypted = run (argv, NULL);
    g_assert_nonnull (strstr (decrypted, "0x4646464646464646464646464646464646464646464646464646464646464646"));
  }
  g_unlink (key_file);
  g_rmdir (keys_dir);

  /* ethers' keystore ("Crypto", no "kdfparams" defaults) opened by Seedreel. */
  theirs_json = g_strdup (json_object_get_string_member (result, "encrypted"));
  g_assert_true (sr_keystore_v3_decrypt (theirs_json, -1, PASSWORD, back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, sizeof back, key, sizeof key);

  /* cast's own keystore (`cast wallet new`, no "address" member) opened by
   * Seedreel to the address cast printed. */
  {
    g_autofree char *dir = g_dir_make_tmp ("seedreel-cast-XXXXXX", &error);
    const char *argv[] = { cast_path, "wallet", "new", dir, "--unsafe-password", PASSWORD, NULL };
    g_autofree char *created = NULL, *name = NULL, *path = NULL, *json = NULL, *address = NULL;
    g_autoptr(GDir) listing = NULL;
    GRegex *regex = g_regex_new ("Address:\\s*(0x[0-9a-fA-F]{40})", 0, 0, NULL);
    GMatchInfo *match = NULL;
    guint8 cast_key[SR_PRIVATE_KEY_LEN], derived[SR_ADDRESS_LEN];

    g_assert_no_error (error);
    created = run (argv, NULL);
    g_assert_true (g_regex_match (regex, created, 0, &match));
    address = g_match_info_fetch (match, 1);
    g_match_info_free (match);
    g_regex_unref (regex);
    listing = g_dir_open (dir, 0, &error);
    g_assert_no_error (error);
    name = g_strdup (g_dir_read_name (listing));
    g_assert_nonnull (name);
    path = g_build_filename (dir, name, NULL);
    g_assert_true (g_file_get_contents (path, &json, NULL, &error));
    g_assert_true (sr_keystore_v3_decrypt (json, -1, PASSWORD, cast_key, &error));
    g_assert_no_error (error);
    g_assert_true (sr_secp256k1_private_key_address (cast_key, derived, &error));
    {
      g_autofree char *checksummed = sr_address_to_checksum (derived);

      g_assert_cmpstr (checksummed, ==, address);
    }
    g_unlink (path);
    g_rmdir (dir);
  }

  for (guint i = 0; i < N_TXS; i++)
    tx_case_clear (&cases[i]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wallet/cross-check/cast-and-ethers", test_cross_check);
  return g_test_run ();
}

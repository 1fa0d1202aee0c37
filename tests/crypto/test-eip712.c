/* test-eip712.c: EIP-712 typed data and EIP-191 message hashing against the
 * EIP's own "Mail" example and independently produced digests. */
#include <string.h>

#include "crypto/sr-crypto-error.h"
#include "crypto/sr-eip712.h"
#include "crypto/sr-keccak.h"
#include "crypto/sr-secp256k1.h"
#include "test-helpers.h"

/* The example from EIP-712 (and its eth_signTypedData_v4 signature). */
static const gchar *mail_json =
  "{"
  "  \"types\": {"
  "    \"EIP712Domain\": ["
  "      {\"name\": \"name\", \"type\": \"string\"},"
  "      {\"name\": \"version\", \"type\": \"string\"},"
  "      {\"name\": \"chainId\", \"type\": \"uint256\"},"
  "      {\"name\": \"verifyingContract\", \"type\": \"address\"}"
  "    ],"
  "    \"Person\": ["
  "      {\"name\": \"name\", \"type\": \"string\"},"
  "      {\"name\": \"wallet\", \"type\": \"address\"}"
  "    ],"
  "    \"Mail\": ["
  "      {\"name\": \"from\", \"type\": \"Person\"},"
  "      {\"name\": \"to\", \"type\": \"Person\"},"
  "      {\"name\": \"contents\", \"type\": \"string\"}"
  "    ]"
  "  },"
  "  \"primaryType\": \"Mail\","
  "  \"domain\": {"
  "    \"name\": \"Ether Mail\","
  "    \"version\": \"1\","
  "    \"chainId\": 1,"
  "    \"verifyingContract\": \"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\""
  "  },"
  "  \"message\": {"
  "    \"from\": {\"name\": \"Cow\", \"wallet\": \"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},"
  "    \"to\": {\"name\": \"Bob\", \"wallet\": \"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},"
  "    \"contents\": \"Hello, Bob!\""
  "  }"
  "}";

static void
test_mail_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree gchar *encoded = NULL;
  g_autofree gchar *signer_text = NULL;
  SrEip712Hashes h;
  guint8 cow[32], sig[65], signer[20];

  g_assert_true (sr_eip712_hash_json (mail_json, -1, &h, &error));
  g_assert_no_error (error);
  assert_hex_eq (h.domain_separator, 32, "f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
  assert_hex_eq (h.message_hash, 32, "c52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
  assert_hex_eq (h.digest, 32, "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");

  g_assert_true (json_parser_load_from_data (parser, mail_json, -1, &error));
  encoded = sr_eip712_encode_type (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "types"),
                                   "Mail", &error);
  g_assert_cmpstr (encoded, ==, "Mail(Person from,Person to,string contents)Person(string name,address wallet)");

  /* The EIP signs with keccak256("cow"). */
  sr_keccak256 ((const guint8 *) "cow", 3, cow);
  g_assert_true (sr_secp256k1_sign (cow, h.digest, sig, &error));
  g_assert_no_error (error);
  assert_hex_eq (sig, 64, "4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"
                          "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562");
  g_assert_cmpuint (sig[64] + 27, ==, 28);
  g_assert_true (sr_secp256k1_recover_address (h.digest, sig, signer, &error));
  signer_text = sr_address_to_checksum (signer);
  g_assert_cmpstr (signer_text, ==, "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
}

typedef struct {
  const gchar *json, *domain_separator, *message_hash, *digest;
} Vector;

/* Produced with ethers 6.17.0 (TypedDataEncoder), which derives
 * EIP712Domain from the domain's members as these inputs require. */
static const Vector vectors[] = {
  /* Seedreel's seeding receipt. */
  { "{\"domain\":{\"name\":\"Seedreel\",\"version\":\"1\",\"chainId\":31337,"
    "\"verifyingContract\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\"},"
    "\"types\":{\"Receipt\":[{\"name\":\"viewId\",\"type\":\"uint256\"},{\"name\":\"seeder\",\"type\":\"address\"},"
    "{\"name\":\"bytes\",\"type\":\"uint64\"}]},\"primaryType\":\"Receipt\","
    "\"message\":{\"viewId\":\"42\",\"seeder\":\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\",\"bytes\":\"123456789\"}}",
    "d570d34e4efd4f54b2e3a21f101d63c89bbd2375c0284014b805c5ffe689ef16",
    "2a8bbb4c53b28b92230365899a6e6f0971115877ced2b6b1e9238876893ef24e",
    "c5c6387e63dc1fa6caffbf9743ea94c79b49b1d526221e35b03ff00bedd1abea" },
  /* Struct arrays, string arrays, nested fixed arrays, bytes, bytes4, bool,
   * negative int8/int256, a salt in the domain, non-ASCII text. */
  { "{\"domain\":{\"name\":\"Kitchen\",\"chainId\":1,\"salt\":\"0xabababababababababababababababababababababababababababababababab\"},"
    "\"types\":{\"Item\":[{\"name\":\"id\",\"type\":\"bytes4\"},{\"name\":\"tags\",\"type\":\"string[]\"},{\"name\":\"qty\",\"type\":\"int8\"}],"
    "\"Order\":[{\"name\":\"buyer\",\"type\":\"address\"},{\"name\":\"items\",\"type\":\"Item[]\"},{\"name\":\"paid\",\"type\":\"bool\"},"
    "{\"name\":\"memo\",\"type\":\"bytes\"},{\"name\":\"grid\",\"type\":\"uint16[2][]\"},{\"name\":\"delta\",\"type\":\"int256\"}]},"
    "\"primaryType\":\"Order\",\"message\":{\"buyer\":\"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\","
    "\"items\":[{\"id\":\"0xdeadbeef\",\"tags\":[\"a\",\"b\xc3\xa9\"],\"qty\":-128},{\"id\":\"0x00000001\",\"tags\":[],\"qty\":127}],"
    "\"paid\":true,\"memo\":\"0x0102030405\",\"grid\":[[1,2],[65535,0]],\"delta\":\"-1\"}}",
    "c62a22b830573cf5bf57c37c318130e22e7ed4281a2cb3b2b32dfaa5604ffe26",
    "343cd43f2647d2b2286653c6b3ada6c5387d035f656d2cc4002df36a56bda4a1",
    "7a1a16f6814ddf6638f5e27cbc4842449c4337fd241824e426d34483b126b21d" },
};

static void
test_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      SrEip712Hashes h;

      g_assert_true (sr_eip712_hash_json (vectors[i].json, -1, &h, &error));
      g_assert_no_error (error);
      assert_hex_eq (h.domain_separator, 32, vectors[i].domain_separator);
      assert_hex_eq (h.message_hash, 32, vectors[i].message_hash);
      assert_hex_eq (h.digest, 32, vectors[i].digest);
    }
}

/* Changes to the Kitchen example that must be refused. */
static void
test_rejects (void)
{
  static const struct { const gchar *from, *to; } edits[] = {
    { "\"qty\":-128", "\"qty\":-129" },                   /* int8 underflow */
    { "\"qty\":127", "\"qty\":128" },                     /* int8 overflow */
    { "[65535,0]", "[65536,0]" },                         /* uint16 overflow */
    { "[65535,0]", "[65535]" },                           /* wrong fixed length */
    { "\"0xdeadbeef\"", "\"0xdeadbe\"" },                 /* bytes4 too short */
    { "\"paid\":true", "\"paid\":1" },                    /* bool as number */
    { "\"memo\":\"0x0102030405\"", "\"memo\":\"0x01020\"" }, /* odd hex */
    { "\"type\":\"int8\"", "\"type\":\"int7\"" },         /* no such type */
    { "\"type\":\"bytes4\"", "\"type\":\"Missing\"" },    /* undefined struct */
    { "\"paid\":true,", "" },                             /* member missing */
    { "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "0xbBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" }, /* bad checksum */
    { "\"primaryType\":\"Order\",", "" },
    { "\"type\":\"uint16[2][]\"", "\"type\":\"uint16]\"" },    /* bracket without its pair */
    { "\"type\":\"uint16[2][]\"", "\"type\":\"uint16[x]\"" },
    { "{\"domain\"", "[{\"domain\"" },                    /* not JSON */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) json = g_string_new (vectors[1].json);
      SrEip712Hashes h;

      g_assert_nonnull (strstr (json->str, edits[i].from));
      g_string_replace (json, edits[i].from, edits[i].to, 1);
      g_assert_false (sr_eip712_hash_json (json->str, -1, &h, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == SR_CRYPTO_ERROR);
      g_test_message ("%s → %s", edits[i].to, error->message);
    }
}

/* Mangled typed data (what a hostile dapp could send) never crashes and
 * always ends in a digest or a clean error. */
static void
test_fuzz (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  static const gchar alphabet[] = "{}[]\",:0123456789abcdefx-ntrue \\";
  guint n_ok = 0, n_err = 0;

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gchar *json = g_strdup (vectors[round % 2].json);
      gsize len = strlen (json);
      SrEip712Hashes h;

      for (guint k = 0; k < 1 + round % 4; k++)
        json[g_rand_int_range (rand, 0, len)] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      if (sr_eip712_hash_json (json, len, &h, &error))
        n_ok++;
      else
        {
          g_assert_true (error->domain == SR_CRYPTO_ERROR);
          n_err++;
        }
    }
  g_test_message ("fuzz: %u hashed, %u rejected", n_ok, n_err);
  g_assert_cmpuint (n_err, >, 0);
}

static void
test_personal_message (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL;
  guint8 hash[32], sig[65], signer[20];

  /* ethers 6.17.0 hashMessage("Hello, Seedreel"). */
  sr_eip191_hash_message ((const guint8 *) "Hello, Seedreel", 15, hash);
  assert_hex_eq (hash, 32, "c57cf56ccf7206b6bd9056de32ae068c75ea587e26a56b92a60af096b0993af8");

  /* go-ethereum clef's account_ecRecover example for data 0xaabbccdd. */
  sr_eip191_hash_message ((const guint8 *) "\xaa\xbb\xcc\xdd", 4, hash);
  hex_fixed ("5b6693f153b48ec1c706ba4169960386dbaa6903e249cc79a8e6ddc434451d41"
             "7e1e57327872c7f538beeb323c300afa9999a3d4a5de6caf3be0d5ef832b67ef1c", sig, 65);
  g_assert_true (sr_secp256k1_recover_address (hash, sig, signer, &error));
  g_assert_no_error (error);
  assert_hex_eq (signer, 20, "1923f626bb8dc025849e00f99c25fe2b2f7fb0db");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/eip712/mail-example", test_mail_example);
  g_test_add_func ("/crypto/eip712/vectors", test_vectors);
  g_test_add_func ("/crypto/eip712/rejects", test_rejects);
  g_test_add_func ("/crypto/eip712/fuzz", test_fuzz);
  g_test_add_func ("/crypto/eip191/personal-message", test_personal_message);

  return g_test_run ();
}

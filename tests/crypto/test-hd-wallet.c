/* test-hd-wallet.c: BIP-39 phrases (Trezor's published vectors), BIP-32
 * derivation (the BIP's test vectors 1 and 2) and the Ethereum path that
 * wallets and anvil use. */
#include <string.h>

#include "crypto/sr-bip32.h"
#include "crypto/sr-bip39.h"
#include "crypto/sr-crypto-error.h"
#include "test-helpers.h"

typedef struct {
  const gchar *entropy, *mnemonic, *seed;
} Bip39Vector;

/* Trezor's BIP-39 vectors (trezor/python-mnemonic vectors.json, as also
 * used by Trust Wallet Core); the passphrase is "TREZOR". */
static const Bip39Vector bip39_vectors[] = {
  { "00000000000000000000000000000000",
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04" },
  { "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607" },
  { "80808080808080808080808080808080",
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
    "d71de856f81a8acc65e6fc851a38d4d7ec216fd0796d0a6827a3ad6ed5511a30fa280f12eb2e47ed2ac03b5c462a0358d18d69fe4f985ec81778c1b370b652a8" },
  { "ffffffffffffffffffffffffffffffff",
    "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
    "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069" },
  { "0000000000000000000000000000000000000000000000000000000000000000",
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
    "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8" },
  { "18ab19a9f54a9274f03e5209a2ac8a91",
    "board flee heavy tunnel powder denial science ski answer betray cargo cat",
    "6eff1bb21562918509c73cb990260db07c0ce34ff0e3cc4a8cb3276129fbcb300bddfe005831350efd633909f476c45c88253276d9fd0df6ef48609e8bb7dca8" },
  { "15da872c95a13dd738fbf50e427583ad61f18fd99f628c417a61cf8343c90419",
    "beyond stage sleep clip because twist token leaf atom beauty genius food business side grid unable "
    "middle armed observe pair crouch tonight away coconut",
    "b15509eaa2d09d3efd3e006ef42151b30367dc6e3aa5e44caba3fe4d3e352e65101fbdb86a96776b91946ff06f8eac594dc6ee1d3e82a42dfe1b40fef6bcc3fd" },
};

/* The list compiled in is the canonical file, byte for byte: a changed word
 * would turn every written-down phrase into another wallet. */
static void
test_bip39_wordlist (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *path = g_build_filename (g_getenv ("SEEDREEL_SOURCE_ROOT"), "src", "crypto",
                                             "bip39-english.txt", NULL);
  g_autofree gchar *contents = NULL;
  g_autofree gchar *sum = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  g_assert_cmpstr (sum, ==, "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
}

static void
test_bip39_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bip39_vectors); i++)
    {
      const Bip39Vector *v = &bip39_vectors[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) entropy = hex_bytes (v->entropy);
      g_autofree gchar *mnemonic = NULL;
      guint8 back[SR_BIP39_MAX_ENTROPY_LEN];
      guint8 seed[SR_BIP39_SEED_LEN];
      gsize len;

      mnemonic = sr_bip39_mnemonic_from_entropy (g_bytes_get_data (entropy, NULL),
                                                 g_bytes_get_size (entropy), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (mnemonic, ==, v->mnemonic);

      g_assert_true (sr_bip39_mnemonic_to_entropy (v->mnemonic, back, &len, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (back, len, g_bytes_get_data (entropy, NULL), g_bytes_get_size (entropy));

      sr_bip39_mnemonic_to_seed (v->mnemonic, "TREZOR", seed);
      assert_hex_eq (seed, sizeof seed, v->seed);
    }
}

static void
test_bip39_rejects (void)
{
  static const struct { const gchar *phrase; gint code; } bad[] = {
    /* A changed first word breaks the checksum. */
    { "above abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", SR_CRYPTO_ERROR_INVALID_MNEMONIC },
    { "above stage sleep clip because twist token leaf atom beauty genius food business side grid unable "
      "middle armed observe pair crouch tonight away coconut", SR_CRYPTO_ERROR_INVALID_MNEMONIC },
    /* Eleven words. */
    { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", SR_CRYPTO_ERROR_INVALID_MNEMONIC },
    /* Not a list word. */
    { "ripple scissors hisc mammal hire column oak again sun offer wealth tomorrow", SR_CRYPTO_ERROR_INVALID_MNEMONIC },
    { "", SR_CRYPTO_ERROR_INVALID_MNEMONIC },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint8 entropy[SR_BIP39_MAX_ENTROPY_LEN];
      gsize len;

      g_assert_false (sr_bip39_mnemonic_to_entropy (bad[i].phrase, entropy, &len, &error));
      g_assert_error (error, SR_CRYPTO_ERROR, bad[i].code);
      g_test_message ("%s", error->message);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree gchar *m = sr_bip39_mnemonic_from_entropy ((const guint8 *) "short", 5, &error);

    g_assert_null (m);
    g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH);
  }
}

static void
test_bip39_normalize_generate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *canonical = sr_bip39_normalize ("  Legal winner THANK year wave sausage\n"
                                                    "worth useful legal winner thank yellow ", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (canonical, ==, bip39_vectors[1].mnemonic);

  for (guint n = 12; n <= 24; n += 3)
    {
      g_autofree gchar *a = sr_bip39_generate_mnemonic (n, &error);
      g_autofree gchar *b = sr_bip39_generate_mnemonic (n, &error);
      g_auto(GStrv) words = NULL;
      guint8 entropy[SR_BIP39_MAX_ENTROPY_LEN];
      gsize len;

      g_assert_no_error (error);
      words = g_strsplit (a, " ", -1);
      g_assert_cmpuint (g_strv_length (words), ==, n);
      g_assert_cmpstr (a, !=, b);
      g_assert_true (sr_bip39_mnemonic_to_entropy (a, entropy, &len, &error));
      g_assert_cmpuint (len, ==, n * 4 / 3);
    }
  g_assert_null (sr_bip39_generate_mnemonic (13, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH);
}

typedef struct {
  const gchar *path, *xprv, *xpub;
} Bip32Step;

/* BIP-32 test vector 1, seed 000102030405060708090a0b0c0d0e0f. */
static const Bip32Step vector1[] = {
  { "m",
    "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
    "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8" },
  { "m/0'",
    "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7",
    "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw" },
  { "m/0'/1",
    "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs",
    "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ" },
  { "m/0'/1/2'",
    "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM",
    "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5" },
  { "m/0'/1/2'/2",
    "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334",
    "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV" },
  { "m/0'/1/2'/2/1000000000",
    "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76",
    "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy" },
};

/* BIP-32 test vector 2 (a 64-byte seed, the largest hardened indices). */
static const Bip32Step vector2[] = {
  { "m",
    "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U",
    "xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB" },
  { "m/0",
    "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt",
    "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH" },
  { "m/0/2147483647'",
    "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9",
    "xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJiHjaDMBU4Zn9h8LZNnBC5y4a" },
  { "m/0/2147483647'/1/2147483646'/2",
    "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLEcBYJUuekgW4BYPJcr9E7j",
    "xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY5agb9rXpVGyy3bdW6EEgAtqt" },
};

static void
check_steps (const gchar     *seed_hex,
             const Bip32Step *steps,
             gsize            n_steps)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) seed = hex_bytes (seed_hex);
  SrBip32Key master, key;

  g_assert_true (sr_bip32_master_from_seed (g_bytes_get_data (seed, NULL), g_bytes_get_size (seed),
                                            &master, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < n_steps; i++)
    {
      g_autofree gchar *xprv = NULL;
      g_autofree gchar *xpub = NULL;

      g_assert_true (sr_bip32_derive_path (&master, steps[i].path, &key, &error));
      g_assert_no_error (error);
      xprv = sr_bip32_serialize_private (&key);
      xpub = sr_bip32_serialize_public (&key);
      g_assert_cmpstr (xprv, ==, steps[i].xprv);
      g_assert_cmpstr (xpub, ==, steps[i].xpub);
    }
  sr_bip32_key_clear (&master);
  sr_bip32_key_clear (&key);
}

static void
test_bip32_vector1 (void)
{
  check_steps ("000102030405060708090a0b0c0d0e0f", vector1, G_N_ELEMENTS (vector1));
}

static void
test_bip32_vector2 (void)
{
  check_steps ("fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a2"
               "9f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542",
               vector2, G_N_ELEMENTS (vector2));
}

static void
test_bip32_paths (void)
{
  static const gchar *bad[] = {
    "", "44'/60'", "m/", "m//0", "m/-1", "m/2147483648", "m/01", "m/1''", "m/1'x", "M/0", "m/0/ 1",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) indices = sr_bip32_parse_path ("m/44'/60h/0H/0/7", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (indices->len, ==, 5);
  g_assert_cmpuint (g_array_index (indices, guint32, 0), ==, 44 | SR_BIP32_HARDENED);
  g_assert_cmpuint (g_array_index (indices, guint32, 1), ==, 60 | SR_BIP32_HARDENED);
  g_assert_cmpuint (g_array_index (indices, guint32, 2), ==, SR_BIP32_HARDENED);
  g_assert_cmpuint (g_array_index (indices, guint32, 3), ==, 0);
  g_assert_cmpuint (g_array_index (indices, guint32, 4), ==, 7);
  g_clear_pointer (&indices, g_array_unref);

  indices = sr_bip32_parse_path ("m", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (indices->len, ==, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GArray) none = sr_bip32_parse_path (bad[i], &local_error);

      g_assert_null (none);
      g_assert_error (local_error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_PATH);
    }
}

/* The phrase anvil, Hardhat and Foundry ship with: its first Ethereum
 * account is the one every local chain funds. */
static void
test_ethereum_account (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL;
  guint8 seed[SR_BIP39_SEED_LEN], address[20];
  SrBip32Key master, key;

  sr_bip39_mnemonic_to_seed ("test test test test test test test test test test test junk", "", seed);
  g_assert_true (sr_bip32_master_from_seed (seed, sizeof seed, &master, &error));
  g_assert_true (sr_bip32_derive_path (&master, SR_BIP32_ETHEREUM_PATH, &key, &error));
  g_assert_no_error (error);
  assert_hex_eq (key.private_key, 32, "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  g_assert_true (sr_secp256k1_private_key_address (key.private_key, address, &error));
  text = sr_address_to_checksum (address);
  g_assert_cmpstr (text, ==, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

  g_clear_pointer (&text, g_free);
  g_assert_true (sr_bip32_derive_path (&master, "m/44'/60'/0'/0/1", &key, &error));
  g_assert_true (sr_secp256k1_private_key_address (key.private_key, address, &error));
  text = sr_address_to_checksum (address);
  g_assert_cmpstr (text, ==, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/bip39/wordlist", test_bip39_wordlist);
  g_test_add_func ("/crypto/bip39/trezor-vectors", test_bip39_vectors);
  g_test_add_func ("/crypto/bip39/rejects", test_bip39_rejects);
  g_test_add_func ("/crypto/bip39/normalize-generate", test_bip39_normalize_generate);
  g_test_add_func ("/crypto/bip32/vector-1", test_bip32_vector1);
  g_test_add_func ("/crypto/bip32/vector-2", test_bip32_vector2);
  g_test_add_func ("/crypto/bip32/paths", test_bip32_paths);
  g_test_add_func ("/crypto/bip32/ethereum-account", test_ethereum_account);

  return g_test_run ();
}

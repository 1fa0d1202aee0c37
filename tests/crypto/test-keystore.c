/* test-keystore.c: Web3 Secret Storage v3 against the definition's and
 * geth's test vectors, round trips, wrong passwords and hostile files. */
#include <string.h>
#include <json-glib/json-glib.h>

#include "crypto/sr-crypto-error.h"
#include "crypto/sr-keystore-v3.h"
#include "test-helpers.h"

static const gchar *secret = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

/* The Web3 Secret Storage definition's PBKDF2-SHA-256 vector. */
static const gchar *pbkdf2_vector =
  "{\"crypto\":{\"cipher\":\"aes-128-ctr\",\"cipherparams\":{\"iv\":\"6087dab2f9fdbbfaddc31a909735c1e6\"},"
  "\"ciphertext\":\"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\",\"kdf\":\"pbkdf2\","
  "\"kdfparams\":{\"c\":262144,\"dklen\":32,\"prf\":\"hmac-sha256\","
  "\"salt\":\"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd\"},"
  "\"mac\":\"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2\"},"
  "\"id\":\"3198bc9c-6672-5ab3-d995-4942343ae5b6\",\"version\":3}";

/* geth's accounts/keystore test vector for scrypt (n=2^18, r=1, p=8). */
static const gchar *scrypt_vector =
  "{\"crypto\":{\"cipher\":\"aes-128-ctr\",\"cipherparams\":{\"iv\":\"83dbcc02d8ccb40e466191a123791e0e\"},"
  "\"ciphertext\":\"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c\",\"kdf\":\"scrypt\","
  "\"kdfparams\":{\"dklen\":32,\"n\":262144,\"r\":1,\"p\":8,"
  "\"salt\":\"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19\"},"
  "\"mac\":\"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097\"},"
  "\"id\":\"3198bc9c-6672-5ab3-d995-4942343ae5b6\",\"version\":3}";

static void
decrypt_vector (const gchar *json)
{
  g_autoptr(GError) error = NULL;
  guint8 key[32];
  gint64 start = g_get_monotonic_time ();

  g_assert_true (sr_keystore_v3_decrypt (json, -1, "testpassword", key, &error));
  g_assert_no_error (error);
  assert_hex_eq (key, 32, secret);
  g_test_message ("decrypt took %.2f s", (g_get_monotonic_time () - start) / 1e6);

  g_assert_false (sr_keystore_v3_decrypt (json, -1, "testpassword!", key, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_WRONG_PASSWORD);
  g_assert_cmpstr (error->message, ==, "The password is wrong");
}

static void
test_pbkdf2_vector (void)
{
  decrypt_vector (pbkdf2_vector);
}

static void
test_scrypt_vector (void)
{
  decrypt_vector (scrypt_vector);
}

static void
test_round_trip (void)
{
  static const SrKeystoreParams light[] = {
    { SR_KEYSTORE_KDF_SCRYPT, 4096, 8, 1, 0 },
    { SR_KEYSTORE_KDF_PBKDF2, 0, 0, 0, 10000 },
  };
  guint8 key[32];

  hex_fixed (secret, key, 32);
  for (gsize i = 0; i < G_N_ELEMENTS (light); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree gchar *json = sr_keystore_v3_encrypt (key, "pässword", &light[i], &error);
      g_autofree gchar *json2 = NULL;
      guint8 back[32];
      JsonObject *root;

      g_assert_no_error (error);
      g_assert_nonnull (json);
      g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (root, "address"), ==,
                       "008aeeda4d805471df9b2a5b0f38a0c3bcba786b");
      g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 3);

      g_assert_true (sr_keystore_v3_decrypt (json, -1, "pässword", back, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (back, 32, key, 32);
      g_assert_false (sr_keystore_v3_decrypt (json, -1, "password", back, &error));
      g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_WRONG_PASSWORD);
      g_clear_error (&error);

      /* Fresh salt and IV each time. */
      json2 = sr_keystore_v3_encrypt (key, "pässword", &light[i], &error);
      g_assert_cmpstr (json, !=, json2);
    }
}

static void
test_too_expensive (void)
{
  static const struct { const gchar *from, *to; } edits[] = {
    { "\"n\":262144", "\"n\":524288" },
    { "\"n\":262144", "\"n\":1073741824" },
    { "\"r\":1", "\"r\":16" },
    { "\"p\":8", "\"p\":64" },
    { "\"p\":8", "\"p\":9" },   /* n·r·p over the limit */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) json = g_string_new (scrypt_vector);
      gint64 start = g_get_monotonic_time ();
      guint8 key[32];

      g_assert_nonnull (strstr (json->str, edits[i].from));
      g_string_replace (json, edits[i].from, edits[i].to, 1);
      g_assert_false (sr_keystore_v3_decrypt (json->str, -1, "testpassword", key, &error));
      g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_KDF_TOO_EXPENSIVE);
      /* Refused up front, not after trying. */
      g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 10);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) json = g_string_new (pbkdf2_vector);
    guint8 key[32];

    g_string_replace (json, "\"c\":262144", "\"c\":10000001", 1);
    g_assert_false (sr_keystore_v3_decrypt (json->str, -1, "testpassword", key, &error));
    g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_KDF_TOO_EXPENSIVE);
    g_assert_cmpstr (error->message, ==, "This key file asks for more memory or time than Seedreel allows");
  }
}

static void
test_malformed (void)
{
  static const struct { const gchar *from, *to; } edits[] = {
    { "{\"crypto\"", "[{\"crypto\"" },
    { "\"version\":3", "\"version\":1" },
    { "aes-128-ctr", "aes-128-cbc" },
    { "\"kdf\":\"pbkdf2\"", "\"kdf\":\"argon2\"" },
    { "hmac-sha256", "hmac-sha512" },
    { "\"dklen\":32", "\"dklen\":16" },
    { "\"c\":262144", "\"c\":\"many\"" },
    { "\"c\":262144", "\"c\":0" },
    { "6087dab2f9fdbbfaddc31a909735c1e6", "6087dab2f9fdbbfaddc31a909735c1" },
    { "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46", "zz" },
    { "\"mac\":", "\"MAC\":" },
    { "\"cipherparams\":", "\"params\":" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) json = g_string_new (pbkdf2_vector);
      guint8 key[32];

      g_assert_nonnull (strstr (json->str, edits[i].from));
      g_string_replace (json, edits[i].from, edits[i].to, 1);
      g_assert_false (sr_keystore_v3_decrypt (json->str, -1, "testpassword", key, &error));
      g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEYSTORE);
      g_test_message ("%s: %s", edits[i].to, error->message);
    }
}

/* The v3 MAC does not cover the IV: a damaged IV must not yield a wrong key
 * silently when the file says which address it holds. */
static void
test_damaged_iv (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) json = g_string_new (pbkdf2_vector);
  guint8 key[32];

  g_string_replace (json, "\"version\":3", "\"version\":3,\"address\":\"008aeeda4d805471df9b2a5b0f38a0c3bcba786b\"", 1);
  g_assert_true (sr_keystore_v3_decrypt (json->str, -1, "testpassword", key, &error));
  g_assert_no_error (error);
  assert_hex_eq (key, 32, secret);

  g_string_replace (json, "6087dab2f9fdbbfaddc31a909735c1e6", "6087dab2f9fdbbfaddc31a909735c1e7", 1);
  g_assert_false (sr_keystore_v3_decrypt (json->str, -1, "testpassword", key, &error));
  g_assert_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEYSTORE);
}

/* Mangled key files never crash the parser: each ends in a key or a clean
 * error. */
static void
test_fuzz (void)
{
  static const SrKeystoreParams cheap = { SR_KEYSTORE_KDF_PBKDF2, 0, 0, 0, 16 };
  static const gchar alphabet[] = "{}[]\",:0123456789abcdef-xn \\";
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(GError) error = NULL;
  g_autofree gchar *base = NULL;
  guint8 key[32];
  guint n_ok = 0, n_err = 0;

  hex_fixed (secret, key, 32);
  base = sr_keystore_v3_encrypt (key, "pw", &cheap, &error);
  g_assert_no_error (error);

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree gchar *json = g_strdup (base);
      gsize len = strlen (json);
      guint8 out[32];

      for (guint k = 0; k < 1 + round % 3; k++)
        json[g_rand_int_range (rand, 0, len)] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      if (sr_keystore_v3_decrypt (json, len, "pw", out, &local_error))
        {
          /* v3 cannot detect a damaged IV by itself; as long as the file
           * still names its address, a wrong key never comes out. */
          if (strstr (json, "\"address\":\"008aeeda4d805471df9b2a5b0f38a0c3bcba786b\"") != NULL)
            g_assert_cmpmem (out, 32, key, 32);
          n_ok++;
        }
      else
        {
          g_assert_true (local_error->domain == SR_CRYPTO_ERROR);
          n_err++;
        }
    }
  g_test_message ("fuzz: %u opened, %u rejected", n_ok, n_err);
  g_assert_cmpuint (n_err, >, 0);
}

typedef struct {
  GBytes *key;
  gchar *json;
  GError *error;
  gboolean done;
} AsyncResult;

static void
decrypted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->key = sr_keystore_v3_decrypt_finish (result, &r->error);
  r->done = TRUE;
}

static void
encrypted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->json = sr_keystore_v3_encrypt_finish (result, &r->error);
  r->done = TRUE;
}

static void
test_async (void)
{
  static const SrKeystoreParams light = { SR_KEYSTORE_KDF_SCRYPT, 1024, 8, 1, 0 };
  AsyncResult enc = { 0 }, dec = { 0 };
  guint8 key[32];

  hex_fixed (secret, key, 32);
  sr_keystore_v3_encrypt_async (key, "testpassword", &light, NULL, encrypted_cb, &enc);
  while (!enc.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (enc.error);

  sr_keystore_v3_decrypt_async (enc.json, "testpassword", NULL, decrypted_cb, &dec);
  while (!dec.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (dec.error);
  assert_hex_eq (g_bytes_get_data (dec.key, NULL), g_bytes_get_size (dec.key), secret);

  g_free (enc.json);
  g_bytes_unref (dec.key);
}

/* Closing the unlock dialog must not wait for a one-second KDF. */
static void
test_async_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult dec = { 0 };
  gint64 start;

  sr_keystore_v3_decrypt_async (scrypt_vector, "testpassword", cancellable, decrypted_cb, &dec);
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  while (!dec.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (dec.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (dec.key);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2);
  g_clear_error (&dec.error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/keystore/pbkdf2-vector", test_pbkdf2_vector);
  g_test_add_func ("/crypto/keystore/scrypt-vector", test_scrypt_vector);
  g_test_add_func ("/crypto/keystore/round-trip", test_round_trip);
  g_test_add_func ("/crypto/keystore/too-expensive", test_too_expensive);
  g_test_add_func ("/crypto/keystore/malformed", test_malformed);
  g_test_add_func ("/crypto/keystore/damaged-iv", test_damaged_iv);
  g_test_add_func ("/crypto/keystore/fuzz", test_fuzz);
  g_test_add_func ("/crypto/keystore/async", test_async);
  g_test_add_func ("/crypto/keystore/async-cancel", test_async_cancel);

  return g_test_run ();
}

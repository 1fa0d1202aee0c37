/* sr-keystore-v3.c: Web3 Secret Storage v3 encryption and decryption. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <nettle/aes.h>
#include <nettle/ctr.h>
#include <nettle/pbkdf2.h>
#include <sodium.h>

#include "sr-crypto-error.h"
#include "sr-crypto-private.h"
#include "sr-hex.h"
#include "sr-keccak.h"
#include "sr-keystore-v3.h"

#define DKLEN 32
#define IV_LEN 16
#define SALT_LEN 32

/* Files asking for more than this are refused before any work is done: a
 * hostile file could otherwise make Seedreel allocate gigabytes or spin for
 * hours. geth's standard (n=2^18, r=8, p=1) and its test vector (n=2^18,
 * r=1, p=8) both fit. */
#define MAX_SCRYPT_N (G_GUINT64_CONSTANT (1) << 18)
#define MAX_SCRYPT_R 8
#define MAX_SCRYPT_P 16
#define MAX_SCRYPT_WORK (G_GUINT64_CONSTANT (1) << 21)  /* n·r·p */
#define MAX_PBKDF2_C 10000000

static gboolean
malformed (GError     **error,
           const gchar *what)
{
  g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEYSTORE,
               _("This is not a valid key file: %s"), what);
  return FALSE;
}

static gboolean
too_expensive (GError **error)
{
  g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_KDF_TOO_EXPENSIVE,
               _("This key file asks for more memory or time than Seedreel allows"));
  return FALSE;
}

/* Reads a bare-hex member of exactly @len bytes (any length when @len is 0). */
static GBytes *
hex_member (JsonObject  *object,
            const gchar *name,
            gsize        len,
            GError     **error)
{
  const gchar *text = json_object_get_string_member_with_default (object, name, NULL);
  g_autoptr(GBytes) bytes = NULL;

  if (text == NULL)
    {
      g_autofree gchar *what = g_strdup_printf (_("“%s” is missing"), name);
      malformed (error, what);
      return NULL;
    }
  if (g_str_has_prefix (text, "0x"))
    text += 2;
  bytes = sr_hex_decode_bare (text, NULL);
  if (bytes == NULL || (len != 0 && g_bytes_get_size (bytes) != len))
    {
      g_autofree gchar *what = g_strdup_printf (_("“%s” is not valid hexadecimal of the right length"), name);
      malformed (error, what);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

static gboolean
uint_member (JsonObject  *object,
             const gchar *name,
             guint64     *value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) <= 0)
    {
      g_autofree gchar *what = g_strdup_printf (_("“%s” is not a positive integer"), name);
      return malformed (error, what);
    }
  *value = (guint64) json_node_get_int (node);
  return TRUE;
}

static gboolean
derive_key (const gchar            *password,
            const SrKeystoreParams *params,
            const guint8           *salt,
            gsize                   salt_len,
            guint8                 *dk,
            GError                **error)
{
  if (params->kdf == SR_KEYSTORE_KDF_PBKDF2)
    {
      pbkdf2_hmac_sha256 (strlen (password), (const guint8 *) password, params->pbkdf2_c,
                          salt_len, salt, DKLEN, dk);
      return TRUE;
    }

  if (crypto_pwhash_scryptsalsa208sha256_ll ((const guint8 *) password, strlen (password),
                                             salt, salt_len, params->scrypt_n,
                                             params->scrypt_r, params->scrypt_p,
                                             dk, DKLEN) != 0)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_KDF_TOO_EXPENSIVE,
                   _("Not enough memory to unlock this key file"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_params (const SrKeystoreParams *params,
              GError                **error)
{
  if (params->kdf == SR_KEYSTORE_KDF_PBKDF2)
    {
      if (params->pbkdf2_c == 0)
        return malformed (error, _("the PBKDF2 iteration count is zero"));
      if (params->pbkdf2_c > MAX_PBKDF2_C)
        return too_expensive (error);
      return TRUE;
    }

  if (params->scrypt_n < 2 || (params->scrypt_n & (params->scrypt_n - 1)) != 0 ||
      params->scrypt_r == 0 || params->scrypt_p == 0)
    return malformed (error, _("the scrypt parameters are not valid"));
  if (params->scrypt_n > MAX_SCRYPT_N || params->scrypt_r > MAX_SCRYPT_R ||
      params->scrypt_p > MAX_SCRYPT_P ||
      params->scrypt_n * params->scrypt_r * params->scrypt_p > MAX_SCRYPT_WORK)
    return too_expensive (error);
  return TRUE;
}

static void
compute_mac (const guint8 *dk,
             const guint8 *ciphertext,
             gsize         len,
             guint8        mac[32])
{
  SrKeccak256 ctx;

  sr_keccak256_init (&ctx);
  sr_keccak256_update (&ctx, dk + 16, 16);
  sr_keccak256_update (&ctx, ciphertext, len);
  sr_keccak256_digest (&ctx, mac);
}

static void
aes128_ctr (const guint8 *key,
            const guint8 *iv,
            const guint8 *src,
            gsize         len,
            guint8       *dst)
{
  struct aes128_ctx ctx;
  guint8 counter[IV_LEN];

  memcpy (counter, iv, IV_LEN);
  aes128_set_encrypt_key (&ctx, key);
  ctr_crypt (&ctx, (nettle_cipher_func *) aes128_encrypt, AES_BLOCK_SIZE, counter, len, dst, src);
  sodium_memzero (&ctx, sizeof ctx);
}

static gboolean
parse_kdf (JsonObject       *crypto,
           SrKeystoreParams *params,
           GBytes          **salt,
           GError          **error)
{
  const gchar *kdf = json_object_get_string_member_with_default (crypto, "kdf", NULL);
  JsonObject *kdfparams = NULL;
  JsonNode *node = json_object_get_member (crypto, "kdfparams");
  guint64 dklen, n, r, p, c;

  memset (params, 0, sizeof *params);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    kdfparams = json_node_get_object (node);
  if (kdf == NULL || kdfparams == NULL)
    return malformed (error, _("the key derivation is not described"));
  if (!uint_member (kdfparams, "dklen", &dklen, error))
    return FALSE;
  if (dklen != DKLEN)
    return malformed (error, _("the derived key length is not 32"));

  if (strcmp (kdf, "scrypt") == 0)
    {
      if (!uint_member (kdfparams, "n", &n, error) ||
          !uint_member (kdfparams, "r", &r, error) ||
          !uint_member (kdfparams, "p", &p, error))
        return FALSE;
      if (r > G_MAXUINT32 || p > G_MAXUINT32)
        return too_expensive (error);
      params->kdf = SR_KEYSTORE_KDF_SCRYPT;
      params->scrypt_n = n;
      params->scrypt_r = (guint32) r;
      params->scrypt_p = (guint32) p;
    }
  else if (strcmp (kdf, "pbkdf2") == 0)
    {
      const gchar *prf = json_object_get_string_member_with_default (kdfparams, "prf", NULL);

      if (g_strcmp0 (prf, "hmac-sha256") != 0)
        return malformed (error, _("only PBKDF2 with HMAC-SHA256 is supported"));
      if (!uint_member (kdfparams, "c", &c, error))
        return FALSE;
      if (c > MAX_PBKDF2_C)
        return too_expensive (error);
      params->kdf = SR_KEYSTORE_KDF_PBKDF2;
      params->pbkdf2_c = (guint32) c;
    }
  else
    return malformed (error, _("the key derivation function is not scrypt or pbkdf2"));

  if (!check_params (params, error))
    return FALSE;
  *salt = hex_member (kdfparams, "salt", 0, error);
  return *salt != NULL;
}

gboolean
sr_keystore_v3_decrypt (const gchar *json,
                        gssize       length,
                        const gchar *password,
                        guint8       private_key[SR_PRIVATE_KEY_LEN],
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) iv = NULL;
  g_autoptr(GBytes) ciphertext = NULL;
  g_autoptr(GBytes) mac = NULL;
  JsonNode *root, *node;
  JsonObject *object, *crypto, *cipherparams;
  SrKeystoreParams params;
  guint8 expected_mac[32];
  guint8 *dk;
  gboolean ok;

  g_return_val_if_fail (json != NULL && password != NULL, FALSE);

  if (!json_parser_load_from_data (parser, json, length, NULL))
    return malformed (error, _("it is not JSON"));
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return malformed (error, _("it is not a JSON object"));
  object = json_node_get_object (root);
  if (json_object_get_int_member_with_default (object, "version", 0) != 3)
    return malformed (error, _("only version 3 is supported"));

  /* Some writers spell it "Crypto". */
  node = json_object_get_member (object, "crypto");
  if (node == NULL)
    node = json_object_get_member (object, "Crypto");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return malformed (error, _("“crypto” is missing"));
  crypto = json_node_get_object (node);

  if (g_strcmp0 (json_object_get_string_member_with_default (crypto, "cipher", NULL), "aes-128-ctr") != 0)
    return malformed (error, _("only the aes-128-ctr cipher is supported"));
  node = json_object_get_member (crypto, "cipherparams");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return malformed (error, _("“cipherparams” is missing"));
  cipherparams = json_node_get_object (node);

  if (!parse_kdf (crypto, &params, &salt, error))
    return FALSE;
  iv = hex_member (cipherparams, "iv", IV_LEN, error);
  if (iv == NULL)
    return FALSE;
  ciphertext = hex_member (crypto, "ciphertext", SR_PRIVATE_KEY_LEN, error);
  if (ciphertext == NULL)
    return FALSE;
  mac = hex_member (crypto, "mac", 32, error);
  if (mac == NULL)
    return FALSE;

  _sr_crypto_ensure_sodium ();
  dk = sodium_malloc (DKLEN);
  g_assert (dk != NULL);
  ok = derive_key (password, &params, g_bytes_get_data (salt, NULL), g_bytes_get_size (salt), dk, error);
  if (ok)
    {
      compute_mac (dk, g_bytes_get_data (ciphertext, NULL), SR_PRIVATE_KEY_LEN, expected_mac);
      if (sodium_memcmp (expected_mac, g_bytes_get_data (mac, NULL), 32) != 0)
        {
          g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_WRONG_PASSWORD,
                       _("The password is wrong"));
          ok = FALSE;
        }
    }
  if (ok)
    aes128_ctr (dk, g_bytes_get_data (iv, NULL), g_bytes_get_data (ciphertext, NULL),
                SR_PRIVATE_KEY_LEN, private_key);
  sodium_free (dk);
  if (!ok)
    return FALSE;

  if (!sr_secp256k1_check_private_key (private_key, NULL))
    {
      sodium_memzero (private_key, SR_PRIVATE_KEY_LEN);
      return malformed (error, _("it does not hold a valid private key"));
    }

  /* The MAC does not cover the IV, so a damaged IV decrypts to another,
   * valid-looking key. The address, when the file has one, catches that. */
  if (json_object_has_member (object, "address"))
    {
      g_autoptr(GBytes) expected = hex_member (object, "address", SR_ADDRESS_LEN, error);
      guint8 address[SR_ADDRESS_LEN];

      if (expected == NULL ||
          !sr_secp256k1_private_key_address (private_key, address, NULL) ||
          memcmp (address, g_bytes_get_data (expected, NULL), SR_ADDRESS_LEN) != 0)
        {
          sodium_memzero (private_key, SR_PRIVATE_KEY_LEN);
          if (expected != NULL)
            malformed (error, _("the key inside does not match its address; the file is damaged"));
          return FALSE;
        }
    }
  return TRUE;
}

gchar *
sr_keystore_v3_encrypt (const guint8            private_key[SR_PRIVATE_KEY_LEN],
                        const gchar            *password,
                        const SrKeystoreParams *params,
                        GError                **error)
{
  SrKeystoreParams standard = SR_KEYSTORE_PARAMS_STANDARD;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree gchar *salt_hex = NULL, *iv_hex = NULL, *ct_hex = NULL, *mac_hex = NULL, *addr_hex = NULL;
  g_autofree gchar *uuid = NULL;
  guint8 salt[SALT_LEN], iv[IV_LEN], ciphertext[SR_PRIVATE_KEY_LEN], mac[32], address[SR_ADDRESS_LEN];
  guint8 *dk;
  gboolean ok;

  g_return_val_if_fail (password != NULL, NULL);

  if (params == NULL)
    params = &standard;
  if (!check_params (params, error) ||
      !sr_secp256k1_private_key_address (private_key, address, error))
    return NULL;

  _sr_crypto_ensure_sodium ();
  randombytes_buf (salt, sizeof salt);
  randombytes_buf (iv, sizeof iv);
  dk = sodium_malloc (DKLEN);
  g_assert (dk != NULL);
  ok = derive_key (password, params, salt, sizeof salt, dk, error);
  if (ok)
    {
      aes128_ctr (dk, iv, private_key, SR_PRIVATE_KEY_LEN, ciphertext);
      compute_mac (dk, ciphertext, sizeof ciphertext, mac);
    }
  sodium_free (dk);
  if (!ok)
    return NULL;

  salt_hex = sr_hex_encode_bare (salt, sizeof salt);
  iv_hex = sr_hex_encode_bare (iv, sizeof iv);
  ct_hex = sr_hex_encode_bare (ciphertext, sizeof ciphertext);
  mac_hex = sr_hex_encode_bare (mac, sizeof mac);
  addr_hex = sr_hex_encode_bare (address, sizeof address);
  uuid = g_uuid_string_random ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, addr_hex);
  json_builder_set_member_name (builder, "crypto");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cipher");
  json_builder_add_string_value (builder, "aes-128-ctr");
  json_builder_set_member_name (builder, "cipherparams");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "iv");
  json_builder_add_string_value (builder, iv_hex);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "ciphertext");
  json_builder_add_string_value (builder, ct_hex);
  json_builder_set_member_name (builder, "kdf");
  json_builder_add_string_value (builder, params->kdf == SR_KEYSTORE_KDF_SCRYPT ? "scrypt" : "pbkdf2");
  json_builder_set_member_name (builder, "kdfparams");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dklen");
  json_builder_add_int_value (builder, DKLEN);
  if (params->kdf == SR_KEYSTORE_KDF_SCRYPT)
    {
      json_builder_set_member_name (builder, "n");
      json_builder_add_int_value (builder, (gint64) params->scrypt_n);
      json_builder_set_member_name (builder, "r");
      json_builder_add_int_value (builder, params->scrypt_r);
      json_builder_set_member_name (builder, "p");
      json_builder_add_int_value (builder, params->scrypt_p);
    }
  else
    {
      json_builder_set_member_name (builder, "c");
      json_builder_add_int_value (builder, params->pbkdf2_c);
      json_builder_set_member_name (builder, "prf");
      json_builder_add_string_value (builder, "hmac-sha256");
    }
  json_builder_set_member_name (builder, "salt");
  json_builder_add_string_value (builder, salt_hex);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "mac");
  json_builder_add_string_value (builder, mac_hex);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, uuid);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 3);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

typedef struct {
  gchar *json;
  gchar *password;
  guint8 *private_key;       /* sodium_malloc'ed, encryption only */
  SrKeystoreParams params;
  gboolean has_params;
} KdfData;

static void
kdf_data_free (KdfData *data)
{
  g_free (data->json);
  if (data->password != NULL)
    {
      sodium_memzero (data->password, strlen (data->password));
      g_free (data->password);
    }
  if (data->private_key != NULL)
    sodium_free (data->private_key);
  g_free (data);
}

static KdfData *
kdf_data_new (const gchar *password)
{
  KdfData *data = g_new0 (KdfData, 1);

  _sr_crypto_ensure_sodium ();
  data->password = g_strdup (password);
  return data;
}

static void
free_secret (gpointer secret)
{
  sodium_free (secret);
}

static void
decrypt_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KdfData *data = task_data;
  GError *error = NULL;
  guint8 *key = sodium_malloc (SR_PRIVATE_KEY_LEN);

  g_assert (key != NULL);
  if (!sr_keystore_v3_decrypt (data->json, -1, data->password, key, &error))
    {
      sodium_free (key);
      g_task_return_error (task, error);
      return;
    }
  /* The key stays in guarded, zeroed-on-free memory. */
  g_task_return_pointer (task, g_bytes_new_with_free_func (key, SR_PRIVATE_KEY_LEN, free_secret, key),
                         (GDestroyNotify) g_bytes_unref);
}

/* The KDF cannot be interrupted; a cancelled call returns at once and the
 * thread finishes in the background, its result dropped. */
void
sr_keystore_v3_decrypt_async (const gchar         *json,
                              const gchar         *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  KdfData *data = kdf_data_new (password);

  g_task_set_source_tag (task, sr_keystore_v3_decrypt_async);
  data->json = g_strdup (json);
  g_task_set_task_data (task, data, (GDestroyNotify) kdf_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, decrypt_thread);
}

GBytes *
sr_keystore_v3_decrypt_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_keystore_v3_decrypt_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
encrypt_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KdfData *data = task_data;
  GError *error = NULL;
  gchar *json = sr_keystore_v3_encrypt (data->private_key, data->password,
                                        data->has_params ? &data->params : NULL, &error);

  if (json == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, json, g_free);
}

void
sr_keystore_v3_encrypt_async (const guint8            private_key[SR_PRIVATE_KEY_LEN],
                              const gchar            *password,
                              const SrKeystoreParams *params,
                              GCancellable           *cancellable,
                              GAsyncReadyCallback     callback,
                              gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  KdfData *data = kdf_data_new (password);

  g_task_set_source_tag (task, sr_keystore_v3_encrypt_async);
  data->private_key = sodium_malloc (SR_PRIVATE_KEY_LEN);
  g_assert (data->private_key != NULL);
  memcpy (data->private_key, private_key, SR_PRIVATE_KEY_LEN);
  if (params != NULL)
    {
      data->params = *params;
      data->has_params = TRUE;
    }
  g_task_set_task_data (task, data, (GDestroyNotify) kdf_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, encrypt_thread);
}

gchar *
sr_keystore_v3_encrypt_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_keystore_v3_encrypt_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* sr-signer-keystore.c: reading and writing Seedreel's native key files.
 *
 * Key stretching is Argon2id at libsodium's MODERATE limits (256 MiB,
 * 3 passes). SEEDREEL_SIGNER_TEST_KDF=1 lowers this to the INTERACTIVE limits
 * (64 MiB, 2 passes) so the test suite stays fast: it is for tests ONLY and
 * files written that way are weaker against password guessing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "crypto/sr-hex.h"
#include "sr-signer-keystore.h"
#include "sr-signer-service-error.h"

#define FORMAT_NAME "seedreel-keystore"
#define FORMAT_VERSION 1
#define KDF_NAME "argon2id13"
#define CIPHER_NAME "xchacha20poly1305-ietf"
#define SALT_LEN crypto_pwhash_SALTBYTES
#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEALED_LEN (SR_PRIVATE_KEY_LEN + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define CHECKSUM_LEN 32
/* A key file is a few hundred bytes; anything far larger is not ours. */
#define MAX_FILE_SIZE (64 * 1024)
/* Caps on what a file may ask for, so a planted file cannot exhaust memory. */
#define MAX_OPSLIMIT 16
#define MAX_MEMLIMIT (G_GUINT64_CONSTANT (1) << 30)

typedef struct {
  guint8 address[SR_ADDRESS_LEN];
  gchar *label;
  guint64 opslimit;
  guint64 memlimit;
  guint8 salt[SALT_LEN];
  guint8 nonce[NONCE_LEN];
  guint8 sealed[SEALED_LEN];
} KeyFile;

static void
key_file_clear (KeyFile *file)
{
  g_clear_pointer (&file->label, g_free);
}

void
sr_signer_keystore_info_free (SrSignerKeystoreInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->label);
  g_free (info);
}

gchar *
sr_signer_keystore_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "seedreel", "keys", NULL);
}

gchar *
sr_signer_keystore_path (const gchar  *dir,
                         const guint8  address[SR_ADDRESS_LEN])
{
  g_autofree gchar *text = sr_address_to_checksum (address);
  g_autofree gchar *name = g_strconcat (text, ".json", NULL);

  return g_build_filename (dir, name, NULL);
}

static void
kdf_limits (guint64 *opslimit,
            guint64 *memlimit)
{
  if (g_strcmp0 (g_getenv ("SEEDREEL_SIGNER_TEST_KDF"), "1") == 0)
    {
      *opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
      *memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    }
  else
    {
      *opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
      *memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
    }
}

static void
compute_checksum (const KeyFile *file,
                  guint8         checksum[CHECKSUM_LEN])
{
  crypto_generichash_state state;
  guint8 numbers[16];

  for (guint i = 0; i < 8; i++)
    {
      numbers[i] = (guint8) (file->opslimit >> (56 - 8 * i));
      numbers[8 + i] = (guint8) (file->memlimit >> (56 - 8 * i));
    }
  crypto_generichash_init (&state, NULL, 0, CHECKSUM_LEN);
  crypto_generichash_update (&state, (const guint8 *) FORMAT_NAME, sizeof FORMAT_NAME);
  crypto_generichash_update (&state, file->address, SR_ADDRESS_LEN);
  crypto_generichash_update (&state, (const guint8 *) file->label, strlen (file->label) + 1);
  crypto_generichash_update (&state, numbers, sizeof numbers);
  crypto_generichash_update (&state, file->salt, SALT_LEN);
  crypto_generichash_update (&state, file->nonce, NONCE_LEN);
  crypto_generichash_update (&state, file->sealed, SEALED_LEN);
  crypto_generichash_final (&state, checksum, CHECKSUM_LEN);
}

/* The stretched key lives in guarded memory and is wiped by sodium_free. */
static guint8 *
derive_key (const gchar   *password,
            const KeyFile *file,
            GError       **error)
{
  guint8 *key = sodium_malloc (crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

  if (key == NULL ||
      crypto_pwhash (key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
                     password, strlen (password), file->salt,
                     file->opslimit, (size_t) file->memlimit,
                     crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      if (key != NULL)
        sodium_free (key);
      g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_FAILED,
                   _("Not enough memory to protect the key with the password"));
      return NULL;
    }
  return key;
}

static gchar *
serialize (const KeyFile *file)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree gchar *address = sr_address_to_checksum (file->address);
  g_autofree gchar *salt = sr_hex_encode_bare (file->salt, SALT_LEN);
  g_autofree gchar *nonce = sr_hex_encode_bare (file->nonce, NONCE_LEN);
  g_autofree gchar *sealed = sr_hex_encode_bare (file->sealed, SEALED_LEN);
  g_autofree gchar *checksum_hex = NULL;
  guint8 checksum[CHECKSUM_LEN];

  compute_checksum (file, checksum);
  checksum_hex = sr_hex_encode_bare (checksum, CHECKSUM_LEN);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, FORMAT_NAME);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FORMAT_VERSION);
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, address);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, file->label);
  json_builder_set_member_name (builder, "kdf");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, KDF_NAME);
  json_builder_set_member_name (builder, "opslimit");
  json_builder_add_int_value (builder, (gint64) file->opslimit);
  json_builder_set_member_name (builder, "memlimit");
  json_builder_add_int_value (builder, (gint64) file->memlimit);
  json_builder_set_member_name (builder, "salt");
  json_builder_add_string_value (builder, salt);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "cipher");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, CIPHER_NAME);
  json_builder_set_member_name (builder, "nonce");
  json_builder_add_string_value (builder, nonce);
  json_builder_set_member_name (builder, "ciphertext");
  json_builder_add_string_value (builder, sealed);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "checksum");
  json_builder_add_string_value (builder, checksum_hex);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static gboolean
damaged (GError     **error,
         const gchar *path,
         const gchar *why)
{
  g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_DAMAGED_KEYSTORE,
               _("The key file “%s” is damaged (%s): restore it from a backup or import the key again"),
               path, why);
  return FALSE;
}

static gboolean
member_hex (JsonObject  *object,
            const gchar *name,
            guint8      *out,
            gsize        len)
{
  const gchar *text;
  g_autoptr(GBytes) bytes = NULL;

  if (object == NULL || !json_object_has_member (object, name))
    return FALSE;
  text = json_object_get_string_member_with_default (object, name, NULL);
  if (text == NULL)
    return FALSE;
  bytes = sr_hex_decode_bare (text, NULL);
  if (bytes == NULL || g_bytes_get_size (bytes) != len)
    return FALSE;
  memcpy (out, g_bytes_get_data (bytes, NULL), len);
  return TRUE;
}

static gboolean
parse (const gchar *path,
       KeyFile     *file,
       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree gchar *contents = NULL;
  gsize length = 0;
  JsonNode *root;
  JsonObject *object, *kdf, *cipher;
  const gchar *address, *label;
  gint64 ops, mem;
  guint8 checksum[CHECKSUM_LEN], expected[CHECKSUM_LEN];

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_NO_SUCH_ACCOUNT,
                   _("Cannot read the key file “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  if (length > MAX_FILE_SIZE)
    return damaged (error, path, _("it is far too large"));
  if (!json_parser_load_from_data (parser, contents, (gssize) length, NULL))
    return damaged (error, path, _("it is not valid JSON"));

  root = json_parser_get_root (parser);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (object, "format", NULL), FORMAT_NAME) != 0 ||
      json_object_get_int_member_with_default (object, "version", 0) != FORMAT_VERSION)
    return damaged (error, path, _("it is not a Seedreel key file"));

  address = json_object_get_string_member_with_default (object, "address", NULL);
  label = json_object_get_string_member_with_default (object, "label", NULL);
  if (address == NULL || label == NULL ||
      !sr_address_parse (address, file->address, NULL))
    return damaged (error, path, _("its address is unreadable"));

  kdf = json_object_get_object_member (object, "kdf");
  cipher = json_object_get_object_member (object, "cipher");
  if (kdf == NULL || cipher == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (kdf, "name", NULL), KDF_NAME) != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (cipher, "name", NULL), CIPHER_NAME) != 0)
    return damaged (error, path, _("unknown key protection"));

  ops = json_object_get_int_member_with_default (kdf, "opslimit", 0);
  mem = json_object_get_int_member_with_default (kdf, "memlimit", 0);
  if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > MAX_OPSLIMIT ||
      mem < crypto_pwhash_MEMLIMIT_MIN || (guint64) mem > MAX_MEMLIMIT)
    return damaged (error, path, _("its password stretching parameters are out of range"));

  if (!member_hex (kdf, "salt", file->salt, SALT_LEN) ||
      !member_hex (cipher, "nonce", file->nonce, NONCE_LEN) ||
      !member_hex (cipher, "ciphertext", file->sealed, SEALED_LEN) ||
      !member_hex (object, "checksum", checksum, CHECKSUM_LEN))
    return damaged (error, path, _("a field is missing or malformed"));

  file->opslimit = (guint64) ops;
  file->memlimit = (guint64) mem;
  file->label = g_strdup (label);

  compute_checksum (file, expected);
  if (sodium_memcmp (checksum, expected, CHECKSUM_LEN) != 0)
    return damaged (error, path, _("its checksum does not match"));
  return TRUE;
}

static gboolean
open_sealed (const KeyFile *file,
             const gchar   *path,
             const gchar   *password,
             guint8         private_key[SR_PRIVATE_KEY_LEN],
             GError       **error)
{
  unsigned long long out_len = 0;
  guint8 *key = derive_key (password, file, error);
  guint8 address[SR_ADDRESS_LEN];
  int rc;

  if (key == NULL)
    return FALSE;
  rc = crypto_aead_xchacha20poly1305_ietf_decrypt (private_key, &out_len, NULL,
                                                   file->sealed, SEALED_LEN,
                                                   file->address, SR_ADDRESS_LEN,
                                                   file->nonce, key);
  sodium_free (key);
  if (rc != 0 || out_len != SR_PRIVATE_KEY_LEN)
    {
      sodium_memzero (private_key, SR_PRIVATE_KEY_LEN);
      g_set_error_literal (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_WRONG_PASSWORD,
                           _("The password is wrong"));
      return FALSE;
    }
  if (!sr_secp256k1_private_key_address (private_key, address, NULL) ||
      sodium_memcmp (address, file->address, SR_ADDRESS_LEN) != 0)
    {
      sodium_memzero (private_key, SR_PRIVATE_KEY_LEN);
      return damaged (error, path, _("the key does not belong to its address"));
    }
  return TRUE;
}

gboolean
sr_signer_keystore_decrypt (const gchar  *path,
                            const gchar  *password,
                            guint8        private_key[SR_PRIVATE_KEY_LEN],
                            GError      **error)
{
  KeyFile file = { 0 };
  gboolean ok;

  ok = parse (path, &file, error) &&
       open_sealed (&file, path, password, private_key, error);
  key_file_clear (&file);
  return ok;
}

SrSignerKeystoreInfo *
sr_signer_keystore_read_info (const gchar  *path,
                              GError      **error)
{
  KeyFile file = { 0 };
  SrSignerKeystoreInfo *info;

  if (!parse (path, &file, error))
    {
      key_file_clear (&file);
      return NULL;
    }
  info = g_new0 (SrSignerKeystoreInfo, 1);
  memcpy (info->address, file.address, SR_ADDRESS_LEN);
  info->label = g_steal_pointer (&file.label);
  return info;
}

static gboolean
write_all (int           fd,
           const gchar  *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static gboolean
sync_dir (const gchar *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

static gboolean
io_failed (GError     **error,
           const gchar *path,
           int          saved_errno)
{
  g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_FAILED,
               _("Cannot save the key file “%s”: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

gboolean
sr_signer_keystore_write (const gchar  *dir,
                          const guint8  private_key[SR_PRIVATE_KEY_LEN],
                          const gchar  *label,
                          const gchar  *password,
                          guint8        address[SR_ADDRESS_LEN],
                          GError      **error)
{
  KeyFile file = { 0 };
  g_autofree gchar *path = NULL;
  g_autofree gchar *tmp_path = NULL;
  g_autofree gchar *json = NULL;
  guint8 *key = NULL;
  guint8 *check = NULL;
  KeyFile written = { 0 };
  gboolean ok = FALSE;
  int fd = -1;

  if (!sr_secp256k1_private_key_address (private_key, file.address, error))
    return FALSE;
  memcpy (address, file.address, SR_ADDRESS_LEN);
  path = sr_signer_keystore_path (dir, file.address);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree gchar *text = sr_address_to_checksum (file.address);

      g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_ACCOUNT_EXISTS,
                   _("The account %s is already in this wallet"), text);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return io_failed (error, dir, errno);

  file.label = g_strdup (label);
  kdf_limits (&file.opslimit, &file.memlimit);
  randombytes_buf (file.salt, SALT_LEN);
  randombytes_buf (file.nonce, NONCE_LEN);
  key = derive_key (password, &file, error);
  if (key == NULL)
    goto out;
  crypto_aead_xchacha20poly1305_ietf_encrypt (file.sealed, NULL, private_key, SR_PRIVATE_KEY_LEN,
                                              file.address, SR_ADDRESS_LEN, NULL,
                                              file.nonce, key);
  json = serialize (&file);

  tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      io_failed (error, path, errno);
      goto out;
    }
  if (!write_all (fd, json, strlen (json)) || fsync (fd) != 0)
    {
      io_failed (error, tmp_path, errno);
      goto out;
    }
  close (fd);
  fd = -1;

  /* Prove the bytes on disk open with this password before they replace anything. */
  check = sodium_malloc (SR_PRIVATE_KEY_LEN);
  if (check == NULL ||
      !parse (tmp_path, &written, error) ||
      !open_sealed (&written, tmp_path, password, check, error) ||
      sodium_memcmp (check, private_key, SR_PRIVATE_KEY_LEN) != 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_FAILED,
                     _("The key file “%s” did not read back correctly; nothing was saved"), path);
      goto out;
    }
  if (g_rename (tmp_path, path) != 0)
    {
      io_failed (error, path, errno);
      goto out;
    }
  g_clear_pointer (&tmp_path, g_free);
  if (!sync_dir (dir))
    {
      io_failed (error, dir, errno);
      goto out;
    }
  ok = TRUE;

out:
  if (fd >= 0)
    close (fd);
  if (tmp_path != NULL)
    g_unlink (tmp_path);
  if (key != NULL)
    sodium_free (key);
  if (check != NULL)
    sodium_free (check);
  key_file_clear (&file);
  key_file_clear (&written);
  return ok;
}

static gint
compare_info (gconstpointer a,
              gconstpointer b)
{
  const SrSignerKeystoreInfo *ia = *(SrSignerKeystoreInfo * const *) a;
  const SrSignerKeystoreInfo *ib = *(SrSignerKeystoreInfo * const *) b;

  return memcmp (ia->address, ib->address, SR_ADDRESS_LEN);
}

/* A damaged file is still listed, named after its file and without a label,
 * so the account does not silently vanish; unlocking it explains what is wrong. */
GPtrArray *
sr_signer_keystore_list (const gchar *dir)
{
  GPtrArray *accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_signer_keystore_info_free);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const gchar *name;

  if (handle == NULL)
    return accounts;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree gchar *path = NULL;
      SrSignerKeystoreInfo *info;

      if (!g_str_has_prefix (name, "0x") || !g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (dir, name, NULL);
      info = sr_signer_keystore_read_info (path, NULL);
      if (info == NULL)
        {
          g_autofree gchar *address = g_strndup (name, strlen (name) - strlen (".json"));
          guint8 raw[SR_ADDRESS_LEN];

          if (!sr_address_parse (address, raw, NULL))
            continue;
          info = g_new0 (SrSignerKeystoreInfo, 1);
          memcpy (info->address, raw, SR_ADDRESS_LEN);
          info->label = g_strdup ("");
        }
      g_ptr_array_add (accounts, info);
    }
  g_ptr_array_sort (accounts, compare_info);
  return accounts;
}

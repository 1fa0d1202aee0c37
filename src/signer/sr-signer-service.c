/* sr-signer-service.c: what seedreel-signer does for its one peer.
 *
 * Decrypted keys exist only here, each in its own sodium_malloc() page set
 * (guarded, locked in RAM, wiped on free) that stays PROT_NONE except for the
 * instant a signature is computed. Spending requires a token from
 * PrepareTransaction/PrepareTypedData, bound to the exact signing hash and
 * usable once, so a compromised caller cannot sign what the user never saw.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "crypto/sr-address.h"
#include "crypto/sr-bip32.h"
#include "crypto/sr-bip39.h"
#include "crypto/sr-crypto-error.h"
#include "crypto/sr-eip712.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-key-wrap.h"
#include "crypto/sr-keystore-v3.h"
#include "crypto/sr-rlp.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-tx.h"
#include "sr-signer-dbus.h"
#include "sr-signer-keystore.h"
#include "sr-signer-service-error.h"
#include "sr-signer-service.h"

#define OBJECT_PATH "/org/seedreel/Signer1"
#define DEFAULT_IDLE_TIMEOUT_S (15 * 60)
#define TOKEN_LIFETIME_US (10 * G_USEC_PER_SEC * 60)
#define MAX_LABEL_LEN 200
#define MAX_SECRET_LEN 1024

static const GDBusErrorEntry service_error_entries[] = {
  { SR_SIGNER_SERVICE_ERROR_FAILED, "org.seedreel.Signer1.Error.Failed" },
  { SR_SIGNER_SERVICE_ERROR_WRONG_PASSWORD, "org.seedreel.Signer1.Error.WrongPassword" },
  { SR_SIGNER_SERVICE_ERROR_LOCKED, "org.seedreel.Signer1.Error.Locked" },
  { SR_SIGNER_SERVICE_ERROR_NO_SUCH_ACCOUNT, "org.seedreel.Signer1.Error.NoSuchAccount" },
  { SR_SIGNER_SERVICE_ERROR_ACCOUNT_EXISTS, "org.seedreel.Signer1.Error.AccountExists" },
  { SR_SIGNER_SERVICE_ERROR_DAMAGED_KEYSTORE, "org.seedreel.Signer1.Error.DamagedKeystore" },
  { SR_SIGNER_SERVICE_ERROR_CONFIRMATION_REQUIRED, "org.seedreel.Signer1.Error.ConfirmationRequired" },
  { SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT, "org.seedreel.Signer1.Error.InvalidArgument" },
};

GQuark
sr_signer_service_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("sr-signer-service-error-quark", &quark,
                                      service_error_entries,
                                      G_N_ELEMENTS (service_error_entries));
  return (GQuark) quark;
}

typedef struct {
  SrSignerService *service;  /* borrowed: the service owns this entry */
  gchar *address;            /* checksummed */
  guint8 *key;               /* sodium_malloc, PROT_NONE while idle */
  guint idle_ms;
  guint timer_id;
} Unlocked;

typedef struct {
  guint8 address[SR_ADDRESS_LEN];
  guint8 hash[32];
  gint64 expires;
} Pending;

struct _SrSignerService
{
  GObject parent_instance;

  gchar *keys_dir;
  SrDBusSigner1 *skeleton;
  GHashTable *unlocked;  /* checksummed address → Unlocked */
  GHashTable *pending;   /* token → Pending */
  GMutex kdf_mutex;      /* one password job at a time */
};

G_DEFINE_FINAL_TYPE (SrSignerService, sr_signer_service, G_TYPE_OBJECT)

/* Secure key buffers */

static guint8 *
secure_new (gsize len)
{
  guint8 *buf = sodium_malloc (len);

  if (buf == NULL)
    g_error ("Out of locked memory for a key");
  return buf;
}

static void
unlocked_free (Unlocked *u)
{
  g_clear_handle_id (&u->timer_id, g_source_remove);
  if (u->key != NULL)
    sodium_free (u->key);  /* wipes, then unmaps */
  g_free (u->address);
  g_free (u);
}

static void
return_error (GDBusMethodInvocation *invocation,
              GError                *error)
{
  if (error->domain == SR_CRYPTO_ERROR)
    {
      gint code = error->code == SR_CRYPTO_ERROR_WRONG_PASSWORD
                  ? SR_SIGNER_SERVICE_ERROR_WRONG_PASSWORD
                  : SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT;

      g_dbus_method_invocation_return_error_literal (invocation, SR_SIGNER_SERVICE_ERROR,
                                                     code, error->message);
    }
  else if (error->domain == SR_SIGNER_SERVICE_ERROR)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_error_literal (invocation, SR_SIGNER_SERVICE_ERROR,
                                                   SR_SIGNER_SERVICE_ERROR_FAILED, error->message);
}

static void
return_error_literal (GDBusMethodInvocation *invocation,
                      SrSignerServiceError   code,
                      const gchar           *message)
{
  g_dbus_method_invocation_return_error_literal (invocation, SR_SIGNER_SERVICE_ERROR, code, message);
}

/* Accounts */

static gboolean
canonical_address (const gchar  *text,
                   guint8        address[SR_ADDRESS_LEN],
                   gchar       **checksummed,
                   GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!sr_address_parse (text, address, &local_error))
    {
      g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an account address: %s"), text, local_error->message);
      return FALSE;
    }
  if (checksummed != NULL)
    *checksummed = sr_address_to_checksum (address);
  return TRUE;
}

static gchar *
account_path (const gchar      *keys_dir,
              const gchar      *text,
              GError          **error)
{
  guint8 address[SR_ADDRESS_LEN];
  g_autofree gchar *path = NULL;

  if (!canonical_address (text, address, NULL, error))
    return NULL;
  path = sr_signer_keystore_path (keys_dir, address);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree gchar *checksummed = sr_address_to_checksum (address);

      g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_NO_SUCH_ACCOUNT,
                   _("The account %s is not in this wallet"), checksummed);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static gboolean
check_new_account_args (const gchar  *label,
                        const gchar  *password,
                        GError      **error)
{
  if (g_utf8_strlen (label, -1) > MAX_LABEL_LEN)
    {
      g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT,
                   _("The account name is too long (at most %d characters)"), MAX_LABEL_LEN);
      return FALSE;
    }
  if (password[0] == '\0')
    {
      g_set_error_literal (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("Choose a password to protect the key"));
      return FALSE;
    }
  return TRUE;
}

/* Seals @key (wiped and freed here) into a new key file. */
static gchar *
store_key (const gchar      *keys_dir,
           guint8           *key,
           const gchar      *label,
           const gchar      *password,
           GError          **error)
{
  guint8 address[SR_ADDRESS_LEN];
  gboolean ok;

  ok = check_new_account_args (label, password, error) &&
       sr_signer_keystore_write (keys_dir, key, label, password, address, error);
  sodium_free (key);
  return ok ? sr_address_to_checksum (address) : NULL;
}

static guint8 *
key_from_mnemonic (const gchar  *phrase,
                   guint32       index,
                   GError      **error)
{
  g_autofree gchar *path = NULL;
  guint8 *seed = secure_new (SR_BIP39_SEED_LEN);
  SrBip32Key *master = (SrBip32Key *) secure_new (sizeof (SrBip32Key));
  SrBip32Key *child = (SrBip32Key *) secure_new (sizeof (SrBip32Key));
  guint8 *key = NULL;
  guint8 entropy[SR_BIP39_MAX_ENTROPY_LEN];
  gsize entropy_len = 0;

  if (index >= SR_BIP32_HARDENED)
    {
      g_set_error_literal (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("The account number is out of range"));
      goto out;
    }
  if (!sr_bip39_mnemonic_to_entropy (phrase, entropy, &entropy_len, error))
    goto out;
  sodium_memzero (entropy, sizeof entropy);
  sr_bip39_mnemonic_to_seed (phrase, "", seed);
  path = g_strdup_printf ("m/44'/60'/0'/0/%u", index);
  if (!sr_bip32_master_from_seed (seed, SR_BIP39_SEED_LEN, master, error) ||
      !sr_bip32_derive_path (master, path, child, error))
    goto out;
  key = secure_new (SR_PRIVATE_KEY_LEN);
  memcpy (key, child->private_key, SR_PRIVATE_KEY_LEN);

out:
  sodium_free (seed);
  sodium_free (master);
  sodium_free (child);
  return key;
}

static gboolean
handle_list_accounts (SrDBusSigner1         *skeleton,
                      GDBusMethodInvocation *invocation,
                      SrSignerService       *self)
{
  g_autoptr(GPtrArray) accounts = sr_signer_keystore_list (self->keys_dir);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < accounts->len; i++)
    {
      SrSignerKeystoreInfo *info = g_ptr_array_index (accounts, i);
      g_autofree gchar *address = sr_address_to_checksum (info->address);

      g_variant_builder_add (&builder, "(ss)", address, info->label);
    }
  sr_dbus_signer1_complete_list_accounts (skeleton, invocation, g_variant_builder_end (&builder));
  return TRUE;
}

static guint8 *
decrypt_account (const gchar      *keys_dir,
                 const gchar      *address,
                 const gchar      *password,
                 GError          **error)
{
  g_autofree gchar *path = account_path (keys_dir, address, error);
  guint8 *key;

  if (path == NULL)
    return NULL;
  key = secure_new (SR_PRIVATE_KEY_LEN);
  if (!sr_signer_keystore_decrypt (path, password, key, error))
    {
      sodium_free (key);
      return NULL;
    }
  return key;
}

/* Password work: Argon2id at 256 MiB, scrypt, PBKDF2. It runs on a worker
 * thread so the agent keeps answering (receipts are signed during playback),
 * one job at a time so a burst of requests cannot multiply the memory. */

typedef enum {
  JOB_CREATE,
  JOB_IMPORT_PRIVATE_KEY,
  JOB_IMPORT_MNEMONIC,
  JOB_IMPORT_KEYSTORE_V3,
  JOB_EXPORT_KEYSTORE_V3,
  JOB_UNLOCK,
} JobKind;

typedef struct {
  JobKind kind;
  GDBusMethodInvocation *invocation;
  gchar *keys_dir;
  gchar *secret;     /* hex key, phrase or v3 JSON, per kind */
  gchar *v3_password;
  gchar *address;    /* in, or out for creation and imports */
  gchar *label;
  gchar *password;
  guint index;
  guint timeout_s;
  gchar *mnemonic;   /* out, JOB_CREATE */
  gchar *json;       /* out, JOB_EXPORT_KEYSTORE_V3 */
  guint8 *key;       /* out, JOB_UNLOCK: sodium_malloc */
} Job;

static void
wipe_string (gchar *text)
{
  if (text == NULL)
    return;
  sodium_memzero (text, strlen (text));
  g_free (text);
}

static void
job_free (Job *job)
{
  g_clear_object (&job->invocation);
  g_free (job->keys_dir);
  wipe_string (job->secret);
  wipe_string (job->v3_password);
  g_free (job->address);
  g_free (job->label);
  wipe_string (job->password);
  wipe_string (job->mnemonic);
  g_free (job->json);
  if (job->key != NULL)
    sodium_free (job->key);
  g_free (job);
}

static gboolean
job_import_private_key (Job     *job,
                        GError **error)
{
  guint8 *key = secure_new (SR_PRIVATE_KEY_LEN);
  const gchar *hex = job->secret;
  size_t len = 0;
  const char *end = NULL;

  if (g_str_has_prefix (hex, "0x") || g_str_has_prefix (hex, "0X"))
    hex += 2;
  if (sodium_hex2bin (key, SR_PRIVATE_KEY_LEN, hex, strlen (hex), NULL, &len, &end) != 0 ||
      len != SR_PRIVATE_KEY_LEN || *end != '\0' ||
      !sr_secp256k1_check_private_key (key, NULL))
    {
      sodium_free (key);
      g_set_error_literal (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT,
                           _("This is not a private key: expected 64 hexadecimal digits"));
      return FALSE;
    }
  job->address = store_key (job->keys_dir, key, job->label, job->password, error);
  return job->address != NULL;
}

static gboolean
job_create (Job     *job,
            GError **error)
{
  guint8 *key;

  if (!check_new_account_args (job->label, job->password, error) ||
      (job->mnemonic = sr_bip39_generate_mnemonic (12, error)) == NULL ||
      (key = key_from_mnemonic (job->mnemonic, 0, error)) == NULL)
    return FALSE;
  job->address = store_key (job->keys_dir, key, job->label, job->password, error);
  return job->address != NULL;
}

static gboolean
job_import_mnemonic (Job     *job,
                     GError **error)
{
  gchar *normalized = sr_bip39_normalize (job->secret, error);
  guint8 *key;

  if (normalized == NULL)
    return FALSE;
  key = key_from_mnemonic (normalized, job->index, error);
  wipe_string (normalized);
  if (key == NULL)
    return FALSE;
  job->address = store_key (job->keys_dir, key, job->label, job->password, error);
  return job->address != NULL;
}

static gboolean
job_import_keystore_v3 (Job     *job,
                        GError **error)
{
  guint8 *key = secure_new (SR_PRIVATE_KEY_LEN);

  /* The crypto layer caps scrypt/PBKDF2 costs before running them. */
  if (!check_new_account_args (job->label, job->password, error) ||
      !sr_keystore_v3_decrypt (job->secret, -1, job->v3_password, key, error))
    {
      sodium_free (key);
      return FALSE;
    }
  job->address = store_key (job->keys_dir, key, job->label, job->password, error);
  return job->address != NULL;
}

static gboolean
job_export_keystore_v3 (Job     *job,
                        GError **error)
{
  /* Tests only (see sr-signer-keystore.c): a light scrypt keeps them fast. */
  static const SrKeystoreParams test_params = { SR_KEYSTORE_KDF_SCRYPT, 4096, 8, 1, 0 };
  const SrKeystoreParams standard = SR_KEYSTORE_PARAMS_STANDARD;
  gboolean testing = g_strcmp0 (g_getenv ("SEEDREEL_SIGNER_TEST_KDF"), "1") == 0;
  guint8 *key = decrypt_account (job->keys_dir, job->address, job->password, error);

  if (key == NULL)
    return FALSE;
  job->json = sr_keystore_v3_encrypt (key, job->password, testing ? &test_params : &standard, error);
  sodium_free (key);
  return job->json != NULL;
}

static gboolean
job_unlock (Job     *job,
            GError **error)
{
  job->key = decrypt_account (job->keys_dir, job->address, job->password, error);
  if (job->key == NULL)
    return FALSE;
  sodium_mprotect_noaccess (job->key);
  return TRUE;
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  SrSignerService *self = source_object;
  Job *job = task_data;
  GError *error = NULL;
  gboolean ok = FALSE;

  g_mutex_lock (&self->kdf_mutex);
  switch (job->kind)
    {
    case JOB_CREATE:
      ok = job_create (job, &error);
      break;
    case JOB_IMPORT_PRIVATE_KEY:
      ok = job_import_private_key (job, &error);
      break;
    case JOB_IMPORT_MNEMONIC:
      ok = job_import_mnemonic (job, &error);
      break;
    case JOB_IMPORT_KEYSTORE_V3:
      ok = job_import_keystore_v3 (job, &error);
      break;
    case JOB_EXPORT_KEYSTORE_V3:
      ok = job_export_keystore_v3 (job, &error);
      break;
    case JOB_UNLOCK:
      ok = job_unlock (job, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  g_mutex_unlock (&self->kdf_mutex);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void finish_unlock (SrSignerService *self,
                           Job             *job);

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  SrSignerService *self = SR_SIGNER_SERVICE (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      return_error (job->invocation, error);
      return;
    }
  switch (job->kind)
    {
    case JOB_CREATE:
      sr_dbus_signer1_complete_create_account (self->skeleton, job->invocation, job->address, job->mnemonic);
      break;
    case JOB_IMPORT_PRIVATE_KEY:
      sr_dbus_signer1_complete_import_private_key (self->skeleton, job->invocation, job->address);
      break;
    case JOB_IMPORT_MNEMONIC:
      sr_dbus_signer1_complete_import_mnemonic (self->skeleton, job->invocation, job->address);
      break;
    case JOB_IMPORT_KEYSTORE_V3:
      sr_dbus_signer1_complete_import_keystore_v3 (self->skeleton, job->invocation, job->address);
      break;
    case JOB_EXPORT_KEYSTORE_V3:
      sr_dbus_signer1_complete_export_keystore_v3 (self->skeleton, job->invocation, job->json);
      break;
    case JOB_UNLOCK:
      finish_unlock (self, job);
      sr_dbus_signer1_complete_unlock (self->skeleton, job->invocation);
      break;
    default:
      g_assert_not_reached ();
    }
}

static Job *
job_new (SrSignerService       *self,
         JobKind                kind,
         GDBusMethodInvocation *invocation)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->invocation = g_object_ref (invocation);
  job->keys_dir = g_strdup (self->keys_dir);
  return job;
}

static gboolean
job_start (SrSignerService *self,
           Job             *job)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, job_done, NULL);

  g_task_set_source_tag (task, job_start);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
  return TRUE;
}

static gboolean
handle_create_account (SrDBusSigner1         *skeleton,
                       GDBusMethodInvocation *invocation,
                       const gchar           *label,
                       const gchar           *password,
                       SrSignerService       *self)
{
  Job *job = job_new (self, JOB_CREATE, invocation);

  job->label = g_strdup (label);
  job->password = g_strdup (password);
  return job_start (self, job);
}

static gboolean
handle_import_private_key (SrDBusSigner1         *skeleton,
                           GDBusMethodInvocation *invocation,
                           const gchar           *hex,
                           const gchar           *label,
                           const gchar           *password,
                           SrSignerService       *self)
{
  Job *job = job_new (self, JOB_IMPORT_PRIVATE_KEY, invocation);

  job->secret = g_strdup (hex);
  job->label = g_strdup (label);
  job->password = g_strdup (password);
  return job_start (self, job);
}

static gboolean
handle_import_mnemonic (SrDBusSigner1         *skeleton,
                        GDBusMethodInvocation *invocation,
                        const gchar           *phrase,
                        guint                  index,
                        const gchar           *label,
                        const gchar           *password,
                        SrSignerService       *self)
{
  Job *job = job_new (self, JOB_IMPORT_MNEMONIC, invocation);

  job->secret = g_strdup (phrase);
  job->index = index;
  job->label = g_strdup (label);
  job->password = g_strdup (password);
  return job_start (self, job);
}

static gboolean
handle_import_keystore_v3 (SrDBusSigner1         *skeleton,
                           GDBusMethodInvocation *invocation,
                           const gchar           *json,
                           const gchar           *v3_password,
                           const gchar           *label,
                           const gchar           *password,
                           SrSignerService       *self)
{
  Job *job = job_new (self, JOB_IMPORT_KEYSTORE_V3, invocation);

  job->secret = g_strdup (json);
  job->v3_password = g_strdup (v3_password);
  job->label = g_strdup (label);
  job->password = g_strdup (password);
  return job_start (self, job);
}

static gboolean
handle_export_keystore_v3 (SrDBusSigner1         *skeleton,
                           GDBusMethodInvocation *invocation,
                           const gchar           *address,
                           const gchar           *password,
                           SrSignerService       *self)
{
  Job *job = job_new (self, JOB_EXPORT_KEYSTORE_V3, invocation);

  job->address = g_strdup (address);
  job->password = g_strdup (password);
  return job_start (self, job);
}

/* Unlocking */

static gboolean
idle_timeout_cb (gpointer user_data)
{
  Unlocked *u = user_data;

  u->timer_id = 0;
  g_debug ("Idle timeout: locking %s", u->address);
  g_hash_table_remove (u->service->unlocked, u->address);
  return G_SOURCE_REMOVE;
}

static void
touch (Unlocked *u)
{
  g_clear_handle_id (&u->timer_id, g_source_remove);
  u->timer_id = g_timeout_add (u->idle_ms, idle_timeout_cb, u);
}

static gboolean
handle_unlock (SrDBusSigner1         *skeleton,
               GDBusMethodInvocation *invocation,
               const gchar           *address,
               const gchar           *password,
               guint                  timeout_s,
               SrSignerService       *self)
{
  g_autoptr(GError) error = NULL;
  guint8 raw[SR_ADDRESS_LEN];
  Job *job;

  if (!canonical_address (address, raw, NULL, &error))
    {
      return_error (invocation, error);
      return TRUE;
    }
  job = job_new (self, JOB_UNLOCK, invocation);
  job->address = sr_address_to_checksum (raw);
  job->password = g_strdup (password);
  job->timeout_s = timeout_s;
  return job_start (self, job);
}

static void
finish_unlock (SrSignerService *self,
               Job             *job)
{
  Unlocked *u = g_new0 (Unlocked, 1);

  u->service = self;
  u->address = g_strdup (job->address);
  u->key = g_steal_pointer (&job->key);
  u->idle_ms = MIN (job->timeout_s > 0 ? job->timeout_s : DEFAULT_IDLE_TIMEOUT_S, G_MAXUINT / 1000) * 1000;
  touch (u);
  g_hash_table_replace (self->unlocked, u->address, u);
}

static Unlocked *
lookup_unlocked (SrSignerService  *self,
                 const gchar      *address,
                 GError          **error)
{
  g_autofree gchar *checksummed = NULL;
  guint8 raw[SR_ADDRESS_LEN];
  Unlocked *u;

  if (!canonical_address (address, raw, &checksummed, error))
    return NULL;
  u = g_hash_table_lookup (self->unlocked, checksummed);
  if (u == NULL)
    g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_LOCKED,
                 _("The account %s is locked: unlock it with its password first"), checksummed);
  return u;
}

static gboolean
handle_lock (SrDBusSigner1         *skeleton,
             GDBusMethodInvocation *invocation,
             const gchar           *address,
             SrSignerService       *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *checksummed = NULL;
  guint8 raw[SR_ADDRESS_LEN];

  if (!canonical_address (address, raw, &checksummed, &error))
    {
      return_error (invocation, error);
      return TRUE;
    }
  g_hash_table_remove (self->unlocked, checksummed);
  sr_dbus_signer1_complete_lock (skeleton, invocation);
  return TRUE;
}

static gboolean
handle_is_unlocked (SrDBusSigner1         *skeleton,
                    GDBusMethodInvocation *invocation,
                    const gchar           *address,
                    SrSignerService       *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *checksummed = NULL;
  guint8 raw[SR_ADDRESS_LEN];

  if (!canonical_address (address, raw, &checksummed, &error))
    {
      return_error (invocation, error);
      return TRUE;
    }
  sr_dbus_signer1_complete_is_unlocked (skeleton, invocation,
                                        g_hash_table_contains (self->unlocked, checksummed));
  return TRUE;
}

/* Signs @hash with the key of @u, opening its pages only for the call. */
static gboolean
sign_hash (Unlocked     *u,
           const guint8  hash[32],
           guint8        signature[SR_SIGNATURE_LEN],
           GError      **error)
{
  gboolean ok;

  sodium_mprotect_readonly (u->key);
  ok = sr_secp256k1_sign (u->key, hash, signature, error);
  sodium_mprotect_noaccess (u->key);
  touch (u);
  return ok;
}

/* Confirmation tokens */

static gchar *
issue_token (SrSignerService *self,
             const guint8     address[SR_ADDRESS_LEN],
             const guint8     hash[32])
{
  Pending *pending = g_new0 (Pending, 1);
  guint8 random[32];
  gchar *token;

  randombytes_buf (random, sizeof random);
  token = sr_hex_encode_bare (random, sizeof random);
  memcpy (pending->address, address, SR_ADDRESS_LEN);
  memcpy (pending->hash, hash, 32);
  pending->expires = g_get_monotonic_time () + TOKEN_LIFETIME_US;
  g_hash_table_replace (self->pending, g_strdup (token), pending);
  return token;
}

/* A token is spent by any attempt to use it, matching or not. */
static gboolean
redeem_token (SrSignerService  *self,
              const gchar      *token,
              const guint8      address[SR_ADDRESS_LEN],
              const guint8      hash[32],
              GError          **error)
{
  g_autofree gchar *key = NULL;
  g_autofree Pending *pending = NULL;
  gboolean ok;

  if (!g_hash_table_steal_extended (self->pending, token, (gpointer *) &key, (gpointer *) &pending))
    {
      g_set_error_literal (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_CONFIRMATION_REQUIRED,
                           _("This needs your confirmation: review it and confirm it again"));
      return FALSE;
    }
  ok = pending->expires > g_get_monotonic_time () &&
       sodium_memcmp (pending->address, address, SR_ADDRESS_LEN) == 0 &&
       sodium_memcmp (pending->hash, hash, 32) == 0;
  if (!ok)
    g_set_error_literal (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_CONFIRMATION_REQUIRED,
                         _("What you confirmed is not what is being signed: review it and confirm it again"));
  return ok;
}

/* Transactions */

static gboolean
invalid_tx (GError     **error,
            const gchar *why)
{
  g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT,
               _("The transaction is malformed: %s"), why);
  return FALSE;
}

static gboolean
parse_amount (GVariant     *value,
              const gchar  *key,
              guint8        out[SR_U256_LEN],
              GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      g_autofree gchar *why = g_strdup_printf (_("“%s” must be a string"), key);
      return invalid_tx (error, why);
    }
  if (!sr_u256_parse (g_variant_get_string (value, NULL), out, &local_error))
    {
      g_autofree gchar *why = g_strdup_printf ("%s: %s", key, local_error->message);
      return invalid_tx (error, why);
    }
  return TRUE;
}

static SrTx *
tx_from_variant (GVariant  *dict,
                 GError   **error)
{
  g_autoptr(SrTx) tx = NULL;
  g_autoptr(GVariant) type = g_variant_lookup_value (dict, "type", G_VARIANT_TYPE_UINT32);
  GVariantIter iter;
  const gchar *key;
  GVariant *value;
  gboolean has_chain_id = FALSE, has_gas = FALSE, has_nonce = FALSE;

  if (type == NULL)
    return invalid_tx (error, _("its type is missing")), NULL;
  switch (g_variant_get_uint32 (type))
    {
    case SR_TX_TYPE_LEGACY:
      tx = sr_tx_new (SR_TX_TYPE_LEGACY);
      break;
    case SR_TX_TYPE_EIP1559:
      tx = sr_tx_new (SR_TX_TYPE_EIP1559);
      break;
    default:
      return invalid_tx (error, _("unknown transaction type")), NULL;
    }

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      gboolean ok = TRUE;

      if (g_str_equal (key, "type"))
        continue;
      else if (g_str_equal (key, "chain-id") && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
        tx->chain_id = g_variant_get_uint64 (value), has_chain_id = TRUE;
      else if (g_str_equal (key, "nonce") && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
        tx->nonce = g_variant_get_uint64 (value), has_nonce = TRUE;
      else if (g_str_equal (key, "gas") && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
        tx->gas_limit = g_variant_get_uint64 (value), has_gas = TRUE;
      else if (g_str_equal (key, "to") && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          g_autoptr(GError) local_error = NULL;

          tx->has_to = TRUE;
          if (!sr_address_parse (g_variant_get_string (value, NULL), tx->to, &local_error))
            {
              g_autofree gchar *why = g_strdup_printf (_("recipient: %s"), local_error->message);
              ok = invalid_tx (error, why);
            }
        }
      else if (g_str_equal (key, "value"))
        ok = parse_amount (value, key, tx->value, error);
      else if (g_str_equal (key, "gas-price") && tx->type == SR_TX_TYPE_LEGACY)
        ok = parse_amount (value, key, tx->gas_price, error);
      else if (g_str_equal (key, "max-fee-per-gas") && tx->type == SR_TX_TYPE_EIP1559)
        ok = parse_amount (value, key, tx->max_fee_per_gas, error);
      else if (g_str_equal (key, "max-priority-fee-per-gas") && tx->type == SR_TX_TYPE_EIP1559)
        ok = parse_amount (value, key, tx->max_priority_fee_per_gas, error);
      else if (g_str_equal (key, "data") && g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
        {
          gsize len = 0;
          const guint8 *data = g_variant_get_fixed_array (value, &len, 1);

          g_clear_pointer (&tx->data, g_bytes_unref);
          tx->data = g_bytes_new (data, len);
        }
      else if (g_str_equal (key, "access-list") && tx->type == SR_TX_TYPE_EIP1559 &&
               g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
        {
          g_autoptr(GBytes) encoded = g_variant_get_data_as_bytes (value);
          g_autoptr(SrRlpItem) item = sr_rlp_decode (encoded, NULL);

          if (item == NULL || !sr_rlp_item_is_list (item))
            ok = invalid_tx (error, _("the access list is not an RLP list"));
          else
            {
              g_clear_pointer (&tx->access_list, g_bytes_unref);
              tx->access_list = g_steal_pointer (&encoded);
            }
        }
      else
        {
          g_autofree gchar *why = g_strdup_printf (_("unexpected field “%s”"), key);
          ok = invalid_tx (error, why);
        }
      if (!ok)
        return NULL;
    }

  if (!has_chain_id || tx->chain_id == 0)
    return invalid_tx (error, _("it names no chain, so it could be replayed on any")), NULL;
  if (!has_nonce || !has_gas)
    return invalid_tx (error, _("its nonce or gas limit is missing")), NULL;
  return g_steal_pointer (&tx);
}

static GVariant *
tx_summary (const SrTx   *tx,
            const guint8  from[SR_ADDRESS_LEN],
            const guint8  hash[32])
{
  GVariantBuilder builder;
  g_autofree gchar *from_text = sr_address_to_checksum (from);
  g_autofree gchar *to_text = tx->has_to ? sr_address_to_checksum (tx->to) : g_strdup ("");
  g_autofree gchar *value = sr_u256_to_decimal (tx->value);
  g_autofree gchar *hash_text = sr_hex_encode (hash, 32);
  g_autofree gchar *selector = NULL;
  gsize data_len = 0;
  const guint8 *data = tx->data != NULL ? g_bytes_get_data (tx->data, &data_len) : NULL;

  selector = data_len >= 4 ? sr_hex_encode (data, 4) : g_strdup ("");

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "from", g_variant_new_string (from_text));
  g_variant_builder_add (&builder, "{sv}", "to", g_variant_new_string (to_text));
  g_variant_builder_add (&builder, "{sv}", "value", g_variant_new_string (value));
  g_variant_builder_add (&builder, "{sv}", "chain-id", g_variant_new_uint64 (tx->chain_id));
  g_variant_builder_add (&builder, "{sv}", "nonce", g_variant_new_uint64 (tx->nonce));
  g_variant_builder_add (&builder, "{sv}", "gas", g_variant_new_uint64 (tx->gas_limit));
  g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_uint32 (tx->type));
  if (tx->type == SR_TX_TYPE_EIP1559)
    {
      g_autofree gchar *max_fee = sr_u256_to_decimal (tx->max_fee_per_gas);
      g_autofree gchar *tip = sr_u256_to_decimal (tx->max_priority_fee_per_gas);

      g_variant_builder_add (&builder, "{sv}", "max-fee-per-gas", g_variant_new_string (max_fee));
      g_variant_builder_add (&builder, "{sv}", "max-priority-fee-per-gas", g_variant_new_string (tip));
    }
  else
    {
      g_autofree gchar *price = sr_u256_to_decimal (tx->gas_price);

      g_variant_builder_add (&builder, "{sv}", "gas-price", g_variant_new_string (price));
    }
  g_variant_builder_add (&builder, "{sv}", "data-selector", g_variant_new_string (selector));
  g_variant_builder_add (&builder, "{sv}", "data-length", g_variant_new_uint64 (data_len));
  g_variant_builder_add (&builder, "{sv}", "access-list-length",
                         g_variant_new_uint64 (tx->access_list != NULL ? g_bytes_get_size (tx->access_list) : 0));
  g_variant_builder_add (&builder, "{sv}", "signing-hash", g_variant_new_string (hash_text));
  return g_variant_builder_end (&builder);
}

static gboolean
handle_prepare_transaction (SrDBusSigner1         *skeleton,
                            GDBusMethodInvocation *invocation,
                            const gchar           *address,
                            GVariant              *tx_dict,
                            SrSignerService       *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTx) tx = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *token = NULL;
  guint8 from[SR_ADDRESS_LEN], hash[32];

  if ((path = account_path (self->keys_dir, address, &error)) == NULL ||
      !canonical_address (address, from, NULL, &error) ||
      (tx = tx_from_variant (tx_dict, &error)) == NULL)
    {
      return_error (invocation, error);
      return TRUE;
    }
  sr_tx_signing_hash (tx, hash);
  token = issue_token (self, from, hash);
  sr_dbus_signer1_complete_prepare_transaction (skeleton, invocation, tx_summary (tx, from, hash), token);
  return TRUE;
}

static gboolean
handle_sign_transaction (SrDBusSigner1         *skeleton,
                         GDBusMethodInvocation *invocation,
                         const gchar           *address,
                         GVariant              *tx_dict,
                         const gchar           *token,
                         SrSignerService       *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTx) tx = NULL;
  g_autoptr(GBytes) raw = NULL;
  guint8 from[SR_ADDRESS_LEN], hash[32];
  Unlocked *u;

  if ((u = lookup_unlocked (self, address, &error)) == NULL ||
      !canonical_address (address, from, NULL, &error) ||
      (tx = tx_from_variant (tx_dict, &error)) == NULL)
    {
      return_error (invocation, error);
      return TRUE;
    }
  sr_tx_signing_hash (tx, hash);
  if (!redeem_token (self, token, from, hash, &error))
    {
      return_error (invocation, error);
      return TRUE;
    }
  sodium_mprotect_readonly (u->key);
  if (sr_tx_sign (tx, u->key, &error))
    raw = sr_tx_encode_raw (tx, &error);
  sodium_mprotect_noaccess (u->key);
  touch (u);
  if (raw == NULL)
    {
      return_error (invocation, error);
      return TRUE;
    }
  sr_dbus_signer1_complete_sign_transaction (skeleton, invocation,
                                             g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, raw, TRUE));
  return TRUE;
}

/* Typed data */

static gboolean
field_is (JsonNode    *node,
          const gchar *name,
          const gchar *type)
{
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  return object != NULL && json_object_get_size (object) == 2 &&
         g_strcmp0 (json_object_get_string_member_with_default (object, "name", NULL), name) == 0 &&
         g_strcmp0 (json_object_get_string_member_with_default (object, "type", NULL), type) == 0;
}

/* A Seedreel receipt only directs a pool the viewer already paid into, so it
 * is signed without asking; the shape is checked exactly so that nothing
 * else can pass for one. */
static gboolean
is_seedreel_receipt (JsonObject *root)
{
  JsonObject *types, *domain;
  JsonArray *receipt;

  if (g_strcmp0 (json_object_get_string_member_with_default (root, "primaryType", NULL), "Receipt") != 0)
    return FALSE;
  domain = json_object_get_object_member (root, "domain");
  types = json_object_get_object_member (root, "types");
  if (domain == NULL || types == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (domain, "name", NULL), "Seedreel") != 0)
    return FALSE;
  receipt = json_object_get_array_member (types, "Receipt");
  return receipt != NULL && json_array_get_length (receipt) == 3 &&
         field_is (json_array_get_element (receipt, 0), "viewId", "uint256") &&
         field_is (json_array_get_element (receipt, 1), "seeder", "address") &&
         field_is (json_array_get_element (receipt, 2), "bytes", "uint64");
}

static JsonParser *
parse_typed_data (const gchar     *json,
                  SrEip712Hashes  *hashes,
                  GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, SR_SIGNER_SERVICE_ERROR, SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT,
                   _("The typed data is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (!sr_eip712_hash_node (json_parser_get_root (parser), hashes, error))
    return NULL;
  return g_steal_pointer (&parser);
}

static GVariant *
typed_data_summary (JsonObject           *root,
                    const SrEip712Hashes *hashes)
{
  GVariantBuilder builder;
  JsonObject *domain = json_object_get_object_member (root, "domain");
  JsonNode *message = json_object_get_member (root, "message");
  g_autofree gchar *digest = sr_hex_encode (hashes->digest, 32);
  g_autofree gchar *message_text = message != NULL ? json_to_string (message, TRUE) : g_strdup ("");

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "primary-type",
                         g_variant_new_string (json_object_get_string_member_with_default (root, "primaryType", "")));
  if (domain != NULL)
    {
      JsonNode *chain_id = json_object_get_member (domain, "chainId");

      g_variant_builder_add (&builder, "{sv}", "domain-name",
                             g_variant_new_string (json_object_get_string_member_with_default (domain, "name", "")));
      g_variant_builder_add (&builder, "{sv}", "verifying-contract",
                             g_variant_new_string (json_object_get_string_member_with_default (domain, "verifyingContract", "")));
      if (chain_id != NULL && JSON_NODE_HOLDS_VALUE (chain_id))
        {
          g_autofree gchar *text = json_node_get_value_type (chain_id) == G_TYPE_STRING
                                   ? g_strdup (json_node_get_string (chain_id))
                                   : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (chain_id));

          g_variant_builder_add (&builder, "{sv}", "chain-id", g_variant_new_string (text));
        }
    }
  g_variant_builder_add (&builder, "{sv}", "message", g_variant_new_string (message_text));
  g_variant_builder_add (&builder, "{sv}", "digest", g_variant_new_string (digest));
  return g_variant_builder_end (&builder);
}

static gboolean
handle_prepare_typed_data (SrDBusSigner1         *skeleton,
                           GDBusMethodInvocation *invocation,
                           const gchar           *address,
                           const gchar           *json,
                           SrSignerService       *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *token = NULL;
  guint8 from[SR_ADDRESS_LEN];
  SrEip712Hashes hashes;

  if ((path = account_path (self->keys_dir, address, &error)) == NULL ||
      !canonical_address (address, from, NULL, &error) ||
      (parser = parse_typed_data (json, &hashes, &error)) == NULL)
    {
      return_error (invocation, error);
      return TRUE;
    }
  token = issue_token (self, from, hashes.digest);
  sr_dbus_signer1_complete_prepare_typed_data (skeleton, invocation,
                                               typed_data_summary (json_node_get_object (json_parser_get_root (parser)), &hashes),
                                               token);
  return TRUE;
}

static gboolean
handle_sign_typed_data (SrDBusSigner1         *skeleton,
                        GDBusMethodInvocation *invocation,
                        const gchar           *address,
                        const gchar           *json,
                        const gchar           *token,
                        SrSignerService       *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  guint8 from[SR_ADDRESS_LEN], signature[SR_SIGNATURE_LEN];
  SrEip712Hashes hashes;
  Unlocked *u;

  if ((u = lookup_unlocked (self, address, &error)) == NULL ||
      !canonical_address (address, from, NULL, &error) ||
      (parser = parse_typed_data (json, &hashes, &error)) == NULL ||
      (!is_seedreel_receipt (json_node_get_object (json_parser_get_root (parser))) &&
       !redeem_token (self, token, from, hashes.digest, &error)) ||
      !sign_hash (u, hashes.digest, signature, &error))
    {
      return_error (invocation, error);
      return TRUE;
    }
  sr_dbus_signer1_complete_sign_typed_data (skeleton, invocation,
                                            g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, signature,
                                                                       SR_SIGNATURE_LEN, 1));
  return TRUE;
}

/* Key agreement */

static gboolean
handle_ecdh (SrDBusSigner1         *skeleton,
             GDBusMethodInvocation *invocation,
             const gchar           *address,
             GVariant              *public_key,
             SrSignerService       *self)
{
  g_autoptr(GError) error = NULL;
  guint8 *secret = NULL;
  gsize len = 0;
  const guint8 *peer = g_variant_get_fixed_array (public_key, &len, 1);
  gboolean ok = FALSE;
  Unlocked *u = lookup_unlocked (self, address, &error);

  if (u != NULL)
    {
      secret = secure_new (SR_SHARED_SECRET_LEN);
      sodium_mprotect_readonly (u->key);
      ok = sr_secp256k1_ecdh (u->key, peer, len, secret, &error);
      sodium_mprotect_noaccess (u->key);
      touch (u);
    }
  if (ok)
    sr_dbus_signer1_complete_ecdh (skeleton, invocation,
                                   g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, secret,
                                                              SR_SHARED_SECRET_LEN, 1));
  else
    return_error (invocation, error);
  if (secret != NULL)
    sodium_free (secret);
  return TRUE;
}

static gboolean
handle_unwrap_key (SrDBusSigner1         *skeleton,
                   GDBusMethodInvocation *invocation,
                   const gchar           *address,
                   GVariant              *peer_public_key,
                   GVariant              *sealed,
                   GVariant              *associated_data,
                   SrSignerService       *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed_bytes = g_variant_get_data_as_bytes (sealed);
  gsize peer_len = 0, ad_len = 0;
  const guint8 *peer = g_variant_get_fixed_array (peer_public_key, &peer_len, 1);
  const guint8 *ad = g_variant_get_fixed_array (associated_data, &ad_len, 1);
  gsize sealed_len = g_bytes_get_size (sealed_bytes);
  guint8 *wrap_key = NULL, *secret = NULL;
  gsize secret_len;
  gboolean ok = FALSE;
  Unlocked *u;

  if (sealed_len <= SR_KEY_WRAP_OVERHEAD || sealed_len - SR_KEY_WRAP_OVERHEAD > MAX_SECRET_LEN)
    {
      return_error_literal (invocation, SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT,
                            _("The sealed key has an impossible size"));
      return TRUE;
    }
  secret_len = sealed_len - SR_KEY_WRAP_OVERHEAD;
  u = lookup_unlocked (self, address, &error);
  if (u != NULL)
    {
      wrap_key = secure_new (SR_KEY_WRAP_KEY_LEN);
      secret = secure_new (secret_len);
      sodium_mprotect_readonly (u->key);
      ok = sr_key_wrap_derive_key (u->key, peer, peer_len, wrap_key, &error);
      sodium_mprotect_noaccess (u->key);
      touch (u);
      ok = ok && sr_key_wrap_open (wrap_key, sealed_bytes, ad, ad_len, secret, secret_len, &error);
    }
  if (ok)
    sr_dbus_signer1_complete_unwrap_key (skeleton, invocation,
                                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, secret,
                                                                    secret_len, 1));
  else
    return_error (invocation, error);
  if (wrap_key != NULL)
    sodium_free (wrap_key);
  if (secret != NULL)
    sodium_free (secret);
  return TRUE;
}

/* GObject */

void
sr_signer_service_lock_all (SrSignerService *self)
{
  g_return_if_fail (SR_IS_SIGNER_SERVICE (self));

  g_hash_table_remove_all (self->unlocked);
  g_hash_table_remove_all (self->pending);
}

static void
sr_signer_service_dispose (GObject *object)
{
  SrSignerService *self = SR_SIGNER_SERVICE (object);

  if (self->skeleton != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  g_clear_object (&self->skeleton);
  g_clear_pointer (&self->unlocked, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (sr_signer_service_parent_class)->dispose (object);
}

static void
sr_signer_service_finalize (GObject *object)
{
  SrSignerService *self = SR_SIGNER_SERVICE (object);

  g_free (self->keys_dir);
  g_mutex_clear (&self->kdf_mutex);

  G_OBJECT_CLASS (sr_signer_service_parent_class)->finalize (object);
}

static void
sr_signer_service_class_init (SrSignerServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_signer_service_dispose;
  object_class->finalize = sr_signer_service_finalize;
}

static void
sr_signer_service_init (SrSignerService *self)
{
  self->unlocked = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) unlocked_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->skeleton = sr_dbus_signer1_skeleton_new ();
  g_mutex_init (&self->kdf_mutex);

  g_signal_connect (self->skeleton, "handle-list-accounts", G_CALLBACK (handle_list_accounts), self);
  g_signal_connect (self->skeleton, "handle-create-account", G_CALLBACK (handle_create_account), self);
  g_signal_connect (self->skeleton, "handle-import-private-key", G_CALLBACK (handle_import_private_key), self);
  g_signal_connect (self->skeleton, "handle-import-mnemonic", G_CALLBACK (handle_import_mnemonic), self);
  g_signal_connect (self->skeleton, "handle-import-keystore-v3", G_CALLBACK (handle_import_keystore_v3), self);
  g_signal_connect (self->skeleton, "handle-export-keystore-v3", G_CALLBACK (handle_export_keystore_v3), self);
  g_signal_connect (self->skeleton, "handle-unlock", G_CALLBACK (handle_unlock), self);
  g_signal_connect (self->skeleton, "handle-lock", G_CALLBACK (handle_lock), self);
  g_signal_connect (self->skeleton, "handle-is-unlocked", G_CALLBACK (handle_is_unlocked), self);
  g_signal_connect (self->skeleton, "handle-prepare-transaction", G_CALLBACK (handle_prepare_transaction), self);
  g_signal_connect (self->skeleton, "handle-sign-transaction", G_CALLBACK (handle_sign_transaction), self);
  g_signal_connect (self->skeleton, "handle-prepare-typed-data", G_CALLBACK (handle_prepare_typed_data), self);
  g_signal_connect (self->skeleton, "handle-sign-typed-data", G_CALLBACK (handle_sign_typed_data), self);
  g_signal_connect (self->skeleton, "handle-ecdh", G_CALLBACK (handle_ecdh), self);
  g_signal_connect (self->skeleton, "handle-unwrap-key", G_CALLBACK (handle_unwrap_key), self);
}

SrSignerService *
sr_signer_service_new (const gchar *keys_dir)
{
  SrSignerService *self = g_object_new (SR_TYPE_SIGNER_SERVICE, NULL);

  self->keys_dir = keys_dir != NULL ? g_strdup (keys_dir) : sr_signer_keystore_default_dir ();
  return self;
}

gboolean
sr_signer_service_export (SrSignerService  *self,
                          GDBusConnection  *connection,
                          GError          **error)
{
  g_return_val_if_fail (SR_IS_SIGNER_SERVICE (self), FALSE);

  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton),
                                          connection, OBJECT_PATH, error);
}

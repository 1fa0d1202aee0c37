/* sr-content-keys.c: sealing content keys for storage and opening them
 * through the wallet agent (see sr-content-keys.h). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "crypto/sr-content-cipher.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-key-wrap.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-u256.h"
#include "market/sr-content-keys.h"

static void
associated_data (const guint8 infohash[32], const guint8 view_id[SR_U256_LEN], guint8 ad[64])
{
  memcpy (ad, infohash, 32);
  memcpy (ad + 32, view_id, SR_U256_LEN);
}

SrStoreContentKey *
sr_content_keys_from_sealed (const guint8       infohash[32],
                             const char        *owner,
                             const SrSealedKey *sealed)
{
  SrStoreContentKey *key = g_new0 (SrStoreContentKey, 1);

  key->infohash = sr_hex_encode_bare (infohash, 32);
  key->owner = g_strdup (owner);
  key->view_id = sr_u256_to_decimal (sealed->view_id);
  key->public_key = g_bytes_new (sealed->public_key, sizeof sealed->public_key);
  key->sealed = g_bytes_new (sealed->sealed, sizeof sealed->sealed);
  return key;
}

SrStoreContentKey *
sr_content_keys_seal_for_owner (const guint8  infohash[32],
                                const char   *owner,
                                const guint8 *owner_public_key,
                                GBytes       *key,
                                GError      **error)
{
  g_autoptr(SrStoreContentKey) stored = NULL;
  guint8 ephemeral[SR_PRIVATE_KEY_LEN], public_key[SR_COMPRESSED_PUBLIC_KEY_LEN];
  guint8 wrap_key[SR_KEY_WRAP_KEY_LEN], ad[64], zero[SR_U256_LEN] = { 0 };
  gboolean ok;

  g_return_val_if_fail (key != NULL && g_bytes_get_size (key) == SR_CONTENT_KEY_LEN, NULL);

  do
    sr_content_cipher_generate_key (ephemeral);
  while (!sr_secp256k1_check_private_key (ephemeral, NULL));
  ok = sr_secp256k1_compressed_public_key (ephemeral, public_key, error) &&
       sr_key_wrap_derive_key (ephemeral, owner_public_key, SR_PUBLIC_KEY_LEN, wrap_key, error);
  memset (ephemeral, 0, sizeof ephemeral);
  if (!ok)
    return NULL;

  associated_data (infohash, zero, ad);
  stored = g_new0 (SrStoreContentKey, 1);
  stored->infohash = sr_hex_encode_bare (infohash, 32);
  stored->owner = g_strdup (owner);
  stored->view_id = g_strdup ("0");
  stored->public_key = g_bytes_new (public_key, sizeof public_key);
  stored->sealed = sr_key_wrap_seal (wrap_key, g_bytes_get_data (key, NULL), g_bytes_get_size (key), ad, sizeof ad);
  memset (wrap_key, 0, sizeof wrap_key);
  return g_steal_pointer (&stored);
}

static void
on_unwrapped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *key = sr_signer_unwrap_key_finish (SR_SIGNER (source), result, &error);

  if (key == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, key, (GDestroyNotify) g_bytes_unref);
}

void
sr_content_keys_open_async (SrSigner                *signer,
                            const SrStoreContentKey *stored,
                            GCancellable            *cancellable,
                            GAsyncReadyCallback      callback,
                            gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (signer, cancellable, callback, user_data);
  g_autoptr(GBytes) ad_bytes = NULL;
  guint8 infohash[32], view_id[SR_U256_LEN], ad[64];
  g_autofree char *prefixed = NULL;

  g_task_set_source_tag (task, sr_content_keys_open_async);
  prefixed = g_strconcat ("0x", stored->infohash, NULL);
  if (!sr_hex_decode_fixed (prefixed, infohash, sizeof infohash, NULL) ||
      !sr_u256_parse (stored->view_id, view_id, NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The stored key of this title is damaged"));
      return;
    }
  associated_data (infohash, view_id, ad);
  ad_bytes = g_bytes_new (ad, sizeof ad);
  sr_signer_unwrap_key_async (signer, stored->owner, stored->public_key, stored->sealed, ad_bytes,
                              cancellable, on_unwrapped, g_steal_pointer (&task));
}

GBytes *
sr_content_keys_open_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_content_keys_open_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  char *owner;
  char *json;
  guint8 digest[32];
} Identify;

static void
identify_free (gpointer data)
{
  Identify *id = data;

  g_free (id->owner);
  g_free (id->json);
  g_free (id);
}

static void
on_identity_signed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Identify *id = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) signature = sr_signer_sign_typed_data_finish (SR_SIGNER (source), result, &error);
  guint8 public_key[SR_PUBLIC_KEY_LEN], address[SR_ADDRESS_LEN], expected[SR_ADDRESS_LEN];

  if (signature == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_bytes_get_size (signature) != SR_SIGNATURE_LEN ||
      !sr_secp256k1_recover (id->digest, g_bytes_get_data (signature, NULL), public_key, &error) ||
      !sr_address_from_public_key (public_key, sizeof public_key, address, &error) ||
      !sr_address_parse (id->owner, expected, &error) ||
      memcmp (address, expected, SR_ADDRESS_LEN) != 0)
    {
      if (error == NULL)
        error = g_error_new_literal (SR_SIGNER_ERROR, SR_SIGNER_ERROR_FAILED,
                                     _("The wallet signed with a different account than the one asked for"));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_bytes_new (public_key, sizeof public_key), (GDestroyNotify) g_bytes_unref);
}

static void
on_identity_prepared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Identify *id = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GVariant) summary = sr_signer_prepare_typed_data_finish (SR_SIGNER (source), result, &token, &error);

  if (summary == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sr_signer_sign_typed_data_async (SR_SIGNER (source), id->owner, id->json, token,
                                   g_task_get_cancellable (task), on_identity_signed, g_object_ref (task));
}

void
sr_content_keys_owner_public_key_async (SrSigner                 *signer,
                                        const char               *owner,
                                        const SrKeyExchangeTitle *title,
                                        GCancellable             *cancellable,
                                        GAsyncReadyCallback       callback,
                                        gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (signer, cancellable, callback, user_data);
  Identify *id = g_new0 (Identify, 1);
  guint8 zero[SR_U256_LEN] = { 0 }, nonce[32];
  GError *error = NULL;

  g_task_set_source_tag (task, sr_content_keys_owner_public_key_async);
  g_task_set_task_data (task, id, identify_free);
  id->owner = g_strdup (owner);
  sr_content_cipher_generate_key (nonce);
  id->json = sr_key_request_typed_data (title, zero, nonce);
  if (!sr_key_request_digest (title, zero, nonce, id->digest, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  sr_signer_prepare_typed_data_async (signer, owner, id->json, cancellable,
                                      on_identity_prepared, g_steal_pointer (&task));
}

GBytes *
sr_content_keys_owner_public_key_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_content_keys_owner_public_key_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

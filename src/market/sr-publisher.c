/* sr-publisher.c: preparing and publishing a title (see sr-publisher.h).
 * The preparation runs in a worker thread: it reads and writes every byte of
 * the renditions and hashes them. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "chain/sr-registry.h"
#include "crypto/sr-content-cipher.h"
#include "crypto/sr-hex.h"
#include "market/sr-publisher.h"
#include "torrent/sr-torrent-create.h"
#include "torrent/sr-torrent-info.h"

#define CHUNK (1024 * 1024)

G_DEFINE_QUARK (sr-publisher-error-quark, sr_publisher_error)

void
sr_publication_free (SrPublication *p)
{
  if (p == NULL)
    return;
  g_free (p->folder);
  g_clear_pointer (&p->torrent, g_bytes_unref);
  g_clear_pointer (&p->key, g_bytes_unref);
  g_free (p->metadata);
  g_free (p);
}

typedef struct {
  char *source_dir;
  char *output_dir;
  char *title;
  char *description;
  gboolean paid;
} Prepare;

static void
prepare_free (gpointer data)
{
  Prepare *p = data;

  g_free (p->source_dir);
  g_free (p->output_dir);
  g_free (p->title);
  g_free (p->description);
  g_free (p);
}

/* The torrent's folder name: a readable, portable form of the title. */
static char *
folder_name (const char *title)
{
  g_autofree char *ascii = g_str_to_ascii (title, "C");
  GString *out = g_string_new (NULL);

  for (const char *c = ascii; *c != '\0' && out->len < 64; c++)
    {
      if (g_ascii_isalnum (*c))
        g_string_append_c (out, g_ascii_tolower (*c));
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "title");
  return g_string_free (out, FALSE);
}

/* Copies @src to @dst, encrypting under @key with the nonce of @torrent_path. */
static gboolean
copy_file (const char    *src,
           const char    *dst,
           const guint8  *key,
           const char    *torrent_path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFile) in_file = g_file_new_for_path (src);
  g_autoptr(GFile) out_file = g_file_new_for_path (dst);
  g_autoptr(GFileInputStream) in = g_file_read (in_file, cancellable, error);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autofree guint8 *buf = g_malloc (CHUNK);
  guint8 nonce[SR_CONTENT_NONCE_LEN];
  guint64 offset = 0;
  gssize n;

  if (in == NULL)
    return FALSE;
  out = g_file_replace (out_file, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
  if (out == NULL)
    return FALSE;
  if (key != NULL)
    sr_content_cipher_derive_nonce (torrent_path, nonce);
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, CHUNK, cancellable, error)) > 0)
    {
      if (key != NULL)
        sr_content_cipher_xor (key, nonce, offset, buf, buf, (gsize) n);
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), buf, (gsize) n, NULL, cancellable, error))
        return FALSE;
      offset += (guint64) n;
    }
  if (n < 0)
    return FALSE;
  return g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static SrPublication *
prepare (Prepare *p, GCancellable *cancellable, GError **error)
{
  g_autoptr(SrPublication) pub = g_new0 (SrPublication, 1);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) renditions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) meta = json_builder_new ();
  g_autoptr(JsonNode) meta_root = NULL;
  g_autoptr(SrTorrentInfo) info = NULL;
  g_autofree char *info_path = g_build_filename (p->source_dir, "info.json", NULL);
  g_autofree char *poster = g_build_filename (p->source_dir, "poster.jpg", NULL);
  g_autofree char *name = folder_name (p->title);
  JsonObject *info_object;
  guint8 key[SR_CONTENT_KEY_LEN];
  const char *entry;

  dir = g_dir_open (p->source_dir, 0, error);
  if (dir == NULL)
    return NULL;
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, ".mp4"))
      g_ptr_array_add (renditions, g_strdup (entry));
  if (renditions->len == 0)
    {
      g_set_error (error, SR_PUBLISHER_ERROR, SR_PUBLISHER_ERROR_NO_RENDITIONS,
                   _("“%s” holds no renditions (*.mp4) to publish"), p->source_dir);
      return NULL;
    }
  g_ptr_array_sort (renditions, compare_names);
  if (!json_parser_load_from_file (parser, info_path, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SR_PUBLISHER_ERROR, SR_PUBLISHER_ERROR_BAD_INFO,
                   _("“%s” has no readable info.json describing the title"), p->source_dir);
      return NULL;
    }
  info_object = json_node_get_object (json_parser_get_root (parser));

  pub->folder = g_build_filename (p->output_dir, name, NULL);
  if (g_mkdir_with_parents (pub->folder, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder “%s”: %s"), pub->folder, g_strerror (saved));
      return NULL;
    }
  if (p->paid)
    {
      sr_content_cipher_generate_key (key);
      pub->key = g_bytes_new (key, sizeof key);
      sr_key_check_compute (key, sizeof key, pub->key_check);
    }

  for (guint i = 0; i < renditions->len; i++)
    {
      const char *file = renditions->pdata[i];
      g_autofree char *src = g_build_filename (p->source_dir, file, NULL);
      g_autofree char *dst = g_build_filename (pub->folder, file, NULL);
      /* The nonce comes from the file's path inside the torrent, as the player derives it. */
      g_autofree char *torrent_path = g_strconcat (name, "/", file, NULL);

      if (!copy_file (src, dst, p->paid ? key : NULL, torrent_path, cancellable, error))
        {
          memset (key, 0, sizeof key);
          return NULL;
        }
    }
  memset (key, 0, sizeof key);
  {
    g_autofree char *dst = g_build_filename (pub->folder, "info.json", NULL);
    if (!copy_file (info_path, dst, NULL, NULL, cancellable, error))
      return NULL;
  }
  if (g_file_test (poster, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dst = g_build_filename (pub->folder, "poster.jpg", NULL);
      if (!copy_file (poster, dst, NULL, NULL, cancellable, error))
        return NULL;
    }

  pub->torrent = sr_torrent_create_sync (pub->folder, SR_TORRENT_CREATE_NONE, NULL, cancellable, error);
  if (pub->torrent == NULL)
    return NULL;
  info = sr_torrent_info_new_from_bytes (pub->torrent, error);
  if (info == NULL)
    return NULL;
  g_assert (info->info_hash_v2 != NULL);
  {
    g_autofree char *prefixed = g_strconcat ("0x", info->info_hash_v2, NULL);
    if (!sr_hex_decode_fixed (prefixed, pub->infohash, sizeof pub->infohash, error))
      return NULL;
  }
  pub->content_size = info->total_size;

  json_builder_begin_object (meta);
  json_builder_set_member_name (meta, "title");
  json_builder_add_string_value (meta, p->title);
  json_builder_set_member_name (meta, "description");
  json_builder_add_string_value (meta, p->description != NULL ? p->description
                                 : json_object_get_string_member_with_default (info_object, "description", ""));
  if (json_object_has_member (info_object, "duration"))
    {
      json_builder_set_member_name (meta, "duration");
      json_builder_add_value (meta, json_node_copy (json_object_get_member (info_object, "duration")));
    }
  json_builder_set_member_name (meta, "renditions");
  json_builder_begin_array (meta);
  for (guint i = 0; i < renditions->len; i++)
    json_builder_add_string_value (meta, renditions->pdata[i]);
  json_builder_end_array (meta);
  json_builder_set_member_name (meta, "encrypted");
  json_builder_add_boolean_value (meta, p->paid);
  /* The v1 half of the hybrid: peers that greet with it find the title too. */
  if (info->info_hash != NULL)
    {
      json_builder_set_member_name (meta, "btih");
      json_builder_add_string_value (meta, info->info_hash);
    }
  if (p->paid)
    {
      g_autofree char *check = sr_hex_encode_bare (pub->key_check, SR_KEY_CHECK_LEN);
      json_builder_set_member_name (meta, "keyCheck");
      json_builder_add_string_value (meta, check);
    }
  json_builder_end_object (meta);
  meta_root = json_builder_get_root (meta);
  pub->metadata = json_to_string (meta_root, FALSE);
  return g_steal_pointer (&pub);
}

static void
prepare_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  SrPublication *pub = prepare (task_data, cancellable, &error);

  if (pub == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pub, (GDestroyNotify) sr_publication_free);
}

void
sr_publisher_prepare_async (const char          *source_dir,
                            const char          *output_dir,
                            const char          *title,
                            const char          *description,
                            gboolean             paid,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Prepare *p = g_new0 (Prepare, 1);

  g_task_set_source_tag (task, sr_publisher_prepare_async);
  p->source_dir = g_strdup (source_dir);
  p->output_dir = g_strdup (output_dir);
  p->title = g_strdup (title);
  p->description = g_strdup (description);
  p->paid = paid;
  g_task_set_task_data (task, p, prepare_free);
  g_task_run_in_thread (task, prepare_thread);
}

SrPublication *
sr_publisher_prepare_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_publisher_prepare_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- on chain ---- */

typedef struct {
  SrTxManager *manager;
  SrRpcClient *rpc;
  guint8 content_id[SR_U256_LEN];
} Publish;

static void
publish_free (gpointer data)
{
  Publish *p = data;

  g_clear_object (&p->manager);
  g_clear_object (&p->rpc);
  g_free (p);
}

static void
receipt_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Publish *p = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(SrRpcReceipt) receipt = sr_rpc_client_get_receipt_finish (SR_RPC_CLIENT (source), result, &error);
  guint8 topic[32];

  if (receipt == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sr_registry_content_published_topic (topic);
  for (guint i = 0; receipt->logs != NULL && i < receipt->logs->len; i++)
    {
      const SrRpcLog *log = receipt->logs->pdata[i];
      SrRegistryPublished event;

      if (log->n_topics == 0 || memcmp (log->topics[0], topic, 32) != 0 ||
          !sr_registry_decode_content_published (log, &event, NULL))
        continue;
      memcpy (p->content_id, event.content_id, SR_U256_LEN);
      sr_registry_published_clear (&event);
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_return_new_error (task, SR_PUBLISHER_ERROR, SR_PUBLISHER_ERROR_NO_EVENT,
                           _("The publishing transaction was included but names no published title"));
}

static void
waited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Publish *p = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(SrStoreTransaction) done = sr_tx_manager_wait_finish (SR_TX_MANAGER (source), result, &error);
  guint8 hash[32];

  if (done == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (done->state != SR_STORE_TX_MINED)
    {
      g_task_return_new_error (task, SR_PUBLISHER_ERROR, SR_PUBLISHER_ERROR_REVERTED,
                               _("The publishing transaction did not go through; nothing was published"));
      return;
    }
  if (!sr_hex_decode_fixed (done->hash, hash, 32, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  sr_rpc_client_get_receipt_async (p->rpc, hash, g_task_get_cancellable (task), receipt_cb, g_object_ref (task));
}

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Publish *p = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(SrStoreTransaction) sent = sr_tx_manager_send_finish (SR_TX_MANAGER (source), result, &error);

  if (sent == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sr_tx_manager_wait_async (p->manager, sent->id, g_task_get_cancellable (task), waited_cb, g_object_ref (task));
}

void
sr_publisher_publish_async (SrTxManager         *manager,
                            SrRpcClient         *rpc,
                            const guint8         registry[SR_ADDRESS_LEN],
                            const SrPublication *publication,
                            const guint8         price[SR_U256_LEN],
                            guint16              seeder_share_bps,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GBytes) call = NULL;
  g_autofree char *infohash = sr_hex_encode_bare (publication->infohash, 32);
  g_autofree char *key = g_strconcat ("publish-", infohash, NULL);
  Publish *p = g_new0 (Publish, 1);
  SrTxRequest request = { 0 };

  g_task_set_source_tag (task, sr_publisher_publish_async);
  p->manager = g_object_ref (manager);
  p->rpc = g_object_ref (rpc);
  g_task_set_task_data (task, p, publish_free);
  call = sr_registry_encode_publish (publication->infohash, price, seeder_share_bps,
                                     publication->content_size, publication->metadata);
  request.has_to = TRUE;
  memcpy (request.to, registry, SR_ADDRESS_LEN);
  request.data = call;
  /* One publish per torrent: a retry after a crash finds the recorded transaction. */
  sr_tx_manager_send_async (manager, &request, key, cancellable, sent_cb, g_steal_pointer (&task));
}

gboolean
sr_publisher_publish_finish (GAsyncResult  *result,
                             guint8         content_id[SR_U256_LEN],
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_publisher_publish_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  memcpy (content_id, ((Publish *) g_task_get_task_data (G_TASK (result)))->content_id, SR_U256_LEN);
  return TRUE;
}

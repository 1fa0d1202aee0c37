/* sr-seeding.c: one key exchange and one receipts keeper per catalog title
 * in the torrent session (see sr-seeding.h). Everything runs on the thread
 * that created the object; the store is read there too (a catalog's title
 * list is small next to what a refresh saves). */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-u256.h"
#include "market/sr-content-keys.h"
#include "market/sr-seeding.h"
#include "store/sr-store-catalog.h"
#include "store/sr-store-keys.h"

G_DEFINE_QUARK (sr-seeding-error-quark, sr_seeding_error)

typedef struct {
  char *content_id;          /* decimal */
  char *infohash;            /* as published: 64 lowercase hex digits */
} Title;

typedef struct {
  SrTorrent *torrent;
  char *infohash;
  SrKeyExchange *exchange;
  SrReceipts *receipts;
  gulong stored_id;
  gulong progress_id;
  struct _FlushRun *run;       /* the flush in flight, or NULL */
  gboolean opening_key;
  gboolean viewing;
} Attachment;

struct _SrSeeding
{
  GObject parent_instance;

  SrTorrentSession *session;
  SrRegistry *registry;
  SrStore *store;
  SrSigner *signer;
  char *network;
  guint64 chain_id;
  guint8 payout[SR_ADDRESS_LEN];
  char *payout_text;
  GHashTable *titles;          /* infohash (v2 or v1, lowercase hex) → Title */
  GHashTable *added;           /* the same, from sr_seeding_add_title() */
  GHashTable *attached;        /* SrTorrent* → Attachment */
  gulong handlers[2];
  guint key_retry_id;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (SrSeeding, sr_seeding, G_TYPE_OBJECT)

enum {
  RECEIPT_STORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
title_free (gpointer data)
{
  Title *t = data;

  g_free (t->content_id);
  g_free (t->infohash);
  g_free (t);
}

/* The torrent's exchange, where the rest of the app looks for it: a torrent
 * that carries one is being watched (SrTitleMedia leaves it in the session
 * once it has its poster). Set once we view, serve or fetch the key. */
#define KEY_EXCHANGE_DATA "sr-key-exchange"

static void
mark_in_use (Attachment *a)
{
  g_object_set_data (G_OBJECT (a->torrent), KEY_EXCHANGE_DATA, a->exchange);
}

static void
attachment_free (gpointer data)
{
  Attachment *a = data;

  if (g_object_get_data (G_OBJECT (a->torrent), KEY_EXCHANGE_DATA) == a->exchange)
    g_object_set_data (G_OBJECT (a->torrent), KEY_EXCHANGE_DATA, NULL);

  g_clear_signal_handler (&a->stored_id, a->receipts);
  g_clear_signal_handler (&a->progress_id, a->torrent);
  g_clear_object (&a->exchange);
  g_clear_object (&a->receipts);
  g_clear_object (&a->torrent);
  g_free (a->infohash);
  g_free (a);
}

/* A hybrid title is published with its v2 hash and names its v1 hash in the
 * metadata: a torrent may be known by either. */
static char *
metadata_btih (const char *metadata)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *btih;

  if (metadata == NULL || !json_parser_load_from_data (parser, metadata, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  btih = json_object_get_string_member_with_default (json_node_get_object (root), "btih", NULL);
  if (btih == NULL || strlen (btih) != 40)
    return NULL;
  return g_ascii_strdown (btih, -1);
}

static gboolean
decode_infohash (const char  *hex,
                 guint8       infohash[32],
                 GError     **error)
{
  g_autofree char *prefixed = g_strconcat ("0x", hex, NULL);

  return sr_hex_decode_fixed (prefixed, infohash, 32, error);
}

static void
load_titles (SrSeeding *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = sr_store_catalog_list_titles (self->store, self->network, &error);

  if (rows == NULL)
    {
      g_warning ("Seeding: the catalog could not be read: %s", error->message);
      return;
    }
  g_hash_table_remove_all (self->titles);
  for (guint i = 0; i < rows->len; i++)
    {
      SrStoreTitle *row = rows->pdata[i];
      g_autofree char *btih = metadata_btih (row->metadata);
      Title *t = g_new0 (Title, 1);

      t->content_id = g_strdup (row->content_id);
      t->infohash = g_ascii_strdown (row->infohash, -1);
      if (btih != NULL)
        {
          Title *v1 = g_new0 (Title, 1);

          v1->content_id = g_strdup (t->content_id);
          v1->infohash = g_strdup (t->infohash);
          g_hash_table_replace (self->titles, g_steal_pointer (&btih), v1);
        }
      g_hash_table_replace (self->titles, g_strdup (t->infohash), t);
    }
}

static Title *
lookup_title (SrSeeding *self,
              SrTorrent *torrent)
{
  g_autofree char *v2 = sr_torrent_dup_info_hash_v2 (torrent);
  g_autofree char *v1 = g_ascii_strdown (sr_torrent_get_info_hash (torrent), -1);
  g_autofree char *v2_lower = v2 != NULL ? g_ascii_strdown (v2, -1) : NULL;
  GHashTable *tables[] = { self->titles, self->added };
  Title *t = NULL;

  for (guint i = 0; t == NULL && i < G_N_ELEMENTS (tables); i++)
    {
      if (v2_lower != NULL)
        t = g_hash_table_lookup (tables[i], v2_lower);
      if (t == NULL)
        t = g_hash_table_lookup (tables[i], v1);
    }
  return t;
}

/* ---- keys kept in the store ---- */

static void open_kept_key (SrSeeding *self, Attachment *a);

/* A kept key opens only while the account is unlocked: after a restart it
 * is tried again now and then until the user unlocks the wallet. */
#define KEY_RETRY_S 5

static gboolean
retry_kept_keys (gpointer user_data)
{
  SrSeeding *self = user_data;
  GHashTableIter iter;
  gpointer value;

  self->key_retry_id = 0;
  g_hash_table_iter_init (&iter, self->attached);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    open_kept_key (self, value);
  return G_SOURCE_REMOVE;
}

typedef struct {
  SrSeeding *self;
  SrTorrent *torrent;
} KeyOpen;

static void
key_opened_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  KeyOpen *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = sr_content_keys_open_finish (result, &error);
  Attachment *a = g_hash_table_lookup (op->self->attached, op->torrent);

  if (a != NULL)
    {
      a->opening_key = FALSE;
      if (key != NULL && sr_key_exchange_get_content_key (a->exchange) == NULL)
        sr_key_exchange_set_content_key (a->exchange, key);
    }
  if (key == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Seeding: a kept key did not open: %s", error->message);
      if (a != NULL && op->self->key_retry_id == 0 && !g_cancellable_is_cancelled (op->self->cancellable))
        op->self->key_retry_id = g_timeout_add_seconds (KEY_RETRY_S, retry_kept_keys, op->self);
    }
  g_object_unref (op->torrent);
  g_object_unref (op->self);
  g_free (op);
}

static void
open_kept_key (SrSeeding  *self,
               Attachment *a)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreContentKey) row = NULL;
  KeyOpen *op;

  if (self->signer == NULL || a->opening_key || sr_key_exchange_get_content_key (a->exchange) != NULL)
    return;
  row = sr_store_get_content_key (self->store, self->network, a->infohash, self->payout_text, &error);
  if (row == NULL)
    {
      if (error != NULL)
        g_warning ("Seeding: a kept key could not be read: %s", error->message);
      return;
    }
  a->opening_key = TRUE;
  op = g_new0 (KeyOpen, 1);
  op->self = g_object_ref (self);
  op->torrent = g_object_ref (a->torrent);
  sr_content_keys_open_async (self->signer, row, self->cancellable, key_opened_cb, op);
}

/* ---- attaching ---- */

static void
on_receipt_stored (SrReceipts *receipts,
                   const char *peer,
                   const char *view_id,
                   guint64     bytes,
                   gpointer    user_data)
{
  SrSeeding *self = user_data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->attached);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Attachment *) value)->receipts == receipts)
      g_signal_emit (self, signals[RECEIPT_STORED], 0, ((Attachment *) value)->torrent, peer, view_id, bytes);
}

/* The exchange and the receipts learn who a peer is from its HELLO, which
 * comes once, when it connects: peers already connected to a torrent we
 * attach to late (e.g. while its poster came in) are made to greet again. */
static void
reconnect_if_greeted (SrTorrent *torrent)
{
  g_autoptr(GArray) peers = sr_torrent_list_extension_peers (torrent);

  if (peers == NULL || peers->len == 0)
    return;
  sr_torrent_pause (torrent);
  sr_torrent_resume (torrent);
}

static void
attach (SrSeeding *self,
        SrTorrent *torrent)
{
  g_autoptr(GError) error = NULL;
  SrKeyExchangeTitle title = { 0 };
  Attachment *a;
  Title *t;

  if (g_hash_table_contains (self->attached, torrent))
    return;
  t = lookup_title (self, torrent);
  if (t == NULL)
    return;
  title.chain_id = self->chain_id;
  memcpy (title.registry, sr_registry_get_address (self->registry), SR_ADDRESS_LEN);
  memcpy (title.payout, self->payout, SR_ADDRESS_LEN);
  if (!sr_u256_parse (t->content_id, title.content_id, &error) ||
      !decode_infohash (t->infohash, title.infohash, &error))
    {
      g_warning ("Seeding: title %s is not usable: %s", t->content_id, error->message);
      return;
    }
  a = g_new0 (Attachment, 1);
  a->torrent = g_object_ref (torrent);
  a->infohash = g_strdup (t->infohash);
  a->exchange = sr_key_exchange_new (torrent, self->registry, &title);
  a->receipts = sr_receipts_new (torrent, self->registry, self->store, self->network, &title);
  a->stored_id = g_signal_connect (a->receipts, "receipt-stored", G_CALLBACK (on_receipt_stored), self);
  g_hash_table_insert (self->attached, torrent, a);
  open_kept_key (self, a);
  reconnect_if_greeted (torrent);
}

static void
on_torrent_added (SrTorrentSession *session,
                  SrTorrent        *torrent,
                  SrSeeding        *self)
{
  if (lookup_title (self, torrent) == NULL)
    load_titles (self);   /* the catalog may have grown since */
  attach (self, torrent);
}

static void
on_torrent_removed (SrTorrentSession *session,
                    SrTorrent        *torrent,
                    SrSeeding        *self)
{
  g_hash_table_remove (self->attached, torrent);
}

static void
attach_all (SrSeeding *self)
{
  g_autoptr(GPtrArray) torrents = sr_torrent_session_list_torrents (self->session);

  for (guint i = 0; torrents != NULL && i < torrents->len; i++)
    attach (self, torrents->pdata[i]);
}

void
sr_seeding_refresh (SrSeeding *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (SR_IS_SEEDING (self));
  load_titles (self);
  attach_all (self);
  g_hash_table_iter_init (&iter, self->attached);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    open_kept_key (self, value);
}

void
sr_seeding_add_title (SrSeeding  *self,
                      const char *content_id,
                      const char *infohash)
{
  Title *t;

  g_return_if_fail (SR_IS_SEEDING (self));
  g_return_if_fail (content_id != NULL && infohash != NULL);

  t = g_new0 (Title, 1);
  t->content_id = g_strdup (content_id);
  t->infohash = g_ascii_strdown (infohash, -1);
  g_hash_table_replace (self->added, g_strdup (t->infohash), t);
  attach_all (self);
}

static Attachment *
find_attachment (SrSeeding  *self,
                 SrTorrent  *torrent,
                 GError    **error)
{
  Attachment *a = g_hash_table_lookup (self->attached, torrent);

  if (a == NULL)
    {
      /* The catalog may have learnt of it since. */
      load_titles (self);
      attach (self, torrent);
      a = g_hash_table_lookup (self->attached, torrent);
    }
  if (a == NULL)
    g_set_error (error, SR_SEEDING_ERROR, SR_SEEDING_ERROR_NOT_A_TITLE,
                 _("“%s” is not a title of this network’s catalog"), sr_torrent_get_name (torrent));
  return a;
}

SrKeyExchange *
sr_seeding_get_key_exchange (SrSeeding *self,
                             SrTorrent *torrent)
{
  Attachment *a;

  g_return_val_if_fail (SR_IS_SEEDING (self), NULL);
  a = g_hash_table_lookup (self->attached, torrent);
  return a != NULL ? a->exchange : NULL;
}

SrReceipts *
sr_seeding_get_receipts (SrSeeding *self,
                         SrTorrent *torrent)
{
  Attachment *a;

  g_return_val_if_fail (SR_IS_SEEDING (self), NULL);
  a = g_hash_table_lookup (self->attached, torrent);
  return a != NULL ? a->receipts : NULL;
}

SrTorrent *
sr_seeding_find_torrent (SrSeeding  *self,
                         const char *infohash)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SR_IS_SEEDING (self), NULL);
  g_hash_table_iter_init (&iter, self->attached);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_ascii_strcasecmp (((Attachment *) value)->infohash, infohash) == 0)
      return ((Attachment *) value)->torrent;
  return NULL;
}

const char *
sr_seeding_get_network (SrSeeding *self)
{
  g_return_val_if_fail (SR_IS_SEEDING (self), NULL);
  return self->network;
}

const char *
sr_seeding_get_payout (SrSeeding *self)
{
  g_return_val_if_fail (SR_IS_SEEDING (self), NULL);
  return self->payout_text;
}

SrTorrentSession *
sr_seeding_get_session (SrSeeding *self)
{
  g_return_val_if_fail (SR_IS_SEEDING (self), NULL);
  return self->session;
}

/* ---- the creator's key ---- */

typedef struct {
  char *infohash;
  GBytes *key;
} AddKey;

static void
add_key_free (gpointer data)
{
  AddKey *ak = data;

  g_free (ak->infohash);
  g_bytes_unref (ak->key);
  g_free (ak);
}

static void
owner_public_key_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSeeding *self = g_task_get_source_object (task);
  AddKey *ak = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) public_key = sr_content_keys_owner_public_key_finish (result, &error);
  g_autoptr(SrStoreContentKey) row = NULL;
  guint8 infohash[32];

  if (public_key != NULL && decode_infohash (ak->infohash, infohash, &error))
    row = sr_content_keys_seal_for_owner (infohash, self->payout_text, g_bytes_get_data (public_key, NULL),
                                          ak->key, &error);
  if (row == NULL || !sr_store_put_content_key (self->store, self->network, row, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
sr_seeding_add_key_async (SrSeeding           *self,
                          SrTorrent           *torrent,
                          GBytes              *key,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  SrKeyExchangeTitle title = { 0 };
  Attachment *a;
  AddKey *ak;

  g_return_if_fail (SR_IS_SEEDING (self));
  g_return_if_fail (SR_IS_TORRENT (torrent));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_seeding_add_key_async);
  a = find_attachment (self, torrent, &error);
  if (a == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sr_key_exchange_set_content_key (a->exchange, key);
  mark_in_use (a);
  if (self->signer == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The title’s key cannot be kept without a wallet"));
      return;
    }
  ak = g_new0 (AddKey, 1);
  ak->infohash = g_strdup (a->infohash);
  ak->key = g_bytes_ref (key);
  g_task_set_task_data (task, ak, add_key_free);
  title.chain_id = self->chain_id;
  memcpy (title.registry, sr_registry_get_address (self->registry), SR_ADDRESS_LEN);
  memcpy (title.payout, self->payout, SR_ADDRESS_LEN);
  decode_infohash (a->infohash, title.infohash, NULL);
  sr_content_keys_owner_public_key_async (self->signer, self->payout_text, &title, cancellable,
                                          owner_public_key_cb, g_steal_pointer (&task));
}

gboolean
sr_seeding_add_key_finish (SrSeeding     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the viewer's key ---- */

typedef struct {
  SrTorrent *torrent;
  guint8 view_id[SR_U256_LEN];
  guint8 key_check[SR_KEY_CHECK_LEN];
} Fetch;

static void
fetch_free (gpointer data)
{
  Fetch *f = data;

  g_clear_object (&f->torrent);
  g_free (f);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSeeding *self = g_task_get_source_object (task);
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SrSealedKey sealed;
  g_autoptr(GBytes) key = sr_key_exchange_fetch_key_finish (SR_KEY_EXCHANGE (source), result, &sealed, &error);
  Attachment *a = g_hash_table_lookup (self->attached, f->torrent);

  if (key == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (a != NULL)
    {
      guint8 infohash[32];
      g_autoptr(SrStoreContentKey) row = NULL;

      decode_infohash (a->infohash, infohash, NULL);
      row = sr_content_keys_from_sealed (infohash, self->payout_text, &sealed);
      /* Without it the key is still served until we quit. */
      if (!sr_store_put_content_key (self->store, self->network, row, &error))
        g_warning ("Seeding: the title’s key was not kept: %s", error->message);
    }
  g_task_return_pointer (task, g_steal_pointer (&key), (GDestroyNotify) g_bytes_unref);
}

static void
kept_key_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SrSeeding *self = g_task_get_source_object (task);
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GBytes) key = sr_content_keys_open_finish (result, NULL);
  Attachment *a = g_hash_table_lookup (self->attached, f->torrent);
  guint8 check[SR_KEY_CHECK_LEN];

  if (key != NULL)
    sr_key_check_compute (g_bytes_get_data (key, NULL), g_bytes_get_size (key), check);
  if (key != NULL && memcmp (check, f->key_check, sizeof check) == 0 && a != NULL)
    {
      sr_key_exchange_set_content_key (a->exchange, key);
      g_task_return_pointer (task, g_steal_pointer (&key), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (a == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The title was removed"));
      return;
    }
  /* A kept key that does not open or fit: ask the peers again. */
  sr_key_exchange_fetch_key_async (a->exchange, self->signer, self->payout_text, f->view_id, f->key_check,
                                   g_task_get_cancellable (task), fetched_cb, g_steal_pointer (&task));
}

void
sr_seeding_fetch_key_async (SrSeeding           *self,
                            SrTorrent           *torrent,
                            const guint8         view_id[SR_U256_LEN],
                            const guint8        *key_check,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SrStoreContentKey) row = NULL;
  GError *error = NULL;
  GBytes *key;
  Attachment *a;
  Fetch *f;

  g_return_if_fail (SR_IS_SEEDING (self));
  g_return_if_fail (SR_IS_TORRENT (torrent));
  g_return_if_fail (view_id != NULL && key_check != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_seeding_fetch_key_async);
  a = find_attachment (self, torrent, &error);
  if (a == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  mark_in_use (a);
  key = sr_key_exchange_get_content_key (a->exchange);
  if (key != NULL)
    {
      g_task_return_pointer (task, g_bytes_ref (key), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (self->signer == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("A wallet is needed to receive the title’s key"));
      return;
    }
  f = g_new0 (Fetch, 1);
  f->torrent = g_object_ref (torrent);
  memcpy (f->view_id, view_id, SR_U256_LEN);
  memcpy (f->key_check, key_check, SR_KEY_CHECK_LEN);
  g_task_set_task_data (task, f, fetch_free);

  row = sr_store_get_content_key (self->store, self->network, a->infohash, self->payout_text, NULL);
  if (row != NULL)
    {
      sr_content_keys_open_async (self->signer, row, cancellable, kept_key_cb, g_steal_pointer (&task));
      return;
    }
  sr_key_exchange_fetch_key_async (a->exchange, self->signer, self->payout_text, view_id, key_check,
                                   cancellable, fetched_cb, g_steal_pointer (&task));
}

GBytes *
sr_seeding_fetch_key_finish (SrSeeding     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the viewer's receipts ---- */

typedef struct {
  guint pending;
  GError *first_error;
} Flush;

/* One flush of one torrent's receipts at a time; later requests wait for it. */
typedef struct _FlushRun {
  SrSeeding *self;
  SrTorrent *torrent;
  GPtrArray *waiters;          /* of GTask (sr_seeding_flush_async) */
} FlushRun;

static void
flush_free (gpointer data)
{
  Flush *fl = data;

  g_clear_error (&fl->first_error);
  g_free (fl);
}

static void
flush_done (GTask *task)
{
  Flush *fl = g_task_get_task_data (task);

  if (fl->pending > 0)
    return;
  if (fl->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&fl->first_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_flushed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FlushRun *run = user_data;
  g_autoptr(GError) error = NULL;
  Attachment *a;

  if (!sr_receipts_flush_finish (SR_RECEIPTS (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Seeding: %s", error->message);
  a = g_hash_table_lookup (run->self->attached, run->torrent);
  if (a != NULL && a->run == run)
    a->run = NULL;
  for (guint i = 0; i < run->waiters->len; i++)
    {
      GTask *task = run->waiters->pdata[i];
      Flush *fl = g_task_get_task_data (task);

      if (error != NULL && fl->first_error == NULL)
        fl->first_error = g_error_copy (error);
      fl->pending--;
      flush_done (task);
    }
  g_ptr_array_unref (run->waiters);
  g_object_unref (run->torrent);
  g_object_unref (run->self);
  g_free (run);
}

static void
flush_attachment (SrSeeding  *self,
                  Attachment *a,
                  guint       timeout_s,
                  GTask      *waiter)
{
  if (a->run == NULL)
    {
      FlushRun *run = g_new0 (FlushRun, 1);

      run->self = g_object_ref (self);
      run->torrent = g_object_ref (a->torrent);
      run->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      a->run = run;
      sr_receipts_flush_async (a->receipts, timeout_s, self->cancellable, run_flushed_cb, run);
    }
  if (waiter != NULL)
    {
      ((Flush *) g_task_get_task_data (waiter))->pending++;
      g_ptr_array_add (a->run->waiters, g_object_ref (waiter));
    }
}

/* The last bytes of a download are receipted at once, not at the next
 * interval: the seeders may be gone by the time we quit. */
static void
on_progress (SrTorrent  *torrent,
             GParamSpec *pspec,
             gpointer    user_data)
{
  SrSeeding *self = user_data;
  Attachment *a = g_hash_table_lookup (self->attached, torrent);

  if (a == NULL || sr_torrent_get_progress (torrent) < 1.0)
    return;
  g_clear_signal_handler (&a->progress_id, a->torrent);
  flush_attachment (self, a, 10, NULL);
}

gboolean
sr_seeding_start_viewing (SrSeeding     *self,
                          SrTorrent     *torrent,
                          const guint8   view_id[SR_U256_LEN],
                          GError       **error)
{
  Attachment *a;

  g_return_val_if_fail (SR_IS_SEEDING (self), FALSE);
  g_return_val_if_fail (SR_IS_TORRENT (torrent), FALSE);

  a = find_attachment (self, torrent, error);
  if (a == NULL)
    return FALSE;
  if (self->signer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("A wallet is needed to sign seeding receipts"));
      return FALSE;
    }
  sr_receipts_start_viewing (a->receipts, self->signer, self->payout_text, view_id);
  a->viewing = TRUE;
  mark_in_use (a);
  /* A small title may be complete before anyone watches it. */
  if (sr_torrent_get_progress (torrent) >= 1.0)
    flush_attachment (self, a, 10, NULL);
  else if (a->progress_id == 0)
    a->progress_id = g_signal_connect (torrent, "notify::progress", G_CALLBACK (on_progress), self);
  return TRUE;
}

void
sr_seeding_flush_async (SrSeeding           *self,
                        SrTorrent           *torrent,
                        guint                timeout_s,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  gpointer value;
  Flush *fl = g_new0 (Flush, 1);

  g_return_if_fail (SR_IS_SEEDING (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_seeding_flush_async);
  g_task_set_task_data (task, fl, flush_free);
  fl->pending = 1;
  g_hash_table_iter_init (&iter, self->attached);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Attachment *a = value;

      if (a->viewing && (torrent == NULL || a->torrent == torrent))
        flush_attachment (self, a, timeout_s, task);
    }
  fl->pending--;
  flush_done (task);
}

gboolean
sr_seeding_flush_finish (SrSeeding     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- object ---- */

SrSeeding *
sr_seeding_new (SrTorrentSession *session,
                SrRegistry       *registry,
                SrStore          *store,
                const char       *network,
                guint64           chain_id,
                const guint8      payout[SR_ADDRESS_LEN],
                SrSigner         *signer)
{
  SrSeeding *self;

  g_return_val_if_fail (SR_IS_TORRENT_SESSION (session), NULL);
  g_return_val_if_fail (SR_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (SR_IS_STORE (store), NULL);
  g_return_val_if_fail (network != NULL && payout != NULL, NULL);
  g_return_val_if_fail (signer == NULL || SR_IS_SIGNER (signer), NULL);

  self = g_object_new (SR_TYPE_SEEDING, NULL);
  self->session = g_object_ref (session);
  self->registry = g_object_ref (registry);
  self->store = g_object_ref (store);
  self->signer = signer != NULL ? g_object_ref (signer) : NULL;
  self->network = g_strdup (network);
  self->chain_id = chain_id;
  memcpy (self->payout, payout, SR_ADDRESS_LEN);
  self->payout_text = sr_address_to_checksum (payout);
  self->handlers[0] = g_signal_connect (session, "torrent-added", G_CALLBACK (on_torrent_added), self);
  self->handlers[1] = g_signal_connect (session, "torrent-removed", G_CALLBACK (on_torrent_removed), self);
  sr_seeding_refresh (self);
  return self;
}

static void
sr_seeding_dispose (GObject *object)
{
  SrSeeding *self = SR_SEEDING (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->key_retry_id, g_source_remove);
  if (self->session != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      g_clear_signal_handler (&self->handlers[i], self->session);
  if (self->attached != NULL)
    g_hash_table_remove_all (self->attached);
  g_clear_object (&self->session);
  g_clear_object (&self->registry);
  g_clear_object (&self->store);
  g_clear_object (&self->signer);

  G_OBJECT_CLASS (sr_seeding_parent_class)->dispose (object);
}

static void
sr_seeding_finalize (GObject *object)
{
  SrSeeding *self = SR_SEEDING (object);

  g_clear_pointer (&self->titles, g_hash_table_unref);
  g_clear_pointer (&self->added, g_hash_table_unref);
  g_clear_pointer (&self->attached, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_free (self->network);
  g_free (self->payout_text);

  G_OBJECT_CLASS (sr_seeding_parent_class)->finalize (object);
}

static void
sr_seeding_class_init (SrSeedingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_seeding_dispose;
  object_class->finalize = sr_seeding_finalize;

  /* (torrent, peer address, view id in decimal, bytes): a viewer's receipt
   * for what we seeded was kept and acknowledged. */
  signals[RECEIPT_STORED] = g_signal_new ("receipt-stored", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 4, SR_TYPE_TORRENT, G_TYPE_STRING,
                                          G_TYPE_STRING, G_TYPE_UINT64);
}

static void
sr_seeding_init (SrSeeding *self)
{
  self->titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, title_free);
  self->added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, title_free);
  self->attached = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, attachment_free);
  self->cancellable = g_cancellable_new ();
}

/* sr-catalog.c: catalog sync from the registry's events (see sr-catalog.h).
 *
 * One sync is a chain of async steps on the catalog's main context:
 *   latest block → is our cursor block still there? (if not: find the
 *   newest kept block that is, roll back above it) → for each range up to
 *   the latest block: the range end's hash, ContentPublished logs, the
 *   account's ViewPurchased logs → one store transaction → the model.
 */
#include "config.h"

#define G_LOG_DOMAIN "Seedreel-market"

#include <glib/gi18n.h>
#include <string.h>

#include "chain/sr-registry.h"
#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-u256.h"
#include "market/sr-catalog.h"
#include "store/sr-store-catalog.h"

/* Metadata beyond this is not kept: the title still appears, unnamed. */
#define MAX_METADATA_BYTES (64 * 1024)

struct _SrCatalog
{
  GObject parent_instance;

  SrRpcClient *rpc;
  SrStore *store;
  guint64 chain_id;
  guint8 registry[SR_ADDRESS_LEN];
  gboolean has_account;
  guint8 account[SR_ADDRESS_LEN];
  char *account_text;
  char *network;

  guint64 start_block;
  guint64 block_range;
  guint poll_interval;

  GPtrArray *titles;          /* SrCatalogTitle, publication order */
  GHashTable *by_id;          /* content id → SrCatalogTitle (borrowed) */

  guint64 synced_block;
  gboolean syncing;
  char *last_error;
  guint64 fetched;
  guint64 skipped;

  guint poll_source;
  GCancellable *follow_cancellable;
  GTask *running;             /* the sync in progress */
  GPtrArray *waiters;         /* GTask: sync_async calls waiting on it */
};

static void sr_catalog_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrCatalog, sr_catalog, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, sr_catalog_list_model_init))

enum {
  PROP_0,
  PROP_SYNCED_BLOCK,
  PROP_SYNCING,
  PROP_LAST_ERROR,
  PROP_N_ITEMS,
  N_PROPS
};

enum {
  SIGNAL_SYNCED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- GListModel ------------------------------------------------------- */

static GType
sr_catalog_get_item_type (GListModel *model)
{
  return SR_TYPE_CATALOG_TITLE;
}

static guint
sr_catalog_get_n_items (GListModel *model)
{
  return SR_CATALOG (model)->titles->len;
}

static gpointer
sr_catalog_get_item (GListModel *model,
                     guint       position)
{
  SrCatalog *self = SR_CATALOG (model);

  if (position >= self->titles->len)
    return NULL;
  return g_object_ref (self->titles->pdata[position]);
}

static void
sr_catalog_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sr_catalog_get_item_type;
  iface->get_n_items = sr_catalog_get_n_items;
  iface->get_item = sr_catalog_get_item;
}

/* ---- GObject ---------------------------------------------------------- */

static void
sr_catalog_dispose (GObject *object)
{
  SrCatalog *self = SR_CATALOG (object);

  sr_catalog_stop (self);
  g_clear_object (&self->rpc);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sr_catalog_parent_class)->dispose (object);
}

static void
sr_catalog_finalize (GObject *object)
{
  SrCatalog *self = SR_CATALOG (object);

  g_ptr_array_unref (self->titles);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->waiters);
  g_free (self->account_text);
  g_free (self->network);
  g_free (self->last_error);

  G_OBJECT_CLASS (sr_catalog_parent_class)->finalize (object);
}

static void
sr_catalog_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SrCatalog *self = SR_CATALOG (object);

  switch (prop_id)
    {
    case PROP_SYNCED_BLOCK: g_value_set_uint64 (value, self->synced_block); break;
    case PROP_SYNCING: g_value_set_boolean (value, self->syncing); break;
    case PROP_LAST_ERROR: g_value_set_string (value, self->last_error); break;
    case PROP_N_ITEMS: g_value_set_uint (value, self->titles->len); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_catalog_class_init (SrCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sr_catalog_dispose;
  object_class->finalize = sr_catalog_finalize;
  object_class->get_property = sr_catalog_get_property;

  properties[PROP_SYNCED_BLOCK] = g_param_spec_uint64 ("synced-block", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_SYNCING] = g_param_spec_boolean ("syncing", NULL, NULL, FALSE, flags);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, flags);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After every sync that completed (with or without changes). */
  signals[SIGNAL_SYNCED] = g_signal_new ("synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sr_catalog_init (SrCatalog *self)
{
  self->titles = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->block_range = SR_CATALOG_DEFAULT_BLOCK_RANGE;
  self->poll_interval = SR_CATALOG_DEFAULT_POLL_MS;
}

char *
sr_catalog_network_key (guint64      chain_id,
                        const guint8 registry[SR_ADDRESS_LEN])
{
  g_autofree char *hex = sr_hex_encode (registry, SR_ADDRESS_LEN);

  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%s", chain_id, hex);
}

/* ---- the model's contents --------------------------------------------- */

static void
append_titles (SrCatalog *self,
               GPtrArray *rows)
{
  guint position = self->titles->len, added = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      SrCatalogTitle *title = sr_catalog_title_new_from_store (rows->pdata[i]);
      SrCatalogTitle *old = g_hash_table_lookup (self->by_id, sr_catalog_title_get_content_id (title));

      if (old != NULL)
        {
          /* The same id seen again (a range read twice): the newer row wins. */
          guint index = 0;

          if (g_ptr_array_find (self->titles, old, &index))
            {
              sr_catalog_title_set_view_id (title, sr_catalog_title_get_view_id (old));
              g_hash_table_replace (self->by_id, (gpointer) sr_catalog_title_get_content_id (title), title);
              g_ptr_array_index (self->titles, index) = title;
              g_object_unref (old);
              g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 1);
            }
          continue;
        }
      g_hash_table_insert (self->by_id, (gpointer) sr_catalog_title_get_content_id (title), title);
      g_ptr_array_add (self->titles, title);
      added++;
    }
  if (added > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, added);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
}

static void
apply_purchases (SrCatalog *self,
                 GPtrArray *rows)
{
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      SrStorePurchase *p = rows->pdata[i];
      SrCatalogTitle *title = g_hash_table_lookup (self->by_id, p->content_id);

      if (title != NULL && sr_catalog_title_get_view_id (title) == NULL)
        sr_catalog_title_set_view_id (title, p->view_id);
    }
}

/* Titles come in publication order, so what a rollback removes is a tail. */
static void
remove_titles_above (SrCatalog *self,
                     guint64    block)
{
  guint keep = self->titles->len, removed;

  while (keep > 0 && sr_catalog_title_get_block_number (self->titles->pdata[keep - 1]) > block)
    keep--;
  removed = self->titles->len - keep;
  for (guint i = keep; i < self->titles->len; i++)
    g_hash_table_remove (self->by_id, sr_catalog_title_get_content_id (self->titles->pdata[i]));
  if (removed == 0)
    return;
  g_ptr_array_remove_range (self->titles, keep, removed);
  g_list_model_items_changed (G_LIST_MODEL (self), keep, removed, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Purchases above @block were rolled back too: forget them, then put back
 * the ones the store still has. */
static gboolean
reload_purchases (SrCatalog  *self,
                  GError    **error)
{
  g_autoptr(GPtrArray) purchases = NULL;

  if (!self->has_account)
    return TRUE;
  purchases = sr_store_catalog_list_purchases (self->store, self->network, self->account_text, error);
  if (purchases == NULL)
    return FALSE;
  for (guint i = 0; i < self->titles->len; i++)
    {
      SrCatalogTitle *title = self->titles->pdata[i];
      gboolean found = FALSE;

      for (guint j = 0; j < purchases->len && !found; j++)
        found = g_str_equal (((SrStorePurchase *) purchases->pdata[j])->content_id,
                             sr_catalog_title_get_content_id (title));
      if (!found)
        sr_catalog_title_set_view_id (title, NULL);
    }
  apply_purchases (self, purchases);
  return TRUE;
}

static void
set_synced_block (SrCatalog *self,
                  guint64    block)
{
  if (self->synced_block == block)
    return;
  self->synced_block = block;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED_BLOCK]);
}

static void
set_last_error (SrCatalog  *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

SrCatalog *
sr_catalog_new (SrRpcClient   *rpc,
                SrStore       *store,
                guint64        chain_id,
                const guint8   registry[SR_ADDRESS_LEN],
                const guint8  *account,
                GError       **error)
{
  g_autoptr(SrCatalog) self = NULL;
  g_autoptr(GPtrArray) rows = NULL, blocks = NULL;
  g_autofree char *account_key = NULL, *synced_for = NULL;

  g_return_val_if_fail (SR_IS_RPC_CLIENT (rpc), NULL);
  g_return_val_if_fail (SR_IS_STORE (store), NULL);

  self = g_object_new (SR_TYPE_CATALOG, NULL);
  self->rpc = g_object_ref (rpc);
  self->store = g_object_ref (store);
  self->chain_id = chain_id;
  memcpy (self->registry, registry, SR_ADDRESS_LEN);
  self->network = sr_catalog_network_key (chain_id, registry);
  if (account != NULL)
    {
      self->has_account = TRUE;
      memcpy (self->account, account, SR_ADDRESS_LEN);
      self->account_text = sr_address_to_checksum (account);
    }

  /* Purchases were read for one account; another one's need a full pass.
   * Without an account (the CLI's listing), keep following the last one's. */
  account_key = g_strdup_printf ("catalog-account:%s", self->network);
  synced_for = sr_store_get_value (store, account_key, error);
  if (synced_for == NULL && error != NULL && *error != NULL)
    return NULL;
  if (account == NULL && synced_for != NULL && synced_for[0] != '\0' &&
      sr_address_parse (synced_for, self->account, NULL))
    {
      self->has_account = TRUE;
      self->account_text = sr_address_to_checksum (self->account);
    }
  if (g_strcmp0 (synced_for, self->account_text != NULL ? self->account_text : "") != 0)
    {
      if (synced_for != NULL && !sr_store_catalog_reset (store, self->network, error))
        return NULL;
      if (!sr_store_set_value (store, account_key, self->account_text != NULL ? self->account_text : "", error))
        return NULL;
    }

  rows = sr_store_catalog_list_titles (store, self->network, error);
  if (rows == NULL)
    return NULL;
  append_titles (self, rows);
  if (!reload_purchases (self, error))
    return NULL;
  blocks = sr_store_catalog_list_blocks (store, self->network, error);
  if (blocks == NULL)
    return NULL;
  if (blocks->len > 0)
    self->synced_block = ((SrStoreBlock *) blocks->pdata[0])->number;
  return g_steal_pointer (&self);
}

void
sr_catalog_set_start_block (SrCatalog *self,
                            guint64    block)
{
  g_return_if_fail (SR_IS_CATALOG (self));
  self->start_block = block;
}

void
sr_catalog_set_block_range (SrCatalog *self,
                            guint64    blocks)
{
  g_return_if_fail (SR_IS_CATALOG (self));
  self->block_range = MAX (blocks, 1);
}

void
sr_catalog_set_poll_interval (SrCatalog *self,
                              guint      interval_ms)
{
  g_return_if_fail (SR_IS_CATALOG (self));
  self->poll_interval = MAX (interval_ms, 10);
}

/* ---- one sync --------------------------------------------------------- */

typedef struct {
  SrCatalog *self;            /* strong */
  guint64 head;
  guint8 head_hash[32];
  GPtrArray *kept;            /* SrStoreBlock, newest first */
  guint64 from;
  guint64 to;
  guint64 range;
  guint8 to_hash[32];
  GPtrArray *titles;          /* SrStoreTitle for the range */
  GPtrArray *purchases;       /* SrStorePurchase for the range */
  guint restarts;
} SyncRun;

static void
sync_run_free (SyncRun *run)
{
  g_clear_object (&run->self);
  g_clear_pointer (&run->kept, g_ptr_array_unref);
  g_clear_pointer (&run->titles, g_ptr_array_unref);
  g_clear_pointer (&run->purchases, g_ptr_array_unref);
  g_free (run);
}

static void sync_begin (GTask *task);
static void sync_next_range (GTask *task);

static void
finish_sync (SrCatalog *self,
             GError    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->running);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->syncing = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
  set_last_error (self, error != NULL ? error->message : NULL);
  if (error == NULL)
    g_signal_emit (self, signals[SIGNAL_SYNCED], 0);
  for (guint i = 0; i < waiters->len; i++)
    {
      if (error != NULL)
        g_task_return_error (waiters->pdata[i], g_error_copy (error));
      else
        g_task_return_boolean (waiters->pdata[i], TRUE);
    }
  g_clear_error (&error);
}

static void
fail (GTask  *task,
      GError *error)
{
  SyncRun *run = g_task_get_task_data (task);

  finish_sync (run->self, error);
}

static JsonNode *
block_params (const char *tag_or_number)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, tag_or_number);
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

/* Reads number and hash from an eth_getBlockByNumber result; FALSE with
 * @error unset for a null result (no such block). */
static gboolean
parse_block (JsonNode  *node,
             guint64   *number,
             guint8     hash[32],
             GError   **error)
{
  JsonObject *object;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("The node sent a block that is not an object"));
      return FALSE;
    }
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "number") || !json_object_has_member (object, "hash"))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("The node sent a block without number or hash"));
      return FALSE;
    }
  return sr_rpc_parse_u64 (json_object_get_member (object, "number"), number, error) &&
         sr_rpc_parse_hash (json_object_get_member (object, "hash"), hash, error);
}

static char *
hash_text (const guint8 hash[32])
{
  return sr_hex_encode (hash, 32);
}

static void
rolled_back (GTask   *task,
             gboolean found,
             guint64  keep_through)
{
  SyncRun *run = g_task_get_task_data (task);
  SrCatalog *self = run->self;
  g_autoptr(GError) error = NULL;

  if (found)
    {
      g_message ("The chain was reorganised above block %" G_GUINT64_FORMAT "; reading the catalog again from there",
                 keep_through);
      if (!sr_store_catalog_rollback (self->store, self->network, keep_through, &error))
        {
          fail (task, g_steal_pointer (&error));
          return;
        }
      remove_titles_above (self, keep_through);
      set_synced_block (self, keep_through);
      run->from = keep_through + 1;
    }
  else
    {
      g_message ("The chain was reorganised below every block the catalog remembers; reading it again");
      if (!sr_store_catalog_reset (self->store, self->network, &error))
        {
          fail (task, g_steal_pointer (&error));
          return;
        }
      /* No title lives in block 0: the registry was deployed after it. */
      remove_titles_above (self, 0);
      set_synced_block (self, 0);
      run->from = self->start_block;
    }
  if (!reload_purchases (self, &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  sync_next_range (task);
}

static void
kept_blocks_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(SrRpcBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  guint index = 0;

  batch = g_object_steal_data (G_OBJECT (task), "batch");
  if (!sr_rpc_client_batch_send_finish (SR_RPC_CLIENT (source), result, &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < run->kept->len; i++)
    {
      SrStoreBlock *kept = run->kept->pdata[i];
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *hex = NULL;
      guint8 hash[32];
      guint64 number = 0;

      if (kept->number > run->head)
        continue;
      node = sr_rpc_batch_get_result (batch, index++, &error);
      if (node == NULL)
        {
          fail (task, g_steal_pointer (&error));
          return;
        }
      if (!parse_block (node, &number, hash, &error))
        {
          if (error != NULL)
            {
              fail (task, g_steal_pointer (&error));
              return;
            }
          continue;
        }
      hex = hash_text (hash);
      if (number == kept->number && g_ascii_strcasecmp (hex, kept->hash) == 0)
        {
          rolled_back (task, TRUE, kept->number);
          return;
        }
    }
  rolled_back (task, FALSE, 0);
}

/* The cursor block is gone: find the newest kept block still on the chain. */
static void
find_fork (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);
  SrRpcBatch *batch = sr_rpc_client_batch_new (run->self->rpc);
  guint n = 0;

  for (guint i = 0; i < run->kept->len; i++)
    {
      SrStoreBlock *kept = run->kept->pdata[i];
      g_autofree char *number = NULL;
      g_autoptr(JsonNode) params = NULL;

      if (kept->number > run->head)
        continue;
      number = sr_rpc_format_u64 (kept->number);
      params = block_params (number);
      sr_rpc_batch_add (batch, "eth_getBlockByNumber", params);
      n++;
    }
  if (n == 0)
    {
      sr_rpc_batch_unref (batch);
      rolled_back (task, FALSE, 0);
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "batch", sr_rpc_batch_ref (batch), (GDestroyNotify) sr_rpc_batch_unref);
  sr_rpc_client_batch_send_async (run->self->rpc, batch, g_task_get_cancellable (task), kept_blocks_cb,
                                  g_object_ref (task));
  sr_rpc_batch_unref (batch);
}

static void
cursor_block_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  SrStoreBlock *cursor = run->kept->pdata[0];
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sr_rpc_client_call_finish (SR_RPC_CLIENT (source), result, &error);
  g_autofree char *hex = NULL;
  guint8 hash[32];
  guint64 number = 0;

  if (node == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (!parse_block (node, &number, hash, &error))
    {
      if (error != NULL)
        fail (task, g_steal_pointer (&error));
      else
        find_fork (task);
      return;
    }
  hex = hash_text (hash);
  if (number != cursor->number || g_ascii_strcasecmp (hex, cursor->hash) != 0)
    {
      find_fork (task);
      return;
    }
  run->from = cursor->number + 1;
  sync_next_range (task);
}

static void
head_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  SrCatalog *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sr_rpc_client_call_finish (SR_RPC_CLIENT (source), result, &error);
  SrStoreBlock *cursor;

  if (node == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (!parse_block (node, &run->head, run->head_hash, &error))
    {
      if (error == NULL)
        g_set_error (&error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("The node has no latest block"));
      fail (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&run->kept, g_ptr_array_unref);
  run->kept = sr_store_catalog_list_blocks (self->store, self->network, &error);
  if (run->kept == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (run->kept->len == 0)
    {
      run->from = self->start_block;
      sync_next_range (task);
      return;
    }
  cursor = run->kept->pdata[0];
  if (cursor->number <= run->head)
    {
      g_autofree char *hex = hash_text (run->head_hash);
      g_autofree char *number = NULL;
      g_autoptr(JsonNode) params = NULL;

      /* Nothing new: one request per poll. */
      if (cursor->number == run->head && g_ascii_strcasecmp (hex, cursor->hash) == 0)
        {
          run->from = run->head + 1;
          sync_next_range (task);
          return;
        }
      number = sr_rpc_format_u64 (cursor->number);
      params = block_params (number);
      sr_rpc_client_call_async (self->rpc, "eth_getBlockByNumber", params, g_task_get_cancellable (task),
                                cursor_block_cb, g_object_ref (task));
      return;
    }
  /* The chain is now shorter than where we stopped. */
  find_fork (task);
}

static void
sync_begin (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(JsonNode) params = block_params ("latest");

  sr_rpc_client_call_async (run->self->rpc, "eth_getBlockByNumber", params, g_task_get_cancellable (task),
                            head_cb, g_object_ref (task));
}

static JsonNode *
logs_filter (SrCatalog    *self,
             guint64       from,
             guint64       to,
             const guint8  topic0[32],
             const guint8 *viewer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *address = sr_hex_encode (self->registry, SR_ADDRESS_LEN);
  g_autofree char *from_text = sr_rpc_format_u64 (from);
  g_autofree char *to_text = sr_rpc_format_u64 (to);
  g_autofree char *topic = sr_hex_encode (topic0, 32);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, address);
  json_builder_set_member_name (builder, "fromBlock");
  json_builder_add_string_value (builder, from_text);
  json_builder_set_member_name (builder, "toBlock");
  json_builder_add_string_value (builder, to_text);
  json_builder_set_member_name (builder, "topics");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, topic);
  if (viewer != NULL)
    {
      guint8 word[32] = { 0 };
      g_autofree char *viewer_topic = NULL;

      memcpy (word + 12, viewer, SR_ADDRESS_LEN);
      viewer_topic = sr_hex_encode (word, 32);
      json_builder_add_null_value (builder);       /* viewId */
      json_builder_add_string_value (builder, viewer_topic);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
check_log_origin (SrCatalog      *self,
                  GTask          *task,
                  const SrRpcLog *log)
{
  SyncRun *run = g_task_get_task_data (task);

  if (log->removed || memcmp (log->address, self->registry, SR_ADDRESS_LEN) != 0 ||
      log->block_number < run->from || log->block_number > run->to)
    return FALSE;
  return TRUE;
}

/* A log of the range's last block from another fork than the hash we took
 * for it means a reorganisation happened while we read: start over. */
static gboolean
log_on_other_fork (SyncRun        *run,
                   const SrRpcLog *log)
{
  return log->block_number == run->to && memcmp (log->block_hash, run->to_hash, 32) != 0;
}

static void
skip_log (SrCatalog      *self,
          const SrRpcLog *log,
          const char     *what,
          const char     *why)
{
  g_autofree char *tx = sr_hex_encode (log->transaction_hash, 32);

  self->skipped++;
  g_warning ("Skipping a malformed %s log in block %" G_GUINT64_FORMAT " (transaction %s): %s",
             what, log->block_number, tx, why);
}

static void
commit_range (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);
  SrCatalog *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = hash_text (run->to_hash);
  SrStoreBlock cursor = { run->to, hash };

  if (!sr_store_catalog_apply (self->store, self->network, run->titles, run->purchases, &cursor,
                               SR_CATALOG_KEPT_BLOCKS, &error))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  append_titles (self, run->titles);
  apply_purchases (self, run->purchases);
  set_synced_block (self, run->to);
  g_clear_pointer (&run->titles, g_ptr_array_unref);
  g_clear_pointer (&run->purchases, g_ptr_array_unref);
  run->from = run->to + 1;
  sync_next_range (task);
}

static gboolean
restart_after_fork (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);

  g_clear_pointer (&run->titles, g_ptr_array_unref);
  g_clear_pointer (&run->purchases, g_ptr_array_unref);
  if (++run->restarts > 5)
    {
      fail (task, g_error_new (SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED,
                               _("The chain keeps changing under the catalog sync; it will try again")));
      return FALSE;
    }
  sync_begin (task);
  return TRUE;
}

static void
purchase_logs_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  SrCatalog *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) logs = sr_rpc_client_get_logs_finish (SR_RPC_CLIENT (source), result, &error);

  if (logs == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  run->purchases = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_store_purchase_free);
  for (guint i = 0; i < logs->len; i++)
    {
      const SrRpcLog *log = logs->pdata[i];
      g_autoptr(GError) decode_error = NULL;
      SrRegistryPurchase event;
      SrStorePurchase *row;

      if (!check_log_origin (self, task, log))
        continue;
      if (log_on_other_fork (run, log))
        {
          restart_after_fork (task);
          return;
        }
      if (!sr_registry_decode_view_purchased (log, &event, &decode_error))
        {
          skip_log (self, log, "ViewPurchased", decode_error->message);
          continue;
        }
      if (memcmp (event.viewer, self->account, SR_ADDRESS_LEN) != 0)
        continue;
      row = g_new0 (SrStorePurchase, 1);
      row->view_id = sr_u256_to_decimal (event.view_id);
      row->viewer = sr_address_to_checksum (event.viewer);
      row->content_id = sr_u256_to_decimal (event.content_id);
      row->block_number = log->block_number;
      row->block_hash = hash_text (log->block_hash);
      g_ptr_array_add (run->purchases, row);
    }
  commit_range (task);
}

static gboolean
range_refused (GTask        *task,
               const GError *error)
{
  SyncRun *run = g_task_get_task_data (task);

  /* Public nodes cap eth_getLogs by blocks or results: try a smaller range. */
  if (!g_error_matches (error, SR_RPC_ERROR, SR_RPC_ERROR_REMOTE) || run->to == run->from)
    return FALSE;
  run->range = MAX ((run->to - run->from + 1) / 2, 1);
  run->self->block_range = run->range;
  sync_next_range (task);
  return TRUE;
}

static void
published_logs_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  SrCatalog *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) logs = sr_rpc_client_get_logs_finish (SR_RPC_CLIENT (source), result, &error);

  if (logs == NULL)
    {
      if (!range_refused (task, error))
        fail (task, g_steal_pointer (&error));
      return;
    }
  run->titles = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_store_title_free);
  for (guint i = 0; i < logs->len; i++)
    {
      const SrRpcLog *log = logs->pdata[i];
      g_autoptr(GError) decode_error = NULL;
      SrRegistryPublished event = { 0 };
      SrStoreTitle *row;

      if (!check_log_origin (self, task, log))
        continue;
      if (log_on_other_fork (run, log))
        {
          restart_after_fork (task);
          return;
        }
      if (!sr_registry_decode_content_published (log, &event, &decode_error))
        {
          skip_log (self, log, "ContentPublished", decode_error->message);
          continue;
        }
      if (event.content.seeder_share_bps > 10000)
        {
          skip_log (self, log, "ContentPublished", "seeder share above 100 %");
          sr_registry_published_clear (&event);
          continue;
        }
      row = g_new0 (SrStoreTitle, 1);
      row->content_id = sr_u256_to_decimal (event.content_id);
      row->infohash = sr_hex_encode_bare (event.content.infohash, 32);
      row->creator = sr_address_to_checksum (event.content.creator);
      row->price = sr_u256_to_decimal (event.content.price);
      row->seeder_share_bps = event.content.seeder_share_bps;
      row->content_size = event.content.content_size;
      row->metadata = g_strdup (event.metadata != NULL && strlen (event.metadata) <= MAX_METADATA_BYTES
                                ? event.metadata : "");
      row->block_number = log->block_number;
      row->block_hash = hash_text (log->block_hash);
      row->log_index = log->log_index;
      g_ptr_array_add (run->titles, row);
      self->fetched++;
      sr_registry_published_clear (&event);
    }

  if (self->has_account)
    {
      guint8 topic[32];
      g_autoptr(JsonNode) filter = NULL;

      sr_registry_view_purchased_topic (topic);
      filter = logs_filter (self, run->from, run->to, topic, self->account);
      sr_rpc_client_get_logs_async (self->rpc, filter, g_task_get_cancellable (task), purchase_logs_cb,
                                    g_object_ref (task));
      return;
    }
  commit_range (task);
}

static void
read_range_logs (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);
  guint8 topic[32];
  g_autoptr(JsonNode) filter = NULL;

  sr_registry_content_published_topic (topic);
  filter = logs_filter (run->self, run->from, run->to, topic, NULL);
  sr_rpc_client_get_logs_async (run->self->rpc, filter, g_task_get_cancellable (task), published_logs_cb,
                                g_object_ref (task));
}

static void
range_end_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sr_rpc_client_call_finish (SR_RPC_CLIENT (source), result, &error);
  guint64 number = 0;

  if (node == NULL)
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  if (!parse_block (node, &number, run->to_hash, &error) || number != run->to)
    {
      /* The block vanished since we saw the head: the chain changed. */
      if (error != NULL)
        fail (task, g_steal_pointer (&error));
      else
        restart_after_fork (task);
      return;
    }
  read_range_logs (task);
}

static void
sync_next_range (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);
  SrCatalog *self = run->self;

  if (g_task_return_error_if_cancelled (task))
    {
      finish_sync (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The catalog sync was cancelled")));
      return;
    }
  if (run->from > run->head)
    {
      finish_sync (self, NULL);
      return;
    }
  if (run->range == 0)
    run->range = self->block_range;
  run->to = run->head - run->from + 1 > run->range ? run->from + run->range - 1 : run->head;
  if (run->to == run->head)
    {
      memcpy (run->to_hash, run->head_hash, 32);
      read_range_logs (task);
    }
  else
    {
      g_autofree char *number = sr_rpc_format_u64 (run->to);
      g_autoptr(JsonNode) params = block_params (number);

      sr_rpc_client_call_async (self->rpc, "eth_getBlockByNumber", params, g_task_get_cancellable (task),
                                range_end_cb, g_object_ref (task));
    }
}

void
sr_catalog_sync_async (SrCatalog           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) waiter = NULL;
  SyncRun *run;

  g_return_if_fail (SR_IS_CATALOG (self));

  waiter = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (waiter, sr_catalog_sync_async);
  g_ptr_array_add (self->waiters, g_steal_pointer (&waiter));
  /* Concurrent callers share the sync in progress. */
  if (self->running != NULL)
    return;

  self->running = g_task_new (self, cancellable, NULL, NULL);
  g_task_set_source_tag (self->running, sr_catalog_sync_async);
  run = g_new0 (SyncRun, 1);
  run->self = g_object_ref (self);
  g_task_set_task_data (self->running, run, (GDestroyNotify) sync_run_free);
  self->syncing = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
  sync_begin (self->running);
}

gboolean
sr_catalog_sync_finish (SrCatalog     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- following new blocks --------------------------------------------- */

static void
follow_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sr_catalog_sync_finish (SR_CATALOG (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Catalog sync failed: %s", error->message);
}

static gboolean
poll_cb (gpointer user_data)
{
  SrCatalog *self = user_data;

  if (self->running == NULL)
    sr_catalog_sync_async (self, self->follow_cancellable, follow_cb, NULL);
  return G_SOURCE_CONTINUE;
}

void
sr_catalog_start (SrCatalog *self)
{
  g_return_if_fail (SR_IS_CATALOG (self));

  if (self->poll_source != 0)
    return;
  g_clear_object (&self->follow_cancellable);
  self->follow_cancellable = g_cancellable_new ();
  poll_cb (self);
  self->poll_source = g_timeout_add (self->poll_interval, poll_cb, self);
}

void
sr_catalog_stop (SrCatalog *self)
{
  g_return_if_fail (SR_IS_CATALOG (self));

  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->follow_cancellable != NULL)
    g_cancellable_cancel (self->follow_cancellable);
  g_clear_object (&self->follow_cancellable);
}

/* ---- accessors -------------------------------------------------------- */

SrCatalogTitle *
sr_catalog_lookup (SrCatalog  *self,
                   const char *content_id)
{
  g_return_val_if_fail (SR_IS_CATALOG (self), NULL);
  return content_id != NULL ? g_hash_table_lookup (self->by_id, content_id) : NULL;
}

void
sr_catalog_note_purchase (SrCatalog  *self,
                          const char *content_id,
                          const char *view_id)
{
  SrCatalogTitle *title;

  g_return_if_fail (SR_IS_CATALOG (self));
  title = sr_catalog_lookup (self, content_id);
  if (title != NULL)
    sr_catalog_title_set_view_id (title, view_id);
}

const char *sr_catalog_get_network_key (SrCatalog *self) { return self->network; }
const guint8 *sr_catalog_get_registry (SrCatalog *self) { return self->registry; }
guint64 sr_catalog_get_chain_id (SrCatalog *self) { return self->chain_id; }
guint64 sr_catalog_get_synced_block (SrCatalog *self) { return self->synced_block; }
gboolean sr_catalog_get_syncing (SrCatalog *self) { return self->syncing; }
const char *sr_catalog_get_last_error (SrCatalog *self) { return self->last_error; }
guint64 sr_catalog_get_fetched_count (SrCatalog *self) { return self->fetched; }
guint64 sr_catalog_get_skipped_count (SrCatalog *self) { return self->skipped; }

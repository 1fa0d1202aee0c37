/* sr-registry.c: SeedreelRegistry calls, receipts and events, by hand-built
 * ABI encoding. Event logs come from the network: each is checked for its
 * topic count and data size before a field is read. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-eip712.h"
#include "sr-registry.h"

#define CONTENT_PUBLISHED "ContentPublished(uint256,address,bytes32,uint256,uint16,uint64,string)"
#define VIEW_PURCHASED "ViewPurchased(uint256,address,uint256,uint256,uint256)"
#define REWARD_CLAIMED "RewardClaimed(uint256,address,uint64,uint256)"

struct _SrRegistry
{
  GObject parent_instance;

  SrRpcClient *rpc;
  guint8 address[SR_ADDRESS_LEN];
};

G_DEFINE_FINAL_TYPE (SrRegistry, sr_registry, G_TYPE_OBJECT)

static void
set_invalid (GError    **error,
             const char *why)
{
  g_set_error (error, SR_ABI_ERROR, SR_ABI_ERROR_INVALID,
               _("The Seedreel registry answered with data Seedreel cannot decode (%s)"), why);
}

static gboolean
decode_u16 (GBytes   *data,
            guint     index,
            guint16  *out,
            GError  **error)
{
  guint64 value;

  if (!sr_abi_decode_uint64 (data, index, &value, error))
    return FALSE;
  if (value > G_MAXUINT16)
    {
      set_invalid (error, _("a share is out of range"));
      return FALSE;
    }
  *out = (guint16) value;
  return TRUE;
}

/* ---- call data -------------------------------------------------------- */

GBytes *
sr_registry_encode_publish (const guint8  infohash[32],
                            const guint8  price[SR_U256_LEN],
                            guint16       seeder_share_bps,
                            guint64       content_size,
                            const char   *metadata)
{
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("publish(bytes32,uint256,uint16,uint64,string)");

  g_return_val_if_fail (metadata != NULL, NULL);

  sr_abi_encoder_add_word (encoder, infohash);
  sr_abi_encoder_add_uint256 (encoder, price);
  sr_abi_encoder_add_uint64 (encoder, seeder_share_bps);
  sr_abi_encoder_add_uint64 (encoder, content_size);
  sr_abi_encoder_add_string (encoder, metadata);
  return sr_abi_encoder_finish (encoder);
}

GBytes *
sr_registry_encode_buy_view (const guint8 content_id[SR_U256_LEN])
{
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("buyView(uint256)");

  sr_abi_encoder_add_uint256 (encoder, content_id);
  return sr_abi_encoder_finish (encoder);
}

GBytes *
sr_registry_encode_buy_view_with_permit (const guint8 content_id[SR_U256_LEN],
                                         const guint8 deadline[SR_U256_LEN],
                                         const guint8 signature[65])
{
  g_autoptr(SrAbiEncoder) encoder =
    sr_abi_encoder_new ("buyViewWithPermit(uint256,uint256,uint8,bytes32,bytes32)");

  sr_abi_encoder_add_uint256 (encoder, content_id);
  sr_abi_encoder_add_uint256 (encoder, deadline);
  sr_abi_encoder_add_uint64 (encoder, 27 + signature[64]);
  sr_abi_encoder_add_word (encoder, signature);
  sr_abi_encoder_add_word (encoder, signature + 32);
  return sr_abi_encoder_finish (encoder);
}

GBytes *
sr_registry_encode_withdraw (void)
{
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("withdraw()");

  return sr_abi_encoder_finish (encoder);
}

GBytes *
sr_registry_encode_reclaim_expired_pool (const guint8 view_id[SR_U256_LEN])
{
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("reclaimExpiredPool(uint256)");

  sr_abi_encoder_add_uint256 (encoder, view_id);
  return sr_abi_encoder_finish (encoder);
}

GBytes *
sr_registry_encode_claim (const SrRegistryReceipt  *receipts,
                          const guint8            (*signatures)[65],
                          guint                     n_receipts)
{
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("claim((uint256,address,uint64)[],bytes[])");
  g_autoptr(SrAbiEncoder) tuples = sr_abi_encoder_new (NULL);
  g_autoptr(SrAbiEncoder) blobs = sr_abi_encoder_new (NULL);

  g_return_val_if_fail (n_receipts == 0 || (receipts != NULL && signatures != NULL), NULL);

  for (guint i = 0; i < n_receipts; i++)
    {
      guint8 signature[65];

      sr_abi_encoder_add_uint256 (tuples, receipts[i].view_id);
      sr_abi_encoder_add_address (tuples, receipts[i].seeder);
      sr_abi_encoder_add_uint64 (tuples, receipts[i].bytes);

      /* ECDSA.recover wants r ‖ s ‖ v with v 27 or 28. */
      memcpy (signature, signatures[i], 64);
      signature[64] = 27 + signatures[i][64];
      sr_abi_encoder_add_bytes (blobs, signature, sizeof signature);
    }
  sr_abi_encoder_add_array (encoder, n_receipts, tuples);
  sr_abi_encoder_add_array (encoder, n_receipts, blobs);
  return sr_abi_encoder_finish (encoder);
}

static void
add_type_field (JsonBuilder *builder,
                const char  *name,
                const char  *type)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_end_object (builder);
}

static JsonNode *
receipt_typed_data_node (guint64                   chain_id,
                         const guint8              registry[SR_ADDRESS_LEN],
                         const SrRegistryReceipt  *receipt)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *registry_text = sr_address_to_checksum (registry);
  g_autofree char *seeder_text = sr_address_to_checksum (receipt->seeder);
  g_autofree char *view_text = sr_u256_to_decimal (receipt->view_id);
  g_autofree char *bytes_text = g_strdup_printf ("%" G_GUINT64_FORMAT, receipt->bytes);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "types");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "EIP712Domain");
  json_builder_begin_array (builder);
  add_type_field (builder, "name", "string");
  add_type_field (builder, "version", "string");
  add_type_field (builder, "chainId", "uint256");
  add_type_field (builder, "verifyingContract", "address");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "Receipt");
  json_builder_begin_array (builder);
  add_type_field (builder, "viewId", "uint256");
  add_type_field (builder, "seeder", "address");
  add_type_field (builder, "bytes", "uint64");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "primaryType");
  json_builder_add_string_value (builder, "Receipt");

  json_builder_set_member_name (builder, "domain");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Seedreel");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, "1");
  json_builder_set_member_name (builder, "chainId");
  json_builder_add_int_value (builder, (gint64) chain_id);
  json_builder_set_member_name (builder, "verifyingContract");
  json_builder_add_string_value (builder, registry_text);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "viewId");
  json_builder_add_string_value (builder, view_text);
  json_builder_set_member_name (builder, "seeder");
  json_builder_add_string_value (builder, seeder_text);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_string_value (builder, bytes_text);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gboolean
sr_registry_receipt_digest (guint64                   chain_id,
                            const guint8              registry[SR_ADDRESS_LEN],
                            const SrRegistryReceipt  *receipt,
                            guint8                    digest[32],
                            GError                  **error)
{
  g_autoptr(JsonNode) root = receipt_typed_data_node (chain_id, registry, receipt);
  SrEip712Hashes hashes;

  if (!sr_eip712_hash_node (root, &hashes, error))
    return FALSE;
  memcpy (digest, hashes.digest, 32);
  return TRUE;
}

char *
sr_registry_receipt_typed_data (guint64                   chain_id,
                                const guint8              registry[SR_ADDRESS_LEN],
                                const SrRegistryReceipt  *receipt)
{
  g_autoptr(JsonNode) root = receipt_typed_data_node (chain_id, registry, receipt);

  return json_to_string (root, FALSE);
}

/* ---- views ------------------------------------------------------------ */

typedef gpointer (*DecodeFunc) (GBytes *data, GError **error);

static void
registry_call_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DecodeFunc decode = (DecodeFunc) g_task_get_task_data (task);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  data = sr_rpc_client_eth_call_finish (SR_RPC_CLIENT (source), result, &error);
  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (data) == 0)
    {
      g_task_return_new_error (task, SR_ABI_ERROR, SR_ABI_ERROR_INVALID,
                               _("There is no Seedreel registry at this address on this network"));
      return;
    }
  value = decode (data, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, g_free);
}

static void
registry_call (SrRegistry          *self,
               SrAbiEncoder        *encoder,  /* transfer full */
               DecodeFunc           decode,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(SrAbiEncoder) owned = encoder;
  g_autoptr(GBytes) data = sr_abi_encoder_finish (owned);
  SrRpcCallRequest request = { 0 };
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, (gpointer) decode, NULL);
  request.to = self->address;
  request.data = data;
  sr_rpc_client_eth_call_async (self->rpc, &request, "latest", cancellable, registry_call_done, task);
}

static gboolean
registry_finish (SrRegistry    *self,
                 GAsyncResult  *result,
                 gpointer       source_tag,
                 gpointer       out,
                 gsize          size,
                 GError       **error)
{
  g_autofree gpointer value = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value == NULL)
    return FALSE;
  memcpy (out, value, size);
  return TRUE;
}

static gpointer
decode_content (GBytes  *data,
                GError **error)
{
  g_autofree SrRegistryContent *content = g_new0 (SrRegistryContent, 1);

  if (!sr_abi_decode_address (data, 0, content->creator, error) ||
      !sr_abi_decode_word (data, 1, content->infohash, error) ||
      !sr_abi_decode_uint256 (data, 2, content->price, error) ||
      !decode_u16 (data, 3, &content->seeder_share_bps, error) ||
      !sr_abi_decode_uint64 (data, 4, &content->content_size, error))
    return NULL;
  return g_steal_pointer (&content);
}

static gpointer
decode_view (GBytes  *data,
             GError **error)
{
  g_autofree SrRegistryView *view = g_new0 (SrRegistryView, 1);

  if (!sr_abi_decode_address (data, 0, view->viewer, error) ||
      !sr_abi_decode_uint256 (data, 1, view->content_id, error) ||
      !sr_abi_decode_uint256 (data, 2, view->pool, error) ||
      !sr_abi_decode_uint256 (data, 3, view->paid_out, error) ||
      !sr_abi_decode_uint64 (data, 4, &view->purchased_at, error) ||
      !sr_abi_decode_bool (data, 5, &view->reclaimed, error))
    return NULL;
  return g_steal_pointer (&view);
}

static gpointer
decode_u64_boxed (GBytes  *data,
                  GError **error)
{
  guint64 value;

  if (!sr_abi_decode_uint64 (data, 0, &value, error))
    return NULL;
  return g_memdup2 (&value, sizeof value);
}

static gpointer
decode_u256_boxed (GBytes  *data,
                   GError **error)
{
  guint8 value[SR_U256_LEN];

  if (!sr_abi_decode_uint256 (data, 0, value, error))
    return NULL;
  return g_memdup2 (value, sizeof value);
}

void
sr_registry_content_info_async (SrRegistry          *self,
                                const guint8         content_id[SR_U256_LEN],
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SrAbiEncoder *encoder = sr_abi_encoder_new ("contentInfo(uint256)");

  g_return_if_fail (SR_IS_REGISTRY (self));

  sr_abi_encoder_add_uint256 (encoder, content_id);
  registry_call (self, encoder, decode_content, sr_registry_content_info_async, cancellable, callback, user_data);
}

gboolean
sr_registry_content_info_finish (SrRegistry         *self,
                                 GAsyncResult       *result,
                                 SrRegistryContent  *content,
                                 GError            **error)
{
  return registry_finish (self, result, sr_registry_content_info_async, content, sizeof *content, error);
}

void
sr_registry_view_info_async (SrRegistry          *self,
                             const guint8         view_id[SR_U256_LEN],
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  SrAbiEncoder *encoder = sr_abi_encoder_new ("viewInfo(uint256)");

  g_return_if_fail (SR_IS_REGISTRY (self));

  sr_abi_encoder_add_uint256 (encoder, view_id);
  registry_call (self, encoder, decode_view, sr_registry_view_info_async, cancellable, callback, user_data);
}

gboolean
sr_registry_view_info_finish (SrRegistry      *self,
                              GAsyncResult    *result,
                              SrRegistryView  *view,
                              GError         **error)
{
  return registry_finish (self, result, sr_registry_view_info_async, view, sizeof *view, error);
}

void
sr_registry_paid_bytes_async (SrRegistry          *self,
                              const guint8         view_id[SR_U256_LEN],
                              const guint8         seeder[SR_ADDRESS_LEN],
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SrAbiEncoder *encoder = sr_abi_encoder_new ("paidBytes(uint256,address)");

  g_return_if_fail (SR_IS_REGISTRY (self));

  sr_abi_encoder_add_uint256 (encoder, view_id);
  sr_abi_encoder_add_address (encoder, seeder);
  registry_call (self, encoder, decode_u64_boxed, sr_registry_paid_bytes_async, cancellable, callback, user_data);
}

gboolean
sr_registry_paid_bytes_finish (SrRegistry    *self,
                               GAsyncResult  *result,
                               guint64       *bytes,
                               GError       **error)
{
  return registry_finish (self, result, sr_registry_paid_bytes_async, bytes, sizeof *bytes, error);
}

void
sr_registry_creator_balance_async (SrRegistry          *self,
                                   const guint8         creator[SR_ADDRESS_LEN],
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  SrAbiEncoder *encoder = sr_abi_encoder_new ("creatorBalance(address)");

  g_return_if_fail (SR_IS_REGISTRY (self));

  sr_abi_encoder_add_address (encoder, creator);
  registry_call (self, encoder, decode_u256_boxed, sr_registry_creator_balance_async,
                 cancellable, callback, user_data);
}

gboolean
sr_registry_creator_balance_finish (SrRegistry    *self,
                                    GAsyncResult  *result,
                                    guint8         balance[SR_U256_LEN],
                                    GError       **error)
{
  return registry_finish (self, result, sr_registry_creator_balance_async, balance, SR_U256_LEN, error);
}

/* ---- events ----------------------------------------------------------- */

void
sr_registry_content_published_topic (guint8 topic[32])
{
  sr_abi_event_topic (CONTENT_PUBLISHED, topic);
}

void
sr_registry_view_purchased_topic (guint8 topic[32])
{
  sr_abi_event_topic (VIEW_PURCHASED, topic);
}

void
sr_registry_reward_claimed_topic (guint8 topic[32])
{
  sr_abi_event_topic (REWARD_CLAIMED, topic);
}

static gboolean
check_event (const SrRpcLog *log,
             const char     *signature,
             guint           n_topics,
             GError        **error)
{
  guint8 topic[32];

  sr_abi_event_topic (signature, topic);
  if (log->n_topics != n_topics || memcmp (log->topics[0], topic, sizeof topic) != 0 || log->data == NULL)
    {
      set_invalid (error, _("not the expected event"));
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_registry_decode_content_published (const SrRpcLog       *log,
                                      SrRegistryPublished  *event,
                                      GError              **error)
{
  g_autofree char *metadata = NULL;

  g_return_val_if_fail (log != NULL && event != NULL, FALSE);

  memset (event, 0, sizeof *event);
  if (!check_event (log, CONTENT_PUBLISHED, 4, error))
    return FALSE;
  memcpy (event->content_id, log->topics[1], SR_U256_LEN);
  if (!sr_abi_topic_to_address (log->topics[2], event->content.creator, error))
    return FALSE;
  memcpy (event->content.infohash, log->topics[3], 32);
  if (!sr_abi_decode_uint256 (log->data, 0, event->content.price, error) ||
      !decode_u16 (log->data, 1, &event->content.seeder_share_bps, error) ||
      !sr_abi_decode_uint64 (log->data, 2, &event->content.content_size, error) ||
      (metadata = sr_abi_decode_string (log->data, 3, error)) == NULL)
    return FALSE;
  event->metadata = g_steal_pointer (&metadata);
  return TRUE;
}

void
sr_registry_published_clear (SrRegistryPublished *event)
{
  g_clear_pointer (&event->metadata, g_free);
}

gboolean
sr_registry_decode_view_purchased (const SrRpcLog      *log,
                                   SrRegistryPurchase  *event,
                                   GError             **error)
{
  g_return_val_if_fail (log != NULL && event != NULL, FALSE);

  memset (event, 0, sizeof *event);
  if (!check_event (log, VIEW_PURCHASED, 4, error))
    return FALSE;
  memcpy (event->view_id, log->topics[1], SR_U256_LEN);
  memcpy (event->content_id, log->topics[3], SR_U256_LEN);
  return sr_abi_topic_to_address (log->topics[2], event->viewer, error) &&
         sr_abi_decode_uint256 (log->data, 0, event->price, error) &&
         sr_abi_decode_uint256 (log->data, 1, event->pool, error);
}

gboolean
sr_registry_decode_reward_claimed (const SrRpcLog    *log,
                                   SrRegistryReward  *event,
                                   GError           **error)
{
  g_return_val_if_fail (log != NULL && event != NULL, FALSE);

  memset (event, 0, sizeof *event);
  if (!check_event (log, REWARD_CLAIMED, 3, error))
    return FALSE;
  memcpy (event->view_id, log->topics[1], SR_U256_LEN);
  return sr_abi_topic_to_address (log->topics[2], event->seeder, error) &&
         sr_abi_decode_uint64 (log->data, 0, &event->byte_count, error) &&
         sr_abi_decode_uint256 (log->data, 1, event->amount, error);
}

/* ---- object ----------------------------------------------------------- */

static void
sr_registry_dispose (GObject *object)
{
  SrRegistry *self = SR_REGISTRY (object);

  g_clear_object (&self->rpc);

  G_OBJECT_CLASS (sr_registry_parent_class)->dispose (object);
}

static void
sr_registry_class_init (SrRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sr_registry_dispose;
}

static void
sr_registry_init (SrRegistry *self)
{
}

SrRegistry *
sr_registry_new (SrRpcClient  *rpc,
                 const guint8  address[SR_ADDRESS_LEN])
{
  SrRegistry *self;

  g_return_val_if_fail (SR_IS_RPC_CLIENT (rpc), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  self = g_object_new (SR_TYPE_REGISTRY, NULL);
  self->rpc = g_object_ref (rpc);
  memcpy (self->address, address, SR_ADDRESS_LEN);
  return self;
}

const guint8 *
sr_registry_get_address (SrRegistry *self)
{
  g_return_val_if_fail (SR_IS_REGISTRY (self), NULL);

  return self->address;
}

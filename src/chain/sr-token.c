/* sr-token.c: ERC-20 calls with hand-built ABI encoding. A token contract
 * is code someone else deployed: its answers are decoded strictly (a
 * decimals() above 77 or a symbol that is not UTF-8 is an error, not a
 * value shown to the user). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-eip712.h"
#include "crypto/sr-hex.h"
#include "sr-token.h"

/* 10^77 is the largest power of ten below 2^256. */
#define MAX_DECIMALS 77

struct _SrToken
{
  GObject parent_instance;

  SrRpcClient *rpc;
  guint8 address[SR_ADDRESS_LEN];
};

G_DEFINE_FINAL_TYPE (SrToken, sr_token, G_TYPE_OBJECT)

typedef gpointer (*DecodeFunc) (GBytes *data, GError **error);

typedef struct {
  DecodeFunc decode;
  GDestroyNotify free_func;
} CallKind;

static void
token_call_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const CallKind *kind = g_task_get_task_data (task);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  data = sr_rpc_client_eth_call_finish (SR_RPC_CLIENT (source), result, &error);
  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* An address without code answers every call with empty data. */
  if (g_bytes_get_size (data) == 0)
    {
      g_task_return_new_error (task, SR_ABI_ERROR, SR_ABI_ERROR_INVALID,
                               _("There is no token contract at this address on this network"));
      return;
    }
  value = kind->decode (data, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, kind->free_func);
}

static void
token_call (SrToken             *self,
            SrAbiEncoder        *encoder,  /* transfer full */
            const CallKind      *kind,
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
  g_task_set_task_data (task, (gpointer) kind, NULL);
  request.to = self->address;
  request.data = data;
  sr_rpc_client_eth_call_async (self->rpc, &request, "latest", cancellable, token_call_done, task);
}

static gpointer
token_propagate (SrToken       *self,
                 GAsyncResult  *result,
                 gpointer       source_tag,
                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
decode_u256 (GBytes  *data,
             GError **error)
{
  guint8 value[SR_U256_LEN];

  if (!sr_abi_decode_uint256 (data, 0, value, error))
    return NULL;
  return g_memdup2 (value, sizeof value);
}

static gpointer
decode_decimals (GBytes  *data,
                 GError **error)
{
  guint64 value;

  if (!sr_abi_decode_uint64 (data, 0, &value, error))
    return NULL;
  if (value > MAX_DECIMALS)
    {
      g_set_error (error, SR_ABI_ERROR, SR_ABI_ERROR_INVALID,
                   _("The token claims %llu decimals, which no amount can have"), (unsigned long long) value);
      return NULL;
    }
  return g_memdup2 (&value, sizeof value);
}

static gpointer
decode_text (GBytes  *data,
             GError **error)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (data, &len);

  /* Some early tokens return bytes32 rather than string: one word,
   * NUL-padded. A real string takes at least two words. */
  if (len == SR_ABI_WORD_LEN)
    {
      gsize n = 0;

      while (n < len && p[n] != 0)
        n++;
      for (gsize i = n; i < len; i++)
        if (p[i] != 0)
          n = 0;
      if (n > 0 && g_utf8_validate_len ((const char *) p, n, NULL))
        return g_strndup ((const char *) p, n);
    }
  return sr_abi_decode_string (data, 0, error);
}

static const CallKind u256_kind = { decode_u256, g_free };
static const CallKind decimals_kind = { decode_decimals, g_free };
static const CallKind text_kind = { decode_text, g_free };

static gboolean
finish_u256 (SrToken       *self,
             GAsyncResult  *result,
             gpointer       source_tag,
             guint8         out[SR_U256_LEN],
             GError       **error)
{
  g_autofree guint8 *value = token_propagate (self, result, source_tag, error);

  if (value == NULL)
    return FALSE;
  memcpy (out, value, SR_U256_LEN);
  return TRUE;
}

void
sr_token_balance_of_async (SrToken             *self,
                           const guint8         owner[SR_ADDRESS_LEN],
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  SrAbiEncoder *encoder = sr_abi_encoder_new ("balanceOf(address)");

  g_return_if_fail (SR_IS_TOKEN (self));

  sr_abi_encoder_add_address (encoder, owner);
  token_call (self, encoder, &u256_kind, sr_token_balance_of_async, cancellable, callback, user_data);
}

gboolean
sr_token_balance_of_finish (SrToken       *self,
                            GAsyncResult  *result,
                            guint8         balance[SR_U256_LEN],
                            GError       **error)
{
  return finish_u256 (self, result, sr_token_balance_of_async, balance, error);
}

void
sr_token_allowance_async (SrToken             *self,
                          const guint8         owner[SR_ADDRESS_LEN],
                          const guint8         spender[SR_ADDRESS_LEN],
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  SrAbiEncoder *encoder = sr_abi_encoder_new ("allowance(address,address)");

  g_return_if_fail (SR_IS_TOKEN (self));

  sr_abi_encoder_add_address (encoder, owner);
  sr_abi_encoder_add_address (encoder, spender);
  token_call (self, encoder, &u256_kind, sr_token_allowance_async, cancellable, callback, user_data);
}

gboolean
sr_token_allowance_finish (SrToken       *self,
                           GAsyncResult  *result,
                           guint8         allowance[SR_U256_LEN],
                           GError       **error)
{
  return finish_u256 (self, result, sr_token_allowance_async, allowance, error);
}

void
sr_token_nonces_async (SrToken             *self,
                       const guint8         owner[SR_ADDRESS_LEN],
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  SrAbiEncoder *encoder = sr_abi_encoder_new ("nonces(address)");

  g_return_if_fail (SR_IS_TOKEN (self));

  sr_abi_encoder_add_address (encoder, owner);
  token_call (self, encoder, &u256_kind, sr_token_nonces_async, cancellable, callback, user_data);
}

gboolean
sr_token_nonces_finish (SrToken       *self,
                        GAsyncResult  *result,
                        guint8         nonce[SR_U256_LEN],
                        GError       **error)
{
  return finish_u256 (self, result, sr_token_nonces_async, nonce, error);
}

void
sr_token_decimals_async (SrToken             *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (SR_IS_TOKEN (self));

  token_call (self, sr_abi_encoder_new ("decimals()"), &decimals_kind, sr_token_decimals_async,
              cancellable, callback, user_data);
}

gboolean
sr_token_decimals_finish (SrToken       *self,
                          GAsyncResult  *result,
                          guint         *decimals,
                          GError       **error)
{
  g_autofree guint64 *value = token_propagate (self, result, sr_token_decimals_async, error);

  if (value == NULL)
    return FALSE;
  *decimals = (guint) *value;
  return TRUE;
}

void
sr_token_symbol_async (SrToken             *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (SR_IS_TOKEN (self));

  token_call (self, sr_abi_encoder_new ("symbol()"), &text_kind, sr_token_symbol_async,
              cancellable, callback, user_data);
}

char *
sr_token_symbol_finish (SrToken       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return token_propagate (self, result, sr_token_symbol_async, error);
}

void
sr_token_name_async (SrToken             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (SR_IS_TOKEN (self));

  token_call (self, sr_abi_encoder_new ("name()"), &text_kind, sr_token_name_async,
              cancellable, callback, user_data);
}

char *
sr_token_name_finish (SrToken       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  return token_propagate (self, result, sr_token_name_async, error);
}

GBytes *
sr_token_encode_transfer (const guint8 to[SR_ADDRESS_LEN],
                          const guint8 amount[SR_U256_LEN])
{
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("transfer(address,uint256)");

  sr_abi_encoder_add_address (encoder, to);
  sr_abi_encoder_add_uint256 (encoder, amount);
  return sr_abi_encoder_finish (encoder);
}

GBytes *
sr_token_encode_approve (const guint8 spender[SR_ADDRESS_LEN],
                         const guint8 amount[SR_U256_LEN])
{
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("approve(address,uint256)");

  sr_abi_encoder_add_address (encoder, spender);
  sr_abi_encoder_add_uint256 (encoder, amount);
  return sr_abi_encoder_finish (encoder);
}

GBytes *
sr_token_encode_permit (const guint8 owner[SR_ADDRESS_LEN],
                        const guint8 spender[SR_ADDRESS_LEN],
                        const guint8 value[SR_U256_LEN],
                        const guint8 deadline[SR_U256_LEN],
                        const guint8 signature[65])
{
  g_autoptr(SrAbiEncoder) encoder =
    sr_abi_encoder_new ("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)");

  sr_abi_encoder_add_address (encoder, owner);
  sr_abi_encoder_add_address (encoder, spender);
  sr_abi_encoder_add_uint256 (encoder, value);
  sr_abi_encoder_add_uint256 (encoder, deadline);
  /* ecrecover's v is 27 or 28. */
  sr_abi_encoder_add_uint64 (encoder, 27 + signature[64]);
  sr_abi_encoder_add_word (encoder, signature);
  sr_abi_encoder_add_word (encoder, signature + 32);
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

static void
add_address_member (JsonBuilder  *builder,
                    const char   *name,
                    const guint8 *address)
{
  g_autofree char *text = sr_address_to_checksum (address);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

static void
add_u256_member (JsonBuilder  *builder,
                 const char   *name,
                 const guint8 *value)
{
  g_autofree char *text = sr_u256_to_decimal (value);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

gboolean
sr_token_permit_digest (const SrTokenPermit  *permit,
                        guint8                digest[32],
                        GError              **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  SrEip712Hashes hashes;

  g_return_val_if_fail (permit != NULL && permit->token_name != NULL, FALSE);
  g_return_val_if_fail (permit->token != NULL && permit->owner != NULL && permit->spender != NULL, FALSE);
  g_return_val_if_fail (permit->value != NULL && permit->nonce != NULL && permit->deadline != NULL, FALSE);

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
  json_builder_set_member_name (builder, "Permit");
  json_builder_begin_array (builder);
  add_type_field (builder, "owner", "address");
  add_type_field (builder, "spender", "address");
  add_type_field (builder, "value", "uint256");
  add_type_field (builder, "nonce", "uint256");
  add_type_field (builder, "deadline", "uint256");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "primaryType");
  json_builder_add_string_value (builder, "Permit");

  json_builder_set_member_name (builder, "domain");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, permit->token_name);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, permit->version != NULL ? permit->version : "1");
  json_builder_set_member_name (builder, "chainId");
  json_builder_add_int_value (builder, (gint64) permit->chain_id);
  add_address_member (builder, "verifyingContract", permit->token);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  add_address_member (builder, "owner", permit->owner);
  add_address_member (builder, "spender", permit->spender);
  add_u256_member (builder, "value", permit->value);
  add_u256_member (builder, "nonce", permit->nonce);
  add_u256_member (builder, "deadline", permit->deadline);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  if (!sr_eip712_hash_node (root, &hashes, error))
    return FALSE;
  memcpy (digest, hashes.digest, 32);
  return TRUE;
}

gboolean
sr_token_decode_transfer_log (const SrRpcLog  *log,
                              guint8           from[SR_ADDRESS_LEN],
                              guint8           to[SR_ADDRESS_LEN],
                              guint8           value[SR_U256_LEN],
                              GError         **error)
{
  guint8 topic[SR_ABI_WORD_LEN];

  g_return_val_if_fail (log != NULL, FALSE);

  sr_abi_event_topic ("Transfer(address,address,uint256)", topic);
  /* ERC-721 shares the first topic but indexes the third argument. */
  if (log->n_topics != 3 || memcmp (log->topics[0], topic, sizeof topic) != 0 ||
      log->data == NULL || g_bytes_get_size (log->data) != SR_ABI_WORD_LEN)
    {
      g_set_error (error, SR_ABI_ERROR, SR_ABI_ERROR_INVALID, _("This log is not an ERC-20 Transfer event"));
      return FALSE;
    }
  return sr_abi_topic_to_address (log->topics[1], from, error) &&
         sr_abi_topic_to_address (log->topics[2], to, error) &&
         sr_abi_decode_uint256 (log->data, 0, value, error);
}

static void
sr_token_dispose (GObject *object)
{
  SrToken *self = SR_TOKEN (object);

  g_clear_object (&self->rpc);

  G_OBJECT_CLASS (sr_token_parent_class)->dispose (object);
}

static void
sr_token_class_init (SrTokenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_token_dispose;
}

static void
sr_token_init (SrToken *self)
{
}

SrToken *
sr_token_new (SrRpcClient  *rpc,
              const guint8  address[SR_ADDRESS_LEN])
{
  SrToken *self;

  g_return_val_if_fail (SR_IS_RPC_CLIENT (rpc), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  self = g_object_new (SR_TYPE_TOKEN, NULL);
  self->rpc = g_object_ref (rpc);
  memcpy (self->address, address, SR_ADDRESS_LEN);
  return self;
}

const guint8 *
sr_token_get_address (SrToken *self)
{
  g_return_val_if_fail (SR_IS_TOKEN (self), NULL);

  return self->address;
}

/* sr-purchase.c: the buy flow (see sr-purchase.h). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chain/sr-registry.h"
#include "chain/sr-token.h"
#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-u256.h"
#include "market/sr-purchase.h"

G_DEFINE_QUARK (sr-purchase-error-quark, sr_purchase_error)

typedef struct {
  SrTxManager *manager;
  SrRpcClient *rpc;
  SrToken *token;
  guint8 registry[SR_ADDRESS_LEN];
  guint8 from[SR_ADDRESS_LEN];
  guint8 content_id[SR_U256_LEN];
  guint8 price[SR_U256_LEN];
  char *key;                   /* idempotency key prefix of this attempt */
  SrPurchaseProgressFunc progress;
  gpointer progress_data;
  gboolean buying;
} Purchase;

static void
purchase_free (Purchase *p)
{
  g_clear_object (&p->manager);
  g_clear_object (&p->rpc);
  g_clear_object (&p->token);
  g_free (p->key);
  g_free (p);
}

static void send_buy (GTask *task);

/* Big-endian 256-bit words compare as bytes. */
static int
u256_cmp (const guint8 a[SR_U256_LEN],
          const guint8 b[SR_U256_LEN])
{
  return memcmp (a, b, SR_U256_LEN);
}

static void
receipt_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Purchase *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRpcReceipt) receipt = sr_rpc_client_get_receipt_finish (SR_RPC_CLIENT (source), result, &error);
  guint8 topic[32];

  if (receipt == NULL)
    {
      if (error == NULL)
        g_set_error (&error, SR_PURCHASE_ERROR, SR_PURCHASE_ERROR_NO_VIEW,
                     _("The node no longer has the purchase’s receipt"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sr_registry_view_purchased_topic (topic);
  for (guint i = 0; i < receipt->logs->len; i++)
    {
      const SrRpcLog *log = receipt->logs->pdata[i];
      SrRegistryPurchase event;

      if (log->n_topics == 0 || memcmp (log->topics[0], topic, 32) != 0 ||
          memcmp (log->address, p->registry, SR_ADDRESS_LEN) != 0 ||
          !sr_registry_decode_view_purchased (log, &event, NULL))
        continue;
      if (memcmp (event.viewer, p->from, SR_ADDRESS_LEN) == 0 &&
          memcmp (event.content_id, p->content_id, SR_U256_LEN) == 0)
        {
          g_task_return_pointer (task, sr_u256_to_decimal (event.view_id), g_free);
          return;
        }
    }
  g_task_return_new_error (task, SR_PURCHASE_ERROR, SR_PURCHASE_ERROR_NO_VIEW,
                           _("The purchase was included but its receipt names no view for this account"));
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Purchase *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) done = sr_tx_manager_wait_finish (SR_TX_MANAGER (source), result, &error);
  guint8 hash[32];

  if (done == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (done->state == SR_STORE_TX_FAILED)
    {
      g_task_return_new_error (task, SR_PURCHASE_ERROR, SR_PURCHASE_ERROR_REVERTED,
                               p->buying ? _("The purchase was included in block %lld but reverted; nothing was paid")
                                         : _("The approval was included in block %lld but reverted"),
                               (long long) done->block_number);
      return;
    }
  if (done->state != SR_STORE_TX_MINED)
    {
      g_task_return_new_error (task, SR_PURCHASE_ERROR, SR_PURCHASE_ERROR_REPLACED,
                               _("Another transaction from this account took the purchase’s place; nothing was bought"));
      return;
    }
  if (!p->buying)
    {
      send_buy (task);
      return;
    }
  if (!sr_hex_decode_fixed (done->hash, hash, 32, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sr_rpc_client_get_receipt_async (p->rpc, hash, g_task_get_cancellable (task), receipt_cb, g_object_ref (task));
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Purchase *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) sent = sr_tx_manager_send_finish (SR_TX_MANAGER (source), result, &error);

  if (sent == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (p->progress != NULL)
    p->progress (p->buying ? SR_PURCHASE_STAGE_BUYING : SR_PURCHASE_STAGE_APPROVING, sent->hash, p->progress_data);
  sr_tx_manager_wait_async (p->manager, sent->id, g_task_get_cancellable (task), waited_cb, g_object_ref (task));
}

static void
send_call (GTask        *task,
           const guint8  to[SR_ADDRESS_LEN],
           GBytes       *data,
           const char   *suffix)
{
  Purchase *p = g_task_get_task_data (task);
  g_autofree char *key = g_strdup_printf ("%s-%s", p->key, suffix);
  SrTxRequest request = { 0 };

  request.has_to = TRUE;
  memcpy (request.to, to, SR_ADDRESS_LEN);
  request.data = data;
  sr_tx_manager_send_async (p->manager, &request, key, g_task_get_cancellable (task), sent_cb, g_object_ref (task));
}

static void
send_buy (GTask *task)
{
  Purchase *p = g_task_get_task_data (task);
  g_autoptr(GBytes) data = sr_registry_encode_buy_view (p->content_id);

  p->buying = TRUE;
  send_call (task, p->registry, data, "view");
}

static void
allowance_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Purchase *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint8 allowance[SR_U256_LEN];

  if (!sr_token_allowance_finish (SR_TOKEN (source), result, allowance, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (u256_cmp (allowance, p->price) >= 0)
    send_buy (task);
  else
    {
      /* Exactly the price: the registry can take no more than this view. */
      g_autoptr(GBytes) data = sr_token_encode_approve (p->registry, p->price);
      send_call (task, sr_token_get_address (p->token), data, "approve");
    }
}

static void
balance_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Purchase *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint8 balance[SR_U256_LEN];

  if (!sr_token_balance_of_finish (SR_TOKEN (source), result, balance, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (u256_cmp (balance, p->price) < 0)
    {
      g_task_return_new_error (task, SR_PURCHASE_ERROR, SR_PURCHASE_ERROR_INSUFFICIENT_FUNDS,
                               _("This account holds fewer SEED tokens than the price; nothing was sent"));
      return;
    }
  sr_token_allowance_async (p->token, p->from, p->registry, g_task_get_cancellable (task), allowance_cb,
                            g_object_ref (task));
}

void
sr_purchase_buy_async (SrTxManager            *manager,
                       SrRpcClient            *rpc,
                       const guint8            registry[SR_ADDRESS_LEN],
                       const guint8            token[SR_ADDRESS_LEN],
                       const char             *content_id,
                       const char             *price,
                       SrPurchaseProgressFunc  progress,
                       gpointer                progress_data,
                       GCancellable           *cancellable,
                       GAsyncReadyCallback     callback,
                       gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  Purchase *p;

  g_return_if_fail (SR_IS_TX_MANAGER (manager));
  g_return_if_fail (SR_IS_RPC_CLIENT (rpc));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_purchase_buy_async);
  p = g_new0 (Purchase, 1);
  g_task_set_task_data (task, p, (GDestroyNotify) purchase_free);
  p->manager = g_object_ref (manager);
  p->rpc = g_object_ref (rpc);
  p->token = sr_token_new (rpc, token);
  p->progress = progress;
  p->progress_data = progress_data;
  memcpy (p->registry, registry, SR_ADDRESS_LEN);
  p->key = g_strdup_printf ("buy-%s-%s", content_id != NULL ? content_id : "", uuid);
  if (!sr_address_parse (sr_tx_manager_get_from (manager), p->from, &error) ||
      !sr_u256_parse (content_id, p->content_id, &error) ||
      !sr_u256_parse (price, p->price, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sr_token_balance_of_async (p->token, p->from, cancellable, balance_cb, g_object_ref (task));
}

char *
sr_purchase_buy_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

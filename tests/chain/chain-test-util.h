/* chain-test-util.h: small helpers shared by the chain tests: waiting for
 * an async result on the default main context, sending a transaction to
 * inclusion, and running the pinned `cast` as an independent oracle. */
#pragma once

#include <gio/gio.h>
#include <string.h>

#include "chain/sr-tx-manager.h"
#include "crypto/sr-hex.h"

/* Spins the default main context until *@slot holds a result. */
static inline void
chain_test_store_result (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static inline GAsyncResult *
chain_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Runs `cast ARGS…` and returns its trimmed standard output, or NULL when
 * the pinned cast is not available (the caller then skips). */
static inline char *
chain_test_cast (const char * const *args)
{
  const char *cast = g_getenv ("SEEDREEL_CAST");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (cast == NULL)
    return NULL;
  g_ptr_array_add (argv, (gpointer) cast);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("cast failed: %s", err);
  return g_strdup (g_strstrip (out));
}

/* Sends through @manager, waits until it is mined and returns its receipt,
 * which must report success. */
static inline SrRpcReceipt *
chain_test_transact (SrTxManager  *manager,
                     SrRpcClient  *rpc,
                     const guint8 *to,
                     GBytes       *data,
                     const char   *key)
{
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(SrStoreTransaction) sent = NULL, done = NULL;
  g_autoptr(GError) error = NULL;
  SrTxRequest request = { 0 };
  SrRpcReceipt *receipt;
  guint8 hash[32];

  request.has_to = to != NULL;
  if (to != NULL)
    memcpy (request.to, to, SR_ADDRESS_LEN);
  request.data = data;
  sr_tx_manager_send_async (manager, &request, key, NULL, chain_test_store_result, &r1);
  sent = sr_tx_manager_send_finish (manager, chain_test_wait (&r1), &error);
  g_assert_no_error (error);
  sr_tx_manager_wait_async (manager, sent->id, NULL, chain_test_store_result, &r2);
  done = sr_tx_manager_wait_finish (manager, chain_test_wait (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->state, ==, SR_STORE_TX_MINED);

  g_assert_true (sr_hex_decode_fixed (done->hash, hash, 32, NULL));
  sr_rpc_client_get_receipt_async (rpc, hash, NULL, chain_test_store_result, &r3);
  receipt = sr_rpc_client_get_receipt_finish (rpc, chain_test_wait (&r3), &error);
  g_assert_no_error (error);
  g_assert_nonnull (receipt);
  g_assert_true (receipt->status);
  return receipt;
}

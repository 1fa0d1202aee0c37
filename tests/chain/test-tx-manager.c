/* test-tx-manager.c: SrTxManager on a real anvil and a real SQLite file:
 * an ETH transfer checked with `cast`, record-before-broadcast with a
 * crash between the two, same-nonce speed-up and cancel with automine off,
 * and a signer that signs the wrong thing. */
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include "chain-test-util.h"
#include "chain/sr-tx-manager-private.h"
#include "crypto/sr-hex.h"
#include "sr-anvil-fixture.h"

#define RECIPIENT "0x00000000000000000000000000000000000bEEf1"
#define ONE_AND_HALF_ETH "1500000000000000000"

typedef struct {
  SrAnvil *anvil;
  char *dir;
  char *db_path;
  SrStore *store;
  SrRpcClient *rpc;
} Fixture;

/* Test-only signer: anvil's well-known first dev key, in-process. */
static void
dev_key_sign (const SrTx   *tx,
              GCancellable *cancellable,
              GTask        *task,
              gpointer      user_data)
{
  const char *key_hex = user_data;
  guint8 key[SR_PRIVATE_KEY_LEN];
  SrTx copy = *tx;
  GError *error = NULL;
  GBytes *raw;

  g_assert_true (sr_hex_decode_fixed (key_hex, key, sizeof key, NULL));
  if (!sr_tx_sign (&copy, key, &error) || (raw = sr_tx_encode_raw (&copy, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->anvil = sr_anvil_start (&error);
  g_assert_no_error (error);
  f->dir = g_dir_make_tmp ("seedreel-tx-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "seedreel.db", NULL);
  f->store = sr_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->rpc = sr_rpc_client_new (sr_anvil_get_rpc_url (f->anvil));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->rpc);
  g_clear_object (&f->store);
  g_unlink (f->db_path);
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db_path, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
  sr_anvil_stop (f->anvil);
}

static SrTxManager *
manager_new (Fixture    *f,
             const char *key_hex)
{
  guint8 from[SR_ADDRESS_LEN];
  SrTxManager *manager;

  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT0_ADDRESS, from, NULL));
  manager = sr_tx_manager_new (f->rpc, f->store, SR_ANVIL_CHAIN_ID, from, dev_key_sign,
                               (gpointer) key_hex, NULL);
  sr_tx_manager_set_poll_interval (manager, 50);
  return manager;
}

static void
transfer_request (SrTxRequest *request,
                  const char  *wei)
{
  memset (request, 0, sizeof *request);
  request->has_to = TRUE;
  g_assert_true (sr_address_parse (RECIPIENT, request->to, NULL));
  g_assert_true (sr_u256_parse (wei, request->value, NULL));
}

static SrStoreTransaction *
send (SrTxManager  *manager,
      const char   *wei,
      const char   *key,
      GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  SrTxRequest request;

  transfer_request (&request, wei);
  sr_tx_manager_send_async (manager, &request, key, NULL, chain_test_store_result, &result);
  return sr_tx_manager_send_finish (manager, chain_test_wait (&result), error);
}

static SrStoreTransaction *
wait_settled (SrTxManager *manager,
              gint64       id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SrStoreTransaction *tx;

  sr_tx_manager_wait_async (manager, id, NULL, chain_test_store_result, &result);
  tx = sr_tx_manager_wait_finish (manager, chain_test_wait (&result), &error);
  g_assert_no_error (error);
  return tx;
}

static char *
recipient_balance (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint8 address[SR_ADDRESS_LEN], wei[SR_U256_LEN];

  g_assert_true (sr_address_parse (RECIPIENT, address, NULL));
  sr_rpc_client_get_balance_async (f->rpc, address, "latest", NULL, chain_test_store_result, &result);
  g_assert_true (sr_rpc_client_get_balance_finish (f->rpc, chain_test_wait (&result), wei, &error));
  g_assert_no_error (error);
  return sr_u256_to_decimal (wei);
}

static guint64
account_nonce (Fixture    *f,
               const char *block)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint8 address[SR_ADDRESS_LEN];
  guint64 nonce = 0;

  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT0_ADDRESS, address, NULL));
  sr_rpc_client_get_nonce_async (f->rpc, address, block, NULL, chain_test_store_result, &result);
  g_assert_true (sr_rpc_client_get_nonce_finish (f->rpc, chain_test_wait (&result), &nonce, &error));
  return nonce;
}

static void
anvil_call (Fixture    *f,
            const char *method,
            const char *params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = sr_anvil_call (f->anvil, method, params, &error);

  g_assert_no_error (error);
}

static void
check_transfer (Fixture     *f,
                SrTxManager *manager);

static void
test_transfer (Fixture       *f,
               gconstpointer  data)
{
  SrTxManager *manager = manager_new (f, SR_ANVIL_ACCOUNT0_PRIVATE_KEY);

  check_transfer (f, manager);
  /* Finished operations hold nothing: the manager (and with it the
   * store connection) goes away with its last user reference. */
  g_object_add_weak_pointer (G_OBJECT (manager), (gpointer *) &manager);
  g_object_unref (manager);
  g_assert_null (manager);
}

static void
count_change (SrTxManager *manager,
              gint64       id,
              gpointer     user_data)
{
  (*(guint *) user_data)++;
}

static void
check_transfer (Fixture     *f,
                SrTxManager *manager)
{
  guint changes = 0;
  gint64 start;
  gulong handler = g_signal_connect (manager, "transaction-changed", G_CALLBACK (count_change), &changes);

  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) sent = NULL, mined = NULL, again = NULL;
  g_autofree char *balance = NULL, *cast_status = NULL, *cast_balance = NULL, *cast_nonce = NULL;

  start = g_get_monotonic_time ();
  sent = send (manager, ONE_AND_HALF_ETH, "test-transfer-1", &error);
  g_test_message ("signed, recorded (fsync) and broadcast in %.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_no_error (error);
  g_assert_cmpint (sent->state, ==, SR_STORE_TX_BROADCAST);
  g_assert_cmpuint (sent->nonce, ==, 0);
  g_assert_cmpuint (sent->gas_limit, ==, 21000);
  g_assert_cmpstr (sent->to_address, ==, RECIPIENT);

  mined = wait_settled (manager, sent->id);
  /* A history view hears of it when recorded, broadcast and mined. */
  g_assert_cmpuint (changes, ==, 3);
  g_signal_handler_disconnect (manager, handler);
  g_assert_cmpint (mined->id, ==, sent->id);
  g_assert_cmpint (mined->state, ==, SR_STORE_TX_MINED);
  g_assert_cmpint (mined->block_number, >=, 1);

  balance = recipient_balance (f);
  g_assert_cmpstr (balance, ==, ONE_AND_HALF_ETH);

  /* The same idempotency key again: the recorded one, nothing sent. */
  again = send (manager, ONE_AND_HALF_ETH, "test-transfer-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->id, ==, sent->id);
  g_assert_cmpstr (again->hash, ==, sent->hash);
  g_clear_pointer (&balance, g_free);
  balance = recipient_balance (f);
  g_assert_cmpstr (balance, ==, ONE_AND_HALF_ETH);
  g_assert_cmpuint (account_nonce (f, "pending"), ==, 1);

  /* cast's independent view of the same chain. */
  cast_status = chain_test_cast ((const char *[]) { "receipt", sent->hash, "status",
                                                    "--rpc-url", sr_anvil_get_rpc_url (f->anvil), NULL });
  if (cast_status == NULL)
    return;
  /* cast 1.x prints the status as "true"; older ones as "1 (success)". */
  g_assert_true (g_str_equal (cast_status, "true") || g_str_has_prefix (cast_status, "1"));
  cast_balance = chain_test_cast ((const char *[]) { "balance", RECIPIENT,
                                                     "--rpc-url", sr_anvil_get_rpc_url (f->anvil), NULL });
  g_assert_cmpstr (cast_balance, ==, ONE_AND_HALF_ETH);
  cast_nonce = chain_test_cast ((const char *[]) { "nonce", SR_ANVIL_ACCOUNT0_ADDRESS,
                                                   "--rpc-url", sr_anvil_get_rpc_url (f->anvil), NULL });
  g_assert_cmpstr (cast_nonce, ==, "1");
}

static void
test_crash_before_broadcast (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) recorded = NULL, mined = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *balance = NULL;
  guint rebroadcast = 99;
  gint64 id;

  {
    g_autoptr(SrTxManager) doomed = manager_new (f, SR_ANVIL_ACCOUNT0_PRIVATE_KEY);
    g_autoptr(SrStoreTransaction) none = NULL;

    _sr_tx_manager_set_fail_broadcast (doomed, TRUE);
    none = send (doomed, ONE_AND_HALF_ETH, "test-crash-1", &error);
    g_assert_null (none);
    g_assert_error (error, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_NOT_SENT);
    g_clear_error (&error);
  }

  /* The row was on disk before anything reached the node. */
  recorded = sr_store_lookup_transaction_by_key (f->store, "test-crash-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (recorded);
  g_assert_cmpint (recorded->state, ==, SR_STORE_TX_SIGNED);
  g_assert_nonnull (recorded->raw);
  id = recorded->id;
  balance = recipient_balance (f);
  g_assert_cmpstr (balance, ==, "0");
  g_assert_cmpuint (account_nonce (f, "pending"), ==, 0);

  /* "Restart": a fresh store connection and a fresh manager. */
  g_clear_object (&f->store);
  f->store = sr_store_open (f->db_path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(SrTxManager) manager = manager_new (f, SR_ANVIL_ACCOUNT0_PRIVATE_KEY);

    sr_tx_manager_reconcile_async (manager, NULL, chain_test_store_result, &result);
    g_assert_true (sr_tx_manager_reconcile_finish (manager, chain_test_wait (&result), &rebroadcast, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (rebroadcast, ==, 1);
    mined = wait_settled (manager, id);
    g_assert_cmpint (mined->state, ==, SR_STORE_TX_MINED);
    g_assert_cmpstr (mined->hash, ==, recorded->hash);
  }

  /* A second restart finds it settled and sends nothing. */
  g_clear_object (&result);
  {
    g_autoptr(SrTxManager) manager = manager_new (f, SR_ANVIL_ACCOUNT0_PRIVATE_KEY);

    sr_tx_manager_reconcile_async (manager, NULL, chain_test_store_result, &result);
    g_assert_true (sr_tx_manager_reconcile_finish (manager, chain_test_wait (&result), &rebroadcast, &error));
    g_assert_cmpuint (rebroadcast, ==, 0);
  }
  anvil_call (f, "evm_mine", NULL);
  g_clear_pointer (&balance, g_free);
  balance = recipient_balance (f);
  g_assert_cmpstr (balance, ==, ONE_AND_HALF_ETH);
  g_assert_cmpuint (account_nonce (f, "latest"), ==, 1);
  g_assert_cmpuint (account_nonce (f, "pending"), ==, 1);
}

/* Runs only as the child of test_sigkill_after_record(): records a
 * transaction, then dies by SIGKILL before it is broadcast — no clean
 * close of the database, nothing flushed at exit. */
static void
test_sigkill_child (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autoptr(SrRpcClient) rpc = NULL;
  g_autoptr(SrTxManager) manager = NULL;
  g_autoptr(SrStoreTransaction) none = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint8 from[SR_ADDRESS_LEN];
  SrTxRequest request;

  if (!g_test_subprocess ())
    {
      g_test_skip ("runs as part of /chain/tx-manager/sigkill-after-record");
      return;
    }
  store = sr_store_open (g_getenv ("SEEDREEL_TEST_DB"), &error);
  g_assert_no_error (error);
  rpc = sr_rpc_client_new (g_getenv ("SEEDREEL_TEST_RPC_URL"));
  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT0_ADDRESS, from, NULL));
  manager = sr_tx_manager_new (rpc, store, SR_ANVIL_CHAIN_ID, from, dev_key_sign,
                               (gpointer) SR_ANVIL_ACCOUNT0_PRIVATE_KEY, NULL);
  _sr_tx_manager_set_fail_broadcast (manager, TRUE);
  transfer_request (&request, ONE_AND_HALF_ETH);
  sr_tx_manager_send_async (manager, &request, "test-sigkill", NULL, chain_test_store_result, &result);
  none = sr_tx_manager_send_finish (manager, chain_test_wait (&result), &error);
  g_assert_error (error, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_NOT_SENT);
  kill (getpid (), SIGKILL);
}

static void
test_sigkill_after_record (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) recorded = NULL, mined = NULL;
  g_autoptr(SrTxManager) manager = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *balance = NULL;
  guint rebroadcast = 0;

  g_setenv ("SEEDREEL_TEST_DB", f->db_path, TRUE);
  g_setenv ("SEEDREEL_TEST_RPC_URL", sr_anvil_get_rpc_url (f->anvil), TRUE);
  g_clear_object (&f->store);
  g_test_trap_subprocess ("/chain/tx-manager/sigkill-child", 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();

  f->store = sr_store_open (f->db_path, &error);
  g_assert_no_error (error);
  recorded = sr_store_lookup_transaction_by_key (f->store, "test-sigkill", &error);
  g_assert_no_error (error);
  g_assert_nonnull (recorded);
  g_assert_cmpint (recorded->state, ==, SR_STORE_TX_SIGNED);
  balance = recipient_balance (f);
  g_assert_cmpstr (balance, ==, "0");

  manager = manager_new (f, SR_ANVIL_ACCOUNT0_PRIVATE_KEY);
  sr_tx_manager_reconcile_async (manager, NULL, chain_test_store_result, &result);
  g_assert_true (sr_tx_manager_reconcile_finish (manager, chain_test_wait (&result), &rebroadcast, &error));
  g_assert_cmpuint (rebroadcast, ==, 1);
  mined = wait_settled (manager, recorded->id);
  g_assert_cmpint (mined->state, ==, SR_STORE_TX_MINED);
  g_clear_pointer (&balance, g_free);
  balance = recipient_balance (f);
  g_assert_cmpstr (balance, ==, ONE_AND_HALF_ETH);
  g_assert_cmpuint (account_nonce (f, "pending"), ==, 1);
}

static void
test_speed_up (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SrTxManager) manager = manager_new (f, SR_ANVIL_ACCOUNT0_PRIVATE_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) first = NULL, faster = NULL, settled = NULL, first_after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) old_receipt = NULL;
  g_autofree char *balance = NULL, *params = NULL;
  guint64 old_max, new_max, old_tip, new_tip;

  anvil_call (f, "evm_setAutomine", "[false]");
  first = send (manager, ONE_AND_HALF_ETH, "test-speed-up", &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->state, ==, SR_STORE_TX_BROADCAST);

  sr_tx_manager_speed_up_async (manager, first->id, NULL, chain_test_store_result, &result);
  faster = sr_tx_manager_speed_up_finish (manager, chain_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (faster->state, ==, SR_STORE_TX_BROADCAST);
  g_assert_cmpuint (faster->nonce, ==, first->nonce);
  g_assert_cmpint (faster->replaces, ==, first->id);
  g_assert_cmpstr (faster->hash, !=, first->hash);
  old_max = g_ascii_strtoull (first->max_fee_per_gas, NULL, 10);
  new_max = g_ascii_strtoull (faster->max_fee_per_gas, NULL, 10);
  old_tip = g_ascii_strtoull (first->max_priority_fee_per_gas, NULL, 10);
  new_tip = g_ascii_strtoull (faster->max_priority_fee_per_gas, NULL, 10);
  g_test_message ("max fee %" G_GUINT64_FORMAT " → %" G_GUINT64_FORMAT ", tip %" G_GUINT64_FORMAT
                  " → %" G_GUINT64_FORMAT, old_max, new_max, old_tip, new_tip);
  g_assert_cmpuint (new_max * 10, >=, old_max * 11);
  g_assert_cmpuint (new_tip * 10, >=, old_tip * 11);

  anvil_call (f, "evm_mine", NULL);
  settled = wait_settled (manager, first->id);
  g_assert_cmpint (settled->id, ==, faster->id);
  g_assert_cmpint (settled->state, ==, SR_STORE_TX_MINED);
  first_after = sr_store_lookup_transaction (f->store, first->id, &error);
  g_assert_cmpint (first_after->state, ==, SR_STORE_TX_REPLACED);

  params = g_strdup_printf ("[\"%s\"]", first->hash);
  old_receipt = sr_anvil_call (f->anvil, "eth_getTransactionReceipt", params, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_NULL (old_receipt));

  anvil_call (f, "evm_mine", NULL);
  balance = recipient_balance (f);
  g_assert_cmpstr (balance, ==, ONE_AND_HALF_ETH);
  g_assert_cmpuint (account_nonce (f, "latest"), ==, 1);
  g_assert_cmpuint (account_nonce (f, "pending"), ==, 1);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SrTxManager) manager = manager_new (f, SR_ANVIL_ACCOUNT0_PRIVATE_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) first = NULL, cancel = NULL, settled = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *balance = NULL;

  anvil_call (f, "evm_setAutomine", "[false]");
  first = send (manager, ONE_AND_HALF_ETH, "test-cancel", &error);
  g_assert_no_error (error);

  sr_tx_manager_cancel_async (manager, first->id, NULL, chain_test_store_result, &result);
  cancel = sr_tx_manager_cancel_finish (manager, chain_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cancel->to_address, ==, SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_cmpstr (cancel->value, ==, "0");

  anvil_call (f, "evm_mine", NULL);
  settled = wait_settled (manager, first->id);
  g_assert_cmpint (settled->id, ==, cancel->id);
  g_assert_cmpint (settled->state, ==, SR_STORE_TX_MINED);

  balance = recipient_balance (f);
  g_assert_cmpstr (balance, ==, "0");
  g_assert_cmpuint (account_nonce (f, "latest"), ==, 1);

  /* Nothing left to replace. */
  g_clear_object (&result);
  g_clear_pointer (&cancel, sr_store_transaction_free);
  sr_tx_manager_cancel_async (manager, first->id, NULL, chain_test_store_result, &result);
  cancel = sr_tx_manager_cancel_finish (manager, chain_test_wait (&result), &error);
  g_assert_null (cancel);
  g_assert_error (error, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_NOT_PENDING);
}

static void
test_concurrent_sends (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SrTxManager) manager = manager_new (f, SR_ANVIL_ACCOUNT0_PRIVATE_KEY);
  GAsyncResult *results[3] = { NULL, NULL, NULL };
  guint64 seen = 0;
  g_autofree char *balance = NULL;

  /* Three sends in flight at once all read the same "pending" count: the
   * manager's own tracking must still give each its own nonce. */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *key = g_strdup_printf ("test-concurrent-%u", i);
      SrTxRequest request;

      transfer_request (&request, "1000");
      sr_tx_manager_send_async (manager, &request, key, NULL, chain_test_store_result, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrStoreTransaction) sent = sr_tx_manager_send_finish (manager, chain_test_wait (&results[i]), &error);
      g_autoptr(SrStoreTransaction) mined = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (sent->nonce, <, 3);
      g_assert_false (seen & (1u << sent->nonce));
      seen |= 1u << sent->nonce;
      mined = wait_settled (manager, sent->id);
      g_assert_cmpint (mined->state, ==, SR_STORE_TX_MINED);
      g_clear_object (&results[i]);
    }
  balance = recipient_balance (f);
  g_assert_cmpstr (balance, ==, "3000");
  g_assert_cmpuint (account_nonce (f, "latest"), ==, 3);
}

static void
test_rejected (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SrTxManager) manager = manager_new (f, SR_ANVIL_ACCOUNT0_PRIVATE_KEY);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) none = NULL, rejected = NULL, next = NULL;
  SrTxRequest request;

  /* Below the 21000 gas any transfer needs: the node refuses it outright. */
  transfer_request (&request, "1000");
  request.gas_limit = 20000;
  sr_tx_manager_send_async (manager, &request, "test-rejected", NULL, chain_test_store_result, &result);
  none = sr_tx_manager_send_finish (manager, chain_test_wait (&result), &error);
  g_assert_null (none);
  g_assert_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REMOTE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  rejected = sr_store_lookup_transaction_by_key (f->store, "test-rejected", &error);
  g_assert_nonnull (rejected);
  g_assert_cmpint (rejected->state, ==, SR_STORE_TX_FAILED);

  /* Its nonce was never used and goes to the next transaction. */
  next = send (manager, "1000", "test-after-rejected", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (next->nonce, ==, rejected->nonce);
  g_clear_pointer (&next, sr_store_transaction_free);
  {
    g_autoptr(SrStoreTransaction) sent = sr_store_lookup_transaction_by_key (f->store, "test-after-rejected", &error);
    next = wait_settled (manager, sent->id);
  }
  g_assert_cmpint (next->state, ==, SR_STORE_TX_MINED);
}

static void
test_wrong_chain (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SrTxManager) manager = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) none = NULL, recorded = NULL;
  guint8 from[SR_ADDRESS_LEN];
  SrTxRequest request;

  /* A profile for mainnet pointed at the devnet's URL. */
  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT0_ADDRESS, from, NULL));
  manager = sr_tx_manager_new (f->rpc, f->store, 1, from, dev_key_sign,
                               (gpointer) SR_ANVIL_ACCOUNT0_PRIVATE_KEY, NULL);
  transfer_request (&request, "1000");
  sr_tx_manager_send_async (manager, &request, "test-wrong-chain", NULL, chain_test_store_result, &result);
  none = sr_tx_manager_send_finish (manager, chain_test_wait (&result), &error);
  g_assert_null (none);
  g_assert_error (error, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_WRONG_CHAIN);
  g_assert_nonnull (strstr (error->message, "31337"));
  g_clear_error (&error);
  recorded = sr_store_lookup_transaction_by_key (f->store, "test-wrong-chain", &error);
  g_assert_null (recorded);
  g_assert_cmpuint (account_nonce (f, "pending"), ==, 0);
}

static void
test_wrong_signer (Fixture       *f,
                   gconstpointer  data)
{
  /* A wallet that signs with another account's key. */
  g_autoptr(SrTxManager) manager = manager_new (f, SR_ANVIL_ACCOUNT1_PRIVATE_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreTransaction) sent = NULL, recorded = NULL;

  sent = send (manager, ONE_AND_HALF_ETH, "test-wrong-signer", &error);
  g_assert_null (sent);
  g_assert_error (error, SR_TX_MANAGER_ERROR, SR_TX_MANAGER_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  recorded = sr_store_lookup_transaction_by_key (f->store, "test-wrong-signer", &error);
  g_assert_no_error (error);
  g_assert_null (recorded);
  g_assert_cmpuint (account_nonce (f, "pending"), ==, 0);
}

static void
test_store_duplicate_key (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SrStoreTransaction) tx = g_new0 (SrStoreTransaction, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  tx->idempotency_key = g_strdup ("dup");
  tx->chain_id = SR_ANVIL_CHAIN_ID;
  tx->from_address = g_strdup (SR_ANVIL_ACCOUNT0_ADDRESS);
  tx->value = g_strdup ("1");
  tx->max_fee_per_gas = g_strdup ("2");
  tx->max_priority_fee_per_gas = g_strdup ("1");
  tx->raw = g_bytes_new ("\x02\xc0", 2);
  tx->hash = g_strdup ("0x00");
  g_assert_true (sr_store_insert_transaction (f->store, tx, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tx->id, >, 0);
  g_assert_false (sr_store_insert_transaction (f->store, tx, &error));
  g_assert_error (error, SR_STORE_ERROR, SR_STORE_ERROR_DUPLICATE);

  g_clear_error (&error);
  list = sr_store_list_transactions (f->store, SR_ANVIL_CHAIN_ID, SR_ANVIL_ACCOUNT0_ADDRESS, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/chain/tx-manager/transfer", test_transfer);
  ADD ("/chain/tx-manager/crash-before-broadcast", test_crash_before_broadcast);
  ADD ("/chain/tx-manager/sigkill-after-record", test_sigkill_after_record);
  g_test_add_func ("/chain/tx-manager/sigkill-child", test_sigkill_child);
  ADD ("/chain/tx-manager/speed-up", test_speed_up);
  ADD ("/chain/tx-manager/cancel", test_cancel);
  ADD ("/chain/tx-manager/concurrent-sends", test_concurrent_sends);
  ADD ("/chain/tx-manager/rejected", test_rejected);
  ADD ("/chain/tx-manager/wrong-chain", test_wrong_chain);
  ADD ("/chain/tx-manager/wrong-signer", test_wrong_signer);
  ADD ("/chain/tx-manager/store-duplicate-key", test_store_duplicate_key);
#undef ADD

  return g_test_run ();
}

/* test-registry.c: SrRegistry against the real SeedreelRegistry and
 * SeedreelToken on anvil (when contracts/out has been compiled): publish,
 * buy a view, sign a seeding receipt whose digest matches the contract's
 * own receiptDigest(), claim it, and read every step back through the
 * decoded events and view functions. */
#include <glib/gstdio.h>

#include "chain-test-util.h"
#include "chain/sr-registry.h"
#include "chain/sr-token.h"
#include "chain/sr-tx-manager.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-secp256k1.h"
#include "sr-anvil-fixture.h"

typedef struct {
  SrAnvil *anvil;
  SrRpcClient *rpc;
  SrStore *store;
  char *dir;
  char *db;
  SrTxManager *manager;
} Chain;

static void
dev_key_sign (const SrTx   *tx,
              GCancellable *cancellable,
              GTask        *task,
              gpointer      user_data)
{
  guint8 key[SR_PRIVATE_KEY_LEN];
  SrTx copy = *tx;
  GError *error = NULL;
  GBytes *raw;

  g_assert_true (sr_hex_decode_fixed (SR_ANVIL_ACCOUNT0_PRIVATE_KEY, key, sizeof key, NULL));
  if (!sr_tx_sign (&copy, key, &error) || (raw = sr_tx_encode_raw (&copy, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static SrRpcReceipt *
transact (Chain        *chain,
          const guint8 *to,
          GBytes       *data,
          const char   *key)
{
  return chain_test_transact (chain->manager, chain->rpc, to, data, key);
}

static GBytes *
creation_code (const char *name,
               GBytes     *constructor_args)
{
  const char *root = g_getenv ("SEEDREEL_SOURCE_ROOT");
  g_autofree char *path = g_strdup_printf ("%s/contracts/out/%s.json", root != NULL ? root : ".", name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) code = NULL;
  GByteArray *out = g_byte_array_new ();

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  code = sr_hex_decode (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                       "bytecode"), &error);
  g_assert_no_error (error);
  g_byte_array_append (out, g_bytes_get_data (code, NULL), g_bytes_get_size (code));
  g_byte_array_append (out, g_bytes_get_data (constructor_args, NULL), g_bytes_get_size (constructor_args));
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
address_args (const guint8 address[SR_ADDRESS_LEN])
{
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new (NULL);

  sr_abi_encoder_add_address (encoder, address);
  return sr_abi_encoder_finish (encoder);
}

static const SrRpcLog *
find_log (SrRpcReceipt *receipt,
          void        (*topic_func) (guint8 topic[32]))
{
  guint8 topic[32];

  topic_func (topic);
  for (guint i = 0; i < receipt->logs->len; i++)
    {
      const SrRpcLog *log = receipt->logs->pdata[i];
      if (log->n_topics > 0 && memcmp (log->topics[0], topic, 32) == 0)
        return log;
    }
  g_assert_not_reached ();
}

static char *
decimal (const guint8 value[SR_U256_LEN])
{
  return sr_u256_to_decimal (value);
}

static void
test_publish_buy_claim (void)
{
  g_autofree char *artifacts = g_strdup_printf ("%s/contracts/out/SeedreelRegistry.json",
                                                g_getenv ("SEEDREEL_SOURCE_ROOT"));
  g_autoptr(GError) error = NULL;
  Chain chain = { 0 };
  guint8 owner[SR_ADDRESS_LEN], seeder[SR_ADDRESS_LEN], infohash[32], price[SR_U256_LEN], amount[SR_U256_LEN];
  guint8 digest[32], onchain_digest[32], key[32];
  guint8 signatures[1][65];
  g_autoptr(GBytes) token_code = NULL, registry_code = NULL, args = NULL, call = NULL;
  g_autoptr(SrRpcReceipt) token_rx = NULL, registry_rx = NULL, published_rx = NULL, bought_rx = NULL;
  g_autoptr(SrRpcReceipt) claimed_rx = NULL, mint_rx = NULL, approve_rx = NULL;
  g_autoptr(SrRegistry) registry = NULL;
  g_autoptr(SrToken) token = NULL;
  SrRegistryPublished published;
  SrRegistryPurchase purchase;
  SrRegistryReward reward;
  SrRegistryContent content;
  SrRegistryView view;
  SrRegistryReceipt receipt = { 0 };
  g_autofree char *text = NULL;
  guint64 paid = 0;

  if (!g_file_test (artifacts, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("contracts/out is not compiled (tools/compile-contracts)");
      return;
    }

  chain.anvil = sr_anvil_start (&error);
  g_assert_no_error (error);
  chain.rpc = sr_rpc_client_new (sr_anvil_get_rpc_url (chain.anvil));
  chain.dir = g_dir_make_tmp ("seedreel-registry-XXXXXX", &error);
  chain.db = g_build_filename (chain.dir, "seedreel.db", NULL);
  chain.store = sr_store_open (chain.db, &error);
  g_assert_no_error (error);
  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT0_ADDRESS, owner, NULL));
  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT1_ADDRESS, seeder, NULL));
  chain.manager = sr_tx_manager_new (chain.rpc, chain.store, SR_ANVIL_CHAIN_ID, owner, dev_key_sign, NULL, NULL);
  sr_tx_manager_set_poll_interval (chain.manager, 50);

  /* The token, then the registry that takes payment in it. */
  args = address_args (owner);
  token_code = creation_code ("SeedreelToken", args);
  token_rx = transact (&chain, NULL, token_code, "deploy-token");
  g_clear_pointer (&args, g_bytes_unref);
  args = address_args (token_rx->contract_address);
  registry_code = creation_code ("SeedreelRegistry", args);
  registry_rx = transact (&chain, NULL, registry_code, "deploy-registry");
  token = sr_token_new (chain.rpc, token_rx->contract_address);
  registry = sr_registry_new (chain.rpc, registry_rx->contract_address);

  /* The creator (account 0) publishes: 100 SEED, 20 % to seeders, 1 MB. */
  memset (infohash, 0x11, sizeof infohash);
  g_assert_true (sr_u256_parse ("100000000000000000000", price, NULL));
  call = sr_registry_encode_publish (infohash, price, 2000, 1000000, "{\"title\":\"Démo\"}");
  published_rx = transact (&chain, registry_rx->contract_address, call, "publish");
  g_assert_true (sr_registry_decode_content_published (find_log (published_rx, sr_registry_content_published_topic),
                                                       &published, &error));
  g_assert_no_error (error);
  text = decimal (published.content_id);
  g_assert_cmpstr (text, ==, "1");
  g_assert_cmpmem (published.content.creator, SR_ADDRESS_LEN, owner, SR_ADDRESS_LEN);
  g_assert_cmpmem (published.content.infohash, 32, infohash, 32);
  g_assert_cmpmem (published.content.price, 32, price, 32);
  g_assert_cmpuint (published.content.seeder_share_bps, ==, 2000);
  g_assert_cmpuint (published.content.content_size, ==, 1000000);
  g_assert_cmpstr (published.metadata, ==, "{\"title\":\"Démo\"}");

  {
    g_autoptr(GAsyncResult) result = NULL;
    sr_registry_content_info_async (registry, published.content_id, NULL, chain_test_store_result, &result);
    g_assert_true (sr_registry_content_info_finish (registry, chain_test_wait (&result), &content, &error));
    g_assert_no_error (error);
    g_assert_cmpmem (&content, sizeof content, &published.content, sizeof content);
  }

  /* The viewer (also account 0 here) gets SEED, approves and buys a view. */
  {
    g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("mint(address,uint256)");
    g_autoptr(GBytes) mint = NULL, approve = NULL;

    sr_abi_encoder_add_address (encoder, owner);
    sr_abi_encoder_add_uint256 (encoder, price);
    mint = sr_abi_encoder_finish (encoder);
    mint_rx = transact (&chain, token_rx->contract_address, mint, "mint");
    approve = sr_token_encode_approve (registry_rx->contract_address, price);
    approve_rx = transact (&chain, token_rx->contract_address, approve, "approve");
  }
  g_clear_pointer (&call, g_bytes_unref);
  call = sr_registry_encode_buy_view (published.content_id);
  bought_rx = transact (&chain, registry_rx->contract_address, call, "buy-view");
  g_assert_true (sr_registry_decode_view_purchased (find_log (bought_rx, sr_registry_view_purchased_topic),
                                                    &purchase, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = decimal (purchase.view_id);
  g_assert_cmpstr (text, ==, "1");
  g_assert_cmpmem (purchase.viewer, SR_ADDRESS_LEN, owner, SR_ADDRESS_LEN);
  g_clear_pointer (&text, g_free);
  text = decimal (purchase.pool);
  g_assert_cmpstr (text, ==, "20000000000000000000");
  {
    g_autoptr(GAsyncResult) result = NULL;
    sr_registry_view_info_async (registry, purchase.view_id, NULL, chain_test_store_result, &result);
    g_assert_true (sr_registry_view_info_finish (registry, chain_test_wait (&result), &view, &error));
    g_assert_cmpmem (view.viewer, SR_ADDRESS_LEN, owner, SR_ADDRESS_LEN);
    g_assert_cmpmem (view.pool, 32, purchase.pool, 32);
    g_assert_false (view.reclaimed);
    g_assert_cmpuint (view.purchased_at, >, 0);
  }

  /* The viewer signs a receipt for half the content served by account 1;
   * our digest must be the contract's own. */
  memcpy (receipt.view_id, purchase.view_id, SR_U256_LEN);
  memcpy (receipt.seeder, seeder, SR_ADDRESS_LEN);
  receipt.bytes = 500000;
  g_assert_true (sr_registry_receipt_digest (SR_ANVIL_CHAIN_ID, registry_rx->contract_address, &receipt,
                                             digest, &error));
  g_assert_no_error (error);
  {
    g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("receiptDigest((uint256,address,uint64))");
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GBytes) data = NULL, answer = NULL;
    SrRpcCallRequest request = { 0 };

    sr_abi_encoder_add_uint256 (encoder, receipt.view_id);
    sr_abi_encoder_add_address (encoder, receipt.seeder);
    sr_abi_encoder_add_uint64 (encoder, receipt.bytes);
    data = sr_abi_encoder_finish (encoder);
    request.to = registry_rx->contract_address;
    request.data = data;
    sr_rpc_client_eth_call_async (chain.rpc, &request, NULL, NULL, chain_test_store_result, &result);
    answer = sr_rpc_client_eth_call_finish (chain.rpc, chain_test_wait (&result), &error);
    g_assert_no_error (error);
    g_assert_true (sr_abi_decode_word (answer, 0, onchain_digest, &error));
    g_assert_cmpmem (digest, 32, onchain_digest, 32);
  }
  g_assert_true (sr_hex_decode_fixed (SR_ANVIL_ACCOUNT0_PRIVATE_KEY, key, sizeof key, NULL));
  g_assert_true (sr_secp256k1_sign (key, digest, signatures[0], &error));

  /* Anyone may submit the claim; the seeder is paid 20 × 500000 / 1000000 = 10 SEED. */
  g_clear_pointer (&call, g_bytes_unref);
  call = sr_registry_encode_claim (&receipt, (const guint8 (*)[65]) signatures, 1);
  claimed_rx = transact (&chain, registry_rx->contract_address, call, "claim");
  g_assert_true (sr_registry_decode_reward_claimed (find_log (claimed_rx, sr_registry_reward_claimed_topic),
                                                    &reward, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (reward.seeder, SR_ADDRESS_LEN, seeder, SR_ADDRESS_LEN);
  g_assert_cmpuint (reward.byte_count, ==, 500000);
  g_clear_pointer (&text, g_free);
  text = decimal (reward.amount);
  g_assert_cmpstr (text, ==, "10000000000000000000");

  {
    g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;

    sr_registry_paid_bytes_async (registry, purchase.view_id, seeder, NULL, chain_test_store_result, &r1);
    g_assert_true (sr_registry_paid_bytes_finish (registry, chain_test_wait (&r1), &paid, &error));
    g_assert_cmpuint (paid, ==, 500000);
    sr_token_balance_of_async (token, seeder, NULL, chain_test_store_result, &r2);
    g_assert_true (sr_token_balance_of_finish (token, chain_test_wait (&r2), amount, &error));
    g_clear_pointer (&text, g_free);
    text = decimal (amount);
    g_assert_cmpstr (text, ==, "10000000000000000000");
    sr_registry_creator_balance_async (registry, owner, NULL, chain_test_store_result, &r3);
    g_assert_true (sr_registry_creator_balance_finish (registry, chain_test_wait (&r3), amount, &error));
    g_clear_pointer (&text, g_free);
    text = decimal (amount);
    g_assert_cmpstr (text, ==, "80000000000000000000");
  }

  /* A receipt signed by someone other than the viewer is refused, and the
   * contract's reason reaches the caller as a decoded revert. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GBytes) answer = NULL;
    guint8 other_key[32];
    SrRpcCallRequest request = { 0 };

    receipt.bytes = 900000;
    g_assert_true (sr_registry_receipt_digest (SR_ANVIL_CHAIN_ID, registry_rx->contract_address, &receipt,
                                               digest, &error));
    g_assert_true (sr_hex_decode_fixed (SR_ANVIL_ACCOUNT1_PRIVATE_KEY, other_key, 32, NULL));
    g_assert_true (sr_secp256k1_sign (other_key, digest, signatures[0], &error));
    g_clear_pointer (&call, g_bytes_unref);
    call = sr_registry_encode_claim (&receipt, (const guint8 (*)[65]) signatures, 1);
    request.from = owner;
    request.to = registry_rx->contract_address;
    request.data = call;
    sr_rpc_client_eth_call_async (chain.rpc, &request, NULL, NULL, chain_test_store_result, &result);
    answer = sr_rpc_client_eth_call_finish (chain.rpc, chain_test_wait (&result), &error);
    g_assert_null (answer);
    g_assert_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REVERTED);
    g_test_message ("forged receipt: %s", error->message);
    g_clear_error (&error);
  }

  sr_registry_published_clear (&published);
  g_clear_object (&chain.manager);
  g_clear_object (&chain.store);
  g_clear_object (&chain.rpc);
  {
    g_autofree char *wal = g_strconcat (chain.db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (chain.db, "-shm", NULL);
    g_unlink (chain.db);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (chain.dir);
  }
  g_free (chain.db);
  g_free (chain.dir);
  sr_anvil_stop (chain.anvil);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chain/registry/publish-buy-claim", test_publish_buy_claim);

  return g_test_run ();
}

/* market-test-util.h: a private anvil with the real SeedreelToken and
 * SeedreelRegistry deployed, accounts that sign with anvil's well-known
 * keys through SrTxManager, and helpers to publish titles and mint SEED. */
#pragma once

#include <glib/gstdio.h>
#include <string.h>

#include "chain/sr-abi.h"
#include "chain/sr-registry.h"
#include "chain/sr-rpc-client.h"
#include "chain/sr-token.h"
#include "chain/sr-tx-manager.h"
#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-tx.h"
#include "crypto/sr-u256.h"
#include "sr-anvil-fixture.h"
#include "store/sr-store.h"

/* anvil's third well-known account: holds ETH but no SEED. */
#define MARKET_TEST_ACCOUNT2_ADDRESS "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
#define MARKET_TEST_ACCOUNT2_PRIVATE_KEY "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"

static inline void
market_test_store_result (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static inline GAsyncResult *
market_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Signs with the private key (hex) given as user data. */
static inline void
market_test_key_sign (const SrTx   *tx,
                      GCancellable *cancellable,
                      GTask        *task,
                      gpointer      user_data)
{
  guint8 key[SR_PRIVATE_KEY_LEN];
  SrTx copy = *tx;
  GError *error = NULL;
  GBytes *raw;

  g_assert_true (sr_hex_decode_fixed (user_data, key, sizeof key, NULL));
  if (!sr_tx_sign (&copy, key, &error) || (raw = sr_tx_encode_raw (&copy, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

typedef struct {
  SrAnvil *anvil;
  SrRpcClient *rpc;
  char *dir;
  char *db;
  SrStore *store;
  SrTxManager *creator;        /* account 0: deploys, owns the token, publishes */
  SrTxManager *viewer;         /* account 1 */
  guint8 creator_address[SR_ADDRESS_LEN];
  guint8 viewer_address[SR_ADDRESS_LEN];
  guint8 token[SR_ADDRESS_LEN];
  guint8 registry[SR_ADDRESS_LEN];
  guint64 deploy_block;
  guint key_counter;
} MarketChain;

static inline SrRpcReceipt *
market_test_transact (MarketChain  *chain,
                      SrTxManager  *manager,
                      const guint8 *to,
                      GBytes       *data)
{
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(SrStoreTransaction) sent = NULL, done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strdup_printf ("test-%u", chain->key_counter++);
  SrTxRequest request = { 0 };
  SrRpcReceipt *receipt;
  guint8 hash[32];

  request.has_to = to != NULL;
  if (to != NULL)
    memcpy (request.to, to, SR_ADDRESS_LEN);
  request.data = data;
  sr_tx_manager_send_async (manager, &request, key, NULL, market_test_store_result, &r1);
  sent = sr_tx_manager_send_finish (manager, market_test_wait (&r1), &error);
  g_assert_no_error (error);
  sr_tx_manager_wait_async (manager, sent->id, NULL, market_test_store_result, &r2);
  done = sr_tx_manager_wait_finish (manager, market_test_wait (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->state, ==, SR_STORE_TX_MINED);
  g_assert_true (sr_hex_decode_fixed (done->hash, hash, 32, NULL));
  sr_rpc_client_get_receipt_async (chain->rpc, hash, NULL, market_test_store_result, &r3);
  receipt = sr_rpc_client_get_receipt_finish (chain->rpc, market_test_wait (&r3), &error);
  g_assert_no_error (error);
  g_assert_nonnull (receipt);
  g_assert_true (receipt->status);
  return receipt;
}

static inline GBytes *
market_test_creation_code (const char   *name,
                           const guint8  argument[SR_ADDRESS_LEN])
{
  const char *root = g_getenv ("SEEDREEL_SOURCE_ROOT");
  g_autofree char *path = g_strdup_printf ("%s/contracts/out/%s.json", root != NULL ? root : ".", name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) code = NULL, args = NULL;
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new (NULL);
  GByteArray *out = g_byte_array_new ();

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  code = sr_hex_decode (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                       "bytecode"), &error);
  g_assert_no_error (error);
  sr_abi_encoder_add_address (encoder, argument);
  args = sr_abi_encoder_finish (encoder);
  g_byte_array_append (out, g_bytes_get_data (code, NULL), g_bytes_get_size (code));
  g_byte_array_append (out, g_bytes_get_data (args, NULL), g_bytes_get_size (args));
  return g_byte_array_free_to_bytes (out);
}

/* FALSE (and the test skipped) when contracts/out is not compiled. */
static inline gboolean
market_test_chain_up (MarketChain *chain)
{
  g_autofree char *artifacts = g_strdup_printf ("%s/contracts/out/SeedreelRegistry.json",
                                                g_getenv ("SEEDREEL_SOURCE_ROOT"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) token_code = NULL, registry_code = NULL;
  g_autoptr(SrRpcReceipt) token_rx = NULL, registry_rx = NULL;

  if (!g_file_test (artifacts, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("contracts/out is not compiled (tools/compile-contracts)");
      return FALSE;
    }
  chain->anvil = sr_anvil_start (&error);
  g_assert_no_error (error);
  chain->rpc = sr_rpc_client_new (sr_anvil_get_rpc_url (chain->anvil));
  chain->dir = g_dir_make_tmp ("seedreel-market-XXXXXX", &error);
  g_assert_no_error (error);
  chain->db = g_build_filename (chain->dir, "seedreel.db", NULL);
  chain->store = sr_store_open (chain->db, &error);
  g_assert_no_error (error);
  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT0_ADDRESS, chain->creator_address, NULL));
  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT1_ADDRESS, chain->viewer_address, NULL));
  chain->creator = sr_tx_manager_new (chain->rpc, chain->store, SR_ANVIL_CHAIN_ID, chain->creator_address,
                                      market_test_key_sign, (gpointer) SR_ANVIL_ACCOUNT0_PRIVATE_KEY, NULL);
  chain->viewer = sr_tx_manager_new (chain->rpc, chain->store, SR_ANVIL_CHAIN_ID, chain->viewer_address,
                                     market_test_key_sign, (gpointer) SR_ANVIL_ACCOUNT1_PRIVATE_KEY, NULL);
  sr_tx_manager_set_poll_interval (chain->creator, 20);
  sr_tx_manager_set_poll_interval (chain->viewer, 20);

  token_code = market_test_creation_code ("SeedreelToken", chain->creator_address);
  token_rx = market_test_transact (chain, chain->creator, NULL, token_code);
  memcpy (chain->token, token_rx->contract_address, SR_ADDRESS_LEN);
  registry_code = market_test_creation_code ("SeedreelRegistry", chain->token);
  registry_rx = market_test_transact (chain, chain->creator, NULL, registry_code);
  memcpy (chain->registry, registry_rx->contract_address, SR_ADDRESS_LEN);
  chain->deploy_block = registry_rx->block_number;
  return TRUE;
}

static inline void
market_test_chain_down (MarketChain *chain)
{
  g_clear_object (&chain->creator);
  g_clear_object (&chain->viewer);
  g_clear_object (&chain->store);
  g_clear_object (&chain->rpc);
  g_clear_pointer (&chain->anvil, sr_anvil_stop);
  if (chain->db != NULL)
    {
      g_autofree char *wal = g_strconcat (chain->db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (chain->db, "-shm", NULL);
      g_unlink (chain->db);
      g_unlink (wal);
      g_unlink (shm);
    }
  if (chain->dir != NULL)
    g_rmdir (chain->dir);
  g_clear_pointer (&chain->db, g_free);
  g_clear_pointer (&chain->dir, g_free);
}

/* Publishes as the creator; returns the content id (decimal). */
static inline char *
market_test_publish (MarketChain *chain,
                     const char  *title,
                     const char  *price_decimal,
                     guint16      seeder_share_bps)
{
  g_autoptr(GBytes) call = NULL;
  g_autoptr(SrRpcReceipt) receipt = NULL;
  g_autofree char *metadata = g_strdup_printf ("{\"title\":\"%s\",\"description\":\"About %s\",\"duration\":61.5,"
                                               "\"renditions\":[\"720p\",\"480p\"],\"poster\":\"poster.jpg\"}",
                                               title, title);
  guint8 infohash[32], price[SR_U256_LEN], topic[32];

  g_assert_true (sr_u256_parse (price_decimal, price, NULL));
  for (guint i = 0; i < 32; i++)
    infohash[i] = (guint8) (g_str_hash (title) >> (i % 4 * 8)) ^ (guint8) i;
  call = sr_registry_encode_publish (infohash, price, seeder_share_bps, 1000000, metadata);
  receipt = market_test_transact (chain, chain->creator, chain->registry, call);
  sr_registry_content_published_topic (topic);
  for (guint i = 0; i < receipt->logs->len; i++)
    {
      const SrRpcLog *log = receipt->logs->pdata[i];
      SrRegistryPublished event;
      char *id;

      if (log->n_topics == 0 || memcmp (log->topics[0], topic, 32) != 0)
        continue;
      g_assert_true (sr_registry_decode_content_published (log, &event, NULL));
      id = sr_u256_to_decimal (event.content_id);
      sr_registry_published_clear (&event);
      return id;
    }
  g_assert_not_reached ();
}

static inline void
market_test_mint (MarketChain  *chain,
                  const guint8  to[SR_ADDRESS_LEN],
                  const char   *amount_decimal)
{
  g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("mint(address,uint256)");
  g_autoptr(GBytes) call = NULL;
  g_autoptr(SrRpcReceipt) receipt = NULL;
  guint8 amount[SR_U256_LEN];

  g_assert_true (sr_u256_parse (amount_decimal, amount, NULL));
  sr_abi_encoder_add_address (encoder, to);
  sr_abi_encoder_add_uint256 (encoder, amount);
  call = sr_abi_encoder_finish (encoder);
  receipt = market_test_transact (chain, chain->creator, chain->token, call);
}

/* A JSON-RPC call to anvil that must succeed. */
static inline JsonNode *
market_test_anvil (MarketChain *chain,
                   const char  *method,
                   const char  *params_json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *result = sr_anvil_call (chain->anvil, method, params_json, &error);

  g_assert_no_error (error);
  return result;
}

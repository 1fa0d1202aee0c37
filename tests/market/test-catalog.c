/* test-catalog.c: SrCatalog against the real registry on anvil: titles
 * published on-chain appear in the model (live while following), survive a
 * restart without being fetched again, a reorganised chain replaces the
 * titles it removed, and a malformed log is skipped with a warning. Also
 * the buy flow: approve + buyView through SrTxManager, the view id from
 * the receipt, "already bought" after a sync, and the split of the price. */
#include "market-test-util.h"
#include "market/sr-catalog.h"
#include "market/sr-purchase.h"

static SrCatalog *
new_catalog (MarketChain  *chain,
             SrStore      *store,
             const guint8 *account)
{
  g_autoptr(GError) error = NULL;
  SrCatalog *catalog = sr_catalog_new (chain->rpc, store, SR_ANVIL_CHAIN_ID, chain->registry, account, &error);

  g_assert_no_error (error);
  g_assert_nonnull (catalog);
  sr_catalog_set_start_block (catalog, chain->deploy_block);
  return catalog;
}

static void
sync_catalog (SrCatalog *catalog)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sr_catalog_sync_async (catalog, NULL, market_test_store_result, &result);
  g_assert_true (sr_catalog_sync_finish (catalog, market_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_null (sr_catalog_get_last_error (catalog));
}

static const char *
title_at (SrCatalog *catalog,
          guint      position)
{
  g_autoptr(SrCatalogTitle) title = g_list_model_get_item (G_LIST_MODEL (catalog), position);

  g_assert_nonnull (title);
  /* The model keeps its own reference, so the string outlives ours. */
  return sr_catalog_title_get_title (title);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  *(guint *) user_data += added;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_sync_restart_reorg (void)
{
  MarketChain chain = { 0 };
  g_autoptr(SrCatalog) catalog = NULL, again = NULL, third = NULL;
  g_autoptr(SrCatalogTitle) first = NULL;
  g_autoptr(SrStore) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) snapshot = NULL, reverted = NULL, code_node = NULL;
  g_autofree char *id1 = NULL, *id2 = NULL, *id3 = NULL, *id4 = NULL, *id4b = NULL, *id5 = NULL;
  guint added = 0;
  gulong handler;
  gboolean timed_out = FALSE;
  guint timeout;

  if (!market_test_chain_up (&chain))
    return;

  /* Two titles, then a first sync. */
  id1 = market_test_publish (&chain, "Night Train", "100000000000000000000", 2000);
  id2 = market_test_publish (&chain, "Harbour Lights", "5000000000000000000", 500);
  catalog = new_catalog (&chain, chain.store, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 0);
  sync_catalog (catalog);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 2);
  g_assert_cmpuint (sr_catalog_get_fetched_count (catalog), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (catalog), 0);
  g_assert_cmpstr (sr_catalog_title_get_content_id (first), ==, id1);
  g_assert_cmpstr (sr_catalog_title_get_title (first), ==, "Night Train");
  g_assert_cmpstr (sr_catalog_title_get_description (first), ==, "About Night Train");
  g_assert_cmpstr (sr_catalog_title_get_price (first), ==, "100000000000000000000");
  g_assert_cmpuint (sr_catalog_title_get_seeder_share_bps (first), ==, 2000);
  g_assert_cmpstr (sr_catalog_title_get_creator (first), ==, SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_cmpfloat (sr_catalog_title_get_duration (first), ==, 61.5);
  g_assert_cmpstrv (sr_catalog_title_get_renditions (first), ((const char *[]) { "720p", "480p", NULL }));
  g_assert_cmpstr (sr_catalog_title_get_poster_name (first), ==, "poster.jpg");
  g_assert_false (sr_catalog_title_get_purchased (first));
  g_assert_true (sr_catalog_title_matches (first, "night"));
  g_assert_false (sr_catalog_title_matches (first, "harbour"));
  g_assert_cmpstr (title_at (catalog, 1), ==, "Harbour Lights");

  /* Following: a new title appears in the model without being asked. */
  handler = g_signal_connect (catalog, "items-changed", G_CALLBACK (items_changed_cb), &added);
  sr_catalog_set_poll_interval (catalog, 50);
  sr_catalog_start (catalog);
  id3 = market_test_publish (&chain, "Paper Moons", "1000", 0);
  timeout = g_timeout_add_seconds (30, timeout_cb, &timed_out);
  while (added == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  g_assert_cmpuint (added, ==, 1);
  g_assert_cmpstr (title_at (catalog, 2), ==, "Paper Moons");
  sr_catalog_stop (catalog);
  g_signal_handler_disconnect (catalog, handler);
  while (sr_catalog_get_syncing (catalog))
    g_main_context_iteration (NULL, TRUE);

  /* A restart (a new catalog on the reopened file) shows the titles at
   * once and fetches nothing it already has. */
  g_clear_object (&catalog);
  g_clear_object (&chain.creator);
  g_clear_object (&chain.viewer);
  g_clear_object (&chain.store);
  reopened = sr_store_open (chain.db, &error);
  g_assert_no_error (error);
  chain.store = g_object_ref (reopened);
  chain.creator = sr_tx_manager_new (chain.rpc, chain.store, SR_ANVIL_CHAIN_ID, chain.creator_address,
                                     market_test_key_sign, (gpointer) SR_ANVIL_ACCOUNT0_PRIVATE_KEY, NULL);
  sr_tx_manager_set_poll_interval (chain.creator, 20);
  again = new_catalog (&chain, reopened, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);
  g_assert_cmpuint (sr_catalog_get_synced_block (again), >, chain.deploy_block);
  sync_catalog (again);
  g_assert_cmpuint (sr_catalog_get_fetched_count (again), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);

  /* A reorganisation: title 4 is published and synced, then the chain
   * goes back to before it and another title 4 takes its place. */
  snapshot = market_test_anvil (&chain, "evm_snapshot", NULL);
  id4 = market_test_publish (&chain, "Doomed Fork", "1", 100);
  sync_catalog (again);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 4);
  g_assert_cmpstr (title_at (again, 3), ==, "Doomed Fork");
  {
    g_autofree char *params = g_strdup_printf ("[\"%s\"]", json_node_get_string (snapshot));
    reverted = market_test_anvil (&chain, "evm_revert", params);
    g_assert_true (json_node_get_boolean (reverted));
  }
  /* The tx manager's own nonce memory belongs to the abandoned fork. */
  g_clear_object (&chain.creator);
  chain.creator = sr_tx_manager_new (chain.rpc, chain.store, SR_ANVIL_CHAIN_ID, chain.creator_address,
                                     market_test_key_sign, (gpointer) SR_ANVIL_ACCOUNT0_PRIVATE_KEY, NULL);
  sr_tx_manager_set_poll_interval (chain.creator, 20);
  chain.key_counter += 1000;
  id4b = market_test_publish (&chain, "Replacement", "2", 200);
  g_assert_cmpstr (id4b, ==, id4);
  g_clear_pointer (&code_node, json_node_unref);
  code_node = market_test_anvil (&chain, "evm_mine", NULL);
  g_clear_pointer (&code_node, json_node_unref);
  code_node = market_test_anvil (&chain, "evm_mine", NULL);
  sync_catalog (again);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 4);
  g_assert_cmpstr (title_at (again, 3), ==, "Replacement");
  g_assert_cmpuint (sr_catalog_get_fetched_count (again), ==, 2);

  /* A malformed ContentPublished log from the registry's own address (its
   * code swapped for a stub for one transaction) is skipped with a
   * warning; the titles around it are not disturbed. */
  {
    g_autofree char *registry_hex = sr_hex_encode (chain.registry, SR_ADDRESS_LEN);
    g_autofree char *get_params = g_strdup_printf ("[\"%s\", \"latest\"]", registry_hex);
    g_autofree char *topic_hex = NULL, *stub = NULL, *set_params = NULL, *restore = NULL;
    g_autoptr(JsonNode) original = NULL, ignored = NULL;
    g_autoptr(SrRpcReceipt) receipt = NULL;
    g_autoptr(GBytes) poke = g_bytes_new_static ("\x01", 1);
    guint8 topic[32];

    sr_registry_content_published_topic (topic);
    topic_hex = sr_hex_encode_bare (topic, 32);
    /* PUSH32 t3, PUSH32 t2, PUSH32 t1, PUSH32 t0, PUSH1 7 (size), PUSH1 0, LOG4, STOP */
    stub = g_strdup_printf ("0x7f%064x7f%064x7f%064x7f%s6007600" "0a400", 3, 2, 1, topic_hex);
    original = market_test_anvil (&chain, "eth_getCode", get_params);
    set_params = g_strdup_printf ("[\"%s\", \"%s\"]", registry_hex, stub);
    ignored = market_test_anvil (&chain, "anvil_setCode", set_params);
    receipt = market_test_transact (&chain, chain.creator, chain.registry, poke);
    g_assert_cmpuint (receipt->logs->len, ==, 1);
    restore = g_strdup_printf ("[\"%s\", \"%s\"]", registry_hex, json_node_get_string (original));
    g_clear_pointer (&ignored, json_node_unref);
    ignored = market_test_anvil (&chain, "anvil_setCode", restore);
  }
  id5 = market_test_publish (&chain, "After The Noise", "3", 300);
  g_test_expect_message ("Seedreel-market", G_LOG_LEVEL_WARNING, "*malformed ContentPublished*");
  sync_catalog (again);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (sr_catalog_get_skipped_count (again), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 5);
  g_assert_cmpstr (title_at (again, 4), ==, "After The Noise");

  /* And what was rolled back stays rolled back across another restart. */
  third = new_catalog (&chain, chain.store, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (third)), ==, 5);
  g_assert_cmpstr (title_at (third, 3), ==, "Replacement");

  g_clear_object (&again);
  g_clear_object (&third);
  g_clear_object (&first);
  market_test_chain_down (&chain);
}

static void
test_buy_view (void)
{
  MarketChain chain = { 0 };
  g_autoptr(SrCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) bought = NULL, poor = NULL, balance_result = NULL, token_result = NULL;
  g_autoptr(SrRegistry) registry = NULL;
  g_autoptr(SrToken) token = NULL;
  g_autoptr(SrTxManager) account2 = NULL;
  g_autofree char *id = NULL, *view_id = NULL, *no_view = NULL, *creator_balance = NULL, *viewer_balance = NULL;
  SrCatalogTitle *title;
  guint8 balance[SR_U256_LEN], address2[SR_ADDRESS_LEN];

  if (!market_test_chain_up (&chain))
    return;

  /* 100 SEED with 20 % for seeders: the creator is owed 80 SEED. */
  id = market_test_publish (&chain, "Night Train", "100000000000000000000", 2000);
  market_test_mint (&chain, chain.viewer_address, "250000000000000000000");

  catalog = new_catalog (&chain, chain.store, chain.viewer_address);
  sync_catalog (catalog);
  title = sr_catalog_lookup (catalog, id);
  g_assert_nonnull (title);
  g_assert_false (sr_catalog_title_get_purchased (title));

  sr_purchase_buy_async (chain.viewer, chain.rpc, chain.registry, chain.token, id,
                         sr_catalog_title_get_price (title), NULL, NULL, NULL, market_test_store_result, &bought);
  view_id = sr_purchase_buy_finish (market_test_wait (&bought), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (view_id, ==, "1");

  sync_catalog (catalog);
  g_assert_true (sr_catalog_title_get_purchased (title));
  g_assert_cmpstr (sr_catalog_title_get_view_id (title), ==, "1");

  registry = sr_registry_new (chain.rpc, chain.registry);
  sr_registry_creator_balance_async (registry, chain.creator_address, NULL, market_test_store_result, &balance_result);
  g_assert_true (sr_registry_creator_balance_finish (registry, market_test_wait (&balance_result), balance, &error));
  creator_balance = sr_u256_to_decimal (balance);
  g_assert_cmpstr (creator_balance, ==, "80000000000000000000");
  token = sr_token_new (chain.rpc, chain.token);
  sr_token_balance_of_async (token, chain.viewer_address, NULL, market_test_store_result, &token_result);
  g_assert_true (sr_token_balance_of_finish (token, market_test_wait (&token_result), balance, &error));
  viewer_balance = sr_u256_to_decimal (balance);
  g_assert_cmpstr (viewer_balance, ==, "150000000000000000000");

  /* An account without SEED is told so, and nothing is signed or sent. */
  g_assert_true (sr_address_parse (MARKET_TEST_ACCOUNT2_ADDRESS, address2, NULL));
  account2 = sr_tx_manager_new (chain.rpc, chain.store, SR_ANVIL_CHAIN_ID, address2, market_test_key_sign,
                                (gpointer) MARKET_TEST_ACCOUNT2_PRIVATE_KEY, NULL);
  sr_purchase_buy_async (account2, chain.rpc, chain.registry, chain.token, id, sr_catalog_title_get_price (title),
                         NULL, NULL, NULL, market_test_store_result, &poor);
  no_view = sr_purchase_buy_finish (market_test_wait (&poor), &error);
  g_assert_error (error, SR_PURCHASE_ERROR, SR_PURCHASE_ERROR_INSUFFICIENT_FUNDS);
  g_assert_null (no_view);
  {
    g_autoptr(GPtrArray) txs = sr_store_list_transactions (chain.store, SR_ANVIL_CHAIN_ID,
                                                           MARKET_TEST_ACCOUNT2_ADDRESS, FALSE, NULL);
    g_assert_nonnull (txs);
    g_assert_cmpuint (txs->len, ==, 0);
  }

  g_clear_object (&account2);
  g_clear_object (&catalog);
  market_test_chain_down (&chain);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/market/catalog/sync-restart-reorg", test_sync_restart_reorg);
  g_test_add_func ("/market/catalog/buy-view", test_buy_view);
  return g_test_run ();
}

/* test-rewards.c: seeding rewards end to end, with real parts only: a
 * private anvil with SeedreelToken and SeedreelRegistry, the real wallet
 * agent signing the viewers' receipts, libtorrent sessions on loopback, a
 * database per seeder, and a seeder in a process of its own.
 *
 * A creator and two earlier viewers seed a title; a new viewer buys it and
 * downloads from all three, signing receipts as the bytes arrive. Each
 * seeder's stored receipt matches what it uploaded to that viewer (within a
 * piece); each claims and is paid exactly pool × bytes ÷ size, to the token
 * unit; a second claim pays nothing; forged, cross-chain, cross-contract
 * and other-view receipts revert on chain, and a forged one over the wire is
 * not kept. Finally a seeder killed with SIGKILL while receipts arrive still
 * holds every receipt it acknowledged. */

#include <signal.h>
#include <stdio.h>

#include "market-test-util.h"
#include "chain/sr-signer.h"
#include "crypto/sr-keccak.h"
#include "market/sr-catalog.h"
#include "market/sr-key-exchange.h"
#include "market/sr-receipts.h"
#include "market/sr-rewards.h"
#include "store/sr-store-receipts.h"
#include "torrent/sr-torrent-create.h"
#include "torrent/sr-torrent-session.h"

#define PASSWORD "correct horse battery staple"
#define PRICE "100000000000000000000"        /* 100 SEED */
#define SHARE_BPS 2000                      /* 20 % to seeders */
#define FILE_SIZE (6 * 1024 * 1024 + 4321)
#define RECEIPT_INTERVAL (1024 * 1024)

static const char *const keys[] = {
  SR_ANVIL_ACCOUNT0_PRIVATE_KEY,                                          /* creator */
  SR_ANVIL_ACCOUNT1_PRIVATE_KEY,                                          /* earlier viewer A */
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",  /* earlier viewer B */
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",  /* new viewer V */
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",  /* viewer K (the kill) */
};
enum { CREATOR, A, B, V, K, N_ACCOUNTS };
#define N_SEEDERS 3

typedef struct {
  MarketChain chain;
  SrRegistry *registry;
  SrToken *token;
  SrTxManager *managers[N_ACCOUNTS];
  guint8 addresses[N_ACCOUNTS][SR_ADDRESS_LEN];
  char *address_text[N_ACCOUNTS];
  SrSigner *signer;
  char *network;
  char *root;
  GBytes *torrent;
  guint8 content_id[SR_U256_LEN];
  guint8 pool[SR_U256_LEN];
} World;

typedef struct {
  char *dir;
  SrStore *store;
  SrTorrentSession *session;
  SrTorrent *torrent;
  SrKeyExchange *exchange;
  SrReceipts *receipts;
  guint stored;
  guint rejected;
  guint acknowledged;
  guint64 max_acknowledged;
} Node;

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_until (Condition condition, gpointer data, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static unsigned __int128
u128_of (const guint8 value[SR_U256_LEN])
{
  unsigned __int128 v = 0;

  for (int i = 0; i < 16; i++)
    g_assert_cmpuint (value[i], ==, 0);
  for (int i = 16; i < 32; i++)
    v = (v << 8) | value[i];
  return v;
}

static unsigned __int128
u128_parse (const char *decimal)
{
  guint8 value[SR_U256_LEN];

  g_assert_true (sr_u256_parse (decimal, value, NULL));
  return u128_of (value);
}

static unsigned __int128
balance_of (World *w, int account)
{
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  guint8 balance[SR_U256_LEN];

  sr_token_balance_of_async (w->token, w->addresses[account], NULL, market_test_store_result, &r);
  g_assert_true (sr_token_balance_of_finish (w->token, market_test_wait (&r), balance, &error));
  g_assert_no_error (error);
  return u128_of (balance);
}

static void
write_title (const char *dir, GBytes *data)
{
  g_autofree char *folder = g_build_filename (dir, "movie", NULL);
  g_autofree char *path = g_build_filename (folder, "video.mp4", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (data, NULL), g_bytes_get_size (data), &error));
}

static void
world_start (World *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) publish = NULL, data = NULL;
  g_autoptr(SrRpcReceipt) rx = NULL;
  g_autofree char *source = NULL, *folder = NULL;
  guint8 *bytes = g_malloc (FILE_SIZE), infohash[32], price[SR_U256_LEN], topic[32];

  for (int i = 0; i < N_ACCOUNTS; i++)
    {
      guint8 key[SR_PRIVATE_KEY_LEN];

      g_assert_true (sr_hex_decode_fixed (keys[i], key, sizeof key, NULL));
      g_assert_true (sr_secp256k1_private_key_address (key, w->addresses[i], NULL));
      w->address_text[i] = sr_address_to_checksum (w->addresses[i]);
      w->managers[i] = sr_tx_manager_new (w->chain.rpc, w->chain.store, SR_ANVIL_CHAIN_ID, w->addresses[i],
                                          market_test_key_sign, (gpointer) keys[i], NULL);
      sr_tx_manager_set_poll_interval (w->managers[i], 20);
    }
  w->registry = sr_registry_new (w->chain.rpc, w->chain.registry);
  w->token = sr_token_new (w->chain.rpc, w->chain.token);
  w->network = sr_catalog_network_key (SR_ANVIL_CHAIN_ID, w->chain.registry);
  w->root = g_build_filename (w->chain.dir, "peers", NULL);

  /* Receipts are signed by the wallet agent, as in the app. */
  w->signer = sr_signer_spawn (SIGNER_PATH, &error);
  g_assert_no_error (error);
  for (int i = A; i <= K; i++)
    {
      if (i == B)
        continue;
      g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL;
      g_autofree char *address = NULL;

      sr_signer_import_private_key_async (w->signer, keys[i] + 2, "test", PASSWORD, NULL,
                                          market_test_store_result, &r1);
      address = sr_signer_import_finish (w->signer, market_test_wait (&r1), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (address, ==, w->address_text[i]);
      sr_signer_unlock_async (w->signer, address, PASSWORD, 0, NULL, market_test_store_result, &r2);
      g_assert_true (sr_signer_unlock_finish (w->signer, market_test_wait (&r2), &error));
    }

  /* The title: one file, its torrent, published with its true size. */
  for (gsize i = 0; i < FILE_SIZE; i++)
    bytes[i] = (guint8) g_random_int ();
  data = g_bytes_new_take (bytes, FILE_SIZE);
  source = g_build_filename (w->root, "source", NULL);
  write_title (source, data);
  for (int i = CREATOR; i < N_SEEDERS; i++)
    {
      g_autofree char *dir = g_build_filename (w->root, w->address_text[i], NULL);
      write_title (dir, data);
    }
  {
    g_autofree char *dir = g_build_filename (w->root, "killed", NULL);
    write_title (dir, data);
  }
  folder = g_build_filename (source, "movie", NULL);
  w->torrent = sr_torrent_create_sync (folder, SR_TORRENT_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);

  sr_keccak256 (g_bytes_get_data (w->torrent, NULL), g_bytes_get_size (w->torrent), infohash);
  g_assert_true (sr_u256_parse (PRICE, price, NULL));
  publish = sr_registry_encode_publish (infohash, price, SHARE_BPS, FILE_SIZE, "{\"title\":\"Rewards\"}");
  rx = market_test_transact (&w->chain, w->managers[CREATOR], w->chain.registry, publish);
  sr_registry_content_published_topic (topic);
  for (guint i = 0; i < rx->logs->len; i++)
    {
      const SrRpcLog *log = rx->logs->pdata[i];
      SrRegistryPublished event;

      if (log->n_topics == 0 || memcmp (log->topics[0], topic, 32) != 0)
        continue;
      g_assert_true (sr_registry_decode_content_published (log, &event, NULL));
      memcpy (w->content_id, event.content_id, SR_U256_LEN);
      sr_registry_published_clear (&event);
    }
  g_assert_false (sr_u256_is_zero (w->content_id));
}

static void
buy (World *w, int account, guint8 view_id[SR_U256_LEN])
{
  g_autoptr(GBytes) approve = NULL, buy_call = NULL;
  g_autoptr(SrRpcReceipt) r2 = NULL, r3 = NULL;
  g_autofree char *price_text = NULL;
  guint8 price[SR_U256_LEN], topic[32];

  g_assert_true (sr_u256_parse (PRICE, price, NULL));
  market_test_mint (&w->chain, w->addresses[account], PRICE);
  approve = sr_token_encode_approve (w->chain.registry, price);
  r2 = market_test_transact (&w->chain, w->managers[account], w->chain.token, approve);
  buy_call = sr_registry_encode_buy_view (w->content_id);
  r3 = market_test_transact (&w->chain, w->managers[account], w->chain.registry, buy_call);
  sr_registry_view_purchased_topic (topic);
  for (guint i = 0; i < r3->logs->len; i++)
    {
      const SrRpcLog *log = r3->logs->pdata[i];
      SrRegistryPurchase event;

      if (log->n_topics == 0 || memcmp (log->topics[0], topic, 32) != 0)
        continue;
      g_assert_true (sr_registry_decode_view_purchased (log, &event, NULL));
      memcpy (view_id, event.view_id, SR_U256_LEN);
      memcpy (w->pool, event.pool, SR_U256_LEN);
      return;
    }
  g_assert_not_reached ();
}

/* ---- nodes ---- */

static void
on_stored (SrReceipts *r, const char *address, const char *view, guint64 bytes, Node *node)
{
  node->stored++;
}

static void
on_rejected (SrReceipts *r, const char *address, const char *reason, Node *node)
{
  node->rejected++;
}

static void
on_acknowledged (SrReceipts *r, const char *seeder, guint64 bytes, Node *node)
{
  node->acknowledged++;
  node->max_acknowledged = MAX (node->max_acknowledged, bytes);
}

static gboolean
has_port (gpointer data)
{
  return sr_torrent_session_get_listen_port (data) != 0;
}

static char *
peer_of (SrTorrentSession *session)
{
  g_assert_true (wait_until (has_port, session, 10));
  return g_strdup_printf ("127.0.0.1:%u", sr_torrent_session_get_listen_port (session));
}

static void
node_start (Node *node, World *w, int account, gboolean seed, int upload_limit, const char *const *peers)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  SrTorrentSessionOptions so;
  SrTorrentAddOptions o = { 0 };
  SrKeyExchangeTitle title = { 0 };

  node->dir = g_build_filename (w->root, w->address_text[account], NULL);
  g_assert_cmpint (g_mkdir_with_parents (node->dir, 0700), ==, 0);
  /* A's library is the one seedreel-cli opens: A collects through it. */
  db = account == A ? sr_store_default_path () : g_build_filename (node->dir, "library.db", NULL);
  node->store = sr_store_open (db, &error);
  g_assert_no_error (error);
  sr_torrent_session_options_init_loopback (&so);
  so.download_dir = node->dir;
  node->session = sr_torrent_session_new (&so, &error);
  g_assert_no_error (error);
  o.torrent = w->torrent;
  o.save_path = node->dir;
  o.peers = peers;
  o.flags = seed ? SR_TORRENT_ADD_SEED_MODE : SR_TORRENT_ADD_NONE;
  node->torrent = sr_torrent_session_add (node->session, &o, &error);
  g_assert_no_error (error);
  if (upload_limit > 0)
    sr_torrent_set_rate_limits (node->torrent, upload_limit, 0);

  title.chain_id = SR_ANVIL_CHAIN_ID;
  memcpy (title.registry, w->chain.registry, SR_ADDRESS_LEN);
  memcpy (title.content_id, w->content_id, SR_U256_LEN);
  memcpy (title.payout, w->addresses[account], SR_ADDRESS_LEN);
  /* The key exchange announces the payout address in the HELLO. */
  node->exchange = sr_key_exchange_new (node->torrent, w->registry, &title);
  node->receipts = sr_receipts_new (node->torrent, w->registry, node->store, w->network, &title);
  g_signal_connect (node->receipts, "receipt-stored", G_CALLBACK (on_stored), node);
  g_signal_connect (node->receipts, "receipt-rejected", G_CALLBACK (on_rejected), node);
  g_signal_connect (node->receipts, "receipt-acknowledged", G_CALLBACK (on_acknowledged), node);
}

static void
node_stop (Node *node)
{
  g_autoptr(GAsyncResult) r = NULL;

  g_clear_object (&node->receipts);
  g_clear_object (&node->exchange);
  g_clear_object (&node->torrent);
  sr_torrent_session_shutdown_async (node->session, NULL, market_test_store_result, &r);
  g_assert_true (sr_torrent_session_shutdown_finish (node->session, market_test_wait (&r), NULL));
  g_clear_object (&node->session);
  g_clear_object (&node->store);
  g_free (node->dir);
}

static gboolean
is_complete (gpointer data)
{
  return sr_torrent_get_progress (data) >= 1.0;
}

static guint64
uploaded (Node *node)
{
  g_autoptr(GPtrArray) peers = sr_torrent_list_peers (node->torrent);
  guint64 total = 0;

  for (guint i = 0; i < peers->len; i++)
    total += ((SrTorrentPeer *) peers->pdata[i])->payload_up;
  return total;
}

/* ---- on chain ---- */

static void
sign_receipt (const char *key_hex, guint64 chain_id, const guint8 registry[SR_ADDRESS_LEN],
              const SrRegistryReceipt *receipt, guint8 signature[65])
{
  guint8 key[SR_PRIVATE_KEY_LEN], digest[32];

  g_assert_true (sr_hex_decode_fixed (key_hex, key, sizeof key, NULL));
  g_assert_true (sr_registry_receipt_digest (chain_id, registry, receipt, digest, NULL));
  g_assert_true (sr_secp256k1_sign (key, digest, signature, NULL));
}

/* A claim of one receipt, simulated from @account: TRUE when it would go through. */
static gboolean
claim_would_succeed (World *w, int account, const SrRegistryReceipt *receipt, const guint8 signature[65])
{
  g_autoptr(GBytes) call = sr_registry_encode_claim (receipt, (const guint8 (*)[65]) signature, 1);
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  SrRpcCallRequest request = { w->addresses[account], w->chain.registry, NULL, call };

  sr_rpc_client_eth_call_async (w->chain.rpc, &request, "latest", NULL, market_test_store_result, &r);
  out = sr_rpc_client_eth_call_finish (w->chain.rpc, market_test_wait (&r), &error);
  if (out == NULL)
    g_assert_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REVERTED);
  return out != NULL;
}

static SrRewardsSummary *
estimate (World *w, Node *node, int account)
{
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  SrRewardsSummary *summary;

  sr_rewards_estimate_async (w->registry, node->store, w->network, w->address_text[account], NULL,
                             market_test_store_result, &r);
  summary = sr_rewards_estimate_finish (market_test_wait (&r), &error);
  g_assert_no_error (error);
  return summary;
}

static SrRewardsClaimResult *
claim (World *w, Node *node, int account)
{
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTxManager) manager = NULL;
  SrRewardsClaimResult *result;

  /* The seeder's own database records its transactions, as in its app. */
  manager = sr_tx_manager_new (w->chain.rpc, node->store, SR_ANVIL_CHAIN_ID, w->addresses[account],
                               market_test_key_sign, (gpointer) keys[account], NULL);
  sr_tx_manager_set_poll_interval (manager, 20);
  sr_rewards_claim_async (w->registry, w->chain.rpc, node->store, w->network, manager, 0, NULL,
                          market_test_store_result, &r);
  result = sr_rewards_claim_finish (market_test_wait (&r), &error);
  g_assert_no_error (error);
  return result;
}

typedef struct {
  Node *node;
  guint count;
} Count;

/* TRUE once no seeder's upload counter has moved for a second. */
typedef struct {
  Node *seeders;
  guint64 last[N_SEEDERS];
  gint64 since;
} Settle;

static gboolean
settled (gpointer data)
{
  Settle *settle = data;
  gboolean same = TRUE;

  for (int i = 0; i < N_SEEDERS; i++)
    {
      guint64 now = uploaded (&settle->seeders[i]);
      same = same && now == settle->last[i];
      settle->last[i] = now;
    }
  if (!same || settle->since == 0)
    settle->since = g_get_monotonic_time ();
  return g_get_monotonic_time () - settle->since > G_USEC_PER_SEC;
}

static gboolean
rejected_enough (gpointer data)
{
  Count *c = data;
  return c->node->rejected >= c->count;
}

static gboolean
acknowledged_enough (gpointer data)
{
  Count *c = data;
  return c->node->acknowledged >= c->count;
}

/* Runs seedreel-cli as account @account on this chain; returns its stdout. */
static char *
run_cli (World *w, int account, const char *command, const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autofree char *registry = sr_address_to_checksum (w->chain.registry);
  g_autofree char *password = g_build_filename (w->root, "password", NULL);
  char *out = NULL, *err = NULL;

  g_assert_true (g_file_set_contents (password, PASSWORD "\n", -1, &error));
  g_setenv ("SEEDREEL_SIGNER", SIGNER_PATH, TRUE);
  cli = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                          SEEDREEL_CLI, command, "--rpc-url", sr_anvil_get_rpc_url (w->chain.anvil),
                          "--registry", registry, "--account", w->address_text[account],
                          extra, g_str_equal (command, "claim") ? "--password-file" : NULL, password, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("seedreel-cli %s: %s", command, err);
  g_assert_true (g_subprocess_get_if_exited (cli));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
  g_free (err);
  return out;
}

/* ---- the kill ---- */

static void
test_killed_seeder_keeps_acknowledged (World *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) seeder = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *torrent_path = g_build_filename (w->root, "title.torrent", NULL);
  g_autofree char *dir = g_build_filename (w->root, "killed", NULL);
  g_autofree char *db = g_build_filename (dir, "seeder.db", NULL);
  g_autofree char *registry = sr_address_to_checksum (w->chain.registry);
  g_autofree char *content = sr_u256_to_decimal (w->content_id);
  g_autofree char *line = NULL, *peer = NULL, *view_text = NULL;
  g_autoptr(SrStoreReceipt) kept = NULL;
  guint8 view[SR_U256_LEN];
  Node k = { 0 };
  Count c = { &k, 4 };
  guint stored_lines = 0;

  buy (w, K, view);
  view_text = sr_u256_to_decimal (view);
  g_assert_true (g_file_set_contents (torrent_path, g_bytes_get_data (w->torrent, NULL),
                                      g_bytes_get_size (w->torrent), &error));
  seeder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, SEEDER_PATH,
                             sr_anvil_get_rpc_url (w->chain.anvil), registry, content, w->address_text[B],
                             torrent_path, dir, db, "262144", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (seeder));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "PORT "));
  peer = g_strdup_printf ("127.0.0.1:%s", line + 5);

  /* K streams from it alone, a receipt every 128 KiB. */
  {
    const char *peers[] = { peer, NULL };
    node_start (&k, w, K, FALSE, 0, peers);
  }
  sr_receipts_set_interval (k.receipts, 128 * 1024);
  sr_receipts_start_viewing (k.receipts, w->signer, w->address_text[K], view);
  g_assert_true (wait_until (acknowledged_enough, &c, 120));
  g_assert_false (is_complete (k.torrent));

  kill (atoi (g_subprocess_get_identifier (seeder)), SIGKILL);
  g_subprocess_wait (seeder, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (seeder));
  g_assert_cmpint (g_subprocess_get_term_sig (seeder), ==, SIGKILL);
  /* What it printed before dying: one line per receipt it acknowledged. */
  while (TRUE)
    {
      g_autofree char *next = g_data_input_stream_read_line (out, NULL, NULL, NULL);
      if (next == NULL)
        break;
      if (g_str_has_prefix (next, "STORED "))
        stored_lines++;
    }
  g_assert_cmpuint (stored_lines, >=, k.acknowledged);

  /* Its database, opened after the crash, holds at least the newest
   * receipt the viewer was told was kept. */
  {
    g_autoptr(SrStore) store = sr_store_open (db, &error);
    g_assert_no_error (error);
    kept = sr_store_get_receipt (store, w->network, view_text, w->address_text[B], &error);
    g_assert_no_error (error);
    g_assert_nonnull (kept);
    g_assert_cmpuint (kept->bytes, >=, k.max_acknowledged);
    g_assert_cmpuint (k.max_acknowledged, >=, 4 * 128 * 1024);
    g_assert_cmpstr (kept->viewer, ==, w->address_text[K]);
  }
  node_stop (&k);
}

/* ---- the test ---- */

static void
test_rewards (void)
{
  g_autoptr(GError) error = NULL;
  World w = { 0 };
  Node seeders[N_SEEDERS] = { { 0 } }, v = { 0 };
  char *peers[N_SEEDERS + 1] = { NULL };
  guint8 view_a[SR_U256_LEN], view_b[SR_U256_LEN], view_v[SR_U256_LEN];
  g_autofree char *view_v_text = NULL;
  guint64 stored_bytes[N_SEEDERS];
  unsigned __int128 pool, price, paid = 0;
  guint piece_length;

  if (!market_test_chain_up (&w.chain))
    return;
  world_start (&w);
  buy (&w, A, view_a);
  buy (&w, B, view_b);
  buy (&w, V, view_v);
  view_v_text = sr_u256_to_decimal (view_v);
  pool = u128_of (w.pool);
  price = u128_parse (PRICE);
  g_assert_true (pool == price * SHARE_BPS / 10000);

  /* The creator and the earlier viewers seed, each capped so that the new
   * viewer takes pieces from all three. */
  for (int i = 0; i < N_SEEDERS; i++)
    {
      node_start (&seeders[i], &w, i, TRUE, 1024 * 1024, NULL);
      peers[i] = peer_of (seeders[i].session);
    }
  node_start (&v, &w, V, FALSE, 0, (const char *const *) peers);
  sr_receipts_set_interval (v.receipts, RECEIPT_INTERVAL);
  sr_receipts_start_viewing (v.receipts, w.signer, w.address_text[V], view_v);
  g_assert_true (wait_until (is_complete, v.torrent, 120));
  piece_length = sr_torrent_get_piece_length (v.torrent);
  /* The viewer leaves once the last duplicate blocks of the end game have
   * landed: its final receipts are signed then. */
  {
    Settle settle = { seeders, { 0 }, 0 };
    g_assert_true (wait_until (settled, &settle, 30));
  }
  {
    g_autoptr(GAsyncResult) r = NULL;

    for (int i = 0; i < N_SEEDERS; i++)
      g_test_message ("V received %" G_GUINT64_FORMAT " from seeder %d, %" G_GUINT64_FORMAT " acknowledged",
                      sr_receipts_get_received (v.receipts, w.addresses[i]), i,
                      sr_receipts_get_acknowledged (v.receipts, w.addresses[i]));
    sr_receipts_flush_async (v.receipts, 60, NULL, market_test_store_result, &r);
    sr_receipts_flush_finish (v.receipts, market_test_wait (&r), &error);
    g_assert_no_error (error);
  }

  /* Each seeder holds a receipt for what it actually uploaded to V. */
  {
    guint64 total = 0;

    for (int i = 0; i < N_SEEDERS; i++)
      {
        g_autoptr(SrStoreReceipt) got = sr_store_get_receipt (seeders[i].store, w.network, view_v_text,
                                                              w.address_text[i], &error);
        guint64 up = uploaded (&seeders[i]);

        g_assert_no_error (error);
        g_assert_nonnull (got);
        g_test_message ("seeder %d uploaded %" G_GUINT64_FORMAT ", holds a receipt for %" G_GUINT64_FORMAT
                        " (%u receipts stored)", i, up, got->bytes, seeders[i].stored);
        g_assert_cmpuint (up, >, 0);
        g_assert_cmpuint (got->bytes, <=, up + piece_length);
        g_assert_cmpuint (got->bytes + piece_length, >=, up);
        g_assert_cmpuint (got->bytes, ==, sr_receipts_get_acknowledged (v.receipts, w.addresses[i]));
        g_assert_cmpstr (got->viewer, ==, w.address_text[V]);
        g_assert_cmpuint (got->content_size, ==, FILE_SIZE);
        g_assert_cmpuint (seeders[i].rejected, ==, 0);
        stored_bytes[i] = got->bytes;
        total += got->bytes;
      }
    g_assert_cmpuint (total, >=, FILE_SIZE);
  }

  /* A receipt altered on the wire (more bytes, the old signature) is not kept. */
  {
    g_autoptr(GArray) ids = sr_torrent_list_extension_peers (v.torrent);
    g_autoptr(SrStoreReceipt) held = sr_store_get_receipt (seeders[A].store, w.network, view_v_text,
                                                           w.address_text[A], &error);
    g_autoptr(SrStoreReceipt) after = NULL;
    SrExtensionMessage forged = { 0 };
    Count c = { &seeders[A], 1 };

    forged.type = SR_EXTENSION_RECEIPT;
    memcpy (forged.view_id, view_v, SR_U256_LEN);
    memcpy (forged.seeder, w.addresses[A], SR_ADDRESS_LEN);
    forged.bytes = held->bytes + 1;
    memcpy (forged.signature, g_bytes_get_data (held->signature, NULL), 65);
    for (guint i = 0; i < ids->len; i++)
      sr_torrent_send_extension (v.torrent, g_array_index (ids, guint64, i), &forged);
    g_assert_true (wait_until (rejected_enough, &c, 30));
    after = sr_store_get_receipt (seeders[A].store, w.network, view_v_text, w.address_text[A], &error);
    g_assert_cmpuint (after->bytes, ==, held->bytes);
  }

  /* On chain: a genuine receipt would pass; forged, cross-chain,
   * cross-contract and other-view ones revert. */
  {
    SrRegistryReceipt receipt;
    guint8 signature[65];

    memcpy (receipt.view_id, view_v, SR_U256_LEN);
    memcpy (receipt.seeder, w.addresses[A], SR_ADDRESS_LEN);
    receipt.bytes = 1000;
    sign_receipt (keys[V], SR_ANVIL_CHAIN_ID, w.chain.registry, &receipt, signature);
    g_assert_true (claim_would_succeed (&w, A, &receipt, signature));
    receipt.bytes = 1001;   /* forged: the signature covers 1000 */
    g_assert_false (claim_would_succeed (&w, A, &receipt, signature));
    receipt.bytes = 1000;
    sign_receipt (keys[A], SR_ANVIL_CHAIN_ID, w.chain.registry, &receipt, signature);   /* self-signed */
    g_assert_false (claim_would_succeed (&w, A, &receipt, signature));
    sign_receipt (keys[V], 1, w.chain.registry, &receipt, signature);                    /* another chain */
    g_assert_false (claim_would_succeed (&w, A, &receipt, signature));
    sign_receipt (keys[V], SR_ANVIL_CHAIN_ID, w.chain.token, &receipt, signature);       /* another contract */
    g_assert_false (claim_would_succeed (&w, A, &receipt, signature));
    memcpy (receipt.view_id, view_b, SR_U256_LEN);                                      /* B's view */
    sign_receipt (keys[V], SR_ANVIL_CHAIN_ID, w.chain.registry, &receipt, signature);
    g_assert_false (claim_would_succeed (&w, A, &receipt, signature));
  }

  /* Everyone claims: each is paid pool × bytes ÷ size, never past the pool. */
  for (int i = 0; i < N_SEEDERS; i++)
    {
      g_autoptr(SrRewardsSummary) summary = estimate (&w, &seeders[i], i);
      g_autoptr(SrRewardsClaimResult) result = NULL;
      unsigned __int128 before = balance_of (&w, i), expected;

      expected = pool * MIN (stored_bytes[i], (guint64) FILE_SIZE) / FILE_SIZE;
      if (expected > pool - paid)
        expected = pool - paid;
      g_assert_cmpuint (summary->n_receipts, ==, 1);
      g_assert_cmpuint (summary->n_viewers, ==, 1);
      g_assert_cmpuint (summary->n_claimable, ==, expected > 0 ? 1 : 0);
      g_assert_true (u128_parse (summary->pending) == expected);
      g_assert_cmpstr (summary->collected, ==, "0");

      if (i == A)
        {
          /* A uses seedreel-cli: `rewards --json`, then `claim --yes`. */
          g_autofree char *json = run_cli (&w, A, "rewards", "--json");
          g_autofree char *amount = run_cli (&w, A, "claim", "--yes");
          g_autoptr(JsonParser) parser = json_parser_new ();
          JsonObject *o;

          g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
          o = json_node_get_object (json_parser_get_root (parser));
          g_assert_cmpstr (json_object_get_string_member (o, "account"), ==, w.address_text[A]);
          g_assert_true (u128_parse (json_object_get_string_member (o, "pending_base_units")) == expected);
          g_assert_cmpint (json_object_get_int_member (o, "receipts"), ==, 1);
          g_assert_cmpint (json_object_get_int_member (o, "viewers"), ==, 1);
          g_strstrip (amount);
          g_assert_true (u128_parse (amount) == expected);
        }
      else
        {
          result = claim (&w, &seeders[i], i);
          g_assert_cmpuint (result->n_transactions, ==, expected > 0 ? 1 : 0);
          g_assert_true (u128_parse (result->amount) == expected);
        }
      g_assert_true (balance_of (&w, i) - before == expected);
      paid += expected;
    }
  g_assert_true (paid <= pool);

  /* A second claim pays nothing and sends nothing. */
  for (int i = 0; i < N_SEEDERS; i++)
    {
      g_autoptr(SrRewardsSummary) summary = estimate (&w, &seeders[i], i);
      g_autoptr(SrRewardsClaimResult) result = NULL;
      unsigned __int128 before = balance_of (&w, i);
      g_autoptr(SrStoreReceipt) got = sr_store_get_receipt (seeders[i].store, w.network, view_v_text,
                                                            w.address_text[i], &error);

      g_assert_cmpstr (summary->pending, ==, "0");
      g_assert_cmpuint (summary->n_claimable, ==, 0);
      g_assert_cmpuint (got->paid_bytes, ==, MIN (got->bytes, (guint64) FILE_SIZE));
      if (i == A)
        {
          g_autofree char *amount = run_cli (&w, A, "claim", "--yes");
          g_autofree char *json = run_cli (&w, A, "rewards", "--json");
          g_autoptr(JsonParser) parser = json_parser_new ();
          JsonObject *o;

          g_assert_cmpstr (g_strstrip (amount), ==, "0");
          g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
          o = json_node_get_object (json_parser_get_root (parser));
          g_assert_cmpstr (json_object_get_string_member (o, "pending_base_units"), ==, "0");
          g_assert_cmpstr (json_object_get_string_member (o, "collected_base_units"), !=, "0");
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "claims")), ==, 1);
        }
      else
        {
          result = claim (&w, &seeders[i], i);
          g_assert_cmpuint (result->n_transactions, ==, 0);
          g_assert_cmpstr (result->amount, ==, "0");
        }
      g_assert_true (balance_of (&w, i) == before);
    }

  /* The creator's balance holds exactly price − pool for each of the three views. */
  {
    g_autoptr(GAsyncResult) r = NULL;
    guint8 balance[SR_U256_LEN];

    sr_registry_creator_balance_async (w.registry, w.addresses[CREATOR], NULL, market_test_store_result, &r);
    g_assert_true (sr_registry_creator_balance_finish (w.registry, market_test_wait (&r), balance, &error));
    g_assert_true (u128_of (balance) == 3 * (price - pool));
  }

  node_stop (&v);
  for (int i = 0; i < N_SEEDERS; i++)
    {
      node_stop (&seeders[i]);
      g_free (peers[i]);
    }

  test_killed_seeder_keeps_acknowledged (&w);

  g_clear_object (&w.signer);
  g_clear_object (&w.registry);
  g_clear_object (&w.token);
  for (int i = 0; i < N_ACCOUNTS; i++)
    {
      g_clear_object (&w.managers[i]);
      g_free (w.address_text[i]);
    }
  g_bytes_unref (w.torrent);
  g_free (w.network);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", w.root);
    g_assert_cmpint (system (cmd), ==, 0);
  }
  g_free (w.root);
  market_test_chain_down (&w.chain);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("seedreel-rewards-home-XXXXXX", NULL);
  int status;

  /* The wallet agent keeps its key files under XDG_DATA_HOME: a private one,
   * set before any thread exists. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/market/rewards", test_rewards);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", home);
    if (system (cmd) != 0)
      g_warning ("could not remove %s", home);
  }
  return status;
}

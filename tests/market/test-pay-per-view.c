/* test-pay-per-view.c: pay per view end to end, with real parts only: a
 * private anvil with SeedreelToken and SeedreelRegistry, the real wallet
 * agent (seedreel-signer) holding the viewers' keys, and four libtorrent
 * sessions on loopback.
 *
 * A creator publishes an encrypted title and seeds it. Viewer A buys, gets
 * the key from the creator, downloads, and its decrypted bytes are the
 * plaintext. The creator goes offline; viewer B buys and gets the key from
 * A. A peer that bought nothing (C) is refused, whether it names someone
 * else's view or one that does not exist, and has only ciphertext; its
 * malformed messages and request flood leave A serving B. The creator
 * withdraws exactly price − seeder pool for each view. */

#include <glib/gstdio.h>
#include <string.h>

#include "chain/sr-abi.h"
#include "chain/sr-registry.h"
#include "chain/sr-rpc-client.h"
#include "chain/sr-signer.h"
#include "chain/sr-token.h"
#include "chain/sr-tx-manager.h"
#include "crypto/sr-address.h"
#include "crypto/sr-content-cipher.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-tx.h"
#include "crypto/sr-u256.h"
#include "market/sr-content-keys.h"
#include "market/sr-key-exchange.h"
#include "market/sr-publisher.h"
#include "sr-anvil-fixture.h"
#include "store/sr-store.h"
#include "store/sr-store-keys.h"
#include "torrent/sr-torrent-create.h"
#include "torrent/sr-torrent-session.h"

#define PASSWORD "correct horse battery staple"
#define PRICE "100000000000000000000"        /* 100 SEED */
#define SHARE_BPS 2000                      /* 20 % to seeders */
#define FILE_SIZE (3 * 1024 * 1024 + 12345)
#define RENDITION "720p.mp4"
#define FOLDER "night-train"

static const char *const keys[] = {
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",  /* creator */
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",  /* viewer A */
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",  /* viewer B */
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",  /* C: never buys */
};
enum { CREATOR, VIEWER_A, VIEWER_B, FREELOADER, N_ACCOUNTS };

typedef struct {
  SrAnvil *anvil;
  SrRpcClient *rpc;
  SrStore *store;
  char *dir;
  SrTxManager *managers[N_ACCOUNTS];
  guint8 addresses[N_ACCOUNTS][SR_ADDRESS_LEN];
  char *address_text[N_ACCOUNTS];
  guint8 token[SR_ADDRESS_LEN];
  guint8 registry_address[SR_ADDRESS_LEN];
  SrRegistry *registry;
  SrToken *token_contract;
  SrSigner *signer;
  guint counter;
} World;

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

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

static void
key_sign (const SrTx *tx, GCancellable *cancellable, GTask *task, gpointer user_data)
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

static SrRpcReceipt *
transact (World *w, int account, const guint8 *to, GBytes *data)
{
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(SrStoreTransaction) sent = NULL, done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strdup_printf ("ppv-%u", w->counter++);
  SrTxRequest request = { 0 };
  SrRpcReceipt *receipt;
  guint8 hash[32];

  request.has_to = to != NULL;
  if (to != NULL)
    memcpy (request.to, to, SR_ADDRESS_LEN);
  request.data = data;
  sr_tx_manager_send_async (w->managers[account], &request, key, NULL, store_result, &r1);
  sent = sr_tx_manager_send_finish (w->managers[account], wait_result (&r1), &error);
  g_assert_no_error (error);
  sr_tx_manager_wait_async (w->managers[account], sent->id, NULL, store_result, &r2);
  done = sr_tx_manager_wait_finish (w->managers[account], wait_result (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->state, ==, SR_STORE_TX_MINED);
  g_assert_true (sr_hex_decode_fixed (done->hash, hash, 32, NULL));
  sr_rpc_client_get_receipt_async (w->rpc, hash, NULL, store_result, &r3);
  receipt = sr_rpc_client_get_receipt_finish (w->rpc, wait_result (&r3), &error);
  g_assert_no_error (error);
  g_assert_true (receipt->status);
  return receipt;
}

static GBytes *
creation_code (const char *name, const guint8 argument[SR_ADDRESS_LEN])
{
  g_autofree char *path = g_strdup_printf ("%s/contracts/out/%s.json", g_getenv ("SEEDREEL_SOURCE_ROOT"), name);
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

static void
token_balance (World *w, const guint8 who[SR_ADDRESS_LEN], guint8 balance[SR_U256_LEN])
{
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;

  sr_token_balance_of_async (w->token_contract, who, NULL, store_result, &r);
  g_assert_true (sr_token_balance_of_finish (w->token_contract, wait_result (&r), balance, &error));
  g_assert_no_error (error);
}

static char *
signer_import (World *w, const char *key)
{
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL;
  g_autoptr(GError) error = NULL;
  char *address;

  sr_signer_import_private_key_async (w->signer, key + 2, "test", PASSWORD, NULL, store_result, &r1);
  address = sr_signer_import_finish (w->signer, wait_result (&r1), &error);
  g_assert_no_error (error);
  sr_signer_unlock_async (w->signer, address, PASSWORD, 0, NULL, store_result, &r2);
  g_assert_true (sr_signer_unlock_finish (w->signer, wait_result (&r2), &error));
  g_assert_no_error (error);
  return address;
}

static void
world_start (World *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRpcReceipt) token_rx = NULL, registry_rx = NULL;
  g_autoptr(GBytes) code = NULL;
  g_autofree char *db = NULL;

  w->dir = g_dir_make_tmp ("seedreel-ppv-XXXXXX", &error);
  g_assert_no_error (error);
  w->anvil = sr_anvil_start (&error);
  g_assert_no_error (error);
  w->rpc = sr_rpc_client_new (sr_anvil_get_rpc_url (w->anvil));
  db = g_build_filename (w->dir, "chain.db", NULL);
  w->store = sr_store_open (db, &error);
  g_assert_no_error (error);
  for (int i = 0; i < N_ACCOUNTS; i++)
    {
      guint8 key[SR_PRIVATE_KEY_LEN];

      g_assert_true (sr_hex_decode_fixed (keys[i], key, sizeof key, NULL));
      g_assert_true (sr_secp256k1_private_key_address (key, w->addresses[i], NULL));
      w->address_text[i] = sr_address_to_checksum (w->addresses[i]);
      w->managers[i] = sr_tx_manager_new (w->rpc, w->store, SR_ANVIL_CHAIN_ID, w->addresses[i],
                                          key_sign, (gpointer) keys[i], NULL);
      sr_tx_manager_set_poll_interval (w->managers[i], 50);
    }

  code = creation_code ("SeedreelToken", w->addresses[CREATOR]);
  token_rx = transact (w, CREATOR, NULL, code);
  memcpy (w->token, token_rx->contract_address, SR_ADDRESS_LEN);
  g_clear_pointer (&code, g_bytes_unref);
  code = creation_code ("SeedreelRegistry", w->token);
  registry_rx = transact (w, CREATOR, NULL, code);
  memcpy (w->registry_address, registry_rx->contract_address, SR_ADDRESS_LEN);
  w->registry = sr_registry_new (w->rpc, w->registry_address);
  w->token_contract = sr_token_new (w->rpc, w->token);

  /* The viewers' keys live in the wallet agent, as in the app. */
  w->signer = sr_signer_spawn (SIGNER_PATH, &error);
  g_assert_no_error (error);
  for (int i = CREATOR; i < N_ACCOUNTS; i++)
    {
      g_autofree char *address = signer_import (w, keys[i]);
      g_assert_cmpstr (address, ==, w->address_text[i]);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
world_stop (World *w)
{
  g_clear_object (&w->signer);
  g_clear_object (&w->registry);
  g_clear_object (&w->token_contract);
  for (int i = 0; i < N_ACCOUNTS; i++)
    {
      g_clear_object (&w->managers[i]);
      g_free (w->address_text[i]);
    }
  g_clear_object (&w->store);
  g_clear_object (&w->rpc);
  sr_anvil_stop (w->anvil);
  remove_tree (w->dir);
  g_free (w->dir);
}

/* ---- torrents ---- */

static SrTorrentSession *
loopback_session (const char *download_dir)
{
  g_autoptr(GError) error = NULL;
  SrTorrentSessionOptions o;
  SrTorrentSession *session;

  sr_torrent_session_options_init_loopback (&o);
  o.download_dir = download_dir;
  session = sr_torrent_session_new (&o, &error);
  g_assert_no_error (error);
  return session;
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
shutdown_session (SrTorrentSession *session)
{
  g_autoptr(GAsyncResult) r = NULL;

  sr_torrent_session_shutdown_async (session, NULL, store_result, &r);
  g_assert_true (sr_torrent_session_shutdown_finish (session, wait_result (&r), NULL));
}

static gboolean
is_complete (gpointer data)
{
  return sr_torrent_get_progress (data) >= 1.0;
}

/* ---- the title ---- */

typedef struct {
  GBytes *plaintext;
  guint8 key[SR_CONTENT_KEY_LEN];
  guint8 key_check[SR_KEY_CHECK_LEN];
  GBytes *torrent;
  char *metadata;
  guint64 content_size;
  SrKeyExchangeTitle title;
  guint8 price[SR_U256_LEN];
  guint8 pool[SR_U256_LEN];
} Title;

static void
decrypt_file (const Title *t, const char *path, guint8 **out, gsize *len)
{
  g_autofree char *contents = NULL;
  guint8 nonce[SR_CONTENT_NONCE_LEN];

  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  sr_content_cipher_derive_nonce (FOLDER "/" RENDITION, nonce);
  *out = g_malloc (*len);
  sr_content_cipher_xor (t->key, nonce, 0, (const guint8 *) contents, *out, *len);
}

/* The creator's folder: a rendition shaped like an MP4 (an ftyp box, then
 * noise), a poster and info.json, published through SrPublisher. */
static void
make_title (World *w, Title *t, const char *creator_dir)
{
  g_autofree char *source = g_build_filename (w->dir, "source", NULL);
  g_autofree char *path = g_build_filename (source, RENDITION, NULL);
  g_autofree char *info = g_build_filename (source, "info.json", NULL);
  g_autofree char *poster = g_build_filename (source, "poster.jpg", NULL);
  g_autofree char *stored = NULL, *poster_copy = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrPublication) pub = NULL;
  guint8 *plain = g_malloc (FILE_SIZE);
  gsize len;

  for (gsize i = 0; i < FILE_SIZE; i++)
    plain[i] = (guint8) g_random_int ();
  memcpy (plain, "\0\0\0\x18" "ftypisom\0\0\x02\0isomiso2", 24);
  t->plaintext = g_bytes_new_take (plain, FILE_SIZE);
  g_assert_cmpint (g_mkdir_with_parents (source, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, (const char *) plain, FILE_SIZE, &error));
  g_assert_true (g_file_set_contents (info, "{\"description\":\"Rails at night\",\"duration\":93.5}", -1, &error));
  g_assert_true (g_file_set_contents (poster, "\xff\xd8\xff poster", -1, &error));

  sr_publisher_prepare_async (source, creator_dir, "Night Train", NULL, TRUE, NULL, store_result, &r);
  pub = sr_publisher_prepare_finish (wait_result (&r), &error);
  g_assert_no_error (error);
  g_assert_nonnull (pub->key);
  memcpy (t->key, g_bytes_get_data (pub->key, NULL), sizeof t->key);
  memcpy (t->key_check, pub->key_check, sizeof t->key_check);
  g_assert_true (g_str_has_suffix (pub->folder, "/" FOLDER));
  t->torrent = g_bytes_ref (pub->torrent);
  t->metadata = g_strdup (pub->metadata);
  memcpy (t->title.infohash, pub->infohash, 32);
  t->content_size = pub->content_size;

  /* The rendition went in encrypted; poster and info.json as they were. */
  stored = g_build_filename (pub->folder, RENDITION, NULL);
  {
    g_autofree char *contents = NULL;
    g_assert_true (g_file_get_contents (stored, &contents, &len, NULL));
    g_assert_cmpuint (len, ==, FILE_SIZE);
    g_assert_false (memcmp (contents, plain, 64) == 0);
  }
  poster_copy = g_build_filename (pub->folder, "poster.jpg", NULL);
  {
    g_autofree char *contents = NULL;
    g_assert_true (g_file_get_contents (poster_copy, &contents, &len, NULL));
    g_assert_cmpstr (contents, ==, "\xff\xd8\xff poster");
  }
  g_assert_true (sr_u256_parse (PRICE, t->price, NULL));
  t->title.chain_id = SR_ANVIL_CHAIN_ID;
  memcpy (t->title.registry, w->registry_address, SR_ADDRESS_LEN);
}

static void
publish (World *w, Title *t, SrTorrent *seeded)
{
  g_autofree char *v2 = sr_torrent_dup_info_hash_v2 (seeded);
  g_autofree char *ours = sr_hex_encode_bare (t->title.infohash, 32);
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *check = sr_hex_encode_bare (t->key_check, SR_KEY_CHECK_LEN);
  SrPublication pub = { 0 };
  JsonObject *meta;

  /* What the registry records is the seeded torrent's v2 infohash. */
  g_assert_cmpstr (v2, ==, ours);
  g_assert_true (json_parser_load_from_data (parser, t->metadata, -1, &error));
  meta = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (meta, "title"), ==, "Night Train");
  g_assert_cmpstr (json_object_get_string_member (meta, "description"), ==, "Rails at night");
  g_assert_cmpfloat (json_object_get_double_member (meta, "duration"), ==, 93.5);
  g_assert_cmpstr (json_object_get_string_member (meta, "keyCheck"), ==, check);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (meta, "renditions"), 0), ==, RENDITION);

  memcpy (pub.infohash, t->title.infohash, 32);
  pub.content_size = t->content_size;
  pub.metadata = t->metadata;
  sr_publisher_publish_async (w->managers[CREATOR], w->rpc, w->registry_address, &pub, t->price, SHARE_BPS,
                              NULL, store_result, &r);
  g_assert_true (sr_publisher_publish_finish (wait_result (&r), t->title.content_id, &error));
  g_assert_no_error (error);
  g_assert_false (sr_u256_is_zero (t->title.content_id));
  {
    g_autoptr(GAsyncResult) r2 = NULL;
    SrRegistryContent content;

    sr_registry_content_info_async (w->registry, t->title.content_id, NULL, store_result, &r2);
    g_assert_true (sr_registry_content_info_finish (w->registry, wait_result (&r2), &content, &error));
    g_assert_cmpmem (content.infohash, 32, t->title.infohash, 32);
    g_assert_cmpuint (content.content_size, ==, t->content_size);
    g_assert_cmpuint (content.seeder_share_bps, ==, SHARE_BPS);
  }
}

static void
buy (World *w, Title *t, int account, guint8 view_id[SR_U256_LEN])
{
  g_autoptr(SrAbiEncoder) mint = sr_abi_encoder_new ("mint(address,uint256)");
  g_autoptr(GBytes) mint_call = NULL, approve = NULL, buy_call = NULL;
  g_autoptr(SrRpcReceipt) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(GError) error = NULL;
  guint8 topic[32];

  sr_abi_encoder_add_address (mint, w->addresses[account]);
  sr_abi_encoder_add_uint256 (mint, t->price);
  mint_call = sr_abi_encoder_finish (mint);
  r1 = transact (w, CREATOR, w->token, mint_call);
  approve = sr_token_encode_approve (w->registry_address, t->price);
  r2 = transact (w, account, w->token, approve);
  buy_call = sr_registry_encode_buy_view (t->title.content_id);
  r3 = transact (w, account, w->registry_address, buy_call);
  sr_registry_view_purchased_topic (topic);
  for (guint i = 0; i < r3->logs->len; i++)
    {
      const SrRpcLog *log = r3->logs->pdata[i];
      SrRegistryPurchase event;

      if (log->n_topics == 0 || memcmp (log->topics[0], topic, 32) != 0)
        continue;
      g_assert_true (sr_registry_decode_view_purchased (log, &event, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (event.viewer, SR_ADDRESS_LEN, w->addresses[account], SR_ADDRESS_LEN);
      memcpy (view_id, event.view_id, SR_U256_LEN);
      memcpy (t->pool, event.pool, SR_U256_LEN);
      return;
    }
  g_assert_not_reached ();
}

/* ---- one participant: a session, the torrent and its key exchange ---- */

typedef struct {
  char *dir;
  SrTorrentSession *session;
  SrTorrent *torrent;
  SrKeyExchange *exchange;
  guint served;
  guint refused[8];
  guint malformed;
} Node;

static void
on_served (SrKeyExchange *x, const char *address, const char *view, Node *node)
{
  node->served++;
}

static void
on_refused (SrKeyExchange *x, const char *address, guint reason, Node *node)
{
  if (reason < G_N_ELEMENTS (node->refused))
    node->refused[reason]++;
}

static void
on_malformed (SrTorrent *t, guint64 peer, const char *address, const GError *error, Node *node)
{
  node->malformed++;
}

static void
node_start (Node *node, World *w, Title *t, const char *root, const char *name,
            int account, gboolean seed, const char *const *peers)
{
  g_autoptr(GError) error = NULL;
  SrTorrentAddOptions o = { 0 };
  SrKeyExchangeTitle title = t->title;

  node->dir = g_build_filename (root, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (node->dir, 0700), ==, 0);
  node->session = loopback_session (node->dir);
  o.torrent = t->torrent;
  o.save_path = node->dir;
  o.peers = peers;
  o.flags = seed ? SR_TORRENT_ADD_SEED_MODE : SR_TORRENT_ADD_NONE;
  node->torrent = sr_torrent_session_add (node->session, &o, &error);
  g_assert_no_error (error);
  g_signal_connect (node->torrent, "extension-malformed", G_CALLBACK (on_malformed), node);
  memcpy (title.payout, w->addresses[account], SR_ADDRESS_LEN);
  node->exchange = sr_key_exchange_new (node->torrent, w->registry, &title);
  g_signal_connect (node->exchange, "key-served", G_CALLBACK (on_served), node);
  g_signal_connect (node->exchange, "request-refused", G_CALLBACK (on_refused), node);
}

static void
node_stop (Node *node)
{
  if (node->session == NULL)
    return;
  g_clear_object (&node->exchange);
  g_clear_object (&node->torrent);
  shutdown_session (node->session);
  g_clear_object (&node->session);
}

static GBytes *
fetch_key (World *w, Node *node, int account, const guint8 view_id[SR_U256_LEN],
           const guint8 *key_check, SrSealedKey *sealed, GError **error)
{
  g_autoptr(GAsyncResult) r = NULL;

  sr_key_exchange_fetch_key_async (node->exchange, w->signer, w->address_text[account], view_id,
                                   key_check, NULL, store_result, &r);
  return sr_key_exchange_fetch_key_finish (node->exchange, wait_result (&r), sealed, error);
}

static void
assert_decrypts_to_plaintext (const Title *t, Node *node)
{
  g_autofree char *path = g_build_filename (node->dir, FOLDER, RENDITION, NULL);
  g_autofree guint8 *plain = NULL;
  g_autofree char *want = NULL, *got = NULL;
  gsize len;

  decrypt_file (t, path, &plain, &len);
  want = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, t->plaintext);
  got = g_compute_checksum_for_data (G_CHECKSUM_SHA256, plain, len);
  g_assert_cmpstr (got, ==, want);
  g_assert_cmpmem (plain, 8, "\0\0\0\x18" "ftyp", 8);
}

/* The key survives a restart sealed, and only the wallet agent opens it:
 * the database file never holds it in the clear. */
static void
assert_key_at_rest (World *w, const Title *t, const char *dir, int account, SrStoreContentKey *row)
{
  g_autofree char *db = g_build_filename (dir, "library.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStoreContentKey) back = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *infohash = sr_hex_encode_bare (t->title.infohash, 32);
  gsize len;

  {
    g_autoptr(SrStore) store = sr_store_open (db, &error);
    g_assert_no_error (error);
    g_assert_true (sr_store_put_content_key (store, "devnet", row, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(SrStore) store = sr_store_open (db, &error);
    g_assert_no_error (error);
    back = sr_store_get_content_key (store, "devnet", infohash, w->address_text[account], &error);
    g_assert_no_error (error);
    g_assert_nonnull (back);
    g_assert_null (sr_store_get_content_key (store, "devnet", infohash, w->address_text[FREELOADER], &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_bytes_equal (back->sealed, row->sealed));
  sr_content_keys_open_async (w->signer, back, NULL, store_result, &r);
  key = sr_content_keys_open_finish (wait_result (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (key, NULL), g_bytes_get_size (key), t->key, sizeof t->key);

  g_assert_true (g_file_get_contents (db, &contents, &len, NULL));
  g_assert_null (memmem (contents, len, t->key, sizeof t->key));
  {
    g_autofree char *wal_path = g_strconcat (db, "-wal", NULL);
    g_autofree char *wal = NULL;
    if (g_file_get_contents (wal_path, &wal, &len, NULL))
      g_assert_null (memmem (wal, len, t->key, sizeof t->key));
  }
}

typedef struct {
  Node *node;
  guint count;
} Wait;

static gboolean
refused_enough (gpointer data)
{
  Wait *wait = data;
  guint total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (wait->node->refused); i++)
    total += wait->node->refused[i];
  return total >= wait->count;
}

static void
test_pay_per_view (void)
{
  g_autoptr(GError) error = NULL;
  World w = { 0 };
  Title t = { 0 };
  Node creator = { 0 }, a = { 0 }, b = { 0 }, c = { 0 };
  g_autofree char *root = NULL, *creator_peer = NULL, *a_peer = NULL;
  g_autoptr(GBytes) key_a = NULL, key_b = NULL, key_c = NULL, key_c2 = NULL;
  guint8 view_a[SR_U256_LEN], view_b[SR_U256_LEN], bogus_view[SR_U256_LEN];
  guint8 before[SR_U256_LEN], after[SR_U256_LEN], expected[SR_U256_LEN], share[SR_U256_LEN];
  SrSealedKey sealed_a;
  g_autofree char *artifacts = g_strdup_printf ("%s/contracts/out/SeedreelRegistry.json",
                                                g_getenv ("SEEDREEL_SOURCE_ROOT"));

  if (!g_file_test (artifacts, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("contracts/out is not compiled (tools/compile-contracts)");
      return;
    }

  world_start (&w);
  root = g_build_filename (w.dir, "peers", NULL);

  /* The creator encrypts, seeds and publishes. */
  {
    g_autofree char *creator_dir = g_build_filename (root, "creator", NULL);
    make_title (&w, &t, creator_dir);
  }
  node_start (&creator, &w, &t, root, "creator", CREATOR, TRUE, NULL);
  publish (&w, &t, creator.torrent);
  /* The exchange was made before the title had an id: make it again. */
  {
    SrKeyExchangeTitle title = t.title;
    g_autoptr(GBytes) key = g_bytes_new (t.key, sizeof t.key);

    g_clear_object (&creator.exchange);
    memcpy (title.payout, w.addresses[CREATOR], SR_ADDRESS_LEN);
    creator.exchange = sr_key_exchange_new (creator.torrent, w.registry, &title);
    g_signal_connect (creator.exchange, "key-served", G_CALLBACK (on_served), &creator);
    g_signal_connect (creator.exchange, "request-refused", G_CALLBACK (on_refused), &creator);
    sr_key_exchange_set_content_key (creator.exchange, key);
  }
  creator_peer = peer_of (creator.session);

  /* Viewer A buys and gets the key from the creator. */
  buy (&w, &t, VIEWER_A, view_a);
  {
    const char *peers[] = { creator_peer, NULL };
    node_start (&a, &w, &t, root, "a", VIEWER_A, FALSE, peers);
  }
  key_a = fetch_key (&w, &a, VIEWER_A, view_a, t.key_check, &sealed_a, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (key_a, NULL), g_bytes_get_size (key_a), t.key, sizeof t.key);
  g_assert_cmpmem (sealed_a.view_id, SR_U256_LEN, view_a, SR_U256_LEN);
  g_assert_cmpuint (creator.served, ==, 1);
  g_assert_true (wait_until (is_complete, a.torrent, 60));
  assert_decrypts_to_plaintext (&t, &a);
  {
    g_autoptr(SrStoreContentKey) row = sr_content_keys_from_sealed (t.title.infohash, w.address_text[VIEWER_A],
                                                                    &sealed_a);
    assert_key_at_rest (&w, &t, a.dir, VIEWER_A, row);
  }
  /* The creator's own copy, sealed to the key its wallet holds. */
  {
    g_autoptr(GAsyncResult) r = NULL;
    g_autoptr(GBytes) public_key = NULL, key = g_bytes_new (t.key, sizeof t.key);
    g_autoptr(SrStoreContentKey) row = NULL;

    sr_content_keys_owner_public_key_async (w.signer, w.address_text[CREATOR], &t.title, NULL, store_result, &r);
    public_key = sr_content_keys_owner_public_key_finish (wait_result (&r), &error);
    g_assert_no_error (error);
    row = sr_content_keys_seal_for_owner (t.title.infohash, w.address_text[CREATOR],
                                          g_bytes_get_data (public_key, NULL), key, &error);
    g_assert_no_error (error);
    assert_key_at_rest (&w, &t, creator.dir, CREATOR, row);
  }

  /* The creator goes offline. */
  node_stop (&creator);
  a_peer = peer_of (a.session);

  /* C bought nothing. It names A's view (signed by the wrong key), then a
   * view that does not exist: both refused, no key. */
  {
    const char *peers[] = { a_peer, NULL };
    node_start (&c, &w, &t, root, "c", FREELOADER, FALSE, peers);
  }
  key_c = fetch_key (&w, &c, FREELOADER, view_a, NULL, NULL, &error);
  g_assert_null (key_c);
  g_assert_error (error, SR_KEY_EXCHANGE_ERROR, SR_KEY_EXCHANGE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpuint (a.refused[SR_EXTENSION_REFUSAL_WRONG_SIGNER], ==, 1);
  memset (bogus_view, 0, sizeof bogus_view);
  bogus_view[31] = 77;
  key_c2 = fetch_key (&w, &c, FREELOADER, bogus_view, NULL, NULL, &error);
  g_assert_null (key_c2);
  g_assert_error (error, SR_KEY_EXCHANGE_ERROR, SR_KEY_EXCHANGE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpuint (a.refused[SR_EXTENSION_REFUSAL_UNKNOWN_VIEW], ==, 1);
  g_assert_cmpuint (a.served, ==, 0);

  /* C then floods A with garbage and replayed requests: A reports the
   * malformed ones, throttles the rest, and keeps everyone's connection. */
  {
    g_autoptr(GArray) ids = sr_torrent_list_extension_peers (c.torrent);
    SrExtensionMessage replay = { 0 };
    Wait wait = { &a, 0 };

    g_assert_cmpuint (ids->len, ==, 1);
    /* Requests with an unusable signature: A answers a few per minute,
     * says "busy" twice, then stops answering. */
    replay.type = SR_EXTENSION_KEY_REQUEST;
    memcpy (replay.view_id, view_a, SR_U256_LEN);
    for (guint i = 0; i < 20; i++)
      g_assert_true (sr_torrent_send_extension (c.torrent, g_array_index (ids, guint64, 0), &replay));
    /* Then payloads of every wrong length. */
    for (guint i = 0; i < 30; i++)
      {
        guint8 junk[40] = { 1, SR_EXTENSION_KEY_REQUEST };
        g_autoptr(GBytes) payload = g_bytes_new (junk, 2 + i);
        g_assert_true (sr_torrent_send_extension_raw (c.torrent, g_array_index (ids, guint64, 0), payload));
      }
    wait.count = 2 + 4 + 2;
    g_assert_true (wait_until (refused_enough, &wait, 30));
    g_assert_true (wait_until (is_complete, c.torrent, 60));
    g_assert_cmpuint (a.refused[SR_EXTENSION_REFUSAL_WRONG_SIGNER], ==, 1 + 4);
    g_assert_cmpuint (a.refused[SR_EXTENSION_REFUSAL_BUSY], ==, 2);
    g_assert_cmpuint (a.malformed, ==, 16);
    g_assert_cmpuint (a.served, ==, 0);
  }
  /* C holds only ciphertext. */
  {
    g_autofree char *path = g_build_filename (c.dir, FOLDER, RENDITION, NULL);
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    g_assert_cmpuint (len, ==, FILE_SIZE);
    g_assert_false (memcmp (contents, g_bytes_get_data (t.plaintext, NULL), 64) == 0);
  }

  /* Viewer B buys and gets the key from A, the creator being offline. */
  buy (&w, &t, VIEWER_B, view_b);
  {
    const char *peers[] = { a_peer, NULL };
    node_start (&b, &w, &t, root, "b", VIEWER_B, FALSE, peers);
  }
  key_b = fetch_key (&w, &b, VIEWER_B, view_b, t.key_check, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (key_b, NULL), g_bytes_get_size (key_b), t.key, sizeof t.key);
  g_assert_cmpuint (a.served, ==, 1);
  g_assert_true (wait_until (is_complete, b.torrent, 60));
  assert_decrypts_to_plaintext (&t, &b);

  /* The creator withdraws exactly two views' worth of price − pool. */
  {
    g_autoptr(GBytes) call = sr_registry_encode_withdraw ();
    g_autoptr(SrRpcReceipt) rx = NULL;
    g_autofree char *got = NULL, *want = NULL;
    guint8 twenty[SR_U256_LEN];
    guint carry = 0;

    token_balance (&w, w.addresses[CREATOR], before);
    rx = transact (&w, CREATOR, w.registry_address, call);
    token_balance (&w, w.addresses[CREATOR], after);
    /* share = price − pool, twice */
    for (int i = SR_U256_LEN - 1; i >= 0; i--)
      {
        int d = (int) t.price[i] - (int) t.pool[i] - (int) carry;
        carry = d < 0;
        share[i] = (guint8) (d + (carry ? 256 : 0));
      }
    carry = 0;
    for (int i = SR_U256_LEN - 1; i >= 0; i--)
      {
        guint s = (guint) before[i] + 2u * share[i] + carry;
        expected[i] = (guint8) s;
        carry = s >> 8;
      }
    got = sr_u256_to_decimal (after);
    want = sr_u256_to_decimal (expected);
    g_assert_cmpstr (got, ==, want);
    /* and the pool is the seeder share of the price: 20 SEED */
    g_assert_true (sr_u256_parse ("20000000000000000000", twenty, NULL));
    g_assert_cmpmem (t.pool, SR_U256_LEN, twenty, SR_U256_LEN);
  }

  node_stop (&a);
  node_stop (&b);
  node_stop (&c);
  g_free (a.dir);
  g_free (b.dir);
  g_free (c.dir);
  g_free (creator.dir);
  g_bytes_unref (t.plaintext);
  g_bytes_unref (t.torrent);
  g_free (t.metadata);
  world_stop (&w);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("seedreel-ppv-home-XXXXXX", NULL);

  /* The wallet agent keeps its key files under XDG_DATA_HOME: a private one,
   * set before any thread exists. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/market/pay-per-view", test_pay_per_view);
  {
    int status = g_test_run ();
    remove_tree (home);
    return status;
  }
}

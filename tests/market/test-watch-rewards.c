/* test-watch-rewards.c: a creator earns seeding rewards with nothing but
 * the command line. `seedreel-cli publish` encrypts, seeds and publishes a
 * paid title; another account's `seedreel-cli watch` buys it, receives the
 * key, downloads and decrypts it all from the creator and signs receipts;
 * then the creator's `seedreel-cli rewards` shows a receipt for what it
 * delivered and `seedreel-cli claim` pays exactly the seeder share for
 * those bytes. Real processes, the real wallet agent, libtorrent on
 * loopback and the real contracts on a private anvil. */
#include <signal.h>

#include "market-test-util.h"
#include "market/sr-catalog.h"
#include "store/sr-store-receipts.h"
#include "torrent/sr-torrent-create.h"

#define PASSWORD "correct horse battery staple"
#define PRICE "2000000000000000000"        /* 2 SEED */
#define SHARE_BPS 2500
#define RENDITION_SIZE (3 * 1024 * 1024 + 12345)

static struct {
  MarketChain chain;
  char *dir;
  char *password_file;
  char *registry;
  char *token;
} t;

static unsigned __int128
u128_of_decimal (const char *decimal)
{
  guint8 value[SR_U256_LEN];
  unsigned __int128 v = 0;

  g_assert_true (sr_u256_parse (decimal, value, NULL));
  for (int i = 0; i < SR_U256_LEN; i++)
    {
      if (i < 16)
        g_assert_cmpuint (value[i], ==, 0);
      else
        v = (v << 8) | value[i];
    }
  return v;
}

static unsigned __int128
balance_of (const guint8 account[SR_ADDRESS_LEN])
{
  g_autoptr(SrToken) token = sr_token_new (t.chain.rpc, t.chain.token);
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  guint8 balance[SR_U256_LEN];
  g_autofree char *text = NULL;

  sr_token_balance_of_async (token, account, NULL, market_test_store_result, &r);
  g_assert_true (sr_token_balance_of_finish (token, market_test_wait (&r), balance, &error));
  g_assert_no_error (error);
  text = sr_u256_to_decimal (balance);
  return u128_of_decimal (text);
}

/* A launcher for seedreel-cli as the user whose home is @home. */
static GSubprocessLauncher *
launcher_for (const char     *home,
              GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  const char *kinds[] = { "XDG_DATA_HOME", "data", "XDG_CONFIG_HOME", "config", "XDG_CACHE_HOME", "cache",
                          "XDG_STATE_HOME", "state" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i += 2)
    {
      g_autofree char *dir = g_build_filename (t.dir, home, kinds[i + 1], NULL);
      g_subprocess_launcher_setenv (launcher, kinds[i], dir, TRUE);
    }
  return launcher;
}

/* Runs seedreel-cli ARGS… (NULL-terminated) as @home; returns the exit status. */
static int
cli (const char  *home,
     char       **out,
     char       **err,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    launcher_for (home, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *o = NULL, *e = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) SEEDREEL_CLI);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &o, &e, &error);
  g_assert_no_error (error);
  g_test_message ("seedreel-cli %s (%s) → %d\nstdout: %s\nstderr: %s", (const char *) argv->pdata[1], home,
                  g_subprocess_get_exit_status (proc), o, e);
  if (out != NULL)
    *out = g_strstrip (g_steal_pointer (&o));
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return g_subprocess_get_exit_status (proc);
}

static void
import_wallet (const char *home,
               const char *private_key,
               const char *address)
{
  g_autofree char *key_file = g_build_filename (t.dir, home, "wallet.key", NULL);
  g_autofree char *key_dir = g_path_get_dirname (key_file);
  g_autofree char *out = NULL;
  g_autofree char *line = g_strconcat (private_key, "\n", NULL);

  g_assert_cmpint (g_mkdir_with_parents (key_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (key_file, line, -1, NULL));
  g_assert_cmpint (cli (home, &out, NULL, "wallet", "import", "--private-key-file", key_file,
                        "--password-file", t.password_file, NULL), ==, 0);
  g_assert_cmpstr (out, ==, address);
}

static GBytes *
make_source (const char *dir)
{
  g_autofree char *info_path = g_build_filename (dir, "info.json", NULL);
  g_autofree char *poster_path = g_build_filename (dir, "poster.jpg", NULL);
  g_autofree char *mp4_path = g_build_filename (dir, "720p.mp4", NULL);
  guint8 *bytes = g_malloc (RENDITION_SIZE);

  for (gsize i = 0; i < RENDITION_SIZE; i++)
    bytes[i] = (guint8) g_random_int ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (info_path, "{\"title\": \"Tide Tables\", \"duration\": 30, "
                                      "\"renditions\": [\"720p\"]}", -1, NULL));
  g_assert_true (g_file_set_contents (poster_path, "\xff\xd8\xff\xe0 a poster", -1, NULL));
  g_assert_true (g_file_set_contents (mp4_path, (const char *) bytes, RENDITION_SIZE, NULL));
  return g_bytes_new_take (bytes, RENDITION_SIZE);
}

/* Reads the publishing creator's stderr up to its listening port. */
static guint
read_listen_port (GDataInputStream *in)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_test_message ("creator: %s", line);
      if (g_str_has_prefix (line, "listen-port: "))
        return (guint) g_ascii_strtoull (line + strlen ("listen-port: "), NULL, 10);
    }
}

static void
test_watch_rewards (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GSubprocessLauncher) creator_launcher = NULL;
  g_autoptr(GSubprocess) creator = NULL;
  g_autoptr(GDataInputStream) creator_err = NULL, creator_out = NULL;
  g_autoptr(SrStore) creator_store = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *source = NULL, *published = NULL, *content_id = NULL, *peer = NULL, *out = NULL;
  g_autofree char *err = NULL, *watched = NULL, *downloads = NULL, *json = NULL, *amount = NULL;
  g_autofree char *creator_db = NULL, *network = NULL, *catalog = NULL, *expected_line = NULL;
  g_autofree char *contents = NULL;
  gsize contents_len = 0;
  SrStoreReceipt *receipt;
  JsonObject *summary, *title;
  guint port;
  guint64 content_size, piece;
  unsigned __int128 pool, expected, before;

  if (!market_test_chain_up (&t.chain))
    return;
  t.registry = sr_address_to_checksum (t.chain.registry);
  t.token = sr_address_to_checksum (t.chain.token);
  import_wallet ("creator", SR_ANVIL_ACCOUNT0_PRIVATE_KEY, SR_ANVIL_ACCOUNT0_ADDRESS);
  import_wallet ("viewer", SR_ANVIL_ACCOUNT1_PRIVATE_KEY, SR_ANVIL_ACCOUNT1_ADDRESS);
  market_test_mint (&t.chain, t.chain.viewer_address, "10000000000000000000");

  /* The creator publishes a paid title and keeps seeding it. */
  source = g_build_filename (t.dir, "source", NULL);
  plain = make_source (source);
  published = g_build_filename (t.dir, "published", NULL);
  creator_launcher = launcher_for ("creator", G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  creator = g_subprocess_launcher_spawn (creator_launcher, &error, SEEDREEL_CLI, "publish", source,
                                         "--price", "2", "--seeder-share", "25", "--output", published,
                                         "--listen", "127.0.0.1:0", "--yes",
                                         "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                                         "--registry", t.registry, "--password-file", t.password_file, NULL);
  g_assert_no_error (error);
  creator_err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (creator));
  creator_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (creator));
  port = read_listen_port (creator_err);
  g_assert_cmpuint (port, >, 0);
  content_id = g_data_input_stream_read_line_utf8 (creator_out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (content_id, ==, "1");

  /* Another account watches it: buys, fetches the key, downloads it all
   * from the creator, decrypts the rendition and signs receipts. */
  peer = g_strdup_printf ("127.0.0.1:%u", port);
  watched = g_build_filename (t.dir, "watched.mp4", NULL);
  downloads = g_build_filename (t.dir, "viewer", "downloads", NULL);
  g_assert_cmpint (cli ("viewer", &out, &err, "watch", content_id, "--output", watched,
                        "--download-dir", downloads, "--listen", "127.0.0.2:0", "--peer", peer, "--yes",
                        "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil), "--registry", t.registry,
                        "--token", t.token, "--password-file", t.password_file, NULL), ==, 0);
  g_assert_cmpstr (out, ==, watched);
  g_assert_true (g_file_get_contents (watched, &contents, &contents_len, NULL));
  g_assert_cmpuint (contents_len, ==, RENDITION_SIZE);
  g_assert_true (memcmp (contents, g_bytes_get_data (plain, NULL), RENDITION_SIZE) == 0);
  g_assert_nonnull (strstr (err, "Received the title’s key"));
  g_clear_pointer (&out, g_free);

  /* What the chain says the title weighs. */
  g_assert_cmpint (cli ("creator", &catalog, NULL, "catalog", "--json", "--rpc-url",
                        sr_anvil_get_rpc_url (t.chain.anvil), "--registry", t.registry, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, catalog, -1, &error));
  g_assert_no_error (error);
  title = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
  content_size = (guint64) json_object_get_int_member (title, "content_size");
  g_assert_cmpuint (content_size, >=, RENDITION_SIZE);
  piece = sr_torrent_piece_length_for_size (content_size);

  /* The viewer said which receipt the creator acknowledged. */
  g_assert_nonnull (strstr (err, SR_ANVIL_ACCOUNT0_ADDRESS));

  /* The creator stops; its receipt was on disk before it acknowledged. */
  g_subprocess_send_signal (creator, SIGTERM);
  g_assert_true (g_subprocess_wait (creator, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (creator));
  g_assert_cmpint (g_subprocess_get_exit_status (creator), ==, 0);

  creator_db = g_build_filename (t.dir, "creator", "data", "seedreel", "seedreel.db", NULL);
  creator_store = sr_store_open (creator_db, &error);
  g_assert_no_error (error);
  network = sr_catalog_network_key (SR_ANVIL_CHAIN_ID, t.chain.registry);
  receipts = sr_store_list_receipts (creator_store, network, SR_ANVIL_ACCOUNT0_ADDRESS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (receipts->len, ==, 1);
  receipt = receipts->pdata[0];
  g_assert_cmpstr (receipt->viewer, ==, SR_ANVIL_ACCOUNT1_ADDRESS);
  g_assert_cmpstr (receipt->view_id, ==, "1");
  /* Everything came from the creator: a receipt for all of it, give or
   * take the piece in flight when the last receipt was signed. */
  g_test_message ("receipt: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes (piece %" G_GUINT64_FORMAT ")",
                  receipt->bytes, content_size, piece);
  g_assert_cmpuint (receipt->bytes, <=, content_size);
  g_assert_cmpuint (receipt->bytes + piece, >=, content_size);
  expected_line = g_strdup_printf ("Receipt for %" G_GUINT64_FORMAT " bytes acknowledged by %s",
                                   receipt->bytes, SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_nonnull (strstr (err, expected_line));

  pool = u128_of_decimal (PRICE) * SHARE_BPS / 10000;
  expected = pool * receipt->bytes / content_size;
  g_assert_true (expected > 0);

  /* `rewards` shows it pending, `claim` pays it to the token unit. */
  g_assert_cmpint (cli ("creator", &json, NULL, "rewards", "--json", "--rpc-url",
                        sr_anvil_get_rpc_url (t.chain.anvil), "--registry", t.registry, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (summary, "account"), ==, SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_cmpint (json_object_get_int_member (summary, "receipts"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (summary, "viewers"), ==, 1);
  g_assert_true (u128_of_decimal (json_object_get_string_member (summary, "pending_base_units")) == expected);

  before = balance_of (t.chain.creator_address);
  g_assert_cmpint (cli ("creator", &amount, NULL, "claim", "--yes", "--rpc-url",
                        sr_anvil_get_rpc_url (t.chain.anvil), "--registry", t.registry,
                        "--password-file", t.password_file, NULL), ==, 0);
  g_assert_true (u128_of_decimal (amount) == expected);
  g_assert_true (balance_of (t.chain.creator_address) - before == expected);

  market_test_chain_down (&t.chain);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  t.dir = g_dir_make_tmp ("seedreel-watch-rewards-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("SEEDREEL_SIGNER", SIGNER_PATH, TRUE);
  g_setenv ("SEEDREEL_SIGNER_TEST_KDF", "1", TRUE);
  t.password_file = g_build_filename (t.dir, "password", NULL);
  g_assert_true (g_file_set_contents (t.password_file, PASSWORD "\n", -1, NULL));

  g_test_add_func ("/market/watch-rewards", test_watch_rewards);
  status = g_test_run ();

  {
    const char *rm[] = { "rm", "-rf", t.dir, NULL };
    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (t.dir);
  g_free (t.password_file);
  g_free (t.registry);
  g_free (t.token);
  return status;
}

/* test-cli-wallet.c: `seedreel-cli wallet` as a user drives it, against a
 * real anvil and a real seedreel-signer, with cast as the independent
 * oracle for balances, token state and the exported keystore.
 *
 * The cases share one chain and one wallet directory and run in order:
 * create and import first, then sends, then export.
 */

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "sr-anvil-fixture.h"
#include "store/sr-store.h"

#define CREATED_ETH_WEI "2500000000000000000"

static struct {
  SrAnvil *anvil;
  char *dir;
  char *password_file;
  char *bad_password_file;
  char *key_file;
  char *created;      /* the account `wallet create` made */
  char *token;        /* the deployed SeedreelToken, or NULL */
} w;

static void
no_terminal (gpointer data)
{
  (void) data;
  /* No controlling terminal: the CLI must not find a /dev/tty to ask on. */
  setsid ();
}

static int
run_argv (const char * const  *argv,
          const char          *input,
          char               **out,
          char               **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *o = NULL, *e = NULL;

  g_subprocess_launcher_set_child_setup (launcher, no_terminal, NULL, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &o, &e, &error);
  g_assert_no_error (error);
  g_test_message ("%s %s → %d\nstdout: %s\nstderr: %s", argv[0], argv[1],
                  g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1, o, e);
  if (out != NULL)
    *out = g_strstrip (g_steal_pointer (&o));
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

/* seedreel-cli wallet ARGS… (NULL-terminated) against the test chain. */
static int
wallet (const char  *input,
        char       **out,
        char       **err,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list ap;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) SEEDREEL_CLI);
  g_ptr_array_add (argv, (gpointer) "wallet");
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, (gpointer) "--rpc-url");
  g_ptr_array_add (argv, (gpointer) sr_anvil_get_rpc_url (w.anvil));
  g_ptr_array_add (argv, NULL);
  return run_argv ((const char * const *) argv->pdata, input, out, err);
}

static char *
cast (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  va_list ap;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) g_getenv ("SEEDREEL_CAST"));
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_cmpint (run_argv ((const char * const *) argv->pdata, NULL, &out, NULL), ==, 0);
  return g_steal_pointer (&out);
}

static gboolean
have_cast (void)
{
  if (g_getenv ("SEEDREEL_CAST") != NULL)
    return TRUE;
  g_test_skip ("cast is not installed (npm ci)");
  return FALSE;
}

static char *
cast_balance (const char *address)
{
  return cast ("balance", "--rpc-url", sr_anvil_get_rpc_url (w.anvil), address, NULL);
}

static char *
cast_nonce (const char *address)
{
  return cast ("nonce", "--rpc-url", sr_anvil_get_rpc_url (w.anvil), address, NULL);
}

/* What the CLI recorded in the user's store for dev account 0. */
static GPtrArray *
recorded (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sr_store_default_path ();
  g_autoptr(SrStore) store = sr_store_open (path, &error);
  GPtrArray *list;

  g_assert_no_error (error);
  list = sr_store_list_transactions (store, SR_ANVIL_CHAIN_ID, SR_ANVIL_ACCOUNT0_ADDRESS, FALSE, &error);
  g_assert_no_error (error);
  return list;
}

static void
test_create_and_import (void)
{
  g_autofree char *out = NULL, *err = NULL, *imported = NULL, *shown = NULL;
  g_auto(GStrv) lines = NULL, words = NULL;

  g_assert_cmpint (wallet (NULL, &out, &err, "create", "--password-file", w.password_file, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_prefix (lines[0], "0x"));
  g_assert_cmpuint (strlen (lines[0]), ==, 42);
  words = g_strsplit (lines[1], " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, 12);
  g_assert_nonnull (strstr (err, "Recovery phrase"));
  w.created = g_strdup (lines[0]);
  {
    /* The address comes back EIP-55 checksummed, as cast writes it. */
    g_autofree char *checksummed = cast ("to-check-sum-address", w.created, NULL);
    g_assert_cmpstr (checksummed, ==, w.created);
  }

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (wallet (NULL, &imported, NULL, "import", "--private-key-file", w.key_file,
                           "--password-file", w.password_file, NULL), ==, 0);
  g_assert_cmpstr (imported, ==, SR_ANVIL_ACCOUNT0_ADDRESS);

  /* Importing the same key twice is refused, not silently duplicated. */
  g_assert_cmpint (wallet (NULL, NULL, &err, "import", "--private-key-file", w.key_file,
                           "--password-file", w.password_file, NULL), !=, 0);

  /* `address --account` takes any spelling and answers the checksummed one. */
  g_assert_cmpint (wallet (NULL, &shown, NULL, "address", "--account",
                           "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", NULL), ==, 0);
  g_assert_cmpstr (shown, ==, SR_ANVIL_ACCOUNT0_ADDRESS);
}

static void
test_balance (void)
{
  g_autofree char *dev = NULL, *created = NULL;

  g_assert_cmpint (wallet (NULL, &dev, NULL, "balance", "--account", SR_ANVIL_ACCOUNT0_ADDRESS, NULL), ==, 0);
  g_assert_cmpstr (dev, ==, "10000 ETH");
  g_assert_cmpint (wallet (NULL, &created, NULL, "balance", "--account", w.created, NULL), ==, 0);
  g_assert_cmpstr (created, ==, "0 ETH");
}

static void
test_send_eth (void)
{
  g_autofree char *hash = NULL, *err = NULL, *wei = NULL, *shown = NULL, *status = NULL;

  if (!have_cast ())
    return;
  g_assert_cmpint (wallet (NULL, &hash, &err, "send", w.created, "2.5", "--yes",
                           "--account", SR_ANVIL_ACCOUNT0_ADDRESS,
                           "--password-file", w.password_file, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (hash, "0x"));
  g_assert_cmpuint (strlen (hash), ==, 66);
  /* The summary named the amount, the recipient and the chain. */
  g_assert_nonnull (strstr (err, "2.5 ETH"));
  g_assert_nonnull (strstr (err, w.created));
  g_assert_nonnull (strstr (err, "31337"));

  status = cast ("receipt", "--rpc-url", sr_anvil_get_rpc_url (w.anvil), hash, "status", NULL);
  /* cast prints "true" or "1 (success)" depending on its version. */
  g_assert_true (g_str_equal (status, "true") || g_str_has_prefix (status, "1"));
  wei = cast_balance (w.created);
  g_assert_cmpstr (wei, ==, CREATED_ETH_WEI);
  g_assert_cmpint (wallet (NULL, &shown, NULL, "balance", "--account", w.created, NULL), ==, 0);
  g_assert_cmpstr (shown, ==, "2.5 ETH");

  /* Recorded in the store under the hash that was broadcast, and settled. */
  {
    g_autoptr(GPtrArray) txs = recorded ();
    SrStoreTransaction *tx;

    g_assert_cmpuint (txs->len, ==, 1);
    tx = txs->pdata[0];
    g_assert_cmpstr (tx->hash, ==, hash);
    g_assert_cmpstr (tx->value, ==, CREATED_ETH_WEI);
    g_assert_cmpint (tx->state, ==, SR_STORE_TX_MINED);
  }
}

static void
test_wrong_password (void)
{
  g_autofree char *nonce_before = NULL, *nonce_after = NULL, *wei = NULL;
  g_autofree char *out = NULL, *err = NULL;

  if (!have_cast ())
    return;
  nonce_before = cast_nonce (SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_cmpint (wallet (NULL, &out, &err, "send", w.created, "1", "--yes",
                           "--account", SR_ANVIL_ACCOUNT0_ADDRESS,
                           "--password-file", w.bad_password_file, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "password"));
  nonce_after = cast_nonce (SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_cmpstr (nonce_after, ==, nonce_before);
  wei = cast_balance (w.created);
  g_assert_cmpstr (wei, ==, CREATED_ETH_WEI);
}

static void
test_declined (void)
{
  g_autofree char *nonce_before = NULL, *nonce_after = NULL, *out = NULL, *err = NULL;

  if (!have_cast ())
    return;
  nonce_before = cast_nonce (SR_ANVIL_ACCOUNT0_ADDRESS);
  /* Without --yes the user is asked; anything but "y" sends nothing. */
  g_assert_cmpint (wallet ("n\n", &out, &err, "send", w.created, "1",
                           "--account", SR_ANVIL_ACCOUNT0_ADDRESS,
                           "--password-file", w.password_file, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Send? [y/N]"));
  g_assert_cmpstr (out, ==, "");
  nonce_after = cast_nonce (SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_cmpstr (nonce_after, ==, nonce_before);
  {
    /* Declined before signing: nothing was recorded either. */
    g_autoptr(GPtrArray) txs = recorded ();
    g_assert_cmpuint (txs->len, ==, 1);
  }
}

static void
test_send_token (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *artifact = g_build_filename (g_getenv ("SEEDREEL_SOURCE_ROOT"), "contracts", "out",
                                                "SeedreelToken.json", NULL);
  g_autofree char *deployed = NULL, *minted = NULL, *hash = NULL, *err = NULL;
  g_autofree char *units = NULL, *shown = NULL, *owner_left = NULL;
  const char *url = sr_anvil_get_rpc_url (w.anvil);
  const char *bytecode;

  if (!have_cast ())
    return;
  if (!g_file_test (artifact, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("contracts/out/SeedreelToken.json is not compiled (tools/compile-contracts)");
      return;
    }
  json_parser_load_from_file (parser, artifact, &error);
  g_assert_no_error (error);
  bytecode = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "bytecode");
  g_assert_nonnull (bytecode);

  /* Deployed by dev account 0, which becomes the owner and mints 1000 SEED to itself. */
  deployed = cast ("send", "--rpc-url", url, "--private-key", SR_ANVIL_ACCOUNT0_PRIVATE_KEY, "--json",
                   "--create", bytecode, "constructor(address)", SR_ANVIL_ACCOUNT0_ADDRESS, NULL);
  {
    g_autoptr(JsonParser) receipt = json_parser_new ();

    json_parser_load_from_data (receipt, deployed, -1, &error);
    g_assert_no_error (error);
    w.token = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (receipt)),
                                                       "contractAddress"));
    g_assert_nonnull (w.token);
  }
  minted = cast ("send", "--rpc-url", url, "--private-key", SR_ANVIL_ACCOUNT0_PRIVATE_KEY,
                 w.token, "mint(address,uint256)", SR_ANVIL_ACCOUNT0_ADDRESS, "1000ether", NULL);

  g_assert_cmpint (wallet (NULL, &hash, &err, "send", w.created, "12.5", "--yes", "--token", w.token,
                           "--account", SR_ANVIL_ACCOUNT0_ADDRESS,
                           "--password-file", w.password_file, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (hash, "0x"));
  g_assert_nonnull (strstr (err, "12.5 SEED"));
  g_assert_nonnull (strstr (err, w.created));

  units = cast ("call", "--rpc-url", url, w.token, "balanceOf(address)(uint256)", w.created, NULL);
  g_assert_true (g_str_has_prefix (units, "12500000000000000000"));
  owner_left = cast ("call", "--rpc-url", url, w.token, "balanceOf(address)(uint256)",
                     SR_ANVIL_ACCOUNT0_ADDRESS, NULL);
  g_assert_true (g_str_has_prefix (owner_left, "987500000000000000000"));

  g_assert_cmpint (wallet (NULL, &shown, NULL, "balance", "--account", w.created, "--token", w.token, NULL), ==, 0);
  g_assert_cmpstr (shown, ==, "2.5 ETH\n12.5 SEED");
}

static void
test_export (void)
{
  g_autofree char *keys = g_build_filename (w.dir, "keystores", NULL);
  g_autofree char *file = g_build_filename (keys, "dev0", NULL);
  g_autofree char *out = NULL, *err = NULL, *decrypted = NULL;
  g_autofree char *key_hex = g_ascii_strdown (SR_ANVIL_ACCOUNT0_PRIVATE_KEY, -1);

  if (!have_cast ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (keys, 0700), ==, 0);
  g_assert_cmpint (wallet (NULL, &out, &err, "export", "--account", SR_ANVIL_ACCOUNT0_ADDRESS,
                           "--output", file, "--password-file", w.password_file, NULL), ==, 0);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  decrypted = cast ("wallet", "decrypt-keystore", "dev0", "--keystore-dir", keys,
                    "--unsafe-password", "correct horse battery staple", NULL);
  g_assert_nonnull (strstr (decrypted, key_hex));

  /* Exporting with the wrong password gives nothing away. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (wallet (NULL, &out, &err, "export", "--account", SR_ANVIL_ACCOUNT0_ADDRESS,
                           "--password-file", w.bad_password_file, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "password"));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  w.dir = g_dir_make_tmp ("seedreel-cli-wallet-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *data = g_build_filename (w.dir, "data", NULL);
    g_autofree char *config = g_build_filename (w.dir, "config", NULL);
    g_autofree char *cache = g_build_filename (w.dir, "cache", NULL);

    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  g_setenv ("SEEDREEL_SIGNER", SIGNER_PATH, TRUE);
  g_setenv ("SEEDREEL_SIGNER_TEST_KDF", "1", TRUE);
  w.password_file = g_build_filename (w.dir, "password", NULL);
  w.bad_password_file = g_build_filename (w.dir, "wrong-password", NULL);
  w.key_file = g_build_filename (w.dir, "dev0.key", NULL);
  g_assert_true (g_file_set_contents (w.password_file, "correct horse battery staple\n", -1, NULL));
  g_assert_true (g_file_set_contents (w.bad_password_file, "correct horse battery stapler\n", -1, NULL));
  g_assert_true (g_file_set_contents (w.key_file, SR_ANVIL_ACCOUNT0_PRIVATE_KEY "\n", -1, NULL));

  w.anvil = sr_anvil_start (&error);
  g_assert_no_error (error);

  g_test_add_func ("/wallet/cli/create-and-import", test_create_and_import);
  g_test_add_func ("/wallet/cli/balance", test_balance);
  g_test_add_func ("/wallet/cli/send-eth", test_send_eth);
  g_test_add_func ("/wallet/cli/wrong-password", test_wrong_password);
  g_test_add_func ("/wallet/cli/declined", test_declined);
  g_test_add_func ("/wallet/cli/send-token", test_send_token);
  g_test_add_func ("/wallet/cli/export", test_export);
  status = g_test_run ();

  sr_anvil_stop (w.anvil);
  if (status == 0)
    {
      const char *rm[] = { "rm", "-rf", w.dir, NULL };

      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  return status;
}

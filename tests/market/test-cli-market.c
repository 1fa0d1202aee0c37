/* test-cli-market.c: `seedreel-cli catalog`, `buy` and `publish` as a
 * user drives them: the real CLI spawning the real seedreel-signer, against
 * a private anvil with the real contracts. */
#include <unistd.h>

#include "market-test-util.h"

static struct {
  MarketChain chain;
  char *dir;
  char *password_file;
  char *registry;
  char *token;
} t;

static void
no_terminal (gpointer data)
{
  (void) data;
  /* No controlling terminal: questions go to stdin/stderr. */
  setsid ();
}

/* Runs seedreel-cli with ARGS…, NULL; returns the exit status. */
static int
cli (const char  *input,
     char       **out,
     char       **err,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
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
  g_subprocess_launcher_set_child_setup (launcher, no_terminal, NULL, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &o, &e, &error);
  g_assert_no_error (error);
  g_test_message ("seedreel-cli %s → %d\nstdout: %s\nstderr: %s", (const char *) argv->pdata[1],
                  g_subprocess_get_exit_status (proc), o, e);
  if (out != NULL)
    *out = g_strstrip (g_steal_pointer (&o));
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return g_subprocess_get_exit_status (proc);
}

/* Each test has its own home: a library database of one anvil must not
 * meet another's chain. */
static void
use_home (const char *name)
{
  const char *kinds[] = { "XDG_DATA_HOME", "data", "XDG_CONFIG_HOME", "config", "XDG_CACHE_HOME", "cache" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i += 2)
    {
      g_autofree char *dir = g_build_filename (t.dir, name, kinds[i + 1], NULL);
      g_setenv (kinds[i], dir, TRUE);
    }
}

static char *
creator_balance (void)
{
  g_autoptr(SrRegistry) registry = sr_registry_new (t.chain.rpc, t.chain.registry);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint8 balance[SR_U256_LEN];

  sr_registry_creator_balance_async (registry, t.chain.creator_address, NULL, market_test_store_result, &result);
  g_assert_true (sr_registry_creator_balance_finish (registry, market_test_wait (&result), balance, &error));
  g_assert_no_error (error);
  return sr_u256_to_decimal (balance);
}

static void
test_catalog_and_buy (void)
{
  g_autofree char *key_file = NULL, *out = NULL, *err = NULL, *json = NULL, *again = NULL;
  g_autofree char *id1 = NULL, *id2 = NULL, *balance = NULL, *declined = NULL, *bought = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *titles;
  JsonObject *first;
  g_auto(GStrv) lines = NULL, fields = NULL;

  use_home ("buy");
  if (!market_test_chain_up (&t.chain))
    return;
  t.registry = sr_address_to_checksum (t.chain.registry);
  t.token = sr_address_to_checksum (t.chain.token);

  /* Nothing published yet: an empty listing, said on stderr. */
  g_assert_cmpint (cli (NULL, &out, &err, "catalog", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "No titles"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  id1 = market_test_publish (&t.chain, "Night Train", "12500000000000000000", 2000);
  id2 = market_test_publish (&t.chain, "Harbour Lights", "1000000000000000000", 0);

  g_assert_cmpint (cli (NULL, &json, NULL, "catalog", "--json", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  titles = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (titles), ==, 2);
  first = json_array_get_object_element (titles, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, id1);
  g_assert_cmpstr (json_object_get_string_member (first, "title"), ==, "Night Train");
  g_assert_cmpstr (json_object_get_string_member (first, "price"), ==, "12.5");
  g_assert_cmpint (json_object_get_int_member (first, "seeder_share_bps"), ==, 2000);
  g_assert_cmpstr (json_object_get_string_member (first, "creator"), ==, SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_cmpuint (strlen (json_object_get_string_member (first, "infohash")), ==, 64);
  g_assert_true (json_object_get_null_member (first, "view_id"));

  /* The plain listing: id, title, price, share, creator, infohash. */
  g_assert_cmpint (cli (NULL, &out, NULL, "catalog", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  fields = g_strsplit (lines[1], "\t", -1);
  g_assert_cmpstr (fields[0], ==, id2);
  g_assert_cmpstr (fields[1], ==, "Harbour Lights");
  g_assert_cmpstr (fields[2], ==, "1 SEED");
  g_assert_cmpstr (fields[3], ==, "0 %");
  g_assert_cmpstr (fields[4], ==, SR_ANVIL_ACCOUNT0_ADDRESS);

  /* The viewer's wallet: anvil's account 1, with 20 SEED. */
  key_file = g_build_filename (t.dir, "viewer.key", NULL);
  g_assert_true (g_file_set_contents (key_file, SR_ANVIL_ACCOUNT1_PRIVATE_KEY "\n", -1, NULL));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (NULL, &out, NULL, "wallet", "import", "--private-key-file", key_file,
                        "--password-file", t.password_file, NULL), ==, 0);
  g_assert_cmpstr (out, ==, SR_ANVIL_ACCOUNT1_ADDRESS);
  market_test_mint (&t.chain, t.chain.viewer_address, "20000000000000000000");

  /* Declining at the prompt sends nothing. */
  g_assert_cmpint (cli ("n\n", &declined, &err, "buy", id1, "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, "--token", t.token, "--password-file", t.password_file,
                        NULL), ==, 1);
  g_assert_cmpstr (declined, ==, "");
  g_assert_nonnull (strstr (err, "Night Train"));
  g_assert_nonnull (strstr (err, "12.5 SEED"));
  g_assert_nonnull (strstr (err, "20 %"));
  g_assert_nonnull (strstr (err, t.registry));
  g_assert_nonnull (strstr (err, "31337"));
  g_assert_nonnull (strstr (err, "Max fee"));
  g_assert_nonnull (strstr (err, "declined"));
  balance = creator_balance ();
  g_assert_cmpstr (balance, ==, "0");
  g_clear_pointer (&balance, g_free);
  g_clear_pointer (&err, g_free);

  /* Buying: approve, then buyView; the view id on stdout. */
  g_assert_cmpint (cli (NULL, &bought, &err, "buy", id1, "--yes", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, "--token", t.token, "--password-file", t.password_file,
                        NULL), ==, 0);
  g_assert_cmpstr (bought, ==, "1");
  g_assert_nonnull (strstr (err, "allow the registry"));
  balance = creator_balance ();
  g_assert_cmpstr (balance, ==, "10000000000000000000");   /* 12.5 − 20 % */
  g_clear_pointer (&err, g_free);

  /* A second buy of the same title is recognised, not paid twice. */
  g_assert_cmpint (cli (NULL, &again, &err, "buy", id1, "--yes", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, "--token", t.token, "--password-file", t.password_file,
                        NULL), ==, 0);
  g_assert_cmpstr (again, ==, "1");
  g_assert_nonnull (strstr (err, "already bought"));
  g_clear_pointer (&balance, g_free);
  balance = creator_balance ();
  g_assert_cmpstr (balance, ==, "10000000000000000000");
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  /* An id that is not published is an error a user can act on. */
  g_assert_cmpint (cli (NULL, &out, &err, "buy", "99", "--yes", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, "--token", t.token, "--password-file", t.password_file,
                        NULL), ==, 1);
  g_assert_nonnull (strstr (err, "No title 99"));

  market_test_chain_down (&t.chain);
}

static char *
make_source (const char *name,
             const char *title,
             GBytes    **rendition)
{
  g_autofree char *info = g_strdup_printf ("{\"title\": \"%s\", \"description\": \"Lights on the water.\", "
                                           "\"duration\": 12.5, \"renditions\": [\"720p\"]}", title);
  char *dir = g_build_filename (t.dir, name, NULL);
  g_autofree char *info_path = g_build_filename (dir, "info.json", NULL);
  g_autofree char *poster_path = g_build_filename (dir, "poster.jpg", NULL);
  g_autofree char *mp4_path = g_build_filename (dir, "720p.mp4", NULL);
  guint8 *bytes = g_malloc (300 * 1024);

  for (gsize i = 0; i < 300 * 1024; i++)
    bytes[i] = (guint8) g_random_int ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (info_path, info, -1, NULL));
  g_assert_true (g_file_set_contents (poster_path, "\xff\xd8\xff\xe0 not much of a poster", -1, NULL));
  g_assert_true (g_file_set_contents (mp4_path, (const char *) bytes, 300 * 1024, NULL));
  *rendition = g_bytes_new_take (bytes, 300 * 1024);
  return dir;
}

static GBytes *
published_file (const char *output,
                const char *folder,
                const char *file)
{
  g_autofree char *path = g_build_filename (output, folder, file, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static JsonArray *
catalog_json (JsonParser *parser)
{
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cli (NULL, &json, NULL, "catalog", "--json", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_node_get_array (json_parser_get_root (parser));
}

static void
test_publish (void)
{
  g_autofree char *key_file = NULL, *out = NULL, *err = NULL, *paid_dir = NULL, *free_dir = NULL;
  g_autofree char *output = NULL, *id = NULL, *free_id = NULL;
  g_autoptr(GBytes) paid_plain = NULL, free_plain = NULL, paid_out = NULL, free_out = NULL, info_out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) parser2 = json_parser_new ();
  JsonArray *titles;
  JsonObject *title;

  use_home ("publish");
  if (!market_test_chain_up (&t.chain))
    return;
  g_free (t.registry);
  t.registry = sr_address_to_checksum (t.chain.registry);

  /* The creator's wallet: anvil's account 0. */
  key_file = g_build_filename (t.dir, "creator.key", NULL);
  g_assert_true (g_file_set_contents (key_file, SR_ANVIL_ACCOUNT0_PRIVATE_KEY "\n", -1, NULL));
  g_assert_cmpint (cli (NULL, &out, NULL, "wallet", "import", "--private-key-file", key_file,
                        "--password-file", t.password_file, NULL), ==, 0);
  g_assert_cmpstr (out, ==, SR_ANVIL_ACCOUNT0_ADDRESS);
  g_clear_pointer (&out, g_free);

  paid_dir = make_source ("paid-source", "Harbour Lights", &paid_plain);
  free_dir = make_source ("free-source", "Open Sea", &free_plain);
  output = g_build_filename (t.dir, "published", NULL);

  /* Declining at the summary publishes nothing and spends nothing. */
  g_assert_cmpint (cli ("n\n", &out, &err, "publish", paid_dir, "--price", "2.5", "--seeder-share", "15",
                        "--output", output, "--no-seed", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, "--password-file", t.password_file, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "Harbour Lights"));
  g_assert_nonnull (strstr (err, "2.5 SEED"));
  g_assert_nonnull (strstr (err, "15 %"));
  g_assert_nonnull (strstr (err, "paid title"));
  g_assert_nonnull (strstr (err, "31337"));
  g_assert_nonnull (strstr (err, "declined"));
  g_assert_cmpuint (json_array_get_length (catalog_json (parser)), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Paid: published with its price and share, renditions encrypted,
   * poster and info.json as they were. */
  g_assert_cmpint (cli (NULL, &id, &err, "publish", paid_dir, "--price", "2.5", "--seeder-share", "15",
                        "--output", output, "--no-seed", "--yes", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", t.registry, "--password-file", t.password_file, NULL), ==, 0);
  g_assert_cmpstr (id, ==, "1");
  g_clear_pointer (&err, g_free);
  titles = catalog_json (parser);
  g_assert_cmpuint (json_array_get_length (titles), ==, 1);
  title = json_array_get_object_element (titles, 0);
  g_assert_cmpstr (json_object_get_string_member (title, "id"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (title, "title"), ==, "Harbour Lights");
  g_assert_cmpstr (json_object_get_string_member (title, "description"), ==, "Lights on the water.");
  g_assert_cmpstr (json_object_get_string_member (title, "price"), ==, "2.5");
  g_assert_cmpint (json_object_get_int_member (title, "seeder_share_bps"), ==, 1500);
  g_assert_cmpstr (json_object_get_string_member (title, "creator"), ==, SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_cmpint (json_object_get_int_member (title, "content_size"), >, 300 * 1024);
  paid_out = published_file (output, "harbour-lights", "720p.mp4");
  g_assert_cmpuint (g_bytes_get_size (paid_out), ==, g_bytes_get_size (paid_plain));
  g_assert_false (g_bytes_equal (paid_out, paid_plain));
  info_out = published_file (output, "harbour-lights", "info.json");
  g_assert_nonnull (strstr (g_bytes_get_data (info_out, NULL), "Lights on the water."));

  /* Free: the renditions as they are. */
  g_assert_cmpint (cli (NULL, &free_id, &err, "publish", free_dir, "--output", output, "--no-seed", "--yes",
                        "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil), "--registry", t.registry,
                        "--password-file", t.password_file, NULL), ==, 0);
  g_assert_cmpstr (free_id, ==, "2");
  g_assert_nonnull (strstr (err, "free title"));
  free_out = published_file (output, "open-sea", "720p.mp4");
  g_assert_true (g_bytes_equal (free_out, free_plain));
  titles = catalog_json (parser2);
  g_assert_cmpuint (json_array_get_length (titles), ==, 2);

  market_test_chain_down (&t.chain);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  t.dir = g_dir_make_tmp ("seedreel-cli-market-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("SEEDREEL_SIGNER", SIGNER_PATH, TRUE);
  g_setenv ("SEEDREEL_SIGNER_TEST_KDF", "1", TRUE);
  t.password_file = g_build_filename (t.dir, "password", NULL);
  g_assert_true (g_file_set_contents (t.password_file, "correct horse battery staple\n", -1, NULL));

  g_test_add_func ("/market/cli/catalog-and-buy", test_catalog_and_buy);
  g_test_add_func ("/market/cli/publish", test_publish);
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

/* test-cli-publish-worker.c: `seedreel-cli publish FILE --worker URL` in one
 * go, as a creator runs it: a short real clip through the real
 * seedreel-transcoder process (upload, every rendition, every check), then
 * encrypted, hashed and published on a private anvil with the real
 * contracts, by the real CLI and its real seedreel-signer. A wrong access
 * token stops it before anything is uploaded or published. */
#include <sys/prctl.h>
#include <signal.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "market-test-util.h"
#include "transcode-test-util.h"

#define ACCESS_TOKEN "publish-test-operator-token"

static struct {
  MarketChain chain;
  char *dir;
  char *password_file;
} t;

static void
child_setup (gpointer data)
{
  (void) data;
  /* No controlling terminal (questions go to stdin/stderr), and nothing
   * outlives the test. */
  setsid ();
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Runs seedreel-cli with ARGS…, NULL; returns the exit status. */
static int
cli (char **out,
     char **err,
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
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &o, &e, &error);
  g_assert_no_error (error);
  g_test_message ("seedreel-cli %s → %d\nstdout: %s\nstderr: %s", (const char *) argv->pdata[1],
                  g_subprocess_get_exit_status (proc), o, e);
  if (out != NULL)
    *out = g_strstrip (g_steal_pointer (&o));
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return g_subprocess_get_exit_status (proc);
}

static GSubprocess *
start_worker (const char *state_dir,
              char      **url)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *worker;

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  worker = g_subprocess_launcher_spawn (launcher, &error, WORKER_PATH, "--listen", "127.0.0.1:0",
                                        "--state-dir", state_dir, "--access-token", ACCESS_TOKEN,
                                        "--speed-preset", "ultrafast", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (worker));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  *url = g_strdup (line + strlen ("listening on "));
  return worker;
}

static JsonArray *
catalog_json (JsonParser *parser,
              const char *registry)
{
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cli (&json, NULL, "catalog", "--json", "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil),
                        "--registry", registry, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_node_get_array (json_parser_get_root (parser));
}

static void
test_publish_through_worker (void)
{
  g_autofree char *key_file = NULL, *out = NULL, *err = NULL, *url = NULL, *registry = NULL;
  g_autofree char *state = NULL, *output = NULL, *token_file = NULL, *wrong_file = NULL, *clip_path = NULL;
  g_autofree char *published = NULL, *info = NULL;
  g_autoptr(GFile) clip = NULL;
  g_autoptr(GSubprocess) worker = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) parser2 = json_parser_new ();
  g_autoptr(JsonParser) info_parser = json_parser_new ();
  JsonArray *titles, *renditions;
  JsonObject *title;
  gsize size = 0;

  if (!market_test_chain_up (&t.chain))
    return;
  registry = sr_address_to_checksum (t.chain.registry);

  /* The creator's wallet: anvil's account 0. */
  key_file = g_build_filename (t.dir, "creator.key", NULL);
  g_assert_true (g_file_set_contents (key_file, SR_ANVIL_ACCOUNT0_PRIVATE_KEY "\n", -1, NULL));
  g_assert_cmpint (cli (&out, NULL, "wallet", "import", "--private-key-file", key_file,
                        "--password-file", t.password_file, NULL), ==, 0);
  g_assert_cmpstr (out, ==, SR_ANVIL_ACCOUNT0_ADDRESS);
  g_clear_pointer (&out, g_free);

  /* A 4 s 640×360 clip with sound: one rendition, 360p. */
  clip = transcode_test_make_clip (t.dir, "evening-tide.mp4", "ball", 640, 360, 4, TRUE);
  clip_path = g_file_get_path (clip);
  state = g_build_filename (t.dir, "worker-state", NULL);
  g_assert_cmpint (g_mkdir_with_parents (state, 0700), ==, 0);
  worker = start_worker (state, &url);
  output = g_build_filename (t.dir, "published", NULL);
  token_file = g_build_filename (t.dir, "worker-token", NULL);
  g_assert_true (g_file_set_contents (token_file, ACCESS_TOKEN "\n", -1, NULL));
  wrong_file = g_build_filename (t.dir, "wrong-token", NULL);
  g_assert_true (g_file_set_contents (wrong_file, "not-the-token\n", -1, NULL));

  /* A wrong token: the worker refuses, nothing is published. */
  g_assert_cmpint (cli (&out, &err, "publish", clip_path, "--worker", url, "--token-file", wrong_file,
                        "--price", "1.5", "--output", output, "--no-seed", "--yes",
                        "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil), "--registry", registry,
                        "--password-file", t.password_file, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "access token"));
  g_assert_cmpuint (json_array_get_length (catalog_json (parser, registry)), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The right one: transcoded, every check passed, encrypted, published. */
  g_assert_cmpint (cli (&out, &err, "publish", clip_path, "--worker", url, "--token-file", token_file,
                        "--description", "The tide comes in.", "--price", "1.5", "--seeder-share", "20",
                        "--output", output, "--no-seed", "--yes",
                        "--rpc-url", sr_anvil_get_rpc_url (t.chain.anvil), "--registry", registry,
                        "--password-file", t.password_file, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "1");
  g_assert_nonnull (strstr (err, "Renditions: 360p (640×360)"));
  g_assert_nonnull (strstr (err, "Checks for 360p: passed"));
  g_assert_null (strstr (err, "✗"));
  g_assert_nonnull (strstr (err, "Published “evening-tide” as title 1."));

  titles = catalog_json (parser2, registry);
  g_assert_cmpuint (json_array_get_length (titles), ==, 1);
  title = json_array_get_object_element (titles, 0);
  g_assert_cmpstr (json_object_get_string_member (title, "title"), ==, "evening-tide");
  g_assert_cmpstr (json_object_get_string_member (title, "description"), ==, "The tide comes in.");
  g_assert_cmpstr (json_object_get_string_member (title, "price"), ==, "1.5");
  g_assert_cmpint (json_object_get_int_member (title, "seeder_share_bps"), ==, 2000);
  g_assert_cmpstr (json_object_get_string_member (title, "creator"), ==, SR_ANVIL_ACCOUNT0_ADDRESS);

  /* The torrent's folder: the checked rendition (encrypted), poster, info. */
  published = g_build_filename (output, "evening-tide", "360p.mp4", NULL);
  g_assert_true (g_file_test (published, G_FILE_TEST_IS_REGULAR));
  g_free (published);
  published = g_build_filename (output, "evening-tide", "poster.jpg", NULL);
  g_assert_true (g_file_test (published, G_FILE_TEST_IS_REGULAR));
  g_free (published);
  published = g_build_filename (output, "evening-tide", "info.json", NULL);
  g_assert_true (g_file_get_contents (published, &info, &size, NULL));
  g_assert_true (json_parser_load_from_data (info_parser, info, (gssize) size, NULL));
  renditions = json_object_get_array_member (json_node_get_object (json_parser_get_root (info_parser)), "renditions");
  g_assert_cmpuint (json_array_get_length (renditions), ==, 1);

  g_subprocess_force_exit (worker);
  g_subprocess_wait (worker, NULL, NULL);
  market_test_chain_down (&t.chain);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  t.dir = g_dir_make_tmp ("seedreel-cli-publish-XXXXXX", &error);
  g_assert_no_error (error);
  /* A private home: wallet, library and created folders. */
  {
    const char *kinds[] = { "XDG_DATA_HOME", "data", "XDG_CONFIG_HOME", "config", "XDG_CACHE_HOME", "cache" };

    for (guint i = 0; i < G_N_ELEMENTS (kinds); i += 2)
      {
        g_autofree char *dir = g_build_filename (t.dir, kinds[i + 1], NULL);
        g_setenv (kinds[i], dir, TRUE);
      }
  }
  g_setenv ("SEEDREEL_SIGNER", SIGNER_PATH, TRUE);
  g_setenv ("SEEDREEL_SIGNER_TEST_KDF", "1", TRUE);
  g_setenv ("NO_PROXY", "127.0.0.1,localhost", TRUE);
  t.password_file = g_build_filename (t.dir, "password", NULL);
  g_assert_true (g_file_set_contents (t.password_file, "correct horse battery staple\n", -1, NULL));

  g_test_add_func ("/market/cli/publish-through-worker", test_publish_through_worker);
  status = g_test_run ();

  transcode_test_rm_rf (t.dir);
  g_free (t.dir);
  g_free (t.password_file);
  return status;
}

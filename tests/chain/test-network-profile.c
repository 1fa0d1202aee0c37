/* test-network-profile.c — the checks a user meets when typing a network
 * profile, and a profile following its settings. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "chain/sr-network-profile.h"

static void
test_rpc_url (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sr_network_profile_check_rpc_url ("http://127.0.0.1:8545", NULL));
  g_assert_true (sr_network_profile_check_rpc_url ("https://rpc.example.org/v1/abc", NULL));

  g_assert_false (sr_network_profile_check_rpc_url ("", &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_URL);
  g_clear_error (&error);

  g_assert_false (sr_network_profile_check_rpc_url ("ws://127.0.0.1:8546", &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_URL);
  g_assert_nonnull (strstr (error->message, "ws://"));
  g_clear_error (&error);

  g_assert_false (sr_network_profile_check_rpc_url ("127.0.0.1:8545 oops", &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_URL);
  g_clear_error (&error);

  g_assert_false (sr_network_profile_check_rpc_url ("http://", &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_URL);
}

static void
test_chain_id (void)
{
  g_autoptr(GError) error = NULL;
  guint64 id = 0;

  g_assert_true (sr_network_profile_parse_chain_id ("31337", &id, NULL));
  g_assert_cmpuint (id, ==, 31337);
  g_assert_true (sr_network_profile_parse_chain_id ("1", &id, NULL));
  g_assert_cmpuint (id, ==, 1);

  for (guint i = 0; i < 5; i++)
    {
      const char *bad[] = { "", "0", "-5", "12abc", "99999999999999999999999" };

      id = 7;
      g_assert_false (sr_network_profile_parse_chain_id (bad[i], &id, &error));
      g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_CHAIN_ID);
      g_assert_cmpuint (id, ==, 7);
      g_clear_error (&error);
    }
}

static void
test_address (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sr_network_profile_check_address ("0x5FbDB2315678afecb367f032d93F642f64180aa3", FALSE, NULL));
  g_assert_true (sr_network_profile_check_address ("", TRUE, NULL));

  g_assert_false (sr_network_profile_check_address ("", FALSE, &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  g_assert_false (sr_network_profile_check_address ("0x5FbDB2315678afecb367f032d93F642f64180aa", FALSE, &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  g_assert_false (sr_network_profile_check_address ("0x5FbDB2315678afecb367f032d93F642f64180aZ3", FALSE, &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_ADDRESS);
}

static void
test_name (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sr_network_profile_check_name ("Local devnet", NULL));
  g_assert_false (sr_network_profile_check_name ("   ", &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_NAME);
}

static void
test_follows_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.seedreel.Seedreel.Network");
  g_autoptr(SrNetworkProfile) profile = sr_network_profile_new_from_settings (settings);
  g_autoptr(GError) error = NULL;

  /* Defaults point at the local devnet. */
  g_assert_cmpstr (sr_network_profile_get_rpc_url (profile), ==, "http://127.0.0.1:8545");
  g_assert_cmpuint (sr_network_profile_get_chain_id (profile), ==, 31337);
  g_assert_true (sr_network_profile_validate (profile, NULL));

  g_settings_set_string (settings, "rpc-url", "https://rpc.example.org");
  g_settings_set_uint64 (settings, "chain-id", 10);
  g_settings_set_string (settings, "registry-address", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  g_assert_cmpstr (sr_network_profile_get_rpc_url (profile), ==, "https://rpc.example.org");
  g_assert_cmpuint (sr_network_profile_get_chain_id (profile), ==, 10);
  g_assert_cmpstr (sr_network_profile_get_registry_address (profile), ==, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  g_assert_true (sr_network_profile_validate (profile, NULL));

  g_settings_set_string (settings, "token-address", "0x1234");
  g_assert_false (sr_network_profile_validate (profile, &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_ADDRESS);
}

static void
test_adopt_devnet (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.seedreel.Seedreel.Network");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sr-devnet-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "devnet.ini", NULL);
  g_autofree char *registry = NULL;
  const char *ini =
    "[Network]\n"
    "name=Local devnet\n"
    "rpc-url=http://127.0.0.1:8545\n"
    "chain-id=31337\n"
    "registry-address=0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\n"
    "token-address=0x5FbDB2315678afecb367f032d93F642f64180aa3\n";

  g_settings_reset (settings, "rpc-url");
  g_settings_reset (settings, "registry-address");
  g_settings_reset (settings, "token-address");

  /* No devnet yet: nothing changes, no error. */
  g_assert_false (sr_network_profile_adopt_devnet (settings, path, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_set_contents (path, ini, -1, NULL));
  g_assert_true (sr_network_profile_adopt_devnet (settings, path, &error));
  g_assert_no_error (error);
  registry = g_settings_get_string (settings, "registry-address");
  g_assert_cmpstr (registry, ==, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");

  /* Already adopted: reported as unchanged. */
  g_assert_false (sr_network_profile_adopt_devnet (settings, path, NULL));

  /* Pointed at another chain, the devnet's addresses are left alone. */
  g_settings_set_string (settings, "rpc-url", "https://rpc.example.org");
  g_settings_reset (settings, "registry-address");
  g_assert_false (sr_network_profile_adopt_devnet (settings, path, NULL));
  g_clear_pointer (&registry, g_free);
  registry = g_settings_get_string (settings, "registry-address");
  g_assert_cmpstr (registry, ==, "");

  /* A damaged file is reported and changes nothing. */
  g_settings_reset (settings, "rpc-url");
  g_assert_true (g_file_set_contents (path, "[Network]\nrpc-url=http://127.0.0.1:8545\nregistry-address=0x12\n", -1, NULL));
  g_assert_false (sr_network_profile_adopt_devnet (settings, path, &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_ADDRESS);
  g_clear_pointer (&registry, g_free);
  registry = g_settings_get_string (settings, "registry-address");
  g_assert_cmpstr (registry, ==, "");

  g_unlink (path);
  g_rmdir (dir);
}

/* Choosing the demo network points every setting at it, even from another
 * chain; without a devnet nothing changes. */
static void
test_use_devnet (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.seedreel.Seedreel.Network");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sr-devnet-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "devnet.ini", NULL);
  g_autofree char *url = NULL, *name = NULL, *token = NULL;
  const char *ini =
    "[Network]\n"
    "name=Seedreel demo\n"
    "rpc-url=http://127.0.0.1:18545\n"
    "chain-id=31337\n"
    "registry-address=0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\n"
    "token-address=0x5FbDB2315678afecb367f032d93F642f64180aa3\n";

  g_settings_set_string (settings, "profile-name", "Elsewhere");
  g_settings_set_string (settings, "rpc-url", "https://rpc.example.org");
  g_settings_set_uint64 (settings, "chain-id", 10);
  g_settings_set_string (settings, "token-address", "");

  g_assert_false (sr_network_profile_use_devnet (settings, path, &error));
  g_assert_no_error (error);
  url = g_settings_get_string (settings, "rpc-url");
  g_assert_cmpstr (url, ==, "https://rpc.example.org");
  g_clear_pointer (&url, g_free);

  g_assert_true (g_file_set_contents (path, ini, -1, NULL));
  g_assert_true (sr_network_profile_use_devnet (settings, path, &error));
  g_assert_no_error (error);
  url = g_settings_get_string (settings, "rpc-url");
  name = g_settings_get_string (settings, "profile-name");
  token = g_settings_get_string (settings, "token-address");
  g_assert_cmpstr (url, ==, "http://127.0.0.1:18545");
  g_assert_cmpstr (name, ==, "Seedreel demo");
  g_assert_cmpstr (token, ==, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  g_assert_cmpuint (g_settings_get_uint64 (settings, "chain-id"), ==, 31337);

  /* A damaged file is an error a person can act on. */
  g_assert_true (g_file_set_contents (path, "[Network]\nrpc-url=ftp://x\n", -1, NULL));
  g_assert_false (sr_network_profile_use_devnet (settings, path, &error));
  g_assert_error (error, SR_NETWORK_PROFILE_ERROR, SR_NETWORK_PROFILE_ERROR_INVALID_URL);
  g_assert_nonnull (strstr (error->message, path));

  g_settings_reset (settings, "profile-name");
  g_settings_reset (settings, "rpc-url");
  g_settings_reset (settings, "chain-id");
  g_settings_reset (settings, "token-address");
  g_settings_reset (settings, "registry-address");
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/network-profile/rpc-url", test_rpc_url);
  g_test_add_func ("/network-profile/chain-id", test_chain_id);
  g_test_add_func ("/network-profile/address", test_address);
  g_test_add_func ("/network-profile/name", test_name);
  g_test_add_func ("/network-profile/follows-settings", test_follows_settings);
  g_test_add_func ("/network-profile/adopt-devnet", test_adopt_devnet);
  g_test_add_func ("/network-profile/use-devnet", test_use_devnet);

  return g_test_run ();
}

/* test-anvil.c: the anvil test fixture gives each test its own live chain
 * and leaves nothing running behind it.
 *
 * Copyright 2026 Seedreel contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "sr-anvil-fixture.h"

/* 10000 ETH in wei, as eth_getBalance spells it. */
#define TEN_THOUSAND_ETH_HEX "0x21e19e0c9bab2400000"

static char *
call_string (SrAnvil    *anvil,
             const char *method,
             const char *params_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = sr_anvil_call (anvil, method, params_json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (JSON_NODE_HOLDS_VALUE (result));
  return g_strdup (json_node_get_string (result));
}

/* anvil's automine can answer eth_sendTransaction before the block is in. */
static void
wait_for_receipt (SrAnvil    *anvil,
                  const char *tx_hash)
{
  g_autofree char *params = g_strdup_printf ("[\"%s\"]", tx_hash);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) receipt = NULL;

      receipt = sr_anvil_call (anvil, "eth_getTransactionReceipt", params, &error);
      g_assert_no_error (error);
      if (receipt != NULL && JSON_NODE_HOLDS_OBJECT (receipt))
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("no receipt for %s after 10 s", tx_hash);
      g_usleep (10 * 1000);
    }
}

/* Dead means gone or a zombie waiting for someone else's reaping. */
static gboolean
process_is_dead (GPid pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *paren;

  if (kill (pid, 0) != 0 && errno == ESRCH)
    return TRUE;
  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return TRUE;
  paren = strrchr (stat, ')');
  return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

static gboolean
wait_until_dead (GPid pid)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!process_is_dead (pid))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (10 * 1000);
    }
  return TRUE;
}

static void
test_anvil_chain_and_balance (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *rpc_url = NULL;
  g_autofree char *expected_url = NULL;
  g_autofree char *chain_id = NULL;
  g_autofree char *balance = NULL;
  SrAnvil *anvil;
  GPid pid;

  anvil = sr_anvil_start (&error);
  g_assert_no_error (error);
  g_assert_nonnull (anvil);

  g_assert_cmpuint (sr_anvil_get_port (anvil), >, 0);
  expected_url = g_strdup_printf ("http://127.0.0.1:%u", sr_anvil_get_port (anvil));
  g_assert_cmpstr (sr_anvil_get_rpc_url (anvil), ==, expected_url);

  chain_id = call_string (anvil, "eth_chainId", NULL);
  g_assert_cmpstr (chain_id, ==, "0x7a69");

  balance = call_string (anvil, "eth_getBalance",
                         "[\"" SR_ANVIL_ACCOUNT0_ADDRESS "\", \"latest\"]");
  g_assert_cmpstr (balance, ==, TEN_THOUSAND_ETH_HEX);

  rpc_url = g_strdup (sr_anvil_get_rpc_url (anvil));
  pid = sr_anvil_get_pid (anvil);
  g_assert_cmpint (pid, >, 0);
  sr_anvil_stop (anvil);

  /* Stopped means reaped: no process, and nothing listening on the port. */
  g_assert_true (kill (pid, 0) != 0 && errno == ESRCH);
  after = sr_anvil_rpc_call (rpc_url, "eth_chainId", NULL, &error);
  g_assert_null (after);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_anvil_two_at_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnvil) first = NULL;
  g_autoptr(SrAnvil) second = NULL;
  g_autoptr(JsonNode) tx_hash = NULL;
  g_autofree char *first_nonce = NULL;
  g_autofree char *second_nonce = NULL;
  g_autofree char *first_chain = NULL;
  g_autofree char *second_chain = NULL;

  first = sr_anvil_start (&error);
  g_assert_no_error (error);
  second = sr_anvil_start (&error);
  g_assert_no_error (error);

  g_assert_cmpuint (sr_anvil_get_port (first), !=, sr_anvil_get_port (second));
  g_assert_cmpint (sr_anvil_get_pid (first), !=, sr_anvil_get_pid (second));

  first_chain = call_string (first, "eth_chainId", NULL);
  second_chain = call_string (second, "eth_chainId", NULL);
  g_assert_cmpstr (first_chain, ==, "0x7a69");
  g_assert_cmpstr (second_chain, ==, "0x7a69");

  /* Separate chains, not two doors to one: a transfer on the first leaves
   * the second untouched. */
  tx_hash = sr_anvil_call (first, "eth_sendTransaction",
                           "[{\"from\": \"" SR_ANVIL_ACCOUNT0_ADDRESS "\","
                           " \"to\": \"" SR_ANVIL_ACCOUNT1_ADDRESS "\","
                           " \"value\": \"0x1\"}]",
                           &error);
  g_assert_no_error (error);
  g_assert_nonnull (tx_hash);
  wait_for_receipt (first, json_node_get_string (tx_hash));

  first_nonce = call_string (first, "eth_getTransactionCount",
                             "[\"" SR_ANVIL_ACCOUNT0_ADDRESS "\", \"latest\"]");
  second_nonce = call_string (second, "eth_getTransactionCount",
                              "[\"" SR_ANVIL_ACCOUNT0_ADDRESS "\", \"latest\"]");
  g_assert_cmpstr (first_nonce, ==, "0x1");
  g_assert_cmpstr (second_nonce, ==, "0x0");
}

static void
test_anvil_rpc_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnvil) anvil = NULL;
  g_autoptr(JsonNode) result = NULL;

  anvil = sr_anvil_start (&error);
  g_assert_no_error (error);

  result = sr_anvil_call (anvil, "eth_noSuchMethod", NULL, &error);
  g_assert_null (result);
  g_assert_error (error, SR_ANVIL_ERROR, SR_ANVIL_ERROR_RPC);
  g_assert_nonnull (strstr (error->message, "eth_noSuchMethod"));
}

static void
test_anvil_missing_binary (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrAnvil) anvil = NULL;

      g_setenv ("SEEDREEL_ANVIL", "/nonexistent/seedreel/anvil", TRUE);
      anvil = sr_anvil_start (&error);
      g_assert_null (anvil);
      g_assert_error (error, SR_ANVIL_ERROR, SR_ANVIL_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "npm ci"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Where the aborting child tells its parent which anvil it started. */
static char *
pid_file_for (pid_t test_pid)
{
  g_autofree char *name = g_strdup_printf ("seedreel-test-anvil-%d.pid", (int) test_pid);

  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

/* A test that aborts half-way must not leave its chain running. */
static void
test_anvil_abort_kills_child (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      SrAnvil *anvil = sr_anvil_start (&error);
      g_autofree char *pid_text = NULL;
      g_autofree char *pid_file = pid_file_for (getppid ());

      g_assert_no_error (error);
      pid_text = g_strdup_printf ("%d", (int) sr_anvil_get_pid (anvil));
      g_file_set_contents (pid_file, pid_text, -1, &error);
      g_assert_no_error (error);
      abort ();
    }
  else
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *pid_file = pid_file_for (getpid ());
      g_autofree char *pid_text = NULL;
      GPid pid;

      g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_failed ();

      g_file_get_contents (pid_file, &pid_text, NULL, &error);
      g_assert_no_error (error);
      pid = (GPid) g_ascii_strtoll (pid_text, NULL, 10);
      g_assert_cmpint (pid, >, 0);
      if (!wait_until_dead (pid))
        {
          kill (pid, SIGKILL);
          g_error ("anvil (pid %d) outlived the test that aborted", (int) pid);
        }

      g_unlink (pid_file);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anvil/chain-and-balance", test_anvil_chain_and_balance);
  g_test_add_func ("/anvil/two-at-once", test_anvil_two_at_once);
  g_test_add_func ("/anvil/rpc-error", test_anvil_rpc_error);
  g_test_add_func ("/anvil/missing-binary", test_anvil_missing_binary);
  g_test_add_func ("/anvil/abort-kills-child", test_anvil_abort_kills_child);

  return g_test_run ();
}

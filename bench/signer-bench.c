/* signer-bench.c — EIP-712 receipt signatures per second through
 * seedreel-signer (peer-to-peer D-Bus over a socketpair, as the app uses it)
 * against signing in-process, down to bare libsecp256k1 (the floor).
 *
 * Built and run by bench/signer.sh; prints one line per measurement. */
#include <gio/gio.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain/sr-signer.h"
#include "crypto/sr-eip712.h"
#include "crypto/sr-secp256k1.h"

/* anvil's first well-known test key: public, devnet only. */
#define KEY_HEX "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define PASSWORD "bench password"

/* The shape seedreel-signer signs without asking (a Seedreel receipt). */
#define RECEIPT_FMT \
  "{\"domain\":{\"name\":\"Seedreel\",\"version\":\"1\",\"chainId\":31337," \
  "\"verifyingContract\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\"}," \
  "\"types\":{\"Receipt\":[{\"name\":\"viewId\",\"type\":\"uint256\"},{\"name\":\"seeder\",\"type\":\"address\"}," \
  "{\"name\":\"bytes\",\"type\":\"uint64\"}]},\"primaryType\":\"Receipt\"," \
  "\"message\":{\"viewId\":\"42\",\"seeder\":\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\",\"bytes\":\"%u\"}}"

static double seconds = 3.0;

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
report (const char *what,
        guint64     count,
        double      elapsed)
{
  printf ("%-44s %10.0f signatures/s  (%" G_GUINT64_FORMAT " in %.2f s)\n",
          what, count / elapsed, count, elapsed);
  fflush (stdout);
}

static double
bench_secp256k1 (const guint8 key[32])
{
  secp256k1_context *ctx = secp256k1_context_create (SECP256K1_CONTEXT_NONE);
  secp256k1_ecdsa_recoverable_signature sig;
  guint8 digest[32] = { 1 };
  guint64 n = 0;
  double start = now (), elapsed;

  do
    {
      for (int i = 0; i < 100; i++, n++)
        {
          digest[0] = (guint8) n;
          digest[1] = (guint8) (n >> 8);
          if (!secp256k1_ecdsa_sign_recoverable (ctx, &sig, digest, key, NULL, NULL))
            g_error ("secp256k1 refused to sign");
        }
    }
  while ((elapsed = now () - start) < seconds);
  secp256k1_context_destroy (ctx);
  report ("libsecp256k1 sign (in-process, the floor)", n, elapsed);
  return n / elapsed;
}

static double
bench_in_process (const guint8 key[32])
{
  guint8 signature[SR_SIGNATURE_LEN];
  SrEip712Hashes hashes;
  guint64 n = 0;
  double start = now (), elapsed;

  do
    {
      for (int i = 0; i < 20; i++, n++)
        {
          g_autofree char *json = g_strdup_printf (RECEIPT_FMT, (guint) n);

          if (!sr_eip712_hash_json (json, -1, &hashes, NULL) ||
              !sr_secp256k1_sign (key, hashes.digest, signature, NULL))
            g_error ("in-process signing failed");
        }
    }
  while ((elapsed = now () - start) < seconds);
  report ("EIP-712 parse+hash+sign (in-process)", n, elapsed);
  return n / elapsed;
}

typedef struct {
  SrSigner *signer;
  const char *address;
  guint in_flight;
  guint max_in_flight;
  guint64 issued;
  guint64 done;
  double deadline;
  GError *error;
} AgentRun;

static void issue (AgentRun *run);

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AgentRun *run = user_data;
  g_autoptr(GBytes) signature = sr_signer_sign_typed_data_finish (SR_SIGNER (source), result,
                                                                  run->error == NULL ? &run->error : NULL);

  run->in_flight--;
  if (signature != NULL)
    {
      if (g_bytes_get_size (signature) != SR_SIGNATURE_LEN)
        g_error ("the agent returned %zu bytes, not a signature", g_bytes_get_size (signature));
      run->done++;
    }
  issue (run);
}

static void
issue (AgentRun *run)
{
  while (run->error == NULL && run->in_flight < run->max_in_flight && now () < run->deadline)
    {
      g_autofree char *json = g_strdup_printf (RECEIPT_FMT, (guint) run->issued++);

      run->in_flight++;
      sr_signer_sign_typed_data_async (run->signer, run->address, json, NULL, NULL, signed_cb, run);
    }
}

static double
bench_agent (SrSigner   *signer,
             const char *address,
             guint       in_flight)
{
  AgentRun run = { signer, address, 0, in_flight, 0, 0, 0, NULL };
  g_autofree char *what = NULL;
  double start = now (), elapsed;

  run.deadline = start + seconds;
  issue (&run);
  while (run.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  elapsed = now () - start;
  if (run.error != NULL)
    g_error ("the agent failed: %s", run.error->message);
  what = g_strdup_printf ("seedreel-signer over D-Bus, %u in flight", in_flight);
  report (what, run.done, elapsed);
  return run.done / elapsed;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  (void) source;
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
run_until_done (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSigner) signer = NULL;
  g_autofree char *address = NULL;
  GAsyncResult *result = NULL;
  guint8 key[32];
  double floor, in_process, agent1, agent16;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s SIGNER_PATH [SECONDS]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    seconds = g_ascii_strtod (argv[2], NULL);
  for (int i = 0; i < 32; i++)
    {
      char byte[3] = { KEY_HEX[2 * i], KEY_HEX[2 * i + 1], 0 };
      key[i] = (guint8) strtoul (byte, NULL, 16);
    }

  floor = bench_secp256k1 (key);
  in_process = bench_in_process (key);

  signer = sr_signer_spawn (argv[1], &error);
  if (signer == NULL)
    g_error ("cannot start the agent: %s", error->message);
  sr_signer_import_private_key_async (signer, KEY_HEX, "bench", PASSWORD, NULL, store_result, &result);
  address = sr_signer_import_finish (signer, run_until_done (&result), &error);
  g_clear_object (&result);
  if (address == NULL)
    g_error ("import failed: %s", error->message);
  sr_signer_unlock_async (signer, address, PASSWORD, 600, NULL, store_result, &result);
  if (!sr_signer_unlock_finish (signer, run_until_done (&result), &error))
    g_error ("unlock failed: %s", error->message);
  g_clear_object (&result);

  agent1 = bench_agent (signer, address, 1);
  agent16 = bench_agent (signer, address, 16);

  printf ("\nratio agent (1 in flight) / libsecp256k1: %.3f  (%.1f× slower)\n", agent1 / floor, floor / agent1);
  printf ("ratio agent (16 in flight) / libsecp256k1: %.3f  (%.1f× slower)\n", agent16 / floor, floor / agent16);
  printf ("ratio agent (1 in flight) / in-process EIP-712: %.3f\n", agent1 / in_process);
  printf ("per signature through the agent: %.0f µs (1 in flight)\n", 1e6 / agent1);
  return 0;
}

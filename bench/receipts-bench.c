/* receipts-bench.c: how many seeding receipts a seeder verifies and stores
 * per second. Each receipt goes through what SrReceipts does once a view's
 * buyer is known: the EIP-712 digest under the registry's domain, public key
 * recovery (libsecp256k1), and the synced write of the newest receipt per
 * (view, seeder) into a real SQLite file. Verification alone is timed too.
 *
 * receipts-bench DIR [N]: N receipts (default 2000) over 50 views. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain/sr-registry.h"
#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-u256.h"
#include "store/sr-store.h"
#include "store/sr-store-receipts.h"

#define VIEWER_KEY "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autofree char *db = NULL, *seeder_text = NULL, *viewer_text = NULL;
  guint n = argc > 2 ? (guint) atoi (argv[2]) : 2000;
  guint8 key[32], registry[SR_ADDRESS_LEN], viewer[SR_ADDRESS_LEN];
  SrRegistryReceipt *receipts;
  guint8 (*signatures)[65];
  gint64 start, verified_us, stored_us;

  if (argc < 2)
    {
      fprintf (stderr, "usage: receipts-bench DIR [N]\n");
      return 2;
    }
  db = g_build_filename (argv[1], "bench.db", NULL);
  store = sr_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_true (sr_hex_decode_fixed (VIEWER_KEY, key, sizeof key, NULL));
  g_assert_true (sr_secp256k1_private_key_address (key, viewer, NULL));
  g_assert_true (sr_address_parse ("0x5FbDB2315678afecb367f032d93F642f64180aa3", registry, NULL));
  viewer_text = sr_address_to_checksum (viewer);

  receipts = g_new0 (SrRegistryReceipt, n);
  signatures = g_malloc0 ((gsize) n * 65);
  for (guint i = 0; i < n; i++)
    {
      guint8 digest[32];

      sr_u256_from_uint64 (receipts[i].view_id, 1 + i % 50);
      memset (receipts[i].seeder, 0x42, SR_ADDRESS_LEN);
      receipts[i].bytes = (guint64) (i / 50 + 1) << 22;
      g_assert_true (sr_registry_receipt_digest (31337, registry, &receipts[i], digest, NULL));
      g_assert_true (sr_secp256k1_sign (key, digest, signatures[i], NULL));
    }
  seeder_text = sr_address_to_checksum (receipts[0].seeder);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      guint8 digest[32], signer[SR_ADDRESS_LEN];

      g_assert_true (sr_registry_receipt_digest (31337, registry, &receipts[i], digest, NULL));
      g_assert_true (sr_secp256k1_recover_address (digest, signatures[i], signer, NULL));
      g_assert_true (memcmp (signer, viewer, SR_ADDRESS_LEN) == 0);
    }
  verified_us = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      guint8 digest[32], signer[SR_ADDRESS_LEN];
      SrStoreReceipt row = { 0 };
      gboolean newer;

      g_assert_true (sr_registry_receipt_digest (31337, registry, &receipts[i], digest, NULL));
      g_assert_true (sr_secp256k1_recover_address (digest, signatures[i], signer, NULL));
      g_assert_true (memcmp (signer, viewer, SR_ADDRESS_LEN) == 0);
      row.view_id = sr_u256_to_decimal (receipts[i].view_id);
      row.seeder = seeder_text;
      row.viewer = viewer_text;
      row.content_id = (char *) "1";
      row.bytes = receipts[i].bytes;
      row.signature = g_bytes_new (signatures[i], 65);
      row.content_size = G_GUINT64_CONSTANT (1) << 40;
      row.pool = (char *) "20000000000000000000";
      g_assert_true (sr_store_put_receipt (store, "bench", &row, &newer, &error));
      g_assert_true (newer);
      g_free (row.view_id);
      g_bytes_unref (row.signature);
    }
  stored_us = g_get_monotonic_time () - start;

  printf ("receipts: %u over 50 views\n", n);
  printf ("verified (digest + recovery): %.0f per second (%.1f us each)\n",
          n / (verified_us / 1e6), (double) verified_us / n);
  printf ("verified and stored, synced: %.0f per second (%.1f us each)\n",
          n / (stored_us / 1e6), (double) stored_us / n);
  g_free (receipts);
  g_free (signatures);
  return 0;
}

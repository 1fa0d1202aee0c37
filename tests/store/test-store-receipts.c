/* test-store-receipts.c: seeding receipts in a real SQLite file: the newest
 * per (view, seeder) wins and an older one never lowers it, they survive
 * reopening, paid state only goes up, and claims list newest first. */
#include <glib/gstdio.h>
#include <string.h>

#include "store/sr-store.h"
#include "store/sr-store-receipts.h"

#define NETWORK "31337:0x5fbdb2315678afecb367f032d93f642f64180aa3"
#define SEEDER "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
#define OTHER "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
#define VIEWER "0x90F79bf6EB2c4f870365E785982E1f101E93b906"

static SrStoreReceipt
receipt (const char *view, const char *seeder, guint64 bytes, guint8 tag)
{
  guint8 sig[65];
  SrStoreReceipt r = { 0 };

  memset (sig, tag, sizeof sig);
  r.view_id = (char *) view;
  r.seeder = (char *) seeder;
  r.viewer = (char *) VIEWER;
  r.content_id = (char *) "1";
  r.bytes = bytes;
  r.signature = g_bytes_new (sig, sizeof sig);
  r.content_size = 1000000;
  r.pool = (char *) "20000000000000000000";
  return r;
}

static void
put (SrStore *store, const char *view, const char *seeder, guint64 bytes, guint8 tag, gboolean want_newer)
{
  g_autoptr(GError) error = NULL;
  SrStoreReceipt r = receipt (view, seeder, bytes, tag);
  gboolean newer = !want_newer;

  g_assert_true (sr_store_put_receipt (store, NETWORK, &r, &newer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (newer, ==, want_newer);
  g_bytes_unref (r.signature);
}

static void
test_receipts (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("seedreel-receipts-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "seedreel.db", NULL);

  {
    g_autoptr(SrStore) store = sr_store_open (path, &error);
    g_assert_no_error (error);
    g_assert_null (sr_store_get_receipt (store, NETWORK, "1", SEEDER, &error));
    g_assert_no_error (error);
    put (store, "1", SEEDER, 4 << 20, 1, TRUE);
    put (store, "1", SEEDER, 8 << 20, 2, TRUE);
    /* A late, older receipt (or a replay) changes nothing. */
    put (store, "1", SEEDER, 6 << 20, 3, FALSE);
    put (store, "1", SEEDER, 8 << 20, 4, FALSE);
    put (store, "1", OTHER, 1 << 20, 5, TRUE);
    put (store, "10", SEEDER, 3, 6, TRUE);
    put (store, "2", SEEDER, 7, 7, TRUE);
    g_assert_true (sr_store_set_receipt_paid (store, NETWORK, "1", SEEDER, 5 << 20, &error));
    g_assert_true (sr_store_set_receipt_paid (store, NETWORK, "1", SEEDER, 2 << 20, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(SrStore) store = sr_store_open (path, &error);
    g_autoptr(SrStoreReceipt) got = NULL;
    g_autoptr(GPtrArray) mine = NULL, all = NULL, none = NULL, claims = NULL;
    SrStoreRewardClaim first = { (char *) "0x01", (char *) SEEDER, 2, (char *) "5", 100 };
    SrStoreRewardClaim second = { (char *) "0x02", (char *) SEEDER, 1, (char *) "7", 200 };
    const guint8 *sig;
    gsize len;

    g_assert_no_error (error);
    got = sr_store_get_receipt (store, NETWORK, "1", SEEDER, &error);
    g_assert_no_error (error);
    g_assert_nonnull (got);
    g_assert_cmpuint (got->bytes, ==, 8 << 20);
    g_assert_cmpuint (got->paid_bytes, ==, 5 << 20);
    g_assert_cmpstr (got->viewer, ==, VIEWER);
    g_assert_cmpuint (got->content_size, ==, 1000000);
    sig = g_bytes_get_data (got->signature, &len);
    g_assert_cmpuint (len, ==, 65);
    g_assert_cmpuint (sig[0], ==, 2);

    mine = sr_store_list_receipts (store, NETWORK, SEEDER, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (mine->len, ==, 3);
    /* in view order, numerically */
    g_assert_cmpstr (((SrStoreReceipt *) mine->pdata[0])->view_id, ==, "1");
    g_assert_cmpstr (((SrStoreReceipt *) mine->pdata[1])->view_id, ==, "2");
    g_assert_cmpstr (((SrStoreReceipt *) mine->pdata[2])->view_id, ==, "10");
    all = sr_store_list_receipts (store, NETWORK, NULL, &error);
    g_assert_cmpuint (all->len, ==, 4);
    none = sr_store_list_receipts (store, "other", NULL, &error);
    g_assert_cmpuint (none->len, ==, 0);

    g_assert_true (sr_store_add_reward_claim (store, NETWORK, &first, &error));
    g_assert_true (sr_store_add_reward_claim (store, NETWORK, &second, &error));
    g_assert_no_error (error);
    claims = sr_store_list_reward_claims (store, NETWORK, SEEDER, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (claims->len, ==, 2);
    g_assert_cmpstr (((SrStoreRewardClaim *) claims->pdata[0])->tx_hash, ==, "0x02");
    g_assert_cmpstr (((SrStoreRewardClaim *) claims->pdata[1])->amount, ==, "5");
  }
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/receipts", test_receipts);
  return g_test_run ();
}

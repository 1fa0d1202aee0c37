/* sr-store-receipts.c: the seeding_receipts and reward_claims tables (see
 * sr-store-receipts.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "store/sr-store-private.h"
#include "store/sr-store-receipts.h"

#define RECEIPT_COLUMNS \
  "view_id, seeder, viewer, content_id, bytes, signature, content_size, pool, paid_bytes, received_at"

void
sr_store_receipt_free (SrStoreReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->view_id);
  g_free (receipt->seeder);
  g_free (receipt->viewer);
  g_free (receipt->content_id);
  g_clear_pointer (&receipt->signature, g_bytes_unref);
  g_free (receipt->pool);
  g_free (receipt);
}

void
sr_store_reward_claim_free (SrStoreRewardClaim *claim)
{
  if (claim == NULL)
    return;
  g_free (claim->tx_hash);
  g_free (claim->seeder);
  g_free (claim->amount);
  g_free (claim);
}

static char *
column_text (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static SrStoreReceipt *
receipt_from_row (sqlite3_stmt *stmt)
{
  SrStoreReceipt *r = g_new0 (SrStoreReceipt, 1);
  const void *sig = sqlite3_column_blob (stmt, 5);

  r->view_id = column_text (stmt, 0);
  r->seeder = column_text (stmt, 1);
  r->viewer = column_text (stmt, 2);
  r->content_id = column_text (stmt, 3);
  r->bytes = (guint64) sqlite3_column_int64 (stmt, 4);
  r->signature = g_bytes_new (sig, sig != NULL ? (gsize) sqlite3_column_bytes (stmt, 5) : 0);
  r->content_size = (guint64) sqlite3_column_int64 (stmt, 6);
  r->pool = column_text (stmt, 7);
  r->paid_bytes = (guint64) sqlite3_column_int64 (stmt, 8);
  r->received_at = sqlite3_column_int64 (stmt, 9);
  return r;
}

gboolean
sr_store_put_receipt (SrStore               *self,
                      const char            *network,
                      const SrStoreReceipt  *receipt,
                      gboolean              *newer,
                      GError               **error)
{
  const char *what = _("Could not save a seeding receipt");
  sqlite3_stmt *stmt = NULL;
  gsize sig_len = 0;
  const void *sig;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (network != NULL && receipt != NULL, FALSE);
  g_return_val_if_fail (receipt->view_id != NULL && receipt->seeder != NULL && receipt->viewer != NULL, FALSE);
  g_return_val_if_fail (receipt->content_id != NULL && receipt->pool != NULL && receipt->signature != NULL, FALSE);
  g_return_val_if_fail (receipt->bytes <= G_MAXINT64 && receipt->content_size <= G_MAXINT64, FALSE);

  if (newer != NULL)
    *newer = FALSE;
  sig = g_bytes_get_data (receipt->signature, &sig_len);
  db = sr_store_lock (self);
  /* An acknowledged receipt must survive a crash or a power cut: this write
   * is synced, the others in the library need not be. */
  if (!sr_store_exec_locked (self, "PRAGMA synchronous = FULL", what, error))
    {
      sr_store_unlock (self);
      return FALSE;
    }
  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO seeding_receipts (network, " RECEIPT_COLUMNS ")"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                           " ON CONFLICT (network, view_id, seeder) DO UPDATE SET"
                           "  bytes = excluded.bytes, signature = excluded.signature,"
                           "  received_at = excluded.received_at"
                           " WHERE excluded.bytes > seeding_receipts.bytes",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, network, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, receipt->view_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, receipt->seeder, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, receipt->viewer, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, receipt->content_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 6, (sqlite3_int64) receipt->bytes);
      sqlite3_bind_blob64 (stmt, 7, sig_len > 0 ? sig : "", sig_len, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 8, (sqlite3_int64) receipt->content_size);
      sqlite3_bind_text (stmt, 9, receipt->pool, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 10, (sqlite3_int64) MIN (receipt->paid_bytes, (guint64) G_MAXINT64));
      sqlite3_bind_int64 (stmt, 11, receipt->received_at != 0 ? receipt->received_at
                                                               : g_get_real_time () / G_USEC_PER_SEC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        {
          rc = SQLITE_OK;
          if (newer != NULL)
            *newer = sqlite3_changes (db) > 0;
        }
    }
  if (rc != SQLITE_OK)
    sr_store_set_error (self, error, rc, what);
  sqlite3_finalize (stmt);
  sqlite3_exec (db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
  sr_store_unlock (self);
  return rc == SQLITE_OK;
}

SrStoreReceipt *
sr_store_get_receipt (SrStore     *self,
                      const char  *network,
                      const char  *view_id,
                      const char  *seeder,
                      GError     **error)
{
  const char *what = _("Could not read the seeding receipts");
  sqlite3_stmt *stmt = NULL;
  SrStoreReceipt *receipt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);
  g_return_val_if_fail (network != NULL && view_id != NULL && seeder != NULL, NULL);

  db = sr_store_lock (self);
  rc = sqlite3_prepare_v2 (db,
                           "SELECT " RECEIPT_COLUMNS " FROM seeding_receipts"
                           " WHERE network = ?1 AND view_id = ?2 AND seeder = ?3",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, network, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, view_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, seeder, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          receipt = receipt_from_row (stmt);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    sr_store_set_error (self, error, rc, what);
  sqlite3_finalize (stmt);
  sr_store_unlock (self);
  return receipt;
}

GPtrArray *
sr_store_list_receipts (SrStore     *self,
                        const char  *network,
                        const char  *seeder,
                        GError     **error)
{
  const char *what = _("Could not read the seeding receipts");
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_store_receipt_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);
  g_return_val_if_fail (network != NULL, NULL);

  db = sr_store_lock (self);
  rc = sqlite3_prepare_v2 (db,
                           "SELECT " RECEIPT_COLUMNS " FROM seeding_receipts"
                           " WHERE network = ?1 AND (?2 IS NULL OR seeder = ?2)"
                           " ORDER BY seeder, length (view_id), view_id",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, network, -1, SQLITE_TRANSIENT);
      if (seeder != NULL)
        sqlite3_bind_text (stmt, 2, seeder, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 2);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (list, receipt_from_row (stmt));
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    sr_store_set_error (self, error, rc, what);
  sqlite3_finalize (stmt);
  sr_store_unlock (self);
  return rc == SQLITE_OK ? g_steal_pointer (&list) : NULL;
}

gboolean
sr_store_set_receipt_paid (SrStore     *self,
                           const char  *network,
                           const char  *view_id,
                           const char  *seeder,
                           guint64      paid_bytes,
                           GError     **error)
{
  const char *what = _("Could not save a seeding receipt");
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (network != NULL && view_id != NULL && seeder != NULL, FALSE);

  db = sr_store_lock (self);
  rc = sqlite3_prepare_v2 (db,
                           "UPDATE seeding_receipts SET paid_bytes = ?4"
                           " WHERE network = ?1 AND view_id = ?2 AND seeder = ?3 AND paid_bytes < ?4",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, network, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, view_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, seeder, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, (sqlite3_int64) MIN (paid_bytes, (guint64) G_MAXINT64));
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    sr_store_set_error (self, error, rc, what);
  sqlite3_finalize (stmt);
  sr_store_unlock (self);
  return rc == SQLITE_OK;
}

gboolean
sr_store_add_reward_claim (SrStore                  *self,
                           const char               *network,
                           const SrStoreRewardClaim *claim,
                           GError                  **error)
{
  const char *what = _("Could not record a reward claim");
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (network != NULL && claim != NULL && claim->tx_hash != NULL, FALSE);
  g_return_val_if_fail (claim->seeder != NULL && claim->amount != NULL, FALSE);

  db = sr_store_lock (self);
  rc = sqlite3_prepare_v2 (db,
                           "INSERT OR REPLACE INTO reward_claims (network, tx_hash, seeder, n_receipts,"
                           " amount, claimed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, network, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, claim->tx_hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, claim->seeder, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, claim->n_receipts);
      sqlite3_bind_text (stmt, 5, claim->amount, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 6, claim->claimed_at != 0 ? claim->claimed_at
                                                          : g_get_real_time () / G_USEC_PER_SEC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    sr_store_set_error (self, error, rc, what);
  sqlite3_finalize (stmt);
  sr_store_unlock (self);
  return rc == SQLITE_OK;
}

GPtrArray *
sr_store_list_reward_claims (SrStore     *self,
                             const char  *network,
                             const char  *seeder,
                             GError     **error)
{
  const char *what = _("Could not read the reward claims");
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_store_reward_claim_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);
  g_return_val_if_fail (network != NULL, NULL);

  db = sr_store_lock (self);
  rc = sqlite3_prepare_v2 (db,
                           "SELECT tx_hash, seeder, n_receipts, amount, claimed_at FROM reward_claims"
                           " WHERE network = ?1 AND (?2 IS NULL OR seeder = ?2)"
                           " ORDER BY claimed_at DESC, rowid DESC",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, network, -1, SQLITE_TRANSIENT);
      if (seeder != NULL)
        sqlite3_bind_text (stmt, 2, seeder, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 2);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          SrStoreRewardClaim *c = g_new0 (SrStoreRewardClaim, 1);

          c->tx_hash = column_text (stmt, 0);
          c->seeder = column_text (stmt, 1);
          c->n_receipts = (guint) sqlite3_column_int64 (stmt, 2);
          c->amount = column_text (stmt, 3);
          c->claimed_at = sqlite3_column_int64 (stmt, 4);
          g_ptr_array_add (list, c);
        }
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    sr_store_set_error (self, error, rc, what);
  sqlite3_finalize (stmt);
  sr_store_unlock (self);
  return rc == SQLITE_OK ? g_steal_pointer (&list) : NULL;
}

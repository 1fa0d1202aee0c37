/* sr-store-catalog.c: the catalog's tables (see sr-store-catalog.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "store/sr-store-catalog.h"
#include "store/sr-store-private.h"

void
sr_store_title_free (SrStoreTitle *title)
{
  if (title == NULL)
    return;
  g_free (title->content_id);
  g_free (title->infohash);
  g_free (title->creator);
  g_free (title->price);
  g_free (title->metadata);
  g_free (title->block_hash);
  g_free (title);
}

void
sr_store_purchase_free (SrStorePurchase *purchase)
{
  if (purchase == NULL)
    return;
  g_free (purchase->view_id);
  g_free (purchase->viewer);
  g_free (purchase->content_id);
  g_free (purchase->block_hash);
  g_free (purchase);
}

void
sr_store_block_free (SrStoreBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->hash);
  g_free (block);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);
  return g_strdup (text != NULL ? (const char *) text : "");
}

/* Prepares @sql with the lock held; on failure sets @error. */
static sqlite3_stmt *
prepare (SrStore     *self,
         sqlite3     *db,
         const char  *sql,
         const char  *what,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      sr_store_set_error (self, error, rc, what);
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

/* Runs a statement that returns no rows with the lock held. */
static gboolean
run (SrStore      *self,
     sqlite3_stmt *stmt,
     const char   *what,
     GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sr_store_set_error (self, error, rc, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
delete_above (SrStore     *self,
              sqlite3     *db,
              const char  *network,
              gint64       above,
              const char  *what,
              GError     **error)
{
  static const char * const tables[] = { "catalog_titles", "catalog_purchases", "catalog_blocks" };

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE network = ?1 AND %s > ?2", tables[i],
                                              i == 2 ? "number" : "block_number");
      sqlite3_stmt *stmt = prepare (self, db, sql, what, error);
      gboolean ok;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, network, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, above);
      ok = run (self, stmt, what, error);
      sqlite3_finalize (stmt);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_locked (SrStore             *self,
              sqlite3             *db,
              const char          *network,
              GPtrArray           *titles,
              GPtrArray           *purchases,
              const SrStoreBlock  *cursor,
              guint                keep_blocks,
              GError             **error)
{
  const char *what = _("Could not save the catalog");
  sqlite3_stmt *title_stmt = NULL, *purchase_stmt = NULL, *block_stmt = NULL, *prune_stmt = NULL;
  gboolean ok = FALSE;

  title_stmt = prepare (self, db,
                        "INSERT OR REPLACE INTO catalog_titles (network, content_id, infohash, creator, price,"
                        " seeder_share_bps, content_size, metadata, block_number, block_hash, log_index)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", what, error);
  purchase_stmt = title_stmt == NULL ? NULL
    : prepare (self, db,
               "INSERT OR REPLACE INTO catalog_purchases (network, view_id, viewer, content_id, block_number, block_hash)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", what, error);
  block_stmt = purchase_stmt == NULL ? NULL
    : prepare (self, db, "INSERT OR REPLACE INTO catalog_blocks (network, number, hash) VALUES (?1, ?2, ?3)",
               what, error);
  prune_stmt = block_stmt == NULL ? NULL
    : prepare (self, db,
               "DELETE FROM catalog_blocks WHERE network = ?1 AND number NOT IN"
               " (SELECT number FROM catalog_blocks WHERE network = ?1 ORDER BY number DESC LIMIT ?2)",
               what, error);
  if (prune_stmt == NULL)
    goto out;

  for (guint i = 0; titles != NULL && i < titles->len; i++)
    {
      const SrStoreTitle *t = titles->pdata[i];

      sqlite3_bind_text (title_stmt, 1, network, -1, SQLITE_STATIC);
      sqlite3_bind_text (title_stmt, 2, t->content_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (title_stmt, 3, t->infohash, -1, SQLITE_STATIC);
      sqlite3_bind_text (title_stmt, 4, t->creator, -1, SQLITE_STATIC);
      sqlite3_bind_text (title_stmt, 5, t->price, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (title_stmt, 6, t->seeder_share_bps);
      sqlite3_bind_int64 (title_stmt, 7, (sqlite3_int64) t->content_size);
      sqlite3_bind_text (title_stmt, 8, t->metadata != NULL ? t->metadata : "", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (title_stmt, 9, (sqlite3_int64) t->block_number);
      sqlite3_bind_text (title_stmt, 10, t->block_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (title_stmt, 11, (sqlite3_int64) t->log_index);
      if (!run (self, title_stmt, what, error))
        goto out;
    }
  for (guint i = 0; purchases != NULL && i < purchases->len; i++)
    {
      const SrStorePurchase *p = purchases->pdata[i];

      sqlite3_bind_text (purchase_stmt, 1, network, -1, SQLITE_STATIC);
      sqlite3_bind_text (purchase_stmt, 2, p->view_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (purchase_stmt, 3, p->viewer, -1, SQLITE_STATIC);
      sqlite3_bind_text (purchase_stmt, 4, p->content_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (purchase_stmt, 5, (sqlite3_int64) p->block_number);
      sqlite3_bind_text (purchase_stmt, 6, p->block_hash, -1, SQLITE_STATIC);
      if (!run (self, purchase_stmt, what, error))
        goto out;
    }
  if (cursor != NULL)
    {
      sqlite3_bind_text (block_stmt, 1, network, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (block_stmt, 2, (sqlite3_int64) cursor->number);
      sqlite3_bind_text (block_stmt, 3, cursor->hash, -1, SQLITE_STATIC);
      if (!run (self, block_stmt, what, error))
        goto out;
      sqlite3_bind_text (prune_stmt, 1, network, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (prune_stmt, 2, MAX (keep_blocks, 1));
      if (!run (self, prune_stmt, what, error))
        goto out;
    }
  ok = TRUE;

out:
  sqlite3_finalize (title_stmt);
  sqlite3_finalize (purchase_stmt);
  sqlite3_finalize (block_stmt);
  sqlite3_finalize (prune_stmt);
  return ok;
}

gboolean
sr_store_catalog_apply (SrStore             *self,
                        const char          *network,
                        GPtrArray           *titles,
                        GPtrArray           *purchases,
                        const SrStoreBlock  *cursor,
                        guint                keep_blocks,
                        GError             **error)
{
  const char *what = _("Could not save the catalog");
  sqlite3 *db;
  gboolean ok;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (network != NULL, FALSE);

  db = sr_store_lock (self);
  ok = sr_store_exec_locked (self, "BEGIN IMMEDIATE", what, error);
  if (ok)
    {
      ok = apply_locked (self, db, network, titles, purchases, cursor, keep_blocks, error);
      if (ok)
        ok = sr_store_exec_locked (self, "COMMIT", what, error);
      if (!ok)
        sr_store_exec_locked (self, "ROLLBACK", what, NULL);
    }
  sr_store_unlock (self);
  return ok;
}

GPtrArray *
sr_store_catalog_list_blocks (SrStore     *self,
                              const char  *network,
                              GError     **error)
{
  const char *what = _("Could not read the catalog");
  g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_store_block_free);
  sqlite3_stmt *stmt;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);

  db = sr_store_lock (self);
  stmt = prepare (self, db, "SELECT number, hash FROM catalog_blocks WHERE network = ?1 ORDER BY number DESC",
                  what, error);
  if (stmt == NULL)
    {
      sr_store_unlock (self);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, network, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SrStoreBlock *block = g_new0 (SrStoreBlock, 1);
      block->number = (guint64) sqlite3_column_int64 (stmt, 0);
      block->hash = column_text (stmt, 1);
      g_ptr_array_add (blocks, block);
    }
  if (rc != SQLITE_DONE)
    {
      sr_store_set_error (self, error, rc, what);
      g_clear_pointer (&blocks, g_ptr_array_unref);
    }
  sqlite3_finalize (stmt);
  sr_store_unlock (self);
  return g_steal_pointer (&blocks);
}

gboolean
sr_store_catalog_rollback (SrStore     *self,
                           const char  *network,
                           guint64      keep_through,
                           GError     **error)
{
  const char *what = _("Could not roll the catalog back");
  sqlite3 *db;
  gboolean ok;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);

  db = sr_store_lock (self);
  ok = sr_store_exec_locked (self, "BEGIN IMMEDIATE", what, error);
  if (ok)
    {
      ok = delete_above (self, db, network, (gint64) MIN (keep_through, (guint64) G_MAXINT64), what, error);
      if (ok)
        ok = sr_store_exec_locked (self, "COMMIT", what, error);
      if (!ok)
        sr_store_exec_locked (self, "ROLLBACK", what, NULL);
    }
  sr_store_unlock (self);
  return ok;
}

gboolean
sr_store_catalog_reset (SrStore     *self,
                        const char  *network,
                        GError     **error)
{
  const char *what = _("Could not clear the catalog");
  sqlite3 *db;
  gboolean ok;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);

  db = sr_store_lock (self);
  ok = sr_store_exec_locked (self, "BEGIN IMMEDIATE", what, error);
  if (ok)
    {
      ok = delete_above (self, db, network, -1, what, error);
      if (ok)
        ok = sr_store_exec_locked (self, "COMMIT", what, error);
      if (!ok)
        sr_store_exec_locked (self, "ROLLBACK", what, NULL);
    }
  sr_store_unlock (self);
  return ok;
}

GPtrArray *
sr_store_catalog_list_titles (SrStore     *self,
                              const char  *network,
                              GError     **error)
{
  const char *what = _("Could not read the catalog");
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_store_title_free);
  sqlite3_stmt *stmt;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);

  db = sr_store_lock (self);
  stmt = prepare (self, db,
                  "SELECT content_id, infohash, creator, price, seeder_share_bps, content_size, metadata,"
                  " block_number, block_hash, log_index FROM catalog_titles WHERE network = ?1"
                  " ORDER BY block_number, log_index", what, error);
  if (stmt == NULL)
    {
      sr_store_unlock (self);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, network, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SrStoreTitle *t = g_new0 (SrStoreTitle, 1);
      t->content_id = column_text (stmt, 0);
      t->infohash = column_text (stmt, 1);
      t->creator = column_text (stmt, 2);
      t->price = column_text (stmt, 3);
      t->seeder_share_bps = (guint) sqlite3_column_int64 (stmt, 4);
      t->content_size = (guint64) sqlite3_column_int64 (stmt, 5);
      t->metadata = column_text (stmt, 6);
      t->block_number = (guint64) sqlite3_column_int64 (stmt, 7);
      t->block_hash = column_text (stmt, 8);
      t->log_index = (guint64) sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (titles, t);
    }
  if (rc != SQLITE_DONE)
    {
      sr_store_set_error (self, error, rc, what);
      g_clear_pointer (&titles, g_ptr_array_unref);
    }
  sqlite3_finalize (stmt);
  sr_store_unlock (self);
  return g_steal_pointer (&titles);
}

GPtrArray *
sr_store_catalog_list_purchases (SrStore     *self,
                                 const char  *network,
                                 const char  *viewer,
                                 GError     **error)
{
  const char *what = _("Could not read your purchases");
  g_autoptr(GPtrArray) purchases = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_store_purchase_free);
  sqlite3_stmt *stmt;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);

  db = sr_store_lock (self);
  stmt = prepare (self, db,
                  "SELECT view_id, viewer, content_id, block_number, block_hash FROM catalog_purchases"
                  " WHERE network = ?1 AND viewer = ?2 ORDER BY block_number", what, error);
  if (stmt == NULL)
    {
      sr_store_unlock (self);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, network, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, viewer, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SrStorePurchase *p = g_new0 (SrStorePurchase, 1);
      p->view_id = column_text (stmt, 0);
      p->viewer = column_text (stmt, 1);
      p->content_id = column_text (stmt, 2);
      p->block_number = (guint64) sqlite3_column_int64 (stmt, 3);
      p->block_hash = column_text (stmt, 4);
      g_ptr_array_add (purchases, p);
    }
  if (rc != SQLITE_DONE)
    {
      sr_store_set_error (self, error, rc, what);
      g_clear_pointer (&purchases, g_ptr_array_unref);
    }
  sqlite3_finalize (stmt);
  sr_store_unlock (self);
  return g_steal_pointer (&purchases);
}

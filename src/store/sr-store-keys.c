/* sr-store-keys.c: the content_keys table (see sr-store-keys.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "store/sr-store-keys.h"
#include "store/sr-store-private.h"

void
sr_store_content_key_free (SrStoreContentKey *key)
{
  if (key == NULL)
    return;
  g_free (key->infohash);
  g_free (key->owner);
  g_free (key->view_id);
  g_clear_pointer (&key->public_key, g_bytes_unref);
  g_clear_pointer (&key->sealed, g_bytes_unref);
  g_free (key);
}

static void
bind_bytes (sqlite3_stmt *stmt, int index, GBytes *bytes)
{
  gsize len = 0;
  const void *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  sqlite3_bind_blob64 (stmt, index, data != NULL ? data : "", len, SQLITE_TRANSIENT);
}

static GBytes *
column_bytes (sqlite3_stmt *stmt, int column)
{
  const void *data = sqlite3_column_blob (stmt, column);
  int len = sqlite3_column_bytes (stmt, column);

  return g_bytes_new (data, data != NULL ? (gsize) len : 0);
}

gboolean
sr_store_put_content_key (SrStore                 *self,
                          const char              *network,
                          const SrStoreContentKey *key,
                          GError                 **error)
{
  const char *what = _("Could not save the title’s key");
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (network != NULL && key != NULL && key->infohash != NULL && key->owner != NULL, FALSE);
  g_return_val_if_fail (key->public_key != NULL && key->sealed != NULL, FALSE);

  db = sr_store_lock (self);
  rc = sqlite3_prepare_v2 (db,
                           "INSERT OR REPLACE INTO content_keys (network, infohash, owner, view_id,"
                           " public_key, sealed, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, network, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, key->infohash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, key->owner, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, key->view_id != NULL ? key->view_id : "0", -1, SQLITE_TRANSIENT);
      bind_bytes (stmt, 5, key->public_key);
      bind_bytes (stmt, 6, key->sealed);
      sqlite3_bind_int64 (stmt, 7, key->created_at != 0 ? key->created_at : g_get_real_time () / G_USEC_PER_SEC);
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

SrStoreContentKey *
sr_store_get_content_key (SrStore     *self,
                          const char  *network,
                          const char  *infohash,
                          const char  *owner,
                          GError     **error)
{
  const char *what = _("Could not read the title’s key");
  sqlite3_stmt *stmt = NULL;
  SrStoreContentKey *key = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);
  g_return_val_if_fail (network != NULL && infohash != NULL && owner != NULL, NULL);

  db = sr_store_lock (self);
  rc = sqlite3_prepare_v2 (db,
                           "SELECT view_id, public_key, sealed, created_at FROM content_keys"
                           " WHERE network = ?1 AND infohash = ?2 AND owner = ?3",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, network, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, infohash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, owner, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          key = g_new0 (SrStoreContentKey, 1);
          key->infohash = g_strdup (infohash);
          key->owner = g_strdup (owner);
          key->view_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          key->public_key = column_bytes (stmt, 1);
          key->sealed = column_bytes (stmt, 2);
          key->created_at = sqlite3_column_int64 (stmt, 3);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    sr_store_set_error (self, error, rc, what);
  sqlite3_finalize (stmt);
  sr_store_unlock (self);
  return key;
}

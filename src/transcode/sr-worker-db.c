/* sr-worker-db.c: all of the worker's SQL. The worker is a separate program
 * from the app, so it keeps its own database rather than using SrStore. */
#include "sr-worker-db.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <sqlite3.h>

struct _SrWorkerDb
{
  sqlite3 *db;
};

static const gchar schema_sql[] =
  "PRAGMA journal_mode=WAL;"
  "CREATE TABLE IF NOT EXISTS jobs ("
  "  id TEXT PRIMARY KEY,"
  "  token_hash TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  message TEXT,"
  "  ladder TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  received INTEGER NOT NULL DEFAULT 0,"
  "  created INTEGER NOT NULL DEFAULT (strftime('%s','now')));";

static gboolean
fail (sqlite3      *db,
      const gchar  *what,
      GError      **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("The worker's job database could not %s: %s"), what, sqlite3_errmsg (db));
  return FALSE;
}

SrWorkerDb *
sr_worker_db_open (const gchar  *path,
                   GError      **error)
{
  sqlite3 *db = NULL;
  SrWorkerDb *self;

  if (sqlite3_open (path, &db) != SQLITE_OK)
    {
      fail (db, _("be opened"), error);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      fail (db, _("be created"), error);
      sqlite3_close (db);
      return NULL;
    }
  self = g_new0 (SrWorkerDb, 1);
  self->db = db;
  return self;
}

void
sr_worker_db_close (SrWorkerDb *self)
{
  if (self == NULL)
    return;
  sqlite3_close (self->db);
  g_free (self);
}

gboolean
sr_worker_db_save (SrWorkerDb          *self,
                   const SrWorkerDbJob *job,
                   GError             **error)
{
  sqlite3_stmt *st = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT INTO jobs (id, token_hash, state, message, ladder, sha256, size, received)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                          " ON CONFLICT(id) DO UPDATE SET state = ?3, message = ?4, received = ?8",
                          -1, &st, NULL) != SQLITE_OK)
    return fail (self->db, _("save a job"), error);
  sqlite3_bind_text (st, 1, job->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 2, job->token_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, job->state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 4, job->message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 5, job->ladder_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 6, job->sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st, 7, job->size);
  sqlite3_bind_int64 (st, 8, job->received);
  ok = sqlite3_step (st) == SQLITE_DONE;
  if (!ok)
    fail (self->db, _("save a job"), error);
  sqlite3_finalize (st);
  return ok;
}

gboolean
sr_worker_db_delete (SrWorkerDb   *self,
                     const gchar  *id,
                     GError      **error)
{
  sqlite3_stmt *st = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (self->db, "DELETE FROM jobs WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
    return fail (self->db, _("delete a job"), error);
  sqlite3_bind_text (st, 1, id, -1, SQLITE_TRANSIENT);
  ok = sqlite3_step (st) == SQLITE_DONE;
  if (!ok)
    fail (self->db, _("delete a job"), error);
  sqlite3_finalize (st);
  return ok;
}

static gchar *
column_dup (sqlite3_stmt *st,
            int           col)
{
  return g_strdup ((const gchar *) sqlite3_column_text (st, col));
}

GPtrArray *
sr_worker_db_load_all (SrWorkerDb  *self,
                       GError     **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_worker_db_job_free);
  sqlite3_stmt *st = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT id, token_hash, state, message, ladder, sha256, size, received"
                          " FROM jobs ORDER BY created, rowid", -1, &st, NULL) != SQLITE_OK)
    {
      fail (self->db, _("be read"), error);
      return NULL;
    }
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      SrWorkerDbJob *job = g_new0 (SrWorkerDbJob, 1);
      job->id = column_dup (st, 0);
      job->token_hash = column_dup (st, 1);
      job->state = column_dup (st, 2);
      job->message = column_dup (st, 3);
      job->ladder_json = column_dup (st, 4);
      job->sha256 = column_dup (st, 5);
      job->size = sqlite3_column_int64 (st, 6);
      job->received = sqlite3_column_int64 (st, 7);
      g_ptr_array_add (jobs, job);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      fail (self->db, _("be read"), error);
      return NULL;
    }
  return g_steal_pointer (&jobs);
}

void
sr_worker_db_job_free (SrWorkerDbJob *job)
{
  if (job == NULL)
    return;
  g_free (job->id);
  g_free (job->token_hash);
  g_free (job->state);
  g_free (job->message);
  g_free (job->ladder_json);
  g_free (job->sha256);
  g_free (job);
}

/* sr-store.c: Seedreel's library database. All SQL lives in src/store:
 * the schema and the core tables here, each subsystem's queries in its
 * own sr-store-<area>.c.
 *
 * Opening is careful about the user's data: an existing file is first
 * checked through a read-only connection that creates no side files, and a
 * damaged file or one from a newer Seedreel is reported and left exactly as
 * it was. Only a healthy file is switched to WAL and migrated.
 */
#include "store/sr-store.h"
#include "store/sr-store-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

/* Each step moves the schema from version N to N + 1 (its index + 1) in one
 * transaction together with PRAGMA user_version. Append only: a released step
 * must never change, or databases already past it would diverge. */
static const char * const migrations[] = {
  /* 1: small values that belong with the library rather than in GSettings
   * (they must move with the database, e.g. which network it was synced from). */
  "CREATE TABLE kv ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");",

  /* 2: where the viewer stopped each title; updated_at is Unix seconds. */
  "CREATE TABLE playback_positions ("
  "  title_id    TEXT PRIMARY KEY,"
  "  position_ms INTEGER NOT NULL,"
  "  duration_ms INTEGER NOT NULL,"
  "  updated_at  INTEGER NOT NULL"
  ");",

  /* 3: every transaction Seedreel signs, recorded before it is broadcast
   * so that a crash can neither lose it nor send it twice. Amounts are
   * decimal wei (they exceed 64 bits); times are Unix seconds. */
  "CREATE TABLE transactions ("
  "  id                       INTEGER PRIMARY KEY,"
  "  idempotency_key          TEXT NOT NULL UNIQUE,"
  "  chain_id                 INTEGER NOT NULL,"
  "  from_address             TEXT NOT NULL,"
  "  nonce                    INTEGER NOT NULL,"
  "  to_address               TEXT,"
  "  value                    TEXT NOT NULL,"
  "  data                     BLOB,"
  "  gas_limit                INTEGER NOT NULL,"
  "  max_fee_per_gas          TEXT NOT NULL,"
  "  max_priority_fee_per_gas TEXT NOT NULL,"
  "  raw                      BLOB NOT NULL,"
  "  hash                     TEXT NOT NULL,"
  "  replaces                 INTEGER REFERENCES transactions (id),"
  "  state                    TEXT NOT NULL"
  "    CHECK (state IN ('signed', 'broadcast', 'mined', 'failed', 'replaced')),"
  "  block_number             INTEGER,"
  "  created_at               INTEGER NOT NULL,"
  "  updated_at               INTEGER NOT NULL"
  ");"
  "CREATE INDEX transactions_by_account ON transactions (chain_id, from_address, nonce);",
  /* 4: the on-chain catalog as last synced (sr-store-catalog.c): titles,
   * the account's purchases, and the last block hashes the sync reached. */
  "CREATE TABLE catalog_titles ("
  "  network          TEXT NOT NULL,"
  "  content_id       TEXT NOT NULL,"
  "  infohash         TEXT NOT NULL,"
  "  creator          TEXT NOT NULL,"
  "  price            TEXT NOT NULL,"
  "  seeder_share_bps INTEGER NOT NULL,"
  "  content_size     INTEGER NOT NULL,"
  "  metadata         TEXT NOT NULL,"
  "  block_number     INTEGER NOT NULL,"
  "  block_hash       TEXT NOT NULL,"
  "  log_index        INTEGER NOT NULL,"
  "  PRIMARY KEY (network, content_id)"
  ");"
  "CREATE INDEX catalog_titles_by_block ON catalog_titles (network, block_number, log_index);"
  "CREATE TABLE catalog_purchases ("
  "  network      TEXT NOT NULL,"
  "  view_id      TEXT NOT NULL,"
  "  viewer       TEXT NOT NULL,"
  "  content_id   TEXT NOT NULL,"
  "  block_number INTEGER NOT NULL,"
  "  block_hash   TEXT NOT NULL,"
  "  PRIMARY KEY (network, view_id)"
  ");"
  "CREATE TABLE catalog_blocks ("
  "  network TEXT NOT NULL,"
  "  number  INTEGER NOT NULL,"
  "  hash    TEXT NOT NULL,"
  "  PRIMARY KEY (network, number)"
  ");",
  /* 5: content keys of paid titles (sr-store-keys.c), each sealed to its
   * owner's own public key: only the wallet agent can open them. */
  "CREATE TABLE content_keys ("
  "  network    TEXT NOT NULL,"
  "  infohash   TEXT NOT NULL,"
  "  owner      TEXT NOT NULL,"
  "  view_id    TEXT NOT NULL,"
  "  public_key BLOB NOT NULL,"
  "  sealed     BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (network, infohash, owner)"
  ");",
  /* 6: seeding receipts a seeder holds, the newest per (view, seeder), and
   * the reward claims made with them (sr-store-receipts.c). */
  "CREATE TABLE seeding_receipts ("
  "  network      TEXT NOT NULL,"
  "  view_id      TEXT NOT NULL,"
  "  seeder       TEXT NOT NULL,"
  "  viewer       TEXT NOT NULL,"
  "  content_id   TEXT NOT NULL,"
  "  bytes        INTEGER NOT NULL,"
  "  signature    BLOB NOT NULL,"
  "  content_size INTEGER NOT NULL,"
  "  pool         TEXT NOT NULL,"
  "  paid_bytes   INTEGER NOT NULL DEFAULT 0,"
  "  received_at  INTEGER NOT NULL,"
  "  PRIMARY KEY (network, view_id, seeder)"
  ");"
  "CREATE TABLE reward_claims ("
  "  network    TEXT NOT NULL,"
  "  tx_hash    TEXT NOT NULL,"
  "  seeder     TEXT NOT NULL,"
  "  n_receipts INTEGER NOT NULL,"
  "  amount     TEXT NOT NULL,"
  "  claimed_at INTEGER NOT NULL,"
  "  PRIMARY KEY (network, tx_hash)"
  ");",
};

typedef enum {
  STMT_SCHEMA_VERSION,
  STMT_SET_VALUE,
  STMT_GET_VALUE,
  STMT_REMOVE_VALUE,
  STMT_SAVE_POSITION,
  STMT_LOOKUP_POSITION,
  STMT_FORGET_POSITION,
  STMT_INSERT_TRANSACTION,
  STMT_LOOKUP_TRANSACTION,
  STMT_LOOKUP_TRANSACTION_BY_KEY,
  STMT_LIST_TRANSACTIONS,
  STMT_LIST_UNFINISHED_TRANSACTIONS,
  STMT_UPDATE_TRANSACTION_STATE,
  N_STMTS
} StatementId;

#define TRANSACTION_COLUMNS \
  "id, idempotency_key, chain_id, from_address, nonce, to_address, value, data, gas_limit, " \
  "max_fee_per_gas, max_priority_fee_per_gas, raw, hash, replaces, state, block_number, " \
  "created_at, updated_at"

static const char * const statement_sql[N_STMTS] = {
  [STMT_SCHEMA_VERSION] = "PRAGMA user_version",
  [STMT_SET_VALUE] =
    "INSERT INTO kv (key, value) VALUES (?1, ?2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  [STMT_GET_VALUE] = "SELECT value FROM kv WHERE key = ?1",
  [STMT_REMOVE_VALUE] = "DELETE FROM kv WHERE key = ?1",
  [STMT_SAVE_POSITION] =
    "INSERT INTO playback_positions (title_id, position_ms, duration_ms, updated_at) "
    "VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (title_id) DO UPDATE SET position_ms = excluded.position_ms, "
    "duration_ms = excluded.duration_ms, updated_at = excluded.updated_at",
  [STMT_LOOKUP_POSITION] =
    "SELECT position_ms, duration_ms FROM playback_positions WHERE title_id = ?1",
  [STMT_FORGET_POSITION] = "DELETE FROM playback_positions WHERE title_id = ?1",
  [STMT_INSERT_TRANSACTION] =
    "INSERT INTO transactions (idempotency_key, chain_id, from_address, nonce, to_address, value, "
    "data, gas_limit, max_fee_per_gas, max_priority_fee_per_gas, raw, hash, replaces, state, "
    "block_number, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, NULL, ?15, ?15)",
  [STMT_LOOKUP_TRANSACTION] =
    "SELECT " TRANSACTION_COLUMNS " FROM transactions WHERE id = ?1",
  [STMT_LOOKUP_TRANSACTION_BY_KEY] =
    "SELECT " TRANSACTION_COLUMNS " FROM transactions WHERE idempotency_key = ?1",
  [STMT_LIST_TRANSACTIONS] =
    "SELECT " TRANSACTION_COLUMNS " FROM transactions WHERE chain_id = ?1 AND from_address = ?2 "
    "ORDER BY nonce, id",
  [STMT_LIST_UNFINISHED_TRANSACTIONS] =
    "SELECT " TRANSACTION_COLUMNS " FROM transactions WHERE chain_id = ?1 AND from_address = ?2 "
    "AND state IN ('signed', 'broadcast') ORDER BY nonce, id",
  [STMT_UPDATE_TRANSACTION_STATE] =
    "UPDATE transactions SET state = ?2, block_number = ?3, updated_at = ?4 WHERE id = ?1",
};

/* Long enough to ride out a checkpoint by another connection (the CLI may
 * share the file with the app), short enough that a stuck lock is reported. */
#define BUSY_TIMEOUT_MS 5000

struct _SrStore
{
  GObject parent_instance;

  char *path;

  /* Guards db and statements: SQLite's connection is not used unlocked. */
  GMutex lock;
  sqlite3 *db;
  sqlite3_stmt *statements[N_STMTS];
};

static void sr_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrStore, sr_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, sr_store_initable_iface_init))

G_DEFINE_QUARK (sr-store-error, sr_store_error)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_corrupt_error (GError     **error,
                   const char  *path)
{
  g_set_error (error, SR_STORE_ERROR, SR_STORE_ERROR_CORRUPT,
               _("The library database %s is damaged and cannot be read. "
                 "Seedreel left it untouched: move it aside (or restore a backup) "
                 "and Seedreel will start a new, empty library."),
               path);
}

/* @what says what the user was doing, e.g. "Could not save the playback position". */
static void
set_sqlite_error (GError     **error,
                  const char  *path,
                  int          rc,
                  const char  *detail,
                  const char  *what)
{
  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      set_corrupt_error (error, path);
      break;

    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
      g_set_error (error, SR_STORE_ERROR, SR_STORE_ERROR_IO,
                   _("%s: the library database %s cannot be read or written (%s). "
                     "Check that the disk is not full and that its folder can be written to."),
                   what, path, detail);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, SR_STORE_ERROR, SR_STORE_ERROR_FAILED,
                   _("%s: the library database %s is in use by another program (%s). "
                     "Close other copies of Seedreel and try again."),
                   what, path, detail);
      break;

    default:
      g_set_error (error, SR_STORE_ERROR, SR_STORE_ERROR_FAILED,
                   _("%s: %s (library database %s)"),
                   what, detail, path);
      break;
    }
}

static void
set_db_error (GError     **error,
              sqlite3     *db,
              const char  *path,
              int          rc,
              const char  *what)
{
  set_sqlite_error (error, path, rc, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc), what);
}

static void
set_too_new_error (GError     **error,
                   const char  *path,
                   gint64       version)
{
  g_set_error (error, SR_STORE_ERROR, SR_STORE_ERROR_TOO_NEW,
               _("The library database %s was created by a newer version of Seedreel "
                 "(format %lld, this version reads up to %u). "
                 "Seedreel left it untouched: update Seedreel to open it."),
               path, (long long) version, (guint) G_N_ELEMENTS (migrations));
}

/* Runs one statement and returns the first column of its first row as
 * text (NULL when there is no row). */
static int
query_text (sqlite3     *db,
            const char  *sql,
            char       **out)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out = NULL;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_OK;
    }
  else if (rc == SQLITE_DONE)
    {
      rc = SQLITE_OK;
    }

  sqlite3_finalize (stmt);
  return rc;
}

static int
query_int64 (sqlite3    *db,
             const char *sql,
             gint64     *out)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out = 0;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_OK;
    }
  else if (rc == SQLITE_DONE)
    {
      rc = SQLITE_OK;
    }

  sqlite3_finalize (stmt);
  return rc;
}

/* Checks the structure of the file behind @db and that this build knows
 * its schema. Returns the SQLite code of a failure that prevented the
 * check (with @error unset) so the caller can decide what that means. */
static int
check_database (sqlite3     *db,
                const char  *path,
                GError     **error)
{
  g_autofree char *verdict = NULL;
  gint64 version = 0;
  int rc;

  rc = query_text (db, "PRAGMA quick_check", &verdict);
  if (rc != SQLITE_OK)
    return rc;

  if (g_strcmp0 (verdict, "ok") != 0)
    {
      g_debug ("quick_check of %s: %s", path, verdict);
      set_corrupt_error (error, path);
      return SQLITE_CORRUPT;
    }

  rc = query_int64 (db, "PRAGMA user_version", &version);
  if (rc != SQLITE_OK)
    return rc;

  if (version < 0 || version > (gint64) G_N_ELEMENTS (migrations))
    {
      set_too_new_error (error, path, version);
      return SQLITE_ERROR;
    }

  return SQLITE_OK;
}

static gboolean
file_exists (const char *path,
             const char *suffix)
{
  g_autofree char *name = g_strconcat (path, suffix, NULL);

  return g_file_test (name, G_FILE_TEST_EXISTS);
}

/* Verifies an existing file without changing a byte of it. With no WAL or
 * rollback journal beside it no one has it open and it holds no unfinished
 * transaction, so it can be read as immutable: no locks, no -wal/-shm
 * created. Otherwise the journal has to be read too, through a plain
 * read-only connection.
 *
 * Sets @deferred when the check needs a writable connection (a hot journal
 * must be rolled back first); SQLite's own recovery is not damage. */
static gboolean
verify_untouched (const char  *path,
                  const char  *uri,
                  gboolean    *deferred,
                  GError     **error)
{
  g_autofree char *ro_uri = NULL;
  GError *check_error = NULL;
  sqlite3 *db = NULL;
  gboolean quiet;
  int rc;

  *deferred = FALSE;

  quiet = !file_exists (path, "-wal") && !file_exists (path, "-journal");
  ro_uri = g_strconcat (uri, quiet ? "?mode=ro&immutable=1" : "?mode=ro", NULL);

  rc = sqlite3_open_v2 (ro_uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = check_database (db, path, &check_error);

  if (check_error != NULL)
    {
      g_propagate_error (error, check_error);
      sqlite3_close (db);
      return FALSE;
    }

  switch (rc & 0xff)
    {
    case SQLITE_OK:
      break;

    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      *deferred = TRUE;
      break;

    default:
      set_db_error (error, db, path, rc, _("Could not open the library"));
      sqlite3_close (db);
      return FALSE;
    }

  sqlite3_close (db);
  return TRUE;
}

static gboolean
exec_sql (SrStore     *self,
          const char  *sql,
          const char  *what,
          GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_db_error (error, self->db, self->path, rc, what);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (SrStore  *self,
         GError  **error)
{
  const char *what = _("Could not upgrade the library database");

  for (;;)
    {
      g_autofree char *bump = NULL;
      gint64 version = 0;
      int rc;

      /* IMMEDIATE: the version read and the step must not interleave with
       * another process doing the same upgrade. */
      if (!exec_sql (self, "BEGIN IMMEDIATE", what, error))
        return FALSE;

      rc = query_int64 (self->db, "PRAGMA user_version", &version);
      if (rc != SQLITE_OK)
        {
          set_db_error (error, self->db, self->path, rc, what);
          goto rollback;
        }

      if (version < 0 || version > (gint64) G_N_ELEMENTS (migrations))
        {
          set_too_new_error (error, self->path, version);
          goto rollback;
        }

      if (version == (gint64) G_N_ELEMENTS (migrations))
        return exec_sql (self, "COMMIT", what, error);

      bump = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);
      if (!exec_sql (self, migrations[version], what, error) ||
          !exec_sql (self, bump, what, error) ||
          !exec_sql (self, "COMMIT", what, error))
        goto rollback;

      g_debug ("Upgraded %s to schema version %" G_GINT64_FORMAT, self->path, version + 1);
      continue;

    rollback:
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
}

static gboolean
sr_store_initable_init (GInitable     *initable,
                        GCancellable  *cancellable,
                        GError       **error)
{
  SrStore *self = SR_STORE (initable);
  g_autofree char *absolute = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *journal_mode = NULL;
  const char *what = _("Could not open the library");
  gboolean deferred = FALSE;
  int rc;

  g_return_val_if_fail (self->path != NULL, FALSE);

  absolute = g_canonicalize_filename (self->path, NULL);
  /* A URI, so that no character of the file name is read as an option. */
  uri = g_filename_to_uri (absolute, NULL, error);
  if (uri == NULL)
    return FALSE;

  if (g_file_test (self->path, G_FILE_TEST_EXISTS) &&
      !verify_untouched (self->path, uri, &deferred, error))
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  rc = sqlite3_open_v2 (uri, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (error, self->db, self->path, rc, what);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  if (deferred)
    {
      GError *check_error = NULL;

      rc = check_database (self->db, self->path, &check_error);
      if (check_error != NULL)
        {
          g_propagate_error (error, check_error);
          return FALSE;
        }
      if (rc != SQLITE_OK)
        {
          set_db_error (error, self->db, self->path, rc, what);
          return FALSE;
        }
    }

  rc = query_text (self->db, "PRAGMA journal_mode = WAL", &journal_mode);
  if (rc != SQLITE_OK)
    {
      set_db_error (error, self->db, self->path, rc, what);
      return FALSE;
    }
  if (g_strcmp0 (journal_mode, "wal") != 0)
    g_debug ("%s stays in journal mode %s: WAL is not available there", self->path, journal_mode);

  /* NORMAL: in WAL mode a power cut may lose the last commits but never
   * corrupts the file, and commits stay cheap. */
  if (!exec_sql (self, "PRAGMA synchronous = NORMAL", what, error) ||
      !exec_sql (self, "PRAGMA foreign_keys = ON", what, error))
    return FALSE;

  if (!migrate (self, error))
    return FALSE;

  for (guint i = 0; i < N_STMTS; i++)
    {
      rc = sqlite3_prepare_v3 (self->db, statement_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &self->statements[i], NULL);
      if (rc != SQLITE_OK)
        {
          set_db_error (error, self->db, self->path, rc, what);
          return FALSE;
        }
    }

  return TRUE;
}

static void
sr_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = sr_store_initable_init;
}

static void
sr_store_finalize (GObject *object)
{
  SrStore *self = SR_STORE (object);

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->statements[i], sqlite3_finalize);

  /* Closing the last connection checkpoints the WAL and removes -wal/-shm. */
  if (self->db != NULL && sqlite3_close (self->db) != SQLITE_OK)
    g_warning ("Could not close the library database %s: %s", self->path, sqlite3_errmsg (self->db));
  self->db = NULL;

  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (sr_store_parent_class)->finalize (object);
}

static void
sr_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  SrStore *self = SR_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  SrStore *self = SR_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_store_class_init (SrStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sr_store_finalize;
  object_class->get_property = sr_store_get_property;
  object_class->set_property = sr_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_store_init (SrStore *self)
{
  g_mutex_init (&self->lock);
}

/**
 * sr_store_default_path:
 *
 * Returns: (transfer full): where the user's library lives; its folder is
 *   created (private to the user) if needed.
 */
char *
sr_store_default_path (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "seedreel", NULL);

  /* Failure surfaces as an IO error when the file is opened. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_debug ("Could not create %s: %s", dir, g_strerror (errno));

  return g_build_filename (dir, "seedreel.db", NULL);
}

/**
 * sr_store_open:
 * @path: the database file; created if missing
 *
 * Blocks on disk I/O: call it from a worker thread or use
 * sr_store_open_async() from the UI.
 *
 * Returns: (transfer full): the store, or %NULL with @error set; a damaged
 *   file gives %SR_STORE_ERROR_CORRUPT and one from a newer Seedreel
 *   %SR_STORE_ERROR_TOO_NEW, both left unchanged.
 */
SrStore *
sr_store_open (const char  *path,
               GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (SR_TYPE_STORE, NULL, error, "path", path, NULL);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  SrStore *store;

  store = g_initable_new (SR_TYPE_STORE, cancellable, &error, "path", path, NULL);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
sr_store_open_async (const char          *path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_store_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

SrStore *
sr_store_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_store_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
sr_store_get_path (SrStore *self)
{
  g_return_val_if_fail (SR_IS_STORE (self), NULL);

  return self->path;
}

/* The connection is shared by every thread: hold the lock from binding
 * until the error message has been read. */
static sqlite3_stmt *
begin_statement (SrStore     *self,
                 StatementId  id)
{
  g_mutex_lock (&self->lock);
  return self->statements[id];
}

static void
end_statement (SrStore      *self,
               sqlite3_stmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  g_mutex_unlock (&self->lock);
}

static gboolean
step_done (SrStore      *self,
           sqlite3_stmt *stmt,
           const char   *what,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      set_db_error (error, self->db, self->path, rc, what);
      return FALSE;
    }

  return TRUE;
}

sqlite3 *
sr_store_lock (SrStore *self)
{
  g_mutex_lock (&self->lock);
  return self->db;
}

void
sr_store_unlock (SrStore *self)
{
  g_mutex_unlock (&self->lock);
}

void
sr_store_set_error (SrStore     *self,
                    GError     **error,
                    int          rc,
                    const char  *what)
{
  set_db_error (error, self->db, self->path, rc, what);
}

gboolean
sr_store_exec_locked (SrStore     *self,
                      const char  *sql,
                      const char  *what,
                      GError     **error)
{
  return exec_sql (self, sql, what, error);
}

/**
 * sr_store_get_schema_version:
 *
 * Returns: the schema version of the open database (equal to
 *   sr_store_get_latest_schema_version() once opened), or 0 if it cannot
 *   be read.
 */
guint
sr_store_get_schema_version (SrStore *self)
{
  sqlite3_stmt *stmt;
  guint version = 0;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), 0);

  stmt = begin_statement (self, STMT_SCHEMA_VERSION);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    version = (guint) sqlite3_column_int64 (stmt, 0);
  else
    g_warning ("Could not read the schema version of %s: %s", self->path, sqlite3_errmsg (self->db));
  end_statement (self, stmt);

  return version;
}

guint
sr_store_get_latest_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

gboolean
sr_store_set_value (SrStore     *self,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = begin_statement (self, STMT_SET_VALUE);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  ok = step_done (self, stmt, _("Could not save a library setting"), error);
  end_statement (self, stmt);

  return ok;
}

char *
sr_store_get_value (SrStore     *self,
                    const char  *key,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  char *value = NULL;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = begin_statement (self, STMT_GET_VALUE);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    set_db_error (error, self->db, self->path, rc, _("Could not read a library setting"));
  end_statement (self, stmt);

  return value;
}

gboolean
sr_store_remove_value (SrStore     *self,
                       const char  *key,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = begin_statement (self, STMT_REMOVE_VALUE);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  ok = step_done (self, stmt, _("Could not remove a library setting"), error);
  end_statement (self, stmt);

  return ok;
}

gboolean
sr_store_save_position (SrStore     *self,
                        const char  *title_id,
                        gint64       position_ms,
                        gint64       duration_ms,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (title_id != NULL, FALSE);
  g_return_val_if_fail (position_ms >= 0, FALSE);
  g_return_val_if_fail (duration_ms >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = begin_statement (self, STMT_SAVE_POSITION);
  sqlite3_bind_text (stmt, 1, title_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, position_ms);
  sqlite3_bind_int64 (stmt, 3, duration_ms);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  ok = step_done (self, stmt, _("Could not remember where playback stopped"), error);
  end_statement (self, stmt);

  return ok;
}

gboolean
sr_store_lookup_position (SrStore     *self,
                          const char  *title_id,
                          gint64      *position_ms,
                          gint64      *duration_ms,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (title_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = begin_statement (self, STMT_LOOKUP_POSITION);
  sqlite3_bind_text (stmt, 1, title_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      found = TRUE;
      if (position_ms != NULL)
        *position_ms = sqlite3_column_int64 (stmt, 0);
      if (duration_ms != NULL)
        *duration_ms = sqlite3_column_int64 (stmt, 1);
    }
  else if (rc != SQLITE_DONE)
    {
      set_db_error (error, self->db, self->path, rc, _("Could not read where playback stopped"));
    }
  end_statement (self, stmt);

  return found;
}

gboolean
sr_store_forget_position (SrStore     *self,
                          const char  *title_id,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (title_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = begin_statement (self, STMT_FORGET_POSITION);
  sqlite3_bind_text (stmt, 1, title_id, -1, SQLITE_STATIC);
  ok = step_done (self, stmt, _("Could not forget where playback stopped"), error);
  end_statement (self, stmt);

  return ok;
}

typedef struct {
  char *title_id;
  gint64 position_ms;
  gint64 duration_ms;
} PositionData;

static void
position_data_free (PositionData *data)
{
  g_free (data->title_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PositionData, position_data_free)

static void
save_position_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  SrStore *self = source_object;
  PositionData *data = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (sr_store_save_position (self, data->title_id, data->position_ms, data->duration_ms, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sr_store_save_position_async (SrStore             *self,
                              const char          *title_id,
                              gint64               position_ms,
                              gint64               duration_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PositionData *data;

  g_return_if_fail (SR_IS_STORE (self));
  g_return_if_fail (title_id != NULL);
  g_return_if_fail (position_ms >= 0);
  g_return_if_fail (duration_ms >= 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (PositionData, 1);
  data->title_id = g_strdup (title_id);
  data->position_ms = position_ms;
  data->duration_ms = duration_ms;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_store_save_position_async);
  g_task_set_task_data (task, data, (GDestroyNotify) position_data_free);
  g_task_run_in_thread (task, save_position_thread);
}

gboolean
sr_store_save_position_finish (SrStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_store_save_position_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_position_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  SrStore *self = source_object;
  const char *title_id = task_data;
  g_autoptr(PositionData) found = g_new0 (PositionData, 1);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (sr_store_lookup_position (self, title_id, &found->position_ms, &found->duration_ms, &error))
    g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) position_data_free);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, NULL, NULL);
}

void
sr_store_lookup_position_async (SrStore             *self,
                                const char          *title_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_STORE (self));
  g_return_if_fail (title_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_store_lookup_position_async);
  g_task_set_task_data (task, g_strdup (title_id), g_free);
  g_task_run_in_thread (task, lookup_position_thread);
}

/* Same contract as sr_store_lookup_position(). */
gboolean
sr_store_lookup_position_finish (SrStore       *self,
                                 GAsyncResult  *result,
                                 gint64        *position_ms,
                                 gint64        *duration_ms,
                                 GError       **error)
{
  g_autoptr(PositionData) found = NULL;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_store_lookup_position_async, FALSE);

  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return FALSE;

  if (position_ms != NULL)
    *position_ms = found->position_ms;
  if (duration_ms != NULL)
    *duration_ms = found->duration_ms;

  return TRUE;
}

/* ---- transactions ----------------------------------------------------- */

static const char * const tx_state_names[] = {
  [SR_STORE_TX_SIGNED] = "signed",
  [SR_STORE_TX_BROADCAST] = "broadcast",
  [SR_STORE_TX_MINED] = "mined",
  [SR_STORE_TX_FAILED] = "failed",
  [SR_STORE_TX_REPLACED] = "replaced",
};

const char *
sr_store_tx_state_to_string (SrStoreTxState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (tx_state_names), NULL);

  return tx_state_names[state];
}

static gboolean
tx_state_from_string (const char     *text,
                      SrStoreTxState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (tx_state_names); i++)
    if (g_strcmp0 (text, tx_state_names[i]) == 0)
      {
        *state = (SrStoreTxState) i;
        return TRUE;
      }
  return FALSE;
}

void
sr_store_transaction_free (SrStoreTransaction *tx)
{
  if (tx == NULL)
    return;
  g_free (tx->idempotency_key);
  g_free (tx->from_address);
  g_free (tx->to_address);
  g_free (tx->value);
  g_clear_pointer (&tx->data, g_bytes_unref);
  g_free (tx->max_fee_per_gas);
  g_free (tx->max_priority_fee_per_gas);
  g_clear_pointer (&tx->raw, g_bytes_unref);
  g_free (tx->hash);
  g_free (tx);
}

SrStoreTransaction *
sr_store_transaction_copy (const SrStoreTransaction *tx)
{
  SrStoreTransaction *copy = g_memdup2 (tx, sizeof *tx);

  copy->idempotency_key = g_strdup (tx->idempotency_key);
  copy->from_address = g_strdup (tx->from_address);
  copy->to_address = g_strdup (tx->to_address);
  copy->value = g_strdup (tx->value);
  copy->data = tx->data != NULL ? g_bytes_ref (tx->data) : NULL;
  copy->max_fee_per_gas = g_strdup (tx->max_fee_per_gas);
  copy->max_priority_fee_per_gas = g_strdup (tx->max_priority_fee_per_gas);
  copy->raw = tx->raw != NULL ? g_bytes_ref (tx->raw) : NULL;
  copy->hash = g_strdup (tx->hash);
  return copy;
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           index,
            GBytes       *bytes)
{
  if (bytes == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_blob64 (stmt, index, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), SQLITE_STATIC);
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_bytes_new (sqlite3_column_blob (stmt, column), (gsize) sqlite3_column_bytes (stmt, column));
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Reads a row selected with TRANSACTION_COLUMNS. */
static SrStoreTransaction *
read_transaction (sqlite3_stmt *stmt)
{
  SrStoreTransaction *tx = g_new0 (SrStoreTransaction, 1);

  tx->id = sqlite3_column_int64 (stmt, 0);
  tx->idempotency_key = column_text (stmt, 1);
  tx->chain_id = (guint64) sqlite3_column_int64 (stmt, 2);
  tx->from_address = column_text (stmt, 3);
  tx->nonce = (guint64) sqlite3_column_int64 (stmt, 4);
  tx->to_address = column_text (stmt, 5);
  tx->value = column_text (stmt, 6);
  tx->data = column_bytes (stmt, 7);
  tx->gas_limit = (guint64) sqlite3_column_int64 (stmt, 8);
  tx->max_fee_per_gas = column_text (stmt, 9);
  tx->max_priority_fee_per_gas = column_text (stmt, 10);
  tx->raw = column_bytes (stmt, 11);
  tx->hash = column_text (stmt, 12);
  tx->replaces = sqlite3_column_type (stmt, 13) == SQLITE_NULL ? 0 : sqlite3_column_int64 (stmt, 13);
  if (!tx_state_from_string ((const char *) sqlite3_column_text (stmt, 14), &tx->state))
    tx->state = SR_STORE_TX_SIGNED;  /* the CHECK constraint makes this unreachable */
  tx->block_number = sqlite3_column_type (stmt, 15) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 15);
  tx->created_at = sqlite3_column_int64 (stmt, 16);
  tx->updated_at = sqlite3_column_int64 (stmt, 17);
  return tx;
}

gboolean
sr_store_insert_transaction (SrStore             *self,
                             SrStoreTransaction  *tx,
                             GError             **error)
{
  const char *what = _("Could not record the transaction");
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean ok;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail (tx != NULL && tx->idempotency_key != NULL && tx->from_address != NULL, FALSE);
  g_return_val_if_fail (tx->value != NULL && tx->raw != NULL && tx->hash != NULL, FALSE);
  g_return_val_if_fail (tx->max_fee_per_gas != NULL && tx->max_priority_fee_per_gas != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = begin_statement (self, STMT_INSERT_TRANSACTION);
  /* This row is the only memory of a transaction about to leave the
   * machine: it must be on disk, not only in the WAL's page cache. */
  if (!exec_sql (self, "PRAGMA synchronous = FULL", what, error))
    {
      end_statement (self, stmt);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, tx->idempotency_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) tx->chain_id);
  sqlite3_bind_text (stmt, 3, tx->from_address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, (sqlite3_int64) tx->nonce);
  if (tx->to_address != NULL)
    sqlite3_bind_text (stmt, 5, tx->to_address, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_text (stmt, 6, tx->value, -1, SQLITE_STATIC);
  bind_bytes (stmt, 7, tx->data);
  sqlite3_bind_int64 (stmt, 8, (sqlite3_int64) tx->gas_limit);
  sqlite3_bind_text (stmt, 9, tx->max_fee_per_gas, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, tx->max_priority_fee_per_gas, -1, SQLITE_STATIC);
  bind_bytes (stmt, 11, tx->raw);
  sqlite3_bind_text (stmt, 12, tx->hash, -1, SQLITE_STATIC);
  if (tx->replaces > 0)
    sqlite3_bind_int64 (stmt, 13, tx->replaces);
  else
    sqlite3_bind_null (stmt, 13);
  sqlite3_bind_text (stmt, 14, sr_store_tx_state_to_string (tx->state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 15, now);

  rc = sqlite3_step (stmt);
  ok = rc == SQLITE_DONE;
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    g_set_error (error, SR_STORE_ERROR, SR_STORE_ERROR_DUPLICATE,
                 _("This transaction was already recorded (%s)"), tx->idempotency_key);
  else if (!ok)
    set_db_error (error, self->db, self->path, rc, what);
  else
    {
      tx->id = sqlite3_last_insert_rowid (self->db);
      tx->created_at = tx->updated_at = now;
      tx->block_number = -1;
    }
  sqlite3_exec (self->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
  end_statement (self, stmt);

  return ok;
}

static SrStoreTransaction *
lookup_one (SrStore      *self,
            sqlite3_stmt *stmt,
            GError      **error)
{
  SrStoreTransaction *tx = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    tx = read_transaction (stmt);
  else if (rc != SQLITE_DONE)
    set_db_error (error, self->db, self->path, rc, _("Could not read the transaction history"));
  end_statement (self, stmt);
  return tx;
}

SrStoreTransaction *
sr_store_lookup_transaction (SrStore  *self,
                             gint64    id,
                             GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = begin_statement (self, STMT_LOOKUP_TRANSACTION);
  sqlite3_bind_int64 (stmt, 1, id);
  return lookup_one (self, stmt, error);
}

SrStoreTransaction *
sr_store_lookup_transaction_by_key (SrStore     *self,
                                    const char  *idempotency_key,
                                    GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);
  g_return_val_if_fail (idempotency_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = begin_statement (self, STMT_LOOKUP_TRANSACTION_BY_KEY);
  sqlite3_bind_text (stmt, 1, idempotency_key, -1, SQLITE_STATIC);
  return lookup_one (self, stmt, error);
}

GPtrArray *
sr_store_list_transactions (SrStore     *self,
                            guint64      chain_id,
                            const char  *from_address,
                            gboolean     unfinished_only,
                            GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_store_transaction_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SR_IS_STORE (self), NULL);
  g_return_val_if_fail (from_address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = begin_statement (self, unfinished_only ? STMT_LIST_UNFINISHED_TRANSACTIONS : STMT_LIST_TRANSACTIONS);
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) chain_id);
  sqlite3_bind_text (stmt, 2, from_address, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_transaction (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, self->db, self->path, rc, _("Could not read the transaction history"));
      end_statement (self, stmt);
      return NULL;
    }
  end_statement (self, stmt);

  return g_steal_pointer (&list);
}

gboolean
sr_store_update_transaction_state (SrStore         *self,
                                   gint64           id,
                                   SrStoreTxState   state,
                                   gint64           block_number,
                                   GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (SR_IS_STORE (self), FALSE);
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (tx_state_names), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = begin_statement (self, STMT_UPDATE_TRANSACTION_STATE);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, sr_store_tx_state_to_string (state), -1, SQLITE_STATIC);
  if (block_number >= 0)
    sqlite3_bind_int64 (stmt, 3, block_number);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  ok = step_done (self, stmt, _("Could not update the transaction history"), error);
  end_statement (self, stmt);

  return ok;
}

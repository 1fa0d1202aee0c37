/* test-store.c: the library database against real SQLite files: schema
 * upgrades, WAL, persistence, damaged and too-new files left untouched,
 * async use from a main loop and concurrent use from threads. */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "store/sr-store.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("seedreel-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "seedreel.db", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);
      g_unlink (file);
    }
  g_rmdir (fixture->dir);

  g_free (fixture->path);
  g_free (fixture->dir);
}

static char *
file_sha256 (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names in the test folder, sorted and joined: side files such as
 * -wal, -shm or -journal show up here. */
static char *
list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

/* Runs SQL on the file through a connection of our own, bypassing SrStore. */
static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static char *
raw_query_text (const char *path,
                const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  return result;
}

static void
test_fresh (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autofree char *journal_mode = NULL;
  g_autofree char *tables = NULL;

  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));

  store = sr_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpstr (sr_store_get_path (store), ==, fixture->path);

  g_assert_cmpuint (sr_store_get_latest_schema_version (), >=, 2);
  g_assert_cmpuint (sr_store_get_schema_version (store), ==, sr_store_get_latest_schema_version ());

  /* Another process sees what the store left on disk. */
  journal_mode = raw_query_text (fixture->path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal_mode, ==, "wal");
  tables = raw_query_text (fixture->path,
                           "SELECT group_concat(name, ' ') FROM "
                           "(SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)");
  /* Each subsystem appends its own tables; the core ones are always there. */
  {
    g_auto(GStrv) names = g_strsplit (tables, " ", -1);
    g_assert_true (g_strv_contains ((const char * const *) names, "kv"));
    g_assert_true (g_strv_contains ((const char * const *) names, "playback_positions"));
    g_assert_true (g_strv_contains ((const char * const *) names, "transactions"));
  }

  g_clear_object (&store);

  /* A clean close folds the WAL back into the file. */
  {
    g_autofree char *listing = list_dir (fixture->dir);
    g_assert_cmpstr (listing, ==, "seedreel.db");
  }

  /* Reopening an up-to-date file changes nothing. */
  store = sr_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_store_get_schema_version (store), ==, sr_store_get_latest_schema_version ());
}

static void
test_unwritable_folder (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "missing-folder", "seedreel.db", NULL);

  store = sr_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, SR_STORE_ERROR, SR_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autofree char *value = NULL;
  gint64 position = -1, duration = -1;

  store = sr_store_open (fixture->path, &error);
  g_assert_no_error (error);

  g_assert_true (sr_store_set_value (store, "network", "devnet", &error));
  g_assert_no_error (error);
  g_assert_true (sr_store_set_value (store, "network", "sepolia", &error));
  g_assert_no_error (error);
  g_assert_true (sr_store_set_value (store, "greeting", "¡hola, ünïcödé!", &error));
  g_assert_no_error (error);
  g_assert_true (sr_store_set_value (store, "doomed", "x", &error));
  g_assert_true (sr_store_remove_value (store, "doomed", &error));
  g_assert_no_error (error);

  value = sr_store_get_value (store, "missing", &error);
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_true (sr_store_save_position (store, "title-a", 61000, 5400000, &error));
  g_assert_no_error (error);
  g_assert_true (sr_store_save_position (store, "title-a", 125500, 5400000, &error));
  g_assert_true (sr_store_save_position (store, "title-b", 0, 0, &error));
  g_assert_true (sr_store_save_position (store, "title-c", 1, 2, &error));
  g_assert_true (sr_store_forget_position (store, "title-c", &error));
  g_assert_no_error (error);

  g_assert_false (sr_store_lookup_position (store, "never-watched", &position, &duration, &error));
  g_assert_no_error (error);

  /* Everything must come back from the file, not from memory. */
  g_clear_object (&store);
  store = sr_store_open (fixture->path, &error);
  g_assert_no_error (error);

  value = sr_store_get_value (store, "network", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "sepolia");
  g_clear_pointer (&value, g_free);
  value = sr_store_get_value (store, "greeting", &error);
  g_assert_cmpstr (value, ==, "¡hola, ünïcödé!");
  g_clear_pointer (&value, g_free);
  value = sr_store_get_value (store, "doomed", &error);
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_true (sr_store_lookup_position (store, "title-a", &position, &duration, &error));
  g_assert_no_error (error);
  g_assert_cmpint (position, ==, 125500);
  g_assert_cmpint (duration, ==, 5400000);
  g_assert_true (sr_store_lookup_position (store, "title-b", &position, &duration, &error));
  g_assert_cmpint (position, ==, 0);
  g_assert_cmpint (duration, ==, 0);
  g_assert_false (sr_store_lookup_position (store, "title-c", &position, &duration, &error));
  g_assert_no_error (error);
}

/* A damaged file must be reported, named, and left byte for byte as it was
 * (the user may want to rescue it), without side files. */
static void
assert_open_refused_untouched (Fixture    *fixture,
                               int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autofree char *before = file_sha256 (fixture->path);
  g_autofree char *listing_before = list_dir (fixture->dir);
  g_autofree char *after = NULL;
  g_autofree char *listing_after = NULL;

  store = sr_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, SR_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_assert_nonnull (strstr (error->message, "untouched"));

  after = file_sha256 (fixture->path);
  g_assert_cmpstr (before, ==, after);
  listing_after = list_dir (fixture->dir);
  g_assert_cmpstr (listing_before, ==, listing_after);
}

static void
test_corrupt_pages (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *contents = NULL;
  g_autofree char *filler = g_strnfill (300, 'v');
  gsize length = 0;
  gsize page_size = 4096;
  gsize first, n_pages;

  store = sr_store_open (fixture->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *key = g_strdup_printf ("key-%05u", i);
      g_assert_true (sr_store_set_value (store, key, filler, &error));
      g_assert_no_error (error);
    }
  g_clear_object (&store);

  g_file_get_contents (fixture->path, &contents, &length, &error);
  g_assert_no_error (error);
  n_pages = length / page_size;
  g_assert_cmpuint (n_pages, >, 50);

  /* Garbage over a few pages in the middle of the table. */
  first = n_pages / 2;
  for (gsize i = first * page_size; i < (first + 3) * page_size; i++)
    contents[i] = (char) g_rand_int_range (rand, 0, 256);
  g_file_set_contents (fixture->path, contents, length, &error);
  g_assert_no_error (error);

  assert_open_refused_untouched (fixture, SR_STORE_ERROR_CORRUPT);
}

static void
test_not_a_database (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < 500; i++)
    g_string_append (text, "These are someone's notes, not a database.\n");
  g_file_set_contents (fixture->path, text->str, text->len, &error);
  g_assert_no_error (error);

  assert_open_refused_untouched (fixture, SR_STORE_ERROR_CORRUPT);
}

static void
test_too_new (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autofree char *journal_mode = NULL;

  raw_exec (fixture->path,
            "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE future_things (x BLOB);"
            "INSERT INTO kv VALUES ('network', 'mainnet');"
            "PRAGMA user_version = 999;");

  assert_open_refused_untouched (fixture, SR_STORE_ERROR_TOO_NEW);

  store = sr_store_open (fixture->path, &error);
  g_assert_error (error, SR_STORE_ERROR, SR_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of Seedreel"));

  /* Still the rollback journal it was written with. */
  journal_mode = raw_query_text (fixture->path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal_mode, ==, "delete");
}

static void
test_migrate_from_v1 (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autofree char *value = NULL;
  gint64 position = -1, duration = -1;

  /* What the first schema looked like on disk. */
  raw_exec (fixture->path,
            "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO kv VALUES ('network', 'devnet');"
            "PRAGMA user_version = 1;");

  store = sr_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_store_get_schema_version (store), ==, sr_store_get_latest_schema_version ());

  value = sr_store_get_value (store, "network", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "devnet");

  g_assert_true (sr_store_save_position (store, "title-a", 5000, 60000, &error));
  g_assert_no_error (error);
  g_assert_true (sr_store_lookup_position (store, "title-a", &position, &duration, &error));
  g_assert_cmpint (position, ==, 5000);
  g_assert_cmpint (duration, ==, 60000);
}

/* SQLite reads its options from a URI: no character of a file name may
 * be taken for one. */
static void
test_odd_file_name (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "my library?mode=ro#1%20.db", NULL);
  g_autofree char *value = NULL;

  store = sr_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (sr_store_set_value (store, "k", "v", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  store = sr_store_open (path, &error);
  g_assert_no_error (error);
  value = sr_store_get_value (store, "k", &error);
  g_assert_cmpstr (value, ==, "v");
  g_clear_object (&store);
  g_unlink (path);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, length, &error);
  g_assert_no_error (error);
}

/* After a crash the newest commits live only in the -wal file beside the
 * database: the check at open must read them, and nothing may be lost. */
static void
test_after_crash (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autoptr(SrStore) recovered = NULL;
  g_autofree char *crashed = g_build_filename (fixture->dir, "crashed.db", NULL);
  g_autofree char *crashed_wal = g_strconcat (crashed, "-wal", NULL);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *value = NULL;
  gint64 position = -1, duration = -1;

  store = sr_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (sr_store_set_value (store, "network", "devnet", &error));
  g_assert_true (sr_store_save_position (store, "title-a", 7000, 8000, &error));
  g_assert_no_error (error);

  /* A snapshot of the files while the store is still open is what a
   * power cut leaves behind. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  copy_file (fixture->path, crashed);
  copy_file (wal, crashed_wal);

  recovered = sr_store_open (crashed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_store_get_schema_version (recovered), ==, sr_store_get_latest_schema_version ());
  value = sr_store_get_value (recovered, "network", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "devnet");
  g_assert_true (sr_store_lookup_position (recovered, "title-a", &position, &duration, &error));
  g_assert_cmpint (position, ==, 7000);
}

typedef struct {
  GMainLoop *loop;
  GThread *main_thread;
  SrStore *store;
  GError *error;
  gboolean found;
  gint64 position_ms;
  gint64 duration_ms;
} AsyncState;

static void
lookup_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *state = user_data;

  g_assert_true (g_thread_self () == state->main_thread);
  state->found = sr_store_lookup_position_finish (SR_STORE (object), result,
                                                  &state->position_ms, &state->duration_ms,
                                                  &state->error);
  g_main_loop_quit (state->loop);
}

static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncState *state = user_data;

  g_assert_true (g_thread_self () == state->main_thread);
  if (!sr_store_save_position_finish (SR_STORE (object), result, &state->error))
    {
      g_main_loop_quit (state->loop);
      return;
    }
  sr_store_lookup_position_async (state->store, "title-async", NULL, lookup_done, state);
}

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncState *state = user_data;

  g_assert_null (object);
  g_assert_true (g_thread_self () == state->main_thread);
  state->store = sr_store_open_finish (result, &state->error);
  if (state->store == NULL)
    {
      g_main_loop_quit (state->loop);
      return;
    }
  sr_store_save_position_async (state->store, "title-async", 42000, 90000, NULL, save_done, state);
}

static void
not_found_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncState *state = user_data;

  state->found = sr_store_lookup_position_finish (SR_STORE (object), result,
                                                  &state->position_ms, &state->duration_ms,
                                                  &state->error);
  g_main_loop_quit (state->loop);
}

static void
corrupt_open_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AsyncState *state = user_data;
  SrStore *store = sr_store_open_finish (result, &state->error);

  g_assert_null (store);
  g_main_loop_quit (state->loop);
}

static void
test_async (Fixture       *fixture,
            gconstpointer  user_data)
{
  AsyncState state = { 0 };
  g_autofree char *other = g_build_filename (fixture->dir, "notes.txt", NULL);

  state.loop = g_main_loop_new (NULL, FALSE);
  state.main_thread = g_thread_self ();

  sr_store_open_async (fixture->path, NULL, open_done, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_nonnull (state.store);
  g_assert_true (state.found);
  g_assert_cmpint (state.position_ms, ==, 42000);
  g_assert_cmpint (state.duration_ms, ==, 90000);

  state.found = TRUE;
  sr_store_lookup_position_async (state.store, "never-watched", NULL, not_found_done, &state);
  g_main_loop_run (state.loop);
  g_assert_no_error (state.error);
  g_assert_false (state.found);

  /* Errors travel through the async path too. */
  g_file_set_contents (other, "not a database, just text that goes on for a while", -1, NULL);
  sr_store_open_async (other, NULL, corrupt_open_done, &state);
  g_main_loop_run (state.loop);
  g_assert_error (state.error, SR_STORE_ERROR, SR_STORE_ERROR_CORRUPT);
  g_clear_error (&state.error);

  g_clear_object (&state.store);
  g_main_loop_unref (state.loop);
}

#define N_THREADS 8
#define N_ROUNDS 200

static gpointer
hammer_thread (gpointer data)
{
  SrStore *store = data;
  static gint next_id = 0;
  guint id = (guint) g_atomic_int_add (&next_id, 1);

  for (guint i = 0; i < N_ROUNDS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("thread-%u-%u", id, i);
      g_autofree char *title = g_strdup_printf ("title-%u", id);
      g_autofree char *value = NULL;
      gint64 position = -1, duration = -1;

      g_assert_true (sr_store_set_value (store, key, key, &error));
      g_assert_no_error (error);
      value = sr_store_get_value (store, key, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (value, ==, key);

      /* Only this thread writes this title, so it must read back its own write. */
      g_assert_true (sr_store_save_position (store, title, i, N_ROUNDS, &error));
      g_assert_no_error (error);
      g_assert_true (sr_store_lookup_position (store, title, &position, &duration, &error));
      g_assert_no_error (error);
      g_assert_cmpint (position, ==, i);
      g_assert_cmpint (duration, ==, N_ROUNDS);
    }

  return NULL;
}

static void
test_threads (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrStore) store = NULL;
  GThread *threads[N_THREADS];
  g_autofree char *count = NULL;

  store = sr_store_open (fixture->path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("store-hammer", hammer_thread, store);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  g_clear_object (&store);

  count = raw_query_text (fixture->path, "SELECT count(*) FROM kv WHERE key LIKE 'thread-%'");
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), ==, N_THREADS * N_ROUNDS);
  g_clear_pointer (&count, g_free);
  count = raw_query_text (fixture->path, "SELECT sum(position_ms) FROM playback_positions");
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), ==, N_THREADS * (N_ROUNDS - 1));
}

static void
test_default_path (void)
{
  g_autofree char *path = sr_store_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "seedreel", "seedreel.db", NULL);
  GStatBuf st;

  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("seedreel-store-data-XXXXXX", NULL);
  g_autofree char *seedreel_dir = NULL;
  int status;

  /* Our own XDG_DATA_HOME rather than G_TEST_OPTION_ISOLATE_DIRS, whose
   * per-test copies of the XDG paths GLib never frees (noise under valgrind). */
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  seedreel_dir = g_build_filename (data_home, "seedreel", NULL);

  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("fresh", test_fresh);
  ADD ("unwritable-folder", test_unwritable_folder);
  ADD ("round-trip", test_round_trip);
  ADD ("corrupt-pages", test_corrupt_pages);
  ADD ("not-a-database", test_not_a_database);
  ADD ("too-new", test_too_new);
  ADD ("migrate-from-v1", test_migrate_from_v1);
  ADD ("odd-file-name", test_odd_file_name);
  ADD ("after-crash", test_after_crash);
  ADD ("async", test_async);
  ADD ("threads", test_threads);
#undef ADD
  g_test_add_func ("/store/default-path", test_default_path);

  status = g_test_run ();

  g_rmdir (seedreel_dir);
  g_rmdir (data_home);

  return status;
}

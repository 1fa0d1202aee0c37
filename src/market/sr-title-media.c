/* sr-title-media.c: fetching a title's poster and info.json from its
 * torrent (see sr-title-media.h). */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "market/sr-title-media.h"

#define INFO_NAME "info.json"
#define DEFAULT_POSTER_NAME "poster.jpg"
/* Anything larger is not a poster or an info.json worth showing. */
#define MAX_POSTER_BYTES (16 * 1024 * 1024)
#define MAX_INFO_BYTES (1024 * 1024)
/* Marks a torrent this object added only for the media. */
#define MEDIA_TORRENT_KEY "sr-title-media"
/* Set on a torrent by the key exchange: someone is watching it. */
#define KEY_EXCHANGE_KEY "sr-key-exchange"

struct _SrTitleMedia
{
  GObject parent_instance;

  SrTorrentSession *session;
  char *cache_dir;
  guint timeout_s;
  GHashTable *fetches;       /* infohash → Fetch */
  GHashTable *gave_up;       /* infohash → monotonic µs of the give-up */
  GHashTable *retries;       /* infohash → Retry */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (SrTitleMedia, sr_title_media, G_TYPE_OBJECT)

enum {
  SIGNAL_FETCHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  SrTitleMedia *self;        /* unowned: the fetch lives in its table */
  char *infohash;
  char *poster_name;
  SrTorrent *torrent;
  gboolean owned;            /* added by us, for the media alone */
  gboolean claimed;          /* a title was bought meanwhile: it is about to be watched */
  GPtrArray *titles;         /* SrCatalogTitle waiting for it */
  int poster_index, info_index;
  gboolean copying;
  gboolean finishing;       /* removing our torrent re-enters through ::torrent-removed */
  guint timeout_id;
  guint poll_id;
} Fetch;

/* A title whose fetch gave up is asked for again a while later: a creator
 * or a seeder may have come online. */
typedef struct {
  SrTitleMedia *self;        /* unowned: the retry lives in its table */
  char *infohash;
  GPtrArray *titles;
  guint source_id;
} Retry;

static void
retry_free (Retry *retry)
{
  g_clear_handle_id (&retry->source_id, g_source_remove);
  g_ptr_array_unref (retry->titles);
  g_free (retry->infohash);
  g_free (retry);
}

static gboolean
retry_cb (gpointer user_data)
{
  Retry *retry = user_data;
  SrTitleMedia *self = retry->self;
  g_autoptr(GPtrArray) titles = g_ptr_array_ref (retry->titles);

  retry->source_id = 0;
  g_hash_table_remove (self->gave_up, retry->infohash);
  g_hash_table_remove (self->retries, retry->infohash);
  for (guint i = 0; i < titles->len; i++)
    sr_title_media_request (self, titles->pdata[i]);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (SrTitleMedia *self,
                const char   *infohash,
                GPtrArray    *titles)
{
  Retry *retry;

  if (titles->len == 0 || g_hash_table_contains (self->retries, infohash))
    return;
  retry = g_new0 (Retry, 1);
  retry->self = self;
  retry->infohash = g_strdup (infohash);
  retry->titles = g_ptr_array_ref (titles);
  retry->source_id = g_timeout_add_seconds (self->timeout_s, retry_cb, retry);
  g_hash_table_insert (self->retries, g_strdup (infohash), retry);
}

static void
fetch_free (Fetch *fetch)
{
  g_clear_handle_id (&fetch->timeout_id, g_source_remove);
  g_clear_handle_id (&fetch->poll_id, g_source_remove);
  if (fetch->torrent != NULL)
    g_signal_handlers_disconnect_by_data (fetch->torrent, fetch);
  g_clear_object (&fetch->torrent);
  for (guint i = 0; fetch->titles != NULL && i < fetch->titles->len; i++)
    g_signal_handlers_disconnect_by_data (fetch->titles->pdata[i], fetch);
  g_clear_pointer (&fetch->titles, g_ptr_array_unref);
  g_free (fetch->infohash);
  g_free (fetch->poster_name);
  g_free (fetch);
}

static char *
title_dir (SrTitleMedia *self,
           const char   *infohash)
{
  return g_build_filename (self->cache_dir, infohash, NULL);
}

/* Hands what the cache holds for @infohash to @title. TRUE when info.json
 * is there, which is written last: the fetch is complete. */
static gboolean
apply_cached (SrTitleMedia   *self,
              SrCatalogTitle *title)
{
  g_autofree char *dir = title_dir (self, sr_catalog_title_get_infohash (title));
  g_autofree char *poster = g_build_filename (dir, DEFAULT_POSTER_NAME, NULL);
  g_autofree char *info = g_build_filename (dir, INFO_NAME, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;

  if (g_file_test (poster, G_FILE_TEST_IS_REGULAR))
    sr_catalog_title_set_poster_path (title, poster);
  if (!g_file_get_contents (info, &text, &len, NULL))
    return FALSE;
  sr_catalog_title_apply_info (title, text, (gssize) len);
  return TRUE;
}

/* ---- handing the torrent back or removing it --------------------------- */

/* The torrent was taken over: the title was bought while its media came
 * in (its key and then its pieces are about to be asked for through this
 * very torrent), or the player is downloading it. */
static gboolean
fetch_adopted (Fetch *fetch)
{
  g_autoptr(GArray) progress = NULL;

  if (fetch->claimed || g_object_get_data (G_OBJECT (fetch->torrent), KEY_EXCHANGE_KEY) != NULL)
    return TRUE;
  if (!sr_torrent_get_has_metadata (fetch->torrent))
    return FALSE;
  progress = sr_torrent_get_file_progress (fetch->torrent);
  for (guint i = 0; progress != NULL && i < progress->len; i++)
    if ((int) i != fetch->poster_index && (int) i != fetch->info_index &&
        g_array_index (progress, guint64, i) > 0)
      {
        g_autofree char *path = sr_torrent_dup_file_path (fetch->torrent, i);

        /* A hybrid torrent's padding counts as had from the start. */
        if (path == NULL || (!g_str_has_prefix (path, ".pad/") && strstr (path, "/.pad/") == NULL))
          return TRUE;
      }
  return FALSE;
}

static void
release_torrent (Fetch *fetch)
{
  SrTitleMedia *self = fetch->self;
  g_autoptr(GError) error = NULL;

  if (!fetch->owned || fetch->torrent == NULL)
    return;
  fetch->owned = FALSE;
  g_object_set_data (G_OBJECT (fetch->torrent), MEDIA_TORRENT_KEY, NULL);
  if (fetch_adopted (fetch))
    {
      guint n = sr_torrent_get_n_files (fetch->torrent);
      const char *downloads = sr_torrent_session_get_download_dir (self->session);

      for (guint i = 0; i < n; i++)
        sr_torrent_set_file_priority (fetch->torrent, i, SR_FILE_PRIORITY_NORMAL, NULL);
      /* A title someone watches belongs with their downloads, not in the
       * poster cache (where removing it would lose it, or keep it hidden). */
      if (downloads != NULL && !sr_torrent_move_storage (fetch->torrent, downloads, &error))
        g_warning ("Could not move %s to the download folder: %s", fetch->infohash, error->message);
      return;
    }
  /* Only the cache's own download folder goes with it. */
  if (!sr_torrent_session_remove (self->session, fetch->torrent, TRUE, &error))
    g_debug ("Could not remove the media torrent of %s: %s", fetch->infohash, error->message);
}

static void
finish_fetch (Fetch    *fetch,
              gboolean  success)
{
  SrTitleMedia *self = fetch->self;
  g_autofree char *infohash = g_strdup (fetch->infohash);

  fetch->finishing = TRUE;
  release_torrent (fetch);
  if (success)
    {
      for (guint i = 0; i < fetch->titles->len; i++)
        apply_cached (self, fetch->titles->pdata[i]);
      g_hash_table_remove (self->gave_up, infohash);
    }
  else
    {
      g_hash_table_insert (self->gave_up, g_strdup (infohash),
                           g_memdup2 (&(gint64) { g_get_monotonic_time () }, sizeof (gint64)));
      schedule_retry (self, infohash, fetch->titles);
    }
  g_hash_table_remove (self->fetches, infohash);
  g_signal_emit (self, signals[SIGNAL_FETCHED], 0, infohash, success);
}

/* ---- copying into the cache -------------------------------------------- */

typedef struct {
  char *poster_src, *info_src, *dir;
} Copy;

static void
copy_free (Copy *copy)
{
  g_free (copy->poster_src);
  g_free (copy->info_src);
  g_free (copy->dir);
  g_free (copy);
}

static gboolean
copy_one (const char *src,
          const char *dir,
          const char *name,
          gsize       max,
          GError    **error)
{
  g_autofree char *data = NULL, *dst = NULL;
  gsize len = 0;

  if (!g_file_get_contents (src, &data, &len, error))
    return FALSE;
  if (len > max)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“%s” is too large (%zu bytes)"), name, len);
      return FALSE;
    }
  dst = g_build_filename (dir, name, NULL);
  return g_file_set_contents (dst, data, (gssize) len, error);
}

static void
copy_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Copy *copy = task_data;
  GError *error = NULL;

  if (g_mkdir_with_parents (copy->dir, 0700) != 0)
    {
      int saved = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               _("Could not create the folder “%s”: %s"), copy->dir, g_strerror (saved));
      return;
    }
  /* info.json last: its presence says the cache is complete. */
  if ((copy->poster_src != NULL &&
       !copy_one (copy->poster_src, copy->dir, DEFAULT_POSTER_NAME, MAX_POSTER_BYTES, &error)) ||
      !copy_one (copy->info_src, copy->dir, INFO_NAME, MAX_INFO_BYTES, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
copied_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SrTitleMedia *self = SR_TITLE_MEDIA (source);
  g_autofree char *infohash = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  Fetch *fetch;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  fetch = g_hash_table_lookup (self->fetches, infohash);
  if (fetch == NULL)
    return;
  if (!ok)
    g_warning ("Could not keep the poster and details of %s: %s", infohash, error->message);
  finish_fetch (fetch, ok);
}

static char *
file_source (Fetch *fetch,
             int    index)
{
  g_autofree char *rel = NULL;
  const char *save_path;

  if (index < 0)
    return NULL;
  save_path = sr_torrent_get_save_path (fetch->torrent);
  rel = sr_torrent_dup_file_path (fetch->torrent, (guint) index);
  if (save_path == NULL || rel == NULL)
    return NULL;
  return g_build_filename (save_path, rel, NULL);
}

/* ---- following the torrent --------------------------------------------- */

static gboolean
file_complete (Fetch   *fetch,
               GArray  *progress,
               int      index)
{
  if (index < 0)
    return TRUE;
  return progress != NULL && (guint) index < progress->len &&
         g_array_index (progress, guint64, index) >= sr_torrent_get_file_size (fetch->torrent, (guint) index);
}

/* The two files inside the torrent: the top folder's info.json and poster. */
static void
find_files (Fetch *fetch)
{
  guint n = sr_torrent_get_n_files (fetch->torrent);

  fetch->poster_index = fetch->info_index = -1;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = sr_torrent_dup_file_path (fetch->torrent, i);
      const char *slash = path != NULL ? strchr (path, '/') : NULL;
      const char *base = slash != NULL ? slash + 1 : path;

      if (base == NULL || strchr (base, '/') != NULL)
        continue;
      if (g_str_equal (base, INFO_NAME))
        fetch->info_index = (int) i;
      else if (g_str_equal (base, fetch->poster_name))
        fetch->poster_index = (int) i;
    }
}

static void
set_priorities (Fetch *fetch)
{
  guint n = sr_torrent_get_n_files (fetch->torrent);

  for (guint i = 0; i < n; i++)
    {
      gboolean media = (int) i == fetch->poster_index || (int) i == fetch->info_index;

      if (media)
        sr_torrent_set_file_priority (fetch->torrent, i, SR_FILE_PRIORITY_HIGH, NULL);
      else if (fetch->owned)
        sr_torrent_set_file_priority (fetch->torrent, i, SR_FILE_PRIORITY_SKIP, NULL);
    }
}

static void
check_fetch (Fetch *fetch)
{
  SrTitleMedia *self = fetch->self;
  g_autoptr(GArray) progress = NULL;
  GTask *task;
  Copy *copy;

  if (fetch->copying || !sr_torrent_get_has_metadata (fetch->torrent))
    return;
  if (fetch->info_index == -2)
    {
      find_files (fetch);
      if (fetch->info_index < 0)
        {
          g_warning ("Title %s has no %s in its torrent", fetch->infohash, INFO_NAME);
          finish_fetch (fetch, FALSE);
          return;
        }
      set_priorities (fetch);
      g_debug ("Fetching the poster (file %d) and info.json (file %d) of %s", fetch->poster_index,
               fetch->info_index, fetch->infohash);
    }
  progress = sr_torrent_get_file_progress (fetch->torrent);
  if (!file_complete (fetch, progress, fetch->info_index) || !file_complete (fetch, progress, fetch->poster_index))
    return;

  fetch->copying = TRUE;
  copy = g_new0 (Copy, 1);
  copy->poster_src = file_source (fetch, fetch->poster_index);
  copy->info_src = file_source (fetch, fetch->info_index);
  copy->dir = title_dir (self, fetch->infohash);
  task = g_task_new (self, self->cancellable, copied_cb, g_strdup (fetch->infohash));
  g_task_set_source_tag (task, check_fetch);
  g_task_set_task_data (task, copy, (GDestroyNotify) copy_free);
  if (copy->info_src == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The torrent has no folder on disk"));
  else
    g_task_run_in_thread (task, copy_thread);
  g_object_unref (task);
}

/* Besides the torrent's notifications: a piece verified after the last
 * bitfield change is seen here. */
static gboolean
fetch_poll_cb (gpointer user_data)
{
  check_fetch (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
fetch_timeout_cb (gpointer user_data)
{
  Fetch *fetch = user_data;

  fetch->timeout_id = 0;
  if (fetch->copying)
    return G_SOURCE_REMOVE;
  g_debug ("No poster for %s yet: no peer sent it in time", fetch->infohash);
  finish_fetch (fetch, FALSE);
  return G_SOURCE_REMOVE;
}

static void
torrent_removed_cb (SrTorrentSession *session,
                    SrTorrent        *torrent,
                    SrTitleMedia     *self)
{
  GHashTableIter iter;
  Fetch *fetch;

  g_hash_table_iter_init (&iter, self->fetches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &fetch))
    if (fetch->torrent == torrent && !fetch->copying && !fetch->finishing)
      {
        fetch->owned = FALSE;
        finish_fetch (fetch, FALSE);
        return;
      }
}

static void
title_purchased_cb (Fetch          *fetch,
                    GParamSpec     *pspec,
                    SrCatalogTitle *title)
{
  if (sr_catalog_title_get_purchased (title))
    fetch->claimed = TRUE;
}

static SrTorrent *
find_torrent (SrTitleMedia   *self,
              SrCatalogTitle *title)
{
  g_autoptr(GPtrArray) torrents = sr_torrent_session_list_torrents (self->session);
  const char *infohash = sr_catalog_title_get_infohash (title);

  for (guint i = 0; torrents != NULL && i < torrents->len; i++)
    {
      g_autofree char *v2 = sr_torrent_dup_info_hash_v2 (torrents->pdata[i]);

      if (v2 != NULL && g_ascii_strcasecmp (v2, infohash) == 0)
        return g_object_ref (torrents->pdata[i]);
    }
  return NULL;
}

static Fetch *
start_fetch (SrTitleMedia   *self,
             SrCatalogTitle *title)
{
  g_autoptr(GError) error = NULL;
  const char *infohash = sr_catalog_title_get_infohash (title);
  const char *poster = sr_catalog_title_get_poster_name (title);
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->self = self;
  fetch->infohash = g_strdup (infohash);
  fetch->poster_name = g_strdup (poster != NULL ? poster : DEFAULT_POSTER_NAME);
  fetch->titles = g_ptr_array_new_with_free_func (g_object_unref);
  fetch->info_index = -2;     /* not looked for yet */
  fetch->poster_index = -1;
  fetch->torrent = find_torrent (self, title);
  if (fetch->torrent == NULL)
    {
      g_autofree char *magnet = sr_catalog_title_dup_magnet (title);
      g_autofree char *dir = title_dir (self, infohash);
      g_autofree char *save_path = g_build_filename (dir, "download", NULL);
      SrTorrentAddOptions options = {
        .magnet = magnet, .save_path = save_path,
        /* Nothing but the two files: no byte of a rendition comes over. */
        .flags = SR_TORRENT_ADD_SKIP_FILES,
      };
      SrTorrent *torrent = sr_torrent_session_add (self->session, &options, &error);

      if (torrent == NULL)
        {
          g_warning ("Could not look for the poster of %s: %s", infohash, error->message);
          fetch_free (fetch);
          return NULL;
        }
      fetch->torrent = torrent;
      fetch->owned = TRUE;
      g_object_set_data (G_OBJECT (torrent), MEDIA_TORRENT_KEY, GINT_TO_POINTER (TRUE));
    }
  g_debug ("Looking for the poster of %s (%s torrent)", infohash, fetch->owned ? "a new" : "the existing");
  g_signal_connect_swapped (fetch->torrent, "notify::has-metadata", G_CALLBACK (check_fetch), fetch);
  g_signal_connect_swapped (fetch->torrent, "notify::have-pieces", G_CALLBACK (check_fetch), fetch);
  fetch->timeout_id = g_timeout_add_seconds (self->timeout_s, fetch_timeout_cb, fetch);
  fetch->poll_id = g_timeout_add_seconds (1, fetch_poll_cb, fetch);
  g_hash_table_insert (self->fetches, g_strdup (infohash), fetch);
  return fetch;
}

void
sr_title_media_request (SrTitleMedia   *self,
                        SrCatalogTitle *title)
{
  const char *infohash;
  gint64 *gave_up;
  Fetch *fetch;

  g_return_if_fail (SR_IS_TITLE_MEDIA (self));
  g_return_if_fail (SR_IS_CATALOG_TITLE (title));

  infohash = sr_catalog_title_get_infohash (title);
  if (infohash == NULL || strlen (infohash) != 64 || apply_cached (self, title))
    return;
  fetch = g_hash_table_lookup (self->fetches, infohash);
  if (fetch == NULL)
    {
      gave_up = g_hash_table_lookup (self->gave_up, infohash);
      if (gave_up != NULL && g_get_monotonic_time () - *gave_up < (gint64) self->timeout_s * G_USEC_PER_SEC)
        {
          Retry *retry = g_hash_table_lookup (self->retries, infohash);

          if (retry != NULL && !g_ptr_array_find (retry->titles, title, NULL))
            g_ptr_array_add (retry->titles, g_object_ref (title));
          return;
        }
      fetch = start_fetch (self, title);
      if (fetch == NULL)
        return;
    }
  for (guint i = 0; i < fetch->titles->len; i++)
    if (fetch->titles->pdata[i] == title)
      return;
  g_ptr_array_add (fetch->titles, g_object_ref (title));
  g_signal_connect_swapped (title, "notify::purchased", G_CALLBACK (title_purchased_cb), fetch);
  check_fetch (fetch);
}

void
sr_title_media_claim (SrTitleMedia   *self,
                      SrCatalogTitle *title)
{
  Fetch *fetch;

  g_return_if_fail (SR_IS_TITLE_MEDIA (self));
  g_return_if_fail (SR_IS_CATALOG_TITLE (title));

  fetch = g_hash_table_lookup (self->fetches, sr_catalog_title_get_infohash (title));
  if (fetch != NULL)
    fetch->claimed = TRUE;
}

gboolean
sr_title_media_is_fetching (SrTitleMedia *self,
                            const char   *infohash)
{
  g_return_val_if_fail (SR_IS_TITLE_MEDIA (self), FALSE);
  return infohash != NULL && g_hash_table_contains (self->fetches, infohash);
}

gboolean
sr_title_media_is_media_torrent (SrTorrent *torrent)
{
  g_return_val_if_fail (SR_IS_TORRENT (torrent), FALSE);
  return g_object_get_data (G_OBJECT (torrent), MEDIA_TORRENT_KEY) != NULL;
}

const char *
sr_title_media_get_cache_dir (SrTitleMedia *self)
{
  g_return_val_if_fail (SR_IS_TITLE_MEDIA (self), NULL);
  return self->cache_dir;
}

void
sr_title_media_set_timeout (SrTitleMedia *self,
                            guint         seconds)
{
  g_return_if_fail (SR_IS_TITLE_MEDIA (self));
  self->timeout_s = MAX (seconds, 1);
}

SrTitleMedia *
sr_title_media_new (SrTorrentSession *session,
                    const char       *cache_dir)
{
  SrTitleMedia *self;

  g_return_val_if_fail (SR_IS_TORRENT_SESSION (session), NULL);

  self = g_object_new (SR_TYPE_TITLE_MEDIA, NULL);
  self->session = g_object_ref (session);
  self->cache_dir = cache_dir != NULL ? g_strdup (cache_dir)
                                      : g_build_filename (g_get_user_cache_dir (), "seedreel", "title-media", NULL);
  g_signal_connect_object (session, "torrent-removed", G_CALLBACK (torrent_removed_cb), self, 0);
  return self;
}

static void
sr_title_media_dispose (GObject *object)
{
  SrTitleMedia *self = SR_TITLE_MEDIA (object);

  g_cancellable_cancel (self->cancellable);
  if (self->fetches != NULL)
    {
      GHashTableIter iter;
      Fetch *fetch;

      /* The torrents added for the media alone go with this object. */
      if (self->session != NULL)
        g_signal_handlers_disconnect_by_data (self->session, self);
      g_hash_table_iter_init (&iter, self->fetches);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &fetch))
        release_torrent (fetch);
    }
  g_clear_pointer (&self->fetches, g_hash_table_unref);
  g_clear_pointer (&self->retries, g_hash_table_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sr_title_media_parent_class)->dispose (object);
}

static void
sr_title_media_finalize (GObject *object)
{
  SrTitleMedia *self = SR_TITLE_MEDIA (object);

  g_clear_pointer (&self->gave_up, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_free (self->cache_dir);

  G_OBJECT_CLASS (sr_title_media_parent_class)->finalize (object);
}

static void
sr_title_media_class_init (SrTitleMediaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_title_media_dispose;
  object_class->finalize = sr_title_media_finalize;

  /* (infohash, success): a fetch ended; on success the titles that asked
   * have their poster and details. */
  signals[SIGNAL_FETCHED] = g_signal_new ("fetched", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
sr_title_media_init (SrTitleMedia *self)
{
  self->timeout_s = SR_TITLE_MEDIA_DEFAULT_TIMEOUT_S;
  self->fetches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) fetch_free);
  self->gave_up = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->retries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) retry_free);
  self->cancellable = g_cancellable_new ();
}

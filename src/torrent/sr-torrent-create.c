/* sr-torrent-create.c: a .torrent from a file or folder. Hashing runs on a
 * worker thread; progress is posted back to the caller's main context and
 * cancellation stops the hashing loop. */

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "torrent/lt/sr-lt.h"
#include "torrent/sr-torrent-create.h"
#include "torrent/sr-torrent-private.h"

typedef struct {
  char *path;
  SrTorrentCreateFlags flags;
  GStrv trackers;
  SrTorrentCreateProgress progress;
  gpointer progress_data;
  GMainContext *context;
  GCancellable *cancellable;
  guint last_percent;
} CreateData;

typedef struct {
  SrTorrentCreateProgress progress;
  gpointer progress_data;
  guint done, total;
} ProgressReport;

static void
create_data_free (CreateData *data)
{
  g_free (data->path);
  g_strfreev (data->trackers);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_clear_object (&data->cancellable);
  g_free (data);
}

/* Aim for about 1500 pieces: few enough for a small .torrent, small enough
 * that a stream's first piece arrives quickly. Powers of two, as v2 needs. */
guint
sr_torrent_piece_length_for_size (guint64 total_size)
{
  guint64 target = total_size / 1500;
  guint length = 16 * 1024;

  while (length < target && length < 16 * 1024 * 1024)
    length *= 2;
  return length;
}

static guint64
path_size (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  guint64 disk = 0, dirs = 0, files = 0;

  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
      return info ? (guint64) g_file_info_get_size (info) : 0;
    }
  if (!g_file_measure_disk_usage (file, G_FILE_MEASURE_APPARENT_SIZE, NULL, NULL, NULL,
                                  &disk, &dirs, &files, NULL))
    return 0;
  return disk;
}

static gboolean
report_progress_idle (gpointer user_data)
{
  ProgressReport *r = user_data;

  r->progress (r->done, r->total, r->progress_data);
  return G_SOURCE_REMOVE;
}

static bool
on_hash_progress (int done, int total, void *user_data)
{
  CreateData *data = user_data;

  if (g_cancellable_is_cancelled (data->cancellable))
    return false;
  if (data->progress != NULL && total > 0)
    {
      guint percent = (guint) ((guint64) done * 100 / (guint) total);

      if (percent != data->last_percent || done == total)
        {
          ProgressReport *r = g_new (ProgressReport, 1);

          data->last_percent = percent;
          r->progress = data->progress;
          r->progress_data = data->progress_data;
          r->done = (guint) done;
          r->total = (guint) total;
          g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT,
                                      report_progress_idle, r, g_free);
        }
    }
  return true;
}

static GBytes *
create_torrent (CreateData *data, GError **error)
{
  SrLtError err;
  size_t len = 0;
  guint8 *bytes;
  guint piece_length;

  if (!g_file_test (data->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_IO,
                   _("“%s” does not exist"), data->path);
      return NULL;
    }
  piece_length = sr_torrent_piece_length_for_size (path_size (data->path));
  bytes = sr_lt_create_torrent (data->path, (data->flags & SR_TORRENT_CREATE_V1_ONLY) != 0,
                                (int) piece_length, (const char *const *) data->trackers,
                                on_hash_progress, data, &len, &err);
  if (bytes == NULL)
    {
      _sr_torrent_set_error (error, &err);
      if (err.code != SR_LT_ERR_CANCELLED)
        g_prefix_error (error, _("Could not create a torrent from “%s”: "), data->path);
      return NULL;
    }
  return g_bytes_new_with_free_func (bytes, len, free, bytes);
}

static void
create_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *bytes = create_torrent (task_data, &error);

  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
sr_torrent_create_async (const char *path, SrTorrentCreateFlags flags,
                         const char *const *trackers, SrTorrentCreateProgress progress, gpointer progress_data,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  CreateData *data;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_torrent_create_async);
  data = g_new0 (CreateData, 1);
  data->path = g_strdup (path);
  data->flags = flags;
  data->trackers = g_strdupv ((char **) trackers);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  data->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  data->last_percent = G_MAXUINT;
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);
  g_task_run_in_thread (task, create_thread);
}

GBytes *
sr_torrent_create_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GBytes *
sr_torrent_create_sync (const char *path, SrTorrentCreateFlags flags,
                        const char *const *trackers, GCancellable *cancellable, GError **error)
{
  CreateData data = { 0 };

  data.path = (char *) path;
  data.flags = flags;
  data.trackers = (GStrv) trackers;
  data.cancellable = cancellable;
  return create_torrent (&data, error);
}

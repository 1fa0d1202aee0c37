/* sr-stream-reader.c: reads from a torrent's file as pieces are verified.
 *
 * libtorrent's mmap storage creates every file at full size, sparse, so a
 * byte on disk means nothing until its piece passes the hash check: every
 * read is gated on have_piece, then served with pread (the data is on disk
 * as soon as the piece is verified). Ahead of the reader a slow-start window
 * of piece deadlines (256 KiB after an open or a seek, doubling to 4 MiB)
 * gets the next bytes first without starving the very first piece. Waiting
 * readers are woken by piece-finished alerts relayed from the main thread,
 * by cancellation, and, as a fallback, by a timed wait. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <unistd.h>

#include "torrent/sr-stream-reader.h"
#include "torrent/sr-torrent-private.h"

#define WINDOW_MIN (256 * 1024)
#define WINDOW_MAX (4 * 1024 * 1024)
#define DEADLINE_STEP_MS 100
#define FALLBACK_WAIT_US (250 * G_TIME_SPAN_MILLISECOND)

/* Shared between the reader and the signal/cancellable callbacks, which may
 * run while the reader is going away: reference-counted on its own. */
typedef struct {
  GMutex mutex;
  GCond cond;
  guint64 generation;
} Waker;

struct _SrStreamReader
{
  GObject parent_instance;

  SrTorrent *torrent;
  SrLtTorrent *handle;
  Waker *waker;
  gulong piece_handler;

  char *path;
  int fd;
  guint64 size;
  guint64 file_offset;      /* where the file starts in the torrent */
  guint64 piece_length;
  int n_pieces;

  /* Deadline window, in pieces; -1 when none is set. */
  int window_first;
  int window_last;
  guint64 window_bytes;
  guint64 next_offset;
};

G_DEFINE_TYPE (SrStreamReader, sr_stream_reader, G_TYPE_OBJECT)

static void
waker_clear (Waker *waker)
{
  g_mutex_clear (&waker->mutex);
  g_cond_clear (&waker->cond);
}

static Waker *
waker_ref (Waker *waker)
{
  return g_atomic_rc_box_acquire (waker);
}

static void
waker_unref (gpointer waker)
{
  g_atomic_rc_box_release_full (waker, (GDestroyNotify) waker_clear);
}

static void
waker_wake (Waker *waker)
{
  g_mutex_lock (&waker->mutex);
  waker->generation++;
  g_cond_broadcast (&waker->cond);
  g_mutex_unlock (&waker->mutex);
}

static guint64
waker_generation (Waker *waker)
{
  guint64 g;

  g_mutex_lock (&waker->mutex);
  g = waker->generation;
  g_mutex_unlock (&waker->mutex);
  return g;
}

/* Waits until something happened after @seen, or the fallback timeout. */
static void
waker_wait (Waker *waker, guint64 seen)
{
  gint64 end = g_get_monotonic_time () + FALLBACK_WAIT_US;

  g_mutex_lock (&waker->mutex);
  while (waker->generation == seen)
    if (!g_cond_wait_until (&waker->cond, &waker->mutex, end))
      break;
  g_mutex_unlock (&waker->mutex);
}

static void
on_piece_finished (SrTorrent *torrent, int piece, gpointer user_data)
{
  waker_wake (user_data);
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  waker_wake (user_data);
}

static void
disconnect_handler (gpointer user_data, GClosure *closure)
{
  waker_unref (user_data);
}

SrStreamReader *
sr_stream_reader_new (SrTorrent *torrent, guint file_index, GError **error)
{
  g_autoptr(SrStreamReader) self = NULL;
  g_autofree char *save_path = NULL;
  SrLtTorrent *handle;
  SrLtFile file;

  g_return_val_if_fail (SR_IS_TORRENT (torrent), NULL);

  handle = _sr_torrent_get_handle (torrent);
  if (!sr_lt_torrent_has_metadata (handle))
    {
      g_set_error_literal (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_NO_METADATA,
                           _("The torrent’s file list has not arrived yet"));
      return NULL;
    }
  if (!sr_lt_torrent_file (handle, (int) file_index, &file) || file.pad)
    {
      free (file.path);
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID,
                   _("The torrent has no file number %u"), file_index);
      return NULL;
    }

  self = g_object_new (SR_TYPE_STREAM_READER, NULL);
  self->torrent = g_object_ref (torrent);
  self->handle = sr_lt_torrent_dup (handle);
  save_path = sr_lt_torrent_save_path (handle);
  self->path = g_build_filename (save_path, file.path, NULL);
  free (file.path);
  self->size = (guint64) file.size;
  self->file_offset = (guint64) file.offset;
  self->piece_length = (guint64) sr_lt_torrent_piece_length (handle);
  self->n_pieces = sr_lt_torrent_num_pieces (handle);

  self->piece_handler = g_signal_connect_data (torrent, "piece-finished",
                                               G_CALLBACK (on_piece_finished),
                                               waker_ref (self->waker),
                                               disconnect_handler, 0);
  /* Playback wants the file in order; deadlines handle the jumps. */
  sr_lt_torrent_set_sequential (self->handle, true);
  return g_steal_pointer (&self);
}

guint64
sr_stream_reader_get_size (SrStreamReader *self)
{
  g_return_val_if_fail (SR_IS_STREAM_READER (self), 0);
  return self->size;
}

const char *
sr_stream_reader_get_path (SrStreamReader *self)
{
  g_return_val_if_fail (SR_IS_STREAM_READER (self), NULL);
  return self->path;
}

static int
piece_at (SrStreamReader *self, guint64 offset)
{
  return (int) ((self->file_offset + offset) / self->piece_length);
}

static void
reset_window (SrStreamReader *self)
{
  for (int p = self->window_first; p >= 0 && p <= self->window_last; p++)
    if (!sr_lt_torrent_have_piece (self->handle, p))
      sr_lt_torrent_reset_piece_deadline (self->handle, p);
  self->window_first = self->window_last = -1;
}

static void
update_window (SrStreamReader *self, guint64 offset)
{
  guint64 end;
  int first, last;

  if (offset != self->next_offset || self->window_first < 0)
    {
      /* A jump: the old window's pieces are no longer urgent. */
      if (self->window_first >= 0)
        reset_window (self);
      self->window_bytes = WINDOW_MIN;
    }
  else if (piece_at (self, offset) != piece_at (self, self->next_offset > 0 ? self->next_offset - 1 : 0))
    self->window_bytes = MIN (self->window_bytes * 2, WINDOW_MAX);

  end = MIN (offset + self->window_bytes, self->size);
  first = piece_at (self, offset);
  last = piece_at (self, end > offset ? end - 1 : offset);
  last = MIN (last, self->n_pieces - 1);

  for (int p = first; p <= last; p++)
    {
      if (self->window_first >= 0 && p >= self->window_first && p <= self->window_last)
        continue;
      if (!sr_lt_torrent_have_piece (self->handle, p))
        sr_lt_torrent_set_piece_deadline (self->handle, p, (p - first) * DEADLINE_STEP_MS);
    }
  if (self->window_first < 0 || first < self->window_first)
    self->window_first = first;
  self->window_last = MAX (self->window_last, last);
}

static gboolean
wait_for_piece (SrStreamReader *self, int piece, GCancellable *cancellable, GError **error)
{
  for (;;)
    {
      guint64 seen = waker_generation (self->waker);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!sr_lt_torrent_is_valid (self->handle))
        {
          g_set_error_literal (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_REMOVED,
                               _("The torrent was removed while it was being read"));
          return FALSE;
        }
      if (sr_lt_torrent_have_piece (self->handle, piece))
        return TRUE;
      waker_wait (self->waker, seen);
    }
}

gssize
sr_stream_reader_read (SrStreamReader *self, guint64 offset, void *buffer, gsize len,
                       GCancellable *cancellable, GError **error)
{
  gulong cancel_id = 0;
  guint64 available_end;
  gsize want, done = 0;
  int piece;
  gboolean ok;

  g_return_val_if_fail (SR_IS_STREAM_READER (self), -1);
  g_return_val_if_fail (buffer != NULL || len == 0, -1);

  if (offset >= self->size || len == 0)
    return 0;
  want = (gsize) MIN ((guint64) len, self->size - offset);
  piece = piece_at (self, offset);

  update_window (self, offset);

  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                       waker_ref (self->waker), waker_unref);
  ok = wait_for_piece (self, piece, cancellable, error);
  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);
  if (!ok)
    return -1;

  /* Serve everything verified from here on, within the request. */
  available_end = ((guint64) piece + 1) * self->piece_length - self->file_offset;
  while (available_end < offset + want && piece + 1 < self->n_pieces
         && sr_lt_torrent_have_piece (self->handle, piece + 1))
    {
      piece++;
      available_end += self->piece_length;
    }
  want = (gsize) MIN ((guint64) want, available_end - offset);

  if (self->fd < 0)
    {
      self->fd = open (self->path, O_RDONLY | O_CLOEXEC);
      if (self->fd < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not open “%s”: %s"), self->path, g_strerror (saved));
          return -1;
        }
    }

  while (done < want)
    {
      ssize_t n = pread (self->fd, (char *) buffer + done, want - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not read “%s”: %s"), self->path, g_strerror (saved));
          return -1;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }

  self->next_offset = offset + done;
  return (gssize) done;
}

static void
sr_stream_reader_dispose (GObject *object)
{
  SrStreamReader *self = SR_STREAM_READER (object);

  if (self->torrent != NULL && self->piece_handler != 0)
    g_signal_handler_disconnect (self->torrent, self->piece_handler);
  self->piece_handler = 0;
  if (self->handle != NULL && self->window_first >= 0)
    reset_window (self);
  g_clear_object (&self->torrent);

  G_OBJECT_CLASS (sr_stream_reader_parent_class)->dispose (object);
}

static void
sr_stream_reader_finalize (GObject *object)
{
  SrStreamReader *self = SR_STREAM_READER (object);

  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->handle, sr_lt_torrent_free);
  g_clear_pointer (&self->waker, waker_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (sr_stream_reader_parent_class)->finalize (object);
}

static void
sr_stream_reader_class_init (SrStreamReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_stream_reader_dispose;
  object_class->finalize = sr_stream_reader_finalize;
}

static void
sr_stream_reader_init (SrStreamReader *self)
{
  self->fd = -1;
  self->window_first = self->window_last = -1;
  self->waker = g_atomic_rc_box_new0 (Waker);
  g_mutex_init (&self->waker->mutex);
  g_cond_init (&self->waker->cond);
}

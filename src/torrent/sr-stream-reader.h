/* sr-stream-reader.h: blocking, cancellable byte-range reads from one file
 * of a torrent while it downloads. Meant for a streaming thread: never call
 * sr_stream_reader_read() on the main thread, it waits for pieces that the
 * main thread's alert handling announces. */
#pragma once

#include <gio/gio.h>

#include "torrent/sr-torrent-types.h"

G_BEGIN_DECLS

#define SR_TYPE_STREAM_READER (sr_stream_reader_get_type ())
G_DECLARE_FINAL_TYPE (SrStreamReader, sr_stream_reader, SR, STREAM_READER, GObject)

SrStreamReader *sr_stream_reader_new        (SrTorrent  *torrent,
                                             guint       file_index,
                                             GError    **error);
guint64         sr_stream_reader_get_size   (SrStreamReader *self);
const char     *sr_stream_reader_get_path   (SrStreamReader *self);

/* Reads up to @len verified bytes at @offset, waiting until at least one
 * is verified. Returns 0 at end of file, -1 with @error set on failure
 * (G_IO_ERROR_CANCELLED when @cancellable fires). */
gssize          sr_stream_reader_read       (SrStreamReader  *self,
                                             guint64          offset,
                                             void            *buffer,
                                             gsize            len,
                                             GCancellable    *cancellable,
                                             GError         **error);

G_END_DECLS

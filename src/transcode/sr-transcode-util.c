/* sr-transcode-util.c: GStreamer set-up and MP4 box reading shared by the
 * ladder encoder and the output checks. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sr-transcode-error.h"
#include "sr-transcode-private.h"

void
_sr_transcode_ensure_gst (void)
{
  /* gst_init() is idempotent and locked; callers may be on any thread. */
  gst_init (NULL, NULL);
}

GstElement *
_sr_transcode_make_element (const gchar  *factory,
                            const gchar  *name,
                            GError      **error)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (element == NULL)
    g_set_error (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_MISSING_ELEMENT,
                 _("The GStreamer element “%s” is missing; install the GStreamer plugin that provides it"),
                 factory);
  return element;
}

/* Walks the top-level boxes. A fast-start MP4 has its moov before the first
 * mdat, so a player can start before the whole file has arrived. */
gboolean
_sr_transcode_read_mp4_layout (GFile     *file,
                               gboolean  *has_moov,
                               gboolean  *moov_before_mdat,
                               GError   **error)
{
  g_autoptr(GFileInputStream) in = NULL;
  gboolean moov_seen = FALSE;
  gboolean mdat_seen = FALSE;
  gboolean moov_first = FALSE;
  goffset offset = 0;

  in = g_file_read (file, NULL, error);
  if (in == NULL)
    return FALSE;

  /* Real files have a handful of top-level boxes; the cap keeps a file made
   * of millions of empty boxes from costing millions of reads. */
  for (guint boxes = 0; boxes < 4096 && !(moov_seen && mdat_seen); boxes++)
    {
      guint8 header[16];
      gsize got = 0;
      guint64 size;
      gsize header_len = 8;

      if (!g_seekable_seek (G_SEEKABLE (in), offset, G_SEEK_SET, NULL, error))
        return FALSE;
      if (!g_input_stream_read_all (G_INPUT_STREAM (in), header, 16, &got, NULL, error))
        return FALSE;
      if (got < 8)
        break;

      size = ((guint64) header[0] << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
      if (size == 1)
        {
          if (got < 16)
            break;
          size = 0;
          for (guint i = 8; i < 16; i++)
            size = (size << 8) | header[i];
          header_len = 16;
        }
      else if (size == 0)
        size = G_MAXINT64; /* extends to the end of the file */

      if (memcmp (header + 4, "moov", 4) == 0)
        {
          if (!mdat_seen)
            moov_first = TRUE;
          moov_seen = TRUE;
        }
      else if (memcmp (header + 4, "mdat", 4) == 0)
        mdat_seen = TRUE;

      if (size < header_len || size > (guint64) G_MAXINT64 - (guint64) offset)
        break;
      offset += (goffset) size;
    }

  *has_moov = moov_seen;
  *moov_before_mdat = moov_first;
  return TRUE;
}

/* sr-qr-code.c — renders a libqrencode symbol into a GdkMemoryTexture.
 *
 * Drawn at whole pixels per module with no smoothing, so a scaled-down
 * GtkPicture never blurs the edges between modules. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <qrencode.h>
#include <string.h>

#include "sr-qr-code.h"

/* ISO/IEC 18004 asks for four modules of light margin on every side. */
#define QUIET_ZONE 4

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

GdkTexture *
sr_qr_code_texture_new (const char  *text,
                        guint        module_px,
                        GError     **error)
{
  g_autoptr(QRcode) code = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 *pixels;
  gsize side, stride;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (module_px > 0 && module_px <= 64, NULL);

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, TRUE);
  if (code == NULL)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot make a QR code of this text: %s"), g_strerror (saved));
      return NULL;
    }

  side = (gsize) (code->width + 2 * QUIET_ZONE) * module_px;
  stride = side * 3;
  pixels = g_malloc (stride * side);
  memset (pixels, 0xff, stride * side);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        /* Bit 0 of each byte is the module's colour; the rest is how
         * libqrencode built it. */
        if ((code->data[y * code->width + x] & 1) == 0)
          continue;
        for (guint dy = 0; dy < module_px; dy++)
          {
            gsize row = (gsize) (y + QUIET_ZONE) * module_px + dy;
            gsize col = (gsize) (x + QUIET_ZONE) * module_px;

            memset (pixels + row * stride + col * 3, 0, (gsize) module_px * 3);
          }
      }
  bytes = g_bytes_new_take (pixels, stride * side);
  return gdk_memory_texture_new ((int) side, (int) side, GDK_MEMORY_R8G8B8, bytes, stride);
}

char *
sr_qr_code_eip681_uri (const char *address,
                       guint64     chain_id)
{
  g_return_val_if_fail (address != NULL, NULL);

  return g_strdup_printf ("ethereum:%s@%" G_GUINT64_FORMAT, address, chain_id);
}

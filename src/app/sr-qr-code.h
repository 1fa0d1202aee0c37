/* sr-qr-code.h — QR codes as textures, for showing the wallet's address to
 * a phone. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* @text as a black-on-white QR code (error correction level M) with the
 * four-module quiet zone scanners need, each module @module_px pixels
 * square. NULL with @error when @text does not fit in a QR code. */
GdkTexture *sr_qr_code_texture_new (const char  *text,
                                    guint        module_px,
                                    GError     **error);

/* The EIP-681 payment URI of @address on @chain_id:
 * "ethereum:<address>@<chain_id>". */
char       *sr_qr_code_eip681_uri  (const char  *address,
                                    guint64      chain_id);

G_END_DECLS

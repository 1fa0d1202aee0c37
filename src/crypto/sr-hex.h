/* sr-hex.h: strict hexadecimal encoding and parsing of byte strings.
 *
 * Ethereum values travel as "0x"-prefixed hex; keystore files use bare hex.
 * Parsing is strict (even length, hex digits only) so that a typo is reported
 * instead of silently producing other bytes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gchar   *sr_hex_encode       (const guint8 *data,
                              gsize         len);
gchar   *sr_hex_encode_bare  (const guint8 *data,
                              gsize         len);
GBytes  *sr_hex_decode       (const gchar  *text,
                              GError      **error);
GBytes  *sr_hex_decode_bare  (const gchar  *text,
                              GError      **error);
gboolean sr_hex_decode_fixed (const gchar  *text,
                              guint8       *out,
                              gsize         out_len,
                              GError      **error);

G_END_DECLS

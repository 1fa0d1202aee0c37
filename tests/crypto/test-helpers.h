/* test-helpers.h: small helpers shared by the crypto tests. */
#pragma once

#include <glib.h>
#include <string.h>

#include "crypto/sr-hex.h"

/* Asserts that @data equals the bare or 0x-prefixed hex string @expected. */
#define assert_hex_eq(data, len, expected) G_STMT_START {                 \
    g_autofree gchar *_got = sr_hex_encode_bare ((data), (len));          \
    const gchar *_want = (expected);                                      \
    if (g_str_has_prefix (_want, "0x"))                                    \
      _want += 2;                                                         \
    g_assert_cmpstr (_got, ==, _want);                                    \
  } G_STMT_END

static inline GBytes *
hex_bytes (const gchar *hex)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = g_str_has_prefix (hex, "0x") ? sr_hex_decode (hex, &error)
                                               : sr_hex_decode_bare (hex, &error);
  g_assert_no_error (error);
  return bytes;
}

static inline void
hex_fixed (const gchar *hex,
           guint8      *out,
           gsize        len)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *prefixed = g_str_has_prefix (hex, "0x") ? g_strdup (hex)
                                                            : g_strconcat ("0x", hex, NULL);
  g_assert_true (sr_hex_decode_fixed (prefixed, out, len, &error));
  g_assert_no_error (error);
}

/* sr-hex.c: strict hexadecimal encoding and parsing of byte strings. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sr-crypto-error.h"
#include "sr-hex.h"

static gchar *
encode (const guint8 *data,
        gsize         len,
        const gchar  *prefix)
{
  static const gchar digits[] = "0123456789abcdef";
  gsize plen = strlen (prefix);
  gchar *out = g_malloc (plen + 2 * len + 1);

  memcpy (out, prefix, plen);
  for (gsize i = 0; i < len; i++)
    {
      out[plen + 2 * i] = digits[data[i] >> 4];
      out[plen + 2 * i + 1] = digits[data[i] & 0xf];
    }
  out[plen + 2 * len] = '\0';
  return out;
}

gchar *
sr_hex_encode (const guint8 *data,
               gsize         len)
{
  return encode (data, len, "0x");
}

gchar *
sr_hex_encode_bare (const guint8 *data,
                    gsize         len)
{
  return encode (data, len, "");
}

static gboolean
has_prefix (const gchar *text)
{
  return text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

/* Decodes exactly @digits_len hex digits from @digits into @out. */
static gboolean
decode_digits (const gchar *digits,
               gsize        digits_len,
               guint8      *out,
               GError     **error)
{
  if (digits_len % 2 != 0)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX,
                   _("The hexadecimal value has an odd number of digits"));
      return FALSE;
    }

  for (gsize i = 0; i < digits_len; i += 2)
    {
      gint hi = g_ascii_xdigit_value (digits[i]);
      gint lo = g_ascii_xdigit_value (digits[i + 1]);

      if (hi < 0 || lo < 0)
        {
          g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX,
                       _("The hexadecimal value contains a character that is not a hex digit"));
          return FALSE;
        }
      out[i / 2] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

static GBytes *
decode_to_bytes (const gchar *digits,
                 GError     **error)
{
  gsize n = strlen (digits);
  g_autofree guint8 *buf = g_malloc (n / 2 + 1);

  if (!decode_digits (digits, n, buf, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&buf), n / 2);
}

GBytes *
sr_hex_decode (const gchar *text,
               GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (!has_prefix (text))
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX,
                   _("The hexadecimal value must start with “0x”"));
      return NULL;
    }
  return decode_to_bytes (text + 2, error);
}

GBytes *
sr_hex_decode_bare (const gchar *text,
                    GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  return decode_to_bytes (text, error);
}

gboolean
sr_hex_decode_fixed (const gchar *text,
                     guint8      *out,
                     gsize        out_len,
                     GError     **error)
{
  gsize n;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!has_prefix (text))
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX,
                   _("The hexadecimal value must start with “0x”"));
      return FALSE;
    }
  n = strlen (text + 2);
  if (n != 2 * out_len)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH,
                   _("Expected %zu bytes (%zu hex digits) but got %zu digits"),
                   (size_t) out_len, (size_t) (2 * out_len), (size_t) n);
      return FALSE;
    }
  return decode_digits (text + 2, n, out, error);
}

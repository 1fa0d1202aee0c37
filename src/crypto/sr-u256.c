/* sr-u256.c: parsing and printing 256-bit big-endian unsigned integers. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sr-crypto-error.h"
#include "sr-hex.h"
#include "sr-u256.h"

void
sr_u256_from_uint64 (guint8  value[SR_U256_LEN],
                     guint64 v)
{
  memset (value, 0, SR_U256_LEN);
  for (guint i = 0; i < 8; i++)
    value[SR_U256_LEN - 1 - i] = (guint8) (v >> (8 * i));
}

/* value = value * mul + add; FALSE on overflow past 256 bits. */
static gboolean
mul_add (guint8 value[SR_U256_LEN],
         guint   mul,
         guint   add)
{
  guint carry = add;

  for (gint i = SR_U256_LEN - 1; i >= 0; i--)
    {
      guint t = value[i] * mul + carry;
      value[i] = (guint8) t;
      carry = t >> 8;
    }
  return carry == 0;
}

/* Decimal ("1000000000") or 0x-prefixed hexadecimal ("0x3b9aca00"). */
gboolean
sr_u256_parse (const gchar *text,
               guint8       value[SR_U256_LEN],
               GError     **error)
{
  guint base = 10;
  const gchar *p = text;

  g_return_val_if_fail (text != NULL, FALSE);

  memset (value, 0, SR_U256_LEN);
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    {
      base = 16;
      p += 2;
    }
  if (*p == '\0')
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX,
                   _("“%s” is not a number"), text);
      return FALSE;
    }
  for (; *p != '\0'; p++)
    {
      gint digit = base == 16 ? g_ascii_xdigit_value (*p) : g_ascii_digit_value (*p);

      if (digit < 0)
        {
          g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_HEX,
                       _("“%s” is not a number"), text);
          return FALSE;
        }
      if (!mul_add (value, base, (guint) digit))
        {
          g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH,
                       _("“%s” does not fit in 256 bits"), text);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
sr_u256_is_zero (const guint8 value[SR_U256_LEN])
{
  guint8 acc = 0;

  for (guint i = 0; i < SR_U256_LEN; i++)
    acc |= value[i];
  return acc == 0;
}

gchar *
sr_u256_to_decimal (const guint8 value[SR_U256_LEN])
{
  guint8 v[SR_U256_LEN];
  GString *digits = g_string_new (NULL);

  memcpy (v, value, SR_U256_LEN);
  do
    {
      guint rem = 0;

      for (guint i = 0; i < SR_U256_LEN; i++)
        {
          guint cur = rem << 8 | v[i];
          v[i] = (guint8) (cur / 10);
          rem = cur % 10;
        }
      g_string_prepend_c (digits, (gchar) ('0' + rem));
    }
  while (!sr_u256_is_zero (v));

  return g_string_free (digits, FALSE);
}

guint
sr_u256_bit_length (const guint8 value[SR_U256_LEN])
{
  for (guint i = 0; i < SR_U256_LEN; i++)
    if (value[i] != 0)
      return (SR_U256_LEN - i) * 8 - (guint) __builtin_clz (value[i]) + 24;
  return 0;
}

/* Two's complement, for EIP-712's negative intN values. */
void
sr_u256_negate (guint8 value[SR_U256_LEN])
{
  guint carry = 1;

  for (gint i = SR_U256_LEN - 1; i >= 0; i--)
    {
      guint t = (guint8) ~value[i] + carry;
      value[i] = (guint8) t;
      carry = t >> 8;
    }
}

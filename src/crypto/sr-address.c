/* sr-address.c: Ethereum addresses and their EIP-55 checksum. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sr-address.h"
#include "sr-crypto-error.h"
#include "sr-hex.h"
#include "sr-keccak.h"

/* @public_key: 64 bytes X‖Y, or 65 bytes 0x04‖X‖Y (uncompressed SEC1). */
gboolean
sr_address_from_public_key (const guint8 *public_key,
                            gsize         public_key_len,
                            guint8        address[SR_ADDRESS_LEN],
                            GError      **error)
{
  guint8 digest[SR_KECCAK256_DIGEST_SIZE];

  if (public_key_len == 65 && public_key[0] == 0x04)
    {
      public_key++;
      public_key_len--;
    }
  if (public_key_len != 64)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEY,
                   _("An address needs an uncompressed public key of 64 bytes"));
      return FALSE;
    }

  sr_keccak256 (public_key, public_key_len, digest);
  memcpy (address, digest + 12, SR_ADDRESS_LEN);
  return TRUE;
}

/* EIP-55: a hex letter is upper case when the matching nibble of
 * keccak256(lower-case hex) is 8 or more. */
static void
apply_checksum (gchar *hex40)
{
  guint8 digest[SR_KECCAK256_DIGEST_SIZE];

  sr_keccak256 ((const guint8 *) hex40, 40, digest);
  for (gsize i = 0; i < 40; i++)
    {
      guint nibble = (i % 2 == 0) ? digest[i / 2] >> 4 : digest[i / 2] & 0xf;

      if (nibble >= 8)
        hex40[i] = g_ascii_toupper (hex40[i]);
    }
}

gchar *
sr_address_to_checksum (const guint8 address[SR_ADDRESS_LEN])
{
  gchar *text = sr_hex_encode (address, SR_ADDRESS_LEN);

  apply_checksum (text + 2);
  return text;
}

gboolean
sr_address_parse (const gchar *text,
                  guint8       address[SR_ADDRESS_LEN],
                  GError     **error)
{
  gboolean has_lower = FALSE, has_upper = FALSE;
  gchar expected[41];

  g_return_val_if_fail (text != NULL, FALSE);

  if (!(text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) || strlen (text) != 42)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_LENGTH,
                   _("An address is “0x” followed by 40 hexadecimal digits"));
      return FALSE;
    }
  if (!sr_hex_decode_fixed (text, address, SR_ADDRESS_LEN, error))
    return FALSE;

  for (gsize i = 2; i < 42; i++)
    {
      has_lower |= g_ascii_islower (text[i]);
      has_upper |= g_ascii_isupper (text[i]);
    }
  /* All-lower and all-upper addresses carry no checksum; mixed case does. */
  if (!(has_lower && has_upper))
    return TRUE;

  for (gsize i = 0; i < 40; i++)
    expected[i] = g_ascii_tolower (text[i + 2]);
  expected[40] = '\0';
  apply_checksum (expected);
  if (memcmp (expected, text + 2, 40) != 0)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_BAD_CHECKSUM,
                   _("The address %s has a wrong checksum: check it for a typo"), text);
      return FALSE;
    }
  return TRUE;
}

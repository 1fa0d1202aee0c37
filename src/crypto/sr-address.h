/* sr-address.h: Ethereum addresses: derived from public keys, written and
 * read with the EIP-55 mixed-case checksum.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_ADDRESS_LEN 20

gboolean sr_address_from_public_key (const guint8 *public_key,
                                     gsize         public_key_len,
                                     guint8        address[SR_ADDRESS_LEN],
                                     GError      **error);
gchar   *sr_address_to_checksum     (const guint8  address[SR_ADDRESS_LEN]);
gboolean sr_address_parse           (const gchar  *text,
                                     guint8        address[SR_ADDRESS_LEN],
                                     GError      **error);

G_END_DECLS

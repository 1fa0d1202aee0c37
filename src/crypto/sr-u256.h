/* sr-u256.h: 256-bit unsigned integers as 32 big-endian bytes, the form
 * Ethereum amounts (wei) and EIP-712 words take. Only what parsing and
 * printing amounts needs: no general arithmetic.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_U256_LEN 32

void     sr_u256_from_uint64 (guint8       value[SR_U256_LEN],
                              guint64      v);
gboolean sr_u256_parse       (const gchar *text,
                              guint8       value[SR_U256_LEN],
                              GError     **error);
gchar   *sr_u256_to_decimal  (const guint8 value[SR_U256_LEN]);
gboolean sr_u256_is_zero     (const guint8 value[SR_U256_LEN]);
guint    sr_u256_bit_length  (const guint8 value[SR_U256_LEN]);
void     sr_u256_negate      (guint8       value[SR_U256_LEN]);

G_END_DECLS

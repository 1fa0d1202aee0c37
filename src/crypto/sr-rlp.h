/* sr-rlp.h: Recursive Length Prefix, Ethereum's serialisation of byte
 * strings and lists.
 *
 * The encoder appends to a GByteArray. The decoder is defensive: it accepts
 * only canonical encodings (as consensus code does), never reads past its
 * input, bounds nesting depth, and reports what is wrong.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void   sr_rlp_append_bytes   (GByteArray   *out,
                              const guint8 *data,
                              gsize         len);
void   sr_rlp_append_string  (GByteArray   *out,
                              const gchar  *text);
void   sr_rlp_append_uint64  (GByteArray   *out,
                              guint64       value);
void   sr_rlp_append_uint256 (GByteArray   *out,
                              const guint8  value_be[32]);
void   sr_rlp_append_raw     (GByteArray   *out,
                              const guint8 *encoded,
                              gsize         len);
gsize  sr_rlp_begin_list     (GByteArray   *out);
void   sr_rlp_end_list       (GByteArray   *out,
                              gsize         start);

typedef struct _SrRlpItem SrRlpItem;

SrRlpItem    *sr_rlp_decode              (GBytes          *input,
                                          GError         **error);
void          sr_rlp_item_free           (SrRlpItem       *item);
gboolean      sr_rlp_item_is_list        (const SrRlpItem *item);
guint         sr_rlp_item_get_n_children (const SrRlpItem *item);
SrRlpItem    *sr_rlp_item_get_child      (const SrRlpItem *item,
                                          guint            index);
const guint8 *sr_rlp_item_get_data       (const SrRlpItem *item,
                                          gsize           *len);
const guint8 *sr_rlp_item_get_encoded    (const SrRlpItem *item,
                                          gsize           *len);
gboolean      sr_rlp_item_get_uint64     (const SrRlpItem *item,
                                          guint64         *value,
                                          GError         **error);
gboolean      sr_rlp_item_get_uint256    (const SrRlpItem *item,
                                          guint8           value_be[32],
                                          GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRlpItem, sr_rlp_item_free)

G_END_DECLS

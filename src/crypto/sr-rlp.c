/* sr-rlp.c: RLP encoding and a strict, bounds-checked decoder. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sr-crypto-error.h"
#include "sr-rlp.h"

/* Deeper nesting than this is never legitimate for Seedreel's data and would
 * only serve to exhaust the stack. */
#define MAX_DEPTH 64

static guint
be_length (guint64 value)
{
  guint n = 0;

  while (value > 0)
    {
      n++;
      value >>= 8;
    }
  return n;
}

static void
write_header (guint8  *dest,
              guint8   short_base,
              guint64  len,
              guint   *header_len)
{
  if (len <= 55)
    {
      dest[0] = (guint8) (short_base + len);
      *header_len = 1;
      return;
    }

  guint n = be_length (len);
  dest[0] = (guint8) (short_base + 55 + n);
  for (guint i = 0; i < n; i++)
    dest[1 + i] = (guint8) (len >> (8 * (n - 1 - i)));
  *header_len = 1 + n;
}

void
sr_rlp_append_bytes (GByteArray   *out,
                     const guint8 *data,
                     gsize         len)
{
  guint8 header[9];
  guint header_len;

  if (len == 1 && data[0] < 0x80)
    {
      g_byte_array_append (out, data, 1);
      return;
    }
  write_header (header, 0x80, len, &header_len);
  g_byte_array_append (out, header, header_len);
  if (len > 0)
    g_byte_array_append (out, data, len);
}

void
sr_rlp_append_string (GByteArray  *out,
                      const gchar *text)
{
  sr_rlp_append_bytes (out, (const guint8 *) text, strlen (text));
}

/* Integers are big-endian with no leading zero bytes; zero is the empty string. */
void
sr_rlp_append_uint64 (GByteArray *out,
                      guint64     value)
{
  guint8 be[8];
  guint n = be_length (value);

  for (guint i = 0; i < n; i++)
    be[i] = (guint8) (value >> (8 * (n - 1 - i)));
  sr_rlp_append_bytes (out, be, n);
}

void
sr_rlp_append_uint256 (GByteArray   *out,
                       const guint8  value_be[32])
{
  gsize skip = 0;

  while (skip < 32 && value_be[skip] == 0)
    skip++;
  sr_rlp_append_bytes (out, value_be + skip, 32 - skip);
}

void
sr_rlp_append_raw (GByteArray   *out,
                   const guint8 *encoded,
                   gsize         len)
{
  g_byte_array_append (out, encoded, len);
}

gsize
sr_rlp_begin_list (GByteArray *out)
{
  return out->len;
}

/* The payload was appended after @start; its header goes in front of it. */
void
sr_rlp_end_list (GByteArray *out,
                 gsize       start)
{
  guint8 header[9];
  guint header_len;
  gsize payload_len;

  g_return_if_fail (start <= out->len);

  payload_len = out->len - start;
  write_header (header, 0xc0, payload_len, &header_len);
  g_byte_array_set_size (out, out->len + header_len);
  memmove (out->data + start + header_len, out->data + start, payload_len);
  memcpy (out->data + start, header, header_len);
}

struct _SrRlpItem {
  GBytes *input;          /* keeps the bytes below alive */
  gboolean is_list;
  const guint8 *encoded;  /* header and payload */
  gsize encoded_len;
  const guint8 *payload;
  gsize payload_len;
  GPtrArray *children;    /* of SrRlpItem, lists only */
};

void
sr_rlp_item_free (SrRlpItem *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->children, g_ptr_array_unref);
  g_clear_pointer (&item->input, g_bytes_unref);
  g_free (item);
}

static gboolean
fail (GError     **error,
      const gchar *what)
{
  g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_RLP,
               _("Malformed RLP data: %s"), what);
  return FALSE;
}

/* Reads one item header at @data (of @avail bytes): whether it is a list,
 * where its payload starts and how long it is, all within @avail. */
static gboolean
read_header (const guint8 *data,
             gsize         avail,
             gboolean     *is_list,
             gsize        *header_len,
             gsize        *payload_len,
             GError      **error)
{
  guint8 b;

  if (avail == 0)
    return fail (error, _("the data ends where an item should start"));

  b = data[0];
  if (b < 0x80)
    {
      *is_list = FALSE;
      *header_len = 0;
      *payload_len = 1;
      return TRUE;
    }

  *is_list = b >= 0xc0;
  guint8 base = *is_list ? 0xc0 : 0x80;
  guint8 offset = b - base;

  if (offset <= 55)
    {
      *header_len = 1;
      *payload_len = offset;
      if (!*is_list && offset == 1)
        {
          if (avail < 2)
            return fail (error, _("a string is cut short"));
          if (data[1] < 0x80)
            return fail (error, _("a single byte below 0x80 has a needless length prefix"));
        }
    }
  else
    {
      guint n = offset - 55;
      guint64 len = 0;

      if (avail < 1 + (gsize) n)
        return fail (error, _("a length prefix is cut short"));
      if (data[1] == 0)
        return fail (error, _("a length has leading zero bytes"));
      for (guint i = 0; i < n; i++)
        len = len << 8 | data[1 + i];
      if (len <= 55)
        return fail (error, _("a short length uses the long form"));
      *header_len = 1 + n;
      if (len > avail - *header_len)
        return fail (error, _("an item is longer than the data"));
      *payload_len = (gsize) len;
    }

  if (*payload_len > avail - *header_len)
    return fail (error, _("an item is longer than the data"));
  return TRUE;
}

static SrRlpItem *
decode_item (GBytes        *input,
             const guint8  *data,
             gsize          avail,
             guint          depth,
             gsize         *consumed,
             GError       **error)
{
  g_autoptr(SrRlpItem) item = NULL;
  gboolean is_list;
  gsize header_len, payload_len;

  if (depth > MAX_DEPTH)
    {
      fail (error, _("lists are nested too deeply"));
      return NULL;
    }
  if (!read_header (data, avail, &is_list, &header_len, &payload_len, error))
    return NULL;

  item = g_new0 (SrRlpItem, 1);
  item->input = g_bytes_ref (input);
  item->is_list = is_list;
  item->encoded = data;
  item->encoded_len = header_len + payload_len;
  item->payload = data + header_len;
  item->payload_len = payload_len;

  if (is_list)
    {
      gsize pos = 0;

      item->children = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_rlp_item_free);
      while (pos < payload_len)
        {
          gsize used;
          SrRlpItem *child = decode_item (input, item->payload + pos, payload_len - pos,
                                          depth + 1, &used, error);
          if (child == NULL)
            return NULL;
          g_ptr_array_add (item->children, child);
          pos += used;
        }
    }

  *consumed = item->encoded_len;
  return g_steal_pointer (&item);
}

SrRlpItem *
sr_rlp_decode (GBytes  *input,
               GError **error)
{
  g_autoptr(SrRlpItem) item = NULL;
  const guint8 *data;
  gsize len, used;

  g_return_val_if_fail (input != NULL, NULL);

  data = g_bytes_get_data (input, &len);
  item = decode_item (input, data, len, 0, &used, error);
  if (item == NULL)
    return NULL;
  if (used != len)
    {
      fail (error, _("there are bytes after the end of the item"));
      return NULL;
    }
  return g_steal_pointer (&item);
}

gboolean
sr_rlp_item_is_list (const SrRlpItem *item)
{
  return item->is_list;
}

guint
sr_rlp_item_get_n_children (const SrRlpItem *item)
{
  return item->is_list ? item->children->len : 0;
}

SrRlpItem *
sr_rlp_item_get_child (const SrRlpItem *item,
                       guint            index)
{
  g_return_val_if_fail (item->is_list, NULL);
  g_return_val_if_fail (index < item->children->len, NULL);

  return g_ptr_array_index (item->children, index);
}

const guint8 *
sr_rlp_item_get_data (const SrRlpItem *item,
                      gsize           *len)
{
  *len = item->payload_len;
  return item->payload;
}

const guint8 *
sr_rlp_item_get_encoded (const SrRlpItem *item,
                         gsize           *len)
{
  *len = item->encoded_len;
  return item->encoded;
}

static gboolean
check_integer (const SrRlpItem *item,
               gsize            max_len,
               GError         **error)
{
  if (item->is_list)
    return fail (error, _("a number was expected but a list was found"));
  if (item->payload_len > max_len)
    return fail (error, _("a number is too large"));
  if (item->payload_len > 0 && item->payload[0] == 0)
    return fail (error, _("a number has leading zero bytes"));
  return TRUE;
}

gboolean
sr_rlp_item_get_uint64 (const SrRlpItem *item,
                        guint64         *value,
                        GError         **error)
{
  guint64 v = 0;

  if (!check_integer (item, 8, error))
    return FALSE;
  for (gsize i = 0; i < item->payload_len; i++)
    v = v << 8 | item->payload[i];
  *value = v;
  return TRUE;
}

gboolean
sr_rlp_item_get_uint256 (const SrRlpItem *item,
                         guint8           value_be[32],
                         GError         **error)
{
  if (!check_integer (item, 32, error))
    return FALSE;
  memset (value_be, 0, 32);
  if (item->payload_len > 0)
    memcpy (value_be + 32 - item->payload_len, item->payload, item->payload_len);
  return TRUE;
}

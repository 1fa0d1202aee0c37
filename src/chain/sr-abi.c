/* sr-abi.c: Solidity ABI encoding and strict decoding for Seedreel's typed
 * contract calls. Decoding never trusts an offset or a length it reads:
 * each is bounded by the size of the data before it is used. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-keccak.h"
#include "sr-abi.h"

G_DEFINE_QUARK (sr-abi-error-quark, sr_abi_error)

typedef struct {
  guint8 word[SR_ABI_WORD_LEN];  /* static value */
  GBytes *tail;                  /* dynamic value: length word + padded bytes; NULL if static */
} Item;

struct _SrAbiEncoder
{
  gboolean has_selector;
  guint8 selector[4];
  GArray *items;
};

void
sr_abi_selector (const char *signature,
                 guint8      selector[4])
{
  guint8 hash[SR_KECCAK256_DIGEST_SIZE];

  g_return_if_fail (signature != NULL);

  sr_keccak256 ((const guint8 *) signature, strlen (signature), hash);
  memcpy (selector, hash, 4);
}

void
sr_abi_event_topic (const char *signature,
                    guint8      topic[SR_ABI_WORD_LEN])
{
  g_return_if_fail (signature != NULL);

  sr_keccak256 ((const guint8 *) signature, strlen (signature), topic);
}

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_clear_pointer (&item->tail, g_bytes_unref);
}

SrAbiEncoder *
sr_abi_encoder_new (const char *signature)
{
  SrAbiEncoder *encoder = g_new0 (SrAbiEncoder, 1);

  encoder->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (encoder->items, item_clear);
  if (signature != NULL)
    {
      encoder->has_selector = TRUE;
      sr_abi_selector (signature, encoder->selector);
    }
  return encoder;
}

void
sr_abi_encoder_free (SrAbiEncoder *encoder)
{
  if (encoder == NULL)
    return;
  g_array_unref (encoder->items);
  g_free (encoder);
}

void
sr_abi_encoder_add_word (SrAbiEncoder *encoder,
                         const guint8  word[SR_ABI_WORD_LEN])
{
  Item item = { 0 };

  memcpy (item.word, word, SR_ABI_WORD_LEN);
  g_array_append_val (encoder->items, item);
}

void
sr_abi_encoder_add_address (SrAbiEncoder *encoder,
                            const guint8  address[SR_ADDRESS_LEN])
{
  guint8 word[SR_ABI_WORD_LEN] = { 0 };

  memcpy (word + SR_ABI_WORD_LEN - SR_ADDRESS_LEN, address, SR_ADDRESS_LEN);
  sr_abi_encoder_add_word (encoder, word);
}

void
sr_abi_encoder_add_uint256 (SrAbiEncoder *encoder,
                            const guint8  value[SR_U256_LEN])
{
  sr_abi_encoder_add_word (encoder, value);
}

void
sr_abi_encoder_add_uint64 (SrAbiEncoder *encoder,
                           guint64       value)
{
  guint8 word[SR_ABI_WORD_LEN];

  sr_u256_from_uint64 (word, value);
  sr_abi_encoder_add_word (encoder, word);
}

void
sr_abi_encoder_add_bool (SrAbiEncoder *encoder,
                         gboolean      value)
{
  sr_abi_encoder_add_uint64 (encoder, value ? 1 : 0);
}

void
sr_abi_encoder_add_bytes (SrAbiEncoder *encoder,
                          const guint8 *data,
                          gsize         len)
{
  gsize padded = (len + SR_ABI_WORD_LEN - 1) / SR_ABI_WORD_LEN * SR_ABI_WORD_LEN;
  guint8 *tail = g_malloc0 (SR_ABI_WORD_LEN + padded);
  Item item = { 0 };

  sr_u256_from_uint64 (tail, len);
  if (len > 0)
    memcpy (tail + SR_ABI_WORD_LEN, data, len);
  item.tail = g_bytes_new_take (tail, SR_ABI_WORD_LEN + padded);
  g_array_append_val (encoder->items, item);
}

void
sr_abi_encoder_add_array (SrAbiEncoder *encoder,
                          guint         n_elements,
                          SrAbiEncoder *elements)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GByteArray) tail = g_byte_array_new ();
  guint8 word[SR_ABI_WORD_LEN];
  Item item = { 0 };

  g_return_if_fail (elements != NULL && !elements->has_selector);

  /* T[] is its length followed by the elements encoded as one tuple. */
  body = sr_abi_encoder_finish (elements);
  sr_u256_from_uint64 (word, n_elements);
  g_byte_array_append (tail, word, SR_ABI_WORD_LEN);
  g_byte_array_append (tail, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  item.tail = g_byte_array_free_to_bytes (g_steal_pointer (&tail));
  g_array_append_val (encoder->items, item);
}

void
sr_abi_encoder_add_string (SrAbiEncoder *encoder,
                           const char   *text)
{
  sr_abi_encoder_add_bytes (encoder, (const guint8 *) text, strlen (text));
}

GBytes *
sr_abi_encoder_finish (SrAbiEncoder *encoder)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint64 tail_offset = (guint64) encoder->items->len * SR_ABI_WORD_LEN;

  if (encoder->has_selector)
    g_byte_array_append (out, encoder->selector, 4);

  for (guint i = 0; i < encoder->items->len; i++)
    {
      Item *item = &g_array_index (encoder->items, Item, i);

      if (item->tail != NULL)
        {
          guint8 word[SR_ABI_WORD_LEN];

          /* Offsets count from the first head word, not the selector. */
          sr_u256_from_uint64 (word, tail_offset);
          g_byte_array_append (out, word, SR_ABI_WORD_LEN);
          tail_offset += g_bytes_get_size (item->tail);
        }
      else
        g_byte_array_append (out, item->word, SR_ABI_WORD_LEN);
    }
  for (guint i = 0; i < encoder->items->len; i++)
    {
      Item *item = &g_array_index (encoder->items, Item, i);

      if (item->tail != NULL)
        g_byte_array_append (out, g_bytes_get_data (item->tail, NULL), g_bytes_get_size (item->tail));
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* ---- decoding --------------------------------------------------------- */

static void
set_invalid (GError    **error,
             const char *why)
{
  g_set_error (error, SR_ABI_ERROR, SR_ABI_ERROR_INVALID,
               _("The contract answered with data Seedreel cannot decode (%s)"), why);
}

static const guint8 *
word_at (GBytes  *data,
         guint64  offset,
         GError **error)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (data, &len);

  if (len < SR_ABI_WORD_LEN || offset > len - SR_ABI_WORD_LEN)
    {
      set_invalid (error, _("too short"));
      return NULL;
    }
  return p + offset;
}

static gboolean
word_fits_u64 (const guint8 *word,
               guint64      *out)
{
  guint64 value = 0;

  for (guint i = 0; i < 24; i++)
    if (word[i] != 0)
      return FALSE;
  for (guint i = 24; i < 32; i++)
    value = (value << 8) | word[i];
  *out = value;
  return TRUE;
}

gboolean
sr_abi_decode_word (GBytes  *data,
                    guint    index,
                    guint8   word[SR_ABI_WORD_LEN],
                    GError **error)
{
  const guint8 *p = word_at (data, (guint64) index * SR_ABI_WORD_LEN, error);

  if (p == NULL)
    return FALSE;
  memcpy (word, p, SR_ABI_WORD_LEN);
  return TRUE;
}

gboolean
sr_abi_decode_address (GBytes  *data,
                       guint    index,
                       guint8   address[SR_ADDRESS_LEN],
                       GError **error)
{
  guint8 word[SR_ABI_WORD_LEN];

  if (!sr_abi_decode_word (data, index, word, error))
    return FALSE;
  return sr_abi_topic_to_address (word, address, error);
}

gboolean
sr_abi_decode_uint256 (GBytes  *data,
                       guint    index,
                       guint8   value[SR_U256_LEN],
                       GError **error)
{
  return sr_abi_decode_word (data, index, value, error);
}

gboolean
sr_abi_decode_uint64 (GBytes  *data,
                      guint    index,
                      guint64 *value,
                      GError **error)
{
  guint8 word[SR_ABI_WORD_LEN];

  if (!sr_abi_decode_word (data, index, word, error))
    return FALSE;
  if (!word_fits_u64 (word, value))
    {
      set_invalid (error, _("a number is out of range"));
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_abi_decode_bool (GBytes   *data,
                    guint     index,
                    gboolean *value,
                    GError  **error)
{
  guint64 v;

  if (!sr_abi_decode_uint64 (data, index, &v, error))
    return FALSE;
  if (v > 1)
    {
      set_invalid (error, _("a boolean is neither 0 nor 1"));
      return FALSE;
    }
  *value = v == 1;
  return TRUE;
}

GBytes *
sr_abi_decode_bytes (GBytes  *data,
                     guint    index,
                     GError **error)
{
  gsize len = g_bytes_get_size (data);
  const guint8 *p;
  guint64 offset, length;

  if ((p = word_at (data, (guint64) index * SR_ABI_WORD_LEN, error)) == NULL)
    return NULL;
  if (!word_fits_u64 (p, &offset) || offset > len)
    {
      set_invalid (error, _("an offset points outside the data"));
      return NULL;
    }
  if ((p = word_at (data, offset, error)) == NULL)
    return NULL;
  if (!word_fits_u64 (p, &length) || length > len - offset - SR_ABI_WORD_LEN)
    {
      set_invalid (error, _("a length runs past the data"));
      return NULL;
    }
  return g_bytes_new_from_bytes (data, offset + SR_ABI_WORD_LEN, length);
}

char *
sr_abi_decode_string (GBytes  *data,
                      guint    index,
                      GError **error)
{
  g_autoptr(GBytes) bytes = sr_abi_decode_bytes (data, index, error);
  gsize len = 0;
  const char *text;

  if (bytes == NULL)
    return NULL;
  text = g_bytes_get_data (bytes, &len);
  if (!g_utf8_validate_len (text, len, NULL) || memchr (text, '\0', len) != NULL)
    {
      set_invalid (error, _("a text is not valid UTF-8"));
      return NULL;
    }
  return g_strndup (text, len);
}

gboolean
sr_abi_topic_to_address (const guint8  topic[SR_ABI_WORD_LEN],
                         guint8        address[SR_ADDRESS_LEN],
                         GError      **error)
{
  for (guint i = 0; i < SR_ABI_WORD_LEN - SR_ADDRESS_LEN; i++)
    if (topic[i] != 0)
      {
        set_invalid (error, _("an address has stray high bytes"));
        return FALSE;
      }
  memcpy (address, topic + SR_ABI_WORD_LEN - SR_ADDRESS_LEN, SR_ADDRESS_LEN);
  return TRUE;
}

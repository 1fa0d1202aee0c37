/* sr-eip712.c: EIP-712 encodeType / hashStruct / digest, and EIP-191. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "sr-address.h"
#include "sr-crypto-error.h"
#include "sr-eip712.h"
#include "sr-hex.h"
#include "sr-keccak.h"
#include "sr-u256.h"

/* Recursive types (a Tree holding Trees) are legal; hostile input nesting
 * values thousands deep is not. */
#define MAX_DEPTH 32

static gboolean
fail (GError     **error,
      const gchar *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError     **error,
      const gchar *format,
      ...)
{
  va_list args;
  g_autofree gchar *what = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_TYPED_DATA,
               _("The typed data to sign is not valid: %s"), what);
  return FALSE;
}

/* "Person[2][]" → "Person" */
static gchar *
base_type (const gchar *type)
{
  const gchar *bracket = strchr (type, '[');

  return bracket != NULL ? g_strndup (type, bracket - type) : g_strdup (type);
}

static JsonArray *
get_fields (JsonObject  *types,
            const gchar *type_name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (types, type_name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (error, _("the type “%s” is not defined"), type_name);
      return NULL;
    }
  return json_node_get_array (node);
}

static gboolean
get_field (JsonArray    *fields,
           guint         i,
           const gchar **name,
           const gchar **type,
           GError      **error)
{
  JsonNode *node = json_array_get_element (fields, i);
  JsonObject *field;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, _("a type member is not an object"));
  field = json_node_get_object (node);
  *name = json_object_get_string_member_with_default (field, "name", NULL);
  *type = json_object_get_string_member_with_default (field, "type", NULL);
  if (*name == NULL || *type == NULL)
    return fail (error, _("a type member lacks a name or a type"));
  return TRUE;
}

static gboolean
collect_deps (JsonObject  *types,
              const gchar *type_name,
              GHashTable  *found,
              GError     **error)
{
  JsonArray *fields;

  if (g_hash_table_contains (found, type_name))
    return TRUE;
  fields = get_fields (types, type_name, error);
  if (fields == NULL)
    return FALSE;
  g_hash_table_add (found, g_strdup (type_name));

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      const gchar *name, *type;
      g_autofree gchar *base = NULL;

      if (!get_field (fields, i, &name, &type, error))
        return FALSE;
      base = base_type (type);
      if (json_object_has_member (types, base) &&
          !collect_deps (types, base, found, error))
        return FALSE;
    }
  return TRUE;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* "Mail(Person from,Person to,string contents)Person(string name,address wallet)":
 * the primary type, then every type it references, sorted by name. */
gchar *
sr_eip712_encode_type (JsonObject  *types,
                       const gchar *primary_type,
                       GError     **error)
{
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key;

  if (!collect_deps (types, primary_type, found, error))
    return NULL;

  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (strcmp (key, primary_type) != 0)
      g_ptr_array_add (order, key);
  g_ptr_array_sort (order, compare_strings);
  g_ptr_array_insert (order, 0, (gpointer) primary_type);

  for (guint t = 0; t < order->len; t++)
    {
      const gchar *type_name = g_ptr_array_index (order, t);
      JsonArray *fields = get_fields (types, type_name, error);

      g_string_append_printf (out, "%s(", type_name);
      for (guint i = 0; i < json_array_get_length (fields); i++)
        {
          const gchar *name, *type;

          get_field (fields, i, &name, &type, NULL);
          g_string_append_printf (out, "%s%s %s", i > 0 ? "," : "", type, name);
        }
      g_string_append_c (out, ')');
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean encode_value (JsonObject  *types,
                              const gchar *type,
                              JsonNode    *value,
                              guint        depth,
                              guint8       word[32],
                              GError     **error);

static gboolean
hash_struct (JsonObject  *types,
             const gchar *type_name,
             JsonNode    *value,
             guint        depth,
             guint8       hash[32],
             GError     **error)
{
  g_autofree gchar *encoded_type = NULL;
  JsonArray *fields;
  JsonObject *object;
  SrKeccak256 ctx;
  guint8 word[32];

  if (depth > MAX_DEPTH)
    return fail (error, _("values are nested too deeply"));
  encoded_type = sr_eip712_encode_type (types, type_name, error);
  if (encoded_type == NULL)
    return FALSE;
  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    return fail (error, _("a value of type “%s” must be an object"), type_name);
  object = json_node_get_object (value);
  fields = get_fields (types, type_name, error);

  sr_keccak256_init (&ctx);
  sr_keccak256 ((const guint8 *) encoded_type, strlen (encoded_type), word);
  sr_keccak256_update (&ctx, word, 32);

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      const gchar *name, *type;
      JsonNode *member;

      get_field (fields, i, &name, &type, NULL);
      member = json_object_get_member (object, name);
      if (member == NULL)
        return fail (error, _("“%s” lacks its member “%s”"), type_name, name);
      if (!encode_value (types, type, member, depth + 1, word, error))
        return FALSE;
      sr_keccak256_update (&ctx, word, 32);
    }
  sr_keccak256_digest (&ctx, hash);
  return TRUE;
}

gboolean
sr_eip712_hash_struct (JsonObject  *types,
                       const gchar *type_name,
                       JsonNode    *value,
                       guint8       hash[32],
                       GError     **error)
{
  return hash_struct (types, type_name, value, 0, hash, error);
}

static gboolean
encode_array (JsonObject  *types,
              const gchar *type,
              JsonNode    *value,
              guint        depth,
              guint8       word[32],
              GError     **error)
{
  const gchar *open = strrchr (type, '[');
  g_autofree gchar *element_type = NULL;
  const gchar *size;
  JsonArray *array;
  SrKeccak256 ctx;
  guint8 element[32];

  if (open == NULL)
    return fail (error, _("“%s” is not a valid array type"), type);
  element_type = g_strndup (type, open - type);
  size = open + 1;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return fail (error, _("a value of type “%s” must be an array"), type);
  array = json_node_get_array (value);

  if (*size != ']')
    {
      gchar *end;
      guint64 n = g_ascii_strtoull (size, &end, 10);

      if (end == size || strcmp (end, "]") != 0 || n == 0)
        return fail (error, _("“%s” is not a valid array type"), type);
      if (json_array_get_length (array) != n)
        return fail (error, _("“%s” needs exactly %llu elements"), type, (unsigned long long) n);
    }
  else if (strcmp (size, "]") != 0)
    return fail (error, _("“%s” is not a valid array type"), type);

  sr_keccak256_init (&ctx);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (!encode_value (types, element_type, json_array_get_element (array, i),
                         depth + 1, element, error))
        return FALSE;
      sr_keccak256_update (&ctx, element, 32);
    }
  sr_keccak256_digest (&ctx, word);
  return TRUE;
}

/* Parses "uint<N>"/"int<N>" into N; FALSE if @type is neither. */
static gboolean
integer_width (const gchar *type,
               gboolean    *is_signed,
               guint       *bits)
{
  const gchar *digits;
  gchar *end;
  guint64 n;

  if (g_str_has_prefix (type, "uint"))
    {
      *is_signed = FALSE;
      digits = type + 4;
    }
  else if (g_str_has_prefix (type, "int"))
    {
      *is_signed = TRUE;
      digits = type + 3;
    }
  else
    return FALSE;

  if (!g_ascii_isdigit (*digits))
    return FALSE;
  n = g_ascii_strtoull (digits, &end, 10);
  if (*end != '\0' || n == 0 || n > 256 || n % 8 != 0)
    return FALSE;
  *bits = (guint) n;
  return TRUE;
}

static gboolean
encode_integer (const gchar *type,
                JsonNode    *value,
                gboolean     is_signed,
                guint        bits,
                guint8       word[32],
                GError     **error)
{
  gboolean negative = FALSE;
  guint magnitude_bits;

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (value);

      negative = v < 0;
      /* -(v + 1) + 1 avoids overflow at G_MININT64. */
      sr_u256_from_uint64 (word, negative ? (guint64) (-(v + 1)) + 1 : (guint64) v);
    }
  else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const gchar *text = json_node_get_string (value);
      g_autoptr(GError) local_error = NULL;

      negative = text[0] == '-';
      if (!sr_u256_parse (negative ? text + 1 : text, word, &local_error))
        return fail (error, _("“%s” is not a valid %s"), text, type);
    }
  else
    return fail (error, _("a %s must be an integer or a string holding one"), type);

  magnitude_bits = sr_u256_bit_length (word);
  if (!is_signed)
    {
      if (negative && !sr_u256_is_zero (word))
        return fail (error, _("a %s cannot be negative"), type);
      if (magnitude_bits > bits)
        return fail (error, _("a value does not fit in %s"), type);
      return TRUE;
    }

  if (magnitude_bits > bits - 1)
    {
      /* Only -2^(bits-1) itself is allowed at that size. */
      gboolean is_min = negative && magnitude_bits == bits;

      for (guint i = 0; is_min && i < bits - 1; i++)
        if (word[31 - i / 8] & (1u << (i % 8)))
          is_min = FALSE;
      if (!is_min)
        return fail (error, _("a value does not fit in %s"), type);
    }
  if (negative)
    sr_u256_negate (word);
  return TRUE;
}

static gboolean
encode_atomic (const gchar *type,
               JsonNode    *value,
               guint8       word[32],
               GError     **error)
{
  gboolean is_signed;
  guint bits;
  gchar *end;
  const gchar *text;

  memset (word, 0, 32);

  if (integer_width (type, &is_signed, &bits))
    return encode_integer (type, value, is_signed, bits, word, error);

  if (strcmp (type, "bool") == 0)
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return fail (error, _("a bool must be true or false"));
      word[31] = json_node_get_boolean (value) ? 1 : 0;
      return TRUE;
    }

  if (strcmp (type, "string") != 0 && strcmp (type, "address") != 0 &&
      !g_str_has_prefix (type, "bytes"))
    return fail (error, _("the type “%s” is not defined"), type);
  if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
    return fail (error, _("a value of type %s must be a string"), type);
  text = json_node_get_string (value);

  if (strcmp (type, "string") == 0)
    {
      sr_keccak256 ((const guint8 *) text, strlen (text), word);
      return TRUE;
    }
  if (strcmp (type, "address") == 0)
    return sr_address_parse (text, word + 12, error);
  if (strcmp (type, "bytes") == 0)
    {
      g_autoptr(GBytes) bytes = sr_hex_decode (text, error);

      if (bytes == NULL)
        return FALSE;
      sr_keccak256 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), word);
      return TRUE;
    }
  if (g_str_has_prefix (type, "bytes") && g_ascii_isdigit (type[5]))
    {
      guint64 n = g_ascii_strtoull (type + 5, &end, 10);
      g_autoptr(GBytes) bytes = NULL;

      if (*end != '\0' || n == 0 || n > 32)
        return fail (error, _("“%s” is not a valid type"), type);
      bytes = sr_hex_decode (text, error);
      if (bytes == NULL)
        return FALSE;
      if (g_bytes_get_size (bytes) != n)
        return fail (error, _("a %s must be exactly %llu bytes"), type, (unsigned long long) n);
      memcpy (word, g_bytes_get_data (bytes, NULL), n);
      return TRUE;
    }

  return fail (error, _("the type “%s” is not defined"), type);
}

static gboolean
encode_value (JsonObject  *types,
              const gchar *type,
              JsonNode    *value,
              guint        depth,
              guint8       word[32],
              GError     **error)
{
  if (depth > MAX_DEPTH)
    return fail (error, _("values are nested too deeply"));
  if (g_str_has_suffix (type, "]"))
    return encode_array (types, type, value, depth, word, error);
  if (json_object_has_member (types, type))
    return hash_struct (types, type, value, depth, word, error);
  return encode_atomic (type, value, word, error);
}

/* When "types" has no EIP712Domain, derive it from the domain's members in
 * the order EIP-712 lists them, as wallets do. */
static JsonObject *
types_with_domain (JsonObject *types,
                   JsonObject *domain)
{
  static const struct { const gchar *name, *type; } known[] = {
    { "name", "string" },
    { "version", "string" },
    { "chainId", "uint256" },
    { "verifyingContract", "address" },
    { "salt", "bytes32" },
  };
  JsonObject *copy;
  JsonArray *fields;
  GList *members;

  if (json_object_has_member (types, "EIP712Domain"))
    return json_object_ref (types);

  copy = json_object_new ();
  members = json_object_get_members (types);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (types, l->data)));
  g_list_free (members);

  fields = json_array_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (json_object_has_member (domain, known[i].name))
      {
        JsonObject *field = json_object_new ();
        json_object_set_string_member (field, "name", known[i].name);
        json_object_set_string_member (field, "type", known[i].type);
        json_array_add_object_element (fields, field);
      }
  json_object_set_array_member (copy, "EIP712Domain", fields);
  return copy;
}

gboolean
sr_eip712_hash_node (JsonNode       *root,
                     SrEip712Hashes *hashes,
                     GError        **error)
{
  JsonObject *object, *domain;
  JsonNode *types_node, *domain_node, *message;
  g_autoptr(JsonObject) types = NULL;
  const gchar *primary_type;
  SrKeccak256 ctx;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (error, _("it is not a JSON object"));
  object = json_node_get_object (root);
  types_node = json_object_get_member (object, "types");
  domain_node = json_object_get_member (object, "domain");
  message = json_object_get_member (object, "message");
  primary_type = json_object_get_string_member_with_default (object, "primaryType", NULL);
  if (types_node == NULL || !JSON_NODE_HOLDS_OBJECT (types_node))
    return fail (error, _("“types” is missing"));
  if (domain_node == NULL || !JSON_NODE_HOLDS_OBJECT (domain_node))
    return fail (error, _("“domain” is missing"));
  if (primary_type == NULL)
    return fail (error, _("“primaryType” is missing"));
  domain = json_node_get_object (domain_node);
  types = types_with_domain (json_node_get_object (types_node), domain);

  if (!hash_struct (types, "EIP712Domain", domain_node, 0, hashes->domain_separator, error))
    return FALSE;

  sr_keccak256_init (&ctx);
  sr_keccak256_update (&ctx, (const guint8 *) "\x19\x01", 2);
  sr_keccak256_update (&ctx, hashes->domain_separator, 32);
  if (strcmp (primary_type, "EIP712Domain") != 0)
    {
      if (message == NULL)
        return fail (error, _("“message” is missing"));
      if (!hash_struct (types, primary_type, message, 0, hashes->message_hash, error))
        return FALSE;
      sr_keccak256_update (&ctx, hashes->message_hash, 32);
    }
  else
    memset (hashes->message_hash, 0, 32);
  sr_keccak256_digest (&ctx, hashes->digest);
  return TRUE;
}

gboolean
sr_eip712_hash_json (const gchar    *json,
                     gssize          length,
                     SrEip712Hashes *hashes,
                     GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    return fail (error, _("it is not valid JSON (%s)"), local_error->message);
  return sr_eip712_hash_node (json_parser_get_root (parser), hashes, error);
}

/* personal_sign: keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ message). */
void
sr_eip191_hash_message (const guint8 *message,
                        gsize         len,
                        guint8        hash[32])
{
  g_autofree gchar *prefix = g_strdup_printf ("\x19" "Ethereum Signed Message:\n%" G_GSIZE_FORMAT, len);
  SrKeccak256 ctx;

  sr_keccak256_init (&ctx);
  sr_keccak256_update (&ctx, (const guint8 *) prefix, strlen (prefix));
  sr_keccak256_update (&ctx, message, len);
  sr_keccak256_digest (&ctx, hash);
}

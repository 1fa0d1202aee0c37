/* sr-eip712.h: EIP-712 typed structured data hashing (what
 * eth_signTypedData_v4 signs) and EIP-191 personal_sign message hashing.
 *
 * Input is the standard JSON description {types, primaryType, domain,
 * message}. Numbers may be JSON integers or decimal/0x-hex strings; bytes and
 * bytesN are 0x-hex strings.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  guint8 domain_separator[32];
  guint8 message_hash[32];   /* hashStruct(message) */
  guint8 digest[32];         /* what gets signed */
} SrEip712Hashes;

gboolean sr_eip712_hash_json     (const gchar    *json,
                                  gssize          length,
                                  SrEip712Hashes *hashes,
                                  GError        **error);
gboolean sr_eip712_hash_node     (JsonNode       *root,
                                  SrEip712Hashes *hashes,
                                  GError        **error);
gchar   *sr_eip712_encode_type   (JsonObject     *types,
                                  const gchar    *primary_type,
                                  GError        **error);
gboolean sr_eip712_hash_struct   (JsonObject     *types,
                                  const gchar    *type_name,
                                  JsonNode       *value,
                                  guint8          hash[32],
                                  GError        **error);
void     sr_eip191_hash_message  (const guint8   *message,
                                  gsize           len,
                                  guint8          hash[32]);

G_END_DECLS

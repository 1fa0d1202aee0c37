/* sr-abi.h: the part of the Solidity contract ABI that Seedreel's typed
 * contract calls need: function selectors and event topics, encoding of
 * static words (address, uintN, bool, bytes32) and dynamic bytes/string
 * arguments, and strict decoding of return data and event logs.
 *
 * Return data and logs come from the network and are untrusted: every
 * offset and length is checked against the data actually present.
 */
#pragma once

#include <glib.h>

#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"

G_BEGIN_DECLS

#define SR_ABI_ERROR (sr_abi_error_quark ())

typedef enum {
  SR_ABI_ERROR_INVALID,   /* the data does not decode as the expected type */
} SrAbiError;

GQuark sr_abi_error_quark (void);

#define SR_ABI_WORD_LEN 32

/* keccak256(signature)[0..4], e.g. "transfer(address,uint256)". */
void     sr_abi_selector           (const char   *signature,
                                    guint8        selector[4]);
/* keccak256(signature), the first topic of an event log. */
void     sr_abi_event_topic        (const char   *signature,
                                    guint8        topic[SR_ABI_WORD_LEN]);

typedef struct _SrAbiEncoder SrAbiEncoder;

/* @signature: a function signature whose selector starts the data, or
 * NULL for bare arguments (constructor arguments, abi.encode). */
SrAbiEncoder *sr_abi_encoder_new          (const char         *signature);
void          sr_abi_encoder_free         (SrAbiEncoder       *encoder);
void          sr_abi_encoder_add_word     (SrAbiEncoder       *encoder,
                                           const guint8        word[SR_ABI_WORD_LEN]);
void          sr_abi_encoder_add_address  (SrAbiEncoder       *encoder,
                                           const guint8        address[SR_ADDRESS_LEN]);
void          sr_abi_encoder_add_uint256  (SrAbiEncoder       *encoder,
                                           const guint8        value[SR_U256_LEN]);
void          sr_abi_encoder_add_uint64   (SrAbiEncoder       *encoder,
                                           guint64             value);
void          sr_abi_encoder_add_bool     (SrAbiEncoder       *encoder,
                                           gboolean            value);
void          sr_abi_encoder_add_bytes    (SrAbiEncoder       *encoder,
                                           const guint8       *data,
                                           gsize               len);
void          sr_abi_encoder_add_string   (SrAbiEncoder       *encoder,
                                           const char         *text);
/* A dynamic array T[]: @elements is an encoder made with a NULL signature
 * holding the @n_elements values in order, as a tuple would (a static
 * tuple element is its fields one after another; a dynamic element such
 * as bytes is added with sr_abi_encoder_add_bytes()). */
void          sr_abi_encoder_add_array    (SrAbiEncoder       *encoder,
                                           guint               n_elements,
                                           SrAbiEncoder       *elements);
/* The call data (selector, heads, tails). The encoder may be reused
 * afterwards only to be freed. */
GBytes       *sr_abi_encoder_finish       (SrAbiEncoder       *encoder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrAbiEncoder, sr_abi_encoder_free)

/* Decoding of return data or log data: @index counts head words. */
gboolean sr_abi_decode_word        (GBytes       *data,
                                    guint         index,
                                    guint8        word[SR_ABI_WORD_LEN],
                                    GError      **error);
gboolean sr_abi_decode_address     (GBytes       *data,
                                    guint         index,
                                    guint8        address[SR_ADDRESS_LEN],
                                    GError      **error);
gboolean sr_abi_decode_uint256     (GBytes       *data,
                                    guint         index,
                                    guint8        value[SR_U256_LEN],
                                    GError      **error);
/* Fails when the value does not fit (e.g. decimals() of a hostile token). */
gboolean sr_abi_decode_uint64      (GBytes       *data,
                                    guint         index,
                                    guint64      *value,
                                    GError      **error);
gboolean sr_abi_decode_bool        (GBytes       *data,
                                    guint         index,
                                    gboolean     *value,
                                    GError      **error);
GBytes  *sr_abi_decode_bytes       (GBytes       *data,
                                    guint         index,
                                    GError      **error);
/* Fails on text that is not UTF-8 rather than showing it. */
char    *sr_abi_decode_string      (GBytes       *data,
                                    guint         index,
                                    GError      **error);

/* Indexed event arguments live in topics, one word each. */
gboolean sr_abi_topic_to_address   (const guint8  topic[SR_ABI_WORD_LEN],
                                    guint8        address[SR_ADDRESS_LEN],
                                    GError      **error);

G_END_DECLS

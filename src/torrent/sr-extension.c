/* sr-extension.c: the Seedreel extension's wire format (see sr-extension.h).
 * Lengths are checked before a single field is read; the parser never
 * allocates, so a hostile peer costs us nothing but the bytes it sent. */

#include "config.h"

#include <string.h>

#include "torrent/sr-extension.h"

G_DEFINE_QUARK (sr-extension-error-quark, sr_extension_error)

G_DEFINE_BOXED_TYPE (SrExtensionMessage, sr_extension_message,
                     sr_extension_message_copy, sr_extension_message_free)

#define HEADER_LEN 2

SrExtensionMessage *
sr_extension_message_copy (const SrExtensionMessage *message)
{
  return g_memdup2 (message, sizeof *message);
}

void
sr_extension_message_free (SrExtensionMessage *message)
{
  g_free (message);
}

const char *
sr_extension_type_to_string (SrExtensionType type)
{
  switch (type)
    {
    case SR_EXTENSION_HELLO: return "hello";
    case SR_EXTENSION_KEY_REQUEST: return "key-request";
    case SR_EXTENSION_KEY_RESPONSE: return "key-response";
    case SR_EXTENSION_KEY_REFUSAL: return "key-refusal";
    case SR_EXTENSION_RECEIPT: return "receipt";
    case SR_EXTENSION_RECEIPT_ACK: return "receipt-ack";
    default: return "unknown";
    }
}

/* The body length of each type, or 0 for a type we do not know. */
static gsize
body_length (guint8 type)
{
  switch (type)
    {
    case SR_EXTENSION_HELLO:
      return 1 + SR_EXTENSION_ADDRESS_LEN + 2 * SR_EXTENSION_ID_LEN;
    case SR_EXTENSION_KEY_REQUEST:
      return SR_EXTENSION_ID_LEN + SR_EXTENSION_SIGNATURE_LEN;
    case SR_EXTENSION_KEY_RESPONSE:
      return SR_EXTENSION_ID_LEN + SR_EXTENSION_PUBLIC_KEY_LEN + SR_EXTENSION_SEALED_KEY_LEN;
    case SR_EXTENSION_KEY_REFUSAL:
      return SR_EXTENSION_ID_LEN + 1;
    case SR_EXTENSION_RECEIPT:
      return SR_EXTENSION_ID_LEN + SR_EXTENSION_ADDRESS_LEN + 8 + SR_EXTENSION_SIGNATURE_LEN;
    case SR_EXTENSION_RECEIPT_ACK:
      return SR_EXTENSION_ID_LEN + 8;
    default:
      return 0;
    }
}

/* A cursor that has already been bounds-checked by the caller. */
typedef struct {
  const guint8 *p;
} Reader;

static void
take (Reader *r, void *out, gsize n)
{
  memcpy (out, r->p, n);
  r->p += n;
}

static guint64
take_u64 (Reader *r)
{
  guint64 v = 0;

  for (int i = 0; i < 8; i++)
    v = (v << 8) | r->p[i];
  r->p += 8;
  return v;
}

static void
put_u64 (GByteArray *out, guint64 v)
{
  guint8 b[8];

  for (int i = 7; i >= 0; i--, v >>= 8)
    b[i] = (guint8) (v & 0xff);
  g_byte_array_append (out, b, sizeof b);
}

gboolean
sr_extension_parse (const guint8       *data,
                    gsize               len,
                    SrExtensionMessage *message,
                    GError            **error)
{
  Reader r;
  gsize want;

  g_return_val_if_fail (message != NULL, FALSE);

  memset (message, 0, sizeof *message);
  if (data == NULL || len < HEADER_LEN)
    {
      g_set_error_literal (error, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_MALFORMED,
                           "A Seedreel peer message is shorter than its header");
      return FALSE;
    }
  if (data[0] != SR_EXTENSION_VERSION)
    {
      g_set_error (error, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_UNSUPPORTED,
                   "A Seedreel peer message has version %u; this build speaks version %u",
                   data[0], SR_EXTENSION_VERSION);
      return FALSE;
    }
  want = body_length (data[1]);
  if (want == 0)
    {
      g_set_error (error, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_UNSUPPORTED,
                   "A Seedreel peer message has an unknown type 0x%02x", data[1]);
      return FALSE;
    }
  if (len != HEADER_LEN + want)
    {
      g_set_error (error, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_MALFORMED,
                   "A Seedreel %s message is %" G_GSIZE_FORMAT " bytes long instead of %" G_GSIZE_FORMAT,
                   sr_extension_type_to_string (data[1]), len, HEADER_LEN + want);
      return FALSE;
    }

  message->type = data[1];
  r.p = data + HEADER_LEN;
  switch (message->type)
    {
    case SR_EXTENSION_HELLO:
      take (&r, &message->flags, 1);
      take (&r, message->payout, sizeof message->payout);
      take (&r, message->nonce, sizeof message->nonce);
      take (&r, message->view_id, sizeof message->view_id);
      break;
    case SR_EXTENSION_KEY_REQUEST:
      take (&r, message->view_id, sizeof message->view_id);
      take (&r, message->signature, sizeof message->signature);
      if (message->signature[64] > 1)
        goto bad_field;
      break;
    case SR_EXTENSION_KEY_RESPONSE:
      take (&r, message->view_id, sizeof message->view_id);
      take (&r, message->public_key, sizeof message->public_key);
      take (&r, message->sealed_key, sizeof message->sealed_key);
      if (message->public_key[0] != 0x02 && message->public_key[0] != 0x03)
        goto bad_field;
      break;
    case SR_EXTENSION_KEY_REFUSAL:
      take (&r, message->view_id, sizeof message->view_id);
      take (&r, &message->reason, 1);
      break;
    case SR_EXTENSION_RECEIPT:
      take (&r, message->view_id, sizeof message->view_id);
      take (&r, message->seeder, sizeof message->seeder);
      message->bytes = take_u64 (&r);
      take (&r, message->signature, sizeof message->signature);
      if (message->signature[64] > 1)
        goto bad_field;
      break;
    case SR_EXTENSION_RECEIPT_ACK:
      take (&r, message->view_id, sizeof message->view_id);
      message->bytes = take_u64 (&r);
      break;
    default:
      g_assert_not_reached ();
    }
  g_assert (r.p == data + len);
  return TRUE;

bad_field:
  g_set_error (error, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_MALFORMED,
               "A Seedreel %s message carries an impossible signature or key",
               sr_extension_type_to_string (message->type));
  memset (message, 0, sizeof *message);
  return FALSE;
}

GBytes *
sr_extension_serialize (const SrExtensionMessage *m)
{
  GByteArray *out;
  guint8 header[HEADER_LEN] = { SR_EXTENSION_VERSION, (guint8) m->type };

  g_return_val_if_fail (m != NULL, NULL);
  g_return_val_if_fail (body_length ((guint8) m->type) != 0 && (guint) m->type <= 0xff, NULL);

  out = g_byte_array_sized_new (HEADER_LEN + body_length ((guint8) m->type));
  g_byte_array_append (out, header, sizeof header);
  switch (m->type)
    {
    case SR_EXTENSION_HELLO:
      g_byte_array_append (out, &m->flags, 1);
      g_byte_array_append (out, m->payout, sizeof m->payout);
      g_byte_array_append (out, m->nonce, sizeof m->nonce);
      g_byte_array_append (out, m->view_id, sizeof m->view_id);
      break;
    case SR_EXTENSION_KEY_REQUEST:
      g_byte_array_append (out, m->view_id, sizeof m->view_id);
      g_byte_array_append (out, m->signature, sizeof m->signature);
      break;
    case SR_EXTENSION_KEY_RESPONSE:
      g_byte_array_append (out, m->view_id, sizeof m->view_id);
      g_byte_array_append (out, m->public_key, sizeof m->public_key);
      g_byte_array_append (out, m->sealed_key, sizeof m->sealed_key);
      break;
    case SR_EXTENSION_KEY_REFUSAL:
      g_byte_array_append (out, m->view_id, sizeof m->view_id);
      g_byte_array_append (out, &m->reason, 1);
      break;
    case SR_EXTENSION_RECEIPT:
      g_byte_array_append (out, m->view_id, sizeof m->view_id);
      g_byte_array_append (out, m->seeder, sizeof m->seeder);
      put_u64 (out, m->bytes);
      g_byte_array_append (out, m->signature, sizeof m->signature);
      break;
    case SR_EXTENSION_RECEIPT_ACK:
      g_byte_array_append (out, m->view_id, sizeof m->view_id);
      put_u64 (out, m->bytes);
      break;
    default:
      g_assert_not_reached ();
    }
  g_assert (out->len == HEADER_LEN + body_length ((guint8) m->type));
  return g_byte_array_free_to_bytes (out);
}

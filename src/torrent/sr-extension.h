/* sr-extension.h: the payloads of the Seedreel peer extension (BEP 10
 * extended message "seedreel"), parsed and built in C. The C++ shim only
 * moves these bytes; nothing here trusts a peer.
 *
 * Every payload is  version (1 byte, = 1) ‖ type (1 byte) ‖ fixed fields.
 * Integers are big-endian; each type has exactly one length, anything else
 * is malformed. An unknown version or type is "unsupported": a newer peer,
 * ignored without penalty.
 *
 *   HELLO         0x01  flags u8 ‖ payout address 20 ‖ challenge nonce 32 ‖ view id 32   (87 bytes)
 *                       flags: 0x01 holds the content key, 0x02 viewing (view id set,
 *                       else zero). Sent as the "sr" value of the BEP 10 handshake and
 *                       again as a message whenever it changes. Unknown flag bits are
 *                       ignored.
 *   KEY_REQUEST   0x02  view id 32 ‖ signature 65 (r ‖ s ‖ recid)                         (99 bytes)
 *                       over the EIP-712 KeyRequest{viewId, infohash, nonce} digest,
 *                       nonce = the serving peer's latest HELLO nonce.
 *   KEY_RESPONSE  0x03  view id 32 ‖ ephemeral public key 33 (compressed) ‖
 *                       sealed key 72 (nonce 24 ‖ ciphertext 32 ‖ tag 16)                (139 bytes)
 *   KEY_REFUSAL   0x04  view id 32 ‖ reason u8                                          (35 bytes)
 *   RECEIPT       0x10  view id 32 ‖ seeder 20 ‖ bytes u64 ‖ signature 65                 (127 bytes)
 *   RECEIPT_ACK   0x11  view id 32 ‖ bytes u64                                          (42 bytes)
 *   0x12–0x1f are reserved for further receipt messages.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SR_EXTENSION_VERSION 1
#define SR_EXTENSION_ADDRESS_LEN 20
#define SR_EXTENSION_ID_LEN 32             /* view ids, nonces: uint256 / bytes32 */
#define SR_EXTENSION_SIGNATURE_LEN 65
#define SR_EXTENSION_PUBLIC_KEY_LEN 33
#define SR_EXTENSION_SEALED_KEY_LEN 72     /* a 32-byte key sealed by sr_key_wrap_seal() */

typedef enum {
  SR_EXTENSION_HELLO = 0x01,
  SR_EXTENSION_KEY_REQUEST = 0x02,
  SR_EXTENSION_KEY_RESPONSE = 0x03,
  SR_EXTENSION_KEY_REFUSAL = 0x04,
  SR_EXTENSION_RECEIPT = 0x10,
  SR_EXTENSION_RECEIPT_ACK = 0x11,
} SrExtensionType;

typedef enum {
  SR_EXTENSION_FLAG_HAS_KEY = 1 << 0,
  SR_EXTENSION_FLAG_VIEWING = 1 << 1,
} SrExtensionFlags;

typedef enum {
  SR_EXTENSION_REFUSAL_UNKNOWN_VIEW = 1,   /* no such view on chain */
  SR_EXTENSION_REFUSAL_WRONG_CONTENT = 2,  /* the view is for another title */
  SR_EXTENSION_REFUSAL_WRONG_SIGNER = 3,   /* the signature is not the view's buyer's */
  SR_EXTENSION_REFUSAL_NO_KEY = 4,         /* this peer does not hold the key */
  SR_EXTENSION_REFUSAL_BUSY = 5,           /* too many requests: try later */
  SR_EXTENSION_REFUSAL_UNAVAILABLE = 6,    /* the chain could not be asked: try later */
} SrExtensionRefusal;

#define SR_EXTENSION_ERROR (sr_extension_error_quark ())

typedef enum {
  SR_EXTENSION_ERROR_MALFORMED,     /* wrong length or impossible field */
  SR_EXTENSION_ERROR_UNSUPPORTED,   /* a version or type this build does not know */
} SrExtensionError;

GQuark sr_extension_error_quark (void);

typedef struct {
  SrExtensionType type;
  guint8 flags;                                        /* HELLO */
  guint8 payout[SR_EXTENSION_ADDRESS_LEN];             /* HELLO */
  guint8 nonce[SR_EXTENSION_ID_LEN];                   /* HELLO */
  guint8 view_id[SR_EXTENSION_ID_LEN];                 /* all but a non-viewing HELLO */
  guint8 signature[SR_EXTENSION_SIGNATURE_LEN];        /* KEY_REQUEST, RECEIPT */
  guint8 public_key[SR_EXTENSION_PUBLIC_KEY_LEN];      /* KEY_RESPONSE */
  guint8 sealed_key[SR_EXTENSION_SEALED_KEY_LEN];      /* KEY_RESPONSE */
  guint8 reason;                                       /* KEY_REFUSAL */
  guint8 seeder[SR_EXTENSION_ADDRESS_LEN];             /* RECEIPT */
  guint64 bytes;                                       /* RECEIPT, RECEIPT_ACK */
} SrExtensionMessage;

GType               sr_extension_message_get_type (void);
#define SR_TYPE_EXTENSION_MESSAGE (sr_extension_message_get_type ())
SrExtensionMessage *sr_extension_message_copy  (const SrExtensionMessage *message);
void                sr_extension_message_free  (SrExtensionMessage       *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrExtensionMessage, sr_extension_message_free)

gboolean            sr_extension_parse         (const guint8             *data,
                                                gsize                     len,
                                                SrExtensionMessage       *message,
                                                GError                  **error);
/* NULL (with a critical) only for a message type this build cannot write. */
GBytes             *sr_extension_serialize     (const SrExtensionMessage *message);
const char         *sr_extension_type_to_string (SrExtensionType          type);

G_END_DECLS

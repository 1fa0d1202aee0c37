/* sr-tx.h: Ethereum transactions Seedreel signs: EIP-1559 (type 2) and
 * legacy EIP-155. Builds the signing payload, signs it, serialises the raw
 * transaction, and decodes a raw transaction back so that what is about to be
 * signed can be shown and checked.
 */
#pragma once

#include <glib.h>

#include "sr-address.h"
#include "sr-secp256k1.h"
#include "sr-u256.h"

G_BEGIN_DECLS

typedef enum {
  SR_TX_TYPE_LEGACY = 0,
  SR_TX_TYPE_EIP1559 = 2,
} SrTxType;

typedef struct {
  SrTxType type;
  guint64 chain_id;        /* 0 for a legacy transaction without EIP-155 */
  guint64 nonce;
  guint8 gas_price[SR_U256_LEN];                /* legacy */
  guint8 max_priority_fee_per_gas[SR_U256_LEN]; /* type 2 */
  guint8 max_fee_per_gas[SR_U256_LEN];          /* type 2 */
  guint64 gas_limit;
  gboolean has_to;         /* FALSE for contract creation */
  guint8 to[SR_ADDRESS_LEN];
  guint8 value[SR_U256_LEN];
  GBytes *data;            /* NULL means empty */
  GBytes *access_list;     /* RLP of the access list; NULL means empty (0xc0) */

  gboolean is_signed;
  guint8 r[32];
  guint8 s[32];
  guint8 y_parity;         /* 0 or 1 */
} SrTx;

SrTx    *sr_tx_new             (SrTxType      type);
void     sr_tx_free            (SrTx         *tx);
GBytes  *sr_tx_signing_payload (const SrTx   *tx);
void     sr_tx_signing_hash    (const SrTx   *tx,
                                guint8        hash[32]);
gboolean sr_tx_sign            (SrTx         *tx,
                                const guint8  private_key[SR_PRIVATE_KEY_LEN],
                                GError      **error);
GBytes  *sr_tx_encode_raw      (const SrTx   *tx,
                                GError      **error);
gboolean sr_tx_hash            (const SrTx   *tx,
                                guint8        hash[32],
                                GError      **error);
SrTx    *sr_tx_decode          (GBytes       *raw,
                                GError      **error);
gboolean sr_tx_recover_sender  (const SrTx   *tx,
                                guint8        address[SR_ADDRESS_LEN],
                                GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTx, sr_tx_free)

G_END_DECLS

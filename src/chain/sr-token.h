/* sr-token.h: typed calls to an ERC-20 token (Seedreel's SEED or any other):
 * balances, allowances, decimals and symbol through eth_call; transfer and
 * approve as call data for SrTxManager; the EIP-2612 permit digest; and
 * decoding of Transfer events.
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-abi.h"
#include "chain/sr-rpc-client.h"

G_BEGIN_DECLS

#define SR_TYPE_TOKEN (sr_token_get_type ())
G_DECLARE_FINAL_TYPE (SrToken, sr_token, SR, TOKEN, GObject)

SrToken      *sr_token_new                  (SrRpcClient          *rpc,
                                             const guint8          address[SR_ADDRESS_LEN]);
const guint8 *sr_token_get_address          (SrToken              *self);

void          sr_token_balance_of_async     (SrToken              *self,
                                             const guint8          owner[SR_ADDRESS_LEN],
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean      sr_token_balance_of_finish    (SrToken              *self,
                                             GAsyncResult         *result,
                                             guint8                balance[SR_U256_LEN],
                                             GError              **error);
void          sr_token_allowance_async      (SrToken              *self,
                                             const guint8          owner[SR_ADDRESS_LEN],
                                             const guint8          spender[SR_ADDRESS_LEN],
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean      sr_token_allowance_finish     (SrToken              *self,
                                             GAsyncResult         *result,
                                             guint8                allowance[SR_U256_LEN],
                                             GError              **error);
/* EIP-2612 nonces(owner): the nonce the next permit must carry. */
void          sr_token_nonces_async         (SrToken              *self,
                                             const guint8          owner[SR_ADDRESS_LEN],
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean      sr_token_nonces_finish        (SrToken              *self,
                                             GAsyncResult         *result,
                                             guint8                nonce[SR_U256_LEN],
                                             GError              **error);
void          sr_token_decimals_async       (SrToken              *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* Fails for more than 77 decimals (no uint256 amount could show them). */
gboolean      sr_token_decimals_finish      (SrToken              *self,
                                             GAsyncResult         *result,
                                             guint                *decimals,
                                             GError              **error);
void          sr_token_symbol_async         (SrToken              *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
char         *sr_token_symbol_finish        (SrToken              *self,
                                             GAsyncResult         *result,
                                             GError              **error);
void          sr_token_name_async           (SrToken              *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
char         *sr_token_name_finish          (SrToken              *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Call data for SrTxRequest.data (sent to the token's address). */
GBytes       *sr_token_encode_transfer      (const guint8          to[SR_ADDRESS_LEN],
                                             const guint8          amount[SR_U256_LEN]);
GBytes       *sr_token_encode_approve       (const guint8          spender[SR_ADDRESS_LEN],
                                             const guint8          amount[SR_U256_LEN]);
/* permit(owner, spender, value, deadline, v, r, s) with a 65-byte
 * r ‖ s ‖ recid signature over sr_token_permit_digest(). */
GBytes       *sr_token_encode_permit        (const guint8          owner[SR_ADDRESS_LEN],
                                             const guint8          spender[SR_ADDRESS_LEN],
                                             const guint8          value[SR_U256_LEN],
                                             const guint8          deadline[SR_U256_LEN],
                                             const guint8          signature[65]);

typedef struct {
  const char *token_name;            /* the EIP-712 domain name, e.g. "Seedreel" */
  const char *version;               /* the domain version; NULL means "1" */
  guint64 chain_id;
  const guint8 *token;               /* verifyingContract */
  const guint8 *owner;
  const guint8 *spender;
  const guint8 *value;               /* u256 */
  const guint8 *nonce;               /* u256 */
  const guint8 *deadline;            /* u256, Unix seconds */
} SrTokenPermit;

/* The EIP-712 digest an owner signs to approve @spender without a transaction. */
gboolean      sr_token_permit_digest        (const SrTokenPermit  *permit,
                                             guint8                digest[32],
                                             GError              **error);

/* Transfer(address indexed from, address indexed to, uint256 value). */
gboolean      sr_token_decode_transfer_log  (const SrRpcLog       *log,
                                             guint8                from[SR_ADDRESS_LEN],
                                             guint8                to[SR_ADDRESS_LEN],
                                             guint8                value[SR_U256_LEN],
                                             GError              **error);

G_END_DECLS

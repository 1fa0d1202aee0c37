/* sr-key-exchange.h: handing a paid title's content key from peers who hold
 * it to viewers who bought it, over the Seedreel peer extension.
 *
 * One SrKeyExchange follows one torrent. As a server (sr_key_exchange_set_content_key)
 * it answers a KEY_REQUEST only after recovering the requester's address
 * from its signature and finding on chain that this address bought that view
 * of this title; the key travels sealed to the viewer's public key under a
 * one-time key pair. As a viewer (sr_key_exchange_fetch_key_async) it asks
 * the peers that announce the key, one at a time, signs each request and
 * unseals the answer through the wallet agent, checks the key against the
 * title's published key check, and then serves the key in turn.
 *
 * The request is signed as EIP-712 typed data under the registry's domain
 * ("Seedreel", "1", chain id, registry address):
 *   KeyRequest{uint256 viewId; bytes32 infohash; bytes32 nonce}
 * where nonce is the serving peer's HELLO nonce. The sealed key's associated
 * data is infohash ‖ viewId.
 */
#pragma once

#include <gio/gio.h>

#include "chain/sr-registry.h"
#include "chain/sr-signer.h"
#include "torrent/sr-torrent.h"

G_BEGIN_DECLS

#define SR_KEY_CHECK_LEN 16
#define SR_KEY_EXCHANGE_SEALED_LEN 72

#define SR_KEY_EXCHANGE_ERROR (sr_key_exchange_error_quark ())

typedef enum {
  SR_KEY_EXCHANGE_ERROR_NO_PEER,      /* no peer holding the key would answer in time */
  SR_KEY_EXCHANGE_ERROR_REFUSED,      /* every peer refused: the purchase did not check out */
  SR_KEY_EXCHANGE_ERROR_WRONG_KEY,    /* a key arrived but does not match the title */
} SrKeyExchangeError;

GQuark sr_key_exchange_error_quark (void);

typedef struct {
  guint64 chain_id;
  guint8 registry[SR_ADDRESS_LEN];
  guint8 content_id[SR_U256_LEN];
  guint8 infohash[32];              /* as published on chain */
  guint8 payout[SR_ADDRESS_LEN];    /* announced to peers */
} SrKeyExchangeTitle;

/* The key as it arrived: sealed to the viewer, so it can be stored as is. */
typedef struct {
  guint8 view_id[SR_U256_LEN];
  guint8 public_key[33];            /* the sender's one-time key */
  guint8 sealed[SR_KEY_EXCHANGE_SEALED_LEN];
} SrSealedKey;

#define SR_TYPE_KEY_EXCHANGE (sr_key_exchange_get_type ())
G_DECLARE_FINAL_TYPE (SrKeyExchange, sr_key_exchange, SR, KEY_EXCHANGE, GObject)

SrKeyExchange *sr_key_exchange_new              (SrTorrent                *torrent,
                                                 SrRegistry               *registry,
                                                 const SrKeyExchangeTitle *title);
SrTorrent     *sr_key_exchange_get_torrent      (SrKeyExchange            *self);
/* Serve @key (SR_CONTENT_KEY_LEN bytes) to buyers from now on. */
void           sr_key_exchange_set_content_key  (SrKeyExchange            *self,
                                                 GBytes                   *key);
GBytes        *sr_key_exchange_get_content_key  (SrKeyExchange            *self);

void           sr_key_exchange_fetch_key_async  (SrKeyExchange            *self,
                                                 SrSigner                 *signer,
                                                 const char               *viewer,
                                                 const guint8              view_id[SR_U256_LEN],
                                                 const guint8             *key_check,
                                                 GCancellable             *cancellable,
                                                 GAsyncReadyCallback       callback,
                                                 gpointer                  user_data);
/* Returns the content key; @sealed (may be NULL) receives it as it arrived. */
GBytes        *sr_key_exchange_fetch_key_finish (SrKeyExchange            *self,
                                                 GAsyncResult             *result,
                                                 SrSealedKey              *sealed,
                                                 GError                  **error);

/* Published with a paid title so a viewer can tell the right key from a
 * wrong one before it decrypts a byte. */
void           sr_key_check_compute             (const guint8             *key,
                                                 gsize                     key_len,
                                                 guint8                    check[SR_KEY_CHECK_LEN]);
/* The digest a KeyRequest signature covers. */
gboolean       sr_key_request_digest            (const SrKeyExchangeTitle *title,
                                                 const guint8              view_id[SR_U256_LEN],
                                                 const guint8              nonce[32],
                                                 guint8                    digest[32],
                                                 GError                  **error);
char          *sr_key_request_typed_data        (const SrKeyExchangeTitle *title,
                                                 const guint8              view_id[SR_U256_LEN],
                                                 const guint8              nonce[32]);

G_END_DECLS

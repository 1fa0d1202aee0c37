/* sr-signer.h: the app's and the CLI's handle on seedreel-signer, the wallet
 * agent that alone holds decrypted keys.
 *
 * sr_signer_spawn() starts the agent over a socketpair and speaks
 * peer-to-peer D-Bus to it. Every operation is asynchronous. Spending is a
 * two-step flow: prepare (the agent returns a summary for the user and a
 * single-use token bound to exactly that transaction) then sign with the
 * token once the user confirmed.
 */
#pragma once

#include <gio/gio.h>

#include "crypto/sr-tx.h"

G_BEGIN_DECLS

#define SR_SIGNER_ERROR (sr_signer_error_quark ())

typedef enum {
  SR_SIGNER_ERROR_FAILED,
  SR_SIGNER_ERROR_WRONG_PASSWORD,
  SR_SIGNER_ERROR_LOCKED,
  SR_SIGNER_ERROR_NO_SUCH_ACCOUNT,
  SR_SIGNER_ERROR_ACCOUNT_EXISTS,
  SR_SIGNER_ERROR_DAMAGED_KEYSTORE,
  SR_SIGNER_ERROR_CONFIRMATION_REQUIRED,
  SR_SIGNER_ERROR_INVALID_ARGUMENT,
  SR_SIGNER_ERROR_NOT_RUNNING,
} SrSignerError;

GQuark sr_signer_error_quark (void);

typedef struct {
  gchar *address;  /* EIP-55 checksummed */
  gchar *label;
} SrSignerAccount;

void sr_signer_account_free (SrSignerAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSignerAccount, sr_signer_account_free)

#define SR_TYPE_SIGNER (sr_signer_get_type ())
G_DECLARE_FINAL_TYPE (SrSigner, sr_signer, SR, SIGNER, GObject)

SrSigner    *sr_signer_spawn               (const gchar          *signer_path,
                                            GError              **error);
gboolean     sr_signer_restart             (SrSigner             *self,
                                            GError              **error);
gboolean     sr_signer_get_running         (SrSigner             *self);
const gchar *sr_signer_get_identifier      (SrSigner             *self);

GVariant    *sr_signer_tx_to_variant       (const SrTx           *tx);

void         sr_signer_list_accounts_async (SrSigner             *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray   *sr_signer_list_accounts_finish (SrSigner            *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void         sr_signer_create_account_async (SrSigner            *self,
                                            const gchar          *label,
                                            const gchar          *password,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gchar       *sr_signer_create_account_finish (SrSigner           *self,
                                            GAsyncResult         *result,
                                            gchar               **mnemonic,
                                            GError              **error);

void         sr_signer_import_private_key_async (SrSigner        *self,
                                            const gchar          *hex,
                                            const gchar          *label,
                                            const gchar          *password,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
void         sr_signer_import_mnemonic_async (SrSigner           *self,
                                            const gchar          *phrase,
                                            guint                 index,
                                            const gchar          *label,
                                            const gchar          *password,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
void         sr_signer_import_keystore_v3_async (SrSigner        *self,
                                            const gchar          *json,
                                            const gchar          *v3_password,
                                            const gchar          *label,
                                            const gchar          *password,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
/* Finishes any of the three imports: the new account's address. */
gchar       *sr_signer_import_finish       (SrSigner             *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void         sr_signer_export_keystore_v3_async (SrSigner        *self,
                                            const gchar          *address,
                                            const gchar          *password,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gchar       *sr_signer_export_keystore_v3_finish (SrSigner       *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void         sr_signer_unlock_async        (SrSigner             *self,
                                            const gchar          *address,
                                            const gchar          *password,
                                            guint                 idle_timeout_s,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean     sr_signer_unlock_finish       (SrSigner             *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void         sr_signer_lock_async          (SrSigner             *self,
                                            const gchar          *address,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean     sr_signer_lock_finish         (SrSigner             *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void         sr_signer_is_unlocked_async   (SrSigner             *self,
                                            const gchar          *address,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean     sr_signer_is_unlocked_finish  (SrSigner             *self,
                                            GAsyncResult         *result,
                                            gboolean             *unlocked,
                                            GError              **error);

/* @tx is an a{sv} as made by sr_signer_tx_to_variant(); floating refs are sunk. */
void         sr_signer_prepare_transaction_async (SrSigner       *self,
                                            const gchar          *address,
                                            GVariant             *tx,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
/* Returns the summary to show (a{sv}: from, to, value, chain-id, nonce, gas,
 * type, max-fee-per-gas/max-priority-fee-per-gas or gas-price, data-selector,
 * data-length, access-list-length, signing-hash) and sets @token. */
GVariant    *sr_signer_prepare_transaction_finish (SrSigner      *self,
                                            GAsyncResult         *result,
                                            gchar               **token,
                                            GError              **error);
void         sr_signer_sign_transaction_async (SrSigner          *self,
                                            const gchar          *address,
                                            GVariant             *tx,
                                            const gchar          *token,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GBytes      *sr_signer_sign_transaction_finish (SrSigner         *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void         sr_signer_prepare_typed_data_async (SrSigner        *self,
                                            const gchar          *address,
                                            const gchar          *json,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GVariant    *sr_signer_prepare_typed_data_finish (SrSigner       *self,
                                            GAsyncResult         *result,
                                            gchar               **token,
                                            GError              **error);
/* @token may be NULL for a Seedreel receipt. */
void         sr_signer_sign_typed_data_async (SrSigner           *self,
                                            const gchar          *address,
                                            const gchar          *json,
                                            const gchar          *token,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GBytes      *sr_signer_sign_typed_data_finish (SrSigner          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void         sr_signer_ecdh_async          (SrSigner             *self,
                                            const gchar          *address,
                                            GBytes               *public_key,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GBytes      *sr_signer_ecdh_finish         (SrSigner             *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void         sr_signer_unwrap_key_async    (SrSigner             *self,
                                            const gchar          *address,
                                            GBytes               *peer_public_key,
                                            GBytes               *sealed,
                                            GBytes               *associated_data,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GBytes      *sr_signer_unwrap_key_finish   (SrSigner             *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS

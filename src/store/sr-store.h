/* sr-store.h: Seedreel's one SQLite database (the library: settings that
 * belong with it, playback positions, and later purchases and receipts).
 * Every SQL statement lives in sr-store.c; callers get typed functions.
 *
 * An SrStore may be used from any thread: calls are serialised on one
 * connection. The _async variants run the work in a worker thread so the
 * UI never waits on the disk.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SR_STORE_ERROR (sr_store_error_quark ())

typedef enum {
  SR_STORE_ERROR_CORRUPT,  /* the file is damaged or not a database; left untouched */
  SR_STORE_ERROR_TOO_NEW,  /* written by a newer Seedreel; left untouched */
  SR_STORE_ERROR_IO,       /* cannot read or write the file (permissions, disk full…) */
  SR_STORE_ERROR_FAILED,
  SR_STORE_ERROR_DUPLICATE, /* a transaction with this idempotency key is already recorded */
} SrStoreError;

GQuark sr_store_error_quark (void);

#define SR_TYPE_STORE (sr_store_get_type ())

G_DECLARE_FINAL_TYPE (SrStore, sr_store, SR, STORE, GObject)

char       *sr_store_default_path               (void);

SrStore    *sr_store_open                       (const char           *path,
                                                 GError              **error);
void        sr_store_open_async                 (const char           *path,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
SrStore    *sr_store_open_finish                (GAsyncResult         *result,
                                                 GError              **error);

const char *sr_store_get_path                   (SrStore              *self);
guint       sr_store_get_schema_version         (SrStore              *self);
guint       sr_store_get_latest_schema_version  (void);

/* Small values kept with the library. get_value returns NULL without
 * setting @error when @key is absent. */
gboolean    sr_store_set_value                  (SrStore              *self,
                                                 const char           *key,
                                                 const char           *value,
                                                 GError              **error);
char       *sr_store_get_value                  (SrStore              *self,
                                                 const char           *key,
                                                 GError              **error);
gboolean    sr_store_remove_value               (SrStore              *self,
                                                 const char           *key,
                                                 GError              **error);

/* Where a viewer stopped watching a title. lookup_position returns TRUE
 * when a position is stored, FALSE with @error unset when none is, and
 * FALSE with @error set on failure. */
gboolean    sr_store_save_position              (SrStore              *self,
                                                 const char           *title_id,
                                                 gint64                position_ms,
                                                 gint64                duration_ms,
                                                 GError              **error);
gboolean    sr_store_lookup_position            (SrStore              *self,
                                                 const char           *title_id,
                                                 gint64               *position_ms,
                                                 gint64               *duration_ms,
                                                 GError              **error);
gboolean    sr_store_forget_position            (SrStore              *self,
                                                 const char           *title_id,
                                                 GError              **error);

void        sr_store_save_position_async        (SrStore              *self,
                                                 const char           *title_id,
                                                 gint64                position_ms,
                                                 gint64                duration_ms,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean    sr_store_save_position_finish       (SrStore              *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void        sr_store_lookup_position_async      (SrStore              *self,
                                                 const char           *title_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean    sr_store_lookup_position_finish     (SrStore              *self,
                                                 GAsyncResult         *result,
                                                 gint64               *position_ms,
                                                 gint64               *duration_ms,
                                                 GError              **error);

/* Transactions, recorded before they are broadcast. */
typedef enum {
  SR_STORE_TX_SIGNED,     /* recorded, not yet known to have reached a node */
  SR_STORE_TX_BROADCAST,  /* a node accepted it */
  SR_STORE_TX_MINED,      /* included with status 1 */
  SR_STORE_TX_FAILED,     /* included with status 0 (reverted) */
  SR_STORE_TX_REPLACED,   /* another transaction with the same nonce was included */
} SrStoreTxState;

typedef struct {
  gint64 id;                      /* set by sr_store_insert_transaction() */
  char *idempotency_key;
  guint64 chain_id;
  char *from_address;             /* EIP-55 */
  guint64 nonce;
  char *to_address;               /* EIP-55; NULL for contract creation */
  char *value;                    /* wei, decimal */
  GBytes *data;                   /* NULL when empty */
  guint64 gas_limit;
  char *max_fee_per_gas;          /* wei, decimal */
  char *max_priority_fee_per_gas; /* wei, decimal */
  GBytes *raw;                    /* the signed transaction as broadcast */
  char *hash;                     /* 0x-hex */
  gint64 replaces;                /* id of the transaction this one replaces, or 0 */
  SrStoreTxState state;
  gint64 block_number;            /* -1 until included */
  gint64 created_at;              /* Unix seconds */
  gint64 updated_at;
} SrStoreTransaction;

void                sr_store_transaction_free           (SrStoreTransaction   *tx);
SrStoreTransaction *sr_store_transaction_copy           (const SrStoreTransaction *tx);
const char         *sr_store_tx_state_to_string         (SrStoreTxState        state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrStoreTransaction, sr_store_transaction_free)

/* Writes @tx (whose id, state is taken as given, and times are set) with
 * a full sync to disk before returning, so that a broadcast that follows
 * can never be forgotten. SR_STORE_ERROR_DUPLICATE when its idempotency
 * key is already recorded. */
gboolean            sr_store_insert_transaction         (SrStore              *self,
                                                         SrStoreTransaction   *tx,
                                                         GError              **error);
/* NULL with @error unset when there is no such transaction. */
SrStoreTransaction *sr_store_lookup_transaction         (SrStore              *self,
                                                         gint64                id,
                                                         GError              **error);
SrStoreTransaction *sr_store_lookup_transaction_by_key  (SrStore              *self,
                                                         const char           *idempotency_key,
                                                         GError              **error);
/* Transactions of one account on one chain, by nonce then age; with
 * @unfinished_only only those signed or broadcast.
 * Returns: (transfer full) (element-type SrStoreTransaction) */
GPtrArray          *sr_store_list_transactions          (SrStore              *self,
                                                         guint64               chain_id,
                                                         const char           *from_address,
                                                         gboolean              unfinished_only,
                                                         GError              **error);
gboolean            sr_store_update_transaction_state   (SrStore              *self,
                                                         gint64                id,
                                                         SrStoreTxState        state,
                                                         gint64                block_number,
                                                         GError              **error);

G_END_DECLS

/* sr-store-private.h — what the store's area files (sr-store-<area>.c, one
 * per subsystem's tables) share with the core: the locked connection and
 * its error reporting. Nothing outside src/store includes this. */
#pragma once

#include <sqlite3.h>

#include "store/sr-store.h"

G_BEGIN_DECLS

/* Takes the store's lock and returns the connection; every use of it,
 * including reading sqlite3_errmsg(), happens before sr_store_unlock(). */
sqlite3 *sr_store_lock        (SrStore *self);
void     sr_store_unlock      (SrStore *self);

/* Sets an SR_STORE_ERROR naming @what and the database file from a SQLite
 * result code; call with the lock held. */
void     sr_store_set_error   (SrStore     *self,
                               GError     **error,
                               int          rc,
                               const char  *what);

/* Runs @sql (which may hold several statements) with the lock held. */
gboolean sr_store_exec_locked (SrStore     *self,
                               const char  *sql,
                               const char  *what,
                               GError     **error);

G_END_DECLS

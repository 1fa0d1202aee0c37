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

G_END_DECLS

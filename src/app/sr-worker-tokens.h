/* sr-worker-tokens.h: access tokens for transcoding workers, kept in the
 * user's keyring (Secret Service, or the secret portal inside Flatpak)
 * under the worker's address. The address list itself is in GSettings. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The address under which the built-in worker's own token is kept. */
#define SR_WORKER_TOKENS_CONTRIBUTE "seedreel:contribute"

void      sr_worker_tokens_store_async  (const gchar          *url,
                                         const gchar          *token,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  sr_worker_tokens_store_finish (GAsyncResult         *result,
                                         GError              **error);
/* Finishes with NULL and no error when no token is stored. */
void      sr_worker_tokens_lookup_async (const gchar          *url,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gchar    *sr_worker_tokens_lookup_finish (GAsyncResult        *result,
                                         GError              **error);
void      sr_worker_tokens_clear_async  (const gchar          *url,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  sr_worker_tokens_clear_finish (GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS

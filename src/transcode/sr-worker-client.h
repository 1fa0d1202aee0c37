/* sr-worker-client.h: talks to a seedreel-transcoder worker over its HTTP API.
 * Every reply is treated as untrusted: anything malformed is an error. The
 * blocking calls suit threads and tests; each has an _async/_finish form that
 * runs it in a thread and reports progress on the caller's main context. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sr-ladder.h"

G_BEGIN_DECLS

#define SR_WORKER_ERROR (sr_worker_error_quark ())

typedef enum {
  SR_WORKER_ERROR_UNREACHABLE,
  SR_WORKER_ERROR_UNAUTHORIZED,
  SR_WORKER_ERROR_NOT_FOUND,
  SR_WORKER_ERROR_TOO_LARGE,
  SR_WORKER_ERROR_QUOTA,
  SR_WORKER_ERROR_NOT_VIDEO,
  SR_WORKER_ERROR_SOURCE_MISMATCH,
  SR_WORKER_ERROR_REJECTED,
  SR_WORKER_ERROR_BAD_REPLY,
  SR_WORKER_ERROR_JOB_FAILED,
  SR_WORKER_ERROR_OUTPUT_REJECTED,
} SrWorkerError;

GQuark sr_worker_error_quark (void);

#define SR_TYPE_WORKER_CLIENT (sr_worker_client_get_type ())
G_DECLARE_FINAL_TYPE (SrWorkerClient, sr_worker_client, SR, WORKER_CLIENT, GObject)

SrWorkerClient *sr_worker_client_new             (const gchar     *base_url,
                                                  const gchar     *access_token);
void            sr_worker_client_set_chunk_size  (SrWorkerClient  *self,
                                                  gsize            chunk_size);
gchar          *sr_worker_client_hash_file       (GFile           *file,
                                                  goffset         *size,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
JsonObject     *sr_worker_client_get_info        (SrWorkerClient  *self,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
gboolean        sr_worker_client_create_job      (SrWorkerClient  *self,
                                                  SrLadder        *ladder,
                                                  goffset          size,
                                                  const gchar     *sha256,
                                                  gchar          **job_id,
                                                  gchar          **job_token,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
/* Uploads from where the worker says it stopped; max_chunks 0 means all. */
gboolean        sr_worker_client_upload          (SrWorkerClient  *self,
                                                  const gchar     *job_id,
                                                  const gchar     *job_token,
                                                  GFile           *source,
                                                  guint            max_chunks,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
JsonObject     *sr_worker_client_get_job         (SrWorkerClient  *self,
                                                  const gchar     *job_id,
                                                  const gchar     *job_token,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
/* Continues a partial dest file with a Range request. */
gboolean        sr_worker_client_download        (SrWorkerClient  *self,
                                                  const gchar     *job_id,
                                                  const gchar     *job_token,
                                                  const gchar     *name,
                                                  GFile           *dest,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
GBytes         *sr_worker_client_download_range  (SrWorkerClient  *self,
                                                  const gchar     *job_id,
                                                  const gchar     *job_token,
                                                  const gchar     *name,
                                                  goffset          offset,
                                                  goffset          length,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
gboolean        sr_worker_client_delete_job      (SrWorkerClient  *self,
                                                  const gchar     *job_id,
                                                  const gchar     *job_token,
                                                  GCancellable    *cancellable,
                                                  GError         **error);

/* Called with bytes done so far and the total (-1 when not yet known). */
typedef void (*SrWorkerProgressFunc) (goffset  done,
                                      goffset  total,
                                      gpointer user_data);

gboolean        sr_worker_client_upload_full     (SrWorkerClient  *self,
                                                  const gchar     *job_id,
                                                  const gchar     *job_token,
                                                  GFile           *source,
                                                  guint            max_chunks,
                                                  SrWorkerProgressFunc progress,
                                                  gpointer         progress_data,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
/* Fetches in chunk-sized Range requests, continuing a partial dest file. */
gboolean        sr_worker_client_download_full   (SrWorkerClient  *self,
                                                  const gchar     *job_id,
                                                  const gchar     *job_token,
                                                  const gchar     *name,
                                                  GFile           *dest,
                                                  goffset          max_size,
                                                  SrWorkerProgressFunc progress,
                                                  gpointer         progress_data,
                                                  GCancellable    *cancellable,
                                                  GError         **error);

const gchar    *sr_worker_client_get_base_url    (SrWorkerClient  *self);

/* Whether the worker takes the client's access token: an authenticated
 * request that creates nothing (a job request without a ladder, which the
 * worker turns down only after it has checked the token). A wrong or
 * missing token fails with SR_WORKER_ERROR_UNAUTHORIZED. */
gboolean        sr_worker_client_check_access    (SrWorkerClient  *self,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
void            sr_worker_client_check_access_async  (SrWorkerClient      *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        sr_worker_client_check_access_finish (SrWorkerClient      *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);


void            sr_worker_client_get_info_async  (SrWorkerClient      *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
JsonObject     *sr_worker_client_get_info_finish (SrWorkerClient      *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void            sr_worker_client_create_job_async (SrWorkerClient     *self,
                                                  SrLadder            *ladder,
                                                  goffset              size,
                                                  const gchar         *sha256,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        sr_worker_client_create_job_finish (SrWorkerClient    *self,
                                                  GAsyncResult        *result,
                                                  gchar              **job_id,
                                                  gchar              **job_token,
                                                  GError             **error);
/* progress runs on the main context that was the thread default at the call. */
void            sr_worker_client_upload_async    (SrWorkerClient      *self,
                                                  const gchar         *job_id,
                                                  const gchar         *job_token,
                                                  GFile               *source,
                                                  SrWorkerProgressFunc progress,
                                                  gpointer             progress_data,
                                                  GDestroyNotify       progress_destroy,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        sr_worker_client_upload_finish   (SrWorkerClient      *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void            sr_worker_client_get_job_async   (SrWorkerClient      *self,
                                                  const gchar         *job_id,
                                                  const gchar         *job_token,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
JsonObject     *sr_worker_client_get_job_finish  (SrWorkerClient      *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void            sr_worker_client_download_async  (SrWorkerClient      *self,
                                                  const gchar         *job_id,
                                                  const gchar         *job_token,
                                                  const gchar         *name,
                                                  GFile               *dest,
                                                  SrWorkerProgressFunc progress,
                                                  gpointer             progress_data,
                                                  GDestroyNotify       progress_destroy,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        sr_worker_client_download_finish (SrWorkerClient      *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void            sr_worker_client_delete_job_async (SrWorkerClient     *self,
                                                  const gchar         *job_id,
                                                  const gchar         *job_token,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        sr_worker_client_delete_job_finish (SrWorkerClient    *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS

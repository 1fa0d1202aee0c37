/* sr-worker-server.h: the transcoding worker's HTTP API (see DESIGN.md,
 * "Transcoding worker API"): jobs, resumable source upload, a queue running
 * the ladder encoder and output checks, Range downloads of the outputs. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SR_TYPE_WORKER_SERVER (sr_worker_server_get_type ())
G_DECLARE_FINAL_TYPE (SrWorkerServer, sr_worker_server, SR, WORKER_SERVER, GObject)

SrWorkerServer *sr_worker_server_new                 (const gchar     *state_dir);
void            sr_worker_server_add_access_token    (SrWorkerServer  *self,
                                                      const gchar     *token);
void            sr_worker_server_set_concurrency     (SrWorkerServer  *self,
                                                      guint            n_jobs);
void            sr_worker_server_set_max_source_size (SrWorkerServer  *self,
                                                      guint64          bytes);
void            sr_worker_server_set_disk_quota      (SrWorkerServer  *self,
                                                      guint64          bytes);
void            sr_worker_server_set_price           (SrWorkerServer  *self,
                                                      const gchar     *price);
void            sr_worker_server_set_speed_preset    (SrWorkerServer  *self,
                                                      const gchar     *preset);
gboolean        sr_worker_server_start               (SrWorkerServer  *self,
                                                      const gchar     *address,
                                                      guint            port,
                                                      GError         **error);
guint           sr_worker_server_get_port            (SrWorkerServer  *self);
guint           sr_worker_server_get_n_running       (SrWorkerServer  *self);
void            sr_worker_server_shutdown            (SrWorkerServer  *self);

G_END_DECLS

/* sr-worker-host.h: "Contribute computing power" — a transcoding worker
 * running inside Seedreel for other creators, with the port, concurrent jobs
 * and disk quota from the Transcode settings. One per process. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SR_TYPE_WORKER_HOST (sr_worker_host_get_type ())
G_DECLARE_FINAL_TYPE (SrWorkerHost, sr_worker_host, SR, WORKER_HOST, GObject)

SrWorkerHost *sr_worker_host_get_default (void);
/* Follows the "contribute" setting: starts or stops the worker as it changes. */
void          sr_worker_host_follow_settings (SrWorkerHost *self,
                                              GSettings    *transcode_settings);
gboolean      sr_worker_host_get_running     (SrWorkerHost *self);
const gchar  *sr_worker_host_get_url         (SrWorkerHost *self);
const gchar  *sr_worker_host_get_token       (SrWorkerHost *self);
/* Why the worker is not running, when it should be; NULL otherwise. */
const gchar  *sr_worker_host_get_problem     (SrWorkerHost *self);
/* Properties: running, url, token, problem (notify when they change). */

G_END_DECLS

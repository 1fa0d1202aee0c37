/* sr-remote-transcode.h: one source through a transcoding worker into a
 * checked folder (1080p.mp4 …, poster.jpg, info.json) ready to publish:
 * hash, job, resumable upload, per-rung progress, Range downloads and the
 * client's own output checks on every rendition. Shared by the Create page
 * and `seedreel-cli transcode`. */
#pragma once

#include <gio/gio.h>

#include "sr-ladder.h"
#include "sr-media-probe.h"
#include "sr-output-report.h"
#include "sr-worker-client.h"

G_BEGIN_DECLS

typedef enum {
  SR_REMOTE_TRANSCODE_STAGE_IDLE,
  SR_REMOTE_TRANSCODE_STAGE_HASHING,
  SR_REMOTE_TRANSCODE_STAGE_UPLOADING,
  SR_REMOTE_TRANSCODE_STAGE_TRANSCODING,
  SR_REMOTE_TRANSCODE_STAGE_DOWNLOADING,
  SR_REMOTE_TRANSCODE_STAGE_DONE,
} SrRemoteTranscodeStage;

#define SR_TYPE_REMOTE_TRANSCODE (sr_remote_transcode_get_type ())
G_DECLARE_FINAL_TYPE (SrRemoteTranscode, sr_remote_transcode, SR, REMOTE_TRANSCODE, GObject)

/* ladder NULL: the default ladder for the source, never upscaling. */
SrRemoteTranscode *sr_remote_transcode_new          (SrWorkerClient    *client,
                                                     SrMediaProbe      *probe,
                                                     SrLadder          *ladder,
                                                     GFile             *output_dir);
SrLadder          *sr_remote_transcode_get_ladder   (SrRemoteTranscode *self);
void               sr_remote_transcode_set_title    (SrRemoteTranscode *self,
                                                     const gchar       *title);
void               sr_remote_transcode_set_description (SrRemoteTranscode *self,
                                                     const gchar       *description);
/* Lower than the default only for tests that use tiny clips. */
void               sr_remote_transcode_set_ssim_threshold (SrRemoteTranscode *self,
                                                     gdouble            threshold);
/* Keeps the job on the worker after the outputs are fetched (tests). */
void               sr_remote_transcode_set_keep_job (SrRemoteTranscode *self,
                                                     gboolean           keep);
/* Called in the worker thread between download and check; tests use it to
 * stand in for a worker that returns a tampered file. */
typedef void (*SrRemoteTranscodeHook) (GFile *downloaded, const gchar *name, gpointer user_data);
void               sr_remote_transcode_set_download_hook (SrRemoteTranscode *self,
                                                     SrRemoteTranscodeHook hook,
                                                     gpointer           user_data);
SrRemoteTranscodeStage sr_remote_transcode_get_stage (SrRemoteTranscode *self);
const gchar       *sr_remote_transcode_get_job_id   (SrRemoteTranscode *self);

/* Signals, all on the caller's main context:
 *   stage-changed (guint stage)
 *   upload-progress (gint64 done, gint64 total)
 *   job-state (const gchar *state, const gchar *message)
 *   rung-progress (guint index, gdouble fraction)
 *   download-progress (const gchar *name, gint64 done, gint64 total)
 *   output-checked (guint index, SrOutputReport *report)   one per rendition
 */
void               sr_remote_transcode_run_async    (SrRemoteTranscode   *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean           sr_remote_transcode_run_finish   (SrRemoteTranscode   *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS

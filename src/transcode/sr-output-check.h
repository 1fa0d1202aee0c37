/* sr-output-check.h: checks one rendition against its source (decodable end
 * to end, duration, resolution, audio, H.264/AAC in fast-start MP4, sampled
 * SSIM). Used by the worker on its own outputs and by the creator's app on
 * what a worker returns. */
#pragma once

#include <gio/gio.h>

#include "sr-media-probe.h"
#include "sr-output-report.h"

G_BEGIN_DECLS

#define SR_OUTPUT_CHECK_DEFAULT_SSIM_THRESHOLD 0.90
#define SR_OUTPUT_CHECK_DEFAULT_SSIM_SAMPLES 5

#define SR_TYPE_OUTPUT_CHECK (sr_output_check_get_type ())
G_DECLARE_FINAL_TYPE (SrOutputCheck, sr_output_check, SR, OUTPUT_CHECK, GObject)

SrOutputCheck  *sr_output_check_new              (GFile               *source,
                                                  GFile               *output,
                                                  guint                width,
                                                  guint                height);
void            sr_output_check_set_source_probe (SrOutputCheck       *self,
                                                  SrMediaProbe        *probe);
void            sr_output_check_set_ssim_threshold (SrOutputCheck     *self,
                                                  gdouble              threshold);
void            sr_output_check_set_ssim_samples (SrOutputCheck       *self,
                                                  guint                samples);

SrOutputReport *sr_output_check_run              (SrOutputCheck       *self,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void            sr_output_check_run_async        (SrOutputCheck       *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
SrOutputReport *sr_output_check_run_finish       (SrOutputCheck       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS

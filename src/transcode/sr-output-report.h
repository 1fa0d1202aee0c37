/* sr-output-report.h: the outcome of checking one rendition against its
 * source, one line per check, as shown to the creator. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  SR_OUTPUT_CHECK_CONTAINER,
  SR_OUTPUT_CHECK_FAST_START,
  SR_OUTPUT_CHECK_RESOLUTION,
  SR_OUTPUT_CHECK_AUDIO,
  SR_OUTPUT_CHECK_DECODABLE,
  SR_OUTPUT_CHECK_DURATION,
  SR_OUTPUT_CHECK_SSIM,
} SrOutputCheckKind;

#define SR_TYPE_OUTPUT_REPORT (sr_output_report_get_type ())
G_DECLARE_FINAL_TYPE (SrOutputReport, sr_output_report, SR, OUTPUT_REPORT, GObject)

gboolean     sr_output_report_get_passed       (SrOutputReport    *self);
guint        sr_output_report_get_n_checks     (SrOutputReport    *self);
gboolean     sr_output_report_get_check        (SrOutputReport    *self,
                                                guint              index,
                                                SrOutputCheckKind *kind,
                                                gboolean          *passed,
                                                const gchar      **message);
gboolean     sr_output_report_check_passed     (SrOutputReport    *self,
                                                SrOutputCheckKind  kind);
const gchar *sr_output_report_get_message      (SrOutputReport    *self,
                                                SrOutputCheckKind  kind);
gchar       *sr_output_report_to_string        (SrOutputReport    *self);
gdouble      sr_output_report_get_ssim         (SrOutputReport    *self);
gdouble      sr_output_report_get_lowest_ssim  (SrOutputReport    *self);
guint64      sr_output_report_get_frames       (SrOutputReport    *self);
gint64       sr_output_report_get_duration     (SrOutputReport    *self);

G_END_DECLS

/* sr-output-report-private.h: how SrOutputCheck fills a report. */
#pragma once

#include "sr-output-report.h"

G_BEGIN_DECLS

SrOutputReport *_sr_output_report_new          (void);
void            _sr_output_report_add          (SrOutputReport    *self,
                                                SrOutputCheckKind  kind,
                                                gboolean           passed,
                                                const gchar       *format,
                                                ...) G_GNUC_PRINTF (4, 5);
void            _sr_output_report_set_measures (SrOutputReport    *self,
                                                gdouble            ssim,
                                                gdouble            lowest_ssim,
                                                guint64            frames,
                                                gint64             duration);

G_END_DECLS

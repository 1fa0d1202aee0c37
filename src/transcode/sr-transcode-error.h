/* sr-transcode-error.h: the one error domain of Seedreel's transcoding layer. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_TRANSCODE_ERROR (sr_transcode_error_quark ())

typedef enum {
  SR_TRANSCODE_ERROR_NOT_VIDEO,
  SR_TRANSCODE_ERROR_INVALID_LADDER,
  SR_TRANSCODE_ERROR_MISSING_ELEMENT,
  SR_TRANSCODE_ERROR_ENCODE_FAILED,
  SR_TRANSCODE_ERROR_DECODE_FAILED,
} SrTranscodeError;

GQuark sr_transcode_error_quark (void);

G_END_DECLS

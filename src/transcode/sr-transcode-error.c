/* sr-transcode-error.c: the one error domain of Seedreel's transcoding layer. */
#include "sr-transcode-error.h"

G_DEFINE_QUARK (sr-transcode-error-quark, sr_transcode_error)

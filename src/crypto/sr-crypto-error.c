/* sr-crypto-error.c: the one error domain of Seedreel's crypto layer. */
#include "sr-crypto-error.h"

G_DEFINE_QUARK (sr-crypto-error-quark, sr_crypto_error)

/* sr-crypto-private.h: helpers shared inside the crypto layer only. */
#pragma once

#include <glib.h>
#include <sodium.h>

/* libsodium must be initialised before its allocator or CSPRNG is used;
 * sodium_init() is thread-safe and cheap once done. */
static inline void
_sr_crypto_ensure_sodium (void)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

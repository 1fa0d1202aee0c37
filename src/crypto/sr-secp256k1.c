/* sr-secp256k1.c: Seedreel's use of libsecp256k1. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_recovery.h>
#include <sodium.h>

#include "sr-crypto-error.h"
#include "sr-crypto-private.h"
#include "sr-secp256k1.h"

/* A context is immutable once created and randomised, so one for the whole
 * process is safe to share between threads; creating it costs ~1 ms. */
static const secp256k1_context *
get_context (void)
{
  static secp256k1_context *ctx;

  if (g_once_init_enter (&ctx))
    {
      guint8 seed[32];
      secp256k1_context *c = secp256k1_context_create (SECP256K1_CONTEXT_NONE);

      /* Blinding against side channels; needs libsodium's CSPRNG. */
      _sr_crypto_ensure_sodium ();
      randombytes_buf (seed, sizeof seed);
      if (!secp256k1_context_randomize (c, seed))
        g_error ("secp256k1 context randomisation failed");
      sodium_memzero (seed, sizeof seed);
      g_once_init_leave (&ctx, c);
    }
  return ctx;
}

static gboolean
invalid_key (GError **error)
{
  g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEY,
               _("The private key is not valid (zero or not below the curve order)"));
  return FALSE;
}

gboolean
sr_secp256k1_check_private_key (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                                GError     **error)
{
  if (!secp256k1_ec_seckey_verify (get_context (), private_key))
    return invalid_key (error);
  return TRUE;
}

static gboolean
serialize_public_key (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                      guint8      *out,
                      gsize        out_len,
                      guint        flags,
                      GError     **error)
{
  secp256k1_pubkey pub;
  size_t len = out_len;

  if (!secp256k1_ec_pubkey_create (get_context (), &pub, private_key))
    return invalid_key (error);
  secp256k1_ec_pubkey_serialize (get_context (), out, &len, &pub, flags);
  g_assert (len == out_len);
  return TRUE;
}

gboolean
sr_secp256k1_public_key (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                         guint8       public_key[SR_PUBLIC_KEY_LEN],
                         GError     **error)
{
  return serialize_public_key (private_key, public_key, SR_PUBLIC_KEY_LEN,
                               SECP256K1_EC_UNCOMPRESSED, error);
}

gboolean
sr_secp256k1_compressed_public_key (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                                    guint8       public_key[SR_COMPRESSED_PUBLIC_KEY_LEN],
                                    GError     **error)
{
  return serialize_public_key (private_key, public_key, SR_COMPRESSED_PUBLIC_KEY_LEN,
                               SECP256K1_EC_COMPRESSED, error);
}

gboolean
sr_secp256k1_private_key_address (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                                  guint8       address[SR_ADDRESS_LEN],
                                  GError     **error)
{
  guint8 pub[SR_PUBLIC_KEY_LEN];

  return sr_secp256k1_public_key (private_key, pub, error) &&
         sr_address_from_public_key (pub, sizeof pub, address, error);
}

/* RFC 6979 deterministic nonces (libsecp256k1's default): the same key and
 * hash always give the same signature, byte-identical to other wallets. */
gboolean
sr_secp256k1_sign (const guint8 private_key[SR_PRIVATE_KEY_LEN],
                   const guint8 hash[32],
                   guint8       signature[SR_SIGNATURE_LEN],
                   GError     **error)
{
  const secp256k1_context *ctx = get_context ();
  secp256k1_ecdsa_recoverable_signature sig;
  int recid;

  if (!secp256k1_ecdsa_sign_recoverable (ctx, &sig, hash, private_key, NULL, NULL))
    return invalid_key (error);
  secp256k1_ecdsa_recoverable_signature_serialize_compact (ctx, signature, &recid, &sig);
  /* libsecp256k1 only produces low-s signatures; this keeps it so. */
  {
    secp256k1_ecdsa_signature plain;
    secp256k1_ecdsa_recoverable_signature_convert (ctx, &plain, &sig);
    g_assert (!secp256k1_ecdsa_signature_normalize (ctx, NULL, &plain));
  }
  signature[64] = (guint8) recid;
  return TRUE;
}

static gboolean
parse_signature (const guint8                           signature[SR_SIGNATURE_LEN],
                 secp256k1_ecdsa_recoverable_signature *sig,
                 GError                               **error)
{
  const secp256k1_context *ctx = get_context ();
  secp256k1_ecdsa_signature plain;
  int recid = signature[64];

  /* Accept the 27/28 form that ecrecover and personal_sign use. */
  if (recid == 27 || recid == 28)
    recid -= 27;
  if (recid != 0 && recid != 1)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_SIGNATURE,
                   _("The signature’s recovery id must be 0, 1, 27 or 28"));
      return FALSE;
    }
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact (ctx, sig, signature, recid))
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_SIGNATURE,
                   _("The signature is not valid: r or s is out of range"));
      return FALSE;
    }
  /* A high-s signature is malleable; Ethereum and OpenZeppelin reject it. */
  secp256k1_ecdsa_recoverable_signature_convert (ctx, &plain, sig);
  if (secp256k1_ecdsa_signature_normalize (ctx, NULL, &plain))
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_SIGNATURE,
                   _("The signature is not valid: s is in the upper half of the curve order"));
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_secp256k1_recover (const guint8 hash[32],
                      const guint8 signature[SR_SIGNATURE_LEN],
                      guint8       public_key[SR_PUBLIC_KEY_LEN],
                      GError     **error)
{
  const secp256k1_context *ctx = get_context ();
  secp256k1_ecdsa_recoverable_signature sig;
  secp256k1_pubkey pub;
  size_t len = SR_PUBLIC_KEY_LEN;

  if (!parse_signature (signature, &sig, error))
    return FALSE;
  if (!secp256k1_ecdsa_recover (ctx, &pub, &sig, hash))
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_SIGNATURE,
                   _("No public key can be recovered from this signature"));
      return FALSE;
    }
  secp256k1_ec_pubkey_serialize (ctx, public_key, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  return TRUE;
}

gboolean
sr_secp256k1_recover_address (const guint8 hash[32],
                              const guint8 signature[SR_SIGNATURE_LEN],
                              guint8       address[SR_ADDRESS_LEN],
                              GError     **error)
{
  guint8 pub[SR_PUBLIC_KEY_LEN];

  return sr_secp256k1_recover (hash, signature, pub, error) &&
         sr_address_from_public_key (pub, sizeof pub, address, error);
}

/* The shared secret is SHA-256 of the compressed shared point
 * (libsecp256k1's default), so it is directly usable as a symmetric key. */
gboolean
sr_secp256k1_ecdh (const guint8  private_key[SR_PRIVATE_KEY_LEN],
                   const guint8 *peer_public_key,
                   gsize         peer_public_key_len,
                   guint8        shared_secret[SR_SHARED_SECRET_LEN],
                   GError      **error)
{
  const secp256k1_context *ctx = get_context ();
  secp256k1_pubkey pub;

  if (!secp256k1_ec_pubkey_parse (ctx, &pub, peer_public_key, peer_public_key_len))
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEY,
                   _("The other party’s public key is not a valid secp256k1 point"));
      return FALSE;
    }
  if (!secp256k1_ecdh (ctx, shared_secret, &pub, private_key, NULL, NULL))
    return invalid_key (error);
  return TRUE;
}

gboolean
sr_secp256k1_tweak_add_private_key (guint8       private_key[SR_PRIVATE_KEY_LEN],
                                    const guint8 tweak[32],
                                    GError     **error)
{
  if (!secp256k1_ec_seckey_tweak_add (get_context (), private_key, tweak))
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_KEY,
                   _("Deriving this key gives an invalid result; use the next index"));
      return FALSE;
    }
  return TRUE;
}

/* sr-tx.c: EIP-1559 and EIP-155 transaction encoding, signing and decoding. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sr-crypto-error.h"
#include "sr-keccak.h"
#include "sr-rlp.h"
#include "sr-tx.h"

static const guint8 empty_list[] = { 0xc0 };

SrTx *
sr_tx_new (SrTxType type)
{
  SrTx *tx = g_new0 (SrTx, 1);

  tx->type = type;
  return tx;
}

void
sr_tx_free (SrTx *tx)
{
  if (tx == NULL)
    return;
  g_clear_pointer (&tx->data, g_bytes_unref);
  g_clear_pointer (&tx->access_list, g_bytes_unref);
  g_free (tx);
}

static void
append_gbytes (GByteArray *out,
               GBytes     *bytes)
{
  gsize len = 0;
  const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  sr_rlp_append_bytes (out, data, len);
}

static void
append_fields (GByteArray *out,
               const SrTx *tx)
{
  if (tx->type == SR_TX_TYPE_EIP1559)
    {
      sr_rlp_append_uint64 (out, tx->chain_id);
      sr_rlp_append_uint64 (out, tx->nonce);
      sr_rlp_append_uint256 (out, tx->max_priority_fee_per_gas);
      sr_rlp_append_uint256 (out, tx->max_fee_per_gas);
    }
  else
    {
      sr_rlp_append_uint64 (out, tx->nonce);
      sr_rlp_append_uint256 (out, tx->gas_price);
    }
  sr_rlp_append_uint64 (out, tx->gas_limit);
  sr_rlp_append_bytes (out, tx->to, tx->has_to ? SR_ADDRESS_LEN : 0);
  sr_rlp_append_uint256 (out, tx->value);
  append_gbytes (out, tx->data);
  if (tx->type == SR_TX_TYPE_EIP1559)
    {
      if (tx->access_list != NULL)
        sr_rlp_append_raw (out, g_bytes_get_data (tx->access_list, NULL),
                           g_bytes_get_size (tx->access_list));
      else
        sr_rlp_append_raw (out, empty_list, sizeof empty_list);
    }
}

/* Type 2: 0x02 ‖ rlp([chainId, nonce, tip, maxFee, gas, to, value, data,
 * accessList]). Legacy EIP-155: rlp([nonce, gasPrice, gas, to, value, data,
 * chainId, 0, 0]). */
GBytes *
sr_tx_signing_payload (const SrTx *tx)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize list;

  if (tx->type == SR_TX_TYPE_EIP1559)
    g_byte_array_append (out, (const guint8 *) "\x02", 1);
  list = sr_rlp_begin_list (out);
  append_fields (out, tx);
  if (tx->type == SR_TX_TYPE_LEGACY && tx->chain_id != 0)
    {
      sr_rlp_append_uint64 (out, tx->chain_id);
      sr_rlp_append_uint64 (out, 0);
      sr_rlp_append_uint64 (out, 0);
    }
  sr_rlp_end_list (out, list);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

void
sr_tx_signing_hash (const SrTx *tx,
                    guint8      hash[32])
{
  g_autoptr(GBytes) payload = sr_tx_signing_payload (tx);

  sr_keccak256 (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), hash);
}

gboolean
sr_tx_sign (SrTx         *tx,
            const guint8  private_key[SR_PRIVATE_KEY_LEN],
            GError      **error)
{
  guint8 hash[32];
  guint8 sig[SR_SIGNATURE_LEN];

  sr_tx_signing_hash (tx, hash);
  if (!sr_secp256k1_sign (private_key, hash, sig, error))
    return FALSE;
  memcpy (tx->r, sig, 32);
  memcpy (tx->s, sig + 32, 32);
  tx->y_parity = sig[64];
  tx->is_signed = TRUE;
  return TRUE;
}

static guint64
legacy_v (const SrTx *tx)
{
  if (tx->chain_id == 0)
    return 27 + tx->y_parity;
  return tx->chain_id * 2 + 35 + tx->y_parity;
}

GBytes *
sr_tx_encode_raw (const SrTx *tx,
                  GError    **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize list;

  if (!tx->is_signed)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_TRANSACTION,
                   _("The transaction has not been signed yet"));
      return NULL;
    }
  /* v = chainId * 2 + 36 must fit in 64 bits. */
  if (tx->type == SR_TX_TYPE_LEGACY && tx->chain_id > (G_MAXUINT64 - 36) / 2)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_TRANSACTION,
                   _("The chain id is too large for a legacy transaction"));
      return NULL;
    }
  if (tx->type == SR_TX_TYPE_EIP1559)
    g_byte_array_append (out, (const guint8 *) "\x02", 1);
  list = sr_rlp_begin_list (out);
  append_fields (out, tx);
  if (tx->type == SR_TX_TYPE_EIP1559)
    sr_rlp_append_uint64 (out, tx->y_parity);
  else
    sr_rlp_append_uint64 (out, legacy_v (tx));
  sr_rlp_append_uint256 (out, tx->r);
  sr_rlp_append_uint256 (out, tx->s);
  sr_rlp_end_list (out, list);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
sr_tx_hash (const SrTx *tx,
            guint8      hash[32],
            GError    **error)
{
  g_autoptr(GBytes) raw = sr_tx_encode_raw (tx, error);

  if (raw == NULL)
    return FALSE;
  sr_keccak256 (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), hash);
  return TRUE;
}

static gboolean
invalid (GError     **error,
         const gchar *what)
{
  g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_TRANSACTION,
               _("The raw transaction is not valid: %s"), what);
  return FALSE;
}

static GBytes *
item_bytes (const SrRlpItem *item)
{
  gsize len;
  const guint8 *data = sr_rlp_item_get_data (item, &len);

  return g_bytes_new (data, len);
}

static gboolean
read_string (const SrRlpItem *item,
             GBytes         **out,
             GError         **error)
{
  if (sr_rlp_item_is_list (item))
    return invalid (error, _("a list was found where bytes were expected"));
  *out = item_bytes (item);
  return TRUE;
}

static gboolean
read_to (const SrRlpItem *item,
         SrTx            *tx,
         GError         **error)
{
  gsize len;
  const guint8 *data;

  if (sr_rlp_item_is_list (item))
    return invalid (error, _("the recipient is a list"));
  data = sr_rlp_item_get_data (item, &len);
  if (len == 0)
    {
      tx->has_to = FALSE;
      return TRUE;
    }
  if (len != SR_ADDRESS_LEN)
    return invalid (error, _("the recipient is not 20 bytes long"));
  tx->has_to = TRUE;
  memcpy (tx->to, data, SR_ADDRESS_LEN);
  return TRUE;
}

static gboolean
decode_fields (SrRlpItem *list,
               SrTx      *tx,
               GError   **error)
{
  guint i = 0;
  guint64 v;
  SrRlpItem *access_list;
  gsize enc_len;
  const guint8 *enc;

#define CHILD() sr_rlp_item_get_child (list, i++)
  if (tx->type == SR_TX_TYPE_EIP1559)
    {
      if (sr_rlp_item_get_n_children (list) != 12)
        return invalid (error, _("a type 2 transaction has 12 fields"));
      if (!sr_rlp_item_get_uint64 (CHILD (), &tx->chain_id, error) ||
          !sr_rlp_item_get_uint64 (CHILD (), &tx->nonce, error) ||
          !sr_rlp_item_get_uint256 (CHILD (), tx->max_priority_fee_per_gas, error) ||
          !sr_rlp_item_get_uint256 (CHILD (), tx->max_fee_per_gas, error))
        return FALSE;
    }
  else
    {
      if (sr_rlp_item_get_n_children (list) != 9)
        return invalid (error, _("a legacy transaction has 9 fields"));
      if (!sr_rlp_item_get_uint64 (CHILD (), &tx->nonce, error) ||
          !sr_rlp_item_get_uint256 (CHILD (), tx->gas_price, error))
        return FALSE;
    }
  if (!sr_rlp_item_get_uint64 (CHILD (), &tx->gas_limit, error) ||
      !read_to (CHILD (), tx, error) ||
      !sr_rlp_item_get_uint256 (CHILD (), tx->value, error) ||
      !read_string (CHILD (), &tx->data, error))
    return FALSE;

  if (tx->type == SR_TX_TYPE_EIP1559)
    {
      access_list = CHILD ();
      if (!sr_rlp_item_is_list (access_list))
        return invalid (error, _("the access list is not a list"));
      enc = sr_rlp_item_get_encoded (access_list, &enc_len);
      tx->access_list = g_bytes_new (enc, enc_len);
    }

  if (!sr_rlp_item_get_uint64 (CHILD (), &v, error) ||
      !sr_rlp_item_get_uint256 (CHILD (), tx->r, error) ||
      !sr_rlp_item_get_uint256 (CHILD (), tx->s, error))
    return FALSE;
#undef CHILD

  if (tx->type == SR_TX_TYPE_EIP1559)
    {
      if (v > 1)
        return invalid (error, _("yParity must be 0 or 1"));
      tx->y_parity = (guint8) v;
    }
  else if (v == 27 || v == 28)
    {
      tx->chain_id = 0;
      tx->y_parity = (guint8) (v - 27);
    }
  else if (v >= 37)
    {
      tx->chain_id = (v - 35) / 2;
      tx->y_parity = (guint8) ((v - 35) % 2);
    }
  else
    return invalid (error, _("v is neither 27/28 nor an EIP-155 value"));

  tx->is_signed = TRUE;
  return TRUE;
}

SrTx *
sr_tx_decode (GBytes  *raw,
              GError **error)
{
  g_autoptr(SrTx) tx = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SrRlpItem) list = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (raw, &len);

  if (len == 0)
    {
      invalid (error, _("it is empty"));
      return NULL;
    }
  if (data[0] == 0x02)
    {
      tx = sr_tx_new (SR_TX_TYPE_EIP1559);
      body = g_bytes_new_from_bytes (raw, 1, len - 1);
    }
  else if (data[0] >= 0xc0)
    {
      tx = sr_tx_new (SR_TX_TYPE_LEGACY);
      body = g_bytes_ref (raw);
    }
  else
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_TRANSACTION,
                   _("Transactions of type %u are not supported"), data[0]);
      return NULL;
    }

  list = sr_rlp_decode (body, error);
  if (list == NULL)
    return NULL;
  if (!sr_rlp_item_is_list (list))
    {
      invalid (error, _("it is not a list"));
      return NULL;
    }
  if (!decode_fields (list, tx, error))
    return NULL;
  return g_steal_pointer (&tx);
}

gboolean
sr_tx_recover_sender (const SrTx *tx,
                      guint8      address[SR_ADDRESS_LEN],
                      GError    **error)
{
  guint8 hash[32];
  guint8 sig[SR_SIGNATURE_LEN];

  if (!tx->is_signed)
    {
      g_set_error (error, SR_CRYPTO_ERROR, SR_CRYPTO_ERROR_INVALID_TRANSACTION,
                   _("The transaction has not been signed yet"));
      return FALSE;
    }
  sr_tx_signing_hash (tx, hash);
  memcpy (sig, tx->r, 32);
  memcpy (sig + 32, tx->s, 32);
  sig[64] = tx->y_parity;
  return sr_secp256k1_recover_address (hash, sig, address, error);
}

/* test-signer.c: seedreel-signer through SrSigner: accounts, passwords,
 * keystores, confirmed transactions, receipts, key unwrapping, crashes,
 * auto-lock, damaged files and process hardening. */
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sys/types.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "chain/sr-signer.h"
#include "crypto/sr-address.h"
#include "crypto/sr-eip712.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-key-wrap.h"
#include "crypto/sr-keystore-v3.h"
#include "crypto/sr-rlp.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-tx.h"

#define KEY_4646 "0x4646464646464646464646464646464646464646464646464646464646464646"
#define ADDRESS_4646 "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"
#define PASSWORD "correct horse battery"

/* geth's accounts/keystore scrypt test vector; key 7a28b5…fe9d, password "testpassword". */
static const gchar *geth_vector =
  "{\"crypto\":{\"cipher\":\"aes-128-ctr\",\"cipherparams\":{\"iv\":\"83dbcc02d8ccb40e466191a123791e0e\"},"
  "\"ciphertext\":\"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c\",\"kdf\":\"scrypt\","
  "\"kdfparams\":{\"dklen\":32,\"n\":262144,\"r\":1,\"p\":8,"
  "\"salt\":\"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19\"},"
  "\"mac\":\"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097\"},"
  "\"id\":\"3198bc9c-6672-5ab3-d995-4942343ae5b6\",\"version\":3}";
#define GETH_SECRET "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"
#define GETH_ADDRESS "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b"

/* EIP-155's example: nonce 9, 20 gwei, 21000 gas, 1 ether to 0x3535…35, chain 1. */
#define EIP155_RAW "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7640000" \
  "8025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"

#define TYPED_DATA(domain_name, primary, receipt_fields) \
  "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"version\",\"type\":\"string\"}," \
  "{\"name\":\"chainId\",\"type\":\"uint256\"},{\"name\":\"verifyingContract\",\"type\":\"address\"}]," \
  "\"" primary "\":[" receipt_fields "]}," \
  "\"primaryType\":\"" primary "\",\"domain\":{\"name\":\"" domain_name "\",\"version\":\"1\",\"chainId\":31337," \
  "\"verifyingContract\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\"}," \
  "\"message\":{\"viewId\":\"7\",\"seeder\":\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\",\"bytes\":\"1048576\"}}"
#define RECEIPT_FIELDS "{\"name\":\"viewId\",\"type\":\"uint256\"},{\"name\":\"seeder\",\"type\":\"address\"},{\"name\":\"bytes\",\"type\":\"uint64\"}"

typedef struct {
  gchar *data_home;
  SrSigner *signer;
} Fixture;

/* Running async calls to completion */

static GAsyncResult *done_result;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_assert_null (done_result);
  done_result = g_object_ref (result);
}

static GAsyncResult *
await_result (void)
{
  GAsyncResult *result;

  while (done_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = done_result;
  done_result = NULL;
  return result;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
run_for_ms (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_loop, loop);
  g_main_loop_run (loop);
}

static GPtrArray *
list_accounts (SrSigner  *signer,
               GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sr_signer_list_accounts_async (signer, NULL, on_done, NULL);
  result = await_result ();
  return sr_signer_list_accounts_finish (signer, result, error);
}

static gchar *
import_key (SrSigner    *signer,
            const gchar *hex,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sr_signer_import_private_key_async (signer, hex, "Imported", PASSWORD, NULL, on_done, NULL);
  result = await_result ();
  return sr_signer_import_finish (signer, result, error);
}

static gboolean
unlock (SrSigner    *signer,
        const gchar *address,
        const gchar *password,
        guint        timeout_s,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sr_signer_unlock_async (signer, address, password, timeout_s, NULL, on_done, NULL);
  result = await_result ();
  return sr_signer_unlock_finish (signer, result, error);
}

static gboolean
is_unlocked (SrSigner    *signer,
             const gchar *address)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean unlocked = FALSE;

  sr_signer_is_unlocked_async (signer, address, NULL, on_done, NULL);
  result = await_result ();
  g_assert_true (sr_signer_is_unlocked_finish (signer, result, &unlocked, &error));
  g_assert_no_error (error);
  return unlocked;
}

static GVariant *
prepare_tx (SrSigner    *signer,
            const gchar *address,
            GVariant    *tx,
            gchar      **token,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sr_signer_prepare_transaction_async (signer, address, tx, NULL, on_done, NULL);
  result = await_result ();
  return sr_signer_prepare_transaction_finish (signer, result, token, error);
}

static GBytes *
sign_tx (SrSigner    *signer,
         const gchar *address,
         GVariant    *tx,
         const gchar *token,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sr_signer_sign_transaction_async (signer, address, tx, token, NULL, on_done, NULL);
  result = await_result ();
  return sr_signer_sign_transaction_finish (signer, result, error);
}

static GBytes *
sign_typed (SrSigner    *signer,
            const gchar *address,
            const gchar *json,
            const gchar *token,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sr_signer_sign_typed_data_async (signer, address, json, token, NULL, on_done, NULL);
  result = await_result ();
  return sr_signer_sign_typed_data_finish (signer, result, error);
}

static gchar *
keystore_path (Fixture     *fixture,
               const gchar *address)
{
  g_autofree gchar *name = g_strconcat (address, ".json", NULL);

  return g_build_filename (fixture->data_home, "seedreel", "keys", name, NULL);
}

static void
spawn (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->signer);
  fixture->signer = sr_signer_spawn (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sr_signer_get_running (fixture->signer));
}

static void
remove_tree (const gchar *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree gchar *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* Every test starts with an empty wallet; XDG_DATA_HOME itself is set once
 * in main(), before any thread exists. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->data_home = g_strdup (g_getenv ("XDG_DATA_HOME"));
  spawn (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree gchar *wallet = g_build_filename (fixture->data_home, "seedreel", NULL);

  g_clear_object (&fixture->signer);
  remove_tree (wallet);
  g_free (fixture->data_home);
}

static SrTx *
eip155_example (void)
{
  g_autoptr(GError) error = NULL;
  SrTx *tx = sr_tx_new (SR_TX_TYPE_LEGACY);

  tx->chain_id = 1;
  tx->nonce = 9;
  sr_u256_from_uint64 (tx->gas_price, G_GUINT64_CONSTANT (20000000000));
  tx->gas_limit = 21000;
  tx->has_to = TRUE;
  memset (tx->to, 0x35, SR_ADDRESS_LEN);
  sr_u256_from_uint64 (tx->value, G_GUINT64_CONSTANT (1000000000000000000));
  return tx;
}

/* Tests */

static void
test_create_list_unlock (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) import_result = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autofree gchar *mnemonic = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *again = NULL;
  g_auto(GStrv) words = NULL;
  SrSignerAccount *account;
  gint64 start;

  accounts = list_accounts (fixture->signer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 0);
  g_clear_pointer (&accounts, g_ptr_array_unref);

  start = g_get_monotonic_time ();
  sr_signer_create_account_async (fixture->signer, "Everyday", PASSWORD, NULL, on_done, NULL);
  result = await_result ();
  address = sr_signer_create_account_finish (fixture->signer, result, &mnemonic, &error);
  g_assert_no_error (error);
  g_test_message ("CreateAccount took %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_true (g_str_has_prefix (address, "0x"));
  g_assert_cmpuint (strlen (address), ==, 42);
  words = g_strsplit (mnemonic, " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, 12);

  accounts = list_accounts (fixture->signer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  account = g_ptr_array_index (accounts, 0);
  g_assert_cmpstr (account->address, ==, address);
  g_assert_cmpstr (account->label, ==, "Everyday");

  /* The phrase shown once derives the same account (m/44'/60'/0'/0/0). */
  sr_signer_import_mnemonic_async (fixture->signer, mnemonic, 0, "Again", PASSWORD, NULL, on_done, NULL);
  import_result = await_result ();
  again = sr_signer_import_finish (fixture->signer, import_result, &error);
  g_assert_null (again);
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_ACCOUNT_EXISTS);
  g_assert_nonnull (strstr (error->message, address));
  g_clear_error (&error);

  g_assert_false (is_unlocked (fixture->signer, address));
  g_assert_false (unlock (fixture->signer, address, "correct horse battery!", 0, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_WRONG_PASSWORD);
  g_assert_cmpstr (error->message, ==, "The password is wrong");
  g_clear_error (&error);
  g_assert_false (is_unlocked (fixture->signer, address));

  start = g_get_monotonic_time ();
  g_assert_true (unlock (fixture->signer, address, PASSWORD, 0, &error));
  g_assert_no_error (error);
  g_test_message ("Unlock took %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_true (is_unlocked (fixture->signer, address));

  {
    g_autoptr(GAsyncResult) lock_result = NULL;

    sr_signer_lock_async (fixture->signer, address, NULL, on_done, NULL);
    lock_result = await_result ();
    g_assert_true (sr_signer_lock_finish (fixture->signer, lock_result, &error));
    g_assert_no_error (error);
  }
  g_assert_false (is_unlocked (fixture->signer, address));
}

static void
test_mnemonic_vector (Fixture       *fixture,
                      gconstpointer  data)
{
  /* The well-known "test test … junk" phrase: anvil's and hardhat's first two accounts. */
  static const gchar *phrase = "test test test test test test test test test test test junk";
  static const gchar *expected[] = {
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autofree gchar *address = NULL;

      sr_signer_import_mnemonic_async (fixture->signer, phrase, i, "Dev", PASSWORD, NULL, on_done, NULL);
      result = await_result ();
      address = sr_signer_import_finish (fixture->signer, result, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (address, ==, expected[i]);
    }
}

static gchar *
import_v3 (SrSigner    *signer,
           const gchar *json,
           const gchar *v3_password,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sr_signer_import_keystore_v3_async (signer, json, v3_password, "From geth", PASSWORD, NULL, on_done, NULL);
  result = await_result ();
  return sr_signer_import_finish (signer, result, error);
}

static void
test_keystore_v3_round_trip (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *exported = NULL;
  g_autofree gchar *reimported = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *key_hex = NULL;
  guint8 key[SR_PRIVATE_KEY_LEN];

  g_assert_null (import_v3 (fixture->signer, geth_vector, "wrong", &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  address = import_v3 (fixture->signer, geth_vector, "testpassword", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, GETH_ADDRESS);

  sr_signer_export_keystore_v3_async (fixture->signer, address, "not it", NULL, on_done, NULL);
  result = await_result ();
  g_assert_null (sr_signer_export_keystore_v3_finish (fixture->signer, result, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_clear_object (&result);

  sr_signer_export_keystore_v3_async (fixture->signer, address, PASSWORD, NULL, on_done, NULL);
  result = await_result ();
  exported = sr_signer_export_keystore_v3_finish (fixture->signer, result, &error);
  g_assert_no_error (error);

  /* The export is a standard v3 file: the crypto layer opens it directly. */
  g_assert_true (sr_keystore_v3_decrypt (exported, -1, PASSWORD, key, &error));
  g_assert_no_error (error);
  key_hex = sr_hex_encode_bare (key, sizeof key);
  g_assert_cmpstr (key_hex, ==, GETH_SECRET);

  /* …and a wallet that lost the account imports it back. */
  path = keystore_path (fixture, address);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_true (sr_signer_restart (fixture->signer, &error));
  g_assert_no_error (error);
  reimported = import_v3 (fixture->signer, exported, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reimported, ==, GETH_ADDRESS);
}

static void
test_hostile_v3 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *hostile = NULL;
  GString *json = g_string_new (geth_vector);

  /* n = 2^30 would need 1 GiB per lane: refused before any work. */
  g_string_replace (json, "\"n\":262144", "\"n\":1073741824", 1);
  hostile = g_string_free (json, FALSE);
  g_assert_null (import_v3 (fixture->signer, hostile, "testpassword", &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_INVALID_ARGUMENT);
}

static void
test_eip155_confirmation (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTx) tx = eip155_example ();
  g_autoptr(SrTx) other = eip155_example ();
  g_autoptr(GVariant) tx_v = g_variant_ref_sink (sr_signer_tx_to_variant (tx));
  g_autoptr(GVariant) other_v = NULL;
  g_autoptr(GVariant) summary = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *token = NULL;
  g_autofree gchar *other_token = NULL;
  g_autofree gchar *raw_hex = NULL;
  const gchar *text;
  guint64 chain_id;

  other->nonce = 10;
  other_v = g_variant_ref_sink (sr_signer_tx_to_variant (other));

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, ADDRESS_4646);

  summary = prepare_tx (fixture->signer, address, tx_v, &token, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (summary, "to", "&s", &text));
  g_assert_cmpstr (text, ==, "0x3535353535353535353535353535353535353535");
  g_assert_true (g_variant_lookup (summary, "value", "&s", &text));
  g_assert_cmpstr (text, ==, "1000000000000000000");
  g_assert_true (g_variant_lookup (summary, "gas-price", "&s", &text));
  g_assert_cmpstr (text, ==, "20000000000");
  g_assert_true (g_variant_lookup (summary, "chain-id", "t", &chain_id));
  g_assert_cmpuint (chain_id, ==, 1);
  g_assert_true (g_variant_lookup (summary, "from", "&s", &text));
  g_assert_cmpstr (text, ==, ADDRESS_4646);

  /* Locked: nothing is signed, and the confirmation survives for after the unlock. */
  g_assert_null (sign_tx (fixture->signer, address, tx_v, token, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_true (unlock (fixture->signer, address, PASSWORD, 0, &error));
  g_assert_no_error (error);

  /* No token at all. */
  g_assert_null (sign_tx (fixture->signer, address, tx_v, NULL, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_CONFIRMATION_REQUIRED);
  g_clear_error (&error);

  /* A token confirmed for another transaction. */
  g_clear_pointer (&summary, g_variant_unref);
  summary = prepare_tx (fixture->signer, address, other_v, &other_token, &error);
  g_assert_no_error (error);
  g_assert_null (sign_tx (fixture->signer, address, tx_v, other_token, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_CONFIRMATION_REQUIRED);
  g_clear_error (&error);
  /* …which that failed attempt used up. */
  g_assert_null (sign_tx (fixture->signer, address, other_v, other_token, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_CONFIRMATION_REQUIRED);
  g_clear_error (&error);

  raw = sign_tx (fixture->signer, address, tx_v, token, &error);
  g_assert_no_error (error);
  raw_hex = sr_hex_encode (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_assert_cmpstr (raw_hex, ==, EIP155_RAW);

  /* Reused token. */
  g_assert_null (sign_tx (fixture->signer, address, tx_v, token, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_CONFIRMATION_REQUIRED);
}

static void
test_eip1559 (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTx) tx = sr_tx_new (SR_TX_TYPE_EIP1559);
  g_autoptr(SrTx) decoded = NULL;
  g_autoptr(GVariant) tx_v = NULL;
  g_autoptr(GVariant) summary = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *token = NULL;
  static const guint8 transfer[] = { 0xa9, 0x05, 0x9c, 0xbb, 0x00, 0x01 };
  guint8 sender[SR_ADDRESS_LEN], expected[SR_ADDRESS_LEN];
  const gchar *text;

  tx->chain_id = 31337;
  tx->nonce = 3;
  sr_u256_from_uint64 (tx->max_priority_fee_per_gas, 1000000000);
  sr_u256_from_uint64 (tx->max_fee_per_gas, 30000000000);
  tx->gas_limit = 60000;
  tx->has_to = TRUE;
  g_assert_true (sr_address_parse ("0x5FbDB2315678afecb367f032d93F642f64180aa3", tx->to, NULL));
  tx->data = g_bytes_new_static (transfer, sizeof transfer);
  {
    /* [[0x5FbD…0aa3, [0x00…01]]] */
    GByteArray *rlp = g_byte_array_new ();
    guint8 slot[32] = { 0 };
    gsize outer, entry, keys;

    slot[31] = 1;
    outer = sr_rlp_begin_list (rlp);
    entry = sr_rlp_begin_list (rlp);
    sr_rlp_append_bytes (rlp, tx->to, SR_ADDRESS_LEN);
    keys = sr_rlp_begin_list (rlp);
    sr_rlp_append_bytes (rlp, slot, sizeof slot);
    sr_rlp_end_list (rlp, keys);
    sr_rlp_end_list (rlp, entry);
    sr_rlp_end_list (rlp, outer);
    tx->access_list = g_byte_array_free_to_bytes (rlp);
  }
  tx_v = g_variant_ref_sink (sr_signer_tx_to_variant (tx));

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);
  g_assert_true (unlock (fixture->signer, address, PASSWORD, 0, &error));

  summary = prepare_tx (fixture->signer, address, tx_v, &token, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (summary, "data-selector", "&s", &text));
  g_assert_cmpstr (text, ==, "0xa9059cbb");
  g_assert_true (g_variant_lookup (summary, "max-fee-per-gas", "&s", &text));
  g_assert_cmpstr (text, ==, "30000000000");
  g_assert_true (g_variant_lookup (summary, "to", "&s", &text));
  g_assert_cmpstr (text, ==, "0x5FbDB2315678afecb367f032d93F642f64180aa3");

  raw = sign_tx (fixture->signer, address, tx_v, token, &error);
  g_assert_no_error (error);
  decoded = sr_tx_decode (raw, &error);
  g_assert_no_error (error);
  g_assert_cmpint (decoded->type, ==, SR_TX_TYPE_EIP1559);
  g_assert_cmpuint (decoded->chain_id, ==, 31337);
  g_assert_cmpuint (decoded->nonce, ==, 3);
  g_assert_true (g_bytes_equal (decoded->access_list, tx->access_list));
  g_assert_true (g_bytes_equal (decoded->data, tx->data));
  /* Byte for byte what the crypto layer signs in-process with the same key. */
  {
    g_autoptr(GBytes) local_raw = NULL;
    guint8 key[SR_PRIVATE_KEY_LEN];

    memset (key, 0x46, sizeof key);
    g_assert_true (sr_tx_sign (tx, key, &error));
    local_raw = sr_tx_encode_raw (tx, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (raw, local_raw));
  }
  g_assert_true (sr_tx_recover_sender (decoded, sender, &error));
  g_assert_true (sr_address_parse (address, expected, NULL));
  g_assert_cmpmem (sender, SR_ADDRESS_LEN, expected, SR_ADDRESS_LEN);

  /* A transaction without a chain id could be replayed anywhere: refused outright. */
  {
    g_autoptr(GVariant) no_chain = NULL;
    g_autofree gchar *no_chain_token = NULL;

    tx->chain_id = 0;
    no_chain = g_variant_ref_sink (sr_signer_tx_to_variant (tx));
    g_assert_null (prepare_tx (fixture->signer, address, no_chain, &no_chain_token, &error));
    g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_missing_agent (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrSigner) signer = sr_signer_spawn ("/nonexistent/seedreel-signer", &error);

  g_assert_null (signer);
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NOT_RUNNING);
  g_assert_nonnull (strstr (error->message, "/nonexistent/seedreel-signer"));
}

static void
test_typed_data (Fixture       *fixture,
                 gconstpointer  data)
{
  static const gchar *receipt = TYPED_DATA ("Seedreel", "Receipt", RECEIPT_FIELDS);
  static const gchar *foreign = TYPED_DATA ("Elsewhere", "Receipt", RECEIPT_FIELDS);
  static const gchar *lookalike = TYPED_DATA ("Seedreel", "Receipt",
      "{\"name\":\"viewId\",\"type\":\"uint256\"},{\"name\":\"seeder\",\"type\":\"address\"},{\"name\":\"bytes\",\"type\":\"uint256\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) foreign_signature = NULL;
  g_autoptr(GVariant) summary = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *token = NULL;
  SrEip712Hashes hashes;
  guint8 recovered[SR_ADDRESS_LEN], expected[SR_ADDRESS_LEN];
  const gchar *text;

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);
  g_assert_true (unlock (fixture->signer, address, PASSWORD, 0, &error));

  signature = sign_typed (fixture->signer, address, receipt, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (signature), ==, SR_SIGNATURE_LEN);
  g_assert_true (sr_eip712_hash_json (receipt, -1, &hashes, &error));
  g_assert_true (sr_secp256k1_recover_address (hashes.digest, g_bytes_get_data (signature, NULL),
                                               recovered, &error));
  g_assert_no_error (error);
  g_assert_true (sr_address_parse (address, expected, NULL));
  g_assert_cmpmem (recovered, SR_ADDRESS_LEN, expected, SR_ADDRESS_LEN);

  /* Other typed data, or a receipt of another shape, needs the user. */
  g_assert_null (sign_typed (fixture->signer, address, foreign, NULL, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_CONFIRMATION_REQUIRED);
  g_clear_error (&error);
  g_assert_null (sign_typed (fixture->signer, address, lookalike, NULL, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_CONFIRMATION_REQUIRED);
  g_clear_error (&error);

  sr_signer_prepare_typed_data_async (fixture->signer, address, foreign, NULL, on_done, NULL);
  result = await_result ();
  summary = sr_signer_prepare_typed_data_finish (fixture->signer, result, &token, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (summary, "domain-name", "&s", &text));
  g_assert_cmpstr (text, ==, "Elsewhere");
  g_assert_true (g_variant_lookup (summary, "chain-id", "&s", &text));
  g_assert_cmpstr (text, ==, "31337");
  foreign_signature = sign_typed (fixture->signer, address, foreign, token, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (foreign_signature), ==, SR_SIGNATURE_LEN);
}

/* Receipts are signed every few MiB while watching: measure the round trip
 * through the agent against signing in-process (the floor). */
static void
test_receipt_throughput (Fixture       *fixture,
                         gconstpointer  data)
{
  static const gchar *receipt = TYPED_DATA ("Seedreel", "Receipt", RECEIPT_FIELDS);
  const guint n = 500;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *address = NULL;
  guint8 key[SR_PRIVATE_KEY_LEN], signature[SR_SIGNATURE_LEN];
  SrEip712Hashes hashes;
  gint64 start;
  gdouble agent_rate, local_rate;

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);
  g_assert_true (unlock (fixture->signer, address, PASSWORD, 0, &error));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) sig = sign_typed (fixture->signer, address, receipt, NULL, &error);

      g_assert_no_error (error);
    }
  agent_rate = n / ((g_get_monotonic_time () - start) / 1e6);

  memset (key, 0x46, sizeof key);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (sr_eip712_hash_json (receipt, -1, &hashes, NULL));
      g_assert_true (sr_secp256k1_sign (key, hashes.digest, signature, NULL));
    }
  local_rate = n / ((g_get_monotonic_time () - start) / 1e6);

  g_test_message ("Receipt signatures: %.0f/s through the agent, %.0f/s in-process (hash + sign)",
                  agent_rate, local_rate);
  /* A 4 MiB receipt interval at 100 MB/s is 25 receipts a second. */
  g_assert_cmpfloat (agent_rate, >, 25.0);
}

typedef struct {
  GAsyncResult *create;
  GAsyncResult *receipt;
  gboolean receipt_first;
} Race;

static void
on_create_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Race *race = user_data;

  race->create = g_object_ref (result);
}

static void
on_receipt_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Race *race = user_data;

  race->receipt = g_object_ref (result);
  race->receipt_first = race->create == NULL;
}

/* Key stretching must not stall the receipts a viewer signs while watching. */
static void
test_busy_agent_still_signs (Fixture       *fixture,
                             gconstpointer  data)
{
  static const gchar *receipt = TYPED_DATA ("Seedreel", "Receipt", RECEIPT_FIELDS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *created = NULL;
  Race race = { NULL, NULL, FALSE };

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);
  g_assert_true (unlock (fixture->signer, address, PASSWORD, 0, &error));

  sr_signer_create_account_async (fixture->signer, "Second", PASSWORD, NULL, on_create_done, &race);
  sr_signer_sign_typed_data_async (fixture->signer, address, receipt, NULL, NULL, on_receipt_done, &race);
  while (race.create == NULL || race.receipt == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (race.receipt_first);
  signature = sr_signer_sign_typed_data_finish (fixture->signer, race.receipt, &error);
  g_assert_no_error (error);
  created = sr_signer_create_account_finish (fixture->signer, race.create, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (race.create);
  g_object_unref (race.receipt);
}

static void
test_unwrap_key (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) ecdh_result = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) shared = NULL;
  g_autoptr(GBytes) peer_bytes = NULL;
  g_autoptr(GBytes) ad_bytes = NULL;
  g_autofree gchar *address = NULL;
  guint8 account_key[32], account_public[SR_PUBLIC_KEY_LEN];
  guint8 peer_key[32], peer_public[SR_PUBLIC_KEY_LEN];
  guint8 wrap_key[SR_KEY_WRAP_KEY_LEN], expected_secret[SR_SHARED_SECRET_LEN];
  guint8 content_key[32];
  static const guint8 ad[] = "view 7";

  memset (account_key, 0x46, sizeof account_key);
  memset (peer_key, 0x11, sizeof peer_key);
  memset (content_key, 0xc0, sizeof content_key);
  g_assert_true (sr_secp256k1_public_key (account_key, account_public, &error));
  g_assert_true (sr_secp256k1_public_key (peer_key, peer_public, &error));
  g_assert_true (sr_key_wrap_derive_key (peer_key, account_public, sizeof account_public, wrap_key, &error));
  sealed = sr_key_wrap_seal (wrap_key, content_key, sizeof content_key, ad, sizeof ad);
  peer_bytes = g_bytes_new (peer_public, sizeof peer_public);
  ad_bytes = g_bytes_new (ad, sizeof ad);

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);

  sr_signer_unwrap_key_async (fixture->signer, address, peer_bytes, sealed, ad_bytes, NULL, on_done, NULL);
  result = await_result ();
  g_assert_null (sr_signer_unwrap_key_finish (fixture->signer, result, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_LOCKED);
  g_clear_error (&error);
  g_clear_object (&result);

  g_assert_true (unlock (fixture->signer, address, PASSWORD, 0, &error));
  sr_signer_unwrap_key_async (fixture->signer, address, peer_bytes, sealed, ad_bytes, NULL, on_done, NULL);
  result = await_result ();
  opened = sr_signer_unwrap_key_finish (fixture->signer, result, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), content_key, sizeof content_key);

  sr_signer_ecdh_async (fixture->signer, address, peer_bytes, NULL, on_done, NULL);
  ecdh_result = await_result ();
  shared = sr_signer_ecdh_finish (fixture->signer, ecdh_result, &error);
  g_assert_no_error (error);
  g_assert_true (sr_secp256k1_ecdh (peer_key, account_public, sizeof account_public, expected_secret, &error));
  g_assert_cmpmem (g_bytes_get_data (shared, NULL), g_bytes_get_size (shared),
                   expected_secret, sizeof expected_secret);
}

static void
test_no_secret_on_disk (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *contents = NULL;
  g_autofree gchar *upper = NULL;
  gsize length = 0;
  guint8 raw_key[32];

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);
  path = keystore_path (fixture, address);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);

  /* What cannot become an account is refused with a reason. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree gchar *bad = import_key (fixture->signer, "0x1234", &error);

    g_assert_null (bad);
    g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);

    sr_signer_import_private_key_async (fixture->signer, KEY_4646, "No password", "", NULL, on_done, NULL);
    result = await_result ();
    g_assert_null (sr_signer_import_finish (fixture->signer, result, &error));
    g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }

  memset (raw_key, 0x46, sizeof raw_key);
  upper = g_ascii_strup (KEY_4646 + 2, -1);
  g_assert_null (memmem (contents, length, KEY_4646 + 2, 64));
  g_assert_null (memmem (contents, length, upper, 64));
  g_assert_null (memmem (contents, length, raw_key, sizeof raw_key));
  g_assert_null (memmem (contents, length, PASSWORD, strlen (PASSWORD)));
  /* What is stored in clear: the address and the label. */
  g_assert_nonnull (strstr (contents, ADDRESS_4646));
  g_assert_nonnull (strstr (contents, "Imported"));
  /* No temporary files left behind. */
  {
    g_autofree gchar *dir = g_path_get_dirname (path);
    g_autoptr(GDir) handle = g_dir_open (dir, 0, &error);
    guint n = 0;

    while (g_dir_read_name (handle) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
}

static gboolean
process_exists (const gchar *pid)
{
  g_autofree gchar *path = g_build_filename ("/proc", pid, "status", NULL);
  g_autofree gchar *status = NULL;

  /* A reaped process is gone; a zombie no longer runs either. */
  if (!g_file_get_contents (path, &status, NULL, NULL))
    return FALSE;
  return strstr (status, "State:\tZ") == NULL;
}

static void
test_crash_and_restart (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *pid = NULL;
  g_autofree gchar *new_pid = NULL;
  gint64 deadline;

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);
  g_assert_true (unlock (fixture->signer, address, PASSWORD, 0, &error));

  pid = g_strdup (sr_signer_get_identifier (fixture->signer));
  g_assert_nonnull (pid);
  g_assert_cmpint (kill ((pid_t) g_ascii_strtoll (pid, NULL, 10), SIGKILL), ==, 0);

  accounts = list_accounts (fixture->signer, &error);
  g_assert_null (accounts);
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NOT_RUNNING);
  g_clear_error (&error);
  g_assert_false (sr_signer_get_running (fixture->signer));

  g_assert_true (sr_signer_restart (fixture->signer, &error));
  g_assert_no_error (error);
  g_assert_true (sr_signer_get_running (fixture->signer));
  new_pid = g_strdup (sr_signer_get_identifier (fixture->signer));
  g_assert_cmpstr (new_pid, !=, pid);
  accounts = list_accounts (fixture->signer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  /* A new agent starts with every key locked. */
  g_assert_false (is_unlocked (fixture->signer, address));

  /* Dropping the handle ends the agent: it exits when its peer goes away. */
  g_clear_object (&fixture->signer);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (process_exists (new_pid) && g_get_monotonic_time () < deadline)
    run_for_ms (20);
  g_assert_false (process_exists (new_pid));
}

/* Searches the agent's whole address space, guard pages included, for
 * @needle. Needs ptrace rights over a non-dumpable process, i.e. root. */
static gboolean
memory_contains (const gchar  *pid,
                 const guint8 *needle,
                 gsize         needle_len)
{
  g_autofree gchar *maps_path = g_build_filename ("/proc", pid, "maps", NULL);
  g_autofree gchar *mem_path = g_build_filename ("/proc", pid, "mem", NULL);
  g_autofree gchar *maps = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  gboolean found = FALSE;
  int fd;

  g_assert_true (g_file_get_contents (maps_path, &maps, NULL, NULL));
  fd = open (mem_path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines[i] != NULL && !found; i++)
    {
      guint64 start, end;
      gchar *rest;

      if (lines[i][0] == '\0' || strstr (lines[i], "[vvar]") != NULL || strstr (lines[i], "[vsyscall]") != NULL)
        continue;
      start = g_ascii_strtoull (lines[i], &rest, 16);
      end = g_ascii_strtoull (rest + 1, NULL, 16);
      /* Keys live in small sodium_malloc mappings. Reading a sanitizer's
       * terabyte-sized shadow would fault in gigabytes of zero pages. */
      if (end - start > (G_GUINT64_CONSTANT (1) << 29))
        continue;
      /* Overlapping reads so a match across two chunks is not missed. */
      for (guint64 at = start; at < end && !found; at += (1 << 20) - needle_len)
        {
          gsize want = (gsize) MIN ((guint64) (1 << 20), end - at);
          gssize got = pread (fd, buffer, want, (off_t) at);

          if (got <= 0)
            break;
          found = memmem (buffer, (gsize) got, needle, needle_len) != NULL;
          if ((gsize) got < want)
            break;
        }
    }
  close (fd);
  return found;
}

static void
test_key_gone_after_lock (Fixture       *fixture,
                          gconstpointer  data)
{
  static const gchar *receipt = TYPED_DATA ("Seedreel", "Receipt", RECEIPT_FIELDS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *hex = NULL;
  const gchar *pid = sr_signer_get_identifier (fixture->signer);
  guint8 key[SR_PRIVATE_KEY_LEN];

  if (getuid () != 0)
    {
      g_test_skip ("Reading a non-dumpable process's memory needs root");
      return;
    }

  /* A fresh random key, so no other copy of it can exist by chance. */
  do
    for (guint i = 0; i < sizeof key; i++)
      key[i] = (guint8) g_random_int_range (0, 256);
  while (!sr_secp256k1_check_private_key (key, NULL));
  hex = sr_hex_encode (key, sizeof key);
  address = import_key (fixture->signer, hex, &error);
  g_assert_no_error (error);

  g_assert_true (unlock (fixture->signer, address, PASSWORD, 0, &error));
  signature = sign_typed (fixture->signer, address, receipt, NULL, &error);
  g_assert_no_error (error);
  /* The scan does find the key while it is unlocked (in its guarded page)… */
  g_assert_true (memory_contains (pid, key, sizeof key));

  sr_signer_lock_async (fixture->signer, address, NULL, on_done, NULL);
  result = await_result ();
  g_assert_true (sr_signer_lock_finish (fixture->signer, result, &error));
  g_assert_no_error (error);
  /* …and finds no copy anywhere once it is locked. */
  g_assert_false (memory_contains (pid, key, sizeof key));
}

static void
test_auto_lock (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree gchar *address = NULL;
  static const gchar *receipt = TYPED_DATA ("Seedreel", "Receipt", RECEIPT_FIELDS);

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);
  g_assert_true (unlock (fixture->signer, address, PASSWORD, 1, &error));
  g_assert_true (is_unlocked (fixture->signer, address));

  /* Use restarts the idle clock. */
  run_for_ms (700);
  signature = sign_typed (fixture->signer, address, receipt, NULL, &error);
  g_assert_no_error (error);
  run_for_ms (700);
  g_assert_true (is_unlocked (fixture->signer, address));

  run_for_ms (600);
  g_assert_false (is_unlocked (fixture->signer, address));
  g_assert_null (sign_typed (fixture->signer, address, receipt, NULL, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_LOCKED);
}

static void
test_damaged_keystore (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *contents = NULL;
  gchar *ciphertext;
  gsize length = 0;

  address = import_key (fixture->signer, KEY_4646, &error);
  g_assert_no_error (error);
  path = keystore_path (fixture, address);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));

  /* One flipped hex digit in the sealed key: a damaged file, not a wrong password. */
  ciphertext = strstr (contents, "\"ciphertext\"");
  g_assert_nonnull (ciphertext);
  ciphertext = strchr (ciphertext + strlen ("\"ciphertext\""), '"') + 5;
  *ciphertext = *ciphertext == '0' ? '1' : '0';
  g_assert_true (g_file_set_contents (path, contents, (gssize) length, &error));

  g_assert_false (unlock (fixture->signer, address, PASSWORD, 0, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_DAMAGED_KEYSTORE);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* The account stays listed, so the user can see what is damaged. */
  {
    g_autoptr(GPtrArray) accounts = list_accounts (fixture->signer, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (accounts->len, ==, 1);
    g_assert_cmpstr (((SrSignerAccount *) g_ptr_array_index (accounts, 0))->address, ==, address);
  }

  /* Truncated file. */
  g_assert_true (g_file_set_contents (path, contents, (gssize) length / 2, &error));
  g_assert_false (unlock (fixture->signer, address, PASSWORD, 0, &error));
  g_assert_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_DAMAGED_KEYSTORE);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_process_hardening (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *limits_path = g_build_filename ("/proc", sr_signer_get_identifier (fixture->signer),
                                                    "limits", NULL);
  g_autofree gchar *limits = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean seen = FALSE;

  g_assert_true (g_file_get_contents (limits_path, &limits, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (limits, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;

      if (!g_str_has_prefix (lines[i], "Max core file size"))
        continue;
      fields = g_strsplit_set (lines[i] + strlen ("Max core file size"), " ", -1);
      {
        g_autoptr(GPtrArray) values = g_ptr_array_new ();

        for (guint j = 0; fields[j] != NULL; j++)
          if (fields[j][0] != '\0')
            g_ptr_array_add (values, fields[j]);
        g_assert_cmpuint (values->len, >=, 2);
        g_assert_cmpstr (g_ptr_array_index (values, 0), ==, "0");
        g_assert_cmpstr (g_ptr_array_index (values, 1), ==, "0");
      }
      seen = TRUE;
    }
  g_assert_true (seen);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *data_home = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  data_home = g_dir_make_tmp ("seedreel-signer-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* Lighter key stretching for tests only (see sr-signer-keystore.c);
   * SEEDREEL_SIGNER_TEST_KDF=0 runs them at the real cost. */
  g_setenv ("SEEDREEL_SIGNER_TEST_KDF", "1", FALSE);
  g_setenv ("SEEDREEL_SIGNER", SIGNER_PATH, TRUE);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/signer/create-list-unlock", test_create_list_unlock);
  ADD ("/signer/mnemonic-vector", test_mnemonic_vector);
  ADD ("/signer/keystore-v3-round-trip", test_keystore_v3_round_trip);
  ADD ("/signer/hostile-v3", test_hostile_v3);
  ADD ("/signer/eip155-confirmation", test_eip155_confirmation);
  ADD ("/signer/eip1559", test_eip1559);
  ADD ("/signer/typed-data", test_typed_data);
  ADD ("/signer/receipt-throughput", test_receipt_throughput);
  ADD ("/signer/busy-agent-still-signs", test_busy_agent_still_signs);
  ADD ("/signer/unwrap-key", test_unwrap_key);
  ADD ("/signer/no-secret-on-disk", test_no_secret_on_disk);
  ADD ("/signer/crash-and-restart", test_crash_and_restart);
  ADD ("/signer/key-gone-after-lock", test_key_gone_after_lock);
  ADD ("/signer/auto-lock", test_auto_lock);
  ADD ("/signer/damaged-keystore", test_damaged_keystore);
  ADD ("/signer/process-hardening", test_process_hardening);
#undef ADD
  g_test_add_func ("/signer/missing-agent", test_missing_agent);

  status = g_test_run ();
  remove_tree (data_home);
  return status;
}

/* test-token.c: the ABI encoder/decoder against `cast` as the oracle,
 * hostile return data, and SrToken against the real SeedreelToken deployed
 * on anvil (when contracts/out/SeedreelToken.json has been compiled):
 * metadata, balances, a transfer whose Transfer event is decoded, approve,
 * and an EIP-2612 permit the contract accepts. */
#include <glib/gstdio.h>

#include "chain-test-util.h"
#include "chain/sr-token.h"
#include "chain/sr-tx-manager.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-secp256k1.h"
#include "sr-anvil-fixture.h"

#define OTHER "0x00000000000000000000000000000000000bEEf1"
#define MAX_U256 "115792089237316195423570985008687907853269984665640564039457584007913129639935"

static char *
hex_of (GBytes *bytes)
{
  return sr_hex_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
parse_address (const char *text,
               guint8      out[SR_ADDRESS_LEN])
{
  g_assert_true (sr_address_parse (text, out, NULL));
}

static void
parse_u256 (const char *text,
            guint8      out[SR_U256_LEN])
{
  g_assert_true (sr_u256_parse (text, out, NULL));
}

static void
test_abi_against_cast (void)
{
  guint8 account1[SR_ADDRESS_LEN], amount[SR_U256_LEN], max[SR_U256_LEN], topic[32];
  g_autoptr(SrAbiEncoder) encoder = NULL;
  g_autoptr(GBytes) transfer = NULL, approve = NULL, mixed = NULL, decoded = NULL;
  g_autofree char *ours = NULL, *theirs = NULL, *text = NULL, *topic_hex = NULL, *cast_topic = NULL;
  g_autoptr(GBytes) cast_bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint8 word[SR_U256_LEN], address[SR_ADDRESS_LEN];
  gboolean flag = FALSE;
  g_autofree char *decimal = NULL;
  const char *cast = g_getenv ("SEEDREEL_CAST");

  if (cast == NULL)
    {
      g_test_skip ("the pinned cast is not installed (npm ci)");
      return;
    }
  parse_address (SR_ANVIL_ACCOUNT1_ADDRESS, account1);
  parse_u256 ("1000", amount);
  parse_u256 (MAX_U256, max);

  transfer = sr_token_encode_transfer (account1, amount);
  ours = hex_of (transfer);
  theirs = chain_test_cast ((const char *[]) { "calldata", "transfer(address,uint256)",
                                               SR_ANVIL_ACCOUNT1_ADDRESS, "1000", NULL });
  g_assert_cmpstr (ours, ==, theirs);
  g_clear_pointer (&ours, g_free);
  g_clear_pointer (&theirs, g_free);

  approve = sr_token_encode_approve (account1, max);
  ours = hex_of (approve);
  theirs = chain_test_cast ((const char *[]) { "calldata", "approve(address,uint256)",
                                               SR_ANVIL_ACCOUNT1_ADDRESS, MAX_U256, NULL });
  g_assert_cmpstr (ours, ==, theirs);
  g_clear_pointer (&ours, g_free);
  g_clear_pointer (&theirs, g_free);

  /* Dynamic arguments: heads with offsets, then padded tails. */
  encoder = sr_abi_encoder_new ("f(string,bytes,uint256,bool,address,string)");
  sr_abi_encoder_add_string (encoder, "héllo, Seedreel");
  sr_abi_encoder_add_bytes (encoder, (const guint8 *) "\xde\xad\xbe\xef", 4);
  sr_abi_encoder_add_uint64 (encoder, 42);
  sr_abi_encoder_add_bool (encoder, TRUE);
  sr_abi_encoder_add_address (encoder, account1);
  sr_abi_encoder_add_string (encoder, "");
  mixed = sr_abi_encoder_finish (encoder);
  ours = hex_of (mixed);
  theirs = chain_test_cast ((const char *[]) { "calldata", "f(string,bytes,uint256,bool,address,string)",
                                               "héllo, Seedreel", "0xdeadbeef", "42", "true",
                                               SR_ANVIL_ACCOUNT1_ADDRESS, "", NULL });
  g_assert_cmpstr (ours, ==, theirs);
  g_clear_pointer (&theirs, g_free);

  /* Arrays: of static tuples (a Receipt-like struct) and of bytes. */
  {
    g_autoptr(SrAbiEncoder) arrays = sr_abi_encoder_new ("claim((uint256,address,uint64)[],bytes[])");
    g_autoptr(SrAbiEncoder) tuples = sr_abi_encoder_new (NULL);
    g_autoptr(SrAbiEncoder) blobs = sr_abi_encoder_new (NULL);
    g_autoptr(GBytes) encoded = NULL;
    g_autofree char *arrays_hex = NULL, *cast_arrays = NULL;
    g_autofree char *tuple_arg = g_strdup_printf ("[(1,%s,5),(2,%s,6000000000)]",
                                                  SR_ANVIL_ACCOUNT1_ADDRESS, SR_ANVIL_ACCOUNT0_ADDRESS);
    guint8 account0[SR_ADDRESS_LEN];

    parse_address (SR_ANVIL_ACCOUNT0_ADDRESS, account0);
    sr_abi_encoder_add_uint64 (tuples, 1);
    sr_abi_encoder_add_address (tuples, account1);
    sr_abi_encoder_add_uint64 (tuples, 5);
    sr_abi_encoder_add_uint64 (tuples, 2);
    sr_abi_encoder_add_address (tuples, account0);
    sr_abi_encoder_add_uint64 (tuples, 6000000000);
    sr_abi_encoder_add_bytes (blobs, (const guint8 *) "\x01", 1);
    sr_abi_encoder_add_bytes (blobs, (const guint8 *) "\x02\x03", 2);
    sr_abi_encoder_add_bytes (blobs, NULL, 0);
    sr_abi_encoder_add_array (arrays, 2, tuples);
    sr_abi_encoder_add_array (arrays, 3, blobs);
    encoded = sr_abi_encoder_finish (arrays);
    arrays_hex = hex_of (encoded);
    cast_arrays = chain_test_cast ((const char *[]) { "calldata", "claim((uint256,address,uint64)[],bytes[])",
                                                      tuple_arg, "[0x01,0x0203,0x]", NULL });
    g_assert_cmpstr (arrays_hex, ==, cast_arrays);
  }

  /* Decoding what cast encoded. */
  theirs = chain_test_cast ((const char *[]) { "abi-encode", "f(uint256,string,address,bool,bytes)",
                                               MAX_U256, "a longer text that needs two words of tail!",
                                               SR_ANVIL_ACCOUNT0_ADDRESS, "false", "0x0102030405", NULL });
  cast_bytes = sr_hex_decode (theirs, &error);
  g_assert_no_error (error);
  g_assert_true (sr_abi_decode_uint256 (cast_bytes, 0, word, &error));
  decimal = sr_u256_to_decimal (word);
  g_assert_cmpstr (decimal, ==, MAX_U256);
  text = sr_abi_decode_string (cast_bytes, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "a longer text that needs two words of tail!");
  g_assert_true (sr_abi_decode_address (cast_bytes, 2, address, &error));
  g_clear_pointer (&text, g_free);
  text = sr_address_to_checksum (address);
  g_assert_cmpstr (text, ==, SR_ANVIL_ACCOUNT0_ADDRESS);
  g_assert_true (sr_abi_decode_bool (cast_bytes, 3, &flag, &error));
  g_assert_false (flag);
  decoded = sr_abi_decode_bytes (cast_bytes, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), "\x01\x02\x03\x04\x05", 5);

  sr_abi_event_topic ("Transfer(address,address,uint256)", topic);
  topic_hex = sr_hex_encode (topic, 32);
  cast_topic = chain_test_cast ((const char *[]) { "keccak", "Transfer(address,address,uint256)", NULL });
  g_assert_cmpstr (topic_hex, ==, cast_topic);
}

static void
test_abi_hostile (void)
{
  static const char * const bad_dynamic[] = {
    /* offset far past the end */
    "0x00000000000000000000000000000000000000000000000000000000ffffffff",
    /* offset > 2^64 */
    "0x0000000000000000000000000000000000000000000000010000000000000000",
    /* length runs past the data */
    "0x0000000000000000000000000000000000000000000000000000000000000020"
    "00000000000000000000000000000000000000000000000000000000000000ff",
    /* offset points at the last half word */
    "0x0000000000000000000000000000000000000000000000000000000000000030"
    "0000000000000000000000000000000000000000000000000000000000000001",
    /* truncated head */
    "0x00000020",
    /* invalid UTF-8 in a string */
    "0x0000000000000000000000000000000000000000000000000000000000000020"
    "0000000000000000000000000000000000000000000000000000000000000002"
    "c328000000000000000000000000000000000000000000000000000000000000",
  };
  g_autoptr(GBytes) two = sr_hex_decode ("0x0000000000000000000000000000000000000000000000000000000000000002", NULL);
  g_autoptr(GBytes) dirty = sr_hex_decode ("0xff0000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266", NULL);
  guint8 address[SR_ADDRESS_LEN];
  gboolean flag;

  for (guint i = 0; i < G_N_ELEMENTS (bad_dynamic); i++)
    {
      g_autoptr(GBytes) data = sr_hex_decode (bad_dynamic[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = sr_abi_decode_string (data, 0, &error);

      g_assert_null (text);
      g_assert_error (error, SR_ABI_ERROR, SR_ABI_ERROR_INVALID);
    }

  {
    g_autoptr(GError) error = NULL;
    g_assert_false (sr_abi_decode_bool (two, 0, &flag, &error));
    g_assert_error (error, SR_ABI_ERROR, SR_ABI_ERROR_INVALID);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (sr_abi_decode_address (dirty, 0, address, &error));
    g_assert_error (error, SR_ABI_ERROR, SR_ABI_ERROR_INVALID);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (sr_abi_decode_address (dirty, 1, address, &error));
    g_assert_error (error, SR_ABI_ERROR, SR_ABI_ERROR_INVALID);
  }
}

/* ---- SeedreelToken on anvil ------------------------------------------- */

static void
dev_key_sign (const SrTx   *tx,
              GCancellable *cancellable,
              GTask        *task,
              gpointer      user_data)
{
  guint8 key[SR_PRIVATE_KEY_LEN];
  SrTx copy = *tx;
  GError *error = NULL;
  GBytes *raw;

  g_assert_true (sr_hex_decode_fixed (SR_ANVIL_ACCOUNT0_PRIVATE_KEY, key, sizeof key, NULL));
  if (!sr_tx_sign (&copy, key, &error) || (raw = sr_tx_encode_raw (&copy, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

typedef struct {
  SrAnvil *anvil;
  SrRpcClient *rpc;
  SrStore *store;
  char *dir;
  SrTxManager *manager;
} Chain;

/* Sends through SrTxManager and waits for inclusion; returns the receipt. */
static SrRpcReceipt *
transact (Chain        *chain,
          const guint8 *to,
          GBytes       *data,
          const char   *key)
{
  return chain_test_transact (chain->manager, chain->rpc, to, data, key);
}

static char *
token_u256 (SrToken    *token,
            const char *what,
            const guint8 *a,
            const guint8 *b)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint8 value[SR_U256_LEN];
  gboolean ok;

  if (g_str_equal (what, "balance"))
    {
      sr_token_balance_of_async (token, a, NULL, chain_test_store_result, &result);
      ok = sr_token_balance_of_finish (token, chain_test_wait (&result), value, &error);
    }
  else if (g_str_equal (what, "allowance"))
    {
      sr_token_allowance_async (token, a, b, NULL, chain_test_store_result, &result);
      ok = sr_token_allowance_finish (token, chain_test_wait (&result), value, &error);
    }
  else
    {
      sr_token_nonces_async (token, a, NULL, chain_test_store_result, &result);
      ok = sr_token_nonces_finish (token, chain_test_wait (&result), value, &error);
    }
  g_assert_no_error (error);
  g_assert_true (ok);
  return sr_u256_to_decimal (value);
}

static void
test_token_on_anvil (void)
{
  const char *root = g_getenv ("SEEDREEL_SOURCE_ROOT");
  g_autofree char *artifact_path = g_build_filename (root != NULL ? root : ".", "contracts", "out",
                                                     "SeedreelToken.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytecode = NULL, deploy = NULL, mint = NULL, transfer = NULL, approve = NULL, permit = NULL;
  g_autoptr(SrAbiEncoder) args = NULL;
  g_autoptr(SrRpcReceipt) deployed = NULL, minted = NULL, moved = NULL, approved = NULL, permitted = NULL;
  g_autoptr(SrToken) token = NULL;
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  g_autofree char *name = NULL, *symbol = NULL, *balance = NULL, *allowance = NULL, *nonce_text = NULL;
  g_autofree char *cast_balance = NULL, *token_text = NULL, *db = NULL;
  guint8 owner[SR_ADDRESS_LEN], account1[SR_ADDRESS_LEN], other[SR_ADDRESS_LEN];
  guint8 amount[SR_U256_LEN], value[SR_U256_LEN], deadline[SR_U256_LEN], nonce[SR_U256_LEN];
  guint8 from[SR_ADDRESS_LEN], to[SR_ADDRESS_LEN], digest[32], key[32], signature[65];
  SrTokenPermit request = { 0 };
  guint decimals = 0;
  Chain chain = { 0 };

  if (!g_file_test (artifact_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("contracts/out/SeedreelToken.json is not compiled (tools/compile-contracts)");
      return;
    }
  g_assert_true (json_parser_load_from_file (parser, artifact_path, &error));
  bytecode = sr_hex_decode (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                           "bytecode"), &error);
  g_assert_no_error (error);

  chain.anvil = sr_anvil_start (&error);
  g_assert_no_error (error);
  chain.rpc = sr_rpc_client_new (sr_anvil_get_rpc_url (chain.anvil));
  chain.dir = g_dir_make_tmp ("seedreel-token-XXXXXX", &error);
  db = g_build_filename (chain.dir, "seedreel.db", NULL);
  chain.store = sr_store_open (db, &error);
  g_assert_no_error (error);
  parse_address (SR_ANVIL_ACCOUNT0_ADDRESS, owner);
  parse_address (SR_ANVIL_ACCOUNT1_ADDRESS, account1);
  parse_address (OTHER, other);
  chain.manager = sr_tx_manager_new (chain.rpc, chain.store, SR_ANVIL_CHAIN_ID, owner, dev_key_sign, NULL, NULL);
  sr_tx_manager_set_poll_interval (chain.manager, 50);

  /* Deploy: creation code followed by constructor(address initialOwner). */
  args = sr_abi_encoder_new (NULL);
  sr_abi_encoder_add_address (args, owner);
  {
    g_autoptr(GBytes) encoded_args = sr_abi_encoder_finish (args);
    g_autoptr(GByteArray) code = g_byte_array_new ();
    g_byte_array_append (code, g_bytes_get_data (bytecode, NULL), g_bytes_get_size (bytecode));
    g_byte_array_append (code, g_bytes_get_data (encoded_args, NULL), g_bytes_get_size (encoded_args));
    deploy = g_byte_array_free_to_bytes (g_steal_pointer (&code));
  }
  deployed = transact (&chain, NULL, deploy, "deploy-token");
  g_assert_true (deployed->has_contract_address);
  token = sr_token_new (chain.rpc, deployed->contract_address);

  sr_token_name_async (token, NULL, chain_test_store_result, &r1);
  sr_token_symbol_async (token, NULL, chain_test_store_result, &r2);
  sr_token_decimals_async (token, NULL, chain_test_store_result, &r3);
  name = sr_token_name_finish (token, chain_test_wait (&r1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "Seedreel");
  symbol = sr_token_symbol_finish (token, chain_test_wait (&r2), &error);
  g_assert_cmpstr (symbol, ==, "SEED");
  g_assert_true (sr_token_decimals_finish (token, chain_test_wait (&r3), &decimals, &error));
  g_assert_cmpuint (decimals, ==, 18);

  /* mint(owner, 1000 SEED), then transfer 250 to account 1. */
  {
    g_autoptr(SrAbiEncoder) encoder = sr_abi_encoder_new ("mint(address,uint256)");
    parse_u256 ("1000000000000000000000", amount);
    sr_abi_encoder_add_address (encoder, owner);
    sr_abi_encoder_add_uint256 (encoder, amount);
    mint = sr_abi_encoder_finish (encoder);
  }
  minted = transact (&chain, deployed->contract_address, mint, "mint");
  parse_u256 ("250000000000000000000", value);
  transfer = sr_token_encode_transfer (account1, value);
  moved = transact (&chain, deployed->contract_address, transfer, "transfer-250");

  g_assert_cmpuint (moved->logs->len, ==, 1);
  g_assert_true (sr_token_decode_transfer_log (moved->logs->pdata[0], from, to, amount, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (from, SR_ADDRESS_LEN, owner, SR_ADDRESS_LEN);
  g_assert_cmpmem (to, SR_ADDRESS_LEN, account1, SR_ADDRESS_LEN);
  g_assert_cmpmem (amount, SR_U256_LEN, value, SR_U256_LEN);
  g_assert_cmpmem (((SrRpcLog *) moved->logs->pdata[0])->address, SR_ADDRESS_LEN,
                   deployed->contract_address, SR_ADDRESS_LEN);
  /* A mint is a Transfer from the zero address. */
  g_assert_true (sr_token_decode_transfer_log (minted->logs->pdata[0], from, to, amount, &error));
  g_assert_cmpmem (from, SR_ADDRESS_LEN, (guint8[SR_ADDRESS_LEN]) { 0 }, SR_ADDRESS_LEN);
  g_assert_cmpmem (to, SR_ADDRESS_LEN, owner, SR_ADDRESS_LEN);

  balance = token_u256 (token, "balance", account1, NULL);
  g_assert_cmpstr (balance, ==, "250000000000000000000");
  g_clear_pointer (&balance, g_free);
  balance = token_u256 (token, "balance", owner, NULL);
  g_assert_cmpstr (balance, ==, "750000000000000000000");

  token_text = sr_address_to_checksum (deployed->contract_address);
  cast_balance = chain_test_cast ((const char *[]) { "call", token_text, "balanceOf(address)(uint256)",
                                                     SR_ANVIL_ACCOUNT1_ADDRESS,
                                                     "--rpc-url", sr_anvil_get_rpc_url (chain.anvil), NULL });
  if (cast_balance != NULL)
    g_assert_true (g_str_has_prefix (cast_balance, "250000000000000000000"));

  /* The same event through eth_getLogs. */
  {
    g_autoptr(GAsyncResult) r5 = NULL;
    g_autoptr(GPtrArray) logs = NULL;
    g_autoptr(JsonNode) filter = NULL;
    g_autofree char *filter_json = NULL;
    guint8 topic[32];
    g_autofree char *topic_hex = NULL;

    sr_abi_event_topic ("Transfer(address,address,uint256)", topic);
    topic_hex = sr_hex_encode (topic, 32);
    filter_json = g_strdup_printf ("{\"address\": \"%s\", \"fromBlock\": \"0x0\", \"toBlock\": \"latest\", "
                                   "\"topics\": [\"%s\"]}", token_text, topic_hex);
    filter = json_from_string (filter_json, &error);
    g_assert_no_error (error);
    sr_rpc_client_get_logs_async (chain.rpc, filter, NULL, chain_test_store_result, &r5);
    logs = sr_rpc_client_get_logs_finish (chain.rpc, chain_test_wait (&r5), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (logs->len, ==, 2);  /* the mint and the transfer */
    g_assert_true (sr_token_decode_transfer_log (logs->pdata[1], from, to, amount, &error));
    g_assert_cmpmem (to, SR_ADDRESS_LEN, account1, SR_ADDRESS_LEN);
    g_assert_cmpmem (((SrRpcLog *) logs->pdata[1])->transaction_hash, 32, moved->transaction_hash, 32);
  }

  /* eth_call of a transfer the sender cannot afford: the contract's custom
   * error comes back decoded to its selector, as cast names it. */
  {
    g_autoptr(GAsyncResult) r6 = NULL;
    g_autoptr(GBytes) too_much = NULL, answer = NULL;
    g_autofree char *selector = NULL;
    SrRpcCallRequest call = { 0 };

    parse_u256 ("1", value);
    too_much = sr_token_encode_transfer (account1, value);
    call.from = other;
    call.to = deployed->contract_address;
    call.data = too_much;
    sr_rpc_client_eth_call_async (chain.rpc, &call, "latest", NULL, chain_test_store_result, &r6);
    answer = sr_rpc_client_eth_call_finish (chain.rpc, chain_test_wait (&r6), &error);
    g_assert_null (answer);
    g_assert_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REVERTED);
    selector = chain_test_cast ((const char *[]) { "sig", "ERC20InsufficientBalance(address,uint256,uint256)", NULL });
    if (selector != NULL)
      g_assert_nonnull (strstr (error->message, selector));
    g_clear_error (&error);
  }

  /* approve(account1, 100) */
  parse_u256 ("100", value);
  approve = sr_token_encode_approve (account1, value);
  approved = transact (&chain, deployed->contract_address, approve, "approve-100");
  allowance = token_u256 (token, "allowance", owner, account1);
  g_assert_cmpstr (allowance, ==, "100");
  g_clear_pointer (&allowance, g_free);

  /* permit: the owner signs off-chain; anyone submits it. */
  nonce_text = token_u256 (token, "nonces", owner, NULL);
  g_assert_cmpstr (nonce_text, ==, "0");
  parse_u256 (nonce_text, nonce);
  parse_u256 ("7", value);
  parse_u256 ("99999999999", deadline);
  request.token_name = name;
  request.chain_id = SR_ANVIL_CHAIN_ID;
  request.token = deployed->contract_address;
  request.owner = owner;
  request.spender = other;
  request.value = value;
  request.nonce = nonce;
  request.deadline = deadline;
  g_assert_true (sr_token_permit_digest (&request, digest, &error));
  g_assert_no_error (error);
  g_assert_true (sr_hex_decode_fixed (SR_ANVIL_ACCOUNT0_PRIVATE_KEY, key, sizeof key, NULL));
  g_assert_true (sr_secp256k1_sign (key, digest, signature, &error));
  permit = sr_token_encode_permit (owner, other, value, deadline, signature);
  permitted = transact (&chain, deployed->contract_address, permit, "permit-7");
  allowance = token_u256 (token, "allowance", owner, other);
  g_assert_cmpstr (allowance, ==, "7");
  g_clear_pointer (&nonce_text, g_free);
  nonce_text = token_u256 (token, "nonces", owner, NULL);
  g_assert_cmpstr (nonce_text, ==, "1");

  /* The same permit again is a replay: the contract rejects it and the
   * revert reason reaches the user. */
  {
    g_autoptr(SrStoreTransaction) none = NULL;
    SrTxRequest replay = { 0 };

    replay.has_to = TRUE;
    memcpy (replay.to, deployed->contract_address, SR_ADDRESS_LEN);
    replay.data = permit;
    sr_tx_manager_send_async (chain.manager, &replay, "permit-7-again", NULL, chain_test_store_result, &r4);
    none = sr_tx_manager_send_finish (chain.manager, chain_test_wait (&r4), &error);
    g_assert_null (none);
    g_assert_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REVERTED);
    g_test_message ("replayed permit: %s", error->message);
    g_assert_nonnull (strstr (error->message, "custom error 0x"));
  }

  g_clear_object (&chain.manager);
  g_clear_object (&chain.store);
  g_clear_object (&chain.rpc);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (db);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (chain.dir);
  }
  g_free (chain.dir);
  sr_anvil_stop (chain.anvil);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chain/abi/against-cast", test_abi_against_cast);
  g_test_add_func ("/chain/abi/hostile", test_abi_hostile);
  g_test_add_func ("/chain/token/on-anvil", test_token_on_anvil);

  return g_test_run ();
}

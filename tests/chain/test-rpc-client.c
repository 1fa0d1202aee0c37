/* test-rpc-client.c: SrRpcClient against a hostile local HTTP server (garbage,
 * wrong ids, HTML, JSON-RPC errors with revert data, a node that hangs) and
 * against a real anvil, cross-checked with `cast`. */
#include <libsoup/soup.h>

#include "chain-test-util.h"
#include "chain/sr-rpc-client.h"
#include "crypto/sr-hex.h"
#include "sr-anvil-fixture.h"

/* Error(string) with "Not enough tokens". */
#define REVERT_ERROR_STRING \
  "0x08c379a0" \
  "0000000000000000000000000000000000000000000000000000000000000020" \
  "0000000000000000000000000000000000000000000000000000000000000011" \
  "4e6f7420656e6f75676820746f6b656e73000000000000000000000000000000"
/* InsufficientBalance(uint256,uint256) with two arguments. */
#define REVERT_CUSTOM \
  "0xcf479181" \
  "0000000000000000000000000000000000000000000000000000000000000001" \
  "0000000000000000000000000000000000000000000000000000000000000002"
/* Error(string) whose offset points far outside the data. */
#define REVERT_HOSTILE \
  "0x08c379a0" \
  "00000000000000000000000000000000000000000000000000000000ffffffff" \
  "0000000000000000000000000000000000000000000000000000000000000011"

typedef struct {
  SoupServer *server;
  char *base_url;
  GPtrArray *paused;
} HostileServer;

static gint64
request_id (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
    return -1;
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_ARRAY (root))
    root = json_array_get_element (json_node_get_array (root), 0);
  return json_object_get_int_member (json_node_get_object (root), "id");
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *type,
         const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
hostile_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  HostileServer *hs = user_data;
  gint64 id = request_id (msg);
  g_autofree char *body = NULL;

  if (g_str_equal (path, "/garbage"))
    respond (msg, 200, "application/json", "\x01\xff{{{ not json at all");
  else if (g_str_equal (path, "/html"))
    respond (msg, 200, "text/html", "<html><body>Welcome to nginx!</body></html>");
  else if (g_str_equal (path, "/http502"))
    respond (msg, 502, "text/html", "<html>Bad gateway</html>");
  else if (g_str_equal (path, "/empty"))
    respond (msg, 200, "application/json", "");
  else if (g_str_equal (path, "/wrong-id"))
    {
      body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%" G_GINT64_FORMAT ",\"result\":\"0x7a69\"}", id + 1000);
      respond (msg, 200, "application/json", body);
    }
  else if (g_str_equal (path, "/missing-result"))
    {
      body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%" G_GINT64_FORMAT "}", id);
      respond (msg, 200, "application/json", body);
    }
  else if (g_str_equal (path, "/bad-quantity"))
    {
      body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%" G_GINT64_FORMAT ",\"result\":\"0x00007a69\"}", id);
      respond (msg, 200, "application/json", body);
    }
  else if (g_str_equal (path, "/huge-quantity"))
    {
      body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%" G_GINT64_FORMAT ",\"result\":\"0x1ffffffffffffffff\"}", id);
      respond (msg, 200, "application/json", body);
    }
  else if (g_str_equal (path, "/deep"))
    {
      GString *deep = g_string_new ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
      for (guint i = 0; i < 100000; i++)
        g_string_append_c (deep, '[');
      respond (msg, 200, "application/json", deep->str);
      g_string_free (deep, TRUE);
    }
  else if (g_str_equal (path, "/revert-string") || g_str_equal (path, "/revert-custom") ||
           g_str_equal (path, "/revert-hostile"))
    {
      const char *data = g_str_equal (path, "/revert-string") ? REVERT_ERROR_STRING :
                         g_str_equal (path, "/revert-custom") ? REVERT_CUSTOM : REVERT_HOSTILE;
      body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%" G_GINT64_FORMAT ",\"error\":"
                              "{\"code\":3,\"message\":\"execution reverted\",\"data\":\"%s\"}}", id, data);
      respond (msg, 200, "application/json", body);
    }
  else if (g_str_equal (path, "/remote-error"))
    {
      body = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%" G_GINT64_FORMAT ",\"error\":"
                              "{\"code\":-32601,\"message\":\"the method eth_foo does not exist\"}}", id);
      respond (msg, 200, "application/json", body);
    }
  else if (g_str_equal (path, "/batch-object"))
    {
      respond (msg, 200, "application/json", "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
               "{\"code\":-32600,\"message\":\"batches are not supported\"}}");
    }
  else if (g_str_equal (path, "/endless"))
    {
      /* Chunked, so no Content-Length warns the client: 40 MiB of JSON whitespace. */
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
      SoupMessageBody *response = soup_server_message_get_response_body (msg);
      g_autofree char *blank = g_malloc (1024 * 1024);

      memset (blank, ' ', 1024 * 1024);
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      for (guint i = 0; i < 40; i++)
        soup_message_body_append (response, SOUP_MEMORY_COPY, blank, 1024 * 1024);
      soup_message_body_complete (response);
    }
  else if (g_str_equal (path, "/hang"))
    {
      /* Accept the request and never answer. */
      soup_server_message_pause (msg);
      g_ptr_array_add (hs->paused, g_object_ref (msg));
    }
  else
    respond (msg, 404, "text/plain", "no");
}

static HostileServer *
hostile_server_new (void)
{
  HostileServer *hs = g_new0 (HostileServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  hs->paused = g_ptr_array_new_with_free_func (g_object_unref);
  hs->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (hs->server, NULL, hostile_handler, hs, NULL);
  soup_server_listen_local (hs->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (hs->server);
  hs->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return hs;
}

static void
hostile_server_free (HostileServer *hs)
{
  for (guint i = 0; i < hs->paused->len; i++)
    soup_server_message_unpause (hs->paused->pdata[i]);
  g_ptr_array_unref (hs->paused);
  soup_server_disconnect (hs->server);
  g_object_unref (hs->server);
  g_free (hs->base_url);
  g_free (hs);
  /* The server's connections close from idle callbacks. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GError *
chain_id_error (const char *url,
                guint       timeout_ms)
{
  g_autoptr(SrRpcClient) client = sr_rpc_client_new (url);
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  guint64 chain_id = 0;

  if (timeout_ms > 0)
    sr_rpc_client_set_timeout (client, timeout_ms);
  sr_rpc_client_get_chain_id_async (client, NULL, chain_test_store_result, &result);
  g_assert_false (sr_rpc_client_get_chain_id_finish (client, chain_test_wait (&result), &chain_id, &error));
  g_assert_nonnull (error);
  g_test_message ("%s → %s", url, error->message);
  return error;
}

static void
test_malformed_replies (void)
{
  HostileServer *hs = hostile_server_new ();
  static const struct {
    const char *path;
    int code;
    const char *needle;
  } cases[] = {
    { "/garbage", SR_RPC_ERROR_MALFORMED, "not JSON" },
    { "/html", SR_RPC_ERROR_MALFORMED, "not JSON" },
    { "/empty", SR_RPC_ERROR_MALFORMED, "empty" },
    { "/http502", SR_RPC_ERROR_HTTP, "502" },
    { "/wrong-id", SR_RPC_ERROR_MALFORMED, "another request" },
    { "/missing-result", SR_RPC_ERROR_MALFORMED, "no result" },
    { "/bad-quantity", SR_RPC_ERROR_MALFORMED, "leading zeros" },
    { "/huge-quantity", SR_RPC_ERROR_MALFORMED, "too large" },
    { "/deep", SR_RPC_ERROR_MALFORMED, "not JSON" },
    { "/remote-error", SR_RPC_ERROR_REMOTE, "eth_foo does not exist" },
    { "/revert-string", SR_RPC_ERROR_REVERTED, "Not enough tokens" },
    { "/revert-custom", SR_RPC_ERROR_REVERTED, "custom error 0xcf479181" },
    { "/revert-hostile", SR_RPC_ERROR_REVERTED, "custom error 0x08c379a0" },
    { "/endless", SR_RPC_ERROR_MALFORMED, "far larger" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = g_strconcat (hs->base_url, cases[i].path, NULL);
      g_autoptr(GError) error = chain_id_error (url, 0);

      g_assert_error (error, SR_RPC_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }

  hostile_server_free (hs);
}

static void
test_timeout (void)
{
  HostileServer *hs = hostile_server_new ();
  g_autofree char *url = g_strconcat (hs->base_url, "/hang", NULL);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = chain_id_error (url, 300);
  gint64 elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  g_assert_error (error, SR_RPC_ERROR, SR_RPC_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not answer"));
  g_test_message ("timed out after %" G_GINT64_FORMAT " ms", elapsed_ms);
  g_assert_cmpint (elapsed_ms, >=, 250);
  g_assert_cmpint (elapsed_ms, <, 3000);
  hostile_server_free (hs);
}

static void
test_cancel (void)
{
  HostileServer *hs = hostile_server_new ();
  g_autofree char *url = g_strconcat (hs->base_url, "/hang", NULL);
  g_autoptr(SrRpcClient) client = sr_rpc_client_new (url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sr_rpc_client_call_async (client, "eth_chainId", NULL, cancellable, chain_test_store_result, &result);
  g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  g_assert_null (sr_rpc_client_call_finish (client, chain_test_wait (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  hostile_server_free (hs);
}

static void
test_unreachable (void)
{
  HostileServer *hs = hostile_server_new ();
  g_autofree char *url = g_strdup (hs->base_url);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  /* The port was just free and now nobody listens there. */
  hostile_server_free (hs);
  error = chain_id_error (url, 0);
  g_assert_error (error, SR_RPC_ERROR, SR_RPC_ERROR_UNREACHABLE);
  expected = g_strdup_printf ("Cannot reach the network at %s", url);
  g_assert_true (g_str_has_prefix (error->message, expected));
}

static void
test_batch_not_supported (void)
{
  HostileServer *hs = hostile_server_new ();
  g_autofree char *url = g_strconcat (hs->base_url, "/batch-object", NULL);
  g_autoptr(SrRpcClient) client = sr_rpc_client_new (url);
  g_autoptr(SrRpcBatch) batch = sr_rpc_client_batch_new (client);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sr_rpc_batch_add (batch, "eth_chainId", NULL);
  sr_rpc_batch_add (batch, "eth_blockNumber", NULL);
  sr_rpc_client_batch_send_async (client, batch, NULL, chain_test_store_result, &result);
  g_assert_false (sr_rpc_client_batch_send_finish (client, chain_test_wait (&result), &error));
  g_assert_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REMOTE);
  g_assert_nonnull (strstr (error->message, "batches are not supported"));
  hostile_server_free (hs);
}

static void
test_describe_revert (void)
{
  g_autoptr(GBytes) panic = sr_hex_decode ("0x4e487b71"
                                           "0000000000000000000000000000000000000000000000000000000000000011", NULL);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) short_data = sr_hex_decode ("0x0102", NULL);
  g_autofree char *panic_text = sr_rpc_describe_revert (panic);
  g_autofree char *short_text = sr_rpc_describe_revert (short_data);

  g_assert_nonnull (strstr (panic_text, "0x11"));
  g_assert_nonnull (strstr (panic_text, "overflow"));
  g_assert_null (sr_rpc_describe_revert (empty));
  g_assert_nonnull (strstr (short_text, "0x0102"));
}

/* ---- against anvil ---------------------------------------------------- */

static void
test_anvil_basics (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnvil) anvil = sr_anvil_start (&error);
  g_autoptr(SrRpcClient) client = NULL;
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL;
  guint8 address0[SR_ADDRESS_LEN], address1[SR_ADDRESS_LEN], balance[SR_U256_LEN];
  g_autofree char *balance_text = NULL, *cast_balance = NULL, *cast_chain = NULL;
  g_autoptr(GBytes) code = NULL;
  guint64 chain_id = 0, block = 99, nonce = 99, price = 0;

  g_assert_no_error (error);
  client = sr_rpc_client_new (sr_anvil_get_rpc_url (anvil));
  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT0_ADDRESS, address0, NULL));
  g_assert_true (sr_address_parse (SR_ANVIL_ACCOUNT1_ADDRESS, address1, NULL));

  sr_rpc_client_get_chain_id_async (client, NULL, chain_test_store_result, &r1);
  sr_rpc_client_get_block_number_async (client, NULL, chain_test_store_result, &r2);
  sr_rpc_client_get_balance_async (client, address0, "latest", NULL, chain_test_store_result, &r3);
  sr_rpc_client_get_nonce_async (client, address1, "pending", NULL, chain_test_store_result, &r4);
  sr_rpc_client_get_code_async (client, address0, NULL, NULL, chain_test_store_result, &r5);
  sr_rpc_client_get_gas_price_async (client, NULL, chain_test_store_result, &r6);

  g_assert_true (sr_rpc_client_get_chain_id_finish (client, chain_test_wait (&r1), &chain_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (chain_id, ==, SR_ANVIL_CHAIN_ID);
  g_assert_true (sr_rpc_client_get_block_number_finish (client, chain_test_wait (&r2), &block, &error));
  g_assert_cmpuint (block, ==, 0);
  g_assert_true (sr_rpc_client_get_balance_finish (client, chain_test_wait (&r3), balance, &error));
  balance_text = sr_u256_to_decimal (balance);
  g_assert_cmpstr (balance_text, ==, "10000000000000000000000");
  g_assert_true (sr_rpc_client_get_nonce_finish (client, chain_test_wait (&r4), &nonce, &error));
  g_assert_cmpuint (nonce, ==, 0);
  code = sr_rpc_client_get_code_finish (client, chain_test_wait (&r5), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (code), ==, 0);
  g_assert_true (sr_rpc_client_get_gas_price_finish (client, chain_test_wait (&r6), &price, &error));
  g_assert_cmpuint (price, >, 0);

  /* Fee inputs and a gas estimate for a plain transfer. */
  {
    g_autoptr(GAsyncResult) r7 = NULL, r8 = NULL, r9 = NULL;
    g_autoptr(SrRpcFeeHistory) history = NULL;
    SrRpcCallRequest request = { 0 };
    guint8 one[SR_U256_LEN];
    guint64 base_fee = 0, gas = 0;

    sr_rpc_client_get_fee_history_async (client, 1, 50.0, NULL, chain_test_store_result, &r7);
    history = sr_rpc_client_get_fee_history_finish (client, chain_test_wait (&r7), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (history->oldest_block, ==, 0);
    /* One block asked, plus the next block's base fee. */
    g_assert_cmpuint (history->base_fee_per_gas->len, ==, 2);
    g_assert_cmpuint (g_array_index (history->base_fee_per_gas, guint64, 0), ==, 1000000000);

    sr_rpc_client_get_base_fee_async (client, "latest", NULL, chain_test_store_result, &r8);
    g_assert_true (sr_rpc_client_get_base_fee_finish (client, chain_test_wait (&r8), &base_fee, &error));
    g_assert_cmpuint (base_fee, ==, 1000000000);

    sr_u256_from_uint64 (one, 1);
    request.from = address0;
    request.to = address1;
    request.value = one;
    sr_rpc_client_estimate_gas_async (client, &request, NULL, chain_test_store_result, &r9);
    g_assert_true (sr_rpc_client_estimate_gas_finish (client, chain_test_wait (&r9), &gas, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (gas, ==, 21000);
  }

  cast_balance = chain_test_cast ((const char *[]) { "balance", SR_ANVIL_ACCOUNT0_ADDRESS,
                                                     "--rpc-url", sr_anvil_get_rpc_url (anvil), NULL });
  cast_chain = chain_test_cast ((const char *[]) { "chain-id", "--rpc-url", sr_anvil_get_rpc_url (anvil), NULL });
  if (cast_balance != NULL)
    {
      g_assert_cmpstr (cast_balance, ==, balance_text);
      g_assert_cmpstr (cast_chain, ==, "31337");
    }
}

static void
test_anvil_batch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAnvil) anvil = sr_anvil_start (&error);
  g_autoptr(SrRpcClient) client = NULL;
  g_autoptr(SrRpcBatch) batch = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) params = json_from_string ("[\"" SR_ANVIL_ACCOUNT1_ADDRESS "\", \"latest\"]", NULL);
  g_autoptr(JsonNode) chain = NULL, balance = NULL, missing = NULL;
  guint8 wei[SR_U256_LEN];
  g_autofree char *wei_text = NULL;
  guint64 chain_id = 0;
  guint i_chain, i_balance, i_missing;

  g_assert_no_error (error);
  client = sr_rpc_client_new (sr_anvil_get_rpc_url (anvil));
  batch = sr_rpc_client_batch_new (client);
  i_chain = sr_rpc_batch_add (batch, "eth_chainId", NULL);
  i_missing = sr_rpc_batch_add (batch, "eth_noSuchMethod", NULL);
  i_balance = sr_rpc_batch_add (batch, "eth_getBalance", params);
  g_assert_cmpuint (sr_rpc_batch_get_length (batch), ==, 3);

  sr_rpc_client_batch_send_async (client, batch, NULL, chain_test_store_result, &result);
  g_assert_true (sr_rpc_client_batch_send_finish (client, chain_test_wait (&result), &error));
  g_assert_no_error (error);

  chain = sr_rpc_batch_get_result (batch, i_chain, &error);
  g_assert_no_error (error);
  g_assert_true (sr_rpc_parse_u64 (chain, &chain_id, &error));
  g_assert_cmpuint (chain_id, ==, SR_ANVIL_CHAIN_ID);

  balance = sr_rpc_batch_get_result (batch, i_balance, &error);
  g_assert_no_error (error);
  g_assert_true (sr_rpc_parse_u256 (balance, wei, &error));
  wei_text = sr_u256_to_decimal (wei);
  g_assert_cmpstr (wei_text, ==, "10000000000000000000000");

  /* One failed call does not fail its neighbours. */
  missing = sr_rpc_batch_get_result (batch, i_missing, &error);
  g_assert_null (missing);
  g_assert_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REMOTE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chain/rpc/malformed-replies", test_malformed_replies);
  g_test_add_func ("/chain/rpc/timeout", test_timeout);
  g_test_add_func ("/chain/rpc/cancel", test_cancel);
  g_test_add_func ("/chain/rpc/unreachable", test_unreachable);
  g_test_add_func ("/chain/rpc/batch-not-supported", test_batch_not_supported);
  g_test_add_func ("/chain/rpc/describe-revert", test_describe_revert);
  g_test_add_func ("/chain/rpc/anvil-basics", test_anvil_basics);
  g_test_add_func ("/chain/rpc/anvil-batch", test_anvil_batch);

  return g_test_run ();
}

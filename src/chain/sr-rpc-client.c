/* sr-rpc-client.c: Ethereum JSON-RPC over libsoup 3.
 *
 * The node is not trusted: a reply is checked for shape (JSON object or
 * array, jsonrpc 2.0, the id we sent, a result or an error object) before
 * anything is read from it, nesting depth is bounded before json-glib's
 * recursive parser sees it, and every quantity is parsed strictly. Each
 * request has its own deadline, separate from the caller's cancellable, so
 * a node that accepts and then hangs is reported as a timeout.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "crypto/sr-hex.h"
#include "sr-rpc-client.h"

G_DEFINE_QUARK (sr-rpc-error-quark, sr_rpc_error)

/* Deeper JSON than this is not something a node sends; refusing it keeps
 * json-glib's recursion bounded. */
#define MAX_JSON_DEPTH 64
/* Longer node messages are cut before they reach a dialog. */
#define MAX_REMOTE_MESSAGE 300
/* Far above any real answer (a large eth_getLogs page is a few MiB). */
#define MAX_REPLY_SIZE (32 * 1024 * 1024)
#define READ_CHUNK (64 * 1024)

struct _SrRpcClient
{
  GObject parent_instance;

  char *url;
  guint timeout_ms;
  gint64 next_id;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (SrRpcClient, sr_rpc_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URL,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- one HTTP exchange ------------------------------------------------ */

typedef struct {
  SrRpcClient *client;         /* owned */
  SoupMessage *message;
  GCancellable *inner;         /* cancelled by the caller's cancellable or the deadline */
  GCancellable *outer;
  gulong outer_handler;
  GSource *deadline;
  gboolean timed_out;
  /* What the reply is matched against. */
  gint64 first_id;
  guint n_ids;
  gboolean is_batch;
  SrRpcBatch *batch;           /* owned, batch only */
  GByteArray *body;            /* the reply as it arrives */
} Exchange;

struct _SrRpcBatch
{
  gatomicrefcount ref_count;
  SrRpcClient *client;         /* owned */
  JsonArray *requests;
  gint64 first_id;
  GPtrArray *results;          /* JsonNode or NULL, after send */
  GPtrArray *errors;           /* GError or NULL, after send */
  gboolean sent;
};

static void
exchange_free (Exchange *ex)
{
  if (ex->outer_handler != 0)
    g_cancellable_disconnect (ex->outer, ex->outer_handler);
  if (ex->deadline != NULL)
    {
      g_source_destroy (ex->deadline);
      g_source_unref (ex->deadline);
    }
  g_clear_object (&ex->outer);
  g_clear_object (&ex->inner);
  g_clear_object (&ex->message);
  g_clear_pointer (&ex->batch, sr_rpc_batch_unref);
  g_clear_pointer (&ex->body, g_byte_array_unref);
  g_clear_object (&ex->client);
  g_free (ex);
}

static gboolean
deadline_cb (gpointer user_data)
{
  Exchange *ex = user_data;

  ex->timed_out = TRUE;
  g_cancellable_cancel (ex->inner);
  return G_SOURCE_REMOVE;
}

static void
outer_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  /* Runs in whichever thread cancelled: GCancellable is thread-safe. */
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
json_depth_ok (const char *text,
               gsize       len)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static void
set_malformed (GError     **error,
               const char  *url,
               const char  *why)
{
  g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED,
               _("The network at %s sent a reply Seedreel cannot use (%s). "
                 "Check that the RPC URL points at an Ethereum node."),
               url, why);
}

static char *
clean_remote_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  if (g_utf8_strlen (valid, -1) > MAX_REMOTE_MESSAGE)
    {
      g_autofree char *cut = g_utf8_substring (valid, 0, MAX_REMOTE_MESSAGE);
      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&valid);
}

/* Reads revert data out of an error object's "data" member: a hex string,
 * or an object carrying one (some nodes nest it). */
static GBytes *
error_revert_data (JsonObject *error_object)
{
  JsonNode *data = json_object_get_member (error_object, "data");

  if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    data = json_object_get_member (json_node_get_object (data), "data");
  if (data == NULL || !JSON_NODE_HOLDS_VALUE (data) ||
      json_node_get_value_type (data) != G_TYPE_STRING)
    return NULL;
  return sr_hex_decode (json_node_get_string (data), NULL);
}

/* Turns a JSON-RPC error object into a GError. */
static void
set_remote_error (GError     **error,
                  const char  *url,
                  JsonNode    *node)
{
  JsonObject *object;
  JsonNode *code_node, *message_node;
  g_autofree char *message = NULL;
  g_autoptr(GBytes) revert = NULL;
  gint64 code = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_malformed (error, url, _("an error that is not an object"));
      return;
    }
  object = json_node_get_object (node);
  code_node = json_object_get_member (object, "code");
  message_node = json_object_get_member (object, "message");
  if (code_node == NULL || !JSON_NODE_HOLDS_VALUE (code_node) ||
      json_node_get_value_type (code_node) != G_TYPE_INT64 ||
      message_node == NULL || !JSON_NODE_HOLDS_VALUE (message_node) ||
      json_node_get_value_type (message_node) != G_TYPE_STRING)
    {
      set_malformed (error, url, _("an error without code and message"));
      return;
    }
  code = json_node_get_int (code_node);
  message = clean_remote_text (json_node_get_string (message_node));
  revert = error_revert_data (object);

  /* Code 3 is the standard "execution reverted"; older nodes send -32000
   * with the word in the message. */
  if (code == 3 || revert != NULL || strstr (message, "revert") != NULL)
    {
      g_autofree char *reason = revert != NULL ? sr_rpc_describe_revert (revert) : NULL;

      if (reason != NULL)
        g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REVERTED,
                     _("The contract rejected the call: %s"), reason);
      else
        g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REVERTED,
                     _("The contract rejected the call (%s)"), message);
      return;
    }

  g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_REMOTE,
               _("The network at %s refused the request: %s (code %lld)"),
               url, message, (long long) code);
}

static gboolean
check_envelope (JsonObject  *object,
                const char  *url,
                gint64      *id,
                GError     **error)
{
  JsonNode *version = json_object_get_member (object, "jsonrpc");
  JsonNode *id_node = json_object_get_member (object, "id");

  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (version), "2.0") != 0)
    {
      set_malformed (error, url, _("not JSON-RPC 2.0"));
      return FALSE;
    }
  if (id_node == NULL || !JSON_NODE_HOLDS_VALUE (id_node) ||
      json_node_get_value_type (id_node) != G_TYPE_INT64)
    {
      /* An error about the request itself may come with id null. */
      JsonNode *err = json_object_get_member (object, "error");
      if (err != NULL && id_node != NULL && JSON_NODE_HOLDS_NULL (id_node))
        {
          set_remote_error (error, url, err);
          return FALSE;
        }
      set_malformed (error, url, _("the answer has no usable id"));
      return FALSE;
    }
  *id = json_node_get_int (id_node);
  return TRUE;
}

/* The result of one reply object, or NULL with @error. */
static JsonNode *
reply_result (JsonObject  *object,
              const char  *url,
              GError     **error)
{
  JsonNode *err = json_object_get_member (object, "error");
  JsonNode *result = json_object_get_member (object, "result");

  if (err != NULL && !JSON_NODE_HOLDS_NULL (err))
    {
      set_remote_error (error, url, err);
      return NULL;
    }
  if (result == NULL)
    {
      set_malformed (error, url, _("the answer has no result"));
      return NULL;
    }
  return json_node_copy (result);
}

static void
set_transport_error (GError     **error,
                     const char  *url,
                     GError      *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_TIMEOUT,
                 _("The network at %s did not answer in time. Check your connection "
                   "or try another RPC URL."), url);
  else
    g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_UNREACHABLE,
                 _("Cannot reach the network at %s (%s). Check your connection "
                   "and the RPC URL in Preferences."),
                 url, cause->message);
}

/* Parses the body into a JSON root of the expected kind. */
static JsonNode *
parse_body (Exchange  *ex,
            GBytes    *body,
            GError   **error)
{
  const char *url = ex->client->url;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;
  const char *text = g_bytes_get_data (body, &len);
  guint status = soup_message_get_status (ex->message);
  JsonNode *root;

  if (len == 0 || !json_depth_ok (text, len) ||
      !json_parser_load_from_data (parser, text, (gssize) len, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      if (!SOUP_STATUS_IS_SUCCESSFUL (status))
        g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_HTTP,
                     _("The network at %s answered with HTTP error %u (%s). "
                       "Check the RPC URL in Preferences."),
                     url, status, soup_status_get_phrase (status) != NULL ? soup_status_get_phrase (status) : "?");
      else
        set_malformed (error, url, len == 0 ? _("an empty reply") : _("the reply is not JSON"));
      return NULL;
    }
  root = json_parser_get_root (parser);

  /* Some nodes send JSON-RPC errors with an HTTP error status. */
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      JsonNode *err = JSON_NODE_HOLDS_OBJECT (root)
        ? json_object_get_member (json_node_get_object (root), "error") : NULL;

      if (err != NULL && JSON_NODE_HOLDS_OBJECT (err))
        set_remote_error (error, url, err);
      else
        g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_HTTP,
                     _("The network at %s answered with HTTP error %u. Check the RPC URL in Preferences."),
                     url, status);
      return NULL;
    }

  return json_node_ref (root);
}

static JsonNode *
request_object (gint64       id,
                const char  *method,
                JsonNode    *params)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "jsonrpc", "2.0");
  json_object_set_int_member (object, "id", id);
  json_object_set_string_member (object, "method", method);
  if (params != NULL)
    json_object_set_member (object, "params", json_node_copy (params));
  else
    json_object_set_array_member (object, "params", json_array_new ());
  json_node_take_object (node, object);
  return node;
}

static void exchange_done (GObject *source, GAsyncResult *result, gpointer user_data);

static void
start_exchange (SrRpcClient  *self,
                GTask        *task,      /* transfer full */
                JsonNode     *body_node, /* transfer full */
                Exchange     *ex)
{
  g_autofree char *body = json_to_string (body_node, FALSE);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GUri) uri = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  gsize body_len;

  json_node_unref (body_node);
  ex->client = g_object_ref (self);
  g_task_set_task_data (task, ex, (GDestroyNotify) exchange_free);

  uri = g_uri_parse (self->url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_task_return_new_error (task, SR_RPC_ERROR, SR_RPC_ERROR_UNREACHABLE,
                               _("Cannot reach the network at %s: it is not an http:// or https:// URL."),
                               self->url);
      g_object_unref (task);
      return;
    }

  ex->message = soup_message_new_from_uri ("POST", uri);
  body_len = strlen (body);
  bytes = g_bytes_new_take (g_steal_pointer (&body), body_len);
  soup_message_set_request_body_from_bytes (ex->message, "application/json", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (ex->message),
                                "Accept", "application/json");

  ex->inner = g_cancellable_new ();
  if (cancellable != NULL)
    {
      ex->outer = g_object_ref (cancellable);
      ex->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (outer_cancelled_cb),
                                                 g_object_ref (ex->inner), g_object_unref);
    }
  if (self->timeout_ms > 0)
    {
      ex->deadline = g_timeout_source_new (self->timeout_ms);
      g_source_set_callback (ex->deadline, deadline_cb, ex, NULL);
      g_source_set_static_name (ex->deadline, "[seedreel] rpc deadline");
      g_source_attach (ex->deadline, g_task_get_context (task));
    }

  soup_session_send_async (self->session, ex->message, G_PRIORITY_DEFAULT,
                           ex->inner, exchange_done, task);
}

static JsonNode *
single_reply (Exchange  *ex,
              JsonNode  *root,
              GError   **error)
{
  const char *url = ex->client->url;
  gint64 id = 0;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      set_malformed (error, url, _("the reply is not a JSON-RPC object"));
      return NULL;
    }
  if (!check_envelope (json_node_get_object (root), url, &id, error))
    return NULL;
  if (id != ex->first_id)
    {
      set_malformed (error, url, _("the answer is for another request"));
      return NULL;
    }
  return reply_result (json_node_get_object (root), url, error);
}

static gboolean
batch_reply (Exchange  *ex,
             JsonNode  *root,
             GError   **error)
{
  const char *url = ex->client->url;
  SrRpcBatch *batch = ex->batch;
  JsonArray *array;
  guint n = json_array_get_length (batch->requests);

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      /* A node without batch support answers with one error object. */
      JsonNode *err = json_object_get_member (json_node_get_object (root), "error");
      if (err != NULL)
        set_remote_error (error, url, err);
      else
        set_malformed (error, url, _("a single answer to a batch"));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      set_malformed (error, url, _("the reply to a batch is not an array"));
      return FALSE;
    }
  array = json_node_get_array (root);
  if (json_array_get_length (array) > n)
    {
      set_malformed (error, url, _("more answers than requests"));
      return FALSE;
    }

  g_ptr_array_set_size (batch->results, n);
  g_ptr_array_set_size (batch->errors, n);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      GError *item_error = NULL;
      JsonNode *result;
      gint64 id = 0;
      guint index;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !check_envelope (json_node_get_object (element), url, &id, NULL) ||
          id < batch->first_id || id >= batch->first_id + n)
        {
          set_malformed (error, url, _("an answer in the batch does not match any request"));
          return FALSE;
        }
      index = (guint) (id - batch->first_id);
      if (batch->results->pdata[index] != NULL || batch->errors->pdata[index] != NULL)
        {
          set_malformed (error, url, _("two answers to the same request"));
          return FALSE;
        }
      result = reply_result (json_node_get_object (element), url, &item_error);
      batch->results->pdata[index] = result;
      batch->errors->pdata[index] = item_error;
    }
  for (guint i = 0; i < n; i++)
    if (batch->results->pdata[i] == NULL && batch->errors->pdata[i] == NULL)
      {
        GError *missing = NULL;
        set_malformed (&missing, url, _("a request in the batch got no answer"));
        batch->errors->pdata[i] = missing;
      }
  batch->sent = TRUE;
  return TRUE;
}

static void
return_transport_failure (GTask  *task,
                          GError *error)
{
  Exchange *ex = g_task_get_task_data (task);
  const char *url = ex->client->url;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && ex->timed_out)
    {
      g_task_return_new_error (task, SR_RPC_ERROR, SR_RPC_ERROR_TIMEOUT,
                               _("The network at %s did not answer within %.1f s. "
                                 "Check your connection or try another RPC URL."),
                               url, ex->client->timeout_ms / 1000.0);
      g_error_free (error);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      GError *out = NULL;
      set_transport_error (&out, url, error);
      g_task_return_error (task, out);
      g_error_free (error);
    }
}

static void
return_too_large (GTask *task)
{
  Exchange *ex = g_task_get_task_data (task);
  GError *error = NULL;

  set_malformed (&error, ex->client->url, _("the reply is far larger than any JSON-RPC answer"));
  g_task_return_error (task, error);
}

static void
handle_body (GTask  *task,
             GBytes *body)
{
  Exchange *ex = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = parse_body (ex, body, &error);
  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (ex->is_batch)
    {
      if (batch_reply (ex, root, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    {
      JsonNode *value = single_reply (ex, root, &error);

      if (value != NULL)
        g_task_return_pointer (task, value, (GDestroyNotify) json_node_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
    }
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Exchange *ex = g_task_get_task_data (task);
  GInputStream *stream = G_INPUT_STREAM (source);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (stream, result, &error);
  if (chunk == NULL)
    {
      return_transport_failure (task, error);
      g_object_unref (task);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&ex->body));

      handle_body (task, body);
      g_object_unref (task);
      return;
    }
  if (ex->body->len + g_bytes_get_size (chunk) > MAX_REPLY_SIZE)
    {
      return_too_large (task);
      g_object_unref (task);
      return;
    }
  g_byte_array_append (ex->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (stream, READ_CHUNK, G_PRIORITY_DEFAULT, ex->inner, read_done, task);
}

static void
exchange_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Exchange *ex = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      return_transport_failure (task, error);
      g_object_unref (task);
      return;
    }
  /* A hostile node must not make Seedreel buffer gigabytes. */
  if (soup_message_headers_get_content_length (soup_message_get_response_headers (ex->message)) > MAX_REPLY_SIZE)
    {
      return_too_large (task);
      g_object_unref (task);
      return;
    }
  ex->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (stream, READ_CHUNK, G_PRIORITY_DEFAULT, ex->inner, read_done, task);
}

void
sr_rpc_client_call_async (SrRpcClient         *self,
                          const char          *method,
                          JsonNode            *params,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  Exchange *ex;

  g_return_if_fail (SR_IS_RPC_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (params == NULL || JSON_NODE_HOLDS_ARRAY (params));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_rpc_client_call_async);

  ex = g_new0 (Exchange, 1);
  ex->first_id = self->next_id++;
  ex->n_ids = 1;
  start_exchange (self, task, request_object (ex->first_id, method, params), ex);
}

JsonNode *
sr_rpc_client_call_finish (SrRpcClient   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_rpc_client_call_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- batches ---------------------------------------------------------- */

/* Slots of calls that got no answer stay NULL. */
static void
maybe_node_unref (gpointer node)
{
  if (node != NULL)
    json_node_unref (node);
}

static void
maybe_error_free (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

SrRpcBatch *
sr_rpc_client_batch_new (SrRpcClient *self)
{
  SrRpcBatch *batch;

  g_return_val_if_fail (SR_IS_RPC_CLIENT (self), NULL);

  batch = g_new0 (SrRpcBatch, 1);
  g_atomic_ref_count_init (&batch->ref_count);
  batch->client = g_object_ref (self);
  batch->requests = json_array_new ();
  batch->results = g_ptr_array_new_with_free_func (maybe_node_unref);
  batch->errors = g_ptr_array_new_with_free_func (maybe_error_free);
  return batch;
}

SrRpcBatch *
sr_rpc_batch_ref (SrRpcBatch *batch)
{
  g_atomic_ref_count_inc (&batch->ref_count);
  return batch;
}

void
sr_rpc_batch_unref (SrRpcBatch *batch)
{
  if (!g_atomic_ref_count_dec (&batch->ref_count))
    return;
  g_object_unref (batch->client);
  json_array_unref (batch->requests);
  g_ptr_array_unref (batch->results);
  g_ptr_array_unref (batch->errors);
  g_free (batch);
}

guint
sr_rpc_batch_add (SrRpcBatch *batch,
                  const char *method,
                  JsonNode   *params)
{
  guint index;

  g_return_val_if_fail (batch != NULL, 0);
  g_return_val_if_fail (!batch->sent, 0);

  index = json_array_get_length (batch->requests);
  /* Ids are assigned when the batch is sent; 0 is a placeholder. */
  json_array_add_element (batch->requests, request_object (0, method, params));
  return index;
}

guint
sr_rpc_batch_get_length (SrRpcBatch *batch)
{
  return json_array_get_length (batch->requests);
}

JsonNode *
sr_rpc_batch_get_result (SrRpcBatch  *batch,
                         guint        index,
                         GError     **error)
{
  g_return_val_if_fail (batch != NULL, NULL);
  g_return_val_if_fail (batch->sent, NULL);
  g_return_val_if_fail (index < batch->results->len, NULL);

  if (batch->errors->pdata[index] != NULL)
    {
      g_propagate_error (error, g_error_copy (batch->errors->pdata[index]));
      return NULL;
    }
  return json_node_copy (batch->results->pdata[index]);
}

void
sr_rpc_client_batch_send_async (SrRpcClient         *self,
                                SrRpcBatch          *batch,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  JsonNode *body;
  GTask *task;
  Exchange *ex;
  guint n;

  g_return_if_fail (SR_IS_RPC_CLIENT (self));
  g_return_if_fail (batch != NULL && !batch->sent);
  g_return_if_fail (sr_rpc_batch_get_length (batch) > 0);

  n = json_array_get_length (batch->requests);
  batch->first_id = self->next_id;
  self->next_id += n;
  for (guint i = 0; i < n; i++)
    json_object_set_int_member (json_array_get_object_element (batch->requests, i),
                                "id", batch->first_id + i);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_rpc_client_batch_send_async);

  ex = g_new0 (Exchange, 1);
  ex->first_id = batch->first_id;
  ex->n_ids = n;
  ex->is_batch = TRUE;
  ex->batch = sr_rpc_batch_ref (batch);

  body = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (body, batch->requests);
  start_exchange (self, task, body, ex);
}

gboolean
sr_rpc_client_batch_send_finish (SrRpcClient   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_rpc_client_batch_send_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- strict parsing --------------------------------------------------- */

static const char *
node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* "0x0" or "0x" + hex digits with no leading zero, at most @max_digits. */
static const char *
quantity_digits (JsonNode  *node,
                 guint      max_digits,
                 GError   **error)
{
  const char *text = node_string (node);
  gsize n;

  if (text == NULL || text[0] != '0' || text[1] != 'x' || text[2] == '\0')
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("a quantity is not a 0x-hex string"));
      return NULL;
    }
  n = strlen (text + 2);
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isxdigit (text[2 + i]))
      {
        g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("a quantity has a non-hex digit"));
        return NULL;
      }
  if (n > 1 && text[2] == '0')
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("a quantity has leading zeros"));
      return NULL;
    }
  if (n > max_digits)
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("a quantity is too large"));
      return NULL;
    }
  return text + 2;
}

gboolean
sr_rpc_parse_u64 (JsonNode  *node,
                  guint64   *out,
                  GError   **error)
{
  const char *digits = quantity_digits (node, 16, error);
  guint64 value = 0;

  if (digits == NULL)
    return FALSE;
  for (const char *p = digits; *p != '\0'; p++)
    value = (value << 4) | (guint64) g_ascii_xdigit_value (*p);
  *out = value;
  return TRUE;
}

gboolean
sr_rpc_parse_u256 (JsonNode  *node,
                   guint8     out[SR_U256_LEN],
                   GError   **error)
{
  const char *digits = quantity_digits (node, 64, error);
  gsize n;

  if (digits == NULL)
    return FALSE;
  memset (out, 0, SR_U256_LEN);
  n = strlen (digits);
  for (gsize i = 0; i < n; i++)
    {
      /* Digit i from the right lands in nibble i from the right. */
      guint v = (guint) g_ascii_xdigit_value (digits[n - 1 - i]);
      out[SR_U256_LEN - 1 - i / 2] |= (guint8) (i % 2 == 0 ? v : v << 4);
    }
  return TRUE;
}

GBytes *
sr_rpc_parse_data (JsonNode  *node,
                   GError   **error)
{
  const char *text = node_string (node);
  GBytes *bytes;

  if (text == NULL || (bytes = sr_hex_decode (text, NULL)) == NULL)
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("a data field is not 0x-hex bytes"));
      return NULL;
    }
  return bytes;
}

gboolean
sr_rpc_parse_hash (JsonNode  *node,
                   guint8     out[32],
                   GError   **error)
{
  const char *text = node_string (node);

  if (text == NULL || !sr_hex_decode_fixed (text, out, 32, NULL))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("a hash is not 32 bytes of hex"));
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_rpc_parse_address (JsonNode  *node,
                      guint8     out[SR_ADDRESS_LEN],
                      GError   **error)
{
  const char *text = node_string (node);

  /* Nodes send lower-case addresses; the checksum is for people. */
  if (text == NULL || !sr_hex_decode_fixed (text, out, SR_ADDRESS_LEN, NULL))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("an address is not 20 bytes of hex"));
      return FALSE;
    }
  return TRUE;
}

char *
sr_rpc_format_u64 (guint64 value)
{
  return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", value);
}

char *
sr_rpc_format_u256 (const guint8 value[SR_U256_LEN])
{
  g_autofree char *hex = sr_hex_encode_bare (value, SR_U256_LEN);
  const char *p = hex;

  while (p[0] == '0' && p[1] != '\0')
    p++;
  return g_strconcat ("0x", p, NULL);
}

static gboolean
word_to_u64 (const guint8 *word,
             guint64      *out)
{
  guint64 value = 0;

  for (guint i = 0; i < 24; i++)
    if (word[i] != 0)
      return FALSE;
  for (guint i = 24; i < 32; i++)
    value = (value << 8) | word[i];
  *out = value;
  return TRUE;
}

char *
sr_rpc_describe_revert (GBytes *data)
{
  static const guint8 error_string[4] = { 0x08, 0xc3, 0x79, 0xa0 };
  static const guint8 panic_uint[4] = { 0x4e, 0x48, 0x7b, 0x71 };
  gsize len = 0;
  const guint8 *p;

  if (data == NULL)
    return NULL;
  p = g_bytes_get_data (data, &len);
  if (len == 0)
    return NULL;
  if (len < 4)
    {
      g_autofree char *hex = sr_hex_encode (p, len);
      return g_strdup_printf (_("unrecognised revert data %s"), hex);
    }

  if (memcmp (p, error_string, 4) == 0 && len >= 4 + 64)
    {
      guint64 offset, length;

      /* Bounds checked against the data actually present: a hostile
       * offset or length must not read past it. */
      if (word_to_u64 (p + 4, &offset) && offset <= len - 4 - 32 &&
          word_to_u64 (p + 4 + offset, &length) && length <= len - 4 - 32 - offset)
        {
          g_autofree char *raw = g_strndup ((const char *) p + 4 + 32 + offset, length);
          return clean_remote_text (raw);
        }
    }
  if (memcmp (p, panic_uint, 4) == 0 && len == 4 + 32)
    {
      guint64 code;

      if (word_to_u64 (p + 4, &code))
        return g_strdup_printf (_("panic 0x%02" G_GINT64_MODIFIER "x (%s)"), code,
                                code == 0x11 ? _("arithmetic overflow") :
                                code == 0x12 ? _("division by zero") :
                                code == 0x32 ? _("index out of bounds") :
                                code == 0x01 ? _("assertion failed") : _("internal error"));
    }

  return g_strdup_printf (_("custom error 0x%02x%02x%02x%02x"), p[0], p[1], p[2], p[3]);
}

/* ---- typed calls ------------------------------------------------------ */

typedef gpointer (*ParseFunc) (JsonNode *result, GError **error);

typedef struct {
  const char *method;
  ParseFunc parse;
  GDestroyNotify free_func;
} TypedCall;

static void
typed_call_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const TypedCall *call = g_task_get_task_data (task);
  SrRpcClient *self = SR_RPC_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gpointer value;

  node = sr_rpc_client_call_finish (self, result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  value = call->parse (node, &error);
  if (error != NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s: %s", call->method, error->message);
      GError *out = NULL;

      set_malformed (&out, self->url, why);
      g_task_return_error (task, out);
      return;
    }
  g_task_return_pointer (task, value, call->free_func);
}

static void
typed_call (SrRpcClient         *self,
            const TypedCall     *call,
            JsonArray           *params,   /* transfer full */
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(JsonNode) params_node = json_node_new (JSON_NODE_ARRAY);
  GTask *task;

  json_node_take_array (params_node, params);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, (gpointer) call, NULL);
  sr_rpc_client_call_async (self, call->method, params_node, cancellable, typed_call_done, task);
}

static gpointer
typed_propagate (SrRpcClient   *self,
                 GAsyncResult  *result,
                 gpointer       source_tag,
                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
parse_u64_boxed (JsonNode  *node,
                 GError   **error)
{
  guint64 value;

  if (!sr_rpc_parse_u64 (node, &value, error))
    return NULL;
  return g_memdup2 (&value, sizeof value);
}

static gpointer
parse_u256_boxed (JsonNode  *node,
                  GError   **error)
{
  guint8 value[SR_U256_LEN];

  if (!sr_rpc_parse_u256 (node, value, error))
    return NULL;
  return g_memdup2 (value, sizeof value);
}

static gpointer
parse_data_boxed (JsonNode  *node,
                  GError   **error)
{
  return sr_rpc_parse_data (node, error);
}

static gpointer
parse_hash_boxed (JsonNode  *node,
                  GError   **error)
{
  guint8 hash[32];

  if (!sr_rpc_parse_hash (node, hash, error))
    return NULL;
  return g_memdup2 (hash, sizeof hash);
}

static gboolean
finish_u64 (SrRpcClient   *self,
            GAsyncResult  *result,
            gpointer       source_tag,
            guint64       *out,
            GError       **error)
{
  g_autofree guint64 *value = typed_propagate (self, result, source_tag, error);

  if (value == NULL)
    return FALSE;
  if (out != NULL)
    *out = *value;
  return TRUE;
}

static JsonArray *
params_with_address (const guint8 address[SR_ADDRESS_LEN],
                     const char  *block)
{
  JsonArray *params = json_array_new ();
  g_autofree char *hex = sr_hex_encode (address, SR_ADDRESS_LEN);

  json_array_add_string_element (params, hex);
  if (block != NULL)
    json_array_add_string_element (params, block);
  return params;
}

static const TypedCall chain_id_call = { "eth_chainId", parse_u64_boxed, g_free };
static const TypedCall block_number_call = { "eth_blockNumber", parse_u64_boxed, g_free };
static const TypedCall balance_call = { "eth_getBalance", parse_u256_boxed, g_free };
static const TypedCall nonce_call = { "eth_getTransactionCount", parse_u64_boxed, g_free };
static const TypedCall gas_price_call = { "eth_gasPrice", parse_u64_boxed, g_free };
static const TypedCall priority_fee_call = { "eth_maxPriorityFeePerGas", parse_u64_boxed, g_free };
static const TypedCall estimate_gas_call = { "eth_estimateGas", parse_u64_boxed, g_free };
static const TypedCall eth_call_call = { "eth_call", parse_data_boxed, (GDestroyNotify) g_bytes_unref };
static const TypedCall send_raw_call = { "eth_sendRawTransaction", parse_hash_boxed, g_free };
static const TypedCall get_code_call = { "eth_getCode", parse_data_boxed, (GDestroyNotify) g_bytes_unref };

void
sr_rpc_client_get_chain_id_async (SrRpcClient         *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  typed_call (self, &chain_id_call, json_array_new (), sr_rpc_client_get_chain_id_async,
              cancellable, callback, user_data);
}

gboolean
sr_rpc_client_get_chain_id_finish (SrRpcClient   *self,
                                   GAsyncResult  *result,
                                   guint64       *chain_id,
                                   GError       **error)
{
  return finish_u64 (self, result, sr_rpc_client_get_chain_id_async, chain_id, error);
}

void
sr_rpc_client_get_block_number_async (SrRpcClient         *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  typed_call (self, &block_number_call, json_array_new (), sr_rpc_client_get_block_number_async,
              cancellable, callback, user_data);
}

gboolean
sr_rpc_client_get_block_number_finish (SrRpcClient   *self,
                                       GAsyncResult  *result,
                                       guint64       *block_number,
                                       GError       **error)
{
  return finish_u64 (self, result, sr_rpc_client_get_block_number_async, block_number, error);
}

void
sr_rpc_client_get_balance_async (SrRpcClient         *self,
                                 const guint8         address[SR_ADDRESS_LEN],
                                 const char          *block,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  typed_call (self, &balance_call, params_with_address (address, block != NULL ? block : "latest"),
              sr_rpc_client_get_balance_async, cancellable, callback, user_data);
}

gboolean
sr_rpc_client_get_balance_finish (SrRpcClient   *self,
                                  GAsyncResult  *result,
                                  guint8         balance[SR_U256_LEN],
                                  GError       **error)
{
  g_autofree guint8 *value = typed_propagate (self, result, sr_rpc_client_get_balance_async, error);

  if (value == NULL)
    return FALSE;
  memcpy (balance, value, SR_U256_LEN);
  return TRUE;
}

void
sr_rpc_client_get_nonce_async (SrRpcClient         *self,
                               const guint8         address[SR_ADDRESS_LEN],
                               const char          *block,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  typed_call (self, &nonce_call, params_with_address (address, block != NULL ? block : "pending"),
              sr_rpc_client_get_nonce_async, cancellable, callback, user_data);
}

gboolean
sr_rpc_client_get_nonce_finish (SrRpcClient   *self,
                                GAsyncResult  *result,
                                guint64       *nonce,
                                GError       **error)
{
  return finish_u64 (self, result, sr_rpc_client_get_nonce_async, nonce, error);
}

void
sr_rpc_client_get_gas_price_async (SrRpcClient         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  typed_call (self, &gas_price_call, json_array_new (), sr_rpc_client_get_gas_price_async,
              cancellable, callback, user_data);
}

gboolean
sr_rpc_client_get_gas_price_finish (SrRpcClient   *self,
                                    GAsyncResult  *result,
                                    guint64       *wei,
                                    GError       **error)
{
  return finish_u64 (self, result, sr_rpc_client_get_gas_price_async, wei, error);
}

void
sr_rpc_client_get_max_priority_fee_async (SrRpcClient         *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  typed_call (self, &priority_fee_call, json_array_new (), sr_rpc_client_get_max_priority_fee_async,
              cancellable, callback, user_data);
}

gboolean
sr_rpc_client_get_max_priority_fee_finish (SrRpcClient   *self,
                                           GAsyncResult  *result,
                                           guint64       *wei,
                                           GError       **error)
{
  return finish_u64 (self, result, sr_rpc_client_get_max_priority_fee_async, wei, error);
}

void
sr_rpc_fee_history_free (SrRpcFeeHistory *history)
{
  if (history == NULL)
    return;
  g_clear_pointer (&history->base_fee_per_gas, g_array_unref);
  g_clear_pointer (&history->reward, g_array_unref);
  g_free (history);
}

static gpointer
parse_fee_history (JsonNode  *node,
                   GError   **error)
{
  g_autoptr(SrRpcFeeHistory) history = g_new0 (SrRpcFeeHistory, 1);
  JsonObject *object;
  JsonNode *base, *reward;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("not an object"));
      return NULL;
    }
  object = json_node_get_object (node);
  history->base_fee_per_gas = g_array_new (FALSE, TRUE, sizeof (guint64));
  history->reward = g_array_new (FALSE, TRUE, sizeof (guint64));
  if (!sr_rpc_parse_u64 (json_object_get_member (object, "oldestBlock"), &history->oldest_block, error))
    return NULL;
  base = json_object_get_member (object, "baseFeePerGas");
  if (base == NULL || !JSON_NODE_HOLDS_ARRAY (base))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("no base fees"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (base)); i++)
    {
      guint64 fee;
      if (!sr_rpc_parse_u64 (json_array_get_element (json_node_get_array (base), i), &fee, error))
        return NULL;
      g_array_append_val (history->base_fee_per_gas, fee);
    }
  reward = json_object_get_member (object, "reward");
  if (reward != NULL && JSON_NODE_HOLDS_ARRAY (reward))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (reward)); i++)
      {
        JsonNode *row = json_array_get_element (json_node_get_array (reward), i);
        guint64 fee = 0;

        if (!JSON_NODE_HOLDS_ARRAY (row))
          {
            g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("a reward row is not an array"));
            return NULL;
          }
        if (json_array_get_length (json_node_get_array (row)) > 0 &&
            !sr_rpc_parse_u64 (json_array_get_element (json_node_get_array (row), 0), &fee, error))
          return NULL;
        g_array_append_val (history->reward, fee);
      }
  return g_steal_pointer (&history);
}

static const TypedCall fee_history_call = { "eth_feeHistory", parse_fee_history,
                                            (GDestroyNotify) sr_rpc_fee_history_free };

void
sr_rpc_client_get_fee_history_async (SrRpcClient         *self,
                                     guint                block_count,
                                     double               reward_percentile,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  JsonArray *params = json_array_new ();
  JsonArray *percentiles = json_array_new ();
  g_autofree char *count = sr_rpc_format_u64 (block_count);

  json_array_add_string_element (params, count);
  json_array_add_string_element (params, "latest");
  json_array_add_double_element (percentiles, reward_percentile);
  json_array_add_array_element (params, percentiles);
  typed_call (self, &fee_history_call, params, sr_rpc_client_get_fee_history_async,
              cancellable, callback, user_data);
}

SrRpcFeeHistory *
sr_rpc_client_get_fee_history_finish (SrRpcClient   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return typed_propagate (self, result, sr_rpc_client_get_fee_history_async, error);
}

static void
take_hex_member (JsonObject   *object,
                 const char   *name,
                 const guint8 *data,
                 gsize         len)
{
  g_autofree char *hex = sr_hex_encode (data, len);

  json_object_set_string_member (object, name, hex);
}

static JsonArray *
call_params (const SrRpcCallRequest *request,
             const char             *block)
{
  JsonArray *params = json_array_new ();
  JsonObject *object = json_object_new ();

  if (request->from != NULL)
    take_hex_member (object, "from", request->from, SR_ADDRESS_LEN);
  if (request->to != NULL)
    take_hex_member (object, "to", request->to, SR_ADDRESS_LEN);
  if (request->value != NULL)
    {
      g_autofree char *value = sr_rpc_format_u256 (request->value);
      json_object_set_string_member (object, "value", value);
    }
  if (request->data != NULL)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (request->data, &len);
      take_hex_member (object, "data", data, len);
    }
  json_array_add_object_element (params, object);
  if (block != NULL)
    json_array_add_string_element (params, block);
  return params;
}

void
sr_rpc_client_estimate_gas_async (SrRpcClient            *self,
                                  const SrRpcCallRequest *request,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  typed_call (self, &estimate_gas_call, call_params (request, NULL), sr_rpc_client_estimate_gas_async,
              cancellable, callback, user_data);
}

gboolean
sr_rpc_client_estimate_gas_finish (SrRpcClient   *self,
                                   GAsyncResult  *result,
                                   guint64       *gas,
                                   GError       **error)
{
  return finish_u64 (self, result, sr_rpc_client_estimate_gas_async, gas, error);
}

void
sr_rpc_client_eth_call_async (SrRpcClient            *self,
                              const SrRpcCallRequest *request,
                              const char             *block,
                              GCancellable           *cancellable,
                              GAsyncReadyCallback     callback,
                              gpointer                user_data)
{
  typed_call (self, &eth_call_call, call_params (request, block != NULL ? block : "latest"),
              sr_rpc_client_eth_call_async, cancellable, callback, user_data);
}

GBytes *
sr_rpc_client_eth_call_finish (SrRpcClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return typed_propagate (self, result, sr_rpc_client_eth_call_async, error);
}

void
sr_rpc_client_send_raw_transaction_async (SrRpcClient         *self,
                                          GBytes              *raw,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  JsonArray *params = json_array_new ();
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (raw, &len);
  g_autofree char *hex = sr_hex_encode (data, len);

  json_array_add_string_element (params, hex);
  typed_call (self, &send_raw_call, params, sr_rpc_client_send_raw_transaction_async,
              cancellable, callback, user_data);
}

gboolean
sr_rpc_client_send_raw_transaction_finish (SrRpcClient   *self,
                                           GAsyncResult  *result,
                                           guint8         hash[32],
                                           GError       **error)
{
  g_autofree guint8 *value = typed_propagate (self, result, sr_rpc_client_send_raw_transaction_async, error);

  if (value == NULL)
    return FALSE;
  if (hash != NULL)
    memcpy (hash, value, 32);
  return TRUE;
}

void
sr_rpc_log_free (SrRpcLog *log)
{
  if (log == NULL)
    return;
  g_clear_pointer (&log->data, g_bytes_unref);
  g_free (log);
}

static SrRpcLog *
parse_log (JsonNode  *node,
           GError   **error)
{
  g_autoptr(SrRpcLog) log = g_new0 (SrRpcLog, 1);
  JsonObject *object;
  JsonNode *topics, *member;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("a log is not an object"));
      return NULL;
    }
  object = json_node_get_object (node);
  if (!sr_rpc_parse_address (json_object_get_member (object, "address"), log->address, error))
    return NULL;
  if ((log->data = sr_rpc_parse_data (json_object_get_member (object, "data"), error)) == NULL)
    return NULL;
  topics = json_object_get_member (object, "topics");
  if (topics == NULL || !JSON_NODE_HOLDS_ARRAY (topics) ||
      json_array_get_length (json_node_get_array (topics)) > 4)
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("a log has no valid topics"));
      return NULL;
    }
  log->n_topics = json_array_get_length (json_node_get_array (topics));
  for (guint i = 0; i < log->n_topics; i++)
    if (!sr_rpc_parse_hash (json_array_get_element (json_node_get_array (topics), i), log->topics[i], error))
      return NULL;

  /* Pending logs carry nulls here; they stay zero. */
  member = json_object_get_member (object, "blockNumber");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member) &&
      !sr_rpc_parse_u64 (member, &log->block_number, error))
    return NULL;
  member = json_object_get_member (object, "logIndex");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member) &&
      !sr_rpc_parse_u64 (member, &log->log_index, error))
    return NULL;
  member = json_object_get_member (object, "transactionHash");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member) &&
      !sr_rpc_parse_hash (member, log->transaction_hash, error))
    return NULL;
  member = json_object_get_member (object, "blockHash");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member) &&
      !sr_rpc_parse_hash (member, log->block_hash, error))
    return NULL;
  member = json_object_get_member (object, "removed");
  log->removed = member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
                 json_node_get_value_type (member) == G_TYPE_BOOLEAN && json_node_get_boolean (member);
  return g_steal_pointer (&log);
}

static GPtrArray *
parse_log_array (JsonNode  *node,
                 GError   **error)
{
  g_autoptr(GPtrArray) logs = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_rpc_log_free);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("the logs are not an array"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      SrRpcLog *log = parse_log (json_array_get_element (json_node_get_array (node), i), error);
      if (log == NULL)
        return NULL;
      g_ptr_array_add (logs, log);
    }
  return g_steal_pointer (&logs);
}

void
sr_rpc_receipt_free (SrRpcReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_clear_pointer (&receipt->logs, g_ptr_array_unref);
  g_free (receipt);
}

static gpointer
parse_receipt (JsonNode  *node,
               GError   **error)
{
  g_autoptr(SrRpcReceipt) receipt = NULL;
  JsonObject *object;
  JsonNode *member;
  guint64 status;

  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;  /* not mined yet */
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("the receipt is not an object"));
      return NULL;
    }
  object = json_node_get_object (node);
  receipt = g_new0 (SrRpcReceipt, 1);
  if (!sr_rpc_parse_hash (json_object_get_member (object, "transactionHash"), receipt->transaction_hash, error) ||
      !sr_rpc_parse_u64 (json_object_get_member (object, "blockNumber"), &receipt->block_number, error) ||
      !sr_rpc_parse_u64 (json_object_get_member (object, "status"), &status, error) ||
      !sr_rpc_parse_u64 (json_object_get_member (object, "gasUsed"), &receipt->gas_used, error))
    return NULL;
  if (status > 1)
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("the receipt status is neither 0 nor 1"));
      return NULL;
    }
  receipt->status = status == 1;
  member = json_object_get_member (object, "effectiveGasPrice");
  if (member != NULL && !sr_rpc_parse_u64 (member, &receipt->effective_gas_price, error))
    return NULL;
  member = json_object_get_member (object, "contractAddress");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!sr_rpc_parse_address (member, receipt->contract_address, error))
        return NULL;
      receipt->has_contract_address = TRUE;
    }
  receipt->logs = parse_log_array (json_object_get_member (object, "logs"), error);
  if (receipt->logs == NULL)
    return NULL;
  return g_steal_pointer (&receipt);
}

static const TypedCall receipt_call = { "eth_getTransactionReceipt", parse_receipt,
                                        (GDestroyNotify) sr_rpc_receipt_free };

void
sr_rpc_client_get_receipt_async (SrRpcClient         *self,
                                 const guint8         hash[32],
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonArray *params = json_array_new ();
  g_autofree char *hex = sr_hex_encode (hash, 32);

  json_array_add_string_element (params, hex);
  typed_call (self, &receipt_call, params, sr_rpc_client_get_receipt_async,
              cancellable, callback, user_data);
}

SrRpcReceipt *
sr_rpc_client_get_receipt_finish (SrRpcClient   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return typed_propagate (self, result, sr_rpc_client_get_receipt_async, error);
}

static gpointer
parse_logs_boxed (JsonNode  *node,
                  GError   **error)
{
  return parse_log_array (node, error);
}

static const TypedCall logs_call = { "eth_getLogs", parse_logs_boxed, (GDestroyNotify) g_ptr_array_unref };

void
sr_rpc_client_get_logs_async (SrRpcClient         *self,
                              JsonNode            *filter,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  JsonArray *params = json_array_new ();

  g_return_if_fail (filter != NULL && JSON_NODE_HOLDS_OBJECT (filter));

  json_array_add_element (params, json_node_copy (filter));
  typed_call (self, &logs_call, params, sr_rpc_client_get_logs_async, cancellable, callback, user_data);
}

GPtrArray *
sr_rpc_client_get_logs_finish (SrRpcClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return typed_propagate (self, result, sr_rpc_client_get_logs_async, error);
}

void
sr_rpc_client_get_code_async (SrRpcClient         *self,
                              const guint8         address[SR_ADDRESS_LEN],
                              const char          *block,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  typed_call (self, &get_code_call, params_with_address (address, block != NULL ? block : "latest"),
              sr_rpc_client_get_code_async, cancellable, callback, user_data);
}

GBytes *
sr_rpc_client_get_code_finish (SrRpcClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return typed_propagate (self, result, sr_rpc_client_get_code_async, error);
}

static gpointer
parse_base_fee (JsonNode  *node,
                GError   **error)
{
  guint64 fee;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SR_RPC_ERROR, SR_RPC_ERROR_MALFORMED, _("the block is not an object"));
      return NULL;
    }
  if (!sr_rpc_parse_u64 (json_object_get_member (json_node_get_object (node), "baseFeePerGas"), &fee, error))
    return NULL;
  return g_memdup2 (&fee, sizeof fee);
}

static const TypedCall base_fee_call = { "eth_getBlockByNumber", parse_base_fee, g_free };

void
sr_rpc_client_get_base_fee_async (SrRpcClient         *self,
                                  const char          *block,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonArray *params = json_array_new ();

  json_array_add_string_element (params, block != NULL ? block : "latest");
  json_array_add_boolean_element (params, FALSE);
  typed_call (self, &base_fee_call, params, sr_rpc_client_get_base_fee_async,
              cancellable, callback, user_data);
}

gboolean
sr_rpc_client_get_base_fee_finish (SrRpcClient   *self,
                                   GAsyncResult  *result,
                                   guint64       *wei,
                                   GError       **error)
{
  return finish_u64 (self, result, sr_rpc_client_get_base_fee_async, wei, error);
}

/* ---- object ----------------------------------------------------------- */

static void
sr_rpc_client_constructed (GObject *object)
{
  SrRpcClient *self = SR_RPC_CLIENT (object);
  g_autoptr(GUri) uri = NULL;

  G_OBJECT_CLASS (sr_rpc_client_parent_class)->constructed (object);

  self->session = soup_session_new ();
  soup_session_set_user_agent (self->session, "Seedreel/" PACKAGE_VERSION);
  /* A devnet on this machine must not be sent through an http_proxy. */
  uri = g_uri_parse (self->url != NULL ? self->url : "", SOUP_HTTP_URI_FLAGS, NULL);
  if (uri != NULL && is_loopback_host (g_uri_get_host (uri)))
    soup_session_set_proxy_resolver (self->session, NULL);
}

static void
sr_rpc_client_dispose (GObject *object)
{
  SrRpcClient *self = SR_RPC_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sr_rpc_client_parent_class)->dispose (object);
}

static void
sr_rpc_client_finalize (GObject *object)
{
  SrRpcClient *self = SR_RPC_CLIENT (object);

  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (sr_rpc_client_parent_class)->finalize (object);
}

static void
sr_rpc_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SrRpcClient *self = SR_RPC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_rpc_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SrRpcClient *self = SR_RPC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_TIMEOUT:
      sr_rpc_client_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_rpc_client_class_init (SrRpcClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sr_rpc_client_constructed;
  object_class->dispose = sr_rpc_client_dispose;
  object_class->finalize = sr_rpc_client_finalize;
  object_class->get_property = sr_rpc_client_get_property;
  object_class->set_property = sr_rpc_client_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Milliseconds for one request, connecting included; 0 for none. */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, SR_RPC_DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_rpc_client_init (SrRpcClient *self)
{
  self->timeout_ms = SR_RPC_DEFAULT_TIMEOUT_MS;
  self->next_id = 1;
}

SrRpcClient *
sr_rpc_client_new (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (SR_TYPE_RPC_CLIENT, "url", url, NULL);
}

const char *
sr_rpc_client_get_url (SrRpcClient *self)
{
  g_return_val_if_fail (SR_IS_RPC_CLIENT (self), NULL);

  return self->url;
}

guint
sr_rpc_client_get_timeout (SrRpcClient *self)
{
  g_return_val_if_fail (SR_IS_RPC_CLIENT (self), 0);

  return self->timeout_ms;
}

void
sr_rpc_client_set_timeout (SrRpcClient *self,
                           guint        timeout_ms)
{
  g_return_if_fail (SR_IS_RPC_CLIENT (self));

  if (self->timeout_ms == timeout_ms)
    return;
  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

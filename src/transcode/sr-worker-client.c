/* sr-worker-client.c: the creator's side of the worker API. Each request is
 * written once, blocking; the _async forms run it in a GTask thread (libsoup
 * 3.2 lets any thread send on one session). Replies are validated before any
 * field is used, since a worker is a stranger's machine. */
#include "config.h"

#include "sr-worker-client.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

G_DEFINE_QUARK (sr-worker-error-quark, sr_worker_error)

/* A dropped connection is retried for about 40 s in all (waits growing by
 * 0.2 s up to 3 s): long enough for a worker to restart, also a slow one. */
#define MAX_RETRIES 20
#define RETRY_WAIT(n) MIN ((gulong) G_USEC_PER_SEC / 5 * (n), (gulong) 3 * G_USEC_PER_SEC)

struct _SrWorkerClient
{
  GObject      parent_instance;

  gchar       *base_url;
  gchar       *access_token;
  gsize        chunk_size;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (SrWorkerClient, sr_worker_client, G_TYPE_OBJECT)

static void
sr_worker_client_dispose (GObject *object)
{
  SrWorkerClient *self = SR_WORKER_CLIENT (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (sr_worker_client_parent_class)->dispose (object);
}

static void
sr_worker_client_finalize (GObject *object)
{
  SrWorkerClient *self = SR_WORKER_CLIENT (object);

  g_free (self->base_url);
  g_free (self->access_token);
  G_OBJECT_CLASS (sr_worker_client_parent_class)->finalize (object);
}

static void
sr_worker_client_class_init (SrWorkerClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_worker_client_dispose;
  object_class->finalize = sr_worker_client_finalize;
}

static void
sr_worker_client_init (SrWorkerClient *self)
{
  self->chunk_size = 4 * 1024 * 1024;
  self->session = soup_session_new_with_options ("timeout", 60, "user-agent", "Seedreel/" PACKAGE_VERSION, NULL);
}

SrWorkerClient *
sr_worker_client_new (const gchar *base_url,
                      const gchar *access_token)
{
  SrWorkerClient *self = g_object_new (SR_TYPE_WORKER_CLIENT, NULL);
  gsize len = strlen (base_url);

  while (len > 0 && base_url[len - 1] == '/')
    len--;
  self->base_url = g_strndup (base_url, len);
  self->access_token = g_strdup (access_token);
  return self;
}

void
sr_worker_client_set_chunk_size (SrWorkerClient *self,
                                 gsize           chunk_size)
{
  g_return_if_fail (SR_IS_WORKER_CLIENT (self));
  self->chunk_size = MAX (chunk_size, 1);
}

static gboolean
bad_reply (GError **error)
{
  g_set_error_literal (error, SR_WORKER_ERROR, SR_WORKER_ERROR_BAD_REPLY,
                       _("The transcoding worker sent a reply Seedreel could not understand."));
  return FALSE;
}

static JsonObject *
parse_object (GBytes  *bytes,
              GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
    {
      bad_reply (error);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      bad_reply (error);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static const gchar *
member_string (JsonObject  *obj,
               const gchar *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject  *obj,
            const gchar *name,
            gint64      *value)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
member_number (JsonObject  *obj,
               const gchar *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static gboolean
member_is (JsonObject  *obj,
           const gchar *name,
           JsonNodeType type)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_TYPE (node) == type;
}

static gboolean
is_safe_id (const gchar *s)
{
  if (s == NULL || *s == '\0' || strlen (s) > 128)
    return FALSE;
  for (const gchar *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return !g_str_equal (s, ".") && !g_str_equal (s, "..");
}

static SoupMessage *
new_message (SrWorkerClient *self,
             const gchar    *method,
             const gchar    *token,
             const gchar    *path_format,
             ...) G_GNUC_PRINTF (4, 5);

static SoupMessage *
new_message (SrWorkerClient *self,
             const gchar    *method,
             const gchar    *token,
             const gchar    *path_format,
             ...)
{
  va_list args;
  g_autofree gchar *path = NULL;
  g_autofree gchar *url = NULL;
  SoupMessage *msg;

  va_start (args, path_format);
  path = g_strdup_vprintf (path_format, args);
  va_end (args);
  url = g_strconcat (self->base_url, path, NULL);
  msg = soup_message_new (method, url);
  if (msg != NULL && token != NULL)
    {
      g_autofree gchar *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  return msg;
}

/* Turns an HTTP failure into an error the user can act on, using the
 * worker's message only when it is a plain string. */
static gboolean
status_error (SoupMessage *msg,
              GBytes      *body,
              GError     **error)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonObject) obj = NULL;
  const gchar *message = NULL;
  const gchar *code = NULL;
  SrWorkerError kind = SR_WORKER_ERROR_REJECTED;

  if (body != NULL && g_bytes_get_size (body) > 0)
    obj = parse_object (body, NULL);
  if (obj != NULL)
    {
      message = member_string (obj, "message");
      code = member_string (obj, "error");
    }
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      kind = SR_WORKER_ERROR_UNAUTHORIZED;
      break;
    case SOUP_STATUS_NOT_FOUND:
      kind = SR_WORKER_ERROR_NOT_FOUND;
      break;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      kind = SR_WORKER_ERROR_TOO_LARGE;
      break;
    case SOUP_STATUS_INSUFFICIENT_STORAGE:
      kind = SR_WORKER_ERROR_QUOTA;
      break;
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      kind = g_strcmp0 (code, "sha256-mismatch") == 0 ? SR_WORKER_ERROR_SOURCE_MISMATCH : SR_WORKER_ERROR_NOT_VIDEO;
      break;
    default:
      break;
    }
  if (message != NULL)
    g_set_error (error, SR_WORKER_ERROR, kind, _("The transcoding worker refused: %s"), message);
  else
    g_set_error (error, SR_WORKER_ERROR, kind, _("The transcoding worker answered with HTTP status %u."), status);
  return FALSE;
}

/* Sends and reads the whole reply; transport failures become UNREACHABLE. */
static GBytes *
send (SrWorkerClient *self,
      SoupMessage    *msg,
      GCancellable   *cancellable,
      GError        **error)
{
  g_autoptr(GError) local = NULL;
  GBytes *body = soup_session_send_and_read (self->session, msg, cancellable, &local);

  if (body == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE,
                     _("The transcoding worker could not be reached: %s"), local->message);
    }
  return body;
}

static JsonObject *
request_object (SrWorkerClient *self,
                SoupMessage    *msg,
                GCancellable   *cancellable,
                GError        **error)
{
  g_autoptr(GBytes) body = send (self, msg, cancellable, error);

  if (body == NULL)
    return NULL;
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      status_error (msg, body, error);
      return NULL;
    }
  return parse_object (body, error);
}

gchar *
sr_worker_client_hash_file (GFile         *file,
                            goffset       *size,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, cancellable, error);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar buf[65536];
  goffset total = 0;
  gssize n;

  if (in == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, sizeof buf, cancellable, error)) > 0)
    {
      g_checksum_update (sum, buf, (gsize) n);
      total += n;
    }
  if (n < 0)
    return NULL;
  if (size != NULL)
    *size = total;
  return g_strdup (g_checksum_get_string (sum));
}

JsonObject *
sr_worker_client_get_info (SrWorkerClient  *self,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(SoupMessage) msg = new_message (self, "GET", NULL, "/v1/info");
  g_autoptr(JsonObject) obj = NULL;
  JsonObject *limits;
  gint64 v;

  if (msg == NULL)
    {
      g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE,
                   _("“%s” is not a worker address Seedreel can use."), self->base_url);
      return NULL;
    }
  obj = request_object (self, msg, cancellable, error);
  if (obj == NULL)
    return NULL;
  if (!member_is (obj, "encoders", JSON_NODE_ARRAY) || !member_is (obj, "limits", JSON_NODE_OBJECT) ||
      member_string (obj, "price") == NULL)
    {
      bad_reply (error);
      return NULL;
    }
  limits = json_object_get_object_member (obj, "limits");
  if (!member_int (limits, "max_source_size", &v) || !member_int (limits, "disk_quota", &v))
    {
      bad_reply (error);
      return NULL;
    }
  return g_steal_pointer (&obj);
}

gboolean
sr_worker_client_check_access (SrWorkerClient  *self,
                               GCancellable    *cancellable,
                               GError         **error)
{
  g_autoptr(SoupMessage) msg = new_message (self, "POST", self->access_token, "/v1/jobs");
  g_autoptr(GBytes) request = g_bytes_new_static ("{}", 2);
  g_autoptr(GBytes) body = NULL;
  guint status;

  if (msg == NULL)
    {
      g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE,
                   _("“%s” is not a worker address Seedreel can use."), self->base_url);
      return FALSE;
    }
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  body = send (self, msg, cancellable, error);
  if (body == NULL)
    return FALSE;
  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNAUTHORIZED,
                   self->access_token != NULL && *self->access_token != '\0'
                     ? _("The worker does not accept this access token. Ask its operator for the right one, "
                         "then remove the worker and add it again with it.")
                     : _("This worker needs an access token from its operator."));
      return FALSE;
    }
  /* Past the token check, the empty request is turned down as such. */
  if (status == SOUP_STATUS_BAD_REQUEST || SOUP_STATUS_IS_SUCCESSFUL (status))
    return TRUE;
  return status_error (msg, body, error);
}

gboolean
sr_worker_client_create_job (SrWorkerClient  *self,
                             SrLadder        *ladder,
                             goffset          size,
                             const gchar     *sha256,
                             gchar          **job_id,
                             gchar          **job_token,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_autoptr(SoupMessage) msg = new_message (self, "POST", self->access_token, "/v1/jobs");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree gchar *text = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) obj = NULL;
  const gchar *id, *token;

  if (msg == NULL)
    {
      g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE,
                   _("“%s” is not a worker address Seedreel can use."), self->base_url);
      return FALSE;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ladder");
  json_builder_add_value (b, sr_ladder_to_json (ladder));
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, size);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha256);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  body = g_bytes_new (text, strlen (text));
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  obj = request_object (self, msg, cancellable, error);
  if (obj == NULL)
    return FALSE;
  id = member_string (obj, "id");
  token = member_string (obj, "token");
  if (!is_safe_id (id) || token == NULL || *token == '\0')
    return bad_reply (error);
  *job_id = g_strdup (id);
  *job_token = g_strdup (token);
  return TRUE;
}

static gboolean
valid_job (JsonObject *obj)
{
  static const gchar *states[] = { "uploading", "queued", "probing", "encoding", "checking", "done", "failed", NULL };
  const gchar *state = member_string (obj, "state");
  gint64 v;
  JsonArray *rungs;

  if (state == NULL || !g_strv_contains (states, state) || member_string (obj, "message") == NULL ||
      !member_int (obj, "size", &v) || !member_int (obj, "received", &v) ||
      !member_is (obj, "rungs", JSON_NODE_ARRAY) || !member_is (obj, "outputs", JSON_NODE_ARRAY))
    return FALSE;
  rungs = json_object_get_array_member (obj, "rungs");
  for (guint i = 0; i < json_array_get_length (rungs); i++)
    {
      JsonNode *n = json_array_get_element (rungs, i);
      if (!JSON_NODE_HOLDS_OBJECT (n) || member_string (json_node_get_object (n), "name") == NULL ||
          !member_number (json_node_get_object (n), "progress"))
        return FALSE;
    }
  return TRUE;
}

JsonObject *
sr_worker_client_get_job (SrWorkerClient  *self,
                          const gchar     *job_id,
                          const gchar     *job_token,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) obj = NULL;

  g_return_val_if_fail (is_safe_id (job_id), NULL);
  msg = new_message (self, "GET", job_token, "/v1/jobs/%s", job_id);
  obj = request_object (self, msg, cancellable, error);
  if (obj == NULL)
    return NULL;
  if (!valid_job (obj))
    {
      bad_reply (error);
      return NULL;
    }
  return g_steal_pointer (&obj);
}

static gboolean
ask_received (SrWorkerClient *self,
              const gchar    *job_id,
              const gchar    *job_token,
              gint64         *received,
              gint64         *size,
              GCancellable   *cancellable,
              GError        **error)
{
  g_autoptr(JsonObject) job = sr_worker_client_get_job (self, job_id, job_token, cancellable, error);

  if (job == NULL)
    return FALSE;
  member_int (job, "received", received);
  member_int (job, "size", size);
  if (*received < 0 || *received > *size)
    return bad_reply (error);
  return TRUE;
}

gboolean
sr_worker_client_upload (SrWorkerClient  *self,
                         const gchar     *job_id,
                         const gchar     *job_token,
                         GFile           *source,
                         guint            max_chunks,
                         GCancellable    *cancellable,
                         GError         **error)
{
  return sr_worker_client_upload_full (self, job_id, job_token, source, max_chunks, NULL, NULL, cancellable, error);
}

gboolean
sr_worker_client_upload_full (SrWorkerClient       *self,
                              const gchar          *job_id,
                              const gchar          *job_token,
                              GFile                *source,
                              guint                 max_chunks,
                              SrWorkerProgressFunc  progress,
                              gpointer              progress_data,
                              GCancellable         *cancellable,
                              GError              **error)
{
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree guchar *buf = NULL;
  gint64 received = 0, size = 0;
  guint sent_chunks = 0;
  guint retries = 0;

  g_return_val_if_fail (is_safe_id (job_id), FALSE);
  in = g_file_read (source, cancellable, error);
  if (in == NULL)
    return FALSE;
  if (!ask_received (self, job_id, job_token, &received, &size, cancellable, error))
    return FALSE;
  buf = g_malloc (self->chunk_size);
  if (progress != NULL)
    progress (received, size, progress_data);

  while (received < size && (max_chunks == 0 || sent_chunks < max_chunks))
    {
      gsize want = (gsize) MIN ((gint64) self->chunk_size, size - received);
      gsize got = 0;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) chunk = NULL;
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) local = NULL;
      guint status;

      if (!g_seekable_seek (G_SEEKABLE (in), received, G_SEEK_SET, cancellable, error) ||
          !g_input_stream_read_all (G_INPUT_STREAM (in), buf, want, &got, cancellable, error))
        return FALSE;
      if (got != want)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("The source file changed while it was being uploaded."));
          return FALSE;
        }
      msg = new_message (self, "PUT", job_token, "/v1/jobs/%s/source", job_id);
      chunk = g_bytes_new (buf, want);
      soup_message_set_request_body_from_bytes (msg, "application/octet-stream", chunk);
      soup_message_headers_set_content_range (soup_message_get_request_headers (msg),
                                              received, received + (goffset) want - 1, size);
      reply = send (self, msg, cancellable, &local);
      if (reply == NULL)
        {
          /* A dropped connection: ask the worker what arrived and go on from there. */
          if (!g_error_matches (local, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE) || ++retries > MAX_RETRIES)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          g_usleep (RETRY_WAIT (retries));
          g_clear_error (&local);
          if (!ask_received (self, job_id, job_token, &received, &size, cancellable, &local))
            {
              if (g_error_matches (local, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE) && retries < MAX_RETRIES)
                continue;
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          continue;
        }
      status = soup_message_get_status (msg);
      if (status == SOUP_STATUS_SERVICE_UNAVAILABLE && ++retries <= MAX_RETRIES)
        {
          /* The worker is restarting: wait, then ask where it stands. */
          g_usleep (RETRY_WAIT (retries));
          if (!ask_received (self, job_id, job_token, &received, &size, cancellable, &local))
            {
              if (g_error_matches (local, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE) && retries < MAX_RETRIES)
                continue;
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          continue;
        }
      if (status == SOUP_STATUS_CONFLICT || status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
        {
          g_autoptr(JsonObject) obj = parse_object (reply, NULL);
          gint64 at = -1;
          if (obj == NULL || !member_int (obj, "received", &at) || at < 0 || at > size || at == received ||
              ++retries > MAX_RETRIES)
            return status_error (msg, reply, error);
          received = at;
          continue;
        }
      if (!SOUP_STATUS_IS_SUCCESSFUL (status))
        return status_error (msg, reply, error);
      {
        g_autoptr(JsonObject) obj = parse_object (reply, error);
        gint64 at = -1;
        if (obj == NULL)
          return FALSE;
        if (!member_int (obj, "received", &at) || at != received + (gint64) want)
          return bad_reply (error);
        received = at;
      }
      if (progress != NULL)
        progress (received, size, progress_data);
      sent_chunks++;
      retries = 0;
    }
  return TRUE;
}

static GBytes *
get_output (SrWorkerClient  *self,
            const gchar     *job_id,
            const gchar     *job_token,
            const gchar     *name,
            goffset          offset,
            goffset          length,
            goffset         *total,
            GCancellable    *cancellable,
            GError         **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  g_return_val_if_fail (is_safe_id (job_id), NULL);
  if (!is_safe_id (name))
    {
      g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_NOT_FOUND,
                   _("“%s” is not an output name Seedreel accepts."), name);
      return NULL;
    }
  msg = new_message (self, "GET", job_token, "/v1/jobs/%s/outputs/%s", job_id, name);
  if (offset > 0 || length >= 0)
    soup_message_headers_set_range (soup_message_get_request_headers (msg), offset,
                                    length >= 0 ? offset + length - 1 : -1);
  body = send (self, msg, cancellable, error);
  if (body == NULL)
    return NULL;
  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      goffset start = 0, end = 0, t = -1;
      if (!soup_message_headers_get_content_range (soup_message_get_response_headers (msg), &start, &end, &t) ||
          start != offset || (gsize) (end - start + 1) != g_bytes_get_size (body))
        {
          bad_reply (error);
          return NULL;
        }
      if (total != NULL)
        *total = t;
      return g_steal_pointer (&body);
    }
  if (status == SOUP_STATUS_OK)
    {
      if (offset != 0)
        {
          /* The worker ignored the Range: keep only what was asked for. */
          gsize n = g_bytes_get_size (body);
          if ((gsize) offset > n)
            {
              bad_reply (error);
              return NULL;
            }
          if (total != NULL)
            *total = (goffset) n;
          return g_bytes_new_from_bytes (body, (gsize) offset,
                                         length >= 0 ? MIN ((gsize) length, n - (gsize) offset) : n - (gsize) offset);
        }
      if (total != NULL)
        *total = (goffset) g_bytes_get_size (body);
      return g_steal_pointer (&body);
    }
  status_error (msg, body, error);
  return NULL;
}

GBytes *
sr_worker_client_download_range (SrWorkerClient  *self,
                                 const gchar     *job_id,
                                 const gchar     *job_token,
                                 const gchar     *name,
                                 goffset          offset,
                                 goffset          length,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  return get_output (self, job_id, job_token, name, offset, length, NULL, cancellable, error);
}

gboolean
sr_worker_client_download (SrWorkerClient  *self,
                           const gchar     *job_id,
                           const gchar     *job_token,
                           const gchar     *name,
                           GFile           *dest,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(GFileInfo) info = g_file_query_info (dest, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, cancellable, NULL);
  goffset have = info != NULL ? g_file_info_get_size (info) : 0;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GBytes) rest = NULL;
  goffset total = -1;

  rest = get_output (self, job_id, job_token, name, have, -1, &total, cancellable, error);
  if (rest == NULL)
    return FALSE;
  out = have > 0 ? g_file_append_to (dest, G_FILE_CREATE_NONE, cancellable, error)
                 : g_file_replace (dest, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
  if (out == NULL)
    return FALSE;
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), g_bytes_get_data (rest, NULL), g_bytes_get_size (rest),
                                  NULL, cancellable, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error))
    return FALSE;
  if (total >= 0 && have + (goffset) g_bytes_get_size (rest) != total)
    return bad_reply (error);
  return TRUE;
}

gboolean
sr_worker_client_delete_job (SrWorkerClient  *self,
                             const gchar     *job_id,
                             const gchar     *job_token,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_val_if_fail (is_safe_id (job_id), FALSE);
  msg = new_message (self, "DELETE", job_token, "/v1/jobs/%s", job_id);
  body = send (self, msg, cancellable, error);
  if (body == NULL)
    return FALSE;
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    return status_error (msg, body, error);
  return TRUE;
}

const gchar *
sr_worker_client_get_base_url (SrWorkerClient *self)
{
  g_return_val_if_fail (SR_IS_WORKER_CLIENT (self), NULL);
  return self->base_url;
}

gboolean
sr_worker_client_download_full (SrWorkerClient       *self,
                                const gchar          *job_id,
                                const gchar          *job_token,
                                const gchar          *name,
                                GFile                *dest,
                                goffset               max_size,
                                SrWorkerProgressFunc  progress,
                                gpointer              progress_data,
                                GCancellable         *cancellable,
                                GError              **error)
{
  g_autoptr(GFileInfo) info = g_file_query_info (dest, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, cancellable, NULL);
  goffset have = info != NULL ? g_file_info_get_size (info) : 0;
  g_autoptr(GFileOutputStream) out = NULL;
  goffset total = -1;
  guint retries = 0;

  out = have > 0 ? g_file_append_to (dest, G_FILE_CREATE_NONE, cancellable, error)
                 : g_file_replace (dest, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
  if (out == NULL)
    return FALSE;
  if (progress != NULL)
    progress (have, total, progress_data);

  while (total < 0 || have < total)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GBytes) part = NULL;
      goffset t = -1;

      part = get_output (self, job_id, job_token, name, have, (goffset) self->chunk_size, &t, cancellable, &local);
      if (part == NULL)
        {
          /* A dropped connection costs one chunk at most: ask again from here. */
          if (g_error_matches (local, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE) && ++retries <= MAX_RETRIES)
            {
              g_usleep (RETRY_WAIT (retries));
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      retries = 0;
      if (t < 0 || (total >= 0 && t != total) || (max_size > 0 && t > max_size))
        {
          if (max_size > 0 && t > max_size)
            g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_TOO_LARGE,
                         _("The transcoding worker offered a “%s” larger than Seedreel accepts."), name);
          else
            bad_reply (error);
          return FALSE;
        }
      total = t;
      if (g_bytes_get_size (part) == 0 && have < total)
        return bad_reply (error);
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), g_bytes_get_data (part, NULL), g_bytes_get_size (part),
                                      NULL, cancellable, error))
        return FALSE;
      have += (goffset) g_bytes_get_size (part);
      if (have > total)
        return bad_reply (error);
      if (progress != NULL)
        progress (have, total, progress_data);
    }
  return g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error);
}

/* ---- Asynchronous forms: the blocking call in a thread ---- */

typedef struct
{
  gchar                *job_id;
  gchar                *job_token;
  gchar                *name;
  gchar                *sha256;
  goffset               size;
  SrLadder             *ladder;
  GFile                *file;
  SrWorkerProgressFunc  progress;
  gpointer              progress_data;
  GDestroyNotify        progress_destroy;
  GMainContext         *context;
  gchar                *out_id;
  gchar                *out_token;
} AsyncData;

static void
async_data_free (AsyncData *data)
{
  g_free (data->job_id);
  g_free (data->job_token);
  g_free (data->name);
  g_free (data->sha256);
  g_clear_object (&data->ladder);
  g_clear_object (&data->file);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data->out_id);
  g_free (data->out_token);
  g_free (data);
}

static GTask *
new_task (SrWorkerClient      *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          AsyncData          **data_out)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AsyncData *data = g_new0 (AsyncData, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);
  data->context = g_main_context_ref_thread_default ();
  *data_out = data;
  return task;
}

typedef struct
{
  SrWorkerProgressFunc progress;
  gpointer             progress_data;
  goffset              done;
  goffset              total;
  GTask               *task;   /* keeps the progress data alive until delivered */
} ProgressReport;

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressReport *report = user_data;

  if (!g_cancellable_is_cancelled (g_task_get_cancellable (report->task)))
    report->progress (report->done, report->total, report->progress_data);
  g_object_unref (report->task);
  g_free (report);
  return G_SOURCE_REMOVE;
}

/* Runs in the thread; hops to the caller's context. */
static void
thread_progress (goffset  done,
                 goffset  total,
                 gpointer user_data)
{
  GTask *task = user_data;
  AsyncData *data = g_task_get_task_data (task);
  ProgressReport *report;

  if (data->progress == NULL)
    return;
  report = g_new0 (ProgressReport, 1);
  report->progress = data->progress;
  report->progress_data = data->progress_data;
  report->done = done;
  report->total = total;
  report->task = g_object_ref (task);
  /* An idle source, never a direct call: progress must not run in this thread. */
  {
    g_autoptr(GSource) source = g_idle_source_new ();

    /* The task's own priority, so every report arrives before the result. */
    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, deliver_progress, report, NULL);
    g_source_set_static_name (source, "[seedreel] worker progress");
    g_source_attach (source, data->context);
  }
}

static void
info_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  JsonObject *info = sr_worker_client_get_info (source_object, cancellable, &error);

  (void) task_data;
  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify) json_object_unref);
}

void
sr_worker_client_get_info_async (SrWorkerClient      *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  AsyncData *data;
  g_autoptr(GTask) task = new_task (self, sr_worker_client_get_info_async, cancellable, callback, user_data, &data);

  g_task_run_in_thread (task, info_thread);
}

JsonObject *
sr_worker_client_get_info_finish (SrWorkerClient  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
access_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  (void) task_data;
  if (sr_worker_client_check_access (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sr_worker_client_check_access_async (SrWorkerClient      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  AsyncData *data;
  g_autoptr(GTask) task = new_task (self, sr_worker_client_check_access_async, cancellable, callback, user_data,
                                    &data);

  g_task_run_in_thread (task, access_thread);
}

gboolean
sr_worker_client_check_access_finish (SrWorkerClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;

  if (sr_worker_client_create_job (source_object, data->ladder, data->size, data->sha256,
                                   &data->out_id, &data->out_token, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sr_worker_client_create_job_async (SrWorkerClient      *self,
                                   SrLadder            *ladder,
                                   goffset              size,
                                   const gchar         *sha256,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  AsyncData *data;
  g_autoptr(GTask) task = new_task (self, sr_worker_client_create_job_async, cancellable, callback, user_data, &data);

  data->ladder = g_object_ref (ladder);
  data->size = size;
  data->sha256 = g_strdup (sha256);
  g_task_run_in_thread (task, create_thread);
}

gboolean
sr_worker_client_create_job_finish (SrWorkerClient  *self,
                                    GAsyncResult    *result,
                                    gchar          **job_id,
                                    gchar          **job_token,
                                    GError         **error)
{
  AsyncData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  *job_id = g_steal_pointer (&data->out_id);
  *job_token = g_steal_pointer (&data->out_token);
  return TRUE;
}

static void
upload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;

  if (sr_worker_client_upload_full (source_object, data->job_id, data->job_token, data->file, 0,
                                    thread_progress, task, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sr_worker_client_upload_async (SrWorkerClient       *self,
                               const gchar          *job_id,
                               const gchar          *job_token,
                               GFile                *source,
                               SrWorkerProgressFunc  progress,
                               gpointer              progress_data,
                               GDestroyNotify        progress_destroy,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  AsyncData *data;
  g_autoptr(GTask) task = new_task (self, sr_worker_client_upload_async, cancellable, callback, user_data, &data);

  data->job_id = g_strdup (job_id);
  data->job_token = g_strdup (job_token);
  data->file = g_object_ref (source);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  g_task_run_in_thread (task, upload_thread);
}

gboolean
sr_worker_client_upload_finish (SrWorkerClient  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;
  JsonObject *job = sr_worker_client_get_job (source_object, data->job_id, data->job_token, cancellable, &error);

  if (job == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, job, (GDestroyNotify) json_object_unref);
}

void
sr_worker_client_get_job_async (SrWorkerClient      *self,
                                const gchar         *job_id,
                                const gchar         *job_token,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  AsyncData *data;
  g_autoptr(GTask) task = new_task (self, sr_worker_client_get_job_async, cancellable, callback, user_data, &data);

  data->job_id = g_strdup (job_id);
  data->job_token = g_strdup (job_token);
  g_task_run_in_thread (task, job_thread);
}

JsonObject *
sr_worker_client_get_job_finish (SrWorkerClient  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
download_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;

  if (sr_worker_client_download_full (source_object, data->job_id, data->job_token, data->name, data->file, 0,
                                      thread_progress, task, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sr_worker_client_download_async (SrWorkerClient       *self,
                                 const gchar          *job_id,
                                 const gchar          *job_token,
                                 const gchar          *name,
                                 GFile                *dest,
                                 SrWorkerProgressFunc  progress,
                                 gpointer              progress_data,
                                 GDestroyNotify        progress_destroy,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  AsyncData *data;
  g_autoptr(GTask) task = new_task (self, sr_worker_client_download_async, cancellable, callback, user_data, &data);

  data->job_id = g_strdup (job_id);
  data->job_token = g_strdup (job_token);
  data->name = g_strdup (name);
  data->file = g_object_ref (dest);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  g_task_run_in_thread (task, download_thread);
}

gboolean
sr_worker_client_download_finish (SrWorkerClient  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;

  if (sr_worker_client_delete_job (source_object, data->job_id, data->job_token, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sr_worker_client_delete_job_async (SrWorkerClient      *self,
                                   const gchar         *job_id,
                                   const gchar         *job_token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  AsyncData *data;
  g_autoptr(GTask) task = new_task (self, sr_worker_client_delete_job_async, cancellable, callback, user_data, &data);

  data->job_id = g_strdup (job_id);
  data->job_token = g_strdup (job_token);
  g_task_run_in_thread (task, delete_thread);
}

gboolean
sr_worker_client_delete_job_finish (SrWorkerClient  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

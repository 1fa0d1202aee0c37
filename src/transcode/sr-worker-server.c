/* sr-worker-server.c: the transcoding worker's HTTP API. Jobs live in memory
 * and in the worker's own SQLite file; each job has a folder in the state dir
 * holding its source and its outputs. Job tokens are only ever kept hashed. */
#include "config.h"

#include "sr-worker-server.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "sr-ladder-encoder.h"
#include "sr-ladder.h"
#include "sr-media-probe.h"
#include "sr-output-check.h"
#include "sr-transcode-error.h"
#include "sr-worker-db.h"

typedef struct
{
  gboolean done;
  gboolean passed;
  gchar   *message;
} RungCheck;

typedef struct
{
  SrWorkerServer  *server;  /* unowned; jobs never outlive the server's dispose */
  SrWorkerDbJob    row;
  gchar           *dir;
  SrLadder        *ladder;
  SrMediaProbe    *probe;
  SrLadderEncoder *encoder;
  GCancellable    *cancellable;
  RungCheck       *checks;
  guint            check_index;
  gboolean         running;
  gboolean         deleted;
} Job;

struct _SrWorkerServer
{
  GObject      parent_instance;

  gchar       *state_dir;
  GPtrArray   *access_hashes;
  guint        concurrency;
  guint64      max_source_size;
  guint64      disk_quota;
  gchar       *price;
  gchar       *speed_preset;

  SoupServer  *soup;
  SrWorkerDb  *db;
  GHashTable  *jobs;          /* id → Job* (ref) */
  GPtrArray   *order;         /* Job* in arrival order, for the queue */
  guint        n_running;
  gboolean     shutting_down;
};

G_DEFINE_FINAL_TYPE (SrWorkerServer, sr_worker_server, G_TYPE_OBJECT)

static void pump_queue (SrWorkerServer *self);

/* ---- jobs ---- */

static void
job_free_contents (Job *job)
{
  g_free (job->row.id);
  g_free (job->row.token_hash);
  g_free (job->row.state);
  g_free (job->row.message);
  g_free (job->row.ladder_json);
  g_free (job->row.sha256);
  g_free (job->dir);
  if (job->checks != NULL && job->ladder != NULL)
    for (guint i = 0; i < sr_ladder_get_n_rungs (job->ladder); i++)
      g_free (job->checks[i].message);
  g_free (job->checks);
  g_clear_object (&job->ladder);
  g_clear_object (&job->probe);
  g_clear_object (&job->encoder);
  g_clear_object (&job->cancellable);
}

static Job *
job_ref (Job *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
job_unref (Job *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify) job_free_contents);
}

static void
job_free_checks (Job *job, guint n)
{
  if (job->checks == NULL)
    return;
  for (guint i = 0; i < n; i++)
    g_free (job->checks[i].message);
  g_clear_pointer (&job->checks, g_free);
}

static gchar *
job_source_path (Job *job)
{
  return g_build_filename (job->dir, "source", NULL);
}

static gchar *
job_output_dir (Job *job)
{
  return g_build_filename (job->dir, "out", NULL);
}

static void
job_save (Job *job)
{
  g_autoptr(GError) error = NULL;

  if (!sr_worker_db_save (job->server->db, &job->row, &error))
    g_warning ("%s", error->message);
}

static void
job_set_state (Job         *job,
               const gchar *state,
               const gchar *message)
{
  gchar *new_message = g_strdup (message);

  g_free (job->row.state);
  job->row.state = g_strdup (state);
  g_free (job->row.message);
  job->row.message = new_message;
  job_save (job);
}

static gboolean
job_state_is (Job         *job,
              const gchar *state)
{
  return g_strcmp0 (job->row.state, state) == 0;
}

/* ---- helpers ---- */

static gchar *
sha256_hex (const gchar *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static gboolean
constant_time_equal (const gchar *a,
                     const gchar *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guchar diff = la != lb;

  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= (guchar) a[i] ^ (guchar) b[i];
  return diff == 0;
}

static gchar *
random_token (gsize n_bytes,
              gboolean hex)
{
  guchar buf[64];
  gsize got = 0;

  g_assert (n_bytes <= sizeof buf);
  while (got < n_bytes)
    {
      ssize_t r = getrandom (buf + got, n_bytes - got, 0);
      if (r < 0 && errno == EINTR)
        continue;
      g_assert (r > 0);
      got += (gsize) r;
    }
  if (hex)
    {
      GString *s = g_string_new (NULL);
      for (gsize i = 0; i < n_bytes; i++)
        g_string_append_printf (s, "%02x", buf[i]);
      return g_string_free (s, FALSE);
    }
  else
    {
      gchar *b64 = g_base64_encode (buf, n_bytes);
      gchar *end;
      for (gchar *p = b64; *p; p++)
        {
          if (*p == '+')
            *p = '-';
          else if (*p == '/')
            *p = '_';
        }
      end = strchr (b64, '=');
      if (end != NULL)
        *end = '\0';
      return b64;
    }
}

static const gchar *
bearer_token (SoupServerMessage *msg)
{
  const gchar *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    return NULL;
  return auth + 7;
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize len = 0;
  g_autofree gchar *text = json_to_string (root, FALSE);

  len = strlen (text);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, len);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const gchar       *code,
             const gchar       *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  reply_json (msg, status, b);
}

static guint64
job_output_bytes (Job *job)
{
  g_autofree gchar *out = job_output_dir (job);
  g_autoptr(GDir) dir = g_dir_open (out, 0, NULL);
  const gchar *name;
  guint64 total = 0;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree gchar *path = g_build_filename (out, name, NULL);
      GStatBuf st;
      if (g_stat (path, &st) == 0)
        total += (guint64) st.st_size;
    }
  return total;
}

static guint64
committed_bytes (SrWorkerServer *self)
{
  guint64 total = 0;

  for (guint i = 0; i < self->order->len; i++)
    {
      Job *job = g_ptr_array_index (self->order, i);
      total += (guint64) job->row.size + job_output_bytes (job);
    }
  return total;
}

static void
remove_tree (const gchar *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree gchar *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

/* ---- the queue ---- */

static void
job_finished_running (Job *job)
{
  SrWorkerServer *self = job->server;

  if (job->running)
    {
      job->running = FALSE;
      self->n_running--;
    }
  g_clear_object (&job->encoder);
  g_clear_object (&job->cancellable);
  if (!self->shutting_down)
    pump_queue (self);
}

static gboolean
job_should_stop (Job *job)
{
  return job->deleted || job->server->shutting_down;
}

static void check_next_rung (Job *job);

static void
on_rung_checked (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutputReport) report = sr_output_check_run_finish (SR_OUTPUT_CHECK (source), result, &error);
  RungCheck *check;

  if (job_should_stop (job))
    {
      job_finished_running (job);
      job_unref (job);
      return;
    }
  check = &job->checks[job->check_index];
  check->done = TRUE;
  if (report == NULL)
    {
      check->passed = FALSE;
      check->message = g_strdup (error->message);
    }
  else
    {
      check->passed = sr_output_report_get_passed (report);
      check->message = sr_output_report_to_string (report);
    }
  job->check_index++;
  check_next_rung (job);
  job_unref (job);
}

static void
check_next_rung (Job *job)
{
  guint n = sr_ladder_get_n_rungs (job->ladder);
  const SrLadderRung *rung;
  g_autofree gchar *out_dir = NULL;
  g_autofree gchar *name = NULL;
  g_autofree gchar *out_path = NULL;
  g_autofree gchar *src_path = NULL;
  g_autoptr(GFile) out = NULL;
  g_autoptr(GFile) src = NULL;
  g_autoptr(SrOutputCheck) check = NULL;
  guint sw = sr_media_probe_get_width (job->probe), sh = sr_media_probe_get_height (job->probe);

  if (job->check_index >= n)
    {
      g_autoptr(GString) failed = g_string_new (NULL);
      for (guint i = 0; i < n; i++)
        if (!job->checks[i].passed)
          g_string_append_printf (failed, "%s%s", failed->len ? ", " : "",
                                  sr_ladder_get_rung (job->ladder, i)->name);
      if (failed->len == 0)
        job_set_state (job, "done", NULL);
      else
        {
          g_autofree gchar *m = g_strdup_printf (_("The worker's own checks rejected these renditions: %s"),
                                                 failed->str);
          job_set_state (job, "failed", m);
        }
      job_finished_running (job);
      return;
    }

  rung = sr_ladder_get_rung (job->ladder, job->check_index);
  out_dir = job_output_dir (job);
  name = g_strdup_printf ("%s.mp4", rung->name);
  out_path = g_build_filename (out_dir, name, NULL);
  src_path = job_source_path (job);
  out = g_file_new_for_path (out_path);
  src = g_file_new_for_path (src_path);
  check = sr_output_check_new (src, out, sr_ladder_rung_width_for (rung, sw, sh),
                               rung->height != 0 ? rung->height : sh);
  sr_output_check_set_source_probe (check, job->probe);
  sr_output_check_run_async (check, job->cancellable, on_rung_checked, job_ref (job));
}

static void
on_encoded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = sr_ladder_encoder_run_finish (SR_LADDER_ENCODER (source), result, &error);

  if (job_should_stop (job))
    {
      job_finished_running (job);
      job_unref (job);
      return;
    }
  if (!ok)
    {
      g_autofree gchar *m = g_strdup_printf (_("Encoding failed: %s"), error->message);
      job_set_state (job, "failed", m);
      job_finished_running (job);
      job_unref (job);
      return;
    }
  job_set_state (job, "checking", job->row.message);
  job->check_index = 0;
  check_next_rung (job);
  job_unref (job);
}

static void
on_probed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  SrMediaProbe *probe = sr_media_probe_new_for_file_finish (result, &error);
  g_autofree gchar *src_path = NULL;
  g_autofree gchar *out_dir = NULL;
  g_autoptr(GFile) src = NULL;
  g_autoptr(GFile) out = NULL;

  (void) source;
  if (job_should_stop (job))
    {
      g_clear_object (&probe);
      job_finished_running (job);
      job_unref (job);
      return;
    }
  if (probe == NULL)
    {
      g_autofree gchar *m = g_strdup_printf (_("The source could not be read as a video: %s"), error->message);
      job_set_state (job, "failed", m);
      job_finished_running (job);
      job_unref (job);
      return;
    }
  job->probe = probe;
  src_path = job_source_path (job);
  out_dir = job_output_dir (job);
  remove_tree (out_dir);
  g_mkdir_with_parents (out_dir, 0700);
  src = g_file_new_for_path (src_path);
  out = g_file_new_for_path (out_dir);
  job->encoder = sr_ladder_encoder_new (src, out, job->ladder);
  if (job->server->speed_preset != NULL)
    sr_ladder_encoder_set_speed_preset (job->encoder, job->server->speed_preset);
  job_free_checks (job, sr_ladder_get_n_rungs (job->ladder));
  job->checks = g_new0 (RungCheck, sr_ladder_get_n_rungs (job->ladder));
  job_set_state (job, "encoding", job->row.message);
  sr_ladder_encoder_run_async (job->encoder, job->cancellable, on_encoded, job);
}

static void
start_job (Job *job)
{
  SrWorkerServer *self = job->server;
  g_autofree gchar *src_path = job_source_path (job);
  g_autoptr(GFile) src = g_file_new_for_path (src_path);

  job->running = TRUE;
  self->n_running++;
  job->cancellable = g_cancellable_new ();
  job_set_state (job, "probing", job->row.message);
  sr_media_probe_new_for_file_async (src, job->cancellable, on_probed, job_ref (job));
}

static void
pump_queue (SrWorkerServer *self)
{
  for (guint i = 0; i < self->order->len && self->n_running < self->concurrency; i++)
    {
      Job *job = g_ptr_array_index (self->order, i);
      if (!job->running && job_state_is (job, "queued"))
        start_job (job);
    }
}

/* ---- handlers ---- */

static void
build_job_json (Job         *job,
                JsonBuilder *b)
{
  guint n = sr_ladder_get_n_rungs (job->ladder);
  gint64 duration = job->encoder ? sr_ladder_encoder_get_duration (job->encoder) : 0;
  gboolean encoded = job_state_is (job, "checking") || job_state_is (job, "done");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, job->row.id);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, job->row.state);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, job->row.message ? job->row.message : "");
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, job->row.size);
  json_builder_set_member_name (b, "received");
  json_builder_add_int_value (b, job->row.received);
  json_builder_set_member_name (b, "rungs");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      const SrLadderRung *rung = sr_ladder_get_rung (job->ladder, i);
      gdouble progress = encoded ? 1.0 : 0.0;

      if (!encoded && job->encoder != NULL && duration > 0)
        progress = CLAMP ((gdouble) sr_ladder_encoder_get_rung_position (job->encoder, i) / duration, 0.0, 1.0);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, rung->name);
      json_builder_set_member_name (b, "progress");
      json_builder_add_double_value (b, progress);
      json_builder_set_member_name (b, "check");
      if (job->checks != NULL && job->checks[i].done)
        json_builder_add_string_value (b, job->checks[i].passed ? "passed" : "failed");
      else
        json_builder_add_string_value (b, job_state_is (job, "done") ? "passed" : "pending");
      if (job->checks != NULL && job->checks[i].message != NULL)
        {
          json_builder_set_member_name (b, "check_message");
          json_builder_add_string_value (b, job->checks[i].message);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "outputs");
  json_builder_begin_array (b);
  if (job_state_is (job, "done"))
    {
      for (guint i = 0; i < n; i++)
        {
          g_autofree gchar *name = g_strdup_printf ("%s.mp4", sr_ladder_get_rung (job->ladder, i)->name);
          json_builder_add_string_value (b, name);
        }
      json_builder_add_string_value (b, "poster.jpg");
      json_builder_add_string_value (b, "info.json");
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
reply_job (SoupServerMessage *msg,
           guint              status,
           Job               *job)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree gchar *received = g_strdup_printf ("%" G_GINT64_FORMAT, job->row.received);

  build_job_json (job, b);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Upload-Offset", received);
  reply_json (msg, status, b);
}

static void
handle_info (SrWorkerServer    *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const gchar *encoders[] = { "x264enc", "avenc_aac", "fdkaacenc", "voaacenc", "faac", NULL };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "seedreel-transcoder");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "encoders");
  json_builder_begin_array (b);
  for (guint i = 0; encoders[i]; i++)
    {
      g_autoptr(GstElementFactory) f = gst_element_factory_find (encoders[i]);
      if (f != NULL)
        json_builder_add_string_value (b, encoders[i]);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "limits");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "max_source_size");
  json_builder_add_int_value (b, (gint64) self->max_source_size);
  json_builder_set_member_name (b, "disk_quota");
  json_builder_add_int_value (b, (gint64) self->disk_quota);
  json_builder_set_member_name (b, "disk_free");
  json_builder_add_int_value (b, (gint64) (self->disk_quota - MIN (self->disk_quota, committed_bytes (self))));
  json_builder_set_member_name (b, "concurrency");
  json_builder_add_int_value (b, self->concurrency);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "price");
  json_builder_add_string_value (b, self->price ? self->price : "0");
  json_builder_end_object (b);
  reply_json (msg, SOUP_STATUS_OK, b);
}

static gboolean
is_hex_sha256 (const gchar *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (const gchar *p = s; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static void
handle_create (SrWorkerServer    *self,
               SoupServerMessage *msg)
{
  const gchar *token = bearer_token (msg);
  g_autofree gchar *hash = NULL;
  gboolean allowed = FALSE;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *obj;
  JsonNode *ladder_node;
  g_autoptr(SrLadder) ladder = NULL;
  gint64 size;
  const gchar *sha;
  g_autofree gchar *job_token = NULL;
  Job *job;

  if (token != NULL)
    {
      hash = sha256_hex (token);
      for (guint i = 0; i < self->access_hashes->len; i++)
        allowed |= constant_time_equal (hash, g_ptr_array_index (self->access_hashes, i));
    }
  if (!allowed)
    {
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                   token != NULL
                     ? _("This worker does not accept this access token: ask its operator for the right one.")
                     : _("This worker needs an access token from its operator."));
      return;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", _("The job request is not a JSON object."));
      return;
    }
  obj = json_node_get_object (json_parser_get_root (parser));
  ladder_node = json_object_get_member (obj, "ladder");
  sha = json_object_has_member (obj, "sha256") &&
        JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "sha256")) ?
        json_object_get_string_member (obj, "sha256") : NULL;
  size = json_object_has_member (obj, "size") &&
         json_node_get_value_type (json_object_get_member (obj, "size")) == G_TYPE_INT64 ?
         json_object_get_int_member (obj, "size") : -1;
  if (ladder_node == NULL || (ladder = sr_ladder_new_from_json (ladder_node, &error)) == NULL ||
      sr_ladder_get_n_rungs (ladder) == 0)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-ladder", _("The job request has no valid rendition ladder."));
      return;
    }
  if (size <= 0 || !is_hex_sha256 (sha))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                   _("The job request needs the source size in bytes and its sha256."));
      return;
    }
  if ((guint64) size > self->max_source_size)
    {
      g_autofree gchar *limit = g_format_size (self->max_source_size);
      g_autofree gchar *m = g_strdup_printf (_("The source is larger than this worker accepts (%s)."), limit);
      reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", m);
      return;
    }
  if (committed_bytes (self) + (guint64) size > self->disk_quota)
    {
      reply_error (msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "quota",
                   _("This worker's disk is full for now; try again later or use another worker."));
      return;
    }

  job = g_atomic_rc_box_new0 (Job);
  job->server = self;
  job->row.id = random_token (16, TRUE);
  job_token = random_token (32, FALSE);
  job->row.token_hash = sha256_hex (job_token);
  job->row.state = g_strdup ("uploading");
  job->row.ladder_json = sr_ladder_to_string (ladder);
  job->row.sha256 = g_ascii_strdown (sha, -1);
  job->row.size = size;
  job->ladder = g_steal_pointer (&ladder);
  job->dir = g_build_filename (self->state_dir, "jobs", job->row.id, NULL);
  g_mkdir_with_parents (job->dir, 0700);
  if (!sr_worker_db_save (self->db, &job->row, &error))
    {
      reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", error->message);
      remove_tree (job->dir);
      job_unref (job);
      return;
    }
  g_hash_table_insert (self->jobs, job->row.id, job);
  g_ptr_array_add (self->order, job);

  {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_string_value (b, job->row.id);
    json_builder_set_member_name (b, "token");
    json_builder_add_string_value (b, job_token);
    json_builder_end_object (b);
    reply_json (msg, SOUP_STATUS_CREATED, b);
  }
}

static gboolean
file_sha256_matches (const gchar *path,
                     const gchar *expected)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar buf[65536];
  FILE *f = fopen (path, "rb");
  size_t n;

  if (f == NULL)
    return FALSE;
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    g_checksum_update (sum, buf, n);
  fclose (f);
  return g_ascii_strcasecmp (g_checksum_get_string (sum), expected) == 0;
}

typedef struct
{
  Job               *job;
  SoupServerMessage *msg;
  gchar             *path;
  gchar             *sha256;
} Verify;

static void
verify_free (Verify *v)
{
  job_unref (v->job);
  g_object_unref (v->msg);
  g_free (v->path);
  g_free (v->sha256);
  g_free (v);
}

/* Hashing and probing a large source takes a while: done in a thread so the
 * worker keeps answering other clients. */
static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Verify *v = task_data;
  g_autoptr(GFile) file = g_file_new_for_path (v->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMediaProbe) probe = NULL;

  (void) source_object;
  if (!file_sha256_matches (v->path, v->sha256))
    {
      g_task_return_new_error (task, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_DECODE_FAILED,
                               "%s", _("The uploaded source does not match its sha256: it was changed or damaged on the way. Upload it again."));
      return;
    }
  probe = sr_media_probe_new_for_file (file, cancellable, &error);
  if (probe == NULL)
    {
      if (g_error_matches (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_NOT_VIDEO))
        g_task_return_new_error (task, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_NOT_VIDEO,
                                 _("The uploaded file is not a video: %s"), error->message);
      else
        g_task_return_new_error (task, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_NOT_VIDEO,
                                 _("The uploaded file could not be read as a video: %s"), error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrWorkerServer *self = SR_WORKER_SERVER (source);
  Verify *v = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  (void) user_data;
  if (v->job->deleted || self->shutting_down)
    reply_error (v->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "gone", _("The job went away while its source was being checked."));
  else if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      gboolean mismatch = g_error_matches (error, SR_TRANSCODE_ERROR, SR_TRANSCODE_ERROR_DECODE_FAILED);
      job_set_state (v->job, "failed", error->message);
      reply_error (v->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, mismatch ? "sha256-mismatch" : "not-video",
                   error->message);
    }
  else
    {
      job_set_state (v->job, "queued", NULL);
      pump_queue (self);
      reply_job (v->msg, SOUP_STATUS_OK, v->job);
    }
  soup_server_message_unpause (v->msg);
}

static void
upload_complete (SrWorkerServer    *self,
                 SoupServerMessage *msg,
                 Job               *job)
{
  Verify *v = g_new0 (Verify, 1);
  g_autoptr(GTask) task = g_task_new (self, NULL, on_verified, NULL);

  v->job = job_ref (job);
  v->msg = g_object_ref (msg);
  v->path = job_source_path (job);
  v->sha256 = g_strdup (job->row.sha256);
  g_task_set_source_tag (task, upload_complete);
  g_task_set_task_data (task, v, (GDestroyNotify) verify_free);
  soup_server_message_pause (msg);
  g_task_run_in_thread (task, verify_thread);
}

static void
reply_wrong_offset (SoupServerMessage *msg,
                    guint              status,
                    Job               *job,
                    const gchar       *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree gchar *received = g_strdup_printf ("%" G_GINT64_FORMAT, job->row.received);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, "wrong-offset");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "received");
  json_builder_add_int_value (b, job->row.received);
  json_builder_end_object (b);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Upload-Offset", received);
  reply_json (msg, status, b);
}

static void
handle_upload (SrWorkerServer    *self,
               SoupServerMessage *msg,
               Job               *job)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  goffset start = 0, end = 0, total = 0;
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize len = g_bytes_get_size (bytes);
  g_autofree gchar *path = job_source_path (job);
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  int fd;

  if (!job_state_is (job, "uploading"))
    {
      reply_wrong_offset (msg, SOUP_STATUS_CONFLICT, job, _("This job is no longer accepting its source."));
      return;
    }
  if (!soup_message_headers_get_content_range (h, &start, &end, &total) ||
      total != job->row.size || end < start || (gsize) (end - start + 1) != len || end >= total)
    {
      reply_wrong_offset (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, job,
                          _("The chunk's Content-Range does not fit this job's source."));
      return;
    }
  if (start != job->row.received)
    {
      reply_wrong_offset (msg, SOUP_STATUS_CONFLICT, job,
                          _("The chunk does not start where the upload stopped; resume from the received offset."));
      return;
    }
  fd = g_open (path, O_WRONLY | O_CREAT, 0600);
  if (fd < 0 || ftruncate (fd, start) != 0)
    {
      if (fd >= 0)
        close (fd);
      reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", _("The worker could not store the source."));
      return;
    }
  for (gsize done = 0; done < len;)
    {
      ssize_t w = pwrite (fd, data + done, len - done, start + (goffset) done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          close (fd);
          reply_error (msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "write-failed",
                       _("The worker could not store the source."));
          return;
        }
      done += (gsize) w;
    }
  fsync (fd);
  close (fd);
  job->row.received = end + 1;
  job_save (job);
  if (job->row.received == job->row.size)
    upload_complete (self, msg, job);
  else
    reply_job (msg, SOUP_STATUS_OK, job);
}

static gboolean
output_name_allowed (Job         *job,
                     const gchar *name)
{
  if (!job_state_is (job, "done"))
    return FALSE;
  if (g_str_equal (name, "poster.jpg") || g_str_equal (name, "info.json"))
    return TRUE;
  for (guint i = 0; i < sr_ladder_get_n_rungs (job->ladder); i++)
    {
      g_autofree gchar *n = g_strdup_printf ("%s.mp4", sr_ladder_get_rung (job->ladder, i)->name);
      if (g_str_equal (n, name))
        return TRUE;
    }
  return FALSE;
}

static void
handle_output (SoupServerMessage *msg,
               Job               *job,
               const gchar       *name)
{
  g_autofree gchar *out_dir = job_output_dir (job);
  g_autofree gchar *path = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  SoupRange *ranges = NULL;
  int n_ranges = 0;
  g_autoptr(GBytes) all = NULL;
  gsize total;
  const gchar *type;

  if (!output_name_allowed (job, name))
    {
      reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", _("This job has no output of that name."));
      return;
    }
  path = g_build_filename (out_dir, name, NULL);
  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL)
    {
      reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", _("This job has no output of that name."));
      return;
    }
  /* The mapping stays alive with the reply, so large outputs are not copied. */
  all = g_mapped_file_get_bytes (mapped);
  total = g_bytes_get_size (all);
  type = g_str_has_suffix (name, ".mp4") ? "video/mp4" :
         g_str_has_suffix (name, ".jpg") ? "image/jpeg" : "application/json";
  soup_message_headers_replace (resp, "Accept-Ranges", "bytes");
  if (soup_message_headers_get_one (req, "Range") != NULL)
    {
      if (!soup_message_headers_get_ranges (req, total, &ranges, &n_ranges) || n_ranges != 1)
        {
          g_autofree gchar *cr = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, total);
          if (ranges != NULL)
            soup_message_headers_free_ranges (req, ranges);
          soup_message_headers_replace (resp, "Content-Range", cr);
          soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
          return;
        }
      /* RFC 9110: a range reaching past the end is served up to the end. */
      if (ranges[0].end >= (goffset) total)
        ranges[0].end = (goffset) total - 1;
      g_autoptr(GBytes) slice = g_bytes_new_from_bytes (all, (gsize) ranges[0].start,
                                                        (gsize) (ranges[0].end - ranges[0].start + 1));
      soup_message_headers_set_content_range (resp, ranges[0].start, ranges[0].end, (goffset) total);
      soup_message_headers_set_content_type (resp, type, NULL);
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), slice);
      soup_message_headers_free_ranges (req, ranges);
      return;
    }
  soup_message_headers_set_content_type (resp, type, NULL);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), all);
}

static void
handle_delete (SrWorkerServer    *self,
               SoupServerMessage *msg,
               Job               *job)
{
  g_autoptr(GError) error = NULL;

  job->deleted = TRUE;
  if (job->cancellable != NULL)
    g_cancellable_cancel (job->cancellable);
  sr_worker_db_delete (self->db, job->row.id, &error);
  remove_tree (job->dir);
  g_ptr_array_remove (self->order, job);
  g_hash_table_remove (self->jobs, job->row.id);
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  SrWorkerServer *self = user_data;
  const gchar *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  guint n = g_strv_length (parts);
  Job *job;
  const gchar *token;
  g_autofree gchar *hash = NULL;

  (void) server;
  (void) query;
  if (self->shutting_down)
    {
      reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "shutting-down", _("The worker is shutting down."));
      return;
    }
  /* parts: "", "v1", … */
  if (n == 3 && g_str_equal (parts[2], "info") && g_str_equal (method, "GET"))
    {
      handle_info (self, msg);
      return;
    }
  if (n == 3 && g_str_equal (parts[2], "jobs") && g_str_equal (method, "POST"))
    {
      handle_create (self, msg);
      return;
    }
  if (n < 4 || !g_str_equal (parts[2], "jobs"))
    {
      reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", _("No such endpoint."));
      return;
    }
  job = g_hash_table_lookup (self->jobs, parts[3]);
  if (job == NULL)
    {
      reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", _("This worker has no such job (it may have been deleted)."));
      return;
    }
  token = bearer_token (msg);
  hash = token ? sha256_hex (token) : NULL;
  if (hash == NULL || !constant_time_equal (hash, job->row.token_hash))
    {
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized", _("The job token is not valid for this job."));
      return;
    }
  job_ref (job);
  if (n == 4 && (g_str_equal (method, "GET") || g_str_equal (method, "HEAD")))
    reply_job (msg, SOUP_STATUS_OK, job);
  else if (n == 4 && g_str_equal (method, "DELETE"))
    handle_delete (self, msg, job);
  else if (n == 5 && g_str_equal (parts[4], "source") && g_str_equal (method, "PUT"))
    handle_upload (self, msg, job);
  else if (n == 6 && g_str_equal (parts[4], "outputs") && g_str_equal (method, "GET"))
    handle_output (msg, job, parts[5]);
  else
    reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", _("No such endpoint."));
  job_unref (job);
}

/* ---- lifecycle ---- */

static void
sr_worker_server_dispose (GObject *object)
{
  SrWorkerServer *self = SR_WORKER_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->order, g_ptr_array_unref);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->db, sr_worker_db_close);
  G_OBJECT_CLASS (sr_worker_server_parent_class)->dispose (object);
}

static void
sr_worker_server_finalize (GObject *object)
{
  SrWorkerServer *self = SR_WORKER_SERVER (object);

  g_free (self->state_dir);
  g_free (self->price);
  g_free (self->speed_preset);
  g_ptr_array_unref (self->access_hashes);
  G_OBJECT_CLASS (sr_worker_server_parent_class)->finalize (object);
}

static void
sr_worker_server_class_init (SrWorkerServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_worker_server_dispose;
  object_class->finalize = sr_worker_server_finalize;
}

static void
sr_worker_server_init (SrWorkerServer *self)
{
  self->access_hashes = g_ptr_array_new_with_free_func (g_free);
  self->concurrency = 1;
  self->max_source_size = G_GUINT64_CONSTANT (8) << 30;
  self->disk_quota = G_GUINT64_CONSTANT (64) << 30;
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) job_unref);
  self->order = g_ptr_array_new ();
}

SrWorkerServer *
sr_worker_server_new (const gchar *state_dir)
{
  SrWorkerServer *self = g_object_new (SR_TYPE_WORKER_SERVER, NULL);

  self->state_dir = g_strdup (state_dir);
  return self;
}

void
sr_worker_server_add_access_token (SrWorkerServer *self,
                                   const gchar    *token)
{
  g_return_if_fail (SR_IS_WORKER_SERVER (self));
  if (token != NULL && *token != '\0')
    g_ptr_array_add (self->access_hashes, sha256_hex (token));
}

void
sr_worker_server_set_concurrency (SrWorkerServer *self,
                                  guint           n_jobs)
{
  self->concurrency = MAX (n_jobs, 1);
}

void
sr_worker_server_set_max_source_size (SrWorkerServer *self,
                                      guint64         bytes)
{
  self->max_source_size = bytes;
}

void
sr_worker_server_set_disk_quota (SrWorkerServer *self,
                                 guint64         bytes)
{
  self->disk_quota = bytes;
}

void
sr_worker_server_set_price (SrWorkerServer *self,
                            const gchar    *price)
{
  g_free (self->price);
  self->price = g_strdup (price);
}

void
sr_worker_server_set_speed_preset (SrWorkerServer *self,
                                   const gchar    *preset)
{
  g_free (self->speed_preset);
  self->speed_preset = g_strdup (preset);
}

/* Brings back every job of a previous run. Work that was running when the
 * worker stopped is re-queued from the start, and says so. */
static gboolean
load_jobs (SrWorkerServer  *self,
           GError         **error)
{
  g_autoptr(GPtrArray) rows = sr_worker_db_load_all (self->db, error);

  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      SrWorkerDbJob *row = g_ptr_array_index (rows, i);
      g_autoptr(GError) local = NULL;
      SrLadder *ladder = sr_ladder_new_from_string (row->ladder_json, &local);
      Job *job;

      if (ladder == NULL)
        continue;
      job = g_atomic_rc_box_new0 (Job);
      job->server = self;
      job->row = *row;
      memset (row, 0, sizeof *row);
      job->ladder = ladder;
      job->dir = g_build_filename (self->state_dir, "jobs", job->row.id, NULL);
      if (job_state_is (job, "uploading"))
        {
          g_autofree gchar *src = job_source_path (job);
          GStatBuf st;
          gint64 on_disk = g_stat (src, &st) == 0 ? (gint64) st.st_size : 0;
          job->row.received = MIN (job->row.received, on_disk);
          job_save (job);
        }
      else if (job_state_is (job, "probing") || job_state_is (job, "encoding") || job_state_is (job, "checking"))
        job_set_state (job, "queued",
                       _("The worker stopped while this job was running; it was queued again and starts over."));
      g_hash_table_insert (self->jobs, job->row.id, job);
      g_ptr_array_add (self->order, job);
    }
  return TRUE;
}

gboolean
sr_worker_server_start (SrWorkerServer  *self,
                        const gchar     *address,
                        guint            port,
                        GError         **error)
{
  g_autofree gchar *db_path = NULL;
  g_autofree gchar *jobs_dir = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) sockaddr = NULL;

  g_return_val_if_fail (SR_IS_WORKER_SERVER (self), FALSE);

  jobs_dir = g_build_filename (self->state_dir, "jobs", NULL);
  if (g_mkdir_with_parents (jobs_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("The worker's state folder %s could not be created: %s"), jobs_dir, g_strerror (errno));
      return FALSE;
    }
  db_path = g_build_filename (self->state_dir, "jobs.sqlite", NULL);
  self->db = sr_worker_db_open (db_path, error);
  if (self->db == NULL || !load_jobs (self, error))
    return FALSE;

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address to listen on."), address);
      return FALSE;
    }
  sockaddr = g_inet_socket_address_new (inet, port);
  self->soup = soup_server_new ("server-header", "seedreel-transcoder", NULL);
  soup_server_add_handler (self->soup, "/v1", server_callback, self, NULL);
  if (!soup_server_listen (self->soup, sockaddr, 0, error))
    return FALSE;
  pump_queue (self);
  return TRUE;
}

guint
sr_worker_server_get_port (SrWorkerServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  guint port = 0;

  if (uris != NULL)
    port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

guint
sr_worker_server_get_n_running (SrWorkerServer *self)
{
  return self->n_running;
}

void
sr_worker_server_shutdown (SrWorkerServer *self)
{
  g_return_if_fail (SR_IS_WORKER_SERVER (self));
  if (self->shutting_down)
    return;
  self->shutting_down = TRUE;
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  for (guint i = 0; i < self->order->len; i++)
    {
      Job *job = g_ptr_array_index (self->order, i);
      if (!job->running)
        continue;
      job_set_state (job, "queued",
                     _("The worker was shut down while this job was running; it starts over when the worker is back."));
      g_cancellable_cancel (job->cancellable);
    }
}

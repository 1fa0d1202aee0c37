/* test-worker.c: the real seedreel-transcoder process on 127.0.0.1, driven
 * through SrWorkerClient: access tokens, resumable upload across a worker
 * restart, the encode reaching done with outputs that pass the client's own
 * checks, Range downloads, rejections, deletion and SIGTERM mid-encode. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>

#include "transcode-test-util.h"
#include "transcode/sr-ladder.h"
#include "transcode/sr-output-check.h"
#include "transcode/sr-worker-client.h"

#define ACCESS_TOKEN "operator-issued-secret"
#define MAX_SOURCE_SIZE 20000000
#define DISK_QUOTA 50000000

static const gchar *worker_path;
static gchar *work_dir;
static gchar *state_dir;
static GFile *clip;
static GSubprocess *worker;
static gchar *base_url;

static void
die_with_parent (gpointer user_data)
{
  (void) user_data;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_worker_on (guint port)
{
  g_autofree gchar *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree gchar *line = NULL;
  g_autofree gchar *max = g_strdup_printf ("%d", MAX_SOURCE_SIZE);
  g_autofree gchar *quota = g_strdup_printf ("%d", DISK_QUOTA);

  g_assert_null (worker);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  /* A failed assertion here must not leave a worker running behind the test. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  worker = g_subprocess_launcher_spawn (launcher, &error,
                             worker_path, "--listen", listen, "--state-dir", state_dir,
                             "--access-token", ACCESS_TOKEN, "--speed-preset", "ultrafast",
                             "--max-source-size", max, "--disk-quota", quota, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (worker));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  g_free (base_url);
  base_url = g_strdup (line + strlen ("listening on "));
  g_assert_cmpuint (atoi (strrchr (base_url, ':') + 1), >, 0);
}

static void
start_worker (void)
{
  start_worker_on (0);
}

static guint
worker_port (void)
{
  return (guint) atoi (strrchr (base_url, ':') + 1);
}

/* SIGTERM, and the worker must exit 0 on its own. */
static gdouble
stop_worker (void)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  g_subprocess_send_signal (worker, SIGTERM);
  g_subprocess_wait (worker, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (worker));
  g_assert_cmpint (g_subprocess_get_exit_status (worker), ==, 0);
  g_clear_object (&worker);
  return (g_get_monotonic_time () - t0) / 1e6;
}

static SrWorkerClient *
new_client (void)
{
  return sr_worker_client_new (base_url, ACCESS_TOKEN);
}

static SrLadder *
small_ladder (void)
{
  SrLadder *ladder = sr_ladder_new ();

  sr_ladder_add_rung (ladder, sr_ladder_rung_new ("360p", 0, 360, 600, 96));
  sr_ladder_add_rung (ladder, sr_ladder_rung_new ("240p", 0, 240, 300, 64));
  return ladder;
}

static void
create_for_file (SrWorkerClient *client,
                 GFile          *file,
                 const gchar    *sha_override,
                 gchar         **id,
                 gchar         **token,
                 goffset        *size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrLadder) ladder = small_ladder ();
  g_autofree gchar *sha = sr_worker_client_hash_file (file, size, NULL, &error);

  g_assert_no_error (error);
  sr_worker_client_create_job (client, ladder, *size, sha_override ? sha_override : sha, id, token, NULL, &error);
  g_assert_no_error (error);
}

static JsonObject *
wait_for_state (SrWorkerClient *client,
                const gchar    *id,
                const gchar    *token,
                const gchar    *const *states,
                gdouble         timeout)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) job = sr_worker_client_get_job (client, id, token, NULL, &error);
      const gchar *state;

      g_assert_no_error (error);
      state = json_object_get_string_member (job, "state");
      if (g_strv_contains (states, state))
        return g_steal_pointer (&job);
      if (g_str_equal (state, "failed"))
        g_error ("job failed: %s", json_object_get_string_member (job, "message"));
      g_usleep (G_USEC_PER_SEC / 20);
    }
  g_error ("job did not reach %s within %.0f s", states[0], timeout);
  return NULL;
}

static void
test_info (void)
{
  g_autoptr(SrWorkerClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = sr_worker_client_get_info (client, NULL, &error);
  JsonArray *encoders;
  gboolean has_x264 = FALSE;

  g_assert_no_error (error);
  encoders = json_object_get_array_member (info, "encoders");
  for (guint i = 0; i < json_array_get_length (encoders); i++)
    has_x264 |= g_strcmp0 (json_array_get_string_element (encoders, i), "x264enc") == 0;
  g_assert_true (has_x264);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "limits"), "max_source_size"),
                   ==, MAX_SOURCE_SIZE);
}

static void
test_unauthorized (void)
{
  g_autoptr(SrWorkerClient) nobody = sr_worker_client_new (base_url, NULL);
  g_autoptr(SrWorkerClient) wrong = sr_worker_client_new (base_url, "guessed-token");
  g_autoptr(SrLadder) ladder = small_ladder ();
  g_autoptr(GError) error = NULL;
  g_autofree gchar *id = NULL, *token = NULL;
  const gchar *sha = "0000000000000000000000000000000000000000000000000000000000000000";

  g_assert_false (sr_worker_client_create_job (nobody, ladder, 1000, sha, &id, &token, NULL, &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "needs an access token"));
  g_clear_error (&error);
  g_assert_false (sr_worker_client_create_job (wrong, ladder, 1000, sha, &id, &token, NULL, &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "does not accept this access token"));
  g_clear_error (&error);

  /* The connection test's token check says which it is. */
  g_assert_false (sr_worker_client_check_access (wrong, NULL, &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "does not accept this access token"));
  g_clear_error (&error);
  g_assert_false (sr_worker_client_check_access (nobody, NULL, &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "needs an access token"));
  g_clear_error (&error);
  {
    g_autoptr(SrWorkerClient) right = new_client ();
    g_autoptr(GError) local = NULL;

    g_assert_true (sr_worker_client_check_access (right, NULL, &local));
    g_assert_no_error (local);
  }
}

static void
check_output_client_side (SrWorkerClient *client,
                          const gchar    *id,
                          const gchar    *token,
                          const gchar    *rung_name,
                          guint           height)
{
  g_autofree gchar *name = g_strdup_printf ("%s.mp4", rung_name);
  g_autofree gchar *path = g_build_filename (work_dir, name, NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrOutputCheck) check = NULL;
  g_autoptr(SrOutputReport) report = NULL;
  g_autoptr(SrLadderRung) rung = sr_ladder_rung_new (rung_name, 0, height, 0, 0);
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GBytes) slice = NULL;
  g_autofree gchar *whole = NULL;
  gsize whole_len = 0;

  /* Start with a partial file: the client must continue it with a Range. */
  head = sr_worker_client_download_range (client, id, token, name, 0, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (head), ==, 1000);
  g_file_set_contents (path, g_bytes_get_data (head, NULL), 1000, &error);
  g_assert_no_error (error);
  sr_worker_client_download (client, id, token, name, dest, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &whole, &whole_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (whole_len, >, 4000);
  g_assert_cmpmem (whole, 1000, g_bytes_get_data (head, NULL), 1000);

  slice = sr_worker_client_download_range (client, id, token, name, 3000, 500, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (slice, NULL), g_bytes_get_size (slice), whole + 3000, 500);

  check = sr_output_check_new (clip, dest, sr_ladder_rung_width_for (rung, 640, 360), height);
  report = sr_output_check_run (check, NULL, &error);
  g_assert_no_error (error);
  if (!sr_output_report_get_passed (report))
    g_error ("%s failed the client's checks: %s", name, sr_output_report_to_string (report));
}

static void
test_resume_encode_download_delete (void)
{
  g_autoptr(SrWorkerClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autofree gchar *id = NULL, *token = NULL;
  g_autofree gchar *job_dir = NULL;
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(GBytes) stolen = NULL;
  goffset size = 0;
  gsize chunk;
  const gchar *done[] = { "done", NULL };
  JsonArray *rungs;

  create_for_file (client, clip, NULL, &id, &token, &size);
  chunk = (gsize) size / 3 + 1;
  sr_worker_client_set_chunk_size (client, chunk);

  /* One chunk, then the worker goes away. */
  sr_worker_client_upload (client, id, token, clip, 1, NULL, &error);
  g_assert_no_error (error);
  job = sr_worker_client_get_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (job, "state"), ==, "uploading");
  g_assert_cmpint (json_object_get_int_member (job, "received"), ==, chunk);
  g_clear_pointer (&job, json_object_unref);
  stop_worker ();

  /* While it is down the client reports it unreachable, not a bad reply. */
  sr_worker_client_upload (client, id, token, clip, 0, NULL, &error);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE);
  g_clear_error (&error);

  start_worker ();
  g_clear_object (&client);
  client = new_client ();
  sr_worker_client_set_chunk_size (client, chunk);
  job = sr_worker_client_get_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (job, "received"), ==, chunk);
  g_clear_pointer (&job, json_object_unref);

  sr_worker_client_upload (client, id, token, clip, 0, NULL, &error);
  g_assert_no_error (error);

  job = wait_for_state (client, id, token, done, 120);
  rungs = json_object_get_array_member (job, "rungs");
  g_assert_cmpuint (json_array_get_length (rungs), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *r = json_array_get_object_element (rungs, i);
      g_assert_cmpfloat (json_object_get_double_member (r, "progress"), ==, 1.0);
      g_assert_cmpstr (json_object_get_string_member (r, "check"), ==, "passed");
    }

  check_output_client_side (client, id, token, "360p", 360);
  check_output_client_side (client, id, token, "240p", 240);

  /* Only names the job produced are served. */
  stolen = sr_worker_client_download_range (client, id, token, "jobs.sqlite", 0, 10, NULL, &error);
  g_assert_null (stolen);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  stolen = sr_worker_client_download_range (client, id, token, "source", 0, 10, NULL, &error);
  g_assert_null (stolen);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree gchar *url = g_strdup_printf ("%s/v1/jobs/%s/outputs/..%%2F..%%2Fjobs.sqlite", base_url, id);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autofree gchar *auth = g_strdup_printf ("Bearer %s", token);
    g_autoptr(GBytes) body = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    body = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), >=, 400);
    g_assert_cmpuint (soup_message_get_status (msg), <, 500);
    g_assert_false (g_bytes_get_size (body) >= 6 && memcmp (g_bytes_get_data (body, NULL), "SQLite", 6) == 0);
  }

  /* A bad job token never reaches the job. */
  g_clear_pointer (&job, json_object_unref);
  job = sr_worker_client_get_job (client, id, "not-the-token", NULL, &error);
  g_assert_null (job);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  job = sr_worker_client_get_job (client, "0123456789abcdef", token, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  job_dir = g_build_filename (state_dir, "jobs", id, NULL);
  g_assert_true (g_file_test (job_dir, G_FILE_TEST_IS_DIR));
  sr_worker_client_delete_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (job_dir, G_FILE_TEST_EXISTS));
  job = sr_worker_client_get_job (client, id, token, NULL, &error);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_NOT_FOUND);
}

static void
test_wrong_sha256 (void)
{
  g_autoptr(SrWorkerClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autofree gchar *id = NULL, *token = NULL;
  g_autoptr(JsonObject) job = NULL;
  goffset size = 0;

  create_for_file (client, clip, "1111111111111111111111111111111111111111111111111111111111111111",
                   &id, &token, &size);
  sr_worker_client_upload (client, id, token, clip, 0, NULL, &error);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_SOURCE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "sha256"));
  g_clear_error (&error);
  job = sr_worker_client_get_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (job, "state"), ==, "failed");
  g_assert_nonnull (strstr (json_object_get_string_member (job, "message"), "sha256"));
  sr_worker_client_delete_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
}

static void
test_not_video (void)
{
  g_autoptr(SrWorkerClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autofree gchar *id = NULL, *token = NULL;
  g_autofree gchar *path = g_build_filename (work_dir, "notes.txt", NULL);
  g_autoptr(GFile) text = g_file_new_for_path (path);
  g_autoptr(JsonObject) job = NULL;
  GString *content = g_string_new (NULL);
  goffset size = 0;

  for (guint i = 0; i < 2000; i++)
    g_string_append (content, "These are the director's notes, not a video.\n");
  g_file_set_contents (path, content->str, content->len, &error);
  g_string_free (content, TRUE);
  g_assert_no_error (error);

  create_for_file (client, text, NULL, &id, &token, &size);
  sr_worker_client_upload (client, id, token, text, 0, NULL, &error);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_NOT_VIDEO);
  g_assert_nonnull (strstr (error->message, "not a video"));
  g_clear_error (&error);
  job = sr_worker_client_get_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (job, "state"), ==, "failed");
  g_assert_nonnull (strstr (json_object_get_string_member (job, "message"), "not a video"));
  sr_worker_client_delete_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
}

static void
test_oversize_and_quota (void)
{
  g_autoptr(SrWorkerClient) client = new_client ();
  g_autoptr(SrLadder) ladder = small_ladder ();
  g_autoptr(GError) error = NULL;
  const gchar *sha = "2222222222222222222222222222222222222222222222222222222222222222";
  g_autofree gchar *id1 = NULL, *t1 = NULL, *id2 = NULL, *t2 = NULL, *id3 = NULL, *t3 = NULL;

  g_assert_false (sr_worker_client_create_job (client, ladder, MAX_SOURCE_SIZE + 1, sha, &id1, &t1, NULL, &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "larger"));
  g_clear_error (&error);

  /* Declared sources count against the quota from the moment they are announced. */
  sr_worker_client_create_job (client, ladder, MAX_SOURCE_SIZE, sha, &id1, &t1, NULL, &error);
  g_assert_no_error (error);
  sr_worker_client_create_job (client, ladder, MAX_SOURCE_SIZE, sha, &id2, &t2, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (sr_worker_client_create_job (client, ladder, MAX_SOURCE_SIZE, sha, &id3, &t3, NULL, &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_QUOTA);
  g_clear_error (&error);

  sr_worker_client_delete_job (client, id1, t1, NULL, &error);
  g_assert_no_error (error);
  sr_worker_client_create_job (client, ladder, MAX_SOURCE_SIZE, sha, &id3, &t3, NULL, &error);
  g_assert_no_error (error);
  sr_worker_client_delete_job (client, id2, t2, NULL, &error);
  g_assert_no_error (error);
  sr_worker_client_delete_job (client, id3, t3, NULL, &error);
  g_assert_no_error (error);
}

static void
test_sigterm_during_encode (void)
{
  g_autoptr(SrWorkerClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autofree gchar *id = NULL, *token = NULL;
  g_autoptr(JsonObject) job = NULL;
  const gchar *encoding[] = { "encoding", NULL };
  const gchar *done[] = { "done", NULL };
  const gchar *state;
  goffset size = 0;
  gdouble stop_seconds;

  create_for_file (client, clip, NULL, &id, &token, &size);
  sr_worker_client_upload (client, id, token, clip, 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&job, json_object_unref);
  job = wait_for_state (client, id, token, encoding, 60);
  g_clear_pointer (&job, json_object_unref);

  stop_seconds = stop_worker ();
  g_test_message ("worker stopped %.2f s after SIGTERM during an encode", stop_seconds);
  g_assert_cmpfloat (stop_seconds, <, 10.0);

  start_worker ();
  g_clear_object (&client);
  client = new_client ();
  job = sr_worker_client_get_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
  state = json_object_get_string_member (job, "state");
  /* Honest: it says the encode was interrupted and that it starts over. */
  g_assert_true (g_str_equal (state, "queued") || g_str_equal (state, "probing") || g_str_equal (state, "encoding"));
  g_assert_nonnull (strstr (json_object_get_string_member (job, "message"), "starts over"));
  g_clear_pointer (&job, json_object_unref);
  job = wait_for_state (client, id, token, done, 120);
  sr_worker_client_delete_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  gchar  *url;
  gchar  *id;
  gchar  *token;
  gsize   chunk;
  GError *error;
} UploadJob;

static gpointer
upload_thread (gpointer data)
{
  UploadJob *up = data;
  g_autoptr(SrWorkerClient) client = sr_worker_client_new (up->url, ACCESS_TOKEN);

  sr_worker_client_set_chunk_size (client, up->chunk);
  sr_worker_client_upload (client, up->id, up->token, clip, 0, NULL, &up->error);
  return NULL;
}

/* The worker restarts on the same address in the middle of an upload: the
 * client notices the dropped connection, asks what arrived and carries on. */
static void
test_upload_survives_restart (void)
{
  g_autoptr(SrWorkerClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = NULL;
  UploadJob up = { 0 };
  GThread *thread;
  goffset size = 0;
  guint port = worker_port ();
  gint64 received = 0;

  create_for_file (client, clip, NULL, &up.id, &up.token, &size);
  up.url = g_strdup (base_url);
  up.chunk = (gsize) size / 400 + 1;
  thread = g_thread_new ("upload", upload_thread, &up);
  while (received == 0)
    {
      g_clear_pointer (&job, json_object_unref);
      job = sr_worker_client_get_job (client, up.id, up.token, NULL, &error);
      g_assert_no_error (error);
      received = json_object_get_int_member (job, "received");
    }
  /* Freeze the worker to see the upload really is half-way when it goes. */
  g_subprocess_send_signal (worker, SIGSTOP);
  {
    g_autofree gchar *part = g_build_filename (state_dir, "jobs", up.id, "source", NULL);
    GStatBuf st;
    g_assert_cmpint (g_stat (part, &st), ==, 0);
    g_test_message ("worker restarted with %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes uploaded",
                    (gint64) st.st_size, (gint64) size);
    g_assert_cmpint (st.st_size, <, size);
  }
  g_subprocess_send_signal (worker, SIGCONT);
  stop_worker ();
  start_worker_on (port);
  g_thread_join (thread);
  g_assert_no_error (up.error);

  g_clear_object (&client);
  client = new_client ();
  g_clear_pointer (&job, json_object_unref);
  job = sr_worker_client_get_job (client, up.id, up.token, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (job, "received"), ==, size);
  g_assert_cmpstr (json_object_get_string_member (job, "state"), !=, "failed");
  g_assert_cmpstr (json_object_get_string_member (job, "state"), !=, "uploading");
  sr_worker_client_delete_job (client, up.id, up.token, NULL, &error);
  g_assert_no_error (error);
  g_free (up.url);
  g_free (up.id);
  g_free (up.token);
}

/* A worker that dies without warning still reports the job it was encoding. */
static void
test_killed_during_encode (void)
{
  g_autoptr(SrWorkerClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autofree gchar *id = NULL, *token = NULL;
  g_autoptr(JsonObject) job = NULL;
  const gchar *encoding[] = { "encoding", NULL };
  const gchar *done[] = { "done", NULL };
  const gchar *state;
  goffset size = 0;

  create_for_file (client, clip, NULL, &id, &token, &size);
  sr_worker_client_upload (client, id, token, clip, 0, NULL, &error);
  g_assert_no_error (error);
  job = wait_for_state (client, id, token, encoding, 60);
  g_clear_pointer (&job, json_object_unref);

  g_subprocess_force_exit (worker);
  g_subprocess_wait (worker, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&worker);

  start_worker ();
  g_clear_object (&client);
  client = new_client ();
  job = sr_worker_client_get_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
  state = json_object_get_string_member (job, "state");
  g_assert_true (g_str_equal (state, "queued") || g_str_equal (state, "probing") || g_str_equal (state, "encoding"));
  g_assert_nonnull (strstr (json_object_get_string_member (job, "message"), "starts over"));
  g_clear_pointer (&job, json_object_unref);
  job = wait_for_state (client, id, token, done, 120);
  sr_worker_client_delete_job (client, id, token, NULL, &error);
  g_assert_no_error (error);
}

/* A misbehaving worker: a real HTTP server on loopback whose replies have the
 * wrong shape. It runs in its own thread and main context. */
typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint         port;
  GMutex        lock;
  GCond         ready;
} BadWorker;

static void
bad_worker_reply (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  const gchar *text;

  (void) server; (void) query; (void) user_data;
  if (g_str_equal (path, "/v1/info"))
    text = "{\"encoders\": \"x264enc\", \"limits\": [], \"price\": 3}";
  else if (g_str_equal (path, "/v1/jobs"))
    text = "{\"id\": \"../../etc\", \"token\": 7}";
  else
    text = "<html>this is not JSON";
  soup_server_message_set_status (msg, g_str_equal (path, "/v1/jobs") ? 201 : 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static gpointer
bad_worker_thread (gpointer data)
{
  BadWorker *bad = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (bad->context);
  bad->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (bad->server, NULL, bad_worker_reply, NULL, NULL);
  soup_server_listen_local (bad->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (bad->server);
  g_mutex_lock (&bad->lock);
  bad->port = g_uri_get_port (uris->data);
  g_cond_signal (&bad->ready);
  g_mutex_unlock (&bad->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (bad->loop);
  g_clear_object (&bad->server);
  g_main_context_pop_thread_default (bad->context);
  return NULL;
}

static void
test_untrusted_replies (void)
{
  BadWorker bad = { 0 };
  GThread *thread;
  g_autofree gchar *url = NULL;
  g_autoptr(SrWorkerClient) client = NULL;
  g_autoptr(SrLadder) ladder = small_ladder ();
  g_autoptr(GError) error = NULL;
  g_autofree gchar *id = NULL, *token = NULL;
  JsonObject *obj;

  bad.context = g_main_context_new ();
  bad.loop = g_main_loop_new (bad.context, FALSE);
  g_mutex_init (&bad.lock);
  g_cond_init (&bad.ready);
  thread = g_thread_new ("bad-worker", bad_worker_thread, &bad);
  g_mutex_lock (&bad.lock);
  while (bad.port == 0)
    g_cond_wait (&bad.ready, &bad.lock);
  g_mutex_unlock (&bad.lock);

  url = g_strdup_printf ("http://127.0.0.1:%u", bad.port);
  client = sr_worker_client_new (url, ACCESS_TOKEN);
  obj = sr_worker_client_get_info (client, NULL, &error);
  g_assert_null (obj);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_BAD_REPLY);
  g_assert_nonnull (strstr (error->message, "could not understand"));
  g_clear_error (&error);
  g_assert_false (sr_worker_client_create_job (client, ladder, 10,
                                               "3333333333333333333333333333333333333333333333333333333333333333",
                                               &id, &token, NULL, &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_BAD_REPLY);
  g_assert_null (id);
  g_clear_error (&error);
  obj = sr_worker_client_get_job (client, "abcdef", "t", NULL, &error);
  g_assert_null (obj);
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_BAD_REPLY);

  g_main_loop_quit (bad.loop);
  g_main_context_wakeup (bad.context);
  g_thread_join (thread);
  g_main_loop_unref (bad.loop);
  g_main_context_unref (bad.context);
  g_mutex_clear (&bad.lock);
  g_cond_clear (&bad.ready);
}

/* The operator's key file sets tokens, limits and price. */
static void
test_config_file (void)
{
  g_autofree gchar *conf = g_build_filename (work_dir, "worker.conf", NULL);
  g_autofree gchar *dir = g_build_filename (work_dir, "state-config", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree gchar *line = NULL;
  g_autoptr(SrWorkerClient) client = NULL;
  g_autoptr(SrWorkerClient) wrong = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(SrLadder) ladder = small_ladder ();
  g_autofree gchar *id = NULL, *token = NULL;
  const gchar *sha = "4444444444444444444444444444444444444444444444444444444444444444";
  const gchar *text =
    "[worker]\n"
    "access-tokens=first-token;from-the-key-file;\n"
    "concurrency=2\n"
    "max-source-size=1000\n"
    "disk-quota=5000\n"
    "price=0.25 SRT per minute\n";

  g_file_set_contents (conf, text, -1, &error);
  g_assert_no_error (error);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, worker_path,
                           "--listen", "127.0.0.1:0", "--state-dir", dir, "--config", conf, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));

  client = sr_worker_client_new (line + strlen ("listening on "), "from-the-key-file");
  info = sr_worker_client_get_info (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (info, "price"), ==, "0.25 SRT per minute");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "limits"), "concurrency"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "limits"), "disk_quota"), ==, 5000);

  sr_worker_client_create_job (client, ladder, 1000, sha, &id, &token, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&id, g_free);
  g_clear_pointer (&token, g_free);
  g_assert_false (sr_worker_client_create_job (client, ladder, 1001, sha, &id, &token, NULL, &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_TOO_LARGE);
  g_clear_error (&error);

  wrong = sr_worker_client_new (line + strlen ("listening on "), ACCESS_TOKEN);
  g_assert_false (sr_worker_client_create_job (wrong, ladder, 10, sha, &id, &token, NULL, &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_UNAUTHORIZED);

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  for (int i = 1; i < argc; i++)
    if (argv[i][0] != '-')
      worker_path = argv[i];
  if (worker_path == NULL)
    worker_path = g_getenv ("SEEDREEL_TRANSCODER");
  g_assert_nonnull (worker_path);

  work_dir = transcode_test_make_dir ();
  state_dir = g_build_filename (work_dir, "state", NULL);
  clip = transcode_test_make_clip (work_dir, "source.mp4", "smpte", 640, 360, 3, TRUE);
  start_worker ();

  g_test_add_func ("/worker/info", test_info);
  g_test_add_func ("/worker/unauthorized", test_unauthorized);
  g_test_add_func ("/worker/resume-encode-download-delete", test_resume_encode_download_delete);
  g_test_add_func ("/worker/wrong-sha256", test_wrong_sha256);
  g_test_add_func ("/worker/not-video", test_not_video);
  g_test_add_func ("/worker/oversize-and-quota", test_oversize_and_quota);
  g_test_add_func ("/worker/sigterm-during-encode", test_sigterm_during_encode);
  g_test_add_func ("/worker/upload-survives-restart", test_upload_survives_restart);
  g_test_add_func ("/worker/killed-during-encode", test_killed_during_encode);
  g_test_add_func ("/worker/untrusted-replies", test_untrusted_replies);
  g_test_add_func ("/worker/config-file", test_config_file);
  ret = g_test_run ();

  if (worker != NULL)
    stop_worker ();
  g_object_unref (clip);
  transcode_test_rm_rf (work_dir);
  g_free (work_dir);
  g_free (state_dir);
  g_free (base_url);
  return ret;
}

/* test-remote-transcode.c: the creator's side against the real
 * seedreel-transcoder process: `seedreel-cli transcode` turning a short clip
 * into every rung with each check passed, an upload that resumes after the
 * worker is killed mid-upload, the CLI's errors for a wrong token, a
 * non-video and an oversize file, a tampered rendition caught by the
 * client's checks, and the asynchronous client calls with their progress. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "transcode-test-util.h"
#include "transcode/sr-ladder.h"
#include "transcode/sr-media-probe.h"
#include "transcode/sr-remote-transcode.h"
#include "transcode/sr-worker-client.h"

#define ACCESS_TOKEN "creator-access-token"

static const gchar *worker_path;
static const gchar *cli_path;
static gchar *work_dir;
static GFile *clip;       /* 1280×720, 5 s at 25 fps, with audio: three rungs */
static GFile *other;      /* a different picture at 640×360, same length */

typedef struct
{
  GSubprocess *process;
  gchar       *state_dir;
  gchar       *base_url;
  guint        port;
} Worker;

static void
die_with_parent (gpointer user_data)
{
  (void) user_data;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
worker_start (Worker      *w,
              const gchar *max_size)
{
  g_autofree gchar *listen = g_strdup_printf ("127.0.0.1:%u", w->port);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree gchar *line = NULL;
  g_autoptr(GError) error = NULL;

  if (w->state_dir == NULL)
    {
      w->state_dir = g_build_filename (work_dir, "state-XXXXXX", NULL);
      g_assert_nonnull (g_mkdtemp (w->state_dir));
    }
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  w->process = g_subprocess_launcher_spawn (launcher, &error, worker_path, "--listen", listen,
                                            "--state-dir", w->state_dir, "--access-token", ACCESS_TOKEN,
                                            "--speed-preset", "ultrafast", "--max-source-size", max_size, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (w->process));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  g_free (w->base_url);
  w->base_url = g_strdup (line + strlen ("listening on "));
  w->port = (guint) atoi (strrchr (w->base_url, ':') + 1);
}

static void
worker_kill (Worker *w)
{
  g_subprocess_force_exit (w->process);
  g_subprocess_wait (w->process, NULL, NULL);
  g_clear_object (&w->process);
}

static void
worker_clear (Worker *w)
{
  if (w->process != NULL)
    worker_kill (w);
  if (w->state_dir != NULL)
    transcode_test_rm_rf (w->state_dir);
  g_clear_pointer (&w->state_dir, g_free);
  g_clear_pointer (&w->base_url, g_free);
}

static GSubprocess *
spawn_cli (const gchar *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *p;

  g_ptr_array_add (argv, (gpointer) cli_path);
  g_ptr_array_add (argv, (gpointer) "transcode");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  p = g_subprocess_launcher_spawnv (launcher, (const gchar *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return p;
}

static gint
run_cli (const gchar *const *args,
         gchar             **out,
         gchar             **err)
{
  g_autoptr(GSubprocess) p = spawn_cli (args);
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (p, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p));
  return g_subprocess_get_exit_status (p);
}

static gchar *
new_out_dir (const gchar *name)
{
  return g_build_filename (work_dir, name, NULL);
}

/* The folder `seedreel-cli publish` takes: every rung, the poster, info.json. */
static void
assert_publishable (const gchar        *dir,
                    const gchar *const *rungs,
                    const gchar        *title)
{
  g_autofree gchar *info_path = g_build_filename (dir, "info.json", NULL);
  g_autofree gchar *poster_path = g_build_filename (dir, "poster.jpg", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *info;
  JsonArray *renditions;

  json_parser_load_from_file (parser, info_path, &error);
  g_assert_no_error (error);
  info = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (info, "title"), ==, title);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (info, "duration"), 5.0, 0.1);
  g_assert_cmpstr (json_object_get_string_member (info, "poster"), ==, "poster.jpg");
  g_assert_true (g_file_test (poster_path, G_FILE_TEST_IS_REGULAR));
  renditions = json_object_get_array_member (info, "renditions");
  g_assert_cmpuint (json_array_get_length (renditions), ==, g_strv_length ((gchar **) rungs));
  for (guint i = 0; rungs[i] != NULL; i++)
    {
      JsonObject *r = json_array_get_object_element (renditions, i);
      g_autofree gchar *file = g_strdup_printf ("%s.mp4", rungs[i]);
      g_autofree gchar *path = g_build_filename (dir, file, NULL);
      GStatBuf st;

      g_assert_cmpstr (json_object_get_string_member (r, "name"), ==, rungs[i]);
      g_assert_cmpstr (json_object_get_string_member (r, "file"), ==, file);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (json_object_get_int_member (r, "size"), ==, st.st_size);
      g_assert_cmpint (json_object_get_int_member (r, "frames"), ==, 5 * 25);
    }
}

static void
test_cli_every_rung (void)
{
  Worker w = { 0 };
  g_autofree gchar *out_dir = new_out_dir ("every-rung");
  g_autofree gchar *out = NULL, *err = NULL;
  const gchar *rungs[] = { "720p", "480p", "360p", NULL };
  gint status;

  worker_start (&w, "100000000");
  {
    const gchar *args[] = { "--worker", w.base_url, "--token", ACCESS_TOKEN, "--out", out_dir,
                            "--title", "Test pattern", g_file_peek_path (clip), NULL };
    status = run_cli (args, &out, &err);
  }
  if (status != 0)
    g_error ("transcode failed (%d):\n%s\n%s", status, out, err);
  g_test_message ("%s", out);
  /* The preflight comes first and says what will be produced, never upscaling. */
  g_assert_nonnull (strstr (out, "1280×720"));
  g_assert_nonnull (strstr (out, "Renditions: 720p (1280×720) 480p (854×480) 360p (640×360)"));
  g_assert_null (strstr (out, "1080p"));
  g_assert_nonnull (strstr (out, "Uploaded 100%"));
  for (guint i = 0; rungs[i] != NULL; i++)
    {
      g_autofree gchar *progress = g_strdup_printf ("Transcoding %s: 100%%", rungs[i]);
      g_autofree gchar *passed = g_strdup_printf ("Checks for %s: passed", rungs[i]);

      g_assert_nonnull (strstr (out, progress));
      g_assert_nonnull (strstr (out, passed));
    }
  g_assert_nonnull (strstr (out, "✓ Audio present"));
  g_assert_nonnull (strstr (out, "✓ SSIM"));
  g_assert_null (strstr (out, "✗"));
  assert_publishable (out_dir, rungs, "Test pattern");
  worker_clear (&w);
}

static void
test_cli_upload_resumes (void)
{
  Worker w = { 0 };
  g_autofree gchar *out_dir = new_out_dir ("resumed");
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *rest = NULL;
  gint killed_at = -1;
  const gchar *rungs[] = { "720p", "480p", "360p", NULL };

  worker_start (&w, "100000000");
  {
    /* 4 KiB chunks: hundreds of requests, so the kill lands mid-upload. */
    const gchar *args[] = { "--worker", w.base_url, "--token", ACCESS_TOKEN, "--out", out_dir,
                            "--title", "Resumed", "--chunk-size", "4", g_file_peek_path (clip), NULL };
    cli = spawn_cli (args);
  }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (cli));
  for (;;)
    {
      g_autofree gchar *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
      gint pct;

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("the CLI ended before the upload reached 30%%");
      if (!g_str_has_prefix (line, "Uploaded "))
        continue;
      pct = atoi (line + strlen ("Uploaded "));
      g_assert_cmpint (pct, <, 100);
      if (pct >= 30)
        {
          killed_at = pct;
          break;
        }
    }
  /* Killed without warning, then back on the same port with the same state. */
  worker_kill (&w);
  worker_start (&w, "100000000");

  {
    GString *text = g_string_new (NULL);
    gchar *line;

    while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL)
      {
        g_string_append_printf (text, "%s\n", line);
        g_free (line);
      }
    g_assert_no_error (error);
    rest = g_string_free (text, FALSE);
  }
  g_subprocess_wait (cli, NULL, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (cli) != 0)
    {
      g_autoptr(GDataInputStream) errs = g_data_input_stream_new (g_subprocess_get_stderr_pipe (cli));
      g_autofree gchar *e = g_data_input_stream_read_upto (errs, "", 0, NULL, NULL, NULL);
      g_error ("transcode after a worker restart failed:\n%s\n%s", rest, e);
    }
  g_test_message ("killed at %d%%; then:\n%s", killed_at, rest);
  /* Whatever arrived before the kill was kept: no step back to the start. */
  {
    const gchar *resumed = strstr (rest, "Upload resumed at ");
    if (resumed != NULL)
      g_assert_cmpint (atoi (resumed + strlen ("Upload resumed at ")), >=, killed_at - 10);
  }
  g_assert_nonnull (strstr (rest, "Uploaded 100%"));
  g_assert_nonnull (strstr (rest, "Checks for 360p: passed"));
  assert_publishable (out_dir, rungs, "Resumed");
  worker_clear (&w);
}

static void
test_cli_errors (void)
{
  Worker w = { 0 };
  Worker tiny = { 0 };
  g_autofree gchar *text_path = g_build_filename (work_dir, "notes.mp4", NULL);
  g_autofree gchar *out_dir = new_out_dir ("errors");
  g_autoptr(GError) error = NULL;

  worker_start (&w, "100000000");
  g_file_set_contents (text_path, "These are my notes, not a video.\n", -1, &error);
  g_assert_no_error (error);

  {
    g_autofree gchar *out = NULL, *err = NULL;
    const gchar *args[] = { "--worker", w.base_url, "--token", "guessed", "--out", out_dir,
                            g_file_peek_path (clip), NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_test_message ("wrong token: %s", err);
    g_assert_nonnull (strstr (err, "access token"));
    g_assert_null (strstr (out, "Uploaded"));
  }
  {
    g_autofree gchar *out = NULL, *err = NULL;
    const gchar *args[] = { "--worker", w.base_url, "--token", ACCESS_TOKEN, "--out", out_dir, text_path, NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_test_message ("not a video: %s", err);
    g_assert_true (g_str_has_prefix (err, "seedreel-cli transcode: "));
    g_assert_null (strstr (out, "Uploaded"));
  }
  worker_clear (&w);

  worker_start (&tiny, "100000");
  {
    g_autofree gchar *out = NULL, *err = NULL;
    const gchar *args[] = { "--worker", tiny.base_url, "--token", ACCESS_TOKEN, "--out", out_dir,
                            g_file_peek_path (clip), NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_test_message ("oversize: %s", err);
    g_assert_nonnull (strstr (err, "accepts at most 100.0"));
    g_assert_null (strstr (out, "Uploaded"));
  }
  worker_clear (&tiny);
  {
    g_autofree gchar *out = NULL, *err = NULL;
    const gchar *args[] = { "--worker", "http://127.0.0.1:1", "--token", ACCESS_TOKEN, "--out", out_dir,
                            g_file_peek_path (clip), NULL };
    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "could not be reached"));
  }
}

/* ---- In process: the tampered rendition and the async client ---- */

typedef struct
{
  GMainLoop  *loop;
  gboolean    ok;
  GError     *error;
  GPtrArray  *reports;
  gboolean    tampered;
  gdouble     last_upload;
  guint       upload_events;
} Run;

static void
swap_in_other (GFile       *downloaded,
               const gchar *name,
               gpointer     user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  /* A worker that cheats returns another video of the right size and length. */
  if (g_str_equal (name, "360p.mp4"))
    {
      g_file_copy (other, downloaded, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      run->tampered = TRUE;
    }
}

static void
on_checked (SrRemoteTranscode *job,
            guint              index,
            SrOutputReport    *report,
            Run               *run)
{
  (void) job;
  (void) index;
  g_ptr_array_add (run->reports, g_object_ref (report));
}

static void
on_upload (SrRemoteTranscode *job,
           gint64             done,
           gint64             total,
           Run               *run)
{
  (void) job;
  g_assert_cmpfloat ((gdouble) done / total, >=, run->last_upload);
  run->last_upload = (gdouble) done / total;
  run->upload_events++;
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;

  run->ok = sr_remote_transcode_run_finish (SR_REMOTE_TRANSCODE (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
test_tampered_output (void)
{
  Worker w = { 0 };
  g_autofree gchar *out_dir = new_out_dir ("tampered");
  g_autoptr(GFile) out = g_file_new_for_path (out_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMediaProbe) probe = sr_media_probe_new_for_file (clip, NULL, &error);
  g_autoptr(SrWorkerClient) client = NULL;
  g_autoptr(SrRemoteTranscode) job = NULL;
  g_autofree gchar *rejected = g_build_filename (out_dir, "360p.mp4", NULL);
  g_autofree gchar *kept = g_build_filename (out_dir, "720p.mp4", NULL);
  Run run = { 0 };
  SrOutputReport *last;

  g_assert_no_error (error);
  worker_start (&w, "100000000");
  client = sr_worker_client_new (w.base_url, ACCESS_TOKEN);
  job = sr_remote_transcode_new (client, probe, NULL, out);
  sr_remote_transcode_set_download_hook (job, swap_in_other, &run);
  run.loop = g_main_loop_new (NULL, FALSE);
  run.reports = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (job, "output-checked", G_CALLBACK (on_checked), &run);
  g_signal_connect (job, "upload-progress", G_CALLBACK (on_upload), &run);
  sr_remote_transcode_run_async (job, NULL, run_done, &run);
  g_main_loop_run (run.loop);

  g_assert_true (run.tampered);
  g_assert_false (run.ok);
  g_assert_error (run.error, SR_WORKER_ERROR, SR_WORKER_ERROR_OUTPUT_REJECTED);
  g_test_message ("%s", run.error->message);
  g_assert_nonnull (strstr (run.error->message, "360p"));
  g_assert_cmpfloat (run.last_upload, ==, 1.0);
  /* 720p and 480p passed; the swapped 360p is caught by its picture alone. */
  g_assert_cmpuint (run.reports->len, ==, 3);
  g_assert_true (sr_output_report_get_passed (run.reports->pdata[0]));
  g_assert_true (sr_output_report_get_passed (run.reports->pdata[1]));
  last = run.reports->pdata[2];
  g_assert_false (sr_output_report_get_passed (last));
  g_assert_false (sr_output_report_check_passed (last, SR_OUTPUT_CHECK_SSIM));
  g_assert_true (sr_output_report_check_passed (last, SR_OUTPUT_CHECK_RESOLUTION));
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (rejected, G_FILE_TEST_EXISTS));
  g_clear_error (&run.error);
  g_ptr_array_unref (run.reports);
  g_main_loop_unref (run.loop);
  worker_clear (&w);
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  goffset       done;
  goffset       total;
  guint         events;
  GThread      *main_thread;
} Wait;

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  (void) object;
  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_result (Wait *wait)
{
  g_clear_object (&wait->result);
  g_main_loop_run (wait->loop);
  return wait->result;
}

static void
on_progress (goffset  done,
             goffset  total,
             gpointer user_data)
{
  Wait *wait = user_data;

  /* Progress is delivered on the caller's thread, in order. */
  g_assert_true (g_thread_self () == wait->main_thread);
  g_assert_cmpint (done, >=, wait->done);
  wait->done = done;
  wait->total = total;
  wait->events++;
}

static void
test_async_client (void)
{
  Worker w = { 0 };
  g_autoptr(SrWorkerClient) client = NULL;
  g_autoptr(SrLadder) ladder = sr_ladder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree gchar *sha = NULL, *id = NULL, *token = NULL;
  g_autofree gchar *dest_path = g_build_filename (work_dir, "async-240p.mp4", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  goffset size = 0;
  Wait wait = { 0 };
  gint64 deadline;
  GStatBuf st;

  wait.loop = g_main_loop_new (NULL, FALSE);
  wait.main_thread = g_thread_self ();
  worker_start (&w, "100000000");
  client = sr_worker_client_new (w.base_url, ACCESS_TOKEN);
  sr_worker_client_set_chunk_size (client, 64 * 1024);
  sr_ladder_add_rung (ladder, sr_ladder_rung_new ("240p", 0, 240, 300, 64));

  sr_worker_client_get_info_async (client, NULL, got_result, &wait);
  info = sr_worker_client_get_info_finish (client, wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "limits"), "max_source_size"),
                   ==, 100000000);

  sha = sr_worker_client_hash_file (clip, &size, NULL, &error);
  g_assert_no_error (error);
  sr_worker_client_create_job_async (client, ladder, size, sha, NULL, got_result, &wait);
  sr_worker_client_create_job_finish (client, wait_result (&wait), &id, &token, &error);
  g_assert_no_error (error);

  sr_worker_client_upload_async (client, id, token, clip, on_progress, &wait, NULL, NULL, got_result, &wait);
  sr_worker_client_upload_finish (client, wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpint (wait.done, ==, size);
  g_assert_cmpint (wait.total, ==, size);
  g_assert_cmpuint (wait.events, >=, (guint) (size / (64 * 1024)));

  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(JsonObject) job = NULL;
      const gchar *state;

      sr_worker_client_get_job_async (client, id, token, NULL, got_result, &wait);
      job = sr_worker_client_get_job_finish (client, wait_result (&wait), &error);
      g_assert_no_error (error);
      state = json_object_get_string_member (job, "state");
      if (g_str_equal (state, "done"))
        break;
      g_assert_cmpstr (state, !=, "failed");
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 10);
    }

  wait.done = 0;
  wait.events = 0;
  sr_worker_client_download_async (client, id, token, "240p.mp4", dest, on_progress, &wait, NULL, NULL,
                                   got_result, &wait);
  sr_worker_client_download_finish (client, wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dest_path, &st), ==, 0);
  g_assert_cmpint (wait.done, ==, st.st_size);
  g_assert_cmpint (wait.total, ==, st.st_size);
  g_assert_cmpint (st.st_size, >, 64 * 1024);
  g_assert_cmpuint (wait.events, >=, 2);

  sr_worker_client_delete_job_async (client, id, token, NULL, got_result, &wait);
  sr_worker_client_delete_job_finish (client, wait_result (&wait), &error);
  g_assert_no_error (error);
  sr_worker_client_get_job_async (client, id, token, NULL, got_result, &wait);
  g_assert_null (sr_worker_client_get_job_finish (client, wait_result (&wait), &error));
  g_assert_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_NOT_FOUND);

  g_clear_object (&wait.result);
  g_main_loop_unref (wait.loop);
  worker_clear (&w);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  if (argc < 3)
    g_error ("usage: %s SEEDREEL-TRANSCODER SEEDREEL-CLI", argv[0]);
  worker_path = argv[1];
  cli_path = argv[2];
  work_dir = transcode_test_make_dir ();
  clip = transcode_test_make_clip (work_dir, "clip.mp4", "smpte-moving", 1280, 720, 5, TRUE);
  other = transcode_test_make_clip (work_dir, "other.mp4", "ball", 640, 360, 5, TRUE);

  g_test_add_func ("/remote-transcode/cli-every-rung", test_cli_every_rung);
  g_test_add_func ("/remote-transcode/cli-upload-resumes", test_cli_upload_resumes);
  g_test_add_func ("/remote-transcode/cli-errors", test_cli_errors);
  g_test_add_func ("/remote-transcode/tampered-output", test_tampered_output);
  g_test_add_func ("/remote-transcode/async-client", test_async_client);
  status = g_test_run ();

  g_clear_object (&clip);
  g_clear_object (&other);
  transcode_test_rm_rf (work_dir);
  g_free (work_dir);
  return status;
}

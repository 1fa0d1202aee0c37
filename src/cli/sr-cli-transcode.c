/* sr-cli-transcode.c: `seedreel-cli transcode --worker URL --token T FILE`.
 * Prints the preflight, the upload, each rung's progress and every output
 * check, and leaves DIR with the renditions, poster.jpg and info.json. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sr-cli-transcode.h"
#include "transcode/sr-remote-transcode.h"

typedef struct
{
  GMainLoop         *loop;
  SrRemoteTranscode *job;
  GCancellable      *cancellable;
  GError            *error;
  gint               upload_pct;
  gint              *rung_pct;
  gboolean           done;
  FILE              *out;
} Cli;

static const char *
stage_text (SrRemoteTranscodeStage stage)
{
  switch (stage)
    {
    case SR_REMOTE_TRANSCODE_STAGE_HASHING: return _("Reading the source…");
    case SR_REMOTE_TRANSCODE_STAGE_UPLOADING: return _("Uploading…");
    case SR_REMOTE_TRANSCODE_STAGE_TRANSCODING: return _("Transcoding…");
    case SR_REMOTE_TRANSCODE_STAGE_DOWNLOADING: return _("Downloading and checking the renditions…");
    case SR_REMOTE_TRANSCODE_STAGE_DONE: return _("Done.");
    case SR_REMOTE_TRANSCODE_STAGE_IDLE:
    default: return "";
    }
}

static void
on_stage (SrRemoteTranscode *job,
          guint              stage,
          Cli               *cli)
{
  (void) job;
  fprintf (cli->out, "%s\n", stage_text (stage));
  fflush (cli->out);
}

static void
on_upload (SrRemoteTranscode *job,
           gint64             done,
           gint64             total,
           Cli               *cli)
{
  gint pct = total > 0 ? (gint) (done * 100 / total) : 100;

  (void) job;
  /* One line per tenth, and every step back (a resume after a dropped connection). */
  if (pct / 10 != cli->upload_pct / 10 || pct < cli->upload_pct || cli->upload_pct < 0)
    {
      g_autofree gchar *d = g_format_size (done);
      g_autofree gchar *t = g_format_size (total);

      if (pct < cli->upload_pct)
        fprintf (cli->out, _("Upload resumed at %d%% (%s)\n"), pct, d);
      fprintf (cli->out, _("Uploaded %d%% (%s of %s)\n"), pct, d, t);
      fflush (cli->out);
    }
  cli->upload_pct = pct;
}

static void
on_job_state (SrRemoteTranscode *job,
              const gchar       *state,
              const gchar       *message,
              Cli               *cli)
{
  (void) job;
  if (message != NULL && *message != '\0')
    fprintf (cli->out, _("Worker: %s (%s)\n"), state, message);
  else
    fprintf (cli->out, _("Worker: %s\n"), state);
  fflush (cli->out);
}

static void
on_rung (SrRemoteTranscode *job,
         guint              index,
         gdouble            fraction,
         Cli               *cli)
{
  SrLadder *ladder = sr_remote_transcode_get_ladder (job);
  gint pct = (gint) (fraction * 100);

  if (index >= sr_ladder_get_n_rungs (ladder))
    return;
  if (pct / 25 != cli->rung_pct[index] / 25 || (pct == 100 && cli->rung_pct[index] != 100))
    {
      fprintf (cli->out, _("Transcoding %s: %d%%\n"), sr_ladder_get_rung (ladder, index)->name, pct);
      fflush (cli->out);
    }
  cli->rung_pct[index] = pct;
}

static void
on_download (SrRemoteTranscode *job,
             const gchar       *name,
             gint64             done,
             gint64             total,
             Cli               *cli)
{
  (void) job;
  if (total >= 0 && done == total)
    {
      g_autofree gchar *size = g_format_size (total);

      fprintf (cli->out, _("Downloaded %s (%s)\n"), name, size);
      fflush (cli->out);
    }
}

static void
on_checked (SrRemoteTranscode *job,
            guint              index,
            SrOutputReport    *report,
            Cli               *cli)
{
  SrLadder *ladder = sr_remote_transcode_get_ladder (job);

  fprintf (cli->out, _("Checks for %s: %s\n"), sr_ladder_get_rung (ladder, index)->name,
          sr_output_report_get_passed (report) ? _("passed") : _("FAILED"));
  for (guint i = 0; i < sr_output_report_get_n_checks (report); i++)
    {
      SrOutputCheckKind kind;
      gboolean passed;
      const gchar *message;

      if (sr_output_report_get_check (report, i, &kind, &passed, &message))
        {
          (void) kind;
          fprintf (cli->out, "  %s %s\n", passed ? "✓" : "✗", message != NULL ? message : "");
        }
    }
  fflush (cli->out);
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Cli *cli = user_data;

  cli->done = sr_remote_transcode_run_finish (SR_REMOTE_TRANSCODE (object), result, &cli->error);
  g_main_loop_quit (cli->loop);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Cli *cli = user_data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

gboolean
sr_cli_transcode_run (const char  *worker,
                      const char  *token,
                      const char  *file,
                      GFile       *out_dir,
                      const char  *title,
                      const char  *description,
                      gsize        chunk_size,
                      FILE        *out,
                      GError     **error)
{
  g_autoptr(GFile) source = g_file_new_for_commandline_arg (file);
  g_autoptr(SrMediaProbe) probe = NULL;
  g_autoptr(SrWorkerClient) client = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree gchar *described = NULL;
  SrLadder *ladder;
  Cli cli = { 0 };
  guint sigint, sigterm;
  gboolean ok;

  cli.out = out;
  gst_init (NULL, NULL);
  probe = sr_media_probe_new_for_file (source, NULL, error);
  if (probe == NULL)
    return FALSE;
  described = sr_media_probe_describe (probe);
  fprintf (out, _("Source: %s\n"), described);

  client = sr_worker_client_new (worker, token);
  if (chunk_size > 0)
    sr_worker_client_set_chunk_size (client, chunk_size);
  info = sr_worker_client_get_info (client, NULL, error);
  if (info == NULL)
    return FALSE;
  {
    JsonObject *limits = json_object_get_object_member (info, "limits");
    gint64 max = json_object_get_int_member (limits, "max_source_size");
    g_autofree gchar *max_text = g_format_size ((guint64) max);

    fprintf (out, _("Worker: %s (largest source %s)\n"), worker, max_text);
    /* Said before any upload, so nobody waits to hear it. */
    if (max > 0 && sr_media_probe_get_size (probe) > max)
      {
        g_autofree gchar *size = g_format_size ((guint64) sr_media_probe_get_size (probe));

        g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_TOO_LARGE,
                     _("The video is %s but this worker accepts at most %s."), size, max_text);
        return FALSE;
      }
  }

  cli.job = sr_remote_transcode_new (client, probe, NULL, out_dir);
  ladder = sr_remote_transcode_get_ladder (cli.job);
  fprintf (out, "%s", _("Renditions:"));
  for (guint i = 0; i < sr_ladder_get_n_rungs (ladder); i++)
    {
      const SrLadderRung *rung = sr_ladder_get_rung (ladder, i);

      fprintf (out, " %s (%u×%u)", rung->name,
               sr_ladder_rung_width_for (rung, sr_media_probe_get_width (probe), sr_media_probe_get_height (probe)),
               rung->height);
    }
  fprintf (out, "\n");
  fflush (out);

  if (title != NULL)
    sr_remote_transcode_set_title (cli.job, title);
  if (description != NULL)
    sr_remote_transcode_set_description (cli.job, description);
  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.cancellable = g_cancellable_new ();
  cli.upload_pct = -1;
  cli.rung_pct = g_new0 (gint, sr_ladder_get_n_rungs (ladder));
  for (guint i = 0; i < sr_ladder_get_n_rungs (ladder); i++)
    cli.rung_pct[i] = -1;
  g_signal_connect (cli.job, "stage-changed", G_CALLBACK (on_stage), &cli);
  g_signal_connect (cli.job, "upload-progress", G_CALLBACK (on_upload), &cli);
  g_signal_connect (cli.job, "job-state", G_CALLBACK (on_job_state), &cli);
  g_signal_connect (cli.job, "rung-progress", G_CALLBACK (on_rung), &cli);
  g_signal_connect (cli.job, "download-progress", G_CALLBACK (on_download), &cli);
  g_signal_connect (cli.job, "output-checked", G_CALLBACK (on_checked), &cli);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &cli);
  sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &cli);

  sr_remote_transcode_run_async (cli.job, cli.cancellable, run_done, &cli);
  g_main_loop_run (cli.loop);
  /* Let the last progress events reach the terminal before the verdict. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_source_remove (sigint);
  g_source_remove (sigterm);
  ok = cli.done;
  if (ok)
    {
      fprintf (out, _("Wrote %s\n"), g_file_peek_path (out_dir));
      fflush (out);
    }
  else
    g_propagate_error (error, g_steal_pointer (&cli.error));
  g_clear_error (&cli.error);
  g_clear_object (&cli.job);
  g_clear_object (&cli.cancellable);
  g_clear_pointer (&cli.loop, g_main_loop_unref);
  g_free (cli.rung_pct);
  return ok;
}

int
sr_cli_transcode_main (int argc, char **argv)
{
  g_autofree gchar *worker = NULL;
  g_autofree gchar *token = NULL;
  g_autofree gchar *out = NULL;
  g_autofree gchar *title = NULL;
  g_autofree gchar *description = NULL;
  gint chunk_kib = 0;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "worker", 'w', 0, G_OPTION_ARG_STRING, &worker, N_("Address of the transcoding worker"), "URL" },
    { "token", 't', 0, G_OPTION_ARG_STRING, &token,
      N_("Access token from the worker's operator (or SEEDREEL_WORKER_TOKEN)"), "TOKEN" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Folder for the checked renditions (default: FILE's name)"), "DIR" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("Title written into info.json"), "TEXT" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("Description written into info.json"), "TEXT" },
    { "chunk-size", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &chunk_kib, NULL, NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) out_dir = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Transcode a video on a worker into every rendition, check each one, and "
                                           "write a folder that “seedreel-cli publish” takes."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "seedreel-cli transcode: %s\n", error->message);
      return 2;
    }
  if (token == NULL && g_getenv ("SEEDREEL_WORKER_TOKEN") != NULL)
    token = g_strdup (g_getenv ("SEEDREEL_WORKER_TOKEN"));
  if (worker == NULL || files == NULL || files[0] == NULL || files[1] != NULL)
    {
      fprintf (stderr, "%s\n", _("Usage: seedreel-cli transcode --worker URL --token TOKEN FILE [--out DIR]"));
      return 2;
    }

  if (out != NULL)
    out_dir = g_file_new_for_commandline_arg (out);
  else
    {
      g_autofree gchar *base = g_path_get_basename (files[0]);
      gchar *dot = strrchr (base, '.');

      if (dot != NULL && dot != base)
        *dot = '\0';
      out_dir = g_file_new_for_commandline_arg (base);
    }
  if (!sr_cli_transcode_run (worker, token, files[0], out_dir, title, description,
                             chunk_kib > 0 ? (gsize) chunk_kib * 1024 : 0, stdout, &error))
    {
      fprintf (stderr, "seedreel-cli transcode: %s\n", error->message);
      return 1;
    }
  return 0;
}

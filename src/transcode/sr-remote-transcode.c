/* sr-remote-transcode.c: the creator's side of one transcode. The whole flow
 * runs in one GTask thread with the blocking client; everything the user sees
 * is posted back to the caller's main context as signals. Nothing a worker
 * returns reaches the output folder before it passed the client's checks. */
#include "config.h"

#include "sr-remote-transcode.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sr-output-check.h"

#define POLL_INTERVAL_MS 400
/* A worker restarting (or a dropped network) is ridden out this long. */
#define UNREACHABLE_PATIENCE_S 60
#define MAX_POSTER_SIZE (8 * 1024 * 1024)

struct _SrRemoteTranscode
{
  GObject                parent_instance;

  SrWorkerClient        *client;
  SrMediaProbe          *probe;
  SrLadder              *ladder;
  GFile                 *output_dir;
  gchar                 *title;
  gchar                 *description;
  gdouble                ssim_threshold;
  gboolean               keep_job;
  SrRemoteTranscodeHook  hook;
  gpointer               hook_data;

  GMainContext          *context;
  SrRemoteTranscodeStage stage;     /* as last announced on the main context */
  gchar                 *job_id;
  gboolean               running;
};

G_DEFINE_FINAL_TYPE (SrRemoteTranscode, sr_remote_transcode, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_STAGE_CHANGED,
  SIGNAL_UPLOAD_PROGRESS,
  SIGNAL_JOB_STATE,
  SIGNAL_RUNG_PROGRESS,
  SIGNAL_DOWNLOAD_PROGRESS,
  SIGNAL_OUTPUT_CHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sr_remote_transcode_dispose (GObject *object)
{
  SrRemoteTranscode *self = SR_REMOTE_TRANSCODE (object);

  g_clear_object (&self->client);
  g_clear_object (&self->probe);
  g_clear_object (&self->ladder);
  g_clear_object (&self->output_dir);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (sr_remote_transcode_parent_class)->dispose (object);
}

static void
sr_remote_transcode_finalize (GObject *object)
{
  SrRemoteTranscode *self = SR_REMOTE_TRANSCODE (object);

  g_free (self->title);
  g_free (self->description);
  g_free (self->job_id);
  G_OBJECT_CLASS (sr_remote_transcode_parent_class)->finalize (object);
}

static void
sr_remote_transcode_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SrRemoteTranscode *self = SR_REMOTE_TRANSCODE (object);

  switch (prop_id)
    {
    case PROP_STAGE:
      g_value_set_uint (value, self->stage);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_remote_transcode_class_init (SrRemoteTranscodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_remote_transcode_dispose;
  object_class->finalize = sr_remote_transcode_finalize;
  object_class->get_property = sr_remote_transcode_get_property;

  properties[PROP_STAGE] = g_param_spec_uint ("stage", NULL, NULL, 0, SR_REMOTE_TRANSCODE_STAGE_DONE, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_STAGE_CHANGED] = g_signal_new ("stage-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_UPLOAD_PROGRESS] = g_signal_new ("upload-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
  signals[SIGNAL_JOB_STATE] = g_signal_new ("job-state", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_RUNG_PROGRESS] = g_signal_new ("rung-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_DOUBLE);
  signals[SIGNAL_DOWNLOAD_PROGRESS] = g_signal_new ("download-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                    0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                                    G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64);
  signals[SIGNAL_OUTPUT_CHECKED] = g_signal_new ("output-checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                 G_TYPE_UINT, SR_TYPE_OUTPUT_REPORT);
}

static void
sr_remote_transcode_init (SrRemoteTranscode *self)
{
  self->ssim_threshold = SR_OUTPUT_CHECK_DEFAULT_SSIM_THRESHOLD;
}

SrRemoteTranscode *
sr_remote_transcode_new (SrWorkerClient *client,
                         SrMediaProbe   *probe,
                         SrLadder       *ladder,
                         GFile          *output_dir)
{
  SrRemoteTranscode *self;

  g_return_val_if_fail (SR_IS_WORKER_CLIENT (client), NULL);
  g_return_val_if_fail (SR_IS_MEDIA_PROBE (probe), NULL);
  g_return_val_if_fail (G_IS_FILE (output_dir), NULL);

  self = g_object_new (SR_TYPE_REMOTE_TRANSCODE, NULL);
  self->client = g_object_ref (client);
  self->probe = g_object_ref (probe);
  self->ladder = ladder != NULL ? g_object_ref (ladder)
                                : sr_ladder_for_source (MAX (sr_media_probe_get_width (probe), 1),
                                                        MAX (sr_media_probe_get_height (probe), 1));
  self->output_dir = g_object_ref (output_dir);
  return self;
}

SrLadder *
sr_remote_transcode_get_ladder (SrRemoteTranscode *self)
{
  g_return_val_if_fail (SR_IS_REMOTE_TRANSCODE (self), NULL);
  return self->ladder;
}

void
sr_remote_transcode_set_title (SrRemoteTranscode *self,
                               const gchar       *title)
{
  g_return_if_fail (SR_IS_REMOTE_TRANSCODE (self) && !self->running);
  g_free (self->title);
  self->title = g_strdup (title);
}

void
sr_remote_transcode_set_description (SrRemoteTranscode *self,
                                     const gchar       *description)
{
  g_return_if_fail (SR_IS_REMOTE_TRANSCODE (self) && !self->running);
  g_free (self->description);
  self->description = g_strdup (description);
}

void
sr_remote_transcode_set_ssim_threshold (SrRemoteTranscode *self,
                                        gdouble            threshold)
{
  g_return_if_fail (SR_IS_REMOTE_TRANSCODE (self) && !self->running);
  self->ssim_threshold = threshold;
}

void
sr_remote_transcode_set_keep_job (SrRemoteTranscode *self,
                                  gboolean           keep)
{
  g_return_if_fail (SR_IS_REMOTE_TRANSCODE (self));
  self->keep_job = keep;
}

void
sr_remote_transcode_set_download_hook (SrRemoteTranscode     *self,
                                       SrRemoteTranscodeHook  hook,
                                       gpointer               user_data)
{
  g_return_if_fail (SR_IS_REMOTE_TRANSCODE (self) && !self->running);
  self->hook = hook;
  self->hook_data = user_data;
}

SrRemoteTranscodeStage
sr_remote_transcode_get_stage (SrRemoteTranscode *self)
{
  g_return_val_if_fail (SR_IS_REMOTE_TRANSCODE (self), SR_REMOTE_TRANSCODE_STAGE_IDLE);
  return self->stage;
}

const gchar *
sr_remote_transcode_get_job_id (SrRemoteTranscode *self)
{
  g_return_val_if_fail (SR_IS_REMOTE_TRANSCODE (self), NULL);
  return self->job_id;
}

/* ---- Events from the thread to the main context ---- */

typedef enum {
  EVENT_STAGE,
  EVENT_UPLOAD,
  EVENT_JOB_STATE,
  EVENT_RUNG,
  EVENT_DOWNLOAD,
  EVENT_CHECKED,
  EVENT_JOB_ID,
} EventKind;

typedef struct
{
  SrRemoteTranscode *self;
  EventKind          kind;
  guint              index;
  gint64             a;
  gint64             b;
  gdouble            fraction;
  gchar             *s1;
  gchar             *s2;
  GObject           *object;
} Event;

static void
event_free (gpointer data)
{
  Event *ev = data;

  g_object_unref (ev->self);
  g_free (ev->s1);
  g_free (ev->s2);
  g_clear_object (&ev->object);
  g_free (ev);
}

static gboolean
dispatch_event (gpointer data)
{
  Event *ev = data;
  SrRemoteTranscode *self = ev->self;

  switch (ev->kind)
    {
    case EVENT_STAGE:
      self->stage = ev->index;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
      g_signal_emit (self, signals[SIGNAL_STAGE_CHANGED], 0, ev->index);
      break;
    case EVENT_UPLOAD:
      g_signal_emit (self, signals[SIGNAL_UPLOAD_PROGRESS], 0, ev->a, ev->b);
      break;
    case EVENT_JOB_STATE:
      g_signal_emit (self, signals[SIGNAL_JOB_STATE], 0, ev->s1, ev->s2);
      break;
    case EVENT_RUNG:
      g_signal_emit (self, signals[SIGNAL_RUNG_PROGRESS], 0, ev->index, ev->fraction);
      break;
    case EVENT_DOWNLOAD:
      g_signal_emit (self, signals[SIGNAL_DOWNLOAD_PROGRESS], 0, ev->s1, ev->a, ev->b);
      break;
    case EVENT_CHECKED:
      g_signal_emit (self, signals[SIGNAL_OUTPUT_CHECKED], 0, ev->index, ev->object);
      break;
    case EVENT_JOB_ID:
      g_free (self->job_id);
      self->job_id = g_strdup (ev->s1);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

/* Always through an idle source, so events keep their order and never run
 * in the worker thread even when the main context is momentarily free. */
static Event *
post (SrRemoteTranscode *self,
      EventKind          kind)
{
  Event *ev = g_new0 (Event, 1);

  ev->self = g_object_ref (self);
  ev->kind = kind;
  return ev;
}

static void
send_event (Event *ev)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, dispatch_event, ev, event_free);
  g_source_set_static_name (source, "[seedreel] remote transcode event");
  g_source_attach (source, ev->self->context);
}

static void
post_stage (SrRemoteTranscode      *self,
            SrRemoteTranscodeStage  stage)
{
  Event *ev = post (self, EVENT_STAGE);

  ev->index = stage;
  send_event (ev);
}

static void
upload_progress (goffset  done,
                 goffset  total,
                 gpointer user_data)
{
  Event *ev = post (user_data, EVENT_UPLOAD);

  ev->a = done;
  ev->b = total;
  send_event (ev);
}

typedef struct
{
  SrRemoteTranscode *self;
  const gchar       *name;
} DownloadCtx;

static void
download_progress (goffset  done,
                   goffset  total,
                   gpointer user_data)
{
  DownloadCtx *ctx = user_data;
  Event *ev = post (ctx->self, EVENT_DOWNLOAD);

  ev->s1 = g_strdup (ctx->name);
  ev->a = done;
  ev->b = total;
  send_event (ev);
}

/* ---- The flow, in the thread ---- */

static gboolean
sleep_cancellable (GCancellable *cancellable,
                   guint         ms,
                   GError      **error)
{
  for (guint waited = 0; waited < ms; waited += 50)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (50 * 1000);
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gint
rung_index (SrLadder    *ladder,
            const gchar *name)
{
  for (guint i = 0; i < sr_ladder_get_n_rungs (ladder); i++)
    if (g_strcmp0 (sr_ladder_get_rung (ladder, i)->name, name) == 0)
      return (gint) i;
  return -1;
}

static gboolean
wait_for_job (SrRemoteTranscode *self,
              const gchar       *id,
              const gchar       *token,
              GCancellable      *cancellable,
              GError           **error)
{
  guint n = sr_ladder_get_n_rungs (self->ladder);
  g_autofree gdouble *last = g_new (gdouble, n);
  g_autofree gchar *last_state = NULL;
  gint64 unreachable_since = 0;

  for (guint i = 0; i < n; i++)
    last[i] = -1.0;

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(JsonObject) job = sr_worker_client_get_job (self->client, id, token, cancellable, &local);
      const gchar *state, *message;
      JsonArray *rungs;

      if (job == NULL)
        {
          gint64 now = g_get_monotonic_time ();

          if (!g_error_matches (local, SR_WORKER_ERROR, SR_WORKER_ERROR_UNREACHABLE))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (unreachable_since == 0)
            unreachable_since = now;
          if (now - unreachable_since > UNREACHABLE_PATIENCE_S * G_USEC_PER_SEC)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (!sleep_cancellable (cancellable, 1000, error))
            return FALSE;
          continue;
        }
      unreachable_since = 0;

      state = json_object_get_string_member (job, "state");
      message = json_object_get_string_member (job, "message");
      if (g_strcmp0 (state, last_state) != 0)
        {
          Event *ev = post (self, EVENT_JOB_STATE);

          ev->s1 = g_strdup (state);
          ev->s2 = g_strdup (message);
          send_event (ev);
          g_free (last_state);
          last_state = g_strdup (state);
        }

      rungs = json_object_get_array_member (job, "rungs");
      for (guint i = 0; i < json_array_get_length (rungs); i++)
        {
          JsonObject *r = json_array_get_object_element (rungs, i);
          gint idx = rung_index (self->ladder, json_object_get_string_member (r, "name"));
          gdouble p = CLAMP (json_object_get_double_member (r, "progress"), 0.0, 1.0);

          if (idx >= 0 && p != last[idx])
            {
              Event *ev = post (self, EVENT_RUNG);

              last[idx] = p;
              ev->index = (guint) idx;
              ev->fraction = p;
              send_event (ev);
            }
        }

      if (g_str_equal (state, "done"))
        return TRUE;
      if (g_str_equal (state, "failed"))
        {
          g_autoptr(GString) why = g_string_new (*message != '\0' ? message : _("no reason given"));

          /* The worker's own check results say what was wrong with each rung. */
          for (guint i = 0; i < json_array_get_length (rungs); i++)
            {
              JsonObject *r = json_array_get_object_element (rungs, i);
              JsonNode *m = json_object_get_member (r, "check_message");

              if (m != NULL && JSON_NODE_HOLDS_VALUE (m) && json_node_get_value_type (m) == G_TYPE_STRING &&
                  g_strcmp0 (json_object_get_string_member (r, "check"), "failed") == 0)
                g_string_append_printf (why, "\n  %s: %s", json_object_get_string_member (r, "name"),
                                        json_node_get_string (m));
            }
          g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_JOB_FAILED,
                       _("The transcoding worker could not transcode this video: %s"), why->str);
          return FALSE;
        }
      if (g_str_equal (state, "uploading"))
        {
          g_set_error_literal (error, SR_WORKER_ERROR, SR_WORKER_ERROR_BAD_REPLY,
                               _("The transcoding worker lost part of the upload. Start again."));
          return FALSE;
        }
      if (!sleep_cancellable (cancellable, POLL_INTERVAL_MS, error))
        return FALSE;
    }
}

static gboolean
looks_like_jpeg (GFile   *file,
                 GError **error)
{
  g_autofree gchar *data = NULL;
  gsize len = 0;

  if (!g_file_load_contents (file, NULL, &data, &len, NULL, error))
    return FALSE;
  if (len < 4 || (guchar) data[0] != 0xff || (guchar) data[1] != 0xd8 || (guchar) data[2] != 0xff)
    {
      g_set_error_literal (error, SR_WORKER_ERROR, SR_WORKER_ERROR_OUTPUT_REJECTED,
                           _("The poster from the transcoding worker is not a JPEG image."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
fetch (SrRemoteTranscode *self,
       const gchar       *id,
       const gchar       *token,
       const gchar       *name,
       GFile             *dest,
       goffset            max_size,
       GCancellable      *cancellable,
       GError           **error)
{
  DownloadCtx ctx = { self, name };

  /* Never continue a file left by an earlier run: it came from another job. */
  if (!g_file_delete (dest, cancellable, NULL) && g_file_query_exists (dest, cancellable))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("Could not replace “%s”."), g_file_peek_path (dest));
      return FALSE;
    }
  return sr_worker_client_download_full (self->client, id, token, name, dest, max_size,
                                         download_progress, &ctx, cancellable, error);
}

static gboolean
write_info (SrRemoteTranscode *self,
            SrOutputReport   **reports,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GFile) info = g_file_get_child (self->output_dir, "info.json");
  g_autofree gchar *text = NULL;
  guint sw = sr_media_probe_get_width (self->probe), sh = sr_media_probe_get_height (self->probe);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, self->title != NULL ? self->title : "");
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, self->description != NULL ? self->description : "");
  json_builder_set_member_name (b, "duration");
  json_builder_add_double_value (b, (gdouble) sr_media_probe_get_duration (self->probe) / GST_SECOND);
  json_builder_set_member_name (b, "poster");
  json_builder_add_string_value (b, "poster.jpg");
  json_builder_set_member_name (b, "renditions");
  json_builder_begin_array (b);
  for (guint i = 0; i < sr_ladder_get_n_rungs (self->ladder); i++)
    {
      const SrLadderRung *rung = sr_ladder_get_rung (self->ladder, i);
      g_autofree gchar *file = g_strdup_printf ("%s.mp4", rung->name);
      g_autoptr(GFile) f = g_file_get_child (self->output_dir, file);
      g_autoptr(GFileInfo) fi = g_file_query_info (f, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, cancellable, error);

      if (fi == NULL)
        return FALSE;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, rung->name);
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, sr_ladder_rung_width_for (rung, sw, sh));
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, rung->height);
      json_builder_set_member_name (b, "bitrate");
      json_builder_add_int_value (b, rung->video_bitrate);
      json_builder_set_member_name (b, "audio_bitrate");
      json_builder_add_int_value (b, sr_media_probe_has_audio (self->probe) ? rung->audio_bitrate : 0);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, g_file_info_get_size (fi));
      json_builder_set_member_name (b, "frames");
      json_builder_add_int_value (b, (gint64) sr_output_report_get_frames (reports[i]));
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, file);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  return g_file_replace_contents (info, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                  cancellable, error);
}

static gboolean
run_flow (SrRemoteTranscode *self,
          gchar            **job_id,
          gchar            **job_token,
          GCancellable      *cancellable,
          GError           **error)
{
  GFile *source = sr_media_probe_get_file (self->probe);
  guint n = sr_ladder_get_n_rungs (self->ladder);
  g_autofree gchar *sha = NULL;
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFile) poster = NULL;
  g_autoptr(GFile) poster_part = NULL;
  goffset size = 0;
  Event *ev;

  if (!g_file_make_directory_with_parents (self->output_dir, cancellable, NULL) &&
      g_file_query_file_type (self->output_dir, G_FILE_QUERY_INFO_NONE, cancellable) != G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("Could not create the folder “%s”."), g_file_peek_path (self->output_dir));
      return FALSE;
    }

  post_stage (self, SR_REMOTE_TRANSCODE_STAGE_HASHING);
  sha = sr_worker_client_hash_file (source, &size, cancellable, error);
  if (sha == NULL)
    return FALSE;
  if (!sr_worker_client_create_job (self->client, self->ladder, size, sha, job_id, job_token, cancellable, error))
    return FALSE;
  ev = post (self, EVENT_JOB_ID);
  ev->s1 = g_strdup (*job_id);
  send_event (ev);

  post_stage (self, SR_REMOTE_TRANSCODE_STAGE_UPLOADING);
  if (!sr_worker_client_upload_full (self->client, *job_id, *job_token, source, 0, upload_progress, self,
                                     cancellable, error))
    return FALSE;

  post_stage (self, SR_REMOTE_TRANSCODE_STAGE_TRANSCODING);
  if (!wait_for_job (self, *job_id, *job_token, cancellable, error))
    return FALSE;

  post_stage (self, SR_REMOTE_TRANSCODE_STAGE_DOWNLOADING);
  for (guint i = 0; i < n; i++)
    {
      const SrLadderRung *rung = sr_ladder_get_rung (self->ladder, i);
      g_autofree gchar *name = g_strdup_printf ("%s.mp4", rung->name);
      g_autofree gchar *part_name = g_strdup_printf (".%s.part", name);
      g_autoptr(GFile) part = g_file_get_child (self->output_dir, part_name);
      g_autoptr(GFile) dest = g_file_get_child (self->output_dir, name);
      g_autoptr(SrOutputCheck) check = NULL;
      g_autoptr(SrOutputReport) report = NULL;
      /* Ten times the nominal bitrate is far beyond any honest rendition. */
      goffset max = (goffset) ((sr_media_probe_get_duration (self->probe) / GST_SECOND) + 10) *
                    (rung->video_bitrate + rung->audio_bitrate + 64) * 1000 / 8 * 10 + 4 * 1024 * 1024;

      if (!fetch (self, *job_id, *job_token, name, part, max, cancellable, error))
        return FALSE;
      if (self->hook != NULL)
        self->hook (part, name, self->hook_data);
      check = sr_output_check_new (source, part,
                                   sr_ladder_rung_width_for (rung, sr_media_probe_get_width (self->probe),
                                                             sr_media_probe_get_height (self->probe)),
                                   rung->height);
      sr_output_check_set_source_probe (check, self->probe);
      sr_output_check_set_ssim_threshold (check, self->ssim_threshold);
      report = sr_output_check_run (check, cancellable, error);
      if (report == NULL)
        {
          g_file_delete (part, NULL, NULL);
          return FALSE;
        }
      ev = post (self, EVENT_CHECKED);
      ev->index = i;
      ev->object = g_object_ref (G_OBJECT (report));
      send_event (ev);
      if (!sr_output_report_get_passed (report))
        {
          g_autofree gchar *why = sr_output_report_to_string (report);

          g_file_delete (part, NULL, NULL);
          g_set_error (error, SR_WORKER_ERROR, SR_WORKER_ERROR_OUTPUT_REJECTED,
                       _("The %s rendition from the transcoding worker failed Seedreel’s checks, so it was not kept: %s"),
                       rung->name, why);
          return FALSE;
        }
      if (!g_file_move (part, dest, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, error))
        return FALSE;
      g_ptr_array_add (reports, g_steal_pointer (&report));
    }

  poster = g_file_get_child (self->output_dir, "poster.jpg");
  poster_part = g_file_get_child (self->output_dir, ".poster.jpg.part");
  if (!fetch (self, *job_id, *job_token, "poster.jpg", poster_part, MAX_POSTER_SIZE, cancellable, error))
    return FALSE;
  if (!looks_like_jpeg (poster_part, error))
    {
      g_file_delete (poster_part, NULL, NULL);
      return FALSE;
    }
  if (!g_file_move (poster_part, poster, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, error))
    return FALSE;

  /* The worker's info.json is not trusted: this one is written from what
   * the checks measured and what the creator typed. */
  if (!write_info (self, (SrOutputReport **) reports->pdata, cancellable, error))
    return FALSE;
  return TRUE;
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  SrRemoteTranscode *self = source_object;
  g_autofree gchar *id = NULL;
  g_autofree gchar *token = NULL;
  GError *error = NULL;
  gboolean ok;

  (void) task_data;
  ok = run_flow (self, &id, &token, cancellable, &error);
  /* The worker's copy is not needed once the outputs are here (or failed). */
  if (id != NULL && !self->keep_job)
    sr_worker_client_delete_job (self->client, id, token, NULL, NULL);
  if (ok)
    {
      post_stage (self, SR_REMOTE_TRANSCODE_STAGE_DONE);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

void
sr_remote_transcode_run_async (SrRemoteTranscode   *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_REMOTE_TRANSCODE (self));
  g_return_if_fail (!self->running);

  self->running = TRUE;
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_remote_transcode_run_async);
  g_task_run_in_thread (task, run_thread);
}

gboolean
sr_remote_transcode_run_finish (SrRemoteTranscode  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  self->running = FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

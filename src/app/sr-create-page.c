/* sr-create-page.c — the Create page: pick a video, see what it holds and
 * which qualities will be made (never upscaled), fill in title, description,
 * price and seeder share, choose a worker, then follow the upload, each
 * quality's transcoding, and every check Seedreel runs on what comes back.
 * The result is a checked folder (renditions, poster.jpg, info.json); one
 * not yet published is offered again, under Ready to Publish, after a
 * restart. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "chain/sr-signer.h"
#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-u256.h"
#include "market/sr-catalog.h"
#include "market/sr-catalog-title.h"
#include "market/sr-content-keys.h"
#include "market/sr-publisher.h"
#include "market/sr-rewards.h"
#include "sr-application.h"
#include "sr-browse-page.h"
#include "sr-create-page.h"
#include "sr-my-titles.h"
#include "sr-pending-tx.h"
#include "sr-worker-host.h"
#include "sr-worker-tokens.h"
#include "transcode/sr-remote-transcode.h"

struct _SrCreatePage
{
  AdwBin              parent_instance;

  /* Template Widgets */
  GtkStack           *stack;
  GtkScrolledWindow  *scroller;
  GtkButton          *change_button;
  AdwActionRow       *file_row;
  AdwActionRow       *duration_row;
  AdwActionRow       *video_row;
  AdwActionRow       *audio_row;
  AdwActionRow       *size_row;
  AdwActionRow       *ladder_row;
  AdwPreferencesGroup *details_group;
  AdwEntryRow        *title_row;
  AdwEntryRow        *description_row;
  GtkSpinButton      *price_spin;
  GtkSpinButton      *share_spin;
  AdwComboRow        *worker_row;
  GtkButton          *start_button;
  AdwPreferencesGroup *progress_group;
  AdwActionRow       *upload_row;
  GtkProgressBar     *upload_bar;
  GtkListBox         *rungs_list;
  GtkLabel           *status_label;
  GtkBox             *finish_box;
  GtkButton          *publish_button;
  GtkButton          *browse_button;
  SrMyTitles         *my_titles;
  AdwPreferencesGroup *ready_group;

  /* Owned References */
  GSettings          *settings;
  GtkStringList      *workers;
  GCancellable       *cancellable;     /* the probe, token lookup and transcode */
  SrMediaProbe       *probe;
  SrLadder           *ladder;
  SrRemoteTranscode  *job;
  GFile              *output_dir;
  GPtrArray          *rung_rows;       /* AdwExpanderRow per rung */
  GPtrArray          *rung_bars;
  GPtrArray          *ready_rows;      /* borrowed: the rows of ready_group */
  gboolean            follow_end;      /* keep the progress in view as it grows */
  gboolean            scrolling;

  /* Publishing the checked folder */
  SrApplication      *application;
  SrPublication      *publication;     /* prepared: kept so that a retry reuses it */
  char               *publish_account;
  gboolean            key_kept;        /* the owner's sealed key is in the library */
  gboolean            publishing;
  gboolean            published;
  char               *published_id;    /* its content id, for View in Browse */
  char               *prepared_title;  /* what the prepared metadata says */
  char               *prepared_description;
  SrPendingTx        *pending;         /* the transaction waiting for the user's word */
};

G_DEFINE_FINAL_TYPE (SrCreatePage, sr_create_page, ADW_TYPE_BIN)

static void
set_status (SrCreatePage *self,
            const char   *text,
            gboolean      is_error)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL && *text != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* While a job runs the page grows at the end of its progress (rungs,
 * checks, the result, just above My Titles); it follows that end until the
 * user scrolls back up. */
static gdouble
progress_end (SrCreatePage  *self,
              GtkAdjustment *adj)
{
  /* My Titles' height, the box spacing and the margin below it. */
  gdouble below = gtk_widget_get_height (GTK_WIDGET (self->my_titles)) + 24 + 24 + 12;

  return MAX (0, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - below);
}

static void
scroll_to_end (SrCreatePage *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scrolling = TRUE;
  gtk_adjustment_set_value (adj, progress_end (self, adj));
  self->scrolling = FALSE;
}

static void
on_scroll_changed (GtkAdjustment *adj,
                   SrCreatePage  *self)
{
  (void) adj;
  if (self->follow_end)
    scroll_to_end (self);
}

static void
on_scroll_value_changed (GtkAdjustment *adj,
                         SrCreatePage  *self)
{
  if (!self->scrolling && gtk_adjustment_get_value (adj) < progress_end (self, adj) - 1)
    self->follow_end = FALSE;
}

static gboolean
is_running (SrCreatePage *self)
{
  return self->job != NULL;
}

/* A new folder is a new title: nothing of the last one's publishing applies. */
static void
forget_publication (SrCreatePage *self)
{
  g_clear_pointer (&self->publication, sr_publication_free);
  self->key_kept = FALSE;
  self->published = FALSE;
  g_clear_pointer (&self->published_id, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->publish_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->publish_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->browse_button), FALSE);
}

static void
set_inputs_sensitive (SrCreatePage *self,
                      gboolean      sensitive)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->details_group), sensitive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->change_button), sensitive);
}

static void
update_start_button (SrCreatePage *self)
{
  gboolean have_worker = g_list_model_get_n_items (G_LIST_MODEL (self->workers)) > 0;

  if (is_running (self))
    {
      gtk_button_set_label (self->start_button, _("_Cancel"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->start_button), "suggested-action");
      gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), TRUE);
      return;
    }
  gtk_button_set_label (self->start_button, _("_Start Transcoding"));
  gtk_widget_add_css_class (GTK_WIDGET (self->start_button), "suggested-action");
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), have_worker && self->probe != NULL);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->worker_row),
                               have_worker ? "" : _("Add a worker in Preferences → Workers"));
}

/* ---- Workers from the preferences ---- */

static void
load_workers (SrCreatePage *self)
{
  g_auto(GStrv) urls = g_settings_get_strv (self->settings, "workers");
  g_autofree gchar *chosen = g_settings_get_string (self->settings, "default-worker");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->workers));

  gtk_string_list_splice (self->workers, 0, n, (const char *const *) urls);
  for (guint i = 0; urls[i] != NULL; i++)
    if (g_strcmp0 (urls[i], chosen) == 0)
      adw_combo_row_set_selected (self->worker_row, i);
  update_start_button (self);
}

static void
on_workers_changed (GSettings    *settings,
                    const char   *key,
                    SrCreatePage *self)
{
  (void) settings;
  (void) key;
  load_workers (self);
}

/* ---- Choosing and probing the video ---- */

/* One quality in a list of them: "480p (854×480)", " · " between. */
static void
append_quality (GString    *s,
                const char *name,
                guint       width,
                guint       height)
{
  g_string_append_printf (s, "%s%s (%u×%u)", s->len > 0 ? " · " : "", name, width, height);
}

static void
show_toast (SrCreatePage *self,
            const char   *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast = adw_toast_new (text);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static gchar *
describe_ladder (SrLadder *ladder,
                 guint     width,
                 guint     height)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < sr_ladder_get_n_rungs (ladder); i++)
    {
      const SrLadderRung *rung = sr_ladder_get_rung (ladder, i);

      append_quality (s, rung->name, sr_ladder_rung_width_for (rung, width, height), rung->height);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
probe_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SrCreatePage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMediaProbe) probe = sr_media_probe_new_for_file_finish (result, &error);
  g_autofree gchar *name = NULL;
  g_autofree gchar *duration = NULL;
  g_autofree gchar *video = NULL;
  g_autofree gchar *size = NULL;
  g_autofree gchar *ladder = NULL;
  guint64 secs;
  gint fps_n = 0, fps_d = 1;

  (void) source;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
  if (probe == NULL)
    {
      show_toast (self, error->message);
      set_status (self, error->message, TRUE);
      g_object_unref (self);
      return;
    }

  g_clear_object (&self->ladder);
  g_set_object (&self->probe, probe);
  self->ladder = sr_ladder_for_source (MAX (sr_media_probe_get_width (probe), 1),
                                       MAX (sr_media_probe_get_height (probe), 1));
  name = g_file_get_basename (sr_media_probe_get_file (probe));
  secs = (sr_media_probe_get_duration (probe) + GST_SECOND / 2) / GST_SECOND;
  duration = g_strdup_printf ("%u:%02u", (guint) (secs / 60), (guint) (secs % 60));
  sr_media_probe_get_framerate (probe, &fps_n, &fps_d);
  video = g_strdup_printf (_("%s · %u×%u at %.4g fps"), sr_media_probe_get_video_codec (probe),
                           sr_media_probe_get_width (probe), sr_media_probe_get_height (probe),
                           fps_d > 0 ? (gdouble) fps_n / fps_d : 0.0);
  size = g_format_size ((guint64) sr_media_probe_get_size (probe));
  ladder = describe_ladder (self->ladder, sr_media_probe_get_width (probe), sr_media_probe_get_height (probe));

  gtk_widget_set_visible (GTK_WIDGET (self->video_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->audio_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->size_row), TRUE);
  adw_action_row_set_subtitle (self->file_row, name);
  adw_action_row_set_subtitle (self->duration_row, duration);
  adw_action_row_set_subtitle (self->video_row, video);
  adw_action_row_set_subtitle (self->audio_row, sr_media_probe_has_audio (probe)
                                                  ? sr_media_probe_get_audio_codec (probe) : _("No sound"));
  adw_action_row_set_subtitle (self->size_row, size);
  adw_action_row_set_subtitle (self->ladder_row, ladder);
  if (*gtk_editable_get_text (GTK_EDITABLE (self->title_row)) == '\0')
    {
      gchar *dot = strrchr (name, '.');

      if (dot != NULL && dot != name)
        *dot = '\0';
      gtk_editable_set_text (GTK_EDITABLE (self->title_row), name);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->progress_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->finish_box), FALSE);
  set_status (self, NULL, FALSE);
  self->follow_end = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "form");
  update_start_button (self);
  g_object_unref (self);
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     SrCreatePage    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        {
          set_status (self, _("Reading the video…"), FALSE);
          gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
          sr_media_probe_new_for_file_async (file, self->cancellable, probe_done, g_object_ref (self));
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
on_choose_clicked (SrCreatePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (is_running (self) || self->publishing)
    return;
  chooser = gtk_file_chooser_native_new (_("Choose a Video"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Videos"));
  gtk_file_filter_add_mime_type (filter, "video/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- The transcode ---- */

static void
on_upload_progress (SrRemoteTranscode *job,
                    gint64             done,
                    gint64             total,
                    SrCreatePage      *self)
{
  g_autofree gchar *d = g_format_size ((guint64) done);
  g_autofree gchar *t = g_format_size ((guint64) total);
  g_autofree gchar *text = g_strdup_printf (_("%s of %s"), d, t);

  (void) job;
  gtk_progress_bar_set_fraction (self->upload_bar, total > 0 ? (gdouble) done / total : 1.0);
  adw_action_row_set_subtitle (self->upload_row, text);
}

static const char *
stage_text (SrRemoteTranscodeStage stage)
{
  switch (stage)
    {
    case SR_REMOTE_TRANSCODE_STAGE_HASHING: return _("Reading the video…");
    case SR_REMOTE_TRANSCODE_STAGE_UPLOADING: return _("Uploading to the worker…");
    case SR_REMOTE_TRANSCODE_STAGE_TRANSCODING: return _("The worker is transcoding…");
    case SR_REMOTE_TRANSCODE_STAGE_DOWNLOADING: return _("Downloading and checking each quality…");
    case SR_REMOTE_TRANSCODE_STAGE_DONE: return _("Done.");
    case SR_REMOTE_TRANSCODE_STAGE_IDLE:
    default: return "";
    }
}

static void
on_stage_changed (SrRemoteTranscode *job,
                  guint              stage,
                  SrCreatePage      *self)
{
  (void) job;
  set_status (self, stage_text (stage), FALSE);
  if (stage >= SR_REMOTE_TRANSCODE_STAGE_TRANSCODING)
    {
      gtk_progress_bar_set_fraction (self->upload_bar, 1.0);
      adw_action_row_set_subtitle (self->upload_row, _("Uploaded"));
    }
}

static void
on_job_state (SrRemoteTranscode *job,
              const char        *state,
              const char        *message,
              SrCreatePage      *self)
{
  (void) job;
  (void) message;
  if (g_strcmp0 (state, "queued") == 0)
    set_status (self, _("Waiting for the worker to start…"), FALSE);
  else if (g_strcmp0 (state, "encoding") == 0)
    set_status (self, _("The worker is transcoding…"), FALSE);
  else if (g_strcmp0 (state, "checking") == 0)
    set_status (self, _("The worker is checking its results…"), FALSE);
}

static void
on_rung_progress (SrRemoteTranscode *job,
                  guint              index,
                  gdouble            fraction,
                  SrCreatePage      *self)
{
  g_autofree gchar *text = NULL;

  (void) job;
  if (index >= self->rung_rows->len)
    return;
  gtk_progress_bar_set_fraction (self->rung_bars->pdata[index], fraction);
  text = g_strdup_printf (_("Transcoding %d%%"), (int) (fraction * 100));
  adw_expander_row_set_subtitle (self->rung_rows->pdata[index], text);
}

static void
on_download_progress (SrRemoteTranscode *job,
                      const char        *name,
                      gint64             done,
                      gint64             total,
                      SrCreatePage      *self)
{
  (void) job;
  for (guint i = 0; i < sr_ladder_get_n_rungs (self->ladder); i++)
    {
      g_autofree gchar *file = g_strdup_printf ("%s.mp4", sr_ladder_get_rung (self->ladder, i)->name);

      if (g_strcmp0 (file, name) == 0)
        {
          g_autofree gchar *text = total > 0 && done == total
                                   ? g_strdup (_("Checking…"))
                                   : g_strdup_printf (_("Downloading %d%%"), total > 0 ? (int) (done * 100 / total) : 0);
          adw_expander_row_set_subtitle (self->rung_rows->pdata[i], text);
        }
    }
}

static void
on_output_checked (SrRemoteTranscode *job,
                   guint              index,
                   SrOutputReport    *report,
                   SrCreatePage      *self)
{
  AdwExpanderRow *row;
  guint n = sr_output_report_get_n_checks (report);
  guint passed_count = 0;
  g_autofree gchar *summary = NULL;

  (void) job;
  if (index >= self->rung_rows->len)
    return;
  row = self->rung_rows->pdata[index];
  for (guint i = 0; i < n; i++)
    {
      SrOutputCheckKind kind;
      gboolean passed;
      const gchar *message;
      GtkWidget *check_row;
      GtkWidget *icon;

      if (!sr_output_report_get_check (report, i, &kind, &passed, &message))
        continue;
      (void) kind;
      passed_count += passed ? 1 : 0;
      check_row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (check_row), message != NULL ? message : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (check_row), passed ? _("Passed") : _("Failed"));
      icon = gtk_image_new_from_icon_name (passed ? "emblem-ok-symbolic" : "dialog-error-symbolic");
      gtk_widget_add_css_class (icon, passed ? "success" : "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (check_row), icon);
      adw_expander_row_add_row (row, check_row);
    }
  if (sr_output_report_get_passed (report))
    summary = g_strdup_printf (_("All %u checks passed"), n);
  else
    summary = g_strdup_printf (_("%u of %u checks failed"), n - passed_count, n);
  adw_expander_row_set_subtitle (row, summary);
  if (!sr_output_report_get_passed (report))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      adw_expander_row_set_expanded (row, TRUE);
    }
}

static void
build_rung_rows (SrCreatePage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rungs_list))) != NULL)
    gtk_list_box_remove (self->rungs_list, child);
  g_ptr_array_set_size (self->rung_rows, 0);
  g_ptr_array_set_size (self->rung_bars, 0);
  for (guint i = 0; i < sr_ladder_get_n_rungs (self->ladder); i++)
    {
      const SrLadderRung *rung = sr_ladder_get_rung (self->ladder, i);
      GtkWidget *row = adw_expander_row_new ();
      GtkWidget *bar = gtk_progress_bar_new ();
      g_autofree gchar *title = g_strdup_printf ("%s (%u×%u)", rung->name,
                                                 sr_ladder_rung_width_for (rung, sr_media_probe_get_width (self->probe),
                                                                           sr_media_probe_get_height (self->probe)),
                                                 rung->height);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), _("Waiting"));
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_set_size_request (bar, 160, -1);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), bar);
      gtk_list_box_append (self->rungs_list, row);
      g_ptr_array_add (self->rung_rows, row);
      g_ptr_array_add (self->rung_bars, bar);
    }
}

/* ---- Checked folders kept across restarts ---- */

static void
remember_checked (SrCreatePage *self,
                  const char   *folder,
                  gboolean      checked)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "checked-folders");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) folders = NULL;

  for (guint i = 0; old[i] != NULL; i++)
    if (g_strcmp0 (old[i], folder) != 0)
      g_strv_builder_add (builder, old[i]);
  if (checked)
    g_strv_builder_add (builder, folder);
  folders = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "checked-folders", (const char *const *) folders);
}

/* The folder's info.json, once every rendition it lists is still there. */
static JsonParser *
load_checked_folder (const char  *folder,
                     GError     **error)
{
  g_autofree char *path = g_build_filename (folder, "info.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root, *renditions;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  root = json_parser_get_root (parser);
  renditions = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
               ? json_object_get_member (json_node_get_object (root), "renditions") : NULL;
  if (renditions == NULL || !JSON_NODE_HOLDS_ARRAY (renditions) ||
      json_array_get_length (json_node_get_array (renditions)) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“%s” lists no qualities"), path);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (renditions)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (renditions), i);
      const char *file = JSON_NODE_HOLDS_OBJECT (node)
                         ? json_object_get_string_member_with_default (json_node_get_object (node), "file", NULL)
                         : NULL;
      g_autofree char *file_path = file != NULL ? g_build_filename (folder, file, NULL) : NULL;

      if (file_path == NULL || strchr (file, '/') != NULL || !g_file_test (file_path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("A quality of “%s” is missing"), folder);
          return NULL;
        }
    }
  return g_steal_pointer (&parser);
}

/* "480p (854×480) · 360p (640×360)", as the ladder is shown before a transcode. */
static gchar *
describe_renditions (JsonObject *info)
{
  JsonArray *renditions = json_object_get_array_member (info, "renditions");
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (renditions); i++)
    {
      JsonObject *r = json_array_get_object_element (renditions, i);

      append_quality (s, json_object_get_string_member_with_default (r, "name", "?"),
                      (guint) json_object_get_int_member_with_default (r, "width", 0),
                      (guint) json_object_get_int_member_with_default (r, "height", 0));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Back to where the page was when the transcode of `folder` finished: its
 * qualities checked, title and description from its info.json, Publish…
 * one press away (price and seeder share are asked again). */
static void
continue_with_folder (SrCreatePage *self,
                      const char   *folder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree gchar *base = NULL, *duration = NULL, *qualities = NULL, *text = NULL;
  JsonObject *info;
  guint secs;

  if (is_running (self) || self->publishing)
    return;
  if ((parser = load_checked_folder (folder, &error)) == NULL)
    {
      g_autofree gchar *message = g_strdup_printf (_("This video can no longer be published from here: %s."),
                                                   error->message);
      show_toast (self, message);
      remember_checked (self, folder, FALSE);
      return;
    }
  info = json_node_get_object (json_parser_get_root (parser));
  g_clear_object (&self->probe);
  g_clear_object (&self->ladder);
  forget_publication (self);
  g_clear_object (&self->output_dir);
  self->output_dir = g_file_new_for_path (folder);

  base = g_path_get_basename (folder);
  secs = (guint) (MAX (json_object_get_double_member_with_default (info, "duration", 0), 0) + 0.5);
  duration = g_strdup_printf ("%u:%02u", secs / 60, secs % 60);
  qualities = describe_renditions (info);
  adw_action_row_set_subtitle (self->file_row, base);
  adw_action_row_set_subtitle (self->duration_row, duration);
  adw_action_row_set_subtitle (self->ladder_row, qualities);
  /* What the source held is not known any more. */
  gtk_widget_set_visible (GTK_WIDGET (self->video_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->audio_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->size_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->title_row),
                         json_object_get_string_member_with_default (info, "title", base));
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         json_object_get_string_member_with_default (info, "description", ""));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->finish_box), TRUE);
  set_inputs_sensitive (self, TRUE);
  text = g_strdup_printf (_("Every quality passed its checks before Seedreel was last closed. The folder is ready: %s"),
                          folder);
  set_status (self, text, FALSE);
  self->follow_end = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "form");
  update_start_button (self);
}

static void
on_continue_clicked (GtkButton    *button,
                     SrCreatePage *self)
{
  const char *folder = g_object_get_data (G_OBJECT (button), "folder");

  if (folder != NULL)
    continue_with_folder (self, folder);
}

static void
rebuild_ready (SrCreatePage *self)
{
  g_auto(GStrv) folders = g_settings_get_strv (self->settings, "checked-folders");

  for (guint i = 0; i < self->ready_rows->len; i++)
    adw_preferences_group_remove (self->ready_group, self->ready_rows->pdata[i]);
  g_ptr_array_set_size (self->ready_rows, 0);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = load_checked_folder (folders[i], NULL);
      g_autofree gchar *base = g_path_get_basename (folders[i]);
      g_autofree gchar *qualities = NULL;
      JsonObject *info;
      GtkWidget *row, *button;

      if (parser == NULL)
        continue;  /* moved or deleted since: nothing to offer */
      info = json_node_get_object (json_parser_get_root (parser));
      qualities = describe_renditions (info);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     json_object_get_string_member_with_default (info, "title", base));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), qualities);
      button = gtk_button_new_with_mnemonic (_("_Continue"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Back to this video, ready to publish"));
      g_object_set_data_full (G_OBJECT (button), "folder", g_strdup (folders[i]), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_continue_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->ready_group, row);
      g_ptr_array_add (self->ready_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->ready_group), self->ready_rows->len > 0);
}

static void
on_checked_folders_changed (GSettings    *settings,
                            const char   *key,
                            SrCreatePage *self)
{
  (void) settings;
  (void) key;
  rebuild_ready (self);
}

static void
transcode_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SrCreatePage *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = sr_remote_transcode_run_finish (SR_REMOTE_TRANSCODE (source), result, &error);

  g_clear_object (&self->job);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    {
      g_object_unref (self);
      return;
    }
  set_inputs_sensitive (self, TRUE);
  update_start_button (self);
  if (ok)
    {
      g_autofree gchar *text = g_strdup_printf (_("Every quality passed its checks. The folder is ready: %s"),
                                                g_file_peek_path (self->output_dir));
      set_status (self, text, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->finish_box), TRUE);
      remember_checked (self, g_file_peek_path (self->output_dir), TRUE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_status (self, _("Stopped. Nothing was kept from the worker."), FALSE);
  else
    set_status (self, error->message, TRUE);
  g_object_unref (self);
}

typedef struct
{
  SrCreatePage *self;
  gchar        *url;
} StartData;

static void
token_found (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  StartData *data = user_data;
  SrCreatePage *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *token = sr_worker_tokens_lookup_finish (result, &error);
  g_autoptr(SrWorkerClient) client = NULL;
  g_autofree gchar *dir_name = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *base = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree gchar *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  (void) source;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;
  if (error != NULL)
    {
      g_autofree gchar *text = g_strdup_printf (_("The worker’s access token could not be read from the keyring: %s"),
                                                error->message);
      set_inputs_sensitive (self, TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), TRUE);
      set_status (self, text, TRUE);
      goto out;
    }

  base = g_file_get_basename (sr_media_probe_get_file (self->probe));
  g_strdelimit (base, "/\\:", '_');
  dir_name = g_strdup_printf ("%s-%s", base, stamp);
  path = g_build_filename (g_get_user_data_dir (), "seedreel", "created", dir_name, NULL);
  g_clear_object (&self->output_dir);
  self->output_dir = g_file_new_for_path (path);

  forget_publication (self);
  client = sr_worker_client_new (data->url, token);
  self->job = sr_remote_transcode_new (client, self->probe, self->ladder, self->output_dir);
  sr_remote_transcode_set_title (self->job, gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  sr_remote_transcode_set_description (self->job, gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  g_signal_connect_object (self->job, "stage-changed", G_CALLBACK (on_stage_changed), self, 0);
  g_signal_connect_object (self->job, "upload-progress", G_CALLBACK (on_upload_progress), self, 0);
  g_signal_connect_object (self->job, "job-state", G_CALLBACK (on_job_state), self, 0);
  g_signal_connect_object (self->job, "rung-progress", G_CALLBACK (on_rung_progress), self, 0);
  g_signal_connect_object (self->job, "download-progress", G_CALLBACK (on_download_progress), self, 0);
  g_signal_connect_object (self->job, "output-checked", G_CALLBACK (on_output_checked), self, 0);

  build_rung_rows (self);
  gtk_progress_bar_set_fraction (self->upload_bar, 0.0);
  adw_action_row_set_subtitle (self->upload_row, _("Waiting"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_group), TRUE);
  self->follow_end = TRUE;
  scroll_to_end (self);
  update_start_button (self);
  sr_remote_transcode_run_async (self->job, self->cancellable, transcode_done, g_object_ref (self));

out:
  g_object_unref (self);
  g_free (data->url);
  g_free (data);
}

static void
on_start_clicked (SrCreatePage *self)
{
  GtkStringObject *item;
  StartData *data;

  if (self->publishing)
    return;
  if (is_running (self))
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      return;
    }
  item = adw_combo_row_get_selected_item (self->worker_row);
  if (self->probe == NULL || item == NULL)
    return;
  if (*gtk_editable_get_text (GTK_EDITABLE (self->title_row)) == '\0')
    {
      set_status (self, _("Give the video a title first."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
      return;
    }
  g_settings_set_string (self->settings, "default-worker", gtk_string_object_get_string (item));
  data = g_new0 (StartData, 1);
  data->self = g_object_ref (self);
  data->url = g_strdup (gtk_string_object_get_string (item));
  set_inputs_sensitive (self, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->finish_box), FALSE);
  set_status (self, _("Starting…"), FALSE);
  sr_worker_tokens_lookup_async (data->url, self->cancellable, token_found, data);
}

static void
on_open_folder_clicked (SrCreatePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree gchar *uri = NULL;

  if (self->output_dir == NULL)
    return;
  uri = g_file_get_uri (self->output_dir);
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

/* ---- Publishing ----
 *
 * Prepare (encrypt a paid title, make the torrent) → seed it in the app's
 * session → keep the content key, sealed to the account, in the library →
 * one confirmation of the publish transaction → on chain. Each step says
 * what went wrong in words the user can act on; the prepared folder is kept
 * in memory, so pressing Publish again resumes from the step that failed
 * (the transaction is sent once per torrent, whatever the number of tries). */

static void
publish_failed (SrCreatePage *self,
                const char   *what)
{
  g_autofree gchar *text = g_strdup_printf (_("%s The prepared title is kept: press Publish again to retry."), what);

  self->publishing = FALSE;
  set_inputs_sensitive (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->publish_button), TRUE);
  set_status (self, text, TRUE);
}

/* The publishing flow's callbacks only go on while the page is in a window. */
static gboolean
publish_gone (SrCreatePage *self,
              GError       *error)
{
  if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    publish_failed (self, _("Not published."));
  else
    self->publishing = FALSE;
  return TRUE;
}

static guint16
share_bps (SrCreatePage *self)
{
  return (guint16) (gtk_spin_button_get_value (self->share_spin) * 100 + 0.5);
}

/* The price spin has two decimals: cents of SEED → base units (18 decimals). */
static void
price_units (SrCreatePage *self,
             guint8        price[SR_U256_LEN])
{
  guint64 cents = (guint64) (gtk_spin_button_get_value (self->price_spin) * 100 + 0.5);
  g_autofree gchar *text = g_strdup_printf ("%" G_GUINT64_FORMAT "0000000000000000", cents);

  if (cents == 0 || !sr_u256_parse (text, price, NULL))
    sr_u256_from_uint64 (price, 0);
}

static gchar *
share_percent_text (guint bps)
{
  if (bps % 100 == 0)
    return g_strdup_printf ("%u %%", bps / 100);
  return g_strdup_printf ("%u.%02u %%", bps / 100, bps % 100);
}

static void
publish_answered (GObject  *owner,
                  gboolean  accepted)
{
  if (accepted)
    set_status (SR_CREATE_PAGE (owner), _("Waiting for the title to be included…"), FALSE);
}

/* The wallet agent's summary of the publish transaction: the one
 * confirmation, with what is published and what it costs. */
static void
confirm_cb (GVariant   *summary,
            const char *token,
            GVariant   *tx,
            GTask      *task,
            gpointer    user_data)
{
  SrCreatePage *self = user_data;
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_row));
  guint8 price[SR_U256_LEN];
  g_autofree gchar *price_dec = NULL, *price_units_text = NULL, *price_text = NULL, *share = NULL;
  g_autofree gchar *fee = NULL, *network_text = NULL, *heading = NULL, *body = NULL;
  guint64 chain_id = 0;

  sr_pending_tx_hold (self->pending, task, tx, token);

  g_variant_lookup (summary, "chain-id", "t", &chain_id);
  fee = sr_rewards_dup_max_fee_text (summary);
  price_units (self, price);
  price_dec = sr_u256_to_decimal (price);
  price_units_text = sr_catalog_format_units (price_dec, 18);
  price_text = sr_u256_is_zero (price) ? g_strdup (_("Free"))
                                       /* TRANSLATORS: an amount of the SEED token, e.g. "1.5 SEED" */
                                       : g_strdup_printf (_("%s SEED"), price_units_text);
  share = share_percent_text (share_bps (self));
  network_text = sr_network_profile_describe_chain (profile, chain_id);
  heading = g_strdup_printf (_("Publish “%s”?"), title);
  body = g_strdup_printf ("%s\n\n%s %s\n%s %s\n%s %s\n%s %s\n%s %s ETH",
                          sr_u256_is_zero (price)
                            ? _("Anyone will be able to watch it for free.")
                            : _("Its video is encrypted; a viewer gets the key after paying."),
                          _("Title:"), title,
                          _("Price:"), price_text,
                          _("Seeder share:"), share,
                          _("Network:"), network_text,
                          _("Maximum network fee:"), fee);
  sr_pending_tx_ask (self->pending, GTK_WIDGET (self), self->application, self->publish_account, heading, body,
                     _("_Publish"), _("Not published: you cancelled"), self->cancellable, publish_answered);
  set_status (self, _("Check the publication and confirm it…"), FALSE);
}

/* The title is seeded from before it is on chain, when it has no id yet:
 * now that it has one, this app answers its buyers' key requests and keeps
 * their receipts, without waiting for the catalog to list it. */
static void
serve_title (SrCreatePage *self,
             const char   *content_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *infohash = NULL;
  SrSeeding *seeding;

  if (self->application == NULL)
    return;
  seeding = sr_application_get_seeding (self->application, self->publish_account, &error);
  if (seeding == NULL)
    {
      g_warning ("Published title %s is seeded but its key is not served: %s", content_id, error->message);
      return;
    }
  infohash = sr_hex_encode_bare (self->publication->infohash, 32);
  sr_seeding_add_title (seeding, content_id, infohash);
}

static void
published_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SrCreatePage) self = user_data;
  g_autoptr(GError) error = NULL;
  guint8 content_id[SR_U256_LEN];
  g_autofree gchar *id_text = NULL, *text = NULL;

  (void) source;
  if (self->application != NULL)
    sr_application_set_send_confirmer (self->application, NULL, NULL);
  if (!sr_publisher_publish_finish (result, content_id, &error))
    {
      if (publish_gone (self, error))
        return;
      text = g_strdup_printf (_("Not published: %s."), error->message);
      publish_failed (self, text);
      return;
    }
  self->publishing = FALSE;
  self->published = TRUE;
  if (self->output_dir != NULL)
    remember_checked (self, g_file_peek_path (self->output_dir), FALSE);
  id_text = sr_u256_to_decimal (content_id);
  g_free (self->published_id);
  self->published_id = g_strdup (id_text);
  serve_title (self, id_text);
  if (gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;
  text = g_strdup_printf (_("“%s” is published as title %s, and Seedreel seeds it while it runs."),
                          gtk_editable_get_text (GTK_EDITABLE (self->title_row)), id_text);
  set_status (self, text, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->publish_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->browse_button), TRUE);
  set_inputs_sensitive (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), TRUE);
  sr_my_titles_refresh (self->my_titles);
}

static void
publish_on_chain (SrCreatePage *self)
{
  g_autoptr(GError) error = NULL;
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);
  SrTxManager *manager = sr_application_get_tx_manager (self->application, self->publish_account, &error);
  guint8 registry[SR_ADDRESS_LEN], price[SR_U256_LEN];

  if (manager == NULL)
    {
      publish_failed (self, error->message);
      return;
    }
  if (!sr_address_parse (sr_network_profile_get_registry_address (profile), registry, NULL))
    {
      publish_failed (self, _("This network has no registry address: set one in Preferences → Network."));
      return;
    }
  price_units (self, price);
  set_status (self, _("Asking your wallet to prepare the publication…"), FALSE);
  sr_application_set_send_confirmer (self->application, confirm_cb, self);
  sr_publisher_publish_async (manager, sr_application_get_rpc_client (self->application), registry,
                              self->publication, price, share_bps (self), self->cancellable,
                              published_cb, g_object_ref (self));
}

static gboolean
key_title (SrCreatePage       *self,
           SrKeyExchangeTitle *t)
{
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);

  memset (t, 0, sizeof *t);
  t->chain_id = sr_network_profile_get_chain_id (profile);
  memcpy (t->infohash, self->publication->infohash, sizeof t->infohash);
  /* Not on chain yet: the content id is not needed to seal the owner's copy. */
  return sr_address_parse (sr_network_profile_get_registry_address (profile), t->registry, NULL) &&
         sr_address_parse (self->publish_account, t->payout, NULL);
}

static void
owner_key_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SrCreatePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) public_key = sr_content_keys_owner_public_key_finish (result, &error);
  g_autoptr(SrStoreContentKey) row = NULL;
  g_autofree gchar *network = NULL;
  SrKeyExchangeTitle t;
  SrStore *store;

  (void) source;
  if (publish_gone (self, error))
    return;
  store = sr_application_get_store (self->application);
  if (public_key != NULL && key_title (self, &t))
    {
      row = sr_content_keys_seal_for_owner (t.infohash, self->publish_account, g_bytes_get_data (public_key, NULL),
                                            self->publication->key, &error);
      network = sr_catalog_network_key (t.chain_id, t.registry);
    }
  if (row == NULL || store == NULL || !sr_store_put_content_key (store, network, row, &error))
    {
      g_autofree gchar *text = g_strdup_printf (_("The title’s key could not be kept in your library (%s), so "
                                                  "nothing was published."),
                                                error != NULL ? error->message : _("the library is not open"));
      publish_failed (self, text);
      return;
    }
  self->key_kept = TRUE;
  publish_on_chain (self);
}

static void
keep_key (SrCreatePage *self)
{
  g_autoptr(GError) error = NULL;
  SrSigner *signer;
  SrKeyExchangeTitle t;

  if (self->publication->key == NULL || self->key_kept)
    {
      publish_on_chain (self);
      return;
    }
  if ((signer = sr_application_get_signer (self->application, &error)) == NULL)
    {
      publish_failed (self, error->message);
      return;
    }
  if (!key_title (self, &t))
    {
      publish_failed (self, _("This network has no registry address: set one in Preferences → Network."));
      return;
    }
  set_status (self, _("Keeping the title’s key in your library…"), FALSE);
  sr_content_keys_owner_public_key_async (signer, self->publish_account, &t, self->cancellable, owner_key_cb,
                                          g_object_ref (self));
}

static SrTorrent *
find_torrent (SrTorrentSession *session,
              const guint8      infohash[32])
{
  g_autoptr(GPtrArray) torrents = sr_torrent_session_list_torrents (session);
  g_autofree gchar *hex = sr_hex_encode_bare (infohash, 32);

  for (guint i = 0; torrents != NULL && i < torrents->len; i++)
    {
      g_autofree char *v2 = sr_torrent_dup_info_hash_v2 (torrents->pdata[i]);

      if (v2 != NULL && g_ascii_strcasecmp (v2, hex) == 0)
        return torrents->pdata[i];
    }
  return NULL;
}

static void
start_seeding (SrCreatePage *self)
{
  g_autoptr(GError) error = NULL;
  SrTorrentSession *session = sr_application_get_torrent_session (self->application, &error);
  g_autofree gchar *save_path = NULL;
  SrTorrentAddOptions ao = { 0 };

  if (session == NULL)
    {
      g_autofree gchar *text = g_strdup_printf (_("Seedreel could not start seeding: %s."), error->message);
      publish_failed (self, text);
      return;
    }
  if (find_torrent (session, self->publication->infohash) == NULL)
    {
      set_status (self, _("Starting to seed…"), FALSE);
      save_path = g_path_get_dirname (self->publication->folder);
      ao.torrent = self->publication->torrent;
      ao.save_path = save_path;
      ao.flags = SR_TORRENT_ADD_SEED_MODE;
      if (sr_torrent_session_add (session, &ao, &error) == NULL)
        {
          g_autofree gchar *text = g_strdup_printf (_("Seedreel could not start seeding: %s."), error->message);
          publish_failed (self, text);
          return;
        }
    }
  keep_key (self);
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrCreatePage) self = user_data;
  g_autoptr(GError) error = NULL;
  SrPublication *publication = sr_publisher_prepare_finish (result, &error);

  (void) source;
  if (publish_gone (self, error))
    {
      g_clear_pointer (&publication, sr_publication_free);
      return;
    }
  if (publication == NULL)
    {
      g_autofree gchar *text = g_strdup_printf (_("The title could not be prepared: %s."), error->message);
      publish_failed (self, text);
      return;
    }
  g_clear_pointer (&self->publication, sr_publication_free);
  self->publication = publication;
  self->key_kept = FALSE;
  start_seeding (self);
}

static void
prepare (SrCreatePage *self)
{
  guint8 price[SR_U256_LEN];
  gboolean paid;
  g_autofree gchar *output = NULL, *base = NULL;

  price_units (self, price);
  paid = !sr_u256_is_zero (price);
  /* A retry reuses what was prepared, unless the title turned free or paid
   * or its title or description (in the metadata) changed since. */
  if (self->publication != NULL && (self->publication->key != NULL) == paid &&
      g_strcmp0 (self->prepared_title, gtk_editable_get_text (GTK_EDITABLE (self->title_row))) == 0 &&
      g_strcmp0 (self->prepared_description, gtk_editable_get_text (GTK_EDITABLE (self->description_row))) == 0)
    {
      start_seeding (self);
      return;
    }
  if (self->publication != NULL)
    {
      /* Its files are about to be rewritten: the old torrent stops seeding them. */
      SrTorrentSession *session = sr_application_get_torrent_session (self->application, NULL);
      SrTorrent *old = session != NULL ? find_torrent (session, self->publication->infohash) : NULL;

      if (old != NULL)
        sr_torrent_session_remove (session, old, FALSE, NULL);
      g_clear_pointer (&self->publication, sr_publication_free);
      self->key_kept = FALSE;
    }
  g_free (self->prepared_title);
  self->prepared_title = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  g_free (self->prepared_description);
  self->prepared_description = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  /* One folder per transcoded video, so two titles of the same name never
   * share (and overwrite) the files one of them seeds. */
  base = g_file_get_basename (self->output_dir);
  output = g_build_filename (g_get_user_data_dir (), "seedreel", "published", base, NULL);
  set_status (self, paid ? _("Encrypting the video and making its torrent…") : _("Making the title’s torrent…"), FALSE);
  sr_publisher_prepare_async (g_file_peek_path (self->output_dir), output,
                              gtk_editable_get_text (GTK_EDITABLE (self->title_row)),
                              gtk_editable_get_text (GTK_EDITABLE (self->description_row)),
                              paid, self->cancellable, prepared_cb, g_object_ref (self));
}

static void
unlocked_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrCreatePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean unlocked = FALSE;

  if (!sr_signer_is_unlocked_finish (SR_SIGNER (source), result, &unlocked, &error))
    {
      if (!publish_gone (self, error))
        publish_failed (self, error->message);
      return;
    }
  if (gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    {
      self->publishing = FALSE;
      return;
    }
  if (!unlocked)
    {
      publish_failed (self, _("Your wallet is locked: unlock it on the Wallet page."));
      return;
    }
  prepare (self);
}

static void
publish_accounts_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SrCreatePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = sr_signer_list_accounts_finish (SR_SIGNER (source), result, &error);
  const char *account;

  if (accounts == NULL)
    {
      if (!publish_gone (self, error))
        publish_failed (self, error->message);
      return;
    }
  if (accounts->len == 0)
    {
      publish_failed (self, _("Publishing needs a wallet: create or import one on the Wallet page."));
      return;
    }
  account = ((SrSignerAccount *) accounts->pdata[0])->address;
  if (g_strcmp0 (account, self->publish_account) != 0)
    {
      /* Another account: its key copy is its own. */
      g_free (self->publish_account);
      self->publish_account = g_strdup (account);
      self->key_kept = FALSE;
    }
  sr_signer_is_unlocked_async (SR_SIGNER (source), account, self->cancellable, unlocked_cb, g_object_ref (self));
}

static void
on_publish_clicked (SrCreatePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GError) error = NULL;
  SrSigner *signer;

  if (self->output_dir == NULL || self->publishing || is_running (self))
    return;
  if (self->application == NULL && GTK_IS_WINDOW (root) &&
      SR_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))))
    self->application = g_object_ref (SR_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))));
  if (self->application == NULL)
    return;
  if (*gtk_editable_get_text (GTK_EDITABLE (self->title_row)) == '\0')
    {
      set_status (self, _("Give the video a title first."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
      return;
    }
  if ((signer = sr_application_get_signer (self->application, &error)) == NULL)
    {
      set_status (self, error->message, TRUE);
      return;
    }
  self->publishing = TRUE;
  set_inputs_sensitive (self, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->publish_button), FALSE);
  set_status (self, _("Checking your wallet…"), FALSE);
  self->follow_end = TRUE;
  scroll_to_end (self);
  sr_signer_list_accounts_async (signer, self->cancellable, publish_accounts_cb, g_object_ref (self));
}

/* The title's own page once the catalog has it, else the catalog it is
 * about to appear in. */
static void
on_browse_clicked (SrCreatePage *self)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_VIEW_STACK);
  GtkWidget *browse = stack != NULL ? adw_view_stack_get_child_by_name (ADW_VIEW_STACK (stack), "browse") : NULL;

  if (self->published_id != NULL && SR_IS_BROWSE_PAGE (browse))
    sr_browse_page_await_title (SR_BROWSE_PAGE (browse), self->published_id);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", "browse");
}

/* ---- Object ---- */

static void
sr_create_page_dispose (GObject *object)
{
  SrCreatePage *self = SR_CREATE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->pending != NULL)
    sr_pending_tx_decline (self->pending, _("Not published: the window was closed"));
  if (self->application != NULL && self->publishing)
    sr_application_set_send_confirmer (self->application, NULL, NULL);
  /* The template's stack is the bin's own child: let the bin drop it first,
   * or the bin later unparents a widget the template already freed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_CREATE_PAGE);
  g_clear_object (&self->settings);
  g_clear_object (&self->workers);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->probe);
  g_clear_object (&self->ladder);
  g_clear_object (&self->job);
  g_clear_object (&self->output_dir);
  g_clear_pointer (&self->rung_rows, g_ptr_array_unref);
  g_clear_pointer (&self->rung_bars, g_ptr_array_unref);
  g_clear_pointer (&self->ready_rows, g_ptr_array_unref);
  g_clear_pointer (&self->publication, sr_publication_free);
  g_clear_pointer (&self->publish_account, g_free);
  g_clear_pointer (&self->published_id, g_free);
  g_clear_pointer (&self->prepared_title, g_free);
  g_clear_pointer (&self->prepared_description, g_free);
  g_clear_object (&self->pending);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (sr_create_page_parent_class)->dispose (object);
}

static void
sr_create_page_class_init (SrCreatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_create_page_dispose;

  g_type_ensure (SR_TYPE_MY_TITLES);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-create-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, stack);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, change_button);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, file_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, duration_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, video_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, audio_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, size_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, ladder_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, details_group);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, title_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, description_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, price_spin);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, share_spin);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, worker_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, start_button);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, progress_group);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, upload_row);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, upload_bar);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, rungs_list);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, finish_box);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, publish_button);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, browse_button);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, my_titles);
  gtk_widget_class_bind_template_child (widget_class, SrCreatePage, ready_group);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_open_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_publish_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_browse_clicked);
}

static void
sr_create_page_init (SrCreatePage *self)
{
  g_autoptr(GtkExpression) expr = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->pending = sr_pending_tx_new ();
  self->rung_rows = g_ptr_array_new ();
  self->rung_bars = g_ptr_array_new ();
  self->settings = g_settings_new (APP_ID ".Transcode");
  self->workers = gtk_string_list_new (NULL);
  expr = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  adw_combo_row_set_expression (self->worker_row, expr);
  adw_combo_row_set_model (self->worker_row, G_LIST_MODEL (self->workers));
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (on_scroll_changed), self, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (on_scroll_value_changed), self, 0);
  g_signal_connect_object (self->settings, "changed::workers", G_CALLBACK (on_workers_changed), self, 0);
  load_workers (self);
  self->ready_rows = g_ptr_array_new ();
  g_signal_connect_object (self->settings, "changed::checked-folders", G_CALLBACK (on_checked_folders_changed),
                           self, 0);
  rebuild_ready (self);
  /* The built-in worker runs whenever the user switched it on, from start-up. */
  sr_worker_host_follow_settings (sr_worker_host_get_default (), self->settings);
}

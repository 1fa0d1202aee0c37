/* sr-player-page.c — the player page. It plays one file of a torrent through
 * SrPlayer while the file downloads: controls over the video that hide while
 * it plays, the downloaded parts on the seek bar, a buffering card with the
 * swarm's state, the position remembered per title with an offer to resume,
 * and the screensaver held off while the video plays. */
#include "config.h"

#include <glib/gi18n.h>

#include "player/sr-player.h"
#include "player/sr-torrent-src.h"
#include "sr-player-page.h"
#include "sr-seek-bar.h"

#define HIDE_CONTROLS_MS 3000
#define SEEK_STEP_S 10
#define VOLUME_STEP 0.1
#define SAVE_EVERY_MS 10000
/* Nearer the start or the end than this, a position is not worth resuming. */
#define RESUME_MARGIN_MS 5000
#define RESUME_END_MARGIN_MS 10000
/* Another video at least this fraction of the largest one's size makes the
 * choice ambiguous: ask. */
#define COMPARABLE_FRACTION 0.5
#define MAX_CHOICES 8
/* playbin's GST_PLAY_FLAG_TEXT (the enum is not public API). */
#define PLAY_FLAG_TEXT (1 << 2)

struct _SrPlayerPage
{
  AdwBin              parent_instance;

  /* Template Widgets */
  GtkPicture         *picture;
  GtkWidget          *waiting_box;
  GtkLabel           *waiting_label;
  GtkLabel           *waiting_detail_label;
  GtkWidget          *buffering_box;
  GtkLabel           *buffering_label;
  GtkLabel           *buffering_detail_label;
  AdwStatusPage      *error_page;
  GtkRevealer        *top_revealer;
  GtkRevealer        *resume_revealer;
  GtkRevealer        *controls_revealer;
  AdwWindowTitle     *window_title;
  GtkMenuButton      *stats_button;
  GtkLabel           *stats_peers_label;
  GtkLabel           *stats_down_label;
  GtkLabel           *stats_up_label;
  GtkLabel           *stats_pieces_label;
  GtkLabel           *resume_label;
  GtkWidget          *controls_box;
  GtkButton          *play_button;
  GtkLabel           *elapsed_label;
  SrSeekBar          *seek_bar;
  GtkAdjustment      *seek_adjustment;
  GtkLabel           *duration_label;
  GtkButton          *mute_button;
  GtkAdjustment      *volume_adjustment;
  GtkMenuButton      *speed_button;
  GtkMenuButton      *audio_button;
  GtkMenuButton      *subtitle_button;
  GtkButton          *fullscreen_button;

  /* Owned References */
  GSimpleActionGroup *playback_actions;
  GMenu              *audio_menu;
  GMenu              *subtitle_tracks;
  GtkSpinButton      *subtitle_offset;
  SrPlayer           *player;
  SrTorrent          *torrent;
  SrStore            *store;
  GBytes             *content_key;
  char               *title_id;
  char               *display_title;
  GtkNativeDialog    *subtitle_chooser;
  AdwMessageDialog   *choice_dialog;

  guint               file_index;
  gboolean            published;      /* a catalog title: its videos are renditions */
  guint64             file_offset;
  guint64             file_size;
  gboolean            want_playing;
  gboolean            ended;
  gboolean            pointer_on_controls;
  gint64              resume_ms;
  gint64              pending_seek_ns;
  gint64              last_save_us;
  double              last_x, last_y;

  gulong              seek_handler;
  gulong              volume_handler;
  gulong              metadata_handler;
  guint               hide_timeout;
  guint               stats_timer;
  guint               inhibit_cookie;
};

G_DEFINE_FINAL_TYPE (SrPlayerPage, sr_player_page, ADW_TYPE_BIN)

enum {
  SIGNAL_CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_time (gint64 ns)
{
  gint64 s = MAX (ns, 0) / GST_SECOND;

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int) (s / 3600), (int) (s / 60 % 60), (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

static GtkWindow *
get_window (SrPlayerPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* ---- remembered positions ---- */

static void
save_position (SrPlayerPage *self)
{
  g_autoptr(GError) error = NULL;
  gint64 position, duration;

  if (self->player == NULL || self->store == NULL || self->title_id == NULL || self->ended)
    return;
  position = sr_player_get_position (self->player);
  duration = sr_player_get_duration (self->player);
  if (position <= 0 || duration <= 0)
    return;
  self->last_save_us = g_get_monotonic_time ();
  if (!sr_store_save_position (self->store, self->title_id, position / GST_MSECOND,
                               duration / GST_MSECOND, &error))
    g_warning ("Could not remember where playback stopped: %s", error->message);
}

static void
offer_resume (SrPlayerPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;
  gint64 position_ms = 0, duration_ms = 0;

  self->resume_ms = -1;
  gtk_revealer_set_reveal_child (self->resume_revealer, FALSE);
  if (self->store == NULL ||
      !sr_store_lookup_position (self->store, self->title_id, &position_ms, &duration_ms, &error))
    {
      if (error != NULL)
        g_warning ("Could not look up where playback stopped: %s", error->message);
      return;
    }
  /* Stopped in the credits counts as watched (the last tenth of a short
   * video). */
  if (position_ms < RESUME_MARGIN_MS ||
      (duration_ms > 0 && position_ms > duration_ms - MIN (RESUME_END_MARGIN_MS, duration_ms / 10)))
    return;

  self->resume_ms = position_ms;
  time = format_time (position_ms * GST_MSECOND);
  /* Translators: the time where the viewer stopped, e.g. "Resume from 12:34?" */
  text = g_strdup_printf (_("Resume from %s?"), time);
  gtk_label_set_label (self->resume_label, text);
  gtk_revealer_set_reveal_child (self->resume_revealer, TRUE);
}

static void
seek_to (SrPlayerPage *self, gint64 position_ns)
{
  gint64 duration = sr_player_get_duration (self->player);

  if (duration > 0)
    position_ns = MIN (position_ns, duration - GST_MSECOND);
  position_ns = MAX (position_ns, 0);
  self->ended = FALSE;
  if (sr_player_get_state (self->player) == SR_PLAYER_STATE_STOPPED)
    self->pending_seek_ns = position_ns;
  else
    sr_player_seek (self->player, position_ns, TRUE);
}

/* ---- showing and hiding the controls ---- */

static gboolean
popover_open (SrPlayerPage *self)
{
  GtkMenuButton *buttons[] = { self->stats_button, self->speed_button, self->audio_button,
                               self->subtitle_button };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkPopover *popover = gtk_menu_button_get_popover (buttons[i]);

      if (popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover)))
        return TRUE;
    }
  return FALSE;
}

static void set_controls_visible (SrPlayerPage *self, gboolean visible);

static gboolean
on_hide_timeout (gpointer user_data)
{
  SrPlayerPage *self = user_data;

  self->hide_timeout = 0;
  if (self->want_playing && !self->pointer_on_controls && !popover_open (self) &&
      self->player != NULL && sr_player_get_state (self->player) == SR_PLAYER_STATE_PLAYING)
    set_controls_visible (self, FALSE);
  else
    self->hide_timeout = g_timeout_add (HIDE_CONTROLS_MS, on_hide_timeout, self);
  return G_SOURCE_REMOVE;
}

/* The keyboard shortcuts belong to the page: when the focused control is
 * hidden, the page itself takes the focus so they keep working. */
static void
keep_focus (SrPlayerPage *self)
{
  GtkWindow *window = get_window (self);
  GtkWidget *focus = window != NULL ? gtk_window_get_focus (window) : NULL;

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self)) ||
      !gtk_widget_get_mapped (focus) || !gtk_widget_get_child_visible (focus) ||
      gtk_widget_is_ancestor (focus, GTK_WIDGET (self->controls_revealer)) ||
      gtk_widget_is_ancestor (focus, GTK_WIDGET (self->resume_revealer)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
set_controls_visible (SrPlayerPage *self, gboolean visible)
{
  if (!visible)
    keep_focus (self);
  gtk_revealer_set_reveal_child (self->top_revealer, visible);
  gtk_revealer_set_reveal_child (self->controls_revealer, visible);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), visible ? NULL : "none");
  g_clear_handle_id (&self->hide_timeout, g_source_remove);
  if (visible && self->want_playing)
    self->hide_timeout = g_timeout_add (HIDE_CONTROLS_MS, on_hide_timeout, self);
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  (void) controller;
  /* Some servers repeat the pointer's position without a move. */
  if (G_APPROX_VALUE (x, self->last_x, 0.5) && G_APPROX_VALUE (y, self->last_y, 0.5))
    return;
  self->last_x = x;
  self->last_y = y;
  set_controls_visible (self, TRUE);
}

static void
on_controls_enter (GtkEventControllerMotion *controller, double x, double y, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  (void) controller; (void) x; (void) y;
  self->pointer_on_controls = TRUE;
}

static void
on_controls_leave (GtkEventControllerMotion *controller, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  (void) controller;
  self->pointer_on_controls = FALSE;
}

/* ---- the torrent's state: seek bar, buffering card, statistics ---- */

static gboolean
have_piece (const guint8 *bits, gsize n_bytes, guint64 piece)
{
  return piece / 8 < n_bytes && (bits[piece / 8] & (0x80 >> (piece % 8))) != 0;
}

static void
update_downloaded (SrPlayerPage *self)
{
  GBytes *have;   /* owned by the torrent */
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (double));
  const guint8 *bits;
  gsize n_bytes = 0;
  guint64 piece_length, first, last, run_start = G_MAXUINT64;
  gint64 duration, position;

  if (self->torrent == NULL || self->file_index == G_MAXUINT || self->file_size == 0)
    return;
  piece_length = sr_torrent_get_piece_length (self->torrent);
  have = sr_torrent_get_have_pieces (self->torrent);
  if (have == NULL || piece_length == 0)
    return;
  bits = g_bytes_get_data (have, &n_bytes);

  first = self->file_offset / piece_length;
  last = (self->file_offset + self->file_size - 1) / piece_length;
  for (guint64 p = first; p <= last + 1; p++)
    {
      gboolean in = p <= last && have_piece (bits, n_bytes, p);

      if (in && run_start == G_MAXUINT64)
        run_start = p;
      else if (!in && run_start != G_MAXUINT64)
        {
          guint64 start = MAX (run_start * piece_length, self->file_offset) - self->file_offset;
          guint64 end = MIN (p * piece_length, self->file_offset + self->file_size) - self->file_offset;
          double pair[2] = { (double) start / self->file_size, (double) end / self->file_size };

          g_array_append_vals (spans, pair, 2);
          run_start = G_MAXUINT64;
        }
    }
  sr_seek_bar_set_downloaded (self->seek_bar, (const double *) spans->data, spans->len / 2);

  /* The buffering point: the end of the downloaded run under the playhead,
   * mapping time to bytes as if the bitrate were constant. */
  duration = self->player != NULL ? sr_player_get_duration (self->player) : -1;
  position = self->player != NULL ? sr_player_get_position (self->player) : 0;
  if (duration > 0)
    {
      guint64 byte = self->file_offset + (guint64) ((double) MAX (position, 0) / duration * self->file_size);
      guint64 p = MIN (byte, self->file_offset + self->file_size - 1) / piece_length;
      guint64 end;

      while (p <= last && have_piece (bits, n_bytes, p))
        p++;
      end = MIN (MAX (p * piece_length, self->file_offset), self->file_offset + self->file_size) - self->file_offset;
      sr_seek_bar_set_buffered (self->seek_bar, MAX ((double) end / self->file_size * duration / GST_SECOND,
                                                     (double) position / GST_SECOND));
    }
}

static char *
format_rate (int bytes_per_s)
{
  g_autofree char *size = g_format_size (MAX (bytes_per_s, 0));

  /* Translators: a transfer rate, e.g. "1.2 MB/s" */
  return g_strdup_printf (_("%s/s"), size);
}

static char *
format_swarm (SrPlayerPage *self)
{
  int peers = sr_torrent_get_peers (self->torrent);
  g_autofree char *rate = format_rate (sr_torrent_get_download_rate (self->torrent));

  /* Translators: "3 peers · 1.2 MB/s" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d peer · %s", "%d peers · %s", peers),
                          peers, rate);
}

static void
update_buffering (SrPlayerPage *self)
{
  int percent;
  gboolean show;

  if (self->player == NULL)
    return;
  percent = sr_player_get_buffering (self->player);
  show = self->want_playing && percent < 100 && self->torrent != NULL &&
         !gtk_widget_get_visible (GTK_WIDGET (self->error_page)) &&
         !gtk_widget_get_visible (self->waiting_box);
  gtk_widget_set_visible (self->buffering_box, show);
  if (show)
    {
      g_autofree char *text = NULL;
      g_autofree char *swarm = format_swarm (self);

      /* Translators: "Buffering… 42 %" */
      text = g_strdup_printf (_("Buffering… %d %%"), percent);
      gtk_label_set_label (self->buffering_label, text);
      gtk_label_set_label (self->buffering_detail_label, swarm);
    }
}

static void
update_stats (SrPlayerPage *self)
{
  GBytes *have;   /* owned by the torrent */
  g_autofree char *peers = NULL;
  g_autofree char *down = NULL;
  g_autofree char *up = NULL;
  g_autofree char *pieces = NULL;
  guint n_have = 0;

  if (self->torrent == NULL)
    return;
  have = sr_torrent_get_have_pieces (self->torrent);
  if (have != NULL)
    {
      gsize n = 0;
      const guint8 *bits = g_bytes_get_data (have, &n);

      for (gsize i = 0; i < n; i++)
        n_have += (guint) __builtin_popcount (bits[i]);
    }
  peers = g_strdup_printf ("%d", sr_torrent_get_peers (self->torrent));
  down = format_rate (sr_torrent_get_download_rate (self->torrent));
  up = format_rate (sr_torrent_get_upload_rate (self->torrent));
  /* Translators: pieces downloaded of all pieces, e.g. "12 of 40" */
  pieces = g_strdup_printf (_("%u of %u"), n_have, sr_torrent_get_n_pieces (self->torrent));
  gtk_label_set_label (self->stats_peers_label, peers);
  gtk_label_set_label (self->stats_down_label, down);
  gtk_label_set_label (self->stats_up_label, up);
  gtk_label_set_label (self->stats_pieces_label, pieces);

  if (gtk_widget_get_visible (self->waiting_box))
    {
      g_autofree char *swarm = format_swarm (self);

      gtk_label_set_label (self->waiting_detail_label, swarm);
    }
}

static gboolean
on_stats_timer (gpointer user_data)
{
  SrPlayerPage *self = user_data;

  update_stats (self);
  update_downloaded (self);
  update_buffering (self);
  if (self->want_playing && g_get_monotonic_time () - self->last_save_us > SAVE_EVERY_MS * 1000)
    save_position (self);
  return G_SOURCE_CONTINUE;
}

/* ---- following the player ---- */

static void
update_inhibit (SrPlayerPage *self)
{
  GtkWindow *window = get_window (self);
  GtkApplication *app = window != NULL ? gtk_window_get_application (window) : NULL;
  gboolean playing = self->want_playing && self->player != NULL &&
                     sr_player_get_state (self->player) != SR_PLAYER_STATE_STOPPED;

  if (playing && self->inhibit_cookie == 0 && app != NULL)
    self->inhibit_cookie = gtk_application_inhibit (app, window, GTK_APPLICATION_INHIBIT_IDLE,
                                                    _("Playing a video"));
  else if (!playing && self->inhibit_cookie != 0)
    {
      if (app != NULL)
        gtk_application_uninhibit (app, self->inhibit_cookie);
      self->inhibit_cookie = 0;
    }
}

static void
update_play_button (SrPlayerPage *self)
{
  const char *label = self->want_playing ? _("Pause") : _("Play");

  gtk_button_set_icon_name (self->play_button, self->want_playing ? "media-playback-pause-symbolic"
                                                                  : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
on_state_changed (SrPlayerPage *self)
{
  SrPlayerState state = sr_player_get_state (self->player);

  if (state != SR_PLAYER_STATE_STOPPED && self->pending_seek_ns >= 0 &&
      sr_player_get_duration (self->player) > 0)
    {
      gint64 target = self->pending_seek_ns;

      self->pending_seek_ns = -1;
      sr_player_seek (self->player, target, TRUE);
    }
  update_inhibit (self);
  update_buffering (self);
  if (state != SR_PLAYER_STATE_PLAYING)
    set_controls_visible (self, TRUE);
  else if (self->hide_timeout == 0 && gtk_revealer_get_reveal_child (self->controls_revealer))
    self->hide_timeout = g_timeout_add (HIDE_CONTROLS_MS, on_hide_timeout, self);
}

static void
on_position_changed (SrPlayerPage *self)
{
  gint64 position = sr_player_get_position (self->player);
  g_autofree char *text = format_time (position);
  g_autofree char *value_text = NULL;
  g_autofree char *total = format_time (sr_player_get_duration (self->player));

  gtk_label_set_label (self->elapsed_label, text);
  g_signal_handler_block (self->seek_adjustment, self->seek_handler);
  gtk_adjustment_set_value (self->seek_adjustment, (double) position / GST_SECOND);
  g_signal_handler_unblock (self->seek_adjustment, self->seek_handler);
  /* Translators: the seek bar's value for screen readers, "1:23 of 4:56" */
  value_text = g_strdup_printf (_("%s of %s"), text, total);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->seek_bar),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, value_text, -1);
}

static void
on_duration_changed (SrPlayerPage *self)
{
  gint64 duration = sr_player_get_duration (self->player);
  g_autofree char *text = format_time (duration);

  gtk_label_set_label (self->duration_label, duration > 0 ? text : "0:00");
  g_signal_handler_block (self->seek_adjustment, self->seek_handler);
  gtk_adjustment_set_upper (self->seek_adjustment, duration > 0 ? (double) duration / GST_SECOND : 1.0);
  g_signal_handler_unblock (self->seek_adjustment, self->seek_handler);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seek_bar), duration > 0);
  on_state_changed (self);
}

static void
on_volume_changed (SrPlayerPage *self)
{
  gboolean mute = sr_player_get_mute (self->player);
  double volume = sr_player_get_volume (self->player);
  const char *icon;
  const char *label = mute ? _("Unmute") : _("Mute");

  g_signal_handler_block (self->volume_adjustment, self->volume_handler);
  gtk_adjustment_set_value (self->volume_adjustment, volume);
  g_signal_handler_unblock (self->volume_adjustment, self->volume_handler);
  if (mute || volume <= 0.0)
    icon = "audio-volume-muted-symbolic";
  else if (volume < 0.34)
    icon = "audio-volume-low-symbolic";
  else if (volume < 0.67)
    icon = "audio-volume-medium-symbolic";
  else
    icon = "audio-volume-high-symbolic";
  gtk_button_set_icon_name (self->mute_button, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mute_button), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mute_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
on_rate_changed (SrPlayerPage *self)
{
  double rate = sr_player_get_rate (self->player);
  g_autofree char *label = g_strdup_printf ("%g×", rate);

  gtk_menu_button_set_label (self->speed_button, label);
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->playback_actions), "speed")),
                             g_variant_new_double (rate));
}

static char *
track_label (SrPlayerPage *self, const char *signal_name, int index)
{
  GstTagList *tags = NULL;
  g_autofree char *language = NULL;
  g_autofree char *title = NULL;

  g_signal_emit_by_name (sr_player_get_pipeline (self->player), signal_name, index, &tags);
  if (tags != NULL)
    {
      gst_tag_list_get_string (tags, GST_TAG_TITLE, &title);
      gst_tag_list_get_string (tags, GST_TAG_LANGUAGE_NAME, &language);
      if (language == NULL)
        gst_tag_list_get_string (tags, GST_TAG_LANGUAGE_CODE, &language);
      gst_tag_list_unref (tags);
    }
  if (title != NULL && language != NULL)
    return g_strdup_printf ("%s — %s", title, language);
  if (title != NULL || language != NULL)
    return g_strdup (title != NULL ? title : language);
  /* Translators: an unnamed audio or subtitle track, "Track 2" */
  return g_strdup_printf (_("Track %d"), index + 1);
}

static void
on_tracks_changed (SrPlayerPage *self)
{
  GstElement *playbin = sr_player_get_pipeline (self->player);
  int n_audio = sr_player_get_n_audio (self->player);
  int n_text = sr_player_get_n_text (self->player);
  int current_audio = 0, current_text = -1;
  guint flags = 0;

  g_object_get (playbin, "current-audio", &current_audio, "current-text", &current_text,
                "flags", &flags, NULL);

  g_menu_remove_all (self->audio_menu);
  for (int i = 0; i < n_audio; i++)
    {
      g_autofree char *label = track_label (self, "get-audio-tags", i);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "playback.audio-track", g_variant_new_int32 (i));
      g_menu_append_item (self->audio_menu, item);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->audio_button), n_audio > 1);

  g_menu_remove_all (self->subtitle_tracks);
  {
    g_autoptr(GMenuItem) off = g_menu_item_new (_("Off"), NULL);

    g_menu_item_set_action_and_target_value (off, "playback.subtitle-track", g_variant_new_int32 (-1));
    g_menu_append_item (self->subtitle_tracks, off);
  }
  for (int i = 0; i < n_text; i++)
    {
      g_autofree char *label = track_label (self, "get-text-tags", i);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "playback.subtitle-track", g_variant_new_int32 (i));
      g_menu_append_item (self->subtitle_tracks, item);
    }

  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->playback_actions), "audio-track")),
                             g_variant_new_int32 (MAX (current_audio, 0)));
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->playback_actions), "subtitle-track")),
                             g_variant_new_int32 ((flags & PLAY_FLAG_TEXT) && n_text > 0 ? MAX (current_text, 0) : -1));
}

static void
on_player_error (SrPlayer *player, const GError *error, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  (void) player;
  self->want_playing = FALSE;
  adw_status_page_set_description (self->error_page, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_page), TRUE);
  update_play_button (self);
  update_buffering (self);
  update_inhibit (self);
  set_controls_visible (self, TRUE);
}

static void
on_player_eos (SrPlayer *player, gpointer user_data)
{
  SrPlayerPage *self = user_data;
  g_autoptr(GError) error = NULL;

  (void) player;
  /* Watched to the end: nothing to resume next time. */
  if (self->store != NULL && self->title_id != NULL &&
      !sr_store_forget_position (self->store, self->title_id, &error))
    g_warning ("Could not forget the playback position: %s", error->message);
  self->ended = TRUE;
  self->want_playing = FALSE;
  sr_player_pause (self->player);
  update_play_button (self);
  update_inhibit (self);
  set_controls_visible (self, TRUE);
}

static void
ensure_player (SrPlayerPage *self, SrTorrentSession *session)
{
  if (self->player != NULL)
    return;

  self->player = sr_player_new (session);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (sr_player_get_paintable (self->player)));
  g_signal_connect_object (self->player, "notify::state", G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::buffering", G_CALLBACK (update_buffering), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::position", G_CALLBACK (on_position_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::duration", G_CALLBACK (on_duration_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::volume", G_CALLBACK (on_volume_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::mute", G_CALLBACK (on_volume_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::rate", G_CALLBACK (on_rate_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::n-audio", G_CALLBACK (on_tracks_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "notify::n-text", G_CALLBACK (on_tracks_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "error", G_CALLBACK (on_player_error), self, 0);
  g_signal_connect_object (self->player, "eos", G_CALLBACK (on_player_eos), self, 0);
}

/* ---- choosing and starting a file ---- */

static void
show_error (SrPlayerPage *self, const char *message)
{
  gtk_widget_set_visible (self->waiting_box, FALSE);
  adw_status_page_set_description (self->error_page, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_page), TRUE);
  set_controls_visible (self, TRUE);
}

static void
start_file (SrPlayerPage *self, guint index)
{
  g_autofree char *uri = NULL;
  g_autofree char *path = NULL;

  self->file_index = index;
  self->file_offset = 0;
  for (guint i = 0; i < index; i++)
    self->file_offset += sr_torrent_get_file_size (self->torrent, i);
  self->file_size = sr_torrent_get_file_size (self->torrent, index);

  if (self->display_title == NULL)
    {
      path = sr_torrent_dup_file_path (self->torrent, index);
      adw_window_title_set_subtitle (self->window_title, path != NULL ? path : "");
    }

  uri = sr_torrent_src_build_uri (sr_torrent_get_info_hash (self->torrent), index);
  g_object_set (sr_player_get_pipeline (self->player), "suburi", NULL, NULL);
  sr_player_set_content_key (self->player, self->content_key);
  sr_player_set_uri (self->player, uri);
  self->want_playing = TRUE;
  self->ended = FALSE;
  sr_player_play (self->player);
  update_play_button (self);
  offer_resume (self);
  on_stats_timer (self);
  set_controls_visible (self, TRUE);
}

static gboolean
is_video_path (const char *path)
{
  static const char *extensions[] = { ".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".ogv",
                                      ".ts", ".m2ts", ".mpg", ".mpeg", ".wmv", ".flv" };
  g_autofree char *lower = g_ascii_strdown (path, -1);

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  return FALSE;
}

static int
compare_by_size_desc (gconstpointer a, gconstpointer b, gpointer user_data)
{
  SrTorrent *torrent = user_data;
  guint64 sa = sr_torrent_get_file_size (torrent, *(const guint *) a);
  guint64 sb = sr_torrent_get_file_size (torrent, *(const guint *) b);

  return sa < sb ? 1 : sa > sb ? -1 : 0;
}

static void
on_choice_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  SrPlayerPage *self = user_data;
  guint64 index;

  if (self->choice_dialog == dialog)
    self->choice_dialog = NULL;
  if (g_str_has_prefix (response, "file-") &&
      g_ascii_string_to_unsigned (response + 5, 10, 0, G_MAXUINT - 1, &index, NULL) &&
      self->torrent != NULL)
    start_file (self, (guint) index);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "player.back", NULL);
}

static void
ask_which_file (SrPlayerPage *self, GArray *candidates)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self), _("Choose a Video"),
                                                       _("This torrent holds several videos. Which one do you want to watch?")));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  for (guint i = 0; i < MIN (candidates->len, MAX_CHOICES); i++)
    {
      guint index = g_array_index (candidates, guint, i);
      g_autofree char *id = g_strdup_printf ("file-%u", index);
      g_autofree char *path = sr_torrent_dup_file_path (self->torrent, index);
      g_autofree char *base = g_path_get_basename (path != NULL ? path : "");

      adw_message_dialog_add_response (dialog, id, base);
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_choice_response), self, 0);
  self->choice_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A published title's renditions are named after their height ("720p.mp4"). */
static guint
rendition_height (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *end = NULL;
  guint64 height = g_ascii_strtoull (base, &end, 10);

  return end != base && end[0] == 'p' && end[1] == '.' && height > 0 && height < 100000 ? (guint) height : 0;
}

/* The screen's height in device pixels: no rendition taller than the
 * screen is worth its bytes. */
static guint
screen_height (SrPlayerPage *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  GdkMonitor *monitor = surface != NULL ? gdk_display_get_monitor_at_surface (gdk_surface_get_display (surface), surface)
                                        : NULL;
  GdkRectangle geometry;

  if (monitor == NULL)
    return 1080;
  gdk_monitor_get_geometry (monitor, &geometry);
  return (guint) (geometry.height * gdk_monitor_get_scale_factor (monitor));
}

/* For a published title, the tallest rendition that fits the screen (or
 * the smallest one when none does), without asking; G_MAXUINT when the
 * files are not named as renditions. */
static guint
pick_rendition (SrPlayerPage *self,
                GArray       *videos)
{
  guint fit = screen_height (self), best = G_MAXUINT, best_height = 0;
  guint smallest = G_MAXUINT, smallest_height = G_MAXUINT;

  for (guint i = 0; i < videos->len; i++)
    {
      guint index = g_array_index (videos, guint, i);
      g_autofree char *path = sr_torrent_dup_file_path (self->torrent, index);
      guint height = rendition_height (path);

      if (height == 0)
        return G_MAXUINT;
      if (height <= fit && height > best_height)
        best = index, best_height = height;
      if (height < smallest_height)
        smallest = index, smallest_height = height;
    }
  return best != G_MAXUINT ? best : smallest;
}

static void
choose_file (SrPlayerPage *self)
{
  g_autoptr(GArray) videos = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = sr_torrent_get_n_files (self->torrent);
  guint64 largest;
  guint comparable = 0, rendition;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = sr_torrent_dup_file_path (self->torrent, i);

      if (path != NULL && is_video_path (path))
        g_array_append_val (videos, i);
    }
  if (videos->len == 0)
    {
      show_error (self, _("This torrent holds no video file that Seedreel knows how to play."));
      return;
    }
  if (self->published && (rendition = pick_rendition (self, videos)) != G_MAXUINT)
    {
      start_file (self, rendition);
      return;
    }
  g_array_sort_with_data (videos, compare_by_size_desc, self->torrent);
  largest = sr_torrent_get_file_size (self->torrent, g_array_index (videos, guint, 0));
  for (guint i = 0; i < videos->len; i++)
    if (sr_torrent_get_file_size (self->torrent, g_array_index (videos, guint, i)) >= largest * COMPARABLE_FRACTION)
      comparable++;
  if (comparable > 1)
    {
      g_array_set_size (videos, comparable);
      ask_which_file (self, videos);
    }
  else
    start_file (self, g_array_index (videos, guint, 0));
}

static void
on_metadata (SrTorrent *torrent, GParamSpec *pspec, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  (void) pspec;
  if (!sr_torrent_get_has_metadata (torrent))
    return;
  g_clear_signal_handler (&self->metadata_handler, torrent);
  gtk_widget_set_visible (self->waiting_box, FALSE);
  if (self->display_title == NULL)
    adw_window_title_set_title (self->window_title, sr_torrent_get_name (torrent));
  if (self->file_index == G_MAXUINT)
    choose_file (self);
  else if (self->file_index < sr_torrent_get_n_files (torrent))
    start_file (self, self->file_index);
  else
    show_error (self, _("This torrent has no such file."));
}

void
sr_player_page_play (SrPlayerPage *self,
                     SrStore      *store,
                     SrTorrent    *torrent,
                     guint         file_index,
                     GBytes       *content_key,
                     const char   *title_id,
                     const char   *display_title)
{
  g_return_if_fail (SR_IS_PLAYER_PAGE (self));
  g_return_if_fail (SR_IS_TORRENT (torrent));

  sr_player_page_stop (self);

  ensure_player (self, sr_torrent_get_session (torrent));
  g_set_object (&self->store, store);
  g_set_object (&self->torrent, torrent);
  g_clear_pointer (&self->content_key, g_bytes_unref);
  self->content_key = content_key != NULL ? g_bytes_ref (content_key) : NULL;
  g_free (self->title_id);
  self->title_id = g_strdup (title_id != NULL ? title_id : sr_torrent_get_info_hash (torrent));
  self->published = title_id != NULL;
  g_free (self->display_title);
  self->display_title = g_strdup (display_title);
  self->file_index = file_index;
  self->pending_seek_ns = -1;
  self->last_save_us = g_get_monotonic_time ();

  adw_window_title_set_title (self->window_title, display_title != NULL ? display_title
                                                                        : sr_torrent_get_name (torrent));
  adw_window_title_set_subtitle (self->window_title, "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_page), FALSE);
  sr_seek_bar_set_downloaded (self->seek_bar, NULL, 0);
  sr_seek_bar_set_buffered (self->seek_bar, -1);
  gtk_spin_button_set_value (self->subtitle_offset, 0.0);
  self->stats_timer = g_timeout_add_seconds (1, on_stats_timer, self);
  gtk_widget_grab_focus (GTK_WIDGET (self->play_button));

  if (sr_torrent_get_has_metadata (torrent))
    on_metadata (torrent, NULL, self);
  else
    {
      gtk_label_set_label (self->waiting_detail_label, "");
      gtk_widget_set_visible (self->waiting_box, TRUE);
      self->metadata_handler = g_signal_connect (torrent, "notify::has-metadata",
                                                 G_CALLBACK (on_metadata), self);
      update_play_button (self);
      set_controls_visible (self, TRUE);
    }
}

void
sr_player_page_stop (SrPlayerPage *self)
{
  g_return_if_fail (SR_IS_PLAYER_PAGE (self));

  save_position (self);
  if (self->torrent != NULL)
    g_clear_signal_handler (&self->metadata_handler, self->torrent);
  if (self->choice_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->choice_dialog)));
  g_clear_handle_id (&self->stats_timer, g_source_remove);
  g_clear_handle_id (&self->hide_timeout, g_source_remove);
  self->want_playing = FALSE;
  if (self->player != NULL)
    sr_player_stop (self->player);
  g_clear_object (&self->torrent);
  self->file_index = G_MAXUINT;
  gtk_widget_set_visible (self->waiting_box, FALSE);
  gtk_widget_set_visible (self->buffering_box, FALSE);
  gtk_revealer_set_reveal_child (self->resume_revealer, FALSE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
  update_inhibit (self);
}

/* ---- actions ---- */

static gboolean
has_media (SrPlayerPage *self)
{
  return self->player != NULL && self->torrent != NULL && self->file_index != G_MAXUINT;
}

static void
toggle_play_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);

  (void) action_name; (void) parameter;
  if (!has_media (self))
    return;
  self->want_playing = !self->want_playing;
  if (self->want_playing)
    {
      if (self->ended)
        seek_to (self, 0);
      gtk_widget_set_visible (GTK_WIDGET (self->error_page), FALSE);
      sr_player_play (self->player);
    }
  else
    {
      sr_player_pause (self->player);
      save_position (self);
    }
  update_play_button (self);
  update_inhibit (self);
  update_buffering (self);
  set_controls_visible (self, TRUE);
}

static void
seek_relative_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);

  (void) action_name;
  if (!has_media (self))
    return;
  gtk_revealer_set_reveal_child (self->resume_revealer, FALSE);
  seek_to (self, sr_player_get_position (self->player) + g_variant_get_int32 (parameter) * GST_SECOND);
  set_controls_visible (self, TRUE);
}

static void
volume_step_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);

  (void) action_name;
  if (self->player == NULL)
    return;
  sr_player_set_mute (self->player, FALSE);
  sr_player_set_volume (self->player, CLAMP (sr_player_get_volume (self->player) + g_variant_get_double (parameter), 0.0, 1.0));
  set_controls_visible (self, TRUE);
}

static void
toggle_mute_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);

  (void) action_name; (void) parameter;
  if (self->player != NULL)
    sr_player_set_mute (self->player, !sr_player_get_mute (self->player));
  set_controls_visible (self, TRUE);
}

static void
update_fullscreen_button (SrPlayerPage *self)
{
  GtkWindow *window = get_window (self);
  gboolean fullscreen = window != NULL && gtk_window_is_fullscreen (window);
  const char *label = fullscreen ? _("Leave Fullscreen") : _("Fullscreen");

  gtk_button_set_icon_name (self->fullscreen_button, fullscreen ? "view-restore-symbolic"
                                                                : "view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fullscreen_button), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fullscreen_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
toggle_fullscreen_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkWindow *window = get_window (SR_PLAYER_PAGE (widget));

  (void) action_name; (void) parameter;
  if (window == NULL)
    return;
  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

static void
back_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);
  GtkWindow *window = get_window (self);

  (void) action_name; (void) parameter;
  if (window != NULL && gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  sr_player_page_stop (self);
  g_signal_emit (self, signals[SIGNAL_CLOSE], 0);
}

/* Escape leaves fullscreen first, then the player. */
static void
escape_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkWindow *window = get_window (SR_PLAYER_PAGE (widget));

  (void) action_name; (void) parameter;
  if (window != NULL && gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_widget_activate_action (widget, "player.back", NULL);
}

static void
resume_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);

  (void) action_name; (void) parameter;
  gtk_revealer_set_reveal_child (self->resume_revealer, FALSE);
  gtk_widget_grab_focus (widget);
  if (has_media (self) && self->resume_ms > 0)
    seek_to (self, self->resume_ms * GST_MSECOND);
}

static void
dismiss_resume_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);

  (void) action_name; (void) parameter;
  gtk_revealer_set_reveal_child (self->resume_revealer, FALSE);
  gtk_widget_grab_focus (widget);
}

static void
on_subtitle_chosen (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  SrPlayerPage *self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  gint64 position;

  if (response == GTK_RESPONSE_ACCEPT && has_media (self))
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      uri = g_file_get_uri (file);
      /* playbin reads suburi only when it starts: restart where we are. */
      position = sr_player_get_position (self->player);
      sr_player_stop (self->player);
      g_object_set (sr_player_get_pipeline (self->player), "suburi", uri, NULL);
      self->pending_seek_ns = position;
      if (self->want_playing)
        sr_player_play (self->player);
      else
        sr_player_pause (self->player);
    }
  g_clear_object (&self->subtitle_chooser);
}

static void
open_subtitles_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  static const char *patterns[] = { "*.srt", "*.vtt", "*.ass", "*.ssa", "*.sub", "*.SRT", "*.VTT" };

  (void) action_name; (void) parameter;
  if (self->subtitle_chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Open Subtitles"), get_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Subtitles"));
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_subtitle_chosen), self);
  self->subtitle_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->subtitle_chooser);
}

static void
on_speed (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  g_simple_action_set_state (action, value);
  if (self->player != NULL)
    sr_player_set_rate (self->player, g_variant_get_double (value));
}

static void
on_audio_track (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  g_simple_action_set_state (action, value);
  if (self->player != NULL)
    g_object_set (sr_player_get_pipeline (self->player), "current-audio", g_variant_get_int32 (value), NULL);
}

static void
on_subtitle_track (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  SrPlayerPage *self = user_data;
  GstElement *playbin;
  int track = g_variant_get_int32 (value);
  guint flags = 0;

  g_simple_action_set_state (action, value);
  if (self->player == NULL)
    return;
  playbin = sr_player_get_pipeline (self->player);
  g_object_get (playbin, "flags", &flags, NULL);
  if (track < 0)
    flags &= ~PLAY_FLAG_TEXT;
  else
    flags |= PLAY_FLAG_TEXT;
  g_object_set (playbin, "flags", flags, NULL);
  if (track >= 0)
    g_object_set (playbin, "current-text", track, NULL);
}

static void
on_subtitle_offset (GtkSpinButton *spin, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  if (self->player != NULL)
    g_object_set (sr_player_get_pipeline (self->player), "text-offset",
                  (gint64) (gtk_spin_button_get_value (spin) * GST_SECOND), NULL);
}

static void
on_seek_value_changed (GtkAdjustment *adjustment, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  if (!has_media (self))
    return;
  gtk_revealer_set_reveal_child (self->resume_revealer, FALSE);
  seek_to (self, (gint64) (gtk_adjustment_get_value (adjustment) * GST_SECOND));
}

static void
on_volume_value_changed (GtkAdjustment *adjustment, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  if (self->player == NULL)
    return;
  sr_player_set_mute (self->player, FALSE);
  sr_player_set_volume (self->player, gtk_adjustment_get_value (adjustment));
}

static void
on_video_pressed (GtkGestureClick *gesture, int n_press, double x, double y, gpointer user_data)
{
  SrPlayerPage *self = user_data;

  (void) gesture; (void) x; (void) y;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2)
    gtk_widget_activate_action (GTK_WIDGET (self), "player.toggle-fullscreen", NULL);
  else
    set_controls_visible (self, TRUE);
}

/* ---- construction ---- */

static void
build_menus (SrPlayerPage *self)
{
  static const GActionEntry entries[] = {
    { .name = "speed", .parameter_type = "d", .state = "1.0", .change_state = on_speed },
    { .name = "audio-track", .parameter_type = "i", .state = "0", .change_state = on_audio_track },
    { .name = "subtitle-track", .parameter_type = "i", .state = "-1", .change_state = on_subtitle_track },
  };
  g_autoptr(GMenu) subtitle_menu = g_menu_new ();
  g_autoptr(GMenu) file_section = g_menu_new ();
  g_autoptr(GMenu) offset_section = g_menu_new ();
  g_autoptr(GMenuItem) offset_item = g_menu_item_new (NULL, NULL);
  GtkWidget *offset_box, *offset_label, *popover;

  self->playback_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->playback_actions), entries,
                                   G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "playback", G_ACTION_GROUP (self->playback_actions));

  self->audio_menu = g_menu_new ();
  gtk_menu_button_set_menu_model (self->audio_button, G_MENU_MODEL (self->audio_menu));

  self->subtitle_tracks = g_menu_new ();
  g_menu_append_section (subtitle_menu, _("Subtitles"), G_MENU_MODEL (self->subtitle_tracks));
  g_menu_append (file_section, _("_Open Subtitle File…"), "player.open-subtitles");
  g_menu_append_section (subtitle_menu, NULL, G_MENU_MODEL (file_section));
  g_menu_item_set_attribute (offset_item, "custom", "s", "offset");
  g_menu_append_item (offset_section, offset_item);
  g_menu_append_section (subtitle_menu, NULL, G_MENU_MODEL (offset_section));
  gtk_menu_button_set_menu_model (self->subtitle_button, G_MENU_MODEL (subtitle_menu));

  {
    g_autoptr(GMenuItem) off = g_menu_item_new (_("Off"), NULL);

    g_menu_item_set_action_and_target_value (off, "playback.subtitle-track", g_variant_new_int32 (-1));
    g_menu_append_item (self->subtitle_tracks, off);
  }

  offset_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (offset_box, 12);
  gtk_widget_set_margin_end (offset_box, 12);
  offset_label = gtk_label_new (_("Delay (s)"));
  gtk_widget_set_hexpand (offset_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (offset_label), 0);
  self->subtitle_offset = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (-60.0, 60.0, 0.1));
  gtk_spin_button_set_value (self->subtitle_offset, 0.0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->subtitle_offset),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Subtitle delay in seconds"), -1);
  g_signal_connect (self->subtitle_offset, "value-changed", G_CALLBACK (on_subtitle_offset), self);
  gtk_box_append (GTK_BOX (offset_box), offset_label);
  gtk_box_append (GTK_BOX (offset_box), GTK_WIDGET (self->subtitle_offset));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (self->subtitle_button));
  gtk_popover_menu_add_child (GTK_POPOVER_MENU (popover), offset_box, "offset");
}

static void
sr_player_page_root (GtkWidget *widget)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);

  GTK_WIDGET_CLASS (sr_player_page_parent_class)->root (widget);
  if (get_window (self) != NULL)
    g_signal_connect_object (get_window (self), "notify::fullscreened",
                             G_CALLBACK (update_fullscreen_button), self, G_CONNECT_SWAPPED);
}

static void
sr_player_page_unroot (GtkWidget *widget)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (widget);

  if (get_window (self) != NULL)
    g_signal_handlers_disconnect_by_func (get_window (self), update_fullscreen_button, self);
  GTK_WIDGET_CLASS (sr_player_page_parent_class)->unroot (widget);
}

static void
sr_player_page_dispose (GObject *object)
{
  SrPlayerPage *self = SR_PLAYER_PAGE (object);

  if (self->player != NULL)
    sr_player_page_stop (self);
  if (self->subtitle_chooser != NULL)
    gtk_native_dialog_destroy (self->subtitle_chooser);
  g_clear_object (&self->subtitle_chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), SR_TYPE_PLAYER_PAGE);
  g_clear_object (&self->playback_actions);
  g_clear_object (&self->audio_menu);
  g_clear_object (&self->subtitle_tracks);
  g_clear_object (&self->player);
  g_clear_object (&self->torrent);
  g_clear_object (&self->store);
  g_clear_pointer (&self->content_key, g_bytes_unref);
  g_clear_pointer (&self->title_id, g_free);
  g_clear_pointer (&self->display_title, g_free);

  G_OBJECT_CLASS (sr_player_page_parent_class)->dispose (object);
}

static void
sr_player_page_class_init (SrPlayerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_player_page_dispose;
  widget_class->root = sr_player_page_root;
  widget_class->unroot = sr_player_page_unroot;

  /* Emitted when the viewer leaves the player. */
  signals[SIGNAL_CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (SR_TYPE_SEEK_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-player-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, picture);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, waiting_box);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, waiting_detail_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, buffering_box);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, buffering_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, buffering_detail_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, top_revealer);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, resume_revealer);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, controls_revealer);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, stats_button);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, stats_peers_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, stats_down_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, stats_up_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, stats_pieces_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, resume_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, controls_box);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, play_button);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, elapsed_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, seek_bar);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, seek_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, duration_label);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, mute_button);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, volume_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, speed_button);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, audio_button);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, subtitle_button);
  gtk_widget_class_bind_template_child (widget_class, SrPlayerPage, fullscreen_button);

  gtk_widget_class_install_action (widget_class, "player.toggle-play", NULL, toggle_play_action);
  gtk_widget_class_install_action (widget_class, "player.seek-relative", "i", seek_relative_action);
  gtk_widget_class_install_action (widget_class, "player.volume-step", "d", volume_step_action);
  gtk_widget_class_install_action (widget_class, "player.toggle-mute", NULL, toggle_mute_action);
  gtk_widget_class_install_action (widget_class, "player.toggle-fullscreen", NULL, toggle_fullscreen_action);
  gtk_widget_class_install_action (widget_class, "player.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "player.escape", NULL, escape_action);
  gtk_widget_class_install_action (widget_class, "player.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "player.dismiss-resume", NULL, dismiss_resume_action);
  gtk_widget_class_install_action (widget_class, "player.open-subtitles", NULL, open_subtitles_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "player.toggle-play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "player.toggle-play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "player.seek-relative", "i", -SEEK_STEP_S);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "player.seek-relative", "i", SEEK_STEP_S);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "player.volume-step", "d", VOLUME_STEP);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "player.volume-step", "d", -VOLUME_STEP);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "player.toggle-fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "player.toggle-fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, 0, "player.toggle-mute", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "player.escape", NULL);
}

static void
sr_player_page_init (SrPlayerPage *self)
{
  static gsize css_once = 0;
  GtkEventController *motion;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->file_index = G_MAXUINT;
  self->pending_seek_ns = -1;
  self->resume_ms = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  if (g_once_init_enter (&css_once))
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (css,
        ".sr-player { background-color: black; color: white; }\n"
        ".sr-player-controls { border-radius: 12px; padding: 6px; }\n"
        ".sr-player-card { border-radius: 12px; padding: 24px; }\n", -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&css_once, 1);
    }

  build_menus (self);

  self->seek_handler = g_signal_connect (self->seek_adjustment, "value-changed",
                                         G_CALLBACK (on_seek_value_changed), self);
  self->volume_handler = g_signal_connect (self->volume_adjustment, "value-changed",
                                           G_CALLBACK (on_volume_value_changed), self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seek_bar), FALSE);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_controls_enter), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_controls_leave), self);
  gtk_widget_add_controller (self->controls_box, motion);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_video_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->picture), GTK_EVENT_CONTROLLER (click));

  update_play_button (self);
}

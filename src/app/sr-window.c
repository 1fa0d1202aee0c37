/* sr-window.c — the main window. Remembers its size and page, shows the
 * player over the pages, and opens magnets, .torrent files and seedreel://
 * links handed to the app or typed into the Open dialog. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sr-browse-page.h"
#include "sr-create-page.h"
#include "sr-library-page.h"
#include "sr-player-page.h"
#include "sr-wallet-page.h"
#include "sr-window.h"
#include "torrent/sr-torrent-info.h"

struct _SrWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template Widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwViewStack         *stack;
  SrPlayerPage         *player_page;

  /* Owned References */
  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (SrWindow, sr_window, ADW_TYPE_APPLICATION_WINDOW)


void
sr_window_show_toast (SrWindow   *self,
                      const char *message)
{
  g_return_if_fail (SR_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
sr_window_play (SrWindow   *self,
                SrTorrent  *torrent,
                guint       file_index,
                GBytes     *content_key,
                const char *title_id,
                const char *display_title)
{
  SrApplication *app;

  g_return_if_fail (SR_IS_WINDOW (self));
  g_return_if_fail (SR_IS_TORRENT (torrent));

  app = SR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gtk_stack_set_visible_child_name (self->main_stack, "player");
  sr_player_page_play (self->player_page, app != NULL ? sr_application_get_store (app) : NULL,
                       torrent, file_index, content_key, title_id, display_title);
}

static void
on_player_close (SrWindow *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  gtk_stack_set_visible_child_name (self->main_stack, "pages");
  /* What arrived while watching is receipted now, not at the next interval. */
  if (SR_IS_APPLICATION (app))
    sr_application_flush_receipts (SR_APPLICATION (app));
}

static void
show_open_error (SrWindow     *self,
                 const GError *error)
{
  g_autofree char *message = g_strdup_printf (_("Could not open this link: %s"), error->message);

  sr_window_show_toast (self, message);
}

/* The session's torrent for @info_hash, or NULL. A new reference. */
static SrTorrent *
find_torrent (SrTorrentSession *session,
              const char       *info_hash)
{
  SrTorrent *torrent = info_hash != NULL ? sr_torrent_session_find (session, info_hash) : NULL;

  return torrent != NULL ? g_object_ref (torrent) : NULL;
}

/* Adds a torrent, or finds it when the session already has it. */
static SrTorrent *
add_or_find (SrTorrentSession     *session,
             SrTorrentAddOptions  *options,
             const char           *info_hash,
             GError              **error)
{
  g_autoptr(GError) local = NULL;
  SrTorrent *torrent;

  torrent = find_torrent (session, info_hash);
  if (torrent != NULL)
    return torrent;
  torrent = sr_torrent_session_add (session, options, &local);
  if (torrent != NULL)
    return torrent;
  if (g_error_matches (local, SR_TORRENT_ERROR, SR_TORRENT_ERROR_DUPLICATE) &&
      (torrent = find_torrent (session, info_hash)) != NULL)
    return torrent;
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

static SrTorrent *
add_magnet (SrTorrentSession  *session,
            const char        *uri,
            GError           **error)
{
  g_autoptr(SrTorrentInfo) info = NULL;
  SrTorrentAddOptions options = { 0 };

  /* The torrent layer's checks, before anything reaches the session. */
  info = sr_torrent_info_new_from_magnet (uri, error);
  if (info == NULL)
    return NULL;
  options.magnet = uri;
  return add_or_find (session, &options, info->info_hash, error);
}

static SrTorrent *
add_torrent_file (SrTorrentSession  *session,
                  GFile             *file,
                  GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SrTorrentInfo) info = NULL;
  g_autoptr(GError) local = NULL;
  SrTorrentAddOptions options = { 0 };

  bytes = g_file_load_bytes (file, NULL, NULL, &local);
  if (bytes == NULL)
    {
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_IO,
                   _("Could not read the torrent file: %s"), local->message);
      return NULL;
    }
  info = sr_torrent_info_new_from_bytes (bytes, error);
  if (info == NULL)
    return NULL;
  options.torrent = bytes;
  return add_or_find (session, &options, info->info_hash, error);
}

/* seedreel://<info-hash>[/<file-index>] */
static SrTorrent *
add_seedreel_link (SrTorrentSession  *session,
                   const char        *uri,
                   guint             *file_index,
                   GError           **error)
{
  const char *rest = uri + strlen ("seedreel://");
  g_auto(GStrv) parts = g_strsplit (rest, "/", 3);
  SrTorrentAddOptions options = { 0 };
  guint64 index = G_MAXUINT;

  *file_index = G_MAXUINT;
  if (parts[0] == NULL || parts[0][0] == '\0')
    {
      g_set_error_literal (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID,
                           _("The link names no torrent"));
      return NULL;
    }
  if (parts[1] != NULL && parts[1][0] != '\0' &&
      !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT - 1, &index, NULL))
    {
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID,
                   _("“%s” is not a file number"), parts[1]);
      return NULL;
    }
  *file_index = (guint) index;
  options.info_hash = parts[0];
  return add_or_find (session, &options, parts[0], error);
}

void
sr_window_open_uri (SrWindow   *self,
                    const char *uri)
{
  g_autofree char *scheme = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTorrent) torrent = NULL;
  SrTorrentSession *session;
  SrApplication *app;
  guint file_index = G_MAXUINT;

  g_return_if_fail (SR_IS_WINDOW (self));
  g_return_if_fail (uri != NULL);

  scheme = g_uri_parse_scheme (uri);
  if (g_strcmp0 (scheme, "seedreel") != 0 && g_strcmp0 (scheme, "magnet") != 0 &&
      !g_str_has_suffix (uri, ".torrent"))
    {
      sr_window_show_toast (self, _("Seedreel cannot open this kind of link"));
      return;
    }
  if (scheme != NULL && g_strcmp0 (scheme, "file") != 0 && g_strcmp0 (scheme, "seedreel") != 0 &&
      g_strcmp0 (scheme, "magnet") != 0)
    {
      sr_window_show_toast (self, _("Download the .torrent file first, then open it from your computer"));
      return;
    }

  app = SR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  session = sr_application_get_torrent_session (app, &error);
  if (session == NULL)
    {
      show_open_error (self, error);
      return;
    }

  if (g_strcmp0 (scheme, "magnet") == 0)
    torrent = add_magnet (session, uri, &error);
  else if (g_strcmp0 (scheme, "seedreel") == 0)
    torrent = add_seedreel_link (session, uri, &file_index, &error);
  else
    {
      g_autoptr(GFile) file = scheme != NULL ? g_file_new_for_uri (uri) : g_file_new_for_path (uri);

      torrent = add_torrent_file (session, file, &error);
    }

  if (torrent == NULL)
    {
      show_open_error (self, error);
      return;
    }
  sr_window_play (self, torrent, file_index, NULL, NULL, NULL);
}

/* ---- the Open dialog ---- */

static void
on_open_response (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  SrWindow *self = user_data;
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "open") != 0)
    return;
  text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  if (text[0] != '\0')
    sr_window_open_uri (self, text);
}

static void
on_open_entry_changed (GtkEditable      *entry,
                       AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "open", text[0] != '\0');
}

static void
on_open_entry_activate (GtkEntry         *entry,
                        AdwMessageDialog *dialog)
{
  (void) entry;
  /* Unlike its buttons, a response emitted here leaves the dialog open. */
  if (adw_message_dialog_get_response_enabled (dialog, "open"))
    {
      adw_message_dialog_response (dialog, "open");
      gtk_window_close (GTK_WINDOW (dialog));
    }
}

static void
on_torrent_file_chosen (GtkNativeDialog *chooser,
                        int              response,
                        gpointer         user_data)
{
  AdwMessageDialog *dialog = user_data;
  SrWindow *self = SR_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *uri = g_file_get_uri (file);

      gtk_window_close (GTK_WINDOW (dialog));
      sr_window_open_uri (self, uri);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (dialog);
}

static void
on_choose_torrent_file (GtkButton        *button,
                        AdwMessageDialog *dialog)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  (void) button;
  chooser = gtk_file_chooser_native_new (_("Open Torrent File"), GTK_WINDOW (dialog),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Torrent files"));
  gtk_file_filter_add_pattern (filter, "*.torrent");
  gtk_file_filter_add_mime_type (filter, "application/x-bittorrent");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_torrent_file_chosen), g_object_ref (dialog));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
sr_window_open_torrent_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  AdwMessageDialog *dialog;
  GtkWidget *box, *entry, *button;

  (void) action_name; (void) parameter;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Open Magnet or Torrent"),
                                                       _("Paste a magnet link, or choose a .torrent file. "
                                                         "Playback starts while it downloads.")));
  /* Named like its heading for window lists. */
  gtk_window_set_title (GTK_WINDOW (dialog), _("Open Magnet or Torrent"));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "magnet:?xt=urn:btih:…");
  gtk_entry_set_input_hints (GTK_ENTRY (entry), GTK_INPUT_HINT_NO_SPELLCHECK);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Magnet link"), -1);
  button = gtk_button_new_with_mnemonic (_("_Choose a .torrent File…"));
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), button);
  adw_message_dialog_set_extra_child (dialog, box);

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "open", _("_Open"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "open", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "open", FALSE);
  adw_message_dialog_set_default_response (dialog, "open");
  adw_message_dialog_set_close_response (dialog, "cancel");

  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect (entry, "changed", G_CALLBACK (on_open_entry_changed), dialog);
  g_signal_connect (entry, "activate", G_CALLBACK (on_open_entry_activate), dialog);
  g_signal_connect (button, "clicked", G_CALLBACK (on_choose_torrent_file), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_open_response), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* Size, maximized state and page follow the settings both ways. */
static void
sr_window_bind_settings (SrWindow  *self,
                         GSettings *settings)
{
  g_autofree char *page = NULL;

  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  page = g_settings_get_string (settings, "last-page");
  adw_view_stack_set_visible_child_name (self->stack, page);
  g_settings_bind (settings, "last-page", self->stack, "visible-child-name", G_SETTINGS_BIND_SET);
}

SrWindow *
sr_window_new (SrApplication *application)
{
  SrWindow *self = g_object_new (SR_TYPE_WINDOW,
                                 "application", application,
                                 NULL);

  sr_window_bind_settings (self, sr_application_get_settings (application));
  return self;
}

static void
sr_window_dispose (GObject *object)
{
  SrWindow *self = SR_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SR_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_window_parent_class)->dispose (object);
}

static void
sr_window_show_page_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (parameter, NULL));
}

static void
sr_window_class_init (SrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *pages[] = { "browse", "library", "wallet", "create" };

  object_class->dispose = sr_window_dispose;

  g_type_ensure (SR_TYPE_BROWSE_PAGE);
  g_type_ensure (SR_TYPE_LIBRARY_PAGE);
  g_type_ensure (SR_TYPE_WALLET_PAGE);
  g_type_ensure (SR_TYPE_CREATE_PAGE);
  g_type_ensure (SR_TYPE_PLAYER_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, player_page);
  gtk_widget_class_bind_template_callback (widget_class, on_player_close);

  gtk_widget_class_install_action (widget_class, "win.open-torrent", NULL, sr_window_open_torrent_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-torrent", NULL);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", sr_window_show_page_action);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page", "s", pages[i]);
}

static void
sr_window_init (SrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

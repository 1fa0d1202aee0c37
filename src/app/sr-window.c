/* sr-window.c — the main window. Remembers its size and page, and shows
 * what happens to links handed to the app in toasts. */
#include "config.h"

#include <glib/gi18n.h>

#include "sr-browse-page.h"
#include "sr-create-page.h"
#include "sr-library-page.h"
#include "sr-wallet-page.h"
#include "sr-window.h"

struct _SrWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template Widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;

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
sr_window_open_uri (SrWindow   *self,
                    const char *uri)
{
  g_autofree char *scheme = NULL;

  g_return_if_fail (SR_IS_WINDOW (self));
  g_return_if_fail (uri != NULL);

  scheme = g_uri_parse_scheme (uri);

  if (g_strcmp0 (scheme, "seedreel") == 0 || g_strcmp0 (scheme, "magnet") == 0 ||
      g_str_has_suffix (uri, ".torrent"))
    /* Playing links arrives with the torrent engine. */
    sr_window_show_toast (self, _("Opening Seedreel links, magnets and torrents is not supported yet"));
  else
    sr_window_show_toast (self, _("Seedreel cannot open this kind of link"));
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

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, stack);

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

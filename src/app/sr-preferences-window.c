/* sr-preferences-window.c — preferences. The Network page edits the network
 * profile: each field is checked as it is typed and saved only when valid,
 * so a typo never leaves Seedreel pointed at nothing. */
#include "config.h"

#include <glib/gi18n.h>

#include "chain/sr-network-profile.h"
#include "sr-preferences-window.h"

struct _SrPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template Widgets */
  AdwEntryRow          *name_row;
  AdwEntryRow          *rpc_url_row;
  AdwEntryRow          *chain_id_row;
  AdwEntryRow          *registry_row;
  AdwEntryRow          *token_row;

  /* Owned References */
  GSettings            *network_settings;
};

G_DEFINE_FINAL_TYPE (SrPreferencesWindow, sr_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_NETWORK_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The settings key each row edits. */
static const char *
row_key (SrPreferencesWindow *self,
         AdwEntryRow         *row)
{
  if (row == self->name_row) return "profile-name";
  if (row == self->rpc_url_row) return "rpc-url";
  if (row == self->chain_id_row) return "chain-id";
  if (row == self->registry_row) return "registry-address";
  if (row == self->token_row) return "token-address";
  g_return_val_if_reached (NULL);
}

static gboolean
check_row (SrPreferencesWindow  *self,
           AdwEntryRow          *row,
           guint64              *chain_id,
           GError              **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (row == self->name_row)
    return sr_network_profile_check_name (text, error);
  if (row == self->rpc_url_row)
    return sr_network_profile_check_rpc_url (text, error);
  if (row == self->chain_id_row)
    return sr_network_profile_parse_chain_id (text, chain_id, error);
  return sr_network_profile_check_address (text, TRUE, error);
}

/* Shown in red, and told to assistive technologies too. */
static void
mark_row (AdwEntryRow  *row,
          const GError *error)
{
  if (error == NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), error->message);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
}

static void
load_row (SrPreferencesWindow *self,
          AdwEntryRow         *row)
{
  const char *key = row_key (self, row);
  g_autofree char *text = NULL;

  if (row == self->chain_id_row)
    text = g_strdup_printf ("%" G_GUINT64_FORMAT, g_settings_get_uint64 (self->network_settings, key));
  else
    text = g_settings_get_string (self->network_settings, key);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
  mark_row (row, NULL);
}

static void
on_row_changed (GtkEditable         *editable,
                SrPreferencesWindow *self)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (editable);
  g_autoptr(GError) error = NULL;

  check_row (self, row, NULL, &error);
  mark_row (row, error);
}

static void
on_row_apply (AdwEntryRow         *row,
              SrPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *key = row_key (self, row);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  guint64 chain_id = 0;

  if (!check_row (self, row, &chain_id, &error))
    {
      mark_row (row, error);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }

  if (row == self->chain_id_row)
    g_settings_set_uint64 (self->network_settings, key, chain_id);
  else
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));
      g_settings_set_string (self->network_settings, key, stripped);
    }
}

static void
sr_preferences_window_constructed (GObject *object)
{
  SrPreferencesWindow *self = SR_PREFERENCES_WINDOW (object);
  AdwEntryRow *rows[] = { self->name_row, self->rpc_url_row, self->chain_id_row,
                          self->registry_row, self->token_row };

  G_OBJECT_CLASS (sr_preferences_window_parent_class)->constructed (object);

  g_return_if_fail (G_IS_SETTINGS (self->network_settings));

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      load_row (self, rows[i]);
      g_signal_connect (rows[i], "changed", G_CALLBACK (on_row_changed), self);
      g_signal_connect (rows[i], "apply", G_CALLBACK (on_row_apply), self);
      g_signal_connect (rows[i], "entry-activated", G_CALLBACK (on_row_apply), self);
    }
}

static void
sr_preferences_window_dispose (GObject *object)
{
  SrPreferencesWindow *self = SR_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SR_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->network_settings);

  G_OBJECT_CLASS (sr_preferences_window_parent_class)->dispose (object);
}

static void
sr_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  SrPreferencesWindow *self = SR_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_NETWORK_SETTINGS:
      self->network_settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_preferences_window_class_init (SrPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sr_preferences_window_constructed;
  object_class->dispose = sr_preferences_window_dispose;
  object_class->set_property = sr_preferences_window_set_property;

  properties[PROP_NETWORK_SETTINGS] =
    g_param_spec_object ("network-settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, rpc_url_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, chain_id_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, registry_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, token_row);
}

static void
sr_preferences_window_init (SrPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SrPreferencesWindow *
sr_preferences_window_new (GSettings *network_settings)
{
  return g_object_new (SR_TYPE_PREFERENCES_WINDOW,
                       "network-settings", network_settings,
                       NULL);
}

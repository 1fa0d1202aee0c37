/* sr-preferences-window.c — preferences. The Network page edits the network
 * profile: each field is checked as it is typed and saved only when valid,
 * so a typo never leaves Seedreel pointed at nothing. The Workers page lists
 * transcoding workers (addresses in GSettings, tokens in the keyring) with a
 * connection test, and switches the built-in worker on and off. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chain/sr-network-profile.h"
#include "sr-preferences-window.h"
#include "sr-worker-host.h"
#include "sr-worker-tokens.h"
#include "transcode/sr-worker-client.h"

struct _SrPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template Widgets */
  AdwEntryRow          *name_row;
  AdwEntryRow          *rpc_url_row;
  AdwEntryRow          *chain_id_row;
  AdwEntryRow          *registry_row;
  AdwEntryRow          *token_row;
  GtkListBox           *workers_list;
  AdwEntryRow          *new_url_row;
  AdwEntryRow          *new_token_row;
  GtkButton            *add_button;
  GtkSwitch            *contribute_switch;
  GtkSpinButton        *port_spin;
  GtkSpinButton        *jobs_spin;
  GtkAdjustment        *jobs_adjustment;
  GtkSpinButton        *quota_spin;
  AdwActionRow         *share_url_row;
  AdwActionRow         *share_token_row;
  GtkButton            *copy_token_button;

  /* Owned References */
  GSettings            *network_settings;
  GSettings            *transcode_settings;
  GCancellable         *cancellable;
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


/* ---- Workers ---- */

static void rebuild_workers (SrPreferencesWindow *self);

static gboolean
check_worker_url (const char  *text,
                  GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A worker address looks like http://192.168.1.20:8734"));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  SrPreferencesWindow *self;   /* weak: the window may close first */
  AdwActionRow        *row;
  GtkButton           *button;
} TestData;

static void
test_data_free (TestData *data)
{
  g_clear_weak_pointer (&data->self);
  g_clear_weak_pointer (&data->row);
  g_clear_weak_pointer (&data->button);
  g_free (data);
}

static gchar *
describe_info (JsonObject *info)
{
  JsonArray *encoders = json_object_get_array_member (info, "encoders");
  JsonObject *limits = json_object_get_object_member (info, "limits");
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree gchar *max = g_format_size ((guint64) MAX (json_object_get_int_member (limits, "max_source_size"), 0));
  g_autofree gchar *quota = g_format_size ((guint64) MAX (json_object_get_int_member (limits, "disk_quota"), 0));

  for (guint i = 0; i < json_array_get_length (encoders); i++)
    {
      JsonNode *n = json_array_get_element (encoders, i);

      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", json_node_get_string (n));
    }
  /* Translators: encoders, largest source accepted, disk quota. */
  return g_strdup_printf (_("Connected · %s · sources up to %s · %s of disk"), names->str, max, quota);
}

static void
show_test_result (TestData   *data,
                  const char *text,
                  gboolean    is_error)
{
  if (data->button != NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (data->button), TRUE);
  if (data->row == NULL)
    return;
  adw_action_row_set_subtitle (data->row, text);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (data->row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (data->row), "error");
}

static void
access_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TestData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (sr_worker_client_check_access_finish (SR_WORKER_CLIENT (source), result, &error))
    show_test_result (data, g_object_get_data (G_OBJECT (source), "sr-info-text"), FALSE);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_test_result (data, error->message, TRUE);
  test_data_free (data);
}

static void
info_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TestData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = sr_worker_client_get_info_finish (SR_WORKER_CLIENT (source), result, &error);

  if (info != NULL && data->self != NULL)
    {
      /* The worker answers; now whether it takes the token. */
      g_object_set_data_full (source, "sr-info-text", describe_info (info), g_free);
      sr_worker_client_check_access_async (SR_WORKER_CLIENT (source), data->self->cancellable, access_done, data);
      return;
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_test_result (data, error->message, TRUE);
  test_data_free (data);
}

static void
token_for_test (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TestData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *token = sr_worker_tokens_lookup_finish (result, &error);
  g_autoptr(SrWorkerClient) client = NULL;

  (void) source;
  if (data->self == NULL || data->row == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      test_data_free (data);
      return;
    }
  if (error != NULL)
    {
      g_autofree gchar *text = g_strdup_printf (_("The worker’s access token could not be read from the keyring: %s"),
                                                error->message);
      show_test_result (data, text, TRUE);
      test_data_free (data);
      return;
    }
  client = sr_worker_client_new (g_object_get_data (G_OBJECT (data->row), "sr-worker-url"), token);
  sr_worker_client_get_info_async (client, data->self->cancellable, info_done, data);
}

static void
test_worker (SrPreferencesWindow *self,
             AdwActionRow        *row,
             GtkButton           *button)
{
  const char *url = g_object_get_data (G_OBJECT (row), "sr-worker-url");
  TestData *data = g_new0 (TestData, 1);

  g_set_weak_pointer (&data->self, self);
  g_set_weak_pointer (&data->row, row);
  g_set_weak_pointer (&data->button, button);
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  adw_action_row_set_subtitle (row, _("Connecting…"));
  sr_worker_tokens_lookup_async (url, self->cancellable, token_for_test, data);
}

static void
on_test_clicked (GtkButton           *button,
                 SrPreferencesWindow *self)
{
  AdwActionRow *row = ADW_ACTION_ROW (gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW));

  test_worker (self, row, button);
}

static void
token_cleared (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  (void) source;
  (void) user_data;
  if (!sr_worker_tokens_clear_finish (result, &error))
    g_warning ("Could not remove a worker token from the keyring: %s", error->message);
}

static void
on_remove_clicked (GtkButton           *button,
                   SrPreferencesWindow *self)
{
  AdwActionRow *row = ADW_ACTION_ROW (gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW));
  g_autofree gchar *url = g_strdup (g_object_get_data (G_OBJECT (row), "sr-worker-url"));
  g_auto(GStrv) workers = g_settings_get_strv (self->transcode_settings, "workers");
  g_autoptr(GStrvBuilder) keep = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  for (guint i = 0; workers[i] != NULL; i++)
    if (g_strcmp0 (workers[i], url) != 0)
      g_strv_builder_add (keep, workers[i]);
  kept = g_strv_builder_end (keep);
  g_settings_set_strv (self->transcode_settings, "workers", (const char *const *) kept);
  sr_worker_tokens_clear_async (url, NULL, token_cleared, NULL);
}

static GtkWidget *
new_worker_row (SrPreferencesWindow *self,
                const char          *url)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *test = gtk_button_new_with_mnemonic (_("_Test Connection"));
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree gchar *remove_label = g_strdup_printf (_("Remove %s"), url);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), url);
  adw_action_row_set_subtitle (row, _("Not tested yet"));
  g_object_set_data_full (G_OBJECT (row), "sr-worker-url", g_strdup (url), g_free);
  g_object_set_data (G_OBJECT (row), "sr-test-button", test);
  gtk_widget_set_valign (test, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_signal_connect (test, "clicked", G_CALLBACK (on_test_clicked), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
  adw_action_row_add_suffix (row, test);
  adw_action_row_add_suffix (row, remove);
  return GTK_WIDGET (row);
}

static void
rebuild_workers (SrPreferencesWindow *self)
{
  g_auto(GStrv) workers = g_settings_get_strv (self->transcode_settings, "workers");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->workers_list))) != NULL)
    gtk_list_box_remove (self->workers_list, child);
  for (guint i = 0; workers[i] != NULL; i++)
    gtk_list_box_append (self->workers_list, new_worker_row (self, workers[i]));
  if (workers[0] == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No workers yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Add the address and access token a worker’s operator gave you."));
      gtk_list_box_append (self->workers_list, row);
    }
}

static void
on_workers_changed (GSettings           *settings,
                    const char          *key,
                    SrPreferencesWindow *self)
{
  (void) settings;
  (void) key;
  rebuild_workers (self);
}

typedef struct
{
  SrPreferencesWindow *self;
  gchar               *url;
} AddData;

static void
token_stored (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AddData *data = user_data;
  SrPreferencesWindow *self = data->self;
  g_autoptr(GError) error = NULL;

  (void) source;
  if (self != NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), TRUE);
  if (!sr_worker_tokens_store_finish (result, &error))
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree gchar *text = g_strdup_printf (_("The access token could not be kept in the keyring: %s"),
                                                    error->message);
          adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
        }
    }
  else if (self != NULL)
    {
      g_auto(GStrv) workers = g_settings_get_strv (self->transcode_settings, "workers");

      if (!g_strv_contains ((const char *const *) workers, data->url))
        {
          g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
          g_auto(GStrv) now = NULL;

          g_strv_builder_addv (b, (const char **) workers);
          g_strv_builder_add (b, data->url);
          now = g_strv_builder_end (b);
          g_settings_set_strv (self->transcode_settings, "workers", (const char *const *) now);
        }
      g_autofree gchar *chosen = g_settings_get_string (self->transcode_settings, "default-worker");

      if (*chosen == '\0')
        g_settings_set_string (self->transcode_settings, "default-worker", data->url);
      gtk_editable_set_text (GTK_EDITABLE (self->new_url_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->new_token_row), "");
      /* Test the new worker straight away, so a typo shows at once. */
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->workers_list)); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "sr-worker-url"), data->url) == 0)
          test_worker (self, ADW_ACTION_ROW (child), g_object_get_data (G_OBJECT (child), "sr-test-button"));
    }
  g_clear_weak_pointer (&data->self);
  g_free (data->url);
  g_free (data);
}

static void
on_add_clicked (SrPreferencesWindow *self)
{
  g_autofree gchar *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_url_row))));
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->new_token_row));
  g_autoptr(GError) error = NULL;
  AddData *data;
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
  if (!check_worker_url (url, &error))
    {
      mark_row (self->new_url_row, error);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }
  mark_row (self->new_url_row, NULL);
  if (*token == '\0')
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Enter the access token the worker’s operator gave you.")));
      return;
    }
  data = g_new0 (AddData, 1);
  g_set_weak_pointer (&data->self, self);
  data->url = g_strdup (url);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), FALSE);
  sr_worker_tokens_store_async (url, token, self->cancellable, token_stored, data);
}

static void
on_new_url_changed (GtkEditable         *editable,
                    SrPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (editable);
  g_autoptr(GError) error = NULL;

  (void) self;
  if (*text != '\0')
    check_worker_url (text, &error);
  mark_row (ADW_ENTRY_ROW (editable), error);
}

/* ---- Contribute computing power ---- */

static void
update_share_rows (SrPreferencesWindow *self)
{
  SrWorkerHost *host = sr_worker_host_get_default ();
  const char *problem = sr_worker_host_get_problem (host);

  if (sr_worker_host_get_running (host))
    adw_action_row_set_subtitle (self->share_url_row, sr_worker_host_get_url (host));
  else if (problem != NULL)
    adw_action_row_set_subtitle (self->share_url_row, problem);
  else
    adw_action_row_set_subtitle (self->share_url_row, _("Not running"));
  adw_action_row_set_subtitle (self->share_token_row,
                               sr_worker_host_get_token (host) != NULL ? sr_worker_host_get_token (host) : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_token_button), sr_worker_host_get_token (host) != NULL);
}

static void
on_host_notify (SrWorkerHost        *host,
                GParamSpec          *pspec,
                SrPreferencesWindow *self)
{
  (void) host;
  (void) pspec;
  update_share_rows (self);
}

static void
on_copy_token_clicked (SrPreferencesWindow *self)
{
  const char *token = sr_worker_host_get_token (sr_worker_host_get_default ());

  if (token == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), token);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Access token copied")));
}

static void
setup_workers_page (SrPreferencesWindow *self)
{
  SrWorkerHost *host = sr_worker_host_get_default ();

  self->transcode_settings = g_settings_new (APP_ID ".Transcode");
  self->cancellable = g_cancellable_new ();
  sr_worker_host_follow_settings (host, self->transcode_settings);
  g_signal_connect_object (self->transcode_settings, "changed::workers", G_CALLBACK (on_workers_changed), self, 0);
  g_signal_connect (self->new_url_row, "changed", G_CALLBACK (on_new_url_changed), self);
  rebuild_workers (self);

  gtk_adjustment_set_upper (self->jobs_adjustment, MAX (g_get_num_processors (), 1));
  g_settings_bind (self->transcode_settings, "contribute", self->contribute_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->transcode_settings, "contribute-port", self->port_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->transcode_settings, "contribute-jobs", self->jobs_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->transcode_settings, "contribute-disk-quota", self->quota_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (host, "notify", G_CALLBACK (on_host_notify), self, 0);
  update_share_rows (self);
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
  setup_workers_page (self);
}

static void
sr_preferences_window_dispose (GObject *object)
{
  SrPreferencesWindow *self = SR_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SR_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->network_settings);
  g_clear_object (&self->transcode_settings);
  g_clear_object (&self->cancellable);

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
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, workers_list);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, new_url_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, new_token_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, contribute_switch);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, jobs_spin);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, jobs_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, quota_spin);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, share_url_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, share_token_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesWindow, copy_token_button);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_token_clicked);
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

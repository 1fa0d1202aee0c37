/* sr-worker-host.c: the in-app transcoding worker. Its access token is made
 * once, kept in the keyring, and shown so the user can share it; its jobs
 * live under the user's cache folder. Settings changes restart it. */
#include "config.h"

#include "sr-worker-host.h"

#include <glib/gi18n.h>
#include <ifaddrs.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>

#include "sr-worker-tokens.h"
#include "transcode/sr-worker-server.h"

struct _SrWorkerHost
{
  GObject         parent_instance;

  GSettings      *settings;
  SrWorkerServer *server;
  GCancellable   *cancellable;
  gchar          *token;
  gchar          *url;
  gchar          *problem;
  gboolean        looking_up;
};

G_DEFINE_FINAL_TYPE (SrWorkerHost, sr_worker_host, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_URL,
  PROP_TOKEN,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sr_worker_host_dispose (GObject *object)
{
  SrWorkerHost *self = SR_WORKER_HOST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->server != NULL)
    sr_worker_server_shutdown (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (sr_worker_host_parent_class)->dispose (object);
}

static void
sr_worker_host_finalize (GObject *object)
{
  SrWorkerHost *self = SR_WORKER_HOST (object);

  g_free (self->token);
  g_free (self->url);
  g_free (self->problem);
  G_OBJECT_CLASS (sr_worker_host_parent_class)->finalize (object);
}

static void
sr_worker_host_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SrWorkerHost *self = SR_WORKER_HOST (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->server != NULL);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_worker_host_class_init (SrWorkerHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_worker_host_dispose;
  object_class->finalize = sr_worker_host_finalize;
  object_class->get_property = sr_worker_host_get_property;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN] = g_param_spec_string ("token", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_worker_host_init (SrWorkerHost *self)
{
  self->cancellable = g_cancellable_new ();
}

SrWorkerHost *
sr_worker_host_get_default (void)
{
  static SrWorkerHost *host;

  if (host == NULL)
    host = g_object_new (SR_TYPE_WORKER_HOST, NULL);
  return host;
}

gboolean
sr_worker_host_get_running (SrWorkerHost *self)
{
  return self->server != NULL;
}

const gchar *
sr_worker_host_get_url (SrWorkerHost *self)
{
  return self->url;
}

const gchar *
sr_worker_host_get_token (SrWorkerHost *self)
{
  return self->token;
}

const gchar *
sr_worker_host_get_problem (SrWorkerHost *self)
{
  return self->problem;
}

static void
set_problem (SrWorkerHost *self,
             const gchar  *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

/* The first IPv4 address other machines can reach, else the loopback. */
static gchar *
reachable_address (void)
{
  struct ifaddrs *list = NULL;
  gchar *found = NULL;

  if (getifaddrs (&list) != 0)
    return g_strdup ("127.0.0.1");
  for (struct ifaddrs *i = list; i != NULL && found == NULL; i = i->ifa_next)
    {
      char buf[INET_ADDRSTRLEN];

      if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
        continue;
      if (inet_ntop (AF_INET, &((struct sockaddr_in *) (gpointer) i->ifa_addr)->sin_addr, buf, sizeof buf) == NULL ||
          g_str_has_prefix (buf, "127."))
        continue;
      found = g_strdup (buf);
    }
  freeifaddrs (list);
  return found != NULL ? found : g_strdup ("127.0.0.1");
}

static void
stop (SrWorkerHost *self)
{
  if (self->server == NULL)
    return;
  sr_worker_server_shutdown (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->url, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

static void
start (SrWorkerHost *self)
{
  g_autofree gchar *state_dir = g_build_filename (g_get_user_cache_dir (), "seedreel", "worker", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrWorkerServer) server = NULL;
  g_autofree gchar *address = NULL;
  guint port = (guint) g_settings_get_int (self->settings, "contribute-port");
  guint jobs = (guint) g_settings_get_int (self->settings, "contribute-jobs");
  guint64 quota = (guint64) g_settings_get_int (self->settings, "contribute-disk-quota") * 1000 * 1000 * 1000;

  g_assert (self->token != NULL);
  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      g_autofree gchar *why = g_strdup_printf (_("Could not create the folder “%s”."), state_dir);
      set_problem (self, why);
      return;
    }
  server = sr_worker_server_new (state_dir);
  sr_worker_server_add_access_token (server, self->token);
  sr_worker_server_set_concurrency (server, jobs);
  sr_worker_server_set_disk_quota (server, quota);
  sr_worker_server_set_max_source_size (server, MIN (quota / 2, (guint64) 20 * 1000 * 1000 * 1000));
  if (!sr_worker_server_start (server, "0.0.0.0", port, &error))
    {
      set_problem (self, error->message);
      return;
    }
  self->server = g_steal_pointer (&server);
  address = reachable_address ();
  g_free (self->url);
  self->url = g_strdup_printf ("http://%s:%u", address, sr_worker_server_get_port (self->server));
  set_problem (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

static void
token_stored (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  (void) source;
  (void) user_data;
  /* The worker still runs: the token is shown, it just will not survive a restart. */
  if (!sr_worker_tokens_store_finish (result, &error))
    g_warning ("Could not keep the worker's access token in the keyring: %s", error->message);
}

static void token_found (GObject *source, GAsyncResult *result, gpointer user_data);

static void
apply (SrWorkerHost *self)
{
  stop (self);
  if (!g_settings_get_boolean (self->settings, "contribute"))
    {
      set_problem (self, NULL);
      return;
    }
  if (self->token != NULL)
    start (self);
  else if (!self->looking_up)
    {
      /* The keyring is opened only once the user asks for the worker: it may
       * need unlocking, and that prompt must not greet everyone at start. */
      self->looking_up = TRUE;
      sr_worker_tokens_lookup_async (SR_WORKER_TOKENS_CONTRIBUTE, self->cancellable, token_found, self);
    }
}

static void
token_found (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrWorkerHost *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *token = sr_worker_tokens_lookup_finish (result, &error);

  (void) source;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->looking_up = FALSE;
  if (token == NULL || *token == '\0')
    {
      guint8 raw[24];

      /* Not in the keyring yet (or no keyring): make one and keep it. */
      if (getrandom (raw, sizeof raw, 0) != (ssize_t) sizeof raw)
        {
          set_problem (self, _("Could not make an access token for the worker."));
          return;
        }
      g_free (token);
      token = g_base64_encode (raw, sizeof raw);
      g_strdelimit (token, "+/=", '-');
      sr_worker_tokens_store_async (SR_WORKER_TOKENS_CONTRIBUTE, token, self->cancellable, token_stored, NULL);
    }
  self->token = g_steal_pointer (&token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
  apply (self);
}

static void
on_setting_changed (GSettings    *settings,
                    const gchar  *key,
                    SrWorkerHost *self)
{
  (void) settings;
  if (g_str_has_prefix (key, "contribute"))
    apply (self);
}

void
sr_worker_host_follow_settings (SrWorkerHost *self,
                                GSettings    *transcode_settings)
{
  g_return_if_fail (SR_IS_WORKER_HOST (self));
  if (self->settings != NULL)
    return;
  self->settings = g_object_ref (transcode_settings);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_setting_changed), self, 0);
  apply (self);
}

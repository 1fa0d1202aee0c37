/* sr-torrent-session.c: one libtorrent session as a GObject. libtorrent's
 * alert notify runs on its network thread and only bumps an eventfd; a
 * GSource on the session's main context drains the alerts in one place and
 * dispatches each type to one handler. Resume data is written atomically to
 * the state folder; a marker file tells an unclean shutdown apart. */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "torrent/sr-torrent-private.h"
#include "torrent/sr-torrent-session.h"

#define SHUTDOWN_RESUME_TIMEOUT_MS 5000
#define PERIODIC_RESUME_INTERVAL_S 60
#define MARKER_NAME "session-running"

struct _SrTorrentSession
{
  GObject parent_instance;

  SrLtSession *lt;
  int alert_fd;
  GSource *alert_source;
  guint status_timer;
  guint resume_timer;
  GMainContext *context;
  GSettings *settings;           /* when built from GSettings: followed live */

  GHashTable *torrents;          /* torrent id → SrTorrent (owned) */
  GThreadPool *writer;           /* one thread: resume files, in order, off the main thread */
  char *state_dir;
  char *download_dir;
  guint listen_port;
  gboolean was_unclean;

  /* Shutdown */
  GTask *shutdown_task;
  GHashTable *pending_resume;    /* torrent ids awaiting resume data */
  guint shutdown_timeout;
};

G_DEFINE_TYPE (SrTorrentSession, sr_torrent_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LISTEN_PORT,
  N_PROPS
};

enum {
  TORRENT_ADDED,
  TORRENT_REMOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void finish_shutdown (SrTorrentSession *self);
static gboolean on_shutdown_timeout (gpointer user_data);
static guint add_timeout (SrTorrentSession *self, guint interval_ms, GSourceFunc func);

void
sr_torrent_session_options_init_loopback (SrTorrentSessionOptions *options)
{
  memset (options, 0, sizeof *options);
  options->listen_interfaces = "127.0.0.1:0";
  options->allow_multiple_connections_per_ip = TRUE;
  options->tick_interval_ms = 100;
  options->min_reconnect_time_s = 1;
}

/* Where downloads go while the settings name no folder. */
char *
sr_torrent_session_default_download_dir (void)
{
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);

  return videos != NULL ? g_build_filename (videos, "Seedreel", NULL)
                        : g_build_filename (g_get_home_dir (), "Videos", "Seedreel", NULL);
}

static void
fill_lt_settings (SrLtSettings *s, const SrTorrentSessionOptions *o)
{
  memset (s, 0, sizeof *s);
  s->listen_interfaces = o->listen_interfaces ? o->listen_interfaces : "0.0.0.0:6881,[::]:6881";
  s->outgoing_interfaces = o->outgoing_interfaces;
  s->enable_dht = o->enable_dht;
  s->enable_lsd = o->enable_lsd;
  s->enable_upnp = o->enable_upnp;
  s->enable_natpmp = o->enable_natpmp;
  s->enable_utp = o->enable_utp;
  s->allow_multiple_connections_per_ip = o->allow_multiple_connections_per_ip;
  s->tick_interval_ms = o->tick_interval_ms;
  s->download_rate_limit = o->download_rate_limit;
  s->upload_rate_limit = o->upload_rate_limit;
  s->connections_limit = o->max_connections;
  s->min_reconnect_time_s = o->min_reconnect_time_s;
}

static char *
resume_path (SrTorrentSession *self, const char *info_hash)
{
  g_autofree char *name = g_strconcat (info_hash, ".resume", NULL);
  return g_build_filename (self->state_dir, "resume", name, NULL);
}

/* ---- alerts ---- */

typedef struct {
  char *path;
  GBytes *data;
} ResumeWrite;

/* Runs on the writer thread. */
static void
write_resume_file (gpointer data, gpointer user_data)
{
  ResumeWrite *w = data;
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *bytes = g_bytes_get_data (w->data, &len);

  /* Temp file, fsync, rename: a crash leaves the old file or the new one. */
  if (!g_file_set_contents_full (w->path, bytes, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    g_warning ("Could not save torrent progress to %s: %s", w->path, error->message);
  g_free (w->path);
  g_bytes_unref (w->data);
  g_free (w);
}

static void
on_resume_data (SrTorrentSession *self, SrTorrent *torrent, const SrLtAlert *alert)
{
  ResumeWrite *w;

  if (self->state_dir == NULL || self->writer == NULL || torrent == NULL
      || _sr_torrent_is_detached (torrent))
    return;

  w = g_new0 (ResumeWrite, 1);
  w->path = resume_path (self, sr_torrent_get_info_hash (torrent));
  w->data = g_bytes_new (alert->data, alert->data_len);
  g_thread_pool_push (self->writer, w, NULL);
}

static void
handle_alert (const SrLtAlert *alert, void *user_data)
{
  SrTorrentSession *self = user_data;
  SrTorrent *torrent = NULL;

  if (alert->torrent_id != 0)
    torrent = g_hash_table_lookup (self->torrents, GUINT_TO_POINTER (alert->torrent_id));

  switch (alert->type)
    {
    case SR_LT_ALERT_LISTEN_SUCCEEDED:
      {
        guint port = (guint) sr_lt_session_listen_port (self->lt);

        if (port != self->listen_port)
          {
            self->listen_port = port;
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTEN_PORT]);
          }
        break;
      }

    case SR_LT_ALERT_LISTEN_FAILED:
      g_warning ("Could not listen for peers: %s", alert->message);
      break;

    case SR_LT_ALERT_SAVE_RESUME_DATA:
      on_resume_data (self, torrent, alert);
      G_GNUC_FALLTHROUGH;
    case SR_LT_ALERT_SAVE_RESUME_DATA_FAILED:
      if (self->pending_resume != NULL
          && g_hash_table_remove (self->pending_resume, GUINT_TO_POINTER (alert->torrent_id))
          && g_hash_table_size (self->pending_resume) == 0)
        {
          /* Not from here: we are inside pop_alerts, whose alerts die with
           * the session that finish_shutdown() hands to a thread. */
          g_clear_handle_id (&self->shutdown_timeout, g_source_remove);
          self->shutdown_timeout = add_timeout (self, 0, on_shutdown_timeout);
        }
      break;

    case SR_LT_ALERT_TORRENT_FINISHED:
      if (torrent != NULL)
        {
          sr_lt_torrent_save_resume_data (_sr_torrent_get_handle (torrent));
          _sr_torrent_handle_alert (torrent, alert);
        }
      break;

    default:
      if (torrent != NULL)
        _sr_torrent_handle_alert (torrent, alert);
      break;
    }
}

static gboolean
on_alert_fd (int fd, GIOCondition condition, gpointer user_data)
{
  SrTorrentSession *self = user_data;
  guint64 count;

  /* Drain the counter first so a notify during pop_alerts is not lost. */
  if (read (fd, &count, sizeof count) < 0 && errno != EAGAIN)
    g_warning ("Could not read the torrent alert counter: %s", g_strerror (errno));

  if (self->lt != NULL)
    {
      g_object_ref (self);
      sr_lt_session_pop_alerts (self->lt, handle_alert, self);
      g_object_unref (self);
    }
  return G_SOURCE_CONTINUE;
}

/* Runs on libtorrent's network thread: nothing but a write to the eventfd. */
static void
on_alert_notify (void *user_data)
{
  int fd = GPOINTER_TO_INT (user_data);
  guint64 one = 1;

  if (write (fd, &one, sizeof one) < 0)
    {
      /* EAGAIN means the counter is already non-zero: a wake-up is pending. */
    }
}

static gboolean
on_status_timer (gpointer user_data)
{
  SrTorrentSession *self = user_data;
  g_autoptr(GPtrArray) list = sr_torrent_session_list_torrents (self);

  for (guint i = 0; i < list->len; i++)
    sr_torrent_refresh (g_ptr_array_index (list, i));
  return G_SOURCE_CONTINUE;
}

static gboolean
on_resume_timer (gpointer user_data)
{
  SrTorrentSession *self = user_data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->torrents);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sr_lt_torrent_save_resume_data (_sr_torrent_get_handle (value));
  return G_SOURCE_CONTINUE;
}

SrLtSession *
_sr_torrent_session_get_lt (SrTorrentSession *session)
{
  return session->lt;
}

/* ---- construction ---- */

static guint
add_timeout (SrTorrentSession *self, guint interval_ms, GSourceFunc func)
{
  g_autoptr(GSource) source = g_timeout_source_new (interval_ms);
  g_source_set_callback (source, func, self, NULL);
  return g_source_attach (source, self->context);
}

static SrTorrent *
track_torrent (SrTorrentSession *self, SrLtTorrent *handle)
{
  SrTorrent *torrent = _sr_torrent_new (self, handle);

  g_hash_table_insert (self->torrents, GUINT_TO_POINTER (sr_lt_torrent_id (handle)), torrent);
  g_signal_emit (self, signals[TORRENT_ADDED], 0, torrent);
  /* Early resume data: a crash before the first periodic save still finds it. */
  if (self->state_dir != NULL)
    sr_lt_torrent_save_resume_data (handle);
  return g_object_ref (torrent);
}

static void
load_resume_files (SrTorrentSession *self)
{
  g_autofree char *dir_path = g_build_filename (self->state_dir, "resume", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(SrTorrent) torrent = NULL;
      SrLtAddParams params = { 0 };
      SrLtTorrent *handle;
      SrLtError err;
      gsize len;

      if (!g_str_has_suffix (name, ".resume"))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      if (!g_file_get_contents (path, &contents, &len, &error))
        {
          g_warning ("Could not read saved torrent progress: %s", error->message);
          continue;
        }
      params.resume_data = (const guint8 *) contents;
      params.resume_len = len;
      handle = sr_lt_session_add (self->lt, &params, &err);
      if (handle == NULL)
        {
          g_warning ("Ignoring saved torrent progress in %s: %s", path, err.message);
          continue;
        }
      torrent = track_torrent (self, handle);
      /* After a crash the saved piece bitmap may claim more than is on disk. */
      if (self->was_unclean)
        sr_torrent_force_recheck (torrent);
    }
}

static gboolean
setup_state_dir (SrTorrentSession *self, GError **error)
{
  g_autofree char *resume_dir = g_build_filename (self->state_dir, "resume", NULL);
  g_autofree char *marker = g_build_filename (self->state_dir, MARKER_NAME, NULL);

  if (g_mkdir_with_parents (resume_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_IO,
                   _("Could not create the folder “%s”: %s"), resume_dir, g_strerror (saved));
      return FALSE;
    }
  self->was_unclean = g_file_test (marker, G_FILE_TEST_EXISTS);
  if (!g_file_set_contents_full (marker, "", 0,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;
  return TRUE;
}

SrTorrentSession *
sr_torrent_session_new (const SrTorrentSessionOptions *options, GError **error)
{
  g_autoptr(SrTorrentSession) self = NULL;
  SrLtSettings settings;
  SrLtError err;

  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (SR_TYPE_TORRENT_SESSION, NULL);
  self->state_dir = g_strdup (options->state_dir);
  if (options->download_dir != NULL)
    self->download_dir = g_strdup (options->download_dir);
  else
    self->download_dir = sr_torrent_session_default_download_dir ();

  if (self->state_dir != NULL && !setup_state_dir (self, error))
    return NULL;
  if (self->state_dir != NULL)
    self->writer = g_thread_pool_new (write_resume_file, NULL, 1, TRUE, NULL);

  self->alert_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (self->alert_fd < 0)
    {
      int saved = errno;
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_FAILED,
                   _("Could not start the torrent engine: %s"), g_strerror (saved));
      return NULL;
    }

  fill_lt_settings (&settings, options);
  self->lt = sr_lt_session_new (&settings, &err);
  if (self->lt == NULL)
    {
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_FAILED,
                   _("Could not start the torrent engine: %s"), err.message);
      return NULL;
    }

  self->context = g_main_context_ref_thread_default ();
  self->alert_source = g_unix_fd_source_new (self->alert_fd, G_IO_IN);
  g_source_set_callback (self->alert_source, G_SOURCE_FUNC (on_alert_fd), self, NULL);
  g_source_set_static_name (self->alert_source, "[seedreel] torrent alerts");
  g_source_attach (self->alert_source, self->context);
  sr_lt_session_set_notify (self->lt, on_alert_notify, GINT_TO_POINTER (self->alert_fd));

  self->status_timer = add_timeout (self, options->tick_interval_ms > 0 && options->tick_interval_ms < 500 ? 250 : 1000,
                                    on_status_timer);
  self->listen_port = (guint) sr_lt_session_listen_port (self->lt);

  if (self->state_dir != NULL)
    {
      load_resume_files (self);
      self->resume_timer = add_timeout (self, PERIODIC_RESUME_INTERVAL_S * 1000, on_resume_timer);
    }

  return g_steal_pointer (&self);
}

static void
options_from_settings (SrTorrentSessionOptions *o, GSettings *settings,
                       char **listen, char **folder)
{
  int port = g_settings_get_int (settings, "listen-port");

  *listen = g_strdup_printf ("0.0.0.0:%d,[::]:%d", port, port);
  *folder = g_settings_get_string (settings, "download-folder");

  memset (o, 0, sizeof *o);
  o->listen_interfaces = *listen;
  o->download_dir = (*folder)[0] != '\0' ? *folder : NULL;
  o->enable_dht = g_settings_get_boolean (settings, "enable-dht");
  o->enable_lsd = g_settings_get_boolean (settings, "enable-lsd");
  o->enable_upnp = g_settings_get_boolean (settings, "enable-upnp");
  o->enable_natpmp = g_settings_get_boolean (settings, "enable-natpmp");
  o->enable_utp = TRUE;
  o->download_rate_limit = g_settings_get_int (settings, "download-rate-limit") * 1024;
  o->upload_rate_limit = g_settings_get_int (settings, "upload-rate-limit") * 1024;
  o->max_connections = g_settings_get_int (settings, "max-connections");
}

static void
on_settings_changed (GSettings *settings, const char *key, gpointer user_data)
{
  SrTorrentSession *self = user_data;
  SrTorrentSessionOptions o;
  g_autofree char *listen = NULL;
  g_autofree char *folder = NULL;
  SrLtSettings lt_settings;
  SrLtError err;

  if (self->lt == NULL)
    return;
  options_from_settings (&o, settings, &listen, &folder);
  if (g_strcmp0 (key, "download-folder") == 0)
    {
      /* New torrents only: existing ones stay where their data is. */
      g_free (self->download_dir);
      self->download_dir = o.download_dir != NULL ? g_strdup (o.download_dir) : sr_torrent_session_default_download_dir ();
      return;
    }
  fill_lt_settings (&lt_settings, &o);
  if (!sr_lt_session_apply_settings (self->lt, &lt_settings, &err))
    g_warning ("Could not apply the torrent settings: %s", err.message);
}

SrTorrentSession *
sr_torrent_session_new_from_settings (GSettings *settings, const char *state_dir, GError **error)
{
  SrTorrentSessionOptions o;
  g_autofree char *listen = NULL;
  g_autofree char *folder = NULL;
  SrTorrentSession *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  options_from_settings (&o, settings, &listen, &folder);
  o.state_dir = state_dir;
  self = sr_torrent_session_new (&o, error);
  if (self == NULL)
    return NULL;
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed), self, 0);
  return self;
}

/* ---- adding and removing ---- */

static gboolean
parse_hex_hash (const char *hex, guint8 out[20])
{
  if (hex == NULL || strlen (hex) != 40)
    return FALSE;
  for (int i = 0; i < 20; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return FALSE;
      out[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

SrTorrent *
sr_torrent_session_add (SrTorrentSession *self, const SrTorrentAddOptions *options, GError **error)
{
  SrLtAddParams params = { 0 };
  SrLtTorrent *handle;
  SrTorrent *torrent;
  SrLtError err;
  guint8 hash[20];
  gsize len = 0;

  g_return_val_if_fail (SR_IS_TORRENT_SESSION (self), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  if (self->lt == NULL || self->shutdown_task != NULL)
    {
      g_set_error_literal (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_FAILED,
                           _("The torrent engine is shutting down"));
      return NULL;
    }

  if (options->torrent != NULL)
    {
      params.torrent_data = g_bytes_get_data (options->torrent, &len);
      params.torrent_len = len;
      if (len == 0)
        {
          g_set_error_literal (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID,
                               _("The torrent file is empty"));
          return NULL;
        }
    }
  else if (options->magnet != NULL)
    params.magnet = options->magnet;
  else if (options->info_hash != NULL)
    {
      if (!parse_hex_hash (options->info_hash, hash))
        {
          g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID,
                       _("“%s” is not an info-hash: expected 40 hexadecimal digits"),
                       options->info_hash);
          return NULL;
        }
      params.info_hash_v1 = hash;
    }
  else
    g_return_val_if_reached (NULL);

  params.save_path = options->save_path ? options->save_path : self->download_dir;
  params.peers = options->peers;
  params.seed_mode = (options->flags & SR_TORRENT_ADD_SEED_MODE) != 0;
  params.paused = (options->flags & SR_TORRENT_ADD_PAUSED) != 0;
  params.sequential = (options->flags & SR_TORRENT_ADD_SEQUENTIAL) != 0;
  params.skip_files = (options->flags & SR_TORRENT_ADD_SKIP_FILES) != 0;
  params.upload_limit = options->upload_limit;
  params.download_limit = options->download_limit;

  if (g_mkdir_with_parents (params.save_path, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_IO,
                   _("Could not create the download folder “%s”: %s"),
                   params.save_path, g_strerror (saved));
      return NULL;
    }

  handle = sr_lt_session_add (self->lt, &params, &err);
  if (handle == NULL)
    {
      _sr_torrent_set_error (error, &err);
      g_prefix_error (error, "%s", _("Could not add the torrent: "));
      return NULL;
    }
  torrent = track_torrent (self, handle);
  if (options->peers != NULL)
    _sr_torrent_set_known_peers (torrent, options->peers);
  return torrent;
}

SrTorrent *
sr_torrent_session_add_file (SrTorrentSession *self, const char *torrent_path,
                             const char *save_path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;
  SrTorrentAddOptions o = { 0 };
  gsize len;

  if (!g_file_get_contents (torrent_path, &contents, &len, &local))
    {
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_IO,
                   _("Could not read the torrent file: %s"), local->message);
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  o.torrent = bytes;
  o.save_path = save_path;
  return sr_torrent_session_add (self, &o, error);
}

SrTorrent *
sr_torrent_session_add_magnet (SrTorrentSession *self, const char *uri,
                               const char *save_path, GError **error)
{
  SrTorrentAddOptions o = { 0 };

  o.magnet = uri;
  o.save_path = save_path;
  return sr_torrent_session_add (self, &o, error);
}

SrTorrent *
sr_torrent_session_add_seed (SrTorrentSession *self, GBytes *torrent,
                             const char *content_path, GError **error)
{
  SrTorrentAddOptions o = { 0 };
  g_autofree char *parent = g_path_get_dirname (content_path);

  o.torrent = torrent;
  o.save_path = parent;
  o.flags = SR_TORRENT_ADD_SEED_MODE;
  return sr_torrent_session_add (self, &o, error);
}

gboolean
sr_torrent_session_remove (SrTorrentSession *self, SrTorrent *torrent,
                           gboolean delete_files, GError **error)
{
  g_autoptr(SrTorrent) keep = NULL;
  SrLtError err;
  guint id;

  g_return_val_if_fail (SR_IS_TORRENT_SESSION (self), FALSE);
  g_return_val_if_fail (SR_IS_TORRENT (torrent), FALSE);

  id = sr_lt_torrent_id (_sr_torrent_get_handle (torrent));
  if (g_hash_table_lookup (self->torrents, GUINT_TO_POINTER (id)) != torrent)
    {
      g_set_error_literal (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_REMOVED,
                           _("The torrent is not in this session"));
      return FALSE;
    }
  if (!sr_lt_session_remove (self->lt, _sr_torrent_get_handle (torrent), delete_files, &err))
    {
      _sr_torrent_set_error (error, &err);
      return FALSE;
    }

  keep = g_object_ref (torrent);
  g_hash_table_steal (self->torrents, GUINT_TO_POINTER (id));
  _sr_torrent_detach (torrent);
  if (self->state_dir != NULL)
    {
      g_autofree char *path = resume_path (self, sr_torrent_get_info_hash (torrent));
      g_unlink (path);
    }
  g_signal_emit (self, signals[TORRENT_REMOVED], 0, torrent);
  g_object_unref (torrent);  /* the table's reference */
  return TRUE;
}

/* ---- accessors ---- */

guint
sr_torrent_session_get_listen_port (SrTorrentSession *self)
{
  g_return_val_if_fail (SR_IS_TORRENT_SESSION (self), 0);
  if (self->listen_port == 0 && self->lt != NULL)
    self->listen_port = (guint) sr_lt_session_listen_port (self->lt);
  return self->listen_port;
}

const char *
sr_torrent_session_get_download_dir (SrTorrentSession *self)
{
  g_return_val_if_fail (SR_IS_TORRENT_SESSION (self), NULL);
  return self->download_dir;
}

gboolean
sr_torrent_session_get_was_unclean (SrTorrentSession *self)
{
  g_return_val_if_fail (SR_IS_TORRENT_SESSION (self), FALSE);
  return self->was_unclean;
}

GPtrArray *
sr_torrent_session_list_torrents (SrTorrentSession *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SR_IS_TORRENT_SESSION (self), list);

  g_hash_table_iter_init (&iter, self->torrents);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, g_object_ref (value));
  return list;
}

SrTorrent *
sr_torrent_session_find (SrTorrentSession *self, const char *info_hash)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SR_IS_TORRENT_SESSION (self), NULL);

  g_hash_table_iter_init (&iter, self->torrents);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_ascii_strcasecmp (sr_torrent_get_info_hash (value), info_hash) == 0)
      return value;
  return NULL;
}

/* ---- shutdown ---- */

typedef struct {
  SrLtSession *lt;
  GThreadPool *writer;
} ShutdownData;

static void
free_session_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ShutdownData *data = task_data;

  /* Let the last resume files reach the disk. */
  if (data->writer != NULL)
    g_thread_pool_free (g_steal_pointer (&data->writer), FALSE, TRUE);
  /* libtorrent's destructor can block for seconds on tracker announces. */
  sr_lt_session_free (g_steal_pointer (&data->lt));
  g_task_return_boolean (task, TRUE);
}

static void
stop_sources (SrTorrentSession *self)
{
  if (self->lt != NULL)
    sr_lt_session_set_notify (self->lt, NULL, NULL);
  g_clear_handle_id (&self->status_timer, g_source_remove);
  g_clear_handle_id (&self->resume_timer, g_source_remove);
  g_clear_handle_id (&self->shutdown_timeout, g_source_remove);
  if (self->alert_source != NULL)
    {
      g_source_destroy (self->alert_source);
      g_clear_pointer (&self->alert_source, g_source_unref);
    }
}

static void
detach_all (SrTorrentSession *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->torrents);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    _sr_torrent_detach (value);
}

static void
finish_shutdown (SrTorrentSession *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->shutdown_task);
  ShutdownData *data;

  if (task == NULL)
    return;

  g_clear_pointer (&self->pending_resume, g_hash_table_unref);
  stop_sources (self);
  detach_all (self);

  if (self->state_dir != NULL)
    {
      g_autofree char *marker = g_build_filename (self->state_dir, MARKER_NAME, NULL);
      g_unlink (marker);
    }

  data = g_new0 (ShutdownData, 1);
  data->lt = g_steal_pointer (&self->lt);
  data->writer = g_steal_pointer (&self->writer);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, free_session_thread);
}

static gboolean
on_shutdown_timeout (gpointer user_data)
{
  SrTorrentSession *self = user_data;

  self->shutdown_timeout = 0;
  if (self->pending_resume != NULL && g_hash_table_size (self->pending_resume) > 0)
    g_warning ("Gave up waiting for %u torrents to save their progress",
               g_hash_table_size (self->pending_resume));
  finish_shutdown (self);
  return G_SOURCE_REMOVE;
}

void
sr_torrent_session_shutdown_async (SrTorrentSession *self, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (SR_IS_TORRENT_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_torrent_session_shutdown_async);

  if (self->lt == NULL || self->shutdown_task != NULL)
    {
      g_task_return_new_error (task, SR_TORRENT_ERROR, SR_TORRENT_ERROR_FAILED,
                               _("The torrent engine is already shutting down"));
      return;
    }

  self->shutdown_task = g_steal_pointer (&task);
  sr_lt_session_pause (self->lt);

  if (self->state_dir == NULL || g_hash_table_size (self->torrents) == 0)
    {
      /* Deferred: the caller may be a handler running inside pop_alerts. */
      self->shutdown_timeout = add_timeout (self, 0, on_shutdown_timeout);
      return;
    }

  self->pending_resume = g_hash_table_new (NULL, NULL);
  g_hash_table_iter_init (&iter, self->torrents);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_add (self->pending_resume, key);
      sr_lt_torrent_save_resume_data (_sr_torrent_get_handle (value));
    }
  self->shutdown_timeout = add_timeout (self, SHUTDOWN_RESUME_TIMEOUT_MS, on_shutdown_timeout);
}

gboolean
sr_torrent_session_shutdown_finish (SrTorrentSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ---- */

static void
sr_torrent_session_dispose (GObject *object)
{
  SrTorrentSession *self = SR_TORRENT_SESSION (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  stop_sources (self);
  detach_all (self);
  g_hash_table_remove_all (self->torrents);
  /* Not shut down: the destructor blocks here. Call shutdown_async first. */
  if (self->writer != NULL)
    g_thread_pool_free (g_steal_pointer (&self->writer), FALSE, TRUE);
  g_clear_pointer (&self->lt, sr_lt_session_free);

  G_OBJECT_CLASS (sr_torrent_session_parent_class)->dispose (object);
}

static void
sr_torrent_session_finalize (GObject *object)
{
  SrTorrentSession *self = SR_TORRENT_SESSION (object);

  if (self->alert_fd >= 0)
    close (self->alert_fd);
  g_clear_pointer (&self->torrents, g_hash_table_unref);
  g_clear_pointer (&self->pending_resume, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->state_dir, g_free);
  g_clear_pointer (&self->download_dir, g_free);

  G_OBJECT_CLASS (sr_torrent_session_parent_class)->finalize (object);
}

static void
sr_torrent_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SrTorrentSession *self = SR_TORRENT_SESSION (object);

  switch (prop_id)
    {
    case PROP_LISTEN_PORT:
      g_value_set_uint (value, self->listen_port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_torrent_session_class_init (SrTorrentSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_torrent_session_dispose;
  object_class->finalize = sr_torrent_session_finalize;
  object_class->get_property = sr_torrent_session_get_property;

  properties[PROP_LISTEN_PORT] =
    g_param_spec_uint ("listen-port", NULL, NULL, 0, 65535, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TORRENT_ADDED] = g_signal_new ("torrent-added", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, SR_TYPE_TORRENT);
  signals[TORRENT_REMOVED] = g_signal_new ("torrent-removed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, SR_TYPE_TORRENT);
}

static void
sr_torrent_session_init (SrTorrentSession *self)
{
  self->alert_fd = -1;
  self->torrents = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

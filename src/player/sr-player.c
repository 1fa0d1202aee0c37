/* sr-player.c: see sr-player.h.
 *
 * playbin rather than playbin3: on GStreamer 1.22 playbin3's
 * uridecodebin3/urisourcebin path still had rough edges with seeking in
 * pull mode, and playbin gives n-audio/n-text as plain properties; the
 * source is the same srtorrentsrc either way. */

#include "config.h"

#include "player/sr-player.h"

#include <glib/gi18n.h>
#include <gst/pbutils/pbutils.h>

#include "player/sr-torrent-src.h"

G_DEFINE_QUARK (sr-player-error-quark, sr_player_error)

G_DEFINE_ENUM_TYPE (SrPlayerState, sr_player_state,
  G_DEFINE_ENUM_VALUE (SR_PLAYER_STATE_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (SR_PLAYER_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (SR_PLAYER_STATE_PLAYING, "playing"))

#define POSITION_INTERVAL_MS 100

struct _SrPlayer
{
  GObject parent_instance;

  SrTorrentSession *session;
  GstElement *playbin;
  SrVideoPaintable *paintable;
  guint bus_watch;
  guint position_timer;

  GMutex lock;                 /* content_key is read in source-setup */
  GBytes *content_key;

  char *uri;
  GstState target;
  SrPlayerState state;
  gint64 position;
  gint64 duration;
  int buffering;
  int n_audio, n_text;
  double rate;
  GPtrArray *missing;          /* descriptions of missing plugins */
  GError *error;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_PAINTABLE,
  PROP_URI,
  PROP_STATE,
  PROP_POSITION,
  PROP_DURATION,
  PROP_BUFFERING,
  PROP_N_AUDIO,
  PROP_N_TEXT,
  PROP_RATE,
  PROP_VOLUME,
  PROP_MUTE,
  N_PROPS
};

enum {
  SIGNAL_ERROR,
  SIGNAL_EOS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SrPlayer, sr_player, G_TYPE_OBJECT)

static void
set_state (SrPlayer *self, SrPlayerState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_buffering (SrPlayer *self, int percent)
{
  if (self->buffering == percent)
    return;
  self->buffering = percent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUFFERING]);
}

static void
update_position (SrPlayer *self)
{
  gint64 pos;

  if (gst_element_query_position (self->playbin, GST_FORMAT_TIME, &pos) && pos != self->position)
    {
      self->position = pos;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }
}

static void
update_duration (SrPlayer *self)
{
  gint64 dur;

  if (gst_element_query_duration (self->playbin, GST_FORMAT_TIME, &dur) && dur != self->duration)
    {
      self->duration = dur;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
    }
}

static void
update_tracks (SrPlayer *self)
{
  int n_audio = 0, n_text = 0;

  g_object_get (self->playbin, "n-audio", &n_audio, "n-text", &n_text, NULL);
  if (n_audio != self->n_audio)
    {
      self->n_audio = n_audio;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_AUDIO]);
    }
  if (n_text != self->n_text)
    {
      self->n_text = n_text;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TEXT]);
    }
}

static gboolean
on_position_timer (gpointer user_data)
{
  update_position (user_data);
  return G_SOURCE_CONTINUE;
}

static void
fail (SrPlayer *self, GError *error)
{
  g_clear_error (&self->error);
  self->error = error;
  self->target = GST_STATE_NULL;
  g_ptr_array_set_size (self->missing, 0);
  gst_element_set_state (self->playbin, GST_STATE_NULL);
  set_state (self, SR_PLAYER_STATE_STOPPED);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, self->error);
}

static void
handle_error (SrPlayer *self, GstMessage *message)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    gst_message_parse_error (message, &gst_error, &debug);
  else if (message != NULL)
    gst_message_parse_warning (message, &gst_error, &debug);
  if (gst_error != NULL)
    g_debug ("playback problem from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
             gst_error->message, debug);
  if (self->missing->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (self->missing, NULL);
      list = g_strjoinv (", ", (char **) self->missing->pdata);
      g_ptr_array_remove_index (self->missing, self->missing->len - 1);
      fail (self, g_error_new (SR_PLAYER_ERROR, SR_PLAYER_ERROR_MISSING_CODEC,
                               _("This video cannot be played: %s is not installed"), list));
      return;
    }
  fail (self, g_error_new (SR_PLAYER_ERROR, SR_PLAYER_ERROR_FAILED,
                           _("This video cannot be played: %s"),
                           gst_error != NULL ? gst_error->message : _("unknown error")));
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  SrPlayer *self = user_data;

  (void) bus;
  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      /* After a failure the pipeline is down: later errors are echoes. */
      if (self->target != GST_STATE_NULL)
        handle_error (self, message);
      break;
    case GST_MESSAGE_EOS:
      g_signal_emit (self, signals[SIGNAL_EOS], 0);
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_is_missing_plugin_message (message))
        g_ptr_array_add (self->missing, gst_missing_plugin_message_get_description (message));
      break;
    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (message) == GST_OBJECT (self->playbin))
        {
          GstState new_state;

          gst_message_parse_state_changed (message, NULL, &new_state, NULL);
          if (new_state == GST_STATE_PLAYING)
            set_state (self, SR_PLAYER_STATE_PLAYING);
          else if (new_state == GST_STATE_PAUSED)
            set_state (self, SR_PLAYER_STATE_PAUSED);
          else
            set_state (self, SR_PLAYER_STATE_STOPPED);
          if (new_state >= GST_STATE_PAUSED)
            {
              update_duration (self);
              update_tracks (self);
            }
        }
      break;
    case GST_MESSAGE_WARNING:
      /* playbin plays what it can decode and only warns about the rest; a
       * title whose video or audio cannot be decoded is an error here. */
      if (self->missing->len > 0 && self->target != GST_STATE_NULL)
        handle_error (self, message);
      break;
    case GST_MESSAGE_ASYNC_DONE:
      if (self->missing->len > 0 && self->target != GST_STATE_NULL)
        {
          handle_error (self, NULL);
          break;
        }
      update_duration (self);
      update_position (self);
      update_tracks (self);
      break;
    case GST_MESSAGE_DURATION_CHANGED:
      update_duration (self);
      break;
    case GST_MESSAGE_BUFFERING:
      {
        int percent;

        gst_message_parse_buffering (message, &percent);
        g_debug ("buffering %d %% from %s", percent, GST_OBJECT_NAME (GST_MESSAGE_SRC (message)));
        set_buffering (self, percent);
        /* Hold the clock while a piece is missing, as GStreamer's
         * buffering protocol asks, so audio and video stay together. */
        if (self->target == GST_STATE_PLAYING)
          gst_element_set_state (self->playbin, percent < 100 ? GST_STATE_PAUSED : GST_STATE_PLAYING);
      }
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* Runs on whichever thread creates the source. */
static void
on_source_setup (GstElement *playbin, GstElement *source, gpointer user_data)
{
  SrPlayer *self = user_data;

  (void) playbin;
  if (!SR_IS_TORRENT_SRC (source))
    return;
  g_mutex_lock (&self->lock);
  g_object_set (source, "session", self->session, "content-key", self->content_key, NULL);
  g_mutex_unlock (&self->lock);
}

static void
change_state (SrPlayer *self, GstState target)
{
  GstStateChangeReturn ret;

  self->target = target;
  if (target >= GST_STATE_PAUSED && self->position_timer == 0)
    self->position_timer = g_timeout_add (POSITION_INTERVAL_MS, on_position_timer, self);
  ret = gst_element_set_state (self->playbin, target);
  if (ret == GST_STATE_CHANGE_FAILURE && self->error == NULL)
    {
      /* The bus usually carries the reason; it is handled there. */
      g_debug ("state change to %s failed", gst_element_state_get_name (target));
    }
}

void
sr_player_play (SrPlayer *self)
{
  g_return_if_fail (SR_IS_PLAYER (self));
  g_clear_error (&self->error);
  change_state (self, GST_STATE_PLAYING);
}

void
sr_player_pause (SrPlayer *self)
{
  g_return_if_fail (SR_IS_PLAYER (self));
  change_state (self, GST_STATE_PAUSED);
}

void
sr_player_stop (SrPlayer *self)
{
  g_return_if_fail (SR_IS_PLAYER (self));
  self->target = GST_STATE_NULL;
  g_clear_handle_id (&self->position_timer, g_source_remove);
  gst_element_set_state (self->playbin, GST_STATE_NULL);
  g_ptr_array_set_size (self->missing, 0);
  set_state (self, SR_PLAYER_STATE_STOPPED);
  set_buffering (self, 100);
  self->position = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

static void
do_seek (SrPlayer *self, gint64 position, GstSeekFlags flags)
{
  if (self->rate >= 0)
    gst_element_seek (self->playbin, self->rate, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH | flags,
                      GST_SEEK_TYPE_SET, position, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE);
  else
    gst_element_seek (self->playbin, self->rate, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH | flags,
                      GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_SET, position);
}

void
sr_player_seek (SrPlayer *self, gint64 position_ns, gboolean accurate)
{
  g_return_if_fail (SR_IS_PLAYER (self));
  do_seek (self, MAX (position_ns, 0),
           accurate ? GST_SEEK_FLAG_ACCURATE : GST_SEEK_FLAG_KEY_UNIT | GST_SEEK_FLAG_SNAP_BEFORE);
  self->position = MAX (position_ns, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

void
sr_player_set_rate (SrPlayer *self, double rate)
{
  g_return_if_fail (SR_IS_PLAYER (self));
  g_return_if_fail (rate != 0.0);
  if (rate == self->rate)
    return;
  self->rate = rate;
  if (self->target >= GST_STATE_PAUSED)
    {
      update_position (self);
      do_seek (self, self->position, GST_SEEK_FLAG_ACCURATE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

/* ---- accessors ---- */

SrPlayer *
sr_player_new (SrTorrentSession *session)
{
  return g_object_new (SR_TYPE_PLAYER, "session", session, NULL);
}

SrVideoPaintable *
sr_player_get_paintable (SrPlayer *self)
{
  g_return_val_if_fail (SR_IS_PLAYER (self), NULL);
  return self->paintable;
}

GstElement *
sr_player_get_pipeline (SrPlayer *self)
{
  g_return_val_if_fail (SR_IS_PLAYER (self), NULL);
  return self->playbin;
}

void
sr_player_set_audio_sink (SrPlayer *self, GstElement *sink)
{
  g_return_if_fail (SR_IS_PLAYER (self));
  g_object_set (self->playbin, "audio-sink", sink, NULL);
}

void
sr_player_set_uri (SrPlayer *self, const char *uri)
{
  g_return_if_fail (SR_IS_PLAYER (self));
  if (g_strcmp0 (uri, self->uri) == 0)
    return;
  sr_player_stop (self);
  sr_video_paintable_clear (self->paintable);
  g_free (self->uri);
  self->uri = g_strdup (uri);
  g_object_set (self->playbin, "uri", uri, NULL);
  self->duration = -1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URI]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

const char *
sr_player_get_uri (SrPlayer *self)
{
  g_return_val_if_fail (SR_IS_PLAYER (self), NULL);
  return self->uri;
}

void
sr_player_set_content_key (SrPlayer *self, GBytes *key)
{
  g_return_if_fail (SR_IS_PLAYER (self));
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->content_key, g_bytes_unref);
  self->content_key = key != NULL ? g_bytes_ref (key) : NULL;
  g_mutex_unlock (&self->lock);
}

SrPlayerState sr_player_get_state (SrPlayer *self) { return self->state; }
gint64 sr_player_get_position (SrPlayer *self) { return self->position; }
gint64 sr_player_get_duration (SrPlayer *self) { return self->duration; }
int sr_player_get_buffering (SrPlayer *self) { return self->buffering; }
int sr_player_get_n_audio (SrPlayer *self) { return self->n_audio; }
int sr_player_get_n_text (SrPlayer *self) { return self->n_text; }
double sr_player_get_rate (SrPlayer *self) { return self->rate; }
const GError *sr_player_get_error (SrPlayer *self) { return self->error; }

double
sr_player_get_volume (SrPlayer *self)
{
  double volume = 1.0;

  g_object_get (self->playbin, "volume", &volume, NULL);
  return volume;
}

void
sr_player_set_volume (SrPlayer *self, double volume)
{
  g_object_set (self->playbin, "volume", CLAMP (volume, 0.0, 1.0), NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUME]);
}

gboolean
sr_player_get_mute (SrPlayer *self)
{
  gboolean mute = FALSE;

  g_object_get (self->playbin, "mute", &mute, NULL);
  return mute;
}

void
sr_player_set_mute (SrPlayer *self, gboolean mute)
{
  g_object_set (self->playbin, "mute", mute, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTE]);
}

/* ---- GObject ---- */

static void
sr_player_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SrPlayer *self = SR_PLAYER (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_PAINTABLE: g_value_set_object (value, self->paintable); break;
    case PROP_URI: g_value_set_string (value, self->uri); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_POSITION: g_value_set_int64 (value, self->position); break;
    case PROP_DURATION: g_value_set_int64 (value, self->duration); break;
    case PROP_BUFFERING: g_value_set_int (value, self->buffering); break;
    case PROP_N_AUDIO: g_value_set_int (value, self->n_audio); break;
    case PROP_N_TEXT: g_value_set_int (value, self->n_text); break;
    case PROP_RATE: g_value_set_double (value, self->rate); break;
    case PROP_VOLUME: g_value_set_double (value, sr_player_get_volume (self)); break;
    case PROP_MUTE: g_value_set_boolean (value, sr_player_get_mute (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_player_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SrPlayer *self = SR_PLAYER (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_set_object (&self->session, g_value_get_object (value)); break;
    case PROP_URI: sr_player_set_uri (self, g_value_get_string (value)); break;
    case PROP_RATE: sr_player_set_rate (self, g_value_get_double (value)); break;
    case PROP_VOLUME: sr_player_set_volume (self, g_value_get_double (value)); break;
    case PROP_MUTE: sr_player_set_mute (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_player_dispose (GObject *object)
{
  SrPlayer *self = SR_PLAYER (object);

  g_clear_handle_id (&self->position_timer, g_source_remove);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->playbin != NULL)
    {
      gst_element_set_state (self->playbin, GST_STATE_NULL);
      gst_clear_object (&self->playbin);
    }
  g_clear_object (&self->paintable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->content_key, g_bytes_unref);
  G_OBJECT_CLASS (sr_player_parent_class)->dispose (object);
}

static void
sr_player_finalize (GObject *object)
{
  SrPlayer *self = SR_PLAYER (object);

  g_free (self->uri);
  g_ptr_array_unref (self->missing);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (sr_player_parent_class)->finalize (object);
}

static void
sr_player_class_init (SrPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = sr_player_get_property;
  object_class->set_property = sr_player_set_property;
  object_class->dispose = sr_player_dispose;
  object_class->finalize = sr_player_finalize;

  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, SR_TYPE_TORRENT_SESSION,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAINTABLE] = g_param_spec_object ("paintable", NULL, NULL, SR_TYPE_VIDEO_PAINTABLE, ro);
  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL, rw);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, SR_TYPE_PLAYER_STATE,
                                              SR_PLAYER_STATE_STOPPED, ro);
  properties[PROP_POSITION] = g_param_spec_int64 ("position", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_DURATION] = g_param_spec_int64 ("duration", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_BUFFERING] = g_param_spec_int ("buffering", NULL, NULL, 0, 100, 100, ro);
  properties[PROP_N_AUDIO] = g_param_spec_int ("n-audio", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_N_TEXT] = g_param_spec_int ("n-text", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, -64.0, 64.0, 1.0, rw);
  properties[PROP_VOLUME] = g_param_spec_double ("volume", NULL, NULL, 0.0, 1.0, 1.0, rw);
  properties[PROP_MUTE] = g_param_spec_boolean ("mute", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_EOS] = g_signal_new ("eos", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sr_player_init (SrPlayer *self)
{
  g_autoptr(GstBus) bus = NULL;

  sr_player_register_elements ();
  g_mutex_init (&self->lock);
  self->missing = g_ptr_array_new_with_free_func (g_free);
  self->duration = -1;
  self->buffering = 100;
  self->rate = 1.0;
  self->target = GST_STATE_NULL;
  self->paintable = sr_video_paintable_new ();
  self->playbin = gst_object_ref_sink (gst_element_factory_make ("playbin", "seedreel-player"));
  g_assert (self->playbin != NULL);
  g_object_set (self->playbin, "video-sink", sr_video_paintable_get_sink (self->paintable), NULL);
  g_signal_connect_object (self->playbin, "source-setup", G_CALLBACK (on_source_setup), self, 0);
  bus = gst_element_get_bus (self->playbin);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
}

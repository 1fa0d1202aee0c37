/* sr-torrent-src.c: srtorrentsrc, see sr-torrent-src.h.
 *
 * create() runs on the streaming thread and blocks in
 * sr_stream_reader_read(); unlock() cancels that read so flushing seeks,
 * stops and shutdown return at once even when no seeder is left. */

#include "config.h"

#include "player/sr-torrent-src.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-content-cipher.h"
#include "torrent/sr-stream-reader.h"
#include "torrent/sr-torrent.h"

GST_DEBUG_CATEGORY_STATIC (sr_torrent_src_debug);
#define GST_CAT_DEFAULT sr_torrent_src_debug

/* A read that has not finished after this long is shown as buffering. */
#define BUFFERING_DELAY (250 * GST_MSECOND)

struct _SrTorrentSrc
{
  GstBaseSrc parent_instance;

  GMutex lock;                 /* guards the fields below and cancellable */
  SrTorrentSession *session;
  char *uri;
  char *info_hash;
  guint file_index;
  GBytes *content_key;
  GCancellable *cancellable;

  /* Streaming-thread state, valid between start() and stop(). */
  SrTorrent *torrent;
  SrStreamReader *reader;
  char *file_name;
  guint8 key[SR_CONTENT_KEY_LEN];
  guint8 nonce[SR_CONTENT_NONCE_LEN];
  gboolean decrypt;
  gint buffering_posted;       /* atomic */
};

enum {
  PROP_0,
  PROP_URI,
  PROP_SESSION,
  PROP_CONTENT_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
  GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void sr_torrent_src_uri_handler_init (gpointer g_iface, gpointer iface_data);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrTorrentSrc, sr_torrent_src, GST_TYPE_BASE_SRC,
  G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER, sr_torrent_src_uri_handler_init);
  GST_DEBUG_CATEGORY_INIT (sr_torrent_src_debug, "srtorrentsrc", 0, "Seedreel torrent source"))

char *
sr_torrent_src_build_uri (const char *info_hash, guint file_index)
{
  return g_strdup_printf (SR_TORRENT_SRC_URI_SCHEME "://%s/%u", info_hash, file_index);
}

/* seedreel://<40 or 64 hex digits>/<file index>[/<file name, ignored>] */
static gboolean
parse_uri (const char *uri, char **info_hash, guint *file_index, GError **error)
{
  g_auto(GStrv) parts = NULL;
  const char *rest;
  guint64 index;
  gsize len;

  if (uri == NULL || !g_str_has_prefix (uri, SR_TORRENT_SRC_URI_SCHEME "://"))
    goto bad;
  rest = uri + strlen (SR_TORRENT_SRC_URI_SCHEME "://");
  parts = g_strsplit (rest, "/", 3);
  if (parts[0] == NULL || parts[1] == NULL)
    goto bad;
  len = strlen (parts[0]);
  if (len != 40 && len != 64)
    goto bad;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (parts[0][i]))
      goto bad;
  if (!g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT, &index, NULL))
    goto bad;
  *info_hash = g_ascii_strdown (parts[0], -1);
  *file_index = (guint) index;
  return TRUE;

bad:
  g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
               _("“%s” is not a Seedreel stream address (seedreel://infohash/file-number)"),
               uri != NULL ? uri : "");
  return FALSE;
}

static gboolean
set_uri (SrTorrentSrc *self, const char *uri, GError **error)
{
  g_autofree char *info_hash = NULL;
  guint index = 0;
  GstState state;

  GST_OBJECT_LOCK (self);
  state = GST_STATE (self);
  GST_OBJECT_UNLOCK (self);
  if (state > GST_STATE_READY)
    {
      g_set_error_literal (error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
                           "The stream address cannot change while the stream is open");
      return FALSE;
    }
  if (uri != NULL && !parse_uri (uri, &info_hash, &index, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  g_free (self->uri);
  self->uri = g_strdup (uri);
  g_free (self->info_hash);
  self->info_hash = g_steal_pointer (&info_hash);
  self->file_index = index;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* ---- GstURIHandler ---- */

static GstURIType
uri_get_type (GType type)
{
  (void) type;
  return GST_URI_SRC;
}

static const gchar *const *
uri_get_protocols (GType type)
{
  static const gchar *protocols[] = { SR_TORRENT_SRC_URI_SCHEME, NULL };
  (void) type;
  return protocols;
}

static gchar *
uri_get_uri (GstURIHandler *handler)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (handler);
  char *uri;

  g_mutex_lock (&self->lock);
  uri = g_strdup (self->uri);
  g_mutex_unlock (&self->lock);
  return uri;
}

static gboolean
uri_set_uri (GstURIHandler *handler, const gchar *uri, GError **error)
{
  return set_uri (SR_TORRENT_SRC (handler), uri, error);
}

static void
sr_torrent_src_uri_handler_init (gpointer g_iface, gpointer iface_data)
{
  GstURIHandlerInterface *iface = g_iface;

  (void) iface_data;
  iface->get_type = uri_get_type;
  iface->get_protocols = uri_get_protocols;
  iface->get_uri = uri_get_uri;
  iface->set_uri = uri_set_uri;
}

/* ---- GstBaseSrc ---- */

static gboolean
sr_torrent_src_start (GstBaseSrc *src)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (src);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SrTorrent *torrent;

  g_mutex_lock (&self->lock);
  if (self->session == NULL || self->info_hash == NULL)
    {
      g_mutex_unlock (&self->lock);
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
                         (_("No torrent session to play from")),
                         ("session %p, uri %s", (void *) self->session, self->uri));
      return FALSE;
    }
  torrent = sr_torrent_session_find (self->session, self->info_hash);
  if (torrent == NULL)
    {
      g_mutex_unlock (&self->lock);
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
                         (_("The torrent to play is not in the download list")),
                         ("no torrent %s", self->info_hash));
      return FALSE;
    }
  self->torrent = g_object_ref (torrent);
  self->decrypt = self->content_key != NULL;
  if (self->decrypt)
    memcpy (self->key, g_bytes_get_data (self->content_key, NULL), SR_CONTENT_KEY_LEN);
  g_mutex_unlock (&self->lock);

  self->reader = sr_stream_reader_new (self->torrent, self->file_index, &error);
  if (self->reader == NULL)
    {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ, ("%s", error->message), (NULL));
      g_clear_object (&self->torrent);
      return FALSE;
    }
  path = sr_torrent_dup_file_path (self->torrent, self->file_index);
  if (path != NULL)
    {
      self->file_name = g_path_get_basename (path);
      if (self->decrypt)
        sr_content_cipher_derive_nonce (path, self->nonce);
    }
  g_atomic_int_set (&self->buffering_posted, FALSE);
  GST_DEBUG_OBJECT (self, "opened %s (%" G_GUINT64_FORMAT " bytes)",
                    path, sr_stream_reader_get_size (self->reader));
  return TRUE;
}

static gboolean
sr_torrent_src_stop (GstBaseSrc *src)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (src);

  g_clear_object (&self->reader);
  g_clear_object (&self->torrent);
  g_clear_pointer (&self->file_name, g_free);
  memset (self->key, 0, sizeof self->key);
  return TRUE;
}

static gboolean
sr_torrent_src_get_size (GstBaseSrc *src, guint64 *size)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (src);

  if (self->reader == NULL)
    return FALSE;
  *size = sr_stream_reader_get_size (self->reader);
  return TRUE;
}

static gboolean
sr_torrent_src_is_seekable (GstBaseSrc *src)
{
  (void) src;
  return TRUE;
}

static gboolean
sr_torrent_src_do_seek (GstBaseSrc *src, GstSegment *segment)
{
  /* Reads carry their own offsets: a seek only moves where the next one
   * starts, and the reader moves its deadlines when it sees it. */
  segment->time = segment->start;
  (void) src;
  return TRUE;
}

static gboolean
sr_torrent_src_unlock (GstBaseSrc *src)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (src);

  g_mutex_lock (&self->lock);
  g_cancellable_cancel (self->cancellable);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
sr_torrent_src_unlock_stop (GstBaseSrc *src)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (src);

  g_mutex_lock (&self->lock);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
sr_torrent_src_query (GstBaseSrc *src, GstQuery *query)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (src);

  switch (GST_QUERY_TYPE (query))
    {
    case GST_QUERY_URI:
      {
        g_autofree char *uri = NULL;

        g_mutex_lock (&self->lock);
        /* The file's name ends the URI so typefind tries the right
         * demuxer first instead of probing the middle and end of the file. */
        if (self->file_name != NULL && self->info_hash != NULL)
          {
            g_autofree char *escaped = g_uri_escape_string (self->file_name, NULL, FALSE);
            uri = g_strdup_printf (SR_TORRENT_SRC_URI_SCHEME "://%s/%u/%s",
                                   self->info_hash, self->file_index, escaped);
          }
        else
          uri = g_strdup (self->uri);
        g_mutex_unlock (&self->lock);
        gst_query_set_uri (query, uri);
        return TRUE;
      }
    case GST_QUERY_SCHEDULING:
      /* No BANDWIDTH_LIMITED: with it uridecodebin takes us for a network
       * stream and puts a queue2 in front of the demuxer, which then runs
       * in push mode (seek to a missing region 1.9 s instead of 0.6-0.9 s,
       * and queue2's own buffering messages pause playback). Waits are
       * reported by our own buffering messages instead. */
      gst_query_set_scheduling (query, GST_SCHEDULING_FLAG_SEEKABLE,
                                1, -1, 0);
      gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
      gst_query_add_scheduling_mode (query, GST_PAD_MODE_PULL);
      return TRUE;
    default:
      return GST_BASE_SRC_CLASS (sr_torrent_src_parent_class)->query (src, query);
    }
}

static gboolean
on_read_slow (GstClock *clock, GstClockTime time, GstClockID id, gpointer user_data)
{
  SrTorrentSrc *self = user_data;

  (void) clock;
  (void) time;
  (void) id;
  g_atomic_int_set (&self->buffering_posted, TRUE);
  gst_element_post_message (GST_ELEMENT (self), gst_message_new_buffering (GST_OBJECT (self), 0));
  return TRUE;
}

static GstFlowReturn
sr_torrent_src_create (GstBaseSrc *src, guint64 offset, guint length, GstBuffer **buffer)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (src);
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GstClock) clock = gst_system_clock_obtain ();
  g_autoptr(GError) error = NULL;
  GstClockID slow;
  GstBuffer *buf;
  GstMapInfo map;
  gsize got = 0;
  guint64 size = sr_stream_reader_get_size (self->reader);

  if (offset >= size)
    return GST_FLOW_EOS;
  if (length > size - offset)
    length = (guint) (size - offset);

  g_mutex_lock (&self->lock);
  cancellable = self->cancellable != NULL ? g_object_ref (self->cancellable) : g_cancellable_new ();
  g_mutex_unlock (&self->lock);

  buf = gst_buffer_new_allocate (NULL, length, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);

  slow = gst_clock_new_single_shot_id (clock, gst_clock_get_time (clock) + BUFFERING_DELAY);
  gst_clock_id_wait_async (slow, on_read_slow, gst_object_ref (self), gst_object_unref);

  while (got < length)
    {
      gssize n = sr_stream_reader_read (self->reader, offset + got, map.data + got, length - got,
                                        cancellable, &error);
      if (n <= 0)
        break;
      got += (gsize) n;
    }

  gst_clock_id_unschedule (slow);
  gst_clock_id_unref (slow);
  if (g_atomic_int_compare_and_exchange (&self->buffering_posted, TRUE, FALSE))
    gst_element_post_message (GST_ELEMENT (self), gst_message_new_buffering (GST_OBJECT (self), 100));

  if (error != NULL)
    {
      gst_buffer_unmap (buf, &map);
      gst_buffer_unref (buf);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GST_DEBUG_OBJECT (self, "read at %" G_GUINT64_FORMAT " cancelled", offset);
          return GST_FLOW_FLUSHING;
        }
      GST_ELEMENT_ERROR (self, RESOURCE, READ, ("%s", error->message), (NULL));
      return GST_FLOW_ERROR;
    }
  if (got == 0)
    {
      gst_buffer_unmap (buf, &map);
      gst_buffer_unref (buf);
      return GST_FLOW_EOS;
    }

  if (self->decrypt)
    sr_content_cipher_xor (self->key, self->nonce, offset, map.data, map.data, got);

  gst_buffer_unmap (buf, &map);
  gst_buffer_set_size (buf, got);
  GST_BUFFER_OFFSET (buf) = offset;
  GST_BUFFER_OFFSET_END (buf) = offset + got;
  *buffer = buf;
  return GST_FLOW_OK;
}

/* ---- GObject ---- */

static void
sr_torrent_src_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (object);

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_CONTENT_KEY:
      g_value_set_boxed (value, self->content_key);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->lock);
}

static void
sr_torrent_src_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (object);

  switch (prop_id)
    {
    case PROP_URI:
      {
        g_autoptr(GError) error = NULL;

        if (!set_uri (self, g_value_get_string (value), &error))
          GST_WARNING_OBJECT (self, "%s", error->message);
      }
      break;
    case PROP_SESSION:
      g_mutex_lock (&self->lock);
      g_set_object (&self->session, g_value_get_object (value));
      g_mutex_unlock (&self->lock);
      break;
    case PROP_CONTENT_KEY:
      {
        GBytes *key = g_value_get_boxed (value);

        if (key != NULL && g_bytes_get_size (key) != SR_CONTENT_KEY_LEN)
          {
            g_warning ("srtorrentsrc: a content key has %d bytes", SR_CONTENT_KEY_LEN);
            break;
          }
        g_mutex_lock (&self->lock);
        g_clear_pointer (&self->content_key, g_bytes_unref);
        self->content_key = key != NULL ? g_bytes_ref (key) : NULL;
        g_mutex_unlock (&self->lock);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_torrent_src_dispose (GObject *object)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (object);

  g_clear_object (&self->reader);
  g_clear_object (&self->torrent);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->content_key, g_bytes_unref);
  G_OBJECT_CLASS (sr_torrent_src_parent_class)->dispose (object);
}

static void
sr_torrent_src_finalize (GObject *object)
{
  SrTorrentSrc *self = SR_TORRENT_SRC (object);

  g_free (self->uri);
  g_free (self->info_hash);
  g_free (self->file_name);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (sr_torrent_src_parent_class)->finalize (object);
}

static void
sr_torrent_src_class_init (SrTorrentSrcClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *src_class = GST_BASE_SRC_CLASS (klass);

  object_class->get_property = sr_torrent_src_get_property;
  object_class->set_property = sr_torrent_src_set_property;
  object_class->dispose = sr_torrent_src_dispose;
  object_class->finalize = sr_torrent_src_finalize;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SR_TYPE_TORRENT_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTENT_KEY] =
    g_param_spec_boxed ("content-key", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Seedreel torrent source", "Source/File",
                                         "Reads a file of a torrent while it downloads",
                                         "Seedreel");

  src_class->start = sr_torrent_src_start;
  src_class->stop = sr_torrent_src_stop;
  src_class->get_size = sr_torrent_src_get_size;
  src_class->is_seekable = sr_torrent_src_is_seekable;
  src_class->do_seek = sr_torrent_src_do_seek;
  src_class->unlock = sr_torrent_src_unlock;
  src_class->unlock_stop = sr_torrent_src_unlock_stop;
  src_class->query = sr_torrent_src_query;
  src_class->create = sr_torrent_src_create;
}

static void
sr_torrent_src_init (SrTorrentSrc *self)
{
  g_mutex_init (&self->lock);
  self->cancellable = g_cancellable_new ();
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_BYTES);
}

/* ---- private static plugin ---- */

static gboolean
plugin_init (GstPlugin *plugin)
{
  return gst_element_register (plugin, "srtorrentsrc", GST_RANK_PRIMARY + 1, SR_TYPE_TORRENT_SRC);
}

gboolean
sr_player_register_elements (void)
{
  static gsize done = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&done))
    {
      ok = gst_plugin_register_static (GST_VERSION_MAJOR, GST_VERSION_MINOR, "seedreel",
                                       "Seedreel's private elements", plugin_init,
                                       PACKAGE_VERSION, "GPL", "seedreel", "seedreel",
                                       "https://seedreel.org");
      g_once_init_leave (&done, 1);
    }
  return ok;
}

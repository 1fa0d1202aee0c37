/* sr-torrent.c: one torrent's status as GObject properties, refreshed by
 * its session from libtorrent's alerts and a status timer, always on the
 * main thread. */

#include "config.h"

#include <glib/gi18n.h>

#include "torrent/sr-extension.h"
#include "torrent/sr-torrent-private.h"
#include "torrent/sr-torrent-session.h"

/* Malformed extension messages a peer may send before we stop reporting
 * (and stop parsing) its messages: enough to tolerate a buggy build, small
 * enough that a hostile one cannot keep us busy. It stays connected and
 * keeps trading pieces. */
#define EXTENSION_MALFORMED_LIMIT 16

struct _SrTorrent
{
  GObject parent_instance;

  /* Borrowed: the session owns us and detaches us before it goes. */
  SrTorrentSession *session;

  /* Owned */
  SrLtTorrent *handle;
  char *name;
  char *info_hash;
  char *save_path;
  char *error_message;
  GBytes *have_pieces;
  GStrv known_peers;        /* given at add time: redialled on resume */
  char *file_error;         /* a failed write (full disk): kept until resume */
  SrTorrentState state;
  double progress;
  int download_rate;
  int upload_rate;
  int peers;
  int seeds;
  guint64 total_done;
  guint64 total_uploaded;
  guint64 total_wanted;
  gboolean has_metadata;
  guint n_pieces;
  guint piece_length;
  guint n_files;

  /* The Seedreel extension */
  GBytes *ext_hello;        /* our HELLO, serialised; NULL until set */
  GHashTable *ext_peers;    /* peer id → ExtPeer */
};

typedef struct {
  char *address;
  guint malformed;
} ExtPeer;

static void
ext_peer_free (gpointer data)
{
  ExtPeer *peer = data;

  g_free (peer->address);
  g_free (peer);
}

G_DEFINE_TYPE (SrTorrent, sr_torrent, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SrTorrentState, sr_torrent_state,
  G_DEFINE_ENUM_VALUE (SR_TORRENT_STATE_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (SR_TORRENT_STATE_CHECKING, "checking"),
  G_DEFINE_ENUM_VALUE (SR_TORRENT_STATE_DOWNLOADING_METADATA, "downloading-metadata"),
  G_DEFINE_ENUM_VALUE (SR_TORRENT_STATE_DOWNLOADING, "downloading"),
  G_DEFINE_ENUM_VALUE (SR_TORRENT_STATE_SEEDING, "seeding"),
  G_DEFINE_ENUM_VALUE (SR_TORRENT_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (SR_TORRENT_STATE_ERROR, "error"))

G_DEFINE_BOXED_TYPE (SrTorrentPeer, sr_torrent_peer, sr_torrent_peer_copy, sr_torrent_peer_free)

G_DEFINE_QUARK (sr-torrent-error-quark, sr_torrent_error)

enum {
  PROP_0,
  PROP_NAME,
  PROP_INFO_HASH,
  PROP_SAVE_PATH,
  PROP_STATE,
  PROP_PROGRESS,
  PROP_DOWNLOAD_RATE,
  PROP_UPLOAD_RATE,
  PROP_PEERS,
  PROP_SEEDS,
  PROP_TOTAL_DONE,
  PROP_TOTAL_WANTED,
  PROP_HAS_METADATA,
  PROP_ERROR_MESSAGE,
  PROP_HAVE_PIECES,
  PROP_TOTAL_UPLOADED,
  N_PROPS
};

enum {
  PIECE_FINISHED,
  FINISHED,
  ERROR,
  EXTENSION_PEER_ADDED,
  EXTENSION_PEER_REMOVED,
  EXTENSION_MESSAGE,
  EXTENSION_MALFORMED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

SrTorrentPeer *
sr_torrent_peer_copy (const SrTorrentPeer *peer)
{
  SrTorrentPeer *copy = g_new0 (SrTorrentPeer, 1);

  copy->address = g_strdup (peer->address);
  copy->client = g_strdup (peer->client);
  copy->payload_down = peer->payload_down;
  copy->payload_up = peer->payload_up;
  copy->seed = peer->seed;
  return copy;
}

void
sr_torrent_peer_free (SrTorrentPeer *peer)
{
  if (peer == NULL)
    return;
  g_free (peer->address);
  g_free (peer->client);
  g_free (peer);
}

void
_sr_torrent_set_error (GError **error, const SrLtError *lt_error)
{
  SrTorrentError code;

  switch (lt_error->code)
    {
    case SR_LT_ERR_INVALID: code = SR_TORRENT_ERROR_INVALID; break;
    case SR_LT_ERR_UNSAFE_PATH: code = SR_TORRENT_ERROR_UNSAFE_PATH; break;
    case SR_LT_ERR_IO: code = SR_TORRENT_ERROR_IO; break;
    case SR_LT_ERR_DUPLICATE: code = SR_TORRENT_ERROR_DUPLICATE; break;
    case SR_LT_ERR_CANCELLED:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The operation was cancelled"));
      return;
    default: code = SR_TORRENT_ERROR_FAILED; break;
    }
  g_set_error_literal (error, SR_TORRENT_ERROR, code, lt_error->message);
}

static void
set_string (SrTorrent *self, char **field, char *value, int prop)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }
  g_free (*field);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

#define SET_NUMBER(self, field, value, prop) \
  G_STMT_START { \
    if ((self)->field != (value)) \
      { \
        (self)->field = (value); \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      } \
  } G_STMT_END

static SrTorrentState
state_from_status (SrTorrent *self, const SrLtStatus *st)
{
  /* libtorrent may only switch to upload mode on a failed write, which
   * looks like downloading: keep the error visible until resume. */
  if (st->error != NULL || self->file_error != NULL)
    return SR_TORRENT_STATE_ERROR;
  if (st->paused)
    return SR_TORRENT_STATE_PAUSED;
  switch (st->state)
    {
    case SR_LT_STATE_CHECKING_FILES:
    case SR_LT_STATE_CHECKING_RESUME_DATA:
      return SR_TORRENT_STATE_CHECKING;
    case SR_LT_STATE_DOWNLOADING_METADATA:
      return SR_TORRENT_STATE_DOWNLOADING_METADATA;
    case SR_LT_STATE_DOWNLOADING:
      return SR_TORRENT_STATE_DOWNLOADING;
    case SR_LT_STATE_FINISHED:
    case SR_LT_STATE_SEEDING:
      return SR_TORRENT_STATE_SEEDING;
    default:
      return SR_TORRENT_STATE_UNKNOWN;
    }
}

/* Pulls the current status from libtorrent and notifies what changed. */
void
sr_torrent_refresh (SrTorrent *self)
{
  SrLtStatus st;
  SrLtError err;

  g_return_if_fail (SR_IS_TORRENT (self));

  if (self->handle == NULL)
    return;
  if (!sr_lt_torrent_status (self->handle, &st, &err))
    return;

  g_object_freeze_notify (G_OBJECT (self));

  if (st.has_metadata && !self->has_metadata)
    {
      self->n_pieces = sr_lt_torrent_num_pieces (self->handle);
      self->piece_length = sr_lt_torrent_piece_length (self->handle);
      self->n_files = sr_lt_torrent_num_files (self->handle);
    }
  SET_NUMBER (self, has_metadata, st.has_metadata, PROP_HAS_METADATA);
  set_string (self, &self->name, sr_lt_torrent_name (self->handle), PROP_NAME);
  set_string (self, &self->save_path, sr_lt_torrent_save_path (self->handle), PROP_SAVE_PATH);
  set_string (self, &self->error_message, g_strdup (self->file_error ? self->file_error : st.error), PROP_ERROR_MESSAGE);
  SET_NUMBER (self, state, state_from_status (self, &st), PROP_STATE);
  SET_NUMBER (self, progress, (double) st.progress, PROP_PROGRESS);
  SET_NUMBER (self, download_rate, st.download_rate, PROP_DOWNLOAD_RATE);
  SET_NUMBER (self, upload_rate, st.upload_rate, PROP_UPLOAD_RATE);
  SET_NUMBER (self, peers, st.num_peers, PROP_PEERS);
  SET_NUMBER (self, seeds, st.num_seeds, PROP_SEEDS);
  SET_NUMBER (self, total_done, (guint64) MAX (st.total_done, 0), PROP_TOTAL_DONE);
  SET_NUMBER (self, total_wanted, (guint64) MAX (st.total_wanted, 0), PROP_TOTAL_WANTED);
  SET_NUMBER (self, total_uploaded, (guint64) MAX (st.all_time_upload, 0), PROP_TOTAL_UPLOADED);

  if (self->has_metadata)
    {
      int n = 0;
      g_autofree guint8 *bits = sr_lt_torrent_pieces (self->handle, &n);
      g_autoptr(GBytes) bytes = g_bytes_new (bits, bits ? ((gsize) n + 7) / 8 : 0);

      if (self->have_pieces == NULL || !g_bytes_equal (bytes, self->have_pieces))
        {
          g_clear_pointer (&self->have_pieces, g_bytes_unref);
          self->have_pieces = g_steal_pointer (&bytes);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAVE_PIECES]);
        }
    }

  sr_lt_status_clear (&st);
  g_object_thaw_notify (G_OBJECT (self));
}

/* libtorrent's mmap storage learns of a full disk through a fault while
 * copying into the mapped file, and does not always report it as ENOSPC
 * (it can surface as "Bad address" first). When a write fails for another
 * reason, ask the file system: no room left for one more piece means the
 * disk is full, whatever the error said. */
static gboolean
save_path_is_full (SrTorrent *self)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFileInfo) info = NULL;
  guint64 room = MAX (self->piece_length, 1024 * 1024);

  if (self->save_path == NULL)
    return FALSE;
  dir = g_file_new_for_path (self->save_path);
  info = g_file_query_filesystem_info (dir, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
  if (info == NULL || !g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    return FALSE;
  return g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE) < room;
}

static SrLtSession *
lt_session (SrTorrent *self)
{
  return self->session != NULL ? _sr_torrent_session_get_lt (self->session) : NULL;
}

static gboolean
send_bytes (SrTorrent *self, guint64 peer_id, GBytes *bytes)
{
  SrLtSession *lt = lt_session (self);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return lt != NULL && sr_lt_session_send_extension (lt, peer_id, data, len);
}

static void
on_extension_handshake (SrTorrent *self, const SrLtAlert *alert)
{
  g_autoptr(GError) error = NULL;
  SrExtensionMessage hello;
  gboolean have_hello;
  ExtPeer *peer = g_hash_table_lookup (self->ext_peers, &alert->peer_id);

  if (peer == NULL)
    {
      guint64 *key = g_memdup2 (&alert->peer_id, sizeof alert->peer_id);

      peer = g_new0 (ExtPeer, 1);
      peer->address = g_strdup (alert->peer_address);
      g_hash_table_insert (self->ext_peers, key, peer);
    }
  /* Our own handshake may predate the current HELLO: repeat it now. */
  if (self->ext_hello != NULL)
    send_bytes (self, alert->peer_id, self->ext_hello);

  have_hello = alert->data_len > 0
               && sr_extension_parse (alert->data, alert->data_len, &hello, &error)
               && hello.type == SR_EXTENSION_HELLO;
  if (alert->data_len > 0 && !have_hello)
    g_debug ("Ignoring the Seedreel handshake of %s: %s", peer->address,
             error ? error->message : "not a hello");
  g_signal_emit (self, signals[EXTENSION_PEER_ADDED], 0, alert->peer_id, peer->address,
                 have_hello ? &hello : NULL);
}

static void
on_extension_message (SrTorrent *self, const SrLtAlert *alert)
{
  g_autoptr(GError) error = NULL;
  SrExtensionMessage message;
  ExtPeer *peer = g_hash_table_lookup (self->ext_peers, &alert->peer_id);

  if (peer == NULL || peer->malformed >= EXTENSION_MALFORMED_LIMIT)
    return;
  if (!sr_extension_parse (alert->data, alert->data_len, &message, &error))
    {
      if (g_error_matches (error, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_UNSUPPORTED))
        return;
      peer->malformed++;
      g_signal_emit (self, signals[EXTENSION_MALFORMED], 0, alert->peer_id, peer->address, error);
      return;
    }
  g_signal_emit (self, signals[EXTENSION_MESSAGE], 0, alert->peer_id, peer->address, &message);
}

void
_sr_torrent_handle_alert (SrTorrent *self, const SrLtAlert *alert)
{
  switch (alert->type)
    {
    case SR_LT_ALERT_EXTENSION_HANDSHAKE:
      on_extension_handshake (self, alert);
      break;

    case SR_LT_ALERT_EXTENSION_MESSAGE:
      on_extension_message (self, alert);
      break;

    case SR_LT_ALERT_EXTENSION_CLOSED:
      if (g_hash_table_remove (self->ext_peers, &alert->peer_id))
        g_signal_emit (self, signals[EXTENSION_PEER_REMOVED], 0, alert->peer_id);
      break;

    case SR_LT_ALERT_PIECE_FINISHED:
      g_signal_emit (self, signals[PIECE_FINISHED], 0, alert->piece);
      break;

    case SR_LT_ALERT_TORRENT_FINISHED:
      sr_torrent_refresh (self);
      g_signal_emit (self, signals[FINISHED], 0);
      break;

    case SR_LT_ALERT_FILE_ERROR:
    case SR_LT_ALERT_TORRENT_ERROR:
      {
        g_autoptr(GError) error = NULL;
        SrLtStatus st = { 0 };
        gboolean current;

        /* Writes in flight when the disk filled up report their failures
         * after the first; if the person has resumed meanwhile, libtorrent
         * has left the error behind and these must not bring it back. */
        current = !sr_lt_torrent_status (self->handle, &st, NULL)
                  || st.error != NULL || st.upload_mode || st.paused;
        sr_lt_status_clear (&st);
        if (!current)
          {
            g_debug ("%s: ignoring a write error from before resume: %s", self->name, alert->message);
            break;
          }

        if (alert->disk_full || save_path_is_full (self))
          error = g_error_new (SR_TORRENT_ERROR, SR_TORRENT_ERROR_DISK_FULL,
                               _("The disk is full: free some space, then resume “%s”"),
                               self->name ? self->name : "");
        else
          error = g_error_new (SR_TORRENT_ERROR, SR_TORRENT_ERROR_IO,
                               _("Could not write “%s”: %s"),
                               alert->file && *alert->file ? alert->file : (self->name ? self->name : ""),
                               alert->message);
        /* The first error is the cause; later ones (a full disk seen through
         * mmap also reports "Bad address") would only hide it. */
        if (self->file_error == NULL)
          self->file_error = g_strdup (error->message);
        sr_torrent_refresh (self);
        g_signal_emit (self, signals[ERROR], 0, error);
        break;
      }

    case SR_LT_ALERT_METADATA_RECEIVED:
    case SR_LT_ALERT_STATE_CHANGED:
    case SR_LT_ALERT_TORRENT_CHECKED:
    case SR_LT_ALERT_TORRENT_PAUSED:
    case SR_LT_ALERT_TORRENT_RESUMED:
      sr_torrent_refresh (self);
      break;

    default:
      break;
    }
}

SrTorrent *
_sr_torrent_new (SrTorrentSession *session, SrLtTorrent *handle)
{
  SrTorrent *self = g_object_new (SR_TYPE_TORRENT, NULL);

  self->session = session;
  self->handle = handle;
  self->info_hash = sr_lt_torrent_info_hash (handle);
  sr_torrent_refresh (self);
  return self;
}

void
_sr_torrent_set_known_peers (SrTorrent *self, const char *const *peers)
{
  g_clear_pointer (&self->known_peers, g_strfreev);
  self->known_peers = g_strdupv ((char **) peers);
}

SrLtTorrent *
_sr_torrent_get_handle (SrTorrent *self)
{
  return self->handle;
}

void
_sr_torrent_detach (SrTorrent *self)
{
  self->session = NULL;
}

gboolean
_sr_torrent_is_detached (SrTorrent *self)
{
  return self->session == NULL;
}

static void
sr_torrent_finalize (GObject *object)
{
  SrTorrent *self = SR_TORRENT (object);

  g_clear_pointer (&self->handle, sr_lt_torrent_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->info_hash, g_free);
  g_clear_pointer (&self->save_path, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->have_pieces, g_bytes_unref);
  g_clear_pointer (&self->known_peers, g_strfreev);
  g_clear_pointer (&self->file_error, g_free);
  g_clear_pointer (&self->ext_hello, g_bytes_unref);
  g_clear_pointer (&self->ext_peers, g_hash_table_unref);

  G_OBJECT_CLASS (sr_torrent_parent_class)->finalize (object);
}

static void
sr_torrent_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SrTorrent *self = SR_TORRENT (object);

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_INFO_HASH: g_value_set_string (value, self->info_hash); break;
    case PROP_SAVE_PATH: g_value_set_string (value, self->save_path); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_PROGRESS: g_value_set_double (value, self->progress); break;
    case PROP_DOWNLOAD_RATE: g_value_set_int (value, self->download_rate); break;
    case PROP_UPLOAD_RATE: g_value_set_int (value, self->upload_rate); break;
    case PROP_PEERS: g_value_set_int (value, self->peers); break;
    case PROP_SEEDS: g_value_set_int (value, self->seeds); break;
    case PROP_TOTAL_DONE: g_value_set_uint64 (value, self->total_done); break;
    case PROP_TOTAL_WANTED: g_value_set_uint64 (value, self->total_wanted); break;
    case PROP_HAS_METADATA: g_value_set_boolean (value, self->has_metadata); break;
    case PROP_ERROR_MESSAGE: g_value_set_string (value, self->error_message); break;
    case PROP_HAVE_PIECES: g_value_set_boxed (value, self->have_pieces); break;
    case PROP_TOTAL_UPLOADED: g_value_set_uint64 (value, self->total_uploaded); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_torrent_class_init (SrTorrentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sr_torrent_finalize;
  object_class->get_property = sr_torrent_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_INFO_HASH] = g_param_spec_string ("info-hash", NULL, NULL, NULL, ro);
  properties[PROP_SAVE_PATH] = g_param_spec_string ("save-path", NULL, NULL, NULL, ro);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, SR_TYPE_TORRENT_STATE,
                                              SR_TORRENT_STATE_UNKNOWN, ro);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, ro);
  properties[PROP_DOWNLOAD_RATE] = g_param_spec_int ("download-rate", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_UPLOAD_RATE] = g_param_spec_int ("upload-rate", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_PEERS] = g_param_spec_int ("peers", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_SEEDS] = g_param_spec_int ("seeds", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_TOTAL_DONE] = g_param_spec_uint64 ("total-done", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_TOTAL_WANTED] = g_param_spec_uint64 ("total-wanted", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_HAS_METADATA] = g_param_spec_boolean ("has-metadata", NULL, NULL, FALSE, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  /* One bit per piece, most significant bit first: the UI's downloaded ranges. */
  properties[PROP_HAVE_PIECES] = g_param_spec_boxed ("have-pieces", NULL, NULL, G_TYPE_BYTES, ro);
  /* Payload bytes this peer sent, over every session (from the resume data). */
  properties[PROP_TOTAL_UPLOADED] = g_param_spec_uint64 ("total-uploaded", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PIECE_FINISHED] = g_signal_new ("piece-finished", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_ERROR);

  /* The Seedreel extension. A peer is named by an id unique within the
   * session for the life of its connection, and by its "ip:port". */
  /* (peer id, address, hello or NULL when its handshake carried none) */
  signals[EXTENSION_PEER_ADDED] = g_signal_new ("extension-peer-added", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_STRING,
                                                SR_TYPE_EXTENSION_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[EXTENSION_PEER_REMOVED] = g_signal_new ("extension-peer-removed", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_UINT64);
  /* (peer id, address, message): a well-formed message of a known type */
  signals[EXTENSION_MESSAGE] = g_signal_new ("extension-message", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_STRING,
                                             SR_TYPE_EXTENSION_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* (peer id, address, error): a message that failed to parse */
  signals[EXTENSION_MALFORMED] = g_signal_new ("extension-malformed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
sr_torrent_init (SrTorrent *self)
{
  self->ext_peers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, ext_peer_free);
}

void
sr_torrent_set_extension_hello (SrTorrent                *self,
                                const SrExtensionMessage *hello)
{
  g_autoptr(GBytes) bytes = NULL;
  SrLtSession *lt;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (SR_IS_TORRENT (self));
  g_return_if_fail (hello != NULL && hello->type == SR_EXTENSION_HELLO);

  bytes = sr_extension_serialize (hello);
  if (self->ext_hello != NULL && g_bytes_equal (bytes, self->ext_hello))
    return;
  g_clear_pointer (&self->ext_hello, g_bytes_unref);
  self->ext_hello = g_bytes_ref (bytes);
  if ((lt = lt_session (self)) == NULL || self->handle == NULL)
    return;
  sr_lt_session_set_extension_handshake (lt, sr_lt_torrent_id (self->handle),
                                         g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_hash_table_iter_init (&iter, self->ext_peers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    send_bytes (self, *(guint64 *) key, bytes);
}

gboolean
sr_torrent_send_extension (SrTorrent                *self,
                           guint64                   peer_id,
                           const SrExtensionMessage *message)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (SR_IS_TORRENT (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  if (!g_hash_table_contains (self->ext_peers, &peer_id))
    return FALSE;
  bytes = sr_extension_serialize (message);
  return bytes != NULL && send_bytes (self, peer_id, bytes);
}

gboolean
sr_torrent_send_extension_raw (SrTorrent *self,
                               guint64    peer_id,
                               GBytes    *payload)
{
  g_return_val_if_fail (SR_IS_TORRENT (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  return g_hash_table_contains (self->ext_peers, &peer_id) && send_bytes (self, peer_id, payload);
}

GArray *
sr_torrent_list_extension_peers (SrTorrent *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint64));
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (SR_IS_TORRENT (self), ids);

  g_hash_table_iter_init (&iter, self->ext_peers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(guint64 *) key);
  return ids;
}

char *
sr_torrent_dup_info_hash_v2 (SrTorrent *self)
{
  g_autofree char *hex = NULL;

  g_return_val_if_fail (SR_IS_TORRENT (self), NULL);

  if (self->handle == NULL || (hex = sr_lt_torrent_info_hash_v2 (self->handle)) == NULL)
    return NULL;
  return g_strdup (hex);
}

SrTorrentSession *sr_torrent_get_session (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), NULL); return self->session; }
const char *sr_torrent_get_name (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), NULL); return self->name; }
const char *sr_torrent_get_info_hash (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), NULL); return self->info_hash; }
const char *sr_torrent_get_save_path (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), NULL); return self->save_path; }
SrTorrentState sr_torrent_get_state (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->state; }
double sr_torrent_get_progress (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->progress; }
int sr_torrent_get_download_rate (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->download_rate; }
int sr_torrent_get_upload_rate (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->upload_rate; }
int sr_torrent_get_peers (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->peers; }
int sr_torrent_get_seeds (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->seeds; }
guint64 sr_torrent_get_total_done (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->total_done; }
guint64 sr_torrent_get_total_uploaded (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->total_uploaded; }
guint64 sr_torrent_get_total_wanted (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->total_wanted; }
gboolean sr_torrent_get_has_metadata (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), FALSE); return self->has_metadata; }
const char *sr_torrent_get_error_message (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), NULL); return self->error_message; }
GBytes *sr_torrent_get_have_pieces (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), NULL); return self->have_pieces; }
guint sr_torrent_get_n_pieces (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->n_pieces; }
guint sr_torrent_get_piece_length (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->piece_length; }
guint sr_torrent_get_n_files (SrTorrent *self) { g_return_val_if_fail (SR_IS_TORRENT (self), 0); return self->n_files; }

char *
sr_torrent_dup_file_path (SrTorrent *self, guint index)
{
  SrLtFile file;
  char *path;

  g_return_val_if_fail (SR_IS_TORRENT (self), NULL);

  if (!sr_lt_torrent_file (self->handle, (int) index, &file))
    return NULL;
  path = g_strdup (file.path);
  free (file.path);
  return path;
}

guint64
sr_torrent_get_file_size (SrTorrent *self, guint index)
{
  SrLtFile file;

  g_return_val_if_fail (SR_IS_TORRENT (self), 0);

  if (!sr_lt_torrent_file (self->handle, (int) index, &file))
    return 0;
  free (file.path);
  return (guint64) file.size;
}

GArray *
sr_torrent_get_file_progress (SrTorrent *self)
{
  int n = 0;
  g_autofree gint64 *done = NULL;
  GArray *array = g_array_new (FALSE, TRUE, sizeof (guint64));

  g_return_val_if_fail (SR_IS_TORRENT (self), array);

  done = (gint64 *) sr_lt_torrent_file_progress (self->handle, &n);
  for (int i = 0; i < n; i++)
    {
      guint64 v = (guint64) MAX (done[i], 0);
      g_array_append_val (array, v);
    }
  return array;
}

gboolean
sr_torrent_set_file_priority (SrTorrent *self, guint index, SrFilePriority priority, GError **error)
{
  SrLtError err;

  g_return_val_if_fail (SR_IS_TORRENT (self), FALSE);

  if (index >= self->n_files)
    {
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID,
                   _("The torrent has no file number %u"), index);
      return FALSE;
    }
  if (!sr_lt_torrent_set_file_priority (self->handle, (int) index, (int) priority, &err))
    {
      _sr_torrent_set_error (error, &err);
      return FALSE;
    }
  return TRUE;
}

gboolean
sr_torrent_move_storage (SrTorrent *self, const char *path, GError **error)
{
  SrLtError err;

  g_return_val_if_fail (SR_IS_TORRENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!sr_lt_torrent_move_storage (self->handle, path, &err))
    {
      _sr_torrent_set_error (error, &err);
      return FALSE;
    }
  return TRUE;
}

SrFilePriority
sr_torrent_get_file_priority (SrTorrent *self, guint index)
{
  g_return_val_if_fail (SR_IS_TORRENT (self), SR_FILE_PRIORITY_SKIP);
  return (SrFilePriority) MAX (sr_lt_torrent_file_priority (self->handle, (int) index), 0);
}

GPtrArray *
sr_torrent_list_peers (SrTorrent *self)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_torrent_peer_free);
  SrLtPeer *peers;
  int n = 0;

  g_return_val_if_fail (SR_IS_TORRENT (self), result);

  peers = sr_lt_torrent_peers (self->handle, &n);
  for (int i = 0; i < n; i++)
    {
      SrTorrentPeer *peer = g_new0 (SrTorrentPeer, 1);

      peer->address = g_strdup (peers[i].address);
      peer->client = g_strdup (peers[i].client);
      peer->payload_down = (guint64) MAX (peers[i].payload_down, 0);
      peer->payload_up = (guint64) MAX (peers[i].payload_up, 0);
      peer->seed = peers[i].seed;
      g_ptr_array_add (result, peer);
    }
  sr_lt_peers_free (peers, n);
  return result;
}

GBytes *
sr_torrent_dup_metadata (SrTorrent *self)
{
  size_t len = 0;
  guint8 *data;

  g_return_val_if_fail (SR_IS_TORRENT (self), NULL);

  data = sr_lt_torrent_metadata (self->handle, &len);
  if (data == NULL)
    return NULL;
  return g_bytes_new_with_free_func (data, len, free, data);
}

void
sr_torrent_pause (SrTorrent *self)
{
  g_return_if_fail (SR_IS_TORRENT (self));
  sr_lt_torrent_pause (self->handle);
}

/* Also the way out of an error such as a full disk: libtorrent pauses the
 * torrent and keeps the error until it is cleared. Peers we were told about
 * are dialled again at once; libtorrent would wait a minute or more. */
void
sr_torrent_resume (SrTorrent *self)
{
  g_return_if_fail (SR_IS_TORRENT (self));
  g_clear_pointer (&self->file_error, g_free);
  sr_lt_torrent_resume (self->handle);
  for (guint i = 0; self->known_peers != NULL && self->known_peers[i] != NULL; i++)
    sr_lt_torrent_connect_peer (self->handle, self->known_peers[i], NULL);
}

void
sr_torrent_force_recheck (SrTorrent *self)
{
  g_return_if_fail (SR_IS_TORRENT (self));
  sr_lt_torrent_force_recheck (self->handle);
}

gboolean
sr_torrent_connect_peer (SrTorrent *self, const char *address, GError **error)
{
  SrLtError err;

  g_return_val_if_fail (SR_IS_TORRENT (self), FALSE);

  if (!sr_lt_torrent_connect_peer (self->handle, address, &err))
    {
      g_set_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID,
                   _("“%s” is not a peer address: %s"), address, err.message);
      return FALSE;
    }
  return TRUE;
}

void
sr_torrent_set_rate_limits (SrTorrent *self, int upload_bytes_per_s, int download_bytes_per_s)
{
  g_return_if_fail (SR_IS_TORRENT (self));
  sr_lt_torrent_set_limits (self->handle, upload_bytes_per_s, download_bytes_per_s);
}

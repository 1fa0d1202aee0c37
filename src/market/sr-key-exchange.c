/* sr-key-exchange.c: content keys over the Seedreel peer extension (see
 * sr-key-exchange.h). Everything runs on the main thread, driven by the
 * torrent's extension signals; the chain and the wallet agent are asked
 * asynchronously, so a slow node never holds up the swarm. A peer that sends
 * forged or excessive requests is refused or ignored, never disconnected. */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "crypto/sr-content-cipher.h"
#include "crypto/sr-eip712.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-keccak.h"
#include "crypto/sr-key-wrap.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-u256.h"
#include "market/sr-key-exchange.h"

/* Requests one peer may make per window before it is told to wait, and
 * how many more it may make before we stop answering at all. */
#define RATE_WINDOW_US (60 * G_USEC_PER_SEC)
#define RATE_LIMIT 6
#define RATE_GRACE 2
/* How long a viewer waits for one peer's answer before asking the next. */
#define ANSWER_TIMEOUT_S 15
/* How long a viewer looks for a peer holding the key at all. */
#define FETCH_TIMEOUT_S 90

G_STATIC_ASSERT (SR_KEY_EXCHANGE_SEALED_LEN == SR_EXTENSION_SEALED_KEY_LEN);
G_STATIC_ASSERT (SR_KEY_EXCHANGE_SEALED_LEN == SR_CONTENT_KEY_LEN + SR_KEY_WRAP_OVERHEAD);

G_DEFINE_QUARK (sr-key-exchange-error-quark, sr_key_exchange_error)

typedef struct {
  guint64 id;
  char *address;
  gboolean has_key;        /* its HELLO says it holds the key */
  gboolean has_hello;
  guint8 nonce[32];        /* its HELLO nonce: what our requests to it sign */
  gint64 window_start;
  guint requests;
  gboolean checking;       /* one of its requests is being checked on chain */
  gboolean tried;          /* we asked it for the key (viewer side) */
  gboolean late;           /* we stopped waiting for its answer, which may still come */
} Peer;

struct _SrKeyExchange
{
  GObject parent_instance;

  SrTorrent *torrent;
  SrRegistry *registry;
  SrKeyExchangeTitle title;
  guint8 nonce[32];
  GBytes *key;
  GHashTable *peers;          /* peer id → Peer */
  GHashTable *verified;       /* "viewid:address" hex → TRUE: purchases already checked */
  gulong handlers[4];

  /* Viewer side: at most one fetch at a time. */
  GTask *fetch;
  guint8 view_id[SR_U256_LEN];
  gboolean viewing;
};

G_DEFINE_TYPE (SrKeyExchange, sr_key_exchange, G_TYPE_OBJECT)

enum {
  KEY_SERVED,
  REQUEST_REFUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void fetch_try_next (SrKeyExchange *self);

static void
peer_free (gpointer data)
{
  Peer *peer = data;

  g_free (peer->address);
  g_free (peer);
}

/* ---- digests and checks ---- */

void
sr_key_check_compute (const guint8 *key,
                      gsize         key_len,
                      guint8        check[SR_KEY_CHECK_LEN])
{
  static const char label[] = "seedreel key check v1";
  SrKeccak256 ctx;
  guint8 digest[32];

  sr_keccak256_init (&ctx);
  sr_keccak256_update (&ctx, (const guint8 *) label, sizeof label - 1);
  sr_keccak256_update (&ctx, key, key_len);
  sr_keccak256_digest (&ctx, digest);
  memcpy (check, digest, SR_KEY_CHECK_LEN);
}

static void
add_field (JsonBuilder *b, const char *name, const char *type)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_end_object (b);
}

static JsonNode *
typed_data_node (const SrKeyExchangeTitle *title,
                 const guint8              view_id[SR_U256_LEN],
                 const guint8              nonce[32])
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *registry = sr_address_to_checksum (title->registry);
  g_autofree char *view = sr_u256_to_decimal (view_id);
  g_autofree char *infohash = sr_hex_encode (title->infohash, 32);
  g_autofree char *nonce_hex = sr_hex_encode (nonce, 32);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "types");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "EIP712Domain");
  json_builder_begin_array (b);
  add_field (b, "name", "string");
  add_field (b, "version", "string");
  add_field (b, "chainId", "uint256");
  add_field (b, "verifyingContract", "address");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "KeyRequest");
  json_builder_begin_array (b);
  add_field (b, "viewId", "uint256");
  add_field (b, "infohash", "bytes32");
  add_field (b, "nonce", "bytes32");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "primaryType");
  json_builder_add_string_value (b, "KeyRequest");
  json_builder_set_member_name (b, "domain");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "Seedreel");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, "1");
  json_builder_set_member_name (b, "chainId");
  json_builder_add_int_value (b, (gint64) title->chain_id);
  json_builder_set_member_name (b, "verifyingContract");
  json_builder_add_string_value (b, registry);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "viewId");
  json_builder_add_string_value (b, view);
  json_builder_set_member_name (b, "infohash");
  json_builder_add_string_value (b, infohash);
  json_builder_set_member_name (b, "nonce");
  json_builder_add_string_value (b, nonce_hex);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
sr_key_request_typed_data (const SrKeyExchangeTitle *title,
                           const guint8              view_id[SR_U256_LEN],
                           const guint8              nonce[32])
{
  g_autoptr(JsonNode) root = typed_data_node (title, view_id, nonce);

  return json_to_string (root, FALSE);
}

gboolean
sr_key_request_digest (const SrKeyExchangeTitle *title,
                       const guint8              view_id[SR_U256_LEN],
                       const guint8              nonce[32],
                       guint8                    digest[32],
                       GError                  **error)
{
  g_autoptr(JsonNode) root = typed_data_node (title, view_id, nonce);
  SrEip712Hashes hashes;

  if (!sr_eip712_hash_node (root, &hashes, error))
    return FALSE;
  memcpy (digest, hashes.digest, 32);
  return TRUE;
}

static void
associated_data (SrKeyExchange *self,
                 const guint8   view_id[SR_U256_LEN],
                 guint8         ad[64])
{
  memcpy (ad, self->title.infohash, 32);
  memcpy (ad + 32, view_id, 32);
}

/* ---- announcing ---- */

static void
update_hello (SrKeyExchange *self)
{
  SrExtensionMessage hello = { 0 };

  hello.type = SR_EXTENSION_HELLO;
  hello.flags = (self->key != NULL ? SR_EXTENSION_FLAG_HAS_KEY : 0)
                | (self->viewing ? SR_EXTENSION_FLAG_VIEWING : 0);
  memcpy (hello.payout, self->title.payout, SR_ADDRESS_LEN);
  memcpy (hello.nonce, self->nonce, 32);
  if (self->viewing)
    memcpy (hello.view_id, self->view_id, SR_U256_LEN);
  sr_torrent_set_extension_hello (self->torrent, &hello);
}

/* ---- serving ---- */

static void
refuse (SrKeyExchange *self,
        Peer          *peer,
        const guint8   view_id[SR_U256_LEN],
        guint8         reason)
{
  SrExtensionMessage m = { 0 };

  m.type = SR_EXTENSION_KEY_REFUSAL;
  memcpy (m.view_id, view_id, SR_U256_LEN);
  m.reason = reason;
  sr_torrent_send_extension (self->torrent, peer->id, &m);
  g_signal_emit (self, signals[REQUEST_REFUSED], 0, peer->address, (guint) reason);
}

static void
send_key (SrKeyExchange *self,
          Peer          *peer,
          const guint8   view_id[SR_U256_LEN],
          const guint8   viewer_public_key[SR_PUBLIC_KEY_LEN])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = NULL;
  SrExtensionMessage m = { 0 };
  guint8 ephemeral[SR_PRIVATE_KEY_LEN], wrap_key[SR_KEY_WRAP_KEY_LEN], ad[64];
  g_autofree char *view_text = sr_u256_to_decimal (view_id);

  /* A fresh key pair per answer: the seeder's wallet stays out of it and
   * no two answers share a wrapping key. */
  do
    sr_content_cipher_generate_key (ephemeral);
  while (!sr_secp256k1_check_private_key (ephemeral, NULL));

  if (!sr_secp256k1_compressed_public_key (ephemeral, m.public_key, &error) ||
      !sr_key_wrap_derive_key (ephemeral, viewer_public_key, SR_PUBLIC_KEY_LEN, wrap_key, &error))
    {
      g_warning ("Could not seal the content key for %s: %s", peer->address, error->message);
      memset (ephemeral, 0, sizeof ephemeral);
      return;
    }
  memset (ephemeral, 0, sizeof ephemeral);
  associated_data (self, view_id, ad);
  sealed = sr_key_wrap_seal (wrap_key, g_bytes_get_data (self->key, NULL), g_bytes_get_size (self->key),
                             ad, sizeof ad);
  memset (wrap_key, 0, sizeof wrap_key);
  g_assert (g_bytes_get_size (sealed) == sizeof m.sealed_key);

  m.type = SR_EXTENSION_KEY_RESPONSE;
  memcpy (m.view_id, view_id, SR_U256_LEN);
  memcpy (m.sealed_key, g_bytes_get_data (sealed, NULL), sizeof m.sealed_key);
  if (sr_torrent_send_extension (self->torrent, peer->id, &m))
    g_signal_emit (self, signals[KEY_SERVED], 0, peer->address, view_text);
}

typedef struct {
  SrKeyExchange *self;
  guint64 peer_id;
  guint8 view_id[SR_U256_LEN];
  guint8 address[SR_ADDRESS_LEN];
  guint8 public_key[SR_PUBLIC_KEY_LEN];
} Check;

static char *
verified_key (const guint8 view_id[SR_U256_LEN], const guint8 address[SR_ADDRESS_LEN])
{
  g_autofree char *v = sr_hex_encode_bare (view_id, SR_U256_LEN);
  g_autofree char *a = sr_hex_encode_bare (address, SR_ADDRESS_LEN);

  return g_strconcat (v, ":", a, NULL);
}

static void
on_view_info (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Check *check = user_data;
  SrKeyExchange *self = check->self;
  g_autoptr(GError) error = NULL;
  SrRegistryView view;
  Peer *peer = self->peers != NULL ? g_hash_table_lookup (self->peers, &check->peer_id) : NULL;
  gboolean ok = sr_registry_view_info_finish (SR_REGISTRY (source), result, &view, &error);

  if (peer == NULL || self->torrent == NULL)
    goto out;
  peer->checking = FALSE;
  if (!ok)
    {
      g_debug ("Key request from %s: %s", peer->address, error->message);
      refuse (self, peer, check->view_id,
              g_error_matches (error, SR_RPC_ERROR, SR_RPC_ERROR_REVERTED)
                ? SR_EXTENSION_REFUSAL_UNKNOWN_VIEW : SR_EXTENSION_REFUSAL_UNAVAILABLE);
    }
  else if (memcmp (view.content_id, self->title.content_id, SR_U256_LEN) != 0)
    refuse (self, peer, check->view_id, SR_EXTENSION_REFUSAL_WRONG_CONTENT);
  else if (memcmp (view.viewer, check->address, SR_ADDRESS_LEN) != 0)
    refuse (self, peer, check->view_id, SR_EXTENSION_REFUSAL_WRONG_SIGNER);
  else if (self->key == NULL)
    refuse (self, peer, check->view_id, SR_EXTENSION_REFUSAL_NO_KEY);
  else
    {
      g_hash_table_add (self->verified, verified_key (check->view_id, check->address));
      send_key (self, peer, check->view_id, check->public_key);
    }

out:
  g_object_unref (check->self);
  g_free (check);
}

/* Counts a request against the peer's allowance: FALSE when it is over. */
static gboolean
admit (SrKeyExchange *self, Peer *peer, const guint8 view_id[SR_U256_LEN])
{
  gint64 now = g_get_monotonic_time ();

  if (peer->window_start == 0 || now - peer->window_start > RATE_WINDOW_US)
    {
      peer->window_start = now;
      peer->requests = 0;
    }
  peer->requests++;
  if (peer->requests <= RATE_LIMIT && !peer->checking)
    return TRUE;
  /* Say "busy" a couple of times so an honest peer backs off, then go quiet. */
  if (peer->requests <= RATE_LIMIT + RATE_GRACE)
    refuse (self, peer, view_id, SR_EXTENSION_REFUSAL_BUSY);
  return FALSE;
}

static void
on_key_request (SrKeyExchange            *self,
                Peer                     *peer,
                const SrExtensionMessage *m)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_key = NULL;
  guint8 digest[32];
  Check *check;

  if (!admit (self, peer, m->view_id))
    return;
  if (self->key == NULL)
    {
      refuse (self, peer, m->view_id, SR_EXTENSION_REFUSAL_NO_KEY);
      return;
    }

  check = g_new0 (Check, 1);
  check->peer_id = peer->id;
  memcpy (check->view_id, m->view_id, SR_U256_LEN);
  if (!sr_key_request_digest (&self->title, m->view_id, self->nonce, digest, &error) ||
      !sr_secp256k1_recover (digest, m->signature, check->public_key, &error) ||
      !sr_address_from_public_key (check->public_key, SR_PUBLIC_KEY_LEN, check->address, &error))
    {
      g_debug ("Key request from %s has no usable signature: %s", peer->address, error->message);
      refuse (self, peer, m->view_id, SR_EXTENSION_REFUSAL_WRONG_SIGNER);
      g_free (check);
      return;
    }

  cache_key = verified_key (check->view_id, check->address);
  if (g_hash_table_contains (self->verified, cache_key))
    {
      send_key (self, peer, check->view_id, check->public_key);
      g_free (check);
      return;
    }
  peer->checking = TRUE;
  check->self = g_object_ref (self);
  sr_registry_view_info_async (self->registry, check->view_id, NULL, on_view_info, check);
}

/* ---- fetching (viewer side) ---- */

typedef struct {
  SrSigner *signer;
  char *viewer;
  guint8 key_check[SR_KEY_CHECK_LEN];
  gboolean has_key_check;
  guint64 asking;           /* the peer asked, 0 when none */
  guint answer_timeout;
  guint deadline;
  guint refusals;
  guint wrong_keys;
  gboolean busy;            /* signing or unsealing in flight */
  SrSealedKey sealed;
  GCancellable *cancellable;
  gulong cancelled_id;
  guint cancelled_idle;
} Fetch;

static void
fetch_free (gpointer data)
{
  Fetch *f = data;

  g_clear_handle_id (&f->answer_timeout, g_source_remove);
  g_clear_handle_id (&f->deadline, g_source_remove);
  g_clear_handle_id (&f->cancelled_idle, g_source_remove);
  if (f->cancellable != NULL)
    g_cancellable_disconnect (f->cancellable, f->cancelled_id);
  g_clear_object (&f->cancellable);
  g_clear_object (&f->signer);
  g_free (f->viewer);
  g_free (f);
}

static void
fetch_complete (SrKeyExchange *self, GBytes *key, GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->fetch);
  Fetch *f;

  if (task == NULL)
    return;
  f = g_task_get_task_data (task);
  g_clear_handle_id (&f->answer_timeout, g_source_remove);
  g_clear_handle_id (&f->deadline, g_source_remove);
  g_clear_handle_id (&f->cancelled_idle, g_source_remove);
  if (key != NULL)
    g_task_return_pointer (task, g_bytes_ref (key), (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_error (task, error);
}

static gboolean
on_answer_timeout (gpointer user_data)
{
  SrKeyExchange *self = user_data;
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;

  if (f != NULL)
    {
      /* A peer checking the chain slowly may still answer: its answer is
       * taken then, meanwhile another peer is asked. */
      Peer *peer = g_hash_table_lookup (self->peers, &f->asking);

      if (peer != NULL)
        peer->late = TRUE;
      f->answer_timeout = 0;
      f->asking = 0;
      fetch_try_next (self);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
on_deadline (gpointer user_data)
{
  SrKeyExchange *self = user_data;
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;

  if (f == NULL)
    return G_SOURCE_REMOVE;
  f->deadline = 0;
  if (f->refusals > 0)
    fetch_complete (self, NULL,
                    g_error_new_literal (SR_KEY_EXCHANGE_ERROR, SR_KEY_EXCHANGE_ERROR_REFUSED,
                                         _("The peers holding this title’s key refused to hand it over: "
                                           "they could not confirm the purchase on chain")));
  else
    fetch_complete (self, NULL,
                    g_error_new_literal (SR_KEY_EXCHANGE_ERROR, SR_KEY_EXCHANGE_ERROR_NO_PEER,
                                         _("No peer holding this title’s key answered: try again when more peers are online")));
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled_idle (gpointer user_data)
{
  SrKeyExchange *self = user_data;
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;

  if (f != NULL)
    {
      f->cancelled_idle = 0;
      fetch_complete (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                       _("The operation was cancelled")));
    }
  return G_SOURCE_REMOVE;
}

/* May run in whichever thread cancels: only schedules the completion. */
static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  SrKeyExchange *self = user_data;
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;

  if (f != NULL && f->cancelled_idle == 0)
    f->cancelled_idle = g_idle_add (on_cancelled_idle, self);
}

typedef struct {
  SrKeyExchange *self;
  guint64 peer_id;
  char *json;
} Signing;

static void
signing_free (Signing *s)
{
  g_object_unref (s->self);
  g_free (s->json);
  g_free (s);
}

static void
on_request_signed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Signing *s = user_data;
  SrKeyExchange *self = s->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = sr_signer_sign_typed_data_finish (SR_SIGNER (source), result, &error);
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;
  SrExtensionMessage m = { 0 };

  if (f == NULL)
    goto out;
  f->busy = FALSE;
  if (signature == NULL || g_bytes_get_size (signature) != SR_SIGNATURE_LEN)
    {
      fetch_complete (self, NULL, error ? g_steal_pointer (&error)
                                        : g_error_new_literal (SR_SIGNER_ERROR, SR_SIGNER_ERROR_FAILED,
                                                               _("The wallet returned a signature of the wrong size")));
      goto out;
    }
  m.type = SR_EXTENSION_KEY_REQUEST;
  memcpy (m.view_id, self->view_id, SR_U256_LEN);
  memcpy (m.signature, g_bytes_get_data (signature, NULL), SR_SIGNATURE_LEN);
  if (!sr_torrent_send_extension (self->torrent, s->peer_id, &m))
    {
      f->asking = 0;
      fetch_try_next (self);
      goto out;
    }
  f->asking = s->peer_id;
  f->answer_timeout = g_timeout_add_seconds (ANSWER_TIMEOUT_S, on_answer_timeout, self);

out:
  signing_free (s);
}

static void
on_request_prepared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Signing *s = user_data;
  SrKeyExchange *self = s->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GVariant) summary = sr_signer_prepare_typed_data_finish (SR_SIGNER (source), result, &token, &error);
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;

  if (f == NULL)
    {
      signing_free (s);
      return;
    }
  if (summary == NULL)
    {
      f->busy = FALSE;
      fetch_complete (self, NULL, g_steal_pointer (&error));
      signing_free (s);
      return;
    }
  /* A key request spends nothing and only names a view this account
   * bought: the app confirms it on the user's behalf. */
  sr_signer_sign_typed_data_async (f->signer, f->viewer, s->json, token,
                                   g_task_get_cancellable (self->fetch), on_request_signed, s);
}

static void
fetch_try_next (SrKeyExchange *self)
{
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;
  GHashTableIter iter;
  gpointer value;
  Peer *pick = NULL;
  Signing *s;

  if (f == NULL || f->busy || f->asking != 0)
    return;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;

      if (peer->has_hello && peer->has_key && !peer->tried)
        {
          pick = peer;
          break;
        }
    }
  if (pick == NULL)
    {
      /* Every key holder we know turned us down for good: more peers are
       * unlikely to think otherwise about the same purchase. */
      if (f->wrong_keys > 0)
        fetch_complete (self, NULL,
                        g_error_new_literal (SR_KEY_EXCHANGE_ERROR, SR_KEY_EXCHANGE_ERROR_WRONG_KEY,
                                             _("The key a peer sent does not match this title")));
      else if (f->refusals > 0)
        fetch_complete (self, NULL,
                        g_error_new_literal (SR_KEY_EXCHANGE_ERROR, SR_KEY_EXCHANGE_ERROR_REFUSED,
                                             _("The peers holding this title’s key refused to hand it over: "
                                               "they could not confirm the purchase on chain")));
      return;   /* else wait for a peer to announce the key */
    }

  pick->tried = TRUE;
  f->busy = TRUE;
  s = g_new0 (Signing, 1);
  s->self = g_object_ref (self);
  s->peer_id = pick->id;
  s->json = sr_key_request_typed_data (&self->title, self->view_id, pick->nonce);
  sr_signer_prepare_typed_data_async (f->signer, f->viewer, s->json,
                                      g_task_get_cancellable (self->fetch), on_request_prepared, s);
}

static void
on_key_unsealed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SrKeyExchange *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = sr_signer_unwrap_key_finish (SR_SIGNER (source), result, &error);
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;
  guint8 check[SR_KEY_CHECK_LEN];

  if (f == NULL)
    goto out;
  f->busy = FALSE;
  if (key == NULL || g_bytes_get_size (key) != SR_CONTENT_KEY_LEN)
    {
      g_debug ("A sealed key could not be opened: %s", error ? error->message : "wrong size");
      f->asking = 0;
      fetch_try_next (self);
      goto out;
    }
  sr_key_check_compute (g_bytes_get_data (key, NULL), g_bytes_get_size (key), check);
  if (f->has_key_check && memcmp (check, f->key_check, SR_KEY_CHECK_LEN) != 0)
    {
      /* A peer with a wrong key (or a forged title) is skipped; others may be right. */
      g_debug ("A peer sent a key that does not match the title's key check");
      f->asking = 0;
      f->wrong_keys++;
      fetch_try_next (self);   /* may complete the fetch: f is gone after this */
      goto out;
    }
  sr_key_exchange_set_content_key (self, key);
  fetch_complete (self, key, NULL);

out:
  g_object_unref (self);
}

static void
on_key_response (SrKeyExchange *self, Peer *peer, const SrExtensionMessage *m)
{
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;
  g_autoptr(GBytes) public_key = NULL, sealed = NULL, ad_bytes = NULL;
  guint8 ad[64];

  /* Only the answer we asked for, from the peer we asked (or asked before
   * and stopped waiting for). */
  if (f == NULL || f->busy || memcmp (m->view_id, self->view_id, SR_U256_LEN) != 0)
    return;
  if (f->asking != peer->id && !(f->asking == 0 && peer->late))
    return;
  peer->late = FALSE;
  f->asking = peer->id;
  g_clear_handle_id (&f->answer_timeout, g_source_remove);
  memcpy (f->sealed.view_id, m->view_id, SR_U256_LEN);
  memcpy (f->sealed.public_key, m->public_key, sizeof f->sealed.public_key);
  memcpy (f->sealed.sealed, m->sealed_key, sizeof f->sealed.sealed);
  associated_data (self, m->view_id, ad);
  public_key = g_bytes_new (m->public_key, sizeof m->public_key);
  sealed = g_bytes_new (m->sealed_key, sizeof m->sealed_key);
  ad_bytes = g_bytes_new (ad, sizeof ad);
  f->busy = TRUE;
  sr_signer_unwrap_key_async (f->signer, f->viewer, public_key, sealed, ad_bytes,
                              g_task_get_cancellable (self->fetch), on_key_unsealed, g_object_ref (self));
}

static void
on_key_refusal (SrKeyExchange *self, Peer *peer, const SrExtensionMessage *m)
{
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;

  if (f == NULL || memcmp (m->view_id, self->view_id, SR_U256_LEN) != 0)
    return;
  if (f->asking != peer->id)
    {
      /* A late refusal still counts; the peer being asked now goes on. */
      if (!peer->late)
        return;
      g_debug ("%s refused the key late (reason %u)", peer->address, m->reason);
      peer->late = FALSE;
      if (m->reason == SR_EXTENSION_REFUSAL_BUSY || m->reason == SR_EXTENSION_REFUSAL_UNAVAILABLE)
        peer->tried = FALSE;
      else
        f->refusals++;
      fetch_try_next (self);
      return;
    }
  g_debug ("%s refused the key (reason %u)", peer->address, m->reason);
  g_clear_handle_id (&f->answer_timeout, g_source_remove);
  f->asking = 0;
  if (m->reason == SR_EXTENSION_REFUSAL_BUSY || m->reason == SR_EXTENSION_REFUSAL_UNAVAILABLE)
    peer->tried = FALSE;   /* worth asking again later */
  else
    f->refusals++;
  fetch_try_next (self);
}

void
sr_key_exchange_fetch_key_async (SrKeyExchange       *self,
                                 SrSigner            *signer,
                                 const char          *viewer,
                                 const guint8         view_id[SR_U256_LEN],
                                 const guint8        *key_check,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Fetch *f;

  g_return_if_fail (SR_IS_KEY_EXCHANGE (self));
  g_return_if_fail (SR_IS_SIGNER (signer));
  g_return_if_fail (viewer != NULL && view_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_key_exchange_fetch_key_async);
  if (self->fetch != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The key for this title is already being fetched"));
      return;
    }
  f = g_new0 (Fetch, 1);
  f->signer = g_object_ref (signer);
  f->viewer = g_strdup (viewer);
  if (key_check != NULL)
    {
      memcpy (f->key_check, key_check, SR_KEY_CHECK_LEN);
      f->has_key_check = TRUE;
    }
  g_task_set_task_data (task, f, fetch_free);
  g_task_set_return_on_cancel (task, FALSE);
  self->fetch = g_steal_pointer (&task);

  memcpy (self->view_id, view_id, SR_U256_LEN);
  self->viewing = TRUE;
  update_hello (self);
  f->deadline = g_timeout_add_seconds (FETCH_TIMEOUT_S, on_deadline, self);
  if (cancellable != NULL)
    {
      f->cancellable = g_object_ref (cancellable);
      f->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
    }
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->peers);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        ((Peer *) value)->tried = FALSE;
        ((Peer *) value)->late = FALSE;
      }
  }
  fetch_try_next (self);
}

GBytes *
sr_key_exchange_fetch_key_finish (SrKeyExchange  *self,
                                  GAsyncResult   *result,
                                  SrSealedKey    *sealed,
                                  GError        **error)
{
  GBytes *key;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_key_exchange_fetch_key_async, NULL);

  key = g_task_propagate_pointer (G_TASK (result), error);
  if (key != NULL && sealed != NULL)
    *sealed = ((Fetch *) g_task_get_task_data (G_TASK (result)))->sealed;
  return key;
}

/* ---- the torrent's extension signals ---- */

static Peer *
lookup_peer (SrKeyExchange *self, guint64 id, const char *address)
{
  Peer *peer = g_hash_table_lookup (self->peers, &id);

  if (peer == NULL)
    {
      peer = g_new0 (Peer, 1);
      peer->id = id;
      peer->address = g_strdup (address);
      g_hash_table_insert (self->peers, g_memdup2 (&id, sizeof id), peer);
    }
  return peer;
}

static void
take_hello (SrKeyExchange *self, Peer *peer, const SrExtensionMessage *hello)
{
  peer->has_hello = TRUE;
  peer->has_key = (hello->flags & SR_EXTENSION_FLAG_HAS_KEY) != 0;
  memcpy (peer->nonce, hello->nonce, 32);
  if (peer->has_key)
    fetch_try_next (self);
}

static void
on_peer_added (SrTorrent *torrent, guint64 id, const char *address,
               const SrExtensionMessage *hello, SrKeyExchange *self)
{
  Peer *peer = lookup_peer (self, id, address);

  if (hello != NULL)
    take_hello (self, peer, hello);
}

static void
on_peer_removed (SrTorrent *torrent, guint64 id, SrKeyExchange *self)
{
  Fetch *f = self->fetch ? g_task_get_task_data (self->fetch) : NULL;

  g_hash_table_remove (self->peers, &id);
  if (f != NULL && f->asking == id && !f->busy)
    {
      g_clear_handle_id (&f->answer_timeout, g_source_remove);
      f->asking = 0;
      fetch_try_next (self);
    }
}

static void
on_message (SrTorrent *torrent, guint64 id, const char *address,
            const SrExtensionMessage *m, SrKeyExchange *self)
{
  Peer *peer = lookup_peer (self, id, address);

  switch (m->type)
    {
    case SR_EXTENSION_HELLO:
      take_hello (self, peer, m);
      break;
    case SR_EXTENSION_KEY_REQUEST:
      on_key_request (self, peer, m);
      break;
    case SR_EXTENSION_KEY_RESPONSE:
      on_key_response (self, peer, m);
      break;
    case SR_EXTENSION_KEY_REFUSAL:
      on_key_refusal (self, peer, m);
      break;
    default:
      break;   /* receipts are another component's business */
    }
}

/* ---- object ---- */

SrKeyExchange *
sr_key_exchange_new (SrTorrent                *torrent,
                     SrRegistry               *registry,
                     const SrKeyExchangeTitle *title)
{
  SrKeyExchange *self;

  g_return_val_if_fail (SR_IS_TORRENT (torrent), NULL);
  g_return_val_if_fail (SR_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (title != NULL, NULL);

  self = g_object_new (SR_TYPE_KEY_EXCHANGE, NULL);
  self->torrent = g_object_ref (torrent);
  self->registry = g_object_ref (registry);
  self->title = *title;
  /* A fresh challenge per run: a request signed for an earlier one is void. */
  sr_content_cipher_generate_key (self->nonce);
  self->handlers[0] = g_signal_connect (torrent, "extension-peer-added", G_CALLBACK (on_peer_added), self);
  self->handlers[1] = g_signal_connect (torrent, "extension-peer-removed", G_CALLBACK (on_peer_removed), self);
  self->handlers[2] = g_signal_connect (torrent, "extension-message", G_CALLBACK (on_message), self);
  update_hello (self);
  return self;
}

SrTorrent *
sr_key_exchange_get_torrent (SrKeyExchange *self)
{
  g_return_val_if_fail (SR_IS_KEY_EXCHANGE (self), NULL);
  return self->torrent;
}

void
sr_key_exchange_set_content_key (SrKeyExchange *self,
                                 GBytes        *key)
{
  g_return_if_fail (SR_IS_KEY_EXCHANGE (self));
  g_return_if_fail (key == NULL || g_bytes_get_size (key) == SR_CONTENT_KEY_LEN);

  if (key == self->key)
    return;
  g_clear_pointer (&self->key, g_bytes_unref);
  if (key != NULL)
    self->key = g_bytes_ref (key);
  update_hello (self);
}

GBytes *
sr_key_exchange_get_content_key (SrKeyExchange *self)
{
  g_return_val_if_fail (SR_IS_KEY_EXCHANGE (self), NULL);
  return self->key;
}

static void
sr_key_exchange_dispose (GObject *object)
{
  SrKeyExchange *self = SR_KEY_EXCHANGE (object);

  if (self->fetch != NULL)
    fetch_complete (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("The operation was cancelled")));
  if (self->torrent != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      g_clear_signal_handler (&self->handlers[i], self->torrent);
  g_clear_object (&self->torrent);
  g_clear_object (&self->registry);
  g_clear_pointer (&self->key, g_bytes_unref);

  G_OBJECT_CLASS (sr_key_exchange_parent_class)->dispose (object);
}

static void
sr_key_exchange_finalize (GObject *object)
{
  SrKeyExchange *self = SR_KEY_EXCHANGE (object);

  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_pointer (&self->verified, g_hash_table_unref);

  G_OBJECT_CLASS (sr_key_exchange_parent_class)->finalize (object);
}

static void
sr_key_exchange_class_init (SrKeyExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_key_exchange_dispose;
  object_class->finalize = sr_key_exchange_finalize;

  /* (peer address, view id in decimal): a buyer received the key. */
  signals[KEY_SERVED] = g_signal_new ("key-served", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* (peer address, SrExtensionRefusal): a request was turned down. */
  signals[REQUEST_REFUSED] = g_signal_new ("request-refused", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

static void
sr_key_exchange_init (SrKeyExchange *self)
{
  self->peers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, peer_free);
  self->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

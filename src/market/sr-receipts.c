/* sr-receipts.c: seeding receipts over the Seedreel peer extension (see
 * sr-receipts.h). Everything runs on the main thread, driven by the
 * torrent's extension signals and a poll of libtorrent's per-peer payload
 * counters; the wallet agent and the chain are asked asynchronously and the
 * synced database write runs in a worker thread, so neither holds up the
 * swarm. A peer's forged or excessive receipts are dropped, never
 * acknowledged. */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-secp256k1.h"
#include "crypto/sr-u256.h"
#include "market/sr-receipts.h"
#include "store/sr-store-receipts.h"

/* How often the viewer reads libtorrent's per-peer counters. */
#define POLL_INTERVAL_MS 250
/* Receipts from one peer being checked at once; more are dropped. */
#define MAX_IN_FLIGHT 16

G_DEFINE_QUARK (sr-receipts-error-quark, sr_receipts_error)

/* Viewer side: one per payout address that served us. */
typedef struct {
  guint8 payout[SR_ADDRESS_LEN];
  guint64 closed_bytes;          /* from connections already gone */
  guint64 signed_bytes;          /* the newest receipt signed */
  guint8 signature[SR_EXTENSION_SIGNATURE_LEN];
  guint64 sent_bytes;            /* the newest receipt sent */
  guint64 acked_bytes;
  gboolean signing;
} Seeder;

typedef struct {
  guint64 id;
  char *address;
  Seeder *seeder;                /* viewer side, NULL until its HELLO names a payout */
  guint64 received;              /* payload bytes libtorrent counted from it */
  guint in_flight;               /* seeder side: its receipts being checked */
} Peer;

typedef struct {
  gboolean known;
  guint8 viewer[SR_ADDRESS_LEN];
  guint8 content_id[SR_U256_LEN];
  char *pool;
} ViewFacts;

struct _SrReceipts
{
  GObject parent_instance;

  SrTorrent *torrent;
  SrRegistry *registry;
  SrStore *store;
  char *network;
  SrKeyExchangeTitle title;
  GHashTable *peers;             /* peer id → Peer */
  gulong handlers[3];

  /* Seeder side */
  guint64 content_size;          /* 0 until read from the chain */
  GHashTable *views;             /* view id hex → ViewFacts */
  GCancellable *cancellable;

  /* Viewer side */
  SrSigner *signer;
  char *viewer;
  guint8 view_id[SR_U256_LEN];
  gboolean viewing;
  guint64 interval;
  GHashTable *seeders;           /* payout hex → Seeder */
  guint poll_id;
  GTask *flush;
  guint flush_timeout;
};

G_DEFINE_TYPE (SrReceipts, sr_receipts, G_TYPE_OBJECT)

enum {
  RECEIPT_STORED,
  RECEIPT_REJECTED,
  RECEIPT_ACKNOWLEDGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void flush_check (SrReceipts *self);

static void
peer_free (gpointer data)
{
  Peer *peer = data;

  g_free (peer->address);
  g_free (peer);
}

static void
view_facts_free (gpointer data)
{
  ViewFacts *facts = data;

  g_free (facts->pool);
  g_free (facts);
}

static Peer *
lookup_peer (SrReceipts *self, guint64 id, const char *address)
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

/* ---- viewer side ---- */

static guint64
seeder_delivered (SrReceipts *self, Seeder *s)
{
  GHashTableIter iter;
  gpointer value;
  guint64 total = s->closed_bytes;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Peer *) value)->seeder == s)
      total += ((Peer *) value)->received;
  return total;
}

static void
send_receipt (SrReceipts *self, Peer *peer)
{
  Seeder *s = peer->seeder;
  SrExtensionMessage m = { 0 };

  m.type = SR_EXTENSION_RECEIPT;
  memcpy (m.view_id, self->view_id, SR_U256_LEN);
  memcpy (m.seeder, s->payout, SR_ADDRESS_LEN);
  m.bytes = s->signed_bytes;
  memcpy (m.signature, s->signature, SR_EXTENSION_SIGNATURE_LEN);
  if (sr_torrent_send_extension (self->torrent, peer->id, &m))
    s->sent_bytes = MAX (s->sent_bytes, s->signed_bytes);
}

/* The newest signed receipt, to one live connection of its seeder. */
static void
send_to_seeder (SrReceipts *self, Seeder *s)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Peer *) value)->seeder == s)
      {
        send_receipt (self, value);
        return;
      }
}

typedef struct {
  SrReceipts *self;
  guint8 payout[SR_ADDRESS_LEN];
  guint64 bytes;
} Signing;

static void
on_receipt_signed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Signing *signing = user_data;
  SrReceipts *self = signing->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = sr_signer_sign_typed_data_finish (SR_SIGNER (source), result, &error);
  g_autofree char *key = sr_hex_encode_bare (signing->payout, SR_ADDRESS_LEN);
  Seeder *s = self->seeders != NULL ? g_hash_table_lookup (self->seeders, key) : NULL;

  if (s != NULL)
    {
      s->signing = FALSE;
      if (signature == NULL || g_bytes_get_size (signature) != SR_EXTENSION_SIGNATURE_LEN)
        g_warning ("Could not sign a seeding receipt: %s",
                   error != NULL ? error->message : "the wallet agent returned no signature");
      else if (signing->bytes > s->signed_bytes)
        {
          s->signed_bytes = signing->bytes;
          memcpy (s->signature, g_bytes_get_data (signature, NULL), SR_EXTENSION_SIGNATURE_LEN);
          send_to_seeder (self, s);
        }
      flush_check (self);
    }
  g_object_unref (self);
  g_free (signing);
}

static void
sign_receipt (SrReceipts *self, Seeder *s, guint64 bytes)
{
  g_autofree char *json = NULL;
  SrRegistryReceipt receipt;
  Signing *signing;

  if (s->signing || self->signer == NULL)
    return;
  memcpy (receipt.view_id, self->view_id, SR_U256_LEN);
  memcpy (receipt.seeder, s->payout, SR_ADDRESS_LEN);
  receipt.bytes = bytes;
  json = sr_registry_receipt_typed_data (self->title.chain_id, self->title.registry, &receipt);

  signing = g_new0 (Signing, 1);
  signing->self = g_object_ref (self);
  memcpy (signing->payout, s->payout, SR_ADDRESS_LEN);
  signing->bytes = bytes;
  s->signing = TRUE;
  sr_signer_sign_typed_data_async (self->signer, self->viewer, json, NULL, self->cancellable,
                                   on_receipt_signed, signing);
}

/* Reads libtorrent's per-peer payload counters into the peers. */
static void
refresh_received (SrReceipts *self)
{
  g_autoptr(GPtrArray) list = sr_torrent_list_peers (self->torrent);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      SrTorrentPeer *p = list->pdata[i];
      g_hash_table_insert (counts, p->address, &p->payload_down);
    }
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;
      guint64 *down = g_hash_table_lookup (counts, peer->address);

      if (down != NULL)
        peer->received = MAX (peer->received, *down);
    }
}

static gboolean
on_poll (gpointer user_data)
{
  SrReceipts *self = user_data;
  GHashTableIter iter;
  gpointer value;

  refresh_received (self);
  g_hash_table_iter_init (&iter, self->seeders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Seeder *s = value;
      guint64 delivered = seeder_delivered (self, s);

      if (delivered >= s->signed_bytes + self->interval)
        sign_receipt (self, s, delivered);
    }
  return G_SOURCE_CONTINUE;
}

static void
take_hello (SrReceipts *self, Peer *peer, const SrExtensionMessage *hello)
{
  static const guint8 zero[SR_ADDRESS_LEN];
  g_autofree char *key = NULL;
  Seeder *s;

  if (memcmp (hello->payout, zero, SR_ADDRESS_LEN) == 0 ||
      memcmp (hello->payout, self->title.payout, SR_ADDRESS_LEN) == 0)
    return;
  if (peer->seeder != NULL)
    {
      if (memcmp (peer->seeder->payout, hello->payout, SR_ADDRESS_LEN) == 0)
        return;
      /* A peer that changes its payout address keeps what it earned under
       * the old one; bytes from now on go to the new one. */
      peer->seeder->closed_bytes += peer->received;
      peer->received = 0;
    }
  key = sr_hex_encode_bare (hello->payout, SR_ADDRESS_LEN);
  s = g_hash_table_lookup (self->seeders, key);
  if (s == NULL)
    {
      s = g_new0 (Seeder, 1);
      memcpy (s->payout, hello->payout, SR_ADDRESS_LEN);
      g_hash_table_insert (self->seeders, g_steal_pointer (&key), s);
    }
  peer->seeder = s;
  /* A receipt that never reached it (it had gone) goes on the new connection. */
  if (self->viewing && s->signed_bytes > s->acked_bytes)
    send_receipt (self, peer);
}

static void
on_ack (SrReceipts *self, Peer *peer, const SrExtensionMessage *m)
{
  Seeder *s = peer->seeder;
  g_autofree char *address = NULL;

  if (!self->viewing || s == NULL || memcmp (m->view_id, self->view_id, SR_U256_LEN) != 0)
    return;
  /* It cannot hold more than we signed. */
  if (m->bytes > s->signed_bytes || m->bytes <= s->acked_bytes)
    return;
  s->acked_bytes = m->bytes;
  address = sr_address_to_checksum (s->payout);
  g_signal_emit (self, signals[RECEIPT_ACKNOWLEDGED], 0, address, s->acked_bytes);
  flush_check (self);
}

/* ---- flushing ---- */

static void
flush_complete (SrReceipts *self, GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->flush);

  g_clear_handle_id (&self->flush_timeout, g_source_remove);
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static guint
flush_outstanding (SrReceipts *self)
{
  GHashTableIter iter;
  gpointer value;
  guint outstanding = 0;

  if (self->torrent != NULL)
    refresh_received (self);
  g_hash_table_iter_init (&iter, self->seeders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Seeder *s = value;
      guint64 delivered = seeder_delivered (self, s);

      if (delivered > s->signed_bytes)
        sign_receipt (self, s, delivered);
      if (s->signing || delivered > s->signed_bytes || s->acked_bytes < s->signed_bytes)
        outstanding++;
    }
  return outstanding;
}

static void
flush_check (SrReceipts *self)
{
  if (self->flush != NULL && flush_outstanding (self) == 0)
    flush_complete (self, NULL);
}

static gboolean
on_flush_timeout (gpointer user_data)
{
  SrReceipts *self = user_data;
  guint outstanding = flush_outstanding (self);

  self->flush_timeout = 0;
  flush_complete (self, g_error_new (SR_RECEIPTS_ERROR, SR_RECEIPTS_ERROR_UNACKNOWLEDGED,
                                     g_dngettext (GETTEXT_PACKAGE,
                                                  "%u seeder did not acknowledge its last receipt",
                                                  "%u seeders did not acknowledge their last receipts",
                                                  outstanding),
                                     outstanding));
  return G_SOURCE_REMOVE;
}

void
sr_receipts_flush_async (SrReceipts          *self,
                         guint                timeout_s,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_RECEIPTS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_receipts_flush_async);
  if (self->flush != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The receipts are already being sent"));
      return;
    }
  if (!self->viewing)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->flush = g_steal_pointer (&task);
  self->flush_timeout = g_timeout_add_seconds (MAX (timeout_s, 1), on_flush_timeout, self);
  flush_check (self);
}

gboolean
sr_receipts_flush_finish (SrReceipts    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- seeder side ---- */

typedef struct {
  SrReceipts *self;
  guint64 peer_id;
  SrExtensionMessage message;
  guint8 signer[SR_ADDRESS_LEN];
} Check;

static void
check_free (Check *check)
{
  Peer *peer = check->self->peers != NULL ? g_hash_table_lookup (check->self->peers, &check->peer_id) : NULL;

  if (peer != NULL && peer->in_flight > 0)
    peer->in_flight--;
  g_object_unref (check->self);
  g_free (check);
}

static void
reject (Check *check, const char *reason)
{
  Peer *peer = g_hash_table_lookup (check->self->peers, &check->peer_id);

  g_debug ("Seeding receipt from %s refused: %s", peer != NULL ? peer->address : "a gone peer", reason);
  g_signal_emit (check->self, signals[RECEIPT_REJECTED], 0, peer != NULL ? peer->address : NULL, reason);
  check_free (check);
}

static void
store_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SrReceipts *self = source;
  SrStoreReceipt *receipt = task_data;
  GError *error = NULL;

  if (!sr_store_put_receipt (self->store, self->network, receipt, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Check *check = user_data;
  SrReceipts *self = check->self;
  g_autoptr(GError) error = NULL;
  Peer *peer;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("%s", error->message);
      reject (check, "not stored");
      return;
    }
  /* Only now, with the receipt on disk, does the viewer hear it is kept. */
  peer = g_hash_table_lookup (self->peers, &check->peer_id);
  if (peer != NULL && self->torrent != NULL)
    {
      SrExtensionMessage ack = { 0 };

      ack.type = SR_EXTENSION_RECEIPT_ACK;
      memcpy (ack.view_id, check->message.view_id, SR_U256_LEN);
      ack.bytes = check->message.bytes;
      sr_torrent_send_extension (self->torrent, peer->id, &ack);
    }
  {
    g_autofree char *view = sr_u256_to_decimal (check->message.view_id);
    g_signal_emit (self, signals[RECEIPT_STORED], 0, peer != NULL ? peer->address : NULL, view,
                   check->message.bytes);
  }
  check_free (check);
}

static void
check_store (Check *check, ViewFacts *facts)
{
  SrReceipts *self = check->self;
  g_autoptr(GTask) task = NULL;
  SrStoreReceipt *receipt;

  if (memcmp (facts->content_id, self->title.content_id, SR_U256_LEN) != 0)
    {
      reject (check, "the view is of another title");
      return;
    }
  if (memcmp (facts->viewer, check->signer, SR_ADDRESS_LEN) != 0)
    {
      reject (check, "not signed by the view's buyer");
      return;
    }
  if (check->message.bytes == 0 || check->message.bytes > self->content_size)
    {
      reject (check, "more bytes than the title has");
      return;
    }

  receipt = g_new0 (SrStoreReceipt, 1);
  receipt->view_id = sr_u256_to_decimal (check->message.view_id);
  receipt->seeder = sr_address_to_checksum (check->message.seeder);
  receipt->viewer = sr_address_to_checksum (facts->viewer);
  receipt->content_id = sr_u256_to_decimal (facts->content_id);
  receipt->bytes = check->message.bytes;
  receipt->signature = g_bytes_new (check->message.signature, SR_EXTENSION_SIGNATURE_LEN);
  receipt->content_size = self->content_size;
  receipt->pool = g_strdup (facts->pool);

  task = g_task_new (self, NULL, on_stored, check);
  g_task_set_source_tag (task, check_store);
  g_task_set_task_data (task, receipt, (GDestroyNotify) sr_store_receipt_free);
  g_task_run_in_thread (task, store_in_thread);
}

static void check_continue (Check *check);

static void
on_view_info (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Check *check = user_data;
  SrReceipts *self = check->self;
  g_autoptr(GError) error = NULL;
  SrRegistryView view;
  ViewFacts *facts;

  if (!sr_registry_view_info_finish (SR_REGISTRY (source), result, &view, &error))
    {
      reject (check, g_error_matches (error, SR_RPC_ERROR, SR_RPC_ERROR_REVERTED)
                       ? "no such view" : "the chain could not be asked");
      return;
    }
  if (self->views == NULL)
    {
      check_free (check);
      return;
    }
  facts = g_new0 (ViewFacts, 1);
  facts->known = TRUE;
  memcpy (facts->viewer, view.viewer, SR_ADDRESS_LEN);
  memcpy (facts->content_id, view.content_id, SR_U256_LEN);
  facts->pool = sr_u256_to_decimal (view.pool);
  g_hash_table_replace (self->views, sr_hex_encode_bare (check->message.view_id, SR_U256_LEN), facts);
  check_continue (check);
}

static void
on_content_info (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Check *check = user_data;
  g_autoptr(GError) error = NULL;
  SrRegistryContent content;

  if (!sr_registry_content_info_finish (SR_REGISTRY (source), result, &content, &error))
    {
      reject (check, "the chain could not be asked");
      return;
    }
  check->self->content_size = content.content_size;
  check_continue (check);
}

/* The title's size and the view's buyer are fixed once on chain: each is
 * asked once and remembered. */
static void
check_continue (Check *check)
{
  SrReceipts *self = check->self;
  g_autofree char *key = NULL;
  ViewFacts *facts;

  if (self->content_size == 0)
    {
      sr_registry_content_info_async (self->registry, self->title.content_id, self->cancellable,
                                      on_content_info, check);
      return;
    }
  key = sr_hex_encode_bare (check->message.view_id, SR_U256_LEN);
  facts = g_hash_table_lookup (self->views, key);
  if (facts != NULL)
    check_store (check, facts);
  else
    sr_registry_view_info_async (self->registry, check->message.view_id, self->cancellable,
                                 on_view_info, check);
}

static void
on_receipt (SrReceipts *self, Peer *peer, const SrExtensionMessage *m)
{
  g_autoptr(GError) error = NULL;
  SrRegistryReceipt receipt;
  guint8 digest[32];
  Check *check;

  if (memcmp (m->seeder, self->title.payout, SR_ADDRESS_LEN) != 0 || peer->in_flight >= MAX_IN_FLIGHT)
    return;
  peer->in_flight++;
  check = g_new0 (Check, 1);
  check->self = g_object_ref (self);
  check->peer_id = peer->id;
  check->message = *m;

  memcpy (receipt.view_id, m->view_id, SR_U256_LEN);
  memcpy (receipt.seeder, m->seeder, SR_ADDRESS_LEN);
  receipt.bytes = m->bytes;
  /* Recovery refuses high-s signatures, as the registry does. */
  if (!sr_registry_receipt_digest (self->title.chain_id, self->title.registry, &receipt, digest, &error) ||
      !sr_secp256k1_recover_address (digest, m->signature, check->signer, &error))
    {
      reject (check, "no usable signature");
      return;
    }
  check_continue (check);
}

/* ---- the torrent's extension signals ---- */

static void
on_peer_added (SrTorrent *torrent, guint64 id, const char *address,
               const SrExtensionMessage *hello, SrReceipts *self)
{
  Peer *peer = lookup_peer (self, id, address);

  if (hello != NULL)
    take_hello (self, peer, hello);
}

static void
on_peer_removed (SrTorrent *torrent, guint64 id, SrReceipts *self)
{
  Peer *peer = g_hash_table_lookup (self->peers, &id);

  if (peer == NULL)
    return;
  /* Its bytes still count towards that seeder's next receipt. */
  if (peer->seeder != NULL)
    peer->seeder->closed_bytes += peer->received;
  g_hash_table_remove (self->peers, &id);
}

static void
on_message (SrTorrent *torrent, guint64 id, const char *address,
            const SrExtensionMessage *m, SrReceipts *self)
{
  Peer *peer = lookup_peer (self, id, address);

  switch (m->type)
    {
    case SR_EXTENSION_HELLO:
      take_hello (self, peer, m);
      break;
    case SR_EXTENSION_RECEIPT:
      on_receipt (self, peer, m);
      break;
    case SR_EXTENSION_RECEIPT_ACK:
      on_ack (self, peer, m);
      break;
    default:
      break;   /* keys are another component's business */
    }
}

/* ---- object ---- */

SrReceipts *
sr_receipts_new (SrTorrent                *torrent,
                 SrRegistry               *registry,
                 SrStore                  *store,
                 const char               *network,
                 const SrKeyExchangeTitle *title)
{
  SrReceipts *self;

  g_return_val_if_fail (SR_IS_TORRENT (torrent), NULL);
  g_return_val_if_fail (SR_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (SR_IS_STORE (store), NULL);
  g_return_val_if_fail (network != NULL && title != NULL, NULL);

  self = g_object_new (SR_TYPE_RECEIPTS, NULL);
  self->torrent = g_object_ref (torrent);
  self->registry = g_object_ref (registry);
  self->store = g_object_ref (store);
  self->network = g_strdup (network);
  self->title = *title;
  self->handlers[0] = g_signal_connect (torrent, "extension-peer-added", G_CALLBACK (on_peer_added), self);
  self->handlers[1] = g_signal_connect (torrent, "extension-peer-removed", G_CALLBACK (on_peer_removed), self);
  self->handlers[2] = g_signal_connect (torrent, "extension-message", G_CALLBACK (on_message), self);
  return self;
}

void
sr_receipts_start_viewing (SrReceipts   *self,
                           SrSigner     *signer,
                           const char   *viewer,
                           const guint8  view_id[SR_U256_LEN])
{
  g_return_if_fail (SR_IS_RECEIPTS (self));
  g_return_if_fail (SR_IS_SIGNER (signer));
  g_return_if_fail (viewer != NULL && view_id != NULL);

  g_set_object (&self->signer, signer);
  g_free (self->viewer);
  self->viewer = g_strdup (viewer);
  memcpy (self->view_id, view_id, SR_U256_LEN);
  self->viewing = TRUE;
  if (self->poll_id == 0)
    self->poll_id = g_timeout_add (POLL_INTERVAL_MS, on_poll, self);
}

void
sr_receipts_set_interval (SrReceipts *self,
                          guint64     bytes)
{
  g_return_if_fail (SR_IS_RECEIPTS (self));
  self->interval = MAX (bytes, 1);
}

static Seeder *
find_seeder (SrReceipts *self, const guint8 seeder[SR_ADDRESS_LEN])
{
  g_autofree char *key = sr_hex_encode_bare (seeder, SR_ADDRESS_LEN);

  return g_hash_table_lookup (self->seeders, key);
}

guint64
sr_receipts_get_acknowledged (SrReceipts   *self,
                              const guint8  seeder[SR_ADDRESS_LEN])
{
  Seeder *s;

  g_return_val_if_fail (SR_IS_RECEIPTS (self), 0);
  s = find_seeder (self, seeder);
  return s != NULL ? s->acked_bytes : 0;
}

guint64
sr_receipts_get_received (SrReceipts   *self,
                          const guint8  seeder[SR_ADDRESS_LEN])
{
  Seeder *s;

  g_return_val_if_fail (SR_IS_RECEIPTS (self), 0);
  s = find_seeder (self, seeder);
  return s != NULL ? seeder_delivered (self, s) : 0;
}

static void
sr_receipts_dispose (GObject *object)
{
  SrReceipts *self = SR_RECEIPTS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->flush != NULL)
    flush_complete (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                               _("The operation was cancelled")));
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->torrent != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      g_clear_signal_handler (&self->handlers[i], self->torrent);
  g_clear_object (&self->torrent);
  g_clear_object (&self->registry);
  g_clear_object (&self->store);
  g_clear_object (&self->signer);

  G_OBJECT_CLASS (sr_receipts_parent_class)->dispose (object);
}

static void
sr_receipts_finalize (GObject *object)
{
  SrReceipts *self = SR_RECEIPTS (object);

  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_pointer (&self->seeders, g_hash_table_unref);
  g_clear_pointer (&self->views, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_free (self->network);
  g_free (self->viewer);

  G_OBJECT_CLASS (sr_receipts_parent_class)->finalize (object);
}

static void
sr_receipts_class_init (SrReceiptsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_receipts_dispose;
  object_class->finalize = sr_receipts_finalize;

  /* (peer address, view id in decimal, bytes): a receipt was kept and acknowledged. */
  signals[RECEIPT_STORED] = g_signal_new ("receipt-stored", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT64);
  /* (peer address, why, for the log): a receipt was not kept. */
  signals[RECEIPT_REJECTED] = g_signal_new ("receipt-rejected", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* (seeder address, bytes): a seeder confirmed it holds our receipt. */
  signals[RECEIPT_ACKNOWLEDGED] = g_signal_new ("receipt-acknowledged", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT64);
}

static void
sr_receipts_init (SrReceipts *self)
{
  self->peers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, peer_free);
  self->seeders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->views = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, view_facts_free);
  self->cancellable = g_cancellable_new ();
  self->interval = SR_RECEIPTS_DEFAULT_INTERVAL;
}

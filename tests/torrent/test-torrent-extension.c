/* test-torrent-extension.c: the Seedreel peer extension. Its payload
 * parser against every truncation, extension and random byte string, and
 * two real libtorrent sessions on loopback exchanging HELLOs and key
 * messages while one of them also sends garbage: the garbage is reported,
 * never delivered as a message, and the download completes regardless. */

#include <string.h>

#include "torrent-test-util.h"
#include "torrent/sr-extension.h"
#include "torrent/sr-torrent-session.h"

static void
fill (guint8 *p, gsize n, guint8 seed)
{
  for (gsize i = 0; i < n; i++)
    p[i] = (guint8) (seed + i * 7);
}

static SrExtensionMessage
sample (SrExtensionType type)
{
  SrExtensionMessage m = { 0 };

  m.type = type;
  switch (type)
    {
    case SR_EXTENSION_HELLO:
      m.flags = SR_EXTENSION_FLAG_HAS_KEY | SR_EXTENSION_FLAG_VIEWING;
      fill (m.payout, sizeof m.payout, 1);
      fill (m.nonce, sizeof m.nonce, 2);
      fill (m.view_id, sizeof m.view_id, 3);
      break;
    case SR_EXTENSION_KEY_REQUEST:
      fill (m.view_id, sizeof m.view_id, 4);
      fill (m.signature, sizeof m.signature, 5);
      m.signature[64] = 1;
      break;
    case SR_EXTENSION_KEY_RESPONSE:
      fill (m.view_id, sizeof m.view_id, 6);
      fill (m.public_key, sizeof m.public_key, 7);
      m.public_key[0] = 0x03;
      fill (m.sealed_key, sizeof m.sealed_key, 8);
      break;
    case SR_EXTENSION_KEY_REFUSAL:
      fill (m.view_id, sizeof m.view_id, 9);
      m.reason = SR_EXTENSION_REFUSAL_WRONG_SIGNER;
      break;
    case SR_EXTENSION_RECEIPT:
      fill (m.view_id, sizeof m.view_id, 10);
      fill (m.seeder, sizeof m.seeder, 11);
      m.bytes = G_GUINT64_CONSTANT (0x0102030405060708);
      fill (m.signature, sizeof m.signature, 12);
      m.signature[64] = 0;
      break;
    case SR_EXTENSION_RECEIPT_ACK:
      fill (m.view_id, sizeof m.view_id, 13);
      m.bytes = G_GUINT64_CONSTANT (0xfffffffffffffffe);
      break;
    default:
      g_assert_not_reached ();
    }
  return m;
}

static const SrExtensionType all_types[] = {
  SR_EXTENSION_HELLO, SR_EXTENSION_KEY_REQUEST, SR_EXTENSION_KEY_RESPONSE,
  SR_EXTENSION_KEY_REFUSAL, SR_EXTENSION_RECEIPT, SR_EXTENSION_RECEIPT_ACK,
};
static const gsize all_lengths[] = { 87, 99, 139, 35, 127, 42 };

static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_types); i++)
    {
      SrExtensionMessage m = sample (all_types[i]), back;
      g_autoptr(GBytes) bytes = sr_extension_serialize (&m);
      g_autoptr(GError) error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      g_assert_cmpuint (len, ==, all_lengths[i]);
      g_assert_cmpuint (data[0], ==, SR_EXTENSION_VERSION);
      g_assert_cmpuint (data[1], ==, all_types[i]);
      g_assert_true (sr_extension_parse (data, len, &back, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (&back, sizeof back, &m, sizeof m);
    }

  /* Integers are big-endian on the wire. */
  {
    SrExtensionMessage m = sample (SR_EXTENSION_RECEIPT);
    g_autoptr(GBytes) bytes = sr_extension_serialize (&m);
    const guint8 *d = g_bytes_get_data (bytes, NULL);
    static const guint8 be[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    g_assert_cmpmem (d + 2 + 32 + 20, 8, be, 8);
  }
}

static void
test_every_wrong_length (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_types); i++)
    {
      SrExtensionMessage m = sample (all_types[i]), back;
      g_autoptr(GBytes) bytes = sr_extension_serialize (&m);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      g_autofree guint8 *longer = g_malloc0 (len + 64);

      memcpy (longer, data, len);
      for (gsize cut = 0; cut < len + 64; cut++)
        {
          g_autoptr(GError) error = NULL;

          if (cut == len)
            continue;
          g_assert_false (sr_extension_parse (longer, cut, &back, &error));
          g_assert_error (error, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_MALFORMED);
          /* A failed parse leaves nothing half-filled behind. */
          g_assert_cmpuint (back.type, ==, 0);
        }
    }
}

static void
test_unsupported_and_bad_fields (void)
{
  SrExtensionMessage back;
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;
  guint8 buf[139] = { 0 };

  /* A newer peer's version or type is unsupported, not malformed. */
  buf[0] = 2;
  buf[1] = SR_EXTENSION_HELLO;
  g_assert_false (sr_extension_parse (buf, 87, &back, &e1));
  g_assert_error (e1, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_UNSUPPORTED);
  buf[0] = 1;
  buf[1] = 0x12;
  g_assert_false (sr_extension_parse (buf, 50, &back, &e2));
  g_assert_error (e2, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_UNSUPPORTED);

  /* Recovery ids are 0 or 1; compressed keys start with 02 or 03. */
  {
    SrExtensionMessage m = sample (SR_EXTENSION_KEY_REQUEST);
    g_autoptr(GBytes) bytes = sr_extension_serialize (&m);
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), 99);

    copy[98] = 27;
    g_assert_false (sr_extension_parse (copy, 99, &back, &e3));
    g_assert_error (e3, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_MALFORMED);
  }
  {
    SrExtensionMessage m = sample (SR_EXTENSION_KEY_RESPONSE);
    g_autoptr(GBytes) bytes = sr_extension_serialize (&m);
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), 139);

    copy[2 + 32] = 0x04;
    g_assert_false (sr_extension_parse (copy, 139, &back, &e4));
    g_assert_error (e4, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_MALFORMED);
  }
  g_assert_false (sr_extension_parse (NULL, 0, &back, &e5));
  g_assert_error (e5, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_MALFORMED);
}

/* Random byte strings: the parser accepts only exact lengths of known types
 * and what it accepts serialises back to the same bytes. */
static void
test_fuzz (void)
{
  GRand *rand = g_rand_new_with_seed (0x5eed);
  guint accepted = 0;

  for (guint round = 0; round < 200000; round++)
    {
      guint8 buf[160];
      gsize len = g_rand_int_range (rand, 0, sizeof buf + 1);
      SrExtensionMessage m;
      GError *error = NULL;

      /* All of it: a plausible header below may lengthen the message. */
      for (gsize i = 0; i < sizeof buf; i++)
        buf[i] = (guint8) g_rand_int (rand);
      /* Bias towards plausible headers so the bodies get exercised. */
      if (len >= 2 && round % 2 == 0)
        {
          guint pick = g_rand_int_range (rand, 0, G_N_ELEMENTS (all_types));

          buf[0] = 1;
          buf[1] = all_types[pick];
          if (round % 4 == 0)
            len = all_lengths[pick];
        }
      if (sr_extension_parse (buf, len, &m, &error))
        {
          g_autoptr(GBytes) again = sr_extension_serialize (&m);

          g_assert_cmpuint (g_bytes_get_size (again), ==, len);
          g_assert_cmpmem (g_bytes_get_data (again, NULL), len, buf, len);
          accepted++;
        }
      else
        {
          g_assert_nonnull (error);
          g_error_free (error);
        }
    }
  g_test_message ("%u of 200000 random payloads were well-formed", accepted);
  g_assert_cmpuint (accepted, >, 1000);
  g_rand_free (rand);
}

/* ---- two sessions on loopback ---- */

typedef struct {
  SrTorrent *torrent;
  guint64 peer;            /* the other side's id, 0 until its handshake */
  SrExtensionMessage hello;
  gboolean got_hello;
  GPtrArray *messages;     /* of SrExtensionMessage */
  guint malformed;
} Side;

static void
on_peer_added (SrTorrent *t, guint64 peer, const char *address, const SrExtensionMessage *hello, Side *side)
{
  g_assert_true (g_str_has_prefix (address, "127.0.0.1:"));
  side->peer = peer;
  if (hello != NULL)
    {
      side->hello = *hello;
      side->got_hello = TRUE;
    }
}

static void
on_message (SrTorrent *t, guint64 peer, const char *address, const SrExtensionMessage *m, Side *side)
{
  g_assert_cmpuint (peer, ==, side->peer);
  if (m->type == SR_EXTENSION_HELLO)
    {
      side->hello = *m;
      side->got_hello = TRUE;
      return;
    }
  g_ptr_array_add (side->messages, sr_extension_message_copy (m));
}

static void
on_malformed (SrTorrent *t, guint64 peer, const char *address, const GError *error, Side *side)
{
  g_assert_error (error, SR_EXTENSION_ERROR, SR_EXTENSION_ERROR_MALFORMED);
  side->malformed++;
}

static void
watch (Side *side, SrTorrent *torrent)
{
  side->torrent = torrent;
  side->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_extension_message_free);
  g_signal_connect (torrent, "extension-peer-added", G_CALLBACK (on_peer_added), side);
  g_signal_connect (torrent, "extension-message", G_CALLBACK (on_message), side);
  g_signal_connect (torrent, "extension-malformed", G_CALLBACK (on_malformed), side);
}

static gboolean
both_hello (gpointer data)
{
  Side *s = data;
  return s[0].got_hello && s[1].got_hello;
}

static gboolean
has_messages (gpointer data)
{
  Side *s = data;
  return s->messages->len >= 2;
}

static gboolean
malformed_and_done (gpointer data)
{
  Side *s = data;
  return s[1].malformed >= 16 && sr_torrent_get_progress (s[1].torrent) >= 1.0;
}

static void
test_loopback_exchange (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *src = g_build_filename (dir, "a", "film.mp4", NULL);
  g_autofree char *dir_b = g_build_filename (dir, "b", NULL);
  g_autofree char *save_a = g_build_filename (dir, "a", NULL);
  g_autoptr(GBytes) data = test_write_random_file (src, 4 * 1024 * 1024);
  g_autoptr(GBytes) torrent = test_create_torrent (src, FALSE);
  g_autoptr(SrTorrentSession) sa = test_loopback_session (NULL, dir);
  g_autoptr(SrTorrentSession) sb = test_loopback_session (NULL, dir_b);
  g_autoptr(SrTorrent) ta = NULL, tb = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer_a = NULL;
  g_autofree char *v2 = NULL;
  const char *peers[2] = { NULL, NULL };
  SrTorrentAddOptions o = { 0 };
  SrExtensionMessage hello_a = sample (SR_EXTENSION_HELLO), hello_b = { 0 };
  SrExtensionMessage request = sample (SR_EXTENSION_KEY_REQUEST);
  SrExtensionMessage refusal = sample (SR_EXTENSION_KEY_REFUSAL);
  Side sides[2] = { 0 };

  o.torrent = torrent;
  o.save_path = save_a;
  o.flags = SR_TORRENT_ADD_SEED_MODE;
  /* Slow enough that garbage arrives while pieces are still moving. */
  o.upload_limit = 1024 * 1024;
  ta = sr_torrent_session_add (sa, &o, &error);
  g_assert_no_error (error);
  hello_a.flags = SR_EXTENSION_FLAG_HAS_KEY;
  memset (hello_a.view_id, 0, sizeof hello_a.view_id);
  sr_torrent_set_extension_hello (ta, &hello_a);
  watch (&sides[0], ta);

  v2 = sr_torrent_dup_info_hash_v2 (ta);
  g_assert_nonnull (v2);
  g_assert_cmpuint (strlen (v2), ==, 64);

  peer_a = g_strdup_printf ("127.0.0.1:%u", sr_torrent_session_get_listen_port (sa));
  peers[0] = peer_a;
  memset (&o, 0, sizeof o);
  o.torrent = torrent;
  o.peers = peers;
  tb = sr_torrent_session_add (sb, &o, &error);
  g_assert_no_error (error);
  watch (&sides[1], tb);
  /* Set after the add: the HELLO still reaches the peer as a message. */
  hello_b.type = SR_EXTENSION_HELLO;
  hello_b.flags = SR_EXTENSION_FLAG_VIEWING;
  fill (hello_b.payout, sizeof hello_b.payout, 0x40);
  fill (hello_b.nonce, sizeof hello_b.nonce, 0x41);
  fill (hello_b.view_id, sizeof hello_b.view_id, 0x42);
  sr_torrent_set_extension_hello (tb, &hello_b);

  g_assert_true (test_wait_until (both_hello, sides, 20000));
  g_assert_cmpmem (&sides[1].hello, sizeof hello_a, &hello_a, sizeof hello_a);
  g_assert_cmpmem (&sides[0].hello, sizeof hello_b, &hello_b, sizeof hello_b);

  /* A key request one way, a refusal the other, field for field. */
  g_assert_true (sr_torrent_send_extension (tb, sides[1].peer, &request));
  g_assert_true (sr_torrent_send_extension (tb, sides[1].peer, &refusal));
  g_assert_true (test_wait_until (has_messages, &sides[0], 10000));
  g_assert_cmpmem (sides[0].messages->pdata[0], sizeof request, &request, sizeof request);
  g_assert_cmpmem (sides[0].messages->pdata[1], sizeof refusal, &refusal, sizeof refusal);

  /* A hostile seeder: truncated, overlong, wrong-recid and empty payloads,
   * plus unknown types that must pass silently. The viewer reports each
   * malformed one (up to its limit), delivers none, and still downloads. */
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GBytes) good = sr_extension_serialize (&request);
      g_autofree guint8 *bad = g_malloc0 (200);
      g_autoptr(GBytes) payload = NULL;

      memcpy (bad, g_bytes_get_data (good, NULL), 99);
      switch (i % 4)
        {
        case 0: payload = g_bytes_new (bad, 50); break;
        case 1: payload = g_bytes_new (bad, 150); break;
        case 2: bad[98] = 9; payload = g_bytes_new (bad, 99); break;
        default: bad[1] = 0x1f; payload = g_bytes_new (bad, 20); break;
        }
      g_assert_true (sr_torrent_send_extension_raw (ta, sides[0].peer, payload));
    }
  g_assert_true (test_wait_until (malformed_and_done, sides, 30000));
  g_assert_cmpuint (sides[1].malformed, ==, 16);
  g_assert_cmpuint (sides[1].messages->len, ==, 0);
  g_assert_cmpint (sr_torrent_get_peers (ta), >=, 1);

  g_ptr_array_unref (sides[0].messages);
  g_ptr_array_unref (sides[1].messages);
  test_shutdown_session (sa);
  test_shutdown_session (sb);
  test_remove_dir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/torrent/extension/round-trip", test_round_trip);
  g_test_add_func ("/torrent/extension/every-wrong-length", test_every_wrong_length);
  g_test_add_func ("/torrent/extension/unsupported-and-bad-fields", test_unsupported_and_bad_fields);
  g_test_add_func ("/torrent/extension/fuzz", test_fuzz);
  g_test_add_func ("/torrent/extension/loopback-exchange", test_loopback_exchange);
  return g_test_run ();
}

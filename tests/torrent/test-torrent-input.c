/* test-torrent-input.c: malformed .torrent files, bencoding and magnet links
 * give an SR_TORRENT_ERROR, never a crash; names that would leave the
 * download folder are refused. */

#include <string.h>

#include "torrent-test-util.h"
#include "torrent/sr-torrent-info.h"

static GBytes *
bytes_of (const char *s, gsize len)
{
  return g_bytes_new (s, len);
}

/* A single-file v1 torrent with the given name and length. */
static GBytes *
v1_torrent (const char *name, gsize name_len, gint64 length, gint64 piece_length, gsize n_hashes)
{
  GString *s = g_string_new ("d4:infod6:lengthi");

  g_string_append_printf (s, "%" G_GINT64_FORMAT "e4:name%zu:", length, name_len);
  g_string_append_len (s, name, (gssize) name_len);
  g_string_append_printf (s, "12:piece lengthi%" G_GINT64_FORMAT "e6:pieces%zu:", piece_length, n_hashes * 20);
  for (gsize i = 0; i < n_hashes * 20; i++)
    g_string_append_c (s, 'x');
  g_string_append (s, "ee");
  return g_string_free_to_bytes (s);
}

/* A multi-file v1 torrent whose one file has the given path elements. */
static GBytes *
v1_multi (const char *const *path)
{
  GString *s = g_string_new ("d4:infod5:filesld6:lengthi100e4:pathl");

  for (; *path; path++)
    g_string_append_printf (s, "%zu:%s", strlen (*path), *path);
  g_string_append (s, "eee4:name3:dir12:piece lengthi16384e6:pieces20:");
  for (int i = 0; i < 20; i++)
    g_string_append_c (s, 'x');
  g_string_append (s, "ee");
  return g_string_free_to_bytes (s);
}

static void
assert_invalid (GBytes *bytes, int code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTorrentInfo) info = sr_torrent_info_new_from_bytes (bytes, &error);

  g_assert_null (info);
  g_assert_error (error, SR_TORRENT_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 10);
}

static void
test_malformed_bencoding (void)
{
  static const char *const corpus[] = {
    "garbage", "d", "i42e", "le", "de", "d4:infodee", "d4:infoi1ee", "d4:info",
    "d4:info999999999999:abc", "d4:infod4:name", "di1ei2ee", "d4:infod6:lengthi-5ee",
    "4:spam", "d3:foo3:bare", "i999999999999999999999999e",
  };
  GString *deep = g_string_new (NULL);
  g_autoptr(GBytes) deep_bytes = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autoptr(GBytes) b = bytes_of (corpus[i], strlen (corpus[i]));
      assert_invalid (b, SR_TORRENT_ERROR_INVALID);
    }
  assert_invalid (empty, SR_TORRENT_ERROR_INVALID);

  /* Nesting far beyond any sane depth. */
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, 'l');
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, 'e');
  deep_bytes = g_string_free_to_bytes (deep);
  assert_invalid (deep_bytes, SR_TORRENT_ERROR_INVALID);
}

static void
test_malformed_info (void)
{
  g_autoptr(GBytes) no_pieces = v1_torrent ("a", 1, 100, 16384, 0);
  g_autoptr(GBytes) negative = v1_torrent ("a", 1, -100, 16384, 1);
  g_autoptr(GBytes) zero_piece = v1_torrent ("a", 1, 100, 0, 1);
  g_autoptr(GBytes) odd_piece = v1_torrent ("a", 1, 100, -16384, 1);
  g_autoptr(GBytes) too_few = v1_torrent ("a", 1, 100000, 16384, 1);
  g_autoptr(GBytes) good = v1_torrent ("a", 1, 100000, 16384, 7);
  g_autoptr(SrTorrentInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  assert_invalid (no_pieces, SR_TORRENT_ERROR_INVALID);
  assert_invalid (negative, SR_TORRENT_ERROR_INVALID);
  assert_invalid (zero_piece, SR_TORRENT_ERROR_INVALID);
  assert_invalid (odd_piece, SR_TORRENT_ERROR_INVALID);
  assert_invalid (too_few, SR_TORRENT_ERROR_INVALID);

  /* The same builder with consistent numbers parses: the cases above fail
   * for what is wrong with them, not for how they were written. */
  info = sr_torrent_info_new_from_bytes (good, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->name, ==, "a");
  g_assert_cmpuint (info->total_size, ==, 100000);
  g_assert_cmpuint (info->n_pieces, ==, 7);
}

static void
test_unsafe_names (void)
{
  static const char *const up[] = { "..", "..", "etc", "passwd", NULL };
  static const char *const mid[] = { "a", "..", "..", "b", NULL };
  static const char *const slash[] = { "a/../../b", NULL };
  static const char *const abs[] = { "/etc/passwd", NULL };
  static const char *const back[] = { "..\\..\\x", NULL };
  static const char *const device[] = { "sub", "NUL.mp4", NULL };
  static const char *const port[] = { "com1", NULL };
  static const char *const safe[] = { "sub", "video.mp4", NULL };
  static const char *const not_device[] = { "console.mp4", "com10", "nullable", NULL };
  const char *const *bad[] = { up, mid, slash, abs, back, device, port };
  g_autoptr(GBytes) dotdot = v1_torrent ("..", 2, 100, 16384, 1);
  g_autoptr(GBytes) nul = v1_torrent ("a\0b", 3, 100, 16384, 1);
  g_autoptr(GBytes) good = v1_multi (safe);
  g_autoptr(SrTorrentInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) b = v1_multi (bad[i]);
      assert_invalid (b, SR_TORRENT_ERROR_UNSAFE_PATH);
    }
  assert_invalid (dotdot, SR_TORRENT_ERROR_UNSAFE_PATH);
  assert_invalid (nul, SR_TORRENT_ERROR_UNSAFE_PATH);

  {
    g_autoptr(GBytes) lookalikes = v1_multi (not_device);
    g_autoptr(SrTorrentInfo) ok = sr_torrent_info_new_from_bytes (lookalikes, &error);
    g_assert_no_error (error);
    g_assert_nonnull (ok);
  }

  info = sr_torrent_info_new_from_bytes (good, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->files->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (info->files, 0), ==, "dir/sub/video.mp4");
}

static void
test_magnets (void)
{
  static const char *const bad[] = {
    "", "magnet:", "magnet:?", "magnet:?xt=urn:btih:", "magnet:?xt=urn:btih:zzzz",
    "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef0123456", /* 39 digits */
    "magnet:?dn=only-a-name", "http://example.com/x.torrent", "magnet:?xt=urn:sha1:abc",
    "magnet:?xt=urn:btih:%zz%zz",
  };
  const char *good = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=Film";
  const char *escape = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=..%2F..%2Fetc";
  g_autoptr(SrTorrentInfo) info = NULL;
  g_autoptr(SrTorrentInfo) bad_info = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(SrTorrentInfo) inf = sr_torrent_info_new_from_magnet (bad[i], &e);

      if (inf != NULL)
        g_error ("“%s” was accepted as a magnet link", bad[i]);
      g_assert_error (e, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID);
    }

  bad_info = sr_torrent_info_new_from_magnet (escape, &error);
  g_assert_null (bad_info);
  g_assert_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_UNSAFE_PATH);
  g_clear_error (&error);

  info = sr_torrent_info_new_from_magnet (good, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->info_hash, ==, "0123456789abcdef0123456789abcdef01234567");
  g_assert_cmpstr (info->name, ==, "Film");
  g_assert_false (info->has_metadata);
}

/* Flipped bytes and truncations of a real torrent: each either parses or
 * fails cleanly. */
static void
test_mutations (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "folder", "a.bin", NULL);
  g_autofree char *path2 = g_build_filename (dir, "folder", "b.bin", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder", NULL);
  g_autoptr(GBytes) a = test_write_random_file (path, 100000);
  g_autoptr(GBytes) b = test_write_random_file (path2, 50000);
  g_autoptr(GBytes) torrent = test_create_torrent (folder, FALSE);
  gsize len;
  const guint8 *orig = g_bytes_get_data (torrent, &len);
  guint failures = 0;

  for (int round = 0; round < 2000; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (orig, len);
      g_autoptr(GBytes) mutated = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(SrTorrentInfo) info = NULL;
      gsize cut = len;

      if (round % 3 == 0)
        cut = (gsize) g_random_int_range (0, (gint32) len);
      for (int k = 0; k < 1 + round % 4; k++)
        copy[g_random_int_range (0, (gint32) len)] = (guint8) g_random_int_range (0, 256);
      mutated = g_bytes_new (copy, cut);
      info = sr_torrent_info_new_from_bytes (mutated, &error);
      if (info == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == SR_TORRENT_ERROR);
          failures++;
        }
    }
  g_assert_cmpuint (failures, >, 500);
  test_remove_dir (dir);
}

static void
test_session_rejects (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autoptr(SrTorrentSession) session = test_loopback_session (NULL, dir);
  static const char *const up[] = { "..", "escape.bin", NULL };
  static const char *const bad_peers[] = { "not-an-address", NULL };
  g_autoptr(GBytes) traversal = v1_multi (up);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("d4:info", 7);
  SrTorrentAddOptions o = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTorrent) torrent = NULL;
  g_autoptr(GPtrArray) list = NULL;

  o.torrent = traversal;
  torrent = sr_torrent_session_add (session, &o, &error);
  g_assert_null (torrent);
  g_assert_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_UNSAFE_PATH);
  g_clear_error (&error);

  o.torrent = garbage;
  torrent = sr_torrent_session_add (session, &o, &error);
  g_assert_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID);
  g_clear_error (&error);

  torrent = sr_torrent_session_add_magnet (session, "magnet:?xt=urn:btih:nothex", NULL, &error);
  g_assert_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID);
  g_clear_error (&error);

  memset (&o, 0, sizeof o);
  o.info_hash = "xyz";
  torrent = sr_torrent_session_add (session, &o, &error);
  g_assert_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID);
  g_clear_error (&error);

  o.info_hash = "0123456789abcdef0123456789abcdef01234567";
  o.peers = bad_peers;
  torrent = sr_torrent_session_add (session, &o, &error);
  g_assert_error (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID);
  g_clear_error (&error);

  list = sr_torrent_session_list_torrents (session);
  g_assert_cmpuint (list->len, ==, 0);

  /* Nothing was written outside the download folder. */
  {
    g_autofree char *parent = g_path_get_dirname (dir);
    g_autofree char *escaped = g_build_filename (parent, "escape.bin", NULL);
    g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
  }

  test_shutdown_session (session);
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/torrent/input/malformed-bencoding", test_malformed_bencoding);
  g_test_add_func ("/torrent/input/malformed-info", test_malformed_info);
  g_test_add_func ("/torrent/input/unsafe-names", test_unsafe_names);
  g_test_add_func ("/torrent/input/magnets", test_magnets);
  g_test_add_func ("/torrent/input/mutations", test_mutations);
  g_test_add_func ("/torrent/input/session-rejects", test_session_rejects);
  return g_test_run ();
}

/* test-title-media.c: a title's poster and info.json fetched from a real
 * loopback seeder through SrTitleMedia — only those two files come over,
 * they land in the cache and on the SrCatalogTitle, the torrent added for
 * them leaves the session, the cache serves the next request without any
 * peer, and a title nobody seeds keeps its placeholder. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "market/sr-title-media.h"
#include "torrent/sr-torrent-create.h"
#include "torrent/sr-torrent-info.h"

#define VIDEO_BYTES (8 * 1024 * 1024)
#define WAIT_S 120

typedef struct {
  char *dir;
  char *folder;                 /* the published folder */
  GBytes *poster;
  SrTorrentSession *seeder, *viewer;
  SrTorrent *seed;
  SrCatalogTitle *title;
  char *infohash;
} Fixture;

static SrTorrentSession *
loopback_session (const char *dir)
{
  SrTorrentSessionOptions options;
  g_autoptr(GError) error = NULL;
  SrTorrentSession *session;

  sr_torrent_session_options_init_loopback (&options);
  options.download_dir = dir;
  session = sr_torrent_session_new (&options, &error);
  g_assert_no_error (error);
  return session;
}

static SrCatalogTitle *
catalog_title (const char *infohash,
               const char *btih)
{
  g_autofree char *metadata = g_strdup_printf ("{\"title\": \"Blue Lagoon\", \"renditions\": [\"360p.mp4\"], "
                                               "\"btih\": \"%s\"}", btih);
  SrStoreTitle row = {
    .content_id = (char *) "7", .infohash = (char *) infohash, .creator = (char *) "0x0000000000000000000000000000000000000001",
    .price = (char *) "0", .metadata = metadata, .block_hash = (char *) "0x00",
  };

  return sr_catalog_title_new_from_store (&row);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) torrent = NULL;
  g_autoptr(SrTorrentInfo) info = NULL;
  g_autofree char *video = NULL, *poster = NULL, *json = NULL, *seeder_dir = NULL, *viewer_dir = NULL;
  g_autofree guint8 *noise = g_malloc (VIDEO_BYTES);
  guint8 jpeg[3000];

  f->dir = g_dir_make_tmp ("sr-title-media-XXXXXX", &error);
  g_assert_no_error (error);
  f->folder = g_build_filename (f->dir, "published", "Blue Lagoon", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->folder, 0700), ==, 0);

  for (gsize i = 0; i < VIDEO_BYTES; i++)
    noise[i] = (guint8) g_random_int ();
  video = g_build_filename (f->folder, "360p.mp4", NULL);
  g_assert_true (g_file_set_contents (video, (char *) noise, VIDEO_BYTES, NULL));
  for (gsize i = 0; i < sizeof jpeg; i++)
    jpeg[i] = (guint8) (i * 7 + 3);
  f->poster = g_bytes_new (jpeg, sizeof jpeg);
  poster = g_build_filename (f->folder, "poster.jpg", NULL);
  g_assert_true (g_file_set_contents (poster, (char *) jpeg, sizeof jpeg, NULL));
  json = g_build_filename (f->folder, "info.json", NULL);
  g_assert_true (g_file_set_contents (json, "{\"duration\": 42.5, \"renditions\": [{\"name\": \"720p\"}, "
                                            "{\"name\": \"360p\"}]}", -1, NULL));

  torrent = sr_torrent_create_sync (f->folder, SR_TORRENT_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
  info = sr_torrent_info_new_from_bytes (torrent, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info->info_hash_v2);
  f->infohash = g_strdup (info->info_hash_v2);

  seeder_dir = g_build_filename (f->dir, "seeder", NULL);
  viewer_dir = g_build_filename (f->dir, "viewer", NULL);
  f->seeder = loopback_session (seeder_dir);
  f->viewer = loopback_session (viewer_dir);
  f->seed = sr_torrent_session_add_seed (f->seeder, torrent, f->folder, &error);
  g_assert_no_error (error);
  f->title = catalog_title (f->infohash, info->info_hash);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->title);
  g_clear_object (&f->seed);
  g_clear_object (&f->seeder);
  g_clear_object (&f->viewer);
  g_clear_pointer (&f->poster, g_bytes_unref);
  g_free (f->infohash);
  g_free (f->folder);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
  g_free (f->dir);
}

typedef struct {
  gboolean done, success;
} Fetched;

static void
fetched_cb (SrTitleMedia *media,
            const char   *infohash,
            gboolean      success,
            Fetched      *fetched)
{
  fetched->done = TRUE;
  fetched->success = success;
}

static gboolean
deadline_cb (gpointer user_data)
{
  g_error ("No fetch ended within %d s", WAIT_S);
  return G_SOURCE_REMOVE;
}

/* The seeder dials the viewer until the fetch is over, as a publisher does. */
static void
wait_fetched (Fixture      *f,
              SrTitleMedia *media,
              Fetched      *fetched,
              gboolean      dial)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", sr_torrent_session_get_listen_port (f->viewer));
  guint deadline = g_timeout_add_seconds (WAIT_S, deadline_cb, NULL);
  gint64 dialled = 0;

  while (!fetched->done)
    {
      if (dial && g_get_monotonic_time () - dialled > G_USEC_PER_SEC && sr_torrent_get_peers (f->seed) == 0)
        {
          sr_torrent_connect_peer (f->seed, address, NULL);
          dialled = g_get_monotonic_time ();
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (deadline);
}

static guint
n_torrents (SrTorrentSession *session)
{
  g_autoptr(GPtrArray) list = sr_torrent_session_list_torrents (session);

  return list->len;
}

static void
test_fetch_from_seeder (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  g_autoptr(SrTitleMedia) media = sr_title_media_new (f->viewer, cache);
  g_autofree char *poster_data = NULL, *video = NULL;
  const char * const *renditions;
  Fetched fetched = { 0 };
  gsize len = 0;

  g_signal_connect (media, "fetched", G_CALLBACK (fetched_cb), &fetched);
  g_assert_null (sr_catalog_title_get_poster_path (f->title));

  sr_title_media_request (media, f->title);
  g_assert_true (sr_title_media_is_fetching (media, f->infohash));
  {
    g_autoptr(GPtrArray) list = sr_torrent_session_list_torrents (f->viewer);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_true (sr_title_media_is_media_torrent (list->pdata[0]));
  }
  /* A second card asking for the same title joins the same fetch. */
  sr_title_media_request (media, f->title);
  g_assert_cmpuint (n_torrents (f->viewer), ==, 1);

  wait_fetched (f, media, &fetched, TRUE);
  g_assert_true (fetched.success);

  /* The poster is the seeder's, byte for byte, in the cache under the infohash. */
  g_assert_nonnull (sr_catalog_title_get_poster_path (f->title));
  g_assert_true (g_str_has_prefix (sr_catalog_title_get_poster_path (f->title), cache));
  g_assert_nonnull (strstr (sr_catalog_title_get_poster_path (f->title), f->infohash));
  g_assert_true (g_file_get_contents (sr_catalog_title_get_poster_path (f->title), &poster_data, &len, NULL));
  g_assert_cmpmem (poster_data, len, g_bytes_get_data (f->poster, NULL), g_bytes_get_size (f->poster));

  /* info.json's details replace the registry's. */
  g_assert_cmpfloat_with_epsilon (sr_catalog_title_get_duration (f->title), 42.5, 1e-9);
  renditions = sr_catalog_title_get_renditions (f->title);
  g_assert_cmpstr (renditions[0], ==, "720p");
  g_assert_cmpstr (renditions[1], ==, "360p");
  g_assert_null (renditions[2]);

  /* Only the two small files came over: had any byte of the rendition
   * arrived, the torrent would count as taken over by a viewer and stay.
   * It is gone, with its download folder. */
  sr_torrent_refresh (f->seed);
  g_assert_cmpuint (sr_torrent_get_total_uploaded (f->seed), <, 512 * 1024);
  g_assert_cmpuint (n_torrents (f->viewer), ==, 0);
  video = g_build_filename (cache, f->infohash, "download", "Blue Lagoon", "360p.mp4", NULL);
  g_assert_false (g_file_test (video, G_FILE_TEST_EXISTS));
  g_assert_false (sr_title_media_is_fetching (media, f->infohash));
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_cache_serves_later (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  g_autoptr(SrCatalogTitle) again = NULL;
  Fetched fetched = { 0 };

  {
    g_autoptr(SrTitleMedia) media = sr_title_media_new (f->viewer, cache);
    g_signal_connect (media, "fetched", G_CALLBACK (fetched_cb), &fetched);
    sr_title_media_request (media, f->title);
    wait_fetched (f, media, &fetched, TRUE);
    g_assert_true (fetched.success);
  }

  /* Next start: the seeder is gone, the cache answers at once. */
  g_clear_object (&f->seed);
  g_clear_object (&f->seeder);
  again = catalog_title (f->infohash, "0000000000000000000000000000000000000000");
  {
    g_autoptr(SrTitleMedia) media = sr_title_media_new (f->viewer, cache);
    guint details = 0;

    g_signal_connect_swapped (again, "notify::details", G_CALLBACK (count_cb), &details);
    sr_title_media_request (media, again);
    g_assert_nonnull (sr_catalog_title_get_poster_path (again));
    g_assert_cmpfloat_with_epsilon (sr_catalog_title_get_duration (again), 42.5, 1e-9);
    /* A card shown again asks again: nothing new, nothing notified. */
    sr_title_media_request (media, again);
    g_assert_cmpuint (details, ==, 1);
    g_assert_false (sr_title_media_is_fetching (media, f->infohash));
    g_assert_cmpuint (n_torrents (f->viewer), ==, 0);
  }
}

static void
test_no_peers_keeps_placeholder (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  g_autoptr(SrTitleMedia) media = sr_title_media_new (f->viewer, cache);
  g_autoptr(SrCatalogTitle) lonely = catalog_title ("ab00000000000000000000000000000000000000000000000000000000000000",
                                                    "ab00000000000000000000000000000000000000");
  Fetched fetched = { 0 };
  gint64 asked;

  sr_title_media_set_timeout (media, 2);
  g_signal_connect (media, "fetched", G_CALLBACK (fetched_cb), &fetched);
  asked = g_get_monotonic_time ();
  sr_title_media_request (media, lonely);
  /* Asking never waits for the network. */
  g_assert_cmpint (g_get_monotonic_time () - asked, <, G_USEC_PER_SEC / 2);
  g_assert_cmpuint (n_torrents (f->viewer), ==, 1);
  wait_fetched (f, media, &fetched, FALSE);
  g_assert_false (fetched.success);
  g_assert_null (sr_catalog_title_get_poster_path (lonely));
  g_assert_cmpuint (n_torrents (f->viewer), ==, 0);

  /* Right after giving up it does not hammer the swarm again… */
  sr_title_media_request (media, lonely);
  g_assert_false (sr_title_media_is_fetching (media, sr_catalog_title_get_infohash (lonely)));
  g_assert_cmpuint (n_torrents (f->viewer), ==, 0);

  /* …but tries again by itself a while later, a peer may have come online. */
  fetched.done = FALSE;
  {
    guint deadline = g_timeout_add_seconds (WAIT_S, deadline_cb, NULL);

    while (!sr_title_media_is_fetching (media, sr_catalog_title_get_infohash (lonely)))
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (deadline);
  }
  g_assert_cmpuint (n_torrents (f->viewer), ==, 1);
  wait_fetched (f, media, &fetched, FALSE);
  g_assert_false (fetched.success);
}

/* Bought while its poster came in (or claimed: its page opened to watch
 * it): the torrent is the one the viewer is about to watch through, so it
 * stays, every file wanted again. */
static void
test_bought_meanwhile_keeps_torrent (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  g_autoptr(SrTitleMedia) media = sr_title_media_new (f->viewer, cache);
  g_autoptr(GPtrArray) list = NULL;
  Fetched fetched = { 0 };
  SrTorrent *torrent;

  g_signal_connect (media, "fetched", G_CALLBACK (fetched_cb), &fetched);
  sr_title_media_request (media, f->title);
  if (GPOINTER_TO_INT (data))
    sr_title_media_claim (media, f->title);     /* opened to be watched */
  else
    sr_catalog_title_set_view_id (f->title, "1");
  wait_fetched (f, media, &fetched, TRUE);
  g_assert_true (fetched.success);
  g_assert_nonnull (sr_catalog_title_get_poster_path (f->title));

  list = sr_torrent_session_list_torrents (f->viewer);
  g_assert_cmpuint (list->len, ==, 1);
  torrent = list->pdata[0];
  g_assert_false (sr_title_media_is_media_torrent (torrent));
  /* libtorrent applies priorities on its own thread: wait for them. */
  for (guint i = 0; i < sr_torrent_get_n_files (torrent); i++)
    {
      g_autofree char *path = sr_torrent_dup_file_path (torrent, i);
      gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      if (strstr (path, ".pad/") != NULL)   /* a hybrid's padding is never wanted */
        continue;
      while (sr_torrent_get_file_priority (torrent, i) != SR_FILE_PRIORITY_NORMAL &&
             g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (sr_torrent_get_file_priority (torrent, i), ==, SR_FILE_PRIORITY_NORMAL);
    }
  /* And the rendition comes over now. */
  {
    gint64 until = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

    while (sr_torrent_get_progress (torrent) < 1.0 && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpfloat (sr_torrent_get_progress (torrent), >=, 1.0);
  }
}

/* A torrent the user already has (here: fully seeded) is used as it is and
 * stays in the session. */
static void
test_existing_torrent_stays (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  g_autoptr(SrTitleMedia) media = sr_title_media_new (f->seeder, cache);
  Fetched fetched = { 0 };

  g_signal_connect (media, "fetched", G_CALLBACK (fetched_cb), &fetched);
  sr_title_media_request (media, f->title);
  wait_fetched (f, media, &fetched, FALSE);
  g_assert_true (fetched.success);
  g_assert_nonnull (sr_catalog_title_get_poster_path (f->title));
  g_assert_cmpuint (n_torrents (f->seeder), ==, 1);
  g_assert_false (sr_title_media_is_media_torrent (f->seed));
  g_assert_cmpint (sr_torrent_get_file_priority (f->seed, 0), !=, SR_FILE_PRIORITY_SKIP);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/title-media/fetch-from-seeder", Fixture, NULL, fixture_set_up, test_fetch_from_seeder,
              fixture_tear_down);
  g_test_add ("/title-media/cache-serves-later", Fixture, NULL, fixture_set_up, test_cache_serves_later,
              fixture_tear_down);
  g_test_add ("/title-media/no-peers-keeps-placeholder", Fixture, NULL, fixture_set_up,
              test_no_peers_keeps_placeholder, fixture_tear_down);
  g_test_add ("/title-media/bought-meanwhile-keeps-torrent", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_bought_meanwhile_keeps_torrent, fixture_tear_down);
  g_test_add ("/title-media/claimed-keeps-torrent", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_bought_meanwhile_keeps_torrent, fixture_tear_down);
  g_test_add ("/title-media/existing-torrent-stays", Fixture, NULL, fixture_set_up,
              test_existing_torrent_stays, fixture_tear_down);
  return g_test_run ();
}

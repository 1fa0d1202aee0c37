/* torrent-test-util.h: helpers shared by the torrent tests: random data in
 * temporary folders, a seeder in its own process, waiting on the main loop. */
#pragma once

#include <gio/gio.h>

#include "torrent/sr-torrent-session.h"

typedef gboolean (*TestCondition) (gpointer user_data);

char       *test_make_dir (void);
void        test_remove_dir (const char *path);
GBytes     *test_write_random_file (const char *path, gsize size);
gboolean    test_wait_until (TestCondition condition, gpointer user_data, guint timeout_ms);
void        test_iterate (guint ms);
GBytes     *test_create_torrent (const char *path, gboolean v1_only);
char       *test_write_torrent (const char *dir, GBytes *torrent);
GSubprocess *test_spawn_seeder (const char *torrent_path, const char *content_path,
                                int upload_limit_kib, guint *port);
SrTorrentSession *test_loopback_session (const char *state_dir, const char *download_dir);
void        test_shutdown_session (SrTorrentSession *session);

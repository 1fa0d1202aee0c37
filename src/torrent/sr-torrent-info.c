/* sr-torrent-info.c: .torrent and magnet parsing without a session. The
 * shim rejects names that would leave the download folder. */

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "torrent/lt/sr-lt.h"
#include "torrent/sr-torrent-info.h"
#include "torrent/sr-torrent-private.h"

static SrTorrentInfo *
info_from_lt (SrLtInfo *lt)
{
  SrTorrentInfo *info = g_new0 (SrTorrentInfo, 1);
  char *s;
  int n;

  s = sr_lt_info_name (lt);
  info->name = g_strdup (s);
  free (s);
  s = sr_lt_info_info_hash (lt);
  info->info_hash = g_strdup (s);
  free (s);
  s = sr_lt_info_info_hash_v2 (lt);
  info->info_hash_v2 = g_strdup (s);
  free (s);
  info->has_metadata = sr_lt_info_has_metadata (lt);
  info->total_size = (guint64) MAX (sr_lt_info_total_size (lt), 0);
  info->piece_length = (guint) sr_lt_info_piece_length (lt);
  info->n_pieces = (guint) sr_lt_info_num_pieces (lt);
  info->files = g_ptr_array_new_with_free_func (g_free);
  info->file_sizes = g_array_new (FALSE, TRUE, sizeof (guint64));
  n = sr_lt_info_num_files (lt);
  for (int i = 0; i < n; i++)
    {
      SrLtFile file;
      guint64 size;

      if (!sr_lt_info_file (lt, i, &file))
        continue;
      if (file.pad)
        {
          free (file.path);
          continue;
        }
      g_ptr_array_add (info->files, g_strdup (file.path));
      size = (guint64) file.size;
      g_array_append_val (info->file_sizes, size);
      free (file.path);
    }
  return info;
}

SrTorrentInfo *
sr_torrent_info_new_from_bytes (GBytes *data, GError **error)
{
  SrLtError err;
  SrLtInfo *lt;
  SrTorrentInfo *info;
  gsize len = 0;
  const guint8 *p;

  g_return_val_if_fail (data != NULL, NULL);

  p = g_bytes_get_data (data, &len);
  if (len == 0)
    {
      g_set_error_literal (error, SR_TORRENT_ERROR, SR_TORRENT_ERROR_INVALID,
                           _("The torrent file is empty"));
      return NULL;
    }
  lt = sr_lt_info_new_from_data (p, len, &err);
  if (lt == NULL)
    {
      _sr_torrent_set_error (error, &err);
      g_prefix_error (error, "%s", _("Not a valid torrent file: "));
      return NULL;
    }
  info = info_from_lt (lt);
  sr_lt_info_free (lt);
  return info;
}

SrTorrentInfo *
sr_torrent_info_new_from_magnet (const char *uri, GError **error)
{
  SrLtError err;
  SrLtInfo *lt;
  SrTorrentInfo *info;

  g_return_val_if_fail (uri != NULL, NULL);

  lt = sr_lt_info_new_from_magnet (uri, &err);
  if (lt == NULL)
    {
      _sr_torrent_set_error (error, &err);
      g_prefix_error (error, "%s", _("Not a valid magnet link: "));
      return NULL;
    }
  info = info_from_lt (lt);
  sr_lt_info_free (lt);
  return info;
}

void
sr_torrent_info_free (SrTorrentInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->info_hash);
  g_free (info->info_hash_v2);
  g_clear_pointer (&info->files, g_ptr_array_unref);
  g_clear_pointer (&info->file_sizes, g_array_unref);
  g_free (info);
}

/* content-cipher-bench.c — decryption throughput of paid renditions
 * (sr_content_cipher_xor, XChaCha20 at an offset) against a plain read of
 * the same file, the floor: 64 KiB chunks, as the player's source reads.
 *
 * Built and run by bench/content-cipher.sh; prints one line per measurement. */
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crypto/sr-content-cipher.h"

#define CHUNK (64 * 1024)

static double
mib_per_s (guint64 bytes, gint64 us)
{
  return (double) bytes / (1024.0 * 1024.0) / ((double) us / G_USEC_PER_SEC);
}

/* One pass over @path; decrypts each chunk when @key is set. */
static guint64
pass (const char *path, const guint8 *key, const guint8 *nonce, guint8 *buf, guint8 *out, gint64 *us)
{
  int fd = open (path, O_RDONLY);
  guint64 offset = 0, sink = 0;
  gint64 start = g_get_monotonic_time ();
  ssize_t n;

  g_assert (fd >= 0);
  while ((n = read (fd, buf, CHUNK)) > 0)
    {
      if (key != NULL)
        {
          sr_content_cipher_xor (key, nonce, offset, buf, out, (gsize) n);
          sink += out[0];
        }
      else
        sink += buf[0];
      offset += (guint64) n;
    }
  *us = g_get_monotonic_time () - start;
  close (fd);
  return offset + (sink & 0);
}

int
main (int argc, char *argv[])
{
  const char *path = argc > 1 ? argv[1] : NULL;
  int repeat = argc > 2 ? atoi (argv[2]) : 5;
  guint8 key[SR_CONTENT_KEY_LEN], nonce[SR_CONTENT_NONCE_LEN];
  guint8 *buf = g_malloc (CHUNK), *out = g_malloc (CHUNK);
  double best_plain = 0, best_dec = 0, best_mem = 0;
  guint64 size = 0;

  if (path == NULL)
    {
      fprintf (stderr, "usage: content-cipher-bench FILE [REPEAT]\n");
      return 2;
    }
  sr_content_cipher_generate_key (key);
  sr_content_cipher_derive_nonce ("title/720p.mp4", nonce);

  for (int i = 0; i < repeat; i++)
    {
      gint64 us;

      size = pass (path, NULL, NULL, buf, out, &us);
      best_plain = MAX (best_plain, mib_per_s (size, us));
      size = pass (path, key, nonce, buf, out, &us);
      best_dec = MAX (best_dec, mib_per_s (size, us));
    }

  /* The cipher alone, over one buffer of the file's size held in memory. */
  {
    guint8 *all = g_malloc (size), *dst = g_malloc (CHUNK);
    for (int i = 0; i < repeat; i++)
      {
        gint64 start = g_get_monotonic_time ();
        for (guint64 off = 0; off < size; off += CHUNK)
          sr_content_cipher_xor (key, nonce, off, all + off, dst, MIN (CHUNK, size - off));
        best_mem = MAX (best_mem, mib_per_s (size, g_get_monotonic_time () - start));
      }
    g_free (all);
    g_free (dst);
  }

  printf ("file: %" G_GUINT64_FORMAT " MiB, %d KiB chunks, best of %d\n", size >> 20, CHUNK / 1024, repeat);
  printf ("plain read (page cache, the floor)  %8.0f MiB/s\n", best_plain);
  printf ("read + decrypt                      %8.0f MiB/s  (%.0f %% of the floor)\n", best_dec,
          100.0 * best_dec / best_plain);
  printf ("decrypt only, in memory             %8.0f MiB/s\n", best_mem);
  g_free (buf);
  g_free (out);
  return 0;
}

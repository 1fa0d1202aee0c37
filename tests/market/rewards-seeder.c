/* rewards-seeder.c: a seeder in its own process, for the test that kills one
 * with SIGKILL while receipts arrive. It seeds a title from a folder that
 * already holds it, announces its payout address, keeps the receipts it is
 * sent in its own database, and prints "PORT n" once listening and
 * "STORED view bytes" for each receipt it acknowledged.
 *
 * rewards-seeder RPC-URL REGISTRY CONTENT-ID PAYOUT TORRENT-FILE SAVE-PATH DB UPLOAD-LIMIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"
#include "market/sr-catalog.h"
#include "market/sr-key-exchange.h"
#include "market/sr-receipts.h"
#include "torrent/sr-torrent-session.h"

static void
on_stored (SrReceipts *receipts, const char *address, const char *view, guint64 bytes, gpointer data)
{
  printf ("STORED %s %" G_GUINT64_FORMAT "\n", view, bytes);
  fflush (stdout);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRpcClient) rpc = NULL;
  g_autoptr(SrRegistry) registry = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autoptr(SrTorrentSession) session = NULL;
  g_autoptr(SrTorrent) torrent = NULL;
  g_autoptr(SrKeyExchange) exchange = NULL;
  g_autoptr(SrReceipts) receipts = NULL;
  g_autoptr(GBytes) metadata = NULL;
  g_autofree char *contents = NULL, *network = NULL;
  SrTorrentSessionOptions o;
  SrTorrentAddOptions add = { 0 };
  SrKeyExchangeTitle title = { 0 };
  gsize len;

  if (argc != 9)
    {
      fprintf (stderr, "usage: rewards-seeder RPC REGISTRY CONTENT-ID PAYOUT TORRENT SAVE-PATH DB UPLOAD-LIMIT\n");
      return 2;
    }
  title.chain_id = 31337;
  if (!sr_address_parse (argv[2], title.registry, &error) ||
      !sr_u256_parse (argv[3], title.content_id, &error) ||
      !sr_address_parse (argv[4], title.payout, &error) ||
      !g_file_get_contents (argv[5], &contents, &len, &error) ||
      (store = sr_store_open (argv[7], &error)) == NULL)
    {
      fprintf (stderr, "rewards-seeder: %s\n", error->message);
      return 1;
    }
  rpc = sr_rpc_client_new (argv[1]);
  registry = sr_registry_new (rpc, title.registry);
  network = sr_catalog_network_key (title.chain_id, title.registry);

  sr_torrent_session_options_init_loopback (&o);
  o.download_dir = argv[6];
  session = sr_torrent_session_new (&o, &error);
  metadata = g_bytes_new_take (g_steal_pointer (&contents), len);
  add.torrent = metadata;
  add.save_path = argv[6];
  add.flags = SR_TORRENT_ADD_SEED_MODE;
  if (session == NULL || (torrent = sr_torrent_session_add (session, &add, &error)) == NULL)
    {
      fprintf (stderr, "rewards-seeder: %s\n", error->message);
      return 1;
    }
  sr_torrent_set_rate_limits (torrent, atoi (argv[8]), 0);
  exchange = sr_key_exchange_new (torrent, registry, &title);
  receipts = sr_receipts_new (torrent, registry, store, network, &title);
  g_signal_connect (receipts, "receipt-stored", G_CALLBACK (on_stored), NULL);

  while (sr_torrent_session_get_listen_port (session) == 0)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  printf ("PORT %u\n", sr_torrent_session_get_listen_port (session));
  fflush (stdout);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

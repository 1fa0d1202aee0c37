/* main.c: seedreel-cli, every Seedreel flow from the command line. Each
 * group of subcommands lives in its own file. */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sr-cli-market.h"
#include "sr-cli-rewards.h"
#include "sr-cli-torrent.h"
#include "sr-cli-transcode.h"
#include "sr-cli-wallet.h"

static void
usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: seedreel-cli COMMAND [ARGS…]"));
  fprintf (out, "\n%s\n", _("Commands:"));
  fprintf (out, "  torrent create|info|seed|get|stream   %s\n",
           _("Create, inspect, seed, download and stream torrents"));
  fprintf (out, "  transcode --worker URL FILE   %s\n",
           _("Transcode a video on a worker and check every rendition"));
  fprintf (out, "  wallet create|import|export|address|balance|send   %s\n",
           _("Manage the wallet and send ETH or tokens"));
  fprintf (out, "  catalog [--json]   %s\n", _("List the titles published on the network"));
  fprintf (out, "  buy TITLE-ID   %s\n", _("Buy a view of a title"));
  fprintf (out, "  rewards|claim   %s\n", _("Show and collect seeding rewards"));
  fprintf (out, "  publish FOLDER   %s\n", _("Encrypt, seed and publish a title’s renditions"));
  fprintf (out, "  publish --worker URL FILE   %s\n",
           _("Transcode a video on a worker, check it, then publish it the same way"));
  fprintf (out, "  watch TITLE-ID|INFOHASH [--output FILE]   %s\n",
           _("Buy if needed, download and decrypt a title, and sign seeding receipts"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* A closed pipe on stdout or stderr is an error to report, not a reason to die. */
  signal (SIGPIPE, SIG_IGN);

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  if (strcmp (argv[1], "torrent") == 0)
    return sr_cli_torrent_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "transcode") == 0)
    return sr_cli_transcode_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "wallet") == 0)
    return sr_cli_wallet_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "catalog") == 0)
    return sr_cli_catalog_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "buy") == 0)
    return sr_cli_buy_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "rewards") == 0 || strcmp (argv[1], "claim") == 0)
    return (argv[1][0] == 'r' ? sr_cli_rewards_main : sr_cli_claim_main) (argc - 1, argv + 1);
  if (strcmp (argv[1], "publish") == 0)
    return sr_cli_publish_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "watch") == 0)
    return sr_cli_watch_main (argc - 1, argv + 1);

  fprintf (stderr, _("Unknown command “%s”\n"), argv[1]);
  usage (stderr);
  return 2;
}

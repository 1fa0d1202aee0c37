/* sr-cli-wallet.h: `seedreel-cli wallet …`, the wallet from the command line. */
#pragma once

int sr_cli_wallet_main (int argc, char **argv);

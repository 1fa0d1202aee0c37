/* sr-cli-market.h: `seedreel-cli catalog` and `seedreel-cli buy`. */
#pragma once

int sr_cli_catalog_main (int argc, char **argv);
int sr_cli_buy_main     (int argc, char **argv);

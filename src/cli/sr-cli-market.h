/* sr-cli-market.h: `seedreel-cli catalog`, `buy`, `publish` and `watch`. */
#pragma once

int sr_cli_catalog_main (int argc, char **argv);
int sr_cli_buy_main     (int argc, char **argv);
int sr_cli_publish_main (int argc, char **argv);
int sr_cli_watch_main   (int argc, char **argv);

/* sr-cli-torrent.h: `seedreel-cli torrent …`. */
#pragma once

int sr_cli_torrent_main (int argc, char **argv);

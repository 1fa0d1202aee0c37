/* sr-cli-transcode.h: `seedreel-cli transcode`, a video through a worker
 * into a checked folder that `seedreel-cli publish` takes. */
#pragma once

int sr_cli_transcode_main (int argc, char **argv);

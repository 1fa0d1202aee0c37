/* sr-cli-transcode.h: `seedreel-cli transcode`, a video through a worker
 * into a checked folder that `seedreel-cli publish` takes. */
#pragma once

#include <gio/gio.h>
#include <stdio.h>

int      sr_cli_transcode_main (int argc, char **argv);

/* Sends @file through the worker at @worker and leaves the checked
 * renditions, poster.jpg and info.json in @out_dir, telling each step on
 * @out; `seedreel-cli publish FILE --worker` uses it before publishing. */
gboolean sr_cli_transcode_run  (const char  *worker,
                                const char  *token,
                                const char  *file,
                                GFile       *out_dir,
                                const char  *title,
                                const char  *description,
                                gsize        chunk_size,
                                FILE        *out,
                                GError     **error);

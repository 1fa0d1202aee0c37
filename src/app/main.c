/* main.c — entry point of the `seedreel` desktop app. */
#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <locale.h>

#include "sr-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SrApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* GStreamer reads its own options (--gst-debug…) before GApplication. */
  gst_init (&argc, &argv);
  g_set_application_name (_("Seedreel"));

  app = sr_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}

/* forkscope: the desktop app — locale, then the application's main loop. */
#include <locale.h>

#include "ui/fs-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (FsApplication) app = NULL;

  setlocale (LC_ALL, "");
  app = fs_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}

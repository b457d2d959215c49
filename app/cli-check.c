/* cli-check.c: `forkscope-cli check FILE…` — parse and check scenarios
 * without running them; every error at once, compiler style. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "core/scenario-ast.h"

int
fs_cli_check (int argc, char **argv)
{
  const char *command = argv[0];
  g_autofree char *color = NULL;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "color", 0, 0, G_OPTION_ARG_STRING, &color, "Colour: auto, always or never", "WHEN" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing for scenarios without problems", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = fs_cli_option_context (
    command, "FILE…", "Check scenario files without running them",
    "Reports every syntax and semantic error as FILE:LINE:COL: error: MESSAGE with\n"
    "the source line and a caret.  Exit status: 0 when all files are fine\n"
    "(warnings allowed), 2 when any has an error or cannot be read.");
  g_option_context_add_main_entries (context, entries, NULL);

  int exit_code;
  if (!fs_cli_parse_options (context, command, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return fs_cli_usage_error (command, "no scenario file to check");

  FsCliColorMode mode = FS_CLI_COLOR_AUTO;
  if (color && !fs_cli_parse_color_mode (color, &mode))
    return fs_cli_usage_error (command, "--color %s: expected auto, always or never", color);
  gboolean use_color = fs_cli_use_color (stderr, mode);

  int result = FS_CLI_EXIT_OK;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (FsScenario) scenario = fs_scenario_load (argv[i], &error);
      if (scenario == NULL)
        {
          fs_cli_error ("%s: %s", argv[i], error->message);
          result = FS_CLI_EXIT_USAGE;
          continue;
        }
      if (scenario->diagnostics->len > 0)
        {
          g_autofree char *text = fs_scenario_format_diagnostics (scenario, use_color);
          fputs (text, stderr);
        }
      if (scenario->n_errors > 0)
        {
          fprintf (stderr, "%s: %u error%s, %u warning%s\n", argv[i], scenario->n_errors,
                   scenario->n_errors == 1 ? "" : "s", scenario->n_warnings,
                   scenario->n_warnings == 1 ? "" : "s");
          result = FS_CLI_EXIT_USAGE;
        }
      else if (!quiet)
        printf ("%s: ok (%u process%s declared%s%u warning%s)\n", argv[i], scenario->processes->len,
                scenario->processes->len == 1 ? "" : "es", ", ", scenario->n_warnings,
                scenario->n_warnings == 1 ? "" : "s");
    }
  return result;
}

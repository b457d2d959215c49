/* forkscope-cli: the headless entry point — finds the command and runs it.
 * Never links GTK, so traces can be recorded and exported on servers. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "fs-config.h"
#include "cli.h"

/* One line per command; each command's owner adds its own. */
static const FsCliCommand commands[] = {
  { "show",   fs_cli_show,   "Print a trace: process tree, then events like strace" },
  { "export", fs_cli_export, "Write a trace in another format (json, …)" },
  { "import", fs_cli_import, "Turn a JSON trace into a native .fstrace file" },
  { "synth",  fs_cli_synth,  "Write a synthetic trace (for benchmarks and tests)" },
  { "record", fs_cli_record, "Record a command (or -p PID) and its descendants into a trace" },
  { "check",  fs_cli_check,  "Check scenario files (.fsc) and report every error" },
  { "run",    fs_cli_run,    "Run a scenario (.fsc) for real and record it" },
};

static const FsCliCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  forkscope-cli COMMAND [OPTION…]\n"
           "\n"
           "Trace and explain fork/exec/exit/kill and signal delivery.\n"
           "\n"
           "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "  %-10s %s\n"
           "\n"
           "Options:\n"
           "  -h, --help     Show this help\n"
           "  --version      Show the version\n"
           "\n"
           "'forkscope-cli COMMAND --help' or 'forkscope-cli help COMMAND' shows a command's options.\n"
           "Exit status: 0 success, 1 failure at run time, 2 bad usage or bad input.\n",
           "help", "Show the help of a command");
}

int
main (int argc, char **argv)
{
  const FsCliCommand *command;

  setlocale (LC_ALL, "");
  g_set_prgname ("forkscope-cli");
  fs_cli_clean_up_on_crash ();

  if (argc < 2)
    {
      print_usage (stderr);
      return FS_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (stdout);
      return FS_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "-V") == 0)
    {
      printf ("forkscope-cli %s\n", FS_VERSION);
      return FS_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "help") == 0)
    {
      char *help_argv[3];

      if (argc < 3)
        {
          print_usage (stdout);
          return FS_CLI_EXIT_OK;
        }
      command = find_command (argv[2]);
      if (command == NULL)
        return fs_cli_usage_error (NULL, "help: unknown command '%s'", argv[2]);
      help_argv[0] = argv[2];
      help_argv[1] = (char *) "--help";
      help_argv[2] = NULL;
      return command->run (2, help_argv);
    }
  if (argv[1][0] == '-')
    return fs_cli_usage_error (NULL, "unknown option '%s'; a command comes first", argv[1]);

  command = find_command (argv[1]);
  if (command == NULL)
    return fs_cli_usage_error (NULL, "unknown command '%s'", argv[1]);
  return command->run (argc - 1, argv + 1);
}

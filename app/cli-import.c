/* cli-import.c: `forkscope-cli import json IN -o OUT.fstrace` — a JSON trace
 * (docs/trace-format.md, "JSON schema") to the native format. */
#include "cli.h"

#include "core/trace-file.h"
#include "core/trace-json.h"

int
fs_cli_import (int argc, char **argv)
{
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The .fstrace file to write", "OUT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    fs_cli_option_context ("import", "FORMAT IN",
                           "Turn a trace in another format into a native .fstrace file.",
                           "Formats:\n"
                           "  json   forkscope JSON traces (what 'forkscope-cli export --format json' writes)");
  g_autoptr(FsTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = FS_CLI_EXIT_OK;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!fs_cli_parse_options (context, "import", &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return fs_cli_usage_error ("import", "missing FORMAT (json) and IN");
  if (!g_str_equal (argv[1], "json"))
    return fs_cli_usage_error ("import", "unknown format '%s' (known: json)", argv[1]);
  if (argc < 3)
    return fs_cli_usage_error ("import", "missing IN");
  if (argc > 3)
    return fs_cli_usage_error ("import", "unexpected argument '%s'", argv[3]);
  if (output == NULL)
    return fs_cli_usage_error ("import", "missing -o OUT.fstrace");
  if (g_str_equal (output, "-"))
    return fs_cli_usage_error ("import", "-o: a .fstrace file is binary; give a file name");

  if (!g_file_test (argv[2], G_FILE_TEST_EXISTS))
    {
      fs_cli_error ("%s: no such file", argv[2]);
      return FS_CLI_EXIT_USAGE;
    }
  trace = fs_trace_load_json (argv[2], &error);
  if (trace == NULL)
    {
      fs_cli_error ("%s", error->message);
      return FS_CLI_EXIT_USAGE;
    }
  if (!fs_trace_save (trace, output, &error))
    {
      fs_cli_error ("%s", error->message);
      return FS_CLI_EXIT_FAILURE;
    }
  return FS_CLI_EXIT_OK;
}

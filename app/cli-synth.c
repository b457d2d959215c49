/* cli-synth.c: `forkscope-cli synth --processes N --events M -o OUT` —
 * synthetic but valid traces for benchmarks and tests (core/trace-synth.h). */
#include "cli.h"

#include <string.h>

#include "core/trace-file.h"
#include "core/trace-json.h"
#include "core/trace-synth.h"

int
fs_cli_synth (int argc, char **argv)
{
  g_autofree char *output = NULL;
  gint64 n_processes = 100, n_events = 1000, seed = 1;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "processes", 'p', 0, G_OPTION_ARG_INT64, &n_processes, "Number of processes (default 100)", "N" },
    { "events", 'e', 0, G_OPTION_ARG_INT64, &n_events, "Number of events (default 1000)", "M" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Random seed; the same seed gives the same trace (default 1)", "S" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The file to write (.fstrace, or .json for JSON)", "OUT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Write JSON whatever the name of OUT", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    fs_cli_option_context ("synth", NULL, "Write a synthetic but valid trace.",
                           "A process tree where processes fork, exec, print, signal each other,\n"
                           "exit and are reaped.  Fewer processes are made when M is too small\n"
                           "for N lifecycles (about 4 events each).");
  g_autoptr(FsTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = FS_CLI_EXIT_OK;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!fs_cli_parse_options (context, "synth", &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return fs_cli_usage_error ("synth", "unexpected argument '%s'", argv[1]);
  if (output == NULL)
    return fs_cli_usage_error ("synth", "missing -o OUT");
  if (n_processes < 1 || n_processes > 100000000)
    return fs_cli_usage_error ("synth", "--processes: %" G_GINT64_FORMAT " is not in 1..100000000", n_processes);
  if (n_events < 0 || n_events > G_GINT64_CONSTANT (1000000000))
    return fs_cli_usage_error ("synth", "--events: %" G_GINT64_FORMAT " is not in 0..1000000000", n_events);
  if (seed < 0 || seed > G_MAXUINT32)
    return fs_cli_usage_error ("synth", "--seed: %" G_GINT64_FORMAT " is not in 0..4294967295", seed);
  if (g_str_has_suffix (output, ".json"))
    json = TRUE;
  if (!json && g_str_equal (output, "-"))
    return fs_cli_usage_error ("synth", "-o: a .fstrace file is binary; give a file name or --json");

  trace = fs_trace_synth ((guint) n_processes, (gsize) n_events, (guint32) seed);
  if (json)
    {
      g_autoptr(GOutputStream) out = fs_cli_open_output (output, &error);
      if (out == NULL ||
          !fs_trace_write_json (trace, out, NULL, &error) ||
          !g_output_stream_close (out, NULL, &error))
        {
          fs_cli_error ("%s", error->message);
          return FS_CLI_EXIT_FAILURE;
        }
    }
  else if (!fs_trace_save (trace, output, &error))
    {
      fs_cli_error ("%s", error->message);
      return FS_CLI_EXIT_FAILURE;
    }
  return FS_CLI_EXIT_OK;
}

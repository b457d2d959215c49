/* cli-export.c: `forkscope-cli export FILE --format FORMAT -o OUT`.
 *
 * Formats are rows of export_formats[]: a name, the file extension that
 * selects it when --format is left out, and a function that reads the parsed
 * FsCliExportOptions (cli.h).  A new format is one row here plus its function. */
#include "cli.h"

#include <string.h>
#include <unistd.h>

#include "core/trace-json.h"

static gboolean
export_json (const FsCliExportOptions *options, GError **error)
{
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GError) local_error = NULL;

  if (options->from != NULL || options->to != NULL || options->processes != NULL ||
      options->at != NULL || options->at_event != NULL)
    {
      g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE,
                   "the json format is the whole trace; --from/--to/--processes/--at do not apply");
      return FALSE;
    }
  out = fs_cli_open_output (options->output, error);
  if (out == NULL)
    return FALSE;
  if (!fs_trace_write_json (options->trace, out, NULL, &local_error) ||
      !g_output_stream_close (out, NULL, &local_error))
    {
      g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_FAILED, "%s: %s",
                   g_str_equal (options->output, "-") ? "standard output" : options->output,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* One row per format. */
static const FsCliExportFormat export_formats[] = {
  { "json", "json", FALSE, export_json, "The whole trace as JSON (schema: docs/trace-format.md)" },
  { "svg", "svg", FALSE, fs_cli_export_svg, "The process graph at --at TIME/--at-event N (default: end) as SVG" },
  { "png", "png", TRUE, fs_cli_export_png, "The process graph as PNG (--scale 2 for HiDPI)" },
  { "pdf", "pdf", TRUE, fs_cli_export_pdf, "The process graph as PDF" },
  { "seq-svg", NULL, FALSE, fs_cli_export_seq_svg, "Sequence diagram (--from/--to/--processes) as SVG" },
  { "seq-png", NULL, TRUE, fs_cli_export_seq_png, "Sequence diagram as PNG" },
  { "seq-pdf", NULL, TRUE, fs_cli_export_seq_pdf, "Sequence diagram as PDF" },
  { "lanes-svg", NULL, FALSE, fs_cli_export_lanes_svg, "One lane per process over time (--from/--to/--processes, --width) as SVG" },
  { "lanes-png", NULL, TRUE, fs_cli_export_lanes_png, "Process lanes as PNG" },
  { "lanes-pdf", NULL, TRUE, fs_cli_export_lanes_pdf, "Process lanes as PDF" },
  { "animated-svg", NULL, FALSE, fs_cli_export_animated_svg, "The graph's timeline as a looping SVG animation (no script)" },
  { "dot", "dot", FALSE, fs_cli_export_dot, "Graphviz: fork tree with signal edges" },
  { "mermaid", "mmd", FALSE, fs_cli_export_mermaid, "Mermaid sequenceDiagram (--conservative: no create/destroy)" },
  { "chrome-json", NULL, FALSE, fs_cli_export_chrome_json, "Chrome Trace Event JSON for Perfetto UI / chrome://tracing" },
};

static const FsCliExportFormat *
find_format (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (export_formats); i++)
    if (g_ascii_strcasecmp (export_formats[i].name, name) == 0)
      return &export_formats[i];
  return NULL;
}

static const FsCliExportFormat *
format_for_output (const char *output)
{
  const char *dot = strrchr (output, '.');
  const char *slash = strrchr (output, '/');

  if (dot == NULL || (slash != NULL && slash > dot))
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (export_formats); i++)
    if (export_formats[i].extension != NULL &&
        g_ascii_strcasecmp (export_formats[i].extension, dot + 1) == 0)
      return &export_formats[i];
  return NULL;
}

static char *
format_list (void)
{
  GString *list = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (export_formats); i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", export_formats[i].name);
  return g_string_free (list, FALSE);
}

static char *
format_help (void)
{
  GString *help = g_string_new ("Formats:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (export_formats); i++)
    g_string_append_printf (help, "  %-16s %s\n", export_formats[i].name, export_formats[i].summary);
  g_string_append (help,
                   "\nTIME is seconds since the trace start (\"1.5\", \"250ms\", \"20us\") or \"end\".\n"
                   "PROCESSES is a comma-separated list of names, pids or trace ids (#N).\n"
                   "Without --format the format follows the extension of -o.");
  return g_string_free (help, FALSE);
}

/* Fills the parsed fields of options from the strings; a usage error names
 * the option. */
static gboolean
parse_generic_options (FsCliExportOptions *options, GError **error)
{
  FsTrace *trace = options->trace;
  g_autoptr(GError) local_error = NULL;

  fs_export_filter_init (&options->filter);
  options->filter.include_hidden = options->include_hidden;
  options->at_ns = FS_TIME_NONE;
  options->at_event_index = FS_EVENT_NONE;

  if (options->at != NULL && options->at_event != NULL)
    {
      g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE, "--at and --at-event exclude each other");
      return FALSE;
    }
  if (options->at != NULL && !fs_export_parse_time (trace, options->at, &options->at_ns, &local_error))
    {
      g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE, "--at: %s", local_error->message);
      return FALSE;
    }
  if (options->at_event != NULL)
    {
      guint64 index = 0;
      if (!g_ascii_string_to_unsigned (options->at_event, 10, 0, G_MAXUINT64, &index, NULL) ||
          index >= fs_trace_n_events (trace))
        {
          g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE,
                       "--at-event: '%s' is not an event index (the trace has %" G_GSIZE_FORMAT " events)",
                       options->at_event, fs_trace_n_events (trace));
          return FALSE;
        }
      options->at_event_index = (gsize) index;
      options->at_ns = fs_trace_event (trace, (gsize) index)->t_ns;
    }
  if (options->from != NULL &&
      !fs_export_parse_time (trace, options->from, &options->filter.from_ns, &local_error))
    {
      g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE, "--from: %s", local_error->message);
      return FALSE;
    }
  if (options->to != NULL &&
      !fs_export_parse_time (trace, options->to, &options->filter.to_ns, &local_error))
    {
      g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE, "--to: %s", local_error->message);
      return FALSE;
    }
  if (options->filter.from_ns != FS_TIME_NONE && options->filter.to_ns != FS_TIME_NONE &&
      options->filter.from_ns > options->filter.to_ns)
    {
      g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE, "--from is after --to");
      return FALSE;
    }
  if (options->processes != NULL)
    {
      options->process_ids = fs_export_parse_process_list (trace, options->processes, &local_error);
      if (options->process_ids == NULL)
        {
          g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE, "--processes: %s", local_error->message);
          return FALSE;
        }
      options->filter.processes = (const FsProcessId *) (gpointer) options->process_ids->data;
      options->filter.n_processes = options->process_ids->len;
    }
  if (options->scale < 0 || options->width < 0)
    {
      g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE, "--scale and --width must be positive");
      return FALSE;
    }
  return TRUE;
}

int
fs_cli_export (int argc, char **argv)
{
  FsCliExportOptions options = { 0 };
  g_autofree char *format = NULL, *output = NULL, *at = NULL, *at_event = NULL, *from = NULL;
  g_autofree char *to = NULL, *processes = NULL, *theme = NULL, *title = NULL;
  g_autofree char *help = format_help ();
  g_autofree char *names = format_list ();
  g_autofree char *format_text = g_strdup_printf ("Output format: %s", names);
  double scale = 0;
  int width = 0;
  gboolean conservative = FALSE, include_hidden = FALSE;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, format_text, "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to OUT (\"-\": standard output)", "OUT" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, "The instant of a snapshot picture", "TIME" },
    { "at-event", 0, 0, G_OPTION_ARG_STRING, &at_event, "The instant of event number N (0-based)", "N" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "Start of the time window", "TIME" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "End of the time window", "TIME" },
    { "processes", 0, 0, G_OPTION_ARG_STRING, &processes, "Only these processes", "PROCESSES" },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &include_hidden, "Include hidden infrastructure processes", NULL },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &theme, "Colour theme of pictures", "THEME" },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Pixels per unit of raster pictures (2: HiDPI)", "FACTOR" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Width of pictures", "PIXELS" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Title of pictures and diagrams", "TEXT" },
    { "conservative", 0, 0, G_OPTION_ARG_NONE, &conservative,
      "Diagram syntax that old renderers accept (mermaid)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    fs_cli_option_context ("export", "FILE", "Write a trace in another format.", help);
  g_autoptr(FsTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  const FsCliExportFormat *chosen = NULL;
  int exit_code = FS_CLI_EXIT_OK;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!fs_cli_parse_options (context, "export", &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return fs_cli_usage_error ("export", "missing FILE");
  if (argc > 2)
    return fs_cli_usage_error ("export", "unexpected argument '%s'", argv[2]);

  if (format != NULL)
    {
      chosen = find_format (format);
      if (chosen == NULL)
        return fs_cli_usage_error ("export", "--format: unknown format '%s' (one of %s)", format, names);
    }
  else if (output != NULL && !g_str_equal (output, "-"))
    {
      chosen = format_for_output (output);
      if (chosen == NULL)
        return fs_cli_usage_error ("export", "%s: cannot tell the format from the name; use --format (one of %s)",
                                   output, names);
    }
  else
    return fs_cli_usage_error ("export", "missing --format (one of %s)", names);

  if (output == NULL)
    {
      if (chosen->binary)
        return fs_cli_usage_error ("export", "the %s format needs -o OUT", chosen->name);
      output = g_strdup ("-");
    }
  if (chosen->binary && g_str_equal (output, "-") && isatty (STDOUT_FILENO))
    return fs_cli_usage_error ("export", "not writing %s to a terminal; use -o OUT", chosen->name);

  trace = fs_cli_load_trace (argv[1], &exit_code);
  if (trace == NULL)
    return exit_code;

  options.input = argv[1];
  options.output = output;
  options.format = chosen->name;
  options.trace = trace;
  options.at = at;
  options.at_event = at_event;
  options.from = from;
  options.to = to;
  options.processes = processes;
  options.theme = theme;
  options.title = title;
  options.scale = scale;
  options.width = width;
  options.conservative = conservative;
  options.include_hidden = include_hidden;

  ok = parse_generic_options (&options, &error) && chosen->run (&options, &error);
  if (options.process_ids != NULL)
    g_array_unref (options.process_ids);
  if (!ok)
    {
      gboolean usage = g_error_matches (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE);
      if (usage)
        fs_cli_error ("%s: %s", argv[1], error->message);
      else
        fs_cli_error ("%s", error->message);
      return usage ? FS_CLI_EXIT_USAGE : FS_CLI_EXIT_FAILURE;
    }
  return FS_CLI_EXIT_OK;
}

/* cli-run.c: `forkscope-cli run SCENARIO.fsc` — check a scenario, run it for
 * real under a tracer (or none), echo what it prints and write the trace.
 *
 * The composition lives here because core/ must not know the tracers: the
 * engine's child half is handed to the tracer as FsLaunch.child_main, its
 * parent half collects reports while the tracer loop runs. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs-config.h"
#include "cli.h"
#include "core/scenario-ast.h"
#include "core/scenario-engine.h"
#include "core/trace-file.h"
#include "core/trace-recorder.h"
#include "tracer/tracer.h"

#define FAST_TIME_SCALE 0.05

/* For the signal handlers. */
static FsEngine *volatile stop_engine;
static FsTracer *volatile stop_tracer;
static volatile sig_atomic_t n_stop_signals;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void
on_stop_signal (int signo)
{
  n_stop_signals++;
  FsEngine *engine = stop_engine;
  FsTracer *tracer = stop_tracer;
  /* The engine kills the run and its launcher reaps it all; the tracer is
   * only told to stop (killing what it launched) when asked again. */
  if (engine != NULL)
    fs_engine_request_stop (engine);
  if (tracer != NULL && n_stop_signals >= 2)
    fs_tracer_request_stop (tracer);
  if (n_stop_signals >= 3)
    signal (signo, SIG_DFL);
}

static void
stop_tracer_cb (gpointer data)
{
  fs_tracer_request_stop (data);
}

static gboolean
parse_echo_mode (const char *text, FsEchoMode *out)
{
  if (g_str_equal (text, "auto"))
    *out = FS_ECHO_AUTO;
  else if (g_str_equal (text, "always") || g_str_equal (text, "yes"))
    *out = FS_ECHO_PREFIXED;
  else if (g_str_equal (text, "never") || g_str_equal (text, "no"))
    *out = FS_ECHO_PLAIN;
  else
    return FALSE;
  return TRUE;
}

int
fs_cli_run (int argc, char **argv)
{
  const char *command = argv[0];
  g_autofree char *output = NULL;
  g_autofree char *tracer_name = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *color = NULL;
  double timeout = 30.0;
  double time_scale = 0.0;
  gint max_processes = 256;
  gboolean fast = FALSE;
  gboolean quiet = FALSE;
  gboolean no_namespace = FALSE;

  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write the trace to FILE (default: no trace file)", "FILE" },
    { "tracer", 0, 0, G_OPTION_ARG_STRING, &tracer_name,
      "auto (default: tracefs when root, else ptrace), ptrace, tracefs or none", "KIND" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout,
      "Kill the run after S seconds (default 30; 0 for none)", "S" },
    { "max-processes", 0, 0, G_OPTION_ARG_INT, &max_processes,
      "Stop the run when it starts more than N processes (default 256)", "N" },
    { "fast", 0, 0, G_OPTION_ARG_NONE, &fast,
      "Scale every sleep, spin and alarm by 0.05", NULL },
    { "time-scale", 0, 0, G_OPTION_ARG_DOUBLE, &time_scale,
      "Scale every sleep, spin and alarm by X", "X" },
    { "prefix", 0, 0, G_OPTION_ARG_STRING, &prefix,
      "Prefix printed lines with the process name: auto (on a terminal), always, never", "WHEN" },
    { "no-namespace", 0, 0, G_OPTION_ARG_NONE, &no_namespace,
      "No PID namespace (process group and subreaper only)", NULL },
    { "color", 0, 0, G_OPTION_ARG_STRING, &color, "Colour of messages: auto, always or never", "WHEN" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      "Do not echo printed lines; no summary", NULL },
    { NULL }
  };

  g_autoptr (GOptionContext) context = fs_cli_option_context (
    command, "SCENARIO.fsc", "Run a scenario for real and record what happens",
    "Each declared process is a real process and each signal a real one.  The run\n"
    "lives in its own process group and PID namespace; when it ends, times out\n"
    "or is interrupted, every process of it is killed and reaped.  Exit status: the\n"
    "root process's exit code (128+N when killed by signal N), 1 when the run\n"
    "failed (timeout, process limit, interrupted), 2 when the scenario has errors.");
  g_option_context_add_main_entries (context, entries, NULL);

  int exit_code;
  if (!fs_cli_parse_options (context, command, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return fs_cli_usage_error (command, "no scenario file to run");
  if (argc > 2)
    return fs_cli_usage_error (command, "one scenario at a time ('%s' is extra)", argv[2]);
  if (timeout < 0)
    return fs_cli_usage_error (command, "--timeout %g: must be 0 (none) or positive", timeout);
  if (max_processes < 1 || max_processes > 100000)
    return fs_cli_usage_error (command, "--max-processes %d: must be between 1 and 100000",
                               max_processes);
  if (fast && time_scale != 0.0)
    return fs_cli_usage_error (command, "give either --fast or --time-scale, not both");
  if (time_scale < 0 || time_scale > 1000)
    return fs_cli_usage_error (command, "--time-scale %g: must be between 0 and 1000", time_scale);

  FsEngineOptions options;
  fs_engine_options_init (&options);
  options.time_scale = fast ? FAST_TIME_SCALE : time_scale > 0 ? time_scale : 1.0;
  options.timeout_s = timeout == 0 ? -1 : timeout;
  options.max_processes = (guint) max_processes;
  options.no_namespace = no_namespace;
  options.echo_fd = quiet ? -1 : STDOUT_FILENO;
  if (prefix && !parse_echo_mode (prefix, &options.echo_mode))
    return fs_cli_usage_error (command, "--prefix %s: expected auto, always or never", prefix);

  FsCliColorMode color_mode = FS_CLI_COLOR_AUTO;
  if (color && !fs_cli_parse_color_mode (color, &color_mode))
    return fs_cli_usage_error (command, "--color %s: expected auto, always or never", color);

  gboolean use_tracer = TRUE;
  FsTracerKind kind = FS_TRACER_AUTO;
  if (tracer_name && g_str_equal (tracer_name, "none"))
    use_tracer = FALSE;
  else if (tracer_name && !fs_tracer_kind_from_name (tracer_name, &kind))
    return fs_cli_usage_error (command, "--tracer %s: expected auto, ptrace, tracefs or none",
                               tracer_name);
  if (use_tracer)
    kind = fs_tracer_resolve (kind, NULL);
  options.record_processes = !use_tracer;

  const char *path = argv[1];
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) scenario = fs_scenario_load (path, &error);
  if (scenario == NULL)
    {
      fs_cli_error ("%s: %s", path, error->message);
      return FS_CLI_EXIT_USAGE;
    }
  if (scenario->diagnostics->len > 0 && (scenario->n_errors > 0 || !quiet))
    {
      g_autofree char *text = fs_scenario_format_diagnostics (scenario,
                                                              fs_cli_use_color (stderr, color_mode));
      fputs (text, stderr);
    }
  if (scenario->n_errors > 0)
    {
      fprintf (stderr, "%s: %u error%s: not run\n", path, scenario->n_errors,
               scenario->n_errors == 1 ? "" : "s");
      return FS_CLI_EXIT_USAGE;
    }

  g_autoptr (FsTrace) trace = fs_trace_new ();
  FsTraceMeta *meta = fs_trace_get_meta (trace);
  gint64 t0 = fs_recorder_now ();
  meta->recorder = g_strdup ("forkscope-cli " FS_VERSION);
  meta->tracer = g_strdup (use_tracer ? fs_tracer_kind_name (kind) : "none");
  meta->scenario = g_strdup (path);
  meta->start_wall_ns = g_get_real_time () * 1000;
  if (scenario->title)
    fs_trace_meta_set_extra (trace, "scenario_title", scenario->title);
  if (options.time_scale != 1.0)
    {
      char scale[G_ASCII_DTOSTR_BUF_SIZE];
      fs_trace_meta_set_extra (trace, "time_scale", g_ascii_dtostr (scale, sizeof scale,
                                                                    options.time_scale));
    }

  g_autoptr (FsTraceWriter) writer = NULL;
  if (output)
    {
      writer = fs_trace_writer_new (output, trace, &error);
      if (writer == NULL)
        {
          fs_cli_error ("%s: %s", output, error->message);
          return FS_CLI_EXIT_FAILURE;
        }
    }

  g_autoptr (FsRecorder) recorder = fs_recorder_new (trace, t0);
  if (writer)
    fs_recorder_set_writer (recorder, writer);

  g_autoptr (FsEngine) engine = fs_engine_new (scenario, recorder, &options, &error);
  if (engine == NULL)
    {
      fs_cli_error ("%s: %s", path, error->message);
      return FS_CLI_EXIT_FAILURE;
    }

  g_autoptr (FsTracer) tracer = NULL;
  if (use_tracer)
    {
      FsTracerOptions tracer_options = { .quiet = TRUE };
      tracer = fs_tracer_new (kind, recorder, &tracer_options, &error);
      if (tracer == NULL)
        {
          fs_cli_error ("%s (or run with --tracer none)", error->message);
          if (output)
            unlink (output);
          return FS_CLI_EXIT_FAILURE;
        }
      fs_engine_set_stop_func (engine, stop_tracer_cb, tracer);
    }

  struct sigaction saved[G_N_ELEMENTS (stop_signals)];
  struct sigaction sa = { 0 };
  sa.sa_handler = on_stop_signal;
  sigemptyset (&sa.sa_mask);
  n_stop_signals = 0;
  stop_engine = engine;
  stop_tracer = tracer;
  for (gsize i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    sigaction (stop_signals[i], &sa, &saved[i]);

  gboolean ok = TRUE;
  FsEngineResult result = { 0 };
  if (use_tracer)
    {
      FsLaunch launch = { .child_main = fs_engine_child_main, .child_data = engine };
      GPid pid = 0;
      if (!fs_tracer_launch (tracer, &launch, &pid, &error))
        {
          fs_cli_error ("%s: %s", path, error->message);
          ok = FALSE;
        }
      else
        {
          fs_engine_started (engine, pid);
          int root_status = 0;
          if (!fs_tracer_run (tracer, &root_status, &error))
            {
              fs_cli_error ("%s: %s", path, error->message);
              g_clear_error (&error);
              fs_engine_request_stop (engine);
            }
          ok = fs_engine_finish (engine, &result, &error);
        }
    }
  else
    ok = fs_engine_run (engine, &result, &error);

  stop_engine = NULL;
  stop_tracer = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    sigaction (stop_signals[i], &saved[i], NULL);

  if (!ok && error)
    {
      fs_cli_error ("%s: %s", path, error->message);
      g_clear_error (&error);
    }
  g_clear_pointer (&tracer, fs_tracer_free);
  /* Whether the run was sealed in its own PID namespace (the kernel may
   * refuse one to an unprivileged user). */
  fs_trace_meta_set_extra (trace, "pid_namespace", result.used_namespace ? "own" : "shared");

  if (!fs_recorder_flush (recorder, TRUE, &error)
      || (writer && !fs_trace_writer_close (writer, &error)))
    {
      fs_cli_error ("%s: %s", output ? output : path, error->message);
      g_clear_error (&error);
      ok = FALSE;
    }
  fs_recorder_set_writer (recorder, NULL);

  if (result.message && (result.timed_out || result.stopped || result.limit_reached || ok))
    fs_cli_error ("%s: %s", path, result.message);
  if (result.n_left > 0)
    fs_cli_warning ("%s: %u process%s outlived the run and %s killed", path, result.n_left,
                    result.n_left == 1 ? "" : "es", result.n_left == 1 ? "was" : "were");

  if (!quiet)
    {
      double seconds = (double) (fs_recorder_now () - t0) / 1e9;
      g_autofree char *status = NULL;
      if (result.root_finished)
        {
          FsExitStatus st = fs_exit_status_from_wait (result.root_status);
          status = fs_exit_status_to_string (&st);
        }
      fprintf (stderr, "forkscope: %s: %u process%s, %s, %.2f s, %s tracer%s%s\n",
               scenario->title ? scenario->title : path, result.n_processes,
               result.n_processes == 1 ? "" : "es", status ? status : "root did not finish",
               seconds, use_tracer ? fs_tracer_kind_name (kind) : "no",
               output ? " → " : "", output ? output : "");
    }

  int code = ok ? fs_engine_result_exit_code (&result) : FS_CLI_EXIT_FAILURE;
  fs_engine_result_clear (&result);
  return code;
}

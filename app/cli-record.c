/* cli-record.c: `forkscope-cli record` — trace a command, or a running
 * process, into a .fstrace file written as events happen. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs-config.h"
#include "cli.h"
#include "core/trace-file.h"
#include "core/trace-recorder.h"
#include "tracer/tracer.h"

#define STATUS_INTERVAL_NS (G_GINT64_CONSTANT (200) * 1000 * 1000)

/* For the signal handlers: the tracer to stop, and how often we were asked. */
static FsTracer *volatile stop_target;
static volatile sig_atomic_t n_stop_signals;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void
on_stop_signal (int signo)
{
  n_stop_signals++;
  FsTracer *tracer = stop_target;
  if (tracer != NULL)
    fs_tracer_request_stop (tracer);
  /* A third request means "now": the default action ends us (launched
   * tracees die with us through PTRACE_O_EXITKILL). */
  if (n_stop_signals >= 2)
    signal (signo, SIG_DFL);
}

static void
catch_stop_signals (struct sigaction *saved)
{
  struct sigaction sa = { 0 };
  sa.sa_handler = on_stop_signal;
  sigemptyset (&sa.sa_mask);
  for (gsize i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    sigaction (stop_signals[i], &sa, &saved[i]);
}

static void
restore_stop_signals (const struct sigaction *saved)
{
  for (gsize i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    sigaction (stop_signals[i], &saved[i], NULL);
}

/* The live status line on a terminal. */
typedef struct {
  FsRecorder *recorder;
  gint64      t0_ns;
  gint64      last_ns;
  gboolean    shown;
} StatusLine;

static void
status_line_update (FsTrace *trace, gsize first, gsize n, gpointer user_data)
{
  StatusLine *line = user_data;
  gint64 now = fs_recorder_now ();
  if (now - line->last_ns < STATUS_INTERVAL_NS)
    return;
  line->last_ns = now;
  line->shown = TRUE;
  fprintf (stderr, "\r\033[Kforkscope: recording %.1f s, %u alive, %" G_GSIZE_FORMAT " events",
           (double) (now - line->t0_ns) / 1e9, fs_recorder_n_alive (line->recorder),
           fs_recorder_n_events (line->recorder));
  fflush (stderr);
}

static void
status_line_clear (StatusLine *line)
{
  if (line->shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
    }
}

/* forkscope-20261127-140501-make.fstrace */
static char *
default_output_name (const char *what)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_path_get_basename (what);
  for (char *p = base; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      *p = '_';
  return g_strdup_printf ("forkscope-%s-%s.fstrace", stamp, base[0] != '\0' ? base : "trace");
}

static int
exit_code_for_status (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return FS_CLI_EXIT_FAILURE;
}

int
fs_cli_record (int argc, char **argv)
{
  const char *command = "record";
  g_autofree char *output = NULL;
  g_autofree char *tracer_name = NULL;
  gboolean quiet = FALSE;
  gboolean no_exec_uprobe = FALSE;
  gint64 buffer_kb = 0;
  gint attach_pid = 0;
  int exit_code = FS_CLI_EXIT_OK;

  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write the trace to FILE (default: forkscope-DATE-CMD.fstrace)", "FILE" },
    { "tracer", 0, 0, G_OPTION_ARG_STRING, &tracer_name,
      "auto (tracefs when root, else ptrace), ptrace or tracefs", "KIND" },
    { "pid", 'p', 0, G_OPTION_ARG_INT, &attach_pid,
      "Attach to a running process instead of starting a command", "PID" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      "No status line and no summary", NULL },
    { "buffer-size", 0, 0, G_OPTION_ARG_INT64, &buffer_kb,
      "tracefs per-CPU buffer size", "KB" },
    { "no-exec-uprobe", 0, 0, G_OPTION_ARG_NONE, &no_exec_uprobe,
      "tracefs: no uprobe on libc's execve (exec argv from /proc only; programs run "
      "under valgrind or QEMU user mode meanwhile would take it for SIGTRAP)", NULL },
    { NULL }
  };

  g_autoptr (GOptionContext) context = fs_cli_option_context (
      command, "[-- COMMAND [ARG…]]", "Record what a command, or a running process, does.",
      "The command's output passes through and its exit status becomes ours\n"
      "(128+N when it was killed by signal N).  Ctrl-C kills a started command;\n"
      "a process attached with -p is detached and left as it was.");
  g_option_context_add_main_entries (context, entries, NULL);
  /* Options end at the command: `record ls -l` needs no "--". */
  g_option_context_set_strict_posix (context, TRUE);
  if (!fs_cli_parse_options (context, command, &argc, &argv, &exit_code))
    return exit_code;

  char **cmd_argv = argv + 1;
  int cmd_argc = argc - 1;
  if (cmd_argc > 0 && strcmp (cmd_argv[0], "--") == 0)
    {
      cmd_argv++;
      cmd_argc--;
    }
  if (attach_pid != 0 && cmd_argc > 0)
    return fs_cli_usage_error (command, "give either -p PID or a command, not both");
  if (attach_pid == 0 && cmd_argc == 0)
    return fs_cli_usage_error (command, "no command to record (forkscope-cli record -- CMD ARG…)");
  if (attach_pid < 0)
    return fs_cli_usage_error (command, "-p %d: not a process id", attach_pid);
  if (buffer_kb < 0)
    return fs_cli_usage_error (command, "--buffer-size %" G_GINT64_FORMAT ": must be positive",
                               buffer_kb);

  FsTracerKind kind = FS_TRACER_AUTO;
  if (tracer_name != NULL && !fs_tracer_kind_from_name (tracer_name, &kind))
    return fs_cli_usage_error (command, "--tracer %s: expected auto, ptrace or tracefs", tracer_name);
  kind = fs_tracer_resolve (kind, NULL);

  if (output == NULL)
    {
      if (attach_pid != 0)
        {
          g_autofree char *name = g_strdup_printf ("pid%d", attach_pid);
          output = default_output_name (name);
        }
      else
        output = default_output_name (cmd_argv[0]);
    }

  g_autoptr (FsTrace) trace = fs_trace_new ();
  FsTraceMeta *meta = fs_trace_get_meta (trace);
  gint64 t0 = fs_recorder_now ();
  meta->recorder = g_strdup ("forkscope-cli " FS_VERSION);
  meta->tracer = g_strdup (fs_tracer_kind_name (kind));
  meta->start_wall_ns = g_get_real_time () * 1000;
  if (attach_pid != 0)
    meta->command = g_strdup_printf ("-p %d", attach_pid);
  else
    {
      g_autoptr (GString) line = g_string_new (NULL);
      for (int i = 0; i < cmd_argc; i++)
        {
          g_autofree char *quoted = g_shell_quote (cmd_argv[i]);
          if (i > 0)
            g_string_append_c (line, ' ');
          g_string_append (line, strpbrk (cmd_argv[i], " \t\n'\"\\$`*?[]{}()<>|&;#~") != NULL
                                     || cmd_argv[i][0] == '\0' ? quoted : cmd_argv[i]);
        }
      meta->command = g_string_free (g_steal_pointer (&line), FALSE);
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new (output, trace, &error);
  if (writer == NULL)
    {
      fs_cli_error ("%s: %s", output, error->message);
      return FS_CLI_EXIT_FAILURE;
    }

  g_autoptr (FsRecorder) recorder = fs_recorder_new (trace, t0);
  fs_recorder_set_writer (recorder, writer);

  StatusLine status_line = { recorder, t0, t0, FALSE };
  if (!quiet && isatty (STDERR_FILENO))
    fs_recorder_set_consumer (recorder, status_line_update, &status_line);

  FsTracerOptions options = { .buffer_size_kb = (guint64) buffer_kb, .quiet = quiet,
                              .no_exec_uprobe = no_exec_uprobe };
  g_autoptr (FsTracer) tracer = fs_tracer_new (kind, recorder, &options, &error);
  if (tracer == NULL)
    {
      fs_cli_error ("%s", error->message);
      unlink (output);
      return FS_CLI_EXIT_FAILURE;
    }

  struct sigaction saved[G_N_ELEMENTS (stop_signals)];
  n_stop_signals = 0;
  stop_target = tracer;
  catch_stop_signals (saved);

  gboolean started;
  if (attach_pid != 0)
    started = fs_tracer_attach (tracer, attach_pid, &error);
  else
    {
      FsLaunch launch = { .argv = cmd_argv };
      GPid pid;
      started = fs_tracer_launch (tracer, &launch, &pid, &error);
    }
  if (!started)
    {
      stop_target = NULL;
      restore_stop_signals (saved);
      fs_cli_error ("%s", error->message);
      fs_recorder_set_writer (recorder, NULL);
      g_clear_pointer (&writer, fs_trace_writer_free);
      unlink (output);
      if (g_error_matches (error, FS_TRACER_ERROR, FS_TRACER_ERROR_NOT_FOUND))
        return 127;
      if (g_error_matches (error, FS_TRACER_ERROR, FS_TRACER_ERROR_NOT_EXECUTABLE))
        return 126;
      return FS_CLI_EXIT_FAILURE;
    }

  int root_status = 0;
  gboolean ok = fs_tracer_run (tracer, &root_status, &error);
  stop_target = NULL;
  status_line_clear (&status_line);
  fs_recorder_set_consumer (recorder, NULL, NULL);
  if (!ok)
    {
      fs_cli_error ("%s: %s", output, error->message);
      g_clear_error (&error);
    }

  g_clear_pointer (&tracer, fs_tracer_free);
  restore_stop_signals (saved);

  if (!fs_recorder_flush (recorder, TRUE, &error) || !fs_trace_writer_close (writer, &error))
    {
      fs_cli_error ("%s: %s", output, error->message);
      ok = FALSE;
    }
  fs_recorder_set_writer (recorder, NULL);

  if (!quiet)
    {
      double seconds = (double) (fs_recorder_now () - t0) / 1e9;
      guint n_processes = fs_trace_n_processes (trace);
      gsize n_events = fs_recorder_n_events (recorder);
      fprintf (stderr, "forkscope: %u process%s, %" G_GSIZE_FORMAT " events, %.2f s → %s\n",
               n_processes, n_processes == 1 ? "" : "es", n_events, seconds, output);
    }

  if (!ok)
    return FS_CLI_EXIT_FAILURE;
  return attach_pid != 0 ? FS_CLI_EXIT_OK : exit_code_for_status (root_status);
}

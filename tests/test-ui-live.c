/* The live view's controller and the Record dialog, end to end through the
 * real forkscope-cli: events stream in before a run ends, Stop leaves no
 * process behind, a command recorded through the dialog's code path has its
 * signal send and delivery, and errors come back as messages.  Needs a
 * display (run under Xvfb) for the dialog. */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ui/fs-live-run.h"
#include "ui/fs-proc-scan.h"
#include "ui/fs-record-dialog.h"
#include "ui/fs-application.h"
#include "ui/fs-marker-lines.h"
#include "ui/fs-window.h"
#include "ui/fs-event-format.h"
#include "ui/fs-export-dialog.h"
#include "core/trace-file.h"
#include "ui-test-trace.h"

static char *tmp_dir;

typedef struct {
  guint   n_updates;
  guint   n_updates_before_finish;
  gsize   first_n_events;
  gsize   last_n_events_before_finish;
  gsize   max_processes;
  gboolean finished;
  int     exit_status;
  char   *message;
  gint64  finished_at_us;
} RunLog;

static void
trace_updated_cb (FsLiveRun *run, FsTrace *trace, RunLog *log)
{
  gsize n = fs_trace_n_events (trace);
  g_assert_false (log->finished);  /* "finished" comes last */
  if (log->first_n_events == 0)
    log->first_n_events = n;  /* the first snapshot holding events */
  log->n_updates++;
  log->n_updates_before_finish++;
  log->last_n_events_before_finish = n;
  log->max_processes = MAX (log->max_processes, fs_trace_n_processes (trace));
}

static void
finished_cb (FsLiveRun *run, int status, const char *message, RunLog *log)
{
  log->finished = TRUE;
  log->exit_status = status;
  log->message = g_strdup (message);
  log->finished_at_us = g_get_monotonic_time ();
}

static void
watch (FsLiveRun *run, RunLog *log)
{
  g_signal_connect (run, "trace-updated", G_CALLBACK (trace_updated_cb), log);
  g_signal_connect (run, "finished", G_CALLBACK (finished_cb), log);
}

/* Spins the main loop until *flag or timeout; FALSE on timeout. */
static gboolean
wait_for (gboolean *flag, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  while (!*flag && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  return *flag;
}

static char *
write_scenario (const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static gsize
count_events (FsTrace *trace, FsEventKind kind, int signo)
{
  gsize n = 0, count = 0;
  const FsEvent *events = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (events[i].kind == kind && (signo == 0 || events[i].signal == signo))
      count++;
  return count;
}

/* ---- scenario streaming ------------------------------------------------------- */

static void
test_scenario_streams (void)
{
  g_autofree char *path = write_scenario ("ticks.fsc",
    "scenario \"ticks\"\n"
    "process main {\n"
    "  fork ticker {\n"
    "    repeat 8 {\n"
    "      print \"tick\"\n"
    "      sleep 150ms\n"
    "    }\n"
    "  }\n"
    "  wait ticker\n"
    "  print \"done\"\n"
    "}\n");
  g_autoptr (FsLiveRun) run = fs_live_run_new ();
  RunLog log = { 0 };
  watch (run, &log);
  g_autoptr (GError) error = NULL;
  g_assert_true (fs_live_run_start_scenario (run, path, "ptrace", &error));
  g_assert_no_error (error);
  g_assert_true (fs_live_run_is_running (run));
  g_assert_cmpint (fs_live_run_get_pid (run), >, 0);
  g_assert_true (g_str_has_prefix (fs_live_run_get_recording_path (run), g_get_user_cache_dir ()));

  /* A second start on the same controller is refused. */
  g_autoptr (GError) busy = NULL;
  g_assert_false (fs_live_run_start_scenario (run, path, "ptrace", &busy));
  g_assert_error (busy, G_IO_ERROR, G_IO_ERROR_BUSY);

  g_assert_true (wait_for (&log.finished, 20000));
  g_assert_cmpint (log.exit_status, ==, 0);
  g_assert_null (log.message);
  g_assert_false (fs_live_run_is_running (run));

  /* Live: several snapshots arrived while the run went on, each with more
   * events, and the first one well before the end. */
  g_test_message ("%u updates, first with %" G_GSIZE_FORMAT " events, last %" G_GSIZE_FORMAT,
                  log.n_updates, log.first_n_events, log.last_n_events_before_finish);
  g_assert_cmpuint (log.n_updates, >=, 2);
  g_assert_cmpuint (log.first_n_events, >, 0);
  g_assert_cmpuint (log.first_n_events, <, log.last_n_events_before_finish);

  FsTrace *trace = fs_live_run_get_trace (run);
  g_assert_nonnull (trace);
  g_assert_cmpuint (count_events (trace, FS_EVENT_OUTPUT, 0), ==, 9);
  g_assert_false (fs_trace_get_meta (trace)->truncated);

  /* The recording stays until the user saves or discards it. */
  const char *recording = fs_live_run_get_recording_path (run);
  g_assert_true (g_file_test (recording, G_FILE_TEST_IS_REGULAR));
  fs_live_run_forget_recording (run);
  g_assert_false (g_file_test (recording, G_FILE_TEST_EXISTS));
  g_free (log.message);
}

/* ---- stop ----------------------------------------------------------------------- */

typedef struct {
  gint32  pid;
  guint64 start_ticks;
} ProcId;

/* Whether a process we saw is still there (same pid and birth time). */
static gboolean
still_there (const ProcId *id, char *state_out)
{
  g_autoptr (FsProcInfo) info = fs_proc_read (NULL, id->pid);
  if (info == NULL || info->start_ticks != id->start_ticks)
    return FALSE;
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", id->pid);
  g_autofree char *stat = NULL;
  if (g_file_get_contents (stat_path, &stat, NULL, NULL) && strrchr (stat, ')'))
    *state_out = strrchr (stat, ')')[2];
  return TRUE;
}

static void
test_stop_leaves_nothing (void)
{
  g_autofree char *path = write_scenario ("forever.fsc",
    "process main {\n"
    "  fork a {\n"
    "    sleep 60s\n"
    "  }\n"
    "  fork b {\n"
    "    fork c {\n"
    "      sleep 60s\n"
    "    }\n"
    "    sleep 60s\n"
    "  }\n"
    "  sleep 60s\n"
    "}\n");
  g_autoptr (FsLiveRun) run = fs_live_run_new ();
  RunLog log = { 0 };
  watch (run, &log);
  g_autoptr (GError) error = NULL;
  g_assert_true (fs_live_run_start_scenario (run, path, "ptrace", &error));
  g_assert_no_error (error);
  GPid cli = fs_live_run_get_pid (run);

  /* Wait until every scenario process exists: main, a, b, c under the CLI. */
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (ProcId));
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gboolean all_started = FALSE;
  while (!all_started && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
      g_autoptr (GPtrArray) procs = fs_proc_scan (NULL, NULL);
      g_autoptr (GArray) below = fs_proc_descendants (procs, cli);
      guint named = 0;
      g_array_set_size (seen, 0);
      for (guint i = 0; i < below->len; i++)
        {
          g_autoptr (FsProcInfo) info = fs_proc_read (NULL, g_array_index (below, gint32, i));
          if (info == NULL)
            continue;
          ProcId id = { info->pid, info->start_ticks };
          g_array_append_val (seen, id);
          if (g_str_equal (info->name, "main") || g_str_equal (info->name, "a")
              || g_str_equal (info->name, "b") || g_str_equal (info->name, "c"))
            named++;
        }
      all_started = named == 4;
    }
  g_assert_true (all_started);
  g_test_message ("%u processes below forkscope-cli %d", seen->len, (int) cli);

  /* Events are already streaming while it runs. */
  gboolean updated = FALSE;
  end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (!(updated = log.n_updates > 0) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  g_assert_true (updated);

  gint64 stop_at = g_get_monotonic_time ();
  fs_live_run_stop (run);
  g_assert_cmpint (fs_live_run_get_state (run), ==, FS_LIVE_RUN_STOPPING);
  g_assert_true (wait_for (&log.finished, FS_LIVE_RUN_STOP_GRACE_MS + 5000));
  g_test_message ("stopped in %.0f ms", (log.finished_at_us - stop_at) / 1000.0);
  /* SIGTERM was enough: the CLI cleaned up without being killed. */
  g_assert_cmpint (log.finished_at_us - stop_at, <, FS_LIVE_RUN_STOP_GRACE_MS * 1000);
  g_assert_null (log.message);
  g_assert_nonnull (fs_live_run_get_trace (run));
  g_assert_cmpuint (log.max_processes, >=, 4);

  /* Nothing of the run is left running or stopped; killed processes may sit
   * as zombies for a moment until whoever adopted them reaps them. */
  for (guint i = 0; i < seen->len; i++)
    {
      char state = '?';
      const ProcId *id = &g_array_index (seen, ProcId, i);
      if (still_there (id, &state))
        {
          g_test_message ("process %d is still there in state %c", id->pid, state);
          g_assert_cmpint (state, ==, 'Z');
        }
    }
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  guint left = seen->len;
  while (left > 0 && g_get_monotonic_time () < end)
    {
      left = 0;
      for (guint i = 0; i < seen->len; i++)
        {
          char state = '?';
          if (still_there (&g_array_index (seen, ProcId, i), &state))
            left++;
        }
      if (left > 0)
        g_usleep (20000);
    }
  g_assert_cmpuint (left, ==, 0);
  fs_live_run_forget_recording (run);
  g_free (log.message);
}

/* ---- errors -------------------------------------------------------------------- */

static void
test_scenario_with_errors (void)
{
  g_autofree char *path = write_scenario ("bad.fsc", "process main {\n  sleep 1x\n}\n");
  g_autoptr (FsLiveRun) run = fs_live_run_new ();
  RunLog log = { 0 };
  watch (run, &log);
  g_autoptr (GError) error = NULL;
  g_assert_true (fs_live_run_start_scenario (run, path, NULL, &error));
  g_assert_true (wait_for (&log.finished, 10000));
  g_assert_cmpint (log.exit_status, ==, 2);
  g_assert_nonnull (log.message);
  g_test_message ("message: %s", log.message);
  g_assert_true (strstr (log.message, "unknown unit") != NULL || strstr (log.message, "error") != NULL);
  g_free (log.message);

  g_autoptr (FsLiveRun) other = fs_live_run_new ();
  g_autoptr (GError) bad_tracer = NULL;
  g_assert_false (fs_live_run_start_scenario (other, path, "strace", &bad_tracer));
  g_assert_error (bad_tracer, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_autoptr (GError) no_pid = NULL;
  g_assert_false (fs_live_run_start_attach (other, 0x7ffffff0, NULL, &no_pid));
  g_assert_error (no_pid, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* ---- the Record dialog ---------------------------------------------------------- */

static gboolean have_display;

static void
started_cb (FsRecordDialog *dialog, FsLiveRun *run, FsLiveRun **out)
{
  g_set_object (out, run);
}

static void
test_dialog_records_signal (void)
{
  if (!have_display)
    {
      g_test_skip ("no display (run under Xvfb)");
      return;
    }
  FsRecordDialog *dialog = fs_record_dialog_new (NULL);
  g_object_ref_sink (dialog);
  fs_record_dialog_set_command_line (dialog, "sh -c 'sleep 0.2 & kill -USR1 $!; wait'");
  fs_record_dialog_set_working_dir (dialog, tmp_dir);
  g_assert_true (fs_record_dialog_set_tracer (dialog, "ptrace"));
  g_assert_cmpstr (fs_record_dialog_get_tracer (dialog), ==, "ptrace");

  FsLiveRun *started = NULL;
  g_signal_connect (dialog, "started", G_CALLBACK (started_cb), &started);
  g_autoptr (GError) error = NULL;
  g_autoptr (FsLiveRun) run = fs_record_dialog_start (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  g_assert_true (started == run);
  g_assert_null (fs_record_dialog_get_error (dialog));
  g_clear_object (&started);

  /* The CLI was asked for exactly this command. */
  const char *const *argv = fs_live_run_get_argv (run);
  guint n = g_strv_length ((char **) argv);
  g_assert_cmpstr (argv[n - 1], ==, "sleep 0.2 & kill -USR1 $!; wait");
  g_assert_cmpstr (argv[n - 3], ==, "sh");
  g_assert_true (g_strv_contains (argv, "record"));

  RunLog log = { 0 };
  watch (run, &log);
  g_assert_true (wait_for (&log.finished, 15000));
  g_assert_cmpint (log.exit_status, ==, 0);
  g_assert_null (log.message);

  FsTrace *trace = fs_live_run_get_trace (run);
  g_assert_nonnull (trace);
  g_assert_cmpuint (count_events (trace, FS_EVENT_SIGNAL_SEND, SIGUSR1), ==, 1);
  g_assert_cmpuint (count_events (trace, FS_EVENT_SIGNAL_DELIVER, SIGUSR1), ==, 1);
  /* The send and the delivery are one signal's two ends. */
  gsize n_events = 0;
  const FsEvent *events = fs_trace_events (trace, &n_events);
  gsize send = FS_EVENT_NONE;
  for (gsize i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_SIGNAL_SEND && events[i].signal == SIGUSR1)
      send = i;
  gsize deliver = fs_trace_signal_partner (trace, send);
  g_assert_cmpuint (deliver, !=, FS_EVENT_NONE);
  g_assert_cmpint (events[deliver].kind, ==, FS_EVENT_SIGNAL_DELIVER);
  g_assert_cmpint (events[deliver].process, !=, events[send].process);
  fs_live_run_forget_recording (run);
  g_free (log.message);

  /* The working directory reaches the command. */
  fs_record_dialog_set_command_line (dialog, "sh -c 'pwd > where.txt'");
  g_autoptr (FsLiveRun) pwd_run = fs_record_dialog_start (dialog, &error);
  g_assert_no_error (error);
  RunLog pwd_log = { 0 };
  watch (pwd_run, &pwd_log);
  g_assert_true (wait_for (&pwd_log.finished, 15000));
  g_autofree char *where_path = g_build_filename (tmp_dir, "where.txt", NULL);
  g_autofree char *where = NULL;
  g_assert_true (g_file_get_contents (where_path, &where, NULL, NULL));
  g_autofree char *real_tmp = realpath (tmp_dir, NULL);
  g_assert_cmpstr (g_strstrip (where), ==, real_tmp);
  fs_live_run_forget_recording (pwd_run);
  g_free (pwd_log.message);

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

/* As root, tracefs records directly (no pkexec); the same command, same result. */
static void
test_dialog_tracefs (void)
{
  if (!have_display)
    {
      g_test_skip ("no display (run under Xvfb)");
      return;
    }
  if (geteuid () != 0 || !fs_live_run_tracefs_available (NULL))
    {
      g_test_skip ("tracefs needs root here (from the app it goes through pkexec)");
      return;
    }
  FsRecordDialog *dialog = fs_record_dialog_new (NULL);
  g_object_ref_sink (dialog);
  fs_record_dialog_set_command_line (dialog, "sh -c 'sleep 0.2 & kill -USR1 $!; wait'");
  g_assert_true (fs_record_dialog_set_tracer (dialog, "tracefs"));
  g_autoptr (GError) error = NULL;
  g_autoptr (FsLiveRun) run = fs_record_dialog_start (dialog, &error);
  g_assert_no_error (error);
  g_assert_false (g_strv_contains (fs_live_run_get_argv (run), "pkexec"));
  RunLog log = { 0 };
  watch (run, &log);
  g_assert_true (wait_for (&log.finished, 20000));
  g_test_message ("tracefs: status %d, message %s", log.exit_status, log.message);
  g_assert_null (log.message);
  FsTrace *trace = fs_live_run_get_trace (run);
  g_assert_cmpstr (fs_trace_get_meta (trace)->tracer, ==, "tracefs");
  g_assert_cmpuint (count_events (trace, FS_EVENT_SIGNAL_SEND, SIGUSR1), ==, 1);
  g_assert_cmpuint (count_events (trace, FS_EVENT_SIGNAL_DELIVER, SIGUSR1), ==, 1);
  fs_live_run_forget_recording (run);
  g_free (log.message);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static void
test_dialog_errors (void)
{
  if (!have_display)
    {
      g_test_skip ("no display (run under Xvfb)");
      return;
    }
  FsRecordDialog *dialog = fs_record_dialog_new (NULL);
  g_object_ref_sink (dialog);
  FsLiveRun *started = NULL;
  g_signal_connect (dialog, "started", G_CALLBACK (started_cb), &started);

  fs_record_dialog_set_command_line (dialog, "");
  g_autoptr (GError) empty = NULL;
  g_assert_null (fs_record_dialog_start (dialog, &empty));
  g_assert_error (empty, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  fs_record_dialog_set_command_line (dialog, "no-such-command-for-forkscope --flag");
  g_autoptr (GError) missing = NULL;
  g_assert_null (fs_record_dialog_start (dialog, &missing));
  g_assert_error (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (fs_record_dialog_get_error (dialog), "command not found: no-such-command-for-forkscope"));

  g_autofree char *text_file = g_build_filename (tmp_dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (text_file, "not a program\n", -1, NULL));
  g_assert_cmpint (g_chmod (text_file, 0644), ==, 0);
  g_autofree char *text_command = g_shell_quote (text_file);
  fs_record_dialog_set_command_line (dialog, text_command);
  g_autoptr (GError) not_exec = NULL;
  g_assert_null (fs_record_dialog_start (dialog, &not_exec));
  g_assert_error (not_exec, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);

  fs_record_dialog_set_command_line (dialog, "sh -c 'unterminated");
  g_autoptr (GError) quote = NULL;
  g_assert_null (fs_record_dialog_start (dialog, &quote));
  g_assert_error (quote, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  /* Attach mode without a choice. */
  g_assert_false (fs_record_dialog_select_pid (dialog, 0x7ffffff0));
  g_autoptr (GError) no_choice = NULL;
  g_assert_null (fs_record_dialog_start (dialog, &no_choice));
  g_assert_error (no_choice, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  /* tracefs: either usable, or disabled with the reason. */
  char *reason = NULL;
  gboolean tracefs = fs_live_run_tracefs_available (&reason);
  g_assert_true (fs_record_dialog_set_tracer (dialog, "tracefs") == tracefs);
  if (!tracefs)
    g_assert_nonnull (reason);
  g_free (reason);
  g_assert_null (started);

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static void
test_dialog_attach (void)
{
  if (!have_display)
    {
      g_test_skip ("no display (run under Xvfb)");
      return;
    }
  /* A process of our own to attach to. */
  const char *sleeper_argv[] = { "sleep", "30", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) sleeper = g_subprocess_newv (sleeper_argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  GPid pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (sleeper), NULL, 10);

  FsRecordDialog *dialog = fs_record_dialog_new (NULL);
  g_object_ref_sink (dialog);
  g_assert_true (fs_record_dialog_select_pid (dialog, pid));

  /* The picker's search narrows by pid, name and command line. */
  g_autofree char *pid_text = g_strdup_printf ("%d", (int) pid);
  g_autofree char *query = g_strdup_printf ("sleep 30 %s", pid_text);
  fs_record_dialog_set_search (dialog, query);
  g_autoptr (GArray) visible = fs_record_dialog_get_visible_pids (dialog);
  g_assert_cmpuint (visible->len, ==, 1);
  g_assert_cmpint (g_array_index (visible, gint32, 0), ==, pid);
  fs_record_dialog_set_search (dialog, "no process is called this");
  g_autoptr (GArray) none = fs_record_dialog_get_visible_pids (dialog);
  g_assert_cmpuint (none->len, ==, 0);
  fs_record_dialog_set_search (dialog, "");

  g_assert_true (fs_record_dialog_set_tracer (dialog, "ptrace"));
  g_autoptr (FsLiveRun) run = fs_record_dialog_start (dialog, &error);
  g_assert_no_error (error);
  RunLog log = { 0 };
  watch (run, &log);

  /* Once attached, end the process; the recording then ends by itself. */
  gboolean attached = FALSE;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!attached && !log.finished && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
      attached = log.n_updates > 0;
    }
  g_assert_true (attached);
  g_subprocess_send_signal (sleeper, SIGTERM);
  g_assert_true (wait_for (&log.finished, 10000));
  g_test_message ("attach: status %d, message %s", log.exit_status, log.message);
  g_assert_null (log.message);

  FsTrace *trace = fs_live_run_get_trace (run);
  g_assert_nonnull (trace);
  gboolean found = FALSE;
  for (guint i = 0; i < fs_trace_n_processes (trace); i++)
    {
      FsProcess *p = fs_trace_process (trace, i);
      if (p->pid == pid)
        {
          found = TRUE;
          g_assert_true (p->flags & FS_PROCESS_FLAG_ATTACHED);
          g_assert_cmpint (p->exit.kind, ==, FS_EXIT_SIGNAL);
          g_assert_cmpint (p->exit.value, ==, SIGTERM);
        }
    }
  g_assert_true (found);
  g_subprocess_wait (sleeper, NULL, NULL);
  fs_live_run_forget_recording (run);
  g_free (log.message);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

/* ---- tracefs without root ------------------------------------------------------------ */

static void
test_tracefs_unprivileged (void)
{
  if (geteuid () != 0)
    {
      /* Already unprivileged: the real situation of the app. */
      char *reason = NULL;
      if (!fs_live_run_tracefs_available (&reason))
        g_assert_nonnull (reason);
      g_free (reason);
      return;
    }
  if (g_test_subprocess ())
    {
      /* As nobody: no pkexec policy here, so tracefs is refused with a reason
       * and a start fails with it instead of running anything. */
      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
      char *reason = NULL;
      gboolean available = fs_live_run_tracefs_available (&reason);
      g_printerr ("tracefs available: %d (%s)\n", available, reason ? reason : "");
      if (!available)
        {
          g_assert_nonnull (reason);
          g_autoptr (FsLiveRun) run = fs_live_run_new ();
          const char *argv[] = { "true", NULL };
          g_autoptr (GError) error = NULL;
          g_assert_false (fs_live_run_start_command (run, argv, NULL, "tracefs", &error));
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
          g_assert_nonnull (strstr (error->message, reason));
          g_assert_cmpint (fs_live_run_get_state (run), ==, FS_LIVE_RUN_IDLE);
        }
      g_free (reason);
      return;
    }
  g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*tracefs available: *");
}

/* ---- the window: Run, follow live, line highlight, Stop ---------------------------- */

/* GTK 4.8's column view warns when asked to scroll to a row of a model that
 * was replaced in the same frame, which the event list does on every live
 * snapshot; harmless (it ignores the request), so not fatal here. */
static gboolean
ignore_scroll_warning (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  return !(level & G_LOG_LEVEL_WARNING) || g_strcmp0 (domain, "Gtk") != 0
         || strstr (message, "failed to scroll to given position") == NULL;
}

typedef struct {
  guint   n_traces;       /* trace objects the session was given */
  guint   n_grew;         /* times the trace shown grew in place */
  FsTrace *shown;         /* the last trace object given (not a reference) */
  gsize   last_n_events;
  gboolean grew_while_running;
  gboolean rows_match;    /* the event list's rows equal a fresh list's, at every growth */
} WindowLog;

static void
session_trace_cb (FsSession *session, GParamSpec *pspec, WindowLog *log)
{
  FsTrace *trace = fs_session_get_trace (session);
  if (trace == NULL)
    return;
  log->n_traces++;
  log->shown = trace;
  log->last_n_events = fs_trace_n_events (trace);
}

/* Runs after the views extended what they built (connected after them). */
static void
session_grew_cb (FsSession *session, guint64 first_changed_event, guint n_processes_before,
                 FsWindow *window)
{
  WindowLog *log = g_object_get_data (G_OBJECT (window), "test-log");
  FsTrace *trace = fs_session_get_trace (session);
  /* Grown in place: the same object as the session was given. */
  g_assert_true (trace == log->shown);
  gsize n = fs_trace_n_events (trace);
  g_assert_cmpuint (n, >=, log->last_n_events);
  if (n > log->last_n_events)
    log->grew_while_running = TRUE;
  log->n_grew++;
  log->last_n_events = n;

  /* The event list, extended, shows what a list made afresh would. */
  FsEventListModel *shown = fs_event_list_get_model (fs_window_get_event_list (window));
  g_autoptr (FsEventListModel) fresh = fs_event_list_model_new ();
  fs_event_list_model_set_trace (fresh, trace);
  guint rows = g_list_model_get_n_items (G_LIST_MODEL (shown));
  gboolean match = rows == g_list_model_get_n_items (G_LIST_MODEL (fresh));
  for (guint i = 0; match && i < rows; i++)
    match = fs_event_list_model_get_event (shown, i) == fs_event_list_model_get_event (fresh, i);
  log->rows_match = log->rows_match && match;
}

static gboolean
run_is_done (FsWindowLive *live)
{
  FsLiveRun *run = fs_window_live_get_run (live);
  return run && fs_live_run_get_state (run) == FS_LIVE_RUN_DONE;
}

static void
spin_until_done (FsWindowLive *live, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  while (!run_is_done (live) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  g_assert_true (run_is_done (live));
}

static void
test_window_run (void)
{
  if (!have_display)
    {
      g_test_skip ("no display (run under Xvfb)");
      return;
    }
  g_test_log_set_fatal_handler (ignore_scroll_warning, NULL);
  FsWindow *window = fs_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  FsWindowLive *live = fs_window_get_live (window);
  g_assert_nonnull (live);
  FsScenarioEditor *editor = fs_window_live_get_editor (live);
  FsSession *session = fs_window_get_session (window);
  WindowLog log = { .rows_match = TRUE };
  g_signal_connect (session, "notify::trace", G_CALLBACK (session_trace_cb), &log);
  g_object_set_data (G_OBJECT (window), "test-log", &log);
  g_signal_connect_after (session, "trace-grew", G_CALLBACK (session_grew_cb), window);

  /* An error: nothing runs, the window says why and shows the editor. */
  fs_scenario_editor_set_text (editor, "process main {\n  sleep 1 parsec\n}\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "live.run", NULL));
  g_assert_null (fs_window_live_get_run (live));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));
  g_assert_nonnull (strstr (fs_window_get_banner_text (window), "errors"));

  /* A scenario with sleeps: the window shows events before the run ends,
   * follows them, and the editor's line follows the playhead. */
  fs_scenario_editor_set_text (editor,
    "process main {\n"
    "  fork ticker {\n"
    "    repeat 6 {\n"
    "      print \"tick\"\n"
    "      sleep 150ms\n"
    "    }\n"
    "  }\n"
    "  wait ticker\n"
    "}\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "live.run", NULL));
  FsLiveRun *run = fs_window_live_get_run (live);
  g_assert_nonnull (run);
  g_assert_true (fs_live_run_is_running (run));
  g_assert_true (fs_window_live_get_follow (live));
  guint traces_before = log.n_traces;
  spin_until_done (live, 20000);
  g_test_message ("window saw %u trace objects, grown %u times, last %" G_GSIZE_FORMAT " events",
                  log.n_traces - traces_before, log.n_grew, log.last_n_events);
  /* One trace object for the whole run, grown in place at each refresh
   * (the views extended it, nothing was rebuilt from a new trace). */
  g_assert_cmpuint (log.n_traces, ==, traces_before + 1);
  g_assert_cmpuint (log.n_grew, >=, 2);
  g_assert_true (log.grew_while_running);
  g_assert_true (log.rows_match);
  FsTrace *trace = fs_session_get_trace (session);
  g_assert_true (trace == fs_live_run_get_trace (run));
  /* Followed to the end. */
  g_assert_cmpuint (fs_session_get_current_event (session), ==, fs_trace_n_events (trace) - 1);
  g_assert_cmpuint (fs_scenario_editor_get_highlighted_line (editor), ==,
                    fs_marker_line_at_event (trace, fs_trace_n_events (trace) - 1));
  g_assert_nonnull (fs_window_live_get_unsaved_recording (live));
  g_assert_nonnull (strstr (fs_window_get_banner_text (window), "finished"));

  /* Stepping through shows each event's line; clicking a line seeks to it. */
  gsize print_event = fs_marker_first_event_of_line (trace, 4);
  g_assert_cmpuint (print_event, !=, FS_EVENT_NONE);
  fs_scenario_editor_activate_line (editor, 4);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, print_event);
  g_assert_cmpuint (fs_scenario_editor_get_highlighted_line (editor), ==, 4);
  fs_session_go_home (session);
  fs_session_step (session, 1);
  g_assert_cmpuint (fs_scenario_editor_get_highlighted_line (editor), ==,
                    fs_marker_line_at_event (trace, fs_session_get_current_event (session)));

  /* A long run: scrubbing turns following off, Stop (Esc) ends it cleanly. */
  fs_scenario_editor_set_text (editor,
    "process main {\n"
    "  fork sleeper {\n"
    "    sleep 60s\n"
    "  }\n"
    "  repeat 100 {\n"
    "    print \"still here\"\n"
    "    sleep 100ms\n"
    "  }\n"
    "}\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "live.run", NULL));
  run = fs_window_live_get_run (live);
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint seen = log.n_traces + log.n_grew;
  while (log.n_traces + log.n_grew < seen + 2 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  g_assert_cmpuint (log.n_traces + log.n_grew, >=, seen + 2);
  fs_session_seek_event (session, 0);
  g_assert_false (fs_window_live_get_follow (live));
  guint before = log.n_traces + log.n_grew;
  while (log.n_traces + log.n_grew < before + 1 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, 0);  /* stayed where the user put it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "live.stop", NULL));
  spin_until_done (live, FS_LIVE_RUN_STOP_GRACE_MS + 5000);
  g_assert_null (strstr (fs_window_get_banner_text (window), "error"));

  g_signal_handlers_disconnect_by_data (session, &log);
  g_signal_handlers_disconnect_by_data (session, window);
  g_assert_true (log.rows_match);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Must run before any other window test: the offer is made once per app. */
static void
test_window_restore (void)
{
  if (!have_display)
    {
      g_test_skip ("no display (run under Xvfb)");
      return;
    }
  /* A real recording left by an app that is gone. */
  g_autofree char *scenario = write_scenario ("tiny.fsc", "process main {\n  print \"hi\"\n}\n");
  g_autoptr (FsLiveRun) run = fs_live_run_new ();
  RunLog log = { 0 };
  watch (run, &log);
  g_assert_true (fs_live_run_start_scenario (run, scenario, NULL, NULL));
  g_assert_true (wait_for (&log.finished, 15000));
  g_free (log.message);
  g_autofree char *dir = fs_live_run_recordings_dir (NULL);
  g_autofree char *left = g_strdup_printf ("%s/recording-%d-20260101-000000-0.fstrace", dir, 0x7ffffff0);
  g_assert_cmpint (g_rename (fs_live_run_get_recording_path (run), left), ==, 0);

  FsWindow *window = fs_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  /* The question appears with the window. */
  GtkWidget *question = NULL;
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (question == NULL && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
      GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);
          if (GTK_IS_DIALOG (w) && gtk_window_get_transient_for (GTK_WINDOW (w)) == GTK_WINDOW (window))
            question = GTK_WIDGET (w);
        }
    }
  g_assert_nonnull (question);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (question), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS

  FsWindowLive *live = fs_window_get_live (window);
  g_assert_cmpstr (fs_window_live_get_unsaved_recording (live), ==, left);
  FsSession *session = fs_window_get_session (window);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (fs_session_get_trace (session) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  g_assert_nonnull (fs_session_get_trace (session));
  g_assert_cmpuint (count_events (fs_session_get_trace (session), FS_EVENT_OUTPUT, 0), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
  /* Still there until saved or discarded: a second app would offer it again. */
  g_assert_true (g_file_test (left, G_FILE_TEST_EXISTS));
  g_unlink (left);
}


static void
spin_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
}

/* The event list's "All processes" drop-down. */
static GtkDropDown *
find_process_dropdown (GtkWidget *widget)
{
  if (GTK_IS_DROP_DOWN (widget))
    {
      GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));
      if (GTK_IS_STRING_LIST (model)
          && g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), "All processes") == 0)
        return GTK_DROP_DOWN (widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkDropDown *found = find_process_dropdown (child);
      if (found)
        return found;
    }
  return NULL;
}

/* A live process renamed by an exec: the event list's rows already on
 * screen name it by its new name, as a list made afresh would (the rows are
 * extended, not rebuilt, so their cells must still be told). */
static void
test_window_grown_rows_renamed (void)
{
  if (!have_display)
    {
      g_test_skip ("no display (run under Xvfb)");
      return;
    }
  g_test_log_set_fatal_handler (ignore_scroll_warning, NULL);
  g_autoptr (GError) error = NULL;
  UiTestTrace t = ui_test_trace_new ();
  FsWindow *window = fs_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  FsEventList *list = fs_window_get_event_list (window);
  FsEventListModel *model = fs_event_list_get_model (list);
  g_autofree char *path = g_build_filename (tmp_dir, "renamed.fstrace", NULL);
  fs_window_show_live_trace (window, t.trace, path, "renamed", FALSE, NULL);
  fs_event_list_set_process_filter (list, t.worker1);
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (model));
  spin_ms (200);

  /* The first row of worker1's on screen shows its name. */
  guint row = G_MAXUINT;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)) && row == G_MAXUINT; i++)
    if (fs_trace_event (t.trace, fs_event_list_model_get_event (model, i))->process == t.worker1)
      row = i;
  g_assert_cmpuint (row, !=, G_MAXUINT);
  g_autofree char *before = fs_event_list_dup_cell_text (list, row, 1);
  g_assert_nonnull (before);
  g_assert_nonnull (strstr (before, "worker1"));

  /* It execs: a new event, and its process row rewritten. */
  FsTraceGrowth growth = {
    .n_events_before = fs_trace_n_events (t.trace),
    .first_changed_event = fs_trace_n_events (t.trace),
    .n_processes_before = fs_trace_n_processes (t.trace),
    .n_rewritten_processes = 1,
  };
  FsEvent *ev = fs_trace_append (t.trace, fs_trace_duration (t.trace) + 10, t.worker1, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (t.trace, "/usr/bin/sleeper");
  fs_trace_process (t.trace, t.worker1)->name = fs_trace_intern (t.trace, "sleeper");
  g_assert_true (fs_trace_finish (t.trace, &error));
  fs_window_show_live_trace (window, t.trace, path, "renamed", FALSE, &growth);
  spin_ms (200);

  g_autofree char *after = fs_event_list_dup_cell_text (list, row, 1);
  g_autofree char *expected = fs_format_process (t.trace, t.worker1);
  g_assert_cmpstr (after, ==, expected);
  /* So does the process filter's choice for it. */
  GtkDropDown *processes = find_process_dropdown (GTK_WIDGET (list));
  g_assert_nonnull (processes);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (processes)),
                                               2 + t.worker1), ==, expected);
  /* ... still chosen: the list still shows worker1's events, and its exec. */
  g_assert_cmpuint (gtk_drop_down_get_selected (processes), ==, 2 + t.worker1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n_rows + 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (t.trace);
}

/* Exporting while a recording runs: the export thread must not read the
 * trace shown, whose contents the main loop swaps at each refresh (and whose
 * previous contents the follower's thread then rewrites).  Here the shown
 * object's contents are swapped out around the export, as a refresh landing
 * during it would: the file written still holds the recording. */
static void
test_window_export_while_recording (void)
{
  if (!have_display)
    {
      g_test_skip ("no display (run under Xvfb)");
      return;
    }
  g_test_log_set_fatal_handler (ignore_scroll_warning, NULL);
  g_autoptr (GError) error = NULL;
  FsWindow *window = fs_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  FsWindowLive *live = fs_window_get_live (window);
  FsSession *session = fs_window_get_session (window);
  fs_scenario_editor_set_text (fs_window_live_get_editor (live),
    "process main {\n"
    "  repeat 40 {\n"
    "    print \"tick\"\n"
    "    sleep 100ms\n"
    "  }\n"
    "}\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "live.run", NULL));
  FsLiveRun *run = fs_window_live_get_run (live);
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((fs_session_get_trace (session) == NULL || fs_trace_n_events (fs_session_get_trace (session)) < 3)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  FsTrace *shown = fs_session_get_trace (session);
  g_assert_nonnull (shown);
  g_assert_true (fs_live_run_is_running (run));
  gsize n_shown = fs_trace_n_events (shown);
  g_assert_cmpuint (n_shown, >=, 3);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  FsExportDialog *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);
      if (FS_IS_EXPORT_DIALOG (w))
        dialog = FS_EXPORT_DIALOG (w);
    }
  g_assert_nonnull (dialog);
  fs_export_dialog_set_kind (dialog, FS_EXPORT_FSTRACE);

  g_autofree char *out = g_build_filename (tmp_dir, "exported-live.fstrace", NULL);
  g_autoptr (FsTrace) elsewhere = fs_trace_new ();
  g_assert_true (fs_trace_finish (elsewhere, &error));
  fs_trace_swap_contents (shown, elsewhere);
  gboolean exported = fs_export_dialog_export_to (dialog, out, &error);
  fs_trace_swap_contents (shown, elsewhere);
  g_assert_no_error (error);
  g_assert_true (exported);
  g_autoptr (FsTrace) written = fs_trace_load (out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fs_trace_n_events (written), >=, n_shown);
  g_unlink (out);

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "live.stop", NULL));
  spin_until_done (live, 20000);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- leftovers ------------------------------------------------------------------- */

static void
test_find_unsaved (void)
{
  g_autofree char *dir = fs_live_run_recordings_dir (NULL);
  g_assert_nonnull (dir);

  /* A pid that certainly belonged to a process that is gone now. */
  const char *true_argv[] = { "true", NULL };
  g_autoptr (GSubprocess) gone = g_subprocess_newv (true_argv, G_SUBPROCESS_FLAGS_NONE, NULL);
  g_assert_nonnull (gone);
  g_assert_true (g_subprocess_wait (gone, NULL, NULL));
  int dead = (int) g_ascii_strtoll (g_subprocess_get_identifier (gone) ? g_subprocess_get_identifier (gone) : "0", NULL, 10);
  if (dead == 0)
    dead = 0x7ffffff0;

  g_autofree char *crashed = g_strdup_printf ("%s/recording-%d-20260101-000000-0.fstrace", dir, dead);
  g_autofree char *mine = g_strdup_printf ("%s/recording-%d-20260101-000000-0.fstrace", dir, (int) getpid ());
  g_autofree char *empty = g_strdup_printf ("%s/recording-%d-20260101-000001-0.fstrace", dir, dead);
  g_assert_true (g_file_set_contents (crashed, "FSTRACE-partial", -1, NULL));
  g_assert_true (g_file_set_contents (mine, "FSTRACE-partial", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  g_autoptr (GPtrArray) unsaved = fs_live_run_find_unsaved ();
  gboolean has_crashed = FALSE;
  for (guint i = 0; i < unsaved->len; i++)
    {
      const char *path = g_ptr_array_index (unsaved, i);
      g_assert_cmpstr (path, !=, mine);    /* ours: still being used */
      g_assert_cmpstr (path, !=, empty);   /* nothing to restore */
      has_crashed |= g_str_equal (path, crashed);
    }
  g_assert_true (has_crashed);
  g_unlink (crashed);
  g_unlink (mine);
  g_unlink (empty);
}

static void
rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  if (dir)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
    }
  g_remove (path);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  tmp_dir = g_dir_make_tmp ("fs-ui-live-XXXXXX", &error);
  g_assert_no_error (error);
  /* Recordings go to a private cache, never the user's. */
  g_autofree char *cache = g_build_filename (tmp_dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  const char *build_root = g_getenv ("FS_BUILD_ROOT");
  if (g_getenv ("FORKSCOPE_CLI") == NULL && build_root)
    {
      g_autofree char *cli = g_build_filename (build_root, "app", "forkscope-cli", NULL);
      g_setenv ("FORKSCOPE_CLI", cli, TRUE);
    }

  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    fs_application_ensure_resources ();

  g_test_add_func ("/live/scenario-streams", test_scenario_streams);
  g_test_add_func ("/live/stop-leaves-nothing", test_stop_leaves_nothing);
  g_test_add_func ("/live/scenario-with-errors", test_scenario_with_errors);
  g_test_add_func ("/live/find-unsaved", test_find_unsaved);
  g_test_add_func ("/live/tracefs-unprivileged", test_tracefs_unprivileged);
  g_test_add_func ("/live/dialog/records-signal", test_dialog_records_signal);
  g_test_add_func ("/live/dialog/tracefs", test_dialog_tracefs);
  g_test_add_func ("/live/dialog/errors", test_dialog_errors);
  g_test_add_func ("/live/dialog/attach", test_dialog_attach);
  /* restore first: the offer is made once per app, by its first window. */
  g_test_add_func ("/live/window/restore", test_window_restore);
  g_test_add_func ("/live/window/run", test_window_run);
  g_test_add_func ("/live/window/grown-rows-renamed", test_window_grown_rows_renamed);
  g_test_add_func ("/live/window/export-while-recording", test_window_export_while_recording);

  int status = g_test_run ();
  rm_rf (tmp_dir);
  g_free (tmp_dir);
  return status;
}

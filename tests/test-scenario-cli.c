/* test-scenario-cli.c: `forkscope-cli check` and `forkscope-cli run` as a
 * user runs them: exact messages and exit codes, each shipped scenario run
 * untraced and under the real tracers with its printed output and recorded
 * trace checked, and no process of any run left afterwards. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "core/trace-file.h"
#include "core/trace-model.h"

static char *tmp_dir;
static char *token;   /* in every run's environment, to find leftovers */

typedef struct {
  int    status;      /* exit code */
  char  *out;
  char  *err;
  FsTrace *trace;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_clear_object (&run->trace);
}

static char *
scenario_path (const char *name)
{
  return g_build_filename (g_getenv ("FS_SOURCE_ROOT"), "data", "scenarios", name, NULL);
}

/* Processes whose environment holds our token: any is a leftover. */
static guint
count_run_processes_full (gboolean report, guint *n_helpers)
{
  guint n = 0;
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  g_autofree char *needle = g_strdup_printf ("FSC_TEST_TOKEN=%s", token);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (!g_ascii_isdigit (name[0]) || atoi (name) == getpid ())
        continue;
      g_autofree char *path = g_strdup_printf ("/proc/%s/environ", name);
      g_autofree char *env = NULL;
      gsize len = 0;
      if (!g_file_get_contents (path, &env, &len, NULL))
        continue;
      for (gsize at = 0; at < len; at += strlen (env + at) + 1)
        if (g_str_equal (env + at, needle))
          {
            g_autofree char *stat_path = g_strdup_printf ("/proc/%s/stat", name);
            g_autofree char *stat = NULL;
            g_file_get_contents (stat_path, &stat, NULL, NULL);
            /* The tracefs backend removes its instances in a detached
             * helper that is still the CLI's image: not a scenario process. */
            if (n_helpers && stat && strstr (stat, "(forkscope-cli)"))
              {
                (*n_helpers)++;
                break;
              }
            if (report)
              g_printerr ("# leftover: %s", stat ? stat : name);
            n++;
            break;
          }
    }
  return n;
}

static guint
count_run_processes (gboolean report)
{
  return count_run_processes_full (report, NULL);
}

static guint
count_leftovers (void)
{
  guint helpers = 0;
  guint n = count_run_processes_full (TRUE, &helpers);
  /* Give a detached helper its few hundred milliseconds to finish. */
  for (int wait = 0; wait < 300 && helpers > 0; wait++)
    {
      g_usleep (10000);
      helpers = 0;
      count_run_processes_full (FALSE, &helpers);
    }
  return n + helpers;
}

static void
run_cli (CliRun *run, const char *const *args, const char *trace_path)
{
  memset (run, 0, sizeof *run);
  g_autofree char *cli = g_build_filename (g_getenv ("FS_BUILD_ROOT"), "app", "forkscope-cli", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, cli);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_auto (GStrv) envp = g_get_environ ();
  envp = g_environ_setenv (envp, "FSC_TEST_TOKEN", token, TRUE);
  /* Sanitizer builds: libtracefs 1.6.4 leaks the regex its instance listing
   * compiles (not ours; see tracer/tracefs-tracer.c). */
  g_autofree char *suppressions = g_build_filename (tmp_dir, "lsan.supp", NULL);
  g_file_set_contents (suppressions, "leak:regcomp\nleak:re_compile_internal\n", -1, NULL);
  g_autofree char *lsan = g_strdup_printf ("suppressions=%s:print_suppressions=0", suppressions);
  envp = g_environ_setenv (envp, "LSAN_OPTIONS", lsan, FALSE);
  g_autoptr (GError) error = NULL;
  int wait_status = 0;
  g_assert_true (g_spawn_sync (tmp_dir, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);

  g_assert_cmpuint (count_leftovers (), ==, 0);
  g_assert_null (strstr (run->err, "outlived the run"));

  if (trace_path && g_file_test (trace_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *warning = NULL;
      run->trace = fs_trace_load (trace_path, &warning, &error);
      g_assert_no_error (error);
      g_assert_null (warning);
      g_unlink (trace_path);
    }
}

static char **
lines_of (const char *text)
{
  g_autofree char *copy = g_strdup (text);
  gsize len = strlen (copy);
  if (len > 0 && copy[len - 1] == '\n')
    copy[len - 1] = '\0';
  return len > 0 ? g_strsplit (copy, "\n", -1) : g_new0 (char *, 1);
}

static FsProcessId
find_process (FsTrace *trace, const char *name)
{
  for (guint i = 0; i < fs_trace_n_processes (trace); i++)
    if (g_strcmp0 (fs_trace_process_name (trace, i), name) == 0)
      return i;
  g_error ("no process named %s in the trace", name);
  return FS_PROCESS_NONE;
}

static void
assert_exit (FsTrace *trace, const char *name, FsExitKind kind, int value)
{
  FsProcess *p = fs_trace_process (trace, find_process (trace, name));
  g_autofree char *text = fs_exit_status_to_string (&p->exit);
  if (p->exit.kind != kind || p->exit.value != value)
    g_error ("%s: unexpected exit status %s", name, text);
}

static void
assert_parent (FsTrace *trace, const char *child, const char *parent)
{
  FsProcess *p = fs_trace_process (trace, find_process (trace, child));
  g_assert_cmpuint (p->parent, ==, find_process (trace, parent));
}

static guint
count_sends (FsTrace *trace, const char *from, const char *to, int signo)
{
  FsProcessId sender = find_process (trace, from);
  FsProcessId target = find_process (trace, to);
  gsize n_events;
  const FsEvent *events = fs_trace_events (trace, &n_events);
  guint n = 0;
  for (gsize i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_SIGNAL_SEND && events[i].process == sender
        && events[i].signal == signo && events[i].u.send.target_kind == FS_TARGET_PROCESS
        && events[i].u.send.target == target)
      n++;
  return n;
}

static gboolean
has_marker (FsTrace *trace, const char *name, guint line)
{
  FsProcessId id = find_process (trace, name);
  gsize n_events;
  const FsEvent *events = fs_trace_events (trace, &n_events);
  for (gsize i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_MARKER && events[i].process == id && events[i].u.marker.line == line)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------ */

static void
test_check_ok (void)
{
  g_autofree char *a = scenario_path ("ordered-results.fsc");
  g_autofree char *b = scenario_path ("alarm-timeout.fsc");
  const char *args[] = { "check", a, b, NULL };
  CliRun run;
  run_cli (&run, args, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "ordered-results.fsc: ok (3 processes declared, 0 warnings)"));
  g_assert_cmpstr (run.err, ==, "");
  cli_run_clear (&run);
}

static void
test_check_errors (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "bad.fsc", NULL);
  g_assert_true (g_file_set_contents (path,
                                      "process main {\n"
                                      "    fork worker { slep 5s }\n"
                                      "    kill wroker CONT\n"
                                      "}\n", -1, NULL));
  const char *args[] = { "check", "--color=never", path, NULL };
  CliRun run;
  run_cli (&run, args, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_autofree char *expected = g_strdup_printf (
    "%s:2:19: error: unknown statement 'slep'; did you mean 'sleep'?\n"
    "    2 |     fork worker { slep 5s }\n"
    "      |                   ^~~~\n"
    "%s:3:10: error: kill: no process is named 'wroker'; did you mean 'worker'?\n"
    "    3 |     kill wroker CONT\n"
    "      |          ^~~~~~\n"
    "%s: 2 errors, 0 warnings\n", path, path, path);
  g_assert_cmpstr (run.err, ==, expected);
  cli_run_clear (&run);

  /* run refuses it the same way, before starting anything. */
  const char *run_args[] = { "run", "--tracer", "none", path, NULL };
  run_cli (&run, run_args, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, ":2:19: error: unknown statement 'slep'"));
  g_assert_nonnull (strstr (run.err, "2 errors: not run"));
  g_assert_cmpstr (run.out, ==, "");
  cli_run_clear (&run);

  const char *missing[] = { "check", "/nonexistent/x.fsc", NULL };
  run_cli (&run, missing, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "/nonexistent/x.fsc"));
  cli_run_clear (&run);
}

typedef void (*CheckFunc) (CliRun *run, const char *tracer);

static gboolean
tracer_usable (const char *tracer)
{
  if (g_str_equal (tracer, "tracefs"))
    return geteuid () == 0 && (g_file_test ("/sys/kernel/tracing/events", G_FILE_TEST_IS_DIR)
                               || g_file_test ("/sys/kernel/tracing", G_FILE_TEST_IS_DIR));
  return TRUE;
}

static void
run_scenario (const char *file, const char *tracer, CheckFunc check)
{
  if (!tracer_usable (tracer))
    {
      g_test_skip ("tracer not usable here");
      return;
    }
  g_autofree char *path = scenario_path (file);
  g_autofree char *trace_path = g_build_filename (tmp_dir, "run.fstrace", NULL);
  const char *args[] = { "run", "--fast", "--prefix=never", "--tracer", tracer, "-o", trace_path,
                         path, NULL };
  CliRun run;
  run_cli (&run, args, trace_path);
  if (run.status != 0)
    g_error ("run %s under %s: exit %d\n%s", file, tracer, run.status, run.err);
  g_assert_nonnull (run.trace);
  /* The summary names the tracer. */
  g_autofree char *summary = g_strdup_printf ("%s tracer", g_str_equal (tracer, "none") ? "no" : tracer);
  g_assert_nonnull (strstr (run.err, summary));
  /* Root can always seal the run in its own PID namespace, whatever the
   * tracer. */
  if (geteuid () == 0)
    g_assert_cmpstr (g_hash_table_lookup (fs_trace_get_meta (run.trace)->extra, "pid_namespace"),
                     ==, "own");
  check (&run, tracer);
  cli_run_clear (&run);
}

static void
check_fork_basics (CliRun *run, const char *tracer)
{
  g_auto (GStrv) lines = lines_of (run->out);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  int parent = -1, child = -1, finished = 0;
  for (int i = 0; i < 4; i++)
    {
      if (g_str_has_prefix (lines[i], "In parent process; this child is "))
        parent = i;
      else if (g_str_equal (lines[i], "In child process"))
        child = i;
      else if (g_str_equal (lines[i], "Finished a process"))
        {
          g_assert_true (parent >= 0 || child >= 0);
          finished++;
        }
    }
  g_assert_cmpint (parent, >=, 0);
  g_assert_cmpint (child, >=, 0);
  g_assert_cmpint (finished, ==, 2);
  assert_parent (run->trace, "child", "main");
  assert_exit (run->trace, "child", FS_EXIT_CODE, 0);
  assert_exit (run->trace, "main", FS_EXIT_CODE, 0);
  /* The pid main printed is the pid the tracer recorded for child. */
  FsProcess *c = fs_trace_process (run->trace, find_process (run->trace, "child"));
  g_autofree char *pid_line = g_strdup_printf ("In parent process; this child is %d", c->pid);
  if (!g_str_equal (tracer, "none"))
    g_assert_cmpstr (lines[parent], ==, pid_line);
  g_assert_true (has_marker (run->trace, "main", 15));
}

static void
check_sleeping_child (CliRun *run, const char *tracer)
{
  g_assert_cmpstr (run->out, ==, "Finished\n");
  FsProcess *main_p = fs_trace_process (run->trace, find_process (run->trace, "main"));
  FsProcess *child = fs_trace_process (run->trace, find_process (run->trace, "child"));
  g_assert_cmpint (main_p->end_ns, <, child->end_ns);
  g_assert_cmpint (child->end_ns - child->start_ns, >=, 400000000);
  assert_exit (run->trace, "child", FS_EXIT_CODE, 0);
}

static void
check_thread_counter (CliRun *run, const char *tracer)
{
  g_auto (GStrv) lines = lines_of (run->out);
  g_assert_cmpuint (g_strv_length (lines), ==, 25);
  for (int i = 0; i < 24; i++)
    g_assert_true (g_str_has_prefix (lines[i], "User ") && g_str_has_suffix (lines[i], " visited"));
  g_assert_true (g_str_has_prefix (lines[24], "Final count: "));
  /* Threads are threads of main, not processes. */
  FsProcess *main_p = fs_trace_process (run->trace, find_process (run->trace, "main"));
  if (!g_str_equal (tracer, "none"))
    {
      g_assert_nonnull (main_p->threads);
      g_assert_cmpuint (main_p->threads->len, ==, 3);
    }
  guint visible = 0;
  for (guint i = 0; i < fs_trace_n_processes (run->trace); i++)
    if (!(fs_trace_process (run->trace, i)->flags & FS_PROCESS_FLAG_HIDDEN))
      visible++;
  g_assert_cmpuint (visible, ==, 1);
}

static void
check_ordered_results (CliRun *run, const char *tracer)
{
  g_auto (GStrv) lines = lines_of (run->out);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  /* The first three race; then exactly the post's order. */
  const char *starts[] = { "Starting very expensive operation...", "All children started.",
                           "Starting slightly expensive operation..." };
  for (int i = 0; i < 3; i++)
    g_assert_true (g_strv_contains ((const char *const *) lines, starts[i]));
  g_assert_cmpstr (lines[3], ==, "All children finished main tasks; asking them to display results in order.");
  g_assert_cmpstr (lines[4], ==, "very expensive operation complete.");
  g_assert_cmpstr (lines[5], ==, "slightly expensive operation complete.");

  assert_parent (run->trace, "worker1", "main");
  assert_parent (run->trace, "worker2", "main");
  assert_exit (run->trace, "worker1", FS_EXIT_CODE, 0);
  assert_exit (run->trace, "worker2", FS_EXIT_CODE, 0);
  g_assert_cmpuint (count_sends (run->trace, "worker1", "main", SIGCONT), ==, 1);
  g_assert_cmpuint (count_sends (run->trace, "worker2", "main", SIGCONT), ==, 1);
  g_assert_cmpuint (count_sends (run->trace, "main", "worker1", SIGCONT), ==, 1);
  g_assert_cmpuint (count_sends (run->trace, "main", "worker2", SIGCONT), ==, 1);
  FsProcess *w2 = fs_trace_process (run->trace, find_process (run->trace, "worker2"));
  g_assert_cmpint (w2->reap_ns, !=, FS_TIME_NONE);
}

static void
check_alarm_timeout (CliRun *run, const char *tracer)
{
  g_assert_cmpstr (run->out, ==, "Too late; killing child process\n");
  assert_exit (run->trace, "child", FS_EXIT_SIGNAL, SIGKILL);
  assert_exit (run->trace, "main", FS_EXIT_CODE, 0);
  g_assert_cmpuint (count_sends (run->trace, "main", "child", SIGKILL), ==, 1);
}

static void
check_job_control (CliRun *run, const char *tracer)
{
  g_auto (GStrv) lines = lines_of (run->out);
  guint n = g_strv_length (lines);
  g_assert_cmpstr (lines[n - 1], ==, "shell: job ended, killed by SIGTERM");
  assert_exit (run->trace, "job", FS_EXIT_SIGNAL, SIGTERM);
  g_assert_cmpuint (count_sends (run->trace, "shell", "job", SIGSTOP), ==, 1);
  g_assert_cmpuint (count_sends (run->trace, "shell", "job", SIGCONT), ==, 1);
  if (!g_str_equal (tracer, "none"))
    {
      /* The tracer saw the job stop and continue. */
      FsProcessId job = find_process (run->trace, "job");
      gsize n_events;
      const FsEvent *events = fs_trace_events (run->trace, &n_events);
      gboolean stop = FALSE, cont = FALSE;
      for (gsize i = 0; i < n_events; i++)
        if (events[i].process == job)
          {
            stop = stop || events[i].kind == FS_EVENT_STOP;
            cont = cont || (stop && events[i].kind == FS_EVENT_CONTINUE);
          }
      g_assert_true (stop);
      g_assert_true (cont);
    }
}

static void
check_signal_handler (CliRun *run, const char *tracer)
{
  g_assert_cmpstr (run->out, ==,
                   "main: SIGUSR1 #1\nmain: SIGUSR1 #2\nmain: SIGUSR1 #3\n"
                   "main: 3 SIGUSR1 handled, SIGINT ignored\n");
  g_assert_cmpuint (count_sends (run->trace, "pinger", "main", SIGUSR1), ==, 3);
  g_assert_cmpuint (count_sends (run->trace, "pinger", "main", SIGINT), ==, 1);
  g_assert_cmpuint (count_sends (run->trace, "main", "pinger", SIGUSR2), ==, 3);
}

static void
check_process_group (CliRun *run, const char *tracer)
{
  g_assert_cmpstr (run->out, ==, "main: leader killed by SIGTERM\n");
  assert_exit (run->trace, "member1", FS_EXIT_SIGNAL, SIGTERM);
  assert_exit (run->trace, "member2", FS_EXIT_SIGNAL, SIGTERM);
  assert_parent (run->trace, "member2", "leader");
}

static void
check_zombie_orphan (CliRun *run, const char *tracer)
{
  g_assert_nonnull (strstr (run->out, "main: reaped zombie, exited with code 7\n"));
  g_assert_nonnull (strstr (run->out, "orphan: my parent is now pid "));
  assert_exit (run->trace, "zombie", FS_EXIT_CODE, 7);
  assert_parent (run->trace, "orphan", "middle");
}

static void
check_exec (CliRun *run, const char *tracer)
{
  g_assert_cmpstr (run->out, ==, "sleeper: about to become /bin/sleep\nmain: sleeper exited with code 0\n");
  assert_exit (run->trace, "sleeper", FS_EXIT_CODE, 0);
  FsProcessId sleeper = find_process (run->trace, "sleeper");
  gsize n_events;
  const FsEvent *events = fs_trace_events (run->trace, &n_events);
  gboolean seen = FALSE;
  for (gsize i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_EXEC && events[i].process == sleeper)
      seen = g_str_has_suffix (fs_trace_string (run->trace, events[i].u.exec.path), "sleep");
  g_assert_true (seen);
}

typedef struct {
  const char *file;
  CheckFunc   check;
} ScenarioCase;

static const ScenarioCase cases[] = {
  { "fork-basics.fsc", check_fork_basics },
  { "sleeping-child.fsc", check_sleeping_child },
  { "thread-counter.fsc", check_thread_counter },
  { "ordered-results.fsc", check_ordered_results },
  { "alarm-timeout.fsc", check_alarm_timeout },
  { "job-control.fsc", check_job_control },
  { "signal-handler.fsc", check_signal_handler },
  { "process-group.fsc", check_process_group },
  { "zombie-orphan.fsc", check_zombie_orphan },
  { "exec-sleep.fsc", check_exec },
};

typedef struct {
  const ScenarioCase *scenario;
  const char         *tracer;
} RunCase;

static void
test_run_case (gconstpointer data)
{
  const RunCase *rc = data;
  run_scenario (rc->scenario->file, rc->tracer, rc->scenario->check);
}

/* Printed pids are the host's even when another PID namespace (another run
 * at the same time) holds the same inner numbers: a decoy namespace full of
 * low numbers is made first, so a look-up by number alone finds it. */
static void
test_printed_pid_other_namespace (void)
{
  /* --kill-child: unshare's death kills the namespace's init, and the
   * kernel then everything in the namespace. */
  const char *decoy_argv[] = { "unshare", "--user", "--map-root-user", "--pid", "--fork",
                               "--kill-child", "sh",
                               "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; wait", NULL };
  GPid decoy;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_async (NULL, (char **) decoy_argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &decoy, &error))
    {
      g_test_skip ("unshare(1) cannot run here");
      return;
    }
  g_usleep (200 * 1000);
  run_scenario ("fork-basics.fsc", "ptrace", check_fork_basics);
  kill (decoy, SIGKILL);
  int status;
  waitpid (decoy, &status, 0);
}

static void
test_run_exit_codes (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "exit.fsc", NULL);
  g_assert_true (g_file_set_contents (path, "process main {\n  exit 3\n}\n", -1, NULL));
  const char *args[] = { "run", "-q", "--tracer", "none", path, NULL };
  CliRun run;
  run_cli (&run, args, NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpstr (run.err, ==, "");
  cli_run_clear (&run);

  g_autofree char *hang = g_build_filename (tmp_dir, "hang.fsc", NULL);
  g_assert_true (g_file_set_contents (hang, "process main {\n  fork c { pause }\n  pause\n}\n", -1, NULL));
  const char *tracers[] = { "none", "ptrace" };
  for (guint i = 0; i < G_N_ELEMENTS (tracers); i++)
    {
      const char *timeout_args[] = { "run", "-q", "--timeout", "0.3", "--tracer", tracers[i], hang, NULL };
      run_cli (&run, timeout_args, NULL);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_nonnull (strstr (run.err, "the run timed out after 0.3 s and every scenario process was killed"));
      cli_run_clear (&run);
    }

  const char *bad_usage[] = { "run", "--tracer", "magic", hang, NULL };
  run_cli (&run, bad_usage, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--tracer magic: expected auto, ptrace, tracefs or none"));
  cli_run_clear (&run);
}

static void
test_run_interrupted (void)
{
  g_autofree char *cli = g_build_filename (g_getenv ("FS_BUILD_ROOT"), "app", "forkscope-cli", NULL);
  g_autofree char *path = scenario_path ("sleeping-child.fsc");
  const char *tracers[] = { "none", "ptrace" };
  for (guint i = 0; i < G_N_ELEMENTS (tracers); i++)
    {
      const char *argv[] = { cli, "run", "-q", "--tracer", tracers[i], path, NULL };
      g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "FSC_TEST_TOKEN", token, TRUE);
      GPid pid;
      g_autoptr (GError) error = NULL;
      g_assert_true (g_spawn_async (tmp_dir, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                    &pid, &error));
      /* Interrupt once the run is under way: launcher, reaper and child. */
      for (int wait = 0; wait < 500 && count_run_processes (FALSE) < 3; wait++)
        g_usleep (10000);
      kill (pid, SIGINT);
      int status;
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 1);
      g_assert_cmpuint (count_leftovers (), ==, 0);
    }
}

static void
test_run_killed (void)
{
  /* forkscope itself dies by SIGKILL mid-run: nothing of the run may stay
   * alive (ptrace: EXITKILL; otherwise the launcher ends the run). */
  g_autofree char *cli = g_build_filename (g_getenv ("FS_BUILD_ROOT"), "app", "forkscope-cli", NULL);
  g_autofree char *path = scenario_path ("ordered-results.fsc");
  const char *tracers[] = { "none", "ptrace", "tracefs" };
  for (guint i = 0; i < G_N_ELEMENTS (tracers); i++)
    {
      if (g_str_equal (tracers[i], "tracefs") && geteuid () != 0)
        continue;
      const char *argv[] = { cli, "run", "-q", "--tracer", tracers[i], path, NULL };
      g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "FSC_TEST_TOKEN", token, TRUE);
      GPid pid;
      g_autoptr (GError) error = NULL;
      g_assert_true (g_spawn_async (tmp_dir, (char **) argv, envp,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                    | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error));
      /* Launcher, reaper, main and both workers. */
      for (int wait = 0; wait < 500 && count_run_processes (FALSE) < 5; wait++)
        g_usleep (10000);
      g_assert_cmpuint (count_run_processes (FALSE), >=, 5);
      kill (pid, SIGKILL);
      int status;
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      guint left = count_run_processes (FALSE);
      for (int wait = 0; wait < 200 && left > 0; wait++)
        {
          g_usleep (10000);
          left = count_run_processes (FALSE);
        }
      g_test_message ("tracer %s: %u left", tracers[i], left);
      g_assert_cmpuint (count_run_processes (TRUE), ==, 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("fsc-cli-XXXXXX", NULL);
  token = g_strdup_printf ("%d-%u", getpid (), g_random_int ());

  g_test_add_func ("/scenario/cli/check-ok", test_check_ok);
  g_test_add_func ("/scenario/cli/check-errors", test_check_errors);
  g_test_add_func ("/scenario/cli/exit-codes", test_run_exit_codes);
  g_test_add_func ("/scenario/cli/interrupted", test_run_interrupted);
  g_test_add_func ("/scenario/cli/killed", test_run_killed);
  g_test_add_func ("/scenario/cli/printed-pid-other-namespace", test_printed_pid_other_namespace);

  static const char *const tracers[] = { "none", "ptrace", "tracefs" };
  GPtrArray *cases_owned = g_ptr_array_new_with_free_func (g_free);
  for (guint t = 0; t < G_N_ELEMENTS (tracers); t++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        RunCase *rc = g_new0 (RunCase, 1);
        rc->scenario = &cases[i];
        rc->tracer = tracers[t];
        g_ptr_array_add (cases_owned, rc);
        g_autofree char *base = g_strndup (cases[i].file, strlen (cases[i].file) - 4);
        g_autofree char *name = g_strdup_printf ("/scenario/run/%s/%s", tracers[t], base);
        g_test_add_data_func (name, rc, test_run_case);
      }

  int result = g_test_run ();
  g_ptr_array_free (cases_owned, TRUE);
  g_autofree char *suppressions = g_build_filename (tmp_dir, "lsan.supp", NULL);
  g_unlink (suppressions);
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  g_free (token);
  return result;
}

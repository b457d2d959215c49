/* test-scenario-engine.c: runs the shipped scenarios for real (no tracer,
 * time scaled down) and checks what they printed, the recorded process tree,
 * exit statuses and signals, and that no process of a run is left behind. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/scenario-ast.h"
#include "core/scenario-engine.h"
#include "core/trace-recorder.h"

#define TIME_SCALE 0.1  /* margins of 100s of ms between racing sleeps, even on a loaded machine */

typedef struct {
  FsEngineResult result;
  FsTrace       *trace;
  char         **lines;      /* printed lines, in order */
  guint          n_lines;
  guint64        ns_inode;
  GPid           launcher;
  GPid           group;
  GArray        *leftovers;
  double         seconds;
} Run;

static void
run_clear (Run *run)
{
  fs_engine_result_clear (&run->result);
  g_clear_object (&run->trace);
  g_strfreev (run->lines);
}

static char *
scenario_path (const char *name)
{
  return g_build_filename (g_getenv ("FS_SOURCE_ROOT"), "data", "scenarios", name, NULL);
}

static void
assert_nothing_left (Run *run)
{
  g_autoptr (GArray) left = run->leftovers;
  for (guint i = 0; i < left->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/stat", g_array_index (left, GPid, i));
      g_autofree char *stat = NULL;
      g_file_get_contents (path, &stat, NULL, NULL);
      g_printerr ("# left: %s", stat ? stat : "(gone)\n");
    }
  g_assert_cmpuint (left->len, ==, 0);
  g_assert_cmpuint (run->result.n_left, ==, 0);
  /* The test process itself has no zombie children left. */
  int status;
  g_assert_cmpint (waitpid (-1, &status, WNOHANG), ==, -1);
  g_assert_cmpint (errno, ==, ECHILD);
}

static void
run_text (Run *run, const char *name, const char *text, gsize len, const FsEngineOptions *custom)
{
  memset (run, 0, sizeof *run);
  g_autoptr (FsScenario) scn = fs_scenario_parse (name, text, len);
  if (scn->n_errors > 0)
    {
      g_autofree char *diag = fs_scenario_format_diagnostics (scn, FALSE);
      g_error ("%s", diag);
    }

  g_autoptr (GError) error = NULL;
  g_autofree char *out_path = NULL;
  int out_fd = g_file_open_tmp ("fsc-out-XXXXXX", &out_path, &error);
  g_assert_no_error (error);

  FsEngineOptions options;
  if (custom)
    options = *custom;
  else
    {
      fs_engine_options_init (&options);
      options.time_scale = TIME_SCALE;
      options.timeout_s = 20;
    }
  options.echo_fd = out_fd;
  options.echo_mode = FS_ECHO_PLAIN;
  options.record_processes = TRUE;

  run->trace = fs_trace_new ();
  gint64 t0 = fs_recorder_now ();
  FsRecorder *recorder = fs_recorder_new (run->trace, t0);
  FsEngine *engine = fs_engine_new (scn, recorder, &options, &error);
  g_assert_no_error (error);
  g_assert_true (fs_engine_run (engine, &run->result, &error));
  g_assert_no_error (error);
  run->ns_inode = fs_engine_get_namespace (engine);
  run->launcher = fs_engine_get_launcher (engine);
  run->group = fs_engine_get_group (engine);
  g_assert_cmpint (run->group, >, 0);
  run->leftovers = fs_engine_find_leftovers (engine);
  run->seconds = (double) (fs_recorder_now () - t0) / 1e9;
  fs_engine_free (engine);

  g_assert_true (fs_recorder_flush (recorder, TRUE, &error));
  g_assert_no_error (error);
  fs_recorder_free (recorder);
  g_assert_true (fs_trace_finish (run->trace, &error));
  g_assert_no_error (error);

  g_autofree char *contents = NULL;
  gsize contents_len;
  g_assert_true (g_file_get_contents (out_path, &contents, &contents_len, NULL));
  close (out_fd);
  g_unlink (out_path);
  if (contents_len > 0 && contents[contents_len - 1] == '\n')
    contents[contents_len - 1] = '\0';
  run->lines = contents_len > 0 ? g_strsplit (contents, "\n", -1) : g_new0 (char *, 1);
  run->n_lines = g_strv_length (run->lines);

  assert_nothing_left (run);
}

static void
run_file (Run *run, const char *file, const FsEngineOptions *custom)
{
  g_autofree char *path = scenario_path (file);
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  run_text (run, path, text, len, custom);
}

static void
assert_lines (Run *run, const char *const *expected)
{
  guint n = g_strv_length ((char **) expected);
  if (run->n_lines != n)
    {
      g_autofree char *got = g_strjoinv ("\n", run->lines);
      g_error ("expected %u lines, got %u:\n%s", n, run->n_lines, got);
    }
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (run->lines[i], ==, expected[i]);
}

static int
line_index (Run *run, const char *line)
{
  for (guint i = 0; i < run->n_lines; i++)
    if (g_str_equal (run->lines[i], line))
      return (int) i;
  return -1;
}

static FsProcessId
find_process (Run *run, const char *name)
{
  for (guint i = 0; i < fs_trace_n_processes (run->trace); i++)
    if (g_strcmp0 (fs_trace_process_name (run->trace, i), name) == 0)
      return i;
  g_error ("no process named %s in the trace", name);
  return FS_PROCESS_NONE;
}

static void
assert_exit (Run *run, const char *name, FsExitKind kind, int value)
{
  FsProcess *p = fs_trace_process (run->trace, find_process (run, name));
  g_autofree char *text = fs_exit_status_to_string (&p->exit);
  if (p->exit.kind != kind || p->exit.value != value)
    g_error ("%s: unexpected exit status %s", name, text);
}

static void
assert_parent (Run *run, const char *child, const char *parent)
{
  FsProcess *p = fs_trace_process (run->trace, find_process (run, child));
  g_assert_cmpuint (p->parent, ==, find_process (run, parent));
}

static guint
count_sends (Run *run, const char *from, const char *to, int signo)
{
  FsProcessId sender = find_process (run, from);
  FsProcessId target = find_process (run, to);
  gsize n_events;
  const FsEvent *events = fs_trace_events (run->trace, &n_events);
  guint n = 0;
  for (gsize i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_SIGNAL_SEND && events[i].process == sender
        && events[i].signal == signo && events[i].u.send.target_kind == FS_TARGET_PROCESS
        && events[i].u.send.target == target)
      n++;
  return n;
}

static guint
count_markers (Run *run, const char *name, guint line)
{
  FsProcessId id = find_process (run, name);
  gsize n_events;
  const FsEvent *events = fs_trace_events (run->trace, &n_events);
  guint n = 0;
  for (gsize i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_MARKER && events[i].process == id && events[i].u.marker.line == line)
      n++;
  return n;
}

static void
assert_root_ok (Run *run)
{
  g_assert_true (run->result.root_finished);
  g_assert_false (run->result.timed_out);
  g_assert_cmpint (fs_engine_result_exit_code (&run->result), ==, 0);
  g_assert_cmpuint (run->result.n_errors, ==, 0);
}

/* ------------------------------------------------------------------ */

static void
test_fork_basics (void)
{
  Run run;
  run_file (&run, "fork-basics.fsc", NULL);
  assert_root_ok (&run);
  g_assert_cmpuint (run.n_lines, ==, 4);
  int parent_line = -1, child_line = line_index (&run, "In child process");
  for (guint i = 0; i < run.n_lines; i++)
    if (g_str_has_prefix (run.lines[i], "In parent process; this child is "))
      parent_line = (int) i;
  g_assert_cmpint (parent_line, >=, 0);
  g_assert_cmpint (child_line, >=, 0);
  /* Each process prints "Finished a process" after its own line. */
  guint finished = 0;
  for (guint i = 0; i < run.n_lines; i++)
    if (g_str_equal (run.lines[i], "Finished a process"))
      {
        g_assert_true ((int) i > MIN (parent_line, child_line));
        finished++;
      }
  g_assert_cmpuint (finished, ==, 2);
  /* The child's pid as the parent printed it is a real pid. */
  int printed = atoi (run.lines[parent_line] + strlen ("In parent process; this child is "));
  g_assert_cmpint (printed, >, 1);
  assert_parent (&run, "child", "main");
  assert_exit (&run, "main", FS_EXIT_CODE, 0);
  assert_exit (&run, "child", FS_EXIT_CODE, 0);
  /* Markers tie the run to the source: main ran its fork on line 11. */
  g_assert_cmpuint (count_markers (&run, "main", 11), ==, 1);
  run_clear (&run);
}

static void
test_sleeping_child (void)
{
  Run run;
  run_file (&run, "sleeping-child.fsc", NULL);
  assert_root_ok (&run);
  const char *expected[] = { "Finished", NULL };
  assert_lines (&run, expected);
  FsProcess *main_p = fs_trace_process (run.trace, find_process (&run, "main"));
  FsProcess *child = fs_trace_process (run.trace, find_process (&run, "child"));
  /* The parent finished at once; the child slept its (scaled) 10 s. */
  g_assert_cmpint (main_p->end_ns, <, child->end_ns);
  g_assert_cmpint (child->end_ns - child->start_ns, >=, (gint64) (10e9 * TIME_SCALE * 0.9));
  assert_exit (&run, "child", FS_EXIT_CODE, 0);
  run_clear (&run);
}

static void
test_thread_counter (void)
{
  Run run;
  run_file (&run, "thread-counter.fsc", NULL);
  assert_root_ok (&run);
  /* Structure, not counts: 24 visits printed, then the final count, which
   * the race may have made smaller than 24 but never larger. */
  g_assert_cmpuint (run.n_lines, ==, 25);
  for (guint i = 0; i < 24; i++)
    {
      int n = -1;
      g_assert_cmpint (sscanf (run.lines[i], "User %d visited", &n), ==, 1);
      g_assert_cmpint (n, >=, 0);
      g_assert_cmpint (n, <, 24);
    }
  int final = -1;
  g_assert_cmpint (sscanf (run.lines[24], "Final count: %d", &final), ==, 1);
  g_assert_cmpint (final, >=, 1);
  g_assert_cmpint (final, <=, 24);
  g_assert_cmpuint (fs_trace_n_processes (run.trace), ==, 3);  /* launcher, reaper, main */
  run_clear (&run);
}

static void
check_ordered_results (Run *run)
{
  assert_root_ok (run);
  g_assert_cmpuint (run->n_lines, ==, 6);
  /* The first three lines race (two forks and a print); the post's set. */
  const char *starts[] = {
    "Starting very expensive operation...",
    "All children started.",
    "Starting slightly expensive operation...",
  };
  for (guint i = 0; i < 3; i++)
    {
      int at = line_index (run, starts[i]);
      g_assert_cmpint (at, >=, 0);
      g_assert_cmpint (at, <, 3);
    }
  /* Then exactly the post's order: results in definition order although
   * worker2 finished its main task first. */
  g_assert_cmpstr (run->lines[3], ==,
                   "All children finished main tasks; asking them to display results in order.");
  g_assert_cmpstr (run->lines[4], ==, "very expensive operation complete.");
  g_assert_cmpstr (run->lines[5], ==, "slightly expensive operation complete.");

  assert_parent (run, "worker1", "main");
  assert_parent (run, "worker2", "main");
  assert_exit (run, "worker1", FS_EXIT_CODE, 0);
  assert_exit (run, "worker2", FS_EXIT_CODE, 0);
  g_assert_cmpuint (count_sends (run, "worker1", "main", SIGCONT), ==, 1);
  g_assert_cmpuint (count_sends (run, "worker2", "main", SIGCONT), ==, 1);
  g_assert_cmpuint (count_sends (run, "main", "worker1", SIGCONT), ==, 1);
  g_assert_cmpuint (count_sends (run, "main", "worker2", SIGCONT), ==, 1);

  /* worker2 finished its main task (sent CONT) before worker1 did. */
  gsize n_events;
  const FsEvent *events = fs_trace_events (run->trace, &n_events);
  gint64 t1 = 0, t2 = 0;
  for (gsize i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_SIGNAL_SEND)
      {
        if (events[i].process == find_process (run, "worker1"))
          t1 = events[i].t_ns;
        else if (events[i].process == find_process (run, "worker2"))
          t2 = events[i].t_ns;
      }
  g_assert_cmpint (t2, <, t1);

  /* Both workers were reaped by main. */
  FsProcess *w1 = fs_trace_process (run->trace, find_process (run, "worker1"));
  g_assert_cmpint (w1->reap_ns, !=, FS_TIME_NONE);
}

static void
test_ordered_results (void)
{
  Run run;
  run_file (&run, "ordered-results.fsc", NULL);
  check_ordered_results (&run);
  g_assert_true (run.result.used_namespace);
  run_clear (&run);
}

static void
test_ordered_results_no_namespace (void)
{
  FsEngineOptions options;
  fs_engine_options_init (&options);
  options.time_scale = TIME_SCALE;
  options.timeout_s = 20;
  options.no_namespace = TRUE;
  Run run;
  run_file (&run, "ordered-results.fsc", &options);
  check_ordered_results (&run);
  g_assert_false (run.result.used_namespace);
  run_clear (&run);
}

static void
test_alarm_timeout (void)
{
  Run run;
  run_file (&run, "alarm-timeout.fsc", NULL);
  assert_root_ok (&run);
  const char *expected[] = { "Too late; killing child process", NULL };
  assert_lines (&run, expected);
  assert_exit (&run, "child", FS_EXIT_SIGNAL, SIGKILL);
  g_assert_cmpuint (count_sends (&run, "main", "child", SIGKILL), ==, 1);
  /* The alarm went off after its scaled 5 s, not before. */
  FsProcess *child = fs_trace_process (run.trace, find_process (&run, "child"));
  g_assert_cmpint (child->end_ns - child->start_ns, >=, (gint64) (5e9 * TIME_SCALE * 0.9));
  run_clear (&run);
}

static void
test_job_control (void)
{
  Run run;
  run_file (&run, "job-control.fsc", NULL);
  assert_root_ok (&run);
  int stopped = line_index (&run, "shell: job stopped");
  int continued = line_index (&run, "shell: job continued");
  g_assert_cmpint (stopped, >=, 0);
  g_assert_cmpint (continued, ==, stopped + 1);  /* the job printed nothing while stopped */
  g_assert_cmpstr (run.lines[run.n_lines - 1], ==, "shell: job ended, killed by SIGTERM");
  assert_exit (&run, "job", FS_EXIT_SIGNAL, SIGTERM);
  g_assert_cmpuint (count_sends (&run, "shell", "job", SIGSTOP), ==, 1);
  g_assert_cmpuint (count_sends (&run, "shell", "job", SIGCONT), ==, 1);
  g_assert_cmpuint (count_sends (&run, "shell", "job", SIGTERM), ==, 1);
  run_clear (&run);
}

static void
test_signal_handler (void)
{
  Run run;
  run_file (&run, "signal-handler.fsc", NULL);
  assert_root_ok (&run);
  const char *expected[] = {
    "main: SIGUSR1 #1", "main: SIGUSR1 #2", "main: SIGUSR1 #3",
    "main: 3 SIGUSR1 handled, SIGINT ignored", NULL
  };
  assert_lines (&run, expected);
  g_assert_cmpuint (count_sends (&run, "pinger", "main", SIGUSR1), ==, 3);
  g_assert_cmpuint (count_sends (&run, "pinger", "main", SIGINT), ==, 1);
  run_clear (&run);
}

static void
test_process_group (void)
{
  Run run;
  run_file (&run, "process-group.fsc", NULL);
  assert_root_ok (&run);
  const char *expected[] = { "main: leader killed by SIGTERM", NULL };
  assert_lines (&run, expected);
  assert_exit (&run, "leader", FS_EXIT_SIGNAL, SIGTERM);
  assert_exit (&run, "member1", FS_EXIT_SIGNAL, SIGTERM);
  assert_exit (&run, "member2", FS_EXIT_SIGNAL, SIGTERM);
  assert_parent (&run, "member1", "leader");
  run_clear (&run);
}

static void
test_zombie_orphan (void)
{
  /* The orphan looks at its parent 1 s (scaled) after it was born:
   * leave its parent time to be gone even on a loaded machine. */
  FsEngineOptions options;
  fs_engine_options_init (&options);
  options.time_scale = 0.5;
  options.timeout_s = 20;
  Run run;
  run_file (&run, "zombie-orphan.fsc", &options);
  assert_root_ok (&run);
  g_assert_cmpuint (run.n_lines, ==, 3);
  g_assert_cmpint (line_index (&run, "middle: exiting before my child"), >=, 0);
  g_assert_cmpint (line_index (&run, "main: reaped zombie, exited with code 7"), >=, 0);
  /* The orphan's new parent is the run's reaper (pid 1 inside the run's
   * namespace), printed as the host and the trace number it. */
  FsProcessId reaper = find_process (&run, "fsc-reaper");
  g_assert_cmpint (reaper, !=, FS_PROCESS_NONE);
  g_autofree char *adopted = g_strdup_printf ("orphan: my parent is now pid %d",
                                              fs_trace_process (run.trace, reaper)->pid);
  g_assert_cmpint (line_index (&run, adopted), >=, 0);
  assert_exit (&run, "zombie", FS_EXIT_CODE, 7);
  assert_parent (&run, "orphan", "middle");
  FsProcess *middle = fs_trace_process (run.trace, find_process (&run, "middle"));
  FsProcess *orphan = fs_trace_process (run.trace, find_process (&run, "orphan"));
  FsProcess *zombie = fs_trace_process (run.trace, find_process (&run, "zombie"));
  g_assert_cmpint (middle->end_ns, <, orphan->end_ns);
  /* The zombie stayed one: exited long before it was reaped. */
  g_assert_cmpint (zombie->reap_ns - zombie->end_ns, >=, 20000000);
  run_clear (&run);
}

static void
test_exec (void)
{
  Run run;
  run_file (&run, "exec-sleep.fsc", NULL);
  assert_root_ok (&run);
  const char *expected[] = { "sleeper: about to become /bin/sleep", "main: sleeper exited with code 0", NULL };
  assert_lines (&run, expected);
  FsProcessId sleeper = find_process (&run, "sleeper");
  gsize n_events;
  const FsEvent *events = fs_trace_events (run.trace, &n_events);
  gboolean exec_seen = FALSE;
  for (gsize i = 0; i < n_events; i++)
    if (events[i].kind == FS_EVENT_EXEC && events[i].process == sleeper)
      {
        g_assert_cmpstr (fs_trace_string (run.trace, events[i].u.exec.path), ==, "/bin/sleep");
        const char *const *argv = fs_trace_strv (run.trace, events[i].u.exec.argv);
        g_assert_cmpstr (argv[1], ==, "0.2");
        exec_seen = TRUE;
      }
  g_assert_true (exec_seen);
  FsProcess *p = fs_trace_process (run.trace, sleeper);
  g_assert_cmpint (p->end_ns - p->start_ns, >=, 150000000);
  run_clear (&run);
}

static void
test_timeout (void)
{
  static const char text[] =
    "process main {\n"
    "  fork stuck { setsid\n pause }\n"   /* escapes the process group */
    "  fork stopped { kill self STOP }\n"
    "  pause\n"
    "}\n";
  FsEngineOptions options;
  fs_engine_options_init (&options);
  options.timeout_s = 0.4;
  for (int ns = 0; ns < 2; ns++)
    {
      options.no_namespace = ns == 1;
      Run run;
      run_text (&run, "timeout.fsc", text, sizeof text - 1, &options);
      g_assert_true (run.result.timed_out);
      g_assert_false (run.result.root_finished);
      g_assert_cmpint (fs_engine_result_exit_code (&run.result), ==, 1);
      g_assert_nonnull (strstr (run.result.message, "timed out after 0.4 s"));
      g_assert_cmpfloat (run.seconds, <, 3.0);
      run_clear (&run);
    }
}

static void
test_process_limit (void)
{
  static const char text[] =
    "process main {\n"
    "  repeat 1000 {\n"
    "    fork bomb { pause }\n"
    "  }\n"
    "}\n";
  FsEngineOptions options;
  fs_engine_options_init (&options);
  options.max_processes = 20;
  options.timeout_s = 10;
  Run run;
  run_text (&run, "bomb.fsc", text, sizeof text - 1, &options);
  g_assert_true (run.result.limit_reached);
  g_assert_false (run.result.timed_out);
  g_assert_nonnull (strstr (run.result.message, "more than 20 processes"));
  g_assert_cmpuint (run.result.n_processes, <=, 21);
  g_assert_cmpfloat (run.seconds, <, 5.0);
  run_clear (&run);
}

static gboolean
stop_engine_cb (gpointer data)
{
  fs_engine_request_stop (data);
  return G_SOURCE_REMOVE;
}

static gpointer
stop_later (gpointer data)
{
  g_usleep (200000);
  stop_engine_cb (data);
  return NULL;
}

static void
test_request_stop (void)
{
  static const char text[] = "process main {\n  fork a { sleep 1h }\n  sleep 1h\n}\n";
  g_autoptr (FsScenario) scn = fs_scenario_parse ("stop.fsc", text, sizeof text - 1);
  FsEngineOptions options;
  fs_engine_options_init (&options);
  options.echo_fd = -1;
  g_autoptr (GError) error = NULL;
  FsEngine *engine = fs_engine_new (scn, NULL, &options, &error);
  g_assert_no_error (error);
  GThread *stopper = g_thread_new ("stopper", stop_later, engine);
  FsEngineResult result = { 0 };
  gint64 start = g_get_monotonic_time ();
  g_assert_true (fs_engine_run (engine, &result, &error));
  g_thread_join (stopper);
  g_assert_true (result.stopped);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  Run run = { 0 };
  run.ns_inode = fs_engine_get_namespace (engine);
  run.launcher = fs_engine_get_launcher (engine);
  run.group = fs_engine_get_group (engine);
  run.leftovers = fs_engine_find_leftovers (engine);
  run.result = result;
  assert_nothing_left (&run);
  fs_engine_result_clear (&result);
  fs_engine_free (engine);
}

static void
test_root_exit_status (void)
{
  static const char text[] = "process main {\n  exit 3\n}\n";
  Run run;
  run_text (&run, "exit.fsc", text, sizeof text - 1, NULL);
  g_assert_true (run.result.root_finished);
  g_assert_cmpint (fs_engine_result_exit_code (&run.result), ==, 3);
  run_clear (&run);

  static const char killed[] = "process main {\n  raise TERM\n}\n";
  run_text (&run, "raise.fsc", killed, sizeof killed - 1, NULL);
  g_assert_cmpint (fs_engine_result_exit_code (&run.result), ==, 128 + SIGTERM);
  run_clear (&run);

  static const char aborts[] = "process main {\n  abort\n}\n";
  run_text (&run, "abort.fsc", aborts, sizeof aborts - 1, NULL);
  g_assert_cmpint (fs_engine_result_exit_code (&run.result), ==, 128 + SIGABRT);
  run_clear (&run);
}

static void
test_runtime_errors (void)
{
  /* A failing kill is reported with its source and the run goes on. */
  static const char text[] =
    "process main {\n"
    "  fork gone { exit 0 }\n"
    "  wait gone\n"
    "  wait\n"
    "  exec \"/nonexistent/program\"\n"
    "}\n";
  Run run;
  run_text (&run, "errors.fsc", text, sizeof text - 1, NULL);
  g_assert_true (run.result.root_finished);
  g_assert_cmpint (fs_engine_result_exit_code (&run.result), ==, 127);
  g_assert_cmpuint (run.result.n_errors, ==, 2);  /* wait with no child, exec */
  run_clear (&run);
}

static void
test_sigqueue_values (void)
{
  static const char text[] =
    "process main {\n"
    "  block RTMIN\n"
    "  fork sender {\n"
    "    sigqueue parent RTMIN 7\n"
    "    sigqueue parent RTMIN 8\n"
    "  }\n"
    "  repeat 2 {\n"
    "    sigwait RTMIN\n"
    "    print \"got {signal} value {value}\"\n"
    "  }\n"
    "  wait sender\n"
    "}\n";
  Run run;
  run_text (&run, "queue.fsc", text, sizeof text - 1, NULL);
  assert_root_ok (&run);
  /* Real-time signals queue: both arrive, in order, with their values. */
  const char *expected[] = { "got SIGRTMIN value 7", "got SIGRTMIN value 8", NULL };
  assert_lines (&run, expected);
  run_clear (&run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scenario/engine/fork-basics", test_fork_basics);
  g_test_add_func ("/scenario/engine/sleeping-child", test_sleeping_child);
  g_test_add_func ("/scenario/engine/thread-counter", test_thread_counter);
  g_test_add_func ("/scenario/engine/ordered-results", test_ordered_results);
  g_test_add_func ("/scenario/engine/ordered-results-no-namespace", test_ordered_results_no_namespace);
  g_test_add_func ("/scenario/engine/alarm-timeout", test_alarm_timeout);
  g_test_add_func ("/scenario/engine/job-control", test_job_control);
  g_test_add_func ("/scenario/engine/signal-handler", test_signal_handler);
  g_test_add_func ("/scenario/engine/process-group", test_process_group);
  g_test_add_func ("/scenario/engine/zombie-orphan", test_zombie_orphan);
  g_test_add_func ("/scenario/engine/exec", test_exec);
  g_test_add_func ("/scenario/engine/sigqueue", test_sigqueue_values);
  g_test_add_func ("/scenario/engine/root-exit-status", test_root_exit_status);
  g_test_add_func ("/scenario/engine/runtime-errors", test_runtime_errors);
  g_test_add_func ("/scenario/limits/timeout", test_timeout);
  g_test_add_func ("/scenario/limits/process-limit", test_process_limit);
  g_test_add_func ("/scenario/limits/request-stop", test_request_stop);
  return g_test_run ();
}

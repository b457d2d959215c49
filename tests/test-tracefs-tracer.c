/* The tracefs backend, on real processes (needs root: skipped otherwise). */
#include "tracer/tracer.h"
#include "core/trace-file.h"
#include "tracer/tracefs-tracer.h"
#include "tests/pidns-check.h"
#include "tests/signalfd-check.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static gboolean
need_root (void)
{
  if (geteuid () != 0)
    {
      g_test_skip ("the tracefs tracer needs root");
      return FALSE;
    }
  return TRUE;
}

static gboolean record_no_exec_uprobe;  /* FsTracerOptions.no_exec_uprobe for record_full() */

/* Records argv (or child_main) with the tracefs tracer; returns the finished
 * trace and the root's wait status. */
static FsTrace *
record_full (char **argv, FsChildMain child_main, gpointer child_data, int *root_status,
             void (*while_running) (GPid root))
{
  g_autoptr (GError) error = NULL;
  FsTrace *trace = fs_trace_new ();
  FsRecorder *rec = fs_recorder_new (trace, fs_recorder_now ());
  FsTracerOptions options = { .quiet = TRUE, .no_exec_uprobe = record_no_exec_uprobe };
  FsTracer *tracer = fs_tracer_new (FS_TRACER_TRACEFS, rec, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tracer);

  FsLaunch launch = { .child_main = child_main, .child_data = child_data, .argv = argv };
  GPid pid = 0;
  g_assert_true (fs_tracer_launch (tracer, &launch, &pid, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pid, >, 0);
  if (while_running != NULL)
    while_running (pid);
  int status = -1;
  g_assert_true (fs_tracer_run (tracer, &status, &error));
  g_assert_no_error (error);
  fs_tracer_free (tracer);
  fs_recorder_free (rec);
  g_assert_true (fs_trace_finish (trace, &error));
  g_assert_no_error (error);
  if (root_status != NULL)
    *root_status = status;
  return trace;
}

static FsTrace *
record_command (const char *script, int *root_status)
{
  char *argv[] = { (char *) "/bin/sh", (char *) "-c", (char *) script, NULL };
  return record_full (argv, NULL, NULL, root_status, NULL);
}

static void
dump_trace (FsTrace *trace)
{
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (guint i = 0; i < fs_trace_n_processes (trace); i++)
    {
      FsProcess *p = fs_trace_process (trace, i);
      g_autofree char *st = fs_exit_status_to_string (&p->exit);
      g_test_message ("process %u pid %d parent %d name %s comm %s exit %s", i, p->pid,
                      (int) p->parent, fs_trace_process_name (trace, i),
                      fs_trace_string (trace, p->comm), st);
    }
  for (gsize i = 0; i < n; i++)
    g_test_message ("%" G_GINT64_FORMAT " p%d %s sig %d u %d %d", ev[i].t_ns, (int) ev[i].process,
                    fs_event_kind_name (ev[i].kind), ev[i].signal, (int) ev[i].u.send.target,
                    (int) ev[i].u.deliver.code);
}

static const FsEvent *
find_event (FsTrace *trace, FsEventKind kind, FsProcessId process, int signal)
{
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == kind && (process == FS_PROCESS_NONE || ev[i].process == process)
        && (signal == 0 || ev[i].signal == signal))
      return &ev[i];
  return NULL;
}

static guint
count_events (FsTrace *trace, FsEventKind kind, int signal)
{
  gsize n;
  guint count = 0;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == kind && (signal == 0 || ev[i].signal == signal))
      count++;
  return count;
}

static guint
count_sends_by (FsTrace *trace, FsProcessId sender, int signal)
{
  gsize n;
  guint count = 0;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == FS_EVENT_SIGNAL_SEND && ev[i].process == sender && ev[i].signal == signal)
      count++;
  return count;
}

static FsProcessId
child_of (FsTrace *trace, FsProcessId parent, guint index)
{
  guint n = 0;
  const FsProcessId *children = fs_trace_children (trace, parent, &n);
  g_assert_cmpuint (index, <, n);
  return children[index];
}

static gboolean
instances_of_exist (pid_t pid)
{
  g_auto (GStrv) names = fs_tracefs_list_instances ();
  g_autofree char *prefix = g_strdup_printf ("%s%d", FS_TRACEFS_INSTANCE_PREFIX, pid);
  for (char **n = names; *n != NULL; n++)
    if (g_str_has_prefix (*n, prefix)
        && ((*n)[strlen (prefix)] == '\0' || (*n)[strlen (prefix)] == '-'))
      return TRUE;
  return FALSE;
}

static gboolean
our_instances_exist (void)
{
  return instances_of_exist (getpid ());
}

/* Whether exists (pid) turns FALSE within 3 s: instances and uprobes are
 * removed by a detached helper (or the guardian) right after the run. */
static gboolean
gone_soon (gboolean (*exists) (pid_t), pid_t pid)
{
  for (int i = 0; i < 300; i++)
    {
      if (!exists (pid))
        return TRUE;
      g_usleep (10 * 1000);
    }
  return FALSE;
}

static gboolean
instances_of_gone (pid_t pid)
{
  return gone_soon (instances_of_exist, pid);
}

/* Whether a forkscope uprobe of pid (group forkscope_PID or forkscope_PID_N)
 * is defined. */
static gboolean
uprobes_of_exist (pid_t pid)
{
  g_auto (GStrv) names = fs_tracefs_list_uprobes ();
  g_autofree char *group = g_strdup_printf ("%s%d", FS_TRACEFS_UPROBE_GROUP_PREFIX, pid);
  for (char **n = names; *n != NULL; n++)
    if (g_str_has_prefix (*n, group)
        && ((*n)[strlen (group)] == '/' || (*n)[strlen (group)] == '_'))
      return TRUE;
  return FALSE;
}

/* The uprobe goes after the instances, in the same detached helper. */
static gboolean
uprobes_of_gone (pid_t pid)
{
  return gone_soon (uprobes_of_exist, pid);
}

/* The uprobe exists only where the kernel has uprobes (FS_TRACEFS_NO_UPROBE
 * turns it off). */
static gboolean
uprobes_expected (void)
{
  return g_getenv ("FS_TRACEFS_NO_UPROBE") == NULL
         && g_file_test ("/sys/kernel/tracing/uprobe_events", G_FILE_TEST_EXISTS);
}

/* Under valgrind the tracer defines no uprobe (valgrind would turn its
 * breakpoint into SIGTRAP in our launched child's execve). */
static gboolean
under_valgrind (void)
{
  g_autofree char *maps = NULL;
  return g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL)
         && strstr (maps, "/vgpreload_") != NULL;
}

/* ------------------------------------------------------------- tests */

static void
test_fork_exec_signal (void)
{
  if (!need_root ())
    return;
  int status = -1;
  g_autoptr (FsTrace) trace =
      record_command ("sleep 0.2 & sleep 0.05; kill -USR1 $!; wait", &status);
  dump_trace (trace);

  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  FsProcessId root = child_of (trace, FS_PROCESS_NONE, 0);
  FsProcess *rp = fs_trace_process (trace, root);
  g_assert_cmpint (rp->exit.kind, ==, FS_EXIT_CODE);
  g_assert_cmpint (rp->exit.value, ==, 0);

  /* sh forks the background sleep (and the foreground one). */
  guint n_children = 0;
  fs_trace_children (trace, root, &n_children);
  g_assert_cmpuint (n_children, ==, 2);
  FsProcessId bg = child_of (trace, root, 0);
  g_assert_nonnull (find_event (trace, FS_EVENT_FORK, root, 0));

  const FsEvent *exec = find_event (trace, FS_EVENT_EXEC, bg, 0);
  g_assert_nonnull (exec);
  g_assert_true (g_str_has_suffix (fs_trace_string (trace, exec->u.exec.path), "/sleep"));
  g_assert_cmpstr (fs_trace_string (trace, fs_trace_process (trace, bg)->comm), ==, "sleep");

  const FsEvent *send = find_event (trace, FS_EVENT_SIGNAL_SEND, root, SIGUSR1);
  g_assert_nonnull (send);
  g_assert_cmpint (send->u.send.target_kind, ==, FS_TARGET_PROCESS);
  g_assert_cmpuint (send->u.send.target, ==, bg);
  g_assert_true (send->flags & FS_EVENT_FLAG_QUEUED);

  const FsEvent *deliver = find_event (trace, FS_EVENT_SIGNAL_DELIVER, bg, SIGUSR1);
  g_assert_nonnull (deliver);
  g_assert_cmpint (deliver->u.deliver.action, ==, FS_ACTION_TERMINATE);
  g_assert_cmpuint (deliver->u.deliver.sender, ==, root);

  FsProcess *bp = fs_trace_process (trace, bg);
  g_assert_cmpint (bp->exit.kind, ==, FS_EXIT_SIGNAL);
  g_assert_cmpint (bp->exit.value, ==, SIGUSR1);
  g_assert_cmpint (bp->reap_ns, !=, FS_TIME_NONE);
  const FsEvent *reap = find_event (trace, FS_EVENT_REAP, root, 0);
  g_assert_nonnull (reap);

  /* The foreground sleep exited 0 and was reaped too. */
  FsProcess *fg = fs_trace_process (trace, child_of (trace, root, 1));
  g_assert_cmpint (fg->exit.kind, ==, FS_EXIT_CODE);
  g_assert_cmpint (fg->exit.value, ==, 0);
  g_assert_cmpint (fg->reap_ns, !=, FS_TIME_NONE);
  g_assert_cmpuint (fs_trace_get_meta (trace)->lost_events, ==, 0);
  g_assert_true (instances_of_gone (getpid ()));
}

static void
test_exit_statuses (void)
{
  if (!need_root ())
    return;
  int status = -1;
  g_autoptr (FsTrace) trace = record_command (
      "exec 2>/dev/null; ulimit -c 0; sh -c 'exit 7'; sh -c 'kill -TERM $$'; sh -c 'kill -SEGV $$'; "
      "sh -c 'kill -KILL $$'; exit 3", &status);
  dump_trace (trace);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 3);

  FsProcessId root = child_of (trace, FS_PROCESS_NONE, 0);
  g_assert_cmpint (fs_trace_process (trace, root)->exit.value, ==, 3);
  static const struct { FsExitKind kind; int value; } expected[] = {
    { FS_EXIT_CODE, 7 }, { FS_EXIT_SIGNAL, SIGTERM }, { FS_EXIT_SIGNAL, SIGSEGV },
    { FS_EXIT_SIGNAL, SIGKILL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      FsProcess *p = fs_trace_process (trace, child_of (trace, root, i));
      g_assert_cmpint (p->exit.kind, ==, expected[i].kind);
      g_assert_cmpint (p->exit.value, ==, expected[i].value);
      g_assert_cmpint (p->exit.core, ==, 0);
      g_assert_cmpint (p->reap_ns, !=, FS_TIME_NONE);
    }
  /* The group-exit SIGKILL the kernel turns a fatal SIGTERM into is shown as
   * the SIGTERM it stands for. */
  FsProcessId termed = child_of (trace, root, 1);
  const FsEvent *d = find_event (trace, FS_EVENT_SIGNAL_DELIVER, termed, 0);
  g_assert_nonnull (d);
  g_assert_cmpint (d->signal, ==, SIGTERM);
  g_assert_cmpint (d->u.deliver.action, ==, FS_ACTION_TERMINATE);
  g_assert_cmpuint (d->u.deliver.sender, ==, termed);
}

/* ---- child_main scenarios: sigwait, waitid, threads, group kill */

static void *
idle_thread (void *data)
{
  (void) data;
  return NULL;
}

static void
sigwait_main (gpointer data)
{
  sigset_t set;
  siginfo_t info;
  (void) data;

  sigemptyset (&set);
  sigaddset (&set, SIGUSR2);
  sigprocmask (SIG_BLOCK, &set, NULL);

  pthread_t thread;
  if (pthread_create (&thread, NULL, idle_thread, NULL) == 0)
    pthread_join (thread, NULL);

  pid_t child = fork ();
  if (child == 0)
    {
      kill (getppid (), SIGUSR2);
      _exit (4);
    }
  if (sigwaitinfo (&set, &info) != SIGUSR2)
    _exit (90);
  siginfo_t wi;
  memset (&wi, 0, sizeof wi);
  if (waitid (P_ALL, 0, &wi, WEXITED) < 0 || wi.si_pid != child)
    _exit (91);

  /* A group of two, signalled as a group. */
  pid_t a = fork ();
  if (a == 0)
    {
      setpgid (0, 0);
      pause ();
      _exit (0);
    }
  setpgid (a, a);
  pid_t b = fork ();
  if (b == 0)
    {
      setpgid (0, a);
      pause ();
      _exit (0);
    }
  setpgid (b, a);
  usleep (50000);
  kill (-a, SIGHUP);
  int st;
  waitpid (a, &st, 0);
  waitpid (b, &st, 0);
  _exit (5);
}

static void
test_sigwait_waitid_threads_group (void)
{
  if (!need_root ())
    return;
  int status = -1;
  g_autoptr (FsTrace) trace = record_full (NULL, sigwait_main, NULL, &status, NULL);
  dump_trace (trace);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 5);

  /* The thread is a thread of the root, not a process. */
  FsProcessId root = child_of (trace, FS_PROCESS_NONE, 0);
  FsProcess *rp = fs_trace_process (trace, root);
  g_assert_nonnull (rp->threads);
  g_assert_cmpuint (rp->threads->len, ==, 1);
  guint n_children = 0;
  fs_trace_children (trace, root, &n_children);
  g_assert_cmpuint (n_children, ==, 3);

  /* The signal consumed by sigwaitinfo, with its sender. */
  FsProcessId sender = child_of (trace, root, 0);
  const FsEvent *d = find_event (trace, FS_EVENT_SIGNAL_DELIVER, root, SIGUSR2);
  g_assert_nonnull (d);
  g_assert_cmpint (d->u.deliver.action, ==, FS_ACTION_SIGWAIT);
  g_assert_cmpuint (d->u.deliver.sender, ==, sender);

  /* The child reaped by waitid(P_ALL) with its exit code. */
  FsProcess *sp = fs_trace_process (trace, sender);
  g_assert_cmpint (sp->exit.kind, ==, FS_EXIT_CODE);
  g_assert_cmpint (sp->exit.value, ==, 4);
  g_assert_cmpint (sp->reap_ns, !=, FS_TIME_NONE);

  /* One send to the group, two deliveries. */
  const FsEvent *gs = find_event (trace, FS_EVENT_SIGNAL_SEND, root, SIGHUP);
  g_assert_nonnull (gs);
  g_assert_cmpint (gs->u.send.target_kind, ==, FS_TARGET_GROUP);
  g_assert_cmpint (fs_trace_process (trace, child_of (trace, root, 1))->pgid, ==,
                   (int) gs->u.send.target);
  g_assert_cmpint (fs_trace_process (trace, child_of (trace, root, 2))->pgid, ==,
                   (int) gs->u.send.target);
  g_assert_cmpuint (count_sends_by (trace, root, SIGHUP), ==, 1);
  for (guint i = 1; i <= 2; i++)
    {
      g_assert_nonnull (find_event (trace, FS_EVENT_SIGNAL_DELIVER, child_of (trace, root, i),
                                    SIGHUP));
      FsProcess *p = fs_trace_process (trace, child_of (trace, root, i));
      g_assert_cmpint (p->exit.kind, ==, FS_EXIT_SIGNAL);
      g_assert_cmpint (p->exit.value, ==, SIGHUP);
    }
}

/* ---- a signal from outside the tree */

static gpointer
outside_kill_thread (gpointer data)
{
  GPid root = GPOINTER_TO_INT (data);
  g_autofree char *cmd = g_strdup_printf ("kill -USR1 %d", root);
  char *argv[] = { (char *) "/bin/sh", (char *) "-c", cmd, NULL };
  g_autoptr (GError) error = NULL;
  int wait_status = 0;

  g_usleep (300 * 1000);
  g_assert_true (our_instances_exist ());
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &wait_status,
                &error);
  g_assert_no_error (error);
  return NULL;
}

static GThread *outside_thread;

static void
start_outside_kill (GPid root)
{
  outside_thread = g_thread_new ("outside", outside_kill_thread, GINT_TO_POINTER (root));
}

static void
test_outside_sender (void)
{
  if (!need_root ())
    return;
  char *argv[] = { (char *) "/bin/sh", (char *) "-c",
                   (char *) "trap 'exit 3' USR1; while :; do sleep 0.05; done", NULL };
  int status = -1;
  g_autoptr (FsTrace) trace = record_full (argv, NULL, NULL, &status, start_outside_kill);
  g_thread_join (outside_thread);
  dump_trace (trace);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 3);

  FsProcessId root = FS_PROCESS_NONE;
  const FsEvent *send = NULL;
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == FS_EVENT_SIGNAL_SEND && ev[i].signal == SIGUSR1)
      send = &ev[i];
  g_assert_nonnull (send);
  /* The sender is the untraced shell, shown as an outside process. */
  g_assert_cmpuint (send->process, !=, FS_PROCESS_KERNEL);
  FsProcess *sender = fs_trace_process (trace, send->process);
  g_assert_true (sender->flags & FS_PROCESS_FLAG_ATTACHED);
  g_assert_cmpstr (fs_trace_string (trace, sender->comm), ==, "sh");
  for (guint i = 0; i < fs_trace_n_processes (trace); i++)
    if (fs_trace_process (trace, i)->parent == FS_PROCESS_NONE
        && !(fs_trace_process (trace, i)->flags & FS_PROCESS_FLAG_ATTACHED))
      root = i;
  g_assert_cmpuint (send->u.send.target, ==, root);
  const FsEvent *d = find_event (trace, FS_EVENT_SIGNAL_DELIVER, root, SIGUSR1);
  g_assert_nonnull (d);
  g_assert_cmpint (d->u.deliver.action, ==, FS_ACTION_HANDLER);
  g_assert_cmpuint (d->u.deliver.sender, ==, send->process);
  /* Only one send: no duplicate from the tree's own instance. */
  g_assert_cmpuint (count_events (trace, FS_EVENT_SIGNAL_SEND, SIGUSR1), ==, 1);
}

/* ---- the copier keeps off the CPU the tree keeps busy */

static gint copier_left_cpu0;   /* atomic: seen with CPU 0 out of its affinity */
static gint copier_watch_stop;  /* atomic */

static pid_t
copier_tid (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/comm", name);
      g_autofree char *comm = NULL;
      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_has_prefix (comm, "fs-tracefs-copy"))
        return (pid_t) atoi (name);
    }
  return 0;
}

static gpointer
copier_watch_thread (gpointer data)
{
  (void) data;
  while (!g_atomic_int_get (&copier_watch_stop))
    {
      cpu_set_t set;
      pid_t tid = copier_tid ();
      if (tid > 0 && sched_getaffinity (tid, sizeof set, &set) == 0 && !CPU_ISSET (0, &set)
          && CPU_COUNT (&set) > 0)
        g_atomic_int_set (&copier_left_cpu0, 1);
      g_usleep (10 * 1000);
    }
  return NULL;
}

static GThread *copier_watch;

static void
start_copier_watch (GPid root)
{
  (void) root;
  copier_watch = g_thread_new ("watch", copier_watch_thread, NULL);
}

static void
test_copier_leaves_the_trees_cpu (void)
{
  if (!need_root ())
    return;
  cpu_set_t before, after;
  g_assert_cmpint (sched_getaffinity (0, sizeof before, &before), ==, 0);
  if (CPU_COUNT (&before) < 2 || !CPU_ISSET (0, &before))
    {
      g_test_skip ("needs CPU 0 and another CPU");
      return;
    }
  /* Some 60,000 events, all written on CPU 0. */
  char *argv[] = { (char *) "taskset", (char *) "-c", (char *) "0", (char *) "/bin/sh", (char *) "-c",
                   (char *) "trap : USR1; i=0; while [ $i -lt 20000 ]; do kill -USR1 $$; "
                            "i=$((i + 1)); done", NULL };
  g_autofree char *taskset = g_find_program_in_path ("taskset");
  if (taskset == NULL)
    {
      g_test_skip ("taskset (util-linux) is not installed");
      return;
    }
  g_atomic_int_set (&copier_left_cpu0, 0);
  g_atomic_int_set (&copier_watch_stop, 0);
  int status = -1;
  argv[0] = taskset;
  g_autoptr (FsTrace) trace = record_full (argv, NULL, NULL, &status, start_copier_watch);
  g_atomic_int_set (&copier_watch_stop, 1);
  g_thread_join (copier_watch);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (count_events (trace, FS_EVENT_SIGNAL_DELIVER, SIGUSR1), ==, 20000);
  g_assert_true (g_atomic_int_get (&copier_left_cpu0));
  /* The run thread (this one) went along, and has its affinity back. */
  g_assert_cmpint (sched_getaffinity (0, sizeof after, &after), ==, 0);
  g_assert_true (CPU_EQUAL (&before, &after));
}

/* ---- exec argv */

static const char *const *
exec_argv (FsTrace *trace, const FsEvent *ev)
{
  return ev->u.exec.argv == FS_STRV_NONE ? NULL : fs_trace_strv (trace, ev->u.exec.argv);
}

/* A burst of programs that end at once, beside two busy loops: the run
 * thread yields to them, so /proc/PID/cmdline is mostly gone when an exec
 * is handled; the uprobe fetched every argv before the exec.  (With
 * FS_TRACEFS_NO_UPROBE=1 this test fails: most argv are missing.) */
static void
test_exec_argv_short_lived (void)
{
  if (!need_root ())
    return;
  if (under_valgrind ())
    {
      g_test_skip ("no execve uprobe under valgrind");
      return;
    }
  int status = -1;
  g_autoptr (FsTrace) trace =
      record_command ("yes > /dev/null & y1=$!; yes > /dev/null & y2=$!; i=0; "
                      "while [ $i -lt 200 ]; do /bin/true a$i b$i; i=$((i+1)); done; "
                      "/usr/bin/env -i /bin/true c2; kill $y1 $y2", &status);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  /* The 200 /bin/true a$i b$i in order, then env's /bin/true c2. */
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  guint n_true = 0, n_missing = 0;
  gboolean env_seen = FALSE;
  for (gsize i = 0; i < n; i++)
    {
      if (ev[i].kind != FS_EVENT_EXEC)
        continue;
      const char *path = fs_trace_string (trace, ev[i].u.exec.path);
      const char *const *argv = exec_argv (trace, &ev[i]);
      g_autofree char *a = g_strdup_printf ("a%u", n_true);
      g_autofree char *b = g_strdup_printf ("b%u", n_true);
      const char *const expected_true[] = { "/bin/true", a, b, NULL };
      const char *const expected_last[] = { "/bin/true", "c2", NULL };
      const char *const expected_env[] = { "/usr/bin/env", "-i", "/bin/true", "c2", NULL };
      const char *const *expected = NULL;
      if (g_str_equal (path, "/bin/true"))
        expected = n_true++ < 200 ? expected_true : expected_last;
      else if (g_str_equal (path, "/usr/bin/env"))
        {
          expected = expected_env;
          env_seen = TRUE;
        }
      if (argv == NULL)
        {
          g_test_message ("exec of %s without argv", path);
          n_missing++;
        }
      else if (expected != NULL)
        g_assert_true (g_strv_equal (argv, expected));
    }
  g_test_message ("%u execs of /bin/true, %u execs without argv", n_true, n_missing);
  g_assert_cmpuint (n_missing, ==, 0);
  g_assert_cmpuint (n_true, ==, 201);
  g_assert_true (env_seen);
}

static void *
exec_from_thread (void *data)
{
  (void) data;
  char *argv[] = { (char *) "/bin/true", (char *) "from", (char *) "a thread", NULL };
  execv (argv[0], argv);
  _exit (127);
}

/* The traced child execs from a second thread: the exec event names the
 * calling thread in old_pid, and the uprobe's record (made by that thread)
 * is matched through it. */
static void
exec_thread_main (gpointer data)
{
  (void) data;
  pthread_t thread;
  if (pthread_create (&thread, NULL, exec_from_thread, NULL) != 0)
    _exit (126);
  pthread_join (thread, NULL);
  _exit (125);
}

static void
test_exec_argv_thread (void)
{
  if (!need_root ())
    return;
  if (under_valgrind ())
    {
      g_test_skip ("no execve uprobe under valgrind");
      return;
    }
  int status = -1;
  g_autoptr (FsTrace) trace = record_full (NULL, exec_thread_main, NULL, &status, NULL);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  FsProcessId root = child_of (trace, FS_PROCESS_NONE, 0);
  const FsEvent *exec = find_event (trace, FS_EVENT_EXEC, root, 0);
  g_assert_nonnull (exec);
  g_assert_cmpstr (fs_trace_string (trace, exec->u.exec.path), ==, "/bin/true");
  const char *const expected[] = { "/bin/true", "from", "a thread", NULL };
  const char *const *argv = exec_argv (trace, exec);
  g_assert_nonnull (argv);
  g_assert_true (g_strv_equal (argv, expected));
}

static guint64
kernel_taint (void)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/sys/kernel/tainted", &text, NULL, NULL))
    return 0;
  return g_ascii_strtoull (text, NULL, 10);
}

/* Beyond what the uprobe fetches (16 arguments of up to 127 bytes; here 24
 * of 300, over 7 KiB in all): no kernel warning, the exec is recorded, and
 * its argv is either whole (completed from /proc) or cut where marked. */
static void
test_exec_argv_long (void)
{
  if (!need_root ())
    return;
  if (under_valgrind ())
    {
      g_test_skip ("no execve uprobe under valgrind");
      return;
    }
  const guint64 taint_warn = 1u << 9;
  guint64 taint_before = kernel_taint ();
  GString *script = g_string_new ("/bin/true");
  g_autoptr (GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (expected, g_strdup ("/bin/true"));
  for (int k = 1; k < 24; k++)
    {
      char *arg = g_strnfill (300, (char) ('a' + k % 26));
      g_string_append_printf (script, " %s", arg);
      g_ptr_array_add (expected, arg);
    }
  g_ptr_array_add (expected, NULL);
  g_autofree char *text = g_string_free (script, FALSE);
  g_autoptr (FsTrace) trace = record_command (text, NULL);
  g_assert_true ((kernel_taint () & taint_warn) == (taint_before & taint_warn));

  const FsEvent *exec = NULL;
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == FS_EVENT_EXEC && g_str_equal (fs_trace_string (trace, ev[i].u.exec.path),
                                                    "/bin/true"))
      exec = &ev[i];
  g_assert_nonnull (exec);
  const char *const *argv = exec_argv (trace, exec);
  const char *const *want = (const char *const *) expected->pdata;
  g_assert_nonnull (argv);
  if (g_strv_equal (argv, want))
    return;
  /* Cut: the first 16 arguments, each whole or a marked prefix, then "…". */
  guint len = g_strv_length ((char **) argv);
  g_assert_cmpuint (len, ==, 17);
  g_assert_cmpstr (argv[16], ==, "\u2026");
  g_assert_cmpstr (argv[0], ==, "/bin/true");
  for (guint k = 1; k < 16; k++)
    {
      g_autofree char *prefix = g_strndup (argv[k], 128);
      g_assert_true (g_str_has_suffix (argv[k], "\u2026"));
      g_assert_true (g_str_has_prefix (want[k], prefix));
      g_assert_cmpuint (strlen (argv[k]), ==, 128 + strlen ("\u2026"));
    }
}

/* --no-exec-uprobe: no uprobe is defined while recording (and one is
 * without it: the same check must be able to see it). */
static gint uprobe_seen_while_running;

static void
note_uprobe_while_running (GPid root)
{
  (void) root;
  for (int i = 0; i < 100 && !our_instances_exist (); i++)
    g_usleep (5 * 1000);
  g_usleep (100 * 1000);  /* the uprobe is defined in a thread during set-up */
  g_atomic_int_set (&uprobe_seen_while_running, uprobes_of_exist (getpid ()));
}

static void
test_no_exec_uprobe_option (void)
{
  if (!need_root ())
    return;
  if (g_getenv ("FS_TRACEFS_NO_UPROBE") != NULL || under_valgrind ())
    {
      g_test_skip ("no uprobe is defined here anyway");
      return;
    }
  char *argv[] = { (char *) "/bin/sh", (char *) "-c", (char *) "sleep 0.4", NULL };
  for (int off = 0; off <= 1; off++)
    {
      record_no_exec_uprobe = off;
      g_atomic_int_set (&uprobe_seen_while_running, -1);
      g_autoptr (FsTrace) trace = record_full (argv, NULL, NULL, NULL, note_uprobe_while_running);
      record_no_exec_uprobe = FALSE;
      g_assert_cmpint (g_atomic_int_get (&uprobe_seen_while_running), ==, off ? 0 : 1);
    }
}

/* ---- the top level and other instances are left alone */

static char *
read_tracefs (const char *file)
{
  g_autoptr (GError) error = NULL;
  const char *dir = fs_tracefs_tracing_dir (&error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* Inside a PID namespace: the numbers learned from clone's return. */
static void
test_pid_namespace (void)
{
  if (!need_root () || !fs_test_pidns_usable ())
    return;
  int status = -1;
  g_autoptr (FsTrace) trace = record_full ((char **) fs_test_pidns_argv, NULL, NULL, &status, NULL);
  dump_trace (trace);
  fs_test_pidns_check (trace);
}

/* Signals read from a signalfd, once the tracer has handled the signalfd's
 * creation (the reader waits 300 ms): deliveries with the senders of the
 * pending generations (docs/tracers.md, "Signals read from a signalfd"). */
static void
test_signalfd (void)
{
  if (!need_root ())
    return;
  const char *reader = fs_test_signalfd_reader ();
  if (reader == NULL)
    return;
  char *argv[] = { (char *) reader, (char *) "300", NULL };
  int status = -1;
  g_autoptr (FsTrace) trace = record_full (argv, NULL, NULL, &status, NULL);
  dump_trace (trace);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  fs_test_signalfd_check (trace, TRUE);
}

/* A read at once, before the tracer has handled the signalfd's creation,
 * is missed: the sends are there, queued, and no wrong delivery is made up. */
static void
test_signalfd_read_at_once (void)
{
  if (!need_root ())
    return;
  const char *reader = fs_test_signalfd_reader ();
  if (reader == NULL)
    return;
  char *argv[] = { (char *) reader, NULL };
  int status = -1;
  g_autoptr (FsTrace) trace = record_full (argv, NULL, NULL, &status, NULL);
  dump_trace (trace);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  guint n = 0;
  const FsProcessId *roots = fs_trace_children (trace, FS_PROCESS_NONE, &n);
  g_assert_cmpuint (n, ==, 1);
  FsProcessId parent = roots[0];
  const FsProcessId *children = fs_trace_children (trace, parent, &n);
  g_assert_cmpuint (n, ==, 1);

  guint n_sent = 0;
  gsize n_events;
  const FsEvent *ev = fs_trace_events (trace, &n_events);
  for (gsize i = 0; i < n_events; i++)
    {
      if (ev[i].signal != SIGUSR1 && ev[i].signal != SIGTERM)
        continue;
      if (ev[i].kind == FS_EVENT_SIGNAL_DELIVER)
        {
          g_assert_cmpint (ev[i].u.deliver.action, ==, FS_ACTION_SIGNALFD);
          g_assert_cmpuint (ev[i].u.deliver.sender, ==, children[0]);
          continue;
        }
      g_assert_cmpint (ev[i].kind, ==, FS_EVENT_SIGNAL_SEND);
      g_assert_cmpuint (ev[i].process, ==, children[0]);
      g_assert_cmpuint (ev[i].u.send.target, ==, parent);
      g_assert_true (ev[i].flags & FS_EVENT_FLAG_QUEUED);
      n_sent++;
    }
  g_assert_cmpuint (n_sent, ==, 3);
}

/* A read of a signalfd that fails (EAGAIN: nothing pending) has no exit
 * event under the read filter; a later read of another file by the same
 * thread must not be taken for a read of the signalfd and "take" the signal
 * that is pending meanwhile (it stays pending: the program never reads it). */
static void
signalfd_failed_read_main (gpointer data)
{
  (void) data;
  sigset_t mask;
  sigemptyset (&mask);
  sigaddset (&mask, SIGUSR1);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  int sfd = signalfd (-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sfd < 0)
    _exit (90);
  usleep (300 * 1000);  /* the tracer has enabled the read events */
  struct signalfd_siginfo rec;
  if (read (sfd, &rec, sizeof rec) != -1 || errno != EAGAIN)
    _exit (91);
  kill (getpid (), SIGUSR1);
  int fd = open ("/proc/self/status", O_RDONLY | O_CLOEXEC);
  char buf[4096];
  if (fd < 0 || read (fd, buf, sizeof buf) < (ssize_t) sizeof rec)
    _exit (92);
  _exit (0);
}

static void
test_signalfd_failed_read (void)
{
  if (!need_root ())
    return;
  int status = -1;
  g_autoptr (FsTrace) trace = record_full (NULL, signalfd_failed_read_main, NULL, &status, NULL);
  dump_trace (trace);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  FsProcessId root = child_of (trace, FS_PROCESS_NONE, 0);
  g_assert_nonnull (find_event (trace, FS_EVENT_SIGNAL_SEND, root, SIGUSR1));
  g_assert_null (find_event (trace, FS_EVENT_SIGNAL_DELIVER, root, SIGUSR1));
}

static void
test_top_level_untouched (void)
{
  if (!need_root ())
    return;
  static const char *const files[] = {
    "tracing_on", "set_event", "current_tracer", "set_event_pid", "set_event_notrace_pid",
    "trace_clock", "buffer_size_kb", "options/event-fork", "events/signal/signal_generate/filter",
    "events/signal/signal_generate/enable",
  };
  g_autoptr (GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    g_ptr_array_add (before, read_tracefs (files[i]));

  g_autoptr (FsTrace) trace = record_command ("true", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *after = read_tracefs (files[i]);
      g_assert_cmpstr (after, ==, g_ptr_array_index (before, i));
    }
  g_assert_true (instances_of_gone (getpid ()));
  /* Nor is the execve uprobe left behind. */
  g_assert_true (uprobes_of_gone (getpid ()));
}

/* ---- stale instances */

/* Appends (never truncates: that would remove every uprobe) a command. */
static gboolean
append_uprobe_events (const char *file, const char *command)
{
  int fd = open (file, O_WRONLY | O_APPEND);
  if (fd < 0)
    return FALSE;
  gboolean ok = write (fd, command, strlen (command)) == (ssize_t) strlen (command);
  close (fd);
  return ok;
}

static void
test_stale_instances (void)
{
  if (!need_root ())
    return;
  g_autoptr (GError) error = NULL;
  const char *dir = fs_tracefs_tracing_dir (&error);
  g_assert_no_error (error);

  /* A pid that surely is dead: a child we reaped. */
  pid_t dead = fork ();
  if (dead == 0)
    _exit (0);
  waitpid (dead, NULL, 0);
  g_autofree char *stale = g_strdup_printf ("%s/instances/%s%d", dir,
                                            FS_TRACEFS_INSTANCE_PREFIX, dead);
  g_autofree char *stale_ext = g_strdup_printf ("%s-ext", stale);
  /* pid 1 lives; an instance that is not ours at all. */
  g_autofree char *alive = g_strdup_printf ("%s/instances/%s1-test", dir,
                                            FS_TRACEFS_INSTANCE_PREFIX);
  g_autofree char *foreign = g_strdup_printf ("%s/instances/not-forkscope-%d", dir, dead);
  g_assert_cmpint (mkdir (stale, 0755), ==, 0);
  g_assert_cmpint (mkdir (stale_ext, 0755), ==, 0);
  g_assert_cmpint (mkdir (alive, 0755), ==, 0);
  g_assert_cmpint (mkdir (foreign, 0755), ==, 0);
  /* The same for uprobes (never enabled, so anywhere in a file will do):
   * a dead forkscope's, a live pid's (pid 1) and someone else's. */
  g_autofree char *uprobe_events = g_build_filename (dir, "uprobe_events", NULL);
  gboolean with_uprobes = g_file_test (uprobe_events, G_FILE_TEST_EXISTS);
  g_autofree char *stale_uprobe = g_strdup_printf ("%s%d/execve", FS_TRACEFS_UPROBE_GROUP_PREFIX,
                                                   dead);
  g_autofree char *alive_uprobe = g_strdup_printf ("%s1_7/execve", FS_TRACEFS_UPROBE_GROUP_PREFIX);
  g_autofree char *foreign_uprobe = g_strdup_printf ("notforkscope_%d/execve", dead);
  const char *const uprobes[] = { stale_uprobe, alive_uprobe, foreign_uprobe };
  for (gsize i = 0; with_uprobes && i < G_N_ELEMENTS (uprobes); i++)
    {
      g_autofree char *define = g_strdup_printf ("p:%s /bin/true:0x0\n", uprobes[i]);
      g_assert_true (append_uprobe_events (uprobe_events, define));
    }

  g_autoptr (FsTrace) trace = record_command ("true", NULL);

  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stale_ext, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (alive, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (foreign, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (rmdir (alive), ==, 0);
  g_assert_cmpint (rmdir (foreign), ==, 0);
  if (with_uprobes)
    {
      g_assert_true (uprobes_of_gone (dead));
      g_autofree char *defined = read_tracefs ("uprobe_events");
      g_assert_nonnull (strstr (defined, alive_uprobe));
      g_assert_nonnull (strstr (defined, foreign_uprobe));
      for (gsize i = 1; i < G_N_ELEMENTS (uprobes); i++)
        {
          g_autofree char *remove = g_strdup_printf ("-:%s\n", uprobes[i]);
          g_assert_true (append_uprobe_events (uprobe_events, remove));
        }
    }
}

/* ---- SIGTERM of the recorder */

static FsTracer *sigterm_tracer;

static void
on_sigterm (int sig)
{
  (void) sig;
  fs_tracer_request_stop (sigterm_tracer);
}

static void
test_sigterm_cleans_up (void)
{
  if (!need_root ())
    return;
  int ready[2];
  g_assert_cmpint (pipe (ready), ==, 0);
  pid_t recorder = fork ();
  g_assert_cmpint (recorder, >=, 0);
  if (recorder == 0)
    {
      g_autoptr (GError) error = NULL;
      FsTrace *trace = fs_trace_new ();
      FsRecorder *rec = fs_recorder_new (trace, fs_recorder_now ());
      FsTracerOptions options = { .quiet = TRUE };
      sigterm_tracer = fs_tracer_new (FS_TRACER_TRACEFS, rec, &options, &error);
      if (sigterm_tracer == NULL)
        _exit (10);
      struct sigaction sa = { .sa_handler = on_sigterm };
      sigaction (SIGTERM, &sa, NULL);
      char *argv[] = { (char *) "sleep", (char *) "30", NULL };
      FsLaunch launch = { .argv = argv };
      GPid pid;
      if (!fs_tracer_launch (sigterm_tracer, &launch, &pid, &error))
        _exit (11);
      if (write (ready[1], &pid, sizeof pid) != sizeof pid)
        _exit (12);
      int status;
      if (!fs_tracer_run (sigterm_tracer, &status, &error))
        _exit (13);
      fs_tracer_free (sigterm_tracer);
      fs_recorder_free (rec);
      g_object_unref (trace);
      _exit (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL ? 0 : 14);
    }
  close (ready[1]);
  GPid sleeper = 0;
  g_assert_cmpint (read (ready[0], &sleeper, sizeof sleeper), ==, sizeof sleeper);
  close (ready[0]);

  g_assert_true (instances_of_exist (recorder));

  g_assert_cmpint (kill (recorder, SIGTERM), ==, 0);
  int status = -1;
  g_assert_cmpint (waitpid (recorder, &status, 0), ==, recorder);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (instances_of_gone (recorder));
  /* The traced sleep was killed and reaped, not left behind. */
  g_assert_cmpint (kill (sleeper, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

/* ---- SIGTERM of forkscope-cli record */

/* The process guard needs a cgroup2 hierarchy: without one, only the
 * recorded command itself (PDEATHSIG) ends with forkscope. */
static gboolean
have_cgroup2 (void)
{
  g_autofree char *mounts = NULL;
  if (g_file_get_contents ("/proc/self/mountinfo", &mounts, NULL, NULL)
      && strstr (mounts, " - cgroup2 ") != NULL)
    return TRUE;
  g_test_message ("no cgroup2 hierarchy: the grandchild is not checked");
  return FALSE;
}

/* TRUE when pid is gone or only a zombie waiting for init. */
static gboolean
dead_or_zombie (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return TRUE;
  const char *close_paren = strrchr (stat, ')');
  return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

/* Asserts pid dies within 3 s (killing it if not, so nothing is left). */
static void
assert_dies_soon (GPid pid)
{
  gboolean dead = FALSE;
  for (int i = 0; i < 300 && !(dead = dead_or_zombie (pid)); i++)
    g_usleep (10 * 1000);
  if (!dead)
    kill (pid, SIGKILL);
  g_assert_true (dead);
}


/* A `forkscope-cli record --tracer=tracefs` of a shell that starts a
 * background `sleep 30`, writes both pids and execs `sleep 30`.  FALSE (test
 * skipped) when it cannot run here. */
typedef struct {
  char *dir, *out, *pid_file;
  GPid recorder, sleeper, grandchild;
} CliRecording;

/* A recorded command's tree ends with a killed or crashed forkscope. */
static void
assert_recorded_tree_dies (const CliRecording *rec)
{
  assert_dies_soon (rec->sleeper);
  if (have_cgroup2 ())
    assert_dies_soon (rec->grandchild);
}

static gboolean
cli_recording_start (CliRecording *rec)
{
  memset (rec, 0, sizeof *rec);
  if (!need_root ())
    return FALSE;
  const char *build = g_getenv ("FS_BUILD_ROOT");
  g_autofree char *cli = g_build_filename (build != NULL ? build : ".", "app", "forkscope-cli",
                                           NULL);
  if (!g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("forkscope-cli is not built");
      return FALSE;
    }
  g_autoptr (GError) error = NULL;
  rec->dir = g_dir_make_tmp ("forkscope-tracefs-XXXXXX", &error);
  g_assert_no_error (error);
  rec->out = g_build_filename (rec->dir, "t.fstrace", NULL);
  rec->pid_file = g_build_filename (rec->dir, "pid", NULL);
  /* The pids are written first, so that we can check they are gone after. */
  const char *argv[] = { cli, "record", "-q", "--tracer=tracefs", "-o", rec->out, "--", "/bin/sh",
                         "-c", "sleep 30 & echo $$ $! > \"$0.new\"; mv \"$0.new\" \"$0\"; "
                         "exec sleep 30", rec->pid_file, NULL };
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &rec->recorder, &error));
  g_assert_no_error (error);

  g_autofree char *pid_text = NULL;
  for (int i = 0; i < 500 && !g_file_get_contents (rec->pid_file, &pid_text, NULL, NULL); i++)
    g_usleep (10 * 1000);
  g_assert_nonnull (pid_text);
  char *end = NULL;
  rec->sleeper = (GPid) g_ascii_strtoll (pid_text, &end, 10);
  rec->grandchild = (GPid) g_ascii_strtoll (end, NULL, 10);
  g_assert_cmpint (rec->sleeper, >, 0);
  g_assert_cmpint (rec->grandchild, >, 0);
  return TRUE;
}

static void
cli_recording_clear (CliRecording *rec)
{
  g_unlink (rec->out);
  g_unlink (rec->pid_file);
  g_rmdir (rec->dir);
  g_free (rec->out);
  g_free (rec->pid_file);
  g_free (rec->dir);
}

static void
test_cli_sigkill (void)
{
  /* forkscope killed outright: neither the recorded command nor what it
   * forked may outlive it (ptrace has EXITKILL; here the command has
   * PDEATHSIG and its cgroup a guardian), and the guardian removes its
   * instances and uprobe without waiting for the next start. */
  CliRecording rec;
  if (!cli_recording_start (&rec))
    return;

  gboolean had_uprobe = uprobes_of_exist (rec.recorder);
  g_assert_true (had_uprobe || !uprobes_expected ());
  g_assert_cmpint (kill (rec.recorder, SIGKILL), ==, 0);
  int status = -1;
  g_assert_cmpint (waitpid (rec.recorder, &status, 0), ==, rec.recorder);
  assert_recorded_tree_dies (&rec);
  g_assert_true (instances_of_gone (rec.recorder));
  g_assert_true (uprobes_of_gone (rec.recorder));
  cli_recording_clear (&rec);
}

static void
test_cli_crash (void)
{
  /* forkscope crashing: it removes its instances on the way down (no stale
   * instance left for the next start) and dies of the same signal; the
   * recorded tree goes with it. */
  CliRecording rec;
  if (!cli_recording_start (&rec))
    return;
  g_assert_true (instances_of_exist (rec.recorder));
  g_assert_true (uprobes_of_exist (rec.recorder) || !uprobes_expected ());
  g_assert_cmpint (kill (rec.recorder, SIGSEGV), ==, 0);
  int status = -1;
  g_assert_cmpint (waitpid (rec.recorder, &status, 0), ==, rec.recorder);
  /* A sanitizer build reports the SEGV and exits instead. */
  g_assert_true ((WIFSIGNALED (status) && WTERMSIG (status) == SIGSEGV)
                 || (WIFEXITED (status) && WEXITSTATUS (status) != 0));
  g_assert_false (instances_of_exist (rec.recorder));
  g_assert_false (uprobes_of_exist (rec.recorder));
  assert_recorded_tree_dies (&rec);
  cli_recording_clear (&rec);
}

static void
test_cli_sigterm (void)
{
  CliRecording rec;
  if (!cli_recording_start (&rec))
    return;
  g_autoptr (GError) error = NULL;
  g_assert_true (instances_of_exist (rec.recorder));

  g_assert_cmpint (kill (rec.recorder, SIGTERM), ==, 0);
  int status = -1;
  g_assert_cmpint (waitpid (rec.recorder, &status, 0), ==, rec.recorder);
  g_assert_true (instances_of_gone (rec.recorder));
  g_assert_cmpint (kill (rec.sleeper, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
  assert_dies_soon (rec.grandchild);

  /* The trace is complete up to the kill. */
  g_autofree char *warning = NULL;
  g_autoptr (FsTrace) trace = fs_trace_load (rec.out, &warning, &error);
  g_assert_no_error (error);
  FsProcess *root = fs_trace_process (trace, child_of (trace, FS_PROCESS_NONE, 0));
  g_assert_cmpint (root->exit.kind, ==, FS_EXIT_SIGNAL);
  g_assert_cmpint (root->exit.value, ==, SIGKILL);
  cli_recording_clear (&rec);
}

/* ---- attaching to a running process */

static void
test_attach (void)
{
  if (!need_root ())
    return;
  g_autoptr (GError) error = NULL;
  /* The sleep outlasts the attach even on a loaded machine. */
  const char *argv[] = { "/bin/sh", "-c", "sleep 1; sh -c 'exit 4'; exit 0", NULL };
  GPid target;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &target, &error));
  g_assert_no_error (error);
  g_usleep (100 * 1000);  /* in its sleep */

  g_autoptr (FsTrace) trace = fs_trace_new ();
  FsRecorder *rec = fs_recorder_new (trace, fs_recorder_now ());
  FsTracerOptions options = { .quiet = TRUE };
  FsTracer *tracer = fs_tracer_new (FS_TRACER_TRACEFS, rec, &options, &error);
  g_assert_no_error (error);
  g_assert_true (fs_tracer_attach (tracer, target, &error));
  g_assert_no_error (error);
  int root_status = -1;
  g_assert_true (fs_tracer_run (tracer, &root_status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (root_status, ==, 0);
  fs_tracer_free (tracer);
  fs_recorder_free (rec);
  int status;
  g_assert_cmpint (waitpid (target, &status, 0), ==, target);
  g_assert_true (fs_trace_finish (trace, &error));
  dump_trace (trace);

  FsProcessId root = FS_PROCESS_NONE;
  for (guint i = 0; i < fs_trace_n_processes (trace); i++)
    if (fs_trace_process (trace, i)->pid == target)
      root = i;
  g_assert_cmpuint (root, !=, FS_PROCESS_NONE);
  g_assert_true (fs_trace_process (trace, root)->flags & FS_PROCESS_FLAG_ATTACHED);
  /* The already running sleep was found in /proc; the later sh was followed. */
  guint n_children = 0;
  fs_trace_children (trace, root, &n_children);
  g_assert_cmpuint (n_children, ==, 2);
  FsProcess *later = fs_trace_process (trace, child_of (trace, root, 1));
  g_assert_cmpint (later->exit.kind, ==, FS_EXIT_CODE);
  g_assert_cmpint (later->exit.value, ==, 4);
  g_assert_cmpint (later->reap_ns, !=, FS_TIME_NONE);
  g_assert_cmpint (fs_trace_process (trace, root)->exit.value, ==, 0);
  g_assert_true (instances_of_gone (getpid ()));
}

/* Attaching to a process that forks all the time: the children forked while
 * the filter was being set up are found by a second walk, so every child the
 * loop logged is in the trace. */
static void
test_attach_forking (void)
{
  if (!need_root ())
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("forkscope-attach-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *log = g_build_filename (dir, "children", NULL);
  g_autofree char *stop = g_build_filename (dir, "stop", NULL);
  /* Each child lives 5 s, so none is gone before the attach ends; one every
   * few milliseconds, so that several are born while the filter is set up
   * (20-30 ms) and none is lost to a full ring buffer. */
  const char *argv[] = { "/bin/sh", "-c",
                         "i=0; while [ ! -e \"$1\" ] && [ $i -lt 300 ]; do "
                         "sleep 5 & echo $! >> \"$0\"; sleep 0.002; i=$((i+1)); done; "
                         "kill $(cat \"$0\") 2>/dev/null; wait",
                         log, stop, NULL };
  GPid target;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &target, &error));
  g_assert_no_error (error);
  g_usleep (30 * 1000);

  g_autoptr (FsTrace) trace = fs_trace_new ();
  FsRecorder *rec = fs_recorder_new (trace, fs_recorder_now ());
  FsTracerOptions options = { .quiet = TRUE };
  FsTracer *tracer = fs_tracer_new (FS_TRACER_TRACEFS, rec, &options, &error);
  g_assert_no_error (error);
  g_assert_true (fs_tracer_attach (tracer, target, &error));
  g_assert_no_error (error);
  g_usleep (100 * 1000);
  g_assert_true (g_file_set_contents (stop, "", 0, &error));
  int root_status = -1;
  g_assert_true (fs_tracer_run (tracer, &root_status, &error));
  g_assert_no_error (error);
  fs_tracer_free (tracer);
  fs_recorder_free (rec);
  int status;
  g_assert_cmpint (waitpid (target, &status, 0), ==, target);
  g_assert_true (fs_trace_finish (trace, &error));

  g_autofree char *pids = NULL;
  g_assert_true (g_file_get_contents (log, &pids, NULL, &error));
  g_auto (GStrv) lines = g_strsplit (pids, "\n", -1);
  g_autoptr (GHashTable) traced = g_hash_table_new (NULL, NULL);
  /* Each once: a child both found by the walk and followed is one process. */
  for (guint i = 0; i < fs_trace_n_processes (trace); i++)
    g_assert_true (g_hash_table_add (traced, GINT_TO_POINTER (fs_trace_process (trace, i)->pid)));
  guint n_children = 0, n_missing = 0;
  for (char **l = lines; *l != NULL; l++)
    if (**l != '\0')
      {
        n_children++;
        if (!g_hash_table_contains (traced, GINT_TO_POINTER (atoi (*l))))
          {
            g_test_message ("child %s (#%u) is not in the trace", *l, n_children);
            n_missing++;
          }
      }
  g_test_message ("%u children, %u missing, %" G_GUINT64_FORMAT " events lost", n_children,
                  n_missing, fs_trace_get_meta (trace)->lost_events);
  g_assert_cmpuint (n_children, >, 5);
  g_assert_cmpuint (n_missing, ==, 0);
  g_unlink (log);
  g_unlink (stop);
  g_rmdir (dir);
}

/* ---- without root */

/* In a child that dropped root: what fs_tracer_new() says.  0 when right. */
static int
check_refused_without_root (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (FsRecorder) rec = fs_recorder_new (trace, fs_recorder_now ());
  FsTracer *tracer = fs_tracer_new (FS_TRACER_TRACEFS, rec, NULL, &error);
  if (tracer != NULL)
    {
      fs_tracer_free (tracer);
      return 21;
    }
  if (!g_error_matches (error, FS_TRACER_ERROR, FS_TRACER_ERROR_PERMISSION))
    return 22;
  if (strstr (error->message, "root") == NULL
      || strstr (error->message, "--tracer ptrace") == NULL)
    return 23;
  g_autofree char *why = NULL;
  if (fs_tracer_resolve (FS_TRACER_AUTO, &why) != FS_TRACER_PTRACE)
    return 24;
  return 0;
}

static void
test_not_root (void)
{
  if (!need_root ())
    return;
  pid_t child = fork ();
  if (child == 0)
    {
      if (setresgid (65534, 65534, 65534) < 0 || setresuid (65534, 65534, 65534) < 0)
        _exit (20);
      _exit (check_refused_without_root ());
    }
  int status = -1;
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
test_command_not_found (void)
{
  if (!need_root ())
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) trace = fs_trace_new ();
  FsRecorder *rec = fs_recorder_new (trace, fs_recorder_now ());
  FsTracer *tracer = fs_tracer_new (FS_TRACER_TRACEFS, rec, NULL, &error);
  g_assert_no_error (error);
  char *argv[] = { (char *) "/nonexistent/forkscope-no-such-command", NULL };
  FsLaunch launch = { .argv = argv };
  GPid pid;
  g_assert_false (fs_tracer_launch (tracer, &launch, &pid, &error));
  g_assert_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_NOT_FOUND);
  fs_tracer_free (tracer);
  fs_recorder_free (rec);
  g_assert_true (instances_of_gone (getpid ()));
  /* Reaped: no zombie left. */
  g_assert_cmpint (waitpid (pid, NULL, WNOHANG), ==, -1);
}

/* The recorder side of a late tracer: the engine reports on a process (name,
 * hidden flag, a marker) before tracefs has handled its birth; the birth then
 * adopts that placeholder instead of making a second process. */
static void
test_recorder_late_birth (void)
{
  const gint64 ms = 1000000;
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (FsRecorder) rec = fs_recorder_new (trace, 1000 * ms);
  fs_recorder_process_new (rec, 1000 * ms, 100, 0, "root", 0);
  fs_recorder_set_flags (rec, 101, FS_PROCESS_FLAG_HIDDEN);
  fs_recorder_set_name (rec, 101, "reaper");
  fs_recorder_marker (rec, 1003 * ms, 101, 7, "line 7");
  FsProcessId child = fs_recorder_process_new (rec, 1001 * ms, 101, 100, "sh", 0);
  fs_recorder_exit (rec, 1004 * ms, 101, 0);
  g_assert_true (fs_recorder_flush (rec, TRUE, &error));
  g_assert_true (fs_trace_finish (trace, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 2);
  FsProcess *p = fs_trace_process (trace, child);
  g_assert_cmpuint (p->parent, ==, 0);
  g_assert_cmpint (p->start_ns, ==, 1 * ms);
  g_assert_true (p->flags & FS_PROCESS_FLAG_HIDDEN);
  g_assert_cmpstr (fs_trace_process_name (trace, child), ==, "reaper");
  g_assert_nonnull (find_event (trace, FS_EVENT_MARKER, child, 0));
  g_assert_nonnull (find_event (trace, FS_EVENT_FORK, 0, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracefs/recorder-late-birth", test_recorder_late_birth);
  g_test_add_func ("/tracefs/fork-exec-signal", test_fork_exec_signal);
  g_test_add_func ("/tracefs/exec-argv-short-lived", test_exec_argv_short_lived);
  g_test_add_func ("/tracefs/no-exec-uprobe-option", test_no_exec_uprobe_option);
  g_test_add_func ("/tracefs/exec-argv-long", test_exec_argv_long);
  g_test_add_func ("/tracefs/exec-argv-thread", test_exec_argv_thread);
  g_test_add_func ("/tracefs/exit-statuses", test_exit_statuses);
  g_test_add_func ("/tracefs/sigwait-waitid-threads-group", test_sigwait_waitid_threads_group);
  g_test_add_func ("/tracefs/outside-sender", test_outside_sender);
  g_test_add_func ("/tracefs/copier-leaves-the-trees-cpu", test_copier_leaves_the_trees_cpu);
  g_test_add_func ("/tracefs/pid-namespace", test_pid_namespace);
  g_test_add_func ("/tracefs/attach-forking", test_attach_forking);
  g_test_add_func ("/tracefs/top-level-untouched", test_top_level_untouched);
  g_test_add_func ("/tracefs/stale-instances", test_stale_instances);
  g_test_add_func ("/tracefs/sigterm-cleans-up", test_sigterm_cleans_up);
  g_test_add_func ("/tracefs/cli-sigterm", test_cli_sigterm);
  g_test_add_func ("/tracefs/cli-crash", test_cli_crash);
  g_test_add_func ("/tracefs/cli-sigkill", test_cli_sigkill);
  g_test_add_func ("/tracefs/attach", test_attach);
  g_test_add_func ("/tracefs/not-root", test_not_root);
  g_test_add_func ("/tracefs/command-not-found", test_command_not_found);
  g_test_add_func ("/tracefs/signalfd", test_signalfd);
  g_test_add_func ("/tracefs/signalfd-read-at-once", test_signalfd_read_at_once);
  g_test_add_func ("/tracefs/signalfd-failed-read", test_signalfd_failed_read);
  return g_test_run ();
}

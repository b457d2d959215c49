/* The ptrace tracer on real commands: what each must produce. */
#include "core/trace-recorder.h"
#include "tracer/tracer.h"
#include "tests/pidns-check.h"
#include "tests/signalfd-check.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------- helpers */

static void
dump_trace (FsTrace *trace)
{
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (guint p = 0; p < fs_trace_n_processes (trace); p++)
    {
      FsProcess *proc = fs_trace_process (trace, p);
      g_autofree char *exit = fs_exit_status_to_string (&proc->exit);
      g_test_message ("process #%u pid %d parent #%d comm %s exit %s", p, proc->pid,
                      (int) proc->parent, fs_trace_string (trace, proc->comm), exit);
    }
  for (gsize i = 0; i < n; i++)
    g_test_message ("%8.3f ms #%d %s sig %d (%u %u %d %d)", ev[i].t_ns / 1e6, (int) ev[i].process,
                    fs_event_kind_name (ev[i].kind), ev[i].signal,
                    ev[i].u.send.target, ev[i].u.send.target_kind,
                    ev[i].u.send.code, ev[i].u.send.result);
}

typedef struct {
  FsTrace *trace;
  int      status;
} Recording;

typedef struct {
  FsTracer *tracer;
  guint     delay_ms;
} DelayedStop;

static gpointer
stop_later (gpointer data)
{
  DelayedStop *stop = data;
  g_usleep (stop->delay_ms * 1000);
  fs_tracer_request_stop (stop->tracer);
  return NULL;
}

static gboolean
record_launch (const FsLaunch *launch, Recording *out, GError **error)
{
  out->trace = fs_trace_new ();
  g_autoptr (FsRecorder) recorder = fs_recorder_new (out->trace, fs_recorder_now ());
  g_autoptr (FsTracer) tracer = fs_tracer_new (FS_TRACER_PTRACE, recorder, NULL, error);
  g_assert_nonnull (tracer);
  GPid pid;
  if (!fs_tracer_launch (tracer, launch, &pid, error))
    return FALSE;
  g_assert_cmpint (pid, >, 0);
  g_assert_true (fs_tracer_run (tracer, &out->status, error));
  g_assert_true (fs_recorder_flush (recorder, TRUE, error));
  g_assert_true (fs_trace_finish (out->trace, error));
  dump_trace (out->trace);
  return TRUE;
}

static Recording
record_argv (const char *const *argv)
{
  Recording rec = { 0 };
  g_autoptr (GError) error = NULL;
  FsLaunch launch = { .argv = (char *const *) argv };
  g_assert_true (record_launch (&launch, &rec, &error));
  g_assert_no_error (error);
  return rec;
}

static Recording
record_shell (const char *script)
{
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  return record_argv (argv);
}

/* The process whose last exec'd program or comm is name. */
static FsProcessId
find_process (FsTrace *trace, const char *name, guint nth)
{
  for (guint p = 0; p < fs_trace_n_processes (trace); p++)
    if (g_strcmp0 (fs_trace_string (trace, fs_trace_process (trace, p)->comm), name) == 0)
      if (nth-- == 0)
        return p;
  return FS_PROCESS_NONE;
}

static guint
count_events (FsTrace *trace, FsEventKind kind, FsProcessId process, int signo)
{
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  guint count = 0;
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == kind && (process == FS_PROCESS_NONE || ev[i].process == process) &&
        (signo == 0 || ev[i].signal == signo))
      count++;
  return count;
}

static const FsEvent *
find_event (FsTrace *trace, FsEventKind kind, FsProcessId process, int signo)
{
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == kind && (process == FS_PROCESS_NONE || ev[i].process == process) &&
        (signo == 0 || ev[i].signal == signo))
      return &ev[i];
  return NULL;
}

static const FsEvent *
find_send_to (FsTrace *trace, FsProcessId sender, FsProcessId target, int signo)
{
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == FS_EVENT_SIGNAL_SEND && ev[i].process == sender && ev[i].signal == signo &&
        ev[i].u.send.target_kind == FS_TARGET_PROCESS && ev[i].u.send.target == target)
      return &ev[i];
  return NULL;
}

static const FsEvent *
find_reap (FsTrace *trace, FsProcessId reaper, FsProcessId child)
{
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == FS_EVENT_REAP && ev[i].process == reaper && ev[i].u.reap.child == child)
      return &ev[i];
  return NULL;
}

static gboolean
process_is_gone (pid_t pid)
{
  char path[64], buf[512];
  g_snprintf (path, sizeof path, "/proc/%d/stat", pid);
  for (int i = 0; i < 200; i++)
    {
      FILE *f = fopen (path, "r");
      if (f == NULL)
        return TRUE;
      size_t len = fread (buf, 1, sizeof buf - 1, f);
      fclose (f);
      buf[len] = '\0';
      const char *p = strrchr (buf, ')');
      if (p != NULL && p[2] == 'Z')
        return TRUE;   /* dead; only its reaper (not us) can clear it */
      g_usleep (10 * 1000);
    }
  return FALSE;
}

/* "S", "T", …: field 3 of /proc/PID/stat; and its tracer from status. */
static char
process_state (pid_t pid, int *tracer_pid)
{
  char path[64];
  g_autofree char *text = NULL;
  g_snprintf (path, sizeof path, "/proc/%d/status", pid);
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return '?';
  const char *state = strstr (text, "State:\t");
  const char *tracer = strstr (text, "TracerPid:\t");
  if (tracer_pid != NULL)
    *tracer_pid = tracer != NULL ? atoi (tracer + strlen ("TracerPid:\t")) : -1;
  return state != NULL ? state[strlen ("State:\t")] : '?';
}

/* --------------------------------------------------------------- tests */

static void
test_kill_default_terminate (void)
{
  Recording rec = record_shell ("sleep 0.2 & kill -USR1 $!; wait");
  g_autoptr (FsTrace) trace = rec.trace;
  g_assert_true (WIFEXITED (rec.status));

  FsProcessId sh = 0;
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 2);
  guint n_children = 0;
  const FsProcessId *children = fs_trace_children (trace, sh, &n_children);
  g_assert_cmpuint (n_children, ==, 1);
  FsProcessId child = children[0];
  g_assert_cmpuint (fs_trace_process (trace, child)->parent, ==, sh);

  const FsEvent *send = find_send_to (trace, sh, child, SIGUSR1);
  g_assert_nonnull (send);
  g_assert_cmpint (send->u.send.result, ==, 0);
  g_assert_cmpint (send->u.send.code, ==, SI_USER);

  const FsEvent *deliver = find_event (trace, FS_EVENT_SIGNAL_DELIVER, child, SIGUSR1);
  g_assert_nonnull (deliver);
  g_assert_cmpint (deliver->u.deliver.action, ==, FS_ACTION_TERMINATE);
  g_assert_cmpuint (deliver->u.deliver.sender, ==, sh);
  g_assert_cmpint (deliver->u.deliver.code, ==, SI_USER);
  g_assert_cmpint (deliver->t_ns, >=, send->t_ns);

  FsProcess *c = fs_trace_process (trace, child);
  g_assert_cmpint (c->exit.kind, ==, FS_EXIT_SIGNAL);
  g_assert_cmpint (c->exit.value, ==, SIGUSR1);
  const FsEvent *reap = find_reap (trace, sh, child);
  g_assert_nonnull (reap);
  g_assert_cmpint (reap->u.reap.status.kind, ==, FS_EXIT_SIGNAL);
  g_assert_cmpint (reap->u.reap.status.value, ==, SIGUSR1);
  g_assert_cmpint (reap->t_ns, >=, c->end_ns);

  /* The kernel told sh with SIGCHLD, whether or not sh caught it. */
  const FsEvent *chld = find_event (trace, FS_EVENT_SIGNAL_SEND, FS_PROCESS_KERNEL, SIGCHLD);
  g_assert_nonnull (chld);
  g_assert_cmpint (chld->u.send.code, ==, CLD_KILLED);
  g_assert_cmpuint (count_events (trace, FS_EVENT_EXIT, FS_PROCESS_NONE, 0), ==, 2);
  g_assert_cmpuint (count_events (trace, FS_EVENT_FORK, FS_PROCESS_NONE, 0), ==, 1);
}

static void
test_timeout (void)
{
  const char *argv[] = { "timeout", "-s", "TERM", "0.3", "sleep", "5", NULL };
  Recording rec = record_argv (argv);
  g_autoptr (FsTrace) trace = rec.trace;

  g_assert_true (WIFEXITED (rec.status));
  g_assert_cmpint (WEXITSTATUS (rec.status), ==, 124);

  FsProcessId timeout = 0;
  FsProcessId sleeper = find_process (trace, "sleep", 0);
  g_assert_cmpuint (sleeper, !=, FS_PROCESS_NONE);
  g_assert_cmpuint (fs_trace_process (trace, sleeper)->parent, ==, timeout);
  g_assert_cmpuint (count_events (trace, FS_EVENT_EXEC, sleeper, 0), ==, 1);

  /* The timer fired in the kernel: SIGALRM, caught by timeout. */
  const FsEvent *alarm = find_event (trace, FS_EVENT_SIGNAL_DELIVER, timeout, SIGALRM);
  g_assert_nonnull (alarm);
  g_assert_cmpuint (alarm->u.deliver.sender, ==, FS_PROCESS_KERNEL);
  g_assert_cmpint (alarm->u.deliver.action, ==, FS_ACTION_HANDLER);
  g_assert_nonnull (find_event (trace, FS_EVENT_SIGNAL_SEND, FS_PROCESS_KERNEL, SIGALRM));

  const FsEvent *term = find_send_to (trace, timeout, sleeper, SIGTERM);
  g_assert_nonnull (term);
  g_assert_cmpint (term->u.send.result, ==, 0);
  const FsEvent *deliver = find_event (trace, FS_EVENT_SIGNAL_DELIVER, sleeper, SIGTERM);
  g_assert_nonnull (deliver);
  g_assert_cmpint (deliver->u.deliver.action, ==, FS_ACTION_TERMINATE);

  g_assert_cmpint (fs_trace_process (trace, sleeper)->exit.kind, ==, FS_EXIT_SIGNAL);
  g_assert_cmpint (fs_trace_process (trace, sleeper)->exit.value, ==, SIGTERM);
  g_assert_nonnull (find_reap (trace, timeout, sleeper));
  g_assert_cmpint (fs_trace_process (trace, timeout)->exit.value, ==, 124);
}

static void
test_trap_handler (void)
{
  Recording rec = record_shell ("exec >/dev/null; trap 'echo got' USR1; kill -USR1 $$; "
                                "trap '' USR2; kill -USR2 $$; exit 3");
  g_autoptr (FsTrace) trace = rec.trace;
  g_assert_true (WIFEXITED (rec.status));
  g_assert_cmpint (WEXITSTATUS (rec.status), ==, 3);

  const FsEvent *send = find_send_to (trace, 0, 0, SIGUSR1);
  g_assert_nonnull (send);
  const FsEvent *deliver = find_event (trace, FS_EVENT_SIGNAL_DELIVER, 0, SIGUSR1);
  g_assert_nonnull (deliver);
  g_assert_cmpint (deliver->u.deliver.action, ==, FS_ACTION_HANDLER);
  g_assert_cmpuint (deliver->u.deliver.sender, ==, 0);

  /* Ignored signals still stop a tracee; they are recorded as ignored. */
  const FsEvent *ignored = find_event (trace, FS_EVENT_SIGNAL_DELIVER, 0, SIGUSR2);
  g_assert_nonnull (ignored);
  g_assert_cmpint (ignored->u.deliver.action, ==, FS_ACTION_IGNORED);
  g_assert_cmpint (fs_trace_process (trace, 0)->exit.value, ==, 3);
}

static void
test_job_control (void)
{
  Recording rec = record_shell ("exec 2>/dev/null; sleep 5 & p=$!; sleep 0.1; kill -STOP $p; sleep 0.1; "
                                "kill -CONT $p; sleep 0.1; kill -TERM $p; wait $p; exit 0");
  g_autoptr (FsTrace) trace = rec.trace;
  g_assert_true (WIFEXITED (rec.status));

  FsProcessId sleeper = find_process (trace, "sleep", 0);
  g_assert_cmpuint (sleeper, !=, FS_PROCESS_NONE);
  g_assert_cmpuint (fs_trace_process (trace, sleeper)->parent, ==, 0);
  /* The first sleep is the one signalled; the others are sh's pauses. */
  const FsEvent *stop_send = find_send_to (trace, 0, sleeper, SIGSTOP);
  g_assert_nonnull (stop_send);

  const FsEvent *deliver_stop = find_event (trace, FS_EVENT_SIGNAL_DELIVER, sleeper, SIGSTOP);
  g_assert_nonnull (deliver_stop);
  g_assert_cmpint (deliver_stop->u.deliver.action, ==, FS_ACTION_STOP);
  const FsEvent *stop = find_event (trace, FS_EVENT_STOP, sleeper, 0);
  g_assert_nonnull (stop);
  g_assert_cmpint (stop->signal, ==, SIGSTOP);
  const FsEvent *cont = find_event (trace, FS_EVENT_CONTINUE, sleeper, 0);
  g_assert_nonnull (cont);
  g_assert_cmpint (cont->t_ns, >, stop->t_ns);
  const FsEvent *deliver_cont = find_event (trace, FS_EVENT_SIGNAL_DELIVER, sleeper, SIGCONT);
  g_assert_nonnull (deliver_cont);
  g_assert_cmpint (deliver_cont->u.deliver.action, ==, FS_ACTION_CONTINUE);
  g_assert_cmpuint (count_events (trace, FS_EVENT_STOP, sleeper, 0), ==, 1);
  g_assert_cmpuint (count_events (trace, FS_EVENT_CONTINUE, sleeper, 0), ==, 1);

  const FsEvent *term = find_event (trace, FS_EVENT_SIGNAL_DELIVER, sleeper, SIGTERM);
  g_assert_nonnull (term);
  g_assert_cmpint (term->u.deliver.action, ==, FS_ACTION_TERMINATE);
  g_assert_cmpint (fs_trace_process (trace, sleeper)->exit.value, ==, SIGTERM);
  g_assert_nonnull (find_reap (trace, 0, sleeper));
}

static gpointer
idle_thread (gpointer data)
{
  g_usleep (20 * 1000);
  return data;
}

G_GNUC_NORETURN static void
threads_main (gpointer data)
{
  pthread_t threads[3];
  for (int i = 0; i < 3; i++)
    pthread_create (&threads[i], NULL, idle_thread, NULL);
  for (int i = 0; i < 3; i++)
    pthread_join (threads[i], NULL);
  /* A thread-directed signal to ourselves, then a child process. */
  signal (SIGUSR1, SIG_IGN);
  syscall (SYS_tgkill, getpid (), getpid (), SIGUSR1);
  pid_t child = fork ();
  if (child == 0)
    _exit (5);
  int status;
  waitpid (child, &status, 0);
  _exit (WEXITSTATUS (status) == 5 ? 0 : 1);
}

static void
test_threads (void)
{
  Recording rec = { 0 };
  g_autoptr (GError) error = NULL;
  FsLaunch launch = { .child_main = threads_main };
  g_assert_true (record_launch (&launch, &rec, &error));
  g_autoptr (FsTrace) trace = rec.trace;

  g_assert_true (WIFEXITED (rec.status));
  g_assert_cmpint (WEXITSTATUS (rec.status), ==, 0);
  /* Threads are threads of process 0, not processes. */
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 2);
  g_assert_cmpuint (count_events (trace, FS_EVENT_THREAD, 0, 0), ==, 3);
  g_assert_nonnull (fs_trace_process (trace, 0)->threads);
  g_assert_cmpuint (fs_trace_process (trace, 0)->threads->len, ==, 3);
  g_assert_cmpuint (count_events (trace, FS_EVENT_FORK, 0, 0), ==, 1);
  g_assert_cmpuint (count_events (trace, FS_EVENT_EXIT, FS_PROCESS_NONE, 0), ==, 2);

  const FsEvent *send = find_event (trace, FS_EVENT_SIGNAL_SEND, 0, SIGUSR1);
  g_assert_nonnull (send);
  g_assert_true (send->flags & FS_EVENT_FLAG_THREAD_DIRECTED);
  g_assert_cmpint (send->u.send.code, ==, SI_TKILL);
  g_assert_cmpuint (send->u.send.target, ==, 0);

  const FsEvent *reap = find_reap (trace, 0, 1);
  g_assert_nonnull (reap);
  g_assert_cmpint (reap->u.reap.status.kind, ==, FS_EXIT_CODE);
  g_assert_cmpint (reap->u.reap.status.value, ==, 5);
}

G_GNUC_NORETURN static void
sigwait_main (gpointer data)
{
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGUSR2);
  sigprocmask (SIG_BLOCK, &set, NULL);
  pid_t child = fork ();
  if (child == 0)
    {
      kill (getppid (), SIGUSR2);
      _exit (0);
    }
  siginfo_t info;
  int signo = sigwaitinfo (&set, &info);
  waitpid (child, NULL, 0);
  _exit (signo == SIGUSR2 && info.si_pid == child ? 0 : 1);
}

static void
test_sigwait (void)
{
  Recording rec = { 0 };
  g_autoptr (GError) error = NULL;
  FsLaunch launch = { .child_main = sigwait_main };
  g_assert_true (record_launch (&launch, &rec, &error));
  g_autoptr (FsTrace) trace = rec.trace;

  g_assert_true (WIFEXITED (rec.status));
  g_assert_cmpint (WEXITSTATUS (rec.status), ==, 0);
  g_assert_nonnull (find_send_to (trace, 1, 0, SIGUSR2));
  const FsEvent *consumed = find_event (trace, FS_EVENT_SIGNAL_DELIVER, 0, SIGUSR2);
  g_assert_nonnull (consumed);
  g_assert_cmpint (consumed->u.deliver.action, ==, FS_ACTION_SIGWAIT);
  g_assert_cmpuint (consumed->u.deliver.sender, ==, 1);
  g_assert_cmpuint (count_events (trace, FS_EVENT_SIGNAL_DELIVER, 0, SIGUSR2), ==, 1);
  g_assert_nonnull (find_reap (trace, 0, 1));
}

static gpointer
exec_thread (gpointer data)
{
  execl ("/bin/sh", "sh", "-c", "exit 4", (char *) NULL);
  return NULL;
}

G_GNUC_NORETURN static void
exec_from_thread_main (gpointer data)
{
  pthread_t thread;
  pthread_create (&thread, NULL, exec_thread, NULL);
  pthread_join (thread, NULL);
  _exit (99);   /* not reached: the exec replaces every thread */
}

static void
test_exec_from_thread (void)
{
  Recording rec = { 0 };
  g_autoptr (GError) error = NULL;
  FsLaunch launch = { .child_main = exec_from_thread_main };
  g_assert_true (record_launch (&launch, &rec, &error));
  g_autoptr (FsTrace) trace = rec.trace;

  g_assert_true (WIFEXITED (rec.status));
  g_assert_cmpint (WEXITSTATUS (rec.status), ==, 4);
  /* The exec'ing thread took over the process: one process, one exec. */
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 1);
  g_assert_cmpuint (count_events (trace, FS_EVENT_THREAD, 0, 0), ==, 1);
  g_assert_cmpuint (count_events (trace, FS_EVENT_EXEC, 0, 0), ==, 1);
  g_assert_cmpuint (count_events (trace, FS_EVENT_EXIT, 0, 0), ==, 1);
  g_assert_cmpint (fs_trace_process (trace, 0)->exit.value, ==, 4);
}

G_GNUC_NORETURN static void
spawn_main (gpointer data)
{
  /* glibc's posix_spawn is clone(CLONE_VM | CLONE_VFORK). */
  char *argv[] = { (char *) "true", NULL };
  pid_t child;
  if (posix_spawnp (&child, "true", NULL, NULL, argv, environ) != 0)
    _exit (1);
  int status;
  waitpid (child, &status, 0);
  _exit (WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : 1);
}

static void
test_vfork_spawn (void)
{
  Recording rec = { 0 };
  g_autoptr (GError) error = NULL;
  FsLaunch launch = { .child_main = spawn_main };
  g_assert_true (record_launch (&launch, &rec, &error));
  g_autoptr (FsTrace) trace = rec.trace;

  g_assert_cmpint (rec.status, ==, 0);
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 2);
  g_assert_cmpuint (fs_trace_process (trace, 1)->parent, ==, 0);
  g_assert_cmpstr (fs_trace_string (trace, fs_trace_process (trace, 1)->comm), ==, "true");
  g_assert_cmpuint (count_events (trace, FS_EVENT_EXEC, 1, 0), ==, 1);
  g_assert_nonnull (find_reap (trace, 0, 1));
}

static void
grow_tree (int depth)
{
  for (int k = 0; k < 2 && depth > 0; k++)
    {
      pid_t pid = fork ();
      if (pid == 0)
        {
          grow_tree (depth - 1);
          _exit (0);
        }
    }
  while (wait (NULL) > 0 || errno == EINTR)
    ;
}

G_GNUC_NORETURN static void
tree_main (gpointer data)
{
  grow_tree (6);
  _exit (0);
}

static void
test_fork_tree (void)
{
  /* Leaves exit at once, so a child's first stop and even its exit often
   * come before its parent's fork event: each must still be one process. */
  Recording rec = { 0 };
  g_autoptr (GError) error = NULL;
  FsLaunch launch = { .child_main = tree_main };
  g_assert_true (record_launch (&launch, &rec, &error));
  g_autoptr (FsTrace) trace = rec.trace;

  g_assert_cmpint (rec.status, ==, 0);
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 127);
  g_assert_cmpuint (count_events (trace, FS_EVENT_FORK, FS_PROCESS_NONE, 0), ==, 126);
  g_assert_cmpuint (count_events (trace, FS_EVENT_EXIT, FS_PROCESS_NONE, 0), ==, 127);
  g_assert_cmpuint (count_events (trace, FS_EVENT_REAP, FS_PROCESS_NONE, 0), ==, 126);
  for (guint p = 1; p < 127; p++)
    {
      FsProcess *proc = fs_trace_process (trace, p);
      g_assert_cmpuint (proc->parent, !=, FS_PROCESS_NONE);
      g_assert_cmpint (proc->exit.kind, ==, FS_EXIT_CODE);
      g_assert_cmpint (proc->reap_ns, !=, FS_TIME_NONE);
    }
}

static void
test_not_found (void)
{
  g_autoptr (GError) error = NULL;
  Recording rec = { 0 };
  const char *argv[] = { "forkscope-no-such-command-here", NULL };
  FsLaunch launch = { .argv = (char *const *) argv };
  g_assert_false (record_launch (&launch, &rec, &error));
  g_assert_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "forkscope-no-such-command-here"));
  g_clear_object (&rec.trace);
  g_clear_error (&error);

  const char *not_exec[] = { "/etc/passwd", NULL };
  launch.argv = (char *const *) not_exec;
  g_assert_false (record_launch (&launch, &rec, &error));
  g_assert_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_NOT_EXECUTABLE);
  g_clear_object (&rec.trace);
  /* Nothing was left behind to reap. */
  g_assert_cmpint (waitpid (-1, NULL, WNOHANG | __WALL), ==, -1);
  g_assert_cmpint (errno, ==, ECHILD);
}

static pid_t
spawn (const char *script)
{
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* Never outlive a failed test (it would hold the TAP pipe open). */
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      execl ("/bin/sh", "sh", "-c", script, (char *) NULL);
      _exit (127);
    }
  return pid;
}

static void
test_attach_detach (void)
{
  /* A shell that keeps starting short sleeps; we attach, watch it, detach. */
  pid_t pid = spawn ("while :; do sleep 0.02; done");
  g_usleep (50 * 1000);

  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (FsRecorder) recorder = fs_recorder_new (trace, fs_recorder_now ());
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTracer) tracer = fs_tracer_new (FS_TRACER_PTRACE, recorder, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fs_tracer_attach (tracer, pid, &error));
  g_assert_no_error (error);

  DelayedStop stop = { tracer, 300 };
  GThread *stopper = g_thread_new ("stop", stop_later, &stop);
  int status = -1;
  g_assert_true (fs_tracer_run (tracer, &status, &error));
  g_thread_join (stopper);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (fs_recorder_flush (recorder, TRUE, &error));
  g_assert_true (fs_trace_finish (trace, &error));
  dump_trace (trace);

  /* Still running, no longer traced, not killed. */
  int tracer_pid = -1;
  char state = '?';
  /* 'D' can show for a moment (a fork under memory pressure); a stopped,
   * traced or dead process never turns back into a running one. */
  for (int i = 0; i < 100; i++)
    {
      state = process_state (pid, &tracer_pid);
      g_test_message ("state after detach: %c", state);
      if (state == 'S' || state == 'R' || state == 'T' || state == 't' || state == 'Z')
        break;
      g_usleep (10 * 1000);
    }
  g_assert_cmpint (tracer_pid, ==, 0);
  g_assert_true (state == 'S' || state == 'R');
  g_assert_cmpint (waitpid (pid, NULL, WNOHANG), ==, 0);

  FsProcess *root = fs_trace_process (trace, 0);
  g_assert_cmpint (root->pid, ==, pid);
  g_assert_true (root->flags & FS_PROCESS_FLAG_ATTACHED);
  g_assert_cmpuint (count_events (trace, FS_EVENT_FORK, 0, 0), >=, 3);
  g_assert_cmpuint (count_events (trace, FS_EVENT_REAP, 0, 0), >=, 2);
  g_assert_cmpuint (count_events (trace, FS_EVENT_EXIT, 0, 0), ==, 0);
  g_assert_cmpuint (find_process (trace, "sleep", 0), !=, FS_PROCESS_NONE);

  g_clear_pointer (&tracer, fs_tracer_free);
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
}

static void
test_attach_stopped (void)
{
  pid_t pid = spawn ("exec sleep 5");
  g_usleep (50 * 1000);
  kill (pid, SIGSTOP);
  int status;
  g_assert_cmpint (waitpid (pid, &status, WUNTRACED), ==, pid);
  g_assert_true (WIFSTOPPED (status));

  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (FsRecorder) recorder = fs_recorder_new (trace, fs_recorder_now ());
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTracer) tracer = fs_tracer_new (FS_TRACER_PTRACE, recorder, NULL, &error);
  g_assert_true (fs_tracer_attach (tracer, pid, &error));
  g_assert_no_error (error);
  DelayedStop stop = { tracer, 200 };
  GThread *stopper = g_thread_new ("stop", stop_later, &stop);
  g_assert_true (fs_tracer_run (tracer, &status, &error));
  g_thread_join (stopper);
  g_assert_true (fs_recorder_flush (recorder, TRUE, &error));
  g_assert_true (fs_trace_finish (trace, &error));
  dump_trace (trace);
  g_assert_cmpuint (count_events (trace, FS_EVENT_STOP, 0, SIGSTOP), ==, 1);

  /* Left as it was: stopped, untraced; SIGCONT still wakes it.  A detached
   * task runs for a moment to re-enter its group-stop. */
  int tracer_pid = -1;
  char state = '?';
  for (int i = 0; i < 100 && (state = process_state (pid, &tracer_pid)) != 'T'; i++)
    g_usleep (10 * 1000);
  g_assert_cmpint (state, ==, 'T');
  g_usleep (50 * 1000);
  g_assert_cmpint (process_state (pid, &tracer_pid), ==, 'T');
  g_assert_cmpint (tracer_pid, ==, 0);
  kill (pid, SIGCONT);
  g_usleep (50 * 1000);
  state = process_state (pid, NULL);
  g_assert_true (state == 'S' || state == 'R');

  kill (pid, SIGKILL);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
}

/* Inside a PID namespace, kill's target, the group, wait4's result and si_pid
 * are the namespace's numbers: the trace has them as the processes named. */
static void
test_pid_namespace (void)
{
  if (!fs_test_pidns_usable ())
    return;
  Recording rec = record_argv (fs_test_pidns_argv);
  g_autoptr (FsTrace) trace = rec.trace;
  fs_test_pidns_check (trace);
}

/* Signals read from a signalfd (read and readv, one and two records a call)
 * are deliveries, with their senders, exactly. */
static void
test_signalfd (void)
{
  const char *reader = fs_test_signalfd_reader ();
  if (reader == NULL)
    return;
  const char *argv[] = { reader, NULL };
  Recording rec = record_argv (argv);
  g_autoptr (FsTrace) trace = rec.trace;
  g_assert_true (WIFEXITED (rec.status) && WEXITSTATUS (rec.status) == 0);
  fs_test_signalfd_check (trace, FALSE);
}

static void
test_request_stop_kills_launched (void)
{
  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (FsRecorder) recorder = fs_recorder_new (trace, fs_recorder_now ());
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTracer) tracer = fs_tracer_new (FS_TRACER_PTRACE, recorder, NULL, &error);
  const char *argv[] = { "/bin/sh", "-c", "sleep 30 & sleep 30 & kill -STOP $$; wait", NULL };
  FsLaunch launch = { .argv = (char *const *) argv };
  GPid pid;
  g_assert_true (fs_tracer_launch (tracer, &launch, &pid, &error));
  DelayedStop stop = { tracer, 300 };
  GThread *stopper = g_thread_new ("stop", stop_later, &stop);
  int status = 0;
  gint64 start = g_get_monotonic_time ();
  g_assert_true (fs_tracer_run (tracer, &status, &error));
  g_thread_join (stopper);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  g_assert_true (fs_recorder_flush (recorder, TRUE, &error));
  g_assert_true (fs_trace_finish (trace, &error));
  dump_trace (trace);
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 3);
  for (guint p = 0; p < 3; p++)
    {
      FsProcess *proc = fs_trace_process (trace, p);
      g_assert_cmpint (proc->exit.kind, ==, FS_EXIT_SIGNAL);
      g_assert_true (process_is_gone (proc->pid));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ptrace/kill-default-terminate", test_kill_default_terminate);
  g_test_add_func ("/ptrace/timeout", test_timeout);
  g_test_add_func ("/ptrace/trap-handler", test_trap_handler);
  g_test_add_func ("/ptrace/job-control", test_job_control);
  g_test_add_func ("/ptrace/threads", test_threads);
  g_test_add_func ("/ptrace/sigwait", test_sigwait);
  g_test_add_func ("/ptrace/exec-from-thread", test_exec_from_thread);
  g_test_add_func ("/ptrace/vfork-spawn", test_vfork_spawn);
  g_test_add_func ("/ptrace/fork-tree", test_fork_tree);
  g_test_add_func ("/ptrace/not-found", test_not_found);
  g_test_add_func ("/ptrace/attach-detach", test_attach_detach);
  g_test_add_func ("/ptrace/attach-stopped", test_attach_stopped);
  g_test_add_func ("/ptrace/stop-kills-launched", test_request_stop_kills_launched);
  g_test_add_func ("/ptrace/pid-namespace", test_pid_namespace);
  g_test_add_func ("/ptrace/signalfd", test_signalfd);
  return g_test_run ();
}

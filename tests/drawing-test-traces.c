/* drawing-test-traces.c: hand-built traces for the drawing and export tests. */
#include "drawing-test-traces.h"

#include <signal.h>

#define MS(x) ((gint64) (x) * 1000000)

static void
send (FsTrace *t, gint64 at, FsProcessId from, FsProcessId to, int sig, guint16 flags)
{
  FsEvent *ev = fs_trace_append (t, at, from, FS_EVENT_SIGNAL_SEND);
  ev->signal = (guint8) sig;
  ev->flags = flags;
  ev->u.send.target = to;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
}

static void
deliver (FsTrace *t, gint64 at, FsProcessId to, FsProcessId from, int sig, FsSignalAction action,
         guint16 flags)
{
  FsEvent *ev = fs_trace_append (t, at, to, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = (guint8) sig;
  ev->flags = flags;
  ev->u.deliver.sender = from;
  ev->u.deliver.action = (guint8) action;
}

static void
block (FsTrace *t, gint64 at, FsProcessId p, FsBlockReason reason)
{
  fs_trace_append (t, at, p, FS_EVENT_BLOCK)->u.block.reason = (guint8) reason;
}

static void
output (FsTrace *t, gint64 at, FsProcessId p, const char *text)
{
  FsEvent *ev = fs_trace_append (t, at, p, FS_EVENT_OUTPUT);
  ev->u.output.text = fs_trace_intern (t, text);
  ev->u.output.stream = FS_STREAM_STDOUT;
}

static void
exit_code (FsTrace *t, gint64 at, FsProcessId p, int code)
{
  fs_trace_append (t, at, p, FS_EVENT_EXIT)->u.exit.status =
    (FsExitStatus) { FS_EXIT_CODE, 0, 0, code };
}

static void
reap (FsTrace *t, gint64 at, FsProcessId reaper, FsProcessId child, FsExitStatus status)
{
  FsEvent *ev = fs_trace_append (t, at, reaper, FS_EVENT_REAP);
  ev->u.reap.child = child;
  ev->u.reap.status = status;
}

static FsProcessId
fork_child (FsTrace *t, gint64 at, FsProcessId parent, gint32 pid, const char *name)
{
  FsProcessId c = fs_trace_add_process (t, pid, parent, at, name);
  fs_trace_append (t, at, parent, FS_EVENT_FORK)->u.fork.child = c;
  return c;
}

static void
finish (FsTrace *t)
{
  g_autoptr(GError) error = NULL;
  if (!fs_trace_finish (t, &error))
    g_error ("test trace: %s", error->message);
}

FsTrace *
fs_test_trace_ordered_results (void)
{
  FsTrace *t = fs_trace_new ();
  FsExitStatus ok = { FS_EXIT_CODE, 0, 0, 0 };
  FsProcessId launcher = fs_trace_add_process (t, 4000, FS_PROCESS_NONE, 0, "launcher");
  fs_trace_process (t, launcher)->flags |= FS_PROCESS_FLAG_HIDDEN;
  fs_trace_get_meta (t)->scenario = g_strdup ("data/scenarios/ordered-results.fsc");

  FsProcessId main_id = fork_child (t, MS (1), launcher, 4001, "main");
  FsProcessId w1 = fork_child (t, MS (2), main_id, 4002, "very expensive");
  FsProcessId w2 = fork_child (t, MS (3), main_id, 4003, "slightly expensive");
  output (t, MS (2) + 50000, w1, "Starting very expensive operation...");
  block (t, MS (2) + 80000, w1, FS_BLOCK_SLEEP);
  output (t, MS (3) + 20000, main_id, "All children started.");
  output (t, MS (3) + 60000, w2, "Starting slightly expensive operation...");
  block (t, MS (3) + 90000, w2, FS_BLOCK_SLEEP);
  block (t, MS (3) + 100000, main_id, FS_BLOCK_SIGWAIT);
  fs_trace_append (t, MS (2003), w2, FS_EVENT_UNBLOCK);
  send (t, MS (2003) + 10000, w2, main_id, SIGCONT, 0);
  deliver (t, MS (2003) + 40000, main_id, w2, SIGCONT, FS_ACTION_SIGWAIT, 0);
  fs_trace_append (t, MS (2003) + 40000, main_id, FS_EVENT_UNBLOCK);
  block (t, MS (2003) + 50000, w2, FS_BLOCK_SIGWAIT);
  block (t, MS (2003) + 60000, main_id, FS_BLOCK_SIGWAIT);
  fs_trace_append (t, MS (5002), w1, FS_EVENT_UNBLOCK);
  send (t, MS (5002) + 10000, w1, main_id, SIGCONT, 0);
  deliver (t, MS (5002) + 45000, main_id, w1, SIGCONT, FS_ACTION_SIGWAIT, 0);
  fs_trace_append (t, MS (5002) + 45000, main_id, FS_EVENT_UNBLOCK);
  block (t, MS (5002) + 50000, w1, FS_BLOCK_SIGWAIT);
  output (t, MS (5002) + 90000, main_id,
          "All children finished main tasks; asking them to display results in order.");
  send (t, MS (5002) + 120000, main_id, w1, SIGCONT, 0);
  block (t, MS (5002) + 130000, main_id, FS_BLOCK_WAIT);
  deliver (t, MS (5002) + 160000, w1, main_id, SIGCONT, FS_ACTION_SIGWAIT, 0);
  fs_trace_append (t, MS (5002) + 160000, w1, FS_EVENT_UNBLOCK);
  output (t, MS (5002) + 200000, w1, "very expensive operation complete.");
  exit_code (t, MS (5002) + 260000, w1, 0);
  fs_trace_append (t, MS (5002) + 300000, main_id, FS_EVENT_UNBLOCK);
  reap (t, MS (5002) + 300000, main_id, w1, ok);
  send (t, MS (5002) + 330000, main_id, w2, SIGCONT, 0);
  block (t, MS (5002) + 340000, main_id, FS_BLOCK_WAIT);
  deliver (t, MS (5002) + 370000, w2, main_id, SIGCONT, FS_ACTION_SIGWAIT, 0);
  fs_trace_append (t, MS (5002) + 370000, w2, FS_EVENT_UNBLOCK);
  output (t, MS (5002) + 400000, w2, "slightly expensive operation complete.");
  exit_code (t, MS (5002) + 450000, w2, 0);
  fs_trace_append (t, MS (5002) + 490000, main_id, FS_EVENT_UNBLOCK);
  reap (t, MS (5002) + 490000, main_id, w2, ok);
  exit_code (t, MS (5003), main_id, 0);
  reap (t, MS (5003) + 100000, launcher, main_id, ok);
  exit_code (t, MS (5004), launcher, 0);
  finish (t);
  return t;
}

FsTrace *
fs_test_trace_everything (guint *n_visible)
{
  FsTrace *t = fs_trace_new ();
  FsExitStatus ok = { FS_EXIT_CODE, 0, 0, 0 };
  FsExitStatus killed = { FS_EXIT_SIGNAL, 0, 0, SIGKILL };
  fs_trace_get_meta (t)->command = g_strdup ("everything");

  FsProcessId shell = fs_trace_add_process (t, 500, FS_PROCESS_NONE, 0, "shell");
  FsProcessId reaper = fork_child (t, MS (1), shell, 501, "subreaper");
  FsProcessId mid = fork_child (t, MS (2), reaper, 502, "middle");
  FsProcessId orphan = fork_child (t, MS (3), mid, 503, "orphan");
  FsProcessId job = fork_child (t, MS (4), shell, 504, "job");
  FsProcessId victim = fork_child (t, MS (5), shell, 505, "victim");
  FsProcessId zombie = fork_child (t, MS (6), shell, 506, "zombie");
  FsProcessId waiter = fork_child (t, MS (7), shell, 507, "waiter");

  FsEvent *ev = fs_trace_append (t, MS (8), orphan, FS_EVENT_EXEC);
  const char *argv[] = { "/bin/sleep", "10", NULL };
  ev->u.exec.path = fs_trace_intern (t, "/bin/sleep");
  ev->u.exec.argv = fs_trace_add_strv (t, argv);

  /* job: stopped by SIGSTOP, continued by SIGCONT (the latter paired by inference). */
  send (t, MS (10), shell, job, SIGSTOP, 0);
  deliver (t, MS (11), job, shell, SIGSTOP, FS_ACTION_STOP, 0);
  fs_trace_append (t, MS (11), job, FS_EVENT_STOP);
  send (t, MS (20), shell, job, SIGCONT, FS_EVENT_FLAG_INFERRED);
  deliver (t, MS (22), job, shell, SIGCONT, FS_ACTION_CONTINUE, FS_EVENT_FLAG_INFERRED);
  fs_trace_append (t, MS (22), job, FS_EVENT_CONTINUE);

  /* middle exits; orphan is adopted by the subreaper. */
  exit_code (t, MS (30), mid, 3);
  reap (t, MS (31), reaper, mid, (FsExitStatus) { FS_EXIT_CODE, 0, 0, 3 });
  ev = fs_trace_append (t, MS (30), reaper, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGCHLD;
  ev->u.send.target = reaper;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev->process = FS_PROCESS_KERNEL;
  deliver (t, MS (30) + 500000, reaper, FS_PROCESS_KERNEL, SIGCHLD, FS_ACTION_IGNORED, 0);
  fs_trace_process (t, orphan)->reparented_to = reaper;

  /* victim: SIGKILL from shell. */
  send (t, MS (40), shell, victim, SIGKILL, 0);
  deliver (t, MS (41), victim, shell, SIGKILL, FS_ACTION_TERMINATE, 0);
  fs_trace_append (t, MS (41), victim, FS_EVENT_EXIT)->u.exit.status = killed;
  reap (t, MS (42), shell, victim, killed);

  /* zombie: exits, never reaped. */
  output (t, MS (44), zombie, "bye <&> \"quoted\" ; # 100%");
  exit_code (t, MS (45), zombie, 1);

  /* waiter: a USR1 sent to it while it sleeps; still pending at the end. */
  block (t, MS (46), waiter, FS_BLOCK_PAUSE);
  send (t, MS (50), job, waiter, SIGUSR1, 0);
  output (t, MS (52), job, "job done");
  exit_code (t, MS (60), job, 0);
  reap (t, MS (61), shell, job, ok);
  finish (t);
  *n_visible = 8;
  return t;
}

FsTrace *
fs_test_trace_fan_out (guint n_children)
{
  FsTrace *t = fs_trace_new ();
  FsExitStatus ok = { FS_EXIT_CODE, 0, 0, 0 };
  FsProcessId root = fs_trace_add_process (t, 1000, FS_PROCESS_NONE, 0, "root");
  g_autofree FsProcessId *kids = g_new (FsProcessId, MAX (n_children, 1));
  for (guint i = 0; i < n_children; i++)
    {
      g_autofree char *name = g_strdup_printf ("child-%u", i);
      kids[i] = fork_child (t, 1000 + (gint64) i * 1000, root, (gint32) (2000 + i), name);
    }
  gint64 at = 1000 + (gint64) n_children * 1000;
  for (guint i = 0; i < n_children; i++)
    {
      send (t, at, kids[i], root, SIGUSR1, 0);
      deliver (t, at + 400, root, kids[i], SIGUSR1, FS_ACTION_HANDLER, 0);
      exit_code (t, at + 500, kids[i], 0);
      reap (t, at + 700, root, kids[i], ok);
      at += 1000;
    }
  exit_code (t, at, root, 0);
  finish (t);
  return t;
}

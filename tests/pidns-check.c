/* pidns-check.c: see pidns-check.h. */
#include "tests/pidns-check.h"

#include <signal.h>

const char *const fs_test_pidns_argv[] = {
  "unshare", "--user", "--map-root-user", "--pid", "--fork", "/bin/sh", "-c",
  "sleep 5 & kill -USR1 $!; wait $!; "
  "setsid sleep 5 & pgid=$!; sleep 0.1; kill -TERM -$pgid; wait $pgid; exit 3",
  NULL
};

gboolean
fs_test_pidns_usable (void)
{
  const char *argv[] = { "unshare", "--user", "--map-root-user", "--pid", "--fork", "true", NULL };
  int status = -1;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("this system refuses user and PID namespaces");
      return FALSE;
    }
  return TRUE;
}

static const FsEvent *
find (FsTrace *trace, FsEventKind kind, FsProcessId process, int signo)
{
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (ev[i].kind == kind && ev[i].process == process && (signo == 0 || ev[i].signal == signo))
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

void
fs_test_pidns_check (FsTrace *trace)
{
  /* unshare → sh (pid 1 of the namespace) → two children. */
  guint n = 0;
  const FsProcessId *children = fs_trace_children (trace, 0, &n);
  g_assert_cmpuint (n, ==, 1);
  FsProcessId sh = children[0];
  g_assert_cmpint (fs_trace_process (trace, sh)->exit.kind, ==, FS_EXIT_CODE);
  g_assert_cmpint (fs_trace_process (trace, sh)->exit.value, ==, 3);
  /* In order of birth: the killed one, the group leader, `sleep 0.1`. */
  children = fs_trace_children (trace, sh, &n);
  g_assert_cmpuint (n, ==, 3);
  FsProcessId by_birth[3] = { children[0], children[1], children[2] };
  for (int i = 0; i < 3; i++)
    for (int j = i + 1; j < 3; j++)
      if (fs_trace_process (trace, by_birth[j])->start_ns
          < fs_trace_process (trace, by_birth[i])->start_ns)
        {
          FsProcessId swap = by_birth[i];
          by_birth[i] = by_birth[j];
          by_birth[j] = swap;
        }
  FsProcessId first = by_birth[0], second = by_birth[1];

  /* kill(pid): the first child, by its number outside. */
  const FsEvent *send = find (trace, FS_EVENT_SIGNAL_SEND, sh, SIGUSR1);
  g_assert_nonnull (send);
  g_assert_cmpint (send->u.send.target_kind, ==, FS_TARGET_PROCESS);
  g_assert_cmpuint (send->u.send.target, ==, first);
  const FsEvent *deliver = find (trace, FS_EVENT_SIGNAL_DELIVER, first, SIGUSR1);
  g_assert_nonnull (deliver);
  g_assert_cmpuint (deliver->u.deliver.sender, ==, sh);
  g_assert_nonnull (find_reap (trace, sh, first));
  g_assert_cmpint (fs_trace_process (trace, first)->exit.kind, ==, FS_EXIT_SIGNAL);

  /* kill(-pgid): the group the second child leads, named by its pid outside. */
  send = find (trace, FS_EVENT_SIGNAL_SEND, sh, SIGTERM);
  g_assert_nonnull (send);
  g_assert_cmpint (send->u.send.target_kind, ==, FS_TARGET_GROUP);
  g_assert_cmpuint (send->u.send.target, ==, (guint) fs_trace_process (trace, second)->pid);
  g_assert_nonnull (find_reap (trace, sh, second));
  g_assert_cmpint (fs_trace_process (trace, second)->exit.kind, ==, FS_EXIT_SIGNAL);
  g_assert_cmpint (fs_trace_process (trace, second)->exit.value, ==, SIGTERM);
}

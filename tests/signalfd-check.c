/* signalfd-check.c: see signalfd-check.h. */
#include "tests/signalfd-check.h"

#include <signal.h>

const char *
fs_test_signalfd_reader (void)
{
  static char *path;
  if (path == NULL)
    {
      const char *root = g_getenv ("FS_BUILD_ROOT");
      path = g_build_filename (root != NULL ? root : ".", "tests", "signalfd-reader", NULL);
    }
  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("tests/signalfd-reader is not built");
      return NULL;
    }
  return path;
}

void
fs_test_signalfd_check (FsTrace *trace, gboolean inferred)
{
  /* The reader is the one root; its child the one child. */
  guint n = 0;
  const FsProcessId *roots = fs_trace_children (trace, FS_PROCESS_NONE, &n);
  g_assert_cmpuint (n, ==, 1);
  FsProcessId reader = roots[0];
  FsProcess *proc = fs_trace_process (trace, reader);
  g_assert_cmpint (proc->exit.kind, ==, FS_EXIT_CODE);
  g_assert_cmpint (proc->exit.value, ==, 0);
  const FsProcessId *children = fs_trace_children (trace, reader, &n);
  g_assert_cmpuint (n, ==, 1);
  FsProcessId child = children[0];

  /* What the reader took of SIGUSR1 and SIGTERM, in order. */
  const int expected[] = { SIGUSR1, SIGUSR1, SIGTERM };
  guint n_taken = 0, n_sent = 0;
  gsize n_events;
  const FsEvent *ev = fs_trace_events (trace, &n_events);
  for (gsize i = 0; i < n_events; i++)
    {
      if (ev[i].signal != SIGUSR1 && ev[i].signal != SIGTERM)
        continue;
      if (ev[i].kind == FS_EVENT_SIGNAL_SEND)
        {
          g_assert_cmpuint (ev[i].process, ==, child);
          g_assert_cmpint (ev[i].u.send.target_kind, ==, FS_TARGET_PROCESS);
          g_assert_cmpuint (ev[i].u.send.target, ==, reader);
          g_assert_cmpint (ev[i].u.send.result, ==, 0);
          n_sent++;
          continue;
        }
      if (ev[i].kind != FS_EVENT_SIGNAL_DELIVER)
        continue;
      g_assert_cmpuint (ev[i].process, ==, reader);
      g_assert_cmpuint (n_taken, <, G_N_ELEMENTS (expected));
      g_assert_cmpint (ev[i].signal, ==, expected[n_taken]);
      g_assert_cmpint (ev[i].u.deliver.action, ==, FS_ACTION_SIGNALFD);
      g_assert_cmpuint (ev[i].u.deliver.sender, ==, child);
      if (!inferred)
        g_assert_false (ev[i].flags & FS_EVENT_FLAG_INFERRED);
      gsize send = fs_trace_signal_partner (trace, i);
      g_assert_cmpuint (send, !=, FS_EVENT_NONE);
      g_assert_cmpuint (ev[send].process, ==, child);
      n_taken++;
    }
  g_assert_cmpuint (n_sent, ==, 3);
  g_assert_cmpuint (n_taken, ==, 3);
}

/* ui-test-trace.h: a small hand-built trace for the app's tests — the blog
 * post's ordered-results program: main forks two workers, each sends CONT
 * to main when done, main releases them in order and reaps them. */
#pragma once

#include "core/trace-model.h"

#define UI_TEST_MS ((gint64) 1000000)
#define UI_TEST_S ((gint64) 1000000000)

typedef struct {
  FsTrace *trace;
  FsProcessId main_id, worker1, worker2;
  guint n_outputs;
  guint n_signal_events;
} UiTestTrace;

static inline void
ui_test_send (FsTrace *trace, gint64 t, FsProcessId from, FsProcessId to, int sig, FsSignalAction action)
{
  FsEvent *ev = fs_trace_append (trace, t, from, FS_EVENT_SIGNAL_SEND);
  ev->signal = (guint8) sig;
  ev->u.send.target = to;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev = fs_trace_append (trace, t + 50000, to, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = (guint8) sig;
  ev->u.deliver.sender = from;
  ev->u.deliver.action = action;
}

static inline void
ui_test_print (FsTrace *trace, gint64 t, FsProcessId who, const char *text)
{
  fs_trace_append (trace, t, who, FS_EVENT_OUTPUT)->u.output.text = fs_trace_intern (trace, text);
}

static inline UiTestTrace
ui_test_trace_new (void)
{
  UiTestTrace t = { 0 };
  FsTrace *trace = fs_trace_new ();
  const char *const argv[] = { "./ordered-results", "--verbose", NULL };
  FsEvent *ev;
  GError *error = NULL;

  t.trace = trace;
  t.main_id = fs_trace_add_process (trace, 100, FS_PROCESS_NONE, 0, "main");
  t.worker1 = fs_trace_add_process (trace, 101, t.main_id, 1000, "worker1");
  t.worker2 = fs_trace_add_process (trace, 102, t.main_id, 2000, "worker2");

  ev = fs_trace_append (trace, 500, t.main_id, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (trace, "/usr/local/bin/ordered-results");
  ev->u.exec.argv = fs_trace_add_strv (trace, argv);
  fs_trace_append (trace, 1000, t.main_id, FS_EVENT_FORK)->u.fork.child = t.worker1;
  fs_trace_append (trace, 2000, t.main_id, FS_EVENT_FORK)->u.fork.child = t.worker2;
  ui_test_print (trace, 3000, t.worker1, "Starting very expensive operation...");
  ui_test_print (trace, 3500, t.worker2, "Starting slightly expensive operation...");
  ui_test_print (trace, 4000, t.main_id, "All children started.");
  ev = fs_trace_append (trace, 5000, t.main_id, FS_EVENT_BLOCK);
  ev->u.block.reason = FS_BLOCK_SIGWAIT;

  ui_test_send (trace, 2 * UI_TEST_S, t.worker2, t.main_id, SIGCONT, FS_ACTION_SIGWAIT);
  ui_test_send (trace, 5 * UI_TEST_S, t.worker1, t.main_id, SIGCONT, FS_ACTION_SIGWAIT);
  fs_trace_append (trace, 5 * UI_TEST_S + 60000, t.main_id, FS_EVENT_UNBLOCK);
  ui_test_print (trace, 5 * UI_TEST_S + 100000, t.main_id,
                 "All children finished main tasks; asking them to display results in order.");

  ui_test_send (trace, 5 * UI_TEST_S + 200000, t.main_id, t.worker1, SIGCONT, FS_ACTION_SIGWAIT);
  ui_test_print (trace, 5 * UI_TEST_S + 300000, t.worker1, "very expensive operation complete.");
  ev = fs_trace_append (trace, 5 * UI_TEST_S + 400000, t.worker1, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { FS_EXIT_CODE, 0, 0, 0 };
  ev = fs_trace_append (trace, 5 * UI_TEST_S + 500000, t.main_id, FS_EVENT_REAP);
  ev->u.reap.child = t.worker1;
  ev->u.reap.status = (FsExitStatus) { FS_EXIT_CODE, 0, 0, 0 };

  ui_test_send (trace, 5 * UI_TEST_S + 600000, t.main_id, t.worker2, SIGCONT, FS_ACTION_SIGWAIT);
  ui_test_print (trace, 5 * UI_TEST_S + 700000, t.worker2, "slightly expensive operation complete.");
  ev = fs_trace_append (trace, 5 * UI_TEST_S + 800000, t.worker2, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { FS_EXIT_CODE, 0, 0, 3 };
  ev = fs_trace_append (trace, 5 * UI_TEST_S + 900000, t.main_id, FS_EVENT_REAP);
  ev->u.reap.child = t.worker2;
  ev->u.reap.status = (FsExitStatus) { FS_EXIT_CODE, 0, 0, 3 };
  ev = fs_trace_append (trace, 5 * UI_TEST_S + 1000000, t.main_id, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { FS_EXIT_CODE, 0, 0, 0 };

  t.n_outputs = 6;
  t.n_signal_events = 8;
  if (!fs_trace_finish (trace, &error))
    g_error ("ui test trace: %s", error->message);
  return t;
}

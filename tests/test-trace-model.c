/* Model queries on hand-built traces. */
#include "core/trace-model.h"

#include <signal.h>

/* main(0) forks a(1) at 10 and b(2) at 20; a sends CONT to main at 30, main
 * takes it in sigwait at 40; main sends TERM to b at 50, b dies of it at 60
 * (delivered at 55), main reaps b at 70 and a at 90 after a exits at 80. */
static FsTrace *
build_small_trace (void)
{
  FsTrace *trace = fs_trace_new ();
  FsProcessId main_id = fs_trace_add_process (trace, 100, FS_PROCESS_NONE, 0, "main");
  FsProcessId a = fs_trace_add_process (trace, 101, main_id, 10, "a");
  FsProcessId b = fs_trace_add_process (trace, 102, main_id, 20, "b");
  FsEvent *ev;
  g_autoptr(GError) error = NULL;

  fs_trace_append (trace, 10, main_id, FS_EVENT_FORK)->u.fork.child = a;
  fs_trace_append (trace, 20, main_id, FS_EVENT_FORK)->u.fork.child = b;
  ev = fs_trace_append (trace, 25, main_id, FS_EVENT_BLOCK);
  ev->u.block.reason = FS_BLOCK_SIGWAIT;
  ev = fs_trace_append (trace, 30, a, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGCONT;
  ev->u.send.target = main_id;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev = fs_trace_append (trace, 40, main_id, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGCONT;
  ev->u.deliver.sender = a;
  ev->u.deliver.action = FS_ACTION_SIGWAIT;
  fs_trace_append (trace, 40, main_id, FS_EVENT_UNBLOCK);
  ev = fs_trace_append (trace, 45, main_id, FS_EVENT_OUTPUT);
  ev->u.output.text = fs_trace_intern (trace, "hello");
  ev = fs_trace_append (trace, 50, main_id, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGTERM;
  ev->u.send.target = b;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev = fs_trace_append (trace, 55, b, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGTERM;
  ev->u.deliver.sender = FS_PROCESS_NONE;
  ev->u.deliver.action = FS_ACTION_TERMINATE;
  ev = fs_trace_append (trace, 60, b, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { FS_EXIT_SIGNAL, 0, 0, SIGTERM };
  ev = fs_trace_append (trace, 70, main_id, FS_EVENT_REAP);
  ev->u.reap.child = b;
  ev->u.reap.status = (FsExitStatus) { FS_EXIT_SIGNAL, 0, 0, SIGTERM };
  ev = fs_trace_append (trace, 80, a, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { FS_EXIT_CODE, 0, 0, 0 };
  ev = fs_trace_append (trace, 90, main_id, FS_EVENT_REAP);
  ev->u.reap.child = a;
  g_assert_true (fs_trace_finish (trace, &error));
  g_assert_no_error (error);
  return trace;
}

static void
test_states (void)
{
  g_autoptr(FsTrace) trace = build_small_trace ();
  FsProcessState st;

  fs_trace_process_state_at (trace, 1, 5, &st);
  g_assert_cmpint (st.state, ==, FS_STATE_UNBORN);
  fs_trace_process_state_at (trace, 1, 10, &st);
  g_assert_cmpint (st.state, ==, FS_STATE_RUNNING);
  fs_trace_process_state_at (trace, 0, 35, &st);
  g_assert_cmpint (st.state, ==, FS_STATE_BLOCKED);
  g_assert_cmpint (st.block_reason, ==, FS_BLOCK_SIGWAIT);
  g_assert_cmphex (st.pending, ==, G_GUINT64_CONSTANT (1) << (SIGCONT - 1));
  fs_trace_process_state_at (trace, 0, 40, &st);
  g_assert_cmpint (st.state, ==, FS_STATE_RUNNING);
  g_assert_cmphex (st.pending, ==, 0);
  g_assert_cmpuint (st.last_output, ==, G_MAXSIZE);
  fs_trace_process_state_at (trace, 0, 46, &st);
  g_assert_cmpuint (st.last_output, ==, 6);
  g_assert_cmpstr (fs_trace_string (trace, fs_trace_event (trace, st.last_output)->u.output.text), ==, "hello");
  fs_trace_process_state_at (trace, 2, 65, &st);
  g_assert_cmpint (st.state, ==, FS_STATE_ZOMBIE);
  fs_trace_process_state_at (trace, 2, 70, &st);
  g_assert_cmpint (st.state, ==, FS_STATE_GONE);
  fs_trace_process_state_at (trace, 1, 85, &st);
  g_assert_cmpint (st.state, ==, FS_STATE_ZOMBIE);

  {
    FsProcessState all[3];
    fs_trace_states_at (trace, 52, all);
    g_assert_cmpint (all[0].state, ==, FS_STATE_RUNNING);
    g_assert_cmpint (all[1].state, ==, FS_STATE_RUNNING);
    g_assert_cmphex (all[2].pending, ==, G_GUINT64_CONSTANT (1) << (SIGTERM - 1));
  }
  /* Facts derived from events. */
  g_assert_cmpint (fs_trace_process (trace, 2)->end_ns, ==, 60);
  g_assert_cmpint (fs_trace_process (trace, 2)->reap_ns, ==, 70);
  g_assert_cmpint (fs_trace_process (trace, 2)->exit.kind, ==, FS_EXIT_SIGNAL);
  g_assert_cmpint (fs_trace_duration (trace), ==, 90);
}

static void
test_flights (void)
{
  g_autoptr(FsTrace) trace = build_small_trace ();
  g_autoptr(GArray) none = fs_trace_signals_in_flight (trace, 29);
  g_autoptr(GArray) one = fs_trace_signals_in_flight (trace, 30);
  g_autoptr(GArray) delivered = fs_trace_signals_in_flight (trace, 40);
  g_autoptr(GArray) term = fs_trace_signals_in_flight (trace, 54);

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpuint (g_array_index (one, FsSignalFlight, 0).send_index, ==, 3);
  g_assert_cmpuint (g_array_index (one, FsSignalFlight, 0).deliver_index, ==, 4);
  g_assert_cmpuint (delivered->len, ==, 0);
  g_assert_cmpuint (term->len, ==, 1);
  g_assert_cmpuint (fs_trace_signal_partner (trace, 4), ==, 3);
  g_assert_cmpuint (fs_trace_signal_partner (trace, 3), ==, 4);
  /* The TERM delivery named no sender: its pairing is a guess and says so. */
  g_assert_true (fs_trace_event (trace, 8)->flags & FS_EVENT_FLAG_INFERRED);
  g_assert_false (fs_trace_event (trace, 4)->flags & FS_EVENT_FLAG_INFERRED);
}

static void
test_nearest_and_ranges (void)
{
  g_autoptr(FsTrace) trace = build_small_trace ();
  gsize first, n;

  g_assert_cmpuint (fs_trace_nearest_event (trace, -5), ==, 0);
  g_assert_cmpuint (fs_trace_nearest_event (trace, 14), ==, 0);
  g_assert_cmpuint (fs_trace_nearest_event (trace, 16), ==, 1);
  /* Two events at 40: the nearest is the first of them. */
  g_assert_cmpuint (fs_trace_nearest_event (trace, 41), ==, 4);
  g_assert_cmpuint (fs_trace_nearest_event (trace, 1000), ==, fs_trace_n_events (trace) - 1);
  g_assert_cmpuint (fs_trace_event_at_or_before (trace, 40), ==, 5);
  g_assert_cmpuint (fs_trace_event_at_or_before (trace, 9), ==, G_MAXSIZE);
  n = fs_trace_range (trace, 30, 50, &first);
  g_assert_cmpuint (first, ==, 3);
  g_assert_cmpuint (n, ==, 4);
}

static void
test_children_and_events (void)
{
  g_autoptr(FsTrace) trace = build_small_trace ();
  guint n;
  const FsProcessId *kids = fs_trace_children (trace, 0, &n);
  const FsProcessId *roots = fs_trace_children (trace, FS_PROCESS_NONE, &n);
  const guint32 *evs;

  kids = fs_trace_children (trace, 0, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (kids[0], ==, 1);
  g_assert_cmpuint (kids[1], ==, 2);
  roots = fs_trace_children (trace, FS_PROCESS_NONE, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (roots[0], ==, 0);
  /* b: forked, sent TERM, delivered, exited, reaped. */
  evs = fs_trace_process_events (trace, 2, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpint (fs_trace_event (trace, evs[0])->kind, ==, FS_EVENT_FORK);
  g_assert_cmpint (fs_trace_event (trace, evs[4])->kind, ==, FS_EVENT_REAP);
}

/* Ids follow appearance, which is not always birth: siblings still come in
 * birth order (the graph, the sequence columns and the lanes follow it). */
static void
test_children_in_birth_order (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  g_autoptr(GError) error = NULL;
  FsProcessId main_id = fs_trace_add_process (trace, 100, FS_PROCESS_NONE, 0, "main");
  FsProcessId second = fs_trace_add_process (trace, 102, main_id, 20, "second");
  FsProcessId first = fs_trace_add_process (trace, 101, main_id, 10, "first");
  FsProcessId third = fs_trace_add_process (trace, 103, main_id, 30, "third");
  g_assert_true (fs_trace_finish (trace, &error));
  guint n;
  const FsProcessId *kids = fs_trace_children (trace, main_id, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (kids[0], ==, first);
  g_assert_cmpuint (kids[1], ==, second);
  g_assert_cmpuint (kids[2], ==, third);
}

static void
test_unsorted_appends_are_sorted_stably (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  FsProcessId p = fs_trace_add_process (trace, 1, FS_PROCESS_NONE, 0, "p");
  g_autoptr(GError) error = NULL;

  fs_trace_append (trace, 30, p, FS_EVENT_OUTPUT)->u.output.text = fs_trace_intern (trace, "c");
  fs_trace_append (trace, 10, p, FS_EVENT_OUTPUT)->u.output.text = fs_trace_intern (trace, "a");
  fs_trace_append (trace, 10, p, FS_EVENT_OUTPUT)->u.output.text = fs_trace_intern (trace, "b");
  g_assert_true (fs_trace_finish (trace, &error));
  g_assert_cmpstr (fs_trace_string (trace, fs_trace_event (trace, 0)->u.output.text), ==, "a");
  g_assert_cmpstr (fs_trace_string (trace, fs_trace_event (trace, 1)->u.output.text), ==, "b");
  g_assert_cmpstr (fs_trace_string (trace, fs_trace_event (trace, 2)->u.output.text), ==, "c");
}

static void
test_invalid_references (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  FsProcessId p = fs_trace_add_process (trace, 1, FS_PROCESS_NONE, 0, "p");
  g_autoptr(GError) error = NULL;

  fs_trace_append (trace, 1, p, FS_EVENT_FORK)->u.fork.child = 42;
  g_assert_false (fs_trace_finish (trace, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "unknown child"));
}

static void
test_standard_signals_coalesce (void)
{
  /* Three SIGUSR1 sends before one delivery: all three end at it. */
  g_autoptr(FsTrace) trace = fs_trace_new ();
  FsProcessId a = fs_trace_add_process (trace, 1, FS_PROCESS_NONE, 0, "a");
  FsProcessId b = fs_trace_add_process (trace, 2, a, 0, "b");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) flying = NULL;

  for (int i = 0; i < 3; i++)
    {
      FsEvent *ev = fs_trace_append (trace, 10 + i, a, FS_EVENT_SIGNAL_SEND);
      ev->signal = SIGUSR1;
      ev->u.send.target = b;
    }
  FsEvent *d = fs_trace_append (trace, 20, b, FS_EVENT_SIGNAL_DELIVER);
  d->signal = SIGUSR1;
  d->u.deliver.sender = a;
  d->u.deliver.action = FS_ACTION_HANDLER;
  g_assert_true (fs_trace_finish (trace, &error));
  flying = fs_trace_signals_in_flight (trace, 15);
  g_assert_cmpuint (flying->len, ==, 3);
  g_array_unref (g_steal_pointer (&flying));
  flying = fs_trace_signals_in_flight (trace, 20);
  g_assert_cmpuint (flying->len, ==, 0);
  for (int i = 0; i < 3; i++)
    g_assert_cmpuint (fs_trace_signal_partner (trace, i), ==, 3);
}

static void
test_same_time_send_after_delivery (void)
{
  /* A kernel SIGCHLD recorded from the receiver: delivery first, send second,
   * same time.  They still pair, and nothing stays in flight. */
  g_autoptr(FsTrace) trace = fs_trace_new ();
  FsProcessId a = fs_trace_add_process (trace, 1, FS_PROCESS_NONE, 0, "a");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) flying = NULL;
  FsEvent *ev;

  ev = fs_trace_append (trace, 10, a, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGCHLD;
  ev->u.deliver.sender = FS_PROCESS_KERNEL;
  ev->u.deliver.action = FS_ACTION_IGNORED;
  ev = fs_trace_append (trace, 10, FS_PROCESS_KERNEL, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGCHLD;
  ev->u.send.target = a;
  g_assert_true (fs_trace_finish (trace, &error));
  /* The send now comes first at that instant, paired with the delivery. */
  g_assert_cmpint (fs_trace_event (trace, 0)->kind, ==, FS_EVENT_SIGNAL_SEND);
  g_assert_cmpuint (fs_trace_signal_partner (trace, 0), ==, 1);
  g_assert_cmpuint (fs_trace_signal_partner (trace, 1), ==, 0);
  flying = fs_trace_signals_in_flight (trace, 10);
  g_assert_cmpuint (flying->len, ==, 0);
}

static void
test_group_signals (void)
{
  /* kill(-100, SIGTERM): a and b are in group 100, c in 200. */
  g_autoptr(FsTrace) trace = fs_trace_new ();
  FsProcessId a = fs_trace_add_process (trace, 100, FS_PROCESS_NONE, 0, "a");
  FsProcessId b = fs_trace_add_process (trace, 101, a, 0, "b");
  FsProcessId c = fs_trace_add_process (trace, 102, a, 0, "c");
  FsProcessState st[3];
  g_autoptr(GError) error = NULL;
  FsEvent *ev;

  fs_trace_process (trace, a)->pgid = 100;
  fs_trace_process (trace, b)->pgid = 100;
  fs_trace_process (trace, c)->pgid = 200;
  ev = fs_trace_append (trace, 10, c, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGTERM;
  ev->u.send.target_kind = FS_TARGET_GROUP;
  ev->u.send.target = 100;
  ev = fs_trace_append (trace, 20, b, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGTERM;
  ev->u.deliver.sender = c;
  ev->u.deliver.action = FS_ACTION_TERMINATE;
  g_assert_true (fs_trace_finish (trace, &error));
  fs_trace_states_at (trace, 15, st);
  g_assert_cmphex (st[a].pending, ==, G_GUINT64_CONSTANT (1) << (SIGTERM - 1));
  g_assert_cmphex (st[b].pending, ==, G_GUINT64_CONSTANT (1) << (SIGTERM - 1));
  g_assert_cmphex (st[c].pending, ==, 0);
  g_assert_cmpuint (fs_trace_signal_partner (trace, 1), ==, 0);
}

static void
test_many_flights_use_checkpoints (void)
{
  /* 5000 sends, each delivered 3 events later; one never delivered. */
  g_autoptr(FsTrace) trace = fs_trace_new ();
  FsProcessId a = fs_trace_add_process (trace, 1, FS_PROCESS_NONE, 0, "a");
  FsProcessId b = fs_trace_add_process (trace, 2, a, 0, "b");
  g_autoptr(GError) error = NULL;
  FsEvent *ev;

  ev = fs_trace_append (trace, 1, a, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGUSR2;
  ev->u.send.target = b;
  for (int i = 0; i < 5000; i++)
    {
      ev = fs_trace_append (trace, 10 + 10 * i, a, FS_EVENT_SIGNAL_SEND);
      ev->signal = SIGRTMIN;
      ev->u.send.target = b;
      ev = fs_trace_append (trace, 15 + 10 * i, b, FS_EVENT_SIGNAL_DELIVER);
      ev->signal = SIGRTMIN;
      ev->u.deliver.sender = a;
      ev->u.deliver.action = FS_ACTION_HANDLER;
    }
  g_assert_true (fs_trace_finish (trace, &error));
  for (int i = 0; i < 5000; i += 97)
    {
      g_autoptr(GArray) at_send = fs_trace_signals_in_flight (trace, 10 + 10 * i);
      g_autoptr(GArray) between = fs_trace_signals_in_flight (trace, 16 + 10 * i);
      g_assert_cmpuint (at_send->len, ==, 2);  /* this one plus the undelivered SIGUSR2 */
      g_assert_cmpuint (between->len, ==, 1);
      g_assert_cmpuint (g_array_index (between, FsSignalFlight, 0).send_index, ==, 0);
    }
}

static void
test_signal_names (void)
{
  char *s;
  int code = 0;

  g_assert_cmpint (fs_signal_from_name ("CONT"), ==, SIGCONT);
  g_assert_cmpint (fs_signal_from_name ("sigcont"), ==, SIGCONT);
  g_assert_cmpint (fs_signal_from_name ("SIGKILL"), ==, SIGKILL);
  g_assert_cmpint (fs_signal_from_name ("9"), ==, 9);
  g_assert_cmpint (fs_signal_from_name ("RTMIN+2"), ==, SIGRTMIN + 2);
  g_assert_cmpint (fs_signal_from_name ("SIGRTMAX-1"), ==, SIGRTMAX - 1);
  g_assert_cmpint (fs_signal_from_name ("NOPE"), ==, 0);
  g_assert_cmpint (fs_signal_from_name ("65"), ==, 0);
  g_assert_cmpint (fs_signal_from_name (""), ==, 0);
  for (int sig = 1; sig <= 64; sig++)
    if (fs_signal_name (sig) != NULL && sig != 32 && sig != 33)
      g_assert_cmpint (fs_signal_from_name (fs_signal_name (sig)), ==, sig);
  s = fs_signal_code_name (SIGCHLD, CLD_EXITED);
  g_assert_cmpstr (s, ==, "CLD_EXITED");
  g_free (s);
  g_assert_true (fs_signal_code_from_name ("SI_QUEUE", &code));
  g_assert_cmpint (code, ==, SI_QUEUE);
  g_assert_cmpint (fs_signal_default_action (SIGCHLD), ==, FS_ACTION_IGNORED);
  g_assert_cmpint (fs_signal_default_action (SIGSEGV), ==, FS_ACTION_CORE);
  {
    FsExitStatus st = fs_exit_status_from_wait (SIGKILL);
    g_autofree char *text = fs_exit_status_to_string (&st);
    g_assert_cmpstr (text, ==, "signal SIGKILL");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/FsTrace/states", test_states);
  g_test_add_func ("/FsTrace/children-in-birth-order", test_children_in_birth_order);
  g_test_add_func ("/FsTrace/flights", test_flights);
  g_test_add_func ("/FsTrace/nearest-and-ranges", test_nearest_and_ranges);
  g_test_add_func ("/FsTrace/children-and-events", test_children_and_events);
  g_test_add_func ("/FsTrace/unsorted-appends", test_unsorted_appends_are_sorted_stably);
  g_test_add_func ("/FsTrace/invalid-references", test_invalid_references);
  g_test_add_func ("/FsTrace/standard-signals-coalesce", test_standard_signals_coalesce);
  g_test_add_func ("/FsTrace/many-flights", test_many_flights_use_checkpoints);
  g_test_add_func ("/FsTrace/group-signals", test_group_signals);
  g_test_add_func ("/FsTrace/same-time-send-after-delivery", test_same_time_send_after_delivery);
  g_test_add_func ("/FsTrace/signal-names", test_signal_names);
  return g_test_run ();
}

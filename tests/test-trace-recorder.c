/* The recorder: pid → process mapping, reuse, threads, ordering. */
#include "core/trace-recorder.h"

#include <signal.h>
#include <sys/wait.h>

#define MS (G_GINT64_CONSTANT (1000000))

static void
count_consumed (FsTrace *trace, gsize first, gsize n, gpointer user_data)
{
  gsize *total = user_data;
  g_assert_cmpuint (first, ==, *total);
  *total += n;
}

static void
test_pid_reuse_and_threads (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  g_autoptr(FsRecorder) rec = fs_recorder_new (trace, 1000 * MS);
  g_autoptr(GError) error = NULL;
  gsize consumed = 0;
  FsProcessId first_child, second_child;

  fs_recorder_set_consumer (rec, count_consumed, &consumed);
  fs_recorder_process_new (rec, 1000 * MS, 50, 0, "root", 0);
  fs_recorder_set_ids (rec, 50, 50, 50);
  first_child = fs_recorder_process_new (rec, 1001 * MS, 51, 50, NULL, 0);
  fs_recorder_thread_new (rec, 1002 * MS, 51, 60);
  g_assert_cmpuint (fs_recorder_lookup (rec, 60), ==, first_child);
  fs_recorder_exit (rec, 1003 * MS, 51, 7 << 8);
  fs_recorder_reap (rec, 1004 * MS, 50, 51, 7 << 8);
  g_assert_false (fs_recorder_is_traced (rec, 51));
  /* The pid comes back for a new process: a new id, the old one untouched. */
  second_child = fs_recorder_process_new (rec, 1005 * MS, 51, 50, "again", 0);
  g_assert_cmpuint (second_child, !=, first_child);
  g_assert_cmpuint (fs_recorder_lookup (rec, 51), ==, second_child);
  g_assert_cmpuint (fs_recorder_n_alive (rec), ==, 2);
  fs_recorder_signal_send (rec, 1006 * MS, 50, 0, SIGTERM, SI_USER, 0, 0);
  fs_recorder_signal_send (rec, 1006 * MS, 0, 51, SIGCHLD, CLD_EXITED, 0, 0);
  fs_recorder_signal_send (rec, 1006 * MS, 50, 4242, SIGUSR1, SI_USER, -ESRCH, 0);
  g_assert_true (fs_recorder_flush (rec, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, fs_trace_n_events (trace));
  g_assert_true (fs_trace_finish (trace, &error));

  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 3);
  g_assert_cmpint (fs_trace_process (trace, first_child)->exit.kind, ==, FS_EXIT_CODE);
  g_assert_cmpint (fs_trace_process (trace, first_child)->exit.value, ==, 7);
  g_assert_cmpint (fs_trace_process (trace, first_child)->start_ns, ==, 1 * MS);
  g_assert_cmpint (fs_trace_process (trace, first_child)->reap_ns, ==, 4 * MS);
  g_assert_cmpint (fs_trace_process (trace, first_child)->pgid, ==, 50);
  g_assert_cmpstr (fs_trace_string (trace, fs_trace_process (trace, first_child)->comm), ==, "root");
  g_assert_nonnull (fs_trace_process (trace, first_child)->threads);
  g_assert_cmpuint (fs_trace_process (trace, second_child)->end_ns, ==, FS_TIME_NONE);
  {
    gsize n;
    const FsEvent *ev = fs_trace_events (trace, &n);
    const FsEvent *group_kill = NULL, *kernel = NULL, *outside = NULL;
    for (gsize i = 0; i < n; i++)
      if (ev[i].kind == FS_EVENT_SIGNAL_SEND)
        {
          if (ev[i].signal == SIGTERM) group_kill = &ev[i];
          if (ev[i].signal == SIGCHLD) kernel = &ev[i];
          if (ev[i].signal == SIGUSR1) outside = &ev[i];
        }
    g_assert_nonnull (group_kill);
    g_assert_cmpint (group_kill->u.send.target_kind, ==, FS_TARGET_GROUP);
    g_assert_cmpuint (group_kill->u.send.target, ==, 50);
    g_assert_cmpuint (kernel->process, ==, FS_PROCESS_KERNEL);
    g_assert_cmpuint (kernel->u.send.target, ==, second_child);
    g_assert_cmpint (outside->u.send.target_kind, ==, FS_TARGET_PID);
    g_assert_cmpint (outside->u.send.result, ==, -ESRCH);
  }
}

static void
test_reorder_window (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  /* t=0 lies an hour ahead, so the clock does not release anything here. */
  gint64 t0 = fs_recorder_now () + G_GINT64_CONSTANT (3600) * 1000 * MS;
  g_autoptr(FsRecorder) rec = fs_recorder_new (trace, t0);
  g_autoptr(GError) error = NULL;

  fs_recorder_set_reorder_window (rec, 10 * MS);
  fs_recorder_process_new (rec, t0, 10, 0, "p", 0);
  fs_recorder_output (rec, t0 + 20 * MS, 10, FS_STREAM_STDOUT, "second", 6);
  fs_recorder_output (rec, t0 + 15 * MS, 10, FS_STREAM_STDOUT, "first", 5);
  fs_recorder_output (rec, t0 + 100 * MS, 10, FS_STREAM_STDOUT, "late-window", 11);
  g_assert_true (fs_recorder_flush (rec, FALSE, &error));
  /* 15 and 20 are older than newest-window (90 ms) and come out sorted. */
  g_assert_cmpuint (fs_trace_n_events (trace), ==, 2);
  g_assert_cmpstr (fs_trace_string (trace, fs_trace_event (trace, 0)->u.output.text), ==, "first");
  /* Something older than what was already written is clamped, not lost. */
  fs_recorder_output (rec, t0 + 5 * MS, 10, FS_STREAM_STDERR, "straggler", 9);
  g_assert_true (fs_recorder_flush (rec, TRUE, &error));
  g_assert_cmpuint (fs_trace_n_events (trace), ==, 4);
  g_assert_cmpint (fs_trace_event (trace, 2)->t_ns, ==, 20 * MS);
  g_assert_true (fs_trace_event (trace, 2)->flags & FS_EVENT_FLAG_TIME_CLAMPED);
  g_assert_cmpstr (fs_trace_string (trace, fs_trace_event (trace, 2)->u.output.text), ==, "straggler");
  g_assert_true (fs_trace_finish (trace, &error));
}

/* The trace holds exactly n output events, "a", "b", "c"… in that order,
 * none with a clamped time. */
static void
assert_outputs_in_letter_order (FsTrace *trace, guint n)
{
  g_assert_cmpuint (fs_trace_n_events (trace), ==, n);
  for (guint i = 0; i < n; i++)
    {
      const FsEvent *ev = fs_trace_event (trace, i);
      char want[2] = { (char) ('a' + i), 0 };
      g_assert_cmpstr (fs_trace_string (trace, ev->u.output.text), ==, want);
      g_assert_false (ev->flags & FS_EVENT_FLAG_TIME_CLAMPED);
    }
}

/* The held events a flush leaves stay where they are (the recorder moves
 * them down only now and then): later flushes, in order or not, must still
 * put out every event once, sorted. */
static void
test_reorder_across_flushes (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  gint64 t0 = fs_recorder_now () + G_GINT64_CONSTANT (3600) * 1000 * MS;
  g_autoptr(FsRecorder) rec = fs_recorder_new (trace, t0);
  g_autoptr(GError) error = NULL;
  static const struct { int ms; const char *text; } steps[][4] = {
    { { 20, "a" }, { 100, "c" }, { 101, "d" }, { 102, "e" } },  /* a goes; c d e stay */
    { { 95, "b" }, { 200, "g" }, { 150, "f" }, { 0, NULL } },   /* b, f out of order */
    { { 300, "h" }, { 0, NULL } },
  };
  static const guint written_after[] = { 1, 6, 7 };

  fs_recorder_set_reorder_window (rec, 10 * MS);
  fs_recorder_process_new (rec, t0, 10, 0, "p", 0);
  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      for (guint i = 0; i < 4 && steps[s][i].text != NULL; i++)
        fs_recorder_output (rec, t0 + steps[s][i].ms * MS, 10, FS_STREAM_STDOUT,
                            steps[s][i].text, 1);
      g_assert_true (fs_recorder_flush (rec, FALSE, &error));
      g_assert_cmpuint (fs_trace_n_events (trace), ==, written_after[s]);
    }
  g_assert_true (fs_recorder_flush (rec, TRUE, &error));
  assert_outputs_in_letter_order (trace, 8);
  g_assert_true (fs_trace_finish (trace, &error));
}

/* An event that comes after a flush sorted the held ones, later than the
 * last one held before the sort but earlier than the newest: it is out of
 * order too, and must go out in its place (not after the newest, clamped). */
static void
test_reorder_after_a_sort (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  gint64 t0 = fs_recorder_now () + G_GINT64_CONSTANT (3600) * 1000 * MS;
  g_autoptr(FsRecorder) rec = fs_recorder_new (trace, t0);
  g_autoptr(GError) error = NULL;

  fs_recorder_set_reorder_window (rec, 1000 * MS);
  fs_recorder_process_new (rec, t0, 10, 0, "p", 0);
  fs_recorder_output (rec, t0 + 100 * MS, 10, FS_STREAM_STDOUT, "a", 1);
  fs_recorder_output (rec, t0 + 300 * MS, 10, FS_STREAM_STDOUT, "d", 1);
  fs_recorder_output (rec, t0 + 200 * MS, 10, FS_STREAM_STDOUT, "b", 1);
  g_assert_true (fs_recorder_flush (rec, FALSE, &error));   /* sorts, puts nothing out */
  fs_recorder_output (rec, t0 + 250 * MS, 10, FS_STREAM_STDOUT, "c", 1);
  g_assert_true (fs_recorder_flush (rec, TRUE, &error));
  assert_outputs_in_letter_order (trace, 4);
  g_assert_true (fs_trace_finish (trace, &error));
}

static void
test_idle_flush_uses_the_clock (void)
{
  /* One event, then silence: after the window has passed on the clock, a
   * plain flush writes it even though no newer event arrived. */
  g_autoptr(FsTrace) trace = fs_trace_new ();
  g_autoptr(FsRecorder) rec = fs_recorder_new (trace, fs_recorder_now ());
  g_autoptr(GError) error = NULL;

  fs_recorder_set_reorder_window (rec, 5 * MS);
  fs_recorder_process_new (rec, fs_recorder_now (), 10, 0, "p", 0);
  fs_recorder_marker (rec, fs_recorder_now (), 10, 1, "only");
  g_usleep (20 * 1000);
  g_assert_true (fs_recorder_flush (rec, FALSE, &error));
  g_assert_cmpuint (fs_trace_n_events (trace), ==, 1);
}

static gpointer
produce_markers (gpointer data)
{
  FsRecorder *rec = data;
  for (int i = 0; i < 250; i++)
    {
      fs_recorder_marker (rec, fs_recorder_now (), 1, (guint32) i, "m");
      if (i % 50 == 0)
        g_assert_true (fs_recorder_flush (rec, FALSE, NULL));
    }
  return NULL;
}

static void
test_threads_from_many_producers (void)
{
  /* Producers on several threads; the trace ends up complete and ordered. */
  g_autoptr(FsTrace) trace = fs_trace_new ();
  g_autoptr(FsRecorder) rec = fs_recorder_new (trace, fs_recorder_now ());
  g_autoptr(GError) error = NULL;
  GThread *threads[4];

  fs_recorder_process_new (rec, fs_recorder_now (), 1, 0, "p", 0);
  for (int t = 0; t < 4; t++)
    threads[t] = g_thread_new ("producer", produce_markers, rec);
  for (int t = 0; t < 4; t++)
    g_thread_join (threads[t]);
  g_assert_true (fs_recorder_flush (rec, TRUE, &error));
  g_assert_true (fs_trace_finish (trace, &error));
  g_assert_cmpuint (fs_trace_n_events (trace), ==, 1000);
  g_assert_cmpuint (fs_recorder_n_events (rec), ==, 1000);
  for (gsize i = 1; i < 1000; i++)
    g_assert_cmpint (fs_trace_event (trace, i - 1)->t_ns, <=, fs_trace_event (trace, i)->t_ns);
}

/* The tree's own losses and other processes' dropped signals stay apart. */
static void
test_lost_counts (void)
{
  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (FsRecorder) rec = fs_recorder_new (trace, 0);
  fs_recorder_add_lost_outside (rec, 7);
  fs_recorder_add_lost_outside (rec, 5);
  fs_recorder_add_lost (rec, 2);
  FsTraceMeta *meta = fs_trace_get_meta (trace);
  g_assert_cmpuint (meta->lost_events, ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (meta->extra, FS_META_LOST_OUTSIDE_SIGNALS), ==, "12");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/FsRecorder/pid-reuse-and-threads", test_pid_reuse_and_threads);
  g_test_add_func ("/FsRecorder/reorder-window", test_reorder_window);
  g_test_add_func ("/FsRecorder/reorder-across-flushes", test_reorder_across_flushes);
  g_test_add_func ("/FsRecorder/reorder-after-a-sort", test_reorder_after_a_sort);
  g_test_add_func ("/FsRecorder/idle-flush-uses-the-clock", test_idle_flush_uses_the_clock);
  g_test_add_func ("/FsRecorder/unordered-producer", test_threads_from_many_producers);
  g_test_add_func ("/FsRecorder/lost-counts", test_lost_counts);
  return g_test_run ();
}

/* test-ui-session.c: the app's document (playhead, stepping, playback) and the
 * event list model (lazy rows, filters, search) without a display. */
#include "ui/fs-session.h"
#include "ui/fs-event-list-model.h"
#include "ui/fs-event-format.h"
#include "ui-test-trace.h"

#include <stdlib.h>
#include <string.h>

static void
test_seek (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autoptr (FsSession) session = fs_session_new ();
  gint64 duration;

  fs_session_set_trace (session, t.trace, "/tmp/x.fstrace", NULL);
  duration = fs_session_get_duration (session);
  g_assert_cmpint (duration, ==, fs_trace_duration (t.trace));
  g_assert_cmpint (fs_session_get_time (session), ==, 0);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, FS_EVENT_NONE);

  fs_session_seek (session, 2 * UI_TEST_S + 10);
  g_assert_cmpint (fs_session_get_time (session), ==, 2 * UI_TEST_S + 10);
  g_assert_cmpuint (fs_session_get_current_event (session), ==,
                    fs_trace_event_at_or_before (t.trace, 2 * UI_TEST_S + 10));
  g_assert_cmpint (fs_trace_event (t.trace, fs_session_get_current_event (session))->kind, ==,
                   FS_EVENT_SIGNAL_SEND);

  /* Clamped to the trace. */
  fs_session_seek (session, -5);
  g_assert_cmpint (fs_session_get_time (session), ==, 0);
  fs_session_seek (session, duration * 3);
  g_assert_cmpint (fs_session_get_time (session), ==, duration);
  g_assert_true (fs_session_is_at_end (session));

  fs_session_go_home (session);
  g_assert_cmpint (fs_session_get_time (session), ==, 0);
  fs_session_go_end (session);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, fs_trace_n_events (t.trace) - 1);
  g_object_unref (t.trace);
}

/* Zoom and pan of the visible range, shared by the timeline and the lanes. */
static void
test_zoom_and_pan (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autoptr (FsSession) session = fs_session_new ();
  gint64 from, to, duration;

  fs_session_set_trace (session, t.trace, "/tmp/x.fstrace", NULL);
  duration = fs_session_get_duration (session);
  fs_session_get_visible_range (session, &from, &to);
  g_assert_cmpint (from, ==, 0);
  g_assert_cmpint (to, ==, duration);

  /* Zooming in around a time keeps that time at the same share of the range. */
  fs_session_zoom_visible_range (session, 0.5, duration / 4);
  fs_session_get_visible_range (session, &from, &to);
  g_assert_cmpint (llabs ((to - from) - duration / 2), <=, 1);
  g_assert_cmpint (llabs (from - duration / 8), <=, 1);

  /* Panning stops at either end of the trace. */
  fs_session_pan_visible_range (session, -duration);
  fs_session_get_visible_range (session, &from, &to);
  g_assert_cmpint (from, ==, 0);
  g_assert_cmpint (llabs ((to - from) - duration / 2), <=, 1);
  fs_session_pan_visible_range (session, 10 * duration);
  fs_session_get_visible_range (session, &from, &to);
  g_assert_cmpint (to, ==, duration);
  g_assert_cmpint (llabs ((to - from) - duration / 2), <=, 1);

  /* Zooming out never shows more than the trace; zooming in stops at 1 µs. */
  fs_session_zoom_visible_range (session, 100, duration / 2);
  fs_session_get_visible_range (session, &from, &to);
  g_assert_cmpint (from, ==, 0);
  g_assert_cmpint (to, ==, duration);
  for (int i = 0; i < 200; i++)
    fs_session_zoom_visible_range (session, 0.5, duration / 2);
  fs_session_get_visible_range (session, &from, &to);
  g_assert_cmpint (to - from, ==, 1000);
  g_object_unref (t.trace);
}

static void
count_notify (GObject *object, GParamSpec *pspec, guint *counter)
{
  (*counter)++;
}

static void
test_step (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autoptr (FsSession) session = fs_session_new ();
  gsize n = fs_trace_n_events (t.trace);
  guint notified = 0;

  fs_session_set_trace (session, t.trace, NULL, NULL);
  g_signal_connect (session, "notify::current-event", G_CALLBACK (count_notify), &notified);

  /* Forward through every event, one at a time, in order. */
  for (gsize i = 0; i < n; i++)
    {
      g_assert_true (fs_session_step (session, 1));
      g_assert_cmpuint (fs_session_get_current_event (session), ==, i);
      g_assert_cmpint (fs_session_get_time (session), ==, fs_trace_event (t.trace, i)->t_ns);
    }
  g_assert_cmpuint (notified, ==, n);
  g_assert_false (fs_session_step (session, 1));

  /* And back. */
  for (gsize i = n - 1; i > 0; i--)
    {
      g_assert_true (fs_session_step (session, -1));
      g_assert_cmpuint (fs_session_get_current_event (session), ==, i - 1);
    }
  g_assert_true (fs_session_step (session, -1));
  g_assert_cmpuint (fs_session_get_current_event (session), ==, FS_EVENT_NONE);
  g_assert_false (fs_session_step (session, -1));

  /* From between two events, back lands on the one just passed. */
  fs_session_seek (session, 3 * UI_TEST_S);
  g_assert_true (fs_session_step (session, -1));
  g_assert_cmpint (fs_session_get_time (session), ==, 2 * UI_TEST_S + 50000);
  g_object_unref (t.trace);
}

static void
test_play_real_time (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autoptr (FsSession) session = fs_session_new ();

  fs_session_set_trace (session, t.trace, NULL, NULL);
  fs_session_advance (session, G_USEC_PER_SEC);
  g_assert_cmpint (fs_session_get_time (session), ==, 0);   /* not playing */

  fs_session_set_playing (session, TRUE);
  fs_session_advance (session, G_USEC_PER_SEC);
  g_assert_cmpint (fs_session_get_time (session), ==, UI_TEST_S);
  fs_session_set_speed (session, 2.0);
  fs_session_advance (session, G_USEC_PER_SEC / 2);
  g_assert_cmpint (fs_session_get_time (session), ==, 2 * UI_TEST_S);
  /* Events at exactly the playhead time count as happened. */
  g_assert_cmpint (fs_trace_event (t.trace, fs_session_get_current_event (session))->kind, ==,
                   FS_EVENT_SIGNAL_SEND);

  /* Past the end: stops there. */
  fs_session_advance (session, 10 * G_USEC_PER_SEC);
  g_assert_false (fs_session_get_playing (session));
  g_assert_true (fs_session_is_at_end (session));

  /* Play at the end starts over; with loop on it wraps and keeps playing. */
  fs_session_set_loop (session, TRUE);
  fs_session_set_playing (session, TRUE);
  g_assert_cmpint (fs_session_get_time (session), ==, 0);
  fs_session_advance (session, 10 * G_USEC_PER_SEC);
  g_assert_true (fs_session_get_playing (session));
  g_assert_cmpint (fs_session_get_time (session), ==, 0);

  /* Speed is clamped to 0.1×–100×. */
  fs_session_set_speed (session, 1000);
  g_assert_cmpfloat (fs_session_get_speed (session), ==, FS_SESSION_MAX_SPEED);
  fs_session_set_speed (session, 0.001);
  g_assert_cmpfloat (fs_session_get_speed (session), ==, FS_SESSION_MIN_SPEED);
  g_object_unref (t.trace);
}

static void
test_play_step_mode (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autoptr (FsSession) session = fs_session_new ();
  gint64 step_us = (gint64) (FS_SESSION_STEP_SECONDS * G_USEC_PER_SEC);
  gsize n = fs_trace_n_events (t.trace);

  fs_session_set_trace (session, t.trace, NULL, NULL);
  fs_session_set_step_mode (session, TRUE);
  fs_session_set_playing (session, TRUE);

  /* Every event gets the same screen time, however far apart they are. */
  for (gsize i = 0; i < n; i++)
    {
      fs_session_advance (session, step_us);
      g_assert_cmpuint (fs_session_get_current_event (session), ==, i);
    }

  /* Half a step between two events glides the playhead halfway. */
  g_assert_false (fs_session_get_playing (session));        /* stopped at the end */
  fs_session_seek_event (session, 8);
  fs_session_set_playing (session, TRUE);
  fs_session_advance (session, step_us / 2);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, 8);
  g_assert_cmpint (fs_session_get_time (session), ==,
                   (fs_trace_event (t.trace, 8)->t_ns + fs_trace_event (t.trace, 9)->t_ns) / 2);

  /* At 100× the rest of the trace is done in a few frames and playback stops. */
  fs_session_set_speed (session, 100);
  for (int frame = 0; frame < 20 && fs_session_get_playing (session); frame++)
    fs_session_advance (session, 16667);
  g_assert_false (fs_session_get_playing (session));
  g_assert_true (fs_session_is_at_end (session));
  g_object_unref (t.trace);
}

static void
test_select_process (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autoptr (FsSession) session = fs_session_new ();

  fs_session_set_trace (session, t.trace, NULL, NULL);
  g_assert_cmpuint (fs_session_get_selected_process (session), ==, FS_PROCESS_NONE);
  fs_session_select_process (session, t.worker2);
  g_assert_cmpuint (fs_session_get_selected_process (session), ==, t.worker2);
  fs_session_select_process (session, 999);     /* not in the trace */
  g_assert_cmpuint (fs_session_get_selected_process (session), ==, FS_PROCESS_NONE);
  g_object_unref (t.trace);
}

static guint
count_kind (FsTrace *trace, FsEventKind a, FsEventKind b)
{
  guint count = 0;
  for (gsize i = 0; i < fs_trace_n_events (trace); i++)
    if (fs_trace_event (trace, i)->kind == a || fs_trace_event (trace, i)->kind == b)
      count++;
  return count;
}

static void
test_event_model (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autoptr (FsEventListModel) model = fs_event_list_model_new ();
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr (FsEventItem) item = NULL;
  guint n;

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  fs_event_list_model_set_trace (model, t.trace);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, fs_trace_n_events (t.trace));
  g_assert_true (g_list_model_get_item_type (list) == FS_TYPE_EVENT_ITEM);
  item = g_list_model_get_item (list, 5);
  g_assert_cmpuint (fs_event_item_get_index (item), ==, 5);
  g_assert_null (g_list_model_get_item (list, 10000));

  /* Kind filter. */
  fs_event_list_model_set_filter (model, (1u << FS_EVENT_SIGNAL_SEND) | (1u << FS_EVENT_SIGNAL_DELIVER),
                                  FS_PROCESS_NONE, 0, NULL);
  n = g_list_model_get_n_items (list);
  g_assert_cmpuint (n, ==, t.n_signal_events);
  g_assert_cmpuint (n, ==, count_kind (t.trace, FS_EVENT_SIGNAL_SEND, FS_EVENT_SIGNAL_DELIVER));
  for (guint i = 0; i < n; i++)
    {
      guint8 kind = fs_trace_event (t.trace, fs_event_list_model_get_event (model, i))->kind;
      g_assert_true (kind == FS_EVENT_SIGNAL_SEND || kind == FS_EVENT_SIGNAL_DELIVER);
    }

  /* Process filter: worker1's events, including signals sent to it and its fork. */
  fs_event_list_model_set_filter (model, FS_EVENT_KINDS_ALL, t.worker1, 0, NULL);
  n = g_list_model_get_n_items (list);
  g_assert_cmpuint (n, >=, 6);
  for (guint i = 0; i < n; i++)
    {
      const FsEvent *ev = fs_trace_event (t.trace, fs_event_list_model_get_event (model, i));
      g_assert_true (ev->process == t.worker1
                     || (ev->kind == FS_EVENT_FORK && ev->u.fork.child == t.worker1)
                     || (ev->kind == FS_EVENT_REAP && ev->u.reap.child == t.worker1)
                     || (ev->kind == FS_EVENT_SIGNAL_SEND && ev->u.send.target == t.worker1));
    }

  /* Search: case-insensitive, over output text, names and signals. */
  fs_event_list_model_set_filter (model, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, "EXPENSIVE");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 4);
  fs_event_list_model_set_filter (model, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, "ordered-results");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);     /* the exec's path */
  fs_event_list_model_set_filter (model, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, "no such text");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);

  /* Signal filter combined with a process. */
  fs_event_list_model_set_filter (model, FS_EVENT_KINDS_ALL, t.worker2, SIGCONT, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);   /* sent CONT, got CONT (send + deliver) */

  /* Rows map back to the event at or before an index. */
  fs_event_list_model_set_filter (model, 1u << FS_EVENT_OUTPUT, FS_PROCESS_NONE, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, t.n_outputs);
  g_assert_cmpuint (fs_event_list_model_find_row (model, 0), ==, G_MAXUINT);
  g_assert_cmpuint (fs_event_list_model_find_row (model, fs_trace_n_events (t.trace) - 1), ==, t.n_outputs - 1);
  g_assert_cmpuint (fs_event_list_model_get_event (model, fs_event_list_model_find_row (model, 6)), <=, 6);

  /* Clearing the filter shows everything again without an index array. */
  fs_event_list_model_set_filter (model, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, "");
  g_assert_false (fs_event_list_model_is_filtered (model));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, fs_trace_n_events (t.trace));
  g_object_unref (t.trace);
}

typedef struct {
  guint calls;
  guint position, removed, added;
} ItemsChanged;

static void
items_changed_cb (GListModel *list, guint position, guint removed, guint added, ItemsChanged *seen)
{
  seen->calls++;
  seen->position = position;
  seen->removed = removed;
  seen->added = added;
}

static void
test_event_model_signals (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autoptr (FsEventListModel) model = fs_event_list_model_new ();
  ItemsChanged seen = { 0 };
  guint n_events = (guint) fs_trace_n_events (t.trace);
  guint generation;

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &seen);
  fs_event_list_model_set_trace (model, t.trace);
  g_assert_cmpuint (seen.calls, ==, 1);
  g_assert_cmpuint (seen.added, ==, n_events);
  generation = fs_event_list_model_get_generation (model);
  /* Only the change in length is signalled, at the end; the rows that keep
   * their position are redrawn by generation (see replace_rows). */
  fs_event_list_model_set_filter (model, 1u << FS_EVENT_EXIT, FS_PROCESS_NONE, 0, NULL);
  g_assert_cmpuint (seen.calls, ==, 2);
  g_assert_cmpuint (seen.position, ==, 3);
  g_assert_cmpuint (seen.removed, ==, n_events - 3);
  g_assert_cmpuint (seen.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_cmpuint (fs_event_list_model_get_generation (model), !=, generation);
  /* Back to every event: the rows come back at the end. */
  fs_event_list_model_set_filter (model, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, NULL);
  g_assert_cmpuint (seen.calls, ==, 3);
  g_assert_cmpuint (seen.position, ==, 3);
  g_assert_cmpuint (seen.removed, ==, 0);
  g_assert_cmpuint (seen.added, ==, n_events - 3);
  /* A new trace replaces every row, in two honest signals: no stale row item
   * may keep the previous trace alive. */
  fs_event_list_model_set_trace (model, t.trace);
  g_assert_cmpuint (seen.calls, ==, 5);
  g_assert_cmpuint (seen.position, ==, 0);
  g_assert_cmpuint (seen.added, ==, n_events);
  g_object_unref (t.trace);
}

static void
test_format (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autofree char *d1 = fs_format_duration (1500);
  g_autofree char *d2 = fs_format_duration (2 * UI_TEST_S + 500 * UI_TEST_MS);
  g_autofree char *clock = fs_format_clock (5 * UI_TEST_S + 1234567);
  g_autofree char *process = fs_format_process (t.trace, t.worker1);
  g_autofree char *kernel = fs_format_process (t.trace, FS_PROCESS_KERNEL);
  g_autofree char *axis = fs_format_axis_time (1500 * UI_TEST_MS, 500 * UI_TEST_MS);
  const char *const quoted[] = { "echo", "hello world", "it's", NULL };
  g_autofree char *argv = fs_format_argv (quoted);
  g_autofree char *send = NULL;
  gsize first;

  g_assert_cmpstr (d1, ==, "1.500 µs");
  g_assert_cmpstr (d2, ==, "2.500000 s");
  g_assert_cmpstr (clock, ==, "5.001 234 567 s");
  g_assert_cmpstr (process, ==, "worker1 [101]");
  g_assert_cmpstr (kernel, ==, "kernel");
  g_assert_cmpstr (axis, ==, "1.5 s");
  g_assert_cmpstr (argv, ==, "echo 'hello world' 'it'\\''s'");

  fs_trace_range (t.trace, 2 * UI_TEST_S, 2 * UI_TEST_S + 1, &first);
  send = fs_format_event_details (t.trace, fs_trace_event (t.trace, first));
  g_assert_nonnull (strstr (send, "SIGCONT → main [100]"));
  g_object_unref (t.trace);
}

/* Rows of a model against a model made afresh on the same trace. */
static void
assert_rows_as_fresh (FsEventListModel *model, FsTrace *trace, guint32 kinds, FsProcessId process,
                      const char *search)
{
  g_autoptr (FsEventListModel) fresh = fs_event_list_model_new ();
  fs_event_list_model_set_trace (fresh, trace);
  fs_event_list_model_set_filter (fresh, kinds, process, 0, search);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, ==, g_list_model_get_n_items (G_LIST_MODEL (fresh)));
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (fs_event_list_model_get_event (model, i), ==,
                      fs_event_list_model_get_event (fresh, i));
}

typedef struct {
  guint   grew;
  guint64 first_changed;
  guint   n_processes_before;
  guint   traces;
} GrewLog;

static void
grew_cb (FsSession *session, guint64 first_changed, guint n_processes_before, GrewLog *log)
{
  log->grew++;
  log->first_changed = first_changed;
  log->n_processes_before = n_processes_before;
}

static void
trace_notify_cb (FsSession *session, GParamSpec *pspec, GrewLog *log)
{
  log->traces++;
}

/* A live trace grows in place: the session keeps the playhead, selection and
 * a zoomed range (a full range grows), and an event model extends its rows
 * with the filter it has, ending where a fresh one would. */
static void
test_trace_grew (void)
{
  UiTestTrace t = ui_test_trace_new ();
  FsSession *session = fs_session_new ();
  GrewLog log = { 0 };
  g_autoptr (GError) error = NULL;

  fs_session_set_trace (session, t.trace, "live.fstrace", NULL);
  g_signal_connect (session, "trace-grew", G_CALLBACK (grew_cb), &log);
  g_signal_connect (session, "notify::trace", G_CALLBACK (trace_notify_cb), &log);
  gint64 old_duration = fs_session_get_duration (session);
  gsize old_n = fs_trace_n_events (t.trace);
  fs_session_seek (session, old_duration / 2);
  gsize current = fs_session_get_current_event (session);
  fs_session_select_process (session, t.worker1);

  FsEventListModel *all = fs_event_list_model_new ();
  FsEventListModel *outputs = fs_event_list_model_new ();
  FsEventListModel *of_main = fs_event_list_model_new ();
  FsEventListModel *searched = fs_event_list_model_new ();
  fs_event_list_model_set_trace (all, t.trace);
  fs_event_list_model_set_trace (outputs, t.trace);
  fs_event_list_model_set_filter (outputs, 1u << FS_EVENT_OUTPUT, FS_PROCESS_NONE, 0, NULL);
  fs_event_list_model_set_trace (of_main, t.trace);
  fs_event_list_model_set_filter (of_main, FS_EVENT_KINDS_ALL, t.main_id, 0, NULL);
  fs_event_list_model_set_trace (searched, t.trace);
  fs_event_list_model_set_filter (searched, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, "late");
  guint generation = fs_event_list_model_get_generation (outputs);

  /* More of the recording: a new process, output, a signal, exits. */
  gint64 t0 = old_duration;
  FsProcessId late = fs_trace_add_process (t.trace, 103, t.main_id, t0 + 10, "late");
  fs_trace_append (t.trace, t0 + 10, t.main_id, FS_EVENT_FORK)->u.fork.child = late;
  ui_test_print (t.trace, t0 + 20, late, "late line");
  ui_test_print (t.trace, t0 + 30, t.main_id, "main again");
  ui_test_send (t.trace, t0 + 40, t.main_id, late, SIGTERM, FS_ACTION_TERMINATE);
  g_assert_true (fs_trace_finish (t.trace, &error));
  fs_session_trace_grew (session, old_n, 3);
  fs_event_list_model_trace_grew (all, old_n);
  fs_event_list_model_trace_grew (outputs, old_n);
  fs_event_list_model_trace_grew (of_main, old_n);
  fs_event_list_model_trace_grew (searched, old_n);

  g_assert_cmpuint (log.grew, ==, 1);
  g_assert_cmpuint (log.traces, ==, 0);  /* not a new trace */
  g_assert_cmpuint (log.first_changed, ==, old_n);
  g_assert_cmpuint (log.n_processes_before, ==, 3);
  g_assert_cmpint (fs_session_get_duration (session), >, old_duration);
  g_assert_cmpint (fs_session_get_time (session), ==, old_duration / 2);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, current);
  g_assert_cmpuint (fs_session_get_selected_process (session), ==, t.worker1);
  gint64 from, to;
  fs_session_get_visible_range (session, &from, &to);
  g_assert_cmpint (from, ==, 0);
  g_assert_cmpint (to, ==, fs_session_get_duration (session));  /* the full range grew */

  assert_rows_as_fresh (all, t.trace, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, NULL);
  assert_rows_as_fresh (outputs, t.trace, 1u << FS_EVENT_OUTPUT, FS_PROCESS_NONE, NULL);
  assert_rows_as_fresh (of_main, t.trace, FS_EVENT_KINDS_ALL, t.main_id, NULL);
  assert_rows_as_fresh (searched, t.trace, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, "late");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (searched)), >=, 3);
  /* Appended, not replaced: the old rows kept their generation. */
  g_assert_cmpuint (fs_event_list_model_get_generation (outputs), ==, generation);

  /* Zoomed in: the range stays while the trace grows. */
  fs_session_set_visible_range (session, 1000, 2000);
  old_n = fs_trace_n_events (t.trace);
  gint64 t1 = fs_session_get_duration (session);
  FsEvent *ev = fs_trace_append (t.trace, t1 + 5, late, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { .kind = FS_EXIT_SIGNAL, .value = SIGTERM };
  /* A send at the very instant of the last old event sorts in before it. */
  ev = fs_trace_append (t.trace, t1, FS_PROCESS_KERNEL, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGCHLD;
  ev->u.send.target = t.main_id;
  g_assert_true (fs_trace_finish (t.trace, &error));
  gsize moved = fs_trace_lower_bound (t.trace, t1);
  g_assert_cmpuint (moved, <, old_n);
  fs_session_trace_grew (session, moved, 4);
  fs_event_list_model_trace_grew (all, moved);
  fs_event_list_model_trace_grew (outputs, moved);
  fs_event_list_model_trace_grew (of_main, moved);
  fs_session_get_visible_range (session, &from, &to);
  g_assert_cmpint (from, ==, 1000);
  g_assert_cmpint (to, ==, 2000);
  assert_rows_as_fresh (all, t.trace, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, NULL);
  assert_rows_as_fresh (outputs, t.trace, 1u << FS_EVENT_OUTPUT, FS_PROCESS_NONE, NULL);
  assert_rows_as_fresh (of_main, t.trace, FS_EVENT_KINDS_ALL, t.main_id, NULL);

  /* A hidden process (the runner's) appearing hides its events from then on. */
  old_n = fs_trace_n_events (t.trace);
  gint64 t2 = fs_session_get_duration (session);
  FsProcessId runner = fs_trace_add_process (t.trace, 104, FS_PROCESS_NONE, t2 + 1, "runner");
  fs_trace_process (t.trace, runner)->flags |= FS_PROCESS_FLAG_HIDDEN;
  ui_test_print (t.trace, t2 + 2, runner, "infrastructure");
  g_assert_true (fs_trace_finish (t.trace, &error));
  fs_event_list_model_trace_grew (all, old_n);
  g_assert_true (fs_event_list_model_has_hidden (all));
  assert_rows_as_fresh (all, t.trace, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, NULL);

  g_object_unref (all);
  g_object_unref (outputs);
  g_object_unref (of_main);
  g_object_unref (searched);
  g_object_unref (session);
  g_object_unref (t.trace);
}

/* A search matches processes by name, and a live process changes its name
 * when it execs: its earlier events (and those naming it) start or stop
 * matching, so rows extended from the old result would differ from the list
 * the same search makes afresh. */
static void
test_trace_grew_search_renamed (void)
{
  UiTestTrace t = ui_test_trace_new ();
  g_autoptr (GError) error = NULL;
  FsEventListModel *searched = fs_event_list_model_new ();
  FsEventListModel *old_name = fs_event_list_model_new ();
  fs_event_list_model_set_trace (searched, t.trace);
  fs_event_list_model_set_filter (searched, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, "sleeper");
  fs_event_list_model_set_trace (old_name, t.trace);
  fs_event_list_model_set_filter (old_name, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, "worker1");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (searched)), ==, 0);
  guint n_old_name = g_list_model_get_n_items (G_LIST_MODEL (old_name));
  g_assert_cmpuint (n_old_name, >, 0);

  /* worker1 execs "sleeper": its process row gets the new name. */
  gsize old_n = fs_trace_n_events (t.trace);
  gint64 t0 = fs_trace_duration (t.trace);
  FsEvent *ev = fs_trace_append (t.trace, t0 + 10, t.worker1, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (t.trace, "/bin/true");
  fs_trace_process (t.trace, t.worker1)->name = fs_trace_intern (t.trace, "sleeper");
  g_assert_true (fs_trace_finish (t.trace, &error));
  fs_event_list_model_trace_grew (searched, old_n);
  fs_event_list_model_trace_grew (old_name, old_n);

  /* The fork naming worker1, its output, sends and deliveries now match. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (searched)), >, 1);
  assert_rows_as_fresh (searched, t.trace, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, "sleeper");
  assert_rows_as_fresh (old_name, t.trace, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, "worker1");

  g_object_unref (searched);
  g_object_unref (old_name);
  g_object_unref (t.trace);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/session/seek", test_seek);
  g_test_add_func ("/ui/session/step", test_step);
  g_test_add_func ("/ui/session/play-real-time", test_play_real_time);
  g_test_add_func ("/ui/session/play-step-mode", test_play_step_mode);
  g_test_add_func ("/ui/session/select-process", test_select_process);
  g_test_add_func ("/ui/session/zoom-and-pan", test_zoom_and_pan);
  g_test_add_func ("/ui/event-model/filters", test_event_model);
  g_test_add_func ("/ui/event-model/items-changed", test_event_model_signals);
  g_test_add_func ("/ui/format", test_format);
  g_test_add_func ("/ui/session/trace-grew", test_trace_grew);
  g_test_add_func ("/ui/session/trace-grew-search-renamed", test_trace_grew_search_renamed);
  return g_test_run ();
}

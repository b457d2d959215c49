/* test-ui-window.c: the main window under a real (virtual) display — open a
 * trace, seek, step, filter the event list, select a process, read the
 * inspector, play with the frame clock, export, and bad files. */
#include "ui/fs-application.h"
#include "ui/fs-window.h"
#include "ui/fs-export-dialog.h"
#include "ui/fs-event-format.h"
#include "core/trace-file.h"
#include "ui-test-trace.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <math.h>

typedef struct {
  char *dir;
  char *trace_path;
  UiTestTrace t;
  FsWindow *window;
} Fixture;

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until cond(data) holds; fails after timeout_ms. */
static void
spin_until (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

static void
spin_for (guint ms)
{
  gboolean done = FALSE;
  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
not_loading (gpointer data)
{
  const char *page = fs_window_get_page (FS_WINDOW (data));
  const char *banner = fs_window_get_banner_text (FS_WINDOW (data));
  return g_strcmp0 (page, "loading") != 0 && (banner == NULL || !g_str_has_prefix (banner, "Loading"));
}

static void
open_path (FsWindow *window, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  fs_window_open (window, file);
  spin_until (not_loading, window, 10000);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("forkscope-ui-XXXXXX", &error);
  g_assert_no_error (error);
  f->trace_path = g_build_filename (f->dir, "ordered.fstrace", NULL);
  f->t = ui_test_trace_new ();
  g_assert_true (fs_trace_save (f->t.trace, f->trace_path, &error));
  g_assert_no_error (error);

  f->window = fs_window_new (NULL);
  fs_window_set_autoplay (f->window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  gtk_window_destroy (GTK_WINDOW (f->window));
  spin_for (20);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->trace_path);
  g_object_unref (f->t.trace);
}

static void
test_open (Fixture *f, gconstpointer data)
{
  FsSession *session = fs_window_get_session (f->window);
  FsTrace *trace;

  g_assert_cmpstr (fs_window_get_page (f->window), ==, "empty");
  /* Nothing to play yet. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.play-pause", NULL);
  g_assert_false (fs_session_get_playing (session));
  open_path (f->window, f->trace_path);
  g_assert_cmpstr (fs_window_get_page (f->window), ==, "graph");
  g_assert_null (fs_window_get_banner_text (f->window));
  trace = fs_session_get_trace (session);
  g_assert_nonnull (trace);
  g_assert_cmpuint (fs_trace_n_events (trace), ==, fs_trace_n_events (f->t.trace));
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 3);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (f->window)), "ordered.fstrace"));
}

static void
test_seek_and_step (Fixture *f, gconstpointer data)
{
  FsSession *session = fs_window_get_session (f->window);
  FsEventList *list = fs_window_get_event_list (f->window);
  FsOutputView *output = fs_window_get_output_view (f->window);

  open_path (f->window, f->trace_path);

  /* Keyboard actions step through events; the event list follows (it is
   * allowed up to 80 ms to catch up, see fs-event-list.c). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-next", NULL));
  g_assert_cmpuint (fs_session_get_current_event (session), ==, 0);
  spin_for (120);
  g_assert_cmpuint (fs_event_list_get_selected_row (list), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-next", NULL);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, 2);
  spin_for (120);
  g_assert_cmpuint (fs_event_list_get_selected_row (list), ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-prev", NULL);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, 1);
  spin_for (120);
  g_assert_cmpuint (fs_event_list_get_selected_row (list), ==, 1);

  /* Seeking by time: output lines up to the playhead are shown. */
  g_assert_cmpuint (fs_output_view_get_n_visible (output), ==, 0);
  fs_session_seek (session, 3 * UI_TEST_S);
  spin_for (120);
  g_assert_cmpuint (fs_output_view_get_n_visible (output), ==, 3);
  {
    g_autofree char *text = fs_output_view_get_text (output);
    g_assert_nonnull (strstr (text, "All children started."));
    g_assert_null (strstr (text, "operation complete"));
  }
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.end", NULL);
  g_assert_true (fs_session_is_at_end (session));
  spin_for (120);
  g_assert_cmpuint (fs_output_view_get_n_visible (output), ==, f->t.n_outputs);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.home", NULL);
  g_assert_cmpint (fs_session_get_time (session), ==, 0);
  spin_for (120);
  g_assert_cmpuint (fs_output_view_get_n_visible (output), ==, 0);

  /* Speed keys walk the 1-2-5 ladder. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.faster", NULL);
  g_assert_cmpfloat (fs_session_get_speed (session), ==, 2.0);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.slower", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.slower", NULL);
  g_assert_cmpfloat (fs_session_get_speed (session), ==, 0.5);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.step-mode", NULL);
  g_assert_true (fs_session_get_step_mode (session));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.loop", NULL);
  g_assert_true (fs_session_get_loop (session));
}

static void
test_filter_event_list (Fixture *f, gconstpointer data)
{
  FsSession *session = fs_window_get_session (f->window);
  FsEventList *list = fs_window_get_event_list (f->window);
  GListModel *model = G_LIST_MODEL (fs_event_list_get_model (list));
  gsize index;

  open_path (f->window, f->trace_path);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fs_trace_n_events (f->t.trace));

  fs_event_list_set_kind_filter (list, FS_KIND_FILTER_SIGNALS);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, f->t.n_signal_events);
  fs_event_list_set_search (list, "worker2");
  /* Signal events involving worker2 by name: its send, main's send to it, both deliveries. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);

  fs_event_list_set_kind_filter (list, FS_KIND_FILTER_ALL);
  fs_event_list_set_search (list, "complete");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);

  /* Selecting a row seeks the playhead to its event. */
  fs_event_list_activate_row (list, 1);
  index = fs_event_list_model_get_event (fs_event_list_get_model (list), 1);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, index);
  g_assert_cmpint (fs_session_get_time (session), ==, fs_trace_event (f->t.trace, index)->t_ns);

  fs_event_list_set_search (list, NULL);
  fs_event_list_set_process_filter (list, f->t.worker1);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      const FsEvent *ev = fs_trace_event (f->t.trace, fs_event_list_model_get_event (fs_event_list_get_model (list), i));
      g_assert_true (ev->process == f->t.worker1 || ev->process == f->t.main_id);
    }
  fs_event_list_set_process_filter (list, FS_PROCESS_NONE);
  fs_event_list_set_signal_filter (list, SIGCONT);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, f->t.n_signal_events);

  /* The rows on screen show the filtered events, not what was there before
   * (the list keeps its row widgets across filters). */
  spin_for (100);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      const FsEvent *ev = fs_trace_event (f->t.trace, fs_event_list_model_get_event (fs_event_list_get_model (list), i));
      g_autofree char *kind = fs_event_list_dup_cell_text (list, i, 2);
      g_autofree char *details = fs_event_list_dup_cell_text (list, i, 3);
      g_autofree char *expected = fs_format_event_details (f->t.trace, ev);

      g_assert_nonnull (kind);
      g_assert_cmpstr (kind, ==, fs_event_kind_label (ev->kind));
      g_assert_cmpstr (details, ==, expected);
    }
  fs_event_list_set_signal_filter (list, 0);
  fs_event_list_set_kind_filter (list, FS_KIND_FILTER_OUTPUT);
  spin_for (100);
  {
    const FsEvent *ev = fs_trace_event (f->t.trace, fs_event_list_model_get_event (fs_event_list_get_model (list), 0));
    g_autofree char *kind = fs_event_list_dup_cell_text (list, 0, 2);

    g_assert_cmpstr (kind, ==, fs_event_kind_label (ev->kind));
    g_assert_cmpstr (kind, ==, fs_event_kind_label (FS_EVENT_OUTPUT));
  }
}

static void
test_inspector (Fixture *f, gconstpointer data)
{
  FsSession *session = fs_window_get_session (f->window);
  FsInspector *inspector = fs_window_get_inspector (f->window);
  g_autofree char *empty = NULL;
  g_autofree char *text = NULL;
  g_autofree char *later = NULL;
  g_autofree char *main_text = NULL;

  open_path (f->window, f->trace_path);
  empty = fs_inspector_get_text (inspector);
  g_assert_nonnull (strstr (empty, "Click a process"));

  fs_session_seek (session, 1 * UI_TEST_S);
  fs_session_select_process (session, f->t.worker2);
  text = fs_inspector_get_text (inspector);
  g_assert_nonnull (strstr (text, "worker2"));
  g_assert_nonnull (strstr (text, "pid 102"));
  g_assert_nonnull (strstr (text, "Parent  main [100]"));
  g_assert_nonnull (strstr (text, "Exit status  code 3"));
  g_assert_nonnull (strstr (text, "Reaped"));
  g_assert_nonnull (strstr (text, "by main [100]"));
  g_assert_nonnull (strstr (text, "Signals sent (1)"));
  g_assert_nonnull (strstr (text, "SIGCONT → main [100]"));
  g_assert_nonnull (strstr (text, "Signals received (1)"));
  g_assert_nonnull (strstr (text, "consumed by sigwait"));
  g_assert_nonnull (strstr (text, "Output (2)"));
  g_assert_nonnull (strstr (text, "slightly expensive operation complete."));
  g_assert_nonnull (strstr (text, "State  running"));

  /* The state follows the playhead. */
  fs_session_go_end (session);
  later = fs_inspector_get_text (inspector);
  g_assert_nonnull (strstr (later, "State  gone"));

  fs_session_select_process (session, f->t.main_id);
  fs_session_seek (session, 3 * UI_TEST_S);
  main_text = fs_inspector_get_text (inspector);
  g_assert_nonnull (strstr (main_text, "Exec history (1)"));
  g_assert_nonnull (strstr (main_text, "/usr/local/bin/ordered-results  ./ordered-results --verbose"));
  g_assert_nonnull (strstr (main_text, "blocked (sigwait)"));
  g_assert_nonnull (strstr (main_text, "Parent  none (root)"));
}

static void
test_graph_click (Fixture *f, gconstpointer data)
{
  FsSession *session = fs_window_get_session (f->window);
  FsGraphView *graph = fs_window_get_graph_view (f->window);
  int width, height;
  gboolean seen[3] = { FALSE, FALSE, FALSE };

  open_path (f->window, f->trace_path);
  spin_for (200);               /* allocate and draw */
  width = gtk_widget_get_width (GTK_WIDGET (graph));
  height = gtk_widget_get_height (GTK_WIDGET (graph));
  g_assert_cmpint (width, >, 200);
  g_assert_cmpint (height, >, 200);

  /* Every process is somewhere on screen after fit-to-window. */
  for (int y = 0; y < height; y += 4)
    for (int x = 0; x < width; x += 4)
      {
        FsProcessId id = fs_graph_view_hit_test (graph, x, y);
        if (id != FS_PROCESS_NONE)
          {
            g_assert_cmpuint (id, <, 3);
            seen[id] = TRUE;
          }
      }
  g_assert_true (seen[0] && seen[1] && seen[2]);

  /* Zooming in keeps the point under the pointer fixed. */
  {
    double before = fs_graph_view_get_zoom (graph);
    fs_graph_view_zoom_by (graph, 2.0, width / 2.0, height / 2.0);
    g_assert_cmpfloat (fs_graph_view_get_zoom (graph), >, before * 1.9);
    gtk_widget_activate_action (GTK_WIDGET (f->window), "win.zoom-fit", NULL);
    spin_for (50);
    g_assert_cmpfloat_with_epsilon (fs_graph_view_get_zoom (graph), before, 1e-6);
  }

  g_assert_cmpuint (fs_session_get_selected_process (session), ==, FS_PROCESS_NONE);
  (void) session;
}

static gboolean
at_end_and_stopped (gpointer data)
{
  FsSession *session = data;
  return fs_session_is_at_end (session) && !fs_session_get_playing (session);
}

static void
test_playback (Fixture *f, gconstpointer data)
{
  FsSession *session = fs_window_get_session (f->window);
  GArray *intervals = fs_window_get_frame_intervals (f->window);

  open_path (f->window, f->trace_path);
  fs_session_set_speed (session, 5);        /* 5 s of trace in ~1 s */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.play-pause", NULL));
  g_assert_true (fs_session_get_playing (session));
  spin_until (at_end_and_stopped, session, 10000);
  /* Driven by the frame clock: several frames went by. */
  g_assert_cmpuint (intervals->len, >=, 3);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, fs_trace_n_events (f->t.trace) - 1);
}

static void
test_export (Fixture *f, gconstpointer data)
{
  FsSession *session = fs_window_get_session (f->window);
  g_autoptr (GError) error = NULL;
  g_autofree char *dot_path = g_build_filename (f->dir, "graph.dot", NULL);
  g_autofree char *png_path = g_build_filename (f->dir, "graph.png", NULL);
  g_autofree char *json_path = g_build_filename (f->dir, "trace.json", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  FsExportDialog *dialog;

  open_path (f->window, f->trace_path);
  fs_session_go_end (session);
  dialog = fs_export_dialog_new (GTK_WINDOW (f->window), session, FALSE);

  fs_export_dialog_set_kind (dialog, FS_EXPORT_DOT);
  g_assert_true (fs_export_dialog_export_to (dialog, dot_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (dot_path, &contents, &length, NULL));
  g_assert_nonnull (strstr (contents, "digraph"));
  g_assert_nonnull (strstr (contents, "worker1"));
  g_clear_pointer (&contents, g_free);

  fs_export_dialog_set_kind (dialog, FS_EXPORT_GRAPH_PNG);
  g_assert_true (fs_export_dialog_export_to (dialog, png_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (png_path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
  g_clear_pointer (&contents, g_free);

  fs_export_dialog_set_kind (dialog, FS_EXPORT_ANIMATED_SVG);
  {
    g_autofree char *svg_path = g_build_filename (f->dir, "animated.svg", NULL);
    g_autofree char *svg = NULL;
    g_assert_true (fs_export_dialog_export_to (dialog, svg_path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
    g_assert_nonnull (strstr (svg, "<svg"));
    g_assert_true (strstr (svg, "<set") != NULL || strstr (svg, "<animate") != NULL);
  }

  fs_export_dialog_set_kind (dialog, FS_EXPORT_LANES_SVG);
  {
    g_autofree char *svg_path = g_build_filename (f->dir, "lanes.svg", NULL);
    g_autofree char *svg = NULL;
    g_assert_cmpstr (fs_export_kind_extension (FS_EXPORT_LANES_SVG), ==, "svg");
    g_assert_true (fs_export_dialog_export_to (dialog, svg_path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
    g_assert_nonnull (strstr (svg, "class=\"fs-lane\">worker2[102]</text>"));
  }

  fs_export_dialog_set_kind (dialog, FS_EXPORT_TRACE_JSON);
  g_assert_true (fs_export_dialog_export_to (dialog, json_path, &error));
  g_assert_true (g_file_get_contents (json_path, &contents, &length, NULL));
  g_assert_nonnull (strstr (contents, "\"forkscope-trace\""));

  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Zoomed in before the first signal: the lanes and sequence pictures are
   * of what the window shows (the dialog's default then), so no arrow. */
  {
    g_autofree char *whole_path = g_build_filename (f->dir, "whole.svg", NULL);
    g_autofree char *part_path = g_build_filename (f->dir, "part.svg", NULL);
    g_autofree char *whole = NULL, *part = NULL;
    gsize n;
    const FsEvent *events = fs_trace_events (f->t.trace, &n);
    gint64 first_send = FS_TIME_NONE;
    for (gsize i = 0; i < n && first_send == FS_TIME_NONE; i++)
      if (events[i].kind == FS_EVENT_SIGNAL_SEND)
        first_send = events[i].t_ns;
    g_assert_cmpint (first_send, >, 0);

    dialog = fs_export_dialog_new (GTK_WINDOW (f->window), session, FALSE);
    fs_export_dialog_set_kind (dialog, FS_EXPORT_LANES_SVG);
    g_assert_true (fs_export_dialog_export_to (dialog, whole_path, &error));
    gtk_window_destroy (GTK_WINDOW (dialog));
    fs_session_set_visible_range (session, 0, first_send - 1);
    dialog = fs_export_dialog_new (GTK_WINDOW (f->window), session, FALSE);
    fs_export_dialog_set_kind (dialog, FS_EXPORT_LANES_SVG);
    g_assert_true (fs_export_dialog_export_to (dialog, part_path, &error));
    gtk_window_destroy (GTK_WINDOW (dialog));
    g_assert_true (g_file_get_contents (whole_path, &whole, NULL, NULL));
    g_assert_true (g_file_get_contents (part_path, &part, NULL, NULL));
    g_assert_nonnull (strstr (whole, "class=\"fs-signal\""));
    g_assert_null (strstr (part, "class=\"fs-signal\""));
    g_assert_nonnull (strstr (part, "class=\"fs-lane\""));
  }
}

static void
test_bad_file (Fixture *f, gconstpointer data)
{
  g_autofree char *bad = g_build_filename (f->dir, "garbage.fstrace", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.fstrace", NULL);
  const char *banner;

  g_assert_true (g_file_set_contents (bad, "this is not a trace at all, just text\n", -1, NULL));
  open_path (f->window, bad);
  g_assert_cmpstr (fs_window_get_page (f->window), ==, "error");
  /* The reader's own message, naming the file. */
  g_assert_nonnull (strstr (fs_window_get_error_text (f->window), "garbage.fstrace"));
  banner = fs_window_get_banner_text (f->window);
  g_assert_nonnull (banner);
  g_assert_true (g_str_has_prefix (banner, "Could not open the trace"));
  g_assert_null (fs_session_get_trace (fs_window_get_session (f->window)));

  open_path (f->window, missing);
  g_assert_cmpstr (fs_window_get_page (f->window), ==, "error");
  g_assert_nonnull (strstr (fs_window_get_error_text (f->window), "missing.fstrace"));

  /* A good file afterwards opens normally. */
  open_path (f->window, f->trace_path);
  g_assert_cmpstr (fs_window_get_page (f->window), ==, "graph");
  g_assert_null (fs_window_get_banner_text (f->window));
}

static void
test_truncated_file (Fixture *f, gconstpointer data)
{
  g_autofree char *cut = g_build_filename (f->dir, "cut.fstrace", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  FsTrace *trace;
  const char *banner;

  g_assert_true (g_file_get_contents (f->trace_path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (cut, contents, (gssize) (length * 3 / 4), NULL));
  open_path (f->window, cut);
  g_assert_cmpstr (fs_window_get_page (f->window), ==, "graph");
  trace = fs_session_get_trace (fs_window_get_session (f->window));
  g_assert_nonnull (trace);
  g_assert_cmpuint (fs_trace_n_events (trace), <, fs_trace_n_events (f->t.trace));
  banner = fs_window_get_banner_text (f->window);
  g_assert_nonnull (banner);
  g_assert_true (g_str_has_prefix (banner, "This trace is incomplete"));
}

/* Direct children of this process that still exist (zombies included). */
static guint
count_children (void)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/stat", name);
      g_autofree char *stat = NULL;
      const char *paren;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      paren = strrchr (stat, ')');
      if (paren != NULL && sscanf (paren + 1, " %*c %d", &ppid) == 1 && ppid == getpid ())
        n++;
    }
  return n;
}

static gboolean
no_children (gpointer data)
{
  return count_children () == 0;
}

static gboolean
banner_says_running (gpointer data)
{
  const char *banner = fs_window_get_banner_text (FS_WINDOW (data));
  return banner != NULL && g_str_has_prefix (banner, "Running");
}

/* Opening a scenario runs forkscope-cli; opening something else meanwhile
 * interrupts that run, and nothing of it is left. */
static void
test_scenario_interrupted (Fixture *f, gconstpointer data)
{
  g_autofree char *scenario = g_build_filename (g_getenv ("FS_SOURCE_ROOT"), "data", "scenarios",
                                                "ordered-results.fsc", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (scenario);

  if (g_getenv ("FORKSCOPE_CLI") == NULL)
    {
      g_test_skip ("FORKSCOPE_CLI not set");
      return;
    }
  g_assert_cmpuint (count_children (), ==, 0);
  fs_window_open (f->window, file);
  spin_until (banner_says_running, f->window, 5000);
  g_assert_cmpstr (fs_window_get_page (f->window), ==, "loading");
  g_assert_cmpuint (count_children (), ==, 1);

  open_path (f->window, f->trace_path);
  g_assert_cmpstr (fs_window_get_page (f->window), ==, "graph");
  spin_until (no_children, NULL, 10000);
}

/* Input through the X server (XTest), as a user gives it. */
static void
xdotool (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Moves the X pointer over widget coordinates (x, y). */
static void
pointer_to (GtkWidget *widget, double x, double y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t in = GRAPHENE_POINT_INIT ((float) x, (float) y), out;
  double sx = 0, sy = 0;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &in, &out));
  gtk_native_get_surface_transform (native, &sx, &sy);
  g_autofree char *px = g_strdup_printf ("%d", (int) (out.x + sx));
  g_autofree char *py = g_strdup_printf ("%d", (int) (out.y + sy));
  const char *args[] = { "mousemove", "--sync", px, py, NULL };
  xdotool (args);
  spin_for (50);
}

typedef struct {
  FsSession *session;
  FsProcessId id;
} SelectionWait;

static gboolean
selection_is (gpointer data)
{
  SelectionWait *w = data;
  return fs_session_get_selected_process (w->session) == w->id;
}

static gint64
visible_span (FsSession *session)
{
  gint64 from, to;
  fs_session_get_visible_range (session, &from, &to);
  return to - from;
}

static gboolean
range_narrowed (gpointer data)
{
  return visible_span (data) < fs_session_get_duration (data);
}

static void
test_lanes (Fixture *f, gconstpointer data)
{
  FsSession *session = fs_window_get_session (f->window);
  FsProcessLanes *lanes = fs_window_get_lanes_view (f->window);
  FsLanesView view;
  double px, pw;

  open_path (f->window, f->trace_path);
  g_assert_cmpstr (fs_window_get_view (f->window), ==, "graph");
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (lanes)));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.view", "s", "lanes");
  spin_for (300);
  g_assert_cmpstr (fs_window_get_view (f->window), ==, "lanes");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (lanes)));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (lanes)));
  FsLanesLayout *layout = fs_process_lanes_get_layout (lanes);
  g_assert_nonnull (layout);
  g_assert_cmpuint (fs_lanes_layout_get_n_rows (layout), ==, 3);
  g_assert_cmpuint (fs_lanes_layout_get_row_process (layout, 0), ==, f->t.main_id);
  g_assert_cmpuint (fs_session_get_selected_process (session), ==, FS_PROCESS_NONE);

  /* The lanes show the session's range and playhead. */
  fs_session_seek (session, fs_session_get_duration (session) / 2);
  spin_for (50);
  fs_process_lanes_get_view (lanes, &view);
  g_assert_cmpint (view.playhead_ns, ==, fs_session_get_duration (session) / 2);
  g_assert_cmpint (view.to_ns - view.from_ns, ==, fs_session_get_duration (session));

  /* A real click in the middle of worker2's lane selects worker2. */
  fs_lanes_get_plot_area (layout, &view, &px, NULL, &pw, NULL);
  guint row = fs_lanes_layout_get_process_row (layout, f->t.worker2);
  pointer_to (GTK_WIDGET (lanes), px + pw / 2, fs_lanes_row_to_y (layout, &view, row));
  const char *click[] = { "click", "1", NULL };
  xdotool (click);
  SelectionWait wait = { session, f->t.worker2 };
  spin_until (selection_is, &wait, 5000);
  /* The tooltip's hit test names it too. */
  FsLanesHit hit;
  g_assert_true (fs_lanes_hit_test (layout, &view, px + pw / 2, fs_lanes_row_to_y (layout, &view, row), &hit));
  g_assert_cmpuint (hit.process, ==, f->t.worker2);

  /* Up moves the selection to the lane above (worker1). */
  const char *up[] = { "key", "Up", NULL };
  xdotool (up);
  wait.id = f->t.worker1;
  spin_until (selection_is, &wait, 5000);

  if (g_getenv ("FS_LANES_SCREENSHOT") != NULL)
    {
      spin_for (300);
      const char *shot[] = { "import", "-window", "root", g_getenv ("FS_LANES_SCREENSHOT"), NULL };
      int status = -1;
      g_assert_true (g_spawn_sync (NULL, (char **) shot, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                                   &status, NULL));
    }

  /* Ctrl + wheel up zooms into time around the pointer. */
  gint64 t_under = fs_lanes_x_to_time (layout, &view, px + pw / 2);
  const char *zoom[] = { "keydown", "ctrl", "click", "4", "keyup", "ctrl", NULL };
  xdotool (zoom);
  spin_until (range_narrowed, session, 5000);
  fs_process_lanes_get_view (lanes, &view);
  g_assert_cmpint (view.to_ns - view.from_ns, <, fs_session_get_duration (session));
  /* The time under the pointer stays under it (within a pixel). */
  g_assert_cmpfloat (fabs (fs_lanes_time_to_x (layout, &view, t_under) - (px + pw / 2)), <, 1.5);

  /* Copy Picture copies what the view shows. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.copy-picture", NULL);
  g_assert_nonnull (strstr (fs_window_get_banner_text (f->window), "process lanes"));

  /* Ctrl+0 (zoom-fit) shows the whole trace again; back to the graph. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.zoom-fit", NULL);
  g_assert_cmpint (visible_span (session), ==, fs_session_get_duration (session));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.view", "s", "graph");
  g_assert_cmpstr (fs_window_get_view (f->window), ==, "graph");
}

static void
test_help_overlay (void)
{
  g_autoptr (GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/forkscope/Forkscope/gtk/help-overlay.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  fs_application_ensure_resources ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/ui/window/open", test_open);
  ADD ("/ui/window/seek-and-step", test_seek_and_step);
  ADD ("/ui/window/filter-event-list", test_filter_event_list);
  ADD ("/ui/window/inspector", test_inspector);
  ADD ("/ui/window/graph-hit-test-and-zoom", test_graph_click);
  ADD ("/ui/window/lanes", test_lanes);
  ADD ("/ui/window/playback", test_playback);
  ADD ("/ui/window/export", test_export);
  ADD ("/ui/window/bad-file", test_bad_file);
  ADD ("/ui/window/truncated-file", test_truncated_file);
  ADD ("/ui/window/scenario-interrupted", test_scenario_interrupted);
#undef ADD
  g_test_add_func ("/ui/window/help-overlay", test_help_overlay);
  return g_test_run ();
}

/* The scenario editor under a real (virtual) display: typing an error shows
 * it inline after the debounce, fixing it clears it, highlighting uses the
 * shipped language definition, files open and save with a dirty state, the
 * Examples menu lists the shipped scenarios, and the current-line highlight
 * follows the playhead through the engine's line markers. */
#include <gtk/gtk.h>
#include <gtksourceview/gtksource.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ui/fs-scenario-editor.h"
#include "ui/fs-marker-lines.h"
#include "ui/fs-session.h"

static char *tmp_dir;

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_for (guint ms)
{
  gboolean done = FALSE;
  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
count_cb (gpointer object, guint *count)
{
  (*count)++;
}

typedef struct {
  GtkWidget        *window;
  FsScenarioEditor *editor;
  guint             n_parses;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  f->editor = FS_SCENARIO_EDITOR (fs_scenario_editor_new ());
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->editor));
  g_signal_connect (f->editor, "diagnostics-changed", G_CALLBACK (count_cb), &f->n_parses);
  gtk_window_present (GTK_WINDOW (f->window));
  spin_for (50);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  spin_for (10);
}

/* Types text at the cursor one character at a time, as a user would. */
static void
type_text (Fixture *f, const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (fs_scenario_editor_get_view (f->editor));
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      char ch[8] = { 0 };
      g_unichar_to_utf8 (g_utf8_get_char (p), ch);
      gtk_text_buffer_insert_interactive_at_cursor (buffer, ch, -1, TRUE);
      g_main_context_iteration (NULL, FALSE);
    }
}

static const char *const good_scenario =
  "scenario \"demo\"\n"
  "process main {\n"
  "  fork child {\n"
  "    sleep 10ms\n"
  "  }\n"
  "  kill child TERM\n"
  "  wait child\n"
  "}\n";

static void
test_typing_shows_errors (Fixture *f, gconstpointer data)
{
  gtk_widget_grab_focus (GTK_WIDGET (fs_scenario_editor_get_view (f->editor)));
  type_text (f, "process main {\n  sleep 5parsecs\n  print \"ok\"\n}\n");

  /* Debounced: nothing is parsed while typing goes on. */
  g_assert_cmpuint (f->n_parses, ==, 0);
  g_assert_cmpuint (fs_scenario_editor_get_n_errors (f->editor), ==, 0);
  spin_for (FS_SCENARIO_EDITOR_DEBOUNCE_MS + 200);
  g_assert_cmpuint (f->n_parses, ==, 1);

  g_assert_cmpuint (fs_scenario_editor_get_n_errors (f->editor), ==, 1);
  g_autoptr (GArray) lines = fs_scenario_editor_get_error_lines (f->editor);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpuint (g_array_index (lines, guint, 0), ==, 2);  /* underlined where the error is */
  const char *inline_message = fs_scenario_editor_get_inline_message (f->editor, 2);
  g_assert_nonnull (inline_message);
  g_assert_nonnull (strstr (inline_message, "unknown unit 'parsecs'"));
  g_assert_null (fs_scenario_editor_get_inline_message (f->editor, 3));
  g_autofree char *first = fs_scenario_editor_get_first_error (f->editor);
  g_assert_true (g_str_has_prefix (first, "line 2: "));

  /* Fix it: replace "parsecs" by "s". */
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (fs_scenario_editor_get_view (f->editor));
  GtkTextIter start, end;
  gtk_text_buffer_get_iter_at_line_offset (buffer, &start, 1, 9);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &end, 1, 16);
  g_autofree char *word = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (word, ==, "parsecs");
  gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
  gtk_text_buffer_insert_interactive (buffer, &start, "s", -1, TRUE);
  spin_for (FS_SCENARIO_EDITOR_DEBOUNCE_MS + 200);

  g_assert_cmpuint (fs_scenario_editor_get_n_errors (f->editor), ==, 0);
  g_autoptr (GArray) no_lines = fs_scenario_editor_get_error_lines (f->editor);
  g_assert_cmpuint (no_lines->len, ==, 0);
  g_assert_null (fs_scenario_editor_get_inline_message (f->editor, 2));
  g_assert_null (fs_scenario_editor_get_first_error (f->editor));

  /* Several problems: each line gets its message, check_now is immediate. */
  fs_scenario_editor_set_text (f->editor, "process main {\n  kill nobody TERM\n  sleep 3 parsecs\n}\n");
  g_assert_cmpuint (fs_scenario_editor_check_now (f->editor), >=, 2);
  g_assert_nonnull (fs_scenario_editor_get_inline_message (f->editor, 2));
  g_assert_nonnull (fs_scenario_editor_get_inline_message (f->editor, 3));
}

static void
test_highlighting (Fixture *f, gconstpointer data)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (fs_scenario_editor_get_view (f->editor)));
  GtkSourceLanguage *language = gtk_source_buffer_get_language (buffer);
  g_assert_nonnull (language);
  g_assert_cmpstr (gtk_source_language_get_id (language), ==, "forkscope-scenario");

  fs_scenario_editor_set_text (f->editor, "# a comment\nprocess main {\n  print \"pid {pid}\"\n}\n");
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (buffer), &start, &end);
  gtk_source_buffer_ensure_highlight (buffer, &start, &end);

  GtkTextIter at;
  gtk_text_buffer_get_iter_at_line_offset (GTK_TEXT_BUFFER (buffer), &at, 0, 3);
  g_assert_true (gtk_source_buffer_iter_has_context_class (buffer, &at, "comment"));
  gtk_text_buffer_get_iter_at_line_offset (GTK_TEXT_BUFFER (buffer), &at, 2, 10);
  g_assert_true (gtk_source_buffer_iter_has_context_class (buffer, &at, "string"));
  gtk_text_buffer_get_iter_at_line_offset (GTK_TEXT_BUFFER (buffer), &at, 1, 2);
  g_assert_false (gtk_source_buffer_iter_has_context_class (buffer, &at, "string"));
  g_assert_false (gtk_source_buffer_iter_has_context_class (buffer, &at, "comment"));
}

static void
test_files (Fixture *f, gconstpointer data)
{
  g_autofree char *title = fs_scenario_editor_get_title (f->editor);
  g_assert_cmpstr (title, ==, "Untitled scenario");
  g_assert_false (fs_scenario_editor_get_dirty (f->editor));

  type_text (f, "process main {\n}\n");
  g_assert_true (fs_scenario_editor_get_dirty (f->editor));
  g_autofree char *dirty_title = fs_scenario_editor_get_title (f->editor);
  g_assert_true (g_str_has_suffix (dirty_title, "\u2022"));

  g_autoptr (GError) error = NULL;
  g_assert_false (fs_scenario_editor_save (f->editor, &error));  /* no file yet */
  g_clear_error (&error);

  g_autofree char *path = g_build_filename (tmp_dir, "mine.fsc", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_assert_true (fs_scenario_editor_save_as (f->editor, file, &error));
  g_assert_no_error (error);
  g_assert_false (fs_scenario_editor_get_dirty (f->editor));
  g_autofree char *saved_title = fs_scenario_editor_get_title (f->editor);
  g_assert_cmpstr (saved_title, ==, "mine.fsc");
  g_autofree char *on_disk = NULL;
  g_assert_true (g_file_get_contents (path, &on_disk, NULL, NULL));
  g_assert_cmpstr (on_disk, ==, "process main {\n}\n");

  /* A snapshot for Run holds unsaved text, and leaves the dirty state alone. */
  type_text (f, "# more\n");
  g_assert_true (fs_scenario_editor_get_dirty (f->editor));
  g_autofree char *snapshot = fs_scenario_editor_write_snapshot (f->editor, tmp_dir, &error);
  g_assert_no_error (error);
  g_autofree char *snap_text = NULL;
  g_assert_true (g_file_get_contents (snapshot, &snap_text, NULL, NULL));
  g_assert_cmpstr (snap_text, ==, "process main {\n}\n# more\n");
  g_assert_true (fs_scenario_editor_get_dirty (f->editor));

  g_assert_true (fs_scenario_editor_save (f->editor, &error));
  g_assert_no_error (error);
  g_assert_false (fs_scenario_editor_get_dirty (f->editor));

  /* Load: replaces the text, clean, and checked at once. */
  g_autofree char *other = g_build_filename (tmp_dir, "broken.fsc", NULL);
  g_assert_true (g_file_set_contents (other, "process main {\n  sleep\n}\n", -1, NULL));
  g_autoptr (GFile) other_file = g_file_new_for_path (other);
  g_assert_true (fs_scenario_editor_load_file (f->editor, other_file, &error));
  g_assert_no_error (error);
  g_assert_false (fs_scenario_editor_get_dirty (f->editor));
  g_assert_cmpuint (fs_scenario_editor_get_n_errors (f->editor), >, 0);
  g_assert_true (g_file_equal (fs_scenario_editor_get_file (f->editor), other_file));

  /* Bad files are refused with the reason, and the text stays. */
  g_autofree char *binary = g_build_filename (tmp_dir, "binary.fsc", NULL);
  g_assert_true (g_file_set_contents (binary, "\xff\xfe\x00\x01", 4, NULL));
  g_autoptr (GFile) binary_file = g_file_new_for_path (binary);
  g_assert_false (fs_scenario_editor_load_file (f->editor, binary_file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_autoptr (GFile) missing = g_file_new_for_path ("/nonexistent/x.fsc");
  g_assert_false (fs_scenario_editor_load_file (f->editor, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (g_file_equal (fs_scenario_editor_get_file (f->editor), other_file));
}

static void
test_examples (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) examples = fs_scenario_editor_list_examples ();
  g_assert_cmpuint (examples->len, >=, 2);
  const char *path = NULL;
  for (guint i = 0; i < examples->len; i++)
    {
      g_assert_true (g_str_has_suffix (g_ptr_array_index (examples, i), ".fsc"));
      if (g_str_has_suffix (g_ptr_array_index (examples, i), "/zz-example.fsc"))
        path = g_ptr_array_index (examples, i);
    }
  g_assert_nonnull (path);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.open-example", "s", path));
  spin_for (20);
  g_autofree char *text = fs_scenario_editor_get_text (f->editor);
  g_assert_cmpstr (text, ==, "process main {\n  exit 0\n}\n");
  g_autofree char *title = fs_scenario_editor_get_title (f->editor);
  g_assert_cmpstr (title, ==, "zz-example.fsc (example)");
  g_assert_false (fs_scenario_editor_get_dirty (f->editor));
  g_assert_null (fs_scenario_editor_get_file (f->editor));  /* Save asks where */
}

/* Every shipped scenario opens from Examples without a problem. */
static void
test_shipped_examples (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) examples = fs_scenario_editor_list_examples ();
  guint shipped = 0;
  for (guint i = 0; i < examples->len; i++)
    {
      const char *path = g_ptr_array_index (examples, i);
      if (strstr (path, "/data/scenarios/") == NULL)
        continue;
      shipped++;
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.open-example", "s", path));
      g_autofree char *first = fs_scenario_editor_get_first_error (f->editor);
      if (first)
        g_test_message ("%s: %s", path, first);
      g_assert_null (first);
      g_assert_cmpuint (fs_scenario_editor_get_n_errors (f->editor), ==, 0);
      g_assert_false (fs_scenario_editor_get_dirty (f->editor));
    }
  g_test_message ("%u shipped scenarios", shipped);
  g_assert_cmpuint (shipped, >=, 5);
}

/* A finished trace with markers for lines 3, 6 and 7 and their effects. */
static FsTrace *
marker_trace (void)
{
  FsTrace *trace = fs_trace_new ();
  FsProcessId main_id = fs_trace_add_process (trace, 100, FS_PROCESS_NONE, 0, "main");
  FsProcessId child = fs_trace_add_process (trace, 101, main_id, 2000, "child");
  FsEvent *e;
  e = fs_trace_append (trace, 1000, main_id, FS_EVENT_MARKER);
  e->u.marker.line = 3;
  e = fs_trace_append (trace, 2000, main_id, FS_EVENT_FORK);
  e->u.fork.child = child;
  e = fs_trace_append (trace, 2500, child, FS_EVENT_MARKER);
  e->u.marker.line = 4;
  e = fs_trace_append (trace, 3000, main_id, FS_EVENT_MARKER);
  e->u.marker.line = 6;
  e = fs_trace_append (trace, 4000, main_id, FS_EVENT_SIGNAL_SEND);
  e->signal = SIGTERM;
  e->u.send.target = child;
  e->u.send.target_kind = FS_TARGET_PROCESS;
  e = fs_trace_append (trace, 5000, child, FS_EVENT_SIGNAL_DELIVER);
  e->signal = SIGTERM;
  e->u.deliver.sender = main_id;
  e->u.deliver.action = FS_ACTION_TERMINATE;
  e = fs_trace_append (trace, 5100, child, FS_EVENT_EXIT);
  e->u.exit.status.kind = FS_EXIT_SIGNAL;
  e->u.exit.status.value = SIGTERM;
  e = fs_trace_append (trace, 6000, main_id, FS_EVENT_MARKER);
  e->u.marker.line = 7;
  e = fs_trace_append (trace, 6500, main_id, FS_EVENT_REAP);
  e->u.reap.child = child;
  e->u.reap.status.kind = FS_EXIT_SIGNAL;
  e->u.reap.status.value = SIGTERM;
  g_autoptr (GError) error = NULL;
  g_assert_true (fs_trace_finish (trace, &error));
  g_assert_no_error (error);
  return trace;
}

typedef struct {
  FsScenarioEditor *editor;
  FsSession        *session;
} Follow;

/* The window's wiring, as the player drives it. */
static void
playhead_moved_cb (FsSession *session, GParamSpec *pspec, Follow *follow)
{
  FsTrace *trace = fs_session_get_trace (session);
  guint line = trace ? fs_marker_line_at_event (trace, fs_session_get_current_event (session)) : 0;
  fs_scenario_editor_highlight_line (follow->editor, line);
}

static void
line_activated_cb (FsScenarioEditor *editor, guint line, Follow *follow)
{
  gsize index = fs_marker_first_event_of_line (fs_session_get_trace (follow->session), line);
  if (index != FS_EVENT_NONE)
    fs_session_seek_event (follow->session, index);
}

static guint
tagged_line (FsScenarioEditor *editor)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (fs_scenario_editor_get_view (editor));
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "fs-current-line");
  GtkTextIter iter;
  gtk_text_buffer_get_start_iter (buffer, &iter);
  do
    if (gtk_text_iter_has_tag (&iter, tag))
      return (guint) gtk_text_iter_get_line (&iter) + 1;
  while (gtk_text_iter_forward_char (&iter));
  return 0;
}

static void
test_follows_playhead (Fixture *f, gconstpointer data)
{
  fs_scenario_editor_set_text (f->editor, good_scenario);
  g_autoptr (FsTrace) trace = marker_trace ();
  g_autoptr (FsSession) session = fs_session_new ();
  fs_session_set_trace (session, trace, NULL, NULL);
  Follow follow = { f->editor, session };
  g_signal_connect (session, "notify::current-event", G_CALLBACK (playhead_moved_cb), &follow);
  g_signal_connect (f->editor, "line-activated", G_CALLBACK (line_activated_cb), &follow);

  /* Events in order: marker 3, fork, child marker 4, marker 6, send, deliver,
   * exit, marker 7, reap.  Each step shows the line behind the event. */
  const guint expected[] = { 3, 3, 4, 6, 6, 4, 4, 7, 7 };
  g_assert_cmpuint (fs_trace_n_events (trace), ==, G_N_ELEMENTS (expected));
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      fs_session_seek_event (session, i);
      g_assert_cmpuint (fs_session_get_current_event (session), ==, i);
      g_assert_cmpuint (fs_scenario_editor_get_highlighted_line (f->editor), ==, expected[i]);
      g_assert_cmpuint (tagged_line (f->editor), ==, expected[i]);
    }

  /* Playing moves the highlight too. */
  fs_session_go_home (session);
  fs_session_set_step_mode (session, TRUE);
  fs_session_set_playing (session, TRUE);
  fs_session_advance (session, (gint64) (FS_SESSION_STEP_SECONDS * 3.5 * G_USEC_PER_SEC));
  g_assert_cmpuint (fs_scenario_editor_get_highlighted_line (f->editor),
                    ==, fs_marker_line_at_event (trace, fs_session_get_current_event (session)));
  g_assert_cmpuint (fs_scenario_editor_get_highlighted_line (f->editor), !=, 0);

  /* Clicking a line seeks to its first event. */
  fs_scenario_editor_activate_line (f->editor, 6);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, 3);
  fs_scenario_editor_activate_line (f->editor, 4);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, 2);
  g_assert_cmpuint (fs_scenario_editor_get_highlighted_line (f->editor), ==, 4);
  /* A line that never ran does not move the playhead. */
  fs_scenario_editor_activate_line (f->editor, 1);
  g_assert_cmpuint (fs_session_get_current_event (session), ==, 2);

  fs_scenario_editor_highlight_line (f->editor, 0);
  g_assert_cmpuint (tagged_line (f->editor), ==, 0);
  g_assert_cmpuint (fs_marker_line_at_event (trace, FS_EVENT_NONE), ==, 0);
  g_assert_cmpuint (fs_marker_first_event_of_line (trace, 99), ==, FS_EVENT_NONE);
  g_signal_handlers_disconnect_by_data (session, &follow);
  g_signal_handlers_disconnect_by_data (f->editor, &follow);
}

static void
rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  if (dir)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
    }
  g_remove (path);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  tmp_dir = g_dir_make_tmp ("fs-ui-editor-XXXXXX", &error);
  g_assert_no_error (error);
  /* Examples: our own folder first, so the test does not depend on what is
   * shipped, but the shipped ones are listed too. */
  g_autofree char *examples = g_build_filename (tmp_dir, "examples", NULL);
  g_mkdir (examples, 0700);
  g_autofree char *a = g_build_filename (examples, "zz-example.fsc", NULL);
  g_autofree char *b = g_build_filename (examples, "aa-example.fsc", NULL);
  g_file_set_contents (a, "process main {\n  exit 0\n}\n", -1, NULL);
  g_file_set_contents (b, "process main {\n}\n", -1, NULL);
  g_setenv ("FS_SCENARIOS_DIR", examples, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("no display: run under Xvfb\n");
      return 77;
    }

  g_test_add ("/editor/typing-shows-errors", Fixture, NULL, fixture_set_up, test_typing_shows_errors, fixture_tear_down);
  g_test_add ("/editor/highlighting", Fixture, NULL, fixture_set_up, test_highlighting, fixture_tear_down);
  g_test_add ("/editor/files", Fixture, NULL, fixture_set_up, test_files, fixture_tear_down);
  g_test_add ("/editor/examples", Fixture, NULL, fixture_set_up, test_examples, fixture_tear_down);
  g_test_add ("/editor/shipped-examples", Fixture, NULL, fixture_set_up, test_shipped_examples, fixture_tear_down);
  g_test_add ("/editor/follows-playhead", Fixture, NULL, fixture_set_up, test_follows_playhead, fixture_tear_down);

  int status = g_test_run ();
  rm_rf (tmp_dir);
  g_free (tmp_dir);
  return status;
}

/* fs-window-live.c: see fs-window-live.h.
 *
 * A run's snapshots replace the window's trace as they arrive (at most every
 * FS_LIVE_RUN_REFRESH_MS).  With "follow live" on, the playhead goes to the
 * newest event each time; any other move of the playhead during a run (a
 * click on the timeline, the event list, a step) turns following off, so the
 * user can look back while recording goes on. */
#include "fs-window-live.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fs-marker-lines.h"
#include "fs-record-dialog.h"
#include "fs-window.h"

struct _FsWindowLive
{
  FsWindow         *window;          /* borrowed: the window owns us */
  FsSession        *session;         /* borrowed from the window */
  GtkWidget        *paned;
  FsScenarioEditor *editor;
  GSimpleActionGroup *actions;
  GtkWidget        *run_button;
  GtkWidget        *stop_button;

  FsLiveRun        *run;
  char             *run_name;        /* "ticks.fsc", "sh -c …" */
  char             *snapshot_path;   /* the scenario text the run used */
  char             *unsaved;         /* recording shown and not saved elsewhere */
  gboolean          follow;
  gboolean          updating;        /* we are moving the playhead, not the user */
  gboolean          stopping;        /* the user pressed Stop */
  gulong            map_handler;
  guint             restore_source;
  GtkNativeDialog  *chooser;
};

/* ---- helpers --------------------------------------------------------------------- */

static GAction *
action (FsWindowLive *self, const char *name)
{
  return g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);
}

static void
update_actions (FsWindowLive *self)
{
  gboolean running = self->run && fs_live_run_is_running (self->run);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action (self, "run")), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action (self, "record")), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action (self, "stop")), running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action (self, "save-recording")),
                               !running && self->unsaved != NULL);
  if (self->stop_button)
    gtk_widget_set_visible (self->stop_button, running);
  if (self->run_button)
    gtk_widget_set_visible (self->run_button, !running);
}

static void
set_follow (FsWindowLive *self, gboolean follow)
{
  self->follow = follow;
  g_simple_action_set_state (G_SIMPLE_ACTION (action (self, "follow")), g_variant_new_boolean (follow));
}

static void
show_editor (FsWindowLive *self, gboolean visible)
{
  gtk_widget_set_visible (GTK_WIDGET (self->editor), visible);
  g_simple_action_set_state (G_SIMPLE_ACTION (action (self, "toggle-editor")), g_variant_new_boolean (visible));
  if (visible)
    gtk_widget_grab_focus (GTK_WIDGET (fs_scenario_editor_get_view (self->editor)));
}

/* Whether the window's trace was recorded from the editor's scenario, so that
 * its line markers name lines of the editor's text. */
static gboolean
trace_matches_editor (FsWindowLive *self, FsTrace *trace)
{
  const char *scenario = trace ? fs_trace_get_meta (trace)->scenario : NULL;
  if (scenario == NULL)
    return FALSE;
  if (self->snapshot_path && g_str_equal (scenario, self->snapshot_path))
    return TRUE;
  GFile *file = fs_scenario_editor_get_file (self->editor);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  return path && g_str_equal (path, scenario) && !fs_scenario_editor_get_dirty (self->editor);
}

/* ---- following the playhead ---------------------------------------------------------- */

static void
current_event_cb (FsSession *session, GParamSpec *pspec, FsWindowLive *self)
{
  FsTrace *trace = fs_session_get_trace (session);
  guint line = 0;
  if (trace_matches_editor (self, trace))
    line = fs_marker_line_at_event (trace, fs_session_get_current_event (session));
  fs_scenario_editor_highlight_line (self->editor, line);

  if (!self->updating && self->follow && self->run && fs_live_run_is_running (self->run))
    set_follow (self, FALSE);
}

static void
line_activated_cb (FsScenarioEditor *editor, guint line, FsWindowLive *self)
{
  FsTrace *trace = fs_session_get_trace (self->session);
  if (!trace_matches_editor (self, trace))
    return;
  gsize index = fs_marker_first_event_of_line (trace, line);
  if (index == FS_EVENT_NONE)
    return;
  fs_session_set_playing (self->session, FALSE);
  fs_session_seek_event (self->session, index);
}

/* ---- runs ------------------------------------------------------------------------- */

static void
trace_updated_cb (FsLiveRun *run, FsTrace *trace, FsWindowLive *self)
{
  FsTrace *shown = fs_session_get_trace (self->session);
  const FsTraceGrowth *growth = fs_live_run_get_growth (run);
  if (shown == trace && growth != NULL)
    {
      /* The trace shown grew in place: the session keeps the playhead,
       * selection and zoom itself. */
      self->updating = TRUE;
      fs_window_show_live_trace (self->window, trace, fs_live_run_get_recording_path (run),
                                 self->run_name, self->follow, growth);
      self->updating = FALSE;
      return;
    }

  /* A new trace object (the first of this run, or the follower started
   * over): keep what the user chose in the previous one of this run
   * (process ids are stable between them). */
  gboolean same_run = shown && g_strcmp0 (fs_session_get_path (self->session),
                                          fs_live_run_get_recording_path (run)) == 0;
  gint64 t_ns = fs_session_get_time (self->session);
  FsProcessId selected = fs_session_get_selected_process (self->session);
  gint64 from = 0, to = 0;
  fs_session_get_visible_range (self->session, &from, &to);
  gboolean zoomed = same_run && (from > 0 || to < fs_session_get_duration (self->session));

  self->updating = TRUE;
  fs_window_show_live_trace (self->window, trace, fs_live_run_get_recording_path (run),
                             self->run_name, self->follow, NULL);
  if (same_run)
    {
      if (zoomed)
        fs_session_set_visible_range (self->session, from, to);
      if (selected != FS_PROCESS_NONE && selected < fs_trace_n_processes (trace))
        fs_session_select_process (self->session, selected);
      if (!self->follow)
        fs_session_seek (self->session, MIN (t_ns, fs_trace_duration (trace)));
    }
  self->updating = FALSE;
}

static void
finished_cb (FsLiveRun *run, int exit_status, const char *message, FsWindowLive *self)
{
  if (fs_live_run_get_trace (run))
    {
      g_free (self->unsaved);
      self->unsaved = g_strdup (fs_live_run_get_recording_path (run));
    }
  if (message)
    {
      g_autofree char *text = g_strdup_printf ("%s: %s", self->run_name, message);
      fs_window_show_status (self->window, FS_WINDOW_STATUS_ERROR, text);
    }
  else
    {
      g_autofree char *how = self->stopping ? g_strdup ("was stopped")
                                            : g_strdup_printf ("finished (exit status %d)", exit_status);
      g_autofree char *text = g_strdup_printf ("%s %s. The recording is kept until you save it "
                                               "(Save Recording…).", self->run_name, how);
      fs_window_show_status (self->window, FS_WINDOW_STATUS_INFO, text);
    }
  update_actions (self);
}

static void
state_changed_cb (FsLiveRun *run, GParamSpec *pspec, FsWindowLive *self)
{
  update_actions (self);
}

/* Makes run the current one.  The previous run's recording is dropped unless
 * it was saved: starting a new run is moving on from it. */
static void
adopt_run (FsWindowLive *self, FsLiveRun *run, const char *name)
{
  if (self->run)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      if (self->unsaved && g_strcmp0 (self->unsaved, fs_live_run_get_recording_path (self->run)) == 0)
        {
          fs_live_run_forget_recording (self->run);
          g_clear_pointer (&self->unsaved, g_free);
        }
      g_clear_object (&self->run);
    }
  self->run = g_object_ref (run);
  g_free (self->run_name);
  self->run_name = g_strdup (name);
  g_signal_connect (run, "trace-updated", G_CALLBACK (trace_updated_cb), self);
  g_signal_connect (run, "finished", G_CALLBACK (finished_cb), self);
  g_signal_connect (run, "notify::state", G_CALLBACK (state_changed_cb), self);
  self->stopping = FALSE;
  set_follow (self, TRUE);
  fs_session_set_playing (self->session, FALSE);

  g_autofree char *status = g_strdup_printf ("Recording %s live…", name);
  fs_window_show_status (self->window, FS_WINDOW_STATUS_BUSY, status);
  update_actions (self);
}

static void
run_action (GSimpleAction *simple, GVariant *param, gpointer user_data)
{
  FsWindowLive *self = user_data;
  if (self->run && fs_live_run_is_running (self->run))
    return;

  g_autofree char *text = fs_scenario_editor_get_text (self->editor);
  if (g_strstrip (text)[0] == '\0')
    {
      show_editor (self, TRUE);
      fs_window_show_status (self->window, FS_WINDOW_STATUS_INFO,
                             "Write a scenario, or open one from Examples, then Run (Ctrl+R).");
      return;
    }
  if (fs_scenario_editor_check_now (self->editor) > 0)
    {
      show_editor (self, TRUE);
      g_autofree char *first = fs_scenario_editor_get_first_error (self->editor);
      g_autofree char *message = g_strdup_printf ("The scenario has errors and was not run: %s", first);
      fs_window_show_status (self->window, FS_WINDOW_STATUS_ERROR, message);
      return;
    }

  g_autoptr (GError) error = NULL;
  g_autofree char *dir = fs_live_run_recordings_dir (&error);
  g_autofree char *snapshot = dir ? fs_scenario_editor_write_snapshot (self->editor, dir, &error) : NULL;
  g_autoptr (FsLiveRun) run = fs_live_run_new ();
  if (snapshot == NULL || !fs_live_run_start_scenario (run, snapshot, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf ("The scenario could not be run: %s", error->message);
      fs_window_show_status (self->window, FS_WINDOW_STATUS_ERROR, message);
      if (snapshot)
        g_unlink (snapshot);
      return;
    }
  if (self->snapshot_path)
    g_unlink (self->snapshot_path);
  g_free (self->snapshot_path);
  self->snapshot_path = g_steal_pointer (&snapshot);

  g_autofree char *title = fs_scenario_editor_get_title (self->editor);
  /* The title without the dirty mark. */
  char *mark = strstr (title, " \u2022");
  if (mark)
    *mark = '\0';
  adopt_run (self, run, title);
}

static void
stop_action (GSimpleAction *simple, GVariant *param, gpointer user_data)
{
  FsWindowLive *self = user_data;
  if (self->run && fs_live_run_is_running (self->run))
    {
      self->stopping = TRUE;
      fs_live_run_stop (self->run);
      fs_window_show_status (self->window, FS_WINDOW_STATUS_BUSY, "Stopping…");
    }
}

static void
record_started_cb (FsRecordDialog *dialog, FsLiveRun *run, FsWindowLive *self)
{
  const char *const *argv = fs_live_run_get_argv (run);
  /* Name the run after what follows "--" (the command) or the attached pid. */
  g_autofree char *name = NULL;
  for (guint i = 0; argv && argv[i]; i++)
    {
      if (g_str_equal (argv[i], "--") && argv[i + 1])
        {
          name = g_strjoinv (" ", (char **) argv + i + 1);
          break;
        }
      if (g_str_equal (argv[i], "-p") && argv[i + 1])
        {
          name = g_strdup_printf ("process %s", argv[i + 1]);
          break;
        }
    }
  adopt_run (self, run, name ? name : "recording");
}

static void
record_action (GSimpleAction *simple, GVariant *param, gpointer user_data)
{
  FsWindowLive *self = user_data;
  FsRecordDialog *dialog = fs_record_dialog_new (GTK_WINDOW (self->window));
  /* The dialog is destroyed with the window, so it never outlives self. */
  g_signal_connect (dialog, "started", G_CALLBACK (record_started_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
toggle_editor_action (GSimpleAction *simple, GVariant *param, gpointer user_data)
{
  FsWindowLive *self = user_data;
  show_editor (self, !gtk_widget_get_visible (GTK_WIDGET (self->editor)));
}

static void
follow_action (GSimpleAction *simple, GVariant *param, gpointer user_data)
{
  FsWindowLive *self = user_data;
  set_follow (self, !self->follow);
  FsTrace *trace = fs_session_get_trace (self->session);
  if (self->follow && trace && self->run && fs_live_run_is_running (self->run))
    {
      self->updating = TRUE;
      fs_session_go_end (self->session);
      self->updating = FALSE;
    }
}

/* ---- saving and restoring recordings ------------------------------------------------- */

static void
forget_unsaved (FsWindowLive *self)
{
  if (self->unsaved == NULL)
    return;
  g_unlink (self->unsaved);
  if (g_str_has_suffix (self->unsaved, ".fstrace"))
    {
      g_autofree char *log = g_strndup (self->unsaved, strlen (self->unsaved) - strlen (".fstrace"));
      g_autofree char *log_path = g_strconcat (log, ".log", NULL);
      g_unlink (log_path);
    }
  g_clear_pointer (&self->unsaved, g_free);
}

static void
save_response_cb (GtkNativeDialog *chooser, int response, FsWindowLive *self)
{
  g_autoptr (GFile) file = NULL;
  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
  if (file == NULL || self->unsaved == NULL)
    return;

  g_autoptr (GFile) source = g_file_new_for_path (self->unsaved);
  g_autoptr (GError) error = NULL;
  if (!g_file_copy (source, file, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf ("The recording could not be saved: %s", error->message);
      fs_window_show_status (self->window, FS_WINDOW_STATUS_ERROR, message);
      return;
    }
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *message = g_strdup_printf ("Recording saved as %s.", name);
  forget_unsaved (self);
  fs_window_show_status (self->window, FS_WINDOW_STATUS_INFO, message);
  update_actions (self);
}

static void
save_recording_action (GSimpleAction *simple, GVariant *param, gpointer user_data)
{
  FsWindowLive *self = user_data;
  if (self->unsaved == NULL)
    return;
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new ("Save Recording", GTK_WINDOW (self->window),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  g_autofree char *base = self->run_name ? g_strdup (self->run_name) : g_strdup ("recording");
  g_strdelimit (base, " /'\"\\", '-');
  if (g_str_has_suffix (base, ".fsc"))
    base[strlen (base) - 4] = '\0';
  g_autofree char *suggestion = g_strdup_printf ("%.40s.fstrace", base);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggestion);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), self);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

typedef struct {
  FsWindowLive *self;
  GPtrArray    *paths;
} FsRestoreJob;

static void
restore_response_cb (GtkDialog *dialog, int response, FsRestoreJob *job)
{
  FsWindowLive *self = job->self;
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT && job->paths->len > 0)
    {
      const char *newest = g_ptr_array_index (job->paths, 0);
      g_autoptr (GFile) file = g_file_new_for_path (newest);
      g_free (self->unsaved);
      self->unsaved = g_strdup (newest);
      g_free (self->run_name);
      self->run_name = g_strdup ("restored recording");
      fs_window_open (self->window, file);
      update_actions (self);
    }
  else if (response == GTK_RESPONSE_REJECT)
    {
      for (guint i = 0; i < job->paths->len; i++)
        {
          g_free (self->unsaved);
          self->unsaved = g_strdup (g_ptr_array_index (job->paths, i));
          forget_unsaved (self);
        }
    }
  g_ptr_array_unref (job->paths);
  g_free (job);
}

void
fs_window_live_scenario_opened (FsWindowLive *self, GFile *file)
{
  g_return_if_fail (self != NULL);
  /* Never replace unsaved edits; otherwise show the source that is running so
   * its lines follow the playhead. */
  if (fs_scenario_editor_get_dirty (self->editor))
    return;
  g_autoptr (GError) error = NULL;
  if (!fs_scenario_editor_load_file (self->editor, file, &error))
    g_debug ("the editor could not load the scenario: %s", error->message);
}

void
fs_window_live_offer_restore (FsWindowLive *self)
{
  g_autoptr (GPtrArray) paths = fs_live_run_find_unsaved ();
  if (paths->len == 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self->window),
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                              paths->len == 1 ? "A recording was not saved"
                                                              : "Recordings were not saved");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
    "Forkscope ended before %u recording%s could be saved. Open the newest one to look at it "
    "and save it?", paths->len, paths->len == 1 ? "" : "s");
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), "_Discard", GTK_RESPONSE_REJECT,
                          "_Later", GTK_RESPONSE_CANCEL, "_Open", GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  FsRestoreJob *job = g_new0 (FsRestoreJob, 1);
  job->self = self;
  job->paths = g_steal_pointer (&paths);
  g_signal_connect (dialog, "response", G_CALLBACK (restore_response_cb), job);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Once per app: the first window that appears asks about earlier recordings,
 * unless it was opened to show a file (then the question would interrupt). */
static gboolean restore_offered;

static gboolean
offer_restore_idle_cb (gpointer user_data)
{
  FsWindowLive *self = user_data;
  self->restore_source = 0;
  if (g_strcmp0 (fs_window_get_page (self->window), "empty") == 0)
    fs_window_live_offer_restore (self);
  return G_SOURCE_REMOVE;
}

static void
window_mapped_cb (GtkWidget *window, FsWindowLive *self)
{
  g_clear_signal_handler (&self->map_handler, window);
  if (restore_offered)
    return;
  restore_offered = TRUE;
  /* After the files given on the command line have started opening. */
  self->restore_source = g_idle_add (offer_restore_idle_cb, self);
}

/* ---- construction --------------------------------------------------------------------- */

static GtkWidget *
header_button (const char *icon, const char *action_name, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static void
add_shortcut (GtkShortcutController *controller, const char *accel, const char *action_name)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (accel),
                                                          gtk_named_action_new (action_name)));
}

FsWindowLive *
fs_window_live_new (FsWindow *window)
{
  g_return_val_if_fail (FS_IS_WINDOW (window), NULL);

  FsWindowLive *self = g_new0 (FsWindowLive, 1);
  self->window = window;
  self->session = fs_window_get_session (window);
  self->follow = TRUE;

  static const GActionEntry entries[] = {
    { .name = "toggle-editor", .activate = toggle_editor_action, .state = "false" },
    { .name = "run", .activate = run_action },
    { .name = "stop", .activate = stop_action },
    { .name = "record", .activate = record_action },
    { .name = "follow", .activate = follow_action, .state = "true" },
    { .name = "save-recording", .activate = save_recording_action },
  };
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "live", G_ACTION_GROUP (self->actions));

  /* The editor to the left of everything the window shows. */
  self->editor = FS_SCENARIO_EDITOR (fs_scenario_editor_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->editor), 320, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->editor), FALSE);
  g_signal_connect (self->editor, "line-activated", G_CALLBACK (line_activated_cb), self);
  GtkWidget *content = gtk_window_get_child (GTK_WINDOW (window));
  self->paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_shrink_start_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_resize_start_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_position (GTK_PANED (self->paned), 420);
  if (content)
    {
      g_object_ref (content);
      gtk_window_set_child (GTK_WINDOW (window), NULL);
      gtk_paned_set_end_child (GTK_PANED (self->paned), content);
      g_object_unref (content);
    }
  gtk_paned_set_start_child (GTK_PANED (self->paned), GTK_WIDGET (self->editor));
  gtk_window_set_child (GTK_WINDOW (window), self->paned);

  /* Header bar: editor, run/stop, record; follow live at the end. */
  GtkWidget *header = gtk_window_get_titlebar (GTK_WINDOW (window));
  if (GTK_IS_HEADER_BAR (header))
    {
      GtkWidget *editor_toggle = gtk_toggle_button_new ();
      gtk_button_set_icon_name (GTK_BUTTON (editor_toggle), "text-editor-symbolic");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (editor_toggle), "live.toggle-editor");
      gtk_widget_set_tooltip_text (editor_toggle, "Scenario editor (F9)");
      gtk_accessible_update_property (GTK_ACCESSIBLE (editor_toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      "Scenario editor", -1);
      /* Words, not icons: a triangle here would read as the player's Play. */
      self->run_button = gtk_button_new_with_mnemonic ("_Run");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->run_button), "live.run");
      gtk_widget_set_tooltip_text (self->run_button, "Run the scenario for real and watch it live (Ctrl+R)");
      self->stop_button = gtk_button_new_with_mnemonic ("_Stop");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->stop_button), "live.stop");
      gtk_widget_set_tooltip_text (self->stop_button, "Stop the run or recording (Esc)");
      gtk_widget_add_css_class (self->stop_button, "destructive-action");
      GtkWidget *record = header_button ("media-record-symbolic", "live.record", "Record a program… (Ctrl+Shift+R)");
      gtk_header_bar_pack_start (GTK_HEADER_BAR (header), editor_toggle);
      gtk_header_bar_pack_start (GTK_HEADER_BAR (header), self->run_button);
      gtk_header_bar_pack_start (GTK_HEADER_BAR (header), self->stop_button);
      gtk_header_bar_pack_start (GTK_HEADER_BAR (header), record);
      GtkWidget *follow = gtk_toggle_button_new_with_label ("Follow live");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (follow), "live.follow");
      gtk_widget_set_tooltip_text (follow, "Keep the playhead at the newest event while recording");
      gtk_header_bar_pack_end (GTK_HEADER_BAR (header), follow);
      GtkWidget *save = header_button ("document-save-symbolic", "live.save-recording",
                                       "Save the recording… (Ctrl+Shift+S)");
      gtk_header_bar_pack_end (GTK_HEADER_BAR (header), save);
    }

  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkShortcutController *controller = GTK_SHORTCUT_CONTROLLER (shortcuts);
  add_shortcut (controller, "<Control>r", "live.run");
  add_shortcut (controller, "Escape", "live.stop");
  add_shortcut (controller, "<Control><Shift>r", "live.record");
  add_shortcut (controller, "F9", "live.toggle-editor");
  add_shortcut (controller, "<Control><Shift>s", "live.save-recording");
  gtk_widget_add_controller (GTK_WIDGET (window), shortcuts);

  g_signal_connect (self->session, "notify::current-event", G_CALLBACK (current_event_cb), self);
  self->map_handler = g_signal_connect (window, "map", G_CALLBACK (window_mapped_cb), self);
  update_actions (self);
  return self;
}

void
fs_window_live_free (FsWindowLive *self)
{
  if (self == NULL)
    return;
  if (self->chooser)
    {
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  g_clear_handle_id (&self->restore_source, g_source_remove);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_signal_handlers_disconnect_by_data (self->window, self);
  if (self->run)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      /* Closing the window stops its recording (the CLI kills and reaps). */
      fs_live_run_stop (self->run);
      g_clear_object (&self->run);
    }
  if (self->editor)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  if (self->snapshot_path)
    g_unlink (self->snapshot_path);
  g_free (self->snapshot_path);
  g_free (self->run_name);
  g_free (self->unsaved);
  g_clear_object (&self->actions);
  g_free (self);
}

FsScenarioEditor *
fs_window_live_get_editor (FsWindowLive *self)
{
  return self->editor;
}

FsLiveRun *
fs_window_live_get_run (FsWindowLive *self)
{
  return self->run;
}

gboolean
fs_window_live_get_follow (FsWindowLive *self)
{
  return self->follow;
}

const char *
fs_window_live_get_unsaved_recording (FsWindowLive *self)
{
  return self->unsaved;
}

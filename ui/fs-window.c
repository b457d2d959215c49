/* fs-window.c: the main window: opening files, player, actions, banner. */
#include "fs-window.h"
#include "fs-config.h"
#include "fs-application.h"
#include "fs-event-format.h"
#include "fs-profile.h"
#include "fs-export-dialog.h"
#include "core/trace-file.h"
#include "core/trace-json.h"
#include "core/trace-export.h"
#include "ui/drawing/export-image.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

struct _FsWindow {
  GtkApplicationWindow parent_instance;

  /* Template widgets */
  GtkWidget *title_label;
  GtkWidget *subtitle_label;
  GtkWidget *banner_revealer;
  GtkWidget *banner;
  GtkWidget *banner_spinner;
  GtkWidget *banner_icon;
  GtkWidget *banner_label;
  GtkWidget *banner_close;
  GtkWidget *content_stack;
  GtkWidget *loading_spinner;
  GtkWidget *loading_label;
  GtkWidget *error_title;
  GtkWidget *error_label;
  FsGraphView *graph_view;
  GtkWidget *view_stack;
  GtkWidget *view_switcher;
  FsProcessLanes *lanes_view;
  FsTimeline *timeline;
  GtkWidget *play_button;
  GtkWidget *time_label;
  GtkWidget *event_label;
  GtkAdjustment *speed_adjustment;
  GtkWidget *speed_label;
  FsEventList *event_list;
  FsOutputView *output_view;
  FsInspector *inspector;
  GMenu *recent_menu;

  /* Owned references */
  FsWindowLive *live;           /* the editor, live runs, recordings */
  FsSession *session;
  GCancellable *cancellable;    /* the current load or scenario run */
  GSubprocess *run;             /* forkscope-cli run, while it runs */
  char *scenario_trace_dir;     /* temporary directory of the last scenario run */
  guint tick_id;
  gint64 last_frame_time;
  GArray *frame_intervals;
  gboolean updating_speed;
  gboolean autoplay;
  gboolean run_fast;            /* pass --fast to forkscope-cli run */
  gboolean report_end;          /* print a line when playback reaches the end */
  char *open_at;                /* --at: seek here (paused) once a trace is open */
  char *open_select;            /* --select: inspect this process once a trace is open */
};

G_DEFINE_FINAL_TYPE (FsWindow, fs_window, GTK_TYPE_APPLICATION_WINDOW)

static void update_actions (FsWindow *self);

/* ---------------------------------------------------------------- banner */

typedef enum {
  BANNER_INFO,
  BANNER_WARNING,
  BANNER_ERROR,
  BANNER_BUSY,
} BannerKind;

static void
show_banner (FsWindow *self, BannerKind kind, const char *text)
{
  gtk_widget_remove_css_class (self->banner, "warning");
  gtk_widget_remove_css_class (self->banner, "error");
  gtk_widget_remove_css_class (self->banner, "info");
  gtk_widget_add_css_class (self->banner, kind == BANNER_ERROR ? "error"
                                          : kind == BANNER_WARNING ? "warning" : "info");
  gtk_image_set_from_icon_name (GTK_IMAGE (self->banner_icon),
                                kind == BANNER_ERROR ? "dialog-error-symbolic"
                                : kind == BANNER_WARNING ? "dialog-warning-symbolic"
                                : "dialog-information-symbolic");
  gtk_widget_set_visible (self->banner_icon, kind != BANNER_BUSY);
  gtk_widget_set_visible (self->banner_spinner, kind == BANNER_BUSY);
  gtk_spinner_set_spinning (GTK_SPINNER (self->banner_spinner), kind == BANNER_BUSY);
  gtk_widget_set_visible (self->banner_close, kind != BANNER_BUSY);
  gtk_label_set_text (GTK_LABEL (self->banner_label), text);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner_revealer), TRUE);
}

static void
hide_banner (FsWindow *self)
{
  gtk_spinner_set_spinning (GTK_SPINNER (self->banner_spinner), FALSE);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner_revealer), FALSE);
}

const char *
fs_window_get_banner_text (FsWindow *self)
{
  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (self->banner_revealer)))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (self->banner_label));
}

const char *
fs_window_get_error_text (FsWindow *self)
{
  return gtk_label_get_text (GTK_LABEL (self->error_label));
}

const char *
fs_window_get_page (FsWindow *self)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (self->content_stack));
}

static void
show_error (FsWindow *self, const char *title, const char *message)
{
  gtk_spinner_set_spinning (GTK_SPINNER (self->loading_spinner), FALSE);
  gtk_label_set_text (GTK_LABEL (self->error_title), title);
  gtk_label_set_text (GTK_LABEL (self->error_label), message);
  /* Keep a trace that was open before: the error only takes the banner then. */
  if (fs_session_get_trace (self->session) == NULL)
    gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "error");
  {
    g_autofree char *text = g_strdup_printf ("%s: %s", title, message);
    show_banner (self, BANNER_ERROR, text);
  }
}

/* ---------------------------------------------------------------- titles */

static void
set_titles (FsWindow *self, const char *title, const char *subtitle)
{
  g_autofree char *window_title = NULL;

  gtk_label_set_text (GTK_LABEL (self->title_label), title);
  gtk_label_set_text (GTK_LABEL (self->subtitle_label), subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (self->subtitle_label, subtitle != NULL && *subtitle != '\0');
  window_title = g_strcmp0 (title, "Forkscope") == 0 ? g_strdup (title)
                                                   : g_strdup_printf ("%s — Forkscope", title);
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

/* ---------------------------------------------------------------- recent files */

static const char *
recent_app_name (void)
{
  const char *name = g_get_application_name ();
  return name != NULL ? name : "Forkscope";
}

static int
compare_recent_newest_first (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  if (ta == NULL || tb == NULL)
    return (ta == NULL) - (tb == NULL);
  return -g_date_time_compare (ta, tb);
}

static void
rebuild_recent_menu (FsWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  guint shown = 0;

  g_menu_remove_all (self->recent_menu);
  items = g_list_sort (items, compare_recent_newest_first);
  for (GList *l = items; l != NULL && shown < 10; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);

      if (!gtk_recent_info_has_application (info, recent_app_name ()))
        continue;
      if (!g_str_has_suffix (uri, ".fstrace") && !g_str_has_suffix (uri, ".fsc")
          && !g_str_has_suffix (uri, ".json"))
        continue;
      {
        g_autofree char *label = g_strdup (gtk_recent_info_get_display_name (info));
        g_autoptr (GMenuItem) item = NULL;
        GVariant *target = g_variant_new_string (uri);

        item = g_menu_item_new (label, NULL);
        g_menu_item_set_action_and_target_value (item, "win.open-recent", target);
        g_menu_append_item (self->recent_menu, item);
        shown++;
      }
    }
  if (shown == 0)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new ("No recent files", "win.none");
      g_menu_append_item (self->recent_menu, item);
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
remember_recent (FsWindow *self, GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = { 0 };

  data.display_name = NULL;
  data.mime_type = g_str_has_suffix (uri, ".fsc") ? (char *) "text/x-forkscope-scenario"
                                                  : (char *) "application/x-forkscope-trace";
  data.app_name = (char *) recent_app_name ();
  data.app_exec = (char *) "forkscope %u";
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
  rebuild_recent_menu (self);
}

/* ---------------------------------------------------------------- loading */

typedef struct {
  char *path;
  char *display_name;
  FsTrace *trace;
  char *warning;
  gint64 started_us;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_free (job->path);
  g_free (job->display_name);
  g_clear_object (&job->trace);
  g_free (job->warning);
  g_free (job);
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GError *error = NULL;

  if (g_str_has_suffix (job->path, ".json"))
    job->trace = fs_trace_load_json (job->path, &error);
  else
    job->trace = fs_trace_load (job->path, &job->warning, &error);
  if (job->trace == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
report_first_frame_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  gint64 started = GPOINTER_TO_SIZE (user_data);

  /* The tick before the first paint of the new trace: close enough, and the
   * benchmark measures the paint separately. */
  if (g_getenv ("FORKSCOPE_BENCHMARK") != NULL)
    g_print ("open_to_first_frame_ms %.1f\n", (g_get_monotonic_time () - started) / 1000.0);
  return G_SOURCE_REMOVE;
}

/* --at and --select: where to start and whom to inspect. */
static void
apply_open_options (FsWindow *self, FsTrace *trace)
{
  if (self->open_select != NULL)
    {
      char *end = NULL;
      gint64 pid = g_ascii_strtoll (self->open_select, &end, 10);
      gboolean by_pid = end != self->open_select && *end == '\0';

      for (FsProcessId id = 0; id < fs_trace_n_processes (trace); id++)
        {
          FsProcess *process = fs_trace_process (trace, id);
          if (by_pid ? process->pid == pid : g_strcmp0 (fs_trace_string (trace, process->name), self->open_select) == 0)
            {
              fs_session_select_process (self->session, id);
              break;
            }
        }
    }
  if (self->open_at != NULL)
    {
      g_autoptr (GError) error = NULL;
      gint64 t_ns;

      if (fs_export_parse_time (trace, self->open_at, &t_ns, &error))
        fs_session_seek (self->session, t_ns);
      else
        show_banner (self, BANNER_WARNING, error->message);
      return;                   /* a chosen instant is shown paused */
    }
  if (self->autoplay)
    fs_session_set_playing (self->session, TRUE);
}

static void
load_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FsWindow *self = FS_WINDOW (source);
  LoadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  FsTraceMeta *meta;
  GString *warnings;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_spinner_set_spinning (GTK_SPINNER (self->loading_spinner), FALSE);
      show_error (self, "Could not open the trace", error->message);
      update_actions (self);
      return;
    }

  gtk_spinner_set_spinning (GTK_SPINNER (self->loading_spinner), FALSE);
  if (fs_profile_enabled ())
    g_printerr ("profile: load_thread_done %.1f ms\n", (g_get_monotonic_time () - job->started_us) / 1000.0);
  {
    FS_PROFILE_BEGIN (set_trace);
    fs_session_set_trace (self->session, job->trace, job->path, job->warning);
    FS_PROFILE_END (set_trace);
  }
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "graph");
  meta = fs_trace_get_meta (job->trace);
  {
    g_autofree char *duration = fs_format_duration (fs_trace_duration (job->trace));
    g_autofree char *subtitle = g_strdup_printf ("%u processes · %" G_GSIZE_FORMAT " events · %s",
                                                 fs_trace_n_processes (job->trace),
                                                 fs_trace_n_events (job->trace), duration);
    set_titles (self, job->display_name, subtitle);
  }

  warnings = g_string_new (NULL);
  if (meta->truncated || job->warning != NULL)
    g_string_append_printf (warnings, "This trace is incomplete: %s",
                            job->warning != NULL ? job->warning : "the file was cut short");
  if (meta->lost_events > 0)
    g_string_append_printf (warnings, "%sThe tracer lost %" G_GUINT64_FORMAT " events while recording.",
                            warnings->len > 0 ? " " : "", meta->lost_events);
  if (g_hash_table_contains (meta->extra, FS_META_LOST_OUTSIDE_SIGNALS))
    g_string_append_printf (warnings, "%sSignals sent into this trace from outside it may be "
                            "missing (the tracer dropped %s records of other processes' signals).",
                            warnings->len > 0 ? " " : "",
                            (const char *) g_hash_table_lookup (meta->extra,
                                                                FS_META_LOST_OUTSIDE_SIGNALS));
  if (warnings->len > 0)
    show_banner (self, BANNER_WARNING, warnings->str);
  else
    hide_banner (self);
  g_string_free (warnings, TRUE);

  gtk_widget_add_tick_callback (GTK_WIDGET (self->graph_view), report_first_frame_cb,
                                GSIZE_TO_POINTER (job->started_us), NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->graph_view));
  update_actions (self);
  apply_open_options (self, job->trace);
}

/* A scenario run that is no longer wanted is interrupted: forkscope-cli
 * kills and reaps every process of the scenario on SIGTERM. */
static void
stop_run (FsWindow *self)
{
  if (self->run != NULL)
    {
      g_subprocess_send_signal (self->run, SIGTERM);
      g_clear_object (&self->run);
    }
}

static void
cancel_pending (FsWindow *self)
{
  stop_run (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
load_trace (FsWindow *self, const char *path, const char *display_name)
{
  LoadJob *job = g_new0 (LoadJob, 1);
  g_autoptr (GTask) task = NULL;
  g_autofree char *loading = g_strdup_printf ("Loading %s…", display_name);

  job->path = g_strdup (path);
  job->display_name = g_strdup (display_name);
  job->started_us = g_get_monotonic_time ();

  fs_session_set_playing (self->session, FALSE);
  if (fs_session_get_trace (self->session) == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->loading_label), loading);
      gtk_spinner_set_spinning (GTK_SPINNER (self->loading_spinner), TRUE);
      gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "loading");
    }
  show_banner (self, BANNER_BUSY, loading);

  task = g_task_new (self, self->cancellable, load_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, load_thread);
}

/* ---------------------------------------------------------------- scenarios */

static char *
find_cli (void)
{
  const char *env = g_getenv ("FORKSCOPE_CLI");
  g_autofree char *self_exe = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  /* Beside our own executable: the build tree and an installed bindir alike. */
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      g_autofree char *candidate = g_build_filename (dir, "forkscope-cli", NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&candidate);
    }
  return g_find_program_in_path ("forkscope-cli");
}

typedef struct {
  FsWindow *self;
  char *trace_path;
  char *display_name;
} RunJob;

static void
run_job_free (RunJob *job)
{
  g_object_unref (job->self);
  g_free (job->trace_path);
  g_free (job->display_name);
  g_free (job);
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GSubprocess *subprocess = G_SUBPROCESS (source);
  RunJob *job = user_data;
  FsWindow *self = job->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gboolean have_trace;

  if (self->run == subprocess)
    g_clear_object (&self->run);

  if (!g_subprocess_communicate_utf8_finish (subprocess, result, &out, &err, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, "Could not run the scenario", error->message);
      run_job_free (job);
      return;
    }

  have_trace = g_file_test (job->trace_path, G_FILE_TEST_IS_REGULAR);
  if (!g_subprocess_get_successful (subprocess) && !have_trace)
    {
      g_autofree char *message = g_strstrip (g_strdup (err != NULL && *err != '\0' ? err
                                                       : "forkscope-cli run failed without a message"));
      show_error (self, "The scenario did not run", message);
      update_actions (self);
      run_job_free (job);
      return;
    }
  load_trace (self, job->trace_path, job->display_name);
  if (!g_subprocess_get_successful (subprocess) && err != NULL && *err != '\0')
    g_message ("forkscope-cli run: %s", err);
  run_job_free (job);
}

static void
run_scenario (FsWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *cli = find_cli ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) subprocess = NULL;
  g_autofree char *status = NULL;
  RunJob *job;

  if (path == NULL)
    {
      show_error (self, "Could not run the scenario", "Only local scenario files can be run.");
      return;
    }
  if (cli == NULL)
    {
      show_error (self, "Could not run the scenario",
                  "forkscope-cli was not found beside forkscope or in PATH (set FORKSCOPE_CLI).");
      return;
    }
  if (self->scenario_trace_dir == NULL)
    {
      self->scenario_trace_dir = g_dir_make_tmp ("forkscope-run-XXXXXX", &error);
      if (self->scenario_trace_dir == NULL)
        {
          show_error (self, "Could not run the scenario", error->message);
          return;
        }
    }

  job = g_new0 (RunJob, 1);
  job->self = g_object_ref (self);
  {
    g_autofree char *stem = g_strndup (basename, strlen (basename) - strlen (".fsc"));
    g_autofree char *trace_name = g_strdup_printf ("%s.fstrace", stem);
    job->trace_path = g_build_filename (self->scenario_trace_dir, trace_name, NULL);
    job->display_name = g_strdup (basename);
  }
  g_unlink (job->trace_path);

  subprocess = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                 | G_SUBPROCESS_FLAGS_STDIN_INHERIT,
                                 &error, cli, "run", path, "-o", job->trace_path,
                                 self->run_fast ? "--fast" : "--time-scale=1", NULL);
  if (subprocess == NULL)
    {
      show_error (self, "Could not run the scenario", error->message);
      run_job_free (job);
      return;
    }
  status = g_strdup_printf ("Running %s for real (forkscope-cli run)…", basename);
  fs_session_set_playing (self->session, FALSE);
  if (fs_session_get_trace (self->session) == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->loading_label), status);
      gtk_spinner_set_spinning (GTK_SPINNER (self->loading_spinner), TRUE);
      gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "loading");
    }
  show_banner (self, BANNER_BUSY, status);
  g_set_object (&self->run, subprocess);
  g_subprocess_communicate_utf8_async (subprocess, NULL, self->cancellable, run_done_cb, job);
}

void
fs_window_open (FsWindow *self, GFile *file)
{
  g_autofree char *path = NULL;
  g_autofree char *basename = NULL;

  g_return_if_fail (FS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  cancel_pending (self);
  path = g_file_get_path (file);
  basename = g_file_get_basename (file);
  if (path == NULL)
    {
      show_error (self, "Could not open the file", "Only local files can be opened.");
      return;
    }
  remember_recent (self, file);
  if (g_str_has_suffix (basename, ".fsc"))
    {
      if (self->live != NULL)
        fs_window_live_scenario_opened (self->live, file);
      run_scenario (self, file);
    }
  else
    load_trace (self, path, basename);
}

/* ---------------------------------------------------------------- playback */

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  FsWindow *self = FS_WINDOW (user_data);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (self->last_frame_time != 0)
    {
      gint64 interval = now - self->last_frame_time;
      if (self->frame_intervals->len < 1000000)
        g_array_append_val (self->frame_intervals, interval);
      /* A stalled frame (window hidden, debugger) must not jump far ahead. */
      fs_session_advance (self->session, MIN (interval, 250000));
    }
  self->last_frame_time = now;
  if (!fs_session_get_playing (self->session))
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
playing_changed_cb (FsSession *session, GParamSpec *pspec, FsWindow *self)
{
  gboolean playing = fs_session_get_playing (session);

  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (self->play_button, playing ? "Pause (Space)" : "Play (Space)");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  playing ? "Pause" : "Play", -1);
  if (playing && self->tick_id == 0)
    {
      self->last_frame_time = 0;
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->graph_view), tick_cb, self, NULL);
    }
  else if (!playing && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->graph_view), self->tick_id);
      self->tick_id = 0;
    }
  if (!playing && self->report_end && fs_session_is_at_end (session))
    {
      g_print ("forkscope: playback reached the end\n");
      fflush (stdout);
    }
}

static void
time_changed_cb (FsSession *session, GParamSpec *pspec, FsWindow *self)
{
  g_autofree char *clock = fs_format_clock (fs_session_get_time (session));
  gtk_label_set_text (GTK_LABEL (self->time_label), clock);
}

static void
current_event_cb (FsSession *session, GParamSpec *pspec, FsWindow *self)
{
  FsTrace *trace = fs_session_get_trace (session);
  gsize current = fs_session_get_current_event (session);
  g_autofree char *text = NULL;

  if (trace == NULL || current == FS_EVENT_NONE)
    text = g_strdup (trace != NULL ? "Before the first event" : "");
  else
    {
      const FsEvent *ev = fs_trace_event (trace, current);
      g_autofree char *who = fs_format_process (trace, ev->process);
      g_autofree char *details = fs_format_event_details (trace, ev);
      text = g_strdup_printf ("Event %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " · %s · %s%s%s", current + 1,
                              fs_trace_n_events (trace), who, fs_event_kind_label (ev->kind),
                              *details != '\0' ? " · " : "", details);
    }
  gtk_label_set_text (GTK_LABEL (self->event_label), text);
  gtk_widget_set_visible (self->event_label, *text != '\0');
}

static void
speed_changed_cb (FsSession *session, GParamSpec *pspec, FsWindow *self)
{
  double speed = fs_session_get_speed (session);
  g_autofree char *label = NULL;

  if (speed < 10 && fabs (speed - round (speed)) >= 0.05)
    label = g_strdup_printf ("%.1f×", speed);
  else
    label = g_strdup_printf ("%.0f×", speed);
  gtk_label_set_text (GTK_LABEL (self->speed_label), label);
  self->updating_speed = TRUE;
  gtk_adjustment_set_value (self->speed_adjustment, log10 (speed));
  self->updating_speed = FALSE;
}

static void
speed_adjusted_cb (GtkAdjustment *adjustment, FsWindow *self)
{
  if (!self->updating_speed)
    fs_session_set_speed (self->session, pow (10, gtk_adjustment_get_value (adjustment)));
}

static void
toggle_state_changed_cb (FsSession *session, GParamSpec *pspec, FsWindow *self)
{
  GAction *step = g_action_map_lookup_action (G_ACTION_MAP (self), "step-mode");
  GAction *loop = g_action_map_lookup_action (G_ACTION_MAP (self), "loop");

  g_simple_action_set_state (G_SIMPLE_ACTION (step), g_variant_new_boolean (fs_session_get_step_mode (session)));
  g_simple_action_set_state (G_SIMPLE_ACTION (loop), g_variant_new_boolean (fs_session_get_loop (session)));
}

/* ---------------------------------------------------------------- actions */

static void
open_response_cb (GtkNativeDialog *dialog, int response, FsWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        fs_window_open (self, file);
    }
  g_object_unref (dialog);
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  dialog = gtk_file_chooser_native_new ("Open Trace or Scenario", GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "Traces and scenarios");
  gtk_file_filter_add_pattern (filter, "*.fstrace");
  gtk_file_filter_add_pattern (filter, "*.fsc");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "All files");
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  {
    g_autofree char *scenarios = g_build_filename (FS_SOURCE_DATADIR, "scenarios", NULL);
    g_autofree char *installed = g_build_filename (FS_DATADIR, "scenarios", NULL);
    const char *dir = g_file_test (installed, G_FILE_TEST_IS_DIR) ? installed : scenarios;
    if (g_file_test (dir, G_FILE_TEST_IS_DIR))
      {
        g_autoptr (GFile) folder = g_file_new_for_path (dir);
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL);
      }
  }
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_recent_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));
  fs_window_open (FS_WINDOW (widget), file);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);

  if (fs_session_get_trace (self->session) == NULL)
    return;
  fs_session_set_playing (self->session, FALSE);
  FsExportDialog *dialog = fs_export_dialog_new (GTK_WINDOW (self), self->session,
                                                 fs_graph_view_is_dark (self->graph_view));
  /* A running recording's trace changes in place at every refresh: the
   * export thread must not read it. */
  FsLiveRun *run = self->live != NULL ? fs_window_live_get_run (self->live) : NULL;
  if (run != NULL && fs_live_run_is_running (run)
      && fs_live_run_get_trace (run) == fs_session_get_trace (self->session))
    fs_export_dialog_set_live_recording (dialog, fs_live_run_get_recording_path (run));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_picture_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  FsTrace *trace = fs_session_get_trace (self->session);
  FsImageOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  if (trace == NULL)
    return;
  fs_image_options_init (&options);
  options.format = FS_IMAGE_PNG;
  options.scale = 2;
  options.theme = fs_graph_view_is_dark (self->graph_view) ? FS_THEME_DARK : FS_THEME_LIGHT;
  gboolean lanes = g_str_equal (fs_window_get_view (self), "lanes");
  if (lanes)
    {
      /* The lanes as shown: the visible time range. */
      FsExportFilter filter;
      fs_export_filter_init (&filter);
      fs_session_get_visible_range (self->session, &filter.from_ns, &filter.to_ns);
      png = fs_export_lanes_bytes (trace, &filter, &options, &error);
    }
  else
    png = fs_export_graph_bytes (trace, fs_session_get_time (self->session), &options, &error);
  if (png != NULL)
    texture = gdk_texture_new_from_bytes (png, &error);
  if (texture == NULL)
    {
      show_banner (self, BANNER_ERROR, error != NULL ? error->message : "Could not render the picture");
      return;
    }
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (widget), texture);
  show_banner (self, BANNER_INFO, lanes ? "The process lanes of the visible time range were copied to the clipboard as a picture."
                                        : "The graph at the playhead was copied to the clipboard as a picture.");
}

static void
find_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  GtkWidget *stack = gtk_widget_get_parent (GTK_WIDGET (self->event_list));

  while (stack != NULL && !GTK_IS_STACK (stack))
    stack = gtk_widget_get_parent (stack);
  if (stack != NULL)
    gtk_stack_set_visible_child_name (GTK_STACK (stack), "events");
  fs_event_list_focus_search (self->event_list);
}

static void
close_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
play_pause_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  fs_session_set_playing (self->session, !fs_session_get_playing (self->session));
}

static void
step_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);

  fs_session_set_playing (self->session, FALSE);
  fs_session_step (self->session, g_str_equal (action_name, "win.step-next") ? 1 : -1);
}

static void
home_end_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);

  if (g_str_equal (action_name, "win.home"))
    fs_session_go_home (self->session);
  else
    {
      fs_session_set_playing (self->session, FALSE);
      fs_session_go_end (self->session);
    }
}

/* Speeds on the 1-2-5 ladder, so +/- land on round values. */
static const double speed_steps[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100 };

static void
speed_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  double speed = fs_session_get_speed (self->session);
  gboolean faster = g_str_equal (action_name, "win.faster");
  double next = speed;

  if (faster)
    {
      for (guint i = 0; i < G_N_ELEMENTS (speed_steps); i++)
        if (speed_steps[i] > speed * 1.001)
          {
            next = speed_steps[i];
            break;
          }
    }
  else
    {
      for (guint i = G_N_ELEMENTS (speed_steps); i > 0; i--)
        if (speed_steps[i - 1] < speed * 0.999)
          {
            next = speed_steps[i - 1];
            break;
          }
    }
  fs_session_set_speed (self->session, next);
}

static void
zoom_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);

  if (g_str_equal (fs_window_get_view (self), "lanes"))
    {
      /* The lanes zoom in time, around the playhead. */
      if (g_str_equal (action_name, "win.zoom-fit"))
        fs_session_set_visible_range (self->session, 0, fs_session_get_duration (self->session));
      else
        fs_session_zoom_visible_range (self->session, g_str_equal (action_name, "win.zoom-in") ? 0.8 : 1.25,
                                       fs_session_get_time (self->session));
      return;
    }
  if (g_str_equal (action_name, "win.zoom-in"))
    fs_graph_view_zoom_by (self->graph_view, 1.25, -1, -1);
  else if (g_str_equal (action_name, "win.zoom-out"))
    fs_graph_view_zoom_by (self->graph_view, 0.8, -1, -1);
  else
    fs_graph_view_zoom_to_fit (self->graph_view);
}

static void
view_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FsWindow *self = FS_WINDOW (widget);
  const char *view = g_variant_get_string (parameter, NULL);

  if (!g_str_equal (view, "graph") && !g_str_equal (view, "lanes"))
    return;
  gtk_stack_set_visible_child_name (GTK_STACK (self->view_stack), view);
  gtk_widget_grab_focus (g_str_equal (view, "lanes") ? GTK_WIDGET (self->lanes_view)
                                                     : GTK_WIDGET (self->graph_view));
}

/* The Graph/Lanes switcher only means something while a trace is shown. */
static void
content_page_changed_cb (GtkStack *stack, GParamSpec *pspec, FsWindow *self)
{
  gtk_widget_set_visible (self->view_switcher,
                          g_strcmp0 (gtk_stack_get_visible_child_name (stack), "graph") == 0);
}

static void
toggle_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FsWindow *self = FS_WINDOW (user_data);
  gboolean on = !g_variant_get_boolean (g_action_get_state (G_ACTION (action)));

  /* The state is synced back from the session's notify. */
  if (g_str_equal (g_action_get_name (G_ACTION (action)), "step-mode"))
    fs_session_set_step_mode (self->session, on);
  else
    fs_session_set_loop (self->session, on);
}

static void
update_actions (FsWindow *self)
{
  static const char *const need_trace[] = {
    "win.export", "win.copy-picture", "win.play-pause", "win.step-next", "win.step-prev",
    "win.home", "win.end", "win.zoom-in", "win.zoom-out", "win.zoom-fit", "win.find", "win.view",
  };
  gboolean have = fs_session_get_trace (self->session) != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (need_trace); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), need_trace[i], have);
}

/* ---------------------------------------------------------------- drag and drop */

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, FsWindow *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;
  fs_window_open (self, G_FILE (files->data));
  return TRUE;
}

/* ---------------------------------------------------------------- lifecycle */

static gboolean
fs_window_close_request (GtkWindow *window)
{
  FsWindow *self = FS_WINDOW (window);
  GtkApplication *app = gtk_window_get_application (window);
  GSettings *settings = FS_IS_APPLICATION (app) ? fs_application_get_settings (FS_APPLICATION (app)) : NULL;

  if (settings != NULL)
    {
      int width = 0, height = 0;
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set (settings, "window-size", "(ii)", width, height);
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
    }
  cancel_pending (self);
  return GTK_WINDOW_CLASS (fs_window_parent_class)->close_request (window);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

static void
fs_window_dispose (GObject *object)
{
  FsWindow *self = FS_WINDOW (object);

  stop_run (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    {
      fs_session_set_playing (self->session, FALSE);
      g_signal_handlers_disconnect_by_data (self->session, self);
    }
  g_clear_pointer (&self->live, fs_window_live_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), FS_TYPE_WINDOW);
  G_OBJECT_CLASS (fs_window_parent_class)->dispose (object);
}

static void
fs_window_finalize (GObject *object)
{
  FsWindow *self = FS_WINDOW (object);

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->frame_intervals, g_array_unref);
  if (self->scenario_trace_dir != NULL)
    remove_tree (self->scenario_trace_dir);
  g_free (self->scenario_trace_dir);
  g_free (self->open_at);
  g_free (self->open_select);
  G_OBJECT_CLASS (fs_window_parent_class)->finalize (object);
}

static void
fs_window_class_init (FsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fs_window_dispose;
  object_class->finalize = fs_window_finalize;
  window_class->close_request = fs_window_close_request;

  g_type_ensure (FS_TYPE_GRAPH_VIEW);
  g_type_ensure (FS_TYPE_TIMELINE);
  g_type_ensure (FS_TYPE_PROCESS_LANES);
  g_type_ensure (FS_TYPE_EVENT_LIST);
  g_type_ensure (FS_TYPE_INSPECTOR);
  g_type_ensure (FS_TYPE_OUTPUT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/forkscope/Forkscope/fs-window.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, FsWindow, name)
  CHILD (title_label);
  CHILD (subtitle_label);
  CHILD (banner_revealer);
  CHILD (banner);
  CHILD (banner_spinner);
  CHILD (banner_icon);
  CHILD (banner_label);
  CHILD (banner_close);
  CHILD (content_stack);
  CHILD (loading_spinner);
  CHILD (loading_label);
  CHILD (error_title);
  CHILD (error_label);
  CHILD (graph_view);
  CHILD (view_stack);
  CHILD (view_switcher);
  CHILD (lanes_view);
  CHILD (timeline);
  CHILD (play_button);
  CHILD (time_label);
  CHILD (event_label);
  CHILD (speed_adjustment);
  CHILD (speed_label);
  CHILD (event_list);
  CHILD (output_view);
  CHILD (inspector);
  CHILD (recent_menu);
#undef CHILD

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.copy-picture", NULL, copy_picture_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "win.play-pause", NULL, play_pause_action);
  gtk_widget_class_install_action (widget_class, "win.step-next", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.step-prev", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.home", NULL, home_end_action);
  gtk_widget_class_install_action (widget_class, "win.end", NULL, home_end_action);
  gtk_widget_class_install_action (widget_class, "win.faster", NULL, speed_action);
  gtk_widget_class_install_action (widget_class, "win.slower", NULL, speed_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.view", "s", view_action);

  /* Plain keys act only when the focused widget (an entry, the list) does
   * not use them: these bindings run in the bubble phase. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "win.play-pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "win.step-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "win.step-prev", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "win.home", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "win.end", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "win.faster", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "win.faster", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "win.faster", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "win.slower", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "win.slower", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, 0, "win.step-mode", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, 0, "win.loop", NULL);
}

static void
fs_window_init (FsWindow *self)
{
  static const GActionEntry toggles[] = {
    { .name = "step-mode", .activate = toggle_action_cb, .state = "false" },
    { .name = "loop", .activate = toggle_action_cb, .state = "false" },
  };
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->session = fs_session_new ();
  self->cancellable = g_cancellable_new ();
  self->frame_intervals = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->autoplay = TRUE;

  g_action_map_add_action_entries (G_ACTION_MAP (self), toggles, G_N_ELEMENTS (toggles), self);

  fs_graph_view_set_session (self->graph_view, self->session);
  fs_timeline_set_session (self->timeline, self->session);
  fs_process_lanes_set_session (self->lanes_view, self->session);
  g_signal_connect (self->content_stack, "notify::visible-child-name", G_CALLBACK (content_page_changed_cb), self);
  fs_event_list_set_session (self->event_list, self->session);
  fs_inspector_set_session (self->inspector, self->session);
  fs_output_view_set_session (self->output_view, self->session);

  g_signal_connect (self->session, "notify::playing", G_CALLBACK (playing_changed_cb), self);
  g_signal_connect (self->session, "notify::time", G_CALLBACK (time_changed_cb), self);
  g_signal_connect (self->session, "notify::current-event", G_CALLBACK (current_event_cb), self);
  g_signal_connect (self->session, "notify::speed", G_CALLBACK (speed_changed_cb), self);
  g_signal_connect (self->session, "notify::step-mode", G_CALLBACK (toggle_state_changed_cb), self);
  g_signal_connect (self->session, "notify::loop", G_CALLBACK (toggle_state_changed_cb), self);
  g_signal_connect (self->speed_adjustment, "value-changed", G_CALLBACK (speed_adjusted_cb), self);
  g_signal_connect_swapped (self->banner_close, "clicked", G_CALLBACK (hide_banner), self);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  speed_changed_cb (self->session, NULL, self);
  rebuild_recent_menu (self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "empty");
  update_actions (self);
  self->live = fs_window_live_new (self);
}

FsWindow *
fs_window_new (GtkApplication *app)
{
  FsWindow *self = g_object_new (FS_TYPE_WINDOW, "application", app, NULL);
  GSettings *settings = FS_IS_APPLICATION (app) ? fs_application_get_settings (FS_APPLICATION (app)) : NULL;

  if (settings != NULL)
    {
      int width, height;

      g_settings_get (settings, "window-size", "(ii)", &width, &height);
      if (width > 200 && height > 200)
        gtk_window_set_default_size (GTK_WINDOW (self), width, height);
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      self->autoplay = g_settings_get_boolean (settings, "autoplay");
      if (fs_application_get_speed_option (FS_APPLICATION (app)) == 0)
        g_settings_bind (settings, "playback-speed", self->session, "speed", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "step-mode", self->session, "step-mode", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "loop", self->session, "loop", G_SETTINGS_BIND_DEFAULT);
    }
  if (FS_IS_APPLICATION (app))
    {
      FsApplication *fs_app = FS_APPLICATION (app);

      if (fs_application_get_speed_option (fs_app) > 0)
        fs_session_set_speed (self->session, fs_application_get_speed_option (fs_app));
      self->run_fast = fs_application_get_run_fast (fs_app);
      self->report_end = fs_application_get_report_end (fs_app);
      self->open_at = g_strdup (fs_application_get_at_option (fs_app));
      self->open_select = g_strdup (fs_application_get_select_option (fs_app));
    }
  return self;
}

void
fs_window_set_autoplay (FsWindow *self, gboolean autoplay)
{
  self->autoplay = autoplay;
}

FsSession *
fs_window_get_session (FsWindow *self)
{
  return self->session;
}

FsGraphView *
fs_window_get_graph_view (FsWindow *self)
{
  return self->graph_view;
}

FsTimeline *
fs_window_get_timeline (FsWindow *self)
{
  return self->timeline;
}

FsProcessLanes *
fs_window_get_lanes_view (FsWindow *self)
{
  return self->lanes_view;
}

const char *
fs_window_get_view (FsWindow *self)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (self->view_stack));
}

FsEventList *
fs_window_get_event_list (FsWindow *self)
{
  return self->event_list;
}

FsInspector *
fs_window_get_inspector (FsWindow *self)
{
  return self->inspector;
}

FsOutputView *
fs_window_get_output_view (FsWindow *self)
{
  return self->output_view;
}

void
fs_window_show_status (FsWindow *self, FsWindowStatus kind, const char *text)
{
  static const BannerKind kinds[] = {
    [FS_WINDOW_STATUS_INFO] = BANNER_INFO,
    [FS_WINDOW_STATUS_WARNING] = BANNER_WARNING,
    [FS_WINDOW_STATUS_ERROR] = BANNER_ERROR,
    [FS_WINDOW_STATUS_BUSY] = BANNER_BUSY,
  };

  g_return_if_fail (FS_IS_WINDOW (self));
  show_banner (self, kind <= FS_WINDOW_STATUS_BUSY ? kinds[kind] : BANNER_INFO, text);
}

FsWindowLive *
fs_window_get_live (FsWindow *self)
{
  g_return_val_if_fail (FS_IS_WINDOW (self), NULL);
  return self->live;
}

void
fs_window_hide_status (FsWindow *self)
{
  hide_banner (self);
}

void
fs_window_show_live_trace (FsWindow *self, FsTrace *trace, const char *path, const char *name,
                           gboolean follow, const FsTraceGrowth *growth)
{
  gint64 t = fs_session_get_time (self->session);
  FsProcessId selected = fs_session_get_selected_process (self->session);
  gboolean same = fs_session_get_trace (self->session) == trace;
  gboolean playing = fs_session_get_playing (self->session);

  g_return_if_fail (FS_IS_WINDOW (self));
  g_return_if_fail (FS_IS_TRACE (trace));

  /* The same object grown in place: the views extend what they built.
   * Anything else (the first snapshot, a restarted follower) is a new trace
   * that every view reads from scratch. */
  gboolean grown = same && growth != NULL && g_strcmp0 (fs_session_get_path (self->session), path) == 0;
  if (grown)
    fs_session_trace_grew (self->session, growth->first_changed_event, growth->n_processes_before);
  else
    fs_session_set_trace (self->session, trace, path, NULL);
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "graph");
  {
    g_autofree char *duration = fs_format_duration (fs_trace_duration (trace));
    g_autofree char *subtitle = g_strdup_printf ("live · %u processes · %" G_GSIZE_FORMAT " events · %s",
                                                 fs_trace_n_processes (trace), fs_trace_n_events (trace),
                                                 duration);
    set_titles (self, name != NULL ? name : "Live recording", subtitle);
  }
  if (same && !grown)
    fs_session_select_process (self->session, selected);
  if (follow)
    fs_session_go_end (self->session);
  else if (same && !grown)
    {
      fs_session_seek (self->session, t);
      fs_session_set_playing (self->session, playing);
    }
  update_actions (self);
}

GArray *
fs_window_get_frame_intervals (FsWindow *self)
{
  return self->frame_intervals;
}

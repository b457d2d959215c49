/* fs-process-lanes.c: the lanes view (drawing library + session + input). */
#include "fs-process-lanes.h"
#include "fs-event-format.h"
#include "fs-pointer-handlers.h"

#include <math.h>

#define DRAG_THRESHOLD 3.0
#define LEGEND_MIN_HEIGHT 420   /* below this the legend would crowd the lanes out */

struct _FsProcessLanes {
  GtkWidget parent_instance;

  FsSession *session;
  FsLanesLayout *layout;
  gulong session_handlers[5];

  GtkAdjustment *hadjustment;   /* unused: time pans through the session */
  GtkAdjustment *vadjustment;
  guint hscroll_policy, vscroll_policy;

  FsProcessId hovered;
  double pointer_x;
  gboolean dragging;
  gint64 drag_from, drag_to;
  double drag_scroll;
  double last_playhead_x;
};

enum {
  PROP_0,
  PROP_HADJUSTMENT,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

G_DEFINE_FINAL_TYPE_WITH_CODE (FsProcessLanes, fs_process_lanes, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static gboolean
prefers_dark (GtkWidget *widget)
{
  GdkRGBA fg;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;   /* light text */
}

FsLanesLayout *
fs_process_lanes_get_layout (FsProcessLanes *self)
{
  g_return_val_if_fail (FS_IS_PROCESS_LANES (self), NULL);
  return self->layout;
}

void
fs_process_lanes_get_view (FsProcessLanes *self, FsLanesView *view)
{
  GtkWidget *widget = GTK_WIDGET (self);

  g_return_if_fail (FS_IS_PROCESS_LANES (self) && self->layout != NULL);
  fs_lanes_view_init (view, self->layout, MAX (gtk_widget_get_width (widget), 1));
  view->height = gtk_widget_get_height (widget);
  view->show_legend = view->height >= LEGEND_MIN_HEIGHT;
  view->palette = fs_palette_get (prefers_dark (widget) ? FS_THEME_DARK : FS_THEME_LIGHT);
  view->scroll_y = self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
  fs_session_get_visible_range (self->session, &view->from_ns, &view->to_ns);
  if (view->to_ns <= view->from_ns)
    view->to_ns = view->from_ns + 1;
  view->playhead_ns = fs_session_get_time (self->session);
  view->selected = fs_session_get_selected_process (self->session);
  view->hovered = self->hovered;
}

/* The lanes' height against the room the widget has for them. */
static void
configure_vadjustment (FsProcessLanes *self)
{
  FsLanesView view;
  double plot_h = 0, rows_h = 0;

  if (self->vadjustment == NULL)
    return;
  if (self->layout != NULL && self->session != NULL)
    {
      fs_process_lanes_get_view (self, &view);
      fs_lanes_get_plot_area (self->layout, &view, NULL, NULL, NULL, &plot_h);
      rows_h = fs_lanes_layout_get_n_rows (self->layout) * fs_lanes_get_row_height () + 8;
    }
  gtk_adjustment_configure (self->vadjustment,
                            CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, MAX (rows_h - plot_h, 0)),
                            0, MAX (rows_h, plot_h), fs_lanes_get_row_height (), MAX (plot_h * 0.9, 1),
                            MAX (plot_h, 1));
}

static void
fs_process_lanes_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  FsProcessLanes *self = FS_PROCESS_LANES (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  FsLanesView view;

  if (self->layout == NULL || width < 1 || height < 1)
    return;
  fs_process_lanes_get_view (self, &view);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  fs_lanes_draw (cr, self->layout, &view);
  cairo_destroy (cr);
  self->last_playhead_x = round (fs_lanes_time_to_x (self->layout, &view, view.playhead_ns));
}

static void
fs_process_lanes_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                          int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 480;
}

static void
fs_process_lanes_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  configure_vadjustment (FS_PROCESS_LANES (widget));
}

/* ---------------------------------------------------------------- selection */

static void
scroll_to_row (FsProcessLanes *self, guint row)
{
  double row_h = fs_lanes_get_row_height ();
  double value = gtk_adjustment_get_value (self->vadjustment);
  double page = gtk_adjustment_get_page_size (self->vadjustment);

  if (row * row_h < value)
    gtk_adjustment_set_value (self->vadjustment, row * row_h);
  else if ((row + 1) * row_h > value + page)
    gtk_adjustment_set_value (self->vadjustment, (row + 1) * row_h - page);
}

static void
selected_changed_cb (FsSession *session, GParamSpec *pspec, FsProcessLanes *self)
{
  FsProcessId id = fs_session_get_selected_process (session);

  if (self->layout != NULL && id != FS_PROCESS_NONE)
    {
      guint row = fs_lanes_layout_get_process_row (self->layout, id);
      if (row != FS_LANES_NO_ROW)
        scroll_to_row (self, row);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
hit_test (FsProcessLanes *self, double x, double y, FsLanesHit *hit)
{
  FsLanesView view;

  if (self->layout == NULL)
    return FALSE;
  fs_process_lanes_get_view (self, &view);
  return fs_lanes_hit_test (self->layout, &view, x, y, hit);
}

static void
pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, FsProcessLanes *self)
{
  FsLanesHit hit;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (!hit_test (self, x, y, &hit))
    return;
  fs_session_select_process (self->session, hit.process);
  if (n_press == 2)
    {
      FsLanesView view;
      double px;
      fs_process_lanes_get_view (self, &view);
      fs_lanes_get_plot_area (self->layout, &view, &px, NULL, NULL, NULL);
      if (x >= px)
        {
          if (hit.event != FS_EVENT_NONE)
            fs_session_seek_event (self->session, hit.event);
          else
            fs_session_seek (self->session, hit.t_ns);
        }
    }
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
                FsProcessLanes *self)
{
  int step = keyval == GDK_KEY_Up ? -1 : keyval == GDK_KEY_Down ? 1 : 0;
  guint n, row;

  if (step == 0 || self->layout == NULL || (n = fs_lanes_layout_get_n_rows (self->layout)) == 0)
    return FALSE;
  row = fs_lanes_layout_get_process_row (self->layout, fs_session_get_selected_process (self->session));
  if (row == FS_LANES_NO_ROW)
    row = step > 0 ? 0 : n - 1;
  else if ((step < 0 && row == 0) || (step > 0 && row + 1 >= n))
    return TRUE;
  else
    row += step;
  fs_session_select_process (self->session, fs_lanes_layout_get_row_process (self->layout, row));
  return TRUE;
}

/* ---------------------------------------------------------------- zoom and pan */

static double
plot_width (FsProcessLanes *self)
{
  FsLanesView view;
  double pw = 1;

  fs_process_lanes_get_view (self, &view);
  fs_lanes_get_plot_area (self->layout, &view, NULL, NULL, &pw, NULL);
  return pw;
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, FsProcessLanes *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  FsLanesView view;
  gint64 from, to;

  if (self->layout == NULL)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      fs_process_lanes_get_view (self, &view);
      fs_session_zoom_visible_range (self->session, pow (1.15, dy),
                                     fs_lanes_x_to_time (self->layout, &view, self->pointer_x));
      return TRUE;
    }
  if ((state & GDK_SHIFT_MASK) || fabs (dx) > fabs (dy))
    {
      double pixels = ((state & GDK_SHIFT_MASK) && dx == 0 ? dy : dx) * 30;
      fs_session_get_visible_range (self->session, &from, &to);
      fs_session_pan_visible_range (self->session, (gint64) (pixels / plot_width (self) * (double) (to - from)));
      return TRUE;
    }
  gtk_adjustment_set_value (self->vadjustment,
                            gtk_adjustment_get_value (self->vadjustment) + dy * fs_lanes_get_row_height () * 2);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, FsProcessLanes *self)
{
  if (self->session == NULL)
    return;
  self->dragging = FALSE;
  fs_session_get_visible_range (self->session, &self->drag_from, &self->drag_to);
  self->drag_scroll = gtk_adjustment_get_value (self->vadjustment);
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, FsProcessLanes *self)
{
  if (self->layout == NULL)
    return;
  if (!self->dragging && hypot (dx, dy) < DRAG_THRESHOLD)
    return;
  self->dragging = TRUE;
  gint64 shift = (gint64) (-dx / plot_width (self) * (double) (self->drag_to - self->drag_from));
  gint64 from, to;
  fs_session_get_visible_range (self->session, &from, &to);
  fs_session_pan_visible_range (self->session, self->drag_from + shift - from);
  gtk_adjustment_set_value (self->vadjustment, self->drag_scroll - dy);
}

/* ---------------------------------------------------------------- pointer and tooltip */

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, FsProcessLanes *self)
{
  FsLanesHit hit;
  FsProcessId hovered = hit_test (self, x, y, &hit) ? hit.process : FS_PROCESS_NONE;

  self->pointer_x = x;
  if (hovered != self->hovered)
    {
      self->hovered = hovered;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *controller, FsProcessLanes *self)
{
  if (self->hovered != FS_PROCESS_NONE)
    {
      self->hovered = FS_PROCESS_NONE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static gboolean
fs_process_lanes_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip)
{
  FsProcessLanes *self = FS_PROCESS_LANES (widget);
  FsLanesHit hit;

  if (!hit_test (self, x, y, &hit))
    return FALSE;
  FsTrace *trace = fs_session_get_trace (self->session);
  g_autofree char *process = fs_format_process (trace, hit.process);
  g_autofree char *escaped = g_markup_escape_text (process, -1);
  g_autofree char *at = fs_format_duration (hit.t_ns);
  GString *text = g_string_new (NULL);
  const char *state = hit.state == FS_STATE_UNBORN ? "not born yet"
                    : hit.state == FS_STATE_GONE ? "reaped" : fs_state_name (hit.state);
  g_string_append_printf (text, "<b>%s</b>\n%s", escaped, state);
  if (hit.state == FS_STATE_BLOCKED && hit.reason != FS_BLOCK_OTHER)
    g_string_append_printf (text, " (%s)", fs_block_reason_name (hit.reason));
  g_string_append_printf (text, " at %s", at);
  if (hit.event != FS_EVENT_NONE)
    {
      const FsEvent *ev = fs_trace_event (trace, hit.event);
      g_autofree char *actor = fs_format_process (trace, ev->process);
      g_autofree char *details = fs_format_event_details (trace, ev);
      g_autofree char *when = fs_format_duration (ev->t_ns);
      g_autofree char *line = g_strdup_printf ("%s: %s %s %s", when, actor, fs_event_kind_label (ev->kind), details);
      g_autofree char *line_escaped = g_markup_escape_text (line, -1);
      g_string_append_printf (text, "\n%s", line_escaped);
    }
  gtk_tooltip_set_markup (tooltip, text->str);
  g_string_free (text, TRUE);
  return TRUE;
}

/* ---------------------------------------------------------------- session */

static void
rebuild_layout (FsProcessLanes *self)
{
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;

  g_clear_pointer (&self->layout, fs_lanes_layout_free);
  self->hovered = FS_PROCESS_NONE;
  if (trace != NULL)
    self->layout = fs_lanes_layout_new (trace, NULL);
  configure_vadjustment (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
trace_changed_cb (FsSession *session, GParamSpec *pspec, FsProcessLanes *self)
{
  rebuild_layout (self);
}

/* A live trace grew: the rows are the process tree, made again (cost by
 * processes, not events); the scroll position stays with the adjustment. */
static void
trace_grew_cb (FsSession *session, guint64 first_changed_event, guint n_processes_before,
               FsProcessLanes *self)
{
  rebuild_layout (self);
}

static void
time_changed_cb (FsSession *session, GParamSpec *pspec, FsProcessLanes *self)
{
  FsLanesView view;

  if (self->layout == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  fs_process_lanes_get_view (self, &view);
  if (round (fs_lanes_time_to_x (self->layout, &view, view.playhead_ns)) != self->last_playhead_x)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
range_changed_cb (FsSession *session, FsProcessLanes *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fs_process_lanes_set_session (FsProcessLanes *self, FsSession *session)
{
  static const FsSessionHandler handlers[] = {
    { "notify::trace", G_CALLBACK (trace_changed_cb) },
    { "notify::time", G_CALLBACK (time_changed_cb) },
    { "visible-range-changed", G_CALLBACK (range_changed_cb) },
    { "notify::selected-process", G_CALLBACK (selected_changed_cb) },
    { "trace-grew", G_CALLBACK (trace_grew_cb) },
  };

  g_return_if_fail (FS_IS_PROCESS_LANES (self));
  FS_SESSION_BIND_VIEW (self, session, handlers);
  rebuild_layout (self);
}

/* ---------------------------------------------------------------- GtkScrollable */

static void
vadjustment_changed_cb (GtkAdjustment *adjustment, FsProcessLanes *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_vadjustment (FsProcessLanes *self, GtkAdjustment *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (adjustment == self->vadjustment)
    return;
  if (self->vadjustment != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->vadjustment, self);
      g_object_unref (self->vadjustment);
    }
  self->vadjustment = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (vadjustment_changed_cb), self);
  configure_vadjustment (self);
}

static void
fs_process_lanes_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FsProcessLanes *self = FS_PROCESS_LANES (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT: g_value_set_object (value, self->hadjustment); break;
    case PROP_VADJUSTMENT: g_value_set_object (value, self->vadjustment); break;
    case PROP_HSCROLL_POLICY: g_value_set_enum (value, self->hscroll_policy); break;
    case PROP_VSCROLL_POLICY: g_value_set_enum (value, self->vscroll_policy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_process_lanes_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FsProcessLanes *self = FS_PROCESS_LANES (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT:
      g_set_object (&self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_vadjustment (self, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY: self->hscroll_policy = g_value_get_enum (value); break;
    case PROP_VSCROLL_POLICY: self->vscroll_policy = g_value_get_enum (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---------------------------------------------------------------- lifecycle */

static void
fs_process_lanes_dispose (GObject *object)
{
  FsProcessLanes *self = FS_PROCESS_LANES (object);

  fs_process_lanes_set_session (self, NULL);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);
  g_clear_object (&self->hadjustment);
  g_clear_pointer (&self->layout, fs_lanes_layout_free);
  G_OBJECT_CLASS (fs_process_lanes_parent_class)->dispose (object);
}

static void
fs_process_lanes_class_init (FsProcessLanesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_process_lanes_dispose;
  object_class->get_property = fs_process_lanes_get_property;
  object_class->set_property = fs_process_lanes_set_property;
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  widget_class->snapshot = fs_process_lanes_snapshot;
  widget_class->measure = fs_process_lanes_measure;
  widget_class->size_allocate = fs_process_lanes_size_allocate;
  widget_class->query_tooltip = fs_process_lanes_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "fsprocesslanes");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fs_process_lanes_init (FsProcessLanes *self)
{
  GtkEventController *key;

  self->hovered = FS_PROCESS_NONE;
  set_vadjustment (self, NULL);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Process lanes",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  "One lane per process over time, coloured by state, with forks and "
                                  "signal arrows; click a lane to select its process",
                                  -1);

  static const FsPointerHandlers pointer = {
    .scroll = G_CALLBACK (scroll_cb),
    .drag_begin = G_CALLBACK (drag_begin_cb), .drag_update = G_CALLBACK (drag_update_cb),
    .pressed = G_CALLBACK (pressed_cb), .click_with_drag = TRUE,
    .motion = G_CALLBACK (motion_cb), .leave = G_CALLBACK (leave_cb),
  };
  fs_pointer_handlers_attach (GTK_WIDGET (self), &pointer);

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}

GtkWidget *
fs_process_lanes_new (void)
{
  return g_object_new (FS_TYPE_PROCESS_LANES, NULL);
}

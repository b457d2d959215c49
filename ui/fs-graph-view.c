/* fs-graph-view.c: the process graph widget (drawing library + zoom/pan/select). */
#include "fs-graph-view.h"
#include "fs-event-format.h"
#include "fs-pointer-handlers.h"
#include "fs-profile.h"
#include "ui/drawing/graph-draw.h"
#include "ui/drawing/graph-layout.h"

#include <math.h>

#define MARGIN 24.0
#define MIN_ZOOM 0.02
#define MAX_ZOOM 8.0
#define MAX_FIT_ZOOM 1.5

struct _FsGraphView {
  GtkWidget parent_instance;

  FsSession *session;
  FsGraphLayout *layout;
  gulong session_handlers[4];

  double zoom;
  double offset_x, offset_y;    /* widget position of layout (0, 0) */
  gboolean fit;                 /* follow the widget size until the user zooms/pans */
  double drag_start_x, drag_start_y;
  double pinch_start_zoom;

  FsProcessId hovered;
  double pointer_x, pointer_y;  /* -1 when the pointer is outside */
  gint64 last_draw_us;
};

G_DEFINE_FINAL_TYPE (FsGraphView, fs_graph_view, GTK_TYPE_WIDGET)

static gboolean
is_dark (GtkWidget *widget)
{
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* Light text means a dark theme. */
  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
}

gboolean
fs_graph_view_is_dark (FsGraphView *self)
{
  return is_dark (GTK_WIDGET (self));
}

static void
init_style (FsGraphView *self, FsGraphStyle *style)
{
  fs_graph_style_init (style, is_dark (GTK_WIDGET (self)) ? FS_THEME_DARK : FS_THEME_LIGHT);
  style->title = NULL;
  style->show_time = FALSE;
  style->show_legend = FALSE;   /* placed by the widget, in screen space */
  style->show_unborn = TRUE;
  style->selected = self->session != NULL ? fs_session_get_selected_process (self->session)
                                          : FS_PROCESS_NONE;
  style->hovered = self->hovered;
}

static void
legend_size (FsGraphView *self, double *w, double *h)
{
  FsGraphStyle style;

  init_style (self, &style);
  fs_graph_legend_get_size (&style, w, h);
}

static void
apply_fit (FsGraphView *self)
{
  double tree_w = 0, tree_h = 0, legend_w = 0, legend_h = 0;
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double avail_h;

  if (self->layout == NULL || width <= 0 || height <= 0)
    return;
  fs_graph_layout_get_size (self->layout, &tree_w, &tree_h);
  legend_size (self, &legend_w, &legend_h);
  /* The legend sits under the graph when there is room, else over it. */
  avail_h = height - legend_h - MARGIN > height * 0.6 ? height - legend_h - MARGIN : height;
  tree_w = MAX (tree_w, 1);
  tree_h = MAX (tree_h, 1);
  self->zoom = MIN ((width - 2 * MARGIN) / tree_w, (avail_h - 2 * MARGIN) / tree_h);
  self->zoom = CLAMP (self->zoom, MIN_ZOOM, MAX_FIT_ZOOM);
  self->offset_x = (width - tree_w * self->zoom) / 2;
  self->offset_y = MAX (MARGIN, (avail_h - tree_h * self->zoom) / 2);
}

static void
fs_graph_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  FsGraphView *self = FS_GRAPH_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;
  gint64 start = g_get_monotonic_time ();
  FsGraphStyle style;
  cairo_t *cr;

  if (trace == NULL || self->layout == NULL || width <= 0 || height <= 0)
    return;

  if (self->fit)
    apply_fit (self);
  init_style (self, &style);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  fs_palette_set_source (cr, &style.palette->background, 1.0);
  cairo_paint (cr);

  cairo_save (cr);
  cairo_translate (cr, self->offset_x, self->offset_y);
  cairo_scale (cr, self->zoom, self->zoom);
  fs_graph_draw_tree (cr, trace, self->layout, fs_session_get_time (self->session), &style);
  cairo_restore (cr);

  {
    double legend_w = 0, legend_h = 0;

    fs_graph_legend_get_size (&style, &legend_w, &legend_h);
    if (legend_w + 2 * 12 < width && legend_h + 2 * 12 < height)
      fs_graph_draw_legend (cr, &style, 12, height - legend_h - 12);
  }
  cairo_destroy (cr);
  self->last_draw_us = g_get_monotonic_time () - start;
  if (fs_profile_enabled ())
    g_printerr ("profile: graph_draw %.1f ms\n", self->last_draw_us / 1000.0);
}

static void
rebuild_layout (FsGraphView *self)
{
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;
  FS_PROFILE_BEGIN (graph_layout);

  g_clear_pointer (&self->layout, fs_graph_layout_free);
  if (trace != NULL)
    self->layout = fs_graph_layout_new (trace, NULL);
  self->hovered = FS_PROCESS_NONE;
  self->fit = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  FS_PROFILE_END (graph_layout);
}

static void
trace_changed_cb (FsSession *session, GParamSpec *pspec, FsGraphView *self)
{
  rebuild_layout (self);
}

/* A live trace grew.  The layout is a function of the process tree (new
 * processes, rewritten parents and names), so it is made again: its cost
 * follows the number of processes, not of events, and the user's zoom and
 * pan stay (the hovered node is dropped: ids stay, but its box may move). */
static void
trace_grew_cb (FsSession *session, guint64 first_changed_event, guint n_processes_before,
               FsGraphView *self)
{
  gboolean fit = self->fit;
  rebuild_layout (self);
  self->fit = fit;
}

static void
redraw_cb (FsSession *session, GParamSpec *pspec, FsGraphView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* A tooltip showing a state must follow the playhead. */
  if (self->hovered != FS_PROCESS_NONE)
    gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}

void
fs_graph_view_set_session (FsGraphView *self, FsSession *session)
{
  static const FsSessionHandler handlers[] = {
    { "notify::trace", G_CALLBACK (trace_changed_cb) },
    { "notify::time", G_CALLBACK (redraw_cb) },
    { "notify::selected-process", G_CALLBACK (redraw_cb) },
    { "trace-grew", G_CALLBACK (trace_grew_cb) },
  };

  g_return_if_fail (FS_IS_GRAPH_VIEW (self));
  FS_SESSION_BIND_VIEW (self, session, handlers);
  rebuild_layout (self);
}

FsSession *
fs_graph_view_get_session (FsGraphView *self)
{
  return self->session;
}

double
fs_graph_view_get_zoom (FsGraphView *self)
{
  return self->zoom;
}

gint64
fs_graph_view_get_last_draw_us (FsGraphView *self)
{
  return self->last_draw_us;
}

void
fs_graph_view_zoom_by (FsGraphView *self, double factor, double x, double y)
{
  double new_zoom;

  g_return_if_fail (FS_IS_GRAPH_VIEW (self));
  if (self->fit)
    apply_fit (self);
  if (x < 0 || y < 0)
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  new_zoom = CLAMP (self->zoom * factor, MIN_ZOOM, MAX_ZOOM);
  /* Keep the layout point under (x, y) where it is. */
  self->offset_x = x - (x - self->offset_x) * new_zoom / self->zoom;
  self->offset_y = y - (y - self->offset_y) * new_zoom / self->zoom;
  self->zoom = new_zoom;
  self->fit = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fs_graph_view_zoom_to_fit (FsGraphView *self)
{
  g_return_if_fail (FS_IS_GRAPH_VIEW (self));
  self->fit = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

FsProcessId
fs_graph_view_hit_test (FsGraphView *self, double x, double y)
{
  if (self->layout == NULL || self->zoom <= 0)
    return FS_PROCESS_NONE;
  if (self->fit)
    apply_fit (self);
  return fs_graph_layout_hit_test (self->layout, (x - self->offset_x) / self->zoom,
                                   (y - self->offset_y) / self->zoom);
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, FsGraphView *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  /* Scroll events carry no position; zoom around the last pointer position. */
  double x = self->pointer_x, y = self->pointer_y;

  if (state & GDK_CONTROL_MASK)
    {
      fs_graph_view_zoom_by (self, pow (1.1, -dy), x, y);
      return TRUE;
    }
  if (self->fit)
    apply_fit (self);
  self->fit = FALSE;
  if (state & GDK_SHIFT_MASK)
    {
      double t = dx;
      dx = dy;
      dy = t;
    }
  self->offset_x -= dx * 40;
  self->offset_y -= dy * 40;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, FsGraphView *self)
{
  if (self->fit)
    apply_fit (self);
  self->drag_start_x = self->offset_x;
  self->drag_start_y = self->offset_y;
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, FsGraphView *self)
{
  /* A few pixels of jitter during a click must not count as a pan. */
  if (self->fit && hypot (dx, dy) < 4)
    return;
  self->fit = FALSE;
  self->offset_x = self->drag_start_x + dx;
  self->offset_y = self->drag_start_y + dy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, FsGraphView *self)
{
  if (self->session == NULL)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2 && fs_graph_view_hit_test (self, x, y) == FS_PROCESS_NONE)
    {
      fs_graph_view_zoom_to_fit (self);
      return;
    }
  fs_session_select_process (self->session, fs_graph_view_hit_test (self, x, y));
}

static void
pinch_begin_cb (GtkGesture *gesture, GdkEventSequence *sequence, FsGraphView *self)
{
  if (self->fit)
    apply_fit (self);
  self->pinch_start_zoom = self->zoom;
}

static void
pinch_scale_cb (GtkGestureZoom *gesture, double scale, FsGraphView *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    cx = cy = -1;
  fs_graph_view_zoom_by (self, self->pinch_start_zoom * scale / MAX (self->zoom, MIN_ZOOM), cx, cy);
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, FsGraphView *self)
{
  FsProcessId hovered = fs_graph_view_hit_test (self, x, y);

  self->pointer_x = x;
  self->pointer_y = y;

  if (hovered != self->hovered)
    {
      self->hovered = hovered;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *controller, FsGraphView *self)
{
  self->pointer_x = self->pointer_y = -1;
  if (self->hovered != FS_PROCESS_NONE)
    {
      self->hovered = FS_PROCESS_NONE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static gboolean
fs_graph_view_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip)
{
  FsGraphView *self = FS_GRAPH_VIEW (widget);
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;
  FsProcessId id = fs_graph_view_hit_test (self, x, y);
  FsProcessState state;
  FsProcess *process;
  g_autofree char *label = NULL;
  g_autofree char *status = NULL;
  GString *text;

  if (trace == NULL || id == FS_PROCESS_NONE)
    return FALSE;
  process = fs_trace_process (trace, id);
  fs_trace_process_state_at (trace, id, fs_session_get_time (self->session), &state);
  label = fs_format_process (trace, id);
  text = g_string_new (NULL);
  g_string_append_printf (text, "<b>%s</b>\npid %d", fs_trace_string (trace, process->name), process->pid);
  if (process->parent != FS_PROCESS_NONE)
    {
      g_autofree char *parent = fs_format_process (trace, process->parent);
      g_autofree char *escaped = g_markup_escape_text (parent, -1);
      g_string_append_printf (text, ", parent %s", escaped);
    }
  g_string_append_printf (text, "\nstate: %s", fs_state_name (state.state));
  if (state.state == FS_STATE_BLOCKED)
    g_string_append_printf (text, " (%s)", fs_block_reason_name (state.block_reason));
  if (state.state == FS_STATE_ZOMBIE || state.state == FS_STATE_GONE)
    {
      status = fs_exit_status_to_string (&process->exit);
      g_string_append_printf (text, "\nexit: %s", status);
    }
  if (state.pending != 0)
    {
      g_string_append (text, "\npending:");
      for (int sig = 1; sig <= 64; sig++)
        if (state.pending & (G_GUINT64_CONSTANT (1) << (sig - 1)))
          g_string_append_printf (text, " %s", fs_signal_name (sig));
    }
  gtk_tooltip_set_markup (tooltip, text->str);
  g_string_free (text, TRUE);
  return TRUE;
}

static void
fs_graph_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  gtk_widget_queue_draw (widget);
}

static void
fs_graph_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                       int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 420;
}

static void
fs_graph_view_dispose (GObject *object)
{
  FsGraphView *self = FS_GRAPH_VIEW (object);

  fs_graph_view_set_session (self, NULL);
  g_clear_pointer (&self->layout, fs_graph_layout_free);
  G_OBJECT_CLASS (fs_graph_view_parent_class)->dispose (object);
}

static void
fs_graph_view_class_init (FsGraphViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_graph_view_dispose;
  widget_class->snapshot = fs_graph_view_snapshot;
  widget_class->measure = fs_graph_view_measure;
  widget_class->size_allocate = fs_graph_view_size_allocate;
  widget_class->query_tooltip = fs_graph_view_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "fsgraphview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fs_graph_view_init (FsGraphView *self)
{
  GtkGesture *pinch;

  self->zoom = 1.0;
  self->fit = TRUE;
  self->hovered = FS_PROCESS_NONE;
  self->pointer_x = self->pointer_y = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Process graph",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  "The processes at the playhead time; click a process to inspect it",
                                  -1);

  static const FsPointerHandlers pointer = {
    .scroll = G_CALLBACK (scroll_cb),
    .drag_begin = G_CALLBACK (drag_begin_cb), .drag_update = G_CALLBACK (drag_update_cb),
    .drag_any_button = TRUE,
    .pressed = G_CALLBACK (pressed_cb),
    .motion = G_CALLBACK (motion_cb), .leave = G_CALLBACK (leave_cb),
  };
  fs_pointer_handlers_attach (GTK_WIDGET (self), &pointer);

  pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (pinch_begin_cb), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (pinch_scale_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));
}

GtkWidget *
fs_graph_view_new (void)
{
  return g_object_new (FS_TYPE_GRAPH_VIEW, NULL);
}

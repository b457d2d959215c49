/* fs-timeline.c: density strip, kind markers, axis and playhead. */
#include "fs-timeline.h"
#include "fs-event-format.h"
#include "fs-pointer-handlers.h"
#include "fs-profile.h"

#include <math.h>

#define AXIS_HEIGHT 18.0
#define MARKER_HEIGHT 12.0
#define PAD 8.0

struct _FsTimeline {
  GtkWidget parent_instance;

  FsSession *session;
  gulong session_handlers[4];

  /* Cache of the bins, valid for (cache_width, cache_from, cache_to, trace). */
  guint32 *bins;
  guint8 *kinds;                /* the most notable kind in each column, 0: none */
  guint n_bins;
  gint64 cache_from, cache_to;
  gboolean cache_valid;

  gboolean range_selecting;
  double drag_x0, drag_x1;
  double pointer_x;
  gint64 last_time_drawn;
};

G_DEFINE_FINAL_TYPE (FsTimeline, fs_timeline, GTK_TYPE_WIDGET)

static double
strip_width (FsTimeline *self)
{
  return MAX (gtk_widget_get_width (GTK_WIDGET (self)) - 2 * PAD, 1.0);
}

double
fs_timeline_time_to_x (FsTimeline *self, gint64 t_ns)
{
  gint64 from = 0, to = 0;

  if (self->session != NULL)
    fs_session_get_visible_range (self->session, &from, &to);
  if (to <= from)
    return PAD;
  return PAD + (double) (t_ns - from) / (double) (to - from) * strip_width (self);
}

gint64
fs_timeline_x_to_time (FsTimeline *self, double x)
{
  gint64 from = 0, to = 0;
  double fraction;

  if (self->session != NULL)
    fs_session_get_visible_range (self->session, &from, &to);
  fraction = CLAMP ((x - PAD) / strip_width (self), 0.0, 1.0);
  return from + (gint64) llround (fraction * (double) (to - from));
}

/* How notable a kind is on the marker row: a column shows its most notable event. */
static int
kind_rank (guint8 kind)
{
  switch (kind)
    {
    case FS_EVENT_SIGNAL_SEND: return 7;
    case FS_EVENT_SIGNAL_DELIVER: return 6;
    case FS_EVENT_EXIT: return 5;
    case FS_EVENT_FORK: return 4;
    case FS_EVENT_STOP: case FS_EVENT_CONTINUE: return 3;
    case FS_EVENT_EXEC: return 2;
    case FS_EVENT_REAP: return 1;
    default: return 0;
    }
}

static void
kind_color (guint8 kind, gboolean dark, GdkRGBA *out)
{
  const char *spec;

  switch (kind)
    {
    case FS_EVENT_SIGNAL_SEND: spec = dark ? "#ff8c42" : "#d55e00"; break;
    case FS_EVENT_SIGNAL_DELIVER: spec = dark ? "#ffc14d" : "#e69f00"; break;
    case FS_EVENT_EXIT: spec = dark ? "#f0a0d0" : "#cc79a7"; break;
    case FS_EVENT_FORK: spec = dark ? "#3ddc97" : "#009e73"; break;
    case FS_EVENT_STOP: case FS_EVENT_CONTINUE: spec = dark ? "#8fd3ff" : "#0072b2"; break;
    case FS_EVENT_EXEC: spec = dark ? "#56b4e9" : "#56b4e9"; break;
    default: spec = dark ? "#aaaaaa" : "#777777"; break;
    }
  gdk_rgba_parse (out, spec);
}

static void
update_bins (FsTimeline *self)
{
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;
  guint n = (guint) strip_width (self);
  gint64 from = 0, to = 0;
  gsize prev;

  if (trace == NULL)
    {
      self->n_bins = 0;
      return;
    }
  fs_session_get_visible_range (self->session, &from, &to);
  if (self->cache_valid && n == self->n_bins && from == self->cache_from && to == self->cache_to)
    return;

  g_free (self->bins);
  g_free (self->kinds);
  self->bins = g_new0 (guint32, MAX (n, 1));
  self->kinds = g_new0 (guint8, MAX (n, 1));
  self->n_bins = n;
  self->cache_from = from;
  self->cache_to = to;
  self->cache_valid = TRUE;

  /* One binary search per column boundary: the cost is the width, not the events. */
  prev = fs_trace_lower_bound (trace, from);
  for (guint i = 0; i < n; i++)
    {
      gint64 edge = from + (gint64) ((double) (to - from) * (i + 1) / n);
      gsize next = i + 1 == n ? fs_trace_lower_bound (trace, to + 1) : fs_trace_lower_bound (trace, edge);
      gsize count = next - prev;

      self->bins[i] = (guint32) MIN (count, G_MAXUINT32);
      /* Kind markers need a look at the events; sample at most 64 per column
       * so a dense column costs the same as a sparse one. */
      {
        gsize stride = count > 64 ? count / 64 : 1;
        int best = 0;
        for (gsize k = prev; k < next; k += stride)
          {
            guint8 kind = fs_trace_event (trace, k)->kind;
            if (kind_rank (kind) > best)
              {
                best = kind_rank (kind);
                self->kinds[i] = kind;
              }
          }
      }
      prev = next;
    }
}

const guint32 *
fs_timeline_get_bins (FsTimeline *self, guint *n_bins)
{
  update_bins (self);
  *n_bins = self->n_bins;
  return self->bins;
}

static void
fs_timeline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  FsTimeline *self = FS_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;
  GdkRGBA fg, accent;
  gboolean dark;
  double density_top = AXIS_HEIGHT, density_h = height - AXIS_HEIGHT - MARKER_HEIGHT - 4;
  double marker_top = height - MARKER_HEIGHT - 2;
  guint32 max_bin = 1;
  gint64 from, to;
  cairo_t *cr;

  if (width <= 2 * PAD || height <= AXIS_HEIGHT + MARKER_HEIGHT)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  dark = 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
  gdk_rgba_parse (&accent, dark ? "#78aeed" : "#1c71d8");

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.06);
  cairo_rectangle (cr, PAD, density_top, width - 2 * PAD, height - density_top);
  cairo_fill (cr);

  if (trace == NULL)
    {
      cairo_destroy (cr);
      return;
    }

  {
    FS_PROFILE_BEGIN (timeline_bins);
    update_bins (self);
    FS_PROFILE_END (timeline_bins);
  }
  fs_session_get_visible_range (self->session, &from, &to);

  /* Axis: ticks at round times with labels. */
  {
    gint64 step = fs_time_axis_step (MAX (to - from, 1), width - 2 * PAD, 110.0);
    gint64 first = from - from % step;
    PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);
    PangoFontDescription *font = pango_font_description_from_string ("Sans 8");

    pango_layout_set_font_description (layout, font);
    cairo_set_line_width (cr, 1);
    for (gint64 t = first; t <= to; t += step)
      {
        double x = floor (fs_timeline_time_to_x (self, t)) + 0.5;
        g_autofree char *label = NULL;

        if (t < from)
          continue;
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
        cairo_move_to (cr, x, AXIS_HEIGHT - 5);
        cairo_line_to (cr, x, height);
        cairo_stroke (cr);
        label = fs_format_axis_time (t, step);
        pango_layout_set_text (layout, label, -1);
        {
          int text_w, text_h;
          pango_layout_get_pixel_size (layout, &text_w, &text_h);
          if (x + 3 + text_w > width)
            continue;
        }
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.75);
        cairo_move_to (cr, x + 3, 1);
        pango_cairo_show_layout (cr, layout);
      }
    pango_font_description_free (font);
    g_object_unref (layout);
  }

  /* Density: log scale so one busy burst does not flatten everything else. */
  for (guint i = 0; i < self->n_bins; i++)
    max_bin = MAX (max_bin, self->bins[i]);
  cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.75);
  for (guint i = 0; i < self->n_bins; i++)
    if (self->bins[i] > 0)
      {
        double h = density_h * (0.15 + 0.85 * log1p (self->bins[i]) / log1p (max_bin));
        cairo_rectangle (cr, PAD + i, density_top + density_h - h, 1, h);
      }
  cairo_fill (cr);

  /* Kind markers. */
  for (guint i = 0; i < self->n_bins; i++)
    if (self->kinds[i] != 0)
      {
        GdkRGBA c;
        kind_color (self->kinds[i], dark, &c);
        gdk_cairo_set_source_rgba (cr, &c);
        cairo_rectangle (cr, PAD + i - 0.5, marker_top, 2, MARKER_HEIGHT);
        cairo_fill (cr);
      }

  /* Range being selected for zoom. */
  if (self->range_selecting)
    {
      double x0 = MIN (self->drag_x0, self->drag_x1), x1 = MAX (self->drag_x0, self->drag_x1);
      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.25);
      cairo_rectangle (cr, x0, AXIS_HEIGHT, x1 - x0, height - AXIS_HEIGHT);
      cairo_fill (cr);
    }

  /* Playhead. */
  {
    gint64 t = fs_session_get_time (self->session);
    if (t >= from && t <= to)
      {
        double x = round (fs_timeline_time_to_x (self, t));
        GdkRGBA red;

        gdk_rgba_parse (&red, dark ? "#ff7b63" : "#c01c28");
        gdk_cairo_set_source_rgba (cr, &red);
        cairo_set_line_width (cr, 2);
        cairo_move_to (cr, x, AXIS_HEIGHT - 2);
        cairo_line_to (cr, x, height);
        cairo_stroke (cr);
        cairo_move_to (cr, x - 6, AXIS_HEIGHT - 8);
        cairo_line_to (cr, x + 6, AXIS_HEIGHT - 8);
        cairo_line_to (cr, x, AXIS_HEIGHT);
        cairo_close_path (cr);
        cairo_fill (cr);
      }
    self->last_time_drawn = t;
  }
  cairo_destroy (cr);
}

static void
fs_timeline_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                     int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 100;
      *natural = 600;
    }
  else
    *minimum = *natural = 72;
}

static void
fs_timeline_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  FS_TIMELINE (widget)->cache_valid = FALSE;
}

void
fs_timeline_zoom (FsTimeline *self, double factor, gint64 center_ns)
{
  if (self->session != NULL)
    fs_session_zoom_visible_range (self->session, factor, center_ns);
}

static void
pan (FsTimeline *self, double pixels)
{
  gint64 from, to;

  fs_session_get_visible_range (self->session, &from, &to);
  fs_session_pan_visible_range (self->session, (gint64) (pixels / strip_width (self) * (double) (to - from)));
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, FsTimeline *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (self->session == NULL || fs_session_get_trace (self->session) == NULL)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    fs_timeline_zoom (self, pow (1.15, dy), fs_timeline_x_to_time (self, self->pointer_x));
  else
    pan (self, (fabs (dx) > fabs (dy) ? dx : dy) * 30);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, FsTimeline *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  if (self->session == NULL)
    return;
  self->drag_x0 = self->drag_x1 = x;
  self->range_selecting = (state & GDK_SHIFT_MASK) != 0;
  if (!self->range_selecting)
    fs_session_seek (self->session, fs_timeline_x_to_time (self, x));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, FsTimeline *self)
{
  if (self->session == NULL)
    return;
  self->drag_x1 = self->drag_x0 + dx;
  if (self->range_selecting)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    fs_session_seek (self->session, fs_timeline_x_to_time (self, self->drag_x1));
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, FsTimeline *self)
{
  if (self->session == NULL || !self->range_selecting)
    return;
  self->range_selecting = FALSE;
  if (fabs (dx) > 3)
    {
      gint64 a = fs_timeline_x_to_time (self, self->drag_x0);
      gint64 b = fs_timeline_x_to_time (self, self->drag_x0 + dx);
      fs_session_set_visible_range (self->session, MIN (a, b), MAX (a, b));
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, FsTimeline *self)
{
  if (n_press == 2 && self->session != NULL)
    fs_session_set_visible_range (self->session, 0, fs_session_get_duration (self->session));
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, FsTimeline *self)
{
  self->pointer_x = x;
}

static gboolean
fs_timeline_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip)
{
  FsTimeline *self = FS_TIMELINE (widget);
  g_autofree char *t = NULL;
  guint column;

  if (self->session == NULL || fs_session_get_trace (self->session) == NULL)
    return FALSE;
  update_bins (self);
  t = fs_format_duration (fs_timeline_x_to_time (self, x));
  column = x > PAD ? (guint) (x - PAD) : 0;
  if (column < self->n_bins)
    {
      g_autofree char *text = g_strdup_printf ("%s — %u event%s here\nDrag to seek, Shift+drag to zoom, "
                                               "Ctrl+scroll to zoom, double-click to show all",
                                               t, self->bins[column], self->bins[column] == 1 ? "" : "s");
      gtk_tooltip_set_text (tooltip, text);
      return TRUE;
    }
  return FALSE;
}

static void
time_changed_cb (FsSession *session, GParamSpec *pspec, FsTimeline *self)
{
  gint64 from, to, t = fs_session_get_time (session);

  /* Keep the playhead in view while playing or stepping: page the range. */
  fs_session_get_visible_range (session, &from, &to);
  if ((t > to || t < from) && to > from)
    {
      gint64 span = to - from;
      gint64 duration = fs_session_get_duration (session);
      gint64 start = CLAMP (t - span / 10, 0, MAX (duration - span, 0));
      fs_session_set_visible_range (session, start, start + span);
    }
  if (round (fs_timeline_time_to_x (self, t)) != round (fs_timeline_time_to_x (self, self->last_time_drawn)))
    gtk_widget_queue_draw (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, (double) t / 1e9, -1);
}

static void
range_changed_cb (FsSession *session, FsTimeline *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
trace_changed_cb (FsSession *session, GParamSpec *pspec, FsTimeline *self)
{
  self->cache_valid = FALSE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX,
                                  (double) fs_session_get_duration (session) / 1e9,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A live trace grew: the per-column bins are recounted at the next draw
 * (a binary search per column, whatever the trace's size). */
static void
trace_grew_cb (FsSession *session, guint64 first_changed_event, guint n_processes_before,
               FsTimeline *self)
{
  trace_changed_cb (session, NULL, self);
}

void
fs_timeline_set_session (FsTimeline *self, FsSession *session)
{
  static const FsSessionHandler handlers[] = {
    { "notify::time", G_CALLBACK (time_changed_cb) },
    { "visible-range-changed", G_CALLBACK (range_changed_cb) },
    { "notify::trace", G_CALLBACK (trace_changed_cb) },
    { "trace-grew", G_CALLBACK (trace_grew_cb) },
  };

  g_return_if_fail (FS_IS_TIMELINE (self));
  FS_SESSION_BIND_VIEW (self, session, handlers);
  self->cache_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
fs_timeline_dispose (GObject *object)
{
  FsTimeline *self = FS_TIMELINE (object);

  fs_timeline_set_session (self, NULL);
  g_clear_pointer (&self->bins, g_free);
  g_clear_pointer (&self->kinds, g_free);
  G_OBJECT_CLASS (fs_timeline_parent_class)->dispose (object);
}

static void
fs_timeline_class_init (FsTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_timeline_dispose;
  widget_class->snapshot = fs_timeline_snapshot;
  widget_class->measure = fs_timeline_measure;
  widget_class->size_allocate = fs_timeline_size_allocate;
  widget_class->query_tooltip = fs_timeline_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "fstimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SLIDER);
}

static void
fs_timeline_init (FsTimeline *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Timeline",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  "Event density over time with the playhead; drag to seek",
                                  -1);

  static const FsPointerHandlers pointer = {
    .scroll = G_CALLBACK (scroll_cb),
    .drag_begin = G_CALLBACK (drag_begin_cb), .drag_update = G_CALLBACK (drag_update_cb),
    .drag_end = G_CALLBACK (drag_end_cb),
    .pressed = G_CALLBACK (pressed_cb),
    .motion = G_CALLBACK (motion_cb),
  };
  fs_pointer_handlers_attach (GTK_WIDGET (self), &pointer);
}

GtkWidget *
fs_timeline_new (void)
{
  return g_object_new (FS_TYPE_TIMELINE, NULL);
}

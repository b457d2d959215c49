/* lanes-draw.c: process lanes.
 *
 * Painting order: axis and row stripes, names, state bars, ticks, then fork
 * connectors and signal arrows on top, the playhead last.  A signal is drawn
 * exactly once: by its sender's lane when that lane is on screen, otherwise
 * by its receiver's; likewise a fork connector by the parent's lane, else by
 * the child's.  In a dense stretch each lane handles at most a few events
 * per pixel column and skips the rest with a binary search. */
#include "lanes-draw.h"
#include "draw-common.h"
#include "time-axis.h"

#include <math.h>
#include <string.h>

#define MARGIN          12.0
#define TITLE_BAND      44.0
#define AXIS_HEIGHT     24.0
#define ROW_HEIGHT      24.0
#define BAR_HEIGHT      12.0
#define ZOMBIE_HEIGHT    4.0
#define INDENT          12.0
#define MAX_INDENT_LEVELS 10
#define LABEL_MIN       90.0
#define LABEL_MAX      240.0
#define LABEL_GAP       10.0
#define LEGEND_ITEM_W  150.0
#define LEGEND_ROW_H    22.0
#define LEGEND_PAD      10.0
#define EVENTS_PER_COLUMN 5     /* drawn marks per lane and pixel column before skipping */
#define ARROW_LABEL_LIMIT 300   /* arrows beyond this many in one view go unlabelled */

struct _FsLanesLayout {
  FsTrace     *trace;
  GArray      *rows;       /* FsProcessId */
  GArray      *depths;     /* guint */
  guint       *row_of;     /* per process: its row or FS_LANES_NO_ROW */
  double       label_width;
};

/* ---------------------------------------------------------------- layout */

static char *
lane_label (FsTrace *trace, FsProcessId id)
{
  return g_strdup_printf ("%s[%d]", fs_trace_process_name (trace, id), fs_trace_process (trace, id)->pid);
}

FsLanesLayout *
fs_lanes_layout_new (FsTrace *trace, const FsExportFilter *filter)
{
  FsLanesLayout *self = g_new0 (FsLanesLayout, 1);
  guint n = fs_trace_n_processes (trace);
  FsExportFilter all;
  FsTextContext tc;

  if (filter == NULL)
    {
      fs_export_filter_init (&all);
      filter = &all;
    }
  self->trace = g_object_ref (trace);
  self->depths = g_array_new (FALSE, FALSE, sizeof (guint));
  self->rows = fs_tree_order (trace, filter, self->depths);
  self->row_of = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    self->row_of[i] = FS_LANES_NO_ROW;
  for (guint r = 0; r < self->rows->len; r++)
    self->row_of[g_array_index (self->rows, FsProcessId, r)] = r;

  /* The names column fits the widest label; with thousands of rows only the
   * longest ones (by characters) are measured. */
  fs_text_context_init (&tc, NULL, fs_palette_get (FS_THEME_LIGHT));
  guint longest = 0;
  for (guint r = 0; r < self->rows->len; r++)
    longest = MAX (longest, (guint) strlen (fs_trace_process_name (trace, g_array_index (self->rows, FsProcessId, r))));
  self->label_width = LABEL_MIN;
  guint measured = 0;
  for (guint r = 0; r < self->rows->len && self->label_width < LABEL_MAX && measured < 256; r++)
    {
      FsProcessId id = g_array_index (self->rows, FsProcessId, r);
      if (self->rows->len > 256 && strlen (fs_trace_process_name (trace, id)) + 2 < longest)
        continue;
      measured++;
      g_autofree char *label = lane_label (trace, id);
      double w = 0;
      fs_text_measure (&tc, FS_FONT_BODY, label, &w, NULL);
      guint depth = MIN (g_array_index (self->depths, guint, r), MAX_INDENT_LEVELS);
      self->label_width = MAX (self->label_width, depth * INDENT + w + 4);
    }
  self->label_width = ceil (MIN (self->label_width, LABEL_MAX));
  fs_text_context_clear (&tc);
  return self;
}

void
fs_lanes_layout_free (FsLanesLayout *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->trace);
  g_array_unref (self->rows);
  g_array_unref (self->depths);
  g_free (self->row_of);
  g_free (self);
}

FsTrace *
fs_lanes_layout_get_trace (FsLanesLayout *self)
{
  return self->trace;
}

guint
fs_lanes_layout_get_n_rows (FsLanesLayout *self)
{
  return self->rows->len;
}

FsProcessId
fs_lanes_layout_get_row_process (FsLanesLayout *self, guint row)
{
  g_return_val_if_fail (row < self->rows->len, FS_PROCESS_NONE);
  return g_array_index (self->rows, FsProcessId, row);
}

guint
fs_lanes_layout_get_process_row (FsLanesLayout *self, FsProcessId id)
{
  return id < fs_trace_n_processes (self->trace) ? self->row_of[id] : FS_LANES_NO_ROW;
}

guint
fs_lanes_layout_get_row_depth (FsLanesLayout *self, guint row)
{
  g_return_val_if_fail (row < self->rows->len, 0);
  return g_array_index (self->depths, guint, row);
}

/* ---------------------------------------------------------------- geometry */

static double
legend_columns (const FsLanesView *view)
{
  return MAX (1.0, floor ((view->width - 2 * MARGIN - 2 * LEGEND_PAD) / LEGEND_ITEM_W));
}

#define N_LEGEND_ITEMS 10

static double
legend_height (const FsLanesView *view)
{
  if (!view->show_legend)
    return 0;
  return ceil (N_LEGEND_ITEMS / legend_columns (view)) * LEGEND_ROW_H + 2 * LEGEND_PAD + MARGIN;
}

static double
lanes_top (const FsLanesView *view)
{
  return (view->title != NULL ? TITLE_BAND : 0) + MARGIN / 2 + AXIS_HEIGHT;
}

void
fs_lanes_view_init (FsLanesView *view, FsLanesLayout *layout, double width)
{
  memset (view, 0, sizeof *view);
  view->palette = fs_palette_get (FS_THEME_LIGHT);
  view->from_ns = 0;
  view->to_ns = MAX (fs_trace_duration (layout->trace), 1);
  view->width = width;
  view->playhead_ns = FS_TIME_NONE;
  view->selected = FS_PROCESS_NONE;
  view->hovered = FS_PROCESS_NONE;
  view->height = fs_lanes_get_content_height (layout, view);
}

double
fs_lanes_get_content_height (FsLanesLayout *self, const FsLanesView *view)
{
  return ceil (lanes_top (view) + self->rows->len * ROW_HEIGHT + MARGIN / 2 + legend_height (view));
}

double
fs_lanes_get_row_height (void)
{
  return ROW_HEIGHT;
}

void
fs_lanes_get_plot_area (FsLanesLayout *self, const FsLanesView *view, double *x, double *y,
                        double *width, double *height)
{
  double px = MARGIN + self->label_width + LABEL_GAP;
  double top = lanes_top (view);
  if (x != NULL)
    *x = px;
  if (y != NULL)
    *y = top;
  if (width != NULL)
    *width = MAX (view->width - px - MARGIN, 1.0);
  if (height != NULL)
    *height = MAX (view->height - top - legend_height (view) - MARGIN / 2, 0.0);
}

double
fs_lanes_time_to_x (FsLanesLayout *self, const FsLanesView *view, gint64 t_ns)
{
  double px, pw;
  fs_lanes_get_plot_area (self, view, &px, NULL, &pw, NULL);
  gint64 span = MAX (view->to_ns - view->from_ns, 1);
  return px + (double) (t_ns - view->from_ns) / (double) span * pw;
}

gint64
fs_lanes_x_to_time (FsLanesLayout *self, const FsLanesView *view, double x)
{
  double px, pw;
  fs_lanes_get_plot_area (self, view, &px, NULL, &pw, NULL);
  gint64 span = MAX (view->to_ns - view->from_ns, 1);
  return view->from_ns + (gint64) llround ((x - px) / pw * (double) span);
}

double
fs_lanes_row_to_y (FsLanesLayout *self, const FsLanesView *view, guint row)
{
  return lanes_top (view) + row * ROW_HEIGHT + ROW_HEIGHT / 2 - view->scroll_y;
}

guint
fs_lanes_y_to_row (FsLanesLayout *self, const FsLanesView *view, double y)
{
  double py, ph;
  fs_lanes_get_plot_area (self, view, NULL, &py, NULL, &ph);
  if (y < py || y >= py + ph)
    return FS_LANES_NO_ROW;
  double r = floor ((y - py + view->scroll_y) / ROW_HEIGHT);
  if (r < 0 || r >= self->rows->len)
    return FS_LANES_NO_ROW;
  return (guint) r;
}

/* ---------------------------------------------------------------- lookups */

/* Index of the first change at or after t in a process's state timeline. */
static guint
first_change_after (const FsStateChange *changes, guint n, gint64 t)
{
  guint lo = 0, hi = n;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (changes[mid].t_ns <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* First position in a process's event list with time >= t. */
static guint
first_event_from (FsTrace *trace, const guint32 *events, guint n, gint64 t)
{
  guint lo = 0, hi = n;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (fs_trace_event (trace, events[mid])->t_ns < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Where a lane's bar ends: its reap, else the end of the trace. */
static gint64
lane_end (FsTrace *trace, FsProcessId id)
{
  const FsProcess *p = fs_trace_process (trace, id);
  return p->reap_ns != FS_TIME_NONE ? p->reap_ns : fs_trace_duration (trace);
}

gboolean
fs_lanes_hit_test (FsLanesLayout *self, const FsLanesView *view, double x, double y, FsLanesHit *out)
{
  double px, pw;
  guint n;

  memset (out, 0, sizeof *out);
  out->row = fs_lanes_y_to_row (self, view, y);
  out->process = FS_PROCESS_NONE;
  out->event = FS_EVENT_NONE;
  if (out->row == FS_LANES_NO_ROW)
    return FALSE;
  out->process = g_array_index (self->rows, FsProcessId, out->row);
  out->t_ns = fs_lanes_x_to_time (self, view, x);
  fs_lanes_get_plot_area (self, view, &px, NULL, &pw, NULL);
  if (x < px)
    {
      /* On the name: the state at the playhead, or else at the end. */
      out->t_ns = view->playhead_ns != FS_TIME_NONE ? view->playhead_ns : fs_trace_duration (self->trace);
      out->state = FS_STATE_UNBORN;
    }
  const FsStateChange *changes = fs_trace_process_state_changes (self->trace, out->process, &n);
  guint k = first_change_after (changes, n, out->t_ns);
  out->state = k > 0 ? changes[k - 1].state : FS_STATE_UNBORN;
  out->reason = k > 0 ? changes[k - 1].reason : 0;
  if (x < px)
    return TRUE;

  /* The nearest event within 4 px. */
  gint64 slack = (gint64) (4.0 / pw * (double) (view->to_ns - view->from_ns)) + 1;
  const guint32 *events = fs_trace_process_events (self->trace, out->process, &n);
  double best = G_MAXDOUBLE;
  for (guint i = first_event_from (self->trace, events, n, out->t_ns - slack); i < n; i++)
    {
      const FsEvent *ev = fs_trace_event (self->trace, events[i]);
      if (ev->t_ns > out->t_ns + slack)
        break;
      if (ev->kind == FS_EVENT_OUTPUT || ev->kind == FS_EVENT_MARKER)
        continue;
      double d = fabs ((double) (ev->t_ns - out->t_ns));
      if (d < best)
        {
          best = d;
          out->event = events[i];
        }
    }
  return TRUE;
}

/* ---------------------------------------------------------------- painting */

typedef struct {
  FsLanesLayout     *layout;
  const FsLanesView *view;
  const FsPalette   *pal;
  cairo_t           *cr;
  FsTextContext      tc;
  double             px, py, pw, ph;     /* plot area */
  double             scale;              /* px per ns */
  guint              first_row, last_row;/* rows on screen, [first, last) */
  guint              n_arrows;
  double             lead_column;        /* pixel column of the last lead lines drawn … */
  guint              lead_directions;    /* … and their directions (bit 0 up, bit 1 down) */
  GArray            *segments;           /* Segment, one lane at a time */
  GArray            *labels;             /* cairo_rectangle_t of the signal labels drawn */
} Painter;

typedef struct {
  double x0, x1;
  guint8 state, reason;
} Segment;

static double
tx (Painter *pt, gint64 t)
{
  return pt->px + (double) (t - pt->view->from_ns) * pt->scale;
}

static double
row_y (Painter *pt, guint row)
{
  return fs_lanes_row_to_y (pt->layout, pt->view, row);
}

static gboolean
row_on_screen (Painter *pt, guint row)
{
  return row != FS_LANES_NO_ROW && row >= pt->first_row && row < pt->last_row;
}

static guint
process_row (Painter *pt, FsProcessId id)
{
  return fs_lanes_layout_get_process_row (pt->layout, id);
}

static void
add_segment (Painter *pt, double x0, double x1, guint8 state, guint8 reason)
{
  if (state == FS_STATE_UNBORN || state == FS_STATE_GONE || x1 <= x0)
    return;
  if (pt->segments->len > 0)
    {
      Segment *last = &g_array_index (pt->segments, Segment, pt->segments->len - 1);
      if (last->state == state && last->reason == reason && x0 - last->x1 < 0.01)
        {
          last->x1 = MAX (last->x1, x1);
          return;
        }
    }
  Segment s = { x0, x1, state, reason };
  g_array_append_val (pt->segments, s);
}

/* The lane's state segments inside the plot, sub-pixel ones binned: a
 * pixel column crowded with changes shows the state of its last change. */
static void
collect_segments (Painter *pt, FsProcessId id)
{
  FsTrace *trace = pt->layout->trace;
  const FsLanesView *view = pt->view;
  guint n;
  const FsStateChange *changes = fs_trace_process_state_changes (trace, id, &n);
  gint64 end = lane_end (trace, id);
  double left = pt->px, right = pt->px + pt->pw, from_x = left;

  g_array_set_size (pt->segments, 0);
  if (n == 0 || changes[0].t_ns > view->to_ns || end < view->from_ns)
    return;
  guint k = first_change_after (changes, n, view->from_ns);
  k = k > 0 ? k - 1 : 0;
  while (k < n && changes[k].t_ns <= view->to_ns)
    {
      gint64 t1 = k + 1 < n ? changes[k + 1].t_ns : end;
      double x0 = MAX (CLAMP (tx (pt, changes[k].t_ns), left, right), from_x);
      double x1 = CLAMP (tx (pt, t1), left, right);
      if (x1 - x0 >= 1.0 || k + 1 >= n)
        {
          add_segment (pt, x0, x1, changes[k].state, changes[k].reason);
          k++;
          continue;
        }
      double column_right = floor (x0) + 1;
      guint last_in = first_change_after (changes, n, fs_lanes_x_to_time (pt->layout, view, column_right)) - 1;
      if (last_in <= k)
        {
          add_segment (pt, x0, x1, changes[k].state, changes[k].reason);
          k++;
          continue;
        }
      add_segment (pt, x0, MIN (column_right, right), changes[last_in].state, changes[last_in].reason);
      from_x = column_right;
      k = last_in;
    }
}

static void
set_state_fill (Painter *pt, guint8 state)
{
  const FsPalette *pal = pt->pal;
  switch (state)
    {
    case FS_STATE_RUNNING:
      fs_palette_set_source (pt->cr, &pal->state_stroke[FS_STATE_RUNNING], 0.85);
      break;
    case FS_STATE_ZOMBIE:
      fs_palette_set_source (pt->cr, &pal->state_stroke[FS_STATE_ZOMBIE], 0.9);
      break;
    default:
      fs_palette_set_source (pt->cr, &pal->state_fill[state], 1.0);
      break;
    }
}

static void paint_segment_pattern (Painter *pt, const Segment *s, double cy);

/* One state's look (the legend's swatches; the lanes batch the same fills
 * per state): running solid, blocked pale with edges, stopped hatched,
 * zombie thin. */
static void
paint_segment (Painter *pt, const Segment *s, double cy, gboolean details)
{
  cairo_t *cr = pt->cr;
  double w = s->x1 - s->x0, top = cy - BAR_HEIGHT / 2;

  if (s->state == FS_STATE_ZOMBIE)
    {
      set_state_fill (pt, s->state);
      cairo_rectangle (cr, s->x0, cy - ZOMBIE_HEIGHT / 2, w, ZOMBIE_HEIGHT);
      cairo_fill (cr);
      return;
    }
  set_state_fill (pt, s->state);
  cairo_rectangle (cr, s->x0, top, w, BAR_HEIGHT);
  cairo_fill (cr);
  if (details && w >= 2)
    paint_segment_pattern (pt, s, cy);
}

/* The pattern over a blocked or stopped bar: edges and the reason, or hatching. */
static void
paint_segment_pattern (Painter *pt, const Segment *s, double cy)
{
  cairo_t *cr = pt->cr;
  double w = s->x1 - s->x0, top = cy - BAR_HEIGHT / 2;
  const FsRgb *stroke = &pt->pal->state_stroke[s->state];
  cairo_save (cr);
  if (s->state == FS_STATE_STOPPED)
    {
      cairo_rectangle (cr, s->x0, top, w, BAR_HEIGHT);
      cairo_clip (cr);
      fs_palette_set_source (cr, stroke, 0.8);
      cairo_set_line_width (cr, 1.2);
      for (double d = s->x0 - BAR_HEIGHT; d < s->x1; d += 5)
        {
          cairo_move_to (cr, d, top + BAR_HEIGHT);
          cairo_line_to (cr, d + BAR_HEIGHT, top);
        }
      cairo_stroke (cr);
    }
  else if (s->state == FS_STATE_BLOCKED)
    {
      fs_palette_set_source (cr, stroke, 1.0);
      cairo_rectangle (cr, s->x0, top, w, 1.5);
      cairo_rectangle (cr, s->x0, top + BAR_HEIGHT - 1.5, w, 1.5);
      cairo_fill (cr);
      if (s->reason != FS_BLOCK_OTHER && w > 40)
        {
          double tw;
          const char *reason = fs_block_reason_name (s->reason);
          fs_text_measure (&pt->tc, FS_FONT_SMALL, reason, &tw, NULL);
          if (tw + 8 < w)
            fs_text_draw (&pt->tc, FS_FONT_SMALL, reason, s->x0 + 4, top - 0.5, w - 8, FS_ALIGN_LEFT,
                          stroke, 1.0);
        }
    }
  cairo_restore (cr);
}

static void
paint_kernel_marker (Painter *pt, double x, double y)
{
  cairo_t *cr = pt->cr;
  cairo_move_to (cr, x, y - 4.5);
  cairo_line_to (cr, x + 4.5, y);
  cairo_line_to (cr, x, y + 4.5);
  cairo_line_to (cr, x - 4.5, y);
  cairo_close_path (cr);
  fs_palette_set_source (cr, &pt->pal->kernel, 1.0);
  cairo_fill (cr);
}

/* An arrow from (x0, y0) to its tip at (x1, y1); a line to the tip with the
 * head over its end, so both ends sit exactly on the send and delivery. */
static void
paint_arrow (Painter *pt, double x0, double y0, double x1, double y1, int signo, gboolean inferred,
             gboolean open_end)
{
  static const double dash[] = { 5.0, 3.0 };
  cairo_t *cr = pt->cr;
  char buf[16];

  cairo_save (cr);
  fs_palette_set_source (cr, &pt->pal->signal, 1.0);
  cairo_set_line_width (cr, 1.5);
  if (inferred)
    cairo_set_dash (cr, dash, 2, 0);
  if (fabs (y1 - y0) < 0.5)
    {
      /* Same lane: a hop above the bar. */
      double lift = BAR_HEIGHT;
      cairo_move_to (cr, x0, y0);
      cairo_curve_to (cr, x0, y0 - lift, x1, y1 - lift, x1, y1);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      fs_draw_arrowhead (cr, x1, y1, 0, 1, 7);
    }
  else
    {
      /* An end on a lane off screen: a short lead line towards it, so a
       * zoomed-out view is not crossed by thousands of long lines. */
      double top = pt->py - 2, bottom = pt->py + pt->ph + 2;
      gboolean in0 = y0 >= top && y0 <= bottom, in1 = y1 >= top && y1 <= bottom;
      double cx0 = x0, cy0 = y0, cx1 = x1, cy1 = y1;
      double lead = ROW_HEIGHT * 0.6;
      if (!in0 && !in1)
        {
          cairo_restore (cr);
          return;
        }
      if (!in0 || !in1)
        {
          /* Lead lines from one pixel column in one direction look the same:
           * one is enough. */
          double column = floor (in0 ? x0 : x1);
          guint direction = (in0 ? y1 < y0 : y0 < y1) ? 1 : 2;
          if (column == pt->lead_column && (pt->lead_directions & direction))
            {
              cairo_restore (cr);
              return;
            }
          if (column != pt->lead_column)
            pt->lead_directions = 0;
          pt->lead_column = column;
          pt->lead_directions |= direction;
        }
      if (!in0)
        {
          cy0 = y1 + (y0 < y1 ? -lead : lead);
          cx0 = x1 - (x1 - x0) * lead / fabs (y1 - y0);
        }
      if (!in1)
        {
          cy1 = y0 + (y1 < y0 ? -lead : lead);
          cx1 = x0 + (x1 - x0) * lead / fabs (y1 - y0);
        }
      cairo_move_to (cr, cx0, cy0);
      cairo_line_to (cr, cx1, cy1);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (cy1 != y1)
        ;
      else if (open_end)
        {
          cairo_arc (cr, x1, y1, 3, 0, 2 * G_PI);
          cairo_stroke (cr);
        }
      else
        fs_draw_arrowhead (cr, x1, y1, x1 - x0, y1 - y0, 8);
    }
  cairo_restore (cr);
  pt->n_arrows++;
  if (pt->n_arrows > ARROW_LABEL_LIMIT || y0 < pt->py || y0 > pt->py + pt->ph ||
      y1 < pt->py || y1 > pt->py + pt->ph)
    return;
  /* The label beside the arrow's middle, unless it would cover another. */
  const char *label = fs_short_signal_name (signo, buf);
  double w, h;
  fs_text_measure (&pt->tc, FS_FONT_SMALL_BOLD, label, &w, &h);
  cairo_rectangle_t box = { (x0 + x1) / 2 + 4, MIN (y0, y1) + fabs (y1 - y0) / 2 - h / 2, w, h };
  if (fabs (y1 - y0) < 0.5)
    box.y = y0 - BAR_HEIGHT - h;
  if (box.x + box.width > pt->px + pt->pw)
    box.x = (x0 + x1) / 2 - 4 - box.width;     /* at the right edge: on the arrow's left */
  for (guint i = 0; i < pt->labels->len; i++)
    {
      const cairo_rectangle_t *o = &g_array_index (pt->labels, cairo_rectangle_t, i);
      if (box.x < o->x + o->width + 2 && o->x < box.x + box.width + 2 &&
          box.y < o->y + o->height && o->y < box.y + box.height)
        return;
    }
  g_array_append_val (pt->labels, box);
  pt->tc.css_class = "fs-signal";
  fs_path_rounded_rect (cr, box.x - 2, box.y, box.width + 4, box.height, 3);
  fs_palette_set_source (cr, &pt->pal->background, 0.85);
  cairo_fill (cr);
  fs_text_draw (&pt->tc, FS_FONT_SMALL_BOLD, label, box.x, box.y, -1, FS_ALIGN_LEFT, &pt->pal->signal, 1.0);
  pt->tc.css_class = NULL;
}

/* A signal as an arrow; sender without a lane → from a marker above the
 * receiver (a filled diamond for the kernel). */
static void
paint_signal (Painter *pt, const FsSignalArrow *arrow)
{
  guint recv_row = arrow->receiver != FS_PROCESS_NONE ? process_row (pt, arrow->receiver) : FS_LANES_NO_ROW;
  guint send_row = arrow->sender != FS_PROCESS_KERNEL && arrow->sender != FS_PROCESS_NONE
                   ? process_row (pt, arrow->sender) : FS_LANES_NO_ROW;
  double xs = tx (pt, arrow->send_ns);
  gboolean delivered = arrow->deliver_ns != FS_TIME_NONE;
  double xd = delivered ? tx (pt, arrow->deliver_ns) : xs;

  if (send_row == FS_LANES_NO_ROW && recv_row == FS_LANES_NO_ROW)
    return;
  if (recv_row == FS_LANES_NO_ROW)
    {
      /* Sent out of view (a group, an untraced pid): a short lead line. */
      double y = row_y (pt, send_row);
      paint_arrow (pt, xs, y, xs, y - ROW_HEIGHT * 0.45, arrow->signo, arrow->inferred, TRUE);
      return;
    }
  double yr = row_y (pt, recv_row);
  if (send_row == FS_LANES_NO_ROW)
    {
      double ym = yr - ROW_HEIGHT * 0.8;
      paint_arrow (pt, xs, ym, xd, yr, arrow->signo, arrow->inferred, !delivered);
      if (arrow->sender == FS_PROCESS_KERNEL)
        paint_kernel_marker (pt, xs, ym);
      else
        {
          cairo_arc (pt->cr, xs, ym, 3.5, 0, 2 * G_PI);
          fs_palette_set_source (pt->cr, &pt->pal->kernel, 1.0);
          cairo_set_line_width (pt->cr, 1.2);
          cairo_stroke (pt->cr);
        }
      return;
    }
  paint_arrow (pt, xs, row_y (pt, send_row), xd, yr, arrow->signo, arrow->inferred, !delivered);
}

/* Fork connectors of one lane, merged per pixel column: they share the x,
 * so one line from the lowest to the highest child tip draws them all. */
typedef struct {
  double x, y0, top_tip, bottom_tip;
  gboolean open;
} Connector;

static void
flush_connector (Painter *pt, Connector *c)
{
  if (!c->open)
    return;
  c->open = FALSE;
  /* Rows far off screen: stop at the plot's edge (a connector to row 9,000
   * would otherwise cost its whole length to rasterize). */
  double top = pt->py - 2, bottom = pt->py + pt->ph + 2;
  double y_from = MIN (c->y0, c->top_tip), y_to = MAX (c->y0, c->bottom_tip);
  if (y_to < top || y_from > bottom)
    return;
  /* Children far off screen get a lead line from the parent, as signals do. */
  if (c->y0 >= top && c->y0 <= bottom)
    {
      if (c->top_tip >= top)
        y_from = MIN (c->y0, c->top_tip);
      else
        y_from = MIN (c->y0, MAX (top, c->y0 - ROW_HEIGHT * 0.6));
      if (c->bottom_tip <= bottom)
        y_to = MAX (c->y0, c->bottom_tip);
      else
        y_to = MAX (c->y0, MIN (bottom, c->y0 + ROW_HEIGHT * 0.6));
    }
  cairo_t *cr = pt->cr;
  fs_palette_set_source (cr, &pt->pal->edge, 1.0);
  cairo_set_line_width (cr, 1.2);
  cairo_move_to (cr, c->x, CLAMP (y_from, top, bottom));
  cairo_line_to (cr, c->x, CLAMP (y_to, top, bottom));
  cairo_stroke (cr);
  if (c->y0 >= top && c->y0 <= bottom)
    {
      cairo_arc (cr, c->x, c->y0, 2.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

static void
paint_fork (Painter *pt, Connector *c, FsProcessId parent, FsProcessId child, gint64 t)
{
  guint pr = process_row (pt, parent), cr_row = process_row (pt, child);
  if (pr == FS_LANES_NO_ROW || cr_row == FS_LANES_NO_ROW)
    return;
  double x = round (tx (pt, t)) + 0.5, y0 = row_y (pt, pr), y1 = row_y (pt, cr_row);
  double dir = y1 > y0 ? 1 : -1, tip = y1 - dir * BAR_HEIGHT / 2;
  if (c->open && (c->x != x || c->y0 != y0))
    flush_connector (pt, c);
  if (!c->open)
    *c = (Connector) { x, y0, tip, tip, TRUE };
  c->top_tip = MIN (c->top_tip, tip);
  c->bottom_tip = MAX (c->bottom_tip, tip);
  if (tip >= pt->py - 2 && tip <= pt->py + pt->ph + 2)
    {
      fs_palette_set_source (pt->cr, &pt->pal->edge, 1.0);
      fs_draw_arrowhead (pt->cr, x, tip, 0, dir, 6);
    }
}

static void
paint_exit (Painter *pt, double x, double y)
{
  cairo_t *cr = pt->cr;
  cairo_save (cr);
  fs_palette_set_source (cr, &pt->pal->state_stroke[FS_STATE_ZOMBIE], 1.0);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, x - 4, y - 4);
  cairo_line_to (cr, x + 4, y + 4);
  cairo_move_to (cr, x + 4, y - 4);
  cairo_line_to (cr, x - 4, y + 4);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
paint_tick (Painter *pt, double x, double y, const FsRgb *color, double half)
{
  cairo_rectangle (pt->cr, round (x) - 1, y - half, 2, 2 * half);
  fs_palette_set_source (pt->cr, color, 1.0);
  cairo_fill (pt->cr);
}

/* Ticks, forks and signals of one lane; connectors and arrows follow the
 * "drawn once" rule of the file comment. */
static void
paint_lane_events (Painter *pt, guint row, FsProcessId id)
{
  FsTrace *trace = pt->layout->trace;
  const FsLanesView *view = pt->view;
  guint n;
  const guint32 *events = fs_trace_process_events (trace, id, &n);
  gint64 span = MAX (view->to_ns - view->from_ns, 1);
  double y = row_y (pt, row);
  double column = -1;
  guint in_column = 0;
  Connector connector = { 0 };

  pt->lead_column = -1;
  pt->lead_directions = 0;

  for (guint i = first_event_from (trace, events, n, view->from_ns); i < n; i++)
    {
      gsize index = events[i];
      const FsEvent *ev = fs_trace_event (trace, index);
      FsSignalArrow arrow;

      if (ev->t_ns > view->to_ns)
        break;
      if (ev->kind == FS_EVENT_OUTPUT || ev->kind == FS_EVENT_MARKER || ev->kind == FS_EVENT_BLOCK ||
          ev->kind == FS_EVENT_UNBLOCK || ev->kind == FS_EVENT_RENAME || ev->kind == FS_EVENT_THREAD)
        continue;
      double x = tx (pt, ev->t_ns);
      double c = floor (x - pt->px);
      if (c == column && ++in_column >= EVENTS_PER_COLUMN)
        {
          /* Dense: skip to the next pixel column. */
          gint64 next = view->from_ns + (gint64) ceil ((c + 1) / pt->pw * (double) span);
          guint j = first_event_from (trace, events, n, MAX (next, ev->t_ns + 1));
          i = MAX (j, i + 1) - 1;
          continue;
        }
      if (c != column)
        {
          column = c;
          in_column = 0;
        }
      gboolean actor = ev->process == id;
      switch (ev->kind)
        {
        case FS_EVENT_EXEC:
          if (actor)
            paint_tick (pt, x, y, &pt->pal->text, BAR_HEIGHT / 2 + 2);
          break;
        case FS_EVENT_EXIT:
          if (actor)
            paint_exit (pt, x, y);
          break;
        case FS_EVENT_REAP:
          if (ev->u.reap.child == id)
            paint_tick (pt, x, y, &pt->pal->state_stroke[FS_STATE_ZOMBIE], ZOMBIE_HEIGHT);
          break;
        case FS_EVENT_FORK:
          if (actor || !row_on_screen (pt, process_row (pt, ev->process)))
            paint_fork (pt, &connector, ev->process, ev->u.fork.child, ev->t_ns);
          break;
        case FS_EVENT_SIGNAL_SEND:
          if (!fs_export_signal_arrow (trace, index, &arrow))
            break;
          /* Our own send; or one to us whose sender's lane is off screen and
           * that no delivery of ours will draw. */
          if (actor || (arrow.deliver_index == FS_EVENT_NONE &&
                        !row_on_screen (pt, arrow.sender == FS_PROCESS_KERNEL ? FS_LANES_NO_ROW
                                                                              : process_row (pt, arrow.sender))))
            paint_signal (pt, &arrow);
          break;
        case FS_EVENT_SIGNAL_DELIVER:
          if (!actor)
            break;
          {
            cairo_arc (pt->cr, x, y, 2.5, 0, 2 * G_PI);
            fs_palette_set_source (pt->cr, &pt->pal->signal, 1.0);
            cairo_fill (pt->cr);
          }
          if (fs_export_signal_arrow (trace, index, &arrow))
            paint_signal (pt, &arrow);
          else
            {
              gsize send = fs_trace_signal_partner (trace, index);
              if (send != FS_EVENT_NONE &&
                  fs_export_signal_arrow (trace, send, &arrow) &&
                  !row_on_screen (pt, arrow.sender == FS_PROCESS_KERNEL ? FS_LANES_NO_ROW
                                                                        : process_row (pt, arrow.sender)))
                paint_signal (pt, &arrow);
            }
          break;
        default:
          break;
        }
    }
  flush_connector (pt, &connector);
}

static void
paint_axis (Painter *pt)
{
  const FsLanesView *view = pt->view;
  cairo_t *cr = pt->cr;
  gint64 span = MAX (view->to_ns - view->from_ns, 1);
  gint64 step = fs_time_axis_step (span, pt->pw, 110.0);
  gint64 first = view->from_ns - view->from_ns % step;
  double axis_y = pt->py - AXIS_HEIGHT;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  for (gint64 t = first; t <= view->to_ns; t += step)
    {
      if (t < view->from_ns)
        continue;
      double x = floor (tx (pt, t)) + 0.5;
      fs_palette_set_source (cr, &pt->pal->grid, 1.0);
      cairo_move_to (cr, x, axis_y + AXIS_HEIGHT - 6);
      cairo_line_to (cr, x, pt->py + pt->ph);
      cairo_stroke (cr);
      g_autofree char *label = fs_format_axis_time (t, step);
      double w;
      fs_text_measure (&pt->tc, FS_FONT_SMALL, label, &w, NULL);
      if (x + 3 + w <= view->width - MARGIN / 2)
        fs_text_draw (&pt->tc, FS_FONT_SMALL, label, x + 3, axis_y + 4, -1, FS_ALIGN_LEFT,
                      &pt->pal->text_muted, 1.0);
    }
  fs_palette_set_source (cr, &pt->pal->grid, 1.0);
  cairo_move_to (cr, pt->px, pt->py - 0.5);
  cairo_line_to (cr, pt->px + pt->pw, pt->py - 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
legend_label (Painter *pt, double x, double y, const char *text)
{
  fs_text_draw (&pt->tc, FS_FONT_BODY, text, x + 44, y + LEGEND_ROW_H / 2 - 7.5, LEGEND_ITEM_W - 48,
                FS_ALIGN_LEFT, &pt->pal->text, 1.0);
}

static void
paint_legend (Painter *pt)
{
  static const struct { FsStateKind state; guint8 reason; const char *label; } states[] = {
    { FS_STATE_RUNNING, 0, "running" },
    { FS_STATE_BLOCKED, FS_BLOCK_OTHER, "blocked" },
    { FS_STATE_STOPPED, 0, "stopped" },
    { FS_STATE_ZOMBIE, 0, "zombie" },
  };
  const FsLanesView *view = pt->view;
  cairo_t *cr = pt->cr;
  double h = legend_height (pt->view) - MARGIN;
  double x = MARGIN, y = view->height - MARGIN / 2 - h, w = view->width - 2 * MARGIN;
  guint columns = (guint) legend_columns (view), item = 0;

  cairo_save (cr);
  fs_path_rounded_rect (cr, x, y, w, h, 8);
  fs_palette_set_source (cr, &pt->pal->surface, 1.0);
  cairo_fill_preserve (cr);
  fs_palette_set_source (cr, &pt->pal->grid, 1.0);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  pt->tc.css_class = "fs-legend";

#define ITEM_X (x + LEGEND_PAD + (item % columns) * LEGEND_ITEM_W)
#define ITEM_Y (y + LEGEND_PAD + (item / columns) * LEGEND_ROW_H)
  for (guint i = 0; i < G_N_ELEMENTS (states); i++, item++)
    {
      Segment s = { ITEM_X + 2, ITEM_X + 36, states[i].state, states[i].reason };
      paint_segment (pt, &s, ITEM_Y + LEGEND_ROW_H / 2, TRUE);
      legend_label (pt, ITEM_X, ITEM_Y, states[i].label);
    }
  {
    double cx = ITEM_X + 19, cy = ITEM_Y + LEGEND_ROW_H / 2;
    fs_palette_set_source (cr, &pt->pal->edge, 1.0);
    cairo_set_line_width (cr, 1.2);
    cairo_move_to (cr, cx + 0.5, cy - 8);
    cairo_line_to (cr, cx + 0.5, cy + 4);
    cairo_stroke (cr);
    fs_draw_arrowhead (cr, cx + 0.5, cy + 8, 0, 1, 6);
    legend_label (pt, ITEM_X, ITEM_Y, "fork");
    item++;
  }
  {
    double cy = ITEM_Y + LEGEND_ROW_H / 2;
    Segment s = { ITEM_X + 2, ITEM_X + 36, FS_STATE_RUNNING, 0 };
    paint_segment (pt, &s, cy, FALSE);
    paint_tick (pt, ITEM_X + 19, cy, &pt->pal->text, BAR_HEIGHT / 2 + 2);
    legend_label (pt, ITEM_X, ITEM_Y, "exec");
    item++;
  }
  {
    double cy = ITEM_Y + LEGEND_ROW_H / 2;
    paint_exit (pt, ITEM_X + 19, cy);
    legend_label (pt, ITEM_X, ITEM_Y, "exit");
    item++;
  }
  for (int inferred = 0; inferred < 2; inferred++, item++)
    {
      static const double dash[] = { 5.0, 3.0 };
      double cy = ITEM_Y + LEGEND_ROW_H / 2;
      cairo_save (cr);
      fs_palette_set_source (cr, &pt->pal->signal, 1.0);
      cairo_set_line_width (cr, 1.5);
      if (inferred)
        cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, ITEM_X + 2, cy - 6);
      cairo_line_to (cr, ITEM_X + 36, cy + 6);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      fs_draw_arrowhead (cr, ITEM_X + 36, cy + 6, 34, 12, 8);
      cairo_restore (cr);
      legend_label (pt, ITEM_X, ITEM_Y, inferred ? "inferred pairing" : "signal");
    }
  {
    double cy = ITEM_Y + LEGEND_ROW_H / 2;
    paint_kernel_marker (pt, ITEM_X + 19, cy);
    legend_label (pt, ITEM_X, ITEM_Y, "sent by the kernel");
    item++;
  }
#undef ITEM_X
#undef ITEM_Y
  pt->tc.css_class = NULL;
  cairo_restore (cr);
}

void
fs_lanes_draw (cairo_t *cr, FsLanesLayout *self, const FsLanesView *view)
{
  Painter pt = { .layout = self, .view = view, .cr = cr };
  FsTrace *trace = self->trace;
  double clip[4];

  pt.pal = view->palette != NULL ? view->palette : fs_palette_get (FS_THEME_LIGHT);
  fs_lanes_get_plot_area (self, view, &pt.px, &pt.py, &pt.pw, &pt.ph);
  pt.scale = pt.pw / (double) MAX (view->to_ns - view->from_ns, 1);
  cairo_save (cr);
  cairo_clip_extents (cr, &clip[0], &clip[1], &clip[2], &clip[3]);
  fs_palette_set_source (cr, &pt.pal->background, 1.0);
  cairo_rectangle (cr, 0, 0, view->width, view->height);
  cairo_fill (cr);
  fs_text_context_init (&pt.tc, cr, pt.pal);
  pt.segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  pt.labels = g_array_new (FALSE, FALSE, sizeof (cairo_rectangle_t));

  if (view->title != NULL)
    {
      fs_text_draw (&pt.tc, FS_FONT_TITLE, view->title, MARGIN, MARGIN, view->width - 2 * MARGIN,
                    FS_ALIGN_LEFT, &pt.pal->text, 1.0);
    }
  paint_axis (&pt);

  /* Rows on screen (and inside the clip). */
  double top = MAX (pt.py, clip[1]), bottom = MIN (pt.py + pt.ph, clip[3]);
  double first = floor ((top - pt.py + view->scroll_y) / ROW_HEIGHT);
  double last = ceil ((bottom - pt.py + view->scroll_y) / ROW_HEIGHT);
  pt.first_row = (guint) CLAMP (first, 0, self->rows->len);
  pt.last_row = (guint) CLAMP (last, 0, self->rows->len);

  cairo_save (cr);
  cairo_rectangle (cr, 0, pt.py, view->width, pt.ph);
  cairo_clip (cr);

  /* Stripes, selection and names. */
  for (guint r = pt.first_row; r < pt.last_row; r++)
    {
      FsProcessId id = g_array_index (self->rows, FsProcessId, r);
      double y = row_y (&pt, r);
      if (id == view->selected || id == view->hovered)
        {
          fs_palette_set_source (cr, &pt.pal->selection, id == view->selected ? 0.16 : 0.08);
          cairo_rectangle (cr, MARGIN / 2, y - ROW_HEIGHT / 2, view->width - MARGIN, ROW_HEIGHT);
          cairo_fill (cr);
        }
      else if (r % 2 == 1)
        {
          fs_palette_set_source (cr, &pt.pal->surface, 0.7);
          cairo_rectangle (cr, MARGIN / 2, y - ROW_HEIGHT / 2, view->width - MARGIN, ROW_HEIGHT);
          cairo_fill (cr);
        }
      guint depth = MIN (g_array_index (self->depths, guint, r), MAX_INDENT_LEVELS);
      g_autofree char *label = lane_label (trace, id);
      double lx = MARGIN + depth * INDENT;
      pt.tc.css_class = "fs-lane";
      fs_text_draw (&pt.tc, id == view->selected ? FS_FONT_SMALL_BOLD : FS_FONT_BODY, label, lx, y - 7.5,
                    MARGIN + self->label_width - lx, FS_ALIGN_LEFT,
                    fs_trace_process (trace, id)->flags & FS_PROCESS_FLAG_HIDDEN ? &pt.pal->text_muted
                                                                                 : &pt.pal->text, 1.0);
      pt.tc.css_class = NULL;
    }

  /* Bars, then ticks and arrows (which may reach rows off screen). */
  cairo_rectangle (cr, pt.px - 6, pt.py, pt.pw + 12, pt.ph);
  cairo_clip (cr);
  for (guint r = pt.first_row; r < pt.last_row; r++)
    {
      FsProcessId id = g_array_index (self->rows, FsProcessId, r);
      double y = row_y (&pt, r);
      collect_segments (&pt, id);
      /* One fill per state for the bars, then the patterns of wide ones. */
      for (guint8 state = FS_STATE_RUNNING; state <= FS_STATE_ZOMBIE; state++)
        {
          gboolean any = FALSE;
          double h = state == FS_STATE_ZOMBIE ? ZOMBIE_HEIGHT : BAR_HEIGHT;
          for (guint k = 0; k < pt.segments->len; k++)
            {
              const Segment *seg = &g_array_index (pt.segments, Segment, k);
              if (seg->state != state)
                continue;
              cairo_rectangle (cr, seg->x0, y - h / 2, seg->x1 - seg->x0, h);
              any = TRUE;
            }
          if (any)
            {
              set_state_fill (&pt, state);
              cairo_fill (cr);
            }
        }
      for (guint k = 0; k < pt.segments->len; k++)
        {
          const Segment *seg = &g_array_index (pt.segments, Segment, k);
          if ((seg->state == FS_STATE_BLOCKED || seg->state == FS_STATE_STOPPED) && seg->x1 - seg->x0 >= 2)
            paint_segment_pattern (&pt, seg, y);
        }
    }
  for (guint r = pt.first_row; r < pt.last_row; r++)
    paint_lane_events (&pt, r, g_array_index (self->rows, FsProcessId, r));
  cairo_restore (cr);

  if (view->playhead_ns != FS_TIME_NONE && view->playhead_ns >= view->from_ns &&
      view->playhead_ns <= view->to_ns)
    {
      double x = round (tx (&pt, view->playhead_ns));
      cairo_save (cr);
      fs_palette_set_source (cr, &pt.pal->playhead, 1.0);
      cairo_set_line_width (cr, 2.0);
      cairo_move_to (cr, x, pt.py - AXIS_HEIGHT + 4);
      cairo_line_to (cr, x, pt.py + pt.ph);
      cairo_stroke (cr);
      cairo_move_to (cr, x - 5, pt.py - AXIS_HEIGHT + 2);
      cairo_line_to (cr, x + 5, pt.py - AXIS_HEIGHT + 2);
      cairo_line_to (cr, x, pt.py - AXIS_HEIGHT + 9);
      cairo_close_path (cr);
      cairo_fill (cr);
      cairo_restore (cr);
    }

  if (view->show_legend)
    paint_legend (&pt);

  g_array_unref (pt.segments);
  g_array_unref (pt.labels);
  fs_text_context_clear (&pt.tc);
  cairo_restore (cr);
}

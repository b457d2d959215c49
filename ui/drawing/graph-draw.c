/* graph-draw.c: the process graph at one instant.
 *
 * Painting order: edges, nodes, output lines, badges, then signal arrows on
 * top so a flying signal is never hidden.  Nodes outside the clip are
 * skipped and text is dropped when a node is smaller than ~9 px on screen
 * (level of detail), so a zoomed-out 10,000-process frame stays cheap. */
#include "graph-draw.h"
#include "draw-common.h"

#include <math.h>
#include <string.h>

#define PICTURE_MARGIN   24.0
#define TITLE_HEIGHT     52.0
#define LEGEND_ITEM_W   144.0
#define LEGEND_ROW_H     26.0
#define LEGEND_PAD       12.0
#define LEGEND_COLUMNS     5
#define OUTPUT_GAP        5.0

void
fs_graph_style_init (FsGraphStyle *style, FsTheme theme)
{
  memset (style, 0, sizeof *style);
  style->palette = fs_palette_get (theme);
  style->show_legend = TRUE;
  style->show_output = TRUE;
  style->show_time = TRUE;
  style->selected = FS_PROCESS_NONE;
  style->hovered = FS_PROCESS_NONE;
}

static const FsPalette *
style_palette (const FsGraphStyle *style)
{
  return style->palette != NULL ? style->palette : fs_palette_get (FS_THEME_LIGHT);
}

static double
title_height (const FsGraphStyle *style)
{
  return (style->title != NULL || style->show_time) ? TITLE_HEIGHT : 0.0;
}

void
fs_graph_legend_get_size (const FsGraphStyle *style, double *width, double *height)
{
  if (width != NULL)
    *width = LEGEND_COLUMNS * LEGEND_ITEM_W + 2 * LEGEND_PAD;
  if (height != NULL)
    *height = 2 * LEGEND_ROW_H + 2 * LEGEND_PAD;
}

void
fs_graph_get_size (FsGraphLayout *layout, const FsGraphStyle *style, double *width, double *height)
{
  double tw, th, lw = 0, lh = 0;
  fs_graph_layout_get_size (layout, &tw, &th);
  if (style->show_legend)
    {
      fs_graph_legend_get_size (style, &lw, &lh);
      lw += 2 * PICTURE_MARGIN;
      lh += PICTURE_MARGIN;
    }
  if (width != NULL)
    *width = ceil (MAX (tw, lw));
  if (height != NULL)
    *height = ceil (title_height (style) + th + lh);
}

void
fs_graph_get_tree_origin (FsGraphLayout *layout, const FsGraphStyle *style, double *x, double *y)
{
  if (x != NULL)
    *x = 0;
  if (y != NULL)
    *y = title_height (style);
}

static double
default_progress (FsTrace *trace, const FsSignalFlight *flight, gint64 t_ns)
{
  const FsEvent *send = fs_trace_event (trace, flight->send_index);
  if (flight->deliver_index == FS_EVENT_NONE)
    return 0.5;
  const FsEvent *deliver = fs_trace_event (trace, flight->deliver_index);
  gint64 span = deliver->t_ns - send->t_ns;
  if (span <= 0)
    return 1.0;
  return CLAMP ((double) (t_ns - send->t_ns) / (double) span, 0.0, 1.0);
}

static const char *
state_text (FsTrace *trace, const FsProcess *p, const FsProcessState *st, char *buf, gsize len)
{
  g_autofree char *status = NULL;
  switch (st->state)
    {
    case FS_STATE_RUNNING:
      return "running";
    case FS_STATE_BLOCKED:
      if (st->block_reason != FS_BLOCK_OTHER)
        {
          g_snprintf (buf, len, "blocked · %s", fs_block_reason_name (st->block_reason));
          return buf;
        }
      return "blocked";
    case FS_STATE_STOPPED:
      return "stopped";
    case FS_STATE_ZOMBIE:
    case FS_STATE_GONE:
      if (p->exit.kind == FS_EXIT_SIGNAL)
        {
          const char *sig = fs_signal_name (p->exit.value);
          g_snprintf (buf, len, "%s · %s%s", st->state == FS_STATE_ZOMBIE ? "zombie" : "killed",
                      sig != NULL ? sig : "signal", p->exit.core ? " (core)" : "");
        }
      else
        g_snprintf (buf, len, "%s · exit %d", st->state == FS_STATE_ZOMBIE ? "zombie" : "exited",
                    p->exit.value);
      return buf;
    default:
      return "not born yet";
    }
}

/* Point where the segment from the box centre towards (tx, ty) leaves the box. */
static void
box_exit_point (const FsGraphNode *n, double tx, double ty, double *ox, double *oy)
{
  double cx = n->x + n->width / 2, cy = n->y + n->height / 2;
  double dx = tx - cx, dy = ty - cy;
  double sx = fabs (dx) > 1e-9 ? (n->width / 2) / fabs (dx) : G_MAXDOUBLE;
  double sy = fabs (dy) > 1e-9 ? (n->height / 2) / fabs (dy) : G_MAXDOUBLE;
  double s = MIN (MIN (sx, sy), 1.0);
  *ox = cx + dx * s;
  *oy = cy + dy * s;
}

typedef struct { double x, y; } Point;

static Point
bezier_point (const Point p[4], double t)
{
  double u = 1 - t;
  Point r = {
    u * u * u * p[0].x + 3 * u * u * t * p[1].x + 3 * u * t * t * p[2].x + t * t * t * p[3].x,
    u * u * u * p[0].y + 3 * u * u * t * p[1].y + 3 * u * t * t * p[2].y + t * t * t * p[3].y,
  };
  return r;
}

static Point
bezier_tangent (const Point p[4], double t)
{
  double u = 1 - t;
  Point r = {
    3 * u * u * (p[1].x - p[0].x) + 6 * u * t * (p[2].x - p[1].x) + 3 * t * t * (p[3].x - p[2].x),
    3 * u * u * (p[1].y - p[0].y) + 6 * u * t * (p[2].y - p[1].y) + 3 * t * t * (p[3].y - p[2].y),
  };
  return r;
}

/* The first part [0, t] of a cubic (de Casteljau). */
static void
bezier_split (const Point p[4], double t, Point out[4])
{
  Point a = { p[0].x + (p[1].x - p[0].x) * t, p[0].y + (p[1].y - p[0].y) * t };
  Point b = { p[1].x + (p[2].x - p[1].x) * t, p[1].y + (p[2].y - p[1].y) * t };
  Point c = { p[2].x + (p[3].x - p[2].x) * t, p[2].y + (p[3].y - p[2].y) * t };
  Point d = { a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t };
  Point e = { b.x + (c.x - b.x) * t, b.y + (c.y - b.y) * t };
  out[0] = p[0];
  out[1] = a;
  out[2] = d;
  out[3] = bezier_point (p, t);
  (void) e;
}

/* The curve of a signal arrow between two boxes (a loop when they are the same). */
static void
signal_curve (const FsGraphNode *from, const FsGraphNode *to, Point p[4])
{
  if (from == to || (from->x == to->x && from->y == to->y))
    {
      p[0].x = from->x + from->width * 0.70; p[0].y = from->y;
      p[3].x = from->x + from->width * 0.40; p[3].y = from->y;
      p[1].x = p[0].x + 18; p[1].y = from->y - 46;
      p[2].x = p[3].x - 18; p[2].y = from->y - 46;
      return;
    }
  double fcx = from->x + from->width / 2, fcy = from->y + from->height / 2;
  double tcx = to->x + to->width / 2, tcy = to->y + to->height / 2;
  double ax, ay, bx, by;
  box_exit_point (from, tcx, tcy, &ax, &ay);
  box_exit_point (to, fcx, fcy, &bx, &by);
  double dx = bx - ax, dy = by - ay, len = hypot (dx, dy);
  if (len < 1e-6)
    len = 1e-6;
  /* Bulge to the left of the direction of travel: a reply takes the other
   * side, and the arrow clears the straight parent → child edge. */
  double bulge = CLAMP (len * 0.22, 22.0, 90.0);
  double nx = dy / len, ny = -dx / len;
  p[0].x = ax; p[0].y = ay;
  p[3].x = bx; p[3].y = by;
  p[1].x = ax + dx / 3 + nx * bulge; p[1].y = ay + dy / 3 + ny * bulge;
  p[2].x = ax + 2 * dx / 3 + nx * bulge; p[2].y = ay + 2 * dy / 3 + ny * bulge;
}

static void
path_curve (cairo_t *cr, const Point p[4])
{
  cairo_move_to (cr, p[0].x, p[0].y);
  cairo_curve_to (cr, p[1].x, p[1].y, p[2].x, p[2].y, p[3].x, p[3].y);
}

static void
draw_signal_arrow (FsTextContext *tc, const FsGraphNode *from, const FsGraphNode *to, int signo,
                   gboolean inferred, double progress, gboolean text)
{
  static const double dash[] = { 6.0, 4.0 };
  cairo_t *cr = tc->cr;
  const FsPalette *pal = tc->palette;
  const FsRgb *color = &pal->signal;
  Point p[4], part[4];
  char buf[16];

  signal_curve (from, to, p);
  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (inferred)
    cairo_set_dash (cr, dash, 2, 0);
  /* The whole route, faint, with its arrowhead. */
  cairo_set_line_width (cr, 1.4);
  fs_palette_set_source (cr, color, 0.40);
  path_curve (cr, p);
  cairo_stroke (cr);
  Point tan = bezier_tangent (p, 1.0);
  fs_draw_arrowhead (cr, p[3].x, p[3].y, tan.x, tan.y, 9.0);
  /* The part travelled so far, strong. */
  if (progress > 0.001)
    {
      bezier_split (p, progress, part);
      cairo_set_line_width (cr, 2.4);
      fs_palette_set_source (cr, color, 0.95);
      path_curve (cr, part);
      cairo_stroke (cr);
    }
  cairo_set_dash (cr, NULL, 0, 0);
  Point at = bezier_point (p, progress);
  cairo_new_path (cr);
  cairo_arc (cr, at.x, at.y, 5.0, 0, 2 * G_PI);
  fs_palette_set_source (cr, color, 1.0);
  cairo_fill_preserve (cr);
  fs_palette_set_source (cr, &pal->background, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  cairo_restore (cr);

  if (text)
    {
      /* A kernel signal's source is the "kernel" box itself. */
      g_autofree char *label = g_strdup_printf ("%s%s", fs_short_signal_name (signo, buf),
                                                inferred ? " (inferred)" : "");
      /* Label beside the moving dot, pushed off the curve along its normal. */
      Point tn = bezier_tangent (p, progress);
      double tl = hypot (tn.x, tn.y);
      double nx = tl > 1e-9 ? tn.y / tl : 0, ny = tl > 1e-9 ? -tn.x / tl : -1;
      if (ny > 0)
        {
          nx = -nx;
          ny = -ny;
        }
      tc->css_class = "fs-signal";
      fs_draw_pill (tc, FS_FONT_SMALL_BOLD, label, at.x + nx * 16, at.y + ny * 16,
                    color, &pal->signal_text, 1.0);
      tc->css_class = NULL;
    }
}

static void
draw_kernel_node (FsTextContext *tc, const FsGraphNode *k, gboolean text, double alpha)
{
  cairo_t *cr = tc->cr;
  const FsPalette *pal = tc->palette;
  double x = k->x, y = k->y, w = k->width, h = k->height, c = h / 2;
  cairo_save (cr);
  /* A hexagon: not a process. */
  cairo_move_to (cr, x + c, y);
  cairo_line_to (cr, x + w - c, y);
  cairo_line_to (cr, x + w, y + h / 2);
  cairo_line_to (cr, x + w - c, y + h);
  cairo_line_to (cr, x + c, y + h);
  cairo_line_to (cr, x, y + h / 2);
  cairo_close_path (cr);
  fs_palette_set_source (cr, &pal->surface, alpha);
  cairo_fill_preserve (cr);
  fs_palette_set_source (cr, &pal->kernel, alpha);
  cairo_set_line_width (cr, 1.6);
  cairo_stroke (cr);
  cairo_restore (cr);
  if (text)
    fs_text_draw (tc, FS_FONT_BOLD, "kernel", x + w / 2, y + h / 2 - 8, -1, FS_ALIGN_CENTER,
                  &pal->kernel, alpha);
}

static void
edge_curve (cairo_t *cr, double x1, double y1, double x2, double y2)
{
  double mx = (x1 + x2) / 2;
  cairo_move_to (cr, x1, y1);
  cairo_curve_to (cr, mx, y1, mx, y2, x2, y2);
}

static gboolean
visible_rect (const double clip[4], double x, double y, double w, double h)
{
  return x + w >= clip[0] && x <= clip[2] && y + h >= clip[1] && y <= clip[3];
}

void
fs_graph_draw_tree (cairo_t *cr, FsTrace *trace, FsGraphLayout *layout, gint64 t_ns,
                    const FsGraphStyle *style)
{
  const FsPalette *pal = style_palette (style);
  guint n = fs_trace_n_processes (trace);
  guint n_laid = 0;
  const FsProcessId *order = fs_graph_layout_get_processes (layout, &n_laid);
  g_autofree FsProcessState *states = g_new0 (FsProcessState, MAX (n, 1));
  FsTextContext tc;
  double clip[4];
  double sx = 1, sy = 0;
  char buf[128];

  fs_trace_states_at (trace, t_ns, states);
  cairo_clip_extents (cr, &clip[0], &clip[1], &clip[2], &clip[3]);
  /* Room for labels and badges that stick out of their boxes. */
  clip[0] -= 60; clip[1] -= 60; clip[2] += 60; clip[3] += 60;
  cairo_user_to_device_distance (cr, &sx, &sy);
  double device_scale = hypot (sx, sy);
  /* Level of detail: below ~0.6 only names are legible, below ~0.35 nothing. */
  gboolean text = device_scale >= 0.35;
  gboolean small_text = device_scale >= 0.6;
  gboolean detail = device_scale >= 0.18;

  fs_text_context_init (&tc, cr, pal);

  /* Edges. */
  cairo_save (cr);
  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < n_laid; i++)
    {
      FsProcessId id = order[i];
      FsGraphNode node, parent;
      fs_graph_layout_get_node (layout, id, &node);
      if (node.visible_parent == FS_PROCESS_NONE || node.in_grid)
        continue;
      if (states[id].state == FS_STATE_UNBORN && !style->show_unborn)
        continue;
      fs_graph_layout_get_node (layout, node.visible_parent, &parent);
      double x1 = parent.x + parent.width, y1 = parent.y + parent.height / 2;
      double x2 = node.x, y2 = node.y + node.height / 2;
      if (!visible_rect (clip, MIN (x1, x2), MIN (y1, y2), fabs (x2 - x1), fabs (y2 - y1)))
        continue;
      edge_curve (cr, x1, y1, x2, y2);
      fs_palette_set_source (cr, &pal->edge, states[id].state == FS_STATE_GONE ? 0.35 : 0.9);
      cairo_stroke (cr);

      /* An orphan: a dotted edge from its adopter once the parent is gone. */
      const FsProcess *p = fs_trace_process (trace, id);
      FsGraphNode adopter;
      if (p->reparented_to != FS_PROCESS_NONE &&
          fs_graph_layout_get_node (layout, p->reparented_to, &adopter) &&
          (states[node.visible_parent].state == FS_STATE_ZOMBIE ||
           states[node.visible_parent].state == FS_STATE_GONE) &&
          states[id].state != FS_STATE_GONE && states[id].state != FS_STATE_UNBORN)
        {
          static const double dots[] = { 1.5, 4.0 };
          cairo_save (cr);
          cairo_set_dash (cr, dots, 2, 0);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          cairo_set_line_width (cr, 2.0);
          double ax = adopter.x + adopter.width / 2, ay = adopter.y + adopter.height;
          cairo_move_to (cr, ax, ay);
          cairo_curve_to (cr, ax, (ay + y2) / 2, x2 - 40, y2, x2, y2 + 8);
          fs_palette_set_source (cr, &pal->selection, 0.8);
          cairo_stroke (cr);
          cairo_restore (cr);
          if (text)
            fs_text_draw (&tc, FS_FONT_SMALL, "adopted", x2 - 4, y2 + 10, -1, FS_ALIGN_RIGHT,
                          &pal->selection, 1.0);
        }
    }
  /* Grids of childless children: one bracket edge per grid. */
  for (guint i = 0; i < n_laid; i++)
    {
      double gx, gy, gw, gh;
      guint count;
      FsGraphNode parent;
      if (!fs_graph_layout_get_child_grid (layout, order[i], &gx, &gy, &gw, &gh, &count))
        continue;
      fs_graph_layout_get_node (layout, order[i], &parent);
      if (!visible_rect (clip, parent.x, MIN (parent.y, gy) - 20, gx + gw - parent.x, gh + 40))
        continue;
      gx -= 8; gy -= 22; gw += 16; gh += 30 + 8;
      edge_curve (cr, parent.x + parent.width, parent.y + parent.height / 2, gx, gy + gh / 2);
      fs_palette_set_source (cr, &pal->edge, 0.9);
      cairo_stroke (cr);
      fs_path_rounded_rect (cr, gx, gy, gw, gh, 10);
      fs_palette_set_source (cr, &pal->edge, 0.5);
      cairo_stroke (cr);
      if (text)
        {
          g_snprintf (buf, sizeof buf, "%u children of %s", count,
                      fs_trace_process_name (trace, order[i]));
          fs_text_draw (&tc, FS_FONT_SMALL, buf, gx + 10, gy + 4, gw - 20, FS_ALIGN_LEFT,
                        &pal->text_muted, 1.0);
        }
    }
  cairo_restore (cr);

  /* Nodes, their output lines and pending badges. */
  for (guint i = 0; i < n_laid; i++)
    {
      FsProcessId id = order[i];
      const FsProcessState *st = &states[id];
      const FsProcess *p = fs_trace_process (trace, id);
      FsGraphNode node;
      fs_graph_layout_get_node (layout, id, &node);
      if (!visible_rect (clip, node.x, node.y, node.width, node.height + 24))
        continue;
      if (st->state == FS_STATE_UNBORN && !style->show_unborn)
        continue;
      double alpha = st->state == FS_STATE_GONE ? 0.55 : st->state == FS_STATE_UNBORN ? 0.35 : 1.0;
      FsStateKind kind = st->state;

      if (!detail)
        {
          cairo_rectangle (cr, node.x, node.y, node.width, node.height);
          fs_palette_set_source (cr, &pal->state_stroke[kind], alpha);
          cairo_fill (cr);
          continue;
        }
      fs_draw_state_box (cr, pal, kind, node.x, node.y, node.width, node.height, alpha);
      if (id == style->selected || id == style->hovered)
        {
          cairo_save (cr);
          fs_path_state_box (cr, kind, node.x - 3.5, node.y - 3.5, node.width + 7, node.height + 7);
          fs_palette_set_source (cr, &pal->selection, id == style->selected ? 1.0 : 0.5);
          cairo_set_line_width (cr, 2.5);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
      fs_draw_state_glyph (cr, kind, node.x + 15, node.y + 15.5, 9.0, &pal->state_stroke[kind], alpha);
      if (!text)
        continue;

      double pid_w = 0;
      if (small_text)
        {
          g_snprintf (buf, sizeof buf, "%d", p->pid);
          pid_w = fs_text_draw (&tc, FS_FONT_SMALL, buf, node.x + node.width - 10, node.y + 8.5,
                                -1, FS_ALIGN_RIGHT, &pal->text_muted, alpha);
        }
      tc.css_class = "fs-process-name";
      fs_text_draw (&tc, FS_FONT_BOLD, fs_trace_process_name (trace, id), node.x + 27, node.y + 6.5,
                    node.width - 27 - pid_w - 16, FS_ALIGN_LEFT, &pal->text, alpha);
      tc.css_class = "fs-process-state";
      if (small_text)
        fs_text_draw (&tc, FS_FONT_BODY, state_text (trace, p, st, buf, sizeof buf), node.x + 27,
                    node.y + 26, node.width - 36, FS_ALIGN_LEFT, &pal->state_stroke[kind],
                    MIN (1.0, alpha + 0.1));
      tc.css_class = NULL;

      if (style->show_output && small_text && st->last_output != FS_EVENT_NONE)
        {
          const FsEvent *ev = fs_trace_event (trace, st->last_output);
          g_autofree char *line = g_strdup_printf ("› %s", fs_trace_string (trace, ev->u.output.text));
          fs_text_draw (&tc, FS_FONT_MONO, line, node.x + 4, node.y + node.height + OUTPUT_GAP,
                        node.in_grid ? node.width : node.width + 52, FS_ALIGN_LEFT, &pal->output,
                        st->state == FS_STATE_GONE ? 0.6 : 1.0);
        }

      if (st->pending != 0 && st->state != FS_STATE_GONE)
        {
          /* Badges along the top edge from the left (arrows from children
           * arrive on the right). */
          double bx = node.x + 10;
          guint shown = 0, total = (guint) __builtin_popcountll (st->pending);
          for (int sig = FS_SIGNAL_MAX; sig >= 1; sig--)
            {
              if (!(st->pending & (G_GUINT64_CONSTANT (1) << (sig - 1))))
                continue;
              char sb[16], label[32];
              if (shown == 2 && total > 3)
                g_snprintf (label, sizeof label, "+%u", total - shown);
              else
                g_snprintf (label, sizeof label, "%s", fs_short_signal_name (sig, sb));
              double w, h;
              fs_text_measure (&tc, FS_FONT_SMALL_BOLD, label, &w, &h);
              double pw = w + 10;
              fs_draw_pill (&tc, FS_FONT_SMALL_BOLD, label, bx + pw / 2, node.y, &pal->signal,
                            &pal->signal_text, 1.0);
              bx += pw + 4;
              if (++shown == 3)
                break;
            }
        }
    }

  /* Signals in flight, on top. */
  FsGraphNode kernel;
  gboolean has_kernel = fs_graph_layout_get_kernel_node (layout, &kernel);
  g_autoptr(GArray) flights = fs_trace_signals_in_flight (trace, t_ns);
  if (has_kernel && visible_rect (clip, kernel.x, kernel.y, kernel.width, kernel.height))
    {
      /* Its place is kept for stability, but it only stands out while it sends. */
      gboolean sending = FALSE;
      for (guint i = 0; flights != NULL && i < flights->len && !sending; i++)
        sending = fs_trace_event (trace, g_array_index (flights, FsSignalFlight, i).send_index)->process
                  == FS_PROCESS_KERNEL;
      draw_kernel_node (&tc, &kernel, text, sending ? 1.0 : 0.3);
    }
  for (guint i = 0; flights != NULL && i < flights->len; i++)
    {
      const FsSignalFlight *f = &g_array_index (flights, FsSignalFlight, i);
      FsSignalArrow arrow;
      FsGraphNode from, to;
      if (!fs_export_signal_arrow (trace, f->send_index, &arrow))
        continue;
      if (arrow.receiver == FS_PROCESS_NONE || !fs_graph_layout_get_node (layout, arrow.receiver, &to))
        continue;
      if (arrow.sender == FS_PROCESS_KERNEL)
        {
          if (!has_kernel)
            continue;
          from = kernel;
        }
      else if (!fs_graph_layout_get_node (layout, arrow.sender, &from))
        continue;
      double progress = style->signal_progress != NULL
        ? style->signal_progress (trace, f, t_ns, style->signal_progress_data)
        : default_progress (trace, f, t_ns);
      draw_signal_arrow (&tc, &from, &to, arrow.signo, arrow.inferred, CLAMP (progress, 0.0, 1.0), text);
    }
  fs_text_context_clear (&tc);
}

static void
legend_swatch_label_at (FsTextContext *tc, double x, double y, double offset, const char *label)
{
  fs_text_draw (tc, FS_FONT_BODY, label, x + offset, y + LEGEND_ROW_H / 2 - 7.5,
                LEGEND_ITEM_W - offset - 4, FS_ALIGN_LEFT, &tc->palette->text, 1.0);
}

static void
legend_swatch_label (FsTextContext *tc, double x, double y, const char *label)
{
  legend_swatch_label_at (tc, x, y, 40, label);
}

void
fs_graph_draw_legend (cairo_t *cr, const FsGraphStyle *style, double x, double y)
{
  static const struct { FsStateKind state; const char *label; } states[] = {
    { FS_STATE_RUNNING, "running" },
    { FS_STATE_BLOCKED, "blocked" },
    { FS_STATE_STOPPED, "stopped" },
    { FS_STATE_ZOMBIE, "zombie" },
    { FS_STATE_GONE, "reaped" },
  };
  const FsPalette *pal = style_palette (style);
  FsTextContext tc;
  double w, h;

  fs_graph_legend_get_size (style, &w, &h);
  fs_text_context_init (&tc, cr, pal);
  cairo_save (cr);
  fs_path_rounded_rect (cr, x, y, w, h, 10);
  fs_palette_set_source (cr, &pal->surface, 1.0);
  cairo_fill_preserve (cr);
  fs_palette_set_source (cr, &pal->grid, 1.0);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  double row1 = y + LEGEND_PAD, row2 = row1 + LEGEND_ROW_H;
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      double ix = x + LEGEND_PAD + i * LEGEND_ITEM_W;
      double alpha = states[i].state == FS_STATE_GONE ? 0.55 : 1.0;
      fs_draw_state_box (cr, pal, states[i].state, ix + 2, row1 + 4, 32, 18, alpha);
      fs_draw_state_glyph (cr, states[i].state, ix + 18, row1 + 13, 8, &pal->state_stroke[states[i].state], alpha);
      legend_swatch_label (&tc, ix, row1, states[i].label);
    }

  /* Second row: edges, signals, badges, the kernel. */
  double ix = x + LEGEND_PAD, cy = row2 + LEGEND_ROW_H / 2;
  cairo_set_line_width (cr, 1.5);
  fs_palette_set_source (cr, &pal->edge, 1.0);
  cairo_move_to (cr, ix + 2, cy);
  cairo_line_to (cr, ix + 34, cy);
  cairo_stroke (cr);
  legend_swatch_label (&tc, ix, row2, "parent → child");

  ix += LEGEND_ITEM_W;
  fs_palette_set_source (cr, &pal->signal, 1.0);
  cairo_set_line_width (cr, 2.4);
  cairo_move_to (cr, ix + 2, cy);
  cairo_line_to (cr, ix + 26, cy);
  cairo_stroke (cr);
  fs_draw_arrowhead (cr, ix + 35, cy, 1, 0, 9);
  legend_swatch_label (&tc, ix, row2, "signal in flight");

  ix += LEGEND_ITEM_W;
  {
    static const double dash[] = { 6.0, 4.0 };
    cairo_save (cr);
    cairo_set_dash (cr, dash, 2, 0);
    cairo_set_line_width (cr, 2.0);
    cairo_move_to (cr, ix + 2, cy);
    cairo_line_to (cr, ix + 26, cy);
    cairo_stroke (cr);
    cairo_restore (cr);
    fs_palette_set_source (cr, &pal->signal, 1.0);
    fs_draw_arrowhead (cr, ix + 35, cy, 1, 0, 9);
    legend_swatch_label (&tc, ix, row2, "inferred pairing");
  }

  ix += LEGEND_ITEM_W;
  fs_draw_pill (&tc, FS_FONT_SMALL_BOLD, "CONT", ix + 20, cy, &pal->signal, &pal->signal_text, 1.0);
  legend_swatch_label_at (&tc, ix, row2, 48, "pending signal");

  ix += LEGEND_ITEM_W;
  fs_text_draw (&tc, FS_FONT_MONO, "› …", ix + 6, cy - 7, -1, FS_ALIGN_LEFT, &pal->output, 1.0);
  legend_swatch_label (&tc, ix, row2, "last output");
  cairo_restore (cr);
  fs_text_context_clear (&tc);
}

void
fs_graph_draw (cairo_t *cr, FsTrace *trace, FsGraphLayout *layout, gint64 t_ns,
               const FsGraphStyle *style)
{
  const FsPalette *pal = style_palette (style);
  double width, height, tree_h;

  fs_graph_get_size (layout, style, &width, &height);
  fs_graph_layout_get_size (layout, NULL, &tree_h);

  cairo_save (cr);
  fs_palette_set_source (cr, &pal->background, 1.0);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  double top = title_height (style);
  if (top > 0)
    {
      FsTextContext tc;
      fs_text_context_init (&tc, cr, pal);
      double time_w = 0;
      if (style->show_time)
        {
          g_autofree char *t = fs_export_format_time (t_ns);
          g_autofree char *label = g_strdup_printf ("t = %s", t);
          time_w = fs_text_draw (&tc, FS_FONT_BOLD, label, width - PICTURE_MARGIN, 20, -1,
                                 FS_ALIGN_RIGHT, &pal->text_muted, 1.0);
        }
      if (style->title != NULL)
        fs_text_draw (&tc, FS_FONT_TITLE, style->title, PICTURE_MARGIN, 16,
                      width - 2 * PICTURE_MARGIN - time_w - 16, FS_ALIGN_LEFT, &pal->text, 1.0);
      cairo_set_line_width (cr, 1.0);
      fs_palette_set_source (cr, &pal->grid, 1.0);
      cairo_move_to (cr, PICTURE_MARGIN, top - 0.5);
      cairo_line_to (cr, width - PICTURE_MARGIN, top - 0.5);
      cairo_stroke (cr);
      fs_text_context_clear (&tc);
    }

  cairo_save (cr);
  cairo_translate (cr, 0, top);
  fs_graph_draw_tree (cr, trace, layout, t_ns, style);
  cairo_restore (cr);

  if (style->show_legend)
    fs_graph_draw_legend (cr, style, PICTURE_MARGIN, top + tree_h);
  cairo_restore (cr);
}

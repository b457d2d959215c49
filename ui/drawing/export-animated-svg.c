/* export-animated-svg.c: the graph's timeline as one self-contained SVG that
 * plays in a browser with SMIL animation and no script.
 *
 * Written by hand rather than through cairo, because cairo cannot emit
 * animation.  Geometry comes from the same graph layout and colours from the
 * same palette as the still pictures.  Every process has one <g
 * class="fs-node-state"> per state it passes through (born, blocked, stopped,
 * zombie, reaped, …), each made visible by exactly one <set> for the span of
 * that state — one animation per process state change.  Signals fly along
 * their arrows with <animateMotion>.  Everything hangs off one clock element
 * that restarts itself, so the animation loops; each <set> has a duration
 * ending at its state's end, so a restart shows the beginning again. */
#include "export-image.h"
#include "graph-layout.h"
#include "palette.h"

#include <math.h>
#include <string.h>

#define TITLE_H 52.0

void
fs_animation_options_init (FsAnimationOptions *options)
{
  memset (options, 0, sizeof *options);
  options->seconds_per_step = 0.6;
  options->max_gap_s = 2.0;
  options->hold_end_s = 2.0;
  options->from_ns = FS_TIME_NONE;
  options->to_ns = FS_TIME_NONE;
}

static void
append_rgb (GString *s, const FsRgb *c)
{
  g_string_append_printf (s, "#%02x%02x%02x", (int) lround (c->r * 255), (int) lround (c->g * 255),
                          (int) lround (c->b * 255));
}

static void
append_escaped (GString *s, const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autofree char *escaped = g_markup_escape_text (valid, -1);
  g_string_append (s, escaped);
}

/* Maps trace time to screen seconds. */
typedef struct {
  GArray *times;    /* gint64, sorted, distinct: the instants something changes */
  GArray *screen;   /* double: their screen times */
  double  total;    /* loop length */
} Timeline;

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static double
screen_time (const Timeline *tl, gint64 t)
{
  guint n = tl->times->len;
  const gint64 *times = (const gint64 *) (gpointer) tl->times->data;
  const double *sc = (const double *) (gpointer) tl->screen->data;
  if (n == 0)
    return 0;
  if (t <= times[0])
    return sc[0];
  if (t >= times[n - 1])
    return sc[n - 1];
  guint lo = 0, hi = n - 1;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (times[mid] <= t)
        lo = mid;
      else
        hi = mid;
    }
  return t == times[hi] ? sc[hi] : sc[lo];
}

typedef struct {
  guint8 state;
  guint8 reason;
  gint64 from;
} Span;

static const char *
state_label (FsTrace *trace, const FsProcess *p, guint8 state, guint8 reason, char *buf, gsize len)
{
  switch (state)
    {
    case FS_STATE_RUNNING: return "running";
    case FS_STATE_BLOCKED:
      g_snprintf (buf, len, "blocked · %s", fs_block_reason_name (reason));
      return buf;
    case FS_STATE_STOPPED: return "stopped";
    case FS_STATE_ZOMBIE:
    case FS_STATE_GONE:
      if (p->exit.kind == FS_EXIT_SIGNAL)
        {
          const char *sig = fs_signal_name (p->exit.value);
          g_snprintf (buf, len, "%s · %s", state == FS_STATE_ZOMBIE ? "zombie" : "killed",
                      sig != NULL ? sig : "signal");
        }
      else
        g_snprintf (buf, len, "%s · exit %d", state == FS_STATE_ZOMBIE ? "zombie" : "exited",
                    p->exit.value);
      return buf;
    default:
      return "";
    }
}

static void
append_node (GString *s, FsTrace *trace, const FsPalette *pal, FsProcessId id,
             const FsGraphNode *n, guint8 state, guint8 reason)
{
  const FsProcess *p = fs_trace_process (trace, id);
  char buf[96];
  double x = n->x, y = n->y + TITLE_H, w = n->width, h = n->height;
  double opacity = state == FS_STATE_GONE ? 0.55 : 1.0;

  g_string_append_printf (s, "<g opacity=\"%.2f\">", opacity);
  if (state == FS_STATE_ZOMBIE)
    {
      double c = 9;
      g_string_append_printf (s, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f "
                              "%.1f,%.1f %.1f,%.1f %.1f,%.1f\"",
                              x + c, y, x + w - c, y, x + w, y + c, x + w, y + h - c,
                              x + w - c, y + h, x + c, y + h, x, y + h - c, x, y + c);
    }
  else
    g_string_append_printf (s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.1f\"",
                            x, y, w, h, state == FS_STATE_STOPPED ? 1.5 : state == FS_STATE_GONE ? h / 2 : 8.0);
  g_string_append (s, " fill=\"");
  if (state == FS_STATE_STOPPED)
    g_string_append (s, "url(#fs-hatch)");
  else
    append_rgb (s, &pal->state_fill[state]);
  g_string_append (s, "\" stroke=\"");
  append_rgb (s, &pal->state_stroke[state]);
  g_string_append_printf (s, "\" stroke-width=\"%s\"%s/>",
                          state == FS_STATE_GONE ? "1" : state == FS_STATE_RUNNING || state == FS_STATE_BLOCKED ? "1.6" : "2",
                          state == FS_STATE_BLOCKED ? " stroke-dasharray=\"5 3\""
                          : state == FS_STATE_ZOMBIE ? " stroke-dasharray=\"1.2 2.8\" stroke-linecap=\"round\"" : "");
  /* Glyph. */
  double gx = x + 15, gy = y + 15.5;
  g_string_append (s, "<g fill=\"");
  append_rgb (s, &pal->state_stroke[state]);
  g_string_append (s, "\" stroke=\"");
  append_rgb (s, &pal->state_stroke[state]);
  g_string_append (s, "\" stroke-width=\"0\">");
  switch (state)
    {
    case FS_STATE_RUNNING:
      g_string_append_printf (s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.6\"/>", gx, gy);
      break;
    case FS_STATE_BLOCKED:
      g_string_append_printf (s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"2.5\" height=\"9\"/>"
                              "<rect x=\"%.1f\" y=\"%.1f\" width=\"2.5\" height=\"9\"/>",
                              gx - 3.6, gy - 4.5, gx + 1.1, gy - 4.5);
      break;
    case FS_STATE_STOPPED:
      g_string_append_printf (s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7.2\" height=\"7.2\"/>", gx - 3.6, gy - 3.6);
      break;
    case FS_STATE_ZOMBIE:
      g_string_append_printf (s, "<path d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\" stroke-width=\"2\" "
                              "stroke-linecap=\"round\"/>",
                              gx - 3.4, gy - 3.4, gx + 3.4, gy + 3.4, gx + 3.4, gy - 3.4, gx - 3.4, gy + 3.4);
      break;
    default:
      g_string_append_printf (s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.2\" fill=\"none\" stroke-width=\"1.5\"/>", gx, gy);
      break;
    }
  g_string_append (s, "</g>");
  g_string_append_printf (s, "<text x=\"%.1f\" y=\"%.1f\" class=\"fs-name\">", x + 27, y + 19);
  append_escaped (s, fs_trace_process_name (trace, id));
  g_string_append_printf (s, "</text><text x=\"%.1f\" y=\"%.1f\" class=\"fs-pid\" text-anchor=\"end\">%d</text>",
                          x + w - 10, y + 18, p->pid);
  g_string_append_printf (s, "<text x=\"%.1f\" y=\"%.1f\" class=\"fs-state\" fill=\"", x + 27, y + 37);
  append_rgb (s, &pal->state_stroke[state]);
  g_string_append (s, "\">");
  append_escaped (s, state_label (trace, p, state, reason, buf, sizeof buf));
  g_string_append (s, "</text></g>");
}

static void
append_set (GString *s, double begin, double dur)
{
  g_string_append_printf (s, "<set attributeName=\"visibility\" to=\"visible\" begin=\"clock.begin+%.3fs\" "
                          "dur=\"%.3fs\"/>", begin, MAX (dur, 0.001));
}

GBytes *
fs_export_animated_svg_bytes (FsTrace *trace, const FsImageOptions *options,
                              const FsAnimationOptions *animation, GError **error)
{
  FsImageOptions io_defaults;
  FsAnimationOptions ao_defaults;
  FsGraphLayoutOptions lo;
  guint n = fs_trace_n_processes (trace);
  gsize n_events = fs_trace_n_events (trace);
  double tree_w, tree_h;
  Timeline tl;

  if (options == NULL)
    {
      fs_image_options_init (&io_defaults);
      options = &io_defaults;
    }
  if (animation == NULL)
    {
      fs_animation_options_init (&ao_defaults);
      animation = &ao_defaults;
    }
  const FsPalette *pal = fs_palette_get (options->theme);
  gint64 from = animation->from_ns != FS_TIME_NONE ? animation->from_ns : 0;
  gint64 to = animation->to_ns != FS_TIME_NONE ? animation->to_ns : fs_trace_duration (trace);
  g_autofree char *title = options->title != NULL ? g_strdup (options->title) : fs_trace_default_title (trace);

  fs_graph_layout_options_init (&lo);
  lo.include_hidden = options->include_hidden;
  lo.processes = options->processes;
  lo.n_processes = options->n_processes;
  g_autoptr(FsGraphLayout) layout = fs_graph_layout_new (trace, &lo);
  fs_graph_layout_get_size (layout, &tree_w, &tree_h);
  double width = MAX (tree_w, 560), height = tree_h + TITLE_H + 30;

  /* Key instants: every event time in the window that changes the picture. */
  tl.times = g_array_new (FALSE, FALSE, sizeof (gint64));
  tl.screen = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_val (tl.times, from);
  for (gsize i = 0; i < n_events; i++)
    {
      const FsEvent *ev = fs_trace_event (trace, i);
      if (ev->t_ns < from || ev->t_ns > to)
        continue;
      switch (ev->kind)
        {
        case FS_EVENT_FORK: case FS_EVENT_EXIT: case FS_EVENT_REAP: case FS_EVENT_BLOCK:
        case FS_EVENT_UNBLOCK: case FS_EVENT_STOP: case FS_EVENT_CONTINUE:
        case FS_EVENT_SIGNAL_SEND: case FS_EVENT_SIGNAL_DELIVER: case FS_EVENT_OUTPUT:
          g_array_append_val (tl.times, ev->t_ns);
          break;
        default:
          break;
        }
    }
  g_array_sort (tl.times, compare_gint64);
  {
    guint w = 0;
    gint64 *t = (gint64 *) (gpointer) tl.times->data;
    for (guint i = 0; i < tl.times->len; i++)
      if (w == 0 || t[w - 1] != t[i])
        t[w++] = t[i];
    g_array_set_size (tl.times, w);
    double acc = 0.3;
    for (guint i = 0; i < w; i++)
      {
        if (i > 0)
          acc += animation->real_time
            ? MIN ((double) (t[i] - t[i - 1]) / 1e9, animation->max_gap_s)
            : animation->seconds_per_step;
        g_array_append_val (tl.screen, acc);
      }
    tl.total = acc + MAX (animation->hold_end_s, 0.5);
  }

  GString *s = g_string_sized_new (1 << 16);
  g_string_append_printf (s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                          "viewBox=\"0 0 %.0f %.0f\" font-family=\"Cantarell, Inter, DejaVu Sans, sans-serif\">\n",
                          width, height, width, height);
  g_string_append (s, "<title>");
  append_escaped (s, title);
  g_string_append (s, "</title>\n<style>\n"
                   ".fs-name{font-size:12.5px;font-weight:bold}\n"
                   ".fs-pid,.fs-state{font-size:10.5px}\n"
                   ".fs-out{font-size:10.5px;font-family:'DejaVu Sans Mono',monospace}\n"
                   ".fs-sig{font-size:10px;font-weight:bold}\n</style>\n<defs>"
                   "<pattern id=\"fs-hatch\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" "
                   "patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"");
  append_rgb (s, &pal->state_fill[FS_STATE_STOPPED]);
  g_string_append (s, "\"/><rect width=\"1.3\" height=\"7\" fill=\"");
  append_rgb (s, &pal->state_stroke[FS_STATE_STOPPED]);
  g_string_append (s, "\" fill-opacity=\"0.3\"/></pattern>"
                   "<marker id=\"fs-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                   "markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"");
  append_rgb (s, &pal->signal);
  g_string_append (s, "\"/></marker></defs>\n");
  g_string_append_printf (s, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"", width, height);
  append_rgb (s, &pal->background);
  g_string_append (s, "\"/>\n");
  /* The clock: restarts itself, so everything loops. */
  g_string_append_printf (s, "<rect width=\"0\" height=\"0\"><animate id=\"clock\" attributeName=\"x\" "
                          "from=\"0\" to=\"0\" begin=\"0s;clock.end\" dur=\"%.3fs\"/></rect>\n", tl.total);
  g_string_append (s, "<text x=\"24\" y=\"32\" font-size=\"17\" font-weight=\"bold\" fill=\"");
  append_rgb (s, &pal->text);
  g_string_append (s, "\">");
  append_escaped (s, title);
  g_string_append (s, "</text>\n");
  /* A progress bar for the playhead. */
  g_string_append_printf (s, "<rect x=\"24\" y=\"%.0f\" width=\"%.0f\" height=\"3\" rx=\"1.5\" fill=\"",
                          TITLE_H - 8, width - 48);
  append_rgb (s, &pal->grid);
  g_string_append_printf (s, "\"/><rect x=\"24\" y=\"%.0f\" width=\"0\" height=\"3\" rx=\"1.5\" fill=\"",
                          TITLE_H - 8);
  append_rgb (s, &pal->selection);
  g_string_append_printf (s, "\"><animate attributeName=\"width\" from=\"0\" to=\"%.0f\" "
                          "begin=\"clock.begin\" dur=\"%.3fs\" fill=\"freeze\"/></rect>\n",
                          width - 48, tl.screen->len > 0 ? g_array_index (tl.screen, double, tl.screen->len - 1) + 0.001 : 0.001);

  guint n_laid = 0;
  const FsProcessId *order = fs_graph_layout_get_processes (layout, &n_laid);

  /* Edges: appear at the child's birth. */
  g_string_append (s, "<g fill=\"none\" stroke=\"");
  append_rgb (s, &pal->edge);
  g_string_append (s, "\" stroke-width=\"1.5\">\n");
  for (guint i = 0; i < n_laid; i++)
    {
      FsGraphNode node, parent;
      fs_graph_layout_get_node (layout, order[i], &node);
      if (node.visible_parent == FS_PROCESS_NONE)
        continue;
      const FsProcess *p = fs_trace_process (trace, order[i]);
      gint64 end = p->reap_ns != FS_TIME_NONE ? p->reap_ns : to;
      if (p->start_ns > to || end < from)
        continue;
      fs_graph_layout_get_node (layout, node.visible_parent, &parent);
      double x1 = parent.x + parent.width, y1 = parent.y + parent.height / 2 + TITLE_H;
      double x2 = node.x, y2 = node.y + node.height / 2 + TITLE_H, mx = (x1 + x2) / 2;
      double b = screen_time (&tl, MAX (p->start_ns, from));
      g_string_append_printf (s, "<path visibility=\"hidden\" d=\"M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f\">",
                              x1, y1, mx, y1, mx, y2, x2, y2);
      append_set (s, b, tl.total - b);
      g_string_append (s, "</path>\n");
    }
  g_string_append (s, "</g>\n");

  /* Nodes: one group per state span. */
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  for (guint i = 0; i < n_laid; i++)
    {
      FsProcessId id = order[i];
      FsGraphNode node;
      FsProcessState st;
      guint n_ev = 0;
      const guint32 *evs = fs_trace_process_events (trace, id, &n_ev);

      if (options->progress != NULL && (i & 255) == 0)
        options->progress (0.8 * i / MAX (n_laid, 1), options->progress_data);
      fs_graph_layout_get_node (layout, id, &node);
      g_array_set_size (spans, 0);
      fs_trace_process_state_at (trace, id, from, &st);
      if (st.state != FS_STATE_UNBORN)
        {
          Span sp = { st.state, st.block_reason, from };
          g_array_append_val (spans, sp);
        }
      for (guint k = 0; k < n_ev; k++)
        {
          gint64 t = fs_trace_event (trace, evs[k])->t_ns;
          if (t <= from || t > to)
            continue;
          fs_trace_process_state_at (trace, id, t, &st);
          Span *last = spans->len > 0 ? &g_array_index (spans, Span, spans->len - 1) : NULL;
          if (st.state == FS_STATE_UNBORN)
            continue;
          if (last != NULL && last->state == st.state &&
              (st.state != FS_STATE_BLOCKED || last->reason == st.block_reason))
            continue;
          if (last != NULL && last->from == t)
            {
              last->state = st.state;
              last->reason = st.block_reason;
              continue;
            }
          Span sp = { st.state, st.block_reason, t };
          g_array_append_val (spans, sp);
        }
      for (guint k = 0; k < spans->len; k++)
        {
          const Span *sp = &g_array_index (spans, Span, k);
          double b = screen_time (&tl, sp->from);
          double e = k + 1 < spans->len ? screen_time (&tl, g_array_index (spans, Span, k + 1).from) : tl.total;
          g_string_append_printf (s, "<g class=\"fs-node-state\" data-process=\"%u\" data-state=\"%s\" "
                                  "visibility=\"hidden\">", id, fs_state_name (sp->state));
          append_set (s, b, e - b);
          append_node (s, trace, pal, id, &node, sp->state, sp->reason);
          g_string_append (s, "</g>\n");
        }
    }

  /* Output lines: each visible until the process's next line. */
  g_autofree gsize *last_out = g_new (gsize, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    last_out[i] = FS_EVENT_NONE;
  gsize n_outputs = 0;
  for (gsize i = 0; i <= n_events && n_outputs < 20000; i++)
    {
      const FsEvent *ev = i < n_events ? fs_trace_event (trace, i) : NULL;
      gboolean flush_all = ev == NULL;
      if (!flush_all && (ev->kind != FS_EVENT_OUTPUT || ev->t_ns < from || ev->t_ns > to ||
                         ev->process >= n || !fs_graph_layout_get_node (layout, ev->process, NULL)))
        continue;
      for (guint p = 0; p < n; p++)
        {
          if (!flush_all && p != ev->process)
            continue;
          if (last_out[p] == FS_EVENT_NONE)
            continue;
          FsGraphNode node;
          fs_graph_layout_get_node (layout, p, &node);
          const FsEvent *prev = fs_trace_event (trace, last_out[p]);
          double b = screen_time (&tl, prev->t_ns);
          double e = flush_all ? tl.total : screen_time (&tl, ev->t_ns);
          g_string_append_printf (s, "<text class=\"fs-out\" visibility=\"hidden\" x=\"%.1f\" y=\"%.1f\" fill=\"",
                                  node.x + 4, node.y + node.height + TITLE_H + 15);
          append_rgb (s, &pal->output);
          g_string_append (s, "\">");
          append_set (s, b, e - b);
          g_string_append (s, "› ");
          const char *text = fs_trace_string (trace, prev->u.output.text);
          g_autofree char *cut = g_utf8_strlen (text, -1) > 44 ? g_strdup_printf ("%.*s…", (int) (g_utf8_offset_to_pointer (text, 43) - text), text) : g_strdup (text);
          append_escaped (s, cut);
          g_string_append (s, "</text>\n");
          last_out[p] = FS_EVENT_NONE;
          n_outputs++;
        }
      if (!flush_all)
        {
          last_out[ev->process] = i;
        }
    }

  /* Signals: an arrow shown from send to delivery, a dot + label flying along it. */
  FsGraphNode kernel;
  gboolean has_kernel = fs_graph_layout_get_kernel_node (layout, &kernel);
  for (gsize i = 0; i < n_events; i++)
    {
      FsSignalArrow arrow;
      FsGraphNode a, b;
      if (!fs_export_signal_arrow (trace, i, &arrow) || arrow.send_index == FS_EVENT_NONE)
        continue;
      if (arrow.send_ns < from || arrow.send_ns > to || arrow.receiver == FS_PROCESS_NONE ||
          !fs_graph_layout_get_node (layout, arrow.receiver, &b))
        continue;
      if (arrow.sender == FS_PROCESS_KERNEL)
        {
          if (!has_kernel)
            continue;
          a = kernel;
        }
      else if (!fs_graph_layout_get_node (layout, arrow.sender, &a))
        continue;
      double t0 = screen_time (&tl, arrow.send_ns);
      double t1 = arrow.deliver_ns != FS_TIME_NONE ? screen_time (&tl, arrow.deliver_ns) : tl.total;
      if (t1 - t0 < 0.25)
        t1 = t0 + 0.25;
      double ax = a.x + a.width / 2, ay = a.y + a.height / 2 + TITLE_H;
      double bx = b.x + b.width / 2, by = b.y + b.height / 2 + TITLE_H;
      double dx = bx - ax, dy = by - ay, len = hypot (dx, dy);
      double c1x, c1y, c2x, c2y;
      if (len < 1)
        {
          /* Self: a loop above the box. */
          ax = a.x + a.width * 0.7; ay = a.y + TITLE_H;
          bx = a.x + a.width * 0.4; by = ay;
          c1x = ax + 18; c1y = ay - 46; c2x = bx - 18; c2y = by - 46;
        }
      else
        {
          /* Trim to the box edges roughly: start/end a bit inside the boxes' borders. */
          double ta = MIN ((a.width / 2) / MAX (fabs (dx), 1e-9), (a.height / 2) / MAX (fabs (dy), 1e-9));
          double tb = MIN ((b.width / 2) / MAX (fabs (dx), 1e-9), (b.height / 2) / MAX (fabs (dy), 1e-9));
          ax += dx * MIN (ta, 0.5); ay += dy * MIN (ta, 0.5);
          bx -= dx * MIN (tb, 0.5); by -= dy * MIN (tb, 0.5);
          dx = bx - ax; dy = by - ay; len = MAX (hypot (dx, dy), 1e-6);
          double bulge = CLAMP (len * 0.22, 22.0, 90.0), nx = dy / len, ny = -dx / len;
          c1x = ax + dx / 3 + nx * bulge; c1y = ay + dy / 3 + ny * bulge;
          c2x = ax + 2 * dx / 3 + nx * bulge; c2y = ay + 2 * dy / 3 + ny * bulge;
        }
      g_autofree char *path = g_strdup_printf ("M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f",
                                               ax, ay, c1x, c1y, c2x, c2y, bx, by);
      const char *name = fs_signal_name (arrow.signo);
      g_string_append_printf (s, "<g class=\"fs-signal\" visibility=\"hidden\">");
      append_set (s, t0, t1 - t0);
      g_string_append_printf (s, "<path d=\"%s\" fill=\"none\" stroke=\"", path);
      append_rgb (s, &pal->signal);
      g_string_append_printf (s, "\" stroke-width=\"1.6\" stroke-opacity=\"0.6\" marker-end=\"url(#fs-arrow)\"%s/>",
                              arrow.inferred ? " stroke-dasharray=\"6 4\"" : "");
      g_string_append (s, "<g><circle r=\"5\" fill=\"");
      append_rgb (s, &pal->signal);
      g_string_append (s, "\" stroke=\"");
      append_rgb (s, &pal->background);
      g_string_append (s, "\" stroke-width=\"1.5\"/><text class=\"fs-sig\" x=\"8\" y=\"-8\" fill=\"");
      append_rgb (s, &pal->signal);
      g_string_append (s, "\">");
      append_escaped (s, name != NULL ? name : "?");
      if (arrow.inferred)
        g_string_append (s, " (inferred)");
      g_string_append_printf (s, "</text><animateMotion path=\"%s\" begin=\"clock.begin+%.3fs\" dur=\"%.3fs\" "
                              "fill=\"freeze\"/></g></g>\n", path, t0, t1 - t0);
    }
  if (has_kernel)
    {
      double x = kernel.x, y = kernel.y + TITLE_H, w = kernel.width, h = kernel.height, c = h / 2;
      g_string_append_printf (s, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"",
                              x + c, y, x + w - c, y, x + w, y + h / 2, x + w - c, y + h, x + c, y + h, x, y + h / 2);
      append_rgb (s, &pal->surface);
      g_string_append (s, "\" stroke=\"");
      append_rgb (s, &pal->kernel);
      g_string_append_printf (s, "\" stroke-width=\"1.6\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                              "class=\"fs-name\" fill=\"", x + w / 2, y + h / 2 + 4);
      append_rgb (s, &pal->kernel);
      g_string_append (s, "\">kernel</text>\n");
    }
  g_string_append (s, "</svg>\n");
  g_array_unref (tl.times);
  g_array_unref (tl.screen);
  if (options->progress != NULL)
    options->progress (1.0, options->progress_data);
  return g_string_free_to_bytes (s);
}

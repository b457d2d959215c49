/* draw-common.c: text and shape helpers for the drawings. */
#include "draw-common.h"

#include <math.h>
#include <string.h>

static const struct { const char *style; double px; PangoWeight weight; gboolean mono; } font_specs[] = {
  [FS_FONT_BODY] = { "", 11.0, PANGO_WEIGHT_NORMAL, FALSE },
  [FS_FONT_BOLD] = { "", 12.5, PANGO_WEIGHT_BOLD, FALSE },
  [FS_FONT_SMALL] = { "", 10.0, PANGO_WEIGHT_NORMAL, FALSE },
  [FS_FONT_SMALL_BOLD] = { "", 10.0, PANGO_WEIGHT_BOLD, FALSE },
  [FS_FONT_TITLE] = { "", 17.0, PANGO_WEIGHT_BOLD, FALSE },
  [FS_FONT_MONO] = { "", 10.5, PANGO_WEIGHT_NORMAL, TRUE },
};

static gsize measure_surface_once;
static const cairo_user_data_key_t text_sink_key;

void
fs_text_sink_attach (cairo_t *cr, GString *sink)
{
  cairo_set_user_data (cr, &text_sink_key, sink, NULL);
}

void
fs_text_context_init (FsTextContext *ctx, cairo_t *cr, const FsPalette *palette)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->palette = palette;
  if (cr == NULL)
    {
      /* A 1×1 surface just for measuring; kept for the process's lifetime. */
      if (g_once_init_enter (&measure_surface_once))
        g_once_init_leave (&measure_surface_once,
                           (gsize) cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1));
      ctx->cr = cairo_create ((cairo_surface_t *) measure_surface_once);
    }
  else
    {
      ctx->cr = cairo_reference (cr);
      ctx->sink = cairo_get_user_data (cr, &text_sink_key);
    }

  /* Metrics independent of the target: no hinting, no metric rounding, so
   * PNG, SVG and PDF lay text out identically. */
  PangoContext *pctx = pango_cairo_create_context (ctx->cr);
  cairo_font_options_t *fo = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias (fo, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (pctx, fo);
  cairo_font_options_destroy (fo);
  pango_cairo_context_set_resolution (pctx, 96.0);
  ctx->layout = pango_layout_new (pctx);
  g_object_unref (pctx);
  ctx->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  pango_layout_set_single_paragraph_mode (ctx->layout, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (font_specs); i++)
    {
      PangoFontDescription *d = pango_font_description_from_string (
          font_specs[i].mono ? palette->mono_family : palette->font_family);
      pango_font_description_set_absolute_size (d, font_specs[i].px * PANGO_SCALE);
      pango_font_description_set_weight (d, font_specs[i].weight);
      ctx->fonts[i] = d;
    }
}

void
fs_text_context_clear (FsTextContext *ctx)
{
  for (guint i = 0; i < G_N_ELEMENTS (ctx->fonts); i++)
    g_clear_pointer (&ctx->fonts[i], pango_font_description_free);
  g_clear_object (&ctx->layout);
  g_clear_pointer (&ctx->cache, g_hash_table_unref);
  g_clear_pointer (&ctx->cr, cairo_destroy);
}

static void
prepare (FsTextContext *ctx, FsFont font, const char *text, double max_width)
{
  pango_layout_set_font_description (ctx->layout, ctx->fonts[font]);
  if (max_width > 0)
    {
      pango_layout_set_width (ctx->layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (ctx->layout, PANGO_ELLIPSIZE_END);
    }
  else
    {
      pango_layout_set_width (ctx->layout, -1);
      pango_layout_set_ellipsize (ctx->layout, PANGO_ELLIPSIZE_NONE);
    }
  if (text == NULL || g_utf8_validate (text, -1, NULL))
    pango_layout_set_text (ctx->layout, text != NULL ? text : "", -1);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);
      pango_layout_set_text (ctx->layout, valid, -1);
    }
}

#define CACHE_LIMIT 8192

/* A laid-out line for (font, width, text), shaped once per context. */
static PangoLayout *
cached_layout (FsTextContext *ctx, FsFont font, const char *text, double max_width)
{
  char key_prefix[48];
  g_snprintf (key_prefix, sizeof key_prefix, "%d|%.1f|", (int) font, max_width > 0 ? max_width : -1.0);
  g_autofree char *key = g_strconcat (key_prefix, text != NULL ? text : "", NULL);
  PangoLayout *layout = g_hash_table_lookup (ctx->cache, key);
  if (layout != NULL)
    return layout;
  if (g_hash_table_size (ctx->cache) >= CACHE_LIMIT)
    g_hash_table_remove_all (ctx->cache);
  prepare (ctx, font, text, max_width);
  layout = pango_layout_copy (ctx->layout);
  g_hash_table_insert (ctx->cache, g_steal_pointer (&key), layout);
  return layout;
}

void
fs_text_measure (FsTextContext *ctx, FsFont font, const char *text, double *width, double *height)
{
  PangoRectangle logical;
  PangoLayout *layout = cached_layout (ctx, font, text, -1);
  pango_layout_get_extents (layout, NULL, &logical);
  if (width != NULL)
    *width = (double) logical.width / PANGO_SCALE;
  if (height != NULL)
    *height = (double) logical.height / PANGO_SCALE;
}

double
fs_text_draw (FsTextContext *ctx, FsFont font, const char *text, double x, double y,
              double max_width, FsTextAlign align, const FsRgb *color, double alpha)
{
  PangoRectangle logical;
  cairo_t *cr = ctx->cr;
  PangoLayout *layout = cached_layout (ctx, font, text, max_width);

  pango_layout_get_extents (layout, NULL, &logical);
  double w = (double) logical.width / PANGO_SCALE;
  if (align == FS_ALIGN_CENTER)
    x -= w / 2;
  else if (align == FS_ALIGN_RIGHT)
    x -= w;
  cairo_save (cr);
  fs_palette_set_source (cr, color, alpha);
  cairo_move_to (cr, x - (double) logical.x / PANGO_SCALE, y);
  pango_cairo_show_layout (cr, layout);
  /* show_layout leaves a current point; a later cairo_arc would join it. */
  cairo_new_path (cr);
  cairo_restore (cr);
  if (ctx->sink != NULL)
    {
      double dx = x, dy = y + font_specs[font].px * 0.85, ux = font_specs[font].px, uy = 0;
      cairo_user_to_device (cr, &dx, &dy);
      cairo_user_to_device_distance (cr, &ux, &uy);
      g_autofree char *escaped = g_markup_escape_text (pango_layout_get_text (layout), -1);
      g_string_append_printf (ctx->sink, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\"%s%s%s>%s</text>\n",
                              dx, dy, MAX (1.0, ux), ctx->css_class != NULL ? " class=\"" : "",
                              ctx->css_class != NULL ? ctx->css_class : "",
                              ctx->css_class != NULL ? "\"" : "", escaped);
    }
  return w;
}

void
fs_path_rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

void
fs_path_state_box (cairo_t *cr, FsStateKind state, double x, double y, double w, double h)
{
  switch (state)
    {
    case FS_STATE_STOPPED:
      fs_path_rounded_rect (cr, x, y, w, h, 1.5);
      break;
    case FS_STATE_ZOMBIE:
      {
        double c = MIN (9.0, h / 3);
        cairo_move_to (cr, x + c, y);
        cairo_line_to (cr, x + w - c, y);
        cairo_line_to (cr, x + w, y + c);
        cairo_line_to (cr, x + w, y + h - c);
        cairo_line_to (cr, x + w - c, y + h);
        cairo_line_to (cr, x + c, y + h);
        cairo_line_to (cr, x, y + h - c);
        cairo_line_to (cr, x, y + c);
        cairo_close_path (cr);
        break;
      }
    case FS_STATE_GONE:
    case FS_STATE_UNBORN:
      fs_path_rounded_rect (cr, x, y, w, h, h / 2);
      break;
    default:
      fs_path_rounded_rect (cr, x, y, w, h, 8.0);
      break;
    }
}

void
fs_draw_state_box (cairo_t *cr, const FsPalette *palette, FsStateKind state, double x, double y,
                   double w, double h, double alpha)
{
  static const double dashed[] = { 5.0, 3.0 };
  static const double dotted[] = { 1.2, 2.8 };
  const FsRgb *fill = &palette->state_fill[state];
  const FsRgb *stroke = &palette->state_stroke[state];

  cairo_save (cr);
  fs_path_state_box (cr, state, x, y, w, h);
  fs_palette_set_source (cr, fill, alpha);
  cairo_fill_preserve (cr);
  if (state == FS_STATE_STOPPED)
    {
      /* Diagonal hatching: readable as "stopped" without colour. */
      cairo_save (cr);
      cairo_clip_preserve (cr);
      cairo_new_path (cr);
      fs_palette_set_source (cr, stroke, 0.30 * alpha);
      cairo_set_line_width (cr, 1.2);
      for (double d = -h; d < w; d += 7.0)
        {
          cairo_move_to (cr, x + d, y + h);
          cairo_line_to (cr, x + d + h, y);
        }
      cairo_stroke (cr);
      cairo_restore (cr);
      fs_path_state_box (cr, state, x, y, w, h);
    }
  fs_palette_set_source (cr, stroke, alpha);
  switch (state)
    {
    case FS_STATE_BLOCKED:
      cairo_set_line_width (cr, 1.6);
      cairo_set_dash (cr, dashed, 2, 0);
      break;
    case FS_STATE_ZOMBIE:
      cairo_set_line_width (cr, 2.0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_dash (cr, dotted, 2, 0);
      break;
    case FS_STATE_STOPPED:
      cairo_set_line_width (cr, 2.0);
      break;
    case FS_STATE_GONE:
    case FS_STATE_UNBORN:
      cairo_set_line_width (cr, 1.0);
      break;
    default:
      cairo_set_line_width (cr, 1.6);
      break;
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
fs_draw_state_glyph (cairo_t *cr, FsStateKind state, double cx, double cy, double size,
                     const FsRgb *color, double alpha)
{
  double r = size / 2;
  cairo_save (cr);
  fs_palette_set_source (cr, color, alpha);
  cairo_set_line_width (cr, MAX (1.2, size / 6));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  switch (state)
    {
    case FS_STATE_RUNNING:
      cairo_arc (cr, cx, cy, r * 0.8, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case FS_STATE_BLOCKED:
      cairo_rectangle (cr, cx - r * 0.8, cy - r, r * 0.55, 2 * r);
      cairo_rectangle (cr, cx + r * 0.25, cy - r, r * 0.55, 2 * r);
      cairo_fill (cr);
      break;
    case FS_STATE_STOPPED:
      cairo_rectangle (cr, cx - r * 0.8, cy - r * 0.8, r * 1.6, r * 1.6);
      cairo_fill (cr);
      break;
    case FS_STATE_ZOMBIE:
      cairo_set_line_width (cr, MAX (1.5, size / 4.5));
      cairo_move_to (cr, cx - r * 0.75, cy - r * 0.75);
      cairo_line_to (cr, cx + r * 0.75, cy + r * 0.75);
      cairo_move_to (cr, cx + r * 0.75, cy - r * 0.75);
      cairo_line_to (cr, cx - r * 0.75, cy + r * 0.75);
      cairo_stroke (cr);
      break;
    default:
      cairo_arc (cr, cx, cy, r * 0.7, 0, 2 * G_PI);
      cairo_stroke (cr);
      break;
    }
  cairo_restore (cr);
}

void
fs_draw_arrowhead (cairo_t *cr, double x, double y, double dx, double dy, double size)
{
  double len = hypot (dx, dy);
  if (len < 1e-9)
    return;
  dx /= len;
  dy /= len;
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x - dx * size - dy * size * 0.45, y - dy * size + dx * size * 0.45);
  cairo_line_to (cr, x - dx * size + dy * size * 0.45, y - dy * size - dx * size * 0.45);
  cairo_close_path (cr);
  cairo_fill (cr);
}

void
fs_draw_pill (FsTextContext *ctx, FsFont font, const char *text, double cx, double cy,
              const FsRgb *fill, const FsRgb *text_color, double alpha)
{
  double w, h;
  fs_text_measure (ctx, font, text, &w, &h);
  double pw = w + 10, ph = h + 3;
  cairo_save (ctx->cr);
  fs_path_rounded_rect (ctx->cr, cx - pw / 2, cy - ph / 2, pw, ph, ph / 2);
  fs_palette_set_source (ctx->cr, fill, alpha);
  cairo_fill (ctx->cr);
  cairo_restore (ctx->cr);
  fs_text_draw (ctx, font, text, cx - w / 2, cy - h / 2, -1, FS_ALIGN_LEFT, text_color, alpha);
}

const char *
fs_short_signal_name (int signo, char buf[16])
{
  const char *name = fs_signal_name (signo);
  if (name == NULL)
    {
      g_snprintf (buf, 16, "%d", signo);
      return buf;
    }
  if (g_str_has_prefix (name, "SIG"))
    name += 3;
  g_strlcpy (buf, name, 16);
  return buf;
}

GArray *
fs_tree_order (FsTrace *trace, const FsExportFilter *filter, GArray *depths)
{
  guint n = fs_trace_n_processes (trace);
  GArray *order = g_array_sized_new (FALSE, FALSE, sizeof (FsProcessId), n);
  g_autofree FsProcessId *vparent = g_new (FsProcessId, MAX (n, 1));
  g_autofree guint8 *shown = g_new0 (guint8, MAX (n, 1));
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (FsProcessId));
  gint64 to = filter->to_ns, from = filter->from_ns;

  for (FsProcessId id = 0; id < n; id++)
    {
      const FsProcess *p = fs_trace_process (trace, id);
      gint64 last = p->reap_ns != FS_TIME_NONE ? p->reap_ns : p->end_ns;
      shown[id] = fs_export_filter_has_process (filter, trace, id) &&
                  (to == FS_TIME_NONE || p->start_ns <= to) &&
                  (from == FS_TIME_NONE || last == FS_TIME_NONE || last >= from);
      vparent[id] = shown[id] ? fs_export_filter_visible_parent (filter, trace, id) : FS_PROCESS_NONE;
      if (vparent[id] != FS_PROCESS_NONE && !shown[vparent[id]])
        vparent[id] = FS_PROCESS_NONE;
    }
  /* Children lists in birth order.  Not id order: a process first named by
   * a report that came before its birth event (a scenario's output, say)
   * got its id then. */
  g_autofree FsProcessId *by_birth = g_new (FsProcessId, MAX (n, 1));
  for (FsProcessId id = 0; id < n; id++)
    by_birth[id] = id;
  g_qsort_with_data (by_birth, (gint) n, sizeof (FsProcessId), fs_trace_compare_birth, trace);
  g_autofree guint *first_child = g_new (guint, MAX (n, 1));
  g_autofree guint *next_sibling = g_new (guint, MAX (n, 1));
  g_autofree guint *last_child = g_new (guint, MAX (n, 1));
  g_autofree guint *depth = g_new0 (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    first_child[i] = next_sibling[i] = last_child[i] = G_MAXUINT;
  for (guint k = 0; k < n; k++)
    {
      FsProcessId id = by_birth[k];
      if (!shown[id] || vparent[id] == FS_PROCESS_NONE)
        continue;
      FsProcessId p = vparent[id];
      if (first_child[p] == G_MAXUINT)
        first_child[p] = id;
      else
        next_sibling[last_child[p]] = id;
      last_child[p] = id;
    }
  for (FsProcessId root = 0; root < n; root++)
    {
      if (!shown[root] || vparent[root] != FS_PROCESS_NONE)
        continue;
      g_array_append_val (stack, root);
      while (stack->len > 0)
        {
          FsProcessId v = g_array_index (stack, FsProcessId, stack->len - 1);
          g_array_set_size (stack, stack->len - 1);
          g_array_append_val (order, v);
          if (depths != NULL)
            g_array_append_val (depths, depth[v]);
          /* Push children in reverse so the first-born pops first. */
          guint k = 0;
          for (guint ch = first_child[v]; ch != G_MAXUINT; ch = next_sibling[ch])
            k++;
          guint base = stack->len;
          g_array_set_size (stack, base + k);
          guint j = 0;
          for (guint ch = first_child[v]; ch != G_MAXUINT; ch = next_sibling[ch], j++)
            {
              depth[ch] = depth[v] + 1;
              g_array_index (stack, FsProcessId, base + k - 1 - j) = ch;
            }
        }
    }
  return order;
}

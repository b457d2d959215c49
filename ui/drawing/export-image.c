/* export-image.c: SVG/PNG/PDF surfaces around the same draw functions the
 * screen uses.  Output is collected in memory and then written, so a failed
 * export never leaves half a file behind. */
#include "export-image.h"
#include "graph-draw.h"
#include "lanes-draw.h"
#include "draw-common.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* cairo's image surfaces are limited to 32767 pixels a side. */
#define MAX_RASTER_SIDE 32767.0

G_DEFINE_QUARK (fs-export-error-quark, fs_export_error)

void
fs_image_options_init (FsImageOptions *options)
{
  memset (options, 0, sizeof *options);
  options->format = FS_IMAGE_SVG;
  options->theme = FS_THEME_LIGHT;
  options->scale = 1.0;
}

gboolean
fs_image_format_from_name (const char *name, FsImageFormat *out)
{
  if (g_strcmp0 (name, "svg") == 0)
    *out = FS_IMAGE_SVG;
  else if (g_strcmp0 (name, "png") == 0)
    *out = FS_IMAGE_PNG;
  else if (g_strcmp0 (name, "pdf") == 0)
    *out = FS_IMAGE_PDF;
  else
    return FALSE;
  return TRUE;
}

char *
fs_trace_default_title (FsTrace *trace)
{
  FsTraceMeta *meta = fs_trace_get_meta (trace);
  const char *scenario_title = meta->extra != NULL ? g_hash_table_lookup (meta->extra, "scenario_title") : NULL;
  if (scenario_title != NULL && *scenario_title != '\0')
    return g_strdup (scenario_title);
  if (meta->scenario != NULL && *meta->scenario != '\0')
    return g_path_get_basename (meta->scenario);
  if (meta->command != NULL && *meta->command != '\0')
    return g_strdup (meta->command);
  return g_strdup ("forkscope trace");
}

static cairo_status_t
write_to_byte_array (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

typedef void (*PaintFunc) (cairo_t *cr, gpointer user_data);

/* Paints a picture of width×height units onto a surface of the requested
 * format and returns the encoded file. */
static GBytes *
render (FsImageFormat format, double width, double height, const FsImageOptions *options,
        PaintFunc paint, gpointer paint_data, GError **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GString) text_layer = NULL;
  cairo_surface_t *surface = NULL;
  double factor = options->width > 0 ? options->width / width : 1.0;
  double out_w = width * factor, out_h = height * factor;
  double scale = options->scale > 0 ? options->scale : 1.0;

  switch (format)
    {
    case FS_IMAGE_PNG:
      {
        double px_w = ceil (out_w * scale), px_h = ceil (out_h * scale);
        if (px_w > MAX_RASTER_SIDE || px_h > MAX_RASTER_SIDE)
          {
            g_set_error (error, FS_EXPORT_ERROR, FS_EXPORT_ERROR_TOO_LARGE,
                         "the picture would be %.0f×%.0f pixels, more than PNG export supports "
                         "(%.0f a side): use svg or pdf, a smaller --scale or --width, or "
                         "fewer processes (--processes)", px_w, px_h, MAX_RASTER_SIDE);
            return NULL;
          }
        surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) px_w, (int) px_h);
        factor *= scale;
        break;
      }
    case FS_IMAGE_SVG:
      surface = cairo_svg_surface_create_for_stream (write_to_byte_array, bytes, out_w, out_h);
      cairo_svg_surface_restrict_to_version (surface, CAIRO_SVG_VERSION_1_1);
      text_layer = g_string_new (NULL);
      break;
    case FS_IMAGE_PDF:
      surface = cairo_pdf_surface_create_for_stream (write_to_byte_array, bytes, out_w, out_h);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "forkscope");
      if (options->title != NULL)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, options->title);
      break;
    }
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, FS_EXPORT_ERROR, FS_EXPORT_ERROR_FAILED, "cannot create the picture: %s",
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }

  cairo_t *cr = cairo_create (surface);
  if (text_layer != NULL)
    fs_text_sink_attach (cr, text_layer);
  cairo_scale (cr, factor, factor);
  paint (cr, paint_data);
  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == FS_IMAGE_PNG)
    status = cairo_surface_write_to_png_stream (surface, write_to_byte_array, bytes);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, FS_EXPORT_ERROR, FS_EXPORT_ERROR_FAILED, "drawing failed: %s",
                   cairo_status_to_string (status));
      return NULL;
    }

  if (text_layer != NULL)
    {
      /* Insert the invisible text layer (and a title) before </svg>. */
      const char *end_tag = "</svg>";
      gsize len = bytes->len;
      const guint8 *data = bytes->data;
      gsize cut = len;
      for (gsize i = len >= 6 ? len - 6 : 0; i-- > 0;)
        if (memcmp (data + i, end_tag, 6) == 0)
          {
            cut = i;
            break;
          }
      g_autoptr(GString) svg = g_string_new_len ((const char *) data, (gssize) cut);
      if (options->title != NULL)
        {
          g_autofree char *t = g_markup_escape_text (options->title, -1);
          g_string_append_printf (svg, "<title>%s</title>\n", t);
        }
      g_string_append (svg, "<g id=\"forkscope-text\" fill-opacity=\"0\" "
                       "font-family=\"Cantarell, Inter, DejaVu Sans, sans-serif\">\n");
      g_string_append_len (svg, text_layer->str, (gssize) text_layer->len);
      g_string_append (svg, "</g>\n</svg>\n");
      return g_string_free_to_bytes (g_steal_pointer (&svg));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static gboolean
write_bytes (GBytes *bytes, const char *path, GError **error)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  if (g_strcmp0 (path, "-") == 0)
    {
      if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
        {
          g_set_error (error, FS_EXPORT_ERROR, FS_EXPORT_ERROR_IO, "cannot write to stdout");
          return FALSE;
        }
      return TRUE;
    }
  return g_file_set_contents (path, data, (gssize) len, error);
}

/* The graph. */

typedef struct {
  FsTrace       *trace;
  FsGraphLayout *layout;
  FsGraphStyle   style;
  gint64         t_ns;
} GraphPaint;

static void
paint_graph (cairo_t *cr, gpointer user_data)
{
  GraphPaint *gp = user_data;
  fs_graph_draw (cr, gp->trace, gp->layout, gp->t_ns, &gp->style);
}

GBytes *
fs_export_graph_bytes (FsTrace *trace, gint64 t_ns, const FsImageOptions *options, GError **error)
{
  FsImageOptions defaults;
  FsGraphLayoutOptions lo;
  GraphPaint gp;
  double w, h;

  if (options == NULL)
    {
      fs_image_options_init (&defaults);
      options = &defaults;
    }
  if (options->progress != NULL)
    options->progress (0.0, options->progress_data);
  fs_graph_layout_options_init (&lo);
  lo.include_hidden = options->include_hidden;
  lo.processes = options->processes;
  lo.n_processes = options->n_processes;
  g_autoptr(FsGraphLayout) layout = fs_graph_layout_new (trace, &lo);
  g_autofree char *title = options->title != NULL ? g_strdup (options->title)
                                                  : fs_trace_default_title (trace);
  FsImageOptions opts = *options;
  opts.title = title;

  gp.trace = trace;
  gp.layout = layout;
  gp.t_ns = t_ns;
  fs_graph_style_init (&gp.style, options->theme);
  gp.style.title = title;
  fs_graph_get_size (layout, &gp.style, &w, &h);
  if (options->progress != NULL)
    options->progress (0.3, options->progress_data);
  GBytes *bytes = render (options->format, w, h, &opts, paint_graph, &gp, error);
  if (bytes != NULL && options->progress != NULL)
    options->progress (1.0, options->progress_data);
  return bytes;
}

gboolean
fs_export_graph_image (FsTrace *trace, gint64 t_ns, const FsImageOptions *options,
                       const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = fs_export_graph_bytes (trace, t_ns, options, error);
  return bytes != NULL && write_bytes (bytes, path, error);
}

/* The sequence diagram. */

typedef struct {
  FsSequenceLayout *layout;
  const FsPalette  *palette;
} SequencePaint;

static void
paint_sequence (cairo_t *cr, gpointer user_data)
{
  SequencePaint *sp = user_data;
  fs_sequence_draw (cr, sp->layout, sp->palette);
}

GBytes *
fs_export_sequence_bytes (FsTrace *trace, const FsSequenceOptions *seq_options,
                          const FsImageOptions *options, GError **error)
{
  FsImageOptions defaults;
  FsSequenceOptions seq_defaults;
  double w, h;

  if (options == NULL)
    {
      fs_image_options_init (&defaults);
      options = &defaults;
    }
  if (seq_options == NULL)
    {
      fs_sequence_options_init (&seq_defaults);
      seq_defaults.filter.include_hidden = options->include_hidden;
      seq_defaults.filter.processes = options->processes;
      seq_defaults.filter.n_processes = options->n_processes;
      seq_options = &seq_defaults;
    }
  g_autofree char *title = options->title != NULL ? g_strdup (options->title)
                         : seq_options->title != NULL ? g_strdup (seq_options->title)
                         : fs_trace_default_title (trace);
  FsSequenceOptions so = *seq_options;
  so.title = title;
  if (so.progress == NULL)
    {
      so.progress = options->progress;
      so.progress_data = options->progress_data;
    }
  FsImageOptions opts = *options;
  opts.title = title;

  g_autoptr(FsSequenceLayout) layout = fs_sequence_layout_new (trace, &so);
  fs_sequence_layout_get_size (layout, &w, &h);
  /* A diagram nobody can read is not worth minutes and gigabytes. */
  if (fs_sequence_layout_get_n_rows (layout) > FS_SEQUENCE_MAX_ROWS ||
      fs_sequence_layout_get_n_columns (layout) > FS_SEQUENCE_MAX_COLUMNS)
    {
      g_set_error (error, FS_EXPORT_ERROR, FS_EXPORT_ERROR_TOO_LARGE,
                   "a sequence diagram of %u events and %u processes is too large to read "
                   "(at most %u events and %u processes): narrow it with --from/--to/--processes",
                   fs_sequence_layout_get_n_rows (layout), fs_sequence_layout_get_n_columns (layout),
                   FS_SEQUENCE_MAX_ROWS, FS_SEQUENCE_MAX_COLUMNS);
      return NULL;
    }
  SequencePaint sp = { layout, fs_palette_get (options->theme) };
  GBytes *bytes = render (options->format, w, h, &opts, paint_sequence, &sp, error);
  if (bytes != NULL && options->progress != NULL)
    options->progress (1.0, options->progress_data);
  return bytes;
}

gboolean
fs_export_sequence_image (FsTrace *trace, const FsSequenceOptions *seq_options,
                          const FsImageOptions *options, const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = fs_export_sequence_bytes (trace, seq_options, options, error);
  return bytes != NULL && write_bytes (bytes, path, error);
}

/* Process lanes. */

typedef struct {
  FsLanesLayout *layout;
  FsLanesView    view;
} LanesPaint;

static void
paint_lanes (cairo_t *cr, gpointer user_data)
{
  LanesPaint *lp = user_data;
  fs_lanes_draw (cr, lp->layout, &lp->view);
}

GBytes *
fs_export_lanes_bytes (FsTrace *trace, const FsExportFilter *filter, const FsImageOptions *options,
                       GError **error)
{
  FsImageOptions defaults;
  FsExportFilter all;
  LanesPaint lp;

  if (options == NULL)
    {
      fs_image_options_init (&defaults);
      options = &defaults;
    }
  if (filter == NULL)
    {
      fs_export_filter_init (&all);
      all.include_hidden = options->include_hidden;
      all.processes = options->processes;
      all.n_processes = options->n_processes;
      filter = &all;
    }
  if (options->progress != NULL)
    options->progress (0.0, options->progress_data);
  g_autofree char *title = options->title != NULL ? g_strdup (options->title)
                                                  : fs_trace_default_title (trace);
  /* Refused before any text is measured: counting the rows is cheap. */
  g_autoptr(GArray) rows = fs_tree_order (trace, filter, NULL);
  if (rows->len > FS_LANES_MAX_ROWS)
    {
      g_set_error (error, FS_EXPORT_ERROR, FS_EXPORT_ERROR_TOO_LARGE,
                   "%u process lanes are too many to read (at most %u): narrow them with "
                   "--processes or --from/--to", rows->len, FS_LANES_MAX_ROWS);
      return NULL;
    }
  g_autoptr(FsLanesLayout) layout = fs_lanes_layout_new (trace, filter);
  /* The width is the time resolution here, so it sizes the picture rather
   * than scaling it. */
  FsImageOptions opts = *options;
  opts.title = title;
  opts.width = 0;
  lp.layout = layout;
  fs_lanes_view_init (&lp.view, layout, options->width > 0 ? MAX (options->width, 320.0)
                                                          : FS_LANES_DEFAULT_WIDTH);
  lp.view.palette = fs_palette_get (options->theme);
  lp.view.title = title;
  lp.view.show_legend = TRUE;
  if (filter->from_ns != FS_TIME_NONE)
    lp.view.from_ns = filter->from_ns;
  if (filter->to_ns != FS_TIME_NONE)
    lp.view.to_ns = filter->to_ns;
  else
    lp.view.to_ns += (lp.view.to_ns - lp.view.from_ns) / 50;   /* room for the last marks */
  if (lp.view.to_ns <= lp.view.from_ns)
    lp.view.to_ns = lp.view.from_ns + 1;
  lp.view.height = fs_lanes_get_content_height (layout, &lp.view);
  if (options->progress != NULL)
    options->progress (0.3, options->progress_data);
  GBytes *bytes = render (options->format, lp.view.width, lp.view.height, &opts, paint_lanes, &lp, error);
  if (bytes != NULL && options->progress != NULL)
    options->progress (1.0, options->progress_data);
  return bytes;
}

gboolean
fs_export_lanes_image (FsTrace *trace, const FsExportFilter *filter, const FsImageOptions *options,
                       const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = fs_export_lanes_bytes (trace, filter, options, error);
  return bytes != NULL && write_bytes (bytes, path, error);
}

gboolean
fs_export_animated_svg (FsTrace *trace, const FsImageOptions *options,
                        const FsAnimationOptions *animation, const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = fs_export_animated_svg_bytes (trace, options, animation, error);
  return bytes != NULL && write_bytes (bytes, path, error);
}

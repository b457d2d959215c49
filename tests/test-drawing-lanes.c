/* Process lanes: rows, bars and arrows checked where the trace puts them —
 * lane names from the SVG text layer, line endpoints from the SVG paths
 * (libxml2), states from the hit test, PNG decoded, PDF through pdfinfo. */
#include "ui/drawing/export-image.h"
#include "ui/drawing/lanes-draw.h"
#include "ui/drawing/draw-common.h"
#include "drawing-test-traces.h"
#include "drawing-test-util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MS(x) ((gint64) (x) * 1000000)

typedef struct {
  double x0, y0, x1, y1;
  gboolean dashed;
} Line;

static GBytes *
lanes_bytes (FsTrace *trace, const FsExportFilter *filter, FsImageFormat format, FsTheme theme)
{
  FsImageOptions options;
  g_autoptr(GError) error = NULL;
  fs_image_options_init (&options);
  options.format = format;
  options.theme = theme;
  GBytes *bytes = fs_export_lanes_bytes (trace, filter, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

/* The view an export draws: default width, a title and a legend. */
static void
export_view (FsLanesLayout *layout, const FsExportFilter *filter, FsLanesView *view)
{
  fs_lanes_view_init (view, layout, FS_LANES_DEFAULT_WIDTH);
  view->title = "title";
  view->show_legend = TRUE;
  if (filter != NULL && filter->from_ns != FS_TIME_NONE)
    view->from_ns = filter->from_ns;
  if (filter != NULL && filter->to_ns != FS_TIME_NONE)
    view->to_ns = filter->to_ns;
  else
    view->to_ns += (view->to_ns - view->from_ns) / 50;   /* the export's room at the end */
  view->height = fs_lanes_get_content_height (layout, view);
}

/* Every stroked straight segment "M x y L x y" of the SVG. */
static GArray *
svg_lines (xmlDocPtr doc)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (Line));
  g_auto(GStrv) ds = fs_test_xpath_strings (doc, "//s:path[@style and @d]/@d");
  g_auto(GStrv) styles = fs_test_xpath_strings (doc, "//s:path[@style and @d]/@style");
  g_assert_cmpuint (g_strv_length (ds), ==, g_strv_length (styles));
  for (guint i = 0; ds[i] != NULL; i++)
    {
      Line l = { 0 };
      int end = 0;
      if (strstr (styles[i], "fill:none") == NULL)
        continue;
      if (sscanf (ds[i], "M %lf %lf L %lf %lf %n", &l.x0, &l.y0, &l.x1, &l.y1, &end) != 4 ||
          ds[i][end] != '\0')
        continue;
      l.dashed = strstr (styles[i], "stroke-dasharray") != NULL;
      g_array_append_val (lines, l);
    }
  return lines;
}

/* How many lines run from (x0, y0) to (x1, y1); *dashed tells the style of the last. */
static guint
count_lines (GArray *lines, double x0, double y0, double x1, double y1, gboolean *dashed)
{
  guint n = 0;
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *l = &g_array_index (lines, Line, i);
      if (fabs (l->x0 - x0) < 0.05 && fabs (l->y0 - y0) < 0.05 &&
          fabs (l->x1 - x1) < 0.05 && fabs (l->y1 - y1) < 0.05)
        {
          n++;
          if (dashed != NULL)
            *dashed = l->dashed;
        }
    }
  return n;
}

static FsProcessId
process_named (FsTrace *trace, const char *name)
{
  for (FsProcessId id = 0; id < fs_trace_n_processes (trace); id++)
    if (g_strcmp0 (fs_trace_process_name (trace, id), name) == 0)
      return id;
  g_assert_not_reached ();
}

static double
row_y_of (FsLanesLayout *layout, const FsLanesView *view, FsTrace *trace, const char *name)
{
  guint row = fs_lanes_layout_get_process_row (layout, process_named (trace, name));
  g_assert_cmpuint (row, !=, FS_LANES_NO_ROW);
  return fs_lanes_row_to_y (layout, view, row);
}

/* Asserts one arrow per signal of the trace from the sender's lane at the
 * send to the receiver's lane at the delivery. */
static guint
assert_signal_arrows (FsTrace *trace, FsLanesLayout *layout, const FsLanesView *view, GArray *lines)
{
  guint n = 0;
  for (gsize i = 0; i < fs_trace_n_events (trace); i++)
    {
      FsSignalArrow arrow;
      if (!fs_export_signal_arrow (trace, i, &arrow) || arrow.sender == FS_PROCESS_KERNEL ||
          arrow.deliver_ns == FS_TIME_NONE)
        continue;
      guint sr = fs_lanes_layout_get_process_row (layout, arrow.sender);
      guint rr = fs_lanes_layout_get_process_row (layout, arrow.receiver);
      if (sr == FS_LANES_NO_ROW || rr == FS_LANES_NO_ROW || sr == rr)
        continue;
      gboolean dashed = !arrow.inferred;
      double xs = fs_lanes_time_to_x (layout, view, arrow.send_ns);
      double xd = fs_lanes_time_to_x (layout, view, arrow.deliver_ns);
      g_assert_cmpuint (count_lines (lines, xs, fs_lanes_row_to_y (layout, view, sr), xd,
                                     fs_lanes_row_to_y (layout, view, rr), &dashed), ==, 1);
      g_assert_cmpint (dashed, ==, arrow.inferred);
      n++;
    }
  return n;
}

static void
test_ordered_results (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(FsLanesLayout) layout = fs_lanes_layout_new (trace, NULL);
  FsLanesView view;
  export_view (layout, NULL, &view);

  /* Three lanes in tree order; the hidden launcher has none. */
  g_assert_cmpuint (fs_lanes_layout_get_n_rows (layout), ==, 3);
  g_assert_cmpuint (fs_lanes_layout_get_row_depth (layout, 1), ==, 1);

  g_autoptr(GBytes) svg = lanes_bytes (trace, NULL, FS_IMAGE_SVG, FS_THEME_LIGHT);
  xmlDocPtr doc = fs_test_parse_svg (svg);
  g_auto(GStrv) names = fs_test_xpath_strings (doc, "//s:text[@class='fs-lane']");
  g_assert_cmpuint (g_strv_length (names), ==, 3);
  g_assert_cmpstr (names[0], ==, "main[4001]");
  g_assert_cmpstr (names[1], ==, "very expensive[4002]");
  g_assert_cmpstr (names[2], ==, "slightly expensive[4003]");
  /* Each name sits on its lane (the text layer's y is the baseline). */
  g_auto(GStrv) ys = fs_test_xpath_strings (doc, "//s:text[@class='fs-lane']/@y");
  for (guint r = 0; r < 3; r++)
    g_assert_cmpfloat (fabs (g_ascii_strtod (ys[r], NULL) - fs_lanes_row_to_y (layout, &view, r) - 1.85), <, 0.2);

  /* The four CONTs: worker → main twice, then main → each worker. */
  g_autoptr(GArray) lines = svg_lines (doc);
  g_assert_cmpuint (assert_signal_arrows (trace, layout, &view, lines), ==, 4);
  g_auto(GStrv) labels = fs_test_xpath_strings (doc, "//s:text[@class='fs-signal']");
  /* Labels that would cover one another are left out: the three at the
   * end share a few pixels. */
  g_assert_cmpuint (g_strv_length (labels), >=, 2);
  g_assert_cmpuint (g_strv_length (labels), <, 4);
  for (guint i = 0; labels[i] != NULL; i++)
    g_assert_cmpstr (labels[i], ==, "CONT");

  /* Fork connectors: main's lane down to each worker's lane start. */
  double main_y = row_y_of (layout, &view, trace, "main");
  double x = round (fs_lanes_time_to_x (layout, &view, MS (2))) + 0.5;
  g_assert_cmpuint (count_lines (lines, x, main_y, x, row_y_of (layout, &view, trace, "very expensive") - 6, NULL), ==, 1);
  x = round (fs_lanes_time_to_x (layout, &view, MS (3))) + 0.5;
  g_assert_cmpuint (count_lines (lines, x, main_y, x, row_y_of (layout, &view, trace, "slightly expensive") - 6, NULL), ==, 1);

  g_auto(GStrv) legend = fs_test_xpath_strings (doc, "//s:text[@class='fs-legend']");
  g_assert_true (fs_test_strv_contains (legend, "blocked"));
  g_assert_true (fs_test_strv_contains (legend, "inferred pairing"));
  g_assert_true (fs_test_strv_contains (legend, "sent by the kernel"));
  xmlFreeDoc (doc);
}

static void
test_everything (void)
{
  guint n_visible = 0;
  g_autoptr(FsTrace) trace = fs_test_trace_everything (&n_visible);
  g_autoptr(FsLanesLayout) layout = fs_lanes_layout_new (trace, NULL);
  FsLanesView view;
  export_view (layout, NULL, &view);
  g_assert_cmpuint (fs_lanes_layout_get_n_rows (layout), ==, n_visible);

  g_autoptr(GBytes) svg = lanes_bytes (trace, NULL, FS_IMAGE_SVG, FS_THEME_LIGHT);
  xmlDocPtr doc = fs_test_parse_svg (svg);
  g_autoptr(GArray) lines = svg_lines (doc);

  /* SIGSTOP solid, the inferred SIGCONT dashed, SIGKILL solid. */
  g_assert_cmpuint (assert_signal_arrows (trace, layout, &view, lines), ==, 3);

  /* The kernel's SIGCHLD to the subreaper: from a marker just above its lane. */
  double yr = row_y_of (layout, &view, trace, "subreaper");
  g_assert_cmpuint (count_lines (lines, fs_lanes_time_to_x (layout, &view, MS (30)), yr - 0.8 * fs_lanes_get_row_height (),
                                 fs_lanes_time_to_x (layout, &view, MS (30) + 500000), yr, NULL), ==, 1);
  /* The USR1 never delivered: job's lane to waiter's lane at the send. */
  double xs = fs_lanes_time_to_x (layout, &view, MS (50));
  g_assert_cmpuint (count_lines (lines, xs, row_y_of (layout, &view, trace, "job"), xs,
                                 row_y_of (layout, &view, trace, "waiter"), NULL), ==, 1);
  xmlFreeDoc (doc);

  /* States along the lanes. */
  FsLanesHit hit;
  guint job_row = fs_lanes_layout_get_process_row (layout, process_named (trace, "job"));
  double job_y = fs_lanes_row_to_y (layout, &view, job_row);
  g_assert_true (fs_lanes_hit_test (layout, &view, fs_lanes_time_to_x (layout, &view, MS (15)), job_y, &hit));
  g_assert_cmpuint (hit.row, ==, job_row);
  g_assert_cmpuint (hit.process, ==, process_named (trace, "job"));
  g_assert_cmpint (hit.state, ==, FS_STATE_STOPPED);
  g_assert_true (fs_lanes_hit_test (layout, &view, fs_lanes_time_to_x (layout, &view, MS (25)), job_y, &hit));
  g_assert_cmpint (hit.state, ==, FS_STATE_RUNNING);
  g_assert_true (fs_lanes_hit_test (layout, &view, fs_lanes_time_to_x (layout, &view, MS (55)),
                                    row_y_of (layout, &view, trace, "waiter"), &hit));
  g_assert_cmpint (hit.state, ==, FS_STATE_BLOCKED);
  g_assert_cmpint (hit.reason, ==, FS_BLOCK_PAUSE);
  g_assert_true (fs_lanes_hit_test (layout, &view, fs_lanes_time_to_x (layout, &view, MS (55)),
                                    row_y_of (layout, &view, trace, "zombie"), &hit));
  g_assert_cmpint (hit.state, ==, FS_STATE_ZOMBIE);
  /* On the kill: the delivery event is found under the pointer. */
  g_assert_true (fs_lanes_hit_test (layout, &view, fs_lanes_time_to_x (layout, &view, MS (41)) + 1,
                                    row_y_of (layout, &view, trace, "victim"), &hit));
  g_assert_cmpuint (hit.event, !=, FS_EVENT_NONE);
  g_assert_cmpint (fs_trace_event (trace, hit.event)->t_ns, ==, MS (41));
  /* Above the lanes: nothing. */
  g_assert_false (fs_lanes_hit_test (layout, &view, 300, 2, &hit));
  g_assert_cmpuint (hit.row, ==, FS_LANES_NO_ROW);
}

static void
test_window_and_processes (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(GError) error = NULL;
  FsExportFilter filter;

  fs_export_filter_init (&filter);
  g_autoptr(GArray) ids = fs_export_parse_process_list (trace, "main,slightly expensive", &error);
  g_assert_no_error (error);
  filter.processes = (const FsProcessId *) (gpointer) ids->data;
  filter.n_processes = ids->len;
  filter.from_ns = MS (2000);
  filter.to_ns = MS (5003);
  g_autoptr(FsLanesLayout) layout = fs_lanes_layout_new (trace, &filter);
  FsLanesView view;
  export_view (layout, &filter, &view);
  g_assert_cmpuint (fs_lanes_layout_get_n_rows (layout), ==, 2);

  g_autoptr(GBytes) svg = lanes_bytes (trace, &filter, FS_IMAGE_SVG, FS_THEME_DARK);
  xmlDocPtr doc = fs_test_parse_svg (svg);
  g_auto(GStrv) names = fs_test_xpath_strings (doc, "//s:text[@class='fs-lane']");
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[1], ==, "slightly expensive[4003]");
  /* The window maps its own start to the plot's left edge: the arrows are
   * where the window puts them. */
  g_autoptr(GArray) lines = svg_lines (doc);
  g_assert_cmpuint (assert_signal_arrows (trace, layout, &view, lines), ==, 2);
  double px;
  fs_lanes_get_plot_area (layout, &view, &px, NULL, NULL, NULL);
  g_assert_cmpfloat (fabs (fs_lanes_time_to_x (layout, &view, MS (2000)) - px), <, 1e-6);
  xmlFreeDoc (doc);

  /* A window where nothing lives has no lanes (and still draws). */
  filter.processes = NULL;
  filter.n_processes = 0;
  filter.from_ns = MS (5004) + 1;
  filter.to_ns = MS (6000);
  g_autoptr(FsLanesLayout) empty = fs_lanes_layout_new (trace, &filter);
  g_assert_cmpuint (fs_lanes_layout_get_n_rows (empty), ==, 0);
  g_autoptr(GBytes) png = lanes_bytes (trace, &filter, FS_IMAGE_PNG, FS_THEME_LIGHT);
  g_assert_nonnull (png);
}

/* 100,000 state changes on one lane, 20,000 of them inside one pixel column:
 * binning keeps the picture (and the drawing time) to the width. */
static void
test_dense_lane_is_binned (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  FsProcessId p = fs_trace_add_process (trace, 10, FS_PROCESS_NONE, 0, "busy");
  for (guint i = 0; i < 100000; i++)
    {
      gint64 t = 1000 + (gint64) i * 1000;
      fs_trace_append (trace, t, p, FS_EVENT_BLOCK)->u.block.reason = FS_BLOCK_SLEEP;
      fs_trace_append (trace, t + 500, p, FS_EVENT_UNBLOCK);
    }
  g_autoptr(GError) error = NULL;
  g_assert_true (fs_trace_finish (trace, &error));
  guint n_changes;
  fs_trace_process_state_changes (trace, p, &n_changes);
  g_assert_cmpuint (n_changes, >, 150000);

  g_autoptr(FsLanesLayout) layout = fs_lanes_layout_new (trace, NULL);
  FsLanesView view;
  fs_lanes_view_init (&view, layout, 800);
  /* Count the fills the drawing makes through a recording surface. */
  cairo_surface_t *rec = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (rec);
  gint64 started = g_get_monotonic_time ();
  fs_lanes_draw (cr, layout, &view);
  gint64 took = g_get_monotonic_time () - started;
  cairo_destroy (cr);
  cairo_surface_destroy (rec);
  g_test_message ("dense lane drawn in %.1f ms", took / 1000.0);

  FsImageOptions options;
  fs_image_options_init (&options);
  options.width = 800;
  g_autoptr(GBytes) svg = fs_export_lanes_bytes (trace, NULL, &options, &error);
  g_assert_no_error (error);
  xmlDocPtr doc = fs_test_parse_svg (svg);
  /* One lane at 800 px: a few paths per pixel column at most, not 200,000. */
  guint paths = fs_test_xpath_count (doc, "//s:path");
  g_test_message ("%u paths", paths);
  g_assert_cmpuint (paths, <, 4 * 800);
  xmlFreeDoc (doc);
}

static void
test_png_pdf_and_limits (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(GBytes) png = lanes_bytes (trace, NULL, FS_IMAGE_PNG, FS_THEME_LIGHT);
  int w = 0, h = 0;
  guint32 light_bg = 0, dark_bg = 0;
  guint fg = fs_test_png_foreground (png, &w, &h, &light_bg);
  g_assert_cmpint (w, ==, (int) FS_LANES_DEFAULT_WIDTH);
  g_assert_cmpint (h, >, 100);
  g_assert_cmpuint (fg, >, (guint) (w * h) / 20);
  g_autoptr(GBytes) dark = lanes_bytes (trace, NULL, FS_IMAGE_PNG, FS_THEME_DARK);
  fs_test_png_foreground (dark, NULL, NULL, &dark_bg);
  g_assert_cmpuint (light_bg, !=, dark_bg);
  g_autoptr(GBytes) pdf = lanes_bytes (trace, NULL, FS_IMAGE_PDF, FS_THEME_LIGHT);
  g_assert_cmpuint (fs_test_pdf_pages (pdf), ==, 1);

  /* Too many lanes to read: refused with a message that says what to do. */
  g_autoptr(FsTrace) wide = fs_test_trace_fan_out (FS_LANES_MAX_ROWS + 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) none = fs_export_lanes_bytes (wide, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, FS_EXPORT_ERROR, FS_EXPORT_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "--processes"));
}

/* Rows (and sequence columns) follow birth, not process ids: a process
 * first named by an early report has a low id though born later. */
static void
test_tree_order_is_birth_order (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  g_autoptr(GError) error = NULL;
  FsProcessId main_id = fs_trace_add_process (trace, 100, FS_PROCESS_NONE, 0, "main");
  FsProcessId later = fs_trace_add_process (trace, 102, main_id, 20, "later");
  FsProcessId earlier = fs_trace_add_process (trace, 101, main_id, 10, "earlier");
  FsProcessId grandchild = fs_trace_add_process (trace, 103, earlier, 15, "grandchild");
  g_assert_true (fs_trace_finish (trace, &error));
  FsExportFilter filter;
  fs_export_filter_init (&filter);
  g_autoptr(GArray) order = fs_tree_order (trace, &filter, NULL);
  g_assert_cmpuint (order->len, ==, 4);
  g_assert_cmpuint (g_array_index (order, FsProcessId, 0), ==, main_id);
  g_assert_cmpuint (g_array_index (order, FsProcessId, 1), ==, earlier);
  g_assert_cmpuint (g_array_index (order, FsProcessId, 2), ==, grandchild);
  g_assert_cmpuint (g_array_index (order, FsProcessId, 3), ==, later);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lanes/ordered-results", test_ordered_results);
  g_test_add_func ("/lanes/tree-order-is-birth-order", test_tree_order_is_birth_order);
  g_test_add_func ("/lanes/everything", test_everything);
  g_test_add_func ("/lanes/window-and-processes", test_window_and_processes);
  g_test_add_func ("/lanes/dense-lane-is-binned", test_dense_lane_is_binned);
  g_test_add_func ("/lanes/png-pdf-and-limits", test_png_pdf_and_limits);
  return g_test_run ();
}

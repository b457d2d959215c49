/* The process graph: layout rules (stable, no overlaps, hidden processes
 * skipped, large fan-outs packed) and the pictures, decoded by real parsers. */
#include "ui/drawing/export-image.h"
#include "ui/drawing/graph-draw.h"
#include "ui/drawing/graph-layout.h"
#include "drawing-test-traces.h"
#include "drawing-test-util.h"

#include <signal.h>
#include <string.h>

#define MS(x) ((gint64) (x) * 1000000)

static gboolean
boxes_overlap (const FsGraphNode *a, const FsGraphNode *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

static void
assert_no_overlaps (FsGraphLayout *layout)
{
  guint n = 0;
  const FsProcessId *ids = fs_graph_layout_get_processes (layout, &n);
  double w, h;
  fs_graph_layout_get_size (layout, &w, &h);
  /* Bucket by row band: overlapping boxes share a band. */
  g_autoptr(GHashTable) bands = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                       (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < n; i++)
    {
      FsGraphNode node;
      g_assert_true (fs_graph_layout_get_node (layout, ids[i], &node));
      g_assert_cmpfloat (node.x, >=, 0);
      g_assert_cmpfloat (node.y, >=, 0);
      g_assert_cmpfloat (node.x + node.width, <=, w);
      g_assert_cmpfloat (node.y + node.height, <=, h);
      guint band = (guint) (node.y / 10);
      for (guint b = band > 5 ? band - 5 : 0; b <= band + 5; b++)
        {
          GArray *others = g_hash_table_lookup (bands, GUINT_TO_POINTER (b));
          for (guint k = 0; others != NULL && k < others->len; k++)
            {
              FsGraphNode other = g_array_index (others, FsGraphNode, k);
              if (boxes_overlap (&node, &other))
                g_error ("process %u overlaps another box at %.0f,%.0f", ids[i], node.x, node.y);
            }
        }
      GArray *mine = g_hash_table_lookup (bands, GUINT_TO_POINTER (band));
      if (mine == NULL)
        {
          mine = g_array_new (FALSE, FALSE, sizeof (FsGraphNode));
          g_hash_table_insert (bands, GUINT_TO_POINTER (band), mine);
        }
      g_array_append_val (mine, node);
    }
}

static void
test_layout_ordered_results (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(FsGraphLayout) layout = fs_graph_layout_new (trace, NULL);
  FsGraphNode main_node, w1, w2;
  guint n = 0;

  fs_graph_layout_get_processes (layout, &n);
  g_assert_cmpuint (n, ==, 3);
  /* The hidden launcher (id 0) is not laid out; main is the root. */
  g_assert_false (fs_graph_layout_get_node (layout, 0, NULL));
  g_assert_true (fs_graph_layout_get_node (layout, 1, &main_node));
  g_assert_true (fs_graph_layout_get_node (layout, 2, &w1));
  g_assert_true (fs_graph_layout_get_node (layout, 3, &w2));
  g_assert_cmpuint (main_node.visible_parent, ==, FS_PROCESS_NONE);
  g_assert_cmpuint (w1.visible_parent, ==, 1);
  /* Children one generation right, in birth order top to bottom, the parent centred. */
  g_assert_cmpfloat (w1.x, >, main_node.x + main_node.width);
  g_assert_cmpfloat (w1.x, ==, w2.x);
  g_assert_cmpfloat (w1.y, <, w2.y);
  g_assert_cmpfloat (main_node.y, ==, (w1.y + w2.y) / 2);
  assert_no_overlaps (layout);

  /* Hit testing finds the box under a point. */
  g_assert_cmpuint (fs_graph_layout_hit_test (layout, w2.x + 5, w2.y + 5), ==, 3);
  g_assert_cmpuint (fs_graph_layout_hit_test (layout, 1, 1), ==, FS_PROCESS_NONE);

  /* With hidden processes the launcher becomes the root. */
  FsGraphLayoutOptions options;
  fs_graph_layout_options_init (&options);
  options.include_hidden = TRUE;
  g_autoptr(FsGraphLayout) all = fs_graph_layout_new (trace, &options);
  FsGraphNode launcher;
  g_assert_true (fs_graph_layout_get_node (all, 0, &launcher));
  g_assert_true (fs_graph_layout_get_node (all, 1, &main_node));
  g_assert_cmpuint (main_node.visible_parent, ==, 0);
}

static void
test_layout_fan_out_grid (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_fan_out (400);
  g_autoptr(FsGraphLayout) layout = fs_graph_layout_new (trace, NULL);
  double gx, gy, gw, gh, w, h;
  guint count = 0;

  g_assert_true (fs_graph_layout_get_child_grid (layout, 0, &gx, &gy, &gw, &gh, &count));
  g_assert_cmpuint (count, ==, 400);
  fs_graph_layout_get_size (layout, &w, &h);
  /* Packed: far from a 400-row ribbon, and not wildly wide either. */
  g_assert_cmpfloat (h, <, 40 * 80.0);
  g_assert_cmpfloat (w / h, <, 4.0);
  g_assert_cmpfloat (h / w, <, 4.0);
  assert_no_overlaps (layout);
}

static void
test_layout_stable_and_everything (void)
{
  guint n_visible = 0;
  g_autoptr(FsTrace) trace = fs_test_trace_everything (&n_visible);
  g_autoptr(FsGraphLayout) layout = fs_graph_layout_new (trace, NULL);
  guint n = 0;
  fs_graph_layout_get_processes (layout, &n);
  g_assert_cmpuint (n, ==, n_visible);
  g_assert_true (fs_graph_layout_get_kernel_node (layout, NULL));
  assert_no_overlaps (layout);

  /* A layout of the same trace is identical: positions never depend on time. */
  g_autoptr(FsGraphLayout) again = fs_graph_layout_new (trace, NULL);
  for (FsProcessId id = 0; id < fs_trace_n_processes (trace); id++)
    {
      FsGraphNode a, b;
      g_assert_true (fs_graph_layout_get_node (layout, id, &a));
      g_assert_true (fs_graph_layout_get_node (again, id, &b));
      g_assert_cmpfloat (a.x, ==, b.x);
      g_assert_cmpfloat (a.y, ==, b.y);
    }
}

static GBytes *
graph_bytes (FsTrace *trace, gint64 t, FsImageFormat format, FsTheme theme, double scale)
{
  FsImageOptions options;
  g_autoptr(GError) error = NULL;
  fs_image_options_init (&options);
  options.format = format;
  options.theme = theme;
  options.scale = scale;
  GBytes *bytes = fs_export_graph_bytes (trace, t, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static void
test_svg_labels (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  /* Just after main released "very expensive": CONT in flight, main waiting. */
  gint64 t = MS (5002) + 140000;
  g_autoptr(GBytes) svg = graph_bytes (trace, t, FS_IMAGE_SVG, FS_THEME_LIGHT, 1);
  xmlDocPtr doc = fs_test_parse_svg (svg);
  g_auto(GStrv) names = fs_test_xpath_strings (doc, "//s:text[@class='fs-process-name']");
  g_assert_cmpuint (g_strv_length (names), ==, 3);
  g_assert_true (g_strv_contains ((const char *const *) names, "main"));
  g_assert_true (g_strv_contains ((const char *const *) names, "very expensive"));
  g_assert_true (g_strv_contains ((const char *const *) names, "slightly expensive"));
  g_auto(GStrv) states = fs_test_xpath_strings (doc, "//s:text[@class='fs-process-state']");
  g_assert_true (fs_test_strv_contains (states, "blocked · wait"));
  g_assert_true (fs_test_strv_contains (states, "blocked · sigwait"));
  g_auto(GStrv) signals = fs_test_xpath_strings (doc, "//s:text[@class='fs-signal']");
  g_assert_cmpuint (g_strv_length (signals), ==, 1);
  g_assert_cmpstr (signals[0], ==, "CONT");
  g_assert_cmpuint (fs_test_xpath_count (doc, "/s:svg/s:title"), ==, 1);
  xmlFreeDoc (doc);

  /* Before anyone is born, no process is drawn. */
  g_autoptr(GBytes) empty = graph_bytes (trace, 0, FS_IMAGE_SVG, FS_THEME_LIGHT, 1);
  doc = fs_test_parse_svg (empty);
  g_assert_cmpuint (fs_test_xpath_count (doc, "//s:text[@class='fs-process-name']"), ==, 0);
  xmlFreeDoc (doc);
}

static void
test_svg_everything (void)
{
  guint n_visible = 0;
  g_autoptr(FsTrace) trace = fs_test_trace_everything (&n_visible);
  /* At 21 ms: job stopped, the inferred CONT in flight. */
  g_autoptr(GBytes) svg = graph_bytes (trace, MS (21), FS_IMAGE_SVG, FS_THEME_DARK, 1);
  xmlDocPtr doc = fs_test_parse_svg (svg);
  g_auto(GStrv) signals = fs_test_xpath_strings (doc, "//s:text[@class='fs-signal']");
  g_assert_true (fs_test_strv_contains (signals, "CONT (inferred)"));
  g_auto(GStrv) states = fs_test_xpath_strings (doc, "//s:text[@class='fs-process-state']");
  g_assert_true (fs_test_strv_contains (states, "stopped"));
  xmlFreeDoc (doc);

  /* At the end: the zombie, the killed victim, the adopted orphan, a pending USR1. */
  g_autoptr(GBytes) end = graph_bytes (trace, fs_trace_duration (trace), FS_IMAGE_SVG, FS_THEME_LIGHT, 1);
  doc = fs_test_parse_svg (end);
  g_assert_cmpuint (fs_test_xpath_count (doc, "//s:text[@class='fs-process-name']"), ==, n_visible);
  g_auto(GStrv) end_states = fs_test_xpath_strings (doc, "//s:text[@class='fs-process-state']");
  g_assert_true (fs_test_strv_contains (end_states, "zombie · exit 1"));
  g_assert_true (fs_test_strv_contains (end_states, "killed · SIGKILL"));
  g_auto(GStrv) all = fs_test_xpath_strings (doc, "//s:g[@id='forkscope-text']/s:text");
  g_assert_true (fs_test_strv_contains (all, "adopted"));
  g_assert_true (fs_test_strv_contains (all, "USR1"));
  g_assert_true (fs_test_strv_contains (all, "kernel"));
  /* Markup in output lines is escaped, not interpreted. */
  g_assert_true (fs_test_strv_contains (all, "bye <&> \"quoted\""));
  xmlFreeDoc (doc);
}

static void
test_png_hidpi_and_themes (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  gint64 t = MS (5002) + 140000;
  int w1, h1, w2, h2;
  guint32 bg_light, bg_dark;
  g_autoptr(GBytes) png1 = graph_bytes (trace, t, FS_IMAGE_PNG, FS_THEME_LIGHT, 1);
  g_autoptr(GBytes) png2 = graph_bytes (trace, t, FS_IMAGE_PNG, FS_THEME_LIGHT, 2);
  g_autoptr(GBytes) dark = graph_bytes (trace, t, FS_IMAGE_PNG, FS_THEME_DARK, 1);
  guint fg1 = fs_test_png_foreground (png1, &w1, &h1, &bg_light);
  guint fg2 = fs_test_png_foreground (png2, &w2, &h2, NULL);
  fs_test_png_foreground (dark, NULL, NULL, &bg_dark);
  /* Non-trivial: at least 5% of the picture is drawn. */
  g_assert_cmpuint (fg1, >, (guint) (w1 * h1) / 20);
  /* HiDPI: twice the pixels each way, about four times the ink. */
  g_assert_cmpint (w2, ==, 2 * w1);
  g_assert_cmpint (h2, ==, 2 * h1);
  g_assert_cmpuint (fg2, >, 3 * fg1);
  /* The dark theme has a dark background. */
  g_assert_cmphex (bg_light, !=, bg_dark);
  g_assert_cmpuint ((bg_dark >> 16) & 0xff, <, 0x40);
  g_assert_cmpuint ((bg_light >> 16) & 0xff, >, 0xe0);
}

static void
test_pdf_and_width (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(GBytes) pdf = graph_bytes (trace, MS (3000), FS_IMAGE_PDF, FS_THEME_LIGHT, 1);
  g_assert_cmpuint (fs_test_pdf_pages (pdf), ==, 1);

  FsImageOptions options;
  g_autoptr(GError) error = NULL;
  fs_image_options_init (&options);
  options.format = FS_IMAGE_PNG;
  options.width = 400;
  g_autoptr(GBytes) png = fs_export_graph_bytes (trace, MS (3000), &options, &error);
  g_assert_no_error (error);
  int w = 0;
  fs_test_png_foreground (png, &w, NULL, NULL);
  g_assert_cmpint (w, ==, 400);
}

static void
test_too_large_png (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  FsImageOptions options;
  g_autoptr(GError) error = NULL;
  fs_image_options_init (&options);
  options.format = FS_IMAGE_PNG;
  options.width = 40000;
  g_autoptr(GBytes) png = fs_export_graph_bytes (trace, 0, &options, &error);
  g_assert_null (png);
  g_assert_error (error, FS_EXPORT_ERROR, FS_EXPORT_ERROR_TOO_LARGE);
}

static double
halfway (FsTrace *trace, const FsSignalFlight *flight, gint64 t, gpointer data)
{
  (*(guint *) data)++;
  return 0.5;
}

static void
test_draw_on_screen_surface (void)
{
  /* What the app does: its own surface, transform and progress function. */
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(FsGraphLayout) layout = fs_graph_layout_new (trace, NULL);
  FsGraphStyle style;
  guint calls = 0;
  fs_graph_style_init (&style, FS_THEME_DARK);
  style.show_legend = FALSE;
  style.selected = 1;
  style.signal_progress = halfway;
  style.signal_progress_data = &calls;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 320, 200);
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, 0.5, 0.5);
  fs_graph_draw (cr, trace, layout, MS (5002) + 140000, &style);
  fs_graph_draw_legend (cr, &style, 10, 10);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpuint (calls, ==, 1);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/drawing/graph/layout/ordered-results", test_layout_ordered_results);
  g_test_add_func ("/drawing/graph/layout/fan-out-grid", test_layout_fan_out_grid);
  g_test_add_func ("/drawing/graph/layout/stable", test_layout_stable_and_everything);
  g_test_add_func ("/drawing/graph/svg/labels", test_svg_labels);
  g_test_add_func ("/drawing/graph/svg/everything", test_svg_everything);
  g_test_add_func ("/drawing/graph/png/hidpi-themes", test_png_hidpi_and_themes);
  g_test_add_func ("/drawing/graph/pdf-and-width", test_pdf_and_width);
  g_test_add_func ("/drawing/graph/png/too-large", test_too_large_png);
  g_test_add_func ("/drawing/graph/screen", test_draw_on_screen_surface);
  int status = g_test_run ();
  xmlCleanupParser ();
  return status;
}

/* The sequence diagram, checked through its SVG text layer (libxml2), PNG
 * (decoded) and PDF (pdfinfo). */
#include "ui/drawing/export-image.h"
#include "ui/drawing/sequence-draw.h"
#include "drawing-test-traces.h"
#include "drawing-test-util.h"

#include <string.h>

#define MS(x) ((gint64) (x) * 1000000)

static GBytes *
sequence_bytes (FsTrace *trace, const FsSequenceOptions *seq, FsImageFormat format)
{
  FsImageOptions options;
  g_autoptr(GError) error = NULL;
  fs_image_options_init (&options);
  options.format = format;
  GBytes *bytes = fs_export_sequence_bytes (trace, seq, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static void
test_ordered_results (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(GBytes) svg = sequence_bytes (trace, NULL, FS_IMAGE_SVG);
  xmlDocPtr doc = fs_test_parse_svg (svg);

  /* Three lifelines (the hidden launcher is left out), in tree order. */
  g_auto(GStrv) heads = fs_test_xpath_strings (doc, "//s:text[@class='fs-participant']");
  g_assert_cmpuint (g_strv_length (heads), ==, 3);
  g_assert_cmpstr (heads[0], ==, "main");
  g_assert_cmpstr (heads[1], ==, "very expensive");
  g_assert_cmpstr (heads[2], ==, "slightly expensive");
  /* Two CONTs to main, then main releasing both workers. */
  g_auto(GStrv) signals = fs_test_xpath_strings (doc, "//s:text[@class='fs-signal']");
  g_assert_cmpuint (g_strv_length (signals), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (signals[i], ==, "SIGCONT");
  /* Every output line as a note, in time order. */
  g_auto(GStrv) notes = fs_test_xpath_strings (doc, "//s:text[@class='fs-note']");
  g_assert_cmpuint (g_strv_length (notes), ==, 6);
  g_assert_cmpstr (notes[0], ==, "Starting very expensive operation...");
  g_assert_cmpstr (notes[4], ==, "very expensive operation complete.");
  g_assert_cmpstr (notes[5], ==, "slightly expensive operation complete.");
  g_auto(GStrv) all = fs_test_xpath_strings (doc, "//s:g[@id='forkscope-text']/s:text");
  g_assert_true (fs_test_strv_contains (all, "consumed by sigwait"));
  g_assert_true (fs_test_strv_contains (all, "exit: code 0"));
  g_assert_true (fs_test_strv_contains (all, "reaped (code 0)"));
  g_assert_true (fs_test_strv_contains (all, "fork"));
  /* Compressed time marks the 2 s and 3 s sleeps as breaks. */
  g_assert_true (fs_test_strv_contains (all, "2.000 s later"));
  g_assert_true (fs_test_strv_contains (all, "2.999 s later"));
  xmlFreeDoc (doc);
}

static void
test_filters_and_modes (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(GError) error = NULL;
  FsSequenceOptions seq;

  /* Only main and the slightly expensive worker. */
  g_autoptr(GArray) ids = fs_export_parse_process_list (trace, "main,slightly expensive", &error);
  g_assert_no_error (error);
  fs_sequence_options_init (&seq);
  seq.filter.processes = (const FsProcessId *) (gpointer) ids->data;
  seq.filter.n_processes = ids->len;
  g_autoptr(GBytes) svg = sequence_bytes (trace, &seq, FS_IMAGE_SVG);
  xmlDocPtr doc = fs_test_parse_svg (svg);
  g_assert_cmpuint (fs_test_xpath_count (doc, "//s:text[@class='fs-participant']"), ==, 2);
  g_assert_cmpuint (fs_test_xpath_count (doc, "//s:text[@class='fs-signal']"), ==, 2);
  xmlFreeDoc (doc);

  /* A window: only the releasing phase (after 5 s). */
  fs_sequence_options_init (&seq);
  seq.filter.from_ns = MS (5002) + 100000;
  g_autoptr(FsSequenceLayout) window = fs_sequence_layout_new (trace, &seq);
  fs_sequence_options_init (&seq);
  g_autoptr(FsSequenceLayout) whole = fs_sequence_layout_new (trace, &seq);
  g_assert_cmpuint (fs_sequence_layout_get_n_rows (window), <, fs_sequence_layout_get_n_rows (whole) / 2);
  g_assert_cmpuint (fs_sequence_layout_get_n_rows (window), >, 5);
  /* y grows with time. */
  g_assert_cmpfloat (fs_sequence_layout_time_to_y (whole, MS (3)), <,
                     fs_sequence_layout_time_to_y (whole, MS (5002)));

  /* Proportional time: the 3 s wait is drawn taller than the 2 s one (rows
   * keep a minimum spacing, so the ratio is not exact). */
  seq.time_mode = FS_SEQUENCE_TIME_PROPORTIONAL;
  g_autoptr(FsSequenceLayout) real = fs_sequence_layout_new (trace, &seq);
  double y0 = fs_sequence_layout_time_to_y (real, MS (3) + 100000);
  double y1 = fs_sequence_layout_time_to_y (real, MS (2003));
  double y2 = fs_sequence_layout_time_to_y (real, MS (5002));
  g_assert_cmpfloat (y1 - y0, >, 0);
  g_assert_cmpfloat ((y2 - y1) / (y1 - y0), >, 1.2);
  g_assert_cmpfloat ((y2 - y1) / (y1 - y0), <, 8);
  g_assert_cmpfloat (y2 - y1, >, 0.3 * fs_sequence_layout_time_to_y (real, fs_trace_duration (trace)));
}

static void
test_everything (void)
{
  guint n_visible = 0;
  g_autoptr(FsTrace) trace = fs_test_trace_everything (&n_visible);
  g_autoptr(GBytes) svg = sequence_bytes (trace, NULL, FS_IMAGE_SVG);
  xmlDocPtr doc = fs_test_parse_svg (svg);
  g_auto(GStrv) heads = fs_test_xpath_strings (doc, "//s:text[@class='fs-participant']");
  g_assert_cmpuint (g_strv_length (heads), ==, n_visible + 1);
  g_assert_cmpstr (heads[0], ==, "kernel");
  g_auto(GStrv) signals = fs_test_xpath_strings (doc, "//s:text[@class='fs-signal']");
  g_assert_true (fs_test_strv_contains (signals, "SIGCONT (inferred)"));
  g_assert_true (fs_test_strv_contains (signals, "SIGCHLD"));
  g_auto(GStrv) all = fs_test_xpath_strings (doc, "//s:g[@id='forkscope-text']/s:text");
  g_assert_true (fs_test_strv_contains (all, "terminated"));
  g_assert_true (fs_test_strv_contains (all, "stopped"));
  g_assert_true (fs_test_strv_contains (all, "continued"));
  g_assert_true (fs_test_strv_contains (all, "ignored"));
  g_assert_true (fs_test_strv_contains (all, "exit: signal SIGKILL"));
  g_assert_true (fs_test_strv_contains (all, "exec sleep"));
  xmlFreeDoc (doc);
}

static void
test_png_and_pdf (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(GBytes) png = sequence_bytes (trace, NULL, FS_IMAGE_PNG);
  int w = 0, h = 0;
  guint fg = fs_test_png_foreground (png, &w, &h, NULL);
  g_assert_cmpint (w, >, 400);
  g_assert_cmpint (h, >, 400);
  g_assert_cmpuint (fg, >, (guint) (w * h) / 50);
  g_autoptr(GBytes) pdf = sequence_bytes (trace, NULL, FS_IMAGE_PDF);
  g_assert_cmpuint (fs_test_pdf_pages (pdf), ==, 1);
}

static void
test_large_fan_out (void)
{
  /* 300 children: 1,500 events; the layout must stay linear and well formed. */
  g_autoptr(FsTrace) trace = fs_test_trace_fan_out (300);
  g_autoptr(FsSequenceLayout) layout = fs_sequence_layout_new (trace, NULL);
  double w, h;
  fs_sequence_layout_get_size (layout, &w, &h);
  g_assert_cmpuint (fs_sequence_layout_get_n_rows (layout), ==, fs_trace_n_events (trace));
  cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (surface);
  fs_sequence_draw (cr, layout, NULL);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/drawing/sequence/ordered-results", test_ordered_results);
  g_test_add_func ("/drawing/sequence/filters-and-modes", test_filters_and_modes);
  g_test_add_func ("/drawing/sequence/everything", test_everything);
  g_test_add_func ("/drawing/sequence/png-and-pdf", test_png_and_pdf);
  g_test_add_func ("/drawing/sequence/large", test_large_fan_out);
  int status = g_test_run ();
  xmlCleanupParser ();
  return status;
}

/* test-ui-e2e.c: the real `forkscope` binary on a shipped scenario under a
 * virtual display: it runs the scenario (forkscope-cli run --fast), plays
 * the trace to the end, and a screenshot of the screen must show the graph —
 * node-coloured pixels where the graph is — while a window showing an error
 * instead must not pass the same check. */
#include "ui/drawing/palette.h"

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>

typedef struct {
  GMainLoop *loop;
  GDataInputStream *stdout_lines;
  gboolean reached_end;
  gboolean timed_out;
} Run;

static void read_line_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
read_next (Run *run)
{
  g_data_input_stream_read_line_async (run->stdout_lines, G_PRIORITY_DEFAULT, NULL, read_line_cb, run);
}

static void
read_line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  if (line == NULL)
    {
      g_main_loop_quit (run->loop);     /* the app exited */
      return;
    }
  if (strstr (line, "playback reached the end") != NULL)
    {
      run->reached_end = TRUE;
      g_main_loop_quit (run->loop);
      return;
    }
  read_next (run);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Run *run = user_data;
  run->timed_out = TRUE;
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
sleep_ms (guint ms)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_timeout_add (ms, quit_cb, loop);
  g_main_loop_run (loop);
}

static void
screenshot (const char *path)
{
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { "import", "-window", "root", path, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The graph view paints the drawing palette's background and draws nodes,
 * names and edges on it; GTK's own pages (empty, loading, error) have the
 * theme's background instead.  Counted in the graph area: the left part of
 * the window, under the header bar and above the legend and timeline. */
typedef struct {
  guint background;   /* pixels of the graph palette's background */
  guint ink;          /* pixels clearly not background: nodes, text, edges */
  guint total;
} PixelCounts;

static PixelCounts
count_graph_pixels (const char *png)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (png);
  const FsPalette *palette = fs_palette_get (FS_THEME_LIGHT);
  const FsRgb *bg = &palette->background;
  PixelCounts counts = { 0 };
  int width, height, stride;
  const guint8 *data;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 100; y < height - 230; y++)
    for (int x = 10; x < width * 55 / 100; x++)
      {
        const guint8 *p = data + y * stride + x * 4;   /* B G R x */
        double dr = fabs (p[2] - bg->r * 255), dg = fabs (p[1] - bg->g * 255), db = fabs (p[0] - bg->b * 255);

        counts.total++;
        if (dr <= 2 && dg <= 2 && db <= 2)
          counts.background++;
        else if (dr + dg + db > 40)
          counts.ink++;
      }
  cairo_surface_destroy (surface);
  return counts;
}

/* Starts forkscope on file, waits for the end of playback (or, when
 * expect_end is FALSE, a few seconds), takes a screenshot into png. */
static gboolean
run_app (const char *file, const char *png, gboolean expect_end)
{
  const char *build_root = g_getenv ("FS_BUILD_ROOT");
  g_autofree char *app = g_build_filename (build_root, "app", "forkscope", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) subprocess = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Run run = { 0 };
  guint timeout_id;

  subprocess = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                 app, "--fast", "--speed", "20", "--report-end", file, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (subprocess));
  run.loop = loop;
  run.stdout_lines = lines;
  read_next (&run);
  timeout_id = g_timeout_add_seconds (expect_end ? 60 : 4, timeout_cb, &run);
  g_main_loop_run (loop);
  if (!run.timed_out)
    g_source_remove (timeout_id);

  sleep_ms (600);               /* let the last frame reach the screen */
  screenshot (png);
  g_subprocess_send_signal (subprocess, SIGTERM);
  g_subprocess_wait (subprocess, NULL, NULL);
  return run.reached_end;
}

static void
test_scenario_to_end (void)
{
  const char *source_root = g_getenv ("FS_SOURCE_ROOT");
  const char *build_root = g_getenv ("FS_BUILD_ROOT");
  g_autofree char *scenario = g_build_filename (source_root, "data", "scenarios", "ordered-results.fsc", NULL);
  g_autofree char *dir = g_dir_make_tmp ("forkscope-e2e-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "good.png", NULL);
  g_autofree char *bad_png = g_build_filename (dir, "bad.png", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.fstrace", NULL);
  g_autofree char *kept = g_build_filename (build_root, "tests", "ui-e2e-screenshot.png", NULL);
  PixelCounts good_counts, bad_counts;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display (run under tests/run-with-xvfb.sh)");
      return;
    }
  g_assert_true (g_file_test (scenario, G_FILE_TEST_IS_REGULAR));

  g_assert_true (run_app (scenario, good, TRUE));
  good_counts = count_graph_pixels (good);
  g_test_message ("with the graph: %u of %u pixels are graph background, %u ink",
                  good_counts.background, good_counts.total, good_counts.ink);

  /* The same check on a window that shows an error must fail. */
  g_assert_true (g_file_set_contents (garbage, "not a trace\n", -1, NULL));
  g_assert_false (run_app (garbage, bad_png, FALSE));
  bad_counts = count_graph_pixels (bad_png);
  g_test_message ("with an error: %u of %u pixels are graph background, %u ink",
                  bad_counts.background, bad_counts.total, bad_counts.ink);

  /* Keep the screenshots in the build tree for people to look at. */
  {
    g_autofree char *contents = NULL;
    g_autofree char *kept_bad = g_build_filename (build_root, "tests", "ui-e2e-error-screenshot.png", NULL);
    gsize length;
    if (g_file_get_contents (good, &contents, &length, NULL))
      g_file_set_contents (kept, contents, (gssize) length, NULL);
    g_clear_pointer (&contents, g_free);
    if (g_file_get_contents (bad_png, &contents, &length, NULL))
      g_file_set_contents (kept_bad, contents, (gssize) length, NULL);
  }

  /* The graph: its own background, with a few thousand pixels of drawing on it. */
  g_assert_cmpuint (good_counts.background, >, good_counts.total / 2);
  g_assert_cmpuint (good_counts.ink, >=, 1500);
  /* An error page is not the graph. */
  g_assert_cmpuint (bad_counts.background, <, bad_counts.total / 10);
  g_unlink (good);
  g_unlink (bad_png);
  g_unlink (garbage);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/e2e/scenario-plays-to-end", test_scenario_to_end);
  return g_test_run ();
}

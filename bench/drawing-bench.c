/* drawing-bench: speed of the drawing code on synthetic traces (thread CPU
 * time, so other jobs on a shared machine do not count).
 *
 *   drawing-bench [REPEATS]
 *
 * Prints one line per measurement with the median (and min/max) in ms:
 *  - graph layout of 10,000 processes;
 *  - a graph snapshot of 1,000 processes drawn into a 1920×1080 frame, as
 *    the app does: fitted to the window (everything visible, small) and at
 *    1:1 zoom (a viewport of the graph);
 *  - a sequence diagram of 10,000 events: layout + drawing the whole diagram
 *    (recording surface), and the full SVG export;
 *  - process lanes of a 10,000-process, 1,000,000-event trace: layout, and a
 *    1920x1080 frame of the whole time range, of a scrolled middle and of a
 *    1 % zoomed window (what the app's lanes view draws per frame). */
#include "core/trace-synth.h"
#include "ui/drawing/export-image.h"
#include "ui/drawing/graph-draw.h"
#include "ui/drawing/graph-layout.h"
#include "ui/drawing/lanes-draw.h"
#include "ui/drawing/sequence-draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, double *ms, int n, double target)
{
  qsort (ms, (size_t) n, sizeof *ms, compare_double);
  printf ("%-58s median %8.2f ms  (min %.2f, max %.2f)%s\n", what, ms[n / 2], ms[0], ms[n - 1],
          target > 0 ? (ms[n / 2] <= target ? "  [target met]" : "  [TARGET MISSED]") : "");
}

/* CPU time of this thread: the machine is shared, and wall time would
 * measure the other jobs as much as ours. */
static double clock_start;

static double
cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
tick (void)
{
  clock_start = cpu_ms ();
}

static double
tock (void)
{
  return cpu_ms () - clock_start;
}

int
main (int argc, char **argv)
{
  int repeats = argc > 1 ? atoi (argv[1]) : 9;
  if (repeats < 1)
    repeats = 1;
  double *ms = g_new (double, repeats);

  /* Layout of 10,000 processes. */
  g_autoptr(FsTrace) big = fs_trace_synth (10000, 200000, 1);
  printf ("(layout trace: %u processes, %" G_GSIZE_FORMAT " events)\n", fs_trace_n_processes (big),
          fs_trace_n_events (big));
  for (int i = 0; i < repeats; i++)
    {
      tick (); FsGraphLayout *l = fs_graph_layout_new (big, NULL); fs_graph_layout_free (l);   ms[i] = tock ();
    }
  report ("graph layout, 10,000 processes", ms, repeats, 1000);

  /* Snapshot of 1,000 processes. */
  g_autoptr(FsTrace) mid = fs_trace_synth (1000, 20000, 2);
  g_autoptr(FsGraphLayout) layout = fs_graph_layout_new (mid, NULL);
  printf ("(snapshot trace: %u processes, %" G_GSIZE_FORMAT " events)\n", fs_trace_n_processes (mid),
          fs_trace_n_events (mid));
  gint64 t = fs_trace_duration (mid) / 2;
  FsGraphStyle style;
  double w, h;
  fs_graph_style_init (&style, FS_THEME_LIGHT);
  fs_graph_get_size (layout, &style, &w, &h);
  cairo_surface_t *frame = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1920, 1080);
  double fit = MIN (1920 / w, 1080 / h);
  for (int i = 0; i < repeats; i++)
    {
      tick ();
      cairo_t *cr = cairo_create (frame);
      cairo_scale (cr, fit, fit);
      fs_graph_draw (cr, mid, layout, t, &style);
      cairo_destroy (cr);
      cairo_surface_flush (frame);
      ms[i] = tock ();
    }
  g_autofree char *what_fit = g_strdup_printf ("graph snapshot, 1,000 processes, fit to 1920x1080 (x%.3f)", fit);
  report (what_fit, ms, repeats, 10);
  for (int i = 0; i < repeats; i++)
    {
      tick ();
      cairo_t *cr = cairo_create (frame);
      cairo_translate (cr, -w / 3, -h / 3);
      fs_graph_draw (cr, mid, layout, t, &style);
      cairo_destroy (cr);
      cairo_surface_flush (frame);
      ms[i] = tock ();
    }
  report ("graph snapshot, 1,000 processes, 1:1 viewport 1920x1080", ms, repeats, 10);
  for (int i = 0; i < repeats; i++)
    {
      tick ();
      cairo_t *cr = cairo_create (frame);
      cairo_scale (cr, 0.5, 0.5);
      cairo_translate (cr, -w / 4, -h / 4);
      fs_graph_draw (cr, mid, layout, t, &style);
      cairo_destroy (cr);
      cairo_surface_flush (frame);
      ms[i] = tock ();
    }
  report ("graph snapshot, 1,000 processes, 1:2 viewport 1920x1080", ms, repeats, 10);
  cairo_surface_destroy (frame);
  printf ("  (graph of 1,000 processes: %.0f x %.0f units)\n", w, h);

  /* Sequence diagram of 10,000 events. */
  g_autoptr(FsTrace) seq = fs_trace_synth (300, 10000, 3);
  for (int i = 0; i < repeats; i++)
    {
      tick ();
      FsSequenceLayout *sl = fs_sequence_layout_new (seq, NULL);
      cairo_surface_t *rec = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
      cairo_t *cr = cairo_create (rec);
      fs_sequence_draw (cr, sl, NULL);
      cairo_destroy (cr);
      cairo_surface_destroy (rec);
      fs_sequence_layout_free (sl);
      ms[i] = tock ();
    }
  report ("sequence diagram, 10,000 events: layout + draw", ms, repeats, 1000);
  for (int i = 0; i < repeats; i++)
    {
      tick ();
      FsSequenceLayout *sl = fs_sequence_layout_new (seq, NULL);
      ms[i] = tock ();
      fs_sequence_layout_free (sl);
    }
  report ("sequence diagram, 10,000 events: layout alone", ms, repeats, 0);
  FsImageOptions io;
  fs_image_options_init (&io);
  gsize svg_len = 0;
  for (int i = 0; i < MIN (repeats, 5); i++)
    {
      tick ();
      g_autoptr(GError) error = NULL;
      GBytes *b = fs_export_sequence_bytes (seq, NULL, &io, &error);
      if (b == NULL)
        g_error ("sequence export: %s", error->message);
      svg_len = g_bytes_get_size (b);
      g_bytes_unref (b);
      ms[i] = tock ();
    }
  report ("sequence diagram, 10,000 events: SVG export", ms, MIN (repeats, 5), 0);
  printf ("  (SVG: %.1f MB)\n", svg_len / 1e6);

  /* Process lanes, 10,000 processes and 1,000,000 events. */
  g_autoptr(FsTrace) huge = fs_trace_synth (10000, 1000000, 4);
  printf ("(lanes trace: %u processes, %" G_GSIZE_FORMAT " events)\n", fs_trace_n_processes (huge),
          fs_trace_n_events (huge));
  for (int i = 0; i < repeats; i++)
    {
      tick (); FsLanesLayout *ll = fs_lanes_layout_new (huge, NULL); fs_lanes_layout_free (ll); ms[i] = tock ();
    }
  report ("lanes layout, 10,000 processes", ms, repeats, 0);
  g_autoptr(FsLanesLayout) lanes = fs_lanes_layout_new (huge, NULL);
  cairo_surface_t *screen = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1920, 1080);
  static const struct { const char *what; double scroll_share; double zoom; } frames[] = {
    { "lanes frame 1920x1080, whole trace, top rows", 0.0, 1.0 },
    { "lanes frame 1920x1080, whole trace, middle rows", 0.5, 1.0 },
    { "lanes frame 1920x1080, 1 % window, middle rows", 0.5, 0.01 },
  };
  for (guint f = 0; f < G_N_ELEMENTS (frames); f++)
    {
      FsLanesView view;
      fs_lanes_view_init (&view, lanes, 1920);
      view.height = 1080;
      view.scroll_y = frames[f].scroll_share * fs_lanes_get_content_height (lanes, &view);
      gint64 span = (gint64) ((double) fs_trace_duration (huge) * frames[f].zoom);
      view.from_ns = fs_trace_duration (huge) / 2 - span / 2;
      view.to_ns = view.from_ns + span;
      view.playhead_ns = fs_trace_duration (huge) / 2;
      for (int i = 0; i < repeats; i++)
        {
          tick ();
          cairo_t *cr = cairo_create (screen);
          fs_lanes_draw (cr, lanes, &view);
          cairo_destroy (cr);
          cairo_surface_flush (screen);
          ms[i] = tock ();
        }
      report (frames[f].what, ms, repeats, 16);
    }
  cairo_surface_destroy (screen);
  g_free (ms);
  return 0;
}

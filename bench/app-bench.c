/* app-bench.c: the GTK app's speed on a big trace, measured with the frame
 * clock (run it under a display, e.g. bench/app-bench.sh uses Xvfb).
 *
 *   app-bench TRACE.fstrace
 *
 * Prints one "name value" line per figure:
 *   open_to_first_frame_ms   fs_window_open() → the first frame painted with the trace
 *                            (_cpu_ms: CPU time of all threads over that span)
 *   play_frame_work_p50/p95_ms    CPU time per frame (frame clock update → after-paint)
 *   play_frame_interval_p95_ms    time between frames while playing
 *   drag_frame_work_p50/p95_ms    the same while the playhead is dragged across the trace
 *   list_scroll_p50/max_ms        event list: jump to a random row until it is painted
 *   list_filter_<what>_ms         event list: apply a filter until it is painted
 *
 *   app-bench --live TRACE.fstrace [RECORDS_PER_REFRESH]
 *
 * The live view's refresh on a recording that grows: the window shows all
 * but the last few event records of TRACE (which fs_trace_save writes with
 * every process first, so any prefix ending on a record is a recording cut
 * between two syncs), then the file grows by RECORDS_PER_REFRESH event
 * records (8,192 events each; default 1) at a time and the view refreshes,
 * as fs-live-run.c does:
 *   live_before_*   the way it was: fs_trace_load of the whole file (in the
 *                   worker thread), then a new trace for the window
 *   live_after_*    the double-buffered follower: read, apply and finish into
 *                   the back trace (thread), swap it into the trace shown
 *                   (main thread, O(1)), the views extend what they built
 * Each figure is the median over the refreshes: the whole refresh until the
 * frame is painted (wall), the main thread's part (wall until painted, and
 * CPU), and the parts.
 */
#include "ui/fs-application.h"
#include "ui/fs-window.h"
#include "core/trace-file.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of the main (GTK) thread, µs: unlike wall time, it does not grow
 * when other jobs share the machine. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

typedef struct {
  GdkFrameClock *clock;
  gint64 frame_start;
  gint64 frame_cpu_start;
  GArray *work;                 /* gint64 µs per frame (wall) */
  GArray *cpu;                  /* gint64 µs per frame (main thread CPU) */
  GArray *intervals;
  gint64 last_frame_time;
  gboolean recording;
  guint painted;                /* frames painted since the counter was reset */
} Frames;

static Frames frames;

static void
update_cb (GdkFrameClock *clock, gpointer data)
{
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  frames.frame_start = g_get_monotonic_time ();
  frames.frame_cpu_start = thread_cpu_us ();
  if (frames.recording && frames.last_frame_time != 0)
    {
      gint64 interval = now - frames.last_frame_time;
      g_array_append_val (frames.intervals, interval);
    }
  frames.last_frame_time = now;
}

static void
after_paint_cb (GdkFrameClock *clock, gpointer data)
{
  gint64 work = g_get_monotonic_time () - frames.frame_start;
  gint64 cpu = thread_cpu_us () - frames.frame_cpu_start;

  frames.painted++;
  if (frames.recording && frames.frame_start != 0)
    {
      g_array_append_val (frames.work, work);
      g_array_append_val (frames.cpu, cpu);
    }
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *values, double p)
{
  gsize index;

  if (values->len == 0)
    return -1;
  g_array_sort (values, compare_gint64);
  index = (gsize) (p * (values->len - 1) + 0.5);
  return g_array_index (values, gint64, index) / 1000.0;
}

static void
iterate_for (gint64 us)
{
  gint64 end = g_get_monotonic_time () + us;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* Runs the loop until the next frame has been painted; returns the time it took. */
static gint64
until_painted (gint64 start)
{
  guint target = frames.painted + 1;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (frames.painted < target && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return g_get_monotonic_time () - start;
}

static void
reset_recording (void)
{
  g_array_set_size (frames.work, 0);
  g_array_set_size (frames.cpu, 0);
  g_array_set_size (frames.intervals, 0);
  frames.last_frame_time = 0;
}

static gboolean
drag_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  FsSession *session = user_data;
  gint64 duration = fs_session_get_duration (session);
  /* Sweep back and forth across the whole trace, as a hand dragging the playhead. */
  gint64 step = duration / 240;
  static gint64 t = 0;
  static int direction = 1;

  t += direction * step;
  if (t >= duration || t <= 0)
    direction = -direction;
  fs_session_seek (session, CLAMP (t, 0, duration));
  return G_SOURCE_CONTINUE;
}

/* ---- live refresh ------------------------------------------------------ */

/* End offsets of the file's records: header 32 bytes, then records of
 * u16 type, u16 flags, u32 length. */
static GArray *
record_ends (const guint8 *data, gsize len, GArray *event_record)
{
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize off = 32;
  while (off + 8 <= len)
    {
      guint16 type = (guint16) (data[off] | data[off + 1] << 8);
      guint32 length = (guint32) data[off + 4] | (guint32) data[off + 5] << 8
                       | (guint32) data[off + 6] << 16 | (guint32) data[off + 7] << 24;
      if (length < 8 || off + length > len)
        break;
      off += length;
      gboolean is_events = type == 5;
      g_array_append_val (ends, off);
      g_array_append_val (event_record, is_events);
    }
  return ends;
}

static void
write_prefix (const char *path, const guint8 *data, gsize from, gsize to)
{
  FILE *out = fopen (path, from == 0 ? "wb" : "ab");
  if (out == NULL || fwrite (data + from, 1, to - from, out) != to - from || fclose (out) != 0)
    {
      g_printerr ("app-bench: cannot write %s\n", path);
      exit (1);
    }
}

static double
median_ms (GArray *values)
{
  return percentile_ms (values, 0.5);
}

static int
live_bench (const char *trace_path, guint records_per_refresh)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (trace_path, &bytes, &len, &error))
    {
      g_printerr ("app-bench: %s\n", error->message);
      return 1;
    }
  const guint8 *data = (const guint8 *) bytes;
  g_autoptr (GArray) is_events = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr (GArray) ends = record_ends (data, len, is_events);
  /* The last records: END, then the last event records. */
  guint refreshes = 6;
  guint last_event = ends->len;
  while (last_event > 0 && !g_array_index (is_events, gboolean, last_event - 1))
    last_event--;
  guint needed = refreshes * records_per_refresh * 2;   /* before and after each take a share */
  if (last_event < needed + 1)
    {
      g_printerr ("app-bench: the trace has too few event records\n");
      return 1;
    }
  guint start_record = last_event - needed;   /* records [0, start_record) are shown first */
  g_autofree char *dir = g_dir_make_tmp ("app-bench-live-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "recording.fstrace", NULL);

  FsWindow *window = fs_window_new (NULL);
  fs_window_set_autoplay (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  iterate_for (500000);
  frames.clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (frames.clock, "update", G_CALLBACK (update_cb), NULL);
  g_signal_connect (frames.clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  FsSession *session = fs_window_get_session (window);

  g_autoptr (GArray) before_ms = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) before_cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) before_load = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) before_main = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) after_ms = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) after_cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) after_read = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) after_apply = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) after_finish = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) after_show = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) after_main = g_array_new (FALSE, FALSE, sizeof (gint64));
  gsize shown_end = g_array_index (ends, gsize, start_record - 1);
  gsize new_events = 0;

  /* Before: every refresh loads the whole file and shows a new trace. */
  write_prefix (path, data, 0, shown_end);
  {
    g_autoptr (FsTrace) first = fs_trace_load (path, NULL, &error);
    fs_window_show_live_trace (window, first, path, "bench", TRUE, NULL);
    printf ("live_trace_events %" G_GSIZE_FORMAT "\n", fs_trace_n_events (first));
    until_painted (g_get_monotonic_time ());
  }
  guint record = start_record;
  for (guint r = 0; r < refreshes; r++)
    {
      gsize from = shown_end;
      record += records_per_refresh;
      shown_end = g_array_index (ends, gsize, record - 1);
      write_prefix (path, data, from, shown_end);
      gint64 t0 = g_get_monotonic_time (), cpu0 = thread_cpu_us ();
      /* (in the app this part runs in a worker thread) */
      g_autoptr (FsTrace) trace = fs_trace_load (path, NULL, &error);
      gint64 loaded = g_get_monotonic_time () - t0, load_cpu = thread_cpu_us () - cpu0;
      gint64 n_before = (gint64) fs_trace_n_events (fs_session_get_trace (session));
      fs_window_show_live_trace (window, trace, path, "bench", TRUE, NULL);
      gint64 took = until_painted (t0);
      gint64 cpu = thread_cpu_us () - cpu0 - load_cpu;   /* the main thread's share */
      new_events = fs_trace_n_events (trace) - (gsize) n_before;
      g_array_append_val (before_ms, took);
      gint64 main_wall = took - loaded;
      g_array_append_val (before_main, main_wall);
      g_array_append_val (before_cpu, cpu);
      g_array_append_val (before_load, loaded);
      iterate_for (200000);
    }

  /* After: the double-buffered follower, one trace object shown. */
  g_autoptr (FsTraceFollower) follower = fs_trace_follower_new_double_buffered (path);
  if (!fs_trace_follower_update_back (follower, &error) || !fs_trace_follower_swap (follower, NULL))
    {
      g_printerr ("app-bench: %s\n", error ? error->message : "nothing to show");
      return 1;
    }
  fs_window_show_live_trace (window, fs_trace_follower_get_trace (follower), path, "bench", TRUE, NULL);
  until_painted (g_get_monotonic_time ());
  iterate_for (200000);
  for (guint r = 0; r < refreshes; r++)
    {
      gsize from = shown_end;
      record += records_per_refresh;
      shown_end = g_array_index (ends, gsize, record - 1);
      write_prefix (path, data, from, shown_end);
      gint64 t0 = g_get_monotonic_time ();
      /* (in the app this part runs in a worker thread: read, apply, finish
       * into the back trace) */
      if (!fs_trace_follower_update_back (follower, &error))
        {
          g_printerr ("app-bench: %s\n", error->message);
          return 1;
        }
      gint64 in_thread = g_get_monotonic_time () - t0;
      gint64 cpu0 = thread_cpu_us (), t1 = g_get_monotonic_time ();
      FsTraceGrowth growth;
      if (!fs_trace_follower_swap (follower, &growth))
        {
          g_printerr ("app-bench: the back trace had nothing new\n");
          return 1;
        }
      gint64 swapped = g_get_monotonic_time () - t1;
      FsTrace *trace = fs_trace_follower_get_trace (follower);
      gint64 t2 = g_get_monotonic_time ();
      fs_window_show_live_trace (window, trace, path, "bench", TRUE, &growth);
      gint64 shown = g_get_monotonic_time () - t2;
      until_painted (t1);
      gint64 took = g_get_monotonic_time () - t0;
      gint64 main_wall = g_get_monotonic_time () - t1;
      gint64 cpu = thread_cpu_us () - cpu0;
      g_array_append_val (after_ms, took);
      g_array_append_val (after_cpu, cpu);
      g_array_append_val (after_read, in_thread);
      g_array_append_val (after_apply, swapped);
      g_array_append_val (after_show, shown);
      g_array_append_val (after_main, main_wall);
      /* The thread's share that is fs_trace_finish, which rebuilds the
       * trace's indices over every event: timed again on its own. */
      gint64 t3 = g_get_monotonic_time ();
      fs_trace_finish (trace, NULL);
      gint64 finish = g_get_monotonic_time () - t3;
      g_array_append_val (after_finish, finish);
      iterate_for (200000);
    }

  printf ("live_new_events_per_refresh %" G_GSIZE_FORMAT "\n", new_events);
  printf ("live_refreshes %u\n", refreshes);
  printf ("live_before_refresh_ms %.1f\n", median_ms (before_ms));
  printf ("live_before_load_ms %.1f\n", median_ms (before_load));
  printf ("live_before_main_ms %.1f\n", median_ms (before_main));
  printf ("live_before_main_cpu_ms %.1f\n", median_ms (before_cpu));
  printf ("live_after_refresh_ms %.1f\n", median_ms (after_ms));
  printf ("live_after_thread_ms %.1f\n", median_ms (after_read));
  printf ("live_after_thread_finish_ms %.1f\n", median_ms (after_finish));
  printf ("live_after_main_ms %.1f\n", median_ms (after_main));
  printf ("live_after_swap_ms %.3f\n", median_ms (after_apply));
  printf ("live_after_show_ms %.1f\n", median_ms (after_show));
  printf ("live_after_main_cpu_ms %.1f\n", median_ms (after_cpu));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GFile) file = NULL;
  FsWindow *window;
  FsSession *session;
  FsEventList *list;
  gint64 start, elapsed, open_cpu_start;

  gboolean live = argc >= 3 && strcmp (argv[1], "--live") == 0;
  if (!live && argc != 2)
    {
      g_printerr ("usage: app-bench TRACE.fstrace\n"
                  "       app-bench --live TRACE.fstrace [RECORDS_PER_REFRESH]\n");
      return 2;
    }
  gtk_init ();
  fs_application_ensure_resources ();
  frames.work = g_array_new (FALSE, FALSE, sizeof (gint64));
  frames.cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  frames.intervals = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (live)
    return live_bench (argv[2], argc >= 4 ? (guint) MAX (atoi (argv[3]), 1) : 1);

  window = fs_window_new (NULL);
  fs_window_set_autoplay (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  iterate_for (500000);
  frames.clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (frames.clock, "update", G_CALLBACK (update_cb), NULL);
  g_signal_connect (frames.clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  session = fs_window_get_session (window);
  list = fs_window_get_event_list (window);

  /* Open → first frame with the trace on screen. */
  file = g_file_new_for_commandline_arg (argv[1]);
  {
    struct timespec ts;
    clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
    open_cpu_start = (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
  }
  start = g_get_monotonic_time ();
  fs_window_open (window, file);
  while (fs_session_get_trace (session) == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_strcmp0 (fs_window_get_page (window), "error") == 0)
        {
          g_printerr ("app-bench: %s\n", fs_window_get_error_text (window));
          return 1;
        }
    }
  elapsed = until_painted (start);
  printf ("trace_events %" G_GSIZE_FORMAT "\n", fs_trace_n_events (fs_session_get_trace (session)));
  printf ("trace_processes %u\n", fs_trace_n_processes (fs_session_get_trace (session)));
  printf ("open_to_first_frame_ms %.1f\n", elapsed / 1000.0);
  {
    struct timespec ts;
    clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
    printf ("open_to_first_frame_cpu_ms %.1f\n",
            ((gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000 - open_cpu_start) / 1000.0);
  }
  iterate_for (1000000);

  /* Playback in real time, at the speed that crosses the whole trace in the
   * 5 s measured (the synthetic trace lasts 1 s: 0.2×, ~3,300 events a frame). */
  fs_session_set_speed (session, CLAMP (fs_session_get_duration (session) / 5e9, 0.1, 100.0));
  fs_session_set_step_mode (session, FALSE);
  fs_session_go_home (session);
  reset_recording ();
  frames.recording = TRUE;
  fs_session_set_playing (session, TRUE);
  iterate_for (5 * G_USEC_PER_SEC);
  fs_session_set_playing (session, FALSE);
  frames.recording = FALSE;
  printf ("play_speed %.2f\n", fs_session_get_speed (session));
  printf ("play_frames %u\n", frames.work->len);
  printf ("play_frame_work_p50_ms %.2f\n", percentile_ms (frames.work, 0.5));
  printf ("play_frame_work_p95_ms %.2f\n", percentile_ms (frames.work, 0.95));
  printf ("play_frame_cpu_p50_ms %.2f\n", percentile_ms (frames.cpu, 0.5));
  printf ("play_frame_cpu_p95_ms %.2f\n", percentile_ms (frames.cpu, 0.95));
  printf ("play_frame_interval_p95_ms %.2f\n", percentile_ms (frames.intervals, 0.95));

  /* Dragging the playhead across the whole trace, one seek per frame. */
  {
    guint id = gtk_widget_add_tick_callback (GTK_WIDGET (window), drag_tick_cb, session, NULL);
    reset_recording ();
    frames.recording = TRUE;
    iterate_for (4 * G_USEC_PER_SEC);
    frames.recording = FALSE;
    gtk_widget_remove_tick_callback (GTK_WIDGET (window), id);
    printf ("drag_frames %u\n", frames.work->len);
    printf ("drag_frame_work_p50_ms %.2f\n", percentile_ms (frames.work, 0.5));
    printf ("drag_frame_work_p95_ms %.2f\n", percentile_ms (frames.work, 0.95));
    printf ("drag_frame_cpu_p50_ms %.2f\n", percentile_ms (frames.cpu, 0.5));
    printf ("drag_frame_cpu_p95_ms %.2f\n", percentile_ms (frames.cpu, 0.95));
    printf ("drag_frame_interval_p95_ms %.2f\n", percentile_ms (frames.intervals, 0.95));
  }

  /* Event list: jumps to random rows (each one seeks the playhead too). */
  {
    GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
    guint n = g_list_model_get_n_items (G_LIST_MODEL (fs_event_list_get_model (list)));
    GRand *rand = g_rand_new_with_seed (1);

    for (int i = 0; i < 40; i++)
      {
        gint64 t0 = g_get_monotonic_time ();
        gint64 took;
        fs_event_list_activate_row (list, g_rand_int_range (rand, 0, (gint32) n));
        took = until_painted (t0);
        g_array_append_val (times, took);
      }
    printf ("list_scroll_p50_ms %.1f\n", percentile_ms (times, 0.5));
    printf ("list_scroll_max_ms %.1f\n", percentile_ms (times, 1.0));
    g_rand_free (rand);
    g_array_unref (times);
  }

  /* Event list filters, each until painted. */
  {
    struct { const char *name; int step; } steps[] = {
      { "kind_signals", 0 }, { "search_text", 1 }, { "process", 2 }, { "clear", 3 },
    };
    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        gint64 t0 = g_get_monotonic_time ();
        switch (steps[i].step)
          {
          case 0: fs_event_list_set_kind_filter (list, FS_KIND_FILTER_SIGNALS); break;
          case 1: fs_event_list_set_kind_filter (list, FS_KIND_FILTER_ALL);
                  fs_event_list_set_search (list, "sig"); break;
          case 2: fs_event_list_set_search (list, NULL);
                  fs_event_list_set_process_filter (list, 5); break;
          default: fs_event_list_set_process_filter (list, FS_PROCESS_NONE); break;
          }
        printf ("list_filter_%s_ms %.1f\n", steps[i].name, until_painted (t0) / 1000.0);
        printf ("list_filter_%s_rows %u\n", steps[i].name,
                g_list_model_get_n_items (G_LIST_MODEL (fs_event_list_get_model (list))));
      }
  }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

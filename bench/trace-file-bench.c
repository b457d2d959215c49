/* trace-file-bench.c: times the .fstrace writer and reader on a synthetic
 * trace.  One measurement per run; bench/trace-file-bench.sh takes medians.
 *
 *   trace-file-bench write PROCESSES EVENTS OUT   → write_s, write_cpu_s, bytes, bytes_per_event
 *   trace-file-bench open FILE                    → open_s, open_cpu_s, peak_rss_kib, events
 *
 * "open" is fs_trace_load (read, validate, fs_trace_finish) in a fresh
 * process, so its peak RSS is what opening the file costs.
 */
#include "core/trace-file.h"
#include "core/trace-synth.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* User + system CPU time of this process: on a shared, loaded machine it
 * shows the work done, which wall time mixes with waiting for a CPU. */
static double
cpu_seconds (void)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static double
seconds_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1e6;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  if (argc == 5 && g_str_equal (argv[1], "write"))
    {
      guint n_processes = (guint) g_ascii_strtoull (argv[2], NULL, 10);
      gsize n_events = (gsize) g_ascii_strtoull (argv[3], NULL, 10);
      g_autoptr (FsTrace) trace = fs_trace_synth (n_processes, n_events, 1);
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_seconds ();
      if (!fs_trace_save (trace, argv[4], &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      double elapsed = seconds_since (start);
      double cpu = cpu_seconds () - cpu_start;
      struct stat st;
      if (stat (argv[4], &st) != 0)
        return 1;
      g_print ("write_s=%.4f write_cpu_s=%.4f bytes=%lld bytes_per_event=%.2f\n", elapsed,
               cpu, (long long) st.st_size, (double) st.st_size / MAX (n_events, 1));
      return 0;
    }
  if (argc == 3 && g_str_equal (argv[1], "open"))
    {
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_seconds ();
      g_autofree char *warning = NULL;
      g_autoptr (FsTrace) trace = fs_trace_load (argv[2], &warning, &error);
      double elapsed = seconds_since (start);
      double cpu = cpu_seconds () - cpu_start;
      if (!trace)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      struct rusage usage;
      getrusage (RUSAGE_SELF, &usage);
      g_print ("open_s=%.4f open_cpu_s=%.4f peak_rss_kib=%ld events=%" G_GSIZE_FORMAT "\n",
               elapsed, cpu, usage.ru_maxrss, fs_trace_n_events (trace));
      return 0;
    }
  g_printerr ("usage: %s write PROCESSES EVENTS OUT | open FILE\n", argv[0]);
  return 2;
}

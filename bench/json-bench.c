/* json-bench.c: times the JSON export and import on a synthetic trace.  One
 * measurement per run; bench/json-bench.sh takes medians.
 *
 *   json-bench export PROCESSES EVENTS OUT   → export_s, export_cpu_s, bytes, bytes_per_event
 *   json-bench import FILE                   → import_s, import_cpu_s, peak_rss_kib, events
 *
 * "import" is fs_trace_load_json (parse, validate, fs_trace_finish) in a
 * fresh process, so its peak RSS is what importing costs.
 */
#include "core/trace-json.h"
#include "core/trace-synth.h"

#include <sys/resource.h>
#include <sys/stat.h>

static double
cpu_seconds (void)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  if (argc == 5 && g_str_equal (argv[1], "export"))
    {
      guint n_processes = (guint) g_ascii_strtoull (argv[2], NULL, 10);
      gsize n_events = (gsize) g_ascii_strtoull (argv[3], NULL, 10);
      g_autoptr (FsTrace) trace = fs_trace_synth (n_processes, n_events, 1);
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_seconds ();
      struct stat st;

      if (!fs_trace_save_json (trace, argv[4], &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      if (stat (argv[4], &st) != 0)
        return 1;
      g_print ("export_s=%.4f export_cpu_s=%.4f bytes=%lld bytes_per_event=%.2f\n",
               (g_get_monotonic_time () - start) / 1e6, cpu_seconds () - cpu_start,
               (long long) st.st_size, (double) st.st_size / MAX (n_events, 1));
      return 0;
    }
  if (argc == 3 && g_str_equal (argv[1], "import"))
    {
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_seconds ();
      g_autoptr (FsTrace) trace = fs_trace_load_json (argv[2], &error);
      struct rusage usage;

      if (trace == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      getrusage (RUSAGE_SELF, &usage);
      g_print ("import_s=%.4f import_cpu_s=%.4f peak_rss_kib=%ld events=%" G_GSIZE_FORMAT "\n",
               (g_get_monotonic_time () - start) / 1e6, cpu_seconds () - cpu_start,
               usage.ru_maxrss, fs_trace_n_events (trace));
      return 0;
    }
  g_printerr ("usage: %s export PROCESSES EVENTS OUT | import FILE\n", argv[0]);
  return 2;
}

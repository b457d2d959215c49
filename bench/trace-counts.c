/* trace-counts: the event counts of a trace file, as key=value pairs, for
 * checking a recording's completeness against the workload's own counts. */
#include "core/trace-file.h"

#include <stdio.h>

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "Usage: trace-counts FILE.fstrace\n");
      return 2;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) trace = fs_trace_load (argv[1], NULL, &error);
  if (trace == NULL)
    {
      fprintf (stderr, "trace-counts: %s\n", error->message);
      return 2;
    }
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  guint64 counts[FS_EVENT_KIND_LAST] = { 0 };
  guint64 user_sends = 0, delivered_user = 0;
  for (gsize i = 0; i < n; i++)
    {
      counts[ev[i].kind]++;
      if (ev[i].kind == FS_EVENT_SIGNAL_SEND && ev[i].process != FS_PROCESS_KERNEL &&
          (ev[i].signal == SIGUSR1 || ev[i].signal == SIGUSR2))
        user_sends++;
      if (ev[i].kind == FS_EVENT_SIGNAL_DELIVER &&
          (ev[i].signal == SIGUSR1 || ev[i].signal == SIGUSR2))
        delivered_user++;
    }
  printf ("processes=%u events=%" G_GSIZE_FORMAT " forks=%" G_GUINT64_FORMAT
          " exits=%" G_GUINT64_FORMAT " reaps=%" G_GUINT64_FORMAT
          " usr_sends=%" G_GUINT64_FORMAT " usr_delivered=%" G_GUINT64_FORMAT "\n",
          fs_trace_n_processes (trace), n, counts[FS_EVENT_FORK], counts[FS_EVENT_EXIT],
          counts[FS_EVENT_REAP], user_sends, delivered_user);
  return 0;
}

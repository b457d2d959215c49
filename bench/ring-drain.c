/* ring-drain: empties tracefs per-CPU ring buffers the way forkscope's
 * copier and trace-cmd do, by polling with non-blocking reads.
 *
 *   ring-drain FILE…        (per_cpu/cpuN/trace_pipe_raw files; until SIGTERM)
 *
 * `cat` would block in read(2) on each file, and a blocked reader makes
 * every event the kernel writes check whether to wake it (buffer_percent):
 * a cost in the traced programs' context that neither forkscope nor
 * trace-cmd pays.  bench/tracefs-cost-breakdown.sh uses this instead. */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 256

static volatile sig_atomic_t stop;

static void
on_term (int signo)
{
  (void) signo;
  stop = 1;
}

static void
drain (const int *fds, int n)
{
  static char page[1 << 16];
  for (int i = 0; i < n; i++)
    while (read (fds[i], page, sizeof page) > 0)
      ;
}

int
main (int argc, char **argv)
{
  int fds[MAX_FILES], n = 0;
  struct sigaction sa = { .sa_handler = on_term };
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  for (int i = 1; i < argc && n < MAX_FILES; i++)
    {
      fds[n] = open (argv[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      if (fds[n] < 0)
        {
          fprintf (stderr, "ring-drain: %s: %s\n", argv[i], strerror (errno));
          return 2;
        }
      n++;
    }
  const struct timespec interval = { 0, 20 * 1000 * 1000 };  /* forkscope's poll interval */
  while (!stop)
    {
      drain (fds, n);
      nanosleep (&interval, NULL);
    }
  drain (fds, n);
  return 0;
}

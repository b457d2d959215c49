/* fork-signal-workload: fork- and signal-heavy work with its own clock, for
 * measuring what tracing costs (bench/ptrace-bench.sh).
 *
 *   fork-signal-workload forks N        fork N children one after another (fork+exit+wait)
 *   fork-signal-workload tree D         a binary fork tree of depth D (2^(D+1)-1 processes)
 *   fork-signal-workload pingpong M     M SIGUSR1 round trips parent↔child
 *   fork-signal-workload storm C K      C children each send K SIGUSR2 to the parent
 *   fork-signal-workload syscalls N     N getppid() calls: with one syscall event
 *                                       enabled, the price of one tracepoint hit
 *   fork-signal-workload reads N        N one-byte read()s of /dev/zero
 *   fork-signal-workload signalfd-reads N   the same in a process that holds a
 *                                       signalfd (bench/signalfd-bench.sh)
 *
 * forks and pingpong pin themselves (and so their children) to CPU 0: a
 * cross-CPU signal round trip is bimodal and would drown the tracing cost.
 * Prints one line of key=value pairs: the operation counts (for checking a
 * trace's completeness) and the per-operation time from its own clock.
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

/* CPU time (user + system) of this process and of its reaped children, in
 * µs: what an operation costs the workload itself, tracepoints included,
 * without the time other jobs on a shared machine take from it. */
static double
cpu_us (void)
{
  struct rusage self, kids;
  getrusage (RUSAGE_SELF, &self);
  getrusage (RUSAGE_CHILDREN, &kids);
  double us = 0;
  const struct rusage *all[] = { &self, &kids };
  for (int i = 0; i < 2; i++)
    us += (double) (all[i]->ru_utime.tv_sec + all[i]->ru_stime.tv_sec) * 1e6
          + (double) (all[i]->ru_utime.tv_usec + all[i]->ru_stime.tv_usec);
  return us;
}

static void
pin_to_cpu0 (void)
{
  cpu_set_t set;
  CPU_ZERO (&set);
  CPU_SET (0, &set);
  if (sched_setaffinity (0, sizeof set, &set) != 0)
    perror ("sched_setaffinity");
}

static long
parse_count (const char *text, const char *what)
{
  char *end;
  long v = strtol (text, &end, 10);
  if (*text == '\0' || *end != '\0' || v <= 0 || v > 100000000)
    {
      fprintf (stderr, "fork-signal-workload: %s: '%s' is not a positive count\n", what, text);
      exit (2);
    }
  return v;
}

static pid_t
wait_child (int *status)
{
  pid_t pid;
  while ((pid = wait (status)) < 0 && errno == EINTR)
    ;
  return pid;
}

/* ------------------------------------------------------------- forks */

static int
run_forks (long n)
{
  pin_to_cpu0 ();
  double start = now_us ();
  for (long i = 0; i < n; i++)
    {
      pid_t pid = fork ();
      if (pid < 0)
        {
          perror ("fork");
          return 1;
        }
      if (pid == 0)
        _exit (0);
      int status;
      if (waitpid (pid, &status, 0) != pid)
        {
          perror ("waitpid");
          return 1;
        }
    }
  double total = now_us () - start;
  printf ("workload=forks n=%ld forks=%ld exits=%ld signals_sent=0 signals_received=0 "
          "total_us=%.0f per_op_us=%.2f\n", n, n, n, total, total / (double) n);
  return 0;
}

/* -------------------------------------------------------------- tree */

static long
grow_tree (int depth)
{
  /* Returns how many processes this subtree forked (for the root's count). */
  long forked = 0;
  if (depth == 0)
    return 0;
  int fds[2][2];
  pid_t kids[2];
  for (int k = 0; k < 2; k++)
    {
      if (pipe (fds[k]) != 0)
        {
          perror ("pipe");
          exit (1);
        }
      kids[k] = fork ();
      if (kids[k] < 0)
        {
          perror ("fork");
          exit (1);
        }
      if (kids[k] == 0)
        {
          close (fds[k][0]);
          long sub = grow_tree (depth - 1);
          ssize_t w = write (fds[k][1], &sub, sizeof sub);
          _exit (w == (ssize_t) sizeof sub ? 0 : 1);
        }
      close (fds[k][1]);
    }
  for (int k = 0; k < 2; k++)
    {
      long sub = 0;
      if (read (fds[k][0], &sub, sizeof sub) != (ssize_t) sizeof sub)
        sub = 0;
      close (fds[k][0]);
      int status;
      waitpid (kids[k], &status, 0);
      forked += 1 + sub;
    }
  return forked;
}

static int
run_tree (long depth)
{
  if (depth > 14)
    {
      fprintf (stderr, "fork-signal-workload: tree depth %ld is too deep (at most 14)\n", depth);
      return 2;
    }
  double start = now_us ();
  long forked = grow_tree ((int) depth);
  double total = now_us () - start;
  printf ("workload=tree depth=%ld forks=%ld exits=%ld signals_sent=0 signals_received=0 "
          "total_us=%.0f per_op_us=%.2f\n", depth, forked, forked, total, total / (double) forked);
  return 0;
}

/* ---------------------------------------------------------- pingpong */

static volatile sig_atomic_t got_signal;

static void
on_signal (int signo)
{
  (void) signo;
  got_signal++;
}

static int
run_pingpong (long rounds)
{
  pin_to_cpu0 ();
  struct sigaction sa = { 0 };
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGUSR1, &sa, NULL);

  sigset_t block, wait_mask;
  sigemptyset (&block);
  sigaddset (&block, SIGUSR1);
  sigprocmask (SIG_BLOCK, &block, &wait_mask);
  sigdelset (&wait_mask, SIGUSR1);

  pid_t parent = getpid ();
  pid_t child = fork ();
  if (child < 0)
    {
      perror ("fork");
      return 1;
    }
  if (child == 0)
    {
      for (long i = 0; i < rounds; i++)
        {
          while (got_signal == 0)
            sigsuspend (&wait_mask);
          got_signal = 0;
          kill (parent, SIGUSR1);
        }
      _exit (0);
    }

  double start = now_us (), cpu_start = cpu_us ();
  for (long i = 0; i < rounds; i++)
    {
      kill (child, SIGUSR1);
      while (got_signal == 0)
        sigsuspend (&wait_mask);
      got_signal = 0;
    }
  double total = now_us () - start;
  int status;
  waitpid (child, &status, 0);
  double cpu = cpu_us () - cpu_start;  /* the child's share is counted once reaped */
  printf ("workload=pingpong rounds=%ld forks=1 exits=1 signals_sent=%ld signals_received=%ld "
          "total_us=%.0f op_cpu_us=%.2f per_op_us=%.2f\n", rounds, 2 * rounds, 2 * rounds, total,
          cpu / (double) rounds, total / (double) rounds);
  return 0;
}

/* ---------------------------------------------------------- syscalls */

/* getppid: the cheapest syscall, so that what an event enabled on it adds
 * stands out (bench/tracefs-cost-breakdown.sh, configurations one-event-*). */
static int
run_syscalls (long calls)
{
  pin_to_cpu0 ();
  double start = now_us (), cpu_start = cpu_us ();
  for (long i = 0; i < calls; i++)
    syscall (SYS_getppid);
  double total = now_us () - start;
  double cpu = cpu_us () - cpu_start;
  printf ("workload=syscalls calls=%ld forks=0 exits=0 signals_sent=0 signals_received=0 "
          "total_us=%.0f op_cpu_us=%.3f per_op_us=%.3f\n", calls, total,
          cpu / (double) calls, total / (double) calls);
  return 0;
}

/* ------------------------------------------------------------- reads */

/* What a read costs a program under the ptrace tracer: nothing extra for an
 * ordinary one; two syscall stops for one that holds a signalfd (the tracer
 * must look at its reads). */
static int
run_reads (long calls, int with_signalfd)
{
  pin_to_cpu0 ();
  int sfd = -1;
  if (with_signalfd)
    {
      sigset_t mask;
      sigemptyset (&mask);
      sigaddset (&mask, SIGUSR1);
      sigprocmask (SIG_BLOCK, &mask, NULL);
      sfd = signalfd (-1, &mask, SFD_CLOEXEC);
      if (sfd < 0)
        {
          perror ("fork-signal-workload: signalfd");
          return 1;
        }
    }
  int fd = open ("/dev/zero", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      perror ("fork-signal-workload: /dev/zero");
      return 1;
    }
  char byte;
  double start = now_us (), cpu_start = cpu_us ();
  for (long i = 0; i < calls; i++)
    if (read (fd, &byte, 1) != 1)
      return 1;
  double total = now_us () - start;
  double cpu = cpu_us () - cpu_start;
  close (fd);
  if (sfd >= 0)
    close (sfd);
  printf ("workload=%s calls=%ld forks=0 exits=0 signals_sent=0 signals_received=0 "
          "total_us=%.0f op_cpu_us=%.3f per_op_us=%.3f\n",
          with_signalfd ? "signalfd-reads" : "reads", calls, total,
          cpu / (double) calls, total / (double) calls);
  return 0;
}

/* ------------------------------------------------------------- storm */

static volatile sig_atomic_t storm_received;

static void
on_storm_signal (int signo)
{
  (void) signo;
  storm_received++;
}

static int
run_storm (long children, long per_child)
{
  struct sigaction sa = { 0 };
  sa.sa_handler = on_storm_signal;
  sigemptyset (&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction (SIGUSR2, &sa, NULL);

  pid_t parent = getpid ();
  double start = now_us (), cpu_start = cpu_us ();
  for (long c = 0; c < children; c++)
    {
      pid_t pid = fork ();
      if (pid < 0)
        {
          perror ("fork");
          return 1;
        }
      if (pid == 0)
        {
          for (long k = 0; k < per_child; k++)
            kill (parent, SIGUSR2);
          _exit (0);
        }
    }
  int status;
  for (long c = 0; c < children; c++)
    wait_child (&status);
  double total = now_us () - start;
  double cpu = cpu_us () - cpu_start;
  long sent = children * per_child;
  printf ("workload=storm children=%ld forks=%ld exits=%ld signals_sent=%ld signals_received=%ld "
          "total_us=%.0f op_cpu_us=%.2f per_op_us=%.2f\n", children, children, children, sent,
          (long) storm_received, total, cpu / (double) sent, total / (double) sent);
  return 0;
}

int
main (int argc, char **argv)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc >= 3 && strcmp (argv[1], "forks") == 0)
    return run_forks (parse_count (argv[2], "forks N"));
  if (argc >= 3 && strcmp (argv[1], "tree") == 0)
    return run_tree (parse_count (argv[2], "tree D"));
  if (argc >= 3 && strcmp (argv[1], "pingpong") == 0)
    return run_pingpong (parse_count (argv[2], "pingpong M"));
  if (argc >= 4 && strcmp (argv[1], "storm") == 0)
    return run_storm (parse_count (argv[2], "storm C"), parse_count (argv[3], "storm K"));
  if (argc >= 3 && strcmp (argv[1], "syscalls") == 0)
    return run_syscalls (parse_count (argv[2], "syscalls N"));
  if (argc >= 3 && strcmp (argv[1], "reads") == 0)
    return run_reads (parse_count (argv[2], "reads N"), 0);
  if (argc >= 3 && strcmp (argv[1], "signalfd-reads") == 0)
    return run_reads (parse_count (argv[2], "signalfd-reads N"), 1);
  fprintf (stderr,
           "Usage: fork-signal-workload forks N | tree D | pingpong M | storm C K | syscalls N\n"
           "       | reads N | signalfd-reads N\n");
  return 2;
}

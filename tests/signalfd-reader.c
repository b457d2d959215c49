/* signalfd-reader: a daemon-style signal loop to record (see
 * signalfd-check.h).  It blocks SIGUSR1 and SIGTERM, takes them from a
 * signalfd, and forks a child that sends it SIGUSR1, then SIGUSR1 and
 * SIGTERM together:
 *
 *   parent: read(sfd, 1 record)   ← child: kill(parent, SIGUSR1)
 *   parent → child: "go" (pipe)
 *                                 ← child: kill(SIGUSR1), kill(SIGTERM), "sent" (pipe)
 *   parent: readv(sfd, 2 records in 102 iovecs + room for 2 more) → USR1, TERM
 *   parent: waitpid(child)
 *
 * The second read waits until both are pending, so one call returns two
 * records (the kernel dequeues the lower number first).  Every record's
 * ssi_pid must be the child.  Exit status 0 when the program saw what it
 * expected, else 1 with a message; the trace is checked by the tests.
 *
 *   signalfd-reader [SETTLE_MS]   waits SETTLE_MS after making the signalfd
 *                                 (the tracefs backend sees its reads only
 *                                 once it has handled its creation) */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* It runs traced, and LeakSanitizer cannot work under ptrace (it aborts at
 * exit): in a sanitizer build, it checks nothing here.  The tests check
 * what the tracers do, not this program. */
int __lsan_is_turned_off (void);
int
__lsan_is_turned_off (void)
{
  return 1;
}

static int
fail (const char *what)
{
  fprintf (stderr, "signalfd-reader: %s\n", what);
  return 1;
}

static int
child_main (int go_fd, int sent_fd)
{
  pid_t parent = getppid ();
  char c;
  if (kill (parent, SIGUSR1) != 0)
    return 1;
  if (read (go_fd, &c, 1) != 1)
    return 1;
  if (kill (parent, SIGUSR1) != 0 || kill (parent, SIGTERM) != 0)
    return 1;
  if (write (sent_fd, "s", 1) != 1)
    return 1;
  return 0;
}

int
main (int argc, char **argv)
{
  int settle_ms = argc > 1 ? atoi (argv[1]) : 0;
  sigset_t mask;
  sigemptyset (&mask);
  sigaddset (&mask, SIGUSR1);
  sigaddset (&mask, SIGTERM);
  if (sigprocmask (SIG_BLOCK, &mask, NULL) != 0)
    return fail ("sigprocmask");
  int sfd = signalfd (-1, &mask, SFD_CLOEXEC);
  if (sfd < 0)
    return fail ("signalfd");
  if (settle_ms > 0)
    usleep ((useconds_t) settle_ms * 1000);

  int go[2], sent[2];
  if (pipe (go) != 0 || pipe (sent) != 0)
    return fail ("pipe");
  pid_t child = fork ();
  if (child < 0)
    return fail ("fork");
  if (child == 0)
    {
      close (sfd);
      _exit (child_main (go[0], sent[1]));
    }

  /* A single record. */
  struct signalfd_siginfo one;
  if (read (sfd, &one, sizeof one) != (ssize_t) sizeof one)
    return fail ("first read");
  if (one.ssi_signo != SIGUSR1 || one.ssi_pid != (uint32_t) child)
    return fail ("first read: not SIGUSR1 from the child");

  if (write (go[1], "g", 1) != 1)
    return fail ("write go");
  char c;
  if (read (sent[0], &c, 1) != 1)
    return fail ("read sent");

  /* Two records in one call, the first split over 101 iovecs (100 of one
   * byte: a tracer must follow every segment, not just the first few). */
  struct signalfd_siginfo recs[4];
  enum { ONE_BYTE = 100 };
  struct iovec iov[ONE_BYTE + 2];
  for (int i = 0; i < ONE_BYTE; i++)
    iov[i] = (struct iovec) { (char *) recs + i, 1 };
  iov[ONE_BYTE] = (struct iovec) { (char *) recs + ONE_BYTE, sizeof recs[0] - ONE_BYTE };
  iov[ONE_BYTE + 1] = (struct iovec) { &recs[1], 3 * sizeof recs[0] };
  ssize_t n = readv (sfd, iov, ONE_BYTE + 2);
  if (n != 2 * (ssize_t) sizeof recs[0])
    return fail ("second read: not two records");
  if (recs[0].ssi_signo != SIGUSR1 || recs[1].ssi_signo != SIGTERM)
    return fail ("second read: not SIGUSR1 then SIGTERM");
  if (recs[0].ssi_pid != (uint32_t) child || recs[1].ssi_pid != (uint32_t) child)
    return fail ("second read: not from the child");

  int status;
  if (waitpid (child, &status, 0) != child || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return fail ("child");
  return 0;
}

/* ptrace-tracer.c: the ptrace backend — records a process tree without root.
 *
 * Every tracee is PTRACE_SEIZEd with fork/vfork/clone/exec/exit/seccomp
 * events.  A launched tree runs under a seccomp-bpf filter that returns
 * SECCOMP_RET_TRACE only for the calls whose arguments or results we need
 * (signal sends, waits, sigtimedwait, signalfd, prctl(PR_SET_NAME)), so every other
 * syscall runs without a stop, as `strace --seccomp-bpf` does.  Attached
 * processes carry no filter (we cannot install one in them), so they and
 * their descendants are stepped from syscall to syscall with PTRACE_SYSCALL.
 *
 * Stops per observed event (the minimum the information needs):
 *   fork/clone       1 in the parent (event) + 1 in the child (initial stop)
 *   exec             1 (event)
 *   exit             1 (PTRACE_EVENT_EXIT; skipped by the kernel for SIGKILL)
 *   signal send      2 (seccomp entry for the arguments, syscall exit for the result)
 *   signal delivery  1 (signal-delivery-stop)
 *   wait/reap        2 (entry for the status pointer, exit for the result)
 *   sigtimedwait     2 (entry for the siginfo pointer, exit for the signal)
 *   prctl rename     1 (entry)
 *   group stop       1 per thread (then PTRACE_LISTEN), continue 1 per thread
 *   signalfd         2 per call of any kind, once the process made one: reads
 *                    of a signalfd cannot be told apart in the filter, so
 *                    such a process is followed with syscall stops (see
 *                    begin_signalfd_reads)
 *
 * Inside a PID namespace the numbers a tracee passes and gets are that
 * namespace's: once the tree makes one (unshare/clone with CLONE_NEWPID,
 * setns, clone3 — the only calls trapped for it), every new task's number in
 * its namespace is read from /proc at its birth and translated back.
 *
 * The loop waits with __WNOTHREAD, so the thread that launched/attached must
 * be the one that runs the loop, and it never reaps another thread's children.
 * A per-thread POSIX timer sends a no-op real-time signal every 100 ms so a
 * blocked waitpid() returns for the periodic flush and for stop requests.
 */
#include "tracer/tracer-backend.h"
#include "core/proc-files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
# define NATIVE_ARCH AUDIT_ARCH_X86_64
# define COMPAT_ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__)
# define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

#ifndef SYS_pidfd_send_signal
# define SYS_pidfd_send_signal 424
#endif

#define FLUSH_INTERVAL_NS (G_GINT64_CONSTANT (100) * 1000 * 1000)
#define TICK_INTERVAL_NS  (100 * 1000 * 1000)
#define RECENT_EXITS      64
#define MAX_STATUS_FDS    256

/* The calls the seccomp filter traps; the value travels in SECCOMP_RET_DATA. */
typedef enum {
  CALL_NONE = 0,
  CALL_KILL,
  CALL_TKILL,
  CALL_TGKILL,
  CALL_SIGQUEUE,
  CALL_TGSIGQUEUE,
  CALL_PIDFD_SEND,
  CALL_WAIT4,
  CALL_WAITID,
  CALL_SIGTIMEDWAIT,
  CALL_SET_NAME,
  CALL_NEW_PIDNS,      /* unshare/clone with CLONE_NEWPID, setns */
  CALL_CLONE3,         /* its flags are in memory: trapped always */
  CALL_SIGNALFD,       /* signalfd, signalfd4: the process now reads signals from a file */
  CALL_SIGNALFD_READ,  /* read/pread64 of a signalfd: never in the filter (see below) */
  CALL_SIGNALFD_READV, /* readv/preadv/preadv2 of a signalfd */
  CALL_LAST
} CallKind;

/* A trap may also depend on the call's first argument. */
typedef enum {
  ARG0_ANY,
  ARG0_EQUALS,
  ARG0_HAS_BITS,
} Arg0Test;

typedef struct {
  guint32  nr;
  CallKind call;
  Arg0Test arg0_test;
  guint32  arg0_value;
} CallNumber;

#ifndef SYS_clone3
# define SYS_clone3 435
#endif
#ifndef SYS_preadv2
# define SYS_preadv2 327
#endif

static const CallNumber native_calls[] = {
  { SYS_kill,              CALL_KILL, ARG0_ANY, 0 },
  { SYS_tkill,             CALL_TKILL, ARG0_ANY, 0 },
  { SYS_tgkill,            CALL_TGKILL, ARG0_ANY, 0 },
  { SYS_rt_sigqueueinfo,   CALL_SIGQUEUE, ARG0_ANY, 0 },
  { SYS_rt_tgsigqueueinfo, CALL_TGSIGQUEUE, ARG0_ANY, 0 },
  { SYS_pidfd_send_signal, CALL_PIDFD_SEND, ARG0_ANY, 0 },
  { SYS_wait4,             CALL_WAIT4, ARG0_ANY, 0 },
  { SYS_waitid,            CALL_WAITID, ARG0_ANY, 0 },
  { SYS_rt_sigtimedwait,   CALL_SIGTIMEDWAIT, ARG0_ANY, 0 },
  { SYS_prctl,             CALL_SET_NAME, ARG0_EQUALS, PR_SET_NAME },
  { SYS_clone,             CALL_NEW_PIDNS, ARG0_HAS_BITS, CLONE_NEWPID },
  { SYS_unshare,           CALL_NEW_PIDNS, ARG0_HAS_BITS, CLONE_NEWPID },
  { SYS_setns,             CALL_NEW_PIDNS, ARG0_ANY, 0 },
  { SYS_clone3,            CALL_CLONE3, ARG0_ANY, 0 },
#ifdef SYS_signalfd
  { SYS_signalfd,          CALL_SIGNALFD, ARG0_ANY, 0 },
#endif
  { SYS_signalfd4,         CALL_SIGNALFD, ARG0_ANY, 0 },
};

/* The calls that can consume signals from a signalfd.  They are far too
 * frequent to trap for everyone, and a seccomp filter sees descriptors as
 * numbers, not as files: so a process that made a signalfd is switched to
 * syscall stops (PTRACE_SYSCALL), and these are recognised there. */
static const CallNumber native_read_calls[] = {
  { SYS_read,    CALL_SIGNALFD_READ, ARG0_ANY, 0 },
  { SYS_readv,   CALL_SIGNALFD_READV, ARG0_ANY, 0 },
  { SYS_pread64, CALL_SIGNALFD_READ, ARG0_ANY, 0 },
  { SYS_preadv,  CALL_SIGNALFD_READV, ARG0_ANY, 0 },
  { SYS_preadv2, CALL_SIGNALFD_READV, ARG0_ANY, 0 },
};

#ifdef COMPAT_ARCH
/* i386 numbers, for 32-bit programs started from a 64-bit forkscope. */
static const CallNumber compat_calls[] = {
  { 37,  CALL_KILL, ARG0_ANY, 0 },
  { 238, CALL_TKILL, ARG0_ANY, 0 },
  { 270, CALL_TGKILL, ARG0_ANY, 0 },
  { 178, CALL_SIGQUEUE, ARG0_ANY, 0 },
  { 335, CALL_TGSIGQUEUE, ARG0_ANY, 0 },
  { 424, CALL_PIDFD_SEND, ARG0_ANY, 0 },
  { 114, CALL_WAIT4, ARG0_ANY, 0 },
  { 7,   CALL_WAIT4, ARG0_ANY, 0 },          /* waitpid(pid, status, options) */
  { 284, CALL_WAITID, ARG0_ANY, 0 },
  { 177, CALL_SIGTIMEDWAIT, ARG0_ANY, 0 },
  { 421, CALL_SIGTIMEDWAIT, ARG0_ANY, 0 },   /* rt_sigtimedwait_time64 */
  { 172, CALL_SET_NAME, ARG0_EQUALS, PR_SET_NAME },
  { 120, CALL_NEW_PIDNS, ARG0_HAS_BITS, CLONE_NEWPID },  /* clone */
  { 310, CALL_NEW_PIDNS, ARG0_HAS_BITS, CLONE_NEWPID },  /* unshare */
  { 346, CALL_NEW_PIDNS, ARG0_ANY, 0 },                  /* setns */
  { 435, CALL_CLONE3, ARG0_ANY, 0 },
  { 321, CALL_SIGNALFD, ARG0_ANY, 0 },
  { 327, CALL_SIGNALFD, ARG0_ANY, 0 },                   /* signalfd4 */
};

static const CallNumber compat_read_calls[] = {
  { 3,   CALL_SIGNALFD_READ, ARG0_ANY, 0 },   /* read */
  { 145, CALL_SIGNALFD_READV, ARG0_ANY, 0 },   /* readv */
  { 180, CALL_SIGNALFD_READ, ARG0_ANY, 0 },   /* pread64 */
  { 333, CALL_SIGNALFD_READV, ARG0_ANY, 0 },   /* preadv */
  { 378, CALL_SIGNALFD_READV, ARG0_ANY, 0 },   /* preadv2 */
};
#endif

typedef enum {
  STOP_SECCOMP,
  STOP_SYSCALL_ENTRY,
  STOP_SYSCALL_EXIT,
  STOP_FORK,
  STOP_EXEC,
  STOP_EXIT,
  STOP_GROUP,       /* PTRACE_EVENT_STOP: initial, group-stop, listen wake-up */
  STOP_SIGNAL,      /* signal-delivery-stop */
  STOP_KIND_LAST
} StopKind;

static const char *const stop_kind_names[STOP_KIND_LAST] = {
  "seccomp", "syscall-entry", "syscall-exit", "fork", "exec", "exit", "event-stop", "signal",
};

typedef struct _Proc Proc;

typedef struct {
  gint32   tid;
  Proc    *proc;
  guint8   call;          /* CallKind waiting for its syscall-exit stop */
  guint8   compat;        /* that call was made through the 32-bit ABI */
  guint8   blocked;       /* a block event was recorded for that call */
  guint8   listening;     /* group-stopped, restarted with PTRACE_LISTEN */
  guint8   exit_seen;     /* reported PTRACE_EVENT_EXIT */
  guint8   interrupted;   /* PTRACE_INTERRUPT sent (detaching) */
  guint8   entered;       /* its current call was seen at a syscall-entry stop */
  guint64  args[4];
  gint64   entry_ns;
} Task;

struct _Proc {
  gint32   tgid;
  int      status_fd;     /* /proc/TGID/status kept open for dispositions, or -1 */
  guint    n_tasks;
  guint    n_exit_seen;
  gboolean seccomp;       /* runs under our filter: resume with PTRACE_CONT */
  gboolean stopped;       /* stop recorded, continue not yet */
  gboolean exit_recorded;
  int      exit_status;   /* from the last PTRACE_EVENT_EXIT */
  guint32  pidns;         /* its PID namespace's inode when not ours, else 0 */
  /* Made, inherited or (attached) held a signalfd: followed with syscall
   * stops to see its reads.  Cleared at an exec that leaves it none. */
  gboolean signalfd;
};

typedef struct {
  gint32 pid;
  int    status;
} RecentExit;

typedef struct {
  FsRecorder        *recorder;
  FsTracerOptions    options;
  GHashTable        *tasks;        /* tid → Task* */
  GHashTable        *procs;        /* tgid → Proc* */
  GHashTable        *zombies;      /* pid → wait status of exited, unreaped processes */
  GHashTable        *early;        /* tids whose first stop came before their creator's event */
  RecentExit         recent_exits[RECENT_EXITS];  /* unknown tids that exited */
  guint              recent_pos;

  pid_t              tracer_tid;   /* the thread that owns the tracees */
  volatile pid_t     loop_tid;     /* set while run() loops, for request_stop */
  int                tick_signal;
  volatile sig_atomic_t stop_requested;
  gboolean           stopping;     /* the stop request has been acted on */
  gboolean           detaching;    /* attached tree: detach at every next stop */

  GPid               root_pid;
  gboolean           launched;
  gboolean           root_done;
  int                root_status;

  /* Inside another PID namespace, the pids a tracee passes to kill() or gets
   * from wait4() and siginfo are that namespace's numbers.  Once a tracee
   * makes a namespace (unshare, clone, setns), each new task's numbers are
   * learned from /proc: pidns inode → (inner pid → our pid). */
  gboolean           track_pidns;
  guint32            own_pidns;
  GHashTable        *pidns_maps;

  gint64             last_flush_ns;
  guint              n_pending_sends;  /* sends seen at entry, recorded at exit */
  guint              n_status_fds;     /* Proc.status_fd open */
  GError            *flush_error;
  guint64            n_stops[STOP_KIND_LAST];
} PtraceTracer;

/* ------------------------------------------------------------ small I/O */

/* Reads a small /proc file into buf (NUL-terminated).  Returns its length, or -1. */
static gssize
read_proc_file (const char *path, char *buf, gsize size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  gsize len = 0;
  while (len + 1 < size)
    {
      ssize_t n = read (fd, buf + len, size - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += (gsize) n;
    }
  close (fd);
  buf[len] = '\0';
  return (gssize) len;
}

/* The value after "key" in a /proc/PID/status text, or NULL. */
static const char *
status_field (const char *text, const char *key)
{
  gsize key_len = strlen (key);
  for (const char *line = text; line != NULL && *line != '\0';)
    {
      if (strncmp (line, key, key_len) == 0)
        {
          const char *v = line + key_len;
          while (*v == '\t' || *v == ' ')
            v++;
          return v;
        }
      line = strchr (line, '\n');
      if (line != NULL)
        line++;
    }
  return NULL;
}

typedef struct {
  gint32  tgid;
  gint32  ppid;
  gint32  tracer_pid;
  guint64 sig_ignored;
  guint64 sig_caught;
  char    name[64];
} ProcStatus;

static void
parse_proc_status (const char *buf, ProcStatus *out)
{
  memset (out, 0, sizeof *out);
  const char *v;
  if ((v = status_field (buf, "Name:")) != NULL)
    {
      gsize n = strcspn (v, "\n");
      n = MIN (n, sizeof out->name - 1);
      memcpy (out->name, v, n);
      out->name[n] = '\0';
    }
  if ((v = status_field (buf, "Tgid:")) != NULL)
    out->tgid = (gint32) strtol (v, NULL, 10);
  if ((v = status_field (buf, "PPid:")) != NULL)
    out->ppid = (gint32) strtol (v, NULL, 10);
  if ((v = status_field (buf, "TracerPid:")) != NULL)
    out->tracer_pid = (gint32) strtol (v, NULL, 10);
  if ((v = status_field (buf, "SigIgn:")) != NULL)
    out->sig_ignored = g_ascii_strtoull (v, NULL, 16);
  if ((v = status_field (buf, "SigCgt:")) != NULL)
    out->sig_caught = g_ascii_strtoull (v, NULL, 16);
}

static gboolean
read_proc_status (gint32 tid, ProcStatus *out)
{
  char path[64], buf[8192];
  g_snprintf (path, sizeof path, "/proc/%d/status", tid);
  if (read_proc_file (path, buf, sizeof buf) <= 0)
    return FALSE;
  parse_proc_status (buf, out);
  return TRUE;
}

static gboolean
read_tracee (gint32 tid, guint64 addr, void *out, gsize len)
{
  if (addr == 0)
    return FALSE;
  struct iovec local = { out, len };
  struct iovec remote = { (void *) (uintptr_t) addr, len };
  return process_vm_readv (tid, &local, 1, &remote, 1, 0) == (ssize_t) len;
}

/* The pid a tracee's pidfd refers to, from /proc/TGID/fdinfo/FD; 0 unknown. */
static gint32
pidfd_target (gint32 tgid, int fd)
{
  char path[64], buf[1024];
  g_snprintf (path, sizeof path, "/proc/%d/fdinfo/%d", tgid, fd);
  if (read_proc_file (path, buf, sizeof buf) <= 0)
    return 0;
  const char *v = status_field (buf, "Pid:");
  return v != NULL ? (gint32) strtol (v, NULL, 10) : 0;
}

/* The siginfo fields we use, at their offsets for the tracee's ABI. */
typedef struct {
  int    signo;
  int    code;
  gint32 pid;
  int    status;
} TraceeSiginfo;

static gboolean
read_tracee_siginfo (gint32 tid, guint64 addr, gboolean compat, TraceeSiginfo *out)
{
  guint8 raw[32];
  if (!read_tracee (tid, addr, raw, sizeof raw))
    return FALSE;
  /* si_signo, si_errno, si_code, then (64-bit) 4 bytes of padding; pid, uid, status. */
  gsize pid_off = compat ? 12 : 16;
  gint32 v;
  memcpy (&v, raw + 0, 4);
  out->signo = v;
  memcpy (&v, raw + 8, 4);
  out->code = v;
  memcpy (&v, raw + pid_off, 4);
  out->pid = v;
  memcpy (&v, raw + pid_off + 8, 4);
  out->status = v;
  return TRUE;
}

/* ---------------------------------------------------------- seccomp filter */

#ifdef NATIVE_ARCH

#define FILTER_MAX 128

typedef struct {
  struct sock_filter insns[FILTER_MAX];
  guint n;
} FilterProgram;

static void
emit (FilterProgram *prog, struct sock_filter insn)
{
  g_assert (prog->n < FILTER_MAX);
  prog->insns[prog->n++] = insn;
}

static guint
arch_block_length (const CallNumber *calls, gsize n_calls)
{
  /* load nr; per call (jeq, ret) or (jeq, load arg0, test, ret trace, ret
   * allow); ret allow */
  guint n = 2;
  for (gsize i = 0; i < n_calls; i++)
    n += calls[i].arg0_test == ARG0_ANY ? 2 : 5;
  return n;
}

static void
emit_arch_block (FilterProgram *prog, const CallNumber *calls, gsize n_calls)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  const guint32 arg0_low = offsetof (struct seccomp_data, args);
#else
  const guint32 arg0_low = offsetof (struct seccomp_data, args) + 4;
#endif
  emit (prog, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
                                             offsetof (struct seccomp_data, nr)));
  for (gsize i = 0; i < n_calls; i++)
    {
      const guint32 trace = SECCOMP_RET_TRACE | calls[i].call;
      if (calls[i].arg0_test == ARG0_ANY)
        {
          emit (prog, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, calls[i].nr, 0, 1));
          emit (prog, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, trace));
          continue;
        }
      /* The accumulator then holds the argument, not the number: this block
       * ends in a return either way. */
      const guint16 test = calls[i].arg0_test == ARG0_EQUALS ? BPF_JEQ : BPF_JSET;
      emit (prog, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, calls[i].nr, 0, 4));
      emit (prog, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, arg0_low));
      emit (prog, (struct sock_filter) BPF_JUMP (BPF_JMP | test | BPF_K, calls[i].arg0_value, 0, 1));
      emit (prog, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, trace));
      emit (prog, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    }
  emit (prog, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

static void
build_filter (FilterProgram *prog)
{
  prog->n = 0;
  emit (prog, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
                                             offsetof (struct seccomp_data, arch)));
#ifdef COMPAT_ARCH
  guint native_len = arch_block_length (native_calls, G_N_ELEMENTS (native_calls));
  emit (prog, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0,
                                             (guint8) native_len));
  emit_arch_block (prog, native_calls, G_N_ELEMENTS (native_calls));
  emit (prog, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, COMPAT_ARCH, 0,
                                             (guint8) arch_block_length (compat_calls,
                                                                         G_N_ELEMENTS (compat_calls))));
  emit_arch_block (prog, compat_calls, G_N_ELEMENTS (compat_calls));
#else
  emit (prog, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0,
                                             (guint8) arch_block_length (native_calls,
                                                                         G_N_ELEMENTS (native_calls))));
  emit_arch_block (prog, native_calls, G_N_ELEMENTS (native_calls));
#endif
  emit (prog, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

#endif /* NATIVE_ARCH */

static CallKind
lookup_call (const CallNumber *calls, gsize n, guint64 nr, guint64 arg0)
{
  for (gsize i = 0; i < n; i++)
    if (calls[i].nr == nr)
      {
        if (calls[i].arg0_test == ARG0_EQUALS && (guint32) arg0 != calls[i].arg0_value)
          return CALL_NONE;
        if (calls[i].arg0_test == ARG0_HAS_BITS && ((guint32) arg0 & calls[i].arg0_value) == 0)
          return CALL_NONE;
        return calls[i].call;
      }
  return CALL_NONE;
}

static CallKind
classify_call (guint32 arch, guint64 nr, guint64 arg0)
{
#ifdef NATIVE_ARCH
  if (arch == NATIVE_ARCH)
    return lookup_call (native_calls, G_N_ELEMENTS (native_calls), nr, arg0);
#endif
#ifdef COMPAT_ARCH
  if (arch == COMPAT_ARCH)
    return lookup_call (compat_calls, G_N_ELEMENTS (compat_calls), nr, arg0);
#endif
  (void) arch;
  (void) nr;
  (void) arg0;
  return CALL_NONE;
}

/* CALL_SIGNALFD_READ(V) when nr may read a signalfd, else CALL_NONE. */
static CallKind
classify_read_call (guint32 arch, guint64 nr)
{
#ifdef NATIVE_ARCH
  if (arch == NATIVE_ARCH)
    return lookup_call (native_read_calls, G_N_ELEMENTS (native_read_calls), nr, 0);
#endif
#ifdef COMPAT_ARCH
  if (arch == COMPAT_ARCH)
    return lookup_call (compat_read_calls, G_N_ELEMENTS (compat_read_calls), nr, 0);
#endif
  (void) arch;
  (void) nr;
  return CALL_NONE;
}

static gboolean
is_compat_arch (guint32 arch)
{
#ifdef COMPAT_ARCH
  return arch == COMPAT_ARCH;
#else
  (void) arch;
  return FALSE;
#endif
}

/* ------------------------------------------------------------ task table */

static void
tick_handler (int signo)
{
  (void) signo;
}

static void
proc_free (gpointer data)
{
  Proc *proc = data;
  if (proc->status_fd >= 0)
    close (proc->status_fd);
  g_free (proc);
}

static Task *
task_lookup (PtraceTracer *self, gint32 tid)
{
  return g_hash_table_lookup (self->tasks, GINT_TO_POINTER (tid));
}

static Proc *
proc_lookup (PtraceTracer *self, gint32 tgid)
{
  return g_hash_table_lookup (self->procs, GINT_TO_POINTER (tgid));
}

static Proc *
proc_new (PtraceTracer *self, gint32 tgid, gboolean seccomp)
{
  Proc *proc = g_new0 (Proc, 1);
  proc->tgid = tgid;
  proc->status_fd = -1;
  proc->seccomp = seccomp;
  g_hash_table_replace (self->procs, GINT_TO_POINTER (tgid), proc);
  g_hash_table_remove (self->zombies, GINT_TO_POINTER (tgid));
  return proc;
}

/* Whether the process stops at every syscall's entry and exit (attached
 * processes, which carry no filter, and signalfd readers) rather than only
 * at the calls the seccomp filter traps. */
static gboolean
proc_syscall_stops (const Proc *proc)
{
  return !proc->seccomp || proc->signalfd;
}

/* ------------------------------------------------------------ signalfds */

/* Whether any descriptor of tid is a signalfd (at attach and after exec). */
static gboolean
holds_signalfd (gint32 tid)
{
  char path[64];
  g_snprintf (path, sizeof path, "/proc/%d/fd", tid);
  DIR *dir = opendir (path);
  if (dir == NULL)
    return FALSE;
  gboolean found = FALSE;
  struct dirent *de;
  while (!found && (de = readdir (dir)) != NULL)
    if (de->d_name[0] != '.')
      found = fs_proc_fd_is_signalfd (tid, atoi (de->d_name));
  closedir (dir);
  return found;
}

/* ------------------------------------------------------ PID namespaces */

static void
track_pid_namespaces (PtraceTracer *self)
{
  if (self->track_pidns)
    return;
  self->track_pidns = TRUE;
  self->own_pidns = (guint32) fs_proc_pid_namespace (0);
}

/* Learns a new task's number inside its namespace, while it is alive. */
static void
learn_inner_pid (PtraceTracer *self, Task *task)
{
  Proc *proc = task->proc;
  if (task->tid == proc->tgid)
    {
      guint32 ns = (guint32) fs_proc_pid_namespace (task->tid);
      proc->pidns = ns != self->own_pidns ? ns : 0;
    }
  if (proc->pidns == 0)
    return;
  gint32 inner = fs_proc_innermost_pid (task->tid, NULL);
  if (inner <= 0)
    return;
  GHashTable *map = g_hash_table_lookup (self->pidns_maps, GUINT_TO_POINTER (proc->pidns));
  if (map == NULL)
    {
      map = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (self->pidns_maps, GUINT_TO_POINTER (proc->pidns), map);
    }
  /* Kept after the task ends (a wait4 returns the number of a process that
   * is gone); a reused number replaces it. */
  g_hash_table_insert (map, GINT_TO_POINTER (inner), GINT_TO_POINTER (task->tid));
}

/* A pid as observer wrote or read it (kill's target, a negative process
 * group, wait4's result, si_pid) → ours.  0 and -1 mean the same anywhere. */
static gint32
outer_pid (PtraceTracer *self, const Proc *observer, gint32 pid)
{
  if (observer->pidns == 0 || pid == 0 || pid == -1 || pid == G_MININT32)
    return pid;
  GHashTable *map = g_hash_table_lookup (self->pidns_maps, GUINT_TO_POINTER (observer->pidns));
  gpointer outer;
  if (map == NULL || !g_hash_table_lookup_extended (map, GINT_TO_POINTER (ABS (pid)), NULL, &outer))
    return pid;
  return pid < 0 ? -GPOINTER_TO_INT (outer) : GPOINTER_TO_INT (outer);
}

static Task *
task_new (PtraceTracer *self, gint32 tid, Proc *proc)
{
  Task *task = g_new0 (Task, 1);
  task->tid = tid;
  task->proc = proc;
  proc->n_tasks++;
  g_hash_table_replace (self->tasks, GINT_TO_POINTER (tid), task);
  if (self->track_pidns)
    learn_inner_pid (self, task);
  return task;
}

/* Records the process exit once every task of it has reported exiting. */
static void
proc_check_exit (PtraceTracer *self, Proc *proc, gint64 now)
{
  if (!proc->exit_recorded && proc->n_tasks > 0 && proc->n_exit_seen == proc->n_tasks)
    {
      proc->exit_recorded = TRUE;
      fs_recorder_exit (self->recorder, now, proc->tgid, proc->exit_status);
      g_hash_table_replace (self->zombies, GINT_TO_POINTER (proc->tgid),
                            GINT_TO_POINTER (proc->exit_status));
    }
}

/* Forgets a task; when it was its process's last, the process too (recording
 * its exit with final_status when no exit event did). */
static void
task_remove (PtraceTracer *self, Task *task, gboolean exited, int final_status, gint64 now)
{
  Proc *proc = task->proc;

  proc->n_tasks--;
  if (task->exit_seen)
    proc->n_exit_seen--;
  g_hash_table_remove (self->tasks, GINT_TO_POINTER (task->tid));

  if (proc->n_tasks > 0)
    {
      if (exited)
        proc_check_exit (self, proc, now);
      return;
    }
  if (exited && !proc->exit_recorded)
    {
      proc->exit_recorded = TRUE;
      proc->exit_status = final_status;
      fs_recorder_exit (self->recorder, now, proc->tgid, final_status);
      g_hash_table_replace (self->zombies, GINT_TO_POINTER (proc->tgid),
                            GINT_TO_POINTER (final_status));
    }
  if (proc->status_fd >= 0)
    {
      close (proc->status_fd);
      proc->status_fd = -1;
      self->n_status_fds--;
    }
  g_hash_table_remove (self->procs, GINT_TO_POINTER (proc->tgid));
}

/* What the kernel will do with signo in task, from its process's current
 * disposition (/proc/TGID/status; the file stays open, and re-reading an open
 * proc file costs well under half of opening it again). */
static FsSignalAction
signal_action (PtraceTracer *self, Task *task, int signo)
{
  if (signo == SIGKILL || signo == SIGSTOP)
    return fs_signal_default_action (signo);

  Proc *proc = task->proc;
  char buf[8192];
  gssize len = -1;
  if (proc->status_fd < 0 && self->n_status_fds < MAX_STATUS_FDS)
    {
      char path[64];
      g_snprintf (path, sizeof path, "/proc/%d/status", proc->tgid);
      proc->status_fd = open (path, O_RDONLY | O_CLOEXEC);
      if (proc->status_fd >= 0)
        self->n_status_fds++;
    }
  if (proc->status_fd >= 0)
    {
      len = pread (proc->status_fd, buf, sizeof buf - 1, 0);
      if (len >= 0)
        buf[len] = '\0';
    }
  if (len <= 0)
    {
      char path[64];
      g_snprintf (path, sizeof path, "/proc/%d/status", task->tid);
      len = read_proc_file (path, buf, sizeof buf);
    }
  if (len <= 0)
    return FS_ACTION_UNKNOWN;

  ProcStatus st;
  parse_proc_status (buf, &st);
  guint64 bit = G_GUINT64_CONSTANT (1) << (signo - 1);
  if (st.sig_ignored & bit)
    return FS_ACTION_IGNORED;
  if (st.sig_caught & bit)
    return FS_ACTION_HANDLER;
  return fs_signal_default_action (signo);
}

static void
remember_unknown_exit (PtraceTracer *self, gint32 pid, int status)
{
  self->recent_exits[self->recent_pos % RECENT_EXITS] = (RecentExit) { pid, status };
  self->recent_pos++;
}

static gboolean
take_unknown_exit (PtraceTracer *self, gint32 pid, int *status)
{
  for (guint i = 0; i < RECENT_EXITS; i++)
    if (self->recent_exits[i].pid == pid)
      {
        *status = self->recent_exits[i].status;
        self->recent_exits[i].pid = 0;
        return TRUE;
      }
  return FALSE;
}

/* ------------------------------------------------------------ resuming */

static void syscall_exit (PtraceTracer *self, Task *task, gint64 rval, gboolean died, gint64 now);

static void
detach_task (PtraceTracer *self, Task *task, int signo, gint64 now)
{
  /* A send seen at its entry still happens after we let go. */
  if (task->call != CALL_NONE)
    syscall_exit (self, task, 0, TRUE, now);
  ptrace (PTRACE_DETACH, task->tid, NULL, (void *) (intptr_t) signo);
  task_remove (self, task, FALSE, 0, now);
}

/* Lets a stopped task run on, delivering signo.  The task may be freed. */
static void
resume (PtraceTracer *self, Task *task, int signo, gint64 now)
{
  if (self->detaching)
    {
      detach_task (self, task, signo, now);
      return;
    }
  int request = proc_syscall_stops (task->proc) ? PTRACE_SYSCALL : PTRACE_CONT;
  if (ptrace (request, task->tid, NULL, (void *) (intptr_t) signo) < 0 && errno != ESRCH)
    g_warning ("ptrace: cannot resume %d: %s", task->tid, g_strerror (errno));
}

static void
listen_task (PtraceTracer *self, Task *task, gint64 now)
{
  if (self->detaching)
    {
      /* Detaching from a group-stopped task leaves it stopped. */
      detach_task (self, task, 0, now);
      return;
    }
  task->listening = TRUE;
  if (ptrace (PTRACE_LISTEN, task->tid, NULL, NULL) < 0 && errno != ESRCH)
    g_warning ("ptrace: cannot listen on %d: %s", task->tid, g_strerror (errno));
}

static gboolean
is_stop_signal (int signo)
{
  return signo == SIGSTOP || signo == SIGTSTP || signo == SIGTTIN || signo == SIGTTOU;
}

/* Whether si_code says the kernel, not a process, generated the signal. */
static gboolean
is_kernel_code (int signo, int code, gint32 sender_pid, gint32 receiver)
{
  if (code > 0 || code == SI_KERNEL)
    return TRUE;
  if (code == SI_TIMER || code == SI_MESGQ || code == SI_ASYNCIO || code == SI_SIGIO)
    return TRUE;
  /* send_sig() on behalf of the receiver itself (broken pipe, file size or
   * CPU limit) looks like kill() from the receiver. */
  if (code == SI_USER && sender_pid == receiver &&
      (signo == SIGPIPE || signo == SIGXFSZ || signo == SIGXCPU))
    return TRUE;
  return FALSE;
}

/* Records a delivery (or a sigwait consumption) with its sender. */
static void
record_delivery (PtraceTracer *self, gint64 now, gint32 tgid, int signo, int code,
                 gint32 sender_pid, gboolean have_info, FsSignalAction action)
{
  gint32 sender = -1;
  if (have_info)
    {
      if (is_kernel_code (signo, code, sender_pid, tgid))
        {
          sender = 0;
          fs_recorder_signal_send (self->recorder, now, 0, tgid, signo, code, 0, 0);
        }
      else
        sender = sender_pid;
    }
  fs_recorder_signal_deliver (self->recorder, now, tgid, signo, code, sender, action);
}

/* ----------------------------------------------------------- new tasks */

static void
kill_if_stopping (PtraceTracer *self, gint32 tid)
{
  if (self->stopping && self->launched)
    kill (tid, SIGKILL);
}

/* Registers a task created by parent (whose event announced it) unless its
 * first stop already did. */
static void
register_child (PtraceTracer *self, Task *parent, gint32 child, int event, gint64 now)
{
  /* Registered already at its own first stop (it may even be gone now). */
  if (g_hash_table_remove (self->early, GINT_TO_POINTER (child)))
    return;
  if (task_lookup (self, child) != NULL)
    return;

  Proc *pproc = parent->proc;
  gboolean is_thread = FALSE;
  if (event == PTRACE_EVENT_CLONE)
    {
      char path[64];
      struct stat st;
      g_snprintf (path, sizeof path, "/proc/%d/task/%d", pproc->tgid, child);
      is_thread = stat (path, &st) == 0;
    }

  int status;
  gboolean already_gone = take_unknown_exit (self, child, &status);

  if (is_thread)
    {
      fs_recorder_thread_new (self->recorder, now, pproc->tgid, child);
      if (!already_gone)
        task_new (self, child, pproc);
    }
  else
    {
      fs_recorder_process_new (self->recorder, now, child, pproc->tgid, NULL, 0);
      if (already_gone)
        {
          fs_recorder_exit (self->recorder, now, child, status);
          g_hash_table_replace (self->zombies, GINT_TO_POINTER (child), GINT_TO_POINTER (status));
        }
      else
        {
          Proc *proc = proc_new (self, child, pproc->seccomp);
          /* A child gets copies of its parent's descriptors. */
          proc->signalfd = pproc->signalfd;
          task_new (self, child, proc);
        }
    }
  if (!already_gone)
    kill_if_stopping (self, child);
}

/* A stop from a tid we do not know: a new task whose first stop came before
 * its creator's event.  /proc tells whether it is a thread and who made it. */
static Task *
adopt_unknown (PtraceTracer *self, gint32 tid, gint64 now)
{
  ProcStatus st;
  if (!read_proc_status (tid, &st))
    return NULL;

  g_hash_table_add (self->early, GINT_TO_POINTER (tid));
  Proc *proc = NULL;
  if (st.tgid != tid && (proc = proc_lookup (self, st.tgid)) != NULL)
    {
      fs_recorder_thread_new (self->recorder, now, st.tgid, tid);
      Task *task = task_new (self, tid, proc);
      kill_if_stopping (self, tid);
      return task;
    }

  Proc *parent = proc_lookup (self, st.ppid);
  gboolean seccomp = parent != NULL ? parent->seccomp : self->launched;
  fs_recorder_process_new (self->recorder, now, tid, st.ppid, parent != NULL ? NULL : st.name, 0);
  Proc *proc_of_child = proc_new (self, tid, seccomp);
  proc_of_child->signalfd = parent != NULL && parent->signalfd;
  Task *task = task_new (self, tid, proc_of_child);
  kill_if_stopping (self, tid);
  return task;
}

/* ------------------------------------------------------------- exec */

static void
record_exec (PtraceTracer *self, Task *task, gint64 now)
{
  gint32 pid = task->proc->tgid;
  char path[64];

  g_snprintf (path, sizeof path, "/proc/%d/exe", pid);
  g_autofree char *exe = g_file_read_link (path, NULL);

  g_snprintf (path, sizeof path, "/proc/%d/cmdline", pid);
  g_autofree char *cmdline = NULL;
  gsize len = 0;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  if (g_file_get_contents (path, &cmdline, &len, NULL))
    {
      for (gsize i = 0; i < len;)
        {
          g_ptr_array_add (argv, cmdline + i);
          i += strnlen (cmdline + i, len - i) + 1;
        }
    }
  g_ptr_array_add (argv, NULL);

  fs_recorder_exec (self->recorder, now, pid, exe != NULL ? exe : "",
                    (const char *const *) argv->pdata);

  char buf[512];
  g_snprintf (path, sizeof path, "/proc/%d/comm", pid);
  if (read_proc_file (path, buf, sizeof buf) > 0)
    {
      g_strchomp (buf);
      fs_recorder_rename (self->recorder, now, pid, buf);
    }

  FsProcStat st;
  if (fs_proc_read_stat (pid, &st))
    fs_recorder_set_ids (self->recorder, pid, st.pgid, st.sid);
}

static void
handle_exec (PtraceTracer *self, Task *task, gint64 now)
{
  unsigned long former = 0;
  ptrace (PTRACE_GETEVENTMSG, task->tid, NULL, &former);

  /* A non-leader thread exec'd: it now has the leader's tid (this task) and
   * its old tid is gone without a report. */
  if ((gint32) former != task->tid)
    {
      Task *old = task_lookup (self, (gint32) former);
      if (old != NULL && old != task)
        {
          if (old->call != CALL_NONE)
            syscall_exit (self, old, 0, TRUE, now);
          task_remove (self, old, FALSE, 0, now);
        }
    }
  if (task->exit_seen)
    {
      task->exit_seen = FALSE;
      task->proc->n_exit_seen--;
    }
  if (task->call != CALL_NONE)
    syscall_exit (self, task, 0, TRUE, now);
  task->listening = FALSE;
  task->entered = FALSE;

  record_exec (self, task, now);
  /* Close-on-exec signalfds are closed by now: a program that keeps none
   * goes back to stopping only where the filter says. */
  if (task->proc->signalfd && !holds_signalfd (task->tid))
    task->proc->signalfd = FALSE;
  resume (self, task, 0, now);
}

/* ----------------------------------------------------------- syscalls */

static gboolean
call_is_send (CallKind call)
{
  return call >= CALL_KILL && call <= CALL_PIDFD_SEND;
}

static gboolean
call_blocks (CallKind call, const guint64 *args)
{
  switch (call)
    {
    case CALL_WAIT4:
      return (args[2] & WNOHANG) == 0;
    case CALL_WAITID:
      return (args[3] & WNOHANG) == 0;
    case CALL_SIGTIMEDWAIT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* At a syscall entry (seccomp or syscall stop).  Returns TRUE when the call's
 * exit stop is needed. */
static gboolean
syscall_entry (PtraceTracer *self, Task *task, CallKind call, gboolean compat,
               const guint64 *args, gint64 now)
{
  switch (call)
    {
    case CALL_SET_NAME:
      {
        char name[17] = { 0 };
        if ((guint32) args[0] == PR_SET_NAME && task->tid == task->proc->tgid &&
            read_tracee (task->tid, args[1], name, 16))
          fs_recorder_rename (self->recorder, now, task->proc->tgid, name);
        return FALSE;
      }
    case CALL_KILL:
    case CALL_SIGQUEUE:
    case CALL_PIDFD_SEND:
      {
        int signo = (int) args[1];
        if (signo <= 0 || signo > FS_SIGNAL_MAX)
          return FALSE;   /* existence probe or invalid: no signal */
        break;
      }
    case CALL_TKILL:
      if ((int) args[1] <= 0 || (int) args[1] > FS_SIGNAL_MAX)
        return FALSE;
      break;
    case CALL_TGKILL:
    case CALL_TGSIGQUEUE:
      if ((int) args[2] <= 0 || (int) args[2] > FS_SIGNAL_MAX)
        return FALSE;
      break;
    case CALL_WAIT4:
    case CALL_WAITID:
    case CALL_SIGTIMEDWAIT:
    case CALL_SIGNALFD:
      break;
    case CALL_SIGNALFD_READ:
    case CALL_SIGNALFD_READV:
      /* The same numbers read every other file: only a signalfd's matter. */
      if (!fs_proc_fd_is_signalfd (task->tid, (int) args[0]))
        return FALSE;
      break;
    case CALL_NEW_PIDNS:
      track_pid_namespaces (self);
      return FALSE;
    case CALL_CLONE3:
      {
        guint64 flags = 0;   /* clone_args.flags comes first */
        if (read_tracee (task->tid, args[0], &flags, sizeof flags) && (flags & CLONE_NEWPID))
          track_pid_namespaces (self);
        return FALSE;
      }
    case CALL_NONE:
    case CALL_LAST:
    default:
      return FALSE;
    }

  task->call = (guint8) call;
  if (call_is_send (call))
    self->n_pending_sends++;
  task->compat = (guint8) compat;
  task->entry_ns = now;
  memcpy (task->args, args, sizeof task->args);
  /* Targets are translated now, while they surely exist.  A pidfd's pid
   * comes from our /proc, in our numbers already. */
  switch (call)
    {
    case CALL_PIDFD_SEND:
      task->args[0] = (guint64) pidfd_target (task->proc->tgid, (int) args[0]);
      break;
    case CALL_KILL:
    case CALL_SIGQUEUE:
    case CALL_TKILL:
      task->args[0] = (guint64) (gint64) outer_pid (self, task->proc, (gint32) args[0]);
      break;
    case CALL_TGKILL:
    case CALL_TGSIGQUEUE:
      task->args[0] = (guint64) (gint64) outer_pid (self, task->proc, (gint32) args[0]);
      task->args[1] = (guint64) (gint64) outer_pid (self, task->proc, (gint32) args[1]);
      break;
    default:
      break;
    }
  task->blocked = (guint8) call_blocks (call, args);
  if (task->blocked)
    fs_recorder_block (self->recorder, now, task->proc->tgid,
                       call == CALL_SIGTIMEDWAIT ? FS_BLOCK_SIGWAIT : FS_BLOCK_WAIT, 0);
  return TRUE;
}

static int
wait_status_from_cld (int code, int status)
{
  switch (code)
    {
    case CLD_EXITED:
      return (status & 0xff) << 8;
    case CLD_KILLED:
      return status & 0x7f;
    case CLD_DUMPED:
      return (status & 0x7f) | 0x80;
    default:
      return -1;
    }
}

static void
record_reap (PtraceTracer *self, Task *task, gint32 child, int status, gboolean have_status,
             gint64 now)
{
  if (!have_status)
    {
      gpointer v;
      if (!g_hash_table_lookup_extended (self->zombies, GINT_TO_POINTER (child), NULL, &v))
        return;
      status = GPOINTER_TO_INT (v);
    }
  if (!WIFEXITED (status) && !WIFSIGNALED (status))
    return;   /* a stopped or continued child: not a reap */
  g_hash_table_remove (self->zombies, GINT_TO_POINTER (child));
  fs_recorder_reap (self->recorder, now, task->proc->tgid, child, status);
}

/* The process made a signalfd: from now on its reads are looked at, so it
 * stops at every call.  Its other threads switch at their next stop, which
 * an interrupt brings now (a blocked read restarts and is seen). */
static void
begin_signalfd_reads (PtraceTracer *self, Task *task)
{
  Proc *proc = task->proc;
  if (proc->signalfd)
    return;
  proc->signalfd = TRUE;
  if (!proc->seccomp || proc->n_tasks < 2)
    return;
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Task *other = value;
      /* A listening (group-stopped) task would take the interrupt for the
       * end of its stop. */
      if (other->proc == proc && other != task && !other->listening)
        ptrace (PTRACE_INTERRUPT, other->tid, NULL, NULL);
    }
}

/* Most struct signalfd_siginfo records looked at in one go; a readv's
 * segments are all followed (the kernel takes at most IOV_MAX of them). */
#define SIGNALFD_CHUNK_RECORDS 32

typedef struct {
  guint64 addr;
  guint64 len;
} TraceeSegment;

/* A read of a signalfd returned `total` bytes: whole struct
 * signalfd_siginfo records, each a signal it dequeued (the kernel never
 * splits one).  Each is recorded as a delivery, its sender from ssi_pid
 * (in the reader's PID namespace, like si_pid). */
static void
record_signalfd_read (PtraceTracer *self, Task *task, gboolean vector, gsize total, gint64 now)
{
  guint n = vector ? (guint) MIN (task->args[2], (guint64) IOV_MAX) : 1;
  if (n == 0)
    return;
  g_autofree TraceeSegment *segs = g_new (TraceeSegment, n);
  g_autofree struct iovec *remote = g_new (struct iovec, n);
  guint n_segs = 0;

  if (!vector)
    segs[n_segs++] = (TraceeSegment) { task->args[1], total };
  else if (task->compat)
    {
      g_autofree guint32 *iov32 = g_new (guint32, 2 * (gsize) n);
      if (!read_tracee (task->tid, task->args[1], iov32, (gsize) n * 2 * sizeof (guint32)))
        return;
      for (guint i = 0; i < n; i++)
        segs[n_segs++] = (TraceeSegment) { iov32[2 * i], iov32[2 * i + 1] };
    }
  else
    {
      g_autofree struct iovec *iov = g_new (struct iovec, n);
      if (!read_tracee (task->tid, task->args[1], iov, (gsize) n * sizeof iov[0]))
        return;
      for (guint i = 0; i < n; i++)
        segs[n_segs++] = (TraceeSegment) { (guint64) (uintptr_t) iov[i].iov_base,
                                           (guint64) iov[i].iov_len };
    }

  struct signalfd_siginfo chunk[SIGNALFD_CHUNK_RECORDS];
  guint s = 0;
  total -= total % sizeof chunk[0];
  while (total > 0 && s < n_segs)
    {
      /* Gather the next chunk from wherever the segments put it. */
      guint n_remote = 0;
      gsize want = MIN (total, sizeof chunk), got = 0;
      while (got < want && s < n_segs)
        {
          gsize take = (gsize) MIN (segs[s].len, (guint64) (want - got));
          if (take > 0)
            {
              remote[n_remote++] = (struct iovec) { (void *) (uintptr_t) segs[s].addr, take };
              segs[s].addr += take;
              segs[s].len -= take;
              got += take;
            }
          if (segs[s].len == 0)
            s++;
        }
      got -= got % sizeof chunk[0];
      if (got == 0)
        break;
      struct iovec local = { chunk, got };
      if (process_vm_readv (task->tid, &local, 1, remote, n_remote, 0) != (ssize_t) got)
        return;
      for (gsize i = 0; i < got / sizeof chunk[0]; i++)
        {
          int signo = (int) chunk[i].ssi_signo;
          if (signo <= 0 || signo > FS_SIGNAL_MAX)
            continue;
          record_delivery (self, now, task->proc->tgid, signo, chunk[i].ssi_code,
                           outer_pid (self, task->proc, (gint32) chunk[i].ssi_pid), TRUE,
                           FS_ACTION_SIGNALFD);
        }
      total -= got;
    }
}

/* At the exit of a call syscall_entry() kept.  rval is what it returned; a
 * task that died inside the call passes died = TRUE. */
static void
syscall_exit (PtraceTracer *self, Task *task, gint64 rval, gboolean died, gint64 now)
{
  CallKind call = task->call;
  const guint64 *a = task->args;
  gint32 tgid = task->proc->tgid;
  int result = died ? 0 : (rval < 0 ? (int) rval : 0);

  task->call = CALL_NONE;
  if (call_is_send (call))
    self->n_pending_sends--;
  switch (call)
    {
    case CALL_KILL:
      fs_recorder_signal_send (self->recorder, task->entry_ns, tgid, (gint32) a[0], (int) a[1],
                               SI_USER, result, 0);
      break;
    case CALL_PIDFD_SEND:
      fs_recorder_signal_send (self->recorder, task->entry_ns, tgid, (gint32) a[0], (int) a[1],
                               a[2] != 0 ? SI_QUEUE : SI_USER, result, 0);
      break;
    case CALL_SIGQUEUE:
      fs_recorder_signal_send (self->recorder, task->entry_ns, tgid, (gint32) a[0], (int) a[1],
                               SI_QUEUE, result, 0);
      break;
    case CALL_TKILL:
      fs_recorder_signal_send (self->recorder, task->entry_ns, tgid, (gint32) a[0], (int) a[1],
                               SI_TKILL, result, FS_EVENT_FLAG_THREAD_DIRECTED);
      break;
    case CALL_TGKILL:
      fs_recorder_signal_send (self->recorder, task->entry_ns, tgid, (gint32) a[1], (int) a[2],
                               SI_TKILL, result, FS_EVENT_FLAG_THREAD_DIRECTED);
      break;
    case CALL_TGSIGQUEUE:
      fs_recorder_signal_send (self->recorder, task->entry_ns, tgid, (gint32) a[1], (int) a[2],
                               SI_QUEUE, result, FS_EVENT_FLAG_THREAD_DIRECTED);
      break;
    case CALL_WAIT4:
      if (!died && rval > 0)
        {
          gint32 status = 0;
          gboolean have = read_tracee (task->tid, a[1], &status, sizeof status);
          record_reap (self, task, outer_pid (self, task->proc, (gint32) rval), status, have,
                       now);
        }
      break;
    case CALL_WAITID:
      if (!died && rval == 0 && (a[3] & WNOWAIT) == 0)
        {
          TraceeSiginfo si;
          if (read_tracee_siginfo (task->tid, a[2], task->compat, &si) && si.pid > 0)
            {
              int status = wait_status_from_cld (si.code, si.status);
              if (status >= 0)
                record_reap (self, task, outer_pid (self, task->proc, si.pid), status, TRUE,
                             now);
            }
        }
      break;
    case CALL_SIGTIMEDWAIT:
      if (!died && rval > 0 && rval <= FS_SIGNAL_MAX)
        {
          TraceeSiginfo si = { 0 };
          gboolean have = read_tracee_siginfo (task->tid, a[1], task->compat, &si);
          record_delivery (self, now, tgid, (int) rval, have ? si.code : 0,
                           outer_pid (self, task->proc, si.pid), have, FS_ACTION_SIGWAIT);
        }
      break;
    case CALL_SIGNALFD:
      if (!died && rval >= 0)
        begin_signalfd_reads (self, task);
      break;
    case CALL_SIGNALFD_READ:
    case CALL_SIGNALFD_READV:
      if (!died && rval > 0)
        record_signalfd_read (self, task, call == CALL_SIGNALFD_READV, (gsize) rval, now);
      break;
    case CALL_SET_NAME:
    case CALL_NONE:
    case CALL_LAST:
    default:
      break;
    }

  if (task->blocked)
    {
      task->blocked = FALSE;
      fs_recorder_unblock (self->recorder, now, tgid);
    }
}

static gboolean
get_syscall_info (gint32 tid, struct __ptrace_syscall_info *info)
{
  memset (info, 0, sizeof *info);
  return ptrace (PTRACE_GET_SYSCALL_INFO, tid, (void *) sizeof *info, info) > 0;
}

static void
handle_seccomp_stop (PtraceTracer *self, Task *task, gint64 now)
{
  struct __ptrace_syscall_info info;
  if (!get_syscall_info (task->tid, &info) || info.op != PTRACE_SYSCALL_INFO_SECCOMP)
    {
      resume (self, task, 0, now);
      return;
    }
  if (task->entered)
    {
      /* Under syscall stops the entry stop comes first (since Linux 4.8)
       * and has seen the call. */
      task->entered = FALSE;
      resume (self, task, 0, now);
      return;
    }
  CallKind call = info.seccomp.ret_data < CALL_LAST ? (CallKind) info.seccomp.ret_data : CALL_NONE;
  if (call == CALL_NONE)
    call = classify_call (info.arch, info.seccomp.nr, info.seccomp.args[0]);
  guint64 args[4];
  memcpy (args, info.seccomp.args, sizeof args);

  if (syscall_entry (self, task, call, is_compat_arch (info.arch), args, now) && !self->detaching)
    {
      /* One more stop, at the syscall's exit, for its result. */
      if (ptrace (PTRACE_SYSCALL, task->tid, NULL, NULL) < 0 && errno != ESRCH)
        g_warning ("ptrace: cannot resume %d: %s", task->tid, g_strerror (errno));
      return;
    }
  resume (self, task, 0, now);
}

static void
handle_syscall_stop (PtraceTracer *self, Task *task, gint64 now)
{
  struct __ptrace_syscall_info info;
  if (!get_syscall_info (task->tid, &info))
    {
      resume (self, task, 0, now);
      return;
    }
  if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
    {
      self->n_stops[STOP_SYSCALL_ENTRY]++;
      task->entered = TRUE;
      if (task->call != CALL_NONE)
        syscall_exit (self, task, 0, TRUE, now);
      CallKind call = classify_call (info.arch, info.entry.nr, info.entry.args[0]);
      if (call == CALL_NONE && task->proc->signalfd)
        call = classify_read_call (info.arch, info.entry.nr);
      if (call != CALL_NONE)
        {
          guint64 args[4];
          memcpy (args, info.entry.args, sizeof args);
          syscall_entry (self, task, call, is_compat_arch (info.arch), args, now);
        }
    }
  else if (info.op == PTRACE_SYSCALL_INFO_EXIT)
    {
      self->n_stops[STOP_SYSCALL_EXIT]++;
      task->entered = FALSE;
      if (task->call != CALL_NONE)
        syscall_exit (self, task, info.exit.rval, FALSE, now);
    }
  resume (self, task, 0, now);
}

/* --------------------------------------------------------- other stops */

static void
handle_exit_event (PtraceTracer *self, Task *task, gint64 now)
{
  unsigned long msg = 0;
  ptrace (PTRACE_GETEVENTMSG, task->tid, NULL, &msg);

  if (task->call != CALL_NONE)
    syscall_exit (self, task, 0, TRUE, now);
  if (!task->exit_seen)
    {
      task->exit_seen = TRUE;
      task->proc->n_exit_seen++;
    }
  task->proc->exit_status = (int) msg;
  proc_check_exit (self, task->proc, now);
  resume (self, task, 0, now);
}

static void
handle_event_stop (PtraceTracer *self, Task *task, int signo, gint64 now)
{
  Proc *proc = task->proc;

  if (is_stop_signal (signo))
    {
      /* Group-stop: record it once per process, then wait in PTRACE_LISTEN
       * so the task stays stopped yet reports SIGCONT. */
      if (!proc->stopped)
        {
          proc->stopped = TRUE;
          fs_recorder_stop (self->recorder, now, proc->tgid, signo);
        }
      listen_task (self, task, now);
      return;
    }

  /* SIGTRAP: the first stop of a new task, our PTRACE_INTERRUPT, or the end
   * of a group-stop seen while listening. */
  if (task->listening)
    {
      task->listening = FALSE;
      if (proc->stopped)
        {
          proc->stopped = FALSE;
          fs_recorder_continue (self->recorder, now, proc->tgid);
        }
    }
  resume (self, task, 0, now);
}

static void
handle_signal_stop (PtraceTracer *self, Task *task, int signo, gint64 now)
{
  siginfo_t si;
  gboolean have = ptrace (PTRACE_GETSIGINFO, task->tid, NULL, &si) == 0;
  FsSignalAction action = signal_action (self, task, signo);

  record_delivery (self, now, task->proc->tgid, signo, have ? si.si_code : 0,
                   have ? outer_pid (self, task->proc, si.si_pid) : 0, have, action);
  /* Re-inject exactly what the kernel was about to deliver. */
  resume (self, task, signo, now);
}

static void
handle_status (PtraceTracer *self, gint32 pid, int status, gint64 now)
{
  Task *task = task_lookup (self, pid);

  if (WIFEXITED (status) || WIFSIGNALED (status))
    {
      if (self->launched && pid == self->root_pid)
        {
          self->root_done = TRUE;
          self->root_status = status;
        }
      if (task == NULL)
        {
          remember_unknown_exit (self, pid, status);
          return;
        }
      if (task->call != CALL_NONE)
        syscall_exit (self, task, 0, TRUE, now);
      task_remove (self, task, TRUE, status, now);
      if (self->launched && pid == self->root_pid)
        g_hash_table_remove (self->zombies, GINT_TO_POINTER (pid));
      return;
    }

  if (!WIFSTOPPED (status))
    return;

  if (task == NULL && (task = adopt_unknown (self, pid, now)) == NULL)
    {
      /* Gone already, or not ours: let it run. */
      ptrace (PTRACE_CONT, pid, NULL, NULL);
      return;
    }

  int signo = WSTOPSIG (status);
  int event = (status >> 16) & 0xff;

  if (signo == (SIGTRAP | 0x80))
    {
      handle_syscall_stop (self, task, now);
      return;
    }

  switch (event)
    {
    case PTRACE_EVENT_SECCOMP:
      self->n_stops[STOP_SECCOMP]++;
      handle_seccomp_stop (self, task, now);
      break;
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE:
      {
        self->n_stops[STOP_FORK]++;
        unsigned long child = 0;
        if (ptrace (PTRACE_GETEVENTMSG, task->tid, NULL, &child) == 0 && child > 0)
          register_child (self, task, (gint32) child, event, now);
        resume (self, task, 0, now);
        break;
      }
    case PTRACE_EVENT_EXEC:
      self->n_stops[STOP_EXEC]++;
      handle_exec (self, task, now);
      break;
    case PTRACE_EVENT_EXIT:
      self->n_stops[STOP_EXIT]++;
      handle_exit_event (self, task, now);
      break;
    case PTRACE_EVENT_STOP:
      self->n_stops[STOP_GROUP]++;
      handle_event_stop (self, task, signo, now);
      break;
    case 0:
      self->n_stops[STOP_SIGNAL]++;
      handle_signal_stop (self, task, signo, now);
      break;
    default:
      resume (self, task, 0, now);
      break;
    }
}

/* ------------------------------------------------------------- the loop */

static void
begin_stop (PtraceTracer *self)
{
  self->stopping = TRUE;
  GHashTableIter iter;
  gpointer value;

  if (self->launched)
    {
      g_hash_table_iter_init (&iter, self->procs);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        kill (((Proc *) value)->tgid, SIGKILL);
      return;
    }

  /* Attached: every task comes to a stop (PTRACE_INTERRUPT) and is detached
   * there with whatever signal it was about to receive. */
  self->detaching = TRUE;
  g_hash_table_iter_init (&iter, self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Task *task = value;
      task->interrupted = TRUE;
      ptrace (PTRACE_INTERRUPT, task->tid, NULL, NULL);
    }
}

static void
maybe_flush (PtraceTracer *self, gint64 now, gboolean all)
{
  if (!all && now - self->last_flush_ns < FLUSH_INTERVAL_NS)
    return;
  self->last_flush_ns = now;
  /* Not everything held may go out yet even when the tree is quiet: the
   * scenario engine's output lines and markers reach the recorder through a
   * pipe, stamped by the printing process, a little after the events we
   * report around them.  The recorder's reorder window (measured against
   * the clock, so idle trees still reach the file) keeps them in order. */
  GError *error = NULL;
  if (!fs_recorder_flush (self->recorder, all, &error))
    {
      if (self->flush_error == NULL)
        self->flush_error = error;
      else
        g_error_free (error);
      /* Writing failed: nothing more can be kept, so end the recording. */
      self->stop_requested = 1;
    }
}

/* Waits for and handles stops until no traced task is left. */
static void
run_loop (PtraceTracer *self)
{
  while (TRUE)
    {
      if (self->stop_requested && !self->stopping)
        begin_stop (self);
      if (g_hash_table_size (self->tasks) == 0)
        break;

      int status;
      pid_t pid = waitpid (-1, &status, __WALL | __WNOTHREAD);
      gint64 now = fs_recorder_now ();
      if (pid > 0)
        handle_status (self, pid, status, now);
      else if (errno == ECHILD)
        {
          /* Every tracee vanished without a report (not expected). */
          g_hash_table_remove_all (self->tasks);
          g_hash_table_remove_all (self->procs);
          break;
        }
      else if (errno != EINTR)
        {
          g_warning ("ptrace: waitpid failed: %s", g_strerror (errno));
          break;
        }
      maybe_flush (self, now, FALSE);
    }
}

/* --------------------------------------------------------- the backend */

static gboolean
ptrace_probe (char **why)
{
  return TRUE;
}

static gpointer
ptrace_create (FsRecorder *recorder, const FsTracerOptions *options, GError **error)
{
  PtraceTracer *self = g_new0 (PtraceTracer, 1);
  self->recorder = recorder;
  self->options = *options;
  self->tasks = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->procs = g_hash_table_new_full (NULL, NULL, NULL, proc_free);
  self->zombies = g_hash_table_new (NULL, NULL);
  self->early = g_hash_table_new (NULL, NULL);
  self->pidns_maps = g_hash_table_new_full (NULL, NULL, NULL,
                                            (GDestroyNotify) g_hash_table_unref);
  self->tick_signal = SIGRTMIN + 6;
  self->last_flush_ns = fs_recorder_now ();
  return self;
}

static const long base_options =
    PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
    PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACESECCOMP;

static gboolean
check_tracer_thread (PtraceTracer *self, GError **error)
{
  pid_t tid = gettid ();
  if (self->tracer_tid == 0)
    self->tracer_tid = tid;
  else if (self->tracer_tid != tid)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "The ptrace tracer must be used from the thread that started tracing");
      return FALSE;
    }
  return TRUE;
}

/* Why ptrace was refused for pid, in one sentence. */
static char *
explain_ptrace_refusal (gint32 pid, int err)
{
  if (err == ESRCH)
    return g_strdup_printf ("no process with pid %d", pid);
  if (err != EPERM)
    return g_strdup (g_strerror (err));

  ProcStatus st;
  if (read_proc_status (pid, &st) && st.tracer_pid != 0)
    {
      char path[64], comm[64] = "";
      g_snprintf (path, sizeof path, "/proc/%d/comm", st.tracer_pid);
      read_proc_file (path, comm, sizeof comm);
      g_strchomp (comm);
      return g_strdup_printf ("process %d is already traced by %d (%s)", pid, st.tracer_pid, comm);
    }
  char scope[16] = "";
  if (read_proc_file ("/proc/sys/kernel/yama/ptrace_scope", scope, sizeof scope) > 0 &&
      atoi (scope) > 0)
    return g_strdup_printf ("kernel.yama.ptrace_scope is %d, which forbids tracing processes "
                            "that are not our descendants (run as root or lower it)",
                            atoi (scope));
  if (geteuid () == 0)
    return g_strdup_printf ("permission denied even to root (process %d is protected, e.g. "
                            "it is init or lives in another user namespace)", pid);
  return g_strdup_printf ("permission denied (process %d belongs to another user or is "
                          "protected; root or CAP_SYS_PTRACE is needed)", pid);
}

/* What the launched child reports through the CLOEXEC pipe when it fails. */
typedef struct {
  int stage;   /* 0 setup (filter, chdir), 1 exec */
  int err;
} LaunchFailure;

static void
write_failure (int fd, int stage, int err)
{
  LaunchFailure f = { stage, err };
  ssize_t n;
  do
    n = write (fd, &f, sizeof f);
  while (n < 0 && errno == EINTR);
}

G_GNUC_NORETURN static void
launched_child (const FsLaunch *launch, int go_fd, int fail_fd, int tick_signal,
                const struct sock_fprog *filter)
{
  /* Wait until the parent has seized us. */
  char go = 0;
  ssize_t n;
  do
    n = read (go_fd, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1)
    _exit (127);
  close (go_fd);

  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (tick_signal, SIG_DFL);

  if (filter != NULL)
    {
      /* prctl() is the older spelling; valgrind knows only that one. */
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
          (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, filter) != 0 &&
           prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, filter, 0, 0) != 0))
        {
          write_failure (fail_fd, 0, errno);
          _exit (126);
        }
    }
  if (launch->working_dir != NULL && chdir (launch->working_dir) != 0)
    {
      write_failure (fail_fd, 0, errno);
      _exit (126);
    }

  if (launch->child_main != NULL)
    {
      close (fail_fd);
      launch->child_main (launch->child_data);
      _exit (0);
    }

  execvp (launch->argv[0], launch->argv);
  int err = errno;
  write_failure (fail_fd, 1, err);
  _exit (err == ENOENT || err == ENOTDIR ? 127 : 126);
}

/* Waits for a launched child we gave up on, so it leaves no zombie. */
static void
discard_child (pid_t pid)
{
  kill (pid, SIGKILL);
  int status;
  while (waitpid (pid, &status, __WALL) >= 0)
    if (WIFSTOPPED (status))
      ptrace (PTRACE_CONT, pid, NULL, NULL);
}

static gboolean
ptrace_launch (gpointer data, const FsLaunch *launch, GPid *pid_out, GError **error)
{
  PtraceTracer *self = data;

  if (!check_tracer_thread (self, error))
    return FALSE;
  if (self->launched || self->root_pid != 0)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "This tracer already started a process");
      return FALSE;
    }

  const struct sock_fprog *filter = NULL;
#ifdef NATIVE_ARCH
  FilterProgram program;
  build_filter (&program);
  struct sock_fprog fprog = { .len = (unsigned short) program.n, .filter = program.insns };
  filter = &fprog;
#endif

  int go_pipe[2], fail_pipe[2];
  if (pipe2 (go_pipe, O_CLOEXEC) != 0)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED, "pipe: %s", g_strerror (errno));
      return FALSE;
    }
  if (pipe2 (fail_pipe, O_CLOEXEC) != 0)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED, "pipe: %s", g_strerror (errno));
      close (go_pipe[0]);
      close (go_pipe[1]);
      return FALSE;
    }

  gint64 t_fork = fs_recorder_now ();
  pid_t pid = fork ();
  if (pid < 0)
    {
      int err = errno;
      close (go_pipe[0]);
      close (go_pipe[1]);
      close (fail_pipe[0]);
      close (fail_pipe[1]);
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED, "fork: %s", g_strerror (err));
      return FALSE;
    }
  if (pid == 0)
    {
      close (go_pipe[1]);
      close (fail_pipe[0]);
      launched_child (launch, go_pipe[0], fail_pipe[1], self->tick_signal, filter);
    }

  close (go_pipe[0]);
  close (fail_pipe[1]);

  if (ptrace (PTRACE_SEIZE, pid, NULL, (void *) (base_options | PTRACE_O_EXITKILL)) != 0)
    {
      int err = errno;
      close (go_pipe[1]);
      close (fail_pipe[0]);
      discard_child (pid);
      g_autofree char *why = explain_ptrace_refusal (pid, err);
      ProcStatus self_st;
      if (err == EPERM && read_proc_status (getpid (), &self_st) && self_st.tracer_pid != 0)
        {
          g_free (why);
          why = g_strdup_printf ("forkscope itself is traced by pid %d, and its children are "
                                 "traced by that tracer too", self_st.tracer_pid);
        }
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_PERMISSION,
                   "Cannot trace the new process: %s", why);
      return FALSE;
    }

  char comm[64] = "";
  if (launch->argv != NULL && launch->argv[0] != NULL)
    {
      g_autofree char *base = g_path_get_basename (launch->argv[0]);
      g_strlcpy (comm, base, 16);
    }
  else
    {
      read_proc_file ("/proc/self/comm", comm, sizeof comm);
      g_strchomp (comm);
    }
  self->launched = TRUE;
  self->root_pid = pid;
  fs_recorder_process_new (self->recorder, t_fork, pid, 0, comm, 0);
  fs_recorder_set_ids (self->recorder, pid, getpgrp (), getsid (0));
  task_new (self, pid, proc_new (self, pid, filter != NULL));

  /* Go, then learn whether setup and exec worked: the pipe closes on exec.
   * The child may stop before that (a signal, a traced call), so its stops
   * are handled meanwhile rather than waiting blind. */
  ssize_t n;
  do
    n = write (go_pipe[1], "g", 1);
  while (n < 0 && errno == EINTR);
  close (go_pipe[1]);

  LaunchFailure failure;
  gsize got = 0;
  while (got < sizeof failure)
    {
      struct pollfd pfd = { .fd = fail_pipe[0], .events = POLLIN };
      int ready = poll (&pfd, 1, 20);
      if (ready > 0)
        {
          n = read (fail_pipe[0], (char *) &failure + got, sizeof failure - got);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          got += (gsize) n;
          continue;
        }
      int status;
      pid_t w;
      while ((w = waitpid (pid, &status, WNOHANG | __WALL)) > 0)
        handle_status (self, w, status, fs_recorder_now ());
    }
  close (fail_pipe[0]);

  if (got == sizeof failure)
    {
      /* Started, but setup or exec failed: end it and forget it. */
      kill (pid, SIGKILL);
      while (task_lookup (self, pid) != NULL)
        {
          int status;
          pid_t w = waitpid (pid, &status, __WALL);
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              g_hash_table_remove_all (self->tasks);
              g_hash_table_remove_all (self->procs);
              break;
            }
          handle_status (self, w, status, fs_recorder_now ());
        }
      self->launched = FALSE;
      const char *what = launch->argv != NULL && launch->argv[0] != NULL ? launch->argv[0] : "child";
      if (failure.stage == 1 && (failure.err == ENOENT || failure.err == ENOTDIR))
        g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_NOT_FOUND,
                     "%s: command not found", what);
      else if (failure.stage == 1)
        g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_NOT_EXECUTABLE,
                     "%s: cannot execute: %s", what, g_strerror (failure.err));
      else
        g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                     "Cannot set up the traced process: %s", g_strerror (failure.err));
      return FALSE;
    }

  if (pid_out != NULL)
    *pid_out = pid;
  return TRUE;
}

static gboolean
ptrace_attach (gpointer data, GPid pid, GError **error)
{
  PtraceTracer *self = data;

  if (!check_tracer_thread (self, error))
    return FALSE;
  if (pid == getpid ())
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "Cannot attach to pid %d: that is forkscope itself", pid);
      return FALSE;
    }

  ProcStatus st;
  if (!read_proc_status (pid, &st))
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "Cannot attach to pid %d: no such process", pid);
      return FALSE;
    }
  gint32 tgid = st.tgid > 0 ? st.tgid : pid;
  if (proc_lookup (self, tgid) != NULL)
    return TRUE;

  gint64 now = fs_recorder_now ();
  Proc *proc = NULL;
  char task_dir[64];
  g_snprintf (task_dir, sizeof task_dir, "/proc/%d/task", tgid);

  /* Seize every thread; repeat until a pass finds no new one, since threads
   * may be created meanwhile. */
  gboolean found_new = TRUE;
  while (found_new)
    {
      found_new = FALSE;
      DIR *dir = opendir (task_dir);
      if (dir == NULL)
        break;
      struct dirent *de;
      while ((de = readdir (dir)) != NULL)
        {
          gint32 tid = (gint32) strtol (de->d_name, NULL, 10);
          if (tid <= 0 || task_lookup (self, tid) != NULL)
            continue;
          if (ptrace (PTRACE_SEIZE, tid, NULL, (void *) base_options) != 0)
            {
              int err = errno;
              if (err == ESRCH && proc != NULL)
                continue;   /* a thread that just exited */
              closedir (dir);
              if (proc != NULL)
                {
                  /* Undo the partial attach. */
                  self->detaching = TRUE;
                  begin_stop (self);
                  run_loop (self);
                  self->detaching = FALSE;
                  self->stopping = FALSE;
                }
              g_autofree char *why = explain_ptrace_refusal (tid, err);
              g_set_error (error, FS_TRACER_ERROR,
                           err == EPERM ? FS_TRACER_ERROR_PERMISSION : FS_TRACER_ERROR_FAILED,
                           "Cannot attach to pid %d: %s", pid, why);
              return FALSE;
            }
          if (proc == NULL)
            {
              if (!self->track_pidns
                  && fs_proc_pid_namespace (tgid) != fs_proc_pid_namespace (0))
                track_pid_namespaces (self);
              proc = proc_new (self, tgid, FALSE);
              /* A daemon made its signalfd long before we came. */
              proc->signalfd = holds_signalfd (tgid);
              fs_recorder_process_new (self->recorder, now, tgid, 0, st.name,
                                       FS_PROCESS_FLAG_ATTACHED);
              FsProcStat ids;
              if (fs_proc_read_stat (tgid, &ids))
                fs_recorder_set_ids (self->recorder, tgid, ids.pgid, ids.sid);
            }
          if (tid != tgid)
            fs_recorder_thread_new (self->recorder, now, tgid, tid);
          task_new (self, tid, proc);
          /* Bring it to a stop so we can switch it to syscall stepping. */
          ptrace (PTRACE_INTERRUPT, tid, NULL, NULL);
          found_new = TRUE;
        }
      closedir (dir);
    }

  if (proc == NULL)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "Cannot attach to pid %d: it has no threads left", pid);
      return FALSE;
    }
  if (self->root_pid == 0)
    self->root_pid = tgid;
  return TRUE;
}

static gboolean
ptrace_run (gpointer data, int *root_status, GError **error)
{
  PtraceTracer *self = data;

  if (!check_tracer_thread (self, error))
    return FALSE;

  /* A no-op signal every 100 ms (to this thread only) interrupts waitpid()
   * for the periodic flush and for stop requests. */
  struct sigaction sa = { 0 };
  sa.sa_handler = tick_handler;
  sigemptyset (&sa.sa_mask);
  sigaction (self->tick_signal, &sa, NULL);
  sigset_t tick_set, old_mask;
  sigemptyset (&tick_set);
  sigaddset (&tick_set, self->tick_signal);
  pthread_sigmask (SIG_UNBLOCK, &tick_set, &old_mask);

  timer_t timer;
  struct sigevent sev = { 0 };
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = self->tick_signal;
  sev._sigev_un._tid = gettid ();  /* sigev_notify_thread_id */
  gboolean have_timer = timer_create (CLOCK_MONOTONIC, &sev, &timer) == 0;
  if (have_timer)
    {
      struct itimerspec its = {
        .it_interval = { 0, TICK_INTERVAL_NS },
        .it_value = { 0, TICK_INTERVAL_NS },
      };
      timer_settime (timer, 0, &its, NULL);
    }
  self->loop_tid = gettid ();

  run_loop (self);

  self->loop_tid = 0;
  if (have_timer)
    timer_delete (timer);
  pthread_sigmask (SIG_SETMASK, &old_mask, NULL);

  maybe_flush (self, fs_recorder_now (), TRUE);

  if (g_getenv ("FS_PTRACE_STATS") != NULL)
    {
      g_autoptr (GString) s = g_string_new ("forkscope ptrace stops:");
      guint64 total = 0;
      for (int k = 0; k < STOP_KIND_LAST; k++)
        {
          g_string_append_printf (s, " %s=%" G_GUINT64_FORMAT, stop_kind_names[k], self->n_stops[k]);
          total += self->n_stops[k];
        }
      g_string_append_printf (s, " total=%" G_GUINT64_FORMAT "\n", total);
      fputs (s->str, stderr);
    }

  *root_status = self->launched ? self->root_status : 0;
  if (self->flush_error != NULL)
    {
      g_propagate_error (error, self->flush_error);
      self->flush_error = NULL;
      return FALSE;
    }
  return TRUE;
}

static void
ptrace_request_stop (gpointer data)
{
  PtraceTracer *self = data;
  self->stop_requested = 1;
  pid_t tid = self->loop_tid;
  if (tid != 0)
    syscall (SYS_tgkill, getpid (), tid, self->tick_signal);
}

static void
ptrace_free (gpointer data)
{
  PtraceTracer *self = data;
  if (self == NULL)
    return;
  /* Leave nothing traced: kill a launched tree, detach an attached one. */
  if (g_hash_table_size (self->tasks) > 0 && self->tracer_tid == gettid ())
    {
      self->stop_requested = 1;
      run_loop (self);
    }
  if (self->flush_error != NULL)
    g_error_free (self->flush_error);
  g_hash_table_destroy (self->tasks);
  g_hash_table_destroy (self->procs);
  g_hash_table_destroy (self->zombies);
  g_hash_table_destroy (self->early);
  g_hash_table_destroy (self->pidns_maps);
  g_free (self);
}

const FsTracerBackend fs_ptrace_backend = {
  .name = "ptrace",
  .probe = ptrace_probe,
  .create = ptrace_create,
  .launch = ptrace_launch,
  .attach = ptrace_attach,
  .run = ptrace_run,
  .request_stop = ptrace_request_stop,
  .free = ptrace_free,
};

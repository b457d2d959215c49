/* tracefs-tracer.c: the tracefs backend — kernel tracepoints read from a
 * private tracefs instance through libtracefs and libtraceevent.
 *
 * Two instances per recording:
 * - "forkscope-PID" follows the traced tree: set_event_pid holds the root (or
 *   the attached tasks) and the event-fork option adds every child, so only
 *   events emitted by traced tasks are recorded.
 * - "forkscope-PID-ext" records signal:signal_generate from every task not
 *   in the tree (set_event_notrace_pid + event-fork; SIGCHLD filtered out in
 *   the kernel), because a pid filter applies to the emitting task and a
 *   kill(1) from an untraced shell would otherwise be lost.  User space keeps
 *   those whose target is traced.  (Without the notrace filter the tree's
 *   own signal storms would overflow this instance.)
 *
 * Every poll interval a copier thread reads every CPU buffer of both
 * instances without blocking; the run thread merges the records by timestamp
 * and handles those older than the time the copier's last round started (a
 * record with an older stamp cannot still be on its way), so that a child's
 * first event is never handled before its fork.  (See Copier for why two
 * threads.)  The trace
 * clock is "mono", so record times are CLOCK_MONOTONIC like the rest of the
 * project.
 *
 * What the tracepoints on this kernel lack, and how it is recovered:
 * - sched_process_exit carries no exit code: the code comes from
 *   sys_enter_exit_group / sys_enter_exit; a death by signal from the fatal
 *   signal_deliver; whether it dumped core from the CLD_* code of the SIGCHLD
 *   the dying process generates for its parent.  A fatal default signal is
 *   turned into a group-wide SIGKILL by the kernel (complete_signal), whose
 *   delivery carries no siginfo: that SIGKILL is mapped back to the oldest
 *   pending fatal signal that was generated for the process.
 * - Threads vs processes: task:task_newtask carries the clone flags
 *   (CLONE_THREAD), emitted by the parent before the child can run, so the
 *   decision is exact and needs no /proc lookup.
 * - Reaps: sys_exit_wait4 returns the reaped pid; waitid returns 0 and the
 *   pid in user memory, so its child is inferred from the arguments and the
 *   zombie children we know of (see handle_waitid_return).
 * - sigwaitinfo/sigtimedwait consume a signal without signal_deliver: the
 *   return value of sys_exit_rt_sigtimedwait is the signal (FS_ACTION_SIGWAIT).
 * - A read of a signalfd consumes signals without signal_deliver, and no
 *   tracepoint shows which: once the tree makes a signalfd, reads of its
 *   descriptor number are traced, and the signals inferred from the pending
 *   generations (FS_ACTION_SIGNALFD; see "signalfd reads").
 * - exec argv is not in sched_process_exec: a uprobe on the execve function
 *   of our libc fetches it in the caller, before the exec (see "exec argv
 *   from a uprobe"); without one (a static binary, another libc, no
 *   uprobes), /proc/PID/cmdline is read when the exec is handled, if the
 *   process still runs that image (best effort).
 * - A delivery carries no sender: it is paired with the oldest generation of
 *   that signal for that thread or process that the kernel queued.
 * - Syscall arguments and results inside a PID namespace are that
 *   namespace's numbers: they are translated with what clone's return told
 *   (see "PID namespaces").
 *
 * Attaching (-p) has no start barrier: a second /proc walk once the filter
 * is on finds what was forked meanwhile (see adopt_missed).  A launched
 * command joins a process guard (process-guard.h), so nothing it forks
 * outlives forkscope.
 */
#include "tracer/tracer-backend.h"
#include "tracer/process-guard.h"
#include "core/proc-files.h"
#include "tracer/tracefs-tracer.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/lib-names.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* libtraceevent's headers use an enumerator beyond int (-Wpedantic). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <event-parse.h>
#include <kbuffer.h>
#include <tracefs.h>
#pragma GCC diagnostic pop

#define POLL_INTERVAL_MS      20
#define FLUSH_INTERVAL_NS     (80 * G_GINT64_CONSTANT (1000000))
#define STATS_INTERVAL_NS     (500 * G_GINT64_CONSTANT (1000000))
#define LIVENESS_INTERVAL_NS  (1000 * G_GINT64_CONSTANT (1000000))
#define KILL_GRACE_NS         (2000 * G_GINT64_CONSTANT (1000000))
#define EXT_BUFFER_KB         1024
/* When the run thread yields to the traced programs (see Copier), how far
 * behind the copier lets it fall before giving it its priority back. */
#define HANDLER_NICE          19
#define COPIER_BACKLOG_BYTES  (16u << 20)
#define COPIER_BACKLOG_NS     (250 * G_GINT64_CONSTANT (1000000))
#define YIELD_MIN_RECORDS     1000
#define COPIER_PLACE_MIN_PAGES 4
/* The execve uprobe fetches this many argv entries, each as this many
 * 8-byte words (so strings of up to 127 characters are whole), plus the
 * path and the pointers: about 2.3 KiB per exec, well under the 4 KiB a
 * uprobe event may have (see "exec argv from a uprobe"). */
#define ARGV_PROBE_ARGS       16
#define ARGV_PROBE_WORDS      16

/* enum trace_signal_result in include/trace/events/signal.h */
enum {
  TRACE_SIGNAL_DELIVERED,
  TRACE_SIGNAL_IGNORED,
  TRACE_SIGNAL_ALREADY_PENDING,
  TRACE_SIGNAL_OVERFLOW_FAIL,
  TRACE_SIGNAL_LOSE_INFO,
};

/* ------------------------------------------------------------ the events */

typedef enum {
  EV_NEWTASK,
  EV_EXEC,
  EV_EXIT,
  EV_GENERATE,
  EV_DELIVER,
  EV_RENAME,
  EV_SYS_EXIT_GROUP,
  EV_SYS_EXIT,
  EV_SYS_WAIT4_RET,
  EV_SYS_WAITID,
  EV_SYS_WAITID_RET,
  EV_SYS_SIGTIMEDWAIT_RET,
  EV_SYS_KILL,
  EV_SYS_KILL_RET,
  EV_SYS_SETPGID,
  EV_SYS_SETPGID_RET,
  EV_SYS_SETSID_RET,
  EV_SYS_WAIT4,
  EV_SYS_SIGTIMEDWAIT,
  /* Signals read from a signalfd (see "signalfd reads"); the read events
   * are enabled only once the tree has a signalfd. */
  EV_SYS_SIGNALFD4,
  EV_SYS_SIGNALFD4_RET,
  EV_SYS_READ,
  EV_SYS_READ_RET,
  EV_SYS_READV,
  EV_SYS_READV_RET,
  EV_SYS_CLONE_RET,
  EV_SYS_CLONE3_RET,
  EV_SYS_FORK_RET,
  EV_SYS_VFORK_RET,
  EV_SYS_CLONE_NEWPID,
  EV_SYS_UNSHARE_NEWPID,
  EV_SYS_SETNS,
  N_EVENTS
} EventKind;

#define MAX_FIELDS 5

static const struct {
  const char *system;
  const char *name;
  const char *fields[MAX_FIELDS];
} event_specs[N_EVENTS] = {
  [EV_NEWTASK]        = { "task", "task_newtask", { "pid", "clone_flags", "comm" } },
  [EV_EXEC]           = { "sched", "sched_process_exec", { "pid", "old_pid", "filename" } },
  [EV_EXIT]           = { "sched", "sched_process_exit", { "pid", "group_dead" } },
  [EV_GENERATE]       = { "signal", "signal_generate", { "sig", "code", "pid", "group", "result" } },
  [EV_DELIVER]        = { "signal", "signal_deliver", { "sig", "code", "sa_handler" } },
  [EV_RENAME]         = { "task", "task_rename", { "pid", "newcomm" } },
  [EV_SYS_EXIT_GROUP] = { "syscalls", "sys_enter_exit_group", { "error_code" } },
  [EV_SYS_EXIT]       = { "syscalls", "sys_enter_exit", { "error_code" } },
  [EV_SYS_WAIT4_RET]  = { "syscalls", "sys_exit_wait4", { "ret" } },
  [EV_SYS_WAITID]     = { "syscalls", "sys_enter_waitid", { "which", "upid", "options" } },
  [EV_SYS_WAITID_RET] = { "syscalls", "sys_exit_waitid", { "ret" } },
  [EV_SYS_SIGTIMEDWAIT_RET] = { "syscalls", "sys_exit_rt_sigtimedwait", { "ret" } },
  [EV_SYS_KILL]       = { "syscalls", "sys_enter_kill", { "pid", "sig" } },
  [EV_SYS_KILL_RET]   = { "syscalls", "sys_exit_kill", { "ret" } },
  [EV_SYS_SETPGID]    = { "syscalls", "sys_enter_setpgid", { "pid", "pgid" } },
  [EV_SYS_SETPGID_RET]= { "syscalls", "sys_exit_setpgid", { "ret" } },
  [EV_SYS_SETSID_RET] = { "syscalls", "sys_exit_setsid", { "ret" } },
  [EV_SYS_WAIT4]      = { "syscalls", "sys_enter_wait4", { "options" } },
  [EV_SYS_SIGTIMEDWAIT] = { "syscalls", "sys_enter_rt_sigtimedwait", { NULL } },
  [EV_SYS_SIGNALFD4]  = { "syscalls", "sys_enter_signalfd4", { "ufd", "flags" } },
  [EV_SYS_SIGNALFD4_RET] = { "syscalls", "sys_exit_signalfd4", { "ret" } },
  [EV_SYS_READ]       = { "syscalls", "sys_enter_read", { "fd" } },
  [EV_SYS_READ_RET]   = { "syscalls", "sys_exit_read", { "ret" } },
  [EV_SYS_READV]      = { "syscalls", "sys_enter_readv", { "fd" } },
  [EV_SYS_READV_RET]  = { "syscalls", "sys_exit_readv", { "ret" } },
  /* For PID namespaces (see "PID namespaces" below). */
  [EV_SYS_CLONE_RET]  = { "syscalls", "sys_exit_clone", { "ret" } },
  [EV_SYS_CLONE3_RET] = { "syscalls", "sys_exit_clone3", { "ret" } },
  [EV_SYS_FORK_RET]   = { "syscalls", "sys_exit_fork", { "ret" } },
  [EV_SYS_VFORK_RET]  = { "syscalls", "sys_exit_vfork", { "ret" } },
  [EV_SYS_CLONE_NEWPID]   = { "syscalls", "sys_enter_clone", { NULL } },
  [EV_SYS_UNSHARE_NEWPID] = { "syscalls", "sys_enter_unshare", { NULL } },
  [EV_SYS_SETNS]      = { "syscalls", "sys_enter_setns", { NULL } },
};

/* Field indices, in the order of event_specs[].fields. */
enum { F_NEWTASK_PID, F_NEWTASK_FLAGS, F_NEWTASK_COMM };
enum { F_EXEC_PID, F_EXEC_OLD_PID, F_EXEC_FILENAME };
enum { F_EXIT_PID, F_EXIT_GROUP_DEAD };
enum { F_GEN_SIG, F_GEN_CODE, F_GEN_PID, F_GEN_GROUP, F_GEN_RESULT };
enum { F_DEL_SIG, F_DEL_CODE, F_DEL_HANDLER };
enum { F_RENAME_PID, F_RENAME_COMM };
enum { F_WAITID_WHICH, F_WAITID_UPID, F_WAITID_OPTIONS };
enum { F_KILL_PID, F_KILL_SIG };
enum { F_SETPGID_PID, F_SETPGID_PGID };
enum { F_SIGNALFD4_UFD, F_SIGNALFD4_FLAGS };

/* Enabled later, by signalfd_watch_fd(), not at the start. */
static gboolean
event_on_demand (int kind)
{
  return kind == EV_SYS_READ || kind == EV_SYS_READ_RET
         || kind == EV_SYS_READV || kind == EV_SYS_READV_RET;
}

typedef struct {
  struct tep_event        *event;
  struct tep_format_field *fields[MAX_FIELDS];
} EventInfo;

/* ------------------------------------------------------- traced state */

typedef enum {
  CAUSE_NONE = 0,
  CAUSE_CODE,      /* exit_group / exit with value */
  CAUSE_SIGNAL,    /* killed by signal value */
} ExitCause;

typedef enum {
  PROC_ALIVE = 0,
  PROC_ZOMBIE,
} ProcState;

#define MAX_PROC_SIGNALFDS 4

typedef struct {
  gint32   fd;
  gboolean cloexec;
  guint64  mask;         /* bit (sig-1): the signals it reads */
} SignalfdDesc;

typedef struct {
  gint32   tgid;
  gint32   parent;       /* tgid of the parent, 0 when unknown */
  gint32   pgid, sid;
  guint8   state;        /* ProcState */
  guint8   cause;        /* ExitCause */
  gboolean core;
  gboolean exit_reported;
  gboolean stopped;
  gint32   cause_value;
  gint64   exit_ns;
  char     exec_comm[16];  /* the comm exec set, reported after the exec */
  guint64  birth_seq;    /* order of birth, for waitid's choice of child */
  gboolean walked;       /* found by the /proc walk after the filter was on */
  guint    pidns;        /* PID namespace: 0 ours, else index + 1 in namespaces */
  guint    children_pidns;  /* where its new children go (unshare, setns) */
  /* Its signalfds, as far as known (made, inherited, found at attach). */
  SignalfdDesc signalfds[MAX_PROC_SIGNALFDS];
  guint    n_signalfds;
} Proc;

typedef struct {
  gint32   tgid;
  /* A kill(2) in progress: its generations are folded into one send when it
   * names a group (pid <= 0). */
  gboolean in_kill;
  gint32   kill_pid;
  gint32   kill_sig;
  gint64   kill_ns;
  guint    kill_generated;
  /* A waitid(2) in progress. */
  gint32   waitid_which;
  gint32   waitid_upid;
  gint32   waitid_options;
  /* setpgid(2) in progress. */
  gint32   setpgid_pid;
  gint32   setpgid_pgid;
  /* In a wait or sigwait that blocks (reported as FS_EVENT_BLOCK). */
  gboolean blocked;
  /* The task it created last, until its clone returns the child's number. */
  gint32   last_child;
  gboolean next_child_new_pidns;   /* in clone(CLONE_NEWPID) */
  /* signalfd4(2) in progress: the descriptor it changes (-1: a new one), flags. */
  gint32   signalfd_ufd;
  gint32   signalfd_flags;
  /* A read of a signalfd in progress: its descriptor + 1, else 0. */
  gint32   signalfd_read;
} Task;

/* A PID namespace of the tree other than ours. */
typedef struct {
  GHashTable *inner_to_outer;   /* its numbers → ours */
  guint32     inode;            /* when known (attached processes), else 0 */
  gboolean    made_by_tree;     /* its first process is its number 1 */
  gboolean    has_first;
} PidNamespace;

/* A generated signal waiting for its delivery, for naming the sender. */
typedef struct {
  gint32  sender;        /* as fs_recorder_signal_deliver wants it */
  gint32  code;          /* si_code of the generation */
  guint64 seq;           /* generation order */
} PendingSignal;

/* One raw record of a ring-buffer page, waiting to be merged: it stays in
 * the copied page for the round that parsed it, and moves to the arena
 * only when it waits for a later round. */
typedef struct {
  guint64 ts;
  guint64 seq;           /* read order, for a stable sort */
  guint32 offset;        /* into the pages (RAW_IN_PAGES) or the arena */
  guint16 size;
  guint8  flags;         /* RawFlags */
  guint8  cpu;
} RawRecord;

typedef enum {
  RAW_EXT      = 1 << 0,  /* from the outside instance */
  RAW_IN_PAGES = 1 << 1,
} RawFlags;

typedef struct {
  struct tracefs_instance *instance;
  char                    *name;
  char                    *dir;
  int                      n_cpus;
  int                     *fds;        /* per CPU trace_pipe_raw, -1 if absent */
  struct tracefs_cpu     **cpus;
  guint64                  lost_seen;  /* overruns already reported */
} Instance;

typedef struct {
  guint64 ts;            /* of the exec */
  char   *cmdline;       /* NUL-separated, as /proc/PID/cmdline */
  gsize   len;
} EarlyArgv;

static void
early_argv_free (gpointer data)
{
  EarlyArgv *e = data;
  g_free (e->cmdline);
  g_free (e);
}

/* A ring-buffer page copied out by the copier thread. */
typedef struct {
  guint32 size;          /* bytes of page data that follow */
  guint8  ext;           /* from the outside instance */
  guint8  cpu;
  guint8  pad[2];
} PageHeader;

/* The reading is split in two so that tracing takes as little CPU from the
 * traced programs as it can without losing events: a copier thread at the
 * lowest real-time priority empties the kernel's ring buffers every poll
 * interval (cheap: a read(2) per page; it never waits for the run thread),
 * and the run thread decodes and records the events (the expensive part:
 * about a microsecond per event).  While the
 * tree is busy (YIELD_MIN_RECORDS or more in a round) the run thread
 * yields to it at nice 19, so that a signal storm on a loaded machine is
 * not slowed by its own recording; when its backlog grows (bytes or age)
 * the copier gives it its priority back, so that memory stays bounded and
 * the live view does not fall far behind.  A quiet tree is handled at the
 * caller's priority, as promptly as before (exec argv is read from /proc
 * when the exec is handled). */
typedef struct {
  GThread         *thread;
  GMutex           lock;
  GCond            copied;            /* a round ended (cutoff moved) */
  GByteArray      *incoming;          /* PageHeader + page, …; under lock */
  guint64          cutoff;            /* under lock: every record older was copied */
  gint64           incoming_since;    /* under lock: when the oldest waiting page came */
  struct kbuffer  *kbuf;              /* the copier's own, for page end times */
  int              wake[2];           /* asks for a round now, or to stop */
  gint             stop;              /* atomic */
  pid_t            handler_tid;
  int              handler_nice;      /* the run thread's own priority */
  gboolean         can_yield;
  gint             yielding;          /* atomic: the run thread means to be at nice 19 */
  gint             raised;            /* atomic: the copier gave it its priority back */
  /* Where the copier may run: see copier_place(). */
  guint            tree_pages[CPU_SETSIZE];   /* pages of the tree's events per CPU, last round */
  cpu_set_t        allowed;           /* the affinity it started with */
  cpu_set_t        placed;            /* the affinity it has now */
  gboolean         can_place;
} Copier;

/* The uprobe on libc's execve (see "exec argv from a uprobe"). */
typedef struct {
  char            *group;             /* forkscope_PID[_N]; NULL: none wanted */
  char            *remove_command;    /* "-:group/execve\n" for uprobe_events */
  char            *enable_file;       /* events/GROUP/execve/enable, in the main instance */
  char            *events_file;       /* .../uprobe_events */
  gboolean         defined;           /* in uprobe_events: must be removed */
  gboolean         usable;            /* defined and its format parsed */
  char            *why_not;           /* why there is none (debug/timing output) */
  GThread         *setup_thread;      /* defines it while the instances are made */
  int              type;              /* its event id */
  struct tep_format_field *path;
  struct tep_format_field *pointers;  /* ARGV_PROBE_ARGS + 1 of them */
  struct tep_format_field *args[ARGV_PROBE_ARGS];
  GHashTable      *pending;           /* calling tid → GBytes: its newest call's record */
} ArgvProbe;

typedef struct {
  FsRecorder      *recorder;
  FsTracerOptions  options;

  struct tep_handle *tep;
  EventInfo        events[N_EVENTS];
  int              type_to_kind_min;
  GHashTable      *type_to_kind;      /* tep event id → EventKind + 1 */

  Instance         main;
  Instance         ext;
  gboolean         instances_up;

  struct kbuffer  *kbuf;
  int              page_size;

  /* The copier thread reads the ring buffers' pages into `incoming`; the
   * run thread takes them (swapping with `pages`), copies their records
   * into the arena and handles them.  The records a round leaves for the
   * next are copied into the spare arena, and the two swap.  All keep their
   * memory, so a busy recording does not allocate buffers every round. */
  GArray          *raw;               /* RawRecord */
  GArray          *raw_scratch;       /* RawRecord: sort_raw()'s merge target */
  GArray          *raw_runs;          /* guint: sort_raw()'s run starts */
  GByteArray      *arena;
  GByteArray      *spare_arena;
  GByteArray      *pages;             /* PageHeader + page, …: being parsed */
  Copier           copier;
  guint64          raw_seq;

  /* Exec argv, read from /proc by the copier when it copies the page with
   * the exec while the run thread yields: the run thread may then handle
   * the exec much later, when a short-lived program is gone. */
  int              exec_type;         /* sched_process_exec's event id */
  int              exec_pid_offset;   /* of its pid field; -1 unknown */
  GMutex           early_lock;
  GHashTable      *early_argv;        /* pid → EarlyArgv*, under early_lock */
  ArgvProbe        argv_probe;

  GHashTable      *procs;             /* tgid → Proc* */
  GHashTable      *tasks;             /* tid → Task* */
  GHashTable      *pending;           /* key → GArray of PendingSignal */
  GArray          *signalfd_numbers;  /* gint32: descriptor numbers the read filter names */
  gboolean         signalfd_reads_on; /* the read events are enabled */
  guint            n_alive;
  guint64          birth_seq;
  guint64          signal_seq;

  GPid             root;
  gboolean         launched;
  gboolean         root_reaped;
  int              root_status;
  gboolean         attached;

  int              wake_pipe[2];
  volatile sig_atomic_t stop_requested;
  gboolean         killed;
  gint64           kill_deadline;
  GHashTable      *suspect;           /* tgid → number of liveness checks it failed */
  GPtrArray       *namespaces;        /* PidNamespace* */
  FsProcessGuard  *guard;             /* a launched command's cgroup */
  guint32          own_pidns_inode;
  gboolean         debug;             /* FS_TRACEFS_DEBUG: print every record handled */
} FsTracefsTracer;

/* ------------------------------------------------- emergency cleanup */

#define MAX_EMERGENCY_DIRS 8
#define MAX_EMERGENCY_FDS  256

static GMutex emergency_lock;
static char   emergency_dirs[MAX_EMERGENCY_DIRS][PATH_MAX];
static volatile sig_atomic_t emergency_dir_used[MAX_EMERGENCY_DIRS];
static volatile int emergency_fds[MAX_EMERGENCY_FDS];
static gsize  emergency_init;
/* The uprobes to remove after the instances: the file and the command. */
#define MAX_EMERGENCY_UPROBES 4
static char   emergency_uprobe_file[PATH_MAX];
static char   emergency_uprobe_commands[MAX_EMERGENCY_UPROBES][128];
static volatile sig_atomic_t emergency_uprobe_used[MAX_EMERGENCY_UPROBES];

static void
emergency_setup (void)
{
  if (g_once_init_enter (&emergency_init))
    {
      for (int i = 0; i < MAX_EMERGENCY_FDS; i++)
        emergency_fds[i] = -1;
      g_once_init_leave (&emergency_init, 1);
    }
}

static void
emergency_add_dir (const char *dir)
{
  emergency_setup ();
  g_mutex_lock (&emergency_lock);
  for (int i = 0; i < MAX_EMERGENCY_DIRS; i++)
    if (!emergency_dir_used[i])
      {
        g_strlcpy (emergency_dirs[i], dir, sizeof emergency_dirs[i]);
        emergency_dir_used[i] = 1;
        break;
      }
  g_mutex_unlock (&emergency_lock);
}

static void
emergency_remove_dir (const char *dir)
{
  g_mutex_lock (&emergency_lock);
  for (int i = 0; i < MAX_EMERGENCY_DIRS; i++)
    if (emergency_dir_used[i] && strcmp (emergency_dirs[i], dir) == 0)
      emergency_dir_used[i] = 0;
  g_mutex_unlock (&emergency_lock);
}

static void
emergency_add_fd (int fd)
{
  emergency_setup ();
  g_mutex_lock (&emergency_lock);
  for (int i = 0; i < MAX_EMERGENCY_FDS; i++)
    if (emergency_fds[i] < 0)
      {
        emergency_fds[i] = fd;
        break;
      }
  g_mutex_unlock (&emergency_lock);
}

static void
emergency_remove_fd (int fd)
{
  g_mutex_lock (&emergency_lock);
  for (int i = 0; i < MAX_EMERGENCY_FDS; i++)
    if (emergency_fds[i] == fd)
      emergency_fds[i] = -1;
  g_mutex_unlock (&emergency_lock);
}

static void
emergency_add_uprobe (const char *events_file, const char *remove_command)
{
  emergency_setup ();
  g_mutex_lock (&emergency_lock);
  g_strlcpy (emergency_uprobe_file, events_file, sizeof emergency_uprobe_file);
  for (int i = 0; i < MAX_EMERGENCY_UPROBES; i++)
    if (!emergency_uprobe_used[i])
      {
        g_strlcpy (emergency_uprobe_commands[i], remove_command,
                   sizeof emergency_uprobe_commands[i]);
        emergency_uprobe_used[i] = 1;
        break;
      }
  g_mutex_unlock (&emergency_lock);
}

static void
emergency_remove_uprobe (const char *remove_command)
{
  g_mutex_lock (&emergency_lock);
  for (int i = 0; i < MAX_EMERGENCY_UPROBES; i++)
    if (emergency_uprobe_used[i] && strcmp (emergency_uprobe_commands[i], remove_command) == 0)
      emergency_uprobe_used[i] = 0;
  g_mutex_unlock (&emergency_lock);
}

/* Async-signal-safe: removes a uprobe by writing its removal command to
 * uprobe_events.  O_APPEND and never O_TRUNC: truncating the file would
 * remove every uprobe of the system.  EBUSY while an instance still has it
 * enabled (an instance being removed): retried for up to two seconds when
 * patient.  Returns whether it is gone (ENOENT: it was already). */
static gboolean
uprobe_remove_raw (const char *events_file, const char *remove_command, gboolean patient)
{
  size_t len = strlen (remove_command);
  for (int attempt = 0; attempt < (patient ? 200 : 1); attempt++)
    {
      int fd = open (events_file, O_WRONLY | O_APPEND | O_CLOEXEC);
      if (fd < 0)
        return FALSE;
      ssize_t n = write (fd, remove_command, len);
      int saved = errno;
      close (fd);
      if (n == (ssize_t) len || (n < 0 && saved == ENOENT))
        return TRUE;
      if (n >= 0 || saved != EBUSY)
        return FALSE;
      struct timespec pause_ts = { 0, 10 * 1000 * 1000 };
      nanosleep (&pause_ts, NULL);
    }
  return FALSE;
}

void
fs_tracefs_emergency_cleanup (void)
{
  int saved_errno = errno;

  if (emergency_init == 0)
    return;
  /* An open trace_pipe_raw holds a reference that makes rmdir fail (EBUSY). */
  for (int i = 0; i < MAX_EMERGENCY_FDS; i++)
    {
      int fd = emergency_fds[i];
      if (fd >= 0)
        {
          emergency_fds[i] = -1;
          close (fd);
        }
    }
  /* Another thread may be inside a read of a buffer file just closed: the
   * file lives until that read returns, and rmdir says EBUSY meanwhile.
   * Seen on a loaded machine; a few milliseconds settle it. */
  for (int i = 0; i < MAX_EMERGENCY_DIRS; i++)
    if (emergency_dir_used[i])
      {
        emergency_dir_used[i] = 0;
        for (int attempt = 0; attempt < 100; attempt++)
          {
            if (rmdir (emergency_dirs[i]) == 0 || errno != EBUSY)
              break;
            struct timespec pause = { 0, 2 * 1000 * 1000 };
            nanosleep (&pause, NULL);
          }
      }
  /* After the instances: enabled in one, the uprobe is busy. */
  for (int i = 0; i < MAX_EMERGENCY_UPROBES; i++)
    if (emergency_uprobe_used[i])
      {
        emergency_uprobe_used[i] = 0;
        uprobe_remove_raw (emergency_uprobe_file, emergency_uprobe_commands[i], FALSE);
      }
  errno = saved_errno;
}

/* FS_TRACEFS_TIMING=1 prints how long setting up and removing the
 * instances took (bench/tracefs-bench.sh reads it). */
static void
report_timing (const char *what, gint64 since_ns)
{
  if (g_getenv ("FS_TRACEFS_TIMING") != NULL)
    g_printerr ("tracefs-timing: %s %.2f ms\n", what,
                (double) (fs_recorder_now () - since_ns) / 1e6);
}

/* With FS_TRACEFS_TIMING, the CPU time forkscope (all its threads, not the
 * traced programs) has used so far: what tracing takes from the machine. */
static void
report_cpu (const char *when)
{
  struct rusage ru;
  if (g_getenv ("FS_TRACEFS_TIMING") == NULL || getrusage (RUSAGE_SELF, &ru) != 0)
    return;
  double user = (double) ru.ru_utime.tv_sec * 1e3 + (double) ru.ru_utime.tv_usec / 1e3;
  double sys = (double) ru.ru_stime.tv_sec * 1e3 + (double) ru.ru_stime.tv_usec / 1e3;
  g_printerr ("tracefs-timing: cpu at %s %.2f ms (user %.2f, system %.2f)\n", when, user + sys,
              user, sys);
}

/* ------------------------------------------------------ tracefs access */

/* Whether a tracefs is mounted anywhere (libtracefs 1.6.4's own check leaks
 * a string on every call). */
static gboolean
tracefs_is_mounted (void)
{
  g_autofree char *mounts = NULL;
  if (!g_file_get_contents ("/proc/self/mounts", &mounts, NULL, NULL))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (mounts, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    {
      g_auto (GStrv) fields = g_strsplit (*l, " ", 4);
      if (g_strv_length (fields) >= 3 && g_str_equal (fields[2], "tracefs"))
        return TRUE;
    }
  return FALSE;
}

const char *
fs_tracefs_tracing_dir (GError **error)
{
  if (!tracefs_is_mounted ())
    {
      if (geteuid () != 0)
        {
          g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_PERMISSION,
                       "tracefs is not mounted and mounting it needs root (CAP_SYS_ADMIN); "
                       "use --tracer ptrace");
          return NULL;
        }
      if (mount ("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0)
        {
          g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_UNAVAILABLE,
                       "Cannot mount tracefs at /sys/kernel/tracing: %s (is tracing "
                       "compiled into this kernel?)", g_strerror (errno));
          return NULL;
        }
    }
  const char *path = tracefs_tracing_dir ();
  if (path == NULL)
    g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_UNAVAILABLE,
                 "Cannot find the tracefs mount point");
  return path;
}

static gboolean
parse_instance_pid (const char *name, pid_t *pid)
{
  const char *p;
  char *end = NULL;
  long v;

  if (!g_str_has_prefix (name, FS_TRACEFS_INSTANCE_PREFIX))
    return FALSE;
  p = name + strlen (FS_TRACEFS_INSTANCE_PREFIX);
  if (!g_ascii_isdigit (*p))
    return FALSE;
  errno = 0;
  v = strtol (p, &end, 10);
  if (errno != 0 || v <= 0 || v > G_MAXINT32 || (*end != '\0' && *end != '-'))
    return FALSE;
  *pid = (pid_t) v;
  return TRUE;
}

char **
fs_tracefs_list_instances (void)
{
  GPtrArray *names = g_ptr_array_new ();
  const char *tracing = tracefs_is_mounted () ? tracefs_tracing_dir () : NULL;
  /* A plain listing: libtracefs 1.6.4's tracefs_instances() leaks its regex. */
  g_autofree char *dir = tracing != NULL ? g_build_filename (tracing, "instances", NULL) : NULL;
  g_autoptr (GDir) d = dir != NULL ? g_dir_open (dir, 0, NULL) : NULL;
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      pid_t pid;
      if (parse_instance_pid (name, &pid))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

/* Our instances whose forkscope is gone (EPERM from kill(pid, 0) means the
 * pid lives, as someone else: not ours to judge). */
static GStrv
list_stale_instances (void)
{
  g_auto (GStrv) names = fs_tracefs_list_instances ();
  GPtrArray *stale = g_ptr_array_new ();
  for (char **n = names; *n != NULL; n++)
    {
      pid_t pid;
      if (parse_instance_pid (*n, &pid) && kill (pid, 0) < 0 && errno == ESRCH)
        g_ptr_array_add (stale, g_strdup (*n));
    }
  g_ptr_array_add (stale, NULL);
  return (GStrv) g_ptr_array_free (stale, FALSE);
}

/* "forkscope_PID" or "forkscope_PID_N" → PID. */
static gboolean
parse_uprobe_group_pid (const char *group, pid_t *pid)
{
  char *end = NULL;
  long v;

  if (!g_str_has_prefix (group, FS_TRACEFS_UPROBE_GROUP_PREFIX))
    return FALSE;
  group += strlen (FS_TRACEFS_UPROBE_GROUP_PREFIX);
  if (!g_ascii_isdigit (*group))
    return FALSE;
  errno = 0;
  v = strtol (group, &end, 10);
  if (errno != 0 || v <= 0 || v > G_MAXINT32 || (*end != '\0' && *end != '_'))
    return FALSE;
  *pid = (pid_t) v;
  return TRUE;
}

static char *
uprobe_events_file (void)
{
  const char *tracing = tracefs_is_mounted () ? tracefs_tracing_dir () : NULL;
  return tracing != NULL ? g_build_filename (tracing, "uprobe_events", NULL) : NULL;
}

/* Our uprobes ("group/event"), of any forkscope, or only of dead ones.
 * uprobe_events lists one per line: "p:GROUP/EVENT FILE:OFFSET ARGS…". */
static GStrv
list_uprobes (gboolean stale_only)
{
  g_autofree char *file = uprobe_events_file ();
  g_autofree char *text = NULL;
  GPtrArray *found = g_ptr_array_new ();

  if (file != NULL && g_file_get_contents (file, &text, NULL, NULL))
    {
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      for (char **l = lines; *l != NULL; l++)
        {
          const char *colon = strchr (*l, ':');
          const char *space = strchr (*l, ' ');
          if (colon == NULL || space == NULL || colon > space)
            continue;
          g_autofree char *name = g_strndup (colon + 1, (gsize) (space - colon - 1));
          char *slash = strchr (name, '/');
          pid_t pid;
          if (slash == NULL)
            continue;
          *slash = '\0';
          if (!parse_uprobe_group_pid (name, &pid))
            continue;
          /* EPERM from kill(pid, 0): the pid lives, as someone else. */
          if (stale_only && !(kill (pid, 0) < 0 && errno == ESRCH))
            continue;
          *slash = '/';
          g_ptr_array_add (found, g_steal_pointer (&name));
        }
    }
  g_ptr_array_add (found, NULL);
  return (GStrv) g_ptr_array_free (found, FALSE);
}

char **
fs_tracefs_list_uprobes (void)
{
  return list_uprobes (FALSE);
}

/* The uprobe_events commands that remove the given uprobes. */
static GStrv
uprobe_remove_commands (const char *const *names)
{
  GPtrArray *commands = g_ptr_array_new ();
  for (const char *const *n = names; *n != NULL; n++)
    g_ptr_array_add (commands, g_strdup_printf ("-:%s\n", *n));
  g_ptr_array_add (commands, NULL);
  return (GStrv) g_ptr_array_free (commands, FALSE);
}

guint
fs_tracefs_remove_stale_instances (void)
{
  g_auto (GStrv) names = list_stale_instances ();
  guint n_removed = 0;

  for (char **n = names; *n != NULL; n++)
    {
      struct tracefs_instance *inst = tracefs_instance_alloc (NULL, *n);
      if (inst == NULL)
        continue;
      if (tracefs_instance_destroy (inst) == 0)
        n_removed++;
      tracefs_instance_free (inst);
    }
  /* The uprobes after the instances: enabled in one, a uprobe is busy. */
  g_auto (GStrv) stale_uprobes = list_uprobes (TRUE);
  g_auto (GStrv) commands = uprobe_remove_commands ((const char *const *) stale_uprobes);
  g_autofree char *events_file = uprobe_events_file ();
  for (char **c = commands; events_file != NULL && *c != NULL; c++)
    uprobe_remove_raw (events_file, *c, TRUE);
  return n_removed;
}

static gboolean remove_detached (const char *const *dirs, const char *uprobe_file,
                                 const char *const *uprobe_commands);

/* The stale instances go in the background too: removing one waits for the
 * kernel for tens of milliseconds (longer when a dead forkscope's own
 * detached remover is at it), and our recording does not need them gone. */
static void
remove_stale_instances_detached (void)
{
  g_auto (GStrv) names = list_stale_instances ();
  g_auto (GStrv) stale_uprobes = list_uprobes (TRUE);
  g_auto (GStrv) commands = uprobe_remove_commands ((const char *const *) stale_uprobes);
  g_autofree char *events_file = uprobe_events_file ();
  const char *root = tracefs_tracing_dir ();
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  for (char **n = names; root != NULL && *n != NULL; n++)
    g_ptr_array_add (dirs, g_build_filename (root, "instances", *n, NULL));
  if (dirs->len == 0 && commands[0] == NULL)
    return;
  g_ptr_array_add (dirs, NULL);
  if (!remove_detached ((const char *const *) dirs->pdata, events_file,
                        (const char *const *) commands))
    fs_tracefs_remove_stale_instances ();
}

/* ------------------------------------------------------------ probing */

static gboolean
tracefs_probe (char **why)
{
  const char *path = NULL;

  if (geteuid () != 0)
    {
      if (why != NULL)
        *why = g_strdup ("not running as root");
      return FALSE;
    }
  if (tracefs_is_mounted () && (path = tracefs_tracing_dir ()) != NULL)
    {
      g_autofree char *instances = g_build_filename (path, "instances", NULL);
      g_autofree char *fmt = g_build_filename (path, "events", "signal", "signal_generate",
                                               "format", NULL);
      if (access (instances, W_OK) != 0)
        {
          if (why != NULL)
            *why = g_strdup_printf ("%s is not writable", instances);
          return FALSE;
        }
      if (access (fmt, R_OK) != 0)
        {
          if (why != NULL)
            *why = g_strdup ("the kernel has no signal tracepoints");
          return FALSE;
        }
      return TRUE;
    }
  /* Not mounted: usable if the kernel knows the file system (create mounts). */
  g_autofree char *filesystems = NULL;
  if (!g_file_get_contents ("/proc/filesystems", &filesystems, NULL, NULL)
      || strstr (filesystems, "\ttracefs\n") == NULL)
    {
      if (why != NULL)
        *why = g_strdup ("the kernel has no tracefs");
      return FALSE;
    }
  if (!g_file_test ("/sys/kernel/tracing", G_FILE_TEST_IS_DIR))
    {
      if (why != NULL)
        *why = g_strdup ("/sys/kernel/tracing does not exist");
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------ event formats */

static gboolean
load_event_formats (FsTracefsTracer *self, GError **error)
{
  self->tep = tep_alloc ();
  tep_set_long_size (self->tep, (int) sizeof (long));
  tep_set_file_bigendian (self->tep, G_BYTE_ORDER == G_BIG_ENDIAN ? TEP_BIG_ENDIAN
                                                                   : TEP_LITTLE_ENDIAN);
  tep_set_local_bigendian (self->tep, G_BYTE_ORDER == G_BIG_ENDIAN ? TEP_BIG_ENDIAN
                                                                    : TEP_LITTLE_ENDIAN);
  self->type_to_kind = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (int k = 0; k < N_EVENTS; k++)
    {
      int len = 0;
      g_autofree char *fmt = tracefs_event_file_read (NULL, event_specs[k].system,
                                                      event_specs[k].name, "format", &len);
      if (fmt == NULL || len <= 0)
        {
          g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_UNAVAILABLE,
                       "The kernel has no tracepoint %s:%s (events/%s/%s/format is missing)",
                       event_specs[k].system, event_specs[k].name,
                       event_specs[k].system, event_specs[k].name);
          return FALSE;
        }
      if (tep_parse_event (self->tep, fmt, (unsigned long) len, event_specs[k].system) != 0)
        {
          g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                       "Cannot parse the format of %s:%s",
                       event_specs[k].system, event_specs[k].name);
          return FALSE;
        }
      struct tep_event *ev = tep_find_event_by_name (self->tep, event_specs[k].system,
                                                     event_specs[k].name);
      if (ev == NULL)
        {
          g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                       "Tracepoint %s:%s vanished after parsing its format",
                       event_specs[k].system, event_specs[k].name);
          return FALSE;
        }
      self->events[k].event = ev;
      for (int f = 0; f < MAX_FIELDS && event_specs[k].fields[f] != NULL; f++)
        {
          struct tep_format_field *field = tep_find_field (ev, event_specs[k].fields[f]);
          if (field == NULL)
            {
              g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_UNAVAILABLE,
                           "Tracepoint %s:%s has no field \"%s\" on this kernel",
                           event_specs[k].system, event_specs[k].name,
                           event_specs[k].fields[f]);
              return FALSE;
            }
          self->events[k].fields[f] = field;
        }
      g_hash_table_insert (self->type_to_kind, GINT_TO_POINTER (ev->id),
                           GINT_TO_POINTER (k + 1));
    }
  /* What the copier needs to spot an exec without libtraceevent (which it
   * does not share with the run thread): the event id, its pid's place. */
  struct tep_format_field *exec_pid = self->events[EV_EXEC].fields[F_EXEC_PID];
  struct tep_format_field *common_type = tep_find_common_field (self->events[EV_EXEC].event,
                                                               "common_type");
  self->exec_type = self->events[EV_EXEC].event->id;
  if (exec_pid->size == 4 && common_type != NULL && common_type->offset == 0
      && common_type->size == 2)
    self->exec_pid_offset = exec_pid->offset;
  return TRUE;
}

/* Whether a field declared 8 bytes wide (syscall arguments are stored as
 * unsigned longs) holds a 32-bit C type that must be sign-extended. */
static gboolean
field_is_int32_arg (const struct tep_format_field *f)
{
  static const char *const int32_types[] = { "int", "pid_t", "const int", "const pid_t",
                                             "clockid_t", "const clockid_t" };
  for (gsize i = 0; i < G_N_ELEMENTS (int32_types); i++)
    if (strcmp (f->type, int32_types[i]) == 0)
      return TRUE;
  return FALSE;
}

static gint64
field_num (const FsTracefsTracer *self, EventKind kind, int field, const void *data)
{
  struct tep_format_field *f = self->events[kind].fields[field];
  unsigned long long v = 0;
  gboolean is_signed = (f->flags & TEP_FIELD_IS_SIGNED) != 0;

  tep_read_number_field (f, data, &v);
  switch (f->size)
    {
    case 1:
      return is_signed ? (gint64) (gint8) v : (gint64) (guint8) v;
    case 2:
      return is_signed ? (gint64) (gint16) v : (gint64) (guint16) v;
    case 4:
      return is_signed ? (gint64) (gint32) (guint32) v : (gint64) (guint32) v;
    default:
      return field_is_int32_arg (f) ? (gint64) (gint32) (guint32) v : (gint64) v;
    }
}

/* A string field (fixed char[] or __data_loc), copied into buf. */
static const char *
field_str (FsTracefsTracer *self, EventKind kind, int field, void *data, int size,
           char *buf, gsize buf_size)
{
  struct tep_record rec = { .data = data, .size = size };
  int len = 0;
  const char *raw = tep_get_field_raw (NULL, self->events[kind].event,
                                       event_specs[kind].fields[field], &rec, &len, 0);
  if (raw == NULL || len <= 0)
    {
      buf[0] = '\0';
      return buf;
    }
  gsize n = MIN ((gsize) len, buf_size - 1);
  memcpy (buf, raw, n);
  buf[n] = '\0';
  return buf;
}

/* ------------------------------------------------------ state helpers */

static Proc *
proc_get (FsTracefsTracer *self, gint32 tgid)
{
  return g_hash_table_lookup (self->procs, GINT_TO_POINTER (tgid));
}

static Task *
task_get (FsTracefsTracer *self, gint32 tid)
{
  return g_hash_table_lookup (self->tasks, GINT_TO_POINTER (tid));
}

static Task *
task_ensure (FsTracefsTracer *self, gint32 tid, gint32 tgid)
{
  Task *t = task_get (self, tid);
  if (t == NULL)
    {
      t = g_new0 (Task, 1);
      t->tgid = tgid;
      g_hash_table_insert (self->tasks, GINT_TO_POINTER (tid), t);
    }
  else if (tgid > 0)
    t->tgid = tgid;
  return t;
}

/* The tgid of a traced task; 0 when we do not know it. */
static gint32
tgid_of (FsTracefsTracer *self, gint32 tid)
{
  Task *t = task_get (self, tid);
  return t != NULL ? t->tgid : 0;
}

static Proc *
proc_new (FsTracefsTracer *self, gint32 tgid, gint32 parent)
{
  Proc *p = g_new0 (Proc, 1);
  p->tgid = tgid;
  p->parent = parent;
  p->birth_seq = ++self->birth_seq;
  Proc *old = proc_get (self, tgid);
  if (old != NULL && old->state == PROC_ALIVE)
    self->n_alive--;
  g_hash_table_insert (self->procs, GINT_TO_POINTER (tgid), p);
  task_ensure (self, tgid, tgid);
  self->n_alive++;
  return p;
}

static char *
read_proc_comm (gint32 pid)
{
  char path[64];
  char *comm = NULL;
  g_snprintf (path, sizeof path, "/proc/%d/comm", pid);
  if (!g_file_get_contents (path, &comm, NULL, NULL))
    return NULL;
  g_strchomp (comm);
  return comm;
}

/* The kernel's own pid → comm cache (read only), for a short-lived outside
 * sender that is gone from /proc by the time its event is handled. */
static char *
saved_cmdline (gint32 pid)
{
  g_autofree char *all = tracefs_instance_file_read (NULL, "saved_cmdlines", NULL);
  char *found = NULL;
  if (all == NULL)
    return NULL;
  g_auto (GStrv) lines = g_strsplit (all, "\n", -1);
  for (char **l = lines; *l != NULL && found == NULL; l++)
    {
      char *end = NULL;
      long v = strtol (*l, &end, 10);
      if (v == pid && end != NULL && *end == ' ')
        found = g_strdup (end + 1);
    }
  return found;
}

static void
set_ids (FsTracefsTracer *self, Proc *p, gint32 pgid, gint32 sid)
{
  if (pgid > 0)
    p->pgid = pgid;
  if (sid > 0)
    p->sid = sid;
  fs_recorder_set_ids (self->recorder, p->tgid, p->pgid, p->sid);
}

/* ------------------------------------------------- pending signals */

static guint64
pending_key (gboolean group, gint32 target, int sig)
{
  return ((guint64) (group ? 1 : 0) << 48) | ((guint64) (guint32) target << 8) | (guint64) (sig & 0xff);
}

static void
pending_push (FsTracefsTracer *self, gboolean group, gint32 target, int sig, gint32 sender,
              int code)
{
  guint64 key = pending_key (group, target, sig);
  GArray *q = g_hash_table_lookup (self->pending, &key);
  if (q == NULL)
    {
      guint64 *k = g_new (guint64, 1);
      *k = key;
      q = g_array_new (FALSE, FALSE, sizeof (PendingSignal));
      g_hash_table_insert (self->pending, k, q);
    }
  PendingSignal ps = { .sender = sender, .code = code, .seq = ++self->signal_seq };
  g_array_append_val (q, ps);
}

static GArray *
pending_queue (FsTracefsTracer *self, gboolean group, gint32 target, int sig)
{
  guint64 key = pending_key (group, target, sig);
  GArray *q = g_hash_table_lookup (self->pending, &key);
  return q != NULL && q->len > 0 ? q : NULL;
}

/* Pops the generation a delivery to thread tid of process tgid consumed:
 * the thread's private queue first, as the kernel dequeues it first. */
static gboolean
pending_pop (FsTracefsTracer *self, gint32 tid, gint32 tgid, int sig, gint32 *sender)
{
  GArray *q = pending_queue (self, FALSE, tid, sig);
  if (q == NULL)
    q = pending_queue (self, TRUE, tgid, sig);
  if (q == NULL)
    return FALSE;
  *sender = g_array_index (q, PendingSignal, 0).sender;
  g_array_remove_index (q, 0);
  return TRUE;
}

static void
pending_forget_process (FsTracefsTracer *self, gint32 tgid)
{
  for (int sig = 1; sig <= FS_SIGNAL_MAX; sig++)
    {
      guint64 key = pending_key (TRUE, tgid, sig);
      g_hash_table_remove (self->pending, &key);
      key = pending_key (FALSE, tgid, sig);
      g_hash_table_remove (self->pending, &key);
    }
}

static gboolean
signal_is_fatal_by_default (int sig)
{
  FsSignalAction a = fs_signal_default_action (sig);
  return a == FS_ACTION_TERMINATE || a == FS_ACTION_CORE;
}

/* The signal a fast-path SIGKILL stands for: the oldest pending fatal signal
 * generated for the process (or the thread); 0 when there is none. */
static int
pending_oldest_fatal (FsTracefsTracer *self, gint32 tid, gint32 tgid, gint32 *sender)
{
  int best_sig = 0;
  guint64 best_seq = G_MAXUINT64;
  gboolean best_group = FALSE;

  for (int sig = 1; sig <= FS_SIGNAL_MAX; sig++)
    {
      if (!signal_is_fatal_by_default (sig))
        continue;
      for (int g = 0; g < 2; g++)
        {
          GArray *q = pending_queue (self, g == 1, g == 1 ? tgid : tid, sig);
          if (q != NULL && g_array_index (q, PendingSignal, 0).seq < best_seq)
            {
              best_seq = g_array_index (q, PendingSignal, 0).seq;
              best_sig = sig;
              best_group = g == 1;
            }
        }
    }
  if (best_sig != 0)
    {
      GArray *q = pending_queue (self, best_group, best_group ? tgid : tid, best_sig);
      *sender = g_array_index (q, PendingSignal, 0).sender;
      g_array_remove_index (q, 0);
    }
  return best_sig;
}

/* ------------------------------------------------------ PID namespaces */

/* A process inside another PID namespace writes and reads that namespace's
 * numbers (kill's target, setpgid's and waitid's arguments, wait4's result),
 * while the tracepoints' own pids are ours.  The tracepoints tell which
 * number a child has for its parent: clone/fork return it in the parent,
 * right after task_newtask named the child in our numbers.  A namespace the
 * tree makes (unshare or clone with CLONE_NEWPID) starts with its first
 * process as number 1.  So each namespace's numbers are learned from events
 * alone, with no /proc lookup that a short-lived process would escape. */

static void
pid_namespace_free (gpointer data)
{
  PidNamespace *ns = data;
  g_hash_table_unref (ns->inner_to_outer);
  g_free (ns);
}

static guint
pid_namespace_new (FsTracefsTracer *self, gboolean made_by_tree, guint32 inode)
{
  PidNamespace *ns = g_new0 (PidNamespace, 1);
  ns->inner_to_outer = g_hash_table_new (NULL, NULL);
  ns->made_by_tree = made_by_tree;
  ns->inode = inode;
  g_ptr_array_add (self->namespaces, ns);
  return self->namespaces->len;
}

static PidNamespace *
pid_namespace_get (FsTracefsTracer *self, guint id)
{
  return id > 0 && id <= self->namespaces->len ? g_ptr_array_index (self->namespaces, id - 1)
                                               : NULL;
}

static void
pid_namespace_learn (FsTracefsTracer *self, guint id, gint32 inner, gint32 outer)
{
  PidNamespace *ns = pid_namespace_get (self, id);
  if (ns != NULL && inner > 0)
    g_hash_table_insert (ns->inner_to_outer, GINT_TO_POINTER (inner), GINT_TO_POINTER (outer));
}

/* A pid as a task of proc wrote or read it → ours; *known is FALSE when a
 * number of another namespace could not be translated (pid is returned). */
static gint32
outer_pid_known (FsTracefsTracer *self, const Proc *proc, gint32 pid, gboolean *known)
{
  *known = TRUE;
  PidNamespace *ns = proc != NULL ? pid_namespace_get (self, proc->pidns) : NULL;
  if (ns == NULL || pid == 0 || pid == -1 || pid == G_MININT32)
    return pid;
  gpointer outer;
  if (!g_hash_table_lookup_extended (ns->inner_to_outer, GINT_TO_POINTER (ABS (pid)), NULL, &outer))
    {
      *known = FALSE;
      return pid;
    }
  return pid < 0 ? -GPOINTER_TO_INT (outer) : GPOINTER_TO_INT (outer);
}

static gint32
outer_pid (FsTracefsTracer *self, gint32 tid, gint32 pid)
{
  gboolean known;
  return outer_pid_known (self, proc_get (self, tgid_of (self, tid)), pid, &known);
}

/* A new task: which namespace it is in, and number 1 of a new one. */
static void
pid_namespace_enter (FsTracefsTracer *self, Task *creator, Proc *creator_proc, Proc *child)
{
  guint id = creator_proc != NULL ? creator_proc->children_pidns : 0;
  if (creator != NULL && creator->next_child_new_pidns)
    {
      creator->next_child_new_pidns = FALSE;
      id = pid_namespace_new (self, TRUE, 0);
    }
  child->pidns = child->children_pidns = id;
  PidNamespace *ns = pid_namespace_get (self, id);
  if (ns != NULL && ns->made_by_tree && !ns->has_first)
    {
      ns->has_first = TRUE;
      pid_namespace_learn (self, id, 1, child->tgid);
    }
}

/* clone/fork returned the number of the task it created last. */
static void
handle_clone_return (FsTracefsTracer *self, gint32 tid, void *data)
{
  Task *task = task_get (self, tid);
  if (task == NULL || task->last_child == 0)
    return;
  gint64 ret = field_num (self, EV_SYS_CLONE_RET, 0, data);
  Proc *p = proc_get (self, task->tgid);
  if (p != NULL && ret > 0 && ret <= G_MAXINT32)
    pid_namespace_learn (self, p->pidns, (gint32) ret, task->last_child);
  task->last_child = 0;
}

/* An attached process may already live in another namespace: /proc tells
 * which, and its number there, while it runs. */
static void
pid_namespace_adopt (FsTracefsTracer *self, Proc *p, gint32 tid)
{
  if (tid == p->tgid)
    {
      guint32 inode = (guint32) fs_proc_pid_namespace (tid);
      p->pidns = 0;
      if (inode != 0 && inode != self->own_pidns_inode)
        {
          for (guint i = 0; i < self->namespaces->len && p->pidns == 0; i++)
            if (((PidNamespace *) g_ptr_array_index (self->namespaces, i))->inode == inode)
              p->pidns = i + 1;
          if (p->pidns == 0)
            p->pidns = pid_namespace_new (self, FALSE, inode);
        }
      p->children_pidns = p->pidns;
    }
  if (p->pidns != 0)
    pid_namespace_learn (self, p->pidns, fs_proc_innermost_pid (tid, NULL), tid);
}

/* ------------------------------------------------------ exits and reaps */

static int
proc_wait_status (const Proc *p)
{
  switch (p->cause)
    {
    case CAUSE_SIGNAL:
      return (p->cause_value & 0x7f) | (p->core ? 0x80 : 0);
    case CAUSE_CODE:
      return (p->cause_value & 0xff) << 8;
    default:
      return 0;
    }
}

static void
report_exit (FsTracefsTracer *self, Proc *p)
{
  if (p->exit_reported)
    return;
  p->exit_reported = TRUE;
  fs_recorder_exit (self->recorder, p->exit_ns, p->tgid, proc_wait_status (p));
}

/* The launched root is our child: its wait status is known exactly. */
static void
take_root_status (FsTracefsTracer *self, Proc *p, gboolean block)
{
  if (!self->launched || p->tgid != self->root)
    return;
  if (!self->root_reaped)
    {
      int status = 0;
      pid_t r;
      do
        r = waitpid (self->root, &status, block ? 0 : WNOHANG);
      while (r < 0 && errno == EINTR);
      if (r == self->root)
        {
          self->root_reaped = TRUE;
          self->root_status = status;
        }
    }
  if (self->root_reaped)
    {
      if (WIFSIGNALED (self->root_status))
        {
          p->cause = CAUSE_SIGNAL;
          p->cause_value = WTERMSIG (self->root_status);
          p->core = WCOREDUMP (self->root_status) ? TRUE : FALSE;
        }
      else if (WIFEXITED (self->root_status))
        {
          p->cause = CAUSE_CODE;
          p->cause_value = WEXITSTATUS (self->root_status);
        }
    }
}

static void
handle_process_exit (FsTracefsTracer *self, gint64 t, Proc *p)
{
  if (p->state != PROC_ALIVE)
    return;
  p->state = PROC_ZOMBIE;
  p->exit_ns = t;
  self->n_alive--;
  take_root_status (self, p, TRUE);
  /* Whether a core was dumped shows only in the SIGCHLD that follows. */
  if (p->cause == CAUSE_SIGNAL && fs_signal_default_action (p->cause_value) == FS_ACTION_CORE
      && !(self->launched && p->tgid == self->root))
    return;
  report_exit (self, p);
}

static void
reap (FsTracefsTracer *self, gint64 t, gint32 reaper_tid, Proc *child)
{
  report_exit (self, child);
  fs_recorder_reap (self->recorder, t, reaper_tid, child->tgid, proc_wait_status (child));
  pending_forget_process (self, child->tgid);
  /* Keep the tasks of a reaped process out of the tables: pids get reused. */
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, self->tasks);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (((Task *) value)->tgid == child->tgid)
      g_hash_table_iter_remove (&it);
  g_hash_table_remove (self->procs, GINT_TO_POINTER (child->tgid));
}

enum { WAITID_P_ALL = 0, WAITID_P_PID = 1, WAITID_P_PGID = 2 };

/* The oldest zombie child of reaper_tgid that waitid(which, upid) matches. */
static Proc *
oldest_zombie_child (FsTracefsTracer *self, gint32 reaper_tgid, int which, gint32 upid)
{
  Proc *best = NULL;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, self->procs);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Proc *p = value;
      if (p->state != PROC_ZOMBIE || p->parent != reaper_tgid)
        continue;
      if (which == WAITID_P_PID && p->tgid != upid)
        continue;
      if (which == WAITID_P_PGID && upid != 0 && p->pgid != upid)
        continue;
      if (best == NULL || p->birth_seq < best->birth_seq)
        best = p;
    }
  return best;
}

/* waitid(2) reports the child in user memory we cannot read; infer it from
 * the arguments: the named pid, or the oldest zombie child that matches. */
static void
handle_waitid_return (FsTracefsTracer *self, gint64 t, gint32 tid, Task *task)
{
  if ((task->waitid_options & WNOWAIT) || !(task->waitid_options & WEXITED))
    return;
  Proc *best = oldest_zombie_child (self, task->tgid, task->waitid_which, task->waitid_upid);
  if (best != NULL)
    reap (self, t, tid, best);
}

/* ------------------------------------------- exec argv from a uprobe */

/* sched_process_exec carries no argv, and a short-lived program's
 * /proc/PID/cmdline is gone when its exec is handled.  A uprobe on the
 * execve function of the libc we use fires in every program that maps the
 * same file (uprobes are per inode; glibc's execvp, execl, posix_spawn and
 * system all end there), in the caller and before the exec, and fetches
 * the path, the argv pointers and the first bytes of each string.  Its
 * definition is global, but it is enabled only in the main instance, so
 * the pid filter keeps its records to our tree.  A call is matched to the
 * next exec of its thread (old_pid of sched_process_exec); execvp tries the
 * PATH entries in turn, so a newer call replaces an older one, and the
 * path must be the exec's filename.
 *
 * Fixed-size words rather than the probe's string type: the kernel gathers
 * a uprobe event in one page, and strings that do not fit there are cut
 * with a kernel warning (WARN_ON_ONCE in prepare_uprobe_buffer) into an
 * event too large for the ring buffer.  A long command line must not do
 * that.  Words read past a string's end are ignored (it ends at its NUL),
 * and a word past the end of a mapping reads as zeros (copy_from_user
 * zero-fills what faulted).  An argument of 128 bytes or more, or argv
 * beyond ARGV_PROBE_ARGS entries, is completed from /proc when the process
 * still runs that image, and marked with "…" otherwise. */

#define ARGV_PROBE_BYTES (ARGV_PROBE_WORDS * 8)
#define ARGV_CUT_MARK    "\u2026"

/* The file and file offset of the execve of our libc, from the address it
 * has in our process and the mapping that holds it. */
static gboolean
argv_probe_locate (char **file, guint64 *offset, char **why)
{
  void *libc = dlopen (LIBC_SO, RTLD_LAZY | RTLD_NOLOAD);
  void *execve_fn = libc != NULL ? dlsym (libc, "execve") : NULL;
  g_autofree char *maps = NULL;

  if (libc != NULL)
    dlclose (libc);
  if (execve_fn == NULL)
    {
      *why = g_strdup_printf ("no execve in %s", LIBC_SO);
      return FALSE;
    }
  if (!g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL))
    {
      *why = g_strdup ("cannot read /proc/self/maps");
      return FALSE;
    }
  /* Valgrind runs code it translates from the bytes in memory, so the
   * breakpoint would kill our launched child with SIGTRAP in its execve. */
  if (strstr (maps, "/vgpreload_") != NULL)
    {
      *why = g_strdup ("forkscope runs under valgrind, which turns a uprobe into SIGTRAP");
      return FALSE;
    }
  guint64 addr = (guint64) (guintptr) execve_fn;
  g_auto (GStrv) lines = g_strsplit (maps, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    {
      unsigned long long start, end, map_offset;
      int path_at = 0;
      if (sscanf (*l, "%llx-%llx %*s %llx %*s %*s %n", &start, &end, &map_offset, &path_at) < 3
          || addr < start || addr >= end)
        continue;
      const char *path = *l + path_at;
      /* uprobe_events splits its commands at white space; a deleted file
       * (libc upgraded under us) is not what new programs map. */
      if (path_at == 0 || path[0] != '/' || strpbrk (path, " \t") != NULL)
        {
          *why = g_strdup_printf ("execve is in \"%s\", not in a file that can be probed", path);
          return FALSE;
        }
      *file = g_strdup (path);
      *offset = addr - start + map_offset;
      return TRUE;
    }
  *why = g_strdup ("execve is in no mapping of /proc/self/maps");
  return FALSE;
}

static char *
argv_probe_command (const char *group, const char *file, guint64 offset)
{
#if defined(__x86_64__)
  const char *path_reg = "%di", *argv_reg = "%si";
#elif defined(__aarch64__)
  const char *path_reg = "%x0", *argv_reg = "%x1";
#else
  const char *path_reg = NULL, *argv_reg = NULL;
#endif
  if (path_reg == NULL)
    return NULL;
  GString *cmd = g_string_new (NULL);
  g_string_append_printf (cmd, "p:%s/execve %s:0x%" G_GINT64_MODIFIER "x", group, file, offset);
  g_string_append_printf (cmd, " path=+0(%s):u64[%d]", path_reg, ARGV_PROBE_WORDS);
  g_string_append_printf (cmd, " argp=+0(%s):u64[%d]", argv_reg, ARGV_PROBE_ARGS + 1);
  for (int k = 0; k < ARGV_PROBE_ARGS; k++)
    g_string_append_printf (cmd, " a%d=+0(+%d(%s)):u64[%d]", k, k * 8, argv_reg,
                            ARGV_PROBE_WORDS);
  g_string_append_c (cmd, '\n');
  return g_string_free (cmd, FALSE);
}

/* Writes a uprobe_events command (appending: see uprobe_remove_raw). */
static gboolean
uprobe_events_write (const char *events_file, const char *command, int *error_number)
{
  int fd = open (events_file, O_WRONLY | O_APPEND | O_CLOEXEC);
  gsize len = strlen (command);
  ssize_t n = fd >= 0 ? write (fd, command, len) : -1;
  *error_number = errno;
  if (fd >= 0)
    close (fd);
  return n == (ssize_t) len;
}

static gboolean
argv_probe_find_fields (FsTracefsTracer *self, struct tep_event *ev)
{
  ArgvProbe *ap = &self->argv_probe;
  ap->path = tep_find_field (ev, "path");
  ap->pointers = tep_find_field (ev, "argp");
  if (ap->path == NULL || ap->path->size != ARGV_PROBE_BYTES || ap->pointers == NULL
      || ap->pointers->size != (ARGV_PROBE_ARGS + 1) * 8)
    return FALSE;
  for (int k = 0; k < ARGV_PROBE_ARGS; k++)
    {
      char name[8];
      g_snprintf (name, sizeof name, "a%d", k);
      ap->args[k] = tep_find_field (ev, name);
      if (ap->args[k] == NULL || ap->args[k]->size != ARGV_PROBE_BYTES)
        return FALSE;
    }
  return TRUE;
}

/* Defines the uprobe and learns its format.  Runs while the instances are
 * being made; on any failure the recording goes on without it (why_not). */
static gpointer
argv_probe_setup (gpointer data)
{
  FsTracefsTracer *self = data;
  ArgvProbe *ap = &self->argv_probe;
  gint64 t0 = fs_recorder_now ();
  g_autofree char *file = NULL;
  guint64 offset = 0;
  int err = 0;

  if (!argv_probe_locate (&file, &offset, &ap->why_not))
    return NULL;
  g_autofree char *command = argv_probe_command (ap->group, file, offset);
  ap->events_file = uprobe_events_file ();
  if (command == NULL || ap->events_file == NULL)
    {
      ap->why_not = g_strdup (command == NULL ? "no uprobe argument registers for this CPU"
                                              : "tracefs is not mounted");
      return NULL;
    }
  /* Known to the crash handler before it exists: removing a uprobe that
   * does not exist is harmless. */
  emergency_add_uprobe (ap->events_file, ap->remove_command);
  gboolean ok = uprobe_events_write (ap->events_file, command, &err);
  if (!ok && err == EEXIST)
    {
      /* Named after our pid, so left by a dead forkscope that had it. */
      uprobe_remove_raw (ap->events_file, ap->remove_command, FALSE);
      ok = uprobe_events_write (ap->events_file, command, &err);
    }
  if (!ok)
    {
      emergency_remove_uprobe (ap->remove_command);
      ap->why_not = g_strdup_printf ("cannot define the uprobe %s/execve on %s:0x%" G_GINT64_MODIFIER
                                     "x: %s", ap->group, file, offset, g_strerror (err));
      return NULL;
    }
  ap->defined = TRUE;
  report_timing ("uprobe: defined", t0);

  int len = 0;
  g_autofree char *fmt = tracefs_event_file_read (NULL, ap->group, "execve", "format", &len);
  struct tep_event *ev = NULL;
  if (fmt != NULL && len > 0 && tep_parse_event (self->tep, fmt, (unsigned long) len, ap->group) == 0)
    ev = tep_find_event_by_name (self->tep, ap->group, "execve");
  if (ev == NULL || !argv_probe_find_fields (self, ev))
    {
      ap->why_not = g_strdup_printf ("the format of %s/execve is not as defined", ap->group);
      return NULL;
    }
  ap->type = ev->id;
  ap->usable = TRUE;
  report_timing ("uprobe: format", t0);
  return NULL;
}

static void
argv_probe_start (FsTracefsTracer *self, guint recording)
{
  ArgvProbe *ap = &self->argv_probe;
  if (self->options.no_exec_uprobe)
    {
      ap->why_not = g_strdup ("--no-exec-uprobe");
      return;
    }
  /* FS_TRACEFS_NO_UPROBE=1: the same, for tests and comparisons. */
  if (g_getenv ("FS_TRACEFS_NO_UPROBE") != NULL)
    {
      ap->why_not = g_strdup ("FS_TRACEFS_NO_UPROBE is set");
      return;
    }
  ap->group = recording == 0 ? g_strdup_printf ("%s%d", FS_TRACEFS_UPROBE_GROUP_PREFIX, getpid ())
                             : g_strdup_printf ("%s%d_%u", FS_TRACEFS_UPROBE_GROUP_PREFIX,
                                                getpid (), recording);
  ap->remove_command = g_strdup_printf ("-:%s/execve\n", ap->group);
  ap->enable_file = g_strdup_printf ("events/%s/execve/enable", ap->group);
  ap->setup_thread = g_thread_new ("fs-tracefs-uprobe", argv_probe_setup, self);
}

static void
argv_probe_join (FsTracefsTracer *self)
{
  ArgvProbe *ap = &self->argv_probe;
  if (ap->setup_thread == NULL)
    return;
  g_thread_join (g_steal_pointer (&ap->setup_thread));
  if (ap->why_not != NULL && (self->debug || g_getenv ("FS_TRACEFS_TIMING") != NULL))
    g_printerr ("tracefs: no exec argv uprobe (%s): argv is read from /proc\n", ap->why_not);
}

/* Removes the uprobe now (our instances must be gone). */
static void
argv_probe_remove (FsTracefsTracer *self)
{
  ArgvProbe *ap = &self->argv_probe;
  argv_probe_join (self);
  if (ap->defined)
    {
      uprobe_remove_raw (ap->events_file, ap->remove_command, TRUE);
      emergency_remove_uprobe (ap->remove_command);
      ap->defined = FALSE;
    }
}

static void
argv_probe_clear (ArgvProbe *ap)
{
  g_clear_pointer (&ap->group, g_free);
  g_clear_pointer (&ap->remove_command, g_free);
  g_clear_pointer (&ap->enable_file, g_free);
  g_clear_pointer (&ap->events_file, g_free);
  g_clear_pointer (&ap->why_not, g_free);
  g_clear_pointer (&ap->pending, g_hash_table_unref);
}

/* A probed execve call: kept until its thread's next exec (or exit). */
static void
argv_probe_note (FsTracefsTracer *self, gint32 tid, const void *data, int size)
{
  if (tgid_of (self, tid) == 0 || size <= 0)
    return;
  g_hash_table_replace (self->argv_probe.pending, GINT_TO_POINTER (tid),
                        g_bytes_new (data, (gsize) size));
}

/* The string in a fetched field; *cut when it has no NUL there. */
static char *
argv_probe_string (const guint8 *words, gboolean *cut)
{
  gsize n = strnlen ((const char *) words, ARGV_PROBE_BYTES);
  *cut = n == ARGV_PROBE_BYTES;
  return g_strndup ((const char *) words, n);
}

/* The argv of a probed call whose path is filename; NULL when the record is
 * not for this exec (say an execve that failed, then a raw execveat).
 * cut_args has bit k set when argument k was cut; *more when argv goes on
 * beyond what was fetched. */
static GStrv
argv_probe_decode (FsTracefsTracer *self, GBytes *record, const char *filename,
                   guint32 *cut_args, gboolean *more)
{
  ArgvProbe *ap = &self->argv_probe;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (record, &size);
  gboolean cut = FALSE;

  *cut_args = 0;
  *more = FALSE;
  if ((gsize) ap->pointers->offset + (gsize) ap->pointers->size > size
      || (gsize) ap->path->offset + ARGV_PROBE_BYTES > size)
    return NULL;
  for (int k = 0; k < ARGV_PROBE_ARGS; k++)
    if ((gsize) ap->args[k]->offset + ARGV_PROBE_BYTES > size)
      return NULL;
  g_autofree char *path = argv_probe_string (data + ap->path->offset, &cut);
  if (cut ? !g_str_has_prefix (filename, path) : strcmp (filename, path) != 0)
    return NULL;

  guint64 pointers[ARGV_PROBE_ARGS + 1];
  memcpy (pointers, data + ap->pointers->offset, sizeof pointers);
  int n = 0;
  while (n < ARGV_PROBE_ARGS + 1 && pointers[n] != 0)
    n++;
  if (n > ARGV_PROBE_ARGS)
    {
      n = ARGV_PROBE_ARGS;
      *more = TRUE;
    }
  GStrv argv = g_new0 (char *, n + 1);
  for (int k = 0; k < n; k++)
    {
      argv[k] = argv_probe_string (data + ap->args[k]->offset, &cut);
      if (cut)
        *cut_args |= 1u << k;
    }
  return argv;
}

/* Whether a cmdline read from /proc is the whole of what the probe cut. */
static gboolean
argv_completes (const char *const *whole, const char *const *probed, guint32 cut_args,
                gboolean more)
{
  guint n_whole = g_strv_length ((char **) whole), n_probed = g_strv_length ((char **) probed);
  if (more ? n_whole <= n_probed : n_whole != n_probed)
    return FALSE;
  for (guint k = 0; k < n_probed; k++)
    if ((cut_args & (1u << k)) ? !g_str_has_prefix (whole[k], probed[k])
                               : strcmp (whole[k], probed[k]) != 0)
      return FALSE;
  return TRUE;
}

/* Marks what the probe cut, for a trace that could not complete it. */
static void
argv_mark_cut (GStrv *argv, guint32 cut_args, gboolean more)
{
  guint n = g_strv_length (*argv);
  for (guint k = 0; k < n; k++)
    if (cut_args & (1u << k))
      {
        char *marked = g_strconcat ((*argv)[k], ARGV_CUT_MARK, NULL);
        g_free ((*argv)[k]);
        (*argv)[k] = marked;
      }
  if (more)
    {
      *argv = g_renew (char *, *argv, n + 2);
      (*argv)[n] = g_strdup (ARGV_CUT_MARK);
      (*argv)[n + 1] = NULL;
    }
}

/* -------------------------------------------------------- event handlers */

static void
handle_newtask (FsTracefsTracer *self, gint64 t, gint32 parent_tid, void *data, int size)
{
  gint32 child = (gint32) field_num (self, EV_NEWTASK, F_NEWTASK_PID, data);
  guint64 flags = (guint64) field_num (self, EV_NEWTASK, F_NEWTASK_FLAGS, data);
  gint32 parent_tgid = tgid_of (self, parent_tid);
  char comm[32];

  if (parent_tgid == 0)
    return;  /* not from our tree (an event from before our filter) */
  Task *creator = task_get (self, parent_tid);
  if (creator != NULL)
    creator->last_child = child;
  if (flags & CLONE_THREAD)
    {
      if (task_get (self, child) != NULL && tgid_of (self, child) == parent_tgid)
        return;   /* found by the second /proc walk of an attach already */
      task_ensure (self, child, parent_tgid);
      fs_recorder_thread_new (self->recorder, t, parent_tgid, child);
      return;
    }
  Proc *known = proc_get (self, child);
  if (known != NULL && known->walked && known->state == PROC_ALIVE)
    {
      /* Forked as the filter came on: the walk after it found it first. */
      known->walked = FALSE;
      return;
    }
  Proc *pp = proc_get (self, parent_tgid);
  gint32 parent = parent_tgid;
  if ((flags & CLONE_PARENT) && pp != NULL && pp->parent > 0)
    parent = pp->parent;
  field_str (self, EV_NEWTASK, F_NEWTASK_COMM, data, size, comm, sizeof comm);
  Proc *p = proc_new (self, child, parent);
  pid_namespace_enter (self, creator, pp, p);
  if (pp != NULL)
    {
      /* It has copies of its creator's descriptors. */
      memcpy (p->signalfds, pp->signalfds, sizeof p->signalfds);
      p->n_signalfds = pp->n_signalfds;
    }
  fs_recorder_process_new (self->recorder, t, child, parent, comm, 0);
  Proc *parent_proc = proc_get (self, parent);
  if (parent_proc != NULL)
    {
      p->pgid = parent_proc->pgid;
      p->sid = parent_proc->sid;
    }
}

static void
handle_exec (FsTracefsTracer *self, gint64 t, gint32 tid, void *data, int size,
             gboolean newest_exec_of_pid)
{
  gint32 pid = (gint32) field_num (self, EV_EXEC, F_EXEC_PID, data);
  gint32 old_pid = (gint32) field_num (self, EV_EXEC, F_EXEC_OLD_PID, data);
  char filename[PATH_MAX];
  Proc *p = proc_get (self, pid);
  g_autoptr (GBytes) probed_call = NULL;

  /* The calling thread's last execve call is for this exec, or for none. */
  if (self->argv_probe.pending != NULL)
    g_hash_table_steal_extended (self->argv_probe.pending, GINT_TO_POINTER (old_pid), NULL,
                                 (gpointer *) &probed_call);
  field_str (self, EV_EXEC, F_EXEC_FILENAME, data, size, filename, sizeof filename);
  if (p == NULL)
    return;
  if (old_pid != pid)
    g_hash_table_remove (self->tasks, GINT_TO_POINTER (old_pid));
  /* A new image: an earlier exit_group by a zapped thread no longer counts. */
  p->cause = CAUSE_NONE;
  /* Close-on-exec signalfds are gone (SFD_CLOEXEC; fcntl is not seen). */
  guint kept = 0;
  for (guint i = 0; i < p->n_signalfds; i++)
    if (!p->signalfds[i].cloexec)
      p->signalfds[kept++] = p->signalfds[i];
  p->n_signalfds = kept;

  /* The argv the uprobe fetched; where it is cut or missing, the argv read
   * when the page with this exec was copied; else, if no later exec of the
   * pid is known, what /proc has now (best effort). */
  guint32 cut_args = 0;
  gboolean more_args = FALSE;
  g_auto (GStrv) probed = probed_call != NULL
                          ? argv_probe_decode (self, probed_call, filename, &cut_args, &more_args)
                          : NULL;
  gboolean probed_whole = probed != NULL && cut_args == 0 && !more_args;
  g_auto (GStrv) argv = NULL;
  g_autofree char *cmdline = NULL;
  gsize len = 0;
  gboolean later_exec = !newest_exec_of_pid;
  g_mutex_lock (&self->early_lock);
  EarlyArgv *early = g_hash_table_lookup (self->early_argv, GINT_TO_POINTER (pid));
  if (early != NULL && early->ts > (guint64) t)
    later_exec = TRUE;   /* kept for that exec */
  else if (early != NULL)
    {
      if (early->ts == (guint64) t)
        {
          cmdline = g_steal_pointer (&early->cmdline);
          len = early->len;
        }
      g_hash_table_remove (self->early_argv, GINT_TO_POINTER (pid));
    }
  g_mutex_unlock (&self->early_lock);
  if (cmdline == NULL && !later_exec && !probed_whole)
    {
      char path[64];
      g_snprintf (path, sizeof path, "/proc/%d/cmdline", pid);
      if (!g_file_get_contents (path, &cmdline, &len, NULL))
        len = 0;
    }
  if (cmdline != NULL && len > 0)
    {
      GPtrArray *a = g_ptr_array_new ();
      for (gsize off = 0; off < len;)
        {
          const char *s = cmdline + off;
          gsize n = strnlen (s, len - off);
          g_ptr_array_add (a, g_strndup (s, n));
          off += n + 1;
        }
      g_ptr_array_add (a, NULL);
      argv = (GStrv) g_ptr_array_free (a, FALSE);
    }
  const char *source = argv != NULL ? "proc" : "none";
  if (probed_whole)
    {
      g_strfreev (argv);
      argv = g_steal_pointer (&probed);
      source = "uprobe";
    }
  else if (probed != NULL
           && !(argv != NULL && argv_completes ((const char *const *) argv,
                                               (const char *const *) probed, cut_args, more_args)))
    {
      g_strfreev (argv);
      argv = g_steal_pointer (&probed);
      argv_mark_cut (&argv, cut_args, more_args);
      source = "uprobe, cut";
    }
  else if (probed != NULL)
    source = "uprobe, completed from proc";
  if (G_UNLIKELY (self->debug))
    g_printerr ("tracefs: exec of %d: argv from %s\n", pid, source);
  fs_recorder_exec (self->recorder, t, pid, filename, (const char *const *) argv);
  if (p->exec_comm[0] != '\0')
    {
      fs_recorder_rename (self->recorder, t, pid, p->exec_comm);
      p->exec_comm[0] = '\0';
    }
}

static void
handle_exit (FsTracefsTracer *self, gint64 t, void *data)
{
  gint32 tid = (gint32) field_num (self, EV_EXIT, F_EXIT_PID, data);
  gboolean group_dead = field_num (self, EV_EXIT, F_EXIT_GROUP_DEAD, data) != 0;
  gint32 tgid = tgid_of (self, tid);
  Proc *p = tgid != 0 ? proc_get (self, tgid) : NULL;

  if (self->argv_probe.pending != NULL)
    g_hash_table_remove (self->argv_probe.pending, GINT_TO_POINTER (tid));
  if (p == NULL || !group_dead)
    return;
  handle_process_exit (self, t, p);
}

/* Whether a process (not the kernel) sent the signal: SI_USER (kill),
 * SI_QUEUE (sigqueue), SI_TKILL (tkill/tgkill) — except send_sig() on behalf
 * of the receiver itself (broken pipe, file size or CPU limit), which looks
 * like a kill() from the receiver. */
static gboolean
code_is_from_user (int sig, int code, gint32 sender_tgid, gint32 target_tgid)
{
  if (code != SI_USER && code != SI_QUEUE && code != SI_TKILL)
    return FALSE;
  if (code == SI_USER && sender_tgid == target_tgid
      && (sig == SIGPIPE || sig == SIGXFSZ || sig == SIGXCPU))
    return FALSE;
  return TRUE;
}

/* The action for a signal the kernel discarded as it was generated: SIG_IGN
 * (from /proc/PID/status while the process lives), or a default action of
 * "ignore" — for SIGCONT "continue", whose work was done at generation. */
static FsSignalAction
ignored_action (gint32 tgid, int sig)
{
  char path[64];
  g_autofree char *status = NULL;
  g_snprintf (path, sizeof path, "/proc/%d/status", tgid);
  if (g_file_get_contents (path, &status, NULL, NULL))
    {
      const char *line = strstr (status, "\nSigIgn:");
      if (line != NULL)
        {
          guint64 mask = g_ascii_strtoull (line + strlen ("\nSigIgn:"), NULL, 16);
          if (sig >= 1 && sig <= 64 && (mask & (G_GUINT64_CONSTANT (1) << (sig - 1))))
            return FS_ACTION_IGNORED;
        }
    }
  return sig == SIGCONT ? FS_ACTION_CONTINUE : FS_ACTION_IGNORED;
}

static gboolean
is_own_task (gint32 tid)
{
  char path[64];
  g_snprintf (path, sizeof path, "/proc/self/task/%d", tid);
  return tid == getpid () || access (path, F_OK) == 0;
}

static void
handle_generate (FsTracefsTracer *self, gint64 t, gint32 sender_tid, gboolean from_outside,
                 void *data, int size)
{
  int sig = (int) field_num (self, EV_GENERATE, F_GEN_SIG, data);
  int code = (int) field_num (self, EV_GENERATE, F_GEN_CODE, data);
  gint32 target = (gint32) field_num (self, EV_GENERATE, F_GEN_PID, data);
  gboolean group = field_num (self, EV_GENERATE, F_GEN_GROUP, data) != 0;
  int result = (int) field_num (self, EV_GENERATE, F_GEN_RESULT, data);
  gint32 target_tgid = tgid_of (self, target);
  Proc *tp = target_tgid != 0 ? proc_get (self, target_tgid) : NULL;
  gint32 sender_tgid = from_outside ? sender_tid : tgid_of (self, sender_tid);
  gboolean user = code_is_from_user (sig, code, sender_tgid, target_tgid);

  if (from_outside)
    {
      /* Only signals into the tree, from outside it (the main instance has
       * the tree's own); our own kills of the tree when stopping are
       * housekeeping.  Everything else is other people's work.  A signal
       * the kernel makes (a timer's SIGALRM) is emitted in whatever task the
       * interrupt found running, our own threads included: that task did
       * not send it. */
      if (tp == NULL || tp->state != PROC_ALIVE || tgid_of (self, sender_tid) != 0
          || (user && is_own_task (sender_tid)))
        return;
      if (user && fs_recorder_lookup (self->recorder, sender_tid) == FS_PROCESS_NONE)
        {
          g_autofree char *comm = read_proc_comm (sender_tid);
          if (comm == NULL)
            comm = saved_cmdline (sender_tid);
          fs_recorder_process_new (self->recorder, t, sender_tid, 0,
                                   comm != NULL ? comm : "?", FS_PROCESS_FLAG_ATTACHED);
        }
    }

  /* The dying child's notification tells how it died (CLD_DUMPED: core). */
  if (sig == SIGCHLD && !from_outside && code >= CLD_EXITED && code <= CLD_DUMPED)
    {
      Proc *dying = sender_tgid != 0 ? proc_get (self, sender_tgid) : NULL;
      if (dying != NULL && dying->state == PROC_ZOMBIE)
        {
          if (code == CLD_DUMPED)
            dying->core = TRUE;
          report_exit (self, dying);
        }
    }

  /* SIGCONT resumes a stopped target when it is generated. */
  if (sig == SIGCONT && tp != NULL && tp->stopped && result != TRACE_SIGNAL_OVERFLOW_FAIL)
    {
      tp->stopped = FALSE;
      fs_recorder_continue (self->recorder, t, target_tgid);
    }

  /* Deliveries name the sender as si_pid would: the kernel for its own. */
  gint32 deliver_sender = user ? sender_tgid : 0;
  if (result == TRACE_SIGNAL_DELIVERED || result == TRACE_SIGNAL_LOSE_INFO)
    pending_push (self, group, group ? (target_tgid != 0 ? target_tgid : target) : target,
                  sig, deliver_sender, code);

  /* A signal the target ignores is dropped right here, never delivered:
   * record that it reached the target and was ignored. */
  if (result == TRACE_SIGNAL_IGNORED && tp != NULL && tp->state == PROC_ALIVE)
    fs_recorder_signal_deliver (self->recorder, t, target_tgid, sig, code, deliver_sender,
                                ignored_action (target_tgid, sig));

  Task *st = from_outside ? NULL : task_get (self, sender_tid);
  if (st != NULL && st->in_kill && user)
    {
      st->kill_generated++;
      if (st->kill_pid <= 0)
        return;  /* folded into the one send of the group kill */
    }

  /* Kernel-made signals to processes outside the tree (our own SIGCHLD)
   * are not part of the tree's story. */
  if (!user && tp == NULL)
    return;

  guint16 flags = 0;
  if (result == TRACE_SIGNAL_DELIVERED || result == TRACE_SIGNAL_LOSE_INFO)
    flags |= FS_EVENT_FLAG_QUEUED;
  else if (result == TRACE_SIGNAL_ALREADY_PENDING)
    flags |= FS_EVENT_FLAG_COALESCED;
  if (!group && user)
    flags |= FS_EVENT_FLAG_THREAD_DIRECTED;
  int send_result = result == TRACE_SIGNAL_OVERFLOW_FAIL ? -EAGAIN : 0;
  fs_recorder_signal_send (self->recorder, t, user ? sender_tid : 0, target, sig, code,
                           send_result, flags);
}

static void
handle_deliver (FsTracefsTracer *self, gint64 t, gint32 tid, void *data)
{
  int sig = (int) field_num (self, EV_DELIVER, F_DEL_SIG, data);
  int code = (int) field_num (self, EV_DELIVER, F_DEL_CODE, data);
  guint64 handler = (guint64) field_num (self, EV_DELIVER, F_DEL_HANDLER, data);
  gint32 tgid = tgid_of (self, tid);
  Proc *p = tgid != 0 ? proc_get (self, tgid) : NULL;
  gint32 sender = -1;
  FsSignalAction action;

  if (p == NULL)
    return;

  if (sig == SIGKILL)
    {
      /* The kernel's group-exit path: every thread of a dying group "takes"
       * a SIGKILL without siginfo.  Only the first one that stands for a
       * fatal signal is a delivery; the rest (and exec's zapping of other
       * threads, and exit_group's) are consequences. */
      if (p->cause != CAUSE_NONE || p->state != PROC_ALIVE)
        return;
      int real = pending_oldest_fatal (self, tid, tgid, &sender);
      if (real == 0)
        return;
      p->cause = CAUSE_SIGNAL;
      p->cause_value = real;
      fs_recorder_signal_deliver (self->recorder, t, tgid, real, code, sender,
                                  fs_signal_default_action (real));
      return;
    }

  pending_pop (self, tid, tgid, sig, &sender);
  if (handler == (guint64) (guintptr) SIG_DFL)
    action = fs_signal_default_action (sig);
  else if (handler == (guint64) (guintptr) SIG_IGN)
    action = FS_ACTION_IGNORED;
  else
    action = FS_ACTION_HANDLER;
  if (sig == SIGSTOP)
    action = FS_ACTION_STOP;

  fs_recorder_signal_deliver (self->recorder, t, tgid, sig, code, sender, action);

  if ((action == FS_ACTION_TERMINATE || action == FS_ACTION_CORE) && p->cause == CAUSE_NONE)
    {
      p->cause = CAUSE_SIGNAL;
      p->cause_value = sig;
    }
  else if (action == FS_ACTION_STOP && !p->stopped)
    {
      p->stopped = TRUE;
      fs_recorder_stop (self->recorder, t, tgid, sig);
    }
}

static void
handle_rename (FsTracefsTracer *self, gint64 t, void *data, int size, gboolean exec_follows)
{
  gint32 pid = (gint32) field_num (self, EV_RENAME, F_RENAME_PID, data);
  char comm[32];
  Proc *p = proc_get (self, pid);

  /* A thread's name is not its process's name. */
  if (p == NULL || tgid_of (self, pid) != pid)
    return;
  field_str (self, EV_RENAME, F_RENAME_COMM, data, size, comm, sizeof comm);
  if (exec_follows)
    {
      /* exec renames before it is reported: show the new name after it. */
      g_strlcpy (p->exec_comm, comm, sizeof p->exec_comm);
      return;
    }
  fs_recorder_rename (self->recorder, t, pid, comm);
}

static void
handle_exit_call (FsTracefsTracer *self, gint32 tid, void *data, gboolean whole_group)
{
  EventKind kind = whole_group ? EV_SYS_EXIT_GROUP : EV_SYS_EXIT;
  gint32 tgid = tgid_of (self, tid);
  Proc *p = tgid != 0 ? proc_get (self, tgid) : NULL;

  /* exit(2) of a thread other than the last one ends only that thread; the
   * status of a process is that of its exit_group or of its leader's exit. */
  if (p == NULL || p->cause != CAUSE_NONE || (!whole_group && tid != tgid))
    return;
  p->cause = CAUSE_CODE;
  p->cause_value = (int) (field_num (self, kind, 0, data) & 0xff);
}

static void
handle_wait4_return (FsTracefsTracer *self, gint64 t, gint32 tid, void *data)
{
  gint64 ret = field_num (self, EV_SYS_WAIT4_RET, 0, data);
  Proc *child;

  if (ret <= 0 || ret > G_MAXINT32)
    return;
  Proc *reaper = proc_get (self, tgid_of (self, tid));
  gboolean known;
  child = proc_get (self, outer_pid_known (self, reaper, (gint32) ret, &known));
  if (!known && (child == NULL || child->state != PROC_ZOMBIE || child->parent != reaper->tgid))
    child = oldest_zombie_child (self, reaper->tgid, 0, 0);
  /* wait4 also reports stopped and continued children: only zombies go. */
  if (child != NULL && child->state == PROC_ZOMBIE)
    reap (self, t, tid, child);
}

/* The end of a kill(2): one send for a group kill (its generations were
 * folded), one for a kill that failed before generating anything.  Only
 * failing kills report their return (the exit event is filtered to ret != 0
 * in the kernel, a third of a signal storm's events), so a successful one
 * ends at the task's next event. */
static void
finish_kill (FsTracefsTracer *self, gint32 tid, Task *task, int ret)
{
  task->in_kill = FALSE;
  if (task->kill_sig <= 0 || task->kill_sig > FS_SIGNAL_MAX)
    return;  /* invalid signals */
  if (task->kill_pid <= 0 || (ret < 0 && task->kill_generated == 0))
    fs_recorder_signal_send (self->recorder, task->kill_ns, tid, task->kill_pid,
                             task->kill_sig, SI_USER, ret < 0 ? ret : 0, 0);
}

static void
handle_kill_call (FsTracefsTracer *self, gint64 t, gint32 tid, void *data)
{
  Task *task = task_get (self, tid);
  if (task == NULL)
    return;
  if (task->in_kill)
    finish_kill (self, tid, task, 0);
  task->in_kill = TRUE;
  task->kill_pid = outer_pid (self, tid, (gint32) field_num (self, EV_SYS_KILL, F_KILL_PID, data));
  task->kill_sig = (gint32) field_num (self, EV_SYS_KILL, F_KILL_SIG, data);
  task->kill_ns = t;
  task->kill_generated = 0;
}

static void
handle_kill_return (FsTracefsTracer *self, gint32 tid, void *data)
{
  Task *task = task_get (self, tid);
  if (task == NULL || !task->in_kill)
    return;
  finish_kill (self, tid, task, (int) field_num (self, EV_SYS_KILL_RET, 0, data));
}

static void
finish_all_kills (FsTracefsTracer *self)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, self->tasks);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (((Task *) value)->in_kill)
      finish_kill (self, GPOINTER_TO_INT (key), value, 0);
}

static void
handle_sigtimedwait_return (FsTracefsTracer *self, gint64 t, gint32 tid, void *data)
{
  gint64 ret = field_num (self, EV_SYS_SIGTIMEDWAIT_RET, 0, data);
  gint32 tgid = tgid_of (self, tid);
  gint32 sender = -1;

  if (ret <= 0 || ret > FS_SIGNAL_MAX || tgid == 0)
    return;
  pending_pop (self, tid, tgid, (int) ret, &sender);
  fs_recorder_signal_deliver (self->recorder, t, tgid, (int) ret, 0, sender,
                              FS_ACTION_SIGWAIT);
}

/* ---------------------------------------------------- signalfd reads
 *
 * No tracepoint shows what a read of a signalfd dequeued, and the read
 * tracepoints know a descriptor only by its number.  So: signalfd4's return
 * names the descriptor (its mask comes from /proc/PID/fdinfo); the first one
 * enables sys_enter_read/readv, filtered in the kernel on the descriptor
 * numbers of the tree's signalfds, and sys_exit_read/readv on a result of
 * at least one record (128 bytes) or an error.  The exit events carry no
 * descriptor: a signalfd read that failed (EAGAIN, EINTR) must still end
 * there, or the thread's next read of any file returning 128 bytes would
 * be taken for it.  A read of a known signalfd that returned
 * ret bytes took ret / 128 signals; which ones is inferred from the pending
 * generations the way the kernel dequeues (the thread's own queue before the
 * process's; synchronous signals first, then the lowest number; each
 * number's queue in order).  Reads before the filter is on (events are
 * handled 20-100 ms late) are missed.  docs/tracers.md says what is exact. */

static SignalfdDesc *
signalfd_find (Proc *p, gint32 fd)
{
  for (guint i = 0; i < p->n_signalfds; i++)
    if (p->signalfds[i].fd == fd)
      return &p->signalfds[i];
  return NULL;
}

/* The open flags of a descriptor of pid (fdinfo's octal "flags:"), 0 unknown. */
static int
fcntl_flags_of (gint32 pid, gint32 fd)
{
  char path[64];
  g_autofree char *info = NULL;
  g_snprintf (path, sizeof path, "/proc/%d/fdinfo/%d", pid, fd);
  if (!g_file_get_contents (path, &info, NULL, NULL))
    return 0;
  const char *v = strstr (info, "flags:");
  return v != NULL ? (int) g_ascii_strtoull (v + strlen ("flags:"), NULL, 8) : 0;
}

/* The signals a signalfd of pid reads, from its fdinfo; all when unknown. */
static guint64
signalfd_mask (gint32 pid, gint32 fd)
{
  char path[64];
  g_autofree char *info = NULL;
  g_snprintf (path, sizeof path, "/proc/%d/fdinfo/%d", pid, fd);
  if (!g_file_get_contents (path, &info, NULL, NULL))
    return G_MAXUINT64;
  const char *v = strstr (info, "sigmask:");
  return v != NULL ? g_ascii_strtoull (v + strlen ("sigmask:"), NULL, 16) : G_MAXUINT64;
}

/* Makes the kernel report reads of descriptor number fd in the tree. */
static void
signalfd_watch_fd (FsTracefsTracer *self, gint32 fd)
{
  for (guint i = 0; i < self->signalfd_numbers->len; i++)
    if (g_array_index (self->signalfd_numbers, gint32, i) == fd)
      return;
  g_array_append_val (self->signalfd_numbers, fd);
  if (self->main.instance == NULL)
    return;   /* attach: applied once the instance is up */

  /* A signalfd read asks for at least one record, or fails with EINVAL. */
  g_autoptr (GString) fds = g_string_new (NULL);
  for (guint i = 0; i < self->signalfd_numbers->len; i++)
    g_string_append_printf (fds, "%sfd == %d", i > 0 ? " || " : "",
                            g_array_index (self->signalfd_numbers, gint32, i));
  g_autofree char *read_filter = g_strdup_printf ("count >= 128 && (%s)", fds->str);
  gboolean ok = tracefs_event_file_write (self->main.instance, "syscalls", "sys_enter_read",
                                          "filter", read_filter) >= 0
                && tracefs_event_file_write (self->main.instance, "syscalls", "sys_enter_readv",
                                             "filter", fds->str) >= 0;
  if (ok && !self->signalfd_reads_on)
    {
      static const char *const on_demand[] = {
        "sys_exit_read", "sys_exit_readv", "sys_enter_read", "sys_enter_readv",
      };
      for (gsize i = 0; ok && i < G_N_ELEMENTS (on_demand); i++)
        {
          if (g_str_has_prefix (on_demand[i], "sys_exit"))
            ok = tracefs_event_file_write (self->main.instance, "syscalls", on_demand[i],
                                           "filter", "ret >= 128 || ret < 0") >= 0;
          ok = ok && tracefs_event_file_write (self->main.instance, "syscalls", on_demand[i],
                                               "enable", "1") >= 0;
        }
      self->signalfd_reads_on = ok;
    }
  if (!ok && !self->options.quiet)
    g_printerr ("forkscope: warning: cannot watch signalfd reads (%s); signals read from a "
                "signalfd are recorded as sent only\n", g_strerror (errno));
}

static void
signalfd_add (FsTracefsTracer *self, Proc *p, gint32 fd, gboolean cloexec, guint64 mask)
{
  SignalfdDesc *d = signalfd_find (p, fd);
  if (d == NULL && p->n_signalfds < MAX_PROC_SIGNALFDS)
    d = &p->signalfds[p->n_signalfds++];
  if (d == NULL)
    return;
  *d = (SignalfdDesc) { fd, cloexec, mask };
  signalfd_watch_fd (self, fd);
}

/* An attached process may hold signalfds made long ago: /proc names them. */
static void
signalfd_scan_attached (FsTracefsTracer *self, Proc *p)
{
  char path[64];
  g_snprintf (path, sizeof path, "/proc/%d/fd", p->tgid);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      gint32 fd = (gint32) g_ascii_strtoll (name, NULL, 10);
      if (!fs_proc_fd_is_signalfd (p->tgid, fd))
        continue;
      int flags = fcntl_flags_of (p->tgid, fd);
      signalfd_add (self, p, fd, (flags & O_CLOEXEC) != 0, signalfd_mask (p->tgid, fd));
    }
}

static void
handle_signalfd_return (FsTracefsTracer *self, gint32 tid, void *data)
{
  gint64 ret = field_num (self, EV_SYS_SIGNALFD4_RET, 0, data);
  Task *task = task_get (self, tid);
  Proc *p = task != NULL ? proc_get (self, task->tgid) : NULL;
  if (p == NULL || ret < 0)
    return;
  guint64 mask = signalfd_mask (p->tgid, (gint32) ret);
  SignalfdDesc *known = signalfd_find (p, (gint32) ret);
  if (task->signalfd_ufd != -1 && known != NULL)
    known->mask = mask;   /* a new mask for an existing signalfd */
  else
    signalfd_add (self, p, (gint32) ret, (task->signalfd_flags & SFD_CLOEXEC) != 0, mask);
}

/* The next signal a signalfd read with mask takes from what is pending for
 * thread tid of process tgid (0 when nothing known is). */
static int
pending_take_for_signalfd (FsTracefsTracer *self, gint32 tid, gint32 tgid, guint64 mask,
                           gint32 *sender, int *code)
{
  const guint64 synchronous = (1u << (SIGSEGV - 1)) | (1u << (SIGBUS - 1)) | (1u << (SIGILL - 1))
                              | (1u << (SIGTRAP - 1)) | (1u << (SIGFPE - 1)) | (1u << (SIGSYS - 1));
  for (int g = 0; g < 2; g++)
    {
      int lowest = 0, lowest_sync = 0;
      for (int sig = 1; sig <= FS_SIGNAL_MAX && lowest_sync == 0; sig++)
        {
          guint64 bit = G_GUINT64_CONSTANT (1) << (sig - 1);
          if (!(mask & bit) || pending_queue (self, g == 1, g == 1 ? tgid : tid, sig) == NULL)
            continue;
          if (lowest == 0)
            lowest = sig;
          if (synchronous & bit)
            lowest_sync = sig;
        }
      int sig = lowest_sync != 0 ? lowest_sync : lowest;
      if (sig == 0)
        continue;
      GArray *q = pending_queue (self, g == 1, g == 1 ? tgid : tid, sig);
      *sender = g_array_index (q, PendingSignal, 0).sender;
      *code = g_array_index (q, PendingSignal, 0).code;
      g_array_remove_index (q, 0);
      return sig;
    }
  return 0;
}

static void
handle_read_call (FsTracefsTracer *self, gint32 tid, EventKind kind, void *data)
{
  Task *task = task_get (self, tid);
  Proc *p = task != NULL ? proc_get (self, task->tgid) : NULL;
  if (p == NULL)
    return;
  gint32 fd = (gint32) field_num (self, kind, 0, data);
  task->signalfd_read = signalfd_find (p, fd) != NULL ? fd + 1 : 0;
}

static void
handle_read_return (FsTracefsTracer *self, gint64 t, gint32 tid, EventKind kind, void *data)
{
  Task *task = task_get (self, tid);
  if (task == NULL || task->signalfd_read == 0)
    return;
  gint32 fd = task->signalfd_read - 1;
  task->signalfd_read = 0;
  gint64 ret = field_num (self, kind, 0, data);
  Proc *p = proc_get (self, task->tgid);
  SignalfdDesc *d = p != NULL ? signalfd_find (p, fd) : NULL;
  guint64 mask = d != NULL ? d->mask : G_MAXUINT64;
  for (gint64 n = ret / (gint64) sizeof (struct signalfd_siginfo); n > 0; n--)
    {
      gint32 sender = -1;
      int code = 0;
      int sig = pending_take_for_signalfd (self, tid, task->tgid, mask, &sender, &code);
      if (sig == 0)
        break;   /* a signal we never saw generated: nothing to name */
      fs_recorder_signal_deliver (self->recorder, t, task->tgid, sig, code, sender,
                                  FS_ACTION_SIGNALFD);
    }
}

static void
handle_setpgid_return (FsTracefsTracer *self, gint32 tid, void *data)
{
  Task *task = task_get (self, tid);
  if (task == NULL || field_num (self, EV_SYS_SETPGID_RET, 0, data) != 0)
    return;
  gint32 pid = task->setpgid_pid != 0 ? task->setpgid_pid : task->tgid;
  gint32 pgid = task->setpgid_pgid != 0 ? task->setpgid_pgid : pid;
  Proc *p = proc_get (self, pid);
  if (p != NULL)
    set_ids (self, p, pgid, 0);
}

static void
handle_setsid_return (FsTracefsTracer *self, gint32 tid, void *data)
{
  /* The new session and group are the caller's pid (the returned number may
   * be another namespace's). */
  gint64 ret = field_num (self, EV_SYS_SETSID_RET, 0, data);
  Proc *p = proc_get (self, tgid_of (self, tid));
  if (p != NULL && ret > 0)
    set_ids (self, p, p->tgid, p->tgid);
}

static void
block_begin (FsTracefsTracer *self, gint64 t, gint32 tid, FsBlockReason reason)
{
  Task *task = task_get (self, tid);
  if (task == NULL || task->tgid == 0)
    return;
  task->blocked = TRUE;
  fs_recorder_block (self->recorder, t, task->tgid, reason, 0);
}

static void
block_end (FsTracefsTracer *self, gint64 t, gint32 tid)
{
  Task *task = task_get (self, tid);
  if (task == NULL || !task->blocked)
    return;
  task->blocked = FALSE;
  fs_recorder_unblock (self->recorder, t, task->tgid);
}

static void
handle_record (FsTracefsTracer *self, const RawRecord *r, void *data, gboolean lookahead)
{
  struct tep_record rec = { .ts = r->ts, .data = data, .size = r->size, .cpu = r->cpu };
  int type = tep_data_type (self->tep, &rec);
  int kind = GPOINTER_TO_INT (g_hash_table_lookup (self->type_to_kind, GINT_TO_POINTER (type))) - 1;
  gint32 tid = tep_data_pid (self->tep, &rec);
  gint64 t = (gint64) r->ts;

  if (G_UNLIKELY (self->debug))
    g_printerr ("tracefs: %" G_GINT64_FORMAT " cpu%d %s tid %d %s\n", t, r->cpu, (r->flags & RAW_EXT) ? "ext" : "main", tid,
                kind >= 0 ? event_specs[kind].name
                          : type == self->argv_probe.type ? "execve uprobe" : "?");
  if (r->flags & RAW_EXT)
    {
      if (kind == EV_GENERATE)
        handle_generate (self, t, tid, TRUE, data, r->size);
      return;
    }
  if (kind < 0 && self->argv_probe.usable && type == self->argv_probe.type)
    {
      argv_probe_note (self, tid, data, r->size);
      return;
    }
  if (kind != EV_GENERATE && kind != EV_SYS_KILL_RET && kind != EV_SYS_KILL)
    {
      Task *task = task_get (self, tid);
      if (task != NULL && task->in_kill)
        finish_kill (self, tid, task, 0);
    }

  switch (kind)
    {
    case EV_NEWTASK:        handle_newtask (self, t, tid, data, r->size); break;
    case EV_EXEC:           handle_exec (self, t, tid, data, r->size, lookahead); break;
    case EV_EXIT:           handle_exit (self, t, data); break;
    case EV_GENERATE:       handle_generate (self, t, tid, FALSE, data, r->size); break;
    case EV_DELIVER:        handle_deliver (self, t, tid, data); break;
    case EV_RENAME:         handle_rename (self, t, data, r->size, lookahead); break;
    case EV_SYS_EXIT_GROUP: handle_exit_call (self, tid, data, TRUE); break;
    case EV_SYS_EXIT:       handle_exit_call (self, tid, data, FALSE); break;
    case EV_SYS_WAIT4:
      if (!(field_num (self, EV_SYS_WAIT4, 0, data) & WNOHANG))
        block_begin (self, t, tid, FS_BLOCK_WAIT);
      break;
    case EV_SYS_WAIT4_RET:
      handle_wait4_return (self, t, tid, data);
      block_end (self, t, tid);
      break;
    case EV_SYS_SIGTIMEDWAIT:
      block_begin (self, t, tid, FS_BLOCK_SIGWAIT);
      break;
    case EV_SYS_WAITID:
      {
        Task *task = task_get (self, tid);
        if (task != NULL)
          {
            task->waitid_which = (gint32) field_num (self, EV_SYS_WAITID, F_WAITID_WHICH, data);
            task->waitid_upid = outer_pid (self, tid, (gint32) field_num (self, EV_SYS_WAITID,
                                                                          F_WAITID_UPID, data));
            task->waitid_options = (gint32) field_num (self, EV_SYS_WAITID, F_WAITID_OPTIONS, data);
            if (!(task->waitid_options & WNOHANG))
              block_begin (self, t, tid, FS_BLOCK_WAIT);
          }
        break;
      }
    case EV_SYS_WAITID_RET:
      {
        Task *task = task_get (self, tid);
        if (task != NULL && field_num (self, EV_SYS_WAITID_RET, 0, data) == 0)
          handle_waitid_return (self, t, tid, task);
        block_end (self, t, tid);
        break;
      }
    case EV_SYS_SIGTIMEDWAIT_RET:
      handle_sigtimedwait_return (self, t, tid, data);
      block_end (self, t, tid);
      break;
    case EV_SYS_SIGNALFD4:
      {
        Task *task = task_get (self, tid);
        if (task != NULL)
          {
            task->signalfd_ufd = (gint32) field_num (self, EV_SYS_SIGNALFD4, F_SIGNALFD4_UFD, data);
            task->signalfd_flags = (gint32) field_num (self, EV_SYS_SIGNALFD4, F_SIGNALFD4_FLAGS,
                                                       data);
          }
        break;
      }
    case EV_SYS_SIGNALFD4_RET: handle_signalfd_return (self, tid, data); break;
    case EV_SYS_READ:
    case EV_SYS_READV:
      handle_read_call (self, tid, (EventKind) kind, data);
      break;
    case EV_SYS_READ_RET:
    case EV_SYS_READV_RET:
      handle_read_return (self, t, tid, (EventKind) kind, data);
      break;
    case EV_SYS_KILL:       handle_kill_call (self, t, tid, data); break;
    case EV_SYS_KILL_RET:   handle_kill_return (self, tid, data); break;
    case EV_SYS_SETPGID:
      {
        Task *task = task_get (self, tid);
        if (task != NULL)
          {
            task->setpgid_pid = outer_pid (self, tid, (gint32) field_num (self, EV_SYS_SETPGID,
                                                                          F_SETPGID_PID, data));
            task->setpgid_pgid = outer_pid (self, tid, (gint32) field_num (self, EV_SYS_SETPGID,
                                                                           F_SETPGID_PGID, data));
          }
        break;
      }
    case EV_SYS_SETPGID_RET: handle_setpgid_return (self, tid, data); break;
    case EV_SYS_SETSID_RET:  handle_setsid_return (self, tid, data); break;
    case EV_SYS_CLONE_RET:
    case EV_SYS_CLONE3_RET:
    case EV_SYS_FORK_RET:
    case EV_SYS_VFORK_RET:
      handle_clone_return (self, tid, data);
      break;
    case EV_SYS_CLONE_NEWPID:
      {
        Task *task = task_get (self, tid);
        if (task != NULL)
          task->next_child_new_pidns = TRUE;
        break;
      }
    case EV_SYS_UNSHARE_NEWPID:
    case EV_SYS_SETNS:
      {
        Proc *p = proc_get (self, tgid_of (self, tid));
        if (p != NULL)
          p->children_pidns = pid_namespace_new (self, kind == EV_SYS_UNSHARE_NEWPID, 0);
        break;
      }
    default:
      break;
    }
}

/* ------------------------------------------------------- instances */

/* Closes the readers and forgets the instance; removes it when destroy. */
static void
instance_release (Instance *in, gboolean destroy)
{
  if (in->cpus != NULL)
    for (int c = 0; c < in->n_cpus; c++)
      if (in->cpus[c] != NULL)
        {
          emergency_remove_fd (in->fds[c]);
          tracefs_cpu_close (in->cpus[c]);
          in->cpus[c] = NULL;
          in->fds[c] = -1;
        }
  g_clear_pointer (&in->cpus, g_free);
  g_clear_pointer (&in->fds, g_free);
  if (in->instance != NULL)
    {
      if (destroy)
        tracefs_instance_destroy (in->instance);
      tracefs_instance_free (in->instance);
      in->instance = NULL;
    }
  if (in->dir != NULL)
    emergency_remove_dir (in->dir);
  g_clear_pointer (&in->dir, g_free);
  g_clear_pointer (&in->name, g_free);
}

static void
instance_clear (Instance *in)
{
  instance_release (in, TRUE);
}

/* Removing an instance waits for the kernel for tens of milliseconds (the
 * pid filter's scheduler probes are unregistered, RCU grace periods pass),
 * and nothing of the recording depends on it any more: a detached helper
 * process removes both instances, then the uprobes (uprobe_commands, written
 * to uprobe_file; a uprobe is busy while an instance has it enabled), while
 * forkscope goes on writing its trace and exits.  It is not our child
 * (double fork), so nothing waits for it; if it were killed, the next start
 * removes what it left as stale (all is named after our pid).  Returns
 * FALSE when it could not be started. */
static gboolean
remove_detached (const char *const *dirs, const char *uprobe_file,
                 const char *const *uprobe_commands)
{
  /* vfork: the middle process runs at once on our CPU while we wait, instead
   * of queueing behind the machine's load; it only forks the real helper
   * (a raw fork: no atfork handlers run on our shared memory) and exits. */
  pid_t middle = vfork ();
  if (middle < 0)
    return FALSE;
  if (middle == 0)
    {
      /* Async-signal-safe calls only: the parent has threads. */
      if (syscall (SYS_fork) != 0)
        _exit (0);
      /* Hold none of our descriptors: a pipe on our stdout would make a
       * shell's $(forkscope …) wait for the removal. */
      syscall (SYS_close_range, 0U, ~0U, 0U);
      for (int i = 0; dirs[i] != NULL; i++)
        {
          /* EBUSY while a reader of ours is still being closed. */
          for (int attempt = 0; attempt < 200 && rmdir (dirs[i]) < 0 && errno == EBUSY; attempt++)
            {
              struct timespec pause_ts = { 0, 10 * 1000 * 1000 };
              nanosleep (&pause_ts, NULL);
            }
        }
      for (int i = 0; uprobe_file != NULL && uprobe_commands != NULL && uprobe_commands[i] != NULL;
           i++)
        uprobe_remove_raw (uprobe_file, uprobe_commands[i], TRUE);
      _exit (0);
    }
  int status;
  while (waitpid (middle, &status, 0) < 0 && errno == EINTR)
    ;
  return TRUE;
}

/* Writes value to a file of the instance.  The kernel parses files such as
 * set_event one token per write(2) and returns a short count, so loop. */
static gboolean
write_file (Instance *in, const char *file, const char *value, GError **error)
{
  int fd = tracefs_instance_file_open (in->instance, file, O_WRONLY | O_TRUNC | O_CLOEXEC);
  gsize len = strlen (value), done = 0;
  int saved = 0;

  if (fd < 0)
    saved = errno;
  while (fd >= 0 && done < len)
    {
      ssize_t n = write (fd, value + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          saved = n < 0 ? errno : EIO;
          break;
        }
      done += (gsize) n;
    }
  if (fd >= 0)
    close (fd);
  if (done < len)
    {
      g_set_error (error, FS_TRACER_ERROR,
                   saved == EPERM || saved == EACCES ? FS_TRACER_ERROR_PERMISSION
                                                     : FS_TRACER_ERROR_FAILED,
                   "Cannot write \"%s\" to %s/%s: %s", value, in->dir, file,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
instance_create (Instance *in, const char *name, GError **error)
{
  in->name = g_strdup (name);
  in->instance = tracefs_instance_create (name);
  if (in->instance == NULL)
    {
      int saved = errno;
      g_set_error (error, FS_TRACER_ERROR,
                   saved == EPERM || saved == EACCES ? FS_TRACER_ERROR_PERMISSION
                                                     : FS_TRACER_ERROR_FAILED,
                   "Cannot create the tracefs instance %s: %s", name, g_strerror (saved));
      return FALSE;
    }
  in->dir = tracefs_instance_get_dir (in->instance);
  if (in->dir != NULL)
    {
      /* tracefs_instance_get_dir() returns malloc memory; keep a GLib copy. */
      char *copy = g_strdup (in->dir);
      free (in->dir);
      in->dir = copy;
      emergency_add_dir (in->dir);
    }
  return TRUE;
}

static gboolean
instance_open_readers (Instance *in, int page_size, GError **error)
{
  in->n_cpus = (int) sysconf (_SC_NPROCESSORS_CONF);
  if (in->n_cpus < 1)
    in->n_cpus = 1;
  in->fds = g_new (int, in->n_cpus);
  in->cpus = g_new0 (struct tracefs_cpu *, in->n_cpus);
  for (int c = 0; c < in->n_cpus; c++)
    {
      char file[64];
      in->fds[c] = -1;
      g_snprintf (file, sizeof file, "per_cpu/cpu%d/trace_pipe_raw", c);
      if (!tracefs_file_exists (in->instance, file))
        continue;  /* a possible but absent CPU */
      int fd = tracefs_instance_file_open (in->instance, file, O_RDONLY | O_NONBLOCK);
      if (fd < 0)
        {
          g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                       "Cannot open %s/%s: %s", in->dir, file, g_strerror (errno));
          return FALSE;
        }
      fcntl (fd, F_SETFD, FD_CLOEXEC);
      in->fds[c] = fd;
      in->cpus[c] = tracefs_cpu_alloc_fd (fd, page_size, true);
      if (in->cpus[c] == NULL)
        {
          close (fd);
          in->fds[c] = -1;
          g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                       "Cannot set up reading %s/%s", in->dir, file);
          return FALSE;
        }
      emergency_add_fd (fd);
    }
  return TRUE;
}

/* Sum of what the ring buffers of an instance lost. */
static guint64
instance_lost (Instance *in)
{
  guint64 total = 0;
  if (in->instance == NULL)
    return 0;
  for (int c = 0; c < in->n_cpus; c++)
    {
      char file[64];
      if (in->fds == NULL || in->fds[c] < 0)
        continue;
      g_snprintf (file, sizeof file, "per_cpu/cpu%d/stats", c);
      g_autofree char *stats = tracefs_instance_file_read (in->instance, file, NULL);
      if (stats == NULL)
        continue;
      g_auto (GStrv) lines = g_strsplit (stats, "\n", -1);
      for (char **l = lines; *l != NULL; l++)
        {
          const char *colon = strchr (*l, ':');
          if (colon == NULL)
            continue;
          if (g_str_has_prefix (*l, "overrun:") || g_str_has_prefix (*l, "commit overrun:")
              || g_str_has_prefix (*l, "dropped events:"))
            total += g_ascii_strtoull (colon + 1, NULL, 10);
        }
    }
  return total;
}

static void
update_lost (FsTracefsTracer *self)
{
  Instance *all[] = { &self->main, &self->ext };
  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    {
      guint64 lost = instance_lost (all[i]);
      if (lost > all[i]->lost_seen)
        {
          guint64 delta = lost - all[i]->lost_seen;
          all[i]->lost_seen = lost;
          /* The outside instance sees every other process's signals: what
           * it drops is mostly other people's traffic (another recording's
           * storm), so it is kept apart from the tree's own losses. */
          if (all[i] == &self->ext)
            fs_recorder_add_lost_outside (self->recorder, delta);
          else
            fs_recorder_add_lost (self->recorder, delta);
          if (!self->options.quiet && all[i] == &self->ext)
            g_printerr ("forkscope: note: %" G_GUINT64_FORMAT " records of other processes' "
                        "signals were dropped; signals sent into the tree from outside it may be "
                        "missing\n", delta);
          else if (!self->options.quiet)
            g_printerr ("forkscope: warning: the tracefs ring buffer lost %" G_GUINT64_FORMAT
                        " events; try a larger --buffer-size (now %s KiB per CPU)\n",
                        delta, self->options.buffer_size_kb > 0 ? "custom" : "default");
        }
    }
}

static char *
join_event_list (void)
{
  GString *s = g_string_new (NULL);
  for (int k = 0; k < N_EVENTS; k++)
    if (!event_on_demand (k))
      g_string_append_printf (s, "%s:%s\n", event_specs[k].system, event_specs[k].name);
  return g_string_free (s, FALSE);
}

typedef struct {
  FsTracefsTracer *self;
  const char      *name;   /* of the instance */
  const char      *pids;   /* space separated */
  GError          *error;
} SetupJob;

static gpointer
setup_main_instance (gpointer data)
{
  SetupJob *job = data;
  FsTracefsTracer *self = job->self;
  Instance *in = &self->main;
  g_autofree char *events = join_event_list ();
  gint64 t0 = fs_recorder_now ();

  if (!instance_create (in, job->name, &job->error))
    return NULL;
  report_timing ("main: mkdir", t0);
  if (!write_file (in, "trace_clock", "mono", &job->error))
    return NULL;
  report_timing ("main: clock", t0);
  if (self->options.buffer_size_kb > 0
      && tracefs_instance_set_buffer_size (in->instance, self->options.buffer_size_kb, -1) < 0)
    {
      g_set_error (&job->error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "Cannot set the tracefs buffer size to %" G_GUINT64_FORMAT " KiB: %s",
                   self->options.buffer_size_kb, g_strerror (errno));
      return NULL;
    }
  if (tracefs_option_enable (in->instance, TRACEFS_OPTION_EVENT_FORK) < 0)
    {
      g_set_error (&job->error, FS_TRACER_ERROR, FS_TRACER_ERROR_UNAVAILABLE,
                   "This kernel's tracefs has no event-fork option");
      return NULL;
    }
  /* kill(pid, 0) probes nothing; only failing kills need their return. */
  if (tracefs_event_file_write (in->instance, "syscalls", "sys_enter_kill", "filter",
                                "sig != 0") < 0
      || tracefs_event_file_write (in->instance, "syscalls", "sys_exit_kill", "filter",
                                   "ret != 0") < 0)
    {
      g_set_error (&job->error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "Cannot set the kill event filters in %s: %s", in->dir, g_strerror (errno));
      return NULL;
    }
  /* Clone's return matters only in the parent; the namespace calls only
   * when they make or join a PID namespace. */
  static const struct { const char *event, *filter; } pidns_filters[] = {
    { "sys_exit_clone", "ret > 0" },
    { "sys_exit_clone3", "ret > 0" },
    { "sys_exit_fork", "ret > 0" },
    { "sys_exit_vfork", "ret > 0" },
    { "sys_enter_clone", "clone_flags & 0x20000000" },
    { "sys_enter_unshare", "unshare_flags & 0x20000000" },
    { "sys_enter_setns", "flags == 0 || flags & 0x20000000" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (pidns_filters); i++)
    if (tracefs_event_file_write (in->instance, "syscalls", pidns_filters[i].event, "filter",
                                  pidns_filters[i].filter) < 0)
      {
        g_set_error (&job->error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                     "Cannot set the filter of %s in %s: %s", pidns_filters[i].event, in->dir,
                     g_strerror (errno));
        return NULL;
      }
  /* The pid filter goes first, so that enabling records only our tree; all
   * events are enabled by one write to set_event. */
  report_timing ("main: options+filters", t0);
  if (!write_file (in, "set_event_pid", job->pids, &job->error))
    return NULL;
  report_timing ("main: set_event_pid", t0);
  if (!write_file (in, "set_event", events, &job->error))
    return NULL;
  report_timing ("main: set_event", t0);
  /* The uprobe in this instance only, after the pid filter; a recording
   * without it still works (argv from /proc). */
  argv_probe_join (self);
  report_timing ("main: uprobe defined", t0);
  ArgvProbe *ap = &self->argv_probe;
  if (ap->usable)
    {
      g_autoptr (GError) enable_error = NULL;
      if (!write_file (in, ap->enable_file, "1", &enable_error))
        {
          ap->usable = FALSE;
          ap->why_not = g_strdup (enable_error->message);
          if (self->debug || g_getenv ("FS_TRACEFS_TIMING") != NULL)
            g_printerr ("tracefs: no exec argv uprobe (%s): argv is read from /proc\n",
                        ap->why_not);
        }
      report_timing ("main: uprobe enabled", t0);
    }
  return NULL;
}

static gpointer
setup_ext_instance (gpointer data)
{
  SetupJob *job = data;
  FsTracefsTracer *self = job->self;
  Instance *in = &self->ext;
  gint64 t0 = fs_recorder_now ();

  if (!instance_create (in, job->name, &job->error))
    return NULL;
  report_timing ("ext: mkdir", t0);
  if (!write_file (in, "trace_clock", "mono", &job->error))
    return NULL;
  report_timing ("ext: clock", t0);
  tracefs_instance_set_buffer_size (in->instance, EXT_BUFFER_KB, -1);
  report_timing ("ext: buffer", t0);
  if (tracefs_option_enable (in->instance, TRACEFS_OPTION_EVENT_FORK) < 0)
    {
      g_set_error (&job->error, FS_TRACER_ERROR, FS_TRACER_ERROR_UNAVAILABLE,
                   "This kernel's tracefs has no event-fork option");
      return NULL;
    }
  /* SIGCHLD goes to a parent from its child, never from outside into the
   * tree: leave the system's many SIGCHLDs out in the kernel. */
  if (!write_file (in, "set_event_notrace_pid", job->pids, &job->error)
      || tracefs_event_file_write (in->instance, "signal", "signal_generate", "filter",
                                   "sig != 17") < 0
      || !write_file (in, "set_event", "signal:signal_generate\n", &job->error))
    {
      if (job->error == NULL)
        g_set_error (&job->error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                     "Cannot set the signal_generate filter in %s: %s", in->dir,
                     g_strerror (errno));
      return NULL;
    }
  report_timing ("ext: enabled", t0);
  return NULL;
}

static int
read_page_size (Instance *in)
{
  long long kb = 0;
  if (tracefs_instance_file_read_number (in->instance, "buffer_subbuf_size_kb", &kb) == 0
      && kb > 0)
    return (int) (kb * 1024);
  return (int) sysconf (_SC_PAGESIZE);
}

static gboolean
instances_setup (FsTracefsTracer *self, const char *pids, GError **error)
{
  gint64 t_start = fs_recorder_now ();
  static guint counter;
  guint n = g_atomic_int_add (&counter, 1);
  g_autofree char *main_name = n == 0 ? g_strdup_printf ("%s%d", FS_TRACEFS_INSTANCE_PREFIX, getpid ())
                                      : g_strdup_printf ("%s%d-%u", FS_TRACEFS_INSTANCE_PREFIX,
                                                         getpid (), n);
  g_autofree char *ext_name = g_strdup_printf ("%s-ext", main_name);

  if (fs_tracefs_tracing_dir (error) == NULL)
    return FALSE;
  remove_stale_instances_detached ();

  self->instances_up = TRUE;  /* from now on, free() removes what exists */
  argv_probe_start (self, n);

  /* Each step waits for the kernel (milliseconds: RCU grace periods, probe
   * registration): set the two instances up in parallel. */
  SetupJob main_job = { self, main_name, pids, NULL }, ext_job = { self, ext_name, pids, NULL };
  GThread *ext_thread = g_thread_new ("fs-tracefs-setup", setup_ext_instance, &ext_job);
  setup_main_instance (&main_job);
  g_thread_join (ext_thread);
  argv_probe_join (self);   /* when the main instance failed before it */
  if (main_job.error != NULL)
    {
      g_propagate_error (error, main_job.error);
      g_clear_error (&ext_job.error);
      return FALSE;
    }
  if (ext_job.error != NULL)
    {
      g_propagate_error (error, ext_job.error);
      return FALSE;
    }

  report_timing ("create+enable", t_start);
  self->page_size = read_page_size (&self->main);
  self->kbuf = kbuffer_alloc (sizeof (long) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
                              G_BYTE_ORDER == G_BIG_ENDIAN ? KBUFFER_ENDIAN_BIG
                                                           : KBUFFER_ENDIAN_LITTLE);
  self->copier.kbuf = kbuffer_alloc (sizeof (long) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
                                     G_BYTE_ORDER == G_BIG_ENDIAN ? KBUFFER_ENDIAN_BIG
                                                                  : KBUFFER_ENDIAN_LITTLE);
  gboolean ok = instance_open_readers (&self->main, self->page_size, error)
                && instance_open_readers (&self->ext, self->page_size, error);
  report_timing ("setup", t_start);
  return ok;
}

/* ------------------------------------------------------- reading */

/* Copies the pages of every CPU buffer of an instance into out, each after a
 * PageHeader, 64-byte aligned; stops reading a CPU after the first page that
 * begins after cutoff: reading on would only chase the writers of a busy
 * recording, and those records wait for the next round anyway. */
/* For each exec in the page kbuf holds, reads the new image's argv now;
 * returns the page's first timestamp (0 when empty). */
static guint64
note_execs (FsTracefsTracer *self, struct kbuffer *kbuf)
{
  unsigned long long ts = 0, first = 0;
  gboolean have_first = FALSE;
  for (void *data = kbuffer_read_event (kbuf, &ts); data != NULL;
       data = kbuffer_next_event (kbuf, &ts))
    {
      if (!have_first)
        {
          first = ts;
          have_first = TRUE;
        }
      int size = kbuffer_event_size (kbuf);
      guint16 type;
      gint32 pid;
      if (self->exec_pid_offset < 0 || size < self->exec_pid_offset + 4)
        continue;
      memcpy (&type, data, sizeof type);   /* common_type comes first */
      if (type != self->exec_type)
        continue;
      memcpy (&pid, (const guint8 *) data + self->exec_pid_offset, sizeof pid);
      char path[64];
      g_autofree char *cmdline = NULL;
      gsize len = 0;
      g_snprintf (path, sizeof path, "/proc/%d/cmdline", pid);
      if (!g_file_get_contents (path, &cmdline, &len, NULL) || len == 0)
        continue;
      EarlyArgv *e = g_new (EarlyArgv, 1);
      e->ts = ts;
      e->cmdline = g_steal_pointer (&cmdline);
      e->len = len;
      g_mutex_lock (&self->early_lock);
      g_hash_table_replace (self->early_argv, GINT_TO_POINTER (pid), e);
      g_mutex_unlock (&self->early_lock);
    }
  return first;
}

static void
copy_pages (FsTracefsTracer *self, Instance *in, struct kbuffer *kbuf, int page_size,
            gboolean ext, guint64 cutoff, GByteArray *out, guint *pages_per_cpu)
{
  if (in->cpus == NULL)
    return;
  for (int c = 0; c < in->n_cpus; c++)
    {
      if (in->cpus[c] == NULL)
        continue;
      for (;;)
        {
          guint at = (out->len + 63u) & ~63u;
          g_byte_array_set_size (out, at + (guint) sizeof (PageHeader) + (guint) page_size);
          guint8 *page = out->data + at + sizeof (PageHeader);
          int n = tracefs_cpu_read (in->cpus[c], page, true);
          if (n <= 0 || kbuffer_load_subbuffer (kbuf, page) < 0)
            {
              g_byte_array_set_size (out, at);
              break;
            }
          PageHeader h = { .size = (guint32) page_size, .ext = ext ? 1 : 0, .cpu = (guint8) c };
          memcpy (out->data + at, &h, sizeof h);
          if (pages_per_cpu != NULL && c < CPU_SETSIZE)
            pages_per_cpu[c]++;
          /* Only while the run thread yields is it late enough for a
           * short-lived program's argv to be gone: only then is every record
           * of a page looked at here too. */
          unsigned long long first = 0;
          if (ext || !g_atomic_int_get (&self->copier.yielding))
            kbuffer_read_event (kbuf, &first);
          else
            first = note_execs (self, kbuf);
          if (first > cutoff)
            break;
        }
    }
}

/* Appends the records of the copied pages to raw (they stay in the pages). */
static void
parse_pages (FsTracefsTracer *self, const GByteArray *pages)
{
  guint at = 0;
  while (at + sizeof (PageHeader) <= pages->len)
    {
      PageHeader h;
      memcpy (&h, pages->data + at, sizeof h);
      guint8 *page = pages->data + at + sizeof (PageHeader);
      at = (at + (guint) sizeof (PageHeader) + h.size + 63u) & ~63u;
      if (kbuffer_load_subbuffer (self->kbuf, page) < 0)
        continue;
      unsigned long long ts = 0;
      for (void *data = kbuffer_read_event (self->kbuf, &ts); data != NULL;
           data = kbuffer_next_event (self->kbuf, &ts))
        {
          int size = kbuffer_event_size (self->kbuf);
          if (size <= 0 || size > G_MAXUINT16)
            continue;
          RawRecord r = {
            .ts = ts, .seq = self->raw_seq++, .offset = (guint32) ((guint8 *) data - pages->data),
            .size = (guint16) size, .flags = RAW_IN_PAGES | (h.ext ? RAW_EXT : 0), .cpu = h.cpu,
          };
          g_array_append_val (self->raw, r);
        }
    }
}

/* A real-time copier preempts whatever runs on the CPU it wakes on, and the
 * scheduler wakes it where it last ran: often the CPU the traced programs
 * keep busy (a ping-pong pinned to one CPU lost ~3 % of its CPU to it).  So
 * after each busy round it moves to the CPUs where the tree wrote little
 * (under a quarter of the busiest CPU's pages), and back to all of them when
 * the tree is busy everywhere.  A quiet round changes nothing.  The run
 * thread goes with it: the scheduler would find it an idle CPU anyway, but
 * its wake-ups need not land on the tree's. */
static void
copier_place (Copier *cp, int n_cpus)
{
  if (!cp->can_place)
    return;
  guint busiest = 0;
  for (int c = 0; c < n_cpus && c < CPU_SETSIZE; c++)
    busiest = MAX (busiest, cp->tree_pages[c]);
  if (busiest < COPIER_PLACE_MIN_PAGES)
    return;
  cpu_set_t want;
  CPU_ZERO (&want);
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET (c, &cp->allowed) && (c >= n_cpus || cp->tree_pages[c] * 4 < busiest))
      CPU_SET (c, &want);
  if (CPU_COUNT (&want) == 0)
    want = cp->allowed;
  if (CPU_EQUAL (&want, &cp->placed))
    return;
  if (sched_setaffinity (0, sizeof want, &want) == 0)
    cp->placed = want;
  sched_setaffinity (cp->handler_tid, sizeof want, &want);
}

static gpointer
copier_main (gpointer data)
{
  FsTracefsTracer *self = data;
  Copier *cp = &self->copier;
  GByteArray *local = g_byte_array_new ();
  gint64 local_since = 0;

  /* On a loaded machine a copier that waits for its turn lets the ring
   * buffers overflow (a signal ping-pong fills the default buffer in about
   * 130 ms): it runs at the lowest real-time priority (root: it can), which
   * it can afford, as it sleeps between rounds and a round is bounded. */
  struct sched_param rt = { .sched_priority = 1 };
  pthread_setschedparam (pthread_self (), SCHED_FIFO, &rt);
  cp->can_place = sched_getaffinity (0, sizeof cp->allowed, &cp->allowed) == 0
                  && CPU_COUNT (&cp->allowed) > 1;
  cp->placed = cp->allowed;

  while (!g_atomic_int_get (&cp->stop))
    {
      struct pollfd pfd = { .fd = cp->wake[0], .events = POLLIN };
      if (poll (&pfd, 1, POLL_INTERVAL_MS) > 0)
        {
          char buf[64];
          while (read (cp->wake[0], buf, sizeof buf) > 0)
            ;
        }
      if (g_atomic_int_get (&cp->stop))
        break;
      guint64 round = (guint64) fs_recorder_now ();
      if (local->len == 0)
        local_since = (gint64) round;
      memset (cp->tree_pages, 0, sizeof cp->tree_pages);
      copy_pages (self, &self->main, cp->kbuf, self->page_size, FALSE, round, local,
                  cp->tree_pages);
      copy_pages (self, &self->ext, cp->kbuf, self->page_size, TRUE, round, local, NULL);
      copier_place (cp, self->main.n_cpus);
      gint64 now = fs_recorder_now ();
      /* Never wait for the lock: the run thread may hold it at nice 19 on a
       * busy machine, and a copier waiting for it would let the ring
       * buffers overflow.  The pages wait in local for the next round, and
       * the run thread gets its priority back. */
      gboolean behind = TRUE;
      if (g_mutex_trylock (&cp->lock))
        {
          if (local->len > 0)
            {
              if (cp->incoming->len == 0)
                {
                  GByteArray *swap = cp->incoming;
                  cp->incoming = local;
                  local = swap;
                  cp->incoming_since = local_since;
                }
              else
                {
                  g_byte_array_set_size (cp->incoming, (cp->incoming->len + 63u) & ~63u);
                  g_byte_array_append (cp->incoming, local->data, local->len);
                }
            }
          cp->cutoff = round;
          g_cond_broadcast (&cp->copied);
          behind = cp->incoming->len > COPIER_BACKLOG_BYTES
                   || (cp->incoming->len > 0 && now - cp->incoming_since > COPIER_BACKLOG_NS);
          g_mutex_unlock (&cp->lock);
          g_byte_array_set_size (local, 0);
        }
      if (behind && g_atomic_int_get (&cp->yielding))
        {
          setpriority (PRIO_PROCESS, (id_t) cp->handler_tid, cp->handler_nice);
          g_atomic_int_set (&cp->raised, 1);
        }
    }
  /* What could not be passed on goes now (the run thread is joining us). */
  g_mutex_lock (&cp->lock);
  if (local->len > 0)
    {
      g_byte_array_set_size (cp->incoming, (cp->incoming->len + 63u) & ~63u);
      g_byte_array_append (cp->incoming, local->data, local->len);
    }
  g_mutex_unlock (&cp->lock);
  g_byte_array_unref (local);
  return NULL;
}

/* Starts the copier.  The run thread may yield later (root only: raising
 * its priority back needs CAP_SYS_NICE; FS_TRACEFS_NO_YIELD=1 turns it off,
 * for measuring). */
static void
copier_start (FsTracefsTracer *self)
{
  Copier *cp = &self->copier;
  if (pipe2 (cp->wake, O_CLOEXEC | O_NONBLOCK) < 0)
    cp->wake[0] = cp->wake[1] = -1;
  cp->handler_tid = (pid_t) syscall (SYS_gettid);
  errno = 0;
  cp->handler_nice = getpriority (PRIO_PROCESS, (id_t) cp->handler_tid);
  cp->can_yield = errno == 0 && geteuid () == 0 && cp->handler_nice < HANDLER_NICE
                  && g_getenv ("FS_TRACEFS_NO_YIELD") == NULL;
  g_atomic_int_set (&cp->stop, 0);
  g_atomic_int_set (&cp->yielding, 0);
  g_atomic_int_set (&cp->raised, 0);
  cp->thread = g_thread_new ("fs-tracefs-copy", copier_main, self);
}

/* Has the copier make a round now and waits for it (at most 50 ms), so that
 * what happened until now can be handled at once: the end of the root, a
 * stop request, the live view. */
static void
copier_sync (FsTracefsTracer *self)
{
  Copier *cp = &self->copier;
  guint64 asked = (guint64) fs_recorder_now ();
  gint64 deadline = g_get_monotonic_time () + 50 * G_TIME_SPAN_MILLISECOND;

  if (cp->thread == NULL || cp->wake[1] < 0)
    return;
  (void) !write (cp->wake[1], "r", 1);
  g_mutex_lock (&cp->lock);
  while (cp->cutoff < asked)
    if (!g_cond_wait_until (&cp->copied, &cp->lock, deadline))
      break;
  g_mutex_unlock (&cp->lock);
}

/* In each round of the run thread, before it handles the n records it
 * holds: yield while the tree is busy, take the caller's priority back when
 * it is quiet, and for one round after the copier raised it. */
static void
copier_adjust_priority (FsTracefsTracer *self, guint n)
{
  Copier *cp = &self->copier;
  if (!cp->can_yield)
    return;
  if (g_atomic_int_compare_and_exchange (&cp->raised, 1, 0))
    {
      /* The copier gave us our priority back: catch up with it. */
      g_atomic_int_set (&cp->yielding, 0);
      return;
    }
  gboolean yielding = g_atomic_int_get (&cp->yielding);
  if (n >= YIELD_MIN_RECORDS && !yielding)
    {
      g_atomic_int_set (&cp->yielding, 1);
      setpriority (PRIO_PROCESS, (id_t) cp->handler_tid, HANDLER_NICE);
    }
  else if (n < YIELD_MIN_RECORDS / 4 && yielding)
    {
      g_atomic_int_set (&cp->yielding, 0);
      setpriority (PRIO_PROCESS, (id_t) cp->handler_tid, cp->handler_nice);
    }
}

/* Stops the copier (what it copied stays in incoming) and gives the run
 * thread its priority back. */
static void
copier_stop (FsTracefsTracer *self)
{
  Copier *cp = &self->copier;
  if (cp->thread == NULL)
    return;
  g_atomic_int_set (&cp->stop, 1);
  if (cp->wake[1] >= 0)
    (void) !write (cp->wake[1], "s", 1);
  g_thread_join (cp->thread);
  cp->thread = NULL;
  if (cp->can_place)
    sched_setaffinity (cp->handler_tid, sizeof cp->allowed, &cp->allowed);
  if (g_atomic_int_get (&cp->yielding))
    {
      setpriority (PRIO_PROCESS, (id_t) cp->handler_tid, cp->handler_nice);
      g_atomic_int_set (&cp->yielding, 0);
    }
  for (int i = 0; i < 2; i++)
    if (cp->wake[i] >= 0)
      close (cp->wake[i]);
  cp->wake[0] = cp->wake[1] = -1;
}

static inline void *
raw_data (FsTracefsTracer *self, const RawRecord *r)
{
  return ((r->flags & RAW_IN_PAGES) ? self->pages->data : self->arena->data) + r->offset;
}

static inline gboolean
raw_before (const RawRecord *a, const RawRecord *b)
{
  return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

/* Puts raw in time order.  It is a few sorted runs (what was kept from the
 * last round, then each CPU buffer's pages in order), so the runs are
 * merged pairwise in the two arrays kept between rounds: a signal storm
 * sorts tens of thousands of records a round, and a general sort would
 * allocate (and on this kind of VM fault in) a fresh buffer every time. */
static void
sort_raw (FsTracefsTracer *self)
{
  guint n = self->raw->len;
  const RawRecord *a = (const RawRecord *) (gpointer) self->raw->data;

  g_array_set_size (self->raw_runs, 0);
  for (guint i = 0; i < n; i++)
    if (i == 0 || raw_before (&a[i], &a[i - 1]))
      g_array_append_val (self->raw_runs, i);
  guint n_runs = self->raw_runs->len;
  if (n_runs <= 1)
    return;

  guint *starts = (guint *) (gpointer) self->raw_runs->data;
  g_array_set_size (self->raw_scratch, n);
  while (n_runs > 1)
    {
      const RawRecord *src = (const RawRecord *) (gpointer) self->raw->data;
      RawRecord *dst = (RawRecord *) (gpointer) self->raw_scratch->data;
      guint out = 0;
      for (guint r = 0; r < n_runs; r += 2)
        {
          guint lo = starts[r];
          guint mid = r + 1 < n_runs ? starts[r + 1] : n;
          guint hi = r + 2 < n_runs ? starts[r + 2] : n;
          guint i = lo, j = mid, k = lo;
          while (i < mid && j < hi)
            dst[k++] = raw_before (&src[j], &src[i]) ? src[j++] : src[i++];
          while (i < mid)
            dst[k++] = src[i++];
          while (j < hi)
            dst[k++] = src[j++];
          starts[out++] = lo;  /* starts[r…r+2] are read: out ≤ r */
        }
      n_runs = out;
      GArray *merged = self->raw_scratch;
      self->raw_scratch = self->raw;
      self->raw = merged;
    }
}

/* What handle_record() needs to know of later records:
 * - for an exec, whether it is the newest exec of its process we hold (then
 *   /proc/PID/cmdline is its argv);
 * - for a rename, whether an exec of the same task follows (exec renames
 *   before the exec event). */
static gboolean
lookahead_for (FsTracefsTracer *self, guint index, void *data)
{
  const RawRecord *r = &g_array_index (self->raw, RawRecord, index);
  struct tep_record rec = { .data = data, .size = r->size };
  int type;
  gint32 pid;
  gboolean is_exec;

  if (r->flags & RAW_EXT)
    return FALSE;
  type = tep_data_type (self->tep, &rec);
  if (type == self->events[EV_EXEC].event->id)
    {
      is_exec = TRUE;
      pid = (gint32) field_num (self, EV_EXEC, F_EXEC_PID, data);
    }
  else if (type == self->events[EV_RENAME].event->id)
    {
      is_exec = FALSE;
      pid = (gint32) field_num (self, EV_RENAME, F_RENAME_PID, data);
    }
  else
    return FALSE;

  for (guint j = index + 1; j < self->raw->len; j++)
    {
      const RawRecord *r2 = &g_array_index (self->raw, RawRecord, j);
      void *d2 = raw_data (self, r2);
      struct tep_record rec2 = { .data = d2, .size = r2->size };
      if ((r2->flags & RAW_EXT) || tep_data_pid (self->tep, &rec2) != pid)
        continue;
      int type2 = tep_data_type (self->tep, &rec2);
      if (type2 == self->events[EV_EXEC].event->id)
        return is_exec ? FALSE : TRUE;
      if (!is_exec)
        return FALSE;  /* the rename's task did something else first */
    }
  return is_exec;
}

/* One round: take the pages the copier read, handle the records older than
 * the start of its last round, keep the rest.  With all (the copier
 * stopped), also read what the buffers still hold and handle everything. */
static void
drain (FsTracefsTracer *self, gboolean all)
{
  Copier *cp = &self->copier;
  guint64 cutoff;

  g_mutex_lock (&cp->lock);
  GByteArray *swap = cp->incoming;
  cp->incoming = self->pages;
  self->pages = swap;
  cutoff = cp->cutoff;
  g_mutex_unlock (&cp->lock);
  if (all)
    {
      cutoff = G_MAXUINT64;
      g_byte_array_set_size (self->pages, (self->pages->len + 63u) & ~63u);
      copy_pages (self, &self->main, self->kbuf, self->page_size, FALSE, cutoff, self->pages,
                  NULL);
      copy_pages (self, &self->ext, self->kbuf, self->page_size, TRUE, cutoff, self->pages, NULL);
    }
  parse_pages (self, self->pages);
  if (!all)
    copier_adjust_priority (self, self->raw->len);  /* before the work */
  if (self->raw->len == 0)
    {
      g_byte_array_set_size (self->pages, 0);
      return;
    }
  sort_raw (self);

  guint n_done = 0;
  for (; n_done < self->raw->len; n_done++)
    {
      const RawRecord *r = &g_array_index (self->raw, RawRecord, n_done);
      if (r->ts > cutoff)
        break;
      void *data = raw_data (self, r);
      gboolean lookahead = lookahead_for (self, n_done, data);
      handle_record (self, r, data, lookahead);
    }

  /* Keep the undone records in the arena (compacted); the pages go back. */
  if (n_done == self->raw->len)
    {
      g_array_set_size (self->raw, 0);
      g_byte_array_set_size (self->arena, 0);
      g_byte_array_set_size (self->pages, 0);
      return;
    }
  GByteArray *kept = self->spare_arena;
  g_byte_array_set_size (kept, 0);
  for (guint i = n_done; i < self->raw->len; i++)
    {
      RawRecord *r = &g_array_index (self->raw, RawRecord, i);
      guint32 off = kept->len;
      g_byte_array_append (kept, raw_data (self, r), r->size);
      r->offset = off;
      r->flags &= (guint8) ~RAW_IN_PAGES;
    }
  self->spare_arena = self->arena;
  self->arena = kept;
  g_byte_array_set_size (self->pages, 0);
  g_array_remove_range (self->raw, 0, n_done);
}

/* ------------------------------------------------------- the backend */

static void tracefs_free (gpointer data);

static gpointer
tracefs_create (FsRecorder *recorder, const FsTracerOptions *options, GError **error)
{
  if (geteuid () != 0)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_PERMISSION,
                   "The tracefs tracer needs root (CAP_SYS_ADMIN to create a tracefs "
                   "instance and read the kernel's ring buffers); run as root, or use "
                   "--tracer ptrace");
      return NULL;
    }
  if (fs_tracefs_tracing_dir (error) == NULL)
    return NULL;

  gint64 t_start = fs_recorder_now ();
  FsTracefsTracer *self = g_new0 (FsTracefsTracer, 1);
  self->recorder = recorder;
  self->options = *options;
  self->debug = g_getenv ("FS_TRACEFS_DEBUG") != NULL;
  self->wake_pipe[0] = self->wake_pipe[1] = -1;
  self->raw = g_array_new (FALSE, FALSE, sizeof (RawRecord));
  self->raw_scratch = g_array_new (FALSE, FALSE, sizeof (RawRecord));
  self->raw_runs = g_array_new (FALSE, FALSE, sizeof (guint));
  self->arena = g_byte_array_new ();
  self->spare_arena = g_byte_array_new ();
  self->pages = g_byte_array_new ();
  self->copier.incoming = g_byte_array_new ();
  self->copier.wake[0] = self->copier.wake[1] = -1;
  g_mutex_init (&self->copier.lock);
  g_cond_init (&self->copier.copied);
  g_mutex_init (&self->early_lock);
  self->early_argv = g_hash_table_new_full (NULL, NULL, NULL, early_argv_free);
  self->argv_probe.pending = g_hash_table_new_full (NULL, NULL, NULL,
                                                    (GDestroyNotify) g_bytes_unref);
  self->argv_probe.type = -1;
  self->exec_pid_offset = -1;
  self->procs = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->tasks = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->signalfd_numbers = g_array_new (FALSE, FALSE, sizeof (gint32));
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) g_array_unref);
  self->suspect = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->namespaces = g_ptr_array_new_with_free_func (pid_namespace_free);
  self->own_pidns_inode = (guint32) fs_proc_pid_namespace (0);

  if (!load_event_formats (self, error)
      || pipe2 (self->wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED, "pipe: %s",
                     g_strerror (errno));
      tracefs_free (self);
      return NULL;
    }
  report_timing ("formats", t_start);
  return self;
}

/* A forkscope killed outright (SIGKILL) cannot remove its instances, and
 * its uprobe's breakpoints would stay in every process's libc until the
 * next start removes them as stale: the process guard's guardian, which
 * outlives it, does it instead. */
static void
guard_undo_instances (FsTracefsTracer *self)
{
  if (self->guard == NULL || !self->instances_up)
    return;
  const char *dirs[3] = { self->ext.dir, self->main.dir, NULL };
  if (dirs[0] == NULL)
    {
      dirs[0] = dirs[1];
      dirs[1] = NULL;
    }
  ArgvProbe *ap = &self->argv_probe;
  gboolean uprobe = ap->defined && ap->events_file != NULL && ap->remove_command != NULL;
  if (!fs_process_guard_set_undo (self->guard, dirs, uprobe ? ap->events_file : NULL,
                                  uprobe ? ap->remove_command : NULL)
      && self->debug)
    g_printerr ("tracefs: the process guard cannot take the instances' clean-up\n");
}

static gboolean
tracefs_launch (gpointer data, const FsLaunch *launch, GPid *pid_out, GError **error)
{
  FsTracefsTracer *self = data;
  int release[2], report[2];

  if (self->launched || self->attached)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "This tracer is already tracing a process tree");
      return FALSE;
    }
  if (pipe2 (release, O_CLOEXEC) < 0 || pipe2 (report, O_CLOEXEC) < 0)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED, "pipe: %s",
                   g_strerror (errno));
      return FALSE;
    }

  /* The command's descendants must not outlive forkscope either (scenario
   * runs have their launcher for that). */
  if (launch->child_main == NULL)
    {
      g_autoptr (GError) guard_error = NULL;
      fs_process_guard_remove_stale ();
      self->guard = fs_process_guard_new (&guard_error);
      if (self->guard == NULL)
        g_debug ("tracefs: no process guard (%s): only the command itself ends with forkscope",
                 guard_error->message);
    }

  pid_t recorder_pid = getpid ();
  pid_t child = fork ();
  if (child < 0)
    {
      int saved = errno;
      close (release[0]); close (release[1]); close (report[0]); close (report[1]);
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED, "fork: %s",
                   g_strerror (saved));
      return FALSE;
    }
  if (child == 0)
    {
      /* The child: async-signal-safe calls only until exec. */
      char go = 0;
      sigset_t none;
      close (release[1]);
      close (report[0]);
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      while (read (release[0], &go, 1) < 0 && errno == EINTR)
        ;
      close (release[0]);
      if (go != 'g')
        _exit (127);  /* the tracer gave up: never run untraced */
      if (launch->working_dir != NULL && chdir (launch->working_dir) < 0)
        {
          int e = errno;
          (void) !write (report[1], &e, sizeof e);
          _exit (127);
        }
      if (launch->child_main != NULL)
        {
          close (report[1]);
          launch->child_main (launch->child_data);
          _exit (0);
        }
      /* Like ptrace's EXITKILL: a recorded command does not outlive a
       * forkscope that was killed, nor does what it forks (the guard). */
      fs_process_guard_join (self->guard);
      prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
      if (getppid () != recorder_pid)
        _exit (127);
      execvp (launch->argv[0], launch->argv);
      int e = errno;
      (void) !write (report[1], &e, sizeof e);
      _exit (e == ENOENT ? 127 : 126);
    }

  close (release[0]);
  close (report[1]);
  self->root = child;
  self->launched = TRUE;
  *pid_out = child;

  /* Our tree starts as the waiting child, in our group and session. */
  char pids[32];
  g_snprintf (pids, sizeof pids, "%d", child);
  gint64 t = fs_recorder_now ();
  g_autofree char *comm = read_proc_comm (child);
  Proc *p = proc_new (self, child, 0);
  fs_recorder_process_new (self->recorder, t, child, 0, comm != NULL ? comm : "?", 0);
  set_ids (self, p, getpgid (child), getsid (child));

  if (!instances_setup (self, pids, error))
    {
      close (release[1]);  /* the child exits 127 without running anything */
      close (report[0]);
      return FALSE;
    }
  guard_undo_instances (self);

  (void) !write (release[1], "g", 1);
  close (release[1]);

  int child_errno = 0;
  ssize_t n;
  do
    n = read (report[0], &child_errno, sizeof child_errno);
  while (n < 0 && errno == EINTR);
  close (report[0]);
  if (n == (ssize_t) sizeof child_errno)
    {
      const char *what = launch->working_dir != NULL && child_errno != 0 && launch->argv == NULL
                         ? launch->working_dir : (launch->argv != NULL ? launch->argv[0] : "?");
      g_set_error (error, FS_TRACER_ERROR,
                   child_errno == ENOENT ? FS_TRACER_ERROR_NOT_FOUND
                                         : FS_TRACER_ERROR_NOT_EXECUTABLE,
                   "Cannot run %s: %s", what, g_strerror (child_errno));
      return FALSE;
    }
  return TRUE;
}

/* Appends the children of thread tid of pid, from /proc. */
static void
append_task_children (gint32 pid, gint32 tid, GArray *out)
{
  char path[96];
  g_autofree char *list = NULL;
  g_snprintf (path, sizeof path, "/proc/%d/task/%d/children", pid, tid);
  if (!g_file_get_contents (path, &list, NULL, NULL))
    return;
  g_auto (GStrv) parts = g_strsplit (list, " ", -1);
  for (char **c = parts; *c != NULL; c++)
    {
      gint32 child = (gint32) g_ascii_strtoll (*c, NULL, 10);
      if (child > 0)
        g_array_append_val (out, child);
    }
}

/* Adds pid and, recursively, its children (from /proc/PID/task/TID/children)
 * to the recorder and our tables; appends every tid to tids. */
static void
adopt_existing (FsTracefsTracer *self, gint32 pid, gint32 parent, GString *tids, GArray *adopted,
                guint depth)
{
  g_autofree char *comm = read_proc_comm (pid);
  FsProcStat ids;
  gint64 t = fs_recorder_now ();

  if (comm == NULL || depth > 64)
    return;
  Proc *p = proc_new (self, pid, parent);
  pid_namespace_adopt (self, p, pid);
  fs_recorder_process_new (self->recorder, t, pid, parent, comm, FS_PROCESS_FLAG_ATTACHED);
  if (adopted != NULL)
    {
      p->walked = TRUE;
      g_array_append_val (adopted, pid);
    }
  if (fs_proc_read_stat (pid, &ids))
    set_ids (self, p, ids.pgid, ids.sid);

  char dir[64];
  g_snprintf (dir, sizeof dir, "/proc/%d/task", pid);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  GArray *children = g_array_new (FALSE, FALSE, sizeof (gint32));
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      gint32 tid = (gint32) g_ascii_strtoll (name, NULL, 10);
      if (tid <= 0)
        continue;
      g_string_append_printf (tids, "%d ", tid);
      if (tid != pid)
        {
          task_ensure (self, tid, pid);
          pid_namespace_adopt (self, p, tid);
          fs_recorder_thread_new (self->recorder, t, pid, tid);
        }
      append_task_children (pid, tid, children);
    }
  for (guint i = 0; i < children->len; i++)
    adopt_existing (self, g_array_index (children, gint32, i), pid, tids, adopted, depth + 1);
  g_array_unref (children);
}

/* The kernel has no atomic way to say "this tree": a task forked between
 * the /proc walk and the filter coming on is followed by nobody.  So, once
 * the filter is on, the processes in walk are walked again: a child or
 * thread we do not know is adopted (if it was in fact forked later and
 * followed, its birth event meets a known task and is dropped) and added to
 * the filters.  Returns the processes adopted, whose own children may have
 * been missed the same way until they joined the filter. */
static GArray *
adopt_missed (FsTracefsTracer *self, GArray *walk)
{
  g_autoptr (GString) tids = g_string_new (NULL);
  GArray *adopted = g_array_new (FALSE, FALSE, sizeof (gint32));
  gint64 t = fs_recorder_now ();

  for (guint i = 0; i < walk->len; i++)
    {
      gint32 pid = g_array_index (walk, gint32, i);
      Proc *p = proc_get (self, pid);
      if (p == NULL || p->state != PROC_ALIVE)
        continue;
      char dir[64];
      g_snprintf (dir, sizeof dir, "/proc/%d/task", pid);
      g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          gint32 tid = (gint32) g_ascii_strtoll (name, NULL, 10);
          if (tid <= 0)
            continue;
          if (task_get (self, tid) == NULL)
            {
              task_ensure (self, tid, pid);
              pid_namespace_adopt (self, p, tid);
              fs_recorder_thread_new (self->recorder, t, pid, tid);
              g_string_append_printf (tids, "%d ", tid);
            }
          g_autoptr (GArray) children = g_array_new (FALSE, FALSE, sizeof (gint32));
          append_task_children (pid, tid, children);
          for (guint k = 0; k < children->len; k++)
            {
              gint32 child = g_array_index (children, gint32, k);
              if (proc_get (self, child) == NULL)
                adopt_existing (self, child, pid, tids, adopted, 0);
            }
        }
    }
  if (tids->len == 0)
    return adopted;
  /* Appended (no O_TRUNC): the filters keep what they have. */
  const struct { Instance *in; const char *file; } filters[] = {
    { &self->main, "set_event_pid" },
    { &self->ext, "set_event_notrace_pid" },
  };
  g_auto (GStrv) each = g_strsplit (g_strstrip (tids->str), " ", -1);
  for (gsize i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      int fd = tracefs_instance_file_open (filters[i].in->instance, filters[i].file,
                                           O_WRONLY | O_APPEND | O_CLOEXEC);
      if (fd < 0)
        continue;
      for (char **tid = each; *tid != NULL; tid++)
        if (**tid != '\0' && write (fd, *tid, strlen (*tid)) < 0)
          g_warning ("tracefs: cannot add %s to %s: %s", *tid, filters[i].file,
                     g_strerror (errno));
      close (fd);
    }
  return adopted;
}

static gboolean
tracefs_attach (gpointer data, GPid pid, GError **error)
{
  FsTracefsTracer *self = data;
  char path[64];

  if (self->launched || self->attached)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "This tracer is already tracing a process tree");
      return FALSE;
    }
  g_snprintf (path, sizeof path, "/proc/%d", pid);
  if (kill (pid, 0) < 0 && errno == ESRCH)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "Cannot attach to pid %d: no such process", pid);
      return FALSE;
    }
  self->attached = TRUE;
  self->root = pid;
  g_autoptr (GString) tids = g_string_new (NULL);
  adopt_existing (self, pid, 0, tids, NULL, 0);
  if (tids->len == 0)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "Cannot attach to pid %d: it vanished", pid);
      return FALSE;
    }
  if (!instances_setup (self, tids->str, error))
    return FALSE;
  /* Everything found by the first walk; then what the previous round
   * adopted, until a round adopts nothing. */
  GArray *walk = g_array_new (FALSE, FALSE, sizeof (gint32));
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, self->procs);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_array_append_val (walk, ((Proc *) value)->tgid);
  for (int round = 0; round < 16 && walk->len > 0; round++)
    {
      GArray *adopted = adopt_missed (self, walk);
      g_array_unref (walk);
      walk = adopted;
    }
  g_array_unref (walk);
  g_hash_table_iter_init (&it, self->procs);
  while (g_hash_table_iter_next (&it, NULL, &value))
    signalfd_scan_attached (self, value);
  return TRUE;
}

static void
kill_tree (FsTracefsTracer *self)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, self->procs);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Proc *p = value;
      if (p->state == PROC_ALIVE)
        kill (p->tgid, SIGKILL);
    }
}

/* Processes we think alive but that are gone (their exit lost): after two
 * checks, end them with the status we have. */
static void
check_liveness (FsTracefsTracer *self, gint64 now)
{
  GHashTableIter it;
  gpointer value;
  GPtrArray *dead = g_ptr_array_new ();

  g_hash_table_iter_init (&it, self->procs);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Proc *p = value;
      FsProcStat st;
      if (p->state != PROC_ALIVE)
        continue;
      gboolean gone = !fs_proc_read_stat (p->tgid, &st) || st.state == 'Z' || st.state == 'X';
      if (!gone)
        {
          g_hash_table_remove (self->suspect, GINT_TO_POINTER (p->tgid));
          continue;
        }
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->suspect, GINT_TO_POINTER (p->tgid)));
      g_hash_table_insert (self->suspect, GINT_TO_POINTER (p->tgid), GUINT_TO_POINTER (n + 1));
      if (n + 1 >= 2)
        g_ptr_array_add (dead, p);
    }
  for (guint i = 0; i < dead->len; i++)
    handle_process_exit (self, now, g_ptr_array_index (dead, i));
  g_ptr_array_unref (dead);
}

static void
finish_pending_exits (FsTracefsTracer *self)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, self->procs);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Proc *p = value;
      if (p->state == PROC_ZOMBIE)
        report_exit (self, p);
    }
}

static void
tracing_off (FsTracefsTracer *self)
{
  if (self->main.instance != NULL)
    tracefs_trace_off (self->main.instance);
  if (self->ext.instance != NULL)
    tracefs_trace_off (self->ext.instance);
  /* The uprobe's breakpoints sit in every process's libc while it is
   * enabled, which programs run under valgrind or QEMU user mode take for
   * SIGTRAP: they go now, not when the detached helper gets to the
   * instance. */
  ArgvProbe *ap = &self->argv_probe;
  if (ap->usable && self->main.instance != NULL)
    {
      gint64 t0 = fs_recorder_now ();
      if (tracefs_instance_file_write (self->main.instance, ap->enable_file, "0") < 0
          && self->debug)
        g_printerr ("tracefs: cannot disable the exec argv uprobe: %s\n", g_strerror (errno));
      report_timing ("uprobe disabled", t0);
    }
}

static gboolean
tracefs_run (gpointer data, int *root_status, GError **error)
{
  FsTracefsTracer *self = data;
  gint64 last_flush = 0, last_stats = 0, last_liveness = fs_recorder_now ();
  gint64 t_run = last_liveness;
  int root_pidfd = self->launched ? (int) syscall (SYS_pidfd_open, self->root, 0) : -1;
  gboolean ok = TRUE;

  *root_status = 0;
  if (!self->instances_up)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "Nothing to trace: launch or attach first");
      return FALSE;
    }

  report_cpu ("run-loop start");
  copier_start (self);
  for (;;)
    {
      /* Wake up every POLL_INTERVAL_MS to handle what the copier read, at
       * once for a stop request, and when the root ends (its pidfd becomes
       * readable), which usually ends the run. */
      struct pollfd pfd[2] = {
        { .fd = self->wake_pipe[0], .events = POLLIN },
        { .fd = root_pidfd, .events = POLLIN },
      };
      if (poll (pfd, root_pidfd >= 0 ? 2 : 1, POLL_INTERVAL_MS) > 0)
        {
          char buf[16];
          while (read (self->wake_pipe[0], buf, sizeof buf) > 0)
            ;
          if (root_pidfd >= 0 && (pfd[1].revents & POLLIN))
            {
              close (root_pidfd);
              root_pidfd = -1;
            }
        }
      gint64 now = fs_recorder_now ();

      if (self->stop_requested)
        {
          if (self->attached)
            break;
          if (!self->killed)
            {
              self->killed = TRUE;
              self->kill_deadline = now + KILL_GRACE_NS;
            }
          kill_tree (self);
        }

      copier_sync (self);
      drain (self, FALSE);

      if (self->launched && !self->root_reaped)
        {
          int status;
          if (waitpid (self->root, &status, WNOHANG) == self->root)
            {
              self->root_reaped = TRUE;
              self->root_status = status;
            }
        }
      if (now - last_stats >= STATS_INTERVAL_NS)
        {
          update_lost (self);
          last_stats = now;
        }
      if (now - last_liveness >= LIVENESS_INTERVAL_NS)
        {
          check_liveness (self, now);
          last_liveness = now;
        }
      if (now - last_flush >= FLUSH_INTERVAL_NS)
        {
          if (!fs_recorder_flush (self->recorder, FALSE, error))
            {
              ok = FALSE;
              break;
            }
          last_flush = now;
        }
      if (self->n_alive == 0 && (!self->launched || self->root_reaped))
        break;
      if (self->killed && now > self->kill_deadline)
        break;
    }

  if (root_pidfd >= 0)
    close (root_pidfd);
  copier_stop (self);
  report_timing ("run-loop", t_run);
  report_cpu ("run-loop end");
  tracing_off (self);
  drain (self, TRUE);
  finish_all_kills (self);
  finish_pending_exits (self);
  update_lost (self);
  report_timing ("final drain", t_run);
  if (self->launched && !self->root_reaped)
    {
      /* Stopped before the root ended (a failed flush, or a tree that would
       * not die): make sure it does, and collect it. */
      kill (self->root, SIGKILL);
      int status;
      if (waitpid (self->root, &status, 0) == self->root)
        {
          self->root_reaped = TRUE;
          self->root_status = status;
        }
    }
  if (self->launched)
    *root_status = self->root_status;

  /* The instances go in the background while the caller writes its trace. */
  if (self->instances_up)
    {
      g_autofree char *main_dir = g_strdup (self->main.dir);
      g_autofree char *ext_dir = g_strdup (self->ext.dir);
      instance_release (&self->main, FALSE);
      instance_release (&self->ext, FALSE);
      report_timing ("closed readers", t_run);
      const char *dirs[3] = { NULL, NULL, NULL };
      int n_dirs = 0;
      if (ext_dir != NULL)
        dirs[n_dirs++] = ext_dir;
      if (main_dir != NULL)
        dirs[n_dirs++] = main_dir;
      ArgvProbe *ap = &self->argv_probe;
      const char *uprobe_commands[2] = { ap->defined ? ap->remove_command : NULL, NULL };
      /* Ours to remove from here on, not the guardian's. */
      fs_process_guard_cancel_undo (self->guard);
      if (remove_detached (dirs, ap->events_file, uprobe_commands))
        {
          if (ap->defined)
            emergency_remove_uprobe (ap->remove_command);
          ap->defined = FALSE;
        }
      else
        {
          rmdir (ext_dir);
          rmdir (main_dir);
          argv_probe_remove (self);
        }
      self->instances_up = FALSE;
    }
  report_timing ("handed removal", t_run);

  if (ok && !fs_recorder_flush (self->recorder, TRUE, error))
    ok = FALSE;
  report_timing ("run", t_run);
  report_cpu ("end of run");
  return ok;
}

static void
tracefs_request_stop (gpointer data)
{
  FsTracefsTracer *self = data;
  int saved = errno;
  self->stop_requested = 1;
  if (self->wake_pipe[1] >= 0)
    (void) !write (self->wake_pipe[1], "s", 1);
  errno = saved;
}

static void
tracefs_free (gpointer data)
{
  FsTracefsTracer *self = data;
  if (self == NULL)
    return;
  copier_stop (self);
  if (self->instances_up)
    {
      tracing_off (self);
      instance_clear (&self->ext);
      instance_clear (&self->main);
    }
  argv_probe_remove (self);   /* after the instances: enabled, it is busy */
  argv_probe_clear (&self->argv_probe);
  if (self->launched && !self->root_reaped)
    {
      int status;
      kill (self->root, SIGKILL);
      while (waitpid (self->root, &status, 0) < 0 && errno == EINTR)
        ;
    }
  g_clear_pointer (&self->guard, fs_process_guard_free);
  if (self->kbuf != NULL)
    kbuffer_free (self->kbuf);
  if (self->tep != NULL)
    tep_free (self->tep);
  g_clear_pointer (&self->type_to_kind, g_hash_table_unref);
  g_clear_pointer (&self->procs, g_hash_table_unref);
  g_clear_pointer (&self->tasks, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->signalfd_numbers, g_array_unref);
  g_clear_pointer (&self->suspect, g_hash_table_unref);
  g_clear_pointer (&self->namespaces, g_ptr_array_unref);
  g_array_unref (self->raw);
  g_array_unref (self->raw_scratch);
  g_array_unref (self->raw_runs);
  g_byte_array_unref (self->arena);
  g_byte_array_unref (self->spare_arena);
  g_byte_array_unref (self->pages);
  g_byte_array_unref (self->copier.incoming);
  g_mutex_clear (&self->copier.lock);
  g_cond_clear (&self->copier.copied);
  g_clear_pointer (&self->early_argv, g_hash_table_unref);
  g_mutex_clear (&self->early_lock);
  if (self->copier.kbuf != NULL)
    kbuffer_free (self->copier.kbuf);
  if (self->wake_pipe[0] >= 0)
    close (self->wake_pipe[0]);
  if (self->wake_pipe[1] >= 0)
    close (self->wake_pipe[1]);
  g_free (self);
}

const FsTracerBackend fs_tracefs_backend = {
  .name = "tracefs",
  .probe = tracefs_probe,
  .create = tracefs_create,
  .launch = tracefs_launch,
  .attach = tracefs_attach,
  .run = tracefs_run,
  .request_stop = tracefs_request_stop,
  .free = tracefs_free,
};

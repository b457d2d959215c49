/* trace-model.h: the in-memory trace — processes, events and the queries the
 * UI and the exports ask of them.
 *
 * A trace holds millions of events, so events are plain 32-byte structs in one
 * array, strings live in an interned pool and are referenced by 32-bit ids,
 * and nothing is allocated per event.  Times are nanoseconds since the trace's
 * start on the monotonic clock.  Processes are named by a trace-local id, never
 * by pid alone, because pids are reused.
 *
 * A trace is built by appending (fs_trace_add_*), then sealed with
 * fs_trace_finish(), which sorts events by time (stably), pairs signal sends
 * with their deliveries and builds the indices the queries use.  A live trace
 * (the app's live view) may be finished again after more appends.
 */
#pragma once

#include <glib-object.h>
#include <signal.h>

G_BEGIN_DECLS

typedef guint32 FsProcessId;
typedef guint32 FsStringId;
typedef guint32 FsStrvId;

#define FS_PROCESS_NONE   ((FsProcessId) 0xffffffffu) /* no process (e.g. root's parent) */
#define FS_PROCESS_KERNEL ((FsProcessId) 0xfffffffeu) /* the kernel as a signal sender */
#define FS_STRING_NONE    ((FsStringId) 0)            /* id 0 is always the empty string */
#define FS_STRV_NONE      ((FsStrvId) 0xffffffffu)
#define FS_EVENT_NONE     G_MAXSIZE
#define FS_TIME_NONE      G_MININT64                  /* "not known / never" */
#define FS_SIGNAL_MAX     64

typedef enum {
  FS_EVENT_FORK = 1,      /* process forked child */
  FS_EVENT_EXEC,          /* process replaced its image: path, argv */
  FS_EVENT_RENAME,        /* process's comm changed (prctl, exec) */
  FS_EVENT_SIGNAL_SEND,   /* process (or kernel) sent signal to target */
  FS_EVENT_SIGNAL_DELIVER,/* process received signal; action says what happened */
  FS_EVENT_EXIT,          /* process ended with status */
  FS_EVENT_REAP,          /* process (the reaper) collected child's status */
  FS_EVENT_STOP,          /* process entered a job-control stop */
  FS_EVENT_CONTINUE,      /* process left a job-control stop */
  FS_EVENT_OUTPUT,        /* process printed one line on stream */
  FS_EVENT_MARKER,        /* annotation, e.g. the scenario source line being run */
  FS_EVENT_BLOCK,         /* process started blocking (sigwait, pause, sleep, wait) */
  FS_EVENT_UNBLOCK,       /* process stopped blocking */
  FS_EVENT_THREAD,        /* process gained a thread (tid in a) */
  FS_EVENT_KIND_LAST
} FsEventKind;

typedef enum {
  FS_TARGET_PROCESS = 0,  /* target.id is a FsProcessId */
  FS_TARGET_GROUP,        /* target.id is a process group id (killpg / kill(-pgid)) */
  FS_TARGET_PID,          /* target.id is a raw pid outside the trace */
  FS_TARGET_ALL,          /* kill(-1, …) */
} FsTargetKind;

typedef enum {
  FS_ACTION_UNKNOWN = 0,
  FS_ACTION_HANDLER,
  FS_ACTION_IGNORED,
  FS_ACTION_TERMINATE,    /* default action: terminate */
  FS_ACTION_CORE,         /* default action: terminate with core dump */
  FS_ACTION_STOP,         /* default action: stop */
  FS_ACTION_CONTINUE,     /* default action: continue */
  FS_ACTION_SIGWAIT,      /* consumed by sigwaitinfo/sigtimedwait */
  FS_ACTION_SIGNALFD,     /* consumed by a read(2) of a signalfd */
  FS_ACTION_LAST
} FsSignalAction;

typedef enum {
  FS_STREAM_STDOUT = 0,
  FS_STREAM_STDERR,
} FsStream;

typedef enum {
  FS_BLOCK_OTHER = 0,
  FS_BLOCK_SIGWAIT,
  FS_BLOCK_PAUSE,
  FS_BLOCK_SLEEP,
  FS_BLOCK_WAIT,          /* waitpid & co. */
  FS_BLOCK_LAST
} FsBlockReason;

typedef enum {
  FS_EXIT_NONE = 0,       /* still running at the end of the trace */
  FS_EXIT_CODE,           /* exited with code value */
  FS_EXIT_SIGNAL,         /* killed by signal value (core says whether it dumped) */
} FsExitKind;

typedef struct {
  guint8  kind;           /* FsExitKind */
  guint8  core;           /* FS_EXIT_SIGNAL: dumped core */
  guint16 reserved;
  gint32  value;          /* exit code or signal number */
} FsExitStatus;

/* Event flags. */
enum {
  FS_EVENT_FLAG_INFERRED    = 1 << 0, /* pairing send↔deliver was guessed, not observed */
  FS_EVENT_FLAG_QUEUED      = 1 << 1, /* signal_send: the kernel queued it (rt signal / not pending) */
  FS_EVENT_FLAG_COALESCED   = 1 << 2, /* signal_send: already pending, merged by the kernel */
  FS_EVENT_FLAG_TIME_CLAMPED= 1 << 3, /* arrived late; time raised to keep the file ordered */
  FS_EVENT_FLAG_THREAD_DIRECTED = 1 << 4, /* tkill/tgkill: sent to one thread */
};

/* One event: 32 bytes, plain data.  Which union member is valid follows kind. */
typedef struct {
  gint64      t_ns;
  FsProcessId process;    /* the actor; FS_PROCESS_KERNEL for kernel-generated sends */
  guint8      kind;       /* FsEventKind */
  guint8      signal;     /* signal number for signal events, 0 otherwise */
  guint16     flags;
  union {
    struct { FsProcessId child; } fork;
    struct { FsStringId path; FsStrvId argv; } exec;
    struct { FsStringId comm; } rename;
    struct {
      guint32 target;     /* interpreted by target_kind */
      gint32  code;       /* si_code (SI_USER, SI_QUEUE, SI_KERNEL, CLD_EXITED…) */
      gint32  result;     /* 0, or -errno of the send */
      guint8  target_kind;/* FsTargetKind */
      guint8  reserved[3];
    } send;
    struct {
      FsProcessId sender; /* FS_PROCESS_KERNEL, FS_PROCESS_NONE when unknown */
      gint32  code;
      guint8  action;     /* FsSignalAction */
      guint8  reserved[7];
    } deliver;
    struct { FsExitStatus status; } exit;
    struct { FsProcessId child; FsExitStatus status; } reap;
    struct { FsStringId text; guint8 stream; } output;
    struct { FsStringId text; guint32 line; } marker;  /* line 0: none */
    struct { guint8 reason; guint32 line; } block;     /* FsBlockReason */
    struct { gint32 tid; } thread;
    guint8 raw[16];
  } u;
} FsEvent;

G_STATIC_ASSERT (sizeof (FsEvent) == 32);

typedef struct {
  FsProcessId id;
  gint32      pid;
  FsProcessId parent;     /* FS_PROCESS_NONE for roots */
  FsProcessId reparented_to; /* FS_PROCESS_NONE, or the adopter when orphaned */
  FsStringId  name;       /* the scenario's name for it, else its comm */
  FsStringId  comm;       /* the latest comm */
  gint32      pgid;       /* 0 when not known */
  gint32      sid;        /* 0 when not known */
  gint64      start_ns;
  gint64      end_ns;     /* FS_TIME_NONE: still running at trace end */
  gint64      reap_ns;    /* FS_TIME_NONE: not reaped in the trace */
  FsExitStatus exit;
  guint32     flags;      /* FS_PROCESS_FLAG_* */
  GArray     *threads;    /* gint32 tids other than the main thread; may be NULL */
} FsProcess;

enum {
  /* Infrastructure the runner made (the scenario engine's namespace init and
   * launcher): recorded for completeness, hidden from diagrams by default. */
  FS_PROCESS_FLAG_HIDDEN   = 1 << 0,
  FS_PROCESS_FLAG_ATTACHED = 1 << 1, /* existed before recording began (record -p) */
};

typedef enum {
  FS_STATE_UNBORN = 0,
  FS_STATE_RUNNING,
  FS_STATE_BLOCKED,       /* see FsProcessState.block_reason */
  FS_STATE_STOPPED,
  FS_STATE_ZOMBIE,        /* exited, not yet reaped */
  FS_STATE_GONE,          /* reaped (or exited and never reaped by trace end: then ZOMBIE) */
  FS_STATE_LAST
} FsStateKind;

typedef struct {
  guint8   state;         /* FsStateKind */
  guint8   block_reason;  /* FsBlockReason when state is BLOCKED */
  guint16  reserved;
  guint64  pending;       /* bit (sig-1): signals sent to it and not yet delivered at t */
  gsize    last_event;    /* index of its last event at or before t, FS_EVENT_NONE */
  gsize    last_output;   /* index of its last output event at or before t, FS_EVENT_NONE */
  gsize    last_marker;   /* index of its last marker at or before t, FS_EVENT_NONE */
} FsProcessState;

/* One step of a process's state timeline: from t_ns on, the process is in
 * state (until the next step). */
typedef struct {
  gint64   t_ns;
  guint8   state;         /* FsStateKind */
  guint8   reason;        /* FsBlockReason when state is BLOCKED */
} FsStateChange;

/* A signal between send and delivery. */
typedef struct {
  gsize send_index;       /* index of the FS_EVENT_SIGNAL_SEND event */
  gsize deliver_index;    /* index of the matching delivery, FS_EVENT_NONE if never */
} FsSignalFlight;

typedef struct {
  gchar  *recorder;       /* "forkscope-cli 0.1.0" */
  gchar  *tracer;         /* "ptrace", "tracefs", "synthetic", "json" */
  gchar  *command;        /* the command line recorded, or NULL */
  gchar  *scenario;       /* the scenario file, or NULL */
  gint64  start_wall_ns;  /* wall-clock time of t=0, ns since the epoch; 0 unknown */
  guint64 lost_events;    /* events the tracer knows it dropped */
  gboolean truncated;     /* the file ended early (set by the reader) */
  GHashTable *extra;      /* other string→string metadata; owned */
} FsTraceMeta;

/* An extra: how many records of signals sent by processes outside the trace
 * (watched for those sent into it) the tracer dropped. */
#define FS_META_LOST_OUTSIDE_SIGNALS "lost_outside_signals"

#define FS_TYPE_TRACE (fs_trace_get_type ())
G_DECLARE_FINAL_TYPE (FsTrace, fs_trace, FS, TRACE, GObject)

FsTrace        *fs_trace_new               (void);

/* Metadata. */
FsTraceMeta    *fs_trace_get_meta          (FsTrace *self);
void            fs_trace_meta_set_extra    (FsTrace *self, const char *key, const char *value);

/* String pool.  Interning is idempotent: equal strings share an id. */
FsStringId      fs_trace_intern            (FsTrace *self, const char *str);
FsStringId      fs_trace_intern_len        (FsTrace *self, const char *str, gsize len);
const char     *fs_trace_string            (FsTrace *self, FsStringId id);
guint           fs_trace_n_strings         (FsTrace *self);
FsStrvId        fs_trace_add_strv          (FsTrace *self, const char *const *strv);
/* Returns a NULL-terminated vector owned by the trace, or NULL for FS_STRV_NONE. */
const char *const *fs_trace_strv           (FsTrace *self, FsStrvId id);
guint           fs_trace_n_strvs           (FsTrace *self);

/* Processes. */
FsProcessId     fs_trace_add_process       (FsTrace *self, gint32 pid, FsProcessId parent,
                                            gint64 start_ns, const char *name);
guint           fs_trace_n_processes       (FsTrace *self);
/* The pointer is valid until the next fs_trace_add_process(). */
FsProcess      *fs_trace_process           (FsTrace *self, FsProcessId id);
const char     *fs_trace_process_name      (FsTrace *self, FsProcessId id);
void            fs_trace_process_add_thread(FsTrace *self, FsProcessId id, gint32 tid);
/* Children of a process, in birth order; roots when id is FS_PROCESS_NONE. */
const FsProcessId *fs_trace_children       (FsTrace *self, FsProcessId id, guint *n_children);
/* A GCompareDataFunc on FsProcessIds (data: the FsTrace): birth order, ids
 * breaking ties.  Children lists come in this order. */
gint            fs_trace_compare_birth     (gconstpointer a, gconstpointer b, gpointer trace);

/* Events.  Appends may arrive out of order; fs_trace_finish() sorts them. */
FsEvent        *fs_trace_append            (FsTrace *self, gint64 t_ns, FsProcessId process,
                                            FsEventKind kind);
void            fs_trace_append_event      (FsTrace *self, const FsEvent *event);
/* Grows the event array by n events the caller fills in (bulk loading). */
FsEvent        *fs_trace_append_uninitialized (FsTrace *self, gsize n);
gsize           fs_trace_n_events          (FsTrace *self);
const FsEvent  *fs_trace_event             (FsTrace *self, gsize index);
const FsEvent  *fs_trace_events            (FsTrace *self, gsize *n_events);

/* Sorts, derives process end/exit/reap from events where missing, pairs signals
 * and builds indices.  Returns FALSE with error when the trace is inconsistent
 * (an event names a process that does not exist, …). */
gboolean        fs_trace_finish            (FsTrace *self, GError **error);
gint64          fs_trace_duration          (FsTrace *self);
/* Exchanges everything two traces hold (processes, events, strings, meta,
 * indices, finished state), in O(1); the objects keep their identity and
 * references.  For a reader that builds the next version of a growing trace
 * in a worker thread while the one on screen stays readable (see
 * FsTraceFollower).  Pointers obtained from either trace (strings, strvs,
 * processes, events) now belong to the other one. */
void            fs_trace_swap_contents     (FsTrace *a, FsTrace *b);

/* Queries (valid after fs_trace_finish). */
/* First index with t_ns >= t (n_events when none). */
gsize           fs_trace_lower_bound       (FsTrace *self, gint64 t_ns);
/* Events with from <= t_ns < to, as [*first, *first + return). */
gsize           fs_trace_range             (FsTrace *self, gint64 from_ns, gint64 to_ns, gsize *first);
/* Index of the event nearest to t (ties go to the earlier one); FS_EVENT_NONE if empty. */
gsize           fs_trace_nearest_event     (FsTrace *self, gint64 t_ns);
/* Index of the last event at or before t, FS_EVENT_NONE if none. */
gsize           fs_trace_event_at_or_before(FsTrace *self, gint64 t_ns);
/* State of one process at time t (events at exactly t count as happened). */
void            fs_trace_process_state_at  (FsTrace *self, FsProcessId id, gint64 t_ns,
                                            FsProcessState *out);
/* The state timeline of one process, in time order: the first step is its
 * birth (RUNNING), the last may be ZOMBIE or GONE.  Owned by the trace. */
const FsStateChange *fs_trace_process_state_changes (FsTrace *self, FsProcessId id, guint *n);
/* States of all processes at t; out has fs_trace_n_processes() entries. */
void            fs_trace_states_at         (FsTrace *self, gint64 t_ns, FsProcessState *out);
/* Signals sent at or before t and delivered after t (or never). */
GArray         *fs_trace_signals_in_flight (FsTrace *self, gint64 t_ns);  /* of FsSignalFlight */
/* For a send, its delivery (FS_EVENT_NONE if none); for a delivery, its send. */
gsize           fs_trace_signal_partner    (FsTrace *self, gsize event_index);
/* Event indices of one process (as actor, or as fork child / reap child / signal
 * target process), in time order. */
const guint32  *fs_trace_process_events    (FsTrace *self, FsProcessId id, guint *n);

/* Names and parsing for enums; names are the JSON spellings. */
const char     *fs_event_kind_name         (FsEventKind kind);
gboolean        fs_event_kind_from_name    (const char *name, FsEventKind *out);
const char     *fs_signal_action_name      (FsSignalAction action);
gboolean        fs_signal_action_from_name (const char *name, FsSignalAction *out);
const char     *fs_block_reason_name       (FsBlockReason reason);
gboolean        fs_block_reason_from_name  (const char *name, FsBlockReason *out);
const char     *fs_state_name              (FsStateKind state);
/* "SIGCONT"; "SIGRTMIN+3" for real-time signals; NULL when out of range. */
const char     *fs_signal_name             (int signo);
/* Accepts "SIGCONT", "CONT", "cont", "SIGRTMIN+3", "RTMAX-1", "18". Returns 0 when unknown. */
int             fs_signal_from_name        (const char *name);
/* "SI_USER", "SI_QUEUE", "SI_KERNEL", "SI_TKILL", "CLD_EXITED"… (the latter need the signal). */
char           *fs_signal_code_name        (int signo, int code);
gboolean        fs_signal_code_from_name   (const char *name, int *out);
/* Formats an exit status as "code 0", "signal SIGKILL", "signal SIGSEGV (core)", "running". */
char           *fs_exit_status_to_string   (const FsExitStatus *status);
FsExitStatus    fs_exit_status_from_wait   (int wait_status);
/* Default disposition of a signal (TERMINATE, CORE, STOP, CONTINUE or IGNORED). */
FsSignalAction  fs_signal_default_action   (int signo);

#define FS_TRACE_ERROR (fs_trace_error_quark ())
GQuark fs_trace_error_quark (void);

typedef enum {
  FS_TRACE_ERROR_INVALID,     /* inconsistent trace content */
  FS_TRACE_ERROR_FORMAT,      /* not a trace file / wrong format */
  FS_TRACE_ERROR_VERSION,     /* unsupported version */
  FS_TRACE_ERROR_CORRUPT,     /* a field is out of range */
  FS_TRACE_ERROR_IO,
} FsTraceError;

G_END_DECLS

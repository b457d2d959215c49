/* trace-recorder.h: turns live, pid-based observations into a trace.
 *
 * Tracers (ptrace, tracefs) and the scenario engine see pids and tids and
 * absolute CLOCK_MONOTONIC times.  The recorder maps them to trace-local
 * process ids (a pid maps to the newest process that had it, so reuse is
 * handled), attributes thread ids to their process, keeps events in time
 * order through a short reorder window, and hands them on: appended to an
 * FsTrace, written to a trace file by an FsTraceWriter, and passed to an
 * optional consumer (the app's live view).
 *
 * All functions are thread-safe: the tracer loop and the engine's output
 * collector may run in different threads.
 */
#pragma once

#include "trace-model.h"
#include "trace-file.h"

G_BEGIN_DECLS

typedef struct _FsRecorder FsRecorder;

/* Called (with the recorder's lock released) after new events were appended
 * to the trace: events [first, first + n) are new. */
typedef void (*FsRecorderConsumer) (FsTrace *trace, gsize first, gsize n, gpointer user_data);

/* t0_ns: the CLOCK_MONOTONIC time that becomes t=0 in the trace. */
FsRecorder  *fs_recorder_new            (FsTrace *trace, gint64 t0_ns);
void         fs_recorder_free           (FsRecorder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsRecorder, fs_recorder_free)

FsTrace     *fs_recorder_get_trace      (FsRecorder *self);
gint64       fs_recorder_get_t0         (FsRecorder *self);
/* The writer is synced at each flush; the recorder does not own it. */
void         fs_recorder_set_writer     (FsRecorder *self, FsTraceWriter *writer);
void         fs_recorder_set_consumer   (FsRecorder *self, FsRecorderConsumer consumer,
                                         gpointer user_data);
/* How long events are held back so that late ones can still be ordered (ns). */
void         fs_recorder_set_reorder_window (FsRecorder *self, gint64 window_ns);

/* The current CLOCK_MONOTONIC time in ns. */
gint64       fs_recorder_now            (void);

/* Processes and threads.  parent_pid 0 or unknown: a root.  Returns the new id. */
FsProcessId  fs_recorder_process_new    (FsRecorder *self, gint64 t_ns, gint32 pid,
                                         gint32 parent_pid, const char *comm, guint32 flags);
void         fs_recorder_thread_new     (FsRecorder *self, gint64 t_ns, gint32 tgid, gint32 tid);
/* The live process for a pid or tid, FS_PROCESS_NONE when not traced. */
FsProcessId  fs_recorder_lookup         (FsRecorder *self, gint32 pid_or_tid);
gboolean     fs_recorder_is_traced      (FsRecorder *self, gint32 pid_or_tid);
void         fs_recorder_set_name       (FsRecorder *self, gint32 pid, const char *name);
void         fs_recorder_set_flags      (FsRecorder *self, gint32 pid, guint32 flags);
void         fs_recorder_set_ids        (FsRecorder *self, gint32 pid, gint32 pgid, gint32 sid);
/* How many traced processes are alive (not yet exited). */
guint        fs_recorder_n_alive        (FsRecorder *self);

/* Events.  pid/tid as the kernel reports them; t_ns absolute monotonic. */
void         fs_recorder_exec           (FsRecorder *self, gint64 t_ns, gint32 pid,
                                         const char *path, const char *const *argv);
void         fs_recorder_rename         (FsRecorder *self, gint64 t_ns, gint32 pid,
                                         const char *comm);
/* sender_pid 0: the kernel.  kill_pid is the pid argument as given to kill()
 * (> 0 a process, 0 the sender's group, -1 all, < -1 a group); for tkill/tgkill
 * pass the tid and FS_EVENT_FLAG_THREAD_DIRECTED. result: 0 or -errno. */
void         fs_recorder_signal_send    (FsRecorder *self, gint64 t_ns, gint32 sender_pid,
                                         gint32 kill_pid, int signo, int code, int result,
                                         guint16 flags);
/* sender_pid: si_pid when known, 0 for the kernel, -1 unknown. */
void         fs_recorder_signal_deliver (FsRecorder *self, gint64 t_ns, gint32 pid, int signo,
                                         int code, gint32 sender_pid, FsSignalAction action);
void         fs_recorder_exit           (FsRecorder *self, gint64 t_ns, gint32 pid,
                                         int wait_status);
void         fs_recorder_reap           (FsRecorder *self, gint64 t_ns, gint32 reaper_pid,
                                         gint32 child_pid, int wait_status);
void         fs_recorder_stop           (FsRecorder *self, gint64 t_ns, gint32 pid, int signo);
void         fs_recorder_continue       (FsRecorder *self, gint64 t_ns, gint32 pid);
void         fs_recorder_output         (FsRecorder *self, gint64 t_ns, gint32 pid,
                                         FsStream stream, const char *text, gsize len);
void         fs_recorder_marker         (FsRecorder *self, gint64 t_ns, gint32 pid,
                                         guint32 line, const char *text);
void         fs_recorder_block          (FsRecorder *self, gint64 t_ns, gint32 pid,
                                         FsBlockReason reason, guint32 line);
void         fs_recorder_unblock        (FsRecorder *self, gint64 t_ns, gint32 pid);
void         fs_recorder_add_lost       (FsRecorder *self, guint64 n_lost);
/* Records of other processes' signals (watched for those sent into the
 * trace from outside it) that a tracer dropped: some signals from outside
 * may be missing, while the traced processes' own events are complete.
 * Kept in the meta extra "lost_outside_signals". */
void         fs_recorder_add_lost_outside (FsRecorder *self, guint64 n_lost);

/* Moves events older than the reorder window (all of them when all is TRUE)
 * into the trace in time order, syncs the writer and calls the consumer.
 * Tracers call this at least every 100 ms and with all=TRUE at the end. */
gboolean     fs_recorder_flush          (FsRecorder *self, gboolean all, GError **error);

/* Counts for status lines and summaries. */
gsize        fs_recorder_n_events       (FsRecorder *self);

G_END_DECLS

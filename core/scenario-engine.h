/* scenario-engine.h: runs a checked scenario for real.
 *
 * Every declared process is a real fork(), every signal a real kill(), every
 * wait a real waitpid()/sigwaitinfo().  A run has two halves:
 *
 *  - the child half, fs_engine_child_main(), runs in a launched child (forked
 *    by fs_engine_launch(), or by a tracer through FsLaunch.child_main).  It
 *    becomes a hidden launcher: own process group, a new PID namespace when
 *    the kernel allows it (via a user namespace when not root), a hidden
 *    reaper that is the namespace's pid 1 (so no scenario process is ever
 *    pid 1), and under it the scenario's root process.
 *
 *  - the parent half collects what the processes report over a pipe (output
 *    lines, source-line markers, blocking, and, when no tracer is active, the
 *    forks, exits, reaps, sends and deliveries it performs), feeds it to the
 *    recorder, echoes print lines, enforces the timeout and the process cap,
 *    and at the end kills and reaps whatever is left.
 *
 * The engine does not know the tracers: the CLI composes them.
 */
#pragma once

#include "scenario-ast.h"
#include "trace-recorder.h"

G_BEGIN_DECLS

typedef struct _FsEngine FsEngine;

typedef enum {
  FS_ECHO_AUTO = 0,   /* prefixed when echo_fd is a terminal, else plain */
  FS_ECHO_PLAIN,      /* each print line as it is */
  FS_ECHO_PREFIXED,   /* "name | line" */
} FsEchoMode;

typedef struct {
  double     time_scale;       /* multiplies sleep, spin and alarm durations; 0: 1.0 */
  double     timeout_s;        /* whole-run limit; 0: 30 s; < 0: none */
  guint      max_processes;    /* scenario processes per run; 0: 256 */
  gboolean   record_processes; /* no tracer: record forks, exits, reaps, sends, deliveries */
  int        echo_fd;          /* print lines are echoed here; -1: not echoed */
  FsEchoMode echo_mode;
  gboolean   no_namespace;     /* do not try a PID namespace */
} FsEngineOptions;

typedef struct {
  gboolean root_finished;      /* the root process ended and root_status is valid */
  int      root_status;        /* its wait status */
  gboolean timed_out;
  gboolean stopped;            /* fs_engine_request_stop() (Ctrl-C) */
  gboolean limit_reached;      /* the process cap stopped the run */
  gboolean used_namespace;     /* the run had its own PID namespace */
  guint    n_processes;        /* scenario processes started */
  guint    n_errors;           /* runtime errors the processes reported */
  guint    n_left;             /* processes still alive after the run (killed then) */
  char    *message;            /* why the run failed, or NULL */
} FsEngineResult;

void      fs_engine_options_init  (FsEngineOptions *options);

/* scenario must be error-free and outlive the engine; recorder may be NULL. */
FsEngine *fs_engine_new           (FsScenario *scenario, FsRecorder *recorder,
                                   const FsEngineOptions *options, GError **error);
void      fs_engine_free          (FsEngine *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsEngine, fs_engine_free)

/* Child half, an FsChildMain: pass the engine as its data.  Never returns.
 * It must run in a direct child of the process that made the engine; the
 * launcher dies with the *thread* that forked it (PR_SET_PDEATHSIG), so fork
 * it from a thread that lives until the run is over. */
void      fs_engine_child_main    (gpointer engine) G_GNUC_NORETURN;

/* Parent half.  After something launched fs_engine_child_main as pid
 * launcher, starts collecting (call exactly once). */
void      fs_engine_started       (FsEngine *self, GPid launcher);
/* Without a tracer: forks the launcher itself and calls fs_engine_started(). */
gboolean  fs_engine_launch        (FsEngine *self, GPid *launcher, GError **error);
/* Called from the collector thread when the run must end early (timeout,
 * process cap), after everything was killed: lets a tracer stop waiting. */
void      fs_engine_set_stop_func (FsEngine *self, void (*func) (gpointer data), gpointer data);
/* Async-signal-safe: kills the whole run (Ctrl-C). */
void      fs_engine_request_stop  (FsEngine *self);
/* Waits until every process reported its end (and reaps the launcher when
 * fs_engine_launch() made it), kills and counts anything left.  FALSE with
 * error only when the run could not be carried out; a timeout or a failing
 * root is told by result. */
gboolean  fs_engine_finish        (FsEngine *self, FsEngineResult *result, GError **error);
/* launch + finish, for runs without a tracer. */
gboolean  fs_engine_run           (FsEngine *self, FsEngineResult *result, GError **error);

void      fs_engine_result_clear  (FsEngineResult *result);
/* The process exit code for a run: the root's exit code, 128 + signal when it
 * was killed, 1 when the run failed (timeout, cap, stop). */
int       fs_engine_result_exit_code (const FsEngineResult *result);

/* Pids of processes that belong to a run and are alive: in the PID namespace
 * with inode ns_inode (0: any), in process group pgid (0: none), or
 * descendants of ancestor (0: none).  For tests and the leftover check. */
GArray   *fs_engine_find_processes (guint64 ns_inode, GPid pgid, GPid ancestor);
/* After fs_engine_finish(): processes of the run still alive (should be
 * none; finish has already killed any it found and counted them). */
GArray   *fs_engine_find_leftovers (FsEngine *self);
/* The run's PID namespace inode (0 when none), known once the run started. */
guint64   fs_engine_get_namespace (FsEngine *self);
GPid      fs_engine_get_launcher  (FsEngine *self);
/* The run's process group (its reaper's pid), 0 before it is known. */
GPid      fs_engine_get_group     (FsEngine *self);

G_END_DECLS

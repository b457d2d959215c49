/* fs-live-run.h: runs a scenario or records a program through forkscope-cli
 * and streams the growing trace to the app.
 *
 * The recording runs in a separate process (`forkscope-cli run|record`), so
 * the app never traces, never needs privileges itself (tracefs goes through
 * pkexec) and a crash of either side loses nothing: the CLI writes the trace
 * to a file under g_get_user_cache_dir()/forkscope/recordings, flushing it
 * every ≤100 ms.  While it runs this controller follows that file with a
 * double-buffered FsTraceFollower: a worker thread reads what was appended
 * since the last read and applies and finishes it into a back copy of the
 * trace, the main loop swaps that into the run's one FsTrace (O(1)) and
 * emits "trace-updated"; the main loop never waits for the file or for
 * fs_trace_finish.
 *
 * GTK-free (GIO only): the window drives it, tests drive it without a display.
 *
 * Signals:
 *   "trace-updated" (FsTrace *trace): the recording grew (the same trace
 *     object as before, finished again; see fs_live_run_get_growth).
 *   "finished" (int exit_status, const char *error_message): the CLI ended;
 *     exit_status is its exit code (or 128+signal), error_message NULL on
 *     success, else the reason (the CLI's last error line).  The last
 *     "trace-updated" is emitted before it.
 */
#pragma once

#include <gio/gio.h>
#include "core/trace-file.h"

G_BEGIN_DECLS

#define FS_TYPE_LIVE_RUN (fs_live_run_get_type ())
G_DECLARE_FINAL_TYPE (FsLiveRun, fs_live_run, FS, LIVE_RUN, GObject)

/* How long Stop waits after SIGTERM before SIGKILL. */
#define FS_LIVE_RUN_STOP_GRACE_MS 3000
/* How often the growing trace is re-read (at least; slower when reads are slow). */
#define FS_LIVE_RUN_REFRESH_MS    150

typedef enum {
  FS_LIVE_RUN_IDLE = 0,
  FS_LIVE_RUN_RUNNING,
  FS_LIVE_RUN_STOPPING,
  FS_LIVE_RUN_DONE,
} FsLiveRunState;

FsLiveRun   *fs_live_run_new               (void);

/* A controller runs once; a second start fails with G_IO_ERROR_BUSY.  tracer
 * is "auto", "ptrace" or "tracefs" (NULL: ptrace for scenarios, auto for
 * recordings).  tracefs needs root: when the
 * app is not root it goes through pkexec (see fs_live_run_tracefs_available). */
gboolean     fs_live_run_start_scenario    (FsLiveRun *self, const char *scenario_path,
                                            const char *tracer, GError **error);
gboolean     fs_live_run_start_command     (FsLiveRun *self, const char *const *argv,
                                            const char *working_dir, const char *tracer,
                                            GError **error);
gboolean     fs_live_run_start_attach      (FsLiveRun *self, GPid pid, const char *tracer,
                                            GError **error);
/* SIGTERM to the CLI (which kills and reaps what it started, or detaches),
 * then SIGKILL after FS_LIVE_RUN_STOP_GRACE_MS.  "finished" follows. */
void         fs_live_run_stop              (FsLiveRun *self);

FsLiveRunState fs_live_run_get_state       (FsLiveRun *self);
gboolean     fs_live_run_is_running        (FsLiveRun *self);
/* The recording as read so far (NULL before the first read).  One object
 * for the whole run, grown in place at each "trace-updated", unless the
 * file could not be followed (replaced, corrupt): then a new one. */
FsTrace     *fs_live_run_get_trace         (FsLiveRun *self);
/* During "trace-updated": what the update changed, when it grew the trace
 * of the previous one in place; NULL when the trace is a new object. */
const FsTraceGrowth *fs_live_run_get_growth (FsLiveRun *self);
/* The recording file (NULL before a start). */
const char  *fs_live_run_get_recording_path(FsLiveRun *self);
/* The CLI's pid while it runs, else 0. */
GPid         fs_live_run_get_pid           (FsLiveRun *self);
/* The argv the CLI was started with (NULL before a start). */
const char *const *fs_live_run_get_argv    (FsLiveRun *self);

/* The user saved the recording elsewhere (or discarded it): the temporary
 * file is deleted and will not be offered for restoring. */
void         fs_live_run_forget_recording  (FsLiveRun *self);

/* forkscope-cli to run: $FORKSCOPE_CLI, else next to the running binary (or
 * in ../app of it, for uninstalled test binaries), else from PATH.  NULL with
 * error when none is found. */
char        *fs_live_run_find_cli          (GError **error);
/* g_get_user_cache_dir()/forkscope/recordings, created when missing. */
char        *fs_live_run_recordings_dir    (GError **error);
/* Recordings left by an app that is gone (crashed or killed), newest first:
 * the paths of the .fstrace files to offer for restoring. */
GPtrArray   *fs_live_run_find_unsaved      (void);
/* Whether tracefs can be used from the app; when not, *reason says why
 * (e.g. "pkexec is not installed"). */
gboolean     fs_live_run_tracefs_available (char **reason);

G_END_DECLS

/* tracer-backend.h: what each tracer backend implements behind tracer.h.
 *
 * Internal to tracer/: tracer.c owns the public FsTracer and forwards every
 * call to the backend chosen at fs_tracer_new() through this table.  A backend
 * keeps its own state behind an opaque pointer returned by create().
 *
 * Contract (the same one tracer.h documents for the public calls):
 * - create() only allocates and checks that the backend can work here; it
 *   starts nothing.  It returns NULL with error (FS_TRACER_ERROR_*) otherwise.
 * - launch() starts the root; the child waits until tracing is ready, then
 *   runs launch->child_main (or execs launch->argv).  Exec failures come back
 *   as FS_TRACER_ERROR_NOT_FOUND (127) / FS_TRACER_ERROR_NOT_EXECUTABLE (126).
 * - attach() starts observing a running process and its future children.
 * - run() loops until every traced process is gone or request_stop() was
 *   called, reporting to the recorder and calling fs_recorder_flush(rec,
 *   FALSE, …) at least every 100 ms, then fs_recorder_flush(rec, TRUE, …).
 *   *root_status is the launched root's wait status (attach: 0).
 * - request_stop() is async-signal-safe (it may only set a flag / write to a
 *   pipe).  Launched trees are killed; attached processes are left as they
 *   were.
 * - free() releases everything; it must leave no process stopped or traced
 *   (a launched tree still alive is killed and reaped).
 */
#pragma once

#include "tracer/tracer.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;                     /* "ptrace", "tracefs" */
  /* TRUE when the backend can work on this machine now; else FALSE and *why
   * (if not NULL) says why in one sentence.  Must be cheap and side-effect
   * free (no mounting, no instance creation). */
  gboolean  (*probe)        (char **why);
  gpointer  (*create)       (FsRecorder *recorder, const FsTracerOptions *options,
                             GError **error);
  gboolean  (*launch)       (gpointer self, const FsLaunch *launch, GPid *pid,
                             GError **error);
  gboolean  (*attach)       (gpointer self, GPid pid, GError **error);
  gboolean  (*run)          (gpointer self, int *root_status, GError **error);
  void      (*request_stop) (gpointer self);
  void      (*free)         (gpointer self);
} FsTracerBackend;

/* tracer/ptrace-tracer.c */
extern const FsTracerBackend fs_ptrace_backend;
/* tracer/tracefs-tracer.c */
extern const FsTracerBackend fs_tracefs_backend;

G_END_DECLS

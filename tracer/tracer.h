/* tracer.h: the one interface both tracer backends implement.
 *
 * A tracer observes a process tree and reports what it sees to an FsRecorder.
 * It either launches the tree's root itself (no start race: the child waits
 * until tracing is ready, then runs child_main or execs argv) or attaches to
 * a running process.  fs_tracer_run() then loops until every traced process
 * is gone or a stop is requested.
 */
#pragma once

#include "core/trace-recorder.h"

G_BEGIN_DECLS

typedef enum {
  FS_TRACER_AUTO = 0,   /* tracefs when root and usable, else ptrace */
  FS_TRACER_PTRACE,
  FS_TRACER_TRACEFS,
} FsTracerKind;

typedef struct _FsTracer FsTracer;

/* Runs in the launched child once tracing is ready; must not return (exec or
 * _exit).  Only async-signal-safe work is allowed before an exec when the
 * parent is multithreaded. */
typedef void (*FsChildMain) (gpointer data);

typedef struct {
  FsChildMain   child_main;   /* when NULL, argv is exec'd (PATH searched) */
  gpointer      child_data;
  char *const  *argv;
  const char   *working_dir;  /* NULL: inherit */
} FsLaunch;

typedef struct {
  guint64 buffer_size_kb;     /* tracefs per-CPU buffer; 0: default */
  gboolean quiet;
  /* tracefs: no execve uprobe (exec argv from /proc only, which can miss
   * short-lived programs); see docs/tracers.md, "exec argv from a uprobe". */
  gboolean no_exec_uprobe;
} FsTracerOptions;

const char   *fs_tracer_kind_name   (FsTracerKind kind);
gboolean      fs_tracer_kind_from_name (const char *name, FsTracerKind *out);
/* Resolves AUTO; why (if not NULL) tells the reason for the choice. */
FsTracerKind  fs_tracer_resolve     (FsTracerKind kind, char **why);

FsTracer     *fs_tracer_new         (FsTracerKind kind, FsRecorder *recorder,
                                     const FsTracerOptions *options, GError **error);
void          fs_tracer_free        (FsTracer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsTracer, fs_tracer_free)

/* Starts the root of the traced tree; *pid is its pid. */
gboolean      fs_tracer_launch      (FsTracer *self, const FsLaunch *launch, GPid *pid,
                                     GError **error);
gboolean      fs_tracer_attach      (FsTracer *self, GPid pid, GError **error);
/* Loops until every traced process is gone or fs_tracer_request_stop().
 * *root_status is the launched root's wait status (attach: 0). */
gboolean      fs_tracer_run         (FsTracer *self, int *root_status, GError **error);
/* Async-signal-safe.  Launched trees are killed, attached ones detached. */
void          fs_tracer_request_stop(FsTracer *self);

#define FS_TRACER_ERROR (fs_tracer_error_quark ())
GQuark fs_tracer_error_quark (void);
typedef enum {
  FS_TRACER_ERROR_FAILED,
  FS_TRACER_ERROR_PERMISSION,  /* not root / ptrace refused */
  FS_TRACER_ERROR_NOT_FOUND,   /* command not found (exit 127) */
  FS_TRACER_ERROR_NOT_EXECUTABLE, /* (exit 126) */
  FS_TRACER_ERROR_UNAVAILABLE, /* tracefs missing */
} FsTracerError;

G_END_DECLS

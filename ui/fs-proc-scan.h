/* fs-proc-scan.h: the running processes, read from /proc, for the Record
 * dialog's "attach to a running process" picker.
 *
 * GTK-free (GLib only) so it can be tested against a fake /proc tree.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint32  pid;
  gint32  ppid;
  guint32 uid;
  char   *name;     /* comm, as in /proc/PID/stat */
  char   *user;     /* the owner's login name, or the uid as text */
  char   *cmdline;  /* argv joined by spaces; "[name]" when it has none (kernel threads) */
  guint64 start_ticks; /* starttime from /proc/PID/stat (clock ticks since boot) */
} FsProcInfo;

void        fs_proc_info_free    (FsProcInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsProcInfo, fs_proc_info_free)

/* Reads one process; NULL when it is gone or unreadable.  proc_root is "/proc"
 * normally (NULL means "/proc"). */
FsProcInfo *fs_proc_read         (const char *proc_root, gint32 pid);
/* Every process, sorted by pid; processes that vanish while scanning are
 * skipped.  Returns an array of FsProcInfo* (freeing them), or NULL with error
 * when proc_root cannot be listed. */
GPtrArray  *fs_proc_scan         (const char *proc_root, GError **error);
/* TRUE when every whitespace-separated word of query occurs (case-insensitive)
 * in the pid, name, user or command line.  An empty query matches all. */
gboolean    fs_proc_info_matches (const FsProcInfo *info, const char *query);
/* Pids of pid's descendants (children, grandchildren, …) in procs. */
GArray     *fs_proc_descendants  (GPtrArray *procs, gint32 pid);

G_END_DECLS

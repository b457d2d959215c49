/* tracefs-tracer.h: tracefs backend helpers visible to tracer/ and the tests.
 *
 * The backend itself is reached through tracer.h (FS_TRACER_TRACEFS); these
 * are the pieces that are useful on their own: the naming of our private
 * instances and of the uprobe that fetches exec argv, removal of what a
 * forkscope that died left behind, and a last-resort cleanup that is safe to
 * call from a signal handler.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every instance we create is named "forkscope-PID" or "forkscope-PID-…";
 * PID is the recording process. */
#define FS_TRACEFS_INSTANCE_PREFIX "forkscope-"

/* The uprobe on libc's execve that fetches exec argv is the event
 * "forkscope_PID/execve" or "forkscope_PID_N/execve" (event group names
 * allow no '-'); PID is the recording process, as for the instances. */
#define FS_TRACEFS_UPROBE_GROUP_PREFIX "forkscope_"

/* Finds tracefs, mounting it at /sys/kernel/tracing when it is not mounted
 * (needs root).  Returns the tracing directory (owned by libtracefs). */
const char *fs_tracefs_tracing_dir      (GError **error);

/* Removes our instances whose recording process is gone, then their
 * uprobes.  Returns how many instances were removed; never touches instances
 * or uprobes of live forkscopes or anyone else's. */
guint       fs_tracefs_remove_stale_instances (void);

/* Names of the instances (of any forkscope) that exist now; NULL-terminated. */
char      **fs_tracefs_list_instances   (void);

/* Our uprobes ("group/event", any forkscope's) defined now; NULL-terminated. */
char      **fs_tracefs_list_uprobes     (void);

/* Async-signal-safe: closes the ring-buffer readers and removes every
 * instance this process created and has not removed yet, then its uprobe.  For fatal paths
 * (a second Ctrl-C, abort); the normal path is fs_tracer_request_stop(). */
void        fs_tracefs_emergency_cleanup (void);

G_END_DECLS

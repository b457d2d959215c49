/* process-guard.h: a recorded command's whole tree ends with forkscope.
 *
 * PR_SET_PDEATHSIG reaches only the command itself, not what it forks, and
 * ptrace's EXITKILL exists only for tracees.  A guard puts the command in a
 * cgroup (v2) of its own, which everything it forks inherits, and leaves a
 * tiny guardian process that waits on a pipe only forkscope holds: when
 * forkscope ends — normally, by a signal, even by SIGKILL — the pipe closes
 * and the guardian kills the cgroup (cgroup.kill) and removes it, then
 * carries out the undo list forkscope may have sent it (tracefs instances
 * and a uprobe that a SIGKILLed forkscope could not remove).
 *
 * Needs write access to a cgroup2 hierarchy (root, as the tracefs tracer
 * is).  Where there is none, fs_process_guard_new() fails and the caller
 * goes on with PDEATHSIG alone.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FsProcessGuard FsProcessGuard;

#define FS_PROCESS_GUARD_PREFIX "forkscope-"

/* Creates the cgroup and starts the guardian. */
FsProcessGuard *fs_process_guard_new        (GError **error);

/* In a child of the caller, before exec: moves it into the cgroup.
 * Async-signal-safe.  FALSE when the move failed. */
gboolean        fs_process_guard_join       (const FsProcessGuard *guard);

/* The cgroup's directory. */
const char     *fs_process_guard_path       (const FsProcessGuard *guard);

/* What the guardian undoes, after killing the cgroup, when forkscope dies
 * without cancelling it: rmdir of each of rmdirs (NULL-terminated, in
 * order), then text appended to append_file (never truncated).  Replaces
 * nothing sent before: entries add up until fs_process_guard_cancel_undo().
 * For what forkscope's own clean-up cannot do when it is killed outright
 * (SIGKILL): e.g. tracefs instances and an enabled uprobe, which would
 * otherwise wait for the next start.  At most PIPE_BUF bytes a call. */
gboolean        fs_process_guard_set_undo   (FsProcessGuard *guard, const char *const *rmdirs,
                                             const char *append_file,
                                             const char *append_text);
/* forkscope does the clean-up itself: the guardian forgets its undo list. */
void            fs_process_guard_cancel_undo (FsProcessGuard *guard);

/* Kills what is left in the cgroup, removes it, ends the guardian. */
void            fs_process_guard_free       (FsProcessGuard *guard);

/* Removes guard cgroups whose forkscope and guardian are both gone (a
 * guardian killed with its forkscope, e.g. by a SIGKILL to the process
 * group), killing what is left in them.  Returns how many it removed. */
guint           fs_process_guard_remove_stale (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsProcessGuard, fs_process_guard_free)

G_END_DECLS

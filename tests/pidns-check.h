/* pidns-check.h: one command recorded inside a new PID namespace, and what
 * both tracers must make of it (shared by the ptrace and tracefs tests). */
#pragma once

#include "core/trace-model.h"

G_BEGIN_DECLS

/* argv of the command: unshare(1) makes a user and PID namespace, in which
 * sh kills one child by pid and another's process group, and reaps both. */
extern const char *const fs_test_pidns_argv[];

/* FALSE (with the test skipped) when this system refuses the namespaces. */
gboolean fs_test_pidns_usable (void);

/* Every pid the namespace's processes wrote or read (kill's target, the
 * group, wait4's result, si_pid) is in the trace as the process it named. */
void     fs_test_pidns_check (FsTrace *trace);

G_END_DECLS

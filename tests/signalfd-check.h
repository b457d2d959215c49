/* signalfd-check.h: tests/signalfd-reader recorded, and what each tracer
 * must make of it (shared by the ptrace and tracefs tests). */
#pragma once

#include "core/trace-model.h"

G_BEGIN_DECLS

/* The reader's path in the build tree (FS_BUILD_ROOT); the test is skipped
 * and NULL returned when it is not built. */
const char *fs_test_signalfd_reader (void);

/* The reader exited 0, and its three signals are deliveries read from the
 * signalfd (SIGUSR1 twice, SIGTERM), each sent by the child and paired with
 * that send.  inferred: whether the pairing may carry FS_EVENT_FLAG_INFERRED. */
void        fs_test_signalfd_check (FsTrace *trace, gboolean inferred);

G_END_DECLS

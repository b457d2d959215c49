/* drawing-test-traces.h: hand-built traces for the drawing and export tests. */
#pragma once

#include "core/trace-model.h"

/* The blog post's ordered-results program: main forks "very expensive" (5 s)
 * and "slightly expensive" (2 s); each prints, sleeps, sends SIGCONT to main
 * and waits in sigwait; main collects both CONTs in sigwait, then releases
 * them in order with SIGCONT and reaps each.  A hidden launcher (the engine's
 * infrastructure) is the root.  4 processes, 3 visible. */
FsTrace *fs_test_trace_ordered_results (void);

/* Everything else the pictures must show: a kernel-sent SIGCHLD, an inferred
 * pairing (dashed), a stopped and continued process, a zombie, an orphan
 * adopted by a subreaper, a process killed by SIGKILL, a signal pending at the
 * end.  Returns the number of visible processes in *n_visible. */
FsTrace *fs_test_trace_everything (guint *n_visible);

/* A wide trace: one root with n_children children, each of which sends
 * SIGUSR1 to the root once and exits. */
FsTrace *fs_test_trace_fan_out (guint n_children);

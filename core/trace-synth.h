/* trace-synth.h: synthetic but valid traces, for benchmarks and tests.
 *
 * The trace is a process tree rooted at process 0: every other process is
 * forked by a live process, execs, may print lines and receive signals, exits
 * (about one in ten killed by SIGTERM from its parent) and is reaped by its
 * parent before the parent exits.  Signals are send/deliver pairs.  The same
 * seed gives the same trace.
 */
#pragma once

#include "trace-model.h"

G_BEGIN_DECLS

/* A finished trace with n_processes processes and exactly n_events events.
 * When n_events is too small for that many lifecycles (4 events per process
 * but the root, which needs 2), fewer processes are made. */
FsTrace *fs_trace_synth (guint n_processes, gsize n_events, guint32 seed);

G_END_DECLS

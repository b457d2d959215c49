/* fs-event-format.h: one-line texts for events, times and processes, shared by
 * the event list, the inspector, the output pane and tooltips. */
#pragma once

#include "core/trace-model.h"
#include "ui/drawing/time-axis.h"   /* fs_format_axis_time */

G_BEGIN_DECLS

/* "1.234567 s", "12.345 ms", "850 µs": precision follows the magnitude. */
char        *fs_format_duration       (gint64 ns);
/* "+0.000 012 345" style playhead clock with fixed width, for labels. */
char        *fs_format_clock          (gint64 t_ns);
/* "main [1234]"; "kernel" for FS_PROCESS_KERNEL; "?" when unknown. */
char        *fs_format_process        (FsTrace *trace, FsProcessId id);
/* What happened, without the actor: "→ worker1 [1235]", "SIGCONT → main [1234]"… */
char        *fs_format_event_details  (FsTrace *trace, const FsEvent *event);
/* A short human label for the kind: "fork", "signal sent", "exit"… */
const char  *fs_event_kind_label      (FsEventKind kind);
/* The target of a signal send as text. */
char        *fs_format_signal_target  (FsTrace *trace, const FsEvent *event);
/* A process's colour for text (output pane, legend): #rrggbb, light or dark. */
const char  *fs_process_color         (FsProcessId id, gboolean dark);
/* Argument vector joined with spaces, quoting arguments that need it. */
char        *fs_format_argv           (const char *const *argv);

G_END_DECLS

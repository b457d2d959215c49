/* trace-export.h: text exports of a trace (Graphviz DOT, Mermaid, Chrome
 * Trace Event JSON) and the selection rules every export shares.
 *
 * Text exports have no cairo, so they live in core; the picture exports
 * (svg/png/pdf, sequence diagrams, animated SVG) are in ui/drawing/.
 *
 * Shared selection rules:
 *  - hidden processes (FS_PROCESS_FLAG_HIDDEN: the scenario engine's
 *    infrastructure) are left out unless include_hidden is set; their
 *    children hang from their nearest visible ancestor;
 *  - a process filter keeps only the listed processes (and the arrows
 *    between them);
 *  - a time window keeps events with from_ns <= t <= to_ns.
 * Where a send↔delivery pairing is inferred (FS_EVENT_FLAG_INFERRED) every
 * export says so: dashed edges/arrows, an "inferred" flag in data.
 */
#pragma once

#include <gio/gio.h>
#include "trace-model.h"

G_BEGIN_DECLS

/* fraction in [0, 1]; called a few hundred times at most per export. */
typedef void (*FsExportProgressFunc) (double fraction, gpointer user_data);

typedef struct {
  gint64             from_ns;       /* FS_TIME_NONE: from the start */
  gint64             to_ns;         /* FS_TIME_NONE: to the end */
  const FsProcessId *processes;     /* NULL: every visible process */
  guint              n_processes;
  gboolean           include_hidden;/* draw/export FS_PROCESS_FLAG_HIDDEN ones too */
} FsExportFilter;

/* Sets an all-inclusive filter (no window, no process list, hidden left out). */
void         fs_export_filter_init          (FsExportFilter *filter);

/* Whether a process is shown under the filter (visibility and process list;
 * the time window does not hide processes). */
gboolean     fs_export_filter_has_process   (const FsExportFilter *filter, FsTrace *trace,
                                             FsProcessId id);
/* The nearest ancestor (following parent links) that the filter shows,
 * FS_PROCESS_NONE when there is none. */
FsProcessId  fs_export_filter_visible_parent(const FsExportFilter *filter, FsTrace *trace,
                                             FsProcessId id);
/* Whether a time is inside the filter's window. */
gboolean     fs_export_filter_has_time      (const FsExportFilter *filter, gint64 t_ns);

/* Parses a --processes list: comma-separated pids ("1234"), process names
 * ("worker"; every process of that name) or trace ids ("#3").  Returns a new
 * array of FsProcessId (no duplicates, in id order) or NULL with an error that
 * names the item that matched nothing. */
GArray      *fs_export_parse_process_list   (FsTrace *trace, const char *spec, GError **error);

/* Parses a time in seconds ("1.5", "250ms", "20us", "end") relative to the trace
 * start; "end" gives the trace duration. */
gboolean     fs_export_parse_time           (FsTrace *trace, const char *text, gint64 *out_ns,
                                             GError **error);

/* One signal as an arrow: a send with its delivery (when seen), or a delivery
 * whose send was not traced.  sender is FS_PROCESS_KERNEL for the kernel and
 * FS_PROCESS_NONE when unknown; receiver is FS_PROCESS_NONE when the signal
 * went to a group/raw pid and no delivery was seen. */
typedef struct {
  gsize        send_index;     /* FS_EVENT_NONE: the send was not traced */
  gsize        deliver_index;  /* FS_EVENT_NONE: never delivered (in the trace) */
  FsProcessId  sender;
  FsProcessId  receiver;
  gint64       send_ns;        /* == deliver_ns when the send was not traced */
  gint64       deliver_ns;     /* FS_TIME_NONE when never delivered */
  int          signo;
  guint8       action;         /* FsSignalAction of the delivery, UNKNOWN if none */
  gboolean     inferred;       /* pairing guessed (FS_EVENT_FLAG_INFERRED on either end) */
} FsSignalArrow;

/* For the event at index: TRUE and the arrow when the event starts one (every
 * send; a delivery only when it has no traced send), FALSE otherwise, so a
 * walk over all events meets each arrow exactly once. */
gboolean     fs_export_signal_arrow         (FsTrace *trace, gsize index, FsSignalArrow *out);

/* A time for people: "12.5 µs", "3.40 ms", "5.002 s". */
char        *fs_export_format_time          (gint64 t_ns);

typedef struct {
  FsExportFilter       filter;
  const char          *title;        /* NULL: derived from the trace's scenario/command */
  gboolean             conservative; /* mermaid: no `create participant`/`destroy` */
  FsExportProgressFunc progress;     /* optional */
  gpointer             progress_data;
} FsTextExportOptions;

void         fs_text_export_options_init    (FsTextExportOptions *options);

/* Graphviz: the fork tree (solid edges parent → child, orphans dotted to
 * their adopter) with signal edges (labelled, dashed when inferred). */
gboolean     fs_export_dot                  (FsTrace *trace, const FsTextExportOptions *options,
                                             GOutputStream *out, GError **error);
/* Mermaid `sequenceDiagram`: participants, fork/signal/exit/output. */
gboolean     fs_export_mermaid              (FsTrace *trace, const FsTextExportOptions *options,
                                             GOutputStream *out, GError **error);
/* Chrome Trace Event Format (JSON object form), see docs/exports.md. */
gboolean     fs_export_chrome_json          (FsTrace *trace, const FsTextExportOptions *options,
                                             GOutputStream *out, GError **error);

/* Convenience: runs one of the above into a file ("-" is stdout). */
typedef gboolean (*FsTextExportFunc) (FsTrace *trace, const FsTextExportOptions *options,
                                      GOutputStream *out, GError **error);
gboolean     fs_export_text_to_file         (FsTextExportFunc func, FsTrace *trace,
                                             const FsTextExportOptions *options,
                                             const char *path, GError **error);
/* Convenience for tests and previews: the output as a string. */
char        *fs_export_text_to_string       (FsTextExportFunc func, FsTrace *trace,
                                             const FsTextExportOptions *options, GError **error);

G_END_DECLS

/* trace-file.h: the native .fstrace file — a versioned, self-describing,
 * append-only stream of records (see docs/trace-format.md).
 *
 * The writer is incremental: it is bound to an FsTrace that is being built in
 * time order and each sync writes what was appended since the last one (new
 * strings, new or changed processes, new events, metadata), so a recorder
 * killed mid-run leaves a file holding everything up to its last sync.
 *
 * The reader validates every field and never allocates by an unchecked count.
 * A file cut short opens with every complete record before the cut and a
 * warning; a corrupt one fails with an error naming the byte offset.
 */
#pragma once

#include "trace-model.h"

G_BEGIN_DECLS

typedef struct _FsTraceWriter FsTraceWriter;

/* Creates (truncates) path and writes the file header. */
FsTraceWriter *fs_trace_writer_new   (const char *path, FsTrace *trace, GError **error);
/* Writes to an open file descriptor (a pipe, a memfd, …), which the writer
 * owns and closes (also when this fails); name is used in messages. */
FsTraceWriter *fs_trace_writer_new_for_fd (int fd, const char *name, FsTrace *trace,
                                           GError **error);
/* Writes everything appended to the trace since the last sync, then flushes
 * it to the kernel (one write(2); no fsync).  Events must have been appended
 * in time order: a sync that meets an earlier event fails (INVALID). */
gboolean       fs_trace_writer_sync  (FsTraceWriter *self, GError **error);
/* Final sync, then the end record that marks the file complete. */
gboolean       fs_trace_writer_close (FsTraceWriter *self, GError **error);
void           fs_trace_writer_free  (FsTraceWriter *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsTraceWriter, fs_trace_writer_free)

/* Writes a whole (finished) trace. */
gboolean       fs_trace_save         (FsTrace *trace, const char *path, GError **error);

/* Reads and finishes a trace.  When the file was cut short the trace holds
 * every complete record, meta->truncated is set and *warning (if not NULL)
 * says where.  Errors name the file and the byte offset. */
FsTrace       *fs_trace_load         (const char *path, char **warning, GError **error);
FsTrace       *fs_trace_load_bytes   (const guint8 *data, gsize len, const char *name,
                                      char **warning, GError **error);

G_END_DECLS

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

/* ---- Following a file that is being written (the app's live view) ----------
 *
 * A follower keeps one FsTrace and the file offset just past the last
 * complete record it applied; each update reads only what was appended since
 * and applies it to that same trace (new strings, strvs, processes, rewritten
 * process rows, metadata, events), then finishes the trace again.  After
 * every successful update the trace equals what fs_trace_load() gives for
 * the file's content at that moment, meta->truncated included.
 *
 * - A record not yet completely written (the file ends inside it) is left
 *   for the next update, never taken for corruption; so is a file shorter
 *   than its header whose first bytes are the magic (just created).
 * - Corruption fails with the reader's error ("FILE: byte OFFSET: problem").
 * - A file that shrank below the applied offset, or was replaced by another
 *   file (another inode), fails with FS_TRACE_ERROR_IO: the trace already
 *   holds the old content, so the follower does not restart by itself; the
 *   caller starts a new follower (a new trace) if it wants the new content.
 * - After an error in the file the follower refuses further updates (a read
 *   that fails, e.g. a file not there yet, may be retried).  Its trace keeps
 *   every record before the bad one (a bad events record is dropped whole)
 *   and stays finished, so views showing it can go on reading it.
 *
 * Reading and applying are separate steps so that the file can be read in a
 * worker thread while the trace is only ever touched by the thread that owns
 * it: fs_trace_follower_read() reads the file only (never the trace) and
 * fs_trace_follower_apply() decodes and applies.  Run them one after the
 * other, never at the same time. */
typedef struct _FsTraceFollower FsTraceFollower;

/* What one update changed. */
typedef struct {
  gsize    n_events_before;      /* fs_trace_n_events() before the update */
  /* Events below this index are the same as before: n_events_before, unless
   * a new signal send at the very time of the last old event sorted in
   * before events of that instant (see fs_trace_finish). */
  gsize    first_changed_event;
  guint    n_processes_before;
  guint    n_rewritten_processes;/* rewrites of existing process rows (exit, exec, names) */
  gboolean meta_changed;
  gsize    bytes_applied;        /* how far the applied offset moved */
} FsTraceGrowth;

FsTraceFollower *fs_trace_follower_new        (const char *path);
FsTraceFollower *fs_trace_follower_ref        (FsTraceFollower *self);
void             fs_trace_follower_unref      (FsTraceFollower *self);
/* Always the same object, finished (empty until the header was read). */
FsTrace         *fs_trace_follower_get_trace  (FsTraceFollower *self);
/* The file offset just past the last complete record applied. */
gsize            fs_trace_follower_get_offset (FsTraceFollower *self);
/* Whether the END record was read (the writer closed the file). */
gboolean         fs_trace_follower_is_complete(FsTraceFollower *self);
/* Reads the file from the applied offset to its current end; *offset says
 * where the returned bytes start.  Any thread. */
GBytes          *fs_trace_follower_read       (FsTraceFollower *self, gsize *offset,
                                               GError **error);
/* Applies the complete records of tail (read at offset, which must be the
 * applied offset) and finishes the trace.  growth may be NULL. */
gboolean         fs_trace_follower_apply      (FsTraceFollower *self, gsize offset, GBytes *tail,
                                               FsTraceGrowth *growth, GError **error);
/* Read, then apply. */
gboolean         fs_trace_follower_update     (FsTraceFollower *self, FsTraceGrowth *growth,
                                               GError **error);

/* Double buffering, so that the trace shown never waits for fs_trace_finish
 * (which rebuilds indices over the whole trace): the follower keeps a second,
 * back trace.  fs_trace_follower_update_back() reads, applies and finishes
 * into the back trace — in a worker thread: it touches neither the front
 * trace nor its state — and fs_trace_follower_swap(), in the thread that
 * reads the front trace, moves the result into the front trace (the same
 * object, new contents; fs_trace_swap_contents) in O(1), returning FALSE when
 * the back had nothing newer.  The back then holds the previous contents and
 * catches up at its next update (new records are decoded twice).  Costs the
 * memory of two traces.  growth is relative to the front's previous
 * contents.  Do not mix with fs_trace_follower_read/apply/update. */
FsTraceFollower *fs_trace_follower_new_double_buffered (const char *path);
gboolean         fs_trace_follower_update_back(FsTraceFollower *self, GError **error);
gboolean         fs_trace_follower_swap       (FsTraceFollower *self, FsTraceGrowth *growth);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsTraceFollower, fs_trace_follower_unref)

G_END_DECLS

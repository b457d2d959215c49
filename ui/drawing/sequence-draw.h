/* sequence-draw.h: the trace as a sequence diagram (the documentation picture).
 *
 * A lifeline per process from fork to exit/reap (a thick bar while running,
 * thin and dashed while blocked, hatched while stopped), fork arrows, signal
 * arrows sender → receiver labelled with the signal (dashed when inferred,
 * from a "kernel" column for kernel-generated signals), delivery marks with
 * the action (handled, ignored, terminated, stopped, continued, sigwait),
 * exits with status, reaps, and output lines as notes.
 *
 * Time runs down.  Compressed time (the default) gives every shown event the
 * same height and marks long gaps with a break and the skipped duration, since
 * real timings mix seconds and microseconds; proportional time places events
 * at their real times.
 */
#pragma once

#include <cairo.h>
#include "core/trace-model.h"
#include "core/trace-export.h"
#include "palette.h"

G_BEGIN_DECLS

typedef enum {
  FS_SEQUENCE_TIME_COMPRESSED = 0,
  FS_SEQUENCE_TIME_PROPORTIONAL,
} FsSequenceTimeMode;

typedef struct {
  FsExportFilter      filter;       /* window and process list */
  FsSequenceTimeMode  time_mode;
  gboolean            show_output;  /* output notes (default TRUE) */
  gboolean            show_exec;    /* exec notes (default TRUE) */
  const char         *title;        /* NULL: no title */
  FsExportProgressFunc progress;    /* optional, for big traces */
  gpointer            progress_data;
} FsSequenceOptions;

void  fs_sequence_options_init (FsSequenceOptions *options);

typedef struct _FsSequenceLayout FsSequenceLayout;

/* Measures text and places every row and column; the trace must be finished. */
FsSequenceLayout *fs_sequence_layout_new  (FsTrace *trace, const FsSequenceOptions *options);
void              fs_sequence_layout_free (FsSequenceLayout *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsSequenceLayout, fs_sequence_layout_free)

void     fs_sequence_layout_get_size (FsSequenceLayout *self, double *width, double *height);
/* Rows drawn (events shown), for tests and progress. */
guint    fs_sequence_layout_get_n_rows (FsSequenceLayout *self);
/* Lifelines (processes, plus the kernel when it sends). */
guint    fs_sequence_layout_get_n_columns (FsSequenceLayout *self);

/* Image exports refuse diagrams beyond these (nobody can read them); the
 * layout itself has no limit. */
#define FS_SEQUENCE_MAX_ROWS    50000
#define FS_SEQUENCE_MAX_COLUMNS 400
/* The y coordinate of time t (for a playhead line on screen). */
double   fs_sequence_layout_time_to_y (FsSequenceLayout *self, gint64 t_ns);

/* Paints the whole diagram at (0, 0); palette NULL: light.  Only the part
 * inside the current clip is drawn, so a screen can paint a viewport cheaply. */
void     fs_sequence_draw (cairo_t *cr, FsSequenceLayout *layout, const FsPalette *palette);

G_END_DECLS

/* export-image.h: pictures to files — the graph at an instant, the sequence
 * diagram, and the animated graph — as SVG, PNG (HiDPI via scale) or PDF.
 * The same draw functions as the screen, wrapped in cairo surfaces.
 */
#pragma once

#include <gio/gio.h>
#include "core/trace-model.h"
#include "core/trace-export.h"
#include "palette.h"
#include "sequence-draw.h"

G_BEGIN_DECLS

typedef enum {
  FS_IMAGE_SVG = 0,
  FS_IMAGE_PNG,
  FS_IMAGE_PDF,
} FsImageFormat;

typedef struct {
  FsImageFormat        format;
  FsTheme              theme;
  double               scale;        /* PNG pixels per unit (2 for HiDPI); vector: 1 */
  double               width;        /* > 0: scale the picture to this width in units/px */
  const char          *title;        /* NULL: derived from the trace */
  gboolean             include_hidden;
  const FsProcessId   *processes;    /* graph: NULL for all */
  guint                n_processes;
  FsExportProgressFunc progress;
  gpointer             progress_data;
} FsImageOptions;

void     fs_image_options_init (FsImageOptions *options);
/* "svg"/"png"/"pdf" → format; FALSE otherwise. */
gboolean fs_image_format_from_name (const char *name, FsImageFormat *out);

/* The title derived from the trace (scenario file name, else command), newly allocated. */
char    *fs_trace_default_title (FsTrace *trace);

/* The graph at t_ns.  path "-" writes to stdout. */
gboolean fs_export_graph_image    (FsTrace *trace, gint64 t_ns, const FsImageOptions *options,
                                   const char *path, GError **error);
GBytes  *fs_export_graph_bytes    (FsTrace *trace, gint64 t_ns, const FsImageOptions *options,
                                   GError **error);

/* The sequence diagram; seq_options NULL: defaults (compressed, everything). */
gboolean fs_export_sequence_image (FsTrace *trace, const FsSequenceOptions *seq_options,
                                   const FsImageOptions *options, const char *path,
                                   GError **error);
GBytes  *fs_export_sequence_bytes (FsTrace *trace, const FsSequenceOptions *seq_options,
                                   const FsImageOptions *options, GError **error);

/* Process lanes over filter's window (all of it when NULL: the whole trace,
 * every visible process).  options->width is the picture's width (default
 * FS_LANES_DEFAULT_WIDTH); the height shows every lane.  More than
 * FS_LANES_MAX_ROWS lanes is refused with FS_EXPORT_ERROR_TOO_LARGE. */
gboolean fs_export_lanes_image    (FsTrace *trace, const FsExportFilter *filter,
                                   const FsImageOptions *options, const char *path,
                                   GError **error);
GBytes  *fs_export_lanes_bytes    (FsTrace *trace, const FsExportFilter *filter,
                                   const FsImageOptions *options, GError **error);

typedef struct {
  double seconds_per_step;   /* compressed playback: screen time per event step (default 0.6) */
  gboolean real_time;        /* TRUE: real trace time (gaps capped at max_gap_s) */
  double max_gap_s;          /* real_time: longest pause shown (default 2) */
  double hold_end_s;         /* pause on the final picture before looping (default 2) */
  gint64 from_ns, to_ns;     /* window played; FS_TIME_NONE: whole trace */
} FsAnimationOptions;

void     fs_animation_options_init (FsAnimationOptions *options);

/* One self-contained SVG (no script) whose SMIL animations play the graph's
 * timeline in a loop: one <set> per process state change, signals flying
 * along their arrows.  options->format is ignored. */
gboolean fs_export_animated_svg   (FsTrace *trace, const FsImageOptions *options,
                                   const FsAnimationOptions *animation, const char *path,
                                   GError **error);
GBytes  *fs_export_animated_svg_bytes (FsTrace *trace, const FsImageOptions *options,
                                       const FsAnimationOptions *animation, GError **error);

#define FS_EXPORT_ERROR (fs_export_error_quark ())
GQuark fs_export_error_quark (void);

typedef enum {
  FS_EXPORT_ERROR_FAILED,
  FS_EXPORT_ERROR_TOO_LARGE,  /* a raster image would exceed cairo's 32767 px limit */
  FS_EXPORT_ERROR_IO,
} FsExportError;

G_END_DECLS

/* graph-draw.h: the process graph at one instant, drawn with cairo + pango.
 *
 * One function serves the app's screen (GtkDrawingArea / gtk_snapshot_append_cairo)
 * and every image export.  It draws in layout coordinates with (0, 0) at the
 * top-left of the picture (title, tree, legend); the caller sets any zoom/pan
 * transform first.
 *
 * What it shows at t: a node per process alive (or dead, faded) at t, with
 * name, pid and state; its state as colour AND outline/glyph/pattern
 * (running: solid rounded box, ● glyph; blocked: dashed outline, ‖ glyph and
 * the reason; stopped: hatched fill, ■ glyph; zombie: dotted chamfered box, ✕
 * glyph; gone: faint outline); parent → child edges (orphans: a dotted edge
 * to the adopter); signals in flight as labelled arrows from the sender (or
 * the "kernel" box) to the receiver with a marker at the flight's progress
 * (dashed when the pairing was inferred); pending signals as badges; the
 * latest output line under each node; a legend.
 */
#pragma once

#include <cairo.h>
#include "core/trace-model.h"
#include "palette.h"
#include "graph-layout.h"

G_BEGIN_DECLS

/* Progress in [0, 1] of a signal along its arrow at t.  The default (when the
 * style has none) is the fraction of the time between send and delivery,
 * 0.5 for a signal never delivered. */
typedef double (*FsSignalProgressFunc) (FsTrace *trace, const FsSignalFlight *flight,
                                        gint64 t_ns, gpointer user_data);

typedef struct {
  const FsPalette     *palette;        /* NULL: light */
  const char          *title;          /* NULL: no title band */
  gboolean             show_legend;    /* legend band under the tree */
  gboolean             show_output;    /* latest output line under each node */
  gboolean             show_time;      /* "t = 1.234 s" in the title band */
  gboolean             show_unborn;    /* draw not-yet-born processes as faint placeholders */
  FsProcessId          selected;       /* outlined; FS_PROCESS_NONE for none */
  FsProcessId          hovered;
  FsSignalProgressFunc signal_progress;
  gpointer             signal_progress_data;
} FsGraphStyle;

/* Defaults: palette of the theme, legend, output and time shown, no title. */
void     fs_graph_style_init   (FsGraphStyle *style, FsTheme theme);

/* Size of the whole picture fs_graph_draw paints (title + tree + legend). */
void     fs_graph_get_size     (FsGraphLayout *layout, const FsGraphStyle *style,
                                double *width, double *height);
/* Offset of the tree area inside the picture (add to layout coordinates). */
void     fs_graph_get_tree_origin (FsGraphLayout *layout, const FsGraphStyle *style,
                                   double *x, double *y);

/* Paints background, title, tree, signals and legend for time t_ns. */
void     fs_graph_draw         (cairo_t *cr, FsTrace *trace, FsGraphLayout *layout,
                                gint64 t_ns, const FsGraphStyle *style);

/* Pieces, for a screen that places the legend itself. */
void     fs_graph_draw_tree    (cairo_t *cr, FsTrace *trace, FsGraphLayout *layout,
                                gint64 t_ns, const FsGraphStyle *style);
void     fs_graph_legend_get_size (const FsGraphStyle *style, double *width, double *height);
void     fs_graph_draw_legend  (cairo_t *cr, const FsGraphStyle *style, double x, double y);

G_END_DECLS

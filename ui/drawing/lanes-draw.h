/* lanes-draw.h: one lane per process over time (the view KernelShark and
 * Perfetto users know), drawn with cairo + pango for the app and the exports.
 *
 * Rows follow the process tree depth-first (a parent above its children,
 * names indented by depth, labelled "name[pid]"); time runs left to right.
 * Each lane is a bar over the process's life, painted by its state: running
 * (solid), blocked in wait/sigwait/sleep/pause (pale with edges and the
 * reason), stopped (hatched), zombie (thin).  Forks are vertical connectors
 * from the parent's lane to the start of the child's; exec and exit are ticks
 * on the lane; a reap ends it.  Signals are arrows from the sender's lane at
 * the send time to the receiver's lane at the delivery time (from a small
 * kernel marker for kernel-sent ones; dashed when the pairing was inferred).
 *
 * Drawing costs what is visible, not what the trace holds: only the rows in
 * the view are painted, state changes and events closer than a pixel are
 * binned (one binary search per pixel column and lane), so a 10,000-process,
 * 1,000,000-event trace draws as fast as a small one.
 */
#pragma once

#include <cairo.h>
#include "core/trace-model.h"
#include "core/trace-export.h"
#include "palette.h"

G_BEGIN_DECLS

#define FS_LANES_NO_ROW G_MAXUINT
/* Image exports refuse more lanes than this (nobody can read them). */
#define FS_LANES_MAX_ROWS 2000
/* Export width when none is asked for. */
#define FS_LANES_DEFAULT_WIDTH 1200.0

typedef struct _FsLanesLayout FsLanesLayout;

/* The rows: the processes the filter shows whose life overlaps its window,
 * in tree order.  The trace must be finished and outlive the layout. */
FsLanesLayout *fs_lanes_layout_new       (FsTrace *trace, const FsExportFilter *filter);
void           fs_lanes_layout_free      (FsLanesLayout *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsLanesLayout, fs_lanes_layout_free)

FsTrace       *fs_lanes_layout_get_trace       (FsLanesLayout *self);
guint          fs_lanes_layout_get_n_rows      (FsLanesLayout *self);
FsProcessId    fs_lanes_layout_get_row_process (FsLanesLayout *self, guint row);
/* FS_LANES_NO_ROW when the process has no lane. */
guint          fs_lanes_layout_get_process_row (FsLanesLayout *self, FsProcessId id);
guint          fs_lanes_layout_get_row_depth   (FsLanesLayout *self, guint row);

/* What to draw and where: a window in time over a viewport. */
typedef struct {
  const FsPalette *palette;      /* NULL: light */
  gint64           from_ns;      /* time at the plot's left edge */
  gint64           to_ns;        /* time at its right edge (> from_ns) */
  double           width;        /* the picture (or widget): names column + plot */
  double           height;       /* the picture (or widget) */
  double           scroll_y;     /* lane pixels scrolled off the top */
  const char      *title;        /* NULL: no title band */
  gboolean         show_legend;  /* legend band at the bottom */
  gint64           playhead_ns;  /* FS_TIME_NONE: no playhead */
  FsProcessId      selected;     /* highlighted lane, FS_PROCESS_NONE */
  FsProcessId      hovered;
} FsLanesView;

/* The whole trace over width × the height that shows every lane, light
 * palette, no title, legend, playhead or selection. */
void     fs_lanes_view_init          (FsLanesView *view, FsLanesLayout *layout, double width);

/* Height that shows every lane (title, axis and legend included). */
double   fs_lanes_get_content_height (FsLanesLayout *self, const FsLanesView *view);
/* The area the lanes are drawn in (right of the names, below the axis,
 * above the legend). */
void     fs_lanes_get_plot_area      (FsLanesLayout *self, const FsLanesView *view,
                                      double *x, double *y, double *width, double *height);
double   fs_lanes_time_to_x          (FsLanesLayout *self, const FsLanesView *view, gint64 t_ns);
gint64   fs_lanes_x_to_time          (FsLanesLayout *self, const FsLanesView *view, double x);
/* Centre line of a row's bar (scroll_y applied). */
double   fs_lanes_row_to_y           (FsLanesLayout *self, const FsLanesView *view, guint row);
/* The row under y, FS_LANES_NO_ROW outside the lanes. */
guint    fs_lanes_y_to_row           (FsLanesLayout *self, const FsLanesView *view, double y);
double   fs_lanes_get_row_height     (void);

/* What is under a point, for tooltips and clicks. */
typedef struct {
  guint        row;              /* FS_LANES_NO_ROW: not on a lane */
  FsProcessId  process;
  gint64       t_ns;
  guint8       state;            /* FsStateKind at t_ns */
  guint8       reason;           /* FsBlockReason when blocked */
  gsize        event;            /* the lane's event nearest the point within a few
                                  * pixels, FS_EVENT_NONE */
} FsLanesHit;

gboolean fs_lanes_hit_test           (FsLanesLayout *self, const FsLanesView *view, double x,
                                      double y, FsLanesHit *out);

/* Paints the view at (0, 0) over width × height. */
void     fs_lanes_draw               (cairo_t *cr, FsLanesLayout *self, const FsLanesView *view);

G_END_DECLS

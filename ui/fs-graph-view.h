/* fs-graph-view.h: the animated process graph at the session's playhead.
 *
 * Draws through the drawing library (ui/drawing/graph-draw.h), the same code
 * as the image exports, inside gtk_snapshot_append_cairo.  Zoom with
 * Ctrl+scroll or a pinch, pan by dragging or scrolling, fit to the window;
 * a click selects a process, hovering shows its tooltip.
 */
#pragma once

#include <gtk/gtk.h>
#include "fs-session.h"

G_BEGIN_DECLS

#define FS_TYPE_GRAPH_VIEW (fs_graph_view_get_type ())
G_DECLARE_FINAL_TYPE (FsGraphView, fs_graph_view, FS, GRAPH_VIEW, GtkWidget)

GtkWidget   *fs_graph_view_new          (void);
void         fs_graph_view_set_session  (FsGraphView *self, FsSession *session);
FsSession   *fs_graph_view_get_session  (FsGraphView *self);

/* Zoom factor (1 = layout units are pixels). */
double       fs_graph_view_get_zoom     (FsGraphView *self);
/* Zooms by factor around the widget point (x, y); (-1, -1): the centre. */
void         fs_graph_view_zoom_by      (FsGraphView *self, double factor, double x, double y);
/* Shows the whole graph, and keeps doing so as the window resizes, until the
 * user zooms or pans. */
void         fs_graph_view_zoom_to_fit  (FsGraphView *self);
/* The process under widget point (x, y), FS_PROCESS_NONE when none. */
FsProcessId  fs_graph_view_hit_test     (FsGraphView *self, double x, double y);
/* Whether the graph is drawn with the dark palette (follows the theme). */
gboolean     fs_graph_view_is_dark      (FsGraphView *self);

/* Time spent painting the last frame, for the benchmark (µs). */
gint64       fs_graph_view_get_last_draw_us (FsGraphView *self);

G_END_DECLS

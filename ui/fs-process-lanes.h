/* fs-process-lanes.h: one lane per process over time (ui/drawing/lanes-draw.h)
 * as a widget on a FsSession: it shows the session's visible time range and
 * playhead, and its selection is the session's selected process.
 *
 * Ctrl+scroll zooms around the pointer, Shift+scroll or a horizontal scroll
 * pans time, dragging pans time and lanes, scrolling moves through the lanes
 * (the widget is GtkScrollable: put it in a GtkScrolledWindow).  A click on a
 * lane selects its process; a double click also moves the playhead there;
 * Up/Down move the selection.  Tooltips name the process, its state and the
 * event under the pointer.
 */
#pragma once

#include <gtk/gtk.h>
#include "fs-session.h"
#include "ui/drawing/lanes-draw.h"

G_BEGIN_DECLS

#define FS_TYPE_PROCESS_LANES (fs_process_lanes_get_type ())
G_DECLARE_FINAL_TYPE (FsProcessLanes, fs_process_lanes, FS, PROCESS_LANES, GtkWidget)

GtkWidget     *fs_process_lanes_new          (void);
void           fs_process_lanes_set_session  (FsProcessLanes *self, FsSession *session);
/* The rows and the view drawn at the current size (for tests); NULL without a trace. */
FsLanesLayout *fs_process_lanes_get_layout   (FsProcessLanes *self);
void           fs_process_lanes_get_view     (FsProcessLanes *self, FsLanesView *view);

G_END_DECLS

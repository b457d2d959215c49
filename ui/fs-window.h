/* fs-window.h: the main window — graph, timeline, player, event list, output
 * and inspector around one FsSession; opens traces, runs scenarios, exports. */
#pragma once

#include <gtk/gtk.h>
#include "fs-session.h"
#include "core/trace-file.h"
#include "fs-graph-view.h"
#include "fs-timeline.h"
#include "fs-process-lanes.h"
#include "fs-event-list.h"
#include "fs-inspector.h"
#include "fs-output-view.h"
#include "fs-window-live.h"

G_BEGIN_DECLS

#define FS_TYPE_WINDOW (fs_window_get_type ())
G_DECLARE_FINAL_TYPE (FsWindow, fs_window, FS, WINDOW, GtkApplicationWindow)

FsWindow     *fs_window_new             (GtkApplication *app);
/* Opens a trace (.fstrace or JSON), or runs a scenario (.fsc) through
 * `forkscope-cli run` and opens its trace.  Errors show in the window. */
void          fs_window_open            (FsWindow *self, GFile *file);
FsSession    *fs_window_get_session     (FsWindow *self);
/* Start playing as soon as a trace is open (the default; a setting). */
void          fs_window_set_autoplay    (FsWindow *self, gboolean autoplay);

/* What the content area shows: "empty", "loading", "error" or "graph". */
const char   *fs_window_get_page        (FsWindow *self);
/* The banner's text when it is shown (errors, warnings, status), else NULL. */
const char   *fs_window_get_banner_text (FsWindow *self);
const char   *fs_window_get_error_text  (FsWindow *self);

FsGraphView  *fs_window_get_graph_view  (FsWindow *self);
FsTimeline   *fs_window_get_timeline    (FsWindow *self);
FsProcessLanes *fs_window_get_lanes_view (FsWindow *self);
/* The view shown for an open trace: "graph" or "lanes" (win.view). */
const char   *fs_window_get_view        (FsWindow *self);
FsEventList  *fs_window_get_event_list  (FsWindow *self);
FsInspector  *fs_window_get_inspector   (FsWindow *self);
FsOutputView *fs_window_get_output_view (FsWindow *self);

/* The status banner, for other parts of the window (the live view). */
typedef enum {
  FS_WINDOW_STATUS_INFO,
  FS_WINDOW_STATUS_WARNING,
  FS_WINDOW_STATUS_ERROR,
  FS_WINDOW_STATUS_BUSY,      /* with a spinner, no close button */
} FsWindowStatus;

void          fs_window_show_status     (FsWindow *self, FsWindowStatus kind, const char *text);
void          fs_window_hide_status     (FsWindow *self);
/* The live side (fs-window-live.c): scenario editor, live runs, recordings. */
FsWindowLive *fs_window_get_live        (FsWindow *self);
/* Shows a trace that is still growing (a live recording): the first call
 * makes it the session's trace, later calls refresh the views and keep the
 * playhead where it was, or move it to the newest event when follow is set.
 * growth (NULL: unknown) says what changed when trace is the object already
 * shown, grown in place: then the views extend what they built instead of
 * starting over. */
void          fs_window_show_live_trace (FsWindow *self, FsTrace *trace, const char *path,
                                         const char *name, gboolean follow,
                                         const FsTraceGrowth *growth);

/* Frame statistics while playing (for the benchmark): intervals between
 * frame-clock frames and graph paint times, in µs. */
GArray       *fs_window_get_frame_intervals (FsWindow *self);

G_END_DECLS

/* fs-marker-lines.h: maps between trace events and the scenario source lines
 * that caused them, through the engine's FS_EVENT_MARKER events (u.marker.line).
 * GTK-free, used by the window to drive the editor's current line. */
#pragma once

#include "core/trace-model.h"

G_BEGIN_DECLS

/* The scenario line behind event_index: the event's own line when it is a
 * marker, else the last marker of the same process at or before it; 0 when
 * there is none (or index is FS_EVENT_NONE).  The trace must be finished. */
guint  fs_marker_line_at_event     (FsTrace *trace, gsize event_index);
/* The first marker event of line, FS_EVENT_NONE when the line never ran. */
gsize  fs_marker_first_event_of_line (FsTrace *trace, guint line);

G_END_DECLS

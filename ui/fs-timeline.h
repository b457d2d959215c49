/* fs-timeline.h: the whole trace on one strip — event density (one bin per
 * pixel, so drawing costs the width, not the event count), markers per event
 * kind, a time axis and a draggable playhead.
 *
 * Click or drag to seek; Shift+drag selects a range to zoom into; Ctrl+scroll
 * zooms around the pointer, scrolling pans, a double click shows everything.
 * The visible range is the session's, so other views can follow it.
 */
#pragma once

#include <gtk/gtk.h>
#include "fs-session.h"

G_BEGIN_DECLS

#define FS_TYPE_TIMELINE (fs_timeline_get_type ())
G_DECLARE_FINAL_TYPE (FsTimeline, fs_timeline, FS, TIMELINE, GtkWidget)

GtkWidget *fs_timeline_new          (void);
void       fs_timeline_set_session  (FsTimeline *self, FsSession *session);
/* Widget x of a time in the visible range, and back. */
double     fs_timeline_time_to_x    (FsTimeline *self, gint64 t_ns);
gint64     fs_timeline_x_to_time    (FsTimeline *self, double x);
/* Zooms the visible range by factor (< 1 zooms in) around time center_ns. */
void       fs_timeline_zoom         (FsTimeline *self, double factor, gint64 center_ns);
/* Events counted in each pixel column at the current size, for tests. */
const guint32 *fs_timeline_get_bins (FsTimeline *self, guint *n_bins);

G_END_DECLS

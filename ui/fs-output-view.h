/* fs-output-view.h: the scenario's printed lines in time order, coloured per
 * process; lines appear as the playhead passes them, the latest one is
 * selected and kept in view, and clicking a line seeks to it.  A virtualised
 * list: only the lines on screen have widgets, whatever the trace's size. */
#pragma once

#include <gtk/gtk.h>
#include "fs-session.h"

G_BEGIN_DECLS

#define FS_TYPE_OUTPUT_VIEW (fs_output_view_get_type ())
G_DECLARE_FINAL_TYPE (FsOutputView, fs_output_view, FS, OUTPUT_VIEW, GtkWidget)

GtkWidget *fs_output_view_new          (void);
void       fs_output_view_set_session  (FsOutputView *self, FsSession *session);
/* Lines shown at the playhead (tests). */
guint      fs_output_view_get_n_visible(FsOutputView *self);
/* The visible text (tests). */
char      *fs_output_view_get_text     (FsOutputView *self);

G_END_DECLS

/* fs-inspector.h: everything about the selected process — pid, parent, name,
 * exec history with argv, state at the playhead, exit status, signals sent
 * and received, and its output lines. */
#pragma once

#include <gtk/gtk.h>
#include "fs-session.h"

G_BEGIN_DECLS

#define FS_TYPE_INSPECTOR (fs_inspector_get_type ())
G_DECLARE_FINAL_TYPE (FsInspector, fs_inspector, FS, INSPECTOR, GtkWidget)

/* Lists (signals, output, execs) show at most this many entries each. */
#define FS_INSPECTOR_MAX_ROWS 200

GtkWidget *fs_inspector_new         (void);
void       fs_inspector_set_session (FsInspector *self, FsSession *session);
/* The shown text without markup (for tests and copying). */
char      *fs_inspector_get_text    (FsInspector *self);

G_END_DECLS

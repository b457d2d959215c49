/* fs-export-dialog.h: every export format of the CLI, with a preview, from
 * the same drawing and export code. */
#pragma once

#include <gtk/gtk.h>
#include "fs-session.h"

G_BEGIN_DECLS

#define FS_TYPE_EXPORT_DIALOG (fs_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FsExportDialog, fs_export_dialog, FS, EXPORT_DIALOG, GtkWindow)

typedef enum {
  FS_EXPORT_GRAPH_SVG = 0,
  FS_EXPORT_GRAPH_PNG,
  FS_EXPORT_GRAPH_PDF,
  FS_EXPORT_SEQUENCE_SVG,
  FS_EXPORT_SEQUENCE_PNG,
  FS_EXPORT_SEQUENCE_PDF,
  FS_EXPORT_LANES_SVG,
  FS_EXPORT_LANES_PNG,
  FS_EXPORT_LANES_PDF,
  FS_EXPORT_ANIMATED_SVG,
  FS_EXPORT_DOT,
  FS_EXPORT_MERMAID,
  FS_EXPORT_CHROME_JSON,
  FS_EXPORT_TRACE_JSON,
  FS_EXPORT_FSTRACE,
  FS_EXPORT_LAST
} FsExportKind;

FsExportDialog *fs_export_dialog_new        (GtkWindow *parent, FsSession *session, gboolean dark);
void            fs_export_dialog_set_kind   (FsExportDialog *self, FsExportKind kind);
/* Writes the chosen export to path synchronously (the Save button runs it in
 * a thread); used by tests. */
gboolean        fs_export_dialog_export_to  (FsExportDialog *self, const char *path, GError **error);
/* The trace is a live recording's, grown in place while the dialog is open:
 * exports (which run in a thread) read the recording at path instead of
 * the trace shown, which the main loop may change under them. */
void            fs_export_dialog_set_live_recording (FsExportDialog *self, const char *path);
/* File name extension of a kind ("svg", "png", "dot"…). */
const char     *fs_export_kind_extension    (FsExportKind kind);

G_END_DECLS

/* fs-record-dialog.h: the Record dialog — record a command (command line,
 * program chooser, working directory) or attach to a running process (a
 * searchable picker built from /proc), with the tracer to use (auto, ptrace,
 * tracefs; tracefs only when it can work, else disabled with the reason).
 *
 * Record validates the input, starts an FsLiveRun and emits "started" with it;
 * problems (command not found, no process selected, tracefs unavailable) are
 * shown in the dialog and it stays open.
 *
 * Signals:
 *   "started" (FsLiveRun *run): recording began; the dialog then closes.
 */
#pragma once

#include <gtk/gtk.h>
#include "fs-live-run.h"

G_BEGIN_DECLS

#define FS_TYPE_RECORD_DIALOG (fs_record_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FsRecordDialog, fs_record_dialog, FS, RECORD_DIALOG, GtkWindow)

FsRecordDialog *fs_record_dialog_new            (GtkWindow *parent);

/* The fields, for the window (remembering the last command) and for tests. */
void         fs_record_dialog_set_command_line  (FsRecordDialog *self, const char *command_line);
void         fs_record_dialog_set_working_dir   (FsRecordDialog *self, const char *dir);
/* "auto", "ptrace" or "tracefs"; FALSE when that choice is disabled here. */
gboolean     fs_record_dialog_set_tracer        (FsRecordDialog *self, const char *tracer);
const char  *fs_record_dialog_get_tracer        (FsRecordDialog *self);
/* Switches to attach mode and selects pid in the picker (FALSE: not listed). */
gboolean     fs_record_dialog_select_pid        (FsRecordDialog *self, GPid pid);
void         fs_record_dialog_set_search        (FsRecordDialog *self, const char *text);
/* Pids the picker shows with the current search, in order. */
GArray      *fs_record_dialog_get_visible_pids  (FsRecordDialog *self);
/* The message shown for the last failed start, or NULL. */
const char  *fs_record_dialog_get_error         (FsRecordDialog *self);

/* What the Record button does: validates, starts a run and returns it (a new
 * reference; "started" is emitted too), or NULL with error (also shown). */
FsLiveRun   *fs_record_dialog_start             (FsRecordDialog *self, GError **error);

G_END_DECLS

/* fs-window-live.h: the live side of the main window — the scenario editor
 * pane, Run (Ctrl+R) / Stop (Esc), the Record dialog (Ctrl+Shift+R), "follow
 * live", saving a recording, the editor's current line following the
 * playhead (and a click on a line seeking to it), and the offer to restore
 * recordings an earlier app left unsaved.
 *
 * Kept beside fs-window.c (split by concern, like GNOME Text Editor's
 * editor-window-*.c): the window creates one in init and frees it in dispose;
 * it talks to the window only through fs-window.h.
 *
 * Actions (group "live"): live.toggle-editor (state b), live.run, live.stop,
 * live.record, live.follow (state b), live.save-recording.
 */
#pragma once

#include <gtk/gtk.h>
#include "fs-live-run.h"
#include "fs-scenario-editor.h"

G_BEGIN_DECLS

typedef struct _FsWindow FsWindow;
typedef struct _FsWindowLive FsWindowLive;

/* Wraps the window's content in a pane with the (hidden) editor, adds the
 * header bar buttons, the "live" actions and their shortcuts. */
FsWindowLive     *fs_window_live_new          (FsWindow *window);
void              fs_window_live_free         (FsWindowLive *self);

FsScenarioEditor *fs_window_live_get_editor   (FsWindowLive *self);
/* The current (or last) run, NULL before the first. */
FsLiveRun        *fs_window_live_get_run      (FsWindowLive *self);
gboolean          fs_window_live_get_follow   (FsWindowLive *self);
/* The recording shown that is not saved anywhere yet, or NULL. */
const char       *fs_window_live_get_unsaved_recording (FsWindowLive *self);
/* The window opened (and runs) a scenario file: show it in the editor unless
 * the editor holds unsaved text. */
void              fs_window_live_scenario_opened (FsWindowLive *self, GFile *file);
/* Looks for recordings an earlier app left and offers to open them. */
void              fs_window_live_offer_restore (FsWindowLive *self);

G_END_DECLS

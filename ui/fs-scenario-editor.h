/* fs-scenario-editor.h: the scenario (.fsc) editor pane — a GtkSourceView
 * with the forkscope-scenario language, line numbers, the parser's diagnostics
 * shown as the user types (debounced), open/save/save-as with a dirty state,
 * an Examples menu of the shipped scenarios, and a "current line" the player
 * drives from the engine's line markers.
 *
 * Signals:
 *   "line-activated" (guint line): the user clicked line (1-based) — the
 *     window seeks to that line's first event.
 *   "diagnostics-changed": a new parse finished (see fs_scenario_editor_get_n_errors).
 *
 * Actions (on the widget, "editor." prefix): editor.open, editor.save,
 * editor.save-as, editor.open-example(s: path).
 */
#pragma once

#include <gtk/gtk.h>
#include "core/trace-model.h"

G_BEGIN_DECLS

#define FS_TYPE_SCENARIO_EDITOR (fs_scenario_editor_get_type ())
G_DECLARE_FINAL_TYPE (FsScenarioEditor, fs_scenario_editor, FS, SCENARIO_EDITOR, GtkWidget)

/* How long typing must pause before the text is parsed again. */
#define FS_SCENARIO_EDITOR_DEBOUNCE_MS 300

GtkWidget   *fs_scenario_editor_new              (void);

/* Text and file. */
void         fs_scenario_editor_set_text         (FsScenarioEditor *self, const char *text);
char        *fs_scenario_editor_get_text         (FsScenarioEditor *self);
gboolean     fs_scenario_editor_load_file        (FsScenarioEditor *self, GFile *file, GError **error);
/* Saves to the current file (FALSE with error when there is none). */
gboolean     fs_scenario_editor_save             (FsScenarioEditor *self, GError **error);
gboolean     fs_scenario_editor_save_as          (FsScenarioEditor *self, GFile *file, GError **error);
GFile       *fs_scenario_editor_get_file         (FsScenarioEditor *self);
gboolean     fs_scenario_editor_get_dirty        (FsScenarioEditor *self);
/* "name.fsc", "name.fsc •" when dirty, "Untitled scenario" without a file. */
char        *fs_scenario_editor_get_title        (FsScenarioEditor *self);
/* Writes the current text (saved or not) to a new file in dir and returns its
 * path: what Run hands to the engine, so running never forces a save and the
 * markers' line numbers match the buffer. */
char        *fs_scenario_editor_write_snapshot   (FsScenarioEditor *self, const char *dir,
                                                  GError **error);

/* Diagnostics.  check_now parses immediately (cancelling a pending debounce)
 * and returns the number of errors. */
guint        fs_scenario_editor_check_now        (FsScenarioEditor *self);
guint        fs_scenario_editor_get_n_errors     (FsScenarioEditor *self);
guint        fs_scenario_editor_get_n_warnings   (FsScenarioEditor *self);
/* The first error as "line N: message", or NULL. */
char        *fs_scenario_editor_get_first_error  (FsScenarioEditor *self);
/* Lines (1-based) currently marked with an error, for tests. */
GArray      *fs_scenario_editor_get_error_lines  (FsScenarioEditor *self);
/* The message shown inline at a line, or NULL when none. */
const char  *fs_scenario_editor_get_inline_message(FsScenarioEditor *self, guint line);

/* The current (playhead) line; 0 clears it.  Scrolls it into view. */
void         fs_scenario_editor_highlight_line   (FsScenarioEditor *self, guint line);
guint        fs_scenario_editor_get_highlighted_line (FsScenarioEditor *self);
/* Emits "line-activated" as a click on line would. */
void         fs_scenario_editor_activate_line    (FsScenarioEditor *self, guint line);

GtkTextView *fs_scenario_editor_get_view         (FsScenarioEditor *self);

/* Shipped scenarios (*.fsc in the installed or source data/scenarios), sorted
 * by name. */
GPtrArray   *fs_scenario_editor_list_examples    (void);

G_END_DECLS

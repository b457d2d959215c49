/* fs-scenario-editor.c: see fs-scenario-editor.h.
 *
 * Diagnostics are shown three ways, because each serves a different glance:
 * an underline at the exact span (GtkTextTag), the message at the end of the
 * line (a label overlaid on the text view, since GtkSourceView 5.6 has no
 * inline annotations), an icon in the gutter, and a list under the editor
 * whose rows jump to the problem. */
#include "fs-scenario-editor.h"

#include <gtksourceview/gtksource.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/scenario-ast.h"
#include "fs-config.h"

#define LANGUAGE_ID "forkscope-scenario"
#define CATEGORY_ERROR "fs-error"
#define CATEGORY_WARNING "fs-warning"

typedef struct {
  guint      line;       /* 1-based */
  guint      col;        /* 1-based, bytes */
  guint      len;        /* bytes */
  FsSeverity severity;
  char      *message;
} FsEditorDiagnostic;

struct _FsScenarioEditor
{
  GtkWidget        parent_instance;

  GtkWidget       *toolbar;
  GtkWidget       *title_label;
  GtkWidget       *examples_button;
  GtkWidget       *paned;
  GtkWidget       *scroller;
  GtkSourceView   *view;
  GtkSourceBuffer *buffer;
  GtkWidget       *status_label;
  GtkWidget       *diagnostic_list;
  GtkWidget       *diagnostic_scroller;

  GtkTextTag      *error_tag;
  GtkTextTag      *warning_tag;
  GtkTextTag      *current_tag;
  GtkTextMark     *current_mark;

  GFile           *file;
  char            *example_name;   /* loaded from Examples, not yet saved anywhere */
  guint            debounce_source;
  GArray          *diagnostics;    /* of FsEditorDiagnostic */
  guint            n_errors;
  guint            n_warnings;
  GPtrArray       *overlays;       /* inline message labels on the view (a pool) */
  guint            n_overlays_used;
  GHashTable      *inline_messages;/* line → message shown there */
  guint            highlighted_line;
  GtkNativeDialog *chooser;
};

G_DEFINE_FINAL_TYPE (FsScenarioEditor, fs_scenario_editor, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_DIRTY, PROP_TITLE, PROP_FILE, PROP_N_ERRORS, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_LINE_ACTIVATED, SIGNAL_DIAGNOSTICS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char editor_css[] =
  ".fs-inline-diagnostic { color: #c01c28; background-color: alpha(#e01b24, 0.12);"
  "  border-radius: 4px; padding: 0 6px; margin-left: 24px; font-size: smaller; }\n"
  ".fs-inline-diagnostic.warning { color: #9c6e03; background-color: alpha(#f5c211, 0.18); }\n"
  ".fs-diagnostic-row { padding: 2px 6px; }\n";

/* ---- language -------------------------------------------------------------- */

/* A manager of our own, so adding our search paths never races with a default
 * manager that already loaded its languages. */
static GtkSourceLanguageManager *
language_manager (void)
{
  static GtkSourceLanguageManager *manager;
  if (g_once_init_enter (&manager))
    {
      GtkSourceLanguageManager *m = gtk_source_language_manager_new ();
      g_autofree char *installed = g_build_filename (FS_DATADIR, "..", "gtksourceview-5",
                                                     "language-specs", NULL);
      g_autofree char *source = g_build_filename (FS_SOURCE_DATADIR, "language-specs", NULL);
      const char *env = g_getenv ("FS_LANGUAGE_SPECS_DIR");
      if (env && *env)
        gtk_source_language_manager_prepend_search_path (m, env);
      if (g_file_test (source, G_FILE_TEST_IS_DIR))
        gtk_source_language_manager_append_search_path (m, source);
      gtk_source_language_manager_append_search_path (m, installed);
      g_once_init_leave (&manager, m);
    }
  return manager;
}

static void
update_style_scheme (FsScenarioEditor *self)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self));
  gboolean dark = FALSE;
  g_autofree char *theme = NULL;
  g_object_get (settings, "gtk-application-prefer-dark-theme", &dark, "gtk-theme-name", &theme, NULL);
  if (theme && g_str_has_suffix (theme, "-dark"))
    dark = TRUE;
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceStyleScheme *scheme =
    gtk_source_style_scheme_manager_get_scheme (schemes, dark ? "Adwaita-dark" : "Adwaita");
  if (scheme)
    gtk_source_buffer_set_style_scheme (self->buffer, scheme);

  GdkRGBA current;
  gdk_rgba_parse (&current, dark ? "rgba(246,211,45,0.22)" : "rgba(246,211,45,0.45)");
  g_object_set (self->current_tag, "paragraph-background-rgba", &current, NULL);
}

/* ---- properties and title -------------------------------------------------- */

gboolean
fs_scenario_editor_get_dirty (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), FALSE);
  return gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->buffer));
}

GFile *
fs_scenario_editor_get_file (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), NULL);
  return self->file;
}

char *
fs_scenario_editor_get_title (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), NULL);

  g_autofree char *base = NULL;
  if (self->file)
    base = g_file_get_basename (self->file);
  else if (self->example_name)
    base = g_strdup_printf ("%s (example)", self->example_name);
  else
    base = g_strdup ("Untitled scenario");
  if (fs_scenario_editor_get_dirty (self))
    return g_strconcat (base, " \u2022", NULL);
  return g_steal_pointer (&base);
}

static void
update_title (FsScenarioEditor *self)
{
  g_autofree char *title = fs_scenario_editor_get_title (self);
  gtk_label_set_text (GTK_LABEL (self->title_label), title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
modified_changed_cb (FsScenarioEditor *self)
{
  update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", fs_scenario_editor_get_dirty (self));
}

/* ---- diagnostics ----------------------------------------------------------- */

static void
diagnostic_clear (gpointer data)
{
  FsEditorDiagnostic *d = data;
  g_free (d->message);
}

/* The iterator at a parser position (1-based line, 1-based byte column),
 * clamped to the buffer and moved back onto a character boundary. */
static void
iter_at_pos (FsScenarioEditor *self, guint line, guint col, GtkTextIter *iter)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  int n_lines = gtk_text_buffer_get_line_count (buffer);
  if (line == 0)
    line = 1;
  if ((int) line > n_lines)
    {
      gtk_text_buffer_get_end_iter (buffer, iter);
      return;
    }
  GtkTextIter start, end;
  gtk_text_buffer_get_iter_at_line (buffer, &start, (int) line - 1);
  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  g_autofree char *text = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  gsize len = strlen (text);
  gsize index = col > 0 ? col - 1 : 0;
  if (index > len)
    index = len;
  const char *at = text + index;
  if (index < len && !g_utf8_validate (at, 1, NULL) && (((guchar) *at) & 0xc0) == 0x80)
    at = g_utf8_find_prev_char (text, at) ? g_utf8_find_prev_char (text, at) : text;
  *iter = start;
  gtk_text_iter_forward_chars (iter, (int) g_utf8_pointer_to_offset (text, at));
}

/* GTK 4.8 cannot remove an overlay child from a text view (gtk_text_view_remove
 * only knows anchored children), so the message labels are a pool: hidden when
 * unused, moved and reused for the next parse. */
static void
clear_overlays (FsScenarioEditor *self)
{
  for (guint i = 0; i < self->overlays->len; i++)
    gtk_widget_set_visible (g_ptr_array_index (self->overlays, i), FALSE);
  self->n_overlays_used = 0;
  g_hash_table_remove_all (self->inline_messages);
}

static void
add_inline_message (FsScenarioEditor *self, guint line, const char *message, FsSeverity severity)
{
  GtkTextIter iter;
  iter_at_pos (self, line, 1, &iter);
  if (!gtk_text_iter_ends_line (&iter))
    gtk_text_iter_forward_to_line_end (&iter);
  GdkRectangle rect;
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self->view), &iter, &rect);

  GtkWidget *label;
  if (self->n_overlays_used < self->overlays->len)
    {
      label = g_ptr_array_index (self->overlays, self->n_overlays_used);
      gtk_text_view_move_overlay (GTK_TEXT_VIEW (self->view), label, rect.x, rect.y);
    }
  else
    {
      label = gtk_label_new (NULL);
      gtk_widget_add_css_class (label, "fs-inline-diagnostic");
      /* Overlays get their minimum size: an ellipsizing label would shrink to
       * "…", so long messages are cut by hand below instead. */
      gtk_widget_set_can_target (label, FALSE);
      gtk_text_view_add_overlay (GTK_TEXT_VIEW (self->view), label, rect.x, rect.y);
      g_ptr_array_add (self->overlays, label);
    }
  self->n_overlays_used++;
  if (g_utf8_strlen (message, -1) > 100)
    {
      g_autofree char *cut = g_utf8_substring (message, 0, 99);
      g_autofree char *shown = g_strconcat (cut, "…", NULL);
      gtk_label_set_text (GTK_LABEL (label), shown);
    }
  else
    gtk_label_set_text (GTK_LABEL (label), message);
  gtk_widget_set_tooltip_text (label, message);
  if (severity == FS_SEVERITY_WARNING)
    gtk_widget_add_css_class (label, "warning");
  else
    gtk_widget_remove_css_class (label, "warning");
  gtk_widget_set_visible (label, TRUE);
  g_hash_table_insert (self->inline_messages, GUINT_TO_POINTER (line), g_strdup (message));
}

static void
row_activated_cb (GtkListBox *list, GtkListBoxRow *row, FsScenarioEditor *self)
{
  int index = gtk_list_box_row_get_index (row);
  if (index < 0 || (guint) index >= self->diagnostics->len)
    return;
  const FsEditorDiagnostic *d = &g_array_index (self->diagnostics, FsEditorDiagnostic, index);
  GtkTextIter iter;
  iter_at_pos (self, d->line, d->col, &iter);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &iter);
  gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self->view),
                                gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (self->buffer)),
                                0.2, FALSE, 0, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static GtkWidget *
diagnostic_row (const FsEditorDiagnostic *d)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (box, "fs-diagnostic-row");
  GtkWidget *icon = gtk_image_new_from_icon_name (d->severity == FS_SEVERITY_ERROR
                                                  ? "dialog-error-symbolic"
                                                  : "dialog-warning-symbolic");
  g_autofree char *where = g_strdup_printf ("%u:%u", d->line, d->col);
  GtkWidget *pos = gtk_label_new (where);
  gtk_widget_add_css_class (pos, "dim-label");
  gtk_widget_add_css_class (pos, "monospace");
  GtkWidget *message = gtk_label_new (d->message);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_widget_set_hexpand (message, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), pos);
  gtk_box_append (GTK_BOX (box), message);
  g_autofree char *accessible = g_strdup_printf ("%s at line %u, column %u: %s",
                                                 d->severity == FS_SEVERITY_ERROR ? "Error" : "Warning",
                                                 d->line, d->col, d->message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return box;
}

static void
show_diagnostics (FsScenarioEditor *self)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->error_tag, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->warning_tag, &start, &end);
  gtk_source_buffer_remove_source_marks (self->buffer, &start, &end, CATEGORY_ERROR);
  gtk_source_buffer_remove_source_marks (self->buffer, &start, &end, CATEGORY_WARNING);
  clear_overlays (self);

  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (self->diagnostic_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->diagnostic_list), child);

  for (guint i = 0; i < self->diagnostics->len; i++)
    {
      const FsEditorDiagnostic *d = &g_array_index (self->diagnostics, FsEditorDiagnostic, i);
      GtkTextIter from, to;
      iter_at_pos (self, d->line, d->col, &from);
      iter_at_pos (self, d->line, d->col + MAX (d->len, 1), &to);
      if (gtk_text_iter_equal (&from, &to))
        {
          /* A problem at the end of a line ("end of line expected"): mark the
           * character before it so the underline is visible. */
          if (!gtk_text_iter_starts_line (&from))
            gtk_text_iter_backward_char (&from);
          else if (!gtk_text_iter_ends_line (&to))
            gtk_text_iter_forward_char (&to);
        }
      gtk_text_buffer_apply_tag (buffer, d->severity == FS_SEVERITY_ERROR ? self->error_tag
                                                                          : self->warning_tag,
                                 &from, &to);
      GtkTextIter line_start;
      iter_at_pos (self, d->line, 1, &line_start);
      gtk_source_buffer_create_source_mark (self->buffer, NULL,
                                            d->severity == FS_SEVERITY_ERROR ? CATEGORY_ERROR
                                                                             : CATEGORY_WARNING,
                                            &line_start);

      /* One inline message per line: the first problem there, which is
       * usually the cause of the others. */
      if (!g_hash_table_contains (self->inline_messages, GUINT_TO_POINTER (d->line)))
        add_inline_message (self, d->line, d->message, d->severity);

      gtk_list_box_append (GTK_LIST_BOX (self->diagnostic_list), diagnostic_row (d));
    }

  g_autofree char *status = NULL;
  if (self->n_errors == 0 && self->n_warnings == 0)
    status = g_strdup ("No problems");
  else if (self->n_warnings == 0)
    status = g_strdup_printf (g_dngettext (NULL, "%u error", "%u errors", self->n_errors), self->n_errors);
  else
    status = g_strdup_printf ("%u %s, %u %s", self->n_errors, self->n_errors == 1 ? "error" : "errors",
                              self->n_warnings, self->n_warnings == 1 ? "warning" : "warnings");
  gtk_label_set_text (GTK_LABEL (self->status_label), status);
  gtk_widget_set_visible (self->diagnostic_scroller, self->diagnostics->len > 0);
}

static char *
parse_name (FsScenarioEditor *self)
{
  if (self->file)
    return g_file_get_basename (self->file);
  if (self->example_name)
    return g_strdup (self->example_name);
  return g_strdup ("untitled.fsc");
}

guint
fs_scenario_editor_check_now (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), 0);

  g_clear_handle_id (&self->debounce_source, g_source_remove);
  g_autofree char *text = fs_scenario_editor_get_text (self);
  g_autofree char *name = parse_name (self);
  g_autoptr (FsScenario) scenario = fs_scenario_parse (name, text, strlen (text));

  g_array_set_size (self->diagnostics, 0);
  self->n_errors = scenario->n_errors;
  self->n_warnings = scenario->n_warnings;
  for (guint i = 0; scenario->diagnostics && i < scenario->diagnostics->len; i++)
    {
      const FsScnDiagnostic *sd = &g_array_index (scenario->diagnostics, FsScnDiagnostic, i);
      FsEditorDiagnostic d = { sd->pos.line, sd->pos.col, sd->pos.len, sd->severity,
                               g_strdup (sd->message) };
      g_array_append_val (self->diagnostics, d);
    }
  show_diagnostics (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ERRORS]);
  g_signal_emit (self, signals[SIGNAL_DIAGNOSTICS_CHANGED], 0);
  return self->n_errors;
}

static gboolean
debounce_cb (gpointer user_data)
{
  FsScenarioEditor *self = user_data;
  self->debounce_source = 0;
  fs_scenario_editor_check_now (self);
  return G_SOURCE_REMOVE;
}

static void
buffer_changed_cb (FsScenarioEditor *self)
{
  g_clear_handle_id (&self->debounce_source, g_source_remove);
  self->debounce_source = g_timeout_add (FS_SCENARIO_EDITOR_DEBOUNCE_MS, debounce_cb, self);
}

guint
fs_scenario_editor_get_n_errors (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), 0);
  return self->n_errors;
}

guint
fs_scenario_editor_get_n_warnings (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), 0);
  return self->n_warnings;
}

char *
fs_scenario_editor_get_first_error (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), NULL);
  for (guint i = 0; i < self->diagnostics->len; i++)
    {
      const FsEditorDiagnostic *d = &g_array_index (self->diagnostics, FsEditorDiagnostic, i);
      if (d->severity == FS_SEVERITY_ERROR)
        return g_strdup_printf ("line %u: %s", d->line, d->message);
    }
  return NULL;
}

GArray *
fs_scenario_editor_get_error_lines (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), NULL);
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (guint));
  GtkTextIter iter;
  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &iter);
  /* Read back from the buffer's tags, so tests see what the user sees. */
  do
    {
      if (gtk_text_iter_has_tag (&iter, self->error_tag))
        {
          guint line = (guint) gtk_text_iter_get_line (&iter) + 1;
          if (lines->len == 0 || g_array_index (lines, guint, lines->len - 1) != line)
            g_array_append_val (lines, line);
        }
    }
  while (gtk_text_iter_forward_char (&iter));
  return lines;
}

const char *
fs_scenario_editor_get_inline_message (FsScenarioEditor *self, guint line)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), NULL);
  return g_hash_table_lookup (self->inline_messages, GUINT_TO_POINTER (line));
}

/* ---- current line ---------------------------------------------------------- */

void
fs_scenario_editor_highlight_line (FsScenarioEditor *self, guint line)
{
  g_return_if_fail (FS_IS_SCENARIO_EDITOR (self));

  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  if ((int) line > gtk_text_buffer_get_line_count (buffer))
    line = 0;
  if (line == self->highlighted_line)
    return;

  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->current_tag, &start, &end);
  self->highlighted_line = line;
  if (line == 0)
    return;

  gtk_text_buffer_get_iter_at_line (buffer, &start, (int) line - 1);
  end = start;
  gtk_text_iter_forward_line (&end);
  gtk_text_buffer_apply_tag (buffer, self->current_tag, &start, &end);
  gtk_text_buffer_move_mark (buffer, self->current_mark, &start);
  /* Follow playback, but never yank the view away from someone typing. */
  if (!gtk_widget_has_focus (GTK_WIDGET (self->view)))
    gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self->view), self->current_mark, 0.1, FALSE, 0, 0);
}

guint
fs_scenario_editor_get_highlighted_line (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), 0);
  return self->highlighted_line;
}

void
fs_scenario_editor_activate_line (FsScenarioEditor *self, guint line)
{
  g_return_if_fail (FS_IS_SCENARIO_EDITOR (self));
  if (line > 0)
    g_signal_emit (self, signals[SIGNAL_LINE_ACTIVATED], 0, line);
}

static void
click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, FsScenarioEditor *self)
{
  if (n_press != 1)
    return;
  int bx, by;
  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self->view), GTK_TEXT_WINDOW_WIDGET,
                                         (int) x, (int) y, &bx, &by);
  GtkTextIter iter;
  gtk_text_view_get_line_at_y (GTK_TEXT_VIEW (self->view), &iter, by, NULL);
  fs_scenario_editor_activate_line (self, (guint) gtk_text_iter_get_line (&iter) + 1);
}

/* ---- text and files -------------------------------------------------------- */

void
fs_scenario_editor_set_text (FsScenarioEditor *self, const char *text)
{
  g_return_if_fail (FS_IS_SCENARIO_EDITOR (self));
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  gtk_text_buffer_begin_irreversible_action (buffer);
  gtk_text_buffer_set_text (buffer, text ? text : "", -1);
  gtk_text_buffer_end_irreversible_action (buffer);
  GtkTextIter start;
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  self->highlighted_line = 0;
}

char *
fs_scenario_editor_get_text (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), NULL);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);
}

static gboolean
load_text (FsScenarioEditor *self, GFile *file, const char *display_name, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  if (!g_file_load_contents (file, NULL, &contents, &len, NULL, error))
    return FALSE;
  if (len > FS_SCENARIO_MAX_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is too large for a scenario (%" G_GSIZE_FORMAT " bytes, at most %d)",
                   display_name, len, FS_SCENARIO_MAX_SIZE);
      return FALSE;
    }
  if (!g_utf8_validate (contents, (gssize) len, NULL) || memchr (contents, '\0', len) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a text file (it is not valid UTF-8)", display_name);
      return FALSE;
    }
  fs_scenario_editor_set_text (self, contents);
  return TRUE;
}

static void
set_file (FsScenarioEditor *self, GFile *file)
{
  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

gboolean
fs_scenario_editor_load_file (FsScenarioEditor *self, GFile *file, GError **error)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  g_autofree char *name = g_file_get_parse_name (file);
  if (!load_text (self, file, name, error))
    return FALSE;
  g_clear_pointer (&self->example_name, g_free);
  set_file (self, file);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  update_title (self);
  fs_scenario_editor_check_now (self);
  return TRUE;
}

static gboolean
load_example (FsScenarioEditor *self, const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  if (!load_text (self, file, path, error))
    return FALSE;
  g_free (self->example_name);
  self->example_name = g_path_get_basename (path);
  set_file (self, NULL);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  update_title (self);
  fs_scenario_editor_check_now (self);
  return TRUE;
}

gboolean
fs_scenario_editor_save_as (FsScenarioEditor *self, GFile *file, GError **error)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  g_autofree char *text = fs_scenario_editor_get_text (self);
  if (!g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE,
                                NULL, NULL, error))
    return FALSE;
  g_clear_pointer (&self->example_name, g_free);
  set_file (self, file);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  update_title (self);
  return TRUE;
}

gboolean
fs_scenario_editor_save (FsScenarioEditor *self, GError **error)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), FALSE);
  if (self->file == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "the scenario has no file yet: use Save As");
      return FALSE;
    }
  g_autoptr (GFile) file = g_object_ref (self->file);
  return fs_scenario_editor_save_as (self, file, error);
}

char *
fs_scenario_editor_write_snapshot (FsScenarioEditor *self, const char *dir, GError **error)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), NULL);
  g_return_val_if_fail (dir != NULL, NULL);

  g_autofree char *name = parse_name (self);
  if (g_str_has_suffix (name, ".fsc"))
    name[strlen (name) - 4] = '\0';
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX.fsc", name);
  g_autofree char *path = g_build_filename (dir, template, NULL);
  int fd = g_mkstemp_full (path, O_WRONLY, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s: %s", path, g_strerror (saved));
      return NULL;
    }
  close (fd);
  g_autofree char *text = fs_scenario_editor_get_text (self);
  if (!g_file_set_contents (path, text, -1, error))
    return NULL;
  return g_steal_pointer (&path);
}

GtkTextView *
fs_scenario_editor_get_view (FsScenarioEditor *self)
{
  g_return_val_if_fail (FS_IS_SCENARIO_EDITOR (self), NULL);
  return GTK_TEXT_VIEW (self->view);
}

/* ---- examples --------------------------------------------------------------- */

static int
compare_basenames (gconstpointer a, gconstpointer b)
{
  g_autofree char *na = g_path_get_basename (*(const char *const *) a);
  g_autofree char *nb = g_path_get_basename (*(const char *const *) b);
  return g_strcmp0 (na, nb);
}

GPtrArray *
fs_scenario_editor_list_examples (void)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *installed = g_build_filename (FS_DATADIR, "scenarios", NULL);
  g_autofree char *source = g_build_filename (FS_SOURCE_DATADIR, "scenarios", NULL);
  const char *dirs[] = { g_getenv ("FS_SCENARIOS_DIR"), installed, source };

  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      if (dirs[d] == NULL || *dirs[d] == '\0')
        continue;
      g_autoptr (GDir) dir = g_dir_open (dirs[d], 0, NULL);
      if (dir == NULL)
        continue;
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          if (!g_str_has_suffix (name, ".fsc") || g_hash_table_contains (seen, name))
            continue;
          g_hash_table_add (seen, g_strdup (name));
          g_ptr_array_add (paths, g_build_filename (dirs[d], name, NULL));
        }
    }
  g_ptr_array_sort (paths, compare_basenames);
  return paths;
}

static GMenuModel *
examples_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr (GPtrArray) examples = fs_scenario_editor_list_examples ();
  for (guint i = 0; i < examples->len; i++)
    {
      const char *path = g_ptr_array_index (examples, i);
      g_autofree char *label = g_path_get_basename (path);
      if (g_str_has_suffix (label, ".fsc"))
        label[strlen (label) - 4] = '\0';
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "editor.open-example", g_variant_new_string (path));
      g_menu_append_item (menu, item);
    }
  if (examples->len == 0)
    g_menu_append (menu, "No examples installed", "editor.none");
  return G_MENU_MODEL (menu);
}

/* ---- actions ---------------------------------------------------------------- */

static void
show_error (FsScenarioEditor *self, const char *what, const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkWidget *dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", what);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkFileFilter *
scenario_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "Scenarios (*.fsc)");
  gtk_file_filter_add_pattern (filter, "*.fsc");
  return filter;
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, FsScenarioEditor *self)
{
  gboolean saving = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) == GTK_FILE_CHOOSER_ACTION_SAVE;
  g_autoptr (GFile) file = NULL;
  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  g_autoptr (GError) error = NULL;
  if (saving)
    {
      if (!fs_scenario_editor_save_as (self, file, &error))
        show_error (self, "The scenario could not be saved", error);
    }
  else if (!fs_scenario_editor_load_file (self, file, &error))
    show_error (self, "The scenario could not be opened", error);
}

static void
run_chooser (FsScenarioEditor *self, gboolean save)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (save ? "Save Scenario" : "Open Scenario",
                                 GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
                                 save ? "_Save" : "_Open", "_Cancel");
  GtkFileFilter *filter = scenario_filter ();
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  if (save)
    {
      if (self->file)
        gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), self->file, NULL);
      else
        gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                           self->example_name ? self->example_name : "scenario.fsc");
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

typedef struct {
  FsScenarioEditor *self;
  char             *example;   /* NULL: show the Open chooser */
} FsDiscardJob;

static void
discard_response_cb (GtkDialog *dialog, int response, gpointer user_data)
{
  FsDiscardJob *job = user_data;
  if (dialog)
    gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      if (job->example)
        {
          g_autoptr (GError) error = NULL;
          if (!load_example (job->self, job->example, &error))
            show_error (job->self, "The example could not be opened", error);
        }
      else
        run_chooser (job->self, FALSE);
    }
  g_object_unref (job->self);
  g_free (job->example);
  g_free (job);
}

/* Replacing the text loses unsaved edits: ask first. */
static void
confirm_discard_then (FsScenarioEditor *self, const char *example)
{
  FsDiscardJob *job = g_new0 (FsDiscardJob, 1);
  job->self = g_object_ref (self);
  job->example = g_strdup (example);
  if (!fs_scenario_editor_get_dirty (self))
    {
      discard_response_cb (NULL, GTK_RESPONSE_ACCEPT, job);
      return;
    }
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkWidget *dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                              "Discard the unsaved changes to this scenario?");
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL,
                          "_Discard", GTK_RESPONSE_ACCEPT, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect (dialog, "response", G_CALLBACK (discard_response_cb), job);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_action (GtkWidget *widget, const char *name, GVariant *param)
{
  confirm_discard_then (FS_SCENARIO_EDITOR (widget), NULL);
}

static void
open_example_action (GtkWidget *widget, const char *name, GVariant *param)
{
  confirm_discard_then (FS_SCENARIO_EDITOR (widget), g_variant_get_string (param, NULL));
}

static void
save_action (GtkWidget *widget, const char *name, GVariant *param)
{
  FsScenarioEditor *self = FS_SCENARIO_EDITOR (widget);
  if (self->file == NULL)
    {
      run_chooser (self, TRUE);
      return;
    }
  g_autoptr (GError) error = NULL;
  if (!fs_scenario_editor_save (self, &error))
    show_error (self, "The scenario could not be saved", error);
}

static void
save_as_action (GtkWidget *widget, const char *name, GVariant *param)
{
  run_chooser (FS_SCENARIO_EDITOR (widget), TRUE);
}

/* ---- construction ----------------------------------------------------------- */

static void
fs_scenario_editor_dispose (GObject *object)
{
  FsScenarioEditor *self = FS_SCENARIO_EDITOR (object);

  g_clear_handle_id (&self->debounce_source, g_source_remove);
  if (self->chooser)
    {
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->file);
  G_OBJECT_CLASS (fs_scenario_editor_parent_class)->dispose (object);
}

static void
fs_scenario_editor_finalize (GObject *object)
{
  FsScenarioEditor *self = FS_SCENARIO_EDITOR (object);

  g_array_unref (self->diagnostics);
  g_ptr_array_unref (self->overlays);
  g_hash_table_unref (self->inline_messages);
  g_free (self->example_name);
  G_OBJECT_CLASS (fs_scenario_editor_parent_class)->finalize (object);
}

static void
fs_scenario_editor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FsScenarioEditor *self = FS_SCENARIO_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DIRTY:
      g_value_set_boolean (value, fs_scenario_editor_get_dirty (self));
      break;
    case PROP_TITLE:
      g_value_take_string (value, fs_scenario_editor_get_title (self));
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_N_ERRORS:
      g_value_set_uint (value, self->n_errors);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_scenario_editor_class_init (FsScenarioEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_scenario_editor_dispose;
  object_class->finalize = fs_scenario_editor_finalize;
  object_class->get_property = fs_scenario_editor_get_property;

  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ERRORS] =
    g_param_spec_uint ("n-errors", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_LINE_ACTIVATED] =
    g_signal_new ("line-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_DIAGNOSTICS_CHANGED] =
    g_signal_new ("diagnostics-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "editor.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "editor.open-example", "s", open_example_action);

  /* While the editor has the focus, Ctrl+S saves the scenario. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fs-scenario-editor");
}

static void
install_css_once (void)
{
  static gsize done;
  if (g_once_init_enter (&done))
    {
      GtkCssProvider *provider = gtk_css_provider_new ();
      gtk_css_provider_load_from_data (provider, editor_css, -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (provider);
      g_once_init_leave (&done, 1);
    }
}

static GtkWidget *
icon_button (const char *icon, const char *action, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
setup_marks (FsScenarioEditor *self)
{
  const struct { const char *category; const char *icon; int priority; } kinds[] = {
    { CATEGORY_ERROR, "dialog-error-symbolic", 2 },
    { CATEGORY_WARNING, "dialog-warning-symbolic", 1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (GtkSourceMarkAttributes) attributes = gtk_source_mark_attributes_new ();
      gtk_source_mark_attributes_set_icon_name (attributes, kinds[i].icon);
      gtk_source_view_set_mark_attributes (self->view, kinds[i].category, attributes, kinds[i].priority);
    }
}

static void
fs_scenario_editor_init (FsScenarioEditor *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  install_css_once ();

  self->diagnostics = g_array_new (FALSE, TRUE, sizeof (FsEditorDiagnostic));
  g_array_set_clear_func (self->diagnostics, diagnostic_clear);
  self->overlays = g_ptr_array_new ();
  self->inline_messages = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);

  /* Toolbar: file actions, examples, the file's name and the problem count. */
  self->toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_margin_start (self->toolbar, 4);
  gtk_widget_set_margin_end (self->toolbar, 4);
  gtk_widget_set_margin_top (self->toolbar, 2);
  gtk_widget_set_margin_bottom (self->toolbar, 2);
  gtk_box_append (GTK_BOX (self->toolbar), icon_button ("document-open-symbolic", "editor.open", "Open scenario…"));
  gtk_box_append (GTK_BOX (self->toolbar), icon_button ("document-save-symbolic", "editor.save", "Save scenario"));
  gtk_box_append (GTK_BOX (self->toolbar), icon_button ("document-save-as-symbolic", "editor.save-as", "Save scenario as…"));
  self->examples_button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->examples_button), "Examples");
  g_autoptr (GMenuModel) menu = examples_menu ();
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->examples_button), menu);
  gtk_widget_set_tooltip_text (self->examples_button, "Open one of the shipped scenarios");
  gtk_widget_add_css_class (self->examples_button, "flat");
  gtk_box_append (GTK_BOX (self->toolbar), self->examples_button);
  self->title_label = gtk_label_new ("Untitled scenario");
  gtk_label_set_ellipsize (GTK_LABEL (self->title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->title_label, TRUE);
  gtk_widget_add_css_class (self->title_label, "heading");
  gtk_box_append (GTK_BOX (self->toolbar), self->title_label);
  self->status_label = gtk_label_new ("No problems");
  gtk_widget_add_css_class (self->status_label, "dim-label");
  gtk_box_append (GTK_BOX (self->toolbar), self->status_label);
  gtk_widget_set_parent (self->toolbar, widget);

  /* The source view. */
  GtkSourceLanguage *language = gtk_source_language_manager_get_language (language_manager (), LANGUAGE_ID);
  if (language == NULL)
    g_warning ("the %s language definition was not found; the editor has no highlighting", LANGUAGE_ID);
  self->buffer = language ? gtk_source_buffer_new_with_language (language) : gtk_source_buffer_new (NULL);
  gtk_source_buffer_set_highlight_syntax (self->buffer, TRUE);
  gtk_source_buffer_set_highlight_matching_brackets (self->buffer, TRUE);
  self->view = GTK_SOURCE_VIEW (gtk_source_view_new_with_buffer (self->buffer));
  g_object_unref (self->buffer);  /* the view owns it */
  gtk_source_view_set_show_line_numbers (self->view, TRUE);
  gtk_source_view_set_show_line_marks (self->view, TRUE);
  gtk_source_view_set_auto_indent (self->view, TRUE);
  gtk_source_view_set_insert_spaces_instead_of_tabs (self->view, TRUE);
  gtk_source_view_set_tab_width (self->view, 2);
  gtk_source_view_set_indent_width (self->view, 2);
  gtk_source_view_set_highlight_current_line (self->view, FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Scenario source", -1);
  setup_marks (self);

  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  self->error_tag = gtk_text_buffer_create_tag (buffer, "fs-error", "underline", PANGO_UNDERLINE_ERROR, NULL);
  GdkRGBA red, amber;
  gdk_rgba_parse (&red, "#e01b24");
  gdk_rgba_parse (&amber, "#e5a50a");
  g_object_set (self->error_tag, "underline-rgba", &red, NULL);
  self->warning_tag = gtk_text_buffer_create_tag (buffer, "fs-warning", "underline", PANGO_UNDERLINE_ERROR,
                                                  "underline-rgba", &amber, NULL);
  self->current_tag = gtk_text_buffer_create_tag (buffer, "fs-current-line", NULL);
  GtkTextIter start;
  gtk_text_buffer_get_start_iter (buffer, &start);
  self->current_mark = gtk_text_buffer_create_mark (buffer, "fs-current-line", &start, TRUE);

  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (buffer_changed_cb), self);
  g_signal_connect_swapped (buffer, "modified-changed", G_CALLBACK (modified_changed_cb), self);

  GtkGesture *click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->view), GTK_EVENT_CONTROLLER (click));

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->view));
  gtk_widget_set_vexpand (self->scroller, TRUE);

  /* Diagnostics list under the source. */
  self->diagnostic_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->diagnostic_list), GTK_SELECTION_BROWSE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->diagnostic_list), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->diagnostic_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Problems in the scenario", -1);
  g_signal_connect (self->diagnostic_list, "row-activated", G_CALLBACK (row_activated_cb), self);
  self->diagnostic_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->diagnostic_scroller), self->diagnostic_list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->diagnostic_scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (self->diagnostic_scroller), 60);
  gtk_widget_set_visible (self->diagnostic_scroller, FALSE);

  self->paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  gtk_paned_set_start_child (GTK_PANED (self->paned), self->scroller);
  gtk_paned_set_end_child (GTK_PANED (self->paned), self->diagnostic_scroller);
  gtk_paned_set_resize_end_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (self->paned), FALSE);
  gtk_widget_set_vexpand (self->paned, TRUE);
  gtk_widget_set_parent (self->paned, widget);

  g_signal_connect_object (gtk_widget_get_settings (widget), "notify::gtk-application-prefer-dark-theme",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_widget_get_settings (widget), "notify::gtk-theme-name",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  update_style_scheme (self);
  gtk_widget_action_set_enabled (widget, "editor.save", FALSE);
}

GtkWidget *
fs_scenario_editor_new (void)
{
  return g_object_new (FS_TYPE_SCENARIO_EDITOR, NULL);
}

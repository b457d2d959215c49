/* fs-export-dialog.c: export formats with a preview. */
#include "fs-export-dialog.h"
#include "core/trace-export.h"
#include "core/trace-file.h"
#include "core/trace-json.h"
#include "ui/drawing/export-image.h"

#include <string.h>

/* Previews of big traces would stall the dialog; the export itself still runs. */
#define PREVIEW_MAX_EVENTS 20000
#define PREVIEW_MAX_CHARS 20000

struct _FsExportDialog {
  GtkWindow parent_instance;

  FsSession *session;
  FsTrace *trace;
  /* Set while trace is a live recording's: the object grows in place (its
   * contents are swapped in by the main loop, and the old ones then written
   * by the follower's thread), so the export thread must not read it; it
   * reads this file into a trace of its own instead. */
  char *live_recording;
  gint64 time_ns;

  GtkWidget *kind_dropdown;
  GtkWidget *theme_dropdown;
  GtkWidget *scale_spin;
  GtkWidget *range_check;
  GtkWidget *preview_stack;
  GtkWidget *picture;
  GtkWidget *text_view;
  GtkWidget *note_label;
  GtkWidget *status_label;
  GtkWidget *save_button;
  GtkWidget *spinner;

  /* Copied from the widgets, so the export thread never touches GTK. */
  FsExportKind kind;
  FsTheme theme;
  double png_scale;
  gboolean visible_range_only;
  gint64 visible_from_ns, visible_to_ns;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (FsExportDialog, fs_export_dialog, GTK_TYPE_WINDOW)

static const struct {
  const char *label;
  const char *extension;
} kinds[FS_EXPORT_LAST] = {
  [FS_EXPORT_GRAPH_SVG] = { "Graph at the playhead — SVG", "svg" },
  [FS_EXPORT_GRAPH_PNG] = { "Graph at the playhead — PNG", "png" },
  [FS_EXPORT_GRAPH_PDF] = { "Graph at the playhead — PDF", "pdf" },
  [FS_EXPORT_SEQUENCE_SVG] = { "Sequence diagram — SVG", "svg" },
  [FS_EXPORT_SEQUENCE_PNG] = { "Sequence diagram — PNG", "png" },
  [FS_EXPORT_SEQUENCE_PDF] = { "Sequence diagram — PDF", "pdf" },
  [FS_EXPORT_LANES_SVG] = { "Process lanes — SVG", "svg" },
  [FS_EXPORT_LANES_PNG] = { "Process lanes — PNG", "png" },
  [FS_EXPORT_LANES_PDF] = { "Process lanes — PDF", "pdf" },
  [FS_EXPORT_ANIMATED_SVG] = { "Animated graph — SVG (plays in a browser)", "svg" },
  [FS_EXPORT_DOT] = { "Graphviz DOT", "dot" },
  [FS_EXPORT_MERMAID] = { "Mermaid sequence diagram", "mmd" },
  [FS_EXPORT_CHROME_JSON] = { "Chrome trace (Perfetto) JSON", "json" },
  [FS_EXPORT_TRACE_JSON] = { "Forkscope trace JSON", "json" },
  [FS_EXPORT_FSTRACE] = { "Forkscope trace (.fstrace)", "fstrace" },
};

const char *
fs_export_kind_extension (FsExportKind kind)
{
  return kind < FS_EXPORT_LAST ? kinds[kind].extension : "";
}

static gboolean
is_image (FsExportKind kind)
{
  return kind <= FS_EXPORT_ANIMATED_SVG;
}

static gboolean
is_sequence (FsExportKind kind)
{
  return kind >= FS_EXPORT_SEQUENCE_SVG && kind <= FS_EXPORT_SEQUENCE_PDF;
}

static gboolean
is_lanes (FsExportKind kind)
{
  return kind >= FS_EXPORT_LANES_SVG && kind <= FS_EXPORT_LANES_PDF;
}

static void
image_options (FsExportDialog *self, FsImageOptions *options, FsImageFormat format)
{
  fs_image_options_init (options);
  options->format = format;
  options->theme = self->theme;
  options->scale = format == FS_IMAGE_PNG ? self->png_scale : 1.0;
}

static FsTextExportFunc
text_func (FsExportKind kind)
{
  switch (kind)
    {
    case FS_EXPORT_DOT: return fs_export_dot;
    case FS_EXPORT_MERMAID: return fs_export_mermaid;
    case FS_EXPORT_CHROME_JSON: return fs_export_chrome_json;
    default: return NULL;
    }
}

/* The time window of a sequence or lanes picture: the one shown in the
 * window when asked, else the whole trace (NULL). */
static const FsExportFilter *
time_filter (FsExportDialog *self, FsExportFilter *filter)
{
  if (!self->visible_range_only)
    return NULL;
  fs_export_filter_init (filter);
  filter->from_ns = self->visible_from_ns;
  filter->to_ns = self->visible_to_ns;
  return filter;
}

static const FsSequenceOptions *
sequence_options (FsExportDialog *self, FsSequenceOptions *options)
{
  if (!self->visible_range_only)
    return NULL;
  fs_sequence_options_init (options);
  time_filter (self, &options->filter);
  return options;
}

gboolean
fs_export_dialog_export_to (FsExportDialog *self, const char *path, GError **error)
{
  FsExportFilter window;
  FsSequenceOptions sequence;
  FsImageOptions options;
  FsTextExportOptions text_options;
  static const FsImageFormat formats[] = { FS_IMAGE_SVG, FS_IMAGE_PNG, FS_IMAGE_PDF };
  g_autoptr (FsTrace) own = NULL;
  FsTrace *trace = self->trace;

  if (self->live_recording != NULL)
    {
      own = fs_trace_load (self->live_recording, NULL, error);
      if (own == NULL)
        return FALSE;
      trace = own;
    }

  switch (self->kind)
    {
    case FS_EXPORT_GRAPH_SVG:
    case FS_EXPORT_GRAPH_PNG:
    case FS_EXPORT_GRAPH_PDF:
      image_options (self, &options, formats[self->kind - FS_EXPORT_GRAPH_SVG]);
      return fs_export_graph_image (trace, self->time_ns, &options, path, error);
    case FS_EXPORT_SEQUENCE_SVG:
    case FS_EXPORT_SEQUENCE_PNG:
    case FS_EXPORT_SEQUENCE_PDF:
      image_options (self, &options, formats[self->kind - FS_EXPORT_SEQUENCE_SVG]);
      return fs_export_sequence_image (trace, sequence_options (self, &sequence), &options,
                                       path, error);
    case FS_EXPORT_LANES_SVG:
    case FS_EXPORT_LANES_PNG:
    case FS_EXPORT_LANES_PDF:
      image_options (self, &options, formats[self->kind - FS_EXPORT_LANES_SVG]);
      return fs_export_lanes_image (trace, time_filter (self, &window), &options, path,
                                    error);
    case FS_EXPORT_ANIMATED_SVG:
      {
        FsAnimationOptions animation;
        image_options (self, &options, FS_IMAGE_SVG);
        fs_animation_options_init (&animation);
        return fs_export_animated_svg (trace, &options, &animation, path, error);
      }
    case FS_EXPORT_DOT:
    case FS_EXPORT_MERMAID:
    case FS_EXPORT_CHROME_JSON:
      fs_text_export_options_init (&text_options);
      return fs_export_text_to_file (text_func (self->kind), trace, &text_options, path, error);
    case FS_EXPORT_TRACE_JSON:
      return fs_trace_save_json (trace, path, error);
    case FS_EXPORT_FSTRACE:
      return fs_trace_save (trace, path, error);
    case FS_EXPORT_LAST:
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Unknown export format");
      return FALSE;
    }
}

static void
set_note (FsExportDialog *self, const char *note)
{
  gtk_label_set_text (GTK_LABEL (self->note_label), note);
  gtk_stack_set_visible_child_name (GTK_STACK (self->preview_stack), "note");
}

static void
update_preview (FsExportDialog *self)
{
  g_autoptr (GError) error = NULL;
  gboolean big = fs_trace_n_events (self->trace) > PREVIEW_MAX_EVENTS;

  gtk_widget_set_sensitive (self->scale_spin, self->kind == FS_EXPORT_GRAPH_PNG || self->kind == FS_EXPORT_SEQUENCE_PNG ||
                                              self->kind == FS_EXPORT_LANES_PNG);
  gtk_widget_set_sensitive (self->theme_dropdown, is_image (self->kind));
  gtk_widget_set_sensitive (self->range_check, is_sequence (self->kind) || is_lanes (self->kind));

  if (is_image (self->kind))
    {
      FsImageOptions options;
      g_autoptr (GBytes) png = NULL;
      g_autoptr (GdkTexture) texture = NULL;

      if (is_sequence (self->kind) && big)
        {
          set_note (self, "No preview for a trace this large; the export will still contain every event.");
          return;
        }
      FsExportFilter window;
      FsSequenceOptions sequence;
      image_options (self, &options, FS_IMAGE_PNG);
      options.scale = 1.0;
      png = is_sequence (self->kind)
              ? fs_export_sequence_bytes (self->trace, sequence_options (self, &sequence), &options,
                                          &error)
          : is_lanes (self->kind)
              ? fs_export_lanes_bytes (self->trace, time_filter (self, &window), &options, &error)
          : fs_export_graph_bytes (self->trace, self->time_ns, &options, &error);
      if (png != NULL)
        texture = gdk_texture_new_from_bytes (png, &error);
      if (texture == NULL)
        {
          g_autofree char *note = g_strdup_printf ("No preview: %s", error->message);
          set_note (self, note);
          return;
        }
      gtk_picture_set_paintable (GTK_PICTURE (self->picture), GDK_PAINTABLE (texture));
      gtk_stack_set_visible_child_name (GTK_STACK (self->preview_stack), "picture");
      return;
    }

  if (self->kind == FS_EXPORT_FSTRACE)
    {
      set_note (self, "The native binary trace file: opens in forkscope and forkscope-cli.");
      return;
    }
  if (big)
    {
      set_note (self, "No preview for a trace this large; the export will still contain every event.");
      return;
    }
  {
    g_autofree char *text = NULL;
    FsTextExportOptions options;

    fs_text_export_options_init (&options);
    text = self->kind == FS_EXPORT_TRACE_JSON ? fs_trace_to_json (self->trace)
                                              : fs_export_text_to_string (text_func (self->kind), self->trace,
                                                                          &options, &error);
    if (text == NULL)
      {
        g_autofree char *note = g_strdup_printf ("No preview: %s", error != NULL ? error->message : "?");
        set_note (self, note);
        return;
      }
    if (strlen (text) > PREVIEW_MAX_CHARS)
      strcpy (text + PREVIEW_MAX_CHARS - 4, "\n…\n");
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view)), text, -1);
    gtk_stack_set_visible_child_name (GTK_STACK (self->preview_stack), "text");
  }
}

void
fs_export_dialog_set_kind (FsExportDialog *self, FsExportKind kind)
{
  g_return_if_fail (kind < FS_EXPORT_LAST);
  self->kind = kind;
  if (gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kind_dropdown)) != kind)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->kind_dropdown), kind);
  update_preview (self);
}

static void
kind_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, FsExportDialog *self)
{
  guint kind = gtk_drop_down_get_selected (dropdown);
  if (kind < FS_EXPORT_LAST && kind != self->kind)
    fs_export_dialog_set_kind (self, kind);
}

static void
options_changed_cb (GtkWidget *widget, GParamSpec *pspec, FsExportDialog *self)
{
  self->theme = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->theme_dropdown)) == 1
                ? FS_THEME_DARK : FS_THEME_LIGHT;
  self->png_scale = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->scale_spin));
  self->visible_range_only = gtk_check_button_get_active (GTK_CHECK_BUTTON (self->range_check));
  if (self->trace != NULL)
    update_preview (self);
}

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (fs_export_dialog_export_to (FS_EXPORT_DIALOG (source), task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FsExportDialog *self = FS_EXPORT_DIALOG (source);
  g_autoptr (GError) error = NULL;

  self->busy = FALSE;
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), FALSE);
  gtk_widget_set_sensitive (self->save_button, TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = g_strdup_printf ("Export failed: %s", error->message);
      gtk_label_set_text (GTK_LABEL (self->status_label), text);
      gtk_widget_add_css_class (self->status_label, "error");
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_response_cb (GtkNativeDialog *chooser, int response, FsExportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          g_autoptr (GTask) task = g_task_new (self, NULL, export_done_cb, NULL);
          g_autofree char *status = g_strdup_printf ("Writing %s…", path);

          self->busy = TRUE;
          gtk_widget_set_sensitive (self->save_button, FALSE);
          gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), TRUE);
          gtk_widget_remove_css_class (self->status_label, "error");
          gtk_label_set_text (GTK_LABEL (self->status_label), status);
          g_task_set_task_data (task, path, g_free);
          g_task_run_in_thread (task, export_thread);
        }
    }
  g_object_unref (chooser);
}

static void
save_clicked_cb (GtkButton *button, FsExportDialog *self)
{
  GtkFileChooserNative *chooser;
  const char *source = fs_session_get_path (self->session);
  g_autofree char *base = source != NULL ? g_path_get_basename (source) : g_strdup ("trace");
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;
  char *dot;

  dot = strrchr (base, '.');
  stem = dot != NULL ? g_strndup (base, dot - base) : g_strdup (base);
  name = g_strdup_printf ("%s%s.%s", stem,
                          is_sequence (self->kind) ? "-sequence"
                          : self->kind == FS_EXPORT_ANIMATED_SVG ? "-animated"
                          : self->kind == FS_EXPORT_CHROME_JSON ? "-chrome" : "",
                          kinds[self->kind].extension);
  chooser = gtk_file_chooser_native_new ("Export", GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         "_Export", "_Cancel");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
fs_export_dialog_dispose (GObject *object)
{
  FsExportDialog *self = FS_EXPORT_DIALOG (object);

  g_clear_object (&self->session);
  g_clear_object (&self->trace);
  g_clear_pointer (&self->live_recording, g_free);
  G_OBJECT_CLASS (fs_export_dialog_parent_class)->dispose (object);
}

static gboolean
fs_export_dialog_close_request (GtkWindow *window)
{
  /* The export thread reads the trace: let it finish first. */
  if (FS_EXPORT_DIALOG (window)->busy)
    return TRUE;
  return GTK_WINDOW_CLASS (fs_export_dialog_parent_class)->close_request (window);
}

static void
fs_export_dialog_class_init (FsExportDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fs_export_dialog_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = fs_export_dialog_close_request;
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, "window.close", NULL);
}

static GtkWidget *
row_label (const char *text, GtkWidget *target)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), target);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (target), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  return label;
}

static void
fs_export_dialog_init (FsExportDialog *self)
{
  const char *labels[FS_EXPORT_LAST + 1];
  static const char *const themes[] = { "Light", "Dark", NULL };
  GtkWidget *header, *cancel, *grid, *box, *scrolled, *status_box;

  for (guint i = 0; i < FS_EXPORT_LAST; i++)
    labels[i] = kinds[i].label;
  labels[FS_EXPORT_LAST] = NULL;

  gtk_window_set_title (GTK_WINDOW (self), "Export");
  gtk_window_set_default_size (GTK_WINDOW (self), 760, 620);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);

  header = gtk_header_bar_new ();
  gtk_header_bar_set_show_title_buttons (GTK_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic ("_Cancel");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), cancel);
  self->save_button = gtk_button_new_with_mnemonic ("_Save As…");
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  g_signal_connect (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->save_button);
  gtk_window_set_titlebar (GTK_WINDOW (self), header);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_window_set_child (GTK_WINDOW (self), box);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_box_append (GTK_BOX (box), grid);

  self->kind_dropdown = gtk_drop_down_new_from_strings (labels);
  gtk_widget_set_hexpand (self->kind_dropdown, TRUE);
  gtk_grid_attach (GTK_GRID (grid), row_label ("_Format", self->kind_dropdown), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->kind_dropdown, 1, 0, 3, 1);

  self->theme_dropdown = gtk_drop_down_new_from_strings (themes);
  gtk_grid_attach (GTK_GRID (grid), row_label ("_Theme", self->theme_dropdown), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->theme_dropdown, 1, 1, 1, 1);

  self->scale_spin = gtk_spin_button_new_with_range (1, 4, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->scale_spin), 2);
  gtk_grid_attach (GTK_GRID (grid), row_label ("PNG _scale", self->scale_spin), 2, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->scale_spin, 3, 1, 1, 1);

  self->range_check = gtk_check_button_new_with_mnemonic ("Only the _visible time range "
                                                          "(sequence and lanes)");
  gtk_grid_attach (GTK_GRID (grid), self->range_check, 1, 2, 3, 1);

  self->preview_stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->preview_stack, TRUE);
  gtk_widget_add_css_class (self->preview_stack, "frame");
  self->picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (self->picture), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Export preview", -1);
  gtk_stack_add_named (GTK_STACK (self->preview_stack), self->picture, "picture");
  self->text_view = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->text_view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->text_view), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Export preview", -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->text_view);
  gtk_stack_add_named (GTK_STACK (self->preview_stack), scrolled, "text");
  self->note_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->note_label), TRUE);
  gtk_widget_add_css_class (self->note_label, "dim-label");
  gtk_stack_add_named (GTK_STACK (self->preview_stack), self->note_label, "note");
  gtk_box_append (GTK_BOX (box), self->preview_stack);

  status_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->spinner = gtk_spinner_new ();
  gtk_box_append (GTK_BOX (status_box), self->spinner);
  self->status_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->status_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->status_label), TRUE);
  gtk_box_append (GTK_BOX (status_box), self->status_label);
  gtk_box_append (GTK_BOX (box), status_box);
}

void
fs_export_dialog_set_live_recording (FsExportDialog *self, const char *path)
{
  g_return_if_fail (FS_IS_EXPORT_DIALOG (self));
  g_free (self->live_recording);
  self->live_recording = g_strdup (path);
}

FsExportDialog *
fs_export_dialog_new (GtkWindow *parent, FsSession *session, gboolean dark)
{
  FsExportDialog *self = g_object_new (FS_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);

  self->session = g_object_ref (session);
  self->trace = g_object_ref (fs_session_get_trace (session));
  self->time_ns = fs_session_get_time (session);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->theme_dropdown), dark ? 1 : 0);
  self->theme = dark ? FS_THEME_DARK : FS_THEME_LIGHT;
  self->png_scale = 2;
  g_signal_connect (self->kind_dropdown, "notify::selected", G_CALLBACK (kind_changed_cb), self);
  g_signal_connect (self->theme_dropdown, "notify::selected", G_CALLBACK (options_changed_cb), self);
  g_signal_connect (self->scale_spin, "notify::value", G_CALLBACK (options_changed_cb), self);
  /* Zoomed in on part of the trace: that part is what to export by default. */
  fs_session_get_visible_range (session, &self->visible_from_ns, &self->visible_to_ns);
  self->visible_range_only = self->visible_from_ns > 0
                             || self->visible_to_ns < fs_session_get_duration (session);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->range_check), self->visible_range_only);
  g_signal_connect (self->range_check, "notify::active", G_CALLBACK (options_changed_cb), self);
  self->kind = FS_EXPORT_LAST;
  fs_export_dialog_set_kind (self, FS_EXPORT_GRAPH_SVG);
  return self;
}

/* fs-output-view.c: output lines synced to the playhead. */
#include "fs-output-view.h"
#include "fs-event-format.h"

#define N_COLOR_TAGS 8

struct _FsOutputView {
  GtkWidget parent_instance;

  FsSession *session;
  gulong session_handlers[2];

  GtkWidget *scrolled;
  GtkWidget *text_view;
  GtkTextBuffer *buffer;
  GtkTextTag *future_tag;
  GtkTextTag *current_tag;
  GtkTextTag *time_tag;
  GtkTextTag *color_tags[N_COLOR_TAGS];
  GtkTextMark *scroll_mark;

  GArray *line_times;           /* gint64 per line, ascending */
  guint n_visible;
  gboolean truncated;
  gboolean dark;
};

G_DEFINE_FINAL_TYPE (FsOutputView, fs_output_view, GTK_TYPE_WIDGET)

static gboolean
widget_is_dark (GtkWidget *widget)
{
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
}

static void
update_colors (FsOutputView *self)
{
  self->dark = widget_is_dark (GTK_WIDGET (self));
  for (guint i = 0; i < N_COLOR_TAGS; i++)
    g_object_set (self->color_tags[i], "foreground", fs_process_color (i, self->dark), NULL);
  g_object_set (self->current_tag, "paragraph-background",
                self->dark ? "rgba(120,174,237,0.22)" : "rgba(28,113,216,0.12)", NULL);
}

static void
show_up_to (FsOutputView *self, guint n_visible)
{
  GtkTextIter start, end;
  guint n_lines = self->line_times->len;

  n_visible = MIN (n_visible, n_lines);
  if (n_visible == self->n_visible)
    return;

  /* Only the lines between the old and new boundary change. */
  gtk_text_buffer_get_iter_at_line (self->buffer, &start, (int) MIN (n_visible, self->n_visible));
  if (MAX (n_visible, self->n_visible) >= n_lines)
    gtk_text_buffer_get_end_iter (self->buffer, &end);
  else
    gtk_text_buffer_get_iter_at_line (self->buffer, &end, (int) MAX (n_visible, self->n_visible));
  if (n_visible > self->n_visible)
    gtk_text_buffer_remove_tag (self->buffer, self->future_tag, &start, &end);
  else
    gtk_text_buffer_apply_tag (self->buffer, self->future_tag, &start, &end);

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->current_tag, &start, &end);
  self->n_visible = n_visible;
  if (n_visible > 0)
    {
      gtk_text_buffer_get_iter_at_line (self->buffer, &start, (int) n_visible - 1);
      end = start;
      gtk_text_iter_forward_line (&end);
      gtk_text_buffer_apply_tag (self->buffer, self->current_tag, &start, &end);
      gtk_text_buffer_move_mark (self->buffer, self->scroll_mark, &start);
      gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self->text_view), self->scroll_mark, 0.05, FALSE, 0, 0);
    }
}

static guint
lines_at (FsOutputView *self, gint64 t_ns)
{
  guint lo = 0, hi = self->line_times->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (self->line_times, gint64, mid) <= t_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
rebuild (FsOutputView *self)
{
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;
  GtkTextIter iter, start;
  gsize n_events;
  const FsEvent *events;

  g_array_set_size (self->line_times, 0);
  gtk_text_buffer_set_text (self->buffer, "", 0);
  self->n_visible = 0;
  self->truncated = FALSE;
  if (trace == NULL)
    return;

  update_colors (self);
  events = fs_trace_events (trace, &n_events);
  gtk_text_buffer_get_end_iter (self->buffer, &iter);
  for (gsize i = 0; i < n_events; i++)
    {
      const FsEvent *ev = &events[i];
      g_autofree char *time = NULL;
      const char *text;
      GtkTextTag *color;

      if (ev->kind != FS_EVENT_OUTPUT)
        continue;
      if (self->line_times->len >= FS_OUTPUT_VIEW_MAX_LINES)
        {
          self->truncated = TRUE;
          break;
        }
      g_array_append_val (self->line_times, ev->t_ns);
      time = fs_format_duration (ev->t_ns);
      color = self->color_tags[ev->process % N_COLOR_TAGS];
      text = fs_trace_string (trace, ev->u.output.text);
      gtk_text_buffer_insert_with_tags (self->buffer, &iter, time, -1, self->time_tag, NULL);
      gtk_text_buffer_insert (self->buffer, &iter, "  ", 2);
      gtk_text_buffer_insert_with_tags (self->buffer, &iter, fs_trace_process_name (trace, ev->process), -1,
                                        color, NULL);
      gtk_text_buffer_insert (self->buffer, &iter, ev->u.output.stream == FS_STREAM_STDERR ? " ⚠ " : "  ", -1);
      gtk_text_buffer_insert_with_tags (self->buffer, &iter, text, -1, color, NULL);
      gtk_text_buffer_insert (self->buffer, &iter, "\n", 1);
    }
  if (self->truncated)
    {
      g_autofree char *note = g_strdup_printf ("(only the first %u lines are shown here; the event list has all)\n",
                                               FS_OUTPUT_VIEW_MAX_LINES);
      gtk_text_buffer_insert_with_tags (self->buffer, &iter, note, -1, self->time_tag, NULL);
    }
  /* Everything starts hidden; the playhead reveals it. */
  gtk_text_buffer_get_start_iter (self->buffer, &start);
  gtk_text_buffer_get_iter_at_line (self->buffer, &iter, (int) self->line_times->len);
  if (self->line_times->len > 0)
    gtk_text_buffer_apply_tag (self->buffer, self->future_tag, &start, &iter);
  show_up_to (self, lines_at (self, fs_session_get_time (self->session)));
}

static void
trace_changed_cb (FsSession *session, GParamSpec *pspec, FsOutputView *self)
{
  rebuild (self);
}

static void
time_changed_cb (FsSession *session, GParamSpec *pspec, FsOutputView *self)
{
  show_up_to (self, lines_at (self, fs_session_get_time (session)));
}

void
fs_output_view_set_session (FsOutputView *self, FsSession *session)
{
  g_return_if_fail (FS_IS_OUTPUT_VIEW (self));
  if (self->session != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->session_handlers); i++)
        g_clear_signal_handler (&self->session_handlers[i], self->session);
      g_clear_object (&self->session);
    }
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      self->session_handlers[0] = g_signal_connect (session, "notify::trace", G_CALLBACK (trace_changed_cb), self);
      self->session_handlers[1] = g_signal_connect (session, "notify::time", G_CALLBACK (time_changed_cb), self);
    }
  rebuild (self);
}

guint
fs_output_view_get_n_visible (FsOutputView *self)
{
  return self->n_visible;
}

char *
fs_output_view_get_text (FsOutputView *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_start_iter (self->buffer, &start);
  gtk_text_buffer_get_iter_at_line (self->buffer, &end, (int) self->n_visible);
  if (self->n_visible >= self->line_times->len)
    gtk_text_buffer_get_iter_at_line (self->buffer, &end, (int) self->line_times->len);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

static void
fs_output_view_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  FsOutputView *self = FS_OUTPUT_VIEW (widget);

  GTK_WIDGET_CLASS (fs_output_view_parent_class)->css_changed (widget, change);
  if (widget_is_dark (widget) != self->dark)
    update_colors (self);
}

static void
fs_output_view_dispose (GObject *object)
{
  FsOutputView *self = FS_OUTPUT_VIEW (object);

  fs_output_view_set_session (self, NULL);
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  g_clear_pointer (&self->line_times, g_array_unref);
  G_OBJECT_CLASS (fs_output_view_parent_class)->dispose (object);
}

static void
fs_output_view_class_init (FsOutputViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_output_view_dispose;
  widget_class->css_changed = fs_output_view_css_changed;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fsoutputview");
}

static void
fs_output_view_init (FsOutputView *self)
{
  self->line_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->text_view = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->text_view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (self->text_view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->text_view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->text_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->text_view), 8);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->text_view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Program output up to the playhead", -1);
  self->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  self->future_tag = gtk_text_buffer_create_tag (self->buffer, "future", "invisible", TRUE, NULL);
  self->current_tag = gtk_text_buffer_create_tag (self->buffer, "current", "weight", PANGO_WEIGHT_BOLD, NULL);
  self->time_tag = gtk_text_buffer_create_tag (self->buffer, "time", "foreground", "#888888",
                                               "scale", 0.85, NULL);
  for (guint i = 0; i < N_COLOR_TAGS; i++)
    self->color_tags[i] = gtk_text_buffer_create_tag (self->buffer, NULL, NULL);
  {
    GtkTextIter start;
    gtk_text_buffer_get_start_iter (self->buffer, &start);
    self->scroll_mark = gtk_text_buffer_create_mark (self->buffer, "playhead", &start, TRUE);
  }

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), self->text_view);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
}

GtkWidget *
fs_output_view_new (void)
{
  return g_object_new (FS_TYPE_OUTPUT_VIEW, NULL);
}

/* fs-output-view.c: output lines synced to the playhead, as a list view. */
#include "fs-output-view.h"
#include "fs-event-format.h"
#include "fs-event-list-model.h"
#include "fs-profile.h"

/* The model: output events up to the playhead.  Lines are only ever added at
 * the end or removed from the end, so the list view never has to compare
 * old and new rows. */
#define FS_TYPE_OUTPUT_LINES (fs_output_lines_get_type ())
G_DECLARE_FINAL_TYPE (FsOutputLines, fs_output_lines, FS, OUTPUT_LINES, GObject)

struct _FsOutputLines {
  GObject parent_instance;
  FsTrace *trace;
  GArray *events;               /* guint32 output event indices, in time order */
  guint n_visible;
};

static GType
lines_get_item_type (GListModel *model)
{
  return FS_TYPE_EVENT_ITEM;
}

static guint
lines_get_n_items (GListModel *model)
{
  return FS_OUTPUT_LINES (model)->n_visible;
}

static gpointer
lines_get_item (GListModel *model, guint position)
{
  FsOutputLines *self = FS_OUTPUT_LINES (model);

  if (position >= self->n_visible)
    return NULL;
  return fs_event_item_new (self->trace, g_array_index (self->events, guint32, position));
}

static void
lines_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lines_get_item_type;
  iface->get_n_items = lines_get_n_items;
  iface->get_item = lines_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FsOutputLines, fs_output_lines, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lines_iface_init))

static void
fs_output_lines_finalize (GObject *object)
{
  FsOutputLines *self = FS_OUTPUT_LINES (object);

  g_clear_object (&self->trace);
  g_array_unref (self->events);
  G_OBJECT_CLASS (fs_output_lines_parent_class)->finalize (object);
}

static void
fs_output_lines_class_init (FsOutputLinesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fs_output_lines_finalize;
}

static void
fs_output_lines_init (FsOutputLines *self)
{
  self->events = g_array_new (FALSE, FALSE, sizeof (guint32));
}

static void
lines_set_visible (FsOutputLines *self, guint n)
{
  guint old = self->n_visible;

  n = MIN (n, self->events->len);
  if (n == old)
    return;
  self->n_visible = n;
  if (n > old)
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n - old);
  else
    g_list_model_items_changed (G_LIST_MODEL (self), n, old - n, 0);
}

static void
lines_set_trace (FsOutputLines *self, FsTrace *trace)
{
  lines_set_visible (self, 0);
  g_set_object (&self->trace, trace);
  g_array_set_size (self->events, 0);
  if (trace != NULL)
    {
      gsize n_events;
      const FsEvent *events = fs_trace_events (trace, &n_events);

      for (gsize i = 0; i < n_events && i < G_MAXUINT32; i++)
        if (events[i].kind == FS_EVENT_OUTPUT)
          {
            guint32 index = (guint32) i;
            g_array_append_val (self->events, index);
          }
    }
}

/* The same trace grew: output events from first_changed on are found again
 * (only the new ones, unless a send sorted in among the old events). */
static void
lines_trace_grew (FsOutputLines *self, gsize first_changed)
{
  gsize n_events;
  const FsEvent *events = fs_trace_events (self->trace, &n_events);
  guint keep = self->events->len;

  while (keep > 0 && g_array_index (self->events, guint32, keep - 1) >= first_changed)
    keep--;
  if (keep < self->n_visible)
    lines_set_visible (self, keep);
  g_array_set_size (self->events, keep);
  for (gsize i = first_changed; i < n_events && i < G_MAXUINT32; i++)
    if (events[i].kind == FS_EVENT_OUTPUT)
      {
        guint32 index = (guint32) i;
        g_array_append_val (self->events, index);
      }
}

/* Lines printed at or before t. */
static guint
lines_at (FsOutputLines *self, gint64 t_ns)
{
  guint lo = 0, hi = self->events->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (fs_trace_event (self->trace, g_array_index (self->events, guint32, mid))->t_ns <= t_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

struct _FsOutputView {
  GtkWidget parent_instance;

  FsSession *session;
  gulong session_handlers[3];

  GtkWidget *scrolled;
  GtkWidget *list_view;
  GtkWidget *placeholder;
  FsOutputLines *lines;
  GtkSingleSelection *selection;
  gboolean follow;              /* keep the newest line in view */
  gint64 last_update_us;
  guint update_timeout;
  gboolean syncing;
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

static char *
line_text (FsTrace *trace, const FsEvent *ev)
{
  g_autofree char *time = fs_format_duration (ev->t_ns);

  return g_strdup_printf ("%s  %s%s  %s", time, fs_trace_process_name (trace, ev->process),
                          ev->u.output.stream == FS_STREAM_STDERR ? " (stderr)" : "",
                          fs_trace_string (trace, ev->u.output.text));
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, FsOutputView *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, FsOutputView *self)
{
  FsEventItem *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  FsTrace *trace = fs_event_item_get_trace (row);
  const FsEvent *ev = fs_trace_event (trace, fs_event_item_get_index (row));
  const char *color = fs_process_color (ev->process, widget_is_dark (GTK_WIDGET (self)));
  g_autofree char *time = fs_format_duration (ev->t_ns);
  g_autofree char *markup = NULL;

  markup = g_markup_printf_escaped ("<span size=\"small\" alpha=\"60%%\">%s</span>  "
                                    "<span foreground=\"%s\" weight=\"bold\">%s</span>%s  "
                                    "<span foreground=\"%s\">%s</span>",
                                    time, color, fs_trace_process_name (trace, ev->process),
                                    ev->u.output.stream == FS_STREAM_STDERR ? " ⚠" : "",
                                    color, fs_trace_string (trace, ev->u.output.text));
  gtk_label_set_markup (GTK_LABEL (label), markup);
}

/* Keeps the newest line in view.  The list learns its new height only when
 * it is laid out, and tells by "changed" on the adjustment: scrolling before
 * that could aim past the end. */
static void
adjustment_changed_cb (GtkAdjustment *adj, FsOutputView *self)
{
  double bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  if (self->follow && gtk_adjustment_get_value (adj) != bottom)
    gtk_adjustment_set_value (adj, MAX (bottom, 0));
}

static void
show_up_to (FsOutputView *self, guint n)
{
  if (n == self->lines->n_visible)
    return;
  self->syncing = TRUE;
  /* Unselect first so the selection never searches the changed rows. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  lines_set_visible (self->lines, n);
  if (self->lines->n_visible > 0)
    gtk_single_selection_set_selected (self->selection, self->lines->n_visible - 1);
  self->syncing = FALSE;
  self->follow = TRUE;
}

static void
update_placeholder (FsOutputView *self)
{
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;

  gtk_widget_set_visible (self->placeholder, trace != NULL && self->lines->events->len == 0);
  gtk_widget_set_visible (self->scrolled, !gtk_widget_get_visible (self->placeholder));
}

static void
trace_changed_cb (FsSession *session, GParamSpec *pspec, FsOutputView *self)
{
  FS_PROFILE_BEGIN (output_rebuild);
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  lines_set_trace (self->lines, fs_session_get_trace (session));
  self->syncing = FALSE;
  update_placeholder (self);
  if (self->lines->trace != NULL)
    show_up_to (self, lines_at (self->lines, fs_session_get_time (session)));
  FS_PROFILE_END (output_rebuild);
}

static void
trace_grew_cb (FsSession *session, guint64 first_changed_event, guint n_processes_before,
               FsOutputView *self)
{
  if (self->lines->trace != fs_session_get_trace (session))
    {
      trace_changed_cb (session, NULL, self);
      return;
    }
  self->syncing = TRUE;
  lines_trace_grew (self->lines, (gsize) first_changed_event);
  self->syncing = FALSE;
  update_placeholder (self);
  show_up_to (self, lines_at (self->lines, fs_session_get_time (session)));
}

static gboolean
deferred_update_cb (gpointer user_data)
{
  FsOutputView *self = user_data;

  self->update_timeout = 0;
  self->last_update_us = g_get_monotonic_time ();
  if (self->lines->trace != NULL && self->session != NULL)
    show_up_to (self, lines_at (self->lines, fs_session_get_time (self->session)));
  return G_SOURCE_REMOVE;
}

/* As in the event list: at most one update per UPDATE_INTERVAL_US while the
 * playhead runs or is dragged (re-binding rows every frame is wasted work),
 * the last one always made. */
#define UPDATE_INTERVAL_US 80000

static void
time_changed_cb (FsSession *session, GParamSpec *pspec, FsOutputView *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->lines->trace == NULL)
    return;
  if (now - self->last_update_us >= UPDATE_INTERVAL_US && self->update_timeout == 0)
    {
      self->last_update_us = now;
      show_up_to (self, lines_at (self->lines, fs_session_get_time (session)));
    }
  else if (self->update_timeout == 0)
    self->update_timeout = g_timeout_add ((guint) MAX ((UPDATE_INTERVAL_US - (now - self->last_update_us)) / 1000, 1),
                                          deferred_update_cb, self);
}

static void
selected_cb (GtkSingleSelection *selection, GParamSpec *pspec, FsOutputView *self)
{
  guint row = gtk_single_selection_get_selected (selection);

  if (self->syncing || self->session == NULL || row == GTK_INVALID_LIST_POSITION)
    return;
  /* A click on a line seeks to it. */
  fs_session_seek_event (self->session, g_array_index (self->lines->events, guint32, row));
}

void
fs_output_view_set_session (FsOutputView *self, FsSession *session)
{
  static const FsSessionHandler handlers[] = {
    { "notify::trace", G_CALLBACK (trace_changed_cb) },
    { "notify::time", G_CALLBACK (time_changed_cb) },
    { "trace-grew", G_CALLBACK (trace_grew_cb) },
  };

  g_return_if_fail (FS_IS_OUTPUT_VIEW (self));
  FS_SESSION_BIND_VIEW (self, session, handlers);
  if (session != NULL)
    trace_changed_cb (session, NULL, self);
  else
    lines_set_trace (self->lines, NULL);
}

guint
fs_output_view_get_n_visible (FsOutputView *self)
{
  return self->lines->n_visible;
}

char *
fs_output_view_get_text (FsOutputView *self)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < self->lines->n_visible; i++)
    {
      const FsEvent *ev = fs_trace_event (self->lines->trace, g_array_index (self->lines->events, guint32, i));
      g_autofree char *line = line_text (self->lines->trace, ev);
      g_string_append (s, line);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

static void
fs_output_view_dispose (GObject *object)
{
  FsOutputView *self = FS_OUTPUT_VIEW (object);

  fs_output_view_set_session (self, NULL);
  g_clear_handle_id (&self->update_timeout, g_source_remove);
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  g_clear_pointer (&self->placeholder, gtk_widget_unparent);
  g_clear_object (&self->selection);
  g_clear_object (&self->lines);
  G_OBJECT_CLASS (fs_output_view_parent_class)->dispose (object);
}

static void
fs_output_view_class_init (FsOutputViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_output_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fsoutputview");
}

static void
fs_output_view_init (FsOutputView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  self->lines = g_object_new (FS_TYPE_OUTPUT_LINES, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->lines)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selected_cb), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  self->list_view = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Program output up to the playhead", -1);

  self->scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (self->scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), self->list_view);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
  g_signal_connect (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view)), "changed",
                    G_CALLBACK (adjustment_changed_cb), self);

  self->placeholder = gtk_label_new ("Nothing was printed in this trace.");
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_widget_set_vexpand (self->placeholder, TRUE);
  gtk_widget_set_visible (self->placeholder, FALSE);
  gtk_widget_set_parent (self->placeholder, GTK_WIDGET (self));
}

GtkWidget *
fs_output_view_new (void)
{
  return g_object_new (FS_TYPE_OUTPUT_VIEW, NULL);
}

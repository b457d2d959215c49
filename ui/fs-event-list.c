/* fs-event-list.c: filter bar + virtualised column view over FsEventListModel. */
#include "fs-event-list.h"
#include "fs-event-format.h"
#include "fs-profile.h"

enum {
  COLUMN_TIME,
  COLUMN_PROCESS,
  COLUMN_KIND,
  COLUMN_DETAILS,
};

enum {
  PROCESS_CHOICE_ALL = 0,
  PROCESS_CHOICE_SELECTED,
  PROCESS_CHOICE_FIRST,
};

struct _FsEventList {
  GtkWidget parent_instance;

  FsSession *session;
  gulong session_handlers[4];

  GtkWidget *box;
  GtkWidget *search_entry;
  GtkWidget *kind_dropdown;
  GtkWidget *process_dropdown;
  GtkWidget *signal_dropdown;
  GtkWidget *scrolled;
  GtkWidget *column_view;
  GtkWidget *count_label;
  GtkWidget *hidden_toggle;

  FsEventListModel *model;
  GtkSingleSelection *selection;
  GArray *signal_choices;       /* int signo per signal drop-down position - 1 */
  GPtrArray *cells;             /* every FsTextCell of the column view */

  FsKindFilter kind_filter;
  FsProcessId process_filter;
  gboolean follow_selected_process;
  int signal_filter;
  char *search;

  gboolean syncing;             /* selection changed by us, not the user */
  guint scroll_row;             /* the row to reveal at the next frame */
  gboolean rows_changed;        /* the list has not been laid out since */
  gint64 last_sync_us;
  guint sync_timeout;
  guint scroll_tick;
};

G_DEFINE_FINAL_TYPE (FsEventList, fs_event_list, GTK_TYPE_WIDGET)

/* A one-line text cell for the event list.  A GtkLabel re-measures (shapes
 * its text) whenever its text changes, and a list that follows the playhead
 * re-binds every visible row each time it moves: with ~40 rows × 4 columns
 * that was 20–30 ms a follow.  This cell has a constant height (one line of
 * its font) and asks for no width (the columns are fixed or expand), so new
 * text only queues a redraw; it is shaped once, when drawn, ellipsized to the
 * cell's width.
 *
 * The text is not set by binding: the cell shows the event at its list
 * item's position in the model's current rows (formatted when drawn, only
 * when position or rows changed).  A filter then does not need GTK to
 * re-create or re-bind the rows on screen (see replace_rows() in
 * fs-event-list-model.c): the list redraws its cells. */
#define FS_TYPE_TEXT_CELL (fs_text_cell_get_type ())
G_DECLARE_FINAL_TYPE (FsTextCell, fs_text_cell, FS, TEXT_CELL, GtkWidget)

struct _FsTextCell {
  GtkWidget parent_instance;
  int column;
  FsEventListModel *model;
  GtkListItem *list_item;       /* weak: the item this cell is the child of */
  GPtrArray *registry;          /* the list's cells, to redraw after a filter */
  guint shown_position;
  guint shown_generation;
  gboolean stale;               /* the row's event reads differently now (a live trace grew) */
  char *text;
  float xalign;
  int line_height;              /* px; 0 until measured */
  PangoLayout *layout;          /* NULL until drawn, and after text or style changes */
};

G_DEFINE_FINAL_TYPE (FsTextCell, fs_text_cell, GTK_TYPE_WIDGET)

static void
fs_text_cell_set_text (FsTextCell *self, const char *text)
{
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_object (&self->layout);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static char *format_cell (FsTrace *trace, gsize event_index, int column);

/* Brings the text up to date with the row the cell shows. */
static void
fs_text_cell_refresh (FsTextCell *self)
{
  guint position = self->list_item != NULL ? gtk_list_item_get_position (self->list_item)
                                           : GTK_INVALID_LIST_POSITION;
  guint generation = fs_event_list_model_get_generation (self->model);
  g_autofree char *text = NULL;

  if (position == self->shown_position && generation == self->shown_generation && !self->stale)
    return;
  self->stale = FALSE;
  self->shown_position = position;
  self->shown_generation = generation;
  if (position != GTK_INVALID_LIST_POSITION
      && position < g_list_model_get_n_items (G_LIST_MODEL (self->model)))
    text = format_cell (fs_event_list_model_get_trace (self->model),
                        fs_event_list_model_get_event (self->model, position), self->column);
  fs_text_cell_set_text (self, text);
}

/* The row under the cell may have changed: redraw (and so refresh). */
static void
fs_text_cell_invalidate (FsTextCell *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
fs_text_cell_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                      int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  FsTextCell *self = FS_TEXT_CELL (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = 0;
      return;
    }
  if (self->line_height == 0)
    {
      PangoContext *context = gtk_widget_get_pango_context (widget);
      PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
      int height = pango_font_metrics_get_height (metrics);

      if (height == 0)
        height = pango_font_metrics_get_ascent (metrics) + pango_font_metrics_get_descent (metrics);
      self->line_height = MAX (PANGO_PIXELS_CEIL (height), 1);
      pango_font_metrics_unref (metrics);
    }
  *minimum = *natural = self->line_height;
}

static void
fs_text_cell_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  FsTextCell *self = FS_TEXT_CELL (widget);

  if (self->layout != NULL && pango_layout_get_width (self->layout) != width * PANGO_SCALE)
    pango_layout_set_width (self->layout, width * PANGO_SCALE);
}

static void
fs_text_cell_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  FsTextCell *self = FS_TEXT_CELL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int text_width, text_height;
  GdkRGBA color;

  fs_text_cell_refresh (self);
  if (self->text == NULL || *self->text == '\0' || width <= 0)
    return;
  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (widget, self->text);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_width (self->layout, width * PANGO_SCALE);
      if (self->column == COLUMN_TIME)
        {
          /* Tabular digits, as the "numeric" style class gives a GtkLabel
           * (CSS font features reach only GTK's own text widgets). */
          PangoAttrList *attrs = pango_attr_list_new ();
          pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
          pango_layout_set_attributes (self->layout, attrs);
          pango_attr_list_unref (attrs);
        }
    }
  pango_layout_get_pixel_size (self->layout, &text_width, &text_height);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (self->xalign * MAX (width - text_width, 0),
                                                          (height - text_height) / 2));
  gtk_snapshot_append_layout (snapshot, self->layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
fs_text_cell_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  FsTextCell *self = FS_TEXT_CELL (widget);

  GTK_WIDGET_CLASS (fs_text_cell_parent_class)->css_changed (widget, change);
  /* The font may have changed (GTK does not say what did outside itself). */
  self->line_height = 0;
  g_clear_object (&self->layout);
  gtk_widget_queue_resize (widget);
}

static void
fs_text_cell_dispose (GObject *object)
{
  FsTextCell *self = FS_TEXT_CELL (object);

  if (self->registry != NULL)
    g_ptr_array_remove_fast (self->registry, self);
  g_clear_pointer (&self->registry, g_ptr_array_unref);
  g_clear_weak_pointer (&self->list_item);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (fs_text_cell_parent_class)->dispose (object);
}

static void
fs_text_cell_finalize (GObject *object)
{
  FsTextCell *self = FS_TEXT_CELL (object);

  g_free (self->text);
  g_clear_object (&self->layout);
  G_OBJECT_CLASS (fs_text_cell_parent_class)->finalize (object);
}

static void
fs_text_cell_class_init (FsTextCellClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fs_text_cell_dispose;
  G_OBJECT_CLASS (klass)->finalize = fs_text_cell_finalize;
  widget_class->measure = fs_text_cell_measure;
  widget_class->size_allocate = fs_text_cell_size_allocate;
  widget_class->snapshot = fs_text_cell_snapshot;
  widget_class->css_changed = fs_text_cell_css_changed;
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
fs_text_cell_init (FsTextCell *self)
{
  self->shown_position = GTK_INVALID_LIST_POSITION;
}

static guint32
kind_mask (FsKindFilter filter)
{
#define BIT(k) (1u << (k))
  switch (filter)
    {
    case FS_KIND_FILTER_LIFECYCLE:
      return BIT (FS_EVENT_FORK) | BIT (FS_EVENT_EXEC) | BIT (FS_EVENT_EXIT) | BIT (FS_EVENT_REAP)
             | BIT (FS_EVENT_RENAME) | BIT (FS_EVENT_THREAD);
    case FS_KIND_FILTER_SIGNALS:
      return BIT (FS_EVENT_SIGNAL_SEND) | BIT (FS_EVENT_SIGNAL_DELIVER);
    case FS_KIND_FILTER_JOB_CONTROL:
      return BIT (FS_EVENT_STOP) | BIT (FS_EVENT_CONTINUE);
    case FS_KIND_FILTER_WAITING:
      return BIT (FS_EVENT_BLOCK) | BIT (FS_EVENT_UNBLOCK);
    case FS_KIND_FILTER_OUTPUT:
      return BIT (FS_EVENT_OUTPUT);
    case FS_KIND_FILTER_MARKERS:
      return BIT (FS_EVENT_MARKER);
    case FS_KIND_FILTER_ALL:
    case FS_KIND_FILTER_LAST:
    default:
      return FS_EVENT_KINDS_ALL;
    }
#undef BIT
}

static void
update_count (FsEventList *self)
{
  FsTrace *trace = fs_event_list_model_get_trace (self->model);
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = NULL;

  if (trace == NULL)
    text = g_strdup ("");
  else if (fs_event_list_model_is_filtered (self->model))
    text = g_strdup_printf ("%u of %" G_GSIZE_FORMAT " events", shown, fs_trace_n_events (trace));
  else
    text = g_strdup_printf ("%u events", shown);
  gtk_label_set_text (GTK_LABEL (self->count_label), text);
}

/* GTK 4.8 has no gtk_column_view_scroll_to(), and its "list.scroll-to-item"
 * only reaches rows that already have widgets.  Rows are all one line high,
 * so the scroll adjustment maps linearly onto rows once the list is laid out:
 * this runs at the next frame, and again until the list has a size. */
static gboolean
scroll_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  FsEventList *self = user_data;
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  double upper = gtk_adjustment_get_upper (adj);
  double page = gtk_adjustment_get_page_size (adj);
  double row_height, top, value;

  if (self->scroll_row >= n)
    {
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  /* Not laid out yet, or not since the rows changed: the size would be stale. */
  if (upper <= 0 || page <= 0 || self->rows_changed)
    return G_SOURCE_CONTINUE;
  self->scroll_tick = 0;
  row_height = upper / n;
  top = self->scroll_row * row_height;
  value = gtk_adjustment_get_value (adj);
  /* Stay a row short of the end: the list's size is an estimate, and GTK
   * refuses (with a warning) positions past what it has measured. */
  if (top < value || top + row_height > value + page)
    gtk_adjustment_set_value (adj, CLAMP (top - page / 3, 0, MAX (upper - page - row_height, 0)));
  return G_SOURCE_REMOVE;
}

/* Selects and reveals the row of the session's current event. */
static void
sync_to_playhead (FsEventList *self)
{
  gsize current;
  guint row, n;

  if (self->session == NULL)
    return;
  current = fs_session_get_current_event (self->session);
  row = fs_event_list_model_find_row (self->model, current);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->model));

  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, row == G_MAXUINT ? GTK_INVALID_LIST_POSITION : row);
  self->syncing = FALSE;

  /* Reveal it at the next frame, once the list is laid out. */
  if (row != G_MAXUINT && n > 0)
    {
      self->scroll_row = row;
      if (self->scroll_tick == 0)
        self->scroll_tick = gtk_widget_add_tick_callback (self->column_view, scroll_tick_cb, self, NULL);
    }
}

static void apply_filter (FsEventList *self);
static void invalidate_cells (FsEventList *self);

/* The list was laid out: its scroll range is current again. */
static void
adjustment_changed_cb (GtkAdjustment *adjustment, FsEventList *self)
{
  self->rows_changed = FALSE;
}

static void
hidden_toggled_cb (GtkToggleButton *button, FsEventList *self)
{
  fs_event_list_model_set_show_hidden (self->model, gtk_toggle_button_get_active (button));
  apply_filter (self);
}

static void
apply_filter (FsEventList *self)
{
  FsProcessId process = self->process_filter;

  if (self->follow_selected_process && self->session != NULL)
    process = fs_session_get_selected_process (self->session);
  if (self->follow_selected_process && process == FS_PROCESS_NONE)
    process = FS_PROCESS_NONE - 1;   /* "selected process" with nothing selected: show nothing */

  FS_PROFILE_BEGIN (model_filter);
  self->syncing = TRUE;
  /* With a row selected, GtkSingleSelection looks for its item among every
   * added row (get_item on each: a million objects); nothing selected, it
   * does not look. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->rows_changed = TRUE;
  fs_event_list_model_set_filter (self->model, kind_mask (self->kind_filter), process,
                                  self->signal_filter, self->search);
  self->syncing = FALSE;
  invalidate_cells (self);
  FS_PROFILE_END (model_filter);
  update_count (self);
  sync_to_playhead (self);
}

static char *
format_cell (FsTrace *trace, gsize event_index, int column)
{
  const FsEvent *ev = fs_trace_event (trace, event_index);

  switch (column)
    {
    case COLUMN_TIME: return fs_format_duration (ev->t_ns);
    case COLUMN_PROCESS: return fs_format_process (trace, ev->process);
    case COLUMN_KIND: return g_strdup (fs_event_kind_label (ev->kind));
    case COLUMN_DETAILS: return fs_format_event_details (trace, ev);
    default: return g_strdup ("");
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, FsEventList *self)
{
  FsTextCell *cell = g_object_new (FS_TYPE_TEXT_CELL, NULL);
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "fs-column"));

  cell->column = column;
  cell->model = g_object_ref (self->model);
  g_set_weak_pointer (&cell->list_item, item);
  cell->registry = g_ptr_array_ref (self->cells);
  g_ptr_array_add (self->cells, cell);
  cell->xalign = column == COLUMN_TIME ? 1.0f : 0.0f;
  if (column == COLUMN_TIME)
    gtk_widget_add_css_class (GTK_WIDGET (cell), "numeric");
  gtk_list_item_set_child (item, GTK_WIDGET (cell));
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, FsEventList *self)
{
  fs_text_cell_invalidate (FS_TEXT_CELL (gtk_list_item_get_child (item)));
}

/* The model's rows changed under the cells on screen. */
static void
invalidate_cells (FsEventList *self)
{
  for (guint i = 0; i < self->cells->len; i++)
    fs_text_cell_invalidate (g_ptr_array_index (self->cells, i));
}

static void
add_column (FsEventList *self, const char *title, int column, int fixed_width, gboolean expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "fs-column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_append_column (GTK_COLUMN_VIEW (self->column_view), col);
  g_object_unref (col);
}

static void
selected_cb (GtkSingleSelection *selection, GParamSpec *pspec, FsEventList *self)
{
  guint row = gtk_single_selection_get_selected (selection);

  if (self->syncing || self->session == NULL || row == GTK_INVALID_LIST_POSITION)
    return;
  self->syncing = TRUE;
  fs_session_seek_event (self->session, fs_event_list_model_get_event (self->model, row));
  self->syncing = FALSE;
}

static gboolean
deferred_sync_cb (gpointer user_data)
{
  FsEventList *self = user_data;

  self->sync_timeout = 0;
  self->last_sync_us = g_get_monotonic_time ();
  sync_to_playhead (self);
  return G_SOURCE_REMOVE;
}

/* Following the playhead costs re-binding every visible row when the list
 * jumps; during playback or a drag that happens every frame, faster than
 * anyone can read.  At most one follow per SYNC_INTERVAL_US, the last one
 * always done. */
#define SYNC_INTERVAL_US 80000

static void
current_event_cb (FsSession *session, GParamSpec *pspec, FsEventList *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->syncing)
    return;
  if (now - self->last_sync_us >= SYNC_INTERVAL_US && self->sync_timeout == 0)
    {
      FS_PROFILE_BEGIN (event_list_sync);
      self->last_sync_us = now;
      sync_to_playhead (self);
      FS_PROFILE_END (event_list_sync);
    }
  else if (self->sync_timeout == 0)
    self->sync_timeout = g_timeout_add ((guint) MAX ((SYNC_INTERVAL_US - (now - self->last_sync_us)) / 1000, 1),
                                        deferred_sync_cb, self);
}

static void
selected_process_cb (FsSession *session, GParamSpec *pspec, FsEventList *self)
{
  if (self->follow_selected_process)
    apply_filter (self);
}

static void
fill_dropdowns (FsEventList *self, FsTrace *trace)
{
  GtkStringList *processes = gtk_string_list_new (NULL);
  GtkStringList *signals = gtk_string_list_new (NULL);
  gboolean seen[FS_SIGNAL_MAX + 1] = { FALSE };

  gtk_string_list_append (processes, "All processes");
  gtk_string_list_append (processes, "Selected process");
  gtk_string_list_append (signals, "All signals");
  g_array_set_size (self->signal_choices, 0);
  if (trace != NULL)
    {
      gsize n_events;
      const FsEvent *events = fs_trace_events (trace, &n_events);

      for (FsProcessId id = 0; id < fs_trace_n_processes (trace); id++)
        {
          g_autofree char *label = fs_format_process (trace, id);
          gtk_string_list_append (processes, label);
        }
      for (gsize i = 0; i < n_events; i++)
        if (events[i].signal != 0 && events[i].signal <= FS_SIGNAL_MAX)
          seen[events[i].signal] = TRUE;
      for (int sig = 1; sig <= FS_SIGNAL_MAX; sig++)
        if (seen[sig])
          {
            gtk_string_list_append (signals, fs_signal_name (sig));
            g_array_append_val (self->signal_choices, sig);
          }
    }
  self->syncing = TRUE;
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->process_dropdown), G_LIST_MODEL (processes));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->signal_dropdown), G_LIST_MODEL (signals));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->process_dropdown), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->signal_dropdown), 0);
  self->syncing = FALSE;
  g_object_unref (processes);
  g_object_unref (signals);
}

static void
trace_changed_cb (FsSession *session, GParamSpec *pspec, FsEventList *self)
{
  FsTrace *trace = fs_session_get_trace (session);
  FS_PROFILE_BEGIN (event_list_trace);

  self->process_filter = FS_PROCESS_NONE;
  self->follow_selected_process = FALSE;
  self->signal_filter = 0;
  fill_dropdowns (self, trace);
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->rows_changed = TRUE;
  fs_event_list_model_set_trace (self->model, trace);
  self->syncing = FALSE;
  invalidate_cells (self);
  gtk_widget_set_visible (self->hidden_toggle, fs_event_list_model_has_hidden (self->model));
  apply_filter (self);
  FS_PROFILE_END (event_list_trace);
}

/* New processes and signals join the filter drop-downs without disturbing
 * what is chosen there: processes at the end (ids are positions), signals
 * in number order with the selection moved along. */
static void
extend_dropdowns (FsEventList *self, FsTrace *trace, guint n_processes_before, gsize first_new_event)
{
  GtkStringList *processes = GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (self->process_dropdown)));
  GtkStringList *signals = GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (self->signal_dropdown)));
  gboolean seen[FS_SIGNAL_MAX + 1] = { FALSE };
  gsize n_events;
  const FsEvent *events = fs_trace_events (trace, &n_events);

  self->syncing = TRUE;
  /* Processes renamed since (an exec) get their new label, the choice kept. */
  guint selected_process = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->process_dropdown));
  for (FsProcessId id = 0; id < n_processes_before; id++)
    {
      g_autofree char *label = fs_format_process (trace, id);
      guint position = PROCESS_CHOICE_FIRST + id;
      if (g_strcmp0 (gtk_string_list_get_string (processes, position), label) != 0)
        {
          const char *labels[] = { label, NULL };
          gtk_string_list_splice (processes, position, 1, labels);
        }
    }
  if (gtk_drop_down_get_selected (GTK_DROP_DOWN (self->process_dropdown)) != selected_process)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->process_dropdown), selected_process);
  for (FsProcessId id = n_processes_before; id < fs_trace_n_processes (trace); id++)
    {
      g_autofree char *label = fs_format_process (trace, id);
      gtk_string_list_append (processes, label);
    }
  for (guint i = 0; i < self->signal_choices->len; i++)
    seen[g_array_index (self->signal_choices, int, i)] = TRUE;
  for (gsize i = first_new_event; i < n_events; i++)
    {
      int sig = events[i].signal;
      if (sig == 0 || sig > FS_SIGNAL_MAX || seen[sig])
        continue;
      seen[sig] = TRUE;
      guint at = 0;
      while (at < self->signal_choices->len && g_array_index (self->signal_choices, int, at) < sig)
        at++;
      guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->signal_dropdown));
      g_array_insert_val (self->signal_choices, at, sig);
      const char *names[] = { fs_signal_name (sig), NULL };
      gtk_string_list_splice (signals, at + 1, 0, names);
      if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected >= at + 1)
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->signal_dropdown), selected + 1);
    }
  self->syncing = FALSE;
}

/* A live trace grew in place: rows for the new events are added at the end
 * (filtered as the list is), the filter, drop-downs and scroll position
 * stay.  Cost: the new events, plus the new processes' drop-down labels. */
static void
trace_grew_cb (FsSession *session, guint64 first_changed_event, guint n_processes_before,
               FsEventList *self)
{
  FsTrace *trace = fs_session_get_trace (session);
  if (trace != fs_event_list_model_get_trace (self->model))
    {
      trace_changed_cb (session, NULL, self);
      return;
    }
  FS_PROFILE_BEGIN (event_list_grew);
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  extend_dropdowns (self, trace, n_processes_before, (gsize) first_changed_event);
  self->syncing = TRUE;
  /* With a row selected, GtkSingleSelection fetches every added row looking
   * for its item: unselect, and select the playhead's row afresh below. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  fs_event_list_model_trace_grew (self->model, (gsize) first_changed_event);
  /* The scroll range is stale until the list is laid out again, which only
   * happens when the number of rows changed. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) != n_rows)
    self->rows_changed = TRUE;
  self->syncing = FALSE;
  /* The cells on screen are formatted again: rows were replaced when old
   * events moved or hid, and even rows that stayed name processes, whose
   * names a live trace rewrites (an exec). */
  for (guint i = 0; i < self->cells->len; i++)
    FS_TEXT_CELL (g_ptr_array_index (self->cells, i))->stale = TRUE;
  invalidate_cells (self);
  gtk_widget_set_visible (self->hidden_toggle, fs_event_list_model_has_hidden (self->model));
  update_count (self);
  sync_to_playhead (self);
  FS_PROFILE_END (event_list_grew);
}

void
fs_event_list_set_session (FsEventList *self, FsSession *session)
{
  static const FsSessionHandler handlers[] = {
    { "notify::trace", G_CALLBACK (trace_changed_cb) },
    { "notify::current-event", G_CALLBACK (current_event_cb) },
    { "notify::selected-process", G_CALLBACK (selected_process_cb) },
    { "trace-grew", G_CALLBACK (trace_grew_cb) },
  };

  g_return_if_fail (FS_IS_EVENT_LIST (self));
  FS_SESSION_BIND_VIEW (self, session, handlers);
  if (session != NULL)
    trace_changed_cb (session, NULL, self);
  else
    fs_event_list_model_set_trace (self->model, NULL);
}

FsEventListModel *
fs_event_list_get_model (FsEventList *self)
{
  return self->model;
}

void
fs_event_list_focus_search (FsEventList *self)
{
  gtk_widget_grab_focus (self->search_entry);
}

void
fs_event_list_set_kind_filter (FsEventList *self, FsKindFilter filter)
{
  if (filter >= FS_KIND_FILTER_LAST)
    filter = FS_KIND_FILTER_ALL;
  self->kind_filter = filter;
  if (gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kind_dropdown)) != filter)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->kind_dropdown), filter);
  apply_filter (self);
}

void
fs_event_list_set_process_filter (FsEventList *self, FsProcessId process)
{
  self->process_filter = process;
  self->follow_selected_process = FALSE;
  self->syncing = TRUE;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->process_dropdown),
                              process == FS_PROCESS_NONE ? PROCESS_CHOICE_ALL : process + PROCESS_CHOICE_FIRST);
  self->syncing = FALSE;
  apply_filter (self);
}

void
fs_event_list_set_signal_filter (FsEventList *self, int signo)
{
  guint position = 0;

  self->signal_filter = signo;
  for (guint i = 0; i < self->signal_choices->len; i++)
    if (g_array_index (self->signal_choices, int, i) == signo)
      position = i + 1;
  self->syncing = TRUE;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->signal_dropdown), position);
  self->syncing = FALSE;
  apply_filter (self);
}

void
fs_event_list_set_search (FsEventList *self, const char *text)
{
  g_free (self->search);
  self->search = g_strdup (text);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text != NULL ? text : "") != 0)
    {
      self->syncing = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
      self->syncing = FALSE;
    }
  apply_filter (self);
}

void
fs_event_list_activate_row (FsEventList *self, guint position)
{
  gtk_single_selection_set_selected (self->selection, position);
}

guint
fs_event_list_get_selected_row (FsEventList *self)
{
  guint row = gtk_single_selection_get_selected (self->selection);
  return row == GTK_INVALID_LIST_POSITION ? G_MAXUINT : row;
}

char *
fs_event_list_dup_cell_text (FsEventList *self, guint row, guint column)
{
  for (guint i = 0; i < self->cells->len; i++)
    {
      FsTextCell *cell = g_ptr_array_index (self->cells, i);

      if (cell->column == (int) column && cell->list_item != NULL
          && gtk_list_item_get_position (cell->list_item) == row)
        {
          fs_text_cell_refresh (cell);
          return g_strdup (cell->text != NULL ? cell->text : "");
        }
    }
  return NULL;
}

static void
search_changed_cb (GtkSearchEntry *entry, FsEventList *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  /* Also emitted (after a delay) for text we set ourselves. */
  if (self->syncing || g_strcmp0 (text, self->search != NULL ? self->search : "") == 0)
    return;
  g_free (self->search);
  self->search = g_strdup (text);
  apply_filter (self);
}

static void
kind_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, FsEventList *self)
{
  if (!self->syncing && gtk_drop_down_get_selected (dropdown) != self->kind_filter)
    fs_event_list_set_kind_filter (self, gtk_drop_down_get_selected (dropdown));
}

static void
process_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, FsEventList *self)
{
  guint position = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || position == GTK_INVALID_LIST_POSITION)
    return;
  self->follow_selected_process = position == PROCESS_CHOICE_SELECTED;
  self->process_filter = position >= PROCESS_CHOICE_FIRST ? position - PROCESS_CHOICE_FIRST : FS_PROCESS_NONE;
  apply_filter (self);
}

static void
signal_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, FsEventList *self)
{
  guint position = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || position == GTK_INVALID_LIST_POSITION)
    return;
  self->signal_filter = position > 0 && position - 1 < self->signal_choices->len
                        ? g_array_index (self->signal_choices, int, position - 1) : 0;
  apply_filter (self);
}

static void
fs_event_list_dispose (GObject *object)
{
  FsEventList *self = FS_EVENT_LIST (object);

  fs_event_list_set_session (self, NULL);
  g_clear_handle_id (&self->sync_timeout, g_source_remove);
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (self->column_view, self->scroll_tick);
  self->scroll_tick = 0;
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_pointer (&self->signal_choices, g_array_unref);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_clear_pointer (&self->search, g_free);
  G_OBJECT_CLASS (fs_event_list_parent_class)->dispose (object);
}

static void
fs_event_list_class_init (FsEventListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_event_list_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fseventlist");
}

static GtkWidget *
labelled_dropdown (const char *const *choices, const char *accessible_name)
{
  GtkWidget *dropdown = gtk_drop_down_new_from_strings (choices);

  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  gtk_widget_set_tooltip_text (dropdown, accessible_name);
  return dropdown;
}

static void
fs_event_list_init (FsEventList *self)
{
  static const char *const kinds[] = {
    "All kinds", "Lifecycle", "Signals", "Job control", "Waiting", "Output", "Markers", NULL
  };
  static const char *const all_processes[] = { "All processes", NULL };
  static const char *const all_signals[] = { "All signals", NULL };
  GtkWidget *filters, *search_row;

  self->process_filter = FS_PROCESS_NONE;
  self->signal_choices = g_array_new (FALSE, FALSE, sizeof (int));
  self->cells = g_ptr_array_new ();
  self->model = fs_event_list_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selected_cb), self);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  {
    GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

    gtk_widget_set_margin_start (bar, 6);
    gtk_widget_set_margin_end (bar, 6);
    gtk_widget_set_margin_top (bar, 6);
    gtk_widget_set_margin_bottom (bar, 6);
    gtk_box_append (GTK_BOX (self->box), bar);
    search_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    gtk_box_append (GTK_BOX (bar), search_row);
    filters = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    gtk_box_append (GTK_BOX (bar), filters);
  }

  self->search_entry = gtk_search_entry_new ();
  gtk_widget_set_hexpand (self->search_entry, TRUE);
  g_object_set (self->search_entry, "placeholder-text", "Search events", NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Search events", -1);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  gtk_box_append (GTK_BOX (search_row), self->search_entry);

  self->kind_dropdown = labelled_dropdown (kinds, "Filter by event kind");
  gtk_widget_set_hexpand (self->kind_dropdown, TRUE);
  g_signal_connect (self->kind_dropdown, "notify::selected", G_CALLBACK (kind_selected_cb), self);
  gtk_box_append (GTK_BOX (filters), self->kind_dropdown);

  self->process_dropdown = labelled_dropdown (all_processes, "Filter by process");
  gtk_widget_set_hexpand (self->process_dropdown, TRUE);
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (self->process_dropdown), TRUE);
  {
    /* Searching a string list needs an expression that yields the string. */
    GtkExpression *expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
    gtk_drop_down_set_expression (GTK_DROP_DOWN (self->process_dropdown), expression);
    gtk_expression_unref (expression);
  }
  g_signal_connect (self->process_dropdown, "notify::selected", G_CALLBACK (process_selected_cb), self);
  gtk_box_append (GTK_BOX (filters), self->process_dropdown);

  self->signal_dropdown = labelled_dropdown (all_signals, "Filter by signal");
  gtk_widget_set_hexpand (self->signal_dropdown, TRUE);
  g_signal_connect (self->signal_dropdown, "notify::selected", G_CALLBACK (signal_selected_cb), self);
  gtk_box_append (GTK_BOX (filters), self->signal_dropdown);

  self->hidden_toggle = gtk_toggle_button_new ();
  gtk_button_set_icon_name (GTK_BUTTON (self->hidden_toggle), "view-reveal-symbolic");
  gtk_widget_set_tooltip_text (self->hidden_toggle,
                               "Show the events of the scenario runner's own processes (launcher, reaper)");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->hidden_toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Show infrastructure processes", -1);
  gtk_widget_set_visible (self->hidden_toggle, FALSE);
  g_signal_connect (self->hidden_toggle, "toggled", G_CALLBACK (hidden_toggled_cb), self);
  gtk_box_append (GTK_BOX (search_row), self->hidden_toggle);

  self->column_view = gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)));
  gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (self->column_view), FALSE);
  gtk_widget_add_css_class (self->column_view, "data-table");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Events", -1);
  add_column (self, "Time", COLUMN_TIME, 110, FALSE);
  add_column (self, "Process", COLUMN_PROCESS, 150, FALSE);
  add_column (self, "Event", COLUMN_KIND, 120, FALSE);
  add_column (self, "Details", COLUMN_DETAILS, -1, TRUE);

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), self->column_view);
  g_signal_connect (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view)), "changed",
                    G_CALLBACK (adjustment_changed_cb), self);
  gtk_widget_set_vexpand (self->scrolled, TRUE);
  gtk_box_append (GTK_BOX (self->box), self->scrolled);

  self->count_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->count_label), 0);
  gtk_widget_add_css_class (self->count_label, "dim-label");
  gtk_widget_add_css_class (self->count_label, "caption");
  gtk_widget_set_margin_start (self->count_label, 8);
  gtk_widget_set_margin_top (self->count_label, 3);
  gtk_widget_set_margin_bottom (self->count_label, 3);
  gtk_box_append (GTK_BOX (self->box), self->count_label);
}

GtkWidget *
fs_event_list_new (void)
{
  return g_object_new (FS_TYPE_EVENT_LIST, NULL);
}

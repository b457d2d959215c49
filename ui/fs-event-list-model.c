/* fs-event-list-model.c: a lazily materialised, filterable list of events. */
#include "fs-event-list-model.h"
#include "fs-event-format.h"
#include "fs-profile.h"

#include <string.h>

struct _FsEventItem {
  GObject parent_instance;
  FsTrace *trace;
  gsize index;
};

G_DEFINE_FINAL_TYPE (FsEventItem, fs_event_item, G_TYPE_OBJECT)

static void
fs_event_item_finalize (GObject *object)
{
  g_clear_object (&FS_EVENT_ITEM (object)->trace);
  G_OBJECT_CLASS (fs_event_item_parent_class)->finalize (object);
}

static void
fs_event_item_class_init (FsEventItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fs_event_item_finalize;
}

static void
fs_event_item_init (FsEventItem *self)
{
}

FsEventItem *
fs_event_item_new (FsTrace *trace, gsize index)
{
  FsEventItem *item = g_object_new (FS_TYPE_EVENT_ITEM, NULL);

  item->trace = g_object_ref (trace);
  item->index = index;
  return item;
}

gsize
fs_event_item_get_index (FsEventItem *self)
{
  return self->index;
}

FsTrace *
fs_event_item_get_trace (FsEventItem *self)
{
  return self->trace;
}

struct _FsEventListModel {
  GObject parent_instance;

  FsTrace *trace;
  /* NULL: every event, in order.  Otherwise the shown event indices, ascending. */
  GArray *rows;
  guint n_rows;
  gboolean show_hidden;
  guint8 *hidden;               /* per process: FS_PROCESS_FLAG_HIDDEN; NULL when none is */
  guint generation;             /* counts replace_rows() */
  /* The filter the rows were made with, for rows of events still to come. */
  guint32 filter_kinds;
  FsProcessId filter_process;
  int filter_signal;
  char *filter_search;
  gsize n_events_seen;          /* events of the trace the rows account for */
  guint n_processes_seen;       /* processes the hidden flags account for */
  /* Per process, whether its name matched filter_search when the rows were
   * made (NULL without a search): a live process renamed by an exec changes
   * which of its old events match. */
  guint8 *search_process_matches;
  guint n_search_processes;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FsEventListModel, fs_event_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return FS_TYPE_EVENT_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return FS_EVENT_LIST_MODEL (model)->n_rows;
}

static gpointer
get_item (GListModel *model, guint position)
{
  FsEventListModel *self = FS_EVENT_LIST_MODEL (model);
  FsEventItem *item;

  if (position >= self->n_rows)
    return NULL;
  item = g_object_new (FS_TYPE_EVENT_ITEM, NULL);
  item->trace = g_object_ref (self->trace);
  item->index = fs_event_list_model_get_event (self, position);
  return item;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
fs_event_list_model_finalize (GObject *object)
{
  FsEventListModel *self = FS_EVENT_LIST_MODEL (object);

  g_clear_object (&self->trace);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->hidden, g_free);
  g_free (self->filter_search);
  g_free (self->search_process_matches);
  G_OBJECT_CLASS (fs_event_list_model_parent_class)->finalize (object);
}

static void
fs_event_list_model_class_init (FsEventListModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fs_event_list_model_finalize;
}

static void
fs_event_list_model_init (FsEventListModel *self)
{
  self->filter_kinds = FS_EVENT_KINDS_ALL;
  self->filter_process = FS_PROCESS_NONE;
}

static void
remember_filter (FsEventListModel *self, guint32 kind_mask, FsProcessId process, int signo,
                 const char *search)
{
  self->filter_kinds = kind_mask;
  self->filter_process = process;
  self->filter_signal = signo;
  if (search != self->filter_search)
    {
      g_free (self->filter_search);
      self->filter_search = g_strdup (search);
    }
}

/* Per process: hidden or not; NULL when no process is. */
static guint8 *
find_hidden (FsTrace *trace)
{
  guint8 *hidden = NULL;
  guint n_processes = fs_trace_n_processes (trace);
  for (FsProcessId id = 0; id < n_processes; id++)
    if (fs_trace_process (trace, id)->flags & FS_PROCESS_FLAG_HIDDEN)
      {
        if (hidden == NULL)
          hidden = g_new0 (guint8, n_processes);
        hidden[id] = 1;
      }
  return hidden;
}

FsEventListModel *
fs_event_list_model_new (void)
{
  return g_object_new (FS_TYPE_EVENT_LIST_MODEL, NULL);
}

/* Replaces every row.  Said to GTK 4.8 honestly — remove all, add all — this
 * costs 40–50 ms per filter even for a handful of rows: the list item
 * manager destroys the widgets of every removed row (nine widgets and their
 * controllers per column-view row) and builds new ones, and given both in
 * one items-changed it also fetches every added item (a million get_item
 * calls) looking for rows it could keep.  So only the difference in length
 * is signalled, at the end; rows that keep their position keep their widgets
 * and their (now stale) row items, and the generation changes: the event
 * list's cells show the event at their position in the current rows, and it
 * redraws them (fs-event-list.c).  A consumer that keeps row items across a
 * filter must not rely on them: the event list unselects before filtering
 * (GtkSingleSelection keeps its selected item) and selects afresh after. */
static void
replace_rows (FsEventListModel *self, GArray *rows, guint n_rows)
{
  guint old = self->n_rows;

  g_clear_pointer (&self->rows, g_array_unref);
  self->rows = rows;
  self->n_rows = n_rows;
  self->generation++;
  if (n_rows < old)
    g_list_model_items_changed (G_LIST_MODEL (self), n_rows, old - n_rows, 0);
  else if (n_rows > old)
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n_rows - old);
}

void
fs_event_list_model_set_trace (FsEventListModel *self, FsTrace *trace)
{
  gsize n;

  g_return_if_fail (FS_IS_EVENT_LIST_MODEL (self));
  /* A new trace: every row goes, said honestly (unlike a filter), so that
   * no row item left on a widget keeps the old trace alive. */
  if (self->n_rows != 0)
    {
      guint old = self->n_rows;

      self->n_rows = 0;
      g_clear_pointer (&self->rows, g_array_unref);
      self->generation++;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old, 0);
    }
  g_set_object (&self->trace, trace);
  g_clear_pointer (&self->hidden, g_free);
  if (trace != NULL)
    self->hidden = find_hidden (trace);
  self->n_processes_seen = trace != NULL ? fs_trace_n_processes (trace) : 0;
  remember_filter (self, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, NULL);
  g_clear_pointer (&self->search_process_matches, g_free);
  self->n_search_processes = 0;
  self->n_events_seen = trace != NULL ? fs_trace_n_events (trace) : 0;
  if (self->hidden != NULL && !self->show_hidden)
    {
      fs_event_list_model_set_filter (self, FS_EVENT_KINDS_ALL, FS_PROCESS_NONE, 0, NULL);
      return;
    }
  n = trace != NULL ? fs_trace_n_events (trace) : 0;
  replace_rows (self, NULL, (guint) MIN (n, G_MAXUINT - 1));
}

void
fs_event_list_model_set_show_hidden (FsEventListModel *self, gboolean show)
{
  self->show_hidden = show;
}

gboolean
fs_event_list_model_has_hidden (FsEventListModel *self)
{
  return self->hidden != NULL;
}

static gboolean
is_hidden (FsEventListModel *self, FsProcessId id)
{
  return id < fs_trace_n_processes (self->trace) && self->hidden[id];
}

/* An event of the runner's infrastructure: done by a hidden process, or a
 * signal to one (the kernel's SIGCHLD to the reaper). */
static gboolean
event_is_hidden (FsEventListModel *self, const FsEvent *ev)
{
  if (is_hidden (self, ev->process))
    return TRUE;
  return ev->kind == FS_EVENT_SIGNAL_SEND && ev->u.send.target_kind == FS_TARGET_PROCESS
         && is_hidden (self, ev->u.send.target);
}

FsTrace *
fs_event_list_model_get_trace (FsEventListModel *self)
{
  return self->trace;
}

guint
fs_event_list_model_get_generation (FsEventListModel *self)
{
  return self->generation;
}

gboolean
fs_event_list_model_is_filtered (FsEventListModel *self)
{
  return self->rows != NULL;
}

gsize
fs_event_list_model_get_event (FsEventListModel *self, guint position)
{
  g_return_val_if_fail (position < self->n_rows, FS_EVENT_NONE);
  return self->rows != NULL ? g_array_index (self->rows, guint32, position) : position;
}

guint
fs_event_list_model_find_row (FsEventListModel *self, gsize event_index)
{
  guint lo = 0, hi;

  if (self->n_rows == 0 || event_index == FS_EVENT_NONE)
    return G_MAXUINT;
  if (self->rows == NULL)
    return (guint) MIN (event_index, (gsize) self->n_rows - 1);

  /* Upper bound: first row whose event is after event_index. */
  hi = self->n_rows;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (self->rows, guint32, mid) <= event_index)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo == 0 ? G_MAXUINT : lo - 1;
}

/* Search state: which processes, strings and kinds contain the needle,
 * decided once per filter change so each event costs a few lookups. */
typedef struct {
  char *needle;                 /* casefolded; NULL: no search */
  guint8 *process_matches;
  guint8 *string_matches;
  gboolean kind_matches[FS_EVENT_KIND_LAST];
  gboolean signal_matches[FS_SIGNAL_MAX + 1];
} SearchIndex;

static gboolean
text_contains (const char *haystack, const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

static void
search_index_init (SearchIndex *index, FsTrace *trace, const char *search)
{
  guint n_processes = fs_trace_n_processes (trace);
  guint n_strings = fs_trace_n_strings (trace);

  memset (index, 0, sizeof *index);
  if (search == NULL || *search == '\0')
    return;
  index->needle = g_utf8_casefold (search, -1);

  index->process_matches = g_new0 (guint8, MAX (n_processes, 1));
  for (FsProcessId id = 0; id < n_processes; id++)
    {
      g_autofree char *label = fs_format_process (trace, id);
      FsProcess *process = fs_trace_process (trace, id);
      index->process_matches[id] = text_contains (label, index->needle)
                                   || text_contains (fs_trace_string (trace, process->comm), index->needle);
    }
  index->string_matches = g_new0 (guint8, MAX (n_strings, 1));
  for (FsStringId id = 1; id < n_strings; id++)
    index->string_matches[id] = text_contains (fs_trace_string (trace, id), index->needle);
  for (int kind = 1; kind < FS_EVENT_KIND_LAST; kind++)
    index->kind_matches[kind] = text_contains (fs_event_kind_label (kind), index->needle)
                                || text_contains (fs_event_kind_name (kind), index->needle);
  for (int sig = 1; sig <= FS_SIGNAL_MAX; sig++)
    index->signal_matches[sig] = text_contains (fs_signal_name (sig), index->needle);
}

static void
search_index_clear (SearchIndex *index)
{
  g_free (index->needle);
  g_free (index->process_matches);
  g_free (index->string_matches);
}

/* Keeps which processes the search matched, for trace_grew to compare. */
static void
remember_search_processes (FsEventListModel *self, const SearchIndex *index, FsTrace *trace)
{
  g_clear_pointer (&self->search_process_matches, g_free);
  self->n_search_processes = 0;
  if (index->needle == NULL)
    return;
  self->n_search_processes = fs_trace_n_processes (trace);
  self->search_process_matches = g_memdup2 (index->process_matches,
                                            MAX (self->n_search_processes, 1));
}

/* Whether a process the rows were made with now matches the search
 * differently (its name changed). */
static gboolean
search_processes_changed (FsEventListModel *self, const SearchIndex *index)
{
  if (index->needle == NULL || self->search_process_matches == NULL)
    return FALSE;
  for (FsProcessId id = 0; id < self->n_search_processes; id++)
    if (self->search_process_matches[id] != index->process_matches[id])
      return TRUE;
  return FALSE;
}

static gboolean
process_matches (const SearchIndex *index, FsTrace *trace, FsProcessId id)
{
  return id < fs_trace_n_processes (trace) && index->process_matches[id];
}

static gboolean
string_matches (const SearchIndex *index, FsTrace *trace, FsStringId id)
{
  return id < fs_trace_n_strings (trace) && index->string_matches[id];
}

static gboolean
event_matches_search (const SearchIndex *index, FsTrace *trace, const FsEvent *ev)
{
  if (index->needle == NULL)
    return TRUE;
  if (ev->kind < FS_EVENT_KIND_LAST && index->kind_matches[ev->kind])
    return TRUE;
  if (process_matches (index, trace, ev->process))
    return TRUE;
  if (ev->signal != 0 && ev->signal <= FS_SIGNAL_MAX && index->signal_matches[ev->signal])
    return TRUE;

  switch ((FsEventKind) ev->kind)
    {
    case FS_EVENT_FORK:
      return process_matches (index, trace, ev->u.fork.child);
    case FS_EVENT_EXEC:
      {
        const char *const *argv = fs_trace_strv (trace, ev->u.exec.argv);
        if (string_matches (index, trace, ev->u.exec.path))
          return TRUE;
        for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
          if (text_contains (argv[i], index->needle))
            return TRUE;
        return FALSE;
      }
    case FS_EVENT_RENAME:
      return string_matches (index, trace, ev->u.rename.comm);
    case FS_EVENT_SIGNAL_SEND:
      return ev->u.send.target_kind == FS_TARGET_PROCESS
             && process_matches (index, trace, ev->u.send.target);
    case FS_EVENT_SIGNAL_DELIVER:
      return process_matches (index, trace, ev->u.deliver.sender);
    case FS_EVENT_REAP:
      return process_matches (index, trace, ev->u.reap.child);
    case FS_EVENT_OUTPUT:
      return string_matches (index, trace, ev->u.output.text);
    case FS_EVENT_MARKER:
      return string_matches (index, trace, ev->u.marker.text);
    case FS_EVENT_EXIT:
    case FS_EVENT_STOP:
    case FS_EVENT_CONTINUE:
    case FS_EVENT_BLOCK:
    case FS_EVENT_UNBLOCK:
    case FS_EVENT_THREAD:
    case FS_EVENT_KIND_LAST:
    default:
      return FALSE;
    }
}

static gboolean
event_matches (FsEventListModel *self, const SearchIndex *index, FsTrace *trace, const FsEvent *ev,
               guint32 kind_mask, int signo)
{
  if (self->hidden != NULL && !self->show_hidden && event_is_hidden (self, ev))
    return FALSE;
  if (ev->kind >= 32 || !(kind_mask & (1u << ev->kind)))
    return FALSE;
  if (signo != 0 && ev->signal != signo)
    return FALSE;
  return event_matches_search (index, trace, ev);
}

void
fs_event_list_model_set_filter (FsEventListModel *self, guint32 kind_mask,
                                FsProcessId process, int signo, const char *search)
{
  gsize n_events;
  const FsEvent *events;
  SearchIndex index;
  GArray *rows;

  g_return_if_fail (FS_IS_EVENT_LIST_MODEL (self));
  if (self->trace == NULL)
    return;

  events = fs_trace_events (self->trace, &n_events);
  n_events = MIN (n_events, (gsize) G_MAXUINT - 1);
  remember_filter (self, kind_mask, process, signo, search);
  self->n_events_seen = n_events;
  if (kind_mask == FS_EVENT_KINDS_ALL && process == FS_PROCESS_NONE && signo == 0
      && (search == NULL || *search == '\0') && (self->hidden == NULL || self->show_hidden))
    {
      g_clear_pointer (&self->search_process_matches, g_free);
      self->n_search_processes = 0;
      replace_rows (self, NULL, (guint) n_events);
      return;
    }

  FS_PROFILE_BEGIN (filter_scan);
  search_index_init (&index, self->trace, search);
  remember_search_processes (self, &index, self->trace);
  rows = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (process != FS_PROCESS_NONE && process < fs_trace_n_processes (self->trace))
    {
      guint n = 0;
      const guint32 *indices = fs_trace_process_events (self->trace, process, &n);
      for (guint i = 0; i < n; i++)
        if (indices[i] < n_events
            && event_matches (self, &index, self->trace, &events[indices[i]], kind_mask, signo))
          g_array_append_val (rows, indices[i]);
    }
  else if (process == FS_PROCESS_NONE)
    {
      for (gsize i = 0; i < n_events; i++)
        if (event_matches (self, &index, self->trace, &events[i], kind_mask, signo))
          {
            guint32 row = (guint32) i;
            g_array_append_val (rows, row);
          }
    }
  search_index_clear (&index);
  FS_PROFILE_END (filter_scan);
  {
    FS_PROFILE_BEGIN (filter_items_changed);
    replace_rows (self, rows, rows->len);
    FS_PROFILE_END (filter_items_changed);

  }
}

void
fs_event_list_model_trace_grew (FsEventListModel *self, gsize first_changed_event)
{
  g_return_if_fail (FS_IS_EVENT_LIST_MODEL (self));
  if (self->trace == NULL)
    return;

  gsize n_events;
  const FsEvent *events = fs_trace_events (self->trace, &n_events);
  n_events = MIN (n_events, (gsize) G_MAXUINT - 1);
  gsize from = self->n_events_seen;

  /* Hidden processes are the scenario runner's, flagged when they appear.
   * A new one only hides new events (a process is defined before any event
   * names it), but an old one changing its flag, or the first hidden one
   * while every event is shown unfiltered, changes which old rows show. */
  guint8 *hidden = find_hidden (self->trace);
  gboolean hidden_changed = FALSE;
  for (FsProcessId id = 0; id < self->n_processes_seen && !hidden_changed; id++)
    hidden_changed = (self->hidden != NULL && self->hidden[id]) != (hidden != NULL && hidden[id]);
  if (hidden != NULL && self->rows == NULL && !self->show_hidden)
    hidden_changed = TRUE;
  g_free (self->hidden);
  self->hidden = hidden;
  self->n_processes_seen = fs_trace_n_processes (self->trace);

  SearchIndex index;
  search_index_init (&index, self->trace, self->filter_search);
  if (first_changed_event < from || hidden_changed || search_processes_changed (self, &index))
    {
      search_index_clear (&index);
      g_autofree char *search = g_strdup (self->filter_search);
      fs_event_list_model_set_filter (self, self->filter_kinds, self->filter_process,
                                      self->filter_signal, search);
      return;
    }
  remember_search_processes (self, &index, self->trace);
  if (n_events <= from || self->rows == NULL)
    search_index_clear (&index);
  if (n_events <= from)
    return;
  self->n_events_seen = n_events;

  if (self->rows == NULL)
    {
      /* Unfiltered: the new rows are just more positions at the end. */
      guint old = self->n_rows;
      self->n_rows = (guint) n_events;
      g_list_model_items_changed (G_LIST_MODEL (self), old, 0, self->n_rows - old);
      return;
    }

  FS_PROFILE_BEGIN (filter_scan_grown);
  guint old = self->rows->len;
  FsProcessId process = self->filter_process;
  if (process != FS_PROCESS_NONE && process < fs_trace_n_processes (self->trace))
    {
      guint n = 0;
      const guint32 *indices = fs_trace_process_events (self->trace, process, &n);
      /* The process's events are in index order: its new ones are at the end. */
      guint lo = 0, hi = n;
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;
          if (indices[mid] < from)
            lo = mid + 1;
          else
            hi = mid;
        }
      for (guint i = lo; i < n; i++)
        if (indices[i] < n_events
            && event_matches (self, &index, self->trace, &events[indices[i]], self->filter_kinds,
                              self->filter_signal))
          g_array_append_val (self->rows, indices[i]);
    }
  else if (process == FS_PROCESS_NONE)
    {
      for (gsize i = from; i < n_events; i++)
        if (event_matches (self, &index, self->trace, &events[i], self->filter_kinds,
                           self->filter_signal))
          {
            guint32 row = (guint32) i;
            g_array_append_val (self->rows, row);
          }
    }
  search_index_clear (&index);
  FS_PROFILE_END (filter_scan_grown);
  self->n_rows = self->rows->len;
  if (self->n_rows > old)
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, self->n_rows - old);
}

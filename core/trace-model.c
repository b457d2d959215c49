/* trace-model.c: storage, finishing and queries of an FsTrace.
 *
 * Indices built by fs_trace_finish():
 *  - per process, the indices of its events (CSR arrays), so "last event of P
 *    at t" is a binary search;
 *  - per process, a state timeline (time, state, block reason), so the state
 *    at t is a binary search;
 *  - signal pairing (each send → its delivery, each delivery → its send) and
 *    a list of flights sorted by send time with checkpoints every
 *    FLIGHT_CHECKPOINT flights that hold the flights still in the air at that
 *    point, so "in flight at t" costs a binary search plus a bounded scan.
 */
#include "trace-model.h"

#include <string.h>

#define FLIGHT_CHECKPOINT 512
#define NO_INDEX G_MAXUINT32

G_DEFINE_QUARK (fs-trace-error-quark, fs_trace_error)

typedef FsStateChange StateChange;

typedef struct {
  guint32 send;       /* event index of the send */
  guint32 end;        /* event index where the flight ends (delivery, target's exit, or send) */
  gint64  end_ns;
} Flight;

struct _FsTrace
{
  GObject parent_instance;

  FsTraceMeta meta;

  GStringChunk *string_chunk;
  GPtrArray    *strings;      /* const char *, into string_chunk */
  GHashTable   *string_ids;   /* const char * → id + 1 */
  GPtrArray    *strvs;        /* char ** (array owned, strings in string_chunk) */

  GArray *processes;          /* FsProcess */
  GArray *events;             /* FsEvent */
  gboolean sorted;            /* events known to be in time order */
  gboolean finished;

  /* Indices (valid when finished). */
  guint32 *children_offsets;  /* n_processes + 2: last slot group is the roots */
  guint32 *children;
  guint32 *proc_event_offsets;/* n_processes + 1 */
  guint32 *proc_events;
  guint32 *proc_output_offsets;
  guint32 *proc_outputs;
  guint32 *proc_marker_offsets;
  guint32 *proc_markers;
  guint32 *state_offsets;
  StateChange *states;
  guint32 *partner;           /* per event, NO_INDEX when none */
  guint32 *by_pgid;           /* process ids sorted by pgid (members of a group are a run) */
  Flight  *flights;
  guint32  n_flights;
  guint32 *checkpoint_offsets;/* per checkpoint, into checkpoint_flights */
  guint32 *checkpoint_flights;/* flight indices */
  guint32  n_checkpoints;
};

G_DEFINE_FINAL_TYPE (FsTrace, fs_trace, G_TYPE_OBJECT)

static void
clear_indices (FsTrace *self)
{
  g_clear_pointer (&self->children_offsets, g_free);
  g_clear_pointer (&self->children, g_free);
  g_clear_pointer (&self->proc_event_offsets, g_free);
  g_clear_pointer (&self->proc_events, g_free);
  g_clear_pointer (&self->proc_output_offsets, g_free);
  g_clear_pointer (&self->proc_outputs, g_free);
  g_clear_pointer (&self->proc_marker_offsets, g_free);
  g_clear_pointer (&self->proc_markers, g_free);
  g_clear_pointer (&self->state_offsets, g_free);
  g_clear_pointer (&self->states, g_free);
  g_clear_pointer (&self->partner, g_free);
  g_clear_pointer (&self->by_pgid, g_free);
  g_clear_pointer (&self->flights, g_free);
  g_clear_pointer (&self->checkpoint_offsets, g_free);
  g_clear_pointer (&self->checkpoint_flights, g_free);
  self->n_flights = 0;
  self->n_checkpoints = 0;
  self->finished = FALSE;
}

static void
fs_trace_finalize (GObject *object)
{
  FsTrace *self = FS_TRACE (object);

  clear_indices (self);
  for (guint i = 0; i < self->processes->len; i++)
    {
      FsProcess *p = &g_array_index (self->processes, FsProcess, i);
      g_clear_pointer (&p->threads, g_array_unref);
    }
  g_array_unref (self->processes);
  g_array_unref (self->events);
  g_ptr_array_unref (self->strvs);
  g_hash_table_unref (self->string_ids);
  g_ptr_array_unref (self->strings);
  g_string_chunk_free (self->string_chunk);
  g_free (self->meta.recorder);
  g_free (self->meta.tracer);
  g_free (self->meta.command);
  g_free (self->meta.scenario);
  g_hash_table_unref (self->meta.extra);

  G_OBJECT_CLASS (fs_trace_parent_class)->finalize (object);
}

static void
fs_trace_class_init (FsTraceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fs_trace_finalize;
}

static void
fs_trace_init (FsTrace *self)
{
  self->string_chunk = g_string_chunk_new (64 * 1024);
  self->strings = g_ptr_array_new ();
  self->string_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->strvs = g_ptr_array_new_with_free_func (g_free);
  self->processes = g_array_new (FALSE, TRUE, sizeof (FsProcess));
  self->events = g_array_new (FALSE, FALSE, sizeof (FsEvent));
  self->meta.extra = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->sorted = TRUE;
  fs_trace_intern (self, "");
}

FsTrace *
fs_trace_new (void)
{
  return g_object_new (FS_TYPE_TRACE, NULL);
}

FsTraceMeta *
fs_trace_get_meta (FsTrace *self)
{
  g_return_val_if_fail (FS_IS_TRACE (self), NULL);
  return &self->meta;
}

void
fs_trace_meta_set_extra (FsTrace *self, const char *key, const char *value)
{
  g_return_if_fail (FS_IS_TRACE (self));
  if (value == NULL)
    g_hash_table_remove (self->meta.extra, key);
  else
    g_hash_table_replace (self->meta.extra, g_strdup (key), g_strdup (value));
}

/* ---------------------------------------------------------------- strings */

FsStringId
fs_trace_intern_len (FsTrace *self, const char *str, gsize len)
{
  g_autofree char *heap_copy = NULL;
  char stack_copy[256];
  char *key;
  gpointer found;
  const char *stored;

  if (str == NULL || len == 0)
    return FS_STRING_NONE;
  /* The caller's buffer need not be NUL-terminated at len: look up a copy. */
  if (len < sizeof stack_copy)
    {
      memcpy (stack_copy, str, len);
      stack_copy[len] = '\0';
      key = stack_copy;
    }
  else
    key = heap_copy = g_strndup (str, len);
  len = strlen (key); /* an embedded NUL ends the string */
  if (len == 0)
    return FS_STRING_NONE;
  found = g_hash_table_lookup (self->string_ids, key);
  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;

  stored = g_string_chunk_insert_len (self->string_chunk, key, (gssize) len);
  g_ptr_array_add (self->strings, (gpointer) stored);
  g_hash_table_insert (self->string_ids, (gpointer) stored,
                       GUINT_TO_POINTER (self->strings->len));
  return self->strings->len - 1;
}

FsStringId
fs_trace_intern (FsTrace *self, const char *str)
{
  if (self->strings->len == 0)
    {
      /* Id 0 is the empty string, registered first by init. */
      g_ptr_array_add (self->strings, (gpointer) g_string_chunk_insert_const (self->string_chunk, ""));
      g_hash_table_insert (self->string_ids, g_ptr_array_index (self->strings, 0),
                           GUINT_TO_POINTER (1));
      return FS_STRING_NONE;
    }
  return str ? fs_trace_intern_len (self, str, strlen (str)) : FS_STRING_NONE;
}

const char *
fs_trace_string (FsTrace *self, FsStringId id)
{
  if (id >= self->strings->len)
    return "";
  return g_ptr_array_index (self->strings, id);
}

guint
fs_trace_n_strings (FsTrace *self)
{
  return self->strings->len;
}

FsStrvId
fs_trace_add_strv (FsTrace *self, const char *const *strv)
{
  guint n = strv ? g_strv_length ((char **) strv) : 0;
  const char **copy = g_new0 (const char *, n + 1);

  for (guint i = 0; i < n; i++)
    copy[i] = fs_trace_string (self, fs_trace_intern (self, strv[i]));
  g_ptr_array_add (self->strvs, copy);
  return self->strvs->len - 1;
}

const char *const *
fs_trace_strv (FsTrace *self, FsStrvId id)
{
  if (id >= self->strvs->len)
    return NULL;
  return g_ptr_array_index (self->strvs, id);
}

guint
fs_trace_n_strvs (FsTrace *self)
{
  return self->strvs->len;
}

/* -------------------------------------------------------------- processes */

FsProcessId
fs_trace_add_process (FsTrace *self, gint32 pid, FsProcessId parent, gint64 start_ns,
                      const char *name)
{
  FsProcess p = { 0 };

  g_return_val_if_fail (FS_IS_TRACE (self), FS_PROCESS_NONE);
  p.id = self->processes->len;
  p.pid = pid;
  p.parent = parent;
  p.reparented_to = FS_PROCESS_NONE;
  p.name = fs_trace_intern (self, name);
  p.comm = p.name;
  p.start_ns = start_ns;
  p.end_ns = FS_TIME_NONE;
  p.reap_ns = FS_TIME_NONE;
  g_array_append_val (self->processes, p);
  self->finished = FALSE;
  return p.id;
}

guint
fs_trace_n_processes (FsTrace *self)
{
  return self->processes->len;
}

FsProcess *
fs_trace_process (FsTrace *self, FsProcessId id)
{
  if (id >= self->processes->len)
    return NULL;
  return &g_array_index (self->processes, FsProcess, id);
}

const char *
fs_trace_process_name (FsTrace *self, FsProcessId id)
{
  FsProcess *p;

  if (id == FS_PROCESS_KERNEL)
    return "kernel";
  p = fs_trace_process (self, id);
  if (p == NULL)
    return "?";
  return fs_trace_string (self, p->name != FS_STRING_NONE ? p->name : p->comm);
}

void
fs_trace_process_add_thread (FsTrace *self, FsProcessId id, gint32 tid)
{
  FsProcess *p = fs_trace_process (self, id);

  g_return_if_fail (p != NULL);
  if (p->threads == NULL)
    p->threads = g_array_new (FALSE, FALSE, sizeof (gint32));
  for (guint i = 0; i < p->threads->len; i++)
    if (g_array_index (p->threads, gint32, i) == tid)
      return;
  g_array_append_val (p->threads, tid);
}

const FsProcessId *
fs_trace_children (FsTrace *self, FsProcessId id, guint *n_children)
{
  guint slot;

  *n_children = 0;
  if (!self->finished || self->children_offsets == NULL)
    return NULL;
  slot = id == FS_PROCESS_NONE ? self->processes->len : id;
  if (slot > self->processes->len)
    return NULL;
  *n_children = self->children_offsets[slot + 1] - self->children_offsets[slot];
  return self->children + self->children_offsets[slot];
}

/* ----------------------------------------------------------------- events */

FsEvent *
fs_trace_append (FsTrace *self, gint64 t_ns, FsProcessId process, FsEventKind kind)
{
  FsEvent *ev;

  g_array_set_size (self->events, self->events->len + 1);
  ev = &g_array_index (self->events, FsEvent, self->events->len - 1);
  memset (ev, 0, sizeof *ev);
  ev->t_ns = t_ns;
  ev->process = process;
  ev->kind = kind;
  /* The kind is not final yet (callers fill the event in): check at finish. */
  if (self->events->len > 1 && ev[-1].t_ns >= t_ns)
    self->sorted = FALSE;
  self->finished = FALSE;
  return ev;
}

FsEvent *
fs_trace_append_uninitialized (FsTrace *self, gsize n)
{
  gsize old_len = self->events->len;

  g_array_set_size (self->events, old_len + n);
  /* The caller fills them in: check the order again at finish. */
  self->sorted = FALSE;
  self->finished = FALSE;
  return &g_array_index (self->events, FsEvent, old_len);
}

void
fs_trace_append_event (FsTrace *self, const FsEvent *event)
{
  FsEvent *ev = fs_trace_append (self, event->t_ns, event->process, event->kind);
  *ev = *event;
}

gsize
fs_trace_n_events (FsTrace *self)
{
  return self->events->len;
}

const FsEvent *
fs_trace_event (FsTrace *self, gsize index)
{
  if (index >= self->events->len)
    return NULL;
  return &g_array_index (self->events, FsEvent, index);
}

const FsEvent *
fs_trace_events (FsTrace *self, gsize *n_events)
{
  *n_events = self->events->len;
  return (const FsEvent *) self->events->data;
}

gint64
fs_trace_duration (FsTrace *self)
{
  gint64 end = 0;

  if (self->events->len > 0)
    end = g_array_index (self->events, FsEvent, self->events->len - 1).t_ns;
  for (guint i = 0; i < self->processes->len; i++)
    {
      FsProcess *p = &g_array_index (self->processes, FsProcess, i);
      end = MAX (end, p->start_ns);
      if (p->end_ns != FS_TIME_NONE)
        end = MAX (end, p->end_ns);
      if (p->reap_ns != FS_TIME_NONE)
        end = MAX (end, p->reap_ns);
    }
  return end;
}

/* ------------------------------------------------------------------ finish */

/* At one instant a send comes before everything else: tracers that see a
 * kernel-generated signal only from the receiving side record its send at
 * the very time of its delivery, sometimes after it. */
static inline int
same_time_rank (const FsEvent *ev)
{
  return ev->kind == FS_EVENT_SIGNAL_SEND ? 0 : 1;
}

static gint
compare_event_time (gconstpointer a, gconstpointer b)
{
  const FsEvent *ea = a, *eb = b;
  if (ea->t_ns != eb->t_ns)
    return (ea->t_ns > eb->t_ns) - (ea->t_ns < eb->t_ns);
  return same_time_rank (ea) - same_time_rank (eb);
}

static gboolean
valid_process (FsTrace *self, FsProcessId id)
{
  return id < self->processes->len;
}

static gboolean
validate_event (FsTrace *self, gsize index, const FsEvent *ev, GError **error)
{
  const char *problem = NULL;

  if (ev->kind == 0 || ev->kind >= FS_EVENT_KIND_LAST)
    problem = "unknown event kind";
  else if (ev->signal > FS_SIGNAL_MAX)
    problem = "signal number out of range";
  else if (!valid_process (self, ev->process)
           && !(ev->kind == FS_EVENT_SIGNAL_SEND && ev->process == FS_PROCESS_KERNEL))
    problem = "unknown process";
  else
    switch ((FsEventKind) ev->kind)
      {
      case FS_EVENT_FORK:
        if (!valid_process (self, ev->u.fork.child))
          problem = "fork of an unknown child";
        break;
      case FS_EVENT_EXEC:
        if (ev->u.exec.path >= self->strings->len)
          problem = "exec path string out of range";
        else if (ev->u.exec.argv != FS_STRV_NONE && ev->u.exec.argv >= self->strvs->len)
          problem = "exec argv out of range";
        break;
      case FS_EVENT_RENAME:
        if (ev->u.rename.comm >= self->strings->len)
          problem = "rename string out of range";
        break;
      case FS_EVENT_SIGNAL_SEND:
        if (ev->u.send.target_kind > FS_TARGET_ALL)
          problem = "unknown signal target kind";
        else if (ev->u.send.target_kind == FS_TARGET_PROCESS
                 && !valid_process (self, ev->u.send.target))
          problem = "signal sent to an unknown process";
        break;
      case FS_EVENT_SIGNAL_DELIVER:
        if (ev->u.deliver.action >= FS_ACTION_LAST)
          problem = "unknown signal action";
        else if (ev->u.deliver.sender != FS_PROCESS_NONE
                 && ev->u.deliver.sender != FS_PROCESS_KERNEL
                 && !valid_process (self, ev->u.deliver.sender))
          problem = "signal delivered from an unknown sender";
        break;
      case FS_EVENT_EXIT:
        if (ev->u.exit.status.kind > FS_EXIT_SIGNAL)
          problem = "unknown exit status kind";
        break;
      case FS_EVENT_REAP:
        if (!valid_process (self, ev->u.reap.child))
          problem = "reap of an unknown child";
        else if (ev->u.reap.status.kind > FS_EXIT_SIGNAL)
          problem = "unknown exit status kind";
        break;
      case FS_EVENT_OUTPUT:
        if (ev->u.output.text >= self->strings->len)
          problem = "output string out of range";
        else if (ev->u.output.stream > FS_STREAM_STDERR)
          problem = "unknown output stream";
        break;
      case FS_EVENT_MARKER:
        if (ev->u.marker.text >= self->strings->len)
          problem = "marker string out of range";
        break;
      case FS_EVENT_BLOCK:
        if (ev->u.block.reason >= FS_BLOCK_LAST)
          problem = "unknown block reason";
        break;
      case FS_EVENT_STOP:
      case FS_EVENT_CONTINUE:
      case FS_EVENT_UNBLOCK:
      case FS_EVENT_THREAD:
      case FS_EVENT_KIND_LAST:
        break;
      }
  if (problem != NULL)
    {
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_INVALID,
                   "event %" G_GSIZE_FORMAT " (%s): %s", index,
                   fs_event_kind_name (ev->kind) ? fs_event_kind_name (ev->kind) : "?", problem);
      return FALSE;
    }
  return TRUE;
}

/* The other processes an event concerns besides its actor. */
static FsProcessId
event_second_process (const FsEvent *ev)
{
  switch (ev->kind)
    {
    case FS_EVENT_FORK: return ev->u.fork.child;
    case FS_EVENT_REAP: return ev->u.reap.child;
    case FS_EVENT_SIGNAL_SEND:
      return ev->u.send.target_kind == FS_TARGET_PROCESS ? ev->u.send.target : FS_PROCESS_NONE;
    default: return FS_PROCESS_NONE;
    }
}

/* Builds CSR arrays: for each process, the indices of the events select()
 * files under it. */
typedef guint (*EventOwners) (const FsEvent *ev, FsProcessId owners[2]);

static guint
owners_all (const FsEvent *ev, FsProcessId owners[2])
{
  guint n = 0;
  FsProcessId second = event_second_process (ev);
  if (ev->process != FS_PROCESS_KERNEL)
    owners[n++] = ev->process;
  if (second != FS_PROCESS_NONE && second != ev->process)
    owners[n++] = second;
  return n;
}

static guint
owners_output (const FsEvent *ev, FsProcessId owners[2])
{
  owners[0] = ev->process;
  return ev->kind == FS_EVENT_OUTPUT ? 1 : 0;
}

static guint
owners_marker (const FsEvent *ev, FsProcessId owners[2])
{
  owners[0] = ev->process;
  return ev->kind == FS_EVENT_MARKER ? 1 : 0;
}

static void
build_csr (FsTrace *self, EventOwners owners_of, guint32 **offsets_out, guint32 **items_out)
{
  guint np = self->processes->len;
  guint32 *offsets = g_new0 (guint32, np + 1);
  guint32 *fill;
  guint32 *items;
  const FsEvent *events = (const FsEvent *) self->events->data;
  FsProcessId owners[2];

  for (guint i = 0; i < self->events->len; i++)
    {
      guint n = owners_of (&events[i], owners);
      for (guint k = 0; k < n; k++)
        offsets[owners[k] + 1]++;
    }
  for (guint p = 0; p < np; p++)
    offsets[p + 1] += offsets[p];
  items = g_new (guint32, MAX (offsets[np], 1));
  fill = g_memdup2 (offsets, sizeof (guint32) * (np + 1));
  for (guint i = 0; i < self->events->len; i++)
    {
      guint n = owners_of (&events[i], owners);
      for (guint k = 0; k < n; k++)
        items[fill[owners[k]]++] = i;
    }
  g_free (fill);
  *offsets_out = offsets;
  *items_out = items;
}

gint
fs_trace_compare_birth (gconstpointer a, gconstpointer b, gpointer data)
{
  FsTrace *self = data;
  FsProcessId x = *(const FsProcessId *) a, y = *(const FsProcessId *) b;
  gint64 tx = g_array_index (self->processes, FsProcess, x).start_ns;
  gint64 ty = g_array_index (self->processes, FsProcess, y).start_ns;
  if (tx != ty)
    return tx < ty ? -1 : 1;
  return (x > y) - (x < y);
}

static void
build_children (FsTrace *self)
{
  guint np = self->processes->len;
  guint32 *fill;

  self->children_offsets = g_new0 (guint32, np + 2);
  for (guint i = 0; i < np; i++)
    {
      FsProcess *p = &g_array_index (self->processes, FsProcess, i);
      guint slot = p->parent < np ? p->parent : np;
      self->children_offsets[slot + 1]++;
    }
  for (guint s = 0; s <= np; s++)
    self->children_offsets[s + 1] += self->children_offsets[s];
  self->children = g_new (guint32, MAX (np, 1));
  fill = g_memdup2 (self->children_offsets, sizeof (guint32) * (np + 2));
  for (guint i = 0; i < np; i++)
    {
      FsProcess *p = &g_array_index (self->processes, FsProcess, i);
      guint slot = p->parent < np ? p->parent : np;
      self->children[fill[slot]++] = i;
    }
  g_free (fill);
  /* Processes are numbered in order of appearance, which is not always birth
   * order (a scenario process's first report may come before its birth
   * event): siblings go by start time. */
  for (guint s = 0; s <= np; s++)
    {
      guint32 *run = self->children + self->children_offsets[s];
      guint len = self->children_offsets[s + 1] - self->children_offsets[s];
      gboolean sorted = TRUE;
      for (guint i = 1; i < len && sorted; i++)
        sorted = fs_trace_compare_birth (&run[i - 1], &run[i], self) <= 0;
      if (!sorted)
        g_qsort_with_data (run, (gint) len, sizeof (guint32), fs_trace_compare_birth, self);
    }
}

static gint
compare_tid (gconstpointer a, gconstpointer b)
{
  gint32 x = *(const gint32 *) a, y = *(const gint32 *) b;
  return (x > y) - (x < y);
}

/* Fills in what the processes table can learn from events when the recorder
 * or importer did not set it. */
static void
derive_process_facts (FsTrace *self)
{
  const FsEvent *events = (const FsEvent *) self->events->data;

  for (guint i = 0; i < self->events->len; i++)
    {
      const FsEvent *ev = &events[i];
      FsProcess *p;

      switch (ev->kind)
        {
        case FS_EVENT_EXIT:
          p = &g_array_index (self->processes, FsProcess, ev->process);
          if (p->end_ns == FS_TIME_NONE)
            p->end_ns = ev->t_ns;
          if (p->exit.kind == FS_EXIT_NONE)
            p->exit = ev->u.exit.status;
          break;
        case FS_EVENT_REAP:
          p = &g_array_index (self->processes, FsProcess, ev->u.reap.child);
          if (p->reap_ns == FS_TIME_NONE)
            p->reap_ns = ev->t_ns;
          if (p->end_ns == FS_TIME_NONE)
            p->end_ns = ev->t_ns;
          if (p->exit.kind == FS_EXIT_NONE)
            p->exit = ev->u.reap.status;
          break;
        case FS_EVENT_THREAD:
          /* Collected unsorted here, deduplicated once below: a hostile file
           * with millions of threads must not cost quadratic time. */
          p = &g_array_index (self->processes, FsProcess, ev->process);
          if (p->threads == NULL)
            p->threads = g_array_new (FALSE, FALSE, sizeof (gint32));
          g_array_append_val (p->threads, ev->u.thread.tid);
          break;
        default:
          break;
        }
    }
  for (guint i = 0; i < self->processes->len; i++)
    {
      FsProcess *p = &g_array_index (self->processes, FsProcess, i);
      guint kept = 0;
      if (p->threads == NULL || p->threads->len < 2)
        continue;
      g_array_sort (p->threads, compare_tid);
      for (guint k = 0; k < p->threads->len; k++)
        if (kept == 0 || g_array_index (p->threads, gint32, kept - 1) != g_array_index (p->threads, gint32, k))
          g_array_index (p->threads, gint32, kept++) = g_array_index (p->threads, gint32, k);
      g_array_set_size (p->threads, kept);
    }
}

static void
push_state (GArray *changes, gint64 t, FsStateKind state, FsBlockReason reason)
{
  StateChange c = { t, state, reason };
  if (changes->len > 0)
    {
      StateChange *last = &g_array_index (changes, StateChange, changes->len - 1);
      if (last->state == state && last->reason == reason)
        return;
      if (last->t_ns == t)
        {
          *last = c;
          return;
        }
    }
  g_array_append_val (changes, c);
}

static void
build_states (FsTrace *self)
{
  guint np = self->processes->len;
  const FsEvent *events = (const FsEvent *) self->events->data;
  GArray *all = g_array_new (FALSE, FALSE, sizeof (StateChange));
  GArray *one = g_array_new (FALSE, FALSE, sizeof (StateChange));

  self->state_offsets = g_new0 (guint32, np + 1);
  for (guint pid = 0; pid < np; pid++)
    {
      FsProcess *p = &g_array_index (self->processes, FsProcess, pid);
      guint32 first = self->proc_event_offsets[pid], last = self->proc_event_offsets[pid + 1];
      FsStateKind base = FS_STATE_RUNNING;    /* state under a job-control stop */
      FsBlockReason base_reason = FS_BLOCK_OTHER;
      gboolean stopped = FALSE, dead = FALSE, gone = FALSE;

      g_array_set_size (one, 0);
      push_state (one, p->start_ns, FS_STATE_RUNNING, 0);
      for (guint32 k = first; k < last; k++)
        {
          const FsEvent *ev = &events[self->proc_events[k]];
          gboolean actor = ev->process == pid;

          if (gone)
            break;
          if (ev->kind == FS_EVENT_REAP && ev->u.reap.child == pid)
            {
              gone = TRUE;
              push_state (one, ev->t_ns, FS_STATE_GONE, 0);
              continue;
            }
          if (!actor || dead)
            continue;
          switch (ev->kind)
            {
            case FS_EVENT_BLOCK:
              base = FS_STATE_BLOCKED;
              base_reason = ev->u.block.reason;
              break;
            case FS_EVENT_UNBLOCK:
              base = FS_STATE_RUNNING;
              base_reason = FS_BLOCK_OTHER;
              break;
            case FS_EVENT_STOP:
              stopped = TRUE;
              break;
            case FS_EVENT_CONTINUE:
              stopped = FALSE;
              break;
            case FS_EVENT_EXIT:
              dead = TRUE;
              break;
            default:
              continue;
            }
          if (dead)
            push_state (one, ev->t_ns, FS_STATE_ZOMBIE, 0);
          else if (stopped)
            push_state (one, ev->t_ns, FS_STATE_STOPPED, 0);
          else
            push_state (one, ev->t_ns, base, base == FS_STATE_BLOCKED ? base_reason : 0);
        }
      /* Imported traces may carry end/reap times without exit/reap events. */
      if (!dead && !gone && p->end_ns != FS_TIME_NONE)
        {
          push_state (one, p->end_ns, FS_STATE_ZOMBIE, 0);
          dead = TRUE;
        }
      if (!gone && p->reap_ns != FS_TIME_NONE)
        push_state (one, MAX (p->reap_ns, p->start_ns), FS_STATE_GONE, 0);

      self->state_offsets[pid] = all->len;
      g_array_append_vals (all, one->data, one->len);
    }
  self->state_offsets[np] = all->len;
  self->states = (StateChange *) g_array_free (all, FALSE);
  g_array_unref (one);
}

static gint
compare_by_pgid (gconstpointer a, gconstpointer b, gpointer data)
{
  FsTrace *self = data;
  gint32 x = g_array_index (self->processes, FsProcess, *(const guint32 *) a).pgid;
  gint32 y = g_array_index (self->processes, FsProcess, *(const guint32 *) b).pgid;
  if (x != y)
    return (x > y) - (x < y);
  return (*(const guint32 *) a > *(const guint32 *) b) - (*(const guint32 *) a < *(const guint32 *) b);
}

static void
build_pgid_index (FsTrace *self)
{
  guint np = self->processes->len;
  self->by_pgid = g_new (guint32, MAX (np, 1));
  for (guint i = 0; i < np; i++)
    self->by_pgid[i] = i;
  g_qsort_with_data (self->by_pgid, (gint) np, sizeof (guint32), compare_by_pgid, self);
}

/* The members of process group pgid as [*first, *first + return) of by_pgid. */
static guint
group_members (FsTrace *self, gint32 pgid, guint *first)
{
  guint np = self->processes->len, lo = 0, hi = np, start;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (self->processes, FsProcess, self->by_pgid[mid]).pgid < pgid)
        lo = mid + 1;
      else
        hi = mid;
    }
  start = lo;
  hi = np;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (self->processes, FsProcess, self->by_pgid[mid]).pgid <= pgid)
        lo = mid + 1;
      else
        hi = mid;
    }
  *first = start;
  return pgid == 0 ? 0 : lo - start;
}

/* Per (process, signal), the sends not yet matched to a delivery. */
typedef struct {
  GArray *pending[FS_SIGNAL_MAX + 1]; /* guint32 event indices, lazily made */
} PendingSends;

static void
pending_push (PendingSends *ps, int sig, guint32 index)
{
  if (ps->pending[sig] == NULL)
    ps->pending[sig] = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_val (ps->pending[sig], index);
}

static void
build_signal_pairs (FsTrace *self)
{
  guint np = self->processes->len;
  gsize ne = self->events->len;
  FsEvent *events = (FsEvent *) self->events->data;
  PendingSends *pend = g_new0 (PendingSends, np);
  GArray *flights = g_array_new (FALSE, FALSE, sizeof (Flight));
  guint32 *flight_of_send;
  GArray *cp_offsets, *cp_flights;
  GArray *active;

  self->partner = g_new (guint32, MAX (ne, 1));
  memset (self->partner, 0xff, sizeof (guint32) * MAX (ne, 1));
  flight_of_send = g_new (guint32, MAX (ne, 1));

  for (gsize i = 0; i < ne; i++)
    {
      FsEvent *ev = &events[i];
      int sig = ev->signal;

      if (ev->kind == FS_EVENT_SIGNAL_SEND)
        {
          Flight f = { (guint32) i, (guint32) i, ev->t_ns };
          flight_of_send[i] = flights->len;
          g_array_append_val (flights, f);
          if (sig == 0 || ev->u.send.result != 0)
            continue;
          if (ev->u.send.target_kind == FS_TARGET_PROCESS)
            pending_push (&pend[ev->u.send.target], sig, (guint32) i);
          else if (ev->u.send.target_kind == FS_TARGET_GROUP || ev->u.send.target_kind == FS_TARGET_ALL)
            {
              /* A group send reaches every member alive then; queue it on each
               * and let the first delivery end the flight. */
              gboolean all = ev->u.send.target_kind == FS_TARGET_ALL;
              guint first = 0;
              guint n = all ? np : group_members (self, (gint32) ev->u.send.target, &first);
              for (guint k = first; k < first + n; k++)
                {
                  guint p = all ? k : self->by_pgid[k];
                  FsProcess *proc = &g_array_index (self->processes, FsProcess, p);
                  if (proc->start_ns <= ev->t_ns
                      && (proc->end_ns == FS_TIME_NONE || proc->end_ns >= ev->t_ns))
                    pending_push (&pend[p], sig, (guint32) i);
                }
            }
        }
      else if (ev->kind == FS_EVENT_SIGNAL_DELIVER && sig > 0)
        {
          GArray *queue = pend[ev->process].pending[sig];
          guint pick = G_MAXUINT, matches = 0;

          if (queue == NULL || queue->len == 0)
            {
              if (ev->u.deliver.sender == FS_PROCESS_NONE)
                ev->flags |= FS_EVENT_FLAG_INFERRED;
              continue;
            }
          for (guint q = 0; q < queue->len; q++)
            {
              const FsEvent *send = &events[g_array_index (queue, guint32, q)];
              if (ev->u.deliver.sender == FS_PROCESS_NONE || send->process == ev->u.deliver.sender)
                {
                  if (pick == G_MAXUINT)
                    pick = q;
                  matches++;
                }
            }
          if (pick == G_MAXUINT)
            {
              /* The sender we were told of sent nothing we saw: guess the oldest. */
              pick = 0;
              ev->flags |= FS_EVENT_FLAG_INFERRED;
            }
          else if (ev->u.deliver.sender == FS_PROCESS_NONE || (matches > 1 && sig >= SIGRTMIN))
            ev->flags |= FS_EVENT_FLAG_INFERRED;

          {
            guint32 send_index = g_array_index (queue, guint32, pick);
            self->partner[i] = send_index;
            /* A standard signal is pending at most once: every earlier send of
             * it was merged into this delivery. */
            if (sig < SIGRTMIN)
              {
                for (guint q = 0; q < queue->len; q++)
                  {
                    guint32 s = g_array_index (queue, guint32, q);
                    if (q == pick || self->partner[s] == NO_INDEX)
                      {
                        if (self->partner[s] == NO_INDEX)
                          self->partner[s] = (guint32) i;
                        Flight *f = &g_array_index (flights, Flight, flight_of_send[s]);
                        if (f->end == s)
                          {
                            f->end = (guint32) i;
                            f->end_ns = ev->t_ns;
                          }
                      }
                  }
                g_array_set_size (queue, 0);
              }
            else
              {
                Flight *f = &g_array_index (flights, Flight, flight_of_send[send_index]);
                if (self->partner[send_index] == NO_INDEX)
                  self->partner[send_index] = (guint32) i;
                if (f->end == send_index)
                  {
                    f->end = (guint32) i;
                    f->end_ns = ev->t_ns;
                  }
                g_array_remove_index (queue, pick);
              }
          }
        }
      else if (ev->kind == FS_EVENT_EXIT)
        {
          /* Signals still pending die with the process; SIGKILL is never seen
           * delivered, so the exit it caused is its delivery. */
          PendingSends *ps = &pend[ev->process];
          for (int s = 1; s <= FS_SIGNAL_MAX; s++)
            {
              GArray *queue = ps->pending[s];
              if (queue == NULL)
                continue;
              for (guint q = 0; q < queue->len; q++)
                {
                  guint32 send_index = g_array_index (queue, guint32, q);
                  Flight *f = &g_array_index (flights, Flight, flight_of_send[send_index]);
                  if (f->end == send_index)
                    {
                      f->end = (guint32) i;
                      f->end_ns = ev->t_ns;
                    }
                  if (ev->u.exit.status.kind == FS_EXIT_SIGNAL && ev->u.exit.status.value == s
                      && self->partner[send_index] == NO_INDEX)
                    self->partner[send_index] = (guint32) i;
                }
              g_array_set_size (queue, 0);
            }
        }
    }

  for (guint p = 0; p < np; p++)
    for (int s = 0; s <= FS_SIGNAL_MAX; s++)
      if (pend[p].pending[s] != NULL)
        {
          /* Never delivered by the end of the trace: in flight to the end. */
          GArray *queue = pend[p].pending[s];
          for (guint q = 0; q < queue->len; q++)
            {
              guint32 send_index = g_array_index (queue, guint32, q);
              Flight *f = &g_array_index (flights, Flight, flight_of_send[send_index]);
              if (f->end == send_index)
                f->end_ns = G_MAXINT64;
            }
          g_array_unref (queue);
        }
  g_free (pend);
  g_free (flight_of_send);

  /* Flights were appended in event order, which is send order. */
  self->n_flights = flights->len;
  self->flights = (Flight *) g_array_free (flights, FALSE);

  /* Checkpoints: the flights still in the air when flight k*CP is sent. */
  cp_offsets = g_array_new (FALSE, FALSE, sizeof (guint32));
  cp_flights = g_array_new (FALSE, FALSE, sizeof (guint32));
  active = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 f = 0; f < self->n_flights; f++)
    {
      if (f % FLIGHT_CHECKPOINT == 0)
        {
          gint64 t = events[self->flights[f].send].t_ns;
          guint32 kept = 0;
          for (guint a = 0; a < active->len; a++)
            {
              guint32 af = g_array_index (active, guint32, a);
              if (self->flights[af].end_ns > t)
                g_array_index (active, guint32, kept++) = af;
            }
          g_array_set_size (active, kept);
          g_array_append_val (cp_offsets, cp_flights->len);
          g_array_append_vals (cp_flights, active->data, active->len);
        }
      if (self->flights[f].end_ns > events[self->flights[f].send].t_ns)
        g_array_append_val (active, f);
    }
  g_array_append_val (cp_offsets, cp_flights->len);
  self->n_checkpoints = cp_offsets->len - 1;
  self->checkpoint_offsets = (guint32 *) g_array_free (cp_offsets, FALSE);
  self->checkpoint_flights = (guint32 *) g_array_free (cp_flights, FALSE);
  g_array_unref (active);
}

gboolean
fs_trace_finish (FsTrace *self, GError **error)
{
  const FsEvent *events;

  g_return_val_if_fail (FS_IS_TRACE (self), FALSE);

  clear_indices (self);
  if (self->events->len >= NO_INDEX || self->processes->len >= FS_PROCESS_KERNEL)
    {
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_INVALID, "trace too large");
      return FALSE;
    }
  if (!self->sorted)
    {
      const FsEvent *ev = (const FsEvent *) self->events->data;
      self->sorted = TRUE;
      for (guint i = 1; i < self->events->len && self->sorted; i++)
        self->sorted = compare_event_time (&ev[i - 1], &ev[i]) <= 0;
    }
  if (!self->sorted)
    {
      g_array_sort (self->events, compare_event_time); /* stable since GLib 2.32 */
      self->sorted = TRUE;
    }
  events = (const FsEvent *) self->events->data;
  for (guint i = 0; i < self->processes->len; i++)
    {
      FsProcess *p = &g_array_index (self->processes, FsProcess, i);
      if (p->parent != FS_PROCESS_NONE && p->parent >= self->processes->len)
        {
          g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_INVALID,
                       "process %u: unknown parent %u", i, p->parent);
          return FALSE;
        }
      if (p->parent == i)
        {
          g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_INVALID,
                       "process %u is its own parent", i);
          return FALSE;
        }
      if (p->reparented_to != FS_PROCESS_NONE && p->reparented_to >= self->processes->len)
        {
          g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_INVALID,
                       "process %u: unknown adopter %u", i, p->reparented_to);
          return FALSE;
        }
      if (p->name >= self->strings->len || p->comm >= self->strings->len)
        {
          g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_INVALID,
                       "process %u: name string out of range", i);
          return FALSE;
        }
    }
  for (guint i = 0; i < self->events->len; i++)
    if (!validate_event (self, i, &events[i], error))
      return FALSE;

  derive_process_facts (self);
  build_children (self);
  build_csr (self, owners_all, &self->proc_event_offsets, &self->proc_events);
  build_csr (self, owners_output, &self->proc_output_offsets, &self->proc_outputs);
  build_csr (self, owners_marker, &self->proc_marker_offsets, &self->proc_markers);
  build_states (self);
  build_pgid_index (self);
  build_signal_pairs (self);
  self->finished = TRUE;
  return TRUE;
}

void
fs_trace_swap_contents (FsTrace *a, FsTrace *b)
{
  g_return_if_fail (FS_IS_TRACE (a));
  g_return_if_fail (FS_IS_TRACE (b));

  /* Everything after the GObject header is plain data and pointers that
   * nothing points back into (the string table's keys point into the
   * string chunk, which moves with it). */
  const gsize start = G_STRUCT_OFFSET (FsTrace, meta);
  const gsize size = sizeof (FsTrace) - start;
  guint8 held[sizeof (FsTrace)];
  memcpy (held, (guint8 *) a + start, size);
  memcpy ((guint8 *) a + start, (guint8 *) b + start, size);
  memcpy ((guint8 *) b + start, held, size);
}

/* ---------------------------------------------------------------- queries */

gsize
fs_trace_lower_bound (FsTrace *self, gint64 t_ns)
{
  const FsEvent *events = (const FsEvent *) self->events->data;
  gsize lo = 0, hi = self->events->len;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (events[mid].t_ns < t_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gsize
fs_trace_range (FsTrace *self, gint64 from_ns, gint64 to_ns, gsize *first)
{
  gsize a = fs_trace_lower_bound (self, from_ns);
  gsize b = to_ns <= from_ns ? a : fs_trace_lower_bound (self, to_ns);
  *first = a;
  return b - a;
}

gsize
fs_trace_event_at_or_before (FsTrace *self, gint64 t_ns)
{
  gsize upper = t_ns == G_MAXINT64 ? self->events->len : fs_trace_lower_bound (self, t_ns + 1);
  return upper == 0 ? FS_EVENT_NONE : upper - 1;
}

gsize
fs_trace_nearest_event (FsTrace *self, gint64 t_ns)
{
  const FsEvent *events = (const FsEvent *) self->events->data;
  gsize after, before;

  if (self->events->len == 0)
    return FS_EVENT_NONE;
  after = fs_trace_lower_bound (self, t_ns);
  if (after == self->events->len)
    return after - 1;
  if (after == 0)
    return 0;
  /* The earliest event of the run of equal times on the earlier side. */
  before = after - 1;
  if (t_ns - events[before].t_ns <= events[after].t_ns - t_ns)
    {
      gsize run_start = fs_trace_lower_bound (self, events[before].t_ns);
      return run_start;
    }
  return after;
}

/* Index into items[first..last) of the last item whose event time <= t, or
 * G_MAXUINT32 when none. */
static guint32
last_item_at_or_before (FsTrace *self, const guint32 *items, guint32 first, guint32 last,
                        gint64 t_ns)
{
  const FsEvent *events = (const FsEvent *) self->events->data;
  guint32 lo = first, hi = last;

  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (events[items[mid]].t_ns <= t_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo == first ? NO_INDEX : lo - 1;
}

static void
state_without_pending (FsTrace *self, FsProcessId id, gint64 t_ns, FsProcessState *out)
{
  guint32 first = self->state_offsets[id], last = self->state_offsets[id + 1];
  guint32 lo = first, hi = last, k;
  FsProcess *p = &g_array_index (self->processes, FsProcess, id);

  memset (out, 0, sizeof *out);
  out->last_event = out->last_output = out->last_marker = FS_EVENT_NONE;
  if (t_ns < p->start_ns)
    {
      out->state = FS_STATE_UNBORN;
      return;
    }
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (self->states[mid].t_ns <= t_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > first)
    {
      out->state = self->states[lo - 1].state;
      out->block_reason = self->states[lo - 1].reason;
    }
  else
    out->state = FS_STATE_UNBORN;

  k = last_item_at_or_before (self, self->proc_events, self->proc_event_offsets[id],
                              self->proc_event_offsets[id + 1], t_ns);
  if (k != NO_INDEX)
    out->last_event = self->proc_events[k];
  k = last_item_at_or_before (self, self->proc_outputs, self->proc_output_offsets[id],
                              self->proc_output_offsets[id + 1], t_ns);
  if (k != NO_INDEX)
    out->last_output = self->proc_outputs[k];
  k = last_item_at_or_before (self, self->proc_markers, self->proc_marker_offsets[id],
                              self->proc_marker_offsets[id + 1], t_ns);
  if (k != NO_INDEX)
    out->last_marker = self->proc_markers[k];
}

static void
add_pending (FsTrace *self, GArray *flights, FsProcessState *states, FsProcessId only)
{
  const FsEvent *events = (const FsEvent *) self->events->data;

  for (guint i = 0; i < flights->len; i++)
    {
      const FsSignalFlight *f = &g_array_index (flights, FsSignalFlight, i);
      const FsEvent *send = &events[f->send_index];
      guint64 bit;

      if (send->signal == 0 || send->signal > 64)
        continue;
      bit = G_GUINT64_CONSTANT (1) << (send->signal - 1);
      if (send->u.send.target_kind == FS_TARGET_PROCESS)
        {
          FsProcessId target = send->u.send.target;
          if (only == FS_PROCESS_NONE)
            states[target].pending |= bit;
          else if (target == only)
            states[0].pending |= bit;
        }
      else if (send->u.send.target_kind == FS_TARGET_GROUP)
        {
          guint first = 0, n = group_members (self, (gint32) send->u.send.target, &first);
          for (guint k = first; k < first + n; k++)
            {
              guint p = self->by_pgid[k];
              if (only == FS_PROCESS_NONE)
                states[p].pending |= bit;
              else if (p == only)
                states[0].pending |= bit;
            }
        }
    }
}

void
fs_trace_process_state_at (FsTrace *self, FsProcessId id, gint64 t_ns, FsProcessState *out)
{
  g_autoptr(GArray) flights = NULL;

  g_return_if_fail (self->finished && id < self->processes->len);
  state_without_pending (self, id, t_ns, out);
  if (out->state == FS_STATE_UNBORN || out->state == FS_STATE_GONE || out->state == FS_STATE_ZOMBIE)
    return;
  flights = fs_trace_signals_in_flight (self, t_ns);
  add_pending (self, flights, out, id);
}

const FsStateChange *
fs_trace_process_state_changes (FsTrace *self, FsProcessId id, guint *n)
{
  g_return_val_if_fail (self->finished && id < self->processes->len, NULL);
  *n = self->state_offsets[id + 1] - self->state_offsets[id];
  return self->states + self->state_offsets[id];
}

void
fs_trace_states_at (FsTrace *self, gint64 t_ns, FsProcessState *out)
{
  g_autoptr(GArray) flights = NULL;

  g_return_if_fail (self->finished);
  for (guint i = 0; i < self->processes->len; i++)
    state_without_pending (self, i, t_ns, &out[i]);
  flights = fs_trace_signals_in_flight (self, t_ns);
  add_pending (self, flights, out, FS_PROCESS_NONE);
  for (guint i = 0; i < self->processes->len; i++)
    if (out[i].state == FS_STATE_UNBORN || out[i].state == FS_STATE_GONE
        || out[i].state == FS_STATE_ZOMBIE)
      out[i].pending = 0;
}

GArray *
fs_trace_signals_in_flight (FsTrace *self, gint64 t_ns)
{
  GArray *result = g_array_new (FALSE, FALSE, sizeof (FsSignalFlight));
  const FsEvent *events = (const FsEvent *) self->events->data;
  guint32 lo = 0, hi, last, cp;

  g_return_val_if_fail (self->finished, result);
  hi = self->n_flights;
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (events[self->flights[mid].send].t_ns <= t_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return result;
  last = lo - 1;
  cp = last / FLIGHT_CHECKPOINT;

#define ADD_IF_FLYING(fi) G_STMT_START {                                       \
    const Flight *fl = &self->flights[(fi)];                                   \
    if (fl->end_ns > t_ns) {                                                   \
      FsSignalFlight out = { fl->send,                                         \
        self->partner[fl->send] == NO_INDEX ? FS_EVENT_NONE : self->partner[fl->send] }; \
      if (out.deliver_index != FS_EVENT_NONE                                   \
          && events[out.deliver_index].kind != FS_EVENT_SIGNAL_DELIVER)        \
        out.deliver_index = FS_EVENT_NONE;                                     \
      g_array_append_val (result, out);                                        \
    }                                                                          \
  } G_STMT_END

  for (guint32 k = self->checkpoint_offsets[cp]; k < self->checkpoint_offsets[cp + 1]; k++)
    ADD_IF_FLYING (self->checkpoint_flights[k]);
  for (guint32 f = cp * FLIGHT_CHECKPOINT; f <= last; f++)
    ADD_IF_FLYING (f);
#undef ADD_IF_FLYING
  return result;
}

gsize
fs_trace_signal_partner (FsTrace *self, gsize event_index)
{
  g_return_val_if_fail (self->finished, FS_EVENT_NONE);
  if (event_index >= self->events->len || self->partner[event_index] == NO_INDEX)
    return FS_EVENT_NONE;
  return self->partner[event_index];
}

const guint32 *
fs_trace_process_events (FsTrace *self, FsProcessId id, guint *n)
{
  *n = 0;
  if (!self->finished || id >= self->processes->len)
    return NULL;
  *n = self->proc_event_offsets[id + 1] - self->proc_event_offsets[id];
  return self->proc_events + self->proc_event_offsets[id];
}

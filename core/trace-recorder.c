/* trace-recorder.c: live pid-based observations → time-ordered trace. */
#include "trace-recorder.h"

#include <string.h>
#include <time.h>

#define DEFAULT_REORDER_WINDOW_NS (50 * G_TIME_SPAN_MILLISECOND * 1000)

struct _FsRecorder
{
  GMutex      lock;
  FsTrace    *trace;
  gint64      t0_ns;
  gint64      window_ns;
  FsTraceWriter *writer;
  FsRecorderConsumer consumer;
  gpointer    consumer_data;

  GHashTable *by_pid;        /* tgid → FsProcessId + 1 (newest process with that pid) */
  GHashTable *by_tid;        /* thread id → FsProcessId + 1 */
  GHashTable *alive;         /* FsProcessId + 1 set: not yet exited */
  GHashTable *implicit;      /* FsProcessId + 1 set: made by process_for(), birth not seen yet */
  GArray     *held;          /* FsEvent waiting out the reorder window, from held_head on */
  guint       held_head;     /* events before it have gone into the trace */
  gboolean    held_sorted;   /* in time order (events mostly come so: sort only when not) */
  gint64      newest_ns;     /* newest event time seen (relative) */
  gint64      last_out_ns;   /* time of the last event moved into the trace */
  gsize       n_events;
};

gint64
fs_recorder_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

FsRecorder *
fs_recorder_new (FsTrace *trace, gint64 t0_ns)
{
  FsRecorder *self = g_new0 (FsRecorder, 1);

  g_mutex_init (&self->lock);
  self->trace = g_object_ref (trace);
  self->t0_ns = t0_ns;
  self->window_ns = DEFAULT_REORDER_WINDOW_NS;
  self->by_pid = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->by_tid = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->alive = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->implicit = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->held = g_array_new (FALSE, FALSE, sizeof (FsEvent));
  self->held_sorted = TRUE;
  self->newest_ns = G_MININT64;
  self->last_out_ns = G_MININT64;
  return self;
}

void
fs_recorder_free (FsRecorder *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->held);
  g_hash_table_unref (self->alive);
  g_hash_table_unref (self->implicit);
  g_hash_table_unref (self->by_tid);
  g_hash_table_unref (self->by_pid);
  g_object_unref (self->trace);
  g_mutex_clear (&self->lock);
  g_free (self);
}

FsTrace *
fs_recorder_get_trace (FsRecorder *self)
{
  return self->trace;
}

gint64
fs_recorder_get_t0 (FsRecorder *self)
{
  return self->t0_ns;
}

void
fs_recorder_set_writer (FsRecorder *self, FsTraceWriter *writer)
{
  g_mutex_lock (&self->lock);
  self->writer = writer;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_set_consumer (FsRecorder *self, FsRecorderConsumer consumer, gpointer user_data)
{
  g_mutex_lock (&self->lock);
  self->consumer = consumer;
  self->consumer_data = user_data;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_set_reorder_window (FsRecorder *self, gint64 window_ns)
{
  g_mutex_lock (&self->lock);
  self->window_ns = MAX (window_ns, 0);
  g_mutex_unlock (&self->lock);
}

/* ----------------------------------------------------------- lookups */

static FsProcessId
lookup_locked (FsRecorder *self, gint32 pid_or_tid)
{
  gpointer v = g_hash_table_lookup (self->by_tid, GINT_TO_POINTER (pid_or_tid));
  if (v == NULL)
    v = g_hash_table_lookup (self->by_pid, GINT_TO_POINTER (pid_or_tid));
  return v ? GPOINTER_TO_UINT (v) - 1 : FS_PROCESS_NONE;
}

FsProcessId
fs_recorder_lookup (FsRecorder *self, gint32 pid_or_tid)
{
  FsProcessId id;
  g_mutex_lock (&self->lock);
  id = lookup_locked (self, pid_or_tid);
  g_mutex_unlock (&self->lock);
  return id;
}

gboolean
fs_recorder_is_traced (FsRecorder *self, gint32 pid_or_tid)
{
  FsProcessId id;
  gboolean alive;
  g_mutex_lock (&self->lock);
  id = lookup_locked (self, pid_or_tid);
  alive = id != FS_PROCESS_NONE && g_hash_table_contains (self->alive, GUINT_TO_POINTER (id + 1));
  g_mutex_unlock (&self->lock);
  return alive;
}

guint
fs_recorder_n_alive (FsRecorder *self)
{
  guint n;
  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->alive);
  g_mutex_unlock (&self->lock);
  return n;
}

gsize
fs_recorder_n_events (FsRecorder *self)
{
  gsize n;
  g_mutex_lock (&self->lock);
  n = self->n_events;
  g_mutex_unlock (&self->lock);
  return n;
}

/* ----------------------------------------------------------- events */

static gint64
rel (FsRecorder *self, gint64 t_ns)
{
  return t_ns - self->t0_ns;
}

/* Holds an event for the reorder window.  Returns it for filling in; the
 * pointer is valid until the next hold. */
static FsEvent *
hold (FsRecorder *self, gint64 t_abs, FsProcessId process, FsEventKind kind)
{
  FsEvent *ev;
  gint64 t = rel (self, t_abs);

  /* Held events in order end with the newest: an older one breaks it. */
  if (self->held->len > self->held_head
      && t < g_array_index (self->held, FsEvent, self->held->len - 1).t_ns)
    self->held_sorted = FALSE;
  g_array_set_size (self->held, self->held->len + 1);
  ev = &g_array_index (self->held, FsEvent, self->held->len - 1);
  memset (ev, 0, sizeof *ev);
  ev->t_ns = t;
  ev->process = process;
  ev->kind = kind;
  if (t > self->newest_ns)
    self->newest_ns = t;
  self->n_events++;
  return ev;
}

/* The process for an observed pid; one that was never seen (the first stop
 * of a process attached or started outside our sight) is created as a root. */
static FsProcessId
process_for (FsRecorder *self, gint64 t_abs, gint32 pid)
{
  FsProcessId id = lookup_locked (self, pid);
  if (id == FS_PROCESS_NONE)
    {
      id = fs_trace_add_process (self->trace, pid, FS_PROCESS_NONE, rel (self, t_abs), NULL);
      g_hash_table_insert (self->by_pid, GINT_TO_POINTER (pid), GUINT_TO_POINTER (id + 1));
      g_hash_table_add (self->alive, GUINT_TO_POINTER (id + 1));
      g_hash_table_add (self->implicit, GUINT_TO_POINTER (id + 1));
    }
  return id;
}

FsProcessId
fs_recorder_process_new (FsRecorder *self, gint64 t_ns, gint32 pid, gint32 parent_pid,
                         const char *comm, guint32 flags)
{
  FsProcessId parent = FS_PROCESS_NONE, id;
  FsProcess *p;

  g_mutex_lock (&self->lock);
  if (parent_pid > 0)
    parent = lookup_locked (self, parent_pid);
  /* A tracer that reports births late (tracefs reads the kernel's buffers
   * every few ms) can learn of a process after others already reported on
   * it (the engine's markers and output): the placeholder process_for() made
   * then is this process; adopt it instead of making a second one. */
  id = lookup_locked (self, pid);
  if (id != FS_PROCESS_NONE && g_hash_table_remove (self->implicit, GUINT_TO_POINTER (id + 1))
      && g_hash_table_contains (self->alive, GUINT_TO_POINTER (id + 1))
      && fs_trace_process (self->trace, id)->end_ns == FS_TIME_NONE)
    {
      p = fs_trace_process (self->trace, id);
      p->parent = parent;
      if (rel (self, t_ns) < p->start_ns)
        p->start_ns = rel (self, t_ns);
    }
  else
    {
      id = fs_trace_add_process (self->trace, pid, parent, rel (self, t_ns), NULL);
      p = fs_trace_process (self->trace, id);
    }
  if (comm != NULL || p->comm == FS_STRING_NONE)
    p->comm = fs_trace_intern (self->trace, comm);
  p->flags |= flags;
  if (parent != FS_PROCESS_NONE)
    {
      /* A child starts in its parent's group and session. */
      FsProcess *pp = fs_trace_process (self->trace, parent);
      p->pgid = pp->pgid;
      p->sid = pp->sid;
      if (p->comm == FS_STRING_NONE)
        p->comm = pp->comm;
      hold (self, t_ns, parent, FS_EVENT_FORK)->u.fork.child = id;
    }
  g_hash_table_insert (self->by_pid, GINT_TO_POINTER (pid), GUINT_TO_POINTER (id + 1));
  g_hash_table_remove (self->by_tid, GINT_TO_POINTER (pid));
  g_hash_table_add (self->alive, GUINT_TO_POINTER (id + 1));
  g_mutex_unlock (&self->lock);
  return id;
}

void
fs_recorder_thread_new (FsRecorder *self, gint64 t_ns, gint32 tgid, gint32 tid)
{
  FsProcessId id;

  g_mutex_lock (&self->lock);
  id = process_for (self, t_ns, tgid);
  g_hash_table_insert (self->by_tid, GINT_TO_POINTER (tid), GUINT_TO_POINTER (id + 1));
  fs_trace_process_add_thread (self->trace, id, tid);
  hold (self, t_ns, id, FS_EVENT_THREAD)->u.thread.tid = tid;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_set_name (FsRecorder *self, gint32 pid, const char *name)
{
  FsProcessId id;
  g_mutex_lock (&self->lock);
  /* A process not born yet for us (a late tracer) gets a placeholder. */
  id = pid > 0 ? process_for (self, fs_recorder_now (), pid) : FS_PROCESS_NONE;
  if (id != FS_PROCESS_NONE)
    fs_trace_process (self->trace, id)->name = fs_trace_intern (self->trace, name);
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_set_flags (FsRecorder *self, gint32 pid, guint32 flags)
{
  FsProcessId id;
  g_mutex_lock (&self->lock);
  /* A process not born yet for us (a late tracer) gets a placeholder. */
  id = pid > 0 ? process_for (self, fs_recorder_now (), pid) : FS_PROCESS_NONE;
  if (id != FS_PROCESS_NONE)
    fs_trace_process (self->trace, id)->flags |= flags;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_set_ids (FsRecorder *self, gint32 pid, gint32 pgid, gint32 sid)
{
  FsProcessId id;
  g_mutex_lock (&self->lock);
  id = lookup_locked (self, pid);
  if (id != FS_PROCESS_NONE)
    {
      FsProcess *p = fs_trace_process (self->trace, id);
      if (pgid > 0)
        p->pgid = pgid;
      if (sid > 0)
        p->sid = sid;
    }
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_exec (FsRecorder *self, gint64 t_ns, gint32 pid, const char *path,
                  const char *const *argv)
{
  FsProcessId id;
  FsStringId path_id;
  FsStrvId argv_id;
  FsEvent *ev;

  g_mutex_lock (&self->lock);
  id = process_for (self, t_ns, pid);
  path_id = fs_trace_intern (self->trace, path);
  argv_id = argv ? fs_trace_add_strv (self->trace, argv) : FS_STRV_NONE;
  ev = hold (self, t_ns, id, FS_EVENT_EXEC);
  ev->u.exec.path = path_id;
  ev->u.exec.argv = argv_id;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_rename (FsRecorder *self, gint64 t_ns, gint32 pid, const char *comm)
{
  FsProcessId id;
  FsStringId comm_id;
  FsProcess *p;

  g_mutex_lock (&self->lock);
  id = process_for (self, t_ns, pid);
  comm_id = fs_trace_intern (self->trace, comm);
  p = fs_trace_process (self->trace, id);
  if (p->comm != comm_id)
    {
      p->comm = comm_id;
      hold (self, t_ns, id, FS_EVENT_RENAME)->u.rename.comm = comm_id;
    }
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_signal_send (FsRecorder *self, gint64 t_ns, gint32 sender_pid, gint32 kill_pid,
                         int signo, int code, int result, guint16 flags)
{
  FsProcessId sender = FS_PROCESS_KERNEL;
  FsEvent *ev;
  guint32 target;
  guint8 kind;

  g_mutex_lock (&self->lock);
  if (sender_pid > 0)
    sender = process_for (self, t_ns, sender_pid);
  if (kill_pid > 0)
    {
      FsProcessId t = lookup_locked (self, kill_pid);
      kind = t == FS_PROCESS_NONE ? FS_TARGET_PID : FS_TARGET_PROCESS;
      target = t == FS_PROCESS_NONE ? (guint32) kill_pid : t;
    }
  else if (kill_pid == -1)
    {
      kind = FS_TARGET_ALL;
      target = 0;
    }
  else
    {
      kind = FS_TARGET_GROUP;
      target = (guint32) -kill_pid;
      if (kill_pid == 0)
        {
          /* kill(0, …): the sender's own group, when we know it. */
          FsProcess *sp = sender != FS_PROCESS_KERNEL ? fs_trace_process (self->trace, sender) : NULL;
          target = sp && sp->pgid > 0 ? (guint32) sp->pgid : 0;
        }
    }
  ev = hold (self, t_ns, sender, FS_EVENT_SIGNAL_SEND);
  ev->signal = (guint8) CLAMP (signo, 0, FS_SIGNAL_MAX);
  ev->flags = flags;
  ev->u.send.target = target;
  ev->u.send.target_kind = kind;
  ev->u.send.code = code;
  ev->u.send.result = result;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_signal_deliver (FsRecorder *self, gint64 t_ns, gint32 pid, int signo, int code,
                            gint32 sender_pid, FsSignalAction action)
{
  FsProcessId id, sender;
  FsEvent *ev;

  g_mutex_lock (&self->lock);
  id = process_for (self, t_ns, pid);
  if (sender_pid == 0)
    sender = FS_PROCESS_KERNEL;
  else if (sender_pid < 0)
    sender = FS_PROCESS_NONE;
  else
    sender = lookup_locked (self, sender_pid);
  ev = hold (self, t_ns, id, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = (guint8) CLAMP (signo, 0, FS_SIGNAL_MAX);
  ev->u.deliver.sender = sender;
  ev->u.deliver.code = code;
  ev->u.deliver.action = action;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_exit (FsRecorder *self, gint64 t_ns, gint32 pid, int wait_status)
{
  FsProcessId id;
  FsProcess *p;
  FsExitStatus status = fs_exit_status_from_wait (wait_status);

  g_mutex_lock (&self->lock);
  id = process_for (self, t_ns, pid);
  p = fs_trace_process (self->trace, id);
  if (p->end_ns == FS_TIME_NONE)
    {
      p->end_ns = rel (self, t_ns);
      p->exit = status;
      hold (self, t_ns, id, FS_EVENT_EXIT)->u.exit.status = status;
    }
  g_hash_table_remove (self->alive, GUINT_TO_POINTER (id + 1));
  if (p->threads != NULL)
    for (guint i = 0; i < p->threads->len; i++)
      g_hash_table_remove (self->by_tid, GINT_TO_POINTER (g_array_index (p->threads, gint32, i)));
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_reap (FsRecorder *self, gint64 t_ns, gint32 reaper_pid, gint32 child_pid,
                  int wait_status)
{
  FsProcessId reaper, child;
  FsProcess *c;
  FsEvent *ev;

  g_mutex_lock (&self->lock);
  reaper = process_for (self, t_ns, reaper_pid);
  child = lookup_locked (self, child_pid);
  if (child == FS_PROCESS_NONE)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  c = fs_trace_process (self->trace, child);
  if (c->reap_ns != FS_TIME_NONE)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  c->reap_ns = rel (self, t_ns);
  if (c->parent != reaper && c->parent != FS_PROCESS_NONE && c->reparented_to == FS_PROCESS_NONE)
    c->reparented_to = reaper;
  ev = hold (self, t_ns, reaper, FS_EVENT_REAP);
  ev->u.reap.child = child;
  ev->u.reap.status = fs_exit_status_from_wait (wait_status);
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_stop (FsRecorder *self, gint64 t_ns, gint32 pid, int signo)
{
  g_mutex_lock (&self->lock);
  hold (self, t_ns, process_for (self, t_ns, pid), FS_EVENT_STOP)->signal =
      (guint8) CLAMP (signo, 0, FS_SIGNAL_MAX);
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_continue (FsRecorder *self, gint64 t_ns, gint32 pid)
{
  g_mutex_lock (&self->lock);
  hold (self, t_ns, process_for (self, t_ns, pid), FS_EVENT_CONTINUE)->signal = SIGCONT;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_output (FsRecorder *self, gint64 t_ns, gint32 pid, FsStream stream,
                    const char *text, gsize len)
{
  FsProcessId id;
  FsStringId text_id;
  FsEvent *ev;

  g_mutex_lock (&self->lock);
  id = process_for (self, t_ns, pid);
  text_id = fs_trace_intern_len (self->trace, text, len);
  ev = hold (self, t_ns, id, FS_EVENT_OUTPUT);
  ev->u.output.text = text_id;
  ev->u.output.stream = stream;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_marker (FsRecorder *self, gint64 t_ns, gint32 pid, guint32 line, const char *text)
{
  FsProcessId id;
  FsStringId text_id;
  FsEvent *ev;

  g_mutex_lock (&self->lock);
  id = process_for (self, t_ns, pid);
  text_id = fs_trace_intern (self->trace, text);
  ev = hold (self, t_ns, id, FS_EVENT_MARKER);
  ev->u.marker.text = text_id;
  ev->u.marker.line = line;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_block (FsRecorder *self, gint64 t_ns, gint32 pid, FsBlockReason reason, guint32 line)
{
  FsEvent *ev;
  g_mutex_lock (&self->lock);
  ev = hold (self, t_ns, process_for (self, t_ns, pid), FS_EVENT_BLOCK);
  ev->u.block.reason = reason;
  ev->u.block.line = line;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_unblock (FsRecorder *self, gint64 t_ns, gint32 pid)
{
  g_mutex_lock (&self->lock);
  hold (self, t_ns, process_for (self, t_ns, pid), FS_EVENT_UNBLOCK);
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_add_lost (FsRecorder *self, guint64 n_lost)
{
  g_mutex_lock (&self->lock);
  fs_trace_get_meta (self->trace)->lost_events += n_lost;
  g_mutex_unlock (&self->lock);
}

void
fs_recorder_add_lost_outside (FsRecorder *self, guint64 n_lost)
{
  g_mutex_lock (&self->lock);
  FsTraceMeta *meta = fs_trace_get_meta (self->trace);
  const char *old = g_hash_table_lookup (meta->extra, FS_META_LOST_OUTSIDE_SIGNALS);
  guint64 total = (old != NULL ? g_ascii_strtoull (old, NULL, 10) : 0) + n_lost;
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  fs_trace_meta_set_extra (self->trace, FS_META_LOST_OUTSIDE_SIGNALS, text);
  g_mutex_unlock (&self->lock);
}

/* ----------------------------------------------------------- flushing */

static gint
compare_held (gconstpointer a, gconstpointer b)
{
  const FsEvent *ea = a, *eb = b;
  return (ea->t_ns > eb->t_ns) - (ea->t_ns < eb->t_ns);
}

static void
held_compact (FsRecorder *self)
{
  if (self->held_head > 0)
    g_array_remove_range (self->held, 0, self->held_head);
  self->held_head = 0;
}

gboolean
fs_recorder_flush (FsRecorder *self, gboolean all, GError **error)
{
  FsRecorderConsumer consumer;
  gpointer consumer_data;
  gsize first, n_moved = 0, keep_from;
  gint64 limit;
  gboolean ok = TRUE;

  g_mutex_lock (&self->lock);
  first = fs_trace_n_events (self->trace);
  if (self->held->len > self->held_head)
    {
      if (!self->held_sorted)
        {
          /* Stable: events seen in one order at one time keep that order. */
          held_compact (self);
          g_array_sort (self->held, compare_held);
          self->held_sorted = TRUE;
        }
      /* While the tree is idle no new event moves "newest" on: measure the
       * window against the clock too, so held events still reach the file. */
      limit = all ? G_MAXINT64
                  : MAX (self->newest_ns, fs_recorder_now () - self->t0_ns) - self->window_ns;
      for (keep_from = self->held_head; keep_from < self->held->len; keep_from++)
        {
          FsEvent ev = g_array_index (self->held, FsEvent, keep_from);
          if (ev.t_ns > limit)
            break;
          if (ev.t_ns < self->last_out_ns)
            {
              /* Later than the window allowed for: keep the trace ordered. */
              ev.t_ns = self->last_out_ns;
              ev.flags |= FS_EVENT_FLAG_TIME_CLAMPED;
            }
          self->last_out_ns = ev.t_ns;
          fs_trace_append_event (self->trace, &ev);
          n_moved++;
        }
      /* A busy tree holds a window's worth of events: move them down only
       * once the gone ones are the larger part, not at every flush. */
      self->held_head = (guint) keep_from;
      if (self->held_head == self->held->len)
        {
          g_array_set_size (self->held, 0);
          self->held_head = 0;
        }
      else if (self->held_head > self->held->len / 2)
        held_compact (self);
    }
  if (self->writer != NULL)
    ok = fs_trace_writer_sync (self->writer, error);
  consumer = self->consumer;
  consumer_data = self->consumer_data;
  g_mutex_unlock (&self->lock);

  if (consumer != NULL && n_moved > 0)
    consumer (self->trace, first, n_moved, consumer_data);
  return ok;
}

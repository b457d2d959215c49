/* trace-synth.c: the synthetic trace generator (see trace-synth.h).
 *
 * Lifetimes are laid out first (birth, death and reap time of every process,
 * each child living inside its parent's life), then events are scattered
 * inside those lifetimes, then sorted once by time.  Times are spaced about
 * 1 µs per event.
 */
#include "trace-synth.h"

#include <signal.h>
#include <stdlib.h>

typedef struct {
  FsEvent ev;
  guint64 seq;            /* generation order: breaks ties between equal times */
} SynthEvent;

typedef struct {
  FsProcessId parent;
  gint64      birth;      /* fork time (the child's start) */
  gint64      death;      /* exit time */
  gint64      reap;       /* when the parent collects it (root: none) */
  gboolean    killed;     /* dies by SIGTERM from its parent */
} Life;

typedef struct {
  GRand  *rand;
  GArray *events;         /* SynthEvent */
  guint64 seq;
} Synth;

/* Uniform in [0, bound); 0 when bound <= 0. */
static gint64
rand_below (Synth *s, gint64 bound)
{
  if (bound <= 0)
    return 0;
  guint64 v = ((guint64) g_rand_int (s->rand) << 32) | g_rand_int (s->rand);
  return (gint64) (v % (guint64) bound);
}

static FsEvent *
emit (Synth *s, gint64 t, FsProcessId process, FsEventKind kind)
{
  SynthEvent se = { .seq = s->seq++ };
  se.ev.t_ns = t;
  se.ev.process = process;
  se.ev.kind = kind;
  g_array_append_val (s->events, se);
  return &g_array_index (s->events, SynthEvent, s->events->len - 1).ev;
}

static int
compare_synth_events (const void *a, const void *b)
{
  const SynthEvent *x = a, *y = b;
  if (x->ev.t_ns != y->ev.t_ns)
    return x->ev.t_ns < y->ev.t_ns ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
emit_signal_pair (Synth *s, FsTrace *trace, const Life *lives, guint n_processes)
{
  FsProcessId target = (FsProcessId) rand_below (s, n_processes);
  const Life *life = &lives[target];
  /* After its exec (birth + 1), before a SIGTERM kill (death - 2). */
  gint64 first = life->birth + 2, last = life->death - 3;
  gint64 t_send = first + rand_below (s, last - first);
  gint64 t_deliver = t_send + 1 + rand_below (s, MIN (500, last - t_send - 1));
  int signo = g_rand_boolean (s->rand) ? SIGUSR1 : SIGUSR2;
  guint32 pick = g_rand_int_range (s->rand, 0, 100);
  FsProcessId sender;

  if (pick < 15 || (life->parent == FS_PROCESS_NONE && pick < 50))
    sender = FS_PROCESS_KERNEL;
  else if (pick < 30 || life->parent == FS_PROCESS_NONE)
    sender = target;
  else
    sender = life->parent;

  FsEvent *ev = emit (s, t_send, sender, FS_EVENT_SIGNAL_SEND);
  ev->signal = (guint8) signo;
  ev->flags = FS_EVENT_FLAG_QUEUED;
  ev->u.send.target = target;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev->u.send.code = sender == FS_PROCESS_KERNEL ? SI_KERNEL : SI_USER;

  ev = emit (s, t_deliver, target, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = (guint8) signo;
  ev->u.deliver.sender = sender;
  ev->u.deliver.code = sender == FS_PROCESS_KERNEL ? SI_KERNEL : SI_USER;
  ev->u.deliver.action = FS_ACTION_HANDLER;
  (void) trace;
}

static void
emit_output (Synth *s, const Life *lives, guint n_processes, const FsStringId *lines,
             guint n_lines)
{
  FsProcessId who = (FsProcessId) rand_below (s, n_processes);
  const Life *life = &lives[who];
  gint64 first = life->birth + 2, last = life->death - 3;
  FsEvent *ev = emit (s, first + rand_below (s, last - first), who, FS_EVENT_OUTPUT);
  ev->u.output.text = lines[rand_below (s, n_lines)];
  ev->u.output.stream = rand_below (s, 8) == 0 ? FS_STREAM_STDERR : FS_STREAM_STDOUT;
}

FsTrace *
fs_trace_synth (guint n_processes, gsize n_events, guint32 seed)
{
  FsTrace *trace = fs_trace_new ();
  FsTraceMeta *meta = fs_trace_get_meta (trace);
  Synth s = { .rand = g_rand_new_with_seed (seed) };
  guint n = MAX (n_processes, 1);

  /* Root: exec + exit; others: fork + exec + exit + reap. */
  if (n_events < 2 + 4 * (gsize) (n - 1))
    n = n_events >= 2 ? (guint) ((n_events - 2) / 4 + 1) : 1;
  gsize lifecycle = MIN (n_events, 2 + 4 * (gsize) (n - 1));
  gsize filler = n_events - lifecycle;
  guint n_kills = (guint) MIN ((gsize) (n - 1) / 10, filler / 2);
  filler -= 2 * (gsize) n_kills;
  gsize n_pairs = filler * 2 / 5 / 2;
  gsize n_outputs = filler - 2 * n_pairs;

  meta->recorder = g_strdup ("forkscope synth");
  meta->tracer = g_strdup ("synthetic");
  meta->command = g_strdup_printf ("synth --processes %u --events %" G_GSIZE_FORMAT
                                   " --seed %u", n_processes, n_events, seed);
  meta->start_wall_ns = 1700000000000000000;

  s.events = g_array_sized_new (FALSE, FALSE, sizeof (SynthEvent), n_events);
  gint64 total_ns = (gint64) MAX (n_events, 16) * 1000;
  gint64 birth_span = total_ns * 7 / 10;
  Life *lives = g_new0 (Life, n);

  lives[0] = (Life) { FS_PROCESS_NONE, 0, total_ns, FS_TIME_NONE, FALSE };
  for (guint i = 1; i < n; i++)
    {
      Life *life = &lives[i];
      gint64 step = birth_span / n;
      life->birth = 10 + (gint64) i * step + rand_below (&s, step / 2);
      life->parent = 0;
      for (int attempt = 0; attempt < 8; attempt++)
        {
          FsProcessId k = (FsProcessId) rand_below (&s, i);
          if (lives[k].death - life->birth > 200)
            {
              life->parent = k;
              break;
            }
        }
      gint64 parent_death = lives[life->parent].death;
      gint64 room = parent_death - life->birth;   /* > 200 */
      life->death = life->birth + 50 + rand_below (&s, room - 100);
      life->reap = life->death + 1 + rand_below (&s, MIN (1000, parent_death - life->death - 2));
    }
  /* Kill every tenth process or so, as the budget allows. */
  for (guint i = 1, k = 0; i < n && k < n_kills; i++)
    if (i % 10 == 5 || n - i <= n_kills - k)
      {
        lives[i].killed = TRUE;
        k++;
      }

  FsStringId lines[64];
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *text = g_strdup_printf ("tick %u: work item done", i);
      lines[i] = fs_trace_intern (trace, text);
    }
  static const char *const programs[] = { "/usr/bin/worker", "/bin/sh", "/usr/bin/sleep" };

  for (guint i = 0; i < n; i++)
    {
      const Life *life = &lives[i];
      g_autofree char *name = g_strdup_printf ("p%u", i);
      FsProcessId id = fs_trace_add_process (trace, 1000 + (gint32) i, life->parent,
                                             life->birth, name);
      FsProcess *p = fs_trace_process (trace, id);
      p->pgid = 1000;
      p->sid = 1000;
      if (i % 97 == 3)
        fs_trace_process_add_thread (trace, id, 500000 + (gint32) i);

      if (n_events < 1)
        continue;
      gsize program = i % G_N_ELEMENTS (programs);
      g_autofree char *basename = g_path_get_basename (programs[program]);
      g_autofree char *arg = g_strdup_printf ("%u", i);
      const char *argv[] = { basename, arg, NULL };
      if (i > 0)
        emit (&s, life->birth, life->parent, FS_EVENT_FORK)->u.fork.child = id;
      FsEvent *ev = emit (&s, life->birth + 1, id, FS_EVENT_EXEC);
      ev->u.exec.path = fs_trace_intern (trace, programs[program]);
      ev->u.exec.argv = fs_trace_add_strv (trace, argv);
      if (n_events < 2)
        continue;

      FsExitStatus status = { .kind = FS_EXIT_CODE, .value = i % 3 == 0 ? 1 : 0 };
      if (life->killed)
        {
          ev = emit (&s, life->death - 2, life->parent, FS_EVENT_SIGNAL_SEND);
          ev->signal = SIGTERM;
          ev->u.send.target = id;
          ev->u.send.target_kind = FS_TARGET_PROCESS;
          ev->u.send.code = SI_USER;
          ev = emit (&s, life->death - 1, id, FS_EVENT_SIGNAL_DELIVER);
          ev->signal = SIGTERM;
          ev->u.deliver.sender = life->parent;
          ev->u.deliver.code = SI_USER;
          ev->u.deliver.action = FS_ACTION_TERMINATE;
          status = (FsExitStatus) { .kind = FS_EXIT_SIGNAL, .value = SIGTERM };
        }
      emit (&s, life->death, id, FS_EVENT_EXIT)->u.exit.status = status;
      if (i > 0)
        {
          ev = emit (&s, life->reap, life->parent, FS_EVENT_REAP);
          ev->u.reap.child = id;
          ev->u.reap.status = status;
        }
    }

  for (gsize i = 0; i < n_pairs; i++)
    emit_signal_pair (&s, trace, lives, n);
  for (gsize i = 0; i < n_outputs; i++)
    emit_output (&s, lives, n, lines, G_N_ELEMENTS (lines));

  if (s.events->len > 0)
    qsort (s.events->data, s.events->len, sizeof (SynthEvent), compare_synth_events);
  for (guint i = 0; i < s.events->len; i++)
    fs_trace_append_event (trace, &g_array_index (s.events, SynthEvent, i).ev);

  g_array_unref (s.events);
  g_free (lives);
  g_rand_free (s.rand);

  g_autoptr (GError) error = NULL;
  if (!fs_trace_finish (trace, &error))
    g_error ("synthetic trace is invalid: %s", error->message);
  return trace;
}

/* trace-assert.c: see trace-assert.h. */
#include "tests/trace-assert.h"

static void
assert_exit_equal (const FsExitStatus *a, const FsExitStatus *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  if (a->kind == FS_EXIT_NONE)
    return;
  g_assert_cmpint (a->value, ==, b->value);
  g_assert_cmpint (a->core, ==, b->core);
}

static void
assert_strv_equal (FsTrace *ta, FsStrvId a, FsTrace *tb, FsStrvId b)
{
  const char *const *va = fs_trace_strv (ta, a);
  const char *const *vb = fs_trace_strv (tb, b);

  g_assert_true ((va == NULL) == (vb == NULL));
  if (va != NULL)
    g_assert_true (g_strv_equal ((const char *const *) va, (const char *const *) vb));
}

#define STR(t, id) fs_trace_string ((t), (id))

void
fs_test_assert_traces_equal (FsTrace *a, FsTrace *b, gboolean same_ids)
{
  FsTraceMeta *ma = fs_trace_get_meta (a), *mb = fs_trace_get_meta (b);
  gsize na = 0, nb = 0;
  const FsEvent *ea = fs_trace_events (a, &na);
  const FsEvent *eb = fs_trace_events (b, &nb);
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpstr (ma->recorder, ==, mb->recorder);
  g_assert_cmpstr (ma->tracer, ==, mb->tracer);
  g_assert_cmpstr (ma->command, ==, mb->command);
  g_assert_cmpstr (ma->scenario, ==, mb->scenario);
  g_assert_cmpint (ma->start_wall_ns, ==, mb->start_wall_ns);
  g_assert_cmpuint (ma->lost_events, ==, mb->lost_events);
  g_assert_cmpint (ma->truncated, ==, mb->truncated);
  g_assert_cmpuint (g_hash_table_size (ma->extra), ==, g_hash_table_size (mb->extra));
  g_hash_table_iter_init (&iter, ma->extra);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (value, ==, g_hash_table_lookup (mb->extra, key));

  /* A file keeps the pools as they were: the same ids, not just the same
   * strings (JSON names strings by content and may renumber them). */
  if (same_ids)
    {
      g_assert_cmpuint (fs_trace_n_strings (a), ==, fs_trace_n_strings (b));
      for (guint i = 0; i < fs_trace_n_strings (a); i++)
        g_assert_cmpstr (fs_trace_string (a, i), ==, fs_trace_string (b, i));
      g_assert_cmpuint (fs_trace_n_strvs (a), ==, fs_trace_n_strvs (b));
      for (guint i = 0; i < fs_trace_n_strvs (a); i++)
        g_assert_true (g_strv_equal ((const char *const *) fs_trace_strv (a, i),
                                     (const char *const *) fs_trace_strv (b, i)));
    }

  g_assert_cmpuint (fs_trace_n_processes (a), ==, fs_trace_n_processes (b));
  for (guint i = 0; i < fs_trace_n_processes (a); i++)
    {
      FsProcess *pa = fs_trace_process (a, i), *pb = fs_trace_process (b, i);
      guint n_threads_a = pa->threads ? pa->threads->len : 0;
      guint n_threads_b = pb->threads ? pb->threads->len : 0;

      g_assert_cmpuint (pa->id, ==, pb->id);
      g_assert_cmpint (pa->pid, ==, pb->pid);
      g_assert_cmpuint (pa->parent, ==, pb->parent);
      g_assert_cmpuint (pa->reparented_to, ==, pb->reparented_to);
      g_assert_cmpstr (STR (a, pa->name), ==, STR (b, pb->name));
      g_assert_cmpstr (STR (a, pa->comm), ==, STR (b, pb->comm));
      g_assert_cmpint (pa->pgid, ==, pb->pgid);
      g_assert_cmpint (pa->sid, ==, pb->sid);
      g_assert_cmpint (pa->start_ns, ==, pb->start_ns);
      g_assert_cmpint (pa->end_ns, ==, pb->end_ns);
      g_assert_cmpint (pa->reap_ns, ==, pb->reap_ns);
      assert_exit_equal (&pa->exit, &pb->exit);
      g_assert_cmpuint (pa->flags, ==, pb->flags);
      g_assert_cmpuint (n_threads_a, ==, n_threads_b);
      for (guint t = 0; t < n_threads_a; t++)
        g_assert_cmpint (g_array_index (pa->threads, gint32, t), ==,
                         g_array_index (pb->threads, gint32, t));
    }

  g_assert_cmpuint (na, ==, nb);
  for (gsize i = 0; i < na; i++)
    {
      const FsEvent *x = &ea[i], *y = &eb[i];

      g_assert_cmpint (x->t_ns, ==, y->t_ns);
      g_assert_cmpuint (x->process, ==, y->process);
      g_assert_cmpuint (x->kind, ==, y->kind);
      g_assert_cmpuint (x->signal, ==, y->signal);
      g_assert_cmpuint (x->flags, ==, y->flags);
      switch (x->kind)
        {
        case FS_EVENT_FORK:
          g_assert_cmpuint (x->u.fork.child, ==, y->u.fork.child);
          break;
        case FS_EVENT_EXEC:
          g_assert_cmpstr (STR (a, x->u.exec.path), ==, STR (b, y->u.exec.path));
          assert_strv_equal (a, x->u.exec.argv, b, y->u.exec.argv);
          break;
        case FS_EVENT_RENAME:
          g_assert_cmpstr (STR (a, x->u.rename.comm), ==, STR (b, y->u.rename.comm));
          break;
        case FS_EVENT_SIGNAL_SEND:
          g_assert_cmpuint (x->u.send.target_kind, ==, y->u.send.target_kind);
          g_assert_cmpuint (x->u.send.target, ==, y->u.send.target);
          g_assert_cmpint (x->u.send.code, ==, y->u.send.code);
          g_assert_cmpint (x->u.send.result, ==, y->u.send.result);
          break;
        case FS_EVENT_SIGNAL_DELIVER:
          g_assert_cmpuint (x->u.deliver.sender, ==, y->u.deliver.sender);
          g_assert_cmpint (x->u.deliver.code, ==, y->u.deliver.code);
          g_assert_cmpuint (x->u.deliver.action, ==, y->u.deliver.action);
          break;
        case FS_EVENT_EXIT:
          assert_exit_equal (&x->u.exit.status, &y->u.exit.status);
          break;
        case FS_EVENT_REAP:
          g_assert_cmpuint (x->u.reap.child, ==, y->u.reap.child);
          assert_exit_equal (&x->u.reap.status, &y->u.reap.status);
          break;
        case FS_EVENT_OUTPUT:
          g_assert_cmpuint (x->u.output.stream, ==, y->u.output.stream);
          g_assert_cmpstr (STR (a, x->u.output.text), ==, STR (b, y->u.output.text));
          break;
        case FS_EVENT_MARKER:
          g_assert_cmpuint (x->u.marker.line, ==, y->u.marker.line);
          g_assert_cmpstr (STR (a, x->u.marker.text), ==, STR (b, y->u.marker.text));
          break;
        case FS_EVENT_BLOCK:
        case FS_EVENT_UNBLOCK:
          g_assert_cmpuint (x->u.block.reason, ==, y->u.block.reason);
          g_assert_cmpuint (x->u.block.line, ==, y->u.block.line);
          break;
        case FS_EVENT_THREAD:
          g_assert_cmpint (x->u.thread.tid, ==, y->u.thread.tid);
          break;
        default:
          break;
        }
    }
}

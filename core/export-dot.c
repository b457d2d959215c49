/* export-dot.c: the fork tree with signal edges as a Graphviz digraph.
 *
 * Processes are nodes (left to right: parent → child).  Signals between the
 * same two processes with the same number are merged into one edge labelled
 * with a count, so a signal storm stays a readable graph; inferred pairings
 * get their own dashed edge. */
#include "trace-export.h"
#include "export-writer.h"

#include <string.h>

/* Writes s as the inside of a DOT double-quoted string. */
static void
append_dot_escaped (GString *buf, const char *s)
{
  for (; s != NULL && *s != '\0'; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_c (buf, '\\');
      if (*s == '\n')
        g_string_append (buf, "\\n");
      else if ((guchar) *s >= 0x20)
        g_string_append_c (buf, *s);
    }
}

static void
append_node_id (GString *buf, FsProcessId id)
{
  if (id == FS_PROCESS_KERNEL)
    g_string_append (buf, "kernel");
  else
    g_string_append_printf (buf, "p%u", id);
}

static const char *
state_fill (const FsProcess *p)
{
  if (p->exit.kind == FS_EXIT_SIGNAL)
    return "#f6dccf";   /* killed: vermillion tint */
  if (p->exit.kind == FS_EXIT_CODE && p->exit.value != 0)
    return "#f3e0ec";
  if (p->exit.kind == FS_EXIT_NONE)
    return "#d8ece4";   /* still running at the end */
  return "#e4edf5";
}

typedef struct {
  FsProcessId sender, receiver;
  guint8 signo;
  gboolean inferred;
} SignalEdgeKey;

static guint
signal_edge_hash (gconstpointer p)
{
  const SignalEdgeKey *k = p;
  return (k->sender * 31u + k->receiver) * 131u + k->signo * 2u + (guint) k->inferred;
}

static gboolean
signal_edge_equal (gconstpointer a, gconstpointer b)
{
  const SignalEdgeKey *x = a, *y = b;
  return x->sender == y->sender && x->receiver == y->receiver && x->signo == y->signo &&
         x->inferred == y->inferred;
}

gboolean
fs_export_dot (FsTrace *trace, const FsTextExportOptions *options, GOutputStream *out,
               GError **error)
{
  FsTextExportOptions defaults;
  FsExportWriter w;
  guint n = fs_trace_n_processes (trace);
  gsize n_events = fs_trace_n_events (trace);
  gboolean has_kernel = FALSE;
  g_autoptr(GHashTable) edges = g_hash_table_new_full (signal_edge_hash, signal_edge_equal,
                                                       g_free, NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (SignalEdgeKey *));

  if (options == NULL)
    {
      fs_text_export_options_init (&defaults);
      options = &defaults;
    }
  const FsExportFilter *filter = &options->filter;

  fs_export_writer_init (&w, out);
  g_string_append (w.buf, "digraph forkscope {\n");
  g_string_append (w.buf, "  graph [rankdir=LR, fontname=\"Sans\", nodesep=0.3, ranksep=0.6");
  if (options->title != NULL)
    {
      g_string_append (w.buf, ", labelloc=t, label=\"");
      append_dot_escaped (w.buf, options->title);
      g_string_append (w.buf, "\"");
    }
  g_string_append (w.buf, "];\n"
                   "  node [shape=box, style=\"rounded,filled\", fontname=\"Sans\", fontsize=11, "
                   "color=\"#4d5b6a\"];\n"
                   "  edge [fontname=\"Sans\", fontsize=10, color=\"#7a8793\"];\n");

  for (FsProcessId id = 0; id < n; id++)
    {
      if (!fs_export_filter_has_process (filter, trace, id))
        continue;
      const FsProcess *p = fs_trace_process (trace, id);
      g_autofree char *status = fs_exit_status_to_string (&p->exit);
      g_string_append (w.buf, "  ");
      append_node_id (w.buf, id);
      g_string_append (w.buf, " [label=\"");
      append_dot_escaped (w.buf, fs_trace_process_name (trace, id));
      g_string_append_printf (w.buf, "\\npid %d\\n", p->pid);
      append_dot_escaped (w.buf, status);
      g_string_append_printf (w.buf, "\", fillcolor=\"%s\"", state_fill (p));
      if (p->flags & FS_PROCESS_FLAG_HIDDEN)
        g_string_append (w.buf, ", style=\"rounded,dashed\"");
      g_string_append (w.buf, "];\n");
      fs_export_writer_maybe_flush (&w);
      if (options->progress != NULL && (id & 1023) == 0)
        options->progress (0.5 * id / n, options->progress_data);
    }

  /* Tree edges: each shown process hangs from its nearest shown ancestor. */
  for (FsProcessId id = 0; id < n; id++)
    {
      if (!fs_export_filter_has_process (filter, trace, id))
        continue;
      const FsProcess *p = fs_trace_process (trace, id);
      FsProcessId parent = fs_export_filter_visible_parent (filter, trace, id);
      if (parent != FS_PROCESS_NONE)
        g_string_append_printf (w.buf, "  p%u -> p%u;\n", parent, id);
      if (p->reparented_to != FS_PROCESS_NONE && p->reparented_to != parent &&
          fs_export_filter_has_process (filter, trace, p->reparented_to))
        g_string_append_printf (w.buf, "  p%u -> p%u [style=dotted, label=\"adopted\", "
                                "constraint=false];\n", p->reparented_to, id);
      fs_export_writer_maybe_flush (&w);
    }

  /* Signal edges, merged by (sender, receiver, signal, inferred). */
  for (gsize i = 0; i < n_events; i++)
    {
      FsSignalArrow arrow;
      if (!fs_export_signal_arrow (trace, i, &arrow))
        continue;
      if (!fs_export_filter_has_time (filter, arrow.send_ns))
        continue;
      if (arrow.receiver == FS_PROCESS_NONE ||
          !fs_export_filter_has_process (filter, trace, arrow.receiver))
        continue;
      if (arrow.sender != FS_PROCESS_KERNEL &&
          !fs_export_filter_has_process (filter, trace, arrow.sender))
        continue;
      SignalEdgeKey key = { arrow.sender, arrow.receiver, (guint8) arrow.signo, arrow.inferred };
      gpointer count = NULL;
      if (g_hash_table_lookup_extended (edges, &key, NULL, &count))
        g_hash_table_insert (edges, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
      else
        {
          SignalEdgeKey *stored = g_memdup2 (&key, sizeof key);
          g_hash_table_insert (edges, stored, GUINT_TO_POINTER (1));
          g_array_append_val (order, stored);
        }
      if (arrow.sender == FS_PROCESS_KERNEL)
        has_kernel = TRUE;
      if (options->progress != NULL && (i & 65535) == 0)
        options->progress (0.5 + 0.5 * i / n_events, options->progress_data);
    }

  if (has_kernel)
    g_string_append (w.buf, "  kernel [label=\"kernel\", shape=hexagon, style=filled, "
                     "fillcolor=\"#e6e6e6\"];\n");
  for (guint i = 0; i < order->len; i++)
    {
      SignalEdgeKey *key = g_array_index (order, SignalEdgeKey *, i);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (edges, key));
      const char *name = fs_signal_name (key->signo);
      g_string_append (w.buf, "  ");
      append_node_id (w.buf, key->sender);
      g_string_append (w.buf, " -> ");
      append_node_id (w.buf, key->receiver);
      g_string_append_printf (w.buf, " [label=\"%s%s", name != NULL ? name : "?",
                              key->inferred ? " (inferred)" : "");
      if (count > 1)
        g_string_append_printf (w.buf, " ×%u", count);
      g_string_append_printf (w.buf, "\", color=\"#d55e00\", fontcolor=\"#b34700\", "
                              "constraint=false%s];\n",
                              key->inferred ? ", style=dashed" : "");
      fs_export_writer_maybe_flush (&w);
    }
  g_string_append (w.buf, "}\n");
  if (options->progress != NULL)
    options->progress (1.0, options->progress_data);
  /* The hash table's keys are freed with it; order only borrows them. */
  return fs_export_writer_finish (&w, error);
}

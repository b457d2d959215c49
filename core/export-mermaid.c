/* export-mermaid.c: a Mermaid `sequenceDiagram` for Markdown docs.
 *
 * Conservative mode (the safer default for renderers) declares every
 * participant up front and shows forks and exits as plain messages and notes.
 * The full mode uses `create participant` / `destroy` (Mermaid >= 10.3), so a
 * child's box appears at its fork and disappears at its reap.
 *
 * Mermaid treats `;` and `#` specially and ends a message at a newline, so
 * text is escaped with Mermaid's entity codes (#59; #35;). */
#include "trace-export.h"
#include "export-writer.h"

#include <string.h>

static void
append_mermaid_text (GString *buf, const char *s, gsize max_chars)
{
  gsize n = 0;
  for (; s != NULL && *s != '\0'; s = g_utf8_next_char (s))
    {
      if (n++ >= max_chars)
        {
          g_string_append (buf, "…");
          return;
        }
      switch (*s)
        {
        case ';': g_string_append (buf, "#59;"); break;
        case '#': g_string_append (buf, "#35;"); break;
        case '\n': case '\r': case '\t': g_string_append_c (buf, ' '); break;
        case '<': g_string_append (buf, "#lt;"); break;
        case '>': g_string_append (buf, "#gt;"); break;
        case '%': g_string_append (buf, "#37;"); break;
        default:
          if ((guchar) *s >= 0x20)
            g_string_append_len (buf, s, g_utf8_next_char (s) - s);
        }
    }
}

static void
append_participant_id (GString *buf, FsProcessId id)
{
  if (id == FS_PROCESS_KERNEL)
    g_string_append (buf, "kernel");
  else
    g_string_append_printf (buf, "p%u", id);
}

static void
append_participant (GString *buf, FsTrace *trace, FsProcessId id, gboolean create)
{
  g_string_append (buf, create ? "  create participant " : "  participant ");
  append_participant_id (buf, id);
  g_string_append (buf, " as ");
  if (id == FS_PROCESS_KERNEL)
    g_string_append (buf, "kernel");
  else
    {
      append_mermaid_text (buf, fs_trace_process_name (trace, id), 40);
      g_string_append_printf (buf, " (pid %d)", fs_trace_process (trace, id)->pid);
    }
  g_string_append_c (buf, '\n');
}

static const char *
action_word (guint8 action)
{
  switch (action)
    {
    case FS_ACTION_HANDLER: return "handled";
    case FS_ACTION_IGNORED: return "ignored";
    case FS_ACTION_TERMINATE: return "terminated";
    case FS_ACTION_CORE: return "core dumped";
    case FS_ACTION_STOP: return "stopped";
    case FS_ACTION_CONTINUE: return "continued";
    case FS_ACTION_SIGWAIT: return "consumed by sigwait";
    case FS_ACTION_SIGNALFD: return "read from signalfd";
    default: return NULL;
    }
}

gboolean
fs_export_mermaid (FsTrace *trace, const FsTextExportOptions *options, GOutputStream *out,
                   GError **error)
{
  FsTextExportOptions defaults;
  FsExportWriter w;
  guint n = fs_trace_n_processes (trace);
  gsize n_events = fs_trace_n_events (trace);
  gboolean has_kernel = FALSE;
  g_autofree guint8 *declared = g_new0 (guint8, n > 0 ? n : 1);

  if (options == NULL)
    {
      fs_text_export_options_init (&defaults);
      options = &defaults;
    }
  const FsExportFilter *filter = &options->filter;
  gboolean create = !options->conservative;

  for (gsize i = 0; i < n_events; i++)
    {
      FsSignalArrow arrow;
      if (fs_export_signal_arrow (trace, i, &arrow) && arrow.sender == FS_PROCESS_KERNEL &&
          fs_export_filter_has_time (filter, arrow.send_ns) && arrow.receiver != FS_PROCESS_NONE &&
          fs_export_filter_has_process (filter, trace, arrow.receiver))
        {
          has_kernel = TRUE;
          break;
        }
    }

  fs_export_writer_init (&w, out);
  g_string_append (w.buf, "sequenceDiagram\n");
  if (options->title != NULL)
    {
      g_string_append (w.buf, "  title ");
      append_mermaid_text (w.buf, options->title, 80);
      g_string_append_c (w.buf, '\n');
    }
  /* Up front: everyone in conservative mode; otherwise the processes that
   * exist when the window opens (the others are created at their fork). */
  for (FsProcessId id = 0; id < n; id++)
    {
      if (!fs_export_filter_has_process (filter, trace, id))
        continue;
      const FsProcess *p = fs_trace_process (trace, id);
      FsProcessId parent = fs_export_filter_visible_parent (filter, trace, id);
      gboolean born_in_window = parent != FS_PROCESS_NONE &&
                                fs_export_filter_has_time (filter, p->start_ns) &&
                                !(filter->from_ns != FS_TIME_NONE && p->start_ns <= filter->from_ns);
      if (create && born_in_window)
        continue;
      if (filter->to_ns != FS_TIME_NONE && p->start_ns > filter->to_ns)
        continue;
      append_participant (w.buf, trace, id, FALSE);
      declared[id] = 1;
    }
  if (has_kernel)
    append_participant (w.buf, trace, FS_PROCESS_KERNEL, FALSE);

  for (gsize i = 0; i < n_events; i++)
    {
      const FsEvent *ev = fs_trace_event (trace, i);
      FsSignalArrow arrow;

      if (options->progress != NULL && (i & 65535) == 0)
        options->progress ((double) i / MAX (n_events, 1), options->progress_data);
      if (!fs_export_filter_has_time (filter, ev->t_ns))
        continue;
      fs_export_writer_maybe_flush (&w);

      switch (ev->kind)
        {
        case FS_EVENT_FORK:
          {
            FsProcessId child = ev->u.fork.child;
            if (!fs_export_filter_has_process (filter, trace, child))
              break;
            FsProcessId parent = fs_export_filter_visible_parent (filter, trace, child);
            if (parent == FS_PROCESS_NONE || !declared[parent])
              {
                if (!declared[child])
                  {
                    append_participant (w.buf, trace, child, FALSE);
                    declared[child] = 1;
                  }
                break;
              }
            if (!declared[child])
              {
                append_participant (w.buf, trace, child, create);
                declared[child] = 1;
              }
            g_string_append_printf (w.buf, "  p%u->>p%u: fork\n", parent, child);
            break;
          }
        case FS_EVENT_EXEC:
          {
            if (!fs_export_filter_has_process (filter, trace, ev->process) || !declared[ev->process])
              break;
            g_string_append_printf (w.buf, "  Note over p%u: exec ", ev->process);
            append_mermaid_text (w.buf, fs_trace_string (trace, ev->u.exec.path), 60);
            g_string_append_c (w.buf, '\n');
            break;
          }
        case FS_EVENT_SIGNAL_SEND:
        case FS_EVENT_SIGNAL_DELIVER:
          {
            if (!fs_export_signal_arrow (trace, i, &arrow))
              break;
            if (arrow.receiver == FS_PROCESS_NONE ||
                !fs_export_filter_has_process (filter, trace, arrow.receiver) ||
                !declared[arrow.receiver])
              break;
            const char *name = fs_signal_name (arrow.signo);
            const char *what = action_word (arrow.action);
            if (arrow.sender == FS_PROCESS_KERNEL ||
                (arrow.sender < n && fs_export_filter_has_process (filter, trace, arrow.sender) &&
                 declared[arrow.sender]))
              {
                g_string_append (w.buf, "  ");
                append_participant_id (w.buf, arrow.sender);
                g_string_append (w.buf, arrow.inferred ? "--)" : "-)");
                append_participant_id (w.buf, arrow.receiver);
                g_string_append_printf (w.buf, ": %s", name != NULL ? name : "?");
                if (what != NULL)
                  g_string_append_printf (w.buf, " (%s)", what);
                if (arrow.inferred)
                  g_string_append (w.buf, " [inferred pairing]");
                g_string_append_c (w.buf, '\n');
              }
            else
              {
                g_string_append_printf (w.buf, "  Note over p%u: received %s%s%s\n",
                                        arrow.receiver, name != NULL ? name : "?",
                                        what != NULL ? ", " : "", what != NULL ? what : "");
              }
            break;
          }
        case FS_EVENT_EXIT:
          {
            if (!fs_export_filter_has_process (filter, trace, ev->process) || !declared[ev->process])
              break;
            g_autofree char *status = fs_exit_status_to_string (&ev->u.exit.status);
            g_string_append_printf (w.buf, "  Note over p%u: exit, %s\n", ev->process, status);
            break;
          }
        case FS_EVENT_REAP:
          {
            FsProcessId child = ev->u.reap.child;
            if (!fs_export_filter_has_process (filter, trace, child) || !declared[child] ||
                !fs_export_filter_has_process (filter, trace, ev->process) || !declared[ev->process] ||
                child == ev->process)
              break;
            g_autofree char *status = fs_exit_status_to_string (&ev->u.reap.status);
            if (create)
              g_string_append_printf (w.buf, "  destroy p%u\n", child);
            g_string_append_printf (w.buf, "  p%u-->>p%u: reaped, %s\n", child, ev->process, status);
            if (create)
              declared[child] = 0;
            break;
          }
        case FS_EVENT_STOP:
        case FS_EVENT_CONTINUE:
          if (fs_export_filter_has_process (filter, trace, ev->process) && declared[ev->process])
            g_string_append_printf (w.buf, "  Note over p%u: %s\n", ev->process,
                                    ev->kind == FS_EVENT_STOP ? "stopped" : "continued");
          break;
        case FS_EVENT_OUTPUT:
          if (fs_export_filter_has_process (filter, trace, ev->process) && declared[ev->process])
            {
              g_string_append_printf (w.buf, "  Note right of p%u: ", ev->process);
              append_mermaid_text (w.buf, fs_trace_string (trace, ev->u.output.text), 80);
              g_string_append_c (w.buf, '\n');
            }
          break;
        default:
          break;
        }
    }
  if (options->progress != NULL)
    options->progress (1.0, options->progress_data);
  return fs_export_writer_finish (&w, error);
}

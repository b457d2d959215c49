/* export-chrome-json.c: the Chrome Trace Event Format (JSON object form) that
 * Perfetto UI and chrome://tracing open.
 *
 * One track per process (pid = the process's pid; a reused pid gets a
 * synthetic one, the real pid stays in args), named by `M` process_name and
 * thread_name metadata.  Each process's lifetime is an `X` slice; blocked and
 * stopped spans are nested `X` slices; fork/exec/exit/reap/output are instant
 * (`i`) events.  Perfetto binds flows to slices, so each signal is a 0-duration
 * `X` on the sender's track with `bind_id` + `flow_out` and one on the
 * receiver's with the same `bind_id` + `flow_in`; args.inferred says whether
 * the pairing was guessed.  Kernel-generated signals come from a "kernel"
 * track (pid 0).  Timestamps are microseconds with nanosecond decimals. */
#include "trace-export.h"
#include "export-writer.h"

#include <string.h>

#define KERNEL_TRACK_PID 0
#define SYNTHETIC_PID_BASE 100000000

static void
append_json_string (GString *buf, const char *s)
{
  g_string_append_c (buf, '"');
  for (; s != NULL && *s != '\0'; s++)
    {
      guchar c = (guchar) *s;
      switch (c)
        {
        case '"': g_string_append (buf, "\\\""); break;
        case '\\': g_string_append (buf, "\\\\"); break;
        case '\n': g_string_append (buf, "\\n"); break;
        case '\r': g_string_append (buf, "\\r"); break;
        case '\t': g_string_append (buf, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (buf, "\\u%04x", c);
          else
            g_string_append_c (buf, (char) c);
        }
    }
  g_string_append_c (buf, '"');
}

/* Strings from traces may hold invalid UTF-8; JSON must not. */
static void
append_json_text (GString *buf, const char *s)
{
  if (s == NULL || g_utf8_validate (s, -1, NULL))
    append_json_string (buf, s);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (s, -1);
      append_json_string (buf, valid);
    }
}

static void
append_ts (GString *buf, gint64 t_ns)
{
  g_string_append_printf (buf, "%" G_GINT64_FORMAT ".%03d", t_ns / 1000, (int) (t_ns % 1000));
}

typedef struct {
  FsTrace  *trace;
  GString  *buf;
  gint32   *track_pid;   /* per process */
  gboolean  first;
} ChromeWriter;

static void
begin_event (ChromeWriter *cw, const char *ph, const char *name, const char *cat, gint64 t_ns,
             gint32 pid)
{
  GString *buf = cw->buf;
  g_string_append (buf, cw->first ? "\n" : ",\n");
  cw->first = FALSE;
  g_string_append_printf (buf, "{\"ph\":\"%s\",\"name\":", ph);
  append_json_text (buf, name);
  g_string_append (buf, ",\"cat\":");
  append_json_string (buf, cat);
  g_string_append (buf, ",\"ts\":");
  append_ts (buf, t_ns);
  g_string_append_printf (buf, ",\"pid\":%d,\"tid\":%d", pid, pid);
}

static gint32
track_of (ChromeWriter *cw, FsProcessId id)
{
  if (id == FS_PROCESS_KERNEL)
    return KERNEL_TRACK_PID;
  return cw->track_pid[id];
}

static void
write_metadata (ChromeWriter *cw, gint32 pid, const char *process_label, const char *thread_label,
                int sort_index)
{
  const char *names[2] = { "process_name", "thread_name" };
  const char *labels[2] = { process_label, thread_label };
  for (int k = 0; k < 2; k++)
    {
      g_string_append (cw->buf, cw->first ? "\n" : ",\n");
      cw->first = FALSE;
      g_string_append_printf (cw->buf, "{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%d,\"tid\":%d,"
                              "\"args\":{\"name\":", names[k], pid, pid);
      append_json_text (cw->buf, labels[k]);
      g_string_append (cw->buf, "}}");
    }
  g_string_append_printf (cw->buf, ",\n{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%d,"
                          "\"tid\":%d,\"args\":{\"sort_index\":%d}}", pid, pid, sort_index);
}

static const char *
action_word (guint8 action)
{
  const char *name = fs_signal_action_name (action);
  return name != NULL ? name : "unknown";
}

gboolean
fs_export_chrome_json (FsTrace *trace, const FsTextExportOptions *options, GOutputStream *out,
                       GError **error)
{
  FsTextExportOptions defaults;
  FsExportWriter w;
  guint n = fs_trace_n_processes (trace);
  gsize n_events = fs_trace_n_events (trace);
  gint64 duration = fs_trace_duration (trace);
  g_autofree gint32 *track_pid = g_new0 (gint32, n > 0 ? n : 1);
  g_autofree gint64 *span_start = g_new (gint64, n > 0 ? n : 1);   /* open block/stop span */
  g_autofree guint8 *span_kind = g_new0 (guint8, n > 0 ? n : 1);   /* 0 none, 1 blocked, 2 stopped */
  g_autofree guint8 *span_reason = g_new0 (guint8, n > 0 ? n : 1);
  g_autoptr(GHashTable) used_pids = g_hash_table_new (g_direct_hash, g_direct_equal);
  gboolean has_kernel = FALSE;
  guint64 next_flow = 1;
  ChromeWriter cw;

  if (options == NULL)
    {
      fs_text_export_options_init (&defaults);
      options = &defaults;
    }
  const FsExportFilter *filter = &options->filter;
  gint64 from = filter->from_ns != FS_TIME_NONE ? filter->from_ns : 0;
  gint64 to = filter->to_ns != FS_TIME_NONE ? filter->to_ns : duration;

  for (FsProcessId id = 0; id < n; id++)
    {
      const FsProcess *p = fs_trace_process (trace, id);
      gint32 pid = p->pid;
      if (pid <= 0 || g_hash_table_contains (used_pids, GINT_TO_POINTER (pid)))
        pid = SYNTHETIC_PID_BASE + (gint32) id;
      g_hash_table_add (used_pids, GINT_TO_POINTER (pid));
      track_pid[id] = pid;
      span_start[id] = FS_TIME_NONE;
    }
  for (gsize i = 0; i < n_events && !has_kernel; i++)
    {
      const FsEvent *ev = fs_trace_event (trace, i);
      if (ev->kind == FS_EVENT_SIGNAL_SEND && ev->process == FS_PROCESS_KERNEL)
        has_kernel = TRUE;
    }

  cw.trace = trace;
  cw.track_pid = track_pid;
  cw.first = TRUE;
  fs_export_writer_init (&w, out);
  cw.buf = w.buf;

  g_string_append (w.buf, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"forkscope\"");
  if (options->title != NULL)
    {
      g_string_append (w.buf, ",\"title\":");
      append_json_text (w.buf, options->title);
    }
  g_string_append (w.buf, "},\"traceEvents\":[");

  if (has_kernel)
    write_metadata (&cw, KERNEL_TRACK_PID, "kernel", "kernel", -1);

  for (FsProcessId id = 0; id < n; id++)
    {
      if (!fs_export_filter_has_process (filter, trace, id))
        continue;
      const FsProcess *p = fs_trace_process (trace, id);
      const char *name = fs_trace_process_name (trace, id);
      g_autofree char *label = g_strdup_printf ("%s (pid %d)", name, p->pid);
      write_metadata (&cw, track_pid[id], label, name, (int) id);

      /* Lifetime slice, clipped to the window. */
      gint64 end = p->end_ns != FS_TIME_NONE ? p->end_ns : duration;
      gint64 s = MAX (p->start_ns, from), e = MIN (end, to);
      if (e >= s && p->start_ns <= to)
        {
          g_autofree char *status = fs_exit_status_to_string (&p->exit);
          FsProcessId parent = fs_export_filter_visible_parent (filter, trace, id);
          begin_event (&cw, "X", name, "process", s, track_pid[id]);
          g_string_append (w.buf, ",\"dur\":");
          append_ts (w.buf, e - s);
          g_string_append_printf (w.buf, ",\"args\":{\"pid\":%d,\"trace_id\":%u,\"parent_pid\":%d,"
                                  "\"exit\":", p->pid, id,
                                  parent != FS_PROCESS_NONE ? fs_trace_process (trace, parent)->pid : 0);
          append_json_string (w.buf, status);
          if (p->reparented_to != FS_PROCESS_NONE)
            g_string_append_printf (w.buf, ",\"reparented_to_pid\":%d",
                                    fs_trace_process (trace, p->reparented_to)->pid);
          g_string_append (w.buf, "}}");
        }
      fs_export_writer_maybe_flush (&w);
      cw.buf = w.buf;
    }

  for (gsize i = 0; i < n_events; i++)
    {
      const FsEvent *ev = fs_trace_event (trace, i);
      FsSignalArrow arrow;

      if (options->progress != NULL && (i & 65535) == 0)
        options->progress ((double) i / MAX (n_events, 1), options->progress_data);
      fs_export_writer_maybe_flush (&w);

      if (ev->kind == FS_EVENT_SIGNAL_SEND || ev->kind == FS_EVENT_SIGNAL_DELIVER)
        {
          if (!fs_export_signal_arrow (trace, i, &arrow))
            continue;
          if (!fs_export_filter_has_time (filter, arrow.send_ns))
            continue;
          const char *name = fs_signal_name (arrow.signo);
          gboolean sender_shown = arrow.sender == FS_PROCESS_KERNEL ||
                                  (arrow.sender < n && fs_export_filter_has_process (filter, trace, arrow.sender));
          gboolean receiver_shown = arrow.receiver != FS_PROCESS_NONE && arrow.deliver_index != FS_EVENT_NONE &&
                                    fs_export_filter_has_process (filter, trace, arrow.receiver);
          gboolean flow = sender_shown && receiver_shown && arrow.send_index != FS_EVENT_NONE;
          guint64 flow_id = flow ? next_flow++ : 0;

          if (sender_shown && arrow.send_index != FS_EVENT_NONE)
            {
              begin_event (&cw, "X", name != NULL ? name : "signal", "signal", arrow.send_ns,
                           track_of (&cw, arrow.sender));
              g_string_append (w.buf, ",\"dur\":0");
              if (flow)
                g_string_append_printf (w.buf, ",\"bind_id\":%" G_GUINT64_FORMAT ",\"flow_out\":true",
                                        flow_id);
              g_string_append_printf (w.buf, ",\"args\":{\"event\":\"signal_send\",\"signal\":%d,"
                                      "\"inferred\":%s,\"result\":%d", arrow.signo,
                                      arrow.inferred ? "true" : "false", ev->u.send.result);
              if (arrow.receiver != FS_PROCESS_NONE && arrow.receiver < n)
                g_string_append_printf (w.buf, ",\"target_pid\":%d",
                                        fs_trace_process (trace, arrow.receiver)->pid);
              g_string_append (w.buf, "}}");
            }
          if (receiver_shown)
            {
              begin_event (&cw, "X", name != NULL ? name : "signal", "signal", arrow.deliver_ns,
                           track_of (&cw, arrow.receiver));
              g_string_append (w.buf, ",\"dur\":0");
              if (flow)
                g_string_append_printf (w.buf, ",\"bind_id\":%" G_GUINT64_FORMAT ",\"flow_in\":true",
                                        flow_id);
              g_string_append_printf (w.buf, ",\"args\":{\"event\":\"signal_deliver\",\"signal\":%d,"
                                      "\"action\":\"%s\",\"inferred\":%s",
                                      arrow.signo, action_word (arrow.action),
                                      arrow.inferred ? "true" : "false");
              if (arrow.sender == FS_PROCESS_KERNEL)
                g_string_append (w.buf, ",\"sender\":\"kernel\"");
              else if (arrow.sender < n)
                g_string_append_printf (w.buf, ",\"sender_pid\":%d",
                                        fs_trace_process (trace, arrow.sender)->pid);
              g_string_append (w.buf, "}}");
            }
          continue;
        }

      if (ev->process >= n || !fs_export_filter_has_process (filter, trace, ev->process))
        continue;

      /* Spans are tracked over the whole trace and clipped at output. */
      if (ev->kind == FS_EVENT_BLOCK || ev->kind == FS_EVENT_STOP)
        {
          span_start[ev->process] = ev->t_ns;
          span_kind[ev->process] = ev->kind == FS_EVENT_BLOCK ? 1 : 2;
          span_reason[ev->process] = ev->kind == FS_EVENT_BLOCK ? ev->u.block.reason : 0;
          continue;
        }
      if ((ev->kind == FS_EVENT_UNBLOCK || ev->kind == FS_EVENT_CONTINUE || ev->kind == FS_EVENT_EXIT) &&
          span_start[ev->process] != FS_TIME_NONE)
        {
          gint64 s = MAX (span_start[ev->process], from), e = MIN (ev->t_ns, to);
          if (e >= s)
            {
              g_autofree char *label = span_kind[ev->process] == 1
                ? g_strdup_printf ("blocked: %s", fs_block_reason_name (span_reason[ev->process]))
                : g_strdup ("stopped");
              begin_event (&cw, "X", label, "state", s, track_pid[ev->process]);
              g_string_append (w.buf, ",\"dur\":");
              append_ts (w.buf, e - s);
              g_string_append (w.buf, "}");
            }
          span_start[ev->process] = FS_TIME_NONE;
          if (ev->kind != FS_EVENT_EXIT)
            continue;
        }
      if (!fs_export_filter_has_time (filter, ev->t_ns))
        continue;

      switch (ev->kind)
        {
        case FS_EVENT_FORK:
          if (!fs_export_filter_has_process (filter, trace, ev->u.fork.child))
            break;
          begin_event (&cw, "i", "fork", "process", ev->t_ns, track_pid[ev->process]);
          g_string_append_printf (w.buf, ",\"s\":\"t\",\"args\":{\"child_pid\":%d}}",
                                  fs_trace_process (trace, ev->u.fork.child)->pid);
          break;
        case FS_EVENT_EXEC:
          {
            const char *const *argv = fs_trace_strv (trace, ev->u.exec.argv);
            begin_event (&cw, "i", "exec", "process", ev->t_ns, track_pid[ev->process]);
            g_string_append (w.buf, ",\"s\":\"t\",\"args\":{\"path\":");
            append_json_text (w.buf, fs_trace_string (trace, ev->u.exec.path));
            if (argv != NULL)
              {
                g_string_append (w.buf, ",\"argv\":[");
                for (guint k = 0; argv[k] != NULL; k++)
                  {
                    if (k > 0)
                      g_string_append_c (w.buf, ',');
                    append_json_text (w.buf, argv[k]);
                  }
                g_string_append_c (w.buf, ']');
              }
            g_string_append (w.buf, "}}");
            break;
          }
        case FS_EVENT_EXIT:
          {
            g_autofree char *status = fs_exit_status_to_string (&ev->u.exit.status);
            begin_event (&cw, "i", "exit", "process", ev->t_ns, track_pid[ev->process]);
            g_string_append (w.buf, ",\"s\":\"t\",\"args\":{\"status\":");
            append_json_string (w.buf, status);
            g_string_append (w.buf, "}}");
            break;
          }
        case FS_EVENT_REAP:
          {
            g_autofree char *status = fs_exit_status_to_string (&ev->u.reap.status);
            begin_event (&cw, "i", "reap", "process", ev->t_ns, track_pid[ev->process]);
            g_string_append_printf (w.buf, ",\"s\":\"t\",\"args\":{\"child_pid\":%d,\"status\":",
                                    ev->u.reap.child < n ? fs_trace_process (trace, ev->u.reap.child)->pid : 0);
            append_json_string (w.buf, status);
            g_string_append (w.buf, "}}");
            break;
          }
        case FS_EVENT_OUTPUT:
          begin_event (&cw, "i", "output", "output", ev->t_ns, track_pid[ev->process]);
          g_string_append (w.buf, ",\"s\":\"t\",\"args\":{\"stream\":");
          append_json_string (w.buf, ev->u.output.stream == FS_STREAM_STDERR ? "stderr" : "stdout");
          g_string_append (w.buf, ",\"text\":");
          append_json_text (w.buf, fs_trace_string (trace, ev->u.output.text));
          g_string_append (w.buf, "}}");
          break;
        case FS_EVENT_CONTINUE:
          begin_event (&cw, "i", "continue", "state", ev->t_ns, track_pid[ev->process]);
          g_string_append (w.buf, ",\"s\":\"t\"}");
          break;
        case FS_EVENT_MARKER:
          begin_event (&cw, "i", fs_trace_string (trace, ev->u.marker.text), "marker", ev->t_ns,
                       track_pid[ev->process]);
          g_string_append_printf (w.buf, ",\"s\":\"t\",\"args\":{\"line\":%u}}", ev->u.marker.line);
          break;
        default:
          break;
        }
    }

  /* Spans still open at the end of the trace. */
  for (FsProcessId id = 0; id < n; id++)
    {
      if (span_start[id] == FS_TIME_NONE || !fs_export_filter_has_process (filter, trace, id))
        continue;
      gint64 s = MAX (span_start[id], from), e = to;
      if (e < s)
        continue;
      g_autofree char *label = span_kind[id] == 1
        ? g_strdup_printf ("blocked: %s", fs_block_reason_name (span_reason[id]))
        : g_strdup ("stopped");
      begin_event (&cw, "X", label, "state", s, track_pid[id]);
      g_string_append (w.buf, ",\"dur\":");
      append_ts (w.buf, e - s);
      g_string_append (w.buf, "}");
    }
  g_string_append (w.buf, "\n]}\n");
  if (options->progress != NULL)
    options->progress (1.0, options->progress_data);
  return fs_export_writer_finish (&w, error);
}

/* fs-event-format.c: event, time and process texts for the app's views. */
#include "fs-event-format.h"

#include <string.h>

char *
fs_format_duration (gint64 ns)
{
  const char *sign = ns < 0 ? "-" : "";
  guint64 v = ns < 0 ? (guint64) -(ns + 1) + 1 : (guint64) ns;

  if (v >= 1000000000ull)
    return g_strdup_printf ("%s%.6f s", sign, (double) v / 1e9);
  if (v >= 1000000ull)
    return g_strdup_printf ("%s%.3f ms", sign, (double) v / 1e6);
  if (v >= 1000ull)
    return g_strdup_printf ("%s%.3f µs", sign, (double) v / 1e3);
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT " ns", sign, v);
}

char *
fs_format_clock (gint64 t_ns)
{
  guint64 v = t_ns < 0 ? 0 : (guint64) t_ns;
  guint64 seconds = v / 1000000000ull;
  guint64 rest = v % 1000000000ull;

  return g_strdup_printf ("%" G_GUINT64_FORMAT ".%03u %03u %03u s", seconds,
                          (unsigned) (rest / 1000000), (unsigned) (rest / 1000 % 1000),
                          (unsigned) (rest % 1000));
}

char *
fs_format_process (FsTrace *trace, FsProcessId id)
{
  FsProcess *process;

  if (id == FS_PROCESS_KERNEL)
    return g_strdup ("kernel");
  if (id == FS_PROCESS_NONE || id >= fs_trace_n_processes (trace))
    return g_strdup ("?");
  process = fs_trace_process (trace, id);
  {
    const char *name = fs_trace_string (trace, process->name);
    if (name == NULL || *name == '\0')
      name = fs_trace_string (trace, process->comm);
    if (name == NULL || *name == '\0')
      return g_strdup_printf ("pid %d", process->pid);
    return g_strdup_printf ("%s [%d]", name, process->pid);
  }
}

const char *
fs_event_kind_label (FsEventKind kind)
{
  switch (kind)
    {
    case FS_EVENT_FORK: return "fork";
    case FS_EVENT_EXEC: return "exec";
    case FS_EVENT_RENAME: return "rename";
    case FS_EVENT_SIGNAL_SEND: return "signal sent";
    case FS_EVENT_SIGNAL_DELIVER: return "signal delivered";
    case FS_EVENT_EXIT: return "exit";
    case FS_EVENT_REAP: return "reap";
    case FS_EVENT_STOP: return "stop";
    case FS_EVENT_CONTINUE: return "continue";
    case FS_EVENT_OUTPUT: return "output";
    case FS_EVENT_MARKER: return "marker";
    case FS_EVENT_BLOCK: return "block";
    case FS_EVENT_UNBLOCK: return "unblock";
    case FS_EVENT_THREAD: return "thread";
    case FS_EVENT_KIND_LAST:
    default: return "unknown";
    }
}

char *
fs_format_argv (const char *const *argv)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      gboolean plain = argv[i][0] != '\0' && strpbrk (argv[i], " \t\n'\"\\$`;&|<>()*?[]#~") == NULL;

      if (i > 0)
        g_string_append_c (s, ' ');
      if (plain)
        g_string_append (s, argv[i]);
      else
        {
          g_autofree char *quoted = g_shell_quote (argv[i]);
          g_string_append (s, quoted);
        }
    }
  return g_string_free (s, FALSE);
}

char *
fs_format_signal_target (FsTrace *trace, const FsEvent *event)
{
  switch (event->u.send.target_kind)
    {
    case FS_TARGET_PROCESS: return fs_format_process (trace, event->u.send.target);
    case FS_TARGET_GROUP: return g_strdup_printf ("group %u", event->u.send.target);
    case FS_TARGET_PID: return g_strdup_printf ("pid %u", event->u.send.target);
    case FS_TARGET_ALL: return g_strdup ("all processes");
    default: return g_strdup ("?");
    }
}

static const char *
signal_text (int signo)
{
  const char *name = fs_signal_name (signo);
  return name != NULL ? name : "signal ?";
}

static const char *
action_text (FsSignalAction action)
{
  switch (action)
    {
    case FS_ACTION_HANDLER: return "handled";
    case FS_ACTION_IGNORED: return "ignored";
    case FS_ACTION_TERMINATE: return "terminated";
    case FS_ACTION_CORE: return "terminated (core)";
    case FS_ACTION_STOP: return "stopped";
    case FS_ACTION_CONTINUE: return "continued";
    case FS_ACTION_SIGWAIT: return "consumed by sigwait";
    case FS_ACTION_SIGNALFD: return "read from signalfd";
    case FS_ACTION_UNKNOWN:
    case FS_ACTION_LAST:
    default: return "action unknown";
    }
}

char *
fs_format_event_details (FsTrace *trace, const FsEvent *event)
{
  switch ((FsEventKind) event->kind)
    {
    case FS_EVENT_FORK:
      {
        g_autofree char *child = fs_format_process (trace, event->u.fork.child);
        return g_strdup_printf ("→ %s", child);
      }
    case FS_EVENT_EXEC:
      {
        const char *const *argv = fs_trace_strv (trace, event->u.exec.argv);
        g_autofree char *args = fs_format_argv (argv);
        return g_strdup_printf ("%s  %s", fs_trace_string (trace, event->u.exec.path), args);
      }
    case FS_EVENT_RENAME:
      return g_strdup_printf ("comm “%s”", fs_trace_string (trace, event->u.rename.comm));
    case FS_EVENT_SIGNAL_SEND:
      {
        g_autofree char *target = fs_format_signal_target (trace, event);
        g_autofree char *code = fs_signal_code_name (event->signal, event->u.send.code);
        GString *s = g_string_new (NULL);

        g_string_append_printf (s, "%s → %s", signal_text (event->signal), target);
        if (code != NULL && *code != '\0')
          g_string_append_printf (s, "  (%s)", code);
        if (event->u.send.result != 0)
          g_string_append_printf (s, "  failed: %s", g_strerror (-event->u.send.result));
        if (event->flags & FS_EVENT_FLAG_COALESCED)
          g_string_append (s, "  [coalesced]");
        return g_string_free (s, FALSE);
      }
    case FS_EVENT_SIGNAL_DELIVER:
      {
        GString *s = g_string_new (NULL);

        g_string_append_printf (s, "%s %s", signal_text (event->signal),
                                action_text (event->u.deliver.action));
        if (event->u.deliver.sender != FS_PROCESS_NONE)
          {
            g_autofree char *sender = fs_format_process (trace, event->u.deliver.sender);
            g_string_append_printf (s, "  from %s", sender);
          }
        if (event->flags & FS_EVENT_FLAG_INFERRED)
          g_string_append (s, "  [pairing inferred]");
        return g_string_free (s, FALSE);
      }
    case FS_EVENT_EXIT:
      return fs_exit_status_to_string (&event->u.exit.status);
    case FS_EVENT_REAP:
      {
        g_autofree char *child = fs_format_process (trace, event->u.reap.child);
        g_autofree char *status = fs_exit_status_to_string (&event->u.reap.status);
        return g_strdup_printf ("%s: %s", child, status);
      }
    case FS_EVENT_STOP:
      return g_strdup (event->signal != 0 ? signal_text (event->signal) : "");
    case FS_EVENT_CONTINUE:
      return g_strdup ("");
    case FS_EVENT_OUTPUT:
      return g_strdup_printf ("%s%s", event->u.output.stream == FS_STREAM_STDERR ? "stderr: " : "",
                              fs_trace_string (trace, event->u.output.text));
    case FS_EVENT_MARKER:
      if (event->u.marker.line != 0)
        return g_strdup_printf ("line %u: %s", event->u.marker.line,
                                fs_trace_string (trace, event->u.marker.text));
      return g_strdup (fs_trace_string (trace, event->u.marker.text));
    case FS_EVENT_BLOCK:
      return g_strdup (fs_block_reason_name (event->u.block.reason));
    case FS_EVENT_UNBLOCK:
      return g_strdup ("");
    case FS_EVENT_THREAD:
      return g_strdup_printf ("tid %d", event->u.thread.tid);
    case FS_EVENT_KIND_LAST:
    default:
      return g_strdup ("");
    }
}

/* Okabe–Ito-derived hues: distinguishable with common colour-vision deficiencies. */
static const char *const light_colors[] = {
  "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56b4e9", "#e69f00", "#6a3d9a",
};
static const char *const dark_colors[] = {
  "#56b4e9", "#ff8c42", "#3ddc97", "#f0a0d0", "#f0e442", "#8fd3ff", "#ffc14d", "#c6a0f0",
};

const char *
fs_process_color (FsProcessId id, gboolean dark)
{
  if (id == FS_PROCESS_NONE || id == FS_PROCESS_KERNEL)
    return dark ? "#bbbbbb" : "#555555";
  return dark ? dark_colors[id % G_N_ELEMENTS (dark_colors)]
              : light_colors[id % G_N_ELEMENTS (light_colors)];
}

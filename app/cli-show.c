/* cli-show.c: `forkscope-cli show FILE` — the trace's metadata, its process
 * tree (like pstree) and its events one per line (like strace -r). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  FsTrace    *trace;
  FILE       *out;
  gboolean    show_all;        /* hidden processes too */
  gboolean    utf8;
  gboolean   *selected;        /* per process: named by --process (NULL: all) */
  gboolean    kinds[FS_EVENT_KIND_LAST]; /* --kind; all FALSE: every kind */
  gboolean    any_kind;
  int         time_width;
} ShowContext;

static gboolean
is_hidden (ShowContext *ctx, FsProcessId id)
{
  const FsProcess *p = fs_trace_process (ctx->trace, id);
  return p != NULL && (p->flags & FS_PROCESS_FLAG_HIDDEN) != 0 && !ctx->show_all;
}

/* "name[pid]", coloured; "kernel" for the kernel. */
static void
append_process (ShowContext *ctx, GString *line, FsProcessId id)
{
  const FsProcess *p;

  if (id == FS_PROCESS_KERNEL)
    {
      g_string_append_printf (line, "%skernel%s", fs_cli_style (FS_CLI_STYLE_MAGENTA),
                              fs_cli_style (FS_CLI_STYLE_RESET));
      return;
    }
  p = fs_trace_process (ctx->trace, id);
  if (p == NULL)
    {
      g_string_append (line, "?");
      return;
    }
  g_string_append_printf (line, "%s%s%s[%d]", fs_cli_style (FS_CLI_STYLE_BOLD),
                          fs_trace_process_name (ctx->trace, id),
                          fs_cli_style (FS_CLI_STYLE_RESET), p->pid);
}

/* A C-like quoted string, as strace prints them. */
static void
append_quoted (GString *line, const char *s)
{
  /* Bytes that are not UTF-8 (binary output) are escaped, not sent raw. */
  gboolean utf8 = g_utf8_validate (s, -1, NULL);

  g_string_append_c (line, '"');
  for (const guchar *p = (const guchar *) s; *p; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (line, "\\\""); break;
        case '\\': g_string_append (line, "\\\\"); break;
        case '\n': g_string_append (line, "\\n"); break;
        case '\t': g_string_append (line, "\\t"); break;
        case '\r': g_string_append (line, "\\r"); break;
        default:
          if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8))
            g_string_append_printf (line, "\\x%02x", *p);
          else
            g_string_append_c (line, (char) *p);
        }
    }
  g_string_append_c (line, '"');
}

static void
append_signal (GString *line, int signo)
{
  const char *name = fs_signal_name (signo);

  g_string_append (line, fs_cli_style (FS_CLI_STYLE_YELLOW));
  if (name != NULL)
    g_string_append (line, name);
  else
    g_string_append_printf (line, "%d", signo);
  g_string_append (line, fs_cli_style (FS_CLI_STYLE_RESET));
}

/* "exited with 0", "killed by SIGKILL", "killed by SIGSEGV (core dumped)". */
static void
append_exit_status (GString *line, const FsExitStatus *status)
{
  switch (status->kind)
    {
    case FS_EXIT_CODE:
      g_string_append_printf (line, "%sexited with %d%s",
                              fs_cli_style (status->value == 0 ? FS_CLI_STYLE_GREEN : FS_CLI_STYLE_RED),
                              status->value, fs_cli_style (FS_CLI_STYLE_RESET));
      break;
    case FS_EXIT_SIGNAL:
      {
        const char *name = fs_signal_name (status->value);
        g_string_append_printf (line, "%skilled by ", fs_cli_style (FS_CLI_STYLE_RED));
        if (name != NULL)
          g_string_append (line, name);
        else
          g_string_append_printf (line, "signal %d", status->value);
        g_string_append_printf (line, "%s%s", status->core ? " (core dumped)" : "",
                                fs_cli_style (FS_CLI_STYLE_RESET));
      }
      break;
    default:
      g_string_append (line, "still running");
      break;
    }
}

static const char *
action_text (FsSignalAction action)
{
  switch (action)
    {
    case FS_ACTION_HANDLER:   return "handler runs";
    case FS_ACTION_IGNORED:   return "ignored";
    case FS_ACTION_TERMINATE: return "default action: terminate";
    case FS_ACTION_CORE:      return "default action: core dump";
    case FS_ACTION_STOP:      return "default action: stop";
    case FS_ACTION_CONTINUE:  return "default action: continue";
    case FS_ACTION_SIGWAIT:   return "consumed by sigwait";
    case FS_ACTION_SIGNALFD:  return "read from signalfd";
    case FS_ACTION_UNKNOWN:
    case FS_ACTION_LAST:
    default:                  return NULL;
    }
}

static const char *
block_call (FsBlockReason reason)
{
  switch (reason)
    {
    case FS_BLOCK_SIGWAIT: return "sigwait";
    case FS_BLOCK_PAUSE:   return "pause";
    case FS_BLOCK_SLEEP:   return "nanosleep";
    case FS_BLOCK_WAIT:    return "wait4";
    case FS_BLOCK_OTHER:
    case FS_BLOCK_LAST:
    default:               return "blocking call";
    }
}

static void
append_send (ShowContext *ctx, GString *line, const FsEvent *ev)
{
  const char *call = "kill";
  g_autofree char *code = fs_signal_code_name (ev->signal, ev->u.send.code);

  if (ev->process == FS_PROCESS_KERNEL)
    {
      g_string_append (line, "sends ");
      append_signal (line, ev->signal);
      g_string_append (line, " to ");
    }
  else
    {
      if (ev->flags & FS_EVENT_FLAG_THREAD_DIRECTED)
        call = "tgkill";
      else if (ev->u.send.code == SI_QUEUE)
        call = "sigqueue";
      else if (ev->u.send.target_kind == FS_TARGET_GROUP)
        call = "killpg";
      g_string_append_printf (line, "%s(", call);
    }

  switch (ev->u.send.target_kind)
    {
    case FS_TARGET_PROCESS:
      append_process (ctx, line, ev->u.send.target);
      break;
    case FS_TARGET_GROUP:
      g_string_append_printf (line, "%s%u", ev->process == FS_PROCESS_KERNEL ? "group " : "",
                              ev->u.send.target);
      break;
    case FS_TARGET_PID:
      g_string_append_printf (line, "%s%d", ev->process == FS_PROCESS_KERNEL ? "pid " : "",
                              (gint32) ev->u.send.target);
      break;
    case FS_TARGET_ALL:
    default:
      g_string_append (line, ev->process == FS_PROCESS_KERNEL ? "every process" : "-1");
      break;
    }

  if (ev->process == FS_PROCESS_KERNEL)
    {
      g_string_append_printf (line, " (%s)", code);
    }
  else
    {
      g_string_append (line, ", ");
      if (ev->signal == 0)
        g_string_append (line, "0");
      else
        append_signal (line, ev->signal);
      g_string_append (line, ")");
      if (ev->u.send.result == 0)
        g_string_append (line, " = 0");
      else if (ev->u.send.result < 0 && ev->u.send.result > -4096)
        {
          const char *name = strerrorname_np (-ev->u.send.result);
          g_string_append_printf (line, " = %s-1 %s (%s)%s", fs_cli_style (FS_CLI_STYLE_RED),
                                  name ? name : "?", g_strerror (-ev->u.send.result),
                                  fs_cli_style (FS_CLI_STYLE_RESET));
        }
      else
        g_string_append_printf (line, " = %d", ev->u.send.result);
    }
  if (ev->flags & FS_EVENT_FLAG_COALESCED)
    g_string_append (line, " [already pending: merged]");
}

static void
format_event (ShowContext *ctx, GString *line, const FsEvent *ev)
{
  FsTrace *trace = ctx->trace;

  switch ((FsEventKind) ev->kind)
    {
    case FS_EVENT_FORK:
      g_string_append (line, "fork() = ");
      append_process (ctx, line, ev->u.fork.child);
      break;
    case FS_EVENT_EXEC:
      {
        const char *const *argv = fs_trace_strv (trace, ev->u.exec.argv);
        g_string_append (line, "execve(");
        append_quoted (line, fs_trace_string (trace, ev->u.exec.path));
        if (argv != NULL)
          {
            g_string_append (line, ", [");
            for (gsize i = 0; argv[i] != NULL; i++)
              {
                if (i > 0)
                  g_string_append (line, ", ");
                append_quoted (line, argv[i]);
              }
            g_string_append (line, "]");
          }
        g_string_append (line, ") = 0");
      }
      break;
    case FS_EVENT_RENAME:
      g_string_append (line, "--- comm is now ");
      append_quoted (line, fs_trace_string (trace, ev->u.rename.comm));
      g_string_append (line, " ---");
      break;
    case FS_EVENT_SIGNAL_SEND:
      append_send (ctx, line, ev);
      break;
    case FS_EVENT_SIGNAL_DELIVER:
      {
        const char *what = action_text (ev->u.deliver.action);
        g_string_append (line, "<- ");
        append_signal (line, ev->signal);
        if (ev->u.deliver.sender != FS_PROCESS_NONE)
          {
            g_string_append (line, " from ");
            append_process (ctx, line, ev->u.deliver.sender);
          }
        if (what != NULL)
          g_string_append_printf (line, " (%s)", what);
      }
      break;
    case FS_EVENT_EXIT:
      g_string_append (line, "+++ ");
      append_exit_status (line, &ev->u.exit.status);
      g_string_append (line, " +++");
      break;
    case FS_EVENT_REAP:
      g_string_append (line, "wait4() = ");
      append_process (ctx, line, ev->u.reap.child);
      if (ev->u.reap.status.kind != FS_EXIT_NONE)
        {
          g_string_append (line, " (");
          append_exit_status (line, &ev->u.reap.status);
          g_string_append (line, ")");
        }
      break;
    case FS_EVENT_STOP:
      g_string_append (line, "--- stopped");
      if (ev->signal != 0)
        {
          g_string_append (line, " by ");
          append_signal (line, ev->signal);
        }
      g_string_append (line, " ---");
      break;
    case FS_EVENT_CONTINUE:
      g_string_append (line, "--- continued ---");
      break;
    case FS_EVENT_OUTPUT:
      g_string_append_printf (line, "%s%s:%s ", fs_cli_style (FS_CLI_STYLE_DIM),
                              ev->u.output.stream == FS_STREAM_STDERR ? "stderr" : "stdout",
                              fs_cli_style (FS_CLI_STYLE_RESET));
      append_quoted (line, fs_trace_string (trace, ev->u.output.text));
      break;
    case FS_EVENT_MARKER:
      g_string_append_printf (line, "%s# %s", fs_cli_style (FS_CLI_STYLE_BLUE),
                              fs_trace_string (trace, ev->u.marker.text));
      if (ev->u.marker.line != 0)
        g_string_append_printf (line, " (line %u)", ev->u.marker.line);
      g_string_append (line, fs_cli_style (FS_CLI_STYLE_RESET));
      break;
    case FS_EVENT_BLOCK:
      g_string_append_printf (line, "%s(…) <blocked>", block_call (ev->u.block.reason));
      break;
    case FS_EVENT_UNBLOCK:
      g_string_append_printf (line, "<… %s resumed>", block_call (ev->u.block.reason));
      break;
    case FS_EVENT_THREAD:
      g_string_append_printf (line, "clone(CLONE_THREAD) = %d", ev->u.thread.tid);
      break;
    case FS_EVENT_KIND_LAST:
    default:
      g_string_append_printf (line, "event kind %u", ev->kind);
      break;
    }
  if (ev->flags & FS_EVENT_FLAG_INFERRED)
    g_string_append (line, " [pairing inferred]");
  if (ev->flags & FS_EVENT_FLAG_TIME_CLAMPED)
    g_string_append (line, " [time adjusted]");
}

/* The processes an event concerns, for --process and hidden filtering. */
static void
event_parties (const FsEvent *ev, FsProcessId parties[3])
{
  parties[0] = ev->process;
  parties[1] = FS_PROCESS_NONE;
  parties[2] = FS_PROCESS_NONE;
  switch (ev->kind)
    {
    case FS_EVENT_FORK:
      parties[1] = ev->u.fork.child;
      break;
    case FS_EVENT_REAP:
      parties[1] = ev->u.reap.child;
      break;
    case FS_EVENT_SIGNAL_SEND:
      if (ev->u.send.target_kind == FS_TARGET_PROCESS)
        parties[1] = ev->u.send.target;
      break;
    case FS_EVENT_SIGNAL_DELIVER:
      parties[1] = ev->u.deliver.sender;
      break;
    default:
      break;
    }
}

static gboolean
event_shown (ShowContext *ctx, const FsEvent *ev)
{
  FsProcessId parties[3];
  guint n = fs_trace_n_processes (ctx->trace);
  gboolean visible = FALSE, selected = FALSE, any_party = FALSE;

  if (ctx->any_kind && !ctx->kinds[ev->kind < FS_EVENT_KIND_LAST ? ev->kind : 0])
    return FALSE;
  event_parties (ev, parties);
  for (int i = 0; i < 3; i++)
    {
      if (parties[i] >= n)
        continue;
      any_party = TRUE;
      if (!is_hidden (ctx, parties[i]))
        visible = TRUE;
      if (ctx->selected == NULL || ctx->selected[parties[i]])
        selected = TRUE;
    }
  /* The kernel signalling a group or a pid outside the trace: nothing to hide. */
  if (!any_party)
    return ctx->selected == NULL;
  return visible && selected;
}

static void
print_events (ShowContext *ctx)
{
  gsize n = 0;
  const FsEvent *events = fs_trace_events (ctx->trace, &n);
  g_autoptr(GString) line = g_string_new (NULL);
  char when[32];
  gsize shown = 0;

  fs_cli_format_time (fs_trace_duration (ctx->trace), when, sizeof when);
  ctx->time_width = (int) strlen (when);

  fprintf (ctx->out, "%sEvents:%s\n", fs_cli_style (FS_CLI_STYLE_BOLD),
           fs_cli_style (FS_CLI_STYLE_RESET));
  for (gsize i = 0; i < n; i++)
    {
      const FsEvent *ev = &events[i];

      if (!event_shown (ctx, ev))
        continue;
      g_string_truncate (line, 0);
      fs_cli_format_time (ev->t_ns, when, sizeof when);
      g_string_append_printf (line, "%s%*s%s ", fs_cli_style (FS_CLI_STYLE_DIM),
                              ctx->time_width + 2, when, fs_cli_style (FS_CLI_STYLE_RESET));
      append_process (ctx, line, ev->process);
      g_string_append_c (line, ' ');
      format_event (ctx, line, ev);
      g_string_append_c (line, '\n');
      fputs (line->str, ctx->out);
      shown++;
    }
  if (shown == 0)
    fprintf (ctx->out, "  (no events%s)\n",
             ctx->selected != NULL || ctx->any_kind ? " match the filters" : "");
}

/* The visible children of a process, in birth order: a hidden child is
 * replaced by its own visible children. */
static void
visible_children (ShowContext *ctx, FsProcessId id, GArray *kids)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (FsProcessId));
  guint n = 0;
  const FsProcessId *children = fs_trace_children (ctx->trace, id, &n);

  g_array_set_size (kids, 0);
  for (guint i = n; i > 0; i--)
    g_array_append_val (stack, children[i - 1]);
  while (stack->len > 0)
    {
      FsProcessId c = g_array_index (stack, FsProcessId, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      if (is_hidden (ctx, c))
        {
          const FsProcessId *grand = fs_trace_children (ctx->trace, c, &n);
          for (guint i = n; i > 0; i--)
            g_array_append_val (stack, grand[i - 1]);
        }
      else
        g_array_append_val (kids, c);
    }
}

static void
print_process_line (ShowContext *ctx, FsProcessId id, const char *prefix, const char *branch)
{
  const FsProcess *p = fs_trace_process (ctx->trace, id);
  const char *comm = fs_trace_string (ctx->trace, p->comm);
  g_autoptr(GString) line = g_string_new (prefix);

  g_string_append (line, branch);
  append_process (ctx, line, id);
  if (p->comm != p->name && comm[0] != '\0' &&
      !g_str_equal (comm, fs_trace_process_name (ctx->trace, id)))
    g_string_append_printf (line, " (%s)", comm);
  g_string_append_c (line, ' ');
  append_exit_status (line, &p->exit);
  /* A root's reaper (the shell) is outside the trace: say nothing. */
  if (p->exit.kind != FS_EXIT_NONE && p->reap_ns == FS_TIME_NONE && p->parent != FS_PROCESS_NONE)
    g_string_append (line, ", never reaped");
  if (p->flags & FS_PROCESS_FLAG_HIDDEN)
    g_string_append_printf (line, " %s[hidden]%s", fs_cli_style (FS_CLI_STYLE_DIM),
                            fs_cli_style (FS_CLI_STYLE_RESET));
  if (p->flags & FS_PROCESS_FLAG_ATTACHED)
    g_string_append (line, " [attached]");
  if (p->threads != NULL && p->threads->len > 0)
    g_string_append_printf (line, " {%u threads}", p->threads->len + 1);
  if (p->reparented_to != FS_PROCESS_NONE)
    {
      g_string_append (line, " (orphaned, adopted by ");
      append_process (ctx, line, p->reparented_to);
      g_string_append (line, ")");
    }
  g_string_append_c (line, '\n');
  fputs (line->str, ctx->out);
}

/* Indentation stops growing here, so a fork chain thousands deep still
 * prints lines of a sane width. */
#define MAX_TREE_INDENT 64

typedef struct {
  FsProcessId id;
  guint       depth;
  gboolean    last;
  gsize       prefix_len;  /* the prefix of its line: its parent's stems */
} TreeItem;

/* Pre-order walk with an explicit stack: fork chains can be deeper than the
 * C stack. */
static void
print_tree_from (ShowContext *ctx, FsProcessId root)
{
  const char *branch_mid = ctx->utf8 ? "├─ " : "|- ";
  const char *branch_last = ctx->utf8 ? "└─ " : "`- ";
  const char *stem = ctx->utf8 ? "│  " : "|  ";
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (TreeItem));
  g_autoptr(GArray) kids = g_array_new (FALSE, FALSE, sizeof (FsProcessId));
  g_autoptr(GString) prefix = g_string_new ("  ");
  TreeItem first = { root, 0, TRUE, prefix->len };

  g_array_append_val (stack, first);
  while (stack->len > 0)
    {
      TreeItem item = g_array_index (stack, TreeItem, stack->len - 1);
      gsize child_prefix_len;

      g_array_set_size (stack, stack->len - 1);
      g_string_truncate (prefix, item.prefix_len);
      print_process_line (ctx, item.id, prefix->str,
                          item.depth == 0 ? "" : item.last ? branch_last : branch_mid);
      if (item.depth > 0 && item.depth < MAX_TREE_INDENT)
        g_string_append (prefix, item.last ? "   " : stem);
      child_prefix_len = prefix->len;

      visible_children (ctx, item.id, kids);
      for (guint i = kids->len; i > 0; i--)
        {
          TreeItem child = {
            g_array_index (kids, FsProcessId, i - 1), item.depth + 1, i == kids->len,
            child_prefix_len
          };
          g_array_append_val (stack, child);
        }
    }
}

static void
print_tree (ShowContext *ctx)
{
  g_autoptr(GArray) roots = g_array_new (FALSE, FALSE, sizeof (FsProcessId));
  guint n_hidden = 0;

  visible_children (ctx, FS_PROCESS_NONE, roots);
  for (guint i = 0; i < fs_trace_n_processes (ctx->trace); i++)
    if (is_hidden (ctx, i))
      n_hidden++;

  fprintf (ctx->out, "%sProcesses:%s\n", fs_cli_style (FS_CLI_STYLE_BOLD),
           fs_cli_style (FS_CLI_STYLE_RESET));
  for (guint i = 0; i < roots->len; i++)
    print_tree_from (ctx, g_array_index (roots, FsProcessId, i));
  if (roots->len == 0)
    fprintf (ctx->out, "  (none)\n");
  if (n_hidden > 0)
    fprintf (ctx->out, "  %s(%u hidden infrastructure process%s not shown; --all shows them)%s\n",
             fs_cli_style (FS_CLI_STYLE_DIM), n_hidden, n_hidden == 1 ? "" : "es",
             fs_cli_style (FS_CLI_STYLE_RESET));
}

static int
compare_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
print_meta (ShowContext *ctx, const char *path)
{
  FsTraceMeta *meta = fs_trace_get_meta (ctx->trace);
  char duration[32];

  fprintf (ctx->out, "%sTrace:%s %s\n", fs_cli_style (FS_CLI_STYLE_BOLD),
           fs_cli_style (FS_CLI_STYLE_RESET), path);
  if (meta->scenario != NULL)
    fprintf (ctx->out, "  scenario: %s\n", meta->scenario);
  if (meta->command != NULL)
    fprintf (ctx->out, "  command:  %s\n", meta->command);
  if (meta->recorder != NULL)
    fprintf (ctx->out, "  recorder: %s\n", meta->recorder);
  if (meta->tracer != NULL)
    fprintf (ctx->out, "  tracer:   %s\n", meta->tracer);
  if (meta->start_wall_ns != 0)
    {
      g_autoptr(GDateTime) dt =
        g_date_time_new_from_unix_utc (meta->start_wall_ns / G_GINT64_CONSTANT (1000000000));
      if (dt != NULL)
        {
          g_autofree char *when = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC");
          fprintf (ctx->out, "  started:  %s\n", when);
        }
    }
  fs_cli_format_time (fs_trace_duration (ctx->trace), duration, sizeof duration);
  fprintf (ctx->out, "  %u process%s, %" G_GSIZE_FORMAT " event%s, %s s\n",
           fs_trace_n_processes (ctx->trace), fs_trace_n_processes (ctx->trace) == 1 ? "" : "es",
           fs_trace_n_events (ctx->trace), fs_trace_n_events (ctx->trace) == 1 ? "" : "s",
           duration);
  if (meta->extra != NULL && g_hash_table_size (meta->extra) > 0)
    {
      guint n = 0;
      g_autofree gpointer *keys = g_hash_table_get_keys_as_array (meta->extra, &n);
      qsort (keys, n, sizeof (gpointer), compare_keys);
      for (guint i = 0; i < n; i++)
        fprintf (ctx->out, "  %s: %s\n", (const char *) keys[i],
                 (const char *) g_hash_table_lookup (meta->extra, keys[i]));
    }
  if (meta->lost_events > 0)
    fprintf (ctx->out, "  %sWARNING: the tracer lost %" G_GUINT64_FORMAT " event%s; the trace is incomplete%s\n",
             fs_cli_style (FS_CLI_STYLE_RED), meta->lost_events, meta->lost_events == 1 ? "" : "s",
             fs_cli_style (FS_CLI_STYLE_RESET));
  if (g_hash_table_contains (meta->extra, FS_META_LOST_OUTSIDE_SIGNALS))
    fprintf (ctx->out, "  note: %s records of other processes' signals were dropped while "
             "recording; signals sent into the trace from outside it may be missing\n",
             (const char *) g_hash_table_lookup (meta->extra, FS_META_LOST_OUTSIDE_SIGNALS));
  if (meta->truncated)
    fprintf (ctx->out, "  %sWARNING: the file was truncated; events after the cut are missing%s\n",
             fs_cli_style (FS_CLI_STYLE_RED), fs_cli_style (FS_CLI_STYLE_RESET));
  fputc ('\n', ctx->out);
}

int
fs_cli_show (int argc, char **argv)
{
  g_auto(GStrv) process_specs = NULL;
  g_auto(GStrv) kind_names = NULL;
  g_autofree char *color = NULL;
  gboolean no_tree = FALSE, no_events = FALSE, no_meta = FALSE, show_all = FALSE;
  const GOptionEntry entries[] = {
    { "process", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &process_specs,
      "Only events of this process (a name, a pid or a trace id #N); repeatable", "PROCESS" },
    { "kind", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &kind_names,
      "Only events of this kind (fork, exec, signal_send, signal_deliver, exit, reap, output, …); repeatable",
      "KIND" },
    { "no-tree", 0, 0, G_OPTION_ARG_NONE, &no_tree, "Do not print the process tree", NULL },
    { "no-events", 0, 0, G_OPTION_ARG_NONE, &no_events, "Do not print the events", NULL },
    { "no-meta", 0, 0, G_OPTION_ARG_NONE, &no_meta, "Do not print the trace's metadata", NULL },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &show_all,
      "Show hidden infrastructure processes (the scenario runner's) too", NULL },
    { "color", 0, 0, G_OPTION_ARG_STRING, &color, "Colour: auto (on a terminal, unless NO_COLOR is set), always or never", "WHEN" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    fs_cli_option_context ("show", "FILE", "Print a trace: metadata, process tree, then events one per line.",
                           "FILE is a .fstrace file or a forkscope JSON trace.\n"
                           "Event lines read like strace -r: seconds since the trace start, the process as\n"
                           "name[pid], then what it did.");
  g_autoptr(FsTrace) trace = NULL;
  g_autofree gboolean *selected = NULL;
  FsCliColorMode color_mode = FS_CLI_COLOR_AUTO;
  ShowContext ctx = { 0 };
  int exit_code = FS_CLI_EXIT_OK;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!fs_cli_parse_options (context, "show", &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return fs_cli_usage_error ("show", "missing FILE");
  if (argc > 2)
    return fs_cli_usage_error ("show", "unexpected argument '%s'", argv[2]);
  if (!fs_cli_parse_color_mode (color, &color_mode))
    return fs_cli_usage_error ("show", "--color: '%s' is not auto, always or never", color);

  for (guint i = 0; kind_names != NULL && kind_names[i] != NULL; i++)
    {
      FsEventKind kind;
      if (!fs_event_kind_from_name (kind_names[i], &kind))
        {
          g_autoptr(GString) valid = g_string_new (NULL);
          for (int k = FS_EVENT_FORK; k < FS_EVENT_KIND_LAST; k++)
            g_string_append_printf (valid, "%s%s", k > FS_EVENT_FORK ? ", " : "",
                                    fs_event_kind_name (k));
          return fs_cli_usage_error ("show", "--kind: unknown event kind '%s' (one of %s)",
                                     kind_names[i], valid->str);
        }
      ctx.kinds[kind] = TRUE;
      ctx.any_kind = TRUE;
    }

  trace = fs_cli_load_trace (argv[1], &exit_code);
  if (trace == NULL)
    return exit_code;

  if (process_specs != NULL)
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (FsProcessId));
      selected = g_new0 (gboolean, MAX (fs_trace_n_processes (trace), 1));
      for (guint i = 0; process_specs[i] != NULL; i++)
        if (!fs_cli_match_process (trace, process_specs[i], ids))
          {
            fs_cli_error ("%s: --process: no process '%s' in the trace", argv[1], process_specs[i]);
            return FS_CLI_EXIT_USAGE;
          }
      for (guint i = 0; i < ids->len; i++)
        selected[g_array_index (ids, FsProcessId, i)] = TRUE;
    }

  ctx.trace = trace;
  ctx.out = stdout;
  ctx.show_all = show_all;
  ctx.selected = selected;
  ctx.utf8 = g_get_charset (NULL);
  fs_cli_use_color (stdout, color_mode);

  if (!no_meta)
    print_meta (&ctx, argv[1]);
  if (!no_tree)
    {
      print_tree (&ctx);
      if (!no_events)
        fputc ('\n', stdout);
    }
  if (!no_events)
    print_events (&ctx);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      fs_cli_error ("standard output: write failed");
      return FS_CLI_EXIT_FAILURE;
    }
  return FS_CLI_EXIT_OK;
}

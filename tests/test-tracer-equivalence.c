/* Both tracers on the same runs: the traces must agree on the process tree by
 * names, exec paths, exit statuses, signal send edges and deliveries with
 * their actions.  Needs root (tracefs); skipped otherwise.
 *
 * Each trace is reduced to a sorted list of lines that keep only what both
 * backends can know (docs/tracers.md, "Differences"):
 * - processes by their path of names from the root, hidden infrastructure
 *   left out of paths and lines;
 * - exec paths with symlinks resolved (ptrace reads /proc/PID/exe, tracefs
 *   gets the path the program passed to execve);
 * - sends made by processes (kill, tkill, sigqueue); kernel-made sends are
 *   seen at generation by tracefs and at delivery by ptrace, so they are not
 *   compared;
 * - deliveries except: SIGKILL, which no ptrace stop ever shows; signals
 *   the kernel discards as it generates them (ignored, or SIGCONT's default),
 *   which a tracee is not allowed to discard (it stops for them, and never
 *   shows them when it dies first); and SIGCHLD, whose delivery before the
 *   parent exits is a matter of scheduling, which ptrace changes.
 */
#include "core/trace-file.h"
#include "core/trace-model.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  const char *label;
  const char *scenario;   /* a data/scenarios file, or NULL */
  const char *script;     /* a /bin/sh script, or NULL */
} Case;

static const Case command_cases[] = {
  { "kill-child", NULL, "sleep 0.3 & sleep 0.1; kill -USR1 $!; wait" },
  { "exit-statuses", NULL,
    "exec 2>/dev/null; ulimit -c 0; sh -c 'exit 7'; sh -c 'kill -TERM $$'; "
    "sh -c 'kill -SEGV $$'; exit 3" },
  { "trap-handler", NULL,
    "exec >/dev/null; trap 'echo got' USR1; kill -USR1 $$; trap '' USR2; kill -USR2 $$; exit 3" },
  { "job-control", NULL,
    "exec 2>/dev/null; sleep 5 & p=$!; sleep 0.1; kill -STOP $p; sleep 0.1; kill -CONT $p; "
    "sleep 0.1; kill -TERM $p; wait $p; exit 0" },
  { "timeout", NULL, "timeout -s TERM 0.3 sleep 5; exit 0" },
  /* Signals read from a signalfd, once tracefs has seen it made (300 ms). */
  { "signalfd", NULL, "exec \"$FS_BUILD_ROOT/tests/signalfd-reader\" 300" },
};

static char *
cli_path (void)
{
  const char *build = g_getenv ("FS_BUILD_ROOT");
  return g_build_filename (build != NULL ? build : ".", "app", "forkscope-cli", NULL);
}

static char *
scenario_path (const char *name)
{
  const char *src = g_getenv ("FS_SOURCE_ROOT");
  return g_build_filename (src != NULL ? src : ".", "data", "scenarios", name, NULL);
}

static FsTrace *
record_case (const Case *c, const char *tracer, const char *dir)
{
  g_autofree char *cli = cli_path ();
  g_autofree char *out = g_strdup_printf ("%s/%s-%s.fstrace", dir, c->label, tracer);
  g_autofree char *tracer_opt = g_strdup_printf ("--tracer=%s", tracer);
  g_autofree char *scenario = c->scenario != NULL ? scenario_path (c->scenario) : NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  g_autofree char *err_text = NULL;

  if (c->scenario != NULL)
    {
      /* Scaled down: the scenarios sleep for seconds in real time. */
      const char *argv[] = { cli, "run", "-q", "--time-scale=0.1", tracer_opt, "-o", out,
                             scenario, NULL };
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                    &err_text, &status, &error);
    }
  else
    {
      const char *argv[] = { cli, "record", "-q", tracer_opt, "-o", out, "--", "/bin/sh", "-c",
                             c->script, NULL };
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                    &err_text, &status, &error);
    }
  g_assert_no_error (error);
  if (err_text != NULL && *err_text != '\0')
    g_test_message ("%s (%s): %s", c->label, tracer, err_text);

  g_autofree char *warning = NULL;
  FsTrace *trace = fs_trace_load (out, &warning, &error);
  g_assert_no_error (error);
  g_assert_null (warning);
  return trace;
}

static gboolean
is_hidden (FsTrace *trace, FsProcessId id)
{
  return id < fs_trace_n_processes (trace)
         && (fs_trace_process (trace, id)->flags & FS_PROCESS_FLAG_HIDDEN) != 0;
}

static char *
process_path (FsTrace *trace, FsProcessId id)
{
  if (id == FS_PROCESS_KERNEL)
    return g_strdup ("<kernel>");
  if (id == FS_PROCESS_NONE || id >= fs_trace_n_processes (trace))
    return g_strdup ("<unknown>");
  GPtrArray *names = g_ptr_array_new ();
  for (FsProcessId p = id; p != FS_PROCESS_NONE && p < fs_trace_n_processes (trace);
       p = fs_trace_process (trace, p)->parent)
    if (!is_hidden (trace, p))
      g_ptr_array_insert (names, 0, (gpointer) fs_trace_process_name (trace, p));
  g_ptr_array_add (names, NULL);
  char *path = g_strjoinv ("/", (char **) names->pdata);
  g_ptr_array_unref (names);
  return path;
}

static char *
real_path (const char *path)
{
  char *resolved = realpath (path, NULL);
  if (resolved == NULL)
    return g_strdup (path);
  char *copy = g_strdup (resolved);
  free (resolved);
  return copy;
}

/* g_ptr_array_sort passes pointers to the elements. */
static gint
compare_lines (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static char *
summarize (FsTrace *trace)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);

  for (FsProcessId id = 0; id < fs_trace_n_processes (trace); id++)
    {
      FsProcess *p = fs_trace_process (trace, id);
      if (is_hidden (trace, id))
        continue;
      g_autofree char *path = process_path (trace, id);
      g_autofree char *status = fs_exit_status_to_string (&p->exit);
      GString *execs = g_string_new (NULL);
      for (gsize i = 0; i < n; i++)
        if (ev[i].kind == FS_EVENT_EXEC && ev[i].process == id)
          {
            g_autofree char *rp = real_path (fs_trace_string (trace, ev[i].u.exec.path));
            g_string_append_printf (execs, " %s", rp);
          }
      g_ptr_array_add (lines, g_strdup_printf ("process %s exit %s reaped %s execs%s", path,
                                               status, p->reap_ns != FS_TIME_NONE ? "yes" : "no",
                                               execs->str));
      g_string_free (execs, TRUE);
    }
  for (gsize i = 0; i < n; i++)
    {
      const FsEvent *e = &ev[i];
      if (e->kind == FS_EVENT_SIGNAL_SEND && e->process != FS_PROCESS_KERNEL)
        {
          if (is_hidden (trace, e->process))
            continue;
          g_autofree char *from = process_path (trace, e->process);
          g_autofree char *to = NULL;
          switch (e->u.send.target_kind)
            {
            case FS_TARGET_PROCESS: to = process_path (trace, e->u.send.target); break;
            case FS_TARGET_GROUP:   to = g_strdup ("<group>"); break;
            case FS_TARGET_ALL:     to = g_strdup ("<all>"); break;
            default:                to = g_strdup ("<pid>"); break;
            }
          g_ptr_array_add (lines, g_strdup_printf ("send %s -> %s %s result %d", from, to,
                                                   fs_signal_name (e->signal), e->u.send.result));
        }
      else if (e->kind == FS_EVENT_SIGNAL_DELIVER && e->signal != SIGKILL
               && e->signal != SIGCHLD && e->u.deliver.action != FS_ACTION_IGNORED
               && e->u.deliver.action != FS_ACTION_CONTINUE)
        {
          if (is_hidden (trace, e->process))
            continue;
          g_autofree char *to = process_path (trace, e->process);
          g_autofree char *from = process_path (trace, e->u.deliver.sender);
          g_ptr_array_add (lines, g_strdup_printf ("deliver %s %s %s from %s", to,
                                                   fs_signal_name (e->signal),
                                                   fs_signal_action_name (e->u.deliver.action),
                                                   from));
        }
    }
  g_ptr_array_sort (lines, compare_lines);
  GString *all = g_string_new (NULL);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (all, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (all, FALSE);
}

static void
compare_case (gconstpointer data)
{
  const Case *c = data;
  if (geteuid () != 0)
    {
      g_test_skip ("the tracefs tracer needs root");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("forkscope-equiv-XXXXXX", &error);
  g_assert_no_error (error);

  g_autoptr (FsTrace) with_ptrace = record_case (c, "ptrace", dir);
  g_autoptr (FsTrace) with_tracefs = record_case (c, "tracefs", dir);
  g_autofree char *a = summarize (with_ptrace);
  g_autofree char *b = summarize (with_tracefs);
  if (g_strcmp0 (a, b) != 0)
    g_test_message ("ptrace:\n%s\ntracefs:\n%s", a, b);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpuint (fs_trace_get_meta (with_tracefs)->lost_events, ==, 0);

  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (command_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/equivalence/command/%s", command_cases[i].label);
      g_test_add_data_func (path, &command_cases[i], compare_case);
    }

  /* Every scenario in data/scenarios. */
  g_autofree char *dir = scenario_path ("");
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".fsc"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_lines);
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree Case *cases = g_new0 (Case, names->len + 1);
  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      char *label = g_strndup (file, strlen (file) - 4);
      g_ptr_array_add (labels, label);
      cases[i].label = label;
      cases[i].scenario = file;
      g_autofree char *path = g_strdup_printf ("/equivalence/scenario/%s", label);
      g_test_add_data_func (path, &cases[i], compare_case);
    }
  return g_test_run ();
}

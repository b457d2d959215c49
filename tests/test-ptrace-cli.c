/* `forkscope-cli record --tracer ptrace`: exit statuses, pass-through,
 * Ctrl-C, attach/detach, and what a recorder killed with SIGKILL leaves. */
#include "core/trace-file.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *cli_path;

static char *
make_tmp_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("forkscope-ptrace-cli-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
remove_tmp_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Runs forkscope-cli with args; returns its exit code (128+N for signal N). */
static int
run_cli (const char *const *args, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, cli_path);
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);

  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &wait_status, &error));
  g_assert_no_error (error);
  if (err != NULL && *err != NULL)
    g_test_message ("stderr: %s", *err);
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  return 128 + WTERMSIG (wait_status);
}

static pid_t
spawn_cli (const char *const *args)
{
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr (GPtrArray) argv = g_ptr_array_new ();
      g_ptr_array_add (argv, cli_path);
      for (const char *const *a = args; *a != NULL; a++)
        g_ptr_array_add (argv, (gpointer) *a);
      g_ptr_array_add (argv, NULL);
      execv (cli_path, (char **) argv->pdata);
      _exit (127);
    }
  return pid;
}

static int
wait_exit_code (pid_t pid)
{
  int status;
  pid_t r;
  while ((r = waitpid (pid, &status, 0)) < 0 && errno == EINTR)
    ;
  g_assert_cmpint (r, ==, pid);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* Dead (gone or a zombie someone else must reap) within two seconds. */
static gboolean
process_is_gone (pid_t pid)
{
  char path[64];
  g_snprintf (path, sizeof path, "/proc/%d/stat", pid);
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *text = NULL;
      if (!g_file_get_contents (path, &text, NULL, NULL))
        return TRUE;
      const char *p = strrchr (text, ')');
      if (p != NULL && (p[2] == 'Z' || p[2] == 'X'))
        return TRUE;
      g_usleep (10 * 1000);
    }
  return FALSE;
}

static char
process_state (pid_t pid, int *tracer_pid)
{
  char path[64];
  g_autofree char *text = NULL;
  g_snprintf (path, sizeof path, "/proc/%d/status", pid);
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return '?';
  const char *state = strstr (text, "State:\t");
  const char *tracer = strstr (text, "TracerPid:\t");
  if (tracer_pid != NULL)
    *tracer_pid = tracer != NULL ? atoi (tracer + strlen ("TracerPid:\t")) : -1;
  return state != NULL ? state[strlen ("State:\t")] : '?';
}

/* Waits until path holds at least min_bytes (the recorder's first flushes). */
static void
wait_for_file (const char *path, gsize min_bytes)
{
  for (int i = 0; i < 300; i++)
    {
      GStatBuf st;
      if (g_stat (path, &st) == 0 && (gsize) st.st_size >= min_bytes)
        return;
      g_usleep (10 * 1000);
    }
  g_assert_not_reached ();
}

/* --------------------------------------------------------------- tests */

static void
test_exit_codes (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *file = g_build_filename (dir, "t.fstrace", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  const char *ok[] = { "record", "--tracer", "ptrace", "-o", file, "--",
                       "sh", "-c", "echo hello; echo oops >&2; exit 7", NULL };
  g_assert_cmpint (run_cli (ok, &out, &err), ==, 7);
  /* The command's output passes through untouched; our summary is on stderr. */
  g_assert_cmpstr (out, ==, "hello\n");
  g_assert_nonnull (strstr (err, "oops\n"));
  g_assert_nonnull (strstr (err, "1 process"));
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autoptr (FsTrace) trace = fs_trace_load (file, &warning, &error);
  g_assert_no_error (error);
  g_assert_null (warning);
  g_assert_false (fs_trace_get_meta (trace)->truncated);
  g_assert_cmpstr (fs_trace_get_meta (trace)->tracer, ==, "ptrace");
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 1);
  g_assert_cmpint (fs_trace_process (trace, 0)->exit.value, ==, 7);

  const char *killed[] = { "record", "--tracer", "ptrace", "-q", "-o", file, "--",
                           "sh", "-c", "kill -TERM $$", NULL };
  g_assert_cmpint (run_cli (killed, &out, &err), ==, 128 + SIGTERM);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  const char *missing[] = { "record", "--tracer", "ptrace", "-o", file, "--",
                            "forkscope-surely-not-a-command", NULL };
  g_assert_cmpint (run_cli (missing, &out, &err), ==, 127);
  g_assert_nonnull (strstr (err, "forkscope-surely-not-a-command: command not found"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  const char *not_exec[] = { "record", "--tracer", "ptrace", "-o", file, "--", dir, NULL };
  g_assert_cmpint (run_cli (not_exec, &out, &err), ==, 126);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  const char *usage[] = { "record", "--tracer", "ptrace", NULL };
  g_assert_cmpint (run_cli (usage, &out, &err), ==, 2);
  const char *bad_tracer[] = { "record", "--tracer", "magic", "--", "true", NULL };
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (bad_tracer, &out, &err), ==, 2);

  remove_tmp_dir (dir);
}

static void
test_sigkill_recorder (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *file = g_build_filename (dir, "killed.fstrace", NULL);

  const char *args[] = { "record", "--tracer", "ptrace", "-q", "-o", file, "--",
                         "sh", "-c", "sleep 30 & sleep 30 & kill -STOP $$; wait", NULL };
  pid_t cli = spawn_cli (args);
  wait_for_file (file, 64);
  /* Past at least two 100 ms flushes. */
  g_usleep (400 * 1000);
  kill (cli, SIGKILL);
  g_assert_cmpint (wait_exit_code (cli), ==, 128 + SIGKILL);

  /* The file opens, holds what was flushed, and says it was cut short. */
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autoptr (FsTrace) trace = fs_trace_load (file, &warning, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trace);
  g_assert_true (fs_trace_get_meta (trace)->truncated);
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 3);
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  guint forks = 0, stops = 0;
  for (gsize i = 0; i < n; i++)
    {
      forks += ev[i].kind == FS_EVENT_FORK;
      stops += ev[i].kind == FS_EVENT_STOP;
    }
  g_assert_cmpuint (forks, ==, 2);
  g_assert_cmpuint (stops, ==, 1);

  /* PTRACE_O_EXITKILL: no tracee is left running or stopped. */
  for (guint p = 0; p < fs_trace_n_processes (trace); p++)
    g_assert_true (process_is_gone (fs_trace_process (trace, p)->pid));

  remove_tmp_dir (dir);
}

static void
test_interrupt_launched (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *file = g_build_filename (dir, "int.fstrace", NULL);

  const char *args[] = { "record", "--tracer", "ptrace", "-q", "-o", file, "--",
                         "sh", "-c", "sleep 30 & wait", NULL };
  pid_t cli = spawn_cli (args);
  wait_for_file (file, 64);
  g_usleep (200 * 1000);
  kill (cli, SIGINT);
  /* The tree is killed; the root's fate is our exit status. */
  g_assert_cmpint (wait_exit_code (cli), ==, 128 + SIGKILL);

  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) trace = fs_trace_load (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (fs_trace_get_meta (trace)->truncated);
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 2);
  for (guint p = 0; p < 2; p++)
    {
      FsProcess *proc = fs_trace_process (trace, p);
      g_assert_cmpint (proc->exit.kind, ==, FS_EXIT_SIGNAL);
      g_assert_true (process_is_gone (proc->pid));
    }
  remove_tmp_dir (dir);
}

static void
test_attach_detach (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *file = g_build_filename (dir, "attach.fstrace", NULL);

  pid_t target = fork ();
  if (target == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      execl ("/bin/sh", "sh", "-c", "while :; do sleep 0.05; done", (char *) NULL);
      _exit (127);
    }
  g_usleep (50 * 1000);
  g_autofree char *pid_text = g_strdup_printf ("%d", target);
  const char *args[] = { "record", "--tracer", "ptrace", "-q", "-o", file, "-p", pid_text, NULL };
  pid_t cli = spawn_cli (args);
  wait_for_file (file, 64);
  /* Until the recording holds the shell and two of its sleeps (the file is
   * written as it goes; a loaded machine may take a while). */
  for (int i = 0; i < 100; i++)
    {
      g_usleep (100 * 1000);
      g_autoptr (FsTrace) so_far = fs_trace_load (file, NULL, NULL);
      if (so_far != NULL && fs_trace_n_processes (so_far) >= 3)
        break;
    }
  kill (cli, SIGTERM);
  g_assert_cmpint (wait_exit_code (cli), ==, 0);

  int tracer_pid = -1;
  char state = process_state (target, &tracer_pid);
  g_assert_true (state == 'S' || state == 'R');
  g_assert_cmpint (tracer_pid, ==, 0);
  g_assert_cmpint (waitpid (target, NULL, WNOHANG), ==, 0);

  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) trace = fs_trace_load (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fs_trace_process (trace, 0)->pid, ==, target);
  g_assert_true (fs_trace_process (trace, 0)->flags & FS_PROCESS_FLAG_ATTACHED);
  g_assert_cmpuint (fs_trace_n_processes (trace), >=, 3);

  kill (target, SIGKILL);
  g_assert_cmpint (wait_exit_code (target), ==, 128 + SIGKILL);

  /* Refusals name the cause. */
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *gone[] = { "record", "--tracer", "ptrace", "-o", file, "-p", pid_text, NULL };
  g_assert_cmpint (run_cli (gone, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no such process"));

  remove_tmp_dir (dir);
}

static void
test_unprivileged (void)
{
  g_autofree char *setpriv = g_find_program_in_path ("setpriv");
  if (geteuid () != 0 || setpriv == NULL)
    {
      g_test_skip ("needs root and setpriv to become an unprivileged user");
      return;
    }
  g_autofree char *dir = make_tmp_dir ();
  g_assert_cmpint (chmod (dir, 0777), ==, 0);
  g_autofree char *file = g_build_filename (dir, "nobody.fstrace", NULL);

  /* --tracer auto: as an ordinary user that is ptrace. */
  const char *argv[] = { setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                         cli_path, "record", "-q", "-o", file, "--",
                         "sh", "-c", "sleep 1 & kill $!; wait; exit 3", NULL };
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 3);

  g_autoptr (FsTrace) trace = fs_trace_load (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fs_trace_get_meta (trace)->tracer, ==, "ptrace");
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 2);
  g_assert_cmpint (fs_trace_process (trace, 1)->exit.kind, ==, FS_EXIT_SIGNAL);
  g_assert_cmpint (fs_trace_process (trace, 1)->exit.value, ==, SIGTERM);
  remove_tmp_dir (dir);
}

/* A daemon-style signalfd loop: `show` says how each signal was taken. */
static void
test_signalfd_show (void)
{
  g_autofree char *reader = g_build_filename (g_getenv ("FS_BUILD_ROOT"), "tests",
                                              "signalfd-reader", NULL);
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *file = g_build_filename (dir, "t.fstrace", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  const char *record[] = { "record", "--tracer", "ptrace", "-q", "-o", file, "--", reader, NULL };
  g_assert_cmpint (run_cli (record, &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *show[] = { "show", file, NULL };
  g_assert_cmpint (run_cli (show, &out, &err), ==, 0);
  g_test_message ("%s", out);
  /* "  0.018689 signalfd-reader[PID] <- SIGUSR1 from signalfd-reader[PID] (read from signalfd)" */
  g_autoptr (GRegex) taken = g_regex_new ("<- (SIGUSR1|SIGTERM) from signalfd-reader\\[[0-9]+\\] "
                                          "\\(read from signalfd\\)\n", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  guint n = 0;
  for (g_regex_match (taken, out, 0, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    n++;
  g_assert_cmpuint (n, ==, 3);
  remove_tmp_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  const char *build_root = g_getenv ("FS_BUILD_ROOT");
  if (build_root == NULL)
    {
      g_test_skip ("FS_BUILD_ROOT is not set");
      return g_test_run ();
    }
  cli_path = g_build_filename (build_root, "app", "forkscope-cli", NULL);

  g_test_add_func ("/ptrace-cli/exit-codes", test_exit_codes);
  g_test_add_func ("/ptrace-cli/sigkill-recorder", test_sigkill_recorder);
  g_test_add_func ("/ptrace-cli/interrupt-launched", test_interrupt_launched);
  g_test_add_func ("/ptrace-cli/attach-detach", test_attach_detach);
  g_test_add_func ("/ptrace-cli/unprivileged", test_unprivileged);
  g_test_add_func ("/ptrace-cli/signalfd-show", test_signalfd_show);
  int rc = g_test_run ();
  g_free (cli_path);
  return rc;
}

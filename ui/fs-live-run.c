/* fs-live-run.c: one forkscope-cli subprocess, its recording file, and the
 * following of that file while it grows.
 *
 * Reads happen in a GTask thread; at most one is in flight, and the next one
 * waits at least twice as long as the last update took, so a huge recording
 * degrades the refresh rate instead of piling up work.
 *
 * The hand-over: the follower is double-buffered.  The worker thread reads
 * the file's new bytes, applies them to the follower's back trace and
 * finishes it — fs_trace_finish rebuilds the trace's indices over every
 * event (≈ 0.1 s at a million events), so it must not run where the UI
 * waits for it.  The main thread then swaps the back trace's contents into
 * the trace on screen (fs_trace_follower_swap: O(1), the same object, so
 * the views extend what they built instead of starting over) and emits
 * "trace-updated".  The trace on screen is never written while the main
 * thread could be reading it, and the thread never touches it.  Applying in
 * the main thread instead (one trace, no copy) would be simpler, but the
 * finish would then freeze the UI for time proportional to the whole trace
 * at every refresh; the price of the back trace is its memory (a second copy
 * of the trace) and decoding each new record twice (the back catches up on
 * what the last swap gave the front). */
#include "fs-live-run.h"

#include "core/trace-file.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define POLICY_ID "io.github.forkscope.Forkscope.policy"

struct _FsLiveRun
{
  GObject        parent_instance;

  FsLiveRunState state;
  GSubprocess   *process;
  GPid           pid;
  GStrv          argv;
  char          *recording_path;
  char          *log_path;
  FsTrace       *trace;
  FsTraceFollower *follower;      /* NULL before the first read and after an error */
  FsTraceGrowth  growth;          /* of the update being announced */
  gboolean       growth_valid;    /* "trace-updated" grows the trace in place */
  char          *follow_error;    /* why the last update failed, NULL when it did not */
  GCancellable  *cancellable;     /* cancelled on dispose: callbacks then do nothing */

  guint          refresh_source;
  guint          kill_source;
  gboolean       load_in_flight;
  gboolean       final_pending;   /* the CLI ended during a read: one more after it */
  gboolean       exited;
  gboolean       stop_requested;
  int            exit_status;
  gint64         last_size;       /* the file's bytes applied so far, -1 before */
  gint64         next_load_us;    /* monotonic time before which no read starts */
};

G_DEFINE_FINAL_TYPE (FsLiveRun, fs_live_run, G_TYPE_OBJECT)

enum { SIGNAL_TRACE_UPDATED, SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
set_state (FsLiveRun *self, FsLiveRunState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
clear_sources (FsLiveRun *self)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->kill_source, g_source_remove);
}

static void
fs_live_run_dispose (GObject *object)
{
  FsLiveRun *self = FS_LIVE_RUN (object);

  clear_sources (self);
  g_cancellable_cancel (self->cancellable);
  /* The app is going away mid-run: the CLI still kills and reaps its tree on
   * SIGTERM, and GSubprocess reaps the CLI itself. */
  if (self->process && !self->exited)
    g_subprocess_send_signal (self->process, SIGTERM);
  g_clear_object (&self->process);
  g_clear_object (&self->trace);
  g_clear_pointer (&self->follower, fs_trace_follower_unref);
  G_OBJECT_CLASS (fs_live_run_parent_class)->dispose (object);
}

static void
fs_live_run_finalize (GObject *object)
{
  FsLiveRun *self = FS_LIVE_RUN (object);

  g_clear_object (&self->cancellable);
  g_strfreev (self->argv);
  g_free (self->recording_path);
  g_free (self->log_path);
  g_free (self->follow_error);
  G_OBJECT_CLASS (fs_live_run_parent_class)->finalize (object);
}

static void
fs_live_run_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FsLiveRun *self = FS_LIVE_RUN (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_live_run_class_init (FsLiveRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fs_live_run_dispose;
  object_class->finalize = fs_live_run_finalize;
  object_class->get_property = fs_live_run_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, FS_LIVE_RUN_IDLE, FS_LIVE_RUN_DONE, FS_LIVE_RUN_IDLE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_TRACE_UPDATED] =
    g_signal_new ("trace-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FS_TYPE_TRACE);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
fs_live_run_init (FsLiveRun *self)
{
  self->cancellable = g_cancellable_new ();
  self->last_size = -1;
}

FsLiveRun *
fs_live_run_new (void)
{
  return g_object_new (FS_TYPE_LIVE_RUN, NULL);
}

/* ---- finding things -------------------------------------------------------- */

static gboolean
is_executable_file (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) && access (path, X_OK) == 0;
}

char *
fs_live_run_find_cli (GError **error)
{
  const char *env = g_getenv ("FORKSCOPE_CLI");
  if (env && *env)
    {
      if (is_executable_file (env))
        return g_strdup (env);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "FORKSCOPE_CLI is set to '%s', which is not an executable file", env);
      return NULL;
    }

  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe)
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      const char *candidates[] = { "forkscope-cli", "../app/forkscope-cli" };
      for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
        {
          g_autofree char *path = g_build_filename (dir, candidates[i], NULL);
          if (is_executable_file (path))
            return g_canonicalize_filename (path, NULL);
        }
    }

  char *found = g_find_program_in_path ("forkscope-cli");
  if (found)
    return found;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "forkscope-cli was not found (next to the app, in PATH, or in $FORKSCOPE_CLI)");
  return NULL;
}

char *
fs_live_run_recordings_dir (GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "forkscope", "recordings", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create the recordings folder %s: %s", dir, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&dir);
}

static gboolean
pid_alive (gint64 pid)
{
  if (pid <= 0 || pid > G_MAXINT32)
    return FALSE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

typedef struct {
  char  *path;
  gint64 mtime;
} FsUnsaved;

static int
compare_unsaved_newest_first (gconstpointer a, gconstpointer b)
{
  const FsUnsaved *ua = a, *ub = b;
  return (ua->mtime < ub->mtime) - (ua->mtime > ub->mtime);
}

GPtrArray *
fs_live_run_find_unsaved (void)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = fs_live_run_recordings_dir (NULL);
  if (dir == NULL)
    return out;
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  if (listing == NULL)
    return out;

  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (FsUnsaved));
  const char *name;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      /* recording-<app pid>-<stamp>.fstrace: offer it only when that app is gone. */
      if (!g_str_has_prefix (name, "recording-") || !g_str_has_suffix (name, ".fstrace"))
        continue;
      gint64 owner = g_ascii_strtoll (name + strlen ("recording-"), NULL, 10);
      if (owner == (gint64) getpid () || pid_alive (owner))
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      struct stat st;
      if (stat (path, &st) != 0 || st.st_size == 0)
        continue;
      FsUnsaved u = { g_steal_pointer (&path), (gint64) st.st_mtime };
      g_array_append_val (found, u);
    }
  g_array_sort (found, compare_unsaved_newest_first);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (out, g_array_index (found, FsUnsaved, i).path);
  return out;
}

/* The installed polkit policy's exec.path annotation: the only forkscope-cli
 * pkexec will run for us. */
static char *
policy_cli_path (char **reason)
{
  /* polkitd reads actions from this one folder only, whatever our prefix. */
  const char *policy = "/usr/share/polkit-1/actions/" POLICY_ID;
  g_autofree char *xml = NULL;
  if (!g_file_get_contents (policy, &xml, NULL, NULL))
    {
      if (reason)
        *reason = g_strdup ("the polkit policy for forkscope-cli is not installed in "
                            "/usr/share/polkit-1/actions (meson install --prefix=/usr adds it)");
      return NULL;
    }
  const char *key = "org.freedesktop.policykit.exec.path\">";
  const char *at = strstr (xml, key);
  const char *end = at ? strstr (at + strlen (key), "</annotate>") : NULL;
  if (at == NULL || end == NULL)
    {
      if (reason)
        *reason = g_strdup_printf ("%s names no program", policy);
      return NULL;
    }
  g_autofree char *path = g_strstrip (g_strndup (at + strlen (key), (gsize) (end - at - strlen (key))));
  if (is_executable_file (path))
    return g_steal_pointer (&path);
  if (reason)
    *reason = g_strdup_printf ("the polkit policy names %s, which is not installed", path);
  return NULL;
}

gboolean
fs_live_run_tracefs_available (char **reason)
{
  if (!g_file_test ("/sys/kernel/tracing", G_FILE_TEST_IS_DIR)
      && !g_file_test ("/sys/kernel/debug/tracing", G_FILE_TEST_IS_DIR))
    {
      if (reason)
        *reason = g_strdup ("this kernel has no tracefs");
      return FALSE;
    }
  if (geteuid () == 0)
    return TRUE;
  g_autofree char *pkexec = g_find_program_in_path ("pkexec");
  if (pkexec == NULL)
    {
      if (reason)
        *reason = g_strdup ("tracefs needs root, and pkexec is not installed to ask for it");
      return FALSE;
    }
  g_autofree char *cli = policy_cli_path (reason);
  return cli != NULL;
}

/* ---- following the growing trace ------------------------------------------ */

typedef struct {
  FsTraceFollower *follower;      /* a reference: the run may go while the thread reads */
  gint64  took_us;
  gboolean final;
} FsReadJob;

static void
read_job_free (FsReadJob *job)
{
  fs_trace_follower_unref (job->follower);
  g_free (job);
}

/* Reads, applies and finishes into the follower's back trace only. */
static void
read_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  FsReadJob *job = data;
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  gboolean ok = fs_trace_follower_update_back (job->follower, &error);
  job->took_us = g_get_monotonic_time () - start;
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void finish_run (FsLiveRun *self, const char *load_error);
static void start_load (FsLiveRun *self, gboolean final);

static void
set_follow_error (FsLiveRun *self, const GError *error)
{
  g_free (self->follow_error);
  self->follow_error = error ? g_strdup (error->message) : NULL;
}

static void
load_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = G_TASK (result);
  g_autoptr (GError) error = NULL;
  gboolean read_ok = g_task_propagate_boolean (task, &error);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;

  FsLiveRun *self = FS_LIVE_RUN (source);
  FsReadJob *job = g_task_get_task_data (task);
  self->load_in_flight = FALSE;

  gint64 shown_us = 0;
  gint64 start = g_get_monotonic_time ();
  FsTraceGrowth growth;
  gboolean applied = read_ok && job->follower == self->follower;
  gboolean swapped = applied && fs_trace_follower_swap (self->follower, &growth);
  if (applied)
    set_follow_error (self, NULL);
  else if (job->follower == self->follower)
    {
      /* Replaced, truncated or corrupt: this follower is done.  The next
       * read starts a new one (a new trace) from the file's start, so a
       * file that was rewritten is shown again; the trace shown so far stays
       * until then. */
      set_follow_error (self, error);
      g_clear_pointer (&self->follower, fs_trace_follower_unref);
    }

  FsTrace *trace = swapped ? fs_trace_follower_get_trace (job->follower) : NULL;
  if (trace)
    {
      gboolean grown = trace == self->trace;
      self->last_size = (gint64) fs_trace_follower_get_offset (job->follower);
      g_set_object (&self->trace, trace);
      self->growth = growth;
      self->growth_valid = grown;
      g_signal_emit (self, signals[SIGNAL_TRACE_UPDATED], 0, trace);
      self->growth_valid = FALSE;
    }
  shown_us = g_get_monotonic_time () - start;
  /* The next read waits for twice what this one cost, reading and finishing
   * in the thread and showing in the main loop, so a big recording slows the
   * refresh rate down instead of the machine; and for four times the main
   * loop's share, so showing never takes more than a quarter of the UI's
   * time. */
  self->next_load_us = g_get_monotonic_time ()
                       + MAX (FS_LIVE_RUN_REFRESH_MS * 1000,
                              MAX (2 * (job->took_us + shown_us), 4 * shown_us));

  if (self->final_pending)
    {
      self->final_pending = FALSE;
      start_load (self, TRUE);
    }
  else if (job->final)
    finish_run (self, self->follow_error);
}

static gint64
file_size (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

static void
start_load (FsLiveRun *self, gboolean final)
{
  /* One read at a time: a follower reads from where its last apply ended. */
  if (self->load_in_flight)
    {
      self->final_pending |= final;
      return;
    }
  if (self->follower == NULL)
    self->follower = fs_trace_follower_new_double_buffered (self->recording_path);
  FsReadJob *job = g_new0 (FsReadJob, 1);
  job->follower = fs_trace_follower_ref (self->follower);
  job->final = final;
  self->load_in_flight = TRUE;

  g_autoptr (GTask) task = g_task_new (self, self->cancellable, load_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) read_job_free);
  g_task_run_in_thread (task, read_thread);
}

static gboolean
refresh_cb (gpointer user_data)
{
  FsLiveRun *self = user_data;

  if (self->load_in_flight || g_get_monotonic_time () < self->next_load_us)
    return G_SOURCE_CONTINUE;
  gint64 size = file_size (self->recording_path);
  if (size <= 0 || (size == self->last_size && self->follower != NULL))
    return G_SOURCE_CONTINUE;
  start_load (self, FALSE);
  return G_SOURCE_CONTINUE;
}

/* ---- the subprocess -------------------------------------------------------- */

/* The CLI's last error line ("forkscope-cli: …", not a warning), or NULL:
 * a non-zero exit status alone is the recorded program's own status. */
static char *
last_error_line (const char *log_path)
{
  g_autofree char *log = NULL;
  if (log_path == NULL || !g_file_get_contents (log_path, &log, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);
  const char *last_error = NULL;
  for (guint i = 0; lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (g_str_has_prefix (line, "forkscope-cli:") && strstr (line, "warning:") == NULL)
        last_error = line + strlen ("forkscope-cli:");
    }
  if (last_error == NULL)
    return NULL;
  return g_utf8_make_valid (g_strstrip (g_strdup (last_error)), -1);
}

/* Without an error line (a scenario with errors prints them as diagnostics),
 * the first line of the log says what went wrong. */
static char *
first_log_line (const char *log_path, int exit_status)
{
  g_autofree char *log = NULL;
  if (log_path && g_file_get_contents (log_path, &log, NULL, NULL))
    {
      g_auto (GStrv) lines = g_strsplit (log, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        {
          char *line = g_strstrip (lines[i]);
          if (*line)
            return g_utf8_make_valid (line, -1);
        }
    }
  return g_strdup_printf ("forkscope-cli failed with exit status %d", exit_status);
}

static void
finish_run (FsLiveRun *self, const char *load_error)
{
  g_autofree char *message = NULL;

  if (self->exit_status != 0 && !self->stop_requested)
    message = last_error_line (self->log_path);
  if (message == NULL && self->exit_status > 128 && self->exit_status - 128 == SIGKILL
      && self->stop_requested)
    message = g_strdup ("forkscope-cli did not stop in time and was killed");
  if (message == NULL && self->trace == NULL && self->exit_status != 0 && !self->stop_requested)
    message = first_log_line (self->log_path, self->exit_status);
  if (message == NULL && self->trace == NULL)
    message = g_strdup_printf ("the recording could not be read: %s",
                               load_error ? load_error : "nothing was recorded");

  set_state (self, FS_LIVE_RUN_DONE);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, self->exit_status, message);
}

static void
wait_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  GSubprocess *process = G_SUBPROCESS (source);
  if (!g_subprocess_wait_finish (process, result, &error))
    return;  /* cancelled: the controller is gone */

  FsLiveRun *self = user_data;
  self->exited = TRUE;
  self->pid = 0;
  if (g_subprocess_get_if_exited (process))
    self->exit_status = g_subprocess_get_exit_status (process);
  else if (g_subprocess_get_if_signaled (process))
    self->exit_status = 128 + g_subprocess_get_term_sig (process);
  clear_sources (self);

  /* The CLI is gone, so the file is complete: one last read, whatever is in
   * flight, then "finished". */
  start_load (self, TRUE);
}

static void
child_setup (gpointer data)
{
  /* Its own process group, so a last-resort SIGKILL reaches whatever it left. */
  setpgid (0, 0);
}

static gboolean
check_startable (FsLiveRun *self, GError **error)
{
  if (self->state == FS_LIVE_RUN_RUNNING || self->state == FS_LIVE_RUN_STOPPING)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, "a recording is already running");
      return FALSE;
    }
  if (self->state == FS_LIVE_RUN_DONE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           "this controller has already run; make a new one");
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_recording_paths (FsLiveRun *self, GError **error)
{
  g_autofree char *dir = fs_live_run_recordings_dir (error);
  if (dir == NULL)
    return FALSE;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  for (guint n = 0; n < 1000; n++)
    {
      g_autofree char *base = g_strdup_printf ("recording-%d-%s-%u", (int) getpid (), stamp, n);
      g_autofree char *trace = g_strconcat (base, ".fstrace", NULL);
      g_autofree char *path = g_build_filename (dir, trace, NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      g_autofree char *log = g_strconcat (base, ".log", NULL);
      self->recording_path = g_steal_pointer (&path);
      self->log_path = g_build_filename (dir, log, NULL);
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "too many recordings in %s", dir);
  return FALSE;
}

/* Builds [pkexec] CLI COMMAND ARGS… and starts it. */
static gboolean
launch (FsLiveRun *self, const char *command, const char *tracer, const char *working_dir,
        GPtrArray *extra_before_output, GPtrArray *tail, GError **error)
{
  if (!check_startable (self, error))
    return FALSE;
  if (tracer == NULL || *tracer == '\0')
    tracer = "auto";
  if (!g_str_equal (tracer, "auto") && !g_str_equal (tracer, "ptrace") && !g_str_equal (tracer, "tracefs"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "unknown tracer '%s' (use auto, ptrace or tracefs)", tracer);
      return FALSE;
    }

  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  if (g_str_equal (tracer, "tracefs") && geteuid () != 0)
    {
      g_autofree char *reason = NULL;
      if (!fs_live_run_tracefs_available (&reason))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       "tracefs is not available: %s", reason);
          return FALSE;
        }
      g_ptr_array_add (argv, g_find_program_in_path ("pkexec"));
      g_ptr_array_add (argv, policy_cli_path (NULL));
    }
  else
    {
      char *cli = fs_live_run_find_cli (error);
      if (cli == NULL)
        return FALSE;
      g_ptr_array_add (argv, cli);
    }

  if (!make_recording_paths (self, error))
    return FALSE;

  g_ptr_array_add (argv, g_strdup (command));
  for (guint i = 0; extra_before_output && i < extra_before_output->len; i++)
    g_ptr_array_add (argv, g_strdup (g_ptr_array_index (extra_before_output, i)));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup (self->recording_path));
  g_ptr_array_add (argv, g_strdup ("--tracer"));
  g_ptr_array_add (argv, g_strdup (tracer));
  g_ptr_array_add (argv, g_strdup ("--quiet"));
  for (guint i = 0; tail && i < tail->len; i++)
    g_ptr_array_add (argv, g_strdup (g_ptr_array_index (tail, i)));
  g_ptr_array_add (argv, NULL);

  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
  if (working_dir && *working_dir)
    g_subprocess_launcher_set_cwd (launcher, working_dir);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  /* The recording is parsed by this app while it grows; never colour the log. */
  g_subprocess_launcher_setenv (launcher, "NO_COLOR", "1", TRUE);

  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  if (self->process == NULL)
    return FALSE;

  self->argv = g_strdupv ((char **) argv->pdata);
  const char *pid_text = g_subprocess_get_identifier (self->process);
  self->pid = pid_text ? (GPid) g_ascii_strtoll (pid_text, NULL, 10) : 0;
  set_state (self, FS_LIVE_RUN_RUNNING);
  g_subprocess_wait_async (self->process, self->cancellable, wait_cb, self);
  self->refresh_source = g_timeout_add (FS_LIVE_RUN_REFRESH_MS / 3, refresh_cb, self);
  return TRUE;
}

gboolean
fs_live_run_start_scenario (FsLiveRun *self, const char *scenario_path, const char *tracer,
                            GError **error)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), FALSE);
  g_return_val_if_fail (scenario_path != NULL, FALSE);

  /* ptrace unless told otherwise: it needs no privilege and a scenario's
   * processes are all ours. */
  g_autoptr (GPtrArray) before = g_ptr_array_new ();
  g_ptr_array_add (before, (gpointer) scenario_path);
  return launch (self, "run", tracer ? tracer : "ptrace", NULL, before, NULL, error);
}

gboolean
fs_live_run_start_command (FsLiveRun *self, const char *const *argv, const char *working_dir,
                           const char *tracer, GError **error)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), FALSE);

  if (argv == NULL || argv[0] == NULL || *argv[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no command to record");
      return FALSE;
    }
  if (working_dir && *working_dir && !g_file_test (working_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the working directory %s does not exist", working_dir);
      return FALSE;
    }
  g_autoptr (GPtrArray) tail = g_ptr_array_new ();
  g_ptr_array_add (tail, (gpointer) "--");
  if (g_strcmp0 (tracer, "tracefs") == 0 && geteuid () != 0 && working_dir && *working_dir)
    {
      /* pkexec starts its program in root's home directory: change to the
       * working directory inside the recorded command (one exec more). */
      g_ptr_array_add (tail, (gpointer) "/bin/sh");
      g_ptr_array_add (tail, (gpointer) "-c");
      g_ptr_array_add (tail, (gpointer) "cd \"$0\" && exec \"$@\"");
      g_ptr_array_add (tail, (gpointer) working_dir);
    }
  for (guint i = 0; argv[i]; i++)
    g_ptr_array_add (tail, (gpointer) argv[i]);
  return launch (self, "record", tracer, working_dir, NULL, tail, error);
}

gboolean
fs_live_run_start_attach (FsLiveRun *self, GPid pid, const char *tracer, GError **error)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), FALSE);

  if (pid <= 0 || !pid_alive (pid))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "there is no process %d", (int) pid);
      return FALSE;
    }
  g_autofree char *pid_text = g_strdup_printf ("%d", (int) pid);
  g_autoptr (GPtrArray) tail = g_ptr_array_new ();
  g_ptr_array_add (tail, (gpointer) "-p");
  g_ptr_array_add (tail, pid_text);
  return launch (self, "record", tracer, NULL, NULL, tail, error);
}

static gboolean
kill_cb (gpointer user_data)
{
  FsLiveRun *self = user_data;
  self->kill_source = 0;
  if (self->process && !self->exited && self->pid > 0)
    {
      /* The CLI ignored SIGTERM: kill its whole process group. */
      kill (-self->pid, SIGKILL);
      g_subprocess_force_exit (self->process);
    }
  return G_SOURCE_REMOVE;
}

void
fs_live_run_stop (FsLiveRun *self)
{
  g_return_if_fail (FS_IS_LIVE_RUN (self));

  if (self->state != FS_LIVE_RUN_RUNNING || self->process == NULL || self->exited)
    return;
  self->stop_requested = TRUE;
  set_state (self, FS_LIVE_RUN_STOPPING);
  g_subprocess_send_signal (self->process, SIGTERM);
  self->kill_source = g_timeout_add (FS_LIVE_RUN_STOP_GRACE_MS, kill_cb, self);
}

FsLiveRunState
fs_live_run_get_state (FsLiveRun *self)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), FS_LIVE_RUN_IDLE);
  return self->state;
}

gboolean
fs_live_run_is_running (FsLiveRun *self)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), FALSE);
  return self->state == FS_LIVE_RUN_RUNNING || self->state == FS_LIVE_RUN_STOPPING;
}

FsTrace *
fs_live_run_get_trace (FsLiveRun *self)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), NULL);
  return self->trace;
}

const FsTraceGrowth *
fs_live_run_get_growth (FsLiveRun *self)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), NULL);
  return self->growth_valid ? &self->growth : NULL;
}

const char *
fs_live_run_get_recording_path (FsLiveRun *self)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), NULL);
  return self->recording_path;
}

GPid
fs_live_run_get_pid (FsLiveRun *self)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), 0);
  return self->exited ? 0 : self->pid;
}

const char *const *
fs_live_run_get_argv (FsLiveRun *self)
{
  g_return_val_if_fail (FS_IS_LIVE_RUN (self), NULL);
  return (const char *const *) self->argv;
}

void
fs_live_run_forget_recording (FsLiveRun *self)
{
  g_return_if_fail (FS_IS_LIVE_RUN (self));
  if (self->recording_path && !fs_live_run_is_running (self))
    {
      g_unlink (self->recording_path);
      if (self->log_path)
        g_unlink (self->log_path);
    }
}

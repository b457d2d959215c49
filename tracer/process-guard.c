/* process-guard.c: see process-guard.h. */
#include "tracer/process-guard.h"
#include "tracer/tracer.h"
#include "core/proc-files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct _FsProcessGuard {
  char *path;          /* the cgroup's directory */
  char *procs_path;    /* its cgroup.procs, for children joining */
  int   keep_fd;       /* the pipe's write end: closing it ends the guardian */
  GPid  guardian;
};

/* The mount point of the cgroup2 hierarchy, from /proc/self/mountinfo. */
static char *
cgroup2_mount (void)
{
  g_autofree char *info = NULL;
  if (!g_file_get_contents ("/proc/self/mountinfo", &info, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (info, "\n", -1);
  for (char **line = lines; *line != NULL; line++)
    {
      /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] - FSTYPE SOURCE SUPER */
      const char *dash = strstr (*line, " - ");
      if (dash == NULL || !g_str_has_prefix (dash + 3, "cgroup2 "))
        continue;
      g_auto (GStrv) fields = g_strsplit (*line, " ", 6);
      if (g_strv_length (fields) >= 5)
        return g_strcompress (fields[4]);   /* octal escapes of spaces */
    }
  return NULL;
}

/* Our own cgroup2 directory ("0::/path" in /proc/self/cgroup), or NULL. */
static char *
own_cgroup (const char *mount)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/self/cgroup", &text, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **line = lines; *line != NULL; line++)
    if (g_str_has_prefix (*line, "0::/"))
      return g_build_filename (mount, *line + 3, NULL);
  return NULL;
}

/* Kills everything in the cgroup and removes it once empty (at most ~2 s:
 * a process in uninterruptible sleep may take a moment to die). */
static void
kill_and_remove (const char *path)
{
  char file[PATH_MAX];
  snprintf (file, sizeof file, "%s/cgroup.kill", path);
  fs_proc_write_file (file, "1");
  for (int i = 0; i < 200; i++)
    {
      if (rmdir (path) == 0 || errno == ENOENT)
        return;
      struct timespec pause = { 0, 10 * 1000 * 1000 };
      nanosleep (&pause, NULL);
    }
}

/* The undo list the guardian carries out when forkscope dies without
 * cancelling it (fs_process_guard_set_undo()): entries of the form
 * "R<dir>\0" (rmdir) and "A<file>\t<text>\0" (append), in order; a "X\0"
 * entry cancels everything before it. */
#define UNDO_MAX 4096

static void
run_undo (char *undo, size_t len)
{
  size_t start = 0;
  for (size_t at = 0; at < len; at += strnlen (undo + at, len - at) + 1)
    if (undo[at] == 'X')
      start = at + strnlen (undo + at, len - at) + 1;
  for (size_t at = start; at < len; )
    {
      char *entry = undo + at;
      size_t n = strnlen (entry, len - at);
      at += n + 1;
      if (at > len)
        break;   /* cut short: never act on half an entry */
      if (entry[0] == 'R')
        rmdir (entry + 1);
      else if (entry[0] == 'A')
        {
          char *tab = strchr (entry, '\t');
          if (tab == NULL)
            continue;
          *tab = '\0';
          /* Never truncated (fs_proc_write_file opens without O_TRUNC):
           * truncating uprobe_events would delete every other tool's
           * definitions. */
          fs_proc_write_file (entry + 1, tab + 1);
        }
    }
}

/* The guardian: waits until forkscope closes the pipe (or dies), collecting
 * the undo list forkscope writes into it, then empties and removes the
 * cgroup and carries the list out.  Only async-signal-safe calls: it was
 * forked from a process that may have threads. */
static void
guardian_main (int wait_fd, const char *path)
{
  /* Out of forkscope's process group and deaf to the terminal, so that a
   * Ctrl-C or a kill of that group does not take the guardian with it. */
  setpgid (0, 0);
  int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE,
                    SIGUSR1, SIGUSR2 };
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    signal (signals[i], SIG_IGN);
  int devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3; fd++)
    if (devnull >= 0)
      dup2 (devnull, fd);
  /* Hold nothing of forkscope's open: a pipe kept open here would keep
   * forkscope's readers waiting. */
  if (wait_fd != 3)
    {
      dup2 (wait_fd, 3);
      wait_fd = 3;
    }
  close_range (4, ~0U, 0);
  static char undo[UNDO_MAX];
  size_t len = 0;
  for (;;)
    {
      char scratch[256];
      char *into = len < sizeof undo ? undo + len : scratch;
      size_t room = len < sizeof undo ? sizeof undo - len : sizeof scratch;
      ssize_t n = read (wait_fd, into, room);
      if (n > 0 && into == undo + len)
        len += (size_t) n;
      else if (n == 0 || (n < 0 && errno != EINTR))
        break;
    }
  kill_and_remove (path);
  run_undo (undo, len);
  _exit (0);
}

FsProcessGuard *
fs_process_guard_new (GError **error)
{
  static gint counter;
  g_autofree char *mount = cgroup2_mount ();
  if (mount == NULL)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_UNAVAILABLE,
                   "No cgroup2 hierarchy is mounted");
      return NULL;
    }
  g_autofree char *name = g_strdup_printf (FS_PROCESS_GUARD_PREFIX "%d-%d", (int) getpid (),
                                           g_atomic_int_add (&counter, 1));
  /* Under our own cgroup where we may, else at the hierarchy's root. */
  g_autofree char *own = own_cgroup (mount);
  g_autofree char *path = own != NULL ? g_build_filename (own, name, NULL) : NULL;
  if (path == NULL || mkdir (path, 0755) < 0)
    {
      g_free (path);
      path = g_build_filename (mount, name, NULL);
      if (mkdir (path, 0755) < 0)
        {
          int saved = errno;
          g_set_error (error, FS_TRACER_ERROR,
                       saved == EACCES || saved == EPERM || saved == EROFS
                         ? FS_TRACER_ERROR_PERMISSION : FS_TRACER_ERROR_FAILED,
                       "Cannot create the cgroup %s: %s", path, g_strerror (saved));
          return NULL;
        }
    }

  int pipe_fds[2];
  if (pipe2 (pipe_fds, O_CLOEXEC) < 0)
    {
      int saved = errno;
      rmdir (path);
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED, "pipe: %s",
                   g_strerror (saved));
      return NULL;
    }
  pid_t guardian = fork ();
  if (guardian == 0)
    {
      close (pipe_fds[1]);
      guardian_main (pipe_fds[0], path);
    }
  close (pipe_fds[0]);
  if (guardian < 0)
    {
      int saved = errno;
      close (pipe_fds[1]);
      rmdir (path);
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED, "fork: %s",
                   g_strerror (saved));
      return NULL;
    }

  FsProcessGuard *guard = g_new0 (FsProcessGuard, 1);
  guard->path = g_steal_pointer (&path);
  guard->procs_path = g_build_filename (guard->path, "cgroup.procs", NULL);
  guard->keep_fd = pipe_fds[1];
  guard->guardian = guardian;
  return guard;
}

gboolean
fs_process_guard_join (const FsProcessGuard *guard)
{
  return guard != NULL && fs_proc_write_file (guard->procs_path, "0");
}

const char *
fs_process_guard_path (const FsProcessGuard *guard)
{
  return guard->path;
}

static gboolean
send_undo (FsProcessGuard *guard, const GString *entries)
{
  if (guard == NULL || guard->keep_fd < 0 || entries->len > PIPE_BUF)
    return FALSE;
  /* One write of at most PIPE_BUF bytes: the guardian gets all or none. */
  return write (guard->keep_fd, entries->str, entries->len) == (ssize_t) entries->len;
}

gboolean
fs_process_guard_set_undo (FsProcessGuard *guard, const char *const *rmdirs,
                           const char *append_file, const char *append_text)
{
  g_autoptr (GString) entries = g_string_new (NULL);
  for (const char *const *d = rmdirs; d != NULL && *d != NULL; d++)
    {
      g_string_append_c (entries, 'R');
      g_string_append (entries, *d);
      g_string_append_c (entries, '\0');
    }
  if (append_file != NULL && append_text != NULL)
    {
      g_string_append_c (entries, 'A');
      g_string_append (entries, append_file);
      g_string_append_c (entries, '\t');
      g_string_append (entries, append_text);
      g_string_append_c (entries, '\0');
    }
  return send_undo (guard, entries);
}

void
fs_process_guard_cancel_undo (FsProcessGuard *guard)
{
  g_autoptr (GString) entries = g_string_new_len ("X", 2);  /* with its NUL */
  send_undo (guard, entries);
}

void
fs_process_guard_free (FsProcessGuard *guard)
{
  if (guard == NULL)
    return;
  close (guard->keep_fd);
  int status;
  while (waitpid (guard->guardian, &status, 0) < 0 && errno == EINTR)
    ;
  /* The guardian removed it; if it could not (it was killed), we do. */
  if (g_file_test (guard->path, G_FILE_TEST_IS_DIR))
    kill_and_remove (guard->path);
  g_free (guard->path);
  g_free (guard->procs_path);
  g_free (guard);
}

static guint
remove_stale_in (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return 0;
  guint removed = 0;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      int pid = 0, n = 0;
      if (!g_str_has_prefix (name, FS_PROCESS_GUARD_PREFIX)
          || sscanf (name + strlen (FS_PROCESS_GUARD_PREFIX), "%d-%d", &pid, &n) != 2 || pid <= 0)
        continue;
      if (pid == getpid () || kill (pid, 0) == 0 || errno != ESRCH)
        continue;   /* its forkscope lives: not ours to touch */
      g_autofree char *path = g_build_filename (dir, name, NULL);
      kill_and_remove (path);
      removed++;
    }
  return removed;
}

guint
fs_process_guard_remove_stale (void)
{
  g_autofree char *mount = cgroup2_mount ();
  if (mount == NULL)
    return 0;
  g_autofree char *own = own_cgroup (mount);
  guint removed = remove_stale_in (mount);
  if (own != NULL && g_strcmp0 (own, mount) != 0)
    removed += remove_stale_in (own);
  return removed;
}

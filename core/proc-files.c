/* proc-files.c: see proc-files.h. */
#include "core/proc-files.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* /proc/PID/FILE, or /proc/self/FILE for pid 0. */
static void
proc_path (char *path, gsize size, gint32 pid, const char *file)
{
  if (pid > 0)
    snprintf (path, size, "/proc/%d/%s", (int) pid, file);
  else
    snprintf (path, size, "/proc/self/%s", file);
}

gssize
fs_proc_read_file (const char *path, char *buf, gsize size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read (fd, buf, size - 1);
  close (fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  return n;
}

gboolean
fs_proc_write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  gsize len = strlen (text);
  gboolean ok = write (fd, text, len) == (ssize_t) len;
  close (fd);
  return ok;
}

gboolean
fs_proc_read_stat (gint32 pid, FsProcStat *out)
{
  char path[64], buf[1024];
  proc_path (path, sizeof path, pid, "stat");
  if (fs_proc_read_file (path, buf, sizeof buf) < 0)
    return FALSE;
  /* The comm in parentheses may hold anything, ')' included. */
  const char *close_paren = strrchr (buf, ')');
  int ppid, pgid, sid;
  char state;
  if (close_paren == NULL
      || sscanf (close_paren + 1, " %c %d %d %d", &state, &ppid, &pgid, &sid) != 4)
    return FALSE;
  out->state = state;
  out->ppid = ppid;
  out->pgid = pgid;
  out->sid = sid;
  return TRUE;
}

guint64
fs_proc_pid_namespace (gint32 pid)
{
  char path[64];
  struct stat st;
  proc_path (path, sizeof path, pid, "ns/pid");
  return stat (path, &st) == 0 ? (guint64) st.st_ino : 0;
}

gint32
fs_proc_innermost_pid (gint32 pid, int *depth)
{
  char path[64], buf[4096];
  int n_numbers = 0;
  gint32 inner = 0;
  proc_path (path, sizeof path, pid, "status");
  if (fs_proc_read_file (path, buf, sizeof buf) >= 0)
    {
      const char *v = strstr (buf, "\nNSpid:");
      for (v = v != NULL ? v + strlen ("\nNSpid:") : NULL; v != NULL;)
        {
          char *end = NULL;
          long number = strtol (v, &end, 10);
          if (end == v)
            break;
          inner = (gint32) number;
          n_numbers++;
          v = end;
        }
    }
  if (depth != NULL)
    *depth = n_numbers;
  return inner;
}

gboolean
fs_proc_fd_is_signalfd (gint32 pid, int fd)
{
  char file[32], path[64], target[32];
  snprintf (file, sizeof file, "fd/%d", fd);
  proc_path (path, sizeof path, pid, file);
  ssize_t len = readlink (path, target, sizeof target - 1);
  if (len <= 0)
    return FALSE;
  target[len] = '\0';
  return strcmp (target, "anon_inode:[signalfd]") == 0;
}

/* proc-files.c: see proc-files.h. */
#include "core/proc-files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

gint32
fs_proc_innermost_pid (const char *status_path, int *depth)
{
  char buf[4096];
  int n_numbers = 0;
  gint32 inner = 0;
  if (fs_proc_read_file (status_path, buf, sizeof buf) >= 0)
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

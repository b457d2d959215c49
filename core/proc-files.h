/* proc-files.h: small /proc and /sys files, read and written with plain
 * system calls only (async-signal-safe: no malloc, no stdio), for code that
 * runs in a child between fork and exec or in a signal handler. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads path into buf, NUL-terminated (what fits in size - 1 bytes).
 * Returns the length, or -1 when it cannot be read or is empty. */
gssize   fs_proc_read_file     (const char *path, char *buf, gsize size);

/* Writes text to path in one write(2).  FALSE when it failed. */
gboolean fs_proc_write_file    (const char *path, const char *text);

/* Fields 3 to 6 of /proc/PID/stat (pid 0: this process), in the numbers of
 * the /proc mount's PID namespace. */
typedef struct {
  char   state;
  gint32 ppid;
  gint32 pgid;
  gint32 sid;
} FsProcStat;

gboolean fs_proc_read_stat     (gint32 pid, FsProcStat *out);

/* The last number of the NSpid line of /proc/PID/status (pid 0: this
 * process): its pid in its own PID namespace, or 0 when it cannot be read;
 * *depth (if not NULL) is how many numbers the line has (1 outside any
 * nested namespace). */
gint32   fs_proc_innermost_pid (gint32 pid, int *depth);

/* The inode of the PID namespace of pid (0: this process), or 0 when it is
 * gone. */
guint64  fs_proc_pid_namespace (gint32 pid);

/* Whether descriptor fd of pid (0: this process) is a signalfd
 * (/proc/PID/fd/FD links to "anon_inode:[signalfd]"). */
gboolean fs_proc_fd_is_signalfd (gint32 pid, int fd);

G_END_DECLS

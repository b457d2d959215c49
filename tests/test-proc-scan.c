/* The /proc scanner behind the Record dialog's process picker, against a
 * fake /proc tree (odd comms, missing files, kernel threads) and the real one. */
#include "ui/fs-proc-scan.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static void
write_file (const char *dir, const char *name, const char *contents, gssize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

/* A fake /proc/PID with stat, status and cmdline (cmdline may hold NULs). */
static void
fake_process (const char *root, int pid, int ppid, const char *comm, guint uid,
              const char *cmdline, gsize cmdline_len)
{
  g_autofree char *name = g_strdup_printf ("%d", pid);
  g_autofree char *dir = g_build_filename (root, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* Fields 3..22 of stat: state ppid pgrp session tty tpgid flags minflt
   * cminflt majflt cmajflt utime stime cutime cstime priority nice threads
   * itrealvalue starttime. */
  g_autofree char *stat = g_strdup_printf ("%d (%s) S %d %d %d 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 %d 1000 10\n",
                                           pid, comm, ppid, pid, pid, 5000 + pid);
  write_file (dir, "stat", stat, -1);
  g_autofree char *status = g_strdup_printf ("Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t%u\t%u\t%u\t%u\n",
                                             comm, uid, uid, uid, uid);
  write_file (dir, "status", status, -1);
  write_file (dir, "cmdline", cmdline, (gssize) cmdline_len);
}

static char *
make_fake_proc (void)
{
  g_autoptr (GError) error = NULL;
  char *root = g_dir_make_tmp ("fs-proc-XXXXXX", &error);
  g_assert_no_error (error);
  fake_process (root, 1, 0, "init", 0, "/sbin/init\0splash\0", 18);
  fake_process (root, 2, 0, "kthreadd", 0, "", 0);
  fake_process (root, 40, 1, "my prog) (x", 1000, "/usr/bin/my prog\0--flag\0", 24);
  fake_process (root, 41, 40, "worker", 1000, "worker\0-n\0" "3\0", 12);
  fake_process (root, 300, 41, "grandchild", 1000, "sleep\0" "100\0", 10);
  /* Not processes: must be skipped. */
  g_autofree char *self = g_build_filename (root, "self", NULL);
  g_mkdir (self, 0700);
  write_file (root, "uptime", "1.0 1.0\n", -1);
  /* A process that vanished between listing and reading: no stat. */
  g_autofree char *ghost = g_build_filename (root, "77", NULL);
  g_mkdir (ghost, 0700);
  return root;
}

static void
rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  if (dir)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
    }
  g_remove (path);
}

static const FsProcInfo *
find (GPtrArray *procs, gint32 pid)
{
  for (guint i = 0; i < procs->len; i++)
    {
      const FsProcInfo *info = g_ptr_array_index (procs, i);
      if (info->pid == pid)
        return info;
    }
  return NULL;
}

static void
test_fake_proc (void)
{
  g_autofree char *root = make_fake_proc ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) procs = fs_proc_scan (root, &error);
  g_assert_no_error (error);
  g_assert_nonnull (procs);
  g_assert_cmpuint (procs->len, ==, 5);  /* not self, uptime, or the ghost */

  /* Sorted by pid. */
  for (guint i = 1; i < procs->len; i++)
    g_assert_cmpint (((FsProcInfo *) procs->pdata[i - 1])->pid, <, ((FsProcInfo *) procs->pdata[i])->pid);

  const FsProcInfo *odd = find (procs, 40);
  g_assert_nonnull (odd);
  g_assert_cmpstr (odd->name, ==, "my prog) (x");  /* split at the last ')' */
  g_assert_cmpint (odd->ppid, ==, 1);
  g_assert_cmpuint (odd->uid, ==, 1000);
  g_assert_cmpstr (odd->cmdline, ==, "/usr/bin/my prog --flag");
  g_assert_cmpuint (odd->start_ticks, ==, 5040);

  const FsProcInfo *kthread = find (procs, 2);
  g_assert_cmpstr (kthread->cmdline, ==, "[kthreadd]");
  g_assert_cmpstr (kthread->user, ==, "root");

  g_assert_cmpstr (find (procs, 41)->cmdline, ==, "worker -n 3");

  g_autoptr (GArray) below = fs_proc_descendants (procs, 40);
  g_assert_cmpuint (below->len, ==, 2);
  g_assert_cmpint (g_array_index (below, gint32, 0), ==, 41);
  g_assert_cmpint (g_array_index (below, gint32, 1), ==, 300);
  g_autoptr (GArray) none = fs_proc_descendants (procs, 300);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_null (fs_proc_read (root, 77));
  g_assert_null (fs_proc_read (root, 12345));
  rm_rf (root);
}

static void
test_matches (void)
{
  FsProcInfo info = { .pid = 4242, .ppid = 1, .uid = 1000, .name = (char *) "Firefox",
                      .user = (char *) "alice", .cmdline = (char *) "/usr/lib/firefox/firefox -P work" };
  g_assert_true (fs_proc_info_matches (&info, NULL));
  g_assert_true (fs_proc_info_matches (&info, ""));
  g_assert_true (fs_proc_info_matches (&info, "  "));
  g_assert_true (fs_proc_info_matches (&info, "4242"));
  g_assert_true (fs_proc_info_matches (&info, "fire"));
  g_assert_true (fs_proc_info_matches (&info, "FIREFOX"));  /* case-insensitive */
  g_assert_true (fs_proc_info_matches (&info, "alice work"));  /* every word, any field */
  g_assert_false (fs_proc_info_matches (&info, "alice chrome"));
  g_assert_false (fs_proc_info_matches (&info, "bob"));
  g_assert_false (fs_proc_info_matches (&info, "4243"));
}

static void
test_real_proc (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) procs = fs_proc_scan (NULL, &error);
  g_assert_no_error (error);
  const FsProcInfo *me = find (procs, getpid ());
  g_assert_nonnull (me);
  g_assert_cmpint (me->ppid, ==, getppid ());
  g_assert_true (strstr (me->cmdline, "test-proc-scan") != NULL);
  g_assert_cmpuint (me->uid, ==, getuid ());
  g_assert_cmpuint (me->start_ticks, >, 0);

  g_autoptr (GError) missing = NULL;
  g_assert_null (fs_proc_scan ("/nonexistent-proc-root", &missing));
  g_assert_error (missing, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/proc-scan/fake-proc", test_fake_proc);
  g_test_add_func ("/proc-scan/matches", test_matches);
  g_test_add_func ("/proc-scan/real-proc", test_real_proc);
  return g_test_run ();
}

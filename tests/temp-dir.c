/* temp-dir.c: see temp-dir.h. */
#include "tests/temp-dir.h"

#include <glib/gstdio.h>

void
fs_test_temp_dir_set_up (FsTestTempDir *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void) data;
  f->dir = g_dir_make_tmp ("forkscope-test-XXXXXX", &error);
  g_assert_no_error (error);
}

void
fs_test_temp_dir_tear_down (FsTestTempDir *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

char *
fs_test_temp_dir_path (FsTestTempDir *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* temp-dir.h: a GTest fixture that gives each test a private temporary
 * directory, emptied and removed after the test. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *dir;
} FsTestTempDir;

void  fs_test_temp_dir_set_up    (FsTestTempDir *f, gconstpointer data);
void  fs_test_temp_dir_tear_down (FsTestTempDir *f, gconstpointer data);
/* A path for name inside the directory (free it). */
char *fs_test_temp_dir_path      (FsTestTempDir *f, const char *name);

G_END_DECLS

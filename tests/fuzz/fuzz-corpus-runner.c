/* fuzz-corpus-runner.c: runs a fuzz target's entry point over every file of
 * its saved corpus, one GTest case per file, so inputs that once crashed
 * stay fixed.  Usage: fuzz-corpus-<name> [--tap] CORPUS_DIR */
#include "fuzz-target.h"

#include <glib.h>

static void
run_one (gconstpointer data)
{
  const char *path = data;
  g_autoptr (GError) error = NULL;
  char *contents;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  /* An exact-size heap copy, so the sanitizers see any read past the end. */
  g_autofree guint8 *copy = g_memdup2 (contents, MAX (len, 1));
  g_free (contents);
  g_assert_cmpint (LLVMFuzzerTestOneInput (copy, len), ==, 0);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc != 2)
    {
      g_printerr ("usage: %s [--tap] CORPUS_DIR\n", argv[0]);
      return 2;
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (argv[1], 0, &error);
  if (!dir)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  if (names->len == 0)
    {
      g_printerr ("%s: empty corpus\n", argv[1]);
      return 1;
    }

  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < names->len; i++)
    {
      char *path = g_build_filename (argv[1], g_ptr_array_index (names, i), NULL);
      g_autofree char *test_path = g_strdup_printf ("/fuzz-corpus/%s",
                                                    (char *) g_ptr_array_index (names, i));
      g_ptr_array_add (paths, path);
      g_test_add_data_func (test_path, path, run_one);
    }
  return g_test_run ();
}

/* `forkscope-cli export` with the picture and diagram formats, run as a user
 * runs it: every format writes a file its own parser accepts, and misuse is
 * a clear error with exit code 2. */
#include "core/trace-file.h"
#include "drawing-test-traces.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

static char *tmp_dir;
static char *trace_path;

static int
run_cli (const char *const *args, char **out, char **err)
{
  const char *build = g_getenv ("FS_BUILD_ROOT");
  g_assert_nonnull (build);
  g_autofree char *cli = g_build_filename (build, "app", "forkscope-cli", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;
  g_ptr_array_add (argv, cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (tmp_dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static gboolean
tool_accepts (const char *tool, const char *arg, const char *path)
{
  const char *argv[] = { tool, arg, path, NULL };
  const char *argv2[] = { tool, path, NULL };
  int status = -1;
  g_autoptr(GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) (arg != NULL ? argv : argv2), NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL);
}

static char *
export_to (const char *format, const char *name, const char *extra)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "export", trace_path, "--format", format, "-o", path, extra, NULL };
  int code = run_cli (args, &out, &err);
  if (code != 0)
    g_error ("export --format %s failed (%d): %s", format, code, err);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  /* Not a terminal: no progress lines. */
  g_assert_null (strstr (err, "exporting"));
  return path;
}

static void
test_every_format (void)
{
  g_autofree char *svg = export_to ("svg", "graph.svg", "--at=5.0021");
  g_assert_true (tool_accepts ("xmllint", "--noout", svg));
  g_autofree char *png = export_to ("png", "graph.png", "--scale=2");
  g_autofree char *png_data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (png, &png_data, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_cmpmem (png_data, 8, "\x89PNG\r\n\x1a\n", 8);
  g_autofree char *pdf = export_to ("pdf", "graph.pdf", "--theme=dark");
  g_assert_true (tool_accepts ("pdfinfo", NULL, pdf));
  g_autofree char *seq = export_to ("seq-svg", "seq.svg", "--processes=main,very expensive");
  g_assert_true (tool_accepts ("xmllint", "--noout", seq));
  g_autofree char *seq_png = export_to ("seq-png", "seq.png", "--from=2s");
  g_autofree char *seq_pdf = export_to ("seq-pdf", "seq.pdf", "--title=Ordered");
  g_assert_true (tool_accepts ("pdfinfo", NULL, seq_pdf));
  g_autofree char *anim = export_to ("animated-svg", "anim.svg", "--theme=light");
  g_assert_true (tool_accepts ("xmllint", "--noout", anim));
  g_autofree char *dot = export_to ("dot", "tree.dot", "--all");
  g_assert_true (tool_accepts ("dot", "-Tsvg", dot));
  g_autofree char *mmd = export_to ("mermaid", "seq.mmd", "--conservative");
  g_autofree char *mmd_text = NULL;
  g_assert_true (g_file_get_contents (mmd, &mmd_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (mmd_text, "sequenceDiagram\n"));
  g_assert_null (strstr (mmd_text, "create participant"));
  g_autofree char *json = export_to ("chrome-json", "trace.json", "--to=end");
  g_autofree char *json_text = NULL;
  g_assert_true (g_file_get_contents (json, &json_text, NULL, NULL));
  g_assert_nonnull (strstr (json_text, "\"traceEvents\""));
  const char *paths[] = { svg, png, pdf, seq, seq_png, seq_pdf, anim, dot, mmd, json };
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    g_unlink (paths[i]);
}

static guint32
png_width (const char *path)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  g_assert_cmpuint (len, >, 24);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  return (guint32) data[16] << 24 | (guint32) data[17] << 16 | (guint32) data[18] << 8 | data[19];
}

static void
test_lanes (void)
{
  g_autofree char *svg = export_to ("lanes-svg", "lanes.svg",
                                    "--processes=main,slightly expensive");
  g_assert_true (tool_accepts ("xmllint", "--noout", svg));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "class=\"fs-lane\">main[4001]</text>"));
  g_assert_nonnull (strstr (text, "class=\"fs-lane\">slightly expensive[4003]</text>"));
  g_assert_null (strstr (text, "very expensive[4002]"));
  g_assert_nonnull (strstr (text, "<title>Ordered results</title>"));

  /* --width is the picture's width (more time resolution), --scale its pixels. */
  g_autofree char *wide = g_build_filename (tmp_dir, "lanes.png", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "export", trace_path, "--format", "lanes-png", "--width", "900", "--scale", "2",
                         "--from", "2s", "--to", "end", "-o", wide, NULL };
  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_cmpuint (png_width (wide), ==, 1800);
  g_autofree char *pdf = export_to ("lanes-pdf", "lanes.pdf", "--theme=dark");
  g_assert_true (tool_accepts ("pdfinfo", NULL, pdf));
  g_unlink (svg);
  g_unlink (wide);
  g_unlink (pdf);

  /* The formats are listed in the help. */
  g_autofree char *help = NULL, *help_err = NULL;
  const char *help_args[] = { "export", "--help", NULL };
  run_cli (help_args, &help, &help_err);
  g_assert_nonnull (strstr (help, "lanes-svg"));
  g_assert_nonnull (strstr (help, "lanes-pdf"));
}

static void
test_text_to_stdout (void)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "export", trace_path, "--format", "mermaid", NULL };
  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "sequenceDiagram\n"));
  g_assert_nonnull (strstr (out, "title Ordered results"));
}

static void
expect_usage_error (const char *const *args, const char *needle)
{
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
  if (strstr (err, needle) == NULL)
    g_error ("expected \"%s\" in: %s", needle, err);
  g_assert_null (strchr (strchr (err, '\n') + 1, '\n'));   /* one line */
}

static void
test_misuse (void)
{
  g_autofree char *out = g_build_filename (tmp_dir, "x.out", NULL);
  const char *seq_at[] = { "export", trace_path, "--format", "seq-svg", "--at", "1", "-o", out, NULL };
  expect_usage_error (seq_at, "--from/--to");
  const char *graph_window[] = { "export", trace_path, "--format", "svg", "--from", "1", "-o", out, NULL };
  expect_usage_error (graph_window, "--at");
  const char *theme[] = { "export", trace_path, "--format", "png", "--theme", "purple", "-o", out, NULL };
  expect_usage_error (theme, "purple");
  const char *huge[] = { "export", trace_path, "--format", "png", "--width", "100000", "-o", out, NULL };
  expect_usage_error (huge, "32767");
  const char *nobody[] = { "export", trace_path, "--format", "dot", "--processes", "nobody", NULL };
  expect_usage_error (nobody, "nobody");
  const char *text_theme[] = { "export", trace_path, "--format", "dot", "--theme", "dark", NULL };
  expect_usage_error (text_theme, "--theme");
  const char *lanes_at[] = { "export", trace_path, "--format", "lanes-svg", "--at", "1", "-o", out, NULL };
  expect_usage_error (lanes_at, "--from/--to");

  /* More lanes than anyone can read: refused, pointing at the filters. */
  g_autofree char *wide_path = g_build_filename (tmp_dir, "wide.fstrace", NULL);
  {
    g_autoptr(FsTrace) wide = fs_test_trace_fan_out (2100);
    g_autoptr(GError) error = NULL;
    g_assert_true (fs_trace_save (wide, wide_path, &error));
  }
  const char *too_many[] = { "export", wide_path, "--format", "lanes-png", "-o", out, NULL };
  expect_usage_error (too_many, "--processes");
  const char *narrowed[] = { "export", wide_path, "--format", "lanes-svg", "--processes", "root,child-7", "-o", out, NULL };
  g_autofree char *o = NULL, *e = NULL;
  g_assert_cmpint (run_cli (narrowed, &o, &e), ==, 0);
  g_unlink (out);
  g_unlink (wide_path);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("fs-export-cli-XXXXXX", &error);
  g_assert_no_error (error);
  trace_path = g_build_filename (tmp_dir, "ordered-results.fstrace", NULL);
  {
    g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
    fs_trace_meta_set_extra (trace, "scenario_title", "Ordered results");
    g_assert_true (fs_trace_save (trace, trace_path, &error));
    g_assert_no_error (error);
  }
  g_test_add_func ("/export/cli/every-format", test_every_format);
  g_test_add_func ("/export/cli/lanes", test_lanes);
  g_test_add_func ("/export/cli/stdout", test_text_to_stdout);
  g_test_add_func ("/export/cli/misuse", test_misuse);
  int status = g_test_run ();
  g_unlink (trace_path);
  g_rmdir (tmp_dir);
  g_free (trace_path);
  g_free (tmp_dir);
  return status;
}

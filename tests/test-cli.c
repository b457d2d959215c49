/* forkscope-cli as a user runs it: exit codes, one-line errors naming the
 * file, help for every command, `show` output, export json → import → show. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "core/trace-file.h"

typedef struct {
  int   status;   /* exit code; -1 when killed */
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static char *tmp_dir;

static const char *
cli_path (void)
{
  static char *path;
  if (path == NULL)
    {
      const char *root = g_getenv ("FS_BUILD_ROOT");
      g_assert_nonnull (root);
      path = g_build_filename (root, "app", "forkscope-cli", NULL);
    }
  return path;
}

static char *
source_path (const char *relative)
{
  const char *root = g_getenv ("FS_SOURCE_ROOT");
  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* Runs forkscope-cli with the NULL-terminated arguments. */
static void
run_cli (Run *run, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  const char *arg;
  int wait_status = 0;
  va_list args;

  g_ptr_array_add (argv, (gpointer) cli_path ());
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "NO_COLOR", "1", TRUE);
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  memset (run, 0, sizeof *run);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

static void
assert_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("expected to find «%s» in:\n%s", needle, haystack);
}

/* One line on stderr, "forkscope-cli: …", that names what it must. */
static void
assert_one_line_error (const Run *run, int status, const char *names)
{
  if (run->status != status)
    g_error ("exit status %d, expected %d; stderr: %s", run->status, status, run->err);
  if (!g_str_has_prefix (run->err, "forkscope-cli: ") || !g_str_has_suffix (run->err, "\n"))
    g_error ("not a one-line error: «%s»", run->err);
  if (strchr (run->err, '\n') != run->err + strlen (run->err) - 1)
    g_error ("more than one line on stderr:\n%s", run->err);
  assert_contains (run->err, names);
}

static void
test_version (void)
{
  g_auto(Run) run;

  run_cli (&run, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "forkscope-cli "));
  g_assert_true (g_ascii_isdigit (run.out[strlen ("forkscope-cli ")]));
}

static void
test_help (void)
{
  static const char *const commands[] = { "show", "export", "import", "synth" };
  g_auto(Run) top;

  run_cli (&top, "--help", NULL);
  g_assert_cmpint (top.status, ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Run) run;
      g_auto(Run) via_help;
      g_autofree char *usage = g_strdup_printf ("forkscope-cli %s", commands[i]);
      g_autofree char *listed = g_strdup_printf ("  %s ", commands[i]);

      assert_contains (top.out, listed);
      run_cli (&run, commands[i], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      assert_contains (run.out, "Usage:");
      assert_contains (run.out, usage);
      assert_contains (run.out, "--help");
      g_assert_cmpstr (run.err, ==, "");

      run_cli (&via_help, "help", commands[i], NULL);
      g_assert_cmpint (via_help.status, ==, 0);
      g_assert_cmpstr (via_help.out, ==, run.out);
    }
}

static void
test_bad_usage (void)
{
  struct { const char *args[4]; const char *names; } cases[] = {
    { { NULL }, "" },
    { { "frobnicate", NULL }, "unknown command 'frobnicate'" },
    { { "--bogus", NULL }, "--bogus" },
    { { "help", "frobnicate", NULL }, "frobnicate" },
    { { "show", "--bogus", "x", NULL }, "--bogus" },
    { { "show", NULL }, "missing FILE" },
    { { "show", "a", "b", NULL }, "unexpected argument 'b'" },
    { { "show", "--color=sometimes", "x", NULL }, "sometimes" },
    { { "show", "--kind", "explode", "x" }, "explode" },
    { { "export", "x.fstrace", NULL }, "missing --format" },
    { { "export", "--format", "bmp", "x", }, "unknown format 'bmp'" },
    { { "import", "yaml", "x", NULL }, "unknown format 'yaml'" },
    { { "import", "json", "x.json", NULL }, "missing -o" },
    { { "synth", "--events", "many", NULL }, "--events" },
    { { "synth", "--processes=0", "-o", "/nonexistent-dir/x" }, "--processes" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run;
      const char *const *a = cases[i].args;
      gsize n = 0;

      while (n < 4 && a[n] != NULL)
        n++;
      switch (n)
        {
        case 0: run_cli (&run, NULL); break;
        case 1: run_cli (&run, a[0], NULL); break;
        case 2: run_cli (&run, a[0], a[1], NULL); break;
        case 3: run_cli (&run, a[0], a[1], a[2], NULL); break;
        default: run_cli (&run, a[0], a[1], a[2], a[3], NULL); break;
        }
      if (n == 0)
        {
          /* No command: the usage on stderr, exit 2. */
          g_assert_cmpint (run.status, ==, 2);
          assert_contains (run.err, "Usage:");
          continue;
        }
      assert_one_line_error (&run, 2, cases[i].names);
    }
}

static void
test_missing_file (void)
{
  g_auto(Run) show;
  g_auto(Run) export;
  g_auto(Run) import;
  g_autofree char *missing = tmp_path ("does-not-exist.fstrace");
  g_autofree char *out = tmp_path ("never.json");

  run_cli (&show, "show", missing, NULL);
  assert_one_line_error (&show, 2, missing);
  run_cli (&export, "export", missing, "--format", "json", "-o", out, NULL);
  assert_one_line_error (&export, 2, missing);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  run_cli (&import, "import", "json", missing, "-o", out, NULL);
  assert_one_line_error (&import, 2, missing);
}

static void
test_wrong_format (void)
{
  g_autofree char *text = tmp_path ("notes.txt");
  g_autofree char *bad_json = tmp_path ("bad.json");
  g_autofree char *out = tmp_path ("out.fstrace");
  g_auto(Run) show_text;
  g_auto(Run) show_json;
  g_auto(Run) import_text;
  g_auto(Run) import_json;

  g_assert_true (g_file_set_contents (text, "just some notes\nnot a trace\n", -1, NULL));
  g_assert_true (g_file_set_contents (bad_json,
                                      "{\"format\":\"forkscope-trace\",\"version\":1,\"processes\":[],"
                                      "\"events\":[{\"t_ns\":1,\"kind\":\"fork\",\"process\":99,\"child\":0}]}",
                                      -1, NULL));
  run_cli (&show_text, "show", text, NULL);
  assert_one_line_error (&show_text, 2, text);
  run_cli (&show_json, "show", bad_json, NULL);
  assert_one_line_error (&show_json, 2, "events[0].process: unknown process 99");
  assert_contains (show_json.err, bad_json);
  run_cli (&import_text, "import", "json", text, "-o", out, NULL);
  assert_one_line_error (&import_text, 2, text);
  run_cli (&import_json, "import", "json", bad_json, "-o", out, NULL);
  assert_one_line_error (&import_json, 2, "unknown process 99");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_show_sample (void)
{
  g_autofree char *sample = source_path ("data/samples/ordered-results.fstrace");
  g_auto(Run) run;
  g_auto(Run) filtered;
  g_auto(Run) kinds;
  g_auto(Run) tree_only;
  g_auto(Run) unknown_process;
  const char *first_result, *second_result;

  run_cli (&run, "show", sample, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  /* The tree. */
  assert_contains (run.out, "Processes:\n  main[4242] (ordered-results) exited with 0\n");
  assert_contains (run.out, "  ├─ worker1[4243] (ordered-results) exited with 0\n");
  assert_contains (run.out, "  └─ worker2[4244] (ordered-results) exited with 0\n");
  /* Events like strace, with relative times. */
  assert_contains (run.out, "  0.000120 main[4242] fork() = worker1[4243]\n");
  assert_contains (run.out, "  2.000300 worker2[4244] kill(main[4242], SIGCONT) = 0\n");
  assert_contains (run.out, "  2.000320 main[4242] <- SIGCONT from worker2[4244] (consumed by sigwait)\n");
  assert_contains (run.out, "kernel sends SIGCHLD to main[4242] (CLD_EXITED)\n");
  assert_contains (run.out, "worker1[4243] +++ exited with 0 +++\n");
  assert_contains (run.out, "main[4242] wait4() = worker2[4244] (exited with 0)\n");
  /* The post's order: the slow worker's result first. */
  first_result = strstr (run.out, "very expensive operation complete.");
  second_result = strstr (run.out, "slightly expensive operation complete.");
  g_assert_nonnull (first_result);
  g_assert_nonnull (second_result);
  g_assert_true (first_result < second_result);
  g_assert_null (strstr (run.out, "\033["));   /* NO_COLOR */

  run_cli (&filtered, "show", "--no-tree", "--process", "worker2", sample, NULL);
  g_assert_cmpint (filtered.status, ==, 0);
  g_assert_null (strstr (filtered.out, "Processes:"));
  assert_contains (filtered.out, "slightly expensive operation complete.");
  g_assert_null (strstr (filtered.out, "very expensive operation complete."));
  /* Events that concern worker2 without being its own are kept. */
  assert_contains (filtered.out, "main[4242] fork() = worker2[4244]");

  run_cli (&kinds, "show", "--kind", "output", "--kind", "exit", "--no-meta", sample, NULL);
  g_assert_cmpint (kinds.status, ==, 0);
  g_assert_true (g_str_has_prefix (kinds.out, "Processes:"));
  assert_contains (kinds.out, "+++ exited with 0 +++");
  g_assert_null (strstr (kinds.out, "fork()"));

  run_cli (&tree_only, "show", "--no-events", "--color=always", sample, NULL);
  g_assert_cmpint (tree_only.status, ==, 0);
  g_assert_null (strstr (tree_only.out, "Events:"));
  assert_contains (tree_only.out, "\033[");

  run_cli (&unknown_process, "show", "--process", "nobody", sample, NULL);
  assert_one_line_error (&unknown_process, 2, "nobody");
}

static char *
read_file (const char *path)
{
  char *data = NULL;
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

static void
test_export_import_round_trip (void)
{
  g_autofree char *sample = source_path ("data/samples/ordered-results.fstrace");
  g_autofree char *json = tmp_path ("sample.json");
  g_autofree char *json2 = tmp_path ("sample2.json");
  g_autofree char *back = tmp_path ("back.fstrace");
  g_autofree char *a = NULL, *b = NULL;
  g_auto(Run) export;
  g_auto(Run) import;
  g_auto(Run) export2;
  g_auto(Run) show_sample;
  g_auto(Run) show_back;
  g_auto(Run) show_json;
  g_auto(Run) to_stdout;
  const char *tree;

  run_cli (&export, "export", sample, "--format", "json", "-o", json, NULL);
  g_assert_cmpint (export.status, ==, 0);
  g_assert_cmpstr (export.err, ==, "");
  run_cli (&import, "import", "json", json, "-o", back, NULL);
  g_assert_cmpint (import.status, ==, 0);
  g_assert_cmpstr (import.err, ==, "");
  /* The format follows the extension when --format is left out. */
  run_cli (&export2, "export", back, "-o", json2, NULL);
  g_assert_cmpint (export2.status, ==, 0);
  a = read_file (json);
  b = read_file (json2);
  g_assert_cmpstr (a, ==, b);

  run_cli (&to_stdout, "export", sample, "--format", "json", NULL);
  g_assert_cmpint (to_stdout.status, ==, 0);
  g_assert_cmpstr (to_stdout.out, ==, a);

  /* show prints the same trace from all three, apart from the file name. */
  run_cli (&show_sample, "show", "--no-meta", sample, NULL);
  run_cli (&show_back, "show", "--no-meta", back, NULL);
  run_cli (&show_json, "show", "--no-meta", json, NULL);
  g_assert_cmpint (show_back.status, ==, 0);
  g_assert_cmpint (show_json.status, ==, 0);
  g_assert_cmpstr (show_sample.out, ==, show_back.out);
  g_assert_cmpstr (show_sample.out, ==, show_json.out);
  tree = strstr (show_back.out, "Processes:");
  g_assert_nonnull (tree);
}

static void
test_export_options (void)
{
  g_autofree char *sample = source_path ("data/samples/ordered-results.fstrace");
  g_autofree char *out = tmp_path ("x.json");
  g_autofree char *unwritable = tmp_path ("no/such/dir/x.json");
  g_auto(Run) window;
  g_auto(Run) bad_time;
  g_auto(Run) bad_event;
  g_auto(Run) cannot_write;
  g_auto(Run) guess;

  /* json is the whole trace: a window is a usage error, not silently ignored. */
  run_cli (&window, "export", sample, "--format", "json", "--from", "1", "-o", out, NULL);
  assert_one_line_error (&window, 2, sample);
  run_cli (&bad_time, "export", sample, "--format", "json", "--from", "soon", "-o", out, NULL);
  assert_one_line_error (&bad_time, 2, "--from");
  run_cli (&bad_event, "export", sample, "--format", "json", "--at-event", "100000", "-o", out, NULL);
  assert_one_line_error (&bad_event, 2, "--at-event");
  run_cli (&cannot_write, "export", sample, "--format", "json", "-o", unwritable, NULL);
  assert_one_line_error (&cannot_write, 1, unwritable);
  run_cli (&guess, "export", sample, "-o", "picture.unknownext", NULL);
  assert_one_line_error (&guess, 2, "picture.unknownext");
}

static void
test_truncated_file (void)
{
  g_autofree char *sample = source_path ("data/samples/ordered-results.fstrace");
  g_autofree char *cut = tmp_path ("cut.fstrace");
  g_autofree char *data = NULL;
  gsize len = 0;
  g_auto(Run) run;

  g_assert_true (g_file_get_contents (sample, &data, &len, NULL));
  g_assert_true (g_file_set_contents (cut, data, (gssize) (len * 2 / 3), NULL));
  run_cli (&run, "show", cut, NULL);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.err, "forkscope-cli: warning: ");
  assert_contains (run.err, cut);
  assert_contains (run.out, "WARNING: the file was truncated");
}

static void
test_synth (void)
{
  g_autofree char *out = tmp_path ("synth.fstrace");
  g_autofree char *out_json = tmp_path ("synth.json");
  g_auto(Run) synth;
  g_auto(Run) synth_json;
  g_auto(Run) show;
  g_autoptr(GError) error = NULL;
  g_autoptr(FsTrace) trace = NULL;

  run_cli (&synth, "synth", "--processes", "20", "--events", "300", "--seed", "7", "-o", out, NULL);
  g_assert_cmpint (synth.status, ==, 0);
  trace = fs_trace_load (out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fs_trace_n_events (trace), ==, 300);
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 20);

  run_cli (&synth_json, "synth", "--processes", "20", "--events", "300", "--seed", "7", "-o", out_json, NULL);
  g_assert_cmpint (synth_json.status, ==, 0);
  run_cli (&show, "show", "--no-events", out_json, NULL);
  g_assert_cmpint (show.status, ==, 0);
  assert_contains (show.out, "20 processes, 300 events");
}

/* A hidden runner process, an orphan, lost events: the tree skips or marks
 * the hidden one and the header warns. */
static void
test_show_hidden_and_warnings (void)
{
  g_autofree char *path = tmp_path ("hidden.json");
  g_auto(Run) plain;
  g_auto(Run) all;
  const char *json =
    "{\"format\":\"forkscope-trace\",\"version\":1,"
    "\"meta\":{\"tracer\":\"ptrace\",\"lost_events\":3},"
    "\"processes\":["
    "{\"id\":0,\"pid\":1,\"parent\":null,\"name\":\"forkscope-init\",\"start_ns\":0,\"hidden\":true},"
    "{\"id\":1,\"pid\":50,\"parent\":0,\"name\":\"main\",\"start_ns\":10},"
    "{\"id\":2,\"pid\":51,\"parent\":1,\"name\":\"orphan\",\"start_ns\":20,\"reparented_to\":0}],"
    "\"events\":["
    "{\"t_ns\":10,\"kind\":\"fork\",\"process\":0,\"child\":1},"
    "{\"t_ns\":20,\"kind\":\"fork\",\"process\":1,\"child\":2},"
    "{\"t_ns\":30,\"kind\":\"exit\",\"process\":1,\"status\":{\"kind\":\"signal\",\"value\":\"SIGSEGV\",\"core\":true}},"
    "{\"t_ns\":40,\"kind\":\"reap\",\"process\":0,\"child\":1,\"status\":{\"kind\":\"signal\",\"value\":\"SIGSEGV\",\"core\":true}}]}";

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  run_cli (&plain, "show", path, NULL);
  g_assert_cmpint (plain.status, ==, 0);
  assert_contains (plain.out, "WARNING: the tracer lost 3 events");
  assert_contains (plain.err, "forkscope-cli: warning: ");
  assert_contains (plain.err, "the tracer lost 3 events");
  assert_contains (plain.out, "Processes:\n  main[50] killed by SIGSEGV (core dumped)\n");
  assert_contains (plain.out, "  └─ orphan[51] still running (orphaned, adopted by forkscope-init[1])\n");
  assert_contains (plain.out, "(1 hidden infrastructure process not shown; --all shows them)");
  /* The hidden process's own events concern visible ones, so they stay. */
  assert_contains (plain.out, "forkscope-init[1] fork() = main[50]");

  run_cli (&all, "show", "--all", "--no-events", path, NULL);
  g_assert_cmpint (all.status, ==, 0);
  assert_contains (all.out, "Processes:\n  forkscope-init[1] still running [hidden]\n  └─ main[50]");
  g_assert_null (strstr (all.out, "not shown"));
}

/* forkscope-cli must run on servers without a desktop: no GTK in its
 * dynamic dependencies. */
static void
test_no_gtk (void)
{
  g_autofree char *binary = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (cli_path (), &binary, &len, NULL));
  g_assert_null (memmem (binary, len, "libgtk", 6));
  g_assert_null (memmem (binary, len, "libgdk", 6));
}

static void
remove_tmp_dir (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (tmp_dir);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("fs-cli-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/Cli/version", test_version);
  g_test_add_func ("/Cli/help", test_help);
  g_test_add_func ("/Cli/bad-usage", test_bad_usage);
  g_test_add_func ("/Cli/missing-file", test_missing_file);
  g_test_add_func ("/Cli/wrong-format", test_wrong_format);
  g_test_add_func ("/Cli/show-sample", test_show_sample);
  g_test_add_func ("/Cli/export-import-round-trip", test_export_import_round_trip);
  g_test_add_func ("/Cli/export-options", test_export_options);
  g_test_add_func ("/Cli/truncated-file", test_truncated_file);
  g_test_add_func ("/Cli/synth", test_synth);
  g_test_add_func ("/Cli/show-hidden-and-warnings", test_show_hidden_and_warnings);
  g_test_add_func ("/Cli/no-gtk", test_no_gtk);
  result = g_test_run ();
  remove_tmp_dir ();
  g_free (tmp_dir);
  return result;
}

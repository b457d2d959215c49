/* test-scenario-parser.c: the scenario language — parsing, checking and the
 * error messages, on good and bad input. */
#include <string.h>

#include "core/scenario-ast.h"
#include "core/trace-model.h"

static FsScenario *
parse (const char *text)
{
  return fs_scenario_parse ("test.fsc", text, strlen (text));
}

/* Parses text and asserts its diagnostics contain every expected string. */
static char *
diagnostics_of (const char *text, guint expected_errors)
{
  g_autoptr (FsScenario) scn = parse (text);
  char *out = fs_scenario_format_diagnostics (scn, FALSE);
  if (scn->n_errors != expected_errors)
    g_printerr ("unexpected diagnostics:\n%s", out);
  g_assert_cmpuint (scn->n_errors, ==, expected_errors);
  return out;
}

#define ASSERT_CONTAINS(haystack, needle) \
  G_STMT_START { \
    if (strstr ((haystack), (needle)) == NULL) \
      g_error ("expected \"%s\" in:\n%s", (needle), (haystack)); \
  } G_STMT_END

static char *
scenario_path (const char *name)
{
  const char *root = g_getenv ("FS_SOURCE_ROOT");
  g_assert_nonnull (root);
  return g_build_filename (root, "data", "scenarios", name, NULL);
}

static void
test_shipped_scenarios (void)
{
  const char *root = g_getenv ("FS_SOURCE_ROOT");
  g_autofree char *dir_path = g_build_filename (root, "data", "scenarios", NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  guint n = 0;
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_suffix (name, ".fsc"))
        continue;
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (FsScenario) scn = fs_scenario_load (path, &error);
      g_assert_no_error (error);
      if (scn->diagnostics->len > 0)
        {
          g_autofree char *text = fs_scenario_format_diagnostics (scn, FALSE);
          g_error ("%s has diagnostics:\n%s", name, text);
        }
      g_assert_nonnull (scn->title);
      n++;
    }
  g_assert_cmpuint (n, >=, 10);
}

static void
test_ordered_results_tree (void)
{
  g_autofree char *path = scenario_path ("ordered-results.fsc");
  g_autoptr (FsScenario) scn = fs_scenario_load (path, NULL);
  g_assert_nonnull (scn);
  g_assert_cmpuint (scn->n_errors, ==, 0);
  g_assert_cmpstr (scn->title, ==, "Ordered results");
  g_assert_cmpuint (scn->processes->len, ==, 3);

  FsScnProcess *main_process = fs_scenario_process (scn, 0);
  FsScnProcess *worker1 = fs_scenario_process (scn, 1);
  FsScnProcess *worker2 = fs_scenario_process (scn, 2);
  g_assert_cmpstr (main_process->name, ==, "main");
  g_assert_cmpstr (worker1->name, ==, "worker1");
  g_assert_cmpstr (worker1->label, ==, "very expensive");
  g_assert_cmpint (worker1->parent, ==, 0);
  g_assert_cmpint (worker2->parent, ==, 0);
  g_assert_cmpint (worker2->depth, ==, 1);

  /* block CONT; fork; fork; print; repeat; print; kill; wait; kill; wait */
  GPtrArray *stmts = main_process->body->stmts;
  g_assert_cmpuint (stmts->len, ==, 10);
  FsScnStmt *block = g_ptr_array_index (stmts, 0);
  g_assert_cmpint (block->kind, ==, FS_STMT_BLOCK);
  g_assert_cmpuint (block->sigset, ==, G_GUINT64_CONSTANT (1) << (SIGCONT - 1));
  g_assert_cmpuint (block->pos.line, ==, 8);
  g_assert_cmpstr (block->source, ==, "block CONT                  # CONT from a worker waits for our sigwait");

  FsScnStmt *kill1 = g_ptr_array_index (stmts, 6);
  g_assert_cmpint (kill1->kind, ==, FS_STMT_KILL);
  g_assert_cmpint (kill1->target.kind, ==, FS_SCN_TARGET_PROCESS);
  g_assert_cmpint (kill1->target.process, ==, 1);
  g_assert_cmpint (kill1->signal, ==, SIGCONT);

  FsScnStmt *wait2 = g_ptr_array_index (stmts, 9);
  g_assert_cmpint (wait2->kind, ==, FS_STMT_WAIT);
  g_assert_cmpint (wait2->process, ==, 2);

  FsScnStmt *repeat = g_ptr_array_index (stmts, 4);
  g_assert_cmpint (repeat->kind, ==, FS_STMT_REPEAT);
  g_assert_cmpint (repeat->number, ==, 2);
  g_assert_cmpuint (repeat->body->stmts->len, ==, 1);

  FsScnStmt *sleep = g_ptr_array_index (worker1->body->stmts, 1);
  g_assert_cmpint (sleep->kind, ==, FS_STMT_SLEEP);
  g_assert_cmpint (sleep->duration_ns, ==, G_GINT64_CONSTANT (5000000000));
  FsScnStmt *kill_parent = g_ptr_array_index (worker1->body->stmts, 2);
  g_assert_cmpint (kill_parent->target.kind, ==, FS_SCN_TARGET_PARENT);
}

static void
test_signals_and_durations (void)
{
  g_autoptr (FsScenario) scn = parse (
    "process p {\n"
    "  block SIGUSR1 usr2 10 RTMIN+2\n"
    "  sleep 1.5s\n"
    "  sleep 300ms\n"
    "  spin 20us\n"
    "  alarm 2min\n"
    "  alarm cancel\n"
    "  sigqueue self USR1 -42\n"
    "}\n");
  g_assert_cmpuint (scn->n_errors, ==, 0);
  GPtrArray *stmts = fs_scenario_process (scn, 0)->body->stmts;
  FsScnStmt *block = g_ptr_array_index (stmts, 0);
  guint64 expected = (G_GUINT64_CONSTANT (1) << (SIGUSR1 - 1)) | (G_GUINT64_CONSTANT (1) << (SIGUSR2 - 1))
                     | (G_GUINT64_CONSTANT (1) << (10 - 1)) | (G_GUINT64_CONSTANT (1) << (SIGRTMIN + 2 - 1));
  g_assert_cmpuint (block->sigset, ==, expected);
  g_assert_cmpint (((FsScnStmt *) g_ptr_array_index (stmts, 1))->duration_ns, ==, 1500000000);
  g_assert_cmpint (((FsScnStmt *) g_ptr_array_index (stmts, 2))->duration_ns, ==, 300000000);
  g_assert_cmpint (((FsScnStmt *) g_ptr_array_index (stmts, 3))->duration_ns, ==, 20000);
  g_assert_cmpint (((FsScnStmt *) g_ptr_array_index (stmts, 4))->duration_ns, ==, G_GINT64_CONSTANT (120000000000));
  g_assert_cmpint (((FsScnStmt *) g_ptr_array_index (stmts, 5))->duration_ns, ==, -1);
  g_assert_cmpint (((FsScnStmt *) g_ptr_array_index (stmts, 6))->number, ==, -42);
}

static void
test_sigwait_branches (void)
{
  g_autoptr (FsScenario) scn = parse (
    "process p {\n"
    "  sigwait CHLD ALRM\n"
    "    when ALRM { print \"late\" }\n"
    "\n"
    "    when CHLD {\n"
    "      print \"done\"\n"
    "    }\n"
    "  print \"after\"\n"
    "}\n");
  g_assert_cmpuint (scn->n_errors, ==, 0);
  GPtrArray *stmts = fs_scenario_process (scn, 0)->body->stmts;
  g_assert_cmpuint (stmts->len, ==, 2);
  FsScnStmt *sigwait = g_ptr_array_index (stmts, 0);
  g_assert_cmpuint (sigwait->branches->len, ==, 2);
  FsScnWhen *first = g_ptr_array_index (sigwait->branches, 0);
  g_assert_cmpuint (first->sigset, ==, G_GUINT64_CONSTANT (1) << (SIGALRM - 1));
}

static void
test_print_template (void)
{
  g_autoptr (FsScenario) scn = parse (
    "process p {\n"
    "  fork c { exit 0 }\n"
    "  set n = 3\n"
    "  print \"a {pid:c} b {n} {{x}} \\\"q\\\" {status}\"\n"
    "}\n");
  g_assert_cmpuint (scn->n_errors, ==, 0);
  FsScnStmt *print = g_ptr_array_index (fs_scenario_process (scn, 0)->body->stmts, 2);
  g_assert_cmpuint (print->n_pieces, ==, 6);
  g_assert_cmpint (print->pieces[0].kind, ==, FS_PIECE_TEXT);
  g_assert_cmpstr (print->pieces[0].text, ==, "a ");
  g_assert_cmpint (print->pieces[1].kind, ==, FS_PIECE_PID);
  g_assert_cmpint (print->pieces[1].index, ==, 1);
  g_assert_cmpint (print->pieces[3].kind, ==, FS_PIECE_VARIABLE);
  g_assert_cmpstr (print->pieces[4].text, ==, " {x} \"q\" ");
  g_assert_cmpint (print->pieces[5].kind, ==, FS_PIECE_STATUS);
}

/* The exact format: file:line:col: error: message, source line, caret. */
static void
test_error_format (void)
{
  g_autofree char *out = diagnostics_of ("process main {\n    slep 5s\n}\n", 1);
  g_assert_cmpstr (out, ==,
                   "test.fsc:2:5: error: unknown statement 'slep'; did you mean 'sleep'?\n"
                   "    2 |     slep 5s\n"
                   "      |     ^~~~\n");
}

static void
test_all_errors_at_once (void)
{
  g_autofree char *out = diagnostics_of (
    "scenario \"Many mistakes\"\n"
    "process main {\n"
    "    fork worker1 { sleep 5 }\n"          /* missing unit */
    "    kill wroker1 CONT\n"                 /* typo in name */
    "    kill worker1 SIGCOTN\n"              /* typo in signal */
    "    repeat 1000000 { pause }\n"          /* over the cap */
    "    sleep 2h\n"                          /* out of range */
    "    wait worker2\n"                      /* unknown */
    "}\n", 6);
  ASSERT_CONTAINS (out, "test.fsc:3:26: error: 'sleep' needs a unit: write '5s' or '5ms'");
  ASSERT_CONTAINS (out, "test.fsc:4:10: error: kill: no process is named 'wroker1'; did you mean 'worker1'?");
  ASSERT_CONTAINS (out, "test.fsc:5:18: error: unknown signal 'SIGCOTN'; did you mean 'SIGCONT'?");
  ASSERT_CONTAINS (out, "test.fsc:6:12: error: repeat count 1000000 is out of range (0 to 100000)");
  ASSERT_CONTAINS (out, "test.fsc:7:11: error: duration '2h' is out of range (at most 1h)");
  ASSERT_CONTAINS (out, "test.fsc:8:10: error: wait: no process is named 'worker2'");
  /* Sorted by position. */
  g_assert_true (strstr (out, ":3:26:") < strstr (out, ":8:10:"));
}

static void
test_scope_errors (void)
{
  g_autofree char *later = diagnostics_of (
    "process main {\n"
    "    fork a { kill b USR1 }\n"
    "    fork b { kill a USR1 }\n"
    "}\n", 1);
  ASSERT_CONTAINS (later, "test.fsc:2:19: error: kill: 'b' is not in scope in 'a' here (it is forked at line 3)");

  g_autofree char *not_child = diagnostics_of (
    "process main {\n"
    "    fork a { fork b { exit 1 } }\n"
    "    wait b\n"
    "}\n", 1);
  ASSERT_CONTAINS (not_child, "error: wait: 'b' is not in scope in 'main' here");

  g_autofree char *sibling = diagnostics_of (
    "process main {\n"
    "    fork a { pause }\n"
    "    fork b { wait a }\n"
    "}\n", 1);
  ASSERT_CONTAINS (sibling, "test.fsc:3:19: error: wait: 'a' is not a child of 'b'");

  g_autofree char *dup = diagnostics_of (
    "process main {\n"
    "    fork a { pause }\n"
    "    fork a { pause }\n"
    "}\n", 1);
  ASSERT_CONTAINS (dup, "test.fsc:3:10: error: a process named 'a' is already declared at line 2");

  g_autofree char *reserved = diagnostics_of ("process main { fork parent { pause } }\n", 1);
  ASSERT_CONTAINS (reserved, "'parent' is a reserved word and cannot name a process");
}

static void
test_handler_and_thread_rules (void)
{
  g_autofree char *handler = diagnostics_of (
    "process main {\n"
    "    handle USR1 {\n"
    "        sleep 1s\n"
    "        print \"ok\"\n"
    "    }\n"
    "    handle KILL { exit 1 }\n"
    "    ignore STOP\n"
    "}\n", 3);
  ASSERT_CONTAINS (handler, "test.fsc:3:9: error: 'sleep' is not allowed in a signal handler");
  ASSERT_CONTAINS (handler, "test.fsc:6:12: error: SIGKILL cannot be caught by a handler");
  ASSERT_CONTAINS (handler, "test.fsc:7:12: error: SIGSTOP cannot be ignored");

  g_autofree char *threads = diagnostics_of (
    "process main {\n"
    "    threads 2 { fork x { pause } }\n"
    "    threads 0 { print \"x\" }\n"
    "}\n", 2);
  ASSERT_CONTAINS (threads, "test.fsc:2:17: error: 'fork' is not allowed inside 'threads'");
  ASSERT_CONTAINS (threads, "test.fsc:3:13: error: thread count 0 is out of range (1 to 64)");
}

static void
test_sigwait_rules (void)
{
  g_autofree char *out = diagnostics_of (
    "process main {\n"
    "    sigwait USR1\n"
    "        when USR2 { print \"never\" }\n"
    "    sigwait KILL\n"
    "    print \"x\"\n"
    "    when USR1 { pause }\n"
    "}\n", 3);
  ASSERT_CONTAINS (out, "test.fsc:3:9: error: when SIGUSR2: this sigwait does not wait for SIGUSR2");
  ASSERT_CONTAINS (out, "test.fsc:4:13: error: SIGKILL and SIGSTOP can never be waited for");
  ASSERT_CONTAINS (out, "test.fsc:6:5: error: 'when' must follow a sigwait statement");
}

static void
test_variables (void)
{
  g_autofree char *out = diagnostics_of (
    "process main {\n"
    "    let a = 1\n"
    "    set a = 2\n"
    "    print \"{missing} {pid:nobody} {bad placeholder}\"\n"
    "}\n", 4);
  ASSERT_CONTAINS (out, "test.fsc:3:9: error: 'a' is a local made by let at line 2");
  ASSERT_CONTAINS (out, "test.fsc:4:12: error: unknown variable 'missing'");
  ASSERT_CONTAINS (out, "test.fsc:4:22: error: print: no process is named 'nobody'");
  ASSERT_CONTAINS (out, "test.fsc:4:35: error: '{bad placeholder}' is not a placeholder");
}

static void
test_warnings (void)
{
  g_autoptr (FsScenario) scn = parse (
    "process main {\n"
    "    exit 0\n"
    "    print \"never\"\n"
    "    block KILL\n"
    "}\n");
  g_assert_cmpuint (scn->n_errors, ==, 0);
  g_assert_cmpuint (scn->n_warnings, ==, 2);
  g_autofree char *out = fs_scenario_format_diagnostics (scn, FALSE);
  ASSERT_CONTAINS (out, "test.fsc:3:5: warning: this statement is never reached: the process ends at line 2");
}

static void
test_structure_errors (void)
{
  g_autofree char *unclosed = diagnostics_of ("process main {\n  fork a {\n    pause\n", 2);
  ASSERT_CONTAINS (unclosed, "test.fsc:2:10: error: this '{' is never closed");
  ASSERT_CONTAINS (unclosed, "test.fsc:1:14: error: this '{' is never closed");

  g_autofree char *empty = diagnostics_of ("# nothing\n", 1);
  ASSERT_CONTAINS (empty, "error: the scenario has no process");

  g_autofree char *outside = diagnostics_of ("print \"x\"\nprocess main { pause }\nprocess other { }\n", 2);
  ASSERT_CONTAINS (outside, "test.fsc:1:1: error: 'print' is outside any process");
  ASSERT_CONTAINS (outside, "test.fsc:3:1: error: a scenario has one root process");

  g_autofree char *strings = diagnostics_of ("process main {\n  print \"abc\n  print \"a\\qb\"\n}\n", 2);
  ASSERT_CONTAINS (strings, "test.fsc:2:9: error: unterminated string");
  ASSERT_CONTAINS (strings, "test.fsc:3:11: error: unknown escape '\\q'");

  g_autofree char *junk = diagnostics_of ("process main {\n  sleep 5s extra\n  kill self\n  exit 300\n}\n", 3);
  ASSERT_CONTAINS (junk, "test.fsc:2:12: error: expected the end of the 'sleep' statement, found 'extra'");
  ASSERT_CONTAINS (junk, "test.fsc:3:12: error: expected a signal after the target, found end of line");
  ASSERT_CONTAINS (junk, "test.fsc:4:8: error: exit code 300 is out of range (0 to 255)");

  g_autofree char *units = diagnostics_of ("process main {\n  sleep 5sec\n  sleep 1.5\n}\n", 2);
  ASSERT_CONTAINS (units, "test.fsc:2:10: error: unknown unit 'sec'");
  ASSERT_CONTAINS (units, "test.fsc:3:9: error: a number with a fraction needs a unit");
}

static void
test_encoding (void)
{
  static const char latin1[] = "process main {\n  print \"caf\xe9\"\n}\n";
  g_autoptr (FsScenario) scn = parse (latin1);
  g_assert_cmpuint (scn->n_errors, ==, 1);
  g_autofree char *out = fs_scenario_format_diagnostics (scn, FALSE);
  ASSERT_CONTAINS (out, "test.fsc:2:13: error: the file is not valid UTF-8 (byte 0xe9)");

  static const char with_nul[] = "process main {\n  pause\0\n}\n";
  g_autoptr (FsScenario) nul = fs_scenario_parse ("test.fsc", with_nul, sizeof with_nul - 1);
  g_assert_cmpuint (nul->n_errors, ==, 1);
  g_autofree char *nul_out = fs_scenario_format_diagnostics (nul, FALSE);
  ASSERT_CONTAINS (nul_out, "test.fsc:2:8: error: the file contains a NUL byte");

  /* UTF-8 in strings and comments is fine; carets count characters. */
  g_autofree char *utf8 = diagnostics_of ("process main {\n  print \"héllo\" slep\n}\n", 1);
  ASSERT_CONTAINS (utf8, "test.fsc:2:17: error: expected the end of the 'print' statement, found 'slep'");
  ASSERT_CONTAINS (utf8, "      | " "                " "^~~~\n");
}

static void
test_deep_nesting (void)
{
  GString *text = g_string_new ("process main {\n");
  for (int i = 0; i < 5000; i++)
    g_string_append (text, "repeat 1 {\n");
  g_autoptr (FsScenario) scn = parse (text->str);
  g_string_free (text, TRUE);
  g_assert_cmpuint (scn->n_errors, >=, 1);
  g_autofree char *out = fs_scenario_format_diagnostics (scn, FALSE);
  ASSERT_CONTAINS (out, "error: blocks are nested too deeply (more than 32 levels)");
}

static void
test_too_many_errors (void)
{
  GString *text = g_string_new ("process main {\n");
  for (int i = 0; i < 500; i++)
    g_string_append (text, "  bogus\n");
  g_string_append (text, "}\n");
  g_autoptr (FsScenario) scn = parse (text->str);
  g_string_free (text, TRUE);
  g_assert_cmpuint (scn->n_errors, ==, 500);
  g_assert_cmpuint (scn->diagnostics->len, ==, FS_SCENARIO_MAX_ERRORS);
  g_autofree char *out = fs_scenario_format_diagnostics (scn, FALSE);
  ASSERT_CONTAINS (out, "test.fsc: 450 more errors not shown");
}

/* Random bytes and mutations of a real scenario never crash or hang. */
static void
test_random_input (void)
{
  g_autofree char *path = scenario_path ("alarm-timeout.fsc");
  g_autofree char *base = NULL;
  gsize base_len = 0;
  g_assert_true (g_file_get_contents (path, &base, &base_len, NULL));
  GRand *rand = g_rand_new_with_seed (1234);
  static const char alphabet[] = "{}\"\\#\n;+-= abc0123456789smu.fork kill when sigwait print";

  for (int round = 0; round < 2000; round++)
    {
      g_autofree char *text = g_memdup2 (base, base_len + 1);
      int n = g_rand_int_range (rand, 1, 8);
      for (int i = 0; i < n; i++)
        {
          gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) base_len);
          text[at] = round % 3 == 0 ? (char) g_rand_int_range (rand, 1, 256)
                                    : alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
        }
      g_autoptr (FsScenario) scn = fs_scenario_parse ("fuzz.fsc", text, base_len);
      g_autofree char *out = fs_scenario_format_diagnostics (scn, round % 2 == 0);
      g_assert_nonnull (out);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scenario/parser/shipped", test_shipped_scenarios);
  g_test_add_func ("/scenario/parser/ordered-results-tree", test_ordered_results_tree);
  g_test_add_func ("/scenario/parser/signals-durations", test_signals_and_durations);
  g_test_add_func ("/scenario/parser/sigwait-branches", test_sigwait_branches);
  g_test_add_func ("/scenario/parser/print-template", test_print_template);
  g_test_add_func ("/scenario/errors/format", test_error_format);
  g_test_add_func ("/scenario/errors/all-at-once", test_all_errors_at_once);
  g_test_add_func ("/scenario/errors/scope", test_scope_errors);
  g_test_add_func ("/scenario/errors/handler-thread-rules", test_handler_and_thread_rules);
  g_test_add_func ("/scenario/errors/sigwait", test_sigwait_rules);
  g_test_add_func ("/scenario/errors/variables", test_variables);
  g_test_add_func ("/scenario/errors/warnings", test_warnings);
  g_test_add_func ("/scenario/errors/structure", test_structure_errors);
  g_test_add_func ("/scenario/errors/encoding", test_encoding);
  g_test_add_func ("/scenario/errors/deep-nesting", test_deep_nesting);
  g_test_add_func ("/scenario/errors/too-many", test_too_many_errors);
  g_test_add_func ("/scenario/parser/random-input", test_random_input);
  return g_test_run ();
}

/* JSON export/import: lossless round trip of every event kind and field, and
 * import errors that name the JSON path. */
#include "tests/trace-assert.h"
#include "core/trace-json.h"
#include "core/trace-file.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

/* Every event kind, every target kind, kernel senders, flags, non-UTF-8
 * output, threads, hidden processes, orphans and metadata extras. */
static FsTrace *
build_full_trace (void)
{
  FsTrace *trace = fs_trace_new ();
  FsTraceMeta *meta = fs_trace_get_meta (trace);
  FsProcessId init = fs_trace_add_process (trace, 1, FS_PROCESS_NONE, 0, "forkscope-init");
  FsProcessId main_id = fs_trace_add_process (trace, 1234, init, 5, "main");
  FsProcessId w1 = fs_trace_add_process (trace, 1235, main_id, 100, "worker1");
  FsProcessId w2 = fs_trace_add_process (trace, 1236, main_id, 200, "worker2");
  const char *argv[] = { "sleep", "1", "with \"quotes\"\tand\ttabs\n", NULL };
  const char *empty_argv[] = { NULL };
  FsProcess *p;
  FsEvent *ev;
  g_autoptr(GError) error = NULL;

  g_free (meta->recorder);
  meta->recorder = g_strdup ("forkscope-cli 0.1.0");
  meta->tracer = g_strdup ("ptrace");
  meta->command = g_strdup ("./ordered-results --flag 'x y'");
  meta->scenario = g_strdup ("data/scenarios/ordered-results.fsc");
  meta->start_wall_ns = G_GINT64_CONSTANT (1790000000123456789);
  meta->lost_events = 7;
  meta->truncated = TRUE;
  fs_trace_meta_set_extra (trace, "kernel", "6.18.0");
  fs_trace_meta_set_extra (trace, "host", "ünïcode \"host\"");

  p = fs_trace_process (trace, init);
  p->flags = FS_PROCESS_FLAG_HIDDEN | FS_PROCESS_FLAG_ATTACHED;
  p->pgid = 1;
  p->sid = 1;
  p = fs_trace_process (trace, main_id);
  p->comm = fs_trace_intern (trace, "ordered-result");
  p->pgid = 1234;
  p->sid = 1;
  fs_trace_process_add_thread (trace, main_id, 1240);
  fs_trace_process_add_thread (trace, main_id, 1241);
  p = fs_trace_process (trace, w2);
  p->reparented_to = init;

  fs_trace_append (trace, 100, main_id, FS_EVENT_FORK)->u.fork.child = w1;
  fs_trace_append (trace, 200, main_id, FS_EVENT_FORK)->u.fork.child = w2;
  ev = fs_trace_append (trace, 210, w1, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (trace, "/usr/bin/sleep");
  ev->u.exec.argv = fs_trace_add_strv (trace, argv);
  ev = fs_trace_append (trace, 211, w2, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (trace, "/bin/true");
  ev->u.exec.argv = FS_STRV_NONE;
  ev = fs_trace_append (trace, 212, w2, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (trace, "/bin/false");
  ev->u.exec.argv = fs_trace_add_strv (trace, empty_argv);
  ev = fs_trace_append (trace, 220, w1, FS_EVENT_RENAME);
  ev->u.rename.comm = fs_trace_intern (trace, "sleep");
  ev = fs_trace_append (trace, 300, main_id, FS_EVENT_BLOCK);
  ev->u.block.reason = FS_BLOCK_SIGWAIT;
  ev->u.block.line = 42;
  ev = fs_trace_append (trace, 400, w1, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGCONT;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev->u.send.target = main_id;
  ev->u.send.code = SI_USER;
  ev->flags = FS_EVENT_FLAG_QUEUED;
  ev = fs_trace_append (trace, 410, main_id, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGCONT;
  ev->u.deliver.sender = w1;
  ev->u.deliver.code = SI_USER;
  ev->u.deliver.action = FS_ACTION_SIGWAIT;
  ev->flags = FS_EVENT_FLAG_INFERRED;
  ev = fs_trace_append (trace, 410, main_id, FS_EVENT_UNBLOCK);
  ev->u.block.reason = FS_BLOCK_SIGWAIT;
  ev = fs_trace_append (trace, 420, main_id, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGUSR1;
  ev->u.send.target_kind = FS_TARGET_GROUP;
  ev->u.send.target = 1234;
  ev->flags = FS_EVENT_FLAG_COALESCED | FS_EVENT_FLAG_TIME_CLAMPED;
  ev = fs_trace_append (trace, 430, main_id, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGTERM;
  ev->u.send.target_kind = FS_TARGET_PID;
  ev->u.send.target = 99999;
  ev->u.send.result = -ESRCH;
  ev = fs_trace_append (trace, 431, main_id, FS_EVENT_SIGNAL_SEND);
  ev->signal = 0;
  ev->u.send.target_kind = FS_TARGET_ALL;
  ev->u.send.result = -EPERM;
  ev = fs_trace_append (trace, 432, main_id, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGRTMIN + 3;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev->u.send.target = w2;
  ev->u.send.code = SI_QUEUE;
  ev->flags = FS_EVENT_FLAG_THREAD_DIRECTED | 0x100;
  ev = fs_trace_append (trace, 440, FS_PROCESS_KERNEL, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGCHLD;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev->u.send.target = main_id;
  ev->u.send.code = CLD_EXITED;
  ev = fs_trace_append (trace, 441, main_id, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGCHLD;
  ev->u.deliver.sender = FS_PROCESS_KERNEL;
  ev->u.deliver.code = CLD_EXITED;
  ev->u.deliver.action = FS_ACTION_IGNORED;
  ev = fs_trace_append (trace, 442, w2, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGUSR2;
  ev->u.deliver.sender = FS_PROCESS_NONE;
  ev->u.deliver.code = 12345;
  ev->u.deliver.action = FS_ACTION_HANDLER;
  ev = fs_trace_append (trace, 450, w2, FS_EVENT_STOP);
  ev->signal = SIGSTOP;
  fs_trace_append (trace, 460, w2, FS_EVENT_CONTINUE);
  ev = fs_trace_append (trace, 470, main_id, FS_EVENT_OUTPUT);
  ev->u.output.stream = FS_STREAM_STDOUT;
  ev->u.output.text = fs_trace_intern (trace, "All children started.");
  ev = fs_trace_append (trace, 471, w1, FS_EVENT_OUTPUT);
  ev->u.output.stream = FS_STREAM_STDERR;
  ev->u.output.text = fs_trace_intern (trace, "bin\xff\xfe ary \x01 \\ \"q\" \xe2\x82\xac");
  ev = fs_trace_append (trace, 472, w1, FS_EVENT_OUTPUT);
  ev->u.output.text = fs_trace_intern (trace, "ctl \x01\x1f\x7f \xe2\x82\xac \\ / \"");
  ev = fs_trace_append (trace, 480, main_id, FS_EVENT_MARKER);
  ev->u.marker.text = fs_trace_intern (trace, "kill worker1 CONT");
  ev->u.marker.line = 17;
  ev = fs_trace_append (trace, 481, main_id, FS_EVENT_MARKER);
  ev->u.marker.text = fs_trace_intern (trace, "no line");
  ev = fs_trace_append (trace, 490, main_id, FS_EVENT_THREAD);
  ev->u.thread.tid = 1240;
  ev = fs_trace_append (trace, 500, w1, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { FS_EXIT_CODE, 0, 0, 3 };
  ev = fs_trace_append (trace, 510, main_id, FS_EVENT_REAP);
  ev->u.reap.child = w1;
  ev->u.reap.status = (FsExitStatus) { FS_EXIT_CODE, 0, 0, 3 };
  ev = fs_trace_append (trace, 600, w2, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { FS_EXIT_SIGNAL, 1, 0, SIGSEGV };
  ev = fs_trace_append (trace, 610, init, FS_EVENT_REAP);
  ev->u.reap.child = w2;
  ev->u.reap.status = (FsExitStatus) { FS_EXIT_SIGNAL, 1, 0, SIGSEGV };
  ev = fs_trace_append (trace, 620, main_id, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { FS_EXIT_SIGNAL, 0, 0, SIGKILL };

  g_assert_true (fs_trace_finish (trace, &error));
  g_assert_no_error (error);
  return trace;
}

static void
test_round_trip (void)
{
  g_autoptr(FsTrace) trace = build_full_trace ();
  g_autoptr(FsTrace) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = fs_trace_to_json (trace);
  g_autofree char *json2 = NULL;
  gboolean seen[FS_EVENT_KIND_LAST] = { 0 };
  gsize n = 0;
  const FsEvent *events = fs_trace_events (trace, &n);

  /* The fixture really covers every kind. */
  for (gsize i = 0; i < n; i++)
    seen[events[i].kind] = TRUE;
  for (int k = FS_EVENT_FORK; k < FS_EVENT_KIND_LAST; k++)
    g_assert_true (seen[k]);

  back = fs_trace_load_json_data (json, -1, "test.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  json2 = fs_trace_to_json (back);
  g_assert_cmpstr (json, ==, json2);
  fs_test_assert_traces_equal (trace, back, FALSE);
}

/* A signal read from a signalfd: its own action name, both ways. */
static void
test_signalfd_action (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  g_autoptr(GError) error = NULL;
  FsProcessId daemon = fs_trace_add_process (trace, 100, FS_PROCESS_NONE, 0, "daemon");
  FsEvent *ev = fs_trace_append (trace, 30, daemon, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGCHLD;
  ev->u.deliver.sender = FS_PROCESS_KERNEL;
  ev->u.deliver.code = CLD_EXITED;
  ev->u.deliver.action = FS_ACTION_SIGNALFD;
  g_assert_true (fs_trace_finish (trace, &error));
  g_autofree char *json = fs_trace_to_json (trace);
  g_assert_nonnull (strstr (json, "\"action\":\"read-from-signalfd\",\"sender\":\"kernel\""));
  g_autoptr(FsTrace) back = fs_trace_load_json_data (json, -1, "test.json", &error);
  g_assert_no_error (error);
  g_assert_cmpint (fs_trace_event (back, 0)->u.deliver.action, ==, FS_ACTION_SIGNALFD);
}

/* The spellings the issue fixes: names for signals, codes, actions, targets. */
static void
test_schema_spellings (void)
{
  g_autoptr(FsTrace) trace = build_full_trace ();
  g_autofree char *json = fs_trace_to_json (trace);
  const char *expected[] = {
    "{\"format\":\"forkscope-trace\",\"version\":1,",
    "\"kind\":\"signal_send\",\"process\":2,\"target\":1",
    "\"signal\":\"SIGCONT\",\"code\":\"SI_USER\",\"queued\":true",
    "\"action\":\"consumed-by-sigwait\",\"sender\":2",
    "\"target\":{\"group\":1234}",
    "\"target\":{\"pid\":99999},\"signal\":\"SIGTERM\",\"code\":\"SI_USER\",\"result\":\"ESRCH\"",
    "\"target\":{\"all\":true},\"signal\":0",
    "\"signal\":\"SIGRTMIN+3\",\"code\":\"SI_QUEUE\"",
    "\"kind\":\"signal_send\",\"process\":null,\"target\":1,\"signal\":\"SIGCHLD\",\"code\":\"CLD_EXITED\"",
    "\"sender\":\"kernel\"",
    "\"code\":12345",
    "\"status\":{\"kind\":\"signal\",\"value\":\"SIGSEGV\",\"core\":true}",
    "\"status\":{\"kind\":\"code\",\"value\":3}",
    "\"exit\":{\"kind\":\"signal\",\"value\":\"SIGKILL\",\"core\":false}",
    "\"stream\":\"stderr\",\"text\":{\"base64\":",
    "\"text\":\"ctl \\u0001\\u001f\x7f \xe2\x82\xac \\\\ / \\\"\"",
    "\"argv\":[\"sleep\",\"1\",\"with \\\"quotes\\\"\\tand\\ttabs\\n\"]",
    "\"argv\":null",
    "\"argv\":[]",
    "\"kind\":\"block\",\"process\":1,\"reason\":\"sigwait\",\"line\":42",
    "\"kind\":\"marker\",\"process\":1,\"text\":\"kill worker1 CONT\",\"line\":17",
    "\"kind\":\"thread\",\"process\":1,\"tid\":1240",
    "\"kind\":\"stop\",\"process\":3,\"signal\":\"SIGSTOP\"",
    "\"other_flags\":256",
    "\"hidden\":true,\"attached\":true",
    "\"reparented_to\":0",
    "\"threads\":[1240,1241]",
    "\"name\":\"main\",\"comm\":\"ordered-result\",\"pgid\":1234,\"sid\":1",
    "\"lost_events\":7,\"truncated\":true",
    "\"start_wall_time\":\"2026-09-21T",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (json, expected[i]) == NULL)
      g_error ("missing from the JSON: %s\n%s", expected[i], json);
}

static void
test_save_and_load_file (void)
{
  g_autoptr(FsTrace) trace = build_full_trace ();
  g_autoptr(FsTrace) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fs-json-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "t.json", NULL);

  g_assert_no_error (error);
  g_assert_true (fs_trace_save_json (trace, path, &error));
  g_assert_no_error (error);
  back = fs_trace_load_json (path, &error);
  g_assert_no_error (error);
  fs_test_assert_traces_equal (trace, back, FALSE);
  g_unlink (path);
  g_rmdir (dir);

  g_assert_null (fs_trace_load_json ("/nonexistent/dir/x.json", &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/x.json"));
}

/* A foreign producer: ids that are not array positions, a parent listed after
 * its child, optional members left out, unsorted events. */
/* JSON → .fstrace → JSON gives the same bytes: the native format keeps
 * everything the JSON shows (what `import` then `export` relies on). */
static void
test_native_round_trip (void)
{
  g_autoptr(FsTrace) trace = build_full_trace ();
  g_autoptr(FsTrace) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fs-json-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "t.fstrace", NULL);
  g_autofree char *json = fs_trace_to_json (trace);
  g_autofree char *json2 = NULL;
  g_autofree char *warning = NULL;

  g_assert_no_error (error);
  g_assert_true (fs_trace_save (trace, path, &error));
  g_assert_no_error (error);
  back = fs_trace_load (path, &warning, &error);
  g_assert_no_error (error);
  /* The fixture says truncated; a complete file does not. */
  fs_trace_get_meta (back)->truncated = fs_trace_get_meta (trace)->truncated;
  json2 = fs_trace_to_json (back);
  g_assert_cmpstr (json, ==, json2);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_foreign_minimal (void)
{
  const char *json =
    "{\"format\":\"forkscope-trace\",\"version\":1,"
    " \"processes\":["
    "  {\"id\":20,\"pid\":11,\"parent\":10,\"name\":\"child\",\"start_ns\":5},"
    "  {\"id\":10,\"pid\":10,\"parent\":null,\"name\":\"parent\",\"start_ns\":0}],"
    " \"events\":["
    "  {\"t_ns\":9,\"kind\":\"exit\",\"process\":20,\"status\":{\"kind\":\"code\",\"value\":0}},"
    "  {\"t_ns\":5,\"kind\":\"fork\",\"process\":10,\"child\":20},"
    "  {\"t_ns\":7,\"kind\":\"signal_send\",\"process\":20,\"target\":10,\"signal\":\"usr1\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(FsTrace) trace = fs_trace_load_json_data (json, -1, NULL, &error);
  FsProcess *child;

  g_assert_no_error (error);
  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 2);
  child = fs_trace_process (trace, 0);
  g_assert_cmpuint (child->parent, ==, 1);
  g_assert_cmpstr (fs_trace_string (trace, child->comm), ==, "child");
  g_assert_cmpint (child->exit.kind, ==, FS_EXIT_CODE);
  g_assert_cmpint (child->end_ns, ==, 9);
  g_assert_cmpuint (fs_trace_n_events (trace), ==, 3);
  g_assert_cmpint (fs_trace_event (trace, 0)->kind, ==, FS_EVENT_FORK);
  g_assert_cmpint (fs_trace_event (trace, 1)->signal, ==, SIGUSR1);
}

typedef struct {
  const char *json;
  int         code;
  const char *message;   /* expected substring */
} ErrorCase;

#define PROCS "\"processes\":[{\"id\":0,\"pid\":1,\"parent\":null,\"name\":\"a\",\"start_ns\":0}]"
#define HEAD "{\"format\":\"forkscope-trace\",\"version\":1,"

static void
test_import_errors (void)
{
  static const ErrorCase cases[] = {
    { "not json at all", FS_TRACE_ERROR_FORMAT, "bad.json: byte 0: invalid JSON: invalid value" },
    { "", FS_TRACE_ERROR_FORMAT, "bad.json: byte 0: invalid JSON: unexpected end of the document" },
    { "{\"format\":\"forkscope-trace\",\"version\":1,}", FS_TRACE_ERROR_FORMAT,
      "byte 40: invalid JSON: expected a member name in quotes" },
    { "{\"format\":\"forkscope-trace\"} x", FS_TRACE_ERROR_FORMAT,
      "byte 29: invalid JSON: unexpected data after the top-level object" },
    { "{\"format\":\"forkscope-trace\",\"format\":\"x\"}", FS_TRACE_ERROR_FORMAT,
      "invalid JSON: duplicate member \"format\"" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"t_ns\":2,\"kind\":\"stop\",\"process\":0}]}",
      FS_TRACE_ERROR_FORMAT, "invalid JSON: duplicate member \"t_ns\"" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":01,\"kind\":\"stop\",\"process\":0}]}",
      FS_TRACE_ERROR_FORMAT, "invalid JSON: numbers cannot start with 0" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":99999999999999999999,\"kind\":\"stop\",\"process\":0}]}",
      FS_TRACE_ERROR_FORMAT, "does not fit in 64 bits" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"output\",\"process\":0,\"text\":\"a\\ud800b\"}]}",
      FS_TRACE_ERROR_FORMAT, "unpaired UTF-16 surrogate" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"output\",\"process\":0,\"text\":\"a\\u0000b\"}]}",
      FS_TRACE_ERROR_FORMAT, "\\u0000 is not allowed" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"output\",\"process\":0,\"text\":\"a\\qb\"}]}",
      FS_TRACE_ERROR_FORMAT, "invalid escape" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"output\",\"process\":0,\"text\":\"tab\there\"}]}",
      FS_TRACE_ERROR_FORMAT, "control character in a string" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"output\",\"process\":0,\"text\":\"\xff\"}]}",
      FS_TRACE_ERROR_FORMAT, "string is not valid UTF-8" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"stop\",\"process\":0}", FS_TRACE_ERROR_FORMAT,
      "unexpected end of the document, expected ',' or ']'" },
    { "[1,2,3]", FS_TRACE_ERROR_FORMAT, "not a forkscope JSON trace" },
    { "{\"format\":\"other\",\"version\":1}", FS_TRACE_ERROR_FORMAT, "format: not a forkscope JSON trace" },
    { "{\"format\":\"forkscope-trace\",\"version\":2," PROCS ",\"events\":[]}",
      FS_TRACE_ERROR_VERSION, "version: unsupported version 2" },
    { "{\"format\":\"forkscope-trace\",\"version\":\"1\"}", FS_TRACE_ERROR_FORMAT,
      "version: expected an integer, got a string" },
    { HEAD PROCS "}", FS_TRACE_ERROR_FORMAT, "bad.json: events: missing" },
    { HEAD PROCS ",\"events\":{}}", FS_TRACE_ERROR_FORMAT, "events: expected an array, got an object" },
    { HEAD PROCS ",\"events\":[],\"extra\":1}", FS_TRACE_ERROR_FORMAT, "extra: unknown member" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"explode\",\"process\":0}]}",
      FS_TRACE_ERROR_CORRUPT, "events[0].kind: unknown event kind \"explode\"" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"exit\",\"process\":0,\"status\":null},"
      "{\"t_ns\":2,\"kind\":\"fork\",\"process\":0,\"child\":99}]}",
      FS_TRACE_ERROR_INVALID, "events[1].child: unknown process 99" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"output\",\"process\":7,\"text\":\"x\"}]}",
      FS_TRACE_ERROR_INVALID, "events[0].process: unknown process 7" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"fork\",\"process\":0,\"chlid\":0}]}",
      FS_TRACE_ERROR_FORMAT, "events[0].chlid: unknown member" },
    { HEAD PROCS ",\"events\":[{\"kind\":\"stop\",\"process\":0}]}",
      FS_TRACE_ERROR_FORMAT, "events[0].t_ns: missing" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1.5,\"kind\":\"stop\",\"process\":0}]}",
      FS_TRACE_ERROR_FORMAT, "events[0].t_ns: expected an integer, got a fractional number" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"signal_send\",\"process\":0,\"target\":0,\"signal\":\"SIGNOPE\"}]}",
      FS_TRACE_ERROR_CORRUPT, "events[0].signal: unknown signal \"SIGNOPE\"" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"signal_send\",\"process\":0,\"target\":0,\"signal\":65}]}",
      FS_TRACE_ERROR_CORRUPT, "events[0].signal: signal number 65 is out of range" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"signal_send\",\"process\":0,\"target\":{\"group\":1,\"pid\":2},\"signal\":1}]}",
      FS_TRACE_ERROR_FORMAT, "events[0].target: expected one of" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"signal_send\",\"process\":0,\"target\":0,\"signal\":1,\"code\":\"SI_BOGUS\"}]}",
      FS_TRACE_ERROR_CORRUPT, "events[0].code: unknown signal code \"SI_BOGUS\"" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"signal_deliver\",\"process\":0,\"signal\":1,\"action\":\"explode\"}]}",
      FS_TRACE_ERROR_CORRUPT, "events[0].action: unknown value \"explode\"" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"signal_deliver\",\"process\":null,\"signal\":1,\"action\":\"handler\"}]}",
      FS_TRACE_ERROR_FORMAT, "events[0].process: must name a process" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"exit\",\"process\":0,\"status\":{\"kind\":\"code\",\"value\":300}}]}",
      FS_TRACE_ERROR_CORRUPT, "events[0].status.value: 300 is out of range" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"exit\",\"process\":0,\"status\":{\"kind\":\"zombie\"}}]}",
      FS_TRACE_ERROR_FORMAT, "events[0].status.kind: unknown exit kind \"zombie\"" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"output\",\"process\":0,\"stream\":\"stdin\",\"text\":\"x\"}]}",
      FS_TRACE_ERROR_CORRUPT, "events[0].stream: unknown value \"stdin\"" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"output\",\"process\":0,\"text\":{\"base64\":\"!!\"}}]}",
      FS_TRACE_ERROR_FORMAT, "events[0].text: invalid base64" },
    { HEAD PROCS ",\"events\":[{\"t_ns\":1,\"kind\":\"exec\",\"process\":0,\"path\":\"/x\",\"argv\":[\"a\",3]}]}",
      FS_TRACE_ERROR_FORMAT, "events[0].argv[1]: expected a string, got an integer" },
    { HEAD "\"processes\":[{\"id\":0,\"pid\":1,\"parent\":5,\"name\":\"a\",\"start_ns\":0}],\"events\":[]}",
      FS_TRACE_ERROR_INVALID, "processes[0].parent: unknown process 5" },
    { HEAD "\"processes\":[{\"id\":0,\"pid\":1,\"parent\":null,\"name\":\"a\",\"start_ns\":0},"
      "{\"id\":0,\"pid\":2,\"parent\":null,\"name\":\"b\",\"start_ns\":0}],\"events\":[]}",
      FS_TRACE_ERROR_INVALID, "processes[1].id: duplicate process id 0" },
    { HEAD "\"processes\":[{\"id\":0,\"pid\":4294967296,\"parent\":null,\"name\":\"a\",\"start_ns\":0}],\"events\":[]}",
      FS_TRACE_ERROR_CORRUPT, "processes[0].pid: 4294967296 is out of range" },
    { HEAD "\"processes\":[{\"id\":0,\"pid\":1,\"parent\":null,\"start_ns\":0}],\"events\":[]}",
      FS_TRACE_ERROR_FORMAT, "processes[0].name: missing" },
    { HEAD "\"processes\":[{\"id\":0,\"pid\":1,\"parent\":null,\"name\":\"a\",\"start_ns\":0,\"threads\":[0]}],\"events\":[]}",
      FS_TRACE_ERROR_CORRUPT, "processes[0].threads[0]: 0 is out of range" },
    { HEAD "\"meta\":{\"lost_events\":-1}," PROCS ",\"events\":[]}",
      FS_TRACE_ERROR_CORRUPT, "meta.lost_events: -1 is out of range" },
    { HEAD "\"meta\":{\"start_wall_time\":\"yesterday\"}," PROCS ",\"events\":[]}",
      FS_TRACE_ERROR_FORMAT, "meta.start_wall_time: \"yesterday\" is not an ISO 8601" },
    { HEAD "\"meta\":{\"start_wall_time\":\"4052-01-02T03:04:05Z\"}," PROCS ",\"events\":[]}",
      FS_TRACE_ERROR_CORRUPT, "meta.start_wall_time: \"4052-01-02T03:04:05Z\" is out of range" },
    { HEAD "\"meta\":{\"extra\":{\"k\":1}}," PROCS ",\"events\":[]}",
      FS_TRACE_ERROR_FORMAT, "meta.extra.k: expected a string, got an integer" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FsTrace) trace = fs_trace_load_json_data (cases[i].json, -1, "bad.json", &error);

      if (trace != NULL || error == NULL || error->code != cases[i].code ||
          strstr (error->message, cases[i].message) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": %s\n  expected code %d and \"%s\"\n  got %s",
                 i, cases[i].json, cases[i].code, cases[i].message,
                 error ? error->message : "success");
      g_assert_true (g_str_has_prefix (error->message, "bad.json: "));
    }
}

static void
test_hostile_nesting (void)
{
  g_autoptr(GString) deep = g_string_new (HEAD "\"meta\":{\"extra\":");
  g_autoptr(GError) error = NULL;
  g_autoptr(FsTrace) trace = NULL;

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  trace = fs_trace_load_json_data (deep->str, (gssize) deep->len, "deep.json", &error);
  g_assert_null (trace);
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "nested more than"));
}

/* Every prefix of a valid document fails cleanly (never crashes). */
static void
test_truncated_documents (void)
{
  g_autoptr(FsTrace) trace = build_full_trace ();
  g_autofree char *json = fs_trace_to_json (trace);
  gsize len = strlen (json);

  for (gsize cut = 0; cut + 2 < len; cut += 7)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FsTrace) back = fs_trace_load_json_data (json, (gssize) cut, "cut.json", &error);
      g_assert_null (back);
      g_assert_nonnull (error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/TraceJson/round-trip", test_round_trip);
  g_test_add_func ("/TraceJson/schema-spellings", test_schema_spellings);
  g_test_add_func ("/TraceJson/signalfd-action", test_signalfd_action);
  g_test_add_func ("/TraceJson/save-and-load-file", test_save_and_load_file);
  g_test_add_func ("/TraceJson/native-round-trip", test_native_round_trip);
  g_test_add_func ("/TraceJson/foreign-minimal", test_foreign_minimal);
  g_test_add_func ("/TraceJson/import-errors", test_import_errors);
  g_test_add_func ("/TraceJson/hostile-nesting", test_hostile_nesting);
  g_test_add_func ("/TraceJson/truncated-documents", test_truncated_documents);
  return g_test_run ();
}

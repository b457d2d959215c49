/* test-trace-file.c: the .fstrace writer and reader — round trips, the
 * incremental writer, truncation at every byte and corrupted fields. */
#include "tests/temp-dir.h"
#include "tests/trace-assert.h"
#include "core/trace-file.h"
#include "core/trace-synth.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- Helpers ----------------------------------------------------------- */


/* A trace with every event kind, strings, strvs, threads and metadata. */
static FsTrace *
build_full_trace (void)
{
  FsTrace *trace = fs_trace_new ();
  FsTraceMeta *meta = fs_trace_get_meta (trace);
  FsEvent *ev;

  meta->recorder = g_strdup ("forkscope-cli 0.1.0");
  meta->tracer = g_strdup ("ptrace");
  meta->command = g_strdup ("sh -c 'sleep 1 & wait'");
  meta->scenario = g_strdup ("data/scenarios/one.fsc");
  meta->start_wall_ns = G_GINT64_CONSTANT (1764200000123456789);
  meta->lost_events = 7;
  fs_trace_meta_set_extra (trace, "host", "debian");
  fs_trace_meta_set_extra (trace, "kernel", "6.18 ünïcode");

  FsProcessId main_p = fs_trace_add_process (trace, 1234, FS_PROCESS_NONE, 0, "main");
  FsProcessId child = fs_trace_add_process (trace, 1235, main_p, 100, "child");
  FsProcessId orphan = fs_trace_add_process (trace, 1236, child, 150, "orphan");
  FsProcess *p = fs_trace_process (trace, main_p);
  p->pgid = 1234;
  p->sid = 1000;
  p->flags = FS_PROCESS_FLAG_ATTACHED;
  p = fs_trace_process (trace, orphan);
  p->reparented_to = main_p;
  p->flags = FS_PROCESS_FLAG_HIDDEN;
  fs_trace_process_add_thread (trace, main_p, 1240);
  fs_trace_process_add_thread (trace, main_p, 1241);

  const char *argv[] = { "sleep", "1", NULL };
  const char *empty_argv[] = { NULL };

  fs_trace_append (trace, 100, main_p, FS_EVENT_FORK)->u.fork.child = child;
  ev = fs_trace_append (trace, 110, child, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (trace, "/usr/bin/sleep");
  ev->u.exec.argv = fs_trace_add_strv (trace, argv);
  ev = fs_trace_append (trace, 111, child, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (trace, "/bin/true");
  ev->u.exec.argv = fs_trace_add_strv (trace, empty_argv);
  ev = fs_trace_append (trace, 112, child, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (trace, "/bin/false");
  ev->u.exec.argv = FS_STRV_NONE;
  ev = fs_trace_append (trace, 120, child, FS_EVENT_RENAME);
  ev->u.rename.comm = fs_trace_intern (trace, "sleeper");
  fs_trace_append (trace, 150, child, FS_EVENT_FORK)->u.fork.child = orphan;
  ev = fs_trace_append (trace, 200, child, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGCONT;
  ev->flags = FS_EVENT_FLAG_QUEUED;
  ev->u.send.target = main_p;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev->u.send.code = SI_USER;
  ev = fs_trace_append (trace, 210, main_p, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGCONT;
  ev->u.deliver.sender = child;
  ev->u.deliver.code = SI_USER;
  ev->u.deliver.action = FS_ACTION_SIGWAIT;
  ev = fs_trace_append (trace, 220, FS_PROCESS_KERNEL, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGCHLD;
  ev->u.send.target = 1234;
  ev->u.send.target_kind = FS_TARGET_GROUP;
  ev->u.send.code = CLD_EXITED;
  ev = fs_trace_append (trace, 221, main_p, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGTERM;
  ev->u.send.target = 99999;
  ev->u.send.target_kind = FS_TARGET_PID;
  ev->u.send.result = -3;
  ev->flags = FS_EVENT_FLAG_COALESCED | FS_EVENT_FLAG_THREAD_DIRECTED;
  ev = fs_trace_append (trace, 222, main_p, FS_EVENT_SIGNAL_SEND);
  ev->signal = 0;
  ev->u.send.target_kind = FS_TARGET_ALL;
  ev = fs_trace_append (trace, 225, main_p, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = 40;
  ev->u.deliver.sender = FS_PROCESS_NONE;
  ev->u.deliver.code = -1;
  ev->u.deliver.action = FS_ACTION_HANDLER;
  ev->flags = FS_EVENT_FLAG_INFERRED;
  ev = fs_trace_append (trace, 230, child, FS_EVENT_STOP);
  ev->signal = SIGTSTP;
  fs_trace_append (trace, 240, child, FS_EVENT_CONTINUE);
  ev = fs_trace_append (trace, 250, main_p, FS_EVENT_OUTPUT);
  ev->u.output.text = fs_trace_intern (trace, "All children started.");
  ev->u.output.stream = FS_STREAM_STDOUT;
  ev = fs_trace_append (trace, 251, main_p, FS_EVENT_OUTPUT);
  ev->u.output.text = fs_trace_intern (trace, "warning: \xff not utf-8");
  ev->u.output.stream = FS_STREAM_STDERR;
  ev = fs_trace_append (trace, 260, main_p, FS_EVENT_MARKER);
  ev->u.marker.text = fs_trace_intern (trace, "wait()");
  ev->u.marker.line = 12;
  ev = fs_trace_append (trace, 270, main_p, FS_EVENT_BLOCK);
  ev->u.block.reason = FS_BLOCK_WAIT;
  ev->u.block.line = 12;
  ev = fs_trace_append (trace, 280, main_p, FS_EVENT_THREAD);
  ev->u.thread.tid = 1242;
  ev = fs_trace_append (trace, 300, child, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { .kind = FS_EXIT_SIGNAL, .core = 1, .value = SIGSEGV };
  ev = fs_trace_append (trace, 310, main_p, FS_EVENT_UNBLOCK);
  ev->u.block.reason = FS_BLOCK_WAIT;
  ev = fs_trace_append (trace, 310, main_p, FS_EVENT_REAP);
  ev->u.reap.child = child;
  ev->u.reap.status = (FsExitStatus) { .kind = FS_EXIT_SIGNAL, .core = 1, .value = SIGSEGV };
  ev = fs_trace_append (trace, 400, orphan, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { .kind = FS_EXIT_CODE, .value = 3 };

  g_autoptr (GError) error = NULL;
  g_assert_true (fs_trace_finish (trace, &error));
  g_assert_no_error (error);
  return trace;
}

static GBytes *
save_to_bytes (FsTestTempDir *f, FsTrace *trace)
{
  g_autofree char *path = fs_test_temp_dir_path (f, "saved.fstrace");
  g_autoptr (GError) error = NULL;
  g_assert_true (fs_trace_save (trace, path, &error));
  g_assert_no_error (error);
  char *contents;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* ---- Round trips ------------------------------------------------------- */

static void
test_round_trip (FsTestTempDir *f, gconstpointer data)
{
  g_autoptr (FsTrace) trace = build_full_trace ();
  g_autofree char *path = fs_test_temp_dir_path (f, "full.fstrace");
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;

  g_assert_true (fs_trace_save (trace, path, &error));
  g_assert_no_error (error);
  g_autoptr (FsTrace) loaded = fs_trace_load (path, &warning, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_null (warning);
  g_assert_false (fs_trace_get_meta (loaded)->truncated);
  fs_test_assert_traces_equal (trace, loaded, TRUE);

  /* Spot checks that do not go through the comparison helper. */
  g_assert_cmpuint (fs_trace_n_events (loaded), ==, 23);
  g_assert_cmpstr (fs_trace_process_name (loaded, 1), ==, "child");
  g_assert_cmpint (fs_trace_process (loaded, 1)->end_ns, ==, 300);
  g_assert_cmpuint (fs_trace_process (loaded, 0)->threads->len, ==, 3);
  g_assert_cmpstr (fs_trace_get_meta (loaded)->command, ==, "sh -c 'sleep 1 & wait'");

  /* Saving what was loaded gives the same bytes. */
  g_autoptr (GBytes) first = save_to_bytes (f, trace);
  g_autoptr (GBytes) second = save_to_bytes (f, loaded);
  g_assert_true (g_bytes_equal (first, second));
}

static void
test_round_trip_empty (FsTestTempDir *f, gconstpointer data)
{
  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (fs_trace_finish (trace, &error));
  g_autoptr (GBytes) bytes = save_to_bytes (f, trace);
  /* File header + end record. */
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 32 + 32);
  g_autoptr (FsTrace) loaded = fs_trace_load_bytes (g_bytes_get_data (bytes, NULL),
                                                    g_bytes_get_size (bytes), "empty",
                                                    NULL, &error);
  g_assert_no_error (error);
  fs_test_assert_traces_equal (trace, loaded, TRUE);
}

static void
test_synth_round_trip (FsTestTempDir *f, gconstpointer data)
{
  g_autoptr (FsTrace) trace = fs_trace_synth (200, 20000, 42);
  g_autoptr (FsTrace) again = fs_trace_synth (200, 20000, 42);
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (fs_trace_n_processes (trace), ==, 200);
  g_assert_cmpuint (fs_trace_n_events (trace), ==, 20000);
  fs_test_assert_traces_equal (trace, again, TRUE);

  /* Every lifecycle kind is there, and each non-root process is forked once. */
  guint counts[FS_EVENT_KIND_LAST] = { 0 };
  gsize n;
  const FsEvent *events = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    {
      counts[events[i].kind]++;
      if (i > 0)
        g_assert_cmpint (events[i - 1].t_ns, <=, events[i].t_ns);
    }
  g_assert_cmpuint (counts[FS_EVENT_FORK], ==, 199);
  g_assert_cmpuint (counts[FS_EVENT_REAP], ==, 199);
  g_assert_cmpuint (counts[FS_EVENT_EXIT], ==, 200);
  g_assert_cmpuint (counts[FS_EVENT_EXEC], ==, 200);
  g_assert_cmpuint (counts[FS_EVENT_SIGNAL_SEND], ==, counts[FS_EVENT_SIGNAL_DELIVER]);
  g_assert_cmpuint (counts[FS_EVENT_SIGNAL_SEND], >, 1000);
  g_assert_cmpuint (counts[FS_EVENT_OUTPUT], >, 1000);

  g_autoptr (GBytes) bytes = save_to_bytes (f, trace);
  /* Fixed 32-byte events plus small headers: well under 40 bytes per event. */
  g_assert_cmpuint (g_bytes_get_size (bytes) / n, <, 40);
  g_autoptr (FsTrace) loaded = fs_trace_load_bytes (g_bytes_get_data (bytes, NULL),
                                                    g_bytes_get_size (bytes), "synth",
                                                    NULL, &error);
  g_assert_no_error (error);
  fs_test_assert_traces_equal (trace, loaded, TRUE);

  /* Too few events for the processes asked for: fewer processes, exact count. */
  g_autoptr (FsTrace) small = fs_trace_synth (100, 11, 1);
  g_assert_cmpuint (fs_trace_n_events (small), ==, 11);
  g_assert_cmpuint (fs_trace_n_processes (small), ==, 3);
  g_autoptr (FsTrace) tiny = fs_trace_synth (5, 0, 1);
  g_assert_cmpuint (fs_trace_n_events (tiny), ==, 0);
  g_assert_cmpuint (fs_trace_n_processes (tiny), ==, 1);
}

static void
test_writer_fd (FsTestTempDir *f, gconstpointer data)
{
  g_autoptr (FsTrace) trace = build_full_trace ();
  g_autoptr (GBytes) saved = save_to_bytes (f, trace);
  g_autoptr (GError) error = NULL;
  int fd = memfd_create ("test-trace", MFD_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);

  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new_for_fd (dup (fd), "memfd", trace,
                                                                 &error);
  g_assert_no_error (error);
  g_assert_true (fs_trace_writer_close (writer, &error));
  g_assert_no_error (error);

  gsize len = g_bytes_get_size (saved);
  g_autofree guint8 *bytes = g_malloc (len + 1);
  /* Exactly the bytes fs_trace_save writes, and nothing more. */
  g_assert_cmpint (pread (fd, bytes, len + 1, 0), ==, (gssize) len);
  g_assert_cmpmem (bytes, len, g_bytes_get_data (saved, NULL), len);
  close (fd);
}

/* ---- Incremental writer ------------------------------------------------ */

static void
assert_partial_file (const char *path, gsize n_events, guint n_processes)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autoptr (FsTrace) loaded = fs_trace_load (path, &warning, &error);
  g_assert_no_error (error);
  g_assert_true (fs_trace_get_meta (loaded)->truncated);
  g_assert_nonnull (warning);
  g_assert_true (strstr (warning, "no end record") != NULL);
  g_assert_cmpuint (fs_trace_n_events (loaded), ==, n_events);
  g_assert_cmpuint (fs_trace_n_processes (loaded), ==, n_processes);
}

static void
test_incremental_writer (FsTestTempDir *f, gconstpointer data)
{
  g_autofree char *path = fs_test_temp_dir_path (f, "live.fstrace");
  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (GError) error = NULL;
  FsTraceMeta *meta = fs_trace_get_meta (trace);
  FsEvent *ev;

  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new (path, trace, &error);
  g_assert_no_error (error);
  g_assert_true (fs_trace_writer_sync (writer, &error));
  assert_partial_file (path, 0, 0);

  /* Sync 1: a root and some metadata. */
  meta->recorder = g_strdup ("test");
  meta->tracer = g_strdup ("ptrace");
  fs_trace_meta_set_extra (trace, "a", "1");
  fs_trace_meta_set_extra (trace, "b", "2");
  FsProcessId root = fs_trace_add_process (trace, 10, FS_PROCESS_NONE, 0, "root");
  ev = fs_trace_append (trace, 5, root, FS_EVENT_OUTPUT);
  ev->u.output.text = fs_trace_intern (trace, "hello");
  g_assert_true (fs_trace_writer_sync (writer, &error));
  g_assert_no_error (error);
  assert_partial_file (path, 1, 1);

  /* Sync 2: a child created before its "parent" (a forward reference the
   * writer must resolve), the root changes name, threads and ids. */
  FsProcessId child = fs_trace_add_process (trace, 11, FS_PROCESS_NONE, 10, "child");
  FsProcessId adopter = fs_trace_add_process (trace, 12, root, 10, "adopter");
  fs_trace_process (trace, child)->parent = adopter;
  FsProcess *p = fs_trace_process (trace, root);
  p->name = fs_trace_intern (trace, "renamed-root");
  p->pgid = 10;
  fs_trace_process_add_thread (trace, root, 13);
  fs_trace_append (trace, 10, root, FS_EVENT_FORK)->u.fork.child = adopter;
  fs_trace_append (trace, 10, adopter, FS_EVENT_FORK)->u.fork.child = child;
  const char *argv[] = { "child", "--x", NULL };
  ev = fs_trace_append (trace, 20, child, FS_EVENT_EXEC);
  ev->u.exec.path = fs_trace_intern (trace, "/bin/child");
  ev->u.exec.argv = fs_trace_add_strv (trace, argv);
  fs_trace_meta_set_extra (trace, "a", NULL);
  fs_trace_meta_set_extra (trace, "b", "3");
  meta->lost_events = 5;
  g_assert_true (fs_trace_writer_sync (writer, &error));
  g_assert_no_error (error);
  assert_partial_file (path, 4, 3);

  /* A sync with nothing new writes nothing. */
  goffset size_before = 0;
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    size_before = st.st_size;
    g_assert_true (fs_trace_writer_sync (writer, &error));
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_size, ==, size_before);
  }

  /* Sync 3: exits, reaps, more meta; then close. */
  ev = fs_trace_append (trace, 30, child, FS_EVENT_EXIT);
  ev->u.exit.status = (FsExitStatus) { .kind = FS_EXIT_CODE, .value = 2 };
  fs_trace_process (trace, child)->end_ns = 30;
  fs_trace_process (trace, child)->exit = ev->u.exit.status;
  ev = fs_trace_append (trace, 31, adopter, FS_EVENT_REAP);
  ev->u.reap.child = child;
  ev->u.reap.status = (FsExitStatus) { .kind = FS_EXIT_CODE, .value = 2 };
  g_free (meta->tracer);
  meta->tracer = NULL;
  meta->scenario = g_strdup ("x.fsc");
  meta->start_wall_ns = 12345;
  g_assert_true (fs_trace_writer_sync (writer, &error));
  assert_partial_file (path, 6, 3);

  /* Close: fs_trace_finish derives facts (reap time) that change processes;
   * they must reach the file too. */
  g_assert_true (fs_trace_finish (trace, &error));
  g_assert_true (fs_trace_writer_close (writer, &error));
  g_assert_no_error (error);
  g_assert_false (fs_trace_writer_sync (writer, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO);
  g_clear_error (&error);

  g_autofree char *warning = NULL;
  g_autoptr (FsTrace) loaded = fs_trace_load (path, &warning, &error);
  g_assert_no_error (error);
  g_assert_null (warning);
  fs_test_assert_traces_equal (trace, loaded, TRUE);
  g_assert_cmpuint (fs_trace_process (loaded, child)->parent, ==, adopter);
  g_assert_cmpint (fs_trace_process (loaded, child)->reap_ns, ==, 31);
  g_assert_cmpstr (fs_trace_process_name (loaded, root), ==, "renamed-root");
  g_assert_null (g_hash_table_lookup (fs_trace_get_meta (loaded)->extra, "a"));
  g_assert_cmpstr (g_hash_table_lookup (fs_trace_get_meta (loaded)->extra, "b"), ==, "3");
  g_assert_null (fs_trace_get_meta (loaded)->tracer);
}

static void
test_writer_rejects_unordered (FsTestTempDir *f, gconstpointer data)
{
  g_autofree char *path = fs_test_temp_dir_path (f, "unordered.fstrace");
  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (GError) error = NULL;
  FsProcessId root = fs_trace_add_process (trace, 10, FS_PROCESS_NONE, 0, "root");
  fs_trace_append (trace, 50, root, FS_EVENT_STOP);
  fs_trace_append (trace, 40, root, FS_EVENT_CONTINUE);
  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new (path, trace, &error);
  g_assert_no_error (error);
  g_assert_false (fs_trace_writer_sync (writer, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_INVALID);
}

/* ---- Truncation -------------------------------------------------------- */

static void
test_truncated_every_byte (FsTestTempDir *f, gconstpointer data)
{
  g_autoptr (FsTrace) trace = build_full_trace ();
  g_autoptr (GBytes) bytes = save_to_bytes (f, trace);
  gsize len;
  const guint8 *full = g_bytes_get_data (bytes, &len);
  gsize last_events = 0;

  for (gsize cut = 0; cut < len; cut++)
    {
      /* A heap copy of exactly cut bytes, so reading past it is caught by
       * the sanitizers and valgrind. */
      g_autofree guint8 *copy = g_memdup2 (full, MAX (cut, 1));
      g_autoptr (GError) error = NULL;
      g_autofree char *warning = NULL;
      g_autoptr (FsTrace) loaded = fs_trace_load_bytes (copy, cut, "cut.fstrace", &warning,
                                                        &error);
      if (cut < 32)
        {
          g_assert_null (loaded);
          g_assert_nonnull (error);
          g_assert_true (error->domain == FS_TRACE_ERROR);
          g_assert_true (g_str_has_prefix (error->message, "cut.fstrace: byte "));
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (loaded);
      g_assert_true (fs_trace_get_meta (loaded)->truncated);
      g_assert_nonnull (warning);
      g_assert_true (g_str_has_prefix (warning, "cut.fstrace: truncated at byte "));
      gsize n = fs_trace_n_events (loaded);
      g_autofree char *tail = g_strdup_printf ("; %" G_GSIZE_FORMAT " events read", n);
      g_assert_true (g_str_has_suffix (warning, tail));
      g_assert_cmpuint (n, >=, last_events);
      last_events = n;
    }
  /* Everything but the end record is in the file, so the last cut has all
   * events. */
  g_assert_cmpuint (last_events, ==, fs_trace_n_events (trace));

  g_autofree char *warning = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) loaded = fs_trace_load_bytes (full, len, "whole", &warning, &error);
  g_assert_no_error (error);
  g_assert_null (warning);
  g_assert_false (fs_trace_get_meta (loaded)->truncated);

  /* A cut inside a record names the record's start. */
  g_autoptr (FsTrace) cut = fs_trace_load_bytes (full, len - 4, "x", &warning, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cut);
  g_autofree char *expected = g_strdup_printf ("x: truncated at byte %" G_GSIZE_FORMAT
                                               " (file ends inside a record); 23 events read",
                                               len - 32);
  g_assert_cmpstr (warning, ==, expected);
}

/* ---- Corruption -------------------------------------------------------- */

static guint32
rd32 (const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

static void
wr32 (guint8 *p, guint32 v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

static void
wr64 (guint8 *p, guint64 v)
{
  wr32 (p, (guint32) v);
  wr32 (p + 4, (guint32) (v >> 32));
}

/* Offset of the nth (0-based) record of a type, or 0. */
static gsize
find_record (const guint8 *data, gsize len, guint16 type, guint nth)
{
  gsize off = 32;
  while (off + 8 <= len)
    {
      guint16 t = data[off] | (data[off + 1] << 8);
      guint32 rlen = rd32 (data + off + 4);
      if (t == type && nth-- == 0)
        return off;
      off += rlen;
    }
  g_assert_not_reached ();
  return 0;
}

enum { T_STRINGS = 1, T_STRVS, T_PROCESS, T_META, T_EVENTS, T_END };

typedef struct {
  guint8 *data;
  gsize   len;
} Mutable;

static void
assert_load_fails (const Mutable *m, FsTraceError code, gsize offset, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) loaded = fs_trace_load_bytes (m->data, m->len, "bad.fstrace", NULL,
                                                    &error);
  g_assert_null (loaded);
  g_assert_error (error, FS_TRACE_ERROR, (gint) code);
  /* offset G_MAXSIZE: any offset (it depends on where decoding gave up). */
  g_autofree char *prefix = offset == G_MAXSIZE
    ? g_strdup ("bad.fstrace: byte ")
    : g_strdup_printf ("bad.fstrace: byte %" G_GSIZE_FORMAT ": ", offset);
  if (!g_str_has_prefix (error->message, prefix) || !strstr (error->message, needle))
    g_error ("unexpected message '%s' (wanted prefix '%s' and '%s')", error->message, prefix,
             needle);
}

static Mutable
mutable_copy (GBytes *bytes)
{
  Mutable m;
  m.data = g_memdup2 (g_bytes_get_data (bytes, &m.len), g_bytes_get_size (bytes));
  return m;
}

/* Index of the first event of a kind in the first EVENTS record. */
static gsize
event_offset (const Mutable *m, FsEventKind kind)
{
  gsize rec = find_record (m->data, m->len, T_EVENTS, 0);
  guint32 count = rd32 (m->data + rec + 8);
  for (guint32 i = 0; i < count; i++)
    {
      gsize off = rec + 16 + 32 * (gsize) i;
      if (m->data[off + 12] == kind)
        return off;
    }
  g_assert_not_reached ();
  return 0;
}

static void
test_corrupt_fields (FsTestTempDir *f, gconstpointer data)
{
  g_autoptr (FsTrace) trace = build_full_trace ();
  g_autoptr (GBytes) bytes = save_to_bytes (f, trace);
  Mutable m;
  gsize off;

#define FRESH() G_STMT_START { g_free (m.data); m = mutable_copy (bytes); } G_STMT_END
  m.data = NULL;

  /* Header. */
  FRESH ();
  m.data[1] = 'X';
  assert_load_fails (&m, FS_TRACE_ERROR_FORMAT, 0, "not a forkscope trace");
  FRESH ();
  wr32 (m.data + 8, 99);
  assert_load_fails (&m, FS_TRACE_ERROR_VERSION, 8, "unsupported version 99");
  FRESH ();
  wr32 (m.data + 12, 0x04030201);
  assert_load_fails (&m, FS_TRACE_ERROR_VERSION, 12, "big-endian");
  FRESH ();
  wr32 (m.data + 16, 0xfffffff8);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, 16, "header size");

  /* Record framing. */
  FRESH ();
  off = find_record (m.data, m.len, T_STRINGS, 0);
  wr32 (m.data + off + 4, 0xfffffff8);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 4, "invalid record length");
  FRESH ();
  wr32 (m.data + off + 4, 12);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 4, "invalid record length");
  FRESH ();
  m.data[off] = 77;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off, "unknown record type 77");
  FRESH ();
  m.data[off + 2] = 4;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 2, "unknown record flags");

  /* Huge counts. */
  FRESH ();
  wr32 (m.data + off + 12, 0x7fffffff);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, G_MAXSIZE, "string");
  FRESH ();
  off = find_record (m.data, m.len, T_STRINGS, 0);
  wr32 (m.data + off + 16, 0xfffffff0);   /* length of the first string */
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16, "runs past the end");
  FRESH ();
  off = find_record (m.data, m.len, T_STRVS, 0);
  wr32 (m.data + off + 16, 0x40000000);   /* length of the first strv */
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16, "strv length");
  FRESH ();
  off = find_record (m.data, m.len, T_PROCESS, 0);
  wr32 (m.data + off + 8 + 68, 0xffffffff);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 8 + 68, "thread count");
  FRESH ();
  off = find_record (m.data, m.len, T_EVENTS, 0);
  wr32 (m.data + off + 8, 0x10000000);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 8, "event count");
  FRESH ();
  off = find_record (m.data, m.len, T_META, 0);
  wr32 (m.data + off + 8, 0xffffffff);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, G_MAXSIZE, "meta entry");

  /* Bad kinds and enums. */
  FRESH ();
  off = event_offset (&m, FS_EVENT_STOP);
  m.data[off + 12] = 200;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 12, "unknown event kind");
  FRESH ();
  m.data[off + 12] = 0;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 12, "unknown event kind");
  FRESH ();
  off = event_offset (&m, FS_EVENT_STOP);
  m.data[off + 13] = 65;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 13, "signal number out of range");
  FRESH ();
  off = event_offset (&m, FS_EVENT_SIGNAL_DELIVER);
  m.data[off + 16 + 8] = FS_ACTION_LAST;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16 + 8, "unknown signal action");
  FRESH ();
  off = event_offset (&m, FS_EVENT_SIGNAL_SEND);
  m.data[off + 16 + 12] = 9;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16 + 12, "target kind");
  FRESH ();
  off = event_offset (&m, FS_EVENT_EXIT);
  m.data[off + 16] = 3;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16, "invalid exit status");
  FRESH ();
  off = event_offset (&m, FS_EVENT_OUTPUT);
  m.data[off + 16 + 4] = 2;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16 + 4, "unknown output stream");
  FRESH ();
  off = event_offset (&m, FS_EVENT_BLOCK);
  m.data[off + 16] = FS_BLOCK_LAST;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16, "unknown block reason");
  FRESH ();
  off = event_offset (&m, FS_EVENT_OUTPUT);
  m.data[off + 31] = 1;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 31, "unused bytes not zero");
  FRESH ();
  off = find_record (m.data, m.len, T_META, 0);
  m.data[off + 16 + 2] = 9;   /* first entry's value type */
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16 + 2, "unknown meta value type");

  /* Out-of-range ids. */
  FRESH ();
  off = event_offset (&m, FS_EVENT_STOP);
  wr32 (m.data + off + 8, 3);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 8, "process id out of range");
  FRESH ();
  off = event_offset (&m, FS_EVENT_FORK);
  wr32 (m.data + off + 16, 1000);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16, "fork child");
  FRESH ();
  off = event_offset (&m, FS_EVENT_OUTPUT);
  wr32 (m.data + off + 16, 5000);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16, "string id out of range");
  FRESH ();
  off = event_offset (&m, FS_EVENT_EXEC);
  wr32 (m.data + off + 20, 3);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 20, "strv id out of range");
  FRESH ();
  off = event_offset (&m, FS_EVENT_SIGNAL_DELIVER);
  wr32 (m.data + off + 16, 17);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 16, "sender");
  FRESH ();
  off = find_record (m.data, m.len, T_PROCESS, 1);
  wr32 (m.data + off + 8 + 8, 1);   /* process 1 its own parent */
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 8 + 8, "parent id");
  FRESH ();
  wr32 (m.data + off + 8 + 8, 2);   /* a parent defined later */
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 8 + 8, "parent id");
  FRESH ();
  wr32 (m.data + off + 8 + 16, 999);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 8 + 16, "name string id");
  FRESH ();
  wr32 (m.data + off + 8, 5);       /* skips process ids */
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 8, "skips ahead");
  FRESH ();
  off = find_record (m.data, m.len, T_STRVS, 0);
  wr32 (m.data + off + 20, 4000);   /* first string of the first strv */
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 20, "string id");
  FRESH ();
  off = find_record (m.data, m.len, T_STRINGS, 0);
  wr32 (m.data + off + 8, 5);       /* first id */
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 8, "expected 1");

  /* Unordered times. */
  FRESH ();
  off = event_offset (&m, FS_EVENT_RENAME);
  wr64 (m.data + off, 10);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off, "earlier than the event before");

  /* End record and what follows it. */
  FRESH ();
  off = find_record (m.data, m.len, T_END, 0);
  wr32 (m.data + off + 8 + 16, 25);
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, off + 8, "end record counts");
  FRESH ();
  m.data = g_realloc (m.data, m.len + 8);
  memset (m.data + m.len, 0, 8);
  m.len += 8;
  assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, m.len - 8, "data after the end record");

  /* A cycle in the tree made by rewriting a process: 0's parent becomes 2. */
  FRESH ();
  {
    g_autoptr (FsTrace) cyc = build_full_trace ();
    fs_trace_process (cyc, 0)->parent = 2;
    g_autoptr (GBytes) cb = save_to_bytes (f, cyc);
    g_free (m.data);
    m = mutable_copy (cb);
    assert_load_fails (&m, FS_TRACE_ERROR_CORRUPT, m.len, "its own ancestor");
  }

  /* An unknown record marked skippable is skipped. */
  FRESH ();
  off = find_record (m.data, m.len, T_STRINGS, 0);
  {
    guint8 extra[16] = { 99, 0, 1, 0, 16, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
    guint8 *grown = g_malloc (m.len + sizeof extra);
    memcpy (grown, m.data, off);
    memcpy (grown + off, extra, sizeof extra);
    memcpy (grown + off + sizeof extra, m.data + off, m.len - off);
    g_autoptr (GError) error = NULL;
    g_autoptr (FsTrace) loaded = fs_trace_load_bytes (grown, m.len + sizeof extra, "skip",
                                                      NULL, &error);
    g_assert_no_error (error);
    fs_test_assert_traces_equal (trace, loaded, TRUE);
    g_free (grown);
  }

  g_free (m.data);
#undef FRESH
}

static void
test_load_errors (FsTestTempDir *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = fs_test_temp_dir_path (f, "missing.fstrace");
  g_assert_null (fs_trace_load (missing, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_clear_error (&error);

  g_assert_null (fs_trace_load (f->dir, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO);
  g_clear_error (&error);

  g_autofree char *empty = fs_test_temp_dir_path (f, "empty.fstrace");
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_null (fs_trace_load (empty, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_FORMAT);
  g_clear_error (&error);

  g_autofree char *json = fs_test_temp_dir_path (f, "trace.json");
  g_assert_true (g_file_set_contents (json, "{\"format\":\"forkscope-trace\"}", -1, NULL));
  g_assert_null (fs_trace_load (json, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_FORMAT);
  g_assert_cmpstr (strstr (error->message, ": byte 0: not a forkscope trace"), !=, NULL);
  g_clear_error (&error);

  g_autofree char *dir_as_file = fs_test_temp_dir_path (f, "no-such-dir/x.fstrace");
  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_assert_false (fs_trace_save (trace, dir_as_file, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO);
}

/* A signal read from a signalfd (action 8) is stored and read back as such. */
static void
test_signalfd_action (FsTestTempDir *f, gconstpointer data)
{
  g_autoptr (FsTrace) trace = fs_trace_new ();
  g_autoptr (GError) error = NULL;
  FsProcessId daemon = fs_trace_add_process (trace, 100, FS_PROCESS_NONE, 0, "daemon");
  FsProcessId child = fs_trace_add_process (trace, 101, daemon, 10, "child");
  FsEvent *ev = fs_trace_append (trace, 20, child, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGHUP;
  ev->u.send.target = daemon;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev = fs_trace_append (trace, 30, daemon, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGHUP;
  ev->u.deliver.sender = child;
  ev->u.deliver.action = FS_ACTION_SIGNALFD;
  g_assert_true (fs_trace_finish (trace, &error));

  g_autofree char *path = fs_test_temp_dir_path (f, "signalfd.fstrace");
  g_assert_true (fs_trace_save (trace, path, &error));
  g_assert_no_error (error);
  g_autoptr (FsTrace) loaded = fs_trace_load (path, NULL, &error);
  g_assert_no_error (error);
  fs_test_assert_traces_equal (trace, loaded, TRUE);
  g_assert_cmpint (fs_trace_event (loaded, 1)->u.deliver.action, ==, FS_ACTION_SIGNALFD);
  g_assert_cmpuint (fs_trace_signal_partner (loaded, 1), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, FsTestTempDir, NULL, fs_test_temp_dir_set_up, fn, fs_test_temp_dir_tear_down)
  ADD ("/trace-file/round-trip", test_round_trip);
  ADD ("/trace-file/round-trip-empty", test_round_trip_empty);
  ADD ("/trace-file/signalfd-action", test_signalfd_action);
  ADD ("/trace-file/synth-round-trip", test_synth_round_trip);
  ADD ("/trace-file/writer-fd", test_writer_fd);
  ADD ("/trace-file/incremental-writer", test_incremental_writer);
  ADD ("/trace-file/writer-rejects-unordered", test_writer_rejects_unordered);
  ADD ("/trace-file/truncated-every-byte", test_truncated_every_byte);
  ADD ("/trace-file/corrupt-fields", test_corrupt_fields);
  ADD ("/trace-file/load-errors", test_load_errors);
#undef ADD
  return g_test_run ();
}

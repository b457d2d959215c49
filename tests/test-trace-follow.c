/* test-trace-follow.c: following a growing .fstrace file — the follower's
 * trace must be exactly what fs_trace_load gives for the same bytes, at every
 * step, with partial records left for later and corruption, truncation and
 * replacement reported. */
#include "tests/temp-dir.h"
#include "tests/trace-assert.h"
#include "core/trace-file.h"
#include "core/trace-synth.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>


/* The follower's trace against a fresh load of the same file. */
static void
assert_follows_load (FsTraceFollower *follower, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) loaded = fs_trace_load (path, NULL, &error);
  g_assert_no_error (error);
  fs_test_assert_traces_equal (loaded, fs_trace_follower_get_trace (follower), TRUE);
  g_assert_cmpint (fs_trace_duration (loaded), ==,
                   fs_trace_duration (fs_trace_follower_get_trace (follower)));
}

/* Replays a finished trace into a trace being recorded, the way the
 * recorder builds one: processes appear when an event first names them, with
 * their end, exit and reap filled in later (so the writer rewrites their
 * rows), strings and strvs interned as used. */
typedef struct {
  FsTrace *source;
  FsTrace *live;
  guint    n_defined;
  gsize    next_event;
} Replay;

static FsStringId
copy_string (Replay *rp, FsStringId id)
{
  return fs_trace_intern (rp->live, fs_trace_string (rp->source, id));
}

static void
define_processes_up_to (Replay *rp, FsProcessId id)
{
  if (id == FS_PROCESS_NONE || id == FS_PROCESS_KERNEL)
    return;
  while (rp->n_defined <= id)
    {
      const FsProcess *src = fs_trace_process (rp->source, rp->n_defined);
      /* A parent defined later is linked when it appears (the writer handles
       * the forward reference). */
      FsProcessId parent = src->parent < rp->n_defined ? src->parent : FS_PROCESS_NONE;
      FsProcessId got = fs_trace_add_process (rp->live, src->pid, parent, src->start_ns,
                                              fs_trace_string (rp->source, src->name));
      g_assert_cmpuint (got, ==, rp->n_defined);
      FsProcess *p = fs_trace_process (rp->live, got);
      p->comm = copy_string (rp, src->comm);
      p->pgid = src->pgid;
      p->sid = src->sid;
      p->flags = src->flags;
      for (guint i = 0; i < got; i++)
        if (fs_trace_process (rp->source, i)->parent == got)
          fs_trace_process (rp->live, i)->parent = got;
      rp->n_defined++;
    }
}

static void
replay_events (Replay *rp, gsize n)
{
  gsize total = fs_trace_n_events (rp->source);
  for (gsize k = 0; k < n && rp->next_event < total; k++, rp->next_event++)
    {
      FsEvent ev = *fs_trace_event (rp->source, rp->next_event);
      define_processes_up_to (rp, ev.process);
      switch ((FsEventKind) ev.kind)
        {
        case FS_EVENT_FORK:
          define_processes_up_to (rp, ev.u.fork.child);
          break;
        case FS_EVENT_REAP:
          {
            define_processes_up_to (rp, ev.u.reap.child);
            FsProcess *child = fs_trace_process (rp->live, ev.u.reap.child);
            child->reap_ns = ev.t_ns;
            break;
          }
        case FS_EVENT_EXIT:
          {
            FsProcess *p = fs_trace_process (rp->live, ev.process);
            p->end_ns = ev.t_ns;
            p->exit = ev.u.exit.status;
            p->comm = copy_string (rp, fs_trace_process (rp->source, ev.process)->comm);
            break;
          }
        case FS_EVENT_SIGNAL_SEND:
          if (ev.u.send.target_kind == FS_TARGET_PROCESS)
            define_processes_up_to (rp, ev.u.send.target);
          break;
        case FS_EVENT_SIGNAL_DELIVER:
          define_processes_up_to (rp, ev.u.deliver.sender);
          break;
        case FS_EVENT_EXEC:
          ev.u.exec.path = copy_string (rp, ev.u.exec.path);
          if (ev.u.exec.argv != FS_STRV_NONE)
            ev.u.exec.argv = fs_trace_add_strv (rp->live, fs_trace_strv (rp->source, ev.u.exec.argv));
          break;
        case FS_EVENT_RENAME:
          ev.u.rename.comm = copy_string (rp, ev.u.rename.comm);
          break;
        case FS_EVENT_OUTPUT:
          ev.u.output.text = copy_string (rp, ev.u.output.text);
          break;
        case FS_EVENT_MARKER:
          ev.u.marker.text = copy_string (rp, ev.u.marker.text);
          break;
        case FS_EVENT_THREAD:
          fs_trace_process_add_thread (rp->live, ev.process, ev.u.thread.tid);
          break;
        default:
          break;
        }
      fs_trace_append_event (rp->live, &ev);
    }
}

/* ---- Tests ------------------------------------------------------------- */

/* A recording written in many small syncs of varying size, with metadata and
 * process rows changing along the way: after every sync the follower equals
 * a full load, grows the same trace object and reports what is new. */
static void
test_follow_writer (FsTestTempDir *f, gconstpointer data)
{
  g_autofree char *path = fs_test_temp_dir_path (f, "growing.fstrace");
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) source = fs_trace_synth (120, 12000, 7);
  g_autoptr (FsTrace) live = fs_trace_new ();
  Replay rp = { .source = source, .live = live };
  FsTraceMeta *meta = fs_trace_get_meta (live);
  meta->recorder = g_strdup ("test-follow");
  meta->tracer = g_strdup ("synthetic");

  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new (path, live, &error);
  g_assert_no_error (error);
  g_autoptr (FsTraceFollower) follower = fs_trace_follower_new (path);
  FsTrace *followed = fs_trace_follower_get_trace (follower);
  FsTraceGrowth growth;
  /* The same file followed double-buffered, as the app does. */
  g_autoptr (FsTraceFollower) doubled = fs_trace_follower_new_double_buffered (path);
  FsTrace *front = fs_trace_follower_get_trace (doubled);

  /* Only the file header so far. */
  g_assert_true (fs_trace_follower_update (follower, &growth, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fs_trace_n_events (followed), ==, 0);
  g_assert_true (fs_trace_get_meta (followed)->truncated);
  assert_follows_load (follower, path);

  GRand *rand = g_rand_new_with_seed (11);
  guint step = 0, steps_rewriting = 0;
  while (rp.next_event < fs_trace_n_events (source))
    {
      gsize before = fs_trace_n_events (followed);
      guint processes_before = fs_trace_n_processes (followed);
      replay_events (&rp, (gsize) g_rand_int_range (rand, 1, 400));
      if (step % 7 == 3)
        {
          g_autofree char *value = g_strdup_printf ("%u", step);
          fs_trace_meta_set_extra (live, "step", value);
          meta->lost_events = step;
        }
      g_assert_true (fs_trace_writer_sync (writer, &error));
      g_assert_no_error (error);

      gsize offset_before = fs_trace_follower_get_offset (follower);
      g_assert_true (fs_trace_follower_update (follower, &growth, &error));
      g_assert_no_error (error);
      /* The same trace object, grown by exactly what was synced. */
      g_assert_true (fs_trace_follower_get_trace (follower) == followed);
      g_assert_cmpuint (fs_trace_n_events (followed), ==, fs_trace_n_events (live));
      g_assert_cmpuint (growth.n_events_before, ==, before);
      g_assert_cmpuint (growth.first_changed_event, ==, before);
      g_assert_cmpuint (growth.n_processes_before, ==, processes_before);
      g_assert_cmpuint (growth.bytes_applied, ==, fs_trace_follower_get_offset (follower) - offset_before);
      g_assert_cmpuint (growth.bytes_applied, >, 0);
      if (step % 7 == 3)
        g_assert_true (growth.meta_changed);
      steps_rewriting += growth.n_rewritten_processes > 0;
      assert_follows_load (follower, path);

      /* Double-buffered: the back catches up (the first time from the
       * start), the swap shows it in the same front object. */
      FsTraceGrowth swapped;
      g_assert_true (fs_trace_follower_update_back (doubled, &error));
      g_assert_no_error (error);
      g_assert_true (fs_trace_follower_swap (doubled, &swapped));
      g_assert_false (fs_trace_follower_swap (doubled, NULL));   /* nothing newer */
      g_assert_true (fs_trace_follower_get_trace (doubled) == front);
      g_assert_cmpuint (swapped.n_events_before, ==, before);
      g_assert_cmpuint (swapped.first_changed_event, ==, before);
      g_assert_cmpuint (swapped.n_processes_before, ==, processes_before);
      g_assert_cmpuint (fs_trace_follower_get_offset (doubled), ==, fs_trace_follower_get_offset (follower));
      assert_follows_load (doubled, path);
      step++;
    }
  g_rand_free (rand);
  g_assert_cmpuint (step, >, 40);
  g_assert_cmpuint (steps_rewriting, >, step / 2);

  /* Nothing new: nothing applied, still equal. */
  g_assert_true (fs_trace_follower_update (follower, &growth, &error));
  g_assert_cmpuint (growth.bytes_applied, ==, 0);
  g_assert_false (fs_trace_follower_is_complete (follower));

  g_assert_true (fs_trace_finish (live, &error));
  g_assert_true (fs_trace_writer_close (writer, &error));
  g_assert_no_error (error);
  g_assert_true (fs_trace_follower_update (follower, &growth, &error));
  g_assert_no_error (error);
  g_assert_true (fs_trace_follower_is_complete (follower));
  g_assert_false (fs_trace_get_meta (followed)->truncated);
  assert_follows_load (follower, path);
  g_assert_true (fs_trace_follower_update_back (doubled, &error));
  g_assert_true (fs_trace_follower_swap (doubled, NULL));
  g_assert_true (fs_trace_follower_is_complete (doubled));
  assert_follows_load (doubled, path);
  /* Process rows were rewritten on the way (exits, reaps). */
  g_assert_cmpint (fs_trace_process (followed, 5)->end_ns, !=, FS_TIME_NONE);
}

/* The file grows a few bytes at a time, so most updates end inside a
 * record (or inside the file header): that part waits for the next update. */
static void
test_follow_partial_records (FsTestTempDir *f, gconstpointer data)
{
  g_autofree char *full_path = fs_test_temp_dir_path (f, "full.fstrace");
  g_autofree char *path = fs_test_temp_dir_path (f, "prefix.fstrace");
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) source = fs_trace_synth (12, 300, 3);
  g_assert_true (fs_trace_save (source, full_path, &error));
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (full_path, &bytes, &len, &error));

  g_assert_true (g_file_set_contents (path, "", 0, &error));
  g_autoptr (FsTraceFollower) follower = fs_trace_follower_new (path);
  FILE *out = fopen (path, "ab");
  g_assert_nonnull (out);
  GRand *rand = g_rand_new_with_seed (5);
  gsize written = 0;
  guint waited_inside_record = 0;
  while (written < len)
    {
      gsize n = MIN ((gsize) g_rand_int_range (rand, 1, 90), len - written);
      g_assert_cmpuint (fwrite (bytes + written, 1, n, out), ==, n);
      fflush (out);
      written += n;

      FsTraceGrowth growth;
      g_assert_true (fs_trace_follower_update (follower, &growth, &error));
      g_assert_no_error (error);
      gsize offset = fs_trace_follower_get_offset (follower);
      g_assert_cmpuint (offset, <=, written);
      if (offset < written && offset > 32)
        waited_inside_record++;
      if (written >= 32)
        assert_follows_load (follower, path);
      else
        g_assert_cmpuint (offset, ==, 0);
    }
  fclose (out);
  g_rand_free (rand);
  g_assert_cmpuint (waited_inside_record, >, 10);
  g_assert_cmpuint (fs_trace_follower_get_offset (follower), ==, len);
  g_assert_true (fs_trace_follower_is_complete (follower));
  fs_test_assert_traces_equal (source, fs_trace_follower_get_trace (follower), TRUE);
}

static void
write_prefix (const char *path, const char *bytes, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, &error));
}

/* Truncating the file below what was applied, or replacing it, is an I/O
 * error naming the file; the trace keeps what it had. */
static void
test_follow_truncated_or_replaced (FsTestTempDir *f, gconstpointer data)
{
  g_autofree char *path = fs_test_temp_dir_path (f, "t.fstrace");
  g_autofree char *other = fs_test_temp_dir_path (f, "other.fstrace");
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) source = fs_trace_synth (10, 200, 9);
  g_assert_true (fs_trace_save (source, path, &error));
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &len, &error));

  g_autoptr (FsTraceFollower) follower = fs_trace_follower_new (path);
  g_assert_true (fs_trace_follower_update (follower, NULL, &error));
  g_assert_no_error (error);
  gsize n_events = fs_trace_n_events (fs_trace_follower_get_trace (follower));
  g_assert_cmpuint (n_events, ==, 200);

  /* truncate(2) keeps the inode: the follower sees the file shrink. */
  g_assert_cmpint (truncate (path, (off_t) (len / 2)), ==, 0);
  g_assert_false (fs_trace_follower_update (follower, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_clear_error (&error);
  g_assert_cmpuint (fs_trace_n_events (fs_trace_follower_get_trace (follower)), ==, n_events);

  /* Another file renamed over it: a different inode, even when longer. */
  g_autoptr (FsTraceFollower) second = fs_trace_follower_new (path);
  write_prefix (path, bytes, len / 2);
  g_assert_true (fs_trace_follower_update (second, NULL, &error));
  g_assert_no_error (error);
  write_prefix (other, bytes, len);
  g_assert_cmpint (g_rename (other, path), ==, 0);
  g_assert_false (fs_trace_follower_update (second, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "replaced"));
  g_clear_error (&error);

  /* A new follower reads the new file from the start. */
  g_autoptr (FsTraceFollower) third = fs_trace_follower_new (path);
  g_assert_true (fs_trace_follower_update (third, NULL, &error));
  g_assert_no_error (error);
  assert_follows_load (third, path);
}

/* Corruption arriving in a later update fails with the very message a full
 * load gives (file and absolute offset); the records before it stay, the bad
 * events record is dropped whole, and the follower stops there. */
static void
test_follow_corrupt (FsTestTempDir *f, gconstpointer data)
{
  g_autofree char *path = fs_test_temp_dir_path (f, "c.fstrace");
  g_autofree char *good_path = fs_test_temp_dir_path (f, "good.fstrace");
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) live = fs_trace_new ();
  FsProcessId root = fs_trace_add_process (live, 100, FS_PROCESS_NONE, 0, "root");
  fs_trace_append (live, 10, root, FS_EVENT_STOP)->signal = SIGSTOP;
  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new (path, live, &error);
  g_assert_true (fs_trace_writer_sync (writer, &error));
  g_assert_no_error (error);

  g_autoptr (FsTraceFollower) follower = fs_trace_follower_new (path);
  g_assert_true (fs_trace_follower_update (follower, NULL, &error));
  g_assert_no_error (error);
  gsize good_len = fs_trace_follower_get_offset (follower);

  /* Two more events, synced; then the second one's kind is broken. */
  fs_trace_append (live, 20, root, FS_EVENT_CONTINUE);
  fs_trace_append (live, 30, root, FS_EVENT_CONTINUE);
  g_assert_true (fs_trace_writer_sync (writer, &error));
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &len, &error));
  g_assert_cmpuint (len, ==, good_len + 8 + 8 + 2 * 32);
  gsize bad_kind = good_len + 16 + 32 + 12;
  bytes[bad_kind] = 99;
  /* The file with the bad byte, for the full load to compare with; the
   * follower is handed the same bytes in two parts directly. */
  write_prefix (good_path, bytes, len);
  g_assert_cmpint (g_rename (good_path, path), ==, 0);
  g_autoptr (FsTraceFollower) in_place = fs_trace_follower_new (path);
  g_autoptr (GBytes) head = g_bytes_new_static (bytes, good_len);
  g_assert_true (fs_trace_follower_apply (in_place, 0, head, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (GBytes) rest = g_bytes_new_static (bytes + good_len, len - good_len);
  g_assert_false (fs_trace_follower_apply (in_place, good_len, rest, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_CORRUPT);

  g_autoptr (GError) load_error = NULL;
  g_autoptr (FsTrace) loaded = fs_trace_load (path, NULL, &load_error);
  g_assert_null (loaded);
  g_assert_cmpstr (error->message, ==, load_error->message);
  g_autofree char *where = g_strdup_printf ("%s: byte %" G_GSIZE_FORMAT ":", path, bad_kind);
  g_assert_true (g_str_has_prefix (error->message, where));
  g_clear_error (&error);

  /* The bad record went as a whole; the trace is still finished and usable. */
  FsTrace *trace = fs_trace_follower_get_trace (in_place);
  g_assert_cmpuint (fs_trace_n_events (trace), ==, 1);
  g_assert_cmpuint (fs_trace_event_at_or_before (trace, 100), ==, 0);
  /* And it does not go on. */
  g_autoptr (GBytes) nothing = g_bytes_new_static ("", 0);
  g_assert_false (fs_trace_follower_apply (in_place, good_len, nothing, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO);
  g_clear_error (&error);

  /* Not a trace at all: the format error at once. */
  g_autofree char *junk = fs_test_temp_dir_path (f, "junk.fstrace");
  write_prefix (junk, "hello", 5);
  g_autoptr (FsTraceFollower) junk_follower = fs_trace_follower_new (junk);
  g_assert_false (fs_trace_follower_update (junk_follower, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_FORMAT);
  g_clear_error (&error);

  /* Data after the end record (the writer's file, closed, then more). */
  g_assert_true (fs_trace_finish (live, &error));
  g_assert_true (fs_trace_writer_close (writer, &error));
  g_autofree char *closed_path = fs_test_temp_dir_path (f, "closed.fstrace");
  g_assert_true (fs_trace_save (live, closed_path, &error));
  g_autoptr (FsTraceFollower) ended = fs_trace_follower_new (closed_path);
  g_assert_true (fs_trace_follower_update (ended, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fs_trace_follower_is_complete (ended));
  gsize end_offset = fs_trace_follower_get_offset (ended);
  static const guint8 more[8] = { 4, 0, 0, 0, 8, 0, 0, 0 };
  g_autoptr (GBytes) after = g_bytes_new_static (more, sizeof more);
  g_assert_false (fs_trace_follower_apply (ended, end_offset, after, NULL, &error));
  g_assert_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "data after the end record"));
  g_autofree char *after_where = g_strdup_printf ("byte %" G_GSIZE_FORMAT ":", end_offset);
  g_assert_nonnull (strstr (error->message, after_where));
}

/* A send at the instant of the last event already shown sorts in before
 * it: the follower says where the order changed, and still equals a load. */
static void
test_follow_same_instant_send (FsTestTempDir *f, gconstpointer data)
{
  g_autofree char *path = fs_test_temp_dir_path (f, "s.fstrace");
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) live = fs_trace_new ();
  FsProcessId root = fs_trace_add_process (live, 100, FS_PROCESS_NONE, 0, "root");
  fs_trace_append (live, 5, root, FS_EVENT_CONTINUE);
  fs_trace_append (live, 10, root, FS_EVENT_STOP)->signal = SIGSTOP;
  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new (path, live, &error);
  g_assert_true (fs_trace_writer_sync (writer, &error));
  g_autoptr (FsTraceFollower) follower = fs_trace_follower_new (path);
  FsTraceGrowth growth;
  g_assert_true (fs_trace_follower_update (follower, &growth, &error));
  g_assert_cmpuint (growth.first_changed_event, ==, 0);

  FsEvent *send = fs_trace_append (live, 10, FS_PROCESS_KERNEL, FS_EVENT_SIGNAL_SEND);
  send->signal = SIGCHLD;
  send->u.send.target = root;
  g_assert_true (fs_trace_writer_sync (writer, &error));
  g_assert_no_error (error);
  g_assert_true (fs_trace_follower_update (follower, &growth, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (growth.n_events_before, ==, 2);
  g_assert_cmpuint (growth.first_changed_event, ==, 1);
  FsTrace *trace = fs_trace_follower_get_trace (follower);
  g_assert_cmpint (fs_trace_event (trace, 1)->kind, ==, FS_EVENT_SIGNAL_SEND);
  assert_follows_load (follower, path);

  /* Double-buffered, the swap finds the same place by comparing: a copy of
   * the file grows by the same two syncs. */
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &len, &error));
  g_autofree char *copy = g_build_filename (f->dir, "s2.fstrace", NULL);
  write_prefix (copy, bytes, fs_trace_follower_get_offset (follower) - 8 - 8 - 32);
  g_autoptr (FsTraceFollower) doubled_copy = fs_trace_follower_new_double_buffered (copy);
  g_assert_true (fs_trace_follower_update_back (doubled_copy, &error));
  g_assert_true (fs_trace_follower_swap (doubled_copy, &growth));
  g_assert_cmpuint (fs_trace_n_events (fs_trace_follower_get_trace (doubled_copy)), ==, 2);
  FILE *out = fopen (copy, "ab");
  gsize at = fs_trace_follower_get_offset (doubled_copy);
  g_assert_cmpuint (fwrite (bytes + at, 1, len - at, out), ==, len - at);
  fclose (out);
  g_assert_true (fs_trace_follower_update_back (doubled_copy, &error));
  g_assert_no_error (error);
  g_assert_true (fs_trace_follower_swap (doubled_copy, &growth));
  g_assert_cmpuint (growth.n_events_before, ==, 2);
  g_assert_cmpuint (growth.first_changed_event, ==, 1);
  assert_follows_load (doubled_copy, copy);
}

/* A recording made in several syncs (process rows rewritten, metadata
 * changed), then handed to a double-buffered follower one byte at a time:
 * every split point, inside the file header, a record header or a payload.
 * Whenever the swap shows something, the front equals a full load, and it
 * ends complete. */
static void
test_follow_double_every_byte (FsTestTempDir *f, gconstpointer data)
{
  g_autofree char *src_path = fs_test_temp_dir_path (f, "src.fstrace");
  g_autofree char *path = fs_test_temp_dir_path (f, "bytewise.fstrace");
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) source = fs_trace_synth (8, 160, 13);
  g_autoptr (FsTrace) live = fs_trace_new ();
  Replay rp = { .source = source, .live = live };
  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new (src_path, live, &error);
  g_assert_no_error (error);
  for (guint step = 0; rp.next_event < fs_trace_n_events (source); step++)
    {
      replay_events (&rp, 17);
      if (step % 3 == 1)
        fs_trace_meta_set_extra (live, "step", step % 2 ? "odd" : "even");
      g_assert_true (fs_trace_writer_sync (writer, &error));
    }
  g_assert_true (fs_trace_finish (live, &error));
  g_assert_true (fs_trace_writer_close (writer, &error));
  g_assert_no_error (error);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (src_path, &bytes, &len, &error));

  write_prefix (path, "", 0);
  g_autoptr (FsTraceFollower) follower = fs_trace_follower_new_double_buffered (path);
  FsTrace *front = fs_trace_follower_get_trace (follower);
  FILE *out = fopen (path, "ab");
  g_assert_nonnull (out);
  guint n_swaps = 0;
  gsize shown_events = 0;
  for (gsize written = 0; written < len; written++)
    {
      g_assert_cmpuint (fwrite (bytes + written, 1, 1, out), ==, 1);
      fflush (out);
      g_assert_true (fs_trace_follower_update_back (follower, &error));
      g_assert_no_error (error);
      FsTraceGrowth growth;
      if (!fs_trace_follower_swap (follower, &growth))
        continue;
      n_swaps++;
      g_assert_true (fs_trace_follower_get_trace (follower) == front);
      g_assert_cmpuint (growth.n_events_before, ==, shown_events);
      g_assert_cmpuint (growth.first_changed_event, <=, shown_events);
      shown_events = fs_trace_n_events (front);
      g_assert_cmpuint (fs_trace_follower_get_offset (follower), <=, written + 1);
      assert_follows_load (follower, path);
    }
  fclose (out);
  g_assert_cmpuint (n_swaps, >, 10);
  g_assert_cmpuint (fs_trace_follower_get_offset (follower), ==, len);
  g_assert_true (fs_trace_follower_is_complete (follower));
  fs_test_assert_traces_equal (live, front, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, FsTestTempDir, NULL, fs_test_temp_dir_set_up, fn, fs_test_temp_dir_tear_down)
  ADD ("/trace-follow/writer-syncs", test_follow_writer);
  ADD ("/trace-follow/partial-records", test_follow_partial_records);
  ADD ("/trace-follow/truncated-or-replaced", test_follow_truncated_or_replaced);
  ADD ("/trace-follow/corrupt", test_follow_corrupt);
  ADD ("/trace-follow/same-instant-send", test_follow_same_instant_send);
  ADD ("/trace-follow/double-buffered-every-byte", test_follow_double_every_byte);
#undef ADD
  return g_test_run ();
}

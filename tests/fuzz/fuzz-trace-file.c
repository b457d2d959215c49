/* fuzz-trace-file.c: the .fstrace reader on arbitrary bytes.  Loading must
 * either succeed or fail with an FsTraceError; a loaded trace must answer
 * queries without trouble, and writing it out again must give a file that
 * loads to the same trace. */
#include "fuzz-target.h"

#include "core/trace-file.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void
assert_same_trace (FsTrace *a, FsTrace *b)
{
  g_assert_cmpuint (fs_trace_n_strings (a), ==, fs_trace_n_strings (b));
  for (guint i = 0; i < fs_trace_n_strings (a); i++)
    g_assert_cmpstr (fs_trace_string (a, i), ==, fs_trace_string (b, i));
  g_assert_cmpuint (fs_trace_n_strvs (a), ==, fs_trace_n_strvs (b));
  for (guint i = 0; i < fs_trace_n_strvs (a); i++)
    g_assert_true (g_strv_equal (fs_trace_strv (a, i), fs_trace_strv (b, i)));
  g_assert_cmpuint (fs_trace_n_processes (a), ==, fs_trace_n_processes (b));
  for (guint i = 0; i < fs_trace_n_processes (a); i++)
    {
      const FsProcess *pa = fs_trace_process (a, i), *pb = fs_trace_process (b, i);
      g_assert_cmpuint (pa->parent, ==, pb->parent);
      g_assert_cmpuint (pa->reparented_to, ==, pb->reparented_to);
      g_assert_cmpuint (pa->name, ==, pb->name);
      g_assert_cmpint (pa->start_ns, ==, pb->start_ns);
      g_assert_cmpint (pa->end_ns, ==, pb->end_ns);
      g_assert_cmpint (pa->reap_ns, ==, pb->reap_ns);
      g_assert_cmpint (pa->exit.value, ==, pb->exit.value);
      g_assert_cmpuint (pa->threads ? pa->threads->len : 0, ==,
                        pb->threads ? pb->threads->len : 0);
    }
  gsize na, nb;
  const FsEvent *ea = fs_trace_events (a, &na), *eb = fs_trace_events (b, &nb);
  g_assert_cmpuint (na, ==, nb);
  /* Both were decoded into zeroed structs, so unused bytes match too. */
  g_assert_true (na == 0 || memcmp (ea, eb, na * sizeof *ea) == 0);
  FsTraceMeta *ma = fs_trace_get_meta (a), *mb = fs_trace_get_meta (b);
  g_assert_cmpstr (ma->recorder, ==, mb->recorder);
  g_assert_cmpstr (ma->command, ==, mb->command);
  g_assert_cmpuint (ma->lost_events, ==, mb->lost_events);
  g_assert_cmpuint (g_hash_table_size (ma->extra), ==, g_hash_table_size (mb->extra));
}

/* Writes the trace into a memfd and loads it back. */
static void
check_rewrite (FsTrace *trace)
{
  g_autoptr (GError) error = NULL;
  int fd = memfd_create ("fuzz-trace", MFD_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new_for_fd (dup (fd), "memfd", trace,
                                                                 &error);
  g_assert_no_error (error);
  g_assert_true (fs_trace_writer_close (writer, &error));
  g_assert_no_error (error);

  struct stat st;
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  g_autofree guint8 *bytes = g_malloc (MAX (st.st_size, 1));
  g_assert_cmpint (pread (fd, bytes, st.st_size, 0), ==, st.st_size);
  close (fd);

  g_autofree char *warning = NULL;
  g_autoptr (FsTrace) again = fs_trace_load_bytes (bytes, st.st_size, "memfd", &warning,
                                                   &error);
  g_assert_no_error (error);
  g_assert_null (warning);
  assert_same_trace (trace, again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autoptr (FsTrace) trace = fs_trace_load_bytes (data, size, "fuzz", &warning, &error);

  if (!trace)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == FS_TRACE_ERROR);
      return 0;
    }
  g_assert_null (error);
  g_assert_true ((warning != NULL) == fs_trace_get_meta (trace)->truncated);

  /* Queries over the whole time range touch every index finish built. */
  gint64 end = fs_trace_duration (trace);
  guint n_processes = fs_trace_n_processes (trace);
  g_autofree FsProcessState *states = g_new0 (FsProcessState, MAX (n_processes, 1));
  for (int step = 0; step <= 4; step++)
    {
      gint64 t = end / 4 * step;
      fs_trace_states_at (trace, t, states);
      g_autoptr (GArray) flights = fs_trace_signals_in_flight (trace, t);
      for (guint i = 0; i < flights->len; i++)
        {
          const FsSignalFlight *flight = &g_array_index (flights, FsSignalFlight, i);
          g_assert_cmpuint (flight->send_index, <, fs_trace_n_events (trace));
        }
      (void) fs_trace_nearest_event (trace, t);
    }
  for (guint id = 0; id < n_processes; id++)
    {
      guint n;
      (void) fs_trace_children (trace, id, &n);
      (void) fs_trace_process_events (trace, id, &n);
      (void) fs_trace_process_name (trace, id);
    }
  check_rewrite (trace);
  return 0;
}

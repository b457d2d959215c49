/* fuzz-trace-follow.c: following arbitrary bytes as they "grow", in chunks
 * whose sizes come from the input.  After every chunk the follower must
 * either have failed with an FsTraceError — and then a full read of the same
 * prefix fails too — or hold exactly what a full read of that prefix gives
 * (or still wait for a file header that has not all arrived). */
#include "fuzz-target.h"

#include "core/trace-file.h"

#include <string.h>

static void
assert_same_trace (FsTrace *a, FsTrace *b)
{
  g_assert_cmpuint (fs_trace_n_strings (a), ==, fs_trace_n_strings (b));
  for (guint i = 0; i < fs_trace_n_strings (a); i++)
    g_assert_cmpstr (fs_trace_string (a, i), ==, fs_trace_string (b, i));
  g_assert_cmpuint (fs_trace_n_strvs (a), ==, fs_trace_n_strvs (b));
  g_assert_cmpuint (fs_trace_n_processes (a), ==, fs_trace_n_processes (b));
  for (guint i = 0; i < fs_trace_n_processes (a); i++)
    {
      const FsProcess *pa = fs_trace_process (a, i), *pb = fs_trace_process (b, i);
      g_assert_cmpuint (pa->parent, ==, pb->parent);
      g_assert_cmpuint (pa->name, ==, pb->name);
      g_assert_cmpint (pa->end_ns, ==, pb->end_ns);
      g_assert_cmpint (pa->reap_ns, ==, pb->reap_ns);
      g_assert_cmpint (pa->exit.kind, ==, pb->exit.kind);
      g_assert_cmpint (pa->exit.value, ==, pb->exit.value);
      g_assert_cmpuint (pa->threads ? pa->threads->len : 0, ==, pb->threads ? pb->threads->len : 0);
    }
  gsize na, nb;
  const FsEvent *ea = fs_trace_events (a, &na), *eb = fs_trace_events (b, &nb);
  g_assert_cmpuint (na, ==, nb);
  g_assert_true (na == 0 || memcmp (ea, eb, na * sizeof *ea) == 0);
  for (gsize i = 0; i < na; i++)
    g_assert_cmpuint (fs_trace_signal_partner (a, i), ==, fs_trace_signal_partner (b, i));
  FsTraceMeta *ma = fs_trace_get_meta (a), *mb = fs_trace_get_meta (b);
  g_assert_cmpstr (ma->recorder, ==, mb->recorder);
  g_assert_cmpstr (ma->tracer, ==, mb->tracer);
  g_assert_cmpuint (ma->lost_events, ==, mb->lost_events);
  g_assert_cmpint (ma->truncated, ==, mb->truncated);
  g_assert_cmpuint (g_hash_table_size (ma->extra), ==, g_hash_table_size (mb->extra));
  g_assert_cmpint (fs_trace_duration (a), ==, fs_trace_duration (b));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (FsTraceFollower) follower = fs_trace_follower_new ("fuzz");
  guint32 seed = 2166136261u;
  for (size_t i = 0; i < MIN (size, 64); i++)
    seed = (seed ^ data[i]) * 16777619u;

  gsize fed = 0;
  while (fed < size)
    {
      seed = seed * 1103515245u + 12345u;
      gsize chunk = MIN ((gsize) (seed >> 16) % 300 + 1, size - fed);
      fed += chunk;

      gsize offset = fs_trace_follower_get_offset (follower);
      g_autoptr (GBytes) tail = g_bytes_new_static (data + offset, fed - offset);
      g_autoptr (GError) error = NULL;
      gboolean ok = fs_trace_follower_apply (follower, offset, tail, NULL, &error);

      g_autoptr (GError) load_error = NULL;
      g_autoptr (FsTrace) loaded = fs_trace_load_bytes (data, fed, "fuzz", NULL, &load_error);
      if (!ok)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == FS_TRACE_ERROR);
          /* The same bytes read whole fail with the same message. */
          g_assert_null (loaded);
          g_assert_cmpstr (error->message, ==, load_error->message);
          return 0;
        }
      g_assert_null (error);
      g_assert_cmpuint (fs_trace_follower_get_offset (follower), <=, fed);
      if (loaded == NULL)
        {
          /* Only a file header that has not all arrived waits. */
          g_assert_cmpuint (fs_trace_follower_get_offset (follower), ==, 0);
          continue;
        }
      assert_same_trace (fs_trace_follower_get_trace (follower), loaded);
    }
  return 0;
}

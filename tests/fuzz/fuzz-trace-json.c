/* fuzz-trace-json.c: the JSON importer on arbitrary bytes.  Loading must
 * either succeed or fail with an FsTraceError; a loaded trace must export to
 * JSON that loads again and exports to the same bytes. */
#include "fuzz-target.h"

#include "core/trace-json.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsTrace) trace = NULL;
  g_autoptr (FsTrace) again = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;

  /* The loader takes (data, len) and never reads past len; a copy without a
   * terminating NUL lets the sanitizers catch any read past it. */
  g_autofree char *copy = g_memdup2 (data, size);
  trace = fs_trace_load_json_data (copy != NULL ? copy : "", (gssize) size, "fuzz", &error);
  if (trace == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == FS_TRACE_ERROR);
      return 0;
    }
  g_assert_no_error (error);

  json = fs_trace_to_json (trace);
  again = fs_trace_load_json_data (json, -1, "again", &error);
  g_assert_no_error (error);
  json_again = fs_trace_to_json (again);
  g_assert_cmpstr (json, ==, json_again);
  return 0;
}

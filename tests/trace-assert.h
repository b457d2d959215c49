/* trace-assert.h: field-by-field equality of two traces, for the tests of
 * the trace file and JSON round trips. */
#pragma once

#include "core/trace-model.h"

G_BEGIN_DECLS

/* Metadata, processes and events equal, strings compared by content; with
 * same_ids, the string and strv pools must also be identical. */
void fs_test_assert_traces_equal (FsTrace *a, FsTrace *b, gboolean same_ids);

G_END_DECLS

/* trace-json.h: JSON export and import of a whole trace (schema version 1,
 * documented in docs/trace-format.md, "JSON schema").
 *
 * Export streams: events are printed straight into a small buffer that is
 * flushed to the output as it fills, so a million-event trace never exists as
 * a JSON tree or one giant string.  Import checks the syntax in one pass, then
 * parses one event at a time into a scratch arena (json-glib's tree costs
 * 1.5 GB for a million events) and checks every member; an error names the
 * JSON path of the offending value, e.g. "events[12].process: unknown process
 * 99", or the byte offset of a syntax error.
 *
 * The round trip trace → JSON → trace is lossless: every field of
 * core/trace-model.h survives, including flags, block reasons, marker lines,
 * threads, metadata extras and strings that are not valid UTF-8 (written as
 * {"base64": "…"}).
 */
#pragma once

#include <gio/gio.h>

#include "trace-model.h"

G_BEGIN_DECLS

#define FS_TRACE_JSON_FORMAT  "forkscope-trace"
#define FS_TRACE_JSON_VERSION 1

/* The whole trace as one JSON document (for small traces and tests). */
char     *fs_trace_to_json        (FsTrace *trace);
/* Streams the trace as JSON to out. */
gboolean  fs_trace_write_json     (FsTrace *trace, GOutputStream *out,
                                   GCancellable *cancellable, GError **error);
/* Writes the JSON to path (replaced atomically). */
gboolean  fs_trace_save_json      (FsTrace *trace, const char *path, GError **error);

/* Parse and validate a JSON trace; the result is finished.  name is used in
 * error messages (a file name, or NULL). */
FsTrace  *fs_trace_load_json_data (const char *data, gssize len, const char *name,
                                   GError **error);
FsTrace  *fs_trace_load_json      (const char *path, GError **error);

G_END_DECLS

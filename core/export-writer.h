/* export-writer.h (private to the text exports): text goes into a GString
 * that is written out in 64 KiB chunks, so a million-event export neither
 * makes a syscall per line nor holds the whole file in memory. */
#pragma once

#include <gio/gio.h>

typedef struct {
  GOutputStream *out;
  GString       *buf;
  GError        *error;   /* first write error; later writes are skipped */
} FsExportWriter;

static inline void
fs_export_writer_init (FsExportWriter *w, GOutputStream *out)
{
  w->out = out;
  w->buf = g_string_sized_new (1 << 16);
  w->error = NULL;
}

static inline void
fs_export_writer_flush (FsExportWriter *w)
{
  if (w->error == NULL && w->buf->len > 0)
    g_output_stream_write_all (w->out, w->buf->str, w->buf->len, NULL, NULL, &w->error);
  g_string_truncate (w->buf, 0);
}

static inline void
fs_export_writer_maybe_flush (FsExportWriter *w)
{
  if (w->buf->len >= (1 << 16))
    fs_export_writer_flush (w);
}

/* Flushes, frees the buffer and hands over the first error. */
static inline gboolean
fs_export_writer_finish (FsExportWriter *w, GError **error)
{
  fs_export_writer_flush (w);
  g_string_free (w->buf, TRUE);
  w->buf = NULL;
  if (w->error != NULL)
    {
      g_propagate_error (error, w->error);
      return FALSE;
    }
  return TRUE;
}

/* cli-export-drawing.c: the picture formats (graph snapshot, sequence diagram,
 * process lanes, animated SVG) and the text diagram formats (dot, mermaid, chrome-json) of
 * `forkscope-cli export`.  Each function reads the parsed FsCliExportOptions
 * and hands the work to ui/drawing or core/trace-export. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "ui/drawing/export-image.h"
#include "ui/drawing/palette.h"

/* Progress on a terminal, only once an export has taken a moment. */
typedef struct {
  gint64   started;
  gboolean shown;
  int      last_percent;
  const char *what;
} Progress;

static void
progress_cb (double fraction, gpointer user_data)
{
  Progress *p = user_data;
  int percent = (int) (CLAMP (fraction, 0.0, 1.0) * 100);
  if (percent == p->last_percent)
    return;
  p->last_percent = percent;
  if (!p->shown && g_get_monotonic_time () - p->started < G_USEC_PER_SEC / 3)
    return;
  p->shown = TRUE;
  fprintf (stderr, "\rforkscope-cli: exporting %s… %3d%%", p->what, percent);
  if (percent >= 100)
    fputc ('\n', stderr);
  fflush (stderr);
}

static void
progress_init (Progress *p, const char *what, FsExportProgressFunc *func, gpointer *data)
{
  p->started = g_get_monotonic_time ();
  p->shown = FALSE;
  p->last_percent = -1;
  p->what = what;
  if (isatty (STDERR_FILENO))
    {
      *func = progress_cb;
      *data = p;
    }
}

static void
progress_end (Progress *p)
{
  if (p->shown && p->last_percent < 100)
    fputc ('\n', stderr);
}

static gboolean usage (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FS_CLI_ERROR, FS_CLI_ERROR_USAGE, message);
  return FALSE;
}

static gboolean
image_options_from_cli (const FsCliExportOptions *o, FsImageFormat format, FsImageOptions *out,
                        GError **error)
{
  fs_image_options_init (out);
  out->format = format;
  if (o->theme != NULL && !fs_theme_from_name (o->theme, &out->theme))
    return usage (error, "--theme: unknown theme '%s' (light or dark)", o->theme);
  if (o->scale > 0)
    {
      if (o->scale > 16)
        return usage (error, "--scale: %g is too large (at most 16)", o->scale);
      out->scale = o->scale;
    }
  out->width = o->width;
  out->title = o->title;
  out->include_hidden = o->include_hidden;
  out->processes = o->filter.processes;
  out->n_processes = o->filter.n_processes;
  return TRUE;
}

static gboolean
report_failure (const FsCliExportOptions *o, GError *local_error, GError **error)
{
  gboolean too_large = g_error_matches (local_error, FS_EXPORT_ERROR, FS_EXPORT_ERROR_TOO_LARGE);
  g_set_error (error, FS_CLI_ERROR, too_large ? FS_CLI_ERROR_USAGE : FS_CLI_ERROR_FAILED, "%s: %s",
               g_str_equal (o->output, "-") ? "standard output" : o->output, local_error->message);
  return FALSE;
}

static gboolean
write_output (const FsCliExportOptions *o, GBytes *bytes, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GOutputStream) out = fs_cli_open_output (o->output, error);
  gsize len = 0;
  const void *data = g_bytes_get_data (bytes, &len);
  if (out == NULL)
    return FALSE;
  if (!g_output_stream_write_all (out, data, len, NULL, NULL, &local_error) ||
      !g_output_stream_close (out, NULL, &local_error))
    return report_failure (o, local_error, error);
  return TRUE;
}

/* Formats over a time window have no single instant. */
static gboolean
check_window (const FsCliExportOptions *o, GError **error)
{
  if (o->at != NULL || o->at_event != NULL)
    return usage (error, "%s covers a time window: use --from/--to, not --at/--at-event", o->format);
  return TRUE;
}

/* The end of every picture export: the progress line closed, then the
 * picture written or the failure reported. */
static gboolean
finish_picture (const FsCliExportOptions *o, Progress *progress, GBytes *bytes, GError *local_error,
                GError **error)
{
  progress_end (progress);
  if (bytes == NULL)
    return report_failure (o, local_error, error);
  return write_output (o, bytes, error);
}

static gboolean
export_graph (const FsCliExportOptions *o, FsImageFormat format, GError **error)
{
  FsImageOptions io;
  Progress progress;
  g_autoptr(GError) local_error = NULL;

  if (o->from != NULL || o->to != NULL)
    return usage (error, "%s is a snapshot at one instant: use --at or --at-event, not --from/--to",
                  o->format);
  if (!image_options_from_cli (o, format, &io, error))
    return FALSE;
  progress_init (&progress, "graph", &io.progress, &io.progress_data);
  gint64 at = o->at_ns != FS_TIME_NONE ? o->at_ns : fs_trace_duration (o->trace);
  g_autoptr(GBytes) bytes = fs_export_graph_bytes (o->trace, at, &io, &local_error);
  return finish_picture (o, &progress, bytes, local_error, error);
}

static gboolean
export_sequence (const FsCliExportOptions *o, FsImageFormat format, GError **error)
{
  FsImageOptions io;
  FsSequenceOptions so;
  Progress progress;
  g_autoptr(GError) local_error = NULL;

  if (!check_window (o, error) || !image_options_from_cli (o, format, &io, error))
    return FALSE;
  fs_sequence_options_init (&so);
  so.filter = o->filter;
  progress_init (&progress, "sequence diagram", &so.progress, &so.progress_data);
  g_autoptr(GBytes) bytes = fs_export_sequence_bytes (o->trace, &so, &io, &local_error);
  return finish_picture (o, &progress, bytes, local_error, error);
}

static gboolean
export_lanes (const FsCliExportOptions *o, FsImageFormat format, GError **error)
{
  FsImageOptions io;
  Progress progress;
  g_autoptr(GError) local_error = NULL;

  if (!check_window (o, error) || !image_options_from_cli (o, format, &io, error))
    return FALSE;
  progress_init (&progress, "process lanes", &io.progress, &io.progress_data);
  g_autoptr(GBytes) bytes = fs_export_lanes_bytes (o->trace, &o->filter, &io, &local_error);
  return finish_picture (o, &progress, bytes, local_error, error);
}

static gboolean
export_text (const FsCliExportOptions *o, FsTextExportFunc func, GError **error)
{
  FsTextExportOptions to;
  Progress progress;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *title = NULL;

  if (!check_window (o, error))
    return FALSE;
  if (o->theme != NULL || o->scale > 0 || o->width > 0)
    return usage (error, "%s is text: --theme/--scale/--width do not apply", o->format);
  fs_text_export_options_init (&to);
  to.filter = o->filter;
  to.conservative = o->conservative;
  title = o->title != NULL ? g_strdup (o->title) : fs_trace_default_title (o->trace);
  to.title = title;
  progress_init (&progress, o->format, &to.progress, &to.progress_data);

  g_autoptr(GOutputStream) out = fs_cli_open_output (o->output, error);
  if (out == NULL)
    return FALSE;
  gboolean ok = func (o->trace, &to, out, &local_error) &&
                g_output_stream_close (out, NULL, &local_error);
  progress_end (&progress);
  if (!ok)
    return report_failure (o, local_error, error);
  return TRUE;
}

gboolean fs_cli_export_svg (const FsCliExportOptions *o, GError **error) { return export_graph (o, FS_IMAGE_SVG, error); }
gboolean fs_cli_export_png (const FsCliExportOptions *o, GError **error) { return export_graph (o, FS_IMAGE_PNG, error); }
gboolean fs_cli_export_pdf (const FsCliExportOptions *o, GError **error) { return export_graph (o, FS_IMAGE_PDF, error); }
gboolean fs_cli_export_seq_svg (const FsCliExportOptions *o, GError **error) { return export_sequence (o, FS_IMAGE_SVG, error); }
gboolean fs_cli_export_seq_png (const FsCliExportOptions *o, GError **error) { return export_sequence (o, FS_IMAGE_PNG, error); }
gboolean fs_cli_export_seq_pdf (const FsCliExportOptions *o, GError **error) { return export_sequence (o, FS_IMAGE_PDF, error); }
gboolean fs_cli_export_lanes_svg (const FsCliExportOptions *o, GError **error) { return export_lanes (o, FS_IMAGE_SVG, error); }
gboolean fs_cli_export_lanes_png (const FsCliExportOptions *o, GError **error) { return export_lanes (o, FS_IMAGE_PNG, error); }
gboolean fs_cli_export_lanes_pdf (const FsCliExportOptions *o, GError **error) { return export_lanes (o, FS_IMAGE_PDF, error); }
gboolean fs_cli_export_dot (const FsCliExportOptions *o, GError **error) { return export_text (o, fs_export_dot, error); }
gboolean fs_cli_export_mermaid (const FsCliExportOptions *o, GError **error) { return export_text (o, fs_export_mermaid, error); }
gboolean fs_cli_export_chrome_json (const FsCliExportOptions *o, GError **error) { return export_text (o, fs_export_chrome_json, error); }

gboolean
fs_cli_export_animated_svg (const FsCliExportOptions *o, GError **error)
{
  FsImageOptions io;
  FsAnimationOptions ao;
  Progress progress;
  g_autoptr(GError) local_error = NULL;

  if (o->at != NULL || o->at_event != NULL)
    return usage (error, "%s plays the whole trace: --at/--at-event do not apply", o->format);
  if (!image_options_from_cli (o, FS_IMAGE_SVG, &io, error))
    return FALSE;
  fs_animation_options_init (&ao);
  ao.from_ns = o->filter.from_ns;
  ao.to_ns = o->filter.to_ns;
  progress_init (&progress, "animation", &io.progress, &io.progress_data);
  g_autoptr(GBytes) bytes = fs_export_animated_svg_bytes (o->trace, &io, &ao, &local_error);
  return finish_picture (o, &progress, bytes, local_error, error);
}

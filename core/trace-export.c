/* trace-export.c: selection rules shared by every export, and the plumbing
 * that runs a text export into a file or a string. */
#include "trace-export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
fs_export_filter_init (FsExportFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  filter->from_ns = FS_TIME_NONE;
  filter->to_ns = FS_TIME_NONE;
}

gboolean
fs_export_filter_has_process (const FsExportFilter *filter, FsTrace *trace, FsProcessId id)
{
  if (id >= fs_trace_n_processes (trace))
    return FALSE;
  if (filter->processes != NULL)
    {
      for (guint i = 0; i < filter->n_processes; i++)
        if (filter->processes[i] == id)
          return TRUE;
      return FALSE;
    }
  if (!filter->include_hidden && (fs_trace_process (trace, id)->flags & FS_PROCESS_FLAG_HIDDEN))
    return FALSE;
  return TRUE;
}

FsProcessId
fs_export_filter_visible_parent (const FsExportFilter *filter, FsTrace *trace, FsProcessId id)
{
  guint n = fs_trace_n_processes (trace);
  if (id >= n)
    return FS_PROCESS_NONE;
  FsProcessId p = fs_trace_process (trace, id)->parent;
  /* Bounded walk: a corrupt trace with a parent cycle must not hang us. */
  for (guint steps = 0; p != FS_PROCESS_NONE && p < n && steps < n; steps++)
    {
      if (fs_export_filter_has_process (filter, trace, p))
        return p;
      p = fs_trace_process (trace, p)->parent;
    }
  return FS_PROCESS_NONE;
}

gboolean
fs_export_filter_has_time (const FsExportFilter *filter, gint64 t_ns)
{
  if (filter->from_ns != FS_TIME_NONE && t_ns < filter->from_ns)
    return FALSE;
  if (filter->to_ns != FS_TIME_NONE && t_ns > filter->to_ns)
    return FALSE;
  return TRUE;
}

static int
compare_process_ids (gconstpointer a, gconstpointer b)
{
  FsProcessId x = *(const FsProcessId *) a, y = *(const FsProcessId *) b;
  return x < y ? -1 : x > y;
}

GArray *
fs_export_parse_process_list (FsTrace *trace, const char *spec, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (FsProcessId));
  g_auto(GStrv) items = g_strsplit (spec, ",", -1);
  guint n = fs_trace_n_processes (trace);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);
      gboolean matched = FALSE;
      char *end = NULL;

      if (*item == '\0')
        continue;
      if (item[0] == '#')
        {
          errno = 0;
          guint64 v = g_ascii_strtoull (item + 1, &end, 10);
          if (errno == 0 && end != item + 1 && *end == '\0' && v < n)
            {
              FsProcessId id = (FsProcessId) v;
              g_array_append_val (ids, id);
              matched = TRUE;
            }
        }
      else
        {
          errno = 0;
          gint64 v = g_ascii_strtoll (item, &end, 10);
          gboolean numeric = errno == 0 && end != item && *end == '\0';
          for (FsProcessId id = 0; id < n; id++)
            {
              const FsProcess *p = fs_trace_process (trace, id);
              if ((numeric && p->pid == v) ||
                  (!numeric && (g_strcmp0 (fs_trace_string (trace, p->name), item) == 0 ||
                                g_strcmp0 (fs_trace_string (trace, p->comm), item) == 0)))
                {
                  g_array_append_val (ids, id);
                  matched = TRUE;
                }
            }
        }
      if (!matched)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "\"%s\" matches no process in the trace "
                       "(use a pid, a name, or #id)", item);
          return NULL;
        }
    }
  if (ids->len == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "the list of processes is empty");
      return NULL;
    }
  g_array_sort (ids, compare_process_ids);
  guint w = 0;
  for (guint i = 0; i < ids->len; i++)
    if (w == 0 || g_array_index (ids, FsProcessId, w - 1) != g_array_index (ids, FsProcessId, i))
      g_array_index (ids, FsProcessId, w++) = g_array_index (ids, FsProcessId, i);
  g_array_set_size (ids, w);
  return g_steal_pointer (&ids);
}

gboolean
fs_export_parse_time (FsTrace *trace, const char *text, gint64 *out_ns, GError **error)
{
  static const struct { const char *suffix; double factor; } units[] = {
    { "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
  };
  char *end = NULL;
  double value, factor = 1e9;

  if (g_ascii_strcasecmp (text, "end") == 0)
    {
      *out_ns = fs_trace_duration (trace);
      return TRUE;
    }
  if (g_ascii_strcasecmp (text, "start") == 0)
    {
      *out_ns = 0;
      return TRUE;
    }
  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text)
    goto bad;
  if (*end != '\0')
    {
      gboolean known = FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (units); i++)
        if (strcmp (end, units[i].suffix) == 0)
          {
            factor = units[i].factor;
            known = TRUE;
          }
      if (!known)
        goto bad;
    }
  if (!(value >= 0) || value * factor > (double) G_MAXINT64 / 2)
    goto bad;
  *out_ns = (gint64) (value * factor + 0.5);
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "\"%s\" is not a time: use seconds (1.5), a unit (250ms, 20us, 100ns) or \"end\"",
               text);
  return FALSE;
}

void
fs_text_export_options_init (FsTextExportOptions *options)
{
  memset (options, 0, sizeof *options);
  fs_export_filter_init (&options->filter);
}

gboolean
fs_export_text_to_file (FsTextExportFunc func, FsTrace *trace,
                        const FsTextExportOptions *options, const char *path, GError **error)
{
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GFile) file = NULL;

  if (g_strcmp0 (path, "-") == 0)
    {
      g_autofree char *text = fs_export_text_to_string (func, trace, options, error);
      if (text == NULL)
        return FALSE;
      fputs (text, stdout);
      return fflush (stdout) == 0;
    }
  file = g_file_new_for_commandline_arg (path);
  out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error));
  if (out == NULL)
    return FALSE;
  if (!func (trace, options, out, error))
    return FALSE;
  return g_output_stream_close (out, NULL, error);
}

char *
fs_export_text_to_string (FsTextExportFunc func, FsTrace *trace,
                          const FsTextExportOptions *options, GError **error)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  gchar nul = '\0';

  if (!func (trace, options, out, error))
    return NULL;
  if (!g_output_stream_write_all (out, &nul, 1, NULL, NULL, error) ||
      !g_output_stream_close (out, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

gboolean
fs_export_signal_arrow (FsTrace *trace, gsize index, FsSignalArrow *out)
{
  const FsEvent *ev = fs_trace_event (trace, index);
  gsize partner = fs_trace_signal_partner (trace, index);
  const FsEvent *other = partner != FS_EVENT_NONE ? fs_trace_event (trace, partner) : NULL;

  memset (out, 0, sizeof *out);
  out->signo = ev->signal;
  out->action = FS_ACTION_UNKNOWN;
  if (ev->kind == FS_EVENT_SIGNAL_SEND)
    {
      out->send_index = index;
      out->sender = ev->process;
      out->send_ns = ev->t_ns;
      out->deliver_index = partner;
      out->deliver_ns = other != NULL ? other->t_ns : FS_TIME_NONE;
      if (other != NULL)
        {
          out->receiver = other->process;
          out->action = other->u.deliver.action;
        }
      else if (ev->u.send.target_kind == FS_TARGET_PROCESS)
        out->receiver = ev->u.send.target;
      else
        out->receiver = FS_PROCESS_NONE;
      out->inferred = ((ev->flags | (other != NULL ? other->flags : 0)) & FS_EVENT_FLAG_INFERRED) != 0;
      return TRUE;
    }
  if (ev->kind == FS_EVENT_SIGNAL_DELIVER && other == NULL)
    {
      out->send_index = FS_EVENT_NONE;
      out->deliver_index = index;
      out->sender = ev->u.deliver.sender;
      out->receiver = ev->process;
      out->send_ns = out->deliver_ns = ev->t_ns;
      out->action = ev->u.deliver.action;
      out->inferred = (ev->flags & FS_EVENT_FLAG_INFERRED) != 0;
      return TRUE;
    }
  return FALSE;
}

char *
fs_export_format_time (gint64 t_ns)
{
  double v = (double) t_ns;
  if (t_ns == FS_TIME_NONE)
    return g_strdup ("–");
  if (llabs (t_ns) < 1000)
    return g_strdup_printf ("%" G_GINT64_FORMAT " ns", t_ns);
  if (llabs (t_ns) < 1000000)
    return g_strdup_printf ("%.1f µs", v / 1e3);
  if (llabs (t_ns) < 1000000000)
    return g_strdup_printf ("%.2f ms", v / 1e6);
  return g_strdup_printf ("%.3f s", v / 1e9);
}

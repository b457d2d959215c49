/* fs-marker-lines.c: see fs-marker-lines.h. */
#include "fs-marker-lines.h"

#define MAX_LOOKBACK 10000

guint
fs_marker_line_at_event (FsTrace *trace, gsize event_index)
{
  g_return_val_if_fail (FS_IS_TRACE (trace), 0);

  gsize n = fs_trace_n_events (trace);
  if (event_index == FS_EVENT_NONE || event_index >= n)
    return 0;
  const FsEvent *event = fs_trace_event (trace, event_index);
  if (event->kind == FS_EVENT_MARKER)
    return event->u.marker.line;
  if (event->process >= fs_trace_n_processes (trace))
    return 0;  /* the kernel as a sender has no source line */

  /* The process's events are indexed: walk back from the event to its last
   * marker.  Markers come before the effects they explain, so this is short;
   * the bound keeps a trace without markers (a recorded program) cheap. */
  guint n_own = 0;
  const guint32 *own = fs_trace_process_events (trace, event->process, &n_own);
  guint lo = 0, hi = n_own;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (own[mid] <= event_index)
        lo = mid + 1;
      else
        hi = mid;
    }
  guint stop = lo > MAX_LOOKBACK ? lo - MAX_LOOKBACK : 0;
  for (guint i = lo; i > stop; i--)
    {
      const FsEvent *e = fs_trace_event (trace, own[i - 1]);
      if (e->kind == FS_EVENT_MARKER && e->process == event->process)
        return e->u.marker.line;
    }
  return 0;
}

gsize
fs_marker_first_event_of_line (FsTrace *trace, guint line)
{
  g_return_val_if_fail (FS_IS_TRACE (trace), FS_EVENT_NONE);

  if (line == 0)
    return FS_EVENT_NONE;
  gsize n = 0;
  const FsEvent *events = fs_trace_events (trace, &n);
  for (gsize i = 0; i < n; i++)
    if (events[i].kind == FS_EVENT_MARKER && events[i].u.marker.line == line)
      return i;
  return FS_EVENT_NONE;
}

/* time-axis.h: ticks of a time axis — a round step for a span and a width,
 * and tick labels with just the decimals the step needs.  Used by the
 * timeline strip and the process lanes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A step of 1, 2 or 5 × 10^k ns that puts ticks at least min_gap_px apart
 * when span_ns is drawn over width_px. */
gint64  fs_time_axis_step   (gint64 span_ns, double width_px, double min_gap_px);
/* A tick label on an axis whose ticks are step_ns apart: "2 s", "1.5 s", "250 ms". */
char   *fs_format_axis_time (gint64 t_ns, gint64 step_ns);

G_END_DECLS

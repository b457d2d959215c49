/* time-axis.c: tick steps and labels of time axes. */
#include "time-axis.h"

gint64
fs_time_axis_step (gint64 span_ns, double width_px, double min_gap_px)
{
  static const gint64 steps[] = { 1, 2, 5 };
  double target = (double) MAX (span_ns, 1) / MAX (width_px / min_gap_px, 1.0);
  gint64 magnitude = 1;

  for (;;)
    {
      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        if ((double) (steps[i] * magnitude) >= target)
          return steps[i] * magnitude;
      if (magnitude > G_MAXINT64 / 100)
        return magnitude;
      magnitude *= 10;
    }
}

char *
fs_format_axis_time (gint64 t_ns, gint64 step_ns)
{
  /* As many decimals as the tick step needs, and no more. */
  if (step_ns >= 1000000000)
    return g_strdup_printf ("%.*f s", step_ns % 1000000000 == 0 ? 0 : 1, (double) t_ns / 1e9);
  if (step_ns >= 1000000)
    {
      if (t_ns >= 1000000000)
        return g_strdup_printf ("%.*f s", step_ns >= 100000000 ? 1 : step_ns >= 10000000 ? 2 : 3,
                                (double) t_ns / 1e9);
      return g_strdup_printf ("%.0f ms", (double) t_ns / 1e6);
    }
  if (step_ns >= 1000)
    {
      if (t_ns >= 1000000)
        return g_strdup_printf ("%.*f ms", step_ns >= 100000 ? 1 : step_ns >= 10000 ? 2 : 3,
                                (double) t_ns / 1e6);
      return g_strdup_printf ("%.0f µs", (double) t_ns / 1e3);
    }
  if (t_ns >= 1000)
    return g_strdup_printf ("%.3f µs", (double) t_ns / 1e3);
  return g_strdup_printf ("%" G_GINT64_FORMAT " ns", t_ns);
}

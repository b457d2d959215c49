/* engine-bench.c: the scenario engine's own cost per statement.
 *
 * Runs a scenario whose root executes N statements of one kind, and one that
 * executes it once; the difference of their wall times over N - 1 is the
 * per-statement cost, free of fork and set-up time.  Every statement sends a
 * marker (and print an output line) to the collector, which records them as
 * `forkscope-cli run --tracer none` does ("recorded"), or only parses them
 * when there is no recorder ("unrecorded"); the pipe's back-pressure is
 * included either way.
 *
 * Usage: engine-bench [ROUNDS] [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/scenario-ast.h"
#include "core/scenario-engine.h"
#include "core/trace-recorder.h"

typedef struct {
  const char *name;
  const char *body;       /* one statement, repeated */
} Kind;

static const Kind kinds[] = {
  { "increment", "increment n" },
  { "set", "set n = n + 1" },
  { "print", "print \"line {n}\"" },
  { "block-unblock", "block USR1; unblock USR1" },
  { "kill-ignored", "kill self URG" },
};
/* Blocking statements (sleep, sigwait, wait, pause) cost what the kernel's
 * blocking and the scheduler cost; they are not measured here. */

/* Wall time (ns) of a whole run whose root repeats one statement n times. */
static gint64
run_once (const Kind *kind, int n, int devnull, gboolean record)
{
  g_autofree char *text = g_strdup_printf (
    "process main {\n  set n = 0\n  repeat %d {\n    %s\n  }\n}\n", n, kind->body);
  g_autoptr (FsScenario) scn = fs_scenario_parse ("bench.fsc", text, strlen (text));
  if (scn->n_errors)
    {
      g_autofree char *d = fs_scenario_format_diagnostics (scn, FALSE);
      g_printerr ("%s", d);
      exit (1);
    }

  g_autoptr (FsTrace) trace = fs_trace_new ();
  FsRecorder *recorder = fs_recorder_new (trace, fs_recorder_now ());
  FsEngineOptions options;
  fs_engine_options_init (&options);
  options.echo_fd = devnull;
  options.timeout_s = 120;
  FsEngine *engine = fs_engine_new (scn, record ? recorder : NULL, &options, NULL);
  FsEngineResult result = { 0 };
  gint64 start = fs_recorder_now ();
  if (!fs_engine_run (engine, &result, NULL) || !result.root_finished)
    {
      g_printerr ("run failed: %s\n", result.message ? result.message : "?");
      exit (1);
    }
  gint64 elapsed = fs_recorder_now () - start;
  fs_engine_result_clear (&result);
  fs_engine_free (engine);
  fs_recorder_flush (recorder, TRUE, NULL);
  fs_recorder_free (recorder);
  return elapsed;
}

static double
median (double *samples, int m);

/* Microseconds per statement: (T(n) - T(1)) / (n - 1), medians over rounds. */
static double
per_statement_us (const Kind *kind, int n, int rounds, int devnull, gboolean record)
{
  double big[64], small[64];
  int m = MIN (rounds, 64);
  for (int r = 0; r < m; r++)
    {
      small[r] = (double) run_once (kind, 1, devnull, record);
      big[r] = (double) run_once (kind, n, devnull, record);
    }
  return (median (big, m) - median (small, m)) / (double) (n - 1) / 1000.0;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *samples, int m)
{
  qsort (samples, (size_t) m, sizeof samples[0], compare_doubles);
  return samples[m / 2];
}

int
main (int argc, char **argv)
{
  int rounds = argc > 1 ? atoi (argv[1]) : 5;
  int n = argc > 2 ? atoi (argv[2]) : 20000;
  int devnull = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (rounds < 1 || n < 2)
    return 2;

  printf ("# µs per statement, medians of %d runs of %d statements minus a 1-statement run\n", rounds, n);
  printf ("# statement     recorded  unrecorded\n");
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      double recorded = per_statement_us (&kinds[k], n, rounds, devnull, TRUE);
      double unrecorded = per_statement_us (&kinds[k], n, rounds, devnull, FALSE);
      printf ("%-14s %9.2f %11.2f\n", kinds[k].name, recorded, unrecorded);
    }
  return 0;
}

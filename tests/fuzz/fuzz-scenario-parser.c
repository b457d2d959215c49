/* fuzz-scenario-parser.c: the scenario parser and checker on arbitrary
 * bytes must never crash, hang or leak, and must always produce a scenario
 * whose diagnostics format. */
#include <glib.h>

#include "core/scenario-ast.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FsScenario *scn = fs_scenario_parse ("fuzz.fsc", (const char *) data, size);
  g_assert_nonnull (scn);
  char *text = fs_scenario_format_diagnostics (scn, size % 2 == 0);
  g_assert_nonnull (text);
  char *first = fs_scenario_first_error (scn);
  g_assert_true ((first != NULL) == (scn->n_errors > 0));
  /* An error-free scenario is fully resolved: every process has a body. */
  if (scn->n_errors == 0)
    for (guint i = 0; i < scn->processes->len; i++)
      g_assert_nonnull (fs_scenario_process (scn, (int) i)->body);
  g_free (first);
  g_free (text);
  fs_scenario_free (scn);
  return 0;
}

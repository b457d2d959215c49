/* The animated SVG: well-formed, script-free, and exactly one animation per
 * process state change (counted independently from the model's states). */
#include "ui/drawing/export-image.h"
#include "drawing-test-traces.h"
#include "drawing-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* State changes of one process, from the model: every instant at which its
 * (state, block reason) differs from the instant before, births included. */
static guint
count_state_spans (FsTrace *trace, FsProcessId id)
{
  gsize n_events = fs_trace_n_events (trace);
  FsProcessState st;
  guint spans = 0;
  guint8 state = FS_STATE_UNBORN, reason = 0;
  for (gsize i = 0; i < n_events; i++)
    {
      gint64 t = fs_trace_event (trace, i)->t_ns;
      if (i + 1 < n_events && fs_trace_event (trace, i + 1)->t_ns == t)
        continue;   /* look once per instant */
      fs_trace_process_state_at (trace, id, t, &st);
      if (st.state != FS_STATE_UNBORN &&
          (st.state != state || (st.state == FS_STATE_BLOCKED && st.block_reason != reason)))
        spans++;
      state = st.state;
      reason = st.block_reason;
    }
  return spans;
}

static void
check_animation (FsTrace *trace, guint n_visible)
{
  FsImageOptions options;
  g_autoptr(GError) error = NULL;
  fs_image_options_init (&options);
  g_autoptr(GBytes) svg = fs_export_animated_svg_bytes (trace, &options, NULL, &error);
  g_assert_no_error (error);
  xmlDocPtr doc = fs_test_parse_svg (svg);

  g_assert_cmpuint (fs_test_xpath_count (doc, "//s:script"), ==, 0);
  g_assert_cmpuint (fs_test_xpath_count (doc, "//*[@id='clock']"), ==, 1);
  guint total = 0, processes = 0;
  for (FsProcessId id = 0; id < fs_trace_n_processes (trace); id++)
    {
      g_autofree char *xpath = g_strdup_printf ("//s:g[@class='fs-node-state' and @data-process='%u']", id);
      g_autofree char *sets = g_strdup_printf ("//s:g[@class='fs-node-state' and @data-process='%u']/s:set", id);
      guint groups = fs_test_xpath_count (doc, xpath);
      if (groups == 0)
        continue;
      processes++;
      g_assert_cmpuint (groups, ==, count_state_spans (trace, id));
      /* Exactly one animation per state span. */
      g_assert_cmpuint (fs_test_xpath_count (doc, sets), ==, groups);
      total += groups;
    }
  g_assert_cmpuint (processes, ==, n_visible);
  g_assert_cmpuint (fs_test_xpath_count (doc, "//s:g[@class='fs-node-state']/s:set"), ==, total);
  /* Every animation hangs off the looping clock. */
  g_auto(GStrv) begins = fs_test_xpath_strings (doc, "//s:set/@begin");
  for (guint i = 0; begins[i] != NULL; i++)
    g_assert_true (g_str_has_prefix (begins[i], "clock.begin+"));
  xmlFreeDoc (doc);
}

static void
test_ordered_results (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  check_animation (trace, 3);

  FsImageOptions options;
  g_autoptr(GError) error = NULL;
  fs_image_options_init (&options);
  g_autoptr(GBytes) svg = fs_export_animated_svg_bytes (trace, &options, NULL, &error);
  xmlDocPtr doc = fs_test_parse_svg (svg);
  /* Four signals fly along their arrows. */
  g_assert_cmpuint (fs_test_xpath_count (doc, "//s:g[@class='fs-signal']//s:animateMotion"), ==, 4);
  /* main: running, blocked(sigwait), running, blocked(sigwait), running, blocked(wait), running,
   * blocked(wait), running, zombie, gone. */
  g_assert_cmpuint (fs_test_xpath_count (doc, "//s:g[@data-process='1']"), ==, 11);
  xmlFreeDoc (doc);
}

static void
test_everything (void)
{
  guint n_visible = 0;
  g_autoptr(FsTrace) trace = fs_test_trace_everything (&n_visible);
  check_animation (trace, n_visible);
}

static void
test_real_time_and_dark (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  FsImageOptions options;
  FsAnimationOptions animation;
  g_autoptr(GError) error = NULL;
  fs_image_options_init (&options);
  options.theme = FS_THEME_DARK;
  fs_animation_options_init (&animation);
  animation.real_time = TRUE;
  g_autofree char *dir = g_dir_make_tmp ("fs-anim-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "anim.svg", NULL);
  g_assert_true (fs_export_animated_svg (trace, &options, &animation, path, &error));
  g_assert_no_error (error);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_autoptr(GBytes) bytes = g_bytes_new (text, len);
  xmlDocPtr doc = fs_test_parse_svg (bytes);
  /* Real time with gaps capped at 2 s: the loop is a few seconds, not 5. */
  g_auto(GStrv) dur = fs_test_xpath_strings (doc, "//*[@id='clock']/@dur");
  double seconds = g_ascii_strtod (dur[0], NULL);
  g_assert_cmpfloat (seconds, >, 4.0);
  g_assert_cmpfloat (seconds, <, 8.0);
  xmlFreeDoc (doc);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/drawing/animated/ordered-results", test_ordered_results);
  g_test_add_func ("/drawing/animated/everything", test_everything);
  g_test_add_func ("/drawing/animated/real-time-dark", test_real_time_and_dark);
  int status = g_test_run ();
  xmlCleanupParser ();
  return status;
}

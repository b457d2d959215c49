/* Text exports checked with real parsers: Graphviz `dot` accepts the DOT,
 * json-glib parses the Chrome JSON (required fields, flow pairing), and the
 * Mermaid output is checked for its structure (participants declared, every
 * arrow's ends declared). */
#include "core/trace-export.h"
#include "drawing-test-traces.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

static char *
export_string (FsTextExportFunc func, FsTrace *trace, const FsTextExportOptions *options)
{
  g_autoptr(GError) error = NULL;
  char *text = fs_export_text_to_string (func, trace, options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

/* DOT */

static void
check_dot_accepted (const char *dot_text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fs-dot-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *in = g_build_filename (dir, "graph.dot", NULL);
  g_autofree char *out = g_build_filename (dir, "graph.svg", NULL);
  g_assert_true (g_file_set_contents (in, dot_text, -1, &error));
  const char *argv[] = { "dot", "-Tsvg", in, "-o", out, NULL };
  int status = -1;
  g_autofree char *err = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("dot rejected the export: %s\n%s", err, dot_text);
  g_autofree char *svg = NULL;
  g_assert_true (g_file_get_contents (out, &svg, NULL, &error));
  g_assert_nonnull (strstr (svg, "<svg"));
  g_unlink (in);
  g_unlink (out);
  g_rmdir (dir);
}

static void
test_dot_ordered_results (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autofree char *dot = export_string (fs_export_dot, trace, NULL);
  check_dot_accepted (dot);
  /* Three visible processes; the hidden launcher is left out. */
  g_assert_nonnull (strstr (dot, "very expensive"));
  g_assert_null (strstr (dot, "launcher"));
  /* Four SIGCONTs between four distinct (sender, receiver) pairs: four edges. */
  guint edges = 0;
  for (const char *p = dot; (p = strstr (p, "label=\"SIGCONT")) != NULL; p++)
    edges++;
  g_assert_cmpuint (edges, ==, 4);
  /* The fork tree: main → both workers. */
  g_assert_nonnull (strstr (dot, "p1 -> p2;"));
  g_assert_nonnull (strstr (dot, "p1 -> p3;"));
}

static void
test_dot_everything (void)
{
  guint n_visible = 0;
  g_autoptr(FsTrace) trace = fs_test_trace_everything (&n_visible);
  g_autofree char *dot = export_string (fs_export_dot, trace, NULL);
  check_dot_accepted (dot);
  g_assert_nonnull (strstr (dot, "SIGCONT (inferred)"));
  g_assert_nonnull (strstr (dot, "style=dashed"));
  g_assert_nonnull (strstr (dot, "kernel ["));
  g_assert_nonnull (strstr (dot, "label=\"adopted\""));
  /* Quotes and backslashes in names are escaped, so dot accepted it above. */
}

/* Mermaid */

static gboolean
parse_arrow (const char *line, char **from, char **to)
{
  static const char *arrows[] = { "-->>", "->>", "--)", "-)", "-x", "--x", "->", "-->" };
  const char *colon = strchr (line, ':');
  if (colon == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    {
      const char *a = strstr (line, arrows[i]);
      if (a != NULL && a < colon)
        {
          *from = g_strstrip (g_strndup (line, (gsize) (a - line)));
          *to = g_strstrip (g_strndup (a + strlen (arrows[i]), (gsize) (colon - a - strlen (arrows[i]))));
          return TRUE;
        }
    }
  return FALSE;
}

/* Returns the number of arrows; fails when an arrow names an undeclared participant. */
static guint
check_mermaid_structure (const char *text, gboolean allow_create, guint *n_participants)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GHashTable) declared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint arrows = 0, participants = 0;

  g_assert_cmpstr (lines[0], ==, "sequenceDiagram");
  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      char *from = NULL, *to = NULL;
      if (*line == '\0' || g_str_has_prefix (line, "title "))
        continue;
      if (g_str_has_prefix (line, "create participant "))
        {
          g_assert_true (allow_create);
          line += strlen ("create ");
        }
      if (g_str_has_prefix (line, "participant "))
        {
          g_auto(GStrv) words = g_strsplit (line + strlen ("participant "), " ", 2);
          g_assert_false (g_hash_table_contains (declared, words[0]));
          g_hash_table_add (declared, g_strdup (words[0]));
          participants++;
          continue;
        }
      if (g_str_has_prefix (line, "destroy "))
        {
          g_assert_true (allow_create);
          g_assert_true (g_hash_table_contains (declared, line + strlen ("destroy ")));
          continue;
        }
      if (g_str_has_prefix (line, "Note "))
        {
          const char *of = strstr (line, " of ");
          const char *over = strstr (line, "Note over ");
          const char *colon = strchr (line, ':');
          g_assert_nonnull (colon);
          const char *name = over == line ? line + strlen ("Note over ") : of + 4;
          g_autofree char *who = g_strstrip (g_strndup (name, (gsize) (colon - name)));
          g_assert_true (g_hash_table_contains (declared, who));
          continue;
        }
      if (parse_arrow (line, &from, &to))
        {
          if (!g_hash_table_contains (declared, from) || !g_hash_table_contains (declared, to))
            g_error ("arrow with an undeclared end: %s", line);
          g_free (from);
          g_free (to);
          arrows++;
          /* Mermaid's line syntax: no raw ';' or '#' in messages. */
          g_assert_null (strchr (strchr (line, ':'), ';'));
          continue;
        }
      g_error ("unexpected mermaid line: %s", line);
    }
  *n_participants = participants;
  return arrows;
}

static void
test_mermaid_both_modes (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  FsTextExportOptions options;
  guint participants = 0;

  fs_text_export_options_init (&options);
  options.title = "ordered results";
  g_autofree char *full = export_string (fs_export_mermaid, trace, &options);
  /* 2 forks + 4 signals + 2 reaps. */
  g_assert_cmpuint (check_mermaid_structure (full, TRUE, &participants), ==, 8);
  g_assert_cmpuint (participants, ==, 3);
  g_assert_nonnull (strstr (full, "create participant p2"));
  g_assert_nonnull (strstr (full, "destroy p2"));

  options.conservative = TRUE;
  g_autofree char *conservative = export_string (fs_export_mermaid, trace, &options);
  g_assert_null (strstr (conservative, "create "));
  g_assert_null (strstr (conservative, "destroy "));
  g_assert_cmpuint (check_mermaid_structure (conservative, FALSE, &participants), ==, 8);
  g_assert_cmpuint (participants, ==, 3);
  g_assert_nonnull (strstr (conservative, "p2-)p1: SIGCONT (consumed by sigwait)"));
}

/* A signal read from a signalfd says so on its arrow. */
static void
test_mermaid_signalfd (void)
{
  g_autoptr(FsTrace) trace = fs_trace_new ();
  g_autoptr(GError) error = NULL;
  FsProcessId daemon = fs_trace_add_process (trace, 100, FS_PROCESS_NONE, 0, "daemon");
  FsProcessId child = fs_trace_add_process (trace, 101, daemon, 10, "child");
  FsEvent *ev = fs_trace_append (trace, 20, child, FS_EVENT_SIGNAL_SEND);
  ev->signal = SIGHUP;
  ev->u.send.target = daemon;
  ev->u.send.target_kind = FS_TARGET_PROCESS;
  ev = fs_trace_append (trace, 30, daemon, FS_EVENT_SIGNAL_DELIVER);
  ev->signal = SIGHUP;
  ev->u.deliver.sender = child;
  ev->u.deliver.action = FS_ACTION_SIGNALFD;
  g_assert_true (fs_trace_finish (trace, &error));
  FsTextExportOptions options;
  fs_text_export_options_init (&options);
  options.conservative = TRUE;
  g_autofree char *text = export_string (fs_export_mermaid, trace, &options);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "p1-)p0: SIGHUP (read from signalfd)"));
}

static void
test_mermaid_everything (void)
{
  guint n_visible = 0, participants = 0;
  g_autoptr(FsTrace) trace = fs_test_trace_everything (&n_visible);
  FsTextExportOptions options;
  fs_text_export_options_init (&options);
  options.conservative = TRUE;
  g_autofree char *text = export_string (fs_export_mermaid, trace, &options);
  check_mermaid_structure (text, FALSE, &participants);
  g_assert_cmpuint (participants, ==, n_visible + 1);   /* + kernel */
  g_assert_nonnull (strstr (text, "--)"));               /* the inferred pairing is dotted */
  g_assert_nonnull (strstr (text, "[inferred pairing]"));
  g_assert_nonnull (strstr (text, "#59;"));              /* the ';' in an output line */
  options.conservative = FALSE;
  g_autofree char *full = export_string (fs_export_mermaid, trace, &options);
  check_mermaid_structure (full, TRUE, &participants);
}

/* Chrome JSON */

typedef struct {
  guint n_out, n_in;
  gint  out_pid, in_pid;
  double out_ts, in_ts;
  gboolean inferred;
} Flow;

static void
check_chrome_json (const char *text, guint expected_tracks, guint expected_flows,
                   guint expected_inferred)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) flows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) named = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) tracks = g_hash_table_new (g_direct_hash, g_direct_equal);

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_nonnull (root);
  JsonArray *events = json_object_get_array_member (root, "traceEvents");
  g_assert_nonnull (events);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *ev = json_array_get_object_element (events, i);
      const char *ph = json_object_get_string_member (ev, "ph");
      g_assert_nonnull (ph);
      g_assert_true (json_object_has_member (ev, "pid"));
      g_assert_true (json_object_has_member (ev, "tid"));
      g_assert_true (json_object_has_member (ev, "name"));
      gint pid = (gint) json_object_get_int_member (ev, "pid");
      if (g_str_equal (ph, "M"))
        {
          const char *name = json_object_get_string_member (ev, "name");
          if (g_str_equal (name, "process_name") || g_str_equal (name, "thread_name"))
            {
              JsonObject *args = json_object_get_object_member (ev, "args");
              g_assert_nonnull (json_object_get_string_member (args, "name"));
              if (g_str_equal (name, "process_name"))
                g_hash_table_add (named, GINT_TO_POINTER (pid));
            }
          continue;
        }
      g_assert_true (json_object_has_member (ev, "ts"));
      g_assert_true (json_object_has_member (ev, "cat"));
      g_assert_true (g_hash_table_contains (named, GINT_TO_POINTER (pid)));
      if (g_str_equal (ph, "X"))
        {
          g_assert_true (json_object_has_member (ev, "dur"));
          g_assert_cmpfloat (json_object_get_double_member (ev, "dur"), >=, 0);
          if (g_str_equal (json_object_get_string_member (ev, "cat"), "process"))
            g_hash_table_add (tracks, GINT_TO_POINTER (pid));
        }
      else
        g_assert_cmpstr (ph, ==, "i");
      if (json_object_has_member (ev, "bind_id"))
        {
          g_assert_cmpstr (ph, ==, "X");
          g_assert_cmpfloat (json_object_get_double_member (ev, "dur"), ==, 0);
          gint64 id = json_object_get_int_member (ev, "bind_id");
          Flow *f = g_hash_table_lookup (flows, &id);
          if (f == NULL)
            {
              f = g_new0 (Flow, 1);
              g_hash_table_insert (flows, g_memdup2 (&id, sizeof id), f);
            }
          JsonObject *args = json_object_get_object_member (ev, "args");
          f->inferred = json_object_get_boolean_member (args, "inferred");
          if (json_object_has_member (ev, "flow_out"))
            {
              g_assert_true (json_object_get_boolean_member (ev, "flow_out"));
              f->n_out++;
              f->out_pid = pid;
              f->out_ts = json_object_get_double_member (ev, "ts");
            }
          else
            {
              g_assert_true (json_object_get_boolean_member (ev, "flow_in"));
              f->n_in++;
              f->in_pid = pid;
              f->in_ts = json_object_get_double_member (ev, "ts");
            }
        }
    }
  g_assert_cmpuint (g_hash_table_size (tracks), ==, expected_tracks);
  g_assert_cmpuint (g_hash_table_size (flows), ==, expected_flows);
  GHashTableIter iter;
  gpointer value;
  guint inferred = 0;
  g_hash_table_iter_init (&iter, flows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Flow *f = value;
      /* Every flow: exactly one start and one end, the end not before the start. */
      g_assert_cmpuint (f->n_out, ==, 1);
      g_assert_cmpuint (f->n_in, ==, 1);
      g_assert_cmpfloat (f->in_ts, >=, f->out_ts);
      inferred += f->inferred;
    }
  g_assert_cmpuint (inferred, ==, expected_inferred);
}

static void
test_chrome_json_ordered_results (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autofree char *json = export_string (fs_export_chrome_json, trace, NULL);
  check_chrome_json (json, 3, 4, 0);
  g_assert_null (strstr (json, "launcher"));

  FsTextExportOptions options;
  fs_text_export_options_init (&options);
  options.filter.include_hidden = TRUE;
  g_autofree char *all = export_string (fs_export_chrome_json, trace, &options);
  check_chrome_json (all, 4, 4, 0);
  g_assert_nonnull (strstr (all, "launcher"));
}

static void
test_chrome_json_everything (void)
{
  guint n_visible = 0;
  g_autoptr(FsTrace) trace = fs_test_trace_everything (&n_visible);
  g_autofree char *json = export_string (fs_export_chrome_json, trace, NULL);
  /* Flows: STOP, CONT (inferred), CHLD from the kernel, KILL; USR1 is never delivered. */
  check_chrome_json (json, n_visible, 4, 1);
  g_assert_nonnull (strstr (json, "\"sender\":\"kernel\""));
  g_assert_nonnull (strstr (json, "blocked: pause"));
}

static void
test_filters (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(GError) error = NULL;
  FsTextExportOptions options;
  guint participants = 0;

  g_autoptr(GArray) ids = fs_export_parse_process_list (trace, "main, 4002", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_null (fs_export_parse_process_list (trace, "nobody", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "nobody"));
  g_clear_error (&error);

  fs_text_export_options_init (&options);
  options.filter.processes = (const FsProcessId *) (gpointer) ids->data;
  options.filter.n_processes = ids->len;
  options.conservative = TRUE;
  g_autofree char *text = export_string (fs_export_mermaid, trace, &options);
  /* main ↔ very expensive only: fork, 2 signals, reap. */
  g_assert_cmpuint (check_mermaid_structure (text, FALSE, &participants), ==, 4);
  g_assert_cmpuint (participants, ==, 2);

  gint64 t = 0;
  g_assert_true (fs_export_parse_time (trace, "250ms", &t, NULL));
  g_assert_cmpint (t, ==, 250000000);
  g_assert_true (fs_export_parse_time (trace, "end", &t, NULL));
  g_assert_cmpint (t, ==, fs_trace_duration (trace));
  g_assert_false (fs_export_parse_time (trace, "soon", &t, &error));
  g_assert_nonnull (error);

  /* A window from 5 s on: only the releasing half. */
  fs_text_export_options_init (&options);
  options.conservative = TRUE;
  options.filter.from_ns = 5000000000;
  g_autofree char *late = export_string (fs_export_mermaid, trace, &options);
  g_assert_cmpuint (check_mermaid_structure (late, FALSE, &participants), ==, 5);
}

static void
test_write_file (void)
{
  g_autoptr(FsTrace) trace = fs_test_trace_ordered_results ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fs-export-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_assert_true (fs_export_text_to_file (fs_export_chrome_json, trace, NULL, path, &error));
  g_assert_no_error (error);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  check_chrome_json (text, 3, 4, 0);
  g_autofree char *bad = g_build_filename (dir, "missing", "x.dot", NULL);
  g_assert_false (fs_export_text_to_file (fs_export_dot, trace, NULL, bad, &error));
  g_assert_nonnull (error);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export/dot/ordered-results", test_dot_ordered_results);
  g_test_add_func ("/export/dot/everything", test_dot_everything);
  g_test_add_func ("/export/mermaid/modes", test_mermaid_both_modes);
  g_test_add_func ("/export/mermaid/everything", test_mermaid_everything);
  g_test_add_func ("/export/mermaid/signalfd", test_mermaid_signalfd);
  g_test_add_func ("/export/chrome-json/ordered-results", test_chrome_json_ordered_results);
  g_test_add_func ("/export/chrome-json/everything", test_chrome_json_everything);
  g_test_add_func ("/export/filters", test_filters);
  g_test_add_func ("/export/write-file", test_write_file);
  return g_test_run ();
}

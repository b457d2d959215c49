/* cli-common.c: what every forkscope-cli command shares — error lines, option
 * parsing with a help that returns instead of exiting, colour, Ctrl-C, trace
 * loading and output streams. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gio/gunixoutputstream.h>

#include "core/trace-file.h"
#include "core/trace-json.h"
#include "tracer/tracefs-tracer.h"

G_DEFINE_QUARK (fs-cli-error-quark, fs_cli_error)

static void
print_line (const char *prefix, const char *format, va_list args)
{
  g_autofree char *msg = g_strdup_vprintf (format, args);
  gsize len = strlen (msg);

  /* One line: a message that ends in a newline must not add an empty one. */
  while (len > 0 && msg[len - 1] == '\n')
    msg[--len] = '\0';
  fflush (stdout);
  fprintf (stderr, "forkscope-cli: %s%s\n", prefix, msg);
}

void
fs_cli_error (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  print_line ("", format, args);
  va_end (args);
}

void
fs_cli_warning (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  print_line ("warning: ", format, args);
  va_end (args);
}

int
fs_cli_usage_error (const char *command, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  if (command != NULL)
    fs_cli_error ("%s: %s (see 'forkscope-cli %s --help')", command, msg, command);
  else
    fs_cli_error ("%s (see 'forkscope-cli --help')", msg);
  return FS_CLI_EXIT_USAGE;
}

/* ---- options ---------------------------------------------------------------- */

static gboolean help_requested;

static const GOptionEntry help_entries[] = {
  { "help", 'h', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &help_requested,
    "Show this help", NULL },
  { NULL }
};

GOptionContext *
fs_cli_option_context (const char *command, const char *parameter, const char *summary,
                       const char *description)
{
  GOptionContext *context = g_option_context_new (parameter);

  /* GLib's own --help calls exit(); ours returns so commands clean up. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, help_entries, NULL);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  if (description != NULL)
    g_option_context_set_description (context, description);
  /* Options may follow FILE: "show trace.fstrace --no-tree". */
  g_option_context_set_strict_posix (context, FALSE);
  return context;
}

gboolean
fs_cli_parse_options (GOptionContext *context, const char *command, int *argc, char ***argv,
                      int *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("forkscope-cli %s", command);
  g_autofree char *old_prgname = g_strdup (g_get_prgname ());

  help_requested = FALSE;
  /* The usage line reads "forkscope-cli show [OPTION…] FILE". */
  g_set_prgname (prgname);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_set_prgname (old_prgname);
      *exit_code = fs_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  if (help_requested)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_set_prgname (old_prgname);
      fputs (help, stdout);
      if (!g_str_has_suffix (help, "\n"))
        fputc ('\n', stdout);
      *exit_code = FS_CLI_EXIT_OK;
      return FALSE;
    }
  g_set_prgname (old_prgname);
  return TRUE;
}

/* ---- colour ----------------------------------------------------------------- */

static gboolean color_on;

gboolean
fs_cli_parse_color_mode (const char *text, FsCliColorMode *out)
{
  if (text == NULL || g_str_equal (text, "auto") || g_str_equal (text, "tty"))
    *out = FS_CLI_COLOR_AUTO;
  else if (g_str_equal (text, "always") || g_str_equal (text, "yes") || g_str_equal (text, "force"))
    *out = FS_CLI_COLOR_ALWAYS;
  else if (g_str_equal (text, "never") || g_str_equal (text, "no") || g_str_equal (text, "none"))
    *out = FS_CLI_COLOR_NEVER;
  else
    return FALSE;
  return TRUE;
}

gboolean
fs_cli_use_color (FILE *stream, FsCliColorMode mode)
{
  const char *no_color = g_getenv ("NO_COLOR");
  const char *term = g_getenv ("TERM");

  switch (mode)
    {
    case FS_CLI_COLOR_ALWAYS:
      color_on = TRUE;
      break;
    case FS_CLI_COLOR_NEVER:
      color_on = FALSE;
      break;
    case FS_CLI_COLOR_AUTO:
    default:
      color_on = isatty (fileno (stream)) &&
                 (no_color == NULL || no_color[0] == '\0') &&
                 (term == NULL || !g_str_equal (term, "dumb"));
      break;
    }
  return color_on;
}

const char *
fs_cli_style (FsCliStyle style)
{
  static const char *const codes[FS_CLI_STYLE_LAST] = {
    [FS_CLI_STYLE_RESET] = "\033[0m",
    [FS_CLI_STYLE_BOLD] = "\033[1m",
    [FS_CLI_STYLE_DIM] = "\033[2m",
    [FS_CLI_STYLE_RED] = "\033[31m",
    [FS_CLI_STYLE_GREEN] = "\033[32m",
    [FS_CLI_STYLE_YELLOW] = "\033[33m",
    [FS_CLI_STYLE_BLUE] = "\033[34m",
    [FS_CLI_STYLE_MAGENTA] = "\033[35m",
    [FS_CLI_STYLE_CYAN] = "\033[36m",
  };

  if (!color_on || style >= FS_CLI_STYLE_LAST)
    return "";
  return codes[style];
}

/* ---- Ctrl-C ------------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

static void
on_interrupt (int signo)
{
  (void) signo;
  interrupted = 1;
}

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGQUIT };
static struct sigaction crash_saved[G_N_ELEMENTS (crash_signals)];

static void
on_crash (int signo)
{
  fs_tracefs_emergency_cleanup ();
  /* Die as we would have: the previous action (the default, or a
   * sanitizer's report) for the signal raised again.  A real fault also
   * comes back when the instruction runs again. */
  for (gsize i = 0; i < G_N_ELEMENTS (crash_signals); i++)
    if (crash_signals[i] == signo)
      sigaction (signo, &crash_saved[i], NULL);
  raise (signo);
}

void
fs_cli_clean_up_on_crash (void)
{
  /* On its own stack: a stack overflow is a crash too. */
  static char alt_stack[64 * 1024];
  stack_t current;
  if (sigaltstack (NULL, &current) == 0 && (current.ss_flags & SS_DISABLE))
    {
      stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack };
      sigaltstack (&ss, NULL);
    }
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_crash;
  sigemptyset (&sa.sa_mask);
  sa.sa_flags = SA_ONSTACK;
  for (gsize i = 0; i < G_N_ELEMENTS (crash_signals); i++)
    sigaction (crash_signals[i], &sa, &crash_saved[i]);
}

void
fs_cli_catch_interrupts (void)
{
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_interrupt;
  sigemptyset (&sa.sa_mask);
  /* The second Ctrl-C gets the default action: a stuck command still dies. */
  sa.sa_flags = SA_RESETHAND;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
}

gboolean
fs_cli_interrupted (void)
{
  return interrupted != 0;
}

static gboolean
cancel_cb (gpointer user_data)
{
  interrupted = 1;
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

typedef struct {
  guint int_id;
  guint term_id;
} InterruptWatch;

static GHashTable *watches;   /* handle → InterruptWatch* */
static guint next_watch;

guint
fs_cli_cancel_on_interrupt (GCancellable *cancellable)
{
  InterruptWatch *watch = g_new0 (InterruptWatch, 1);

  if (watches == NULL)
    watches = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  watch->int_id = g_unix_signal_add_full (G_PRIORITY_HIGH, SIGINT, cancel_cb,
                                          g_object_ref (cancellable), g_object_unref);
  watch->term_id = g_unix_signal_add_full (G_PRIORITY_HIGH, SIGTERM, cancel_cb,
                                           g_object_ref (cancellable), g_object_unref);
  g_hash_table_insert (watches, GUINT_TO_POINTER (++next_watch), watch);
  return next_watch;
}

void
fs_cli_cancel_on_interrupt_remove (guint handle)
{
  InterruptWatch *watch = watches ? g_hash_table_lookup (watches, GUINT_TO_POINTER (handle)) : NULL;

  if (watch == NULL)
    return;
  g_source_remove (watch->int_id);
  g_source_remove (watch->term_id);
  g_hash_table_remove (watches, GUINT_TO_POINTER (handle));
}

/* ---- traces --------------------------------------------------------------------- */

/* JSON starts with '{' (after optional whitespace or a UTF-8 BOM); the
 * native format starts with its magic. */
static gboolean
looks_like_json (const char *path)
{
  char head[64];
  gssize n;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  n = read (fd, head, sizeof head);
  close (fd);
  for (gssize i = 0; i < n; i++)
    {
      guchar c = (guchar) head[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        continue;
      if (i == 0 && n >= 3 && c == 0xef && (guchar) head[1] == 0xbb && (guchar) head[2] == 0xbf)
        {
          i += 2;
          continue;
        }
      return c == '{';
    }
  return FALSE;
}

FsTrace *
fs_cli_load_trace (const char *path, int *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  FsTrace *trace;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      fs_cli_error ("%s: is a directory, not a trace file", path);
      *exit_code = FS_CLI_EXIT_USAGE;
      return NULL;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      fs_cli_error ("%s: no such file", path);
      *exit_code = FS_CLI_EXIT_USAGE;
      return NULL;
    }
  if (looks_like_json (path))
    trace = fs_trace_load_json (path, &error);
  else
    trace = fs_trace_load (path, &warning, &error);
  if (trace == NULL)
    {
      fs_cli_error ("%s", error->message);
      *exit_code = FS_CLI_EXIT_USAGE;
      return NULL;
    }
  if (warning != NULL)
    fs_cli_warning ("%s", warning);
  if (fs_trace_get_meta (trace)->lost_events > 0)
    fs_cli_warning ("%s: the tracer lost %" G_GUINT64_FORMAT " events; the trace is incomplete",
                    path, fs_trace_get_meta (trace)->lost_events);
  *exit_code = FS_CLI_EXIT_OK;
  return trace;
}

GOutputStream *
fs_cli_open_output (const char *path, GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  GFileOutputStream *out;

  if (g_str_equal (path, "-"))
    return g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  file = g_file_new_for_path (path);
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &local_error);
  if (out == NULL)
    {
      /* GIO's message repeats the path; keep only the reason after it. */
      const char *reason = g_strrstr (local_error->message, ": ");
      g_set_error (error, FS_CLI_ERROR, FS_CLI_ERROR_FAILED, "%s: cannot write: %s", path,
                   reason != NULL ? reason + 2 : local_error->message);
      return NULL;
    }
  return G_OUTPUT_STREAM (out);
}

gboolean
fs_cli_match_process (FsTrace *trace, const char *spec, GArray *ids)
{
  guint n = fs_trace_n_processes (trace);
  gboolean found = FALSE;
  char *end = NULL;
  gint64 number;
  gboolean by_id = spec[0] == '#';
  const char *digits = by_id ? spec + 1 : spec;

  errno = 0;
  number = g_ascii_strtoll (digits, &end, 10);
  if (digits[0] == '\0' || *end != '\0' || errno != 0)
    number = -1;
  else if (by_id && number >= 0 && (guint64) number >= n)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      const FsProcess *p = fs_trace_process (trace, i);
      gboolean match;

      if (by_id)
        match = number >= 0 && i == (guint64) number;
      else if (number > 0)
        match = p->pid == number;
      else
        match = g_str_equal (fs_trace_process_name (trace, i), spec) ||
                g_str_equal (fs_trace_string (trace, p->comm), spec);
      if (!match)
        continue;
      found = TRUE;
      for (guint k = 0; k < ids->len; k++)
        if (g_array_index (ids, FsProcessId, k) == i)
          {
            match = FALSE;
            break;
          }
      if (match)
        g_array_append_val (ids, i);
    }
  return found;
}

void
fs_cli_format_time (gint64 t_ns, char *buf, gsize size)
{
  const char *sign = t_ns < 0 ? "-" : "";
  guint64 abs_ns = t_ns < 0 ? (guint64) (-(t_ns + 1)) + 1 : (guint64) t_ns;

  g_snprintf (buf, size, "%s%" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT, sign,
              abs_ns / 1000000000u, (abs_ns % 1000000000u) / 1000u);
}

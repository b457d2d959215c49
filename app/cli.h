/* cli.h: forkscope-cli's commands and the helpers they share.
 *
 * Each command is one function `int fs_cli_NAME (int argc, char **argv)`,
 * where argv[0] is the command's name, registered with one line in the
 * command table of forkscope-cli.c.  Commands parse their own options with
 * fs_cli_parse_options() and return an exit code:
 *   FS_CLI_EXIT_OK (0), FS_CLI_EXIT_FAILURE (1: the work failed at run time),
 *   FS_CLI_EXIT_USAGE (2: bad usage or bad input).
 * Errors are one line on stderr: "forkscope-cli: FILE: problem".
 */
#pragma once

#include <stdio.h>
#include <gio/gio.h>

#include "core/trace-model.h"
#include "core/trace-export.h"

G_BEGIN_DECLS

enum {
  FS_CLI_EXIT_OK      = 0,
  FS_CLI_EXIT_FAILURE = 1,
  FS_CLI_EXIT_USAGE   = 2,
};

typedef int (*FsCliCommandFunc) (int argc, char **argv);

typedef struct {
  const char       *name;
  FsCliCommandFunc  run;
  const char       *summary;   /* one line for `forkscope-cli --help` */
} FsCliCommand;

/* ---- commands (one file each) -------------------------------------------- */

int fs_cli_show   (int argc, char **argv);   /* cli-show.c */
int fs_cli_export (int argc, char **argv);   /* cli-export.c */
int fs_cli_import (int argc, char **argv);   /* cli-import.c */
int fs_cli_synth  (int argc, char **argv);   /* cli-synth.c */
int fs_cli_record (int argc, char **argv);   /* cli-record.c */
int fs_cli_check  (int argc, char **argv);   /* cli-check.c */
int fs_cli_run    (int argc, char **argv);   /* cli-run.c */

/* ---- cli-common.c ---------------------------------------------------------- */

/* "forkscope-cli: " + message, on one line on stderr. */
void         fs_cli_error        (const char *format, ...) G_GNUC_PRINTF (1, 2);
void         fs_cli_warning      (const char *format, ...) G_GNUC_PRINTF (1, 2);
/* A usage error for command (NULL: the program itself): one line naming the
 * problem and where the help is.  Returns FS_CLI_EXIT_USAGE. */
int          fs_cli_usage_error  (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* A GOptionContext for a command, with --help handled by fs_cli_parse_options
 * (exit code 0 after printing) rather than by GLib's exit().  parameter: e.g.
 * "FILE"; description: longer text shown after the options (may be NULL). */
GOptionContext *fs_cli_option_context (const char *command, const char *parameter,
                                       const char *summary, const char *description);
/* Parses argv (argv[0] is the command).  Returns TRUE to go on; FALSE with
 * *exit_code set when the command should return now (help shown: 0; bad
 * usage: 2, already reported). */
gboolean     fs_cli_parse_options (GOptionContext *context, const char *command,
                                   int *argc, char ***argv, int *exit_code);

/* Colour.  --color=auto|always|never; auto: only on a terminal, and never
 * when NO_COLOR is set (https://no-color.org) or TERM is "dumb". */
typedef enum {
  FS_CLI_COLOR_AUTO = 0,
  FS_CLI_COLOR_ALWAYS,
  FS_CLI_COLOR_NEVER,
} FsCliColorMode;

/* Parses "auto"/"always"/"never" (also "yes"/"no"); FALSE when unknown. */
gboolean     fs_cli_parse_color_mode (const char *text, FsCliColorMode *out);
/* Decides colour for a stream and remembers it for fs_cli_style(). */
gboolean     fs_cli_use_color    (FILE *stream, FsCliColorMode mode);

typedef enum {
  FS_CLI_STYLE_RESET = 0,
  FS_CLI_STYLE_BOLD,
  FS_CLI_STYLE_DIM,
  FS_CLI_STYLE_RED,
  FS_CLI_STYLE_GREEN,
  FS_CLI_STYLE_YELLOW,
  FS_CLI_STYLE_BLUE,
  FS_CLI_STYLE_MAGENTA,
  FS_CLI_STYLE_CYAN,
  FS_CLI_STYLE_LAST
} FsCliStyle;

/* The escape sequence for a style, or "" when colour is off. */
const char  *fs_cli_style        (FsCliStyle style);

/* Ctrl-C.  fs_cli_catch_interrupts(): SIGINT/SIGTERM set a flag that
 * fs_cli_interrupted() reads, for loops without a main loop; a second Ctrl-C
 * kills as usual.  fs_cli_cancel_on_interrupt(): cancels a GCancellable from
 * the main loop (g_unix_signal_add) for commands that run one; returns a
 * handle for fs_cli_cancel_on_interrupt_remove(). */
void         fs_cli_catch_interrupts (void);

/* If forkscope-cli crashes (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) or is
 * told to quit with a core (SIGQUIT), its tracefs instances are removed
 * before it dies as it would have (the previous action runs after). */
void         fs_cli_clean_up_on_crash (void);
gboolean     fs_cli_interrupted  (void);
guint        fs_cli_cancel_on_interrupt        (GCancellable *cancellable);
void         fs_cli_cancel_on_interrupt_remove (guint handle);

/* Loads a trace: a native .fstrace file, or a forkscope JSON trace (by its
 * first byte).  A truncation warning goes to stderr.  On failure reports the
 * error and returns NULL with *exit_code FS_CLI_EXIT_USAGE (bad input). */
FsTrace     *fs_cli_load_trace   (const char *path, int *exit_code);

/* An output stream for a path; "-" is stdout (the fd stays open).  A file
 * is replaced atomically when the stream is closed.  Errors are
 * FS_CLI_ERROR_FAILED and name the path. */
GOutputStream *fs_cli_open_output (const char *path, GError **error);

/* Resolves a --process argument: a trace id "#3", a pid "1234" or a name.
 * Adds every match to ids (no duplicates); FALSE when nothing matches. */
gboolean     fs_cli_match_process (FsTrace *trace, const char *spec, GArray *ids);

/* Formats a time relative to the trace start, "12.345678" (seconds). */
void         fs_cli_format_time  (gint64 t_ns, char *buf, gsize size);

/* ---- cli-export.c: formats and their options ------------------------------- */

/* The options every export format may read.  Strings are NULL when not given;
 * the parsed fields are filled before the format's function runs. */
typedef struct {
  const char     *input;          /* the trace file */
  const char     *output;         /* -o; "-" is stdout */
  const char     *format;         /* --format */
  FsTrace        *trace;          /* loaded from input */

  /* As given on the command line. */
  const char     *at;             /* --at TIME: the instant for a snapshot */
  const char     *at_event;       /* --at-event N: the instant of event N */
  const char     *from;           /* --from TIME */
  const char     *to;             /* --to TIME */
  const char     *processes;      /* --processes LIST */
  const char     *theme;          /* --theme NAME */
  const char     *title;          /* --title TEXT */
  double          scale;          /* --scale (0: format's default) */
  int             width;          /* --width (0: format's default) */
  gboolean        conservative;   /* --conservative */
  gboolean        include_hidden; /* --all: hidden infrastructure too */

  /* Parsed from the above (times in ns since the trace start). */
  gint64          at_ns;          /* --at / --at-event; FS_TIME_NONE: not given */
  gsize           at_event_index; /* --at-event; FS_EVENT_NONE: not given */
  FsExportFilter  filter;         /* --from/--to/--processes/--all */
  GArray         *process_ids;    /* backs filter.processes (FsProcessId), or NULL */
} FsCliExportOptions;

/* Writes options->trace to options->output; FALSE with error on failure.
 * An error in FS_CLI_ERROR_USAGE means bad options (exit 2); others exit 1. */
typedef gboolean (*FsCliExportFunc) (const FsCliExportOptions *options, GError **error);

typedef struct {
  const char      *name;          /* --format NAME */
  const char      *extension;     /* guessed from -o OUT.EXT when --format is missing */
  gboolean         binary;        /* never written to a terminal */
  FsCliExportFunc  run;
  const char      *summary;
} FsCliExportFormat;

/* cli-export-drawing.c: pictures and diagram formats (rows of export_formats[]). */
gboolean fs_cli_export_svg          (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_png          (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_pdf          (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_seq_svg      (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_seq_png      (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_seq_pdf      (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_lanes_svg    (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_lanes_png    (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_lanes_pdf    (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_animated_svg (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_dot          (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_mermaid      (const FsCliExportOptions *options, GError **error);
gboolean fs_cli_export_chrome_json  (const FsCliExportOptions *options, GError **error);

#define FS_CLI_ERROR (fs_cli_error_quark ())
GQuark fs_cli_error_quark (void);

typedef enum {
  FS_CLI_ERROR_USAGE,             /* exit code 2 */
  FS_CLI_ERROR_FAILED,            /* exit code 1 */
} FsCliErrorCode;

G_END_DECLS

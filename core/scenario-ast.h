/* scenario-ast.h: a parsed and checked scenario (.fsc file), and the API that
 * loads one.
 *
 * The tree is built once by the parser, resolved by the checker (names to
 * process and variable indices, print templates to pieces) and then only read.
 * The engine walks it in forked children and in signal handlers, so nothing
 * in it is allocated or changed while a scenario runs.
 *
 * See docs/scenario-language.md for the language.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FS_SCENARIO_MAX_DEPTH      32      /* nesting of { } blocks */
#define FS_SCENARIO_MAX_REPEAT     100000  /* largest repeat count */
#define FS_SCENARIO_MAX_THREADS    64
#define FS_SCENARIO_MAX_PROCESSES  1024    /* declared names, not instances */
#define FS_SCENARIO_MAX_VARIABLES  64
#define FS_SCENARIO_MAX_DURATION_NS (G_GINT64_CONSTANT (3600) * G_TIME_SPAN_SECOND * 1000)
#define FS_SCENARIO_MAX_ERRORS     50
#define FS_SCENARIO_MAX_SIZE       (1024 * 1024)  /* bytes of source */

typedef enum {
  FS_STMT_FORK = 1,
  FS_STMT_EXEC,
  FS_STMT_KILL,
  FS_STMT_SIGQUEUE,
  FS_STMT_RAISE,
  FS_STMT_BLOCK,
  FS_STMT_UNBLOCK,
  FS_STMT_HANDLE,
  FS_STMT_IGNORE,
  FS_STMT_DEFAULT,
  FS_STMT_SIGWAIT,
  FS_STMT_PAUSE,
  FS_STMT_SLEEP,
  FS_STMT_SPIN,
  FS_STMT_ALARM,
  FS_STMT_WAIT,
  FS_STMT_EXIT,
  FS_STMT_ABORT,
  FS_STMT_PRINT,
  FS_STMT_REPEAT,
  FS_STMT_SETPGID,
  FS_STMT_SETSID,
  FS_STMT_THREADS,
  FS_STMT_LET,
  FS_STMT_SET,
  FS_STMT_INCREMENT,
  FS_STMT_LAST
} FsStmtKind;

typedef enum {
  FS_SCN_TARGET_PROCESS = 0,  /* a named process */
  FS_SCN_TARGET_PARENT,       /* getppid() at the time of the kill */
  FS_SCN_TARGET_SELF,
  FS_SCN_TARGET_CHILDREN,     /* every child this process forked and has not reaped */
  FS_SCN_TARGET_GROUP,        /* the process group led by a named process (or self's group) */
} FsScnTargetKind;

#define FS_SCN_WAIT_ANY  (-1)
#define FS_SCN_WAIT_ALL  (-2)
#define FS_SCN_NONE      (-1)

/* A source position: 1-based line and column (in bytes), and a length for carets. */
typedef struct {
  guint32 line;
  guint32 col;
  guint32 len;
} FsScnPos;

typedef struct {
  guint8  kind;           /* FsScnTargetKind */
  gboolean group_self;    /* GROUP: the caller's own group */
  int     process;        /* PROCESS, GROUP: index into FsScenario.processes */
  char   *name;           /* as written, for messages */
  FsScnPos pos;
} FsScnTarget;

typedef enum {
  FS_PIECE_TEXT = 0,      /* literal text */
  FS_PIECE_VARIABLE,      /* {counter} */
  FS_PIECE_PID,           /* {pid} or {pid:NAME} */
  FS_PIECE_PPID,          /* {ppid} */
  FS_PIECE_NAME,          /* {name}: the process's scenario name */
  FS_PIECE_SIGNAL,        /* {signal}: the last signal sigwait returned */
  FS_PIECE_STATUS,        /* {status}: the last status wait collected */
  FS_PIECE_VALUE,         /* {value}: the last sigqueue value sigwait returned */
} FsPieceKind;

typedef struct {
  guint8  kind;           /* FsPieceKind */
  int     index;          /* VARIABLE: variable; PID: process or FS_SCN_NONE for self */
  char   *text;           /* TEXT */
  gsize   len;
  char   *name;           /* PID with a name, VARIABLE: as written */
  FsScnPos pos;
} FsScnPiece;

/* An integer expression: a [+|- b], each an integer or a variable. */
typedef struct {
  gint64  a_value, b_value;
  int     a_var, b_var;   /* FS_SCN_NONE: use the value */
  int     op;             /* 0: just a; '+' or '-' */
} FsScnExpr;


typedef struct _FsScnBlock FsScnBlock;

typedef struct {
  guint64     sigset;     /* bit (sig - 1) */
  FsScnBlock *body;
  FsScnPos    pos;
} FsScnWhen;

typedef struct {
  FsStmtKind  kind;
  FsScnPos    pos;        /* the keyword */
  const char *source;     /* the statement's source line, trimmed (points into text_lines) */
  int         signal;     /* KILL SIGQUEUE RAISE HANDLE IGNORE DEFAULT */
  FsScnPos    signal_pos;
  guint64     sigset;     /* BLOCK UNBLOCK SIGWAIT */
  gint64      duration_ns;/* SLEEP SPIN ALARM (-1: alarm cancel) */
  gint64      number;     /* EXIT REPEAT THREADS SIGQUEUE(value) */
  FsScnPos    number_pos;
  int         process;    /* FORK: the forked process; WAIT: process, WAIT_ANY or WAIT_ALL */
  char       *name;       /* WAIT/FORK/LET/SET/INCREMENT name as written */
  FsScnPos    name_pos;
  FsScnTarget target;     /* KILL SIGQUEUE */
  int         variable;   /* LET SET INCREMENT */
  FsScnExpr   expr;       /* LET SET */
  char       *raw_text;   /* PRINT: the string as written, between the quotes */
  FsScnPos    text_pos;   /* PRINT: position of the opening quote */
  FsScnPiece *pieces;     /* PRINT, after checking */
  guint       n_pieces;
  char      **argv;       /* EXEC */
  FsScnBlock *body;       /* FORK HANDLE REPEAT THREADS */
  GPtrArray  *branches;   /* SIGWAIT: of FsScnWhen*, may be NULL */
} FsScnStmt;

struct _FsScnBlock {
  GPtrArray *stmts;       /* of FsScnStmt* */
};

typedef struct {
  char       *name;
  char       *label;      /* NULL when none */
  int         parent;     /* FS_SCN_NONE for the root */
  int         depth;      /* 0 for the root */
  FsScnPos    pos;        /* the name in its fork (or process) line */
  FsScnBlock *body;
} FsScnProcess;

typedef struct {
  char    *name;
  gboolean local;         /* declared by let: one per thread, not shared */
  gboolean assigned;      /* some let, set or increment names it */
  FsScnPos pos;           /* first definition, else first use */
} FsScnVariable;

typedef enum {
  FS_SEVERITY_ERROR = 0,
  FS_SEVERITY_WARNING,
} FsSeverity;

typedef struct {
  FsSeverity severity;
  FsScnPos   pos;
  char      *message;
} FsScnDiagnostic;

typedef struct {
  char       *filename;   /* as given, for messages */
  char       *text;       /* the source, NUL-terminated */
  gsize       len;
  char      **lines;      /* the source split into lines (no newline), for carets */
  guint       n_lines;
  char      **text_lines; /* trimmed lines, for markers */
  char       *title;      /* scenario "…", or NULL */
  GPtrArray  *processes;  /* of FsScnProcess*; [0] is the root */
  GPtrArray  *variables;  /* of FsScnVariable* */
  GArray     *diagnostics;/* of FsScnDiagnostic, sorted by position */
  guint       n_errors;
  guint       n_warnings;
} FsScenario;

/* Parses and checks text.  Always returns a scenario (maybe partial); it is
 * runnable only when n_errors is 0. */
FsScenario  *fs_scenario_parse        (const char *filename, const char *text, gsize len);
/* Reads and parses a file; FALSE with error only when the file cannot be read. */
FsScenario  *fs_scenario_load         (const char *path, GError **error);
void         fs_scenario_free         (FsScenario *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsScenario, fs_scenario_free)

/* "file:line:col: error: message", the source line and a caret line, for each
 * diagnostic; colour when use_color. */
char        *fs_scenario_format_diagnostics (FsScenario *self, gboolean use_color);
/* One-line summary of the first error, for GError messages. */
char        *fs_scenario_first_error  (FsScenario *self);

int          fs_scenario_find_process (FsScenario *self, const char *name);
FsScnProcess *fs_scenario_process     (FsScenario *self, int index);
const char  *fs_stmt_kind_name        (FsStmtKind kind);

/* Internal: shared by the parser and the checker. */
void         fs_scenario_add_diagnostic (FsScenario *self, FsSeverity severity,
                                         FsScnPos pos, const char *format, ...) G_GNUC_PRINTF (4, 5);
void         fs_scenario_check        (FsScenario *self);
/* Looks a variable up by name, adding it (unassigned) when new; FS_SCN_NONE
 * when the table is full (reported at pos). */
int          fs_scenario_variable     (FsScenario *self, const char *name, gsize len,
                                       FsScnPos pos);
/* The closest of candidates to word (edit distance ≤ 2), or NULL. */
const char  *fs_scenario_suggest      (const char *word, const char *const *candidates, guint n);

G_END_DECLS

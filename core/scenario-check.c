/* scenario-check.c: the semantic checks that run after parsing (names,
 * scopes, what may run in a signal handler or a thread, ranges), the
 * diagnostics list and its formatting, and freeing a scenario.
 */
#include "scenario-ast.h"
#include "trace-model.h"

#include <string.h>

#define SIGBIT(sig) (G_GUINT64_CONSTANT (1) << ((sig) - 1))

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */

void
fs_scenario_add_diagnostic (FsScenario *self, FsSeverity severity, FsScnPos pos,
                            const char *format, ...)
{
  va_list args;
  va_start (args, format);
  char *message = g_strdup_vprintf (format, args);
  va_end (args);

  /* The parser may look ahead and re-read a token: say each thing once. */
  for (guint i = 0; i < self->diagnostics->len; i++)
    {
      FsScnDiagnostic *d = &g_array_index (self->diagnostics, FsScnDiagnostic, i);
      if (d->pos.line == pos.line && d->pos.col == pos.col && g_str_equal (d->message, message))
        {
          g_free (message);
          return;
        }
    }

  if (self->diagnostics->len >= FS_SCENARIO_MAX_ERRORS)
    {
      g_free (message);
      if (severity == FS_SEVERITY_ERROR)
        self->n_errors++;
      return;
    }

  FsScnDiagnostic d = { severity, pos, message };
  g_array_append_val (self->diagnostics, d);
  if (severity == FS_SEVERITY_ERROR)
    self->n_errors++;
  else
    self->n_warnings++;
}

static int
compare_diagnostics (gconstpointer a, gconstpointer b)
{
  const FsScnDiagnostic *da = a, *db = b;
  if (da->pos.line != db->pos.line)
    return da->pos.line < db->pos.line ? -1 : 1;
  if (da->pos.col != db->pos.col)
    return da->pos.col < db->pos.col ? -1 : 1;
  return 0;
}

/* Columns are counted in bytes while parsing and shown in characters. */
static guint
display_column (FsScenario *self, FsScnPos pos)
{
  if (pos.line < 1 || pos.line > self->n_lines)
    return pos.col;
  const char *line = self->lines[pos.line - 1];
  gsize len = strlen (line);
  guint col = 1;
  for (gsize i = 0; i + 1 < pos.col && i < len; i++)
    if (((guchar) line[i] & 0xc0) != 0x80)
      col++;
  return col + (pos.col - 1 > len ? (guint) (pos.col - 1 - len) : 0);
}

static void
sort_diagnostics (FsScenario *self)
{
  /* g_array_sort is not stable; a stable insertion sort keeps same-place
   * messages in the order they were found (the list is short). */
  GArray *d = self->diagnostics;
  for (guint i = 1; i < d->len; i++)
    {
      FsScnDiagnostic item = g_array_index (d, FsScnDiagnostic, i);
      guint j = i;
      while (j > 0 && compare_diagnostics (&g_array_index (d, FsScnDiagnostic, j - 1), &item) > 0)
        {
          g_array_index (d, FsScnDiagnostic, j) = g_array_index (d, FsScnDiagnostic, j - 1);
          j--;
        }
      g_array_index (d, FsScnDiagnostic, j) = item;
    }
}

char *
fs_scenario_format_diagnostics (FsScenario *self, gboolean use_color)
{
  const char *bold = use_color ? "\033[1m" : "";
  const char *red = use_color ? "\033[1;31m" : "";
  const char *magenta = use_color ? "\033[1;35m" : "";
  const char *green = use_color ? "\033[1;32m" : "";
  const char *reset = use_color ? "\033[0m" : "";
  GString *out = g_string_new (NULL);

  sort_diagnostics (self);
  for (guint i = 0; i < self->diagnostics->len; i++)
    {
      FsScnDiagnostic *d = &g_array_index (self->diagnostics, FsScnDiagnostic, i);
      gboolean error = d->severity == FS_SEVERITY_ERROR;
      g_string_append_printf (out, "%s%s:%u:%u:%s %s%s:%s %s\n", bold, self->filename, d->pos.line,
                              display_column (self, d->pos), reset, error ? red : magenta, error ? "error" : "warning",
                              reset, d->message);
      if (d->pos.line < 1 || d->pos.line > self->n_lines)
        continue;
      const char *line = self->lines[d->pos.line - 1];
      gsize line_len = strlen (line);
      g_string_append_printf (out, "%5u | %s\n", d->pos.line, line);
      g_string_append (out, "      | ");
      gsize col = MIN ((gsize) d->pos.col - 1, line_len);
      for (gsize c = 0; c < col; c++)
        {
          guchar b = (guchar) line[c];
          if (b == '\t')
            g_string_append_c (out, '\t');
          else if ((b & 0xc0) != 0x80)
            g_string_append_c (out, ' ');
        }
      g_string_append (out, green);
      g_string_append_c (out, '^');
      gsize span = d->pos.len > 1 ? MIN ((gsize) d->pos.len, line_len > col ? line_len - col : 1) : 1;
      for (gsize c = 1; c < span; c++)
        if (((guchar) line[col + c] & 0xc0) != 0x80)
          g_string_append_c (out, '~');
      g_string_append (out, reset);
      g_string_append_c (out, '\n');
    }

  guint shown_errors = 0;
  for (guint i = 0; i < self->diagnostics->len; i++)
    if (g_array_index (self->diagnostics, FsScnDiagnostic, i).severity == FS_SEVERITY_ERROR)
      shown_errors++;
  if (self->n_errors > shown_errors)
    g_string_append_printf (out, "%s: %u more errors not shown\n", self->filename,
                            self->n_errors - shown_errors);
  return g_string_free (out, FALSE);
}

char *
fs_scenario_first_error (FsScenario *self)
{
  sort_diagnostics (self);
  for (guint i = 0; i < self->diagnostics->len; i++)
    {
      FsScnDiagnostic *d = &g_array_index (self->diagnostics, FsScnDiagnostic, i);
      if (d->severity == FS_SEVERITY_ERROR)
        return g_strdup_printf ("%s:%u:%u: %s", self->filename, d->pos.line,
                                display_column (self, d->pos), d->message);
    }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Names                                                               */

static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  if (la > 64 || lb > 64)
    return G_MAXUINT;
  guint row[65];
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];
      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

const char *
fs_scenario_suggest (const char *word, const char *const *candidates, guint n)
{
  const char *best = NULL;
  guint best_distance = 3;
  gsize len = strlen (word);
  for (guint i = 0; i < n; i++)
    {
      guint d = edit_distance (word, candidates[i]);
      if (d < best_distance && d < MAX (len, 2))
        {
          best = candidates[i];
          best_distance = d;
        }
    }
  return best;
}

int
fs_scenario_find_process (FsScenario *self, const char *name)
{
  if (name == NULL)
    return FS_SCN_NONE;
  for (guint i = 0; i < self->processes->len; i++)
    if (g_str_equal (((FsScnProcess *) g_ptr_array_index (self->processes, i))->name, name))
      return (int) i;
  return FS_SCN_NONE;
}

FsScnProcess *
fs_scenario_process (FsScenario *self, int index)
{
  g_return_val_if_fail (index >= 0 && (guint) index < self->processes->len, NULL);
  return g_ptr_array_index (self->processes, index);
}

int
fs_scenario_variable (FsScenario *self, const char *name, gsize len, FsScnPos pos)
{
  for (guint i = 0; i < self->variables->len; i++)
    {
      FsScnVariable *v = g_ptr_array_index (self->variables, i);
      if (strlen (v->name) == len && memcmp (v->name, name, len) == 0)
        return (int) i;
    }
  if (self->variables->len >= FS_SCENARIO_MAX_VARIABLES)
    {
      fs_scenario_add_diagnostic (self, FS_SEVERITY_ERROR, pos, "too many variables (at most %d)",
                                  FS_SCENARIO_MAX_VARIABLES);
      return FS_SCN_NONE;
    }
  FsScnVariable *v = g_new0 (FsScnVariable, 1);
  v->name = g_strndup (name, len);
  v->pos = pos;
  g_ptr_array_add (self->variables, v);
  return (int) self->variables->len - 1;
}

const char *
fs_stmt_kind_name (FsStmtKind kind)
{
  static const char *const names[] = {
    NULL, "fork", "exec", "kill", "sigqueue", "raise", "block", "unblock", "handle", "ignore",
    "default", "sigwait", "pause", "sleep", "spin", "alarm", "wait", "exit", "abort",
    "print", "repeat", "setpgid", "setsid", "threads", "let", "set", "increment",
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (names) == FS_STMT_LAST);
  return kind > 0 && kind < FS_STMT_LAST ? names[kind] : "?";
}

/* ------------------------------------------------------------------ */
/* Semantic checks                                                     */

enum {
  CONTEXT_HANDLER = 1 << 0,
  CONTEXT_THREADS = 1 << 1,
};

typedef struct {
  FsScenario *scn;
  guint       n_processes;
} FsChecker;

static const char *
process_name (FsChecker *checker, int index)
{
  return fs_scenario_process (checker->scn, index)->name;
}

/* Resolves a process name used by `process` at a point where it knows the
 * processes marked in known; FS_SCN_NONE after a diagnostic. */
static int
resolve_process (FsChecker *checker, const char *name, FsScnPos pos, int process,
                 const guint8 *known, const char *use)
{
  FsScenario *scn = checker->scn;
  int index = fs_scenario_find_process (scn, name);
  if (index == FS_SCN_NONE)
    {
      g_autofree const char **names = g_new0 (const char *, checker->n_processes + 1);
      for (guint i = 0; i < checker->n_processes; i++)
        names[i] = process_name (checker, (int) i);
      const char *suggestion = fs_scenario_suggest (name, names, checker->n_processes);
      if (suggestion)
        fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, pos,
                                    "%s: no process is named '%s'; did you mean '%s'?", use, name,
                                    suggestion);
      else
        fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, pos, "%s: no process is named '%s'",
                                    use, name);
      return FS_SCN_NONE;
    }
  if (!known[index])
    {
      FsScnProcess *target = fs_scenario_process (scn, index);
      fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, pos,
                                  "%s: '%s' is not in scope in '%s' here (it is forked at line %u); a "
                                  "process knows itself, its ancestors, what its ancestors forked "
                                  "before it, and its own children once forked",
                                  use, name, process_name (checker, process), target->pos.line);
      return FS_SCN_NONE;
    }
  return index;
}

static const char *
allowed_list (int context)
{
  if (context & CONTEXT_HANDLER)
    return "print, kill, sigqueue, raise, exit, abort, let, set, increment and repeat";
  return "print, sleep, spin, kill, sigqueue, raise, let, set, increment and repeat";
}

static gboolean
allowed_in (FsStmtKind kind, int context)
{
  if (context & CONTEXT_HANDLER)
    switch (kind)
      {
      case FS_STMT_PRINT: case FS_STMT_KILL: case FS_STMT_SIGQUEUE: case FS_STMT_RAISE:
      case FS_STMT_EXIT: case FS_STMT_ABORT: case FS_STMT_LET: case FS_STMT_SET:
      case FS_STMT_INCREMENT: case FS_STMT_REPEAT:
        break;
      default:
        return FALSE;
      }
  if (context & CONTEXT_THREADS)
    switch (kind)
      {
      case FS_STMT_PRINT: case FS_STMT_SLEEP: case FS_STMT_SPIN: case FS_STMT_KILL:
      case FS_STMT_SIGQUEUE: case FS_STMT_RAISE: case FS_STMT_LET: case FS_STMT_SET:
      case FS_STMT_INCREMENT: case FS_STMT_REPEAT:
        break;
      default:
        return FALSE;
      }
  return TRUE;
}

static void
check_uncatchable (FsChecker *checker, int signo, FsScnPos pos, const char *what)
{
  if (signo == SIGKILL || signo == SIGSTOP)
    fs_scenario_add_diagnostic (checker->scn, FS_SEVERITY_ERROR, pos, "%s cannot be %s",
                                fs_signal_name (signo), what);
}

static void
assign_variable (FsChecker *checker, FsScnStmt *stmt, gboolean local)
{
  if (stmt->variable == FS_SCN_NONE)
    return;
  FsScnVariable *v = g_ptr_array_index (checker->scn->variables, stmt->variable);
  if (v->assigned && v->local != local)
    {
      fs_scenario_add_diagnostic (checker->scn, FS_SEVERITY_ERROR, stmt->name_pos,
                                  local ? "'%s' is a counter (set at line %u) and cannot also be a "
                                          "local made by let"
                                        : "'%s' is a local made by let at line %u; use let to change it",
                                  v->name, v->pos.line);
      return;
    }
  if (!v->assigned)
    {
      v->assigned = TRUE;
      v->local = local;
      v->pos = stmt->name_pos;
    }
}

static void check_block (FsChecker *checker, FsScnBlock *block, int process, guint8 *known,
                         int context);

static void
check_pieces (FsChecker *checker, FsScnStmt *stmt, int process, const guint8 *known)
{
  for (guint i = 0; i < stmt->n_pieces; i++)
    {
      FsScnPiece *piece = &stmt->pieces[i];
      if (piece->kind == FS_PIECE_PID && piece->name != NULL)
        {
          if (g_str_equal (piece->name, "self"))
            piece->index = FS_SCN_NONE;
          else
            piece->index = resolve_process (checker, piece->name, piece->pos, process, known, "print");
        }
    }
}

static void
check_statement (FsChecker *checker, FsScnStmt *stmt, int process, guint8 *known, int context)
{
  FsScenario *scn = checker->scn;

  if (!allowed_in (stmt->kind, context))
    {
      fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, stmt->pos,
                                  (context & CONTEXT_HANDLER)
                                    ? "'%s' is not allowed in a signal handler, where only "
                                      "async-signal-safe actions may run (allowed: %s)"
                                    : "'%s' is not allowed inside 'threads' (allowed: %s)",
                                  fs_stmt_kind_name (stmt->kind), allowed_list (context));
      return;
    }

  switch (stmt->kind)
    {
    case FS_STMT_FORK:
      if (stmt->process != FS_SCN_NONE && stmt->body)
        {
          g_autofree guint8 *child_known = g_memdup2 (known, checker->n_processes);
          child_known[stmt->process] = TRUE;
          check_block (checker, stmt->body, stmt->process, child_known, 0);
          known[stmt->process] = TRUE;
        }
      break;

    case FS_STMT_EXEC:
      if (stmt->argv && stmt->argv[0] && stmt->argv[0][0] == '\0')
        fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, stmt->pos, "exec needs a program name");
      break;

    case FS_STMT_KILL:
    case FS_STMT_SIGQUEUE:
      if (stmt->target.name)
        stmt->target.process = resolve_process (checker, stmt->target.name, stmt->target.pos, process,
                                                known, fs_stmt_kind_name (stmt->kind));
      break;

    case FS_STMT_HANDLE:
      check_uncatchable (checker, stmt->signal, stmt->signal_pos, "caught by a handler");
      if (stmt->body)
        check_block (checker, stmt->body, process, known, context | CONTEXT_HANDLER);
      break;

    case FS_STMT_IGNORE:
      check_uncatchable (checker, stmt->signal, stmt->signal_pos, "ignored");
      break;

    case FS_STMT_BLOCK:
      if (stmt->sigset & (SIGBIT (SIGKILL) | SIGBIT (SIGSTOP)))
        fs_scenario_add_diagnostic (scn, FS_SEVERITY_WARNING, stmt->signal_pos,
                                    "SIGKILL and SIGSTOP cannot be blocked; the kernel ignores them here");
      break;

    case FS_STMT_SIGWAIT:
      if (stmt->sigset & (SIGBIT (SIGKILL) | SIGBIT (SIGSTOP)))
        fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, stmt->signal_pos,
                                    "SIGKILL and SIGSTOP can never be waited for: they cannot be blocked");
      if (stmt->branches)
        {
          guint64 seen = 0;
          for (guint i = 0; i < stmt->branches->len; i++)
            {
              FsScnWhen *when = g_ptr_array_index (stmt->branches, i);
              guint64 extra = when->sigset & ~stmt->sigset;
              if (extra)
                {
                  int sig = __builtin_ctzll (extra) + 1;
                  fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, when->pos,
                                              "when %s: this sigwait does not wait for %s",
                                              fs_signal_name (sig), fs_signal_name (sig));
                }
              if (when->sigset & seen)
                fs_scenario_add_diagnostic (scn, FS_SEVERITY_WARNING, when->pos,
                                            "an earlier 'when' already handles this signal");
              seen |= when->sigset;
              if (when->body)
                check_block (checker, when->body, process, known, context);
            }
        }
      break;

    case FS_STMT_WAIT:
      if (stmt->name)
        {
          int index = resolve_process (checker, stmt->name, stmt->name_pos, process, known, "wait");
          if (index != FS_SCN_NONE && fs_scenario_process (scn, index)->parent != process)
            {
              fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, stmt->name_pos,
                                          "wait: '%s' is not a child of '%s'; only its parent can wait "
                                          "for a process",
                                          stmt->name, process_name (checker, process));
              index = FS_SCN_NONE;
            }
          stmt->process = index == FS_SCN_NONE ? FS_SCN_WAIT_ANY : index;
        }
      break;

    case FS_STMT_PRINT:
      check_pieces (checker, stmt, process, known);
      break;

    case FS_STMT_REPEAT:
      if (stmt->body)
        check_block (checker, stmt->body, process, known, context);
      break;

    case FS_STMT_THREADS:
      if (stmt->body)
        check_block (checker, stmt->body, process, known, context | CONTEXT_THREADS);
      break;

    case FS_STMT_LET:
      assign_variable (checker, stmt, TRUE);
      break;

    case FS_STMT_SET:
    case FS_STMT_INCREMENT:
      assign_variable (checker, stmt, FALSE);
      break;

    default:
      break;
    }
}

static void
check_block (FsChecker *checker, FsScnBlock *block, int process, guint8 *known, int context)
{
  guint ended_at = 0;
  for (guint i = 0; i < block->stmts->len; i++)
    {
      FsScnStmt *stmt = g_ptr_array_index (block->stmts, i);
      if (ended_at)
        {
          fs_scenario_add_diagnostic (checker->scn, FS_SEVERITY_WARNING, stmt->pos,
                                      "this statement is never reached: the process ends at line %u",
                                      ended_at);
          ended_at = 0;  /* once per block is enough */
        }
      check_statement (checker, stmt, process, known, context);
      if (stmt->kind == FS_STMT_EXIT || stmt->kind == FS_STMT_EXEC || stmt->kind == FS_STMT_ABORT)
        ended_at = stmt->pos.line;
    }
}

void
fs_scenario_check (FsScenario *self)
{
  FsChecker checker = { self, self->processes->len };

  /* Process names are global: every kill and wait names one unambiguously. */
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->processes->len; i++)
    {
      FsScnProcess *p = g_ptr_array_index (self->processes, i);
      FsScnProcess *first = g_hash_table_lookup (names, p->name);
      if (first)
        fs_scenario_add_diagnostic (self, FS_SEVERITY_ERROR, p->pos,
                                    "a process named '%s' is already declared at line %u",
                                    p->name, first->pos.line);
      else
        g_hash_table_insert (names, p->name, p);
    }

  g_autofree guint8 *known = g_new0 (guint8, MAX (checker.n_processes, 1));
  FsScnProcess *root = fs_scenario_process (self, 0);
  known[0] = TRUE;
  if (root->body)
    check_block (&checker, root->body, 0, known, 0);

  for (guint i = 0; i < self->variables->len; i++)
    {
      FsScnVariable *v = g_ptr_array_index (self->variables, i);
      if (!v->assigned)
        fs_scenario_add_diagnostic (self, FS_SEVERITY_ERROR, v->pos,
                                    "unknown variable '%s': variables are made by let, set or increment",
                                    v->name);
    }
}

/* ------------------------------------------------------------------ */
/* Freeing                                                             */

static void block_free (FsScnBlock *block);

static void
stmt_free (FsScnStmt *stmt)
{
  g_free (stmt->name);
  g_free (stmt->target.name);
  g_free (stmt->raw_text);
  for (guint i = 0; i < stmt->n_pieces; i++)
    {
      g_free (stmt->pieces[i].text);
      g_free (stmt->pieces[i].name);
    }
  g_free (stmt->pieces);
  g_strfreev (stmt->argv);
  block_free (stmt->body);
  if (stmt->branches)
    {
      for (guint i = 0; i < stmt->branches->len; i++)
        {
          FsScnWhen *when = g_ptr_array_index (stmt->branches, i);
          block_free (when->body);
          g_free (when);
        }
      g_ptr_array_free (stmt->branches, TRUE);
    }
  g_free (stmt);
}

static void
block_free (FsScnBlock *block)
{
  if (block == NULL)
    return;
  for (guint i = 0; i < block->stmts->len; i++)
    stmt_free (g_ptr_array_index (block->stmts, i));
  g_ptr_array_free (block->stmts, TRUE);
  g_free (block);
}

void
fs_scenario_free (FsScenario *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->processes->len; i++)
    {
      FsScnProcess *p = g_ptr_array_index (self->processes, i);
      /* Bodies of forked processes belong to their fork statement. */
      if (i == 0)
        block_free (p->body);
      g_free (p->name);
      g_free (p->label);
      g_free (p);
    }
  g_ptr_array_free (self->processes, TRUE);
  for (guint i = 0; i < self->variables->len; i++)
    {
      FsScnVariable *v = g_ptr_array_index (self->variables, i);
      g_free (v->name);
      g_free (v);
    }
  g_ptr_array_free (self->variables, TRUE);
  for (guint i = 0; i < self->diagnostics->len; i++)
    g_free (g_array_index (self->diagnostics, FsScnDiagnostic, i).message);
  g_array_free (self->diagnostics, TRUE);
  g_strfreev (self->lines);
  g_strfreev (self->text_lines);
  g_free (self->title);
  g_free (self->filename);
  g_free (self->text);
  g_free (self);
}

/* scenario-parser.c: recursive-descent parser for .fsc scenarios.
 *
 * Every error is recorded as a diagnostic and parsing goes on from the next
 * statement, so that one run reports all the mistakes in a file.  Nesting is
 * bounded (FS_SCENARIO_MAX_DEPTH) so hostile input cannot exhaust the stack;
 * blocks nested deeper are skipped by counting braces, without recursion.
 */
#include "scenario-lexer.h"
#include "trace-model.h"

#include <string.h>

typedef struct {
  FsScenario *scn;
  FsLexer     lexer;
  FsToken     tok;
  int         depth;
  int         process;      /* the process whose body is being parsed */
} FsParser;

static const char *const statement_keywords[] = {
  "fork", "exec", "kill", "sigqueue", "raise", "block", "unblock", "handle", "ignore",
  "default", "sigwait", "pause", "sleep", "spin", "alarm", "wait", "exit", "abort",
  "print", "repeat", "setpgid", "setsid", "threads", "let", "set", "increment",
};

static const char *const reserved_names[] = {
  "parent", "self", "children", "group", "any", "all", "cancel", "when",
  "process", "scenario",
};

static void
advance (FsParser *parser)
{
  fs_lexer_next (&parser->lexer, &parser->tok);
}

static gboolean
tok_is (FsParser *parser, const char *word)
{
  return parser->tok.kind == FS_TOK_IDENT && parser->tok.len == strlen (word)
         && memcmp (parser->tok.start, word, parser->tok.len) == 0;
}

static gboolean
at_terminator (FsParser *parser)
{
  FsTokKind k = parser->tok.kind;
  return k == FS_TOK_NEWLINE || k == FS_TOK_SEMI || k == FS_TOK_RBRACE || k == FS_TOK_EOF;
}

static char *
tok_text (FsParser *parser)
{
  return g_strndup (parser->tok.start, parser->tok.len);
}

static void
error_here (FsParser *parser, const char *what)
{
  if (parser->tok.kind == FS_TOK_ERROR)
    return;  /* the lexer has already said what is wrong here */
  if (parser->tok.kind == FS_TOK_IDENT)
    fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                "expected %s, found '%.*s'", what,
                                (int) parser->tok.len, parser->tok.start);
  else
    fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                "expected %s, found %s", what, fs_token_describe (parser->tok.kind));
}

/* Skips the rest of a statement: up to a newline, ';' or an unmatched '}',
 * stepping over any nested braces. */
static void
skip_statement (FsParser *parser)
{
  int braces = 0;
  for (;;)
    {
      FsTokKind k = parser->tok.kind;
      if (k == FS_TOK_EOF)
        return;
      if (braces == 0 && (k == FS_TOK_NEWLINE || k == FS_TOK_SEMI || k == FS_TOK_RBRACE))
        return;
      if (k == FS_TOK_LBRACE)
        braces++;
      else if (k == FS_TOK_RBRACE)
        braces--;
      advance (parser);
    }
}

/* Skips a whole { … } block starting at its '{'. */
static void
skip_block (FsParser *parser)
{
  int braces = 0;
  do
    {
      if (parser->tok.kind == FS_TOK_LBRACE)
        braces++;
      else if (parser->tok.kind == FS_TOK_RBRACE)
        braces--;
      else if (parser->tok.kind == FS_TOK_EOF)
        return;
      advance (parser);
    }
  while (braces > 0);
}

static void
skip_newlines (FsParser *parser)
{
  while (parser->tok.kind == FS_TOK_NEWLINE || parser->tok.kind == FS_TOK_SEMI)
    advance (parser);
}

static FsScnBlock *
block_new (void)
{
  FsScnBlock *block = g_new0 (FsScnBlock, 1);
  block->stmts = g_ptr_array_new ();
  return block;
}

static void parse_statements (FsParser *parser, FsScnBlock *block, FsScnPos open_pos);

/* Parses '{' statements '}' into a new block; NULL (after a diagnostic) when
 * there is no '{'. */
static FsScnBlock *
parse_block (FsParser *parser, const char *owner)
{
  if (parser->tok.kind != FS_TOK_LBRACE)
    {
      g_autofree char *what = g_strdup_printf ("'{' to open the body of '%s'", owner);
      error_here (parser, what);
      return NULL;
    }

  FsScnPos open_pos = parser->tok.pos;
  FsScnBlock *block = block_new ();

  if (parser->depth >= FS_SCENARIO_MAX_DEPTH)
    {
      fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, open_pos,
                                  "blocks are nested too deeply (more than %d levels)",
                                  FS_SCENARIO_MAX_DEPTH);
      skip_block (parser);
      return block;
    }

  parser->depth++;
  advance (parser);
  parse_statements (parser, block, open_pos);
  parser->depth--;
  return block;
}

static char *
unescape (FsParser *parser, const char *raw, gsize len, FsScnPos pos)
{
  GString *out = g_string_sized_new (len);
  for (gsize i = 0; i < len; i++)
    {
      char c = raw[i];
      if (c != '\\')
        {
          g_string_append_c (out, c);
          continue;
        }
      i++;
      if (i >= len)
        break;
      switch (raw[i])
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '"': g_string_append_c (out, '"'); break;
        case '{': g_string_append_c (out, '{'); break;
        case '}': g_string_append_c (out, '}'); break;
        default:
          {
            FsScnPos at = { pos.line, pos.col + 1 + (guint32) i - 1, 2 };
            fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, at,
                                        "unknown escape '\\%c' (use \\n, \\t, \\\\, \\\", \\{ or \\})",
                                        g_ascii_isprint (raw[i]) ? raw[i] : '?');
          }
        }
    }
  return g_string_free (out, FALSE);
}

static GPtrArray *signal_candidates;

static const char *const *
signal_names (guint *n)
{
  if (g_once_init_enter (&signal_candidates))
    {
      GPtrArray *names = g_ptr_array_new ();
      for (int sig = 1; sig < 32; sig++)
        {
          const char *name = fs_signal_name (sig);
          if (name != NULL)
            {
              g_ptr_array_add (names, (gpointer) name);
              if (g_str_has_prefix (name, "SIG"))
                g_ptr_array_add (names, (gpointer) (name + 3));
            }
        }
      g_once_init_leave (&signal_candidates, names);
    }
  *n = signal_candidates->len;
  return (const char *const *) signal_candidates->pdata;
}

/* A signal: CONT, SIGCONT, cont, 18, RTMIN+3.  Returns 0 after a diagnostic. */
static int
parse_signal (FsParser *parser, FsScnPos *pos_out)
{
  FsScnPos pos = parser->tok.pos;
  int signo = 0;

  if (parser->tok.kind == FS_TOK_INT)
    {
      signo = parser->tok.value > 0 && parser->tok.value <= FS_SIGNAL_MAX ? (int) parser->tok.value : 0;
      if (signo == 0 || fs_signal_name (signo) == NULL)
        {
          fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, pos,
                                      "signal number %" G_GINT64_FORMAT " is out of range (1 to %d)",
                                      parser->tok.value, SIGRTMAX);
          signo = 0;
        }
      advance (parser);
    }
  else if (parser->tok.kind == FS_TOK_IDENT)
    {
      g_autofree char *name = tok_text (parser);
      advance (parser);
      /* RTMIN+3 lexes as a name, a sign and a number written together. */
      if ((parser->tok.kind == FS_TOK_PLUS || parser->tok.kind == FS_TOK_MINUS)
          && parser->tok.pos.line == pos.line && parser->tok.pos.col == pos.col + strlen (name))
        {
          char sign = parser->tok.kind == FS_TOK_PLUS ? '+' : '-';
          advance (parser);
          if (parser->tok.kind == FS_TOK_INT)
            {
              char *joined = g_strdup_printf ("%s%c%" G_GINT64_FORMAT, name, sign, parser->tok.value);
              g_free (name);
              name = joined;
              pos.len = parser->tok.pos.col + parser->tok.pos.len - pos.col;
              advance (parser);
            }
        }
      signo = fs_signal_from_name (name);
      if (signo == 0)
        {
          guint n;
          const char *const *names = signal_names (&n);
          g_autofree char *upper = g_ascii_strup (name, -1);
          const char *suggestion = fs_scenario_suggest (upper, names, n);
          if (suggestion)
            fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, pos,
                                        "unknown signal '%s'; did you mean '%s'?", name, suggestion);
          else
            fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, pos,
                                        "unknown signal '%s' (write a name such as CONT or SIGUSR1, "
                                        "or a number)", name);
        }
    }
  else
    {
      error_here (parser, "a signal name such as CONT or SIGUSR1");
      if (parser->tok.kind == FS_TOK_ERROR)
        advance (parser);
    }

  if (pos_out)
    *pos_out = pos;
  return signo;
}

static gboolean
at_signal (FsParser *parser)
{
  return (parser->tok.kind == FS_TOK_IDENT && !tok_is (parser, "when"))
         || parser->tok.kind == FS_TOK_INT || parser->tok.kind == FS_TOK_ERROR;
}

/* One or more signals up to the end of the statement. */
static guint64
parse_signal_list (FsParser *parser, const char *statement)
{
  guint64 set = 0;
  if (!at_signal (parser))
    {
      g_autofree char *what = g_strdup_printf ("a signal after '%s'", statement);
      error_here (parser, what);
      return 0;
    }
  while (at_signal (parser))
    {
      int signo = parse_signal (parser, NULL);
      if (signo > 0)
        set |= G_GUINT64_CONSTANT (1) << (signo - 1);
    }
  return set;
}

static gboolean
parse_duration (FsParser *parser, FsScnStmt *stmt, const char *statement)
{
  if (parser->tok.kind == FS_TOK_DURATION)
    {
      stmt->duration_ns = parser->tok.value;
      stmt->number_pos = parser->tok.pos;
      if (parser->tok.overflow || parser->tok.value > FS_SCENARIO_MAX_DURATION_NS)
        fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                    "duration '%.*s' is out of range (at most 1h)",
                                    (int) parser->tok.len, parser->tok.start);
      advance (parser);
      return TRUE;
    }
  if (parser->tok.kind == FS_TOK_INT)
    {
      fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                  "'%s' needs a unit: write '%" G_GINT64_FORMAT "s' or '%"
                                  G_GINT64_FORMAT "ms'", statement, parser->tok.value, parser->tok.value);
      advance (parser);
      return FALSE;
    }
  g_autofree char *what = g_strdup_printf ("a duration such as 5s or 300ms after '%s'", statement);
  error_here (parser, what);
  return FALSE;
}

static gboolean
parse_integer (FsParser *parser, const char *what, gint64 *out, FsScnPos *pos)
{
  gboolean negative = FALSE;
  *pos = parser->tok.pos;
  if (parser->tok.kind == FS_TOK_MINUS)
    {
      negative = TRUE;
      advance (parser);
    }
  if (parser->tok.kind != FS_TOK_INT)
    {
      error_here (parser, what);
      return FALSE;
    }
  *out = negative ? -parser->tok.value : parser->tok.value;
  if (negative)
    pos->len = parser->tok.pos.col + parser->tok.pos.len - pos->col;
  else
    *pos = parser->tok.pos;
  advance (parser);
  return TRUE;
}

static gboolean
parse_operand (FsParser *parser, gint64 *value, int *var)
{
  *var = FS_SCN_NONE;
  *value = 0;
  if (parser->tok.kind == FS_TOK_IDENT)
    {
      g_autofree char *name = tok_text (parser);
      *var = fs_scenario_variable (parser->scn, name, strlen (name), parser->tok.pos);
      advance (parser);
      return TRUE;
    }
  FsScnPos pos;
  return parse_integer (parser, "a number or a variable", value, &pos);
}

static void
parse_expr (FsParser *parser, FsScnExpr *expr)
{
  expr->a_var = expr->b_var = FS_SCN_NONE;
  if (!parse_operand (parser, &expr->a_value, &expr->a_var))
    return;
  if (parser->tok.kind == FS_TOK_PLUS || parser->tok.kind == FS_TOK_MINUS)
    {
      expr->op = parser->tok.kind == FS_TOK_PLUS ? '+' : '-';
      advance (parser);
      parse_operand (parser, &expr->b_value, &expr->b_var);
    }
}

static void
parse_target (FsParser *parser, FsScnTarget *target)
{
  target->pos = parser->tok.pos;
  target->process = FS_SCN_NONE;
  if (parser->tok.kind != FS_TOK_IDENT)
    {
      error_here (parser, "a target: parent, self, children, group NAME or a process name");
      return;
    }
  if (tok_is (parser, "parent"))
    target->kind = FS_SCN_TARGET_PARENT;
  else if (tok_is (parser, "self"))
    target->kind = FS_SCN_TARGET_SELF;
  else if (tok_is (parser, "children"))
    target->kind = FS_SCN_TARGET_CHILDREN;
  else if (tok_is (parser, "group"))
    {
      target->kind = FS_SCN_TARGET_GROUP;
      advance (parser);
      if (parser->tok.kind != FS_TOK_IDENT)
        {
          error_here (parser, "a process name (or self) after 'group'");
          return;
        }
      target->pos = parser->tok.pos;
      if (tok_is (parser, "self"))
        target->group_self = TRUE;
      else
        target->name = tok_text (parser);
    }
  else
    {
      target->kind = FS_SCN_TARGET_PROCESS;
      target->name = tok_text (parser);
    }
  advance (parser);
}

/* {name}, {pid}, {pid:NAME}, {ppid}, {signal}, {status}, {value}, or a variable. */
static void
parse_template (FsParser *parser, FsScnStmt *stmt)
{
  GArray *pieces = g_array_new (FALSE, TRUE, sizeof (FsScnPiece));
  GString *literal = g_string_new (NULL);
  const char *raw = stmt->raw_text;
  gsize len = strlen (raw);
  FsScnPos base = stmt->text_pos;   /* the opening quote */

#define COL_AT(i) (base.col + 1 + (guint32) (i))
#define FLUSH_LITERAL() \
  if (literal->len > 0) { \
    FsScnPiece lit = { FS_PIECE_TEXT, 0, g_strndup (literal->str, literal->len), literal->len, NULL, base }; \
    g_array_append_val (pieces, lit); \
    g_string_truncate (literal, 0); \
  }

  for (gsize i = 0; i < len; i++)
    {
      char c = raw[i];
      if (c == '\\' && i + 1 < len)
        {
          i++;
          switch (raw[i])
            {
            case 'n': g_string_append_c (literal, '\n'); break;
            case 't': g_string_append_c (literal, '\t'); break;
            default: g_string_append_c (literal, raw[i]); break;  /* unescape() reported bad ones */
            }
          continue;
        }
      if (c == '}')
        {
          if (i + 1 < len && raw[i + 1] == '}')
            i++;
          g_string_append_c (literal, '}');
          continue;
        }
      if (c != '{')
        {
          g_string_append_c (literal, c);
          continue;
        }
      if (i + 1 < len && raw[i + 1] == '{')
        {
          g_string_append_c (literal, '{');
          i++;
          continue;
        }

      gsize close = i + 1;
      while (close < len && raw[close] != '}' && raw[close] != '{')
        close++;
      FsScnPos at = { base.line, COL_AT (i), (guint32) (close < len ? close - i + 1 : len - i) };
      if (close >= len || raw[close] != '}')
        {
          fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, at,
                                      "'{' starts a placeholder that is not closed by '}' "
                                      "(write '{{' for a literal brace)");
          break;
        }

      g_autofree char *inner = g_strstrip (g_strndup (raw + i + 1, close - i - 1));
      FsScnPiece piece = { 0 };
      piece.pos = at;
      piece.index = FS_SCN_NONE;
      if (g_str_equal (inner, "pid"))
        piece.kind = FS_PIECE_PID;
      else if (g_str_has_prefix (inner, "pid:"))
        {
          piece.kind = FS_PIECE_PID;
          piece.name = g_strstrip (g_strdup (inner + 4));
        }
      else if (g_str_equal (inner, "ppid"))
        piece.kind = FS_PIECE_PPID;
      else if (g_str_equal (inner, "name"))
        piece.kind = FS_PIECE_NAME;
      else if (g_str_equal (inner, "signal"))
        piece.kind = FS_PIECE_SIGNAL;
      else if (g_str_equal (inner, "status"))
        piece.kind = FS_PIECE_STATUS;
      else if (g_str_equal (inner, "value"))
        piece.kind = FS_PIECE_VALUE;
      else
        {
          gboolean ident = inner[0] != '\0' && (g_ascii_isalpha (inner[0]) || inner[0] == '_');
          for (const char *q = inner; ident && *q; q++)
            ident = g_ascii_isalnum (*q) || *q == '_';
          if (!ident)
            {
              fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, at,
                                          "'{%s}' is not a placeholder: use {pid}, {pid:NAME}, {ppid}, "
                                          "{name}, {signal}, {value}, {status} or a variable", inner);
              i = close;
              continue;
            }
          piece.kind = FS_PIECE_VARIABLE;
          piece.name = g_strdup (inner);
          piece.index = fs_scenario_variable (parser->scn, inner, strlen (inner), at);
        }
      FLUSH_LITERAL ();
      g_array_append_val (pieces, piece);
      i = close;
    }
  FLUSH_LITERAL ();
#undef FLUSH_LITERAL
#undef COL_AT

  g_string_free (literal, TRUE);
  stmt->n_pieces = pieces->len;
  stmt->pieces = (FsScnPiece *) (void *) g_array_free (pieces, FALSE);
}

static void
check_reserved (FsParser *parser, const char *name, FsScnPos pos, const char *what)
{
  for (guint i = 0; i < G_N_ELEMENTS (reserved_names); i++)
    if (g_str_equal (name, reserved_names[i]))
      {
        fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, pos,
                                    "'%s' is a reserved word and cannot name a %s", name, what);
        return;
      }
}

static int
add_process (FsParser *parser, char *name, char *label, FsScnPos pos)
{
  FsScenario *scn = parser->scn;
  if (scn->processes->len >= FS_SCENARIO_MAX_PROCESSES)
    {
      fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, pos,
                                  "too many processes declared (at most %d)", FS_SCENARIO_MAX_PROCESSES);
      g_free (name);
      g_free (label);
      return FS_SCN_NONE;
    }
  FsScnProcess *process = g_new0 (FsScnProcess, 1);
  process->name = name;
  process->label = label;
  process->pos = pos;
  process->parent = parser->process;
  process->depth = parser->process == FS_SCN_NONE ? 0
                   : ((FsScnProcess *) g_ptr_array_index (scn->processes, parser->process))->depth + 1;
  g_ptr_array_add (scn->processes, process);
  return (int) scn->processes->len - 1;
}

static void
parse_fork (FsParser *parser, FsScnStmt *stmt)
{
  if (parser->tok.kind != FS_TOK_IDENT)
    {
      error_here (parser, "a name for the new process after 'fork'");
      skip_statement (parser);
      return;
    }
  stmt->name = tok_text (parser);
  stmt->name_pos = parser->tok.pos;
  check_reserved (parser, stmt->name, stmt->name_pos, "process");
  advance (parser);

  char *label = NULL;
  if (parser->tok.kind == FS_TOK_STRING)
    {
      label = unescape (parser, parser->tok.start, parser->tok.len, parser->tok.pos);
      advance (parser);
    }

  stmt->process = add_process (parser, g_strdup (stmt->name), label, stmt->name_pos);
  int saved = parser->process;
  if (stmt->process != FS_SCN_NONE)
    parser->process = stmt->process;
  stmt->body = parse_block (parser, "fork");
  parser->process = saved;
  if (stmt->process != FS_SCN_NONE && stmt->body)
    fs_scenario_process (parser->scn, stmt->process)->body = stmt->body;
}

static void
parse_sigwait (FsParser *parser, FsScnStmt *stmt)
{
  stmt->sigset = parse_signal_list (parser, "sigwait");

  /* when-branches may follow on the next lines. */
  for (;;)
    {
      FsLexer saved_lexer = parser->lexer;
      FsToken saved_tok = parser->tok;
      skip_newlines (parser);
      if (!tok_is (parser, "when"))
        {
          parser->lexer = saved_lexer;
          parser->tok = saved_tok;
          return;
        }
      FsScnWhen *when = g_new0 (FsScnWhen, 1);
      when->pos = parser->tok.pos;
      advance (parser);
      when->sigset = parse_signal_list (parser, "when");
      when->body = parse_block (parser, "when");
      if (stmt->branches == NULL)
        stmt->branches = g_ptr_array_new ();
      g_ptr_array_add (stmt->branches, when);
      if (when->body == NULL)
        return;
    }
}

static FsScnStmt *
parse_statement (FsParser *parser)
{
  if (parser->tok.kind != FS_TOK_IDENT)
    {
      error_here (parser, "a statement");
      skip_statement (parser);
      return NULL;
    }

  g_autofree char *keyword = tok_text (parser);
  FsStmtKind kind = 0;
  for (guint i = 0; i < G_N_ELEMENTS (statement_keywords); i++)
    if (g_str_equal (keyword, statement_keywords[i]))
      kind = (FsStmtKind) (i + 1);

  if (kind == 0)
    {
      const char *suggestion = fs_scenario_suggest (keyword, statement_keywords,
                                                    G_N_ELEMENTS (statement_keywords));
      if (suggestion)
        fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                    "unknown statement '%s'; did you mean '%s'?", keyword, suggestion);
      else if (g_str_equal (keyword, "when"))
        fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                    "'when' must follow a sigwait statement");
      else
        fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                    "unknown statement '%s'", keyword);
      skip_statement (parser);
      return NULL;
    }

  FsScnStmt *stmt = g_new0 (FsScnStmt, 1);
  stmt->kind = kind;
  stmt->pos = parser->tok.pos;
  stmt->process = FS_SCN_NONE;
  stmt->variable = FS_SCN_NONE;
  stmt->target.process = FS_SCN_NONE;
  if (stmt->pos.line >= 1 && stmt->pos.line <= parser->scn->n_lines)
    stmt->source = parser->scn->text_lines[stmt->pos.line - 1];
  advance (parser);

  switch (kind)
    {
    case FS_STMT_FORK:
      parse_fork (parser, stmt);
      break;

    case FS_STMT_EXEC:
      {
        GPtrArray *argv = g_ptr_array_new ();
        if (parser->tok.kind != FS_TOK_STRING)
          error_here (parser, "the program to run, as a string: exec \"/bin/sleep\" \"1\"");
        while (parser->tok.kind == FS_TOK_STRING)
          {
            g_ptr_array_add (argv, unescape (parser, parser->tok.start, parser->tok.len, parser->tok.pos));
            advance (parser);
          }
        g_ptr_array_add (argv, NULL);
        stmt->argv = (char **) g_ptr_array_free (argv, FALSE);
      }
      break;

    case FS_STMT_KILL:
    case FS_STMT_SIGQUEUE:
      parse_target (parser, &stmt->target);
      if (at_terminator (parser))
        {
          error_here (parser, "a signal after the target");
          break;
        }
      stmt->signal = parse_signal (parser, &stmt->signal_pos);
      if (kind == FS_STMT_SIGQUEUE)
        {
          if (stmt->target.kind == FS_SCN_TARGET_GROUP || stmt->target.kind == FS_SCN_TARGET_CHILDREN)
            fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, stmt->target.pos,
                                        "sigqueue sends to one process: use parent, self or a process name");
          parse_integer (parser, "the value to send after the signal", &stmt->number, &stmt->number_pos);
          if (stmt->number < G_MININT32 || stmt->number > G_MAXINT32)
            fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, stmt->number_pos,
                                        "sigqueue value %" G_GINT64_FORMAT " does not fit in 32 bits",
                                        stmt->number);
        }
      break;

    case FS_STMT_RAISE:
    case FS_STMT_IGNORE:
    case FS_STMT_DEFAULT:
      stmt->signal = parse_signal (parser, &stmt->signal_pos);
      break;

    case FS_STMT_HANDLE:
      stmt->signal = parse_signal (parser, &stmt->signal_pos);
      stmt->body = parse_block (parser, "handle");
      break;

    case FS_STMT_BLOCK:
    case FS_STMT_UNBLOCK:
      stmt->signal_pos = parser->tok.pos;
      stmt->sigset = parse_signal_list (parser, keyword);
      break;

    case FS_STMT_SIGWAIT:
      stmt->signal_pos = parser->tok.pos;
      parse_sigwait (parser, stmt);
      break;

    case FS_STMT_SLEEP:
    case FS_STMT_SPIN:
      parse_duration (parser, stmt, keyword);
      break;

    case FS_STMT_ALARM:
      if (tok_is (parser, "cancel"))
        {
          stmt->duration_ns = -1;
          advance (parser);
        }
      else if (parse_duration (parser, stmt, keyword) && stmt->duration_ns == 0)
        fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, stmt->number_pos,
                                    "an alarm of 0 does nothing; write 'alarm cancel' to disarm one");
      break;

    case FS_STMT_WAIT:
      stmt->process = FS_SCN_WAIT_ANY;
      if (tok_is (parser, "any"))
        advance (parser);
      else if (tok_is (parser, "all"))
        {
          stmt->process = FS_SCN_WAIT_ALL;
          advance (parser);
        }
      else if (parser->tok.kind == FS_TOK_IDENT)
        {
          stmt->name = tok_text (parser);
          stmt->name_pos = parser->tok.pos;
          advance (parser);
        }
      break;

    case FS_STMT_EXIT:
      if (!at_terminator (parser))
        parse_integer (parser, "an exit code (0 to 255)", &stmt->number, &stmt->number_pos);
      if (stmt->number < 0 || stmt->number > 255)
        fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, stmt->number_pos,
                                    "exit code %" G_GINT64_FORMAT " is out of range (0 to 255)", stmt->number);
      break;

    case FS_STMT_PRINT:
      if (parser->tok.kind != FS_TOK_STRING)
        {
          error_here (parser, "a string to print: print \"text\"");
          break;
        }
      stmt->raw_text = g_strndup (parser->tok.start, parser->tok.len);
      stmt->text_pos = parser->tok.pos;
      g_free (unescape (parser, parser->tok.start, parser->tok.len, parser->tok.pos));
      parse_template (parser, stmt);
      advance (parser);
      break;

    case FS_STMT_REPEAT:
    case FS_STMT_THREADS:
      if (parse_integer (parser, kind == FS_STMT_REPEAT ? "a count after 'repeat'" : "a thread count",
                         &stmt->number, &stmt->number_pos))
        {
          if (kind == FS_STMT_REPEAT && (stmt->number < 0 || stmt->number > FS_SCENARIO_MAX_REPEAT))
            fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, stmt->number_pos,
                                        "repeat count %" G_GINT64_FORMAT " is out of range (0 to %d)",
                                        stmt->number, FS_SCENARIO_MAX_REPEAT);
          if (kind == FS_STMT_THREADS && (stmt->number < 1 || stmt->number > FS_SCENARIO_MAX_THREADS))
            fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, stmt->number_pos,
                                        "thread count %" G_GINT64_FORMAT " is out of range (1 to %d)",
                                        stmt->number, FS_SCENARIO_MAX_THREADS);
        }
      stmt->body = parse_block (parser, keyword);
      break;

    case FS_STMT_LET:
    case FS_STMT_SET:
    case FS_STMT_INCREMENT:
      if (parser->tok.kind != FS_TOK_IDENT)
        {
          error_here (parser, "a variable name");
          break;
        }
      stmt->name = tok_text (parser);
      stmt->name_pos = parser->tok.pos;
      check_reserved (parser, stmt->name, stmt->name_pos, "variable");
      stmt->variable = fs_scenario_variable (parser->scn, stmt->name, strlen (stmt->name), stmt->name_pos);
      advance (parser);
      if (kind == FS_STMT_INCREMENT)
        break;
      if (parser->tok.kind != FS_TOK_EQUALS)
        {
          error_here (parser, "'=' after the variable name");
          break;
        }
      advance (parser);
      parse_expr (parser, &stmt->expr);
      break;

    case FS_STMT_PAUSE:
    case FS_STMT_ABORT:
    case FS_STMT_SETPGID:
    case FS_STMT_SETSID:
    default:
      break;
    }

  if (!at_terminator (parser))
    {
      g_autofree char *what = g_strdup_printf ("the end of the '%s' statement", keyword);
      error_here (parser, what);
      skip_statement (parser);
    }
  return stmt;
}

static void
parse_statements (FsParser *parser, FsScnBlock *block, FsScnPos open_pos)
{
  for (;;)
    {
      skip_newlines (parser);
      if (parser->tok.kind == FS_TOK_RBRACE)
        {
          advance (parser);
          return;
        }
      if (parser->tok.kind == FS_TOK_EOF)
        {
          fs_scenario_add_diagnostic (parser->scn, FS_SEVERITY_ERROR, open_pos,
                                      "this '{' is never closed: a '}' is missing");
          return;
        }
      if (parser->tok.kind == FS_TOK_ERROR)
        {
          skip_statement (parser);
          continue;
        }
      FsScnStmt *stmt = parse_statement (parser);
      if (stmt)
        g_ptr_array_add (block->stmts, stmt);
    }
}

static void
parse_file (FsParser *parser)
{
  FsScenario *scn = parser->scn;

  advance (parser);
  skip_newlines (parser);

  if (tok_is (parser, "scenario"))
    {
      advance (parser);
      if (parser->tok.kind == FS_TOK_STRING)
        {
          scn->title = unescape (parser, parser->tok.start, parser->tok.len, parser->tok.pos);
          advance (parser);
        }
      else
        error_here (parser, "the scenario's title as a string: scenario \"Title\"");
      if (!at_terminator (parser))
        {
          error_here (parser, "the end of the line after the title");
          skip_statement (parser);
        }
      skip_newlines (parser);
    }

  while (parser->tok.kind != FS_TOK_EOF && !tok_is (parser, "process"))
    {
      if (parser->tok.kind == FS_TOK_IDENT)
        {
          g_autofree char *word = tok_text (parser);
          if (g_str_equal (word, "scenario"))
            fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                        "the 'scenario' title must come first, once");
          else
            fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                        "'%s' is outside any process: statements go inside "
                                        "'process NAME { … }'", word);
        }
      else
        error_here (parser, "'process NAME { … }'");
      skip_statement (parser);
      if (parser->tok.kind == FS_TOK_RBRACE)
        advance (parser);
      skip_newlines (parser);
    }

  if (parser->tok.kind == FS_TOK_EOF)
    {
      fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                  "the scenario has no process: add 'process main { … }'");
      return;
    }

  advance (parser);  /* process */
  char *name = NULL;
  FsScnPos name_pos = parser->tok.pos;
  if (parser->tok.kind == FS_TOK_IDENT)
    {
      name = tok_text (parser);
      check_reserved (parser, name, name_pos, "process");
      advance (parser);
    }
  else
    {
      error_here (parser, "a name for the root process: process main { … }");
      name = g_strdup ("main");
    }
  char *label = NULL;
  if (parser->tok.kind == FS_TOK_STRING)
    {
      label = unescape (parser, parser->tok.start, parser->tok.len, parser->tok.pos);
      advance (parser);
    }

  parser->process = FS_SCN_NONE;
  int root = add_process (parser, name, label, name_pos);
  parser->process = root;
  FsScnBlock *body = parse_block (parser, "process");
  fs_scenario_process (scn, root)->body = body ? body : block_new ();

  skip_newlines (parser);
  if (parser->tok.kind != FS_TOK_EOF)
    {
      if (tok_is (parser, "process"))
        fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, parser->tok.pos,
                                    "a scenario has one root process; start others with 'fork NAME { … }' "
                                    "inside it");
      else
        error_here (parser, "the end of the file after the root process");
    }
}

static void
split_lines (FsScenario *scn)
{
  scn->lines = g_strsplit (scn->text, "\n", -1);
  scn->n_lines = g_strv_length (scn->lines);
  scn->text_lines = g_new0 (char *, scn->n_lines + 1);
  for (guint i = 0; i < scn->n_lines; i++)
    {
      gsize n = strlen (scn->lines[i]);
      if (n > 0 && scn->lines[i][n - 1] == '\r')
        scn->lines[i][n - 1] = '\0';
      scn->text_lines[i] = g_strstrip (g_strdup (scn->lines[i]));
    }
}

static void
check_encoding (FsScenario *scn)
{
  const char *end = NULL;
  if (g_utf8_validate (scn->text, (gssize) scn->len, &end))
    return;

  guint32 line = 1;
  const char *line_start = scn->text;
  for (const char *p = scn->text; p < end; p++)
    if (*p == '\n')
      {
        line++;
        line_start = p + 1;
      }
  FsScnPos pos = { line, (guint32) (end - line_start) + 1, 1 };
  if (end < scn->text + scn->len && *end == '\0')
    fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, pos, "the file contains a NUL byte");
  else
    fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, pos,
                                "the file is not valid UTF-8 (byte 0x%02x)", (guchar) *end);
}

FsScenario *
fs_scenario_parse (const char *filename, const char *text, gsize len)
{
  FsScenario *scn = g_new0 (FsScenario, 1);
  scn->filename = g_strdup (filename ? filename : "<input>");
  scn->processes = g_ptr_array_new ();
  scn->variables = g_ptr_array_new ();
  scn->diagnostics = g_array_new (FALSE, TRUE, sizeof (FsScnDiagnostic));

  if (len > FS_SCENARIO_MAX_SIZE)
    {
      scn->text = g_strdup ("");
      scn->len = 0;
      split_lines (scn);
      FsScnPos pos = { 1, 1, 1 };
      fs_scenario_add_diagnostic (scn, FS_SEVERITY_ERROR, pos,
                                  "the file is too large (%" G_GSIZE_FORMAT " bytes; at most %d)",
                                  len, FS_SCENARIO_MAX_SIZE);
      return scn;
    }

  scn->text = g_malloc (len + 1);
  memcpy (scn->text, text, len);
  scn->text[len] = '\0';
  scn->len = len;

  /* Invalid bytes would garble every later message: report them and stop. */
  check_encoding (scn);
  if (scn->n_errors > 0)
    {
      /* Keep the lines for the caret, with the bad bytes made printable. */
      for (gsize i = 0; i < scn->len; i++)
        if (scn->text[i] == '\0' || (guchar) scn->text[i] >= 0x80)
          scn->text[i] = '?';
      split_lines (scn);
      return scn;
    }
  split_lines (scn);

  FsParser parser = { 0 };
  parser.scn = scn;
  parser.process = FS_SCN_NONE;
  fs_lexer_init (&parser.lexer, scn);
  parse_file (&parser);

  if (scn->processes->len > 0)
    fs_scenario_check (scn);
  return scn;
}

FsScenario *
fs_scenario_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  return fs_scenario_parse (path, contents, len);
}

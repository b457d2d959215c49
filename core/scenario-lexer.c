/* scenario-lexer.c: splits scenario source into tokens.  Newlines are tokens
 * because they end statements; comments run from '#' to the end of the line. */
#include "scenario-lexer.h"

#include <string.h>

void
fs_lexer_init (FsLexer *lexer, FsScenario *scenario)
{
  lexer->scenario = scenario;
  lexer->p = scenario->text;
  lexer->end = scenario->text + scenario->len;
  lexer->line_start = scenario->text;
  lexer->line = 1;
}

const char *
fs_token_describe (FsTokKind kind)
{
  switch (kind)
    {
    case FS_TOK_EOF: return "end of file";
    case FS_TOK_NEWLINE: return "end of line";
    case FS_TOK_SEMI: return "';'";
    case FS_TOK_LBRACE: return "'{'";
    case FS_TOK_RBRACE: return "'}'";
    case FS_TOK_IDENT: return "a name";
    case FS_TOK_INT: return "a number";
    case FS_TOK_DURATION: return "a duration";
    case FS_TOK_STRING: return "a string";
    case FS_TOK_PLUS: return "'+'";
    case FS_TOK_MINUS: return "'-'";
    case FS_TOK_EQUALS: return "'='";
    case FS_TOK_ERROR: return "an invalid token";
    default: return "a token";
    }
}

static FsScnPos
pos_at (FsLexer *lexer, const char *at, gsize len)
{
  FsScnPos pos = { lexer->line, (guint32) (at - lexer->line_start) + 1, (guint32) MAX (len, 1) };
  return pos;
}

static gboolean
is_ident_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

typedef struct {
  const char *name;
  gint64      ns;
} FsUnit;

static const FsUnit units[] = {
  { "ns", 1 },
  { "us", 1000 },
  { "\xc2\xb5s", 1000 },  /* µs */
  { "ms", 1000000 },
  { "s", G_GINT64_CONSTANT (1000000000) },
  { "min", G_GINT64_CONSTANT (60000000000) },
  { "h", G_GINT64_CONSTANT (3600000000000) },
};

static void
lex_number (FsLexer *lexer, FsToken *token)
{
  const char *start = lexer->p;
  const char *p = start;
  gint64 whole = 0;
  gboolean overflow = FALSE;

  while (p < lexer->end && g_ascii_isdigit (*p))
    {
      if (whole > (G_MAXINT64 - 9) / 10)
        overflow = TRUE;
      else
        whole = whole * 10 + (*p - '0');
      p++;
    }

  gint64 frac = 0, frac_scale = 1;
  gboolean has_frac = FALSE;
  if (p + 1 < lexer->end && *p == '.' && g_ascii_isdigit (p[1]))
    {
      has_frac = TRUE;
      p++;
      while (p < lexer->end && g_ascii_isdigit (*p))
        {
          if (frac_scale < G_GINT64_CONSTANT (1000000000))
            {
              frac = frac * 10 + (*p - '0');
              frac_scale *= 10;
            }
          p++;
        }
    }

  const char *unit_start = p;
  while (p < lexer->end && (g_ascii_isalpha (*p) || (guchar) *p >= 0x80))
    p++;
  gsize unit_len = (gsize) (p - unit_start);

  token->start = start;
  token->len = (gsize) (p - start);
  token->pos = pos_at (lexer, start, token->len);
  token->overflow = overflow;
  lexer->p = p;

  if (unit_len == 0)
    {
      if (has_frac)
        {
          fs_scenario_add_diagnostic (lexer->scenario, FS_SEVERITY_ERROR, token->pos,
                                      "a number with a fraction needs a unit, as in '%.*s' + 's'",
                                      (int) token->len, start);
          token->kind = FS_TOK_ERROR;
          return;
        }
      token->kind = FS_TOK_INT;
      token->value = whole;
      if (overflow)
        fs_scenario_add_diagnostic (lexer->scenario, FS_SEVERITY_ERROR, token->pos,
                                    "number '%.*s' is too large", (int) token->len, start);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (strlen (units[i].name) == unit_len && memcmp (units[i].name, unit_start, unit_len) == 0)
        {
          gint64 unit = units[i].ns;
          token->kind = FS_TOK_DURATION;
          if (overflow || whole > G_MAXINT64 / unit - 1)
            {
              token->overflow = TRUE;
              token->value = G_MAXINT64;
            }
          else
            token->value = whole * unit + (gint64) ((double) frac * (double) unit / (double) frac_scale);
          return;
        }
    }

  FsScnPos upos = pos_at (lexer, unit_start, unit_len);
  if (g_utf8_validate (unit_start, (gssize) unit_len, NULL))
    fs_scenario_add_diagnostic (lexer->scenario, FS_SEVERITY_ERROR, upos,
                                "unknown unit '%.*s' (use ns, us, ms, s, min or h)",
                                (int) unit_len, unit_start);
  else
    fs_scenario_add_diagnostic (lexer->scenario, FS_SEVERITY_ERROR, upos,
                                "unknown unit (use ns, us, ms, s, min or h)");
  token->kind = FS_TOK_ERROR;
}

static void
lex_string (FsLexer *lexer, FsToken *token)
{
  const char *quote = lexer->p;
  const char *p = quote + 1;

  while (p < lexer->end && *p != '"' && *p != '\n')
    {
      if (*p == '\\' && p + 1 < lexer->end && p[1] != '\n')
        p += 2;
      else
        p++;
    }

  token->start = quote + 1;
  token->len = (gsize) (p - token->start);
  token->pos = pos_at (lexer, quote, (gsize) (p - quote) + 1);

  if (p >= lexer->end || *p != '"')
    {
      FsScnPos where = pos_at (lexer, quote, 1);
      fs_scenario_add_diagnostic (lexer->scenario, FS_SEVERITY_ERROR, where,
                                  "unterminated string: a '\"' is missing before the end of the line");
      token->kind = FS_TOK_ERROR;
      lexer->p = p;
      return;
    }

  token->kind = FS_TOK_STRING;
  lexer->p = p + 1;
}

void
fs_lexer_next (FsLexer *lexer, FsToken *token)
{
  memset (token, 0, sizeof *token);

  for (;;)
    {
      while (lexer->p < lexer->end && (*lexer->p == ' ' || *lexer->p == '\t' || *lexer->p == '\r'))
        lexer->p++;

      if (lexer->p < lexer->end && *lexer->p == '#')
        {
          while (lexer->p < lexer->end && *lexer->p != '\n')
            lexer->p++;
        }

      if (lexer->p >= lexer->end)
        {
          token->kind = FS_TOK_EOF;
          token->pos = pos_at (lexer, lexer->p, 1);
          return;
        }

      char c = *lexer->p;
      const char *start = lexer->p;

      if (c == '\n')
        {
          token->kind = FS_TOK_NEWLINE;
          token->pos = pos_at (lexer, start, 1);
          lexer->p++;
          lexer->line++;
          lexer->line_start = lexer->p;
          return;
        }

      if (is_ident_start (c))
        {
          while (lexer->p < lexer->end && is_ident_char (*lexer->p))
            lexer->p++;
          token->kind = FS_TOK_IDENT;
          token->start = start;
          token->len = (gsize) (lexer->p - start);
          token->pos = pos_at (lexer, start, token->len);
          return;
        }

      if (g_ascii_isdigit (c))
        {
          lex_number (lexer, token);
          return;
        }

      if (c == '"')
        {
          lex_string (lexer, token);
          return;
        }

      FsTokKind single = FS_TOK_ERROR;
      switch (c)
        {
        case '{': single = FS_TOK_LBRACE; break;
        case '}': single = FS_TOK_RBRACE; break;
        case ';': single = FS_TOK_SEMI; break;
        case '+': single = FS_TOK_PLUS; break;
        case '-': single = FS_TOK_MINUS; break;
        case '=': single = FS_TOK_EQUALS; break;
        default: break;
        }
      if (single != FS_TOK_ERROR)
        {
          token->kind = single;
          token->start = start;
          token->len = 1;
          token->pos = pos_at (lexer, start, 1);
          lexer->p++;
          return;
        }

      /* An unexpected character: report it once per run of such characters. */
      gsize char_len = 1;
      if ((guchar) c >= 0x80)
        {
          const char *next = g_utf8_find_next_char (start, lexer->end);
          char_len = next ? (gsize) (next - start) : (gsize) (lexer->end - start);
        }
      FsScnPos pos = pos_at (lexer, start, 1);
      if ((guchar) c >= 0x20 && c != 0x7f)
        fs_scenario_add_diagnostic (lexer->scenario, FS_SEVERITY_ERROR, pos,
                                    "unexpected character '%.*s'", (int) char_len, start);
      else
        fs_scenario_add_diagnostic (lexer->scenario, FS_SEVERITY_ERROR, pos,
                                    "unexpected control character 0x%02x", (guchar) c);
      lexer->p += char_len;
      token->kind = FS_TOK_ERROR;
      token->pos = pos;
      return;
    }
}

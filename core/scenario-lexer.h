/* scenario-lexer.h: tokens of the scenario language (internal to the parser). */
#pragma once

#include "scenario-ast.h"

G_BEGIN_DECLS

typedef enum {
  FS_TOK_EOF = 0,
  FS_TOK_NEWLINE,
  FS_TOK_SEMI,
  FS_TOK_LBRACE,
  FS_TOK_RBRACE,
  FS_TOK_IDENT,
  FS_TOK_INT,
  FS_TOK_DURATION,
  FS_TOK_STRING,
  FS_TOK_PLUS,
  FS_TOK_MINUS,
  FS_TOK_EQUALS,
  FS_TOK_ERROR,           /* already reported; the parser skips it */
} FsTokKind;

typedef struct {
  FsTokKind   kind;
  FsScnPos    pos;
  const char *start;      /* IDENT: the name; STRING: first byte after the quote */
  gsize       len;        /* IDENT: length; STRING: raw length between the quotes */
  gint64      value;      /* INT: the value; DURATION: nanoseconds */
  gboolean    overflow;   /* INT/DURATION: too large (already reported) */
} FsToken;

typedef struct {
  FsScenario *scenario;
  const char *p;
  const char *end;
  const char *line_start;
  guint32     line;
} FsLexer;

void        fs_lexer_init  (FsLexer *lexer, FsScenario *scenario);
void        fs_lexer_next  (FsLexer *lexer, FsToken *token);
const char *fs_token_describe (FsTokKind kind);

G_END_DECLS

/* draw-common.h (private to ui/drawing): text and shape helpers shared by the
 * graph and sequence drawings. */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>
#include "palette.h"
#include "core/trace-export.h"

typedef enum {
  FS_ALIGN_LEFT,
  FS_ALIGN_CENTER,
  FS_ALIGN_RIGHT,
} FsTextAlign;

typedef struct {
  cairo_t              *cr;
  PangoLayout          *layout;
  const FsPalette      *palette;
  PangoFontDescription *fonts[6];
  GString              *sink;       /* see fs_text_sink_attach */
  GHashTable           *cache;      /* "font|width|text" → PangoLayout: labels repeat a lot */
  const char           *css_class;  /* class of the sink's next <text> elements */
} FsTextContext;

typedef enum {
  FS_FONT_BODY = 0,     /* 11 px */
  FS_FONT_BOLD,         /* 12.5 px bold: process names */
  FS_FONT_SMALL,        /* 10 px */
  FS_FONT_SMALL_BOLD,   /* 10 px bold: badges, signal labels */
  FS_FONT_TITLE,        /* 17 px bold */
  FS_FONT_MONO,         /* 10.5 px monospace: output lines */
} FsFont;

/* SVG exports draw text as glyph outlines; to keep the words findable (browser
 * search, screen readers, tests), a sink attached to the cairo context
 * receives every drawn line as an SVG <text> element in device coordinates,
 * which the exporter adds as an invisible layer. */
void   fs_text_sink_attach   (cairo_t *cr, GString *sink);

/* cr may be NULL: the context then measures on a private surface. */
void   fs_text_context_init  (FsTextContext *ctx, cairo_t *cr, const FsPalette *palette);
void   fs_text_context_clear (FsTextContext *ctx);
/* Width/height of text in a font (no wrapping). */
void   fs_text_measure       (FsTextContext *ctx, FsFont font, const char *text,
                              double *width, double *height);
/* Draws one line, ellipsized to max_width (<= 0: no limit); (x, y) is the top
 * of the line and, per align, its left edge, centre or right edge.  Returns
 * the drawn width. */
double fs_text_draw          (FsTextContext *ctx, FsFont font, const char *text, double x,
                              double y, double max_width, FsTextAlign align, const FsRgb *color,
                              double alpha);

void   fs_path_rounded_rect  (cairo_t *cr, double x, double y, double w, double h, double r);
/* Glyph of a state (●, ‖, ■, ✕, ○) as paths, centred at (cx, cy). */
void   fs_draw_state_glyph   (cairo_t *cr, FsStateKind state, double cx, double cy, double size,
                              const FsRgb *color, double alpha);
/* Node outline per state: rounded (running/blocked), square (stopped), chamfered (zombie). */
void   fs_path_state_box     (cairo_t *cr, FsStateKind state, double x, double y, double w, double h);
/* Fill + stroke of a state box including its pattern (hatched when stopped,
 * dashed outline when blocked, dotted when zombie). */
void   fs_draw_state_box     (cairo_t *cr, const FsPalette *palette, FsStateKind state,
                              double x, double y, double w, double h, double alpha);
void   fs_draw_arrowhead     (cairo_t *cr, double x, double y, double dx, double dy, double size);
/* Label pill: text on a filled rounded rect; (x, y) is the pill's centre. */
void   fs_draw_pill          (FsTextContext *ctx, FsFont font, const char *text, double cx,
                              double cy, const FsRgb *fill, const FsRgb *text_color, double alpha);
/* "CONT" for SIGCONT; falls back to the number. */
const char *fs_short_signal_name (int signo, char buf[16]);

/* The processes the filter shows whose life overlaps its time window,
 * depth-first: a parent before its children, siblings in birth order (the
 * order of lifelines and lanes).  depths (optional, of guint) receives each
 * one's depth below its nearest shown ancestor.  Returns FsProcessIds. */
GArray *fs_tree_order (FsTrace *trace, const FsExportFilter *filter, GArray *depths);

/* palette.h: the colours and fonts every drawing uses, light and dark.
 *
 * States are colour-blind safe: colours come from the Okabe–Ito set and every
 * state also has its own outline, glyph and fill pattern (see graph-draw.h),
 * so a grey-scale print still tells them apart.
 */
#pragma once

#include <cairo.h>
#include <glib.h>
#include "core/trace-model.h"

G_BEGIN_DECLS

typedef enum {
  FS_THEME_LIGHT = 0,
  FS_THEME_DARK,
} FsTheme;

typedef struct {
  double r, g, b;
} FsRgb;

typedef struct {
  FsTheme theme;
  FsRgb   background;
  FsRgb   surface;          /* panels: legend, notes */
  FsRgb   text;
  FsRgb   text_muted;
  FsRgb   grid;             /* axis lines, gap marks */
  FsRgb   edge;             /* parent → child */
  FsRgb   lifeline;
  FsRgb   selection;        /* selected / hovered outline */
  FsRgb   signal;           /* signal arrows, pending badges */
  FsRgb   signal_text;      /* text on a signal-coloured badge */
  FsRgb   kernel;           /* the kernel as a signal source */
  FsRgb   output;           /* output lines */
  FsRgb   playhead;         /* the current time on time axes */
  FsRgb   state_fill[FS_STATE_LAST];
  FsRgb   state_stroke[FS_STATE_LAST];
  const char *font_family;  /* a Pango family list */
  const char *mono_family;
} FsPalette;

const FsPalette *fs_palette_get        (FsTheme theme);
/* "light" / "dark"; FALSE for anything else. */
gboolean         fs_theme_from_name    (const char *name, FsTheme *out);
const char      *fs_theme_name         (FsTheme theme);

void             fs_palette_set_source (cairo_t *cr, const FsRgb *rgb, double alpha);

G_END_DECLS

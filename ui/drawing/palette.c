/* palette.c: light and dark palettes.  State colours are the Okabe–Ito
 * colour-blind-safe set (bluish green, blue, orange, reddish purple), used
 * as strong outlines over pale tints so text stays readable on every fill. */
#include "palette.h"

#include <string.h>

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

#define FONT_FAMILY "Cantarell, Inter, DejaVu Sans, sans-serif"
#define MONO_FAMILY "DejaVu Sans Mono, monospace"

static const FsPalette light_palette = {
  .theme = FS_THEME_LIGHT,
  .background = RGB (0xfbfbf9),
  .surface = RGB (0xf1f2ef),
  .text = RGB (0x1f2328),
  .text_muted = RGB (0x5d6770),
  .grid = RGB (0xdadde0),
  .edge = RGB (0x9aa4ae),
  .lifeline = RGB (0x8a949e),
  .selection = RGB (0x0072b2),
  .signal = RGB (0xd55e00),
  .signal_text = RGB (0xffffff),
  .kernel = RGB (0x4a4f55),
  .output = RGB (0x2f6690),
  .playhead = RGB (0xc01c28),
  .state_fill = {
    [FS_STATE_UNBORN] = RGB (0xf2f2f2),
    [FS_STATE_RUNNING] = RGB (0xdcf1e8),
    [FS_STATE_BLOCKED] = RGB (0xdbe9f6),
    [FS_STATE_STOPPED] = RGB (0xfcefd0),
    [FS_STATE_ZOMBIE] = RGB (0xf6e2ee),
    [FS_STATE_GONE] = RGB (0xeeeeec),
  },
  .state_stroke = {
    [FS_STATE_UNBORN] = RGB (0xc4c4c4),
    [FS_STATE_RUNNING] = RGB (0x00795a),
    [FS_STATE_BLOCKED] = RGB (0x0072b2),
    [FS_STATE_STOPPED] = RGB (0xa86f00),
    [FS_STATE_ZOMBIE] = RGB (0xa4528a),
    [FS_STATE_GONE] = RGB (0x9b9fa3),
  },
  .font_family = FONT_FAMILY,
  .mono_family = MONO_FAMILY,
};

static const FsPalette dark_palette = {
  .theme = FS_THEME_DARK,
  .background = RGB (0x1d2126),
  .surface = RGB (0x272c33),
  .text = RGB (0xe6e8eb),
  .text_muted = RGB (0x9aa3ad),
  .grid = RGB (0x3a4049),
  .edge = RGB (0x66707b),
  .lifeline = RGB (0x6b7580),
  .selection = RGB (0x56b4e9),
  .signal = RGB (0xff8c42),
  .signal_text = RGB (0x1d2126),
  .kernel = RGB (0xb9bec4),
  .output = RGB (0x8cc3e6),
  .playhead = RGB (0xff7b63),
  .state_fill = {
    [FS_STATE_UNBORN] = RGB (0x25292e),
    [FS_STATE_RUNNING] = RGB (0x1c3b33),
    [FS_STATE_BLOCKED] = RGB (0x1b3148),
    [FS_STATE_STOPPED] = RGB (0x41351a),
    [FS_STATE_ZOMBIE] = RGB (0x3d2a37),
    [FS_STATE_GONE] = RGB (0x2a2e33),
  },
  .state_stroke = {
    [FS_STATE_UNBORN] = RGB (0x454b53),
    [FS_STATE_RUNNING] = RGB (0x3cc69e),
    [FS_STATE_BLOCKED] = RGB (0x56b4e9),
    [FS_STATE_STOPPED] = RGB (0xf0b43c),
    [FS_STATE_ZOMBIE] = RGB (0xdb8fba),
    [FS_STATE_GONE] = RGB (0x6a727c),
  },
  .font_family = FONT_FAMILY,
  .mono_family = MONO_FAMILY,
};

const FsPalette *
fs_palette_get (FsTheme theme)
{
  return theme == FS_THEME_DARK ? &dark_palette : &light_palette;
}

gboolean
fs_theme_from_name (const char *name, FsTheme *out)
{
  if (g_strcmp0 (name, "light") == 0)
    *out = FS_THEME_LIGHT;
  else if (g_strcmp0 (name, "dark") == 0)
    *out = FS_THEME_DARK;
  else
    return FALSE;
  return TRUE;
}

const char *
fs_theme_name (FsTheme theme)
{
  return theme == FS_THEME_DARK ? "dark" : "light";
}

void
fs_palette_set_source (cairo_t *cr, const FsRgb *rgb, double alpha)
{
  if (alpha >= 1.0)
    cairo_set_source_rgb (cr, rgb->r, rgb->g, rgb->b);
  else
    cairo_set_source_rgba (cr, rgb->r, rgb->g, rgb->b, alpha);
}

/* drawing-test-util.h: checks on rendered pictures with real decoders —
 * libxml2 for SVG, cairo's PNG reader, poppler's pdfinfo. */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

/* Parses SVG bytes (fails the test when not well-formed XML with an <svg> root). */
xmlDocPtr fs_test_parse_svg       (GBytes *bytes);
/* Number of nodes an XPath (with prefix "s" for the SVG namespace) selects. */
guint     fs_test_xpath_count     (xmlDocPtr doc, const char *xpath);
/* The text contents of the selected nodes, NULL-terminated (g_strfreev). */
char    **fs_test_xpath_strings   (xmlDocPtr doc, const char *xpath);
gboolean  fs_test_strv_contains   (char **strv, const char *text);
/* Decodes PNG bytes; returns width/height and the count of pixels that differ
 * from the top-left pixel (the background). */
guint     fs_test_png_foreground  (GBytes *bytes, int *width, int *height, guint32 *background);
/* Runs pdfinfo on the bytes; returns the page count (fails the test when it
 * does not open). */
guint     fs_test_pdf_pages       (GBytes *bytes);

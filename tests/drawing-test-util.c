/* drawing-test-util.c: see drawing-test-util.h. */
#include "drawing-test-util.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <libxml/xpathInternals.h>
#include <string.h>

xmlDocPtr
fs_test_parse_svg (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  xmlDocPtr doc = xmlReadMemory (data, (int) len, "export.svg", NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
  g_assert_nonnull (doc);
  xmlNodePtr root = xmlDocGetRootElement (doc);
  g_assert_nonnull (root);
  g_assert_cmpstr ((const char *) root->name, ==, "svg");
  return doc;
}

static xmlXPathObjectPtr
evaluate (xmlDocPtr doc, const char *xpath)
{
  xmlXPathContextPtr ctx = xmlXPathNewContext (doc);
  xmlXPathRegisterNs (ctx, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
  xmlXPathObjectPtr obj = xmlXPathEvalExpression (BAD_CAST xpath, ctx);
  xmlXPathFreeContext (ctx);
  g_assert_nonnull (obj);
  return obj;
}

guint
fs_test_xpath_count (xmlDocPtr doc, const char *xpath)
{
  xmlXPathObjectPtr obj = evaluate (doc, xpath);
  guint n = obj->nodesetval != NULL ? (guint) obj->nodesetval->nodeNr : 0;
  xmlXPathFreeObject (obj);
  return n;
}

char **
fs_test_xpath_strings (xmlDocPtr doc, const char *xpath)
{
  xmlXPathObjectPtr obj = evaluate (doc, xpath);
  GPtrArray *out = g_ptr_array_new ();
  for (int i = 0; obj->nodesetval != NULL && i < obj->nodesetval->nodeNr; i++)
    {
      xmlChar *content = xmlNodeGetContent (obj->nodesetval->nodeTab[i]);
      g_ptr_array_add (out, g_strdup ((const char *) content));
      xmlFree (content);
    }
  g_ptr_array_add (out, NULL);
  xmlXPathFreeObject (obj);
  return (char **) g_ptr_array_free (out, FALSE);
}

gboolean
fs_test_strv_contains (char **strv, const char *text)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    if (strstr (strv[i], text) != NULL)
      return TRUE;
  return FALSE;
}

typedef struct {
  const guint8 *data;
  gsize len, pos;
} Reader;

static cairo_status_t
read_bytes (void *closure, unsigned char *data, unsigned int length)
{
  Reader *r = closure;
  if (r->pos + length > r->len)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

guint
fs_test_png_foreground (GBytes *bytes, int *width, int *height, guint32 *background)
{
  Reader r = { 0 };
  r.data = g_bytes_get_data (bytes, &r.len);
  cairo_surface_t *s = cairo_image_surface_create_from_png_stream (read_bytes, &r);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (s);
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  int stride = cairo_image_surface_get_stride (s);
  const guint8 *px = cairo_image_surface_get_data (s);
  guint32 bg = *(const guint32 *) (gconstpointer) px;
  guint count = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (*(const guint32 *) (gconstpointer) (px + y * stride + x * 4) != bg)
        count++;
  cairo_surface_destroy (s);
  if (width) *width = w;
  if (height) *height = h;
  if (background) *background = bg;
  return count;
}

guint
fs_test_pdf_pages (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fs-pdf-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "export.pdf", NULL);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("pdfinfo cannot open the export: %s", err);
  g_unlink (path);
  g_rmdir (dir);
  const char *pages = strstr (out, "Pages:");
  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + 6, NULL, 10);
}

/* fs-pointer-handlers.h: the scroll, drag, click and motion controllers the
 * time views (graph, lanes, timeline) all attach, from one table. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Callbacks get the widget as user data; a NULL one is not connected (and
 * its controller not made when all of its callbacks are NULL). */
typedef struct {
  GCallback scroll;           /* GtkEventControllerScroll::scroll, both axes */
  GCallback drag_begin;       /* GtkGestureDrag */
  GCallback drag_update;
  GCallback drag_end;
  gboolean  drag_any_button;  /* else the primary button only */
  GCallback pressed;          /* GtkGestureClick::pressed */
  gboolean  click_with_drag;  /* the click and drag gestures are grouped */
  GCallback motion;           /* GtkEventControllerMotion */
  GCallback leave;
} FsPointerHandlers;

void fs_pointer_handlers_attach (GtkWidget *widget, const FsPointerHandlers *handlers);

G_END_DECLS

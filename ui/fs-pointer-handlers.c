/* fs-pointer-handlers.c: see fs-pointer-handlers.h. */
#include "fs-pointer-handlers.h"

static void
connect_if (gpointer controller, const char *signal, GCallback callback, GtkWidget *widget)
{
  if (callback != NULL)
    g_signal_connect (controller, signal, callback, widget);
}

void
fs_pointer_handlers_attach (GtkWidget *widget, const FsPointerHandlers *h)
{
  GtkGesture *drag = NULL;

  if (h->scroll != NULL)
    {
      GtkEventController *scroll =
        gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
      connect_if (scroll, "scroll", h->scroll, widget);
      gtk_widget_add_controller (widget, scroll);
    }
  if (h->drag_begin != NULL || h->drag_update != NULL || h->drag_end != NULL)
    {
      drag = gtk_gesture_drag_new ();
      if (h->drag_any_button)
        gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
      connect_if (drag, "drag-begin", h->drag_begin, widget);
      connect_if (drag, "drag-update", h->drag_update, widget);
      connect_if (drag, "drag-end", h->drag_end, widget);
      gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));
    }
  if (h->pressed != NULL)
    {
      GtkGesture *click = gtk_gesture_click_new ();
      connect_if (click, "pressed", h->pressed, widget);
      gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
      if (h->click_with_drag && drag != NULL)
        gtk_gesture_group (click, drag);
    }
  if (h->motion != NULL || h->leave != NULL)
    {
      GtkEventController *motion = gtk_event_controller_motion_new ();
      connect_if (motion, "motion", h->motion, widget);
      connect_if (motion, "leave", h->leave, widget);
      gtk_widget_add_controller (widget, motion);
    }
}

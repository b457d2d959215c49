/* fs-event-list.h: every event in a virtualised GtkColumnView (time, process,
 * kind, details) with filters by kind, process and signal and a search entry.
 * Selecting a row seeks the playhead there; during playback the row at the
 * playhead is selected and scrolled into view. */
#pragma once

#include <gtk/gtk.h>
#include "fs-session.h"
#include "fs-event-list-model.h"

G_BEGIN_DECLS

#define FS_TYPE_EVENT_LIST (fs_event_list_get_type ())
G_DECLARE_FINAL_TYPE (FsEventList, fs_event_list, FS, EVENT_LIST, GtkWidget)

/* Kind filter choices (positions in the kind drop-down). */
typedef enum {
  FS_KIND_FILTER_ALL = 0,
  FS_KIND_FILTER_LIFECYCLE,   /* fork, exec, exit, reap */
  FS_KIND_FILTER_SIGNALS,     /* sent and delivered */
  FS_KIND_FILTER_JOB_CONTROL, /* stop, continue */
  FS_KIND_FILTER_WAITING,     /* block, unblock */
  FS_KIND_FILTER_OUTPUT,
  FS_KIND_FILTER_MARKERS,
  FS_KIND_FILTER_LAST
} FsKindFilter;

GtkWidget        *fs_event_list_new              (void);
void              fs_event_list_set_session      (FsEventList *self, FsSession *session);
FsEventListModel *fs_event_list_get_model        (FsEventList *self);
void              fs_event_list_focus_search     (FsEventList *self);
/* Filters, as the drop-downs and the entry set them. */
void              fs_event_list_set_kind_filter  (FsEventList *self, FsKindFilter filter);
/* FS_PROCESS_NONE: all processes. */
void              fs_event_list_set_process_filter (FsEventList *self, FsProcessId process);
/* 0: all signals. */
void              fs_event_list_set_signal_filter(FsEventList *self, int signo);
void              fs_event_list_set_search       (FsEventList *self, const char *text);
/* Selects a row as a user click would (seeks the session). */
void              fs_event_list_activate_row     (FsEventList *self, guint position);
/* The selected row, G_MAXUINT when none. */
guint             fs_event_list_get_selected_row (FsEventList *self);
/* The text the list shows for a row in a column (0 time, 1 process, 2 event,
 * 3 details), as it would be drawn now; NULL when the row has no widget
 * (it is far off screen).  For tests. */
char             *fs_event_list_dup_cell_text    (FsEventList *self, guint row, guint column);

G_END_DECLS

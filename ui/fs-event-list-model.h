/* fs-event-list-model.h: the trace's events as a GListModel for the event list.
 *
 * Rows are event indices: the unfiltered model holds nothing per event, a
 * filtered one an array of 32-bit indices.  Row objects (FsEventItem) are made
 * on demand in get_item, so only the rows on screen ever exist as objects —
 * a million-event trace costs no more than a ten-event one to show.
 */
#pragma once

#include <gio/gio.h>
#include "core/trace-model.h"

G_BEGIN_DECLS

#define FS_TYPE_EVENT_ITEM (fs_event_item_get_type ())
G_DECLARE_FINAL_TYPE (FsEventItem, fs_event_item, FS, EVENT_ITEM, GObject)

FsEventItem *fs_event_item_new        (FsTrace *trace, gsize index);
gsize        fs_event_item_get_index  (FsEventItem *self);
FsTrace     *fs_event_item_get_trace  (FsEventItem *self);

#define FS_TYPE_EVENT_LIST_MODEL (fs_event_list_model_get_type ())
G_DECLARE_FINAL_TYPE (FsEventListModel, fs_event_list_model, FS, EVENT_LIST_MODEL, GObject)

/* A bit per FsEventKind (1u << kind) for the kind filter. */
#define FS_EVENT_KINDS_ALL 0xffffffffu

FsEventListModel *fs_event_list_model_new        (void);
void              fs_event_list_model_set_trace  (FsEventListModel *self, FsTrace *trace);
FsTrace          *fs_event_list_model_get_trace  (FsEventListModel *self);
/* kind_mask: bits (1u << kind); process: FS_PROCESS_NONE for any; signo: 0 for
 * any; search: case-insensitive text in the row (process names, kind, signal,
 * paths, arguments, output), NULL or "" for any. */
void              fs_event_list_model_set_filter (FsEventListModel *self, guint32 kind_mask,
                                                  FsProcessId process, int signo,
                                                  const char *search);
gboolean          fs_event_list_model_is_filtered(FsEventListModel *self);
/* The trace grew in place (a live recording; see fs_session_trace_grew):
 * the rows of new events that pass the current filter are added at the end,
 * the old rows stay (and keep their row widgets).  Only when events before
 * the old end moved, or a process became hidden or visible, is the filter
 * run again over every event. */
void              fs_event_list_model_trace_grew (FsEventListModel *self, gsize first_changed_event);
/* Changes whenever the rows are replaced (trace or filter).  Rows that keep
 * their position are not re-announced to GTK (see replace_rows()): views
 * that show rows by position redraw when this changes. */
guint             fs_event_list_model_get_generation (FsEventListModel *self);
/* Events of hidden processes (FS_PROCESS_FLAG_HIDDEN: the scenario runner's
 * infrastructure) are left out unless this is set, as in the CLI and the
 * graph.  Takes effect at the next fs_event_list_model_set_filter(). */
void              fs_event_list_model_set_show_hidden (FsEventListModel *self, gboolean show);
/* Whether the trace has hidden processes at all. */
gboolean          fs_event_list_model_has_hidden (FsEventListModel *self);
/* The event index shown at a row. */
gsize             fs_event_list_model_get_event  (FsEventListModel *self, guint position);
/* The row of the last shown event at or before event_index (rows are in
 * time order); G_MAXUINT when none is. */
guint             fs_event_list_model_find_row   (FsEventListModel *self, gsize event_index);

G_END_DECLS

/* fs-session.h: the document every view of the app reads — the open trace and
 * time: the playhead, the current event, the selected process, the visible
 * range of the timeline and the playback state.
 *
 * Views never keep their own notion of "now": they listen to this object's
 * notify signals and ask it.  Playback is a pure function of elapsed time
 * (fs_session_advance), driven by the window's frame clock, so tests can play
 * a trace without a display.
 */
#pragma once

#include <glib-object.h>
#include "core/trace-model.h"

G_BEGIN_DECLS

#define FS_TYPE_SESSION (fs_session_get_type ())
G_DECLARE_FINAL_TYPE (FsSession, fs_session, FS, SESSION, GObject)

/* In step mode every event gets this much screen time at 1× speed. */
#define FS_SESSION_STEP_SECONDS 0.5
#define FS_SESSION_MIN_SPEED 0.1
#define FS_SESSION_MAX_SPEED 100.0

FsSession   *fs_session_new                 (void);

/* Takes a reference on trace (which must be finished).  warning is shown by
 * the window when the file was truncated; NULL otherwise. */
void         fs_session_set_trace           (FsSession *self, FsTrace *trace,
                                             const char *path, const char *warning);
/* The trace shown grew: the same object, appended to and finished again (a
 * live recording).  Events below first_changed_event are as before; new
 * processes and events follow, and existing processes may have changed
 * (exit, exec, names).  The playhead, the selection and a zoomed visible
 * range stay; a visible range that showed the whole trace grows with it.
 * Emits "trace-grew" (guint64 first_changed_event, guint n_processes_before)
 * for views to extend what they built, instead of "notify::trace". */
void         fs_session_trace_grew          (FsSession *self, gsize first_changed_event,
                                             guint n_processes_before);
void         fs_session_clear               (FsSession *self);
FsTrace     *fs_session_get_trace           (FsSession *self);
const char  *fs_session_get_path            (FsSession *self);
const char  *fs_session_get_warning         (FsSession *self);
gint64       fs_session_get_duration        (FsSession *self);

/* The playhead, in ns since the trace's start. */
gint64       fs_session_get_time            (FsSession *self);
void         fs_session_seek                (FsSession *self, gint64 t_ns);
/* Moves the playhead onto event index and makes it the current event. */
void         fs_session_seek_event          (FsSession *self, gsize index);
/* The last event at or before the playhead (FS_EVENT_NONE before the first). */
gsize        fs_session_get_current_event   (FsSession *self);
/* direction > 0: next event, < 0: previous event.  FALSE at either end. */
gboolean     fs_session_step                (FsSession *self, int direction);
void         fs_session_go_home             (FsSession *self);
void         fs_session_go_end              (FsSession *self);
gboolean     fs_session_is_at_end           (FsSession *self);

FsProcessId  fs_session_get_selected_process(FsSession *self);
void         fs_session_select_process      (FsSession *self, FsProcessId id);

/* The time range the timeline shows (the whole trace by default). */
void         fs_session_get_visible_range   (FsSession *self, gint64 *from_ns, gint64 *to_ns);
void         fs_session_set_visible_range   (FsSession *self, gint64 from_ns, gint64 to_ns);
/* Zooms the visible range by factor (< 1 zooms in) around center_ns, and
 * shifts it by shift_ns; both keep it inside the trace. */
void         fs_session_zoom_visible_range  (FsSession *self, double factor, gint64 center_ns);
void         fs_session_pan_visible_range   (FsSession *self, gint64 shift_ns);

gboolean     fs_session_get_playing         (FsSession *self);
void         fs_session_set_playing         (FsSession *self, gboolean playing);
double       fs_session_get_speed           (FsSession *self);
void         fs_session_set_speed           (FsSession *self, double speed);
gboolean     fs_session_get_step_mode       (FsSession *self);
void         fs_session_set_step_mode       (FsSession *self, gboolean step_mode);
gboolean     fs_session_get_loop            (FsSession *self);
void         fs_session_set_loop            (FsSession *self, gboolean loop);

/* A view's connection to a session: which signal reaches which callback. */
typedef struct {
  const char *signal;     /* "notify::time", "visible-range-changed", … */
  GCallback   callback;   /* gets the view as user data */
} FsSessionHandler;

/* Moves a view from the session in *slot to session (either may be NULL):
 * disconnects handler_ids from the old one and drops it, then refs the new
 * one and connects handlers[i] (with view as user data) into handler_ids[i]. */
void         fs_session_bind_view           (FsSession **slot, FsSession *session, gulong *handler_ids,
                                             const FsSessionHandler *handlers, guint n_handlers,
                                             gpointer view);
/* The same for a view with fields `session` and `session_handlers[]` (one
 * per handler, checked at compile time). */
#define FS_SESSION_BIND_VIEW(view, new_session, handlers) G_STMT_START {                        \
    G_STATIC_ASSERT (G_N_ELEMENTS (handlers) == G_N_ELEMENTS ((view)->session_handlers));       \
    fs_session_bind_view (&(view)->session, (new_session), (view)->session_handlers, (handlers),  \
                          G_N_ELEMENTS (handlers), (view));                                     \
  } G_STMT_END

/* Advances playback by elapsed_us of wall-clock time (scaled by the speed);
 * stops at the end unless looping.  Does nothing when not playing. */
void         fs_session_advance             (FsSession *self, gint64 elapsed_us);

G_END_DECLS

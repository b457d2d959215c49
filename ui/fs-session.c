/* fs-session.c: the app's document — trace, playhead and playback state. */
#include "fs-session.h"

#include <math.h>

struct _FsSession {
  GObject parent_instance;

  FsTrace *trace;
  char *path;
  char *warning;
  gint64 duration;

  gint64 time_ns;
  gsize current_event;
  /* Step mode: progress (0..1) from the current event towards the next one. */
  double step_fraction;

  FsProcessId selected;
  gint64 visible_from;
  gint64 visible_to;

  gboolean playing;
  double speed;
  gboolean step_mode;
  gboolean loop;
};

G_DEFINE_FINAL_TYPE (FsSession, fs_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TRACE,
  PROP_TIME,
  PROP_CURRENT_EVENT,
  PROP_SELECTED_PROCESS,
  PROP_PLAYING,
  PROP_SPEED,
  PROP_STEP_MODE,
  PROP_LOOP,
  N_PROPS
};

enum {
  SIGNAL_VISIBLE_RANGE_CHANGED,
  SIGNAL_TRACE_GREW,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gsize
event_count (FsSession *self)
{
  return self->trace != NULL ? fs_trace_n_events (self->trace) : 0;
}

static gint64
event_time (FsSession *self, gsize index)
{
  return fs_trace_event (self->trace, index)->t_ns;
}

/* Sets time and current event together, notifying only what changed. */
static void
set_position (FsSession *self, gint64 t_ns, gsize current)
{
  gboolean time_changed = t_ns != self->time_ns;
  gboolean event_changed = current != self->current_event;

  self->time_ns = t_ns;
  self->current_event = current;
  if (event_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_EVENT]);
  if (time_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME]);
}

static void
fs_session_finalize (GObject *object)
{
  FsSession *self = FS_SESSION (object);

  g_clear_object (&self->trace);
  g_free (self->path);
  g_free (self->warning);
  G_OBJECT_CLASS (fs_session_parent_class)->finalize (object);
}

static void
fs_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FsSession *self = FS_SESSION (object);

  switch (prop_id)
    {
    case PROP_TRACE: g_value_set_object (value, self->trace); break;
    case PROP_TIME: g_value_set_int64 (value, self->time_ns); break;
    case PROP_CURRENT_EVENT:
      g_value_set_int64 (value, self->current_event == FS_EVENT_NONE ? -1 : (gint64) self->current_event);
      break;
    case PROP_SELECTED_PROCESS: g_value_set_uint (value, self->selected); break;
    case PROP_PLAYING: g_value_set_boolean (value, self->playing); break;
    case PROP_SPEED: g_value_set_double (value, self->speed); break;
    case PROP_STEP_MODE: g_value_set_boolean (value, self->step_mode); break;
    case PROP_LOOP: g_value_set_boolean (value, self->loop); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_session_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FsSession *self = FS_SESSION (object);

  switch (prop_id)
    {
    case PROP_TIME: fs_session_seek (self, g_value_get_int64 (value)); break;
    case PROP_SELECTED_PROCESS: fs_session_select_process (self, g_value_get_uint (value)); break;
    case PROP_PLAYING: fs_session_set_playing (self, g_value_get_boolean (value)); break;
    case PROP_SPEED: fs_session_set_speed (self, g_value_get_double (value)); break;
    case PROP_STEP_MODE: fs_session_set_step_mode (self, g_value_get_boolean (value)); break;
    case PROP_LOOP: fs_session_set_loop (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fs_session_class_init (FsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fs_session_finalize;
  object_class->get_property = fs_session_get_property;
  object_class->set_property = fs_session_set_property;

  properties[PROP_TRACE] =
    g_param_spec_object ("trace", NULL, NULL, FS_TYPE_TRACE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME] =
    g_param_spec_int64 ("time", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_CURRENT_EVENT] =
    g_param_spec_int64 ("current-event", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_PROCESS] =
    g_param_spec_uint ("selected-process", NULL, NULL, 0, G_MAXUINT32, FS_PROCESS_NONE, rw);
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE, rw);
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, FS_SESSION_MIN_SPEED, FS_SESSION_MAX_SPEED, 1.0, rw);
  properties[PROP_STEP_MODE] =
    g_param_spec_boolean ("step-mode", NULL, NULL, FALSE, rw);
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_VISIBLE_RANGE_CHANGED] =
    g_signal_new ("visible-range-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_TRACE_GREW] =
    g_signal_new ("trace-grew", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT);
}

static void
fs_session_init (FsSession *self)
{
  self->current_event = FS_EVENT_NONE;
  self->selected = FS_PROCESS_NONE;
  self->speed = 1.0;
}

FsSession *
fs_session_new (void)
{
  return g_object_new (FS_TYPE_SESSION, NULL);
}

void
fs_session_set_trace (FsSession *self, FsTrace *trace, const char *path, const char *warning)
{
  g_return_if_fail (FS_IS_SESSION (self));
  g_return_if_fail (trace == NULL || FS_IS_TRACE (trace));

  fs_session_set_playing (self, FALSE);
  g_set_object (&self->trace, trace);
  g_free (self->path);
  self->path = g_strdup (path);
  g_free (self->warning);
  self->warning = g_strdup (warning);
  self->duration = trace != NULL ? MAX (fs_trace_duration (trace), 0) : 0;
  self->visible_from = 0;
  self->visible_to = self->duration;
  self->step_fraction = 0;
  self->selected = FS_PROCESS_NONE;
  self->time_ns = -1;             /* force the notifications below */
  self->current_event = FS_EVENT_NONE - 1;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_PROCESS]);
  g_signal_emit (self, signals[SIGNAL_VISIBLE_RANGE_CHANGED], 0);
  set_position (self, 0, trace != NULL ? fs_trace_event_at_or_before (trace, 0) : FS_EVENT_NONE);
}

void
fs_session_trace_grew (FsSession *self, gsize first_changed_event, guint n_processes_before)
{
  g_return_if_fail (FS_IS_SESSION (self));
  g_return_if_fail (self->trace != NULL);

  gint64 old_duration = self->duration;
  self->duration = MAX (fs_trace_duration (self->trace), 0);
  if (self->visible_from == 0 && self->visible_to == old_duration)
    self->visible_to = self->duration;
  else
    {
      self->visible_from = MIN (self->visible_from, self->duration);
      self->visible_to = MIN (self->visible_to, self->duration);
    }
  /* Views extend their state first, so that what the notifications below
   * make them draw is already there. */
  g_signal_emit (self, signals[SIGNAL_TRACE_GREW], 0, (guint64) first_changed_event,
                 n_processes_before);
  g_signal_emit (self, signals[SIGNAL_VISIBLE_RANGE_CHANGED], 0);
  if (self->selected != FS_PROCESS_NONE && self->selected >= fs_trace_n_processes (self->trace))
    fs_session_select_process (self, FS_PROCESS_NONE);
  /* New events may have come at the playhead's time, or sorted in before
   * the current one: the current event is found again, the time kept. */
  set_position (self, MIN (self->time_ns, self->duration),
                fs_trace_event_at_or_before (self->trace, MIN (self->time_ns, self->duration)));
}

void
fs_session_clear (FsSession *self)
{
  fs_session_set_trace (self, NULL, NULL, NULL);
}

FsTrace *
fs_session_get_trace (FsSession *self)
{
  g_return_val_if_fail (FS_IS_SESSION (self), NULL);
  return self->trace;
}

const char *
fs_session_get_path (FsSession *self)
{
  return self->path;
}

const char *
fs_session_get_warning (FsSession *self)
{
  return self->warning;
}

gint64
fs_session_get_duration (FsSession *self)
{
  return self->duration;
}

gint64
fs_session_get_time (FsSession *self)
{
  return self->time_ns;
}

void
fs_session_seek (FsSession *self, gint64 t_ns)
{
  g_return_if_fail (FS_IS_SESSION (self));
  if (self->trace == NULL)
    return;
  t_ns = CLAMP (t_ns, 0, self->duration);
  self->step_fraction = 0;
  set_position (self, t_ns, fs_trace_event_at_or_before (self->trace, t_ns));
}

void
fs_session_seek_event (FsSession *self, gsize index)
{
  g_return_if_fail (FS_IS_SESSION (self));
  if (index >= event_count (self))
    return;
  self->step_fraction = 0;
  set_position (self, event_time (self, index), index);
}

gsize
fs_session_get_current_event (FsSession *self)
{
  return self->current_event;
}

gboolean
fs_session_step (FsSession *self, int direction)
{
  gsize n = event_count (self);

  g_return_val_if_fail (FS_IS_SESSION (self), FALSE);
  if (n == 0)
    return FALSE;

  if (direction > 0)
    {
      gsize next = self->current_event == FS_EVENT_NONE ? 0 : self->current_event + 1;
      if (next >= n)
        return FALSE;
      fs_session_seek_event (self, next);
      return TRUE;
    }

  if (self->current_event == FS_EVENT_NONE)
    return FALSE;
  /* Stepping back from between two events lands on the event just passed. */
  if (self->time_ns > event_time (self, self->current_event) || self->step_fraction > 0)
    {
      fs_session_seek_event (self, self->current_event);
      return TRUE;
    }
  if (self->current_event == 0)
    {
      self->step_fraction = 0;
      set_position (self, 0, FS_EVENT_NONE);
      return TRUE;
    }
  fs_session_seek_event (self, self->current_event - 1);
  return TRUE;
}

void
fs_session_go_home (FsSession *self)
{
  if (self->trace == NULL)
    return;
  self->step_fraction = 0;
  /* Events at t=0 have happened at t=0; the start is "before everything" only
   * when nothing happens at 0. */
  set_position (self, 0, fs_trace_event_at_or_before (self->trace, 0));
}

void
fs_session_go_end (FsSession *self)
{
  gsize n = event_count (self);

  if (self->trace == NULL)
    return;
  self->step_fraction = 0;
  set_position (self, self->duration, n > 0 ? n - 1 : FS_EVENT_NONE);
}

gboolean
fs_session_is_at_end (FsSession *self)
{
  gsize n = event_count (self);

  if (self->trace == NULL)
    return TRUE;
  return self->time_ns >= self->duration && (n == 0 || self->current_event == n - 1);
}

FsProcessId
fs_session_get_selected_process (FsSession *self)
{
  return self->selected;
}

void
fs_session_select_process (FsSession *self, FsProcessId id)
{
  g_return_if_fail (FS_IS_SESSION (self));
  if (self->trace == NULL || id >= fs_trace_n_processes (self->trace))
    id = FS_PROCESS_NONE;
  if (id == self->selected)
    return;
  self->selected = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_PROCESS]);
}

void
fs_session_get_visible_range (FsSession *self, gint64 *from_ns, gint64 *to_ns)
{
  if (from_ns != NULL)
    *from_ns = self->visible_from;
  if (to_ns != NULL)
    *to_ns = self->visible_to;
}

void
fs_session_set_visible_range (FsSession *self, gint64 from_ns, gint64 to_ns)
{
  g_return_if_fail (FS_IS_SESSION (self));
  from_ns = CLAMP (from_ns, 0, self->duration);
  to_ns = CLAMP (to_ns, 0, self->duration);
  if (to_ns <= from_ns)
    {
      /* Keep at least 1 µs visible so zooming never collapses the range. */
      to_ns = MIN (from_ns + 1000, self->duration);
      from_ns = MAX (to_ns - 1000, 0);
    }
  if (from_ns == self->visible_from && to_ns == self->visible_to)
    return;
  self->visible_from = from_ns;
  self->visible_to = to_ns;
  g_signal_emit (self, signals[SIGNAL_VISIBLE_RANGE_CHANGED], 0);
}

void
fs_session_bind_view (FsSession **slot, FsSession *session, gulong *handler_ids,
                      const FsSessionHandler *handlers, guint n_handlers, gpointer view)
{
  if (*slot != NULL)
    {
      for (guint i = 0; i < n_handlers; i++)
        g_clear_signal_handler (&handler_ids[i], *slot);
      g_clear_object (slot);
    }
  if (session == NULL)
    return;
  *slot = g_object_ref (session);
  for (guint i = 0; i < n_handlers; i++)
    handler_ids[i] = g_signal_connect (session, handlers[i].signal, handlers[i].callback, view);
}

void
fs_session_zoom_visible_range (FsSession *self, double factor, gint64 center_ns)
{
  g_return_if_fail (FS_IS_SESSION (self));
  if (self->trace == NULL)
    return;
  double span = (double) (self->visible_to - self->visible_from);
  double left_share = span > 0 ? (double) (center_ns - self->visible_from) / span : 0.5;
  span = CLAMP (span * factor, 1000.0, (double) self->duration);
  gint64 from = center_ns - (gint64) (span * left_share);
  from = CLAMP (from, 0, MAX (self->duration - (gint64) span, 0));
  fs_session_set_visible_range (self, from, from + (gint64) span);
}

void
fs_session_pan_visible_range (FsSession *self, gint64 shift_ns)
{
  g_return_if_fail (FS_IS_SESSION (self));
  shift_ns = CLAMP (shift_ns, -self->visible_from, self->duration - self->visible_to);
  fs_session_set_visible_range (self, self->visible_from + shift_ns, self->visible_to + shift_ns);
}

gboolean
fs_session_get_playing (FsSession *self)
{
  return self->playing;
}

void
fs_session_set_playing (FsSession *self, gboolean playing)
{
  g_return_if_fail (FS_IS_SESSION (self));
  playing = !!playing && self->trace != NULL;
  if (playing == self->playing)
    return;
  /* Pressing play at the end starts over, as media players do. */
  if (playing && fs_session_is_at_end (self))
    fs_session_go_home (self);
  self->playing = playing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

double
fs_session_get_speed (FsSession *self)
{
  return self->speed;
}

void
fs_session_set_speed (FsSession *self, double speed)
{
  g_return_if_fail (FS_IS_SESSION (self));
  if (!isfinite (speed))
    return;
  speed = CLAMP (speed, FS_SESSION_MIN_SPEED, FS_SESSION_MAX_SPEED);
  if (speed == self->speed)
    return;
  self->speed = speed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

gboolean
fs_session_get_step_mode (FsSession *self)
{
  return self->step_mode;
}

void
fs_session_set_step_mode (FsSession *self, gboolean step_mode)
{
  g_return_if_fail (FS_IS_SESSION (self));
  step_mode = !!step_mode;
  if (step_mode == self->step_mode)
    return;
  self->step_mode = step_mode;
  self->step_fraction = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP_MODE]);
}

gboolean
fs_session_get_loop (FsSession *self)
{
  return self->loop;
}

void
fs_session_set_loop (FsSession *self, gboolean loop)
{
  g_return_if_fail (FS_IS_SESSION (self));
  loop = !!loop;
  if (loop == self->loop)
    return;
  self->loop = loop;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP]);
}

static void
reached_end (FsSession *self)
{
  if (self->loop)
    {
      fs_session_go_home (self);
      return;
    }
  fs_session_go_end (self);
  self->playing = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

/* Step mode: each event gets the same screen time; the playhead glides from
 * one event's time to the next so in-flight signals still move smoothly. */
static void
advance_by_steps (FsSession *self, double seconds)
{
  gsize n = event_count (self);
  double fraction = self->step_fraction + seconds * self->speed / FS_SESSION_STEP_SECONDS;
  gsize current = self->current_event;
  gsize next;
  gint64 from, to;

  while (fraction >= 1.0)
    {
      next = current == FS_EVENT_NONE ? 0 : current + 1;
      if (next >= n)
        {
          reached_end (self);
          return;
        }
      current = next;
      fraction -= 1.0;
    }

  next = current == FS_EVENT_NONE ? 0 : current + 1;
  from = current == FS_EVENT_NONE ? 0 : event_time (self, current);
  to = next < n ? event_time (self, next) : self->duration;
  if (next >= n && from >= self->duration)
    {
      /* Past the last event with nothing left to glide to. */
      self->step_fraction = 0;
      set_position (self, from, current);
      reached_end (self);
      return;
    }
  self->step_fraction = fraction;
  set_position (self, from + (gint64) ((double) (to - from) * fraction), current);
}

void
fs_session_advance (FsSession *self, gint64 elapsed_us)
{
  g_return_if_fail (FS_IS_SESSION (self));
  if (!self->playing || self->trace == NULL || elapsed_us <= 0)
    return;

  if (self->step_mode)
    {
      advance_by_steps (self, (double) elapsed_us / G_USEC_PER_SEC);
      return;
    }

  {
    double delta = (double) elapsed_us * 1000.0 * self->speed;
    gint64 t = self->time_ns + (gint64) MIN (delta, (double) G_MAXINT64 / 4);

    if (t >= self->duration)
      {
        reached_end (self);
        return;
      }
    set_position (self, t, fs_trace_event_at_or_before (self->trace, t));
  }
}

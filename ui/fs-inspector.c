/* fs-inspector.c: the selected process in detail. */
#include "fs-inspector.h"
#include "fs-event-format.h"
#include "fs-profile.h"

struct _FsInspector {
  GtkWidget parent_instance;

  FsSession *session;
  gulong session_handlers[4];

  GtkWidget *box;
  GtkWidget *title;
  GtkWidget *state;
  GtkWidget *details;
  GtkWidget *placeholder;
};

G_DEFINE_FINAL_TYPE (FsInspector, fs_inspector, GTK_TYPE_WIDGET)

static void
append_escaped (GString *s, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);
  g_string_append (s, escaped);
}

static void
append_row (GString *s, const char *key, const char *value)
{
  g_string_append_printf (s, "<b>%s</b>  ", key);
  append_escaped (s, value);
  g_string_append_c (s, '\n');
}

static void
append_section (GString *s, const char *title, guint count)
{
  g_string_append_printf (s, "\n<b>%s</b> <span alpha=\"60%%\">(%u)</span>\n", title, count);
}

static void
append_time (GString *s, gint64 t_ns)
{
  g_autofree char *t = fs_format_duration (t_ns);
  g_string_append_printf (s, "<tt>%s</tt>  ", t);
}

static void
update_state (FsInspector *self)
{
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;
  FsProcessId id = self->session != NULL ? fs_session_get_selected_process (self->session) : FS_PROCESS_NONE;
  FsProcessState state;
  g_autofree char *at = NULL;
  GString *s;

  if (trace == NULL || id == FS_PROCESS_NONE)
    return;
  fs_trace_process_state_at (trace, id, fs_session_get_time (self->session), &state);
  at = fs_format_duration (fs_session_get_time (self->session));
  s = g_string_new (NULL);
  g_string_append_printf (s, "<b>State</b>  %s", fs_state_name (state.state));
  if (state.state == FS_STATE_BLOCKED)
    g_string_append_printf (s, " (%s)", fs_block_reason_name (state.block_reason));
  g_string_append_printf (s, " <span alpha=\"60%%\">at %s</span>", at);
  if (state.pending != 0)
    {
      g_string_append (s, "\n<b>Pending</b> ");
      for (int sig = 1; sig <= FS_SIGNAL_MAX; sig++)
        if (state.pending & (G_GUINT64_CONSTANT (1) << (sig - 1)))
          g_string_append_printf (s, " %s", fs_signal_name (sig));
    }
  if (state.last_output != FS_EVENT_NONE)
    {
      const FsEvent *ev = fs_trace_event (trace, state.last_output);
      g_string_append (s, "\n<b>Last output</b>  ");
      append_escaped (s, fs_trace_string (trace, ev->u.output.text));
    }
  gtk_label_set_markup (GTK_LABEL (self->state), s->str);
  g_string_free (s, TRUE);
}

typedef struct {
  GString *text;
  guint count;
} Section;

static void
section_add (Section *section, const char *markup_prefix, gint64 t_ns, const char *plain)
{
  section->count++;
  if (section->count > FS_INSPECTOR_MAX_ROWS)
    return;
  append_time (section->text, t_ns);
  if (markup_prefix != NULL)
    g_string_append (section->text, markup_prefix);
  append_escaped (section->text, plain);
  g_string_append_c (section->text, '\n');
}

static void
section_flush (GString *out, const char *title, Section *section)
{
  append_section (out, title, section->count);
  if (section->count == 0)
    g_string_append (out, "<span alpha=\"60%\">none</span>\n");
  g_string_append (out, section->text->str);
  if (section->count > FS_INSPECTOR_MAX_ROWS)
    g_string_append_printf (out, "<span alpha=\"60%%\">… and %u more (see the event list)</span>\n",
                            section->count - FS_INSPECTOR_MAX_ROWS);
  g_string_free (section->text, TRUE);
}

static void
update_details (FsInspector *self)
{
  FsTrace *trace = self->session != NULL ? fs_session_get_trace (self->session) : NULL;
  FsProcessId id = self->session != NULL ? fs_session_get_selected_process (self->session) : FS_PROCESS_NONE;
  Section execs = { g_string_new (NULL), 0 };
  Section sent = { g_string_new (NULL), 0 };
  Section received = { g_string_new (NULL), 0 };
  Section output = { g_string_new (NULL), 0 };
  const guint32 *indices;
  guint n_indices = 0;
  FsProcess *process;
  g_autofree char *title = NULL;
  g_autofree char *status = NULL;
  GString *s;
  FsProcessId reaper = FS_PROCESS_NONE;

  gtk_widget_set_visible (self->placeholder, trace == NULL || id == FS_PROCESS_NONE);
  gtk_widget_set_visible (self->box, trace != NULL && id != FS_PROCESS_NONE);
  if (trace == NULL || id == FS_PROCESS_NONE)
    {
      g_string_free (execs.text, TRUE);
      g_string_free (sent.text, TRUE);
      g_string_free (received.text, TRUE);
      g_string_free (output.text, TRUE);
      return;
    }

  process = fs_trace_process (trace, id);
  title = g_markup_printf_escaped ("<big><b>%s</b></big>  pid %d", fs_trace_string (trace, process->name),
                                   process->pid);
  gtk_label_set_markup (GTK_LABEL (self->title), title);

  indices = fs_trace_process_events (trace, id, &n_indices);
  for (guint i = 0; i < n_indices; i++)
    {
      const FsEvent *ev = fs_trace_event (trace, indices[i]);

      switch ((FsEventKind) ev->kind)
        {
        case FS_EVENT_EXEC:
          if (ev->process == id)
            {
              g_autofree char *details = fs_format_event_details (trace, ev);
              section_add (&execs, NULL, ev->t_ns, details);
            }
          break;
        case FS_EVENT_SIGNAL_SEND:
          if (ev->process == id)
            {
              g_autofree char *details = fs_format_event_details (trace, ev);
              section_add (&sent, NULL, ev->t_ns, details);
            }
          else if (fs_trace_signal_partner (trace, indices[i]) == FS_EVENT_NONE)
            {
              g_autofree char *sender = fs_format_process (trace, ev->process);
              g_autofree char *line = g_strdup_printf ("%s from %s (not delivered in the trace)",
                                                       fs_signal_name (ev->signal), sender);
              section_add (&received, NULL, ev->t_ns, line);
            }
          break;
        case FS_EVENT_SIGNAL_DELIVER:
          if (ev->process == id)
            {
              g_autofree char *details = fs_format_event_details (trace, ev);
              section_add (&received, NULL, ev->t_ns, details);
            }
          break;
        case FS_EVENT_OUTPUT:
          if (ev->process == id)
            section_add (&output, ev->u.output.stream == FS_STREAM_STDERR ? "<i>stderr</i> " : NULL,
                         ev->t_ns, fs_trace_string (trace, ev->u.output.text));
          break;
        case FS_EVENT_REAP:
          if (ev->u.reap.child == id)
            reaper = ev->process;
          break;
        case FS_EVENT_FORK:
        case FS_EVENT_RENAME:
        case FS_EVENT_EXIT:
        case FS_EVENT_STOP:
        case FS_EVENT_CONTINUE:
        case FS_EVENT_MARKER:
        case FS_EVENT_BLOCK:
        case FS_EVENT_UNBLOCK:
        case FS_EVENT_THREAD:
        case FS_EVENT_KIND_LAST:
        default:
          break;
        }
    }

  s = g_string_new (NULL);
  {
    g_autofree char *parent = process->parent != FS_PROCESS_NONE
                              ? fs_format_process (trace, process->parent) : g_strdup ("none (root)");
    g_autofree char *started = fs_format_duration (process->start_ns);
    append_row (s, "Parent", parent);
    if (process->reparented_to != FS_PROCESS_NONE)
      {
        g_autofree char *adopter = fs_format_process (trace, process->reparented_to);
        append_row (s, "Re-parented to", adopter);
      }
    append_row (s, "Command name", fs_trace_string (trace, process->comm));
    if (process->pgid != 0 || process->sid != 0)
      {
        g_autofree char *ids = g_strdup_printf ("group %d, session %d", process->pgid, process->sid);
        append_row (s, "Process group", ids);
      }
    if (process->threads != NULL && process->threads->len > 0)
      {
        g_autofree char *threads = g_strdup_printf ("%u besides the main thread", process->threads->len);
        append_row (s, "Threads", threads);
      }
    append_row (s, "Started", started);
  }
  if (process->end_ns != FS_TIME_NONE)
    {
      g_autofree char *ended = fs_format_duration (process->end_ns);
      append_row (s, "Ended", ended);
    }
  status = fs_exit_status_to_string (&process->exit);
  append_row (s, "Exit status", status);
  if (process->reap_ns != FS_TIME_NONE)
    {
      g_autofree char *reaped = fs_format_duration (process->reap_ns);
      g_autofree char *by = reaper != FS_PROCESS_NONE ? fs_format_process (trace, reaper) : g_strdup ("?");
      g_autofree char *text = g_strdup_printf ("%s by %s", reaped, by);
      append_row (s, "Reaped", text);
    }
  else if (process->end_ns != FS_TIME_NONE)
    append_row (s, "Reaped", "not in the trace");

  section_flush (s, "Exec history", &execs);
  section_flush (s, "Signals sent", &sent);
  section_flush (s, "Signals received", &received);
  section_flush (s, "Output", &output);
  /* Drop the final newline so the label has no empty last line. */
  if (s->len > 0 && s->str[s->len - 1] == '\n')
    g_string_truncate (s, s->len - 1);
  gtk_label_set_markup (GTK_LABEL (self->details), s->str);
  g_string_free (s, TRUE);
  update_state (self);
}

static void
selection_changed_cb (FsSession *session, GParamSpec *pspec, FsInspector *self)
{
  FS_PROFILE_BEGIN (inspector);
  update_details (self);
  FS_PROFILE_END (inspector);
}

static void
time_changed_cb (FsSession *session, GParamSpec *pspec, FsInspector *self)
{
  /* Off screen (another tab) it catches up when mapped. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    update_state (self);
}

static void
map_cb (GtkWidget *widget, FsInspector *self)
{
  update_state (self);
}

/* A live trace grew: the selected process may have exited or exec'd. */
static void
trace_grew_cb (FsSession *session, guint64 first_changed_event, guint n_processes_before,
               FsInspector *self)
{
  selection_changed_cb (session, NULL, self);
}

void
fs_inspector_set_session (FsInspector *self, FsSession *session)
{
  static const FsSessionHandler handlers[] = {
    { "notify::selected-process", G_CALLBACK (selection_changed_cb) },
    { "notify::trace", G_CALLBACK (selection_changed_cb) },
    { "notify::time", G_CALLBACK (time_changed_cb) },
    { "trace-grew", G_CALLBACK (trace_grew_cb) },
  };

  g_return_if_fail (FS_IS_INSPECTOR (self));
  FS_SESSION_BIND_VIEW (self, session, handlers);
  update_details (self);
}

char *
fs_inspector_get_text (FsInspector *self)
{
  if (!gtk_widget_get_visible (self->box))
    return g_strdup (gtk_label_get_text (GTK_LABEL (self->placeholder)));
  update_state (self);
  return g_strdup_printf ("%s\n%s\n%s", gtk_label_get_text (GTK_LABEL (self->title)),
                          gtk_label_get_text (GTK_LABEL (self->state)),
                          gtk_label_get_text (GTK_LABEL (self->details)));
}

static GtkWidget *
make_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
fs_inspector_dispose (GObject *object)
{
  FsInspector *self = FS_INSPECTOR (object);

  fs_inspector_set_session (self, NULL);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->placeholder, gtk_widget_unparent);
  G_OBJECT_CLASS (fs_inspector_parent_class)->dispose (object);
}

static void
fs_inspector_class_init (FsInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_inspector_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fsinspector");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fs_inspector_init (FsInspector *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Process inspector", -1);

  self->placeholder = make_label ("dim-label");
  gtk_label_set_text (GTK_LABEL (self->placeholder), "Click a process in the graph to inspect it.");
  gtk_label_set_xalign (GTK_LABEL (self->placeholder), 0.5);
  gtk_widget_set_vexpand (self->placeholder, TRUE);
  gtk_widget_set_valign (self->placeholder, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->placeholder, GTK_WIDGET (self));

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 10);
  gtk_widget_set_margin_bottom (self->box, 10);
  self->title = make_label (NULL);
  self->state = make_label (NULL);
  self->details = make_label (NULL);
  gtk_box_append (GTK_BOX (self->box), self->title);
  gtk_box_append (GTK_BOX (self->box), self->state);
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (self->box), self->details);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_visible (self->box, FALSE);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), self);
}

GtkWidget *
fs_inspector_new (void)
{
  return g_object_new (FS_TYPE_INSPECTOR, NULL);
}

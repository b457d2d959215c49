/* fs-record-dialog.c: see fs-record-dialog.h.  Built in code (no template):
 * two pages in a GtkStack (command / attach), the tracer choice, an error
 * line and the buttons. */
#include "fs-record-dialog.h"

#include <string.h>
#include <unistd.h>

#include "fs-proc-scan.h"

struct _FsRecordDialog
{
  GtkWindow   parent_instance;

  GtkWidget  *stack;
  GtkWidget  *command_entry;
  GtkWidget  *dir_entry;
  GtkWidget  *search_entry;
  GtkWidget  *process_list;
  GtkWidget  *tracer_buttons[3];
  GtkWidget  *tracefs_reason;
  GtkWidget  *error_label;
  GtkWidget  *record_button;

  GPtrArray  *procs;           /* of FsProcInfo*, backing the picker's rows */
  GPid        selected_pid;
  char       *error;
  GtkNativeDialog *chooser;
};

G_DEFINE_FINAL_TYPE (FsRecordDialog, fs_record_dialog, GTK_TYPE_WINDOW)

enum { SIGNAL_STARTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const struct {
  const char *id;
  const char *label;
  const char *explanation;
} tracers[] = {
  { "auto", "Automatic",
    "tracefs when it is available to this app, else ptrace." },
  { "ptrace", "ptrace",
    "Follows the processes like strace does: no privileges needed, slows down signal-heavy programs." },
  { "tracefs", "tracefs (kernel tracepoints)",
    "The kernel's own fork and signal events: least intrusive, but needs root "
    "(you are asked for an administrator password)." },
};

/* ---- errors ------------------------------------------------------------------ */

static void
show_error (FsRecordDialog *self, const char *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (GTK_LABEL (self->error_label), message ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
}

const char *
fs_record_dialog_get_error (FsRecordDialog *self)
{
  g_return_val_if_fail (FS_IS_RECORD_DIALOG (self), NULL);
  return self->error;
}

/* ---- tracer ------------------------------------------------------------------ */

const char *
fs_record_dialog_get_tracer (FsRecordDialog *self)
{
  g_return_val_if_fail (FS_IS_RECORD_DIALOG (self), "auto");
  for (guint i = 0; i < G_N_ELEMENTS (tracers); i++)
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->tracer_buttons[i])))
      return tracers[i].id;
  return "auto";
}

gboolean
fs_record_dialog_set_tracer (FsRecordDialog *self, const char *tracer)
{
  g_return_val_if_fail (FS_IS_RECORD_DIALOG (self), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (tracers); i++)
    if (g_strcmp0 (tracer, tracers[i].id) == 0)
      {
        if (!gtk_widget_get_sensitive (self->tracer_buttons[i]))
          return FALSE;
        gtk_check_button_set_active (GTK_CHECK_BUTTON (self->tracer_buttons[i]), TRUE);
        return TRUE;
      }
  return FALSE;
}

/* ---- command page ------------------------------------------------------------ */

void
fs_record_dialog_set_command_line (FsRecordDialog *self, const char *command_line)
{
  g_return_if_fail (FS_IS_RECORD_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->command_entry), command_line ? command_line : "");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "command");
}

void
fs_record_dialog_set_working_dir (FsRecordDialog *self, const char *dir)
{
  g_return_if_fail (FS_IS_RECORD_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->dir_entry), dir ? dir : "");
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, FsRecordDialog *self)
{
  gboolean folder = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;
  g_autoptr (GFile) file = NULL;
  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  if (path == NULL)
    return;

  if (folder)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->dir_entry), path);
      return;
    }
  /* The chosen program replaces the first word of the command line and keeps
   * the arguments already typed. */
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->command_entry));
  g_auto (GStrv) argv = NULL;
  g_autofree char *quoted = g_shell_quote (path);
  g_autoptr (GString) line = g_string_new (quoted);
  int argc = 0;
  if (g_shell_parse_argv (text, &argc, &argv, NULL))
    for (int i = 1; i < argc; i++)
      {
        g_autofree char *arg = g_shell_quote (argv[i]);
        g_string_append_printf (line, " %s", arg);
      }
  gtk_editable_set_text (GTK_EDITABLE (self->command_entry), line->str);
}

static void
choose (FsRecordDialog *self, gboolean folder)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (folder ? "Working Directory" : "Program to Record", GTK_WINDOW (self),
                                 folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN,
                                 "_Select", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
choose_program_cb (FsRecordDialog *self)
{
  choose (self, FALSE);
}

static void
choose_dir_cb (FsRecordDialog *self)
{
  choose (self, TRUE);
}

/* ---- attach page: the process picker ------------------------------------------ */

static gboolean
process_filter (GtkListBoxRow *row, gpointer user_data)
{
  FsRecordDialog *self = user_data;
  const FsProcInfo *info = g_object_get_data (G_OBJECT (row), "fs-proc");
  return info && fs_proc_info_matches (info, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static GtkWidget *
process_row (const FsProcInfo *info)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);

  g_autofree char *pid_text = g_strdup_printf ("%d", info->pid);
  GtkWidget *pid = gtk_label_new (pid_text);
  gtk_label_set_width_chars (GTK_LABEL (pid), 7);
  gtk_label_set_xalign (GTK_LABEL (pid), 1);
  gtk_widget_add_css_class (pid, "monospace");
  GtkWidget *name = gtk_label_new (info->name);
  gtk_label_set_width_chars (GTK_LABEL (name), 16);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  GtkWidget *user = gtk_label_new (info->user);
  gtk_label_set_width_chars (GTK_LABEL (user), 10);
  gtk_label_set_xalign (GTK_LABEL (user), 0);
  gtk_label_set_ellipsize (GTK_LABEL (user), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (user, "dim-label");
  GtkWidget *cmd = gtk_label_new (info->cmdline);
  gtk_label_set_xalign (GTK_LABEL (cmd), 0);
  gtk_label_set_ellipsize (GTK_LABEL (cmd), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (cmd, TRUE);
  gtk_widget_set_tooltip_text (cmd, info->cmdline);

  gtk_box_append (GTK_BOX (box), pid);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), user);
  gtk_box_append (GTK_BOX (box), cmd);

  GtkWidget *row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_autofree char *accessible = g_strdup_printf ("Process %d, %s, user %s: %s",
                                                 info->pid, info->name, info->user, info->cmdline);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data (G_OBJECT (row), "fs-proc", (gpointer) info);
  return row;
}

static void
refresh_processes (FsRecordDialog *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (self->process_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->process_list), child);
  g_clear_pointer (&self->procs, g_ptr_array_unref);

  g_autoptr (GError) error = NULL;
  self->procs = fs_proc_scan (NULL, &error);
  if (self->procs == NULL)
    {
      g_autofree char *message = g_strdup_printf ("The running processes cannot be listed: %s",
                                                  error->message);
      show_error (self, message);
      return;
    }
  pid_t me = getpid ();
  for (guint i = 0; i < self->procs->len; i++)
    {
      const FsProcInfo *info = g_ptr_array_index (self->procs, i);
      /* Kernel threads cannot be traced, and tracing ourselves would deadlock. */
      if (info->pid == 2 || info->ppid == 2 || info->pid == me)
        continue;
      GtkWidget *row = process_row (info);
      gtk_list_box_append (GTK_LIST_BOX (self->process_list), row);
      if (info->pid == self->selected_pid)
        gtk_list_box_select_row (GTK_LIST_BOX (self->process_list), GTK_LIST_BOX_ROW (row));
    }
}

static void
search_changed_cb (FsRecordDialog *self)
{
  gtk_list_box_invalidate_filter (GTK_LIST_BOX (self->process_list));
}

static void
row_selected_cb (GtkListBox *list, GtkListBoxRow *row, FsRecordDialog *self)
{
  const FsProcInfo *info = row ? g_object_get_data (G_OBJECT (row), "fs-proc") : NULL;
  self->selected_pid = info ? info->pid : 0;
}

void
fs_record_dialog_set_search (FsRecordDialog *self, const char *text)
{
  g_return_if_fail (FS_IS_RECORD_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  gtk_list_box_invalidate_filter (GTK_LIST_BOX (self->process_list));
}

GArray *
fs_record_dialog_get_visible_pids (FsRecordDialog *self)
{
  g_return_val_if_fail (FS_IS_RECORD_DIALOG (self), NULL);
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (gint32));
  for (GtkWidget *row = gtk_widget_get_first_child (self->process_list); row;
       row = gtk_widget_get_next_sibling (row))
    {
      if (!GTK_IS_LIST_BOX_ROW (row) || !process_filter (GTK_LIST_BOX_ROW (row), self))
        continue;
      const FsProcInfo *info = g_object_get_data (G_OBJECT (row), "fs-proc");
      g_array_append_val (pids, info->pid);
    }
  return pids;
}

gboolean
fs_record_dialog_select_pid (FsRecordDialog *self, GPid pid)
{
  g_return_val_if_fail (FS_IS_RECORD_DIALOG (self), FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "attach");
  if (self->procs == NULL)
    refresh_processes (self);
  for (GtkWidget *row = gtk_widget_get_first_child (self->process_list); row;
       row = gtk_widget_get_next_sibling (row))
    {
      const FsProcInfo *info = GTK_IS_LIST_BOX_ROW (row) ? g_object_get_data (G_OBJECT (row), "fs-proc") : NULL;
      if (info && info->pid == pid)
        {
          gtk_list_box_select_row (GTK_LIST_BOX (self->process_list), GTK_LIST_BOX_ROW (row));
          self->selected_pid = pid;
          return TRUE;
        }
    }
  return FALSE;
}

static void
stack_page_changed_cb (FsRecordDialog *self)
{
  const char *page = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
  if (g_strcmp0 (page, "attach") == 0 && self->procs == NULL)
    refresh_processes (self);
  show_error (self, NULL);
}

/* ---- starting ---------------------------------------------------------------- */

/* Whether the program a command line names can be run; else error says why. */
static gboolean
check_program (const char *program, const char *working_dir, GError **error)
{
  if (strchr (program, '/') != NULL)
    {
      g_autofree char *path = g_path_is_absolute (program) || working_dir == NULL || *working_dir == '\0'
                              ? g_strdup (program) : g_build_filename (working_dir, program, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s does not exist", program);
          return FALSE;
        }
      if (g_file_test (path, G_FILE_TEST_IS_DIR) || access (path, X_OK) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s is not an executable program", program);
          return FALSE;
        }
      return TRUE;
    }
  g_autofree char *found = g_find_program_in_path (program);
  if (found == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "command not found: %s (it is not in PATH)", program);
      return FALSE;
    }
  return TRUE;
}

static FsLiveRun *
start (FsRecordDialog *self, GError **error)
{
  g_autoptr (FsLiveRun) run = fs_live_run_new ();
  const char *tracer = fs_record_dialog_get_tracer (self);
  const char *page = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));

  if (g_strcmp0 (page, "attach") == 0)
    {
      if (self->selected_pid <= 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Choose the process to attach to.");
          return NULL;
        }
      if (!fs_live_run_start_attach (run, self->selected_pid, tracer, error))
        return NULL;
      return g_steal_pointer (&run);
    }

  const char *line = gtk_editable_get_text (GTK_EDITABLE (self->command_entry));
  const char *dir = gtk_editable_get_text (GTK_EDITABLE (self->dir_entry));
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (line));
  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Type the command to record.");
      return NULL;
    }
  if (!g_shell_parse_argv (line, NULL, &argv, &parse_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The command line cannot be read: %s", parse_error->message);
      return NULL;
    }
  if (!check_program (argv[0], dir, error))
    return NULL;
  if (!fs_live_run_start_command (run, (const char *const *) argv, dir, tracer, error))
    return NULL;
  return g_steal_pointer (&run);
}

FsLiveRun *
fs_record_dialog_start (FsRecordDialog *self, GError **error)
{
  g_return_val_if_fail (FS_IS_RECORD_DIALOG (self), NULL);

  g_autoptr (GError) local = NULL;
  FsLiveRun *run = start (self, &local);
  if (run == NULL)
    {
      show_error (self, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_STARTED], 0, run);
  return run;
}

static void
record_clicked_cb (FsRecordDialog *self)
{
  g_autoptr (FsLiveRun) run = fs_record_dialog_start (self, NULL);
  if (run)
    gtk_window_close (GTK_WINDOW (self));
}

/* ---- construction ------------------------------------------------------------- */

static void
fs_record_dialog_dispose (GObject *object)
{
  FsRecordDialog *self = FS_RECORD_DIALOG (object);
  if (self->chooser)
    {
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  G_OBJECT_CLASS (fs_record_dialog_parent_class)->dispose (object);
}

static void
fs_record_dialog_finalize (GObject *object)
{
  FsRecordDialog *self = FS_RECORD_DIALOG (object);
  g_clear_pointer (&self->procs, g_ptr_array_unref);
  g_free (self->error);
  G_OBJECT_CLASS (fs_record_dialog_parent_class)->finalize (object);
}

static void
fs_record_dialog_class_init (FsRecordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fs_record_dialog_dispose;
  object_class->finalize = fs_record_dialog_finalize;

  signals[SIGNAL_STARTED] =
    g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FS_TYPE_LIVE_RUN);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
explanation (const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 70);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  return label;
}

static GtkWidget *
command_page (FsRecordDialog *self)
{
  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);

  GtkWidget *label = gtk_label_new_with_mnemonic ("_Command");
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  self->command_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->command_entry), "e.g. sh -c 'sleep 1 & wait'");
  gtk_widget_set_hexpand (self->command_entry, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->command_entry);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->command_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Command line to record", -1);
  g_signal_connect_swapped (self->command_entry, "activate", G_CALLBACK (record_clicked_cb), self);
  GtkWidget *program = gtk_button_new_with_label ("Program…");
  gtk_widget_set_tooltip_text (program, "Choose the program to run");
  g_signal_connect_swapped (program, "clicked", G_CALLBACK (choose_program_cb), self);
  gtk_grid_attach (GTK_GRID (grid), label, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->command_entry, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), program, 2, 0, 1, 1);

  label = gtk_label_new_with_mnemonic ("_Working directory");
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  self->dir_entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (self->dir_entry), g_get_home_dir ());
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->dir_entry);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dir_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Working directory", -1);
  GtkWidget *dir = gtk_button_new_with_label ("Folder…");
  gtk_widget_set_tooltip_text (dir, "Choose the working directory");
  g_signal_connect_swapped (dir, "clicked", G_CALLBACK (choose_dir_cb), self);
  gtk_grid_attach (GTK_GRID (grid), label, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->dir_entry, 1, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), dir, 2, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid),
                   explanation ("The command line is split like a shell would (quotes, backslashes) "
                                "but not run by one: write sh -c '…' for pipes and &."),
                   1, 2, 2, 1);
  return grid;
}

static GtkWidget *
attach_page (FsRecordDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->search_entry = gtk_search_entry_new ();
  gtk_widget_set_hexpand (self->search_entry, TRUE);
  g_object_set (self->search_entry, "placeholder-text", "Search by pid, name, user or command", NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Search processes", -1);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  GtkWidget *refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (refresh, "Refresh the process list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Refresh the process list", -1);
  g_signal_connect_swapped (refresh, "clicked", G_CALLBACK (refresh_processes), self);
  gtk_box_append (GTK_BOX (top), self->search_entry);
  gtk_box_append (GTK_BOX (top), refresh);

  self->process_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->process_list), GTK_SELECTION_SINGLE);
  gtk_list_box_set_filter_func (GTK_LIST_BOX (self->process_list), process_filter, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->process_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Running processes", -1);
  g_signal_connect (self->process_list, "row-selected", G_CALLBACK (row_selected_cb), self);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->process_list);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 220);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_widget_add_css_class (scroller, "frame");

  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_box_append (GTK_BOX (box),
                  explanation ("Recording starts at the moment of attaching; detaching leaves the "
                               "process running as it was."));
  return box;
}

static void
fs_record_dialog_init (FsRecordDialog *self)
{
  gtk_window_set_title (GTK_WINDOW (self), "Record a Program");
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 520);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  gtk_widget_set_margin_start (content, 16);
  gtk_widget_set_margin_end (content, 16);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 12);

  self->stack = gtk_stack_new ();
  gtk_stack_add_titled (GTK_STACK (self->stack), command_page (self), "command", "Start a command");
  gtk_stack_add_titled (GTK_STACK (self->stack), attach_page (self), "attach", "Attach to a running process");
  gtk_widget_set_vexpand (self->stack, TRUE);
  g_signal_connect_swapped (self->stack, "notify::visible-child-name", G_CALLBACK (stack_page_changed_cb), self);
  GtkWidget *switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), GTK_STACK (self->stack));
  gtk_widget_set_halign (switcher, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (content), switcher);
  gtk_box_append (GTK_BOX (content), self->stack);

  /* Tracer choice, each with what it means. */
  gtk_box_append (GTK_BOX (content), heading ("Tracer"));
  g_autofree char *reason = NULL;
  gboolean tracefs_ok = fs_live_run_tracefs_available (&reason);
  for (guint i = 0; i < G_N_ELEMENTS (tracers); i++)
    {
      GtkWidget *button = gtk_check_button_new_with_label (tracers[i].label);
      if (i > 0)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (button), GTK_CHECK_BUTTON (self->tracer_buttons[0]));
      self->tracer_buttons[i] = button;
      gtk_box_append (GTK_BOX (content), button);
      GtkWidget *text = explanation (tracers[i].explanation);
      gtk_widget_set_margin_start (text, 28);
      gtk_box_append (GTK_BOX (content), text);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                      text, NULL, -1);
      if (g_str_equal (tracers[i].id, "tracefs") && !tracefs_ok)
        {
          gtk_widget_set_sensitive (button, FALSE);
          g_autofree char *why = g_strdup_printf ("Not available here: %s.", reason);
          self->tracefs_reason = explanation (why);
          gtk_widget_remove_css_class (self->tracefs_reason, "dim-label");
          gtk_widget_add_css_class (self->tracefs_reason, "warning");
          gtk_widget_set_margin_start (self->tracefs_reason, 28);
          gtk_box_append (GTK_BOX (content), self->tracefs_reason);
        }
    }
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->tracer_buttons[0]), TRUE);

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_box_append (GTK_BOX (content), self->error_label);

  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  GtkWidget *cancel = gtk_button_new_with_mnemonic ("_Cancel");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  self->record_button = gtk_button_new_with_mnemonic ("_Record");
  gtk_widget_add_css_class (self->record_button, "suggested-action");
  g_signal_connect_swapped (self->record_button, "clicked", G_CALLBACK (record_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), self->record_button);
  gtk_box_append (GTK_BOX (content), buttons);

  gtk_window_set_child (GTK_WINDOW (self), content);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->record_button);
}

FsRecordDialog *
fs_record_dialog_new (GtkWindow *parent)
{
  FsRecordDialog *self = g_object_new (FS_TYPE_RECORD_DIALOG, NULL);
  if (parent)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
    }
  return self;
}

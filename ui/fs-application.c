/* fs-application.c: application lifecycle, settings, theme, accelerators. */
#include "fs-application.h"
#include "fs-window.h"
#include "fs-config.h"
#include "forkscope-resources.h"

#include <string.h>

struct _FsApplication {
  GtkApplication parent_instance;

  GSettings *settings;
  GDBusProxy *portal;
  gboolean system_prefers_dark;
  GtkCssProvider *css;

  /* Command-line options. */
  double speed;                 /* 0: from the settings */
  gboolean run_fast;
  gboolean report_end;
  char *at;
  char *select;
};

G_DEFINE_FINAL_TYPE (FsApplication, fs_application, GTK_TYPE_APPLICATION)

void
fs_application_ensure_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      fs_ui_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

GSettings *
fs_application_get_settings (FsApplication *self)
{
  g_return_val_if_fail (FS_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* ---------------------------------------------------------------- theme */

static const char *
theme_choice (FsApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "theme");
  g_autoptr (GVariant) state = action != NULL ? g_action_get_state (action) : NULL;
  static char choice[16];

  g_strlcpy (choice, state != NULL ? g_variant_get_string (state, NULL) : "system", sizeof choice);
  return choice;
}

static void
apply_theme (FsApplication *self)
{
  const char *choice = theme_choice (self);
  GtkSettings *gtk_settings = gtk_settings_get_default ();
  gboolean dark;

  if (gtk_settings == NULL)
    return;
  if (g_str_equal (choice, "dark"))
    dark = TRUE;
  else if (g_str_equal (choice, "light"))
    dark = FALSE;
  else
    {
      /* A theme forced through GTK_THEME (e.g. Adwaita:dark) already decides. */
      if (g_getenv ("GTK_THEME") != NULL)
        return;
      dark = self->system_prefers_dark;
    }
  g_object_set (gtk_settings, "gtk-application-prefer-dark-theme", dark, NULL);
}

static void
read_color_scheme (FsApplication *self, GVariant *value)
{
  /* org.freedesktop.appearance color-scheme: 0 no preference, 1 dark, 2 light. */
  while (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *inner = g_variant_get_variant (value);
      g_variant_unref (value);
      value = inner;
    }
  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    self->system_prefers_dark = g_variant_get_uint32 (value) == 1;
  g_clear_pointer (&value, g_variant_unref);
  apply_theme (self);
}

static void
portal_setting_changed_cb (GDBusProxy *proxy, const char *sender, const char *signal,
                           GVariant *parameters, FsApplication *self)
{
  const char *ns, *key;
  GVariant *value;

  if (!g_str_equal (signal, "SettingChanged"))
    return;
  g_variant_get (parameters, "(&s&sv)", &ns, &key, &value);
  if (g_str_equal (ns, "org.freedesktop.appearance") && g_str_equal (key, "color-scheme"))
    read_color_scheme (self, value);
  else
    g_variant_unref (value);
}

static void
portal_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FsApplication) self = user_data;
  g_autoptr (GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, NULL);
  GVariant *value = NULL;

  if (reply == NULL)
    return;                     /* no portal: keep the GTK default */
  g_variant_get (reply, "(v)", &value);
  read_color_scheme (self, value);
}

static void
portal_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FsApplication) self = user_data;
  GDBusProxy *proxy = g_dbus_proxy_new_for_bus_finish (result, NULL);

  if (proxy == NULL)
    return;
  self->portal = proxy;
  g_signal_connect (proxy, "g-signal", G_CALLBACK (portal_setting_changed_cb), self);
  g_dbus_proxy_call (proxy, "Read", g_variant_new ("(ss)", "org.freedesktop.appearance", "color-scheme"),
                     G_DBUS_CALL_FLAGS_NONE, 2000, NULL, portal_read_cb, g_object_ref (self));
}

static void
theme_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FsApplication *self = FS_APPLICATION (user_data);
  const char *choice = g_variant_get_string (parameter, NULL);

  if (!g_str_equal (choice, "system") && !g_str_equal (choice, "light") && !g_str_equal (choice, "dark"))
    return;
  g_simple_action_set_state (action, parameter);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "theme", choice);
  apply_theme (self);
}

/* ---------------------------------------------------------------- actions */

static void
quit_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* Close windows properly so they save their size and stop their work. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  static const char *const authors[] = { "The forkscope authors", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (GTK_APPLICATION (user_data)),
                         "program-name", "Forkscope",
                         "logo-icon-name", FS_APPLICATION_ID,
                         "version", FS_VERSION,
                         "comments", "Run fork and signal scenarios for real, trace them, "
                                     "and watch the processes come alive.",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

/* ---------------------------------------------------------------- lifecycle */

static const char *const css =
  ".fs-banner { padding: 8px 12px; border-bottom: 1px solid alpha(currentColor, 0.12); }\n"
  ".fs-banner.warning { background-color: alpha(@warning_color, 0.22); }\n"
  ".fs-banner.error { background-color: alpha(@error_color, 0.22); }\n"
  ".fs-banner.info { background-color: alpha(@theme_selected_bg_color, 0.15); }\n"
  ".title-1 { font-size: 20pt; font-weight: 800; }\n"
  ".title-2 { font-size: 15pt; font-weight: 800; }\n"
  ".caption { font-size: 9pt; }\n"
  ".numeric { font-feature-settings: \"tnum\"; }\n"
  "button.pill { border-radius: 9999px; padding: 10px 32px; }\n"
  "fsinspector label { line-height: 1.2; }\n"
  "fsoutputview listview row { padding: 1px 8px; }\n"
  "fsoutputview listview row:selected { background-color: alpha(@theme_selected_bg_color, 0.18); color: @theme_fg_color; }\n"
  ".fs-event-caption { font-size: 10pt; padding: 3px 8px; border-radius: 6px;"
  " background-color: alpha(@theme_bg_color, 0.85); color: alpha(@theme_fg_color, 0.85); }\n";

static void
fs_application_startup (GApplication *application)
{
  FsApplication *self = FS_APPLICATION (application);
  static const GActionEntry entries[] = {
    { .name = "quit", .activate = quit_action_cb },
    { .name = "about", .activate = about_action_cb },
    { .name = "theme", .activate = theme_action_cb, .parameter_type = "s", .state = "'system'" },
  };
  static const struct {
    const char *action;
    const char *accels[4];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.find", { "<Control>f", NULL } },
    { "win.close", { "<Control>w", NULL } },
    { "win.copy-picture", { "<Control><Shift>c", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-fit", { "<Control>0", NULL } },
    { "win.view::graph", { "<Control>1", NULL } },
    { "win.view::lanes", { "<Control>2", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };
  GSettingsSchemaSource *source;
  g_autoptr (GSettingsSchema) schema = NULL;

  fs_application_ensure_resources ();
  G_APPLICATION_CLASS (fs_application_parent_class)->startup (application);

  g_set_application_name ("Forkscope");
  gtk_window_set_default_icon_name (FS_APPLICATION_ID);

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, FS_APPLICATION_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_info ("GSettings schema %s not found; settings will not be saved", FS_APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  if (self->settings != NULL)
    {
      g_autofree char *theme = g_settings_get_string (self->settings, "theme");
      g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "theme")),
                                 g_variant_new_string (theme));
    }

  self->css = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (self->css, css, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (self->css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  apply_theme (self);
  g_dbus_proxy_new_for_bus (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION,
                            NULL, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                            "org.freedesktop.portal.Settings", NULL, portal_ready_cb, g_object_ref (self));
}

static void
fs_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (fs_window_new (GTK_APPLICATION (application)));
  gtk_window_present (window);
}

static void
fs_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));
      FsSession *session = window != NULL && FS_IS_WINDOW (window) ? fs_window_get_session (FS_WINDOW (window)) : NULL;

      /* Reuse an empty window; each further file gets its own. */
      if (window == NULL || !FS_IS_WINDOW (window) || (session != NULL && fs_session_get_trace (session) != NULL)
          || i > 0)
        window = GTK_WINDOW (fs_window_new (GTK_APPLICATION (application)));
      fs_window_open (FS_WINDOW (window), files[i]);
      gtk_window_present (window);
    }
}

static int
fs_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  FsApplication *self = FS_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("forkscope %s\n", FS_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "speed", "d", &self->speed))
    {
      if (!(self->speed >= 0.1 && self->speed <= 100))
        {
          g_printerr ("forkscope: --speed must be between 0.1 and 100\n");
          return 2;
        }
    }
  g_variant_dict_lookup (options, "fast", "b", &self->run_fast);
  g_variant_dict_lookup (options, "report-end", "b", &self->report_end);
  g_variant_dict_lookup (options, "at", "s", &self->at);
  g_variant_dict_lookup (options, "select", "s", &self->select);
  return -1;
}

double
fs_application_get_speed_option (FsApplication *self)
{
  return self->speed;
}

gboolean
fs_application_get_run_fast (FsApplication *self)
{
  return self->run_fast;
}

gboolean
fs_application_get_report_end (FsApplication *self)
{
  return self->report_end;
}

const char *
fs_application_get_at_option (FsApplication *self)
{
  return self->at;
}

const char *
fs_application_get_select_option (FsApplication *self)
{
  return self->select;
}

static void
fs_application_dispose (GObject *object)
{
  FsApplication *self = FS_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->portal);
  g_clear_object (&self->css);
  g_clear_pointer (&self->at, g_free);
  g_clear_pointer (&self->select, g_free);
  G_OBJECT_CLASS (fs_application_parent_class)->dispose (object);
}

static void
fs_application_class_init (FsApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fs_application_dispose;
  app_class->startup = fs_application_startup;
  app_class->activate = fs_application_activate;
  app_class->open = fs_application_open;
  app_class->handle_local_options = fs_application_handle_local_options;
}

static void
fs_application_init (FsApplication *self)
{
  static const GOptionEntry options[] = {
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, NULL, "Playback speed, 0.1 to 100 (default: as last time)", "X" },
    { "fast", 0, 0, G_OPTION_ARG_NONE, NULL, "Run scenarios with their sleeps scaled by 0.05 (forkscope-cli run --fast)", NULL },
    { "report-end", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL,
      "Print a line on stdout when playback reaches the end (for scripts and tests)", NULL },
    { "at", 0, 0, G_OPTION_ARG_STRING, NULL, "Open paused at this time (seconds, 250ms, or end)", "TIME" },
    { "select", 0, 0, G_OPTION_ARG_STRING, NULL, "Select (inspect) the process with this name or pid", "NAME" },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Show the version", NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), "[FILE.fstrace|FILE.fsc…]");
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            "Play back a forkscope trace as an animated process graph, "
                                            "or run a scenario and watch it.");
}

FsApplication *
fs_application_new (GApplicationFlags extra_flags)
{
  return g_object_new (FS_TYPE_APPLICATION,
                       "application-id", FS_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | extra_flags,
                       "resource-base-path", "/io/github/forkscope/Forkscope",
                       NULL);
}

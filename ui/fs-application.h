/* fs-application.h: the GtkApplication — single instance, opens files given on
 * the command line, owns settings, theme and keyboard accelerators. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FS_APPLICATION_ID "io.github.forkscope.Forkscope"

#define FS_TYPE_APPLICATION (fs_application_get_type ())
G_DECLARE_FINAL_TYPE (FsApplication, fs_application, FS, APPLICATION, GtkApplication)

/* extra_flags: e.g. G_APPLICATION_NON_UNIQUE for tests. */
FsApplication *fs_application_new          (GApplicationFlags extra_flags);
/* NULL when the GSettings schema is not installed (a build tree without
 * GSETTINGS_SCHEMA_DIR): the app then runs with defaults. */
GSettings     *fs_application_get_settings (FsApplication *self);
/* Command-line options: --speed (0 when not given), --fast, --report-end. */
double         fs_application_get_speed_option (FsApplication *self);
gboolean       fs_application_get_run_fast     (FsApplication *self);
gboolean       fs_application_get_report_end   (FsApplication *self);
/* --at TIME and --select NAME, or NULL. */
const char    *fs_application_get_at_option    (FsApplication *self);
const char    *fs_application_get_select_option(FsApplication *self);
/* Registers the app's GResource (idempotent); tests that build windows
 * without an FsApplication call it. */
void           fs_application_ensure_resources (void);

G_END_DECLS

/* fs-profile.h: FS_UI_PROFILE=1 prints how long the app's heavier steps take
 * (trace switch, filters, frames) on stderr, for tuning against big traces. */
#pragma once

#include <glib.h>

static inline gboolean
fs_profile_enabled (void)
{
  static int enabled = -1;
  if (enabled < 0)
    enabled = g_getenv ("FS_UI_PROFILE") != NULL;
  return enabled;
}

#define FS_PROFILE_BEGIN(name) gint64 fs_profile_##name = g_get_monotonic_time ()
#define FS_PROFILE_END(name)                                                       \
  G_STMT_START {                                                                   \
    if (fs_profile_enabled ())                                                     \
      g_printerr ("profile: %s %.1f ms\n", #name,                                 \
                  (g_get_monotonic_time () - fs_profile_##name) / 1000.0);         \
  } G_STMT_END

/* tracer.c: the public FsTracer, forwarding to the backend chosen at creation
 * (see tracer-backend.h), and the choice of backend for FS_TRACER_AUTO. */
#include "tracer/tracer.h"
#include "tracer/tracer-backend.h"

#include <unistd.h>

struct _FsTracer {
  const FsTracerBackend *backend;
  gpointer               state;
};

G_DEFINE_QUARK (fs-tracer-error-quark, fs_tracer_error)

static const struct {
  FsTracerKind kind;
  const char  *name;
} kind_names[] = {
  { FS_TRACER_AUTO,    "auto" },
  { FS_TRACER_PTRACE,  "ptrace" },
  { FS_TRACER_TRACEFS, "tracefs" },
};

const char *
fs_tracer_kind_name (FsTracerKind kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (kind_names[i].kind == kind)
      return kind_names[i].name;
  return NULL;
}

gboolean
fs_tracer_kind_from_name (const char *name, FsTracerKind *out)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_ascii_strcasecmp (kind_names[i].name, name) == 0)
      {
        if (out != NULL)
          *out = kind_names[i].kind;
        return TRUE;
      }
  return FALSE;
}

static const FsTracerBackend *
backend_for_kind (FsTracerKind kind)
{
  switch (kind)
    {
    case FS_TRACER_PTRACE:
      return &fs_ptrace_backend;
    case FS_TRACER_TRACEFS:
#ifdef FS_HAVE_TRACEFS_BACKEND
      return &fs_tracefs_backend;
#else
      return NULL;
#endif
    case FS_TRACER_AUTO:
    default:
      return NULL;
    }
}

FsTracerKind
fs_tracer_resolve (FsTracerKind kind, char **why)
{
  if (kind != FS_TRACER_AUTO)
    {
      if (why != NULL)
        *why = g_strdup_printf ("%s tracer requested", fs_tracer_kind_name (kind));
      return kind;
    }

  if (geteuid () != 0)
    {
      if (why != NULL)
        *why = g_strdup ("ptrace: not running as root, so tracefs is not available");
      return FS_TRACER_PTRACE;
    }

  const FsTracerBackend *tracefs = backend_for_kind (FS_TRACER_TRACEFS);
  if (tracefs == NULL)
    {
      if (why != NULL)
        *why = g_strdup ("ptrace: this build has no tracefs backend");
      return FS_TRACER_PTRACE;
    }

  g_autofree char *probe_why = NULL;
  if (!tracefs->probe (&probe_why))
    {
      if (why != NULL)
        *why = g_strdup_printf ("ptrace: tracefs is not usable (%s)",
                                probe_why != NULL ? probe_why : "unknown reason");
      return FS_TRACER_PTRACE;
    }

  if (why != NULL)
    *why = g_strdup ("tracefs: running as root and tracefs is usable");
  return FS_TRACER_TRACEFS;
}

FsTracer *
fs_tracer_new (FsTracerKind kind, FsRecorder *recorder, const FsTracerOptions *options,
               GError **error)
{
  static const FsTracerOptions default_options = { 0 };

  g_return_val_if_fail (recorder != NULL, NULL);

  kind = fs_tracer_resolve (kind, NULL);
  const FsTracerBackend *backend = backend_for_kind (kind);
  if (backend == NULL)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_UNAVAILABLE,
                   "The %s tracer is not available in this build",
                   fs_tracer_kind_name (kind));
      return NULL;
    }

  gpointer state = backend->create (recorder, options != NULL ? options : &default_options,
                                    error);
  if (state == NULL)
    return NULL;

  FsTracer *self = g_new0 (FsTracer, 1);
  self->backend = backend;
  self->state = state;
  return self;
}

void
fs_tracer_free (FsTracer *self)
{
  if (self == NULL)
    return;
  self->backend->free (self->state);
  g_free (self);
}

gboolean
fs_tracer_launch (FsTracer *self, const FsLaunch *launch, GPid *pid, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (launch != NULL, FALSE);
  g_return_val_if_fail (launch->child_main != NULL || (launch->argv != NULL && launch->argv[0] != NULL),
                        FALSE);
  return self->backend->launch (self->state, launch, pid, error);
}

gboolean
fs_tracer_attach (FsTracer *self, GPid pid, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  if (pid <= 0)
    {
      g_set_error (error, FS_TRACER_ERROR, FS_TRACER_ERROR_FAILED,
                   "Cannot attach to pid %d: not a valid process id", (int) pid);
      return FALSE;
    }
  return self->backend->attach (self->state, pid, error);
}

gboolean
fs_tracer_run (FsTracer *self, int *root_status, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  int status = 0;
  gboolean ok = self->backend->run (self->state, &status, error);
  if (root_status != NULL)
    *root_status = status;
  return ok;
}

void
fs_tracer_request_stop (FsTracer *self)
{
  if (self != NULL)
    self->backend->request_stop (self->state);
}

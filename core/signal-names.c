/* signal-names.c: names of signals, si_codes, dispositions and enum spellings
 * shared by the trace file, JSON, the CLI and the drawings. */
#include "trace-model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *const standard_signal_names[32] = {
  [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
  [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
  [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
  [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
  [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
  [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
  [SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
  [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
};

/* Names for 32..64, built once: glibc reserves 32 and 33, so SIGRTMIN is a
 * runtime value; the upper half is spelled from SIGRTMAX as bash does. */
static char rt_signal_names[FS_SIGNAL_MAX + 1][16];

static void
init_rt_names (void)
{
  static gsize initialized = 0;
  if (g_once_init_enter (&initialized))
    {
      int rtmin = SIGRTMIN, rtmax = SIGRTMAX;
      for (int sig = 32; sig <= FS_SIGNAL_MAX; sig++)
        {
          if (sig < rtmin || sig > rtmax)
            g_snprintf (rt_signal_names[sig], sizeof rt_signal_names[sig], "SIG%d", sig);
          else if (sig == rtmin)
            g_strlcpy (rt_signal_names[sig], "SIGRTMIN", sizeof rt_signal_names[sig]);
          else if (sig == rtmax)
            g_strlcpy (rt_signal_names[sig], "SIGRTMAX", sizeof rt_signal_names[sig]);
          else if (sig - rtmin <= rtmax - sig)
            g_snprintf (rt_signal_names[sig], sizeof rt_signal_names[sig], "SIGRTMIN+%d", sig - rtmin);
          else
            g_snprintf (rt_signal_names[sig], sizeof rt_signal_names[sig], "SIGRTMAX-%d", rtmax - sig);
        }
      g_once_init_leave (&initialized, 1);
    }
}

const char *
fs_signal_name (int signo)
{
  if (signo <= 0 || signo > FS_SIGNAL_MAX)
    return NULL;
  if (signo < 32)
    return standard_signal_names[signo];
  init_rt_names ();
  return rt_signal_names[signo];
}

static gboolean
parse_decimal (const char *s, int *out)
{
  char *end = NULL;
  long v;
  if (s == NULL || *s == '\0')
    return FALSE;
  errno = 0;
  v = strtol (s, &end, 10);
  if (errno != 0 || *end != '\0' || v < G_MININT32 || v > G_MAXINT32)
    return FALSE;
  *out = (int) v;
  return TRUE;
}

int
fs_signal_from_name (const char *name)
{
  g_autofree char *upper = NULL;
  const char *bare;
  int number;

  if (name == NULL || *name == '\0')
    return 0;
  if (g_ascii_isdigit (name[0]))
    return parse_decimal (name, &number) && number > 0 && number <= FS_SIGNAL_MAX ? number : 0;

  upper = g_ascii_strup (name, -1);
  bare = g_str_has_prefix (upper, "SIG") ? upper + 3 : upper;
  if (*bare == '\0')
    return 0;

  /* Common aliases from signal(7). */
  if (strcmp (bare, "IOT") == 0) return SIGABRT;
  if (strcmp (bare, "CLD") == 0) return SIGCHLD;
  if (strcmp (bare, "POLL") == 0) return SIGIO;

  for (int sig = 1; sig <= FS_SIGNAL_MAX; sig++)
    {
      const char *n = fs_signal_name (sig);
      if (n != NULL && strcmp (n + 3, bare) == 0)
        return sig;
    }

  if (g_str_has_prefix (bare, "RTMIN") || g_str_has_prefix (bare, "RTMAX"))
    {
      gboolean from_min = bare[4] == 'I';
      const char *rest = bare + 5;
      int offset = 0, sig;
      if (*rest == '+' || *rest == '-')
        {
          if ((*rest == '+') != from_min || !parse_decimal (rest + 1, &offset))
            return 0;
        }
      else if (*rest != '\0')
        return 0;
      sig = from_min ? SIGRTMIN + offset : SIGRTMAX - offset;
      return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : 0;
    }
  if (bare[0] != '\0' && g_ascii_isdigit (bare[0]) && parse_decimal (bare, &number))
    return number > 0 && number <= FS_SIGNAL_MAX ? number : 0;
  return 0;
}

typedef struct { int signo; int code; const char *name; } CodeName;

/* signo 0: valid for every signal. */
static const CodeName code_names[] = {
  { 0, SI_USER, "SI_USER" }, { 0, SI_KERNEL, "SI_KERNEL" }, { 0, SI_QUEUE, "SI_QUEUE" },
  { 0, SI_TIMER, "SI_TIMER" }, { 0, SI_MESGQ, "SI_MESGQ" }, { 0, SI_ASYNCIO, "SI_ASYNCIO" },
  { 0, SI_SIGIO, "SI_SIGIO" }, { 0, SI_TKILL, "SI_TKILL" },
  { SIGCHLD, CLD_EXITED, "CLD_EXITED" }, { SIGCHLD, CLD_KILLED, "CLD_KILLED" },
  { SIGCHLD, CLD_DUMPED, "CLD_DUMPED" }, { SIGCHLD, CLD_TRAPPED, "CLD_TRAPPED" },
  { SIGCHLD, CLD_STOPPED, "CLD_STOPPED" }, { SIGCHLD, CLD_CONTINUED, "CLD_CONTINUED" },
  { SIGSEGV, SEGV_MAPERR, "SEGV_MAPERR" }, { SIGSEGV, SEGV_ACCERR, "SEGV_ACCERR" },
  { SIGBUS, BUS_ADRALN, "BUS_ADRALN" }, { SIGBUS, BUS_ADRERR, "BUS_ADRERR" },
  { SIGBUS, BUS_OBJERR, "BUS_OBJERR" },
  { SIGILL, ILL_ILLOPC, "ILL_ILLOPC" }, { SIGILL, ILL_ILLOPN, "ILL_ILLOPN" },
  { SIGILL, ILL_PRVOPC, "ILL_PRVOPC" },
  { SIGFPE, FPE_INTDIV, "FPE_INTDIV" }, { SIGFPE, FPE_INTOVF, "FPE_INTOVF" },
  { SIGFPE, FPE_FLTDIV, "FPE_FLTDIV" },
  { SIGTRAP, TRAP_BRKPT, "TRAP_BRKPT" }, { SIGTRAP, TRAP_TRACE, "TRAP_TRACE" },
  { SIGSYS, 1 /* SYS_SECCOMP */, "SYS_SECCOMP" },
};

char *
fs_signal_code_name (int signo, int code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (code_names); i++)
    if (code_names[i].code == code && (code_names[i].signo == 0 || code_names[i].signo == signo))
      return g_strdup (code_names[i].name);
  return g_strdup_printf ("%d", code);
}

gboolean
fs_signal_code_from_name (const char *name, int *out)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (code_names); i++)
    if (strcmp (code_names[i].name, name) == 0)
      {
        *out = code_names[i].code;
        return TRUE;
      }
  return parse_decimal (name, out);
}

FsSignalAction
fs_signal_default_action (int signo)
{
  switch (signo)
    {
    case SIGCHLD: case SIGURG: case SIGWINCH:
      return FS_ACTION_IGNORED;
    case SIGCONT:
      return FS_ACTION_CONTINUE;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
      return FS_ACTION_STOP;
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
      return FS_ACTION_CORE;
    default:
      return FS_ACTION_TERMINATE;
    }
}

FsExitStatus
fs_exit_status_from_wait (int wait_status)
{
  FsExitStatus status = { 0 };
  if (WIFEXITED (wait_status))
    {
      status.kind = FS_EXIT_CODE;
      status.value = WEXITSTATUS (wait_status);
    }
  else if (WIFSIGNALED (wait_status))
    {
      status.kind = FS_EXIT_SIGNAL;
      status.value = WTERMSIG (wait_status);
      status.core = WCOREDUMP (wait_status) ? 1 : 0;
    }
  return status;
}

char *
fs_exit_status_to_string (const FsExitStatus *status)
{
  switch (status->kind)
    {
    case FS_EXIT_CODE:
      return g_strdup_printf ("code %d", status->value);
    case FS_EXIT_SIGNAL:
      {
        const char *name = fs_signal_name (status->value);
        g_autofree char *fallback = name ? NULL : g_strdup_printf ("%d", status->value);
        return g_strdup_printf ("signal %s%s", name ? name : fallback,
                                status->core ? " (core)" : "");
      }
    default:
      return g_strdup ("running");
    }
}

static const char *const event_kind_names[FS_EVENT_KIND_LAST] = {
  [FS_EVENT_FORK] = "fork", [FS_EVENT_EXEC] = "exec", [FS_EVENT_RENAME] = "rename",
  [FS_EVENT_SIGNAL_SEND] = "signal_send", [FS_EVENT_SIGNAL_DELIVER] = "signal_deliver",
  [FS_EVENT_EXIT] = "exit", [FS_EVENT_REAP] = "reap", [FS_EVENT_STOP] = "stop",
  [FS_EVENT_CONTINUE] = "continue", [FS_EVENT_OUTPUT] = "output", [FS_EVENT_MARKER] = "marker",
  [FS_EVENT_BLOCK] = "block", [FS_EVENT_UNBLOCK] = "unblock", [FS_EVENT_THREAD] = "thread",
};

static const char *const action_names[FS_ACTION_LAST] = {
  [FS_ACTION_UNKNOWN] = "unknown", [FS_ACTION_HANDLER] = "handler",
  [FS_ACTION_IGNORED] = "ignored", [FS_ACTION_TERMINATE] = "default-terminate",
  [FS_ACTION_CORE] = "default-core", [FS_ACTION_STOP] = "default-stop",
  [FS_ACTION_CONTINUE] = "continue", [FS_ACTION_SIGWAIT] = "consumed-by-sigwait",
  [FS_ACTION_SIGNALFD] = "read-from-signalfd",
};

static const char *const block_reason_names[FS_BLOCK_LAST] = {
  [FS_BLOCK_OTHER] = "other", [FS_BLOCK_SIGWAIT] = "sigwait", [FS_BLOCK_PAUSE] = "pause",
  [FS_BLOCK_SLEEP] = "sleep", [FS_BLOCK_WAIT] = "wait",
};

static const char *const state_names[FS_STATE_LAST] = {
  [FS_STATE_UNBORN] = "unborn", [FS_STATE_RUNNING] = "running", [FS_STATE_BLOCKED] = "blocked",
  [FS_STATE_STOPPED] = "stopped", [FS_STATE_ZOMBIE] = "zombie", [FS_STATE_GONE] = "gone",
};

static gboolean
lookup_name (const char *const *names, int n, const char *name, int first, int *out)
{
  if (name == NULL)
    return FALSE;
  for (int i = first; i < n; i++)
    if (names[i] != NULL && strcmp (names[i], name) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

const char *
fs_event_kind_name (FsEventKind kind)
{
  return (unsigned) kind < FS_EVENT_KIND_LAST ? event_kind_names[kind] : NULL;
}

gboolean
fs_event_kind_from_name (const char *name, FsEventKind *out)
{
  int v;
  if (!lookup_name (event_kind_names, FS_EVENT_KIND_LAST, name, 1, &v))
    return FALSE;
  *out = (FsEventKind) v;
  return TRUE;
}

const char *
fs_signal_action_name (FsSignalAction action)
{
  return (unsigned) action < FS_ACTION_LAST ? action_names[action] : NULL;
}

gboolean
fs_signal_action_from_name (const char *name, FsSignalAction *out)
{
  int v;
  if (!lookup_name (action_names, FS_ACTION_LAST, name, 0, &v))
    return FALSE;
  *out = (FsSignalAction) v;
  return TRUE;
}

const char *
fs_block_reason_name (FsBlockReason reason)
{
  return (unsigned) reason < FS_BLOCK_LAST ? block_reason_names[reason] : NULL;
}

gboolean
fs_block_reason_from_name (const char *name, FsBlockReason *out)
{
  int v;
  if (!lookup_name (block_reason_names, FS_BLOCK_LAST, name, 0, &v))
    return FALSE;
  *out = (FsBlockReason) v;
  return TRUE;
}

const char *
fs_state_name (FsStateKind state)
{
  return (unsigned) state < FS_STATE_LAST ? state_names[state] : NULL;
}

/* scenario-engine.c: runs scenarios as real processes.
 *
 * The child half runs after fork() of a possibly multithreaded parent and in
 * signal handlers, so it allocates nothing: the tree, the pid tables and the
 * counters are allocated before the launch, and every report is built in a
 * stack buffer and sent with one write() of at most PIPE_BUF bytes, which the
 * kernel keeps atomic even when many processes and threads share the pipe.
 */
#include "scenario-engine.h"
#include "trace-model.h"
#include "proc-files.h"

#include <gio/gio.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Reports                                                             */

typedef enum {
  REC_START = 1,    /* a process began: text = name; arg = parent's outer pid; value = index */
  REC_OUTPUT,       /* text = the printed line */
  REC_MARKER,       /* line, text = the statement's source */
  REC_BLOCK,        /* small = FsBlockReason, line */
  REC_UNBLOCK,
  REC_SEND,         /* small = signal; arg = kill()'s pid (inner); value = result; extra = si_code */
  REC_DELIVER,      /* small = signal; arg = sender (inner); value = FsSignalAction; extra = si_code */
  REC_EXIT,         /* value = wait status */
  REC_REAP,         /* arg = child (inner); value = wait status */
  REC_EXEC,         /* text = path NUL argv0 NUL argv1 … */
  REC_ERROR,        /* line; small = 1 when fatal; text = message */
  REC_ROOT_STATUS,  /* value = the root scenario process's wait status */
} FsRecordKind;

enum {
  START_HIDDEN = 1 << 0,
  START_NAMESPACE = 1 << 1,   /* the reaper: extra = its PID namespace's inode */
};

typedef struct {
  guint16 size;
  guint8  kind;
  guint8  small;
  guint32 line;
  gint32  outer_pid;          /* the writer, as the tracer (outside the namespace) sees it */
  gint32  inner_pid;          /* the writer, as getpid() says */
  gint32  arg;
  gint32  value;
  gint64  t_ns;
  gint64  extra;
} FsRecord;

G_STATIC_ASSERT (sizeof (FsRecord) == 40);
#define RECORD_TEXT_MAX (PIPE_BUF - sizeof (FsRecord))

#define INDEX_LAUNCHER (-1)
#define INDEX_REAPER   (-2)

typedef struct {
  gint32 n_processes;         /* scenario processes started, all runs' processes count */
  gint32 stop;
} FsShared;

typedef struct {
  gint64 locals[FS_SCENARIO_MAX_VARIABLES];
  int    last_signal;
  int    last_value;
  int    last_status;
  gboolean have_status;
} FsExecContext;

struct _FsEngine {
  FsScenario     *scenario;
  FsRecorder     *recorder;
  FsEngineOptions options;
  gint32          cli_pid;

  /* Child half; copied into every process by fork(). */
  int             report_fd;          /* write end */
  FsShared       *shared;             /* MAP_SHARED */
  gint32         *pids;               /* inner pid of each declared process, latest instance */
  gint32         *children;           /* this process's unreaped children */
  guint           n_children;
  guint           children_cap;
  volatile gint64 *counters;
  FsScnBlock     *handlers[FS_SIGNAL_MAX + 1];
  int             self_index;
  gint32          self_outer;
  gint32          self_inner;
  gint32          parent_outer;
  gboolean        in_namespace;

  /* Parent half. */
  int             report_read_fd;
  int             wake_fds[2];
  GThread        *collector;
  GPid            launcher;
  gboolean        launched_here;
  volatile gint32 reaper_outer;
  volatile gint   stop_requested;
  guint64         ns_inode;
  void          (*stop_func) (gpointer);
  gpointer        stop_data;
  GHashTable     *inner_to_outer;     /* gint32 → gint32 */
  GHashTable     *names;              /* outer pid → name (borrowed from the scenario) */
  GHashTable     *alive;              /* outer pids started and not known to have exited */
  GArray         *pending;            /* FsRecord naming a pid whose start has not arrived */
  guint           name_width;
  FsEngineResult  result;
};

static gint64
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
write_all (int fd, const void *data, gsize len)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      p += n;
      len -= (gsize) n;
    }
}

/* Reports from the normal flow of a process or thread are batched in a
 * per-thread buffer and written when it is full or before anything that may
 * block, end the process or be watched from outside (see flush_reports);
 * one write of up to PIPE_BUF bytes stays atomic.  Signal handlers write
 * their reports at once. */
typedef struct {
  gsize len;
  char  data[PIPE_BUF];
} FsReportBuffer;

static __thread FsReportBuffer *report_buffer;

static void
flush_reports (FsEngine *e)
{
  FsReportBuffer *buffer = report_buffer;
  if (buffer && buffer->len > 0)
    {
      int saved_errno = errno;
      write_all (e->report_fd, buffer->data, buffer->len);
      buffer->len = 0;
      errno = saved_errno;
    }
}

static gboolean
is_urgent (FsRecordKind kind)
{
  /* What the collector echoes or must know before the process may vanish. */
  return kind == REC_START || kind == REC_OUTPUT || kind == REC_BLOCK || kind == REC_EXIT
         || kind == REC_EXEC || kind == REC_ERROR || kind == REC_ROOT_STATUS || kind == REC_SEND;
}

static void
emit_at (FsEngine *e, gint64 t_ns, FsRecordKind kind, guint8 small, guint32 line, gint32 arg,
         gint32 value, gint64 extra, const char *text, gsize len)
{
  FsRecord record;
  int saved_errno = errno;

  if (len > RECORD_TEXT_MAX)
    len = RECORD_TEXT_MAX;
  record.size = (guint16) (sizeof (FsRecord) + len);
  record.kind = (guint8) kind;
  record.small = small;
  record.line = line;
  record.outer_pid = e->self_outer;
  record.inner_pid = e->self_inner;
  record.arg = arg;
  record.value = value;
  record.t_ns = t_ns ? t_ns : now_ns ();
  record.extra = extra;

  FsReportBuffer *buffer = report_buffer;
  if (buffer == NULL)
    {
      char bytes[PIPE_BUF];
      memcpy (bytes, &record, sizeof record);
      if (len > 0)
        memcpy (bytes + sizeof record, text, len);
      write_all (e->report_fd, bytes, record.size);
      errno = saved_errno;
      return;
    }

  if (buffer->len + record.size > sizeof buffer->data)
    flush_reports (e);
  memcpy (buffer->data + buffer->len, &record, sizeof record);
  if (len > 0)
    memcpy (buffer->data + buffer->len + sizeof record, text, len);
  buffer->len += record.size;
  if (is_urgent (kind))
    flush_reports (e);
  errno = saved_errno;
}

static void
emit_full (FsEngine *e, FsRecordKind kind, guint8 small, guint32 line, gint32 arg, gint32 value,
           gint64 extra, const char *text, gsize len)
{
  emit_at (e, 0, kind, small, line, arg, value, extra, text, len);
}

static void
emit (FsEngine *e, FsRecordKind kind, guint8 small, guint32 line, gint32 arg, gint32 value)
{
  emit_full (e, kind, small, line, arg, value, 0, NULL, 0);
}

/* A tiny formatter for the child half: no malloc, no locale. */
typedef struct {
  char  *buf;
  gsize  len;
  gsize  cap;
} FsOut;

static void
out_append (FsOut *out, const char *s, gsize n)
{
  if (n > out->cap - out->len)
    n = out->cap - out->len;
  memcpy (out->buf + out->len, s, n);
  out->len += n;
}

static void
out_str (FsOut *out, const char *s)
{
  out_append (out, s, strlen (s));
}

static void
out_int (FsOut *out, gint64 value)
{
  char digits[24];
  int n = 0;
  guint64 v = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  do
    {
      digits[n++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v > 0);
  if (value < 0)
    digits[n++] = '-';
  while (n > 0)
    out_append (out, &digits[--n], 1);
}

static void
out_signal (FsOut *out, int signo)
{
  const char *name = fs_signal_name (signo);
  if (name)
    out_str (out, name);
  else
    out_int (out, signo);
}

static void
out_status (FsOut *out, int status)
{
  if (WIFEXITED (status))
    {
      out_str (out, "exited with code ");
      out_int (out, WEXITSTATUS (status));
    }
  else if (WIFSIGNALED (status))
    {
      out_str (out, "killed by ");
      out_signal (out, WTERMSIG (status));
      if (WCOREDUMP (status))
        out_str (out, " (core dumped)");
    }
  else
    out_str (out, "still running");
}

static void
emit_error (FsEngine *e, const FsScnStmt *stmt, gboolean fatal, const char *what, int err)
{
  char text[512];
  FsOut out = { text, 0, sizeof text };
  if (stmt && stmt->source)
    {
      out_str (&out, stmt->source);
      out_str (&out, ": ");
    }
  out_str (&out, what);
  if (err)
    {
      out_str (&out, ": ");
      out_str (&out, strerror (err));
    }
  emit_full (e, REC_ERROR, fatal ? 1 : 0, stmt ? stmt->pos.line : 0, 0, 0, 0, text, out.len);
}

/* ------------------------------------------------------------------ */
/* Child half: statements                                              */

static FsEngine *child_engine;   /* for signal handlers; set in the child only */

static gint64
scaled (FsEngine *e, gint64 ns)
{
  double t = (double) ns * e->options.time_scale;
  return t < 0 ? 0 : (gint64) t;
}

static void
sleep_until (gint64 deadline)
{
  struct timespec ts = { (time_t) (deadline / 1000000000), (long) (deadline % 1000000000) };
  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

static gint64
eval_operand (FsEngine *e, FsExecContext *ctx, int var, gint64 value)
{
  if (var == FS_SCN_NONE)
    return value;
  FsScnVariable *v = g_ptr_array_index (e->scenario->variables, var);
  return v->local ? ctx->locals[var] : e->counters[var];
}

static gint64
eval (FsEngine *e, FsExecContext *ctx, const FsScnExpr *expr)
{
  gint64 a = eval_operand (e, ctx, expr->a_var, expr->a_value);
  if (expr->op == 0)
    return a;
  gint64 b = eval_operand (e, ctx, expr->b_var, expr->b_value);
  return expr->op == '+' ? (gint64) ((guint64) a + (guint64) b) : (gint64) ((guint64) a - (guint64) b);
}

static gint32 host_pid (FsEngine *e, gint32 inner);
static gint32 host_ppid (FsEngine *e);

/* Pids print as the host (and so the trace and its pictures) numbers them,
 * not as the run's PID namespace does. */
static void
format_print (FsEngine *e, FsExecContext *ctx, const FsScnStmt *stmt, FsOut *out)
{
  for (guint i = 0; i < stmt->n_pieces; i++)
    {
      const FsScnPiece *piece = &stmt->pieces[i];
      switch (piece->kind)
        {
        case FS_PIECE_TEXT:
          out_append (out, piece->text, piece->len);
          break;
        case FS_PIECE_VARIABLE:
          out_int (out, eval_operand (e, ctx, piece->index, 0));
          break;
        case FS_PIECE_PID:
          out_int (out, piece->index == FS_SCN_NONE ? e->self_outer
                                                    : host_pid (e, e->pids[piece->index]));
          break;
        case FS_PIECE_PPID:
          out_int (out, host_ppid (e));
          break;
        case FS_PIECE_NAME:
          out_str (out, fs_scenario_process (e->scenario, e->self_index)->name);
          break;
        case FS_PIECE_SIGNAL:
          if (ctx->last_signal)
            out_signal (out, ctx->last_signal);
          else
            out_str (out, "none");
          break;
        case FS_PIECE_VALUE:
          out_int (out, ctx->last_value);
          break;
        case FS_PIECE_STATUS:
          if (ctx->have_status)
            out_status (out, ctx->last_status);
          else
            out_str (out, "none");
          break;
        default:
          break;
        }
    }
}

static void
forget_child (FsEngine *e, gint32 pid)
{
  for (guint i = 0; i < e->n_children; i++)
    if (e->children[i] == pid)
      {
        e->children[i] = e->children[--e->n_children];
        return;
      }
}

static void exec_block (FsEngine *e, FsExecContext *ctx, const FsScnBlock *block);
static void run_process (FsEngine *e, int index, const sigset_t *mask) G_GNUC_NORETURN;

static void
send_signal (FsEngine *e, const FsScnStmt *stmt, gint32 pid, int signo, gboolean queue)
{
  int r;
  /* Stamped before the call: the receiver may report before we return. */
  gint64 t = now_ns ();
  if (queue)
    {
      union sigval value = { .sival_int = (int) stmt->number };
      r = sigqueue (pid, signo, value);
    }
  else
    r = kill (pid, signo);
  int err = r < 0 ? errno : 0;
  emit_at (e, t, REC_SEND, (guint8) signo, stmt->pos.line, pid, -err, queue ? SI_QUEUE : SI_USER,
           NULL, 0);
  if (err)
    emit_error (e, stmt, FALSE, queue ? "sigqueue failed" : "kill failed", err);
}

static void
exec_kill (FsEngine *e, const FsScnStmt *stmt)
{
  gboolean queue = stmt->kind == FS_STMT_SIGQUEUE;
  const FsScnTarget *target = &stmt->target;
  gint32 pid = 0;

  switch (target->kind)
    {
    case FS_SCN_TARGET_PARENT:
      pid = getppid ();
      break;
    case FS_SCN_TARGET_SELF:
      pid = getpid ();
      break;
    case FS_SCN_TARGET_CHILDREN:
      for (guint i = 0; i < e->n_children; i++)
        send_signal (e, stmt, e->children[i], stmt->signal, FALSE);
      return;
    case FS_SCN_TARGET_GROUP:
      if (target->group_self)
        pid = -getpgrp ();
      else if (target->process >= 0 && e->pids[target->process] > 0)
        pid = -e->pids[target->process];
      break;
    case FS_SCN_TARGET_PROCESS:
    default:
      if (target->process >= 0)
        pid = e->pids[target->process];
      break;
    }

  if (pid == 0)
    {
      emit_error (e, stmt, FALSE, "the target process has not been started", 0);
      return;
    }
  send_signal (e, stmt, pid, stmt->signal, queue);
}

static void
sigset_from_bits (sigset_t *set, guint64 bits)
{
  sigemptyset (set);
  for (int sig = 1; sig <= FS_SIGNAL_MAX; sig++)
    if (bits & (G_GUINT64_CONSTANT (1) << (sig - 1)))
      sigaddset (set, sig);
}

static void
on_signal (int signo, siginfo_t *info, void *ucontext)
{
  FsEngine *e = child_engine;
  int saved_errno = errno;
  (void) ucontext;

  if (e == NULL || signo <= 0 || signo > FS_SIGNAL_MAX)
    return;
  /* The interrupted flow may be half-way through appending to its buffer. */
  FsReportBuffer *interrupted = report_buffer;
  report_buffer = NULL;
  emit_full (e, REC_DELIVER, (guint8) signo, 0, info ? info->si_pid : -1, FS_ACTION_HANDLER,
             info ? info->si_code : 0, NULL, 0);
  const FsScnBlock *body = e->handlers[signo];
  if (body)
    {
      FsExecContext ctx;
      memset (&ctx, 0, sizeof ctx);
      ctx.last_signal = signo;
      ctx.last_value = info ? info->si_value.sival_int : 0;
      exec_block (e, &ctx, body);
    }
  report_buffer = interrupted;
  errno = saved_errno;
}

typedef struct {
  FsEngine           *engine;
  const FsScnBlock   *body;
  FsExecContext       ctx;
} FsThreadStart;

static void *
thread_main (void *data)
{
  FsThreadStart *start = data;
  FsReportBuffer buffer;
  buffer.len = 0;
  report_buffer = &buffer;
  exec_block (start->engine, &start->ctx, start->body);
  flush_reports (start->engine);
  report_buffer = NULL;
  return NULL;
}

static void
exec_threads (FsEngine *e, FsExecContext *ctx, const FsScnStmt *stmt)
{
  pthread_t threads[FS_SCENARIO_MAX_THREADS];
  FsThreadStart starts[FS_SCENARIO_MAX_THREADS];
  int n = (int) CLAMP (stmt->number, 0, FS_SCENARIO_MAX_THREADS);
  int started = 0;

  for (int i = 0; i < n; i++)
    {
      starts[i].engine = e;
      starts[i].body = stmt->body;
      starts[i].ctx = *ctx;
      int err = pthread_create (&threads[i], NULL, thread_main, &starts[i]);
      if (err)
        {
          emit_error (e, stmt, FALSE, "could not start a thread", err);
          break;
        }
      started++;
    }
  for (int i = 0; i < started; i++)
    pthread_join (threads[i], NULL);
}

static void
exec_wait (FsEngine *e, FsExecContext *ctx, const FsScnStmt *stmt)
{
  gboolean all = stmt->process == FS_SCN_WAIT_ALL;
  gint32 target = stmt->process >= 0 ? e->pids[stmt->process] : -1;
  gboolean any_reaped = FALSE;

  emit (e, REC_BLOCK, FS_BLOCK_WAIT, stmt->pos.line, 0, 0);
  for (;;)
    {
      int status = 0;
      pid_t pid = waitpid (target, &status, 0);
      if (pid < 0 && errno == EINTR)
        continue;
      if (pid < 0)
        {
          if (!(all && errno == ECHILD && any_reaped))
            emit_error (e, stmt, FALSE, "wait failed", errno);
          break;
        }
      any_reaped = TRUE;
      forget_child (e, pid);
      emit (e, REC_REAP, 0, stmt->pos.line, pid, status);
      ctx->last_status = status;
      ctx->have_status = TRUE;
      if (!all)
        break;
    }
  emit (e, REC_UNBLOCK, FS_BLOCK_WAIT, stmt->pos.line, 0, 0);
}

static void
exec_stmt (FsEngine *e, FsExecContext *ctx, const FsScnStmt *stmt)
{
  const char *source = stmt->source ? stmt->source : fs_stmt_kind_name (stmt->kind);
  emit_full (e, REC_MARKER, 0, stmt->pos.line, 0, 0, 0, source, strlen (source));
  switch (stmt->kind)
    {
    /* Out before anything another process can see, or that can end us. */
    case FS_STMT_FORK: case FS_STMT_EXEC: case FS_STMT_KILL: case FS_STMT_SIGQUEUE:
    case FS_STMT_RAISE: case FS_STMT_ABORT: case FS_STMT_THREADS: case FS_STMT_SPIN:
    case FS_STMT_SETPGID: case FS_STMT_SETSID: case FS_STMT_ALARM:
      flush_reports (e);
      break;
    default:
      break;
    }

  switch (stmt->kind)
    {
    case FS_STMT_FORK:
      {
        gint32 n = __atomic_add_fetch (&e->shared->n_processes, 1, __ATOMIC_SEQ_CST);
        if ((guint) n > e->options.max_processes)
          {
            emit_error (e, stmt, TRUE, "the process limit was reached", 0);
            _exit (125);
          }
        if (e->n_children >= e->children_cap)
          {
            emit_error (e, stmt, TRUE, "too many children", 0);
            _exit (125);
          }
        /* Signals wait until the child has said who it is, so that one
         * killed at once is still recorded under its name. */
        sigset_t all, saved;
        sigfillset (&all);
        pthread_sigmask (SIG_SETMASK, &all, &saved);
        pid_t pid = fork ();
        if (pid == 0)
          {
            e->parent_outer = e->self_outer;
            e->n_children = 0;
            run_process (e, stmt->process, &saved);
          }
        int err = errno;
        if (pid > 0)
          {
            /* Known before a handler can run and name it. */
            e->pids[stmt->process] = pid;
            e->children[e->n_children++] = pid;
          }
        pthread_sigmask (SIG_SETMASK, &saved, NULL);
        if (pid < 0)
          emit_error (e, stmt, FALSE, "fork failed", err);
      }
      break;

    case FS_STMT_EXEC:
      {
        char text[RECORD_TEXT_MAX];
        FsOut out = { text, 0, sizeof text };
        out_str (&out, stmt->argv[0]);
        for (int i = 0; stmt->argv[i]; i++)
          {
            out_append (&out, "", 1);
            out_str (&out, stmt->argv[i]);
          }
        emit_full (e, REC_EXEC, 0, stmt->pos.line, 0, 0, 0, text, out.len);
        execvp (stmt->argv[0], stmt->argv);
        emit_error (e, stmt, FALSE, "exec failed", errno);
        emit (e, REC_EXIT, 0, stmt->pos.line, 0, W_EXITCODE (127, 0));
        _exit (127);
      }

    case FS_STMT_KILL:
    case FS_STMT_SIGQUEUE:
      exec_kill (e, stmt);
      break;

    case FS_STMT_RAISE:
      /* Reported first: a deadly signal would leave nobody to report it. */
      emit_full (e, REC_SEND, (guint8) stmt->signal, stmt->pos.line, getpid (), 0, SI_TKILL, NULL, 0);
      raise (stmt->signal);
      break;

    case FS_STMT_BLOCK:
    case FS_STMT_UNBLOCK:
      {
        sigset_t set;
        sigset_from_bits (&set, stmt->sigset);
        pthread_sigmask (stmt->kind == FS_STMT_BLOCK ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
      }
      break;

    case FS_STMT_HANDLE:
      {
        struct sigaction sa;
        memset (&sa, 0, sizeof sa);
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset (&sa.sa_mask);
        e->handlers[stmt->signal] = stmt->body;
        if (sigaction (stmt->signal, &sa, NULL) < 0)
          emit_error (e, stmt, FALSE, "sigaction failed", errno);
      }
      break;

    case FS_STMT_IGNORE:
    case FS_STMT_DEFAULT:
      {
        struct sigaction sa;
        memset (&sa, 0, sizeof sa);
        sa.sa_handler = stmt->kind == FS_STMT_IGNORE ? SIG_IGN : SIG_DFL;
        sigemptyset (&sa.sa_mask);
        if (sigaction (stmt->signal, &sa, NULL) < 0)
          emit_error (e, stmt, FALSE, "sigaction failed", errno);
        e->handlers[stmt->signal] = NULL;
      }
      break;

    case FS_STMT_SIGWAIT:
      {
        sigset_t set;
        siginfo_t info;
        int signo;
        /* Like the post's sigwait(): block what we wait for, then wait. */
        sigset_from_bits (&set, stmt->sigset);
        pthread_sigmask (SIG_BLOCK, &set, NULL);
        emit (e, REC_BLOCK, FS_BLOCK_SIGWAIT, stmt->pos.line, 0, 0);
        do
          signo = sigwaitinfo (&set, &info);
        while (signo < 0 && errno == EINTR);
        emit (e, REC_UNBLOCK, FS_BLOCK_SIGWAIT, stmt->pos.line, 0, 0);
        if (signo < 0)
          {
            emit_error (e, stmt, FALSE, "sigwait failed", errno);
            break;
          }
        emit_full (e, REC_DELIVER, (guint8) signo, stmt->pos.line, info.si_pid, FS_ACTION_SIGWAIT,
                   info.si_code, NULL, 0);
        ctx->last_signal = signo;
        ctx->last_value = info.si_value.sival_int;
        if (stmt->branches)
          for (guint i = 0; i < stmt->branches->len; i++)
            {
              const FsScnWhen *when = g_ptr_array_index (stmt->branches, i);
              if (when->sigset & (G_GUINT64_CONSTANT (1) << (signo - 1)))
                {
                  exec_block (e, ctx, when->body);
                  break;
                }
            }
      }
      break;

    case FS_STMT_PAUSE:
      emit (e, REC_BLOCK, FS_BLOCK_PAUSE, stmt->pos.line, 0, 0);
      pause ();
      emit (e, REC_UNBLOCK, FS_BLOCK_PAUSE, stmt->pos.line, 0, 0);
      break;

    case FS_STMT_SLEEP:
      emit (e, REC_BLOCK, FS_BLOCK_SLEEP, stmt->pos.line, 0, 0);
      sleep_until (now_ns () + scaled (e, stmt->duration_ns));
      emit (e, REC_UNBLOCK, FS_BLOCK_SLEEP, stmt->pos.line, 0, 0);
      break;

    case FS_STMT_SPIN:
      {
        gint64 deadline = now_ns () + scaled (e, stmt->duration_ns);
        volatile guint64 work = 0;
        while (now_ns () < deadline)
          for (int i = 0; i < 1000; i++)
            work = work + (guint64) i;
      }
      break;

    case FS_STMT_ALARM:
      {
        struct itimerval timer;
        memset (&timer, 0, sizeof timer);
        if (stmt->duration_ns > 0)
          {
            gint64 ns = MAX (scaled (e, stmt->duration_ns), 1000);
            timer.it_value.tv_sec = (time_t) (ns / 1000000000);
            timer.it_value.tv_usec = (suseconds_t) ((ns % 1000000000) / 1000);
          }
        setitimer (ITIMER_REAL, &timer, NULL);
      }
      break;

    case FS_STMT_WAIT:
      exec_wait (e, ctx, stmt);
      break;

    case FS_STMT_EXIT:
      emit (e, REC_EXIT, 0, stmt->pos.line, 0, W_EXITCODE ((int) stmt->number, 0));
      _exit ((int) stmt->number);

    case FS_STMT_ABORT:
      abort ();

    case FS_STMT_PRINT:
      {
        char text[RECORD_TEXT_MAX];
        FsOut out = { text, 0, sizeof text };
        format_print (e, ctx, stmt, &out);
        emit_full (e, REC_OUTPUT, FS_STREAM_STDOUT, stmt->pos.line, 0, 0, 0, text, out.len);
      }
      break;

    case FS_STMT_REPEAT:
      for (gint64 i = 0; i < stmt->number; i++)
        exec_block (e, ctx, stmt->body);
      break;

    case FS_STMT_SETPGID:
      if (setpgid (0, 0) < 0)
        emit_error (e, stmt, FALSE, "setpgid failed", errno);
      break;

    case FS_STMT_SETSID:
      if (setsid () < 0)
        emit_error (e, stmt, FALSE, "setsid failed", errno);
      break;

    case FS_STMT_THREADS:
      exec_threads (e, ctx, stmt);
      break;

    case FS_STMT_LET:
      if (stmt->variable >= 0)
        ctx->locals[stmt->variable] = eval (e, ctx, &stmt->expr);
      break;

    case FS_STMT_SET:
      if (stmt->variable >= 0)
        e->counters[stmt->variable] = eval (e, ctx, &stmt->expr);
      break;

    case FS_STMT_INCREMENT:
      if (stmt->variable >= 0)
        {
          /* Deliberately a plain load and store: threads can race here. */
          gint64 value = e->counters[stmt->variable];
          e->counters[stmt->variable] = value + 1;
        }
      break;

    default:
      break;
    }
}

static void
exec_block (FsEngine *e, FsExecContext *ctx, const FsScnBlock *block)
{
  if (block == NULL)
    return;
  for (guint i = 0; i < block->stmts->len; i++)
    exec_stmt (e, ctx, g_ptr_array_index (block->stmts, i));
}

/* ------------------------------------------------------------------ */
/* Child half: launcher, reaper, processes                             */

static gint32
outer_pid (void)
{
  /* /proc is the host's mount, so /proc/self names us as the tracer sees us
   * even from inside the new PID namespace. */
  char buf[32];
  ssize_t n = readlink ("/proc/self", buf, sizeof buf - 1);
  if (n <= 0)
    return getpid ();
  buf[n] = '\0';
  return (gint32) strtol (buf, NULL, 10);
}

static void
become (FsEngine *e, int index, const char *name, guint8 flags, gint64 extra)
{
  e->self_index = index;
  e->self_inner = getpid ();
  e->self_outer = outer_pid ();
  prctl (PR_SET_NAME, name, 0, 0, 0);
  emit_full (e, REC_START, flags, 0, e->parent_outer, index, extra, name, strlen (name));
}

static void
reset_signals (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset (&sa.sa_mask);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction (sig, &sa, NULL);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

static void
run_process (FsEngine *e, int index, const sigset_t *mask)
{
  FsScnProcess *process = fs_scenario_process (e->scenario, index);
  FsExecContext ctx;

  static FsReportBuffer process_buffer;  /* this process's own copy after fork */

  report_buffer = NULL;
  become (e, index, process->name, 0, 0);
  e->pids[index] = e->self_inner;
  process_buffer.len = 0;
  report_buffer = &process_buffer;
  pthread_sigmask (SIG_SETMASK, mask, NULL);
  memset (&ctx, 0, sizeof ctx);
  exec_block (e, &ctx, process->body);
  emit (e, REC_EXIT, 0, 0, 0, W_EXITCODE (0, 0));
  _exit (0);
}

static void
run_reaper (FsEngine *e) G_GNUC_NORETURN;

static void
run_reaper (FsEngine *e)
{
  gint64 ns_inode = 0;

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  signal (SIGRTMIN + 7, SIG_DFL);   /* the launcher's, not the run's */
  /* The run's process group: one killpg ends all that did not leave it. */
  setpgid (0, 0);
  if (!e->in_namespace)
    prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  else
    ns_inode = (gint64) fs_proc_pid_namespace (0);

  /* Scenario signals aimed at the reaper (kill parent, kill group) must not
   * end the run; the namespace's pid 1 ignores them anyway. */
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
      sigaction (sig, &sa, NULL);

  become (e, INDEX_REAPER, "fsc-reaper", START_HIDDEN | (e->in_namespace ? START_NAMESPACE : 0),
          ns_inode);

  __atomic_add_fetch (&e->shared->n_processes, 1, __ATOMIC_SEQ_CST);
  sigset_t all, none;
  sigfillset (&all);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &all, NULL);
  pid_t root = fork ();
  if (root == 0)
    {
      reset_signals ();
      sigprocmask (SIG_SETMASK, &all, NULL);
      e->parent_outer = e->self_outer;
      e->n_children = 0;
      run_process (e, 0, &none);
    }
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (root < 0)
    {
      emit_error (e, NULL, TRUE, "could not fork the scenario's root process", errno);
      _exit (1);
    }

  for (;;)
    {
      int status = 0;
      pid_t pid = waitpid (-1, &status, __WALL);
      if (pid < 0 && errno == EINTR)
        continue;
      if (pid < 0)
        break;
      emit (e, REC_REAP, 0, 0, pid, status);
      if (pid == root)
        emit (e, REC_ROOT_STATUS, 0, 0, pid, status);
    }
  emit (e, REC_EXIT, 0, 0, 0, W_EXITCODE (0, 0));
  _exit (0);
}

static gboolean
enter_namespace (FsEngine *e)
{
  if (e->options.no_namespace)
    return FALSE;
  if (unshare (CLONE_NEWPID) == 0)
    return TRUE;

  /* Not root: an unprivileged user namespace grants CLONE_NEWPID, keeping our
   * own uid and gid mapped to themselves. */
  uid_t uid = geteuid ();
  gid_t gid = getegid ();
  if (unshare (CLONE_NEWUSER | CLONE_NEWPID) < 0)
    return FALSE;
  char map[64];
  snprintf (map, sizeof map, "%u %u 1\n", (unsigned) uid, (unsigned) uid);
  fs_proc_write_file ("/proc/self/uid_map", map);
  fs_proc_write_file ("/proc/self/setgroups", "deny");
  snprintf (map, sizeof map, "%u %u 1\n", (unsigned) gid, (unsigned) gid);
  fs_proc_write_file ("/proc/self/gid_map", map);
  return TRUE;
}

/* The host's pid for a pid of this run's namespace, from the host's /proc
 * (async-signal-safe: prints run in handlers; no opendir, no malloc). */
static gint32
host_pid (FsEngine *e, gint32 inner)
{
  if (inner <= 0 || e->self_inner == e->self_outer)
    return inner;
  if (inner == e->self_inner)
    return e->self_outer;
  /* The same number may exist in other namespaces (other runs at once):
   * only a process of our own namespace counts. */
  guint64 own_ns = fs_proc_pid_namespace (0);
  if (own_ns == 0)
    return inner;
  int dir = open ("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return inner;
  gint32 found = inner;
  char entries[4096];
  long n;
  while (found == inner && (n = syscall (SYS_getdents64, dir, entries, sizeof entries)) > 0)
    for (long off = 0; off < n;)
      {
        const struct dirent64 *d = (const struct dirent64 *) (entries + off);
        off += d->d_reclen;
        char *end = NULL;
        long pid = strtol (d->d_name, &end, 10);
        if (pid <= 0 || *end != '\0')
          continue;
        if (fs_proc_innermost_pid ((gint32) pid, NULL) == inner
            && fs_proc_pid_namespace ((gint32) pid) == own_ns)
          {
            found = (gint32) pid;
            break;
          }
      }
  close (dir);
  return found;
}

static gint32
host_ppid (FsEngine *e)
{
  if (e->self_inner == e->self_outer)
    return getppid ();
  /* /proc/self/stat gives the parent in the host's numbers. */
  FsProcStat st;
  return fs_proc_read_stat (0, &st) ? st.ppid : getppid ();
}

static volatile sig_atomic_t launcher_orphaned;

static void
on_launcher_orphaned (int signo)
{
  launcher_orphaned = 1;
}

/* Kills every child of this process (the launcher is a subreaper, so
 * processes that left the run's group land here once their parents die). */
static void
kill_own_children (void)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/self/task/%d/children", (int) getpid ());
  char buf[4096];
  if (fs_proc_read_file (path, buf, sizeof buf) < 0)
    return;
  for (char *p = buf; *p != '\0';)
    {
      char *end = NULL;
      long pid = strtol (p, &end, 10);
      if (end == p)
        break;
      if (pid > 0)
        kill ((pid_t) pid, SIGKILL);
      p = end;
    }
}

void
fs_engine_child_main (gpointer data)
{
  FsEngine *e = data;

  child_engine = e;
  if (e->report_read_fd >= 0)
    close (e->report_read_fd);
  close (e->wake_fds[0]);
  close (e->wake_fds[1]);

  /* If forkscope itself dies (even by SIGKILL) the launcher outlives it long
   * enough to kill and reap the whole run: without a PID namespace (under a
   * tracer) nothing else would end the scenario's processes. */
  struct sigaction orphaned;
  memset (&orphaned, 0, sizeof orphaned);
  orphaned.sa_handler = on_launcher_orphaned;   /* no SA_RESTART: waitpid wakes */
  sigemptyset (&orphaned.sa_mask);
  reset_signals ();
  sigaction (SIGRTMIN + 7, &orphaned, NULL);
  prctl (PR_SET_PDEATHSIG, SIGRTMIN + 7, 0, 0, 0);
  if (getppid () != e->cli_pid)
    _exit (1);

  /* The launcher is never killed while the run lives: it adopts whatever
   * its reaper leaves when killed and reaps it, so nothing becomes a zombie
   * of the system's init.  It stays in the caller's process group, so it
   * ignores the terminal's signals (Ctrl-C reaches the CLI, which stops the
   * run through the reaper). */
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  struct sigaction ignore;
  memset (&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && sig != SIGRTMIN + 7)
      sigaction (sig, &ignore, NULL);

  /* Scenarios abort on purpose: no core files in the user's directory. */
  struct rlimit no_core = { 0, 0 };
  setrlimit (RLIMIT_CORE, &no_core);

  int null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd >= 0)
    {
      dup2 (null_fd, STDIN_FILENO);
      close (null_fd);
    }

  e->parent_outer = e->cli_pid;
  become (e, INDEX_LAUNCHER, "fsc-launcher", START_HIDDEN, 0);

  e->in_namespace = enter_namespace (e);
  pid_t reaper = fork ();
  if (reaper == 0)
    {
      e->parent_outer = e->self_outer;
      run_reaper (e);
    }
  if (reaper < 0)
    {
      emit_error (e, NULL, TRUE, "could not fork the run's reaper", errno);
      _exit (1);
    }

  gboolean orphan_cleanup = FALSE;
  for (;;)
    {
      if (!orphan_cleanup && (launcher_orphaned || getppid () != e->cli_pid))
        {
          /* forkscope is gone: end the run (its group, then strays). */
          orphan_cleanup = TRUE;
          kill (-reaper, SIGKILL);
          kill (reaper, SIGKILL);
        }
      if (orphan_cleanup)
        kill_own_children ();
      int status = 0;
      pid_t pid = waitpid (-1, &status, __WALL);
      if (pid < 0 && errno == EINTR)
        continue;
      if (pid < 0)
        break;
      if (!orphan_cleanup)
        emit (e, REC_REAP, 0, 0, pid, status);
    }
  if (!orphan_cleanup)
    emit (e, REC_EXIT, 0, 0, 0, W_EXITCODE (0, 0));
  _exit (0);
}

/* ------------------------------------------------------------------ */
/* Parent half                                                         */

void
fs_engine_options_init (FsEngineOptions *options)
{
  memset (options, 0, sizeof *options);
  options->time_scale = 1.0;
  options->timeout_s = 30.0;
  options->max_processes = 256;
  options->record_processes = TRUE;
  options->echo_fd = STDOUT_FILENO;
  options->echo_mode = FS_ECHO_AUTO;
}

FsEngine *
fs_engine_new (FsScenario *scenario, FsRecorder *recorder, const FsEngineOptions *options,
               GError **error)
{
  g_return_val_if_fail (scenario != NULL, NULL);

  if (scenario->n_errors > 0 || scenario->processes->len == 0)
    {
      g_autofree char *first = fs_scenario_first_error (scenario);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                   first ? first : "the scenario has no process");
      return NULL;
    }

  FsEngine *e = g_new0 (FsEngine, 1);
  e->scenario = scenario;
  e->recorder = recorder;
  if (options)
    e->options = *options;
  else
    fs_engine_options_init (&e->options);
  if (e->options.time_scale <= 0)
    e->options.time_scale = 1.0;
  if (e->options.timeout_s == 0)
    e->options.timeout_s = 30.0;
  if (e->options.max_processes == 0)
    e->options.max_processes = 256;
  e->cli_pid = getpid ();
  e->report_fd = e->report_read_fd = -1;
  e->wake_fds[0] = e->wake_fds[1] = -1;
  e->launcher = 0;

  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) < 0 || pipe2 (e->wake_fds, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      int err = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "could not create a pipe: %s",
                   g_strerror (err));
      fs_engine_free (e);
      return NULL;
    }
  e->report_read_fd = fds[0];
  e->report_fd = fds[1];

  e->shared = mmap (NULL, sizeof (FsShared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (e->shared == MAP_FAILED)
    {
      e->shared = NULL;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not map shared memory: %s",
                   g_strerror (errno));
      fs_engine_free (e);
      return NULL;
    }

  guint n = scenario->processes->len;
  e->pids = g_new0 (gint32, n);
  e->children_cap = e->options.max_processes + 1;
  e->children = g_new0 (gint32, e->children_cap);
  e->counters = g_new0 (gint64, FS_SCENARIO_MAX_VARIABLES);

  for (guint i = 0; i < n; i++)
    e->name_width = MAX (e->name_width, (guint) strlen (fs_scenario_process (scenario, i)->name));

  /* Names of real-time signals are made on first use: not in a child. */
  (void) fs_signal_name (SIGRTMIN + 1);

  e->inner_to_outer = g_hash_table_new (NULL, NULL);
  e->names = g_hash_table_new (NULL, NULL);
  e->alive = g_hash_table_new (NULL, NULL);
  e->pending = g_array_new (FALSE, FALSE, sizeof (FsRecord));
  return e;
}

void
fs_engine_free (FsEngine *self)
{
  if (self == NULL)
    return;
  if (self->collector)
    {
      FsEngineResult ignored = { 0 };
      fs_engine_request_stop (self);
      fs_engine_finish (self, &ignored, NULL);
      fs_engine_result_clear (&ignored);
    }
  if (self->report_fd >= 0)
    close (self->report_fd);
  if (self->report_read_fd >= 0)
    close (self->report_read_fd);
  if (self->wake_fds[0] >= 0)
    close (self->wake_fds[0]);
  if (self->wake_fds[1] >= 0)
    close (self->wake_fds[1]);
  if (self->shared)
    munmap (self->shared, sizeof (FsShared));
  g_free (self->pids);
  g_free (self->children);
  g_free ((gpointer) self->counters);
  g_clear_pointer (&self->inner_to_outer, g_hash_table_unref);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->alive, g_hash_table_unref);
  if (self->pending)
    g_array_free (self->pending, TRUE);
  fs_engine_result_clear (&self->result);
  g_free (self);
}

void
fs_engine_set_stop_func (FsEngine *self, void (*func) (gpointer data), gpointer data)
{
  self->stop_func = func;
  self->stop_data = data;
}

static gboolean
comm_is_ours (FsEngine *self, GPid pid)
{
  char path[64], comm[64];
  snprintf (path, sizeof path, "/proc/%d/comm", pid);
  ssize_t n = fs_proc_read_file (path, comm, sizeof comm);
  if (n < 0)
    return FALSE;
  if (comm[n - 1] == '\n')
    comm[n - 1] = '\0';
  if (g_str_equal (comm, "fsc-launcher") || g_str_equal (comm, "fsc-reaper"))
    return TRUE;
  for (guint i = 0; i < self->scenario->processes->len; i++)
    if (strncmp (fs_scenario_process (self->scenario, (int) i)->name, comm, 15) == 0)
      return TRUE;
  return FALSE;
}

GArray *
fs_engine_find_leftovers (FsEngine *self)
{
  /* Pids are reused quickly on a busy machine: once the run is over, a
   * process found by its group or ancestry counts only if it still bears a
   * name of this scenario; one in the run's PID namespace always counts. */
  GArray *found = fs_engine_find_processes (self->ns_inode, self->reaper_outer, 0);
  for (guint i = 0; i < found->len;)
    {
      GPid pid = g_array_index (found, GPid, i);
      gboolean in_namespace = self->ns_inode != 0
                              && fs_proc_pid_namespace (pid) == self->ns_inode;
      if (in_namespace || comm_is_ours (self, pid))
        i++;
      else
        g_array_remove_index (found, i);
    }
  return found;
}

guint64
fs_engine_get_namespace (FsEngine *self)
{
  return self->ns_inode;
}

GPid
fs_engine_get_launcher (FsEngine *self)
{
  return self->launcher;
}

GPid
fs_engine_get_group (FsEngine *self)
{
  return self->reaper_outer;
}

/* Async-signal-safe.  Killing the reaper ends its PID namespace (the kernel
 * kills everyone in it); without a namespace the group kill ends the rest,
 * and the collector hunts down what left the group. */
static void
kill_run (FsEngine *self)
{
  gint32 reaper = self->reaper_outer;
  if (reaper > 0)
    {
      kill (-reaper, SIGKILL);
      kill (reaper, SIGKILL);
    }
}

void
fs_engine_request_stop (FsEngine *self)
{
  self->stop_requested = 1;
  kill_run (self);
  if (self->wake_fds[1] >= 0)
    {
      char c = 's';
      ssize_t ignored = write (self->wake_fds[1], &c, 1);
      (void) ignored;
    }
}

GArray *
fs_engine_find_processes (guint64 ns_inode, GPid pgid, GPid ancestor)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr (GHashTable) parents = g_hash_table_new (NULL, NULL);
  GPid self = getpid ();
  DIR *dir = opendir ("/proc");
  if (dir == NULL)
    return found;

  struct dirent *entry;
  GArray *all = g_array_new (FALSE, FALSE, sizeof (GPid));
  while ((entry = readdir (dir)) != NULL)
    {
      char *end;
      long pid = strtol (entry->d_name, &end, 10);
      if (*end != '\0' || pid <= 0 || pid == self)
        continue;
      FsProcStat st;
      if (!fs_proc_read_stat ((gint32) pid, &st))
        continue;
      GPid p = (GPid) pid;
      g_array_append_val (all, p);
      g_hash_table_insert (parents, GINT_TO_POINTER (p), GINT_TO_POINTER (st.ppid));

      gboolean match = pgid > 0 && st.pgid == pgid;
      if (!match && ns_inode != 0)
        match = fs_proc_pid_namespace ((gint32) pid) == ns_inode;
      if (match)
        g_array_append_val (found, p);
    }
  closedir (dir);

  if (ancestor > 0)
    for (guint i = 0; i < all->len; i++)
      {
        GPid p = g_array_index (all, GPid, i);
        GPid walk = p;
        for (int depth = 0; depth < 4096 && walk > 1; depth++)
          {
            walk = GPOINTER_TO_INT (g_hash_table_lookup (parents, GINT_TO_POINTER (walk)));
            if (walk == ancestor || p == ancestor)
              {
                gboolean dup = FALSE;
                for (guint j = 0; j < found->len; j++)
                  dup = dup || g_array_index (found, GPid, j) == p;
                if (!dup)
                  g_array_append_val (found, p);
                break;
              }
          }
      }
  g_array_free (all, TRUE);
  return found;
}

static gint32
to_outer (FsEngine *self, const FsRecord *r, gint32 inner)
{
  if (inner <= 0 || r->inner_pid == r->outer_pid)
    return inner;
  gpointer outer = g_hash_table_lookup (self->inner_to_outer, GINT_TO_POINTER (inner));
  return outer ? GPOINTER_TO_INT (outer) : inner;
}

static void
echo_line (FsEngine *self, gint32 outer, const char *text, gsize len)
{
  int fd = self->options.echo_fd;
  if (fd < 0)
    return;
  gboolean prefixed = self->options.echo_mode == FS_ECHO_PREFIXED
                      || (self->options.echo_mode == FS_ECHO_AUTO && isatty (fd));
  GString *line = g_string_sized_new (len + 32);
  if (prefixed)
    {
      const char *name = g_hash_table_lookup (self->names, GINT_TO_POINTER (outer));
      g_string_append_printf (line, "%-*s | ", (int) self->name_width, name ? name : "?");
    }
  g_string_append_len (line, text, (gssize) len);
  g_string_append_c (line, '\n');
  write_all (fd, line->str, line->len);
  g_string_free (line, TRUE);
}

static void
end_early (FsEngine *self)
{
  kill_run (self);
  GPid launcher = self->launcher;
  /* While the launcher lives, every process of the run descends from it. */
  g_autoptr (GArray) left = fs_engine_find_processes (self->ns_inode, 0, launcher);
  for (guint i = 0; i < left->len; i++)
    if (g_array_index (left, GPid, i) != launcher)
      kill (g_array_index (left, GPid, i), SIGKILL);
  /* The tracer is not told to stop: it would kill the launcher, whose
   * adopted children would then end as zombies of the system's init.  The
   * launcher reaps them and ends by itself, and the tracer with it. */
}

/* In a PID namespace a record may name a process (kill's target, a reaped
 * child, a sender) by its inner pid before that process's own start record
 * has told us its outer one: such records wait for it. */
static gboolean
must_wait_for_start (FsEngine *self, const FsRecord *r)
{
  if (!self->result.used_namespace || !self->options.record_processes)
    return FALSE;
  if (r->kind != REC_SEND && r->kind != REC_REAP && r->kind != REC_DELIVER)
    return FALSE;
  if (r->inner_pid == r->outer_pid)
    return FALSE;  /* written outside the namespace: pids are already outer */
  gint32 inner = r->arg < -1 ? -r->arg : r->arg;
  return inner > 0 && !g_hash_table_contains (self->inner_to_outer, GINT_TO_POINTER (inner));
}

static void handle_record (FsEngine *self, const FsRecord *r, const char *text, gsize len);

static void
retry_pending (FsEngine *self, gboolean all)
{
  for (guint i = 0; i < self->pending->len;)
    {
      FsRecord r = g_array_index (self->pending, FsRecord, i);
      if (!all && must_wait_for_start (self, &r))
        {
          i++;
          continue;
        }
      g_array_remove_index (self->pending, i);
      handle_record (self, &r, NULL, 0);
    }
}

static void
handle_record (FsEngine *self, const FsRecord *r, const char *text, gsize len)
{
  FsRecorder *rec = self->recorder;
  gboolean own = self->options.record_processes;
  gint32 pid = r->outer_pid;

  g_hash_table_insert (self->inner_to_outer, GINT_TO_POINTER (r->inner_pid), GINT_TO_POINTER (pid));
  if (text != NULL && must_wait_for_start (self, r))
    {
      g_array_append_val (self->pending, *r);
      return;
    }

  switch (r->kind)
    {
    case REC_START:
      {
        const char *name = NULL;
        if (r->value >= 0 && (guint) r->value < self->scenario->processes->len)
          {
            name = fs_scenario_process (self->scenario, r->value)->name;
            self->result.n_processes++;
          }
        g_hash_table_insert (self->names, GINT_TO_POINTER (pid), (gpointer) name);
        g_hash_table_add (self->alive, GINT_TO_POINTER (pid));
        if (r->value == INDEX_REAPER)
          {
            self->reaper_outer = pid;
            if (r->small & START_NAMESPACE)
              {
                self->ns_inode = (guint64) r->extra;
                self->result.used_namespace = TRUE;
              }
            if (self->stop_requested)
              kill_run (self);
          }
        if (rec == NULL)
          break;
        g_autofree char *comm = g_strndup (text, len);
        guint32 flags = (r->small & START_HIDDEN) ? FS_PROCESS_FLAG_HIDDEN : 0;
        if (own)
          fs_recorder_process_new (rec, r->t_ns, pid, r->arg, comm, flags);
        else if (flags)
          fs_recorder_set_flags (rec, pid, flags);
        if (name)
          fs_recorder_set_name (rec, pid, name);
        if (self->pending->len > 0)
          retry_pending (self, FALSE);
      }
      break;

    case REC_OUTPUT:
      echo_line (self, pid, text, len);
      if (rec)
        fs_recorder_output (rec, r->t_ns, pid, FS_STREAM_STDOUT, text, len);
      break;

    case REC_MARKER:
      if (rec)
        {
          /* The text is the statement's source line, which we have. */
          const char *source = r->line >= 1 && r->line <= self->scenario->n_lines
                               ? self->scenario->text_lines[r->line - 1] : NULL;
          if (source && strlen (source) == len && memcmp (source, text, len) == 0)
            fs_recorder_marker (rec, r->t_ns, pid, r->line, source);
          else
            {
              g_autofree char *marker = g_strndup (text, len);
              fs_recorder_marker (rec, r->t_ns, pid, r->line, marker);
            }
        }
      break;

    case REC_BLOCK:
    case REC_UNBLOCK:
      /* The tracers see sigwait and wait calls themselves; sleep and pause
       * they do not (they are not stopped for them). */
      if (rec && (own || (r->small != FS_BLOCK_SIGWAIT && r->small != FS_BLOCK_WAIT)))
        {
          if (r->kind == REC_BLOCK)
            fs_recorder_block (rec, r->t_ns, pid, (FsBlockReason) r->small, r->line);
          else
            fs_recorder_unblock (rec, r->t_ns, pid);
        }
      break;

    case REC_SEND:
      if (rec && own)
        {
          gint32 target = r->arg > 0 ? to_outer (self, r, r->arg)
                          : r->arg < -1 ? -to_outer (self, r, -r->arg) : r->arg;
          fs_recorder_signal_send (rec, r->t_ns, pid, target, r->small, (int) r->extra, r->value,
                                   r->extra == SI_TKILL ? FS_EVENT_FLAG_THREAD_DIRECTED : 0);
        }
      break;

    case REC_DELIVER:
      if (rec && own)
        fs_recorder_signal_deliver (rec, r->t_ns, pid, r->small, (int) r->extra,
                                    r->arg > 0 ? to_outer (self, r, r->arg) : r->arg,
                                    (FsSignalAction) r->value);
      break;

    case REC_EXIT:
      g_hash_table_remove (self->alive, GINT_TO_POINTER (pid));
      if (rec && own)
        fs_recorder_exit (rec, r->t_ns, pid, r->value);
      break;

    case REC_REAP:
      {
        gint32 child = to_outer (self, r, r->arg);
        gboolean was_alive = g_hash_table_remove (self->alive, GINT_TO_POINTER (child));
        if (rec && own)
          {
            if (was_alive)
              fs_recorder_exit (rec, r->t_ns, child, r->value);
            fs_recorder_reap (rec, r->t_ns, pid, child, r->value);
          }
      }
      break;

    case REC_EXEC:
      if (rec && own && len > 0)
        {
          g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
          g_autofree char *path = g_strndup (text, len);
          gsize at = strlen (path) + 1;
          while (at < len)
            {
              char *arg = g_strndup (text + at, len - at);
              at += strlen (arg) + 1;
              g_ptr_array_add (argv, arg);
            }
          g_ptr_array_add (argv, NULL);
          fs_recorder_exec (rec, r->t_ns, pid, path, (const char *const *) argv->pdata);
        }
      break;

    case REC_ERROR:
      {
        const char *name = g_hash_table_lookup (self->names, GINT_TO_POINTER (pid));
        self->result.n_errors++;
        g_printerr ("%s:%u: %s: %.*s\n", self->scenario->filename, r->line, name ? name : "forkscope",
                    (int) len, text);
        if (r->small && !self->result.limit_reached)
          {
            self->result.limit_reached = TRUE;
            g_free (self->result.message);
            self->result.message = g_strdup_printf (
              "the run was stopped: it tried to start more than %u processes (raise the limit with "
              "--max-processes)", self->options.max_processes);
            end_early (self);
          }
      }
      break;

    case REC_ROOT_STATUS:
      self->result.root_finished = TRUE;
      self->result.root_status = r->value;
      break;

    default:
      break;
    }
}

static gpointer
collector_main (gpointer data)
{
  FsEngine *self = data;
  gsize cap = 1 << 16;
  g_autofree char *buf = g_malloc (cap);
  gsize filled = 0;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = self->options.timeout_s > 0
                    ? start + (gint64) (self->options.timeout_s * G_USEC_PER_SEC) : G_MAXINT64;
  gint64 last_flush = start;
  gboolean ending = FALSE;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      if (now >= deadline)
        {
          if (ending)
            {
              /* Something holds the pipe open after everything was killed:
               * last resort, let the tracer kill what it launched. */
              if (self->stop_func)
                self->stop_func (self->stop_data);
              break;
            }
          self->result.timed_out = TRUE;
          g_free (self->result.message);
          self->result.message = g_strdup_printf (
            "the run timed out after %g s and every scenario process was killed (allow more time "
            "with --timeout)", self->options.timeout_s);
          end_early (self);
          ending = TRUE;
          deadline = now + 3 * G_USEC_PER_SEC;
        }
      if (self->stop_requested && !ending)
        {
          self->result.stopped = TRUE;
          if (self->result.message == NULL)
            self->result.message = g_strdup ("the run was interrupted and every scenario process was killed");
          end_early (self);
          ending = TRUE;
          deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
        }

      struct pollfd fds[2] = {
        { self->report_read_fd, POLLIN, 0 },
        { self->wake_fds[0], POLLIN, 0 },
      };
      gint64 wait_us = MIN (deadline - g_get_monotonic_time (), 100000);
      int n = poll (fds, 2, (int) MAX (wait_us / 1000, 1));
      if (n < 0 && errno != EINTR)
        break;
      if (fds[1].revents & POLLIN)
        {
          char drain[16];
          while (read (self->wake_fds[0], drain, sizeof drain) > 0)
            ;
        }
      if (fds[0].revents & (POLLIN | POLLHUP))
        {
          ssize_t got = read (self->report_read_fd, buf + filled, cap - filled);
          if (got < 0 && errno == EINTR)
            continue;
          if (got <= 0)
            break;  /* EOF: every process of the run has ended */
          filled += (gsize) got;
          gsize at = 0;
          while (filled - at >= sizeof (FsRecord))
            {
              FsRecord record;
              memcpy (&record, buf + at, sizeof record);
              if (record.size < sizeof (FsRecord) || record.size > PIPE_BUF)
                {
                  at = filled;  /* cannot happen: our own writers; drop the garbage */
                  break;
                }
              if (filled - at < record.size)
                break;
              handle_record (self, &record, buf + at + sizeof (FsRecord), record.size - sizeof (FsRecord));
              at += record.size;
            }
          memmove (buf, buf + at, filled - at);
          filled -= at;
          /* Let reports gather: a write into a pipe nobody waits on wakes
           * nobody, which makes each report several times cheaper for the
           * scenario's processes; a millisecond of latency is invisible. */
          g_usleep (500);
        }
      if (self->recorder && g_get_monotonic_time () - last_flush > 100000)
        {
          fs_recorder_flush (self->recorder, FALSE, NULL);
          last_flush = g_get_monotonic_time ();
        }
    }
  /* Processes killed before they could say who they are stay unnamed. */
  retry_pending (self, TRUE);
  return NULL;
}

void
fs_engine_started (FsEngine *self, GPid launcher)
{
  g_return_if_fail (self->collector == NULL);
  self->launcher = launcher;
  if (self->report_fd >= 0)
    {
      close (self->report_fd);
      self->report_fd = -1;
    }
  if (self->stop_requested)
    kill_run (self);
  self->collector = g_thread_new ("fsc-collector", collector_main, self);
}

gboolean
fs_engine_launch (FsEngine *self, GPid *launcher, GError **error)
{
  pid_t pid = fork ();
  if (pid < 0)
    {
      int err = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "could not fork: %s",
                   g_strerror (err));
      return FALSE;
    }
  if (pid == 0)
    fs_engine_child_main (self);
  self->launched_here = TRUE;
  if (launcher)
    *launcher = pid;
  fs_engine_started (self, pid);
  return TRUE;
}

gboolean
fs_engine_finish (FsEngine *self, FsEngineResult *result, GError **error)
{
  if (self->collector == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the run was never started");
      return FALSE;
    }
  g_thread_join (self->collector);
  self->collector = NULL;

  if (self->launched_here && self->launcher > 0)
    {
      int status = 0;
      /* EOF came, so the launcher is ending; make sure even if something
       * kept the pipe open, and as a last resort kill it too. */
      gint64 give_up = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
      while (waitpid (self->launcher, &status, WNOHANG) == 0)
        {
          kill_run (self);
          if (g_get_monotonic_time () > give_up)
            kill (self->launcher, SIGKILL);
          g_usleep (1000);
        }
      if (self->recorder && self->options.record_processes)
        {
          gint64 t = fs_recorder_now ();
          fs_recorder_exit (self->recorder, t, self->launcher, status);
        }
      g_hash_table_remove (self->alive, GINT_TO_POINTER (self->launcher));
    }

  /* Whatever is still alive now escaped the kill: count it, then kill it. */
  for (int round = 0; round < 50; round++)
    {
      g_autoptr (GArray) left = fs_engine_find_leftovers (self);
      if (round == 0)
        self->result.n_left = left->len;

      if (left->len == 0)
        break;
      for (guint i = 0; i < left->len; i++)
        kill (g_array_index (left, GPid, i), SIGKILL);
      g_usleep (2000);
    }

  /* Processes killed with the run never reported an end: record it. */
  if (self->recorder && self->options.record_processes)
    {
      GHashTableIter iter;
      gpointer key;
      gint64 t = fs_recorder_now ();
      g_hash_table_iter_init (&iter, self->alive);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        fs_recorder_exit (self->recorder, t, GPOINTER_TO_INT (key), SIGKILL);
    }
  g_hash_table_remove_all (self->alive);

  if (!self->result.root_finished && self->result.message == NULL)
    self->result.message = g_strdup ("the scenario's root process never finished");

  if (result)
    {
      *result = self->result;
      memset (&self->result, 0, sizeof self->result);
    }
  return TRUE;
}

gboolean
fs_engine_run (FsEngine *self, FsEngineResult *result, GError **error)
{
  if (!fs_engine_launch (self, NULL, error))
    return FALSE;
  return fs_engine_finish (self, result, error);
}

void
fs_engine_result_clear (FsEngineResult *result)
{
  g_clear_pointer (&result->message, g_free);
}

int
fs_engine_result_exit_code (const FsEngineResult *result)
{
  if (result->timed_out || result->stopped || result->limit_reached || !result->root_finished)
    return 1;
  if (WIFEXITED (result->root_status))
    return WEXITSTATUS (result->root_status);
  if (WIFSIGNALED (result->root_status))
    return 128 + WTERMSIG (result->root_status);
  return 1;
}

/* trace-file.c: the native .fstrace format — writer and validating reader.
 *
 * The layout is specified in docs/trace-format.md; this file is its only
 * implementation.  Everything on disk is little-endian and encoded field by
 * field, so nothing depends on the in-memory layout or padding of the model's
 * structs.
 */
#include "trace-file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- On-disk constants ------------------------------------------------- */

static const guint8 fs_trace_magic[8] = { 0x89, 'F', 'S', 'T', 'R', '\r', '\n', 0x1a };

#define FS_TRACE_FORMAT_VERSION 1u
#define FS_TRACE_ENDIAN_MARK    0x01020304u

/* File header: magic[8] u32 version, u32 endian mark, u32 header size,
 * u32 flags, u64 reserved. */
enum {
  FH_MAGIC       = 0,
  FH_VERSION     = 8,
  FH_ENDIAN      = 12,
  FH_HEADER_SIZE = 16,
  FH_FLAGS       = 20,
  FH_RESERVED    = 24,
  FILE_HEADER_SIZE = 32,
};
/* Readers accept a larger header from a future minor revision, up to this. */
#define MAX_FILE_HEADER_SIZE 4096u

/* Record header: u16 type, u16 flags, u32 length (of the whole record,
 * header and padding included; a multiple of 8). */
enum {
  RH_TYPE   = 0,
  RH_FLAGS  = 2,
  RH_LENGTH = 4,
  RECORD_HEADER_SIZE = 8,
};
#define RECORD_ALIGN     8u
#define MAX_RECORD_SIZE  (64u << 20)

enum {
  RECORD_STRINGS = 1,
  RECORD_STRVS   = 2,
  RECORD_PROCESS = 3,
  RECORD_META    = 4,
  RECORD_EVENTS  = 5,
  RECORD_END     = 6,
};
/* A reader that does not know a record's type may skip it only when the
 * writer set this flag; otherwise the file is rejected. */
#define RECORD_FLAG_SKIPPABLE 0x0001u

/* PROCESS record payload (after the record header). */
enum {
  PR_ID         = 0,
  PR_PID        = 4,
  PR_PARENT     = 8,
  PR_REPARENTED = 12,
  PR_NAME       = 16,
  PR_COMM       = 20,
  PR_PGID       = 24,
  PR_SID        = 28,
  PR_START      = 32,
  PR_END        = 40,
  PR_REAP       = 48,
  PR_EXIT       = 56,   /* 8-byte exit status */
  PR_FLAGS      = 64,
  PR_N_THREADS  = 68,
  PR_FIXED_SIZE = 72,   /* then n_threads × i32 tids */
};

/* Exit status: u8 kind, u8 core, u16 zero, i32 value. */
enum { EXIT_STATUS_SIZE = 8 };

/* One event: 32 bytes. */
enum {
  EV_TIME    = 0,
  EV_PROCESS = 8,
  EV_KIND    = 12,
  EV_SIGNAL  = 13,
  EV_FLAGS   = 14,
  EV_PAYLOAD = 16,
  EVENT_SIZE = 32,
};
#define EVENTS_PER_RECORD 8192u

/* EVENTS payload: u32 count, u32 zero, events.  STRINGS/STRVS: u32 first id,
 * u32 count, entries.  META: u32 count, u32 zero, entries.  END: u32
 * n_strings, u32 n_strvs, u32 n_processes, u32 zero, u64 n_events. */
enum {
  BATCH_HEADER_SIZE = 8,
  END_PAYLOAD_SIZE  = 24,
  META_ENTRY_HEADER_SIZE = 8,  /* u16 key length, u8 type, u8 zero, u32 value length */
};

enum {
  META_NULL   = 0,
  META_STRING = 1,
  META_INT64  = 2,
  META_UINT64 = 3,
};

G_STATIC_ASSERT (sizeof (fs_trace_magic) == 8);
G_STATIC_ASSERT (FH_RESERVED + 8 == FILE_HEADER_SIZE);
G_STATIC_ASSERT (FILE_HEADER_SIZE % RECORD_ALIGN == 0);
G_STATIC_ASSERT (RH_LENGTH + 4 == RECORD_HEADER_SIZE);
G_STATIC_ASSERT (PR_EXIT + EXIT_STATUS_SIZE == PR_FLAGS);
G_STATIC_ASSERT (PR_N_THREADS + 4 == PR_FIXED_SIZE);
G_STATIC_ASSERT (PR_FIXED_SIZE % RECORD_ALIGN == 0);
G_STATIC_ASSERT (EV_PAYLOAD + 16 == EVENT_SIZE);
G_STATIC_ASSERT (RECORD_HEADER_SIZE + BATCH_HEADER_SIZE + (gsize) EVENTS_PER_RECORD * EVENT_SIZE
                 <= MAX_RECORD_SIZE);
/* The model's event is the same size as the disk one, so a trace costs the
 * same in memory and on disk; the encoding itself does not rely on it. */
G_STATIC_ASSERT (sizeof (FsEvent) == EVENT_SIZE);
G_STATIC_ASSERT (sizeof (FsExitStatus) == EXIT_STATUS_SIZE);

/* ---- Little-endian access ---------------------------------------------- */

static inline guint16
get_u16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint32
get_u32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static inline guint64
get_u64 (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static inline gint32 get_i32 (const guint8 *p) { return (gint32) get_u32 (p); }
static inline gint64 get_i64 (const guint8 *p) { return (gint64) get_u64 (p); }

static inline void
put_u16 (guint8 *p, guint16 v)
{
  p[0] = (guint8) v;
  p[1] = (guint8) (v >> 8);
}

static inline void
put_u32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static inline void
put_u64 (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

static inline void put_i32 (guint8 *p, gint32 v) { put_u32 (p, (guint32) v); }
static inline void put_i64 (guint8 *p, gint64 v) { put_u64 (p, (guint64) v); }

static gsize
align_up (gsize n)
{
  return (n + RECORD_ALIGN - 1) & ~(gsize) (RECORD_ALIGN - 1);
}

/* ---- Output buffer ----------------------------------------------------- */

typedef struct {
  guint8 *data;
  gsize   len;
  gsize   cap;
} OutBuf;

static guint8 *
outbuf_reserve (OutBuf *buf, gsize n)
{
  if (buf->cap - buf->len < n)
    {
      gsize cap = MAX (buf->cap * 2, 4096);
      while (cap - buf->len < n)
        cap *= 2;
      buf->data = g_realloc (buf->data, cap);
      buf->cap = cap;
    }
  guint8 *p = buf->data + buf->len;
  buf->len += n;
  return p;
}

/* Zero-filled. */
static guint8 *
outbuf_append_zero (OutBuf *buf, gsize n)
{
  guint8 *p = outbuf_reserve (buf, n);
  memset (p, 0, n);
  return p;
}

static void
outbuf_append (OutBuf *buf, const void *data, gsize n)
{
  if (n > 0)
    memcpy (outbuf_reserve (buf, n), data, n);
}

static gsize
record_begin (OutBuf *buf, guint16 type)
{
  gsize start = buf->len;
  guint8 *h = outbuf_append_zero (buf, RECORD_HEADER_SIZE);
  put_u16 (h + RH_TYPE, type);
  return start;
}

/* Pads the record to alignment and fills in its length. */
static void
record_end (OutBuf *buf, gsize start)
{
  gsize len = buf->len - start;
  gsize padded = align_up (len);
  outbuf_append_zero (buf, padded - len);
  g_assert (padded <= MAX_RECORD_SIZE);
  put_u32 (buf->data + start + RH_LENGTH, (guint32) padded);
}

/* ---- Encoding ---------------------------------------------------------- */

static void
encode_exit_status (guint8 *p, const FsExitStatus *status)
{
  p[0] = status->kind;
  p[1] = status->core;
  put_u16 (p + 2, 0);
  put_i32 (p + 4, status->value);
}

static void
encode_event (guint8 *p, const FsEvent *ev)
{
  guint8 *u = p + EV_PAYLOAD;

  memset (p, 0, EVENT_SIZE);
  put_i64 (p + EV_TIME, ev->t_ns);
  put_u32 (p + EV_PROCESS, ev->process);
  p[EV_KIND] = ev->kind;
  p[EV_SIGNAL] = ev->signal;
  put_u16 (p + EV_FLAGS, ev->flags);

  switch ((FsEventKind) ev->kind)
    {
    case FS_EVENT_FORK:
      put_u32 (u, ev->u.fork.child);
      break;
    case FS_EVENT_EXEC:
      put_u32 (u, ev->u.exec.path);
      put_u32 (u + 4, ev->u.exec.argv);
      break;
    case FS_EVENT_RENAME:
      put_u32 (u, ev->u.rename.comm);
      break;
    case FS_EVENT_SIGNAL_SEND:
      put_u32 (u, ev->u.send.target);
      put_i32 (u + 4, ev->u.send.code);
      put_i32 (u + 8, ev->u.send.result);
      u[12] = ev->u.send.target_kind;
      break;
    case FS_EVENT_SIGNAL_DELIVER:
      put_u32 (u, ev->u.deliver.sender);
      put_i32 (u + 4, ev->u.deliver.code);
      u[8] = ev->u.deliver.action;
      break;
    case FS_EVENT_EXIT:
      encode_exit_status (u, &ev->u.exit.status);
      break;
    case FS_EVENT_REAP:
      put_u32 (u, ev->u.reap.child);
      encode_exit_status (u + 4, &ev->u.reap.status);
      break;
    case FS_EVENT_OUTPUT:
      put_u32 (u, ev->u.output.text);
      u[4] = ev->u.output.stream;
      break;
    case FS_EVENT_MARKER:
      put_u32 (u, ev->u.marker.text);
      put_u32 (u + 4, ev->u.marker.line);
      break;
    case FS_EVENT_BLOCK:
    case FS_EVENT_UNBLOCK:
      u[0] = ev->u.block.reason;
      put_u32 (u + 4, ev->u.block.line);
      break;
    case FS_EVENT_THREAD:
      put_i32 (u, ev->u.thread.tid);
      break;
    case FS_EVENT_STOP:
    case FS_EVENT_CONTINUE:
    case FS_EVENT_KIND_LAST:
    default:
      break;
    }
}

static void
encode_process (OutBuf *buf, const FsProcess *p, FsProcessId parent, FsProcessId reparented_to)
{
  guint n_threads = p->threads ? p->threads->len : 0;
  gsize start = record_begin (buf, RECORD_PROCESS);
  guint8 *r = outbuf_append_zero (buf, PR_FIXED_SIZE);

  put_u32 (r + PR_ID, p->id);
  put_i32 (r + PR_PID, p->pid);
  put_u32 (r + PR_PARENT, parent);
  put_u32 (r + PR_REPARENTED, reparented_to);
  put_u32 (r + PR_NAME, p->name);
  put_u32 (r + PR_COMM, p->comm);
  put_i32 (r + PR_PGID, p->pgid);
  put_i32 (r + PR_SID, p->sid);
  put_i64 (r + PR_START, p->start_ns);
  put_i64 (r + PR_END, p->end_ns);
  put_i64 (r + PR_REAP, p->reap_ns);
  encode_exit_status (r + PR_EXIT, &p->exit);
  put_u32 (r + PR_FLAGS, p->flags);
  put_u32 (r + PR_N_THREADS, n_threads);
  guint8 *t = outbuf_reserve (buf, (gsize) n_threads * 4);
  for (guint i = 0; i < n_threads; i++)
    put_i32 (t + 4 * i, g_array_index (p->threads, gint32, i));
  record_end (buf, start);
}

/* ---- Writer ------------------------------------------------------------ */

/* What the file says about a process, to tell whether it changed. */
typedef struct {
  gboolean  in_file;
  FsProcess written;      /* as written; threads: a private copy, or NULL */
} WrittenProcess;

typedef struct {
  gboolean    written;
  gchar      *recorder;
  gchar      *tracer;
  gchar      *command;
  gchar      *scenario;
  gint64      start_wall_ns;
  guint64     lost_events;
  GHashTable *extra;
} WrittenMeta;

struct _FsTraceWriter {
  FsTrace   *trace;
  char      *path;
  int        fd;
  gboolean   closed;
  gboolean   failed;
  OutBuf     buf;
  guint      n_strings;   /* strings written (id 0, the empty string, is implicit) */
  guint      n_strvs;
  gsize      n_events;
  gint64     last_t_ns;
  GArray    *processes;   /* of WrittenProcess, indexed by id */
  WrittenMeta meta;
};

static void
written_process_clear (gpointer data)
{
  WrittenProcess *wp = data;
  g_clear_pointer (&wp->written.threads, g_array_unref);
}

static gboolean
exit_status_equal (const FsExitStatus *a, const FsExitStatus *b)
{
  return a->kind == b->kind && a->core == b->core && a->value == b->value;
}

static gboolean
threads_equal (const GArray *a, const GArray *b)
{
  guint na = a ? a->len : 0, nb = b ? b->len : 0;
  if (na != nb)
    return FALSE;
  return na == 0 || memcmp (a->data, b->data, na * sizeof (gint32)) == 0;
}

static gboolean
process_equal (const FsProcess *a, const FsProcess *b)
{
  return a->id == b->id && a->pid == b->pid && a->parent == b->parent &&
         a->reparented_to == b->reparented_to && a->name == b->name && a->comm == b->comm &&
         a->pgid == b->pgid && a->sid == b->sid && a->start_ns == b->start_ns &&
         a->end_ns == b->end_ns && a->reap_ns == b->reap_ns &&
         exit_status_equal (&a->exit, &b->exit) && a->flags == b->flags &&
         threads_equal (a->threads, b->threads);
}

static void
written_process_set (WrittenProcess *wp, const FsProcess *p, FsProcessId parent,
                     FsProcessId reparented_to)
{
  g_clear_pointer (&wp->written.threads, g_array_unref);
  wp->in_file = TRUE;
  wp->written = *p;
  wp->written.parent = parent;
  wp->written.reparented_to = reparented_to;
  wp->written.threads = NULL;
  if (p->threads && p->threads->len > 0)
    {
      wp->written.threads = g_array_sized_new (FALSE, FALSE, sizeof (gint32), p->threads->len);
      g_array_append_vals (wp->written.threads, p->threads->data, p->threads->len);
    }
}

static void
written_meta_clear (WrittenMeta *m)
{
  g_clear_pointer (&m->recorder, g_free);
  g_clear_pointer (&m->tracer, g_free);
  g_clear_pointer (&m->command, g_free);
  g_clear_pointer (&m->scenario, g_free);
  g_clear_pointer (&m->extra, g_hash_table_unref);
}

static gboolean
write_all (FsTraceWriter *self, const guint8 *data, gsize len, GError **error)
{
  while (len > 0)
    {
      ssize_t n = write (self->fd, data, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          int saved = errno;
          g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: cannot write: %s",
                       self->path, g_strerror (saved));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

FsTraceWriter *
fs_trace_writer_new (const char *path, FsTrace *trace, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (FS_IS_TRACE (trace), NULL);

  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: cannot create: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  return fs_trace_writer_new_for_fd (fd, path, trace, error);
}

FsTraceWriter *
fs_trace_writer_new_for_fd (int fd, const char *name, FsTrace *trace, GError **error)
{
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (FS_IS_TRACE (trace), NULL);

  FsTraceWriter *self = g_new0 (FsTraceWriter, 1);
  self->trace = g_object_ref (trace);
  self->path = g_strdup (name ? name : "<trace>");
  self->fd = fd;
  self->n_strings = 1;
  self->last_t_ns = G_MININT64;
  self->processes = g_array_new (FALSE, TRUE, sizeof (WrittenProcess));
  g_array_set_clear_func (self->processes, written_process_clear);

  guint8 header[FILE_HEADER_SIZE] = { 0 };
  memcpy (header + FH_MAGIC, fs_trace_magic, sizeof fs_trace_magic);
  put_u32 (header + FH_VERSION, FS_TRACE_FORMAT_VERSION);
  put_u32 (header + FH_ENDIAN, FS_TRACE_ENDIAN_MARK);
  put_u32 (header + FH_HEADER_SIZE, FILE_HEADER_SIZE);
  if (!write_all (self, header, sizeof header, error))
    {
      fs_trace_writer_free (self);
      return NULL;
    }
  return self;
}

static void
encode_new_strings (FsTraceWriter *self)
{
  guint n = fs_trace_n_strings (self->trace);
  OutBuf *buf = &self->buf;

  while (self->n_strings < n)
    {
      gsize start = record_begin (buf, RECORD_STRINGS);
      gsize batch = buf->len;
      outbuf_append_zero (buf, BATCH_HEADER_SIZE);
      put_u32 (buf->data + batch, self->n_strings);
      guint count = 0;
      /* Keep records well below the limit; one string alone always fits
       * because the model caps nothing but a line is never 60 MiB. */
      while (self->n_strings < n)
        {
          const char *s = fs_trace_string (self->trace, self->n_strings);
          gsize len = strlen (s);
          if (count > 0 && buf->len - start + 4 + len > MAX_RECORD_SIZE / 4)
            break;
          len = MIN (len, (gsize) MAX_RECORD_SIZE / 2);
          guint8 *p = outbuf_reserve (buf, 4 + len);
          put_u32 (p, (guint32) len);
          memcpy (p + 4, s, len);
          self->n_strings++;
          count++;
        }
      put_u32 (buf->data + batch + 4, count);
      record_end (buf, start);
    }
}

static void
encode_new_strvs (FsTraceWriter *self)
{
  guint n = fs_trace_n_strvs (self->trace);
  OutBuf *buf = &self->buf;

  while (self->n_strvs < n)
    {
      gsize start = record_begin (buf, RECORD_STRVS);
      gsize batch = buf->len;
      outbuf_append_zero (buf, BATCH_HEADER_SIZE);
      put_u32 (buf->data + batch, self->n_strvs);
      guint count = 0;
      while (self->n_strvs < n && buf->len - start < MAX_RECORD_SIZE / 4)
        {
          const char *const *strv = fs_trace_strv (self->trace, self->n_strvs);
          guint len = strv ? g_strv_length ((char **) strv) : 0;
          guint8 *p = outbuf_reserve (buf, 4 + (gsize) len * 4);
          put_u32 (p, len);
          /* Interning an existing string returns its id without adding one. */
          for (guint i = 0; i < len; i++)
            put_u32 (p + 4 + 4 * i, fs_trace_intern (self->trace, strv[i]));
          self->n_strvs++;
          count++;
        }
      put_u32 (buf->data + batch + 4, count);
      record_end (buf, start);
    }
}

static void
encode_changed_processes (FsTraceWriter *self)
{
  guint n = fs_trace_n_processes (self->trace);
  guint n_before = self->processes->len;

  if (n > n_before)
    g_array_set_size (self->processes, n);

  /* A process's references must point at processes already in the file.  A
   * forward reference (a parent created after its child) is written as none
   * first; the copy then differs from the model and the second pass, when
   * every process is in the file, writes the process again. */
  for (int pass = 0; pass < 2; pass++)
    for (guint id = 0; id < n; id++)
      {
        const FsProcess *p = fs_trace_process (self->trace, id);
        WrittenProcess *wp = &g_array_index (self->processes, WrittenProcess, id);
        if (wp->in_file && process_equal (&wp->written, p))
          continue;
        FsProcessId defined = pass == 0 ? MAX (id + 1, n_before) : n;
        FsProcessId parent = p->parent, reparented = p->reparented_to;
        if (parent != FS_PROCESS_NONE && parent >= defined)
          parent = FS_PROCESS_NONE;
        if (reparented != FS_PROCESS_NONE && reparented >= defined)
          reparented = FS_PROCESS_NONE;
        encode_process (&self->buf, p, parent, reparented);
        written_process_set (wp, p, parent, reparented);
      }
}

static void
encode_meta_entry (OutBuf *buf, const char *key, guint8 type, const void *value, gsize value_len)
{
  gsize key_len = strlen (key);
  guint8 *p = outbuf_append_zero (buf, META_ENTRY_HEADER_SIZE);
  put_u16 (p, (guint16) key_len);
  p[2] = type;
  put_u32 (p + 4, (guint32) value_len);
  outbuf_append (buf, key, key_len);
  outbuf_append (buf, value, value_len);
}

static void
encode_meta_string (OutBuf *buf, const char *key, const char *value)
{
  if (value)
    encode_meta_entry (buf, key, META_STRING, value, strlen (value));
  else
    encode_meta_entry (buf, key, META_NULL, NULL, 0);
}

static int
compare_string_ptrs (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
encode_meta_changes (FsTraceWriter *self)
{
  FsTraceMeta *meta = fs_trace_get_meta (self->trace);
  WrittenMeta *w = &self->meta;
  OutBuf *buf = &self->buf;
  gsize start = record_begin (buf, RECORD_META);
  gsize batch = buf->len;
  guint count = 0;
  struct { const char *key; const char *value; gchar **copy; } strings[] = {
    { "recorder", meta->recorder, &w->recorder },
    { "tracer", meta->tracer, &w->tracer },
    { "command", meta->command, &w->command },
    { "scenario", meta->scenario, &w->scenario },
  };

  outbuf_append_zero (buf, BATCH_HEADER_SIZE);
  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      if (w->written ? g_strcmp0 (*strings[i].copy, strings[i].value) == 0
                     : strings[i].value == NULL)
        continue;
      encode_meta_string (buf, strings[i].key, strings[i].value);
      g_free (*strings[i].copy);
      *strings[i].copy = g_strdup (strings[i].value);
      count++;
    }
  if (w->written ? w->start_wall_ns != meta->start_wall_ns : meta->start_wall_ns != 0)
    {
      guint8 v[8];
      put_i64 (v, meta->start_wall_ns);
      encode_meta_entry (buf, "start_wall_ns", META_INT64, v, 8);
      w->start_wall_ns = meta->start_wall_ns;
      count++;
    }
  if (w->written ? w->lost_events != meta->lost_events : meta->lost_events != 0)
    {
      guint8 v[8];
      put_u64 (v, meta->lost_events);
      encode_meta_entry (buf, "lost_events", META_UINT64, v, 8);
      w->lost_events = meta->lost_events;
      count++;
    }

  if (!w->extra)
    w->extra = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (meta->extra)
    {
      /* Sorted so that files are reproducible. */
      g_autofree gpointer *keys = g_hash_table_get_keys_as_array (meta->extra, NULL);
      guint n_keys = g_hash_table_size (meta->extra);
      qsort (keys, n_keys, sizeof (gpointer), compare_string_ptrs);
      for (guint i = 0; i < n_keys; i++)
        {
          const char *value = g_hash_table_lookup (meta->extra, keys[i]);
          if (g_strcmp0 (g_hash_table_lookup (w->extra, keys[i]), value) == 0)
            continue;
          encode_meta_string (buf, keys[i], value);
          g_hash_table_replace (w->extra, g_strdup (keys[i]), g_strdup (value));
          count++;
        }
    }
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, w->extra);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!meta->extra || !g_hash_table_contains (meta->extra, key))
      {
        encode_meta_string (buf, key, NULL);
        g_hash_table_iter_remove (&iter);
        count++;
      }
  w->written = TRUE;

  if (count == 0)
    {
      buf->len = start;
      return;
    }
  put_u32 (buf->data + batch, count);
  record_end (buf, start);
}

static gboolean
encode_new_events (FsTraceWriter *self, GError **error)
{
  gsize n;
  const FsEvent *events = fs_trace_events (self->trace, &n);
  OutBuf *buf = &self->buf;

  while (self->n_events < n)
    {
      guint count = (guint) MIN (n - self->n_events, EVENTS_PER_RECORD);
      gsize start = record_begin (buf, RECORD_EVENTS);
      guint8 *p = outbuf_append_zero (buf, BATCH_HEADER_SIZE);
      put_u32 (p, count);
      p = outbuf_reserve (buf, (gsize) count * EVENT_SIZE);
      for (guint i = 0; i < count; i++)
        {
          const FsEvent *ev = &events[self->n_events + i];
          if (ev->t_ns < self->last_t_ns)
            {
              g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_INVALID,
                           "%s: event %" G_GSIZE_FORMAT " at %" G_GINT64_FORMAT
                           " ns comes after one at %" G_GINT64_FORMAT " ns: events must be "
                           "appended in time order", self->path, self->n_events + i,
                           ev->t_ns, self->last_t_ns);
              return FALSE;
            }
          self->last_t_ns = ev->t_ns;
          encode_event (p + (gsize) i * EVENT_SIZE, ev);
        }
      record_end (buf, start);
      self->n_events += count;
    }
  return TRUE;
}

static gboolean
writer_flush (FsTraceWriter *self, GError **error)
{
  gboolean ok = write_all (self, self->buf.data, self->buf.len, error);
  self->buf.len = 0;
  /* Keep a modest buffer between syncs, not the peak of a whole save. */
  if (self->buf.cap > (4u << 20))
    {
      g_clear_pointer (&self->buf.data, g_free);
      self->buf.cap = 0;
    }
  if (!ok)
    self->failed = TRUE;
  return ok;
}

gboolean
fs_trace_writer_sync (FsTraceWriter *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->closed || self->failed)
    {
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: writer is %s",
                   self->path, self->closed ? "closed" : "in a failed state");
      return FALSE;
    }

  /* Order matters: everything a record refers to is written before it. */
  encode_new_strings (self);
  encode_new_strvs (self);
  encode_changed_processes (self);
  encode_meta_changes (self);
  if (!encode_new_events (self, error))
    {
      self->buf.len = 0;
      self->failed = TRUE;
      return FALSE;
    }
  return writer_flush (self, error);
}

gboolean
fs_trace_writer_close (FsTraceWriter *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!fs_trace_writer_sync (self, error))
    return FALSE;

  gsize start = record_begin (&self->buf, RECORD_END);
  guint8 *p = outbuf_append_zero (&self->buf, END_PAYLOAD_SIZE);
  put_u32 (p, self->n_strings);
  put_u32 (p + 4, self->n_strvs);
  put_u32 (p + 8, self->processes->len);
  put_u64 (p + 16, self->n_events);
  record_end (&self->buf, start);
  if (!writer_flush (self, error))
    return FALSE;

  self->closed = TRUE;
  if (close (self->fd) < 0)
    {
      int saved = errno;
      self->fd = -1;
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: cannot close: %s",
                   self->path, g_strerror (saved));
      return FALSE;
    }
  self->fd = -1;
  return TRUE;
}

void
fs_trace_writer_free (FsTraceWriter *self)
{
  if (!self)
    return;
  if (self->fd >= 0)
    close (self->fd);
  g_clear_object (&self->trace);
  g_free (self->path);
  g_free (self->buf.data);
  g_array_unref (self->processes);
  written_meta_clear (&self->meta);
  g_free (self);
}

gboolean
fs_trace_save (FsTrace *trace, const char *path, GError **error)
{
  g_autoptr (FsTraceWriter) writer = fs_trace_writer_new (path, trace, error);
  return writer && fs_trace_writer_close (writer, error);
}

/* ---- Reader ------------------------------------------------------------ */

typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         base;         /* file offset of data[0]: a follower reads from the middle */
  const char   *name;
  FsTrace      *trace;
  guint         n_strings;
  guint         n_strvs;
  guint         n_processes;
  gsize         n_events;
  gint64        last_t_ns;
  gboolean      ended;
  /* Following a growing file: events are decoded here and appended to the
   * trace only once their whole record is valid, so a bad record leaves the
   * trace as it was before it (NULL when loading: straight into the trace). */
  GArray       *staging;
  guint         n_rewrites;   /* PROCESS records that rewrote an existing row */
  gboolean      meta_changed;
} Reader;

static gboolean G_GNUC_PRINTF (5, 6)
reader_fail (Reader *r, GError **error, FsTraceError code, gsize offset, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FS_TRACE_ERROR, code, "%s: byte %" G_GSIZE_FORMAT ": %s",
               r->name, r->base + offset, msg);
  return FALSE;
}

/* A process reference in an event or process record.  allow: which of the
 * two special values are acceptable here. */
static inline gboolean
process_ref_ok (const Reader *r, FsProcessId id, gboolean allow_none, gboolean allow_kernel)
{
  if (id < r->n_processes)
    return TRUE;
  if (id == FS_PROCESS_NONE)
    return allow_none;
  if (id == FS_PROCESS_KERNEL)
    return allow_kernel;
  return FALSE;
}

static gboolean
all_zero (const guint8 *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i])
      return FALSE;
  return TRUE;
}

static gboolean
decode_exit_status (Reader *r, const guint8 *p, gsize offset, FsExitStatus *out, GError **error)
{
  out->kind = p[0];
  out->core = p[1];
  out->reserved = 0;
  out->value = get_i32 (p + 4);
  if (get_u16 (p + 2) != 0)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, offset + 2,
                        "reserved bytes of an exit status are not zero");
  switch (out->kind)
    {
    case FS_EXIT_NONE:
      if (out->core || out->value)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, offset,
                            "exit status 'none' with a core flag or value");
      return TRUE;
    case FS_EXIT_CODE:
      if (out->core)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, offset + 1,
                            "core flag set on an exit code");
      return TRUE;
    case FS_EXIT_SIGNAL:
      if (out->core > 1 || out->value < 1 || out->value > FS_SIGNAL_MAX)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, offset,
                            "exit signal %d out of range 1..%d", out->value, FS_SIGNAL_MAX);
      return TRUE;
    default:
      return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, offset,
                          "unknown exit status kind %u", out->kind);
    }
}

static gboolean
read_strings (Reader *r, const guint8 *p, gsize off, gsize len, GError **error)
{
  if (len < BATCH_HEADER_SIZE)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off, "string record too short");
  guint32 first = get_u32 (p), count = get_u32 (p + 4);
  if (first != r->n_strings)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off,
                        "string batch starts at id %u, expected %u", first, r->n_strings);
  gsize pos = BATCH_HEADER_SIZE;
  for (guint32 i = 0; i < count; i++)
    {
      if (len - pos < 4)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos,
                            "string %u of %u runs past the end of its record", i, count);
      guint32 slen = get_u32 (p + pos);
      pos += 4;
      if (slen > len - pos)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos - 4,
                            "string length %u runs past the end of its record", slen);
      const char *s = (const char *) p + pos;
      if (memchr (s, 0, slen))
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos,
                            "string %u contains a NUL byte", r->n_strings);
      FsStringId id = fs_trace_intern_len (r->trace, s, slen);
      if (id != r->n_strings)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos,
                            "string %u duplicates string %u", r->n_strings, id);
      r->n_strings++;
      pos += slen;
    }
  if (align_up (pos) != len || !all_zero (p + pos, len - pos))
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos,
                        "unexpected bytes after the last string of the record");
  return TRUE;
}

static gboolean
read_strvs (Reader *r, const guint8 *p, gsize off, gsize len, GError **error)
{
  if (len < BATCH_HEADER_SIZE)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off, "strv record too short");
  guint32 first = get_u32 (p), count = get_u32 (p + 4);
  if (first != r->n_strvs)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off,
                        "strv batch starts at id %u, expected %u", first, r->n_strvs);
  gsize pos = BATCH_HEADER_SIZE;
  g_autoptr (GPtrArray) strv = g_ptr_array_new ();
  for (guint32 i = 0; i < count; i++)
    {
      if (len - pos < 4)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos,
                            "strv %u of %u runs past the end of its record", i, count);
      guint32 n = get_u32 (p + pos);
      pos += 4;
      /* Bounded by the record before anything is sized by it. */
      if (n > (len - pos) / 4)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos - 4,
                            "strv length %u runs past the end of its record", n);
      g_ptr_array_set_size (strv, 0);
      for (guint32 j = 0; j < n; j++)
        {
          FsStringId sid = get_u32 (p + pos);
          if (sid >= r->n_strings)
            return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos,
                                "string id %u out of range (%u strings)", sid, r->n_strings);
          g_ptr_array_add (strv, (gpointer) fs_trace_string (r->trace, sid));
          pos += 4;
        }
      g_ptr_array_add (strv, NULL);
      FsStrvId id = fs_trace_add_strv (r->trace, (const char *const *) strv->pdata);
      if (id != r->n_strvs)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos,
                            "strv %u duplicates strv %u", r->n_strvs, id);
      r->n_strvs++;
    }
  if (align_up (pos) != len || !all_zero (p + pos, len - pos))
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos,
                        "unexpected bytes after the last strv of the record");
  return TRUE;
}

static gboolean
read_process (Reader *r, const guint8 *p, gsize off, gsize len, GError **error)
{
  if (len < PR_FIXED_SIZE)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off, "process record too short");

  FsProcessId id = get_u32 (p + PR_ID);
  guint32 n_threads = get_u32 (p + PR_N_THREADS);
  if (n_threads > (len - PR_FIXED_SIZE) / 4 ||
      align_up (PR_FIXED_SIZE + (gsize) n_threads * 4) != len)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + PR_N_THREADS,
                        "thread count %u does not match the record length %" G_GSIZE_FORMAT,
                        n_threads, len + RECORD_HEADER_SIZE);
  if (!all_zero (p + PR_FIXED_SIZE + (gsize) n_threads * 4,
                 len - PR_FIXED_SIZE - (gsize) n_threads * 4))
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + PR_FIXED_SIZE + n_threads * 4,
                        "padding is not zero");
  if (id > r->n_processes)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + PR_ID,
                        "process id %u skips ahead (%u processes so far)", id, r->n_processes);

  /* A process may be defined after one that names it (see the writer), but
   * never refer to itself or to one not yet defined. */
  guint defined = MAX (r->n_processes, id + 1);
  FsProcess row = { 0 };
  row.id = id;
  row.pid = get_i32 (p + PR_PID);
  row.parent = get_u32 (p + PR_PARENT);
  row.reparented_to = get_u32 (p + PR_REPARENTED);
  row.name = get_u32 (p + PR_NAME);
  row.comm = get_u32 (p + PR_COMM);
  row.pgid = get_i32 (p + PR_PGID);
  row.sid = get_i32 (p + PR_SID);
  row.start_ns = get_i64 (p + PR_START);
  row.end_ns = get_i64 (p + PR_END);
  row.reap_ns = get_i64 (p + PR_REAP);
  row.flags = get_u32 (p + PR_FLAGS);

  if (row.parent == id || (row.parent != FS_PROCESS_NONE && row.parent >= defined))
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + PR_PARENT,
                        "process %u: parent id %u out of range", id, row.parent);
  if (row.reparented_to == id ||
      (row.reparented_to != FS_PROCESS_NONE && row.reparented_to >= defined))
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + PR_REPARENTED,
                        "process %u: adopter id %u out of range", id, row.reparented_to);
  if (row.name >= r->n_strings)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + PR_NAME,
                        "process %u: name string id %u out of range (%u strings)",
                        id, row.name, r->n_strings);
  if (row.comm >= r->n_strings)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + PR_COMM,
                        "process %u: comm string id %u out of range (%u strings)",
                        id, row.comm, r->n_strings);
  if (!decode_exit_status (r, p + PR_EXIT, off + PR_EXIT, &row.exit, error))
    return FALSE;

  if (id < r->n_processes)
    r->n_rewrites++;
  if (id == r->n_processes)
    {
      FsProcessId got = fs_trace_add_process (r->trace, row.pid, FS_PROCESS_NONE, row.start_ns,
                                              fs_trace_string (r->trace, row.name));
      if (got != id)
        return reader_fail (r, error, FS_TRACE_ERROR_INVALID, off + PR_ID,
                            "process %u was given id %u", id, got);
      r->n_processes++;
    }
  FsProcess *proc = fs_trace_process (r->trace, id);
  GArray *threads = proc->threads;
  *proc = row;
  proc->threads = threads;
  /* Set directly: adding one by one checks for duplicates, quadratic in a
   * hostile record's thread count. */
  if (n_threads > 0 && !threads)
    proc->threads = threads = g_array_sized_new (FALSE, FALSE, sizeof (gint32), n_threads);
  if (threads)
    g_array_set_size (threads, n_threads);
  for (guint32 i = 0; i < n_threads; i++)
    g_array_index (threads, gint32, i) = get_i32 (p + PR_FIXED_SIZE + 4 * (gsize) i);
  return TRUE;
}

static gboolean
meta_key_is (const guint8 *key, gsize key_len, const char *name)
{
  return strlen (name) == key_len && memcmp (key, name, key_len) == 0;
}

static gboolean
read_meta (Reader *r, const guint8 *p, gsize off, gsize len, GError **error)
{
  if (len < BATCH_HEADER_SIZE)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off, "meta record too short");
  guint32 count = get_u32 (p);
  if (get_u32 (p + 4) != 0)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + 4, "reserved field not zero");
  FsTraceMeta *meta = fs_trace_get_meta (r->trace);
  gsize pos = BATCH_HEADER_SIZE;
  r->meta_changed |= count > 0;
  for (guint32 i = 0; i < count; i++)
    {
      gsize entry = off + pos;
      if (len - pos < META_ENTRY_HEADER_SIZE)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, entry,
                            "meta entry %u of %u runs past the end of its record", i, count);
      guint16 key_len = get_u16 (p + pos);
      guint8 type = p[pos + 2];
      guint32 value_len = get_u32 (p + pos + 4);
      if (p[pos + 3] != 0)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, entry + 3,
                            "reserved byte not zero");
      pos += META_ENTRY_HEADER_SIZE;
      if (key_len == 0 || key_len > len - pos || value_len > len - pos - key_len)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, entry,
                            "meta entry lengths (key %u, value %u) do not fit its record",
                            key_len, value_len);
      const guint8 *key = p + pos;
      const guint8 *value = key + key_len;
      pos += key_len + (gsize) value_len;
      if (memchr (key, 0, key_len) || !g_utf8_validate ((const char *) key, key_len, NULL))
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, entry + META_ENTRY_HEADER_SIZE,
                            "meta key is not valid text");

      gboolean numeric = meta_key_is (key, key_len, "start_wall_ns") ||
                         meta_key_is (key, key_len, "lost_events");
      switch (type)
        {
        case META_NULL:
          if (numeric || value_len != 0)
            return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, entry + 2,
                                "meta entry '%.*s' cannot be null", (int) key_len, key);
          break;
        case META_STRING:
          if (numeric)
            return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, entry + 2,
                                "meta entry '%.*s' must be a number", (int) key_len, key);
          if (memchr (value, 0, value_len))
            return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, entry,
                                "meta value '%.*s' contains a NUL byte", (int) key_len, key);
          break;
        case META_INT64:
        case META_UINT64:
          if (!(type == META_INT64 ? meta_key_is (key, key_len, "start_wall_ns")
                                   : meta_key_is (key, key_len, "lost_events")) ||
              value_len != 8)
            return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, entry + 2,
                                "meta entry '%.*s' has the wrong type or size",
                                (int) key_len, key);
          break;
        default:
          return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, entry + 2,
                              "unknown meta value type %u", type);
        }

      char *text = type == META_STRING ? g_strndup ((const char *) value, value_len) : NULL;
      gchar **field = NULL;
      if (meta_key_is (key, key_len, "recorder"))
        field = &meta->recorder;
      else if (meta_key_is (key, key_len, "tracer"))
        field = &meta->tracer;
      else if (meta_key_is (key, key_len, "command"))
        field = &meta->command;
      else if (meta_key_is (key, key_len, "scenario"))
        field = &meta->scenario;

      if (field)
        {
          g_free (*field);
          *field = text;
        }
      else if (type == META_INT64)
        meta->start_wall_ns = get_i64 (value);
      else if (type == META_UINT64)
        meta->lost_events = get_u64 (value);
      else
        {
          g_autofree char *k = g_strndup ((const char *) key, key_len);
          if (text)
            fs_trace_meta_set_extra (r->trace, k, text);
          else if (meta->extra)
            g_hash_table_remove (meta->extra, k);
          g_free (text);
        }
    }
  if (align_up (pos) != len || !all_zero (p + pos, len - pos))
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + pos,
                        "unexpected bytes after the last meta entry of the record");
  return TRUE;
}

/* Which payload bytes each event kind uses (bit 8·i..8·i+7 for byte i), in
 * two little-endian words.  An exit status uses bytes 0, 1 and 4..7 of its
 * 8; bytes 2..3 are reserved. */
#define USED_BYTES(first, n) ((~G_GUINT64_CONSTANT (0) >> (64 - 8 * (n))) << (8 * (first)))
static const guint64 payload_used_lo[FS_EVENT_KIND_LAST] = {
  [FS_EVENT_FORK]           = USED_BYTES (0, 4),
  [FS_EVENT_EXEC]           = USED_BYTES (0, 8),
  [FS_EVENT_RENAME]         = USED_BYTES (0, 4),
  [FS_EVENT_SIGNAL_SEND]    = USED_BYTES (0, 8),
  [FS_EVENT_SIGNAL_DELIVER] = USED_BYTES (0, 8),
  [FS_EVENT_EXIT]           = USED_BYTES (0, 2) | USED_BYTES (4, 4),
  [FS_EVENT_REAP]           = USED_BYTES (0, 6),
  [FS_EVENT_OUTPUT]         = USED_BYTES (0, 5),
  [FS_EVENT_MARKER]         = USED_BYTES (0, 8),
  [FS_EVENT_BLOCK]          = USED_BYTES (0, 1) | USED_BYTES (4, 4),
  [FS_EVENT_UNBLOCK]        = USED_BYTES (0, 1) | USED_BYTES (4, 4),
  [FS_EVENT_THREAD]         = USED_BYTES (0, 4),
};
static const guint64 payload_used_hi[FS_EVENT_KIND_LAST] = {
  [FS_EVENT_SIGNAL_SEND]    = USED_BYTES (0, 5),   /* result, target kind */
  [FS_EVENT_SIGNAL_DELIVER] = USED_BYTES (0, 1),   /* action */
  [FS_EVENT_REAP]           = USED_BYTES (0, 4),   /* exit value */
};
#undef USED_BYTES

static gboolean
exit_status_ok (const FsExitStatus *s)
{
  switch (s->kind)
    {
    case FS_EXIT_NONE:   return s->core == 0 && s->value == 0;
    case FS_EXIT_CODE:   return s->core == 0;
    case FS_EXIT_SIGNAL: return s->core <= 1 && s->value >= 1 && s->value <= FS_SIGNAL_MAX;
    default:             return FALSE;
    }
}

/* Decodes and checks one event; returns FALSE with *bad_at set to the offset
 * of the offending field within the event and *problem to a description. */
static gboolean
decode_event (Reader *r, const guint8 *p, FsEvent *ev, gsize *bad_at, const char **problem)
{
  const guint8 *u = p + EV_PAYLOAD;
  memset (ev, 0, sizeof *ev);
  ev->t_ns = get_i64 (p + EV_TIME);
  ev->process = get_u32 (p + EV_PROCESS);
  ev->kind = p[EV_KIND];
  ev->signal = p[EV_SIGNAL];
  ev->flags = get_u16 (p + EV_FLAGS);

#define BAD(where, what) G_STMT_START { *bad_at = (where); *problem = (what); return FALSE; } G_STMT_END
#define STRING_OK(id) ((id) < r->n_strings)
  if (ev->kind == 0 || ev->kind >= FS_EVENT_KIND_LAST)
    BAD (EV_KIND, "unknown event kind");
  if (ev->signal > FS_SIGNAL_MAX)
    BAD (EV_SIGNAL, "signal number out of range");
  if (!process_ref_ok (r, ev->process, FALSE, ev->kind == FS_EVENT_SIGNAL_SEND))
    BAD (EV_PROCESS, "process id out of range");

  /* Payload bytes a kind does not use must be zero: checked as two words
   * against a per-kind mask rather than byte by byte. */
  guint64 unused_lo = get_u64 (u) & ~payload_used_lo[ev->kind];
  guint64 unused_hi = get_u64 (u + 8) & ~payload_used_hi[ev->kind];
  if (G_UNLIKELY (unused_lo | unused_hi))
    BAD (EV_PAYLOAD + (unused_lo ? (gsize) __builtin_ctzll (unused_lo) / 8
                                 : 8 + (gsize) __builtin_ctzll (unused_hi) / 8),
         "unused bytes not zero");

  switch ((FsEventKind) ev->kind)
    {
    case FS_EVENT_FORK:
      ev->u.fork.child = get_u32 (u);
      if (ev->u.fork.child >= r->n_processes || ev->u.fork.child == ev->process)
        BAD (EV_PAYLOAD, "fork child id out of range");
      return TRUE;
    case FS_EVENT_EXEC:
      ev->u.exec.path = get_u32 (u);
      ev->u.exec.argv = get_u32 (u + 4);
      if (!STRING_OK (ev->u.exec.path))
        BAD (EV_PAYLOAD, "exec path string id out of range");
      if (ev->u.exec.argv != FS_STRV_NONE && ev->u.exec.argv >= r->n_strvs)
        BAD (EV_PAYLOAD + 4, "exec argv strv id out of range");
      return TRUE;
    case FS_EVENT_RENAME:
      ev->u.rename.comm = get_u32 (u);
      if (!STRING_OK (ev->u.rename.comm))
        BAD (EV_PAYLOAD, "comm string id out of range");
      return TRUE;
    case FS_EVENT_SIGNAL_SEND:
      ev->u.send.target = get_u32 (u);
      ev->u.send.code = get_i32 (u + 4);
      ev->u.send.result = get_i32 (u + 8);
      ev->u.send.target_kind = u[12];
      if (ev->u.send.target_kind > FS_TARGET_ALL)
        BAD (EV_PAYLOAD + 12, "unknown signal target kind");
      if (ev->u.send.target_kind == FS_TARGET_PROCESS && ev->u.send.target >= r->n_processes)
        BAD (EV_PAYLOAD, "signal target process id out of range");
      return TRUE;
    case FS_EVENT_SIGNAL_DELIVER:
      ev->u.deliver.sender = get_u32 (u);
      ev->u.deliver.code = get_i32 (u + 4);
      ev->u.deliver.action = u[8];
      if (ev->signal == 0)
        BAD (EV_SIGNAL, "delivery of signal 0");
      if (!process_ref_ok (r, ev->u.deliver.sender, TRUE, TRUE))
        BAD (EV_PAYLOAD, "signal sender process id out of range");
      if (ev->u.deliver.action >= FS_ACTION_LAST)
        BAD (EV_PAYLOAD + 8, "unknown signal action");
      return TRUE;
    case FS_EVENT_EXIT:
    case FS_EVENT_REAP:
      {
        const guint8 *s = ev->kind == FS_EVENT_EXIT ? u : u + 4;
        FsExitStatus *status = ev->kind == FS_EVENT_EXIT ? &ev->u.exit.status
                                                         : &ev->u.reap.status;
        if (ev->kind == FS_EVENT_REAP)
          {
            ev->u.reap.child = get_u32 (u);
            if (ev->u.reap.child >= r->n_processes || ev->u.reap.child == ev->process)
              BAD (EV_PAYLOAD, "reaped child id out of range");
          }
        status->kind = s[0];
        status->core = s[1];
        status->value = get_i32 (s + 4);
        if (!exit_status_ok (status))
          BAD ((gsize) (s - p), "invalid exit status");
        return TRUE;
      }
    case FS_EVENT_OUTPUT:
      ev->u.output.text = get_u32 (u);
      ev->u.output.stream = u[4];
      if (!STRING_OK (ev->u.output.text))
        BAD (EV_PAYLOAD, "output text string id out of range");
      if (ev->u.output.stream > FS_STREAM_STDERR)
        BAD (EV_PAYLOAD + 4, "unknown output stream");
      return TRUE;
    case FS_EVENT_MARKER:
      ev->u.marker.text = get_u32 (u);
      ev->u.marker.line = get_u32 (u + 4);
      if (!STRING_OK (ev->u.marker.text))
        BAD (EV_PAYLOAD, "marker text string id out of range");
      return TRUE;
    case FS_EVENT_BLOCK:
    case FS_EVENT_UNBLOCK:
      ev->u.block.reason = u[0];
      ev->u.block.line = get_u32 (u + 4);
      if (ev->u.block.reason >= FS_BLOCK_LAST)
        BAD (EV_PAYLOAD, "unknown block reason");
      return TRUE;
    case FS_EVENT_THREAD:
      ev->u.thread.tid = get_i32 (u);
      return TRUE;
    case FS_EVENT_STOP:
    case FS_EVENT_CONTINUE:
      return TRUE;
    case FS_EVENT_KIND_LAST:
    default:
      BAD (EV_KIND, "unknown event kind");
    }
#undef STRING_OK
#undef BAD
}

static gboolean
read_events (Reader *r, const guint8 *p, gsize off, gsize len, GError **error)
{
  if (len < BATCH_HEADER_SIZE)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off, "event record too short");
  guint32 count = get_u32 (p);
  if (get_u32 (p + 4) != 0)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + 4, "reserved field not zero");
  if (count > (len - BATCH_HEADER_SIZE) / EVENT_SIZE ||
      BATCH_HEADER_SIZE + (gsize) count * EVENT_SIZE != len)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off,
                        "event count %u does not match the record length %" G_GSIZE_FORMAT,
                        count, len + RECORD_HEADER_SIZE);

  const guint8 *e = p + BATCH_HEADER_SIZE;
  /* Loading: decoded in place into the trace's event array (no copy); if one
   * turns out to be invalid the whole trace is dropped anyway.  Following:
   * staged, because the trace lives on after an error. */
  FsEvent *batch;
  if (r->staging)
    {
      g_array_set_size (r->staging, count);
      batch = (FsEvent *) r->staging->data;
    }
  else
    batch = fs_trace_append_uninitialized (r->trace, count);
  gint64 record_last_t_ns = r->last_t_ns;
  gsize record_n_events = r->n_events;
  for (guint32 i = 0; i < count; i++, e += EVENT_SIZE)
    {
      gsize bad_at;
      const char *problem;
      gsize ev_off = off + BATCH_HEADER_SIZE + (gsize) i * EVENT_SIZE;
      FsEvent *ev = &batch[i];
      memset (ev, 0, sizeof *ev);
      ev->t_ns = get_i64 (e + EV_TIME);
      ev->process = FS_PROCESS_NONE;
      ev->kind = FS_EVENT_STOP;
      if (G_UNLIKELY (!decode_event (r, e, ev, &bad_at, &problem)))
        {
          reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, ev_off + bad_at,
                       "event %" G_GSIZE_FORMAT " (%s): %s", r->n_events,
                       ev->kind > 0 && ev->kind < FS_EVENT_KIND_LAST
                         ? fs_event_kind_name (ev->kind) : "?", problem);
          goto fail;
        }
      if (G_UNLIKELY (ev->t_ns < r->last_t_ns || ev->t_ns == FS_TIME_NONE))
        {
          reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, ev_off + EV_TIME,
                       "event %" G_GSIZE_FORMAT " at %" G_GINT64_FORMAT " ns is earlier "
                       "than the event before it (%" G_GINT64_FORMAT " ns)",
                       r->n_events, ev->t_ns, r->last_t_ns);
          goto fail;
        }
      r->last_t_ns = ev->t_ns;
      r->n_events++;
    }
  if (r->staging && count > 0)
    memcpy (fs_trace_append_uninitialized (r->trace, count), batch, (gsize) count * sizeof *batch);
  return TRUE;

fail:
  /* The record is dropped as a whole: none of its events reached the trace. */
  r->last_t_ns = record_last_t_ns;
  r->n_events = record_n_events;
  return FALSE;
}

static gboolean
read_end (Reader *r, const guint8 *p, gsize off, gsize len, GError **error)
{
  if (len != END_PAYLOAD_SIZE)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off - RECORD_HEADER_SIZE,
                        "end record has length %" G_GSIZE_FORMAT ", expected %d",
                        len + RECORD_HEADER_SIZE, RECORD_HEADER_SIZE + END_PAYLOAD_SIZE);
  guint32 n_strings = get_u32 (p), n_strvs = get_u32 (p + 4), n_processes = get_u32 (p + 8);
  guint64 n_events = get_u64 (p + 16);
  if (get_u32 (p + 12) != 0)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + 12, "reserved field not zero");
  if (n_strings != r->n_strings || n_strvs != r->n_strvs || n_processes != r->n_processes ||
      n_events != r->n_events)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off,
                        "end record counts (%u strings, %u strvs, %u processes, %"
                        G_GUINT64_FORMAT " events) differ from the file's (%u, %u, %u, %"
                        G_GSIZE_FORMAT ")", n_strings, n_strvs, n_processes, n_events,
                        r->n_strings, r->n_strvs, r->n_processes, r->n_events);
  r->ended = TRUE;
  return TRUE;
}

/* Reads records; returns FALSE on error.  *cut is set to the offset where a
 * partial record starts, or to len when the file ends on a record boundary. */
static gboolean
read_records (Reader *r, gsize start, gsize *cut, gboolean *partial, GError **error)
{
  gsize off = start;
  *partial = FALSE;
  while (off < r->len)
    {
      if (r->ended)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off, "data after the end record");
      if (r->len - off < RECORD_HEADER_SIZE)
        {
          *partial = TRUE;
          break;
        }
      const guint8 *h = r->data + off;
      guint16 type = get_u16 (h + RH_TYPE);
      guint16 flags = get_u16 (h + RH_FLAGS);
      guint32 length = get_u32 (h + RH_LENGTH);
      if (length < RECORD_HEADER_SIZE || length % RECORD_ALIGN != 0 || length > MAX_RECORD_SIZE)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + RH_LENGTH,
                            "invalid record length %u", length);
      if (length > r->len - off)
        {
          *partial = TRUE;
          break;
        }
      const guint8 *payload = h + RECORD_HEADER_SIZE;
      gsize poff = off + RECORD_HEADER_SIZE;
      gsize plen = length - RECORD_HEADER_SIZE;
      gboolean known = type >= RECORD_STRINGS && type <= RECORD_END;
      if (known ? flags != 0 : (flags & ~RECORD_FLAG_SKIPPABLE) != 0)
        return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + RH_FLAGS,
                            "unknown record flags 0x%x", flags);
      gboolean ok = TRUE;
      switch (type)
        {
        case RECORD_STRINGS: ok = read_strings (r, payload, poff, plen, error); break;
        case RECORD_STRVS:   ok = read_strvs (r, payload, poff, plen, error); break;
        case RECORD_PROCESS: ok = read_process (r, payload, poff, plen, error); break;
        case RECORD_META:    ok = read_meta (r, payload, poff, plen, error); break;
        case RECORD_EVENTS:  ok = read_events (r, payload, poff, plen, error); break;
        case RECORD_END:     ok = read_end (r, payload, poff, plen, error); break;
        default:
          if (!(flags & RECORD_FLAG_SKIPPABLE))
            return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, off + RH_TYPE,
                                "unknown record type %u", type);
          break;
        }
      if (!ok)
        return FALSE;
      off += length;
    }
  *cut = MIN (off, r->len);
  return TRUE;
}

static gboolean
read_file_header (Reader *r, gsize *header_size, GError **error)
{
  gsize n = MIN (r->len, sizeof fs_trace_magic);
  if (n == 0)
    return reader_fail (r, error, FS_TRACE_ERROR_FORMAT, 0,
                        "empty file, not a forkscope trace");
  if (memcmp (r->data, fs_trace_magic, n) != 0)
    return reader_fail (r, error, FS_TRACE_ERROR_FORMAT, 0, "not a forkscope trace");
  if (r->len < FILE_HEADER_SIZE)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, r->len,
                        "file ends inside the file header");
  guint32 version = get_u32 (r->data + FH_VERSION);
  if (get_u32 (r->data + FH_ENDIAN) != FS_TRACE_ENDIAN_MARK)
    {
      if (GUINT32_SWAP_LE_BE (get_u32 (r->data + FH_ENDIAN)) == FS_TRACE_ENDIAN_MARK)
        return reader_fail (r, error, FS_TRACE_ERROR_VERSION, FH_ENDIAN,
                            "big-endian trace files are not supported");
      return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, FH_ENDIAN,
                          "invalid endianness marker");
    }
  if (version != FS_TRACE_FORMAT_VERSION)
    return reader_fail (r, error, FS_TRACE_ERROR_VERSION, FH_VERSION,
                        "unsupported version %u (this build reads version %u)",
                        version, FS_TRACE_FORMAT_VERSION);
  guint32 size = get_u32 (r->data + FH_HEADER_SIZE);
  if (size < FILE_HEADER_SIZE || size > MAX_FILE_HEADER_SIZE || size % RECORD_ALIGN != 0)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, FH_HEADER_SIZE,
                        "invalid header size %u", size);
  if (get_u32 (r->data + FH_FLAGS) != 0)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, FH_FLAGS,
                        "unknown file flags 0x%x", get_u32 (r->data + FH_FLAGS));
  if (r->len < size)
    return reader_fail (r, error, FS_TRACE_ERROR_CORRUPT, r->len,
                        "file ends inside the file header");
  *header_size = size;
  return TRUE;
}

/* Parents may be rewritten, so a chain could loop; everything walking up the
 * tree (the UI, exports) relies on it ending. */
static gboolean
check_parent_cycles (Reader *r, GError **error)
{
  guint n = r->n_processes;
  g_autofree guint32 *seen = g_new0 (guint32, n);   /* 0 unvisited, else visit stamp */

  for (guint i = 0; i < n; i++)
    {
      FsProcessId id = i;
      guint32 stamp = i + 1;
      while (id != FS_PROCESS_NONE && seen[id] == 0)
        {
          seen[id] = stamp;
          id = fs_trace_process (r->trace, id)->parent;
        }
      if (id != FS_PROCESS_NONE && seen[id] == stamp)
        {
          g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_CORRUPT,
                       "%s: byte %" G_GSIZE_FORMAT ": process %u is its own ancestor",
                       r->name, r->base + r->len, id);
          return FALSE;
        }
    }
  return TRUE;
}

FsTrace *
fs_trace_load_bytes (const guint8 *data, gsize len, const char *name, char **warning,
                     GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (warning)
    *warning = NULL;

  g_autoptr (FsTrace) trace = fs_trace_new ();
  Reader r = {
    .data = data,
    .len = len,
    .name = name ? name : "<trace>",
    .trace = trace,
    .n_strings = fs_trace_n_strings (trace),
    .n_strvs = fs_trace_n_strvs (trace),
    .n_processes = fs_trace_n_processes (trace),
    .last_t_ns = G_MININT64,
  };

  gsize header_size = 0, cut = 0;
  gboolean partial = FALSE;
  if (!read_file_header (&r, &header_size, error) ||
      !read_records (&r, header_size, &cut, &partial, error) ||
      !check_parent_cycles (&r, error))
    return NULL;

  if (!r.ended)
    {
      fs_trace_get_meta (trace)->truncated = TRUE;
      if (warning)
        *warning = g_strdup_printf ("%s: truncated at byte %" G_GSIZE_FORMAT " (%s); %"
                                    G_GSIZE_FORMAT " events read", r.name, cut,
                                    partial ? "file ends inside a record"
                                            : "no end record",
                                    r.n_events);
    }

  if (!fs_trace_finish (trace, error))
    {
      if (error && *error)
        g_prefix_error (error, "%s: ", r.name);
      return NULL;
    }
  return g_steal_pointer (&trace);
}

FsTrace *
fs_trace_load (const char *path, char **warning, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: cannot open: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: not a regular file", path);
      return NULL;
    }

  static const guint8 empty[1] = { 0 };
  gsize len = (gsize) st.st_size;
  if (len == 0)
    {
      close (fd);
      return fs_trace_load_bytes (empty, 0, path, warning, error);
    }
  /* Populated up front: one call instead of a page fault per 64 KiB or so,
   * which is a visible part of opening a large trace. */
  void *map = mmap (NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  int saved = errno;
  close (fd);
  if (map == MAP_FAILED)
    {
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: cannot map: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  madvise (map, len, MADV_SEQUENTIAL);
  FsTrace *trace = fs_trace_load_bytes (map, len, path, warning, error);
  munmap (map, len);
  return trace;
}

/* ---- Follower ---------------------------------------------------------- */

/* What a follower knows about the contents of one trace object: the reader's
 * counts (what is defined, the last event time, whether END was seen) and
 * how far into the file they go. */
typedef struct {
  Reader    reader;         /* reader.trace: the object holding these contents */
  gsize     offset;         /* just past the last complete record applied */
  gboolean  header_read;
  gboolean  failed;
  guint     n_rewrites;     /* of its last apply */
  gboolean  meta_changed;
} FollowState;

struct _FsTraceFollower
{
  gint        ref_count;
  char       *path;
  FsTrace    *trace;          /* the front trace: what callers read */
  FollowState front;
  FsTrace    *back_trace;     /* double-buffered only: updated by a worker thread */
  FollowState back;
  /* The file being followed, from the first read (only reads use these). */
  gboolean    have_identity;
  dev_t       dev;
  ino_t       ino;
};

static void
follow_state_init (FollowState *st, const char *name, FsTrace *trace)
{
  *st = (FollowState) {
    .reader = {
      .name = name,
      .trace = trace,
      .n_strings = fs_trace_n_strings (trace),
      .n_strvs = fs_trace_n_strvs (trace),
      .n_processes = fs_trace_n_processes (trace),
      .last_t_ns = G_MININT64,
      .staging = g_array_new (FALSE, FALSE, sizeof (FsEvent)),
    },
  };
}

/* An empty trace, finished, so whoever shows it may query it at once. */
static FsTrace *
new_empty_trace (void)
{
  FsTrace *trace = fs_trace_new ();
  fs_trace_finish (trace, NULL);
  return trace;
}

static FsTraceFollower *
follower_new (const char *path, gboolean double_buffered)
{
  g_return_val_if_fail (path != NULL, NULL);

  FsTraceFollower *self = g_new0 (FsTraceFollower, 1);
  self->ref_count = 1;
  self->path = g_strdup (path);
  self->trace = new_empty_trace ();
  follow_state_init (&self->front, self->path, self->trace);
  if (double_buffered)
    {
      self->back_trace = new_empty_trace ();
      follow_state_init (&self->back, self->path, self->back_trace);
    }
  return self;
}

FsTraceFollower *
fs_trace_follower_new (const char *path)
{
  return follower_new (path, FALSE);
}

FsTraceFollower *
fs_trace_follower_new_double_buffered (const char *path)
{
  return follower_new (path, TRUE);
}

FsTraceFollower *
fs_trace_follower_ref (FsTraceFollower *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
fs_trace_follower_unref (FsTraceFollower *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_array_unref (self->front.reader.staging);
  g_object_unref (self->trace);
  if (self->back_trace)
    {
      g_array_unref (self->back.reader.staging);
      g_object_unref (self->back_trace);
    }
  g_free (self->path);
  g_free (self);
}

FsTrace *
fs_trace_follower_get_trace (FsTraceFollower *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->trace;
}

gsize
fs_trace_follower_get_offset (FsTraceFollower *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->front.offset;
}

gboolean
fs_trace_follower_is_complete (FsTraceFollower *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->front.reader.ended;
}

/* The file from `from` to its current end. */
static GBytes *
read_from (FsTraceFollower *self, gsize from, GError **error)
{
  int fd = open (self->path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: cannot open: %s",
                   self->path, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: not a regular file", self->path);
      return NULL;
    }
  if (self->have_identity && (st.st_dev != self->dev || st.st_ino != self->ino))
    {
      close (fd);
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO,
                   "%s: the file was replaced while being followed", self->path);
      return NULL;
    }
  self->have_identity = TRUE;
  self->dev = st.st_dev;
  self->ino = st.st_ino;
  if ((guint64) st.st_size < from)
    {
      close (fd);
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO,
                   "%s: byte %" G_GSIZE_FORMAT ": the file was truncated to %" G_GUINT64_FORMAT
                   " bytes while being followed", self->path, from, (guint64) st.st_size);
      return NULL;
    }

  gsize want = (gsize) st.st_size - from;
  guint8 *buf = g_malloc (MAX (want, 1));
  gsize got = 0;
  while (got < want)
    {
      ssize_t n = pread (fd, buf + got, want - got, (off_t) (from + got));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_free (buf);
          g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: cannot read: %s",
                       self->path, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;    /* shrank meanwhile: the next read reports it */
      got += (gsize) n;
    }
  close (fd);
  return g_bytes_new_take (buf, got);
}

GBytes *
fs_trace_follower_read (FsTraceFollower *self, gsize *offset, GError **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (offset != NULL, NULL);

  *offset = self->front.offset;
  return read_from (self, self->front.offset, error);
}

/* Whether data (the start of the file) is too short to hold the whole file
 * header yet while what there is looks like one: a file just created. */
static gboolean
header_still_coming (const guint8 *data, gsize len)
{
  if (memcmp (data, fs_trace_magic, MIN (len, sizeof fs_trace_magic)) != 0)
    return FALSE;
  if (len < FILE_HEADER_SIZE)
    return TRUE;
  guint32 size = get_u32 (data + FH_HEADER_SIZE);
  return size <= MAX_FILE_HEADER_SIZE && size % RECORD_ALIGN == 0 && len < size;
}

/* Events below the returned index are where they were before the trace is
 * finished again.  The file's events never go back in time, so only new
 * sends at the instant of the last old event can sort in before old events
 * of that instant (sends come first at one instant). */
static gsize
first_changed_event (FsTrace *trace, gsize n_before)
{
  gsize n;
  const FsEvent *ev = fs_trace_events (trace, &n);
  if (n_before == 0 || n_before >= n)
    return n_before;
  gint64 t_last = ev[n_before - 1].t_ns;
  gboolean send_moves = FALSE;
  for (gsize i = n_before; i < n && ev[i].t_ns == t_last && !send_moves; i++)
    send_moves = ev[i].kind == FS_EVENT_SIGNAL_SEND;
  if (!send_moves)
    return n_before;
  gsize k = n_before;
  while (k > 0 && ev[k - 1].t_ns == t_last && ev[k - 1].kind != FS_EVENT_SIGNAL_SEND)
    k--;
  return k;
}

static void
growth_init (FsTraceGrowth *growth, FsTrace *trace)
{
  *growth = (FsTraceGrowth) {
    .n_events_before = fs_trace_n_events (trace),
    .first_changed_event = fs_trace_n_events (trace),
    .n_processes_before = fs_trace_n_processes (trace),
  };
}

/* Applies the complete records of tail (read at offset) to the trace whose
 * contents st describes, and finishes it. */
static gboolean
follow_apply (FsTraceFollower *self, FollowState *st, gsize offset, GBytes *tail,
              FsTraceGrowth *growth, GError **error)
{
  FsTrace *trace = st->reader.trace;
  growth_init (growth, trace);
  if (st->failed)
    {
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO,
                   "%s: not followed any further after an earlier error", self->path);
      return FALSE;
    }

  static const guint8 empty[1] = { 0 };
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (tail, &len);
  Reader *r = &st->reader;
  r->data = data ? data : empty;
  r->len = len;
  r->base = offset;
  r->n_rewrites = 0;
  r->meta_changed = FALSE;

  gsize start = 0;
  if (!st->header_read)
    {
      if (header_still_coming (r->data, len))
        return TRUE;
      if (!read_file_header (r, &start, error))
        {
          st->failed = TRUE;
          return FALSE;
        }
      st->header_read = TRUE;
    }
  else if (len == 0)
    return TRUE;

  gsize cut = 0;
  gboolean partial = FALSE;
  gboolean ok = read_records (r, start, &cut, &partial, error) && check_parent_cycles (r, error);
  if (ok)
    {
      growth->bytes_applied = cut;
      st->offset = offset + cut;
    }
  fs_trace_get_meta (trace)->truncated = !r->ended;
  growth->first_changed_event = first_changed_event (trace, growth->n_events_before);
  growth->n_rewritten_processes = st->n_rewrites = r->n_rewrites;
  growth->meta_changed = st->meta_changed = r->meta_changed;

  /* Also after an error: what was applied before the bad record stays
   * readable by whoever shows the trace. */
  g_autoptr (GError) finish_error = NULL;
  if (!fs_trace_finish (trace, &finish_error) && ok)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&finish_error), "%s: ", self->path);
      ok = FALSE;
    }
  r->data = NULL;
  r->len = 0;
  if (!ok)
    st->failed = TRUE;
  return ok;
}

gboolean
fs_trace_follower_apply (FsTraceFollower *self, gsize offset, GBytes *tail,
                         FsTraceGrowth *growth, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (tail != NULL, FALSE);
  g_return_val_if_fail (offset == self->front.offset, FALSE);

  FsTraceGrowth local;
  return follow_apply (self, &self->front, offset, tail, growth ? growth : &local, error);
}

gboolean
fs_trace_follower_update (FsTraceFollower *self, FsTraceGrowth *growth, GError **error)
{
  gsize offset = 0;
  g_autoptr (GBytes) tail = fs_trace_follower_read (self, &offset, error);
  if (tail == NULL)
    {
      if (growth)
        growth_init (growth, self->trace);
      return FALSE;
    }
  return fs_trace_follower_apply (self, offset, tail, growth, error);
}

gboolean
fs_trace_follower_update_back (FsTraceFollower *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->back_trace != NULL, FALSE);

  gsize offset = self->back.offset;
  g_autoptr (GBytes) tail = read_from (self, offset, error);
  if (tail == NULL)
    return FALSE;
  FsTraceGrowth growth;
  return follow_apply (self, &self->back, offset, tail, &growth, error);
}

gboolean
fs_trace_follower_swap (FsTraceFollower *self, FsTraceGrowth *growth)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->back_trace != NULL, FALSE);

  FsTraceGrowth local;
  if (growth == NULL)
    growth = &local;
  growth_init (growth, self->trace);
  if (self->back.failed || self->back.offset <= self->front.offset)
    return FALSE;   /* the back holds nothing the front has not */

  gsize n_before = fs_trace_n_events (self->trace);
  gsize front_offset = self->front.offset;
  fs_trace_swap_contents (self->trace, self->back_trace);
  FollowState held = self->front;
  self->front = self->back;
  self->back = held;
  self->front.reader.trace = self->trace;
  self->back.reader.trace = self->back_trace;

  /* What changed against the old front contents (now the back's): only
   * events of the old last instant can have moved (see
   * first_changed_event); compare those. */
  growth->bytes_applied = self->front.offset - front_offset;
  growth->n_rewritten_processes = self->front.n_rewrites + self->back.n_rewrites;
  growth->meta_changed = self->front.meta_changed || self->back.meta_changed;
  if (n_before > 0)
    {
      const FsEvent *now = fs_trace_events (self->trace, &(gsize) { 0 });
      const FsEvent *was = fs_trace_events (self->back_trace, &(gsize) { 0 });
      gsize k = fs_trace_lower_bound (self->back_trace, was[n_before - 1].t_ns);
      for (; k < n_before; k++)
        if (memcmp (&now[k], &was[k], sizeof *now) != 0)
          break;
      growth->first_changed_event = k;
    }
  return TRUE;
}

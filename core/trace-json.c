/* trace-json.c: JSON export (streamed, hand-printed) and import (a small
 * RFC 8259 parser, validated member by member).  The schema is documented in
 * docs/trace-format.md, "JSON schema (version 1)". */
#include "trace-json.h"

#include <errno.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

#define FLUSH_THRESHOLD (256 * 1024)

typedef struct {
  FsTrace       *trace;
  GString       *buf;
  GOutputStream *out;          /* NULL: keep everything in buf */
  GCancellable  *cancellable;
  GError        *error;
} JsonWriter;

static void
writer_flush (JsonWriter *w)
{
  if (w->out == NULL || w->error != NULL || w->buf->len == 0)
    return;
  if (!g_output_stream_write_all (w->out, w->buf->str, w->buf->len, NULL,
                                  w->cancellable, &w->error))
    return;
  g_string_truncate (w->buf, 0);
}

static void
writer_maybe_flush (JsonWriter *w)
{
  if (w->out != NULL && w->buf->len >= FLUSH_THRESHOLD)
    writer_flush (w);
}

static void
put_raw (JsonWriter *w, const char *s)
{
  g_string_append (w->buf, s);
}

static void
put_int (JsonWriter *w, gint64 v)
{
  g_string_append_printf (w->buf, "%" G_GINT64_FORMAT, v);
}

/* Valid UTF-8 goes out as a JSON string; anything else (a program's binary
 * output) as {"base64": "…"} so the bytes survive the round trip. */
static void
put_string (JsonWriter *w, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const char *run;
  const char *p;

  if (s == NULL)
    {
      put_raw (w, "null");
      return;
    }
  if (!g_utf8_validate (s, -1, NULL))
    {
      g_autofree char *b64 = g_base64_encode ((const guchar *) s, strlen (s));
      g_string_append_printf (w->buf, "{\"base64\":\"%s\"}", b64);
      return;
    }

  g_string_append_c (w->buf, '"');
  for (run = p = s; *p; p++)
    {
      guchar c = (guchar) *p;
      const char *esc = NULL;
      char ubuf[7];

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      switch (c)
        {
        case '"':  esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
          ubuf[0] = '\\'; ubuf[1] = 'u'; ubuf[2] = '0'; ubuf[3] = '0';
          ubuf[4] = hex[c >> 4]; ubuf[5] = hex[c & 0xf]; ubuf[6] = '\0';
          esc = ubuf;
          break;
        }
      g_string_append_len (w->buf, run, p - run);
      g_string_append (w->buf, esc);
      run = p + 1;
    }
  g_string_append_len (w->buf, run, p - run);
  g_string_append_c (w->buf, '"');
}

static void
put_key (JsonWriter *w, const char *key)
{
  g_string_append_c (w->buf, ',');
  g_string_append_c (w->buf, '"');
  g_string_append (w->buf, key);
  g_string_append (w->buf, "\":");
}

static void
put_time (JsonWriter *w, gint64 t_ns)
{
  if (t_ns == FS_TIME_NONE)
    put_raw (w, "null");
  else
    put_int (w, t_ns);
}

/* A process reference: its id; the special value that the context makes
 * "null" (the kernel for a signal's sender, no process elsewhere) as null;
 * the other special value by name. */
static void
put_process_ref (JsonWriter *w, FsProcessId id, FsProcessId null_means)
{
  if (id == null_means)
    put_raw (w, "null");
  else if (id == FS_PROCESS_KERNEL)
    put_string (w, "kernel");
  else if (id == FS_PROCESS_NONE)
    put_string (w, "none");
  else
    put_int (w, id);
}

static void
put_signal (JsonWriter *w, int signo)
{
  const char *name = signo > 0 ? fs_signal_name (signo) : NULL;

  if (name != NULL)
    put_string (w, name);
  else
    put_int (w, signo);
}

/* si_code by name when the name reads back as the same code, else as a number. */
static void
put_signal_code (JsonWriter *w, int signo, int code)
{
  g_autofree char *name = fs_signal_code_name (signo, code);
  int back = 0;

  if (name != NULL && !g_ascii_isdigit (name[0]) && name[0] != '-' &&
      fs_signal_code_from_name (name, &back) && back == code)
    put_string (w, name);
  else
    put_int (w, code);
}

static void
put_exit_status (JsonWriter *w, const FsExitStatus *status)
{
  switch (status->kind)
    {
    case FS_EXIT_CODE:
      g_string_append_printf (w->buf, "{\"kind\":\"code\",\"value\":%d}", status->value);
      break;
    case FS_EXIT_SIGNAL:
      put_raw (w, "{\"kind\":\"signal\",\"value\":");
      put_signal (w, status->value);
      put_raw (w, status->core ? ",\"core\":true}" : ",\"core\":false}");
      break;
    default:
      put_raw (w, "null");
      break;
    }
}

static const struct {
  guint16     flag;
  const char *name;
} event_flag_names[] = {
  { FS_EVENT_FLAG_INFERRED,        "inferred" },
  { FS_EVENT_FLAG_QUEUED,          "queued" },
  { FS_EVENT_FLAG_COALESCED,       "coalesced" },
  { FS_EVENT_FLAG_TIME_CLAMPED,    "time_clamped" },
  { FS_EVENT_FLAG_THREAD_DIRECTED, "thread_directed" },
};

static const struct {
  guint32     flag;
  const char *name;
} process_flag_names[] = {
  { FS_PROCESS_FLAG_HIDDEN,   "hidden" },
  { FS_PROCESS_FLAG_ATTACHED, "attached" },
};

static guint16
known_event_flags (void)
{
  guint16 mask = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (event_flag_names); i++)
    mask |= event_flag_names[i].flag;
  return mask;
}

static guint32
known_process_flags (void)
{
  guint32 mask = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (process_flag_names); i++)
    mask |= process_flag_names[i].flag;
  return mask;
}

/* "ESRCH" for -ESRCH when the C library can name it, else the number. */
static void
put_send_result (JsonWriter *w, gint32 result)
{
  const char *name = result < 0 && result > -4096 ? strerrorname_np (-result) : NULL;

  if (name != NULL)
    put_string (w, name);
  else
    put_int (w, result);
}

static void
put_event (JsonWriter *w, const FsEvent *ev)
{
  FsTrace *trace = w->trace;
  const char *kind_name = fs_event_kind_name (ev->kind);
  guint16 other_flags;

  g_string_append (w->buf, "{\"t_ns\":");
  put_int (w, ev->t_ns);
  put_key (w, "kind");
  if (kind_name != NULL)
    put_string (w, kind_name);
  else
    put_int (w, ev->kind);
  put_key (w, "process");
  put_process_ref (w, ev->process,
                   ev->kind == FS_EVENT_SIGNAL_SEND ? FS_PROCESS_KERNEL : FS_PROCESS_NONE);

  switch ((FsEventKind) ev->kind)
    {
    case FS_EVENT_FORK:
      put_key (w, "child");
      put_process_ref (w, ev->u.fork.child, FS_PROCESS_NONE);
      break;
    case FS_EVENT_EXEC:
      {
        const char *const *argv = fs_trace_strv (trace, ev->u.exec.argv);
        put_key (w, "path");
        put_string (w, fs_trace_string (trace, ev->u.exec.path));
        put_key (w, "argv");
        if (argv == NULL)
          put_raw (w, "null");
        else
          {
            g_string_append_c (w->buf, '[');
            for (gsize i = 0; argv[i] != NULL; i++)
              {
                if (i > 0)
                  g_string_append_c (w->buf, ',');
                put_string (w, argv[i]);
              }
            g_string_append_c (w->buf, ']');
          }
      }
      break;
    case FS_EVENT_RENAME:
      put_key (w, "comm");
      put_string (w, fs_trace_string (trace, ev->u.rename.comm));
      break;
    case FS_EVENT_SIGNAL_SEND:
      put_key (w, "target");
      switch (ev->u.send.target_kind)
        {
        case FS_TARGET_PROCESS:
          put_int (w, ev->u.send.target);
          break;
        case FS_TARGET_GROUP:
          g_string_append_printf (w->buf, "{\"group\":%d}", (gint32) ev->u.send.target);
          break;
        case FS_TARGET_PID:
          g_string_append_printf (w->buf, "{\"pid\":%d}", (gint32) ev->u.send.target);
          break;
        case FS_TARGET_ALL:
        default:
          put_raw (w, "{\"all\":true}");
          break;
        }
      put_key (w, "signal");
      put_signal (w, ev->signal);
      put_key (w, "code");
      put_signal_code (w, ev->signal, ev->u.send.code);
      if (ev->u.send.result != 0)
        {
          put_key (w, "result");
          put_send_result (w, ev->u.send.result);
        }
      break;
    case FS_EVENT_SIGNAL_DELIVER:
      put_key (w, "signal");
      put_signal (w, ev->signal);
      put_key (w, "code");
      put_signal_code (w, ev->signal, ev->u.deliver.code);
      put_key (w, "action");
      if (fs_signal_action_name (ev->u.deliver.action) != NULL)
        put_string (w, fs_signal_action_name (ev->u.deliver.action));
      else
        put_int (w, ev->u.deliver.action);
      if (ev->u.deliver.sender != FS_PROCESS_NONE)
        {
          put_key (w, "sender");
          put_process_ref (w, ev->u.deliver.sender, FS_PROCESS_NONE);
        }
      break;
    case FS_EVENT_EXIT:
      put_key (w, "status");
      put_exit_status (w, &ev->u.exit.status);
      break;
    case FS_EVENT_REAP:
      put_key (w, "child");
      put_process_ref (w, ev->u.reap.child, FS_PROCESS_NONE);
      put_key (w, "status");
      put_exit_status (w, &ev->u.reap.status);
      break;
    case FS_EVENT_OUTPUT:
      put_key (w, "stream");
      put_string (w, ev->u.output.stream == FS_STREAM_STDERR ? "stderr" : "stdout");
      put_key (w, "text");
      put_string (w, fs_trace_string (trace, ev->u.output.text));
      break;
    case FS_EVENT_MARKER:
      put_key (w, "text");
      put_string (w, fs_trace_string (trace, ev->u.marker.text));
      if (ev->u.marker.line != 0)
        {
          put_key (w, "line");
          put_int (w, ev->u.marker.line);
        }
      break;
    case FS_EVENT_BLOCK:
    case FS_EVENT_UNBLOCK:
      put_key (w, "reason");
      if (fs_block_reason_name (ev->u.block.reason) != NULL)
        put_string (w, fs_block_reason_name (ev->u.block.reason));
      else
        put_int (w, ev->u.block.reason);
      if (ev->u.block.line != 0)
        {
          put_key (w, "line");
          put_int (w, ev->u.block.line);
        }
      break;
    case FS_EVENT_THREAD:
      put_key (w, "tid");
      put_int (w, ev->u.thread.tid);
      break;
    case FS_EVENT_STOP:
    case FS_EVENT_CONTINUE:
    default:
      break;
    }

  if (ev->signal != 0 && ev->kind != FS_EVENT_SIGNAL_SEND && ev->kind != FS_EVENT_SIGNAL_DELIVER)
    {
      put_key (w, "signal");
      put_signal (w, ev->signal);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (event_flag_names); i++)
    if (ev->flags & event_flag_names[i].flag)
      {
        put_key (w, event_flag_names[i].name);
        put_raw (w, "true");
      }
  other_flags = ev->flags & ~known_event_flags ();
  if (other_flags != 0)
    {
      put_key (w, "other_flags");
      put_int (w, other_flags);
    }
  g_string_append_c (w->buf, '}');
}

static void
put_process (JsonWriter *w, const FsProcess *p)
{
  FsTrace *trace = w->trace;
  guint32 other_flags;

  g_string_append (w->buf, "{\"id\":");
  put_int (w, p->id);
  put_key (w, "pid");
  put_int (w, p->pid);
  put_key (w, "parent");
  put_process_ref (w, p->parent, FS_PROCESS_NONE);
  put_key (w, "name");
  put_string (w, fs_trace_string (trace, p->name));
  put_key (w, "comm");
  put_string (w, fs_trace_string (trace, p->comm));
  put_key (w, "pgid");
  if (p->pgid != 0)
    put_int (w, p->pgid);
  else
    put_raw (w, "null");
  put_key (w, "sid");
  if (p->sid != 0)
    put_int (w, p->sid);
  else
    put_raw (w, "null");
  put_key (w, "start_ns");
  put_time (w, p->start_ns);
  put_key (w, "end_ns");
  put_time (w, p->end_ns);
  put_key (w, "reap_ns");
  put_time (w, p->reap_ns);
  put_key (w, "exit");
  put_exit_status (w, &p->exit);
  put_key (w, "reparented_to");
  put_process_ref (w, p->reparented_to, FS_PROCESS_NONE);
  put_key (w, "threads");
  g_string_append_c (w->buf, '[');
  for (guint i = 0; p->threads != NULL && i < p->threads->len; i++)
    {
      if (i > 0)
        g_string_append_c (w->buf, ',');
      put_int (w, g_array_index (p->threads, gint32, i));
    }
  g_string_append_c (w->buf, ']');
  for (gsize i = 0; i < G_N_ELEMENTS (process_flag_names); i++)
    {
      put_key (w, process_flag_names[i].name);
      put_raw (w, (p->flags & process_flag_names[i].flag) ? "true" : "false");
    }
  other_flags = p->flags & ~known_process_flags ();
  if (other_flags != 0)
    {
      put_key (w, "other_flags");
      put_int (w, other_flags);
    }
  g_string_append_c (w->buf, '}');
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
put_meta (JsonWriter *w, FsTraceMeta *meta)
{
  g_string_append (w->buf, "{\"recorder\":");
  put_string (w, meta->recorder);
  put_key (w, "tracer");
  put_string (w, meta->tracer);
  put_key (w, "command");
  put_string (w, meta->command);
  put_key (w, "scenario");
  put_string (w, meta->scenario);
  put_key (w, "start_wall_ns");
  if (meta->start_wall_ns != 0)
    put_int (w, meta->start_wall_ns);
  else
    put_raw (w, "null");
  if (meta->start_wall_ns != 0)
    {
      g_autoptr(GDateTime) dt =
        g_date_time_new_from_unix_utc (meta->start_wall_ns / G_GINT64_CONSTANT (1000000000));
      if (dt != NULL)
        {
          g_autofree char *iso = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
          put_key (w, "start_wall_time");
          put_string (w, iso);
        }
    }
  put_key (w, "lost_events");
  g_string_append_printf (w->buf, "%" G_GUINT64_FORMAT, meta->lost_events);
  put_key (w, "truncated");
  put_raw (w, meta->truncated ? "true" : "false");
  put_key (w, "extra");
  g_string_append_c (w->buf, '{');
  if (meta->extra != NULL && g_hash_table_size (meta->extra) > 0)
    {
      /* Sorted, so that equal traces give equal JSON. */
      guint n = 0;
      g_autofree gpointer *keys = g_hash_table_get_keys_as_array (meta->extra, &n);
      qsort (keys, n, sizeof (gpointer), compare_strings);
      for (guint i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (w->buf, ',');
          if (g_utf8_validate (keys[i], -1, NULL))
            put_string (w, keys[i]);
          else
            {
              /* A member name must be a string: the one lossy case. */
              g_autofree char *valid = g_utf8_make_valid (keys[i], -1);
              put_string (w, valid);
            }
          g_string_append_c (w->buf, ':');
          put_string (w, g_hash_table_lookup (meta->extra, keys[i]));
        }
    }
  g_string_append (w->buf, "}}");
}

static gboolean
write_json (JsonWriter *w)
{
  FsTrace *trace = w->trace;
  guint n_processes = fs_trace_n_processes (trace);
  gsize n_events = 0;
  const FsEvent *events = fs_trace_events (trace, &n_events);

  g_string_append_printf (w->buf, "{\"format\":\"%s\",\"version\":%d,\n\"meta\":",
                          FS_TRACE_JSON_FORMAT, FS_TRACE_JSON_VERSION);
  put_meta (w, fs_trace_get_meta (trace));
  g_string_append (w->buf, ",\n\"processes\":[");
  for (guint i = 0; i < n_processes; i++)
    {
      g_string_append (w->buf, i > 0 ? ",\n" : "\n");
      put_process (w, fs_trace_process (trace, i));
      writer_maybe_flush (w);
    }
  g_string_append (w->buf, "\n],\n\"events\":[");
  for (gsize i = 0; i < n_events && w->error == NULL; i++)
    {
      g_string_append (w->buf, i > 0 ? ",\n" : "\n");
      put_event (w, &events[i]);
      writer_maybe_flush (w);
    }
  g_string_append (w->buf, "\n]}\n");
  writer_flush (w);
  return w->error == NULL;
}

char *
fs_trace_to_json (FsTrace *trace)
{
  JsonWriter w = { .trace = trace, .buf = g_string_sized_new (4096) };

  g_return_val_if_fail (FS_IS_TRACE (trace), NULL);
  write_json (&w);
  return g_string_free (w.buf, FALSE);
}

gboolean
fs_trace_write_json (FsTrace *trace, GOutputStream *out, GCancellable *cancellable,
                     GError **error)
{
  JsonWriter w = {
    .trace = trace,
    .buf = g_string_sized_new (FLUSH_THRESHOLD + 4096),
    .out = out,
    .cancellable = cancellable,
  };
  gboolean ok;

  g_return_val_if_fail (FS_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  ok = write_json (&w);
  g_string_free (w.buf, TRUE);
  if (!ok)
    g_propagate_error (error, w.error);
  return ok;
}

gboolean
fs_trace_save_json (FsTrace *trace, const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) local_error = NULL;

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &local_error);
  if (out == NULL)
    {
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: %s", path,
                   local_error->message);
      return FALSE;
    }
  if (!fs_trace_write_json (trace, G_OUTPUT_STREAM (out), NULL, &local_error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &local_error))
    {
      g_autoptr(GError) ignored = NULL;
      /* Closing after a failed write discards the temporary file. */
      g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &ignored);
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: %s", path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

/* The parser recurses per nesting level; the schema needs 4. */
#define MAX_NESTING 32

/* ---- a small JSON parser ------------------------------------------------------
 *
 * json-glib builds a GObject-backed tree: a million-event document took 44 s
 * and 1.5 GB.  This parser builds plain values in an arena, one event at a
 * time, so memory stays bounded by the largest event and the processes table.
 * It follows RFC 8259 (strings must be UTF-8; \u escapes are decoded, lone
 * surrogates and \u0000 are refused) and reports byte offsets. */

typedef enum {
  JV_NULL = 0,
  JV_BOOL,
  JV_INT,
  JV_DOUBLE,
  JV_STRING,
  JV_ARRAY,
  JV_OBJECT,
} JvType;

typedef struct Jv Jv;
struct Jv {
  JvType       type;
  guint32      n;         /* array: elements; object: members; string: bytes */
  union {
    gboolean   b;
    gint64     i;
    double     d;
    const char *s;        /* NUL-terminated, valid UTF-8, no NUL inside */
  } v;
  Jv          *items;     /* array elements, object values */
  const char **keys;      /* object keys */
};

static gboolean
jv_is (const Jv *value, JvType type)
{
  return value != NULL && value->type == type;
}

/* Objects are small (a dozen members); a linear scan is fastest. */
static Jv *
jv_member (const Jv *object, const char *key)
{
  if (!jv_is (object, JV_OBJECT))
    return NULL;
  for (guint32 i = 0; i < object->n; i++)
    if (strcmp (object->keys[i], key) == 0)
      return &object->items[i];
  return NULL;
}

/* A bump allocator whose blocks are kept across resets. */
typedef struct {
  GPtrArray *blocks;
  GArray    *sizes;       /* gsize per block */
  guint      current;
  gsize      used;
} Arena;

#define ARENA_BLOCK (64 * 1024)

static void
arena_init (Arena *arena)
{
  arena->blocks = g_ptr_array_new_with_free_func (g_free);
  arena->sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
  arena->current = 0;
  arena->used = 0;
}

static void
arena_clear (Arena *arena)
{
  g_clear_pointer (&arena->blocks, g_ptr_array_unref);
  g_clear_pointer (&arena->sizes, g_array_unref);
}

static void
arena_reset (Arena *arena)
{
  arena->current = 0;
  arena->used = 0;
}

static gpointer
arena_alloc (Arena *arena, gsize size)
{
  size = (size + 7) & ~(gsize) 7;
  while (arena->current < arena->blocks->len)
    {
      gsize block_size = g_array_index (arena->sizes, gsize, arena->current);
      if (arena->used + size <= block_size)
        {
          char *p = (char *) g_ptr_array_index (arena->blocks, arena->current) + arena->used;
          arena->used += size;
          return p;
        }
      arena->current++;
      arena->used = 0;
    }
  {
    gsize block_size = MAX (size, ARENA_BLOCK);
    g_ptr_array_add (arena->blocks, g_malloc (block_size));
    g_array_append_val (arena->sizes, block_size);
    arena->current = arena->blocks->len - 1;
    arena->used = size;
    return g_ptr_array_index (arena->blocks, arena->current);
  }
}

typedef struct {
  const char *data;
  gsize       len;
  gsize       pos;
  int         depth;
  Arena      *arena;
  GArray     *values;     /* Jv: children of the containers being built */
  GPtrArray  *keys;       /* const char *: their keys */
  char       *error;      /* first syntax error */
  gsize       error_pos;
} JsonScan;

G_GNUC_PRINTF (2, 3) static gboolean
scan_fail (JsonScan *s, const char *format, ...)
{
  va_list args;

  if (s->error != NULL)
    return FALSE;
  va_start (args, format);
  s->error = g_strdup_vprintf (format, args);
  va_end (args);
  s->error_pos = s->pos;
  return FALSE;
}

static void
skip_space (JsonScan *s)
{
  while (s->pos < s->len)
    {
      char c = s->data[s->pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        break;
      s->pos++;
    }
}

static gboolean
expect_char (JsonScan *s, char c)
{
  skip_space (s);
  if (s->pos >= s->len)
    return scan_fail (s, "unexpected end of the document, expected '%c'", c);
  if (s->data[s->pos] != c)
    return scan_fail (s, "expected '%c'", c);
  s->pos++;
  return TRUE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (JsonScan *s, gsize at, gunichar *out)
{
  gunichar v = 0;

  if (at + 4 > s->len)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int h = hex_value (s->data[at + i]);
      if (h < 0)
        return FALSE;
      v = v * 16 + (gunichar) h;
    }
  *out = v;
  return TRUE;
}

/* At the opening quote.  out NULL: check only. */
static gboolean
scan_string (JsonScan *s, const char **out, guint32 *out_len)
{
  gsize start = ++s->pos, end = start;
  gboolean escaped = FALSE;
  char *buf, *w;

  /* Find the closing quote first: the decoded text is never longer. */
  while (end < s->len && s->data[end] != '"')
    {
      guchar c = (guchar) s->data[end];
      if (c < 0x20)
        {
          s->pos = end;
          return scan_fail (s, "control character in a string (escape it)");
        }
      if (c == '\\')
        {
          escaped = TRUE;
          end++;
        }
      end++;
    }
  if (end >= s->len)
    {
      s->pos = s->len;
      return scan_fail (s, "unexpected end of the document inside a string");
    }
  if (end - start > G_MAXUINT32 - 1)
    return scan_fail (s, "string too long");

  if (!escaped)
    {
      if (!g_utf8_validate_len (s->data + start, end - start, NULL))
        return scan_fail (s, "string is not valid UTF-8");
      if (out != NULL)
        {
          buf = arena_alloc (s->arena, end - start + 1);
          memcpy (buf, s->data + start, end - start);
          buf[end - start] = '\0';
          *out = buf;
          *out_len = (guint32) (end - start);
        }
      s->pos = end + 1;
      return TRUE;
    }

  buf = w = out != NULL ? arena_alloc (s->arena, end - start + 1) : g_malloc (end - start + 1);
  for (gsize i = start; i < end; )
    {
      gsize run = i;
      while (run < end && s->data[run] != '\\')
        run++;
      memcpy (w, s->data + i, run - i);
      w += run - i;
      i = run;
      if (i >= end)
        break;
      s->pos = i;
      switch (s->data[i + 1])
        {
        case '"':  *w++ = '"'; i += 2; break;
        case '\\': *w++ = '\\'; i += 2; break;
        case '/':  *w++ = '/'; i += 2; break;
        case 'b':  *w++ = '\b'; i += 2; break;
        case 'f':  *w++ = '\f'; i += 2; break;
        case 'n':  *w++ = '\n'; i += 2; break;
        case 'r':  *w++ = '\r'; i += 2; break;
        case 't':  *w++ = '\t'; i += 2; break;
        case 'u':
          {
            gunichar c, low;
            if (!read_hex4 (s, i + 2, &c))
              goto bad_escape;
            i += 6;
            if (c >= 0xd800 && c <= 0xdbff)
              {
                if (i + 6 > end || s->data[i] != '\\' || s->data[i + 1] != 'u' ||
                    !read_hex4 (s, i + 2, &low) || low < 0xdc00 || low > 0xdfff)
                  {
                    if (out == NULL)
                      g_free (buf);
                    return scan_fail (s, "unpaired UTF-16 surrogate in \\u escape");
                  }
                c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                i += 6;
              }
            else if (c >= 0xdc00 && c <= 0xdfff)
              {
                if (out == NULL)
                  g_free (buf);
                return scan_fail (s, "unpaired UTF-16 surrogate in \\u escape");
              }
            if (c == 0)
              {
                if (out == NULL)
                  g_free (buf);
                return scan_fail (s, "\\u0000 is not allowed in strings");
              }
            w += g_unichar_to_utf8 (c, w);
          }
          break;
        default:
        bad_escape:
          if (out == NULL)
            g_free (buf);
          return scan_fail (s, "invalid escape in a string");
        }
    }
  *w = '\0';
  if (!g_utf8_validate_len (buf, (gsize) (w - buf), NULL))
    {
      s->pos = start;
      if (out == NULL)
        g_free (buf);
      return scan_fail (s, "string is not valid UTF-8");
    }
  if (out != NULL)
    {
      *out = buf;
      *out_len = (guint32) (w - buf);
    }
  else
    g_free (buf);
  s->pos = end + 1;
  return TRUE;
}

static gboolean
scan_number (JsonScan *s, Jv *out)
{
  gsize start = s->pos, p = s->pos;
  gboolean fraction = FALSE;
  char buf[64];

  if (p < s->len && s->data[p] == '-')
    p++;
  if (p >= s->len || !g_ascii_isdigit (s->data[p]))
    return scan_fail (s, "invalid number");
  if (s->data[p] == '0' && p + 1 < s->len && g_ascii_isdigit (s->data[p + 1]))
    return scan_fail (s, "numbers cannot start with 0");
  while (p < s->len && g_ascii_isdigit (s->data[p]))
    p++;
  if (p < s->len && s->data[p] == '.')
    {
      fraction = TRUE;
      p++;
      if (p >= s->len || !g_ascii_isdigit (s->data[p]))
        return scan_fail (s, "invalid number");
      while (p < s->len && g_ascii_isdigit (s->data[p]))
        p++;
    }
  if (p < s->len && (s->data[p] == 'e' || s->data[p] == 'E'))
    {
      fraction = TRUE;
      p++;
      if (p < s->len && (s->data[p] == '+' || s->data[p] == '-'))
        p++;
      if (p >= s->len || !g_ascii_isdigit (s->data[p]))
        return scan_fail (s, "invalid number");
      while (p < s->len && g_ascii_isdigit (s->data[p]))
        p++;
    }
  if (p - start >= sizeof buf)
    return scan_fail (s, "number too long");
  memcpy (buf, s->data + start, p - start);
  buf[p - start] = '\0';
  if (out != NULL)
    {
      if (fraction)
        {
          out->type = JV_DOUBLE;
          out->v.d = g_ascii_strtod (buf, NULL);
        }
      else
        {
          char *end = NULL;
          errno = 0;
          out->type = JV_INT;
          out->v.i = g_ascii_strtoll (buf, &end, 10);
          if (errno == ERANGE)
            return scan_fail (s, "integer %s does not fit in 64 bits", buf);
        }
    }
  s->pos = p;
  return TRUE;
}

static gboolean
scan_literal (JsonScan *s, const char *word)
{
  gsize n = strlen (word);
  if (s->pos + n > s->len || memcmp (s->data + s->pos, word, n) != 0)
    return scan_fail (s, "invalid value");
  s->pos += n;
  return TRUE;
}

/* Parses one value at s->pos into out (NULL: check the syntax only). */
static gboolean
scan_value (JsonScan *s, Jv *out)
{
  Jv scratch;

  if (out != NULL)
    memset (out, 0, sizeof *out);
  skip_space (s);
  if (s->pos >= s->len)
    return scan_fail (s, "unexpected end of the document");

  switch (s->data[s->pos])
    {
    case '{':
    case '[':
      {
        gboolean object = s->data[s->pos] == '{';
        char close = object ? '}' : ']';
        guint base = s->values->len;
        guint32 n = 0;

        if (++s->depth > MAX_NESTING)
          return scan_fail (s, "nested more than %d levels deep", MAX_NESTING);
        s->pos++;
        skip_space (s);
        if (s->pos < s->len && s->data[s->pos] == close)
          s->pos++;
        else
          for (;;)
            {
              const char *key = NULL;
              guint32 key_len = 0;

              if (object)
                {
                  skip_space (s);
                  if (s->pos >= s->len || s->data[s->pos] != '"')
                    return s->pos >= s->len ? scan_fail (s, "unexpected end of the document")
                                            : scan_fail (s, "expected a member name in quotes");
                  if (!scan_string (s, out != NULL ? &key : NULL, &key_len) ||
                      !expect_char (s, ':'))
                    return FALSE;
                  if (out != NULL)
                    for (guint k = base; k < s->values->len; k++)
                      if (strcmp (g_ptr_array_index (s->keys, k), key) == 0)
                        return scan_fail (s, "duplicate member \"%s\"", key);
                }
              if (!scan_value (s, out != NULL ? &scratch : NULL))
                return FALSE;
              if (out != NULL)
                {
                  g_array_append_val (s->values, scratch);
                  g_ptr_array_add (s->keys, (gpointer) key);
                }
              if (n == G_MAXUINT32 - 1)
                return scan_fail (s, "too many elements");
              n++;
              skip_space (s);
              if (s->pos >= s->len)
                return scan_fail (s, "unexpected end of the document, expected ',' or '%c'", close);
              if (s->data[s->pos] == ',')
                {
                  s->pos++;
                  continue;
                }
              if (s->data[s->pos] == close)
                {
                  s->pos++;
                  break;
                }
              return scan_fail (s, "expected ',' or '%c'", close);
            }
        s->depth--;
        if (out != NULL)
          {
            out->type = object ? JV_OBJECT : JV_ARRAY;
            out->n = n;
            out->items = arena_alloc (s->arena, sizeof (Jv) * MAX (n, 1));
            if (object)
              out->keys = arena_alloc (s->arena, sizeof (char *) * MAX (n, 1));
            if (n > 0)
              {
                memcpy (out->items, &g_array_index (s->values, Jv, base), sizeof (Jv) * n);
                if (object)
                  memcpy (out->keys, &g_ptr_array_index (s->keys, base), sizeof (char *) * n);
              }
            g_array_set_size (s->values, base);
            g_ptr_array_set_size (s->keys, base);
          }
        return TRUE;
      }
    case '"':
      {
        const char *str = NULL;
        guint32 len = 0;
        if (!scan_string (s, out != NULL ? &str : NULL, &len))
          return FALSE;
        if (out != NULL)
          {
            out->type = JV_STRING;
            out->v.s = str;
            out->n = len;
          }
        return TRUE;
      }
    case 't':
      if (out != NULL)
        {
          out->type = JV_BOOL;
          out->v.b = TRUE;
        }
      return scan_literal (s, "true");
    case 'f':
      if (out != NULL)
        out->type = JV_BOOL;
      return scan_literal (s, "false");
    case 'n':
      return scan_literal (s, "null");
    default:
      return scan_number (s, out);
    }
}


typedef struct {
  const char *name;         /* for messages: file name, or "JSON" */
  FsTrace    *trace;
  GHashTable *ids;          /* JSON process id (gint64*) → position + 1 */
  guint       n_processes;
  GError    **error;
  gboolean    failed;
  char        where[48];    /* the object being read: "events[12]" */
  GByteArray *scratch;      /* decoded base64 strings */
} JsonLoader;

G_GNUC_PRINTF (4, 5) static gboolean
fail (JsonLoader *ld, int code, const char *member, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  if (ld->failed)
    return FALSE;
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  if (member != NULL && ld->where[0] != '\0')
    g_set_error (ld->error, FS_TRACE_ERROR, code, "%s: %s.%s: %s", ld->name, ld->where, member, msg);
  else if (member != NULL)
    g_set_error (ld->error, FS_TRACE_ERROR, code, "%s: %s: %s", ld->name, member, msg);
  else if (ld->where[0] != '\0')
    g_set_error (ld->error, FS_TRACE_ERROR, code, "%s: %s: %s", ld->name, ld->where, msg);
  else
    g_set_error (ld->error, FS_TRACE_ERROR, code, "%s: %s", ld->name, msg);
  ld->failed = TRUE;
  return FALSE;
}

static const char *
node_type_name (const Jv *node)
{
  if (node == NULL)
    return "null";
  switch (node->type)
    {
    case JV_OBJECT: return "an object";
    case JV_ARRAY:  return "an array";
    case JV_INT:    return "an integer";
    case JV_DOUBLE: return "a fractional number";
    case JV_BOOL:   return "a boolean";
    case JV_STRING: return "a string";
    case JV_NULL:
    default:        return "null";
    }
}

/* Rejects members the schema does not know, so a typo ("chlid") is an error
 * rather than a silently missing field.  allowed is NULL-terminated. */
static gboolean
check_members (JsonLoader *ld, Jv *obj, const char *const *allowed,
               const char *const *allowed_more)
{
  for (guint32 m = 0; m < obj->n; m++)
    {
      const char *key = obj->keys[m];
      gboolean known = FALSE;
      for (gsize i = 0; allowed[i] != NULL && !known; i++)
        known = strcmp (allowed[i], key) == 0;
      for (gsize i = 0; allowed_more != NULL && allowed_more[i] != NULL && !known; i++)
        known = strcmp (allowed_more[i], key) == 0;
      if (!known)
        return fail (ld, FS_TRACE_ERROR_FORMAT, key, "unknown member");
    }
  return TRUE;
}

static Jv *
get_required (JsonLoader *ld, Jv *obj, const char *key)
{
  Jv *node = jv_member (obj, key);
  if (node == NULL)
    fail (ld, FS_TRACE_ERROR_FORMAT, key, "missing");
  return node;
}

static gboolean
read_int_node (JsonLoader *ld, Jv *node, const char *key, gint64 min, gint64 max,
               gint64 *out)
{
  gint64 v;

  if (!jv_is (node, JV_INT))
    return fail (ld, FS_TRACE_ERROR_FORMAT, key, "expected an integer, got %s",
                 node_type_name (node));
  v = (node)->v.i;
  if (v < min || v > max)
    return fail (ld, FS_TRACE_ERROR_CORRUPT, key,
                 "%" G_GINT64_FORMAT " is out of range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                 v, min, max);
  *out = v;
  return TRUE;
}

static gboolean
get_int (JsonLoader *ld, Jv *obj, const char *key, gboolean required,
         gint64 min, gint64 max, gint64 default_value, gint64 *out)
{
  Jv *node = jv_member (obj, key);

  if (node == NULL)
    {
      if (required)
        return fail (ld, FS_TRACE_ERROR_FORMAT, key, "missing");
      *out = default_value;
      return TRUE;
    }
  return read_int_node (ld, node, key, min, max, out);
}

/* An integer, or null for null_value. */
static gboolean
get_int_or_null (JsonLoader *ld, Jv *obj, const char *key, gboolean required,
                 gint64 min, gint64 max, gint64 null_value, gint64 *out)
{
  Jv *node = jv_member (obj, key);

  if (node == NULL && required)
    return fail (ld, FS_TRACE_ERROR_FORMAT, key, "missing");
  if (node == NULL || jv_is (node, JV_NULL))
    {
      *out = null_value;
      return TRUE;
    }
  return read_int_node (ld, node, key, min, max, out);
}

static gboolean
get_bool (JsonLoader *ld, Jv *obj, const char *key, gboolean *out)
{
  Jv *node = jv_member (obj, key);

  *out = FALSE;
  if (node == NULL)
    return TRUE;
  if (!jv_is (node, JV_BOOL))
    return fail (ld, FS_TRACE_ERROR_FORMAT, key, "expected true or false, got %s",
                 node_type_name (node));
  *out = (node)->v.b;
  return TRUE;
}

/* A string, or {"base64": "…"} for bytes that are not UTF-8.  The result is
 * valid until the next call. */
static const char *
read_string_node (JsonLoader *ld, Jv *node, const char *key)
{
  if (jv_is (node, JV_STRING))
    return (node)->v.s;
  if (node != NULL && jv_is (node, JV_OBJECT))
    {
      Jv *obj = node;
      Jv *b64 = jv_member (obj, "base64");
      const char *text;
      gsize len = 0;
      guchar *bytes;

      if ((obj)->n != 1 || !jv_is (b64, JV_STRING))
        {
          fail (ld, FS_TRACE_ERROR_FORMAT, key,
                "expected a string or {\"base64\": \"…\"}, got an object");
          return NULL;
        }
      text = (b64)->v.s;
      for (const char *p = text; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
          {
            fail (ld, FS_TRACE_ERROR_FORMAT, key, "invalid base64");
            return NULL;
          }
      bytes = g_base64_decode (text, &len);
      if (memchr (bytes, '\0', len) != NULL)
        {
          g_free (bytes);
          fail (ld, FS_TRACE_ERROR_CORRUPT, key, "decoded bytes contain NUL");
          return NULL;
        }
      g_byte_array_set_size (ld->scratch, 0);
      g_byte_array_append (ld->scratch, bytes, len);
      g_byte_array_append (ld->scratch, (const guint8 *) "", 1);
      g_free (bytes);
      return (const char *) ld->scratch->data;
    }
  fail (ld, FS_TRACE_ERROR_FORMAT, key, "expected a string, got %s", node_type_name (node));
  return NULL;
}

static gboolean
get_string_id (JsonLoader *ld, Jv *obj, const char *key, FsStringId *out)
{
  Jv *node = get_required (ld, obj, key);
  const char *s = node != NULL ? read_string_node (ld, node, key) : NULL;

  if (s == NULL)
    return FALSE;
  *out = fs_trace_intern (ld->trace, s);
  return TRUE;
}

/* An optional string member: NULL when absent or null. */
static gboolean
get_optional_string (JsonLoader *ld, Jv *obj, const char *key, char **out)
{
  Jv *node = jv_member (obj, key);
  const char *s;

  *out = NULL;
  if (node == NULL || jv_is (node, JV_NULL))
    return TRUE;
  s = read_string_node (ld, node, key);
  if (s == NULL)
    return FALSE;
  *out = g_strdup (s);
  return TRUE;
}

/* What a process reference may be besides an id listed in "processes". */
typedef enum {
  REF_PROCESS,      /* an id only */
  REF_OPTIONAL,     /* an id, or null for none (parent, reparented_to) */
  REF_SEND_ACTOR,   /* an id, or null for the kernel (signal_send.process) */
  REF_SENDER,       /* an id, "kernel", or null/absent for unknown (signal_deliver.sender) */
} RefMode;

static gboolean
read_process_ref (JsonLoader *ld, Jv *node, const char *key, RefMode mode,
                  FsProcessId *out)
{
  if (node == NULL || jv_is (node, JV_NULL))
    {
      switch (mode)
        {
        case REF_OPTIONAL:
        case REF_SENDER:
          *out = FS_PROCESS_NONE;
          return TRUE;
        case REF_SEND_ACTOR:
          *out = FS_PROCESS_KERNEL;
          return TRUE;
        case REF_PROCESS:
        default:
          return fail (ld, FS_TRACE_ERROR_FORMAT, key, "must name a process, got null");
        }
    }
  if (jv_is (node, JV_INT))
    {
      gint64 id = (node)->v.i;
      gpointer pos = g_hash_table_lookup (ld->ids, &id);
      if (pos == NULL)
        return fail (ld, FS_TRACE_ERROR_INVALID, key, "unknown process %" G_GINT64_FORMAT, id);
      *out = GPOINTER_TO_UINT (pos) - 1;
      return TRUE;
    }
  if (mode == REF_SENDER && jv_is (node, JV_STRING) &&
      strcmp ((node)->v.s, "kernel") == 0)
    {
      *out = FS_PROCESS_KERNEL;
      return TRUE;
    }
  return fail (ld, FS_TRACE_ERROR_FORMAT, key, "expected a process id%s, got %s",
               mode == REF_SENDER ? ", \"kernel\" or null" :
               mode == REF_PROCESS ? "" : " or null",
               node_type_name (node));
}

static gboolean
get_process_ref (JsonLoader *ld, Jv *obj, const char *key, gboolean required,
                 RefMode mode, FsProcessId *out)
{
  Jv *node = jv_member (obj, key);

  if (node == NULL && required)
    return fail (ld, FS_TRACE_ERROR_FORMAT, key, "missing");
  return read_process_ref (ld, node, key, mode, out);
}

/* A signal: "SIGCONT", "SIGRTMIN+3", or a number 0..FS_SIGNAL_MAX. */
static gboolean
read_signal_node (JsonLoader *ld, Jv *node, const char *key, gboolean allow_zero, int *out)
{
  if (jv_is (node, JV_STRING))
    {
      int signo = fs_signal_from_name ((node)->v.s);
      if (signo <= 0 || signo > FS_SIGNAL_MAX)
        return fail (ld, FS_TRACE_ERROR_CORRUPT, key, "unknown signal \"%s\"",
                     (node)->v.s);
      *out = signo;
      return TRUE;
    }
  if (jv_is (node, JV_INT))
    {
      gint64 v = (node)->v.i;
      if (v < (allow_zero ? 0 : 1) || v > FS_SIGNAL_MAX)
        return fail (ld, FS_TRACE_ERROR_CORRUPT, key, "signal number %" G_GINT64_FORMAT
                     " is out of range", v);
      *out = (int) v;
      return TRUE;
    }
  return fail (ld, FS_TRACE_ERROR_FORMAT, key, "expected a signal name, got %s",
               node_type_name (node));
}

static gboolean
get_signal_code (JsonLoader *ld, Jv *obj, const char *key, gint32 *out)
{
  Jv *node = jv_member (obj, key);
  gint64 v;

  if (node == NULL)
    {
      *out = 0; /* SI_USER */
      return TRUE;
    }
  if (jv_is (node, JV_STRING))
    {
      int code = 0;
      if (!fs_signal_code_from_name ((node)->v.s, &code))
        return fail (ld, FS_TRACE_ERROR_CORRUPT, key, "unknown signal code \"%s\"",
                     (node)->v.s);
      *out = code;
      return TRUE;
    }
  if (!read_int_node (ld, node, key, G_MININT32, G_MAXINT32, &v))
    return FALSE;
  *out = (gint32) v;
  return TRUE;
}

/* An exit status object, or null for "still running". */
static gboolean
read_exit_status (JsonLoader *ld, Jv *node, const char *key, FsExitStatus *out)
{
  static const char *const members[] = { "kind", "value", "core", NULL };
  g_autofree char *value_key = g_strconcat (key, ".value", NULL);
  Jv *obj;
  Jv *kind_node;
  const char *kind;

  memset (out, 0, sizeof *out);
  out->kind = FS_EXIT_NONE;
  if (node == NULL || jv_is (node, JV_NULL))
    return TRUE;
  if (!jv_is (node, JV_OBJECT))
    return fail (ld, FS_TRACE_ERROR_FORMAT, key, "expected an exit status object or null, got %s",
                 node_type_name (node));
  obj = node;
  for (guint32 m = 0; m < obj->n; m++)
    if (!g_strv_contains (members, obj->keys[m]))
      {
        g_autofree char *full = g_strconcat (key, ".", obj->keys[m], NULL);
        return fail (ld, FS_TRACE_ERROR_FORMAT, full, "unknown member");
      }
  kind_node = jv_member (obj, "kind");
  if (!jv_is (kind_node, JV_STRING))
    {
      g_autofree char *full = g_strconcat (key, ".kind", NULL);
      return fail (ld, FS_TRACE_ERROR_FORMAT, full, "expected \"code\" or \"signal\"");
    }
  kind = (kind_node)->v.s;
  if (strcmp (kind, "code") == 0)
    {
      gint64 v;
      if ((jv_member (obj, "core") != NULL))
        {
          g_autofree char *full = g_strconcat (key, ".core", NULL);
          return fail (ld, FS_TRACE_ERROR_FORMAT, full, "only for \"kind\": \"signal\"");
        }
      if (!(jv_member (obj, "value") != NULL))
        return fail (ld, FS_TRACE_ERROR_FORMAT, value_key, "missing");
      if (!read_int_node (ld, jv_member (obj, "value"), value_key, 0, 255, &v))
        return FALSE;
      out->kind = FS_EXIT_CODE;
      out->value = (gint32) v;
      return TRUE;
    }
  if (strcmp (kind, "signal") == 0)
    {
      int signo = 0;
      gboolean core = FALSE;
      Jv *core_node = jv_member (obj, "core");
      if (!(jv_member (obj, "value") != NULL))
        return fail (ld, FS_TRACE_ERROR_FORMAT, value_key, "missing");
      if (!read_signal_node (ld, jv_member (obj, "value"), value_key, FALSE, &signo))
        return FALSE;
      if (core_node != NULL)
        {
          g_autofree char *full = g_strconcat (key, ".core", NULL);
          if (!jv_is (core_node, JV_BOOL))
            return fail (ld, FS_TRACE_ERROR_FORMAT, full, "expected true or false, got %s",
                         node_type_name (core_node));
          core = (core_node)->v.b;
        }
      out->kind = FS_EXIT_SIGNAL;
      out->value = signo;
      out->core = core ? 1 : 0;
      return TRUE;
    }
  {
    g_autofree char *full = g_strconcat (key, ".kind", NULL);
    return fail (ld, FS_TRACE_ERROR_FORMAT, full, "unknown exit kind \"%s\" (expected \"code\" or \"signal\")",
                 kind);
  }
}

static gboolean
get_flag_bits (JsonLoader *ld, Jv *obj, guint32 *flags, guint32 known_mask,
               const char *const *names, const guint32 *bits, gsize n_names, gint64 max_other)
{
  gint64 other = 0;

  for (gsize i = 0; i < n_names; i++)
    {
      gboolean set = FALSE;
      if (!get_bool (ld, obj, names[i], &set))
        return FALSE;
      if (set)
        *flags |= bits[i];
    }
  if (!get_int (ld, obj, "other_flags", FALSE, 0, max_other, 0, &other))
    return FALSE;
  if (other & known_mask)
    return fail (ld, FS_TRACE_ERROR_CORRUPT, "other_flags",
                 "names bits that have their own members");
  *flags |= (guint32) other;
  return TRUE;
}

static gboolean
load_meta (JsonLoader *ld, Jv *node)
{
  static const char *const members[] = {
    "recorder", "tracer", "command", "scenario", "start_wall_ns", "start_wall_time",
    "lost_events", "truncated", "extra", NULL
  };
  FsTraceMeta *meta = fs_trace_get_meta (ld->trace);
  Jv *obj;
  Jv *extra;
  char *recorder = NULL, *tracer = NULL, *command = NULL, *scenario = NULL;
  g_autofree char *wall_time = NULL;
  gint64 wall_ns = 0, lost = 0;
  gboolean truncated = FALSE;

  g_strlcpy (ld->where, "meta", sizeof ld->where);
  if (node == NULL)
    return TRUE;
  if (!jv_is (node, JV_OBJECT))
    return fail (ld, FS_TRACE_ERROR_FORMAT, NULL, "expected an object, got %s",
                 node_type_name (node));
  obj = node;
  if (!check_members (ld, obj, members, NULL) ||
      !get_optional_string (ld, obj, "recorder", &recorder))
    return FALSE;
  g_free (meta->recorder);
  meta->recorder = recorder;
  if (!get_optional_string (ld, obj, "tracer", &tracer))
    return FALSE;
  g_free (meta->tracer);
  meta->tracer = tracer;
  if (!get_optional_string (ld, obj, "command", &command))
    return FALSE;
  g_free (meta->command);
  meta->command = command;
  if (!get_optional_string (ld, obj, "scenario", &scenario))
    return FALSE;
  g_free (meta->scenario);
  meta->scenario = scenario;
  if (!get_int_or_null (ld, obj, "start_wall_ns", FALSE, G_MININT64, G_MAXINT64, 0, &wall_ns) ||
      !get_optional_string (ld, obj, "start_wall_time", &wall_time))
    return FALSE;
  if (wall_time != NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (wall_time, NULL);
      if (dt == NULL)
        return fail (ld, FS_TRACE_ERROR_FORMAT, "start_wall_time",
                     "\"%s\" is not an ISO 8601 date and time", wall_time);
      /* start_wall_ns is exact; the readable time only stands in for it. */
      if (wall_ns == 0)
        {
          gint64 seconds = g_date_time_to_unix (dt);
          /* Nanoseconds since 1970 fit in 64 bits from 1677 to 2262. */
          if (seconds <= G_MININT64 / 1000000000 || seconds >= G_MAXINT64 / 1000000000)
            return fail (ld, FS_TRACE_ERROR_CORRUPT, "start_wall_time",
                         "\"%s\" is out of range (years 1678 to 2261)", wall_time);
          wall_ns = seconds * G_GINT64_CONSTANT (1000000000) +
                    g_date_time_get_microsecond (dt) * 1000;
        }
    }
  meta->start_wall_ns = wall_ns;
  if (!get_int (ld, obj, "lost_events", FALSE, 0, G_MAXINT64, 0, &lost) ||
      !get_bool (ld, obj, "truncated", &truncated))
    return FALSE;
  meta->lost_events = (guint64) lost;
  meta->truncated = truncated;

  extra = jv_member (obj, "extra");
  if (extra != NULL && !jv_is (extra, JV_NULL))
    {
      if (!jv_is (extra, JV_OBJECT))
        return fail (ld, FS_TRACE_ERROR_FORMAT, "extra", "expected an object, got %s",
                     node_type_name (extra));
      for (guint32 m = 0; m < extra->n; m++)
        {
          const char *key = extra->keys[m];
          Jv *value = &extra->items[m];
          g_autofree char *path = g_strconcat ("extra.", key, NULL);
          const char *s = read_string_node (ld, value, path);
          if (s == NULL)
            return FALSE;
          fs_trace_meta_set_extra (ld->trace, key, s);
        }
    }
  return TRUE;
}

static gboolean
register_process_ids (JsonLoader *ld, Jv *processes)
{
  guint n = (processes)->n;

  for (guint i = 0; i < n; i++)
    {
      Jv *node = &(processes)->items[i];
      gint64 id = 0;
      gint64 *key;

      g_snprintf (ld->where, sizeof ld->where, "processes[%u]", i);
      if (!jv_is (node, JV_OBJECT))
        return fail (ld, FS_TRACE_ERROR_FORMAT, NULL, "expected an object, got %s",
                     node_type_name (node));
      if (!get_int (ld, node, "id", TRUE, 0, G_MAXINT64, 0, &id))
        return FALSE;
      if (g_hash_table_contains (ld->ids, &id))
        return fail (ld, FS_TRACE_ERROR_INVALID, "id", "duplicate process id %" G_GINT64_FORMAT, id);
      key = g_new (gint64, 1);
      *key = id;
      g_hash_table_insert (ld->ids, key, GUINT_TO_POINTER (i + 1));
    }
  return TRUE;
}

static gboolean
load_process (JsonLoader *ld, guint index, Jv *obj)
{
  static const char *const members[] = {
    "id", "pid", "parent", "name", "comm", "pgid", "sid", "start_ns", "end_ns", "reap_ns",
    "exit", "reparented_to", "threads", "hidden", "attached", "other_flags", NULL
  };
  static const char *const flag_names[] = { "hidden", "attached" };
  static const guint32 flag_bits[] = { FS_PROCESS_FLAG_HIDDEN, FS_PROCESS_FLAG_ATTACHED };
  gint64 pid, pgid, sid, start_ns, end_ns, reap_ns;
  FsProcessId id;
  FsProcess *p;
  Jv *name_node, *comm_node, *threads;
  const char *name;
  FsStringId comm = FS_STRING_NONE;
  guint32 flags = 0;

  g_snprintf (ld->where, sizeof ld->where, "processes[%u]", index);
  if (!check_members (ld, obj, members, NULL) ||
      !get_int (ld, obj, "pid", TRUE, G_MININT32, G_MAXINT32, 0, &pid) ||
      !get_int_or_null (ld, obj, "pgid", FALSE, G_MININT32, G_MAXINT32, 0, &pgid) ||
      !get_int_or_null (ld, obj, "sid", FALSE, G_MININT32, G_MAXINT32, 0, &sid) ||
      !get_int_or_null (ld, obj, "start_ns", TRUE, G_MININT64 + 1, G_MAXINT64, FS_TIME_NONE, &start_ns) ||
      !get_int_or_null (ld, obj, "end_ns", FALSE, G_MININT64 + 1, G_MAXINT64, FS_TIME_NONE, &end_ns) ||
      !get_int_or_null (ld, obj, "reap_ns", FALSE, G_MININT64 + 1, G_MAXINT64, FS_TIME_NONE, &reap_ns))
    return FALSE;
  if (!get_flag_bits (ld, obj, &flags, known_process_flags (), flag_names, flag_bits,
                      G_N_ELEMENTS (flag_names), G_MAXUINT32))
    return FALSE;

  name_node = get_required (ld, obj, "name");
  if (name_node == NULL || (name = read_string_node (ld, name_node, "name")) == NULL)
    return FALSE;
  /* The parent may be listed later; it is linked once all exist. */
  id = fs_trace_add_process (ld->trace, (gint32) pid, FS_PROCESS_NONE, start_ns, name);
  if (id != index)
    return fail (ld, FS_TRACE_ERROR_INVALID, NULL, "could not add the process");

  comm_node = jv_member (obj, "comm");
  if (comm_node != NULL && !jv_is (comm_node, JV_NULL))
    {
      if (!get_string_id (ld, obj, "comm", &comm))
        return FALSE;
    }
  else
    comm = fs_trace_intern (ld->trace, name);

  p = fs_trace_process (ld->trace, id);
  p->comm = comm;
  p->pgid = (gint32) pgid;
  p->sid = (gint32) sid;
  p->start_ns = start_ns;
  p->end_ns = end_ns;
  p->reap_ns = reap_ns;
  p->flags = flags;
  if (!read_exit_status (ld, jv_member (obj, "exit"), "exit", &p->exit))
    return FALSE;

  threads = jv_member (obj, "threads");
  if (threads != NULL && !jv_is (threads, JV_NULL))
    {
      Jv *array;
      if (!jv_is (threads, JV_ARRAY))
        return fail (ld, FS_TRACE_ERROR_FORMAT, "threads", "expected an array, got %s",
                     node_type_name (threads));
      array = threads;
      for (guint i = 0; i < (array)->n; i++)
        {
          char key[32];
          gint64 tid;
          g_snprintf (key, sizeof key, "threads[%u]", i);
          if (!read_int_node (ld, &(array)->items[i], key, 1, G_MAXINT32, &tid))
            return FALSE;
          fs_trace_process_add_thread (ld->trace, id, (gint32) tid);
        }
    }
  return TRUE;
}

/* Links parents and adopters once every process exists. */
static gboolean
link_process (JsonLoader *ld, guint index, Jv *obj)
{
  FsProcessId parent = FS_PROCESS_NONE, adopter = FS_PROCESS_NONE;
  FsProcess *p;

  g_snprintf (ld->where, sizeof ld->where, "processes[%u]", index);
  if (!get_process_ref (ld, obj, "parent", TRUE, REF_OPTIONAL, &parent) ||
      !get_process_ref (ld, obj, "reparented_to", FALSE, REF_OPTIONAL, &adopter))
    return FALSE;
  if (parent == index)
    return fail (ld, FS_TRACE_ERROR_INVALID, "parent", "a process cannot be its own parent");
  p = fs_trace_process (ld->trace, index);
  p->parent = parent;
  p->reparented_to = adopter;
  return TRUE;
}

/* The members each event kind may have besides the common ones. */
static const char *const common_event_members[] = {
  "t_ns", "kind", "process", "signal", "inferred", "queued", "coalesced", "time_clamped",
  "thread_directed", "other_flags", NULL
};

static const char *const *
event_members (FsEventKind kind)
{
  static const char *const fork_m[] = { "child", NULL };
  static const char *const exec_m[] = { "path", "argv", NULL };
  static const char *const rename_m[] = { "comm", NULL };
  static const char *const send_m[] = { "target", "code", "result", NULL };
  static const char *const deliver_m[] = { "code", "action", "sender", NULL };
  static const char *const exit_m[] = { "status", NULL };
  static const char *const reap_m[] = { "child", "status", NULL };
  static const char *const output_m[] = { "stream", "text", NULL };
  static const char *const marker_m[] = { "text", "line", NULL };
  static const char *const block_m[] = { "reason", "line", NULL };
  static const char *const thread_m[] = { "tid", NULL };
  static const char *const none_m[] = { NULL };

  switch (kind)
    {
    case FS_EVENT_FORK: return fork_m;
    case FS_EVENT_EXEC: return exec_m;
    case FS_EVENT_RENAME: return rename_m;
    case FS_EVENT_SIGNAL_SEND: return send_m;
    case FS_EVENT_SIGNAL_DELIVER: return deliver_m;
    case FS_EVENT_EXIT: return exit_m;
    case FS_EVENT_REAP: return reap_m;
    case FS_EVENT_OUTPUT: return output_m;
    case FS_EVENT_MARKER: return marker_m;
    case FS_EVENT_BLOCK:
    case FS_EVENT_UNBLOCK: return block_m;
    case FS_EVENT_THREAD: return thread_m;
    case FS_EVENT_STOP:
    case FS_EVENT_CONTINUE:
    case FS_EVENT_KIND_LAST:
    default:
      return none_m;
    }
}

static gboolean
read_send_result (JsonLoader *ld, Jv *obj, gint32 *out)
{
  Jv *node = jv_member (obj, "result");
  gint64 v = 0;

  *out = 0;
  if (node == NULL)
    return TRUE;
  if (jv_is (node, JV_STRING))
    {
      const char *s = (node)->v.s;
      for (int e = 1; e < 4096; e++)
        {
          const char *name = strerrorname_np (e);
          if (name != NULL && strcmp (name, s) == 0)
            {
              *out = -e;
              return TRUE;
            }
        }
      return fail (ld, FS_TRACE_ERROR_CORRUPT, "result", "unknown errno name \"%s\"", s);
    }
  if (!read_int_node (ld, node, "result", G_MININT32, G_MAXINT32, &v))
    return FALSE;
  *out = (gint32) v;
  return TRUE;
}

static gboolean
read_target (JsonLoader *ld, Jv *obj, FsEvent *ev)
{
  Jv *node = get_required (ld, obj, "target");
  Jv *t;
  gint64 v = 0;

  if (node == NULL)
    return FALSE;
  if (!jv_is (node, JV_OBJECT))
    {
      FsProcessId target;
      if (jv_is (node, JV_NULL))
        return fail (ld, FS_TRACE_ERROR_FORMAT, "target", "must not be null");
      if (!read_process_ref (ld, node, "target", REF_PROCESS, &target))
        return FALSE;
      ev->u.send.target_kind = FS_TARGET_PROCESS;
      ev->u.send.target = target;
      return TRUE;
    }
  t = node;
  if ((t)->n != 1)
    return fail (ld, FS_TRACE_ERROR_FORMAT, "target",
                 "expected one of {\"group\": PGID}, {\"pid\": PID}, {\"all\": true}");
  if ((jv_member (t, "group") != NULL))
    {
      if (!read_int_node (ld, jv_member (t, "group"), "target.group", 0,
                          G_MAXINT32, &v))
        return FALSE;
      ev->u.send.target_kind = FS_TARGET_GROUP;
      ev->u.send.target = (guint32) v;
      return TRUE;
    }
  if ((jv_member (t, "pid") != NULL))
    {
      if (!read_int_node (ld, jv_member (t, "pid"), "target.pid", G_MININT32,
                          G_MAXINT32, &v))
        return FALSE;
      ev->u.send.target_kind = FS_TARGET_PID;
      ev->u.send.target = (guint32) (gint32) v;
      return TRUE;
    }
  if ((jv_member (t, "all") != NULL))
    {
      Jv *all = jv_member (t, "all");
      if (!jv_is (all, JV_BOOL) || !(all)->v.b)
        return fail (ld, FS_TRACE_ERROR_FORMAT, "target.all", "must be true");
      ev->u.send.target_kind = FS_TARGET_ALL;
      ev->u.send.target = 0;
      return TRUE;
    }
  return fail (ld, FS_TRACE_ERROR_FORMAT, "target",
               "expected one of {\"group\": PGID}, {\"pid\": PID}, {\"all\": true}");
}

static gboolean
read_enum_name (JsonLoader *ld, Jv *obj, const char *key, gboolean required,
                gboolean (*from_name) (const char *, int *), int n_values, int *out)
{
  Jv *node = jv_member (obj, key);
  gint64 v;

  if (node == NULL)
    {
      if (required)
        return fail (ld, FS_TRACE_ERROR_FORMAT, key, "missing");
      *out = 0;
      return TRUE;
    }
  if (jv_is (node, JV_STRING))
    {
      if (!from_name ((node)->v.s, out))
        return fail (ld, FS_TRACE_ERROR_CORRUPT, key, "unknown value \"%s\"",
                     (node)->v.s);
      return TRUE;
    }
  if (!read_int_node (ld, node, key, 0, n_values - 1, &v))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

static gboolean
action_from_name (const char *name, int *out)
{
  FsSignalAction action;
  if (!fs_signal_action_from_name (name, &action))
    return FALSE;
  *out = action;
  return TRUE;
}

static gboolean
reason_from_name (const char *name, int *out)
{
  FsBlockReason reason;
  if (!fs_block_reason_from_name (name, &reason))
    return FALSE;
  *out = reason;
  return TRUE;
}

static gboolean
stream_from_name (const char *name, int *out)
{
  if (strcmp (name, "stdout") == 0)
    *out = FS_STREAM_STDOUT;
  else if (strcmp (name, "stderr") == 0)
    *out = FS_STREAM_STDERR;
  else
    return FALSE;
  return TRUE;
}

static gboolean
load_event (JsonLoader *ld, gsize index, Jv *node)
{
  static const char *const flag_names[] = {
    "inferred", "queued", "coalesced", "time_clamped", "thread_directed"
  };
  static const guint32 flag_bits[] = {
    FS_EVENT_FLAG_INFERRED, FS_EVENT_FLAG_QUEUED, FS_EVENT_FLAG_COALESCED,
    FS_EVENT_FLAG_TIME_CLAMPED, FS_EVENT_FLAG_THREAD_DIRECTED
  };
  Jv *obj;
  Jv *kind_node, *signal_node;
  FsEventKind kind;
  FsEvent ev;
  gint64 t_ns, v;
  guint32 flags = 0;
  int signo = 0, e = 0;

  g_snprintf (ld->where, sizeof ld->where, "events[%" G_GSIZE_FORMAT "]", index);
  if (!jv_is (node, JV_OBJECT))
    return fail (ld, FS_TRACE_ERROR_FORMAT, NULL, "expected an object, got %s",
                 node_type_name (node));
  obj = node;

  kind_node = get_required (ld, obj, "kind");
  if (kind_node == NULL)
    return FALSE;
  if (!jv_is (kind_node, JV_STRING))
    return fail (ld, FS_TRACE_ERROR_FORMAT, "kind", "expected a string, got %s",
                 node_type_name (kind_node));
  if (!fs_event_kind_from_name ((kind_node)->v.s, &kind))
    return fail (ld, FS_TRACE_ERROR_CORRUPT, "kind", "unknown event kind \"%s\"",
                 (kind_node)->v.s);
  if (!check_members (ld, obj, common_event_members, event_members (kind)) ||
      !get_int (ld, obj, "t_ns", TRUE, G_MININT64 + 1, G_MAXINT64, 0, &t_ns) ||
      !get_flag_bits (ld, obj, &flags, known_event_flags (), flag_names, flag_bits,
                      G_N_ELEMENTS (flag_names), G_MAXUINT16))
    return FALSE;

  memset (&ev, 0, sizeof ev);
  ev.t_ns = t_ns;
  ev.kind = kind;
  ev.flags = (guint16) flags;
  if (kind == FS_EVENT_SIGNAL_SEND)
    {
      if (!get_process_ref (ld, obj, "process", TRUE, REF_SEND_ACTOR, &ev.process))
        return FALSE;
    }
  else if (!get_process_ref (ld, obj, "process", TRUE, REF_PROCESS, &ev.process))
    return FALSE;

  signal_node = jv_member (obj, "signal");
  if (signal_node == NULL && (kind == FS_EVENT_SIGNAL_SEND || kind == FS_EVENT_SIGNAL_DELIVER))
    return fail (ld, FS_TRACE_ERROR_FORMAT, "signal", "missing");
  if (signal_node != NULL && !read_signal_node (ld, signal_node, "signal", TRUE, &signo))
    return FALSE;
  ev.signal = (guint8) signo;

  switch (kind)
    {
    case FS_EVENT_FORK:
      if (!get_process_ref (ld, obj, "child", TRUE, REF_PROCESS, &ev.u.fork.child))
        return FALSE;
      break;
    case FS_EVENT_EXEC:
      {
        Jv *argv_node = jv_member (obj, "argv");
        if (!get_string_id (ld, obj, "path", &ev.u.exec.path))
          return FALSE;
        ev.u.exec.argv = FS_STRV_NONE;
        if (argv_node != NULL && !jv_is (argv_node, JV_NULL))
          {
            Jv *array;
            g_autoptr(GPtrArray) strv = g_ptr_array_new_with_free_func (g_free);
            if (!jv_is (argv_node, JV_ARRAY))
              return fail (ld, FS_TRACE_ERROR_FORMAT, "argv", "expected an array of strings, got %s",
                           node_type_name (argv_node));
            array = argv_node;
            for (guint i = 0; i < (array)->n; i++)
              {
                char key[32];
                const char *s;
                g_snprintf (key, sizeof key, "argv[%u]", i);
                s = read_string_node (ld, &(array)->items[i], key);
                if (s == NULL)
                  return FALSE;
                g_ptr_array_add (strv, g_strdup (s));
              }
            g_ptr_array_add (strv, NULL);
            ev.u.exec.argv = fs_trace_add_strv (ld->trace, (const char *const *) strv->pdata);
          }
      }
      break;
    case FS_EVENT_RENAME:
      if (!get_string_id (ld, obj, "comm", &ev.u.rename.comm))
        return FALSE;
      break;
    case FS_EVENT_SIGNAL_SEND:
      if (!read_target (ld, obj, &ev) ||
          !get_signal_code (ld, obj, "code", &ev.u.send.code) ||
          !read_send_result (ld, obj, &ev.u.send.result))
        return FALSE;
      break;
    case FS_EVENT_SIGNAL_DELIVER:
      if (!get_signal_code (ld, obj, "code", &ev.u.deliver.code) ||
          !read_enum_name (ld, obj, "action", TRUE, action_from_name, FS_ACTION_LAST, &e) ||
          !get_process_ref (ld, obj, "sender", FALSE, REF_SENDER, &ev.u.deliver.sender))
        return FALSE;
      ev.u.deliver.action = (guint8) e;
      break;
    case FS_EVENT_EXIT:
      if (get_required (ld, obj, "status") == NULL ||
          !read_exit_status (ld, jv_member (obj, "status"), "status",
                             &ev.u.exit.status))
        return FALSE;
      break;
    case FS_EVENT_REAP:
      if (!get_process_ref (ld, obj, "child", TRUE, REF_PROCESS, &ev.u.reap.child) ||
          !read_exit_status (ld, jv_member (obj, "status"), "status",
                             &ev.u.reap.status))
        return FALSE;
      break;
    case FS_EVENT_OUTPUT:
      if (!read_enum_name (ld, obj, "stream", FALSE, stream_from_name, 2, &e) ||
          !get_string_id (ld, obj, "text", &ev.u.output.text))
        return FALSE;
      ev.u.output.stream = (guint8) e;
      break;
    case FS_EVENT_MARKER:
      if (!get_string_id (ld, obj, "text", &ev.u.marker.text) ||
          !get_int (ld, obj, "line", FALSE, 0, G_MAXUINT32, 0, &v))
        return FALSE;
      ev.u.marker.line = (guint32) v;
      break;
    case FS_EVENT_BLOCK:
    case FS_EVENT_UNBLOCK:
      if (!read_enum_name (ld, obj, "reason", FALSE, reason_from_name, FS_BLOCK_LAST, &e) ||
          !get_int (ld, obj, "line", FALSE, 0, G_MAXUINT32, 0, &v))
        return FALSE;
      ev.u.block.reason = (guint8) e;
      ev.u.block.line = (guint32) v;
      break;
    case FS_EVENT_THREAD:
      if (!get_int (ld, obj, "tid", TRUE, 1, G_MAXINT32, 0, &v))
        return FALSE;
      ev.u.thread.tid = (gint32) v;
      break;
    case FS_EVENT_STOP:
    case FS_EVENT_CONTINUE:
    case FS_EVENT_KIND_LAST:
    default:
      break;
    }

  fs_trace_append_event (ld->trace, &ev);
  return TRUE;
}

/* Where each top-level member's value starts; NO_MEMBER when absent. */
#define NO_MEMBER G_MAXSIZE

typedef struct {
  gsize format;
  gsize version;
  gsize meta;
  gsize processes;
  gsize events;
} TopLevel;

static gboolean
syntax_error (JsonLoader *ld, JsonScan *s)
{
  g_set_error (ld->error, FS_TRACE_ERROR, FS_TRACE_ERROR_FORMAT,
               "%s: byte %" G_GSIZE_FORMAT ": invalid JSON: %s", ld->name, s->error_pos,
               s->error);
  ld->failed = TRUE;
  return FALSE;
}

static const char *
value_type_at (JsonScan *s, gsize pos)
{
  switch (pos < s->len ? s->data[pos] : '\0')
    {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case 't': case 'f': return "a boolean";
    case 'n': return "null";
    default: return "a number";
    }
}

/* The first pass: checks the syntax of the whole document without keeping
 * anything, and notes where the top-level members are. */
static gboolean
scan_top_level (JsonLoader *ld, JsonScan *s, TopLevel *top)
{
  static const char *const names[] = { "format", "version", "meta", "processes", "events" };
  gsize *slots[] = { &top->format, &top->version, &top->meta, &top->processes, &top->events };
  g_autofree char *unknown = NULL;

  top->format = top->version = top->meta = top->processes = top->events = NO_MEMBER;
  s->pos = 0;
  skip_space (s);
  if (s->pos + 3 <= s->len && memcmp (s->data + s->pos, "\xef\xbb\xbf", 3) == 0)
    return scan_fail (s, "a byte order mark is not allowed"), syntax_error (ld, s);
  if (s->pos >= s->len || s->data[s->pos] != '{')
    {
      gsize first = s->pos;
      if (!scan_value (s, NULL))
        return syntax_error (ld, s);
      return fail (ld, FS_TRACE_ERROR_FORMAT, NULL,
                   "not a forkscope JSON trace (the top level is %s, not an object)",
                   value_type_at (s, first));
    }
  s->pos++;
  skip_space (s);
  if (s->pos < s->len && s->data[s->pos] == '}')
    s->pos++;
  else
    for (;;)
      {
        const char *key = NULL;
        guint32 key_len = 0;
        gsize *slot = NULL;

        skip_space (s);
        if (s->pos >= s->len || s->data[s->pos] != '"')
          {
            if (s->pos >= s->len)
              scan_fail (s, "unexpected end of the document");
            else
              scan_fail (s, "expected a member name in quotes");
            return syntax_error (ld, s);
          }
        if (!scan_string (s, &key, &key_len) || !expect_char (s, ':'))
          return syntax_error (ld, s);
        skip_space (s);
        for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
          if (strcmp (names[i], key) == 0)
            slot = slots[i];
        if (slot == NULL && unknown == NULL)
          unknown = g_strdup (key);
        if (slot != NULL && *slot != NO_MEMBER)
          return scan_fail (s, "duplicate member \"%s\"", key), syntax_error (ld, s);
        if (slot != NULL)
          *slot = s->pos;
        if (!scan_value (s, NULL))
          return syntax_error (ld, s);
        skip_space (s);
        if (s->pos < s->len && s->data[s->pos] == ',')
          {
            s->pos++;
            continue;
          }
        if (s->pos < s->len && s->data[s->pos] == '}')
          {
            s->pos++;
            break;
          }
        scan_fail (s, s->pos >= s->len ? "unexpected end of the document, expected ',' or '}'"
                                       : "expected ',' or '}'");
        return syntax_error (ld, s);
      }
  skip_space (s);
  if (s->pos < s->len)
    return scan_fail (s, "unexpected data after the top-level object"), syntax_error (ld, s);

  /* Is this our format at all?  Say so before complaining about details. */
  {
    Jv format, version;
    if (top->format != NO_MEMBER)
      {
        s->pos = top->format;
        scan_value (s, &format);
      }
    if (top->format == NO_MEMBER || !jv_is (&format, JV_STRING) ||
        strcmp (format.v.s, FS_TRACE_JSON_FORMAT) != 0)
      return fail (ld, FS_TRACE_ERROR_FORMAT, "format",
                   "not a forkscope JSON trace (expected \"format\": \"" FS_TRACE_JSON_FORMAT "\")");
    if (top->version == NO_MEMBER)
      return fail (ld, FS_TRACE_ERROR_FORMAT, "version", "missing");
    s->pos = top->version;
    scan_value (s, &version);
    if (!jv_is (&version, JV_INT))
      return fail (ld, FS_TRACE_ERROR_FORMAT, "version", "expected an integer, got %s",
                   node_type_name (&version));
    if (version.v.i != FS_TRACE_JSON_VERSION)
      return fail (ld, FS_TRACE_ERROR_VERSION, "version",
                   "unsupported version %" G_GINT64_FORMAT " (this build reads version %d)",
                   version.v.i, FS_TRACE_JSON_VERSION);
  }
  if (unknown != NULL)
    return fail (ld, FS_TRACE_ERROR_FORMAT, unknown, "unknown member");
  if (top->processes == NO_MEMBER)
    return fail (ld, FS_TRACE_ERROR_FORMAT, "processes", "missing");
  if (top->events == NO_MEMBER)
    return fail (ld, FS_TRACE_ERROR_FORMAT, "events", "missing");
  if (s->data[top->processes] != '[')
    return fail (ld, FS_TRACE_ERROR_FORMAT, "processes", "expected an array, got %s",
                 value_type_at (s, top->processes));
  if (s->data[top->events] != '[')
    return fail (ld, FS_TRACE_ERROR_FORMAT, "events", "expected an array, got %s",
                 value_type_at (s, top->events));
  return TRUE;
}

/* The second pass: meta and processes as values, then the events one by
 * one, each parsed into a scratch arena that is reset after it. */
static gboolean
load_document (JsonLoader *ld, JsonScan *s, const TopLevel *top, Arena *event_arena)
{
  Jv meta, processes;
  Arena *document_arena = s->arena;
  guint n_processes;
  gsize index = 0;

  if (top->meta != NO_MEMBER)
    {
      s->pos = top->meta;
      if (!scan_value (s, &meta))
        return syntax_error (ld, s);
      if (!jv_is (&meta, JV_NULL) && !load_meta (ld, &meta))
        return FALSE;
    }
  ld->where[0] = '\0';

  s->pos = top->processes;
  if (!scan_value (s, &processes))
    return syntax_error (ld, s);
  n_processes = processes.n;
  if (n_processes >= FS_PROCESS_KERNEL)
    return fail (ld, FS_TRACE_ERROR_CORRUPT, "processes", "too many processes");
  if (!register_process_ids (ld, &processes))
    return FALSE;
  for (guint i = 0; i < n_processes; i++)
    if (!load_process (ld, i, &processes.items[i]))
      return FALSE;
  for (guint i = 0; i < n_processes; i++)
    if (!link_process (ld, i, &processes.items[i]))
      return FALSE;

  s->arena = event_arena;
  s->pos = top->events + 1;
  skip_space (s);
  if (s->pos < s->len && s->data[s->pos] == ']')
    {
      s->arena = document_arena;
      return TRUE;
    }
  for (;;)
    {
      Jv event;
      arena_reset (event_arena);
      if (!scan_value (s, &event))
        return syntax_error (ld, s);
      if (!load_event (ld, index++, &event))
        return FALSE;
      skip_space (s);
      if (s->pos < s->len && s->data[s->pos] == ',')
        s->pos++;
      else
        break;
    }
  s->arena = document_arena;
  return TRUE;
}

FsTrace *
fs_trace_load_json_data (const char *data, gssize len, const char *name, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FsTrace) trace = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GByteArray) scratch = NULL;
  Arena document_arena, event_arena;
  JsonLoader ld = { 0 };
  JsonScan s = { 0 };
  TopLevel top;
  gboolean ok;

  g_return_val_if_fail (data != NULL, NULL);
  if (name == NULL)
    name = "JSON";
  if (len < 0)
    len = (gssize) strlen (data);

  trace = fs_trace_new ();
  ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  scratch = g_byte_array_new ();
  ld.name = name;
  ld.trace = trace;
  ld.ids = ids;
  ld.error = error;
  ld.scratch = scratch;
  arena_init (&document_arena);
  arena_init (&event_arena);
  s.data = data;
  s.len = (gsize) len;
  s.arena = &document_arena;
  s.values = g_array_new (FALSE, FALSE, sizeof (Jv));
  s.keys = g_ptr_array_new ();

  ok = scan_top_level (&ld, &s, &top) && load_document (&ld, &s, &top, &event_arena);

  g_free (s.error);
  g_array_unref (s.values);
  g_ptr_array_unref (s.keys);
  arena_clear (&document_arena);
  arena_clear (&event_arena);
  if (!ok)
    return NULL;

  if (!fs_trace_finish (trace, &local_error))
    {
      g_set_error (error, FS_TRACE_ERROR, local_error->domain == FS_TRACE_ERROR ?
                   local_error->code : FS_TRACE_ERROR_INVALID,
                   "%s: %s", name, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&trace);
}

FsTrace *
fs_trace_load_json (const char *path, GError **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *data;

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, FS_TRACE_ERROR, FS_TRACE_ERROR_IO, "%s: cannot open: %s", path,
                   local_error->message);
      return NULL;
    }
  data = g_mapped_file_get_contents (file);
  return fs_trace_load_json_data (data != NULL ? data : "", (gssize) g_mapped_file_get_length (file),
                                  path, error);
}

/* sequence-draw.c: the sequence diagram.
 *
 * Layout walks the events once (in time order) and turns each shown event into
 * an item with a row; drawing then paints items, culled by the clip.  Columns
 * follow the visible process tree depth-first, so a parent stands left of its
 * children and fork arrows point right.  A process alive when the diagram
 * starts has its head box at the top; one forked inside it gets its head box
 * at its fork, and its lifeline ends at its reap (or exit when never reaped). */
#include "sequence-draw.h"
#include "draw-common.h"

#include <math.h>
#include <string.h>

#define MARGIN         24.0
#define AXIS_WIDTH     78.0
#define TITLE_BAND     54.0
#define HEAD_HEIGHT    40.0
#define ROW_HEIGHT     28.0
#define SMALL_ROW      22.0
#define GAP_EXTRA      26.0
#define COLUMN_GAP     36.0
#define NOTE_MAX_WIDTH 290.0
#define NOTE_LINE      14.0
#define NO_COLUMN      G_MAXUINT

typedef enum {
  ITEM_HEAD,       /* participant box */
  ITEM_FORK,
  ITEM_SIGNAL,     /* arrow send → delivery */
  ITEM_DELIVER,    /* mark on the receiver with the action */
  ITEM_EXIT,
  ITEM_REAP,
  ITEM_NOTE,       /* output line(s) */
  ITEM_EXEC,
  ITEM_BLOCK,
  ITEM_STOP,
  ITEM_CONTINUE,
  ITEM_GAP,        /* break in compressed time */
  ITEM_SEGMENT,    /* a stretch of lifeline in one state */
  ITEM_TIME,       /* time label on the axis */
} ItemKind;

typedef struct {
  guint8  kind;
  guint8  label_left; /* text on the left of the lifeline (an arrow passes on the right) */
  guint8  state;      /* SEGMENT: FsStateKind; SIGNAL: inferred */
  guint8  action;     /* DELIVER */
  guint8  signo;
  guint   col, col2;  /* col2: arrow target column */
  double  y, y2;      /* y2: arrow end / segment end / note height */
  char   *text;       /* owned */
} Item;

typedef struct {
  FsProcessId id;
  double      center;
  double      left, right;   /* extents around the centre */
  double      head_w;        /* width of the head box */
  double      head_y;        /* < 0 until headed */
  double      state_y;       /* start of the current lifeline segment */
  guint8      state;         /* FsStateKind of the current segment */
  gboolean    ended;
} Column;

struct _FsSequenceLayout {
  FsTrace          *trace;
  FsSequenceOptions options;
  GArray           *columns;     /* Column */
  GArray           *items;       /* Item */
  guint             n_rows;
  double            width, height;
  double            rows_top, rows_bottom;
  char             *title;
  char             *subtitle;
  /* time ↔ y for fs_sequence_layout_time_to_y */
  GArray           *row_times;   /* gint64 */
  GArray           *row_ys;      /* double */
};

void
fs_sequence_options_init (FsSequenceOptions *options)
{
  memset (options, 0, sizeof *options);
  fs_export_filter_init (&options->filter);
  options->time_mode = FS_SEQUENCE_TIME_COMPRESSED;
  options->show_output = TRUE;
  options->show_exec = TRUE;
}

static void
add_item (FsSequenceLayout *self, ItemKind kind, guint col, guint col2, double y, double y2,
          char *text)
{
  Item it = { .kind = kind, .col = col, .col2 = col2, .y = y, .y2 = y2, .text = text };
  g_array_append_val (self->items, it);
}

static Item *
last_item (FsSequenceLayout *self)
{
  return &g_array_index (self->items, Item, self->items->len - 1);
}

static const char *
action_text (guint8 action)
{
  switch (action)
    {
    case FS_ACTION_HANDLER: return "handled";
    case FS_ACTION_IGNORED: return "ignored";
    case FS_ACTION_TERMINATE: return "terminated";
    case FS_ACTION_CORE: return "terminated (core)";
    case FS_ACTION_STOP: return "stopped";
    case FS_ACTION_CONTINUE: return "continued";
    case FS_ACTION_SIGWAIT: return "consumed by sigwait";
    case FS_ACTION_SIGNALFD: return "read from signalfd";
    default: return "delivered";
    }
}

/* Columns in tree order: a parent stands left of its children. */
static void
collect_columns (FsSequenceLayout *self, guint *col_of)
{
  g_autoptr(GArray) order = fs_tree_order (self->trace, &self->options.filter, NULL);

  for (guint i = 0; i < order->len; i++)
    {
      FsProcessId v = g_array_index (order, FsProcessId, i);
      Column c = { .id = v, .head_y = -1, .state = FS_STATE_RUNNING };
      col_of[v] = self->columns->len;
      g_array_append_val (self->columns, c);
    }
}

static guint
column_of (const guint *col_of, FsTrace *trace, FsProcessId id)
{
  if (id >= fs_trace_n_processes (trace))
    return NO_COLUMN;
  return col_of[id];
}

static void
end_segment (FsSequenceLayout *self, guint col, double y)
{
  Column *c = &g_array_index (self->columns, Column, col);
  if (c->head_y < 0 || c->ended)
    return;
  if (y > c->state_y)
    add_item (self, ITEM_SEGMENT, col, col, c->state_y, y, NULL), last_item (self)->state = c->state;
  c->state_y = y;
}

static void
set_state (FsSequenceLayout *self, guint col, double y, FsStateKind state)
{
  Column *c = &g_array_index (self->columns, Column, col);
  if (c->head_y < 0 || c->ended || c->state == state)
    return;
  end_segment (self, col, y);
  c->state = state;
}

/* Wraps text into at most 3 lines of NOTE_MAX_WIDTH; returns the lines joined by \n. */
static char *
wrap_note (FsTextContext *tc, const char *text, double *width, guint *n_lines)
{
  PangoLayout *layout = tc->layout;
  PangoRectangle logical;
  pango_layout_set_font_description (layout, tc->fonts[FS_FONT_BODY]);
  pango_layout_set_width (layout, (int) (NOTE_MAX_WIDTH * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, -3);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  if (g_utf8_validate (text, -1, NULL))
    pango_layout_set_text (layout, text, -1);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);
      pango_layout_set_text (layout, valid, -1);
    }
  pango_layout_get_extents (layout, NULL, &logical);
  *width = (double) logical.width / PANGO_SCALE;
  *n_lines = (guint) pango_layout_get_line_count (layout);
  pango_layout_set_height (layout, -1);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  return g_strdup (text);
}

FsSequenceLayout *
fs_sequence_layout_new (FsTrace *trace, const FsSequenceOptions *options)
{
  FsSequenceOptions defaults;
  FsSequenceLayout *self = g_new0 (FsSequenceLayout, 1);
  FsTextContext tc;
  guint n = fs_trace_n_processes (trace);
  gint64 duration = fs_trace_duration (trace);

  if (options == NULL)
    {
      fs_sequence_options_init (&defaults);
      options = &defaults;
    }
  self->trace = g_object_ref (trace);
  self->options = *options;
  self->title = g_strdup (options->title);
  self->options.title = self->title;
  /* The process list is borrowed only during layout. */
  self->options.filter.processes = NULL;
  self->options.filter.n_processes = 0;
  self->columns = g_array_new (FALSE, FALSE, sizeof (Column));
  self->items = g_array_new (FALSE, FALSE, sizeof (Item));
  self->row_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->row_ys = g_array_new (FALSE, FALSE, sizeof (double));

  const FsExportFilter *filter = &options->filter;
  gint64 from = filter->from_ns != FS_TIME_NONE ? filter->from_ns : 0;
  gint64 to = filter->to_ns != FS_TIME_NONE ? filter->to_ns : duration;
  g_autofree guint *col_of = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    col_of[i] = NO_COLUMN;
  {
    FsSequenceLayout tmp = *self;
    tmp.options.filter = *filter;
    collect_columns (&tmp, col_of);
  }

  gsize first = 0;
  gsize count = fs_trace_range (trace, from, to == G_MAXINT64 ? to : to + 1, &first);

  /* Is there a kernel column? */
  gboolean kernel = FALSE;
  for (gsize i = first; i < first + count && !kernel; i++)
    {
      FsSignalArrow arrow;
      if (fs_export_signal_arrow (trace, i, &arrow) && arrow.sender == FS_PROCESS_KERNEL &&
          arrow.receiver != FS_PROCESS_NONE && column_of (col_of, trace, arrow.receiver) != NO_COLUMN)
        kernel = TRUE;
    }
  guint kernel_col = NO_COLUMN;
  if (kernel)
    {
      Column c = { .id = FS_PROCESS_KERNEL, .head_y = -1, .state = FS_STATE_RUNNING };
      g_array_prepend_val (self->columns, c);
      for (guint i = 0; i < n; i++)
        if (col_of[i] != NO_COLUMN)
          col_of[i]++;
      kernel_col = 0;
    }

  fs_text_context_init (&tc, NULL, fs_palette_get (FS_THEME_LIGHT));

  /* Column extents from their head labels (notes widen them below). */
  for (guint c = 0; c < self->columns->len; c++)
    {
      Column *col = &g_array_index (self->columns, Column, c);
      double w1 = 0, w2 = 0;
      if (col->id == FS_PROCESS_KERNEL)
        fs_text_measure (&tc, FS_FONT_BOLD, "kernel", &w1, NULL);
      else
        {
          char buf[32];
          fs_text_measure (&tc, FS_FONT_BOLD, fs_trace_process_name (trace, col->id), &w1, NULL);
          g_snprintf (buf, sizeof buf, "pid %d", fs_trace_process (trace, col->id)->pid);
          fs_text_measure (&tc, FS_FONT_SMALL, buf, &w2, NULL);
        }
      double half = MIN (MAX (w1, w2), 220.0) / 2 + 14;
      col->head_w = MAX (2 * half - 4, 96.0);
      col->left = MAX (half, 56.0);
      col->right = MAX (half, 64.0);
    }

  /* Pass 1: rows and y positions. */
  double top = MARGIN + (self->title != NULL ? TITLE_BAND : 0);
  double heads_bottom = top + HEAD_HEIGHT;
  double y = heads_bottom + 18;
  gint64 prev_t = FS_TIME_NONE;
  gint64 gap_threshold = MAX ((gint64) 1000000, (to - from) / 10);
  double proportional_scale = 0;
  if (options->time_mode == FS_SEQUENCE_TIME_PROPORTIONAL)
    {
      /* Roughly the height compressed mode would use, spread over real time. */
      double target = CLAMP (count * ROW_HEIGHT * 0.8, 480.0, 24000.0);
      proportional_scale = to > from ? target / (double) (to - from) : 0;
    }
  double y_origin = y;

  /* Processes alive at the start of the window get their head at the top. */
  g_autofree FsProcessState *initial = g_new0 (FsProcessState, MAX (n, 1));
  if (from > 0)
    fs_trace_states_at (trace, from - 1, initial);
  for (guint c = 0; c < self->columns->len; c++)
    {
      Column *col = &g_array_index (self->columns, Column, c);
      gboolean at_top;
      if (col->id == FS_PROCESS_KERNEL)
        at_top = TRUE;
      else
        {
          const FsProcess *p = fs_trace_process (trace, col->id);
          FsProcessId vp = fs_export_filter_visible_parent (filter, trace, col->id);
          at_top = p->start_ns < from || vp == FS_PROCESS_NONE || col_of[vp] == NO_COLUMN;
          if (from > 0 && p->start_ns < from)
            col->state = initial[col->id].state != FS_STATE_UNBORN ? initial[col->id].state
                                                                   : FS_STATE_RUNNING;
        }
      if (at_top)
        {
          col->head_y = top;
          col->state_y = heads_bottom;
          add_item (self, ITEM_HEAD, c, c, top, heads_bottom, NULL);
        }
    }

  double last_row_y = y;
  g_autoptr(GHashTable) open_arrows = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree char *last_time_label = NULL;
  gint64 last_row_t = 0;
  for (gsize i = first; i < first + count; i++)
    {
      const FsEvent *ev = fs_trace_event (trace, i);
      FsSignalArrow arrow;
      guint col = ev->process == FS_PROCESS_KERNEL ? kernel_col : column_of (col_of, trace, ev->process);
      ItemKind kind;
      guint col2 = NO_COLUMN;
      double height = ROW_HEIGHT;
      gboolean row = TRUE;

      if (options->progress != NULL && ((i - first) & 1023) == 0)
        options->progress (0.6 * (double) (i - first) / MAX (count, 1), options->progress_data);

      switch (ev->kind)
        {
        case FS_EVENT_FORK:
          col2 = column_of (col_of, trace, ev->u.fork.child);
          if (col2 == NO_COLUMN)
            continue;
          {
            FsProcessId vp = fs_export_filter_visible_parent (filter, trace, ev->u.fork.child);
            col = vp != FS_PROCESS_NONE ? column_of (col_of, trace, vp) : NO_COLUMN;
          }
          if (g_array_index (self->columns, Column, col2).head_y >= 0)
            continue;
          kind = ITEM_FORK;
          height = HEAD_HEIGHT + 12;
          break;
        case FS_EVENT_SIGNAL_SEND:
        case FS_EVENT_SIGNAL_DELIVER:
          if (!fs_export_signal_arrow (trace, i, &arrow))
            {
              /* A delivery whose send was drawn already: its mark gets a row. */
              if (ev->kind != FS_EVENT_SIGNAL_DELIVER || col == NO_COLUMN)
                continue;
              kind = ITEM_DELIVER;
              break;
            }
          if (arrow.receiver == FS_PROCESS_NONE)
            continue;
          col2 = column_of (col_of, trace, arrow.receiver);
          if (col2 == NO_COLUMN)
            continue;
          col = arrow.sender == FS_PROCESS_KERNEL ? kernel_col : column_of (col_of, trace, arrow.sender);
          kind = ev->kind == FS_EVENT_SIGNAL_SEND ? ITEM_SIGNAL : ITEM_DELIVER;
          if (kind == ITEM_DELIVER)
            col = col2;      /* untraced send: just the mark, with the sender in its text */
          break;
        case FS_EVENT_EXIT:
          kind = ITEM_EXIT;
          break;
        case FS_EVENT_REAP:
          col2 = col;
          col = column_of (col_of, trace, ev->u.reap.child);
          kind = ITEM_REAP;
          break;
        case FS_EVENT_OUTPUT:
          if (!options->show_output)
            continue;
          kind = ITEM_NOTE;
          break;
        case FS_EVENT_EXEC:
          if (!options->show_exec)
            continue;
          kind = ITEM_EXEC;
          height = SMALL_ROW;
          break;
        case FS_EVENT_BLOCK:
          kind = ITEM_BLOCK;
          height = SMALL_ROW;
          break;
        case FS_EVENT_STOP:
          kind = ITEM_STOP;
          height = SMALL_ROW;
          break;
        case FS_EVENT_CONTINUE:
          kind = ITEM_CONTINUE;
          height = SMALL_ROW;
          break;
        case FS_EVENT_UNBLOCK:
          kind = ITEM_SEGMENT;
          row = FALSE;
          break;
        default:
          continue;
        }
      if (col == NO_COLUMN && kind != ITEM_SIGNAL && kind != ITEM_FORK)
        continue;
      if (kind == ITEM_SIGNAL && col == NO_COLUMN)
        {
          /* Sender not shown: the delivery mark will say who sent it. */
          continue;
        }

      /* A lazily created head: first event of a process forked by someone hidden. */
      if (col != NO_COLUMN && kind != ITEM_FORK && g_array_index (self->columns, Column, col).head_y < 0)
        {
          Column *c = &g_array_index (self->columns, Column, col);
          c->head_y = y;
          c->state_y = y + HEAD_HEIGHT;
          add_item (self, ITEM_HEAD, col, col, y, y + HEAD_HEIGHT, NULL);
          y += HEAD_HEIGHT + 10;
        }

      if (!row)
        {
          double uy = last_row_y + 10;
          if (col != NO_COLUMN)
            set_state (self, col, uy, FS_STATE_RUNNING);
          continue;
        }

      /* Row position. */
      if (options->time_mode == FS_SEQUENCE_TIME_PROPORTIONAL)
        y = MAX (y, y_origin + (double) (ev->t_ns - from) * proportional_scale);
      else if (prev_t != FS_TIME_NONE && ev->t_ns - prev_t >= gap_threshold)
        {
          g_autofree char *gap = fs_export_format_time (ev->t_ns - prev_t);
          add_item (self, ITEM_GAP, 0, 0, y - 4, y + GAP_EXTRA - 8, g_strdup_printf ("%s later", gap));
          y += GAP_EXTRA;
        }
      prev_t = ev->t_ns;
      double row_y = y + 8;
      g_array_append_val (self->row_times, ev->t_ns);
      g_array_append_val (self->row_ys, row_y);
      self->n_rows++;
      {
        /* Equal labels in a row say nothing: show the step instead. */
        char *tl = fs_export_format_time (ev->t_ns);
        if (g_strcmp0 (tl, last_time_label) == 0)
          {
            g_autofree char *step = fs_export_format_time (ev->t_ns - last_row_t);
            add_item (self, ITEM_TIME, 1, 0, row_y, row_y, g_strdup_printf ("+%s", step));
            g_free (tl);
          }
        else
          {
            add_item (self, ITEM_TIME, 0, 0, row_y, row_y, tl);
            g_free (last_time_label);
            last_time_label = g_strdup (tl);
          }
        last_row_t = ev->t_ns;
      }

      switch (kind)
        {
        case ITEM_FORK:
          {
            Column *c = &g_array_index (self->columns, Column, col2);
            c->head_y = row_y - HEAD_HEIGHT / 2 + 2;
            c->state_y = c->head_y + HEAD_HEIGHT;
            add_item (self, ITEM_HEAD, col2, col2, c->head_y, c->state_y, NULL);
            if (col != NO_COLUMN)
              add_item (self, ITEM_FORK, col, col2, row_y + 2, row_y + 2, NULL);
            break;
          }
        case ITEM_SIGNAL:
          {
            /* The arrow ends at the delivery's row; it is patched when that row comes. */
            const char *name = fs_signal_name (arrow.signo);
            add_item (self, ITEM_SIGNAL, col, col2, row_y, row_y,
                      g_strdup_printf ("%s%s", name != NULL ? name : "?", arrow.inferred ? " (inferred)" : ""));
            last_item (self)->state = arrow.inferred;
            last_item (self)->signo = (guint8) arrow.signo;
            last_item (self)->action = (guint8) (arrow.deliver_index != FS_EVENT_NONE ? 1 : 0);
            /* Remember the arrow's item so the delivery can set its end. */
            if (arrow.deliver_index != FS_EVENT_NONE)
              g_hash_table_insert (open_arrows, GSIZE_TO_POINTER (arrow.deliver_index + 1),
                                   GUINT_TO_POINTER (self->items->len));
            break;
          }
        case ITEM_DELIVER:
          {
            const char *what = action_text (ev->u.deliver.action);
            gsize send = fs_trace_signal_partner (trace, i);
            gboolean deliver_from_right = FALSE;
            if (send != FS_EVENT_NONE)
              {
                /* The open arrow of this send, if it was drawn. */
                guint k = GPOINTER_TO_UINT (g_hash_table_lookup (open_arrows, GSIZE_TO_POINTER (i + 1)));
                if (k > 0)
                  {
                    Item *it = &g_array_index (self->items, Item, k - 1);
                    it->y2 = row_y;
                    it->action = 2;
                    deliver_from_right = it->col != NO_COLUMN && it->col > col;
                  }
                add_item (self, ITEM_DELIVER, col, col, row_y, row_y, g_strdup (what));
                last_item (self)->label_left = deliver_from_right;
              }
            else
              {
                const char *name = fs_signal_name (ev->signal);
                FsProcessId from_id = ev->u.deliver.sender;
                g_autofree char *who = from_id == FS_PROCESS_KERNEL ? g_strdup ("kernel")
                                     : from_id < n ? g_strdup_printf ("pid %d", fs_trace_process (trace, from_id)->pid)
                                     : g_strdup ("unknown sender");
                add_item (self, ITEM_DELIVER, col, col, row_y, row_y,
                          g_strdup_printf ("%s from %s: %s", name != NULL ? name : "?", who, what));
              }
            last_item (self)->action = ev->u.deliver.action;
            last_item (self)->signo = ev->signal;
            if (ev->u.deliver.action == FS_ACTION_STOP)
              set_state (self, col, row_y, FS_STATE_STOPPED);
            else if (ev->u.deliver.action == FS_ACTION_CONTINUE)
              set_state (self, col, row_y, FS_STATE_RUNNING);
            break;
          }
        case ITEM_EXIT:
          {
            g_autofree char *status = fs_exit_status_to_string (&ev->u.exit.status);
            add_item (self, ITEM_EXIT, col, col, row_y, row_y, g_strdup_printf ("exit: %s", status));
            set_state (self, col, row_y, FS_STATE_ZOMBIE);
            break;
          }
        case ITEM_REAP:
          {
            g_autofree char *status = fs_exit_status_to_string (&ev->u.reap.status);
            if (col2 != NO_COLUMN && col2 != col)
              add_item (self, ITEM_REAP, col, col2, row_y, row_y, g_strdup_printf ("reaped (%s)", status));
            end_segment (self, col, row_y);
            g_array_index (self->columns, Column, col).ended = TRUE;
            break;
          }
        case ITEM_NOTE:
          {
            double w;
            guint lines;
            char *note = wrap_note (&tc, fs_trace_string (trace, ev->u.output.text), &w, &lines);
            height = MAX (ROW_HEIGHT, lines * NOTE_LINE + 12);
            add_item (self, ITEM_NOTE, col, col, row_y - 9, height - 6, note);
            last_item (self)->state = ev->u.output.stream;
            Column *c = &g_array_index (self->columns, Column, col);
            c->right = MAX (c->right, w + 30);
            break;
          }
        case ITEM_EXEC:
          {
            const char *path = fs_trace_string (trace, ev->u.exec.path);
            g_autofree char *base = g_path_get_basename (path);
            add_item (self, ITEM_EXEC, col, col, row_y, row_y, g_strdup_printf ("exec %s", base));
            break;
          }
        case ITEM_BLOCK:
          add_item (self, ITEM_BLOCK, col, col, row_y, row_y,
                    g_strdup_printf ("waits (%s)", fs_block_reason_name (ev->u.block.reason)));
          set_state (self, col, row_y, FS_STATE_BLOCKED);
          break;
        case ITEM_STOP:
          add_item (self, ITEM_STOP, col, col, row_y, row_y, g_strdup ("stopped"));
          set_state (self, col, row_y, FS_STATE_STOPPED);
          break;
        case ITEM_CONTINUE:
          add_item (self, ITEM_CONTINUE, col, col, row_y, row_y, g_strdup ("continued"));
          set_state (self, col, row_y, FS_STATE_RUNNING);
          break;
        default:
          break;
        }
      last_row_y = row_y;
      y += height;
    }

  /* Close the lifelines still open. */
  self->rows_top = heads_bottom;
  self->rows_bottom = y + 12;
  for (guint c = 0; c < self->columns->len; c++)
    {
      Column *col = &g_array_index (self->columns, Column, c);
      if (col->head_y >= 0 && !col->ended)
        end_segment (self, c, self->rows_bottom);
    }
  /* Arrows never delivered inside the window run to the bottom edge. */
  for (guint k = 0; k < self->items->len; k++)
    {
      Item *it = &g_array_index (self->items, Item, k);
      if (it->kind == ITEM_SIGNAL && it->action == 1)
        it->y2 = MAX (it->y, MIN (it->y + ROW_HEIGHT * 3, self->rows_bottom));
    }

  /* A sloped arrow leaving to the right crosses the sender's right-hand labels
   * until it lands: those labels move to the left of the lifeline. */
  for (guint k = 0; k < self->items->len; k++)
    {
      const Item *arrow = &g_array_index (self->items, Item, k);
      if (arrow->kind != ITEM_SIGNAL || arrow->y2 <= arrow->y + 1 || arrow->col >= arrow->col2)
        continue;
      /* Bounded: a signal in flight for a long time only crosses the first labels. */
      for (guint j = k + 1; j < self->items->len && j < k + 200; j++)
        {
          Item *it = &g_array_index (self->items, Item, j);
          if (it->y > arrow->y2 + 1)
            break;
          if (it->col == arrow->col && it->y > arrow->y &&
              (it->kind == ITEM_BLOCK || it->kind == ITEM_EXEC || it->kind == ITEM_STOP ||
               it->kind == ITEM_CONTINUE || it->kind == ITEM_DELIVER || it->kind == ITEM_EXIT))
            it->label_left = TRUE;
        }
    }

  /* Column positions: measured label widths widen columns. */
  for (guint k = 0; k < self->items->len; k++)
    {
      Item *it = &g_array_index (self->items, Item, k);
      if (it->text == NULL || it->kind == ITEM_NOTE || it->kind == ITEM_TIME || it->kind == ITEM_GAP ||
          it->kind == ITEM_SIGNAL || it->kind == ITEM_REAP)
        continue;
      double w;
      fs_text_measure (&tc, FS_FONT_SMALL_BOLD, it->text, &w, NULL);
      Column *c = &g_array_index (self->columns, Column, it->col);
      if (it->label_left)
        c->left = MAX (c->left, MIN (w, 240.0) + 18);
      else
        c->right = MAX (c->right, MIN (w, 240.0) + 18);
    }
  double x = MARGIN + AXIS_WIDTH;
  for (guint c = 0; c < self->columns->len; c++)
    {
      Column *col = &g_array_index (self->columns, Column, c);
      col->center = x + col->left;
      x = col->center + col->right + COLUMN_GAP;
    }
  /* Signal labels between neighbours need room too. */
  self->width = MAX (x - COLUMN_GAP + MARGIN, 480.0);
  self->height = self->rows_bottom + MARGIN;

  if (self->title != NULL)
    self->subtitle = g_strdup_printf ("%s time · %u events · %u processes",
                                      options->time_mode == FS_SEQUENCE_TIME_PROPORTIONAL
                                        ? "proportional" : "compressed",
                                      self->n_rows, self->columns->len - (kernel ? 1 : 0));
  fs_text_context_clear (&tc);
  if (options->progress != NULL)
    options->progress (0.6, options->progress_data);
  return self;
}

void
fs_sequence_layout_free (FsSequenceLayout *self)
{
  if (self == NULL)
    return;
  for (guint k = 0; k < self->items->len; k++)
    g_free (g_array_index (self->items, Item, k).text);
  g_array_unref (self->items);
  g_array_unref (self->columns);
  g_array_unref (self->row_times);
  g_array_unref (self->row_ys);
  g_free (self->title);
  g_free (self->subtitle);
  g_clear_object (&self->trace);
  g_free (self);
}

void
fs_sequence_layout_get_size (FsSequenceLayout *self, double *width, double *height)
{
  if (width != NULL)
    *width = ceil (self->width);
  if (height != NULL)
    *height = ceil (self->height);
}

guint
fs_sequence_layout_get_n_rows (FsSequenceLayout *self)
{
  return self->n_rows;
}

guint
fs_sequence_layout_get_n_columns (FsSequenceLayout *self)
{
  return self->columns->len;
}

double
fs_sequence_layout_time_to_y (FsSequenceLayout *self, gint64 t_ns)
{
  guint n = self->row_times->len;
  if (n == 0)
    return self->rows_top;
  const gint64 *times = (const gint64 *) (gpointer) self->row_times->data;
  const double *ys = (const double *) (gpointer) self->row_ys->data;
  if (t_ns <= times[0])
    return ys[0];
  if (t_ns >= times[n - 1])
    return ys[n - 1];
  guint lo = 0, hi = n - 1;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (times[mid] <= t_ns)
        lo = mid;
      else
        hi = mid;
    }
  double span = (double) (times[hi] - times[lo]);
  double f = span > 0 ? (double) (t_ns - times[lo]) / span : 0;
  return ys[lo] + f * (ys[hi] - ys[lo]);
}

/* Drawing. */

static double
col_x (FsSequenceLayout *self, guint col)
{
  return g_array_index (self->columns, Column, col).center;
}

static void
draw_head (FsSequenceLayout *self, FsTextContext *tc, guint col, double y)
{
  const FsPalette *pal = tc->palette;
  Column *c = &g_array_index (self->columns, Column, col);
  cairo_t *cr = tc->cr;
  double w = c->head_w, h = HEAD_HEIGHT;
  double x = c->center - w / 2;
  char buf[32];

  if (c->id == FS_PROCESS_KERNEL)
    {
      double k = h / 2;
      cairo_move_to (cr, x + k, y);
      cairo_line_to (cr, x + w - k, y);
      cairo_line_to (cr, x + w, y + h / 2);
      cairo_line_to (cr, x + w - k, y + h);
      cairo_line_to (cr, x + k, y + h);
      cairo_line_to (cr, x, y + h / 2);
      cairo_close_path (cr);
      fs_palette_set_source (cr, &pal->surface, 1.0);
      cairo_fill_preserve (cr);
      fs_palette_set_source (cr, &pal->kernel, 1.0);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      tc->css_class = "fs-participant";
      fs_text_draw (tc, FS_FONT_BOLD, "kernel", c->center, y + h / 2 - 8, w - 16, FS_ALIGN_CENTER,
                    &pal->kernel, 1.0);
      tc->css_class = NULL;
      return;
    }
  fs_path_rounded_rect (cr, x, y, w, h, 8);
  fs_palette_set_source (cr, &pal->state_fill[FS_STATE_RUNNING], 1.0);
  cairo_fill_preserve (cr);
  fs_palette_set_source (cr, &pal->state_stroke[FS_STATE_RUNNING], 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  tc->css_class = "fs-participant";
  fs_text_draw (tc, FS_FONT_BOLD, fs_trace_process_name (self->trace, c->id), c->center, y + 5,
                w - 12, FS_ALIGN_CENTER, &pal->text, 1.0);
  tc->css_class = NULL;
  g_snprintf (buf, sizeof buf, "pid %d", fs_trace_process (self->trace, c->id)->pid);
  fs_text_draw (tc, FS_FONT_SMALL, buf, c->center, y + 23, w - 12, FS_ALIGN_CENTER,
                &pal->text_muted, 1.0);
}

static void
draw_segment (cairo_t *cr, const FsPalette *pal, double x, double y1, double y2, FsStateKind state)
{
  static const double dashed[] = { 5.0, 4.0 };
  static const double dotted[] = { 1.0, 4.0 };
  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  switch (state)
    {
    case FS_STATE_BLOCKED:
      cairo_set_line_width (cr, 1.6);
      cairo_set_dash (cr, dashed, 2, 0);
      fs_palette_set_source (cr, &pal->state_stroke[state], 0.9);
      break;
    case FS_STATE_STOPPED:
      {
        /* Hatched: a wide band of short diagonal ticks. */
        fs_palette_set_source (cr, &pal->state_stroke[state], 0.9);
        cairo_set_line_width (cr, 1.3);
        for (double yy = y1; yy < y2 - 3; yy += 5)
          {
            cairo_move_to (cr, x - 4, yy + 4);
            cairo_line_to (cr, x + 4, yy);
          }
        cairo_stroke (cr);
        cairo_set_line_width (cr, 1.0);
        break;
      }
    case FS_STATE_ZOMBIE:
      cairo_set_line_width (cr, 2.0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_dash (cr, dotted, 2, 0);
      fs_palette_set_source (cr, &pal->state_stroke[state], 0.9);
      break;
    default:
      cairo_set_line_width (cr, 3.0);
      fs_palette_set_source (cr, &pal->state_stroke[FS_STATE_RUNNING], 0.75);
      break;
    }
  cairo_move_to (cr, x, y1);
  cairo_line_to (cr, x, y2);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static double
label_room (FsSequenceLayout *self, const Item *it)
{
  const Column *c = &g_array_index (self->columns, Column, it->col);
  return (it->label_left ? c->left : c->right) - 14;
}

static void
draw_label_with_halo (FsTextContext *tc, FsFont font, const char *text, double x, double y,
                      FsTextAlign align, const FsRgb *color, double max_width)
{
  double w, h;
  fs_text_measure (tc, font, text, &w, &h);
  if (max_width > 0)
    w = MIN (w, max_width);
  double lx = align == FS_ALIGN_CENTER ? x - w / 2 : align == FS_ALIGN_RIGHT ? x - w : x;
  fs_path_rounded_rect (tc->cr, lx - 3, y - 1, w + 6, h + 2, 3);
  fs_palette_set_source (tc->cr, &tc->palette->background, 0.92);
  cairo_fill (tc->cr);
  fs_text_draw (tc, font, text, x, y, max_width, align, color, 1.0);
}

void
fs_sequence_draw (cairo_t *cr, FsSequenceLayout *self, const FsPalette *pal)
{
  FsTextContext tc;
  double clip[4];

  if (pal == NULL)
    pal = fs_palette_get (FS_THEME_LIGHT);
  cairo_save (cr);
  cairo_clip_extents (cr, &clip[0], &clip[1], &clip[2], &clip[3]);
  fs_palette_set_source (cr, &pal->background, 1.0);
  cairo_rectangle (cr, 0, 0, self->width, self->height);
  cairo_fill (cr);
  fs_text_context_init (&tc, cr, pal);

  if (self->title != NULL)
    {
      fs_text_draw (&tc, FS_FONT_TITLE, self->title, MARGIN, MARGIN - 4, self->width - 2 * MARGIN,
                    FS_ALIGN_LEFT, &pal->text, 1.0);
      fs_text_draw (&tc, FS_FONT_BODY, self->subtitle, MARGIN, MARGIN + 20, self->width - 2 * MARGIN,
                    FS_ALIGN_LEFT, &pal->text_muted, 1.0);
    }

  /* Axis line. */
  cairo_set_line_width (cr, 1.0);
  fs_palette_set_source (cr, &pal->grid, 1.0);
  cairo_move_to (cr, MARGIN + AXIS_WIDTH - 12.5, self->rows_top);
  cairo_line_to (cr, MARGIN + AXIS_WIDTH - 12.5, self->rows_bottom);
  cairo_stroke (cr);

  /* Pass order: gaps and segments under everything, then marks and arrows. */
  for (int pass = 0; pass < 3; pass++)
    for (guint k = 0; k < self->items->len; k++)
      {
        const Item *it = &g_array_index (self->items, Item, k);
        double y1 = MIN (it->y, it->y2), y2 = MAX (it->y, it->y2);
        if (it->kind == ITEM_NOTE)
          y2 = it->y + it->y2;
        if (y2 + 30 < clip[1] || y1 - 30 > clip[3])
          continue;
        gboolean under = it->kind == ITEM_GAP || it->kind == ITEM_SEGMENT || it->kind == ITEM_TIME;
        gboolean arrows = it->kind == ITEM_SIGNAL || it->kind == ITEM_FORK || it->kind == ITEM_REAP;
        if ((under ? 0 : arrows ? 2 : 1) != pass)
          continue;

        double x = it->col < self->columns->len ? col_x (self, it->col) : 0;
        double x2 = it->col2 < self->columns->len ? col_x (self, it->col2) : x;
        switch (it->kind)
          {
          case ITEM_GAP:
            {
              cairo_save (cr);
              fs_palette_set_source (cr, &pal->grid, 1.0);
              cairo_set_line_width (cr, 1.0);
              double my = (it->y + it->y2) / 2;
              for (int line = -1; line <= 1; line += 2)
                {
                  cairo_move_to (cr, MARGIN + AXIS_WIDTH - 20, my + line * 3);
                  for (double zx = MARGIN + AXIS_WIDTH - 20; zx < self->width - MARGIN; zx += 12)
                    cairo_line_to (cr, zx + 6, my + line * 3 + ((int) (zx / 12) % 2 ? 2.5 : -2.5));
                }
              cairo_stroke (cr);
              cairo_restore (cr);
              draw_label_with_halo (&tc, FS_FONT_SMALL, it->text, MARGIN + AXIS_WIDTH - 16, my - 6,
                                    FS_ALIGN_RIGHT, &pal->text_muted, -1);
              break;
            }
          case ITEM_TIME:
            fs_text_draw (&tc, FS_FONT_SMALL, it->text, MARGIN + AXIS_WIDTH - 18, it->y - 6, -1,
                          FS_ALIGN_RIGHT, &pal->text_muted, it->col == 1 ? 0.65 : 1.0);
            break;
          case ITEM_SEGMENT:
            if (g_array_index (self->columns, Column, it->col).id == FS_PROCESS_KERNEL)
              {
                cairo_set_line_width (cr, 1.2);
                fs_palette_set_source (cr, &pal->kernel, 0.6);
                cairo_move_to (cr, x, it->y);
                cairo_line_to (cr, x, it->y2);
                cairo_stroke (cr);
              }
            else
              draw_segment (cr, pal, x, it->y, it->y2, it->state);
            break;
          case ITEM_HEAD:
            draw_head (self, &tc, it->col, it->y);
            break;
          case ITEM_FORK:
            {
              Column *child = &g_array_index (self->columns, Column, it->col2);
              double head_w = child->head_w;
              double ex = x2 > x ? x2 - head_w / 2 : x2 + head_w / 2;
              cairo_save (cr);
              fs_palette_set_source (cr, &pal->edge, 1.0);
              cairo_set_line_width (cr, 1.5);
              cairo_move_to (cr, x, it->y);
              cairo_line_to (cr, ex, it->y);
              cairo_stroke (cr);
              fs_draw_arrowhead (cr, ex, it->y, ex - x, 0, 9);
              cairo_restore (cr);
              fs_text_draw (&tc, FS_FONT_SMALL, "fork", (x + ex) / 2, it->y - 15, -1,
                            FS_ALIGN_CENTER, &pal->text_muted, 1.0);
              break;
            }
          case ITEM_SIGNAL:
            {
              static const double dash[] = { 6.0, 4.0 };
              gboolean self_signal = it->col == it->col2;
              cairo_save (cr);
              fs_palette_set_source (cr, &pal->signal, 1.0);
              cairo_set_line_width (cr, 1.8);
              if (it->state)
                cairo_set_dash (cr, dash, 2, 0);
              if (self_signal)
                {
                  cairo_move_to (cr, x + 2, it->y);
                  cairo_curve_to (cr, x + 46, it->y - 4, x + 46, it->y2 + 4, x + 6, it->y2);
                  cairo_stroke (cr);
                  fs_draw_arrowhead (cr, x + 5, it->y2, -1, -0.1, 9);
                }
              else
                {
                  double dir = x2 > x ? 1 : -1;
                  cairo_move_to (cr, x + dir * 2, it->y);
                  cairo_line_to (cr, x2 - dir * 5, it->y2);
                  cairo_stroke (cr);
                  fs_draw_arrowhead (cr, x2 - dir * 5, it->y2, x2 - x, it->y2 - it->y, 10);
                }
              cairo_restore (cr);
              tc.css_class = "fs-signal";
              if (self_signal)
                draw_label_with_halo (&tc, FS_FONT_SMALL_BOLD, it->text, x + 46, (it->y + it->y2) / 2 - 7,
                                      FS_ALIGN_LEFT, &pal->signal, -1);
              else
                {
                  /* Label near the sender, above the arrow, so labels of a fan-out don't collide. */
                  double f = 0.5;
                  double lx = x + (x2 - x) * f, ly = it->y + (it->y2 - it->y) * f;
                  draw_label_with_halo (&tc, FS_FONT_SMALL_BOLD, it->text, lx, ly - 16,
                                        FS_ALIGN_CENTER, &pal->signal, fabs (x2 - x) - 12);
                }
              tc.css_class = NULL;
              break;
            }
          case ITEM_DELIVER:
            {
              cairo_new_path (cr);
              gboolean fatal = it->action == FS_ACTION_TERMINATE || it->action == FS_ACTION_CORE;
              cairo_arc (cr, x, it->y, 4.5, 0, 2 * G_PI);
              fs_palette_set_source (cr, &pal->background, 1.0);
              cairo_fill_preserve (cr);
              fs_palette_set_source (cr, &pal->signal, 1.0);
              cairo_set_line_width (cr, 2.0);
              cairo_stroke (cr);
              if (it->action == FS_ACTION_HANDLER || it->action == FS_ACTION_SIGWAIT
                  || it->action == FS_ACTION_SIGNALFD || fatal)
                {
                  cairo_arc (cr, x, it->y, 2.0, 0, 2 * G_PI);
                  cairo_fill (cr);
                }
              fs_text_draw (&tc, fatal ? FS_FONT_SMALL_BOLD : FS_FONT_SMALL, it->text,
                            it->label_left ? x - 10 : x + 10, it->y - 6,
                            label_room (self, it), it->label_left ? FS_ALIGN_RIGHT : FS_ALIGN_LEFT,
                            fatal ? &pal->signal : &pal->text_muted, 1.0);
              break;
            }
          case ITEM_EXIT:
            {
              cairo_save (cr);
              fs_palette_set_source (cr, &pal->state_stroke[FS_STATE_ZOMBIE], 1.0);
              cairo_set_line_width (cr, 2.5);
              cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
              cairo_move_to (cr, x - 6, it->y - 6);
              cairo_line_to (cr, x + 6, it->y + 6);
              cairo_move_to (cr, x + 6, it->y - 6);
              cairo_line_to (cr, x - 6, it->y + 6);
              cairo_stroke (cr);
              cairo_restore (cr);
              fs_text_draw (&tc, FS_FONT_SMALL_BOLD, it->text,
                            it->label_left ? x - 11 : x + 11, it->y - 6,
                            label_room (self, it), it->label_left ? FS_ALIGN_RIGHT : FS_ALIGN_LEFT,
                            &pal->state_stroke[FS_STATE_ZOMBIE], 1.0);
              break;
            }
          case ITEM_REAP:
            {
              static const double dash[] = { 3.0, 3.0 };
              double dir = x2 > x ? 1 : -1;
              cairo_save (cr);
              fs_palette_set_source (cr, &pal->edge, 1.0);
              cairo_set_line_width (cr, 1.3);
              cairo_set_dash (cr, dash, 2, 0);
              cairo_move_to (cr, x, it->y);
              cairo_line_to (cr, x2 - dir * 4, it->y);
              cairo_stroke (cr);
              cairo_set_dash (cr, NULL, 0, 0);
              fs_draw_arrowhead (cr, x2 - dir * 4, it->y, dir, 0, 8);
              cairo_restore (cr);
              draw_label_with_halo (&tc, FS_FONT_SMALL, it->text, (x + x2) / 2, it->y - 15,
                                    FS_ALIGN_CENTER, &pal->text_muted, fabs (x2 - x) - 16);
              break;
            }
          case ITEM_NOTE:
            {
              Column *c = &g_array_index (self->columns, Column, it->col);
              double nx = x + 12, ny = it->y, nh = it->y2;
              PangoRectangle logical;
              PangoLayout *pl = tc.layout;
              pango_layout_set_font_description (pl, tc.fonts[FS_FONT_BODY]);
              pango_layout_set_width (pl, (int) (MIN (NOTE_MAX_WIDTH, c->right - 30) * PANGO_SCALE));
              pango_layout_set_wrap (pl, PANGO_WRAP_WORD_CHAR);
              pango_layout_set_ellipsize (pl, PANGO_ELLIPSIZE_END);
              pango_layout_set_height (pl, -3);
              pango_layout_set_text (pl, it->text, -1);
              pango_layout_get_extents (pl, NULL, &logical);
              double nw = (double) logical.width / PANGO_SCALE + 14;
              fs_path_rounded_rect (cr, nx, ny, nw, nh, 4);
              fs_palette_set_source (cr, &pal->surface, 1.0);
              cairo_fill_preserve (cr);
              fs_palette_set_source (cr, &pal->grid, 1.0);
              cairo_set_line_width (cr, 1.0);
              cairo_stroke (cr);
              cairo_rectangle (cr, nx, ny + 3, 3, nh - 6);
              fs_palette_set_source (cr, it->state == FS_STREAM_STDERR ? &pal->signal : &pal->output, 1.0);
              cairo_fill (cr);
              fs_palette_set_source (cr, &pal->text, 1.0);
              cairo_move_to (cr, nx + 8 - (double) logical.x / PANGO_SCALE, ny + (nh - (double) logical.height / PANGO_SCALE) / 2);
              pango_cairo_show_layout (cr, pl);
              cairo_new_path (cr);
              if (tc.sink != NULL)
                {
                  tc.css_class = "fs-note";
                  /* Record the note's words in the text layer without drawing them twice. */
                  cairo_save (cr);
                  cairo_rectangle (cr, 0, 0, 0, 0);
                  cairo_clip (cr);
                  fs_text_draw (&tc, FS_FONT_BODY, it->text, nx + 8, ny + 3, -1, FS_ALIGN_LEFT, &pal->text, 1.0);
                  cairo_restore (cr);
                  tc.css_class = NULL;
                }
              pango_layout_set_height (pl, -1);
              pango_layout_set_wrap (pl, PANGO_WRAP_WORD);
              break;
            }
          case ITEM_EXEC:
          case ITEM_BLOCK:
          case ITEM_STOP:
          case ITEM_CONTINUE:
            {
              const FsRgb *color = it->kind == ITEM_BLOCK ? &pal->state_stroke[FS_STATE_BLOCKED]
                                 : it->kind == ITEM_STOP ? &pal->state_stroke[FS_STATE_STOPPED]
                                 : &pal->text_muted;
              cairo_rectangle (cr, x - 3.5, it->y - 3.5, 7, 7);
              fs_palette_set_source (cr, color, 1.0);
              cairo_fill (cr);
              fs_text_draw (&tc, FS_FONT_SMALL, it->text, it->label_left ? x - 10 : x + 10, it->y - 6,
                            label_room (self, it), it->label_left ? FS_ALIGN_RIGHT : FS_ALIGN_LEFT,
                            color, 1.0);
              break;
            }
          default:
            break;
          }
      }
  fs_text_context_clear (&tc);
  cairo_restore (cr);
}

/* graph-layout.c: a stable left-to-right tidy tree over the whole trace.
 *
 * Every visible process gets a band of rows: a leaf one row, a parent the sum
 * of its children's bands (plus a packed grid of childless children when it
 * has more than grid_threshold of them), and sits vertically centred on its
 * band, one column right of its parent.  Positions depend only on the whole
 * trace, never on the time drawn, so nothing moves during playback.
 * Both passes walk a breadth-first order (no recursion: a 10,000-deep fork
 * chain must not overflow the stack). */
#include "graph-layout.h"

#include <math.h>
#include <string.h>

#define NODE_WIDTH     206.0
#define NODE_HEIGHT     46.0
#define COLUMN_PITCH   316.0   /* node + room for edges and signal labels */
#define ROW_PITCH       78.0   /* node + the output line under it + air */
#define GRID_PITCH_X   (NODE_WIDTH + 20.0)
#define MARGIN          24.0

struct _FsGraphLayout {
  FsTrace      *trace;
  guint         n;
  FsGraphNode  *nodes;
  guint8       *laid_out;
  GArray       *order;        /* FsProcessId, breadth first */
  /* Children (CSR), in birth order. */
  guint        *child_start;
  guint        *child_count;
  FsProcessId  *children;
  /* Grids of childless children, per parent. */
  guint        *grid_cols;
  guint        *grid_rows;
  guint        *grid_count;
  double        width, height;
  gboolean      has_kernel;
  FsGraphNode   kernel;
};

void
fs_graph_layout_options_init (FsGraphLayoutOptions *options)
{
  memset (options, 0, sizeof *options);
  options->grid_threshold = 12;
}

typedef struct {
  FsTrace *trace;
} SortContext;

static int
compare_birth (gconstpointer a, gconstpointer b, gpointer user_data)
{
  SortContext *ctx = user_data;
  FsProcessId x = *(const FsProcessId *) a, y = *(const FsProcessId *) b;
  gint64 sx = fs_trace_process (ctx->trace, x)->start_ns;
  gint64 sy = fs_trace_process (ctx->trace, y)->start_ns;
  if (sx != sy)
    return sx < sy ? -1 : 1;
  return x < y ? -1 : x > y;
}

static gboolean
trace_has_kernel_signals (FsTrace *trace)
{
  gsize n_events = 0;
  const FsEvent *events = fs_trace_events (trace, &n_events);
  for (gsize i = 0; i < n_events; i++)
    if ((events[i].kind == FS_EVENT_SIGNAL_SEND && events[i].process == FS_PROCESS_KERNEL) ||
        (events[i].kind == FS_EVENT_SIGNAL_DELIVER && events[i].u.deliver.sender == FS_PROCESS_KERNEL &&
         fs_trace_signal_partner (trace, i) == FS_EVENT_NONE))
      return TRUE;
  return FALSE;
}

FsGraphLayout *
fs_graph_layout_new (FsTrace *trace, const FsGraphLayoutOptions *options)
{
  FsGraphLayoutOptions defaults;
  FsExportFilter filter;
  FsGraphLayout *self = g_new0 (FsGraphLayout, 1);
  guint n = fs_trace_n_processes (trace);
  guint n_roots = 0;
  SortContext ctx = { trace };

  if (options == NULL)
    {
      fs_graph_layout_options_init (&defaults);
      options = &defaults;
    }
  guint threshold = options->grid_threshold > 0 ? options->grid_threshold : 12;
  fs_export_filter_init (&filter);
  filter.include_hidden = options->include_hidden;
  filter.processes = options->processes;
  filter.n_processes = options->n_processes;

  self->trace = g_object_ref (trace);
  self->n = n;
  self->nodes = g_new0 (FsGraphNode, MAX (n, 1));
  self->laid_out = g_new0 (guint8, MAX (n, 1));
  self->order = g_array_sized_new (FALSE, FALSE, sizeof (FsProcessId), n);
  self->child_start = g_new0 (guint, n + 2);
  self->child_count = g_new0 (guint, n + 1);  /* slot n: the roots */
  self->children = g_new0 (FsProcessId, MAX (n, 1));
  self->grid_cols = g_new0 (guint, n + 1);
  self->grid_rows = g_new0 (guint, n + 1);
  self->grid_count = g_new0 (guint, n + 1);

  /* Visible parents and child lists (slot n collects the roots). */
  for (FsProcessId id = 0; id < n; id++)
    {
      if (!fs_export_filter_has_process (&filter, trace, id))
        continue;
      self->laid_out[id] = 1;
      FsProcessId vp = fs_export_filter_visible_parent (&filter, trace, id);
      self->nodes[id].visible_parent = vp;
      self->child_count[vp == FS_PROCESS_NONE ? n : vp]++;
    }
  for (guint i = 0, acc = 0; i <= n; i++)
    {
      self->child_start[i] = acc;
      acc += self->child_count[i];
    }
  {
    g_autofree guint *fill = g_new0 (guint, n + 1);
    for (FsProcessId id = 0; id < n; id++)
      {
        if (!self->laid_out[id])
          continue;
        FsProcessId vp = self->nodes[id].visible_parent;
        guint slot = vp == FS_PROCESS_NONE ? n : vp;
        self->children[self->child_start[slot] + fill[slot]++] = id;
      }
    for (guint i = 0; i <= n; i++)
      if (self->child_count[i] > 1)
        g_qsort_with_data (self->children + self->child_start[i], (gint) self->child_count[i],
                      sizeof (FsProcessId), compare_birth, &ctx);
  }
  n_roots = self->child_count[n];

  /* Breadth-first order from the roots. */
  for (guint i = 0; i < n_roots; i++)
    g_array_append_val (self->order, self->children[self->child_start[n] + i]);
  for (guint i = 0; i < self->order->len; i++)
    {
      FsProcessId v = g_array_index (self->order, FsProcessId, i);
      for (guint k = 0; k < self->child_count[v]; k++)
        {
          FsProcessId c = self->children[self->child_start[v] + k];
          self->nodes[c].depth = self->nodes[v].depth + 1;
          g_array_append_val (self->order, c);
        }
    }

  /* Bands, bottom-up (reverse breadth-first order visits children first). */
  g_autofree guint *band = g_new0 (guint, MAX (n, 1));
  for (guint i = self->order->len; i-- > 0;)
    {
      FsProcessId v = g_array_index (self->order, FsProcessId, i);
      guint leaves = 0, rows = 0;
      for (guint k = 0; k < self->child_count[v]; k++)
        if (self->child_count[self->children[self->child_start[v] + k]] == 0)
          leaves++;
      gboolean grid = leaves > threshold;
      for (guint k = 0; k < self->child_count[v]; k++)
        {
          FsProcessId c = self->children[self->child_start[v] + k];
          if (!(grid && self->child_count[c] == 0))
            rows += band[c];
        }
      if (grid)
        {
          /* Roughly square in screen space: cells are ~2.7× wider than tall. */
          guint cols = (guint) ceil (sqrt (leaves * ROW_PITCH / GRID_PITCH_X));
          cols = CLAMP (cols, 1, leaves);
          self->grid_cols[v] = cols;
          self->grid_rows[v] = (leaves + cols - 1) / cols;
          self->grid_count[v] = leaves;
          rows += self->grid_rows[v];
        }
      band[v] = MAX (rows, 1);
    }

  /* Positions, top-down. */
  self->has_kernel = trace_has_kernel_signals (trace);
  g_autofree guint *top = g_new0 (guint, MAX (n, 1));
  guint row = self->has_kernel ? 1 : 0;
  for (guint i = 0; i < n_roots; i++)
    {
      FsProcessId r = self->children[self->child_start[n] + i];
      top[r] = row;
      row += band[r];
    }
  double max_x = 0, max_y = 0;
  for (guint i = 0; i < self->order->len; i++)
    {
      FsProcessId v = g_array_index (self->order, FsProcessId, i);
      FsGraphNode *node = &self->nodes[v];
      if (!node->in_grid)
        {
          node->x = MARGIN + node->depth * COLUMN_PITCH;
          node->y = MARGIN + (top[v] + (band[v] - 1) / 2.0) * ROW_PITCH;
        }
      node->width = NODE_WIDTH;
      node->height = NODE_HEIGHT;
      max_x = MAX (max_x, node->x + node->width);
      max_y = MAX (max_y, node->y + ROW_PITCH);

      guint child_top = top[v], grid_index = 0;
      gboolean grid = self->grid_cols[v] > 0;
      guint grid_top = top[v];
      for (guint k = 0; k < self->child_count[v]; k++)
        {
          FsProcessId c = self->children[self->child_start[v] + k];
          if (!(grid && self->child_count[c] == 0))
            {
              top[c] = child_top;
              child_top += band[c];
            }
        }
      grid_top = child_top;
      for (guint k = 0; grid && k < self->child_count[v]; k++)
        {
          FsProcessId c = self->children[self->child_start[v] + k];
          if (self->child_count[c] != 0)
            continue;
          guint gc = grid_index % self->grid_cols[v], gr = grid_index / self->grid_cols[v];
          grid_index++;
          top[c] = grid_top + gr;
          self->nodes[c].in_grid = TRUE;
          self->nodes[c].x = MARGIN + (node->depth + 1) * COLUMN_PITCH + gc * GRID_PITCH_X;
          self->nodes[c].y = MARGIN + (grid_top + gr) * ROW_PITCH;
        }
    }
  if (self->has_kernel)
    {
      self->kernel.x = MARGIN;
      self->kernel.y = MARGIN;
      self->kernel.width = NODE_WIDTH * 0.6;
      self->kernel.height = NODE_HEIGHT - 10;
      self->kernel.visible_parent = FS_PROCESS_NONE;
      max_x = MAX (max_x, self->kernel.x + self->kernel.width);
      max_y = MAX (max_y, self->kernel.y + ROW_PITCH);
    }
  /* ROW_PITCH below the last node leaves room for its output line. */
  self->width = MAX (max_x, NODE_WIDTH) + MARGIN;
  self->height = MAX (max_y - 16.0, NODE_HEIGHT) + MARGIN;
  return self;
}

void
fs_graph_layout_free (FsGraphLayout *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->trace);
  g_free (self->nodes);
  g_free (self->laid_out);
  g_array_unref (self->order);
  g_free (self->child_start);
  g_free (self->child_count);
  g_free (self->children);
  g_free (self->grid_cols);
  g_free (self->grid_rows);
  g_free (self->grid_count);
  g_free (self);
}

FsTrace *
fs_graph_layout_get_trace (FsGraphLayout *self)
{
  return self->trace;
}

void
fs_graph_layout_get_size (FsGraphLayout *self, double *width, double *height)
{
  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = self->height;
}

gboolean
fs_graph_layout_get_node (FsGraphLayout *self, FsProcessId id, FsGraphNode *out)
{
  if (id >= self->n || !self->laid_out[id])
    return FALSE;
  if (out != NULL)
    *out = self->nodes[id];
  return TRUE;
}

gboolean
fs_graph_layout_get_kernel_node (FsGraphLayout *self, FsGraphNode *out)
{
  if (!self->has_kernel)
    return FALSE;
  if (out != NULL)
    *out = self->kernel;
  return TRUE;
}

FsProcessId
fs_graph_layout_hit_test (FsGraphLayout *self, double x, double y)
{
  for (guint i = 0; i < self->order->len; i++)
    {
      FsProcessId id = g_array_index (self->order, FsProcessId, i);
      const FsGraphNode *node = &self->nodes[id];
      if (x >= node->x && x < node->x + node->width && y >= node->y && y < node->y + node->height)
        return id;
    }
  return FS_PROCESS_NONE;
}

gboolean
fs_graph_layout_get_child_grid (FsGraphLayout *self, FsProcessId parent, double *x, double *y,
                                double *width, double *height, guint *n_children)
{
  if (parent >= self->n || self->grid_cols[parent] == 0)
    return FALSE;
  double gx = G_MAXDOUBLE, gy = G_MAXDOUBLE, gx2 = -G_MAXDOUBLE, gy2 = -G_MAXDOUBLE;
  for (guint k = 0; k < self->child_count[parent]; k++)
    {
      const FsGraphNode *c = &self->nodes[self->children[self->child_start[parent] + k]];
      if (!c->in_grid)
        continue;
      gx = MIN (gx, c->x);
      gy = MIN (gy, c->y);
      gx2 = MAX (gx2, c->x + c->width);
      gy2 = MAX (gy2, c->y + c->height);
    }
  if (x) *x = gx;
  if (y) *y = gy;
  if (width) *width = gx2 - gx;
  if (height) *height = gy2 - gy;
  if (n_children) *n_children = self->grid_count[parent];
  return TRUE;
}

const FsProcessId *
fs_graph_layout_get_processes (FsGraphLayout *self, guint *n)
{
  *n = self->order->len;
  return (const FsProcessId *) (gpointer) self->order->data;
}

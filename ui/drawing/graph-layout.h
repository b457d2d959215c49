/* graph-layout.h: where each process of a trace sits in the process graph.
 *
 * The layout is computed once for the whole trace, so a process keeps its
 * place from birth to death: nothing moves when others are born or die, and
 * an animation over time reads calmly.  It is a left-to-right tidy tree: the
 * root at the left, each generation one column further right, every subtree
 * owning a band of rows, children in birth order.  A parent with many
 * childless children packs them into a compact grid of columns beside it
 * (the large-trace strategy: a 10,000-way fan-out becomes a ~100×100 block
 * instead of a 10,000-row ribbon; see docs/drawing.md).
 *
 * Hidden processes (FS_PROCESS_FLAG_HIDDEN) are left out unless asked; their
 * children hang from the nearest visible ancestor.  Orphans are drawn under
 * their original parent and marked as re-parented (the edge to the adopter is
 * drawn by graph-draw).  When the trace has kernel-sent signals, a "kernel"
 * source box sits above the tree.
 *
 * Cost: O(n) in processes; 10,000 processes lay out in a few milliseconds.
 * Coordinates are in device-independent units (1 unit = 1 px at scale 1).
 */
#pragma once

#include <glib.h>
#include "core/trace-model.h"
#include "core/trace-export.h"

G_BEGIN_DECLS

typedef struct _FsGraphLayout FsGraphLayout;

typedef struct {
  double x, y;              /* top-left corner of the node box */
  double width, height;
  guint  depth;             /* generation among visible processes */
  FsProcessId visible_parent; /* FS_PROCESS_NONE for roots */
  gboolean in_grid;         /* packed in its parent's grid of childless children */
} FsGraphNode;

typedef struct {
  gboolean include_hidden;  /* lay out hidden processes too */
  const FsProcessId *processes; /* NULL: all; else only these (plus nothing else) */
  guint    n_processes;
  guint    grid_threshold;  /* childless siblings beyond this are packed in a grid; 0: 12 */
} FsGraphLayoutOptions;

void           fs_graph_layout_options_init (FsGraphLayoutOptions *options);

/* The trace must be finished.  options may be NULL. */
FsGraphLayout *fs_graph_layout_new      (FsTrace *trace, const FsGraphLayoutOptions *options);
void           fs_graph_layout_free     (FsGraphLayout *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsGraphLayout, fs_graph_layout_free)

FsTrace       *fs_graph_layout_get_trace(FsGraphLayout *self);
/* Size of the tree area (excluding title and legend, see fs_graph_get_size). */
void           fs_graph_layout_get_size (FsGraphLayout *self, double *width, double *height);
/* FALSE when the process is not laid out (hidden, filtered out). */
gboolean       fs_graph_layout_get_node (FsGraphLayout *self, FsProcessId id, FsGraphNode *out);
/* The box of the "kernel" signal source; FALSE when the trace has no kernel sends. */
gboolean       fs_graph_layout_get_kernel_node (FsGraphLayout *self, FsGraphNode *out);
/* The process whose box contains (x, y) in layout coordinates, else FS_PROCESS_NONE. */
FsProcessId    fs_graph_layout_hit_test (FsGraphLayout *self, double x, double y);
/* When a process's childless children are packed in a grid: the grid's box. */
gboolean       fs_graph_layout_get_child_grid (FsGraphLayout *self, FsProcessId parent,
                                               double *x, double *y, double *width,
                                               double *height, guint *n_children);
/* Laid-out processes, in drawing order. */
const FsProcessId *fs_graph_layout_get_processes (FsGraphLayout *self, guint *n);

G_END_DECLS

/* render-graph.h - `sgplan graph`: what depends on each default group, and
 * what the change set changes, as Graphviz DOT or a Mermaid flowchart. */
#pragma once

#include "changeset-read.h"

typedef enum {
  GRAPH_DOT,
  GRAPH_MERMAID,
} GraphFormat;

#define GRAPH_DEFAULT_MAX_INTERFACES 25
#define GRAPH_DEFAULT_MAX_REFERENCING 25

typedef struct {
  GraphFormat format;
  char **groups;          /* only these default groups (NULL: every one) */
  guint max_interfaces;   /* per default group; the rest in one node (0: no limit) */
  guint max_referencing;  /* referencing groups, and VPCs outside the export, per default group */
} GraphOptions;

/* The picture of CS (g_free).  Every string from the change set is escaped
 * for the language, so no name can break out of its label. */
char *render_graph (const ChangeSet *cs, const GraphOptions *options);

/* cmd-graph.c - `sgplan graph PLAN`: a picture of what depends on each
 * default group and of what the change set changes.
 *
 * Graphviz DOT (render it with `dot -Tsvg`) or a Mermaid flowchart (paste
 * it into a pull request).  A large estate would make an unreadable
 * picture, so past --max-interfaces network interfaces and
 * --max-referencing referencing groups per default group the rest is one
 * "... and N more" node; --group draws only some default groups.  See
 * render-graph.c for what is drawn. */
#include "config.h"

#include "analysis.h"
#include "changeset-read.h"
#include "commands.h"
#include "files.h"
#include "render-graph.h"
#include "util.h"

#include <string.h>

/* Every --group must name a default group of the change set. */
static gboolean
check_groups (const ChangeSet *cs, char **groups, GError **error)
{
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (guint k = 0; k < cs->groups->len && !found; k++)
        found = strcmp (((const ChangeSetGroup *) cs->groups->pdata[k])->group_id, groups[i]) == 0;
      if (!found)
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                       "'%s': no default group '%s' in this change set", cs->path, groups[i]);
          return FALSE;
        }
    }
  return TRUE;
}

int
cmd_graph (int argc, char **argv, GError **error)
{
  g_autofree char *format = NULL, *output = NULL;
  g_auto (GStrv) groups = NULL;
  int max_interfaces = GRAPH_DEFAULT_MAX_INTERFACES, max_referencing = GRAPH_DEFAULT_MAX_REFERENCING;
  g_autoptr (ChangeSet) cs = NULL;
  g_autofree char *text = NULL;
  GraphOptions options = { 0 };
  Scope scope = { 0 };
  /* Update man/sgplan.1, README.md and completions/ when changing these options. */
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "dot (default, Graphviz) or mermaid", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (atomically) instead of standard output", "FILE" },
    { "group", 0, 0, G_OPTION_ARG_STRING_ARRAY, &groups, "Only this default group (repeatable)", "GROUP" },
    { "max-interfaces", 0, 0, G_OPTION_ARG_INT, &max_interfaces,
      "Network interfaces drawn per default group, the rest as one node (default 25; 0: all)", "N" },
    { "max-referencing", 0, 0, G_OPTION_ARG_INT, &max_referencing,
      "Referencing groups (and VPCs outside the export) drawn per default group (default 25; 0: all)", "N" },
    { NULL },
  };

  if (!sgplan_parse_options ("graph", "PLAN",
                             "Draw what depends on each default group and what the change set changes, "
                             "as Graphviz DOT or a Mermaid flowchart.",
                             entries, &argc, &argv, error))
    return -1;
  if (format != NULL && strcmp (format, "dot") != 0 && strcmp (format, "mermaid") != 0)
    {
      g_autofree char *shown = sgplan_cut (format, SGPLAN_QUOTE_MAX);

      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "unknown format '%s' (expected dot or mermaid)", shown);
      return -1;
    }
  if (max_interfaces < 0 || max_referencing < 0)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "--max-interfaces and --max-referencing must be 0 (no limit) or more");
      return -1;
    }
  scope.groups = groups;
  if (!scope_check (&scope, error))
    return -1;
  if (argc != 2)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "graph needs exactly one change set (see 'sgplan graph --help')");
      return -1;
    }
  if (output != NULL && !sgplan_check_output (output, (const char *const *) argv + 1, 1, error))
    return -1;
  cs = changeset_read (argv[1], error);
  if (cs == NULL || !check_groups (cs, groups, error))
    return -1;
  options.format = format != NULL && strcmp (format, "mermaid") == 0 ? GRAPH_MERMAID : GRAPH_DOT;
  options.groups = groups;
  options.max_interfaces = (guint) max_interfaces;
  options.max_referencing = (guint) max_referencing;
  text = render_graph (cs, &options);
  if (!sgplan_write_output (output != NULL ? output : SGPLAN_STDIO, text, strlen (text), 0644, FALSE,
                            error))
    return -1;
  return SGPLAN_EXIT_OK;
}

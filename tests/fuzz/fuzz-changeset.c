/* fuzz-changeset.c - fuzz target: the change-set reader, YAML and JSON.
 *
 * The input is one change set file; changeset_read tells JSON from YAML by
 * its first character, as `sgplan show`, `script` and `apply` do.  What reads
 * is rendered as `show` (text and markdown), `script` (forward and
 * rollback) and `graph` (DOT and Mermaid, every interface and reference)
 * render it: those trust what the reader checked. */
#include "config.h"

#include "fuzz.h"

#include "changeset-read.h"
#include "render-graph.h"
#include "render-script.h"
#include "render-show.h"
#include "util.h"

const char fuzz_target_name[] = "changeset";

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_write_input ("plan", data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (ChangeSet) cs = changeset_read (path, &error);
  g_autofree char *text = NULL, *markdown = NULL, *short_markdown = NULL, *json = NULL;
  g_autofree char *forward = NULL, *rollback = NULL;
  g_autofree char *dot = NULL, *mermaid = NULL;
  GraphOptions graph = { GRAPH_DOT, NULL, 0, 0 };

  if (cs == NULL)
    {
      fuzz_expect_reportable (error, "changeset_read");
      g_debug ("not read: %s", error->message);
      return 0;
    }
  text = render_show_text (cs);
  markdown = render_show_markdown (cs, 0, path, NULL);
  /* too small even for the summary: an error, not a crash */
  short_markdown = render_show_markdown (cs, 2048, path, NULL);
  json = render_show_json (cs, NULL);
  forward = render_script (cs, FALSE);
  rollback = render_script (cs, TRUE);
  dot = render_graph (cs, &graph);
  graph.format = GRAPH_MERMAID;
  graph.max_interfaces = graph.max_referencing = 1;
  mermaid = render_graph (cs, &graph);
  g_debug ("read, %u steps", cs->steps->len);
  return 0;
}

/* cmd-show.c - `sgplan show PLAN`: a change set summarised for review.
 *
 * Reads a YAML or JSON change set back, checking its structure (a bad one
 * gets 'FILE':LINE:COL: errors), and prints what it would do as text for a
 * terminal or Markdown for a pull-request comment. */
#include "config.h"

#include "changeset-read.h"
#include "commands.h"
#include "render-show.h"
#include "util.h"

#include <string.h>

int
cmd_show (int argc, char **argv, GError **error)
{
  g_autofree char *format = NULL;
  g_autoptr (ChangeSet) cs = NULL;
  g_autofree char *text = NULL;
  /* Update man/sgplan.1 when changing these options. */
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default) or markdown", "FORMAT" },
    { NULL },
  };

  if (!sgplan_parse_options ("show", "PLAN",
                             "Summarise a change set for a reviewer, in the manner of terraform plan.",
                             entries, &argc, &argv, error))
    return -1;
  if (format != NULL && strcmp (format, "text") != 0 && strcmp (format, "markdown") != 0)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "unknown format '%s' (expected text or markdown)", format);
      return -1;
    }
  if (argc != 2)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "show needs exactly one change set (see 'sgplan show --help')");
      return -1;
    }
  cs = changeset_read (argv[1], error);
  if (cs == NULL)
    return -1;
  text = format != NULL && strcmp (format, "markdown") == 0 ? render_show_markdown (cs)
                                                            : render_show_text (cs);
  if (!sgplan_write_stdout (text, strlen (text), error))
    return -1;
  return SGPLAN_EXIT_OK;
}

/* cmd-script.c - `sgplan script PLAN [--rollback] [-o FILE]`.
 *
 * Turns a change set into a bash script for the AWS CLI v2: the forward
 * script, or with --rollback the script that undoes what the forward script
 * recorded in its journal.  See render-script.c for what the scripts do. */
#include "config.h"

#include "changeset-read.h"
#include "commands.h"
#include "files.h"
#include "render-script.h"
#include "util.h"

#include <string.h>
#include <sys/stat.h>

gboolean
sgplan_write_script (const char *output, const char *text, GError **error)
{
  /* A script file is executable whatever mode the file it replaces had. */
  return sgplan_write_output (output != NULL ? output : SGPLAN_STDIO, text, strlen (text), 0755,
                              TRUE, error);
}

int
cmd_script (int argc, char **argv, GError **error)
{
  gboolean rollback = FALSE;
  g_autofree char *output = NULL;
  g_autoptr (ChangeSet) cs = NULL;
  g_autofree char *text = NULL;
  /* Update man/sgplan.1 and README.md when changing these options. */
  const GOptionEntry entries[] = {
    { "rollback", 0, 0, G_OPTION_ARG_NONE, &rollback, "The script that undoes the steps the journal records", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (atomically, executable) instead of standard output", "FILE" },
    { NULL },
  };

  if (!sgplan_parse_options ("script", "PLAN",
                             "Write the AWS CLI script that carries out a change set, or its rollback.",
                             entries, &argc, &argv, error))
    return -1;
  if (argc != 2)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "script needs exactly one change set (see 'sgplan script --help')");
      return -1;
    }
  if (output != NULL && !sgplan_check_output (output, (const char *const *) argv + 1, 1, error))
    return -1;
  cs = changeset_read (argv[1], error);
  if (cs == NULL)
    return -1;
  text = render_script (cs, rollback);
  if (!sgplan_write_script (output, text, error))
    return -1;
  return SGPLAN_EXIT_OK;
}

/* cmd-apply.c - `sgplan apply PLAN EXPORT... -o DIR [--rollback]`.
 *
 * Carries out a change set on an export, offline, checking every step's
 * precondition, and writes the resulting state as a new export in DIR.
 * With --rollback it carries out the change set's rollback instead (on an
 * export such as a previous apply wrote).  Nothing is written unless every
 * step applies; the inputs are never touched. */
#include "config.h"

#include "apply.h"
#include "changeset-read.h"
#include "commands.h"
#include "export.h"
#include "files.h"
#include "util.h"

#include <string.h>

int
cmd_apply (int argc, char **argv, GError **error)
{
  gboolean rollback = FALSE;
  g_autofree char *output = NULL, *region = NULL;
  g_autoptr (ChangeSet) cs = NULL;
  g_autoptr (Model) model = NULL;
  g_autoptr (State) state = NULL;
  g_autoptr (GError) local = NULL;
  /* Update man/sgplan.1 and README.md when changing these options. */
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the resulting export into DIR (new or empty)", "DIR" },
    { "rollback", 0, 0, G_OPTION_ARG_NONE, &rollback, "Carry out the change set's rollback instead", NULL },
    { "region", 'r', 0, G_OPTION_ARG_STRING, &region, "Region of groups whose region the export does not tell", "REGION" },
    { NULL },
  };

  if (!sgplan_parse_options ("apply", "PLAN EXPORT...",
                             "Carry out a change set on an export, offline, and write the resulting export.",
                             entries, &argc, &argv, error))
    return -1;
  if (argc < 3 || output == NULL)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "apply needs a change set, an export and -o DIR (see 'sgplan apply --help')");
      return -1;
    }
  if (strcmp (output, SGPLAN_STDIO) == 0)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "apply writes an export folder: -o needs a folder, not '-'");
      return -1;
    }
  if (!sgplan_stdin_once ((const char *const *) argv + 1, (guint) argc - 1, error)
      || !sgplan_check_output (output, (const char *const *) argv + 1, (guint) argc - 1, error))
    return -1;
  cs = changeset_read (argv[1], error);
  if (cs == NULL)
    return -1;
  model = export_load ((const char *const *) argv + 2, (guint) argc - 2, region, error);
  if (model == NULL)
    return -1;
  state = state_new (model);
  if (!apply_changeset (state, cs, rollback, &local))
    {
      /* not invalid input: the answer is "this change set does not apply" */
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_NOT_OK, "not applied, nothing written: %s",
                   local->message);
      return -1;
    }
  if (!apply_write_export (state, output, error))
    return -1;
  return SGPLAN_EXIT_OK;
}

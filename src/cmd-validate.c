/* cmd-validate.c - `sgplan validate PLAN [EXPORT...] [--after EXPORT...]`.
 *
 * Reports every check by name with pass, fail or skip (verify.c says what
 * each proves) and exits 0 when the change set is valid, 1 when it is not.
 * An export that cannot be read is invalid input (3), as everywhere. */
#include "config.h"

#include "commands.h"
#include "export.h"
#include "util.h"
#include "verify.h"

#include <string.h>

int
cmd_validate (int argc, char **argv, GError **error)
{
  g_autofree char *format = NULL, *region = NULL;
  g_auto (GStrv) after_paths = NULL;
  g_autoptr (Model) export = NULL, after = NULL;
  g_autoptr (Validation) v = NULL;
  g_autofree char *text = NULL;
  /* Update man/sgplan.1 and README.md when changing these options. */
  const GOptionEntry entries[] = {
    { "after", 'a', 0, G_OPTION_ARG_FILENAME_ARRAY, &after_paths,
      "The export taken after the change (repeatable)", "EXPORT" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default) or json", "FORMAT" },
    { "region", 'r', 0, G_OPTION_ARG_STRING, &region, "Region of groups whose region an export does not tell", "REGION" },
    { NULL },
  };

  if (!sgplan_parse_options ("validate", "PLAN [EXPORT...]",
                             "Check that a change set is sound and, given its export, safe.",
                             entries, &argc, &argv, error))
    return -1;
  if (format != NULL && strcmp (format, "text") != 0 && strcmp (format, "json") != 0)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE, "unknown format '%s' (expected text or json)", format);
      return -1;
    }
  if (argc < 2)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "validate needs a change set (see 'sgplan validate --help')");
      return -1;
    }
  if (after_paths != NULL && argc < 3)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "--after needs the export the plan was made from too");
      return -1;
    }
  if (argc > 2)
    {
      export = export_load ((const char *const *) argv + 2, (guint) argc - 2, region, error);
      if (export == NULL)
        return -1;
    }
  if (after_paths != NULL)
    {
      after = export_load ((const char *const *) after_paths, g_strv_length (after_paths), region, error);
      if (after == NULL)
        return -1;
    }
  v = verify_changeset (argv[1], export, after, error);
  if (v == NULL)
    return -1;
  text = format != NULL && strcmp (format, "json") == 0 ? verify_render_json (argv[1], v)
                                                        : verify_render_text (argv[1], v);
  if (!sgplan_write_stdout (text, strlen (text), error))
    return -1;
  return v->valid ? SGPLAN_EXIT_OK : SGPLAN_EXIT_NOT_OK;
}

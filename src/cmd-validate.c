/* cmd-validate.c - `sgplan validate PLAN EXPORT... [--after EXPORT...]`.
 *
 * Reports every check by name with pass, FAIL, WARN or skip (verify.c says
 * what each proves).  Exit 0 when the change set is valid; 1 when it is not;
 * 5 when it is sound but leaves default groups blocked or relies on an
 * exception that has expired, so CI cannot take it for done.  Without an
 * export most of the proof is impossible, so that is a usage error (2)
 * unless --structure-only asks for the change set's own checks alone.  An
 * export that cannot be read is invalid input (3), as everywhere. */
#include "config.h"

#include "commands.h"
#include "export.h"
#include "files.h"
#include "render-formats.h"
#include "util.h"
#include "verify.h"

#include <string.h>

static gboolean
valid_date (const char *s)
{
  g_autofree char *iso = g_strdup_printf ("%sT00:00:00Z", s);
  g_autoptr (GDateTime) dt = NULL;

  if (strlen (s) != 10)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  return dt != NULL;
}

int
cmd_validate (int argc, char **argv, GError **error)
{
  g_autofree char *format = NULL, *region = NULL, *date = NULL;
  g_auto (GStrv) after_paths = NULL;
  g_autoptr (Model) export = NULL, after = NULL;
  g_autoptr (Validation) v = NULL;
  g_autofree char *text = NULL;
  gboolean structure_only = FALSE;
  VerifyOptions options = { 0 };
  /* Update man/sgplan.1 and README.md when changing these options. */
  const GOptionEntry entries[] = {
    { "after", 'a', 0, G_OPTION_ARG_FILENAME_ARRAY, &after_paths,
      "The export taken after the change (repeatable)", "EXPORT" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "Judge exception expiry on this date (default: today, UTC)",
      "YYYY-MM-DD" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default), json or junit (JUnit XML for CI)", "FORMAT" },
    { "region", 'r', 0, G_OPTION_ARG_STRING, &region, "Region of groups whose region an export does not tell", "REGION" },
    { "structure-only", 0, 0, G_OPTION_ARG_NONE, &structure_only,
      "Check the change set alone, without an export (most of the proof is then skipped)", NULL },
    { NULL },
  };

  if (!sgplan_parse_options ("validate", "PLAN EXPORT...",
                             "Prove that a change set is sound and, against its export, safe at every step.",
                             entries, &argc, &argv, error))
    return -1;
  if (format != NULL && strcmp (format, "text") != 0 && strcmp (format, "json") != 0
      && strcmp (format, "junit") != 0)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE, "unknown format '%s' (expected text, json or junit)",
                   format);
      return -1;
    }
  if (date != NULL && !valid_date (date))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE, "--date '%s' is not a date (YYYY-MM-DD)", date);
      return -1;
    }
  if (argc < 2)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "validate needs a change set (see 'sgplan validate --help')");
      return -1;
    }
  if (argc < 3 && !structure_only)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "validate needs the export the plan was made from; --structure-only checks the change set alone");
      return -1;
    }
  if (argc > 2 && structure_only)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE, "--structure-only takes no export");
      return -1;
    }
  if (after_paths != NULL && argc < 3)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "--after needs the export the plan was made from too");
      return -1;
    }
  {
    g_autoptr (GPtrArray) all = g_ptr_array_new ();

    for (int i = 1; i < argc; i++)
      g_ptr_array_add (all, argv[i]);
    for (guint i = 0; after_paths != NULL && after_paths[i] != NULL; i++)
      g_ptr_array_add (all, after_paths[i]);
    if (!sgplan_stdin_once ((const char *const *) all->pdata, all->len, error))
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
  options.date = date;
  v = verify_changeset (argv[1], export, after, &options, error);
  if (v == NULL)
    return -1;
  if (format != NULL && strcmp (format, "json") == 0)
    text = verify_render_json (argv[1], v);
  else if (format != NULL && strcmp (format, "junit") == 0)
    text = verify_render_junit (argv[1], v);
  else
    text = verify_render_text (argv[1], v);
  if (!sgplan_write_stdout (text, strlen (text), error))
    return -1;
  return verify_exit_status (v);
}

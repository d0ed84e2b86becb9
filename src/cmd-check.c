/* cmd-check.c - `sgplan check EXPORT...`: EC2.2 status and impact.
 *
 * Reads an export and reports, for every VPC default security group,
 * whether it passes EC2.2 and what would lose connectivity if its rules were
 * simply revoked: attached ENIs and rules in other groups that reference it.
 * Exit 1 when any default group FAILED or the export has gaps (a VPC without
 * its default group, FAILED groups whose network interfaces were not
 * exported), so CI can gate on it; an export without any default group is
 * an error (3): it proves nothing.  The report is
 * built in memory and written at once: an error never leaves half a report. */
#include "config.h"

#include "analysis.h"
#include "commands.h"
#include "export.h"
#include "render-check.h"
#include "render-formats.h"
#include "util.h"

#include <string.h>

int
cmd_check (int argc, char **argv, GError **error)
{
  g_auto (GStrv) accounts = NULL, regions = NULL, vpcs = NULL, groups = NULL;
  g_autofree char *format = NULL;
  Scope scope = { 0 };
  g_autoptr (Model) model = NULL;
  g_autoptr (Analysis) analysis = NULL;
  g_autofree char *report = NULL;
  gint64 now = 0;
  /* Update man/sgplan.1 when changing these options. */
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Report format: text (default), json, asff (Security Hub) or sarif (code scanning)",
      "FORMAT" },
    SCOPE_OPTION_ENTRIES (accounts, regions, vpcs, groups),
    { NULL },
  };

  if (!sgplan_parse_options ("check", "EXPORT...",
                             "Report the EC2.2 status of every VPC default security group and "
                             "what uses it.",
                             entries, &argc, &argv, error))
    return -1;
  if (format != NULL && strcmp (format, "text") != 0 && strcmp (format, "json") != 0
      && strcmp (format, "asff") != 0 && strcmp (format, "sarif") != 0)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "unknown format '%s' (expected text, json, asff or sarif)", format);
      return -1;
    }
  if (format != NULL && strcmp (format, "asff") == 0 && !render_asff_time (&now, error))
    return -1;
  scope = (Scope) { accounts, regions, vpcs, groups };
  if (!scope_check (&scope, error))
    return -1;
  if (argc < 2)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "check needs at least one export file or folder (see 'sgplan check --help')");
      return -1;
    }
  model = export_load ((const char *const *) argv + 1, (guint) argc - 1, scope_default_region (&scope),
                       error);
  if (model == NULL)
    return -1;
  analysis = analysis_run_scoped (model, &scope);
  if (analysis->findings->len == 0 && analysis->out_of_scope > 0)
    {
      g_autofree char *what = scope_describe (&scope);

      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                   "no default security group of the export is in scope (%s)", what);
      return -1;
    }
  if (analysis->findings->len == 0)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                   "no default security group in the export: nothing to check (export "
                   "'aws ec2 describe-security-groups' for every account and region)");
      return -1;
    }
  if (format == NULL || strcmp (format, "text") == 0)
    report = render_check_text (model, analysis);
  else if (strcmp (format, "json") == 0)
    report = render_check_json (model, analysis);
  else if (strcmp (format, "asff") == 0)
    report = render_check_asff (model, analysis, now);
  else
    report = render_check_sarif (model, analysis);
  if (!sgplan_write_stdout (report, strlen (report), error))
    return -1;
  /* incomplete is not compliant: what was not exported cannot be vouched for */
  return analysis->failed > 0 || analysis->gaps->len > 0 ? SGPLAN_EXIT_NOT_OK : SGPLAN_EXIT_OK;
}

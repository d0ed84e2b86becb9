/* cmd-plan.c - `sgplan plan EXPORT...`: the remediation change set.
 *
 * Computes a decision and ordered steps (with preconditions and inverses)
 * for every default group and writes the change set: YAML by default, JSON
 * with --format json.  The output is byte-identical for the same state and
 * options, and -o writes it atomically, never over an input. */
#include "config.h"

#include "changeset.h"
#include "commands.h"
#include "export.h"
#include "files.h"
#include "changeset-read.h"
#include "planner.h"
#include "render-script.h"
#include "util.h"
#include "yaml-cjson.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static gboolean
valid_date (const char *s)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *iso = NULL;

  if (strlen (s) != 10)
    return FALSE;
  iso = g_strdup_printf ("%sT00:00:00Z", s);
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  return dt != NULL;
}

static gboolean
valid_exception_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 12 && strspn (id, "0123456789") == 12)
    return TRUE; /* an account */
  return (g_str_has_prefix (id, "sg-") || g_str_has_prefix (id, "vpc-"))
         && strspn (strchr (id, '-') + 1, "0123456789abcdef") == strlen (strchr (id, '-') + 1)
         && strlen (strchr (id, '-') + 1) >= 8;
}

static gboolean G_GNUC_PRINTF (5, 6)
file_fail (const char *file, GHashTable *marks, const cJSON *node, GError **error,
           const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;
  gpointer mark = node != NULL ? g_hash_table_lookup (marks, node) : NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "'%s':%u:%u: %s", file,
               SGPLAN_YAML_MARK_LINE (mark), SGPLAN_YAML_MARK_COLUMN (mark), message);
  return FALSE;
}

static const char *
string_member (const cJSON *obj, const char *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (obj, key);

  return cJSON_IsString (item) ? item->valuestring : NULL;
}

/* --exceptions FILE: YAML (or JSON, a subset of YAML)
 *   exceptions:
 *     - id: sg-0123456789abcdef0     # a group, VPC or account
 *       reason: "legacy batch host, ticket SEC-1234"
 *       expires: 2027-03-31          # optional; ignored with a warning after */
static gboolean
read_exceptions (Plan *strings, const char *path, GPtrArray *out, GError **error)
{
  g_autofree char *text = NULL;
  gsize len;
  g_autoptr (GHashTable) marks = NULL;
  g_autoptr (cJSON) root = NULL;
  const cJSON *list, *item;

  if (!sgplan_read_file (path, &text, &len, error))
    return FALSE;
  path = sgplan_display_path (path);
  root = yaml_to_cjson (text, len, path, &marks, error);
  if (root == NULL)
    return FALSE;
  list = cJSON_GetObjectItemCaseSensitive (root, "exceptions");
  if (!cJSON_IsObject (root) || !cJSON_IsArray (list))
    return file_fail (path, marks, list != NULL ? list : root, error,
                      "expected \"exceptions:\" with a list of {id, reason, expires}");
  cJSON_ArrayForEach (item, list)
    {
      Exception *e;
      const char *id = string_member (item, "id"), *reason = string_member (item, "reason");
      const cJSON *expires = cJSON_GetObjectItemCaseSensitive (item, "expires");

      if (!cJSON_IsObject (item) || id == NULL || !valid_exception_id (id))
        return file_fail (path, marks, item, error,
                          "expected \"id\": a security group, VPC or account ID");
      if (reason == NULL || reason[0] == '\0')
        return file_fail (path, marks, item, error, "expected \"reason\": why %s is excepted", id);
      if (expires != NULL && !(cJSON_IsString (expires) && valid_date (expires->valuestring)))
        return file_fail (path, marks, expires, error, "\"expires\" must be a date, YYYY-MM-DD");
      e = g_new0 (Exception, 1);
      e->id = plan_str (strings, id);
      e->reason = plan_str (strings, reason);
      e->expires = expires != NULL ? plan_str (strings, expires->valuestring) : NULL;
      e->source = plan_str (strings, path);
      g_ptr_array_add (out, e);
    }
  return TRUE;
}

/* Without --detailed-exitcode a plan that was written is success (0); with
 * it, CI can tell the outcomes apart, as with terraform plan's option of the
 * same name (there 2 means changes; 2 is a usage error here, so 4). */
static int
plan_exit_status (const Plan *plan, gboolean detailed)
{
  if (!detailed)
    return SGPLAN_EXIT_OK;
  switch (plan_outcome (plan->counts))
    {
    case PLAN_BLOCKED:
      return SGPLAN_EXIT_NOT_OK;
    case PLAN_CHANGES:
      return SGPLAN_EXIT_CHANGES;
    default:
      return SGPLAN_EXIT_OK;
    }
}

int
cmd_plan (int argc, char **argv, GError **error)
{
  g_auto (GStrv) accounts = NULL, regions = NULL, vpcs = NULL, groups = NULL;
  Scope scope = { 0 };
  g_autofree char *format = NULL, *output = NULL, *exceptions_file = NULL;
  g_autofree char *replacement = NULL, *date = NULL;
  g_auto (GStrv) except = NULL;
  gboolean detailed = FALSE;
  int max_groups = PLAN_DEFAULT_MAX_GROUPS_PER_ENI, max_rules = PLAN_DEFAULT_MAX_RULES_PER_GROUP;
  /* Update man/sgplan.1 and README.md when changing these options. */
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "yaml (default) or json: the change set; aws-cli: its script", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (atomically) instead of standard output", "FILE" },
    SCOPE_OPTION_ENTRIES (accounts, regions, vpcs, groups),
    { "except", 'x', 0, G_OPTION_ARG_STRING_ARRAY, &except, "Leave this group, VPC or account as it is (repeatable)", "ID" },
    { "exceptions", 0, 0, G_OPTION_ARG_FILENAME, &exceptions_file, "YAML file of exceptions: id, reason, expires", "FILE" },
    { "replacement-name", 0, 0, G_OPTION_ARG_STRING, &replacement,
      "Name of replacement groups; {vpc_id}, {group_id}, {account}, {region} are replaced (default: " PLAN_DEFAULT_REPLACEMENT_NAME ")", "TEMPLATE" },
    { "max-groups-per-eni", 0, 0, G_OPTION_ARG_INT, &max_groups, "Security groups per network interface quota (default 5)", "N" },
    { "max-rules-per-group", 0, 0, G_OPTION_ARG_INT, &max_rules, "Rules per security group and direction quota (default 60)", "N" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "Judge exception expiry on this date (default: today, UTC)", "YYYY-MM-DD" },
    { "detailed-exitcode", 0, 0, G_OPTION_ARG_NONE, &detailed,
      "Exit 0 when there is nothing to do, 4 when changes are planned, 1 when a group is blocked", NULL },
    { NULL },
  };
  g_autoptr (Plan) option_strings = plan_new ();
  g_autoptr (GPtrArray) exceptions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (Model) model = NULL;
  g_autoptr (Analysis) analysis = NULL;
  g_autoptr (Plan) plan = NULL;
  g_autoptr (cJSON) tree = NULL;
  g_autofree char *text = NULL;
  PlanOptions options = { 0 };
  gboolean json, script;

  if (!sgplan_parse_options ("plan", "EXPORT...",
                             "Compute the change set that makes every VPC default security group "
                             "allow no traffic without breaking what uses it.",
                             entries, &argc, &argv, error))
    return -1;
  if (format != NULL && strcmp (format, "yaml") != 0 && strcmp (format, "json") != 0
      && strcmp (format, "aws-cli") != 0)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "unknown format '%s' (expected yaml, json or aws-cli)", format);
      return -1;
    }
  if (replacement != NULL && !plan_check_replacement_name (replacement, error))
    return -1;
  scope = (Scope) { accounts, regions, vpcs, groups };
  if (!scope_check (&scope, error))
    return -1;
  json = format != NULL && strcmp (format, "json") == 0;
  script = format != NULL && strcmp (format, "aws-cli") == 0;
  if (max_groups < 1 || max_groups > 16 || max_rules < 1 || max_rules > 1000)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "--max-groups-per-eni must be 1 to 16 and --max-rules-per-group 1 to 1000");
      return -1;
    }
  if (date != NULL && !valid_date (date))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE, "--date '%s' is not a date (YYYY-MM-DD)", date);
      return -1;
    }
  if (date == NULL)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      date = g_date_time_format (now, "%Y-%m-%d");
    }
  for (guint i = 0; except != NULL && except[i] != NULL; i++)
    {
      Exception *e;

      if (!valid_exception_id (except[i]))
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                       "--except '%s' is not a security group, VPC or account ID", except[i]);
          return -1;
        }
      e = g_new0 (Exception, 1);
      e->id = plan_str (option_strings, except[i]);
      e->reason = plan_str (option_strings, "excepted on the command line (--except)");
      e->source = plan_str (option_strings, "command line");
      g_ptr_array_add (exceptions, e);
    }
  {
    g_autoptr (GPtrArray) inputs = g_ptr_array_new ();

    g_ptr_array_add (inputs, exceptions_file);
    for (int i = 1; i < argc; i++)
      g_ptr_array_add (inputs, argv[i]);
    if (!sgplan_stdin_once ((const char *const *) inputs->pdata, inputs->len, error))
      return -1;
  }
  if (exceptions_file != NULL && !read_exceptions (option_strings, exceptions_file, exceptions, error))
    return -1;
  if (argc < 2)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "plan needs at least one export file or folder (see 'sgplan plan --help')");
      return -1;
    }
  if (output != NULL)
    {
      g_autoptr (GPtrArray) inputs = g_ptr_array_new ();

      for (int i = 1; i < argc; i++)
        g_ptr_array_add (inputs, argv[i]);
      if (exceptions_file != NULL)
        g_ptr_array_add (inputs, exceptions_file);
      if (!sgplan_check_output (output, (const char *const *) inputs->pdata, inputs->len, error))
        return -1;
    }
  model = export_load ((const char *const *) argv + 1, (guint) argc - 1, scope_default_region (&scope),
                       error);
  if (model == NULL)
    return -1;
  options.replacement_name = replacement != NULL ? replacement : PLAN_DEFAULT_REPLACEMENT_NAME;
  options.max_groups_per_eni = (guint) max_groups;
  options.max_rules_per_group = (guint) max_rules;
  options.exceptions = exceptions;
  options.date = date;
  options.scope = scope_is_set (&scope) ? &scope : NULL;
  analysis = analysis_run_scoped (model, options.scope);
  if (analysis->findings->len == 0 && analysis->out_of_scope > 0)
    {
      g_autofree char *what = scope_describe (options.scope);

      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                   "no default security group of the export is in scope (%s)", what);
      return -1;
    }
  plan = plan_compute (model, analysis, &options, error);
  if (plan == NULL)
    return -1;
  if (script || json)
    tree = changeset_build (model, plan, &options);
  if (script)
    {
      /* the script is made from the change set as `sgplan script` reads it */
      g_autoptr (ChangeSet) cs = changeset_from_tree (tree, "(plan)", NULL, 0, NULL, error);

      if (cs == NULL)
        return -1;
      text = render_script (cs, FALSE);
      return sgplan_write_script (output, text, error) ? plan_exit_status (plan, detailed) : -1;
    }
  text = json ? sgplan_json_print (tree) : changeset_yaml (model, plan, &options, error);
  if (text == NULL)
    return -1;
  if (!sgplan_write_output (output != NULL ? output : SGPLAN_STDIO, text, strlen (text), 0644,
                            FALSE, error))
    return -1;
  return plan_exit_status (plan, detailed);
}

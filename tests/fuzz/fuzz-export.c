/* fuzz-export.c - fuzz target: an export file through check and plan.
 *
 * The input is one export file (the loader accepts several documents of any
 * kind one after another), read from 111122223333/us-east-1/ so that the
 * path tells account and region as in a real export tree.  What loads is
 * then taken as far as sgplan takes it: the check report in both formats,
 * the plan, its YAML, the script.  Beyond "no crash, no leak", sgplan's own
 * output must read back: a plan written as YAML is a valid change set, and
 * it validates against the export it was made from. */
#include "config.h"

#include "fuzz.h"

#include "analysis.h"
#include "changeset.h"
#include "changeset-read.h"
#include "export.h"
#include "planner.h"
#include "render-check.h"
#include "render-script.h"
#include "util.h"
#include "verify.h"
#include "yaml-cjson.h"

#include <string.h>

const char fuzz_target_name[] = "export";

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

static void
check_own_plan (const Model *model, const cJSON *tree, const PlanOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *yaml = yaml_from_cjson (tree, &error);
  g_autoptr (ChangeSet) cs = NULL;
  g_autoptr (Validation) v = NULL;
  g_autofree char *forward = NULL, *rollback = NULL;
  VerifyOptions verify_options = { options->date };
  const char *path;

  if (yaml == NULL)
    g_error ("cannot write the plan as YAML: %s", error->message);
  path = fuzz_write_input ("plan.yaml", (const uint8_t *) yaml, strlen (yaml));
  cs = changeset_read (path, &error);
  if (cs == NULL)
    g_error ("sgplan cannot read its own plan: %s", error->message);
  forward = render_script (cs, FALSE);
  rollback = render_script (cs, TRUE);
  v = verify_changeset (path, model, NULL, &verify_options, &error);
  if (v == NULL)
    g_error ("cannot validate sgplan's own plan: %s", error->message);
  for (guint i = 0; i < v->results->len; i++)
    {
      const CheckResult *r = v->results->pdata[i];

      if (r->status == CHECK_FAIL)
        g_error ("sgplan's own plan fails check %s: %s", r->name, r->detail);
    }
  g_debug ("planned, %u steps, valid", cs->steps->len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *paths[] = { fuzz_write_input ("111122223333/us-east-1/export.json", data, size) };
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = export_load (paths, 1, NULL, &error);
  g_autoptr (Analysis) analysis = NULL;
  g_autoptr (Plan) plan = NULL;
  g_autoptr (cJSON) tree = NULL;
  g_autoptr (GPtrArray) exceptions = g_ptr_array_new ();
  g_autofree char *text = NULL, *json = NULL;
  PlanOptions options = { PLAN_DEFAULT_REPLACEMENT_NAME, PLAN_DEFAULT_MAX_GROUPS_PER_ENI,
                          PLAN_DEFAULT_MAX_RULES_PER_GROUP, exceptions, FUZZ_DATE, NULL };

  if (model == NULL)
    {
      fuzz_expect_reportable (error, "sgplan");
      g_debug ("not loaded: %s", error->message);
      return 0;
    }
  analysis = analysis_run (model);
  text = render_check_text (model, analysis);
  json = render_check_json (model, analysis);
  plan = plan_compute (model, analysis, &options, &error);
  if (plan == NULL)
    {
      fuzz_expect_reportable (error, "sgplan");
      g_debug ("loaded, not planned: %s", error->message);
      return 0;
    }
  tree = changeset_build (model, plan, &options);
  check_own_plan (model, tree, &options);
  return 0;
}

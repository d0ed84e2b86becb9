/* test-plan.c - the planner: byte-identical change sets for the same state
 * in any order of files and elements, and rollbacks that restore the state. */
#include "config.h"

#include "analysis.h"
#include "changeset.h"
#include "export.h"
#include "planner.h"
#include "shuffle.h"
#include "state.h"
#include "util.h"
#include "yaml-cjson.h"

#include <string.h>

static const char *const scenarios[] = {
  "unused-default", "instances", "referenced", "custom-rules", "service-enis", "peering",
  "compliant", "multi-account", "example", "plan-rule-kinds", "plan-quotas",
  "plan-cross-default", "hostile-values",
};

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("srcdir") ? g_getenv ("srcdir") : ".", "fixtures", name, NULL);
}

static PlanOptions
default_options (void)
{
  PlanOptions options = { PLAN_DEFAULT_REPLACEMENT_NAME, PLAN_DEFAULT_MAX_GROUPS_PER_ENI,
                          PLAN_DEFAULT_MAX_RULES_PER_GROUP, NULL, "2026-11-30", NULL };
  return options;
}

/* The change set of the export at PATH as YAML, without "inputs" (the only
 * part that names files). */
static char *
plan_yaml (const char *path, Model **model_out)
{
  const char *paths[] = { path };
  g_autoptr (GError) error = NULL;
  Model *model = export_load (paths, 1, NULL, &error);
  g_autoptr (Analysis) analysis = NULL;
  g_autoptr (Plan) plan = NULL;
  g_autoptr (cJSON) tree = NULL;
  PlanOptions options = default_options ();
  char *text;

  g_assert_no_error (error);
  analysis = analysis_run (model);
  plan = plan_compute (model, analysis, &options, &error);
  g_assert_no_error (error);
  tree = changeset_build (model, plan, &options);
  cJSON_DeleteItemFromObjectCaseSensitive (tree, "inputs");
  text = yaml_from_cjson (tree, &error);
  g_assert_no_error (error);
  if (model_out != NULL)
    *model_out = model;
  else
    model_free (model);
  return text;
}

static void
test_plan_ignores_order (gconstpointer data)
{
  g_autofree char *dir = fixture (data);
  g_autofree char *reference = plan_yaml (dir, NULL);

  for (guint32 seed = 1; seed <= 12; seed++)
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
      g_autofree char *tmp = g_dir_make_tmp ("sgplan-plan-XXXXXX", NULL);
      g_autofree char *shuffled = NULL;

      write_shuffled_export (dir, tmp, rand);
      shuffled = plan_yaml (tmp, NULL);
      g_assert_cmpstr (shuffled, ==, reference);
      remove_tree (tmp);
    }
}

/* Canonical text of a state: every group with its sorted rules, and the
 * groups of every ENI in the export. */
static char *
state_text (State *state)
{
  GString *out = g_string_new (NULL);
  g_autoptr (GList) ids = g_list_sort (g_hash_table_get_keys (state->groups), (GCompareFunc) strcmp);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      StateGroup *g = state_group (state, l->data);

      g_string_append_printf (out, "group %s %s %s\n", g->id, g->name, g->vpc_id);
      for (guint r = 0; r < g->rules->len; r++)
        {
          const Rule *rule = &g_array_index (g->rules, Rule, r);
          g_autofree char *traffic = rule_describe_traffic (rule);

          g_string_append_printf (out, "  %d %s %s %s %s\n", rule->direction, traffic, rule->peer,
                                  rule->peer_owner ? rule->peer_owner : "-",
                                  rule->description ? rule->description : "-");
        }
    }
  for (guint i = 0; i < state->model->eni_list->len; i++)
    {
      const Eni *eni = state->model->eni_list->pdata[i];
      guint n;
      const char *const *groups = state_eni_groups (state, eni->id, &n);

      g_string_append_printf (out, "eni %s", eni->id);
      for (guint g = 0; g < n; g++)
        g_string_append_printf (out, " %s", groups[g]);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* The rules of another group that reference ID, by a scan of every group:
 * what state_references answers from its index. */
static GPtrArray *
references_by_scan (State *state, const char *id)
{
  GPtrArray *refs = g_ptr_array_new ();
  g_autoptr (GList) ids = g_list_sort (g_hash_table_get_keys (state->groups), (GCompareFunc) strcmp);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      StateGroup *g = state_group (state, l->data);

      for (guint r = 0; r < g->rules->len && strcmp (g->id, id) != 0; r++)
        {
          const Rule *rule = &g_array_index (g->rules, Rule, r);

          if (rule->peer_kind == PEER_GROUP && strcmp (rule->peer, id) == 0)
            g_ptr_array_add (refs, (gpointer) rule);
        }
    }
  return refs;
}

/* NAME in the other case, letter by letter. */
static char *
swap_case (const char *name)
{
  char *out = g_strdup (name);

  for (char *p = out; *p != '\0'; p++)
    *p = g_ascii_isupper (*p) ? g_ascii_tolower (*p) : g_ascii_toupper (*p);
  return out;
}

/* The state's indexes (referencing rules, names) answer as a scan of every
 * group does, and every group's rules are still sorted. */
static void
assert_indexes (State *state)
{
  g_autoptr (GList) ids = g_list_sort (g_hash_table_get_keys (state->groups), (GCompareFunc) strcmp);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      StateGroup *g = state_group (state, l->data);
      g_autoptr (GPtrArray) refs = state_references (state, g->id);
      g_autoptr (GPtrArray) scanned = references_by_scan (state, g->id);
      g_autofree char *swapped = swap_case (g->name);
      g_autofree char *unused = g_strconcat (g->name, "-not-a-group-name", NULL);

      g_assert_cmpuint (refs->len, ==, scanned->len);
      g_assert_cmpuint (state_reference_count (state, g->id), ==, scanned->len);
      for (guint i = 0; i < refs->len; i++)
        g_assert_true (((const StateRef *) refs->pdata[i])->rule == scanned->pdata[i]);
      g_assert_true (state_name_taken (state, g->vpc_id, g->name));
      g_assert_true (state_name_taken (state, g->vpc_id, swapped));
      g_assert_false (state_name_taken (state, g->vpc_id, unused));
      g_assert_false (state_name_taken (state, "vpc-not-in-the-export", g->name));
      for (guint r = 1; r < g->rules->len; r++)
        g_assert_cmpint (rule_compare (&g_array_index (g->rules, Rule, r - 1),
                                       &g_array_index (g->rules, Rule, r)), <, 0);
    }
}

static void
test_rollback_restores_state (gconstpointer data)
{
  g_autofree char *dir = fixture (data);
  const char *paths[] = { dir };
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = export_load (paths, 1, NULL, &error);
  g_autoptr (Analysis) analysis = analysis_run (model);
  PlanOptions options = default_options ();
  g_autoptr (Plan) plan = plan_compute (model, analysis, &options, &error);
  g_autoptr (State) state = state_new (model);
  g_autofree char *before = state_text (state);
  g_autofree char *after = NULL, *restored = NULL;

  g_assert_no_error (error);
  assert_indexes (state);
  for (guint i = 0; i < plan->steps->len; i++)
    {
      state_apply (state, plan->steps->pdata[i], &error);
      g_assert_no_error (error);
      assert_indexes (state);
    }
  after = state_text (state);
  if (plan->steps->len > 0)
    g_assert_cmpstr (after, !=, before);
  /* every default group that was not left alone now has no rule */
  for (guint i = 0; i < plan->groups->len; i++)
    {
      const GroupPlan *gp = plan->groups->pdata[i];

      if (gp->decision == DECISION_REVOKE || gp->decision == DECISION_MIGRATE)
        g_assert_cmpuint (state_group (state, gp->finding->group->id)->rules->len, ==, 0);
    }
  for (guint i = plan->steps->len; i-- > 0;)
    {
      g_autoptr (Step) inverse = step_inverse (plan->steps->pdata[i]);

      state_apply (state, inverse, &error);
      g_assert_no_error (error);
      assert_indexes (state);
    }
  restored = state_text (state);
  g_assert_cmpstr (restored, ==, before);
}

static void
test_inverse_of_inverse (void)
{
  g_autofree char *dir = fixture ("plan-rule-kinds");
  const char *paths[] = { dir };
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = export_load (paths, 1, NULL, &error);
  g_autoptr (Analysis) analysis = analysis_run (model);
  PlanOptions options = default_options ();
  g_autoptr (Plan) plan = plan_compute (model, analysis, &options, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (plan->steps->len, >, 0);
  for (guint i = 0; i < plan->steps->len; i++)
    {
      const Step *step = plan->steps->pdata[i];
      g_autoptr (Step) inverse = step_inverse (step);
      g_autoptr (Step) back = step_inverse (inverse);

      g_assert_false (step_equal (step, inverse));
      g_assert_true (step_equal (step, back));
    }
}

static void
test_precondition_mismatch_names_difference (void)
{
  g_autofree char *dir = fixture ("example");
  const char *paths[] = { dir };
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = export_load (paths, 1, NULL, &error);
  g_autoptr (State) state = state_new (model);
  const char *before[] = { "sg-048e6432506062cce" };
  const char *after[] = { "sg-0f952ef42c1d0286c" };
  Step step = { .action = ACTION_MODIFY_ENI_GROUPS, .eni_id = "eni-0d3652191bb282d5b",
                .groups_before = before, .n_before = 1, .groups_after = after, .n_after = 1 };

  g_assert_false (state_apply (state, &step, &error));
  g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
  g_assert_cmpstr (error->message, ==,
                   "expected network interface 'eni-0d3652191bb282d5b' to have groups "
                   "[sg-048e6432506062cce]; it has [sg-0f952ef42c1d0286c]");
}

/* The streamed change set is the tree's YAML, byte for byte. */
static void
test_streamed_yaml (gconstpointer data)
{
  g_autofree char *path = fixture (data);
  const char *paths[] = { path };
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = export_load (paths, 1, NULL, &error);
  g_autoptr (Analysis) analysis = NULL;
  g_autoptr (Plan) plan = NULL;
  g_autoptr (cJSON) tree = NULL;
  g_autofree char *whole = NULL, *streamed = NULL;
  PlanOptions options = default_options ();

  g_assert_no_error (error);
  analysis = analysis_run (model);
  plan = plan_compute (model, analysis, &options, &error);
  g_assert_no_error (error);
  tree = changeset_build (model, plan, &options);
  whole = yaml_from_cjson (tree, &error);
  g_assert_no_error (error);
  streamed = changeset_yaml (model, plan, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (streamed, ==, whole);
}

/* The stream writes empty lists and nested values as the tree writer does,
 * and refuses what it refuses, naming the path with the item's index. */
static void
test_yaml_stream (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (cJSON) tree = cJSON_Parse ("{\"a\": 1, \"odd key\": {\"b\": [true, null]}, "
                                        "\"empty\": [], \"list\": [{\"c\": \"x\"}, \"y\"]}");
  g_autofree char *whole = yaml_from_cjson (tree, &error);
  g_autofree char *streamed = NULL;
  YamlStream *s = yaml_stream_new (&error);

  g_assert_no_error (error);
  g_assert_true (yaml_stream_member (s, "a", cJSON_CreateNumber (1), &error));
  g_assert_true (yaml_stream_member (s, "odd key", cJSON_Parse ("{\"b\": [true, null]}"), &error));
  g_assert_true (yaml_stream_list_begin (s, "empty", &error));
  g_assert_true (yaml_stream_list_end (s, &error));
  g_assert_true (yaml_stream_list_begin (s, "list", &error));
  g_assert_true (yaml_stream_list_item (s, cJSON_Parse ("{\"c\": \"x\"}"), &error));
  g_assert_true (yaml_stream_list_item (s, cJSON_CreateString ("y"), &error));
  g_assert_true (yaml_stream_list_end (s, &error));
  streamed = yaml_stream_finish (s, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (streamed, ==, whole);

  s = yaml_stream_new (&error);
  g_assert_true (yaml_stream_list_begin (s, "rollback", &error));
  g_assert_true (yaml_stream_list_item (s, cJSON_CreateString ("fine"), &error));
  {
    cJSON *bad = cJSON_CreateObject ();

    cJSON_AddStringToObject (bad, "x", "\xff");
    g_assert_false (yaml_stream_list_item (s, bad, &error));
  }
  g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
  g_assert_cmpstr (error->message, ==, "cannot write YAML: string is not valid UTF-8 at .rollback[1].x");
  g_assert_false (yaml_stream_list_end (s, NULL));
  g_assert_null (yaml_stream_finish (s, NULL));

  g_clear_error (&error);
  s = yaml_stream_new (&error);
  g_assert_true (yaml_stream_member (s, "a", cJSON_CreateTrue (), &error));
  g_assert_false (yaml_stream_member (s, "a", cJSON_CreateTrue (), &error));
  g_assert_cmpstr (error->message, ==, "cannot write YAML: duplicate key at .a");
  yaml_stream_free (s);
}

/* Names are unique per VPC whatever their case (as AWS has it): a group a
 * step creates takes its name, a second one of that name in another case
 * is refused, and deleting the group frees the name. */
static void
test_name_taken_follows_steps (void)
{
  g_autofree char *dir = fixture ("example");
  const char *paths[] = { dir };
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = export_load (paths, 1, NULL, &error);
  g_autoptr (State) state = state_new (model);
  const Group *some = model->group_list->pdata[0];
  Step create = { .action = ACTION_CREATE_GROUP, .group_id = "new:sg-0123456789abcdef0",
                  .account = some->owner_id, .region = some->region, .vpc_id = some->vpc_id,
                  .group_name = "Web Replacement", .description = "test" };
  Step again = create;
  Step egress = { .action = ACTION_REVOKE_EGRESS, .group_id = create.group_id };
  Step delete = { .action = ACTION_DELETE_GROUP, .group_id = create.group_id,
                  .group_name = create.group_name };
  Rule allow_all = { .direction = RULE_EGRESS, .peer_kind = PEER_CIDR4, .protocol = "-1",
                     .peer = "0.0.0.0/0", .from_port = SGPLAN_PORT_NONE, .to_port = SGPLAN_PORT_NONE };

  g_assert_no_error (error);
  g_assert_false (state_name_taken (state, some->vpc_id, "web replacement"));
  g_assert_true (state_apply (state, &create, &error));
  g_assert_no_error (error);
  g_assert_true (state_name_taken (state, some->vpc_id, "web replacement"));
  g_assert_true (state_name_taken (state, some->vpc_id, "WEB REPLACEMENT"));
  g_assert_false (state_name_taken (state, "vpc-0000000000000000f", "Web Replacement"));
  again.group_id = "new:sg-0fedcba9876543210";
  again.group_name = "WEB replacement";
  g_assert_false (state_apply (state, &again, &error));
  g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
  g_clear_error (&error);
  egress.rules = &allow_all;
  egress.n_rules = 1;
  g_assert_true (state_apply (state, &egress, &error));
  g_assert_true (state_apply (state, &delete, &error));
  g_assert_no_error (error);
  g_assert_false (state_name_taken (state, some->vpc_id, "Web Replacement"));
  assert_indexes (state);
}

/* A hostile export may name two groups of one VPC alike (in another case):
 * the name stays taken until both are gone. */
static void
test_name_taken_counts_duplicates (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("sgplan-names-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "security-groups.json", NULL);
  const char *paths[] = { path };
  const char *json =
    "{\"SecurityGroups\": ["
    "{\"GroupId\": \"sg-0000000000000000a\", \"GroupName\": \"web\", \"Description\": \"a\","
    " \"OwnerId\": \"111122223333\", \"VpcId\": \"vpc-0000000000000000a\", \"IpPermissions\": [],"
    " \"IpPermissionsEgress\": []},"
    "{\"GroupId\": \"sg-0000000000000000b\", \"GroupName\": \"WEB\", \"Description\": \"b\","
    " \"OwnerId\": \"111122223333\", \"VpcId\": \"vpc-0000000000000000a\", \"IpPermissions\": [],"
    " \"IpPermissionsEgress\": []}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = NULL;
  g_autoptr (State) state = NULL;
  Step delete_a = { .action = ACTION_DELETE_GROUP, .group_id = "sg-0000000000000000a", .group_name = "web" };
  Step delete_b = { .action = ACTION_DELETE_GROUP, .group_id = "sg-0000000000000000b", .group_name = "WEB" };

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  model = export_load (paths, 1, "us-east-1", &error);
  g_assert_no_error (error);
  state = state_new (model);
  g_assert_true (state_name_taken (state, "vpc-0000000000000000a", "Web"));
  g_assert_true (state_apply (state, &delete_a, &error));
  g_assert_no_error (error);
  g_assert_true (state_name_taken (state, "vpc-0000000000000000a", "Web"));
  g_assert_true (state_apply (state, &delete_b, &error));
  g_assert_no_error (error);
  g_assert_false (state_name_taken (state, "vpc-0000000000000000a", "Web"));
  remove_tree (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plan/inverse-of-inverse", test_inverse_of_inverse);
  g_test_add_func ("/plan/yaml-stream", test_yaml_stream);
  g_test_add_func ("/plan/precondition-mismatch-names-difference", test_precondition_mismatch_names_difference);
  g_test_add_func ("/plan/name-taken-follows-steps", test_name_taken_follows_steps);
  g_test_add_func ("/plan/name-taken-counts-duplicates", test_name_taken_counts_duplicates);
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *a = g_strdup_printf ("/plan/ignores-order/%s", scenarios[i]);
      g_autofree char *b = g_strdup_printf ("/plan/rollback-restores-state/%s", scenarios[i]);

      g_autofree char *c = g_strdup_printf ("/plan/streamed-yaml/%s", scenarios[i]);

      g_test_add_data_func (a, scenarios[i], test_plan_ignores_order);
      g_test_add_data_func (b, scenarios[i], test_rollback_restores_state);
      g_test_add_data_func (c, scenarios[i], test_streamed_yaml);
    }
  return g_test_run ();
}

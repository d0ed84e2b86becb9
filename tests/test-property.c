/* test-property.c - property tests on random but valid exports.
 *
 * A seeded generator writes exports in the AWS CLI's shape: one or two
 * accounts and regions, VPCs with a default group (no rules, AWS's default
 * rules, or random ones), custom groups with random rules of every kind
 * (CIDRs, IPv6, prefix lists, references to groups of the VPC, the default
 * group among them) and ENIs with up to five groups.  For every seed:
 * the plan validates; applying it leaves every default group PASSED; and
 * applying the rollback to what apply wrote gives back the export's exact
 * canonical state (its fingerprint). */
#include "config.h"

#include "analysis.h"
#include "apply.h"
#include "changeset.h"
#include "changeset-read.h"
#include "export.h"
#include "planner.h"
#include "shuffle.h"
#include "state.h"
#include "util.h"
#include "verify.h"
#include "yaml-cjson.h"

#include <string.h>

#define N_SEEDS 40

typedef struct {
  GRand *rand;
  guint next_id;
} Gen;

static char *
new_id (Gen *gen, const char *prefix)
{
  return g_strdup_printf ("%s0%016x", prefix, ++gen->next_id * 2654435761u);
}

static int
pick (Gen *gen, int n)
{
  return g_rand_int_range (gen->rand, 0, n);
}

static cJSON *
permission (Gen *gen, GPtrArray *vpc_groups, const char *owner, GHashTable *used)
{
  static const char *const descriptions[] = { NULL, "app", "it's \"quoted\"", "ops $(x)" };
  cJSON *perm = cJSON_CreateObject ();
  cJSON *v4 = cJSON_CreateArray (), *v6 = cJSON_CreateArray (), *pls = cJSON_CreateArray (),
        *pairs = cJSON_CreateArray ();
  int kind = pick (gen, 4);
  int proto = pick (gen, 5);
  g_autofree char *peer = NULL;
  g_autofree char *key = NULL;
  cJSON *item = cJSON_CreateObject ();
  const char *description = descriptions[pick (gen, 4)];

  switch (proto)
    {
    case 0:
      cJSON_AddStringToObject (perm, "IpProtocol", "-1");
      break;
    case 1:
    case 2:
      {
        int from = pick (gen, 3) == 0 ? 1000 + pick (gen, 100) : 22 + pick (gen, 3);
        cJSON_AddNumberToObject (perm, "FromPort", from);
        cJSON_AddStringToObject (perm, "IpProtocol", proto == 1 ? "tcp" : "udp");
        cJSON_AddNumberToObject (perm, "ToPort", from + (pick (gen, 2) ? 0 : pick (gen, 50)));
        break;
      }
    case 3:
      cJSON_AddNumberToObject (perm, "FromPort", pick (gen, 2) ? 8 : -1);
      cJSON_AddStringToObject (perm, "IpProtocol", "icmp");
      cJSON_AddNumberToObject (perm, "ToPort", -1);
      break;
    default:
      cJSON_AddStringToObject (perm, "IpProtocol", "50");
      break;
    }
  switch (kind)
    {
    case 0:
      peer = g_strdup_printf ("10.%d.0.0/16", pick (gen, 4));
      cJSON_AddStringToObject (item, "CidrIp", peer);
      cJSON_AddItemToArray (v4, item);
      break;
    case 1:
      peer = g_strdup_printf ("2001:db8:%x::/48", pick (gen, 4));
      cJSON_AddStringToObject (item, "CidrIpv6", peer);
      cJSON_AddItemToArray (v6, item);
      break;
    case 2:
      peer = g_strdup (pick (gen, 2) ? "pl-63a5400a" : "pl-02cd2c6b");
      cJSON_AddStringToObject (item, "PrefixListId", peer);
      cJSON_AddItemToArray (pls, item);
      break;
    default:
      peer = g_strdup (vpc_groups->pdata[pick (gen, (int) vpc_groups->len)]);
      cJSON_AddStringToObject (item, "GroupId", peer);
      cJSON_AddStringToObject (item, "UserId", owner);
      cJSON_AddItemToArray (pairs, item);
      break;
    }
  if (description != NULL)
    cJSON_AddStringToObject (item, "Description", description);
  cJSON_AddItemToObject (perm, "IpRanges", v4);
  cJSON_AddItemToObject (perm, "Ipv6Ranges", v6);
  cJSON_AddItemToObject (perm, "PrefixListIds", pls);
  cJSON_AddItemToObject (perm, "UserIdGroupPairs", pairs);
  /* AWS allows a rule once: skip repeats of the same protocol, ports and peer */
  key = g_strdup_printf ("%s|%d|%d|%s", cJSON_GetObjectItem (perm, "IpProtocol")->valuestring,
                         cJSON_GetObjectItem (perm, "FromPort") ? cJSON_GetObjectItem (perm, "FromPort")->valueint : -2,
                         cJSON_GetObjectItem (perm, "ToPort") ? cJSON_GetObjectItem (perm, "ToPort")->valueint : -2, peer);
  if (!g_hash_table_add (used, g_steal_pointer (&key)))
    {
      cJSON_Delete (perm);
      return NULL;
    }
  return perm;
}

static void
add_rules (Gen *gen, cJSON *array, int n, GPtrArray *vpc_groups, const char *owner)
{
  g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < n; i++)
    {
      cJSON *perm = permission (gen, vpc_groups, owner, used);

      if (perm != NULL)
        cJSON_AddItemToArray (array, perm);
    }
}

static cJSON *
group_object (const char *id, const char *name, const char *owner, const char *vpc)
{
  cJSON *g = cJSON_CreateObject ();

  cJSON_AddStringToObject (g, "Description", strcmp (name, "default") == 0 ? "default VPC security group" : name);
  cJSON_AddStringToObject (g, "GroupName", name);
  cJSON_AddArrayToObject (g, "IpPermissions");
  cJSON_AddStringToObject (g, "OwnerId", owner);
  cJSON_AddStringToObject (g, "GroupId", id);
  cJSON_AddArrayToObject (g, "IpPermissionsEgress");
  cJSON_AddStringToObject (g, "VpcId", vpc);
  return g;
}

static void
generate_vpc (Gen *gen, const char *owner, const char *region, cJSON *groups, cJSON *enis)
{
  g_autofree char *vpc = new_id (gen, "vpc-");
  g_autofree char *subnet = new_id (gen, "subnet-");
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) objects = g_ptr_array_new ();
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int n_custom = pick (gen, 5), variant = pick (gen, 3);

  for (int i = 0; i <= n_custom; i++)
    {
      g_ptr_array_add (ids, new_id (gen, "sg-"));
      g_ptr_array_add (names, i == 0 ? g_strdup ("default") : g_strdup_printf ("tier-%d", i));
    }
  for (guint i = 0; i < ids->len; i++)
    {
      cJSON *g = group_object (ids->pdata[i], names->pdata[i], owner, vpc);

      g_ptr_array_add (objects, g);
      cJSON_AddItemToArray (groups, g);
    }
  /* the default group: no rules, AWS's, or random ones */
  if (variant == 1)
    {
      cJSON *self = cJSON_Parse ("{\"IpProtocol\":\"-1\",\"IpRanges\":[],\"Ipv6Ranges\":[],\"PrefixListIds\":[],"
                                 "\"UserIdGroupPairs\":[{}]}");
      cJSON *pair = cJSON_GetArrayItem (cJSON_GetObjectItem (self, "UserIdGroupPairs"), 0);

      cJSON_AddStringToObject (pair, "GroupId", ids->pdata[0]);
      cJSON_AddStringToObject (pair, "UserId", owner);
      cJSON_AddItemToArray (cJSON_GetObjectItem (objects->pdata[0], "IpPermissions"), self);
      cJSON_AddItemToArray (cJSON_GetObjectItem (objects->pdata[0], "IpPermissionsEgress"),
                            cJSON_Parse ("{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}],"
                                         "\"Ipv6Ranges\":[],\"PrefixListIds\":[],\"UserIdGroupPairs\":[]}"));
    }
  for (guint i = variant == 2 ? 0 : 1; i < ids->len; i++)
    {
      add_rules (gen, cJSON_GetObjectItem (objects->pdata[i], "IpPermissions"), pick (gen, 5), ids, owner);
      add_rules (gen, cJSON_GetObjectItem (objects->pdata[i], "IpPermissionsEgress"), pick (gen, 3), ids, owner);
    }
  for (int e = pick (gen, 7); e > 0; e--)
    {
      cJSON *eni = cJSON_CreateObject ();
      cJSON *list = cJSON_CreateArray ();
      g_autofree char *id = new_id (gen, "eni-");
      g_autofree char *az = g_strdup_printf ("%sa", region);
      guint n = 1 + (guint) pick (gen, 5);
      g_autoptr (GPtrArray) order = g_ptr_array_copy (ids, NULL, NULL);

      g_ptr_array_set_free_func (order, NULL); /* the IDs belong to IDS */

      for (guint i = order->len; i > 1; i--)
        {
          guint j = (guint) pick (gen, (int) i);
          gpointer t = order->pdata[i - 1];
          order->pdata[i - 1] = order->pdata[j];
          order->pdata[j] = t;
        }
      for (guint i = 0; i < MIN (n, order->len); i++)
        {
          cJSON *g = cJSON_CreateObject ();
          guint index;

          g_ptr_array_find_with_equal_func (ids, order->pdata[i], g_str_equal, &index);
          cJSON_AddStringToObject (g, "GroupName", names->pdata[index]);
          cJSON_AddStringToObject (g, "GroupId", order->pdata[i]);
          cJSON_AddItemToArray (list, g);
        }
      cJSON_AddStringToObject (eni, "AvailabilityZone", az);
      cJSON_AddStringToObject (eni, "Description", "");
      cJSON_AddItemToObject (eni, "Groups", list);
      cJSON_AddStringToObject (eni, "InterfaceType", "interface");
      cJSON_AddStringToObject (eni, "NetworkInterfaceId", id);
      cJSON_AddStringToObject (eni, "OwnerId", owner);
      cJSON_AddBoolToObject (eni, "RequesterManaged", FALSE);
      cJSON_AddStringToObject (eni, "Status", "in-use");
      cJSON_AddStringToObject (eni, "SubnetId", subnet);
      cJSON_AddItemToObject (eni, "TagSet", cJSON_CreateArray ());
      cJSON_AddStringToObject (eni, "VpcId", vpc);
      cJSON_AddItemToArray (enis, eni);
    }
}

static void
write_doc (const char *dir, const char *name, cJSON *doc)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = sgplan_json_print_indent (doc, 4);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* A random export below ROOT. */
static void
generate_export (guint32 seed, const char *root)
{
  static const char *const accounts[] = { "111122223333", "444455556666" };
  static const char *const regions[] = { "us-east-1", "eu-west-1" };
  Gen gen = { g_rand_new_with_seed (seed), 0 };
  int n_accounts = 1 + pick (&gen, 2), n_regions = 1 + pick (&gen, 2);

  for (int a = 0; a < n_accounts; a++)
    for (int r = 0; r < n_regions; r++)
      {
        g_autofree char *dir = g_build_filename (root, accounts[a], regions[r], NULL);
        g_autoptr (cJSON) groups = cJSON_CreateObject ();
        g_autoptr (cJSON) enis = cJSON_CreateObject ();
        cJSON *g = cJSON_AddArrayToObject (groups, "SecurityGroups");
        cJSON *e = cJSON_AddArrayToObject (enis, "NetworkInterfaces");

        g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
        for (int v = 1 + pick (&gen, 2); v > 0; v--)
          generate_vpc (&gen, accounts[a], regions[r], g, e);
        write_doc (dir, "security-groups.json", groups);
        write_doc (dir, "network-interfaces.json", enis);
      }
  g_rand_free (gen.rand);
}

static Model *
load (const char *path)
{
  const char *paths[] = { path };
  g_autoptr (GError) error = NULL;
  Model *model = export_load (paths, 1, NULL, &error);

  g_assert_no_error (error);
  return model;
}

static void
test_seed (gconstpointer data)
{
  guint32 seed = GPOINTER_TO_UINT (data);
  g_autofree char *root = g_dir_make_tmp ("sgplan-property-XXXXXX", NULL);
  g_autofree char *input = g_build_filename (root, "export", NULL);
  g_autofree char *plan_path = g_build_filename (root, "plan.yaml", NULL);
  g_autofree char *applied_dir = g_build_filename (root, "applied", NULL);
  g_autofree char *restored_dir = g_build_filename (root, "restored", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = NULL, applied = NULL, restored = NULL;
  g_autoptr (Analysis) analysis = NULL, after = NULL;
  g_autoptr (Plan) plan = NULL;
  g_autoptr (cJSON) tree = NULL;
  g_autofree char *yaml = NULL;
  g_autoptr (Validation) v = NULL;
  g_autoptr (ChangeSet) cs = NULL;
  g_autoptr (State) forward = NULL, backward = NULL;
  PlanOptions options = { PLAN_DEFAULT_REPLACEMENT_NAME, PLAN_DEFAULT_MAX_GROUPS_PER_ENI,
                          PLAN_DEFAULT_MAX_RULES_PER_GROUP, NULL, "2026-11-30", NULL };

  generate_export (seed, input);
  model = load (input);
  analysis = analysis_run (model);
  plan = plan_compute (model, analysis, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->counts[DECISION_BLOCKED], ==, 0);
  g_test_message ("seed %u: %u groups, %u ENIs; %u migrate, %u revoke, %u compliant; %u steps", seed,
                  model->group_list->len, model->eni_list->len, plan->counts[DECISION_MIGRATE],
                  plan->counts[DECISION_REVOKE], plan->counts[DECISION_COMPLIANT], plan->steps->len);
  tree = changeset_build (model, plan, &options);
  yaml = yaml_from_cjson (tree, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (plan_path, yaml, -1, NULL));

  /* plan, then validate: every check passes */
  v = verify_changeset (plan_path, model, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < v->results->len; i++)
    {
      const CheckResult *r = v->results->pdata[i];

      if (r->status == CHECK_FAIL)
        g_error ("seed %u: check %s failed: %s", seed, r->name, r->detail);
    }
  g_assert_true (v->valid);

  /* apply, then check: every default group PASSED */
  cs = changeset_read (plan_path, &error);
  g_assert_no_error (error);
  forward = state_new (model);
  g_assert_true (apply_changeset (forward, cs, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (apply_write_export (forward, applied_dir, &error));
  g_assert_no_error (error);
  applied = load (applied_dir);
  after = analysis_run (applied);
  g_assert_cmpuint (after->failed, ==, 0);
  g_assert_cmpuint (after->findings->len, ==, analysis->findings->len);

  /* rollback restores the export exactly, in canonical form */
  backward = state_new (applied);
  g_assert_true (apply_changeset (backward, cs, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (apply_write_export (backward, restored_dir, &error));
  g_assert_no_error (error);
  restored = load (restored_dir);
  g_assert_cmpstr (restored->fingerprint, ==, model->fingerprint);
  if (plan->steps->len > 0)
    g_assert_cmpstr (applied->fingerprint, !=, model->fingerprint);

  remove_tree (root);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint32 seed = 1; seed <= N_SEEDS; seed++)
    {
      g_autofree char *name = g_strdup_printf ("/property/seed-%u", seed);
      g_test_add_data_func (name, GUINT_TO_POINTER (seed), test_seed);
    }
  return g_test_run ();
}

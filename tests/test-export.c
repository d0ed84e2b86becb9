/* test-export.c - the export loader: kinds, atomic rules, regions, merging,
 * and the positions that errors report. */
#include "config.h"

#include "export.h"
#include "json-parse.h"
#include "json-pos.h"
#include "util.h"

#include <string.h>
#include <glib/gstdio.h>

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("srcdir") ? g_getenv ("srcdir") : ".", "fixtures", name, NULL);
}

static Model *
load_fixture (const char *name, const char *region)
{
  g_autofree char *dir = fixture (name);
  const char *paths[] = { dir };
  g_autoptr (GError) error = NULL;
  Model *model = export_load (paths, 1, region, &error);

  g_assert_no_error (error);
  return model;
}

/* Files made by a test, in a temporary folder removed afterwards. */
typedef struct {
  char *dir;
  GPtrArray *paths;
} TmpFiles;

static void
tmp_files_init (TmpFiles *t)
{
  t->dir = g_dir_make_tmp ("sgplan-export-XXXXXX", NULL);
  t->paths = g_ptr_array_new_with_free_func (g_free);
}

static const char *
tmp_file (TmpFiles *t, const char *name, const char *contents)
{
  char *path = g_build_filename (t->dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_mkdir_with_parents (parent, 0755);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_ptr_array_add (t->paths, path);
  return path;
}

static void
tmp_files_clear (TmpFiles *t)
{
  for (guint i = t->paths->len; i-- > 0;)
    {
      g_autofree char *parent = g_path_get_dirname (t->paths->pdata[i]);
      g_unlink (t->paths->pdata[i]);
      while (strcmp (parent, t->dir) != 0 && g_rmdir (parent) == 0)
        {
          char *up = g_path_get_dirname (parent);
          g_free (parent);
          parent = up;
        }
    }
  g_rmdir (t->dir);
  g_free (t->dir);
  g_ptr_array_unref (t->paths);
}

static guint
count_rules (const Group *group, RuleDirection direction)
{
  guint n = 0;

  for (guint i = 0; i < group->n_rules; i++)
    n += group->rules[i].direction == direction;
  return n;
}

static void
test_atomic_rules (void)
{
  g_autoptr (Model) model = load_fixture ("custom-rules", NULL);
  const Group *d = model_group (model, "sg-0c53249a53d98930e");
  guint tcp443 = 0;

  g_assert_nonnull (d);
  g_assert_true (group_is_default (d));
  g_assert_cmpuint (count_rules (d, RULE_INGRESS), ==, 9);
  g_assert_cmpuint (count_rules (d, RULE_EGRESS), ==, 2);
  for (guint i = 0; i < d->n_rules; i++)
    {
      const Rule *r = &d->rules[i];

      /* describe-security-group-rules gave every rule its ID */
      g_assert_nonnull (r->rule_id);
      g_assert_true (g_str_has_prefix (r->rule_id, "sgr-"));
      if (i > 0)
        g_assert_cmpint (rule_compare (&d->rules[i - 1], r), <, 0);
      if (r->direction == RULE_INGRESS && strcmp (r->protocol, "tcp") == 0 && r->from_port == 443)
        tcp443++;
      /* ESP has no ports; "50" stays a number */
      if (strcmp (r->protocol, "50") == 0)
        g_assert_cmpint (r->from_port, ==, SGPLAN_PORT_NONE);
    }
  /* one IpPermission with two IpRanges and one Ipv6Range is three atoms */
  g_assert_cmpuint (tcp443, ==, 3);
}

static void
test_service_enis (void)
{
  g_autoptr (Model) model = load_fixture ("service-enis", NULL);
  const Eni *nat = model_eni (model, "eni-0e90cd714a3c049a7");
  const Eni *lambda = model_eni (model, "eni-0f47d2bbab3d9183c");
  GPtrArray *attached = model_enis_of_group (model, "sg-068fde4344f1a595a");

  g_assert_nonnull (nat);
  g_assert_cmpstr (nat->common->interface_type, ==, "nat_gateway");
  g_assert_cmpuint (nat->n_groups, ==, 0);
  g_assert_nonnull (lambda);
  g_assert_cmpstr (lambda->common->interface_type, ==, "lambda");
  g_assert_true (lambda->common->requester_managed);
  g_assert_cmpstr (lambda->common->region, ==, "eu-west-1");
  g_assert_cmpuint (attached->len, ==, 5);
  for (guint i = 1; i < attached->len; i++)
    g_assert_cmpint (strcmp (((Eni *) attached->pdata[i - 1])->id, ((Eni *) attached->pdata[i])->id), <, 0);
}

/* ENIs that agree on everything but their own IDs, addresses and groups
 * share one record of the rest; an ENI that differs in any of it does not. */
static void
test_eni_common_shared (void)
{
  g_autoptr (Model) model = model_new ();
  EniCommon a = { 0 }, b = { 0 };
  Eni one = { 0 }, two = { 0 }, three = { 0 };
  const Eni *s1, *s2, *s3;

  a.interface_type = model_intern (model, "interface");
  a.owner_id = model_intern (model, "111122223333");
  a.vpc_id = model_intern (model, "vpc-1");
  a.subnet_id = model_intern (model, "subnet-1");
  a.region = model_intern (model, "eu-west-1");
  a.source = model_str (model, "a.json");
  b = a; /* another copy on the stack: the same values, another address */
  one.id = model_str (model, "eni-1");
  one.common = &a;
  two.id = model_str (model, "eni-2");
  two.common = &b;
  s1 = model_add_eni (model, &one);
  s2 = model_add_eni (model, &two);
  g_assert_true (s1->common == s2->common);
  g_assert_true (s1->common != &a && s2->common != &b); /* the model's own record */
  b.subnet_id = model_intern (model, "subnet-2");
  three.id = model_str (model, "eni-3");
  three.common = &b;
  s3 = model_add_eni (model, &three);
  g_assert_true (s3->common != s1->common);
  g_assert_cmpstr (s3->common->subnet_id, ==, "subnet-2");
  g_assert_cmpstr (s1->common->subnet_id, ==, "subnet-1");
  b.requester_managed = TRUE; /* a flag counts too */
  b.subnet_id = a.subnet_id;
  three.id = model_str (model, "eni-4");
  g_assert_true (model_add_eni (model, &three)->common != s1->common);
  g_assert_true (model_eni (model, "eni-2") == s2);
}

static void
test_eni_group_order_kept (void)
{
  g_autoptr (Model) model = load_fixture ("instances", NULL);
  const Eni *eni = model_eni (model, "eni-0a929432dcae8b49b");

  g_assert_nonnull (eni);
  g_assert_cmpuint (eni->n_groups, ==, 2);
  g_assert_cmpstr (eni->groups[0].group_id, ==, "sg-05ceec6abe4ddc8f9");
  g_assert_cmpstr (eni->groups[1].group_id, ==, "sg-036be720ae6065a01");
  g_assert_cmpstr (eni->instance_id, ==, "i-0369cf6580c0e7059");
}

static void
test_regions_from_path_and_pages (void)
{
  g_autoptr (Model) model = load_fixture ("multi-account", NULL);
  /* 444455556666/eu-west-1 has no ENIs and two concatenated pages */
  const Group *page1 = model_group (model, "sg-0c2d60d043d092382");
  const Group *page2 = model_group (model, "sg-06439473439ca8075");
  const Group *east = model_group (model, "sg-0997887146fb6e01d");

  g_assert_nonnull (page1);
  g_assert_nonnull (page2);
  g_assert_cmpstr (page1->region, ==, "eu-west-1");
  g_assert_cmpstr (page2->region, ==, "eu-west-1");
  g_assert_cmpstr (page1->owner_id, ==, "444455556666");
  g_assert_cmpstr (east->region, ==, "us-east-1");
  g_assert_cmpstr (east->owner_id, ==, "111122223333");
}

static const char group_json[] =
  "{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"GroupName\":\"default\",\"OwnerId\":\"111122223333\","
  "\"VpcId\":\"vpc-1\",\"IpPermissions\":[],\"IpPermissionsEgress\":[{\"IpProtocol\":\"-1\","
  "\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]}]}";
static const char eni_json[] =
  "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"OwnerId\":\"111122223333\","
  "\"VpcId\":\"vpc-1\",\"AvailabilityZone\":\"ap-southeast-2b\",\"Groups\":[{\"GroupId\":\"sg-1\"}]}]}";

static void
test_region_precedence (void)
{
  TmpFiles t;
  g_autoptr (GError) error = NULL;

  tmp_files_init (&t);
  {
    /* the folder name says eu-west-1, --region says us-east-1: the folder wins */
    const char *path = tmp_file (&t, "eu-west-1/sg.json", group_json);
    const char *paths[] = { path };
    g_autoptr (Model) model = export_load (paths, 1, "us-east-1", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (model_group (model, "sg-1")->region, ==, "eu-west-1");
  }
  {
    /* an ENI's availability zone in the group's VPC beats the folder */
    const char *eni = tmp_file (&t, "eu-west-1/eni.json", eni_json);
    g_autofree char *dir = g_path_get_dirname (eni);
    const char *paths[] = { dir };
    g_autoptr (Model) model = export_load (paths, 1, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (model_group (model, "sg-1")->region, ==, "ap-southeast-2");
    g_assert_cmpstr (model_eni (model, "eni-1")->common->region, ==, "ap-southeast-2");
  }
  {
    /* no ENI, no region folder: --region */
    const char *path = tmp_file (&t, "plain/sg.json", group_json);
    const char *paths[] = { path };
    g_autoptr (Model) model = export_load (paths, 1, "us-west-2", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (model_group (model, "sg-1")->region, ==, "us-west-2");
  }
  {
    /* nothing tells: an error that names the group and the fix */
    const char *path = tmp_file (&t, "plain2/sg.json", group_json);
    const char *paths[] = { path };
    g_autoptr (Model) model = export_load (paths, 1, NULL, &error);

    g_assert_null (model);
    g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
    g_assert_nonnull (strstr (error->message, "'sg-1'"));
    g_assert_nonnull (strstr (error->message, "--region"));
  }
  tmp_files_clear (&t);
}

static void
test_identical_objects_merge (void)
{
  TmpFiles t;
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = NULL;
  const char *paths[2];

  tmp_files_init (&t);
  paths[0] = tmp_file (&t, "us-east-1/a.json", group_json);
  /* same group in another file, keys in another order, plus a BOM and a page */
  paths[1] = tmp_file (&t, "us-east-1/b.json",
                       "\xef\xbb\xbf{\"SecurityGroups\":[{\"IpPermissionsEgress\":[{\"IpRanges\":"
                       "[{\"CidrIp\":\"0.0.0.0/0\"}],\"IpProtocol\":\"-1\"}],\"IpPermissions\":[],"
                       "\"VpcId\":\"vpc-1\",\"OwnerId\":\"111122223333\",\"GroupName\":\"default\","
                       "\"GroupId\":\"sg-1\"}], \"NextToken\": \"abc\"}\n{\"NetworkInterfaces\": []}\n");
  model = export_load (paths, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->group_list->len, ==, 1);
  g_assert_cmpuint (model_group (model, "sg-1")->n_rules, ==, 1);
  g_assert_cmpuint (model->sources->len, ==, 2);
  tmp_files_clear (&t);
}

static void
test_source_hashes (void)
{
  TmpFiles t;
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = NULL;
  const char *paths[1];
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, group_json, -1);

  tmp_files_init (&t);
  paths[0] = tmp_file (&t, "us-east-1/a.json", group_json);
  model = export_load (paths, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((SourceFile *) model->sources->pdata[0])->sha256, ==, expected);
  tmp_files_clear (&t);
}

static void
test_references (void)
{
  g_autoptr (Model) model = load_fixture ("peering", NULL);
  GPtrArray *refs = model_refs_to_group (model, "sg-06e6acfc703ddc98f");
  const RuleRef *ref;

  g_assert_cmpuint (refs->len, ==, 1);
  ref = refs->pdata[0];
  g_assert_cmpstr (ref->group->id, ==, "sg-0fc3931b042c76a89");
  g_assert_cmpstr (ref->rule->peering_id, ==, "pcx-06172587bbee263bc");
  g_assert_cmpstr (ref->rule->peer_owner, ==, "111122223333");
  g_assert_cmpuint (model->references->len, ==, 2);
}


/* fixtures/service-exports: one resource of every kind, in one VPC. */
#define SVC_ACCOUNT "555566667777"
#define SVC_REGION "eu-central-1"
#define SVC_VPC "vpc-0a7c3e9d51b2f4086"
#define SVC_DEFAULT "sg-0d2f6a81c4e7b9350"
#define SVC_WEB "sg-07b41e9a3c6d8f215"

static const Resource *
svc_resource (const Model *model, ResourceKind kind, const char *id)
{
  const Resource *r = model_resource (model, kind, SVC_ACCOUNT, SVC_REGION, id);

  g_assert_nonnull (r);
  g_assert_cmpint (r->kind, ==, kind);
  g_assert_cmpstr (r->id, ==, id);
  g_assert_cmpstr (r->account, ==, SVC_ACCOUNT);
  g_assert_cmpstr (r->region, ==, SVC_REGION);
  g_assert_cmpstr (r->vpc_id, ==, SVC_VPC);
  return r;
}

static void
test_service_exports (void)
{
  g_autoptr (Model) model = load_fixture ("service-exports", NULL);
  const Resource *r;
  GPtrArray *list;
  guint all = MODEL_DOC_LAMBDA_FUNCTIONS | MODEL_DOC_RDS_INSTANCES | MODEL_DOC_RDS_CLUSTERS
              | MODEL_DOC_CACHE_CLUSTERS | MODEL_DOC_LOAD_BALANCERS
              | MODEL_DOC_CLASSIC_LOAD_BALANCERS | MODEL_DOC_VPC_ENDPOINTS | MODEL_DOC_MOUNT_TARGETS;

  /* elbv2: the ARN is the ID; groups in the service's order, not sorted */
  r = svc_resource (model, RESOURCE_LOAD_BALANCER, "arn:aws:elasticloadbalancing:eu-central-1:"
                    "555566667777:loadbalancer/app/web-alb/3f9c1e7a5b2d4068");
  g_assert_cmpstr (r->name, ==, "web-alb");
  g_assert_cmpstr (r->arn, ==, r->id);
  g_assert_cmpstr (r->type, ==, "application");
  g_assert_cmpstr (r->status, ==, "active");
  g_assert_cmpuint (r->n_groups, ==, 2);
  g_assert_cmpstr (r->group_ids[0], ==, SVC_DEFAULT);
  g_assert_cmpstr (r->group_ids[1], ==, SVC_WEB);
  g_assert_cmpuint (r->n_subnets, ==, 2);

  /* classic: account from SourceSecurityGroup.OwnerAlias, region from its zone */
  r = svc_resource (model, RESOURCE_CLASSIC_LOAD_BALANCER, "legacy-web");
  g_assert_null (r->arn);
  g_assert_cmpuint (r->n_groups, ==, 1);
  g_assert_cmpstr (r->group_ids[0], ==, SVC_DEFAULT);
  g_assert_cmpstr (r->subnet_ids[0], ==, "subnet-0c1e5a7b9d3f24680");

  /* interface endpoint: region from its VPC (no ARN, no zone, no folder) */
  r = svc_resource (model, RESOURCE_VPC_ENDPOINT, "vpce-0e2a4c6e8b0d13579");
  g_assert_cmpstr (r->type, ==, "Interface");
  g_assert_cmpstr (r->service_name, ==, "com.amazonaws.eu-central-1.secretsmanager");
  g_assert_cmpuint (r->n_groups, ==, 1);
  g_assert_cmpuint (r->n_enis, ==, 1);
  g_assert_cmpstr (r->eni_ids[0], ==, "eni-0d7c9e1f3a5b68024");

  /* mount target: no groups of its own (they are its ENI's) */
  r = svc_resource (model, RESOURCE_MOUNT_TARGET, "fsmt-0a3c5e7f9b1d24680");
  g_assert_cmpstr (r->file_system_id, ==, "fs-0b8d2f4a6c1e39572");
  g_assert_cmpuint (r->n_groups, ==, 0);
  g_assert_cmpstr (r->eni_ids[0], ==, "eni-0e9f1b3d5c7a80246");
  g_assert_cmpstr (r->subnet_ids[0], ==, "subnet-0c1e5a7b9d3f24680");
  g_assert_cmpstr (r->status, ==, "available");

  /* Lambda: one resource per version, $LATEST first */
  list = model_lambda_versions (model, SVC_ACCOUNT, SVC_REGION, "orders-api");
  g_assert_cmpuint (list->len, ==, 2);
  r = list->pdata[0];
  g_assert_cmpstr (r->id, ==, "orders-api:$LATEST");
  g_assert_cmpstr (r->version, ==, "$LATEST");
  g_assert_cmpstr (r->arn, ==, "arn:aws:lambda:eu-central-1:555566667777:function:orders-api:$LATEST");
  r = list->pdata[1];
  g_assert_true (r == svc_resource (model, RESOURCE_LAMBDA_FUNCTION, "orders-api:3"));
  g_assert_cmpstr (r->function_name, ==, "orders-api");
  g_assert_cmpstr (r->version, ==, "3");
  g_assert_cmpuint (r->n_subnets, ==, 2);
  g_assert_cmpuint (r->n_groups, ==, 1);
  g_assert_cmpuint (model_lambda_versions (model, SVC_ACCOUNT, "eu-west-1", "orders-api")->len, ==, 0);

  /* RDS: a standalone instance, an Aurora cluster and its instance */
  r = svc_resource (model, RESOURCE_RDS_INSTANCE, "orders-db");
  g_assert_cmpstr (r->engine, ==, "postgres");
  g_assert_null (r->cluster_id);
  g_assert_cmpstr (r->subnet_group, ==, "data-subnets");
  g_assert_cmpstr (r->arn, ==, "arn:aws:rds:eu-central-1:555566667777:db:orders-db");
  r = svc_resource (model, RESOURCE_RDS_INSTANCE, "reports-cluster-instance-1");
  g_assert_cmpstr (r->cluster_id, ==, "reports-cluster");
  /* the cluster's VPC: its member's (describe-db-clusters names no VPC) */
  r = svc_resource (model, RESOURCE_RDS_CLUSTER, "reports-cluster");
  g_assert_cmpstr (r->engine, ==, "aurora-postgresql");
  g_assert_cmpuint (r->n_members, ==, 1);
  g_assert_cmpstr (r->members[0], ==, "reports-cluster-instance-1");
  g_assert_cmpstr (r->group_ids[0], ==, SVC_DEFAULT);

  /* ElastiCache: VPC from its group (it names only its subnet group) */
  r = svc_resource (model, RESOURCE_CACHE_CLUSTER, "sessions-0001-001");
  g_assert_cmpstr (r->replication_group_id, ==, "sessions");
  g_assert_cmpstr (r->engine, ==, "redis");
  g_assert_cmpstr (r->subnet_group, ==, "data-cache-subnets");

  /* the VPC's resources, by kind then ID */
  list = model_resources_of_vpc (model, SVC_VPC);
  g_assert_cmpuint (list->len, ==, 10);
  for (guint i = 1; i < list->len; i++)
    {
      const Resource *a = list->pdata[i - 1], *b = list->pdata[i];

      g_assert_cmpint (a->kind, <=, b->kind);
    }
  g_assert_cmpuint (model_resources_of_vpc (model, "vpc-0000000000000000a")->len, ==, 0);
  g_assert_cmpuint (model_coverage (model, SVC_ACCOUNT, SVC_REGION) & all, ==, all);
  g_assert_null (model_resource (model, RESOURCE_RDS_INSTANCE, "111122223333", SVC_REGION, "orders-db"));
}

/* Loads FILES (name, contents, ..., NULL) from a temporary folder; returns
 * the model or NULL with *ERROR set. */
static Model *
load_texts (const char *region, GError **error, ...)
{
  TmpFiles t;
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  const char *name;
  va_list args;
  Model *model;

  tmp_files_init (&t);
  va_start (args, error);
  while ((name = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (paths, (gpointer) tmp_file (&t, name, va_arg (args, const char *)));
  va_end (args);
  model = export_load ((const char *const *) paths->pdata, paths->len, region, error);
  tmp_files_clear (&t);
  return model;
}

#define LAMBDA_V(version, groups) \
  "{\"Functions\": [{\"FunctionName\": \"f\", \"FunctionArn\": " \
  "\"arn:aws:lambda:us-east-1:111122223333:function:f:" version "\", \"Version\": \"" version "\", " \
  "\"VpcConfig\": {\"SubnetIds\": [\"subnet-1\"], \"SecurityGroupIds\": [" groups "], " \
  "\"VpcId\": \"vpc-1\"}}], \"NextMarker\": \"x\"}"

static void
test_service_versions_and_agreement (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = NULL;
  g_autoptr (Model) differ = NULL;
  GPtrArray *versions;

  /* versions by number, not as text; the same version in two files merges */
  model = load_texts (NULL, &error, "a.json", LAMBDA_V ("10", "\"sg-1\""),
                      "b.json", LAMBDA_V ("$LATEST", "\"sg-2\", \"sg-1\""),
                      "c.json", LAMBDA_V ("3", "\"sg-1\""), "d.json", LAMBDA_V ("10", "\"sg-1\""),
                      "e.json", LAMBDA_V ("$LATEST.PUBLISHED", "\"sg-1\""), NULL);
  g_assert_no_error (error);
  versions = model_lambda_versions (model, "111122223333", "us-east-1", "f");
  g_assert_cmpuint (versions->len, ==, 4);
  g_assert_cmpstr (((const Resource *) versions->pdata[0])->version, ==, "$LATEST");
  g_assert_cmpstr (((const Resource *) versions->pdata[1])->version, ==, "$LATEST.PUBLISHED");
  g_assert_cmpstr (((const Resource *) versions->pdata[2])->version, ==, "3");
  g_assert_cmpstr (((const Resource *) versions->pdata[3])->version, ==, "10");
  /* $LATEST's groups in the function's order */
  g_assert_cmpstr (((const Resource *) versions->pdata[0])->group_ids[0], ==, "sg-2");
  g_assert_cmpstr (((const Resource *) versions->pdata[0])->source + strlen (((const Resource *) versions->pdata[0])->source) - 6, ==, "b.json");
  g_assert_cmpuint (model_resources_of_vpc (model, "vpc-1")->len, ==, 4);
  g_assert_cmpuint (model_coverage (model, "111122223333", "us-east-1"), ==, MODEL_DOC_LAMBDA_FUNCTIONS);

  /* one group more in another file: an error that names both */
  differ = load_texts (NULL, &error, "a.json", LAMBDA_V ("10", "\"sg-1\""),
                       "b.json", LAMBDA_V ("10", "\"sg-1\", \"sg-2\""), NULL);
  g_assert_null (differ);
  g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
  g_assert_nonnull (strstr (error->message, "b.json':1:16: lambda function 'f:10' differs from the "
                                            "same lambda function in '"));
  g_assert_nonnull (strstr (error->message, "a.json': were the files exported at different times?"));
}

#define ENDPOINT(groups) \
  "{\"VpcEndpoints\": [{\"VpcEndpointId\": \"vpce-1\", \"VpcEndpointType\": \"Interface\", " \
  "\"VpcId\": \"vpc-1\", \"Groups\": [" groups "], \"OwnerId\": \"111122223333\"}]}"

static void
test_service_regions_and_coverage (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = NULL;
  const Resource *r;

  /* the ARN's region against the folder's */
  model = load_texts (NULL, &error, "111122223333/eu-west-1/lambda-functions.json",
                      LAMBDA_V ("1", "\"sg-1\""), NULL);
  g_assert_null (model);
  g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
  g_assert_nonnull (strstr (error->message, "lambda-functions.json':1:53: \"FunctionArn\" names region "
                                            "us-east-1, but the file is in the folder of region eu-west-1"));
  g_clear_error (&error);

  /* no ARN: the folder's region; empty documents cover their folder too */
  model = load_texts (NULL, &error, "111122223333/eu-west-1/vpc-endpoints.json",
                      ENDPOINT ("{\"GroupId\": \"sg-1\", \"GroupName\": \"default\"}"),
                      "111122223333/eu-west-1/rds-db-instances.json", "{\"DBInstances\": [], \"Marker\": null}",
                      "111122223333/eu-west-2/mount-targets.json", "{\"MountTargets\": [], \"NextMarker\": \"m\"}",
                      NULL);
  g_assert_no_error (error);
  r = model_resource (model, RESOURCE_VPC_ENDPOINT, "111122223333", "eu-west-1", "vpce-1");
  g_assert_nonnull (r);
  g_assert_cmpstr (r->group_ids[0], ==, "sg-1");
  g_assert_cmpuint (model_coverage (model, "111122223333", "eu-west-1"), ==,
                    MODEL_DOC_VPC_ENDPOINTS | MODEL_DOC_RDS_INSTANCES);
  g_assert_cmpuint (model_coverage (model, "111122223333", "eu-west-2"), ==, MODEL_DOC_MOUNT_TARGETS);
  g_clear_pointer (&model, model_free);

  /* no ARN and no folder: --region; without it, an error that says how to fix it */
  model = load_texts ("ap-south-1", &error, "e.json", ENDPOINT (""), NULL);
  g_assert_no_error (error);
  g_assert_nonnull (model_resource (model, RESOURCE_VPC_ENDPOINT, "111122223333", "ap-south-1", "vpce-1"));
  g_clear_pointer (&model, model_free);
  model = load_texts (NULL, &error, "e.json", ENDPOINT (""), NULL);
  g_assert_null (model);
  g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
  g_assert_nonnull (strstr (error->message, "e.json': cannot tell the region of vpc endpoint 'vpce-1'"));
}

/* Lists written as null (some SDKs print an empty list so) are empty. */
static void
test_service_null_lists (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) model = load_texts (NULL, &error, "n.json",
    "{\"CacheClusters\": [{\"CacheClusterId\": \"c1\", \"ReplicationGroupId\": null, "
    "\"SecurityGroups\": null, \"ARN\": \"arn:aws:elasticache:us-east-1:111122223333:cluster:c1\"}], "
    "\"DBClusters\": [{\"DBClusterIdentifier\": \"x\", \"DBClusterMembers\": null, "
    "\"DBClusterArn\": \"arn:aws:rds:us-east-1:111122223333:cluster:x\"}]}", NULL);
  const Resource *r;

  g_assert_no_error (error);
  r = model_resource (model, RESOURCE_CACHE_CLUSTER, "111122223333", "us-east-1", "c1");
  g_assert_nonnull (r);
  g_assert_cmpuint (r->n_groups, ==, 0);
  g_assert_null (r->replication_group_id);
  g_assert_null (r->vpc_id);
  r = model_resource (model, RESOURCE_RDS_CLUSTER, "111122223333", "us-east-1", "x");
  g_assert_nonnull (r);
  g_assert_cmpuint (r->n_members, ==, 0);
}

/* The fingerprint covers the service resources, and only when there are some. */
static void
test_service_fingerprint (void)
{
  g_autofree char *dir = fixture ("service-exports");
  g_autofree char *groups = g_build_filename (dir, "security-groups.json", NULL);
  g_autofree char *enis = g_build_filename (dir, "network-interfaces.json", NULL);
  g_autofree char *elbv2 = g_build_filename (dir, "elbv2-load-balancers.json", NULL);
  const char *ec2_only[] = { groups, enis };
  const char *with_elbv2[] = { groups, enis, elbv2 };
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) a = export_load (ec2_only, 2, NULL, &error);
  g_autoptr (Model) b = export_load (with_elbv2, 3, NULL, &error);
  g_autoptr (Model) c = export_load ((const char *[]) { dir }, 1, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (a->resource_list->len, ==, 0);
  g_assert_cmpuint (b->resource_list->len, ==, 1);
  g_assert_cmpstr (a->fingerprint, !=, b->fingerprint);
  g_assert_cmpstr (b->fingerprint, !=, c->fingerprint);
}

static void
test_line_col (void)
{
  const char text[] = "{\n  \"caf\xc3\xa9\": x\n}";
  guint line, col;

  sgplan_json_line_col (text, sizeof text - 1, 0, &line, &col);
  g_assert_cmpuint (line, ==, 1);
  g_assert_cmpuint (col, ==, 1);
  /* columns count characters: the é is one */
  sgplan_json_line_col (text, sizeof text - 1, (gsize) (strchr (text, 'x') - text), &line, &col);
  g_assert_cmpuint (line, ==, 2);
  g_assert_cmpuint (col, ==, 11);
}

static void
test_locate (void)
{
  const char text[] = "{\"a\": [1, {\"b\": \"x\\\"]\", \"c\": [true]}], \"d\": 2}";
  SgplanJsonPath path = { 0 };

  sgplan_json_path_push_key (&path, "a");
  sgplan_json_path_push_index (&path, 1);
  sgplan_json_path_push_key (&path, "c");
  g_assert_cmpuint (sgplan_json_locate (text, sizeof text - 1, 0, &path), ==,
                    (gsize) (strstr (text, "[true]") - text));
  path.depth = 0;
  sgplan_json_path_push_key (&path, "d");
  g_assert_cmpuint (sgplan_json_locate (text, sizeof text - 1, 0, &path), ==,
                    (gsize) (strstr (text, "2}") - text));
  /* a step that cannot be followed stops at the deepest value found */
  path.depth = 0;
  sgplan_json_path_push_key (&path, "a");
  sgplan_json_path_push_index (&path, 7);
  g_assert_cmpuint (sgplan_json_locate (text, sizeof text - 1, 0, &path), ==,
                    (gsize) (strchr (text, '[') - text));
}

static void
test_parse_errors (void)
{
  static const struct { const char *text; gsize offset; const char *message; } cases[] = {
    { "{\"a\" 1}", 5, "expected ':' after an object member's name" },
    { "[1 2]", 3, "expected ',' or ']' after an array element" },
    { "{\"a\": tru}", 6, "expected a value (object, array, string, number, true, false or null)" },
    { "{\"a\": \"\\q\"}", 7, "invalid escape in a string: after a backslash JSON allows only \" / b f n r t u or another backslash" },
    { "{1: 2}", 1, "expected a string (an object member's name)" },
    { "[1,", 3, "unexpected end of input: the JSON text is truncated" },
    { "\"abc", 4, "unexpected end of input: the JSON text is truncated" },
    /* what cJSON accepted and other tools read differently */
    { "{\"a\": 1, \"b\": 2, \"a\": 3}", 17,
      "duplicate member \"a\": each name may appear only once in an object "
      "(other tools would read the last one, sgplan the first)" },
    { "[{\"x\": {\"a\": 1}, \"a\": 2}, {\"a\": 1, \"a\": 1}]", 35,
      "duplicate member \"a\": each name may appear only once in an object "
      "(other tools would read the last one, sgplan the first)" },
    { "{\"d\": \"a\\u0000b\"}", 8,
      "a NUL character (U+0000) in a string: AWS never returns one, and it would cut the value short" },
    { "{\"a\\u0000\": 1}", 3,
      "a NUL character (U+0000) in a string: AWS never returns one, and it would cut the value short" },
    { "[\"a\tb\"]", 3, "a raw control character (U+0009) in a string: JSON needs it escaped" },
    { "[01]", 1, "invalid number: JSON numbers have no leading zeros" },
    { "[1.]", 3, "invalid number: expected a digit after '.'" },
    { "[1e+]", 4, "invalid number: expected a digit in the exponent" },
    { "[-]", 2, "invalid number: expected a digit" },
    { "[\"\\udc00\"]", 2, "invalid unicode escape: a low surrogate (DC00-DFFF) without a high one before it" },
    { "[\"\\ud800x\"]", 2, "invalid unicode escape: a high surrogate (D800-DBFF) must be followed by an escaped low surrogate" },
    /* text that is not UTF-8, in a string and outside one */
    { "[\"a\xff\"]", 3, "invalid UTF-8: expected JSON text" },
    { "[\"\\n\xc3(\"]", 4, "invalid UTF-8: expected JSON text" },
    { "[\"\xc0\xaf\"]", 2, "invalid UTF-8: expected JSON text" },          /* overlong '/' */
    { "[\"\xed\xa0\x80\"]", 2, "invalid UTF-8: expected JSON text" },      /* a surrogate */
    { "[\"\xf4\x90\x80\x80\"]", 2, "invalid UTF-8: expected JSON text" },  /* above U+10FFFF */
    { "[\"\xe2\x82", 2, "invalid UTF-8: expected JSON text" },             /* cut short */
    { "[\xff]", 1, "invalid UTF-8: expected JSON text" },
    { "[\xc3\xa9]", 1, "expected a value (object, array, string, number, true, false or null)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize offset = 0, end = 0;
      g_autofree char *message = NULL;
      cJSON *root = sgplan_json_parse (cases[i].text, strlen (cases[i].text), 0, &end, &offset,
                                       &message);

      g_assert_null (root);
      g_assert_cmpstr (message, ==, cases[i].message);
      g_assert_cmpuint (offset, ==, cases[i].offset);
    }
  /* a NUL byte is binary data, in a string or outside one */
  {
    static const char in_string[] = "[\"a\0\"]", outside[] = "[1,\0]";
    gsize offset = 0, end = 0;
    g_autofree char *m1 = NULL, *m2 = NULL;

    g_assert_null (sgplan_json_parse (in_string, sizeof in_string - 1, 0, &end, &offset, &m1));
    g_assert_cmpstr (m1, ==, "binary data (a NUL byte): expected JSON text");
    g_assert_cmpuint (offset, ==, 3);
    g_assert_null (sgplan_json_parse (outside, sizeof outside - 1, 0, &end, &offset, &m2));
    g_assert_cmpstr (m2, ==, "binary data (a NUL byte): expected JSON text");
    g_assert_cmpuint (offset, ==, 3);
  }
  /* objects too large for the linear check of names use a table */
  for (guint n = 2; n <= 200; n += 66)
    {
      g_autoptr (GString) text = g_string_new ("{");
      gsize offset = 0, end = 0, dup_at;
      g_autofree char *message = NULL;

      for (guint i = 0; i < n; i++)
        g_string_append_printf (text, "\"k%u\": %u, ", i, i);
      dup_at = text->len;
      g_string_append_printf (text, "\"k%u\": 0}", n / 2);
      g_assert_null (sgplan_json_parse (text->str, text->len, 0, &end, &offset, &message));
      g_assert_cmpuint (offset, ==, dup_at);
      g_assert_true (g_str_has_prefix (message, "duplicate member"));
    }
}

/* Walks TEXT with a cursor, entering the outer LEVELS levels and parsing
 * what is inside into an arena; the trees are appended to TREES (copies).
 * Returns the error offset and message, or FALSE. */
static gboolean
cursor_walk_level (SgplanJsonCursor *c, SgplanArena *arena, guint levels, cJSON *into)
{
  char first = sgplan_json_cursor_peek (c);

  if (levels > 0 && (first == '{' || first == '['))
    {
      const char *name = NULL;
      cJSON *container = first == '{' ? cJSON_CreateObject () : cJSON_CreateArray ();

      sgplan_json_cursor_enter (c);
      cJSON_AddItemToArray (into, container);
      while (sgplan_json_cursor_next (c, &name))
        {
          cJSON *holder = cJSON_CreateArray ();

          if (!cursor_walk_level (c, arena, levels - 1, holder))
            {
              cJSON_Delete (holder);
              return FALSE;
            }
          if (first == '{')
            cJSON_AddItemToObject (container, name, cJSON_DetachItemFromArray (holder, 0));
          else
            cJSON_AddItemToArray (container, cJSON_DetachItemFromArray (holder, 0));
          cJSON_Delete (holder);
        }
      return !sgplan_json_cursor_failed (c, NULL, NULL);
    }
  {
    cJSON *value = sgplan_json_cursor_value (c, arena);

    if (value == NULL)
      return FALSE;
    cJSON_AddItemToArray (into, cJSON_Duplicate (value, TRUE));
    sgplan_arena_reset (arena);
    return TRUE;
  }
}

/* The cursor (any number of levels walked, values in an arena) finds what
 * sgplan_json_parse finds: the same tree, or the same error at the same place. */
static void
test_cursor_same_as_parse (void)
{
  static const char *const texts[] = {
    "{\"L\": [1, {\"a\": [true, false, null]}, \"x\\u00e9\", -0, 1.5e3], \"M\": {}}",
    "[[], {}, [[]], \"\"]",
    "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", {\"\xc3\xa9\": \"\\n\xc3\xa9\"}]",
    "{\"L\": [1,2] \"M\": 1}",
    "{\"L\": [], \"L\": []}",
    "{\"L\": [1,]}",
    "{\"L\": [1,",
    "{\"L\": [{\"a\": 1, \"a\": 2}]}",
    "{\"L\" [1]}",
    "{\"L\": [1]",
    "{,}",
    "[\"\xff\"]",
    "{\"\xff\": 1}",
    "{\"L\": [\"a\tb\"]}",
    "{\"L\": [01]}",
    "{\"L\": [\"\\ud800\"]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    for (guint levels = 0; levels <= 3; levels++)
      {
        gsize len = strlen (texts[i]), end = 0, offset = 0, c_offset = 0;
        g_autofree char *message = NULL;
        const char *c_message = NULL;
        g_autoptr (cJSON) whole = sgplan_json_parse (texts[i], len, 0, &end, &offset, &message);
        g_autoptr (SgplanJsonCursor) c = sgplan_json_cursor_new (texts[i], len, 0);
        g_autoptr (SgplanArena) arena = sgplan_arena_new ();
        g_autoptr (cJSON) walked = cJSON_CreateArray ();
        gboolean ok = cursor_walk_level (c, arena, levels, walked);

        g_test_message ("text %u, %u levels", i, levels);
        g_assert_cmpint (ok, ==, whole != NULL);
        if (ok)
          {
            g_assert_true (cJSON_Compare (whole, cJSON_GetArrayItem (walked, 0), TRUE));
            g_assert_cmpuint (sgplan_json_cursor_offset (c), ==, end);
          }
        else
          {
            g_assert_true (sgplan_json_cursor_failed (c, &c_offset, &c_message));
            g_assert_cmpstr (c_message, ==, message);
            g_assert_cmpuint (c_offset, ==, offset);
          }
      }
}

/* Numbers keep their text unless they are plain integers; duplicate names
 * in a large object (the hash-table path) are found too. */
static void
test_parse_values (void)
{
  static const char text[] = " {\"p\": [80, -1, 0, -0, 80.0, 1e2, 1E+2, 1e309, 9007199254740993],"
                             " \"s\": \"\\u00e9\\ud83d\\ude00\\/\\\"\", \"t\": true, \"n\": null} x";
  gsize end = 0, offset = 0;
  g_autofree char *message = NULL;
  g_autoptr (cJSON) root = sgplan_json_parse (text, sizeof text - 1, 0, &end, &offset, &message);
  const cJSON *p, *item;
  const char *expected[] = { NULL, NULL, NULL, "-0", "80.0", "1e2", "1E+2", "1e309", NULL };
  guint i = 0;

  g_assert_nonnull (root);
  g_assert_cmpuint (end, ==, sizeof text - 3);
  p = cJSON_GetObjectItemCaseSensitive (root, "p");
  cJSON_ArrayForEach (item, p)
    {
      g_assert_true (cJSON_IsNumber (item));
      g_assert_cmpstr (item->valuestring, ==, expected[i]);
      g_assert_cmpint (sgplan_json_is_plain_integer (item), ==, expected[i] == NULL);
      i++;
    }
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (expected));
  g_assert_cmpfloat (cJSON_GetArrayItem (p, 4)->valuedouble, ==, 80.0);
  g_assert_cmpstr (cJSON_GetObjectItemCaseSensitive (root, "s")->valuestring, ==,
                   "\xc3\xa9\xf0\x9f\x98\x80/\"");
  g_assert_true (cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (root, "t")));
  g_assert_true (cJSON_IsNull (cJSON_GetObjectItemCaseSensitive (root, "n")));
  g_assert_true (cJSON_GetObjectItemCaseSensitive (root, "n") == p->next->next->next);
  g_assert_true (root->child->prev == cJSON_GetObjectItemCaseSensitive (root, "n"));

  {
    GString *big = g_string_new ("{");
    g_autoptr (cJSON) none = NULL;

    for (guint k = 0; k < 100; k++)
      g_string_append_printf (big, "\"k%u\": %u, ", k, k);
    g_string_append (big, "\"k57\": 0}");
    g_clear_pointer (&message, g_free);
    none = sgplan_json_parse (big->str, big->len, 0, &end, &offset, &message);
    g_assert_null (none);
    g_assert_cmpuint (offset, ==, (gsize) (strstr (big->str, "\"k57\": 0") - big->str));
    g_string_free (big, TRUE);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export/atomic-rules", test_atomic_rules);
  g_test_add_func ("/export/service-enis", test_service_enis);
  g_test_add_func ("/export/eni-group-order-kept", test_eni_group_order_kept);
  g_test_add_func ("/export/eni-common-shared", test_eni_common_shared);
  g_test_add_func ("/export/regions-from-path-and-pages", test_regions_from_path_and_pages);
  g_test_add_func ("/export/region-precedence", test_region_precedence);
  g_test_add_func ("/export/identical-objects-merge", test_identical_objects_merge);
  g_test_add_func ("/export/source-hashes", test_source_hashes);
  g_test_add_func ("/export/references", test_references);
  g_test_add_func ("/export/service-exports", test_service_exports);
  g_test_add_func ("/export/service-versions-and-agreement", test_service_versions_and_agreement);
  g_test_add_func ("/export/service-regions-and-coverage", test_service_regions_and_coverage);
  g_test_add_func ("/export/service-null-lists", test_service_null_lists);
  g_test_add_func ("/export/service-fingerprint", test_service_fingerprint);
  g_test_add_func ("/json-pos/line-col", test_line_col);
  g_test_add_func ("/json-pos/locate", test_locate);
  g_test_add_func ("/json-parse/errors", test_parse_errors);
  g_test_add_func ("/json-parse/values", test_parse_values);
  g_test_add_func ("/json-parse/cursor-same-as-parse", test_cursor_same_as_parse);
  return g_test_run ();
}

/* plan-services.c - see plan-services.h.
 *
 * Load balancers, interface endpoints and EFS mount targets name themselves
 * in their interfaces' descriptions, and their interfaces carry exactly the
 * resource's groups, so the ENIs alone say what to call.  A Lambda
 * function's, a database's or a cache's interface does not say enough (a
 * hyperplane ENI serves several functions; RDS interfaces name no database):
 * those need their service's export. */
#include "config.h"

#include "plan-services.h"
#include "eni-kind.h"

#include <string.h>

void
service_move_free (gpointer data)
{
  ServiceMove *m = data;

  g_ptr_array_unref (m->enis);
  g_ptr_array_unref (m->groups);
  g_clear_pointer (&m->subnets, g_ptr_array_unref);
  g_free (m);
}

static void G_GNUC_PRINTF (5, 6)
block (Plan *plan, GPtrArray *blockers, const char *subject, const char *unblock, const char *format, ...)
{
  Blocker *b = g_new0 (Blocker, 1);
  va_list args;
  g_autofree char *reason = NULL;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  b->subject = plan_str (plan, subject);
  b->reason = plan_str (plan, reason);
  b->unblock = plan_str (plan, unblock);
  g_ptr_array_add (blockers, b);
}

/* What a person does about a kind of resource this plan does not move
 * (the commands are those of each service's CLI reference). */
static const struct {
  EniKind kind;
  const char *reason;
  const char *unblock; /* {name}: the resource as the interface names it, or "NAME" */
} unsupported[] = {
  { ENI_KIND_RDS_PROXY, "sgplan does not change RDS proxies",
    "aws rds modify-db-proxy --db-proxy-name {name} --security-groups ... (the proxy's groups without the default "
    "group), then export again and plan again" },
  { ENI_KIND_REDSHIFT, "sgplan does not change Redshift clusters",
    "aws redshift modify-cluster --cluster-identifier {name} --vpc-security-group-ids ... (without the default "
    "group), then export again and plan again" },
  { ENI_KIND_DMS, "sgplan does not change DMS replication instances",
    "aws dms modify-replication-instance --replication-instance-arn {name} --vpc-security-group-ids ... (without "
    "the default group), then export again and plan again" },
  { ENI_KIND_ECS_TASK, "an ECS task keeps the groups it started with; its service starts new tasks with new ones",
    "aws ecs update-service --cluster CLUSTER --service SERVICE --network-configuration "
    "'awsvpcConfiguration={subnets=[...],securityGroups=[...]}' without the default group, let the service "
    "replace its tasks ({name}), then export again and plan again" },
  { ENI_KIND_EKS_CLUSTER, "an EKS cluster's interfaces follow the cluster's configuration",
    "aws eks update-cluster-config --name {name} --resources-vpc-config securityGroupIds=... (without the "
    "default group), then export again and plan again" },
  { ENI_KIND_API_GATEWAY, "an API Gateway VPC link's groups cannot be changed in place",
    "create a VPC link ({name}) with other security groups, move the integrations to it, delete the old one, "
    "then export again and plan again" },
  { ENI_KIND_DIRECTORY, "AWS Directory Service manages its interfaces' groups",
    "give directory {name}'s interfaces the groups Directory Service creates for it (see the directory's "
    "security group in the console), then export again and plan again" },
  { ENI_KIND_NAT_GATEWAY, "a NAT gateway's interface is managed by EC2 and takes no security groups",
    "ask AWS Support why NAT gateway {name}'s interface carries the default group" },
  { ENI_KIND_TRANSIT_GATEWAY, "a transit gateway attachment's interface is managed by EC2",
    "ask AWS Support why attachment {name}'s interface carries the default group" },
  { ENI_KIND_GWLB, "a gateway load balancer takes no security groups",
    "ask AWS Support why gateway load balancer {name}'s interface carries the default group" },
  { ENI_KIND_GWLB_ENDPOINT, "a gateway load balancer endpoint takes no security groups",
    "ask AWS Support why endpoint {name}'s interface carries the default group" },
};

/* The CLI command that exports what KIND needs, for REGION. */
static char *
export_command (EniKind kind, const char *account, const char *region)
{
  switch (kind)
    {
    case ENI_KIND_LAMBDA:
      return g_strdup_printf ("aws lambda list-functions --function-version ALL --region %s --output json "
                              "> %s/%s/lambda-functions.json", region, account, region);
    case ENI_KIND_RDS:
      return g_strdup_printf ("aws rds describe-db-instances --region %s --output json > %s/%s/rds-db-instances.json "
                              "and aws rds describe-db-clusters --region %s --output json > "
                              "%s/%s/rds-db-clusters.json", region, account, region, region, account, region);
    case ENI_KIND_ELASTICACHE:
      return g_strdup_printf ("aws elasticache describe-cache-clusters --region %s --output json > "
                              "%s/%s/elasticache-cache-clusters.json", region, account, region);
    default:
      return NULL;
    }
}

/* The move for (SERVICE, ID) in MOVES, made if new. */
static ServiceMove *
move_for (Plan *plan, GPtrArray *moves, StepService service, const char *id, const char *name, const char *label,
          const Eni *eni)
{
  ServiceMove *m;

  for (guint i = 0; i < moves->len; i++)
    {
      m = moves->pdata[i];
      if (m->service == service && strcmp (m->id, id) == 0)
        return m;
    }
  m = g_new0 (ServiceMove, 1);
  m->service = service;
  m->id = plan_str (plan, id);
  m->name = plan_str (plan, name);
  m->label = plan_str (plan, label);
  m->account = eni->common->owner_id;
  m->region = eni->common->region;
  m->enis = g_ptr_array_new ();
  m->groups = g_ptr_array_new ();
  for (guint g = 0; g < eni->n_groups; g++)
    g_ptr_array_add (m->groups, (gpointer) eni->groups[g].group_id);
  g_ptr_array_add (moves, m);
  return m;
}

static gboolean
same_groups (const ServiceMove *m, const Eni *eni)
{
  if (m->groups->len != eni->n_groups)
    return FALSE;
  for (guint g = 0; g < eni->n_groups; g++)
    if (!g_ptr_array_find_with_equal_func (m->groups, eni->groups[g].group_id, g_str_equal, NULL))
      return FALSE;
  return TRUE;
}

/* A resource that names itself in its ENIs' descriptions. */
static void
add_named (Plan *plan, const Eni *eni, const EniClass *c, GPtrArray *moves, GPtrArray *blockers, GHashTable *covered)
{
  g_autofree char *name = eni_class_resource (c);
  g_autofree char *label = eni_class_describe (c);
  g_autofree char *subject = g_strdup_printf ("%s (%s)", label, eni->id);
  g_autofree char *id = NULL;
  StepService service;
  ServiceMove *m;

  switch (c->kind)
    {
    case ENI_KIND_ALB:
    case ENI_KIND_NLB:
      service = SERVICE_ELBV2;
      id = eni_class_load_balancer_arn (c, eni->common->owner_id, eni->common->region);
      break;
    case ENI_KIND_CLASSIC_ELB:
      service = SERVICE_ELB;
      id = g_strdup (name);
      break;
    case ENI_KIND_VPC_ENDPOINT:
      service = SERVICE_VPC_ENDPOINT;
      id = g_strdup (name);
      break;
    default:
      service = SERVICE_EFS;
      id = g_strdup (name);
      break;
    }
  if (id == NULL || name == NULL)
    {
      block (plan, blockers, subject, "find the resource and give it other security groups, then export again and plan again",
             "its description does not name the resource");
      return;
    }
  m = move_for (plan, moves, service, id, name, label, eni);
  if (!same_groups (m, eni))
    {
      g_autofree char *first = step_groups_text ((const char *const *) m->groups->pdata, m->groups->len);
      block (plan, blockers, subject, "look at the resource's interfaces, then export again and plan again",
             "its interfaces carry different groups (%s has others than %s), which its service would not do",
             eni->id, first);
      m->blocked = TRUE;
      return;
    }
  g_ptr_array_add (m->enis, (gpointer) eni->id);
  g_hash_table_add (covered, (gpointer) eni->id);
}

/* Resources that only their service's export describes well enough. */
typedef struct {
  Plan *plan;
  const Model *model;
  const Finding *f;
  GPtrArray *moves;
  GPtrArray *blockers;
  GHashTable *covered;
} Exported;

static gboolean
resource_has_group (const Resource *r, const char *group_id)
{
  for (guint g = 0; g < r->n_groups; g++)
    if (strcmp (r->group_ids[g], group_id) == 0)
      return TRUE;
  return FALSE;
}

/* Each of ENIS blocked: the export of their kind is missing. */
static void
block_unexported (Exported *x, GPtrArray *enis, EniKind kind)
{
  for (guint i = 0; i < enis->len; i++)
    {
      const Eni *eni = enis->pdata[i];
      EniClass c = eni_kind_classify_eni (eni);
      g_autofree char *label = eni_class_describe (&c);
      g_autofree char *subject = g_strdup_printf ("%s (%s)", label, eni->id);
      g_autofree char *command = export_command (kind, eni->common->owner_id, eni->common->region);

      block (x->plan, x->blockers, subject, command,
             "its interface alone does not say enough to move it: the plan needs the service's export");
    }
}

static gboolean
same_resource_groups (const ServiceMove *m, const Resource *r)
{
  if (m->groups->len != r->n_groups)
    return FALSE;
  for (guint g = 0; g < r->n_groups; g++)
    if (!g_ptr_array_find_with_equal_func (m->groups, r->group_ids[g], g_str_equal, NULL))
      return FALSE;
  return TRUE;
}

/* A move for exported resource R, with its groups and subnets as exported. */
static ServiceMove *
exported_move (Exported *x, StepService service, const char *id, const char *name, const char *label,
               const Resource *r)
{
  ServiceMove *m = g_new0 (ServiceMove, 1);

  m->service = service;
  m->id = plan_str (x->plan, id);
  m->name = plan_str (x->plan, name);
  m->label = plan_str (x->plan, label);
  m->account = r->account;
  m->region = r->region;
  m->enis = g_ptr_array_new ();
  m->groups = g_ptr_array_new ();
  for (guint g = 0; g < r->n_groups; g++)
    g_ptr_array_add (m->groups, (gpointer) r->group_ids[g]);
  if (service == SERVICE_LAMBDA)
    {
      m->ipv6_dual_stack = r->ipv6_dual_stack;
      m->subnets = g_ptr_array_new ();
      for (guint s = 0; s < r->n_subnets; s++)
        g_ptr_array_add (m->subnets, (gpointer) r->subnet_ids[s]);
    }
  g_ptr_array_add (x->moves, m);
  return m;
}

/* The moves FIRST.. that could own ENI (the same groups; a Lambda move: a
 * subnet of its); the ENI follows the last of them to move: whichever of
 * them it serves, it leaves the group only when they all have. */
static ServiceMove *
owner_of (Exported *x, guint first, const Eni *eni)
{
  ServiceMove *owner = NULL;

  for (guint i = first; i < x->moves->len; i++)
    {
      ServiceMove *m = x->moves->pdata[i];

      if (!same_groups (m, eni))
        continue;
      if (m->subnets != NULL
          && (eni->common->subnet_id == NULL
              || !g_ptr_array_find_with_equal_func (m->subnets, eni->common->subnet_id, g_str_equal, NULL)))
        continue;
      owner = m;
    }
  return owner;
}

static void
assign_enis (Exported *x, guint first, GPtrArray *enis, const char *unexplained)
{
  for (guint i = 0; i < enis->len; i++)
    {
      const Eni *eni = enis->pdata[i];
      ServiceMove *m = owner_of (x, first, eni);

      if (m == NULL)
        {
          EniClass c = eni_kind_classify_eni (eni);
          g_autofree char *label = eni_class_describe (&c);
          g_autofree char *subject = g_strdup_printf ("%s (%s)", label, eni->id);

          block (x->plan, x->blockers, subject,
                 "export the network interfaces and the service's resources again, at the same time, and plan again",
                 "%s", unexplained);
          continue;
        }
      g_ptr_array_add (m->enis, (gpointer) eni->id);
      g_hash_table_add (x->covered, (gpointer) eni->id);
    }
}

/* Lambda: every function whose $LATEST uses the group moves (a function's
 * hyperplane ENIs serve every function with the same subnet and groups);
 * a published version keeps its configuration for good. */
static void
plan_lambda (Exported *x, GPtrArray *enis)
{
  const Group *d = x->f->group;
  GPtrArray *in_vpc = d->vpc_id != NULL ? model_resources_of_vpc (x->model, d->vpc_id) : NULL;
  guint first = x->moves->len;

  if ((model_coverage (x->model, d->owner_id, d->region) & MODEL_DOC_LAMBDA_FUNCTIONS) == 0)
    {
      block_unexported (x, enis, ENI_KIND_LAMBDA);
      return;
    }
  for (guint i = 0; in_vpc != NULL && i < in_vpc->len; i++)
    {
      const Resource *r = in_vpc->pdata[i];
      g_autofree char *label = NULL;

      if (r->kind != RESOURCE_LAMBDA_FUNCTION || !resource_has_group (r, d->id))
        continue;
      if (g_strcmp0 (r->version, "$LATEST") != 0)
        {
          g_autofree char *subject = g_strdup_printf ("lambda function %s version %s", r->function_name, r->version);
          g_autofree char *unblock = g_strdup_printf (
            "give the function other groups (aws lambda update-function-configuration --function-name %s "
            "--vpc-config SubnetIds=...,SecurityGroupIds=... without %s), publish a new version (aws lambda "
            "publish-version --function-name %s), move the aliases that point at version %s to it (aws lambda "
            "update-alias --function-name %s --name ALIAS --function-version NEW), delete version %s (aws lambda "
            "delete-function --function-name %s --qualifier %s), then export again and plan again",
            r->function_name, d->id, r->function_name, r->version, r->function_name, r->version, r->function_name,
            r->version);

          block (x->plan, x->blockers, subject, unblock,
                 "a published version keeps the configuration it was published with: no call changes its groups");
          continue;
        }
      if (r->n_subnets == 0)
        {
          g_autofree char *subject = g_strdup_printf ("lambda function %s", r->function_name);

          block (x->plan, x->blockers, subject, "export the functions again and plan again",
                 "the export gives no subnets for it, and the call that changes its groups must name them");
          continue;
        }
      label = g_strdup_printf ("lambda function %s", r->function_name);
      exported_move (x, SERVICE_LAMBDA, r->function_name, r->function_name, label, r);
    }
  assign_enis (x, first, enis, "no function of the export in its VPC has its subnet and groups");
}

/* RDS: Aurora clusters and the instances of no cluster move; their ENIs
 * name no database, so each must match a planned one by its groups. */
static void
plan_rds (Exported *x, GPtrArray *enis)
{
  const Group *d = x->f->group;
  GPtrArray *in_vpc = d->vpc_id != NULL ? model_resources_of_vpc (x->model, d->vpc_id) : NULL;
  guint first = x->moves->len;
  guint need = MODEL_DOC_RDS_INSTANCES | MODEL_DOC_RDS_CLUSTERS;

  if ((model_coverage (x->model, d->owner_id, d->region) & need) != need)
    {
      block_unexported (x, enis, ENI_KIND_RDS);
      return;
    }
  for (guint i = 0; in_vpc != NULL && i < in_vpc->len; i++)
    {
      const Resource *r = in_vpc->pdata[i];
      g_autofree char *label = NULL;

      if ((r->kind != RESOURCE_RDS_INSTANCE && r->kind != RESOURCE_RDS_CLUSTER) || !resource_has_group (r, d->id))
        continue;
      if (r->kind == RESOURCE_RDS_INSTANCE && r->cluster_id != NULL)
        {
          g_autofree char *subject = NULL;

          if (model_resource (x->model, RESOURCE_RDS_CLUSTER, r->account, r->region, r->cluster_id) != NULL)
            continue; /* its cluster's groups are its groups */
          subject = g_strdup_printf ("rds db instance %s", r->id);
          block (x->plan, x->blockers, subject, "export describe-db-clusters again and plan again",
                 "it is a member of cluster %s, which the export of describe-db-clusters does not list", r->cluster_id);
          continue;
        }
      label = g_strdup_printf ("rds db %s %s", r->kind == RESOURCE_RDS_CLUSTER ? "cluster" : "instance", r->id);
      exported_move (x, r->kind == RESOURCE_RDS_CLUSTER ? SERVICE_RDS_CLUSTER : SERVICE_RDS_INSTANCE, r->id, r->id,
                     label, r);
    }
  assign_enis (x, first, enis, "no database of the export in its VPC has its groups");
}

/* ElastiCache: a cluster of a replication group moves with the group; its
 * ENIs name the cluster ("ElastiCache CLUSTER-ID"). */
static void
plan_caches (Exported *x, GPtrArray *enis)
{
  const Group *d = x->f->group;
  GPtrArray *in_vpc = d->vpc_id != NULL ? model_resources_of_vpc (x->model, d->vpc_id) : NULL;

  if ((model_coverage (x->model, d->owner_id, d->region) & MODEL_DOC_CACHE_CLUSTERS) == 0)
    {
      block_unexported (x, enis, ENI_KIND_ELASTICACHE);
      return;
    }
  for (guint i = 0; in_vpc != NULL && i < in_vpc->len; i++)
    {
      const Resource *r = in_vpc->pdata[i];
      const char *id = r->replication_group_id != NULL ? r->replication_group_id : r->id;
      StepService service = r->replication_group_id != NULL ? SERVICE_CACHE_REPLICATION_GROUP : SERVICE_CACHE_CLUSTER;
      g_autofree char *label = NULL;
      gboolean known = FALSE;

      if (r->kind != RESOURCE_CACHE_CLUSTER || !resource_has_group (r, d->id))
        continue;
      for (guint m = 0; m < x->moves->len && !known; m++)
        {
          ServiceMove *move = x->moves->pdata[m];

          known = move->service == service && strcmp (move->id, id) == 0;
          if (known && !move->blocked && !same_resource_groups (move, r))
            {
              block (x->plan, x->blockers, move->label, "look at the replication group's clusters, then export again and plan again",
                     "its clusters have different groups (%s has others), which ElastiCache would not do", r->id);
              move->blocked = TRUE;
            }
        }
      if (known)
        continue;
      label = g_strdup_printf ("elasticache %s %s",
                               service == SERVICE_CACHE_REPLICATION_GROUP ? "replication group" : "cluster", id);
      exported_move (x, service, id, id, label, r);
    }
  for (guint i = 0; i < enis->len; i++)
    {
      const Eni *eni = enis->pdata[i];
      EniClass c = eni_kind_classify_eni (eni);
      g_autofree char *cluster = eni_class_resource (&c);
      g_autofree char *label = eni_class_describe (&c);
      g_autofree char *subject = g_strdup_printf ("%s (%s)", label, eni->id);
      const Resource *r = cluster != NULL ? model_resource (x->model, RESOURCE_CACHE_CLUSTER, eni->common->owner_id,
                                                            eni->common->region, cluster)
                                          : NULL;
      const char *id = r == NULL ? NULL : r->replication_group_id != NULL ? r->replication_group_id : r->id;
      ServiceMove *owner = NULL;

      for (guint m = 0; id != NULL && m < x->moves->len && owner == NULL; m++)
        {
          ServiceMove *move = x->moves->pdata[m];

          if ((move->service == SERVICE_CACHE_CLUSTER || move->service == SERVICE_CACHE_REPLICATION_GROUP)
              && strcmp (move->id, id) == 0)
            owner = move;
        }
      if (owner == NULL || !same_groups (owner, eni))
        {
          block (x->plan, x->blockers, subject,
                 "export the network interfaces and describe-cache-clusters again, at the same time, and plan again",
                 "%s", r == NULL ? "the export of describe-cache-clusters does not list its cluster"
                                 : "its groups are not its cluster's");
          continue;
        }
      g_ptr_array_add (owner->enis, (gpointer) eni->id);
      g_hash_table_add (x->covered, (gpointer) eni->id);
    }
}

void
plan_services (Plan *plan, const Model *model, const Finding *f, GPtrArray *moves, GPtrArray *blockers,
               GHashTable *covered)
{
  g_autoptr (GPtrArray) rejected = g_ptr_array_new_with_free_func (service_move_free);
  g_autoptr (GPtrArray) lambda_enis = g_ptr_array_new ();
  g_autoptr (GPtrArray) rds_enis = g_ptr_array_new ();
  g_autoptr (GPtrArray) cache_enis = g_ptr_array_new ();
  Exported x = { plan, model, f, moves, blockers, covered };

  for (guint i = 0; i < f->enis->len; i++)
    {
      const Eni *eni = f->enis->pdata[i];
      EniClass c;
      g_autofree char *label = NULL, *subject = NULL, *name = NULL;

      c = eni_kind_classify_eni (eni);
      /* a service's interface, whatever RequesterManaged says, when its
       * InterfaceType or a description only AWS writes tells the service */
      if (!eni->common->requester_managed && (c.kind == ENI_KIND_EC2_INSTANCE || c.kind == ENI_KIND_UNATTACHED))
        continue;
      label = eni_class_describe (&c);
      subject = g_strdup_printf ("%s (%s)", label, eni->id);
      name = eni_class_resource (&c);
      switch (c.kind)
        {
        case ENI_KIND_ALB:
        case ENI_KIND_NLB:
        case ENI_KIND_CLASSIC_ELB:
        case ENI_KIND_VPC_ENDPOINT:
        case ENI_KIND_EFS_MOUNT_TARGET:
          add_named (plan, eni, &c, moves, blockers, covered);
          continue;
        case ENI_KIND_LAMBDA:
          g_ptr_array_add (lambda_enis, (gpointer) eni);
          continue;
        case ENI_KIND_RDS:
          g_ptr_array_add (rds_enis, (gpointer) eni);
          continue;
        case ENI_KIND_ELASTICACHE:
          g_ptr_array_add (cache_enis, (gpointer) eni);
          continue;
        default:
          break;
        }
      for (guint k = 0; k < G_N_ELEMENTS (unsupported); k++)
        if (unsupported[k].kind == c.kind)
          {
            GString *unblock = g_string_new (unsupported[k].unblock);

            g_string_replace (unblock, "{name}", name != NULL ? name : "NAME", 0);
            block (plan, blockers, subject, unblock->str, "%s", unsupported[k].reason);
            g_string_free (unblock, TRUE);
            goto next;
          }
      {
        g_autofree char *unblock = g_strdup_printf (
          "find the resource behind it (requester %s) and give it other security groups, then export again "
          "and plan again", eni->common->requester_id != NULL ? eni->common->requester_id : "unknown");

        block (plan, blockers, subject, unblock, "it is managed by an AWS service that sgplan does not know");
      }
    next:;
    }
  plan_lambda (&x, lambda_enis);
  plan_rds (&x, rds_enis);
  plan_caches (&x, cache_enis);
  /* Only its service may change a requester-managed ENI: one that no move
   * accounts for must hold the group back (each case above says why; this
   * is the net under them). */
  for (guint i = 0; blockers->len == 0 && i < f->enis->len; i++)
    {
      const Eni *eni = f->enis->pdata[i];
      g_autofree char *subject = NULL;

      EniClass c = eni_kind_classify_eni (eni);

      if ((!eni->common->requester_managed && (c.kind == ENI_KIND_EC2_INSTANCE || c.kind == ENI_KIND_UNATTACHED))
          || g_hash_table_contains (covered, eni->id))
        continue;
      subject = g_strdup_printf ("network interface %s", eni->id);
      block (plan, blockers, subject, "find the resource behind it and give it other security groups, then export "
             "again and plan again", "it is managed by an AWS service and no resource of the export accounts for it");
    }
  /* a resource with one blocked interface is not moved at all */
  for (guint i = moves->len; i-- > 0;)
    {
      ServiceMove *m = moves->pdata[i];

      if (!m->blocked)
        continue;
      for (guint e = 0; e < m->enis->len; e++)
        g_hash_table_remove (covered, m->enis->pdata[e]);
      g_ptr_array_add (rejected, g_ptr_array_steal_index (moves, i));
    }
}

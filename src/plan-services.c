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

void
plan_services (Plan *plan, const Model *model, const Finding *f, GPtrArray *moves, GPtrArray *blockers,
               GHashTable *covered)
{
  g_autoptr (GPtrArray) rejected = g_ptr_array_new_with_free_func (service_move_free);

  (void) model;
  for (guint i = 0; i < f->enis->len; i++)
    {
      const Eni *eni = f->enis->pdata[i];
      EniClass c;
      g_autofree char *label = NULL, *subject = NULL, *name = NULL;

      if (!eni->common->requester_managed)
        continue;
      c = eni_kind_classify_eni (eni);
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
        case ENI_KIND_RDS:
        case ENI_KIND_ELASTICACHE:
          {
            g_autofree char *command = export_command (c.kind, eni->common->owner_id, eni->common->region);

            block (plan, blockers, subject, command, "its interface alone does not say enough to move it: "
                   "the plan needs the service's export");
            continue;
          }
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

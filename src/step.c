/* step.c - step actions, inverses and equality. */
#include "config.h"

#include "step.h"

#include <string.h>

static const char *const action_names[ACTION_COUNT] = {
  [ACTION_CREATE_GROUP] = "create-security-group",
  [ACTION_DELETE_GROUP] = "delete-security-group",
  [ACTION_AUTHORIZE_INGRESS] = "authorize-security-group-ingress",
  [ACTION_AUTHORIZE_EGRESS] = "authorize-security-group-egress",
  [ACTION_REVOKE_INGRESS] = "revoke-security-group-ingress",
  [ACTION_REVOKE_EGRESS] = "revoke-security-group-egress",
  [ACTION_MODIFY_ENI_GROUPS] = "modify-network-interface-attribute",
  [ACTION_MODIFY_RESOURCE_GROUPS] = "modify-resource-security-groups",
};

static const struct {
  const char *name;
  guint max_groups;
} services[SERVICE_COUNT] = {
  /* Limits: 5 security groups per network interface is the default VPC
   * quota, which every one of these services inherits for its interfaces
   * (Amazon VPC quotas, "Security groups per network interface"). */
  [SERVICE_ELBV2] = { "elbv2-load-balancer", 5 },
  [SERVICE_ELB] = { "elb-load-balancer", 5 },
  [SERVICE_VPC_ENDPOINT] = { "vpc-endpoint", 5 },
  [SERVICE_EFS] = { "efs-mount-target", 5 },
  [SERVICE_LAMBDA] = { "lambda-function", 5 },
  [SERVICE_RDS_INSTANCE] = { "rds-db-instance", 5 },
  [SERVICE_RDS_CLUSTER] = { "rds-db-cluster", 5 },
  [SERVICE_CACHE_REPLICATION_GROUP] = { "elasticache-replication-group", 5 },
  [SERVICE_CACHE_CLUSTER] = { "elasticache-cache-cluster", 5 },
};

const char *
step_service_name (StepService service)
{
  return service < SERVICE_COUNT ? services[service].name : "unknown";
}

StepService
step_service_from_name (const char *name)
{
  for (int s = 0; s < SERVICE_COUNT; s++)
    if (strcmp (name, services[s].name) == 0)
      return (StepService) s;
  return SERVICE_COUNT;
}

guint
step_service_max_groups (StepService service)
{
  return service < SERVICE_COUNT ? services[service].max_groups : 5;
}

/* PREFIX followed by at least one character of CHARS, and nothing else. */
static gboolean
id_like (const char *s, const char *prefix, const char *chars)
{
  gsize n = strlen (prefix);

  return s != NULL && strncmp (s, prefix, n) == 0 && s[n] != '\0' && strspn (s + n, chars) == strlen (s + n)
         && strlen (s) <= 1024;
}

#define HEX "0123456789abcdef"
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"

static gboolean
resource_id_ok (StepService service, const char *id)
{
  switch (service)
    {
    case SERVICE_ELBV2:
      /* arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/TYPE/NAME/ID */
      return id_like (id, "arn:", NAME_CHARS ":/") && strstr (id, ":elasticloadbalancing:") != NULL
             && strstr (id, ":loadbalancer/") != NULL;
    case SERVICE_VPC_ENDPOINT:
      return id_like (id, "vpce-", HEX);
    case SERVICE_EFS:
      return id_like (id, "fsmt-", HEX);
    case SERVICE_LAMBDA:
      /* a function name (letters, digits, - and _); versions are not changed */
      return id_like (id, "", NAME_CHARS "_") && strlen (id) <= 140;
    case SERVICE_ELB:
    case SERVICE_RDS_INSTANCE:
    case SERVICE_RDS_CLUSTER:
    case SERVICE_CACHE_REPLICATION_GROUP:
    case SERVICE_CACHE_CLUSTER:
      return id_like (id, "", NAME_CHARS) && strlen (id) <= 255;
    default:
      return FALSE;
    }
}

static gboolean
group_id_ok (const char *id)
{
  if (id != NULL && g_str_has_prefix (id, STEP_NEW_GROUP_PREFIX))
    id += strlen (STEP_NEW_GROUP_PREFIX);
  return id_like (id, "sg-", HEX);
}

const char *
step_resource_problem (const Step *step)
{
  if (step->service >= SERVICE_COUNT)
    return "an unknown resource type";
  if (!resource_id_ok (step->service, step->resource_id))
    return "the resource ID is not one its service takes";
  for (guint i = 0; i < step->n_subnets; i++)
    if (!id_like (step->subnets[i], "subnet-", HEX))
      return "a subnet ID is not of the form subnet-...";
  if (step->service == SERVICE_LAMBDA && step->n_subnets == 0)
    return "a Lambda function's step names no subnets";
  for (guint i = 0; i < step->n_before; i++)
    if (!group_id_ok (step->groups_before[i]))
      return "a security group ID is not of the form sg-...";
  for (guint i = 0; i < step->n_after; i++)
    if (!group_id_ok (step->groups_after[i]))
      return "a security group ID is not of the form sg-...";
  if (step->n_after == 0)
    return "a resource cannot be left without security groups";
  if (step->n_after > step_service_max_groups (step->service))
    return "more security groups than the service allows on one resource";
  for (guint i = 0; i < step->n_resource_enis; i++)
    if (!id_like (step->resource_enis[i], "eni-", HEX))
      return "a network interface ID is not of the form eni-...";
  return NULL;
}

gboolean
step_moves_enis (const Step *step, const char *const **enis, guint *n)
{
  if (step->action == ACTION_MODIFY_ENI_GROUPS)
    {
      *enis = &step->eni_id;
      *n = 1;
      return TRUE;
    }
  if (step->action == ACTION_MODIFY_RESOURCE_GROUPS)
    {
      *enis = step->resource_enis;
      *n = step->n_resource_enis;
      return TRUE;
    }
  *enis = NULL;
  *n = 0;
  return FALSE;
}

const char *
step_action_name (StepAction action)
{
  return action < ACTION_COUNT ? action_names[action] : "unknown";
}

StepAction
step_action_from_name (const char *name)
{
  for (int a = 0; a < ACTION_COUNT; a++)
    if (strcmp (name, action_names[a]) == 0)
      return (StepAction) a;
  return ACTION_COUNT;
}

gboolean
step_action_is_rules (StepAction action)
{
  return action == ACTION_AUTHORIZE_INGRESS || action == ACTION_AUTHORIZE_EGRESS
         || action == ACTION_REVOKE_INGRESS || action == ACTION_REVOKE_EGRESS;
}

gboolean
step_action_is_authorize (StepAction action)
{
  return action == ACTION_AUTHORIZE_INGRESS || action == ACTION_AUTHORIZE_EGRESS;
}

RuleDirection
step_action_direction (StepAction action)
{
  return action == ACTION_AUTHORIZE_EGRESS || action == ACTION_REVOKE_EGRESS ? RULE_EGRESS
                                                                             : RULE_INGRESS;
}

char
step_action_sign (StepAction action)
{
  switch (action)
    {
    case ACTION_CREATE_GROUP:
    case ACTION_AUTHORIZE_INGRESS:
    case ACTION_AUTHORIZE_EGRESS:
      return '+';
    case ACTION_MODIFY_ENI_GROUPS:
    case ACTION_MODIFY_RESOURCE_GROUPS:
      return '~';
    default:
      return '-';
    }
}

static StepAction
inverse_action (StepAction action)
{
  switch (action)
    {
    case ACTION_CREATE_GROUP: return ACTION_DELETE_GROUP;
    case ACTION_DELETE_GROUP: return ACTION_CREATE_GROUP;
    case ACTION_AUTHORIZE_INGRESS: return ACTION_REVOKE_INGRESS;
    case ACTION_AUTHORIZE_EGRESS: return ACTION_REVOKE_EGRESS;
    case ACTION_REVOKE_INGRESS: return ACTION_AUTHORIZE_INGRESS;
    case ACTION_REVOKE_EGRESS: return ACTION_AUTHORIZE_EGRESS;
    default: return action;
    }
}

/* A copy of the N strings of V (shared), NULL-terminated like the change
 * set reader's lists, so that either can be passed to g_strv functions. */
static const char **
strv_copy (const char *const *v, guint n)
{
  const char **copy = g_new0 (const char *, n + 1);

  if (n > 0)
    memcpy (copy, v, sizeof (char *) * n);
  return copy;
}

Step *
step_inverse (const Step *step)
{
  Step *inverse = g_new0 (Step, 1);

  *inverse = *step;
  inverse->action = inverse_action (step->action);
  inverse->purpose = NULL;
  inverse->tags = g_memdup2 (step->tags, sizeof (Tag) * step->n_tags);
  inverse->rules = g_memdup2 (step->rules, sizeof (Rule) * step->n_rules);
  /* modify: swap before and after */
  inverse->groups_before = strv_copy (step->groups_after, step->n_after);
  inverse->n_before = step->n_after;
  inverse->groups_after = strv_copy (step->groups_before, step->n_before);
  inverse->n_after = step->n_before;
  inverse->resource_enis = strv_copy (step->resource_enis, step->n_resource_enis);
  inverse->subnets = strv_copy (step->subnets, step->n_subnets);
  return inverse;
}

static gboolean
strv_equal (const char **a, guint na, const char **b, guint nb)
{
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (strcmp (a[i], b[i]) != 0)
      return FALSE;
  return TRUE;
}

gboolean
step_equal (const Step *a, const Step *b)
{
  if (a->action != b->action || g_strcmp0 (a->account, b->account) != 0
      || g_strcmp0 (a->region, b->region) != 0 || g_strcmp0 (a->group_id, b->group_id) != 0
      || g_strcmp0 (a->vpc_id, b->vpc_id) != 0 || g_strcmp0 (a->group_name, b->group_name) != 0
      || g_strcmp0 (a->description, b->description) != 0 || g_strcmp0 (a->eni_id, b->eni_id) != 0
      || a->n_tags != b->n_tags || a->n_rules != b->n_rules
      || !strv_equal (a->groups_before, a->n_before, b->groups_before, b->n_before)
      || !strv_equal (a->groups_after, a->n_after, b->groups_after, b->n_after)
      || a->service != b->service || g_strcmp0 (a->resource_id, b->resource_id) != 0
      || !strv_equal (a->resource_enis, a->n_resource_enis, b->resource_enis, b->n_resource_enis)
      || !strv_equal (a->subnets, a->n_subnets, b->subnets, b->n_subnets)
      || a->ipv6_dual_stack != b->ipv6_dual_stack)
    return FALSE;
  for (guint i = 0; i < a->n_tags; i++)
    if (strcmp (a->tags[i].key, b->tags[i].key) != 0 || strcmp (a->tags[i].value, b->tags[i].value) != 0)
      return FALSE;
  for (guint i = 0; i < a->n_rules; i++)
    if (!rule_equal (&a->rules[i], &b->rules[i]))
      return FALSE;
  return TRUE;
}

char *
step_groups_text (const char *const *groups, guint n)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", groups[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

void
step_free (Step *step)
{
  if (step == NULL)
    return;
  g_free (step->tags);
  g_free (step->rules);
  g_free (step->groups_before);
  g_free (step->groups_after);
  g_free (step->resource_enis);
  g_free (step->subnets);
  g_free (step);
}

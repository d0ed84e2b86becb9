/* apply.c - `sgplan apply`: a change set carried out on an export, offline.
 *
 * The same state_apply the planner uses checks each step's precondition, so
 * a change set that no longer fits the export fails at the step that does
 * not fit, naming the difference.  The result is written back in the AWS CLI's
 * own JSON shape, readable by every sgplan command: the fields sgplan models,
 * rules regrouped into IpPermissions, new groups under deterministic IDs. */
#include "config.h"

#include "apply.h"
#include "json-model.h"
#include "files.h"
#include "util.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

char *
apply_new_group_id (const char *placeholder)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, placeholder, -1);

  return g_strdup_printf ("sg-%.17s", sum);
}

static const char *
resolve (GStringChunk *strings, const char *id)
{
  g_autofree char *real = NULL;

  if (id == NULL || !g_str_has_prefix (id, STEP_NEW_GROUP_PREFIX))
    return id;
  real = apply_new_group_id (id);
  return g_string_chunk_insert_const (strings, real);
}

Step *
apply_resolve_step (const Step *step, GStringChunk *strings)
{
  Step *copy = g_new0 (Step, 1);

  *copy = *step;
  copy->group_id = resolve (strings, step->group_id);
  copy->tags = g_memdup2 (step->tags, sizeof (Tag) * step->n_tags);
  copy->rules = g_memdup2 (step->rules, sizeof (Rule) * step->n_rules);
  for (guint i = 0; i < step->n_rules; i++)
    copy->rules[i].peer = resolve (strings, step->rules[i].peer);
  copy->groups_before = g_new0 (const char *, step->n_before + 1);
  for (guint i = 0; i < step->n_before; i++)
    copy->groups_before[i] = resolve (strings, step->groups_before[i]);
  copy->groups_after = g_new0 (const char *, step->n_after + 1);
  for (guint i = 0; i < step->n_after; i++)
    copy->groups_after[i] = resolve (strings, step->groups_after[i]);
  copy->resource_enis = g_new0 (const char *, step->n_resource_enis + 1);
  for (guint i = 0; i < step->n_resource_enis; i++)
    copy->resource_enis[i] = step->resource_enis[i];
  copy->subnets = g_new0 (const char *, step->n_subnets + 1);
  for (guint i = 0; i < step->n_subnets; i++)
    copy->subnets[i] = step->subnets[i];
  return copy;
}

gboolean
apply_changeset (State *state, const ChangeSet *cs, gboolean rollback, GError **error)
{
  GPtrArray *steps = rollback ? cs->rollback : cs->steps;

  for (guint i = 0; i < steps->len; i++)
    {
      g_autoptr (Step) step = apply_resolve_step (steps->pdata[i], state->strings);
      g_autoptr (GError) local = NULL;
      guint id = rollback ? g_array_index (cs->rollback_undoes, guint, i) : i + 1;

      if (!state_apply (state, step, &local))
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "%s %u (%s) does not apply: %s",
                       rollback ? "the rollback of step" : "step", id,
                       step_action_name (step->action), local->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* The JSON writer of apply.  It prints, without a tree, exactly what
 * cJSON_Print re-indented by sgplan_json_print_indent (4) prints: members
 * one to a line, ": " after keys, array items after ", " on the same line,
 * four spaces per level of cJSON's depth (arrays count as a level).
 * Building a cJSON tree of the whole export, printing it and re-indenting
 * the text cost apply about as much as loading the export. */
#define JSON_INDENT 4
#define JSON_MAX_DEPTH 16

typedef struct {
  GString *out;
  guint depth;                    /* containers open */
  gboolean empty[JSON_MAX_DEPTH]; /* nothing in the container at this depth yet */
} Json;

static void
json_indent (Json *j, guint levels)
{
  static const char spaces[] = "                                                                ";

  for (guint n = levels * JSON_INDENT; n > 0;)
    {
      guint chunk = MIN (n, (guint) sizeof spaces - 1);

      g_string_append_len (j->out, spaces, chunk);
      n -= chunk;
    }
}

/* S as cJSON prints a string: ", \ and control characters escaped, every
 * other byte as it is. */
static void
json_string (GString *out, const char *s)
{
  const char *run = s;

  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c > 31 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default: g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

static void
json_open (Json *j, char bracket)
{
  g_assert (j->depth + 1 < JSON_MAX_DEPTH);
  g_string_append_c (j->out, bracket);
  if (bracket == '{')
    g_string_append_c (j->out, '\n');
  j->empty[++j->depth] = TRUE;
}

static void
json_close_object (Json *j)
{
  if (!j->empty[j->depth])
    g_string_append_c (j->out, '\n');
  json_indent (j, j->depth - 1);
  g_string_append_c (j->out, '}');
  j->depth--;
}

static void
json_close_array (Json *j)
{
  g_string_append_c (j->out, ']');
  j->depth--;
}

/* Before a value in an array. */
static void
json_item (Json *j)
{
  if (!j->empty[j->depth])
    g_string_append (j->out, ", ");
  j->empty[j->depth] = FALSE;
}

/* Before a member's value in an object. */
static void
json_key (Json *j, const char *key)
{
  if (!j->empty[j->depth])
    g_string_append (j->out, ",\n");
  j->empty[j->depth] = FALSE;
  json_indent (j, j->depth);
  json_string (j->out, key);
  g_string_append (j->out, ": ");
}

/* A string member; none when VALUE is NULL (as cJSON_AddStringToObject,
 * which adds nothing for NULL). */
static void
json_add_str (Json *j, const char *key, const char *value)
{
  if (value == NULL)
    return;
  json_key (j, key);
  json_string (j->out, value);
}

static void
json_add_int (Json *j, const char *key, int value)
{
  json_key (j, key);
  g_string_append_printf (j->out, "%d", value);
}

static void
json_open_member (Json *j, const char *key, char bracket)
{
  json_key (j, key);
  json_open (j, bracket);
}

static void
json_open_item (Json *j)
{
  json_item (j);
  json_open (j, '{');
}

/* The peers of RULES[0..N) of KIND, into the open array. */
static void
peers_json (Json *j, const Rule *const *rules, guint n, PeerKind kind)
{
  static const char *const keys[] = { "CidrIp", "CidrIpv6", "PrefixListId", "GroupId" };

  for (guint i = 0; i < n; i++)
    {
      const Rule *r = rules[i];

      if (r->peer_kind != kind)
        continue;
      json_open_item (j);
      json_add_str (j, keys[r->peer_kind], r->peer);
      json_add_str (j, "Description", r->description);
      if (r->peer_kind == PEER_GROUP)
        {
          json_add_str (j, "UserId", r->peer_owner);
          json_add_str (j, "VpcId", r->peer_vpc);
          json_add_str (j, "VpcPeeringConnectionId", r->peering_id);
          json_add_str (j, "PeeringStatus", r->peering_status);
        }
      json_close_object (j);
    }
}

/* One IpPermission: RULES[0..N), which share protocol and ports. */
static void
permission_json (Json *j, const Rule *const *rules, guint n)
{
  static const char *const lists[] = { "IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs" };
  const Rule *r = rules[0];

  json_open_item (j);
  if (r->from_port != SGPLAN_PORT_NONE)
    json_add_int (j, "FromPort", r->from_port);
  json_add_str (j, "IpProtocol", r->protocol);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      if (l == PEER_GROUP && r->to_port != SGPLAN_PORT_NONE)
        json_add_int (j, "ToPort", r->to_port);
      json_open_member (j, lists[l], '[');
      peers_json (j, rules, n, (PeerKind) l);
      json_close_array (j);
    }
  json_close_object (j);
}

/* Atomic rules of one direction back into the EC2 API's IpPermission form:
 * consecutive rules with the same protocol and ports share one. */
static void
permissions_json (Json *j, const char *key, const GArray *rules, RuleDirection direction)
{
  g_autoptr (GPtrArray) run = g_ptr_array_new ();

  json_open_member (j, key, '[');
  for (guint i = 0; i <= rules->len; i++)
    {
      const Rule *r = i < rules->len ? &g_array_index (rules, Rule, i) : NULL;
      const Rule *prev = run->len > 0 ? run->pdata[run->len - 1] : NULL;

      if (r != NULL && r->direction != direction)
        continue;
      if (prev != NULL && (r == NULL || strcmp (prev->protocol, r->protocol) != 0
                           || prev->from_port != r->from_port || prev->to_port != r->to_port))
        {
          permission_json (j, (const Rule *const *) run->pdata, run->len);
          g_ptr_array_set_size (run, 0);
        }
      if (r != NULL)
        g_ptr_array_add (run, (gpointer) r);
    }
  json_close_array (j);
}

static void
tags_json (Json *j, const char *key, const Tag *tags, guint n)
{
  json_open_member (j, key, '[');
  for (guint i = 0; i < n; i++)
    {
      json_open_item (j);
      json_add_str (j, "Key", tags[i].key);
      json_add_str (j, "Value", tags[i].value);
      json_close_object (j);
    }
  json_close_array (j);
}

static void
group_json (Json *j, const StateGroup *g)
{
  json_open_item (j);
  json_add_str (j, "Description", g->description);
  json_add_str (j, "GroupName", g->name);
  permissions_json (j, "IpPermissions", g->rules, RULE_INGRESS);
  json_add_str (j, "OwnerId", g->owner_id);
  json_add_str (j, "GroupId", g->id);
  permissions_json (j, "IpPermissionsEgress", g->rules, RULE_EGRESS);
  if (g->tags->len > 0)
    tags_json (j, "Tags", (const Tag *) (void *) g->tags->data, g->tags->len);
  json_add_str (j, "VpcId", g->vpc_id);
  json_close_object (j);
}

static void
eni_json (Json *j, const State *state, const Eni *e)
{
  /* an ENI no step changed has its exported groups: read them from the
   * model rather than copy every ENI's list into the state */
  GPtrArray *changed = g_hash_table_lookup (state->eni_groups, e->id);
  const Eni *exported = changed == NULL ? model_eni (state->model, e->id) : NULL;
  guint n = changed != NULL ? changed->len : exported != NULL ? exported->n_groups : 0;

  json_open_item (j);
  if (e->instance_id != NULL || e->common->instance_owner_id != NULL)
    {
      json_open_member (j, "Attachment", '{');
      json_add_str (j, "InstanceId", e->instance_id);
      json_add_str (j, "InstanceOwnerId", e->common->instance_owner_id);
      json_close_object (j);
    }
  json_add_str (j, "AvailabilityZone", e->common->availability_zone);
  json_add_str (j, "Description", e->description);
  json_open_member (j, "Groups", '[');
  for (guint i = 0; i < n; i++)
    {
      const char *id = changed != NULL ? changed->pdata[i] : exported->groups[i].group_id;
      const StateGroup *g = state_group (state, id);
      const char *name = g != NULL ? g->name : NULL;

      /* a group outside the export keeps the name the export gave it */
      for (guint k = 0; name == NULL && k < e->n_groups; k++)
        if (strcmp (e->groups[k].group_id, id) == 0)
          name = e->groups[k].group_name;
      json_open_item (j);
      json_add_str (j, "GroupName", name);
      json_add_str (j, "GroupId", id);
      json_close_object (j);
    }
  json_close_array (j);
  json_add_str (j, "InterfaceType", e->common->interface_type);
  json_add_str (j, "NetworkInterfaceId", e->id);
  json_add_str (j, "OwnerId", e->common->owner_id);
  json_add_str (j, "PrivateIpAddress", e->private_ip);
  json_add_str (j, "RequesterId", e->common->requester_id);
  json_key (j, "RequesterManaged");
  g_string_append (j->out, e->common->requester_managed ? "true" : "false");
  json_add_str (j, "Status", e->common->status);
  json_add_str (j, "SubnetId", e->common->subnet_id);
  tags_json (j, "TagSet", e->tags, e->n_tags);
  json_add_str (j, "VpcId", e->common->vpc_id);
  json_close_object (j);
}

static void
reference_json (Json *j, const GroupReference *r)
{
  json_open_item (j);
  json_add_str (j, "GroupId", r->group_id);
  json_add_str (j, "ReferencingVpcId", r->referencing_vpc);
  json_add_str (j, "TransitGatewayId", r->transit_gateway_id);
  json_add_str (j, "VpcPeeringConnectionId", r->peering_id);
  json_close_object (j);
}

static void
strings_json (Json *j, const char *key, const char *const *values, guint n)
{
  json_open_member (j, key, '[');
  for (guint i = 0; i < n; i++)
    {
      json_item (j);
      json_string (j->out, values[i]);
    }
  json_close_array (j);
}

/* Groups as the services that list them as objects write them. */
static void
group_objects_json (Json *j, const char *key, const char *id_key, const Resource *r, const char *const *groups,
                    guint n)
{
  json_open_member (j, key, '[');
  for (guint i = 0; i < n; i++)
    {
      json_open_item (j);
      json_add_str (j, id_key, groups[i]);
      if (r->kind != RESOURCE_VPC_ENDPOINT)
        json_add_str (j, "Status", "active");
      json_close_object (j);
    }
  json_close_array (j);
}

/* R's groups now: as the steps that changed it (or, for a database of a
 * cluster and a cache of a replication group, the one that owns its
 * groups) left them, else as exported. */
static const char *const *
resource_groups_now (const State *state, const Resource *r, guint *n)
{
  const char *const *now = NULL;

  switch (r->kind)
    {
    case RESOURCE_LAMBDA_FUNCTION:
      if (g_strcmp0 (r->version, "$LATEST") == 0)
        now = state_resource_groups (state, SERVICE_LAMBDA, r->account, r->region, r->function_name, n);
      break;
    case RESOURCE_RDS_INSTANCE:
      now = r->cluster_id != NULL
              ? state_resource_groups (state, SERVICE_RDS_CLUSTER, r->account, r->region, r->cluster_id, n)
              : state_resource_groups (state, SERVICE_RDS_INSTANCE, r->account, r->region, r->id, n);
      break;
    case RESOURCE_RDS_CLUSTER:
      now = state_resource_groups (state, SERVICE_RDS_CLUSTER, r->account, r->region, r->id, n);
      break;
    case RESOURCE_CACHE_CLUSTER:
      now = r->replication_group_id != NULL
              ? state_resource_groups (state, SERVICE_CACHE_REPLICATION_GROUP, r->account, r->region,
                                       r->replication_group_id, n)
              : state_resource_groups (state, SERVICE_CACHE_CLUSTER, r->account, r->region, r->id, n);
      break;
    case RESOURCE_LOAD_BALANCER:
      now = state_resource_groups (state, SERVICE_ELBV2, r->account, r->region, r->id, n);
      break;
    case RESOURCE_CLASSIC_LOAD_BALANCER:
      now = state_resource_groups (state, SERVICE_ELB, r->account, r->region, r->id, n);
      break;
    case RESOURCE_VPC_ENDPOINT:
      now = state_resource_groups (state, SERVICE_VPC_ENDPOINT, r->account, r->region, r->id, n);
      break;
    default:
      break; /* a mount target's groups are its interface's */
    }
  if (now != NULL)
    return now;
  *n = r->n_groups;
  return r->group_ids;
}

/* A service resource back in its service's shape, with what the model
 * keeps of it and the groups the steps gave it: read again, it is the
 * resource as the change set leaves it. */
static void
resource_json (Json *j, const State *state, const Resource *r)
{
  guint n_groups;
  const char *const *groups = resource_groups_now (state, r, &n_groups);

  json_open_item (j);
  switch (r->kind)
    {
    case RESOURCE_LAMBDA_FUNCTION:
      json_add_str (j, "FunctionName", r->function_name);
      json_add_str (j, "FunctionArn", r->arn);
      json_add_str (j, "Version", r->version);
      json_add_str (j, "State", r->status);
      json_open_member (j, "VpcConfig", '{');
      strings_json (j, "SubnetIds", r->subnet_ids, r->n_subnets);
      strings_json (j, "SecurityGroupIds", groups, n_groups);
      json_add_str (j, "VpcId", r->vpc_id != NULL ? r->vpc_id : "");
      json_key (j, "Ipv6AllowedForDualStack");
      g_string_append (j->out, r->ipv6_dual_stack ? "true" : "false");
      json_close_object (j);
      break;
    case RESOURCE_RDS_INSTANCE:
      json_add_str (j, "DBInstanceIdentifier", r->id);
      json_add_str (j, "Engine", r->engine);
      json_add_str (j, "DBInstanceStatus", r->status);
      group_objects_json (j, "VpcSecurityGroups", "VpcSecurityGroupId", r, groups, n_groups);
      if (r->subnet_group != NULL || r->vpc_id != NULL)
        {
          json_open_member (j, "DBSubnetGroup", '{');
          json_add_str (j, "DBSubnetGroupName", r->subnet_group);
          json_add_str (j, "VpcId", r->vpc_id);
          json_close_object (j);
        }
      json_add_str (j, "DBClusterIdentifier", r->cluster_id);
      json_add_str (j, "DBInstanceArn", r->arn);
      break;
    case RESOURCE_RDS_CLUSTER:
      /* (no VPC: the loader takes a member's, as from describe-db-clusters) */
      json_add_str (j, "DBClusterIdentifier", r->id);
      json_add_str (j, "DBSubnetGroup", r->subnet_group);
      json_add_str (j, "Status", r->status);
      json_add_str (j, "Engine", r->engine);
      json_open_member (j, "DBClusterMembers", '[');
      for (guint i = 0; i < r->n_members; i++)
        {
          json_open_item (j);
          json_add_str (j, "DBInstanceIdentifier", r->members[i]);
          json_close_object (j);
        }
      json_close_array (j);
      group_objects_json (j, "VpcSecurityGroups", "VpcSecurityGroupId", r, groups, n_groups);
      json_add_str (j, "DBClusterArn", r->arn);
      break;
    case RESOURCE_CACHE_CLUSTER:
      json_add_str (j, "CacheClusterId", r->id);
      json_add_str (j, "Engine", r->engine);
      json_add_str (j, "CacheClusterStatus", r->status);
      json_add_str (j, "CacheSubnetGroupName", r->subnet_group);
      group_objects_json (j, "SecurityGroups", "SecurityGroupId", r, groups, n_groups);
      json_add_str (j, "ReplicationGroupId", r->replication_group_id);
      json_add_str (j, "ARN", r->arn);
      break;
    case RESOURCE_LOAD_BALANCER:
      json_add_str (j, "LoadBalancerArn", r->arn);
      json_add_str (j, "LoadBalancerName", r->name);
      json_add_str (j, "VpcId", r->vpc_id);
      if (r->status != NULL)
        {
          json_open_member (j, "State", '{');
          json_add_str (j, "Code", r->status);
          json_close_object (j);
        }
      json_add_str (j, "Type", r->type);
      json_open_member (j, "AvailabilityZones", '[');
      for (guint i = 0; i < r->n_subnets; i++)
        {
          json_open_item (j);
          json_add_str (j, "SubnetId", r->subnet_ids[i]);
          json_close_object (j);
        }
      json_close_array (j);
      strings_json (j, "SecurityGroups", groups, n_groups);
      break;
    case RESOURCE_CLASSIC_LOAD_BALANCER:
      json_add_str (j, "LoadBalancerName", r->id);
      strings_json (j, "Subnets", r->subnet_ids, r->n_subnets);
      json_add_str (j, "VPCId", r->vpc_id);
      json_open_member (j, "SourceSecurityGroup", '{');
      json_add_str (j, "OwnerAlias", r->account);
      json_close_object (j);
      strings_json (j, "SecurityGroups", groups, n_groups);
      break;
    case RESOURCE_VPC_ENDPOINT:
      json_add_str (j, "VpcEndpointId", r->id);
      json_add_str (j, "VpcEndpointType", r->type);
      json_add_str (j, "VpcId", r->vpc_id);
      json_add_str (j, "ServiceName", r->service_name);
      json_add_str (j, "State", r->status);
      strings_json (j, "SubnetIds", r->subnet_ids, r->n_subnets);
      group_objects_json (j, "Groups", "GroupId", r, groups, n_groups);
      strings_json (j, "NetworkInterfaceIds", r->eni_ids, r->n_enis);
      json_add_str (j, "OwnerId", r->account);
      break;
    case RESOURCE_MOUNT_TARGET:
      json_add_str (j, "OwnerId", r->account);
      json_add_str (j, "MountTargetId", r->id);
      json_add_str (j, "FileSystemId", r->file_system_id);
      json_add_str (j, "SubnetId", r->n_subnets > 0 ? r->subnet_ids[0] : NULL);
      json_add_str (j, "LifeCycleState", r->status);
      json_add_str (j, "NetworkInterfaceId", r->n_enis > 0 ? r->eni_ids[0] : NULL);
      json_add_str (j, "VpcId", r->vpc_id);
      break;
    case RESOURCE_KIND_COUNT:
      g_assert_not_reached ();
    }
  json_close_object (j);
}

/* Each kind's document: its top-level key and the file apply writes it to. */
static const struct { const char *key, *file; } resource_documents[RESOURCE_KIND_COUNT] = {
  [RESOURCE_LAMBDA_FUNCTION] = { "Functions", "lambda-functions.json" },
  [RESOURCE_RDS_INSTANCE] = { "DBInstances", "rds-db-instances.json" },
  [RESOURCE_RDS_CLUSTER] = { "DBClusters", "rds-db-clusters.json" },
  [RESOURCE_CACHE_CLUSTER] = { "CacheClusters", "elasticache-cache-clusters.json" },
  [RESOURCE_LOAD_BALANCER] = { "LoadBalancers", "elbv2-load-balancers.json" },
  [RESOURCE_CLASSIC_LOAD_BALANCER] = { "LoadBalancerDescriptions", "elb-load-balancers.json" },
  [RESOURCE_VPC_ENDPOINT] = { "VpcEndpoints", "vpc-endpoints.json" },
  [RESOURCE_MOUNT_TARGET] = { "MountTargets", "efs-mount-targets.json" },
};

/* What goes into one ACCOUNT/REGION folder, gathered before any is written. */
typedef struct {
  const char *account;
  const char *region;
  GPtrArray *groups;     /* (element-type StateGroup) by group ID */
  GPtrArray *enis;       /* (element-type Eni) in the model's order */
  GPtrArray *references; /* (element-type GroupReference) or NULL: none written */
  GPtrArray *resources;  /* (element-type Resource) in the model's order (by kind) */
} Folder;

static void
folder_free (gpointer data)
{
  Folder *f = data;

  g_ptr_array_unref (f->groups);
  g_ptr_array_unref (f->enis);
  g_ptr_array_unref (f->resources);
  if (f->references != NULL)
    g_ptr_array_unref (f->references);
  g_free (f);
}

static Folder *
folder_for (GHashTable *folders, const char *account, const char *region)
{
  char *key = g_strdup_printf ("%s/%s", account, region);
  Folder *f = g_hash_table_lookup (folders, key);

  if (f != NULL)
    {
      g_free (key);
      return f;
    }
  f = g_new0 (Folder, 1);
  f->account = account;
  f->region = region;
  f->groups = g_ptr_array_new ();
  f->enis = g_ptr_array_new ();
  f->resources = g_ptr_array_new ();
  g_hash_table_insert (folders, key, f);
  return f;
}

typedef enum { DOC_GROUPS, DOC_ENIS, DOC_REFERENCES } DocKind;

/* One document of folder F, written to DIR/NAME. */
static gboolean
write_document (const State *state, const Folder *f, DocKind kind, const char *dir, const char *name,
                GError **error)
{
  static const char *const keys[] = { "SecurityGroups", "NetworkInterfaces", "SecurityGroupReferenceSet" };
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GString) out = g_string_sized_new (4096);
  Json j = { out, 0, { FALSE } };
  GPtrArray *items = kind == DOC_GROUPS ? f->groups : kind == DOC_ENIS ? f->enis : f->references;

  json_open (&j, '{');
  json_open_member (&j, keys[kind], '[');
  for (guint i = 0; i < items->len; i++)
    {
      if (kind == DOC_GROUPS)
        group_json (&j, items->pdata[i]);
      else if (kind == DOC_ENIS)
        eni_json (&j, state, items->pdata[i]);
      else
        reference_json (&j, items->pdata[i]);
    }
  json_close_array (&j);
  json_close_object (&j);
  g_string_append_c (out, '\n');
  return sgplan_write_output (path, out->str, out->len, 0644, FALSE, error);
}

/* The service documents of folder F: one per kind it has resources of, or
 * whose export the input had there (an empty list says "none here"). */
static gboolean
write_resource_documents (const State *state, const Folder *f, guint coverage, const char *dir, GError **error)
{
  guint next = 0;

  for (guint kind = 0; kind < RESOURCE_KIND_COUNT; kind++)
    {
      g_autofree char *path = NULL;
      g_autoptr (GString) out = NULL;
      Json j = { NULL, 0, { FALSE } };
      guint first = next;

      while (next < f->resources->len && ((const Resource *) f->resources->pdata[next])->kind == kind)
        next++;
      if (next == first && (coverage & resource_kind_document (kind)) == 0)
        continue;
      path = g_build_filename (dir, resource_documents[kind].file, NULL);
      out = g_string_sized_new (1024);
      j.out = out;
      json_open (&j, '{');
      json_open_member (&j, resource_documents[kind].key, '[');
      for (guint i = first; i < next; i++)
        resource_json (&j, state, f->resources->pdata[i]);
      json_close_array (&j);
      json_close_object (&j);
      g_string_append_c (out, '\n');
      if (!sgplan_write_output (path, out->str, out->len, 0644, FALSE, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_folders (const State *state, GHashTable *folders, const char *tmp, GError **error)
{
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (folders), (GCompareFunc) strcmp);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      Folder *f = g_hash_table_lookup (folders, l->data);
      g_autofree char *dir = g_build_filename (tmp, l->data, NULL);
      guint coverage;

      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot create '%s': %s", dir,
                       g_strerror (saved));
          return FALSE;
        }
      /* an empty list says "exported, none here": write one only where the
       * input said so too, so that the output covers what the input did */
      coverage = model_coverage (state->model, f->account, f->region);
      if (f->references == NULL && (coverage & MODEL_DOC_REFERENCES) != 0)
        f->references = g_ptr_array_new ();
      if (((f->groups->len > 0 || (coverage & MODEL_DOC_GROUPS) != 0)
           && !write_document (state, f, DOC_GROUPS, dir, "security-groups.json", error))
          || ((f->enis->len > 0 || (coverage & MODEL_DOC_ENIS) != 0)
              && !write_document (state, f, DOC_ENIS, dir, "network-interfaces.json", error))
          || (f->references != NULL
              && !write_document (state, f, DOC_REFERENCES, dir, "security-group-references.json", error))
          || !write_resource_documents (state, f, coverage, dir, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
apply_write_export (State *state, const char *dir, GError **error)
{
  g_autoptr (GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, folder_free);
  g_autoptr (GList) ids = g_list_sort (g_hash_table_get_keys (state->groups), (GCompareFunc) strcmp);
  const Model *model = state->model;
  g_autofree char *target = sgplan_resolve_output (dir);
  g_autofree char *tmp = NULL;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      const StateGroup *g = state_group (state, l->data);

      g_ptr_array_add (folder_for (folders, g->owner_id, g->region)->groups, (gpointer) g);
    }
  for (guint i = 0; i < model->eni_list->len; i++)
    {
      const Eni *e = model->eni_list->pdata[i];

      g_ptr_array_add (folder_for (folders, e->common->owner_id, e->common->region)->enis, (gpointer) e);
    }
  for (guint i = 0; i < model->resource_list->len; i++)
    {
      const Resource *r = model->resource_list->pdata[i];

      g_ptr_array_add (folder_for (folders, r->account, r->region)->resources, (gpointer) r);
    }
  for (guint i = 0; i < model->references->len; i++)
    {
      const GroupReference *r = model->references->pdata[i];
      const StateGroup *g = state_group (state, r->group_id);
      Folder *f;

      if (g == NULL)
        continue;
      f = folder_for (folders, g->owner_id, g->region);
      if (f->references == NULL)
        f->references = g_ptr_array_new ();
      g_ptr_array_add (f->references, (gpointer) r);
    }

  /* DIR must be new or empty; build beside it (beside where a symlink
   * leads), then rename into place */
  if (g_file_test (target, G_FILE_TEST_EXISTS))
    {
      g_autoptr (GDir) d = g_dir_open (target, 0, NULL);

      if (d == NULL || g_dir_read_name (d) != NULL)
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                       "'%s' exists and is not an empty folder: apply writes a new export", dir);
          return FALSE;
        }
    }
  tmp = sgplan_make_staging_dir (target, error);
  if (tmp == NULL)
    return FALSE;
  if (!write_folders (state, folders, tmp, error))
    {
      sgplan_remove_tree (tmp);
      return FALSE;
    }
  if (g_file_test (target, G_FILE_TEST_IS_DIR))
    g_rmdir (target);
  if (g_rename (tmp, target) != 0)
    {
      int saved = errno;
      sgplan_remove_tree (tmp);
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot create '%s': %s", dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

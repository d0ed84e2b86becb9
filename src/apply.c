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
  copy->groups_before = g_new (const char *, step->n_before + 1);
  for (guint i = 0; i < step->n_before; i++)
    copy->groups_before[i] = resolve (strings, step->groups_before[i]);
  copy->groups_after = g_new (const char *, step->n_after + 1);
  for (guint i = 0; i < step->n_after; i++)
    copy->groups_after[i] = resolve (strings, step->groups_after[i]);
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

/* Files being built, by "ACCOUNT/REGION". */
typedef struct {
  const char *account;
  const char *region;
  cJSON *groups;     /* {"SecurityGroups": [...]} */
  cJSON *enis;       /* {"NetworkInterfaces": [...]} */
  cJSON *references; /* {"SecurityGroupReferenceSet": [...]} or NULL */
} Folder;

static void
folder_free (gpointer data)
{
  Folder *f = data;

  cJSON_Delete (f->groups);
  cJSON_Delete (f->enis);
  cJSON_Delete (f->references);
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
  f->groups = cJSON_CreateObject ();
  cJSON_AddArrayToObject (f->groups, "SecurityGroups");
  f->enis = cJSON_CreateObject ();
  cJSON_AddArrayToObject (f->enis, "NetworkInterfaces");
  g_hash_table_insert (folders, key, f);
  return f;
}

/* Atomic rules of one direction back into the EC2 API's IpPermission form. */
static cJSON *
permissions_json (const GArray *rules, RuleDirection direction)
{
  static const char *const lists[] = { "IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs" };
  static const char *const keys[] = { "CidrIp", "CidrIpv6", "PrefixListId", "GroupId" };
  cJSON *perms = cJSON_CreateArray ();
  cJSON *perm = NULL;
  const Rule *prev = NULL;

  for (guint i = 0; i < rules->len; i++)
    {
      const Rule *r = &g_array_index (rules, Rule, i);
      cJSON *peer;

      if (r->direction != direction)
        continue;
      if (prev == NULL || strcmp (prev->protocol, r->protocol) != 0 || prev->from_port != r->from_port
          || prev->to_port != r->to_port)
        {
          perm = cJSON_CreateObject ();
          if (r->from_port != SGPLAN_PORT_NONE)
            cJSON_AddNumberToObject (perm, "FromPort", r->from_port);
          cJSON_AddStringToObject (perm, "IpProtocol", r->protocol);
          for (guint l = 0; l < G_N_ELEMENTS (lists) - 1; l++)
            cJSON_AddArrayToObject (perm, lists[l]);
          if (r->to_port != SGPLAN_PORT_NONE)
            cJSON_AddNumberToObject (perm, "ToPort", r->to_port);
          cJSON_AddArrayToObject (perm, lists[PEER_GROUP]);
          cJSON_AddItemToArray (perms, perm);
        }
      prev = r;
      peer = cJSON_CreateObject ();
      cJSON_AddStringToObject (peer, keys[r->peer_kind], r->peer);
      json_add_string (peer, "Description", r->description);
      if (r->peer_kind == PEER_GROUP)
        {
          json_add_string (peer, "UserId", r->peer_owner);
          json_add_string (peer, "VpcId", r->peer_vpc);
          json_add_string (peer, "VpcPeeringConnectionId", r->peering_id);
          json_add_string (peer, "PeeringStatus", r->peering_status);
        }
      cJSON_AddItemToArray (cJSON_GetObjectItemCaseSensitive (perm, lists[r->peer_kind]), peer);
    }
  return perms;
}

static cJSON *
tags_json (const Tag *tags, guint n)
{
  cJSON *array = cJSON_CreateArray ();

  for (guint i = 0; i < n; i++)
    {
      cJSON *tag = cJSON_CreateObject ();

      cJSON_AddStringToObject (tag, "Key", tags[i].key);
      cJSON_AddStringToObject (tag, "Value", tags[i].value);
      cJSON_AddItemToArray (array, tag);
    }
  return array;
}

static cJSON *
group_json (const StateGroup *g)
{
  cJSON *obj = cJSON_CreateObject ();

  json_add_string (obj, "Description", g->description);
  cJSON_AddStringToObject (obj, "GroupName", g->name);
  cJSON_AddItemToObject (obj, "IpPermissions", permissions_json (g->rules, RULE_INGRESS));
  cJSON_AddStringToObject (obj, "OwnerId", g->owner_id);
  cJSON_AddStringToObject (obj, "GroupId", g->id);
  cJSON_AddItemToObject (obj, "IpPermissionsEgress", permissions_json (g->rules, RULE_EGRESS));
  if (g->tags->len > 0)
    cJSON_AddItemToObject (obj, "Tags", tags_json ((const Tag *) (void *) g->tags->data, g->tags->len));
  json_add_string (obj, "VpcId", g->vpc_id);
  return obj;
}

static cJSON *
eni_json (State *state, const Eni *e)
{
  cJSON *obj = cJSON_CreateObject ();
  cJSON *groups;
  guint n;
  const char *const *now = state_eni_groups (state, e->id, &n);

  if (e->instance_id != NULL || e->instance_owner_id != NULL)
    {
      cJSON *att = cJSON_AddObjectToObject (obj, "Attachment");

      json_add_string (att, "InstanceId", e->instance_id);
      json_add_string (att, "InstanceOwnerId", e->instance_owner_id);
    }
  json_add_string (obj, "AvailabilityZone", e->availability_zone);
  json_add_string (obj, "Description", e->description);
  groups = cJSON_AddArrayToObject (obj, "Groups");
  for (guint i = 0; i < n; i++)
    {
      const StateGroup *g = state_group (state, now[i]);
      cJSON *item = cJSON_CreateObject ();
      const char *name = g != NULL ? g->name : NULL;

      /* a group outside the export keeps the name the export gave it */
      for (guint k = 0; name == NULL && k < e->n_groups; k++)
        if (strcmp (e->groups[k].group_id, now[i]) == 0)
          name = e->groups[k].group_name;
      json_add_string (item, "GroupName", name);
      cJSON_AddStringToObject (item, "GroupId", now[i]);
      cJSON_AddItemToArray (groups, item);
    }
  json_add_string (obj, "InterfaceType", e->interface_type);
  cJSON_AddStringToObject (obj, "NetworkInterfaceId", e->id);
  cJSON_AddStringToObject (obj, "OwnerId", e->owner_id);
  json_add_string (obj, "PrivateIpAddress", e->private_ip);
  json_add_string (obj, "RequesterId", e->requester_id);
  cJSON_AddBoolToObject (obj, "RequesterManaged", e->requester_managed);
  json_add_string (obj, "Status", e->status);
  json_add_string (obj, "SubnetId", e->subnet_id);
  cJSON_AddItemToObject (obj, "TagSet", tags_json (e->tags, e->n_tags));
  json_add_string (obj, "VpcId", e->vpc_id);
  return obj;
}

static gboolean
write_json (const char *dir, const char *name, const cJSON *doc, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = sgplan_json_print_indent (doc, 4);

  return sgplan_write_output (path, text, strlen (text), 0644, FALSE, error);
}

static gboolean
write_folders (GHashTable *folders, const Model *model, const char *tmp, GError **error)
{
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (folders), (GCompareFunc) strcmp);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      Folder *f = g_hash_table_lookup (folders, l->data);
      g_autofree char *dir = g_build_filename (tmp, l->data, NULL);

      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot create '%s': %s", dir,
                       g_strerror (saved));
          return FALSE;
        }
      /* an empty list says "exported, none here": write one only where the
       * input said so too, so that the output covers what the input did */
      guint coverage = model_coverage (model, f->account, f->region);
      gboolean any_groups = cJSON_GetArraySize (cJSON_GetObjectItemCaseSensitive (f->groups, "SecurityGroups")) > 0;
      gboolean any_enis = cJSON_GetArraySize (cJSON_GetObjectItemCaseSensitive (f->enis, "NetworkInterfaces")) > 0;

      if (f->references == NULL && (coverage & MODEL_DOC_REFERENCES) != 0)
        {
          f->references = cJSON_CreateObject ();
          cJSON_AddArrayToObject (f->references, "SecurityGroupReferenceSet");
        }
      if (((any_groups || (coverage & MODEL_DOC_GROUPS) != 0)
           && !write_json (dir, "security-groups.json", f->groups, error))
          || ((any_enis || (coverage & MODEL_DOC_ENIS) != 0)
              && !write_json (dir, "network-interfaces.json", f->enis, error))
          || (f->references != NULL
              && !write_json (dir, "security-group-references.json", f->references, error)))
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

      cJSON_AddItemToArray (cJSON_GetObjectItemCaseSensitive (folder_for (folders, g->owner_id, g->region)->groups,
                                                              "SecurityGroups"),
                            group_json (g));
    }
  for (guint i = 0; i < model->eni_list->len; i++)
    {
      const Eni *e = model->eni_list->pdata[i];

      cJSON_AddItemToArray (cJSON_GetObjectItemCaseSensitive (folder_for (folders, e->owner_id, e->region)->enis,
                                                              "NetworkInterfaces"),
                            eni_json (state, e));
    }
  for (guint i = 0; i < model->references->len; i++)
    {
      const GroupReference *r = model->references->pdata[i];
      const StateGroup *g = state_group (state, r->group_id);
      Folder *f;
      cJSON *item;

      if (g == NULL)
        continue;
      f = folder_for (folders, g->owner_id, g->region);
      if (f->references == NULL)
        {
          f->references = cJSON_CreateObject ();
          cJSON_AddArrayToObject (f->references, "SecurityGroupReferenceSet");
        }
      item = cJSON_CreateObject ();
      cJSON_AddStringToObject (item, "GroupId", r->group_id);
      cJSON_AddStringToObject (item, "ReferencingVpcId", r->referencing_vpc);
      json_add_string (item, "TransitGatewayId", r->transit_gateway_id);
      json_add_string (item, "VpcPeeringConnectionId", r->peering_id);
      cJSON_AddItemToArray (cJSON_GetObjectItemCaseSensitive (f->references, "SecurityGroupReferenceSet"), item);
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
  if (!write_folders (folders, model, tmp, error))
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

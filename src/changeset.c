/* changeset.c - building the change set tree from a plan.
 *
 * Read top-down by a reviewer: what it was computed from, a summary, all
 * warnings, then per default group its findings, decision and steps, and
 * last the rollback.  Everything is sorted or in step order; nothing depends
 * on time or hash order, so the same state gives the same bytes.  Only
 * "inputs" names files: it records what was read, not the state. */
#include "config.h"

#include "changeset.h"
#include "yaml-cjson.h"
#include "json-model.h"

#include <string.h>

static cJSON *
string_array (const char *const *strings, guint n)
{
  cJSON *array = cJSON_CreateArray ();

  for (guint i = 0; i < n; i++)
    cJSON_AddItemToArray (array, cJSON_CreateString (strings[i]));
  return array;
}

static cJSON *
precondition_json (const Step *step)
{
  cJSON *pre = cJSON_CreateObject ();

  switch (step->action)
    {
    case ACTION_CREATE_GROUP:
      cJSON_AddStringToObject (pre, "no_group_named", step->group_name);
      cJSON_AddStringToObject (pre, "in_vpc", step->vpc_id);
      break;
    case ACTION_DELETE_GROUP:
      cJSON_AddBoolToObject (pre, "group_exists", TRUE);
      cJSON_AddNumberToObject (pre, "attached_interfaces", 0);
      cJSON_AddNumberToObject (pre, "referencing_rules", 0);
      break;
    case ACTION_AUTHORIZE_INGRESS:
    case ACTION_AUTHORIZE_EGRESS:
      cJSON_AddStringToObject (pre, "rules", "absent");
      break;
    case ACTION_REVOKE_INGRESS:
    case ACTION_REVOKE_EGRESS:
      cJSON_AddStringToObject (pre, "rules", "present");
      break;
    default:
      cJSON_AddItemToObject (pre, "groups", string_array (step->groups_before, step->n_before));
      break;
    }
  return pre;
}

static void
add_step_fields (cJSON *obj, const Step *step)
{
  cJSON_AddStringToObject (obj, "action", step_action_name (step->action));
  cJSON_AddStringToObject (obj, "account", step->account);
  cJSON_AddStringToObject (obj, "region", step->region);
  switch (step->action)
    {
    case ACTION_CREATE_GROUP:
    case ACTION_DELETE_GROUP:
      {
        cJSON *tags;

        cJSON_AddStringToObject (obj, "group_id", step->group_id);
        cJSON_AddStringToObject (obj, "vpc_id", step->vpc_id);
        cJSON_AddStringToObject (obj, "group_name", step->group_name);
        cJSON_AddStringToObject (obj, "description", step->description);
        tags = cJSON_AddArrayToObject (obj, "tags");
        for (guint i = 0; i < step->n_tags; i++)
          {
            cJSON *tag = cJSON_CreateObject ();

            cJSON_AddStringToObject (tag, "key", step->tags[i].key);
            cJSON_AddStringToObject (tag, "value", step->tags[i].value);
            cJSON_AddItemToArray (tags, tag);
          }
        break;
      }
    case ACTION_MODIFY_ENI_GROUPS:
      cJSON_AddStringToObject (obj, "network_interface_id", step->eni_id);
      cJSON_AddItemToObject (obj, "groups_before", string_array (step->groups_before, step->n_before));
      cJSON_AddItemToObject (obj, "groups_after", string_array (step->groups_after, step->n_after));
      break;
    case ACTION_MODIFY_RESOURCE_GROUPS:
      {
        cJSON *resource = cJSON_AddObjectToObject (obj, "resource");

        cJSON_AddStringToObject (resource, "type", step_service_name (step->service));
        cJSON_AddStringToObject (resource, "id", step->resource_id);
        json_add_string (resource, "name", step->resource_name);
        cJSON_AddItemToObject (resource, "network_interfaces",
                               string_array (step->resource_enis, step->n_resource_enis));
        if (step->service == SERVICE_LAMBDA)
          cJSON_AddItemToObject (resource, "subnets", string_array (step->subnets, step->n_subnets));
        if (step->ipv6_dual_stack)
          cJSON_AddBoolToObject (resource, "ipv6_allowed_for_dual_stack", TRUE);
        cJSON_AddItemToObject (obj, "groups_before", string_array (step->groups_before, step->n_before));
        cJSON_AddItemToObject (obj, "groups_after", string_array (step->groups_after, step->n_after));
        break;
      }
    default:
      {
        cJSON *rules;

        cJSON_AddStringToObject (obj, "group_id", step->group_id);
        rules = cJSON_AddArrayToObject (obj, "rules");
        for (guint i = 0; i < step->n_rules; i++)
          cJSON_AddItemToArray (rules, json_from_rule (&step->rules[i]));
        break;
      }
    }
  cJSON_AddItemToObject (obj, "precondition", precondition_json (step));
}

void
changeset_add_step (cJSON *obj, const Step *step, gboolean with_inverse)
{
  add_step_fields (obj, step);
  if (with_inverse)
    {
      g_autoptr (Step) inverse = step_inverse (step);
      cJSON *inv = cJSON_CreateObject ();

      add_step_fields (inv, inverse);
      cJSON_AddItemToObject (obj, "inverse", inv);
    }
}

static cJSON *
options_json (const PlanOptions *options)
{
  cJSON *obj = cJSON_CreateObject ();
  cJSON *exceptions = NULL;
  gboolean expiries = FALSE;

  cJSON_AddStringToObject (obj, "replacement_name", options->replacement_name);
  cJSON_AddNumberToObject (obj, "max_groups_per_eni", options->max_groups_per_eni);
  cJSON_AddNumberToObject (obj, "max_rules_per_group", options->max_rules_per_group);
  exceptions = cJSON_AddArrayToObject (obj, "exceptions");
  for (guint i = 0; options->exceptions != NULL && i < options->exceptions->len; i++)
    {
      const Exception *e = options->exceptions->pdata[i];
      cJSON *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "id", e->id);
      json_add_string (item, "reason", e->reason);
      json_add_string (item, "expires", e->expires);
      cJSON_AddStringToObject (item, "source", e->source);
      cJSON_AddItemToArray (exceptions, item);
      expiries |= e->expires != NULL;
    }
  /* the date matters only to exceptions that expire; leaving it out keeps
   * the change set identical from one day to the next */
  if (expiries)
    cJSON_AddStringToObject (obj, "date", options->date);
  /* only when set: a plan of the whole export stays as it was */
  if (options->scope != NULL)
    cJSON_AddItemToObject (obj, "scope", scope_json (options->scope));
  return obj;
}

static cJSON *
group_json (const Plan *plan, const GroupPlan *gp)
{
  const Group *group = gp->finding->group;
  cJSON *obj = cJSON_CreateObject ();
  cJSON *findings = json_from_finding (gp->finding);
  cJSON *steps, *warnings;

  cJSON_AddStringToObject (obj, "group_id", group->id);
  cJSON_AddStringToObject (obj, "vpc_id", group->vpc_id);
  cJSON_AddStringToObject (obj, "owner_id", group->owner_id);
  cJSON_AddStringToObject (obj, "region", group->region);
  cJSON_AddStringToObject (obj, "status", gp->finding->failed ? "FAILED" : "PASSED");
  cJSON_AddStringToObject (obj, "decision", decision_name (gp->decision));
  json_add_string (obj, "reason", gp->reason);
  json_add_string (obj, "unblock", gp->unblock);
  if (gp->blockers != NULL && gp->blockers->len > 0)
    {
      cJSON *list = cJSON_AddArrayToObject (obj, "blocked_by");

      for (guint i = 0; i < gp->blockers->len; i++)
        {
          const Blocker *b = gp->blockers->pdata[i];
          cJSON *item = cJSON_CreateObject ();

          cJSON_AddStringToObject (item, "subject", b->subject);
          cJSON_AddStringToObject (item, "reason", b->reason);
          cJSON_AddStringToObject (item, "unblock", b->unblock);
          cJSON_AddItemToArray (list, item);
        }
    }
  if (gp->exception != NULL)
    {
      cJSON *e = cJSON_AddObjectToObject (obj, "exception");

      cJSON_AddStringToObject (e, "id", gp->exception->id);
      json_add_string (e, "expires", gp->exception->expires);
      cJSON_AddStringToObject (e, "source", gp->exception->source);
    }
  if (gp->replacement_id != NULL)
    {
      cJSON *r = cJSON_AddObjectToObject (obj, "replacement");

      cJSON_AddStringToObject (r, "group_id", gp->replacement_id);
      cJSON_AddStringToObject (r, "group_name", gp->replacement_name);
      cJSON_AddStringToObject (r, "description", gp->replacement_description);
    }
  /* findings: the check report's object, less what is said above */
  for (const char *const *key = (const char *const[]) { "group_id", "group_name", "vpc_id", "owner_id",
                                                        "region", "status", NULL };
       *key != NULL; key++)
    cJSON_DeleteItemFromObjectCaseSensitive (findings, *key);
  cJSON_AddItemToObject (obj, "findings", findings);
  warnings = cJSON_AddArrayToObject (obj, "warnings");
  for (guint i = 0; i < gp->warnings->len; i++)
    cJSON_AddItemToArray (warnings, cJSON_CreateString (gp->warnings->pdata[i]));
  steps = cJSON_AddArrayToObject (obj, "steps");
  for (guint i = gp->first_step; i < gp->first_step + gp->n_steps; i++)
    {
      const Step *step = plan->steps->pdata[i];
      cJSON *s = cJSON_CreateObject ();

      cJSON_AddNumberToObject (s, "id", i + 1);
      cJSON_AddStringToObject (s, "purpose", step->purpose);
      changeset_add_step (s, step, TRUE);
      cJSON_AddItemToArray (steps, s);
    }
  return obj;
}

/* Whether the export can tell who references GROUP from other VPCs
 * (describe-security-group-references covers its account and region). */
static gboolean
export_has_references_for (const Model *model, const Group *group)
{
  return (model_coverage (model, group->owner_id, group->region) & MODEL_DOC_REFERENCES) != 0;
}

/* Every user of every default group the plan revokes or migrates, as
 * exported: the script compares each with the live account before the first
 * change, so an ENI attached or a reference added after the export stops
 * the run instead of losing its traffic. */
static cJSON *
default_groups_json (const Model *model, const Plan *plan)
{
  cJSON *list = cJSON_CreateArray ();

  for (guint i = 0; i < plan->groups->len; i++)
    {
      const GroupPlan *gp = plan->groups->pdata[i];
      const Group *group = gp->finding->group;
      GPtrArray *enis, *refs;
      cJSON *item, *array;

      if (gp->decision != DECISION_REVOKE && gp->decision != DECISION_MIGRATE)
        continue;
      item = cJSON_CreateObject ();
      cJSON_AddStringToObject (item, "group_id", group->id);
      cJSON_AddStringToObject (item, "account", group->owner_id);
      cJSON_AddStringToObject (item, "region", group->region);
      cJSON_AddStringToObject (item, "vpc_id", group->vpc_id);
      array = cJSON_AddArrayToObject (item, "attached_interfaces");
      enis = model_enis_of_group (model, group->id);
      for (guint e = 0; e < enis->len; e++)
        cJSON_AddItemToArray (array, cJSON_CreateString (((const Eni *) enis->pdata[e])->id));
      array = cJSON_AddArrayToObject (item, "referencing_rules");
      refs = model_refs_to_group (model, group->id);
      for (guint r = 0; r < refs->len; r++)
        {
          const RuleRef *ref = refs->pdata[r];
          cJSON *entry = cJSON_CreateObject ();

          cJSON_AddStringToObject (entry, "group_id", ref->group->id);
          cJSON_AddItemToObject (entry, "rule", json_from_rule (ref->rule));
          cJSON_AddItemToArray (array, entry);
        }
      if (export_has_references_for (model, group))
        {
          array = cJSON_AddArrayToObject (item, "references");
          /* model->references is sorted by group: the entries come out in order */
          for (guint r = model_references_start (model, group->id); r < model->references->len; r++)
            {
              const GroupReference *gr = model->references->pdata[r];
              cJSON *entry;

              if (strcmp (gr->group_id, group->id) != 0)
                break;
              entry = cJSON_CreateObject ();
              cJSON_AddStringToObject (entry, "referencing_vpc", gr->referencing_vpc);
              json_add_string (entry, "peering_id", gr->peering_id);
              json_add_string (entry, "transit_gateway_id", gr->transit_gateway_id);
              cJSON_AddItemToArray (array, entry);
            }
        }
      cJSON_AddItemToArray (list, item);
    }
  return list;
}

/* What the account must look like before the first step: the rules of
 * every exported group a step changes and the groups of every ENI a step
 * changes, as in the export.  The script's preflight compares them with
 * the live account. */
static cJSON *
preflight_json (const Model *model, const Plan *plan)
{
  cJSON *obj = cJSON_CreateObject ();
  cJSON *groups = cJSON_AddArrayToObject (obj, "groups");
  cJSON *enis = cJSON_AddArrayToObject (obj, "network_interfaces");
  cJSON *resources = NULL;
  g_autoptr (GHashTable) resource_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) group_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) eni_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GList) sorted_groups = NULL, sorted_enis = NULL;

  for (guint i = 0; i < plan->steps->len; i++)
    {
      const Step *step = plan->steps->pdata[i];

      const char *const *moved;
      guint n_moved;

      if (step_moves_enis (step, &moved, &n_moved))
        for (guint e = 0; e < n_moved; e++)
          g_hash_table_add (eni_ids, (gpointer) moved[e]);
      if (step->action == ACTION_MODIFY_RESOURCE_GROUPS)
        {
          /* as the first step that changes it finds it: as exported */
          char *key = g_strconcat (step_service_name (step->service), " ", step->resource_id, NULL);
          cJSON *item;

          if (!g_hash_table_add (resource_ids, key))
            continue;
          if (resources == NULL)
            resources = cJSON_CreateArray ();
          item = cJSON_CreateObject ();
          cJSON_AddStringToObject (item, "type", step_service_name (step->service));
          cJSON_AddStringToObject (item, "id", step->resource_id);
          cJSON_AddStringToObject (item, "account", step->account);
          cJSON_AddStringToObject (item, "region", step->region);
          cJSON_AddItemToObject (item, "groups", string_array (step->groups_before, step->n_before));
          cJSON_AddItemToArray (resources, item);
        }
      else if (step->group_id != NULL && model_group (model, step->group_id) != NULL)
        g_hash_table_add (group_ids, (gpointer) step->group_id);
    }
  sorted_groups = g_list_sort (g_hash_table_get_keys (group_ids), (GCompareFunc) strcmp);
  sorted_enis = g_list_sort (g_hash_table_get_keys (eni_ids), (GCompareFunc) strcmp);
  for (GList *l = sorted_groups; l != NULL; l = l->next)
    {
      const Group *g = model_group (model, l->data);
      cJSON *item = cJSON_CreateObject ();
      cJSON *rules;

      cJSON_AddStringToObject (item, "group_id", g->id);
      cJSON_AddStringToObject (item, "account", g->owner_id);
      cJSON_AddStringToObject (item, "region", g->region);
      rules = cJSON_AddArrayToObject (item, "rules");
      for (guint r = 0; r < g->n_rules; r++)
        cJSON_AddItemToArray (rules, json_from_rule (&g->rules[r]));
      cJSON_AddItemToArray (groups, item);
    }
  for (GList *l = sorted_enis; l != NULL; l = l->next)
    {
      const Eni *e = model_eni (model, l->data);
      cJSON *item = cJSON_CreateObject ();
      cJSON *list;

      cJSON_AddStringToObject (item, "network_interface_id", e->id);
      cJSON_AddStringToObject (item, "account", e->common->owner_id);
      cJSON_AddStringToObject (item, "region", e->common->region);
      list = cJSON_AddArrayToObject (item, "groups");
      for (guint g = 0; g < e->n_groups; g++)
        cJSON_AddItemToArray (list, cJSON_CreateString (e->groups[g].group_id));
      cJSON_AddItemToArray (enis, item);
    }
  /* only when there are any: change sets without service resources stay as they were */
  if (resources != NULL)
    cJSON_AddItemToObject (obj, "resources", resources);
  cJSON_AddItemToObject (obj, "default_groups", default_groups_json (model, plan));
  return obj;
}

/* Everything before the default groups: format to warnings. */
static cJSON *
changeset_head (const Model *model, const Plan *plan, const PlanOptions *options)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON *inputs, *summary, *warnings;
  guint n_warnings = plan->warnings->len;

  cJSON_AddStringToObject (root, "format", CHANGESET_FORMAT);
  cJSON_AddNumberToObject (root, "version", CHANGESET_VERSION);
  cJSON_AddStringToObject (root, "fingerprint", model->fingerprint);
  inputs = cJSON_AddArrayToObject (root, "inputs");
  for (guint i = 0; i < model->sources->len; i++)
    {
      const SourceFile *src = model->sources->pdata[i];
      cJSON *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "path", src->path);
      cJSON_AddStringToObject (item, "sha256", src->sha256);
      cJSON_AddItemToArray (inputs, item);
    }
  cJSON_AddItemToObject (root, "options", options_json (options));
  for (guint i = 0; i < plan->groups->len; i++)
    n_warnings += ((GroupPlan *) plan->groups->pdata[i])->warnings->len;
  summary = cJSON_AddObjectToObject (root, "summary");
  cJSON_AddNumberToObject (summary, "default_groups", plan->groups->len);
  for (int d = 0; d < DECISION_COUNT; d++)
    cJSON_AddNumberToObject (summary, decision_name (d), plan->counts[d]);
  cJSON_AddNumberToObject (summary, "steps", plan->steps->len);
  cJSON_AddNumberToObject (summary, "warnings", n_warnings);
  cJSON_AddStringToObject (summary, "outcome", plan_outcome_name (plan_outcome (plan->counts)));
  warnings = cJSON_AddArrayToObject (root, "warnings");
  for (guint i = 0; i < plan->warnings->len; i++)
    cJSON_AddItemToArray (warnings, cJSON_CreateString (plan->warnings->pdata[i]));
  for (guint g = 0; g < plan->groups->len; g++)
    {
      const GroupPlan *gp = plan->groups->pdata[g];

      for (guint i = 0; i < gp->warnings->len; i++)
        cJSON_AddItemToArray (warnings, cJSON_CreateString (gp->warnings->pdata[i]));
    }
  return root;
}

/* The rollback entry that undoes step I (from 0). */
static cJSON *
rollback_json (const Plan *plan, guint i)
{
  g_autoptr (Step) inverse = step_inverse (plan->steps->pdata[i]);
  cJSON *s = cJSON_CreateObject ();

  cJSON_AddNumberToObject (s, "undoes", i + 1);
  changeset_add_step (s, inverse, FALSE);
  return s;
}

cJSON *
changeset_build (const Model *model, const Plan *plan, const PlanOptions *options)
{
  cJSON *root = changeset_head (model, plan, options);
  cJSON *groups, *rollback;

  groups = cJSON_AddArrayToObject (root, "default_groups");
  for (guint i = 0; i < plan->groups->len; i++)
    cJSON_AddItemToArray (groups, group_json (plan, plan->groups->pdata[i]));
  cJSON_AddItemToObject (root, "preflight", preflight_json (model, plan));
  rollback = cJSON_AddArrayToObject (root, "rollback");
  for (guint i = plan->steps->len; i-- > 0;)
    cJSON_AddItemToArray (rollback, rollback_json (plan, i));
  return root;
}

char *
changeset_yaml (const Model *model, const Plan *plan, const PlanOptions *options, GError **error)
{
  YamlStream *stream = yaml_stream_new (error);
  cJSON *head;
  gboolean ok = TRUE;

  if (stream == NULL)
    return NULL;
  head = changeset_head (model, plan, options);
  while (ok && head->child != NULL)
    {
      cJSON *member = cJSON_DetachItemViaPointer (head, head->child);

      ok = yaml_stream_member (stream, member->string, member, error);
    }
  cJSON_Delete (head);
  ok = ok && yaml_stream_list_begin (stream, "default_groups", error);
  for (guint i = 0; ok && i < plan->groups->len; i++)
    ok = yaml_stream_list_item (stream, group_json (plan, plan->groups->pdata[i]), error);
  ok = ok && yaml_stream_list_end (stream, error)
       && yaml_stream_member (stream, "preflight", preflight_json (model, plan), error)
       && yaml_stream_list_begin (stream, "rollback", error);
  for (guint i = plan->steps->len; ok && i-- > 0;)
    ok = yaml_stream_list_item (stream, rollback_json (plan, i), error);
  ok = ok && yaml_stream_list_end (stream, error);
  if (!ok)
    {
      yaml_stream_free (stream);
      return NULL;
    }
  return yaml_stream_finish (stream, error);
}

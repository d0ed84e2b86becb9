/* render-show-json.c - `sgplan show --format json`: what the text and the
 * Markdown say, as data for tools that post-process plans
 * (schemas/show.schema.json).  Groups are ordered as in the Markdown (by
 * account, region, VPC and ID); steps keep their IDs, so a tool can find
 * them in the change set. */
#include "config.h"

#include "render-show.h"
#include "changeset.h"
#include "eni-kind.h"
#include "files.h"
#include "json-model.h"
#include "util.h"

#define SHOW_FORMAT "sgplan-show"
#define SHOW_VERSION 1

static cJSON *
strings (const char *const *list)
{
  cJSON *array = cJSON_CreateArray ();

  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    cJSON_AddItemToArray (array, cJSON_CreateString (list[i]));
  return array;
}

static cJSON *
interface_json (const ChangeSetInterface *eni)
{
  cJSON *obj = cJSON_CreateObject ();
  EniClass class = eni_kind_classify (&eni->evidence);
  g_autofree char *resource = eni_class_resource (&class);
  g_autofree char *used_by = eni_kind_used_by (&eni->evidence);

  cJSON_AddStringToObject (obj, "id", eni->id);
  cJSON_AddStringToObject (obj, "kind", eni_kind_name (class.kind));
  cJSON_AddStringToObject (obj, "kind_label", eni_kind_label (class.kind));
  json_add_string (obj, "resource", resource);
  json_add_string (obj, "instance_id", eni->evidence.instance_id);
  json_add_string (obj, "interface_type", eni->evidence.interface_type);
  cJSON_AddBoolToObject (obj, "requester_managed", eni->evidence.requester_managed);
  cJSON_AddStringToObject (obj, "used_by", used_by);
  return obj;
}

static cJSON *
reference_json (const ChangeSetReference *ref)
{
  cJSON *obj = cJSON_CreateObject ();
  g_autofree char *text = rule_describe (&ref->rule);

  cJSON_AddStringToObject (obj, "group_id", ref->group_id);
  json_add_string (obj, "group_name", ref->group_name);
  json_add_string (obj, "owner_id", ref->owner_id);
  json_add_string (obj, "vpc_id", ref->vpc_id);
  cJSON_AddItemToObject (obj, "rule", json_from_rule (&ref->rule));
  cJSON_AddStringToObject (obj, "text", text);
  return obj;
}

static cJSON *
step_json (guint id, const Step *step)
{
  cJSON *obj = cJSON_CreateObject ();
  char sign[2] = { step_action_sign (step->action), '\0' };
  GString *lines = g_string_new (NULL);
  g_auto (GStrv) split = NULL;

  cJSON_AddNumberToObject (obj, "id", id);
  cJSON_AddStringToObject (obj, "sign", sign);
  json_add_string (obj, "purpose", step->purpose);
  changeset_add_step (obj, step, FALSE);
  /* the lines show prints, less the sign */
  render_show_step (lines, id, step, "", NULL, FALSE);
  split = g_strsplit (lines->str, "\n", -1);
  g_string_free (lines, TRUE);
  {
    cJSON *text = cJSON_AddArrayToObject (obj, "text");

    for (guint i = 0; split[i] != NULL; i++)
      if (split[i][0] != '\0')
        cJSON_AddItemToArray (text, cJSON_CreateString (g_strstrip (split[i] + 1)));
  }
  return obj;
}

static cJSON *
group_json (const ChangeSet *cs, const ChangeSetGroup *g)
{
  cJSON *obj = cJSON_CreateObject ();
  cJSON *list;

  cJSON_AddStringToObject (obj, "account", g->owner_id);
  cJSON_AddStringToObject (obj, "region", g->region);
  cJSON_AddStringToObject (obj, "vpc_id", g->vpc_id);
  cJSON_AddStringToObject (obj, "group_id", g->group_id);
  cJSON_AddStringToObject (obj, "group_name", "default");
  cJSON_AddStringToObject (obj, "status", g->status);
  cJSON_AddStringToObject (obj, "decision", decision_name (g->decision));
  json_add_string (obj, "reason", g->reason);
  json_add_string (obj, "unblock", g->unblock);
  json_add_string (obj, "exception_expires", g->exception_expires);
  if (g->replacement_id != NULL)
    {
      cJSON *replacement = cJSON_AddObjectToObject (obj, "replacement");

      cJSON_AddStringToObject (replacement, "group_id", g->replacement_id);
      json_add_string (replacement, "group_name", g->replacement_name);
    }
  list = cJSON_AddArrayToObject (obj, "blocked_by");
  for (guint i = 0; g->blockers != NULL && i < g->blockers->len; i++)
    {
      const Blocker *b = g->blockers->pdata[i];
      cJSON *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "subject", b->subject);
      cJSON_AddStringToObject (item, "reason", b->reason);
      cJSON_AddStringToObject (item, "unblock", b->unblock);
      cJSON_AddItemToArray (list, item);
    }
  cJSON_AddNumberToObject (obj, "rules", g->n_rules);
  list = cJSON_AddArrayToObject (obj, "interfaces");
  for (guint i = 0; i < g->n_attached; i++)
    cJSON_AddItemToArray (list, interface_json (&g->interfaces[i]));
  list = cJSON_AddArrayToObject (obj, "references");
  for (guint i = 0; i < g->n_references; i++)
    cJSON_AddItemToArray (list, reference_json (&g->references[i]));
  cJSON_AddNumberToObject (obj, "outside_references", g->n_outside);
  cJSON_AddItemToObject (obj, "warnings", json_from_strings (g->warnings));
  if (g->decision == DECISION_MIGRATE && g->n_steps > 0)
    {
      g_autofree char *note = render_show_egress_note (cs, g);

      cJSON_AddStringToObject (obj, "note", note);
    }
  list = cJSON_AddArrayToObject (obj, "steps");
  for (guint i = g->first_step; i < g->first_step + g->n_steps; i++)
    cJSON_AddItemToArray (list, step_json (i + 1, cs->steps->pdata[i]));
  return obj;
}

static cJSON *
totals_json (const ChangeSet *cs)
{
  cJSON *obj = cJSON_CreateObject ();
  guint signs[3];

  render_show_count_signs (cs, signs);
  cJSON_AddNumberToObject (obj, "default_groups", cs->groups->len);
  for (int d = 0; d < DECISION_COUNT; d++)
    cJSON_AddNumberToObject (obj, decision_name (d), cs->counts[d]);
  cJSON_AddNumberToObject (obj, "steps", cs->steps->len);
  cJSON_AddNumberToObject (obj, "to_add", signs[0]);
  cJSON_AddNumberToObject (obj, "to_change", signs[1]);
  cJSON_AddNumberToObject (obj, "to_remove", signs[2]);
  cJSON_AddNumberToObject (obj, "rollback_steps", cs->rollback->len);
  cJSON_AddNumberToObject (obj, "warnings", cs->warnings->len);
  return obj;
}

char *
render_show_json (const ChangeSet *cs, const char *cs_sha256)
{
  g_autoptr (cJSON) root = cJSON_CreateObject ();
  g_autoptr (GPtrArray) groups = render_show_sorted_groups (cs);
  g_autoptr (GPtrArray) plan_warnings = render_show_plan_warnings (cs);
  g_autofree char *totals = render_show_totals (cs);
  cJSON *change_set, *inputs, *list;

  cJSON_AddStringToObject (root, "format", SHOW_FORMAT);
  cJSON_AddNumberToObject (root, "version", SHOW_VERSION);
  change_set = cJSON_AddObjectToObject (root, "change_set");
  cJSON_AddStringToObject (change_set, "path", cs->path);
  json_add_string (change_set, "sha256", cs_sha256);
  cJSON_AddStringToObject (change_set, "fingerprint", cs->fingerprint);
  json_add_string (change_set, "date", cs->date);
  inputs = cJSON_AddArrayToObject (change_set, "inputs");
  for (guint i = 0; i < cs->inputs->len; i++)
    {
      const SourceFile *f = cs->inputs->pdata[i];
      cJSON *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "path", f->path);
      cJSON_AddStringToObject (item, "sha256", f->sha256);
      cJSON_AddItemToArray (inputs, item);
    }
  if (cs->scope != NULL)
    {
      cJSON *scope = cJSON_AddObjectToObject (root, "scope");
      const Scope *s = &cs->scope_lists;

      if (s->accounts != NULL)
        cJSON_AddItemToObject (scope, "accounts", strings ((const char *const *) s->accounts));
      if (s->regions != NULL)
        cJSON_AddItemToObject (scope, "regions", strings ((const char *const *) s->regions));
      if (s->vpcs != NULL)
        cJSON_AddItemToObject (scope, "vpcs", strings ((const char *const *) s->vpcs));
      if (s->groups != NULL)
        cJSON_AddItemToObject (scope, "groups", strings ((const char *const *) s->groups));
      cJSON_AddStringToObject (scope, "text", cs->scope);
    }
  cJSON_AddItemToObject (root, "totals", totals_json (cs));
  cJSON_AddStringToObject (root, "summary", totals);
  cJSON_AddItemToObject (root, "warnings", json_from_strings (cs->warnings));
  cJSON_AddItemToObject (root, "plan_warnings", json_from_strings (plan_warnings));
  list = cJSON_AddArrayToObject (root, "default_groups");
  for (guint i = 0; i < groups->len; i++)
    cJSON_AddItemToArray (list, group_json (cs, groups->pdata[i]));
  return sgplan_json_print (root);
}

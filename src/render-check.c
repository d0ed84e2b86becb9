/* render-check.c - the report of `sgplan check`.
 *
 * Text is for a person at a terminal: one block per default group, aligned
 * columns, a summary line last.  JSON is for programs: its shape is
 * documented in sgplan(1) and schemas/check.schema.json and only grows. */
#include "config.h"

#include "render-check.h"
#include "eni-kind.h"
#include "json-model.h"
#include "manifest.h"
#include "table.h"
#include "util.h"

#include <string.h>

static char *
quoted (const char *s)
{
  return s != NULL && s[0] != '\0' ? g_strdup_printf ("\"%s\"", s) : NULL;
}

/* "from 10.0.0.0/8", "to sg-1 (this group)", "from sg-2 (owner 4444, vpc-x, pcx-y)". */
static char *
rule_peer_text (const Group *self, const Rule *rule)
{
  const char *dir = rule->direction == RULE_EGRESS ? "to" : "from";
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s %s", dir, rule->peer);
  if (rule->peer_kind == PEER_PREFIX_LIST)
    g_string_append (s, " (prefix list)");
  else if (rule->peer_kind == PEER_GROUP)
    {
      if (strcmp (rule->peer, self->id) == 0)
        g_string_append (s, " (this group)");
      else if (rule->peer_owner != NULL && strcmp (rule->peer_owner, self->owner_id) != 0)
        g_string_append_printf (s, " (account %s)", rule->peer_owner);
      if (rule->peering_id != NULL)
        g_string_append_printf (s, " via %s", rule->peering_id);
    }
  return g_string_free (s, FALSE);
}

static void
text_rules (GString *out, const Group *group)
{
  g_autoptr (Table) table = table_new (4);

  g_string_append_printf (out, "  rules: %u\n", group->n_rules);
  for (guint i = 0; i < group->n_rules; i++)
    {
      const Rule *rule = &group->rules[i];
      g_autofree char *traffic = rule_describe_traffic (rule);
      g_autofree char *peer = rule_peer_text (group, rule);
      g_autofree char *description = quoted (rule->description);

      table_add (table, rule_direction_name (rule), traffic, peer,
                 description != NULL ? description : "");
    }
  table_render (table, out, 4);
}

static void
text_enis (GString *out, const Finding *finding)
{
  g_autoptr (Table) table = table_new (6);

  if (!finding->enis_known)
    {
      g_string_append_printf (out, "  attached network interfaces: unknown (the export has no "
                                   "describe-network-interfaces for account %s in %s)\n",
                              finding->group->owner_id, finding->group->region);
      return;
    }
  g_string_append_printf (out, "  attached network interfaces: %u\n", finding->enis->len);
  for (guint i = 0; i < finding->enis->len; i++)
    {
      const Eni *eni = finding->enis->pdata[i];
      g_autofree char *description = quoted (eni->description);
      EniEvidence evidence = eni_kind_evidence (eni);
      g_autofree char *used_by = eni_kind_used_by (&evidence);

      table_add (table, eni->id, used_by, eni->common->interface_type, eni->common->owner_id,
                 eni->common->requester_managed ? "requester-managed" : "",
                 description != NULL ? description : "");
    }
  table_render (table, out, 4);
}

static void
text_references (GString *out, const Finding *finding)
{
  g_autoptr (Table) table = table_new (7);

  g_string_append_printf (out, "  referenced by rules of other groups: %u\n",
                          finding->references->len);
  for (guint i = 0; i < finding->references->len; i++)
    {
      const Reference *ref = finding->references->pdata[i];
      g_autofree char *name = g_strdup_printf ("(%s)", ref->group->name);
      g_autofree char *traffic = rule_describe_traffic (ref->rule);
      g_autofree char *flags = g_strjoin (" ", ref->cross_account ? "cross-account" : "",
                                          ref->peered ? "peered" : "", NULL);

      g_autofree char *description = quoted (ref->rule->description);

      g_strstrip (flags);
      table_add (table, ref->group->id, name, rule_direction_name (ref->rule), traffic,
                 ref->group->owner_id, flags, description != NULL ? description : "");
    }
  table_render (table, out, 4);
  if (finding->outside->len > 0)
    {
      g_autoptr (Table) outside = table_new (2);

      g_string_append_printf (out, "  referenced from VPCs not in the export: %u (export their "
                                   "accounts to see the rules)\n",
                              finding->outside->len);
      for (guint i = 0; i < finding->outside->len; i++)
        {
          const GroupReference *gr = finding->outside->pdata[i];
          g_autofree char *via = g_strdup_printf ("via %s", gr->peering_id != NULL
                                                                ? gr->peering_id
                                                                : gr->transit_gateway_id != NULL
                                                                      ? gr->transit_gateway_id
                                                                      : "unknown connection");

          table_add (outside, gr->referencing_vpc, via);
        }
      table_render (outside, out, 4);
    }
}

char *
render_check_text (const Model *model, const Analysis *analysis)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < analysis->findings->len; i++)
    {
      const Finding *finding = analysis->findings->pdata[i];
      const Group *group = finding->group;
      g_autofree char *where = g_strdup_printf ("  default group of %s, account %s, %s",
                                                group->vpc_id, group->owner_id, group->region);

      if (i > 0)
        g_string_append_c (out, '\n');
      sgplan_append_printable (out, group->id);
      g_string_append (out, "  ");
      sgplan_append_coloured (out, finding->failed ? "1;31" : "32", finding->failed ? "FAILED" : "PASSED");
      sgplan_append_printable (out, where);
      g_string_append_c (out, '\n');
      text_rules (out, group);
      text_enis (out, finding);
      text_references (out, finding);
    }
  if (analysis->findings->len > 0)
    g_string_append_c (out, '\n');
  if (analysis->gaps->len > 0)
    {
      g_string_append (out, "incomplete export: nothing can be decided about these until they are exported\n");
      for (guint i = 0; i < analysis->gaps->len; i++)
        {
          g_autofree char *what = gap_describe (analysis->gaps->pdata[i]);
          g_autofree char *command = gap_command (analysis->gaps->pdata[i]);

          g_string_append (out, "  ");
          sgplan_append_printable (out, what);
          g_string_append (out, "\n    export: ");
          sgplan_append_printable (out, command);
          g_string_append_c (out, '\n');
        }
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < model->manifests->len; i++)
    {
      g_autofree char *what = manifest_describe (model->manifests->pdata[i]);

      g_string_append (out, "export: ");
      sgplan_append_printable (out, what);
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out,
                          "%u default group%s: %u FAILED, %u PASSED; %u attached network "
                          "interface%s; %u referencing rule%s; %u reference%s from VPCs not in "
                          "the export\n",
                          analysis->findings->len, analysis->findings->len == 1 ? "" : "s",
                          analysis->failed, analysis->passed, analysis->attached,
                          analysis->attached == 1 ? "" : "s", analysis->references,
                          analysis->references == 1 ? "" : "s", analysis->outside,
                          analysis->outside == 1 ? "" : "s");
  if (analysis->gaps->len > 0)
    g_string_append_printf (out, "export incomplete: %u gap%s (see above)\n", analysis->gaps->len,
                            analysis->gaps->len == 1 ? "" : "s");
  if (analysis->scope != NULL)
    {
      g_autofree char *what = scope_describe (analysis->scope);

      g_string_append_printf (out, "scope: %s (%u other default group%s of the export not shown)\n",
                              what, analysis->out_of_scope, analysis->out_of_scope == 1 ? "" : "s");
    }
  return g_string_free (out, FALSE);
}

/* "collections": what sgplan-collect's manifests say, one object each. */
static void
json_add_manifests (cJSON *root, const Model *model)
{
  cJSON *list = cJSON_AddArrayToObject (root, "collections");

  for (guint i = 0; i < model->manifests->len; i++)
    {
      const Manifest *m = model->manifests->pdata[i];
      cJSON *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "manifest", m->file);
      cJSON_AddStringToObject (item, "version", m->version);
      if (m->cli_version != NULL)
        cJSON_AddStringToObject (item, "cli_version", m->cli_version);
      cJSON_AddStringToObject (item, "started_at", m->started_at);
      if (m->finished_at != NULL)
        cJSON_AddStringToObject (item, "finished_at", m->finished_at);
      cJSON_AddNumberToObject (item, "accounts", m->n_accounts);
      cJSON_AddNumberToObject (item, "regions", m->regions->len);
      cJSON_AddNumberToObject (item, "not_collected", m->n_incomplete);
      cJSON_AddBoolToObject (item, "complete", m->n_incomplete == 0 && m->finished_at != NULL);
      cJSON_AddItemToArray (list, item);
    }
}

char *
render_check_json (const Model *model, const Analysis *analysis)
{
  g_autoptr (cJSON) root = cJSON_CreateObject ();
  cJSON *summary, *groups;

  cJSON_AddStringToObject (root, "format", "sgplan-check");
  cJSON_AddNumberToObject (root, "version", 1);
  cJSON_AddStringToObject (root, "fingerprint", model->fingerprint);
  summary = cJSON_AddObjectToObject (root, "summary");
  cJSON_AddNumberToObject (summary, "default_groups", analysis->findings->len);
  cJSON_AddNumberToObject (summary, "failed", analysis->failed);
  cJSON_AddNumberToObject (summary, "passed", analysis->passed);
  cJSON_AddNumberToObject (summary, "attached_interfaces", analysis->attached);
  cJSON_AddNumberToObject (summary, "references", analysis->references);
  cJSON_AddNumberToObject (summary, "outside_references", analysis->outside);
  cJSON_AddNumberToObject (summary, "incomplete", analysis->gaps->len);
  if (analysis->scope != NULL)
    {
      cJSON *scope = scope_json (analysis->scope);

      cJSON_AddNumberToObject (scope, "out_of_scope", analysis->out_of_scope);
      cJSON_AddItemToObject (root, "scope", scope);
    }
  if (model->manifests->len > 0)
    json_add_manifests (root, model);
  cJSON_AddStringToObject (root, "result", analysis_result_name (analysis));
  groups = cJSON_AddArrayToObject (root, "default_groups");
  for (guint i = 0; i < analysis->findings->len; i++)
    {
      const Finding *finding = analysis->findings->pdata[i];
      cJSON *item = json_from_finding (finding);
      cJSON *eni_item = cJSON_GetObjectItemCaseSensitive (item, "attached_interfaces")->child;

      for (guint e = 0; e < finding->enis->len && eni_item != NULL; e++, eni_item = eni_item->next)
        json_add_eni_kind (eni_item, finding->enis->pdata[e]);

      cJSON_AddBoolToObject (item, "interfaces_known", finding->enis_known);
      cJSON_AddBoolToObject (item, "references_known", finding->references_known);
      cJSON_AddItemToArray (groups, item);
    }
  groups = cJSON_AddArrayToObject (root, "incomplete");
  for (guint i = 0; i < analysis->gaps->len; i++)
    {
      const Gap *gap = analysis->gaps->pdata[i];
      cJSON *item = cJSON_CreateObject ();
      char *text;

      cJSON_AddStringToObject (item, "kind", gap->kind == GAP_NO_ENIS          ? "no-network-interfaces"
                                             : gap->kind == GAP_NO_DEFAULT_GROUP ? "no-default-group"
                                                                                 : "not-collected");
      cJSON_AddStringToObject (item, "account", gap->account);
      cJSON_AddStringToObject (item, "region", gap->region);
      if (gap->vpc_id != NULL)
        {
          cJSON_AddStringToObject (item, "vpc_id", gap->vpc_id);
          cJSON_AddStringToObject (item, "seen_in", gap->seen_in);
        }
      else if (gap->kind == GAP_NO_ENIS)
        cJSON_AddNumberToObject (item, "failed_default_groups", gap->n_groups);
      else
        {
          cJSON_AddStringToObject (item, "manifest", gap->manifest);
          if (gap->profile != NULL)
            cJSON_AddStringToObject (item, "profile", gap->profile);
        }
      text = gap_describe (gap);
      cJSON_AddStringToObject (item, "message", text);
      g_free (text);
      text = gap_command (gap);
      cJSON_AddStringToObject (item, "command", text);
      g_free (text);
      cJSON_AddItemToArray (groups, item);
    }
  return sgplan_json_print (root);
}

/* analysis.c - EC2.2 status of every default group and what depends on it.
 *
 * Security Hub's EC2.2 (AWS Config rule vpc-default-security-group-closed)
 * fails a VPC's default group when it has any inbound or outbound rule.
 * Before anyone removes those rules they need to know what would break: the
 * ENIs carrying the group, and the rules of other groups that reference it
 * (also from other accounts and peered VPCs, which no single export may
 * show; describe-security-group-references names such VPCs). */
#include "config.h"

#include "analysis.h"
#include "manifest.h"
#include "sort.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void
finding_free (gpointer data)
{
  Finding *finding = data;

  g_ptr_array_unref (finding->references);
  g_ptr_array_unref (finding->outside);
  g_free (finding);
}

void
analysis_free (Analysis *analysis)
{
  if (analysis == NULL)
    return;
  g_ptr_array_unref (analysis->findings);
  g_ptr_array_unref (analysis->gaps);
  g_free (analysis);
}

static int
gap_compare (gconstpointer a, gconstpointer b)
{
  const Gap *x = *(const Gap *const *) a, *y = *(const Gap *const *) b;
  int c = (int) x->kind - (int) y->kind;

  if (c == 0)
    c = g_strcmp0 (x->account, y->account);
  if (c == 0)
    c = g_strcmp0 (x->region, y->region);
  if (c == 0)
    c = g_strcmp0 (x->vpc_id, y->vpc_id);
  return c;
}

/* Scopes whose FAILED default groups have no network interfaces exported:
 * what uses them is unknown, so nothing may be decided about them. */
static void
find_missing_enis (Analysis *analysis)
{
  g_autoptr (GHashTable) by_scope = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < analysis->findings->len; i++)
    {
      const Finding *f = analysis->findings->pdata[i];
      char *key;
      Gap *gap;

      if (f->enis_known || !f->failed)
        continue;
      key = g_strdup_printf ("%s %s", f->group->owner_id, f->group->region);
      gap = g_hash_table_lookup (by_scope, key);
      if (gap == NULL)
        {
          gap = g_new0 (Gap, 1);
          gap->kind = GAP_NO_ENIS;
          gap->account = f->group->owner_id;
          gap->region = f->group->region;
          gap->example = f->group->id;
          g_hash_table_insert (by_scope, key, gap);
          g_ptr_array_add (analysis->gaps, gap);
        }
      else
        g_free (key);
      gap->n_groups++;
    }
}

/* VPCs that an ENI or a group shows but whose default group is not in the
 * export: their EC2.2 status is unknown. */
static void
find_missing_default_groups (Analysis *analysis, const Model *model, const Scope *scope)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* every default group's VPC, in scope or not: a VPC out of scope is not
   * a gap of this run */
  for (guint i = 0; i < model->group_list->len; i++)
    {
      const Group *g = model->group_list->pdata[i];

      if (group_is_default (g) && g->vpc_id != NULL)
        g_hash_table_add (seen, (gpointer) g->vpc_id);
    }
  /* a VPC without a default group has no group ID to be named by --group */
  if (scope != NULL && scope->groups != NULL)
    return;
  for (guint i = 0; i < model->group_list->len; i++)
    {
      const Group *g = model->group_list->pdata[i];
      Gap *gap;

      if (g->vpc_id == NULL || !scope_contains (scope, g->owner_id, g->region, g->vpc_id, NULL)
          || !g_hash_table_add (seen, (gpointer) g->vpc_id))
        continue;
      gap = g_new0 (Gap, 1);
      gap->kind = GAP_NO_DEFAULT_GROUP;
      gap->account = g->owner_id;
      gap->region = g->region;
      gap->vpc_id = g->vpc_id;
      gap->seen_in = g->id;
      g_ptr_array_add (analysis->gaps, gap);
    }
  for (guint i = 0; i < model->eni_list->len; i++)
    {
      const Eni *eni = model->eni_list->pdata[i];
      Gap *gap;

      if (eni->common->vpc_id == NULL
          || !scope_contains (scope, eni->common->owner_id, eni->common->region, eni->common->vpc_id, NULL)
          || !g_hash_table_add (seen, (gpointer) eni->common->vpc_id))
        continue;
      gap = g_new0 (Gap, 1);
      gap->kind = GAP_NO_DEFAULT_GROUP;
      gap->account = eni->common->owner_id;
      gap->region = eni->common->region;
      gap->vpc_id = eni->common->vpc_id;
      gap->seen_in = eni->id;
      g_ptr_array_add (analysis->gaps, gap);
    }
}

static gboolean in_list (char **list, const char *value);

/* A region not collected is in scope when its account and region are ("*":
 * unknown, so it may be any); a VPC or group in scope may be in it. */
static gboolean
not_collected_in_scope (const Scope *scope, const ManifestRegion *region)
{
  return scope == NULL
         || ((strcmp (region->account, "*") == 0 || in_list (scope->accounts, region->account))
             && (strcmp (region->region, "*") == 0 || in_list (scope->regions, region->region)));
}

static void
add_not_collected (Analysis *analysis, const Manifest *m, const ManifestRegion *region)
{
  Gap *gap = g_new0 (Gap, 1);

  gap->kind = GAP_NOT_COLLECTED;
  gap->account = region->account;
  gap->region = region->region;
  gap->manifest = m->file;
  gap->status = region->status;
  gap->reason = region->error;
  gap->profile = region->profile;
  g_ptr_array_add (analysis->gaps, gap);
}

/* Regions that sgplan-collect's manifest says it did not collect: the
 * export is silent about them, and silence is not "nothing there". */
static void
find_not_collected (Analysis *analysis, const Model *model, const Scope *scope)
{
  for (guint i = 0; i < model->manifests->len; i++)
    {
      const Manifest *m = model->manifests->pdata[i];
      Gap *gap;

      for (guint r = 0; r < m->regions->len; r++)
        {
          const ManifestRegion *region = m->regions->pdata[r];

          if (strcmp (region->status, "complete") != 0 && not_collected_in_scope (scope, region))
            add_not_collected (analysis, m, region);
        }
      for (guint r = 0; r < m->unreached->len; r++)
        if (not_collected_in_scope (scope, m->unreached->pdata[r]))
          add_not_collected (analysis, m, m->unreached->pdata[r]);
      if (m->finished_at != NULL)
        continue;
      /* accounts and regions after the last one recorded are unknown */
      gap = g_new0 (Gap, 1);
      gap->kind = GAP_NOT_COLLECTED;
      gap->account = gap->region = "*";
      gap->manifest = m->file;
      g_ptr_array_add (analysis->gaps, gap);
    }
}

static char *
describe_not_collected (const Gap *gap)
{
  g_autofree char *reason = NULL;

  if (gap->status == NULL)
    return g_strdup_printf ("the run of sgplan-collect that wrote '%s' did not finish: the accounts "
                            "and regions it did not reach are not in the export",
                            gap->manifest);
  if (gap->reason != NULL)
    {
      g_autofree char *cut = sgplan_cut (gap->reason, 200);

      reason = g_strdup_printf (" (%s)", cut);
    }
  if (strcmp (gap->region, "*") == 0 && strcmp (gap->account, "*") == 0)
    return g_strdup_printf ("profile '%s' was not reached, none of its regions was collected: '%s' "
                            "says so%s", gap->profile != NULL ? gap->profile : "default",
                            gap->manifest, reason != NULL ? reason : "");
  if (strcmp (gap->region, "*") == 0)
    return g_strdup_printf ("account %s was not reached, none of its regions was collected: '%s' "
                            "says so%s", gap->account, gap->manifest, reason != NULL ? reason : "");
  return g_strdup_printf ("account %s in %s was not collected: '%s' says %s%s",
                          gap->account, gap->region, gap->manifest, gap->status,
                          reason != NULL ? reason : "");
}

char *
gap_describe (const Gap *gap)
{
  if (gap->kind == GAP_NOT_COLLECTED)
    return describe_not_collected (gap);
  if (gap->kind == GAP_NO_ENIS)
    return g_strdup_printf ("account %s in %s has no describe-network-interfaces in the export: "
                            "what uses its %u FAILED default group%s (%s%s) is unknown",
                            gap->account, gap->region, gap->n_groups, gap->n_groups == 1 ? "" : "s",
                            gap->example, gap->n_groups > 1 ? ", ..." : "");
  return g_strdup_printf ("%s (seen in %s, account %s, %s) has no default security group in the "
                          "export: its EC2.2 status is unknown",
                          gap->vpc_id, gap->seen_in, gap->account, gap->region);
}

char *
gap_command (const Gap *gap)
{
  if (gap->kind == GAP_NOT_COLLECTED && gap->status == NULL)
    return g_strdup ("sgplan-collect again with the same options (it skips what is complete)");
  if (gap->kind == GAP_NOT_COLLECTED && strcmp (gap->region, "*") == 0)
    return g_strdup ("sgplan-collect again with the same options, once the account can be reached "
                     "(it skips what is complete)");
  if (gap->kind == GAP_NOT_COLLECTED)
    return g_strdup_printf ("sgplan-collect --region %s again with the same options, for account %s "
                            "(it skips what is complete)", gap->region, gap->account);
  if (gap->kind == GAP_NO_ENIS)
    return g_strdup_printf ("aws ec2 describe-network-interfaces --include-managed-resources "
                            "--region %s --output json > %s/%s/network-interfaces.json",
                            gap->region, gap->account, gap->region);
  return g_strdup_printf ("aws ec2 describe-security-groups --filters Name=vpc-id,Values=%s "
                          "--region %s --output json > %s/%s/security-groups-%s.json "
                          "(with the credentials of the VPC's owner)",
                          gap->vpc_id, gap->region, gap->account, gap->region, gap->vpc_id);
}

Analysis *
analysis_run (const Model *model)
{
  return analysis_run_scoped (model, NULL);
}

Analysis *
analysis_run_scoped (const Model *model, const Scope *scope)
{
  Analysis *analysis = g_new0 (Analysis, 1);

  analysis->findings = g_ptr_array_new_with_free_func (finding_free);
  analysis->gaps = g_ptr_array_new_with_free_func (g_free);
  analysis->scope = scope_is_set (scope) ? scope : NULL;
  for (guint i = 0; i < model->group_list->len; i++)
    {
      const Group *group = model->group_list->pdata[i];
      GPtrArray *refs;
      Finding *finding;

      if (!group_is_default (group))
        continue;
      if (!scope_contains (scope, group->owner_id, group->region, group->vpc_id, group->id))
        {
          analysis->out_of_scope++;
          continue;
        }
      finding = g_new0 (Finding, 1);
      finding->group = group;
      finding->failed = group->n_rules > 0;
      finding->enis = model_enis_of_group (model, group->id);
      finding->references = g_ptr_array_new_with_free_func (g_free);
      finding->outside = g_ptr_array_new ();
      {
        guint coverage = model_coverage (model, group->owner_id, group->region);

        finding->enis_known = (coverage & MODEL_DOC_ENIS) != 0;
        finding->references_known = (coverage & MODEL_DOC_REFERENCES) != 0;
      }

      refs = model_refs_to_group (model, group->id);
      for (guint r = 0; r < refs->len; r++)
        {
          const RuleRef *rr = refs->pdata[r];
          Reference *ref = g_new0 (Reference, 1);

          ref->group = rr->group;
          ref->rule = rr->rule;
          ref->cross_account = strcmp (rr->group->owner_id, group->owner_id) != 0;
          ref->peered = g_strcmp0 (rr->group->vpc_id, group->vpc_id) != 0
                        || rr->rule->peering_id != NULL;
          g_ptr_array_add (finding->references, ref);
        }
      for (guint r = model_references_start (model, group->id); r < model->references->len; r++)
        {
          const GroupReference *gr = model->references->pdata[r];

          if (strcmp (gr->group_id, group->id) != 0)
            break;
          if (!g_hash_table_contains (model->vpcs, gr->referencing_vpc))
            g_ptr_array_add (finding->outside, (gpointer) gr);
        }
      if (finding->failed)
        analysis->failed++;
      else
        analysis->passed++;
      analysis->attached += finding->enis->len;
      analysis->references += finding->references->len;
      analysis->outside += finding->outside->len;
      g_ptr_array_add (analysis->findings, finding);
    }
  find_missing_enis (analysis);
  find_missing_default_groups (analysis, model, scope);
  find_not_collected (analysis, model, scope);
  g_ptr_array_sort (analysis->gaps, gap_compare);
  return analysis;
}

const char *
analysis_result_name (const Analysis *analysis)
{
  return analysis->failed > 0 ? "not-compliant" : analysis->gaps->len > 0 ? "incomplete" : "compliant";
}

const char *
rule_direction_name (const Rule *rule)
{
  return rule->direction == RULE_EGRESS ? "outbound" : "inbound";
}

const char *
rule_peer_kind_name (const Rule *rule)
{
  static const char *const names[] = { "cidr4", "cidr6", "prefix-list", "group" };

  return names[rule->peer_kind];
}

gboolean
scope_is_set (const Scope *scope)
{
  return scope != NULL
         && (scope->accounts != NULL || scope->regions != NULL || scope->vpcs != NULL
             || scope->groups != NULL);
}

const char *
scope_default_region (const Scope *scope)
{
  return scope->regions != NULL && scope->regions[0] != NULL && scope->regions[1] == NULL
           ? scope->regions[0]
           : NULL;
}

static gboolean
in_list (char **list, const char *value)
{
  return list == NULL || (value != NULL && g_strv_contains ((const char *const *) list, value));
}

gboolean
scope_contains (const Scope *scope, const char *account, const char *region, const char *vpc_id,
                const char *group_id)
{
  return scope == NULL
         || (in_list (scope->accounts, account) && in_list (scope->regions, region)
             && in_list (scope->vpcs, vpc_id) && (group_id == NULL || in_list (scope->groups, group_id)));
}

static gboolean
looks_like_id (const char *value, const char *prefix)
{
  const char *hex = value + strlen (prefix);

  return g_str_has_prefix (value, prefix) && strlen (hex) >= 8 && strlen (hex) <= 32
         && strspn (hex, "0123456789abcdef") == strlen (hex);
}

static int
compare_strv (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
sort_unique (char **list)
{
  guint n, out = 0;

  if (list == NULL)
    return;
  n = g_strv_length (list);
  sgplan_qsort (list, n, sizeof (char *), compare_strv);
  for (guint i = 0; i < n; i++)
    if (out > 0 && strcmp (list[out - 1], list[i]) == 0)
      g_free (list[i]);
    else
      list[out++] = list[i];
  list[out] = NULL;
}

gboolean
scope_check (Scope *scope, GError **error)
{
  static const struct {
    const char *option, *what;
  } names[] = { { "--account", "an AWS account ID (12 digits)" },
                { "--region", "an AWS region such as us-east-1" },
                { "--vpc", "a VPC ID (vpc-...)" },
                { "--group", "a security group ID (sg-...)" } };
  char **const lists[] = { scope->accounts, scope->regions, scope->vpcs, scope->groups };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
      {
        const char *v = lists[l][i];
        gsize len = 0;
        gboolean ok = l == 0   ? strlen (v) == 12 && strspn (v, "0123456789") == 12
                      : l == 1 ? sgplan_region_prefix (v, &len) && len == strlen (v)
                      : l == 2 ? looks_like_id (v, "vpc-")
                               : looks_like_id (v, "sg-");

        if (!ok)
          {
            g_autofree char *shown = sgplan_cut (v, SGPLAN_QUOTE_MAX);

            g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE, "%s '%s' is not %s",
                         names[l].option, shown, names[l].what);
            return FALSE;
          }
      }
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    sort_unique (lists[l]);
  return TRUE;
}

char *
scope_describe (const Scope *scope)
{
  static const char *const words[] = { "account", "region", "VPC", "group" };
  char **const lists[] = { scope->accounts, scope->regions, scope->vpcs, scope->groups };
  GString *s = g_string_new (NULL);

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      guint n = lists[l] != NULL ? g_strv_length (lists[l]) : 0;

      if (n == 0)
        continue;
      g_string_append_printf (s, "%s%s ", s->len > 0 ? ", " : "", words[l]);
      for (guint i = 0; i < n; i++)
        g_string_append_printf (s, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", lists[l][i]);
    }
  return g_string_free (s, FALSE);
}

cJSON *
scope_json (const Scope *scope)
{
  static const char *const keys[] = { "accounts", "regions", "vpcs", "groups" };
  char **const lists[] = { scope->accounts, scope->regions, scope->vpcs, scope->groups };
  cJSON *obj = cJSON_CreateObject ();

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    if (lists[l] != NULL)
      {
        cJSON *array = cJSON_AddArrayToObject (obj, keys[l]);

        for (guint i = 0; lists[l][i] != NULL; i++)
          cJSON_AddItemToArray (array, cJSON_CreateString (lists[l][i]));
      }
  return obj;
}

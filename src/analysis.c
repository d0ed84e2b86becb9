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
  g_free (analysis);
}

Analysis *
analysis_run (const Model *model)
{
  Analysis *analysis = g_new0 (Analysis, 1);

  analysis->findings = g_ptr_array_new_with_free_func (finding_free);
  for (guint i = 0; i < model->group_list->len; i++)
    {
      const Group *group = model->group_list->pdata[i];
      GPtrArray *refs;
      Finding *finding;

      if (!group_is_default (group))
        continue;
      finding = g_new0 (Finding, 1);
      finding->group = group;
      finding->failed = group->n_rules > 0;
      finding->enis = model_enis_of_group (model, group->id);
      finding->references = g_ptr_array_new_with_free_func (g_free);
      finding->outside = g_ptr_array_new ();

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
      for (guint r = 0; r < model->references->len; r++)
        {
          const GroupReference *gr = model->references->pdata[r];

          if (strcmp (gr->group_id, group->id) == 0
              && !g_hash_table_contains (model->vpcs, gr->referencing_vpc))
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
  return analysis;
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

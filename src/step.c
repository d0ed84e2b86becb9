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
};

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
    default: return ACTION_MODIFY_ENI_GROUPS;
    }
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
  inverse->groups_before = g_memdup2 (step->groups_after, sizeof (char *) * step->n_after);
  inverse->n_before = step->n_after;
  inverse->groups_after = g_memdup2 (step->groups_before, sizeof (char *) * step->n_before);
  inverse->n_after = step->n_before;
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
      || !strv_equal (a->groups_after, a->n_after, b->groups_after, b->n_after))
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
  g_free (step);
}

/* planner.c - decisions and ordered steps for EC2.2 remediation.
 *
 * For each FAILED default group D, in group ID order:
 *  - revoke: nothing attached, nothing references it: revoke its rules;
 *  - migrate: create a replacement N with D's rules (self-references
 *    rewritten to N), add N to every ENI carrying D, copy every rule that
 *    references D to reference N, then remove D from the ENIs, revoke the old
 *    references and finally D's rules.  While both groups are on an ENI and
 *    both references exist, nothing loses a permission;
 *  - blocked: cannot be done safely from this export (an ENI only its
 *    service may change; a reference from a VPC that is not exported);
 *  - excepted by the user; compliant groups get no steps.
 * Each step is applied to a working copy of the state as it is planned, so
 * later groups are planned against what earlier steps leave, and a step
 * that would not apply is a bug caught here rather than in an account. */
#include "config.h"

#include "planner.h"
#include "plan-services.h"
#include "util.h"

#include <string.h>

static const char *const decision_names[DECISION_COUNT] = {
  [DECISION_COMPLIANT] = "compliant", [DECISION_REVOKE] = "revoke",
  [DECISION_MIGRATE] = "migrate",     [DECISION_BLOCKED] = "blocked",
  [DECISION_EXCEPTED] = "excepted",
};

PlanOutcome
plan_outcome (const guint counts[DECISION_COUNT])
{
  if (counts[DECISION_BLOCKED] > 0)
    return PLAN_BLOCKED;
  return counts[DECISION_REVOKE] + counts[DECISION_MIGRATE] > 0 ? PLAN_CHANGES : PLAN_NOTHING_TO_DO;
}

const char *
plan_outcome_name (PlanOutcome outcome)
{
  static const char *const names[] = { "nothing-to-do", "changes", "blocked" };

  return names[outcome];
}

const char *
decision_name (Decision decision)
{
  return decision < DECISION_COUNT ? decision_names[decision] : "unknown";
}

Decision
decision_from_name (const char *name)
{
  for (int d = 0; d < DECISION_COUNT; d++)
    if (strcmp (name, decision_names[d]) == 0)
      return (Decision) d;
  return DECISION_COUNT;
}

static void
group_plan_free (gpointer data)
{
  GroupPlan *gp = data;

  g_ptr_array_unref (gp->warnings);
  g_clear_pointer (&gp->blockers, g_ptr_array_unref);
  g_free (gp);
}

Plan *
plan_new (void)
{
  Plan *plan = g_new0 (Plan, 1);

  plan->strings = g_string_chunk_new (4096);
  plan->groups = g_ptr_array_new_with_free_func (group_plan_free);
  plan->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  plan->warnings = g_ptr_array_new ();
  return plan;
}

void
plan_free (Plan *plan)
{
  if (plan == NULL)
    return;
  g_ptr_array_unref (plan->groups);
  g_ptr_array_unref (plan->steps);
  g_ptr_array_unref (plan->warnings);
  g_string_chunk_free (plan->strings);
  g_free (plan);
}

const char *
plan_str (Plan *plan, const char *s)
{
  return s == NULL ? NULL : g_string_chunk_insert_const (plan->strings, s);
}

static void G_GNUC_PRINTF (3, 4)
warn (Plan *plan, GPtrArray *to, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (to, (gpointer) plan_str (plan, text));
}

const char *
plan_group_name_problem (const char *name)
{
  /* AWS, CreateSecurityGroup: up to 255 characters; in a VPC a-z, A-Z, 0-9,
   * spaces and ._-:/()#,@[]+=&;{}!$*; cannot start with sg-. */
  static const char allowed[] = " ._-:/()#,@[]+=&;{}!$*";
  gsize len = strlen (name);

  if (len == 0)
    return "it is empty";
  if (len > 255)
    return "it is longer than 255 characters";
  if (g_ascii_strncasecmp (name, "sg-", 3) == 0)
    return "it starts with 'sg-'";
  if (g_ascii_strcasecmp (name, "default") == 0)
    return "it is 'default'";
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (allowed, *p) == NULL)
      return "it has a character other than a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*";
  return NULL;
}

gboolean
plan_check_replacement_name (const char *template, GError **error)
{
  static const char *const known[] = { "{vpc_id}", "{group_id}", "{account}", "{region}" };
  const char *p = template;

  while ((p = strchr (p, '{')) != NULL)
    {
      gboolean ok = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (known); i++)
        ok |= strncmp (p, known[i], strlen (known[i])) == 0;
      if (!ok)
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                       "--replacement-name '%s': unknown placeholder at '%s' (known: {vpc_id}, "
                       "{group_id}, {account}, {region})", template, p);
          return FALSE;
        }
      p++;
    }
  {
    /* the longest values AWS gives today; the planner checks each real name
     * again, since a template can still make an invalid name only for some
     * groups (by length) */
    g_autoptr (GString) sample = g_string_new (template);
    const char *problem;

    g_string_replace (sample, "{vpc_id}", "vpc-0123456789abcdef0", 0);
    g_string_replace (sample, "{group_id}", "sg-0123456789abcdef0", 0);
    g_string_replace (sample, "{account}", "123456789012", 0);
    g_string_replace (sample, "{region}", "ap-southeast-1", 0);
    problem = plan_group_name_problem (sample->str);
    if (problem != NULL)
      {
        g_autofree char *shown = sgplan_cut (template, SGPLAN_QUOTE_MAX);

        g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                     "--replacement-name '%s' does not make a valid security group name: %s",
                     shown, problem);
        return FALSE;
      }
  }
  return TRUE;
}

static char *
expand_template (const char *template, const Group *group)
{
  GString *s = g_string_new (template);

  g_string_replace (s, "{vpc_id}", group->vpc_id, 0);
  g_string_replace (s, "{group_id}", group->id, 0);
  g_string_replace (s, "{account}", group->owner_id, 0);
  g_string_replace (s, "{region}", group->region, 0);
  return g_string_free (s, FALSE);
}

/* An exception names a group, its VPC or its account. */
static gboolean
exception_matches (const Exception *e, const Group *group)
{
  return strcmp (e->id, group->id) == 0 || g_strcmp0 (e->id, group->vpc_id) == 0
         || strcmp (e->id, group->owner_id) == 0;
}

static const Exception *
find_exception (const PlanOptions *options, const Group *group)
{
  for (guint i = 0; options->exceptions != NULL && i < options->exceptions->len; i++)
    if (exception_matches (options->exceptions->pdata[i], group))
      return options->exceptions->pdata[i];
  return NULL;
}

typedef struct {
  const Model *model;
  const PlanOptions *options;
  Plan *plan;
  State *state;
  GroupPlan *gp;
  GError **error;
  /* the default group being planned: */
  GPtrArray *moves;     /* (element-type ServiceMove) its service resources */
  GHashTable *covered;  /* (element-type utf8) the ENIs those moves account for */
} Planner;

static Step *
new_step (Planner *p, StepAction action, const char *purpose)
{
  Step *step = g_new0 (Step, 1);
  const Group *d = p->gp->finding->group;

  step->action = action;
  step->account = d->owner_id;
  step->region = d->region;
  step->purpose = plan_str (p->plan, purpose);
  return step;
}

/* Apply STEP to the working state and append it to the plan. */
static gboolean
add_step (Planner *p, Step *step)
{
  g_autoptr (GError) local = NULL;

  if (!state_apply (p->state, step, &local))
    {
      g_set_error (p->error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                   "internal error: step %u (%s) for '%s' does not apply: %s",
                   p->plan->steps->len + 1, step_action_name (step->action),
                   p->gp->finding->group->id, local->message);
      step_free (step);
      return FALSE;
    }
  g_ptr_array_add (p->plan->steps, step);
  p->gp->n_steps++;
  return TRUE;
}

static gboolean
add_rules_step (Planner *p, StepAction action, const char *group_id, const char *account,
                const char *region, GArray *rules, const char *purpose)
{
  Step *step;

  if (rules->len == 0)
    return TRUE;
  step = new_step (p, action, purpose);
  /* the group may be one the working state made (a replacement): copy */
  step->group_id = plan_str (p->plan, group_id);
  step->account = plan_str (p->plan, account);
  step->region = plan_str (p->plan, region);
  step->n_rules = rules->len;
  step->rules = g_memdup2 (rules->data, sizeof (Rule) * rules->len);
  return add_step (p, step);
}

/* D's rules in one direction, from the working state. */
static GArray *
rules_of (const StateGroup *group, RuleDirection direction)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (Rule));

  for (guint i = 0; i < group->rules->len; i++)
    {
      const Rule *r = &g_array_index (group->rules, Rule, i);

      if (r->direction == direction)
        g_array_append_val (out, *r);
    }
  return out;
}

/* The egress rule AWS gives every new VPC security group: all traffic to
 * 0.0.0.0/0, without a description. */
static gboolean
is_allow_all_egress (const Rule *r)
{
  return r->direction == RULE_EGRESS && strcmp (r->protocol, "-1") == 0
         && r->peer_kind == PEER_CIDR4 && strcmp (r->peer, "0.0.0.0/0") == 0;
}

static gboolean
plan_revoke_all (Planner *p, const StateGroup *d, const char *why)
{
  g_autoptr (GArray) in = rules_of (d, RULE_INGRESS);
  g_autoptr (GArray) out = rules_of (d, RULE_EGRESS);
  g_autofree char *in_purpose = g_strdup_printf ("revoke every inbound rule of %s %s", d->id, why);
  g_autofree char *out_purpose = g_strdup_printf ("revoke every outbound rule of %s %s", d->id, why);

  return add_rules_step (p, ACTION_REVOKE_INGRESS, d->id, d->owner_id, d->region, in, in_purpose)
         && add_rules_step (p, ACTION_REVOKE_EGRESS, d->id, d->owner_id, d->region, out, out_purpose);
}

static const char *
unique_name (Planner *p, const Group *d)
{
  g_autofree char *base = expand_template (p->options->replacement_name, d);
  g_autofree char *name = g_strdup (base);

  for (guint n = 2; state_name_taken (p->state, d->vpc_id, name); n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u", base, n);
    }
  return plan_str (p->plan, name);
}

static gboolean
revoke_automatic_egress (Planner *p, const StateGroup *d, const char *n_id, const char *purpose)
{
  g_autoptr (GArray) auto_rule = g_array_new (FALSE, FALSE, sizeof (Rule));
  Rule r = { .direction = RULE_EGRESS, .peer_kind = PEER_CIDR4,
             .from_port = SGPLAN_PORT_NONE, .to_port = SGPLAN_PORT_NONE };

  r.protocol = plan_str (p->plan, "-1");
  r.peer = plan_str (p->plan, "0.0.0.0/0");
  g_array_append_val (auto_rule, r);
  return add_rules_step (p, ACTION_REVOKE_EGRESS, n_id, d->owner_id, d->region, auto_rule, purpose);
}

/* Copy D's rules to N exactly: self-references become N.  N starts with
 * AWS's automatic allow-all egress rule: when D has that very rule it stays;
 * when D has it with a description, it is revoked first and D's, with the
 * description, authorized in its place (N carries nothing yet, so nothing
 * notices); when D has no such rule it is revoked once N has D's rules. */
static gboolean
plan_copy_rules (Planner *p, const StateGroup *d, const char *n_id)
{
  g_autoptr (GArray) in = rules_of (d, RULE_INGRESS);
  g_autoptr (GArray) out = rules_of (d, RULE_EGRESS);
  enum { AUTO_REVOKE, AUTO_KEEP, AUTO_REPLACE } automatic = AUTO_REVOKE;
  g_autofree char *in_purpose = g_strdup_printf ("give the replacement the inbound rules of %s", d->id);
  g_autofree char *out_purpose = g_strdup_printf ("give the replacement the outbound rules of %s", d->id);
  GArray *lists[] = { in, out };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        Rule *r = &g_array_index (lists[l], Rule, i);

        r->rule_id = NULL;
        if (r->peer_kind == PEER_GROUP && strcmp (r->peer, d->id) == 0)
          r->peer = n_id;
        if (is_allow_all_egress (r) && r->description == NULL)
          {
            automatic = AUTO_KEEP;
            g_array_remove_index (lists[l], i--);
          }
        else if (is_allow_all_egress (r))
          automatic = AUTO_REPLACE;
      }
  if (automatic == AUTO_REPLACE)
    {
      g_autofree char *purpose = g_strdup_printf (
        "revoke the allow-all outbound rule AWS gives every new group: %s has it with a "
        "description, authorized next", d->id);

      if (!revoke_automatic_egress (p, d, n_id, purpose))
        return FALSE;
    }
  if (!add_rules_step (p, ACTION_AUTHORIZE_INGRESS, n_id, d->owner_id, d->region, in, in_purpose)
      || !add_rules_step (p, ACTION_AUTHORIZE_EGRESS, n_id, d->owner_id, d->region, out, out_purpose))
    return FALSE;
  if (automatic == AUTO_REVOKE)
    {
      g_autofree char *purpose = g_strdup_printf (
        "revoke the allow-all outbound rule AWS gives every new group: %s does not have it", d->id);

      return revoke_automatic_egress (p, d, n_id, purpose);
    }
  return TRUE;
}

static gboolean
modify_eni (Planner *p, const char *eni_id, const char *account, const char *region,
            const char *const *before, guint n_before, GPtrArray *after, const char *purpose)
{
  Step *step = new_step (p, ACTION_MODIFY_ENI_GROUPS, purpose);

  step->eni_id = eni_id;
  step->account = account;
  step->region = region;
  /* the plan outlives the working state: keep its own copies of the IDs */
  step->groups_before = g_new0 (const char *, n_before + 1);
  for (guint i = 0; i < n_before; i++)
    step->groups_before[i] = plan_str (p->plan, before[i]);
  step->n_before = n_before;
  step->groups_after = g_new0 (const char *, after->len + 1);
  for (guint i = 0; i < after->len; i++)
    step->groups_after[i] = plan_str (p->plan, after->pdata[i]);
  step->n_after = after->len;
  return add_step (p, step);
}

/* A service resource's groups from NOW to AFTER (its ENIs follow). */
static gboolean
modify_resource (Planner *p, const ServiceMove *m, const char *const *now, guint n, GPtrArray *after,
                 const char *purpose)
{
  Step *step = new_step (p, ACTION_MODIFY_RESOURCE_GROUPS, purpose);

  step->account = m->account;
  step->region = m->region;
  step->service = m->service;
  step->resource_id = m->id;
  step->resource_name = m->name;
  step->resource_enis = g_new0 (const char *, m->enis->len + 1);
  for (guint i = 0; i < m->enis->len; i++)
    step->resource_enis[i] = plan_str (p->plan, m->enis->pdata[i]);
  step->n_resource_enis = m->enis->len;
  if (m->subnets != NULL)
    {
      step->subnets = g_new0 (const char *, m->subnets->len + 1);
      for (guint i = 0; i < m->subnets->len; i++)
        step->subnets[i] = plan_str (p->plan, m->subnets->pdata[i]);
      step->n_subnets = m->subnets->len;
      step->ipv6_dual_stack = m->ipv6_dual_stack;
    }
  step->groups_before = g_new0 (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    step->groups_before[i] = plan_str (p->plan, now[i]);
  step->n_before = n;
  step->groups_after = g_new0 (const char *, after->len + 1);
  for (guint i = 0; i < after->len; i++)
    step->groups_after[i] = plan_str (p->plan, after->pdata[i]);
  step->n_after = after->len;
  return add_step (p, step);
}

/* The current groups of M: as a step left them, else as exported. */
static const char *const *
resource_groups (Planner *p, const ServiceMove *m, guint *n)
{
  const char *const *now = state_resource_groups (p->state, m->service, m->account, m->region, m->id, n);

  if (now != NULL)
    return now;
  *n = m->groups->len;
  return (const char *const *) m->groups->pdata;
}

/* Like plan_add_to_enis, for the service resources: N added to each with
 * room for it (not SWAPS), or swapped for D on those at their service's
 * limit (SWAPS), which are remembered in SWAPPED by their ID. */
static gboolean
plan_add_to_resources (Planner *p, const char *d_id, const char *n_id, gboolean swaps, GHashTable *swapped)
{
  for (guint i = 0; i < p->moves->len; i++)
    {
      const ServiceMove *m = p->moves->pdata[i];
      guint n;
      const char *const *now = resource_groups (p, m, &n);
      g_autoptr (GPtrArray) after = g_ptr_array_new ();
      g_autofree char *purpose = NULL;
      gboolean swap;

      if (!swaps && n >= step_service_max_groups (m->service))
        g_hash_table_add (swapped, (gpointer) m->id);
      swap = g_hash_table_contains (swapped, m->id);
      if (swap != swaps)
        continue;
      for (guint g = 0; g < n; g++)
        g_ptr_array_add (after, (gpointer) (swap && strcmp (now[g], d_id) == 0 ? n_id : now[g]));
      if (swap)
        {
          warn (p->plan, p->gp->warnings,
                "%s already has %u security groups (its service allows %u): %s is swapped for the replacement "
                "in one call instead of adding the replacement first",
                m->label, n, step_service_max_groups (m->service), d_id);
          purpose = g_strdup_printf ("swap %s for the replacement on %s in one call (its service's limit)", d_id,
                                     m->label);
        }
      else
        {
          g_ptr_array_add (after, (gpointer) n_id);
          purpose = g_strdup_printf ("add the replacement next to %s on %s", d_id, m->label);
        }
      if (!modify_resource (p, m, now, n, after, purpose))
        return FALSE;
    }
  return TRUE;
}

static gboolean
plan_remove_from_resources (Planner *p, const char *d_id, GHashTable *swapped)
{
  for (guint i = 0; i < p->moves->len; i++)
    {
      const ServiceMove *m = p->moves->pdata[i];
      guint n;
      const char *const *now;
      g_autoptr (GPtrArray) after = g_ptr_array_new ();
      g_autofree char *purpose = g_strdup_printf ("remove %s from %s (the replacement now covers it)", d_id, m->label);

      if (g_hash_table_contains (swapped, m->id))
        continue;
      now = resource_groups (p, m, &n);
      for (guint g = 0; g < n; g++)
        if (strcmp (now[g], d_id) != 0)
          g_ptr_array_add (after, (gpointer) now[g]);
      if (!modify_resource (p, m, now, n, after, purpose))
        return FALSE;
    }
  return TRUE;
}

/* Step 3 (add N) for each ENI with room for it; or, with SWAPS, swap D for
 * N on each ENI at the groups-per-ENI quota, filling SWAPPED.  The swaps come
 * after every other ENI carries N and every reference to D has its twin
 * referencing N: a swapped ENI leaves D at once, and only then do the rules
 * that allow D (D's own, and others' references) still reach it through N. */
static gboolean
plan_add_to_enis (Planner *p, const Finding *f, const char *n_id, gboolean swaps, GHashTable *swapped)
{
  const Group *d = f->group;

  for (guint i = 0; i < f->enis->len; i++)
    {
      const Eni *eni = f->enis->pdata[i];
      guint n;
      const char *const *now = state_eni_groups (p->state, eni->id, &n);
      g_autoptr (GPtrArray) after = g_ptr_array_new ();
      gboolean swap;
      g_autofree char *purpose = NULL;

      if (g_hash_table_contains (p->covered, eni->id))
        continue; /* its service moves it (plan_add_to_resources) */
      /* decided on the first pass, before N is on any ENI */
      if (!swaps && n >= p->options->max_groups_per_eni)
        g_hash_table_add (swapped, (gpointer) eni->id);
      swap = g_hash_table_contains (swapped, eni->id);
      if (swap != swaps)
        continue;
      for (guint g = 0; g < n; g++)
        g_ptr_array_add (after, (gpointer) (swap && strcmp (now[g], d->id) == 0 ? n_id : now[g]));
      if (swap)
        {
          warn (p->plan, p->gp->warnings,
                "%s already has %u security groups (the quota is %u): %s is swapped for the "
                "replacement in one call instead of adding the replacement first",
                eni->id, n, p->options->max_groups_per_eni, d->id);
          purpose = g_strdup_printf ("swap %s for the replacement in one call (groups-per-ENI quota)", d->id);
        }
      else
        {
          g_ptr_array_add (after, (gpointer) n_id);
          purpose = g_strdup_printf ("add the replacement next to %s", d->id);
        }
      if (!modify_eni (p, eni->id, eni->common->owner_id, eni->common->region, now, n, after, purpose))
        return FALSE;
    }
  return TRUE;
}

static gboolean
plan_remove_from_enis (Planner *p, const Finding *f, GHashTable *swapped)
{
  const Group *d = f->group;

  for (guint i = 0; i < f->enis->len; i++)
    {
      const Eni *eni = f->enis->pdata[i];
      guint n;
      const char *const *now;
      g_autoptr (GPtrArray) after = g_ptr_array_new ();
      g_autofree char *purpose = g_strdup_printf ("remove %s (the replacement now covers it)", d->id);

      if (g_hash_table_contains (swapped, eni->id) || g_hash_table_contains (p->covered, eni->id))
        continue;
      now = state_eni_groups (p->state, eni->id, &n);
      for (guint g = 0; g < n; g++)
        if (strcmp (now[g], d->id) != 0)
          g_ptr_array_add (after, (gpointer) now[g]);
      if (!modify_eni (p, eni->id, eni->common->owner_id, eni->common->region, now, n, after, purpose))
        return FALSE;
    }
  return TRUE;
}

/* The rules referencing D, grouped by (group, direction), in order. */
typedef struct {
  const StateGroup *group;
  RuleDirection direction;
  GArray *old_rules;
  GArray *new_rules;
} RefBatch;

static void
ref_batch_free (gpointer data)
{
  RefBatch *b = data;

  g_array_unref (b->old_rules);
  g_array_unref (b->new_rules);
  g_free (b);
}

static GPtrArray *
reference_batches (Planner *p, const char *d_id, const char *n_id)
{
  g_autoptr (GPtrArray) refs = state_references (p->state, d_id);
  GPtrArray *batches = g_ptr_array_new_with_free_func (ref_batch_free);
  RefBatch *current = NULL;

  for (guint i = 0; i < refs->len; i++)
    {
      const StateRef *ref = refs->pdata[i];
      Rule copy = *ref->rule;

      /* a replacement made earlier in this plan is included: it may have
       * copied a rule referencing D from another default group */
      if (strcmp (ref->group->id, n_id) == 0)
        continue;
      if (current == NULL || current->group != ref->group || current->direction != ref->rule->direction)
        {
          current = g_new0 (RefBatch, 1);
          current->group = ref->group;
          current->direction = ref->rule->direction;
          current->old_rules = g_array_new (FALSE, FALSE, sizeof (Rule));
          current->new_rules = g_array_new (FALSE, FALSE, sizeof (Rule));
          g_ptr_array_add (batches, current);
        }
      g_array_append_val (current->old_rules, *ref->rule);
      copy.peer = n_id;
      copy.rule_id = NULL;
      g_array_append_val (current->new_rules, copy);
    }
  return batches;
}

static guint
count_direction (const StateGroup *g, RuleDirection direction)
{
  guint n = 0;

  for (guint i = 0; i < g->rules->len; i++)
    n += g_array_index (g->rules, Rule, i).direction == direction;
  return n;
}

static gboolean
plan_migrate (Planner *p, const StateGroup *d)
{
  const Finding *f = p->gp->finding;
  const Group *dg = f->group;
  g_autoptr (GHashTable) swapped = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) batches = NULL;
  g_autofree char *id = g_strconcat (STEP_NEW_GROUP_PREFIX, d->id, NULL);
  g_autofree char *description = g_strdup_printf (
    "Replaces default security group %s (Security Hub EC2.2); created by sgplan", d->id);
  g_autofree char *create_purpose = g_strdup_printf (
    "create the replacement for %s in %s", d->id, d->vpc_id);
  Step *create;
  Tag *tag;

  p->gp->replacement_id = plan_str (p->plan, id);
  p->gp->replacement_name = unique_name (p, dg);
  p->gp->replacement_description = plan_str (p->plan, description);

  /* 1. create N */
  create = new_step (p, ACTION_CREATE_GROUP, create_purpose);
  create->group_id = p->gp->replacement_id;
  create->vpc_id = d->vpc_id;
  create->group_name = p->gp->replacement_name;
  create->description = p->gp->replacement_description;
  tag = g_new0 (Tag, 1);
  tag->key = plan_str (p->plan, "sgplan:replaces");
  tag->value = d->id;
  create->tags = tag;
  create->n_tags = 1;
  if (!add_step (p, create))
    return FALSE;

  /* 2. N gets D's rules */
  for (int dir = RULE_INGRESS; dir <= RULE_EGRESS; dir++)
    if (count_direction (d, dir) > p->options->max_rules_per_group)
      warn (p->plan, p->gp->warnings,
            "%s has %u %s rules, more than the quota of %u: creating the replacement needs the "
            "same raised quota", d->id, count_direction (d, dir),
            dir == RULE_EGRESS ? "outbound" : "inbound", p->options->max_rules_per_group);
  if (!plan_copy_rules (p, d, p->gp->replacement_id))
    return FALSE;

  /* 3. N on every ENI that carries D and has room for it, and on every
   * service resource (whose ENIs follow, when the service gets to it) */
  if (!plan_add_to_enis (p, f, p->gp->replacement_id, FALSE, swapped)
      || !plan_add_to_resources (p, d->id, p->gp->replacement_id, FALSE, swapped))
    return FALSE;

  /* 4. every rule referencing D gets a twin referencing N */
  batches = reference_batches (p, d->id, p->gp->replacement_id);
  for (guint i = 0; i < batches->len; i++)
    {
      RefBatch *b = batches->pdata[i];
      guint have = count_direction (b->group, b->direction);
      g_autofree char *purpose = g_strdup_printf (
        "let the %s rules of %s that reference %s also reference the replacement",
        b->direction == RULE_EGRESS ? "outbound" : "inbound", b->group->id, d->id);

      if (have + b->new_rules->len > p->options->max_rules_per_group)
        warn (p->plan, p->gp->warnings,
              "%s has %u %s rules; with %u more referencing the replacement it exceeds the quota "
              "of %u until the old ones are revoked",
              b->group->id, have, b->direction == RULE_EGRESS ? "outbound" : "inbound",
              b->new_rules->len, p->options->max_rules_per_group);
      if (!add_rules_step (p, b->direction == RULE_EGRESS ? ACTION_AUTHORIZE_EGRESS : ACTION_AUTHORIZE_INGRESS,
                           b->group->id, b->group->owner_id, b->group->region, b->new_rules, purpose))
        return FALSE;
    }

  /* 3b. N for D in one call on the ENIs at the quota; 5. D off every other ENI */
  if (!plan_add_to_enis (p, f, p->gp->replacement_id, TRUE, swapped)
      || !plan_add_to_resources (p, d->id, p->gp->replacement_id, TRUE, swapped))
    return FALSE;
  if (!plan_remove_from_enis (p, f, swapped) || !plan_remove_from_resources (p, d->id, swapped))
    return FALSE;

  /* 6. the old references go */
  for (guint i = 0; i < batches->len; i++)
    {
      RefBatch *b = batches->pdata[i];
      g_autofree char *purpose = g_strdup_printf (
        "revoke the %s rules of %s that reference %s", b->direction == RULE_EGRESS ? "outbound" : "inbound",
        b->group->id, d->id);

      if (!add_rules_step (p, b->direction == RULE_EGRESS ? ACTION_REVOKE_EGRESS : ACTION_REVOKE_INGRESS,
                           b->group->id, b->group->owner_id, b->group->region, b->old_rules, purpose))
        return FALSE;
    }

  /* 7. D allows nothing */
  return plan_revoke_all (p, d, "(EC2.2)");
}

/* Why D cannot be changed safely from this export: fills the group's
 * blockers, one per thing that holds it back; FALSE when nothing does. */
static gboolean
blocked_reason (Planner *p, const Finding *f)
{
  GPtrArray *blockers = p->gp->blockers;
  g_autofree char *summary = NULL;

  for (guint i = 0; i < f->outside->len; i++)
    {
      const GroupReference *gr = f->outside->pdata[i];
      Blocker *b = g_new0 (Blocker, 1);
      g_autofree char *subject = g_strdup_printf ("VPC %s", gr->referencing_vpc);
      g_autofree char *reason = g_strdup_printf (
        "it references %s through %s but is not in the export", f->group->id,
        gr->peering_id != NULL ? gr->peering_id : gr->transit_gateway_id != NULL ? gr->transit_gateway_id : "a connection");

      b->subject = plan_str (p->plan, subject);
      b->reason = plan_str (p->plan, reason);
      b->unblock = plan_str (p->plan, "export the security groups of the account that owns the VPC, add them "
                                      "to the export and plan again");
      g_ptr_array_add (blockers, b);
    }
  if (blockers->len == 0)
    return FALSE;
  summary = g_strdup_printf ("%u thing%s that use%s it cannot be moved off it by this plan",
                             blockers->len, blockers->len == 1 ? "" : "s", blockers->len == 1 ? "s" : "");
  p->gp->reason = plan_str (p->plan, summary);
  {
    g_autofree char *unblock = g_strdup_printf ("unblock each of them as said, or --except %s to leave the group "
                                                "as it is", f->group->id);
    p->gp->unblock = plan_str (p->plan, unblock);
  }
  return TRUE;
}

static gboolean
exception_expired (const Exception *e, const char *date)
{
  return e->expires != NULL && date != NULL && strcmp (e->expires, date) < 0;
}

static gboolean
plan_group (Planner *p)
{
  const Finding *f = p->gp->finding;
  const StateGroup *d = state_group (p->state, f->group->id);
  const Exception *e;

  p->gp->first_step = p->plan->steps->len;
  if (d->rules->len == 0)
    {
      p->gp->decision = DECISION_COMPLIANT;
      return TRUE;
    }
  e = find_exception (p->options, f->group);
  if (e != NULL)
    {
      p->gp->decision = DECISION_EXCEPTED;
      p->gp->exception = e;
      p->gp->reason = e->reason;
      return TRUE;
    }
  g_ptr_array_set_size (p->moves, 0);
  g_hash_table_remove_all (p->covered);
  plan_services (p->plan, p->model, f, p->moves, p->gp->blockers, p->covered);
  if (blocked_reason (p, f))
    {
      p->gp->decision = DECISION_BLOCKED;
      return TRUE;
    }
  if (f->enis->len == 0 && state_reference_count (p->state, d->id) == 0)
    {
      p->gp->decision = DECISION_REVOKE;
      return plan_revoke_all (p, d, "(EC2.2; nothing uses the group)");
    }
  {
    g_autofree char *name = expand_template (p->options->replacement_name, f->group);
    const char *problem = plan_group_name_problem (name);

    if (problem != NULL)
      {
        g_autofree char *reason = g_strdup_printf ("the replacement name '%s' is not a valid "
                                                   "security group name: %s", name, problem);
        p->gp->decision = DECISION_BLOCKED;
        p->gp->reason = plan_str (p->plan, reason);
        p->gp->unblock = plan_str (p->plan, "choose another --replacement-name");
        return TRUE;
      }
  }
  p->gp->decision = DECISION_MIGRATE;
  if (!f->references_known)
    warn (p->plan, p->gp->warnings,
          "the export has no describe-security-group-references for account %s in %s: rules in "
          "peered VPCs of other accounts that reference %s cannot be seen, and the access they "
          "give its network interfaces ends when these move to the replacement (export 'aws ec2 "
          "describe-security-group-references --group-id %s --region %s')",
          f->group->owner_id, f->group->region, f->group->id, f->group->id, f->group->region);
  return plan_migrate (p, d);
}

/* Exceptions that expired are dropped (with a warning); the rest apply. */
static PlanOptions
effective_options (Plan *plan, const PlanOptions *options, GPtrArray *live)
{
  PlanOptions eff = *options;

  for (guint i = 0; options->exceptions != NULL && i < options->exceptions->len; i++)
    {
      const Exception *e = options->exceptions->pdata[i];

      if (exception_expired (e, options->date))
        warn (plan, plan->warnings, "the exception for %s (%s) expired on %s and is ignored",
              e->id, e->source, e->expires);
      else
        g_ptr_array_add (live, (gpointer) e);
    }
  eff.exceptions = live;
  return eff;
}

/* A decision needs the whole of what uses a group: refuse to decide where
 * the export leaves that out (one error; `check` lists every gap). */
static gboolean
check_complete (const Analysis *analysis, const PlanOptions *options, GError **error)
{
  const Gap *first = NULL;
  guint more = 0;

  for (guint i = 0; i < analysis->gaps->len; i++)
    {
      const Gap *gap = analysis->gaps->pdata[i];

      if (gap->kind == GAP_NO_ENIS)
        {
          /* only the FAILED groups that no exception leaves alone need deciding */
          gboolean needed = FALSE;

          for (guint f = 0; f < analysis->findings->len && !needed; f++)
            {
              const Finding *finding = analysis->findings->pdata[f];

              needed = finding->failed && !finding->enis_known
                       && g_strcmp0 (finding->group->owner_id, gap->account) == 0
                       && g_strcmp0 (finding->group->region, gap->region) == 0
                       && find_exception (options, finding->group) == NULL;
            }
          if (!needed)
            continue;
        }
      if (first == NULL)
        first = gap;
      else
        more++;
    }
  if (first == NULL)
    return TRUE;
  {
    g_autofree char *what = gap_describe (first);
    g_autofree char *command = gap_command (first);
    g_autofree char *others = more == 0 ? g_strdup ("")
                                        : g_strdup_printf ("; and %u more gap%s ('sgplan check' lists them)",
                                                           more, more == 1 ? "" : "s");

    g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "incomplete export: %s; export it with: %s%s%s",
                 what, command,
                 first->kind == GAP_NO_ENIS ? " (or --except the groups to leave them as they are)" : "",
                 others);
  }
  return FALSE;
}

Plan *
plan_compute (const Model *model, const Analysis *analysis, const PlanOptions *options,
              GError **error)
{
  g_autoptr (Plan) plan = plan_new ();
  g_autoptr (State) state = state_new (model);
  g_autoptr (GPtrArray) live = g_ptr_array_new ();
  PlanOptions eff;
  g_autoptr (GPtrArray) moves = g_ptr_array_new_with_free_func (service_move_free);
  g_autoptr (GHashTable) covered = g_hash_table_new (g_str_hash, g_str_equal);
  Planner p = { model, NULL, NULL, state, NULL, error, moves, covered };

  if (!plan_check_replacement_name (options->replacement_name, error))
    return NULL;
  eff = effective_options (plan, options, live);
  if (!check_complete (analysis, &eff, error))
    return NULL;
  p.options = &eff;
  p.plan = plan;
  for (guint i = 0; i < analysis->findings->len; i++)
    {
      GroupPlan *gp = g_new0 (GroupPlan, 1);

      gp->finding = analysis->findings->pdata[i];
      gp->warnings = g_ptr_array_new ();
      gp->blockers = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (plan->groups, gp);
      p.gp = gp;
      if (!plan_group (&p))
        return NULL;
      plan->counts[gp->decision]++;
    }
  /* an exception that matches no default group is probably a typo */
  for (guint i = 0; i < live->len; i++)
    {
      const Exception *e = live->pdata[i];
      gboolean used = FALSE;

      for (guint g = 0; g < plan->groups->len && !used; g++)
        used = exception_matches (e, ((GroupPlan *) plan->groups->pdata[g])->finding->group);
      if (!used)
        warn (plan, plan->warnings, "the exception for %s (%s) matches no default group in the export",
              e->id, e->source);
    }
  return g_steal_pointer (&plan);
}

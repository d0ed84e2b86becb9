/* state.c - applying steps to a working copy of the exported state. */
#include "config.h"

#include "sort.h"
#include "state.h"
#include "util.h"

#include <string.h>

static void
state_group_free (gpointer data)
{
  StateGroup *group = data;

  g_array_unref (group->rules);
  g_array_unref (group->tags);
  g_free (group);
}

/* RULE of GROUP_ID adds DELTA to the count of rules referencing its peer,
 * and to GROUP_ID's count among the peer's referrers.  GROUP_ID is the
 * group's own ID string (model or state chunk), which outlives the entry. */
static void
count_reference (State *state, const char *group_id, const Rule *rule, int delta)
{
  GHashTable *from;
  guint now, mine;

  if (rule->peer_kind != PEER_GROUP || strcmp (rule->peer, group_id) == 0)
    return;
  now = GPOINTER_TO_UINT (g_hash_table_lookup (state->referenced, rule->peer));
  now = delta > 0 ? now + 1 : now > 0 ? now - 1 : 0;
  g_hash_table_insert (state->referenced, (gpointer) state_str (state, rule->peer), GUINT_TO_POINTER (now));
  from = g_hash_table_lookup (state->referrers, rule->peer);
  if (from == NULL)
    {
      if (delta < 0)
        return;
      from = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (state->referrers, (gpointer) state_str (state, rule->peer), from);
    }
  mine = GPOINTER_TO_UINT (g_hash_table_lookup (from, group_id));
  mine = delta > 0 ? mine + 1 : mine > 0 ? mine - 1 : 0;
  if (mine > 0)
    g_hash_table_insert (from, (gpointer) group_id, GUINT_TO_POINTER (mine));
  else
    g_hash_table_remove (from, group_id);
}

/* A group's name in its VPC, compared as AWS does: ASCII case-insensitively. */
typedef struct {
  const char *vpc_id; /* may be NULL */
  const char *name;
} StateName;

static guint
state_name_hash (gconstpointer data)
{
  const StateName *key = data;
  guint h = key->vpc_id != NULL ? g_str_hash (key->vpc_id) : 0x9e3779b9u;

  for (const char *p = key->name; *p != '\0'; p++)
    h = h * 33u + (guchar) g_ascii_tolower (*p);
  return h;
}

static gboolean
state_name_equal (gconstpointer a, gconstpointer b)
{
  const StateName *x = a, *y = b;

  return g_strcmp0 (x->vpc_id, y->vpc_id) == 0 && g_ascii_strcasecmp (x->name, y->name) == 0;
}

/* GROUP's name is now in its VPC (DELTA +1) or no longer (-1).  An export
 * may have two groups of one name (in another case): the index counts. */
static void
count_name (State *state, const StateGroup *group, int delta)
{
  StateName key = { group->vpc_id, group->name };
  gpointer value;
  guint now = 0;

  if (g_hash_table_lookup_extended (state->names, &key, NULL, &value))
    now = GPOINTER_TO_UINT (value);
  now = delta > 0 ? now + 1 : now > 0 ? now - 1 : 0;
  if (now > 0)
    /* for a key already there, the table keeps its own and frees this copy */
    g_hash_table_insert (state->names, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (now));
  else
    g_hash_table_remove (state->names, &key);
}

guint
state_reference_count (const State *state, const char *group_id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (state->referenced, group_id));
}

State *
state_new (const Model *model)
{
  State *state = g_new0 (State, 1);

  state->model = model;
  state->strings = g_string_chunk_new (4096);
  state->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, state_group_free);
  state->eni_groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) g_ptr_array_unref);
  state->carriers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) g_hash_table_unref);
  state->referenced = g_hash_table_new (g_str_hash, g_str_equal);
  state->referrers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) g_hash_table_unref);
  state->names = g_hash_table_new_full (state_name_hash, state_name_equal, g_free, NULL);
  state->resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < model->group_list->len; i++)
    {
      const Group *g = model->group_list->pdata[i];
      StateGroup *copy = g_new0 (StateGroup, 1);

      copy->id = g->id;
      copy->name = g->name;
      copy->description = g->description;
      copy->owner_id = g->owner_id;
      copy->vpc_id = g->vpc_id;
      copy->region = g->region;
      copy->rules = g_array_sized_new (FALSE, FALSE, sizeof (Rule), g->n_rules);
      g_array_append_vals (copy->rules, g->rules, g->n_rules);
      copy->tags = g_array_sized_new (FALSE, FALSE, sizeof (Tag), g->n_tags);
      g_array_append_vals (copy->tags, g->tags, g->n_tags);
      g_hash_table_insert (state->groups, (gpointer) copy->id, copy);
      count_name (state, copy, +1);
      for (guint r = 0; r < g->n_rules; r++)
        count_reference (state, g->id, &g->rules[r], +1);
    }
  return state;
}

void
state_free (State *state)
{
  if (state == NULL)
    return;
  g_hash_table_unref (state->groups);
  g_hash_table_unref (state->eni_groups);
  g_hash_table_unref (state->carriers);
  g_hash_table_unref (state->referenced);
  g_hash_table_unref (state->referrers);
  g_hash_table_unref (state->names);
  g_hash_table_unref (state->resources);
  g_string_chunk_free (state->strings);
  g_free (state);
}

const char *
state_str (State *state, const char *s)
{
  return s == NULL ? NULL : g_string_chunk_insert_const (state->strings, s);
}

StateGroup *
state_group (const State *state, const char *id)
{
  return g_hash_table_lookup (state->groups, id);
}

const char *const *
state_eni_groups (const State *state, const char *eni_id, guint *n)
{
  GPtrArray *current = g_hash_table_lookup (state->eni_groups, eni_id);
  const Eni *eni;

  if (current == NULL)
    {
      /* first look at this ENI: copy its exported group list */
      eni = model_eni (state->model, eni_id);
      if (eni == NULL)
        {
          *n = 0;
          return NULL;
        }
      current = g_ptr_array_sized_new (eni->n_groups + 1);
      for (guint i = 0; i < eni->n_groups; i++)
        g_ptr_array_add (current, (gpointer) eni->groups[i].group_id);
      g_hash_table_insert (state->eni_groups, (gpointer) eni->id, current);
    }
  *n = current->len;
  return (const char *const *) current->pdata;
}

gboolean
state_name_taken (const State *state, const char *vpc_id, const char *name)
{
  StateName key = { vpc_id, name };

  return g_hash_table_contains (state->names, &key);
}

static gboolean
strv_contains (const char *const *v, guint n, const char *s)
{
  for (guint i = 0; i < n; i++)
    if (strcmp (v[i], s) == 0)
      return TRUE;
  return FALSE;
}

guint
state_group_attachments (const State *state, const char *group_id)
{
  GPtrArray *exported = model_enis_of_group (state->model, group_id);
  GHashTable *given = g_hash_table_lookup (state->carriers, group_id);
  g_autoptr (GHashTable) candidates = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;
  guint count = 0;

  /* ENIs that carried it in the export, and ENIs a step gave it */
  for (guint i = 0; i < exported->len; i++)
    g_hash_table_add (candidates, (gpointer) ((const Eni *) exported->pdata[i])->id);
  if (given != NULL)
    {
      g_hash_table_iter_init (&iter, given);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (candidates, key);
    }
  g_hash_table_iter_init (&iter, candidates);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint n;
      const char *const *now = state_eni_groups (state, key, &n);

      count += strv_contains (now, n, group_id);
    }
  return count;
}

static int
ref_compare (gconstpointer a, gconstpointer b)
{
  const StateRef *x = *(const StateRef *const *) a, *y = *(const StateRef *const *) b;
  int c = strcmp (x->group->id, y->group->id);

  return c != 0 ? c : rule_compare (x->rule, y->rule);
}

GPtrArray *
state_references (const State *state, const char *group_id)
{
  GPtrArray *refs = g_ptr_array_new_with_free_func (g_free);
  GHashTable *from = g_hash_table_lookup (state->referrers, group_id);
  GHashTableIter iter;
  gpointer key;

  if (from == NULL)
    return refs;
  /* only the groups that reference it: a scan of every group per default
   * group made a plan quadratic in the number of default groups */
  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const StateGroup *g = state_group (state, key);

      for (guint r = 0; g != NULL && r < g->rules->len; r++)
        {
          const Rule *rule = &g_array_index (g->rules, Rule, r);

          if (rule->peer_kind == PEER_GROUP && strcmp (rule->peer, group_id) == 0)
            {
              StateRef *ref = g_new (StateRef, 1);

              ref->group = g;
              ref->rule = rule;
              g_ptr_array_add (refs, ref);
            }
        }
    }
  g_ptr_array_sort (refs, ref_compare);
  return refs;
}

static gboolean G_GNUC_PRINTF (2, 3)
mismatch (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, message);
  return FALSE;
}

static int
rule_qsort (const void *a, const void *b)
{
  return rule_compare (a, b);
}

/* AWS's identity of a rule (rule_same_identity) as a hash key. */
static guint
rule_identity_hash (gconstpointer data)
{
  const Rule *r = data;
  guint h = (guint) r->direction * 31u + (guint) r->peer_kind;

  h = h * 31u + (guint) r->from_port;
  h = h * 31u + (guint) r->to_port;
  h = h * 31u + g_str_hash (r->protocol);
  h = h * 31u + (r->peer != NULL ? g_str_hash (r->peer) : 0);
  h = h * 31u + (r->peer_owner != NULL ? g_str_hash (r->peer_owner) : 0);
  return h * 31u + (r->peering_id != NULL ? g_str_hash (r->peering_id) : 0);
}

static gboolean
rule_identity_equal (gconstpointer a, gconstpointer b)
{
  return rule_same_identity (a, b);
}

static gboolean
rules_sorted (const GArray *rules)
{
  for (guint r = 1; r < rules->len; r++)
    if (rule_compare (&g_array_index (rules, Rule, r - 1), &g_array_index (rules, Rule, r)) > 0)
      return FALSE;
  return TRUE;
}

/* Add the N rules to GROUP, keeping its rules sorted.  A sort of the whole
 * group after every step made a plan on a group of many rules quadratic:
 * the new rules are sorted on their own and merged in, existing ones first
 * among equals, as the stable sort of the whole did. */
static void
add_sorted (State *state, StateGroup *group, const Rule *rules, guint n)
{
  g_autofree Rule *added = g_memdup2 (rules, sizeof (Rule) * n);
  g_autoptr (GArray) merged = NULL;
  guint a = 0, b = 0;

  for (guint i = 0; i < n; i++)
    {
      added[i].rule_id = NULL;
      count_reference (state, group->id, &added[i], +1);
    }
  if (!rules_sorted (group->rules))
    {
      /* not from a loaded export (whose rules are sorted): sort it all */
      g_array_append_vals (group->rules, added, n);
      sgplan_qsort (group->rules->data, group->rules->len, sizeof (Rule), rule_qsort);
      return;
    }
  sgplan_qsort (added, n, sizeof (Rule), rule_qsort);
  merged = g_array_sized_new (FALSE, FALSE, sizeof (Rule), group->rules->len + n);
  while (a < group->rules->len || b < n)
    {
      const Rule *old = a < group->rules->len ? &g_array_index (group->rules, Rule, a) : NULL;

      if (old != NULL && (b == n || rule_compare (old, &added[b]) <= 0))
        {
          g_array_append_val (merged, *old);
          a++;
        }
      else
        g_array_append_val (merged, added[b++]);
    }
  g_array_set_size (group->rules, 0);
  g_array_append_vals (group->rules, merged->data, merged->len);
}

static gboolean
apply_rules (State *state, const Step *step, GError **error)
{
  StateGroup *group = state_group (state, step->group_id);
  gboolean authorize = step_action_is_authorize (step->action);
  g_autoptr (GHashTable) have = NULL; /* (element-type Rule) the group's rules, by identity */
  g_autoptr (GHashTable) gone = NULL; /* (element-type Rule) revoked by this step */

  if (group == NULL)
    return mismatch (error, "expected group '%s' to exist; it does not", step->group_id);
  /* a hash of the group's rules keeps a step linear in the group's size */
  have = g_hash_table_new (rule_identity_hash, rule_identity_equal);
  for (guint r = 0; r < group->rules->len; r++)
    g_hash_table_add (have, &g_array_index (group->rules, Rule, r));
  /* check every rule first: a failed step changes nothing */
  for (guint i = 0; i < step->n_rules; i++)
    {
      const Rule *want = &step->rules[i];
      const Rule *found;

      if (want->direction != step_action_direction (step->action))
        return mismatch (error, "rule %u is not %s", i + 1,
                         step_action_direction (step->action) == RULE_EGRESS ? "outbound" : "inbound");
      found = g_hash_table_lookup (have, want);
      if (authorize && found != NULL)
        {
          g_autofree char *text = rule_describe (want);
          return mismatch (error, "expected group '%s' not to have the rule %s; it has it",
                           group->id, text);
        }
      if (!authorize && (found == NULL || g_strcmp0 (found->description, want->description) != 0))
        {
          g_autofree char *text = rule_describe (want);
          return mismatch (error, "expected group '%s' to have the rule %s; it does not",
                           group->id, text);
        }
    }
  if (authorize)
    add_sorted (state, group, step->rules, step->n_rules);
  else
    {
      guint kept = 0;

      /* removing keeps the rest in order: no sort needed */
      gone = g_hash_table_new (rule_identity_hash, rule_identity_equal);
      for (guint i = 0; i < step->n_rules; i++)
        g_hash_table_add (gone, &step->rules[i]);
      for (guint r = 0; r < group->rules->len; r++)
        {
          const Rule *rule = &g_array_index (group->rules, Rule, r);

          if (!g_hash_table_contains (gone, rule))
            g_array_index (group->rules, Rule, kept++) = *rule;
          else
            count_reference (state, group->id, rule, -1);
        }
      g_array_set_size (group->rules, kept);
      if (!rules_sorted (group->rules))
        sgplan_qsort (group->rules->data, group->rules->len, sizeof (Rule), rule_qsort);
    }
  return TRUE;
}

static gboolean
apply_create (State *state, const Step *step, GError **error)
{
  StateGroup *group;
  Rule allow_all = { .direction = RULE_EGRESS, .peer_kind = PEER_CIDR4,
                     .from_port = SGPLAN_PORT_NONE, .to_port = SGPLAN_PORT_NONE };

  if (state_group (state, step->group_id) != NULL)
    return mismatch (error, "expected no group '%s'; it exists", step->group_id);
  if (state_name_taken (state, step->vpc_id, step->group_name))
    return mismatch (error, "expected no group named '%s' in '%s'; there is one",
                     step->group_name, step->vpc_id);
  group = g_new0 (StateGroup, 1);
  group->id = state_str (state, step->group_id);
  group->name = state_str (state, step->group_name);
  group->description = state_str (state, step->description);
  group->owner_id = state_str (state, step->account);
  group->vpc_id = state_str (state, step->vpc_id);
  group->region = state_str (state, step->region);
  group->created = TRUE;
  group->rules = g_array_new (FALSE, FALSE, sizeof (Rule));
  group->tags = g_array_new (FALSE, FALSE, sizeof (Tag));
  g_array_append_vals (group->tags, step->tags, step->n_tags);
  /* AWS gives every new VPC security group this egress rule. */
  allow_all.protocol = state_str (state, "-1");
  allow_all.peer = state_str (state, "0.0.0.0/0");
  g_array_append_val (group->rules, allow_all);
  g_hash_table_insert (state->groups, (gpointer) group->id, group);
  count_name (state, group, +1);
  return TRUE;
}

static gboolean
apply_delete (State *state, const Step *step, GError **error)
{
  StateGroup *group = state_group (state, step->group_id);
  guint attached, refs;

  if (group == NULL)
    return mismatch (error, "expected group '%s' to exist; it does not", step->group_id);
  if (g_strcmp0 (group->name, step->group_name) != 0)
    return mismatch (error, "expected group '%s' to be named '%s'; it is named '%s'",
                     group->id, step->group_name, group->name);
  attached = state_group_attachments (state, group->id);
  if (attached > 0)
    return mismatch (error, "expected no network interface to carry group '%s'; %u do",
                     group->id, attached);
  refs = state_reference_count (state, group->id);
  if (refs > 0)
    return mismatch (error, "expected no rule of another group to reference '%s'; %u do",
                     group->id, refs);
  for (guint r = 0; r < group->rules->len; r++)
    count_reference (state, group->id, &g_array_index (group->rules, Rule, r), -1);
  count_name (state, group, -1);
  g_hash_table_remove (state->groups, group->id);
  return TRUE;
}

/* Gives ENI_ID the groups AFTER (checked to exist beforehand). */
static void
set_eni_groups (State *state, const char *eni_id, const char *const *after_ids, guint n_after)
{
  GPtrArray *after = g_ptr_array_sized_new (n_after);

  for (guint i = 0; i < n_after; i++)
    {
      const char *id = state_str (state, after_ids[i]);
      GHashTable *carriers = g_hash_table_lookup (state->carriers, id);

      g_ptr_array_add (after, (gpointer) id);
      if (carriers == NULL)
        {
          carriers = g_hash_table_new (g_str_hash, g_str_equal);
          g_hash_table_insert (state->carriers, (gpointer) id, carriers);
        }
      g_hash_table_add (carriers, (gpointer) state_str (state, eni_id));
    }
  g_hash_table_insert (state->eni_groups, (gpointer) state_str (state, eni_id), after);
}

static gboolean
groups_exist (State *state, const char *const *ids, guint n, GError **error)
{
  for (guint i = 0; i < n; i++)
    if (g_str_has_prefix (ids[i], STEP_NEW_GROUP_PREFIX) && state_group (state, ids[i]) == NULL)
      return mismatch (error, "expected group '%s' to exist; it does not", ids[i]);
  return TRUE;
}

static gboolean
apply_modify (State *state, const Step *step, GError **error)
{
  guint n;
  const char *const *now = state_eni_groups (state, step->eni_id, &n);
  gboolean same = now != NULL && n == step->n_before;

  if (now == NULL)
    return mismatch (error, "expected network interface '%s' to exist; it does not", step->eni_id);
  for (guint i = 0; same && i < n; i++)
    same = strcmp (now[i], step->groups_before[i]) == 0;
  if (!same)
    {
      g_autofree char *want = step_groups_text (step->groups_before, step->n_before);
      g_autofree char *have = step_groups_text (now, n);
      return mismatch (error, "expected network interface '%s' to have groups %s; it has %s",
                       step->eni_id, want, have);
    }
  if (step->n_after == 0)
    return mismatch (error, "a network interface must keep at least one group");
  if (!groups_exist (state, step->groups_after, step->n_after, error))
    return FALSE;
  set_eni_groups (state, step->eni_id, step->groups_after, step->n_after);
  return TRUE;
}

/* The same groups, whatever the order (a service's list of a resource's
 * groups has no meaningful order; an ENI's has, and an ENI of a service
 * resource lists them in the order the service gave). */
static gboolean
same_group_set (const char *const *a, guint na, const char *const *b, guint nb)
{
  g_autofree const char **x = NULL, **y = NULL;

  if (na != nb)
    return FALSE;
  x = g_memdup2 (a, sizeof (char *) * na);
  y = g_memdup2 (b, sizeof (char *) * nb);
  sgplan_qsort (x, na, sizeof (char *), sgplan_compare_strings);
  sgplan_qsort (y, nb, sizeof (char *), sgplan_compare_strings);
  for (guint i = 0; i < na; i++)
    if (strcmp (x[i], y[i]) != 0)
      return FALSE;
  return TRUE;
}

/* (names of functions, databases and caches are unique only within one
 * account and region) */
static char *
resource_key (StepService service, const char *account, const char *region, const char *id)
{
  return g_strjoin (" ", step_service_name (service), account, region, id, NULL);
}

const char *const *
state_resource_groups (const State *state, StepService service, const char *account, const char *region,
                       const char *id, guint *n)
{
  g_autofree char *key = resource_key (service, account, region, id);
  GPtrArray *groups = g_hash_table_lookup (state->resources, key);

  *n = groups != NULL ? groups->len : 0;
  return groups != NULL ? (const char *const *) groups->pdata : NULL;
}

/* A service resource's groups change, and its network interfaces follow. */
static gboolean
apply_resource (State *state, const Step *step, GError **error)
{
  const char *problem = step_resource_problem (step);
  const char *const *now;
  guint n;
  GPtrArray *after;

  if (problem != NULL)
    return mismatch (error, "%s %s: %s", step_service_name (step->service), step->resource_id, problem);
  now = state_resource_groups (state, step->service, step->account, step->region, step->resource_id, &n);
  if (now != NULL && !same_group_set (now, n, step->groups_before, step->n_before))
    {
      g_autofree char *want = step_groups_text (step->groups_before, step->n_before);
      g_autofree char *have = step_groups_text (now, n);
      return mismatch (error, "expected %s %s to have groups %s; it has %s", step_service_name (step->service),
                       step->resource_id, want, have);
    }
  for (guint e = 0; e < step->n_resource_enis; e++)
    {
      now = state_eni_groups (state, step->resource_enis[e], &n);
      if (now == NULL)
        return mismatch (error, "expected network interface '%s' of %s %s to exist; it does not",
                         step->resource_enis[e], step_service_name (step->service), step->resource_id);
      if (!same_group_set (now, n, step->groups_before, step->n_before))
        {
          g_autofree char *want = step_groups_text (step->groups_before, step->n_before);
          g_autofree char *have = step_groups_text (now, n);
          return mismatch (error, "expected network interface '%s' of %s %s to have groups %s; it has %s",
                           step->resource_enis[e], step_service_name (step->service), step->resource_id,
                           want, have);
        }
    }
  if (!groups_exist (state, step->groups_after, step->n_after, error))
    return FALSE;
  for (guint e = 0; e < step->n_resource_enis; e++)
    set_eni_groups (state, step->resource_enis[e], step->groups_after, step->n_after);
  after = g_ptr_array_sized_new (step->n_after);
  for (guint i = 0; i < step->n_after; i++)
    g_ptr_array_add (after, (gpointer) state_str (state, step->groups_after[i]));
  g_hash_table_insert (state->resources, resource_key (step->service, step->account, step->region, step->resource_id),
                       after);
  return TRUE;
}

gboolean
state_apply (State *state, const Step *step, GError **error)
{
  switch (step->action)
    {
    case ACTION_CREATE_GROUP:
      return apply_create (state, step, error);
    case ACTION_DELETE_GROUP:
      return apply_delete (state, step, error);
    case ACTION_MODIFY_ENI_GROUPS:
      return apply_modify (state, step, error);
    case ACTION_MODIFY_RESOURCE_GROUPS:
      return apply_resource (state, step, error);
    case ACTION_AUTHORIZE_INGRESS:
    case ACTION_AUTHORIZE_EGRESS:
    case ACTION_REVOKE_INGRESS:
    case ACTION_REVOKE_EGRESS:
      return apply_rules (state, step, error);
    default:
      return mismatch (error, "unknown action");
    }
}

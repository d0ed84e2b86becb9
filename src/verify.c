/* verify.c - proving a change set safe, offline.
 *
 * The change set alone: its structure, that each step's inverse is its exact
 * inverse, that the rollback is the inverses in reverse order.  With the
 * export it was made from: no drift; every step applies; every planned
 * default group allows no traffic and nothing uses a migrated one any more;
 * every ENI keeps exactly its effective permissions (group references
 * resolved to the ENIs in the group, so the replacement stands for the
 * default group); and the rollback restores the export.  With the export
 * taken after the real change: the account is what the plan predicted. */
#include "config.h"

#include "verify.h"
#include "apply.h"
#include "state.h"
#include "util.h"

#include <string.h>

static void
result_free (gpointer data)
{
  CheckResult *r = data;

  g_free (r->detail);
  g_free (r);
}

void
validation_free (Validation *v)
{
  if (v == NULL)
    return;
  g_ptr_array_unref (v->results);
  g_free (v);
}

static void G_GNUC_PRINTF (4, 5)
report (Validation *v, const char *name, CheckStatus status, const char *format, ...)
{
  CheckResult *r = g_new0 (CheckResult, 1);
  va_list args;

  va_start (args, format);
  r->name = name;
  r->status = status;
  r->detail = g_strdup_vprintf (format, args);
  va_end (args);
  if (status == CHECK_FAIL)
    v->valid = FALSE;
  g_ptr_array_add (v->results, r);
}

/* Canonical text of a state: one line per group, rule, tag and ENI, sorted;
 * IDs in ID_MAP (if any) are written as what they map to. */
static const char *
mapped (GHashTable *id_map, const char *id)
{
  const char *to = id != NULL && id_map != NULL ? g_hash_table_lookup (id_map, id) : NULL;

  return to != NULL ? to : id != NULL ? id : "-";
}

static GPtrArray *
canonical_lines (State *state, GHashTable *id_map)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, state->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const StateGroup *g = value;
      const char *id = mapped (id_map, g->id);

      g_ptr_array_add (lines, g_strdup_printf ("group %s name=%s vpc=%s owner=%s", id, g->name,
                                               mapped (NULL, g->vpc_id), g->owner_id));
      for (guint t = 0; t < g->tags->len; t++)
        {
          const Tag *tag = &g_array_index (g->tags, Tag, t);
          g_ptr_array_add (lines, g_strdup_printf ("group %s tag %s=%s", id, tag->key, tag->value));
        }
      for (guint r = 0; r < g->rules->len; r++)
        {
          const Rule *rule = &g_array_index (g->rules, Rule, r);
          g_autofree char *traffic = rule_describe_traffic (rule);

          g_ptr_array_add (lines, g_strdup_printf ("group %s rule %s %s %s %s owner=%s peering=%s description=%s",
                                                   id, rule->direction == RULE_EGRESS ? "outbound" : "inbound",
                                                   traffic, rule->direction == RULE_EGRESS ? "to" : "from",
                                                   mapped (id_map, rule->peer), mapped (NULL, rule->peer_owner),
                                                   mapped (NULL, rule->peering_id),
                                                   rule->description != NULL ? rule->description : "-"));
        }
    }
  for (guint i = 0; i < state->model->eni_list->len; i++)
    {
      const Eni *eni = state->model->eni_list->pdata[i];
      guint n;
      const char *const *groups = state_eni_groups (state, eni->id, &n);
      GString *line = g_string_new (NULL);

      g_string_append_printf (line, "eni %s groups", eni->id);
      for (guint g = 0; g < n; g++)
        g_string_append_printf (line, " %s", mapped (id_map, groups[g]));
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  g_ptr_array_sort (lines, sgplan_compare_strings);
  return lines;
}

/* Lines in A missing from B (both sorted), at most LIMIT, as "a; b; c". */
static char *
missing_lines (GPtrArray *a, GPtrArray *b, guint limit, guint *count)
{
  GString *out = g_string_new (NULL);
  guint i = 0, j = 0;

  *count = 0;
  while (i < a->len)
    {
      int c = j < b->len ? strcmp (a->pdata[i], b->pdata[j]) : -1;

      if (c == 0)
        {
          i++;
          j++;
        }
      else if (c < 0)
        {
          if ((*count)++ < limit)
            g_string_append_printf (out, "%s%s", out->len > 0 ? "; " : "", (const char *) a->pdata[i]);
          i++;
        }
      else
        j++;
    }
  if (*count > limit)
    g_string_append_printf (out, "; and %u more", *count - limit);
  return g_string_free (out, FALSE);
}

/* Describe how two canonical states differ, or NULL when they are equal. */
static char *
state_difference (GPtrArray *expected, GPtrArray *found)
{
  guint n_missing, n_extra;
  g_autofree char *missing = missing_lines (expected, found, 3, &n_missing);
  g_autofree char *extra = missing_lines (found, expected, 3, &n_extra);

  if (n_missing == 0 && n_extra == 0)
    return NULL;
  return g_strdup_printf ("%s%s%s%s%s", n_missing > 0 ? "missing: " : "", missing,
                          n_missing > 0 && n_extra > 0 ? "; " : "", n_extra > 0 ? "unexpected: " : "",
                          extra);
}

static void
check_inverses (Validation *v, const ChangeSet *cs)
{
  for (guint i = 0; i < cs->steps->len; i++)
    {
      g_autoptr (Step) exact = step_inverse (cs->steps->pdata[i]);

      if (!step_equal (exact, cs->inverses->pdata[i]))
        {
          report (v, "inverses", CHECK_FAIL, "the inverse of step %u is not its exact inverse (%s)", i + 1,
                  step_action_name (exact->action));
          return;
        }
    }
  report (v, "inverses", CHECK_PASS, "the inverse of each of the %u steps is its exact inverse",
          cs->steps->len);
}

static void
check_rollback_order (Validation *v, const ChangeSet *cs)
{
  if (cs->rollback->len != cs->steps->len)
    {
      report (v, "rollback", CHECK_FAIL, "the rollback has %u entries for %u steps", cs->rollback->len,
              cs->steps->len);
      return;
    }
  for (guint k = 0; k < cs->rollback->len; k++)
    {
      guint undoes = g_array_index (cs->rollback_undoes, guint, k);
      guint want = cs->steps->len - k;
      g_autoptr (Step) exact = NULL;

      if (undoes != want)
        {
          report (v, "rollback", CHECK_FAIL, "rollback entry %u undoes step %u; in reverse order it must undo step %u",
                  k + 1, undoes, want);
          return;
        }
      exact = step_inverse (cs->steps->pdata[want - 1]);
      if (!step_equal (exact, cs->rollback->pdata[k]))
        {
          report (v, "rollback", CHECK_FAIL, "rollback entry %u is not the inverse of step %u", k + 1, want);
          return;
        }
    }
  report (v, "rollback", CHECK_PASS, "the rollback is the inverses of the steps in reverse order");
}

static gboolean
rules_match (const Rule *a, guint na, const Rule *b, guint nb)
{
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!rule_same_identity (&a[i], &b[i]) || g_strcmp0 (a[i].description, b[i].description) != 0)
      return FALSE;
  return TRUE;
}

static int
rule_qsort (const void *a, const void *b)
{
  return rule_compare (a, b);
}

/* Drift: name the groups and ENIs the plan touches that differ. */
static void
check_fingerprint (Validation *v, const ChangeSet *cs, const Model *model)
{
  GString *names = g_string_new (NULL);

  if (strcmp (cs->fingerprint, model->fingerprint) == 0)
    {
      report (v, "fingerprint", CHECK_PASS, "the export is the state the plan was made from (%.16s)",
              model->fingerprint);
      g_string_free (names, TRUE);
      return;
    }
  for (guint i = 0; i < cs->expected_groups->len; i++)
    {
      const ChangeSetExpected *e = cs->expected_groups->pdata[i];
      const Group *g = model_group (model, e->id);
      g_autofree Rule *sorted = g_memdup2 (e->rules, sizeof (Rule) * e->n_rules);

      qsort (sorted, e->n_rules, sizeof (Rule), rule_qsort);
      if (g == NULL || !rules_match (g->rules, g->n_rules, sorted, e->n_rules))
        g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", e->id);
    }
  for (guint i = 0; i < cs->expected_enis->len; i++)
    {
      const ChangeSetExpected *e = cs->expected_enis->pdata[i];
      const Eni *eni = model_eni (model, e->id);
      gboolean same = eni != NULL && eni->n_groups == e->n_groups;

      for (guint g = 0; same && g < e->n_groups; g++)
        same = strcmp (eni->groups[g].group_id, e->groups[g]) == 0;
      if (!same)
        g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", e->id);
    }
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];
      const Group *g = model_group (model, cg->group_id);

      if (g == NULL || g->n_rules != cg->n_rules || model_enis_of_group (model, g->id)->len != cg->n_attached)
        if (strstr (names->str, cg->group_id) == NULL)
          g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", cg->group_id);
    }
  report (v, "fingerprint", CHECK_FAIL, "drift: the export (%.16s) is not the state the plan was made from (%.16s); %s",
          model->fingerprint, cs->fingerprint,
          names->len > 0 ? names->str : "what differs is outside the groups and interfaces the plan touches");
  g_string_free (names, TRUE);
}

static void
check_compliant (Validation *v, const ChangeSet *cs, State *state)
{
  GString *bad = g_string_new (NULL);
  guint planned = 0;

  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];
      const StateGroup *g;

      if (cg->decision != DECISION_REVOKE && cg->decision != DECISION_MIGRATE)
        continue;
      planned++;
      g = state_group (state, cg->group_id);
      if (g == NULL)
        continue;
      if (g->rules->len > 0)
        g_string_append_printf (bad, "%s%s still has %u rules", bad->len > 0 ? "; " : "", g->id, g->rules->len);
      if (cg->decision == DECISION_MIGRATE)
        {
          g_autoptr (GPtrArray) refs = state_references (state, g->id);
          guint attached = state_group_attachments (state, g->id);

          if (attached > 0)
            g_string_append_printf (bad, "%s%s is still on %u network interface%s", bad->len > 0 ? "; " : "",
                                    g->id, attached, attached == 1 ? "" : "s");
          if (refs->len > 0)
            g_string_append_printf (bad, "%s%u rule%s still reference %s", bad->len > 0 ? "; " : "",
                                    refs->len, refs->len == 1 ? "" : "s", g->id);
        }
    }
  if (bad->len > 0)
    report (v, "compliant", CHECK_FAIL, "%s", bad->str);
  else
    report (v, "compliant", CHECK_PASS,
            "after the plan, the %u planned default group%s allow no traffic and nothing uses the migrated ones",
            planned, planned == 1 ? "" : "s");
  g_string_free (bad, TRUE);
}

/* Effective permissions: for each ENI, the set of (direction, protocol,
 * ports, peer) it is allowed, a group peer expanded to the ENIs that carry
 * the group (a group outside the export stays a group). */
static GHashTable *
effective_permissions (State *state)
{
  const Model *model = state->model;
  g_autoptr (GHashTable) carriers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GHashTable) expanded = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                           (GDestroyNotify) g_ptr_array_unref);
  GHashTable *per_eni = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) g_hash_table_unref);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < model->eni_list->len; i++)
    {
      const Eni *eni = model->eni_list->pdata[i];
      guint n;
      const char *const *groups = state_eni_groups (state, eni->id, &n);

      for (guint g = 0; g < n; g++)
        {
          GPtrArray *list = g_hash_table_lookup (carriers, groups[g]);

          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_hash_table_insert (carriers, (gpointer) groups[g], list);
            }
          g_ptr_array_add (list, (gpointer) eni->id);
        }
    }
  g_hash_table_iter_init (&iter, state->groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const StateGroup *g = value;
      GPtrArray *perms = g_ptr_array_new_with_free_func (g_free);

      for (guint r = 0; r < g->rules->len; r++)
        {
          const Rule *rule = &g_array_index (g->rules, Rule, r);
          g_autofree char *traffic = rule_describe_traffic (rule);
          const char *dir = rule->direction == RULE_EGRESS ? "out" : "in";

          if (rule->peer_kind == PEER_GROUP && state_group (state, rule->peer) != NULL)
            {
              GPtrArray *enis = g_hash_table_lookup (carriers, rule->peer);

              for (guint e = 0; enis != NULL && e < enis->len; e++)
                g_ptr_array_add (perms, g_strdup_printf ("%s %s eni %s", dir, traffic, (const char *) enis->pdata[e]));
            }
          else
            g_ptr_array_add (perms, g_strdup_printf ("%s %s %d %s", dir, traffic, rule->peer_kind, rule->peer));
        }
      g_hash_table_insert (expanded, key, perms);
    }
  for (guint i = 0; i < model->eni_list->len; i++)
    {
      const Eni *eni = model->eni_list->pdata[i];
      guint n;
      const char *const *groups = state_eni_groups (state, eni->id, &n);
      GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint g = 0; g < n; g++)
        {
          GPtrArray *perms = g_hash_table_lookup (expanded, groups[g]);

          if (perms == NULL) /* a group outside the export: its rules are unknown, and kept */
            {
              g_hash_table_add (set, g_strdup_printf ("group %s", groups[g]));
              continue;
            }
          for (guint p = 0; p < perms->len; p++)
            g_hash_table_add (set, g_strdup (perms->pdata[p]));
        }
      g_hash_table_insert (per_eni, (gpointer) eni->id, set);
    }
  return per_eni;
}

/* The first permission in A that is not in B, or NULL. */
static const char *
first_missing (GHashTable *a, GHashTable *b)
{
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (a), (GCompareFunc) strcmp);

  for (GList *l = keys; l != NULL; l = l->next)
    if (!g_hash_table_contains (b, l->data))
      return l->data;
  return NULL;
}

static void
check_connectivity (Validation *v, State *before, State *after)
{
  g_autoptr (GHashTable) was = effective_permissions (before);
  g_autoptr (GHashTable) now = effective_permissions (after);
  GString *bad = g_string_new (NULL);
  guint changed = 0;
  const GPtrArray *enis = before->model->eni_list;

  for (guint i = 0; i < enis->len; i++)
    {
      const Eni *eni = enis->pdata[i];
      GHashTable *a = g_hash_table_lookup (was, eni->id), *b = g_hash_table_lookup (now, eni->id);
      const char *lost = first_missing (a, b), *gained = first_missing (b, a);

      if (lost == NULL && gained == NULL)
        continue;
      if (changed++ < 3)
        g_string_append_printf (bad, "%s%s %s %s", bad->len > 0 ? "; " : "", eni->id,
                                lost != NULL ? "loses" : "gains", lost != NULL ? lost : gained);
    }
  if (changed > 0)
    report (v, "connectivity", CHECK_FAIL, "%u network interface%s change%s permissions: %s%s", changed,
            changed == 1 ? "" : "s", changed == 1 ? "s" : "", bad->str, changed > 3 ? "; ..." : "");
  else
    report (v, "connectivity", CHECK_PASS,
            "each of the %u network interfaces keeps exactly its inbound and outbound permissions",
            enis->len);
  g_string_free (bad, TRUE);
}

/* --after: replacement groups are found by their sgplan:replaces tag. */
static void
check_after (Validation *v, const ChangeSet *cs, State *predicted, const Model *after)
{
  g_autoptr (GHashTable) to_real = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (State) actual = state_new (after);
  g_autoptr (GPtrArray) want = NULL, got = NULL;
  g_autofree char *difference = NULL;

  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];
      const char *real = NULL;

      if (cg->replacement_id == NULL)
        continue;
      for (guint g = 0; g < after->group_list->len && real == NULL; g++)
        {
          const Group *group = after->group_list->pdata[g];

          for (guint t = 0; t < group->n_tags; t++)
            if (strcmp (group->tags[t].key, "sgplan:replaces") == 0
                && strcmp (group->tags[t].value, cg->group_id) == 0)
              real = group->id;
        }
      if (real == NULL)
        {
          report (v, "after", CHECK_FAIL, "no group in the after export is tagged sgplan:replaces=%s",
                  cg->group_id);
          return;
        }
      g_hash_table_insert (to_real, apply_new_group_id (cg->replacement_id), (gpointer) real);
    }
  want = canonical_lines (predicted, to_real);
  got = canonical_lines (actual, NULL);
  difference = state_difference (want, got);
  if (difference != NULL)
    report (v, "after", CHECK_FAIL, "the account is not as the plan predicted: %s", difference);
  else
    report (v, "after", CHECK_PASS, "the after export is the state the plan predicted (%u replacement group%s matched by tag)",
            g_hash_table_size (to_real), g_hash_table_size (to_real) == 1 ? "" : "s");
}

Validation *
verify_changeset (const char *plan_path, const Model *export, const Model *after, GError **error)
{
  g_autoptr (Validation) v = g_new0 (Validation, 1);
  g_autoptr (ChangeSet) cs = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (State) before = NULL, state = NULL;
  g_autoptr (GPtrArray) original = NULL, restored = NULL;
  g_autofree char *difference = NULL;
  static const char *const needs_export[] = { "fingerprint", "apply", "compliant", "connectivity", "rollback-exact" };

  v->results = g_ptr_array_new_with_free_func (result_free);
  v->valid = TRUE;
  cs = changeset_read (plan_path, &local);
  if (cs == NULL)
    {
      if (local->code == SGPLAN_ERROR_IO)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      report (v, "schema", CHECK_FAIL, "%s", local->message);
      return g_steal_pointer (&v);
    }
  report (v, "schema", CHECK_PASS, "a version %d change set with %u steps for %u default groups",
          1, cs->steps->len, cs->groups->len);
  check_inverses (v, cs);
  check_rollback_order (v, cs);
  if (export == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (needs_export); i++)
        report (v, needs_export[i], CHECK_SKIP, "no export given");
      report (v, "after", CHECK_SKIP, "no export given");
      return g_steal_pointer (&v);
    }
  check_fingerprint (v, cs, export);
  before = state_new (export);
  state = state_new (export);
  if (!apply_changeset (state, cs, FALSE, &local))
    {
      report (v, "apply", CHECK_FAIL, "%s", local->message);
      for (guint i = 2; i < G_N_ELEMENTS (needs_export); i++)
        report (v, needs_export[i], CHECK_SKIP, "the plan does not apply");
      report (v, "after", CHECK_SKIP, "the plan does not apply");
      return g_steal_pointer (&v);
    }
  report (v, "apply", CHECK_PASS, "every step's precondition holds, in order");
  check_compliant (v, cs, state);
  check_connectivity (v, before, state);
  if (after != NULL)
    check_after (v, cs, state, after);
  /* the rollback, last: it changes STATE back */
  original = canonical_lines (before, NULL);
  if (!apply_changeset (state, cs, TRUE, &local))
    report (v, "rollback-exact", CHECK_FAIL, "%s", local->message);
  else
    {
      restored = canonical_lines (state, NULL);
      difference = state_difference (original, restored);
      if (difference != NULL)
        report (v, "rollback-exact", CHECK_FAIL, "the rollback does not restore the export: %s", difference);
      else
        report (v, "rollback-exact", CHECK_PASS, "the rollback restores the export exactly");
    }
  if (after == NULL)
    report (v, "after", CHECK_SKIP, "no --after export given");
  return g_steal_pointer (&v);
}

static const char *
status_name (CheckStatus status)
{
  return status == CHECK_PASS ? "pass" : status == CHECK_FAIL ? "FAIL" : "skip";
}

char *
verify_render_text (const char *plan_path, const Validation *v)
{
  GString *out = g_string_new (NULL);

  g_string_append (out, "validate ");
  sgplan_append_printable (out, plan_path);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < v->results->len; i++)
    {
      const CheckResult *r = v->results->pdata[i];

      g_string_append_printf (out, "  %-4s  %-14s ", status_name (r->status), r->name);
      sgplan_append_printable (out, r->detail);
      g_string_append_c (out, '\n');
    }
  g_string_append (out, v->valid ? "valid\n" : "NOT VALID\n");
  return g_string_free (out, FALSE);
}

char *
verify_render_json (const char *plan_path, const Validation *v)
{
  g_autoptr (cJSON) root = cJSON_CreateObject ();
  cJSON *checks;

  cJSON_AddStringToObject (root, "format", "sgplan-validation");
  cJSON_AddNumberToObject (root, "version", 1);
  cJSON_AddStringToObject (root, "change_set", plan_path);
  cJSON_AddBoolToObject (root, "valid", v->valid);
  checks = cJSON_AddArrayToObject (root, "checks");
  for (guint i = 0; i < v->results->len; i++)
    {
      const CheckResult *r = v->results->pdata[i];
      cJSON *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "name", r->name);
      cJSON_AddStringToObject (item, "status", r->status == CHECK_PASS ? "pass" : r->status == CHECK_FAIL ? "fail" : "skip");
      cJSON_AddStringToObject (item, "detail", r->detail);
      cJSON_AddItemToArray (checks, item);
    }
  return sgplan_json_print (root);
}

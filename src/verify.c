/* verify.c - proving a change set safe, offline.
 *
 * The change set alone: its structure, that each step's inverse is its exact
 * inverse, that the rollback is the inverses in reverse order, that no step
 * repeats another, that each decision label matches its steps, that each
 * replacement is made in its default group's place, tagged and validly
 * named; blocked groups and expired exceptions are reported.  With the
 * export it was made from: no drift; the findings and the preflight section
 * are the export's; every step applies; every planned default group allows
 * no traffic and nothing uses a migrated one; after every step no ENI and no
 * group has lost access, and at the end every group's rules and every ENI's
 * groups are exactly the export's but for the planned changes (reasoned
 * symbolically, see "Safety at every step"); the rollback started after any
 * step restores the export.  With the export taken after the real change:
 * the account is what the plan predicted. */
#include "config.h"

#include "verify.h"
#include "analysis.h"
#include "apply.h"
#include "json-model.h"
#include "planner.h"
#include "sort.h"
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
  g_ptr_array_unref (v->blocked);
  g_ptr_array_unref (v->expired);
  g_free (v);
}

#define REPORT_DETAIL_MAX 4096

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
  /* Details quote rules and names from the change set; bound them all. */
  if (strlen (r->detail) > REPORT_DETAIL_MAX)
    {
      gsize len = strlen (r->detail);
      const char *end = r->detail + REPORT_DETAIL_MAX;
      char *cut;

      while (end > r->detail && (*end & 0xc0) == 0x80)
        end--; /* not inside a UTF-8 sequence */
      cut = g_strdup_printf ("%.*s... (%" G_GSIZE_FORMAT " bytes)", (int) (end - r->detail),
                             r->detail, len);
      g_free (r->detail);
      r->detail = cut;
    }
  if (status == CHECK_FAIL)
    v->valid = FALSE;
  if (status == CHECK_WARN)
    v->warned = TRUE;
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

/* S, or what printf would print for a NULL string. */
static void
append_str (GString *out, const char *s)
{
  g_string_append (out, s != NULL ? s : "(null)");
}

/* VALUE as printf's %d writes it. */
static void
append_int (GString *out, gint value)
{
  char digits[16];
  guint n = 0;
  guint v = value < 0 ? 0u - (guint) value : (guint) value;

  if (value < 0)
    g_string_append_c (out, '-');
  do
    digits[n++] = (char) ('0' + v % 10);
  while ((v /= 10) > 0);
  while (n > 0)
    g_string_append_c (out, digits[--n]);
}

/* Sorted lines, kept in one string chunk: a state has a line per group,
 * rule, tag and ENI, and a big export has millions. */
typedef struct {
  GStringChunk *text;
  GPtrArray *lines; /* (element-type utf8) in TEXT */
} Lines;

static void
lines_free (Lines *l)
{
  g_string_chunk_free (l->text);
  g_ptr_array_unref (l->lines);
  g_free (l);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lines, lines_free)

static void
lines_add (Lines *l, GString *line)
{
  g_ptr_array_add (l->lines, g_string_chunk_insert_len (l->text, line->str, (gssize) line->len));
  g_string_truncate (line, 0);
}

static Lines *
canonical_lines (State *state, GHashTable *id_map)
{
  Lines *l = g_new0 (Lines, 1);
  g_autoptr (GString) line = g_string_sized_new (256);
  GHashTableIter iter;
  gpointer value;

  l->text = g_string_chunk_new (1 << 20);
  l->lines = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, state->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const StateGroup *g = value;
      const char *id = mapped (id_map, g->id);

      g_string_append (line, "group ");
      append_str (line, id);
      g_string_append (line, " name=");
      append_str (line, g->name);
      g_string_append (line, " vpc=");
      g_string_append (line, mapped (NULL, g->vpc_id));
      g_string_append (line, " owner=");
      append_str (line, g->owner_id);
      lines_add (l, line);
      for (guint t = 0; t < g->tags->len; t++)
        {
          const Tag *tag = &g_array_index (g->tags, Tag, t);

          g_string_append (line, "group ");
          append_str (line, id);
          g_string_append (line, " tag ");
          append_str (line, tag->key);
          g_string_append_c (line, '=');
          append_str (line, tag->value);
          lines_add (l, line);
        }
      for (guint r = 0; r < g->rules->len; r++)
        {
          const Rule *rule = &g_array_index (g->rules, Rule, r);

          g_string_append (line, "group ");
          append_str (line, id);
          g_string_append (line, rule->direction == RULE_EGRESS ? " rule outbound " : " rule inbound ");
          {
            g_autofree char *traffic = rule_describe_traffic (rule);
            g_string_append (line, traffic);
          }
          g_string_append (line, rule->direction == RULE_EGRESS ? " to " : " from ");
          g_string_append (line, mapped (id_map, rule->peer));
          g_string_append (line, " owner=");
          g_string_append (line, mapped (NULL, rule->peer_owner));
          g_string_append (line, " peering=");
          g_string_append (line, mapped (NULL, rule->peering_id));
          g_string_append (line, " description=");
          g_string_append (line, rule->description != NULL ? rule->description : "-");
          lines_add (l, line);
        }
    }
  for (guint i = 0; i < state->model->eni_list->len; i++)
    {
      const Eni *eni = state->model->eni_list->pdata[i];
      guint n;
      const char *const *groups = state_eni_groups (state, eni->id, &n);

      g_string_append (line, "eni ");
      append_str (line, eni->id);
      g_string_append (line, " groups");
      for (guint g = 0; g < n; g++)
        {
          g_string_append_c (line, ' ');
          g_string_append (line, mapped (id_map, groups[g]));
        }
      lines_add (l, line);
    }
  g_ptr_array_sort (l->lines, sgplan_compare_strings);
  return l;
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

      sgplan_qsort (sorted, e->n_rules, sizeof (Rule), rule_qsort);
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
          guint refs = state_reference_count (state, g->id);
          guint attached = state_group_attachments (state, g->id);

          if (attached > 0)
            g_string_append_printf (bad, "%s%s is still on %u network interface%s", bad->len > 0 ? "; " : "",
                                    g->id, attached, attached == 1 ? "" : "s");
          if (refs > 0)
            g_string_append_printf (bad, "%s%u rule%s still reference %s", bad->len > 0 ? "; " : "",
                                    refs, refs == 1 ? "" : "s", g->id);
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

/* ---- Safety at every step ------------------------------------------------
 *
 * Access is reasoned about symbolically, never by expanding a group peer
 * into the ENIs that carry it (which is quadratic: one default group on 4,000
 * ENIs made 16 million pairs).  What an ENI may do is the union of the rules
 * of its groups, a group peer standing for the ENIs that carry the group.
 * So an ENI keeps its access while (1) it keeps every group it had, a
 * default group D counting as kept when it carries D's replacement N instead,
 * and (2) each of those groups still allows what it allowed.  Two checks
 * share the proof:
 *
 *  - "groups": after every step, every exported group other than a planned
 *    default group still allows each of its exported rules (access may only
 *    grow), and after the last step every group's rules are exactly the
 *    export's, but for the planned default groups' revoked rules and the
 *    one-to-one re-pointing of rules from D to N; N holds exactly D's rules.
 *  - "connectivity": after every step, every ENI still carries each group it
 *    had, and for each default group D it had, either carries D while D
 *    still has all its exported rules, or carries N while N already has every
 *    rule it ends with (which "groups" proves to be exactly D's); at the end
 *    its groups are what they were, D and N counted as one.
 *
 * A rule whose peer is D stands for the same rule with peer N (N holds D's
 * ENIs), but only while the peer really holds every ENI that carried D in
 * the export: a rule "from D" is valid while D is "full", a rule "from N"
 * while N is.  Rules are compared as keys with such peers written
 * "replaced:D", other peers as they are.  A step recomputes only what it
 * touched: its group; for a modify, its ENI; and when a step makes D or N
 * (non-)full or (in)complete, the groups that reference them and the ENIs
 * that carried D.  Each is bounded by the size of the step or of D's users,
 * so a plan costs time linear in the export and the change set. */

typedef enum {
  KEY_EXPORT, /* as in the export: every D is full */
  KEY_NOW,    /* D or N stand for D only while full */
  KEY_ANY,    /* D and N always the same (to find the step that touched a rule) */
} KeyMode;

typedef struct {
  const ChangeSetGroup *cg;
  const char *d;          /* the planned default group */
  const char *n;          /* its replacement's ID in the state, or NULL (revoke) */
  const Group *d0;        /* D in the export */
  GPtrArray *d0_enis;     /* (element-type Eni) carried D in the export (borrowed) */
  guint on_d, on_n;       /* how many of them carry D, N now */
  gboolean d_full, n_full;
  gboolean d_intact;      /* D has all its exported rules */
  gboolean n_complete;    /* N has every rule it ends with */
  GHashTable *d_keys;     /* (element-type utf8 Rule) D's exported rules by key */
  GHashTable *n_final;    /* (element-type utf8 Rule) N's rules after the plan, by key */
  GHashTable *referrers;  /* (element-type utf8) groups with a rule referencing D or N */
  guint swap_first, swap_last; /* steps that swap D for N in one call (quota), as warned; 0: none */
  GHashTable *swap_words; /* (element-type utf8) words of D's warnings about swaps, or NULL: not yet read */
} Pair;

typedef struct {
  const Model *model;
  const ChangeSet *cs;
  State *state;
  GHashTable *pairs;      /* (element-type utf8 Pair) by D's and by N's ID */
  GPtrArray *pair_list;   /* (element-type Pair) owns them, in change set order */
  GHashTable *x_keys;     /* (element-type utf8 GHashTable) exported group -> its rules by key */
  GHashTable *touched_by; /* (element-type utf8 guint) "group KEY_ANY-key" -> last step */
  GHashTable *made_by;    /* (element-type utf8 guint) group -> step that created or deleted it */
  GHashTable *moved;      /* (element-type utf8 guint) ENI -> last step that changed its groups */
  GHashTable *failed;     /* (element-type utf8) groups and ENIs already reported */
  GString *eni_fail, *group_fail, *swap_loss;
  guint n_eni_fail, n_group_fail, n_swap_loss;
} Replay;

static void
pair_free (gpointer data)
{
  Pair *p = data;

  g_clear_pointer (&p->d_keys, g_hash_table_unref);
  g_clear_pointer (&p->n_final, g_hash_table_unref);
  g_clear_pointer (&p->swap_words, g_hash_table_unref);
  g_hash_table_unref (p->referrers);
  g_free (p);
}

static gboolean
groups_contain (const char *const *groups, guint n, const char *id)
{
  for (guint i = 0; id != NULL && i < n; i++)
    if (strcmp (groups[i], id) == 0)
      return TRUE;
  return FALSE;
}

static char *
rule_key (const Replay *rp, const Rule *r, KeyMode mode)
{
  const char *peer = r->peer;
  g_autofree char *token = NULL;

  if (r->peer_kind == PEER_GROUP)
    {
      const Pair *p = g_hash_table_lookup (rp->pairs, r->peer);

      if (p != NULL)
        {
          gboolean is_d = strcmp (r->peer, p->d) == 0;
          gboolean valid = mode == KEY_ANY || (mode == KEY_EXPORT ? is_d : is_d ? p->d_full : p->n_full);

          if (valid)
            peer = token = g_strconcat ("replaced:", p->d, NULL);
        }
    }
  {
    /* what "%d\x1f%s\x1f%d\x1f%d\x1f%d\x1f%s\x1f%s\x1f%s\x1f%s%s" would print, without
     * printf: a key is made for every rule of every group a step touches */
    GString *key = g_string_sized_new (128);

    append_int (key, (gint) r->direction);
    g_string_append_c (key, '\x1f');
    append_str (key, r->protocol);
    g_string_append_c (key, '\x1f');
    append_int (key, r->from_port);
    g_string_append_c (key, '\x1f');
    append_int (key, r->to_port);
    g_string_append_c (key, '\x1f');
    append_int (key, (gint) r->peer_kind);
    g_string_append_c (key, '\x1f');
    append_str (key, peer);
    g_string_append_c (key, '\x1f');
    g_string_append (key, r->peer_owner ? r->peer_owner : "");
    g_string_append_c (key, '\x1f');
    g_string_append (key, r->peering_id ? r->peering_id : "");
    g_string_append_c (key, '\x1f');
    if (r->description != NULL)
      {
        g_string_append (key, "d:");
        g_string_append (key, r->description);
      }
    return g_string_free (key, FALSE);
  }
}

/* RULES by key (element-type utf8 Rule, the rules borrowed). */
static GHashTable *
rule_keys (const Replay *rp, const Rule *rules, guint n, KeyMode mode)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n; i++)
    g_hash_table_insert (keys, rule_key (rp, &rules[i], mode), (gpointer) &rules[i]);
  return keys;
}

static GHashTable *
export_keys (Replay *rp, const Group *g)
{
  GHashTable *keys = g_hash_table_lookup (rp->x_keys, g->id);

  if (keys == NULL)
    {
      keys = rule_keys (rp, g->rules, g->n_rules, KEY_EXPORT);
      g_hash_table_insert (rp->x_keys, (gpointer) g->id, keys);
    }
  return keys;
}

/* A group's ID for a reader: the replacement by its placeholder "new:sg-...". */
static const char *
shown_id (const Replay *rp, const char *id)
{
  const Pair *p = id != NULL ? g_hash_table_lookup (rp->pairs, id) : NULL;

  return p != NULL && p->n != NULL && strcmp (p->n, id) == 0 ? p->cg->replacement_id : id;
}

static char *
shown_rule (const Replay *rp, const Rule *r)
{
  Rule copy = *r;

  if (copy.peer_kind == PEER_GROUP)
    copy.peer = shown_id (rp, copy.peer);
  return rule_describe (&copy);
}

/* The first (in rule order) rule of WANT that GROUP's rules lack now. */
static const Rule *
first_missing_rule (const Replay *rp, const StateGroup *group, GHashTable *want)
{
  g_autoptr (GHashTable) now = NULL;
  const Rule *first = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (group != NULL)
    now = rule_keys (rp, (const Rule *) (void *) group->rules->data, group->rules->len, KEY_NOW);
  g_hash_table_iter_init (&iter, want);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((now == NULL || !g_hash_table_contains (now, key)) && (first == NULL || rule_compare (value, first) < 0))
      first = value;
  return first;
}

static void
pair_count (Pair *p, const State *state)
{
  p->on_d = p->on_n = 0;
  for (guint i = 0; i < p->d0_enis->len; i++)
    {
      guint n;
      const char *const *now = state_eni_groups (state, ((const Eni *) p->d0_enis->pdata[i])->id, &n);

      p->on_d += groups_contain (now, n, p->d);
      p->on_n += groups_contain (now, n, p->n);
    }
  p->d_full = p->on_d == p->d0_enis->len;
  p->n_full = p->n != NULL && p->on_n == p->d0_enis->len;
}

/* A loss after step K that P's quota swaps explain: an ENI at the
 * groups-per-ENI quota cannot carry D and N at once, so while such ENIs are
 * swapped one by one, those not yet swapped and those already swapped do not
 * reach each other through D's rules.  No order avoids it; the plan warns. */
static gboolean
in_swap_window (const Pair *p, guint k)
{
  return p != NULL && p->swap_first > 0 && k >= p->swap_first && k <= p->swap_last;
}

static void G_GNUC_PRINTF (5, 6)
fail_once (Replay *rp, gboolean eni, const char *what, gboolean swap, const char *format, ...)
{
  GString *out = swap ? rp->swap_loss : eni ? rp->eni_fail : rp->group_fail;
  guint *count = swap ? &rp->n_swap_loss : eni ? &rp->n_eni_fail : &rp->n_group_fail;
  g_autofree char *message = NULL;
  va_list args;

  if (!g_hash_table_add (rp->failed, (gpointer) what))
    return;
  if ((*count)++ >= 3)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_string_append_printf (out, "%s%s", out->len > 0 ? "; " : "", message);
}

/* Recompute what the rules of GROUP_ID prove after step K; PAIRS_CHANGED
 * receives the pairs whose D became (un)intact or N (in)complete. */
static void
recheck_group (Replay *rp, const char *group_id, guint k, const Step *step, GHashTable *pairs_changed)
{
  Pair *p = g_hash_table_lookup (rp->pairs, group_id);
  const StateGroup *g = state_group (rp->state, group_id);
  const Group *x0;
  const Rule *missing;

  if (p != NULL)
    {
      gboolean is_d = strcmp (p->d, group_id) == 0;
      gboolean *flag = is_d ? &p->d_intact : &p->n_complete;
      gboolean now = g != NULL && (is_d ? p->d_keys : p->n_final) != NULL
                     && first_missing_rule (rp, g, is_d ? p->d_keys : p->n_final) == NULL;

      if (now != *flag)
        g_hash_table_add (pairs_changed, p);
      *flag = now;
      return;
    }
  x0 = model_group (rp->model, group_id);
  if (x0 == NULL)
    return; /* a group the plan creates: the end state decides */
  if (g == NULL)
    {
      fail_once (rp, FALSE, x0->id, FALSE, "step %u (%s) deletes %s", k, step_action_name (step->action), x0->id);
      return;
    }
  missing = first_missing_rule (rp, g, export_keys (rp, x0));
  if (missing != NULL)
    {
      g_autofree char *text = shown_rule (rp, missing);
      const Pair *by = missing->peer_kind == PEER_GROUP ? g_hash_table_lookup (rp->pairs, missing->peer) : NULL;


      fail_once (rp, FALSE, x0->id, in_swap_window (by, k), "after step %u (%s), %s no longer allows %s", k,
                 step_action_name (step->action), x0->id, text);
    }
}

/* Does ENI still have the access it had in the export, after step K? */
static void
check_eni (Replay *rp, const Eni *eni, guint k, const Step *step)
{
  guint n;
  const char *const *now = state_eni_groups (rp->state, eni->id, &n);

  for (guint i = 0; i < eni->n_groups; i++)
    {
      const char *g0 = eni->groups[i].group_id;
      const Pair *p = g_hash_table_lookup (rp->pairs, g0);

      if (p != NULL && strcmp (p->d, g0) == 0)
        {
          gboolean on_d = groups_contain (now, n, p->d), on_n = groups_contain (now, n, p->n);
          g_autoptr (GHashTable) have = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          const Rule *lost = NULL;
          GHashTableIter iter;
          gpointer key, value;

          if ((on_d && p->d_intact) || (on_n && p->n_complete))
            continue;
          if (p->d0->n_rules == 0 && model_refs_to_group (rp->model, p->d)->len == 0)
            continue; /* D allowed nothing and nothing referenced it */
          /* name the first of D's rules that neither D nor N gives it now */
          for (guint side = 0; side < 2; side++)
            {
              const StateGroup *g = (side == 0 ? on_d : on_n) ? state_group (rp->state, side == 0 ? p->d : p->n) : NULL;

              for (guint r = 0; g != NULL && r < g->rules->len; r++)
                g_hash_table_add (have, rule_key (rp, &g_array_index (g->rules, Rule, r), KEY_NOW));
            }
          g_hash_table_iter_init (&iter, p->d_keys);
          while (g_hash_table_iter_next (&iter, &key, &value))
            if (!g_hash_table_contains (have, key) && (lost == NULL || rule_compare (value, lost) < 0))
              lost = value;
          if (lost != NULL)
            {
              g_autofree char *text = shown_rule (rp, lost);
              fail_once (rp, TRUE, eni->id, in_swap_window (p, k), "after step %u (%s), %s loses %s (a rule of %s)", k,
                         step_action_name (step->action), eni->id, text, p->d);
            }
          else
            fail_once (rp, TRUE, eni->id, in_swap_window (p, k), "after step %u (%s), %s is no longer among the network interfaces "
                       "that rules referencing %s allow", k, step_action_name (step->action), eni->id, p->d);
        }
      else if (!groups_contain (now, n, g0))
        fail_once (rp, TRUE, eni->id, FALSE, "after step %u (%s), %s leaves %s (its rules, and its place in the rules "
                   "that reference %s)", k, step_action_name (step->action), eni->id, g0, g0);
    }
}

/* The text of what STEP touches, to compare before it and after its undo. */
static char *
touched_text (const Replay *rp, const Step *step)
{
  GString *out = g_string_new (NULL);

  const char *const *moved;
  guint n_moved;

  if (step_moves_enis (step, &moved, &n_moved))
    {
      if (step->action == ACTION_MODIFY_RESOURCE_GROUPS)
        {
          guint n;
          const char *const *now = state_resource_groups (rp->state, step->service, step->account, step->region,
                                                          step->resource_id, &n);
          g_autofree const char **sorted = NULL;
          g_autofree char *text = NULL;

          /* no step changed it yet: its interfaces carry its groups */
          if (now == NULL && n_moved > 0)
            now = state_eni_groups (rp->state, moved[0], &n);
          /* nor has it any: it has what the step finds (state_apply checked it) */
          if (now == NULL)
            {
              now = step->groups_before;
              n = step->n_before;
            }
          /* (a service keeps no order) */
          sorted = now != NULL ? g_memdup2 (now, sizeof (char *) * n) : NULL;
          if (sorted != NULL)
            sgplan_qsort (sorted, n, sizeof (char *), sgplan_compare_strings);
          text = step_groups_text (sorted, n);

          g_string_append_printf (out, "%s %s has groups %s; ", step_service_name (step->service),
                                  step->resource_id, text);
        }
      for (guint e = 0; e < n_moved; e++)
        {
          guint n;
          const char *const *now = state_eni_groups (rp->state, moved[e], &n);
          g_autofree char *text = step_groups_text (now, n);

          g_string_append_printf (out, "%s%s has groups %s", e > 0 ? ", " : "", moved[e], text);
        }
    }
  else
    {
      const StateGroup *g = state_group (rp->state, step->group_id);

      if (g == NULL)
        g_string_append_printf (out, "no group %s", shown_id (rp, step->group_id));
      else
        {
          g_autofree char *name = sgplan_quote (g->name);
          g_autofree char *description = sgplan_quote (g->description ? g->description : "");

          g_string_append_printf (out, "%s named %s in %s (%s, %s), description %s; tags", shown_id (rp, g->id),
                                  name, g->vpc_id ? g->vpc_id : "-", g->owner_id, g->region ? g->region : "-",
                                  description);
          for (guint t = 0; t < g->tags->len; t++)
            {
              g_autofree char *key = sgplan_quote (g_array_index (g->tags, Tag, t).key);
              g_autofree char *value = sgplan_quote (g_array_index (g->tags, Tag, t).value);

              g_string_append_printf (out, " %s=%s", key, value);
            }
          g_string_append (out, "; rules");
          for (guint r = 0; r < g->rules->len; r++)
            {
              g_autofree char *text = shown_rule (rp, &g_array_index (g->rules, Rule, r));
              g_string_append_printf (out, "%s %s", r > 0 ? "," : "", text);
            }
        }
    }
  return g_string_free (out, FALSE);
}

static void
note_touches (Replay *rp, const Step *step, guint k)
{
  StateGroup *g;
  const char *const *moved;
  guint n_moved;

  if (step_moves_enis (step, &moved, &n_moved))
    {
      for (guint e = 0; e < n_moved; e++)
        g_hash_table_insert (rp->moved, (gpointer) state_str (rp->state, moved[e]), GUINT_TO_POINTER (k));
      return;
    }
  if (!step_action_is_rules (step->action))
    {
      g_hash_table_insert (rp->made_by, (gpointer) state_str (rp->state, step->group_id), GUINT_TO_POINTER (k));
      return;
    }
  g = state_group (rp->state, step->group_id);
  for (guint i = 0; i < step->n_rules; i++)
    {
      const Rule *r = &step->rules[i];
      g_autofree char *key = rule_key (rp, r, KEY_ANY);
      Pair *p = r->peer_kind == PEER_GROUP ? g_hash_table_lookup (rp->pairs, r->peer) : NULL;

      g_hash_table_insert (rp->touched_by, g_strconcat (step->group_id, " ", key, NULL), GUINT_TO_POINTER (k));
      if (p != NULL && g != NULL)
        g_hash_table_add (p->referrers, (gpointer) g->id);
    }
}

static gint
eni_compare (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Eni *) a)->id, ((const Eni *) b)->id);
}

/* After step K: what changed, and what it proves. */
static void
after_step (Replay *rp, const Step *step, guint k)
{
  g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) changed = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GHashTable) enis = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GList) sorted_groups = NULL, sorted_enis = NULL;
  GHashTableIter iter;
  gpointer key;
  const char *const *moved;
  guint n_moved;

  if (step_moves_enis (step, &moved, &n_moved))
    {
      for (guint m = 0; m < n_moved; m++)
        {
          const Eni *eni = model_eni (rp->model, moved[m]);

          /* the pairs whose D this ENI carried in the export */
          for (guint i = 0; eni != NULL && i < eni->n_groups; i++)
            {
              Pair *p = g_hash_table_lookup (rp->pairs, eni->groups[i].group_id);
              gboolean d_full, n_full;

              if (p == NULL || strcmp (p->d, eni->groups[i].group_id) != 0)
                continue;
              d_full = p->d_full;
              n_full = p->n_full;
              p->on_d += groups_contain (step->groups_after, step->n_after, p->d);
              p->on_d -= groups_contain (step->groups_before, step->n_before, p->d);
              p->on_n += groups_contain (step->groups_after, step->n_after, p->n);
              p->on_n -= groups_contain (step->groups_before, step->n_before, p->n);
              p->d_full = p->on_d == p->d0_enis->len;
              p->n_full = p->n != NULL && p->on_n == p->d0_enis->len;
              if (d_full != p->d_full || n_full != p->n_full)
                {
                  /* what rules referencing D or N allow has changed */
                  g_hash_table_add (groups, (gpointer) p->d);
                  if (p->n != NULL)
                    g_hash_table_add (groups, (gpointer) p->n);
                  g_hash_table_iter_init (&iter, p->referrers);
                  while (g_hash_table_iter_next (&iter, &key, NULL))
                    g_hash_table_add (groups, key);
                }
            }
          if (eni != NULL)
            g_hash_table_add (enis, (gpointer) eni);
        }
    }
  else
    g_hash_table_add (groups, (gpointer) step->group_id);
  /* in sorted order: the first failures are the ones reported */
  sorted_groups = g_list_sort (g_hash_table_get_keys (groups), (GCompareFunc) strcmp);
  for (GList *l = sorted_groups; l != NULL; l = l->next)
    recheck_group (rp, l->data, k, step, changed);
  g_hash_table_iter_init (&iter, changed);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const Pair *p = key;

      for (guint i = 0; i < p->d0_enis->len; i++)
        g_hash_table_add (enis, p->d0_enis->pdata[i]);
    }
  sorted_enis = g_list_sort (g_hash_table_get_keys (enis), eni_compare);
  for (GList *l = sorted_enis; l != NULL; l = l->next)
    check_eni (rp, l->data, k, step);
}

/* Does a warning of P's about a swap name ENI_ID?  The plan names each
 * swapped ENI as a word of its own, so the words of those warnings are
 * indexed once (per ENI a scan of them all made a plan with many swaps
 * quadratic); any other mention is still found by the scan. */
static gboolean
swap_warned (Pair *p, const char *eni_id)
{
  const GPtrArray *warnings = p->cg->warnings;

  if (p->swap_words == NULL)
    {
      p->swap_words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint w = 0; w < warnings->len; w++)
        {
          const char *text = warnings->pdata[w];

          if (strstr (text, "swapped") == NULL)
            continue;
          for (const char *s = text; *s != '\0';)
            {
              gsize len = strcspn (s, " :,;()'\"");

              if (len > 0)
                g_hash_table_add (p->swap_words, g_strndup (s, len));
              s += len;
              if (*s != '\0')
                s++;
            }
        }
    }
  if (g_hash_table_contains (p->swap_words, eni_id))
    return TRUE;
  for (guint w = 0; w < warnings->len; w++)
    if (strstr (warnings->pdata[w], eni_id) != NULL && strstr (warnings->pdata[w], "swapped") != NULL)
      return TRUE;
  return FALSE;
}

/* Is step K a swap of D for N in one call, which the plan warns about? */
static void
note_swap (Replay *rp, const Step *step, guint k)
{
  if (step->action != ACTION_MODIFY_ENI_GROUPS || step->n_before != step->n_after)
    return;
  for (guint i = 0; i < step->n_before; i++)
    {
      Pair *p = g_hash_table_lookup (rp->pairs, step->groups_before[i]);

      if (p == NULL || p->cg->replacement_id == NULL || strcmp (p->d, step->groups_before[i]) != 0
          || strcmp (step->groups_after[i], p->cg->replacement_id) != 0
          || groups_contain (step->groups_after, step->n_after, p->d))
        continue;
      if (!swap_warned (p, step->eni_id))
        continue;
      if (p->swap_first == 0)
        p->swap_first = k;
      p->swap_last = k;
    }
}

static Replay *
replay_new (const Model *model, const ChangeSet *cs)
{
  Replay *rp = g_new0 (Replay, 1);

  rp->model = model;
  rp->cs = cs;
  rp->pairs = g_hash_table_new (g_str_hash, g_str_equal);
  rp->pair_list = g_ptr_array_new_with_free_func (pair_free);
  rp->x_keys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_hash_table_unref);
  rp->touched_by = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rp->made_by = g_hash_table_new (g_str_hash, g_str_equal);
  rp->moved = g_hash_table_new (g_str_hash, g_str_equal);
  rp->failed = g_hash_table_new (g_str_hash, g_str_equal);
  rp->eni_fail = g_string_new (NULL);
  rp->group_fail = g_string_new (NULL);
  rp->swap_loss = g_string_new (NULL);
  rp->state = state_new (model);
  /* every default group the plan changes: by its label, or by having steps */
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];
      const Group *d0 = model_group (model, cg->group_id);
      Pair *p;

      if (d0 == NULL || (cg->decision != DECISION_REVOKE && cg->decision != DECISION_MIGRATE && cg->n_steps == 0)
          || g_hash_table_contains (rp->pairs, d0->id))
        continue;
      p = g_new0 (Pair, 1);
      p->cg = cg;
      p->d = d0->id;
      p->d0 = d0;
      if (cg->replacement_id != NULL)
        {
          g_autofree char *n_id = apply_new_group_id (cg->replacement_id);
          p->n = state_str (rp->state, n_id);
        }
      p->d0_enis = model_enis_of_group (model, d0->id);
      p->referrers = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint r = 0; r < model_refs_to_group (model, d0->id)->len; r++)
        g_hash_table_add (p->referrers, (gpointer) ((const RuleRef *) model_refs_to_group (model, d0->id)->pdata[r])->group->id);
      g_ptr_array_add (rp->pair_list, p);
      g_hash_table_insert (rp->pairs, (gpointer) p->d, p);
      if (p->n != NULL)
        g_hash_table_insert (rp->pairs, (gpointer) p->n, p);
    }
  for (guint i = 0; i < cs->steps->len; i++)
    note_swap (rp, cs->steps->pdata[i], i + 1);
  for (guint i = 0; i < rp->pair_list->len; i++)
    {
      Pair *p = rp->pair_list->pdata[i];

      p->d_keys = rule_keys (rp, p->d0->rules, p->d0->n_rules, KEY_EXPORT);
      pair_count (p, rp->state);
      p->d_intact = TRUE;
    }
  return rp;
}

static void
replay_free (Replay *rp)
{
  if (rp == NULL)
    return;
  g_hash_table_unref (rp->x_keys);
  g_hash_table_unref (rp->pairs);
  g_ptr_array_unref (rp->pair_list);
  g_hash_table_unref (rp->touched_by);
  g_hash_table_unref (rp->made_by);
  g_hash_table_unref (rp->moved);
  g_hash_table_unref (rp->failed);
  g_string_free (rp->eni_fail, TRUE);
  g_string_free (rp->group_fail, TRUE);
  g_string_free (rp->swap_loss, TRUE);
  state_free (rp->state);
  g_free (rp);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Replay, replay_free)

/* N's rules after the plan (FINAL: the state after every step), by key. */
static void
note_final (Replay *rp, State *final)
{
  for (guint i = 0; i < rp->pair_list->len; i++)
    {
      Pair *p = rp->pair_list->pdata[i];
      const StateGroup *n = p->n != NULL ? state_group (final, p->n) : NULL;

      if (n != NULL)
        p->n_final = rule_keys (rp, (const Rule *) (void *) n->rules->data, n->rules->len, KEY_ANY);
    }
}

static const char *
step_that (const Replay *rp, const char *group_id, const Rule *r, GString *buf)
{
  g_autofree char *key = rule_key (rp, r, KEY_ANY);
  g_autofree char *full = g_strconcat (group_id, " ", key, NULL);
  guint k = GPOINTER_TO_UINT (g_hash_table_lookup (rp->touched_by, full));

  g_string_truncate (buf, 0);
  if (k == 0)
    g_string_append (buf, "no step");
  else
    g_string_append_printf (buf, "step %u (%s)", k, step_action_name (((const Step *) rp->cs->steps->pdata[k - 1])->action));
  return buf->str;
}

/* Compare a group's rules after the plan with WANT. */
static void
compare_group_end (Replay *rp, const char *group_id, GHashTable *want, const char *what)
{
  const StateGroup *g = state_group (rp->state, group_id);
  /* KEY_ANY: whether a peer D or N still holds D's ENIs at the end is proved
   * by "connectivity" (each ENI ends with its groups, N for D) and
   * "compliant" (no ENI on D, no rule referencing it) */
  g_autoptr (GHashTable) now = rule_keys (rp, (const Rule *) (void *) g->rules->data, g->rules->len, KEY_ANY);
  g_autoptr (GString) buf = g_string_new (NULL);
  const Rule *missing = NULL, *extra = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, want);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (now, key) && (missing == NULL || rule_compare (value, missing) < 0))
      missing = value;
  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (want, key) && (extra == NULL || rule_compare (value, extra) < 0))
      extra = value;
  if (extra != NULL)
    {
      g_autofree char *text = shown_rule (rp, extra);
      fail_once (rp, FALSE, group_id, FALSE, "%s gives %s %s, which %s", step_that (rp, group_id, extra, buf),
                 shown_id (rp, group_id), text, what);
    }
  else if (missing != NULL)
    {
      g_autofree char *text = shown_rule (rp, missing);
      const char *by = step_that (rp, group_id, missing, buf);
      fail_once (rp, FALSE, group_id, FALSE, "after the plan %s lacks %s (%s %s)", shown_id (rp, group_id), text, by,
                 strcmp (by, "no step") == 0 ? "gives it" : "takes it away");
    }
}

static void
check_groups_end (Replay *rp)
{
  g_autoptr (GList) ids = g_list_sort (g_hash_table_get_keys (rp->state->groups), (GCompareFunc) strcmp);
  g_autoptr (GString) buf = g_string_new (NULL);

  for (guint i = 0; i < rp->model->group_list->len; i++)
    {
      const Group *x0 = rp->model->group_list->pdata[i];
      const Pair *p = g_hash_table_lookup (rp->pairs, x0->id);
      const StateGroup *g = state_group (rp->state, x0->id);

      if (g == NULL)
        fail_once (rp, FALSE, x0->id, FALSE, "step %u deletes %s", GPOINTER_TO_UINT (g_hash_table_lookup (rp->made_by, x0->id)),
                   x0->id);
      else if (p != NULL)
        {
          /* a planned default group: only revokes of its own rules */
          g_autoptr (GHashTable) own = rule_keys (rp, x0->rules, x0->n_rules, KEY_ANY);

          for (guint r = 0; r < g->rules->len; r++)
            {
              const Rule *rule = &g_array_index (g->rules, Rule, r);
              g_autofree char *key = rule_key (rp, rule, KEY_ANY);

              if (!g_hash_table_contains (own, key))
                {
                  g_autofree char *text = shown_rule (rp, rule);
                  fail_once (rp, FALSE, x0->id, FALSE, "%s gives %s %s, which it did not have",
                             step_that (rp, x0->id, rule, buf), x0->id, text);
                  break;
                }
            }
        }
      else
        compare_group_end (rp, x0->id, export_keys (rp, x0), "the export does not have");
    }
  for (GList *l = ids; l != NULL; l = l->next)
    {
      const Pair *p = g_hash_table_lookup (rp->pairs, l->data);

      if (model_group (rp->model, l->data) != NULL)
        continue;
      if (p == NULL)
        fail_once (rp, FALSE, l->data, FALSE, "step %u creates %s, which replaces no planned default group",
                   GPOINTER_TO_UINT (g_hash_table_lookup (rp->made_by, l->data)), (const char *) l->data);
      else
        {
          g_autofree char *what = g_strdup_printf ("%s does not have", p->d);
          compare_group_end (rp, l->data, p->d_keys, what);
        }
    }
  for (guint i = 0; i < rp->pair_list->len; i++)
    {
      const Pair *p = rp->pair_list->pdata[i];

      if (p->n != NULL && state_group (rp->state, p->n) == NULL)
        fail_once (rp, FALSE, p->n, FALSE, "after the plan the replacement %s of %s does not exist",
                   p->cg->replacement_id, p->d);
    }
}

/* At the end, an ENI's groups are its exported ones, D and N counted as one. */
static void
check_enis_end (Replay *rp)
{
  g_autoptr (GList) ids = g_list_sort (g_hash_table_get_keys (rp->moved), (GCompareFunc) strcmp);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      const Eni *eni = model_eni (rp->model, l->data);
      guint n;
      const char *const *now = state_eni_groups (rp->state, l->data, &n);

      for (guint i = 0; eni != NULL && i < n; i++)
        {
          const Pair *p = g_hash_table_lookup (rp->pairs, now[i]);
          gboolean had = FALSE;

          for (guint j = 0; j < eni->n_groups && !had; j++)
            had = strcmp (eni->groups[j].group_id, now[i]) == 0
                  || (p != NULL && p->n != NULL && strcmp (eni->groups[j].group_id, p->d) == 0);
          if (!had)
            fail_once (rp, TRUE, eni->id, FALSE, "after the plan %s carries %s (step %u), which it did not in the export",
                       eni->id, shown_id (rp, now[i]), GPOINTER_TO_UINT (g_hash_table_lookup (rp->moved, l->data)));
        }
    }
}

/* Replay the steps one by one: apply, undo and redo (rollback from any
 * prefix), and what each proves for ENIs and groups.
 *
 * Rollback from any prefix: the rollback after steps 1..k runs the rollback
 * entries that undo k, k-1, ..., 1, which the "rollback" check proved to be
 * the exact inverses of those steps in reverse order.  So it restores the
 * export if, for every j, the inverse of step j applied to S_j (the state
 * after steps 1..j) gives back exactly S_{j-1}: then by induction from S_k
 * the entries lead to S_{k-1}, ..., S_0, the export.  A step changes only
 * the one group or ENI it names (state_apply), so S_j and S_{j-1} differ only
 * there, and comparing that object before step j and after its undo proves
 * the equality, in time linear in the step. */
static void
check_steps (Validation *v, const ChangeSet *cs, const Model *model, State *final, gboolean rollback_sound)
{
  g_autoptr (Replay) rp = replay_new (model, cs);
  g_autoptr (GString) undo_fail = g_string_new (NULL);
  guint n = cs->steps->len;

  note_final (rp, final);
  for (guint k = 1; k <= n; k++)
    {
      g_autoptr (Step) step = apply_resolve_step (cs->steps->pdata[k - 1], rp->state->strings);
      g_autofree char *before = NULL;
      g_autoptr (GError) local = NULL;

      before = touched_text (rp, step);
      if (!state_apply (rp->state, step, &local))
        {
          /* the full replay applied; this cannot happen */
          g_string_append_printf (undo_fail, "step %u does not apply: %s", k, local->message);
          break;
        }
      if (rollback_sound && undo_fail->len == 0)
        {
          g_autoptr (Step) undo = apply_resolve_step (cs->rollback->pdata[n - k], rp->state->strings);
          g_autofree char *after_undo = NULL;

          if (!state_apply (rp->state, undo, &local))
            g_string_append_printf (undo_fail, "stopped after step %u, the rollback does not apply: %s", k,
                                    local->message);
          else
            {
              after_undo = touched_text (rp, step);
              if (strcmp (before, after_undo) != 0)
                g_string_append_printf (undo_fail, "undoing step %u (%s) does not restore what it changed: "
                                        "before it, %s; after its undo, %s", k, step_action_name (step->action),
                                        before, after_undo);
              if (!state_apply (rp->state, step, &local))
                {
                  g_string_append_printf (undo_fail, "step %u does not apply again after its undo: %s", k,
                                          local->message);
                  break;
                }
            }
        }
      note_touches (rp, step, k);
      after_step (rp, step, k);
    }
  if (rp->n_group_fail == 0)
    check_groups_end (rp);
  if (rp->n_eni_fail == 0)
    check_enis_end (rp);

  if (rp->n_eni_fail == 0 && rp->n_swap_loss > 0)
    report (v, "connectivity", CHECK_WARN, "only while network interfaces at the groups-per-ENI quota are swapped "
            "from a default group to its replacement, as the plan warns, %u network interface%s or group%s lose "
            "access for a moment: %s%s", rp->n_swap_loss, rp->n_swap_loss == 1 ? "" : "s",
            rp->n_swap_loss == 1 ? "" : "s", rp->swap_loss->str, rp->n_swap_loss > 3 ? "; ..." : "");
  else if (rp->n_eni_fail > 0)
    report (v, "connectivity", CHECK_FAIL, "%u network interface%s lose%s access: %s%s", rp->n_eni_fail,
            rp->n_eni_fail == 1 ? "" : "s", rp->n_eni_fail == 1 ? "s" : "", rp->eni_fail->str,
            rp->n_eni_fail > 3 ? "; ..." : "");
  else
    report (v, "connectivity", CHECK_PASS,
            "after every one of the %u steps each of the %u network interfaces keeps at least its access, "
            "and after the last exactly its access", n, model->eni_list->len);
  if (rp->n_group_fail > 0)
    report (v, "groups", CHECK_FAIL, "%s%s", rp->group_fail->str, rp->n_group_fail > 3 ? "; ..." : "");
  else
    report (v, "groups", CHECK_PASS,
            "after every step each of the %u groups keeps at least its rules; after the last, each has exactly "
            "its rules but the planned revokes and re-pointed references, and each replacement exactly its "
            "default group's", model->group_list->len);
  if (!rollback_sound)
    report (v, "rollback-prefix", CHECK_SKIP, "the rollback is not the inverses of the steps");
  else if (undo_fail->len > 0)
    report (v, "rollback-prefix", CHECK_FAIL, "%s", undo_fail->str);
  else
    report (v, "rollback-prefix", CHECK_PASS,
            "stopped after any of the %u steps, the rollback restores the export exactly", n);
}
/* --after: replacement groups are found by their sgplan:replaces tag. */
static void
check_after (Validation *v, const ChangeSet *cs, State *predicted, const Model *after)
{
  g_autoptr (GHashTable) to_real = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (State) actual = state_new (after);
  g_autoptr (Lines) want = NULL, got = NULL;
  g_autoptr (GHashTable) tagged = g_hash_table_new (g_str_hash, g_str_equal); /* D -> first group tagged so */
  g_autofree char *difference = NULL;

  for (guint g = 0; g < after->group_list->len; g++)
    {
      const Group *group = after->group_list->pdata[g];

      for (guint t = 0; t < group->n_tags; t++)
        if (strcmp (group->tags[t].key, "sgplan:replaces") == 0 && !g_hash_table_contains (tagged, group->tags[t].value))
          g_hash_table_insert (tagged, (gpointer) group->tags[t].value, (gpointer) group->id);
    }
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];
      const char *real;

      if (cg->replacement_id == NULL)
        continue;
      real = g_hash_table_lookup (tagged, cg->group_id);
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
  difference = state_difference (want->lines, got->lines);
  if (difference != NULL)
    report (v, "after", CHECK_FAIL, "the account is not as the plan predicted: %s", difference);
  else
    report (v, "after", CHECK_PASS, "the after export is the state the plan predicted (%u replacement group%s matched by tag)",
            g_hash_table_size (to_real), g_hash_table_size (to_real) == 1 ? "" : "s");
}

/* ---- The change set on its own ----------------------------------------- */

static guint
step_hash (gconstpointer data)
{
  const Step *s = data;
  guint h = (guint) s->action * 31u + s->n_rules * 7u + s->n_after;

  if (s->group_id != NULL)
    h = h * 31u + g_str_hash (s->group_id);
  if (s->eni_id != NULL)
    h = h * 31u + g_str_hash (s->eni_id);
  if (s->resource_id != NULL)
    h = h * 31u + g_str_hash (s->resource_id);
  if (s->n_rules > 0 && s->rules[0].peer != NULL)
    h = h * 31u + g_str_hash (s->rules[0].peer);
  return h;
}

static gboolean
step_hash_equal (gconstpointer a, gconstpointer b)
{
  return step_equal (a, b);
}

/* A step that repeats an earlier one is a copy-paste slip: say so. */
static void
check_duplicates (Validation *v, const ChangeSet *cs)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (step_hash, step_hash_equal);

  for (guint i = 0; i < cs->steps->len; i++)
    {
      const Step *step = cs->steps->pdata[i];
      gpointer first;

      if (g_hash_table_lookup_extended (seen, step, NULL, &first))
        {
          report (v, "duplicates", CHECK_FAIL, "step %u (%s) repeats step %u", i + 1,
                  step_action_name (step->action), GPOINTER_TO_UINT (first));
          return;
        }
      g_hash_table_insert (seen, (gpointer) step, GUINT_TO_POINTER (i + 1));
    }
  report (v, "duplicates", CHECK_PASS, "no step repeats another");
}

/* Each decision label says what its steps may do. */
static void
check_decisions (Validation *v, const ChangeSet *cs)
{
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];
      const char *label = decision_name (cg->decision);

      for (guint s = 0; s < cg->n_steps; s++)
        {
          const Step *step = cs->steps->pdata[cg->first_step + s];
          guint id = cg->first_step + s + 1;

          if (cg->decision == DECISION_COMPLIANT || cg->decision == DECISION_BLOCKED
              || cg->decision == DECISION_EXCEPTED)
            {
              report (v, "decisions", CHECK_FAIL, "%s is labelled %s, which changes nothing, but has step %u (%s)",
                      cg->group_id, label, id, step_action_name (step->action));
              return;
            }
          if (cg->decision == DECISION_REVOKE
              && ((step->action != ACTION_REVOKE_INGRESS && step->action != ACTION_REVOKE_EGRESS)
                  || strcmp (step->group_id, cg->group_id) != 0))
            {
              report (v, "decisions", CHECK_FAIL, "%s is labelled revoke, which only revokes its own rules, "
                      "but step %u is %s on %s", cg->group_id, id, step_action_name (step->action),
                      step->group_id != NULL ? step->group_id
                      : step->eni_id != NULL ? step->eni_id : step->resource_id);
              return;
            }
          if (cg->decision == DECISION_MIGRATE && s == 0
              && (step->action != ACTION_CREATE_GROUP || g_strcmp0 (step->group_id, cg->replacement_id) != 0))
            {
              report (v, "decisions", CHECK_FAIL, "%s is labelled migrate, which starts by creating %s, but its "
                      "first step %u is %s", cg->group_id, cg->replacement_id, id, step_action_name (step->action));
              return;
            }
        }
      if ((cg->decision == DECISION_REVOKE || cg->decision == DECISION_MIGRATE) && cg->n_steps == 0)
        {
          report (v, "decisions", CHECK_FAIL, "%s is labelled %s but has no steps", cg->group_id, label);
          return;
        }
      if (cg->decision != DECISION_MIGRATE && cg->replacement_id != NULL)
        {
          report (v, "decisions", CHECK_FAIL, "%s is labelled %s but has a replacement", cg->group_id, label);
          return;
        }
    }
  report (v, "decisions", CHECK_PASS, "each decision label matches its steps");
}

/* Each replacement: in its default group's VPC, account and region, tagged
 * sgplan:replaces=D (what the script and validate --after find it by), and
 * named as AWS accepts.  With the export, D's place is the export's. */
static void
check_replacements (Validation *v, const ChangeSet *cs, const Model *model)
{
  g_autoptr (GHashTable) creates = g_hash_table_new (g_str_hash, g_str_equal);
  guint count = 0;

  for (guint i = 0; i < cs->steps->len; i++)
    {
      const Step *step = cs->steps->pdata[i];

      if (step->action == ACTION_CREATE_GROUP && !g_hash_table_contains (creates, step->group_id))
        g_hash_table_insert (creates, (gpointer) step->group_id, GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];
      const Group *d = model != NULL ? model_group (model, cg->group_id) : NULL;
      const char *vpc = d != NULL ? d->vpc_id : cg->vpc_id, *account = d != NULL ? d->owner_id : cg->owner_id;
      const char *region = d != NULL ? d->region : cg->region;
      guint id;
      const Step *create;
      const char *problem, *tag = NULL;

      if (cg->replacement_id == NULL)
        continue;
      count++;
      id = GPOINTER_TO_UINT (g_hash_table_lookup (creates, cg->replacement_id));
      if (id == 0)
        {
          report (v, "replacements", CHECK_FAIL, "no step creates %s, the replacement of %s", cg->replacement_id,
                  cg->group_id);
          return;
        }
      create = cs->steps->pdata[id - 1];
      for (guint t = 0; t < create->n_tags; t++)
        if (strcmp (create->tags[t].key, "sgplan:replaces") == 0)
          tag = create->tags[t].value;
      problem = plan_group_name_problem (create->group_name);
      if (g_strcmp0 (create->vpc_id, vpc) != 0 || g_strcmp0 (create->account, account) != 0
          || g_strcmp0 (create->region, region) != 0)
        report (v, "replacements", CHECK_FAIL, "step %u creates %s in %s (account %s, %s); %s is in %s "
                "(account %s, %s)", id, cg->replacement_id, create->vpc_id, create->account, create->region,
                cg->group_id, vpc, account, region != NULL ? region : "-");
      else if (g_strcmp0 (tag, cg->group_id) != 0)
        report (v, "replacements", CHECK_FAIL, "step %u creates %s without the tag sgplan:replaces=%s "
                "(the script and validate --after find the replacement by it)", id, cg->replacement_id,
                cg->group_id);
      else if (problem != NULL || g_strcmp0 (create->group_name, cg->replacement_name) != 0)
        {
          g_autofree char *name = sgplan_quote (create->group_name);
          g_autofree char *planned = sgplan_quote (cg->replacement_name ? cg->replacement_name : "");

          if (problem != NULL)
            report (v, "replacements", CHECK_FAIL, "step %u names %s %s, which AWS refuses: %s", id,
                    cg->replacement_id, name, problem);
          else
            report (v, "replacements", CHECK_FAIL, "step %u names %s %s; the plan says %s", id,
                    cg->replacement_id, name, planned);
        }
      else
        continue;
      return;
    }
  report (v, "replacements", CHECK_PASS, "%u replacement%s, each created in its default group's VPC, account and "
          "region with the sgplan:replaces tag and a name AWS accepts", count, count == 1 ? "" : "s");
}

/* ---- The change set against its export ----------------------------------- */

/* preflight.default_groups: every user of each planned default group, as
 * exported (the script stops on any live difference from it). */
static gboolean
check_default_users (Validation *v, const ChangeSet *cs, const Model *model)
{
  g_autoptr (GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < cs->expected_defaults->len; i++)
    {
      const ChangeSetDefaultUsers *u = cs->expected_defaults->pdata[i];
      const Group *d = model_group (model, u->group_id);
      GPtrArray *enis, *refs;
      guint n_refs = 0;
      gboolean same;

      g_hash_table_add (listed, (gpointer) u->group_id);
      if (d == NULL || g_strcmp0 (u->account, d->owner_id) != 0 || g_strcmp0 (u->region, d->region) != 0
          || g_strcmp0 (u->vpc_id, d->vpc_id) != 0)
        {
          report (v, "preflight", CHECK_FAIL, "preflight default group %s (%s, %s, %s) is not so in the export",
                  u->group_id, u->vpc_id, u->account, u->region);
          return FALSE;
        }
      enis = model_enis_of_group (model, d->id);
      same = enis->len == u->n_enis;
      for (guint e = 0; same && e < u->n_enis; e++)
        same = strcmp (((const Eni *) enis->pdata[e])->id, u->enis[e]) == 0;
      if (!same)
        {
          g_autoptr (GHashTable) in_preflight = g_hash_table_new (g_str_hash, g_str_equal);
          const char *missing = NULL;

          for (guint e = 0; e < u->n_enis; e++)
            g_hash_table_add (in_preflight, (gpointer) u->enis[e]);
          for (guint e = 0; e < enis->len && missing == NULL; e++)
            if (!g_hash_table_contains (in_preflight, ((const Eni *) enis->pdata[e])->id))
              missing = ((const Eni *) enis->pdata[e])->id;
          report (v, "preflight", CHECK_FAIL, "preflight lists %u network interfaces on %s; the export has %u%s%s "
                  "(the script would not notice a difference)", u->n_enis, d->id, enis->len,
                  missing != NULL ? ", among them " : "", missing != NULL ? missing : "");
          return FALSE;
        }
      refs = model_refs_to_group (model, d->id);
      same = refs->len == u->n_referencing_rules;
      for (guint r = 0; same && r < refs->len; r++)
        {
          const RuleRef *ref = refs->pdata[r];

          same = strcmp (ref->group->id, u->referencing_rules[r].group_id) == 0
                 && rule_same_identity (ref->rule, &u->referencing_rules[r].rule)
                 && g_strcmp0 (ref->rule->description, u->referencing_rules[r].rule.description) == 0;
        }
      if (!same)
        {
          const RuleRef *missing = NULL;

          for (guint r = 0; r < refs->len && missing == NULL; r++)
            {
              const RuleRef *ref = refs->pdata[r];
              gboolean listed_rule = FALSE;

              for (guint k = 0; k < u->n_referencing_rules && !listed_rule; k++)
                listed_rule = strcmp (ref->group->id, u->referencing_rules[k].group_id) == 0
                              && rule_same_identity (ref->rule, &u->referencing_rules[k].rule)
                              && g_strcmp0 (ref->rule->description, u->referencing_rules[k].rule.description) == 0;
              if (!listed_rule)
                missing = ref;
            }
          if (missing != NULL)
            {
              g_autofree char *text = rule_describe (missing->rule);
              report (v, "preflight", CHECK_FAIL, "preflight lists %u rules referencing %s; the export has %u, "
                      "among them %s of %s", u->n_referencing_rules, d->id, refs->len, text, missing->group->id);
            }
          else
            report (v, "preflight", CHECK_FAIL, "preflight lists %u rules referencing %s; they are not the export's %u",
                    u->n_referencing_rules, d->id, refs->len);
          return FALSE;
        }
      if (u->has_references
          != ((model_coverage (model, d->owner_id, d->region) & MODEL_DOC_REFERENCES) != 0))
        {
          report (v, "preflight", CHECK_FAIL, "preflight %s describe-security-group-references for %s, but the "
                  "export %s them", u->has_references ? "has" : "lacks", d->id,
                  u->has_references ? "does not have" : "has");
          return FALSE;
        }
      for (guint r = model_references_start (model, d->id); r < model->references->len; r++)
        {
          const GroupReference *ref = model->references->pdata[r];

          if (strcmp (ref->group_id, d->id) != 0)
            break;
          same = u->has_references && n_refs < u->n_references
                 && g_strcmp0 (ref->referencing_vpc, u->references[n_refs].referencing_vpc) == 0
                 && g_strcmp0 (ref->peering_id, u->references[n_refs].peering_id) == 0;
          n_refs++;
          if (!same)
            break;
        }
      if (u->has_references && n_refs != u->n_references)
        same = FALSE;
      if (!same)
        {
          report (v, "preflight", CHECK_FAIL, "preflight lists %u references to %s from other VPCs; the export has %u",
                  u->n_references, d->id, n_refs);
          return FALSE;
        }
    }
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];

      if ((cg->decision == DECISION_REVOKE || cg->decision == DECISION_MIGRATE)
          && !g_hash_table_contains (listed, cg->group_id))
        {
          report (v, "preflight", CHECK_FAIL, "the preflight does not list the users of %s, which the plan %s",
                  cg->group_id, cg->decision == DECISION_REVOKE ? "revokes" : "migrates");
          return FALSE;
        }
    }
  return TRUE;
}

/* The preflight section is what the script compares the live account with:
 * it must be the export, for everything the steps touch. */
static void
check_preflight (Validation *v, const ChangeSet *cs, const Model *model)
{
  g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) enis = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < cs->expected_groups->len; i++)
    {
      const ChangeSetExpected *e = cs->expected_groups->pdata[i];
      const Group *g = model_group (model, e->id);
      g_autofree Rule *sorted = g_memdup2 (e->rules, sizeof (Rule) * e->n_rules);

      sgplan_qsort (sorted, e->n_rules, sizeof (Rule), rule_qsort);
      g_hash_table_add (groups, (gpointer) e->id);
      if (g == NULL)
        {
          report (v, "preflight", CHECK_FAIL, "preflight group %s is not in the export", e->id);
          return;
        }
      if (g_strcmp0 (e->account, g->owner_id) != 0 || g_strcmp0 (e->region, g->region) != 0)
        {
          report (v, "preflight", CHECK_FAIL, "preflight puts group %s in %s %s; the export in %s %s", e->id,
                  e->account, e->region, g->owner_id, g->region != NULL ? g->region : "-");
          return;
        }
      if (!rules_match (g->rules, g->n_rules, sorted, e->n_rules))
        {
          report (v, "preflight", CHECK_FAIL, "the preflight's rules of group %s (%u) are not its rules in the "
                  "export (%u)", e->id, e->n_rules, g->n_rules);
          return;
        }
    }
  for (guint i = 0; i < cs->expected_enis->len; i++)
    {
      const ChangeSetExpected *e = cs->expected_enis->pdata[i];
      const Eni *eni = model_eni (model, e->id);
      gboolean same = eni != NULL && eni->n_groups == e->n_groups;

      g_hash_table_add (enis, (gpointer) e->id);
      for (guint g = 0; same && g < e->n_groups; g++)
        same = strcmp (eni->groups[g].group_id, e->groups[g]) == 0;
      if (!same || g_strcmp0 (e->account, eni->common->owner_id) != 0 || g_strcmp0 (e->region, eni->common->region) != 0)
        {
          g_autofree char *want = step_groups_text (e->groups, e->n_groups);
          report (v, "preflight", CHECK_FAIL, "preflight network interface %s (groups %s, %s %s) is not as in the "
                  "export", e->id, want, e->account, e->region);
          return;
        }
    }
  for (guint i = 0; i < cs->steps->len; i++)
    {
      const Step *step = cs->steps->pdata[i];

      const char *const *moved;
      guint n_moved;

      step_moves_enis (step, &moved, &n_moved);
      for (guint e = 0; e < n_moved; e++)
        if (model_eni (model, moved[e]) != NULL && !g_hash_table_contains (enis, moved[e]))
          {
            report (v, "preflight", CHECK_FAIL, "step %u changes %s, which the preflight does not compare", i + 1,
                    moved[e]);
            return;
          }
      if (step_action_is_rules (step->action) && model_group (model, step->group_id) != NULL
          && !g_hash_table_contains (groups, step->group_id))
        {
          report (v, "preflight", CHECK_FAIL, "step %u changes %s, which the preflight does not compare", i + 1,
                  step->group_id);
          return;
        }
    }
  if (!check_default_users (v, cs, model))
    return;
  report (v, "preflight", CHECK_PASS, "the preflight's %u groups, %u network interfaces and the users of %u default "
          "groups are the export's, and cover every group and network interface a step changes",
          cs->expected_groups->len, cs->expected_enis->len, cs->expected_defaults->len);
}

/* Each default group's place and findings, as counted in the export. */
static void
check_findings (Validation *v, const ChangeSet *cs, const Model *model)
{
  g_autoptr (Analysis) analysis = analysis_run (model);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < analysis->findings->len; i++)
    {
      const Finding *f = analysis->findings->pdata[i];
      g_hash_table_insert (by_id, (gpointer) f->group->id, (gpointer) f);
    }
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];
      const Finding *f = g_hash_table_lookup (by_id, cg->group_id);
      const Group *d = f != NULL ? f->group : NULL;

      if (d == NULL)
        report (v, "findings", CHECK_FAIL, "%s is not a default group of the export", cg->group_id);
      else if (g_strcmp0 (cg->vpc_id, d->vpc_id) != 0 || g_strcmp0 (cg->owner_id, d->owner_id) != 0
               || g_strcmp0 (cg->region, d->region) != 0)
        report (v, "findings", CHECK_FAIL, "the plan puts %s in %s (account %s, %s); the export in %s (account %s, %s)",
                cg->group_id, cg->vpc_id, cg->owner_id, cg->region, d->vpc_id, d->owner_id,
                d->region != NULL ? d->region : "-");
      else if (cg->n_rules != d->n_rules || cg->n_attached != f->enis->len
               || cg->n_references != f->references->len || cg->n_outside != f->outside->len)
        report (v, "findings", CHECK_FAIL, "the plan finds %u rules, %u network interfaces, %u references and %u "
                "outside references for %s; the export has %u, %u, %u and %u", cg->n_rules, cg->n_attached,
                cg->n_references, cg->n_outside, cg->group_id, d->n_rules, f->enis->len, f->references->len,
                f->outside->len);
      else
        continue;
      return;
    }
  report (v, "findings", CHECK_PASS, "each default group's place, rules, network interfaces and references are "
          "the export's");
}

/* Blocked groups and expired exceptions: the plan is sound, but leaves
 * default groups non-compliant that someone must look at. */
static void
check_blocked (Validation *v, const ChangeSet *cs, const char *date)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];

      if (cg->decision == DECISION_BLOCKED)
        {
          g_ptr_array_add (v->blocked, g_strdup (cg->group_id));
          g_string_append_printf (out, "%s%s is blocked: %s", out->len > 0 ? "; " : "", cg->group_id,
                                  cg->reason != NULL ? cg->reason : "no reason given");
        }
      else if (cg->decision == DECISION_EXCEPTED && cg->exception_expires != NULL
               && strcmp (cg->exception_expires, date) < 0)
        {
          g_ptr_array_add (v->expired, g_strdup (cg->group_id));
          g_string_append_printf (out, "%sthe exception for %s expired on %s", out->len > 0 ? "; " : "",
                                  cg->group_id, cg->exception_expires);
        }
    }
  if (out->len > 0)
    report (v, "blocked", CHECK_WARN, "%s", out->str);
  else
    report (v, "blocked", CHECK_PASS, "no default group is blocked, and no exception has expired on %s", date);
  g_string_free (out, TRUE);
}

static gboolean
failed (const Validation *v, const char *name)
{
  for (guint i = 0; i < v->results->len; i++)
    {
      const CheckResult *r = v->results->pdata[i];

      if (strcmp (r->name, name) == 0)
        return r->status == CHECK_FAIL;
    }
  return FALSE;
}

static void
skip_rest (Validation *v, const char *const *names, guint n, const char *why)
{
  for (guint i = 0; i < n; i++)
    report (v, names[i], CHECK_SKIP, "%s", why);
}

Validation *
verify_changeset (const char *plan_path, const Model *export, const Model *after, const VerifyOptions *options,
                  GError **error)
{
  g_autoptr (Validation) v = g_new0 (Validation, 1);
  g_autoptr (ChangeSet) cs = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (State) before = NULL, state = NULL;
  g_autoptr (Lines) original = NULL, restored = NULL;
  g_autofree char *difference = NULL, *today = NULL;
  const char *date = options != NULL ? options->date : NULL;
  static const char *const needs_export[] = { "fingerprint", "findings", "preflight", "apply", "compliant",
                                              "connectivity", "groups", "rollback-prefix", "rollback-exact" };
  gboolean sound;

  v->results = g_ptr_array_new_with_free_func (result_free);
  v->blocked = g_ptr_array_new_with_free_func (g_free);
  v->expired = g_ptr_array_new_with_free_func (g_free);
  v->valid = TRUE;
  v->structure_only = export == NULL;
  if (date == NULL)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      date = today = g_date_time_format (now, "%Y-%m-%d");
    }
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
  check_duplicates (v, cs);
  check_decisions (v, cs);
  check_replacements (v, cs, export);
  check_blocked (v, cs, date);
  if (export == NULL)
    {
      skip_rest (v, needs_export, G_N_ELEMENTS (needs_export), "not checked: --structure-only, no export");
      report (v, "after", CHECK_SKIP, "not checked: --structure-only, no export");
      return g_steal_pointer (&v);
    }
  check_fingerprint (v, cs, export);
  check_findings (v, cs, export);
  check_preflight (v, cs, export);
  /* a change set whose structure is wrong is not replayed: its replay would
   * only repeat the same fault under other names */
  sound = !failed (v, "inverses") && !failed (v, "rollback") && !failed (v, "duplicates");
  if (!sound)
    {
      skip_rest (v, needs_export + 3, G_N_ELEMENTS (needs_export) - 3,
                 "not checked: the steps or their rollback are not sound");
      report (v, "after", CHECK_SKIP, "not checked: the steps or their rollback are not sound");
      return g_steal_pointer (&v);
    }
  before = state_new (export);
  state = state_new (export);
  if (!apply_changeset (state, cs, FALSE, &local))
    {
      report (v, "apply", CHECK_FAIL, "%s", local->message);
      skip_rest (v, needs_export + 4, G_N_ELEMENTS (needs_export) - 4, "not checked: the plan does not apply");
      report (v, "after", CHECK_SKIP, "not checked: the plan does not apply");
      return g_steal_pointer (&v);
    }
  report (v, "apply", CHECK_PASS, "every step's precondition holds, in order");
  check_compliant (v, cs, state);
  check_steps (v, cs, export, state, TRUE);
  if (after != NULL)
    check_after (v, cs, state, after);
  /* the rollback, last: it changes STATE back */
  original = canonical_lines (before, NULL);
  if (!apply_changeset (state, cs, TRUE, &local))
    report (v, "rollback-exact", CHECK_FAIL, "%s", local->message);
  else
    {
      restored = canonical_lines (state, NULL);
      difference = state_difference (original->lines, restored->lines);
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
  return status == CHECK_PASS ? "pass" : status == CHECK_FAIL ? "FAIL" : status == CHECK_WARN ? "WARN" : "skip";
}

const char *
verify_verdict (const Validation *v)
{
  if (!v->valid)
    return "not valid";
  if (v->blocked->len > 0 || v->expired->len > 0)
    return "valid with blocked groups";
  if (v->warned)
    return "valid with warnings";
  return v->structure_only ? "structure valid" : "valid";
}

int
verify_exit_status (const Validation *v)
{
  if (!v->valid)
    return SGPLAN_EXIT_NOT_OK;
  if (v->warned)
    return SGPLAN_EXIT_RESERVED;
  return SGPLAN_EXIT_OK;
}

char *
verify_render_text (const char *plan_path, const Validation *v)
{
  GString *out = g_string_new (NULL);
  const char *verdict = verify_verdict (v);

  g_string_append (out, "validate ");
  sgplan_append_printable (out, plan_path);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < v->results->len; i++)
    {
      const CheckResult *r = v->results->pdata[i];

      static const char *const colours[] = { [CHECK_PASS] = "32", [CHECK_FAIL] = "1;31",
                                             [CHECK_WARN] = "33", [CHECK_SKIP] = "2" };

      g_string_append (out, "  ");
      sgplan_append_coloured (out, colours[r->status], status_name (r->status));
      g_string_append_printf (out, "  %-15s ", r->name);
      sgplan_append_printable (out, r->detail);
      g_string_append_c (out, '\n');
    }
  if (!v->valid)
    {
      sgplan_append_coloured (out, "1;31", "NOT VALID");
      g_string_append_c (out, '\n');
    }
  else
    {
      sgplan_append_coloured (out, strcmp (verdict, "valid") == 0 ? "32" : "33", verdict);
      if (v->structure_only)
        g_string_append (out, " (structure only: not compared with an export, so drift, the preflight, "
                              "the findings, the replay of every step, compliance, connectivity, groups and "
                              "the rollback were not checked)");
      g_string_append_c (out, '\n');
    }
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
  cJSON_AddBoolToObject (root, "valid", verify_exit_status (v) == SGPLAN_EXIT_OK);
  cJSON_AddStringToObject (root, "verdict", verify_verdict (v));
  cJSON_AddBoolToObject (root, "structure_only", v->structure_only);
  cJSON_AddItemToObject (root, "blocked", json_from_strings (v->blocked));
  cJSON_AddItemToObject (root, "expired_exceptions", json_from_strings (v->expired));
  checks = cJSON_AddArrayToObject (root, "checks");
  for (guint i = 0; i < v->results->len; i++)
    {
      const CheckResult *r = v->results->pdata[i];
      cJSON *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "name", r->name);
      cJSON_AddStringToObject (item, "status", r->status == CHECK_PASS ? "pass" : r->status == CHECK_FAIL ? "fail"
                                               : r->status == CHECK_WARN ? "warn" : "skip");
      cJSON_AddStringToObject (item, "detail", r->detail);
      cJSON_AddItemToArray (checks, item);
    }
  return sgplan_json_print (root);
}

/* render-script.c - the AWS CLI scripts of a change set.
 *
 * A forward script runs the steps in order; the rollback script undoes the
 * steps its journal records as done, newest first.  Both share a journal
 * (one line per completed step, and the real ID of every group created), so
 * a forward run resumes where it stopped and a rollback undoes exactly what
 * ran.  Before the first change the forward script compares the live
 * account, including everything that uses each planned default group, with
 * the state the plan was made from and stops on drift.  Every step checks
 * its precondition live before it acts and its effect after, so a resumed
 * run is as safe as a fresh one; the end state is read back at the end.
 *
 * Every value from the export reaches the shell as one single-quoted word,
 * or inside single-quoted JSON: nothing in an export is ever interpreted.
 * Only IDs (checked to be AWS-shaped when the export was read) are used
 * unquoted-safe in messages and journal lines. */
#include "config.h"

#include "render-script.h"
#include "sort.h"
#include "util.h"

#include <string.h>

/* The length of the character at P when it can stand as it is inside
 * single quotes (printable, not ' or \\), else 0. */
static gsize
plain_length (const char *p)
{
  gunichar c = g_utf8_get_char_validated (p, -1);

  if (c == (gunichar) -1 || c == (gunichar) -2 || c == '\'' || c == '\\' || !sgplan_unichar_printable (c))
    return 0;
  return (gsize) (g_utf8_next_char (p) - p);
}

/* S as one shell word that stands for exactly its bytes, in segments:
 * printable text in single quotes; each ' as \'; each byte of a control or
 * format character or of invalid UTF-8 as \xNN in $'...', so that the
 * script shows no raw control sequence and no text that reorders itself
 * (U+202E) to whoever reads it.  No single-quoted segment ends in a
 * backslash: a run of backslashes that is not followed by printable text is
 * written unquoted, each as \\ (the shell would not care, but shellcheck
 * takes such a segment for a mistaken \' and reports SC1003). */
static void
sh_quote (GString *out, const char *s)
{
  enum { NONE, QUOTED, ESCAPED } open = NONE;

  if (*s == '\0')
    g_string_append (out, "''");
  while (*s != '\0')
    {
      const char *end = s;
      gsize n;

      while (*end == '\\')
        end++;
      if (end > s && plain_length (end) == 0)
        {
          if (open != NONE)
            g_string_append_c (out, '\'');
          open = NONE;
          for (; s < end; s++)
            g_string_append (out, "\\\\");
          continue;
        }
      if (end > s || (n = plain_length (s)) > 0)
        {
          if (end > s)
            n = (gsize) (end - s);
          if (open != QUOTED)
            g_string_append (out, open == ESCAPED ? "''" : "'");
          open = QUOTED;
          g_string_append_len (out, s, (gssize) n);
          s += n;
          continue;
        }
      if (*s == '\'')
        {
          if (open != NONE)
            g_string_append_c (out, '\'');
          open = NONE;
          g_string_append (out, "\\'");
          s++;
          continue;
        }
      {
        gunichar c = g_utf8_get_char_validated (s, -1);

        n = c == (gunichar) -1 || c == (gunichar) -2 ? 1 : (gsize) (g_utf8_next_char (s) - s);
      }
      if (open != ESCAPED)
        g_string_append (out, open == QUOTED ? "'$'" : "$'");
      open = ESCAPED;
      for (; n > 0; n--, s++)
        g_string_append_printf (out, "\\x%02x", (guchar) *s);
    }
  if (open != NONE)
    g_string_append_c (out, '\'');
}

static char *
quoted (const char *s)
{
  GString *out = g_string_new (NULL);

  sh_quote (out, s);
  return g_string_free (out, FALSE);
}

/* A comment line: newlines and control characters escaped. */
static void
comment (GString *out, const char *indent, const char *text)
{
  g_string_append_printf (out, "%s# ", indent);
  sgplan_append_printable (out, text);
  g_string_append_c (out, '\n');
}

static gboolean
has_ports (const Rule *r)
{
  return r->from_port != SGPLAN_PORT_NONE;
}

/* The rules as the --ip-permissions JSON of the EC2 API: atomic rules with
 * the same protocol and ports share one IpPermission. */
static char *
ip_permissions_json (const Rule *rules, guint n)
{
  g_autoptr (cJSON) perms = cJSON_CreateArray ();
  cJSON *perm = NULL;
  const Rule *prev = NULL;
  char *text;

  for (guint i = 0; i < n; i++)
    {
      const Rule *r = &rules[i];
      static const char *const lists[] = { "IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs" };
      static const char *const keys[] = { "CidrIp", "CidrIpv6", "PrefixListId", "GroupId" };
      cJSON *list, *peer;

      if (prev == NULL || strcmp (prev->protocol, r->protocol) != 0 || prev->from_port != r->from_port
          || prev->to_port != r->to_port)
        {
          perm = cJSON_CreateObject ();
          cJSON_AddStringToObject (perm, "IpProtocol", r->protocol);
          if (has_ports (r))
            {
              cJSON_AddNumberToObject (perm, "FromPort", r->from_port);
              cJSON_AddNumberToObject (perm, "ToPort", r->to_port);
            }
          cJSON_AddItemToArray (perms, perm);
        }
      prev = r;
      list = cJSON_GetObjectItemCaseSensitive (perm, lists[r->peer_kind]);
      if (list == NULL)
        list = cJSON_AddArrayToObject (perm, lists[r->peer_kind]);
      peer = cJSON_CreateObject ();
      cJSON_AddStringToObject (peer, keys[r->peer_kind], r->peer);
      if (r->peer_kind == PEER_GROUP)
        {
          if (r->peer_owner != NULL)
            cJSON_AddStringToObject (peer, "UserId", r->peer_owner);
          if (r->peering_id != NULL)
            {
              if (r->peer_vpc != NULL)
                cJSON_AddStringToObject (peer, "VpcId", r->peer_vpc);
              cJSON_AddStringToObject (peer, "VpcPeeringConnectionId", r->peering_id);
            }
        }
      if (r->description != NULL)
        cJSON_AddStringToObject (peer, "Description", r->description);
      cJSON_AddItemToArray (list, peer);
    }
  text = cJSON_PrintUnformatted (perms);
  {
    char *copy = g_strdup (text);
    cJSON_free (text);
    return copy;
  }
}

/* The placeholders (new:sg-...) a piece of script uses, each once, in order
 * of first use: the Nth is "$gN".  Looked up for every group ID written;
 * the end-state check uses every placeholder of the plan, so a long list
 * gets a hash index rather than a linear search per ID. */
typedef struct {
  GPtrArray *ids;    /* (element-type utf8) */
  GHashTable *index; /* (element-type utf8 guint) id -> position + 1, once ids is long */
} Needed;

#define NEEDED_INDEX_FROM 16

static Needed *
needed_new (void)
{
  Needed *needed = g_new0 (Needed, 1);

  needed->ids = g_ptr_array_new ();
  return needed;
}

static void
needed_free (Needed *needed)
{
  g_ptr_array_unref (needed->ids);
  if (needed->index != NULL)
    g_hash_table_unref (needed->index);
  g_free (needed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Needed, needed_free)

static gboolean
needed_find (const Needed *needed, const char *id, guint *index)
{
  guint at;

  if (needed->index == NULL)
    return g_ptr_array_find_with_equal_func (needed->ids, id, g_str_equal, index);
  at = GPOINTER_TO_UINT (g_hash_table_lookup (needed->index, id));
  if (at > 0 && index != NULL)
    *index = at - 1;
  return at > 0;
}

/* ID at the end of NEEDED unless it is there already. */
static void
needed_add (Needed *needed, const char *id)
{
  if (needed_find (needed, id, NULL))
    return;
  g_ptr_array_add (needed->ids, (gpointer) id);
  if (needed->index == NULL && needed->ids->len >= NEEDED_INDEX_FROM)
    {
      needed->index = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < needed->ids->len; i++)
        g_hash_table_insert (needed->index, needed->ids->pdata[i], GUINT_TO_POINTER (i + 1));
    }
  else if (needed->index != NULL)
    g_hash_table_insert (needed->index, (gpointer) id, GUINT_TO_POINTER (needed->ids->len));
}

/* Placeholders (new:sg-...) a step needs, each once, in order of use. */
static Needed *
placeholders (const Step *step)
{
  Needed *out = needed_new ();

#define NOTE_ID(id)                                                                                 \
  G_STMT_START                                                                                      \
  {                                                                                                 \
    const char *id_ = (id);                                                                         \
    if (id_ != NULL && g_str_has_prefix (id_, STEP_NEW_GROUP_PREFIX))                               \
      needed_add (out, id_);                                                                        \
  }                                                                                                 \
  G_STMT_END

  if (step->action != ACTION_CREATE_GROUP)
    NOTE_ID (step->group_id);
  for (guint i = 0; i < step->n_rules; i++)
    NOTE_ID (step->rules[i].peer);
  for (guint i = 0; i < step->n_after; i++)
    NOTE_ID (step->groups_after[i]);
  for (guint i = 0; i < step->n_before; i++)
    NOTE_ID (step->groups_before[i]);
#undef NOTE_ID
  return out;
}

/* "$g1" for the Nth placeholder, else the quoted ID. */
static void
group_word (GString *out, const char *id, const Needed *needed)
{
  guint index;

  if (needed_find (needed, id, &index))
    g_string_append_printf (out, "\"$g%u\"", index + 1);
  else
    sh_quote (out, id);
}

static void
render_call_prefix (GString *out, const Step *step, const char *indent)
{
  g_autofree char *account = quoted (step->account);
  g_autofree char *region = quoted (step->region);

  g_string_append_printf (out, "%sec2_change %s %s %s", indent, account, region,
                          step_action_name (step->action));
}

static gboolean
is_placeholder (const char *id)
{
  return id != NULL && g_str_has_prefix (id, STEP_NEW_GROUP_PREFIX);
}

/* A rule as RULES_QUERY prints it: fields in a fixed order with "null" for
 * absent ones.  With MARK, a placeholder peer is written as \001, where the
 * script puts the group's real ID. */
static char *
rule_line (const Rule *r, gboolean mark)
{
  const char *fields[4] = { "null", "null", "null", "null" };

  fields[r->peer_kind] = mark && r->peer_kind == PEER_GROUP && is_placeholder (r->peer) ? "\001" : r->peer;
  return g_strdup_printf ("%s %s %d %d %s %s %s %s %s %s end", r->direction == RULE_EGRESS ? "true" : "false",
                          r->protocol, r->from_port == SGPLAN_PORT_NONE ? -1 : r->from_port,
                          r->to_port == SGPLAN_PORT_NONE ? -1 : r->to_port, fields[0], fields[1], fields[2],
                          fields[3], r->peer_kind == PEER_GROUP && r->peer_owner != NULL ? r->peer_owner : "null",
                          r->description != NULL ? r->description : "null");
}

/* The rule's line as one shell word: quoted, with "$gN" for a placeholder. */
static void
line_word (GString *out, const Rule *r, const Needed *needed)
{
  g_autofree char *line = rule_line (r, TRUE);
  char *mark = r->peer_kind == PEER_GROUP && is_placeholder (r->peer) ? strchr (line, '\001') : NULL;

  if (mark == NULL)
    {
      sh_quote (out, line);
      return;
    }
  *mark = '\0';
  sh_quote (out, line);
  group_word (out, r->peer, needed);
  sh_quote (out, mark + 1);
}

/* Sorted LINES (strcmp: the order of JMESPath's sort() on UTF-8) joined by
 * RS, as one shell word. */
static void
lines_word (GString *out, GPtrArray *lines)
{
  g_ptr_array_sort (lines, sgplan_compare_strings);
  if (lines->len == 0)
    g_string_append (out, "''");
  for (guint i = 0; i < lines->len; i++)
    {
      if (i > 0)
        g_string_append (out, "\"$RS\"");
      sh_quote (out, lines->pdata[i]);
    }
}

/* RULES (element-type Rule, pointers) as the text RULES_QUERY prints, into
 * the local variable VAR: literal, or sorted at run time when a rule names a
 * group the run creates. */
static void
rules_var (GString *out, const char *var, GPtrArray *rules, const Needed *needed)
{
  gboolean dynamic = FALSE;

  for (guint i = 0; i < rules->len; i++)
    dynamic |= ((const Rule *) rules->pdata[i])->peer_kind == PEER_GROUP
                && is_placeholder (((const Rule *) rules->pdata[i])->peer);
  if (!dynamic)
    {
      g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < rules->len; i++)
        g_ptr_array_add (lines, rule_line (rules->pdata[i], FALSE));
      g_string_append_printf (out, "  local %s=", var);
      lines_word (out, lines);
      g_string_append_c (out, '\n');
      return;
    }
  g_string_append_printf (out, "  local %s\n  rules_text %s", var, var);
  for (guint i = 0; i < rules->len; i++)
    {
      g_string_append_c (out, ' ');
      line_word (out, rules->pdata[i], needed);
    }
  g_string_append_c (out, '\n');
}

/* local -a want=(lines) said=(the same in words): for rules_before and co. */
static void
want_said (GString *out, const Rule *const *rules, guint n, const Needed *needed)
{
  g_string_append (out, "  local -a want=(");
  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, i > 0 ? " \\\n    " : "");
      line_word (out, rules[i], needed);
    }
  g_string_append (out, ")\n  local -a said=(");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = rule_describe (rules[i]);

      g_string_append (out, i > 0 ? " \\\n    " : "");
      sh_quote (out, text);
    }
  g_string_append (out, ")\n");
}

static void
step_want_said (GString *out, const Step *step, const Needed *needed)
{
  g_autofree const Rule **rules = g_new0 (const Rule *, step->n_rules + 1);

  for (guint i = 0; i < step->n_rules; i++)
    rules[i] = &step->rules[i];
  want_said (out, rules, step->n_rules, needed);
}

static cJSON *
name_filter (const char *name, const char *value)
{
  cJSON *filter = cJSON_CreateObject ();
  const char *values[] = { value };

  cJSON_AddStringToObject (filter, "Name", name);
  cJSON_AddItemToObject (filter, "Values", cJSON_CreateStringArray (values, 1));
  return filter;
}

/* JSON --filters (the CLI's shorthand cannot carry every value): the VPC
 * and KEY=VALUE; NULL when VALUE is NULL. */
static char *
vpc_filters (const char *vpc_id, const char *key, const char *value)
{
  g_autoptr (cJSON) filters = NULL;
  char *text, *copy;

  if (value == NULL)
    return NULL;
  filters = cJSON_CreateArray ();
  cJSON_AddItemToArray (filters, name_filter ("vpc-id", vpc_id));
  cJSON_AddItemToArray (filters, name_filter (key, value));
  text = cJSON_PrintUnformatted (filters);
  copy = g_strdup (text);
  cJSON_free (text);
  return copy;
}

#define REPLACES_TAG "sgplan:replaces"

static const char *
replaces_tag (const Step *step)
{
  for (guint i = 0; i < step->n_tags; i++)
    if (strcmp (step->tags[i].key, REPLACES_TAG) == 0)
      return step->tags[i].value;
  return NULL;
}

/* What the script looks up for each step, indexed once: searching the
 * change set's lists per step made a script quadratic in the number of
 * steps and default groups. */
typedef struct {
  const ChangeSet *cs;
  GHashTable *defaults;   /* (element-type utf8 ChangeSetDefaultUsers) group -> its first entry */
  GHashTable *accounts;   /* (element-type utf8 utf8) exported group -> account of its first entry */
  GHashTable *expected;   /* (element-type utf8 GPtrArray<ChangeSetExpected>) group -> its entries */
  GHashTable *plans;      /* (element-type utf8 GPtrArray<ChangeSetGroup>) group -> its entries */
  GHashTable *user_steps; /* (element-type utf8 GArray<guint>) default group -> the steps that
                           * may change its users (ENIs, referencing rules), in order */
  GHashTable *service_moved; /* (element-type utf8) groups that a service resource's step
                              * adds or removes: AWS moves its ENIs some time after the call */
} Script;

static void
script_add_list (GHashTable *table, const char *key, gconstpointer item)
{
  GPtrArray *list = g_hash_table_lookup (table, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (table, (gpointer) key, list);
    }
  g_ptr_array_add (list, (gpointer) item);
}

/* Step K may change the users of ID, if ID is a planned default group. */
static void
script_note_user_step (Script *sc, const char *id, guint k)
{
  GArray *steps;

  if (id == NULL || !g_hash_table_contains (sc->defaults, id))
    return;
  steps = g_hash_table_lookup (sc->user_steps, id);
  if (steps == NULL)
    {
      steps = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (sc->user_steps, (gpointer) id, steps);
    }
  if (steps->len == 0 || g_array_index (steps, guint, steps->len - 1) != k)
    g_array_append_val (steps, k);
}

static void
script_init (Script *sc, const ChangeSet *cs)
{
  sc->cs = cs;
  sc->defaults = g_hash_table_new (g_str_hash, g_str_equal);
  sc->accounts = g_hash_table_new (g_str_hash, g_str_equal);
  sc->expected = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  sc->plans = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  sc->user_steps = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
  sc->service_moved = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = cs->expected_defaults->len; i-- > 0;)
    {
      const ChangeSetDefaultUsers *u = cs->expected_defaults->pdata[i];

      g_hash_table_insert (sc->defaults, (gpointer) u->group_id, (gpointer) u);
    }
  for (guint i = 0; i < cs->expected_groups->len; i++)
    {
      const ChangeSetExpected *e = cs->expected_groups->pdata[i];

      if (!g_hash_table_contains (sc->accounts, e->id))
        g_hash_table_insert (sc->accounts, (gpointer) e->id, (gpointer) e->account);
      script_add_list (sc->expected, e->id, e);
    }
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *cg = cs->groups->pdata[i];

      script_add_list (sc->plans, cg->group_id, cg);
    }
  for (guint k = 0; k < cs->steps->len; k++)
    {
      const Step *step = cs->steps->pdata[k];

      if (step->action == ACTION_MODIFY_ENI_GROUPS || step->action == ACTION_MODIFY_RESOURCE_GROUPS)
        {
          for (guint i = 0; i < step->n_before; i++)
            script_note_user_step (sc, step->groups_before[i], k);
          for (guint i = 0; i < step->n_after; i++)
            script_note_user_step (sc, step->groups_after[i], k);
        }
      if (step->action == ACTION_MODIFY_RESOURCE_GROUPS)
        {
          for (guint i = 0; i < step->n_before; i++)
            if (!g_strv_contains ((const char *const *) step->groups_after, step->groups_before[i]))
              g_hash_table_add (sc->service_moved, (gpointer) step->groups_before[i]);
          for (guint i = 0; i < step->n_after; i++)
            if (!g_strv_contains ((const char *const *) step->groups_before, step->groups_after[i]))
              g_hash_table_add (sc->service_moved, (gpointer) step->groups_after[i]);
        }
      else if (step_action_is_rules (step->action))
        for (guint r = 0; r < step->n_rules; r++)
          if (step->rules[r].peer_kind == PEER_GROUP && strcmp (step->group_id, step->rules[r].peer) != 0)
            script_note_user_step (sc, step->rules[r].peer, k);
    }
}

static void
script_clear (Script *sc)
{
  g_hash_table_unref (sc->defaults);
  g_hash_table_unref (sc->accounts);
  g_hash_table_unref (sc->expected);
  g_hash_table_unref (sc->plans);
  g_hash_table_unref (sc->user_steps);
  g_hash_table_unref (sc->service_moved);
}

static const ChangeSetDefaultUsers *
default_users (const Script *sc, const char *group_id)
{
  return group_id != NULL ? g_hash_table_lookup (sc->defaults, group_id) : NULL;
}

/* The account of an exported group (preflight), else FALLBACK. */
static const char *
group_account (const Script *sc, const char *group_id, const char *fallback)
{
  const char *account = g_hash_table_lookup (sc->accounts, group_id);

  return account != NULL ? account : fallback;
}

/* A rule of a group, with the same identity as rule_equal, as a hash key. */
static guint
rule_hash (const Rule *r)
{
  guint h = (guint) r->direction * 31u + (guint) r->peer_kind;

  h = h * 31u + (guint) r->from_port;
  h = h * 31u + (guint) r->to_port;
  h = h * 31u + g_str_hash (r->protocol);
  h = h * 31u + g_str_hash (r->peer);
  return h * 31u + (r->description != NULL ? g_str_hash (r->description) : 0);
}

static guint
rule_hash_func (gconstpointer data)
{
  return rule_hash (data);
}

static gboolean
rule_equal_func (gconstpointer a, gconstpointer b)
{
  return rule_equal (a, b);
}

static guint
rule_ref_hash (gconstpointer data)
{
  const ChangeSetRuleRef *ref = data;

  return g_str_hash (ref->group_id) * 31u + rule_hash (&ref->rule);
}

static gboolean
rule_ref_equal (gconstpointer a, gconstpointer b)
{
  const ChangeSetRuleRef *x = a, *y = b;

  return strcmp (x->group_id, y->group_id) == 0 && rule_equal (&x->rule, &y->rule);
}

/* A referencing rule and how many times the list of users holds it. */
typedef struct {
  ChangeSetRuleRef ref;
  guint count;
} RefUse;

static void
ref_use_add (GPtrArray *order, GHashTable *uses, const char *group_id, const Rule *rule)
{
  ChangeSetRuleRef key = { group_id, *rule };
  RefUse *use = g_hash_table_lookup (uses, &key);

  if (use == NULL)
    {
      use = g_new0 (RefUse, 1);
      use->ref = key;
      g_ptr_array_add (order, use);
      g_hash_table_insert (uses, &use->ref, use);
    }
  use->count++;
}

/* The users of default group U expected once the steps before BEFORE have
 * run: ENIs (sorted IDs) and referencing rules (ChangeSetRuleRef, in no
 * order that matters: users_check sorts what it prints).  Only the steps
 * that may change U's users are replayed, with counts rather than searches
 * of the lists, so that it stays linear in them. */
static void
users_at (const Script *sc, const ChangeSetDefaultUsers *u, guint before, GPtrArray *enis, GArray *refs)
{
  GArray *steps = g_hash_table_lookup (sc->user_steps, u->group_id);
  g_autoptr (GHashTable) carried = g_hash_table_new (g_str_hash, g_str_equal); /* ENI -> count */
  g_autoptr (GPtrArray) eni_order = g_ptr_array_new ();
  g_autoptr (GHashTable) uses = g_hash_table_new (rule_ref_hash, rule_ref_equal);
  g_autoptr (GPtrArray) use_order = g_ptr_array_new_with_free_func (g_free); /* (element-type RefUse) */

  for (guint i = 0; i < u->n_enis; i++)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (carried, u->enis[i]));

      if (count == 0)
        g_ptr_array_add (eni_order, (gpointer) u->enis[i]);
      g_hash_table_insert (carried, (gpointer) u->enis[i], GUINT_TO_POINTER (count + 1));
    }
  for (guint i = 0; i < u->n_referencing_rules; i++)
    ref_use_add (use_order, uses, u->referencing_rules[i].group_id, &u->referencing_rules[i].rule);
  for (guint s = 0; steps != NULL && s < steps->len && g_array_index (steps, guint, s) < before; s++)
    {
      const Step *step = sc->cs->steps->pdata[g_array_index (steps, guint, s)];

      const char *const *moved;
      guint n_moved;

      if (step_moves_enis (step, &moved, &n_moved))
        {
          gboolean was = g_strv_contains ((const char *const *) step->groups_before, u->group_id);
          gboolean is = g_strv_contains ((const char *const *) step->groups_after, u->group_id);

          for (guint e = 0; e < n_moved; e++)
            {
              guint count = GPOINTER_TO_UINT (g_hash_table_lookup (carried, moved[e]));

              if (is && !was && count == 0)
                {
                  if (!g_hash_table_contains (carried, moved[e]))
                    g_ptr_array_add (eni_order, (gpointer) moved[e]);
                  g_hash_table_insert (carried, (gpointer) moved[e], GUINT_TO_POINTER (1));
                }
              if (was && !is && count > 0)
                g_hash_table_insert (carried, (gpointer) moved[e], GUINT_TO_POINTER (count - 1));
            }
        }
      else if (step_action_is_rules (step->action) && strcmp (step->group_id, u->group_id) != 0)
        for (guint r = 0; r < step->n_rules; r++)
          {
            const Rule *rule = &step->rules[r];
            ChangeSetRuleRef key = { step->group_id, *rule };
            RefUse *use;

            if (rule->peer_kind != PEER_GROUP || strcmp (rule->peer, u->group_id) != 0)
              continue;
            use = g_hash_table_lookup (uses, &key);
            if (use != NULL)
              use->count = 0;
            if (step_action_is_authorize (step->action))
              ref_use_add (use_order, uses, step->group_id, rule);
          }
    }
  for (guint i = 0; i < eni_order->len; i++)
    for (guint n = GPOINTER_TO_UINT (g_hash_table_lookup (carried, eni_order->pdata[i])); n > 0; n--)
      g_ptr_array_add (enis, eni_order->pdata[i]);
  for (guint i = 0; i < use_order->len; i++)
    {
      const RefUse *use = use_order->pdata[i];

      for (guint n = 0; n < use->count; n++)
        g_array_append_val (refs, use->ref);
    }
  g_ptr_array_sort (enis, sgplan_compare_strings);
}

/* check_users (and check_refs for the rules in other accounts) for default
 * group U expecting ENIS and REFS; ON_FAIL runs when one fails. */
static void
users_check (GString *out, const Script *sc, const ChangeSetDefaultUsers *u, GPtrArray *enis, GArray *refs,
             const char *on_fail)
{
  g_autoptr (GHashTable) by_account = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                             (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GList) accounts = NULL;
  g_autofree char *eni_text = NULL;
  GPtrArray *own;

  own = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_insert (by_account, (gpointer) u->account, own);
  for (guint i = 0; i < refs->len; i++)
    {
      const ChangeSetRuleRef *ref = &g_array_index (refs, ChangeSetRuleRef, i);
      const char *account = group_account (sc, ref->group_id, u->account);
      GPtrArray *lines = g_hash_table_lookup (by_account, account);
      g_autofree char *line = rule_line (&ref->rule, FALSE);

      if (lines == NULL)
        {
          lines = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (by_account, (gpointer) account, lines);
        }
      g_ptr_array_add (lines, g_strdup_printf ("%s %s", ref->group_id, line));
    }
  g_ptr_array_add (enis, NULL);
  eni_text = g_strjoinv (" ", (char **) enis->pdata);
  g_ptr_array_remove_index (enis, enis->len - 1);
  g_string_append (out, "  check_users ");
  sh_quote (out, u->account);
  g_string_append_c (out, ' ');
  sh_quote (out, u->region);
  g_string_append_c (out, ' ');
  sh_quote (out, u->group_id);
  g_string_append (out, " \\\n    ");
  sh_quote (out, eni_text);
  g_string_append (out, " \\\n    ");
  lines_word (out, own);
  if (u->has_references)
    {
      g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < u->n_references; i++)
        g_ptr_array_add (lines, g_strdup_printf ("%s %s", u->references[i].referencing_vpc,
                                                 u->references[i].peering_id != NULL ? u->references[i].peering_id
                                                                                     : "null"));
      g_string_append (out, " \\\n    ");
      lines_word (out, lines);
    }
  g_string_append_printf (out, " || %s\n", on_fail);
  accounts = g_list_sort (g_hash_table_get_keys (by_account), (GCompareFunc) strcmp);
  for (GList *l = accounts; l != NULL; l = l->next)
    {
      if (strcmp (l->data, u->account) == 0)
        continue;
      g_string_append (out, "  check_refs ");
      sh_quote (out, l->data);
      g_string_append_c (out, ' ');
      sh_quote (out, u->region);
      g_string_append_c (out, ' ');
      sh_quote (out, u->group_id);
      g_string_append (out, " \\\n    ");
      lines_word (out, g_hash_table_lookup (by_account, l->data));
      g_string_append_printf (out, " || %s\n", on_fail);
    }
}

static void
render_create (GString *out, const Step *step, const char *what)
{
  g_autofree char *placeholder = quoted (step->group_id);
  g_autofree char *qwhat = quoted (what);
  g_autofree char *tag_filters = vpc_filters (step->vpc_id, "tag:" REPLACES_TAG, replaces_tag (step));
  g_autofree char *name_filters = vpc_filters (step->vpc_id, "group-name", step->group_name);
  g_autoptr (cJSON) tags = cJSON_CreateArray ();
  cJSON *spec = cJSON_CreateObject ();
  cJSON *list;
  char *tags_text;

  cJSON_AddStringToObject (spec, "ResourceType", "security-group");
  list = cJSON_AddArrayToObject (spec, "Tags");
  for (guint t = 0; t < step->n_tags; t++)
    {
      cJSON *tag = cJSON_CreateObject ();

      cJSON_AddStringToObject (tag, "Key", step->tags[t].key);
      cJSON_AddStringToObject (tag, "Value", step->tags[t].value);
      cJSON_AddItemToArray (list, tag);
    }
  cJSON_AddItemToArray (tags, spec);
  tags_text = cJSON_PrintUnformatted (tags);
  g_string_append_printf (out, "  if [[ -n ${new_ids[%s]:-} ]]; then\n"
                               "    note \"%s: already created as ${new_ids[%s]}\"\n"
                               "    return 0\n"
                               "  fi\n"
                               "  local id\n",
                          placeholder, what, placeholder);
  if (tag_filters != NULL)
    {
      /* a run killed between the create and its journal line left a group
       * only the tag can find: adopt it rather than make a second one */
      g_string_append (out, "  local tagged=");
      sh_quote (out, tag_filters);
      g_string_append_printf (out, "\n  list_groups ");
      sh_quote (out, step->account);
      g_string_append_c (out, ' ');
      sh_quote (out, step->region);
      g_string_append_printf (out, " \"$tagged\" || die %s': cannot look for a group tagged '", qwhat);
      {
        g_autofree char *tag = g_strdup_printf ("%s=%s", REPLACES_TAG, replaces_tag (step));
        sh_quote (out, tag);
      }
      g_string_append (out, "\n  if [[ -n $found ]]; then\n"
                            "    [[ $found =~ ^sg-[0-9a-f]+$ ]] || die \"");
      g_string_append_printf (out, "%s: several groups carry the tag of this replacement: $found\"\n", what);
      g_string_append_printf (out, "    note \"%s: adopting $found, tagged by an earlier run that was stopped before it wrote the journal\"\n"
                                   "    if dry_run; then return 0; fi\n"
                                   "    record_group %s \"$found\"\n"
                                   "    return 0\n"
                                   "  fi\n",
                              what, placeholder);
    }
  g_string_append (out, "  list_groups ");
  sh_quote (out, step->account);
  g_string_append_c (out, ' ');
  sh_quote (out, step->region);
  g_string_append_c (out, ' ');
  sh_quote (out, name_filters);
  g_string_append_printf (out, " || die %s': cannot list the groups with the name of the replacement'\n", qwhat);
  g_string_append_printf (out, "  [[ -z $found ]] || die \"%s: $found has the replacement's name without its tag: "
                               "rename or delete it, or plan with another --replacement-name\"\n",
                          what);
  g_string_append (out, "  id=$(");
  render_call_prefix (out, step, "");
  g_string_append (out, " \\\n    --vpc-id ");
  sh_quote (out, step->vpc_id);
  g_string_append (out, " \\\n    --group-name ");
  sh_quote (out, step->group_name);
  g_string_append (out, " \\\n    --description ");
  sh_quote (out, step->description);
  g_string_append (out, " \\\n    --tag-specifications ");
  sh_quote (out, tags_text);
  g_string_append (out, " \\\n    --query GroupId --output text)\n");
  g_string_append_printf (out, "  if dry_run; then return 0; fi\n  record_group %s \"$id\"\n  changed \"$id\"\n",
                          placeholder);
  if (tag_filters != NULL)
    {
      g_string_append (out, "  list_groups ");
      sh_quote (out, step->account);
      g_string_append_c (out, ' ');
      sh_quote (out, step->region);
      g_string_append_printf (out, " \"$tagged\" || die %s': cannot read the new group back'\n", qwhat);
      g_string_append_printf (out, "  [[ $found == \"$id\" ]] || die \"%s: the call succeeded but $id is not found with its tag "
                                   "(found: $found)\"\n",
                              what);
    }
  cJSON_free (tags_text);
}

/* "local g1 g2" and "g1=$(gid 'new:sg-...')" for the placeholders NEEDED:
 * the real IDs of the groups this plan created, from the journal. */
static void
render_group_locals (GString *out, const Needed *needed)
{
  if (needed->ids->len == 0)
    return;
  g_string_append (out, "  local");
  for (guint i = 0; i < needed->ids->len; i++)
    g_string_append_printf (out, " g%u", i + 1);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < needed->ids->len; i++)
    {
      g_autofree char *p = quoted (needed->ids->pdata[i]);
      g_string_append_printf (out, "  g%u=$(gid %s)\n", i + 1, p);
    }
}

/* What a resource step's service call is, for each service: the CLI's
 * service and command, the option that names the resource, and the option
 * that lists the groups (NULL: the call is special, see render_resource_body). */
static const struct {
  const char *service;
  const char *command;
  const char *id_option;
  const char *groups_option;
  const char *extra;
  const char *waiter;        /* the CLI's waiter for the resource to be ready again, or NULL */
} service_calls[SERVICE_COUNT] = {
  [SERVICE_ELBV2] = { "elbv2", "set-security-groups", "--load-balancer-arn", "--security-groups", NULL },
  [SERVICE_ELB] = { "elb", "apply-security-groups-to-load-balancer", "--load-balancer-name", "--security-groups", NULL },
  [SERVICE_VPC_ENDPOINT] = { "ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", NULL, NULL },
  [SERVICE_EFS] = { "efs", "modify-mount-target-security-groups", "--mount-target-id", "--security-groups", NULL },
  [SERVICE_LAMBDA] = { "lambda", "update-function-configuration", "--function-name", NULL, NULL,
                       "function-updated" },
  [SERVICE_RDS_INSTANCE] = { "rds", "modify-db-instance", "--db-instance-identifier", "--vpc-security-group-ids",
                             "--apply-immediately", "db-instance-available" },
  [SERVICE_RDS_CLUSTER] = { "rds", "modify-db-cluster", "--db-cluster-identifier", "--vpc-security-group-ids",
                            "--apply-immediately", "db-cluster-available" },
  [SERVICE_CACHE_REPLICATION_GROUP] = { "elasticache", "modify-replication-group", "--replication-group-id",
                                        "--security-group-ids", "--apply-immediately", "replication-group-available" },
  [SERVICE_CACHE_CLUSTER] = { "elasticache", "modify-cache-cluster", "--cache-cluster-id", "--security-group-ids",
                              "--apply-immediately", "cache-cluster-available" },
};

/* "sorted_tabs VAR ID..." with the placeholders as $gN */
static void
render_sorted_tabs (GString *out, const char *var, const char *const *groups, guint n, const Needed *needed)
{
  g_string_append_printf (out, "  sorted_tabs %s", var);
  for (guint i = 0; i < n; i++)
    {
      g_string_append_c (out, ' ');
      group_word (out, groups[i], needed);
    }
  g_string_append_c (out, '\n');
}

static void
render_groups_words (GString *out, const char *option, const char *const *groups, guint n, const Needed *needed)
{
  g_string_append_printf (out, " \\\n    %s", option);
  for (guint i = 0; i < n; i++)
    {
      g_string_append_c (out, ' ');
      group_word (out, groups[i], needed);
    }
}

/* A service resource's groups: read them (sorted: the services keep no
 * order), make the service's call, read them back. */
static void
render_resource_body (GString *out, const Step *step, const Needed *needed, const char *qwhat, const char *what,
                      const char *account_region)
{
  const char *type = step_service_name (step->service);
  g_autofree char *id = quoted (step->resource_id);

  g_string_append (out, "  local before after\n");
  render_sorted_tabs (out, "before", step->groups_before, step->n_before, needed);
  render_sorted_tabs (out, "after", step->groups_after, step->n_after, needed);
  g_string_append_printf (out, "  if ! resource_before %s %s %s %s \"$before\" \"$after\"; then return 0; fi\n", qwhat,
                          account_region, type, id);
  if (step->service == SERVICE_VPC_ENDPOINT)
    {
      /* EC2: --dry-run works; the groups are added and removed, not set */
      g_autoptr (GPtrArray) add = g_ptr_array_new ();
      g_autoptr (GPtrArray) remove = g_ptr_array_new ();

      for (guint i = 0; i < step->n_after; i++)
        if (!g_strv_contains ((const char *const *) step->groups_before, step->groups_after[i]))
          g_ptr_array_add (add, (gpointer) step->groups_after[i]);
      for (guint i = 0; i < step->n_before; i++)
        if (!g_strv_contains ((const char *const *) step->groups_after, step->groups_before[i]))
          g_ptr_array_add (remove, (gpointer) step->groups_before[i]);
      g_string_append_printf (out, "  ec2_change %s modify-vpc-endpoint \\\n    --vpc-endpoint-id %s", account_region, id);
      if (add->len > 0)
        render_groups_words (out, "--add-security-group-ids", (const char *const *) add->pdata, add->len, needed);
      if (remove->len > 0)
        render_groups_words (out, "--remove-security-group-ids", (const char *const *) remove->pdata, remove->len,
                             needed);
      g_string_append (out, " >/dev/null\n  if dry_run; then return 0; fi\n");
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("%s: dry run: %s %s has no dry run; not called", what,
                                                  service_calls[step->service].service,
                                                  service_calls[step->service].command);
      g_autofree char *qmessage = quoted (message);

      g_string_append_printf (out, "  if dry_run; then note %s; return 0; fi\n", qmessage);
      g_string_append_printf (out, "  aws_call %s %s %s \\\n    %s %s", account_region,
                              service_calls[step->service].service, service_calls[step->service].command,
                              service_calls[step->service].id_option, id);
      if (step->service == SERVICE_LAMBDA)
        {
          /* the call replaces the whole VPC configuration: the subnets stay */
          g_autofree char *subnets = g_strjoinv (",", (char **) step->subnets);

          g_string_append (out, " \\\n    --vpc-config \"SubnetIds=");
          g_string_append (out, subnets);
          g_string_append (out, ",SecurityGroupIds=");
          for (guint i = 0; i < step->n_after; i++)
            {
              guint k;

              if (i > 0)
                g_string_append_c (out, ',');
              /* IDs checked by step_resource_problem: nothing to quote inside the double quotes */
              if (is_placeholder (step->groups_after[i]) && needed_find (needed, step->groups_after[i], &k))
                g_string_append_printf (out, "$g%u", k + 1);
              else
                g_string_append (out, step->groups_after[i]);
            }
          /* the call sets the whole configuration: what the export said stays */
          if (step->ipv6_dual_stack)
            g_string_append (out, ",Ipv6AllowedForDualStack=true");
          g_string_append_c (out, '"');
        }
      else
        render_groups_words (out, service_calls[step->service].groups_option, step->groups_after, step->n_after,
                             needed);
      if (service_calls[step->service].extra != NULL)
        g_string_append_printf (out, " \\\n    %s", service_calls[step->service].extra);
      g_string_append (out, " >/dev/null\n");
      /* Lambda refuses another update of a function while one is under way
       * (ResourceConflictException), RDS and ElastiCache another change of a
       * database or cache that is being modified: let it finish first */
      if (service_calls[step->service].waiter != NULL)
        g_string_append_printf (out, "  aws_call %s %s wait %s %s %s \\\n"
                                     "    || die %s': the change of '%s' did not finish'\n",
                                account_region, service_calls[step->service].service,
                                service_calls[step->service].waiter, service_calls[step->service].id_option, id,
                                qwhat, id);
    }
  g_string_append_printf (out, "  changed %s\n", id);
  g_string_append_printf (out, "  resource_after %s %s %s %s \"$after\"\n", qwhat, account_region, type, id);
}

/* The body of a function that makes STEP (the Nth of the change set; with
 * ROLLBACK, its inverse), checking its precondition live before the call
 * and its effect after. */
static void
render_step_body (GString *out, const Script *sc, const Step *step, guint n, gboolean rollback,
                  const char *what)
{
  g_autoptr (Needed) needed = placeholders (step);
  g_autofree char *qwhat = quoted (what);
  g_autoptr (GString) account_region = g_string_new (NULL);

  sh_quote (account_region, step->account);
  g_string_append_c (account_region, ' ');
  sh_quote (account_region, step->region);
  if (step->action == ACTION_CREATE_GROUP)
    {
      render_create (out, step, what);
      return;
    }
  /* a dry run cannot use groups that only a real run creates */
  for (guint i = 0; i < needed->ids->len; i++)
    {
      g_autofree char *p = quoted (needed->ids->pdata[i]);
      g_string_append_printf (out, "  needs_group %s || return 0\n", p);
    }
  render_group_locals (out, needed);
  if (step_action_is_rules (step->action))
    {
      g_autofree char *json = ip_permissions_json (step->rules, step->n_rules);
      const char *kind = step_action_is_authorize (step->action) ? "authorize" : "revoke";
      const ChangeSetDefaultUsers *u = rollback || step_action_is_authorize (step->action)
                                         ? NULL : default_users (sc, step->group_id);
      g_autoptr (GString) group = g_string_new (NULL);

      group_word (group, step->group_id, needed);
      g_string_append (out, "  local perms=");
      sh_quote (out, json);
      g_string_append_c (out, '\n');
      /* only where the placeholder is a group ID: in the JSON text a quote
       * inside a value is escaped, so '"GroupId":"' is never in a value */
      for (guint i = 0; i < needed->ids->len; i++)
        {
          g_autofree char *key = g_strdup_printf ("\"GroupId\":\"%s\"", (const char *) needed->ids->pdata[i]);
          g_autofree char *p = quoted (key);
          g_string_append_printf (out, "  perms=${perms//%s/\"\\\"GroupId\\\":\\\"$g%u\\\"\"}\n", p, i + 1);
        }
      step_want_said (out, step, needed);
      if (u != NULL)
        {
          /* the default group's rules go: no ENI may carry it but those the
           * plan leaves on it, whatever happened since the preflight or the
           * last run (a rule that references it matches its members, so it
           * loses nothing when its rules go) */
          g_autoptr (GPtrArray) enis = g_ptr_array_new ();
          g_autoptr (GArray) refs = g_array_new (FALSE, FALSE, sizeof (ChangeSetRuleRef));
          g_autofree char *id = quoted (u->group_id);
          g_autofree char *eni_text = NULL;

          users_at (sc, u, n, enis, refs);
          g_ptr_array_add (enis, NULL);
          eni_text = g_strjoinv (" ", (char **) enis->pdata);
          if (g_hash_table_contains (sc->service_moved, u->group_id))
            {
              /* AWS services move their interfaces some time after the
               * call that changes their resource: wait for that first */
              g_string_append_printf (out, "  if (( ${carriers_checked[%s]:--1} != changes )); then\n"
                                           "    local waited=0\n"
                                           "    wait_carriers %s %s ",
                                      id, account_region->str, id);
              sh_quote (out, eni_text);
              g_string_append_printf (out, " || waited=$?\n"
                                           "    if (( waited == 2 )); then\n"
                                           "      die %s': AWS services have not yet moved their network interfaces off '%s': "
                                           "run this script again later to go on waiting'\n"
                                           "    elif (( waited )); then\n"
                                           "      unexpected %s 'network interfaces carry '%s' that the plan does not "
                                           "leave on it (see above): its rules stay'\n"
                                           "    fi\n"
                                           "  fi\n",
                                      qwhat, id, qwhat, id);
            }
          else
            {
              g_string_append_printf (out, "  if (( ${carriers_checked[%s]:--1} != changes )); then\n"
                                           "    check_carriers %s %s ",
                                      id, account_region->str, id);
              sh_quote (out, eni_text);
              g_string_append_printf (out, " \\\n      || unexpected %s 'network interfaces carry '%s' that the plan does not "
                                           "leave on it (see above): its rules stay'\n"
                                           "  fi\n",
                                      qwhat, id);
            }
        }
      g_string_append_printf (out, "  cached_rules %s %s || die %s': cannot read the rules'\n",
                              account_region->str, group->str, qwhat);
      g_string_append_printf (out, "  if ! rules_before %s %s %s; then return 0; fi\n", kind, group->str, qwhat);
      render_call_prefix (out, step, "  ");
      g_string_append_printf (out, " \\\n    --group-id %s \\\n    --ip-permissions \"$perms\" >/dev/null\n",
                              group->str);
      g_string_append_printf (out, "  if dry_run; then return 0; fi\n  changed %s\n", group->str);
      g_string_append_printf (out, "  rules_after %s %s %s %s\n", kind, account_region->str, group->str, qwhat);
      if (u != NULL)
        {
          g_autofree char *id = quoted (u->group_id);
          /* its own rules do not change what carries it */
          g_string_append_printf (out, "  carriers_checked[%s]=$changes\n", id);
        }
    }
  else if (step->action == ACTION_MODIFY_ENI_GROUPS)
    {
      g_autofree char *eni = quoted (step->eni_id);

      g_string_append (out, "  local before after\n  tabs before");
      for (guint i = 0; i < step->n_before; i++)
        {
          g_string_append_c (out, ' ');
          group_word (out, step->groups_before[i], needed);
        }
      g_string_append (out, "\n  tabs after");
      for (guint i = 0; i < step->n_after; i++)
        {
          g_string_append_c (out, ' ');
          group_word (out, step->groups_after[i], needed);
        }
      g_string_append_printf (out, "\n  if ! eni_before %s %s %s \"$before\" \"$after\"; then return 0; fi\n", qwhat,
                              account_region->str, eni);
      render_call_prefix (out, step, "  ");
      g_string_append (out, " \\\n    --network-interface-id ");
      sh_quote (out, step->eni_id);
      g_string_append (out, " \\\n    --groups");
      for (guint i = 0; i < step->n_after; i++)
        {
          g_string_append_c (out, ' ');
          group_word (out, step->groups_after[i], needed);
        }
      g_string_append (out, " >/dev/null\n");
      g_string_append_printf (out, "  if dry_run; then return 0; fi\n  changed %s\n", eni);
      g_string_append_printf (out, "  eni_after %s %s %s \"$after\"\n", qwhat, account_region->str, eni);
    }
  else if (step->action == ACTION_MODIFY_RESOURCE_GROUPS)
    render_resource_body (out, step, needed, qwhat, what, account_region->str);
  else /* delete */
    {
      g_string_append (out, "  local group=");
      group_word (out, step->group_id, needed);
      if (g_hash_table_contains (sc->service_moved, step->group_id))
        {
          /* a service resource left it: EC2 refuses to delete a group
           * while any interface carries it, and services move theirs late */
          g_string_append_printf (out, "\n  local waited=0\n"
                                       "  wait_carriers %s \"$group\" '' || waited=$?\n"
                                       "  if (( waited == 2 )); then\n"
                                       "    die \"%s: AWS services have not yet moved their network interfaces off $group: "
                                       "run this script again later to go on waiting\"\n"
                                       "  elif (( waited )); then\n"
                                       "    unexpected %s \"network interfaces still carry $group (see above)\"\n"
                                       "  fi",
                                  account_region->str, what, qwhat);
        }
      g_string_append_printf (out, "\n  list_groups %s \"Name=group-id,Values=$group\" || die %s': cannot look for the group'\n",
                              account_region->str, qwhat);
      g_string_append_printf (out, "  if [[ -z $found ]]; then note \"%s: already done: $group does not exist\"; return 0; fi\n",
                              what);
      render_call_prefix (out, step, "  ");
      g_string_append (out, " \\\n    --group-id \"$group\" >/dev/null\n");
      g_string_append (out, "  if dry_run; then return 0; fi\n  changed \"$group\"\n");
      g_string_append_printf (out, "  list_groups %s \"Name=group-id,Values=$group\" || die %s': cannot look for the group'\n",
                              account_region->str, qwhat);
      g_string_append_printf (out, "  [[ -z $found ]] || die \"%s: the call succeeded but $group still exists\"\n", what);
    }
}

/* One preflight call: FUNCTION ACCOUNT REGION WHAT EXPECTED || drift=1 */
static void
drift_check (GString *out, const char *function, const char *account, const char *region,
             const char *what, const char *expected)
{
  g_string_append_printf (out, "  %s ", function);
  sh_quote (out, account);
  g_string_append_c (out, ' ');
  sh_quote (out, region);
  g_string_append_c (out, ' ');
  sh_quote (out, what);
  g_string_append (out, " \\\n    ");
  sh_quote (out, expected);
  g_string_append (out, " || drift=1\n");
}

static void
rules_check (GString *out, const ChangeSetExpected *e)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (guint r = 0; r < e->n_rules; r++)
    g_ptr_array_add (lines, rule_line (&e->rules[r], FALSE));
  g_string_append (out, "  check_rules ");
  sh_quote (out, e->account);
  g_string_append_c (out, ' ');
  sh_quote (out, e->region);
  g_string_append_c (out, ' ');
  sh_quote (out, e->id);
  g_string_append (out, " \\\n    ");
  lines_word (out, lines);
  g_string_append (out, " || drift=1\n");
}

/* users_N: everything that uses the Nth planned default group, as exported. */
static void
render_users_functions (GString *out, const Script *sc)
{
  const ChangeSet *cs = sc->cs;

  for (guint i = 0; i < cs->expected_defaults->len; i++)
    {
      const ChangeSetDefaultUsers *u = cs->expected_defaults->pdata[i];
      g_autoptr (GPtrArray) enis = g_ptr_array_new ();
      g_autoptr (GArray) refs = g_array_new (FALSE, FALSE, sizeof (ChangeSetRuleRef));

      users_at (sc, u, 0, enis, refs);
      g_string_append_printf (out, "users_%u() { # %s: the ENIs that carry it, the rules and VPCs that reference it\n"
                                   "  local drift=0\n",
                              i + 1, u->group_id);
      users_check (out, sc, u, enis, refs, "drift=1");
      g_string_append (out, "  return \"$drift\"\n}\n\n");
    }
}

static void
render_preflight (GString *out, const Script *sc)
{
  const ChangeSet *cs = sc->cs;

  render_users_functions (out, sc);
  g_string_append (out, "preflight() {\n"
                        "  if [[ ${SGPLAN_SKIP_PREFLIGHT:-0} == 1 ]]; then\n"
                        "    note 'preflight skipped (SGPLAN_SKIP_PREFLIGHT=1)'\n"
                        "    return 0\n"
                        "  fi\n");
  g_string_append_printf (out, "  note 'preflight: comparing %u groups, %u network interfaces and the users of %u "
                               "default groups with the export'\n",
                          cs->expected_groups->len, cs->expected_enis->len, cs->expected_defaults->len);
  g_string_append (out, "  local drift=0\n");
  for (guint i = 0; i < cs->expected_groups->len; i++)
    rules_check (out, cs->expected_groups->pdata[i]);
  for (guint i = 0; i < cs->expected_enis->len; i++)
    {
      const ChangeSetExpected *e = cs->expected_enis->pdata[i];
      g_autofree char *groups = g_strjoinv ("\t", (char **) e->groups);

      drift_check (out, "check_eni_groups", e->account, e->region, e->id, groups);
    }
  for (guint i = 0; i < cs->expected_resources->len; i++)
    {
      const ChangeSetExpected *e = cs->expected_resources->pdata[i];
      g_autofree const char **sorted = g_memdup2 (e->groups, sizeof (char *) * e->n_groups);
      g_autoptr (GString) groups = g_string_new (NULL);

      sgplan_qsort (sorted, e->n_groups, sizeof (char *), sgplan_compare_strings);
      for (guint g = 0; g < e->n_groups; g++)
        g_string_append_printf (groups, "%s%s", g > 0 ? "\t" : "", sorted[g]);
      g_autofree char *function = g_strdup_printf ("check_resource_groups %s", step_service_name (e->service));

      drift_check (out, function, e->account, e->region, e->id, groups->str);
    }
  for (guint i = 0; i < cs->steps->len; i++)
    {
      const Step *step = cs->steps->pdata[i];
      g_autofree char *names = NULL, *tagged = NULL;

      if (step->action != ACTION_CREATE_GROUP)
        continue;
      names = vpc_filters (step->vpc_id, "group-name", step->group_name);
      tagged = vpc_filters (step->vpc_id, "tag:" REPLACES_TAG, replaces_tag (step));
      g_string_append (out, "  check_name_free ");
      sh_quote (out, step->account);
      g_string_append_c (out, ' ');
      sh_quote (out, step->region);
      g_string_append (out, " \\\n    ");
      sh_quote (out, names);
      g_string_append_c (out, ' ');
      sh_quote (out, step->group_name);
      g_string_append_c (out, ' ');
      sh_quote (out, tagged != NULL ? tagged : "");
      g_string_append (out, " || drift=1\n");
    }
  for (guint i = 0; i < cs->expected_defaults->len; i++)
    g_string_append_printf (out, "  users_%u || drift=1\n", i + 1);
  g_string_append (out, "  if (( drift )); then\n"
                        "    die 'the account is not as the export says (see above): export it again and plan again, or set SGPLAN_SKIP_PREFLIGHT=1 to go on anyway'\n"
                        "  fi\n"
                        "  note 'preflight: the account matches the export'\n"
                        "}\n\n");
  /* A resumed run: the steps done changed the account, so it is not
   * compared with the export as a whole; each step checks its own
   * precondition, and the default groups none of whose steps has run yet
   * are checked as in the preflight: their rules and all their users. */
  g_string_append (out, "untouched() { # FIRST LAST: no step from FIRST to LAST is in the journal\n"
                        "  local n\n"
                        "  for ((n = $1; n <= $2; n++)); do [[ -z ${step_state[$n]:-} ]] || return 1; done\n"
                        "}\n"
                        "resume_check() {\n"
                        "  note \"resuming from $journal: every step checks the live account before it acts\"\n"
                        "  if [[ ${SGPLAN_SKIP_PREFLIGHT:-0} == 1 ]]; then\n"
                        "    note 'preflight skipped (SGPLAN_SKIP_PREFLIGHT=1)'\n"
                        "    return 0\n"
                        "  fi\n"
                        "  local drift=0\n");
  for (guint i = 0; i < cs->expected_defaults->len; i++)
    {
      const ChangeSetDefaultUsers *u = cs->expected_defaults->pdata[i];

      GPtrArray *plans = g_hash_table_lookup (sc->plans, u->group_id);
      GPtrArray *expected = g_hash_table_lookup (sc->expected, u->group_id);

      for (guint g = 0; plans != NULL && g < plans->len; g++)
        {
          const ChangeSetGroup *cg = plans->pdata[g];

          if (cg->n_steps == 0)
            continue;
          g_string_append_printf (out, "  if untouched %u %u; then\n", cg->first_step + 1,
                                  cg->first_step + cg->n_steps);
          g_string_append_printf (out, "    note 'preflight: %s, whose steps have not started'\n", u->group_id);
          for (guint e = 0; expected != NULL && e < expected->len; e++)
            rules_check (out, expected->pdata[e]);
          g_string_append_printf (out, "    users_%u || drift=1\n  fi\n", i + 1);
        }
    }
  g_string_append (out, "  if (( drift )); then\n"
                        "    die 'the account is not as the export says (see above): roll back, or export and plan again'\n"
                        "  fi\n"
                        "}\n\n");
}

/* The rules a group the plan creates ends with, in the order they were
 * last added: removed ones leave a hole (NULL) and the index finds a rule
 * without a search, so a replacement with many rules stays linear. */
typedef struct {
  GPtrArray *rules;  /* (element-type Rule) (nullable) */
  GHashTable *at;    /* (element-type Rule guint) rule -> position + 1 */
} CreatedRules;

static void
created_rules_free (gpointer data)
{
  CreatedRules *c = data;

  g_ptr_array_unref (c->rules);
  g_hash_table_unref (c->at);
  g_free (c);
}

static void
created_rules_add (CreatedRules *c, const Rule *rule)
{
  g_ptr_array_add (c->rules, (gpointer) rule);
  g_hash_table_insert (c->at, (gpointer) rule, GUINT_TO_POINTER (c->rules->len));
}

/* Every rule equal to RULE goes (there is at most one: each add removes
 * its equal first). */
static void
created_rules_remove (CreatedRules *c, const Rule *rule)
{
  guint at = GPOINTER_TO_UINT (g_hash_table_lookup (c->at, rule));

  if (at == 0)
    return;
  c->rules->pdata[at - 1] = NULL;
  g_hash_table_remove (c->at, rule);
}

static GPtrArray *
created_rules_list (const CreatedRules *c)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < c->rules->len; i++)
    if (c->rules->pdata[i] != NULL)
      g_ptr_array_add (out, c->rules->pdata[i]);
  return out;
}

/* After the last step: every default group without rules, every
 * replacement with its planned rules, every moved ENI with its planned
 * groups, every re-pointed rule in place and every old one gone. */
static void
render_verify (GString *out, const Script *sc)
{
  const ChangeSet *cs = sc->cs;
  g_autoptr (GHashTable) created = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, created_rules_free);
  g_autoptr (GHashTable) moved = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) touched = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();  /* (element-type Step) first step on each object */
  g_autoptr (Needed) needed = needed_new ();

  /* net effect of the steps, object by object */
  for (guint k = 0; k < cs->steps->len; k++)
    {
      const Step *step = cs->steps->pdata[k];

      if (step->action == ACTION_CREATE_GROUP)
        {
          CreatedRules *rules = g_new0 (CreatedRules, 1);
          static const Rule allow_all = { .direction = RULE_EGRESS, .peer_kind = PEER_CIDR4,
                                          .from_port = SGPLAN_PORT_NONE, .to_port = SGPLAN_PORT_NONE,
                                          .protocol = "-1", .peer = "0.0.0.0/0" };

          rules->rules = g_ptr_array_new ();
          rules->at = g_hash_table_new (rule_hash_func, rule_equal_func);
          created_rules_add (rules, &allow_all);
          g_hash_table_insert (created, (gpointer) step->group_id, rules);
          g_ptr_array_add (order, (gpointer) step);
        }
      else if (step->action == ACTION_MODIFY_ENI_GROUPS || step->action == ACTION_MODIFY_RESOURCE_GROUPS)
        {
          /* (a resource's ID is an ARN, a name or an ID unlike any ENI's) */
          const char *key = step->action == ACTION_MODIFY_ENI_GROUPS ? step->eni_id : step->resource_id;

          if (!g_hash_table_contains (moved, key))
            g_ptr_array_add (order, (gpointer) step);
          g_hash_table_insert (moved, (gpointer) key, (gpointer) step);
        }
      else if (step_action_is_rules (step->action) && default_users (sc, step->group_id) == NULL)
        {
          CreatedRules *rules = g_hash_table_lookup (created, step->group_id);
          gboolean add = step_action_is_authorize (step->action);

          if (rules == NULL)
            {
              /* a re-pointed rule: (Rule, present?) pairs, last word wins */
              GPtrArray *pairs = g_hash_table_lookup (touched, step->group_id);

              if (pairs == NULL)
                {
                  pairs = g_ptr_array_new ();
                  g_hash_table_insert (touched, (gpointer) step->group_id, pairs);
                  g_ptr_array_add (order, (gpointer) step);
                }
              for (guint r = 0; r < step->n_rules; r++)
                {
                  g_ptr_array_add (pairs, (gpointer) &step->rules[r]);
                  g_ptr_array_add (pairs, GINT_TO_POINTER (add));
                }
              continue;
            }
          for (guint r = 0; r < step->n_rules; r++)
            {
              created_rules_remove (rules, &step->rules[r]);
              if (add)
                created_rules_add (rules, &step->rules[r]);
            }
        }
    }
  for (guint k = 0; k < cs->steps->len; k++)
    {
      const Step *step = cs->steps->pdata[k];

      /* (the change set's strings are interned: equal IDs are one pointer) */
      if (step->action == ACTION_CREATE_GROUP)
        needed_add (needed, step->group_id);
      for (guint r = 0; r < step->n_rules; r++)
        if (is_placeholder (step->rules[r].peer))
          needed_add (needed, step->rules[r].peer);
      for (guint r = 0; r < step->n_after; r++)
        if (is_placeholder (step->groups_after[r]))
          needed_add (needed, step->groups_after[r]);
    }
  g_string_append (out, "verify_end() {\n"
                        "  if dry_run; then note 'dry run: the end state is not checked'; return 0; fi\n"
                        "  note 'checking the end state live'\n"
                        "  seen_rules=() seen_eni=()\n"
                        "  local bad=0\n");
  render_group_locals (out, needed);
  for (guint i = 0; i < cs->expected_defaults->len; i++)
    {
      const ChangeSetDefaultUsers *u = cs->expected_defaults->pdata[i];

      g_string_append (out, "  expect_rules ");
      sh_quote (out, u->account);
      g_string_append_c (out, ' ');
      sh_quote (out, u->region);
      g_string_append_c (out, ' ');
      sh_quote (out, u->group_id);
      g_string_append (out, " '' || bad=1\n");
    }
  for (guint i = 0; i < order->len; i++)
    {
      const Step *first = order->pdata[i];
      g_autoptr (GString) ar = g_string_new (NULL);

      sh_quote (ar, first->account);
      g_string_append_c (ar, ' ');
      sh_quote (ar, first->region);
      if (first->action == ACTION_CREATE_GROUP)
        {
          g_autoptr (GString) group = g_string_new (NULL);
          g_autoptr (GPtrArray) rules = created_rules_list (g_hash_table_lookup (created, first->group_id));

          group_word (group, first->group_id, needed);
          g_string_append (out, "  {\n");
          rules_var (out, "end", rules, needed);
          g_string_append_printf (out, "  expect_rules %s %s \"$end\" || bad=1\n  }\n", ar->str, group->str);
        }
      else if (first->action == ACTION_MODIFY_ENI_GROUPS)
        {
          const Step *last = g_hash_table_lookup (moved, first->eni_id);
          g_autofree char *eni = quoted (first->eni_id);

          g_string_append (out, "  {\n  local end\n  tabs end");
          for (guint g = 0; g < last->n_after; g++)
            {
              g_string_append_c (out, ' ');
              group_word (out, last->groups_after[g], needed);
            }
          g_string_append_printf (out, "\n  expect_eni %s %s \"$end\" || bad=1\n  }\n", ar->str, eni);
        }
      else if (first->action == ACTION_MODIFY_RESOURCE_GROUPS)
        {
          const Step *last = g_hash_table_lookup (moved, first->resource_id);
          g_autofree char *id = quoted (first->resource_id);

          g_string_append (out, "  {\n  local end\n");
          render_sorted_tabs (out, "end", last->groups_after, last->n_after, needed);
          g_string_append_printf (out, "  expect_resource %s %s %s \"$end\" || bad=1\n  }\n",
                                  step_service_name (first->service), ar->str, id);
        }
      else
        {
          GPtrArray *pairs = g_hash_table_lookup (touched, first->group_id);
          g_autoptr (GString) group = g_string_new (NULL);
          g_autoptr (GHashTable) seen = g_hash_table_new (rule_hash_func, rule_equal_func);
          g_autofree gboolean *later = g_new0 (gboolean, pairs->len / 2 + 1);

          /* a rule said again later is judged by its last word only */
          for (guint j = pairs->len; j >= 2; j -= 2)
            {
              later[(j - 2) / 2] = g_hash_table_contains (seen, pairs->pdata[j - 2]);
              g_hash_table_add (seen, pairs->pdata[j - 2]);
            }
          group_word (group, first->group_id, needed);
          for (int present = 1; present >= 0; present--)
            {
              g_autoptr (GPtrArray) rules = g_ptr_array_new ();

              for (guint j = 0; j < pairs->len; j += 2)
                if (!later[j / 2] && GPOINTER_TO_INT (pairs->pdata[j + 1]) == present)
                  g_ptr_array_add (rules, pairs->pdata[j]);
              if (rules->len == 0)
                continue;
              g_string_append (out, "  {\n");
              want_said (out, (const Rule *const *) rules->pdata, rules->len, needed);
              g_string_append_printf (out, "  expect_lines %s %s %s || bad=1\n  }\n", present ? "present" : "absent",
                                      ar->str, group->str);
            }
        }
    }
  g_string_append (out, "  if (( bad )); then\n"
                        "    die 'the account is not in the planned end state (see above): the calls succeeded but AWS left it otherwise; look at the differences, then fix them by hand or run the rollback script'\n"
                        "  fi\n"
                        "  note 'the account is in the planned end state'\n"
                        "}\n\n");
}

/* Shell functions every script shares. */
static const char script_library[] =
  "# printable VAR TEXT: TEXT as sgplan prints untrusted text, into VAR: a\n"
  "# backslash, control characters (C0, DEL, C1), Unicode format characters\n"
  "# (right-to-left overrides and co.) and bytes that are not UTF-8 become\n"
  "# C-style escapes (\\\\ \\n \\t \\r \\u001b \\u202e \\xff), so that no value from the\n"
  "# export or from AWS moves the cursor, retitles the terminal or hides text.\n"
  "# Byte by byte in the C locale, whatever the terminal's locale.  VAR is not\n"
  "# one of its locals.\n"
  "printable() {\n"
  "  local LC_ALL=C\n"
  "  local s=$2 r='' c b i=0 n=${#2} k need cp min\n"
  "  if [[ $s != *[![:print:]]* && $s != *\\\\* ]]; then printf -v \"$1\" '%s' \"$s\"; return 0; fi\n"
  "  while (( i < n )); do\n"
  "    c=${s:i:1}\n"
  "    printf -v b '%d' \"'$c\"\n"
  "    if (( b < 0x80 )); then\n"
  "      case $c in\n"
  "        \\\\) c=\"\\\\\\\\\" ;;\n"
  "        $'\\n') c='\\n' ;;\n"
  "        $'\\t') c='\\t' ;;\n"
  "        $'\\r') c='\\r' ;;\n"
  "        [[:cntrl:]]) printf -v c '\\\\u%04x' \"$b\" ;;\n"
  "      esac\n"
  "      r+=$c\n"
  "      i=$((i + 1))\n"
  "      continue\n"
  "    fi\n"
  "    need=0 cp=0 min=0\n"
  "    if (( b >= 0xc2 && b <= 0xdf )); then need=1 cp=$((b & 0x1f)) min=0x80\n"
  "    elif (( b >= 0xe0 && b <= 0xef )); then need=2 cp=$((b & 0x0f)) min=0x800\n"
  "    elif (( b >= 0xf0 && b <= 0xf4 )); then need=3 cp=$((b & 0x07)) min=0x10000\n"
  "    fi\n"
  "    k=1\n"
  "    while (( k <= need && i + k < n )); do\n"
  "      printf -v c '%d' \"'${s:i+k:1}\"\n"
  "      (( c >= 0x80 && c < 0xc0 )) || break\n"
  "      cp=$((cp << 6 | (c & 0x3f)))\n"
  "      k=$((k + 1))\n"
  "    done\n"
  "    if (( need == 0 || k <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000) )); then\n"
  "      printf -v c '\\\\x%02x' \"$b\"\n"
  "      r+=$c\n"
  "      i=$((i + 1))\n"
  "      continue\n"
  "    fi\n"
  "    # C1 controls, then the format characters (Cf) of Unicode 15, as GLib has them\n"
  "    if (( (cp >= 0x80 && cp < 0xa0) || cp == 0xad || (cp >= 0x600 && cp <= 0x605) || cp == 0x61c || cp == 0x6dd\n"
  "          || cp == 0x70f || cp == 0x890 || cp == 0x891 || cp == 0x8e2 || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f)\n"
  "          || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206f)\n"
  "          || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) || cp == 0x110bd || cp == 0x110cd\n"
  "          || (cp >= 0x13430 && cp <= 0x1343f) || (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a)\n"
  "          || cp == 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f) )); then\n"
  "      if (( cp < 0x10000 )); then printf -v c '\\\\u%04x' \"$cp\"; else printf -v c '\\\\U%08x' \"$cp\"; fi\n"
  "    else\n"
  "      c=${s:i:k}\n"
  "    fi\n"
  "    r+=$c\n"
  "    i=$((i + k))\n"
  "  done\n"
  "  printf -v \"$1\" '%s' \"$r\"\n"
  "}\n"
  "# note/die MESSAGE...: one line on standard error, through printable (values\n"
  "# from the export and from AWS may hold terminal escape sequences).\n"
  "note() { local text; printable text \"$*\"; printf 'sgplan: %s\\n' \"$text\" >&2; }\n"
  "die() { local text; printable text \"$*\"; printf 'sgplan: error: %s\\n' \"$text\" >&2; exit 1; }\n"
  "# printable_lines: standard input to standard output, line by line, printable\n"
  "# (read in the C locale, where a line ends at the first newline byte).\n"
  "printable_lines() {\n"
  "  local LC_ALL=C\n"
  "  local line text\n"
  "  while IFS= read -r line || [[ -n $line ]]; do printable text \"$line\"; printf '%s\\n' \"$text\"; done\n"
  "}\n"
  "dry_run() { [[ ${DRY_RUN:-0} == 1 ]]; }\n"
  "\n"
  "# The AWS CLI for one account and region: SGPLAN_PROFILE_<ACCOUNT> names the\n"
  "# profile (unset: the default credentials); SGPLAN_ENDPOINT_URL, for tests\n"
  "# against a local endpoint, is passed as --endpoint-url.\n"
  "aws_call() {\n"
  "  local account=$1 region=$2\n"
  "  shift 2\n"
  "  local profile_var=\"SGPLAN_PROFILE_$account\"\n"
  "  local -a extra=()\n"
  "  if [[ -n ${!profile_var:-} ]]; then extra+=(--profile \"${!profile_var}\"); fi\n"
  "  if [[ -n ${SGPLAN_ENDPOINT_URL:-} ]]; then extra+=(--endpoint-url \"$SGPLAN_ENDPOINT_URL\"); fi\n"
  "  # its messages may quote values: through printable, as they come\n"
  "  { \"${SGPLAN_AWS:-aws}\" \"${extra[@]}\" --region \"$region\" \"$@\" 2>&1 >&3 3>&- | printable_lines >&2; } 3>&1\n"
  "}\n"
  "\n"
  "# An EC2 call that changes something.  With DRY_RUN=1 it gets --dry-run, and\n"
  "# the DryRunOperation error (the CLI exits non-zero with it) means success.\n"
  "ec2_change() {\n"
  "  local account=$1 region=$2 command=$3\n"
  "  shift 3\n"
  "  if dry_run; then\n"
  "    local err\n"
  "    if err=$(aws_call \"$account\" \"$region\" ec2 \"$command\" --dry-run \"$@\" 2>&1 >/dev/null); then\n"
  "      note \"dry run: $command answered without DryRunOperation\"\n"
  "      return 0\n"
  "    fi\n"
  "    if [[ $err == *DryRunOperation* ]]; then\n"
  "      note \"dry run: $command would succeed\"\n"
  "      return 0\n"
  "    fi\n"
  "    printf '%s\\n' \"$err\" >&2 # printable already (aws_call)\n"
  "    return 1\n"
  "  fi\n"
  "  aws_call \"$account\" \"$region\" ec2 \"$command\" \"$@\"\n"
  "}\n"
  "\n"
  "# The journal: a header naming the plan, then \"done N\" / \"undone N\" for each\n"
  "# step and \"group new:sg-... sg-...\" for each group created.\n"
  "declare -A step_state=() new_ids=()\n"
  "load_journal() {\n"
  "  [[ -f $journal ]] || return 0\n"
  "  local line first=1 kind key value\n"
  "  while IFS= read -r line; do\n"
  "    if (( first )); then\n"
  "      first=0\n"
  "      [[ $line == \"# sgplan journal $SGPLAN_FINGERPRINT\" ]] || die \"$journal is not the journal of this plan\"\n"
  "      continue\n"
  "    fi\n"
  "    read -r kind key value <<<\"$line\"\n"
  "    case $kind in\n"
  "      done|undone) [[ $key =~ ^[0-9]+$ ]] || die \"bad journal line: $line\"; step_state[$key]=$kind ;;\n"
  "      group) [[ $key == new:sg-* && $value =~ ^sg-[0-9a-f]+$ ]] || die \"bad journal line: $line\"; new_ids[$key]=$value ;;\n"
  "      *) die \"bad journal line: $line\" ;;\n"
  "    esac\n"
  "  done <\"$journal\"\n"
  "}\n"
  "journal_add() {\n"
  "  if [[ ! -e $journal ]]; then printf '# sgplan journal %s\\n' \"$SGPLAN_FINGERPRINT\" >\"$journal\"; fi\n"
  "  printf '%s\\n' \"$1\" >>\"$journal\"\n"
  "}\n"
  "record_group() {\n"
  "  [[ $2 =~ ^sg-[0-9a-f]+$ ]] || die \"create-security-group returned '$2', not a group ID\"\n"
  "  new_ids[$1]=$2\n"
  "  journal_add \"group $1 $2\"\n"
  "  note \"created $2 for $1\"\n"
  "}\n"
  "# The real ID of a group this plan created.\n"
  "gid() {\n"
  "  [[ -n ${new_ids[$1]:-} ]] || die \"no group was recorded for $1 in $journal\"\n"
  "  printf '%s' \"${new_ids[$1]}\"\n"
  "}\n"
  "# A dry run cannot use a group that only a real run creates: skip the step.\n"
  "needs_group() {\n"
  "  if dry_run && [[ -z ${new_ids[$1]:-} ]]; then\n"
  "    note \"dry run: not run, it needs $1, which a real run creates\"\n"
  "    return 1\n"
  "  fi\n"
  "}\n"
  "\n"
  "# Live reads.  Rule sets are texts: one canonical line per rule (RULES_QUERY's\n"
  "# form), sorted, joined by RS, which EC2's XML answers cannot carry.\n"
  "readonly RS=$'\\x1e'\n"
  "readonly RULE_FIELDS=\"to_string(IsEgress), IpProtocol, to_string(FromPort), to_string(ToPort), to_string(CidrIpv4), to_string(CidrIpv6), to_string(PrefixListId), to_string(ReferencedGroupInfo.GroupId), to_string(ReferencedGroupInfo.UserId), to_string(Description), 'end'\"\n"
  "readonly RULES_QUERY=\"join('$RS', sort(SecurityGroupRules[].join(' ', [$RULE_FIELDS])))\"\n"
  "# What was last read of each object, and how many changes this run made: a\n"
  "# step checks its precondition against the object as read after the last\n"
  "# change this script made to it (or reads it now).\n"
  "declare -A seen_rules=() seen_eni=() seen_resource=() carriers_checked=() live_set=()\n"
  "changes=0\n"
  "found=''\n"
  "managed=1\n"
  "errfile=''\n"
  "\n"
  "# rules_text VAR LINE...: the lines sorted as JMESPath's sort() does and\n"
  "# joined by RS, into VAR (for rule sets that name a group created at run time).\n"
  "rules_text() {\n"
  "  local var=$1 text\n"
  "  shift\n"
  "  if (( $# == 0 )); then printf -v \"$var\" '%s' ''; return 0; fi\n"
  "  text=$(printf '%s\\0' \"$@\" | LC_ALL=C sort -z | tr '\\0' \"$RS\")\n"
  "  printf -v \"$var\" '%s' \"${text%\"$RS\"}\"\n"
  "}\n"
  "# tabs VAR WORD...: the words joined by tabs (the CLI's text form of a list).\n"
  "tabs() {\n"
  "  local var=$1 IFS=$'\\t'\n"
  "  shift\n"
  "  printf -v \"$var\" '%s' \"$*\"\n"
  "}\n"
  "# A canonical rule line in words, for messages.\n"
  "rule_words() {\n"
  "  local egress proto from to c4 c6 pl group rest peer dir=inbound way=from ports=''\n"
  "  # the whole line: a description may hold newlines and tabs\n"
  "  IFS=' ' read -r -d '' egress proto from to c4 c6 pl group _ rest <<<\"$1\" || :\n"
  "  for peer in \"$c4\" \"$c6\" \"$pl\" \"$group\"; do [[ $peer == null ]] || break; done\n"
  "  if [[ $egress == true ]]; then dir=outbound; way=to; fi\n"
  "  if [[ $from != -1 || $to != -1 ]]; then ports=\" $from-$to\"; fi\n"
  "  if [[ $proto == -1 ]]; then proto='all traffic'; fi\n"
  "  rest=${rest%$'\\n'}\n"
  "  rest=${rest% end}\n"
  "  if [[ $rest == null ]]; then rest=''; else rest=\" \\\"$rest\\\"\"; fi\n"
  "  printf '%s %s%s %s %s%s' \"$dir\" \"$proto\" \"$ports\" \"$way\" \"$peer\" \"$rest\"\n"
  "}\n"
  "# split_found: the lines of `found` as the keys of live_set.\n"
  "split_found() {\n"
  "  local line\n"
  "  live_set=()\n"
  "  [[ -n $found ]] || return 0\n"
  "  while IFS= read -r -d \"$RS\" line; do live_set[$line]=1; done <<<\"$found$RS\"\n"
  "}\n"
  "# rules_diff WHO FOUND EXPECTED: note each rule that is in one and not the other.\n"
  "rules_diff() {\n"
  "  local who=$1 line\n"
  "  local -A expect=()\n"
  "  found=$3; split_found\n"
  "  for line in \"${!live_set[@]}\"; do expect[$line]=1; done\n"
  "  found=$2; split_found\n"
  "  for line in \"${!live_set[@]}\"; do\n"
  "    [[ -n ${expect[$line]+set} ]] || note \"  $who has $(rule_words \"$line\"), not expected\"\n"
  "  done\n"
  "  for line in \"${!expect[@]}\"; do\n"
  "    [[ -n ${live_set[$line]+set} ]] || note \"  $who lacks $(rule_words \"$line\")\"\n"
  "  done\n"
  "}\n"
  "\n"
  "live_rules() { # ACCOUNT REGION GROUP: its live rules into found (and remembered)\n"
  "  if ! found=$(aws_call \"$1\" \"$2\" ec2 describe-security-group-rules --filters \"Name=group-id,Values=$3\" --query \"$RULES_QUERY\" --output text); then\n"
  "    note \"cannot read the rules of $3\"\n"
  "    return 1\n"
  "  fi\n"
  "  seen_rules[$3]=$found\n"
  "}\n"
  "cached_rules() { # the same, as last read if nothing this script did changed it since\n"
  "  if [[ -n ${seen_rules[$3]+set} ]]; then found=${seen_rules[$3]}; return 0; fi\n"
  "  live_rules \"$@\"\n"
  "}\n"
  "live_eni() { # ACCOUNT REGION ENI: its groups (tab-separated) into found\n"
  "  if ! found=$(aws_call \"$1\" \"$2\" ec2 describe-network-interfaces --network-interface-ids \"$3\" --query 'NetworkInterfaces[0].Groups[].GroupId' --output text); then\n"
  "    note \"cannot read the groups of $3\"\n"
  "    return 1\n"
  "  fi\n"
  "  seen_eni[$3]=$found\n"
  "}\n"
  "cached_eni() {\n"
  "  if [[ -n ${seen_eni[$3]+set} ]]; then found=${seen_eni[$3]}; return 0; fi\n"
  "  live_eni \"$@\"\n"
  "}\n"
  "# sorted_tabs VAR WORD...: the words sorted (as JMESPath's sort()) and joined by tabs.\n"
  "sorted_tabs() {\n"
  "  local var=$1 text\n"
  "  shift\n"
  "  text=$(printf '%s\\n' \"$@\" | LC_ALL=C sort | paste -s -d '\\t' -)\n"
  "  printf -v \"$var\" '%s' \"$text\"\n"
  "}\n"
  "# live_resource TYPE ACCOUNT REGION ID: the security groups of a service\n"
  "# resource, sorted, tab-separated, into found (each service's describe call;\n"
  "# RDS lists a group it is removing until it is gone: that one is left out).\n"
  "live_resource() {\n"
  "  local -a call\n"
  "  case $1 in\n"
  "    elbv2-load-balancer) call=(elbv2 describe-load-balancers --load-balancer-arns \"$4\" --query 'sort(LoadBalancers[0].SecurityGroups)') ;;\n"
  "    elb-load-balancer) call=(elb describe-load-balancers --load-balancer-names \"$4\" --query 'sort(LoadBalancerDescriptions[0].SecurityGroups)') ;;\n"
  "    vpc-endpoint) call=(ec2 describe-vpc-endpoints --vpc-endpoint-ids \"$4\" --query 'sort(VpcEndpoints[0].Groups[].GroupId)') ;;\n"
  "    efs-mount-target) call=(efs describe-mount-target-security-groups --mount-target-id \"$4\" --query 'sort(SecurityGroups)') ;;\n"
  "    lambda-function) call=(lambda get-function-configuration --function-name \"$4\" --query 'sort(VpcConfig.SecurityGroupIds)') ;;\n"
  "    rds-db-instance) call=(rds describe-db-instances --db-instance-identifier \"$4\" --query \"sort(DBInstances[0].VpcSecurityGroups[?Status!='removing'].VpcSecurityGroupId)\") ;;\n"
  "    rds-db-cluster) call=(rds describe-db-clusters --db-cluster-identifier \"$4\" --query \"sort(DBClusters[0].VpcSecurityGroups[?Status!='removing'].VpcSecurityGroupId)\") ;;\n"
  "    elasticache-replication-group)\n"
  "      [[ $4 =~ ^[A-Za-z0-9-]+$ ]] || die \"not a replication group ID: $4\"\n"
  "      call=(elasticache describe-cache-clusters --query \"sort(CacheClusters[?ReplicationGroupId=='$4'] | [0].SecurityGroups[].SecurityGroupId)\") ;;\n"
  "    elasticache-cache-cluster) call=(elasticache describe-cache-clusters --cache-cluster-id \"$4\" --query 'sort(CacheClusters[0].SecurityGroups[].SecurityGroupId)') ;;\n"
  "    *) die \"unknown resource type $1\" ;;\n"
  "  esac\n"
  "  if ! found=$(aws_call \"$2\" \"$3\" \"${call[@]}\" --output text); then\n"
  "    note \"cannot read the security groups of $4\"\n"
  "    return 1\n"
  "  fi\n"
  "  seen_resource[$4]=$found\n"
  "}\n"
  "cached_resource() {\n"
  "  if [[ -n ${seen_resource[$4]+set} ]]; then found=${seen_resource[$4]}; return 0; fi\n"
  "  live_resource \"$@\"\n"
  "}\n"
  "check_resource_groups() { # TYPE ACCOUNT REGION ID EXPECTED (sorted)\n"
  "  if ! live_resource \"$@\"; then\n"
  "    note \"drift: cannot read the groups of $4\"\n"
  "    return 1\n"
  "  fi\n"
  "  if [[ $found != \"$5\" ]]; then\n"
  "    note \"drift: $1 $4 has groups ${found//$'\\t'/ }, the export says ${5//$'\\t'/ }\"\n"
  "    return 1\n"
  "  fi\n"
  "}\n"
  "# resource_before WHAT ACCOUNT REGION TYPE ID BEFORE AFTER: 0 run it, 1 already done.\n"
  "resource_before() {\n"
  "  cached_resource \"$4\" \"$2\" \"$3\" \"$5\" || die \"$1: cannot read the groups of $5\"\n"
  "  if [[ $found == \"$7\" ]]; then note \"$1: already done: $5 has the groups ${7//$'\\t'/ }\"; return 1; fi\n"
  "  [[ $found != \"$6\" ]] || return 0\n"
  "  unexpected \"$1\" \"$5 has the groups ${found//$'\\t'/ }; expected ${6//$'\\t'/ } (or ${7//$'\\t'/ } once done)\"\n"
  "}\n"
  "resource_after() { # WHAT ACCOUNT REGION TYPE ID AFTER\n"
  "  live_resource \"$4\" \"$2\" \"$3\" \"$5\" || die \"$1: cannot read $5 back\"\n"
  "  [[ $found != \"$6\" ]] || return 0\n"
  "  die \"$1: the call succeeded but $5 has the groups ${found//$'\\t'/ }, not ${6//$'\\t'/ }: look at it, then run again or roll back\"\n"
  "}\n"
  "expect_resource() { # TYPE ACCOUNT REGION ID EXPECTED (sorted)\n"
  "  live_resource \"$@\" || return 1\n"
  "  [[ $found != \"$5\" ]] || return 0\n"
  "  note \"end state: $4 has the groups ${found//$'\\t'/ }, not ${5//$'\\t'/ }\"\n"
  "  return 1\n"
  "}\n"
  "# changed OBJECT: this script changed it; what was read of it is stale.\n"
  "changed() {\n"
  "  unset \"seen_rules[$1]\" \"seen_eni[$1]\" \"seen_resource[$1]\"\n"
  "  changes=$((changes + 1))\n"
  "}\n"
  "list_groups() { # ACCOUNT REGION FILTER...: IDs of the groups the filters match, into found\n"
  "  local account=$1 region=$2\n"
  "  shift 2\n"
  "  found=$(aws_call \"$account\" \"$region\" ec2 describe-security-groups --filters \"$@\" --query 'SecurityGroups[].GroupId' --output text)\n"
  "}\n"
  "\n"
  "check_rules() { # ACCOUNT REGION GROUP EXPECTED\n"
  "  if ! live_rules \"$1\" \"$2\" \"$3\"; then\n"
  "    note \"drift: cannot read the rules of $3\"\n"
  "    return 1\n"
  "  fi\n"
  "  if [[ $found != \"$4\" ]]; then\n"
  "    note \"drift: the rules of $3 are not those of the export\"\n"
  "    rules_diff \"$3\" \"$found\" \"$4\"\n"
  "    return 1\n"
  "  fi\n"
  "}\n"
  "check_eni_groups() { # ACCOUNT REGION ENI EXPECTED\n"
  "  if ! live_eni \"$1\" \"$2\" \"$3\"; then\n"
  "    note \"drift: cannot read the groups of $3\"\n"
  "    return 1\n"
  "  fi\n"
  "  if [[ $found != \"$4\" ]]; then\n"
  "    note \"drift: $3 has groups ${found//$'\\t'/ }, the export says ${4//$'\\t'/ }\"\n"
  "    return 1\n"
  "  fi\n"
  "}\n"
  "# check_name_free ACCOUNT REGION NAME-FILTERS NAME TAG-FILTERS: no group has\n"
  "# the replacement's name, unless it is one an earlier run created (tagged).\n"
  "check_name_free() {\n"
  "  local named\n"
  "  if ! list_groups \"$1\" \"$2\" \"$3\"; then\n"
  "    note \"drift: cannot list the security groups named $4\"\n"
  "    return 1\n"
  "  fi\n"
  "  [[ -n $found ]] || return 0\n"
  "  named=$found\n"
  "  if [[ -n $5 ]] && list_groups \"$1\" \"$2\" \"$5\" && [[ $found == \"$named\" ]]; then\n"
  "    note \"$named, named $4, is tagged as created by an earlier run: it will be adopted\"\n"
  "    return 0\n"
  "  fi\n"
  "  note \"drift: a security group named $4 already exists in its VPC\"\n"
  "  return 1\n"
  "}\n"
  "\n"
  "# The users of a default group: the ENIs that carry it, the rules of other\n"
  "# groups that reference it, the VPCs that reference it.\n"
  "live_enis_of() { # ACCOUNT REGION GROUP: sorted IDs, space-separated, into found\n"
  "  local q=\"join(' ', sort(NetworkInterfaces[].NetworkInterfaceId))\"\n"
  "  if (( managed )); then\n"
  "    [[ -n $errfile ]] || errfile=$(mktemp)\n"
  "    if found=$(aws_call \"$1\" \"$2\" ec2 describe-network-interfaces --include-managed-resources --filters \"Name=group-id,Values=$3\" --query \"$q\" --output text 2>\"$errfile\"); then\n"
  "      return 0\n"
  "    fi\n"
  "    if ! grep -q -e '--include-managed-resources' \"$errfile\"; then\n"
  "      cat \"$errfile\" >&2 # printable already (aws_call)\n"
  "      return 1\n"
  "    fi\n"
  "    managed=0\n"
  "    note 'this AWS CLI does not know --include-managed-resources: network interfaces AWS lists only with it are not compared'\n"
  "  fi\n"
  "  found=$(aws_call \"$1\" \"$2\" ec2 describe-network-interfaces --filters \"Name=group-id,Values=$3\" --query \"$q\" --output text)\n"
  "}\n"
  "live_refs_to() { # ACCOUNT REGION GROUP: \"GROUP-ID rule\" of the rules in ACCOUNT's other groups that reference it\n"
  "  local in out id list\n"
  "  local -a ids=() all=()\n"
  "  local -A seen=()\n"
  "  in=$(aws_call \"$1\" \"$2\" ec2 describe-security-groups --filters \"Name=ip-permission.group-id,Values=$3\" \"Name=owner-id,Values=$1\" --query 'SecurityGroups[].GroupId' --output text) || return 1\n"
  "  out=$(aws_call \"$1\" \"$2\" ec2 describe-security-groups --filters \"Name=egress.ip-permission.group-id,Values=$3\" \"Name=owner-id,Values=$1\" --query 'SecurityGroups[].GroupId' --output text) || return 1\n"
  "  read -r -a all <<<\"$in $out\" || :\n"
  "  for id in \"${all[@]}\"; do\n"
  "    if [[ $id != \"$3\" && -z ${seen[$id]:-} ]]; then seen[$id]=1; ids+=(\"$id\"); fi\n"
  "  done\n"
  "  found=''\n"
  "  (( ${#ids[@]} )) || return 0\n"
  "  list=$(IFS=,; printf '%s' \"${ids[*]}\")\n"
  "  found=$(aws_call \"$1\" \"$2\" ec2 describe-security-group-rules --filters \"Name=group-id,Values=$list\" --query \"join('$RS', sort(SecurityGroupRules[?ReferencedGroupInfo.GroupId=='$3'].join(' ', [GroupId, $RULE_FIELDS])))\" --output text)\n"
  "}\n"
  "check_refs() { # ACCOUNT REGION GROUP EXPECTED\n"
  "  local line\n"
  "  if ! live_refs_to \"$1\" \"$2\" \"$3\"; then\n"
  "    note \"drift: cannot read the rules that reference $3\"\n"
  "    return 1\n"
  "  fi\n"
  "  [[ $found != \"$4\" ]] || return 0\n"
  "  local -A expect=()\n"
  "  local have=$found\n"
  "  found=$4; split_found\n"
  "  for line in \"${!live_set[@]}\"; do expect[$line]=1; done\n"
  "  found=$have; split_found\n"
  "  for line in \"${!live_set[@]}\"; do\n"
  "    [[ -n ${expect[$line]+set} ]] || note \"drift: ${line%% *} has a rule that references $3, not in the export: $(rule_words \"${line#* }\")\"\n"
  "  done\n"
  "  for line in \"${!expect[@]}\"; do\n"
  "    [[ -n ${live_set[$line]+set} ]] || note \"drift: ${line%% *} no longer has its rule that references $3: $(rule_words \"${line#* }\")\"\n"
  "  done\n"
  "  return 1\n"
  "}\n"
  "check_references() { # ACCOUNT REGION GROUP EXPECTED: describe-security-group-references\n"
  "  if ! found=$(aws_call \"$1\" \"$2\" ec2 describe-security-group-references --group-id \"$3\" --query \"join('$RS', sort(SecurityGroupReferenceSet[].join(' ', [ReferencingVpcId, to_string(VpcPeeringConnectionId)])))\" --output text); then\n"
  "    note \"drift: cannot read the references to $3\"\n"
  "    return 1\n"
  "  fi\n"
  "  if [[ $found != \"$4\" ]]; then\n"
  "    note \"drift: the VPCs that reference $3 are [${found//$RS/, }]; the export says [${4//$RS/, }]\"\n"
  "    return 1\n"
  "  fi\n"
  "}\n"
  "# check_carriers ACCOUNT REGION GROUP ENIS: the ENIs that carry GROUP are ENIS.\n"
  "check_carriers() {\n"
  "  local e\n"
  "  local -a have=() want=()\n"
  "  [[ $3 =~ ^sg-[0-9a-f]+$ ]] || die \"not a security group ID: $3\"\n"
  "  if ! live_enis_of \"$1\" \"$2\" \"$3\"; then\n"
  "    note \"drift: cannot list the network interfaces that carry $3\"\n"
  "    return 1\n"
  "  fi\n"
  "  if [[ $found == \"$4\" ]]; then\n"
  "    # shellcheck disable=SC2034 # read by the steps of the forward script\n"
  "    carriers_checked[$3]=$changes\n"
  "    return 0\n"
  "  fi\n"
  "  read -r -a have <<<\"$found\" || :\n"
  "  read -r -a want <<<\"$4\" || :\n"
  "  for e in \"${have[@]}\"; do [[ \" $4 \" == *\" $e \"* ]] || note \"drift: $e carries $3, which the plan does not expect\"; done\n"
  "  for e in \"${want[@]}\"; do [[ \" $found \" == *\" $e \"* ]] || note \"drift: $e no longer carries $3\"; done\n"
  "  return 1\n"
  "}\n"
  "# wait_carriers ACCOUNT REGION GROUP ENIS: as check_carriers, but AWS services\n"
  "# move their resources' network interfaces some time after the call that\n"
  "# changes the resource (Lambda replaces them): while only such a move is\n"
  "# missing, ask again every SGPLAN_WAIT_INTERVAL seconds (default 15), up to\n"
  "# SGPLAN_WAIT_TIMEOUT seconds (default 900).  1: drift; 2: timed out.\n"
  "wait_carriers() {\n"
  "  local timeout=${SGPLAN_WAIT_TIMEOUT:-900} interval=${SGPLAN_WAIT_INTERVAL:-15} start=$SECONDS e extra\n"
  "  [[ $timeout =~ ^[0-9]+$ && $interval =~ ^[0-9]+$ ]] || die 'SGPLAN_WAIT_TIMEOUT and SGPLAN_WAIT_INTERVAL must be whole numbers of seconds'\n"
  "  if dry_run; then check_carriers \"$@\"; return; fi\n"
  "  [[ $3 =~ ^sg-[0-9a-f]+$ ]] || die \"not a security group ID: $3\"\n"
  "  while :; do\n"
  "    if ! live_enis_of \"$1\" \"$2\" \"$3\"; then\n"
  "      note \"drift: cannot list the network interfaces that carry $3\"\n"
  "      return 1\n"
  "    fi\n"
  "    if [[ $found == \"$4\" ]]; then\n"
  "      # shellcheck disable=SC2034 # read by the steps of the forward script\n"
  "      carriers_checked[$3]=$changes\n"
  "      return 0\n"
  "    fi\n"
  "    extra=''\n"
  "    for e in $found; do [[ \" $4 \" == *\" $e \"* ]] || extra+=\" $e\"; done\n"
  "    # an interface that left too early is drift, not something to wait for\n"
  "    for e in $4; do [[ \" $found \" == *\" $e \"* ]] || { check_carriers \"$@\"; return 1; }; done\n"
  "    if (( SECONDS - start >= timeout )); then\n"
  "      note \"timed out after ${timeout}s (SGPLAN_WAIT_TIMEOUT) waiting for AWS services to move network interfaces off $3:$extra\"\n"
  "      return 2\n"
  "    fi\n"
  "    note \"waiting for AWS services to move network interfaces off $3:$extra ($((SECONDS - start))s of ${timeout}s)\"\n"
  "    sleep \"$interval\"\n"
  "  done\n"
  "}\n"
  "# check_users ACCOUNT REGION GROUP ENIS REFS [REFERENCES]: the live users of\n"
  "# a default group are the expected ones.\n"
  "check_users() {\n"
  "  local bad=0\n"
  "  check_carriers \"$1\" \"$2\" \"$3\" \"$4\" || bad=1\n"
  "  check_refs \"$1\" \"$2\" \"$3\" \"$5\" || bad=1\n"
  "  if (( $# > 5 )); then check_references \"$1\" \"$2\" \"$3\" \"$6\" || bad=1; fi\n"
  "  return \"$bad\"\n"
  "}\n"
  "\n"
  "# Each step checks its precondition just before it acts and its effect just\n"
  "# after.  Rules steps use the arrays want (canonical lines) and said (the\n"
  "# same rules in words) of the caller.\n"
  "# rules_before KIND GROUP WHAT: 0 when the step must run, 1 when its effect\n"
  "# is already there; stops when only part of it is.\n"
  "rules_before() {\n"
  "  local kind=$1 group=$2 what=$3 i\n"
  "  local -a have=() lack=()\n"
  "  split_found\n"
  "  for i in \"${!want[@]}\"; do\n"
  "    if [[ -n ${live_set[${want[$i]}]+set} ]]; then have+=(\"${said[$i]}\"); else lack+=(\"${said[$i]}\"); fi\n"
  "  done\n"
  "  if [[ $kind == authorize ]]; then\n"
  "    if (( ${#lack[@]} == 0 )); then note \"$what: already done: $group has its rules\"; return 1; fi\n"
  "    (( ${#have[@]} )) || return 0\n"
  "    unexpected \"$what\" \"$group already has some of the rules it adds:\" \"${have[@]}\"\n"
  "  else\n"
  "    if (( ${#have[@]} == 0 )); then note \"$what: already done: $group has none of its rules\"; return 1; fi\n"
  "    (( ${#lack[@]} )) || return 0\n"
  "    unexpected \"$what\" \"$group no longer has some of the rules it revokes:\" \"${lack[@]}\"\n"
  "  fi\n"
  "}\n"
  "# rules_after KIND ACCOUNT REGION GROUP WHAT: read GROUP back.\n"
  "rules_after() {\n"
  "  local kind=$1 group=$4 what=$5 i r\n"
  "  local -a wrong=()\n"
  "  live_rules \"$2\" \"$3\" \"$group\" || die \"$what: cannot read $group back\"\n"
  "  split_found\n"
  "  for i in \"${!want[@]}\"; do\n"
  "    if [[ -n ${live_set[${want[$i]}]+set} ]]; then\n"
  "      if [[ $kind == revoke ]]; then wrong+=(\"${said[$i]}\"); fi\n"
  "    elif [[ $kind == authorize ]]; then\n"
  "      wrong+=(\"${said[$i]}\")\n"
  "    fi\n"
  "  done\n"
  "  (( ${#wrong[@]} )) || return 0\n"
  "  if [[ $kind == revoke ]]; then note \"$what: after the call $group still has:\"; else note \"$what: after the call $group lacks:\"; fi\n"
  "  for r in \"${wrong[@]}\"; do note \"  $r\"; done\n"
  "  die \"$what: the call succeeded but the account is not as planned: look at $group, then run again or roll back\"\n"
  "}\n"
  "# eni_before WHAT ACCOUNT REGION ENI BEFORE AFTER: 0 run it, 1 already done.\n"
  "eni_before() {\n"
  "  cached_eni \"$2\" \"$3\" \"$4\" || die \"$1: cannot read the groups of $4\"\n"
  "  if [[ $found == \"$6\" ]]; then note \"$1: already done: $4 has the groups ${6//$'\\t'/ }\"; return 1; fi\n"
  "  [[ $found != \"$5\" ]] || return 0\n"
  "  unexpected \"$1\" \"$4 has the groups ${found//$'\\t'/ }; expected ${5//$'\\t'/ } (or ${6//$'\\t'/ } once done)\"\n"
  "}\n"
  "eni_after() { # WHAT ACCOUNT REGION ENI AFTER\n"
  "  live_eni \"$2\" \"$3\" \"$4\" || die \"$1: cannot read $4 back\"\n"
  "  [[ $found != \"$5\" ]] || return 0\n"
  "  die \"$1: the call succeeded but $4 has the groups ${found//$'\\t'/ }, not ${5//$'\\t'/ }: look at it, then run again or roll back\"\n"
  "}\n"
  "# unexpected WHAT MESSAGE [RULE...]: a precondition that does not hold.\n"
  "unexpected() {\n"
  "  local what=$1 r\n"
  "  note \"$what: $2\"\n"
  "  shift 2\n"
  "  for r in \"$@\"; do note \"  $r\"; done\n"
  "  if dry_run; then note \"dry run: a real run would stop here\"; return 0; fi\n"
  "  die \"$what: the account is not as this step expects (see above): find out what changed, then run again or roll back\"\n"
  "}\n"
  "# expect_rules ACCOUNT REGION GROUP EXPECTED: the end state of a group.\n"
  "expect_rules() {\n"
  "  live_rules \"$1\" \"$2\" \"$3\" || return 1\n"
  "  [[ $found != \"$4\" ]] && { note \"end state: the rules of $3 are not as planned\"; rules_diff \"$3\" \"$found\" \"$4\"; return 1; }\n"
  "  return 0\n"
  "}\n"
  "# expect_lines KIND ACCOUNT REGION GROUP: the rules want/said are present (or absent).\n"
  "expect_lines() {\n"
  "  local i bad=0\n"
  "  cached_rules \"$2\" \"$3\" \"$4\" || return 1\n"
  "  split_found\n"
  "  for i in \"${!want[@]}\"; do\n"
  "    if [[ -n ${live_set[${want[$i]}]+set} ]]; then\n"
  "      if [[ $1 == absent ]]; then note \"end state: $4 still has ${said[$i]}\"; bad=1; fi\n"
  "    elif [[ $1 == present ]]; then\n"
  "      note \"end state: $4 lacks ${said[$i]}\"; bad=1\n"
  "    fi\n"
  "  done\n"
  "  return \"$bad\"\n"
  "}\n"
  "expect_eni() { # ACCOUNT REGION ENI EXPECTED\n"
  "  live_eni \"$1\" \"$2\" \"$3\" || return 1\n"
  "  [[ $found != \"$4\" ]] || return 0\n"
  "  note \"end state: $3 has the groups ${found//$'\\t'/ }, not ${4//$'\\t'/ }\"\n"
  "  return 1\n"
  "}\n"
  "\n"
  "current=''\n"
  "on_exit() {\n"
  "  local status=$?\n"
  "  if [[ -n $errfile ]]; then rm -f -- \"$errfile\"; fi\n"
  "  if (( status != 0 )) && [[ -n $current ]]; then\n"
  "    note \"error: $current failed (exit $status); the journal $journal records what is done:\"\n"
  "    note 'error: fix the cause and run this script again to go on, or run the rollback script to undo'\n"
  "  fi\n"
  "}\n"
  "trap on_exit EXIT\n"
  "\n";

static void
render_header (GString *out, const ChangeSet *cs, gboolean rollback)
{
  g_autofree char *fp = g_strndup (cs->fingerprint, 16);

  g_string_append (out, "#!/usr/bin/env bash\n");
  g_string_append_printf (out, "# sgplan %s script: %s AWS Security Hub EC2.2 (VPC default security groups\n"
                               "# allow no traffic) as planned in a change set, with the AWS CLI v2.\n",
                          rollback ? "rollback" : "remediation",
                          rollback ? "undoes the remediation of" : "remediates");
  g_string_append_printf (out, "#\n# Plan fingerprint: %s\n", cs->fingerprint);
  g_string_append_printf (out, "# Plan: %u to migrate, %u to revoke, %u blocked, %u excepted, %u compliant;"
                               " %u steps.\n",
                          cs->counts[DECISION_MIGRATE], cs->counts[DECISION_REVOKE],
                          cs->counts[DECISION_BLOCKED], cs->counts[DECISION_EXCEPTED],
                          cs->counts[DECISION_COMPLIANT], cs->steps->len);
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *g = cs->groups->pdata[i];
      g_autofree char *line = g_strdup_printf ("  %s (%s, %s): %s", g->group_id, g->owner_id, g->region,
                                               decision_name (g->decision));
      comment (out, "", line);
    }
  for (guint i = 0; i < cs->warnings->len; i++)
    {
      g_autofree char *line = g_strdup_printf ("  warning: %s", (const char *) cs->warnings->pdata[i]);
      comment (out, "", line);
    }
  g_string_append_printf (out,
    "#\n"
    "# Needs bash, the AWS CLI v2 (aws, or SGPLAN_AWS) and coreutils.\n"
    "# Credentials: the calls for account N use the profile named by\n"
    "#   SGPLAN_PROFILE_N (for example SGPLAN_PROFILE_111122223333=prod-admin);\n"
    "#   when it is unset, the default credentials.\n"
    "# Dry run:   DRY_RUN=1 %s\n"
    "#   adds --dry-run to every EC2 call; nothing changes and the journal is not\n"
    "#   written.  Steps that need a group only a real run creates are listed.\n"
    "# Journal:   SGPLAN_JOURNAL, by default sgplan-%s.journal next to this\n"
    "#   script: each completed step and the ID of each group created.\n",
    rollback ? "./rollback.sh" : "./remediate.sh", fp);
  if (rollback)
    g_string_append (out,
      "# Rollback:  undoes, newest first, exactly the steps the journal records as\n"
      "#   done, also after a forward run that stopped half-way; run it again to\n"
      "#   go on after a failure.\n");
  else
    g_string_append (out,
      "# Preflight: before the first change, the live rules of every group and the\n"
      "#   groups of every network interface the plan touches, and everything that\n"
      "#   uses each default group the plan revokes or migrates (the network\n"
      "#   interfaces that carry it, the rules and VPCs that reference it), are\n"
      "#   compared with the export; any difference stops the script before any\n"
      "#   change.  SGPLAN_SKIP_PREFLIGHT=1 skips it.\n"
      "# Each step: checks the live account just before it acts (already done:\n"
      "#   recorded and skipped; only partly as expected: the script stops) and\n"
      "#   reads its effect back after the call; a default group's users are read\n"
      "#   again before its rules go.  At the end the planned end state is read back.\n"
      "# Resume:    run it again: steps in the journal are skipped.  The account is\n"
      "#   not compared with the export as a whole (the steps done changed it): each\n"
      "#   step checks its own precondition, and the default groups none of whose\n"
      "#   steps has run are compared with the export as in the preflight.\n"
      "# Roll back: sgplan script --rollback PLAN -o rollback.sh, next to this\n"
      "#   script (same journal), then ./rollback.sh.\n");
  g_string_append (out,
    "#\n"
    "# Values from the export are single-quoted shell words or inside\n"
    "# single-quoted JSON; they are never interpreted.\n"
    "# shellcheck disable=SC2016 # quoted values may contain $ and backticks on purpose\n"
    "\n"
    "set -euo pipefail\n"
    "export AWS_PAGER=''\n");
  g_string_append_printf (out, "readonly SGPLAN_FINGERPRINT='%s'\n", cs->fingerprint);
  g_string_append_printf (out, "journal=${SGPLAN_JOURNAL:-$(cd -- \"$(dirname -- \"${BASH_SOURCE[0]}\")\" && pwd)/sgplan-%s.journal}\n\n",
                          fp);
}

char *
render_script (const ChangeSet *cs, gboolean rollback)
{
  GString *out = g_string_new (NULL);
  Script sc;

  script_init (&sc, cs);
  render_header (out, cs, rollback);
  g_string_append (out, script_library);
  if (!rollback)
    {
      render_preflight (out, &sc);
      render_verify (out, &sc);
    }
  for (guint i = 0; i < cs->steps->len; i++)
    {
      const Step *step = cs->steps->pdata[i];
      g_autoptr (Step) inverse = step_inverse (step);
      g_autofree char *what = g_strdup_printf ("%s %u", rollback ? "undo of step" : "step", i + 1);
      g_autofree char *purpose = g_strdup_printf ("%s%s", rollback ? "undo: " : "", step->purpose);

      g_string_append_printf (out, "%s_%u() {\n", rollback ? "undo" : "step", i + 1);
      comment (out, "  ", purpose);
      render_step_body (out, &sc, rollback ? inverse : step, i, rollback, what);
      g_string_append (out, "}\n\n");
    }
  g_string_append (out, "run() {\n"
                        "  local n=$1 purpose=$2\n");
  if (rollback)
    g_string_append (out, "  if [[ ${step_state[$n]:-} != 'done' ]]; then return 0; fi\n"
                          "  current=\"undo of step $n\"\n"
                          "  note \"undo step $n: $purpose\"\n"
                          "  \"undo_$n\"\n"
                          "  current=''\n"
                          "  if ! dry_run; then step_state[$n]='undone'; journal_add \"undone $n\"; fi\n"
                          "}\n\n");
  else
    g_string_append_printf (out, "  if [[ ${step_state[$n]:-} == 'done' ]]; then note \"step $n: done before\"; return 0; fi\n"
                                 "  current=\"step $n\"\n"
                                 "  note \"step $n/%u: $purpose\"\n"
                                 "  \"step_$n\"\n"
                                 "  current=''\n"
                                 "  if ! dry_run; then step_state[$n]='done'; journal_add \"done $n\"; fi\n"
                                 "}\n\n",
                            cs->steps->len);
  g_string_append (out, "main() {\n  load_journal\n");
  if (rollback)
    g_string_append (out, "  if [[ ! -e $journal ]]; then note \"no journal at $journal: nothing ran, nothing to undo\"; return 0; fi\n");
  else
    g_string_append (out, "  if (( ${#step_state[@]} == 0 )); then preflight; else resume_check; fi\n");
  for (guint k = 0; k < cs->steps->len; k++)
    {
      guint i = rollback ? cs->steps->len - 1 - k : k;
      const Step *step = cs->steps->pdata[i];

      g_string_append_printf (out, "  run %u ", i + 1);
      sh_quote (out, step->purpose);
      g_string_append_c (out, '\n');
    }
  if (!rollback)
    g_string_append (out, "  verify_end\n");
  g_string_append_printf (out, "  note '%s'\n}\n\nmain \"$@\"\n",
                          rollback ? "rollback complete" : "all steps done");
  script_clear (&sc);
  return g_string_free (out, FALSE);
}

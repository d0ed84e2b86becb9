/* render-show.c - `sgplan show`: a change set a reviewer takes in within a
 * minute, in the manner of `terraform plan`: warnings first, then per
 * default group its decision and its steps marked + (create, authorize),
 * ~ (modify) and - (revoke, delete), and a count of everything last.
 * On a terminal the decisions and the signs are coloured (sgplan_colour:
 * never with NO_COLOR, TERM=dumb or into a pipe or file).  This file also
 * holds what the Markdown and JSON forms share with the text. */
#include "config.h"

#include "render-show.h"
#include "eni-kind.h"
#include "table.h"
#include "util.h"

#include <string.h>

static const char *
sign_colour (char sign)
{
  return sign == '+' ? "32" : sign == '~' ? "33" : "31";
}

const char *
render_show_decision_colour (Decision decision)
{
  switch (decision)
    {
    case DECISION_COMPLIANT:
      return "32";
    case DECISION_REVOKE:
    case DECISION_MIGRATE:
      return "33";
    case DECISION_BLOCKED:
      return "1;31";
    default:
      return "36";
    }
}

/* LINE (untrusted) after INDENT and SIGN, made printable. */
static void
append_step_line (GString *out, const char *indent, char sign, gboolean colour, const char *line)
{
  char sign_text[2] = { sign, '\0' };

  g_string_append (out, indent);
  if (colour)
    g_string_append_printf (out, "\033[%sm%s\033[0m", sign_colour (sign), sign_text);
  else
    g_string_append_c (out, sign);
  sgplan_append_printable (out, line);
  g_string_append_c (out, '\n');
}

/* "sg-1 (name)" when NAMES knows the group, else "sg-1". */
static char *
named (GHashTable *names, const char *group_id)
{
  const char *name = names != NULL && group_id != NULL ? g_hash_table_lookup (names, group_id) : NULL;

  return name != NULL ? g_strdup_printf ("%s (%s)", group_id, name) : g_strdup (group_id);
}

void
render_show_step (GString *out, guint id, const Step *step, const char *indent, GHashTable *names,
                  gboolean colour)
{
  char sign = step_action_sign (step->action);
  g_autofree char *line = NULL;
  g_autofree char *group = named (names, step->group_id);

  switch (step->action)
    {
    case ACTION_CREATE_GROUP:
    case ACTION_DELETE_GROUP:
      {
        GString *text = g_string_new (NULL);

        g_string_printf (text, " [%u] %s security group \"%s\" (%s) in %s", id,
                         step->action == ACTION_CREATE_GROUP ? "create" : "delete", step->group_name,
                         step->group_id, step->vpc_id);
        for (guint t = 0; t < step->n_tags; t++)
          g_string_append_printf (text, ", tag %s=%s", step->tags[t].key, step->tags[t].value);
        line = g_string_free (text, FALSE);
        break;
      }
    case ACTION_MODIFY_ENI_GROUPS:
      {
        g_autofree char *before = step_groups_text (step->groups_before, step->n_before);
        g_autofree char *after = step_groups_text (step->groups_after, step->n_after);

        line = g_strdup_printf (" [%u] %s groups %s -> %s", id, step->eni_id, before, after);
        break;
      }
    case ACTION_MODIFY_RESOURCE_GROUPS:
      {
        g_autofree char *before = step_groups_text (step->groups_before, step->n_before);
        g_autofree char *after = step_groups_text (step->groups_after, step->n_after);
        g_autofree char *enis = step_groups_text (step->resource_enis, step->n_resource_enis);

        line = g_strdup_printf (" [%u] %s %s groups %s -> %s (its network interfaces %s follow)", id,
                                step_service_name (step->service),
                                step->resource_name != NULL ? step->resource_name : step->resource_id,
                                before, after, enis);
        break;
      }
    default:
      line = g_strdup_printf (" [%u] %s %s rule%s of %s:", id,
                              step_action_is_authorize (step->action) ? "authorize" : "revoke",
                              step_action_direction (step->action) == RULE_EGRESS ? "outbound" : "inbound",
                              step->n_rules == 1 ? "" : "s", group);
      append_step_line (out, indent, sign, colour, line);
      for (guint r = 0; r < step->n_rules; r++)
        {
          g_autofree char *rule = rule_describe (&step->rules[r]);
          g_autofree char *rule_line = g_strdup_printf ("       %s", rule);

          append_step_line (out, indent, sign, colour, rule_line);
        }
      return;
    }
  append_step_line (out, indent, sign, colour, line);
}

static gboolean
is_allow_all_egress (const Rule *r)
{
  return r->direction == RULE_EGRESS && strcmp (r->protocol, "-1") == 0 && r->peer_kind == PEER_CIDR4
         && strcmp (r->peer, "0.0.0.0/0") == 0;
}

/* The first step of G that authorizes (or revokes) the allow-all IPv4
 * egress rule on its replacement, with or without a description; 0 if none. */
static guint
automatic_egress_step (const ChangeSet *cs, const ChangeSetGroup *g, StepAction action,
                       gboolean described)
{
  for (guint i = g->first_step; i < g->first_step + g->n_steps; i++)
    {
      const Step *step = cs->steps->pdata[i];

      if (step->action != action || g_strcmp0 (step->group_id, g->replacement_id) != 0)
        continue;
      for (guint r = 0; r < step->n_rules; r++)
        if (is_allow_all_egress (&step->rules[r]) && (step->rules[r].description != NULL) == described)
          return i + 1;
    }
  return 0;
}

/* AWS gives every new group an allow-all IPv4 egress rule: say what the
 * plan does about it, so that a reviewer need not work it out. */
char *
render_show_egress_note (const ChangeSet *cs, const ChangeSetGroup *g)
{
  guint revoked = automatic_egress_step (cs, g, ACTION_REVOKE_EGRESS, FALSE);
  guint described = automatic_egress_step (cs, g, ACTION_AUTHORIZE_EGRESS, TRUE);
  const char *start = "AWS gives every new security group an allow-all outbound rule to 0.0.0.0/0: ";

  if (revoked > 0 && described > 0)
    return g_strdup_printf ("%sstep %u revokes it and step %u authorizes %s's own, with its description, "
                            "in its place", start, revoked, described, g->group_id);
  if (revoked > 0)
    return g_strdup_printf ("%sstep %u revokes it, as %s does not have it", start, revoked, g->group_id);
  return g_strdup_printf ("%sthe replacement keeps it, as %s has the same rule", start, g->group_id);
}

void
render_show_count_signs (const ChangeSet *cs, guint signs[3])
{
  signs[0] = signs[1] = signs[2] = 0;
  for (guint i = 0; i < cs->steps->len; i++)
    {
      char sign = step_action_sign (((Step *) cs->steps->pdata[i])->action);
      signs[sign == '+' ? 0 : sign == '~' ? 1 : 2]++;
    }
}

char *
render_show_totals (const ChangeSet *cs)
{
  guint signs[3];

  render_show_count_signs (cs, signs);
  return g_strdup_printf ("Plan: %u to migrate, %u to revoke, %u blocked, %u excepted, %u compliant; "
                          "%u step%s (%u to add, %u to change, %u to remove), undone by %u rollback step%s.",
                          cs->counts[DECISION_MIGRATE], cs->counts[DECISION_REVOKE],
                          cs->counts[DECISION_BLOCKED], cs->counts[DECISION_EXCEPTED],
                          cs->counts[DECISION_COMPLIANT], cs->steps->len, cs->steps->len == 1 ? "" : "s",
                          signs[0], signs[1], signs[2], cs->rollback->len,
                          cs->rollback->len == 1 ? "" : "s");
}

static int
compare_groups (gconstpointer a, gconstpointer b)
{
  const ChangeSetGroup *x = *(ChangeSetGroup *const *) a, *y = *(ChangeSetGroup *const *) b;
  int c;

  if ((c = strcmp (x->owner_id, y->owner_id)) != 0 || (c = strcmp (x->region, y->region)) != 0
      || (c = strcmp (x->vpc_id, y->vpc_id)) != 0)
    return c;
  return strcmp (x->group_id, y->group_id);
}

GPtrArray *
render_show_sorted_groups (const ChangeSet *cs)
{
  GPtrArray *sorted = g_ptr_array_sized_new (cs->groups->len);

  for (guint i = 0; i < cs->groups->len; i++)
    g_ptr_array_add (sorted, cs->groups->pdata[i]);
  g_ptr_array_sort (sorted, compare_groups);
  return sorted;
}

GPtrArray *
render_show_plan_warnings (const ChangeSet *cs)
{
  g_autoptr (GHashTable) owned = g_hash_table_new (g_str_hash, g_str_equal); /* warning -> count */
  GPtrArray *left = g_ptr_array_new ();

  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *g = cs->groups->pdata[i];

      for (guint w = 0; w < g->warnings->len; w++)
        {
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (owned, g->warnings->pdata[w]));
          g_hash_table_insert (owned, g->warnings->pdata[w], GUINT_TO_POINTER (n + 1));
        }
    }
  for (guint i = 0; i < cs->warnings->len; i++)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (owned, cs->warnings->pdata[i]));

      if (n > 0)
        g_hash_table_insert (owned, cs->warnings->pdata[i], GUINT_TO_POINTER (n - 1));
      else
        g_ptr_array_add (left, cs->warnings->pdata[i]);
    }
  return left;
}

GHashTable *
render_show_group_names (const ChangeSet *cs)
{
  GHashTable *names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *g = cs->groups->pdata[i];

      if (g->replacement_id != NULL && g->replacement_name != NULL)
        g_hash_table_insert (names, (char *) g->replacement_id, (char *) g->replacement_name);
      for (guint r = 0; r < g->n_references; r++)
        if (g->references[r].group_name != NULL)
          g_hash_table_insert (names, (char *) g->references[r].group_id,
                               (char *) g->references[r].group_name);
    }
  return names;
}

char *
render_show_decision_detail (const ChangeSetGroup *g)
{
  switch (g->decision)
    {
    case DECISION_MIGRATE:
      return g_strdup_printf (" to \"%s\" (%u attached interface%s, %u referencing rule%s)",
                              g->replacement_name, g->n_attached, g->n_attached == 1 ? "" : "s",
                              g->n_references, g->n_references == 1 ? "" : "s");
    case DECISION_REVOKE:
      return g_strdup (" (nothing uses it)");
    case DECISION_COMPLIANT:
      return g_strdup (" (no rules)");
    default:
      return g_strdup ("");
    }
}

/* Text of FORMAT, printable (untrusted values in it), but for the
 * newlines that FORMAT ends with. */
static void G_GNUC_PRINTF (2, 3)
put (GString *out, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;
  gsize len = strlen (format), newlines = 0;

  /* only FORMAT's own: a value's newline is escaped like the rest of it */
  while (newlines < len && format[len - 1 - newlines] == '\n')
    newlines++;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  text[strlen (text) - newlines] = '\0';
  sgplan_append_printable (out, text);
  while (newlines-- > 0)
    g_string_append_c (out, '\n');
}

/* What each network interface on the group belongs to: the instance, the
 * Lambda function, the load balancer... told from the evidence the change
 * set's findings keep. */
static void
render_interfaces (GString *out, const ChangeSetGroup *g)
{
  g_autoptr (Table) table = table_new (2);

  put (out, "    used by %u network interface%s:\n", g->n_attached, g->n_attached == 1 ? "" : "s");
  for (guint i = 0; i < g->n_attached; i++)
    {
      g_autofree char *used_by = eni_kind_used_by (&g->interfaces[i].evidence);

      table_add (table, g->interfaces[i].id, used_by);
    }
  table_render (table, out, 6);
}

static void
render_group (GString *out, const ChangeSet *cs, const ChangeSetGroup *g, gboolean colour)
{
  g_autofree char *detail = render_show_decision_detail (g);
  g_autofree char *decision = sgplan_printable (decision_name (g->decision));

  put (out, "%s in %s (%s, %s): ", g->group_id, g->vpc_id, g->owner_id, g->region);
  if (colour)
    g_string_append_printf (out, "\033[%sm%s\033[0m", render_show_decision_colour (g->decision), decision);
  else
    g_string_append (out, decision);
  put (out, "%s\n", detail);
  if (g->reason != NULL)
    put (out, "    why: %s\n", g->reason);
  for (guint i = 0; g->blockers != NULL && i < g->blockers->len; i++)
    {
      const Blocker *b = g->blockers->pdata[i];

      g_string_append (out, "      - ");
      put (out, "%s: %s\n", b->subject, b->reason);
      g_string_append (out, "        ");
      put (out, "to unblock: %s\n", b->unblock);
    }
  if (g->unblock != NULL)
    put (out, "    to unblock: %s\n", g->unblock);
  if (g->n_attached > 0 && (g->decision == DECISION_MIGRATE || g->decision == DECISION_BLOCKED))
    render_interfaces (out, g);
  if (g->n_steps == 0)
    return;
  if (g->decision == DECISION_MIGRATE)
    {
      g_autofree char *note = render_show_egress_note (cs, g);

      put (out, "    note: %s\n", note);
    }
  for (guint i = g->first_step; i < g->first_step + g->n_steps; i++)
    render_show_step (out, i + 1, cs->steps->pdata[i], "  ", NULL, colour);
}

char *
render_show_text (const ChangeSet *cs)
{
  GString *out = g_string_new (NULL);
  gboolean colour = sgplan_colour ();
  g_autofree char *totals = render_show_totals (cs);

  put (out, "sgplan change set for %u default group%s\n", cs->groups->len, cs->groups->len == 1 ? "" : "s");
  put (out, "  fingerprint %s\n\n", cs->fingerprint);
  if (cs->warnings->len > 0)
    {
      if (colour)
        sgplan_append_coloured (out, "1;33", "Warnings:");
      else
        g_string_append (out, "Warnings:");
      g_string_append_c (out, '\n');
      for (guint i = 0; i < cs->warnings->len; i++)
        put (out, "  ! %s\n", (const char *) cs->warnings->pdata[i]);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < cs->groups->len; i++)
    render_group (out, cs, cs->groups->pdata[i], colour);
  if (cs->groups->len > 0)
    g_string_append_c (out, '\n');
  g_string_append (out, totals);
  g_string_append_c (out, '\n');
  if (cs->scope != NULL)
    put (out, "Scope: %s; the export's other default groups are not in this plan.\n", cs->scope);
  return g_string_free (out, FALSE);
}

/* render-show.c - `sgplan show`: a change set a reviewer takes in within a
 * minute, in the manner of `terraform plan`: warnings first, then per
 * default group its decision and its steps marked + (create, authorize),
 * ~ (modify) and - (revoke, delete), and a count of everything last.
 * Markdown is the same for a pull-request comment, with the steps in a
 * diff block so the signs are coloured. */
#include "config.h"

#include "render-show.h"
#include "eni-kind.h"
#include "table.h"
#include "util.h"

#include <string.h>

typedef struct {
  GString *out;
  gboolean markdown;
} Out;

/* Markdown outside code blocks: escape what could format or link. */
static void
append_md (GString *out, const char *s)
{
  g_autofree char *printable = sgplan_printable (s);

  for (const char *p = printable; *p != '\0'; p++)
    {
      if (strchr ("\\`*_{}[]<>()#+-.!|~", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

/* Text from the change set: escaped for a terminal, and for Markdown when
 * outside a code block. */
static void G_GNUC_PRINTF (3, 4)
put (Out *o, gboolean in_code, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  if (o->markdown && !in_code)
    append_md (o->out, text);
  else
    sgplan_append_printable (o->out, text);
}

static void
newline (Out *o)
{
  g_string_append_c (o->out, '\n');
}

static void
render_step (Out *o, guint id, const Step *step, const char *indent)
{
  char sign = step_action_sign (step->action);

  switch (step->action)
    {
    case ACTION_CREATE_GROUP:
    case ACTION_DELETE_GROUP:
      put (o, TRUE, "%s%c [%u] %s security group \"%s\" (%s) in %s", indent, sign, id,
           step->action == ACTION_CREATE_GROUP ? "create" : "delete", step->group_name,
           step->group_id, step->vpc_id);
      for (guint t = 0; t < step->n_tags; t++)
        put (o, TRUE, ", tag %s=%s", step->tags[t].key, step->tags[t].value);
      newline (o);
      break;
    case ACTION_MODIFY_ENI_GROUPS:
      {
        g_autofree char *before = step_groups_text (step->groups_before, step->n_before);
        g_autofree char *after = step_groups_text (step->groups_after, step->n_after);

        put (o, TRUE, "%s%c [%u] %s groups %s -> %s", indent, sign, id, step->eni_id, before, after);
        newline (o);
        break;
      }
    case ACTION_MODIFY_RESOURCE_GROUPS:
      {
        g_autofree char *before = step_groups_text (step->groups_before, step->n_before);
        g_autofree char *after = step_groups_text (step->groups_after, step->n_after);
        g_autofree char *enis = step_groups_text (step->resource_enis, step->n_resource_enis);

        put (o, TRUE, "%s%c [%u] %s %s groups %s -> %s (its network interfaces %s follow)", indent, sign, id,
             step_service_name (step->service), step->resource_name != NULL ? step->resource_name : step->resource_id,
             before, after, enis);
        newline (o);
        break;
      }
    default:
      put (o, TRUE, "%s%c [%u] %s %s rule%s of %s:", indent, sign, id,
           step_action_is_authorize (step->action) ? "authorize" : "revoke",
           step_action_direction (step->action) == RULE_EGRESS ? "outbound" : "inbound",
           step->n_rules == 1 ? "" : "s", step->group_id);
      newline (o);
      for (guint r = 0; r < step->n_rules; r++)
        {
          g_autofree char *line = rule_describe (&step->rules[r]);

          put (o, TRUE, "%s%c       %s", indent, sign, line);
          newline (o);
        }
      break;
    }
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
static void
render_automatic_egress (Out *o, const ChangeSet *cs, const ChangeSetGroup *g)
{
  guint revoked = automatic_egress_step (cs, g, ACTION_REVOKE_EGRESS, FALSE);
  guint described = automatic_egress_step (cs, g, ACTION_AUTHORIZE_EGRESS, TRUE);

  put (o, FALSE, "%sAWS gives every new security group an allow-all outbound rule to 0.0.0.0/0: ",
       o->markdown ? "" : "    note: ");
  if (revoked > 0 && described > 0)
    put (o, FALSE, "step %u revokes it and step %u authorizes %s's own, with its description, in its place",
         revoked, described, g->group_id);
  else if (revoked > 0)
    put (o, FALSE, "step %u revokes it, as %s does not have it", revoked, g->group_id);
  else
    put (o, FALSE, "the replacement keeps it, as %s has the same rule", g->group_id);
  newline (o);
  if (o->markdown)
    newline (o);
}

/* What each network interface on the group belongs to: the instance, the
 * Lambda function, the load balancer... told from the evidence the change
 * set's findings keep. */
static void
render_interfaces (Out *o, const ChangeSetGroup *g)
{
  g_autoptr (Table) table = table_new (2);

  put (o, FALSE, "%s by %u network interface%s:", o->markdown ? "Used" : "    used",
       g->n_attached, g->n_attached == 1 ? "" : "s");
  newline (o);
  if (o->markdown)
    g_string_append (o->out, "\n| network interface | belongs to |\n| --- | --- |\n");
  for (guint i = 0; i < g->n_attached; i++)
    {
      g_autofree char *used_by = eni_kind_used_by (&g->interfaces[i].evidence);

      if (!o->markdown)
        {
          table_add (table, g->interfaces[i].id, used_by);
          continue;
        }
      g_string_append (o->out, "| ");
      put (o, FALSE, "%s", g->interfaces[i].id);
      g_string_append (o->out, " | ");
      put (o, FALSE, "%s", used_by);
      g_string_append (o->out, " |\n");
    }
  table_render (table, o->out, 6);
  if (o->markdown)
    newline (o);
}

static void
render_group (Out *o, const ChangeSet *cs, const ChangeSetGroup *g)
{
  g_autofree char *usage = g_strdup_printf ("%u attached interface%s, %u referencing rule%s",
                                            g->n_attached, g->n_attached == 1 ? "" : "s",
                                            g->n_references, g->n_references == 1 ? "" : "s");

  if (o->markdown)
    g_string_append (o->out, "#### ");
  put (o, FALSE, "%s in %s (%s, %s): %s", g->group_id, g->vpc_id, g->owner_id, g->region,
       decision_name (g->decision));
  switch (g->decision)
    {
    case DECISION_MIGRATE:
      put (o, FALSE, " to \"%s\" (%s)", g->replacement_name, usage);
      break;
    case DECISION_REVOKE:
      put (o, FALSE, " (nothing uses it)");
      break;
    case DECISION_COMPLIANT:
      put (o, FALSE, " (no rules)");
      break;
    default:
      break;
    }
  newline (o);
  if (o->markdown)
    newline (o);
  if (g->reason != NULL)
    {
      put (o, FALSE, "%s%s", o->markdown ? "" : "    why: ", g->reason);
      newline (o);
      if (o->markdown)
        newline (o);
    }
  for (guint i = 0; g->blockers != NULL && i < g->blockers->len; i++)
    {
      const Blocker *b = g->blockers->pdata[i];

      /* (a Markdown list: the marks themselves are not escaped) */
      g_string_append (o->out, o->markdown ? "- " : "      - ");
      put (o, FALSE, "%s: %s", b->subject, b->reason);
      newline (o);
      g_string_append (o->out, o->markdown ? "  " : "        ");
      put (o, FALSE, "to unblock: %s", b->unblock);
      newline (o);
      if (o->markdown && i + 1 == g->blockers->len)
        newline (o);
    }
  if (g->unblock != NULL)
    {
      put (o, FALSE, "%s%s", o->markdown ? "To unblock: " : "    to unblock: ", g->unblock);
      newline (o);
      if (o->markdown)
        newline (o);
    }
  if (g->n_attached > 0 && (g->decision == DECISION_MIGRATE || g->decision == DECISION_BLOCKED))
    render_interfaces (o, g);
  if (g->n_steps == 0)
    return;
  if (g->decision == DECISION_MIGRATE)
    render_automatic_egress (o, cs, g);
  if (o->markdown)
    g_string_append (o->out, "```diff\n");
  for (guint i = g->first_step; i < g->first_step + g->n_steps; i++)
    render_step (o, i + 1, cs->steps->pdata[i], o->markdown ? "" : "  ");
  if (o->markdown)
    g_string_append (o->out, "```\n\n");
}

static char *
render (const ChangeSet *cs, gboolean markdown)
{
  Out o = { g_string_new (NULL), markdown };
  guint signs[3] = { 0 }; /* + ~ - */

  for (guint i = 0; i < cs->steps->len; i++)
    {
      char sign = step_action_sign (((Step *) cs->steps->pdata[i])->action);
      signs[sign == '+' ? 0 : sign == '~' ? 1 : 2]++;
    }
  if (markdown)
    g_string_append (o.out, "### ");
  put (&o, FALSE, "sgplan change set for %u default group%s", cs->groups->len,
       cs->groups->len == 1 ? "" : "s");
  newline (&o);
  if (markdown)
    newline (&o);
  put (&o, FALSE, "%sfingerprint %s", markdown ? "" : "  ", cs->fingerprint);
  newline (&o);
  newline (&o);
  if (cs->warnings->len > 0)
    {
      put (&o, FALSE, "%s", markdown ? "**Warnings**" : "Warnings:");
      newline (&o);
      if (markdown)
        newline (&o);
      for (guint i = 0; i < cs->warnings->len; i++)
        {
          g_string_append (o.out, markdown ? "- " : "  ! ");
          put (&o, FALSE, "%s", (const char *) cs->warnings->pdata[i]);
          newline (&o);
        }
      newline (&o);
    }
  if (markdown)
    {
      g_string_append (o.out, "| decision | default groups |\n| --- | ---: |\n");
      for (int d = 0; d < DECISION_COUNT; d++)
        g_string_append_printf (o.out, "| %s | %u |\n", decision_name (d), cs->counts[d]);
      newline (&o);
    }
  for (guint i = 0; i < cs->groups->len; i++)
    render_group (&o, cs, cs->groups->pdata[i]);
  if (!markdown && cs->groups->len > 0)
    newline (&o);
  g_string_append_printf (o.out,
                          "%sPlan: %u to migrate, %u to revoke, %u blocked, %u excepted, %u "
                          "compliant; %u step%s (%u to add, %u to change, %u to remove), undone by "
                          "%u rollback step%s.%s\n",
                          markdown ? "**" : "", cs->counts[DECISION_MIGRATE],
                          cs->counts[DECISION_REVOKE], cs->counts[DECISION_BLOCKED],
                          cs->counts[DECISION_EXCEPTED], cs->counts[DECISION_COMPLIANT],
                          cs->steps->len, cs->steps->len == 1 ? "" : "s", signs[0], signs[1],
                          signs[2], cs->rollback->len, cs->rollback->len == 1 ? "" : "s",
                          markdown ? "**" : "");
  if (cs->scope != NULL)
    {
      g_string_append (o.out, markdown ? "\nScope: " : "Scope: ");
      put (&o, FALSE, "%s", cs->scope);
      g_string_append (o.out, "; the export's other default groups are not in this plan.\n");
    }
  return g_string_free (o.out, FALSE);
}

char *
render_show_text (const ChangeSet *cs)
{
  return render (cs, FALSE);
}

char *
render_show_markdown (const ChangeSet *cs)
{
  return render (cs, TRUE);
}

/* render-show-md.c - `sgplan show --format markdown`: a change set as a
 * pull-request comment.
 *
 * A reviewer sees the counts and one table row per default group first
 * (ordered by account, region and VPC), then one collapsed <details>
 * section per group with what uses it and its steps in a diff block.
 * GitHub holds at most 65536 characters in a comment: past --max-size the
 * summary stays whole and the details of the biggest groups are left out,
 * with a line that says how many and where the whole plan is.
 *
 * Every value from the change set is untrusted (names and descriptions come
 * from the export): markdown.c escapes it for the context it lands in, and
 * printable forms keep it on one line, so that nothing can end a table
 * row, a <details> section or a code block. */
#include "config.h"

#include "render-show.h"
#include "eni-kind.h"
#include "markdown.h"
#include "sort.h"
#include "util.h"

#include <string.h>

/* Inline text made from FORMAT (untrusted values in it). */
static void G_GNUC_PRINTF (3, 4)
text (GString *out, gboolean at_line_start, const char *format, ...)
{
  va_list args;
  g_autofree char *s = NULL;

  va_start (args, format);
  s = g_strdup_vprintf (format, args);
  va_end (args);
  md_append_text (out, s, at_line_start);
}

static void G_GNUC_PRINTF (2, 3)
html (GString *out, const char *format, ...)
{
  va_list args;
  g_autofree char *s = NULL;

  va_start (args, format);
  s = g_strdup_vprintf (format, args);
  va_end (args);
  md_append_html (out, s);
}

static void
cell (GString *out, const char *s)
{
  g_string_append (out, "| ");
  md_append_cell (out, s != NULL ? s : "-");
  g_string_append_c (out, ' ');
}

static void
cell_uint (GString *out, guint n)
{
  g_string_append_printf (out, "| %u ", n);
}

static void
render_interfaces (GString *out, const ChangeSetGroup *g)
{
  text (out, TRUE, "Used by %u network interface%s:", g->n_attached, g->n_attached == 1 ? "" : "s");
  g_string_append (out, "\n\n| network interface | kind | belongs to |\n| --- | --- | --- |\n");
  for (guint i = 0; i < g->n_attached; i++)
    {
      g_autofree char *used_by = eni_kind_used_by (&g->interfaces[i].evidence);
      EniClass class = eni_kind_classify (&g->interfaces[i].evidence);

      cell (out, g->interfaces[i].id);
      cell (out, eni_kind_name (class.kind));
      cell (out, used_by);
      g_string_append (out, "|\n");
    }
  g_string_append_c (out, '\n');
}

static void
render_references (GString *out, const ChangeSetGroup *g)
{
  text (out, TRUE, "Referenced by %u rule%s of other groups:", g->n_references, g->n_references == 1 ? "" : "s");
  g_string_append (out, "\n\n| group | name | account | VPC | rule |\n| --- | --- | --- | --- | --- |\n");
  for (guint i = 0; i < g->n_references; i++)
    {
      const ChangeSetReference *ref = &g->references[i];
      g_autofree char *rule = rule_describe (&ref->rule);

      cell (out, ref->group_id);
      cell (out, ref->group_name);
      cell (out, ref->owner_id);
      cell (out, ref->vpc_id);
      cell (out, rule);
      g_string_append (out, "|\n");
    }
  g_string_append_c (out, '\n');
}

/* One default group, as a collapsed section. */
static char *
render_details (const ChangeSet *cs, const ChangeSetGroup *g, GHashTable *names)
{
  GString *out = g_string_new ("<details><summary>");
  g_autofree char *detail = render_show_decision_detail (g);

  /* an HTML block on one line: GitHub reads no Markdown in it, so only
   * HTML is escaped; the blank line after it starts Markdown again */
  html (out, "%s in %s (%s, %s): ", g->group_id, g->vpc_id, g->owner_id, g->region);
  g_string_append (out, "<b>");
  html (out, "%s", decision_name (g->decision));
  g_string_append (out, "</b>");
  html (out, "%s", detail);
  g_string_append (out, "</summary>\n\n");
  if (g->reason != NULL)
    {
      text (out, TRUE, "Why: %s", g->reason);
      g_string_append (out, "\n\n");
    }
  for (guint i = 0; g->blockers != NULL && i < g->blockers->len; i++)
    {
      const Blocker *b = g->blockers->pdata[i];

      g_string_append (out, "- ");
      text (out, FALSE, "%s: %s", b->subject, b->reason);
      g_string_append (out, "\n  ");
      text (out, FALSE, "to unblock: %s", b->unblock);
      g_string_append (out, i + 1 == g->blockers->len ? "\n\n" : "\n");
    }
  if (g->unblock != NULL)
    {
      text (out, TRUE, "To unblock: %s", g->unblock);
      g_string_append (out, "\n\n");
    }
  if (g->n_attached > 0)
    render_interfaces (out, g);
  if (g->n_references > 0)
    render_references (out, g);
  if (g->warnings->len > 0)
    {
      g_string_append (out, "**Warnings**\n\n");
      for (guint i = 0; i < g->warnings->len; i++)
        {
          g_string_append (out, "- ");
          text (out, FALSE, "%s", (const char *) g->warnings->pdata[i]);
          g_string_append_c (out, '\n');
        }
      g_string_append_c (out, '\n');
    }
  if (g->decision == DECISION_MIGRATE && g->n_steps > 0)
    {
      g_autofree char *note = render_show_egress_note (cs, g);

      text (out, TRUE, "%s", note);
      g_string_append (out, "\n\n");
    }
  if (g->n_steps > 0)
    {
      /* each line starts with its sign, and no value holds a newline: no
       * line can close the block */
      g_string_append (out, "```diff\n");
      for (guint i = g->first_step; i < g->first_step + g->n_steps; i++)
        render_show_step (out, i + 1, cs->steps->pdata[i], "", names, FALSE);
      g_string_append (out, "```\n\n");
    }
  g_string_append (out, "</details>\n\n");
  return g_string_free (out, FALSE);
}

static char *
render_row (const ChangeSetGroup *g)
{
  GString *out = g_string_new (NULL);

  cell (out, g->owner_id);
  cell (out, g->region);
  cell (out, g->vpc_id);
  cell (out, g->group_id);
  cell (out, decision_name (g->decision));
  cell_uint (out, g->n_attached);
  cell_uint (out, g->n_steps);
  cell_uint (out, g->warnings->len);
  g_string_append (out, "|\n");
  return g_string_free (out, FALSE);
}

static char *
render_head (const ChangeSet *cs)
{
  GString *out = g_string_new ("### ");
  g_autofree char *totals = render_show_totals (cs);

  text (out, FALSE, "sgplan change set for %u default group%s", cs->groups->len,
        cs->groups->len == 1 ? "" : "s");
  g_string_append (out, "\n\nfingerprint ");
  md_append_code (out, cs->fingerprint, FALSE);
  g_string_append (out, "\n\n| decision | default groups |\n| --- | ---: |\n");
  for (int d = 0; d < DECISION_COUNT; d++)
    g_string_append_printf (out, "| %s | %u |\n", decision_name (d), cs->counts[d]);
  g_string_append (out, "\n**");
  text (out, FALSE, "%s", totals);
  g_string_append (out, "**\n\n");
  if (cs->scope != NULL)
    {
      text (out, TRUE, "Scope: %s; the export's other default groups are not in this plan.", cs->scope);
      g_string_append (out, "\n\n");
    }
  return g_string_free (out, FALSE);
}

/* What was left out, and where the whole plan is. */
static char *
render_notice (gsize max_size, guint details, guint groups, guint rows, guint warnings,
               guint all_warnings, const char *plan_path)
{
  GString *out = g_string_new ("**Shortened** ");

  text (out, FALSE, "to fit in %" G_GSIZE_FORMAT " characters: details of %u of %u default groups "
        "(the biggest) are left out", max_size, details, groups);
  if (rows > 0)
    text (out, FALSE, ", and %u of the %u rows of the table", rows, groups);
  if (warnings > 0)
    text (out, FALSE, ", and %u of %u warnings", warnings, all_warnings);
  g_string_append (out, ". The whole plan: ");
  {
    g_autofree char *command = g_strdup_printf ("sgplan show --format markdown --max-size 0 %s", plan_path);

    md_append_code (out, command, FALSE);
  }
  g_string_append (out, "\n\n");
  return g_string_free (out, FALSE);
}

typedef struct {
  gsize size;  /* characters */
  guint index;
} Sized;

static int
compare_sized (gconstpointer a, gconstpointer b)
{
  const Sized *x = a, *y = b;

  if (x->size != y->size)
    return x->size < y->size ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static gsize
chars (const char *s)
{
  return md_length (s, strlen (s));
}

char *
render_show_markdown (const ChangeSet *cs, gsize max_size, const char *plan_path, GError **error)
{
  g_autoptr (GPtrArray) groups = render_show_sorted_groups (cs);
  g_autoptr (GPtrArray) plan_warnings = render_show_plan_warnings (cs);
  g_autoptr (GHashTable) names = render_show_group_names (cs);
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *head = render_head (cs);
  g_autofree char *warnings_more = NULL;
  g_autofree gboolean *keep_details = g_new0 (gboolean, groups->len + 1);
  const char *warnings_head = "**Warnings**\n\n";
  const char *table_head = "| account | region | VPC | group | decision | ENIs | steps | warnings |\n"
                           "| --- | --- | --- | --- | --- | ---: | ---: | ---: |\n";
  guint group_warnings = cs->warnings->len - plan_warnings->len;
  guint n_rows = groups->len, n_warnings = plan_warnings->len, n_details = 0;
  gsize total, fixed;
  GString *out;

  for (guint i = 0; i < groups->len; i++)
    {
      g_ptr_array_add (rows, render_row (groups->pdata[i]));
      g_ptr_array_add (details, render_details (cs, groups->pdata[i], names));
    }
  for (guint i = 0; i < plan_warnings->len; i++)
    {
      GString *w = g_string_new ("- ");

      md_append_text (w, plan_warnings->pdata[i], FALSE);
      g_string_append_c (w, '\n');
      g_ptr_array_add (warnings, g_string_free (w, FALSE));
    }
  if (group_warnings > 0)
    warnings_more = g_strdup_printf ("- %s%u about single default groups: see the warnings column and "
                                     "their sections below\n", plan_warnings->len > 0 ? "and " : "",
                                     group_warnings);
  fixed = chars (head) + (groups->len > 0 ? chars (table_head) + 1 : 0)
          + (cs->warnings->len > 0 ? chars (warnings_head) + 1 : 0)
          + (warnings_more != NULL ? chars (warnings_more) : 0);
  total = fixed;
  for (guint i = 0; i < groups->len; i++)
    total += chars (rows->pdata[i]) + chars (details->pdata[i]);
  for (guint i = 0; i < warnings->len; i++)
    total += chars (warnings->pdata[i]);
  n_details = groups->len;
  for (guint i = 0; i < groups->len; i++)
    keep_details[i] = TRUE;
  if (max_size > 0 && total > max_size)
    {
      /* room for the notice with the biggest numbers it can hold */
      g_autofree char *widest = render_notice (max_size, groups->len, groups->len, groups->len,
                                               cs->warnings->len, cs->warnings->len, plan_path);
      gsize need = fixed + chars (widest), size;
      g_autofree Sized *sized = g_new0 (Sized, groups->len + 1);
      guint n_sized = 0;

      if (need > max_size)
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                       "the summary alone is %" G_GSIZE_FORMAT " characters, more than --max-size %"
                       G_GSIZE_FORMAT, need, max_size);
          return NULL;
        }
      size = need;
      /* the rows of the table first, in order; then the warnings; then
       * the details of as many groups as fit, smallest first */
      for (n_rows = 0; n_rows < groups->len && size + chars (rows->pdata[n_rows]) <= max_size; n_rows++)
        size += chars (rows->pdata[n_rows]);
      for (n_warnings = 0; n_warnings < warnings->len && size + chars (warnings->pdata[n_warnings]) <= max_size;
           n_warnings++)
        size += chars (warnings->pdata[n_warnings]);
      for (guint i = 0; i < n_rows; i++)
        sized[n_sized++] = (Sized) { chars (details->pdata[i]), i };
      sgplan_qsort (sized, n_sized, sizeof *sized, compare_sized);
      n_details = 0;
      for (guint i = 0; i < groups->len; i++)
        keep_details[i] = FALSE;
      for (guint i = 0; i < n_sized && size + sized[i].size <= max_size; i++, n_details++)
        {
          keep_details[sized[i].index] = TRUE;
          size += sized[i].size;
        }
    }
  out = g_string_new (head);
  if (n_details < groups->len || n_warnings < warnings->len)
    {
      g_autofree char *notice = render_notice (max_size, groups->len - n_details, groups->len,
                                               groups->len - n_rows, warnings->len - n_warnings,
                                               warnings->len, plan_path);
      g_string_append (out, notice);
    }
  if (cs->warnings->len > 0)
    {
      g_string_append (out, warnings_head);
      for (guint i = 0; i < n_warnings; i++)
        g_string_append (out, warnings->pdata[i]);
      if (warnings_more != NULL)
        g_string_append (out, warnings_more);
      g_string_append_c (out, '\n');
    }
  if (groups->len > 0)
    {
      g_string_append (out, table_head);
      for (guint i = 0; i < n_rows; i++)
        g_string_append (out, rows->pdata[i]);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < groups->len; i++)
    if (keep_details[i])
      g_string_append (out, details->pdata[i]);
  /* one newline at the end */
  while (out->len >= 2 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* render-show.h - a change set summarised for a reviewer: text for a
 * terminal (render-show.c), Markdown for a pull-request comment
 * (render-show-md.c) and JSON for tools (render-show-json.c). */
#pragma once

#include "changeset-read.h"

char *render_show_text (const ChangeSet *cs);
/* Markdown of at most MAX_SIZE characters (0: no limit); past it, the
 * details of the biggest groups are left out and PLAN_PATH is named as
 * where the whole plan is.  NULL with an error when even the summary does
 * not fit. */
char *render_show_markdown (const ChangeSet *cs, gsize max_size, const char *plan_path,
                            GError **error);
/* JSON (schemas/show.schema.json); CS_SHA256 is the change set file's. */
char *render_show_json (const ChangeSet *cs, const char *cs_sha256);

/* Shared by the three. */

/* The lines of step ID: a sign (coloured when COLOUR), its headline and,
 * for rules, one line per rule; each line starts with INDENT.  NAMES
 * (nullable) maps group IDs to names, shown after the IDs they name. */
void render_show_step (GString *out, guint id, const Step *step, const char *indent,
                       GHashTable *names, gboolean colour);
/* What the plan does about AWS's automatic allow-all egress rule on G's
 * replacement, as a sentence. */
char *render_show_egress_note (const ChangeSet *cs, const ChangeSetGroup *g);
/* "Plan: 1 to migrate, ... undone by 11 rollback steps." */
char *render_show_totals (const ChangeSet *cs);
/* How many steps add (+), change (~) and remove (-). */
void render_show_count_signs (const ChangeSet *cs, guint signs[3]);
/* The default groups ordered by account, region, VPC and ID (borrowed). */
GPtrArray *render_show_sorted_groups (const ChangeSet *cs);
/* The warnings about the plan as a whole: every warning less those that a
 * default group lists as its own (borrowed, in order). */
GPtrArray *render_show_plan_warnings (const ChangeSet *cs);
/* Group ID -> name, from the referencing rules and the replacements. */
GHashTable *render_show_group_names (const ChangeSet *cs);
/* "migrate to \"NAME\" (1 attached interface, 1 referencing rule)" and so on. */
char *render_show_decision_detail (const ChangeSetGroup *g);
/* The SGR colour of a decision. */
const char *render_show_decision_colour (Decision decision);

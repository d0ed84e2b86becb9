/* apply.h - a change set carried out on exported state, offline. */
#pragma once

#include "changeset-read.h"
#include "state.h"

/* The ID offline apply gives the group a plan creates as PLACEHOLDER
 * ("new:sg-..."): "sg-" and the first 17 hexadecimal digits of the SHA-256
 * of the placeholder, the same on every run (g_free). */
char *apply_new_group_id (const char *placeholder);

/* STEP with every placeholder replaced by its apply_new_group_id (step_free). */
Step *apply_resolve_step (const Step *step, GStringChunk *strings);

/* Apply the steps of CS (or, with ROLLBACK, its rollback entries) to STATE,
 * checking each precondition.  On a mismatch, an error naming the step and
 * the difference (SGPLAN_ERROR_INPUT); STATE is then partly changed. */
gboolean apply_changeset (State *state, const ChangeSet *cs, gboolean rollback, GError **error);

/* Write STATE as AWS CLI v2 JSON exports into DIR (which must not exist or
 * be empty): ACCOUNT/REGION/security-groups.json and network-interfaces.json,
 * plus security-group-references.json where the export had references.
 * Written into a temporary folder beside DIR and renamed into place, so an
 * error leaves nothing behind. */
gboolean apply_write_export (State *state, const char *dir, GError **error);

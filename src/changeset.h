/* changeset.h - the change set: the canonical, reviewable artifact of a plan.
 *
 * One cJSON tree, printed as YAML (the default) or JSON, so both formats have
 * exactly the same structure; schemas/changeset.schema.json describes it. */
#pragma once

#include "planner.h"
#include "util.h"

#define CHANGESET_FORMAT "sgplan-changeset"
#define CHANGESET_VERSION 1

/* The change set of PLAN, computed from MODEL with OPTIONS. */
cJSON *changeset_build (const Model *model, const Plan *plan, const PlanOptions *options);

/* Add STEP's fields and precondition to OBJ; WITH_INVERSE adds "inverse". */
void changeset_add_step (cJSON *obj, const Step *step, gboolean with_inverse);

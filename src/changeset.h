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

/* A step as JSON (with its precondition; WITH_INVERSE adds "inverse"). */
cJSON *changeset_step_json (const Step *step, gboolean with_inverse);

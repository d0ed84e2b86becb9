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
/* yaml_from_cjson (changeset_build (...)), byte for byte, without holding
 * the whole tree: each default group and rollback step is built, written and
 * freed in turn (a large organisation's change set is tens of megabytes). */
char *changeset_yaml (const Model *model, const Plan *plan, const PlanOptions *options,
                      GError **error);

/* Add STEP's fields and precondition to OBJ; WITH_INVERSE adds "inverse". */
void changeset_add_step (cJSON *obj, const Step *step, gboolean with_inverse);

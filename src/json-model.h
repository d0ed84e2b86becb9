/* json-model.h - model objects as JSON (cJSON trees). */
#pragma once

#include "analysis.h"
#include "util.h"

/* Adds KEY only when VALUE is not NULL: unknown values are absent keys. */
void json_add_string (cJSON *obj, const char *key, const char *value);
/* A JSON array of STRINGS (element-type utf8). */
cJSON *json_from_strings (const GPtrArray *strings);
cJSON *json_from_rule (const Rule *rule);
cJSON *json_from_eni (const Eni *eni);
/* Add what is behind ENI to OBJ (its JSON): "kind", "kind_label", and when
 * the evidence names them "resource", "file_system_id" (EFS) and
 * "load_balancer_arn" (load balancers). */
void json_add_eni_kind (cJSON *obj, const Eni *eni);
cJSON *json_from_finding (const Finding *finding);

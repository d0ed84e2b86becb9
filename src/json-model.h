/* json-model.h - model objects as JSON (cJSON trees). */
#pragma once

#include "analysis.h"
#include "util.h"

/* Adds KEY only when VALUE is not NULL: unknown values are absent keys. */
void json_add_string (cJSON *obj, const char *key, const char *value);
cJSON *json_from_rule (const Rule *rule);
cJSON *json_from_eni (const Eni *eni);
cJSON *json_from_finding (const Finding *finding);

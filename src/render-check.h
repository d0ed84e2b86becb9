/* render-check.h - the report of `sgplan check`, as text or JSON. */
#pragma once

#include "analysis.h"

char *render_check_text (const Model *model, const Analysis *analysis);
char *render_check_json (const Model *model, const Analysis *analysis);

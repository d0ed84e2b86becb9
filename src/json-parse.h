/* json-parse.h - a strict JSON reader that builds cJSON trees.
 *
 * cJSON_Parse is lenient where sgplan must not be: it keeps only the first
 * of two members with the same name (Python and jq keep the last), ends a
 * string at "\u0000", and turns 80.0, 8e1 and -0 into the same number as 80.
 * An export or change set that reads differently in another tool is refused
 * here instead, with the offset of the problem and what was expected.
 *
 * The tree is an ordinary cJSON tree (free it with cJSON_Delete), with one
 * addition: a number that is not a plain integer (it has a fraction, an
 * exponent, or is -0) keeps its text in valuestring, so that readers which
 * want an integer can tell 80.0 from 80 and quote what was written. */
#pragma once

#include <glib.h>
#include <cjson/cJSON.h>

/* Parse the one JSON value that starts at or after START (leading white space
 * is skipped).  On success returns the tree and sets *END to the offset just
 * past the value.  On failure returns NULL, sets *ERROR_OFFSET and returns
 * in *MESSAGE (g_free) what was wrong there and what was expected. */
cJSON *sgplan_json_parse (const char *buf, gsize len, gsize start, gsize *end,
                          gsize *error_offset, char **message);

/* ITEM is a number written as a plain integer (-?[0-9]+, not -0). */
static inline gboolean
sgplan_json_is_plain_integer (const cJSON *item)
{
  return cJSON_IsNumber (item) && item->valuestring == NULL;
}

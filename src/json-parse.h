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

#include "arena.h"

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

/* Trees parsed into an arena (sgplan_json_cursor_value) cost no malloc per
 * node, and a reset frees every tree at once while keeping the memory for
 * the next ones; such trees must not be given to cJSON_Delete. */

/* A cursor walks the outer objects and arrays of a document one member or
 * element at a time and parses only the values the caller asks for, so that
 * a file of any size is read with the memory of its largest element.  It
 * checks exactly what sgplan_json_parse checks, in the same order, with the
 * same messages.
 *
 *   peek   the next character after white space ('\0' at the end)
 *   enter  open the object or array at the cursor (peek says which)
 *   next   move to the next member or element of the innermost open level:
 *          TRUE with the cursor on its value (and *NAME its name, valid
 *          until the cursor is freed); FALSE at the level's end (the level
 *          is closed) or on an error.  Every value it stops on must then be
 *          entered or read with _value.
 *   value  parse the value at the cursor, into ARENA (or cJSON's allocator
 *          when NULL); NULL on an error
 *   failed whether an error occurred, and its offset and message (owned by
 *          the cursor; either may be NULL). */
typedef struct SgplanJsonCursor SgplanJsonCursor;

SgplanJsonCursor *sgplan_json_cursor_new (const char *buf, gsize len, gsize start);
void sgplan_json_cursor_free (SgplanJsonCursor *cursor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SgplanJsonCursor, sgplan_json_cursor_free)
char sgplan_json_cursor_peek (SgplanJsonCursor *cursor);
gsize sgplan_json_cursor_offset (SgplanJsonCursor *cursor);
gboolean sgplan_json_cursor_enter (SgplanJsonCursor *cursor);
gboolean sgplan_json_cursor_next (SgplanJsonCursor *cursor, const char **name);
cJSON *sgplan_json_cursor_value (SgplanJsonCursor *cursor, SgplanArena *arena);
gboolean sgplan_json_cursor_failed (SgplanJsonCursor *cursor, gsize *error_offset,
                                    const char **message);

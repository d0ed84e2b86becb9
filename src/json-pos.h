/* json-pos.h - positions in JSON text, for errors that name file:line:col.
 *
 * cJSON keeps no source positions, so errors are located after the fact:
 * the loader tracks the path of the value it is reading (a key or index per
 * level) and, only when something is wrong, scans the raw text along that
 * path to find where the value starts. */
#pragma once

#include <glib.h>

#define SGPLAN_JSON_MAX_DEPTH 1000 /* levels of arrays and objects, as cJSON's limit */
#define SGPLAN_JSON_PATH_MAX 16

typedef struct {
  const char *key; /* member name, or NULL for an array element */
  guint index;     /* array index when key is NULL */
} SgplanJsonStep;

typedef struct {
  SgplanJsonStep steps[SGPLAN_JSON_PATH_MAX];
  guint depth;
} SgplanJsonPath;

static inline void
sgplan_json_path_push_key (SgplanJsonPath *path, const char *key)
{
  g_assert (path->depth < SGPLAN_JSON_PATH_MAX);
  path->steps[path->depth].key = key;
  path->steps[path->depth].index = 0;
  path->depth++;
}

static inline void
sgplan_json_path_push_index (SgplanJsonPath *path, guint index)
{
  g_assert (path->depth < SGPLAN_JSON_PATH_MAX);
  path->steps[path->depth].key = NULL;
  path->steps[path->depth].index = index;
  path->depth++;
}

static inline void
sgplan_json_path_pop (SgplanJsonPath *path)
{
  g_assert (path->depth > 0);
  path->depth--;
}

/* Line and column (both from 1; the column counts characters) of OFFSET. */
void sgplan_json_line_col (const char *buf, gsize len, gsize offset, guint *line, guint *col);

/* Line and column of offsets met in increasing order (the default groups
 * of a file, for SARIF): each call scans only the text since the last one,
 * so locating every element of a file costs one pass over it at most. */
typedef struct {
  gsize offset;
  guint line, col;
} SgplanJsonLineCounter;

#define SGPLAN_JSON_LINE_COUNTER_INIT { 0, 1, 1 }

/* Moves COUNTER to OFFSET (never backwards: an earlier OFFSET counts from
 * the start again) and returns its line and column there. */
void sgplan_json_line_counter_move (SgplanJsonLineCounter *counter, const char *buf, gsize len,
                                    gsize offset, guint *line, guint *col);

/* Offset of the value at PATH in the document that starts at START.  The
 * text must be valid JSON there (cJSON parsed it).  When a step cannot be
 * followed, the offset of the deepest value found is returned. */
gsize sgplan_json_locate (const char *buf, gsize len, gsize start, const SgplanJsonPath *path);

/* Sets ERROR (SGPLAN_ERROR_INPUT) to "'FILE':LINE:COL: MESSAGE", at the
 * value at PATH in the document that starts at START, and returns FALSE:
 * the one form of every reader's error about a JSON value. */
gboolean sgplan_json_fail_at (GError **error, const char *file, const char *buf, gsize len,
                              gsize start, const SgplanJsonPath *path, const char *message);

/* Offset just past the whitespace at OFFSET. */
gsize sgplan_json_skip_ws (const char *buf, gsize len, gsize offset);

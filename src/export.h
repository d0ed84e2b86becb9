/* export.h - read AWS CLI v2 JSON exports into a Model. */
#pragma once

#include "model.h"

/* Read every path (files, or folders read recursively for *.json in sorted
 * order) into a new model.  DEFAULT_REGION (may be NULL) is the region of
 * groups whose region neither an ENI nor the path tells.  Errors are
 * SGPLAN_ERROR_IO (missing or unreadable paths) or SGPLAN_ERROR_INPUT (bad
 * content, with 'FILE':LINE:COL:). */
Model *export_load (const char *const *paths, guint n_paths, const char *default_region,
                    GError **error);

/* Expand paths into the sorted list of files they name (folders: every
 * *.json below them, hidden entries skipped). */
GPtrArray *export_expand_paths (const char *const *paths, guint n_paths, GError **error);

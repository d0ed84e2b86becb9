/* render-formats.h - reports for other tools: Security Hub, code scanning, CI.
 *
 * `check --format asff` and `--format sarif`, `validate --format junit`.
 * Each is byte-identical for the same input (ASFF's timestamps come from
 * SOURCE_DATE_EPOCH when it is set); sgplan(1) documents their shape. */
#pragma once

#include "analysis.h"
#include "verify.h"

/* AWS Security Finding Format: a JSON array of one finding per default group,
 * as `aws securityhub batch-import-findings --findings file://...` takes it
 * (at most 100 per call and one account per call: see sgplan(1)).  NOW is
 * the seconds since the epoch to stamp CreatedAt and UpdatedAt with. */
char *render_check_asff (const Model *model, const Analysis *analysis, gint64 now);
/* SARIF 2.1.0, one run: a result per FAILED default group, located at its
 * object in the export file; gaps are tool execution notifications. */
char *render_check_sarif (const Model *model, const Analysis *analysis);
/* The time for ASFF: SOURCE_DATE_EPOCH when set (it must then be a number
 * of seconds, else a usage error), else now. */
gboolean render_asff_time (gint64 *now, GError **error);

/* JUnit XML: one testsuite, one testcase per check that ran. */
char *verify_render_junit (const char *plan_path, const Validation *v);

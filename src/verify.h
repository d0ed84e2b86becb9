/* verify.h - the checks of `sgplan validate`. */
#pragma once

#include "changeset-read.h"
#include "model.h"

typedef enum {
  CHECK_PASS,
  CHECK_FAIL,
  CHECK_SKIP,
  CHECK_WARN, /* not a fault of the change set, but it leaves work undone (blocked) */
} CheckStatus;

typedef struct {
  const char *name;
  CheckStatus status;
  char *detail;
} CheckResult;

typedef struct {
  GPtrArray *results;     /* (element-type CheckResult) in the order run */
  gboolean valid;         /* no check failed */
  gboolean warned;        /* a check warned: blocked groups, expired exceptions, quota swaps */
  gboolean structure_only;/* no export: only the change set itself was checked */
  GPtrArray *blocked;     /* (element-type utf8) default groups the plan leaves blocked */
  GPtrArray *expired;     /* (element-type utf8) excepted groups whose exception has expired */
} Validation;

void validation_free (Validation *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Validation, validation_free)

typedef struct {
  const char *date; /* YYYY-MM-DD to judge exception expiry on; NULL: today (UTC) */
} VerifyOptions;

/* Run every check on the change set at PLAN_PATH.  EXPORT (the state it was
 * made from) may be NULL only for a structural check (--structure-only): the
 * checks that need it are then skipped.  AFTER (the real export taken after
 * the change) may be NULL.  Errors (I/O) only when the change set cannot be
 * read at all. */
Validation *verify_changeset (const char *plan_path, const Model *export, const Model *after,
                              const VerifyOptions *options, GError **error);

/* "valid", "structure valid", "valid with blocked groups" (blocked groups or
 * expired exceptions), "valid with warnings" (another check warned) or "not valid". */
const char *verify_verdict (const Validation *v);
/* 0 valid, 1 not valid, SGPLAN_EXIT_RESERVED valid with blocked groups or
 * warnings (sgplan(1), EXIT STATUS). */
int verify_exit_status (const Validation *v);
char *verify_render_text (const char *plan_path, const Validation *v);
char *verify_render_json (const char *plan_path, const Validation *v);

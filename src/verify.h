/* verify.h - the checks of `sgplan validate`. */
#pragma once

#include "changeset-read.h"
#include "model.h"

typedef enum {
  CHECK_PASS,
  CHECK_FAIL,
  CHECK_SKIP,
} CheckStatus;

typedef struct {
  const char *name;
  CheckStatus status;
  char *detail;
} CheckResult;

typedef struct {
  GPtrArray *results; /* (element-type CheckResult) in the order run */
  gboolean valid;     /* no check failed */
} Validation;

void validation_free (Validation *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Validation, validation_free)

/* Run every check on the change set at PLAN_PATH; EXPORT (the state it was
 * made from) and AFTER (the real export taken after the change) may be NULL,
 * and the checks that need them are then skipped.  Errors (I/O) only when
 * the change set cannot be read at all. */
Validation *verify_changeset (const char *plan_path, const Model *export, const Model *after,
                              GError **error);

char *verify_render_text (const char *plan_path, const Validation *v);
char *verify_render_json (const char *plan_path, const Validation *v);

/* render-script.h - bash scripts that carry out a change set with the AWS CLI. */
#pragma once

#include "changeset-read.h"

/* The forward script (ROLLBACK false) or the rollback script of CS. */
char *render_script (const ChangeSet *cs, gboolean rollback);

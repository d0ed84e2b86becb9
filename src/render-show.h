/* render-show.h - a change set summarised for a reviewer. */
#pragma once

#include "changeset-read.h"

char *render_show_text (const ChangeSet *cs);
char *render_show_markdown (const ChangeSet *cs);

/* shuffle.h - the same export, shuffled. */
#pragma once

#include <glib.h>

/* Rewrite the export below SRC into OUT: the files of each folder are merged,
 * every array shuffled (but an ENI's "Groups", whose order is state) and the
 * elements split anew over 1-4 randomly named files in the same folder
 * (folders name regions, which are state). */
void write_shuffled_export (const char *src, const char *out, GRand *rand);
/* rm -r PATH */
void remove_tree (const char *path);

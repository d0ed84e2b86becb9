/* commands.h - the command table.
 *
 * To add a command:
 *  1. write src/cmd-<verb>.c with a short comment saying what it does and
 *     why, its GOptionEntry table, and `int cmd_<verb> (int argc, char
 *     **argv, GError **error)` that returns an SgplanExit, or -1 with ERROR
 *     set (main prints it once and picks the exit code);
 *  2. declare it below and add a row to the table in main.c;
 *  3. add it to sgplan_SOURCES in Makefile.am;
 *  4. document it in man/sgplan.1 and README.md, and add its golden tests. */
#pragma once

#include <glib.h>

typedef int (*SgplanCommandFunc) (int argc, char **argv, GError **error);

typedef struct {
  const char *name;
  SgplanCommandFunc run;
  const char *summary;
} SgplanCommand;

int cmd_check (int argc, char **argv, GError **error);
int cmd_plan (int argc, char **argv, GError **error);
int cmd_show (int argc, char **argv, GError **error);
int cmd_script (int argc, char **argv, GError **error);
int cmd_apply (int argc, char **argv, GError **error);
int cmd_validate (int argc, char **argv, GError **error);
int cmd_graph (int argc, char **argv, GError **error);

/* Write a script to OUTPUT (atomically, mode 0755) or to stdout when NULL. */
gboolean sgplan_write_script (const char *output, const char *text, GError **error);

/* Parse a command's options; usage errors become SGPLAN_ERROR_USAGE.
 * PARAMETERS is the text after the command name in the usage line. */
gboolean sgplan_parse_options (const char *command, const char *parameters,
                               const char *summary, const GOptionEntry *entries,
                               int *argc, char ***argv, GError **error);

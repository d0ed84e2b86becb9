/* main.c - sgplan: plan and prove the remediation of AWS Security Hub EC2.2.
 *
 * The command table, global options and the one place that prints errors
 * and picks the exit code (sgplan(1), EXIT STATUS). */
#include "config.h"

#include "commands.h"
#include "util.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

static const SgplanCommand commands[] = {
  { "check", cmd_check, "EC2.2 status of every default group and what uses it" },
  { "plan", cmd_plan, "the change set that remediates them, with its rollback" },
  { "show", cmd_show, "a change set summarised for a reviewer (text or Markdown)" },
  { "script", cmd_script, "the AWS CLI script that carries out a change set, or its rollback" },
  { "apply", cmd_apply, "a change set carried out on an export, offline" },
  { "validate", cmd_validate, "prove a change set safe: inverses, compliance, connectivity, rollback" },
  { NULL, NULL, NULL },
};

gboolean
sgplan_parse_options (const char *command, const char *parameters, const char *summary,
                      const GOptionEntry *entries, int *argc, char ***argv, GError **error)
{
  g_autofree char *prgname = g_strdup_printf ("sgplan %s", command);
  g_autoptr (GOptionContext) context = g_option_context_new (parameters);
  g_autoptr (GError) local = NULL;

  g_set_prgname (prgname); /* the usage line reads "sgplan check [OPTION…] EXPORT..." */
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_strict_posix (context, FALSE);
  if (!g_option_context_parse (context, argc, argv, &local))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE, "%s (see 'sgplan %s --help')",
                   local->message, command);
      return FALSE;
    }
  return TRUE;
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "usage: sgplan COMMAND [OPTION...] ARGUMENT...\n\n"
                   "Plans the remediation of AWS Security Hub control EC2.2 (the VPC default\n"
                   "security group allows no traffic) from exported state, offline.\n\n"
                   "Commands:\n");
  for (const SgplanCommand *c = commands; c->name != NULL; c++)
    fprintf (stream, "  %-10s %s\n", c->name, c->summary);
  fprintf (stream, "\nRun 'sgplan COMMAND --help' for a command's options; see sgplan(1).\n"
                   "Exit status: 0 ok, 1 not compliant or not valid, 2 usage or I/O error,\n"
                   "3 invalid input.\n");
}

static int
finish (int status)
{
  /* A full disk or closed pipe must not pass for success. */
  if (fclose (stdout) != 0 && status == SGPLAN_EXIT_OK)
    {
      fprintf (stderr, "sgplan: error: cannot write to standard output: %s\n",
               g_strerror (errno));
      return SGPLAN_EXIT_USAGE;
    }
  return status;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  const SgplanCommand *command = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname ("sgplan");
  if (argc < 2)
    {
      print_usage (stderr);
      return SGPLAN_EXIT_USAGE;
    }
  if (strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return finish (SGPLAN_EXIT_OK);
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("sgplan %s\n", PACKAGE_VERSION);
      return finish (SGPLAN_EXIT_OK);
    }
  for (const SgplanCommand *c = commands; c->name != NULL; c++)
    if (strcmp (argv[1], c->name) == 0)
      command = c;
  if (command == NULL)
    {
      g_autofree char *name = g_strescape (argv[1], NULL);
      fprintf (stderr, "sgplan: error: unknown command '%s' (see 'sgplan --help')\n", name);
      return SGPLAN_EXIT_USAGE;
    }
  status = command->run (argc - 1, argv + 1, &error);
  if (status < 0)
    {
      /* messages quote export values: keep them from driving the terminal,
       * and (should a value slip through unquoted) from flooding it */
      g_autofree char *message = sgplan_cut (error->message, 4096);
      fflush (stdout);
      fprintf (stderr, "sgplan: error: %s\n", message);
      return sgplan_exit_for_error (error);
    }
  return finish (status);
}

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
  { "graph", cmd_graph, "a picture of what depends on each default group and what the plan changes" },
  { "script", cmd_script, "the AWS CLI script that carries out a change set, or its rollback" },
  { "apply", cmd_apply, "a change set carried out on an export, offline" },
  { "validate", cmd_validate, "prove a change set safe: inverses, compliance, connectivity, rollback" },
  { NULL, NULL, NULL },
};

/* An unknown long option, named before GLib sees it, so that the message
 * can say what was probably meant.  Values of options that take one are
 * skipped, as GLib skips them; "--" ends the options. */
static gboolean
check_long_options (const char *command, const GOptionEntry *entries, int argc, char **argv,
                    GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    g_ptr_array_add (names, (gpointer) e->long_name);
  g_ptr_array_add (names, (gpointer) "help");
  g_ptr_array_add (names, NULL);
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const GOptionEntry *found = NULL;

      if (strcmp (arg, "--") == 0)
        break;
      if (arg[0] != '-' || arg[1] == '\0')
        continue;
      if (arg[1] != '-')
        {
          /* "-f json": a short option that takes a value */
          for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
            if (e->short_name == arg[1] && arg[2] == '\0' && e->arg != G_OPTION_ARG_NONE)
              i++;
          continue;
        }
      {
        g_autofree char *name = g_strndup (arg + 2, strcspn (arg + 2, "="));
        const char *closest;

        for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
          if (strcmp (e->long_name, name) == 0)
            found = e;
        if (found != NULL)
          {
            if (found->arg != G_OPTION_ARG_NONE && strchr (arg, '=') == NULL)
              i++;
            continue;
          }
        if (strcmp (name, "help") == 0)
          continue;
        closest = sgplan_closest (name, (const char *const *) names->pdata);
        {
          g_autofree char *shown = sgplan_cut (arg, SGPLAN_QUOTE_MAX);

          if (closest != NULL)
            g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                         "unknown option '%s': did you mean '--%s'? (see 'sgplan %s --help')", shown,
                         closest, command);
          else
            g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                         "unknown option '%s' (see 'sgplan %s --help')", shown, command);
        }
        return FALSE;
      }
    }
  return TRUE;
}

gboolean
sgplan_parse_options (const char *command, const char *parameters, const char *summary,
                      const GOptionEntry *entries, int *argc, char ***argv, GError **error)
{
  g_autofree char *prgname = g_strdup_printf ("sgplan %s", command);
  g_autoptr (GOptionContext) context = g_option_context_new (parameters);
  g_autoptr (GError) local = NULL;

  g_set_prgname (prgname); /* the usage line reads "sgplan check [OPTION…] EXPORT..." */
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, "See sgplan(1) for the whole story, and "
                                             "'sgplan --help' for the other commands.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_strict_posix (context, FALSE);
  if (!check_long_options (command, entries, *argc, *argv, error))
    return FALSE;
  if (!g_option_context_parse (context, argc, argv, &local))
    {
      /* GLib's messages start with a capital and quote with “ ”; sgplan's
       * start in lower case and quote with ' */
      g_auto (GStrv) parts = g_regex_split_simple ("\u201c|\u201d", local->message, 0, 0);
      g_autofree char *message = g_strjoinv ("'", parts);

      message[0] = g_ascii_tolower (message[0]);
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE, "%s (see 'sgplan %s --help')",
                   message, command);
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
  fprintf (stream, "\nRun 'sgplan help COMMAND' or 'sgplan COMMAND --help' for a command's options;\n"
                   "'sgplan version' prints the version; see sgplan(1).\n"
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

static const SgplanCommand *
find_command (const char *name)
{
  for (const SgplanCommand *c = commands; c->name != NULL; c++)
    if (strcmp (name, c->name) == 0)
      return c;
  return NULL;
}

static int
unknown_command (const char *name)
{
  const char *names[G_N_ELEMENTS (commands) + 2];
  const char *closest;
  g_autofree char *shown = sgplan_cut (name, SGPLAN_QUOTE_MAX);
  guint n = 0;

  for (const SgplanCommand *c = commands; c->name != NULL; c++)
    names[n++] = c->name;
  names[n++] = "help";
  names[n++] = "version";
  names[n] = NULL;
  closest = sgplan_closest (name, names);
  if (closest != NULL)
    fprintf (stderr, "sgplan: error: unknown command '%s': did you mean '%s'? (see 'sgplan --help')\n",
             shown, closest);
  else
    fprintf (stderr, "sgplan: error: unknown command '%s' (see 'sgplan --help')\n", shown);
  return SGPLAN_EXIT_USAGE;
}

/* The one place that prints an error: messages quote export values, so keep
 * them from driving the terminal and (should a value slip through unquoted)
 * from flooding it. */
static int
report_error (const GError *error)
{
  g_autofree char *message = sgplan_cut (error->message, 4096);

  fflush (stdout);
  fprintf (stderr, "sgplan: error: %s\n", message);
  return sgplan_exit_for_error (error);
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
      || (strcmp (argv[1], "help") == 0 && argc == 2))
    {
      print_usage (stdout);
      return finish (SGPLAN_EXIT_OK);
    }
  if (strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "-V") == 0
      || strcmp (argv[1], "version") == 0)
    {
      printf ("sgplan %s\n", PACKAGE_VERSION);
      return finish (SGPLAN_EXIT_OK);
    }
  if (strcmp (argv[1], "help") == 0)
    {
      /* `sgplan help CMD` is `sgplan CMD --help` */
      static char help_option[] = "--help";
      char *help_argv[] = { argv[2], help_option, NULL };

      if (argc > 3)
        {
          fprintf (stderr, "sgplan: error: help takes one command (see 'sgplan --help')\n");
          return SGPLAN_EXIT_USAGE;
        }
      command = find_command (argv[2]);
      if (command == NULL)
        return unknown_command (argv[2]);
      return finish (command->run (2, help_argv, &error) < 0 ? report_error (error) : SGPLAN_EXIT_OK);
    }
  command = find_command (argv[1]);
  if (command == NULL)
    return unknown_command (argv[1]);
  status = command->run (argc - 1, argv + 1, &error);
  if (status < 0)
    return report_error (error);
  return finish (status);
}

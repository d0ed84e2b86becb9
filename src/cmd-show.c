/* cmd-show.c - `sgplan show PLAN`: a change set summarised for review.
 *
 * Reads a YAML or JSON change set back, checking its structure (a bad one
 * gets 'FILE':LINE:COL: errors), and prints what it would do as text for a
 * terminal, Markdown for a pull-request comment (at most --max-size
 * characters, GitHub's limit by default) or JSON for tools. */
#include "config.h"

#include "changeset-read.h"
#include "commands.h"
#include "files.h"
#include "render-show.h"
#include "sha256.h"
#include "util.h"

#include <string.h>

/* GitHub's limit on a pull-request comment, in characters. */
#define SHOW_MARKDOWN_MAX_SIZE 65536

/* The SHA-256 of the change set file: which change set a JSON summary is of. */
static char *
file_sha256 (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len;
  SgplanSha256 sha;
  char hex[65];

  if (!sgplan_read_file (path, &text, &len, error))
    return NULL;
  sgplan_sha256_init (&sha);
  sgplan_sha256_update (&sha, text, len);
  sgplan_sha256_hex (&sha, hex);
  return g_strdup (hex);
}

int
cmd_show (int argc, char **argv, GError **error)
{
  g_autofree char *format = NULL;
  gint64 max_size = G_MININT64; /* not given */
  g_autoptr (ChangeSet) cs = NULL;
  g_autofree char *text = NULL;
  /* Update man/sgplan.1 and completions/ when changing these options. */
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default), markdown or json", "FORMAT" },
    { "max-size", 0, 0, G_OPTION_ARG_INT64, &max_size,
      "markdown: at most N characters, past which the biggest groups' details are left out "
      "(default 65536, GitHub's limit; 0: no limit)", "N" },
    { NULL },
  };

  if (!sgplan_parse_options ("show", "PLAN",
                             "Summarise a change set for a reviewer, in the manner of terraform plan.",
                             entries, &argc, &argv, error))
    return -1;
  if (format != NULL && strcmp (format, "text") != 0 && strcmp (format, "markdown") != 0
      && strcmp (format, "json") != 0)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "unknown format '%s' (expected text, markdown or json)", format);
      return -1;
    }
  if (max_size != G_MININT64 && (max_size < 0 || g_strcmp0 (format, "markdown") != 0))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   max_size < 0 ? "--max-size must be 0 (no limit) or more"
                                : "--max-size is for --format markdown");
      return -1;
    }
  if (argc != 2)
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "show needs exactly one change set (see 'sgplan show --help')");
      return -1;
    }
  cs = changeset_read (argv[1], error);
  if (cs == NULL)
    return -1;
  if (g_strcmp0 (format, "markdown") == 0)
    text = render_show_markdown (cs, max_size == G_MININT64 ? SHOW_MARKDOWN_MAX_SIZE : (gsize) max_size, argv[1],
                                 error);
  else if (g_strcmp0 (format, "json") == 0)
    {
      g_autofree char *sha256 = file_sha256 (argv[1], error);

      if (sha256 != NULL)
        text = render_show_json (cs, sha256);
    }
  else
    text = render_show_text (cs);
  if (text == NULL || !sgplan_write_stdout (text, strlen (text), error))
    return -1;
  return SGPLAN_EXIT_OK;
}

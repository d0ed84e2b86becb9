/* test-script.c - the generated scripts' own escaping: what the bash
 * function printable() makes of a text is what sgplan_append_printable
 * makes of it, byte for byte; and the script text itself carries no control
 * or format character, whatever the values it quotes. */
#include "config.h"

#include "changeset-read.h"
#include "render-script.h"
#include "util.h"

#include <string.h>
#include <glib/gstdio.h>

static char *
golden_changeset (const char *name)
{
  return g_build_filename (g_getenv ("srcdir") ? g_getenv ("srcdir") : ".", "tests", "golden", "plan", name, NULL);
}

static char *
script_of (const char *changeset, gboolean rollback)
{
  g_autofree char *path = golden_changeset (changeset);
  g_autoptr (GError) error = NULL;
  ChangeSet *cs = changeset_read (path, &error);
  char *text;

  g_assert_no_error (error);
  text = render_script (cs, rollback);
  changeset_free (cs);
  return text;
}

/* The definition of the shell function NAME in SCRIPT. */
static char *
function_of (const char *script, const char *name)
{
  g_autofree char *head = g_strdup_printf ("\n%s() {\n", name);
  const char *start = strstr (script, head);
  const char *end;

  g_assert_nonnull (start);
  end = strstr (start, "\n}\n");
  g_assert_nonnull (end);
  return g_strndup (start + 1, end + 3 - (start + 1));
}

static void
add_code_point (GString *line, gunichar c)
{
  char buf[6];

  g_string_append_len (line, buf, g_unichar_to_utf8 (c, buf));
}

/* Lines (without newline): every code point below U+3000, every control or
 * format character and its neighbours, a few others, and byte sequences
 * that are not UTF-8. */
static GPtrArray *
corpus (void)
{
  static const char *const invalid[] = {
    "\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc2", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80",
    "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
    "\xf8\x88\x80\x80\x80", "\xfe", "\xff", "\xe2\x82", "\xe2\x82" "A", "\xf0\x9f\x98", "a\xe2\x80\xae" "b\\c",
    "\\", "\\\\'", "plain ASCII text", "caf\xc3\xa9 \xe2\x98\x95 \xe6\x97\xa5\xe6\x9c\xac",
    "\x1b]0;title\x07 \x1b[31mred\x1b[0m\r\t", "",
  };
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GString *line = g_string_new (NULL);

  for (gunichar c = 1; c < 0x3000; c++)
    {
      if (c != '\n')
        add_code_point (line, c);
      if (c % 64 == 0)
        {
          g_ptr_array_add (lines, g_strdup (line->str));
          g_string_truncate (line, 0);
        }
    }
  g_ptr_array_add (lines, g_strdup (line->str));
  g_string_truncate (line, 0);
  for (gunichar c = 0x3000; c < 0x110000; c++)
    {
      GUnicodeType t = g_unichar_type (c);

      if ((c >= 0xd800 && c < 0xe000) || (t != G_UNICODE_FORMAT && t != G_UNICODE_CONTROL))
        continue;
      for (gunichar n = c - 1; n <= c + 1 && n < 0x110000; n++)
        if (n < 0xd800 || n >= 0xe000)
          add_code_point (line, n);
      g_string_append_c (line, ' ');
    }
  for (gunichar c = 0x10000; c < 0x110000; c += 0x7fff)
    add_code_point (line, c);
  add_code_point (line, 0x10ffff);
  add_code_point (line, 0xfffd);
  g_ptr_array_add (lines, g_string_free (line, FALSE));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_ptr_array_add (lines, g_strdup (invalid[i]));
  return lines;
}

/* printable_lines (and so printable) of a generated script, run by bash in
 * LOCALE, on the corpus: the same lines as sgplan_append_printable. */
static void
test_printable_matches_c (gconstpointer data)
{
  const char *locale = data;
  g_autofree char *script = script_of ("example.plan.yaml", FALSE);
  g_autofree char *printable = function_of (script, "printable");
  g_autofree char *printable_lines = function_of (script, "printable_lines");
  g_autoptr (GPtrArray) lines = corpus ();
  g_autoptr (GString) input = g_string_new (NULL);
  g_autoptr (GString) want = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sgplan-test-script-XXXXXX", &error);
  g_autofree char *harness = NULL, *input_path = NULL, *program = NULL, *out = NULL, *err = NULL;
  g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "LC_ALL", locale, TRUE);
  int status;

  g_assert_no_error (error);
  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append_printf (input, "%s\n", (const char *) lines->pdata[i]);
      sgplan_append_printable (want, lines->pdata[i]);
      g_string_append_c (want, '\n');
    }
  /* the last line without its newline: printed all the same */
  g_string_append (input, "no newline \x1b");
  g_string_append (want, "no newline \\u001b\n");
  harness = g_build_filename (dir, "harness.bash", NULL);
  input_path = g_build_filename (dir, "input", NULL);
  program = g_strdup_printf ("set -euo pipefail\n%s%sprintable_lines <\"$1\"\n", printable, printable_lines);
  g_file_set_contents (harness, program, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (input_path, input->str, (gssize) input->len, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { "bash", harness, input_path, NULL };

    g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* line by line first, for a readable failure */
  {
    g_auto (GStrv) got = g_strsplit (out, "\n", -1);
    g_auto (GStrv) expected = g_strsplit (want->str, "\n", -1);

    for (guint i = 0; got[i] != NULL && expected[i] != NULL; i++)
      g_assert_cmpstr (got[i], ==, expected[i]);
  }
  g_assert_cmpstr (out, ==, want->str);
  g_unlink (harness);
  g_unlink (input_path);
  g_rmdir (dir);
}

/* The scripts of change sets whose values hold control sequences, quotes
 * and backslashes: every character of the script text is printable (or a
 * newline), whatever the values. */
static void
test_script_text_printable (gconstpointer data)
{
  for (int rollback = 0; rollback <= 1; rollback++)
    {
      g_autofree char *script = script_of (data, rollback);

      g_assert_true (g_utf8_validate (script, -1, NULL));
      for (const char *p = script; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c != '\n' && !sgplan_unichar_printable (c))
            g_error ("%s%s: U+%04X at byte %td", (const char *) data, rollback ? " (rollback)" : "", c,
                     p - script);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/script/printable/utf8-locale", "C.UTF-8", test_printable_matches_c);
  g_test_add_data_func ("/script/printable/c-locale", "C", test_printable_matches_c);
  g_test_add_data_func ("/script/text-printable/terminal-escapes", "terminal-escapes.plan.yaml",
                        test_script_text_printable);
  g_test_add_data_func ("/script/text-printable/hostile-values", "hostile-values.plan.yaml",
                        test_script_text_printable);
  g_test_add_data_func ("/script/text-printable/shell-quoting", "shell-quoting.plan.yaml",
                        test_script_text_printable);
  return g_test_run ();
}

/* util.c - error domain, exit codes, safe printing and atomic output. */
#include "config.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK (sgplan-error-quark, sgplan_error)

int
sgplan_exit_for_error (const GError *error)
{
  if (error != NULL && error->domain == SGPLAN_ERROR && error->code == SGPLAN_ERROR_INPUT)
    return SGPLAN_EXIT_INPUT;
  if (error != NULL && error->domain == SGPLAN_ERROR && error->code == SGPLAN_ERROR_NOT_OK)
    return SGPLAN_EXIT_NOT_OK;
  return SGPLAN_EXIT_USAGE;
}

int
sgplan_compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
sgplan_unichar_printable (gunichar c)
{
  return !(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || g_unichar_type (c) == G_UNICODE_FORMAT);
}

/* Append at most MAX characters of S (G_MAXSIZE: all); TRUE if S was cut. */
static gboolean
append_printable_max (GString *out, const char *s, gsize max)
{
  const char *p = s;
  gsize n = 0;

  for (; *p != '\0'; n++)
    {
      gunichar c;

      if (n == max)
        return TRUE;
      c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (!sgplan_unichar_printable (c))
        g_string_append_printf (out, c < 0x10000 ? "\\u%04x" : "\\U%08x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return FALSE;
}

void
sgplan_append_printable (GString *out, const char *s)
{
  append_printable_max (out, s, G_MAXSIZE);
}

char *
sgplan_quote (const char *s)
{
  GString *out = g_string_new ("\"");

  if (append_printable_max (out, s, SGPLAN_QUOTE_MAX))
    g_string_append_printf (out, "\"... (%" G_GSIZE_FORMAT " bytes)", strlen (s));
  else
    g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

char *
sgplan_cut (const char *s, gsize max)
{
  GString *out = g_string_new (NULL);

  if (append_printable_max (out, s, max))
    g_string_append_printf (out, "... (%" G_GSIZE_FORMAT " bytes)", strlen (s));
  return g_string_free (out, FALSE);
}

/* Printable ASCII but the backslash: the text is its own printable form. */
static gboolean
plain_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s < 0x20 || (guchar) *s > 0x7e || *s == '\\')
      return FALSE;
  return TRUE;
}

char *
sgplan_printable (const char *s)
{
  GString *out;
  gsize len;

  /* (an exact fit: reports keep one of these per table cell) */
  if (plain_ascii (s))
    return g_strdup (s);
  out = g_string_new (NULL);
  sgplan_append_printable (out, s);
  len = out->len;
  return g_realloc (g_string_free (out, FALSE), len + 1);
}

char *
sgplan_json_print (const cJSON *item)
{
  return sgplan_json_print_indent (item, 2);
}

char *
sgplan_json_print_indent (const cJSON *item, guint indent)
{
  char *printed = cJSON_Print (item);
  GString *out = g_string_sized_new (strlen (printed) + 64);
  gboolean line_start = TRUE;

  /* cJSON indents with tabs and puts a tab after each ':'.  Inside strings
   * it escapes tabs, so every raw tab is layout and can be rewritten. */
  for (const char *p = printed; *p != '\0'; p++)
    {
      if (*p == '\t')
        {
          if (line_start)
            g_string_append_printf (out, "%*s", (int) indent, "");
          else
            g_string_append_c (out, ' ');
        }
      else
        {
          g_string_append_c (out, *p);
          line_start = *p == '\n';
        }
    }
  g_string_append_c (out, '\n');
  cJSON_free (printed);
  return g_string_free (out, FALSE);
}

gboolean
sgplan_write_stdout (const char *contents, gsize len, GError **error)
{
  if ((len > 0 && fwrite (contents, 1, len, stdout) != len) || fflush (stdout) != 0
      || ferror (stdout))
    {
      int saved = errno;
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write to standard output: %s",
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
sgplan_region_prefix (const char *name, gsize *prefix_len)
{
  /* Region names: two letters, one or more "-word" parts, then "-N".
   * Examples: us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1,
   * us-isob-east-1.  An availability zone continues with a letter or with
   * "-lax-1a" style local-zone suffixes. */
  const char *p = name;
  int words = 0;

  if (!g_ascii_islower (p[0]) || !g_ascii_islower (p[1]))
    return FALSE;
  p += 2;
  for (;;)
    {
      const char *q;

      if (*p != '-')
        return FALSE;
      q = p + 1;
      if (g_ascii_isdigit (*q))
        {
          while (g_ascii_isdigit (*q))
            q++;
          if (words == 0)
            return FALSE;
          p = q;
          break;
        }
      if (!g_ascii_islower (*q))
        return FALSE;
      while (g_ascii_islower (*q))
        q++;
      words++;
      p = q;
    }
  if (prefix_len != NULL)
    {
      *prefix_len = (gsize) (p - name);
      return TRUE;
    }
  return *p == '\0';
}

const char *
sgplan_text_encoding (const char *buf, gsize len, gsize *start)
{
  const guchar *b = (const guchar *) buf;

  *start = 0;
  if (len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
    {
      *start = 3; /* a UTF-8 byte-order mark, as some editors and PowerShell 7 write */
      return NULL;
    }
  if (len >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff)))
    return "UTF-16 text (it starts with a UTF-16 byte-order mark); sgplan reads UTF-8. "
           "Windows PowerShell 5.1 writes UTF-16 when output is redirected with '>': "
           "write the file with 'aws ... --output json | Out-File -Encoding utf8 FILE' instead, "
           "or convert it with 'Get-Content FILE | Set-Content -Encoding utf8 NEWFILE'";
  /* UTF-16LE without a mark: ASCII text with a NUL after every character. */
  if (len >= 4 && b[0] != 0 && b[0] < 0x80 && b[1] == 0 && b[2] != 0 && b[3] == 0)
    return "UTF-16 text (a NUL byte after every character); sgplan reads UTF-8. "
           "In PowerShell write the file with 'aws ... --output json | Out-File -Encoding utf8 "
           "FILE'; elsewhere convert it with 'iconv -f UTF-16LE -t UTF-8'";
  return NULL;
}

guint
sgplan_thread_count (void)
{
  static gsize once = 0;
  static guint count;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("SGPLAN_THREADS");
      guint64 n = 0;

      if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 64, &n, NULL))
        count = (guint) n;
      else
        {
          if (env != NULL)
            g_printerr ("sgplan: warning: SGPLAN_THREADS='%s' is not a number from 1 to 64: "
                        "using one more than the number of processors\n", env);
          /* one more than the processors: the hashing thread is light */
          count = CLAMP (g_get_num_processors () + 1, 1, 64);
        }
      g_once_init_leave (&once, 1);
    }
  return count;
}

/* Optimal string alignment distance (Damerau-Levenshtein without moving a
 * character twice), with a cut-off: the words are short command and option
 * names, so the quadratic table is tiny. */
static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *d = NULL;

  if (la > 64 || lb > 64)
    return G_MAXUINT;
  d = g_new (guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (gsize i = 0; i <= la; i++)
    D (i, 0) = (guint) i;
  for (gsize j = 0; j <= lb; j++)
    D (0, j) = (guint) j;
  for (gsize i = 1; i <= la; i++)
    for (gsize j = 1; j <= lb; j++)
      {
        guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
        guint best = MIN (MIN (D (i - 1, j) + 1, D (i, j - 1) + 1), D (i - 1, j - 1) + cost);

        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          best = MIN (best, D (i - 2, j - 2) + 1);
        D (i, j) = best;
      }
  return D (la, lb);
#undef D
}

const char *
sgplan_closest (const char *word, const char *const *candidates)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  guint limit = MAX (1, (guint) strlen (word) / 3);

  for (const char *const *c = candidates; *c != NULL; c++)
    {
      guint distance = edit_distance (word, *c);

      /* a prefix is what was meant too: "val" for "validate" */
      if (strlen (word) >= 3 && g_str_has_prefix (*c, word))
        distance = MIN (distance, 1);
      if (distance < best_distance)
        {
          best = *c;
          best_distance = distance;
        }
    }
  return best_distance <= limit ? best : NULL;
}

gboolean
sgplan_colour (void)
{
  static int decided = -1;

  if (decided < 0)
    {
      const char *no_color = g_getenv ("NO_COLOR");
      const char *term = g_getenv ("TERM");

      decided = isatty (STDOUT_FILENO) && (no_color == NULL || no_color[0] == '\0')
                && (term == NULL || strcmp (term, "dumb") != 0);
    }
  return decided;
}

void
sgplan_append_coloured (GString *out, const char *code, const char *text)
{
  if (sgplan_colour ())
    g_string_append_printf (out, "\033[%sm%s\033[0m", code, text);
  else
    g_string_append (out, text);
}

/* markdown.c - escaping untrusted text for GitHub Markdown, per context.
 *
 * sgplan show used to backslash-escape every punctuation character, which
 * GitHub renders correctly but a reviewer reading the raw comment (or a
 * heading, where it showed) does not.  Each context here escapes only what
 * would change the rendering there; tests/test-markdown.c proves each. */
#include "config.h"

#include "markdown.h"
#include "util.h"

#include <string.h>

static gboolean
is_word_byte (char c)
{
  /* bytes of non-ASCII characters count as word characters: GitHub treats
   * letters of any script as such, and an escape too many does no harm */
  return g_ascii_isalnum (c) || (c & 0x80) != 0;
}

/* The escapes of inline text for the character at P (in S). */
static void
append_inline (GString *out, const char *s, const char *p, gboolean in_cell)
{
  char c = *p;

  switch (c)
    {
    case '*':
    case '`':
    case '[':
    case '~':
      g_string_append_c (out, '\\');
      break;
    case '_':
      /* intraword underscores never make emphasis (a_b_c, vpc_id) */
      if (p == s || p[1] == '\0' || !is_word_byte (p[-1]) || !is_word_byte (p[1]))
        g_string_append_c (out, '\\');
      break;
    case '|':
      if (in_cell)
        g_string_append_c (out, '\\');
      break;
    case '<':
      g_string_append (out, "&lt;");
      return;
    case '&':
      /* only where it could start an entity (&amp; &#64;) */
      if (p[1] == '#' || g_ascii_isalnum (p[1]))
        {
          g_string_append (out, "&amp;");
          return;
        }
      break;
    default:
      break;
    }
  g_string_append_c (out, c);
}

/* What would start a block at the start of a line: the length of the
 * prefix of P that must be escaped (0 for none), and how. */
static const char *
append_line_start (GString *out, const char *p)
{
  const char *q = p;

  if (*p == ' ')
    {
      /* up to three spaces are dropped, four make a code block */
      g_string_append (out, "&#32;");
      return p + 1;
    }
  if (strchr ("#-+>=", *p) != NULL && *p != '\0')
    {
      g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
      return p + 1;
    }
  while (g_ascii_isdigit (*q))
    q++;
  if (q > p && (*q == '.' || *q == ')'))
    {
      /* "1." or "1)" starts an ordered list */
      g_string_append_len (out, p, q - p);
      g_string_append_c (out, '\\');
      g_string_append_c (out, *q);
      return q + 1;
    }
  return p;
}

static void
append_text (GString *out, const char *s, gboolean at_line_start, gboolean in_cell)
{
  g_autofree char *printable = sgplan_printable (s);
  const char *p = printable;

  if (at_line_start)
    p = append_line_start (out, p);
  for (; *p != '\0'; p++)
    append_inline (out, printable, p, in_cell);
}

void
md_append_text (GString *out, const char *s, gboolean at_line_start)
{
  append_text (out, s, at_line_start, FALSE);
}

void
md_append_cell (GString *out, const char *s)
{
  append_text (out, s, FALSE, TRUE);
}

void
md_append_code (GString *out, const char *s, gboolean in_table)
{
  g_autofree char *printable = sgplan_printable (s);
  gsize run = 0, longest = 0, len = strlen (printable);
  gboolean pad;

  if (len == 0)
    {
      g_string_append (out, "`\"\"`");
      return;
    }
  for (const char *p = printable; *p != '\0'; p++)
    {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX (longest, run);
    }
  /* a code span loses one space at each end when it has both, and a
   * backtick at an end would join the fence */
  pad = printable[0] == '`' || printable[len - 1] == '`'
        || (printable[0] == ' ' && printable[len - 1] == ' ');
  for (gsize i = 0; i <= longest; i++)
    g_string_append_c (out, '`');
  if (pad)
    g_string_append_c (out, ' ');
  for (const char *p = printable; *p != '\0'; p++)
    {
      if (*p == '|' && in_table)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  if (pad)
    g_string_append_c (out, ' ');
  for (gsize i = 0; i <= longest; i++)
    g_string_append_c (out, '`');
}

void
md_append_html (GString *out, const char *s)
{
  g_autofree char *printable = sgplan_printable (s);

  for (const char *p = printable; *p != '\0'; p++)
    switch (*p)
      {
      case '&':
        g_string_append (out, "&amp;");
        break;
      case '<':
        g_string_append (out, "&lt;");
        break;
      case '>':
        g_string_append (out, "&gt;");
        break;
      case '"':
        g_string_append (out, "&quot;");
        break;
      default:
        g_string_append_c (out, *p);
        break;
      }
}

gsize
md_length (const char *s, gsize len)
{
  return (gsize) g_utf8_strlen (s, (gssize) len);
}

/* test-markdown.c - markdown.c escapes untrusted text for each context of
 * GitHub Markdown: what would change the rendering there, and nothing else. */
#include "config.h"

#include "markdown.h"

#include <string.h>

typedef void (*Escape) (GString *out, const char *s);

static void
text_inline (GString *out, const char *s)
{
  md_append_text (out, s, FALSE);
}

static void
text_line_start (GString *out, const char *s)
{
  md_append_text (out, s, TRUE);
}

static void
code (GString *out, const char *s)
{
  md_append_code (out, s, FALSE);
}

static void
code_in_table (GString *out, const char *s)
{
  md_append_code (out, s, TRUE);
}

static void
cell (GString *out, const char *s)
{
  md_append_cell (out, s);
}

static void
html (GString *out, const char *s)
{
  md_append_html (out, s);
}

typedef struct {
  Escape escape;
  const char *in, *want;
} Case;

/* One table for every context: (escape, input, expected output). */
static const Case cases[] = {
  /* inline text: what GitHub renders literally stays as it is */
  { text_inline, "sg-03a5 (111122223333, us-east-1): a.b! {x} #1 + - = > ]",
    "sg-03a5 (111122223333, us-east-1): a.b! {x} #1 + - = > ]" },
  { text_inline, "vpc_id {group_id} a_b_c", "vpc_id {group_id} a_b_c" },
  /* emphasis, code, links, strikethrough, HTML and entities */
  { text_inline, "**Warnings** _x_ `y` [l](u) ~~s~~", "\\*\\*Warnings\\*\\* \\_x\\_ \\`y\\` \\[l](u) \\~\\~s\\~\\~" },
  { text_inline, "<script>alert(1)</script> & &amp; &#64;", "&lt;script>alert(1)&lt;/script> & &amp;amp; &amp;#64;" },
  { text_inline, "</details>", "&lt;/details>" },
  /* a newline cannot end the line; a backslash stays one when rendered */
  { text_inline, "a\nb", "a\\nb" },
  { text_inline, "a\\*", "a\\\\\\*" },
  /* at the start of a line, what would start a block */
  { text_line_start, "# not a heading", "\\# not a heading" },
  { text_line_start, "- not a list", "\\- not a list" },
  { text_line_start, "+ x", "\\+ x" },
  { text_line_start, "> not a quote", "\\> not a quote" },
  { text_line_start, "12. not a list", "12\\. not a list" },
  { text_line_start, "3) not a list", "3\\) not a list" },
  { text_line_start, "2026 is a year", "2026 is a year" },
  { text_line_start, "    not code", "&#32;   not code" },
  { text_line_start, "Why: # fine", "Why: # fine" },
  /* a table cell: and the | that would end it */
  { cell, "a | b || c *d*", "a \\| b \\|\\| c \\*d\\*" },
  /* code spans: a fence longer than any run of backticks in them */
  { code, "sg-1", "`sg-1`" },
  { code, "a`b", "``a`b``" },
  { code, "``x", "``` ``x ```" },
  { code, "x`", "`` x` ``" },
  { code, " x ", "`  x  `" },
  { code, "*_<&|", "`*_<&|`" },
  { code, "", "`\"\"`" },
  { code_in_table, "a|b", "`a\\|b`" },
  /* HTML (<summary>): entities, and nothing else */
  { html, "</summary></details><script>\"x\" & y *z*\n",
    "&lt;/summary&gt;&lt;/details&gt;&lt;script&gt;&quot;x&quot; &amp; y *z*\\n" },
};

static void
test_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GString) out = g_string_new (NULL);

      cases[i].escape (out, cases[i].in);
      g_assert_cmpstr (out->str, ==, cases[i].want);
    }
}

static void
test_length (void)
{
  g_assert_cmpuint (md_length ("café ☕", strlen ("café ☕")), ==, 6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/markdown/escapes", test_cases);
  g_test_add_func ("/markdown/length", test_length);
  return g_test_run ();
}

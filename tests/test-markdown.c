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
expect (Escape escape, const char *s, const char *want)
{
  g_autoptr (GString) out = g_string_new (NULL);

  escape (out, s);
  g_assert_cmpstr (out->str, ==, want);
}

static void
test_inline_text (void)
{
  /* what GitHub renders literally stays as it is */
  expect (text_inline, "sg-03a5 (111122223333, us-east-1): a.b! {x} #1 + - = > ]",
          "sg-03a5 (111122223333, us-east-1): a.b! {x} #1 + - = > ]");
  expect (text_inline, "vpc_id {group_id} a_b_c", "vpc_id {group_id} a_b_c");
  /* emphasis, code, links, strikethrough, HTML and entities */
  expect (text_inline, "**Warnings** _x_ `y` [l](u) ~~s~~", "\\*\\*Warnings\\*\\* \\_x\\_ \\`y\\` \\[l](u) \\~\\~s\\~\\~");
  expect (text_inline, "<script>alert(1)</script> & &amp; &#64;", "&lt;script>alert(1)&lt;/script> & &amp;amp; &amp;#64;");
  expect (text_inline, "</details>", "&lt;/details>");
  /* a newline cannot end the line; a backslash stays one when rendered */
  expect (text_inline, "a\nb", "a\\nb");
  expect (text_inline, "a\\*", "a\\\\\\*");
}

static void
test_line_start (void)
{
  expect (text_line_start, "# not a heading", "\\# not a heading");
  expect (text_line_start, "- not a list", "\\- not a list");
  expect (text_line_start, "+ x", "\\+ x");
  expect (text_line_start, "> not a quote", "\\> not a quote");
  expect (text_line_start, "12. not a list", "12\\. not a list");
  expect (text_line_start, "3) not a list", "3\\) not a list");
  expect (text_line_start, "2026 is a year", "2026 is a year");
  expect (text_line_start, "    not code", "&#32;   not code");
  expect (text_line_start, "Why: # fine", "Why: # fine");
}

static void
test_cell (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  md_append_cell (out, "a | b || c *d*");
  g_assert_cmpstr (out->str, ==, "a \\| b \\|\\| c \\*d\\*");
}

static void
test_code (void)
{
  expect (code, "sg-1", "`sg-1`");
  expect (code, "a`b", "``a`b``");
  expect (code, "``x", "``` ``x ```");
  expect (code, "x`", "`` x` ``");
  expect (code, " x ", "`  x  `");
  expect (code, "*_<&|", "`*_<&|`");
  expect (code, "", "`\"\"`");
  expect (code_in_table, "a|b", "`a\\|b`");
}

static void
test_html (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  md_append_html (out, "</summary></details><script>\"x\" & y *z*\n");
  g_assert_cmpstr (out->str, ==,
                   "&lt;/summary&gt;&lt;/details&gt;&lt;script&gt;&quot;x&quot; &amp; y *z*\\n");
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
  g_test_add_func ("/markdown/inline-text", test_inline_text);
  g_test_add_func ("/markdown/line-start", test_line_start);
  g_test_add_func ("/markdown/table-cell", test_cell);
  g_test_add_func ("/markdown/code-span", test_code);
  g_test_add_func ("/markdown/html", test_html);
  g_test_add_func ("/markdown/length", test_length);
  return g_test_run ();
}

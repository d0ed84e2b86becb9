/* markdown.h - untrusted text in GitHub Markdown, escaped for the context it
 * lands in, and no more than that context needs.
 *
 * Every function first takes the printable form of S (sgplan_printable:
 * control characters, newlines included, become C-style escapes), so that
 * no value can end a line, a table row or an HTML block. */
#pragma once

#include <glib.h>

/* Inline text in a paragraph or list item: `*`, `_` where it could start or
 * end emphasis, backticks, `[`, `~`, `<` and `&` before a name or `#`.
 * AT_LINE_START: S starts the line, so that `#`, `-`, `+`, `>`, `=`, "1."
 * or "1)" and leading spaces would start a block; they are escaped too. */
void md_append_text (GString *out, const char *s, gboolean at_line_start);
/* A table cell: inline text, and `|`, which would end the cell. */
void md_append_cell (GString *out, const char *s);
/* A code span: fenced with one more backtick than the longest run of them
 * in S (padded with a space when S starts or ends with one); IN_TABLE also
 * escapes `|`, which GitHub reads as a cell's end even in a code span. */
void md_append_code (GString *out, const char *s, gboolean in_table);
/* Text inside HTML (<summary>): `&`, `<`, `>` and `"` as entities. */
void md_append_html (GString *out, const char *s);
/* The length of S in characters (code points), as GitHub counts a comment. */
gsize md_length (const char *s, gsize len);

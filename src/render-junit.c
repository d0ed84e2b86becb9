/* render-junit.c - `validate --format junit`: the checks as a JUnit XML report.
 *
 * CI systems (GitLab, Jenkins, GitHub test reporters) read JUnit XML: one
 * <testsuites>, one <testsuite> "sgplan validate", one <testcase> per check
 * in the order run, classname "sgplan.validate" and the check's name (a
 * name that repeats gets " #2", " #3": names stay unique and stable).  A
 * failed check is a <failure>, a skipped one <skipped>; a warning passes
 * (JUnit has no warning) and says so in <system-out>, where every check's
 * detail is.  No timestamps and time="0": the report is byte-identical for
 * the same input.  Details quote the change set, which may be hostile: XML
 * 1.0 cannot carry most control characters even as references, so they
 * are written as \uXXXX text. */
#include "config.h"

#include "render-formats.h"
#include "util.h"

#include <string.h>

static void
append_xml (GString *out, const char *s, gboolean attribute)
{
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, "\\ufffd");
          continue;
        }
      switch (c)
        {
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '&': g_string_append (out, "&amp;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, attribute ? "&apos;" : "'"); break;
        case '\t': g_string_append (out, attribute ? "&#9;" : "\t"); break;
        case '\n': g_string_append (out, attribute ? "&#10;" : "\n"); break;
        case '\r': g_string_append (out, "&#13;"); break;
        default:
          /* not allowed in XML 1.0 (C0 controls, surrogates, U+FFFE, U+FFFF),
           * or invisible mischief (C1 controls, bidirectional overrides) */
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xfffe || c == 0xffff
              || !sgplan_unichar_printable (c))
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
          break;
        }
    }
}

static const char *
status_word (CheckStatus status)
{
  switch (status)
    {
    case CHECK_PASS: return "pass";
    case CHECK_FAIL: return "FAIL";
    case CHECK_WARN: return "WARN";
    case CHECK_SKIP: default: return "skip";
    }
}

static void
append_case (GString *out, const CheckResult *r, guint repeat)
{
  g_autofree char *name = repeat > 1 ? g_strdup_printf ("%s #%u", r->name, repeat) : g_strdup (r->name);

  g_string_append (out, "    <testcase classname=\"sgplan.validate\" name=\"");
  append_xml (out, name, TRUE);
  g_string_append (out, "\" time=\"0\">\n");
  if (r->status == CHECK_FAIL)
    {
      g_string_append (out, "      <failure type=\"sgplan.");
      append_xml (out, r->name, TRUE);
      g_string_append (out, "\" message=\"");
      append_xml (out, r->detail, TRUE);
      g_string_append (out, "\">");
      append_xml (out, r->detail, FALSE);
      g_string_append (out, "</failure>\n");
    }
  else if (r->status == CHECK_SKIP)
    {
      g_string_append (out, "      <skipped message=\"");
      append_xml (out, r->detail, TRUE);
      g_string_append (out, "\"/>\n");
    }
  g_string_append_printf (out, "      <system-out>%s: ", status_word (r->status));
  append_xml (out, r->detail, FALSE);
  g_string_append (out, "</system-out>\n    </testcase>\n");
}

char *
verify_render_junit (const char *plan_path, const Validation *v)
{
  GString *out = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal); /* name -> count */
  guint failures = 0, skipped = 0, n = v->results->len;
  g_autofree char *counts = NULL;

  for (guint i = 0; i < n; i++)
    {
      const CheckResult *r = v->results->pdata[i];

      failures += r->status == CHECK_FAIL;
      skipped += r->status == CHECK_SKIP;
    }
  counts = g_strdup_printf ("tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"0\"", n,
                            failures, skipped);
  g_string_append_printf (out, "<testsuites name=\"sgplan validate\" %s>\n", counts);
  g_string_append_printf (out, "  <testsuite name=\"sgplan validate\" %s>\n", counts);
  g_string_append (out, "    <properties>\n      <property name=\"change_set\" value=\"");
  append_xml (out, plan_path, TRUE);
  g_string_append (out, "\"/>\n      <property name=\"verdict\" value=\"");
  append_xml (out, verify_verdict (v), TRUE);
  g_string_append (out, "\"/>\n    </properties>\n");
  for (guint i = 0; i < n; i++)
    {
      const CheckResult *r = v->results->pdata[i];
      guint repeat = GPOINTER_TO_UINT (g_hash_table_lookup (seen, r->name)) + 1;

      g_hash_table_insert (seen, (gpointer) r->name, GUINT_TO_POINTER (repeat));
      append_case (out, r, repeat);
    }
  g_string_append (out, "  </testsuite>\n</testsuites>\n");
  return g_string_free (out, FALSE);
}

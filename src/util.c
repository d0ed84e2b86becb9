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

void
sgplan_append_printable (GString *out, const char *s)
{
  const char *p = s;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

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
}

char *
sgplan_printable (const char *s)
{
  GString *out = g_string_new (NULL);

  sgplan_append_printable (out, s);
  return g_string_free (out, FALSE);
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
sgplan_read_file (const char *path, char **contents, gsize *len, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  GString *buf;

  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved = fd < 0 ? errno : S_ISDIR (st.st_mode) ? EISDIR : EINVAL;

      if (fd >= 0)
        close (fd);
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot read '%s': %s", path,
                   saved == EINVAL ? "not a regular file" : g_strerror (saved));
      return FALSE;
    }
  buf = g_string_sized_new ((gsize) st.st_size + 1);
  for (;;)
    {
      char chunk[65536];
      ssize_t n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_string_free (buf, TRUE);
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot read '%s': %s", path,
                       g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      g_string_append_len (buf, chunk, n);
    }
  close (fd);
  *len = buf->len;
  *contents = g_string_free (buf, FALSE);
  return TRUE;
}

gboolean
sgplan_write_atomic (const char *path, const char *contents, gsize len, GError **error)
{
  /* g_file_set_contents writes a temporary file next to PATH and renames it. */
  return g_file_set_contents_full (path, contents, (gssize) len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
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

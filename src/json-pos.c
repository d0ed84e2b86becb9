/* json-pos.c - locate values and syntax errors in raw JSON text.
 *
 * A small scanner over the text the parser read: it follows a path of keys
 * and indexes to a value, to point an error at the offending value. */
#include "config.h"

#include "json-pos.h"
#include "util.h"

#include <string.h>

void
sgplan_json_line_col (const char *buf, gsize len, gsize offset, guint *line, guint *col)
{
  guint l = 1, c = 1;

  if (offset > len)
    offset = len;
  for (gsize i = 0; i < offset; i++)
    {
      guchar b = (guchar) buf[i];

      if (b == '\n')
        {
          l++;
          c = 1;
        }
      else if ((b & 0xc0) != 0x80) /* count characters, not continuation bytes */
        c++;
    }
  *line = l;
  *col = c;
}

void
sgplan_json_line_counter_move (SgplanJsonLineCounter *counter, const char *buf, gsize len,
                               gsize offset, guint *line, guint *col)
{
  const char *at, *end, *nl;

  if (offset > len)
    offset = len;
  if (offset < counter->offset)
    *counter = (SgplanJsonLineCounter) SGPLAN_JSON_LINE_COUNTER_INIT;
  at = buf + counter->offset;
  end = buf + offset;
  /* whole lines by memchr; characters only on the last one */
  while ((nl = memchr (at, '\n', (gsize) (end - at))) != NULL)
    {
      counter->line++;
      counter->col = 1;
      at = nl + 1;
    }
  for (; at < end; at++)
    if ((*(const guchar *) at & 0xc0) != 0x80)
      counter->col++;
  counter->offset = offset;
  *line = counter->line;
  *col = counter->col;
}

gsize
sgplan_json_skip_ws (const char *buf, gsize len, gsize i)
{
  while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
    i++;
  return i;
}

/* Offset past the string that starts at I (which is '"'). */
static gsize
skip_string (const char *buf, gsize len, gsize i)
{
  for (i++; i < len; i++)
    {
      if (buf[i] == '\\')
        i++;
      else if (buf[i] == '"')
        return i + 1;
    }
  return len;
}

/* Offset past the (valid) value that starts at I. */
static gsize
skip_value (const char *buf, gsize len, gsize i)
{
  guint depth = 0;

  if (i >= len)
    return len;
  if (buf[i] != '{' && buf[i] != '[')
    {
      if (buf[i] == '"')
        return skip_string (buf, len, i);
      while (i < len && strchr (",}] \t\r\n", buf[i]) == NULL)
        i++;
      return i;
    }
  for (; i < len; i++)
    {
      if (buf[i] == '"')
        {
          i = skip_string (buf, len, i) - 1;
          continue;
        }
      if (buf[i] == '{' || buf[i] == '[')
        depth++;
      else if (buf[i] == '}' || buf[i] == ']')
        {
          if (--depth == 0)
            return i + 1;
        }
    }
  return len;
}

static gboolean
key_equals (const char *buf, gsize len, gsize i, const char *key)
{
  gsize klen = strlen (key);

  return i + klen + 1 < len && buf[i] == '"' && memcmp (buf + i + 1, key, klen) == 0
         && buf[i + 1 + klen] == '"';
}

/* Follow one step from the container at I; returns the value's offset or
 * G_MAXSIZE when the step cannot be followed. */
static gsize
follow_step (const char *buf, gsize len, gsize i, const SgplanJsonStep *step)
{
  guint index = 0;

  if (i >= len || (step->key != NULL && buf[i] != '{') || (step->key == NULL && buf[i] != '['))
    return G_MAXSIZE;
  i = sgplan_json_skip_ws (buf, len, i + 1);
  while (i < len && buf[i] != '}' && buf[i] != ']')
    {
      if (step->key != NULL)
        {
          gboolean match = key_equals (buf, len, i, step->key);

          i = skip_string (buf, len, i);
          i = sgplan_json_skip_ws (buf, len, i);
          if (i < len && buf[i] == ':')
            i = sgplan_json_skip_ws (buf, len, i + 1);
          if (match)
            return i;
        }
      else if (index++ == step->index)
        return i;
      i = skip_value (buf, len, i);
      i = sgplan_json_skip_ws (buf, len, i);
      if (i < len && buf[i] == ',')
        i = sgplan_json_skip_ws (buf, len, i + 1);
    }
  return G_MAXSIZE;
}

gsize
sgplan_json_locate (const char *buf, gsize len, gsize start, const SgplanJsonPath *path)
{
  gsize at = sgplan_json_skip_ws (buf, len, start);

  for (guint d = 0; d < path->depth; d++)
    {
      gsize next = follow_step (buf, len, at, &path->steps[d]);

      if (next == G_MAXSIZE)
        break;
      at = next;
    }
  return at;
}

gboolean
sgplan_json_fail_at (GError **error, const char *file, const char *buf, gsize len, gsize start,
                     const SgplanJsonPath *path, const char *message)
{
  guint line, col;

  sgplan_json_line_col (buf, len, sgplan_json_locate (buf, len, start, path), &line, &col);
  g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "'%s':%u:%u: %s", file, line, col, message);
  return FALSE;
}

/* json-pos.c - locate values and syntax errors in raw JSON text.
 *
 * Two small scanners over the text cJSON reads: one follows a path of keys
 * and indexes to a value (used to point an error at the offending value),
 * one finds the first syntax error and says what was expected there (cJSON
 * only reports where it stopped). */
#include "config.h"

#include "json-pos.h"

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

/* The syntax checker: recursive descent that stops at the first error. */
typedef struct {
  const char *buf;
  gsize len;
  gsize at;
  const char *message; /* static text; NULL while no error */
} Diag;

static gboolean
diag_fail (Diag *d, const char *message)
{
  if (d->message == NULL)
    d->message = d->at >= d->len ? "unexpected end of input: the JSON text is truncated" : message;
  return FALSE;
}

static gboolean diag_value (Diag *d, guint depth);

static gboolean
diag_string (Diag *d)
{
  d->at++; /* opening quote */
  while (d->at < d->len)
    {
      guchar c = (guchar) d->buf[d->at];

      if (c == '"')
        {
          d->at++;
          return TRUE;
        }
      if (c < 0x20)
        return diag_fail (d, "control character in a string: expected '\\u00XX' escape or '\"'");
      if (c == '\\')
        {
          d->at++;
          if (d->at >= d->len)
            break;
          c = (guchar) d->buf[d->at];
          if (c == 'u')
            {
              for (int k = 1; k <= 4; k++)
                if (d->at + k >= d->len || !g_ascii_isxdigit (d->buf[d->at + k]))
                  {
                    d->at += k;
                    return diag_fail (d, "invalid \\u escape: expected four hexadecimal digits");
                  }
              d->at += 4;
            }
          else if (strchr ("\"\\/bfnrt", c) == NULL)
            return diag_fail (d, "invalid escape in a string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
        }
      d->at++;
    }
  return diag_fail (d, "unterminated string");
}

static gboolean
diag_number (Diag *d)
{
  gsize start = d->at;

  if (d->buf[d->at] == '-')
    d->at++;
  if (d->at >= d->len || !g_ascii_isdigit (d->buf[d->at]))
    return diag_fail (d, "invalid number: expected a digit");
  while (d->at < d->len && (g_ascii_isdigit (d->buf[d->at]) || strchr (".eE+-", d->buf[d->at])))
    d->at++;
  (void) start;
  return TRUE;
}

static gboolean
diag_literal (Diag *d, const char *word)
{
  gsize n = strlen (word);

  if (d->len - d->at < n || memcmp (d->buf + d->at, word, n) != 0)
    return diag_fail (d, "expected a value (object, array, string, number, true, false or null)");
  d->at += n;
  return TRUE;
}

static gboolean
diag_container (Diag *d, guint depth, gboolean object)
{
  char close = object ? '}' : ']';

  if (depth >= SGPLAN_JSON_MAX_DEPTH)
    return diag_fail (d, "nesting is too deep: at most 1000 levels of arrays and objects");
  d->at = sgplan_json_skip_ws (d->buf, d->len, d->at + 1);
  if (d->at < d->len && d->buf[d->at] == close)
    {
      d->at++;
      return TRUE;
    }
  for (;;)
    {
      if (object)
        {
          if (d->at >= d->len || d->buf[d->at] != '"')
            return diag_fail (d, "expected a string (an object member's name)");
          if (!diag_string (d))
            return FALSE;
          d->at = sgplan_json_skip_ws (d->buf, d->len, d->at);
          if (d->at >= d->len || d->buf[d->at] != ':')
            return diag_fail (d, "expected ':' after an object member's name");
          d->at = sgplan_json_skip_ws (d->buf, d->len, d->at + 1);
        }
      if (!diag_value (d, depth + 1))
        return FALSE;
      d->at = sgplan_json_skip_ws (d->buf, d->len, d->at);
      if (d->at < d->len && d->buf[d->at] == close)
        {
          d->at++;
          return TRUE;
        }
      if (d->at >= d->len || d->buf[d->at] != ',')
        return diag_fail (d, object ? "expected ',' or '}' after an object member"
                                    : "expected ',' or ']' after an array element");
      d->at = sgplan_json_skip_ws (d->buf, d->len, d->at + 1);
    }
}

static gboolean
diag_value (Diag *d, guint depth)
{
  if (d->at >= d->len)
    return diag_fail (d, NULL);
  switch (d->buf[d->at])
    {
    case '{':
      return diag_container (d, depth, TRUE);
    case '[':
      return diag_container (d, depth, FALSE);
    case '"':
      return diag_string (d);
    case 't':
      return diag_literal (d, "true");
    case 'f':
      return diag_literal (d, "false");
    case 'n':
      return diag_literal (d, "null");
    default:
      if (d->buf[d->at] == '-' || g_ascii_isdigit (d->buf[d->at]))
        return diag_number (d);
      return diag_fail (d, "expected a value (object, array, string, number, true, false or null)");
    }
}

char *
sgplan_json_diagnose (const char *buf, gsize len, gsize start, gsize *offset)
{
  Diag d = { buf, len, sgplan_json_skip_ws (buf, len, start), NULL };

  if (diag_value (&d, 0))
    return NULL;
  *offset = d.at;
  return g_strdup (d.message);
}

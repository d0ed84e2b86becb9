/* json-parse.c - a strict, position-aware JSON reader building cJSON trees.
 *
 * Recursive descent over RFC 8259 JSON.  Beyond the RFC it refuses what
 * would make a document mean different things to different readers:
 * duplicate member names, "\u0000", and (for the readers that want them)
 * numbers that are not plain integers are marked.  Every error carries the
 * offset where it was found. */
#include "config.h"

#include "json-parse.h"
#include "json-pos.h"
#include "util.h"

#include <string.h>

/* Objects with more members than this look up names in a hash table. */
#define LINEAR_NAMES 16

typedef struct {
  const char *buf;
  gsize len;
  gsize at;
  gsize error_at;
  char *message;  /* NULL while no error */
  GArray *names;  /* (element-type NameEntry): member names of the open objects */
} Parser;

typedef struct {
  guint hash;
  const char *name;
} NameEntry;

static gboolean G_GNUC_PRINTF (3, 4)
fail_at (Parser *p, gsize at, const char *format, ...)
{
  va_list args;

  if (p->message != NULL)
    return FALSE;
  p->error_at = at;
  if (at >= p->len)
    {
      p->message = g_strdup ("unexpected end of input: the JSON text is truncated");
      return FALSE;
    }
  va_start (args, format);
  p->message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

static void
skip_ws (Parser *p)
{
  p->at = sgplan_json_skip_ws (p->buf, p->len, p->at);
}

static gint
hex4 (const char *s)
{
  gint v = 0;

  for (int k = 0; k < 4; k++)
    {
      gint d = g_ascii_xdigit_value (s[k]);

      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* A copy of the N bytes at S, NUL-terminated, from cJSON's allocator (cJSON_Delete frees it). */
static char *
cjson_strndup (const char *s, gsize n)
{
  char *copy = cJSON_malloc (n + 1);

  if (copy == NULL)
    g_error ("out of memory");
  memcpy (copy, s, n);
  copy[n] = '\0';
  return copy;
}

/* Parse the string at p->at (a '"') into a new NUL-terminated buffer from
 * cJSON's allocator. */
static char *
parse_string (Parser *p)
{
  gsize start = ++p->at, run;
  GString *out = NULL;

  /* Fast path: no escapes. */
  for (run = start; run < p->len; run++)
    {
      guchar c = (guchar) p->buf[run];

      if (c == '"' || c == '\\' || c < 0x20)
        break;
    }
  if (run < p->len && p->buf[run] == '"')
    {
      p->at = run + 1;
      return cjson_strndup (p->buf + start, run - start);
    }
  out = g_string_sized_new (run - start + 16);
  g_string_append_len (out, p->buf + start, run - start);
  p->at = run;
  while (p->at < p->len)
    {
      guchar c = (guchar) p->buf[p->at];
      gint u;

      if (c == '"')
        {
          char *copy = cjson_strndup (out->str, out->len);

          p->at++;
          g_string_free (out, TRUE);
          return copy;
        }
      if (c < 0x20)
        {
          fail_at (p, p->at, "a raw control character (U+%04X) in a string: JSON needs it "
                   "escaped", c);
          break;
        }
      if (c != '\\')
        {
          g_string_append_c (out, (char) c);
          p->at++;
          continue;
        }
      if (p->at + 1 >= p->len)
        {
          p->at = p->len;
          break;
        }
      c = (guchar) p->buf[p->at + 1];
      switch (c)
        {
        case '"': case '\\': case '/':
          g_string_append_c (out, (char) c);
          break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          if (p->at + 6 > p->len || (u = hex4 (p->buf + p->at + 2)) < 0)
            {
              fail_at (p, p->at, "invalid unicode escape: expected four hexadecimal digits after 'u'");
              goto failed;
            }
          if (u == 0)
            {
              fail_at (p, p->at, "a NUL character (U+0000) in a string: AWS never returns one, "
                                 "and it would cut the value short");
              goto failed;
            }
          if (u >= 0xdc00 && u <= 0xdfff)
            {
              fail_at (p, p->at, "invalid unicode escape: a low surrogate (DC00-DFFF) without "
                                 "a high one before it");
              goto failed;
            }
          if (u >= 0xd800 && u <= 0xdbff)
            {
              gint low;

              if (p->at + 12 > p->len || p->buf[p->at + 6] != '\\' || p->buf[p->at + 7] != 'u'
                  || (low = hex4 (p->buf + p->at + 8)) < 0xdc00 || low > 0xdfff)
                {
                  fail_at (p, p->at, "invalid unicode escape: a high surrogate (D800-DBFF) must "
                                     "be followed by an escaped low surrogate");
                  goto failed;
                }
              u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
              p->at += 6;
            }
          g_string_append_unichar (out, (gunichar) u);
          p->at += 4;
          break;
        default:
          fail_at (p, p->at, "invalid escape in a string: after a backslash JSON allows "
                             "only \" / b f n r t u or another backslash");
          goto failed;
        }
      p->at += 2;
    }
  fail_at (p, p->len, "unterminated string");
failed:
  g_string_free (out, TRUE);
  return NULL;
}

static gboolean
is_digit (Parser *p, gsize i)
{
  return i < p->len && g_ascii_isdigit (p->buf[i]);
}

static cJSON *
parse_number (Parser *p)
{
  gsize start = p->at, i = p->at;
  gboolean plain = TRUE;
  char text[64];
  g_autofree char *long_text = NULL;
  const char *digits;
  cJSON *item;

  if (p->buf[i] == '-')
    i++;
  if (!is_digit (p, i))
    {
      fail_at (p, i, "invalid number: expected a digit");
      return NULL;
    }
  if (p->buf[i] == '0')
    {
      i++;
      if (is_digit (p, i))
        {
          fail_at (p, start, "invalid number: JSON numbers have no leading zeros");
          return NULL;
        }
      if (p->buf[start] == '-')
        plain = FALSE; /* -0 */
    }
  else
    while (is_digit (p, i))
      i++;
  if (i < p->len && p->buf[i] == '.')
    {
      plain = FALSE;
      if (!is_digit (p, ++i))
        {
          fail_at (p, i, "invalid number: expected a digit after '.'");
          return NULL;
        }
      while (is_digit (p, i))
        i++;
    }
  if (i < p->len && (p->buf[i] == 'e' || p->buf[i] == 'E'))
    {
      plain = FALSE;
      i++;
      if (i < p->len && (p->buf[i] == '+' || p->buf[i] == '-'))
        i++;
      if (!is_digit (p, i))
        {
          fail_at (p, i, "invalid number: expected a digit in the exponent");
          return NULL;
        }
      while (is_digit (p, i))
        i++;
    }
  if (i - start < sizeof text)
    {
      memcpy (text, p->buf + start, i - start);
      text[i - start] = '\0';
      digits = text;
    }
  else
    digits = long_text = g_strndup (p->buf + start, i - start);
  item = cJSON_CreateNumber (g_ascii_strtod (digits, NULL));
  if (item == NULL)
    g_error ("out of memory");
  if (!plain)
    item->valuestring = cjson_strndup (digits, i - start);
  p->at = i;
  return item;
}

static cJSON *
parse_literal (Parser *p, const char *word, cJSON *(*create) (void))
{
  gsize n = strlen (word);
  cJSON *item;

  if (p->len - p->at < n || memcmp (p->buf + p->at, word, n) != 0)
    {
      fail_at (p, p->at, "expected a value (object, array, string, number, true, false or null)");
      return NULL;
    }
  p->at += n;
  item = create ();
  if (item == NULL)
    g_error ("out of memory");
  return item;
}

static cJSON *parse_value (Parser *p, guint depth);

static void
append_child (cJSON *parent, cJSON **last, cJSON *child)
{
  if (*last == NULL)
    parent->child = child;
  else
    {
      (*last)->next = child;
      child->prev = *last;
    }
  *last = child;
  parent->child->prev = child; /* cJSON keeps the last element in child->prev */
}

/* Whether NAME was already a member of the object whose names start at
 * FIRST in p->names; records it otherwise (the entry borrows NAME). */
static gboolean
name_seen (Parser *p, guint first, GHashTable **table, const char *name)
{
  NameEntry entry = { g_str_hash (name), name };
  guint n = p->names->len - first;

  if (*table != NULL)
    {
      if (!g_hash_table_add (*table, (gpointer) name))
        return TRUE;
    }
  else if (n > 0)
    {
      /* (not taken for n == 0: the array's data may still be NULL) */
      const NameEntry *names = &g_array_index (p->names, NameEntry, first);

      for (guint i = 0; i < n; i++)
        if (names[i].hash == entry.hash && strcmp (names[i].name, name) == 0)
          return TRUE;
      if (n + 1 > LINEAR_NAMES)
        {
          *table = g_hash_table_new (g_str_hash, g_str_equal);
          for (guint i = 0; i < n; i++)
            g_hash_table_add (*table, (gpointer) names[i].name);
          g_hash_table_add (*table, (gpointer) name);
        }
    }
  g_array_append_val (p->names, entry);
  return FALSE;
}

static cJSON *
parse_container (Parser *p, guint depth, gboolean object)
{
  char close = object ? '}' : ']';
  cJSON *container = object ? cJSON_CreateObject () : cJSON_CreateArray ();
  cJSON *last = NULL;
  guint first_name = p->names->len;
  GHashTable *table = NULL;

  if (container == NULL)
    g_error ("out of memory");
  if (depth >= SGPLAN_JSON_MAX_DEPTH)
    {
      fail_at (p, p->at, "nesting is too deep: at most %d levels of arrays and objects",
               SGPLAN_JSON_MAX_DEPTH);
      goto failed;
    }
  p->at++;
  skip_ws (p);
  if (p->at < p->len && p->buf[p->at] == close)
    {
      p->at++;
      return container;
    }
  for (;;)
    {
      char *name = NULL;
      cJSON *child;

      if (object)
        {
          gsize name_at = p->at;

          if (p->at >= p->len || p->buf[p->at] != '"')
            {
              fail_at (p, p->at, "expected a string (an object member's name)");
              goto failed;
            }
          name = parse_string (p);
          if (name == NULL)
            goto failed;
          if (name_seen (p, first_name, &table, name))
            {
              g_autofree char *quoted = sgplan_quote (name);

              cJSON_free (name);
              fail_at (p, name_at, "duplicate member %s: each name may appear only once in an "
                                   "object (other tools would read the last one, sgplan the first)",
                       quoted);
              goto failed;
            }
          skip_ws (p);
          if (p->at >= p->len || p->buf[p->at] != ':')
            fail_at (p, p->at, "expected ':' after an object member's name");
          else
            {
              p->at++;
              skip_ws (p);
            }
        }
      child = p->message == NULL ? parse_value (p, depth + 1) : NULL;
      if (child == NULL)
        {
          /* the name is not a member's yet: it and its entry go */
          if (name != NULL)
            {
              cJSON_free (name);
              g_array_set_size (p->names, p->names->len - 1);
            }
          goto failed;
        }
      child->string = name;
      append_child (container, &last, child);
      skip_ws (p);
      if (p->at < p->len && p->buf[p->at] == close)
        {
          p->at++;
          break;
        }
      if (p->at >= p->len || p->buf[p->at] != ',')
        {
          fail_at (p, p->at, object ? "expected ',' or '}' after an object member"
                                    : "expected ',' or ']' after an array element");
          goto failed;
        }
      p->at++;
      skip_ws (p);
    }
  /* The names recorded for this object belong to its children. */
  g_array_set_size (p->names, first_name);
  g_clear_pointer (&table, g_hash_table_unref);
  return container;

failed:
  g_array_set_size (p->names, first_name);
  g_clear_pointer (&table, g_hash_table_unref);
  cJSON_Delete (container);
  return NULL;
}

static cJSON *
parse_value (Parser *p, guint depth)
{
  if (p->at >= p->len)
    {
      fail_at (p, p->at, "expected a value");
      return NULL;
    }
  switch (p->buf[p->at])
    {
    case '{':
      return parse_container (p, depth, TRUE);
    case '[':
      return parse_container (p, depth, FALSE);
    case '"':
      {
        char *s = parse_string (p);
        cJSON *item;

        if (s == NULL)
          return NULL;
        item = cJSON_CreateNull ();
        if (item == NULL)
          g_error ("out of memory");
        item->type = cJSON_String;
        item->valuestring = s;
        return item;
      }
    case 't':
      return parse_literal (p, "true", cJSON_CreateTrue);
    case 'f':
      return parse_literal (p, "false", cJSON_CreateFalse);
    case 'n':
      return parse_literal (p, "null", cJSON_CreateNull);
    default:
      if (p->buf[p->at] == '-' || g_ascii_isdigit (p->buf[p->at]))
        return parse_number (p);
      fail_at (p, p->at, "expected a value (object, array, string, number, true, false or null)");
      return NULL;
    }
}

cJSON *
sgplan_json_parse (const char *buf, gsize len, gsize start, gsize *end, gsize *error_offset,
                   char **message)
{
  Parser p = { buf, len, start, 0, NULL, NULL };
  cJSON *root;

  p.names = g_array_new (FALSE, FALSE, sizeof (NameEntry));
  skip_ws (&p);
  root = parse_value (&p, 0);
  g_array_unref (p.names);
  if (root == NULL)
    {
      g_assert (p.message != NULL);
      *error_offset = p.error_at;
      *message = p.message;
      return NULL;
    }
  *end = p.at;
  return root;
}

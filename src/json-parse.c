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

#include <limits.h>
#include <string.h>

/* Objects with more members than this look up names in a hash table. */
#define LINEAR_NAMES 64

typedef struct {
  const char *buf;
  gsize len;
  gsize at;
  gsize error_at;
  char *message;  /* NULL while no error */
  GArray *names;  /* (element-type NameEntry): member names of the open objects */
  SgplanArena *arena; /* NULL: nodes and strings from cJSON's allocator */
} Parser;

static cJSON *
new_node (Parser *p, int type)
{
  cJSON *item;

  if (p->arena != NULL)
    {
      item = sgplan_arena_alloc (p->arena, sizeof *item);
      memset (item, 0, sizeof *item);
    }
  else
    {
      item = cJSON_CreateNull ();
      if (item == NULL)
        g_error ("out of memory");
    }
  item->type = type;
  return item;
}

/* Frees what the parser allocated when it is not in an arena. */
static void
drop_node (Parser *p, cJSON *item)
{
  if (p->arena == NULL)
    cJSON_Delete (item);
}

static void
drop_string (Parser *p, char *s)
{
  if (p->arena == NULL)
    cJSON_free (s);
}

typedef struct {
  guint hash;
  const char *name;
} NameEntry;

#define INVALID_UTF8 "invalid UTF-8: expected JSON text"
#define NUL_BYTE "binary data (a NUL byte): expected JSON text"

/* Length of the valid UTF-8 sequence of two to four bytes at I (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static gsize
utf8_sequence (const char *buf, gsize len, gsize i)
{
  const guchar *s = (const guchar *) buf + i;
  gsize n, avail = len - i;
  guchar lo = 0x80, hi = 0xbf;

  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    n = 2;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    {
      n = 3;
      if (s[0] == 0xe0)
        lo = 0xa0;
      else if (s[0] == 0xed)
        hi = 0x9f;
    }
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    {
      n = 4;
      if (s[0] == 0xf0)
        lo = 0x90;
      else if (s[0] == 0xf4)
        hi = 0x8f;
    }
  else
    return 0;
  if (avail < n || s[1] < lo || s[1] > hi)
    return 0;
  for (gsize k = 2; k < n; k++)
    if (s[k] < 0x80 || s[k] > 0xbf)
      return 0;
  return n;
}

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
  /* What is not text at all is named as such, wherever it is met. */
  if (p->buf[at] == '\0')
    {
      p->message = g_strdup (NUL_BYTE);
      return FALSE;
    }
  if ((guchar) p->buf[at] >= 0x80 && utf8_sequence (p->buf, p->len, at) == 0)
    {
      p->message = g_strdup (INVALID_UTF8);
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

/* A copy of the N bytes at S, NUL-terminated, from the arena or cJSON's
 * allocator (cJSON_Delete frees it). */
static char *
cjson_strndup (Parser *p, const char *s, gsize n)
{
  char *copy = p->arena != NULL ? sgplan_arena_alloc (p->arena, n + 1) : cJSON_malloc (n + 1);

  if (copy == NULL)
    g_error ("out of memory");
  memcpy (copy, s, n);
  copy[n] = '\0';
  return copy;
}

/* Parse the string at p->at (a '"') into a new NUL-terminated buffer from
 * cJSON's allocator. */
static char *
parse_string (Parser *p, gsize *length)
{
  gsize start = ++p->at, run;
  GString *out = NULL;

  /* Fast path: no escapes. */
  for (run = start; run < p->len; run++)
    {
      guchar c = (guchar) p->buf[run];

      if (c == '"' || c == '\\' || c < 0x20)
        break;
      if (c >= 0x80)
        {
          gsize n = utf8_sequence (p->buf, p->len, run);

          if (n == 0)
            {
              fail_at (p, run, INVALID_UTF8);
              return NULL;
            }
          run += n - 1;
        }
    }
  if (run < p->len && p->buf[run] == '"')
    {
      p->at = run + 1;
      *length = run - start;
      return cjson_strndup (p, p->buf + start, run - start);
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
          char *copy = cjson_strndup (p, out->str, out->len);

          *length = out->len;
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
      if (c >= 0x80)
        {
          gsize n = utf8_sequence (p->buf, p->len, p->at);

          if (n == 0)
            {
              fail_at (p, p->at, INVALID_UTF8);
              break;
            }
          g_string_append_len (out, p->buf + p->at, n);
          p->at += n;
          continue;
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
  item = new_node (p, cJSON_Number);
  item->valuedouble = g_ascii_strtod (digits, NULL);
  /* as cJSON_SetNumberValue: valueint saturates */
  if (item->valuedouble >= INT_MAX)
    item->valueint = INT_MAX;
  else if (item->valuedouble <= (double) INT_MIN)
    item->valueint = INT_MIN;
  else
    item->valueint = (int) item->valuedouble;
  if (!plain)
    item->valuestring = cjson_strndup (p, digits, i - start);
  p->at = i;
  return item;
}

static cJSON *
parse_literal (Parser *p, const char *word, int type)
{
  gsize n = strlen (word);
  cJSON *item;

  if (p->len - p->at < n || memcmp (p->buf + p->at, word, n) != 0)
    {
      fail_at (p, p->at, "expected a value (object, array, string, number, true, false or null)");
      return NULL;
    }
  p->at += n;
  item = new_node (p, type);
  if (type == cJSON_True)
    item->valueint = 1;
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

/* A cheap summary of a member name for the linear check: names that
 * differ in it are different; equal ones are compared in full. */
static guint
name_hash (const char *name, gsize len)
{
  if (len == 0)
    return 0;
  return (guint) len * 0x9e3779b1u ^ (guint) (guchar) name[0] << 8 ^ (guint) (guchar) name[len - 1] << 16
         ^ (guint) (guchar) name[len / 2] << 24 ^ (guint) (guchar) name[(len - 1) / 3];
}

/* Whether NAME was already a member of the object whose names start at
 * FIRST in p->names; records it otherwise (the entry borrows NAME). */
static gboolean
name_seen (Parser *p, guint first, GHashTable **table, const char *name, gsize len)
{
  NameEntry entry = { name_hash (name, len), name };
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
  cJSON *container = new_node (p, object ? cJSON_Object : cJSON_Array);
  cJSON *last = NULL;
  guint first_name = p->names->len;
  GHashTable *table = NULL;

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
      gsize name_len = 0;
      cJSON *child;

      if (object)
        {
          gsize name_at = p->at;

          if (p->at >= p->len || p->buf[p->at] != '"')
            {
              fail_at (p, p->at, "expected a string (an object member's name)");
              goto failed;
            }
          name = parse_string (p, &name_len);
          if (name == NULL)
            goto failed;
          if (name_seen (p, first_name, &table, name, name_len))
            {
              g_autofree char *quoted = sgplan_quote (name);

              drop_string (p, name);
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
              drop_string (p, name);
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
  drop_node (p, container);
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
        gsize len;
        char *s = parse_string (p, &len);
        cJSON *item;

        if (s == NULL)
          return NULL;
        item = new_node (p, cJSON_String);
        item->valuestring = s;
        return item;
      }
    case 't':
      return parse_literal (p, "true", cJSON_True);
    case 'f':
      return parse_literal (p, "false", cJSON_False);
    case 'n':
      return parse_literal (p, "null", cJSON_NULL);
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
  Parser p = { buf, len, start, 0, NULL, NULL, NULL };
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

/* The streaming reader: the outer levels of a document are walked one member
 * or element at a time, and only the values inside are built as trees. */
#define CURSOR_LEVELS 8

typedef struct {
  gboolean object;
  gboolean started;
  guint first_name;   /* this object's names start here in p.names */
  GHashTable *table;  /* as in parse_container, for objects with many members */
} CursorLevel;

struct SgplanJsonCursor {
  Parser p;
  CursorLevel levels[CURSOR_LEVELS];
  guint depth;
  GPtrArray *names;   /* member names of the open levels (cJSON_free) */
};

SgplanJsonCursor *
sgplan_json_cursor_new (const char *buf, gsize len, gsize start)
{
  SgplanJsonCursor *c = g_new0 (SgplanJsonCursor, 1);

  c->p.buf = buf;
  c->p.len = len;
  c->p.at = start;
  c->p.names = g_array_new (FALSE, FALSE, sizeof (NameEntry));
  c->names = g_ptr_array_new_with_free_func (cJSON_free);
  return c;
}

void
sgplan_json_cursor_free (SgplanJsonCursor *c)
{
  if (c == NULL)
    return;
  for (guint i = 0; i < c->depth; i++)
    g_clear_pointer (&c->levels[i].table, g_hash_table_unref);
  g_array_unref (c->p.names);
  g_ptr_array_unref (c->names);
  g_free (c->p.message);
  g_free (c);
}

char
sgplan_json_cursor_peek (SgplanJsonCursor *c)
{
  skip_ws (&c->p);
  return c->p.at < c->p.len ? c->p.buf[c->p.at] : '\0';
}

gsize
sgplan_json_cursor_offset (SgplanJsonCursor *c)
{
  return c->p.at;
}

gboolean
sgplan_json_cursor_enter (SgplanJsonCursor *c)
{
  Parser *p = &c->p;
  CursorLevel *level;
  char open = sgplan_json_cursor_peek (c);

  g_return_val_if_fail (open == '{' || open == '[', FALSE);
  g_return_val_if_fail (c->depth < CURSOR_LEVELS, FALSE);
  if (p->message != NULL)
    return FALSE;
  level = &c->levels[c->depth++];
  level->object = open == '{';
  level->started = FALSE;
  level->first_name = p->names->len;
  level->table = NULL;
  p->at++;
  return TRUE;
}

static void
cursor_leave (SgplanJsonCursor *c)
{
  CursorLevel *level = &c->levels[--c->depth];

  g_array_set_size (c->p.names, level->first_name);
  g_clear_pointer (&level->table, g_hash_table_unref);
}

gboolean
sgplan_json_cursor_next (SgplanJsonCursor *c, const char **name)
{
  Parser *p = &c->p;
  CursorLevel *level;
  char close;

  g_return_val_if_fail (c->depth > 0, FALSE);
  if (p->message != NULL)
    return FALSE;
  level = &c->levels[c->depth - 1];
  close = level->object ? '}' : ']';
  skip_ws (p);
  if (p->at < p->len && p->buf[p->at] == close)
    {
      p->at++;
      cursor_leave (c);
      return FALSE;
    }
  if (level->started)
    {
      if (p->at >= p->len || p->buf[p->at] != ',')
        return fail_at (p, p->at, level->object ? "expected ',' or '}' after an object member"
                                                : "expected ',' or ']' after an array element");
      p->at++;
      skip_ws (p);
    }
  level->started = TRUE;
  if (level->object)
    {
      gsize name_at = p->at;
      char *member;
      gsize member_len = 0;

      if (p->at >= p->len || p->buf[p->at] != '"')
        return fail_at (p, p->at, "expected a string (an object member's name)");
      member = parse_string (p, &member_len);
      if (member == NULL)
        return FALSE;
      if (name_seen (p, level->first_name, &level->table, member, member_len))
        {
          g_autofree char *quoted = sgplan_quote (member);

          cJSON_free (member);
          return fail_at (p, name_at, "duplicate member %s: each name may appear only once in "
                                      "an object (other tools would read the last one, sgplan "
                                      "the first)", quoted);
        }
      g_ptr_array_add (c->names, member);
      skip_ws (p);
      if (p->at >= p->len || p->buf[p->at] != ':')
        return fail_at (p, p->at, "expected ':' after an object member's name");
      p->at++;
      skip_ws (p);
      if (name != NULL)
        *name = member;
    }
  return TRUE;
}

cJSON *
sgplan_json_cursor_value (SgplanJsonCursor *c, SgplanArena *arena)
{
  Parser *p = &c->p;
  cJSON *value;

  if (p->message != NULL)
    return NULL;
  skip_ws (p);
  p->arena = arena;
  value = parse_value (p, c->depth);
  p->arena = NULL;
  return value;
}

gboolean
sgplan_json_cursor_failed (SgplanJsonCursor *c, gsize *error_offset, const char **message)
{
  if (c->p.message == NULL)
    return FALSE;
  if (error_offset != NULL)
    *error_offset = c->p.error_at;
  if (message != NULL)
    *message = c->p.message;
  return TRUE;
}

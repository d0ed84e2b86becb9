/* yaml-cjson.c - change sets as YAML: a cJSON tree to YAML text and back.
 *
 * Both directions use libyaml's event API.  The writer quotes every string
 * value because change sets carry names and descriptions from the export:
 * quoting is the one style in which "yes", "0123", "#x" or "a: b" stay the
 * strings they are.  The reader accepts only what the writer can produce
 * (plus ordinary hand edits), so that a reviewed YAML file and its JSON twin
 * cannot differ through YAML features such as aliases or tags. */
#include "config.h"

#include "yaml-cjson.h"
#include "json-pos.h"
#include "util.h"

#include <math.h>
#include <string.h>
#include <yaml.h>

/* 2^53: above it doubles, cJSON's only numbers, no longer hold every integer. */
#define MAX_EXACT_INTEGER G_GINT64_CONSTANT (9007199254740992)

#define MARK_LINE_MAX ((1u << 20) - 1)
#define MARK_COLUMN_MAX 0xfffu

/* ---------------------------------------------------------------- writing */

typedef struct {
  yaml_emitter_t emitter;
  /* The nodes from the root (path[0]) to the one being written
   * (path[depth]), so that a refused value can be named by its path. */
  const cJSON *path[SGPLAN_YAML_MAX_DEPTH + 1];
  guint depth;
  /* a YamlStream's list: its items are written one at a time, and this is
   * the index of the one being written */
  const cJSON *stream_list;
  guint stream_index;
} Writer;

static int
append_to_gstring (void *data, unsigned char *buffer, size_t size)
{
  g_string_append_len (data, (const char *) buffer, (gssize) size);
  return 1;
}

/* True when KEY reads back as the same string in any YAML reader without
 * quotes: an identifier that is not one of YAML 1.1's booleans or null (the
 * case-insensitive match over-quotes a few harmless spellings). */
static gboolean
key_can_be_plain (const char *key)
{
  static const char *const words[] = { "y", "n", "yes", "no", "true", "false", "on", "off", "null" };

  if (!g_ascii_isalpha (key[0]) && key[0] != '_')
    return FALSE;
  for (const char *p = key + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (g_ascii_strcasecmp (key, words[i]) == 0)
      return FALSE;
  return TRUE;
}

/* The path of the node being written, jq style: ".", ".changes[3].name",
 * ".[0][\"odd key\"]". */
static char *
writer_describe_path (const Writer *w)
{
  GString *out = g_string_new (NULL);

  for (guint i = 1; i <= w->depth; i++)
    {
      const cJSON *parent = w->path[i - 1];
      const cJSON *node = w->path[i];

      if (cJSON_IsObject (parent))
        {
          if (node->string != NULL && key_can_be_plain (node->string))
            g_string_append_printf (out, ".%s", node->string);
          else
            {
              g_string_append (out, "[\"");
              sgplan_append_printable (out, node->string != NULL ? node->string : "");
              g_string_append (out, "\"]");
            }
        }
      else
        {
          guint index = 0;

          for (const cJSON *c = parent->child; c != NULL && c != node; c = c->next)
            index++;
          if (parent == w->stream_list)
            index = w->stream_index;
          g_string_append_printf (out, "[%u]", index);
        }
    }
  if (out->len == 0 || out->str[0] == '[')
    g_string_prepend_c (out, '.');
  return g_string_free (out, FALSE);
}

G_GNUC_PRINTF (3, 4)
static gboolean
writer_refuse (const Writer *w, GError **error, const char *format, ...)
{
  g_autofree char *path = writer_describe_path (w);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "cannot write YAML: %s at %s", what, path);
  return FALSE;
}

/* Hand an initialized EVENT to the emitter, which then owns it. */
static gboolean
writer_emit (Writer *w, yaml_event_t *event, int initialized, GError **error)
{
  if (!initialized)
    {
      /* libyaml refuses an event only for lack of memory or for invalid
       * UTF-8, and strings are checked before they get here. */
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write YAML: out of memory");
      return FALSE;
    }
  if (!yaml_emitter_emit (&w->emitter, event))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write YAML: %s",
                   w->emitter.problem != NULL ? w->emitter.problem : "unknown emitter error");
      return FALSE;
    }
  return TRUE;
}

/* Initialize an event with INIT (which refers to `event`), emit it, and jump
 * to the function's `fail` label when either step fails (ERROR is set). */
#define EMIT(w, init)                                       \
  G_STMT_START                                              \
  {                                                         \
    yaml_event_t event;                                     \
    if (!writer_emit ((w), &event, (init), error))          \
      goto fail;                                            \
  }                                                         \
  G_STMT_END

#define EMIT_PLAIN(w, text)                                                                   \
  EMIT (w, yaml_scalar_event_initialize (&event, NULL, NULL, (const yaml_char_t *) (text),    \
                                         (int) strlen (text), 1, 0, YAML_PLAIN_SCALAR_STYLE))

#define EMIT_QUOTED(w, text)                                                                  \
  EMIT (w, yaml_scalar_event_initialize (&event, NULL, NULL, (const yaml_char_t *) (text),    \
                                         (int) strlen (text), 0, 1,                           \
                                         YAML_DOUBLE_QUOTED_SCALAR_STYLE))

static gboolean writer_node (Writer *w, const cJSON *node, GError **error);

static gboolean
writer_string (Writer *w, const char *s, GError **error)
{
  if (!g_utf8_validate (s, -1, NULL))
    return writer_refuse (w, error, "string is not valid UTF-8");
  if (strlen (s) > G_MAXINT)
    return writer_refuse (w, error, "string is too long");
  EMIT_QUOTED (w, s);
  return TRUE;
fail:
  return FALSE;
}

static gboolean
writer_number (Writer *w, double value, GError **error)
{
  char text[32];

  /* The reader takes only -?[0-9]+ as a number; anything else would come
   * back as a string, so it is refused here rather than changed there. */
  if (!isfinite (value) || value != floor (value) || fabs (value) > (double) MAX_EXACT_INTEGER)
    return writer_refuse (w, error, "number %.17g is not an integer within +-2^53", value);
  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, (gint64) value);
  EMIT_PLAIN (w, text);
  return TRUE;
fail:
  return FALSE;
}

static gboolean
writer_children (Writer *w, const cJSON *container, GError **error)
{
  for (const cJSON *child = container->child; child != NULL; child = child->next)
    {
      gboolean ok;

      w->path[++w->depth] = child;
      ok = writer_node (w, child, error);
      w->depth--;
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
writer_array (Writer *w, const cJSON *array, GError **error)
{
  if (array->child == NULL)
    {
      EMIT (w, yaml_sequence_start_event_initialize (&event, NULL, NULL, 1, YAML_FLOW_SEQUENCE_STYLE));
      EMIT (w, yaml_sequence_end_event_initialize (&event));
      return TRUE;
    }
  EMIT (w, yaml_sequence_start_event_initialize (&event, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
  if (!writer_children (w, array, error))
    return FALSE;
  EMIT (w, yaml_sequence_end_event_initialize (&event));
  return TRUE;
fail:
  return FALSE;
}

static gboolean
writer_object (Writer *w, const cJSON *object, GError **error)
{
  /* cJSON keeps duplicate names from its input; the reader refuses them. */
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal); /* (element-type utf8) */

  if (object->child == NULL)
    {
      EMIT (w, yaml_mapping_start_event_initialize (&event, NULL, NULL, 1, YAML_FLOW_MAPPING_STYLE));
      EMIT (w, yaml_mapping_end_event_initialize (&event));
      return TRUE;
    }
  EMIT (w, yaml_mapping_start_event_initialize (&event, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
  for (const cJSON *member = object->child; member != NULL; member = member->next)
    {
      gboolean ok;

      w->path[++w->depth] = member;
      if (member->string == NULL)
        ok = writer_refuse (w, error, "object member without a name");
      else if (!g_hash_table_add (names, member->string))
        ok = writer_refuse (w, error, "duplicate key");
      else if (key_can_be_plain (member->string))
        {
          EMIT_PLAIN (w, member->string);
          ok = writer_node (w, member, error);
        }
      else
        ok = writer_string (w, member->string, error) && writer_node (w, member, error);
      w->depth--;
      if (!ok)
        return FALSE;
    }
  EMIT (w, yaml_mapping_end_event_initialize (&event));
  return TRUE;
fail:
  return FALSE;
}

static gboolean
writer_node (Writer *w, const cJSON *node, GError **error)
{
  switch (node->type & 0xff)
    {
    case cJSON_False:
      EMIT_PLAIN (w, "false");
      return TRUE;
    case cJSON_True:
      EMIT_PLAIN (w, "true");
      return TRUE;
    case cJSON_NULL:
      EMIT_PLAIN (w, "null");
      return TRUE;
    case cJSON_Number:
      return writer_number (w, node->valuedouble, error);
    case cJSON_String:
      if (node->valuestring == NULL)
        return writer_refuse (w, error, "string without a value");
      return writer_string (w, node->valuestring, error);
    case cJSON_Array:
    case cJSON_Object:
      /* path[0..depth-1] are the containers around this one. */
      if (w->depth >= SGPLAN_YAML_MAX_DEPTH)
        return writer_refuse (w, error, "nesting deeper than %d levels", SGPLAN_YAML_MAX_DEPTH);
      return cJSON_IsArray (node) ? writer_array (w, node, error) : writer_object (w, node, error);
    default:
      return writer_refuse (w, error, "value of unsupported cJSON type %d", node->type & 0xff);
    }
fail:
  return FALSE;
}

static gboolean
writer_document (Writer *w, const cJSON *root, GError **error)
{
  EMIT (w, yaml_stream_start_event_initialize (&event, YAML_UTF8_ENCODING));
  /* implicit = 0: an explicit "---" marks where the plan starts. */
  EMIT (w, yaml_document_start_event_initialize (&event, NULL, NULL, NULL, 0));
  if (!writer_node (w, root, error))
    return FALSE;
  EMIT (w, yaml_document_end_event_initialize (&event, 1));
  EMIT (w, yaml_stream_end_event_initialize (&event));
  if (!yaml_emitter_flush (&w->emitter))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write YAML: %s",
                   w->emitter.problem != NULL ? w->emitter.problem : "unknown emitter error");
      return FALSE;
    }
  return TRUE;
fail:
  return FALSE;
}

/* libyaml writes Unicode format characters (U+202E RIGHT-TO-LEFT OVERRIDE
 * and the like) as they are, and `cat plan.yaml` would then show text in
 * another order than it has.  Every string is double-quoted (keys that are
 * not are plain ASCII), so each one can be written as a \u escape, which
 * reads back as the same character. */
static char *
escape_format_characters (GString *text)
{
  GString *out = NULL;
  const char *p = text->str, *done = text->str;

  for (; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c;

      if ((guchar) *p < 0x80)
        continue;
      c = g_utf8_get_char (p);
      if (g_unichar_type (c) != G_UNICODE_FORMAT)
        continue;
      if (out == NULL)
        out = g_string_sized_new (text->len + 16);
      g_string_append_len (out, done, p - done);
      g_string_append_printf (out, c < 0x10000 ? "\\u%04X" : "\\U%08X", c);
      done = g_utf8_next_char (p);
    }
  if (out == NULL)
    return g_string_free (text, FALSE);
  g_string_append (out, done);
  g_string_free (text, TRUE);
  return g_string_free (out, FALSE);
}

static void
stream_setup (Writer *w, GString *out)
{
  yaml_emitter_set_output (&w->emitter, append_to_gstring, out);
  yaml_emitter_set_encoding (&w->emitter, YAML_UTF8_ENCODING);
  yaml_emitter_set_unicode (&w->emitter, 1);
  yaml_emitter_set_indent (&w->emitter, 2);
  yaml_emitter_set_width (&w->emitter, -1);
  yaml_emitter_set_break (&w->emitter, YAML_LN_BREAK);
}

char *
yaml_from_cjson (const cJSON *root, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree Writer *w = g_new0 (Writer, 1);
  gboolean ok;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!yaml_emitter_initialize (&w->emitter))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write YAML: out of memory");
      return NULL;
    }
  stream_setup (w, out);
  w->path[0] = root;
  ok = writer_document (w, root, error);
  yaml_emitter_delete (&w->emitter);
  if (!ok)
    return NULL;
  if (out->len == 0 || out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  return escape_format_characters (g_steal_pointer (&out));
}

/* ------------------------------------------------------------- streaming */

struct YamlStream {
  Writer w;
  GString *out;
  cJSON *root;         /* the members being written hang here, for error paths */
  cJSON *list;         /* the open list, or NULL */
  gboolean list_started;
  GHashTable *keys;    /* (element-type utf8) top-level keys so far */
  gboolean failed;
};

YamlStream *
yaml_stream_new (GError **error)
{
  YamlStream *s = g_new0 (YamlStream, 1);
  Writer *w = &s->w;

  if (!yaml_emitter_initialize (&w->emitter))
    {
      g_free (s);
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write YAML: out of memory");
      return NULL;
    }
  s->out = g_string_new (NULL);
  s->root = cJSON_CreateObject ();
  s->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stream_setup (w, s->out);
  EMIT (w, yaml_stream_start_event_initialize (&event, YAML_UTF8_ENCODING));
  EMIT (w, yaml_document_start_event_initialize (&event, NULL, NULL, NULL, 0));
  EMIT (w, yaml_mapping_start_event_initialize (&event, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
  return s;
fail:
  yaml_stream_free (s);
  return NULL;
}

void
yaml_stream_free (YamlStream *s)
{
  if (s == NULL)
    return;
  yaml_emitter_delete (&s->w.emitter);
  g_string_free (s->out, TRUE);
  cJSON_Delete (s->root);
  g_hash_table_unref (s->keys);
  g_free (s);
}

/* The key of a top-level member, hung on the root as NODE's name. */
static gboolean
stream_key (YamlStream *s, const char *key, cJSON *node, GError **error)
{
  Writer *w = &s->w;
  g_autofree char *copy = g_strdup (key); /* (KEY may be NODE's own name) */

  cJSON_AddItemToObject (s->root, copy, node);
  if (s->failed)
    return FALSE;
  g_return_val_if_fail (s->list == NULL, FALSE);
  w->path[0] = s->root;
  w->path[1] = node;
  w->depth = 1;
  if (!g_hash_table_add (s->keys, g_strdup (copy)))
    return writer_refuse (w, error, "duplicate key");
  if (key_can_be_plain (copy))
    EMIT_PLAIN (w, copy);
  else if (!writer_string (w, copy, error))
    return FALSE;
  return TRUE;
fail:
  return FALSE;
}

gboolean
yaml_stream_member (YamlStream *s, const char *key, cJSON *value, GError **error)
{
  gboolean ok = stream_key (s, key, value, error) && writer_node (&s->w, value, error);

  s->w.depth = 0;
  cJSON_Delete (cJSON_DetachItemViaPointer (s->root, value));
  s->failed = !ok;
  return ok;
}

gboolean
yaml_stream_list_begin (YamlStream *s, const char *key, GError **error)
{
  cJSON *list = cJSON_CreateArray ();
  gboolean ok = stream_key (s, key, list, error);

  s->list = list;
  s->list_started = FALSE;
  s->w.stream_list = list;
  s->w.stream_index = 0;
  s->failed = !ok;
  return ok;
}

gboolean
yaml_stream_list_item (YamlStream *s, cJSON *item, GError **error)
{
  Writer *w = &s->w;
  gboolean ok;

  if (s->failed)
    {
      cJSON_Delete (item);
      return FALSE;
    }
  g_return_val_if_fail (s->list != NULL, FALSE);
  if (!s->list_started)
    {
      EMIT (w, yaml_sequence_start_event_initialize (&event, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
      s->list_started = TRUE;
    }
  cJSON_AddItemToArray (s->list, item);
  w->path[0] = s->root;
  w->path[1] = s->list;
  w->path[2] = item;
  w->depth = 2;
  ok = writer_node (w, item, error);
  w->depth = 0;
  w->stream_index++;
  cJSON_Delete (cJSON_DetachItemViaPointer (s->list, item));
  s->failed = !ok;
  return ok;
fail:
  cJSON_Delete (item);
  s->failed = TRUE;
  return FALSE;
}

gboolean
yaml_stream_list_end (YamlStream *s, GError **error)
{
  Writer *w = &s->w;

  if (s->failed)
    return FALSE;
  g_return_val_if_fail (s->list != NULL, FALSE);
  if (!s->list_started) /* as writer_array: an empty list is [] */
    EMIT (w, yaml_sequence_start_event_initialize (&event, NULL, NULL, 1, YAML_FLOW_SEQUENCE_STYLE));
  EMIT (w, yaml_sequence_end_event_initialize (&event));
  cJSON_Delete (cJSON_DetachItemViaPointer (s->root, s->list));
  s->list = NULL;
  w->stream_list = NULL;
  return TRUE;
fail:
  s->failed = TRUE;
  return FALSE;
}

char *
yaml_stream_finish (YamlStream *s, GError **error)
{
  Writer *w = &s->w;
  GString *out;

  if (s->failed)
    goto fail;
  g_return_val_if_fail (s->list == NULL, NULL);
  EMIT (w, yaml_mapping_end_event_initialize (&event));
  EMIT (w, yaml_document_end_event_initialize (&event, 1));
  EMIT (w, yaml_stream_end_event_initialize (&event));
  if (!yaml_emitter_flush (&w->emitter))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot write YAML: %s",
                   w->emitter.problem != NULL ? w->emitter.problem : "unknown emitter error");
      goto fail;
    }
  out = g_steal_pointer (&s->out);
  s->out = g_string_new (NULL);
  yaml_stream_free (s);
  if (out->len == 0 || out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  return escape_format_characters (out);
fail:
  yaml_stream_free (s);
  return NULL;
}

/* ---------------------------------------------------------------- reading */

typedef struct {
  cJSON *node;       /* the array or object being filled */
  guint members;     /* objects: how many members so far */
  GHashTable *names; /* objects of many members: their names (element-type utf8), owned by the members */
  char *key;         /* objects: the name waiting for its value (cJSON_malloc or one of KEYS), or NULL */
  gboolean key_known;/* KEY is one of KEYS */
} Frame;

typedef struct {
  const char *filename;
  cJSON *root;
  GArray *frames;     /* (element-type Frame), the open containers, outermost first */
  GHashTable *marks;  /* (element-type cJSON* packed-mark) or NULL */
  guint documents;
} Reader;

/* Objects up to this many members find a duplicate name by looking through
 * them; bigger ones keep a table of names. */
#define NAMES_SCAN_MAX 16

/* The names a change set uses: a member with one of them points at
 * it (cJSON_StringIsConst) instead of a copy, which saves a copy per node of
 * a tree that can have millions.  Any other name is copied. */
static const char *const keys[] = {
  "account", "action", "attached_interfaces", "availability_zone", "blocked", "blocked_by", "compliant",
  "cross_account", "date", "decision", "default_groups", "description", "direction", "excepted",
  "exception", "exceptions", "expires", "findings", "fingerprint", "format", "from_port",
  "group_exists", "group_id", "group_name", "groups", "groups_after", "groups_before", "id", "in_vpc",
  "inputs", "instance_id", "interface_type", "inverse", "key", "max_groups_per_eni",
  "max_rules_per_group", "migrate", "network_interface_id", "network_interfaces", "no_group_named",
  "options", "outcome", "outside_references", "owner_id", "path", "peer", "peer_kind",
  "peer_owner_id", "peer_vpc_id", "peered", "peering_id", "peering_status", "precondition",
  "preflight", "protocol", "purpose", "reason", "references", "referencing_rules",
  "referencing_vpc_id", "region", "replacement", "replacement_name", "requester_id",
  "requester_managed", "resource", "resources", "revoke", "rollback", "rule", "rule_id", "rules", "sha256",
  "source", "subject", "subnets", "type",
  "status", "steps", "summary", "tags", "to_port", "transit_gateway_id", "unblock", "undoes", "value",
  "version", "vpc_id", "warnings",
};

/* KEYS by a hash of their text, open addressing. */
#define KEY_SLOTS 256u
static const char *key_slots[KEY_SLOTS];

static guint
key_hash (const char *s)
{
  guint h = 2166136261u; /* FNV-1a */

  for (; *s != '\0'; s++)
    h = (h ^ (guchar) *s) * 16777619u;
  return h;
}

/* NAME's entry in KEYS, or NULL. */
static const char *
known_key (const char *name)
{
  static gsize ready = 0;
  guint slot;

  G_STATIC_ASSERT (G_N_ELEMENTS (keys) < KEY_SLOTS / 2);
  if (g_once_init_enter (&ready))
    {
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          for (slot = key_hash (keys[i]) % KEY_SLOTS; key_slots[slot] != NULL; slot = (slot + 1) % KEY_SLOTS)
            ;
          key_slots[slot] = keys[i];
        }
      g_once_init_leave (&ready, 1);
    }
  for (slot = key_hash (name) % KEY_SLOTS; key_slots[slot] != NULL; slot = (slot + 1) % KEY_SLOTS)
    if (strcmp (key_slots[slot], name) == 0)
      return key_slots[slot];
  return NULL;
}

static void
frame_clear (gpointer data)
{
  Frame *frame = data;

  g_clear_pointer (&frame->names, g_hash_table_unref);
  if (!frame->key_known)
    cJSON_free (frame->key);
  frame->key = NULL;
}

/* Does the object being filled in FRAME have a member NAME already? */
static gboolean
frame_has_name (const Frame *frame, const char *name)
{
  if (frame->names != NULL)
    return g_hash_table_contains (frame->names, name);
  for (const cJSON *c = frame->node->child; c != NULL; c = c->next)
    if (strcmp (c->string, name) == 0)
      return TRUE;
  return FALSE;
}

static Frame *
reader_top (Reader *r)
{
  return r->frames->len > 0 ? &g_array_index (r->frames, Frame, r->frames->len - 1) : NULL;
}

G_GNUC_PRINTF (5, 6)
static gboolean
reader_fail_at (Reader *r, guint line, guint column, GError **error, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "'%s':%u:%u: %s", r->filename, line, column,
               what);
  return FALSE;
}

#define reader_refuse(r, event, error, ...)                                                    \
  reader_fail_at ((r), (guint) (event)->start_mark.line + 1, (guint) (event)->start_mark.column + 1, \
                  (error), __VA_ARGS__)

static void
reader_fail_parser (Reader *r, const yaml_parser_t *parser, const char *buf, gsize len,
                    GError **error)
{
  const char *problem = parser->problem != NULL ? parser->problem : "unknown parser error";
  guint line, column;

  switch (parser->error)
    {
    case YAML_MEMORY_ERROR:
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "'%s': out of memory", r->filename);
      break;
    case YAML_READER_ERROR:
      /* Encoding errors come with a byte offset, not a mark. */
      sgplan_json_line_col (buf, len, parser->problem_offset, &line, &column);
      if (parser->problem_value != -1)
        reader_fail_at (r, line, column, error, "%s: 0x%02x", problem, (guint) parser->problem_value);
      else
        reader_fail_at (r, line, column, error, "%s", problem);
      break;
    default:
      line = (guint) parser->problem_mark.line + 1;
      column = (guint) parser->problem_mark.column + 1;
      if (parser->context != NULL)
        reader_fail_at (r, line, column, error, "%s (%s at %u:%u)", problem, parser->context,
                        (guint) parser->context_mark.line + 1, (guint) parser->context_mark.column + 1);
      else
        reader_fail_at (r, line, column, error, "%s", problem);
      break;
    }
}

static void
reader_attach (Reader *r, cJSON *node, const yaml_mark_t *mark)
{
  Frame *top = reader_top (r);

  if (G_UNLIKELY (node == NULL))
    g_error ("out of memory");
  if (r->marks != NULL)
    {
      guint line = (guint) MIN (mark->line + 1, MARK_LINE_MAX);
      guint column = (guint) MIN (mark->column + 1, MARK_COLUMN_MAX);

      g_hash_table_insert (r->marks, node, GUINT_TO_POINTER ((line << 12) | column));
    }
  if (top == NULL)
    r->root = node;
  else if (cJSON_IsArray (top->node))
    cJSON_AddItemToArray (top->node, node);
  else
    {
      /* the member takes the pending name as it is (cJSON_AddItemToObject
       * would copy it) */
      node->string = g_steal_pointer (&top->key);
      if (top->key_known)
        node->type |= cJSON_StringIsConst;
      top->key_known = FALSE;
      cJSON_AddItemToArray (top->node, node);
      if (++top->members == NAMES_SCAN_MAX)
        {
          top->names = g_hash_table_new (g_str_hash, g_str_equal);
          for (const cJSON *c = top->node->child; c != NULL; c = c->next)
            g_hash_table_add (top->names, c->string);
        }
      else if (top->names != NULL)
        g_hash_table_add (top->names, node->string);
    }
}

/* Anchors, aliases and tags let a YAML file mean something other than what
 * it shows, or more than JSON can say; a change set has no use for them. */
static gboolean
reader_check_properties (Reader *r, const yaml_event_t *event, GError **error)
{
  const yaml_char_t *anchor = NULL, *tag = NULL;

  switch (event->type)
    {
    case YAML_SCALAR_EVENT:
      anchor = event->data.scalar.anchor;
      tag = event->data.scalar.tag;
      break;
    case YAML_SEQUENCE_START_EVENT:
      anchor = event->data.sequence_start.anchor;
      tag = event->data.sequence_start.tag;
      break;
    case YAML_MAPPING_START_EVENT:
      anchor = event->data.mapping_start.anchor;
      tag = event->data.mapping_start.tag;
      break;
    default:
      break;
    }
  if (anchor != NULL)
    return reader_refuse (r, event, error, "anchors are not accepted");
  if (tag != NULL)
    return reader_refuse (r, event, error, "tags are not accepted");
  return TRUE;
}

/* A plain integer as JSON writes it: -?(0|[1-9][0-9]*), but not -0.  Other
 * numbers (007, 1e2, 80.0) stay strings, so a reader that wants an integer
 * refuses them instead of guessing what YAML 1.1 or 1.2 would make of them. */
static gboolean
is_integer_text (const char *s)
{
  gboolean negative = *s == '-';

  if (negative)
    s++;
  if (*s == '0')
    return s[1] == '\0' && !negative;
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Resolve a scalar value to *NODE; FALSE with ERROR set for an integer that
 * a double cannot hold exactly. */
static gboolean
reader_scalar_node (Reader *r, const yaml_event_t *event, cJSON **node, GError **error)
{
  const char *value = (const char *) event->data.scalar.value;
  gint64 n;

  if (event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    *node = cJSON_CreateString (value);
  else if (*value == '\0' || strcmp (value, "~") == 0 || strcmp (value, "null") == 0)
    *node = cJSON_CreateNull ();
  else if (strcmp (value, "true") == 0)
    *node = cJSON_CreateTrue ();
  else if (strcmp (value, "false") == 0)
    *node = cJSON_CreateFalse ();
  else if (!is_integer_text (value))
    *node = cJSON_CreateString (value);
  else if (g_ascii_string_to_signed (value, 10, -MAX_EXACT_INTEGER, MAX_EXACT_INTEGER, &n, NULL))
    *node = cJSON_CreateNumber ((double) n);
  else
    return reader_refuse (r, event, error,
                          "integer out of range: the limit is +-2^53 (9007199254740992)");
  return TRUE;
}

static gboolean
reader_scalar (Reader *r, const yaml_event_t *event, GError **error)
{
  const char *value = (const char *) event->data.scalar.value;
  gsize length = event->data.scalar.length;
  Frame *top = reader_top (r);
  cJSON *node = NULL;

  if (!reader_check_properties (r, event, error))
    return FALSE;
  /* "\0" in a double-quoted scalar; a C string would silently end there. */
  if (memchr (value, '\0', length) != NULL)
    return reader_refuse (r, event, error, "NUL characters (\\0) are not accepted");
  if (top != NULL && cJSON_IsObject (top->node) && top->key == NULL)
    {
      if (frame_has_name (top, value))
        {
          g_autofree char *quoted = sgplan_quote (value);
          return reader_refuse (r, event, error, "duplicate key %s: each key may appear only "
                                "once in a mapping", quoted);
        }
      top->key = (char *) known_key (value);
      top->key_known = top->key != NULL;
      if (top->key == NULL)
        {
          top->key = cJSON_malloc (length + 1);
          if (G_UNLIKELY (top->key == NULL))
            g_error ("out of memory");
          memcpy (top->key, value, length + 1);
        }
      return TRUE;
    }
  if (top == NULL && event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && length == 0)
    return reader_refuse (r, event, error, "empty file: expected a change set");
  if (!reader_scalar_node (r, event, &node, error))
    return FALSE;
  reader_attach (r, node, &event->start_mark);
  return TRUE;
}

static gboolean
reader_open (Reader *r, const yaml_event_t *event, GError **error)
{
  gboolean mapping = event->type == YAML_MAPPING_START_EVENT;
  Frame *top = reader_top (r);
  Frame frame = { NULL, 0, NULL, NULL, FALSE };

  if (!reader_check_properties (r, event, error))
    return FALSE;
  if (top != NULL && cJSON_IsObject (top->node) && top->key == NULL)
    return reader_refuse (r, event, error, "a mapping key must be a scalar, not a %s",
                          mapping ? "mapping" : "sequence");
  if (r->frames->len >= SGPLAN_YAML_MAX_DEPTH)
    return reader_refuse (r, event, error, "nesting deeper than %d levels", SGPLAN_YAML_MAX_DEPTH);
  frame.node = mapping ? cJSON_CreateObject () : cJSON_CreateArray ();
  reader_attach (r, frame.node, &event->start_mark);
  g_array_append_val (r->frames, frame);
  return TRUE;
}

static gboolean
reader_event (Reader *r, const yaml_event_t *event, GError **error)
{
  switch (event->type)
    {
    case YAML_STREAM_END_EVENT:
      if (r->documents == 0)
        return reader_refuse (r, event, error, "empty file: expected a change set");
      return TRUE;
    case YAML_DOCUMENT_START_EVENT:
      if (r->documents++ > 0)
        return reader_refuse (r, event, error, "more than one document: expected one change set per file");
      if (event->data.document_start.tag_directives.start
          != event->data.document_start.tag_directives.end)
        return reader_refuse (r, event, error, "tags are not accepted");
      return TRUE;
    case YAML_ALIAS_EVENT:
      return reader_refuse (r, event, error, "aliases are not accepted");
    case YAML_SCALAR_EVENT:
      return reader_scalar (r, event, error);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      return reader_open (r, event, error);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      g_array_set_size (r->frames, r->frames->len - 1);
      return TRUE;
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    default:
      return TRUE;
    }
}

/* ---------------------------------------------- reading, the common case
 *
 * libyaml takes most of the time of reading a big change set, and nearly
 * all change sets are exactly as yaml_from_cjson wrote them: block mappings
 * and sequences indented as it indents them, double-quoted strings on one
 * line, plain integers, true, false, null, [] and {}.  fast_parse reads that
 * form, and only that form, into the tree the libyaml reader builds; on
 * anything else (a comment, another indentation, a folded string, an error
 * of any kind) it gives up and the libyaml reader reads the text instead, so
 * what is accepted, what it means and every error stay libyaml's. */

typedef struct {
  const char *p, *end;
  guint depth;
  GString *buf;      /* a decoded string */
  SgplanArena *arena;  /* where the nodes are, or NULL: cJSON's allocator */
} Fast;

/* A node of TYPE, as cJSON_CreateObject, cJSON_CreateArray, ... make them. */
static cJSON *
fast_node (Fast *f, int type)
{
  cJSON *node;

  if (f->arena == NULL)
    switch (type)
      {
      case cJSON_Object: return cJSON_CreateObject ();
      case cJSON_Array: return cJSON_CreateArray ();
      case cJSON_NULL: return cJSON_CreateNull ();
      case cJSON_True: return cJSON_CreateTrue ();
      case cJSON_False: return cJSON_CreateFalse ();
      default: g_assert_not_reached ();
      }
  node = sgplan_arena_alloc0 (f->arena, sizeof *node);
  node->type = type;
  return node;
}

static char *
fast_strdup (Fast *f, const char *s, gsize len)
{
  char *copy = f->arena != NULL ? sgplan_arena_alloc0 (f->arena, len + 1) : cJSON_malloc (len + 1);

  if (G_UNLIKELY (copy == NULL))
    g_error ("out of memory");
  memcpy (copy, s, len + 1);
  return copy;
}

static cJSON *
fast_string (Fast *f, const char *s, gsize len)
{
  cJSON *node;

  if (f->arena == NULL)
    return cJSON_CreateString (s);
  node = fast_node (f, cJSON_String);
  node->valuestring = fast_strdup (f, s, len);
  return node;
}

static cJSON *
fast_number (Fast *f, gint64 n)
{
  cJSON *node;

  if (f->arena == NULL)
    return cJSON_CreateNumber ((double) n);
  node = fast_node (f, cJSON_Number);
  node->valuedouble = (double) n;
  node->valueint = n >= G_MAXINT ? G_MAXINT : n <= G_MININT ? G_MININT : (int) n;
  return node;
}

/* A subtree given up on: freed now, or with the arena. */
static void
fast_drop (Fast *f, cJSON *node)
{
  if (f->arena == NULL)
    cJSON_Delete (node);
}

/* Spaces at the start of the line at F->p; -1 at the end of the text or on
 * a line fast_parse leaves to libyaml (blank, a tab or CR in the indent, a
 * comment). */
static gint
fast_indent (const Fast *f)
{
  const char *q = f->p;

  if (q >= f->end)
    return -1;
  while (q < f->end && *q == ' ')
    q++;
  if (q >= f->end || *q == '\n' || *q == '\t' || *q == '\r' || *q == '#' || q - f->p > 1024)
    return -2;
  return (gint) (q - f->p);
}

/* Append code point C, as libyaml would decode it; FALSE for what it would refuse or change. */
static gboolean
fast_append_unichar (Fast *f, gunichar c)
{
  if (c == 0 || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
    return FALSE;
  g_string_append_unichar (f->buf, c);
  return TRUE;
}

static gboolean
fast_hex (Fast *f, guint digits, gunichar *out)
{
  *out = 0;
  if (f->end - f->p < (gssize) digits)
    return FALSE;
  for (guint i = 0; i < digits; i++)
    {
      int v = g_ascii_xdigit_value (f->p[i]);

      if (v < 0)
        return FALSE;
      *out = *out * 16 + (gunichar) v;
    }
  f->p += digits;
  return TRUE;
}

/* A double-quoted scalar on one line, F->p at its opening quote, decoded
 * into F->buf; F->p after the closing quote. */
static gboolean
fast_quoted (Fast *f)
{
  g_string_truncate (f->buf, 0);
  f->p++;
  while (f->p < f->end)
    {
      guchar c = (guchar) *f->p;

      if (c == '"')
        {
          f->p++;
          return TRUE;
        }
      if (c == '\\')
        {
          gunichar u;
          char e;

          if (++f->p >= f->end)
            return FALSE;
          e = *f->p++;
          switch (e)
            {
            case 'a': g_string_append_c (f->buf, '\a'); break;
            case 'b': g_string_append_c (f->buf, '\b'); break;
            case 't': g_string_append_c (f->buf, '\t'); break;
            case 'n': g_string_append_c (f->buf, '\n'); break;
            case 'v': g_string_append_c (f->buf, '\v'); break;
            case 'f': g_string_append_c (f->buf, '\f'); break;
            case 'r': g_string_append_c (f->buf, '\r'); break;
            case 'e': g_string_append_c (f->buf, '\x1b'); break;
            case ' ': g_string_append_c (f->buf, ' '); break;
            case '"': g_string_append_c (f->buf, '"'); break;
            case '\\': g_string_append_c (f->buf, '\\'); break;
            case 'N': g_string_append (f->buf, "\xc2\x85"); break;
            case '_': g_string_append (f->buf, "\xc2\xa0"); break;
            case 'L': g_string_append (f->buf, "\xe2\x80\xa8"); break;
            case 'P': g_string_append (f->buf, "\xe2\x80\xa9"); break;
            case 'x':
              if (!fast_hex (f, 2, &u) || !fast_append_unichar (f, u))
                return FALSE;
              break;
            case 'u':
              if (!fast_hex (f, 4, &u) || !fast_append_unichar (f, u))
                return FALSE;
              break;
            case 'U':
              if (!fast_hex (f, 8, &u) || !fast_append_unichar (f, u))
                return FALSE;
              break;
            default:
              return FALSE; /* \0 (refused), a line break, or what libyaml may not know */
            }
          continue;
        }
      if (c < 0x20 || c == 0x7f)
        return FALSE; /* a line break (folding), a tab, a control character */
      if (c < 0x80)
        {
          g_string_append_c (f->buf, (char) c);
          f->p++;
          continue;
        }
      {
        gunichar u = g_utf8_get_char_validated (f->p, f->end - f->p);
        const char *next;

        /* what libyaml reads as printable and not as a line break or BOM */
        if (u == (gunichar) -1 || u == (gunichar) -2 || u < 0xa0 || (u >= 0xd800 && u <= 0xdfff)
            || u == 0x2028 || u == 0x2029 || u == 0xfeff || u == 0xfffe || u == 0xffff || u > 0x10ffff)
          return FALSE;
        next = g_utf8_next_char (f->p);
        g_string_append_len (f->buf, f->p, next - f->p);
        f->p = next;
      }
    }
  return FALSE;
}

/* A plain key as yaml_from_cjson writes them, into F->buf. */
static gboolean
fast_plain_key (Fast *f)
{
  const char *start = f->p;

  if (f->p >= f->end || (!g_ascii_isalpha (*f->p) && *f->p != '_'))
    return FALSE;
  while (f->p < f->end && (g_ascii_isalnum (*f->p) || *f->p == '_' || *f->p == '-'))
    f->p++;
  g_string_truncate (f->buf, 0);
  g_string_append_len (f->buf, start, f->p - start);
  return TRUE;
}

/* Is the token at F->p a key (followed by ':' and a space or line end)? */
static gboolean
fast_at_key (const Fast *f)
{
  const char *q = f->p;

  if (q < f->end && *q == '"')
    {
      for (q++; q < f->end && *q != '"' && *q != '\n'; q++)
        if (*q == '\\' && q + 1 < f->end)
          q++;
      if (q >= f->end || *q != '"')
        return FALSE;
      q++;
    }
  else
    while (q < f->end && (g_ascii_isalnum (*q) || *q == '_' || *q == '-'))
      q++;
  return q + 1 < f->end && q[0] == ':' && (q[1] == ' ' || q[1] == '\n');
}

/* The value on the rest of the line (after "key: " or "- "), through its '\n'. */
static cJSON *
fast_inline_value (Fast *f)
{
  const char *eol;
  cJSON *node = NULL;

  if (f->p < f->end && *f->p == '"')
    {
      if (!fast_quoted (f) || f->p >= f->end || *f->p != '\n')
        return NULL;
      if (memchr (f->buf->str, '\0', f->buf->len) != NULL)
        return NULL;
      f->p++;
      return fast_string (f, f->buf->str, f->buf->len);
    }
  eol = memchr (f->p, '\n', f->end - f->p);
  if (eol == NULL)
    return NULL;
  if (eol - f->p == 2 && memcmp (f->p, "[]", 2) == 0)
    node = fast_node (f, cJSON_Array);
  else if (eol - f->p == 2 && memcmp (f->p, "{}", 2) == 0)
    node = fast_node (f, cJSON_Object);
  else if (eol - f->p == 4 && memcmp (f->p, "null", 4) == 0)
    node = fast_node (f, cJSON_NULL);
  else if (eol - f->p == 4 && memcmp (f->p, "true", 4) == 0)
    node = fast_node (f, cJSON_True);
  else if (eol - f->p == 5 && memcmp (f->p, "false", 5) == 0)
    node = fast_node (f, cJSON_False);
  else if (eol - f->p > 0 && eol - f->p < 20)
    {
      char text[24];
      gint64 n;

      memcpy (text, f->p, eol - f->p);
      text[eol - f->p] = '\0';
      if (!is_integer_text (text)
          || !g_ascii_string_to_signed (text, 10, -MAX_EXACT_INTEGER, MAX_EXACT_INTEGER, &n, NULL))
        return NULL;
      node = fast_number (f, n);
    }
  if (node == NULL)
    return NULL;
  f->p = eol + 1;
  return node;
}

static gboolean
object_has_name (const cJSON *object, const char *name)
{
  for (const cJSON *c = object->child; c != NULL; c = c->next)
    if (strcmp (c->string, name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean fast_mapping (Fast *f, gint col, cJSON *object);
static gboolean fast_sequence (Fast *f, gint col, cJSON *array);

static cJSON *
fast_container (Fast *f, gboolean mapping)
{
  if (++f->depth >= SGPLAN_YAML_MAX_DEPTH)
    return NULL;
  return fast_node (f, mapping ? cJSON_Object : cJSON_Array);
}

/* A block mapping whose keys are at column COL, F->p at its first key. */
static gboolean
fast_mapping (Fast *f, gint col, cJSON *object)
{
  GHashTable *names = NULL;
  guint members = 0;
  gboolean ok = FALSE;

  for (;;)
    {
      const char *start = f->p, *name;
      char *key;
      gboolean known;
      cJSON *value = NULL;
      gint next;

      if (f->p < f->end && *f->p == '"' ? !fast_quoted (f) : !fast_plain_key (f))
        break;
      if (f->p - start > 1000 || f->end - f->p < 2 || f->p[0] != ':'
          || memchr (f->buf->str, '\0', f->buf->len) != NULL)
        break; /* libyaml's limit on a key's length is 1024 characters */
      name = f->buf->str;
      if (f->p[1] != ' ' && f->p[1] != '\n')
        break;
      if (names != NULL ? g_hash_table_contains (names, name) : object_has_name (object, name))
        break; /* duplicate: libyaml's reader says so, and where */
      key = (char *) known_key (name);
      known = key != NULL;
      if (key == NULL)
        {
          key = fast_strdup (f, name, f->buf->len);
        }
      if (f->p[1] == ' ')
        {
          f->p += 2;
          value = fast_inline_value (f);
        }
      else
        {
          f->p += 2;
          next = fast_indent (f);
          if (next == col && f->end - f->p > col + 1 && f->p[col] == '-' && f->p[col + 1] == ' ')
            {
              value = fast_container (f, FALSE);
              if (value != NULL && !fast_sequence (f, col, value))
                {
                  fast_drop (f, value);
                  value = NULL;
                }
            }
          else if (next == col + 2 && f->p[next] != '-')
            {
              f->p += next;
              value = fast_container (f, TRUE);
              if (value != NULL && !fast_mapping (f, col + 2, value))
                {
                  fast_drop (f, value);
                  value = NULL;
                }
            }
        }
      if (value == NULL)
        {
          if (!known && f->arena == NULL)
            cJSON_free (key);
          break;
        }
      value->string = key;
      if (known)
        value->type |= cJSON_StringIsConst;
      cJSON_AddItemToArray (object, value);
      if (++members == NAMES_SCAN_MAX)
        {
          names = g_hash_table_new (g_str_hash, g_str_equal);
          for (const cJSON *c = object->child; c != NULL; c = c->next)
            g_hash_table_add (names, c->string);
        }
      else if (names != NULL)
        g_hash_table_add (names, value->string);
      next = fast_indent (f);
      if (next == -1 || (next >= 0 && next < col))
        {
          ok = TRUE; /* the end of the text, or of this mapping */
          break;
        }
      if (next != col || f->p[next] == '-')
        break;
      f->p += next;
    }
  if (names != NULL)
    g_hash_table_unref (names);
  f->depth--;
  return ok;
}

/* A block sequence whose dashes are at column COL, F->p at the start of the
 * line of its first item. */
static gboolean
fast_sequence (Fast *f, gint col, cJSON *array)
{
  for (;;)
    {
      cJSON *item;
      gint next;

      f->p += col + 2; /* "- " */
      if (f->p < f->end && *f->p == '-')
        return FALSE;
      if (fast_at_key (f))
        {
          item = fast_container (f, TRUE);
          if (item != NULL && !fast_mapping (f, col + 2, item))
            {
              fast_drop (f, item);
              item = NULL;
            }
        }
      else
        item = fast_inline_value (f);
      if (item == NULL)
        return FALSE;
      cJSON_AddItemToArray (array, item);
      next = fast_indent (f);
      if (next == -1 || (next >= 0 && next < col)
          || (next == col && f->p[next] != '-'))
        break; /* the end of the text or of this sequence (an indentless one, then a key) */
      if (next != col || f->end - f->p < col + 2 || f->p[col + 1] != ' ')
        return FALSE;
    }
  f->depth--;
  return TRUE;
}

/* The tree of TEXT when it is in yaml_from_cjson's form, else NULL; its
 * nodes in ARENA when not NULL. */
static cJSON *
fast_parse (const char *text, gsize len, SgplanArena *arena)
{
  Fast f = { text, text + len, 0, NULL, arena };
  cJSON *root = NULL;
  gboolean ok;

  if (len < 5 || memcmp (text, "---\n", 4) != 0 || text[len - 1] != '\n')
    return NULL;
  f.p += 4;
  if (fast_indent (&f) != 0)
    return NULL;
  f.buf = g_string_sized_new (256);
  if (f.p[0] == '-' && f.p[1] == ' ')
    {
      root = fast_container (&f, FALSE);
      ok = root != NULL && fast_sequence (&f, 0, root);
    }
  else
    {
      root = fast_container (&f, TRUE);
      ok = root != NULL && fast_mapping (&f, 0, root);
    }
  g_string_free (f.buf, TRUE);
  if (!ok || f.p != f.end)
    {
      fast_drop (&f, root);
      return NULL;
    }
  return root;
}

cJSON *
yaml_fast_parse (const char *buf, gsize len)
{
  return fast_parse (buf, len, NULL);
}

cJSON *
yaml_fast_parse_in_arena (const char *buf, gsize len, SgplanArena **arena)
{
  SgplanArena *a = sgplan_arena_new ();
  cJSON *root;

  root = fast_parse (buf, len, a);
  if (root == NULL)
    g_clear_pointer (&a, sgplan_arena_free);
  *arena = a;
  return root;
}

cJSON *
yaml_to_cjson (const char *buf, gsize len, const char *filename, GHashTable **marks,
               GError **error)
{
  yaml_parser_t parser;
  Reader r = { filename, NULL, NULL, NULL, 0 };
  gboolean ok = TRUE, done = FALSE;
  const char *encoding;
  gsize start;

  g_return_val_if_fail (buf != NULL || len == 0, NULL);
  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (marks != NULL)
    *marks = NULL;
  if (!yaml_parser_initialize (&parser))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "'%s': out of memory", filename);
      return NULL;
    }
  if (buf == NULL)
    buf = "";
  encoding = sgplan_text_encoding (buf, len, &start);
  if (encoding != NULL)
    {
      yaml_parser_delete (&parser);
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "'%s':1:1: %s", filename, encoding);
      return NULL;
    }
  if (marks == NULL)
    {
      cJSON *root = fast_parse (buf + start, len - start, NULL);

      if (root != NULL)
        {
          yaml_parser_delete (&parser);
          return root;
        }
    }
  /* Past a UTF-8 byte-order mark: libyaml, told the text is UTF-8, would
   * take the mark for content.  Marks then count from after it. */
  yaml_parser_set_input_string (&parser, (const unsigned char *) buf + start, len - start);
  /* Change sets are UTF-8; without this libyaml would also take UTF-16. */
  yaml_parser_set_encoding (&parser, YAML_UTF8_ENCODING);
  r.frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_array_set_clear_func (r.frames, frame_clear);
  if (marks != NULL)
    r.marks = g_hash_table_new (g_direct_hash, g_direct_equal);

  while (ok && !done)
    {
      yaml_event_t event;

      if (!yaml_parser_parse (&parser, &event))
        {
          reader_fail_parser (&r, &parser, buf + start, len - start, error);
          ok = FALSE;
          break;
        }
      ok = reader_event (&r, &event, error);
      done = event.type == YAML_STREAM_END_EVENT;
      yaml_event_delete (&event);
    }

  yaml_parser_delete (&parser);
  g_array_unref (r.frames);
  if (!ok)
    {
      cJSON_Delete (r.root);
      g_clear_pointer (&r.marks, g_hash_table_unref);
      return NULL;
    }
  if (marks != NULL)
    *marks = r.marks;
  return r.root;
}

/* yaml-cjson.h - change sets as YAML: a cJSON tree to YAML text and back.
 *
 * A change set is written both as JSON and as YAML with the same structure,
 * so the YAML side is kept to what JSON can say: mappings with string keys,
 * sequences, strings, integers, true, false and null.  Anything YAML adds on
 * top (anchors, aliases, tags, several documents, complex keys) is refused
 * when reading, because a reviewed plan must mean exactly what it shows. */
#pragma once

#include <glib.h>
#include <cjson/cJSON.h>

#include "arena.h"

/* Deepest nesting of mappings and sequences, both ways (the root counts). */
#define SGPLAN_YAML_MAX_DEPTH 256

/* Positions in the MARKS table of yaml_to_cjson: each value is
 * GUINT_TO_POINTER ((line << 12) | column), both from 1, the column counting
 * characters.  Columns above 4095 saturate at 4095 and lines above 1048575
 * (2^20 - 1) at 1048575.  A node missing from the table reads as line 0,
 * column 0 (g_hash_table_lookup returns NULL). */
#define SGPLAN_YAML_MARK_LINE(packed) (GPOINTER_TO_UINT (packed) >> 12)
#define SGPLAN_YAML_MARK_COLUMN(packed) (GPOINTER_TO_UINT (packed) & 0xfffu)

/* Emit ROOT as one YAML 1.1 document that starts with "---": block mappings
 * and sequences indented by two spaces, keys in cJSON order, UTF-8, no line
 * folding.  Every string value is double-quoted so that untrusted text comes
 * back unchanged; a key is written plain only when it is an identifier that
 * no YAML reader could take for anything but a string (e.g. name, from_port),
 * otherwise double-quoted too.  Integers, true, false and null are plain;
 * empty arrays and objects are [] and {}.
 *
 * Refused (SGPLAN_ERROR_INPUT, naming the value's path such as
 * .changes[3].name): strings that are not valid UTF-8, numbers that are not
 * integers within +-2^53, duplicate keys in one object, raw or invalid cJSON
 * nodes, nesting deeper than SGPLAN_YAML_MAX_DEPTH.  These are the cases
 * yaml_to_cjson would not read back as the same tree.
 *
 * Returns the text ending in a newline (g_free), or NULL with ERROR set. */
char *yaml_from_cjson (const cJSON *root, GError **error);

/* The same text written one part at a time, for documents too large to
 * hold as one tree: a mapping whose members are given in order, each value
 * a tree (member) or a list given item by item (list_begin, list_item...,
 * list_end).  Each tree is written and freed at once (the stream takes it).
 * The text is byte for byte what yaml_from_cjson writes for the whole tree
 * (whose root must then have at least one member), and refuses the same.
 * After a failure every call fails; finish returns NULL with ERROR set
 * only by the call that failed, and frees the stream either way. */
typedef struct YamlStream YamlStream;

YamlStream *yaml_stream_new (GError **error);
gboolean yaml_stream_member (YamlStream *stream, const char *key, cJSON *value, GError **error);
gboolean yaml_stream_list_begin (YamlStream *stream, const char *key, GError **error);
gboolean yaml_stream_list_item (YamlStream *stream, cJSON *item, GError **error);
gboolean yaml_stream_list_end (YamlStream *stream, GError **error);
char *yaml_stream_finish (YamlStream *stream, GError **error);
void yaml_stream_free (YamlStream *stream);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YamlStream, yaml_stream_free)

/* Parse one YAML document from BUF/LEN into a cJSON tree (cJSON_Delete).
 *
 * Quoted and block scalars are strings.  Plain scalars are resolved:
 * -?[0-9]+ is an integer (leading zeros allowed: 0123 is 123; beyond +-2^53
 * is an error), exactly true/false are booleans, null, ~ and empty are null,
 * anything else (yes, 1.5, 0x10, True) is a string.  Keys are always strings,
 * whatever their style (a plain key 1 or true is "1" or "true").
 *
 * Errors are SGPLAN_ERROR_INPUT with the message "'FILENAME':LINE:COL: what"
 * (line and column from 1, the column counting characters): libyaml's
 * syntax and encoding errors, anchors, aliases, tags, duplicate keys,
 * sequence or mapping keys, NUL characters in strings, a second document,
 * nesting deeper than SGPLAN_YAML_MAX_DEPTH, integers out of range, and
 * empty input (or a document with no content).
 *
 * When MARKS is not NULL, *MARKS receives a table (direct hash, no free
 * functions) from every node of the tree, root included, to its start
 * position packed as described at SGPLAN_YAML_MARK_LINE; an object member's
 * position is that of its value.  The keys are the tree's own pointers: free
 * the table with the tree.  On error *MARKS is set to NULL. */
cJSON *yaml_to_cjson (const char *buf, gsize len, const char *filename,
                      GHashTable **marks, GError **error);

/* The tree of BUF/LEN (after any byte-order mark) when it is in the form
 * yaml_from_cjson writes, read without libyaml; NULL when it is in any other
 * form or yaml_to_cjson would refuse it.  yaml_to_cjson uses it when it is
 * not asked for marks; exported for the tests that prove both readers build
 * the same tree. */
cJSON *yaml_fast_parse (const char *buf, gsize len);

/* yaml_fast_parse, with every node and string of the tree in *ARENA (set
 * on success, NULL otherwise): one allocation per megabyte instead of one
 * per node and string, for a tree that is only read.  Free *ARENA, never
 * the tree, and do not change the tree. */
cJSON *yaml_fast_parse_in_arena (const char *buf, gsize len, SgplanArena **arena);

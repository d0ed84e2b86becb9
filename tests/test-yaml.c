/* test-yaml.c - change sets as YAML: what the writer emits, that the reader
 * gives back the same tree, what the reader refuses and where it says so. */
#include "config.h"

#include "util.h"
#include "yaml-cjson.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

/* Strings an export may carry that YAML would read as something else, or
 * that a shell or a terminal would interpret, if they were written unquoted. */
static const char *const hostile_strings[] = {
  "it's", "a \"b\"", "$(rm -rf /)", "`x`", "; ls", "line1\nline2", "  leading", "#hash",
  "key: value", "yes", "no", "null", "~", "0123", "111122223333", "café ☕", "\x01 control",
  "- dash", "[flow]", "{flow}", "*alias", "&anchor", "!tag", "%percent", "@at",
  "", "trailing ", "tab\there", "cr\r\nlf", "back\\slash", "'single'", "a # b", "?", ":", "-",
  "---", "...", "<<", "=", "!!str", ".inf", "0x10", "1e3", "1.5", "-0", "+1", "True", "ON", "y",
  "emoji 😀", "nel\xc2\x85", "ls\xe2\x80\xa8ps\xe2\x80\xa9", "\xef\xbb\xbf" "bom", "del\x7f",
  "long line " "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};

/* A tree with every kind of value: hostile strings as values and as keys,
 * integers up to 2^53 either way, booleans, null, empty and nested
 * containers. */
static cJSON *
every_kind_tree (void)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON *strings = cJSON_AddArrayToObject (root, "strings");
  cJSON *keys = cJSON_AddObjectToObject (root, "keys");
  cJSON *numbers = cJSON_AddArrayToObject (root, "numbers");
  static const double integers[] = { 0, 1, -1, 443, 65535, -65535, 111122223333.0,
                                     9007199254740991.0, 9007199254740992.0,
                                     -9007199254740992.0 };
  cJSON *parsed;

  for (guint i = 0; i < G_N_ELEMENTS (hostile_strings); i++)
    {
      cJSON_AddItemToArray (strings, cJSON_CreateString (hostile_strings[i]));
      cJSON_AddNumberToObject (keys, hostile_strings[i], i);
    }
  for (guint i = 0; i < G_N_ELEMENTS (integers); i++)
    cJSON_AddItemToArray (numbers, cJSON_CreateNumber (integers[i]));
  cJSON_AddTrueToObject (root, "true");
  cJSON_AddFalseToObject (root, "false");
  cJSON_AddNullToObject (root, "null");
  parsed = cJSON_Parse ("[[], {}, [[]], [{}], {\"a\": []}, {\"b\": {}}, [[[1, [2, {}]]]],"
                        " {\"c\": [{\"d\": [[], {\"e\": null}]}]}, [true, false, null, \"\"]]");
  g_assert_nonnull (parsed);
  cJSON_AddItemToObject (root, "nested", parsed);
  cJSON_AddItemToObject (root, "empty object", cJSON_CreateObject ());
  cJSON_AddItemToObject (root, "empty array", cJSON_CreateArray ());
  return root;
}

static cJSON *
parse_ok (const char *text, GHashTable **marks)
{
  g_autoptr (GError) error = NULL;
  cJSON *tree = yaml_to_cjson (text, strlen (text), "cs.yaml", marks, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tree);
  return tree;
}

static guint
count_nodes (const cJSON *node)
{
  guint n = 1;

  for (const cJSON *child = node->child; child != NULL; child = child->next)
    n += count_nodes (child);
  return n;
}

static void
test_round_trip_every_kind (void)
{
  g_autoptr (cJSON) tree = every_kind_tree ();
  g_autoptr (GError) error = NULL;
  g_autofree char *yaml = yaml_from_cjson (tree, &error);
  g_autoptr (GHashTable) marks = NULL;
  g_autoptr (cJSON) back = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (yaml, "---\n"));
  g_assert_true (g_str_has_suffix (yaml, "\n"));
  g_assert_true (g_utf8_validate (yaml, -1, NULL));
  /* Printable non-ASCII stays as it is; only what a reader could misread
   * or a terminal would act on is escaped. */
  g_assert_nonnull (strstr (yaml, "\"café ☕\""));
  g_assert_nonnull (strstr (yaml, "\"\\x01 control\""));
  g_assert_nonnull (strstr (yaml, "\"line1\\nline2\""));
  g_assert_nonnull (strstr (yaml, "\n- \"yes\"\n"));
  g_assert_nonnull (strstr (yaml, "\n- \"111122223333\"\n"));
  g_assert_nonnull (strstr (yaml, "\n- 111122223333\n"));
  g_assert_nonnull (strstr (yaml, "\n- -9007199254740992\n"));

  back = yaml_to_cjson (yaml, strlen (yaml), "cs.yaml", &marks, &error);
  g_assert_no_error (error);
  g_assert_true (cJSON_Compare (tree, back, TRUE));
  g_assert_cmpuint (g_hash_table_size (marks), ==, count_nodes (back));
}

static void
test_round_trip_scalar_roots (void)
{
  cJSON *roots[] = {
    cJSON_CreateString ("0123"), cJSON_CreateString (""), cJSON_CreateNumber (-7),
    cJSON_CreateTrue (), cJSON_CreateFalse (), cJSON_CreateNull (),
    cJSON_CreateArray (), cJSON_CreateObject (),
  };

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autoptr (cJSON) tree = roots[i];
      g_autoptr (GError) error = NULL;
      g_autofree char *yaml = yaml_from_cjson (tree, &error);
      g_autoptr (cJSON) back = NULL;

      g_assert_no_error (error);
      back = parse_ok (yaml, NULL);
      g_assert_true (cJSON_Compare (tree, back, TRUE));
    }
}

static void
test_emit_exact_text (void)
{
  g_autoptr (cJSON) tree = cJSON_Parse (
      "{\"name\": \"web\", \"port\": 443, \"enabled\": true, \"note\": null,"
      " \"tags\": [\"a\", \"yes\", \"x: y\"], \"empty\": [], \"meta\": {}, \"odd key\": -1,"
      " \"on\": false, \"rules\": [{\"from\": 22, \"cidrs\": [\"10.0.0.0/8\"]}, [1, []]],"
      " \"text\": \"café\\n\\\"q\\\"\\t#\"}");
  /* Keys that are identifiers stay plain; "odd key" and "on" (a YAML 1.1
   * boolean) are quoted.  Sequences under a key are not indented: libyaml's
   * only layout. */
  const char *expected =
      "---\n"
      "name: \"web\"\n"
      "port: 443\n"
      "enabled: true\n"
      "note: null\n"
      "tags:\n"
      "- \"a\"\n"
      "- \"yes\"\n"
      "- \"x: y\"\n"
      "empty: []\n"
      "meta: {}\n"
      "\"odd key\": -1\n"
      "\"on\": false\n"
      "rules:\n"
      "- from: 22\n"
      "  cidrs:\n"
      "  - \"10.0.0.0/8\"\n"
      "- - 1\n"
      "  - []\n"
      "text: \"café\\n\\\"q\\\"\\t#\"\n";
  g_autoptr (GError) error = NULL;
  g_autofree char *yaml = NULL;

  g_assert_nonnull (tree);
  yaml = yaml_from_cjson (tree, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yaml, ==, expected);

  {
    g_autoptr (cJSON) scalar = cJSON_CreateString ("x");
    g_autoptr (cJSON) empty = cJSON_CreateObject ();
    g_autofree char *scalar_yaml = yaml_from_cjson (scalar, &error);
    g_autofree char *empty_yaml = yaml_from_cjson (empty, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (scalar_yaml, ==, "--- \"x\"\n");
    g_assert_cmpstr (empty_yaml, ==, "--- {}\n");
  }
}

static void
test_emit_passes_yamllint (void)
{
  const char *yamllint = "/usr/bin/yamllint";
  /* The brief's configuration, plus the one layout rule libyaml cannot meet
   * otherwise: it never indents a sequence that is a mapping's value, which
   * yamllint's default (indent-sequences: true) reports.  indent-sequences:
   * false checks that it is done that way everywhere. */
  const char *config = "{extends: default, rules: {line-length: disable, document-start: enable,"
                       " indentation: {spaces: 2, indent-sequences: false}}}";
  g_autoptr (cJSON) tree = every_kind_tree ();
  g_autoptr (GError) error = NULL;
  g_autofree char *yaml = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd, status;

  if (!g_file_test (yamllint, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no /usr/bin/yamllint");
      return;
    }
  yaml = yaml_from_cjson (tree, &error);
  g_assert_no_error (error);
  fd = g_file_open_tmp ("sgplan-yaml-XXXXXX.yaml", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, yaml, -1, &error));

  {
    const char *argv[] = { yamllint, "--strict", "-f", "parsable", "-d", config, path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
  }
  g_unlink (path);
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
}

static cJSON *
nested_arrays (guint levels)
{
  cJSON *root = cJSON_CreateArray ();
  cJSON *inner = root;

  for (guint i = 1; i < levels; i++)
    {
      cJSON *next = cJSON_CreateArray ();
      cJSON_AddItemToArray (inner, next);
      inner = next;
    }
  cJSON_AddItemToArray (inner, cJSON_CreateString ("deep"));
  return root;
}

/* What the writer refuses is what would not read back as the same tree. */
static void
test_emit_refuses (void)
{
  static const struct {
    const char *json;
    const char *message;
  } cases[] = {
    { "{\"rules\": [{\"port\": 1.5}]}",
      "cannot write YAML: number 1.5 is not an integer within +-2^53 at .rules[0].port" },
    { "[9007199254740994]",
      "cannot write YAML: number 9007199254740994 is not an integer within +-2^53 at .[0]" },
    { "{\"a\": 1, \"b\": {\"x y\": 1, \"x y\": 2}}",
      "cannot write YAML: duplicate key at .b[\"x y\"]" },
    { "{\"bad\": \"\\u00e9\"}", NULL }, /* valid UTF-8: no error */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (cJSON) tree = cJSON_Parse (cases[i].json);
      g_autoptr (GError) error = NULL;
      g_autofree char *yaml = NULL;

      g_assert_nonnull (tree);
      yaml = yaml_from_cjson (tree, &error);
      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          continue;
        }
      g_assert_null (yaml);
      g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  {
    g_autoptr (cJSON) tree = cJSON_CreateObject ();
    g_autoptr (GError) error = NULL;
    g_autofree char *yaml = NULL;

    /* cJSON does not check UTF-8; libyaml would refuse the event. */
    cJSON_AddStringToObject (tree, "name", "caf\xe9");
    yaml = yaml_from_cjson (tree, &error);
    g_assert_null (yaml);
    g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
    g_assert_cmpstr (error->message, ==, "cannot write YAML: string is not valid UTF-8 at .name");
  }
  {
    g_autoptr (cJSON) tree = cJSON_CreateObject ();
    g_autoptr (GError) error = NULL;
    g_autofree char *yaml = NULL;

    cJSON_AddNumberToObject (tree, "caf\xe9\x01", 1);
    yaml = yaml_from_cjson (tree, &error);
    g_assert_null (yaml);
    g_assert_cmpstr (error->message, ==,
                     "cannot write YAML: string is not valid UTF-8 at .[\"caf\\xe9\\u0001\"]");
  }
}

static void
test_depth_limit_both_ways (void)
{
  g_autoptr (cJSON) deepest = nested_arrays (SGPLAN_YAML_MAX_DEPTH);
  g_autoptr (cJSON) too_deep = nested_arrays (SGPLAN_YAML_MAX_DEPTH + 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *yaml = yaml_from_cjson (deepest, &error);
  g_autofree char *refused = NULL;
  g_autoptr (GString) flow = g_string_new (NULL);
  g_autoptr (cJSON) back = NULL;

  g_assert_no_error (error);
  back = parse_ok (yaml, NULL);
  g_assert_true (cJSON_Compare (deepest, back, TRUE));

  refused = yaml_from_cjson (too_deep, &error);
  g_assert_null (refused);
  g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "cannot write YAML: nesting deeper than 256 levels at .[0][0]"));
  g_assert_true (g_str_has_suffix (error->message, "[0][0]"));
  g_clear_error (&error);

  /* 256 flow sequences are fine; the 257th opens at column 257. */
  for (guint i = 0; i < SGPLAN_YAML_MAX_DEPTH; i++)
    g_string_append_c (flow, '[');
  for (guint i = 0; i < SGPLAN_YAML_MAX_DEPTH; i++)
    g_string_append_c (flow, ']');
  {
    g_autoptr (cJSON) ok = parse_ok (flow->str, NULL);
  }
  g_string_prepend_c (flow, '[');
  g_string_append_c (flow, ']');
  {
    g_autoptr (cJSON) none = yaml_to_cjson (flow->str, flow->len, "cs.yaml", NULL, &error);

    g_assert_null (none);
    g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
    g_assert_cmpstr (error->message, ==, "'cs.yaml':1:257: nesting deeper than 256 levels");
  }
}

/* Format characters (U+202E reorders what a terminal shows, U+00AD and
 * U+200B hide) are written as escapes, and read back as themselves. */
static void
test_emit_escapes_format_characters (void)
{
  static const char value[] = "a\xe2\x80\xae" "b\xc2\xad" "c\xe2\x80\x8b" "d\xf3\xa0\x80\x81" "e \xc3\xa9";
  g_autoptr (cJSON) tree = cJSON_CreateObject ();
  g_autoptr (GError) error = NULL;
  g_autofree char *yaml = NULL;
  g_autoptr (cJSON) back = NULL;

  cJSON_AddStringToObject (tree, "description", value);
  yaml = yaml_from_cjson (tree, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yaml, ==, "---\ndescription: \"a\\u202Eb\\u00ADc\\u200Bd\\U000E0001e \xc3\xa9\"\n");
  back = yaml_to_cjson (yaml, strlen (yaml), "cs.yaml", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cJSON_GetObjectItemCaseSensitive (back, "description")->valuestring, ==, value);
}

/* A UTF-8 byte-order mark (as Windows editors write) and CRLF line ends
 * read like plain UTF-8 with LF, and positions count from after the mark. */
static void
test_parse_bom_crlf (void)
{
  g_autoptr (GHashTable) marks = NULL;
  g_autoptr (cJSON) tree = parse_ok ("\xef\xbb\xbf" "a: 1\r\nb: [x, \"y\"]\r\n", &marks);
  g_autoptr (cJSON) expected = cJSON_Parse ("{\"a\": 1, \"b\": [\"x\", \"y\"]}");
  gpointer mark = g_hash_table_lookup (marks, cJSON_GetObjectItemCaseSensitive (tree, "b"));

  g_assert_true (cJSON_Compare (tree, expected, TRUE));
  g_assert_cmpuint (SGPLAN_YAML_MARK_LINE (mark), ==, 2);
  g_assert_cmpuint (SGPLAN_YAML_MARK_COLUMN (mark), ==, 4);
}

static void
test_parse_scalar_resolution (void)
{
  g_autoptr (cJSON) tree = parse_ok (
      "plain: [0123, -0, 42, -42, 9007199254740992, -9007199254740992, true, false, null, ~,\n"
      "        True, yes, no, on, 1.5, 0x10, 1e3, +1, 1_000, .inf, x y]\n"
      "quoted: ['0123', \"true\", 'null', \"~\", '', \"\"]\n"
      "block: |\n"
      "  line1\n"
      "  42\n"
      "folded: >-\n"
      "  a\n"
      "  b\n"
      "empty:\n"
      "1: integer-looking key\n"
      "true: boolean-looking key\n"
      "~: null-looking key\n",
      NULL);
  g_autoptr (cJSON) expected = cJSON_Parse (
      "{\"plain\": [\"0123\", \"-0\", 42, -42, 9007199254740992, -9007199254740992, true, false, null,"
      " null, \"True\", \"yes\", \"no\", \"on\", \"1.5\", \"0x10\", \"1e3\", \"+1\","
      " \"1_000\", \".inf\", \"x y\"],"
      " \"quoted\": [\"0123\", \"true\", \"null\", \"~\", \"\", \"\"],"
      " \"block\": \"line1\\n42\\n\", \"folded\": \"a b\","
      " \"empty\": null, \"1\": \"integer-looking key\", \"true\": \"boolean-looking key\","
      " \"~\": \"null-looking key\"}");

  g_assert_nonnull (expected);
  g_assert_true (cJSON_Compare (tree, expected, TRUE));
}

static void
test_parse_errors (void)
{
  g_autofree char *deep = NULL;
  static const struct {
    const char *text;
    const char *message;
  } cases[] = {
    { "", "'cs.yaml':1:1: empty file: expected a change set" },
    { "# only a comment\n\n", "'cs.yaml':3:1: empty file: expected a change set" },
    { "---\n", "'cs.yaml':2:1: empty file: expected a change set" },
    { "--- # nothing\n...\n", "'cs.yaml':2:1: empty file: expected a change set" },
    { "base: &b {port: 22}\nrule: *b\n", "'cs.yaml':1:7: anchors are not accepted" },
    { "rule: *b\n", "'cs.yaml':1:7: aliases are not accepted" },
    { "a: 1\nb:\n- !!str 42\n", "'cs.yaml':3:3: tags are not accepted" },
    { "a: !!map {}\n", "'cs.yaml':1:4: tags are not accepted" },
    { "a: ! x\n", "'cs.yaml':1:4: tags are not accepted" },
    { "%TAG !e! tag:example.com,2000:\n---\na: 1\n", "'cs.yaml':1:1: tags are not accepted" },
    { "name: a\nport: 1\nname: b\n", "'cs.yaml':3:1: duplicate key \"name\": each key may appear only once in a mapping" },
    { "x:\n  \"k\\x41\": 1\n  kA: 2\n", "'cs.yaml':3:3: duplicate key \"kA\": each key may appear only once in a mapping" },
    { "x:\n  \"k\\t\": 1\n  \"k\\t\": 2\n", "'cs.yaml':3:3: duplicate key \"k\\t\": each key may appear only once in a mapping" },
    { "\xff\xfe" "a\0:\0 \0001\0", "'cs.yaml':1:1: UTF-16 text (it starts with a UTF-16 byte-order mark); "
      "sgplan reads UTF-8. Windows PowerShell 5.1 writes UTF-16 when output is redirected with '>': "
      "write the file with 'aws ... --output json | Out-File -Encoding utf8 FILE' instead, or convert "
      "it with 'Get-Content FILE | Set-Content -Encoding utf8 NEWFILE'" },
    { "\xef\xbb\xbf" "a: 1\na: 2\n", "'cs.yaml':2:1: duplicate key \"a\": each key may appear only once in a mapping" },
    { "action: 1\naccount: 2\naction: 3\n",
      "'cs.yaml':3:1: duplicate key \"action\": each key may appear only once in a mapping" },
    { "a: 1\n---\nb: 2\n", "'cs.yaml':2:1: more than one document: expected one change set per file" },
    { "--- 1\n--- 2\n", "'cs.yaml':2:1: more than one document: expected one change set per file" },
    { "a:\n  b: 1\n c: 2\n",
      "'cs.yaml':3:2: did not find expected key (while parsing a block mapping at 1:1)" },
    { "a: 1\n b: 2\n", "'cs.yaml':2:3: mapping values are not allowed in this context" },
    { "ports: [1, 2\n",
      "'cs.yaml':2:1: did not find expected ',' or ']' (while parsing a flow sequence at 1:8)" },
    { "a: \"unterminated\n",
      "'cs.yaml':2:1: found unexpected end of stream (while scanning a quoted scalar at 1:4)" },
    { "? [a, b]\n: 1\n", "'cs.yaml':1:3: a mapping key must be a scalar, not a sequence" },
    { "{{a: 1}: 2}\n", "'cs.yaml':1:2: a mapping key must be a scalar, not a mapping" },
    { "n: 9007199254740993\n",
      "'cs.yaml':1:4: integer out of range: the limit is +-2^53 (9007199254740992)" },
    { "- -9007199254740993\n",
      "'cs.yaml':1:3: integer out of range: the limit is +-2^53 (9007199254740992)" },
    { "n: 99999999999999999999999999\n",
      "'cs.yaml':1:4: integer out of range: the limit is +-2^53 (9007199254740992)" },
    { "a: \"x\\0y\"\n", "'cs.yaml':1:4: NUL characters (\\0) are not accepted" },
    { "a: \"caf\xe9\"\n", "'cs.yaml':1:9: invalid trailing UTF-8 octet: 0x22" },
    { "ab: \xff\n", "'cs.yaml':1:5: invalid leading UTF-8 octet: 0xff" },
    { "a: \x01\n", "'cs.yaml':1:4: control characters are not allowed: 0x01" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      GHashTable *marks = (GHashTable *) cases; /* not NULL, so that clearing it shows */
      g_autoptr (cJSON) tree = yaml_to_cjson (cases[i].text, strlen (cases[i].text), "cs.yaml",
                                              &marks, &error);
      g_autofree char *shown = sgplan_printable (cases[i].text);

      g_test_message ("case %u: %s", i, shown);
      g_assert_null (tree);
      g_assert_null (marks);
      g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* Big mappings look names up in a table, built at the 16th member: a
   * duplicate of any member, before or after, is found all the same. */
  for (guint members = 14; members <= 20; members++)
    for (guint dup = 0; dup < members; dup++)
      {
        g_autoptr (GString) text = g_string_new ("x: 0\nmap:\n");
        g_autoptr (GError) error = NULL;
        g_autoptr (cJSON) tree = NULL;
        g_autofree char *want = NULL;

        for (guint k = 0; k < members; k++)
          g_string_append_printf (text, "  %s%u: %u\n", k % 2 == 0 ? "key" : "other_key", k, k);
        {
          g_autoptr (cJSON) all = yaml_to_cjson (text->str, text->len, "cs.yaml", NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpint (cJSON_GetArraySize (cJSON_GetObjectItemCaseSensitive (all, "map")), ==, members);
        }
        g_string_append_printf (text, "  %s%u: again\n", dup % 2 == 0 ? "key" : "other_key", dup);
        tree = yaml_to_cjson (text->str, text->len, "cs.yaml", NULL, &error);
        want = g_strdup_printf ("'cs.yaml':%u:3: duplicate key \"%s%u\": each key may appear only once in a "
                                "mapping", members + 3, dup % 2 == 0 ? "key" : "other_key", dup);
        g_assert_null (tree);
        g_assert_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT);
        g_assert_cmpstr (error->message, ==, want);
      }

  /* Errors deep inside a partly built tree free it (valgrind checks). */
  deep = g_strdup ("a:\n  b:\n  - c: [1, 2, {d: 3}]\n    e: {f: [x, y]}\n    f: *z\n");
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (cJSON) tree = yaml_to_cjson (deep, strlen (deep), "cs.yaml", NULL, &error);

    g_assert_null (tree);
    g_assert_cmpstr (error->message, ==, "'cs.yaml':5:8: aliases are not accepted");
  }
  /* ... also with a name of a change set waiting for its value */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (cJSON) tree = yaml_to_cjson ("steps:\n- action: *z\n", 20, "cs.yaml", NULL, &error);

    g_assert_null (tree);
    g_assert_cmpstr (error->message, ==, "'cs.yaml':2:11: aliases are not accepted");
  }
}

/* Both readers give TEXT the same meaning: the same tree, or the same error.
 * Returns whether the fast reader took it. */
static gboolean
same_as_libyaml (const char *text, gsize len)
{
  g_autoptr (GError) slow_error = NULL, error = NULL;
  g_autoptr (GHashTable) marks = NULL;
  g_autoptr (cJSON) slow = yaml_to_cjson (text, len, "cs.yaml", &marks, &slow_error); /* libyaml */
  g_autoptr (cJSON) fast = yaml_fast_parse (text, len);
  g_autoptr (cJSON) any = yaml_to_cjson (text, len, "cs.yaml", NULL, &error);
  g_autoptr (SgplanArena) arena = NULL;
  const cJSON *in_arena = yaml_fast_parse_in_arena (text, len, &arena);

  g_assert_true ((in_arena != NULL) == (fast != NULL));
  g_assert_true ((arena != NULL) == (fast != NULL));
  if (fast != NULL)
    {
      g_autofree char *want = NULL, *got = NULL, *got_in_arena = NULL;

      g_assert_no_error (slow_error);
      g_assert_nonnull (slow);
      want = cJSON_PrintUnformatted (slow);
      got = cJSON_PrintUnformatted (fast);
      got_in_arena = cJSON_PrintUnformatted (in_arena);
      g_assert_cmpstr (got, ==, want);
      g_assert_cmpstr (got_in_arena, ==, want);
      g_assert_true (cJSON_Compare (slow, fast, TRUE));
      g_assert_true (cJSON_Compare (slow, in_arena, TRUE));
    }
  if (slow == NULL)
    {
      g_assert_null (any);
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, slow_error->message);
    }
  else
    {
      g_autofree char *want = cJSON_PrintUnformatted (slow);
      g_autofree char *got = any != NULL ? cJSON_PrintUnformatted (any) : NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (got, ==, want);
    }
  return fast != NULL;
}

static char *
golden_plan_text (const char *name, gsize *len)
{
  g_autofree char *path = g_build_filename (g_getenv ("srcdir") ? g_getenv ("srcdir") : ".", "tests", "golden",
                                            "plan", name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, len, NULL));
  return text;
}

/* What yaml_from_cjson writes, the fast reader reads as libyaml does. */
static void
test_fast_reads_what_the_writer_writes (void)
{
  g_autoptr (cJSON) tree = cJSON_CreateObject ();
  cJSON *strings = cJSON_AddArrayToObject (tree, "strings");
  cJSON *keys = cJSON_AddObjectToObject (tree, "keys");
  cJSON *list = cJSON_AddArrayToObject (tree, "list");
  g_autoptr (GError) error = NULL;
  g_autofree char *yaml = NULL;
  static const char *const plans[] = { "example.plan.yaml", "plan-rule-kinds.plan.yaml",
                                       "hostile-values.plan.yaml", "plan-quotas.plan.yaml" };

  for (guint i = 0; i < G_N_ELEMENTS (hostile_strings); i++)
    {
      cJSON *item = cJSON_CreateObject ();

      cJSON_AddItemToArray (strings, cJSON_CreateString (hostile_strings[i]));
      /* libyaml writes a key over 128 characters or with a line break
       * after "? ", which the fast reader leaves to libyaml */
      if (strlen (hostile_strings[i]) < 100 && strpbrk (hostile_strings[i], "\r\n") == NULL
          && strstr (hostile_strings[i], "\xc2\x85") == NULL && strstr (hostile_strings[i], "\xe2\x80\xa8") == NULL)
        cJSON_AddNumberToObject (keys, hostile_strings[i], i);
      cJSON_AddStringToObject (item, "name", hostile_strings[i]);
      cJSON_AddItemToObject (item, "empty", i % 2 ? cJSON_CreateArray () : cJSON_CreateObject ());
      cJSON_AddNumberToObject (item, "n", i % 3 == 0 ? -9007199254740992.0 : i);
      cJSON_AddItemToArray (list, item);
    }
  cJSON_AddItemToArray (strings, cJSON_CreateString ("\xef\xbf\xbd \xe2\x80\xae \xf4\x8f\xbf\xbf \xc2\xa0"));
  cJSON_AddTrueToObject (tree, "true");
  cJSON_AddFalseToObject (tree, "false");
  cJSON_AddNullToObject (tree, "null");
  yaml = yaml_from_cjson (tree, &error);
  g_assert_no_error (error);
  g_assert_true (same_as_libyaml (yaml, strlen (yaml)));
  for (guint i = 0; i < G_N_ELEMENTS (plans); i++)
    {
      gsize len;
      g_autofree char *text = golden_plan_text (plans[i], &len);

      g_test_message ("%s", plans[i]);
      g_assert_true (same_as_libyaml (text, len));
    }
}

/* Hand edits of a change set, at random: whatever the fast reader accepts,
 * libyaml reads as the same tree; the rest is libyaml's to read or refuse. */
static void
test_fast_same_as_libyaml_on_edits (void)
{
  static const char *const inserts[] = { " ", "  ", "\n", "-", "- ", ":", ": ", "\"", "\\", "#", "[", "]", "{",
                                         "}", "0", "9", "a", "_", "\t", "\r", "é", "x", "'", "~", "&", "*", "!",
                                         "---\n", "\\x41", "\\u00e9", "\\0", "\\q", "\xc2\x85", "\xef\xbb\xbf",
                                         "\x01", "null", "true", "99999999999999999", "-0", "? " };
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261201);
  guint accepted = 0, refused = 0;
  gsize len;
  g_autofree char *text = golden_plan_text ("example.plan.yaml", &len);

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr (GString) edited = g_string_new_len (text, (gssize) len);
      guint edits = (guint) g_rand_int_range (rand, 1, 3);

      for (guint e = 0; e < edits; e++)
        {
          gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) edited->len);
          const char *insert = inserts[g_rand_int_range (rand, 0, G_N_ELEMENTS (inserts))];
          gint cut = g_rand_int_range (rand, 1, 4);

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              g_string_erase (edited, (gssize) at, MIN (cut, (gint) (edited->len - at)));
              break;
            case 1: g_string_insert (edited, (gssize) at, insert); break;
            default:
              g_string_erase (edited, (gssize) at, 1);
              g_string_insert (edited, (gssize) at, insert);
              break;
            }
        }
      if (same_as_libyaml (edited->str, edited->len))
        accepted++;
      else
        refused++;
    }
  g_test_message ("fast reader: %u edits read, %u left to libyaml", accepted, refused);
  /* both kinds, or the test proves nothing */
  g_assert_cmpuint (accepted, >, 100);
  g_assert_cmpuint (refused, >, 100);
}

static void
test_parse_marks (void)
{
  g_autoptr (GHashTable) marks = NULL;
  g_autoptr (cJSON) tree = parse_ok ("---\n"
                                     "name: \"web\"\n"
                                     "rules:\n"
                                     "- from: 22\n"
                                     "  to:   23\n"
                                     "tags: [a, \"b\"]\n"
                                     "café: {é: 1, ü: [x, ☕, y]}\n",
                                     &marks);
  const cJSON *rules = cJSON_GetObjectItemCaseSensitive (tree, "rules");
  const cJSON *rule = cJSON_GetArrayItem (rules, 0);
  const cJSON *tags = cJSON_GetObjectItemCaseSensitive (tree, "tags");
  const cJSON *u = cJSON_GetObjectItemCaseSensitive (
      cJSON_GetObjectItemCaseSensitive (tree, "café"), "ü");
  static const struct {
    const char *what;
    guint line, column;
  } expected[] = {
    { "root", 2, 1 }, { "name", 2, 7 }, { "rules", 4, 1 }, { "rules[0]", 4, 3 },
    { "rules[0].from", 4, 9 }, { "rules[0].to", 5, 9 }, { "tags", 6, 7 }, { "tags[1]", 6, 11 },
    { "café.ü", 7, 17 }, { "café.ü[2]", 7, 24 },
  };
  const cJSON *nodes[] = {
    tree, cJSON_GetObjectItemCaseSensitive (tree, "name"), rules, rule,
    cJSON_GetObjectItemCaseSensitive (rule, "from"), cJSON_GetObjectItemCaseSensitive (rule, "to"),
    tags, cJSON_GetArrayItem (tags, 1), u, cJSON_GetArrayItem (u, 2),
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (expected) == G_N_ELEMENTS (nodes));
  g_assert_nonnull (marks);
  g_assert_cmpuint (g_hash_table_size (marks), ==, count_nodes (tree));
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      gpointer packed;

      g_test_message ("%s", expected[i].what);
      g_assert_nonnull (nodes[i]);
      g_assert_true (g_hash_table_lookup_extended (marks, nodes[i], NULL, &packed));
      g_assert_cmpuint (SGPLAN_YAML_MARK_LINE (packed), ==, expected[i].line);
      g_assert_cmpuint (SGPLAN_YAML_MARK_COLUMN (packed), ==, expected[i].column);
      g_assert_cmpuint (GPOINTER_TO_UINT (packed), ==, (expected[i].line << 12) | expected[i].column);
    }
  g_assert_null (g_hash_table_lookup (marks, &expected)); /* not a node: line 0, column 0 */
}

static void
test_parse_marks_saturate (void)
{
  g_autoptr (GString) text = g_string_new ("a:\n");
  g_autoptr (GHashTable) marks = NULL;
  g_autoptr (cJSON) tree = NULL;
  gpointer packed;

  /* A value that starts at column 5001 of line 2. */
  g_string_append (text, "  b: ");
  while (text->len < 3 + 5000)
    g_string_append_c (text, ' ');
  g_string_append (text, "value\n");
  tree = parse_ok (text->str, &marks);
  packed = g_hash_table_lookup (marks, cJSON_GetObjectItemCaseSensitive (
                                           cJSON_GetObjectItemCaseSensitive (tree, "a"), "b"));
  g_assert_cmpuint (SGPLAN_YAML_MARK_LINE (packed), ==, 2);
  g_assert_cmpuint (SGPLAN_YAML_MARK_COLUMN (packed), ==, 4095);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/yaml/round-trip/every-kind-of-value", test_round_trip_every_kind);
  g_test_add_func ("/yaml/round-trip/scalar-and-empty-roots", test_round_trip_scalar_roots);
  g_test_add_func ("/yaml/emit/exact-text", test_emit_exact_text);
  g_test_add_func ("/yaml/emit/escapes-format-characters", test_emit_escapes_format_characters);
  g_test_add_func ("/yaml/emit/passes-yamllint", test_emit_passes_yamllint);
  g_test_add_func ("/yaml/emit/refuses-what-would-not-read-back", test_emit_refuses);
  g_test_add_func ("/yaml/depth-limit-both-ways", test_depth_limit_both_ways);
  g_test_add_func ("/yaml/parse/scalar-resolution", test_parse_scalar_resolution);
  g_test_add_func ("/yaml/parse/bom-and-crlf", test_parse_bom_crlf);
  g_test_add_func ("/yaml/parse/errors-with-positions", test_parse_errors);
  g_test_add_func ("/yaml/parse/marks", test_parse_marks);
  g_test_add_func ("/yaml/parse/fast-reads-what-the-writer-writes", test_fast_reads_what_the_writer_writes);
  g_test_add_func ("/yaml/parse/fast-same-as-libyaml-on-edits", test_fast_same_as_libyaml_on_edits);
  g_test_add_func ("/yaml/parse/marks-saturate", test_parse_marks_saturate);
  return g_test_run ();
}

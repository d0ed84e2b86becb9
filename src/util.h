/* util.h - error domain, exit codes and small helpers shared by every command. */
#pragma once

#include <glib.h>
#include <cjson/cJSON.h>

/* Exit codes shared by all commands (see sgplan(1), EXIT STATUS). */
typedef enum {
  SGPLAN_EXIT_OK = 0,        /* ok / compliant / valid */
  SGPLAN_EXIT_NOT_OK = 1,    /* the answer is "not compliant" or "not valid" */
  SGPLAN_EXIT_USAGE = 2,     /* usage or I/O error */
  SGPLAN_EXIT_INPUT = 3,     /* invalid input */
  SGPLAN_EXIT_CHANGES = 4,   /* plan --detailed-exitcode: changes planned, nothing blocked */
  SGPLAN_EXIT_RESERVED = 5,  /* validate: sound, but blocked groups, expired exceptions or warnings */
} SgplanExit;

#define SGPLAN_ERROR (sgplan_error_quark ())
GQuark sgplan_error_quark (void);

typedef enum {
  SGPLAN_ERROR_USAGE,   /* exit 2 */
  SGPLAN_ERROR_IO,      /* exit 2 */
  SGPLAN_ERROR_INPUT,   /* exit 3 */
  SGPLAN_ERROR_NOT_OK,  /* exit 1: the answer is no, and here is why */
} SgplanErrorCode;

int sgplan_exit_for_error (const GError *error);

/* strcmp for g_ptr_array_sort on arrays of strings. */
int sgplan_compare_strings (gconstpointer a, gconstpointer b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cJSON, cJSON_Delete)

/* Append S to OUT so that a terminal shows it literally: control characters,
 * backslashes and invalid sequences become C-style escapes.  Export strings are
 * untrusted; this keeps them from moving the cursor or hiding text. */
void sgplan_append_printable (GString *out, const char *s);
/* False for the characters sgplan_append_printable escapes: C0 controls, DEL,
 * C1 controls and Unicode format characters (such as U+202E). */
gboolean sgplan_unichar_printable (gunichar c);
char *sgplan_printable (const char *s);

/* Messages quote input values with these: the printable form of S (as above)
 * in double quotes, cut after SGPLAN_QUOTE_MAX characters and then followed
 * by '... (N bytes)', so that no value can flood a terminal or a log. */
#define SGPLAN_QUOTE_MAX 64
char *sgplan_quote (const char *s);
/* The printable form of S without quotes, cut after MAX characters. */
char *sgplan_cut (const char *s, gsize max);

/* JSON text of ITEM, indented by two spaces, ending in a newline (g_free). */
char *sgplan_json_print (const cJSON *item);
/* The same with INDENT spaces per level (the AWS CLI uses 4). */
char *sgplan_json_print_indent (const cJSON *item, guint indent);

/* Write all of CONTENTS to stdout and flush; a short write is an I/O error. */
gboolean sgplan_write_stdout (const char *contents, gsize len, GError **error);

/* How the text in BUF starts: *START is past a UTF-8 byte-order mark if
 * there is one.  Returns NULL for UTF-8 text, or a message saying the text
 * is UTF-16 (as Windows PowerShell 5.1 writes) and how to fix it. */
const char *sgplan_text_encoding (const char *buf, gsize len, gsize *start);

/* True when NAME is an AWS region name such as "us-east-1", "us-gov-west-1",
 * "ap-southeast-4".  When PREFIX_LEN is not NULL, NAME may continue after the
 * region (an availability zone such as "us-east-1a" or "us-west-2-lax-1a")
 * and *PREFIX_LEN receives the region's length. */
gboolean sgplan_region_prefix (const char *name, gsize *prefix_len);

/* How many threads sgplan may use: SGPLAN_THREADS when it is a number from
 * 1 to 64, else one more than the number of processors (at most 64).
 * Output never depends on it. */
guint sgplan_thread_count (void);

/* The candidate closest to WORD (a mistyped command or option), or NULL when
 * none is close enough to be what was meant: at most one edit (insertion,
 * deletion, substitution or swap of neighbours) per three characters, and
 * at least one.  CANDIDATES is NULL-terminated. */
const char *sgplan_closest (const char *word, const char *const *candidates);

/* Colour in text output: only when standard output is a terminal, TERM is
 * not "dumb" and NO_COLOR is unset or empty (https://no-color.org).
 * Decided once, at the first call. */
gboolean sgplan_colour (void);
/* Append TEXT to OUT in the SGR colour CODE ("31" red, "32" green, "33"
 * yellow, "1;31" bold red) when sgplan_colour (), else plain. */
void sgplan_append_coloured (GString *out, const char *code, const char *text);

/* manifest.c - reading the manifest sgplan-collect writes (manifest.h).
 *
 * {"SgplanCollect": {"Version": "0.1.0", "CliVersion": "2.9.19",
 *   "StartedAt": "...", "FinishedAt": "..." or null,
 *   "Accounts": [{"AccountId": "111122223333", "Caller": "arn:...",
 *     "Regions": [{"Region": "us-east-1", "Status": "complete",
 *                  "Files": [...], "Services": {...}, "Error": "..."}]}],
 *   "Unreached": [{"AccountId": "..." or "Profile": "...", "Error": "..."}]}}
 *
 * Read strictly, like an export: a manifest that says less than it seems to
 * (a misspelt status, a region that is not one) would hide a missing region,
 * so it is an error with file, line and column.  Members this version does
 * not know are left alone: a newer collector may say more. */
#include "config.h"

#include "manifest.h"
#include "files.h"
#include "json-parse.h"
#include "json-pos.h"
#include "util.h"

#include <string.h>

typedef struct {
  const char *file;
  const char *text;
  gsize len;
  gsize start;
  SgplanJsonPath path;
  GError **error;
} Reader;

static gboolean G_GNUC_PRINTF (2, 3)
reader_fail (Reader *r, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return sgplan_json_fail_at (r->error, r->file, r->text, r->len, r->start, &r->path, message);
}

/* Member KEY of OBJ: a string (or, unless REQUIRED, missing or null: *OUT
 * NULL).  The path is left as it was. */
static gboolean
read_string (Reader *r, const cJSON *obj, const char *key, gboolean required, char **out)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (obj, key);

  *out = NULL;
  if (item == NULL || (cJSON_IsNull (item) && !required))
    return required ? reader_fail (r, "expected \"%s\" (a string)", key) : TRUE;
  sgplan_json_path_push_key (&r->path, key);
  if (!cJSON_IsString (item))
    return reader_fail (r, "\"%s\" must be a string", key);
  sgplan_json_path_pop (&r->path);
  *out = g_strdup (item->valuestring);
  return TRUE;
}

/* Member KEY of OBJ, which must be a list (of objects when OBJECTS). */
static const cJSON *
read_list (Reader *r, const cJSON *obj, const char *key, gboolean objects)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (obj, key);
  const cJSON *element;
  guint i = 0;

  if (item == NULL)
    {
      reader_fail (r, "expected \"%s\" (a list)", key);
      return NULL;
    }
  sgplan_json_path_push_key (&r->path, key);
  if (!cJSON_IsArray (item))
    {
      reader_fail (r, "\"%s\" must be a list", key);
      return NULL;
    }
  cJSON_ArrayForEach (element, item)
    {
      sgplan_json_path_push_index (&r->path, i++);
      if (objects ? !cJSON_IsObject (element) : !cJSON_IsString (element))
        {
          reader_fail (r, "an element of \"%s\" must be %s", key, objects ? "an object" : "a string");
          return NULL;
        }
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  return item;
}

static void
region_free (gpointer data)
{
  ManifestRegion *region = data;

  g_free (region->account);
  g_free (region->region);
  g_free (region->status);
  g_free (region->error);
  g_free (region->profile);
  g_free (region);
}

void
manifest_free (Manifest *manifest)
{
  if (manifest == NULL)
    return;
  g_free (manifest->file);
  g_free (manifest->version);
  g_free (manifest->cli_version);
  g_free (manifest->started_at);
  g_free (manifest->finished_at);
  g_ptr_array_unref (manifest->regions);
  g_ptr_array_unref (manifest->unreached);
  g_free (manifest);
}

gboolean
manifest_is_manifest (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return strcmp (base, MANIFEST_FILE_NAME) == 0;
}

static gboolean
is_account_id (const char *s)
{
  return strlen (s) == 12 && strspn (s, "0123456789") == 12;
}

static gboolean
read_region (Reader *r, Manifest *m, const char *account, const cJSON *obj)
{
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (region_free);
  ManifestRegion *region = g_new0 (ManifestRegion, 1);
  const cJSON *services;

  g_ptr_array_add (keep, region);
  region->account = g_strdup (account);
  if (!read_string (r, obj, "Region", TRUE, &region->region)
      || !read_string (r, obj, "Status", TRUE, &region->status)
      || !read_string (r, obj, "Error", FALSE, &region->error))
    return FALSE;
  if (!sgplan_region_prefix (region->region, NULL))
    {
      g_autofree char *cut = sgplan_quote (region->region);

      sgplan_json_path_push_key (&r->path, "Region");
      return reader_fail (r, "\"Region\" must be a region name such as us-east-1: found %s", cut);
    }
  if (strcmp (region->status, "complete") != 0 && strcmp (region->status, "failed") != 0
      && strcmp (region->status, "pending") != 0)
    {
      g_autofree char *cut = sgplan_quote (region->status);

      sgplan_json_path_push_key (&r->path, "Status");
      return reader_fail (r, "\"Status\" must be complete, failed or pending: found %s", cut);
    }
  if (cJSON_GetObjectItemCaseSensitive (obj, "Files") != NULL
      && read_list (r, obj, "Files", FALSE) == NULL)
    return FALSE;
  services = cJSON_GetObjectItemCaseSensitive (obj, "Services");
  if (services != NULL && !cJSON_IsObject (services) && !cJSON_IsNull (services))
    {
      sgplan_json_path_push_key (&r->path, "Services");
      return reader_fail (r, "\"Services\" must be an object");
    }
  if (strcmp (region->status, "complete") != 0)
    m->n_incomplete++;
  g_ptr_array_add (m->regions, g_ptr_array_steal_index (keep, 0));
  return TRUE;
}

static gboolean
read_account (Reader *r, Manifest *m, const cJSON *obj)
{
  g_autofree char *account = NULL, *caller = NULL;
  const cJSON *regions, *region;
  guint i = 0;

  if (!read_string (r, obj, "AccountId", TRUE, &account)
      || !read_string (r, obj, "Caller", FALSE, &caller))
    return FALSE;
  if (!is_account_id (account))
    {
      g_autofree char *cut = sgplan_quote (account);

      sgplan_json_path_push_key (&r->path, "AccountId");
      return reader_fail (r, "\"AccountId\" must be 12 digits: found %s", cut);
    }
  regions = read_list (r, obj, "Regions", TRUE);
  if (regions == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "Regions");
  cJSON_ArrayForEach (region, regions)
    {
      sgplan_json_path_push_index (&r->path, i++);
      if (!read_region (r, m, account, region))
        return FALSE;
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  m->n_accounts++;
  return TRUE;
}

/* An account that sgplan-collect could not reach at all (no credentials,
 * no region list): every region of it is missing. */
static gboolean
read_unreached (Reader *r, Manifest *m, const cJSON *obj)
{
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (region_free);
  ManifestRegion *account = g_new0 (ManifestRegion, 1);

  g_ptr_array_add (keep, account);
  if (!read_string (r, obj, "AccountId", FALSE, &account->account)
      || !read_string (r, obj, "Profile", FALSE, &account->profile)
      || !read_string (r, obj, "Error", FALSE, &account->error))
    return FALSE;
  if (account->account != NULL && !is_account_id (account->account))
    {
      g_autofree char *cut = sgplan_quote (account->account);

      sgplan_json_path_push_key (&r->path, "AccountId");
      return reader_fail (r, "\"AccountId\" must be 12 digits: found %s", cut);
    }
  if (account->account == NULL)
    account->account = g_strdup ("*");
  account->region = g_strdup ("*");
  account->status = g_strdup ("failed");
  g_ptr_array_add (m->unreached, g_ptr_array_steal_index (keep, 0));
  return TRUE;
}

static gboolean
read_manifest (Reader *r, Manifest *m, const cJSON *root)
{
  const cJSON *body = cJSON_GetObjectItemCaseSensitive (root, "SgplanCollect");
  const cJSON *accounts, *account;
  guint i = 0;

  if (!cJSON_IsObject (root) || body == NULL)
    return reader_fail (r, "expected an object {\"SgplanCollect\": {...}}, the manifest "
                           "sgplan-collect writes");
  sgplan_json_path_push_key (&r->path, "SgplanCollect");
  if (!cJSON_IsObject (body))
    return reader_fail (r, "\"SgplanCollect\" must be an object");
  if (!read_string (r, body, "Version", TRUE, &m->version)
      || !read_string (r, body, "CliVersion", FALSE, &m->cli_version)
      || !read_string (r, body, "StartedAt", TRUE, &m->started_at)
      || !read_string (r, body, "FinishedAt", FALSE, &m->finished_at))
    return FALSE;
  accounts = read_list (r, body, "Accounts", TRUE);
  if (accounts == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "Accounts");
  cJSON_ArrayForEach (account, accounts)
    {
      sgplan_json_path_push_index (&r->path, i++);
      if (!read_account (r, m, account))
        return FALSE;
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  if (cJSON_GetObjectItemCaseSensitive (body, "Unreached") != NULL)
    {
      const cJSON *list = read_list (r, body, "Unreached", TRUE), *item;

      if (list == NULL)
        return FALSE;
      i = 0;
      sgplan_json_path_push_key (&r->path, "Unreached");
      cJSON_ArrayForEach (item, list)
        {
          sgplan_json_path_push_index (&r->path, i++);
          if (!read_unreached (r, m, item))
            return FALSE;
          sgplan_json_path_pop (&r->path);
        }
    }
  return TRUE;
}

static Manifest *
fail_at (Reader *r, gsize offset, const char *message)
{
  guint line, col;

  sgplan_json_line_col (r->text, r->len, offset, &line, &col);
  g_set_error (r->error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "'%s':%u:%u: %s", r->file, line, col,
               message);
  return NULL;
}

Manifest *
manifest_read (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  g_autoptr (cJSON) root = NULL;
  g_autoptr (Manifest) m = NULL;
  Reader r = { 0 };
  const char *encoding, *invalid;
  gsize len = 0, body = 0, end = 0, error_at = 0;

  if (!sgplan_read_file (path, &text, &len, error))
    return NULL;
  r.file = sgplan_display_path (path);
  r.text = text;
  r.len = len;
  r.error = error;
  encoding = sgplan_text_encoding (text, len, &body);
  if (encoding != NULL)
    return fail_at (&r, 0, encoding);
  if (!g_utf8_validate_len (text, len, &invalid))
    return fail_at (&r, (gsize) (invalid - text), "invalid UTF-8: expected the manifest of sgplan-collect");
  r.start = sgplan_json_skip_ws (text, len, body);
  root = sgplan_json_parse (text, len, r.start, &end, &error_at, &message);
  if (root == NULL)
    return fail_at (&r, error_at, message);
  if (sgplan_json_skip_ws (text, len, end) < len)
    return fail_at (&r, sgplan_json_skip_ws (text, len, end),
                    "expected the end of the file after the manifest");
  m = g_new0 (Manifest, 1);
  m->file = g_strdup (r.file);
  m->regions = g_ptr_array_new_with_free_func (region_free);
  m->unreached = g_ptr_array_new_with_free_func (region_free);
  if (!read_manifest (&r, m, root))
    return NULL;
  return g_steal_pointer (&m);
}

char *
manifest_describe (const Manifest *m)
{
  GString *state = g_string_new (NULL);

  if (m->n_incomplete > 0)
    g_string_append_printf (state, "%u region%s not collected", m->n_incomplete,
                            m->n_incomplete == 1 ? "" : "s");
  if (m->unreached->len > 0)
    g_string_append_printf (state, "%s%u account%s not reached", state->len > 0 ? ", " : "",
                            m->unreached->len, m->unreached->len == 1 ? "" : "s");
  if (m->finished_at == NULL)
    g_string_append_printf (state, "%sunfinished", state->len > 0 ? ", " : "");
  if (state->len == 0)
    g_string_append (state, "complete");
  g_autoptr (GString) keep = state;

  return g_strdup_printf ("collected by sgplan-collect %s at %s, %u account%s, %u region%s, %s",
                          m->version, m->finished_at != NULL ? m->finished_at : m->started_at,
                          m->n_accounts, m->n_accounts == 1 ? "" : "s", m->regions->len,
                          m->regions->len == 1 ? "" : "s", state->str);
}

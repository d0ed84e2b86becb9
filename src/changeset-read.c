/* changeset-read.c - reading a change set back, with errors that point at
 * the offending line and column.
 *
 * A change set may have been edited by hand or come from anywhere, so every
 * value is checked.  YAML is parsed with libyaml (positions from its marks),
 * JSON with cJSON (positions by following the value's path in the text).
 * Only the structure is checked here; whether the steps are right is what
 * `sgplan validate` decides. */
#include "config.h"

#include "changeset-read.h"
#include "changeset.h"
#include "files.h"
#include "json-parse.h"
#include "json-pos.h"
#include "util.h"
#include "yaml-cjson.h"

#include <string.h>

typedef struct {
  const char *file;
  const char *text;
  gsize len;
  GHashTable *marks; /* YAML: node -> position; NULL for JSON */
  gboolean unplaced; /* YAML read without marks: errors need not say where */
  SgplanJsonPath path;
  Plan *store;
  GError **error;
} Reader;

static gboolean G_GNUC_PRINTF (3, 4)
reader_fail (Reader *r, const cJSON *node, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;
  guint line, col;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (r->marks != NULL)
    {
      gpointer mark = g_hash_table_lookup (r->marks, node);

      line = SGPLAN_YAML_MARK_LINE (mark);
      col = SGPLAN_YAML_MARK_COLUMN (mark);
    }
  else if (r->unplaced)
    line = col = 0; /* changeset_read reads the file again, with marks */
  else
    sgplan_json_line_col (r->text, r->len, sgplan_json_locate (r->text, r->len, 0, &r->path),
                          &line, &col);
  g_set_error (r->error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "'%s':%u:%u: %s", r->file, line, col,
               message);
  return FALSE;
}

/* Member KEY of OBJ, checked for TYPE; NULL (with the error set) when it is
 * missing and required or has the wrong type.  On success the path holds
 * KEY: the caller pops it. */
typedef enum { T_STRING, T_INT, T_BOOL, T_ARRAY, T_OBJECT } Type;

static const cJSON *
member (Reader *r, const cJSON *obj, const char *key, Type type, gboolean required, gboolean *ok)
{
  static const char *const type_names[] = { "a string", "an integer", "true or false",
                                            "a list", "a mapping" };
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (obj, key);
  gboolean good;

  *ok = TRUE;
  if (item == NULL || (cJSON_IsNull (item) && !required))
    {
      if (required)
        *ok = reader_fail (r, obj, "expected \"%s\" (%s)", key, type_names[type]);
      return NULL;
    }
  sgplan_json_path_push_key (&r->path, key);
  switch (type)
    {
    case T_STRING: good = cJSON_IsString (item); break;
    case T_INT:
      /* Within +-2^53, where a double holds every integer exactly. */
      good = sgplan_json_is_plain_integer (item) && item->valuedouble >= -9007199254740992.0
             && item->valuedouble <= 9007199254740992.0;
      break;
    case T_BOOL: good = cJSON_IsBool (item); break;
    case T_ARRAY: good = cJSON_IsArray (item); break;
    default: good = cJSON_IsObject (item); break;
    }
  if (!good && type == T_INT && cJSON_IsNumber (item) && item->valuestring != NULL)
    {
      g_autofree char *found = sgplan_cut (item->valuestring, SGPLAN_QUOTE_MAX);

      *ok = reader_fail (r, item, "\"%s\" must be a plain integer: found %s (no fraction, "
                                  "exponent or -0)", key, found);
      return NULL;
    }
  if (!good)
    {
      *ok = reader_fail (r, item, "\"%s\" must be %s", key, type_names[type]);
      return NULL;
    }
  sgplan_json_path_pop (&r->path);
  return item;
}

static gboolean read_scope (Reader *r, ChangeSet *cs, const cJSON *options);

static gboolean
get_string (Reader *r, const cJSON *obj, const char *key, gboolean required, const char **out)
{
  gboolean ok;
  const cJSON *item = member (r, obj, key, T_STRING, required, &ok);

  *out = item != NULL ? plan_str (r->store, item->valuestring) : NULL;
  return ok;
}

static gboolean
get_int (Reader *r, const cJSON *obj, const char *key, gboolean required, gint64 min, gint64 max,
         gint64 *out)
{
  gboolean ok;
  const cJSON *item = member (r, obj, key, T_INT, required, &ok);

  if (item == NULL)
    return ok;
  if (item->valuedouble < (double) min || item->valuedouble > (double) max)
    {
      sgplan_json_path_push_key (&r->path, key);
      return reader_fail (r, item, "\"%s\" must be from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                          key, min, max);
    }
  *out = (gint64) item->valuedouble;
  return TRUE;
}

static gboolean
get_strings_of (Reader *r, const cJSON *obj, const char *key, const char *what, const char ***out,
                guint *n)
{
  gboolean ok;
  const cJSON *array = member (r, obj, key, T_ARRAY, TRUE, &ok), *item;
  guint i = 0;

  if (array == NULL)
    return FALSE;
  *out = g_new0 (const char *, cJSON_GetArraySize (array) + 1);
  sgplan_json_path_push_key (&r->path, key);
  cJSON_ArrayForEach (item, array)
    {
      sgplan_json_path_push_index (&r->path, i);
      if (!cJSON_IsString (item))
        return reader_fail (r, item, "expected a string (%s)", what);
      (*out)[i++] = plan_str (r->store, item->valuestring);
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  *n = i;
  return TRUE;
}

static gboolean
get_strings (Reader *r, const cJSON *obj, const char *key, const char ***out, guint *n)
{
  return get_strings_of (r, obj, key, "a security group ID", out, n);
}

static gboolean
read_rule (Reader *r, const cJSON *obj, Rule *rule)
{
  const char *direction, *protocol, *kind;
  gint64 from = SGPLAN_PORT_NONE, to = SGPLAN_PORT_NONE;
  static const char *const kinds[] = { "cidr4", "cidr6", "prefix-list", "group" };

  memset (rule, 0, sizeof *rule);
  if (!cJSON_IsObject (obj))
    return reader_fail (r, obj, "expected a rule (a mapping)");
  if (!get_string (r, obj, "direction", TRUE, &direction) || !get_string (r, obj, "protocol", TRUE, &protocol)
      || !get_int (r, obj, "from_port", FALSE, -1, 65535, &from)
      || !get_int (r, obj, "to_port", FALSE, -1, 65535, &to)
      || !get_string (r, obj, "peer_kind", TRUE, &kind) || !get_string (r, obj, "peer", TRUE, &rule->peer)
      || !get_string (r, obj, "peer_owner_id", FALSE, &rule->peer_owner)
      || !get_string (r, obj, "peer_vpc_id", FALSE, &rule->peer_vpc)
      || !get_string (r, obj, "peering_id", FALSE, &rule->peering_id)
      || !get_string (r, obj, "peering_status", FALSE, &rule->peering_status)
      || !get_string (r, obj, "description", FALSE, &rule->description)
      || !get_string (r, obj, "rule_id", FALSE, &rule->rule_id))
    return FALSE;
  if (strcmp (direction, "inbound") != 0 && strcmp (direction, "outbound") != 0)
    {
      sgplan_json_path_push_key (&r->path, "direction");
      return reader_fail (r, cJSON_GetObjectItemCaseSensitive (obj, "direction"),
                          "\"direction\" must be inbound or outbound");
    }
  rule->direction = strcmp (direction, "outbound") == 0 ? RULE_EGRESS : RULE_INGRESS;
  rule->protocol = protocol;
  rule->from_port = (gint32) from;
  rule->to_port = (gint32) to;
  rule->peer_kind = G_N_ELEMENTS (kinds);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    if (strcmp (kind, kinds[k]) == 0)
      rule->peer_kind = k;
  if (rule->peer_kind == G_N_ELEMENTS (kinds))
    {
      sgplan_json_path_push_key (&r->path, "peer_kind");
      return reader_fail (r, cJSON_GetObjectItemCaseSensitive (obj, "peer_kind"),
                          "\"peer_kind\" must be cidr4, cidr6, prefix-list or group");
    }
  return TRUE;
}

static gboolean
read_rules (Reader *r, const cJSON *obj, Step *step)
{
  gboolean ok;
  const cJSON *array = member (r, obj, "rules", T_ARRAY, TRUE, &ok), *item;
  guint i = 0;

  if (array == NULL)
    return FALSE;
  step->rules = g_new0 (Rule, cJSON_GetArraySize (array) + 1);
  sgplan_json_path_push_key (&r->path, "rules");
  cJSON_ArrayForEach (item, array)
    {
      sgplan_json_path_push_index (&r->path, i);
      if (!read_rule (r, item, &step->rules[i]))
        return FALSE;
      if (step->rules[i].direction != step_action_direction (step->action))
        return reader_fail (r, item, "an %s rule in a %s step",
                            step->rules[i].direction == RULE_EGRESS ? "outbound" : "inbound",
                            step_action_name (step->action));
      i++;
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  step->n_rules = i;
  if (i == 0)
    return reader_fail (r, array, "expected at least one rule");
  return TRUE;
}

static gboolean
read_tags (Reader *r, const cJSON *obj, Step *step)
{
  gboolean ok;
  const cJSON *array = member (r, obj, "tags", T_ARRAY, TRUE, &ok), *item;
  guint i = 0;

  if (array == NULL)
    return FALSE;
  step->tags = g_new0 (Tag, cJSON_GetArraySize (array) + 1);
  sgplan_json_path_push_key (&r->path, "tags");
  cJSON_ArrayForEach (item, array)
    {
      sgplan_json_path_push_index (&r->path, i);
      if (!cJSON_IsObject (item))
        return reader_fail (r, item, "expected a tag: {key, value}");
      if (!get_string (r, item, "key", TRUE, &step->tags[i].key)
          || !get_string (r, item, "value", TRUE, &step->tags[i].value))
        return FALSE;
      i++;
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  step->n_tags = i;
  return TRUE;
}

/* A modify-resource step's "resource": {type, id, name, network_interfaces,
 * subnets (Lambda)}. */
static gboolean
read_resource (Reader *r, const cJSON *obj, Step *step)
{
  gboolean ok;
  const cJSON *res = member (r, obj, "resource", T_OBJECT, TRUE, &ok);
  const char *type;

  if (res == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "resource");
  if (!get_string (r, res, "type", TRUE, &type) || !get_string (r, res, "id", TRUE, &step->resource_id)
      || !get_string (r, res, "name", FALSE, &step->resource_name)
      || !get_strings_of (r, res, "network_interfaces", "a network interface ID", &step->resource_enis,
                          &step->n_resource_enis))
    return FALSE;
  step->service = step_service_from_name (type);
  if (step->service == SERVICE_COUNT)
    {
      g_autofree char *quoted = sgplan_quote (type);
      sgplan_json_path_push_key (&r->path, "type");
      return reader_fail (r, cJSON_GetObjectItemCaseSensitive (res, "type"), "unknown resource type %s", quoted);
    }
  if (step->service == SERVICE_LAMBDA
      && !get_strings_of (r, res, "subnets", "a subnet ID", &step->subnets, &step->n_subnets))
    return FALSE;
  {
    const cJSON *dual = member (r, res, "ipv6_allowed_for_dual_stack", T_BOOL, FALSE, &ok);

    if (!ok)
      return FALSE;
    step->ipv6_dual_stack = cJSON_IsTrue (dual);
  }
  sgplan_json_path_pop (&r->path);
  return TRUE;
}

/* The precondition a step states must be the one its fields imply. */
static gboolean
check_precondition (Reader *r, const cJSON *obj, const Step *step)
{
  gboolean ok;
  const cJSON *stated = member (r, obj, "precondition", T_OBJECT, TRUE, &ok);
  g_autoptr (cJSON) expected = NULL;
  g_autoptr (cJSON) fields = NULL;

  if (stated == NULL)
    return FALSE;
  fields = cJSON_CreateObject ();
  changeset_add_step (fields, step, FALSE);
  expected = cJSON_DetachItemFromObjectCaseSensitive (fields, "precondition");
  if (!cJSON_Compare (stated, expected, TRUE))
    {
      g_autofree char *text = cJSON_PrintUnformatted (expected);
      g_autofree char *want = sgplan_cut (text, 4 * SGPLAN_QUOTE_MAX);
      sgplan_json_path_push_key (&r->path, "precondition");
      return reader_fail (r, stated, "this precondition does not match the step: expected %s", want);
    }
  return TRUE;
}

/* The fields of a step (shared by steps, inverses and rollback entries). */
static gboolean
read_step_fields (Reader *r, const cJSON *obj, Step *step)
{
  const char *action;

  if (!cJSON_IsObject (obj))
    return reader_fail (r, obj, "expected a step (a mapping)");
  if (!get_string (r, obj, "action", TRUE, &action))
    return FALSE;
  step->action = step_action_from_name (action);
  if (step->action == ACTION_COUNT)
    {
      g_autofree char *quoted = sgplan_quote (action);
      sgplan_json_path_push_key (&r->path, "action");
      return reader_fail (r, cJSON_GetObjectItemCaseSensitive (obj, "action"),
                          "unknown action %s", quoted);
    }
  if (!get_string (r, obj, "account", TRUE, &step->account)
      || !get_string (r, obj, "region", TRUE, &step->region))
    return FALSE;
  switch (step->action)
    {
    case ACTION_CREATE_GROUP:
    case ACTION_DELETE_GROUP:
      if (!get_string (r, obj, "group_id", TRUE, &step->group_id)
          || !get_string (r, obj, "vpc_id", TRUE, &step->vpc_id)
          || !get_string (r, obj, "group_name", TRUE, &step->group_name)
          || !get_string (r, obj, "description", TRUE, &step->description)
          || !read_tags (r, obj, step))
        return FALSE;
      break;
    case ACTION_MODIFY_ENI_GROUPS:
      if (!get_string (r, obj, "network_interface_id", TRUE, &step->eni_id)
          || !get_strings (r, obj, "groups_before", &step->groups_before, &step->n_before)
          || !get_strings (r, obj, "groups_after", &step->groups_after, &step->n_after))
        return FALSE;
      break;
    case ACTION_MODIFY_RESOURCE_GROUPS:
      if (!read_resource (r, obj, step)
          || !get_strings (r, obj, "groups_before", &step->groups_before, &step->n_before)
          || !get_strings (r, obj, "groups_after", &step->groups_after, &step->n_after))
        return FALSE;
      {
        const char *problem = step_resource_problem (step);

        if (problem != NULL)
          {
            sgplan_json_path_push_key (&r->path, "resource");
            return reader_fail (r, cJSON_GetObjectItemCaseSensitive (obj, "resource"),
                                "this resource step cannot be run: %s", problem);
          }
      }
      break;
    default:
      if (!get_string (r, obj, "group_id", TRUE, &step->group_id) || !read_rules (r, obj, step))
        return FALSE;
      break;
    }
  return check_precondition (r, obj, step);
}

static gboolean
read_steps (Reader *r, ChangeSet *cs, const cJSON *group_obj, ChangeSetGroup *g)
{
  gboolean ok;
  const cJSON *array = member (r, group_obj, "steps", T_ARRAY, TRUE, &ok), *item;
  guint i = 0;

  if (array == NULL)
    return FALSE;
  g->first_step = cs->steps->len;
  sgplan_json_path_push_key (&r->path, "steps");
  cJSON_ArrayForEach (item, array)
    {
      Step *step = g_new0 (Step, 1);
      Step *inverse = g_new0 (Step, 1);
      gint64 id = 0;
      const cJSON *inv;

      g_ptr_array_add (cs->steps, step);
      g_ptr_array_add (cs->inverses, inverse);
      sgplan_json_path_push_index (&r->path, i++);
      if (!read_step_fields (r, item, step) || !get_string (r, item, "purpose", TRUE, &step->purpose)
          || !get_int (r, item, "id", TRUE, 1, G_MAXINT32, &id))
        return FALSE;
      if ((guint) id != cs->steps->len)
        {
          sgplan_json_path_push_key (&r->path, "id");
          return reader_fail (r, cJSON_GetObjectItemCaseSensitive (item, "id"),
                              "step ids must count up from 1 through the change set: expected %u",
                              cs->steps->len);
        }
      inv = member (r, item, "inverse", T_OBJECT, TRUE, &ok);
      if (inv == NULL)
        return FALSE;
      sgplan_json_path_push_key (&r->path, "inverse");
      if (!read_step_fields (r, inv, inverse))
        return FALSE;
      sgplan_json_path_pop (&r->path);
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  g->n_steps = cs->steps->len - g->first_step;
  return TRUE;
}

static guint
array_len (const cJSON *obj, const char *key)
{
  return (guint) cJSON_GetArraySize (cJSON_GetObjectItemCaseSensitive (obj, key));
}

static gboolean
read_warnings (Reader *r, const cJSON *obj, GPtrArray *out)
{
  gboolean ok;
  const cJSON *array = member (r, obj, "warnings", T_ARRAY, TRUE, &ok), *item;
  guint i = 0;

  if (array == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "warnings");
  cJSON_ArrayForEach (item, array)
    {
      sgplan_json_path_push_index (&r->path, i++);
      if (!cJSON_IsString (item))
        return reader_fail (r, item, "expected a warning (a string)");
      g_ptr_array_add (out, (gpointer) plan_str (r->store, item->valuestring));
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  return TRUE;
}

static void
group_free (gpointer data)
{
  ChangeSetGroup *g = data;

  g_free (g->interfaces);
  g_free (g->references);
  g_free (g->outside);
  g_ptr_array_unref (g->warnings);
  g_ptr_array_unref (g->blockers);
  g_free (g);
}

/* findings.attached_interfaces: each interface's ID and the evidence of
 * what is behind it (show names the kind). */
static gboolean
read_interfaces (Reader *r, const cJSON *findings, ChangeSetGroup *g)
{
  gboolean ok;
  const cJSON *array = member (r, findings, "attached_interfaces", T_ARRAY, TRUE, &ok), *item;
  guint i = 0;

  if (array == NULL)
    return FALSE;
  g->interfaces = g_new0 (ChangeSetInterface, cJSON_GetArraySize (array) + 1);
  sgplan_json_path_push_key (&r->path, "attached_interfaces");
  cJSON_ArrayForEach (item, array)
    {
      ChangeSetInterface *eni = &g->interfaces[i];
      const cJSON *managed;

      sgplan_json_path_push_index (&r->path, i++);
      if (!cJSON_IsObject (item))
        return reader_fail (r, item, "expected a network interface (a mapping)");
      if (!get_string (r, item, "id", TRUE, &eni->id)
          || !get_string (r, item, "interface_type", FALSE, &eni->evidence.interface_type)
          || !get_string (r, item, "requester_id", FALSE, &eni->evidence.requester_id)
          || !get_string (r, item, "description", FALSE, &eni->evidence.description)
          || !get_string (r, item, "instance_id", FALSE, &eni->evidence.instance_id))
        return FALSE;
      managed = member (r, item, "requester_managed", T_BOOL, FALSE, &ok);
      if (!ok)
        return FALSE;
      eni->evidence.requester_managed = cJSON_IsTrue (managed);
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  g->n_attached = i;
  return TRUE;
}

/* Member KEY of OBJ when it is a string, else NULL: for what is read only
 * as far as it is well-formed. */
static const char *
loose_string (Reader *r, const cJSON *obj, const char *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (obj, key);

  return cJSON_IsString (item) ? plan_str (r->store, item->valuestring) : NULL;
}

/* findings.outside_references, for `sgplan graph`: the referencing VPCs
 * not in the export, as far as they are well-formed (validate compares the
 * counts with the export). */
static void
read_outside (Reader *r, const cJSON *findings, ChangeSetGroup *g)
{
  const cJSON *outside = cJSON_GetObjectItemCaseSensitive (findings, "outside_references");
  const cJSON *item;

  if (!cJSON_IsArray (outside))
    outside = NULL;
  g->outside = g_new0 (GroupReference, cJSON_GetArraySize (outside) + 1);
  cJSON_ArrayForEach (item, outside)
    {
      GroupReference *ext = &g->outside[g->n_outside_entries];

      ext->group_id = g->group_id;
      ext->referencing_vpc = loose_string (r, item, "referencing_vpc_id");
      ext->peering_id = loose_string (r, item, "peering_id");
      ext->transit_gateway_id = loose_string (r, item, "transit_gateway_id");
      if (ext->referencing_vpc != NULL)
        g->n_outside_entries++;
    }
}

/* findings.references: each referencing group and its rule (show lists them). */
static gboolean
read_references (Reader *r, const cJSON *findings, ChangeSetGroup *g)
{
  gboolean ok;
  const cJSON *array = member (r, findings, "references", T_ARRAY, FALSE, &ok), *item;
  guint i = 0;

  if (array == NULL)
    return ok;
  g->references = g_new0 (ChangeSetReference, cJSON_GetArraySize (array) + 1);
  sgplan_json_path_push_key (&r->path, "references");
  cJSON_ArrayForEach (item, array)
    {
      ChangeSetReference *ref = &g->references[i];
      const cJSON *rule;

      sgplan_json_path_push_index (&r->path, i++);
      if (!cJSON_IsObject (item))
        return reader_fail (r, item, "expected a referencing rule (a mapping)");
      if (!get_string (r, item, "group_id", TRUE, &ref->group_id)
          || !get_string (r, item, "group_name", FALSE, &ref->group_name)
          || !get_string (r, item, "owner_id", FALSE, &ref->owner_id)
          || !get_string (r, item, "vpc_id", FALSE, &ref->vpc_id))
        return FALSE;
      rule = member (r, item, "rule", T_OBJECT, TRUE, &ok);
      if (rule == NULL)
        return FALSE;
      sgplan_json_path_push_key (&r->path, "rule");
      if (!read_rule (r, rule, &ref->rule))
        return FALSE;
      sgplan_json_path_pop (&r->path);
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  g->n_references = i;
  return TRUE;
}

/* "blocked_by": [{subject, reason, unblock}], optional. */
static gboolean
read_blockers (Reader *r, const cJSON *obj, ChangeSetGroup *g)
{
  gboolean ok;
  const cJSON *list = member (r, obj, "blocked_by", T_ARRAY, FALSE, &ok), *item;
  guint i = 0;

  if (list == NULL)
    return ok;
  sgplan_json_path_push_key (&r->path, "blocked_by");
  cJSON_ArrayForEach (item, list)
    {
      Blocker *b = g_new0 (Blocker, 1);

      g_ptr_array_add (g->blockers, b);
      sgplan_json_path_push_index (&r->path, i++);
      if (!cJSON_IsObject (item))
        return reader_fail (r, item, "expected what blocks the group: {subject, reason, unblock}");
      if (!get_string (r, item, "subject", TRUE, &b->subject) || !get_string (r, item, "reason", TRUE, &b->reason)
          || !get_string (r, item, "unblock", TRUE, &b->unblock))
        return FALSE;
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  return TRUE;
}

static gboolean
read_group (Reader *r, ChangeSet *cs, const cJSON *obj)
{
  ChangeSetGroup *g = g_new0 (ChangeSetGroup, 1);
  const char *decision;
  const cJSON *findings, *replacement, *exception;
  gboolean ok;

  g->warnings = g_ptr_array_new ();
  g->blockers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (cs->groups, g);
  if (!cJSON_IsObject (obj))
    return reader_fail (r, obj, "expected a default group (a mapping)");
  if (!get_string (r, obj, "group_id", TRUE, &g->group_id)
      || !get_string (r, obj, "vpc_id", TRUE, &g->vpc_id)
      || !get_string (r, obj, "owner_id", TRUE, &g->owner_id)
      || !get_string (r, obj, "region", TRUE, &g->region)
      || !get_string (r, obj, "status", TRUE, &g->status)
      || !get_string (r, obj, "decision", TRUE, &decision)
      || !get_string (r, obj, "reason", FALSE, &g->reason)
      || !get_string (r, obj, "unblock", FALSE, &g->unblock))
    return FALSE;
  if (!read_blockers (r, obj, g))
    return FALSE;
  g->decision = decision_from_name (decision);
  if (g->decision == DECISION_COUNT)
    {
      g_autofree char *quoted = sgplan_quote (decision);
      sgplan_json_path_push_key (&r->path, "decision");
      return reader_fail (r, cJSON_GetObjectItemCaseSensitive (obj, "decision"),
                          "unknown decision %s (expected compliant, revoke, migrate, blocked or excepted)",
                          quoted);
    }
  cs->counts[g->decision]++;
  replacement = member (r, obj, "replacement", T_OBJECT, g->decision == DECISION_MIGRATE, &ok);
  if (!ok)
    return FALSE;
  if (replacement != NULL)
    {
      sgplan_json_path_push_key (&r->path, "replacement");
      if (!get_string (r, replacement, "group_id", TRUE, &g->replacement_id)
          || !get_string (r, replacement, "group_name", TRUE, &g->replacement_name))
        return FALSE;
      sgplan_json_path_pop (&r->path);
    }
  /* validate reports an exception that has expired since */
  exception = cJSON_GetObjectItemCaseSensitive (obj, "exception");
  if (cJSON_IsObject (exception))
    {
      const cJSON *expires = cJSON_GetObjectItemCaseSensitive (exception, "expires");

      if (cJSON_IsString (expires))
        g->exception_expires = plan_str (r->store, expires->valuestring);
    }
  findings = member (r, obj, "findings", T_OBJECT, TRUE, &ok);
  if (findings == NULL)
    return FALSE;
  g->n_rules = array_len (findings, "rules");
  g->n_outside = array_len (findings, "outside_references");
  read_outside (r, findings, g);
  sgplan_json_path_push_key (&r->path, "findings");
  if (!read_interfaces (r, findings, g) || !read_references (r, findings, g))
    return FALSE;
  sgplan_json_path_pop (&r->path);
  return read_warnings (r, obj, g->warnings) && read_steps (r, cs, obj, g);
}

static gboolean
read_rollback (Reader *r, ChangeSet *cs, const cJSON *root)
{
  gboolean ok;
  const cJSON *array = member (r, root, "rollback", T_ARRAY, TRUE, &ok), *item;
  guint i = 0;

  if (array == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "rollback");
  cJSON_ArrayForEach (item, array)
    {
      Step *step = g_new0 (Step, 1);
      gint64 undoes = 0;

      g_ptr_array_add (cs->rollback, step);
      sgplan_json_path_push_index (&r->path, i++);
      if (!read_step_fields (r, item, step)
          || !get_int (r, item, "undoes", TRUE, 1, cs->steps->len, &undoes))
        return FALSE;
      {
        guint u = (guint) undoes;
        g_array_append_val (cs->rollback_undoes, u);
      }
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  return TRUE;
}

static gboolean
read_inputs (Reader *r, ChangeSet *cs, const cJSON *root)
{
  gboolean ok;
  const cJSON *array = member (r, root, "inputs", T_ARRAY, TRUE, &ok), *item;
  guint i = 0;

  if (array == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "inputs");
  cJSON_ArrayForEach (item, array)
    {
      SourceFile *src = g_new0 (SourceFile, 1);
      const char *sha;

      g_ptr_array_add (cs->inputs, src);
      sgplan_json_path_push_index (&r->path, i++);
      if (!cJSON_IsObject (item))
        return reader_fail (r, item, "expected an input: {path, sha256}");
      if (!get_string (r, item, "path", TRUE, &src->path) || !get_string (r, item, "sha256", TRUE, &sha))
        return FALSE;
      g_strlcpy (src->sha256, sha, sizeof src->sha256);
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  return TRUE;
}

/* preflight.default_groups[].referencing_rules */
static gboolean
read_referencing_rules (Reader *r, const cJSON *item, ChangeSetDefaultUsers *u)
{
  gboolean ok;
  const cJSON *list = member (r, item, "referencing_rules", T_ARRAY, TRUE, &ok), *entry;
  guint k = 0;

  if (list == NULL)
    return FALSE;
  u->referencing_rules = g_new0 (ChangeSetRuleRef, cJSON_GetArraySize (list) + 1);
  sgplan_json_path_push_key (&r->path, "referencing_rules");
  cJSON_ArrayForEach (entry, list)
    {
      const cJSON *rule;

      sgplan_json_path_push_index (&r->path, k);
      if (!cJSON_IsObject (entry))
        return reader_fail (r, entry, "expected a referencing rule: {group_id, rule}");
      if (!get_string (r, entry, "group_id", TRUE, &u->referencing_rules[k].group_id))
        return FALSE;
      rule = member (r, entry, "rule", T_OBJECT, TRUE, &ok);
      if (rule == NULL)
        return FALSE;
      sgplan_json_path_push_key (&r->path, "rule");
      if (!read_rule (r, rule, &u->referencing_rules[k].rule))
        return FALSE;
      sgplan_json_path_pop (&r->path);
      sgplan_json_path_pop (&r->path);
      k++;
    }
  u->n_referencing_rules = k;
  sgplan_json_path_pop (&r->path);
  return TRUE;
}

/* preflight.default_groups[].references: absent when the export had no
 * describe-security-group-references data for the group's scope */
static gboolean
read_group_references (Reader *r, const cJSON *item, ChangeSetDefaultUsers *u)
{
  gboolean ok;
  const cJSON *list = member (r, item, "references", T_ARRAY, FALSE, &ok), *entry;
  guint k = 0;

  if (list == NULL)
    return ok;
  u->has_references = TRUE;
  u->references = g_new0 (GroupReference, cJSON_GetArraySize (list) + 1);
  sgplan_json_path_push_key (&r->path, "references");
  cJSON_ArrayForEach (entry, list)
    {
      GroupReference *ref = &u->references[k];

      sgplan_json_path_push_index (&r->path, k);
      if (!cJSON_IsObject (entry))
        return reader_fail (r, entry, "expected a reference: {referencing_vpc, peering_id}");
      ref->group_id = u->group_id;
      if (!get_string (r, entry, "referencing_vpc", TRUE, &ref->referencing_vpc)
          || !get_string (r, entry, "peering_id", FALSE, &ref->peering_id)
          || !get_string (r, entry, "transit_gateway_id", FALSE, &ref->transit_gateway_id))
        return FALSE;
      sgplan_json_path_pop (&r->path);
      k++;
    }
  u->n_references = k;
  sgplan_json_path_pop (&r->path);
  return TRUE;
}

/* preflight.default_groups: every user of every revoked or migrated default
 * group, as exported. */
static gboolean
read_default_users (Reader *r, ChangeSet *cs, const cJSON *pre)
{
  gboolean ok;
  const cJSON *list = member (r, pre, "default_groups", T_ARRAY, TRUE, &ok), *item;
  guint i = 0;

  if (list == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "default_groups");
  cJSON_ArrayForEach (item, list)
    {
      ChangeSetDefaultUsers *u = g_new0 (ChangeSetDefaultUsers, 1);

      g_ptr_array_add (cs->expected_defaults, u);
      sgplan_json_path_push_index (&r->path, i++);
      if (!cJSON_IsObject (item))
        return reader_fail (r, item, "expected a default group: {group_id, account, region, vpc_id, "
                                     "attached_interfaces, referencing_rules}");
      if (!get_string (r, item, "group_id", TRUE, &u->group_id)
          || !get_string (r, item, "account", TRUE, &u->account)
          || !get_string (r, item, "region", TRUE, &u->region)
          || !get_string (r, item, "vpc_id", TRUE, &u->vpc_id)
          || !get_strings_of (r, item, "attached_interfaces", "a network interface ID", &u->enis, &u->n_enis)
          || !read_referencing_rules (r, item, u) || !read_group_references (r, item, u))
        return FALSE;
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  return TRUE;
}

static gboolean
read_preflight (Reader *r, ChangeSet *cs, const cJSON *root)
{
  gboolean ok;
  const cJSON *pre = member (r, root, "preflight", T_OBJECT, TRUE, &ok);
  const cJSON *groups, *enis, *item;
  guint i = 0;

  if (pre == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "preflight");
  groups = member (r, pre, "groups", T_ARRAY, TRUE, &ok);
  if (groups == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "groups");
  cJSON_ArrayForEach (item, groups)
    {
      ChangeSetExpected *e = g_new0 (ChangeSetExpected, 1);
      const cJSON *list, *rule;
      guint k = 0;

      g_ptr_array_add (cs->expected_groups, e);
      sgplan_json_path_push_index (&r->path, i++);
      if (!cJSON_IsObject (item))
        return reader_fail (r, item, "expected a group: {group_id, account, region, rules}");
      if (!get_string (r, item, "group_id", TRUE, &e->id) || !get_string (r, item, "account", TRUE, &e->account)
          || !get_string (r, item, "region", TRUE, &e->region))
        return FALSE;
      list = member (r, item, "rules", T_ARRAY, TRUE, &ok);
      if (list == NULL)
        return FALSE;
      e->rules = g_new0 (Rule, cJSON_GetArraySize (list) + 1);
      sgplan_json_path_push_key (&r->path, "rules");
      cJSON_ArrayForEach (rule, list)
        {
          sgplan_json_path_push_index (&r->path, k);
          if (!read_rule (r, rule, &e->rules[k]))
            return FALSE;
          k++;
          sgplan_json_path_pop (&r->path);
        }
      e->n_rules = k;
      sgplan_json_path_pop (&r->path);
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  enis = member (r, pre, "network_interfaces", T_ARRAY, TRUE, &ok);
  if (enis == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "network_interfaces");
  i = 0;
  cJSON_ArrayForEach (item, enis)
    {
      ChangeSetExpected *e = g_new0 (ChangeSetExpected, 1);

      g_ptr_array_add (cs->expected_enis, e);
      sgplan_json_path_push_index (&r->path, i++);
      if (!cJSON_IsObject (item))
        return reader_fail (r, item, "expected a network interface: {network_interface_id, account, region, groups}");
      if (!get_string (r, item, "network_interface_id", TRUE, &e->id)
          || !get_string (r, item, "account", TRUE, &e->account)
          || !get_string (r, item, "region", TRUE, &e->region)
          || !get_strings (r, item, "groups", &e->groups, &e->n_groups))
        return FALSE;
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  /* service resources: only change sets that change some have the list */
  enis = member (r, pre, "resources", T_ARRAY, FALSE, &ok);
  if (!ok)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "resources");
  i = 0;
  for (item = enis != NULL ? enis->child : NULL; item != NULL; item = item->next)
    {
      ChangeSetExpected *e = g_new0 (ChangeSetExpected, 1);
      const char *type;

      g_ptr_array_add (cs->expected_resources, e);
      sgplan_json_path_push_index (&r->path, i++);
      if (!cJSON_IsObject (item))
        return reader_fail (r, item, "expected a resource: {type, id, account, region, groups}");
      if (!get_string (r, item, "type", TRUE, &type) || !get_string (r, item, "id", TRUE, &e->id)
          || !get_string (r, item, "account", TRUE, &e->account)
          || !get_string (r, item, "region", TRUE, &e->region)
          || !get_strings (r, item, "groups", &e->groups, &e->n_groups))
        return FALSE;
      e->service = step_service_from_name (type);
      if (e->service == SERVICE_COUNT)
        {
          g_autofree char *quoted = sgplan_quote (type);
          sgplan_json_path_push_key (&r->path, "type");
          return reader_fail (r, cJSON_GetObjectItemCaseSensitive (item, "type"), "unknown resource type %s",
                              quoted);
        }
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  if (!read_default_users (r, cs, pre))
    return FALSE;
  sgplan_json_path_pop (&r->path);
  return TRUE;
}

static gboolean
read_root (Reader *r, ChangeSet *cs, const cJSON *root)
{
  const char *format;
  gint64 version = 0;
  const cJSON *groups, *item;
  gboolean ok;
  guint i = 0;

  if (!cJSON_IsObject (root))
    return reader_fail (r, root, "expected a change set (a mapping with \"format: %s\")", CHANGESET_FORMAT);
  if (!get_string (r, root, "format", TRUE, &format))
    return FALSE;
  if (strcmp (format, CHANGESET_FORMAT) != 0)
    {
      g_autofree char *quoted = sgplan_quote (format);
      sgplan_json_path_push_key (&r->path, "format");
      return reader_fail (r, cJSON_GetObjectItemCaseSensitive (root, "format"),
                          "\"format\" is %s: expected \"%s\"", quoted, CHANGESET_FORMAT);
    }
  if (!get_int (r, root, "version", TRUE, 0, G_MAXINT32, &version))
    return FALSE;
  if (version != CHANGESET_VERSION)
    {
      sgplan_json_path_push_key (&r->path, "version");
      return reader_fail (r, cJSON_GetObjectItemCaseSensitive (root, "version"),
                          "change set version %" G_GINT64_FORMAT " is not supported: this sgplan reads version %d",
                          version, CHANGESET_VERSION);
    }
  if (!get_string (r, root, "fingerprint", TRUE, &cs->fingerprint))
    return FALSE;
  if (strlen (cs->fingerprint) != 64 || strspn (cs->fingerprint, "0123456789abcdef") != 64)
    {
      sgplan_json_path_push_key (&r->path, "fingerprint");
      return reader_fail (r, cJSON_GetObjectItemCaseSensitive (root, "fingerprint"),
                          "\"fingerprint\" must be 64 lowercase hexadecimal digits (SHA-256)");
    }
  if (!read_inputs (r, cs, root) || !read_warnings (r, root, cs->warnings))
    return FALSE;
  {
    const cJSON *options = cJSON_GetObjectItemCaseSensitive (root, "options");
    const cJSON *date = cJSON_IsObject (options) ? cJSON_GetObjectItemCaseSensitive (options, "date") : NULL;

    if (cJSON_IsString (date))
      cs->date = plan_str (r->store, date->valuestring);
    if (cJSON_IsObject (options) && !read_scope (r, cs, options))
      return FALSE;
  }
  groups = member (r, root, "default_groups", T_ARRAY, TRUE, &ok);
  if (groups == NULL)
    return FALSE;
  sgplan_json_path_push_key (&r->path, "default_groups");
  cJSON_ArrayForEach (item, groups)
    {
      sgplan_json_path_push_index (&r->path, i++);
      if (!read_group (r, cs, item))
        return FALSE;
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  return read_preflight (r, cs, root) && read_rollback (r, cs, root);
}

/* options.scope (plan --account, --region, --vpc, --group): kept as words
 * and as lists for show; lists of strings, when there. */
static gboolean
read_scope (Reader *r, ChangeSet *cs, const cJSON *options)
{
  static const char *const keys[] = { "accounts", "regions", "vpcs", "groups" };
  /* owned by CS (changeset_free), even when reading fails half-way */
  char ***lists[G_N_ELEMENTS (keys)] = { &cs->scope_lists.accounts, &cs->scope_lists.regions,
                                         &cs->scope_lists.vpcs, &cs->scope_lists.groups };
  gboolean ok;
  const cJSON *scope = member (r, options, "scope", T_OBJECT, FALSE, &ok);
  g_autofree char *text = NULL;

  if (scope == NULL)
    return ok;
  sgplan_json_path_push_key (&r->path, "options");
  sgplan_json_path_push_key (&r->path, "scope");
  for (guint l = 0; l < G_N_ELEMENTS (keys); l++)
    {
      const cJSON *array = member (r, scope, keys[l], T_ARRAY, FALSE, &ok), *item;
      char **list;
      guint i = 0;

      if (!ok)
        return FALSE;
      if (array == NULL)
        continue;
      list = *lists[l] = g_new0 (char *, cJSON_GetArraySize (array) + 1);
      sgplan_json_path_push_key (&r->path, keys[l]);
      cJSON_ArrayForEach (item, array)
        {
          sgplan_json_path_push_index (&r->path, i);
          if (!cJSON_IsString (item))
            return reader_fail (r, item, "expected a string (the scope's %s)", keys[l]);
          list[i++] = g_strdup (item->valuestring);
          sgplan_json_path_pop (&r->path);
        }
      sgplan_json_path_pop (&r->path);
    }
  sgplan_json_path_pop (&r->path);
  sgplan_json_path_pop (&r->path);
  text = scope_describe (&cs->scope_lists);
  cs->scope = plan_str (r->store, text);
  return TRUE;
}

void
changeset_free (ChangeSet *cs)
{
  if (cs == NULL)
    return;
  g_free (cs->path);
  g_strfreev (cs->scope_lists.accounts);
  g_strfreev (cs->scope_lists.regions);
  g_strfreev (cs->scope_lists.vpcs);
  g_strfreev (cs->scope_lists.groups);
  g_ptr_array_unref (cs->inputs);
  g_ptr_array_unref (cs->warnings);
  g_ptr_array_unref (cs->groups);
  g_ptr_array_unref (cs->inverses);
  g_ptr_array_unref (cs->rollback);
  g_array_unref (cs->rollback_undoes);
  g_ptr_array_unref (cs->expected_groups);
  g_ptr_array_unref (cs->expected_enis);
  g_ptr_array_unref (cs->expected_resources);
  g_ptr_array_unref (cs->expected_defaults);
  plan_free (cs->store);
  g_free (cs);
}

static void
expected_free (gpointer data)
{
  ChangeSetExpected *e = data;

  g_free (e->rules);
  g_free (e->groups);
  g_free (e);
}

static void
default_users_free (gpointer data)
{
  ChangeSetDefaultUsers *u = data;

  g_free (u->enis);
  g_free (u->referencing_rules);
  g_free (u->references);
  g_free (u);
}

static ChangeSet *
changeset_new (const char *path)
{
  ChangeSet *cs = g_new0 (ChangeSet, 1);

  cs->path = g_strdup (path);
  cs->store = plan_new ();
  cs->steps = cs->store->steps;
  cs->inputs = g_ptr_array_new_with_free_func (g_free);
  cs->warnings = g_ptr_array_new ();
  cs->groups = g_ptr_array_new_with_free_func (group_free);
  cs->inverses = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  cs->rollback = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  cs->rollback_undoes = g_array_new (FALSE, FALSE, sizeof (guint));
  cs->expected_groups = g_ptr_array_new_with_free_func (expected_free);
  cs->expected_enis = g_ptr_array_new_with_free_func (expected_free);
  cs->expected_resources = g_ptr_array_new_with_free_func (expected_free);
  cs->expected_defaults = g_ptr_array_new_with_free_func (default_users_free);
  return cs;
}

static ChangeSet *
from_tree (const cJSON *root, const char *path, const char *text, gsize len, GHashTable *marks,
           gboolean unplaced, GError **error)
{
  g_autoptr (ChangeSet) cs = changeset_new (path);
  Reader r = { 0 };

  r.file = path;
  r.text = text != NULL ? text : "";
  r.len = text != NULL ? len : 0;
  r.marks = marks;
  r.unplaced = unplaced;
  r.store = cs->store;
  r.error = error;
  if (!read_root (&r, cs, root))
    return NULL;
  return g_steal_pointer (&cs);
}

ChangeSet *
changeset_from_tree (const cJSON *root, const char *path, const char *text, gsize len,
                     GHashTable *marks, GError **error)
{
  return from_tree (root, path, text, len, marks, FALSE, error);
}

static ChangeSet *
changeset_fail_at (const char *path, const char *text, gsize len, gsize offset,
                   const char *message, GError **error)
{
  guint line, col;

  sgplan_json_line_col (text, len, offset, &line, &col);
  g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "'%s':%u:%u: %s", path, line, col,
               message);
  return NULL;
}

ChangeSet *
changeset_read (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len;
  g_autoptr (cJSON) root = NULL;
  g_autoptr (GHashTable) marks = NULL;
  gsize start, body;
  const char *encoding;

  if (!sgplan_read_file (path, &text, &len, error))
    return NULL;
  path = sgplan_display_path (path);
  encoding = sgplan_text_encoding (text, len, &body); /* BODY: past a byte-order mark */
  if (encoding != NULL)
    return changeset_fail_at (path, text, len, 0, encoding, error);
  start = sgplan_json_skip_ws (text, len, body);
  if (start < len && text[start] == '{')
    {
      /* JSON */
      const char *invalid;
      gsize end = 0, error_at = 0;
      g_autofree char *message = NULL;

      if (!g_utf8_validate_len (text, len, &invalid))
        return changeset_fail_at (path, text, len, (gsize) (invalid - text),
                                  "invalid UTF-8: expected a change set", error);
      root = sgplan_json_parse (text, len, start, &end, &error_at, &message);
      if (root == NULL)
        return changeset_fail_at (path, text, len, error_at, message, error);
      if (sgplan_json_skip_ws (text, len, end) < len)
        return changeset_fail_at (path, text, len, sgplan_json_skip_ws (text, len, end),
                                  "expected the end of the file after the change set", error);
    }
  else
    {
      g_autoptr (SgplanArena) arena = NULL;
      const cJSON *tree = yaml_fast_parse_in_arena (text + body, len - body, &arena);

      /* A change set as sgplan writes it is read without libyaml, into a
       * tree that is freed at once (yaml_fast_parse_in_arena), and without
       * the position of every node: a hash table as big as the tree, needed
       * only to say where a change set is wrong.  Any other YAML, and a
       * change set that is refused, is read (again) by libyaml, with the
       * positions. */
      if (tree != NULL)
        {
          ChangeSet *cs = from_tree (tree, path, text, len, NULL, TRUE, NULL);

          if (cs != NULL)
            return cs;
        }
      g_clear_pointer (&arena, sgplan_arena_free);
      root = yaml_to_cjson (text, len, path, &marks, error);
      if (root == NULL)
        return NULL;
    }
  return changeset_from_tree (root, path, text, len, marks, error);
}

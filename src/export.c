/* export.c - reading export files and folders into the model.
 *
 * An export is what `aws ec2 describe-security-groups`,
 * `describe-network-interfaces`, `describe-security-group-rules` and
 * `describe-security-group-references` print with --output json.  A file may
 * hold several documents one after another (pages), and a document may carry
 * several kinds.  A file is read as a stream (see "Reading a file is split
 * in two" below): only the elements being turned into the model are held as
 * cJSON trees, never the whole file.  Everything is untrusted: each value is
 * type-checked, and an error names the file, line and column of the
 * offending value. */
#include "config.h"

#include "export.h"
#include "files.h"
#include "json-parse.h"
#include "json-pos.h"
#include "sha256.h"
#include "sort.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>

/* A rule read from describe-security-group-rules, matched to its group's
 * rules after every file is read. */
typedef struct {
  const char *group_id;
  const char *source;
  Rule rule;
} PendingRuleId;

typedef struct {
  Model *model;
  const char *file;        /* display path, stored in the model */
  const char *path_region; /* region named by a folder in the path, or NULL */
  const char *buf;
  gsize len;
  gsize doc_start;
  SgplanJsonPath path;
  GArray *pending;         /* (element-type PendingRuleId) */
  GError **error;
  gboolean mapped;           /* pages read can be given back (see progress) */
  /* member(): where the last lookup in HINT_OBJECT stopped */
  const cJSON *hint_object;
  const cJSON *hint;
} Loader;

/* The member KEY of OBJ, or NULL.  Fields are read in about the order the
 * AWS CLI writes them, so the search starts after the member found last in
 * the same object: most lookups compare one name, not half the object. */
static const cJSON *
member (Loader *l, const cJSON *obj, const char *key)
{
  const cJSON *start = l->hint_object == obj && l->hint != NULL ? l->hint : obj->child;
  const cJSON *m = start;

  if (m == NULL)
    return NULL;
  do
    {
      if (strcmp (m->string, key) == 0)
        {
          l->hint_object = obj;
          l->hint = m->next;
          return m;
        }
      m = m->next != NULL ? m->next : obj->child;
    }
  while (m != start);
  return NULL;
}

static gboolean G_GNUC_PRINTF (2, 3)
loader_fail (Loader *l, const char *format, ...)
{
  g_autofree char *message = NULL;
  guint line, col;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  sgplan_json_line_col (l->buf, l->len, sgplan_json_locate (l->buf, l->len, l->doc_start, &l->path),
                        &line, &col);
  g_set_error (l->error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "'%s':%u:%u: %s",
               sgplan_display_path (l->file), line, col, message);
  return FALSE;
}

/* IDs reach generated scripts as shell words and journal fields: accept
 * only the shapes AWS gives them (prefix, then hexadecimal digits; accounts
 * are 12 digits). */
static const char *
id_problem (const char *key, const char *value)
{
  static const struct { const char *key, *prefix, *what; } ids[] = {
    { "GroupId", "sg-", "a security group ID (sg- and hexadecimal digits)" },
    { "NetworkInterfaceId", "eni-", "a network interface ID (eni- and hexadecimal digits)" },
    { "VpcId", "vpc-", "a VPC ID (vpc- and hexadecimal digits)" },
    { "ReferencingVpcId", "vpc-", "a VPC ID (vpc- and hexadecimal digits)" },
    { "VpcPeeringConnectionId", "pcx-", "a peering connection ID (pcx- and hexadecimal digits)" },
  };

  gsize key_len = strlen (key);

  /* (every key checked here ends in "Id") */
  if (key_len < 2 || strcmp (key + key_len - 2, "Id") != 0)
    return NULL;
  if (strcmp (key, "OwnerId") == 0)
    return strlen (value) == 12 && strspn (value, "0123456789") == 12 ? NULL : "an account ID (12 digits)";
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (strcmp (key, ids[i].key) == 0)
      {
        gsize n = strlen (ids[i].prefix);
        const char *digits = value + n;

        if (strncmp (value, ids[i].prefix, n) != 0 || digits[0] == '\0'
            || strspn (digits, "0123456789abcdef") != strlen (digits) || strlen (digits) > 32)
          return ids[i].what;
        return NULL;
      }
  return NULL;
}

/* Typed field readers.  On a wrong type the error points at the value; on a
 * missing required field, at the object that lacks it. */
static gboolean
read_string (Loader *l, const cJSON *obj, const char *key, gboolean required, const char *what,
             const char **out)
{
  const cJSON *item = member (l, obj, key);
  gboolean ok = TRUE;

  *out = NULL;
  if (item == NULL || (cJSON_IsNull (item) && !required))
    {
      if (required)
        return loader_fail (l, "expected \"%s\" (a string) in this %s", key, what);
      return TRUE;
    }
  sgplan_json_path_push_key (&l->path, key);
  if (!cJSON_IsString (item))
    ok = loader_fail (l, "\"%s\" must be a string", key);
  else if (required && item->valuestring[0] == '\0')
    ok = loader_fail (l, "\"%s\" must not be empty", key);
  else if (id_problem (key, item->valuestring) != NULL)
    ok = loader_fail (l, "\"%s\" must be %s", key, id_problem (key, item->valuestring));
  else
    *out = item->valuestring;
  sgplan_json_path_pop (&l->path);
  return ok;
}

static gboolean
read_int (Loader *l, const cJSON *obj, const char *key, gint32 *out)
{
  const cJSON *item = member (l, obj, key);
  gboolean ok = TRUE;

  *out = SGPLAN_PORT_NONE;
  if (item == NULL || cJSON_IsNull (item))
    return TRUE;
  sgplan_json_path_push_key (&l->path, key);
  if (cJSON_IsNumber (item) && !sgplan_json_is_plain_integer (item))
    {
      g_autofree char *found = sgplan_cut (item->valuestring, SGPLAN_QUOTE_MAX);
      ok = loader_fail (l, "\"%s\" must be a plain integer from -1 to 65535, as the AWS CLI "
                           "writes it: found %s (no fraction, exponent or -0)", key, found);
    }
  else if (!cJSON_IsNumber (item) || item->valuedouble != floor (item->valuedouble)
           || item->valuedouble < -1 || item->valuedouble > 65535)
    ok = loader_fail (l, "\"%s\" must be an integer from -1 to 65535", key);
  else
    *out = (gint32) item->valuedouble;
  sgplan_json_path_pop (&l->path);
  return ok;
}

static gboolean
read_bool (Loader *l, const cJSON *obj, const char *key, gboolean required, const char *what,
           gboolean *out)
{
  const cJSON *item = member (l, obj, key);
  gboolean ok = TRUE;

  *out = FALSE;
  if (item == NULL)
    {
      if (required)
        return loader_fail (l, "expected \"%s\" (true or false) in this %s", key, what);
      return TRUE;
    }
  sgplan_json_path_push_key (&l->path, key);
  if (!cJSON_IsBool (item))
    ok = loader_fail (l, "\"%s\" must be true or false", key);
  else
    *out = cJSON_IsTrue (item);
  sgplan_json_path_pop (&l->path);
  return ok;
}

/* The array at KEY (NULL when absent and optional). */
static gboolean
read_array (Loader *l, const cJSON *obj, const char *key, gboolean required, const char *what,
            const cJSON **out)
{
  const cJSON *item = member (l, obj, key);

  *out = NULL;
  if (item == NULL)
    {
      if (required)
        return loader_fail (l, "expected \"%s\" (an array) in this %s", key, what);
      return TRUE;
    }
  if (!cJSON_IsArray (item))
    {
      gboolean ok;

      sgplan_json_path_push_key (&l->path, key);
      ok = loader_fail (l, "\"%s\" must be an array", key);
      sgplan_json_path_pop (&l->path);
      return ok;
    }
  *out = item;
  return TRUE;
}

static gboolean
expect_object (Loader *l, const cJSON *item, const char *what)
{
  if (!cJSON_IsObject (item))
    return loader_fail (l, "expected an object (%s)", what);
  return TRUE;
}

static gboolean
read_tags (Loader *l, const cJSON *obj, const char *key, Tag **tags, guint *n_tags)
{
  const cJSON *array, *item;
  guint i = 0;

  *tags = NULL;
  *n_tags = 0;
  if (!read_array (l, obj, key, FALSE, NULL, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;
  *tags = g_new0 (Tag, cJSON_GetArraySize (array));
  sgplan_json_path_push_key (&l->path, key);
  cJSON_ArrayForEach (item, array)
    {
      const char *k, *v;

      sgplan_json_path_push_index (&l->path, i);
      if (!expect_object (l, item, "a tag with \"Key\" and \"Value\"")
          || !read_string (l, item, "Key", TRUE, "tag", &k)
          || !read_string (l, item, "Value", FALSE, "tag", &v))
        return FALSE;
      (*tags)[i].key = model_intern (l->model, k);
      (*tags)[i].value = model_intern (l->model, v != NULL ? v : "");
      sgplan_json_path_pop (&l->path);
      i++;
    }
  sgplan_json_path_pop (&l->path);
  *n_tags = i;
  return TRUE;
}

/* Protocol and ports of a permission, canonical: ports only where AWS uses
 * them (tcp, udp, icmp, icmpv6). */
static gboolean
read_protocol_ports (Loader *l, const cJSON *obj, Rule *rule)
{
  const char *protocol;
  g_autofree char *canonical = NULL;

  if (!read_string (l, obj, "IpProtocol", TRUE, "permission", &protocol)
      || !read_int (l, obj, "FromPort", &rule->from_port)
      || !read_int (l, obj, "ToPort", &rule->to_port))
    return FALSE;
  canonical = protocol_canonical (protocol);
  rule->protocol = model_intern (l->model, canonical);
  if (strcmp (canonical, "tcp") == 0 || strcmp (canonical, "udp") == 0)
    {
      if (rule->from_port == SGPLAN_PORT_NONE || rule->to_port == SGPLAN_PORT_NONE)
        return loader_fail (l, "expected \"FromPort\" and \"ToPort\" for protocol %s", canonical);
      if (rule->from_port > rule->to_port && rule->from_port != -1)
        {
          sgplan_json_path_push_key (&l->path, "FromPort");
          return loader_fail (l, "\"FromPort\" %d is greater than \"ToPort\" %d", rule->from_port,
                              rule->to_port);
        }
    }
  else if (strcmp (canonical, "icmp") != 0 && strcmp (canonical, "icmpv6") != 0)
    rule->from_port = rule->to_port = SGPLAN_PORT_NONE;
  return TRUE;
}

typedef struct {
  const char *list_key;  /* IpRanges ... */
  const char *peer_key;  /* CidrIp ... */
  PeerKind kind;
} PeerList;

static const PeerList peer_lists[] = {
  { "IpRanges", "CidrIp", PEER_CIDR4 },
  { "Ipv6Ranges", "CidrIpv6", PEER_CIDR6 },
  { "PrefixListIds", "PrefixListId", PEER_PREFIX_LIST },
  { "UserIdGroupPairs", "GroupId", PEER_GROUP },
};

/* Reads the group-pair fields shared by UserIdGroupPairs entries and
 * ReferencedGroupInfo. */
static gboolean
read_group_pair (Loader *l, const cJSON *obj, Rule *rule)
{
  const char *owner, *vpc, *peering, *status;

  if (!read_string (l, obj, "UserId", FALSE, NULL, &owner)
      || !read_string (l, obj, "VpcId", FALSE, NULL, &vpc)
      || !read_string (l, obj, "VpcPeeringConnectionId", FALSE, NULL, &peering)
      || !read_string (l, obj, "PeeringStatus", FALSE, NULL, &status))
    return FALSE;
  rule->peer_owner = model_intern (l->model, owner);
  rule->peer_vpc = model_intern (l->model, vpc);
  rule->peering_id = model_intern (l->model, peering);
  rule->peering_status = model_intern (l->model, status);
  return TRUE;
}

static gboolean
read_permission (Loader *l, const cJSON *perm, RuleDirection direction, GArray *rules)
{
  Rule base = { 0 };
  guint before = rules->len;

  if (!expect_object (l, perm, "an IpPermission"))
    return FALSE;
  base.direction = direction;
  if (!read_protocol_ports (l, perm, &base))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (peer_lists); k++)
    {
      const PeerList *pl = &peer_lists[k];
      const cJSON *array, *item;
      guint i = 0;

      if (!read_array (l, perm, pl->list_key, FALSE, NULL, &array))
        return FALSE;
      if (array == NULL)
        continue;
      sgplan_json_path_push_key (&l->path, pl->list_key);
      cJSON_ArrayForEach (item, array)
        {
          Rule rule = base;
          const char *peer, *description;

          sgplan_json_path_push_index (&l->path, i++);
          if (!expect_object (l, item, pl->list_key)
              || !read_string (l, item, pl->peer_key, TRUE, pl->list_key, &peer)
              || !read_string (l, item, "Description", FALSE, NULL, &description)
              || (pl->kind == PEER_GROUP && !read_group_pair (l, item, &rule)))
            return FALSE;
          rule.peer_kind = pl->kind;
          rule.peer = model_intern (l->model, peer);
          rule.description = model_str (l->model, description);
          g_array_append_val (rules, rule);
          sgplan_json_path_pop (&l->path);
        }
      sgplan_json_path_pop (&l->path);
    }
  if (rules->len == before)
    return loader_fail (l, "this permission has no peer: expected an entry in IpRanges, "
                           "Ipv6Ranges, PrefixListIds or UserIdGroupPairs");
  return TRUE;
}

static gboolean
read_permissions (Loader *l, const cJSON *obj, const char *key, RuleDirection direction,
                  GArray *rules)
{
  const cJSON *array, *item;
  guint i = 0;

  if (!read_array (l, obj, key, TRUE, "security group", &array))
    return FALSE;
  sgplan_json_path_push_key (&l->path, key);
  cJSON_ArrayForEach (item, array)
    {
      sgplan_json_path_push_index (&l->path, i++);
      if (!read_permission (l, item, direction, rules))
        return FALSE;
      sgplan_json_path_pop (&l->path);
    }
  sgplan_json_path_pop (&l->path);
  return TRUE;
}

static gboolean
tags_equal (const Tag *a, guint na, const Tag *b, guint nb)
{
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (a[i].key != b[i].key || a[i].value != b[i].value) /* interned */
      return FALSE;
  return TRUE;
}

static int
rule_qsort (const void *a, const void *b)
{
  return rule_compare (a, b);
}

static gboolean
groups_equal (const Group *a, const Group *b)
{
  if (g_strcmp0 (a->name, b->name) != 0 || g_strcmp0 (a->description, b->description) != 0
      || a->owner_id != b->owner_id || a->vpc_id != b->vpc_id || a->n_rules != b->n_rules
      || !tags_equal (a->tags, a->n_tags, b->tags, b->n_tags))
    return FALSE;
  for (guint i = 0; i < a->n_rules; i++)
    if (!rule_equal (&a->rules[i], &b->rules[i]))
      return FALSE;
  return TRUE;
}

static void
group_free (Group *group)
{
  g_free (group->rules);
  g_free (group->tags);
  g_free (group);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Group, group_free)

static gboolean
read_group (Loader *l, const cJSON *obj)
{
  g_autoptr (Group) group = g_new0 (Group, 1);
  g_autoptr (GArray) rules = g_array_new (FALSE, FALSE, sizeof (Rule));
  const char *id, *name, *description, *owner, *vpc;
  const Group *existing;

  if (!expect_object (l, obj, "a security group")
      || !read_string (l, obj, "GroupId", TRUE, "security group", &id)
      || !read_string (l, obj, "GroupName", TRUE, "security group", &name)
      || !read_string (l, obj, "Description", FALSE, NULL, &description)
      || !read_string (l, obj, "OwnerId", TRUE, "security group", &owner)
      || !read_string (l, obj, "VpcId", FALSE, NULL, &vpc)
      || !read_permissions (l, obj, "IpPermissions", RULE_INGRESS, rules)
      || !read_permissions (l, obj, "IpPermissionsEgress", RULE_EGRESS, rules)
      || !read_tags (l, obj, "Tags", &group->tags, &group->n_tags))
    return FALSE;
  group->id = model_intern (l->model, id);
  group->name = model_intern (l->model, name);
  group->description = model_str (l->model, description);
  group->owner_id = model_intern (l->model, owner);
  group->vpc_id = model_intern (l->model, vpc);
  group->source = l->file;
  group->region = l->path_region;
  group->n_rules = rules->len;
  group->rules = (Rule *) (void *) g_array_free (g_steal_pointer (&rules), FALSE);
  sgplan_qsort (group->rules, group->n_rules, sizeof (Rule), rule_qsort);
  sgplan_qsort (group->tags, group->n_tags, sizeof (Tag), tag_compare);
  for (guint i = 1; i < group->n_rules; i++)
    if (rule_same_identity (&group->rules[i - 1], &group->rules[i])
        && !rule_equal (&group->rules[i - 1], &group->rules[i]))
      {
        g_autofree char *traffic = rule_describe_traffic (&group->rules[i]);
        return loader_fail (l, "security group '%s' has the rule %s %s %s twice, with different "
                               "descriptions: AWS allows a rule once",
                            group->id, group->rules[i].direction == RULE_EGRESS ? "outbound" : "inbound",
                            traffic, group->rules[i].peer);
      }

  existing = g_hash_table_lookup (l->model->groups, group->id);
  if (existing != NULL)
    {
      if (!groups_equal (existing, group))
        return loader_fail (l, "security group '%s' differs from the same group in '%s': "
                               "were the files exported at different times?",
                            group->id, existing->source);
      return TRUE; /* identical: keep the first */
    }
  g_hash_table_insert (l->model->groups, (gpointer) group->id, group);
  g_steal_pointer (&group);
  return TRUE;
}

static gboolean
read_eni_groups (Loader *l, const cJSON *obj, Eni *eni)
{
  const cJSON *array, *item;
  guint i = 0;

  if (!read_array (l, obj, "Groups", TRUE, "network interface", &array))
    return FALSE;
  eni->groups = g_new0 (EniGroup, cJSON_GetArraySize (array));
  sgplan_json_path_push_key (&l->path, "Groups");
  cJSON_ArrayForEach (item, array)
    {
      const char *gid, *gname;

      sgplan_json_path_push_index (&l->path, i);
      if (!expect_object (l, item, "a group with \"GroupId\"")
          || !read_string (l, item, "GroupId", TRUE, "group of a network interface", &gid)
          || !read_string (l, item, "GroupName", FALSE, NULL, &gname))
        return FALSE;
      eni->groups[i].group_id = model_intern (l->model, gid);
      eni->groups[i].group_name = model_intern (l->model, gname);
      sgplan_json_path_pop (&l->path);
      i++;
    }
  sgplan_json_path_pop (&l->path);
  eni->n_groups = i;
  return TRUE;
}

static gboolean
read_attachment (Loader *l, const cJSON *obj, Eni *eni, EniCommon *common)
{
  const cJSON *att = member (l, obj, "Attachment");
  const char *instance, *instance_owner;
  gboolean ok;

  if (att == NULL || cJSON_IsNull (att))
    return TRUE;
  sgplan_json_path_push_key (&l->path, "Attachment");
  ok = expect_object (l, att, "\"Attachment\"")
       && read_string (l, att, "InstanceId", FALSE, NULL, &instance)
       && read_string (l, att, "InstanceOwnerId", FALSE, NULL, &instance_owner);
  sgplan_json_path_pop (&l->path);
  if (ok)
    {
      eni->instance_id = model_str (l->model, instance);
      common->instance_owner_id = model_intern (l->model, instance_owner);
    }
  return ok;
}

static gboolean
enis_equal (const Eni *a, const Eni *b)
{
  const EniCommon *x = a->common, *y = b->common;

  /* the source file differs: it is what the error names */
  if (x->interface_type != y->interface_type || x->owner_id != y->owner_id
      || g_strcmp0 (a->description, b->description) != 0
      || x->availability_zone != y->availability_zone || x->vpc_id != y->vpc_id
      || x->subnet_id != y->subnet_id || x->status != y->status
      || g_strcmp0 (a->private_ip, b->private_ip) != 0
      || g_strcmp0 (a->instance_id, b->instance_id) != 0
      || x->instance_owner_id != y->instance_owner_id || x->requester_id != y->requester_id
      || x->requester_managed != y->requester_managed || x->region != y->region
      || a->n_groups != b->n_groups
      || !tags_equal (a->tags, a->n_tags, b->tags, b->n_tags))
    return FALSE;
  for (guint i = 0; i < a->n_groups; i++)
    if (a->groups[i].group_id != b->groups[i].group_id
        || a->groups[i].group_name != b->groups[i].group_name)
      return FALSE;
  return TRUE;
}

static void
eni_clear (Eni *eni)
{
  g_free (eni->groups);
  g_free (eni->tags);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Eni, eni_clear)

static gboolean
read_eni (Loader *l, const cJSON *obj)
{
  g_auto (Eni) read = { 0 }; /* copied into the model at the end */
  Eni *eni = &read;
  EniCommon common = { 0 };
  const char *id, *type, *owner, *description, *az, *vpc, *subnet, *status, *ip, *requester;
  const Eni *existing;

  /* in the order the AWS CLI writes the fields (see member()) */
  if (!expect_object (l, obj, "a network interface")
      || !read_attachment (l, obj, eni, &common)
      || !read_string (l, obj, "AvailabilityZone", FALSE, NULL, &az)
      || !read_string (l, obj, "Description", FALSE, NULL, &description)
      || !read_eni_groups (l, obj, eni)
      || !read_string (l, obj, "InterfaceType", FALSE, NULL, &type)
      || !read_string (l, obj, "NetworkInterfaceId", TRUE, "network interface", &id)
      || !read_string (l, obj, "OwnerId", TRUE, "network interface", &owner)
      || !read_string (l, obj, "PrivateIpAddress", FALSE, NULL, &ip)
      || !read_string (l, obj, "RequesterId", FALSE, NULL, &requester)
      || !read_bool (l, obj, "RequesterManaged", FALSE, NULL, &common.requester_managed)
      || !read_string (l, obj, "Status", FALSE, NULL, &status)
      || !read_string (l, obj, "SubnetId", FALSE, NULL, &subnet)
      || !read_tags (l, obj, "TagSet", &eni->tags, &eni->n_tags)
      || !read_string (l, obj, "VpcId", FALSE, NULL, &vpc))
    return FALSE;
  eni->id = model_str (l->model, id);
  eni->common = &common;
  common.interface_type = model_intern (l->model, type);
  common.owner_id = model_intern (l->model, owner);
  eni->description = model_str (l->model, description);
  common.availability_zone = model_intern (l->model, az);
  common.vpc_id = model_intern (l->model, vpc);
  common.subnet_id = model_intern (l->model, subnet);
  common.status = model_intern (l->model, status);
  eni->private_ip = model_str (l->model, ip);
  common.requester_id = model_intern (l->model, requester);
  common.source = l->file;
  common.region = l->path_region;
  sgplan_qsort (eni->tags, eni->n_tags, sizeof (Tag), tag_compare);
  if (az != NULL)
    {
      gsize n;

      if (!sgplan_region_prefix (az, &n))
        {
          sgplan_json_path_push_key (&l->path, "AvailabilityZone");
          return loader_fail (l, "\"AvailabilityZone\" '%s' is not an availability zone name", az);
        }
      {
        g_autofree char *region = g_strndup (az, n);
        common.region = model_intern (l->model, region);
      }
    }

  existing = model_eni (l->model, eni->id);
  if (existing != NULL)
    {
      if (!enis_equal (existing, eni))
        return loader_fail (l, "network interface '%s' differs from the same interface in '%s': "
                               "were the files exported at different times?",
                            eni->id, existing->common->source);
      return TRUE;
    }
  model_add_eni (l->model, eni);
  return TRUE;
}

/* One entry of describe-security-group-rules. */
static gboolean
read_rule_entry (Loader *l, const cJSON *obj)
{
  PendingRuleId pending = { 0 };
  Rule *rule = &pending.rule;
  const char *rule_id, *group_id, *description, *peer = NULL;
  gboolean egress;
  guint peers = 0;
  static const struct { const char *key; PeerKind kind; } kinds[] = {
    { "CidrIpv4", PEER_CIDR4 }, { "CidrIpv6", PEER_CIDR6 }, { "PrefixListId", PEER_PREFIX_LIST },
  };

  if (!expect_object (l, obj, "a security group rule")
      || !read_string (l, obj, "SecurityGroupRuleId", TRUE, "security group rule", &rule_id)
      || !read_string (l, obj, "GroupId", TRUE, "security group rule", &group_id)
      || !read_bool (l, obj, "IsEgress", TRUE, "security group rule", &egress)
      || !read_protocol_ports (l, obj, rule)
      || !read_string (l, obj, "Description", FALSE, NULL, &description))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const char *value;

      if (!read_string (l, obj, kinds[k].key, FALSE, NULL, &value))
        return FALSE;
      if (value != NULL)
        {
          peer = value;
          rule->peer_kind = kinds[k].kind;
          peers++;
        }
    }
  {
    const cJSON *info = member (l, obj, "ReferencedGroupInfo");

    if (info != NULL && !cJSON_IsNull (info))
      {
        gboolean ok;

        sgplan_json_path_push_key (&l->path, "ReferencedGroupInfo");
        ok = expect_object (l, info, "\"ReferencedGroupInfo\"")
             && read_string (l, info, "GroupId", TRUE, "ReferencedGroupInfo", &peer)
             && read_group_pair (l, info, rule);
        sgplan_json_path_pop (&l->path);
        if (!ok)
          return FALSE;
        rule->peer_kind = PEER_GROUP;
        peers++;
      }
  }
  if (peers != 1)
    return loader_fail (l, "expected exactly one of \"CidrIpv4\", \"CidrIpv6\", "
                           "\"PrefixListId\" or \"ReferencedGroupInfo\" in this rule");
  rule->direction = egress ? RULE_EGRESS : RULE_INGRESS;
  rule->peer = model_intern (l->model, peer);
  rule->description = model_str (l->model, description);
  rule->rule_id = model_str (l->model, rule_id);
  pending.group_id = model_intern (l->model, group_id);
  pending.source = l->file;
  g_array_append_val (l->pending, pending);
  return TRUE;
}

static gboolean
read_reference (Loader *l, const cJSON *obj)
{
  GroupReference *ref;
  const char *group_id, *vpc, *peering, *tgw;

  if (!expect_object (l, obj, "a security group reference")
      || !read_string (l, obj, "GroupId", TRUE, "security group reference", &group_id)
      || !read_string (l, obj, "ReferencingVpcId", TRUE, "security group reference", &vpc)
      || !read_string (l, obj, "VpcPeeringConnectionId", FALSE, NULL, &peering)
      || !read_string (l, obj, "TransitGatewayId", FALSE, NULL, &tgw))
    return FALSE;
  ref = g_new0 (GroupReference, 1);
  ref->group_id = model_intern (l->model, group_id);
  ref->referencing_vpc = model_intern (l->model, vpc);
  ref->peering_id = model_intern (l->model, peering);
  ref->transit_gateway_id = model_intern (l->model, tgw);
  g_ptr_array_add (l->model->references, ref);
  return TRUE;
}

typedef gboolean (*ReadEntry) (Loader *l, const cJSON *obj);

static const struct {
  const char *key;
  ReadEntry read;
  guint coverage; /* ModelDocKind: what an empty list of this kind still tells */
} document_kinds[] = {
  { "SecurityGroups", read_group, MODEL_DOC_GROUPS },
  { "NetworkInterfaces", read_eni, MODEL_DOC_ENIS },
  { "SecurityGroupRules", read_rule_entry, 0 },
  { "SecurityGroupReferenceSet", read_reference, MODEL_DOC_REFERENCES },
};

/* An empty list is an answer too ("no network interfaces here"): remember it
 * so that its account and region count as exported. */
static void
note_empty_document (Loader *l, guint kind)
{
  EmptyDocument *doc;

  if (kind == 0)
    return;
  doc = g_new0 (EmptyDocument, 1);
  doc->file = l->file;
  doc->kind = kind;
  doc->account = g_hash_table_lookup (l->model->path_accounts, l->file);
  doc->region = l->path_region;
  g_ptr_array_add (l->model->empty_documents, doc);
}

static gboolean
fail_at (Loader *l, gsize offset, const char *message)
{
  guint line, col;

  sgplan_json_line_col (l->buf, l->len, offset, &line, &col);
  g_set_error (l->error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT, "'%s':%u:%u: %s",
               sgplan_display_path (l->file), line, col, message);
  return FALSE;
}

#define DOCUMENT_KINDS "\"SecurityGroups\", \"NetworkInterfaces\", \"SecurityGroupRules\" or " \
                       "\"SecurityGroupReferenceSet\""

/* Reading a file is split in two: a producer walks the text with a cursor,
 * parses each element of each list into an arena and hashes the text
 * behind it; the loader turns the elements into the model.  The producer
 * hands over batches of events, in the order of the text.  With more than
 * one thread it runs in a thread of its own, a few batches ahead; with one,
 * the loader runs it whenever it needs the next batch.  Either way the
 * loader sees the same events and meets problems in the same order: the
 * first one in the text wins, whoever found it. */
typedef enum {
  EVENT_DOCUMENT,     /* a document starts at OFFSET */
  EVENT_LIST,         /* the list NAME of document kind KIND starts */
  EVENT_ELEMENT,      /* TREE is its next element */
  EVENT_LIST_END,
  EVENT_DOCUMENT_END,
  /* the last event of a file: */
  EVENT_END,          /* the end of the text */
  EVENT_NOT_OBJECT,   /* the document is not an object */
  EVENT_UNKNOWN,      /* the member NAME is no known document */
  EVENT_NOT_ARRAY,    /* the known list NAME is not an array */
  EVENT_SYNTAX,       /* the text is not JSON at OFFSET: NAME says why */
  EVENT_CANCELLED,    /* the loader stopped the producer */
} EventKind;

typedef struct {
  EventKind kind;
  guint k;            /* EVENT_LIST: index in document_kinds */
  gsize offset;
  const char *name;   /* in the batch's arena */
  const cJSON *tree;  /* in the batch's arena */
} Event;

typedef struct {
  SgplanArena *arena;
  GArray *events;     /* (element-type Event) */
  gboolean last;      /* ends with the file's last event */
} Batch;

/* A batch is handed over when it has this many events or arena bytes. */
#define BATCH_EVENTS 256
#define BATCH_BYTES (512 * 1024)
#define BATCHES 3

typedef enum { AT_TOP, IN_DOCUMENT, IN_LIST, FINISHED } ProducerState;

typedef struct {
  const char *buf;
  gsize len;
  gboolean mapped;
  ProducerState state;
  gsize at;                  /* AT_TOP: where the next document may start */
  SgplanJsonCursor *cursor;  /* the current document's */
  SgplanSha256 sum;
  gpointer hashed;           /* (atomic) gsize: bytes hashed */
  /* with three threads or more, a thread of its own hashes just behind the
   * parser: the parser lets it read up to READABLE (under LOCK) */
  GThread *hasher;
  GMutex lock;
  GCond moved;
  gsize readable;
  gsize nul;                 /* offset of the first NUL byte, or G_MAXSIZE */
  gsize released;            /* pages before this were given back */
  gint cancel;               /* (atomic) the loader wants no more */
  GThread *thread;
  GAsyncQueue *ready;        /* (element-type Batch) filled, in order */
  GAsyncQueue *spare;        /* (element-type Batch) to fill */
  Batch batches[BATCHES];
} Producer;

static void
batch_add (Batch *b, EventKind kind, guint k, gsize offset, const char *name, const cJSON *tree)
{
  Event e = { kind, k, offset, name != NULL ? sgplan_arena_strdup (b->arena, name) : NULL,
              tree };

  g_array_append_val (b->events, e);
  if (kind >= EVENT_END)
    b->last = TRUE;
}

/* The SHA-256 and the NUL check follow the parser; memory must not grow
 * with the size of one file, so the pages of a mapped file that both have
 * passed are given back (they come back from the page cache if an error
 * message needs their lines). */
#define HASH_STEP (1024 * 1024)
#define RELEASE_STEP (2 * 1024 * 1024)

static gsize
hashed_so_far (Producer *p)
{
  return GPOINTER_TO_SIZE (g_atomic_pointer_get (&p->hashed));
}

static void
hash_upto (Producer *p, gsize upto)
{
  gsize at = hashed_so_far (p), n = upto - at;

  if (upto <= at)
    return;
  sgplan_sha256_update (&p->sum, p->buf + at, n);
  if (p->nul == G_MAXSIZE)
    {
      const char *nul = memchr (p->buf + at, '\0', n);

      if (nul != NULL)
        p->nul = (gsize) (nul - p->buf);
    }
  g_atomic_pointer_set (&p->hashed, GSIZE_TO_POINTER (upto));
}

static gpointer
hash_thread (gpointer data)
{
  Producer *p = data;

  while (hashed_so_far (p) < p->len)
    {
      gsize upto;

      g_mutex_lock (&p->lock);
      while (p->readable == hashed_so_far (p))
        g_cond_wait (&p->moved, &p->lock);
      upto = p->readable;
      g_mutex_unlock (&p->lock);
      hash_upto (p, upto);
    }
  return NULL;
}

/* Lets the hash read up to PARSED (the whole text at the end). */
static void
let_hash_read (Producer *p, gsize parsed)
{
  if (p->hasher == NULL)
    {
      hash_upto (p, parsed);
      return;
    }
  g_mutex_lock (&p->lock);
  p->readable = MAX (p->readable, parsed);
  g_cond_signal (&p->moved);
  g_mutex_unlock (&p->lock);
}

static void
progress (Producer *p, gsize parsed)
{
  gsize page, upto;

  if (parsed < (p->hasher != NULL ? p->readable : hashed_so_far (p)) + HASH_STEP)
    return;
  let_hash_read (p, parsed);
  if (!p->mapped)
    return;
  page = (gsize) sysconf (_SC_PAGESIZE);
  upto = MIN (parsed, hashed_so_far (p)) / page * page;
  if (upto >= p->released + RELEASE_STEP)
    {
      (void) madvise ((char *) p->buf + p->released, upto - p->released, MADV_DONTNEED);
      p->released = upto;
    }
}

static guint
document_kind (const char *name)
{
  for (guint k = 0; k < G_N_ELEMENTS (document_kinds); k++)
    if (strcmp (name, document_kinds[k].key) == 0)
      return k;
  return G_MAXUINT;
}

/* The parser's error as the file's last event. */
static void
batch_syntax (Producer *p, Batch *b)
{
  gsize at = 0;
  const char *message = NULL;

  if (!sgplan_json_cursor_failed (p->cursor, &at, &message))
    g_assert_not_reached ();
  batch_add (b, EVENT_SYNTAX, 0, at, message, NULL);
  p->state = FINISHED;
}

/* A value that is refused is still parsed, so that a syntax error in it is
 * reported as one; otherwise the event KIND says why it is refused. */
static void
batch_refuse (Producer *p, Batch *b, EventKind kind, const char *name)
{
  if (sgplan_json_cursor_value (p->cursor, b->arena) == NULL)
    batch_syntax (p, b);
  else
    {
      batch_add (b, kind, 0, 0, name, NULL);
      p->state = FINISHED;
    }
}

/* Fills B with the next events, up to a batch or the file's last event. */
static void
produce (Producer *p, Batch *b)
{
  const char *name;

  sgplan_arena_reset (b->arena);
  g_array_set_size (b->events, 0);
  b->last = FALSE;
  while (!b->last && b->events->len < BATCH_EVENTS && sgplan_arena_used (b->arena) < BATCH_BYTES)
    {
      if (g_atomic_int_get (&p->cancel))
        {
          batch_add (b, EVENT_CANCELLED, 0, 0, NULL, NULL);
          p->state = FINISHED;
          break;
        }
      switch (p->state)
        {
        case AT_TOP:
          g_clear_pointer (&p->cursor, sgplan_json_cursor_free);
          p->at = sgplan_json_skip_ws (p->buf, p->len, p->at);
          if (p->at >= p->len)
            {
              batch_add (b, EVENT_END, 0, p->len, NULL, NULL);
              p->state = FINISHED;
              break;
            }
          p->cursor = sgplan_json_cursor_new (p->buf, p->len, p->at);
          batch_add (b, EVENT_DOCUMENT, 0, p->at, NULL, NULL);
          if (sgplan_json_cursor_peek (p->cursor) != '{')
            {
              batch_refuse (p, b, EVENT_NOT_OBJECT, NULL);
              break;
            }
          sgplan_json_cursor_enter (p->cursor);
          p->state = IN_DOCUMENT;
          break;

        case IN_DOCUMENT:
          if (!sgplan_json_cursor_next (p->cursor, &name))
            {
              if (sgplan_json_cursor_failed (p->cursor, NULL, NULL))
                batch_syntax (p, b);
              else
                {
                  batch_add (b, EVENT_DOCUMENT_END, 0, 0, NULL, NULL);
                  p->at = sgplan_json_cursor_offset (p->cursor);
                  p->state = AT_TOP;
                }
              break;
            }
          {
            guint k = document_kind (name);

            if (k == G_MAXUINT)
              {
                /* NextToken: the CLI prints it with --max-items; later pages follow. */
                if (strcmp (name, "NextToken") == 0)
                  {
                    if (sgplan_json_cursor_value (p->cursor, b->arena) == NULL)
                      batch_syntax (p, b);
                  }
                else
                  batch_refuse (p, b, EVENT_UNKNOWN, name);
                break;
              }
            if (sgplan_json_cursor_peek (p->cursor) != '[')
              {
                batch_refuse (p, b, EVENT_NOT_ARRAY, name);
                break;
              }
            sgplan_json_cursor_enter (p->cursor);
            batch_add (b, EVENT_LIST, k, 0, name, NULL);
            p->state = IN_LIST;
          }
          break;

        case IN_LIST:
          if (!sgplan_json_cursor_next (p->cursor, NULL))
            {
              if (sgplan_json_cursor_failed (p->cursor, NULL, NULL))
                batch_syntax (p, b);
              else
                {
                  batch_add (b, EVENT_LIST_END, 0, 0, NULL, NULL);
                  p->state = IN_DOCUMENT;
                }
              break;
            }
          {
            const cJSON *item = sgplan_json_cursor_value (p->cursor, b->arena);

            if (item == NULL)
              {
                batch_syntax (p, b);
                break;
              }
            batch_add (b, EVENT_ELEMENT, 0, 0, NULL, item);
            progress (p, sgplan_json_cursor_offset (p->cursor));
          }
          break;

        case FINISHED:
          g_assert_not_reached ();
        }
    }
}

static gpointer
produce_thread (gpointer data)
{
  Producer *p = data;
  gboolean last;

  do
    {
      Batch *b = g_async_queue_pop (p->spare);

      produce (p, b);
      last = b->last;
      g_async_queue_push (p->ready, b);
    }
  while (!last);
  return NULL;
}

static Batch *
next_batch (Producer *p)
{
  if (p->thread != NULL)
    return g_async_queue_pop (p->ready);
  produce (p, &p->batches[0]);
  return &p->batches[0];
}

static void
done_with_batch (Producer *p, Batch *b)
{
  if (p->thread != NULL)
    g_async_queue_push (p->spare, b);
}

/* Turns the events into the model, as long as all is well. */
static gboolean
read_events (Loader *l, Producer *p, gboolean *finished)
{
  guint documents = 0, known = 0, elements = 0, k = 0;

  for (;;)
    {
      Batch *b = next_batch (p);

      *finished = b->last;
      for (guint i = 0; i < b->events->len; i++)
        {
          const Event *e = &g_array_index (b->events, Event, i);
          gboolean ok = TRUE;

          switch (e->kind)
            {
            case EVENT_DOCUMENT:
              l->doc_start = e->offset;
              l->path.depth = 0;
              known = 0;
              documents++;
              break;
            case EVENT_LIST:
              sgplan_json_path_push_key (&l->path, document_kinds[e->k].key);
              k = e->k;
              known++;
              elements = 0;
              break;
            case EVENT_ELEMENT:
              sgplan_json_path_push_index (&l->path, elements++);
              ok = document_kinds[k].read (l, e->tree);
              sgplan_json_path_pop (&l->path);
              /* the next element's nodes may reuse these addresses */
              l->hint_object = l->hint = NULL;
              break;
            case EVENT_LIST_END:
              if (elements == 0)
                note_empty_document (l, document_kinds[k].coverage);
              sgplan_json_path_pop (&l->path);
              break;
            case EVENT_DOCUMENT_END:
              if (known == 0)
                ok = loader_fail (l, "expected " DOCUMENT_KINDS " in this document");
              break;
            case EVENT_END:
              if (documents == 0)
                ok = fail_at (l, 0, "empty file: expected an AWS CLI JSON export");
              break;
            case EVENT_NOT_OBJECT:
              ok = loader_fail (l, "expected an object with " DOCUMENT_KINDS);
              break;
            case EVENT_UNKNOWN:
              {
                g_autofree char *printable = sgplan_printable (e->name);

                sgplan_json_path_push_key (&l->path, e->name);
                ok = loader_fail (l, "unknown document \"%s\": expected " DOCUMENT_KINDS, printable);
              }
              break;
            case EVENT_NOT_ARRAY:
              sgplan_json_path_push_key (&l->path, e->name);
              ok = loader_fail (l, "\"%s\" must be an array", e->name);
              break;
            case EVENT_SYNTAX:
              ok = fail_at (l, e->offset, e->name);
              break;
            case EVENT_CANCELLED:
              g_assert_not_reached ();
            }
          if (!ok)
            {
              done_with_batch (p, b);
              return FALSE;
            }
        }
      done_with_batch (p, b);
      if (*finished)
        return TRUE;
    }
}

static gboolean
read_documents (Loader *l, char sha256[65])
{
  gsize start = 0;
  const char *encoding = sgplan_text_encoding (l->buf, l->len, &start);
  Producer p = { 0 };
  gboolean ok, finished = FALSE;

  p.buf = l->buf;
  p.len = l->len;
  p.mapped = l->mapped;
  p.at = start;
  p.nul = G_MAXSIZE;
  sgplan_sha256_init (&p.sum);
  for (guint i = 0; i < BATCHES; i++)
    {
      p.batches[i].arena = sgplan_arena_new ();
      p.batches[i].events = g_array_new (FALSE, FALSE, sizeof (Event));
    }
  /* (the parser checks that the text is UTF-8 as it goes) */
  if (encoding != NULL)
    ok = fail_at (l, 0, encoding);
  else
    {
      g_mutex_init (&p.lock);
      g_cond_init (&p.moved);
      if (sgplan_thread_count () > 2 && l->len >= HASH_STEP)
        p.hasher = g_thread_new ("sgplan-sha256", hash_thread, &p);
      if (sgplan_thread_count () > 1 && l->len >= HASH_STEP)
        {
          p.ready = g_async_queue_new ();
          p.spare = g_async_queue_new ();
          for (guint i = 0; i < BATCHES; i++)
            g_async_queue_push (p.spare, &p.batches[i]);
          p.thread = g_thread_new ("sgplan-read", produce_thread, &p);
        }
      ok = read_events (l, &p, &finished);
      if (p.thread != NULL)
        {
          /* stop the producer, and wait for its last batch */
          g_atomic_int_set (&p.cancel, 1);
          while (!finished)
            {
              Batch *b = g_async_queue_pop (p.ready);

              finished = b->last;
              g_async_queue_push (p.spare, b);
            }
          g_thread_join (p.thread);
          g_async_queue_unref (p.ready);
          g_async_queue_unref (p.spare);
        }
      let_hash_read (&p, l->len);
      if (p.hasher != NULL)
        g_thread_join (p.hasher);
      g_mutex_clear (&p.lock);
      g_cond_clear (&p.moved);
      /* Binary data is named as such, whichever problem came first. */
      if (!ok && p.nul != G_MAXSIZE)
        {
          g_clear_error (l->error);
          fail_at (l, p.nul, "binary data (a NUL byte): expected JSON text (an AWS CLI export)");
        }
    }
  hash_upto (&p, l->len);
  sgplan_sha256_hex (&p.sum, sha256);
  g_clear_pointer (&p.cursor, sgplan_json_cursor_free);
  for (guint i = 0; i < BATCHES; i++)
    {
      sgplan_arena_free (p.batches[i].arena);
      g_array_unref (p.batches[i].events);
    }
  return ok;
}

static gboolean
is_account_id (const char *s)
{
  return strlen (s) == 12 && strspn (s, "0123456789") == 12;
}

static gboolean
is_region_name (const char *s)
{
  return sgplan_region_prefix (s, NULL);
}

/* The last folder in PATH that IS_WANTED, as ACCOUNT and REGION are in
 * ACCOUNT/REGION/x.json; NULL if none. */
static const char *
folder_from_path (Model *model, const char *path, gboolean (*is_wanted) (const char *))
{
  g_auto (GStrv) parts = g_strsplit (path, G_DIR_SEPARATOR_S, -1);
  const char *found = NULL;
  guint n = g_strv_length (parts);

  for (guint i = 0; i + 1 < n; i++)
    if (is_wanted (parts[i]))
      found = parts[i];
  return model_intern (model, found);
}

static gboolean
read_file (Model *model, const char *path, GArray *pending, GError **error)
{
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *stdin_text = NULL;
  gsize stdin_len = 0;
  SourceFile *source;
  Loader l = { 0 };
  int fd;

  if (strcmp (path, SGPLAN_STDIO) == 0)
    {
      if (!sgplan_read_file (path, &stdin_text, &stdin_len, error))
        return FALSE;
    }
  else
    {
      fd = sgplan_open_input (path, error);
      if (fd < 0)
        return FALSE;
      mapped = g_mapped_file_new_from_fd (fd, FALSE, &local);
      close (fd);
      if (mapped == NULL)
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot read '%s': %s", path,
                       local->message);
          return FALSE;
        }
    }
  l.model = model;
  l.file = model_str (model, path);
  l.path_region = folder_from_path (model, path, is_region_name);
  {
    const char *account = folder_from_path (model, path, is_account_id);

    if (account != NULL)
      g_hash_table_insert (model->path_accounts, (gpointer) l.file, (gpointer) account);
  }
  l.buf = mapped != NULL ? g_mapped_file_get_contents (mapped) : stdin_text;
  l.len = mapped != NULL ? g_mapped_file_get_length (mapped) : stdin_len;
  l.pending = pending;
  l.error = error;
  if (l.buf == NULL)
    l.buf = "";
  l.mapped = mapped != NULL && l.len > 0;

  source = g_new0 (SourceFile, 1);
  source->path = l.file;
  g_ptr_array_add (model->sources, source);
  return read_documents (&l, source->sha256);
}

/* Orders pointers to Group or Eni, whose first member is the ID. */
static int
compare_ids (gconstpointer a, gconstpointer b)
{
  return strcmp (**(const char *const *const *) a, **(const char *const *const *) b);
}

static gboolean
collect_folder (const char *dir, GPtrArray *files, GHashTable *seen, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  DIR *d = opendir (dir);
  struct dirent *entry;

  if (d == NULL)
    {
      int saved = errno;
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot read folder '%s': %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  while ((entry = readdir (d)) != NULL)
    if (entry->d_name[0] != '.')
      g_ptr_array_add (names, g_strdup (entry->d_name));
  closedir (d);
  g_ptr_array_sort (names, sgplan_compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (dir, names->pdata[i], NULL);
      struct stat st;

      if (stat (child, &st) != 0)
        {
          int saved = errno;

          if (!g_str_has_suffix (names->pdata[i], ".json"))
            continue;
          /* a dangling link where a document should be: an incomplete export */
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot read '%s': %s", child,
                       g_strerror (saved));
          return FALSE;
        }
      if (S_ISDIR (st.st_mode))
        {
          g_autofree char *key = g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev,
                                                  (uintmax_t) st.st_ino);

          if (!g_hash_table_add (seen, g_steal_pointer (&key)))
            continue; /* a link back to a folder already read */
          if (!collect_folder (child, files, seen, error))
            return FALSE;
        }
      else if (g_str_has_suffix (names->pdata[i], ".json"))
        g_ptr_array_add (files, g_steal_pointer (&child)); /* read_file refuses all but files */
    }
  return TRUE;
}

GPtrArray *
export_expand_paths (const char *const *paths, guint n_paths, GError **error)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) unique = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func (g_free);

  if (!sgplan_stdin_once (paths, n_paths, error))
    return NULL;
  for (guint i = 0; i < n_paths; i++)
    {
      struct stat st;
      guint before = files->len;

      if (strcmp (paths[i], SGPLAN_STDIO) == 0)
        {
          g_ptr_array_add (files, g_strdup (paths[i]));
          continue;
        }
      if (stat (paths[i], &st) != 0)
        {
          int saved = errno;
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO, "cannot read '%s': %s", paths[i],
                       g_strerror (saved));
          return NULL;
        }
      if (S_ISDIR (st.st_mode))
        {
          g_autofree char *key = g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev,
                                                  (uintmax_t) st.st_ino);

          g_hash_table_add (seen, g_steal_pointer (&key));
          if (!collect_folder (paths[i], files, seen, error))
            return NULL;
          if (files->len == before)
            {
              g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_IO,
                           "no export in folder '%s': expected *.json files written by the "
                           "AWS CLI", paths[i]);
              return NULL;
            }
        }
      else
        g_ptr_array_add (files, g_strdup (paths[i]));
    }
  g_ptr_array_sort (files, sgplan_compare_strings);
  for (guint i = 0; i < files->len; i++)
    if (g_hash_table_add (unique, files->pdata[i]))
      g_ptr_array_add (result, g_strdup (files->pdata[i]));
  return g_steal_pointer (&result);
}

/* Matches the pairs describe-security-group-rules and describe-security-groups
 * both print; VpcId and PeeringStatus are not always in both. */
static gboolean
rule_same_permission (const Rule *a, const Rule *b)
{
  return a->direction == b->direction && a->peer_kind == b->peer_kind
         && a->from_port == b->from_port && a->to_port == b->to_port
         && strcmp (a->protocol, b->protocol) == 0 && strcmp (a->peer, b->peer) == 0
         && (a->peer_owner == NULL || b->peer_owner == NULL || a->peer_owner == b->peer_owner)
         && a->peering_id == b->peering_id
         && g_strcmp0 (a->description, b->description) == 0;
}

static gboolean
apply_rule_ids (Model *model, GArray *pending, GError **error)
{
  g_autoptr (GHashTable) covered = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < pending->len; i++)
    {
      const PendingRuleId *p = &g_array_index (pending, PendingRuleId, i);
      Group *group = g_hash_table_lookup (model->groups, p->group_id);
      gboolean found = FALSE;

      if (group == NULL)
        {
          g_printerr ("sgplan: warning: '%s': rule '%s' belongs to group '%s', which no "
                      "SecurityGroups document describes; ignored\n",
                      p->source, p->rule.rule_id, p->group_id);
          continue;
        }
      g_hash_table_add (covered, (gpointer) group->id);
      for (guint r = 0; r < group->n_rules && !found; r++)
        if (rule_same_permission (&group->rules[r], &p->rule))
          {
            if (group->rules[r].rule_id != NULL
                && strcmp (group->rules[r].rule_id, p->rule.rule_id) != 0)
              continue; /* the same permission twice? keep looking */
            group->rules[r].rule_id = p->rule.rule_id;
            found = TRUE;
          }
      if (!found)
        {
          g_autofree char *traffic = rule_describe_traffic (&p->rule);
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                       "'%s': rule '%s' (%s %s %s) is not a rule of group '%s' in '%s': were "
                       "the files exported at different times?",
                       p->source, p->rule.rule_id,
                       p->rule.direction == RULE_EGRESS ? "outbound" : "inbound", traffic,
                       p->rule.peer, group->id, group->source);
          return FALSE;
        }
    }
  /* A group covered by the rules export must have an ID for every rule. */
  for (guint i = 0; i < pending->len; i++)
    {
      const PendingRuleId *p = &g_array_index (pending, PendingRuleId, i);
      const Group *group = g_hash_table_lookup (model->groups, p->group_id);

      if (group == NULL || !g_hash_table_remove (covered, group->id))
        continue;
      for (guint r = 0; r < group->n_rules; r++)
        if (group->rules[r].rule_id == NULL)
          {
            g_autofree char *traffic = rule_describe_traffic (&group->rules[r]);
            g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                         "'%s': group '%s' has a rule (%s %s %s) that '%s' does not list: were "
                         "the files exported at different times?",
                         group->source, group->id,
                         group->rules[r].direction == RULE_EGRESS ? "outbound" : "inbound",
                         traffic, group->rules[r].peer, p->source);
            return FALSE;
          }
    }
  return TRUE;
}

/* Region: an ENI's availability zone; a group takes the region of the ENIs
 * in its VPC, else a region folder in its path, else --region. */
static gboolean
resolve_regions (Model *model, const char *default_region, GError **error)
{
  g_autoptr (GHashTable) vpc_region = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;
  g_autoptr (GPtrArray) unknown = g_ptr_array_new ();

  gboolean missing = FALSE;

  default_region = model_intern (model, default_region);
  /* The model owns the ENIs' common records: resolving a region there
   * resolves it for every ENI that shares the record. */
  g_hash_table_iter_init (&iter, model->commons);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      EniCommon *common = value;

      if (common->availability_zone != NULL && common->vpc_id != NULL)
        {
          const char *seen = g_hash_table_lookup (vpc_region, common->vpc_id);

          /* one region per VPC; should an export disagree, the same one every run */
          if (seen == NULL || strcmp (common->region, seen) < 0)
            g_hash_table_insert (vpc_region, (gpointer) common->vpc_id, (gpointer) common->region);
        }
      if (common->region == NULL)
        common->region = default_region;
      if (common->region == NULL)
        missing = TRUE;
    }
  g_hash_table_iter_init (&iter, model->enis);
  while (missing && g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Eni *eni = value;

      if (eni->common->region == NULL)
        g_ptr_array_add (unknown, (gpointer) eni);
    }
  if (unknown->len > 0)
    {
      const Eni *eni;

      g_ptr_array_sort (unknown, compare_ids);
      eni = unknown->pdata[0];
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                   "'%s': cannot tell the region of network interface '%s': it has no "
                   "\"AvailabilityZone\" and no folder in its path is a region name; export "
                   "into ACCOUNT/REGION/ folders or pass --region", eni->common->source, eni->id);
      return FALSE;
    }
  g_hash_table_iter_init (&iter, model->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Group *group = value;
      const char *from_eni = group->vpc_id != NULL ? g_hash_table_lookup (vpc_region, group->vpc_id)
                                                   : NULL;

      if (from_eni != NULL)
        group->region = from_eni;
      else if (group->region == NULL)
        group->region = default_region;
      if (group->region == NULL)
        g_ptr_array_add (unknown, group);
    }
  if (unknown->len > 0)
    {
      const Group *group;

      g_ptr_array_sort (unknown, compare_ids);
      group = unknown->pdata[0];
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                   "'%s': cannot tell the region of security group '%s': no network interface "
                   "in its VPC names an availability zone and no folder in its path is a "
                   "region name; export into ACCOUNT/REGION/ folders or pass --region",
                   group->source, group->id);
      return FALSE;
    }
  return TRUE;
}

/* The only value of a field over every group and ENI, or NULL. */
static const char *
sole_value (Model *model, gsize group_offset, gsize common_offset)
{
  const char *sole = NULL;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, model->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const char *v = G_STRUCT_MEMBER (const char *, value, group_offset);

      if (sole != NULL && g_strcmp0 (sole, v) != 0)
        return NULL;
      sole = v;
    }
  g_hash_table_iter_init (&iter, model->commons); /* what the ENIs hold */
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const char *v = G_STRUCT_MEMBER (const char *, value, common_offset);

      if (sole != NULL && g_strcmp0 (sole, v) != 0)
        return NULL;
      sole = v;
    }
  return sole;
}

/* Which documents cover each account and region.  A document covers the
 * account (its ACCOUNT/ folder, else each element's owner) and region of
 * every element it lists; an empty one covers its folders' account and
 * region, else --region and the export's only account and region. */
static void
resolve_coverage (Model *model, const char *default_region)
{
  GHashTableIter iter;
  gpointer value;
  const char *only_account = NULL, *only_region = NULL;

  g_hash_table_iter_init (&iter, model->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Group *g = value;
      const char *account = g_hash_table_lookup (model->path_accounts, g->source);

      model_add_coverage (model, account != NULL ? account : g->owner_id, g->region, MODEL_DOC_GROUPS);
    }
  g_hash_table_iter_init (&iter, model->enis);
  {
    /* ENIs are many and their account and region repeat (the strings are
     * interned: equal means the same pointer) */
    const char *source = NULL, *account = NULL, *last_account = NULL, *last_region = NULL;

    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        const Eni *eni = value;

        if (eni->common->source != source)
          {
            source = eni->common->source;
            account = g_hash_table_lookup (model->path_accounts, source);
          }
        if ((account != NULL ? account : eni->common->owner_id) == last_account && eni->common->region == last_region)
          continue;
        last_account = account != NULL ? account : eni->common->owner_id;
        last_region = eni->common->region;
        model_add_coverage (model, last_account, last_region, MODEL_DOC_ENIS);
      }
  }
  for (guint i = 0; i < model->references->len; i++)
    {
      const GroupReference *ref = model->references->pdata[i];
      const Group *g = g_hash_table_lookup (model->groups, ref->group_id);

      if (g != NULL)
        model_add_coverage (model, g->owner_id, g->region, MODEL_DOC_REFERENCES);
    }
  if (model->empty_documents->len == 0)
    return;
  only_account = sole_value (model, G_STRUCT_OFFSET (Group, owner_id), G_STRUCT_OFFSET (EniCommon, owner_id));
  only_region = default_region != NULL
                  ? default_region
                  : sole_value (model, G_STRUCT_OFFSET (Group, region), G_STRUCT_OFFSET (EniCommon, region));
  for (guint i = 0; i < model->empty_documents->len; i++)
    {
      EmptyDocument *doc = model->empty_documents->pdata[i];

      if (doc->account == NULL)
        doc->account = only_account;
      if (doc->region == NULL)
        doc->region = model_intern (model, only_region);
      model_add_coverage (model, doc->account, doc->region, doc->kind);
    }
}

Model *
export_load (const char *const *paths, guint n_paths, const char *default_region, GError **error)
{
  g_autoptr (Model) model = model_new ();
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GArray) pending = g_array_new (FALSE, FALSE, sizeof (PendingRuleId));

  if (default_region != NULL && !sgplan_region_prefix (default_region, NULL))
    {
      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "'%s' is not a region name (expected a name such as us-east-1)",
                   default_region);
      return NULL;
    }
  files = export_expand_paths (paths, n_paths, error);
  if (files == NULL)
    return NULL;
  for (guint i = 0; i < files->len; i++)
    if (!read_file (model, files->pdata[i], pending, error))
      return NULL;
  if (!resolve_regions (model, default_region, error) || !apply_rule_ids (model, pending, error))
    return NULL;
  resolve_coverage (model, default_region);
  model_finish (model);
  return g_steal_pointer (&model);
}

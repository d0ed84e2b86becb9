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
#include "manifest.h"
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
  gsize element;           /* offset of the element being read */
  SgplanJsonLineCounter lines; /* where the last default group was found */
  GArray *pending;         /* (element-type PendingRuleId) */
  GPtrArray *unplaced;     /* (element-type Resource) account or region not known yet */
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
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return sgplan_json_fail_at (l->error, sgplan_display_path (l->file), l->buf, l->len, l->doc_start,
                              &l->path, message);
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
  /* SARIF points at default groups; no other group's position is kept */
  if (group_is_default (group))
    sgplan_json_line_counter_move (&l->lines, l->buf, l->len, l->element, &group->line,
                                   &group->column);
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

/* Service exports: the resources behind requester-managed ENIs, each read
 * from its service's describe or list call.  What is read here is what
 * the planner needs to change a resource's groups through its service;
 * every identifier that may reach a script is checked for AWS's shape. */

static void
resource_destroy (Resource *resource)
{
  if (resource == NULL)
    return;
  g_free (resource->group_ids);
  g_free (resource->subnet_ids);
  g_free (resource->eni_ids);
  g_free (resource->members);
  g_free (resource);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Resource, resource_destroy)

/* PREFIX then 1 to 32 lowercase hexadecimal digits, as AWS writes IDs. */
static gboolean
is_prefixed_id (const char *value, const char *prefix)
{
  gsize n = strlen (prefix);
  const char *digits = value + n;
  gsize len;

  if (strncmp (value, prefix, n) != 0)
    return FALSE;
  len = strlen (digits);
  return len > 0 && len <= 32 && strspn (digits, "0123456789abcdef") == len;
}

static const struct { const char *prefix, *what; } id_shapes[] = {
  { "sg-", "a security group ID (sg- and hexadecimal digits)" },
  { "subnet-", "a subnet ID (subnet- and hexadecimal digits)" },
  { "eni-", "a network interface ID (eni- and hexadecimal digits)" },
  { "vpc-", "a VPC ID (vpc- and hexadecimal digits)" },
  { "vpce-", "a VPC endpoint ID (vpce- and hexadecimal digits)" },
  { "fsmt-", "a mount target ID (fsmt- and hexadecimal digits)" },
  { "fs-", "a file system ID (fs- and hexadecimal digits)" },
};

static const char *
id_shape (const char *prefix)
{
  for (guint i = 0; i < G_N_ELEMENTS (id_shapes); i++)
    if (strcmp (id_shapes[i].prefix, prefix) == 0)
      return id_shapes[i].what;
  g_assert_not_reached ();
}

/* A string at KEY that must be PREFIX and hexadecimal digits.  An empty
 * string counts as absent when the field is optional: Lambda writes
 * "VpcId": "" for a function outside any VPC. */
static gboolean
read_id (Loader *l, const cJSON *obj, const char *key, gboolean required, const char *what,
         const char *prefix, const char **out)
{
  const cJSON *item = member (l, obj, key);
  gboolean ok = TRUE;

  if (!required && item != NULL && cJSON_IsString (item) && item->valuestring[0] == '\0')
    {
      *out = NULL;
      return TRUE;
    }
  if (!read_string (l, obj, key, required, what, out))
    return FALSE;
  if (*out != NULL && !is_prefixed_id (*out, prefix))
    {
      sgplan_json_path_push_key (&l->path, key);
      ok = loader_fail (l, "\"%s\" must be %s", key, id_shape (prefix));
      sgplan_json_path_pop (&l->path);
    }
  return ok;
}

/* Names of functions, databases, caches and load balancers: letters,
 * digits, hyphens and underscores, as each service allows (a subset for
 * most), at most 64: they become words of a shell command. */
static gboolean
is_service_name (const char *value)
{
  gsize len = strlen (value);

  return len > 0 && len <= 64
         && strspn (value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == len;
}

static gboolean
read_name (Loader *l, const cJSON *obj, const char *key, gboolean required, const char *what,
           const char **out)
{
  gboolean ok = TRUE;

  if (!read_string (l, obj, key, required, what, out))
    return FALSE;
  if (*out != NULL && !is_service_name (*out))
    {
      g_autofree char *printable = sgplan_printable (*out);

      sgplan_json_path_push_key (&l->path, key);
      ok = loader_fail (l, "\"%s\" '%s' is not a name AWS gives: expected 1 to 64 letters, "
                           "digits, hyphens or underscores", key, printable);
      sgplan_json_path_pop (&l->path);
    }
  return ok;
}

static gboolean
is_zone_name (const char *s)
{
  gsize n;

  return sgplan_region_prefix (s, &n) && s[n] != '\0';
}

/* The region of availability zone AZ, interned. */
static const char *
zone_region (Loader *l, const char *az)
{
  gsize n;
  g_autofree char *prefix = NULL;

  if (!sgplan_region_prefix (az, &n))
    return NULL;
  prefix = g_strndup (az, n);
  return model_intern (l->model, prefix);
}

/* Whether member KEY of OBJ is JSON null, which some SDKs print for an
 * empty list (the AWS CLI leaves the member out). */
static gboolean
member_is_null (Loader *l, const cJSON *obj, const char *key)
{
  const cJSON *item = member (l, obj, key);

  return item != NULL && cJSON_IsNull (item);
}

/* The array of strings at KEY, each PREFIX and hexadecimal digits (PREFIX
 * NULL: an availability zone name), interned. */
static gboolean
read_id_list (Loader *l, const cJSON *obj, const char *key, const char *prefix,
              const char ***out, guint *n_out)
{
  const cJSON *array, *item;
  guint i = 0;

  *out = NULL;
  *n_out = 0;
  if (member_is_null (l, obj, key))
    return TRUE;
  if (!read_array (l, obj, key, FALSE, NULL, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;
  *out = g_new0 (const char *, cJSON_GetArraySize (array) + 1);
  sgplan_json_path_push_key (&l->path, key);
  cJSON_ArrayForEach (item, array)
    {
      sgplan_json_path_push_index (&l->path, i);
      if (!cJSON_IsString (item))
        return loader_fail (l, "expected a string in \"%s\"", key);
      if (prefix != NULL ? !is_prefixed_id (item->valuestring, prefix) : !is_zone_name (item->valuestring))
        {
          g_autofree char *printable = sgplan_printable (item->valuestring);

          return loader_fail (l, "'%s' in \"%s\" is not %s", printable, key,
                              prefix != NULL ? id_shape (prefix) : "an availability zone name");
        }
      (*out)[i++] = model_intern (l->model, item->valuestring);
      sgplan_json_path_pop (&l->path);
    }
  sgplan_json_path_pop (&l->path);
  *n_out = i;
  return TRUE;
}

/* Security groups as objects: RDS VpcSecurityGroups ({VpcSecurityGroupId,
 * Status}), ElastiCache SecurityGroups ({SecurityGroupId, Status}), VPC
 * endpoint Groups ({GroupId, GroupName}); kept in the service's order,
 * whatever their status ("adding", "removing" are states of a change that
 * the service has accepted). */
static gboolean
read_group_objects (Loader *l, const cJSON *obj, const char *key, const char *id_key,
                    Resource *r)
{
  const cJSON *array, *item;
  guint i = 0;

  if (member_is_null (l, obj, key))
    return TRUE;
  if (!read_array (l, obj, key, FALSE, NULL, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;
  r->group_ids = g_new0 (const char *, cJSON_GetArraySize (array) + 1);
  sgplan_json_path_push_key (&l->path, key);
  cJSON_ArrayForEach (item, array)
    {
      const char *id;

      sgplan_json_path_push_index (&l->path, i);
      if (!expect_object (l, item, "a security group membership")
          || !read_id (l, item, id_key, TRUE, "security group membership", "sg-", &id))
        return FALSE;
      r->group_ids[i++] = model_intern (l->model, id);
      sgplan_json_path_pop (&l->path);
    }
  sgplan_json_path_pop (&l->path);
  r->n_groups = i;
  return TRUE;
}

/* "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE", split. */
typedef struct {
  const char *value; /* the whole ARN, as read */
  char *text;        /* owns the parts below */
  const char *partition, *service, *region, *account, *resource;
} Arn;

static void
arn_clear (Arn *arn)
{
  g_free (arn->text);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Arn, arn_clear)

static gboolean
arn_parse (const char *value, const char *service, Arn *arn)
{
  char *parts[6];
  char *p;
  gsize len = strlen (value);

  /* the characters of the ARNs read here; nothing a shell or terminal reads */
  if (len > 1024 || strspn (value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                   ":/-_.$") != len)
    return FALSE;
  arn->text = p = g_strdup (value);
  for (guint i = 0; i < 6; i++)
    {
      parts[i] = p;
      if (i < 5)
        {
          p = strchr (p, ':');
          if (p == NULL)
            return FALSE;
          *p++ = '\0';
        }
    }
  arn->partition = parts[1];
  arn->service = parts[2];
  arn->region = parts[3];
  arn->account = parts[4];
  arn->resource = parts[5];
  return strcmp (parts[0], "arn") == 0
         && g_str_has_prefix (arn->partition, "aws")
         && strspn (arn->partition, "abcdefghijklmnopqrstuvwxyz-") == strlen (arn->partition)
         && strcmp (arn->service, service) == 0 && is_region_name (arn->region)
         && is_account_id (arn->account) && arn->resource[0] != '\0';
}

/* The ARN at KEY, of SERVICE, whose resource part starts with RESOURCE_PREFIX
 * (the rest in *REST).  Its account and region must be those of the
 * ACCOUNT/REGION folders of the file, if it is in such folders. */
static gboolean
read_arn (Loader *l, const cJSON *obj, const char *key, gboolean required, const char *what,
          const char *service, const char *resource_prefix, Arn *arn, const char **rest)
{
  const char *value, *folder_account;
  gboolean ok = TRUE;

  *rest = NULL;
  if (!read_string (l, obj, key, required, what, &value))
    return FALSE;
  if (value == NULL)
    return TRUE;
  sgplan_json_path_push_key (&l->path, key);
  folder_account = g_hash_table_lookup (l->model->path_accounts, l->file);
  if (!arn_parse (value, service, arn) || !g_str_has_prefix (arn->resource, resource_prefix))
    {
      g_autofree char *printable = sgplan_printable (value);

      ok = loader_fail (l, "\"%s\" '%s' is not an ARN of the form arn:PARTITION:%s:REGION:"
                           "ACCOUNT:%s...", key, printable, service, resource_prefix);
    }
  else if (l->path_region != NULL && strcmp (arn->region, l->path_region) != 0)
    ok = loader_fail (l, "\"%s\" names region %s, but the file is in the folder of region %s",
                      key, arn->region, l->path_region);
  else if (folder_account != NULL && strcmp (arn->account, folder_account) != 0)
    ok = loader_fail (l, "\"%s\" names account %s, but the file is in the folder of account %s",
                      key, arn->account, folder_account);
  else
    {
      arn->value = value;
      *rest = arn->resource + strlen (resource_prefix);
    }
  sgplan_json_path_pop (&l->path);
  return ok;
}

static gboolean
read_status (Loader *l, const cJSON *obj, const char *key, Resource *r)
{
  const char *status;

  if (!read_string (l, obj, key, FALSE, NULL, &status))
    return FALSE;
  r->status = model_intern (l->model, status);
  return TRUE;
}

/* The region of an availability zone name at KEY, if it is one (ElastiCache
 * writes "Multiple" there for clusters across zones). */
static gboolean
read_zone_region (Loader *l, const cJSON *obj, const char *key, const char **region)
{
  const char *az;

  if (!read_string (l, obj, key, FALSE, NULL, &az))
    return FALSE;
  if (az != NULL && *region == NULL && is_zone_name (az))
    *region = zone_region (l, az);
  return TRUE;
}

static gboolean
string_lists_equal (const char *const *a, guint na, const char *const *b, guint nb)
{
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (g_strcmp0 (a[i], b[i]) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
resources_equal (const Resource *a, const Resource *b)
{
  const char *const fa[] = { a->id, a->name, a->arn, a->account, a->region, a->vpc_id, a->status,
                             a->function_name, a->version, a->cluster_id, a->replication_group_id,
                             a->engine, a->subnet_group, a->type, a->service_name, a->file_system_id };
  const char *const fb[] = { b->id, b->name, b->arn, b->account, b->region, b->vpc_id, b->status,
                             b->function_name, b->version, b->cluster_id, b->replication_group_id,
                             b->engine, b->subnet_group, b->type, b->service_name, b->file_system_id };

  if (a->kind != b->kind || a->ipv6_dual_stack != b->ipv6_dual_stack)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (fa); i++)
    if (g_strcmp0 (fa[i], fb[i]) != 0)
      return FALSE;
  return string_lists_equal (a->group_ids, a->n_groups, b->group_ids, b->n_groups)
         && string_lists_equal (a->subnet_ids, a->n_subnets, b->subnet_ids, b->n_subnets)
         && string_lists_equal (a->eni_ids, a->n_enis, b->eni_ids, b->n_enis)
         && string_lists_equal (a->members, a->n_members, b->members, b->n_members);
}

/* Stores a resource read from the file: ACCOUNT and REGION are what the
 * element itself tells (ARN, owner, zone), else the file's folders; when
 * neither tells, the resource waits for resolve_resources.  The same
 * resource in two files must agree. */
static gboolean
add_resource (Loader *l, Resource *r, const char *account, const char *region)
{
  const Resource *existing;

  /* Subnets, interfaces and members are sets: the export's order is no
   * state (groups keep theirs: the service's order is) */
  sgplan_qsort (r->subnet_ids, r->n_subnets, sizeof (char *), sgplan_compare_strings);
  sgplan_qsort (r->eni_ids, r->n_enis, sizeof (char *), sgplan_compare_strings);
  sgplan_qsort (r->members, r->n_members, sizeof (char *), sgplan_compare_strings);
  r->source = l->file;
  r->account = account != NULL ? model_intern (l->model, account)
                               : g_hash_table_lookup (l->model->path_accounts, l->file);
  r->region = region != NULL ? model_intern (l->model, region) : l->path_region;
  if (r->account == NULL || r->region == NULL)
    {
      g_ptr_array_add (l->unplaced, r);
      return TRUE;
    }
  existing = model_resource (l->model, r->kind, r->account, r->region, r->id);
  if (existing != NULL)
    {
      gboolean same = resources_equal (existing, r);

      resource_destroy (r);
      if (!same)
        return loader_fail (l, "%s '%s' differs from the same %s in '%s': were the files "
                               "exported at different times?",
                            resource_kind_name (existing->kind), existing->id,
                            resource_kind_name (existing->kind), existing->source);
      return TRUE; /* identical: keep the first */
    }
  model_add_resource (l->model, r);
  return TRUE;
}

/* One entry of `aws lambda list-functions --function-version ALL`: one
 * version of a function.  With ALL every entry's FunctionArn ends in its
 * version (":$LATEST", ":3"); without it the entries are the unpublished
 * versions, unqualified. */
static gboolean
read_lambda_function (Loader *l, const cJSON *obj)
{
  g_autoptr (Resource) r = g_new0 (Resource, 1);
  g_auto (Arn) arn = { 0 };
  const char *name, *version, *rest, *vpc = NULL;
  const cJSON *config;

  if (!expect_object (l, obj, "a Lambda function")
      || !read_name (l, obj, "FunctionName", TRUE, "Lambda function", &name)
      || !read_arn (l, obj, "FunctionArn", FALSE, NULL, "lambda", "function:", &arn, &rest)
      || !read_string (l, obj, "Version", FALSE, NULL, &version)
      || !read_status (l, obj, "State", r))
    return FALSE;
  if (version == NULL)
    version = "$LATEST";
  /* $LATEST.PUBLISHED: the published version of a function on Lambda
   * Managed Instances */
  if (strcmp (version, "$LATEST") != 0 && strcmp (version, "$LATEST.PUBLISHED") != 0
      && (strspn (version, "0123456789") != strlen (version) || version[0] == '0'
          || strlen (version) > 18))
    {
      sgplan_json_path_push_key (&l->path, "Version");
      return loader_fail (l, "\"Version\" must be \"$LATEST\", \"$LATEST.PUBLISHED\" or a "
                             "version number");
    }
  if (rest != NULL)
    {
      const char *colon = strchr (rest, ':');
      gsize name_len = colon != NULL ? (gsize) (colon - rest) : strlen (rest);

      if (name_len != strlen (name) || strncmp (rest, name, name_len) != 0
          || (colon != NULL && strcmp (colon + 1, version) != 0)
          || (colon == NULL && strcmp (version, "$LATEST") != 0))
        {
          sgplan_json_path_push_key (&l->path, "FunctionArn");
          return loader_fail (l, "\"FunctionArn\" is not the ARN of version %s of function '%s'",
                              version, name);
        }
    }
  config = member (l, obj, "VpcConfig");
  if (config != NULL && !cJSON_IsNull (config))
    {
      gboolean ok;

      sgplan_json_path_push_key (&l->path, "VpcConfig");
      ok = expect_object (l, config, "\"VpcConfig\"")
           && read_id_list (l, config, "SubnetIds", "subnet-", &r->subnet_ids, &r->n_subnets)
           && read_id_list (l, config, "SecurityGroupIds", "sg-", &r->group_ids, &r->n_groups)
           && read_id (l, config, "VpcId", FALSE, NULL, "vpc-", &vpc)
           && read_bool (l, config, "Ipv6AllowedForDualStack", FALSE, NULL, &r->ipv6_dual_stack);
      sgplan_json_path_pop (&l->path);
      if (!ok)
        return FALSE;
    }
  r->kind = RESOURCE_LAMBDA_FUNCTION;
  {
    g_autofree char *id = g_strdup_printf ("%s:%s", name, version);
    r->id = model_str (l->model, id);
  }
  r->name = r->function_name = model_intern (l->model, name);
  r->version = model_intern (l->model, version);
  r->arn = rest != NULL ? model_str (l->model, arn.value) : NULL;
  r->vpc_id = model_intern (l->model, vpc);
  return add_resource (l, g_steal_pointer (&r), rest != NULL ? arn.account : NULL,
                       rest != NULL ? arn.region : NULL);
}

/* The DBSubnetGroup of a DB instance: {DBSubnetGroupName, VpcId, ...}. */
static gboolean
read_db_subnet_group (Loader *l, const cJSON *obj, Resource *r)
{
  const cJSON *group = member (l, obj, "DBSubnetGroup");
  const char *name, *vpc;
  gboolean ok;

  if (group == NULL || cJSON_IsNull (group))
    return TRUE;
  sgplan_json_path_push_key (&l->path, "DBSubnetGroup");
  ok = expect_object (l, group, "\"DBSubnetGroup\"")
       && read_string (l, group, "DBSubnetGroupName", FALSE, NULL, &name)
       && read_id (l, group, "VpcId", FALSE, NULL, "vpc-", &vpc);
  sgplan_json_path_pop (&l->path);
  if (ok)
    {
      r->subnet_group = model_intern (l->model, name);
      r->vpc_id = model_intern (l->model, vpc);
    }
  return ok;
}

/* The identifier at KEY must be the end of the ARN's resource part. */
static gboolean
arn_names (Loader *l, const char *rest, const char *id, const char *arn_key)
{
  if (rest == NULL || strcmp (rest, id) == 0)
    return TRUE;
  sgplan_json_path_push_key (&l->path, arn_key);
  return loader_fail (l, "\"%s\" is not the ARN of '%s'", arn_key, id);
}

/* One entry of `aws rds describe-db-instances`. */
static gboolean
read_db_instance (Loader *l, const cJSON *obj)
{
  g_autoptr (Resource) r = g_new0 (Resource, 1);
  g_auto (Arn) arn = { 0 };
  const char *id, *rest, *cluster, *engine, *region = NULL;

  if (!expect_object (l, obj, "a DB instance")
      || !read_name (l, obj, "DBInstanceIdentifier", TRUE, "DB instance", &id)
      || !read_string (l, obj, "Engine", FALSE, NULL, &engine)
      || !read_status (l, obj, "DBInstanceStatus", r)
      || !read_group_objects (l, obj, "VpcSecurityGroups", "VpcSecurityGroupId", r)
      || !read_zone_region (l, obj, "AvailabilityZone", &region)
      || !read_db_subnet_group (l, obj, r)
      || !read_name (l, obj, "DBClusterIdentifier", FALSE, NULL, &cluster)
      || !read_arn (l, obj, "DBInstanceArn", FALSE, NULL, "rds", "db:", &arn, &rest)
      || !arn_names (l, rest, id, "DBInstanceArn"))
    return FALSE;
  r->kind = RESOURCE_RDS_INSTANCE;
  r->id = r->name = model_str (l->model, id);
  r->arn = model_str (l->model, arn.value);
  r->engine = model_intern (l->model, engine);
  r->cluster_id = model_str (l->model, cluster);
  return add_resource (l, g_steal_pointer (&r), arn.account, arn.value != NULL ? arn.region : region);
}

/* One entry of `aws rds describe-db-clusters` (Aurora, Multi-AZ DB
 * clusters; Neptune and DocumentDB clusters are listed there too).  A
 * cluster names its subnet group but not its VPC: resolve_resources takes
 * a member instance's. */
static gboolean
read_db_cluster (Loader *l, const cJSON *obj)
{
  g_autoptr (Resource) r = g_new0 (Resource, 1);
  g_auto (Arn) arn = { 0 };
  g_autofree const char **zones = NULL;
  const char *id, *rest, *engine, *subnet_group;
  const cJSON *array = NULL, *item;
  guint i = 0, n_zones;

  if (!expect_object (l, obj, "a DB cluster")
      || !read_id_list (l, obj, "AvailabilityZones", NULL, &zones, &n_zones)
      || !read_name (l, obj, "DBClusterIdentifier", TRUE, "DB cluster", &id)
      || !read_string (l, obj, "DBSubnetGroup", FALSE, NULL, &subnet_group)
      || !read_status (l, obj, "Status", r)
      || !read_string (l, obj, "Engine", FALSE, NULL, &engine)
      || (!member_is_null (l, obj, "DBClusterMembers")
          && !read_array (l, obj, "DBClusterMembers", FALSE, NULL, &array))
      || !read_group_objects (l, obj, "VpcSecurityGroups", "VpcSecurityGroupId", r)
      || !read_arn (l, obj, "DBClusterArn", FALSE, NULL, "rds", "cluster:", &arn, &rest)
      || !arn_names (l, rest, id, "DBClusterArn"))
    return FALSE;
  if (array != NULL)
    {
      r->members = g_new0 (const char *, cJSON_GetArraySize (array) + 1);
      sgplan_json_path_push_key (&l->path, "DBClusterMembers");
      cJSON_ArrayForEach (item, array)
        {
          const char *instance;

          sgplan_json_path_push_index (&l->path, i);
          if (!expect_object (l, item, "a DB cluster member")
              || !read_name (l, item, "DBInstanceIdentifier", TRUE, "DB cluster member", &instance))
            return FALSE;
          r->members[i++] = model_str (l->model, instance);
          sgplan_json_path_pop (&l->path);
        }
      sgplan_json_path_pop (&l->path);
      r->n_members = i;
    }
  r->kind = RESOURCE_RDS_CLUSTER;
  r->id = r->name = model_str (l->model, id);
  r->arn = model_str (l->model, arn.value);
  r->engine = model_intern (l->model, engine);
  r->subnet_group = model_intern (l->model, subnet_group);
  return add_resource (l, g_steal_pointer (&r), arn.account,
                       arn.value != NULL ? arn.region : n_zones > 0 ? zone_region (l, zones[0]) : NULL);
}

/* One entry of `aws elasticache describe-cache-clusters`.  Its VPC is that
 * of its cache subnet group, which the entry names but does not describe:
 * resolve_resources takes the VPC of its groups. */
static gboolean
read_cache_cluster (Loader *l, const cJSON *obj)
{
  g_autoptr (Resource) r = g_new0 (Resource, 1);
  g_auto (Arn) arn = { 0 };
  const char *id, *rest, *engine, *subnet_group, *replication_group, *region = NULL;

  if (!expect_object (l, obj, "a cache cluster")
      || !read_name (l, obj, "CacheClusterId", TRUE, "cache cluster", &id)
      || !read_string (l, obj, "Engine", FALSE, NULL, &engine)
      || !read_status (l, obj, "CacheClusterStatus", r)
      || !read_zone_region (l, obj, "PreferredAvailabilityZone", &region)
      || !read_string (l, obj, "CacheSubnetGroupName", FALSE, NULL, &subnet_group)
      || !read_group_objects (l, obj, "SecurityGroups", "SecurityGroupId", r)
      || !read_name (l, obj, "ReplicationGroupId", FALSE, NULL, &replication_group)
      || !read_arn (l, obj, "ARN", FALSE, NULL, "elasticache", "cluster:", &arn, &rest)
      || !arn_names (l, rest, id, "ARN"))
    return FALSE;
  r->kind = RESOURCE_CACHE_CLUSTER;
  r->id = r->name = model_str (l->model, id);
  r->arn = model_str (l->model, arn.value);
  r->engine = model_intern (l->model, engine);
  r->subnet_group = model_intern (l->model, subnet_group);
  r->replication_group_id = model_str (l->model, replication_group);
  return add_resource (l, g_steal_pointer (&r), arn.account, arn.value != NULL ? arn.region : region);
}

/* The security groups of a load balancer: a list of IDs. */
static gboolean
read_group_id_list (Loader *l, const cJSON *obj, Resource *r)
{
  return read_id_list (l, obj, "SecurityGroups", "sg-", &r->group_ids, &r->n_groups);
}

/* One entry of `aws elbv2 describe-load-balancers`.  Its ARN is its ID:
 * ...:loadbalancer/app/NAME/ID (net/ for network, gwy/ for gateway). */
static gboolean
read_load_balancer (Loader *l, const cJSON *obj)
{
  static const struct { const char *arn, *type; } types[] = {
    { "app/", "application" }, { "net/", "network" }, { "gwy/", "gateway" },
  };
  g_autoptr (Resource) r = g_new0 (Resource, 1);
  g_auto (Arn) arn = { 0 };
  const char *rest, *name, *vpc, *type, *arn_type = NULL, *slash;
  const cJSON *state, *zones, *zone;
  guint i = 0;

  if (!expect_object (l, obj, "a load balancer")
      || !read_arn (l, obj, "LoadBalancerArn", TRUE, "load balancer", "elasticloadbalancing",
                    "loadbalancer/", &arn, &rest)
      || !read_name (l, obj, "LoadBalancerName", FALSE, NULL, &name)
      || !read_id (l, obj, "VpcId", FALSE, NULL, "vpc-", &vpc))
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (types); k++)
    if (g_str_has_prefix (rest, types[k].arn))
      {
        arn_type = types[k].type;
        rest += strlen (types[k].arn);
      }
  slash = strchr (rest, '/');
  if (arn_type == NULL || slash == NULL || slash == rest || strchr (slash + 1, '/') != NULL
      || slash[1] == '\0')
    {
      sgplan_json_path_push_key (&l->path, "LoadBalancerArn");
      return loader_fail (l, "\"LoadBalancerArn\" must end in loadbalancer/app/, net/ or gwy/, "
                             "then the load balancer's name, / and its ID");
    }
  if (name != NULL && ((gsize) (slash - rest) != strlen (name) || strncmp (rest, name, strlen (name)) != 0))
    {
      sgplan_json_path_push_key (&l->path, "LoadBalancerName");
      return loader_fail (l, "\"LoadBalancerName\" '%s' is not the name in \"LoadBalancerArn\"", name);
    }
  state = member (l, obj, "State");
  if (state != NULL && !cJSON_IsNull (state))
    {
      gboolean ok;

      sgplan_json_path_push_key (&l->path, "State");
      ok = expect_object (l, state, "\"State\"") && read_status (l, state, "Code", r);
      sgplan_json_path_pop (&l->path);
      if (!ok)
        return FALSE;
    }
  if (!read_string (l, obj, "Type", FALSE, NULL, &type))
    return FALSE;
  if (type != NULL && strcmp (type, arn_type) != 0)
    {
      sgplan_json_path_push_key (&l->path, "Type");
      return loader_fail (l, "\"Type\" must be the type that \"LoadBalancerArn\" names (%s)",
                          arn_type);
    }
  if (!read_array (l, obj, "AvailabilityZones", FALSE, NULL, &zones))
    return FALSE;
  if (zones != NULL)
    {
      r->subnet_ids = g_new0 (const char *, cJSON_GetArraySize (zones) + 1);
      sgplan_json_path_push_key (&l->path, "AvailabilityZones");
      cJSON_ArrayForEach (zone, zones)
        {
          const char *subnet;

          sgplan_json_path_push_index (&l->path, i);
          if (!expect_object (l, zone, "an availability zone with \"SubnetId\"")
              || !read_id (l, zone, "SubnetId", FALSE, NULL, "subnet-", &subnet))
            return FALSE;
          if (subnet != NULL)
            r->subnet_ids[r->n_subnets++] = model_intern (l->model, subnet);
          sgplan_json_path_pop (&l->path);
          i++;
        }
      sgplan_json_path_pop (&l->path);
    }
  if (!read_group_id_list (l, obj, r))
    return FALSE;
  r->kind = RESOURCE_LOAD_BALANCER;
  r->id = r->arn = model_str (l->model, arn.value);
  {
    g_autofree char *arn_name = g_strndup (rest, (gsize) (slash - rest));
    r->name = model_str (l->model, arn_name);
  }
  r->type = model_intern (l->model, arn_type);
  r->vpc_id = model_intern (l->model, vpc);
  return add_resource (l, g_steal_pointer (&r), arn.account, arn.region);
}

/* One entry of `aws elb describe-load-balancers` (classic).  It has no ARN
 * and no owner but SourceSecurityGroup.OwnerAlias, the account's ID for a
 * load balancer in a VPC. */
static gboolean
read_classic_load_balancer (Loader *l, const cJSON *obj)
{
  g_autoptr (Resource) r = g_new0 (Resource, 1);
  g_autofree const char **zones = NULL;
  const char *name, *vpc, *account = NULL, *region = NULL;
  const cJSON *source;
  guint n_zones;

  if (!expect_object (l, obj, "a classic load balancer")
      || !read_name (l, obj, "LoadBalancerName", TRUE, "classic load balancer", &name)
      || !read_id_list (l, obj, "AvailabilityZones", NULL, &zones, &n_zones)
      || !read_id_list (l, obj, "Subnets", "subnet-", &r->subnet_ids, &r->n_subnets)
      || !read_id (l, obj, "VPCId", FALSE, NULL, "vpc-", &vpc))
    return FALSE;
  source = member (l, obj, "SourceSecurityGroup");
  if (source != NULL && !cJSON_IsNull (source))
    {
      gboolean ok;

      sgplan_json_path_push_key (&l->path, "SourceSecurityGroup");
      ok = expect_object (l, source, "\"SourceSecurityGroup\"")
           && read_string (l, source, "OwnerAlias", FALSE, NULL, &account);
      sgplan_json_path_pop (&l->path);
      if (!ok)
        return FALSE;
      if (account != NULL && !is_account_id (account))
        account = NULL; /* "amazon-elb" for load balancers outside a VPC */
    }
  if (!read_group_id_list (l, obj, r))
    return FALSE;
  if (n_zones > 0)
    region = zone_region (l, zones[0]);
  r->kind = RESOURCE_CLASSIC_LOAD_BALANCER;
  r->id = r->name = model_str (l->model, name);
  r->vpc_id = model_intern (l->model, vpc);
  return add_resource (l, g_steal_pointer (&r), account, region);
}

/* One entry of `aws ec2 describe-vpc-endpoints`.  Only interface and
 * gateway load balancer endpoints have groups (and ENIs). */
static gboolean
read_vpc_endpoint (Loader *l, const cJSON *obj)
{
  g_autoptr (Resource) r = g_new0 (Resource, 1);
  const char *id, *type, *vpc, *service, *owner;

  if (!expect_object (l, obj, "a VPC endpoint")
      || !read_id (l, obj, "VpcEndpointId", TRUE, "VPC endpoint", "vpce-", &id)
      || !read_string (l, obj, "VpcEndpointType", FALSE, NULL, &type)
      || !read_id (l, obj, "VpcId", FALSE, NULL, "vpc-", &vpc)
      || !read_string (l, obj, "ServiceName", FALSE, NULL, &service)
      || !read_status (l, obj, "State", r)
      || !read_id_list (l, obj, "SubnetIds", "subnet-", &r->subnet_ids, &r->n_subnets)
      || !read_group_objects (l, obj, "Groups", "GroupId", r)
      || !read_id_list (l, obj, "NetworkInterfaceIds", "eni-", &r->eni_ids, &r->n_enis)
      || !read_string (l, obj, "OwnerId", FALSE, NULL, &owner))
    return FALSE;
  r->kind = RESOURCE_VPC_ENDPOINT;
  r->id = r->name = model_str (l->model, id);
  r->type = model_intern (l->model, type);
  r->vpc_id = model_intern (l->model, vpc);
  r->service_name = model_intern (l->model, service);
  return add_resource (l, g_steal_pointer (&r), owner, NULL);
}

/* One entry of `aws efs describe-mount-targets --file-system-id fs-...`.
 * It lists no security groups: a mount target's groups are those of its
 * ENI (NetworkInterfaceId), which describe-network-interfaces gives; the
 * service's own call is describe-mount-target-security-groups. */
static gboolean
read_mount_target (Loader *l, const cJSON *obj)
{
  g_autoptr (Resource) r = g_new0 (Resource, 1);
  const char *owner, *id, *fs, *subnet, *eni, *vpc, *region = NULL;

  if (!expect_object (l, obj, "a mount target")
      || !read_string (l, obj, "OwnerId", FALSE, NULL, &owner)
      || !read_id (l, obj, "MountTargetId", TRUE, "mount target", "fsmt-", &id)
      || !read_id (l, obj, "FileSystemId", TRUE, "mount target", "fs-", &fs)
      || !read_id (l, obj, "SubnetId", FALSE, NULL, "subnet-", &subnet)
      || !read_status (l, obj, "LifeCycleState", r)
      || !read_id (l, obj, "NetworkInterfaceId", FALSE, NULL, "eni-", &eni)
      || !read_zone_region (l, obj, "AvailabilityZoneName", &region)
      || !read_id (l, obj, "VpcId", FALSE, NULL, "vpc-", &vpc))
    return FALSE;
  r->kind = RESOURCE_MOUNT_TARGET;
  r->id = r->name = model_str (l->model, id);
  r->file_system_id = model_intern (l->model, fs);
  r->vpc_id = model_intern (l->model, vpc);
  if (subnet != NULL)
    {
      r->subnet_ids = g_new0 (const char *, 2);
      r->subnet_ids[r->n_subnets++] = model_intern (l->model, subnet);
    }
  if (eni != NULL)
    {
      r->eni_ids = g_new0 (const char *, 2);
      r->eni_ids[r->n_enis++] = model_str (l->model, eni);
    }
  return add_resource (l, g_steal_pointer (&r), owner, region);
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
  /* optional service exports */
  { "Functions", read_lambda_function, MODEL_DOC_LAMBDA_FUNCTIONS },
  { "DBInstances", read_db_instance, MODEL_DOC_RDS_INSTANCES },
  { "DBClusters", read_db_cluster, MODEL_DOC_RDS_CLUSTERS },
  { "CacheClusters", read_cache_cluster, MODEL_DOC_CACHE_CLUSTERS },
  { "LoadBalancers", read_load_balancer, MODEL_DOC_LOAD_BALANCERS },
  { "LoadBalancerDescriptions", read_classic_load_balancer, MODEL_DOC_CLASSIC_LOAD_BALANCERS },
  { "VpcEndpoints", read_vpc_endpoint, MODEL_DOC_VPC_ENDPOINTS },
  { "MountTargets", read_mount_target, MODEL_DOC_MOUNT_TARGETS },
};

/* Members that say where the next page starts: NextToken (the AWS CLI with
 * --max-items), NextMarker and Marker (the services' own, with
 * --no-paginate; EFS echoes the Marker it was given).  Later pages follow
 * in the same file or in others. */
static gboolean
is_pagination_key (const char *name)
{
  return strcmp (name, "NextToken") == 0 || strcmp (name, "NextMarker") == 0
         || strcmp (name, "Marker") == 0;
}

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
                if (is_pagination_key (name))
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
            gsize at = sgplan_json_cursor_offset (p->cursor);
            const cJSON *item = sgplan_json_cursor_value (p->cursor, b->arena);

            if (item == NULL)
              {
                batch_syntax (p, b);
                break;
              }
            batch_add (b, EVENT_ELEMENT, 0, at, NULL, item);
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
              l->element = e->offset;
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
read_file (Model *model, const char *path, GArray *pending, GPtrArray *unplaced, GError **error)
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
  l.unplaced = unplaced;
  l.error = error;
  l.lines = (SgplanJsonLineCounter) SGPLAN_JSON_LINE_COUNTER_INIT;
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

/* The VPC of resource R when its export does not name it: for an RDS
 * cluster, the VPC of a member instance; else that of the first of its
 * groups that the SecurityGroups export describes (a resource's groups are
 * in its VPC). */
static const char *
resource_vpc (Model *model, const Resource *r)
{
  if (r->kind == RESOURCE_RDS_CLUSTER)
    for (guint i = 0; i < r->n_members; i++)
      {
        const Resource *instance = model_resource (model, RESOURCE_RDS_INSTANCE, r->account,
                                                   r->region, r->members[i]);

        if (instance != NULL && instance->vpc_id != NULL)
          return instance->vpc_id;
      }
  for (guint i = 0; i < r->n_groups; i++)
    {
      const Group *group = model_group (model, r->group_ids[i]);

      if (group != NULL && group->vpc_id != NULL)
        return group->vpc_id;
    }
  return NULL;
}

/* Places the resources whose element and folders did not tell their
 * account or region: the owner and region of their groups (the region of
 * a group comes from the ENIs of its VPC), else --region, else the
 * export's only account and region.  Then fills in the VPCs that the
 * exports do not name.  Nothing to do, and no cost, without service
 * exports. */
static gboolean
resolve_resources (Model *model, GPtrArray *unplaced, const char *default_region, GError **error)
{
  const char *only_account = NULL, *only_region = NULL;
  GHashTableIter iter;
  gpointer value;

  if (unplaced->len > 0)
    {
      only_account = sole_value (model, G_STRUCT_OFFSET (Group, owner_id),
                                 G_STRUCT_OFFSET (EniCommon, owner_id));
      only_region = sole_value (model, G_STRUCT_OFFSET (Group, region),
                                G_STRUCT_OFFSET (EniCommon, region));
    }
  for (guint i = 0; i < unplaced->len; i++)
    {
      Resource *r = unplaced->pdata[i];
      const Resource *existing;

      for (guint g = 0; g < r->n_groups && (r->account == NULL || r->region == NULL); g++)
        {
          const Group *group = model_group (model, r->group_ids[g]);

          if (group == NULL)
            continue;
          if (r->account == NULL)
            r->account = group->owner_id;
          if (r->region == NULL)
            r->region = group->region;
        }
      if (r->region == NULL)
        r->region = model_intern (model, default_region != NULL ? default_region : only_region);
      if (r->account == NULL)
        r->account = only_account;
      if (r->account == NULL || r->region == NULL)
        {
          g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                       "'%s': cannot tell the %s of %s '%s': %s; export into ACCOUNT/REGION/ "
                       "folders%s", sgplan_display_path (r->source),
                       r->account == NULL ? "account" : "region", resource_kind_name (r->kind),
                       r->id,
                       r->account == NULL ? "it names no owner, and none of its groups is in "
                                            "the export"
                                          : "it has no ARN or availability zone, and no folder "
                                            "in its path is a region name",
                       r->account == NULL ? "" : " or pass --region");
          return FALSE;
        }
      existing = model_resource (model, r->kind, r->account, r->region, r->id);
      if (existing != NULL)
        {
          if (!resources_equal (existing, r))
            {
              g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_INPUT,
                           "'%s': %s '%s' differs from the same %s in '%s': were the files "
                           "exported at different times?",
                           sgplan_display_path (r->source), resource_kind_name (r->kind), r->id,
                           resource_kind_name (r->kind), sgplan_display_path (existing->source));
              return FALSE;
            }
          continue; /* identical: keep the first (freed with UNPLACED) */
        }
      model_add_resource (model, r);
      unplaced->pdata[i] = NULL;
    }
  /* instances before clusters: a cluster takes a member's VPC */
  for (int pass = 0; pass < 2; pass++)
    {
      g_hash_table_iter_init (&iter, model->resources);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Resource *r = value;

          if (r->vpc_id == NULL && (r->kind == RESOURCE_RDS_CLUSTER) == (pass == 1))
            r->vpc_id = resource_vpc (model, r);
        }
    }
  return TRUE;
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
  g_hash_table_iter_init (&iter, model->resources);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Resource *r = value;
      const char *account = g_hash_table_lookup (model->path_accounts, r->source);

      model_add_coverage (model, account != NULL ? account : r->account, r->region,
                          resource_kind_document (r->kind));
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
  g_autoptr (GPtrArray) unplaced = g_ptr_array_new_with_free_func ((GDestroyNotify) resource_destroy);

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
    {
      /* sgplan-collect's manifest: which regions the export holds (manifest.h) */
      if (manifest_is_manifest (files->pdata[i]))
        {
          Manifest *manifest = manifest_read (files->pdata[i], error);

          if (manifest == NULL)
            return NULL;
          g_ptr_array_add (model->manifests, manifest);
        }
      else if (!read_file (model, files->pdata[i], pending, unplaced, error))
        return NULL;
    }
  if (!resolve_regions (model, default_region, error) || !apply_rule_ids (model, pending, error)
      || !resolve_resources (model, unplaced, default_region, error))
    return NULL;
  resolve_coverage (model, default_region);
  model_finish (model);
  return g_steal_pointer (&model);
}

/* model.c - groups, ENIs, atomic rules, indexes, canonical order, fingerprint. */
#include "config.h"

#include "model.h"
#include "manifest.h"
#include "sha256.h"
#include "sort.h"

#include <stdlib.h>
#include <string.h>

static void
group_free (gpointer data)
{
  Group *group = data;

  g_free (group->rules);
  g_free (group->tags);
  g_free (group);
}

static void
resource_free (gpointer data)
{
  Resource *resource = data;

  g_free (resource->group_ids);
  g_free (resource->subnet_ids);
  g_free (resource->eni_ids);
  g_free (resource->members);
  g_free (resource);
}

/* ENIs are many (a large organisation has hundreds of thousands): they and
 * their group lists live in an arena that the model frees at once, with no
 * allocator overhead per ENI, and the table keeps only keys (the ENIs,
 * hashed by their first member, the ID). */
static guint
id_hash (gconstpointer p)
{
  return g_str_hash (*(const char *const *) p);
}

static gboolean
id_equal (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b) == 0;
}

/* EniCommon's members are all strings the model holds once (model_intern,
 * or the file name), so identity of the pointers is equality. */
static guint
common_hash (gconstpointer p)
{
  const EniCommon *c = p;
  const char *const members[] = {
    c->interface_type, c->owner_id, c->availability_zone, c->region, c->vpc_id,
    c->subnet_id, c->status, c->instance_owner_id, c->requester_id, c->source,
  };
  guint64 h = (guint64) c->requester_managed;

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    h = (h ^ (guint64) (guintptr) members[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return (guint) (h ^ (h >> 32));
}

static gboolean
common_equal (gconstpointer a, gconstpointer b)
{
  const EniCommon *x = a, *y = b;

  return x->interface_type == y->interface_type && x->owner_id == y->owner_id
         && x->availability_zone == y->availability_zone && x->region == y->region
         && x->vpc_id == y->vpc_id && x->subnet_id == y->subnet_id && x->status == y->status
         && x->instance_owner_id == y->instance_owner_id && x->requester_id == y->requester_id
         && x->source == y->source && x->requester_managed == y->requester_managed;
}

static const EniCommon *
intern_common (Model *model, const EniCommon *common)
{
  EniCommon *stored;

  /* neighbouring ENIs of one file mostly share everything */
  if (model->last_common != NULL && common_equal (model->last_common, common))
    return model->last_common;
  stored = g_hash_table_lookup (model->commons, common);
  if (stored == NULL)
    {
      stored = sgplan_arena_alloc (model->slab, sizeof *stored);
      *stored = *common;
      g_hash_table_add (model->commons, stored);
    }
  model->last_common = stored;
  return stored;
}

const Eni *
model_add_eni (Model *model, const Eni *eni)
{
  Eni *copy = sgplan_arena_alloc (model->slab, sizeof *copy);

  *copy = *eni;
  copy->common = intern_common (model, eni->common);
  if (eni->n_groups > 0)
    {
      copy->groups = sgplan_arena_alloc (model->slab, eni->n_groups * sizeof (EniGroup));
      memcpy (copy->groups, eni->groups, eni->n_groups * sizeof (EniGroup));
    }
  else
    copy->groups = NULL;
  if (eni->n_tags > 0)
    {
      copy->tags = sgplan_arena_alloc (model->slab, eni->n_tags * sizeof (Tag));
      memcpy (copy->tags, eni->tags, eni->n_tags * sizeof (Tag));
    }
  else
    copy->tags = NULL;
  g_hash_table_add (model->enis, copy);
  return copy;
}

Model *
model_new (void)
{
  Model *model = g_new0 (Model, 1);

  model->strings = g_string_chunk_new (1 << 16);
  model->interned = g_hash_table_new (g_str_hash, g_str_equal);
  model->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, group_free);
  model->enis = g_hash_table_new (id_hash, id_equal);
  model->slab = sgplan_arena_new ();
  model->commons = g_hash_table_new (common_hash, common_equal);
  model->references = g_ptr_array_new_with_free_func (g_free);
  model->sources = g_ptr_array_new_with_free_func (g_free);
  model->enis_by_group = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) g_ptr_array_unref);
  model->refs_by_group = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) g_ptr_array_unref);
  model->vpcs = g_hash_table_new (g_str_hash, g_str_equal);
  model->coverage = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  model->path_accounts = g_hash_table_new (g_str_hash, g_str_equal);
  model->empty_documents = g_ptr_array_new_with_free_func (g_free);
  model->manifests = g_ptr_array_new_with_free_func ((GDestroyNotify) manifest_free);
  model->empty = g_ptr_array_new ();
  model->resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, resource_free);
  model->resources_by_vpc = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                   (GDestroyNotify) g_ptr_array_unref);
  model->lambda_versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) g_ptr_array_unref);
  return model;
}

void
model_free (Model *model)
{
  if (model == NULL)
    return;
  g_clear_pointer (&model->group_list, g_ptr_array_unref);
  g_clear_pointer (&model->eni_list, g_ptr_array_unref);
  g_clear_pointer (&model->resource_list, g_ptr_array_unref);
  g_hash_table_unref (model->resources_by_vpc);
  g_hash_table_unref (model->lambda_versions);
  g_hash_table_unref (model->resources);
  g_hash_table_unref (model->enis_by_group);
  g_hash_table_unref (model->refs_by_group);
  g_hash_table_unref (model->vpcs);
  g_ptr_array_unref (model->empty);
  g_hash_table_unref (model->coverage);
  g_hash_table_unref (model->path_accounts);
  g_ptr_array_unref (model->empty_documents);
  g_ptr_array_unref (model->manifests);
  g_hash_table_unref (model->groups);
  g_hash_table_unref (model->enis);
  g_hash_table_unref (model->commons);
  sgplan_arena_free (model->slab);
  g_ptr_array_unref (model->references);
  g_ptr_array_unref (model->sources);
  g_hash_table_unref (model->interned);
  g_string_chunk_free (model->strings);
  g_free (model);
}

const char *
model_intern (Model *model, const char *s)
{
  const char *stored;
  gsize len;
  guint slot;

  if (s == NULL)
    return NULL;
  /* Neighbouring objects repeat the same values (owner, VPC, subnet,
   * status): a small cache indexed by a few of the string's bytes finds
   * them with one comparison instead of a full hash and lookup. */
  len = strlen (s);
  slot = (guint) (len * 31 + (guchar) s[0] * 7 + (len > 0 ? (guchar) s[len - 1] * 131 + (guchar) s[len / 2] : 0))
         % G_N_ELEMENTS (model->intern_cache);
  stored = model->intern_cache[slot];
  if (stored != NULL && strcmp (stored, s) == 0)
    return stored;
  stored = g_hash_table_lookup (model->interned, s);
  if (stored == NULL)
    {
      stored = g_string_chunk_insert_len (model->strings, s, (gssize) len);
      g_hash_table_add (model->interned, (gpointer) stored);
    }
  model->intern_cache[slot] = stored;
  return stored;
}

const char *
model_str (Model *model, const char *s)
{
  return s == NULL ? NULL : g_string_chunk_insert (model->strings, s);
}

/* NULL sorts before every string. */
static int
nullable_strcmp (const char *a, const char *b)
{
  if (a == b)
    return 0;
  if (a == NULL)
    return -1;
  if (b == NULL)
    return 1;
  return strcmp (a, b);
}

static int
int_compare (gint64 a, gint64 b)
{
  return a < b ? -1 : a > b;
}

int
rule_compare (const Rule *a, const Rule *b)
{
  int c;

  if ((c = int_compare (a->direction, b->direction)) != 0
      || (c = strcmp (a->protocol, b->protocol)) != 0
      || (c = int_compare (a->from_port, b->from_port)) != 0
      || (c = int_compare (a->to_port, b->to_port)) != 0
      || (c = int_compare (a->peer_kind, b->peer_kind)) != 0
      || (c = strcmp (a->peer, b->peer)) != 0
      || (c = nullable_strcmp (a->peer_owner, b->peer_owner)) != 0
      || (c = nullable_strcmp (a->peer_vpc, b->peer_vpc)) != 0
      || (c = nullable_strcmp (a->peering_id, b->peering_id)) != 0
      || (c = nullable_strcmp (a->peering_status, b->peering_status)) != 0)
    return c;
  return nullable_strcmp (a->description, b->description);
}

gboolean
rule_equal (const Rule *a, const Rule *b)
{
  return rule_compare (a, b) == 0;
}

gboolean
rule_same_identity (const Rule *a, const Rule *b)
{
  Rule x = *a, y = *b;

  x.description = y.description = NULL;
  x.peer_vpc = y.peer_vpc = NULL;         /* output-only */
  x.peering_status = y.peering_status = NULL;
  return rule_equal (&x, &y);
}

static int
rule_qsort_compare (const void *a, const void *b)
{
  return rule_compare (a, b);
}

int
tag_compare (const void *a, const void *b)
{
  const Tag *x = a, *y = b;
  int c = strcmp (x->key, y->key);

  return c != 0 ? c : strcmp (x->value, y->value);
}

static int
group_ptr_compare (gconstpointer a, gconstpointer b)
{
  const Group *x = *(const Group *const *) a, *y = *(const Group *const *) b;

  return strcmp (x->id, y->id);
}

static int
eni_ptr_compare (gconstpointer a, gconstpointer b)
{
  const Eni *x = *(const Eni *const *) a, *y = *(const Eni *const *) b;

  return strcmp (x->id, y->id);
}

static int
rule_ref_compare (gconstpointer a, gconstpointer b)
{
  const RuleRef *x = *(const RuleRef *const *) a, *y = *(const RuleRef *const *) b;
  int c = strcmp (x->group->id, y->group->id);

  return c != 0 ? c : rule_compare (x->rule, y->rule);
}

/* Sort and drop exact duplicates (AWS never reports the same rule twice,
 * but two files may each list it). */
static void
sort_rules (Group *group)
{
  guint out = 0;

  sgplan_qsort (group->rules, group->n_rules, sizeof (Rule), rule_qsort_compare);
  for (guint i = 0; i < group->n_rules; i++)
    {
      if (out > 0 && rule_equal (&group->rules[out - 1], &group->rules[i]))
        {
          if (group->rules[out - 1].rule_id == NULL)
            group->rules[out - 1].rule_id = group->rules[i].rule_id;
          continue;
        }
      group->rules[out++] = group->rules[i];
    }
  group->n_rules = out;
}

static GPtrArray *
table_values_sorted (GHashTable *table, GCompareFunc compare)
{
  GPtrArray *list = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, value);
  g_ptr_array_sort (list, compare);
  return list;
}

static GPtrArray *
index_bucket (GHashTable *index, const char *key, GDestroyNotify free_func)
{
  GPtrArray *bucket = g_hash_table_lookup (index, key);

  if (bucket == NULL)
    {
      bucket = g_ptr_array_new_with_free_func (free_func);
      g_hash_table_insert (index, (gpointer) key, bucket);
    }
  return bucket;
}

/* Lambda versions: "$LATEST", then the other names ("$LATEST.PUBLISHED"),
 * then published versions by number. */
static int
version_rank (const char *v)
{
  if (v == NULL || strcmp (v, "$LATEST") == 0)
    return 0;
  return v[0] == '$' ? 1 : 2;
}

static int
version_compare (const char *a, const char *b)
{
  int ra = version_rank (a), rb = version_rank (b);
  gsize na, nb;

  if (ra != rb || ra == 0)
    return int_compare (ra, rb);
  /* numbers without leading zeros: the shorter is the smaller */
  na = strlen (a);
  nb = strlen (b);
  return na != nb ? (na < nb ? -1 : 1) : strcmp (a, b);
}

static int
resource_ptr_compare (gconstpointer a, gconstpointer b)
{
  const Resource *x = *(const Resource *const *) a, *y = *(const Resource *const *) b;
  int c;

  if ((c = int_compare (x->kind, y->kind)) != 0
      || (c = nullable_strcmp (x->account, y->account)) != 0
      || (c = nullable_strcmp (x->region, y->region)) != 0)
    return c;
  if (x->kind == RESOURCE_LAMBDA_FUNCTION
      && ((c = nullable_strcmp (x->function_name, y->function_name)) != 0
          || (c = version_compare (x->version, y->version)) != 0))
    return c;
  return strcmp (x->id, y->id);
}

static char *
lambda_key (const char *account, const char *region, const char *function_name)
{
  return g_strdup_printf ("%s %s %s", account, region, function_name);
}

/* resources_by_vpc and lambda_versions, from the sorted resource_list. */
static void
index_resources (Model *model)
{
  for (guint i = 0; i < model->resource_list->len; i++)
    {
      Resource *r = model->resource_list->pdata[i];

      if (r->vpc_id != NULL)
        g_ptr_array_add (index_bucket (model->resources_by_vpc, r->vpc_id, NULL), r);
      if (r->kind == RESOURCE_LAMBDA_FUNCTION)
        {
          char *key = lambda_key (r->account, r->region, r->function_name);
          GPtrArray *bucket = g_hash_table_lookup (model->lambda_versions, key);

          if (bucket == NULL)
            {
              bucket = g_ptr_array_new ();
              g_hash_table_insert (model->lambda_versions, key, bucket);
            }
          else
            g_free (key);
          g_ptr_array_add (bucket, r);
        }
    }
}

/* Canonical serialisation for the fingerprint: every field length-prefixed,
 * so no value can imitate a separator. */
static void
hash_decimal (SgplanSha256 *sum, const char *lead, guint64 v, gboolean negative, char trail)
{
  char buf[32];
  gsize at = sizeof buf;

  buf[--at] = trail;
  do
    buf[--at] = (char) ('0' + v % 10);
  while ((v /= 10) != 0);
  if (negative)
    buf[--at] = '-';
  if (*lead != '\0')
    buf[--at] = *lead;
  sgplan_sha256_update (sum, buf + at, sizeof buf - at);
}

/* "LEN:VALUE", or "~" for NULL. */
static void
hash_field (SgplanSha256 *sum, const char *s)
{
  gsize len;

  if (s == NULL)
    {
      sgplan_sha256_update (sum, "~", 1);
      return;
    }
  len = strlen (s);
  hash_decimal (sum, "", len, FALSE, ':');
  sgplan_sha256_update (sum, s, len);
}

/* "iVALUE;" */
static void
hash_int (SgplanSha256 *sum, gint64 v)
{
  hash_decimal (sum, "i", v < 0 ? -(guint64) v : (guint64) v, v < 0, ';');
}

static void
hash_tags (SgplanSha256 *sum, const Tag *tags, guint n)
{
  hash_int (sum, n);
  for (guint i = 0; i < n; i++)
    {
      hash_field (sum, tags[i].key);
      hash_field (sum, tags[i].value);
    }
}

static void
hash_group (SgplanSha256 *sum, const Group *g)
{
  hash_field (sum, "group");
  hash_field (sum, g->id);
  hash_field (sum, g->name);
  hash_field (sum, g->description);
  hash_field (sum, g->owner_id);
  hash_field (sum, g->vpc_id);
  hash_field (sum, g->region);
  hash_tags (sum, g->tags, g->n_tags);
  hash_int (sum, g->n_rules);
  for (guint i = 0; i < g->n_rules; i++)
    {
      const Rule *r = &g->rules[i];

      hash_int (sum, r->direction);
      hash_field (sum, r->protocol);
      hash_int (sum, r->from_port);
      hash_int (sum, r->to_port);
      hash_int (sum, r->peer_kind);
      hash_field (sum, r->peer);
      hash_field (sum, r->peer_owner);
      hash_field (sum, r->peer_vpc);
      hash_field (sum, r->peering_id);
      hash_field (sum, r->peering_status);
      hash_field (sum, r->description);
    }
}

static void
hash_eni (SgplanSha256 *sum, const Eni *e)
{
  hash_field (sum, "eni");
  hash_field (sum, e->id);
  hash_field (sum, e->common->interface_type);
  hash_field (sum, e->common->owner_id);
  hash_field (sum, e->description);
  hash_field (sum, e->common->availability_zone);
  hash_field (sum, e->common->region);
  hash_field (sum, e->common->vpc_id);
  hash_field (sum, e->common->subnet_id);
  hash_field (sum, e->common->status);
  hash_field (sum, e->private_ip);
  hash_field (sum, e->instance_id);
  hash_field (sum, e->common->instance_owner_id);
  hash_field (sum, e->common->requester_id);
  hash_int (sum, e->common->requester_managed);
  hash_int (sum, e->n_groups);
  for (guint i = 0; i < e->n_groups; i++)
    {
      hash_field (sum, e->groups[i].group_id);
      hash_field (sum, e->groups[i].group_name);
    }
  hash_tags (sum, e->tags, e->n_tags);
}

static void
hash_strings (SgplanSha256 *sum, const char *const *strings, guint n)
{
  hash_int (sum, n);
  for (guint i = 0; i < n; i++)
    hash_field (sum, strings[i]);
}

static void
hash_resource (SgplanSha256 *sum, const Resource *r)
{
  hash_field (sum, "resource");
  hash_int (sum, r->kind);
  hash_field (sum, r->id);
  hash_field (sum, r->name);
  hash_field (sum, r->arn);
  hash_field (sum, r->account);
  hash_field (sum, r->region);
  hash_field (sum, r->vpc_id);
  hash_field (sum, r->status);
  hash_strings (sum, r->group_ids, r->n_groups);
  hash_strings (sum, r->subnet_ids, r->n_subnets);
  hash_strings (sum, r->eni_ids, r->n_enis);
  hash_strings (sum, r->members, r->n_members);
  if (r->ipv6_dual_stack) /* (only then: fingerprints of exports without it stay as they were) */
    hash_field (sum, "ipv6-dual-stack");
  hash_field (sum, r->function_name);
  hash_field (sum, r->version);
  hash_field (sum, r->cluster_id);
  hash_field (sum, r->replication_group_id);
  hash_field (sum, r->engine);
  hash_field (sum, r->subnet_group);
  hash_field (sum, r->type);
  hash_field (sum, r->service_name);
  hash_field (sum, r->file_system_id);
}

static int
reference_compare (gconstpointer a, gconstpointer b)
{
  const GroupReference *x = *(const GroupReference *const *) a;
  const GroupReference *y = *(const GroupReference *const *) b;
  int c;

  if ((c = strcmp (x->group_id, y->group_id)) != 0
      || (c = strcmp (x->referencing_vpc, y->referencing_vpc)) != 0
      || (c = nullable_strcmp (x->peering_id, y->peering_id)) != 0)
    return c;
  return nullable_strcmp (x->transit_gateway_id, y->transit_gateway_id);
}

static void
compute_fingerprint (Model *model)
{
  SgplanSha256 state, *sum = &state;

  sgplan_sha256_init (sum);
  hash_field (sum, "sgplan-state-1");
  for (guint i = 0; i < model->group_list->len; i++)
    hash_group (sum, model->group_list->pdata[i]);
  for (guint i = 0; i < model->eni_list->len; i++)
    hash_eni (sum, model->eni_list->pdata[i]);
  for (guint i = 0; i < model->references->len; i++)
    {
      const GroupReference *ref = model->references->pdata[i];

      hash_field (sum, "reference");
      hash_field (sum, ref->group_id);
      hash_field (sum, ref->referencing_vpc);
      hash_field (sum, ref->peering_id);
      hash_field (sum, ref->transit_gateway_id);
    }
  /* (nothing when there are no service exports: the fingerprint of an
   * export of EC2 documents only is what it always was) */
  for (guint i = 0; i < model->resource_list->len; i++)
    hash_resource (sum, model->resource_list->pdata[i]);
  sgplan_sha256_hex (sum, model->fingerprint);
}

static void
dedup_references (GPtrArray *refs)
{
  guint out = 0;

  g_ptr_array_sort (refs, reference_compare);
  for (guint i = 0; i < refs->len; i++)
    {
      if (out > 0 && reference_compare (&refs->pdata[out - 1], &refs->pdata[i]) == 0)
        {
          g_free (refs->pdata[i]);
          continue;
        }
      refs->pdata[out++] = refs->pdata[i];
    }
  g_ptr_array_set_free_func (refs, NULL);
  g_ptr_array_set_size (refs, out);
  g_ptr_array_set_free_func (refs, g_free);
}

void
model_finish (Model *model)
{
  g_return_if_fail (model->group_list == NULL);

  model->group_list = table_values_sorted (model->groups, group_ptr_compare);
  model->eni_list = table_values_sorted (model->enis, eni_ptr_compare);
  model->resource_list = table_values_sorted (model->resources, resource_ptr_compare);
  dedup_references (model->references);
  index_resources (model);

  for (guint i = 0; i < model->group_list->len; i++)
    {
      Group *group = model->group_list->pdata[i];

      sort_rules (group);
      sgplan_qsort (group->tags, group->n_tags, sizeof (Tag), tag_compare);
      if (group->vpc_id != NULL)
        g_hash_table_insert (model->vpcs, (gpointer) group->vpc_id, (gpointer) group->owner_id);
    }
  /* Rules referencing a group, from groups other than itself. */
  for (guint i = 0; i < model->group_list->len; i++)
    {
      const Group *group = model->group_list->pdata[i];

      for (guint r = 0; r < group->n_rules; r++)
        {
          const Rule *rule = &group->rules[r];
          RuleRef *ref;

          if (rule->peer_kind != PEER_GROUP || strcmp (rule->peer, group->id) == 0)
            continue;
          ref = g_new (RuleRef, 1);
          ref->group = group;
          ref->rule = rule;
          g_ptr_array_add (index_bucket (model->refs_by_group, rule->peer, g_free), ref);
        }
    }
  for (guint i = 0; i < model->eni_list->len; i++)
    {
      Eni *eni = model->eni_list->pdata[i];

      sgplan_qsort (eni->tags, eni->n_tags, sizeof (Tag), tag_compare);
      if (eni->common->vpc_id != NULL && !g_hash_table_contains (model->vpcs, eni->common->vpc_id))
        g_hash_table_insert (model->vpcs, (gpointer) eni->common->vpc_id, (gpointer) eni->common->owner_id);
      for (guint g = 0; g < eni->n_groups; g++)
        {
          GPtrArray *bucket = index_bucket (model->enis_by_group, eni->groups[g].group_id, NULL);

          /* eni_list is sorted, so each bucket is too; skip a group listed twice */
          if (bucket->len == 0 || bucket->pdata[bucket->len - 1] != eni)
            g_ptr_array_add (bucket, eni);
        }
    }
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, model->refs_by_group);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      g_ptr_array_sort (value, rule_ref_compare);
  }
  compute_fingerprint (model);
}

const Group *
model_group (const Model *model, const char *id)
{
  return g_hash_table_lookup (model->groups, id);
}

const Eni *
model_eni (const Model *model, const char *id)
{
  return g_hash_table_lookup (model->enis, &id);
}

guint
model_references_start (const Model *model, const char *group_id)
{
  guint lo = 0, hi = model->references->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (strcmp (((const GroupReference *) model->references->pdata[mid])->group_id, group_id) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

GPtrArray *
model_enis_of_group (const Model *model, const char *group_id)
{
  GPtrArray *bucket = g_hash_table_lookup (model->enis_by_group, group_id);

  return bucket != NULL ? bucket : model->empty;
}

GPtrArray *
model_refs_to_group (const Model *model, const char *group_id)
{
  GPtrArray *bucket = g_hash_table_lookup (model->refs_by_group, group_id);

  return bucket != NULL ? bucket : model->empty;
}

gboolean
group_is_default (const Group *group)
{
  return group->vpc_id != NULL && strcmp (group->name, "default") == 0;
}

char *
protocol_canonical (const char *protocol)
{
  static const struct { const char *number, *name; } names[] = {
    { "6", "tcp" }, { "17", "udp" }, { "1", "icmp" }, { "58", "icmpv6" }, { "all", "-1" },
  };
  g_autofree char *lower = g_ascii_strdown (protocol, -1);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (lower, names[i].number) == 0)
      return g_strdup (names[i].name);
  return g_steal_pointer (&lower);
}

static gboolean
protocol_has_ports (const char *protocol)
{
  return strcmp (protocol, "tcp") == 0 || strcmp (protocol, "udp") == 0;
}

static gboolean
protocol_is_icmp (const char *protocol)
{
  return strcmp (protocol, "icmp") == 0 || strcmp (protocol, "icmpv6") == 0;
}

char *
rule_describe_traffic (const Rule *rule)
{
  if (strcmp (rule->protocol, "-1") == 0)
    return g_strdup ("all traffic");
  if (protocol_is_icmp (rule->protocol))
    {
      if (rule->from_port == SGPLAN_PORT_NONE || rule->from_port == -1)
        return g_strdup_printf ("%s all", rule->protocol);
      if (rule->to_port == SGPLAN_PORT_NONE || rule->to_port == -1)
        return g_strdup_printf ("%s type %d", rule->protocol, rule->from_port);
      return g_strdup_printf ("%s type %d code %d", rule->protocol, rule->from_port, rule->to_port);
    }
  if (protocol_has_ports (rule->protocol))
    {
      if (rule->from_port == SGPLAN_PORT_NONE || rule->from_port == -1)
        return g_strdup_printf ("%s all ports", rule->protocol);
      if (rule->from_port == rule->to_port)
        return g_strdup_printf ("%s %d", rule->protocol, rule->from_port);
      return g_strdup_printf ("%s %d-%d", rule->protocol, rule->from_port, rule->to_port);
    }
  return g_strdup_printf ("protocol %s", rule->protocol);
}

char *
rule_describe (const Rule *rule)
{
  g_autofree char *traffic = rule_describe_traffic (rule);

  return g_strdup_printf ("%s %s %s %s%s%s%s", rule->direction == RULE_EGRESS ? "outbound" : "inbound",
                          traffic, rule->direction == RULE_EGRESS ? "to" : "from", rule->peer,
                          rule->description != NULL ? " \"" : "",
                          rule->description != NULL ? rule->description : "",
                          rule->description != NULL ? "\"" : "");
}

static char *
coverage_key (const char *account, const char *region)
{
  return g_strdup_printf ("%s %s", account, region);
}

guint
model_coverage (const Model *model, const char *account, const char *region)
{
  g_autofree char *key = NULL;

  if (account == NULL || region == NULL)
    return 0;
  key = coverage_key (account, region);
  return GPOINTER_TO_UINT (g_hash_table_lookup (model->coverage, key));
}

void
model_add_coverage (Model *model, const char *account, const char *region, guint kinds)
{
  char *key;

  if (account == NULL || region == NULL)
    return;
  key = coverage_key (account, region);
  kinds |= GPOINTER_TO_UINT (g_hash_table_lookup (model->coverage, key));
  g_hash_table_insert (model->coverage, key, GUINT_TO_POINTER (kinds));
}

static char *
resource_key (ResourceKind kind, const char *account, const char *region, const char *id)
{
  return g_strdup_printf ("%d %s %s %s", (int) kind, account, region, id);
}

void
model_add_resource (Model *model, Resource *resource)
{
  g_return_if_fail (resource->account != NULL && resource->region != NULL);
  g_hash_table_insert (model->resources,
                       resource_key (resource->kind, resource->account, resource->region, resource->id),
                       resource);
}

const Resource *
model_resource (const Model *model, ResourceKind kind, const char *account, const char *region,
                const char *id)
{
  g_autofree char *key = NULL;

  if (account == NULL || region == NULL || id == NULL)
    return NULL;
  key = resource_key (kind, account, region, id);
  return g_hash_table_lookup (model->resources, key);
}

GPtrArray *
model_resources_of_vpc (const Model *model, const char *vpc_id)
{
  GPtrArray *bucket = vpc_id != NULL ? g_hash_table_lookup (model->resources_by_vpc, vpc_id) : NULL;

  return bucket != NULL ? bucket : model->empty;
}

GPtrArray *
model_lambda_versions (const Model *model, const char *account, const char *region,
                       const char *function_name)
{
  g_autofree char *key = NULL;
  GPtrArray *bucket;

  if (account == NULL || region == NULL || function_name == NULL)
    return model->empty;
  key = lambda_key (account, region, function_name);
  bucket = g_hash_table_lookup (model->lambda_versions, key);
  return bucket != NULL ? bucket : model->empty;
}

static const struct {
  const char *name;
  guint document;
} resource_kinds[RESOURCE_KIND_COUNT] = {
  [RESOURCE_LAMBDA_FUNCTION] = { "lambda function", MODEL_DOC_LAMBDA_FUNCTIONS },
  [RESOURCE_RDS_INSTANCE] = { "rds db instance", MODEL_DOC_RDS_INSTANCES },
  [RESOURCE_RDS_CLUSTER] = { "rds db cluster", MODEL_DOC_RDS_CLUSTERS },
  [RESOURCE_CACHE_CLUSTER] = { "elasticache cache cluster", MODEL_DOC_CACHE_CLUSTERS },
  [RESOURCE_LOAD_BALANCER] = { "load balancer", MODEL_DOC_LOAD_BALANCERS },
  [RESOURCE_CLASSIC_LOAD_BALANCER] = { "classic load balancer", MODEL_DOC_CLASSIC_LOAD_BALANCERS },
  [RESOURCE_VPC_ENDPOINT] = { "vpc endpoint", MODEL_DOC_VPC_ENDPOINTS },
  [RESOURCE_MOUNT_TARGET] = { "efs mount target", MODEL_DOC_MOUNT_TARGETS },
};

const char *
resource_kind_name (ResourceKind kind)
{
  g_return_val_if_fail (kind < RESOURCE_KIND_COUNT, "resource");
  return resource_kinds[kind].name;
}

guint
resource_kind_document (ResourceKind kind)
{
  g_return_val_if_fail (kind < RESOURCE_KIND_COUNT, 0);
  return resource_kinds[kind].document;
}

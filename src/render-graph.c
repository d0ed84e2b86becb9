/* render-graph.c - `sgplan graph`: a picture of what depends on each default
 * group and of what the change set does about it.
 *
 * The change set is first turned into a small graph (nodes in clusters, one
 * per VPC; styled edges), then written as Graphviz DOT or as a Mermaid
 * flowchart, so that both languages show the same thing.  Everything is
 * laid down in the change set's own order (default groups by ID, findings
 * in canonical order), never in hash-table order, so the output is the same
 * on every run.
 *
 * Names, descriptions and IDs come from an export, and an export is
 * untrusted: a label is first made printable (sgplan_cut: control and
 * format characters escaped, long values cut), then escaped for the
 * language (DOT: a quoted string with \" and \\; Mermaid: a quoted label in
 * which everything but letters, digits and a few harmless marks is a
 * #NNN; entity).  Node IDs are never taken from the change set as they
 * are: they are a kind prefix and the ID with every other character
 * replaced by '_', plus a hash of the ID when anything but '-' or ':' was
 * replaced. */
#include "config.h"

#include "render-graph.h"
#include "eni-kind.h"
#include "util.h"

#include <string.h>

/* Longest value shown in a label line, in characters. */
#define LABEL_MAX 48

typedef enum {
  NODE_DEFAULT,     /* a default group of the change set that FAILED */
  NODE_PASSED,      /* one that PASSED (no rules) */
  NODE_REPLACEMENT, /* its replacement */
  NODE_ENI,
  NODE_RESOURCE,    /* what is behind network interfaces */
  NODE_GROUP,       /* a group whose rules reference a default group */
  NODE_OUTSIDE,     /* a VPC outside the export that references one */
  NODE_MORE,        /* "... and N more" */
} NodeKind;

typedef enum {
  EDGE_USES,     /* stays as it is */
  EDGE_REMOVED,  /* the plan removes it */
  EDGE_ADDED,    /* the plan adds it */
  EDGE_BEHIND,   /* a resource and its network interface */
  EDGE_REPLACES, /* a default group and its replacement */
  EDGE_OUTSIDE,  /* a reference the export cannot show */
  EDGE_KINDS
} EdgeKind;

typedef struct {
  char *id;
  NodeKind kind;
  GPtrArray *lines; /* (element-type utf8) raw text, escaped when written */
} Node;

typedef struct {
  char *id;
  GPtrArray *lines;
  GPtrArray *nodes; /* (element-type Node) */
} Cluster;

typedef struct {
  const Node *from, *to;
  EdgeKind kind;
  GPtrArray *lines;
} Edge;

typedef struct {
  GHashTable *nodes;    /* (element-type utf8 Node) by key */
  GHashTable *ids;      /* (element-type utf8) node and cluster IDs taken */
  GHashTable *clusters; /* (element-type utf8 Cluster) by VPC ID */
  GPtrArray *cluster_order; /* (element-type Cluster) */
  GPtrArray *loose;     /* (element-type Node) nodes in no cluster */
  GPtrArray *edges;     /* (element-type Edge) */
  GPtrArray *owned;     /* (element-type Node) every node, to free */
} Graph;

static void
node_free (gpointer data)
{
  Node *n = data;

  g_free (n->id);
  g_ptr_array_unref (n->lines);
  g_free (n);
}

static void
cluster_free (gpointer data)
{
  Cluster *c = data;

  g_free (c->id);
  g_ptr_array_unref (c->lines);
  g_ptr_array_unref (c->nodes);
  g_free (c);
}

static void
edge_free (gpointer data)
{
  Edge *e = data;

  g_ptr_array_unref (e->lines);
  g_free (e);
}

static void
graph_init (Graph *g)
{
  g->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g->clusters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g->cluster_order = g_ptr_array_new_with_free_func (cluster_free);
  g->loose = g_ptr_array_new ();
  g->edges = g_ptr_array_new_with_free_func (edge_free);
  g->owned = g_ptr_array_new_with_free_func (node_free);
}

static void
graph_clear (Graph *g)
{
  g_hash_table_unref (g->nodes);
  g_hash_table_unref (g->ids);
  g_hash_table_unref (g->clusters);
  g_ptr_array_unref (g->cluster_order);
  g_ptr_array_unref (g->loose);
  g_ptr_array_unref (g->edges);
  g_ptr_array_unref (g->owned);
}

/* A node or cluster ID that no value can turn into syntax: PREFIX_, then
 * RAW with every character but ASCII letters and digits as '_' (at most 48
 * of them), then _h and 8 hex digits of RAW's SHA-256 when anything but a
 * '-' or ':' was replaced or cut; unique in the graph (_x added until it
 * is: the order of the change set decides, so the same every time). */
static char *
graph_id (Graph *g, const char *prefix, const char *raw)
{
  GString *id = g_string_new (prefix);
  gboolean changed = strlen (raw) > 48;

  g_string_append_c (id, '_');
  for (const char *p = raw; *p != '\0' && p - raw < 48; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (id, *p);
      else
        {
          changed |= *p != '-' && *p != ':';
          g_string_append_c (id, '_');
        }
    }
  if (changed)
    {
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, raw, -1);

      g_string_append_printf (id, "_h%.8s", sum);
    }
  while (g_hash_table_contains (g->ids, id->str))
    g_string_append (id, "_x");
  g_hash_table_add (g->ids, g_strdup (id->str));
  return g_string_free (id, FALSE);
}

static GPtrArray *
lines_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

static void G_GNUC_PRINTF (2, 3)
add_line (GPtrArray *lines, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (lines, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
add_cut_line (GPtrArray *lines, const char *prefix, const char *value, const char *suffix)
{
  g_autofree char *cut = sgplan_cut (value, LABEL_MAX);

  add_line (lines, "%s%s%s", prefix, cut, suffix);
}

/* The VPC's cluster, made on first sight; ACCOUNT and REGION (either may be
 * NULL) label a new one. */
static Cluster *
graph_cluster (Graph *g, const char *vpc_id, const char *account, const char *region)
{
  Cluster *c = g_hash_table_lookup (g->clusters, vpc_id);

  if (c != NULL)
    return c;
  c = g_new0 (Cluster, 1);
  c->id = graph_id (g, "c", vpc_id);
  c->lines = lines_new ();
  c->nodes = g_ptr_array_new ();
  add_cut_line (c->lines, "VPC ", vpc_id, "");
  if (account != NULL)
    {
      g_autofree char *where = region != NULL ? sgplan_cut (region, LABEL_MAX) : NULL;
      g_autofree char *suffix = where != NULL ? g_strconcat (", ", where, NULL) : NULL;

      add_cut_line (c->lines, "account ", account, suffix != NULL ? suffix : "");
    }
  g_hash_table_insert (g->clusters, g_strdup (vpc_id), c);
  g_ptr_array_add (g->cluster_order, c);
  return c;
}

/* The node for KEY, or NULL. */
static Node *
graph_find (Graph *g, const char *key)
{
  return g_hash_table_lookup (g->nodes, key);
}

/* A new node for KEY (which must not have one) in CLUSTER (or none); it
 * takes LINES. */
static Node *
graph_add (Graph *g, const char *key, NodeKind kind, const char *prefix, const char *raw,
           Cluster *cluster, GPtrArray *lines)
{
  Node *n = g_new0 (Node, 1);

  n->id = graph_id (g, prefix, raw);
  n->kind = kind;
  n->lines = lines;
  g_hash_table_insert (g->nodes, g_strdup (key), n);
  g_ptr_array_add (g->owned, n);
  g_ptr_array_add (cluster != NULL ? cluster->nodes : g->loose, n);
  return n;
}

/* An edge; it takes LINES (NULL: no label). */
static void
graph_edge (Graph *g, const Node *from, const Node *to, EdgeKind kind, GPtrArray *lines)
{
  Edge *e = g_new0 (Edge, 1);

  e->from = from;
  e->to = to;
  e->kind = kind;
  e->lines = lines != NULL ? lines : lines_new ();
  g_ptr_array_add (g->edges, e);
}

static void G_GNUC_PRINTF (5, 6)
graph_edge_text (Graph *g, const Node *from, const Node *to, EdgeKind kind, const char *format, ...)
{
  GPtrArray *lines = lines_new ();
  va_list args;

  va_start (args, format);
  g_ptr_array_add (lines, g_strdup_vprintf (format, args));
  va_end (args);
  graph_edge (g, from, to, kind, lines);
}

/* " (step 3)", " (steps 2-4)", " (steps 2, 5)" for step numbers in
 * ascending order; "" for none. */
static char *
steps_text (const GArray *steps)
{
  GString *s;
  gboolean contiguous = TRUE;

  if (steps->len == 0)
    return g_strdup ("");
  if (steps->len == 1)
    return g_strdup_printf (" (step %u)", g_array_index (steps, guint, 0));
  for (guint i = 1; i < steps->len; i++)
    contiguous &= g_array_index (steps, guint, i) == g_array_index (steps, guint, i - 1) + 1;
  if (contiguous)
    return g_strdup_printf (" (steps %u-%u)", g_array_index (steps, guint, 0),
                            g_array_index (steps, guint, steps->len - 1));
  s = g_string_new (" (steps ");
  for (guint i = 0; i < steps->len; i++)
    g_string_append_printf (s, "%s%u", i > 0 ? ", " : "", g_array_index (steps, guint, i));
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

static gboolean
has_group (const char *const *groups, guint n, const char *id)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (groups[i], id) == 0)
      return TRUE;
  return FALSE;
}

/* The steps of G that move network interface ENI_ID: onto the replacement
 * (ADDED) and off the default group (REMOVED). */
static void
eni_steps (const ChangeSet *cs, const ChangeSetGroup *g, const char *eni_id, GArray *added,
           GArray *removed)
{
  for (guint i = g->first_step; i < g->first_step + g->n_steps; i++)
    {
      const Step *step = cs->steps->pdata[i];
      const char *const *enis;
      guint n, id = i + 1;

      if (!step_moves_enis (step, &enis, &n) || !has_group (enis, n, eni_id))
        continue;
      if (!has_group (step->groups_before, step->n_before, g->replacement_id)
          && has_group (step->groups_after, step->n_after, g->replacement_id))
        g_array_append_val (added, id);
      if (has_group (step->groups_before, step->n_before, g->group_id)
          && !has_group (step->groups_after, step->n_after, g->group_id))
        g_array_append_val (removed, id);
    }
}

/* The resource step of G that names network interface ENI_ID, or NULL. */
static const Step *
resource_step (const ChangeSet *cs, const ChangeSetGroup *g, const char *eni_id)
{
  for (guint i = g->first_step; i < g->first_step + g->n_steps; i++)
    {
      const Step *step = cs->steps->pdata[i];

      if (step->action == ACTION_MODIFY_RESOURCE_GROUPS
          && has_group (step->resource_enis, step->n_resource_enis, eni_id))
        return step;
    }
  return NULL;
}

/* The steps of G that authorize or revoke RULE of group GROUP_ID with PEER
 * as its peer (the rule otherwise the same), into STEPS. */
static void
rule_steps (const ChangeSet *cs, const ChangeSetGroup *g, const char *group_id, const Rule *rule,
            const char *peer, gboolean authorize, GArray *steps)
{
  for (guint i = g->first_step; i < g->first_step + g->n_steps; i++)
    {
      const Step *step = cs->steps->pdata[i];
      guint id = i + 1;

      if (!step_action_is_rules (step->action) || step_action_is_authorize (step->action) != authorize
          || g_strcmp0 (step->group_id, group_id) != 0)
        continue;
      for (guint r = 0; r < step->n_rules; r++)
        {
          const Rule *s = &step->rules[r];

          if (s->direction == rule->direction && s->peer_kind == PEER_GROUP
              && g_strcmp0 (s->peer, peer) == 0 && g_strcmp0 (s->protocol, rule->protocol) == 0
              && s->from_port == rule->from_port && s->to_port == rule->to_port)
            {
              g_array_append_val (steps, id);
              break;
            }
        }
    }
}

/* The steps of G that change the rules of group GROUP_ID (AUTHORIZE or
 * revoke). */
static void
group_rule_steps (const ChangeSet *cs, const ChangeSetGroup *g, const char *group_id,
                  gboolean authorize, GArray *steps)
{
  for (guint i = g->first_step; i < g->first_step + g->n_steps; i++)
    {
      const Step *step = cs->steps->pdata[i];
      guint id = i + 1;

      if (step_action_is_rules (step->action) && step_action_is_authorize (step->action) == authorize
          && g_strcmp0 (step->group_id, group_id) == 0)
        g_array_append_val (steps, id);
    }
}


/* The default group's node: its ID, status and decision, its rules and
 * what the plan does with them. */
static Node *
add_default_group (Graph *g, const ChangeSet *cs, const ChangeSetGroup *dg)
{
  g_autofree char *key = g_strconcat ("group:", dg->group_id, NULL);
  Cluster *cluster = graph_cluster (g, dg->vpc_id, dg->owner_id, dg->region);
  GPtrArray *lines = lines_new ();
  g_autoptr (GArray) revoked = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *steps = NULL;

  add_cut_line (lines, "default group ", dg->group_id, "");
  {
    g_autofree char *decision = g_strconcat (", ", decision_name (dg->decision), NULL);

    add_cut_line (lines, "", dg->status, decision);
  }
  group_rule_steps (cs, dg, dg->group_id, FALSE, revoked);
  steps = steps_text (revoked);
  if (revoked->len > 0)
    add_line (lines, "%u rule%s revoked%s", dg->n_rules, dg->n_rules == 1 ? "" : "s", steps);
  else
    add_line (lines, "%u rule%s", dg->n_rules, dg->n_rules == 1 ? "" : "s");
  if (dg->reason != NULL && (dg->decision == DECISION_BLOCKED || dg->decision == DECISION_EXCEPTED))
    {
      g_autofree char *reason = sgplan_cut (dg->reason, 2 * LABEL_MAX);

      add_line (lines, "%s", reason);
    }
  return graph_add (g, key, g_strcmp0 (dg->status, "PASSED") == 0 ? NODE_PASSED : NODE_DEFAULT, "g",
                    dg->group_id, cluster, lines);
}

/* The replacement's node, and the edge from its default group D. */
static Node *
add_replacement (Graph *g, const ChangeSet *cs, const ChangeSetGroup *dg, const Node *d)
{
  g_autofree char *key = g_strconcat ("group:", dg->replacement_id, NULL);
  g_autoptr (GArray) created = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) copied = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *created_text = NULL, *copied_text = NULL;
  GPtrArray *lines = lines_new ();
  Node *n;

  for (guint i = dg->first_step; i < dg->first_step + dg->n_steps; i++)
    {
      const Step *step = cs->steps->pdata[i];
      guint id = i + 1;

      if (step->action == ACTION_CREATE_GROUP && g_strcmp0 (step->group_id, dg->replacement_id) == 0)
        g_array_append_val (created, id);
    }
  group_rule_steps (cs, dg, dg->replacement_id, TRUE, copied);
  created_text = steps_text (created);
  copied_text = steps_text (copied);
  add_cut_line (lines, "replacement ", dg->replacement_id, "");
  add_cut_line (lines, "name ", dg->replacement_name, "");
  add_line (lines, "created%s", created_text);
  n = graph_find (g, key);
  if (n == NULL)
    n = graph_add (g, key, NODE_REPLACEMENT, "r", dg->replacement_id,
                   graph_cluster (g, dg->vpc_id, dg->owner_id, dg->region), lines);
  else
    g_ptr_array_unref (lines);
  graph_edge_text (g, d, n, EDGE_REPLACES, "replaced by, rules copied%s", copied_text);
  return n;
}

/* What is behind a network interface, as a node of its own when the change
 * set names it (a resource step, or the interface's evidence); NULL when
 * it does not (an RDS interface names no database). */
static Node *
resource_node (Graph *g, const ChangeSet *cs, const ChangeSetGroup *dg, const ChangeSetInterface *eni,
               const EniClass *c, Cluster *cluster)
{
  const Step *rs = resource_step (cs, dg, eni->id);
  g_autofree char *text = NULL, *key = NULL;
  GPtrArray *lines;
  Node *r;

  if (rs != NULL)
    text = g_strdup_printf ("%s %s", step_service_name (rs->service),
                            rs->resource_name != NULL ? rs->resource_name : rs->resource_id);
  else if (c->resource.start != NULL)
    text = eni_class_describe (c);
  else
    return NULL;
  key = g_strconcat ("resource:", dg->vpc_id, " ", text, NULL);
  r = graph_find (g, key);
  if (r != NULL)
    return r;
  lines = lines_new ();
  add_cut_line (lines, "", text, "");
  return graph_add (g, key, NODE_RESOURCE, "res", text, cluster, lines);
}

/* How the plan changes the tie between a user (a network interface, a
 * rule) and the default group D: moved to the replacement N when it
 * migrates (the tie to D "removed" or "revoked", as GONE says), else left. */
static void
add_use (Graph *g, const ChangeSetGroup *dg, const Node *user, const Node *d, const Node *n,
         const char *gone, const GArray *removed, const GArray *added, const char *detail)
{
  g_autofree char *removed_text = steps_text (removed);
  g_autofree char *added_text = steps_text (added);
  GPtrArray *lines;

  if (dg->decision != DECISION_MIGRATE || n == NULL)
    {
      lines = lines_new ();
      if (detail != NULL)
        add_line (lines, "%s", detail);
      graph_edge (g, user, d, EDGE_USES, lines);
      return;
    }
  lines = lines_new ();
  add_line (lines, "%s%s", gone, removed_text);
  if (detail != NULL)
    add_line (lines, "%s", detail);
  graph_edge (g, user, d, EDGE_REMOVED, lines);
  lines = lines_new ();
  add_line (lines, "added%s", added_text);
  if (detail != NULL)
    add_line (lines, "%s", detail);
  graph_edge (g, user, n, EDGE_ADDED, lines);
}

static void
add_interfaces (Graph *g, const ChangeSet *cs, const ChangeSetGroup *dg, const Node *d, const Node *n,
                guint max)
{
  Cluster *cluster = graph_cluster (g, dg->vpc_id, dg->owner_id, dg->region);
  guint shown = max == 0 || dg->n_attached <= max ? dg->n_attached : max;

  for (guint i = 0; i < shown; i++)
    {
      const ChangeSetInterface *eni = &dg->interfaces[i];
      g_autofree char *key = g_strconcat ("eni:", eni->id, NULL);
      g_autoptr (GArray) added = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr (GArray) removed = g_array_new (FALSE, FALSE, sizeof (guint));
      Node *e = graph_find (g, key);

      if (e == NULL)
        {
          EniClass c = eni_kind_classify (&eni->evidence);
          Node *r = resource_node (g, cs, dg, eni, &c, cluster);
          GPtrArray *lines = lines_new ();

          add_cut_line (lines, "", eni->id, "");
          if (r != NULL)
            add_line (lines, "%s", eni_kind_label (c.kind));
          else
            {
              g_autofree char *used_by = eni_kind_used_by (&eni->evidence);

              add_cut_line (lines, "", used_by, "");
            }
          e = graph_add (g, key, NODE_ENI, "i", eni->id, cluster, lines);
          if (r != NULL)
            graph_edge (g, r, e, EDGE_BEHIND, NULL);
        }
      eni_steps (cs, dg, eni->id, added, removed);
      add_use (g, dg, e, d, n, "removed", removed, added, NULL);
    }
  if (shown < dg->n_attached)
    {
      g_autofree char *key = g_strconcat ("more-interfaces:", dg->group_id, NULL);
      g_autoptr (GArray) none = g_array_new (FALSE, FALSE, sizeof (guint));
      GPtrArray *lines = lines_new ();
      Node *more;

      add_line (lines, "\u2026 and %u more network interface%s", dg->n_attached - shown,
                dg->n_attached - shown == 1 ? "" : "s");
      more = graph_add (g, key, NODE_MORE, "more", key, cluster, lines);
      add_use (g, dg, more, d, n, "removed", none, none, NULL);
    }
}

/* A group whose rules reference a default group, in its VPC's cluster. */
static Node *
reference_node (Graph *g, const ChangeSetReference *ref)
{
  g_autofree char *key = g_strconcat ("group:", ref->group_id, NULL);
  Node *r = graph_find (g, key);
  GPtrArray *lines;

  if (r != NULL)
    return r;
  lines = lines_new ();
  if (ref->group_name != NULL)
    add_cut_line (lines, "group ", ref->group_name, "");
  add_cut_line (lines, "", ref->group_id, "");
  if (ref->vpc_id == NULL && ref->owner_id != NULL)
    add_cut_line (lines, "account ", ref->owner_id, "");
  return graph_add (g, key, NODE_GROUP, "g", ref->group_id,
                    ref->vpc_id != NULL ? graph_cluster (g, ref->vpc_id, ref->owner_id, NULL) : NULL,
                    lines);
}

/* "inbound tcp 443", then "via pcx-..." and the rule's description. */
static char *
rule_text (const Rule *rule)
{
  g_autofree char *described = rule_describe_traffic (rule);
  g_autofree char *traffic = sgplan_cut (described, LABEL_MAX); /* the protocol is the export's */
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s %s", rule->direction == RULE_EGRESS ? "outbound" : "inbound", traffic);
  if (rule->peering_id != NULL)
    {
      g_autofree char *via = sgplan_cut (rule->peering_id, LABEL_MAX);
      g_string_append_printf (s, " via %s", via);
    }
  if (rule->description != NULL)
    {
      g_autofree char *description = sgplan_cut (rule->description, LABEL_MAX);
      g_string_append_printf (s, "\n\"%s\"", description);
    }
  return g_string_free (s, FALSE);
}

static void
add_references (Graph *g, const ChangeSet *cs, const ChangeSetGroup *dg, const Node *d, const Node *n,
                guint max)
{
  g_autoptr (GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) hidden = g_hash_table_new (g_str_hash, g_str_equal);
  guint hidden_rules = 0;

  for (guint i = 0; i < dg->n_references; i++)
    {
      const ChangeSetReference *ref = &dg->references[i];
      g_autoptr (GArray) added = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr (GArray) revoked = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree char *text = NULL;
      g_auto (GStrv) parts = NULL;
      Node *r;

      if (!g_hash_table_contains (shown, ref->group_id)
          && (max != 0 && g_hash_table_size (shown) >= max))
        {
          g_hash_table_add (hidden, (gpointer) ref->group_id);
          hidden_rules++;
          continue;
        }
      g_hash_table_add (shown, (gpointer) ref->group_id);
      r = reference_node (g, ref);
      if (dg->replacement_id != NULL)
        {
          rule_steps (cs, dg, ref->group_id, &ref->rule, dg->group_id, FALSE, revoked);
          rule_steps (cs, dg, ref->group_id, &ref->rule, dg->replacement_id, TRUE, added);
        }
      text = rule_text (&ref->rule);
      add_use (g, dg, r, d, n, "revoked", revoked, added, text);
    }
  if (g_hash_table_size (hidden) > 0)
    {
      g_autofree char *key = g_strconcat ("more-references:", dg->group_id, NULL);
      g_autoptr (GArray) none = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree char *detail = g_strdup_printf ("%u rule%s", hidden_rules, hidden_rules == 1 ? "" : "s");
      GPtrArray *lines = lines_new ();
      Node *more;

      add_line (lines, "\u2026 and %u more referencing group%s", g_hash_table_size (hidden),
                g_hash_table_size (hidden) == 1 ? "" : "s");
      more = graph_add (g, key, NODE_MORE, "more", key, NULL, lines);
      add_use (g, dg, more, d, n, "revoked", none, none, detail);
    }
}

/* VPCs outside the export whose rules reference the default group
 * (describe-security-group-references): what blocks it. */
static void
add_outside (Graph *g, const ChangeSetGroup *dg, const Node *d, guint max)
{
  guint shown = max == 0 || dg->n_outside_entries <= max ? dg->n_outside_entries : max;

  for (guint i = 0; i < shown; i++)
    {
      const GroupReference *ext = &dg->outside[i];
      g_autofree char *key = g_strconcat ("outside:", ext->referencing_vpc, NULL);
      Node *o = graph_find (g, key);
      GPtrArray *lines = lines_new ();

      if (o == NULL)
        {
          GPtrArray *node_lines = lines_new ();

          add_cut_line (node_lines, "VPC ", ext->referencing_vpc, "");
          add_line (node_lines, "not in the export");
          o = graph_add (g, key, NODE_OUTSIDE, "ext", ext->referencing_vpc, NULL, node_lines);
        }
      add_line (lines, "references it");
      if (ext->peering_id != NULL)
        add_cut_line (lines, "via ", ext->peering_id, "");
      if (ext->transit_gateway_id != NULL)
        add_cut_line (lines, "via ", ext->transit_gateway_id, "");
      graph_edge (g, o, d, EDGE_OUTSIDE, lines);
    }
  if (shown < dg->n_outside_entries)
    {
      g_autofree char *key = g_strconcat ("more-outside:", dg->group_id, NULL);
      GPtrArray *lines = lines_new ();
      Node *more;

      add_line (lines, "\u2026 and %u more VPCs not in the export", dg->n_outside_entries - shown);
      more = graph_add (g, key, NODE_MORE, "more", key, NULL, lines);
      graph_edge_text (g, more, d, EDGE_OUTSIDE, "references it");
    }
}

static gboolean
wanted (const GraphOptions *options, const ChangeSetGroup *dg)
{
  return options->groups == NULL || g_strv_contains ((const char *const *) options->groups, dg->group_id);
}

static void
graph_build (Graph *g, const ChangeSet *cs, const GraphOptions *options)
{
  /* every default group first: one may reference another */
  for (guint i = 0; i < cs->groups->len; i++)
    if (wanted (options, cs->groups->pdata[i]))
      add_default_group (g, cs, cs->groups->pdata[i]);
  for (guint i = 0; i < cs->groups->len; i++)
    {
      const ChangeSetGroup *dg = cs->groups->pdata[i];
      g_autofree char *key = g_strconcat ("group:", dg->group_id, NULL);
      const Node *d = graph_find (g, key), *n = NULL;

      if (!wanted (options, dg))
        continue;
      if (dg->decision == DECISION_MIGRATE && dg->replacement_id != NULL)
        n = add_replacement (g, cs, dg, d);
      add_interfaces (g, cs, dg, d, n, options->max_interfaces);
      add_references (g, cs, dg, d, n, options->max_referencing);
      add_outside (g, dg, d, options->max_referencing);
    }
}

/* ---- writing ---- */

static const char *const edge_legend[EDGE_KINDS] = {
  "uses it, the plan leaves it",
  "removed by the plan",
  "added by the plan",
  "resource behind a network interface",
  "replaced by",
  "references it from outside the export",
};

/* DOT: a quoted string; LINES (printable already) joined by \n. */
static void
dot_string (GString *out, const GPtrArray *lines)
{
  g_string_append_c (out, '"');
  for (guint i = 0; i < lines->len; i++)
    {
      if (i > 0)
        g_string_append (out, "\\n");
      for (const char *p = lines->pdata[i]; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
          if (*p == '\n')
            g_string_append (out, "\\n");
          else if ((guchar) *p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\\\x%02x", (guchar) *p); /* never: labels are printable */
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static const char *
dot_node_attributes (NodeKind kind)
{
  switch (kind)
    {
    case NODE_DEFAULT: return "shape=box, style=\"filled,bold\", fillcolor=\"#fde0dc\", color=\"#c0392b\"";
    case NODE_PASSED: return "shape=box, style=bold, color=\"#2ca02c\"";
    case NODE_REPLACEMENT: return "shape=box, style=\"filled,bold\", fillcolor=\"#dff5e1\", color=\"#2ca02c\"";
    case NODE_ENI: return "shape=ellipse, style=filled, fillcolor=\"#eef3fb\"";
    case NODE_RESOURCE: return "shape=component, style=filled, fillcolor=\"#f5f5f5\"";
    case NODE_GROUP: return "shape=box, style=rounded";
    case NODE_OUTSIDE: return "shape=box, style=dashed, color=\"#e67e22\"";
    default: return "shape=note";
    }
}

static const char *
dot_edge_attributes (EdgeKind kind)
{
  switch (kind)
    {
    case EDGE_REMOVED: return "style=dashed, color=\"#d62728\", fontcolor=\"#d62728\"";
    case EDGE_ADDED: return "style=bold, color=\"#2ca02c\", fontcolor=\"#2ca02c\"";
    case EDGE_BEHIND: return "style=dotted, color=\"#888888\", arrowhead=none";
    case EDGE_REPLACES: return "style=bold, color=\"#1f77b4\", fontcolor=\"#1f77b4\"";
    case EDGE_OUTSIDE: return "style=dashed, color=\"#e67e22\", fontcolor=\"#e67e22\"";
    default: return "color=\"#555555\"";
    }
}

static void
dot_node (GString *out, const Node *n, const char *indent)
{
  g_string_append_printf (out, "%s\"%s\" [label=", indent, n->id);
  dot_string (out, n->lines);
  g_string_append_printf (out, ", %s];\n", dot_node_attributes (n->kind));
}

static void
dot_cluster (GString *out, const Cluster *c)
{
  g_string_append_printf (out, "  subgraph \"cluster_%s\" {\n    label=", c->id);
  dot_string (out, c->lines);
  g_string_append (out, ";\n    style=rounded;\n    color=\"#999999\";\n");
}

/* Every node, cluster by cluster (OPEN starts one, CLOSE ends it), then
 * those in no cluster: the one order both languages write. */
static void
write_nodes (GString *out, const Graph *g, void (*open) (GString *, const Cluster *),
             void (*node) (GString *, const Node *, const char *), const char *close)
{
  for (guint i = 0; i < g->cluster_order->len; i++)
    {
      const Cluster *c = g->cluster_order->pdata[i];

      open (out, c);
      for (guint k = 0; k < c->nodes->len; k++)
        node (out, c->nodes->pdata[k], "    ");
      g_string_append (out, close);
    }
  for (guint i = 0; i < g->loose->len; i++)
    node (out, g->loose->pdata[i], "  ");
}

static void
title_lines (const ChangeSet *cs, GPtrArray *lines)
{
  add_line (lines, "sgplan change set %.16s", cs->fingerprint);
  add_line (lines, "%u to migrate, %u to revoke, %u blocked, %u excepted, %u compliant",
            cs->counts[DECISION_MIGRATE], cs->counts[DECISION_REVOKE], cs->counts[DECISION_BLOCKED],
            cs->counts[DECISION_EXCEPTED], cs->counts[DECISION_COMPLIANT]);
}

static void
used_kinds (const Graph *g, gboolean used[EDGE_KINDS])
{
  for (guint k = 0; k < EDGE_KINDS; k++)
    used[k] = FALSE;
  for (guint i = 0; i < g->edges->len; i++)
    used[((const Edge *) g->edges->pdata[i])->kind] = TRUE;
}

static void
write_dot (GString *out, const Graph *g, const ChangeSet *cs)
{
  g_autoptr (GPtrArray) title = lines_new ();
  gboolean used[EDGE_KINDS];

  title_lines (cs, title);
  g_string_append (out, "digraph \"sgplan\" {\n  graph [rankdir=LR, fontname=\"Helvetica\", "
                        "fontsize=11, labelloc=t, label=");
  dot_string (out, title);
  g_string_append (out, "];\n  node [fontname=\"Helvetica\", fontsize=10];\n"
                        "  edge [fontname=\"Helvetica\", fontsize=9];\n");
  write_nodes (out, g, dot_cluster, dot_node, "  }\n");
  for (guint i = 0; i < g->edges->len; i++)
    {
      const Edge *e = g->edges->pdata[i];

      g_string_append_printf (out, "  \"%s\" -> \"%s\" [", e->from->id, e->to->id);
      if (e->lines->len > 0)
        {
          g_string_append (out, "label=");
          dot_string (out, e->lines);
          g_string_append (out, ", ");
        }
      g_string_append_printf (out, "%s];\n", dot_edge_attributes (e->kind));
    }
  used_kinds (g, used);
  if (g->edges->len == 0)
    {
      g_string_append (out, "}\n");
      return;
    }
  g_string_append (out, "  subgraph \"cluster_legend\" {\n    label=\"legend\";\n    style=dashed;\n"
                        "    color=\"#999999\";\n    node [shape=point, width=0.05];\n");
  for (guint k = 0; k < EDGE_KINDS; k++)
    if (used[k])
      g_string_append_printf (out, "    \"legend_%ua\" -> \"legend_%ub\" [label=\"%s\", %s];\n", k, k,
                              edge_legend[k], dot_edge_attributes (k));
  g_string_append (out, "  }\n}\n");
}

/* Mermaid: a quoted label; LINES (printable already) joined by <br>; every
 * character but letters, digits, space and _.,:/=+()- as an entity. */
static void
mermaid_string (GString *out, const GPtrArray *lines)
{
  g_string_append_c (out, '"');
  for (guint i = 0; i < lines->len; i++)
    {
      if (i > 0)
        g_string_append (out, "<br>");
      for (const char *p = lines->pdata[i]; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c < 0x80 && (g_ascii_isalnum ((char) c) || strchr (" _.,:/=+()-", (int) c) != NULL))
            g_string_append_c (out, (char) c);
          else if (c == '"')
            g_string_append (out, "#quot;");
          else if (c == '\n')
            g_string_append (out, "<br>");
          else
            g_string_append_printf (out, "#%u;", c);
        }
    }
  g_string_append_c (out, '"');
}

static void
mermaid_node (GString *out, const Node *n, const char *indent)
{
  static const char *const shapes[][2] = {
    [NODE_DEFAULT] = { "[", "]" },     [NODE_PASSED] = { "[", "]" },      [NODE_REPLACEMENT] = { "[", "]" }, [NODE_ENI] = { "([", "])" },
    [NODE_RESOURCE] = { "[[", "]]" },  [NODE_GROUP] = { "(", ")" },       [NODE_OUTSIDE] = { "{{", "}}" },
    [NODE_MORE] = { ">", "]" },
  };

  g_string_append_printf (out, "%s%s%s", indent, n->id, shapes[n->kind][0]);
  mermaid_string (out, n->lines);
  g_string_append_printf (out, "%s\n", shapes[n->kind][1]);
}

static void
mermaid_edge (GString *out, const char *from, const char *to, EdgeKind kind, const GPtrArray *lines)
{
  static const char *const arrows[EDGE_KINDS] = { "-->", "-.->", "==>", "-.-", "==>", "-.->" };

  g_string_append_printf (out, "  %s %s", from, arrows[kind]);
  if (lines->len > 0)
    {
      g_string_append_c (out, '|');
      mermaid_string (out, lines);
      g_string_append_c (out, '|');
    }
  g_string_append_printf (out, " %s\n", to);
}

static void
mermaid_cluster (GString *out, const Cluster *c)
{
  g_string_append_printf (out, "  subgraph %s[", c->id);
  mermaid_string (out, c->lines);
  g_string_append (out, "]\n");
}

static void
write_mermaid (GString *out, const Graph *g, const ChangeSet *cs)
{
  static const char *const classes[][2] = {
    [NODE_DEFAULT] = { "dg", "fill:#fde0dc,stroke:#c0392b,stroke-width:2px" },
    [NODE_PASSED] = { "dgok", "fill:#ffffff,stroke:#2ca02c,stroke-width:2px" },
    [NODE_REPLACEMENT] = { "repl", "fill:#dff5e1,stroke:#2ca02c,stroke-width:2px" },
    [NODE_ENI] = { "eni", "fill:#eef3fb,stroke:#4a6fa5" },
    [NODE_RESOURCE] = { "res", "fill:#f5f5f5,stroke:#888888" },
    [NODE_GROUP] = { "grp", "fill:#ffffff,stroke:#555555" },
    [NODE_OUTSIDE] = { "ext", "fill:#fff4e5,stroke:#e67e22,stroke-dasharray:5 5" },
    [NODE_MORE] = { "more", "fill:#fafafa,stroke:#aaaaaa" },
  };
  static const char *const link_styles[EDGE_KINDS] = {
    "stroke:#555555",
    "stroke:#d62728,stroke-width:2px,stroke-dasharray:5 5",
    "stroke:#2ca02c,stroke-width:3px",
    "stroke:#888888,stroke-dasharray:2 2",
    "stroke:#1f77b4,stroke-width:3px",
    "stroke:#e67e22,stroke-dasharray:5 5",
  };
  g_autoptr (GPtrArray) title = lines_new ();
  g_autoptr (GPtrArray) legend = lines_new ();
  g_autoptr (GPtrArray) blank = lines_new ();
  GString *links[EDGE_KINDS];
  gboolean used[EDGE_KINDS];
  guint n_links = 0;

  title_lines (cs, title);
  add_line (legend, "legend");
  add_line (blank, " ");
  /* the title as a comment (its text is sgplan's own: hex digits, counts) */
  g_string_append_printf (out, "flowchart LR\n  %%%% %s: %s\n", (const char *) title->pdata[0],
                          (const char *) title->pdata[1]);
  write_nodes (out, g, mermaid_cluster, mermaid_node, "  end\n");
  used_kinds (g, used);
  if (g->edges->len > 0)
    {
      g_string_append (out, "  subgraph legend[");
      mermaid_string (out, legend);
      g_string_append (out, "]\n");
      for (guint k = 0; k < EDGE_KINDS; k++)
        if (used[k])
          {
            g_string_append_printf (out, "    legend_%ua[", k);
            mermaid_string (out, blank);
            g_string_append_printf (out, "]\n    legend_%ub[", k);
            mermaid_string (out, blank);
            g_string_append (out, "]\n");
          }
      g_string_append (out, "  end\n");
    }
  for (guint k = 0; k < EDGE_KINDS; k++)
    links[k] = g_string_new (NULL);
  for (guint i = 0; i < g->edges->len; i++)
    {
      const Edge *e = g->edges->pdata[i];

      mermaid_edge (out, e->from->id, e->to->id, e->kind, e->lines);
      g_string_append_printf (links[e->kind], "%s%u", links[e->kind]->len > 0 ? "," : "", n_links++);
    }
  for (guint k = 0; k < EDGE_KINDS; k++)
    if (used[k])
      {
        g_autofree char *a = g_strdup_printf ("legend_%ua", k), *b = g_strdup_printf ("legend_%ub", k);
        g_autoptr (GPtrArray) lines = lines_new ();

        add_line (lines, "%s", edge_legend[k]);
        mermaid_edge (out, a, b, k, lines);
        g_string_append_printf (links[k], "%s%u", links[k]->len > 0 ? "," : "", n_links++);
      }
  for (guint k = 0; k < G_N_ELEMENTS (classes); k++)
    {
      GString *members = g_string_new (NULL);

      for (guint m = 0; m < g->owned->len; m++)
        if (((const Node *) g->owned->pdata[m])->kind == k)
          g_string_append_printf (members, "%s%s", members->len > 0 ? "," : "",
                                  ((const Node *) g->owned->pdata[m])->id);
      if (members->len > 0)
        g_string_append_printf (out, "  classDef %s %s\n  class %s %s\n", classes[k][0], classes[k][1],
                                members->str, classes[k][0]);
      g_string_free (members, TRUE);
    }
  for (guint k = 0; k < EDGE_KINDS; k++)
    {
      if (links[k]->len > 0)
        g_string_append_printf (out, "  linkStyle %s %s\n", links[k]->str, link_styles[k]);
      g_string_free (links[k], TRUE);
    }
}

char *
render_graph (const ChangeSet *cs, const GraphOptions *options)
{
  GString *out = g_string_new (NULL);
  Graph g;

  graph_init (&g);
  graph_build (&g, cs, options);
  if (options->format == GRAPH_MERMAID)
    write_mermaid (out, &g, cs);
  else
    write_dot (out, &g, cs);
  graph_clear (&g);
  return g_string_free (out, FALSE);
}

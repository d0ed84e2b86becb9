/* test-model.c - the model's canonical order and fingerprint.
 *
 * The fingerprint and every report must depend on the state only: the same
 * groups and ENIs, split over files in any way, in any order of files and of
 * the elements inside them, give the same bytes. */
#include "config.h"

#include "analysis.h"
#include "export.h"
#include "model.h"
#include "render-check.h"
#include "util.h"

#include <string.h>
#include <glib/gstdio.h>

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("srcdir") ? g_getenv ("srcdir") : ".", "fixtures", name, NULL);
}

static Model *
load_one (const char *path, GError **error)
{
  const char *paths[] = { path };

  return export_load (paths, 1, NULL, error);
}

/* Shuffle every array below NODE, except an ENI's "Groups": its order is
 * state that the plan keeps. */
static void
shuffle_arrays (cJSON *node, GRand *rand)
{
  cJSON *child;

  if (cJSON_IsArray (node) && !(node->string != NULL && strcmp (node->string, "Groups") == 0))
    {
      int n = cJSON_GetArraySize (node);
      g_autoptr (GPtrArray) items = g_ptr_array_new ();

      while (n-- > 0)
        g_ptr_array_add (items, cJSON_DetachItemFromArray (node, 0));
      for (guint i = items->len; i > 1; i--)
        {
          guint j = g_rand_int_range (rand, 0, (gint32) i);
          gpointer tmp = items->pdata[i - 1];

          items->pdata[i - 1] = items->pdata[j];
          items->pdata[j] = tmp;
        }
      for (guint i = 0; i < items->len; i++)
        cJSON_AddItemToArray (node, items->pdata[i]);
    }
  cJSON_ArrayForEach (child, node)
    shuffle_arrays (child, rand);
}

/* Every element of every document kind in FILES, grouped by kind. */
static cJSON *
collect_elements (GPtrArray *files)
{
  cJSON *all = cJSON_CreateObject ();

  for (guint f = 0; f < files->len; f++)
    {
      g_autofree char *text = NULL;
      gsize len;
      const char *at, *end;

      g_assert_true (g_file_get_contents (files->pdata[f], &text, &len, NULL));
      at = text;
      while (at < text + len)
        {
          g_autoptr (cJSON) doc = cJSON_ParseWithLengthOpts (at, len - (gsize) (at - text), &end, FALSE);
          cJSON *member;

          g_assert_nonnull (doc);
          cJSON_ArrayForEach (member, doc)
            {
              cJSON *item, *list;

              if (!cJSON_IsArray (member))
                continue;
              list = cJSON_GetObjectItemCaseSensitive (all, member->string);
              if (list == NULL)
                list = cJSON_AddArrayToObject (all, member->string);
              cJSON_ArrayForEach (item, member)
                cJSON_AddItemToArray (list, cJSON_Duplicate (item, TRUE));
            }
          at = end;
          while (at < text + len && g_ascii_isspace (*at))
            at++;
        }
    }
  return all;
}

/* Write ELEMENTS shuffled into 1-4 randomly named files in DIR. */
static void
write_shuffled (cJSON *elements, const char *dir, GRand *rand)
{
  guint n_files = (guint) g_rand_int_range (rand, 1, 5);
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) cJSON_Delete);
  cJSON *kind;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (docs, cJSON_CreateObject ());
  shuffle_arrays (elements, rand);
  cJSON_ArrayForEach (kind, elements)
    {
      cJSON *item;

      cJSON_ArrayForEach (item, kind)
        {
          cJSON *doc = docs->pdata[g_rand_int_range (rand, 0, (gint32) n_files)];
          cJSON *list = cJSON_GetObjectItemCaseSensitive (doc, kind->string);

          if (list == NULL)
            list = cJSON_AddArrayToObject (doc, kind->string);
          cJSON_AddItemToArray (list, cJSON_Duplicate (item, TRUE));
        }
    }
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_strdup_printf ("%08x.json", g_rand_int (rand));
      g_autofree char *path = g_build_filename (dir, name, NULL);
      char *text;

      if (cJSON_GetArraySize (docs->pdata[i]) == 0)
        cJSON_AddArrayToObject (docs->pdata[i], "NetworkInterfaces");
      text = cJSON_PrintUnformatted (docs->pdata[i]);
      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      cJSON_free (text);
    }
}

/* Rewrite the export below SRC into OUT: the files of each folder are
 * merged, shuffled and split anew in the same folder (folders name regions,
 * which are state). */
static void
write_shuffled_export (const char *src, const char *out, GRand *rand)
{
  const char *paths[] = { src };
  g_autoptr (GPtrArray) files = export_expand_paths (paths, 1, NULL);
  g_autoptr (GHashTable) by_dir = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GList) dirs = NULL;

  g_assert_nonnull (files);
  for (guint i = 0; i < files->len; i++)
    {
      char *dir = g_path_get_dirname (files->pdata[i]);
      GPtrArray *list = g_hash_table_lookup (by_dir, dir);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_dir, dir, list);
        }
      else
        g_free (dir);
      g_ptr_array_add (list, files->pdata[i]);
    }
  dirs = g_list_sort (g_hash_table_get_keys (by_dir), (GCompareFunc) strcmp);
  for (GList *d = dirs; d != NULL; d = d->next)
    {
      const char *dir = d->data;
      g_autoptr (cJSON) elements = collect_elements (g_hash_table_lookup (by_dir, dir));
      g_autofree char *target = g_build_filename (out, dir + strlen (src), NULL);

      write_shuffled (elements, target, rand);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static char *
check_json (const Model *model)
{
  g_autoptr (Analysis) analysis = analysis_run (model);

  return render_check_json (model, analysis);
}

static void
test_fingerprint_ignores_order (gconstpointer data)
{
  const char *scenario = data;
  g_autofree char *dir = fixture (scenario);
  g_autoptr (GError) error = NULL;
  g_autoptr (Model) reference = load_one (dir, &error);
  g_autofree char *reference_json = NULL;

  g_assert_no_error (error);
  reference_json = check_json (reference);
  for (guint32 seed = 1; seed <= 20; seed++)
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
      g_autofree char *tmp = g_dir_make_tmp ("sgplan-shuffle-XXXXXX", NULL);
      g_autoptr (Model) shuffled = NULL;
      g_autofree char *shuffled_json = NULL;

      write_shuffled_export (dir, tmp, rand);
      shuffled = load_one (tmp, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (shuffled->fingerprint, ==, reference->fingerprint);
      shuffled_json = check_json (shuffled);
      g_assert_cmpstr (shuffled_json, ==, reference_json);
      remove_tree (tmp);
    }
}

/* Any change of state changes the fingerprint. */
static void
test_fingerprint_sees_changes (void)
{
  static const char *const variants[] = {
    "{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"GroupName\":\"default\",\"OwnerId\":\"111122223333\",\"VpcId\":\"vpc-1\",\"IpPermissions\":[],\"IpPermissionsEgress\":[]}]}",
    "{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"GroupName\":\"default\",\"OwnerId\":\"111122223333\",\"VpcId\":\"vpc-1\",\"IpPermissions\":[],\"IpPermissionsEgress\":[{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]}]}",
    "{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"GroupName\":\"default\",\"OwnerId\":\"111122223333\",\"VpcId\":\"vpc-1\",\"IpPermissions\":[],\"IpPermissionsEgress\":[{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\",\"Description\":\"x\"}]}]}]}",
    "{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"GroupName\":\"default\",\"OwnerId\":\"111122223333\",\"VpcId\":\"vpc-1\",\"IpPermissions\":[],\"IpPermissionsEgress\":[],\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}]}",
    "{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"GroupName\":\"default\",\"OwnerId\":\"444455556666\",\"VpcId\":\"vpc-1\",\"IpPermissions\":[],\"IpPermissionsEgress\":[]}]}",
    /* an ENI's group order is state */
    "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"OwnerId\":\"111122223333\",\"AvailabilityZone\":\"us-east-1a\",\"Groups\":[{\"GroupId\":\"sg-1\"},{\"GroupId\":\"sg-2\"}]}]}",
    "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"OwnerId\":\"111122223333\",\"AvailabilityZone\":\"us-east-1a\",\"Groups\":[{\"GroupId\":\"sg-2\"},{\"GroupId\":\"sg-1\"}]}]}",
  };
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *tmp = g_dir_make_tmp ("sgplan-fp-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "x.json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr (GError) error = NULL;
      const char *paths[] = { path };
      g_autoptr (Model) model = NULL;

      g_assert_true (g_file_set_contents (path, variants[i], -1, NULL));
      model = export_load (paths, 1, "us-east-1", &error);
      g_assert_no_error (error);
      g_assert_true (g_hash_table_add (seen, g_strdup (model->fingerprint)));
    }
  g_unlink (path);
  g_rmdir (tmp);
}

static void
test_rule_order (void)
{
  Rule a = { .direction = RULE_INGRESS, .protocol = "tcp", .from_port = 22, .to_port = 22,
             .peer_kind = PEER_CIDR4, .peer = "10.0.0.0/8" };
  Rule b = a, c = a, d = a, e = a, f = a;

  b.direction = RULE_EGRESS;     /* inbound before outbound */
  c.from_port = c.to_port = 443; /* lower ports first */
  d.peer_kind = PEER_GROUP;      /* cidr4 before group peers */
  d.peer = "sg-1";
  e.description = "ssh";         /* no description before a description */
  f.protocol = "-1";             /* "-1" sorts before names */
  f.from_port = f.to_port = SGPLAN_PORT_NONE;

  g_assert_cmpint (rule_compare (&a, &a), ==, 0);
  g_assert_true (rule_equal (&a, &a));
  g_assert_cmpint (rule_compare (&a, &b), <, 0);
  g_assert_cmpint (rule_compare (&b, &a), >, 0);
  g_assert_cmpint (rule_compare (&a, &c), <, 0);
  g_assert_cmpint (rule_compare (&a, &d), <, 0);
  g_assert_cmpint (rule_compare (&a, &e), <, 0);
  g_assert_cmpint (rule_compare (&f, &a), <, 0);
  /* rule IDs are not part of a rule's identity */
  e.rule_id = "sgr-1";
  a.description = "ssh";
  g_assert_true (rule_equal (&a, &e));
}

static void
test_protocol_canonical (void)
{
  static const char *const cases[][2] = {
    { "6", "tcp" }, { "17", "udp" }, { "1", "icmp" }, { "58", "icmpv6" }, { "-1", "-1" },
    { "all", "-1" }, { "TCP", "tcp" }, { "50", "50" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = protocol_canonical (cases[i][0]);
      g_assert_cmpstr (got, ==, cases[i][1]);
    }
}

static void
test_rule_traffic_text (void)
{
  Rule r = { .protocol = "tcp", .from_port = 8000, .to_port = 8999 };
  g_autofree char *range = rule_describe_traffic (&r);
  Rule icmp = { .protocol = "icmp", .from_port = 8, .to_port = -1 };
  g_autofree char *icmp_text = rule_describe_traffic (&icmp);
  Rule all = { .protocol = "-1", .from_port = SGPLAN_PORT_NONE, .to_port = SGPLAN_PORT_NONE };
  g_autofree char *all_text = rule_describe_traffic (&all);
  Rule esp = { .protocol = "50", .from_port = SGPLAN_PORT_NONE, .to_port = SGPLAN_PORT_NONE };
  g_autofree char *esp_text = rule_describe_traffic (&esp);

  g_assert_cmpstr (range, ==, "tcp 8000-8999");
  g_assert_cmpstr (icmp_text, ==, "icmp type 8");
  g_assert_cmpstr (all_text, ==, "all traffic");
  g_assert_cmpstr (esp_text, ==, "protocol 50");
}

static void
test_region_names (void)
{
  gsize n = 0;

  g_assert_true (sgplan_region_prefix ("us-east-1", NULL));
  g_assert_true (sgplan_region_prefix ("us-gov-west-1", NULL));
  g_assert_true (sgplan_region_prefix ("ap-southeast-4", NULL));
  g_assert_false (sgplan_region_prefix ("us-east-1a", NULL));
  g_assert_false (sgplan_region_prefix ("111122223333", NULL));
  g_assert_false (sgplan_region_prefix ("fixtures", NULL));
  g_assert_false (sgplan_region_prefix ("us-1", NULL));
  g_assert_true (sgplan_region_prefix ("us-west-2-lax-1a", &n));
  g_assert_cmpuint (n, ==, strlen ("us-west-2"));
  g_assert_true (sgplan_region_prefix ("eu-west-1b", &n));
  g_assert_cmpuint (n, ==, strlen ("eu-west-1"));
}

static void
test_printable (void)
{
  g_autofree char *s = sgplan_printable ("a\x1b[2Jb\nc\\d\xe2\x80\xae" "e caf\xc3\xa9");

  g_assert_cmpstr (s, ==, "a\\u001b[2Jb\\nc\\\\d\\u202ee caf\xc3\xa9");
}

int
main (int argc, char **argv)
{
  static const char *const scenarios[] = {
    "unused-default", "instances", "referenced", "custom-rules", "service-enis",
    "peering", "compliant", "multi-account", "example",
  };

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/rule-order", test_rule_order);
  g_test_add_func ("/model/protocol-canonical", test_protocol_canonical);
  g_test_add_func ("/model/rule-traffic-text", test_rule_traffic_text);
  g_test_add_func ("/model/region-names", test_region_names);
  g_test_add_func ("/model/printable", test_printable);
  g_test_add_func ("/model/fingerprint-sees-changes", test_fingerprint_sees_changes);
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *name = g_strdup_printf ("/model/fingerprint-ignores-order/%s", scenarios[i]);
      g_test_add_data_func (name, scenarios[i], test_fingerprint_ignores_order);
    }
  return g_test_run ();
}

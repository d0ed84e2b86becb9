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
#include "shuffle.h"

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

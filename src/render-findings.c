/* render-findings.c - `check --format asff` and `check --format sarif`.
 *
 * The same findings as the JSON report, in the shapes two other tools take
 * as they are: AWS Security Hub (ASFF, for batch-import-findings) and
 * GitHub code scanning (SARIF 2.1.0).  Both are built from the analysis
 * only; nothing is read again.  Every value from the export goes through
 * cJSON, which escapes it; lengths that the receiver limits are cut at a
 * character boundary. */
#include "config.h"

#include "render-formats.h"
#include "eni-kind.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CONTROL_ID "EC2.2"
#define CONTROL_TITLE "VPC default security groups should not allow inbound or outbound traffic"
#define CONTROL_URL "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2"
#define CONTROL_TYPE "Software and Configuration Checks/Industry and Regulatory Standards/" \
                     "AWS-Foundational-Security-Best-Practices"
/* AWS rates EC2.2 high; sgplan keeps that rating (sgplan(1), ASFF). */
#define FAILED_SEVERITY "HIGH"
#define PASSED_SEVERITY "INFORMATIONAL"
/* GitHub code scanning: 7.0 to 8.9 is "high". */
#define SARIF_SECURITY_SEVERITY "8.0"
#define USAGE_LIST_MAX 5 /* named users per finding; the rest are counted */

/* S cut to at most MAX bytes at a character boundary, with "..." when cut
 * (ASFF limits Title to 256 and Description to 1024 characters). */
static char *
cut_utf8 (const char *s, gsize max)
{
  const char *end;

  if (strlen (s) <= max)
    return g_strdup (s);
  end = s + max - 3;
  while (end > s && (*end & 0xc0) == 0x80)
    end--;
  return g_strdup_printf ("%.*s...", (int) (end - s), s);
}

/* "2 network interfaces (ec2 instance i-1, lambda function f) and 1 rule of
 * another group (sg-2 inbound tcp 443)", or "nothing". */
static char *
usage_text (const Finding *finding)
{
  GString *s = g_string_new (NULL);
  guint n_enis = finding->enis->len, n_refs = finding->references->len;

  if (!finding->enis_known)
    g_string_append (s, "network interfaces not exported");
  else if (n_enis > 0)
    {
      g_string_append_printf (s, "%u network interface%s (", n_enis, n_enis == 1 ? "" : "s");
      for (guint i = 0; i < n_enis && i < USAGE_LIST_MAX; i++)
        {
          const Eni *eni = finding->enis->pdata[i];
          EniEvidence evidence = eni_kind_evidence (eni);
          g_autofree char *used_by = eni_kind_used_by (&evidence);

          g_string_append_printf (s, "%s%s %s", i > 0 ? ", " : "", eni->id, used_by);
        }
      if (n_enis > USAGE_LIST_MAX)
        g_string_append_printf (s, ", %u more", n_enis - USAGE_LIST_MAX);
      g_string_append_c (s, ')');
    }
  if (n_refs > 0)
    {
      g_string_append_printf (s, "%s%u rule%s of other groups (", s->len > 0 ? " and " : "", n_refs,
                              n_refs == 1 ? "" : "s");
      for (guint i = 0; i < n_refs && i < USAGE_LIST_MAX; i++)
        {
          const Reference *ref = finding->references->pdata[i];
          g_autofree char *traffic = rule_describe_traffic (ref->rule);

          g_string_append_printf (s, "%s%s %s %s", i > 0 ? ", " : "", ref->group->id,
                                  rule_direction_name (ref->rule), traffic);
        }
      if (n_refs > USAGE_LIST_MAX)
        g_string_append_printf (s, ", %u more", n_refs - USAGE_LIST_MAX);
      g_string_append_c (s, ')');
    }
  if (finding->outside->len > 0)
    g_string_append_printf (s, "%s%u reference%s from VPCs not in the export", s->len > 0 ? " and " : "",
                            finding->outside->len, finding->outside->len == 1 ? "" : "s");
  if (s->len == 0)
    g_string_append (s, "nothing");
  return g_string_free (s, FALSE);
}

static gboolean
finding_in_use (const Finding *finding)
{
  return !finding->enis_known || finding->enis->len > 0 || finding->references->len > 0
         || finding->outside->len > 0;
}

/* "sg-1 (default group of vpc-2, account 111122223333, us-east-1) has 3
 * rules (2 inbound, 1 outbound); used by ...". */
static char *
finding_text (const Finding *finding)
{
  const Group *group = finding->group;
  g_autofree char *usage = usage_text (finding);
  guint inbound = 0;

  for (guint i = 0; i < group->n_rules; i++)
    inbound += group->rules[i].direction == RULE_INGRESS;
  return g_strdup_printf ("%s (default group of %s, account %s, %s) has %u rule%s (%u inbound, %u "
                          "outbound); used by %s.",
                          group->id, group->vpc_id, group->owner_id, group->region, group->n_rules,
                          group->n_rules == 1 ? "" : "s", inbound, group->n_rules - inbound, usage);
}

static const char *
region_of (const Group *group)
{
  return group->region != NULL ? group->region : "unknown";
}

gboolean
render_asff_time (gint64 *now, GError **error)
{
  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");
  char *end = NULL;
  gint64 value;

  if (epoch == NULL || epoch[0] == '\0')
    {
      *now = g_get_real_time () / G_USEC_PER_SEC;
      return TRUE;
    }
  errno = 0;
  value = g_ascii_strtoll (epoch, &end, 10);
  if (errno != 0 || *end != '\0' || value < 0 || value > G_GINT64_CONSTANT (253402300799))
    {
      g_autofree char *quoted = sgplan_quote (epoch);

      g_set_error (error, SGPLAN_ERROR, SGPLAN_ERROR_USAGE,
                   "SOURCE_DATE_EPOCH %s is not a number of seconds since 1970", quoted);
      return FALSE;
    }
  *now = value;
  return TRUE;
}

/* ASFF's AwsEc2SecurityGroupIpPermission: one per atomic rule. */
static cJSON *
asff_permission (const Rule *rule)
{
  cJSON *p = cJSON_CreateObject (), *peers, *peer;

  cJSON_AddStringToObject (p, "IpProtocol", rule->protocol);
  if (rule->from_port != SGPLAN_PORT_NONE)
    cJSON_AddNumberToObject (p, "FromPort", rule->from_port);
  if (rule->to_port != SGPLAN_PORT_NONE)
    cJSON_AddNumberToObject (p, "ToPort", rule->to_port);
  peer = cJSON_CreateObject ();
  switch ((PeerKind) rule->peer_kind)
    {
    case PEER_CIDR4:
      peers = cJSON_AddArrayToObject (p, "IpRanges");
      cJSON_AddStringToObject (peer, "CidrIp", rule->peer);
      break;
    case PEER_CIDR6:
      peers = cJSON_AddArrayToObject (p, "Ipv6Ranges");
      cJSON_AddStringToObject (peer, "CidrIpv6", rule->peer);
      break;
    case PEER_PREFIX_LIST:
      peers = cJSON_AddArrayToObject (p, "PrefixListIds");
      cJSON_AddStringToObject (peer, "PrefixListId", rule->peer);
      break;
    case PEER_GROUP:
    default:
      peers = cJSON_AddArrayToObject (p, "UserIdGroupPairs");
      cJSON_AddStringToObject (peer, "GroupId", rule->peer);
      if (rule->peer_owner != NULL)
        cJSON_AddStringToObject (peer, "UserId", rule->peer_owner);
      if (rule->peer_vpc != NULL)
        cJSON_AddStringToObject (peer, "VpcId", rule->peer_vpc);
      if (rule->peering_id != NULL)
        cJSON_AddStringToObject (peer, "VpcPeeringConnectionId", rule->peering_id);
      if (rule->peering_status != NULL)
        cJSON_AddStringToObject (peer, "PeeringStatus", rule->peering_status);
      break;
    }
  cJSON_AddItemToArray (peers, peer);
  return p;
}

static cJSON *
asff_resource (const Group *group, const char *partition, const char *arn)
{
  cJSON *resource = cJSON_CreateObject ();
  cJSON *sg, *in, *out;

  cJSON_AddStringToObject (resource, "Type", "AwsEc2SecurityGroup");
  cJSON_AddStringToObject (resource, "Id", arn);
  cJSON_AddStringToObject (resource, "Partition", partition);
  cJSON_AddStringToObject (resource, "Region", region_of (group));
  sg = cJSON_AddObjectToObject (cJSON_AddObjectToObject (resource, "Details"), "AwsEc2SecurityGroup");
  cJSON_AddStringToObject (sg, "GroupName", group->name);
  cJSON_AddStringToObject (sg, "GroupId", group->id);
  cJSON_AddStringToObject (sg, "OwnerId", group->owner_id);
  cJSON_AddStringToObject (sg, "VpcId", group->vpc_id);
  in = cJSON_AddArrayToObject (sg, "IpPermissions");
  out = cJSON_AddArrayToObject (sg, "IpPermissionsEgress");
  for (guint i = 0; i < group->n_rules; i++)
    cJSON_AddItemToArray (group->rules[i].direction == RULE_EGRESS ? out : in,
                          asff_permission (&group->rules[i]));
  return resource;
}

static void
asff_severity (cJSON *parent, gboolean failed)
{
  cJSON *severity = cJSON_AddObjectToObject (parent, "Severity");

  cJSON_AddStringToObject (severity, "Label", failed ? FAILED_SEVERITY : PASSED_SEVERITY);
  cJSON_AddStringToObject (severity, "Original", failed ? FAILED_SEVERITY : PASSED_SEVERITY);
}

static cJSON *
asff_finding (const Finding *finding, const char *timestamp)
{
  const Group *group = finding->group;
  const char *region = region_of (group);
  const char *partition = eni_kind_partition (group->region);
  g_autofree char *arn = g_strdup_printf ("arn:%s:ec2:%s:%s:security-group/%s", partition, region,
                                          group->owner_id, group->id);
  g_autofree char *id = g_strdup_printf ("%s/sgplan/" CONTROL_ID, arn);
  g_autofree char *product = g_strdup_printf ("arn:%s:securityhub:%s:%s:product/%s/default", partition,
                                              region, group->owner_id, group->owner_id);
  g_autofree char *title_full = g_strdup_printf (CONTROL_ID " default security group %s of %s %s",
                                                 group->id, group->vpc_id,
                                                 finding->failed ? "allows traffic" : "allows no traffic");
  g_autofree char *text = finding_text (finding);
  g_autofree char *description_full = g_strdup_printf (
      "%s %s", text,
      !finding->failed ? "It passes EC2.2."
      : finding_in_use (finding) ? "Revoking its rules alone would cut off what uses it: 'sgplan plan' "
                                   "moves those users to a copy first."
                                 : "Revoking its rules is safe: 'sgplan plan' does just that.");
  g_autofree char *title = cut_utf8 (title_full, 256);
  g_autofree char *description = cut_utf8 (description_full, 1024);
  cJSON *f = cJSON_CreateObject (), *obj, *list;

  cJSON_AddStringToObject (f, "SchemaVersion", "2018-10-08");
  cJSON_AddStringToObject (f, "Id", id);
  cJSON_AddStringToObject (f, "ProductArn", product);
  cJSON_AddStringToObject (f, "ProductName", "sgplan");
  cJSON_AddStringToObject (f, "CompanyName", "sgplan");
  cJSON_AddStringToObject (f, "GeneratorId", "sgplan/" CONTROL_ID);
  cJSON_AddStringToObject (f, "AwsAccountId", group->owner_id);
  cJSON_AddStringToObject (f, "Region", region);
  list = cJSON_AddArrayToObject (f, "Types");
  cJSON_AddItemToArray (list, cJSON_CreateString (CONTROL_TYPE));
  cJSON_AddStringToObject (f, "CreatedAt", timestamp);
  cJSON_AddStringToObject (f, "UpdatedAt", timestamp);
  asff_severity (f, finding->failed);
  obj = cJSON_AddObjectToObject (f, "FindingProviderFields");
  asff_severity (obj, finding->failed);
  list = cJSON_AddArrayToObject (obj, "Types");
  cJSON_AddItemToArray (list, cJSON_CreateString (CONTROL_TYPE));
  cJSON_AddStringToObject (f, "Title", title);
  cJSON_AddStringToObject (f, "Description", description);
  obj = cJSON_AddObjectToObject (cJSON_AddObjectToObject (f, "Remediation"), "Recommendation");
  cJSON_AddStringToObject (obj, "Text", "Run 'sgplan plan' on the export: it moves what uses the default "
                                        "group to a copy before it revokes the default group's rules.");
  cJSON_AddStringToObject (obj, "Url", CONTROL_URL);
  obj = cJSON_AddObjectToObject (f, "ProductFields");
  cJSON_AddStringToObject (obj, "sgplan/ControlId", CONTROL_ID);
  cJSON_AddStringToObject (obj, "sgplan/VpcId", group->vpc_id);
  obj = cJSON_AddObjectToObject (f, "Compliance");
  cJSON_AddStringToObject (obj, "Status", finding->failed ? "FAILED" : "PASSED");
  list = cJSON_AddArrayToObject (obj, "RelatedRequirements");
  cJSON_AddItemToArray (list, cJSON_CreateString ("AWS Foundational Security Best Practices " CONTROL_ID));
  list = cJSON_AddArrayToObject (f, "Resources");
  cJSON_AddItemToArray (list, asff_resource (group, partition, arn));
  cJSON_AddStringToObject (f, "RecordState", "ACTIVE");
  obj = cJSON_AddObjectToObject (f, "Workflow");
  cJSON_AddStringToObject (obj, "Status", finding->failed ? "NEW" : "RESOLVED");
  return f;
}

char *
render_check_asff (const Model *model, const Analysis *analysis, gint64 now)
{
  g_autoptr (cJSON) root = cJSON_CreateArray ();
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (now);
  g_autofree char *timestamp = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.000Z");

  for (guint i = 0; i < analysis->findings->len; i++)
    cJSON_AddItemToArray (root, asff_finding (analysis->findings->pdata[i], timestamp));
  (void) model;
  return sgplan_json_print (root);
}

/* The file's path as a URI reference: relative paths stay relative (to
 * %SRCROOT%, the folder sgplan ran in), absolute ones become file: URIs. */
static char *
artifact_uri (const char *path, gboolean *relative)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);

  *relative = !g_path_is_absolute (path);
  return *relative ? g_steal_pointer (&escaped) : g_strconcat ("file://", escaped, NULL);
}

static cJSON *
sarif_message (const char *text)
{
  cJSON *message = cJSON_CreateObject ();

  cJSON_AddStringToObject (message, "text", text);
  return message;
}

static cJSON *
sarif_rule (void)
{
  cJSON *rule = cJSON_CreateObject (), *obj, *tags;

  cJSON_AddStringToObject (rule, "id", CONTROL_ID);
  cJSON_AddStringToObject (rule, "name", "VpcDefaultSecurityGroupClosed");
  cJSON_AddItemToObject (rule, "shortDescription", sarif_message (CONTROL_TITLE));
  cJSON_AddItemToObject (rule, "fullDescription",
                         sarif_message ("The default security group of every VPC should have no "
                                        "rules (AWS Security Hub control EC2.2, AWS Config rule "
                                        "vpc-default-security-group-closed)."));
  cJSON_AddStringToObject (rule, "helpUri", CONTROL_URL);
  obj = sarif_message ("Revoking the rules of a default group cuts off whatever still uses it. "
                       "Run 'sgplan plan' on the export: it copies the group, moves the network "
                       "interfaces and the references of other groups to the copy, and only then "
                       "revokes the default group's rules; 'sgplan validate' proves the plan keeps "
                       "connectivity.");
  cJSON_AddStringToObject (obj, "markdown",
                           "Revoking the rules of a default group cuts off whatever still uses it.\n\n"
                           "Run `sgplan plan` on the export: it copies the group, moves the network "
                           "interfaces and the references of other groups to the copy, and only then "
                           "revokes the default group's rules; `sgplan validate` proves the plan keeps "
                           "connectivity.\n\n[AWS: EC2.2](" CONTROL_URL ")");
  cJSON_AddItemToObject (rule, "help", obj);
  obj = cJSON_AddObjectToObject (rule, "defaultConfiguration");
  cJSON_AddStringToObject (obj, "level", "error");
  obj = cJSON_AddObjectToObject (rule, "properties");
  tags = cJSON_AddArrayToObject (obj, "tags");
  cJSON_AddItemToArray (tags, cJSON_CreateString ("security"));
  cJSON_AddItemToArray (tags, cJSON_CreateString ("aws"));
  cJSON_AddItemToArray (tags, cJSON_CreateString ("ec2"));
  cJSON_AddStringToObject (obj, "security-severity", SARIF_SECURITY_SEVERITY);
  return rule;
}

static cJSON *
sarif_location (const Group *group)
{
  cJSON *locations = cJSON_CreateArray ();
  cJSON *location, *physical, *artifact, *region;
  gboolean relative;
  g_autofree char *uri = NULL;

  /* standard input has no place to point at */
  if (group->line == 0 || group->source == NULL || strcmp (group->source, "-") == 0)
    return locations;
  uri = artifact_uri (group->source, &relative);
  location = cJSON_CreateObject ();
  cJSON_AddItemToArray (locations, location);
  physical = cJSON_AddObjectToObject (location, "physicalLocation");
  artifact = cJSON_AddObjectToObject (physical, "artifactLocation");
  cJSON_AddStringToObject (artifact, "uri", uri);
  if (relative)
    cJSON_AddStringToObject (artifact, "uriBaseId", "%SRCROOT%");
  region = cJSON_AddObjectToObject (physical, "region");
  cJSON_AddNumberToObject (region, "startLine", group->line);
  cJSON_AddNumberToObject (region, "startColumn", group->column);
  return locations;
}

static cJSON *
sarif_result (const Finding *finding)
{
  const Group *group = finding->group;
  g_autofree char *text = finding_text (finding);
  g_autofree char *message = g_strdup_printf ("Default security group %s allows traffic: %s", group->id,
                                              text);
  g_autofree char *key = g_strdup_printf ("%s/%s/%s", group->owner_id, region_of (group), group->id);
  cJSON *result = cJSON_CreateObject (), *obj;

  cJSON_AddStringToObject (result, "ruleId", CONTROL_ID);
  cJSON_AddNumberToObject (result, "ruleIndex", 0);
  cJSON_AddStringToObject (result, "level", "error");
  cJSON_AddItemToObject (result, "message", sarif_message (message));
  cJSON_AddItemToObject (result, "locations", sarif_location (group));
  obj = cJSON_AddObjectToObject (result, "partialFingerprints");
  cJSON_AddStringToObject (obj, "sgplanDefaultGroup/v1", key);
  obj = cJSON_AddObjectToObject (result, "properties");
  cJSON_AddStringToObject (obj, "account", group->owner_id);
  cJSON_AddStringToObject (obj, "region", region_of (group));
  cJSON_AddStringToObject (obj, "vpc", group->vpc_id);
  cJSON_AddStringToObject (obj, "group", group->id);
  cJSON_AddNumberToObject (obj, "rules", group->n_rules);
  if (finding->enis_known)
    cJSON_AddNumberToObject (obj, "attached_interfaces", finding->enis->len);
  cJSON_AddNumberToObject (obj, "references", finding->references->len);
  return result;
}

char *
render_check_sarif (const Model *model, const Analysis *analysis)
{
  g_autoptr (cJSON) root = cJSON_CreateObject ();
  cJSON *run, *driver, *list, *invocation, *notes;

  cJSON_AddStringToObject (root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  cJSON_AddStringToObject (root, "version", "2.1.0");
  run = cJSON_CreateObject ();
  cJSON_AddItemToArray (cJSON_AddArrayToObject (root, "runs"), run);
  driver = cJSON_AddObjectToObject (cJSON_AddObjectToObject (run, "tool"), "driver");
  cJSON_AddStringToObject (driver, "name", PACKAGE_NAME);
  cJSON_AddStringToObject (driver, "version", PACKAGE_VERSION);
  cJSON_AddStringToObject (driver, "informationUri", CONTROL_URL);
  list = cJSON_AddArrayToObject (driver, "rules");
  cJSON_AddItemToArray (list, sarif_rule ());
  invocation = cJSON_CreateObject ();
  cJSON_AddItemToArray (cJSON_AddArrayToObject (run, "invocations"), invocation);
  cJSON_AddBoolToObject (invocation, "executionSuccessful", TRUE);
  notes = cJSON_AddArrayToObject (invocation, "toolExecutionNotifications");
  for (guint i = 0; i < analysis->gaps->len; i++)
    {
      g_autofree char *what = gap_describe (analysis->gaps->pdata[i]);
      g_autofree char *command = gap_command (analysis->gaps->pdata[i]);
      g_autofree char *text = g_strdup_printf ("incomplete export: %s; export: %s", what, command);
      cJSON *note = cJSON_CreateObject ();

      cJSON_AddStringToObject (note, "level", "warning");
      cJSON_AddItemToObject (note, "message", sarif_message (text));
      cJSON_AddItemToArray (notes, note);
    }
  cJSON_AddStringToObject (run, "columnKind", "unicodeCodePoints");
  list = cJSON_AddArrayToObject (run, "results");
  for (guint i = 0; i < analysis->findings->len; i++)
    {
      const Finding *finding = analysis->findings->pdata[i];

      if (finding->failed)
        cJSON_AddItemToArray (list, sarif_result (finding));
    }
  (void) model;
  return sgplan_json_print (root);
}

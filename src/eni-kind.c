/* eni-kind.c - the one table that maps ENI evidence to a resource kind.
 *
 * AWS services write a fixed description on the ENIs they create, and some
 * give them an InterfaceType of their own; the table below lists each
 * pattern once, with where its format is documented.  Rows are tried in
 * order and the first that matches wins; a row matches only when the whole
 * description has the row's shape, so a near miss ("ELB app/x", "ElastiCache
 * a b") names nothing rather than something wrong.  Descriptions are
 * untrusted bytes: the parsers read each at most once, stop at its NUL and
 * allocate nothing.
 *
 * Sources of the patterns:
 *  [ec2-rm]   AWS EC2 User Guide, "Requester-managed network interfaces":
 *             "VPC Endpoint Interface vpce-089f2123488812123", and in its
 *             sample output also "VPC Endpoint Interface: vpce-..." with
 *             InterfaceType interface or vpc_endpoint.
 *  [ec2-api]  EC2 API NetworkInterfaceType: interface, nat_gateway, efa,
 *             trunk, load_balancer, network_load_balancer, vpc_endpoint,
 *             branch, transit_gateway, lambda, quicksight,
 *             global_accelerator_managed, api_gateway_managed,
 *             gateway_load_balancer, gateway_load_balancer_endpoint,
 *             iot_rules_managed, aws_codestar_connections_managed (an open
 *             set: the API also returns values such as efs).
 *  [c7n]      Cloud Custodian, c7n/utils.py get_eni_resource_type: "ELB app/",
 *             "ELB net/", "ELB gwy/", "ELB ", "AWS Lambda VPC ENI",
 *             "EFS mount target for", "RDSNetworkInterface", "Network interface
 *             for DBProxy", "ElastiCache", "RedshiftNetworkInterface",
 *             "DMSNetworkInterface", "arn:aws:ecs:", "Interface for NAT
 *             Gateway", "Network Interface for Transit Gateway Attachment",
 *             "AWS created network interface for directory", "ENI managed by
 *             APIGateway".
 *  [eni-id]   fivexl/aws-eni-identifier, the same set as regular expressions
 *             (ECS: arn:aws:ecs:REGION:ACCOUNT:attachment/ID; EFS:
 *             "EFS mount target for fs-... (fsmt-...)"; transit gateway:
 *             "... Attachment tgw-attach-..."; EKS: "Amazon EKS NAME").
 *  [efs-ct]   Amazon EFS User Guide, CloudTrail example of the service-linked
 *             role's CreateNetworkInterface: "EFS mount target for fs-1234567
 *             (fsmt-1234567)", requesterManaged true.
 *  [ds]       AWS Directory Service Administration Guide, "What gets created":
 *             "AWS created network interface for directory directory-id".
 *  [eks]      re:Invent 2018 NET410 workshop, describe-network-interfaces of a
 *             cross-account ENI: "Amazon EKS net410-eks-cluster", InterfaceType
 *             interface, attached to an instance of an AWS account.
 *  [lambda]   Lambda Hyperplane ENIs as exported (fixtures/service-enis):
 *             "AWS Lambda VPC ENI-my-function-5c1e7a3d-92b4-4f0e-8d61-0a7f3b9c2e45",
 *             InterfaceType lambda; the function name may contain '-', so it
 *             is everything before the trailing UUID.
 *  [elb-arn]  Elastic Load Balancing ARNs: arn:PARTITION:elasticloadbalancing:
 *             REGION:ACCOUNT:loadbalancer/app/NAME/ID (net/, gwy/; classic:
 *             loadbalancer/NAME); partitions aws, aws-cn, aws-us-gov. */
#include "config.h"

#include "eni-kind.h"

#include <string.h>

typedef enum {
  SHAPE_ANY,    /* the description is not looked at */
  SHAPE_EXACT,  /* the description is the prefix, nothing more */
  SHAPE_NAME,   /* prefix NAME: [A-Za-z0-9_-]+ */
  SHAPE_ID,     /* prefix ID: the row's id_prefix then [a-z0-9]+ */
  SHAPE_LB,     /* prefix NAME/ID: the load balancer's name and ID */
  SHAPE_LAMBDA, /* prefix NAME-UUID: the function's name, then a UUID */
  SHAPE_EFS,    /* prefix fs-ID or fs-ID (fsmt-ID) */
  SHAPE_ECS,    /* arn:PARTITION:ecs:REGION:ACCOUNT:attachment/ID (no prefix) */
} Shape;

typedef struct {
  EniKind kind;
  const char *interface_type; /* NULL: any; else InterfaceType must be this */
  const char *requester_id;   /* NULL: any; else RequesterId must be this */
  const char *prefix;         /* the description begins with it (not SHAPE_ANY, SHAPE_ECS) */
  Shape shape;
  const char *id_prefix;      /* SHAPE_ID: "vpce-", "nat-", ... */
  gboolean unmanaged_too;     /* also for ENIs that are not requester-managed */
} Pattern;

/* First match wins: specific descriptions first, then what the
 * InterfaceType or RequesterId alone tells when the description is not
 * recognised. */
static const Pattern patterns[] = {
  /* [lambda] [c7n] [eni-id] */
  { ENI_KIND_LAMBDA, NULL, NULL, "AWS Lambda VPC ENI-", SHAPE_LAMBDA, NULL, FALSE },
  /* [c7n] [eni-id]: app/, net/, gwy/ before the classic "ELB NAME" */
  { ENI_KIND_ALB, NULL, NULL, "ELB app/", SHAPE_LB, NULL, FALSE },
  { ENI_KIND_NLB, NULL, NULL, "ELB net/", SHAPE_LB, NULL, FALSE },
  { ENI_KIND_GWLB, NULL, NULL, "ELB gwy/", SHAPE_LB, NULL, FALSE },
  { ENI_KIND_CLASSIC_ELB, NULL, NULL, "ELB ", SHAPE_NAME, NULL, FALSE },
  /* [ec2-rm] [ec2-api]: a Gateway Load Balancer endpoint is described like an
     interface endpoint; its InterfaceType tells them apart */
  { ENI_KIND_GWLB_ENDPOINT, "gateway_load_balancer_endpoint", NULL, "VPC Endpoint Interface ",
    SHAPE_ID, "vpce-", FALSE },
  { ENI_KIND_GWLB_ENDPOINT, "gateway_load_balancer_endpoint", NULL, "VPC Endpoint Interface: ",
    SHAPE_ID, "vpce-", FALSE },
  { ENI_KIND_VPC_ENDPOINT, NULL, NULL, "VPC Endpoint Interface ", SHAPE_ID, "vpce-", FALSE },
  { ENI_KIND_VPC_ENDPOINT, NULL, NULL, "VPC Endpoint Interface: ", SHAPE_ID, "vpce-", FALSE },
  /* [efs-ct] [c7n] [eni-id] */
  { ENI_KIND_EFS_MOUNT_TARGET, NULL, NULL, "EFS mount target for ", SHAPE_EFS, NULL, FALSE },
  /* [c7n] [eni-id]: RDS interfaces do not name their database */
  { ENI_KIND_RDS, NULL, NULL, "RDSNetworkInterface", SHAPE_EXACT, NULL, FALSE },
  { ENI_KIND_RDS_PROXY, NULL, NULL, "Network interface for DBProxy ", SHAPE_NAME, NULL, FALSE },
  /* [c7n] [eni-id]: "ElastiCache CACHE-CLUSTER-ID" */
  { ENI_KIND_ELASTICACHE, NULL, NULL, "ElastiCache ", SHAPE_NAME, NULL, FALSE },
  /* [c7n] [eni-id] */
  { ENI_KIND_REDSHIFT, NULL, NULL, "RedshiftNetworkInterface", SHAPE_EXACT, NULL, FALSE },
  { ENI_KIND_DMS, NULL, NULL, "DMSNetworkInterface", SHAPE_EXACT, NULL, FALSE },
  /* [c7n] [eni-id]: ECS writes the task's attachment ARN; awsvpc task ENIs
     may sit on a container instance, so this is tried whatever the flags */
  { ENI_KIND_ECS_TASK, NULL, NULL, NULL, SHAPE_ECS, NULL, TRUE },
  /* [eks] [eni-id]: cross-account ENIs of the control plane */
  { ENI_KIND_EKS_CLUSTER, NULL, NULL, "Amazon EKS ", SHAPE_NAME, NULL, TRUE },
  /* [c7n] [eni-id] */
  { ENI_KIND_NAT_GATEWAY, NULL, NULL, "Interface for NAT Gateway ", SHAPE_ID, "nat-", FALSE },
  { ENI_KIND_TRANSIT_GATEWAY, NULL, NULL, "Network Interface for Transit Gateway Attachment ",
    SHAPE_ID, "tgw-attach-", FALSE },
  /* [ds] [c7n] */
  { ENI_KIND_DIRECTORY, NULL, NULL, "AWS created network interface for directory ", SHAPE_ID,
    "d-", FALSE },
  /* [c7n]: "ENI managed by APIGateway" (VPC links of HTTP APIs) */
  { ENI_KIND_API_GATEWAY, NULL, NULL, "ENI managed by APIGateway", SHAPE_EXACT, NULL, FALSE },
  /* [ec2-api]: the InterfaceType alone, when the description is not recognised */
  { ENI_KIND_LAMBDA, "lambda", NULL, NULL, SHAPE_ANY, NULL, FALSE },
  { ENI_KIND_NLB, "network_load_balancer", NULL, NULL, SHAPE_ANY, NULL, FALSE },
  { ENI_KIND_GWLB, "gateway_load_balancer", NULL, NULL, SHAPE_ANY, NULL, FALSE },
  { ENI_KIND_GWLB_ENDPOINT, "gateway_load_balancer_endpoint", NULL, NULL, SHAPE_ANY, NULL, FALSE },
  { ENI_KIND_VPC_ENDPOINT, "vpc_endpoint", NULL, NULL, SHAPE_ANY, NULL, FALSE },
  { ENI_KIND_EFS_MOUNT_TARGET, "efs", NULL, NULL, SHAPE_ANY, NULL, FALSE },
  { ENI_KIND_NAT_GATEWAY, "nat_gateway", NULL, NULL, SHAPE_ANY, NULL, FALSE },
  { ENI_KIND_TRANSIT_GATEWAY, "transit_gateway", NULL, NULL, SHAPE_ANY, NULL, FALSE },
  { ENI_KIND_API_GATEWAY, "api_gateway_managed", NULL, NULL, SHAPE_ANY, NULL, FALSE },
  /* the RequesterId RDS gives its interfaces (fixtures/service-enis) */
  { ENI_KIND_RDS, NULL, "amazon-rds", NULL, SHAPE_ANY, NULL, FALSE },
};

static const struct {
  const char *name;
  const char *label;
  gboolean never_named; /* the interfaces of this kind do not name their resource */
} kinds[ENI_KIND_COUNT] = {
  [ENI_KIND_EC2_INSTANCE] = { "ec2-instance", "ec2 instance", FALSE },
  [ENI_KIND_LAMBDA] = { "lambda", "lambda function", FALSE },
  [ENI_KIND_ALB] = { "alb", "application load balancer", FALSE },
  [ENI_KIND_NLB] = { "nlb", "network load balancer", FALSE },
  [ENI_KIND_GWLB] = { "gwlb", "gateway load balancer", FALSE },
  [ENI_KIND_CLASSIC_ELB] = { "classic-elb", "classic load balancer", FALSE },
  [ENI_KIND_VPC_ENDPOINT] = { "vpc-endpoint", "interface vpc endpoint", FALSE },
  [ENI_KIND_GWLB_ENDPOINT] = { "gwlb-endpoint", "gateway load balancer endpoint", FALSE },
  [ENI_KIND_EFS_MOUNT_TARGET] = { "efs-mount-target", "efs mount target", FALSE },
  [ENI_KIND_RDS] = { "rds", "rds database", TRUE },
  [ENI_KIND_RDS_PROXY] = { "rds-proxy", "rds proxy", FALSE },
  [ENI_KIND_ELASTICACHE] = { "elasticache", "elasticache cluster", FALSE },
  [ENI_KIND_REDSHIFT] = { "redshift", "redshift cluster", TRUE },
  [ENI_KIND_DMS] = { "dms", "dms replication instance", TRUE },
  [ENI_KIND_ECS_TASK] = { "ecs-task", "ecs task", FALSE },
  [ENI_KIND_EKS_CLUSTER] = { "eks-cluster", "eks cluster", FALSE },
  [ENI_KIND_NAT_GATEWAY] = { "nat-gateway", "nat gateway", FALSE },
  [ENI_KIND_TRANSIT_GATEWAY] = { "transit-gateway-attachment", "transit gateway attachment", FALSE },
  [ENI_KIND_API_GATEWAY] = { "api-gateway", "api gateway vpc link", TRUE },
  [ENI_KIND_DIRECTORY] = { "directory", "directory service", FALSE },
  [ENI_KIND_UNKNOWN_SERVICE] = { "unknown-service", "unknown service", FALSE },
  [ENI_KIND_UNATTACHED] = { "unattached", "unattached interface", FALSE },
};

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

static gboolean
is_id_char (char c)
{
  return g_ascii_isdigit (c) || (c >= 'a' && c <= 'z');
}

/* The length of the run of characters at S that PRED accepts. */
static guint
run (const char *s, gboolean (*pred) (char))
{
  guint n = 0;

  while (s[n] != '\0' && pred (s[n]) && n < G_MAXINT)
    n++;
  return n;
}

static gboolean
starts_with (const char *s, const char *prefix, const char **rest)
{
  gsize n = strlen (prefix);

  if (strncmp (s, prefix, n) != 0)
    return FALSE;
  *rest = s + n;
  return TRUE;
}

/* ID_PREFIX then [a-z0-9]+ at S; its length, 0 when there is none. */
static guint
id_at (const char *s, const char *id_prefix)
{
  gsize n = strlen (id_prefix);
  guint tail;

  if (strncmp (s, id_prefix, n) != 0)
    return 0;
  tail = run (s + n, is_id_char);
  return tail > 0 ? (guint) n + tail : 0;
}

static gboolean
is_hex (char c)
{
  return g_ascii_isxdigit (c);
}

/* Whether the 36 characters at S are a UUID (8-4-4-4-12 hex digits). */
static gboolean
is_uuid (const char *s)
{
  for (guint i = 0; i < 36; i++)
    {
      gboolean dash = i == 8 || i == 13 || i == 18 || i == 23;

      if (s[i] == '\0' || (dash ? s[i] != '-' : !is_hex (s[i])))
        return FALSE;
    }
  return TRUE;
}

static EniSpan
span (const char *start, guint len)
{
  EniSpan s = { start, len };
  return s;
}

/* "NAME-UUID": the name is everything before the last 37 characters. */
static gboolean
parse_lambda (const char *rest, EniClass *c)
{
  guint name = run (rest, is_name_char);

  if (rest[name] != '\0' || name < 38)
    return FALSE;
  if (rest[name - 37] != '-' || !is_uuid (rest + name - 36))
    return FALSE;
  c->resource = span (rest, name - 37);
  return TRUE;
}

/* "NAME/ID". */
static gboolean
parse_lb (const char *rest, EniClass *c)
{
  guint name = run (rest, is_name_char), id;

  if (name == 0 || rest[name] != '/')
    return FALSE;
  id = run (rest + name + 1, is_id_char);
  if (id == 0 || rest[name + 1 + id] != '\0')
    return FALSE;
  c->resource = span (rest, name);
  c->detail = span (rest + name + 1, id);
  return TRUE;
}

/* "fs-ID" or "fs-ID (fsmt-ID)". */
static gboolean
parse_efs (const char *rest, EniClass *c)
{
  guint fs = id_at (rest, "fs-"), fsmt;
  const char *p;

  if (fs == 0)
    return FALSE;
  c->detail = span (rest, fs);
  if (rest[fs] == '\0')
    return TRUE;
  if (!starts_with (rest + fs, " (", &p) || (fsmt = id_at (p, "fsmt-")) == 0
      || strcmp (p + fsmt, ")") != 0)
    return FALSE;
  c->resource = span (p, fsmt);
  return TRUE;
}

static gboolean
is_region_char (char c)
{
  return is_id_char (c) || c == '-';
}

static gboolean
is_digit (char c)
{
  return g_ascii_isdigit (c);
}

/* arn:PARTITION:ecs:REGION:ACCOUNT:attachment/ID, all of it. */
static gboolean
parse_ecs (const char *description, EniClass *c)
{
  const char *p;
  guint n;

  if (!starts_with (description, "arn:", &p))
    return FALSE;
  n = run (p, is_region_char);
  if (n == 0 || !starts_with (p + n, ":ecs:", &p))
    return FALSE;
  n = run (p, is_region_char);
  if (n == 0 || p[n] != ':')
    return FALSE;
  p += n + 1;
  n = run (p, is_digit);
  if (n != 12 || !starts_with (p + n, ":attachment/", &p))
    return FALSE;
  n = run (p, is_name_char);
  if (n == 0 || p[n] != '\0')
    return FALSE;
  c->resource = span (description, (guint) (p + n - description));
  return TRUE;
}

/* An InterfaceType that only a service's interfaces have: AWS sets it and no
 * caller can (CreateNetworkInterface takes interface, efa, efa-only, trunk
 * and branch; EC2 API reference, NetworkInterface.InterfaceType).  Such an
 * interface is a service's whatever RequesterManaged says: Lambda's
 * hyperplane interfaces have been seen with RequesterManaged false. */
static gboolean
service_interface_type (const char *type)
{
  static const char *const own[] = { "interface", "efa", "efa-only", "trunk", "branch" };

  if (type == NULL || type[0] == '\0')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (own); i++)
    if (strcmp (type, own[i]) == 0)
      return FALSE;
  return TRUE;
}

static gboolean
pattern_matches (const Pattern *pat, const EniEvidence *ev, EniClass *c)
{
  const char *description = ev->description != NULL ? ev->description : "";
  const char *rest = description;
  guint n;

  if (pat->interface_type != NULL && g_strcmp0 (ev->interface_type, pat->interface_type) != 0)
    return FALSE;
  if (pat->requester_id != NULL && g_strcmp0 (ev->requester_id, pat->requester_id) != 0)
    return FALSE;
  if (!ev->requester_managed && !pat->unmanaged_too && !service_interface_type (ev->interface_type))
    return FALSE;
  if (pat->prefix != NULL && !starts_with (description, pat->prefix, &rest))
    return FALSE;
  switch (pat->shape)
    {
    case SHAPE_ANY:
      return TRUE;
    case SHAPE_EXACT:
      return rest[0] == '\0';
    case SHAPE_NAME:
      n = run (rest, is_name_char);
      if (n == 0 || rest[n] != '\0')
        return FALSE;
      c->resource = span (rest, n);
      return TRUE;
    case SHAPE_ID:
      n = id_at (rest, pat->id_prefix);
      if (n == 0 || rest[n] != '\0')
        return FALSE;
      c->resource = span (rest, n);
      return TRUE;
    case SHAPE_LB:
      return parse_lb (rest, c);
    case SHAPE_LAMBDA:
      return parse_lambda (rest, c);
    case SHAPE_EFS:
      return parse_efs (rest, c);
    case SHAPE_ECS:
      return parse_ecs (description, c);
    default:
      break;
    }
  return FALSE;
}

EniClass
eni_kind_classify (const EniEvidence *ev)
{
  EniClass c = { ENI_KIND_UNATTACHED, { NULL, 0 }, { NULL, 0 } };

  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      EniClass candidate = { patterns[i].kind, { NULL, 0 }, { NULL, 0 } };

      if (pattern_matches (&patterns[i], ev, &candidate))
        return candidate;
    }
  if (ev->requester_managed)
    c.kind = ENI_KIND_UNKNOWN_SERVICE;
  else if (ev->instance_id != NULL && ev->instance_id[0] != '\0')
    {
      c.kind = ENI_KIND_EC2_INSTANCE;
      c.resource = span (ev->instance_id, (guint) MIN (strlen (ev->instance_id), G_MAXINT));
    }
  return c;
}

EniEvidence
eni_kind_evidence (const Eni *eni)
{
  EniEvidence ev = {
    .interface_type = eni->common->interface_type,
    .requester_id = eni->common->requester_id,
    .description = eni->description,
    .instance_id = eni->instance_id,
    .requester_managed = eni->common->requester_managed,
  };

  return ev;
}

EniClass
eni_kind_classify_eni (const Eni *eni)
{
  EniEvidence ev = eni_kind_evidence (eni);

  return eni_kind_classify (&ev);
}

const char *
eni_kind_name (EniKind kind)
{
  return kind < ENI_KIND_COUNT ? kinds[kind].name : "unknown-service";
}

const char *
eni_kind_label (EniKind kind)
{
  return kind < ENI_KIND_COUNT ? kinds[kind].label : "unknown service";
}

gboolean
eni_kind_never_named (EniKind kind)
{
  return kind < ENI_KIND_COUNT && kinds[kind].never_named;
}

static char *
span_dup (EniSpan s)
{
  return s.start != NULL ? g_strndup (s.start, s.len) : NULL;
}

char *
eni_class_resource (const EniClass *c)
{
  return span_dup (c->resource);
}

char *
eni_class_file_system (const EniClass *c)
{
  return c->kind == ENI_KIND_EFS_MOUNT_TARGET ? span_dup (c->detail) : NULL;
}

char *
eni_class_describe (const EniClass *c)
{
  GString *s = g_string_new (eni_kind_label (c->kind));

  if (c->kind == ENI_KIND_ECS_TASK && c->resource.start != NULL)
    {
      /* the ARN is long and its account and region are the ENI's: the
         attachment ID is what tells the task */
      const char *id = g_strstr_len (c->resource.start, c->resource.len, ":attachment/");

      g_assert (id != NULL); /* parse_ecs matched it */
      id += strlen (":attachment/");
      g_string_append (s, " (attachment ");
      g_string_append_len (s, id, c->resource.start + c->resource.len - id);
      g_string_append_c (s, ')');
    }
  else if (c->resource.start != NULL)
    {
      g_string_append_c (s, ' ');
      g_string_append_len (s, c->resource.start, c->resource.len);
    }
  if (c->kind == ENI_KIND_EFS_MOUNT_TARGET && c->detail.start != NULL)
    {
      g_string_append (s, " of ");
      g_string_append_len (s, c->detail.start, c->detail.len);
    }
  else if (c->resource.start == NULL && kinds[c->kind].never_named)
    g_string_append (s, " (not named by the interface)");
  else if (c->resource.start == NULL && c->kind != ENI_KIND_UNKNOWN_SERVICE
           && c->kind != ENI_KIND_UNATTACHED)
    g_string_append (s, " (name not found in the description)");
  return g_string_free (s, FALSE);
}

char *
eni_kind_used_by (const EniEvidence *ev)
{
  EniClass c = eni_kind_classify (ev);
  char *text = eni_class_describe (&c);
  char *with;

  if (c.kind == ENI_KIND_EC2_INSTANCE || ev->instance_id == NULL || ev->instance_id[0] == '\0')
    return text;
  with = g_strconcat (text, " on ", ev->instance_id, NULL);
  g_free (text);
  return with;
}

const char *
eni_kind_partition (const char *region)
{
  if (region != NULL && g_str_has_prefix (region, "cn-"))
    return "aws-cn";
  if (region != NULL && g_str_has_prefix (region, "us-gov-"))
    return "aws-us-gov";
  return "aws";
}

char *
eni_class_load_balancer_arn (const EniClass *c, const char *account, const char *region)
{
  const char *type;
  GString *arn;

  if (account == NULL || region == NULL || c->resource.start == NULL)
    return NULL;
  switch (c->kind)
    {
    case ENI_KIND_ALB: type = "app/"; break;
    case ENI_KIND_NLB: type = "net/"; break;
    case ENI_KIND_GWLB: type = "gwy/"; break;
    case ENI_KIND_CLASSIC_ELB: type = ""; break;
    default: return NULL;
    }
  if (type[0] != '\0' && c->detail.start == NULL)
    return NULL;
  arn = g_string_new (NULL);
  g_string_append_printf (arn, "arn:%s:elasticloadbalancing:%s:%s:loadbalancer/%s",
                          eni_kind_partition (region), region, account, type);
  g_string_append_len (arn, c->resource.start, c->resource.len);
  if (type[0] != '\0')
    {
      g_string_append_c (arn, '/');
      g_string_append_len (arn, c->detail.start, c->detail.len);
    }
  return g_string_free (arn, FALSE);
}

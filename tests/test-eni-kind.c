/* test-eni-kind.c - what is behind a network interface: every pattern of
 * the table in src/eni-kind.c, the near misses that must not match, load
 * balancer ARNs in every partition, and hostile evidence that must still
 * get a kind without a crash. */
#include "config.h"

#include "eni-kind.h"

#include <string.h>

typedef struct {
  const char *interface_type;
  const char *requester_id;
  const char *description;
  const char *instance_id;
  gboolean requester_managed;
  const char *kind;     /* expected eni_kind_name */
  const char *resource; /* expected resource, or NULL */
  const char *detail;   /* expected detail (LB ID, fs- ID), or NULL */
  const char *text;     /* expected eni_class_describe */
} Case;

#define RM TRUE   /* requester-managed */
#define OWN FALSE /* not requester-managed */

/* Descriptions, types and requesters as AWS writes them. */
static const Case matches[] = {
  /* an InterfaceType only AWS sets tells the service whatever RequesterManaged
     says (Lambda's hyperplane interfaces have been seen with it false) */
  { "lambda", "AROA5EXAMPLEQF7LAMBDA:111122223333", "AWS Lambda VPC ENI-orders-api-7f3c2a91-5b4e-4d2a-9c1f-6e8b0d3a5f27",
    NULL, OWN, "lambda", "orders-api", NULL, "lambda function orders-api" },
  { "vpc_endpoint", "727180483921", "VPC Endpoint Interface vpce-0c4d5e6f7a8b9c0d1", NULL, OWN, "vpc-endpoint",
    "vpce-0c4d5e6f7a8b9c0d1", NULL, "interface vpc endpoint vpce-0c4d5e6f7a8b9c0d1" },
  { "interface", "111122223333", "", "i-0697a8349305d543f", OWN, "ec2-instance",
    "i-0697a8349305d543f", NULL, "ec2 instance i-0697a8349305d543f" },
  { "interface", "111122223333", "Primary network interface", "i-0abc", OWN, "ec2-instance",
    "i-0abc", NULL, "ec2 instance i-0abc" },
  { "lambda", "AROA3XQ7EXAMPLE5KZT2V:orders-api",
    "AWS Lambda VPC ENI-orders-api-5c1e7a3d-92b4-4f0e-8d61-0a7f3b9c2e45", NULL, RM, "lambda",
    "orders-api", NULL, "lambda function orders-api" },
  /* a function name with dashes and underscores, and a UUID in capitals */
  { "lambda", "AROA3XQ7EXAMPLE5KZT2V:a-b_c-d", "AWS Lambda VPC ENI-a-b_c-d-5C1E7A3D-92B4-4F0E-8D61-0A7F3B9C2E45",
    NULL, RM, "lambda", "a-b_c-d", NULL, "lambda function a-b_c-d" },
  { "interface", "amazon-elb", "ELB app/web-alb/50dc6c495c0c9188", NULL, RM, "alb", "web-alb",
    "50dc6c495c0c9188", "application load balancer web-alb" },
  { "network_load_balancer", "amazon-elb", "ELB net/tcp-nlb/3c9f1b2a7d6e5f40", NULL, RM, "nlb",
    "tcp-nlb", "3c9f1b2a7d6e5f40", "network load balancer tcp-nlb" },
  { "gateway_load_balancer", "amazon-elb", "ELB gwy/fw-gwlb/9a8b7c6d5e4f3a2b", NULL, RM, "gwlb",
    "fw-gwlb", "9a8b7c6d5e4f3a2b", "gateway load balancer fw-gwlb" },
  { "interface", "amazon-elb", "ELB legacy-web", NULL, RM, "classic-elb", "legacy-web", NULL,
    "classic load balancer legacy-web" },
  { "vpc_endpoint", "727180483921", "VPC Endpoint Interface vpce-051bb8621369215b1", NULL, RM,
    "vpc-endpoint", "vpce-051bb8621369215b1", NULL,
    "interface vpc endpoint vpce-051bb8621369215b1" },
  /* the EC2 User Guide shows these forms too */
  { "interface", "727180483921", "VPC Endpoint Interface vpce-0d8ddce4be80e4474", NULL, RM,
    "vpc-endpoint", "vpce-0d8ddce4be80e4474", NULL, "interface vpc endpoint vpce-0d8ddce4be80e4474" },
  { "interface", "727180483921", "VPC Endpoint Interface: vpce-0f00567fa8477a1e6", NULL, RM,
    "vpc-endpoint", "vpce-0f00567fa8477a1e6", NULL, "interface vpc endpoint vpce-0f00567fa8477a1e6" },
  { "gateway_load_balancer_endpoint", "727180483921", "VPC Endpoint Interface vpce-0a1b2c3d4e5f60718",
    NULL, RM, "gwlb-endpoint", "vpce-0a1b2c3d4e5f60718", NULL,
    "gateway load balancer endpoint vpce-0a1b2c3d4e5f60718" },
  { "efs", "641247547298", "EFS mount target for fs-0aa9f0a411ce090be (fsmt-0b6c2e6f4a1d3e5f7)", NULL,
    RM, "efs-mount-target", "fsmt-0b6c2e6f4a1d3e5f7", "fs-0aa9f0a411ce090be",
    "efs mount target fsmt-0b6c2e6f4a1d3e5f7 of fs-0aa9f0a411ce090be" },
  { "interface", "641247547298", "EFS mount target for fs-1234567 (fsmt-1234567)", NULL, RM,
    "efs-mount-target", "fsmt-1234567", "fs-1234567", "efs mount target fsmt-1234567 of fs-1234567" },
  { "interface", "641247547298", "EFS mount target for fs-1234567", NULL, RM, "efs-mount-target",
    NULL, "fs-1234567", "efs mount target of fs-1234567" },
  { "interface", "amazon-rds", "RDSNetworkInterface", NULL, RM, "rds", NULL, NULL,
    "rds database (not named by the interface)" },
  { "interface", "amazon-rds", "Network interface for DBProxy orders-proxy", NULL, RM, "rds-proxy",
    "orders-proxy", NULL, "rds proxy orders-proxy" },
  { "interface", "amazon-elasticache", "ElastiCache sessions-redis-001", NULL, RM, "elasticache",
    "sessions-redis-001", NULL, "elasticache cluster sessions-redis-001" },
  { "interface", "amazon-redshift", "RedshiftNetworkInterface", NULL, RM, "redshift", NULL, NULL,
    "redshift cluster (not named by the interface)" },
  { "interface", "amazon-dms", "DMSNetworkInterface", NULL, RM, "dms", NULL, NULL,
    "dms replication instance (not named by the interface)" },
  { "interface", "578734482556",
    "arn:aws:ecs:eu-west-1:111122223333:attachment/3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c", NULL, RM,
    "ecs-task", "arn:aws:ecs:eu-west-1:111122223333:attachment/3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c",
    NULL, "ecs task (attachment 3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c)" },
  /* an awsvpc task on a container instance, and a China region ARN */
  { "interface", "578734482556",
    "arn:aws-cn:ecs:cn-north-1:111122223333:attachment/3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c",
    "i-0container", OWN, "ecs-task",
    "arn:aws-cn:ecs:cn-north-1:111122223333:attachment/3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c", NULL,
    "ecs task (attachment 3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c)" },
  { "interface", "AROAEKSEXAMPLE:AmazonEKS", "Amazon EKS prod-cluster", NULL, OWN, "eks-cluster",
    "prod-cluster", NULL, "eks cluster prod-cluster" },
  { "nat_gateway", "amazon-aws", "Interface for NAT Gateway nat-0a8b0e0d28266841f", NULL, RM,
    "nat-gateway", "nat-0a8b0e0d28266841f", NULL, "nat gateway nat-0a8b0e0d28266841f" },
  { "transit_gateway", "amazon-aws",
    "Network Interface for Transit Gateway Attachment tgw-attach-0c1d2e3f4a5b6c7d8", NULL, RM,
    "transit-gateway-attachment", "tgw-attach-0c1d2e3f4a5b6c7d8", NULL,
    "transit gateway attachment tgw-attach-0c1d2e3f4a5b6c7d8" },
  { "api_gateway_managed", "amazon-aws", "ENI managed by APIGateway", NULL, RM, "api-gateway", NULL,
    NULL, "api gateway vpc link (not named by the interface)" },
  { "interface", "amazon-aws", "ENI managed by APIGateway", NULL, RM, "api-gateway", NULL, NULL,
    "api gateway vpc link (not named by the interface)" },
  { "interface", "amazon-aws", "AWS created network interface for directory d-906707a5b1", NULL,
    RM, "directory", "d-906707a5b1", NULL, "directory service d-906707a5b1" },
  /* what the InterfaceType or RequesterId alone tells */
  { "lambda", "AROA3XQ7EXAMPLE5KZT2V:f", "AWS Lambda VPC ENI: a change of format", NULL, RM, "lambda",
    NULL, NULL, "lambda function (name not found in the description)" },
  { "network_load_balancer", "amazon-elb", NULL, NULL, RM, "nlb", NULL, NULL,
    "network load balancer (name not found in the description)" },
  { "gateway_load_balancer", "amazon-elb", "", NULL, RM, "gwlb", NULL, NULL,
    "gateway load balancer (name not found in the description)" },
  { "gateway_load_balancer_endpoint", "amazon-aws", "x", NULL, RM, "gwlb-endpoint", NULL, NULL,
    "gateway load balancer endpoint (name not found in the description)" },
  { "vpc_endpoint", "amazon-aws", NULL, NULL, RM, "vpc-endpoint", NULL, NULL,
    "interface vpc endpoint (name not found in the description)" },
  { "efs", "amazon-aws", "", NULL, RM, "efs-mount-target", NULL, NULL,
    "efs mount target (name not found in the description)" },
  { "nat_gateway", "amazon-aws", "", NULL, RM, "nat-gateway", NULL, NULL,
    "nat gateway (name not found in the description)" },
  { "transit_gateway", "amazon-aws", "", NULL, RM, "transit-gateway-attachment", NULL, NULL,
    "transit gateway attachment (name not found in the description)" },
  { "interface", "amazon-rds", "some future description", NULL, RM, "rds", NULL, NULL,
    "rds database (not named by the interface)" },
  /* nothing recognised */
  { "interface", "amazon-elasticsearch", "ES shared-01", NULL, RM, "unknown-service", NULL, NULL,
    "unknown service" },
  { "quicksight", "amazon-aws", "", "i-0abc", RM, "unknown-service", NULL, NULL, "unknown service" },
  { "interface", "111122223333", "spare interface", NULL, OWN, "unattached", NULL, NULL,
    "unattached interface" },
  { NULL, NULL, NULL, NULL, OWN, "unattached", NULL, NULL, "unattached interface" },
  { NULL, NULL, NULL, NULL, RM, "unknown-service", NULL, NULL, "unknown service" },
};

/* Near misses: descriptions that look like a pattern but are not one.
 * MISS gives the kind expected, MISS_AT the kind and the resource. */
#define MISS(type, requester, description, instance, managed, kind) \
  { type, requester, description, instance, managed, kind, NULL, NULL, NULL }
#define MISS_AT(type, requester, description, instance, managed, kind, resource) \
  { type, requester, description, instance, managed, kind, resource, NULL, NULL }
static const Case near_misses[] = {
  /* a description a person wrote on their own interface names no service */
  MISS ("interface", "111122223333", "ELB app/web-alb/50dc6c495c0c9188", NULL, OWN, "unattached"),
  MISS_AT ("interface", "111122223333", "RDSNetworkInterface", "i-0abc", OWN, "ec2-instance", "i-0abc"),
  MISS ("interface", "111122223333", "AWS Lambda VPC ENI-f-5c1e7a3d-92b4-4f0e-8d61-0a7f3b9c2e45", NULL, OWN,
    "unattached"),
  /* missing or malformed parts */
  MISS ("interface", "amazon-elb", "ELB app/web-alb", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", "ELB app/web-alb/", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", "ELB app//50dc6c495c0c9188", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", "ELB app/web-alb/50dc/extra", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", "ELB app/web alb/50dc6c495c0c9188", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", "ELB ", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", "ELB", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", "ELB two words", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", "elb app/web-alb/50dc6c495c0c9188", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", " ELB legacy", NULL, RM, "unknown-service"),
  MISS ("interface", "amazon-elb", "ELB legacy ", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "AWS Lambda VPC ENI-orders-api", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "AWS Lambda VPC ENI--5c1e7a3d-92b4-4f0e-8d61-0a7f3b9c2e45", NULL, RM,
    "unknown-service"),
  MISS ("interface", "x", "AWS Lambda VPC ENI-f-5c1e7a3d-92b4-4f0e-8d61-0a7f3b9c2e4", NULL, RM,
    "unknown-service"),
  MISS ("interface", "x", "AWS Lambda VPC ENI-f-5c1e7a3d-92b4-4f0e-8d61-0a7f3b9c2e4g", NULL, RM,
    "unknown-service"),
  MISS ("interface", "x", "AWS Lambda VPC ENI-f-5c1e7a3d092b4-4f0e-8d61-0a7f3b9c2e45", NULL, RM,
    "unknown-service"),
  MISS ("interface", "x", "VPC Endpoint Interface vpc-051bb8621369215b1", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "VPC Endpoint Interface vpce-", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "VPC Endpoint Interface vpce-ABC", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "EFS mount target for fs-1 (fsmt-2", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "EFS mount target for fs-1 (fsmt-2) ", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "EFS mount target for fs-1 (fs-2)", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "EFS mount target for fsmt-2", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "RDSNetworkInterface ", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "RDSNetworkInterfaces", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "Network interface for DBProxy ", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "ElastiCache a b", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "ElastiCache", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "arn:aws:ecs:eu-west-1:111122223333:task/3f1d2c4b", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "arn:aws:ecs:eu-west-1:1111222233:attachment/3f1d2c4b", NULL, RM,
    "unknown-service"),
  MISS ("interface", "x", "arn:aws:ecs:eu-west-1:111122223333:attachment/", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "arn:aws:lambda:eu-west-1:111122223333:attachment/x", NULL, RM,
    "unknown-service"),
  MISS ("interface", "x", "Amazon EKS ", NULL, OWN, "unattached"),
  MISS ("interface", "x", "Interface for NAT Gateway igw-0a8b", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "Network Interface for Transit Gateway Attachment tgw-0c1d", NULL, RM,
    "unknown-service"),
  MISS ("interface", "x", "AWS created network interface for directory d-", NULL, RM, "unknown-service"),
  MISS ("interface", "x", "AWS created network interface for directory d-906707a5b1.", NULL, RM,
    "unknown-service"),
  /* a gateway load balancer endpoint's description on an interface endpoint's type */
  MISS_AT ("vpc_endpoint", "x", "VPC Endpoint Interface vpce-0a1b", NULL, RM, "vpc-endpoint", "vpce-0a1b"),
};

static void
check_case (const Case *tc, gboolean full)
{
  EniEvidence ev = { tc->interface_type, tc->requester_id, tc->description, tc->instance_id,
                     tc->requester_managed };
  EniClass c = eni_kind_classify (&ev);
  g_autofree char *resource = eni_class_resource (&c);
  g_autofree char *text = eni_class_describe (&c);

  g_test_message ("case: %s / %s", tc->interface_type, tc->description);
  g_assert_cmpstr (eni_kind_name (c.kind), ==, tc->kind);
  g_assert_cmpstr (resource, ==, tc->resource);
  if (!full)
    return;
  if (tc->detail != NULL)
    {
      g_autofree char *detail = g_strndup (c.detail.start, c.detail.len);

      g_assert_nonnull (c.detail.start);
      g_assert_cmpstr (detail, ==, tc->detail);
    }
  else
    g_assert_null (c.detail.start);
  g_assert_cmpstr (text, ==, tc->text);
}

static void
test_every_pattern (void)
{
  gboolean seen[ENI_KIND_COUNT] = { FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (matches); i++)
    {
      EniEvidence ev = { matches[i].interface_type, matches[i].requester_id, matches[i].description,
                         matches[i].instance_id, matches[i].requester_managed };

      check_case (&matches[i], TRUE);
      seen[eni_kind_classify (&ev).kind] = TRUE;
    }
  /* every kind has a case above */
  for (int k = 0; k < ENI_KIND_COUNT; k++)
    {
      g_test_message ("kind %s", eni_kind_name (k));
      g_assert_true (seen[k]);
    }
}

static void
test_near_misses (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (near_misses); i++)
    check_case (&near_misses[i], FALSE);
}

static void
test_names_and_labels (void)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  for (int k = 0; k < ENI_KIND_COUNT; k++)
    {
      const char *name = eni_kind_name (k);

      /* stable lowercase names, each once */
      for (const char *p = name; *p != '\0'; p++)
        g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-');
      g_assert_true (g_hash_table_add (names, (gpointer) name));
      g_assert_cmpuint (strlen (eni_kind_label (k)), >, 0);
    }
  g_assert_cmpstr (eni_kind_name (ENI_KIND_LAMBDA), ==, "lambda");
  g_assert_cmpstr (eni_kind_name (ENI_KIND_CLASSIC_ELB), ==, "classic-elb");
  g_assert_cmpstr (eni_kind_label (ENI_KIND_ALB), ==, "application load balancer");
  g_assert_true (eni_kind_never_named (ENI_KIND_RDS));
  g_assert_false (eni_kind_never_named (ENI_KIND_LAMBDA));
  /* out of range: still a name */
  g_assert_cmpstr (eni_kind_name (ENI_KIND_COUNT), ==, "unknown-service");
}

static char *
arn_of (const char *type, const char *description, const char *account, const char *region)
{
  EniEvidence ev = { type, "amazon-elb", description, NULL, TRUE };
  EniClass c = eni_kind_classify (&ev);

  return eni_class_load_balancer_arn (&c, account, region);
}

static void
test_load_balancer_arns (void)
{
  static const struct {
    const char *type, *description, *region, *arn;
  } cases[] = {
    { "interface", "ELB app/web-alb/50dc6c495c0c9188", "eu-west-1",
      "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web-alb/50dc6c495c0c9188" },
    { "network_load_balancer", "ELB net/tcp-nlb/3c9f1b2a7d6e5f40", "cn-north-1",
      "arn:aws-cn:elasticloadbalancing:cn-north-1:111122223333:loadbalancer/net/tcp-nlb/3c9f1b2a7d6e5f40" },
    { "gateway_load_balancer", "ELB gwy/fw-gwlb/9a8b7c6d5e4f3a2b", "us-gov-west-1",
      "arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:111122223333:loadbalancer/gwy/fw-gwlb/9a8b7c6d5e4f3a2b" },
    { "interface", "ELB legacy-web", "cn-northwest-1",
      "arn:aws-cn:elasticloadbalancing:cn-northwest-1:111122223333:loadbalancer/legacy-web" },
    { "interface", "ELB legacy-web", "us-gov-east-1",
      "arn:aws-us-gov:elasticloadbalancing:us-gov-east-1:111122223333:loadbalancer/legacy-web" },
    { "interface", "ELB legacy-web", "ap-southeast-4",
      "arn:aws:elasticloadbalancing:ap-southeast-4:111122223333:loadbalancer/legacy-web" },
    /* not a load balancer, or not named */
    { "interface", "RDSNetworkInterface", "eu-west-1", NULL },
    { "network_load_balancer", "", "eu-west-1", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *arn = arn_of (cases[i].type, cases[i].description, "111122223333",
                                     cases[i].region);

      g_assert_cmpstr (arn, ==, cases[i].arn);
    }
  g_assert_null (arn_of ("interface", "ELB legacy-web", NULL, "eu-west-1"));
  g_assert_null (arn_of ("interface", "ELB legacy-web", "111122223333", NULL));
  g_assert_cmpstr (eni_kind_partition ("cn-north-1"), ==, "aws-cn");
  g_assert_cmpstr (eni_kind_partition ("us-gov-west-1"), ==, "aws-us-gov");
  g_assert_cmpstr (eni_kind_partition ("us-east-1"), ==, "aws");
  g_assert_cmpstr (eni_kind_partition ("cnx-1"), ==, "aws");
  g_assert_cmpstr (eni_kind_partition (NULL), ==, "aws");
}

/* Every prefix of every pattern, any bytes after it, huge and empty fields,
 * with every flag: a kind always comes back, and its resource lies inside
 * the evidence. */
static void
test_hostile_evidence (void)
{
  static const char *const prefixes[] = {
    "", "AWS Lambda VPC ENI-", "ELB app/", "ELB net/", "ELB gwy/", "ELB ", "VPC Endpoint Interface ",
    "VPC Endpoint Interface: ", "EFS mount target for ", "EFS mount target for fs-1 (",
    "EFS mount target for fs-1 (fsmt-", "RDSNetworkInterface", "Network interface for DBProxy ",
    "ElastiCache ", "arn:", "arn:aws:ecs:", "arn:aws:ecs:r:", "arn:aws:ecs:r:111122223333:attachment/",
    "Amazon EKS ", "Interface for NAT Gateway ", "Interface for NAT Gateway nat-",
    "AWS created network interface for directory d-", "ENI managed by APIGateway",
  };
  static const char *const tails[] = {
    "", "-", "/", "a/b", "\x01\x7f", "\xff\xfe", "caf\xc3\xa9", "$(rm -rf /)", "\n\r\t", " (", ")",
    "5c1e7a3d-92b4-4f0e-8d61-0a7f3b9c2e45", "-5c1e7a3d-92b4-4f0e-8d61-0a7f3b9c2e45",
  };
  static const char *const types[] = { NULL, "", "interface", "lambda", "vpc_endpoint",
                                       "gateway_load_balancer_endpoint", "\xff" };
  GString *huge = g_string_new ("ELB app/");
  guint tried = 0;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (huge, 'a');
  g_string_append (huge, "/0123");
  for (guint p = 0; p < G_N_ELEMENTS (prefixes); p++)
    for (guint t = 0; t < G_N_ELEMENTS (tails); t++)
      for (guint y = 0; y < G_N_ELEMENTS (types); y++)
        for (int flags = 0; flags < 4; flags++)
          {
            g_autofree char *description = g_strconcat (prefixes[p], tails[t], NULL);
            EniEvidence ev = { types[y], flags & 2 ? "amazon-rds" : NULL, description,
                               flags & 2 ? "i-1" : NULL, flags & 1 };
            EniClass c = eni_kind_classify (&ev);
            g_autofree char *text = eni_class_describe (&c);
            g_autofree char *arn = eni_class_load_balancer_arn (&c, "111122223333", "eu-west-1");

            g_assert_cmpint (c.kind, <, ENI_KIND_COUNT);
            g_assert_nonnull (text);
            if (c.resource.start != NULL && c.kind != ENI_KIND_EC2_INSTANCE)
              {
                g_assert_true (c.resource.start >= description);
                g_assert_true (c.resource.start + c.resource.len <= description + strlen (description));
              }
            tried++;
          }
  g_assert_cmpuint (tried, >, 5000);
  {
    EniEvidence ev = { "interface", "amazon-elb", huge->str, NULL, TRUE };
    EniClass c = eni_kind_classify (&ev);
    g_autofree char *arn = eni_class_load_balancer_arn (&c, "111122223333", "eu-west-1");

    g_assert_cmpint (c.kind, ==, ENI_KIND_ALB);
    g_assert_cmpuint (c.resource.len, ==, 100000);
    g_assert_true (g_str_has_suffix (arn, "a/0123"));
  }
  g_string_free (huge, TRUE);
}

/* The model's ENI is read through one function. */
static void
test_classify_eni (void)
{
  Eni eni = { 0 };
  EniCommon common = { 0 };
  EniClass c;
  g_autofree char *text = NULL;

  eni.id = "eni-1";
  eni.common = &common;
  common.interface_type = "interface";
  eni.description = "Network interface for DBProxy orders-proxy";
  common.requester_id = "amazon-rds";
  common.requester_managed = TRUE;
  c = eni_kind_classify_eni (&eni);
  text = eni_class_describe (&c);
  g_assert_cmpstr (text, ==, "rds proxy orders-proxy");
}

/* A service's interface on an instance says so; an instance's own does not
 * repeat it. */
static void
test_used_by (void)
{
  EniEvidence ecs = { "interface", "578734482556",
                      "arn:aws:ecs:eu-west-1:111122223333:attachment/3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c",
                      "i-0container", TRUE };
  EniEvidence instance = { "interface", NULL, "", "i-0abc", FALSE };
  EniEvidence unknown = { "interface", "amazon-x", "x", "", TRUE };
  g_autofree char *a = eni_kind_used_by (&ecs);
  g_autofree char *b = eni_kind_used_by (&instance);
  g_autofree char *c = eni_kind_used_by (&unknown);

  g_assert_cmpstr (a, ==, "ecs task (attachment 3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c) on i-0container");
  g_assert_cmpstr (b, ==, "ec2 instance i-0abc");
  g_assert_cmpstr (c, ==, "unknown service");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/eni-kind/every-pattern", test_every_pattern);
  g_test_add_func ("/eni-kind/near-misses", test_near_misses);
  g_test_add_func ("/eni-kind/names-and-labels", test_names_and_labels);
  g_test_add_func ("/eni-kind/load-balancer-arns", test_load_balancer_arns);
  g_test_add_func ("/eni-kind/hostile-evidence", test_hostile_evidence);
  g_test_add_func ("/eni-kind/classify-model-eni", test_classify_eni);
  g_test_add_func ("/eni-kind/used-by", test_used_by);
  return g_test_run ();
}

/* eni-kind.h - what is behind a network interface: an instance, a Lambda
 * function, a load balancer, a database, an endpoint...
 *
 * An ENI is the visible end of a resource, and only the resource's own
 * service may change the groups of a requester-managed ENI.  The kind is
 * read from the evidence the ENI carries (InterfaceType, RequesterManaged,
 * RequesterId, Attachment.InstanceId, Description) through one table of
 * patterns in eni-kind.c; every layer asks this module instead of growing
 * its own switch.  Classification is total (every ENI gets a kind), cheap
 * (no allocation) and done when output is written, not while loading. */
#pragma once

#include <glib.h>

#include "model.h"

/* The order is the order of the table of names; names are stable (JSON). */
typedef enum {
  ENI_KIND_EC2_INSTANCE,     /* "ec2-instance" */
  ENI_KIND_LAMBDA,           /* "lambda" */
  ENI_KIND_ALB,              /* "alb" */
  ENI_KIND_NLB,              /* "nlb" */
  ENI_KIND_GWLB,             /* "gwlb" */
  ENI_KIND_CLASSIC_ELB,      /* "classic-elb" */
  ENI_KIND_VPC_ENDPOINT,     /* "vpc-endpoint" (interface endpoint) */
  ENI_KIND_GWLB_ENDPOINT,    /* "gwlb-endpoint" */
  ENI_KIND_EFS_MOUNT_TARGET, /* "efs-mount-target" */
  ENI_KIND_RDS,              /* "rds" */
  ENI_KIND_RDS_PROXY,        /* "rds-proxy" */
  ENI_KIND_ELASTICACHE,      /* "elasticache" */
  ENI_KIND_REDSHIFT,         /* "redshift" */
  ENI_KIND_DMS,              /* "dms" */
  ENI_KIND_ECS_TASK,         /* "ecs-task" */
  ENI_KIND_EKS_CLUSTER,      /* "eks-cluster" */
  ENI_KIND_NAT_GATEWAY,      /* "nat-gateway" */
  ENI_KIND_TRANSIT_GATEWAY,  /* "transit-gateway-attachment" */
  ENI_KIND_API_GATEWAY,      /* "api-gateway" */
  ENI_KIND_DIRECTORY,        /* "directory" */
  ENI_KIND_UNKNOWN_SERVICE,  /* "unknown-service": requester-managed, no pattern matched */
  ENI_KIND_UNATTACHED,       /* "unattached": not requester-managed, no instance, no pattern */
  ENI_KIND_COUNT
} EniKind;

/* The fields of an ENI that tell its kind (any may be NULL). */
typedef struct {
  const char *interface_type;
  const char *requester_id;
  const char *description;
  const char *instance_id;
  gboolean requester_managed;
} EniEvidence;

/* A slice of a string the evidence holds (not NUL-terminated). */
typedef struct {
  const char *start; /* NULL: absent */
  guint len;
} EniSpan;

typedef struct {
  EniKind kind;
  EniSpan resource; /* the resource's name or ID as the evidence gives it: function
                       name, load balancer name, vpce-, fsmt-, nat-, tgw-attach-, d-
                       ID, proxy or cache cluster name, EKS cluster name, ECS
                       attachment ARN, instance ID; absent when not named */
  EniSpan detail;   /* load balancers: the ID after the name; EFS: the fs- ID */
} EniClass;

/* The kind of ENI; never fails, whatever the bytes of its fields. */
EniClass eni_kind_classify (const EniEvidence *evidence);
/* The evidence of an ENI of the model: the one place that reads its fields. */
EniEvidence eni_kind_evidence (const Eni *eni);
/* eni_kind_classify (eni_kind_evidence (ENI)). */
EniClass eni_kind_classify_eni (const Eni *eni);
/* What the interface belongs to, for people: eni_class_describe, and
 * " on i-..." when a service's interface sits on an instance (an ECS task
 * on its container instance). */
char *eni_kind_used_by (const EniEvidence *evidence);

/* "lambda", "alb", ...: stable, for JSON. */
const char *eni_kind_name (EniKind kind);
/* "lambda function", "application load balancer", ...: for people. */
const char *eni_kind_label (EniKind kind);
/* Whether this kind's interfaces never name their resource ("RDSNetworkInterface"). */
gboolean eni_kind_never_named (EniKind kind);

/* The resource as a new string, or NULL when the evidence does not name it. */
char *eni_class_resource (const EniClass *c);
/* The file system (EFS: "fs-..."), or NULL. */
char *eni_class_file_system (const EniClass *c);
/* For people: "lambda function orders-api", "application load balancer
 * web-alb", "efs mount target fsmt-1 of fs-2", "rds database (not named by
 * the interface)", "ec2 instance i-0abc". */
char *eni_class_describe (const EniClass *c);

/* "aws", "aws-cn" (cn-*) or "aws-us-gov" (us-gov-*); "aws" for NULL. */
const char *eni_kind_partition (const char *region);
/* The ARN of the load balancer behind C, from its description, the ENI's
 * account (OwnerId) and region:
 * arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID
 * (net/, gwy/; classic: loadbalancer/NAME).  NULL when C is not a load
 * balancer, its name is not known, or ACCOUNT or REGION is NULL. */
char *eni_class_load_balancer_arn (const EniClass *c, const char *account, const char *region);

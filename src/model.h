/* model.h - the exported state: security groups, network interfaces, atomic rules.
 *
 * Immutable once loaded.  Every rule is atomic (one peer), the grain of
 * describe-security-group-rules; rules have a total order (rule_compare) that
 * makes every output canonical.  Strings live in the model's string chunk;
 * repeated values (accounts, VPCs, group IDs, protocols) are stored once. */
#pragma once

#include <glib.h>

#include "arena.h"

#define SGPLAN_PORT_NONE G_MININT32 /* FromPort/ToPort absent (protocol -1, esp, ...) */

typedef enum {
  RULE_INGRESS = 0,
  RULE_EGRESS = 1,
} RuleDirection;

typedef enum {
  PEER_CIDR4 = 0,
  PEER_CIDR6 = 1,
  PEER_PREFIX_LIST = 2,
  PEER_GROUP = 3,
} PeerKind;

typedef struct {
  guint8 direction;          /* RuleDirection */
  guint8 peer_kind;          /* PeerKind */
  gint32 from_port;          /* SGPLAN_PORT_NONE when absent */
  gint32 to_port;
  const char *protocol;      /* canonical: "-1", "tcp", "udp", "icmp", "icmpv6", or a number */
  const char *peer;          /* CIDR, prefix list ID or group ID */
  const char *peer_owner;    /* group peers: UserId, or NULL */
  const char *peer_vpc;      /* group peers: VpcId, or NULL */
  const char *peering_id;    /* group peers: VpcPeeringConnectionId, or NULL */
  const char *peering_status;/* group peers: PeeringStatus, or NULL */
  const char *description;   /* NULL when absent */
  const char *rule_id;       /* sgr-..., from describe-security-group-rules; not part of identity */
} Rule;

typedef struct {
  const char *key;
  const char *value;
} Tag;

typedef struct {
  const char *id;
  const char *name;
  const char *description;
  const char *owner_id;
  const char *vpc_id;        /* NULL for EC2-Classic style groups */
  const char *region;        /* resolved after loading; NULL if unknown */
  const char *source;        /* file it was first read from (errors, region from path) */
  Rule *rules;               /* sorted by rule_compare, no duplicates */
  guint n_rules;
  guint line;                /* default groups: where their object starts in SOURCE (from 1); else 0 */
  Tag *tags;                 /* sorted by key */
  guint n_tags;
  guint column;              /* with LINE: in characters, from 1 (both fill padding: no memory) */
} Group;

typedef struct {
  const char *group_id;
  const char *group_name;
} EniGroup;

/* What an ENI shares with its neighbours: where it is, whose it is, what
 * kind it is and which file it came from.  A large organisation has hundreds
 * of thousands of ENIs but few distinct combinations of these, so the model
 * stores each combination once (model_add_eni) and every ENI points at it. */
typedef struct {
  const char *interface_type;
  const char *owner_id;
  const char *availability_zone;
  const char *region;            /* resolved after loading */
  const char *vpc_id;
  const char *subnet_id;
  const char *status;
  const char *instance_owner_id; /* Attachment.InstanceOwnerId, or NULL */
  const char *requester_id;      /* RequesterId, or NULL */
  const char *source;
  gboolean requester_managed;
} EniCommon;

typedef struct {
  const char *id;                /* first: the ENI table hashes it through the struct */
  const EniCommon *common;       /* shared with other ENIs; interned by model_add_eni */
  const char *description;
  const char *private_ip;
  const char *instance_id;       /* Attachment.InstanceId, or NULL */
  EniGroup *groups;              /* in the export's order: an ENI's group list is state */
  Tag *tags;                     /* TagSet, sorted by key */
  guint n_groups;
  guint n_tags;
} Eni;

/* One entry of describe-security-group-references: VPC REFERENCING_VPC has
 * rules that reference GROUP_ID (over peering or a transit gateway). */
typedef struct {
  const char *group_id;
  const char *referencing_vpc;
  const char *peering_id;
  const char *transit_gateway_id;
} GroupReference;

/* Which describe-* documents an export holds for one account and region.
 * The service documents are optional: the planner tells "not exported"
 * (the bit is clear) from "exported, and no such resource" (the bit is set,
 * the resource is not in the model).  MountTargets is the exception:
 * describe-mount-targets answers for one file system, so its bit says only
 * that some file system of that account and region was exported. */
typedef enum {
  MODEL_DOC_GROUPS = 1 << 0,     /* describe-security-groups */
  MODEL_DOC_ENIS = 1 << 1,       /* describe-network-interfaces */
  MODEL_DOC_REFERENCES = 1 << 2, /* describe-security-group-references */
  MODEL_DOC_LAMBDA_FUNCTIONS = 1 << 3,       /* lambda list-functions --function-version ALL */
  MODEL_DOC_RDS_INSTANCES = 1 << 4,          /* rds describe-db-instances */
  MODEL_DOC_RDS_CLUSTERS = 1 << 5,           /* rds describe-db-clusters */
  MODEL_DOC_CACHE_CLUSTERS = 1 << 6,         /* elasticache describe-cache-clusters */
  MODEL_DOC_LOAD_BALANCERS = 1 << 7,         /* elbv2 describe-load-balancers */
  MODEL_DOC_CLASSIC_LOAD_BALANCERS = 1 << 8, /* elb describe-load-balancers */
  MODEL_DOC_VPC_ENDPOINTS = 1 << 9,          /* ec2 describe-vpc-endpoints */
  MODEL_DOC_MOUNT_TARGETS = 1 << 10,         /* efs describe-mount-targets, per file system */
} ModelDocKind;

/* Resources that a service owns and that carry security groups through
 * requester-managed ENIs: only the service's own API changes their groups. */
typedef enum {
  RESOURCE_LAMBDA_FUNCTION = 0,    /* one version of a function ($LATEST or published) */
  RESOURCE_RDS_INSTANCE,
  RESOURCE_RDS_CLUSTER,
  RESOURCE_CACHE_CLUSTER,          /* ElastiCache */
  RESOURCE_LOAD_BALANCER,          /* elbv2: application, network or gateway */
  RESOURCE_CLASSIC_LOAD_BALANCER,  /* elb */
  RESOURCE_VPC_ENDPOINT,
  RESOURCE_MOUNT_TARGET,           /* EFS */
  RESOURCE_KIND_COUNT,
} ResourceKind;

/* One resource of a service export.  Strings are the model's; a field that
 * does not apply to the kind, or that the export does not give, is NULL.
 *
 * ID by kind: "FUNCTION:VERSION" (function name and "$LATEST" or a version
 * number), DBInstanceIdentifier, DBClusterIdentifier, CacheClusterId,
 * LoadBalancerArn, LoadBalancerName (classic), VpcEndpointId,
 * MountTargetId.  Names of functions, databases, caches and classic load
 * balancers are unique only within one account and region, so a resource
 * is identified by kind, account, region and ID (model_resource).
 *
 * VPC: from the export (VpcConfig.VpcId, DBSubnetGroup.VpcId, VpcId,
 * VPCId); for an RDS cluster, the VPC of a member instance; otherwise (an
 * ElastiCache cluster names only its subnet group) the VPC of its first
 * group that the SecurityGroups export describes; NULL when none does. */
typedef struct {
  const char *id;             /* first: see compare_ids in export.c */
  ResourceKind kind;
  const char *name;           /* what a person calls it: function, database, cache, balancer name; the ID otherwise */
  const char *arn;            /* FunctionArn, DBInstanceArn, DBClusterArn, ARN, LoadBalancerArn; NULL for the others */
  const char *account;        /* from the ARN, else OwnerId (SourceSecurityGroup.OwnerAlias for classic),
                               * else the ACCOUNT/ folder, the owner of its groups, the export's only account */
  const char *region;         /* from the ARN, else an availability zone, else the REGION/ folder, the
                               * region of its groups (their VPC's ENIs), --region, the export's only region */
  const char *vpc_id;
  const char *source;         /* file it was first read from */
  const char *status;         /* State, DBInstanceStatus, Status, CacheClusterStatus, State.Code, LifeCycleState */
  const char **group_ids;     /* security group IDs in the service's order (the order is state) */
  const char **subnet_ids;    /* Lambda VpcConfig.SubnetIds, elbv2 AvailabilityZones[].SubnetId,
                               * classic Subnets, VpcEndpoint SubnetIds, mount target SubnetId */
  const char **eni_ids;       /* VpcEndpoint NetworkInterfaceIds, mount target NetworkInterfaceId */
  const char **members;       /* RDS cluster: DBClusterMembers' DBInstanceIdentifier, in the export's order */
  guint n_groups;
  guint n_subnets;
  guint n_enis;
  guint n_members;
  /* kind-specific */
  const char *function_name;  /* Lambda FunctionName */
  gboolean ipv6_dual_stack;   /* Lambda VpcConfig.Ipv6AllowedForDualStack */
  const char *version;        /* Lambda Version: "$LATEST", "$LATEST.PUBLISHED" or a number */
  const char *cluster_id;     /* RDS instance: DBClusterIdentifier when a cluster member */
  const char *replication_group_id; /* ElastiCache ReplicationGroupId */
  const char *engine;         /* RDS, ElastiCache Engine */
  const char *subnet_group;   /* RDS DBSubnetGroupName (of an instance: DBSubnetGroup.DBSubnetGroupName), ElastiCache CacheSubnetGroupName */
  const char *type;           /* elbv2 Type ("application", "network", "gateway"), VpcEndpointType */
  const char *service_name;   /* VpcEndpoint ServiceName */
  const char *file_system_id; /* EFS FileSystemId */
} Resource;

/* A document that names no element, so nothing in it tells its account or
 * region: a folder ACCOUNT/REGION/ in its path, --region, or the only
 * account or region of the export does; when none does it covers nothing. */
typedef struct {
  const char *file;
  guint kind;                /* ModelDocKind */
  const char *account;       /* NULL: cannot tell */
  const char *region;
} EmptyDocument;

typedef struct {
  GStringChunk *strings;
  GHashTable *interned;      /* (element-type utf8 utf8): dedup set for intern() */
  GHashTable *groups;        /* (element-type utf8 Group) by GroupId */
  GHashTable *enis;          /* (element-type Eni) a set, by NetworkInterfaceId (model_add_eni) */
  GPtrArray *references;     /* (element-type GroupReference), sorted */
  GPtrArray *sources;        /* (element-type SourceFile) every input file, sorted by path */
  /* Sorted views, built by model_finish(). */
  GPtrArray *group_list;     /* (element-type Group) by ID */
  GPtrArray *eni_list;       /* (element-type Eni) by ID */
  GHashTable *enis_by_group; /* (element-type utf8 GPtrArray<Eni>) sorted by ENI ID */
  GHashTable *refs_by_group; /* (element-type utf8 GPtrArray<RuleRef>) rules that reference a group */
  GHashTable *vpcs;          /* (element-type utf8 utf8) VPC ID -> owner, for VPCs with a group or ENI */
  GHashTable *coverage;      /* (element-type utf8 guint) "ACCOUNT REGION" -> ModelDocKind mask */
  GHashTable *path_accounts; /* (element-type utf8 utf8) file -> 12-digit folder in its path */
  GPtrArray *empty_documents;/* (element-type EmptyDocument) in reading order */
  GPtrArray *empty;          /* returned for lookups that find nothing */
  char fingerprint[65];      /* SHA-256 of the canonical state, hex */
  SgplanArena *slab;         /* memory of the ENIs (model_add_eni) */
  GHashTable *commons;       /* (element-type EniCommon) a set: what ENIs share, once each */
  const EniCommon *last_common; /* the one model_add_eni stored last */
  const char *intern_cache[509]; /* recently interned strings (model_intern) */
  /* Service exports (all empty when there are none). */
  GHashTable *resources;     /* (element-type utf8 Resource) "KIND ACCOUNT REGION ID" -> resource */
  GPtrArray *resource_list;  /* (element-type Resource) by kind, account, region, ID (model_finish) */
  GHashTable *resources_by_vpc; /* (element-type utf8 GPtrArray<Resource>) in resource_list's order */
  GHashTable *lambda_versions;  /* (element-type utf8 GPtrArray<Resource>) "ACCOUNT REGION FUNCTION" -> versions */
  /* sgplan-collect's manifests among the inputs (manifest.h), in path order. */
  GPtrArray *manifests;      /* (element-type Manifest) */
} Model;

typedef struct {
  const char *path;
  char sha256[65];
} SourceFile;

/* A rule of GROUP that references another group. */
typedef struct {
  const Group *group;
  const Rule *rule;
} RuleRef;

Model *model_new (void);
void model_free (Model *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Model, model_free)

/* Store a string in the model: _intern shares equal strings (use it for values
 * that repeat), _str copies (IDs and descriptions that are mostly unique).
 * NULL stays NULL. */
const char *model_intern (Model *model, const char *s);
const char *model_str (Model *model, const char *s);

/* Total order on atomic rules; the description takes part, rule_id does not. */
int rule_compare (const Rule *a, const Rule *b);
/* Equality of everything that identifies a rule (direction to description). */
gboolean rule_equal (const Rule *a, const Rule *b);
/* AWS's identity of a rule: everything but the description and the
 * output-only VpcId and PeeringStatus (two rules that differ only in
 * description cannot coexist in a group). */
gboolean rule_same_identity (const Rule *a, const Rule *b);

/* Sort rules and tags, build the sorted views and indexes, compute the
 * fingerprint.  Called once after every file has been read. */
void model_finish (Model *model);

const Group *model_group (const Model *model, const char *id);
const Eni *model_eni (const Model *model, const char *id);
/* Stores a copy of ENI (and of its groups and tags) in the model, which
 * then owns it; there must be no ENI with its ID yet.  ENI->common may point
 * to a caller's EniCommon whose strings the model holds: the copy points to
 * the model's own record of the same values. */
const Eni *model_add_eni (Model *model, const Eni *eni);
/* The index in model->references (sorted by group) of the first entry about
 * GROUP_ID; the entries about it follow (none when the group_id there
 * differs, or at the end).  A scan of all entries per default group would
 * make check and plan quadratic in the number of default groups. */
guint model_references_start (const Model *model, const char *group_id);
/* ENIs carrying GROUP_ID (sorted by ID; never NULL). */
GPtrArray *model_enis_of_group (const Model *model, const char *group_id);
/* Rules in other groups that reference GROUP_ID, in canonical order (never NULL). */
GPtrArray *model_refs_to_group (const Model *model, const char *group_id);

gboolean group_is_default (const Group *group);

/* Stores RESOURCE in the model, which then owns it (g_free of the struct
 * and of its four arrays); account and region must be set, and there must
 * be no resource of its kind, account, region and ID yet. */
void model_add_resource (Model *model, Resource *resource);
/* The resource of KIND with ID in ACCOUNT and REGION, or NULL.  Lambda IDs
 * are "FUNCTION:VERSION" (model_lambda_versions lists a function's). */
const Resource *model_resource (const Model *model, ResourceKind kind, const char *account,
                                const char *region, const char *id);
/* Resources in VPC_ID (element-type Resource), by kind, then account,
 * region and ID; never NULL. */
GPtrArray *model_resources_of_vpc (const Model *model, const char *vpc_id);
/* The versions of the Lambda function FUNCTION_NAME in ACCOUNT and REGION
 * (element-type Resource): "$LATEST" first, then "$LATEST.PUBLISHED",
 * then published versions by number; never NULL. */
GPtrArray *model_lambda_versions (const Model *model, const char *account, const char *region,
                                  const char *function_name);
/* "lambda function", "rds db instance", "rds db cluster", "elasticache
 * cache cluster", "load balancer", "classic load balancer", "vpc
 * endpoint", "efs mount target". */
const char *resource_kind_name (ResourceKind kind);
/* The ModelDocKind bit of the document that lists resources of KIND. */
guint resource_kind_document (ResourceKind kind);

/* The ModelDocKind mask of documents that cover ACCOUNT in REGION. */
guint model_coverage (const Model *model, const char *account, const char *region);
void model_add_coverage (Model *model, const char *account, const char *region, guint kinds);

/* Canonical protocol: "6" -> "tcp", "17" -> "udp", "1" -> "icmp",
 * "58" -> "icmpv6", "all"/"-1" -> "-1"; others lowercased as given. */
char *protocol_canonical (const char *protocol);

/* "tcp 443", "tcp 8000-8999", "icmp type 8", "all traffic", "protocol 50". */
char *rule_describe_traffic (const Rule *rule);
/* "inbound tcp 443 from 10.0.0.0/8 \"description\"", for messages. */
char *rule_describe (const Rule *rule);
/* Order of tags (qsort): by key, then value. */
int tag_compare (const void *a, const void *b);

/* analysis.h - EC2.2 evaluation of default security groups and their impact. */
#pragma once

#include "model.h"

/* A rule in another group that references a default group. */
typedef struct {
  const Group *group;     /* the group holding the rule */
  const Rule *rule;
  gboolean cross_account; /* the group belongs to another account */
  gboolean peered;        /* the group is in another VPC (peering) */
} Reference;

typedef struct {
  const Group *group;
  gboolean failed;            /* EC2.2: FAILED when the group has any rule */
  GPtrArray *enis;            /* (element-type Eni) attached, sorted by ID; borrowed */
  GPtrArray *references;      /* (element-type Reference) sorted by group, then rule */
  GPtrArray *outside;         /* (element-type GroupReference) from VPCs not in the export */
  gboolean enis_known;        /* a describe-network-interfaces covers its account and region */
  gboolean references_known;  /* a describe-security-group-references covers them */
} Finding;

/* Something the export leaves out that a decision needs. */
typedef enum {
  GAP_NO_ENIS,          /* FAILED default groups in an account and region without network interfaces */
  GAP_NO_DEFAULT_GROUP, /* a VPC in the export without its default group */
} GapKind;

typedef struct {
  GapKind kind;
  const char *account;
  const char *region;
  const char *vpc_id;   /* GAP_NO_DEFAULT_GROUP */
  const char *seen_in;  /* GAP_NO_DEFAULT_GROUP: the ENI or group that shows the VPC */
  const char *example;  /* GAP_NO_ENIS: the first default group concerned */
  guint n_groups;       /* GAP_NO_ENIS: how many */
} Gap;

typedef struct {
  GPtrArray *findings;        /* (element-type Finding) sorted by group ID */
  guint failed, passed;
  guint attached, references, outside;
  GPtrArray *gaps;            /* (element-type Gap) sorted: by kind, account, region, VPC */
} Analysis;

Analysis *analysis_run (const Model *model);
void analysis_free (Analysis *analysis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Analysis, analysis_free)

/* What is missing, for a person ("no describe-network-interfaces for
 * account 111122223333 in us-east-1 (2 FAILED default groups, sg-...)"). */
char *gap_describe (const Gap *gap);
/* The AWS CLI command that exports what is missing. */
char *gap_command (const Gap *gap);

/* The answer of `check`: "not-compliant" when a default group FAILED, else
 * "incomplete" when the export has gaps, else "compliant". */
const char *analysis_result_name (const Analysis *analysis);

/* "inbound"/"outbound". */
const char *rule_direction_name (const Rule *rule);
/* "cidr4", "cidr6", "prefix-list", "group". */
const char *rule_peer_kind_name (const Rule *rule);

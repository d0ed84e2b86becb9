/* analysis.h - EC2.2 evaluation of default security groups and their impact. */
#pragma once

#include "model.h"

#include <cjson/cJSON.h>

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
  GAP_NOT_COLLECTED,    /* sgplan-collect's manifest: a region it did not finish, or a run that did not end */
} GapKind;

typedef struct {
  GapKind kind;
  const char *account;
  const char *region;
  const char *vpc_id;   /* GAP_NO_DEFAULT_GROUP */
  const char *seen_in;  /* GAP_NO_DEFAULT_GROUP: the ENI or group that shows the VPC */
  const char *example;  /* GAP_NO_ENIS: the first default group concerned */
  guint n_groups;       /* GAP_NO_ENIS: how many */
  const char *manifest; /* GAP_NOT_COLLECTED: the manifest that says so */
  const char *status;   /* GAP_NOT_COLLECTED: "failed", "pending", or NULL: the run did not end */
  const char *reason;   /* GAP_NOT_COLLECTED: the error the manifest records, or NULL */
  const char *profile;  /* GAP_NOT_COLLECTED: the profile of an account not reached, or NULL */
} Gap;

typedef struct {
  GPtrArray *findings;        /* (element-type Finding) sorted by group ID */
  guint failed, passed;
  guint attached, references, outside;
  GPtrArray *gaps;            /* (element-type Gap) sorted: by kind, account, region, VPC */
  const struct Scope *scope;  /* borrowed: the scope of analysis_run_scoped, or NULL */
  guint out_of_scope;         /* default groups left out by the scope */
} Analysis;

/* Which default groups a run is about (check and plan: --account,
 * --region, --vpc, --group, each repeatable).  A group is in scope when
 * every list that is set names its account, region, VPC or ID.  The rest of
 * the export is still read and counts (a rule in an out-of-scope group that
 * references a default group in scope is still seen); only the default
 * groups out of scope are left out of the report or plan. */
typedef struct Scope {
  char **accounts, **regions, **vpcs, **groups; /* NULL-terminated, or NULL */
} Scope;

/* The options that set a scope, for a command's GOptionEntry table. */
#define SCOPE_OPTION_ENTRIES(accounts, regions, vpcs, groups) \
  { "account", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(accounts), \
    "Only the default groups of this account (repeatable)", "ACCOUNT" }, \
  { "region", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &(regions), \
    "Only the default groups of this region (repeatable); when given once, also the region of " \
    "groups whose region the export does not tell", "REGION" }, \
  { "vpc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(vpcs), "Only the default group of this VPC (repeatable)", \
    "VPC" }, \
  { "group", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(groups), "Only this default group (repeatable)", \
    "GROUP" }

gboolean scope_is_set (const Scope *scope);
/* The region given to groups whose region the export does not tell: the
 * --region given, when exactly one was. */
const char *scope_default_region (const Scope *scope);
/* Each value must look like what it names (a usage error otherwise); the
 * lists are then sorted and without repeats, so that the order of the
 * options never changes an output. */
gboolean scope_check (Scope *scope, GError **error);
gboolean scope_contains (const Scope *scope, const char *account, const char *region,
                         const char *vpc_id, const char *group_id);
/* "account 111122223333, region us-east-1 or eu-west-1" */
char *scope_describe (const Scope *scope);
/* The scope as a JSON object of the lists that are set. */
cJSON *scope_json (const Scope *scope);

Analysis *analysis_run (const Model *model);
/* Only the default groups in SCOPE (all when NULL), and only the gaps that
 * concern them. */
Analysis *analysis_run_scoped (const Model *model, const Scope *scope);
void analysis_free (Analysis *analysis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Analysis, analysis_free)

/* What is missing, for a person ("no describe-network-interfaces for
 * account 111122223333 in us-east-1 (2 FAILED default groups, sg-...)"). */
char *gap_describe (const Gap *gap);
/* The command that exports what is missing. */
char *gap_command (const Gap *gap);

/* The answer of `check`: "not-compliant" when a default group FAILED, else
 * "incomplete" when the export has gaps, else "compliant". */
const char *analysis_result_name (const Analysis *analysis);

/* "inbound"/"outbound". */
const char *rule_direction_name (const Rule *rule);
/* "cidr4", "cidr6", "prefix-list", "group". */
const char *rule_peer_kind_name (const Rule *rule);

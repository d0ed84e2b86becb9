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
} Finding;

typedef struct {
  GPtrArray *findings;        /* (element-type Finding) sorted by group ID */
  guint failed, passed;
  guint attached, references, outside;
} Analysis;

Analysis *analysis_run (const Model *model);
void analysis_free (Analysis *analysis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Analysis, analysis_free)

/* "inbound"/"outbound". */
const char *rule_direction_name (const Rule *rule);
/* "cidr4", "cidr6", "prefix-list", "group". */
const char *rule_peer_kind_name (const Rule *rule);

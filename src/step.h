/* step.h - one change to AWS state, with its precondition and exact inverse.
 *
 * A plan is a list of steps.  Each step names one EC2 API call's worth of
 * change (the aws-cli script makes exactly that call), says what it expects
 * to find before it runs (its precondition, checked by offline apply and by
 * the script's preflight) and has an exact inverse; the rollback is the
 * inverses in reverse order. */
#pragma once

#include "model.h"

typedef enum {
  ACTION_CREATE_GROUP,      /* create-security-group (AWS adds egress -1 to 0.0.0.0/0) */
  ACTION_DELETE_GROUP,      /* delete-security-group */
  ACTION_AUTHORIZE_INGRESS, /* authorize-security-group-ingress */
  ACTION_AUTHORIZE_EGRESS,  /* authorize-security-group-egress */
  ACTION_REVOKE_INGRESS,    /* revoke-security-group-ingress */
  ACTION_REVOKE_EGRESS,     /* revoke-security-group-egress */
  ACTION_MODIFY_ENI_GROUPS, /* modify-network-interface-attribute --groups */
  ACTION_MODIFY_RESOURCE_GROUPS, /* the owning service's call (StepService) */
  ACTION_COUNT
} StepAction;

/* A resource whose network interfaces are requester-managed: only its own
 * service can change their security groups, by changing the resource's.
 * Which call a modify-resource-security-groups step makes. */
typedef enum {
  SERVICE_ELBV2,          /* elbv2 set-security-groups (application, network, gateway LB) */
  SERVICE_ELB,            /* elb apply-security-groups-to-load-balancer (classic LB) */
  SERVICE_VPC_ENDPOINT,   /* ec2 modify-vpc-endpoint --add/--remove-security-group-ids */
  SERVICE_EFS,            /* efs modify-mount-target-security-groups */
  SERVICE_LAMBDA,         /* lambda update-function-configuration --vpc-config */
  SERVICE_RDS_INSTANCE,   /* rds modify-db-instance --vpc-security-group-ids */
  SERVICE_RDS_CLUSTER,    /* rds modify-db-cluster --vpc-security-group-ids */
  SERVICE_CACHE_REPLICATION_GROUP, /* elasticache modify-replication-group */
  SERVICE_CACHE_CLUSTER,  /* elasticache modify-cache-cluster */
  SERVICE_COUNT
} StepService;

/* The ID a plan gives the group it creates to replace DEFAULT_ID, until AWS
 * assigns the real one: "new:sg-...".  Real group IDs never contain ':'. */
#define STEP_NEW_GROUP_PREFIX "new:"

typedef struct {
  StepAction action;
  const char *account;
  const char *region;
  const char *group_id;    /* create/delete/authorize/revoke: the group */
  const char *vpc_id;      /* create/delete */
  const char *group_name;  /* create/delete */
  const char *description; /* create/delete */
  Tag *tags;               /* create/delete */
  guint n_tags;
  Rule *rules;             /* authorize/revoke: sorted, one direction */
  guint n_rules;
  const char *eni_id;      /* modify */
  const char **groups_before; /* modify: the ENI's groups before and after */
  guint n_before;
  const char **groups_after;
  guint n_after;
  StepService service;     /* modify-resource: whose call */
  const char *resource_id; /* modify-resource: what the call names (ARN, name or ID) */
  const char *resource_name; /* modify-resource: for people */
  const char **resource_enis; /* modify-resource: its network interfaces, which follow its groups */
  guint n_resource_enis;
  const char **subnets;    /* modify-resource, Lambda: VpcConfig.SubnetIds, which the call keeps */
  guint n_subnets;
  gboolean ipv6_dual_stack; /* modify-resource, Lambda: Ipv6AllowedForDualStack, which the call keeps */
  const char *purpose;     /* why, for a reviewer; not part of the change */
} Step;

/* "create-security-group", ...; and back (returns ACTION_COUNT if unknown). */
const char *step_action_name (StepAction action);
StepAction step_action_from_name (const char *name);
gboolean step_action_is_rules (StepAction action);
gboolean step_action_is_authorize (StepAction action);
RuleDirection step_action_direction (StepAction action);
/* "elbv2-load-balancer", ...; and back (SERVICE_COUNT if unknown). */
const char *step_service_name (StepService service);
StepService step_service_from_name (const char *name);
/* The service's limit of security groups on one resource. */
guint step_service_max_groups (StepService service);
/* What is wrong with a modify-resource step's identifiers (static text), or
 * NULL: the resource ID must be what its service's call takes, subnets,
 * groups and interfaces IDs of their kinds, so that the script's shorthand
 * arguments (SubnetIds=a,b,...) mean what the change set says. */
const char *step_resource_problem (const Step *step);
/* Whether the step changes the groups of network interfaces (an ENI, or the
 * ENIs of a resource), and which: ENIS is filled with N IDs. */
gboolean step_moves_enis (const Step *step, const char *const **enis, guint *n);
/* '+' create or authorize, '~' modify, '-' revoke or delete. */
char step_action_sign (StepAction action);

/* The exact inverse of STEP (strings shared with STEP; free with step_free). */
Step *step_inverse (const Step *step);
/* Equality of the change two steps make (purpose aside). */
gboolean step_equal (const Step *a, const Step *b);
void step_free (Step *step);
/* "[sg-a, sg-b]": a list of group IDs for messages and summaries (g_free). */
char *step_groups_text (const char *const *groups, guint n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

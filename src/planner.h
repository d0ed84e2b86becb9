/* planner.h - a decision for every default group, and the ordered steps. */
#pragma once

#include "analysis.h"
#include "state.h"
#include "step.h"

typedef enum {
  DECISION_COMPLIANT,
  DECISION_REVOKE,
  DECISION_MIGRATE,
  DECISION_BLOCKED,
  DECISION_EXCEPTED,
  DECISION_COUNT
} Decision;

typedef struct {
  const char *id;      /* a group, VPC or account ID */
  const char *reason;
  const char *expires; /* YYYY-MM-DD or NULL */
  const char *source;  /* "command line" or the exceptions file */
} Exception;

typedef struct {
  const char *replacement_name; /* template: {vpc_id} {group_id} {account} {region} */
  guint max_groups_per_eni;
  guint max_rules_per_group;
  GPtrArray *exceptions;        /* (element-type Exception) */
  const char *date;             /* YYYY-MM-DD: exceptions that expire before it are ignored */
  const Scope *scope;           /* the default groups planned (all when NULL) */
} PlanOptions;

#define PLAN_DEFAULT_REPLACEMENT_NAME "{vpc_id}-default-replacement"
#define PLAN_DEFAULT_MAX_GROUPS_PER_ENI 5
#define PLAN_DEFAULT_MAX_RULES_PER_GROUP 60

/* Why a default group cannot be migrated: one entry per thing that holds
 * it back (a resource only its service can move, a VPC outside the export). */
typedef struct {
  const char *subject;  /* what it is: "lambda function orders-api (eni-0f47...)" */
  const char *reason;   /* why the plan cannot move it */
  const char *unblock;  /* the export that would let it, or the command a person would run */
} Blocker;

typedef struct {
  const Finding *finding;     /* the group and its impact, from the export */
  Decision decision;
  const char *reason;         /* blocked and excepted: why */
  const char *unblock;        /* blocked: what would unblock it */
  GPtrArray *blockers;        /* (element-type Blocker) blocked: one per thing that holds it back */
  const Exception *exception; /* excepted: the exception applied */
  const char *replacement_id; /* migrate: "new:<group ID>" */
  const char *replacement_name;
  const char *replacement_description;
  guint first_step;           /* index into Plan.steps */
  guint n_steps;
  GPtrArray *warnings;        /* (element-type utf8) */
} GroupPlan;

typedef struct {
  GStringChunk *strings;
  GPtrArray *groups;   /* (element-type GroupPlan) sorted by group ID */
  GPtrArray *steps;    /* (element-type Step) in order */
  GPtrArray *warnings; /* (element-type utf8) not about one group */
  guint counts[DECISION_COUNT];
} Plan;

/* What a plan amounts to, for CI (plan --detailed-exitcode, and the change
 * set's summary.outcome). */
typedef enum {
  PLAN_NOTHING_TO_DO, /* every default group compliant or excepted */
  PLAN_CHANGES,       /* steps to run, nothing blocked */
  PLAN_BLOCKED,       /* some default group cannot be remediated safely */
} PlanOutcome;

PlanOutcome plan_outcome (const guint counts[DECISION_COUNT]);
/* "nothing-to-do", "changes", "blocked". */
const char *plan_outcome_name (PlanOutcome outcome);

const char *decision_name (Decision decision);
Decision decision_from_name (const char *name);

Plan *plan_new (void);
void plan_free (Plan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)
const char *plan_str (Plan *plan, const char *s);

/* Decide and order the steps for every default group in ANALYSIS.  Fails only
 * on a bad option (SGPLAN_ERROR_USAGE), such as an invalid name template. */
Plan *plan_compute (const Model *model, const Analysis *analysis, const PlanOptions *options,
                    GError **error);

/* Check a security group name against AWS's rules for VPC groups; NULL when
 * valid, else what is wrong (static text). */
const char *plan_group_name_problem (const char *name);
/* A --replacement-name template: known placeholders only, and a valid group
 * name once they are replaced (a usage error otherwise). */
gboolean plan_check_replacement_name (const char *template, GError **error);

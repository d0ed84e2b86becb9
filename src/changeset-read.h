/* changeset-read.h - reading a change set (YAML or JSON) back, checked. */
#pragma once

#include "eni-kind.h"
#include "planner.h"
#include "util.h"

/* A network interface that uses a default group, as the change set's
 * findings list it: enough evidence to tell what is behind it. */
typedef struct {
  const char *id;
  EniEvidence evidence;
} ChangeSetInterface;

/* A rule of another group that references a default group, as the change
 * set's findings list it (findings.references). */
typedef struct {
  const char *group_id;
  const char *group_name; /* or NULL */
  const char *owner_id;   /* or NULL */
  const char *vpc_id;     /* or NULL */
  Rule rule;
} ChangeSetReference;

/* One default group as the change set describes it. */
typedef struct {
  const char *group_id;
  const char *vpc_id;
  const char *owner_id;
  const char *region;
  const char *status;
  Decision decision;
  const char *reason;
  const char *unblock;
  GPtrArray *blockers;       /* (element-type Blocker) blocked_by, in order */
  const char *replacement_id;
  const char *replacement_name;
  const char *exception_expires; /* excepted: the exception's expiry (YYYY-MM-DD), or NULL */
  guint n_rules, n_attached, n_references, n_outside;
  ChangeSetInterface *interfaces; /* findings.attached_interfaces, n_attached of them */
  ChangeSetReference *references; /* findings.references, n_references of them */
  GroupReference *outside;         /* the well-formed findings.outside_references (referencing
                                      VPCs not in the export), n_outside_entries */
  guint n_outside_entries;
  guint first_step;  /* index into steps */
  guint n_steps;
  GPtrArray *warnings; /* (element-type utf8) */
} ChangeSetGroup;

/* An exported group or ENI as the plan expects to find it (preflight). */
typedef struct {
  const char *id;
  const char *account;
  const char *region;
  Rule *rules;          /* groups */
  guint n_rules;
  const char **groups;  /* network interfaces and resources */
  guint n_groups;
  StepService service;  /* resources */
} ChangeSetExpected;

/* A rule of another group that references a default group. */
typedef struct {
  const char *group_id;   /* the group that has the rule */
  Rule rule;
} ChangeSetRuleRef;

/* Every user of a revoked or migrated default group, as exported
 * (preflight.default_groups). */
typedef struct {
  const char *group_id;
  const char *account;
  const char *region;
  const char *vpc_id;
  const char **enis;                   /* attached_interfaces, sorted */
  guint n_enis;
  ChangeSetRuleRef *referencing_rules; /* canonical order */
  guint n_referencing_rules;
  gboolean has_references;             /* the export had describe-security-group-references data */
  GroupReference *references;          /* group_id = this default group */
  guint n_references;
} ChangeSetDefaultUsers;

typedef struct {
  char *path;
  Plan *store;           /* owns the strings and the steps */
  const char *fingerprint;
  const char *date;      /* options.date: the day exceptions were judged on, or NULL */
  const char *scope;     /* options.scope in words ("account 111122223333"), or NULL */
  Scope scope_lists;     /* options.scope's lists, each NULL when not given */
  GPtrArray *inputs;     /* (element-type SourceFile) */
  GPtrArray *warnings;   /* (element-type utf8) every warning, as listed */
  GPtrArray *groups;     /* (element-type ChangeSetGroup) */
  GPtrArray *steps;      /* (element-type Step) = store->steps, id i+1 at index i */
  GPtrArray *inverses;   /* (element-type Step) each step's stated inverse */
  GPtrArray *rollback;   /* (element-type Step) in rollback order */
  GArray *rollback_undoes; /* (element-type guint) the step each rollback entry undoes */
  GPtrArray *expected_groups; /* (element-type ChangeSetExpected) preflight */
  GPtrArray *expected_enis;   /* (element-type ChangeSetExpected) preflight */
  GPtrArray *expected_resources; /* (element-type ChangeSetExpected) preflight.resources */
  GPtrArray *expected_defaults; /* (element-type ChangeSetDefaultUsers) preflight.default_groups */
  guint counts[DECISION_COUNT];
} ChangeSet;

/* Check the structure of a change set tree (ROOT, from PATH: TEXT and
 * MARKS locate errors; both may be NULL for a tree sgplan just built). */
ChangeSet *changeset_from_tree (const cJSON *root, const char *path, const char *text, gsize len,
                                GHashTable *marks, GError **error);

/* Read and check the structure of a change set.  Errors are SGPLAN_ERROR_IO
 * or SGPLAN_ERROR_INPUT with 'FILE':LINE:COL:. */
ChangeSet *changeset_read (const char *path, GError **error);
void changeset_free (ChangeSet *cs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChangeSet, changeset_free)

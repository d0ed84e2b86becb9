/* state.h - a mutable copy of an export's state that steps can be applied to.
 *
 * The planner applies each step as it plans it, so later decisions see the
 * state earlier steps leave (a default group referencing another default
 * group is planned correctly in either order); offline apply and validate
 * replay change sets on it.  Groups are copied; ENIs are copied only when a
 * step changes their groups, so a million untouched ENIs cost nothing. */
#pragma once

#include "model.h"
#include "step.h"

typedef struct {
  const char *id;
  const char *name;
  const char *description;
  const char *owner_id;
  const char *vpc_id;
  const char *region;
  GArray *rules;     /* (element-type Rule) sorted */
  GArray *tags;      /* (element-type Tag) sorted */
  gboolean created;  /* made by a step */
} StateGroup;

/* A rule of GROUP (in the state) that references another group. */
typedef struct {
  const StateGroup *group;
  const Rule *rule;
} StateRef;

typedef struct {
  const Model *model;
  GStringChunk *strings;
  GHashTable *groups;      /* (element-type utf8 StateGroup) */
  GHashTable *eni_groups;  /* (element-type utf8 GPtrArray<utf8>) current groups of ENIs looked at */
  GHashTable *carriers;    /* (element-type utf8 GHashTable<utf8>) group -> ENIs changed to carry it */
  GHashTable *referenced;  /* (element-type utf8 guint) group -> rules of other groups that reference it */
  GHashTable *referrers;   /* (element-type utf8 GHashTable<utf8 guint>) group -> the other groups with
                            * rules that reference it, and how many: state_references reads these
                            * groups only, not every group of the export */
  GHashTable *names;       /* (element-type StateName guint) (VPC, name) -> groups with that name */
  GHashTable *resources;   /* (element-type utf8 GPtrArray<utf8>) "TYPE ID" -> current groups of a
                            * service resource a step changed */
} State;

State *state_new (const Model *model);
void state_free (State *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (State, state_free)

const char *state_str (State *state, const char *s);
StateGroup *state_group (const State *state, const char *id);
/* The ENI's current groups (NULL if the ENI is unknown); N receives the count. */
const char *const *state_eni_groups (const State *state, const char *eni_id, guint *n);
/* Is a group with NAME (compared case-insensitively, as AWS does) in VPC? */
gboolean state_name_taken (const State *state, const char *vpc_id, const char *name);
/* The current groups of a service resource a step changed (NULL when no
 * step has: its network interfaces tell); N receives the count. */
const char *const *state_resource_groups (const State *state, StepService service, const char *account,
                                         const char *region, const char *id, guint *n);
/* Number of ENIs that carry GROUP_ID now. */
guint state_group_attachments (const State *state, const char *group_id);
/* Rules of groups other than GROUP_ID that reference it, sorted by group
 * and rule: (element-type StateRef), pointing into the state (valid until
 * the next state_apply). */
GPtrArray *state_references (const State *state, const char *group_id);
/* How many rules of groups other than GROUP_ID reference it (kept up to date
 * by every step, so a delete is checked without scanning every group). */
guint state_reference_count (const State *state, const char *group_id);

/* Check STEP's precondition against the state and apply it.  On a mismatch
 * returns FALSE with an error saying what was expected and what was found;
 * the state is unchanged. */
gboolean state_apply (State *state, const Step *step, GError **error);

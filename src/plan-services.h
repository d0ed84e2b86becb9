/* plan-services.h - the service resources behind a default group's
 * requester-managed network interfaces, and how each one leaves the group.
 *
 * Only its own service may change the groups of a requester-managed ENI,
 * by changing the groups of the resource it belongs to: a load balancer,
 * an endpoint, a mount target, a function, a database, a cache.  For each
 * default group this module finds those resources (from the ENIs'
 * descriptions, and from the optional service exports where an ENI cannot
 * tell), and says for each one either how it moves (a ServiceMove, which the
 * planner turns into steps) or why it cannot (a Blocker, one per resource). */
#pragma once

#include "analysis.h"
#include "planner.h"
#include "step.h"

typedef struct {
  StepService service;
  const char *id;       /* what the service's call names */
  const char *name;     /* for people */
  const char *label;    /* "application load balancer web-alb" */
  const char *account;
  const char *region;
  GPtrArray *enis;      /* (element-type utf8) its ENIs that carry the group, sorted */
  GPtrArray *groups;    /* (element-type utf8) its groups as exported, in order */
  GPtrArray *subnets;   /* (element-type utf8) Lambda: its subnets, kept */
  gboolean ipv6_dual_stack; /* Lambda: its Ipv6AllowedForDualStack, kept */
  gboolean blocked;     /* (private) one of its interfaces is blocked */
} ServiceMove;

/* The moves (element-type ServiceMove) and blockers (element-type Blocker)
 * for default group F; COVERED receives the IDs of the ENIs the moves
 * account for.  Strings live in PLAN. */
void plan_services (Plan *plan, const Model *model, const Finding *f, GPtrArray *moves, GPtrArray *blockers,
                    GHashTable *covered);
void service_move_free (gpointer move);

/* Distance, compatibility rules and arc costs (spec/MODEL.md).  The rule
 * checks return which rule fails so that the same code explains an
 * unmatched child, a panel exclusion and an --explain listing. */
#ifndef PM_COMPAT_H
#define PM_COMPAT_H

#include <stdbool.h>

#include "scenario.h"

/* In the order MODEL.md lists them; the first failing rule is reported. */
typedef enum pm_rule {
    PM_RULE_OK = 0,
    PM_RULE_AGE,      /* 1. age range           */
    PM_RULE_SEX,      /* 2. sexes               */
    PM_RULE_NEED,     /* 3. a need level        */
    PM_RULE_TYPE,     /* 4. care-plan types     */
    PM_RULE_MILES,    /* 5. max_miles           */
    PM_RULE_RESERVED, /* 6. reserved_for        */
    PM_RULE_CAPACITY, /* 7. capacity >= 1       */
    PM_RULE_COUNT
} pm_rule;

/* Details of one failed rule, for messages. */
typedef struct pm_rule_fail {
    pm_rule rule;
    int need;      /* PM_RULE_NEED: interned need */
    int required;  /* its level in the child's needs */
    int supported; /* the placement's level */
} pm_rule_fail;

/* The level a placement supports for a need (missing = 0). */
int pm_support_level(const pm_placement_rec *p, int need);

double pm_haversine_miles(double lat1, double lon1, double lat2, double lon2);
/* miles(c, p) with the policy's road factor. */
double pm_miles(const pm_scenario *sc, int c, int p);

/* All failing rules (at most PM_RULE_COUNT + needs), first in MODEL.md
 * order; returns how many were written to fails (size max). */
int pm_rule_failures(const pm_scenario *sc, int c, int p, double miles,
                     pm_rule_fail *fails, int max);
/* The first failing rule, or PM_RULE_OK when c may be placed at p. */
pm_rule pm_first_failure(const pm_scenario *sc, int c, int p, double miles,
                         pm_rule_fail *fail);

/* a(c, p): weekly cost + distance + far penalty + move penalty. */
double pm_arc_cost(const pm_scenario *sc, int c, int p, double miles);

/* One line describing a failed rule, e.g. "needs 'trauma' at level 3;
 * the placement supports level 1". */
void pm_describe_failure(const pm_scenario *sc, int c, int p,
                         const pm_rule_fail *f, double miles, char *out,
                         int size);
/* Short rule name for JSON: "age", "sex", "need", "type", "miles",
 * "reserved", "capacity". */
const char *pm_rule_name(pm_rule r);

/* Compatible arcs of every child, as compressed rows.  A pinned child has
 * exactly one arc, to its current placement, whatever the rules say. */
#define PM_MAX_ARCS 100000000
#define PM_MAX_PAIRS 1e9

typedef struct pm_arcs {
    int nchildren, count;
    int *start;    /* nchildren + 1 */
    int *place;    /* count, ascending within a child */
    double *miles; /* count */
    double *cost;  /* count: a(c, p) */
} pm_arcs;

/* The index of child c's arc to placement p, or -1 when it has none
 * (binary search: places ascend within a child). */
int pm_arc_find(const pm_arcs *arcs, int c, int p);

/* PM_ERR_NOMEM, or PM_ERR_LIMIT beyond PM_MAX_PAIRS / PM_MAX_ARCS. */
pm_status pm_arcs_build(const pm_scenario *sc, pm_arcs *arcs);
void pm_arcs_free(pm_arcs *arcs);

#endif

/* The validated scenario, as the other modules see it.  Names (types,
 * needs, sexes, sibling groups) are interned into small integers; ids are
 * kept for output and lookups.  Everything lives in one arena. */
#ifndef PM_SCENARIO_H
#define PM_SCENARIO_H

#include <stdatomic.h>
#include <stdbool.h>

#include "arena.h"
#include "placematch/placematch.h"
#include "strmap.h"

#define PM_ID_MAX 64
#define PM_MAX_CHILDREN 200000
#define PM_MAX_PLACEMENTS 200000
#define PM_MAX_LIST 1000 /* avoid, reserved_for, types, sexes */
#define PM_MAX_NEEDS 64  /* needs or supports entries per record */
#define PM_MAX_CAPACITY 100000
#define PM_MAX_MONEY 1e9 /* pounds per week, any single figure */

typedef struct pm_need_level {
    int need;  /* interned need name */
    int level;
} pm_need_level;

typedef struct pm_placement_rec {
    const char *id;
    int type; /* interned type */
    double lat, lon;
    int capacity, sibling_only, age_min, age_max;
    int nsexes; /* -1: accepts every sex */
    int *sexes;
    int nsupports; /* sorted by need */
    pm_need_level *supports;
    double weekly_cost;
    int nreserved; /* -1: open to every child */
    int *reserved; /* sorted child indices */
} pm_placement_rec;

typedef struct pm_child_rec {
    const char *id;
    int age, sex;
    double lat, lon;
    int nneeds;
    pm_need_level *needs;
    int group;  /* sibling group index, or -1 */
    int ntypes; /* -1: any type */
    int *types;
    double max_miles; /* 0: no limit */
    int current;      /* placement index, or -1 */
    bool stay;
    int navoid; /* both directions merged, sorted, no repeats */
    int *avoid;
} pm_child_rec;

typedef struct pm_policy {
    double far_miles, cost_per_mile_week, far_penalty_week;
    double sibling_split_week, move_week, unmatched_week, road_factor;
} pm_policy;

typedef struct pm_names {
    int count;
    const char **name;
    pm_strmap map;
} pm_names;

struct pm_scenario {
    atomic_int refs; /* results keep their scenario alive */
    pm_arena arena;
    const char *name;
    pm_policy policy;
    int nchildren, nplacements, ngroups;
    pm_child_rec *children;
    pm_placement_rec *placements;
    int *group_start;   /* ngroups + 1 offsets into group_member */
    int *group_member;  /* child indices, ascending */
    pm_names types, needs, sexes, groups;
    pm_strmap child_ids, placement_ids;
};

void pm_policy_defaults(pm_policy *p);
/* Validates a parsed placematch-scenario/1 tree (name is used in
 * messages).  For formats that embed or derive scenarios. */
struct cJSON;
pm_status pm_scenario_from_json(const struct cJSON *root, const char *name,
                                pm_scenario **out, pm_error *err);
int pm_names_intern(pm_names *n, pm_arena *a, const char *name);
void pm_scenario_retain(const pm_scenario *sc);

static inline int pm_group_size(const pm_scenario *sc, int g)
{
    return sc->group_start[g + 1] - sc->group_start[g];
}

#endif

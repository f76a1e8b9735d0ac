/*
 * oracle: an independent reference for the placematch model (spec/MODEL.md).
 *
 * Small random scenarios on the test's own structs (nothing from the
 * library), their placematch-scenario/1 JSON text (spec/FORMAT.md), and an
 * exhaustive search (branch and bound over every assignment of each child to
 * a placement or "unmatched") giving the exact optimum, or proving that no
 * feasible assignment exists.
 *
 * Written from the spec alone so that it can check the solver.  Reusable by
 * other tests (e.g. panel suggestions): generate, write JSON, brute force,
 * evaluate any assignment.
 */
#ifndef PM_TEST_ORACLE_H
#define PM_TEST_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#define ORACLE_MAX_CHILDREN 16    /* struct limit; the generator uses <= 8 */
#define ORACLE_MAX_PLACEMENTS 8   /* struct limit; the generator uses <= 5 */
#define ORACLE_NUM_NEEDS 3
#define ORACLE_NUM_TYPES 10       /* 9 known types + one custom type        */
#define ORACLE_NUM_SEXES 3        /* "F", "M", "X"                          */
#define ORACLE_MAX_GROUPS ORACLE_MAX_CHILDREN

#define ORACLE_UNMATCHED (-1)
#define ORACLE_FREE (-2)          /* in a `fixed` array: no restriction      */

extern const char *const oracle_need_names[ORACLE_NUM_NEEDS];
extern const char *const oracle_type_names[ORACLE_NUM_TYPES];
extern const char *const oracle_sex_names[ORACLE_NUM_SEXES];

/* A policy field is written to JSON only when has_* is set; the value is
   always the effective one (the MODEL.md default when absent). */
typedef struct oracle_policy {
    int has_far_miles, has_cost_per_mile_week, has_far_penalty_week,
        has_sibling_split_week, has_move_week, has_unmatched_week,
        has_road_factor;
    double far_miles, cost_per_mile_week, far_penalty_week,
        sibling_split_week, move_week, unmatched_week, road_factor;
} oracle_policy;

typedef struct oracle_placement {
    char id[16];
    int type;                       /* index into oracle_type_names        */
    double lat, lon;
    int capacity;
    int has_sibling_only, sibling_only; /* effective 0 when absent         */
    int has_age_min, age_min;       /* effective 0 when absent             */
    int has_age_max, age_max;       /* effective 25 when absent            */
    int has_sexes;
    unsigned sexes;                 /* bit per oracle_sex_names            */
    unsigned supports_present;      /* bit per need: written to JSON       */
    int supports[ORACLE_NUM_NEEDS]; /* 0 when absent                       */
    double weekly_cost;
    int has_reserved;
    uint32_t reserved;              /* bit per child index                 */
} oracle_placement;

typedef struct oracle_child {
    char id[16];
    int age;
    int sex;                        /* index into oracle_sex_names         */
    double lat, lon;
    int needs[ORACLE_NUM_NEEDS];    /* 0 = no such need, else 1..3         */
    int group;                      /* sibling group index, -1 = none      */
    int has_types;
    unsigned types;                 /* bit per oracle_type_names           */
    int has_max_miles;
    double max_miles;
    int current;                    /* placement index, -1 = none          */
    int stay;                       /* pinned to current                   */
    int write_stay_false;           /* JSON: write "stay": false explicitly */
    uint32_t avoid;                 /* bit per child index (as listed)     */
} oracle_child;

typedef struct oracle_instance {
    int has_policy;
    oracle_policy policy;
    int nc, np, ngroups;
    oracle_placement p[ORACLE_MAX_PLACEMENTS];
    oracle_child c[ORACLE_MAX_CHILDREN];
    char group_id[ORACLE_MAX_GROUPS][16];
    /* what the generator did (for messages and statistics) */
    int injected;                   /* 0 none, else one of ORACLE_INJECT_* */
} oracle_instance;

enum {
    ORACLE_INJECT_NONE = 0,
    ORACLE_INJECT_OVERFILL,         /* pinned children > capacity          */
    ORACLE_INJECT_AVOID,            /* two pinned avoiders together        */
    ORACLE_INJECT_SIBLING_ONLY      /* pinned fill a sibling_only home     */
};

/* splitmix64 */
typedef struct oracle_rng { uint64_t s; } oracle_rng;
void oracle_rng_seed(oracle_rng *r, uint64_t seed);
uint64_t oracle_rng_next(oracle_rng *r);
int oracle_rng_int(oracle_rng *r, int lo, int hi);   /* inclusive           */
int oracle_rng_chance(oracle_rng *r, double prob);

typedef struct oracle_gen_options {
    int max_children;               /* default 8 (1..max)                 */
    int max_placements;             /* default 5 (1..max)                 */
    double infeasible_share;        /* default 0.12: deliberately broken  */
    long max_leaves;                /* default 2,000,000: cap on the product
                                       of per-child option counts         */
} oracle_gen_options;

void oracle_gen_options_init(oracle_gen_options *o);

/* Builds a random instance from seed (deterministic).  When the options ask
   for an infeasible share, some instances get one pinned-children violation
   injected (inst->injected says which).  Distances are kept away from the
   far_miles / max_miles thresholds (>= 1e-6 miles) so that rounding in a
   different haversine formula cannot flip a comparison. */
void oracle_generate(oracle_instance *inst, uint64_t seed,
                     const oracle_gen_options *opts);

/* placematch-scenario/1 JSON text; malloc'd, NUL-terminated (free()). */
char *oracle_to_json(const oracle_instance *inst, size_t *len_out);

/* Model pieces. */
double oracle_haversine(double lat1, double lon1, double lat2, double lon2);
double oracle_miles(const oracle_instance *inst, int c, int p);
int oracle_arc_ok(const oracle_instance *inst, int c, int p);   /* rules 1-7 */
double oracle_arc_cost(const oracle_instance *inst, int c, int p);
/* conflict(c,d): either lists the other in avoid */
int oracle_conflict(const oracle_instance *inst, int c, int d);

/* Is the assignment (assign[c] = placement index or ORACLE_UNMATCHED)
   feasible?  Returns 1 if so; else 0 and, when why != NULL, a reason. */
int oracle_feasible(const oracle_instance *inst, const int *assign,
                    char *why, size_t why_len);

/* Everything MODEL.md "Reported figures" derives from an assignment. */
typedef struct oracle_figures {
    double objective;
    double weekly_cost;            /* cash: weekly_cost + unmatched_week*u */
    double annual_cost;            /* weekly_cost * 365/7                 */
    double placement_cost;         /* sum of weekly_cost of placements    */
    double distance_penalty, far_penalty, move_penalty, split_penalty,
        unmatched_penalty;
    int children, placed, unmatched;
    int beyond_far_miles;
    double pct_beyond_far_miles;   /* of placed; 0 when none placed       */
    int sibling_groups;            /* groups with >= 1 member             */
    int sibling_groups_together;   /* D(g) == 1                           */
    int sibling_groups_none_placed;/* D(g) == 0                           */
    int sibling_groups_split;      /* D(g) >= 2                           */
    int splits;                    /* sum max(0, D(g) - 1)                */
    int moves;                     /* placed, current set and != p        */
    int unmatched_with_current;    /* unmatched children that had current */
    double total_miles, mean_miles;/* over placed; mean 0 when none       */
    int by_type[ORACLE_NUM_TYPES];
} oracle_figures;

void oracle_evaluate(const oracle_instance *inst, const int *assign,
                     oracle_figures *out);
double oracle_objective(const oracle_instance *inst, const int *assign);

/* Exhaustive search.  fixed may be NULL; else fixed[c] is ORACLE_FREE, or
   ORACLE_UNMATCHED / a placement index that child c must take (still subject
   to the model: a non-pinned child needs an arc, a pinned child must be at
   current).  Returns 1 and fills best_assign / *best_obj with an optimum
   when a feasible assignment exists, else 0.  *leaves (may be NULL) gets the
   number of complete assignments examined. */
int oracle_brute_force(const oracle_instance *inst, const int *fixed,
                       int *best_assign, double *best_obj, long *leaves);

/* Product of per-child option counts (the size of the search space). */
double oracle_search_space(const oracle_instance *inst);

#endif

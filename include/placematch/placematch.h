/*
 * placematch: exact matching of children in care to placements.
 *
 * Public C API.  Conventions (modelled on GLPK's and HiGHS's C APIs):
 *
 *  - Every symbol starts with pm_ / PM_.
 *  - Handles (pm_scenario, pm_result) are opaque; each has a create/load
 *    function and a matching free function.  free(NULL) is a no-op.
 *  - Calls return a pm_status: PM_OK when the call ran.  Whether a *solution*
 *    is optimal, feasible or infeasible is a separate thing, reported by
 *    pm_result_status().
 *  - Problems are described in a caller-owned pm_error (never a global): one
 *    line per problem, each naming the file and the JSON path.  Passing NULL
 *    for the pm_error is allowed; the status code is still returned.
 *  - Options structs are initialised with their _init function; passing NULL
 *    options means defaults.
 *  - Strings returned by accessors are owned by the handle they came from and
 *    stay valid until it is freed.  Buffers returned through char ** out
 *    parameters are owned by the caller and released with pm_free().
 *  - Thread safety: the library has no global state.  Distinct handles may be
 *    used from distinct threads at once; a const handle (a loaded scenario)
 *    may be shared read-only by several threads solving at the same time.
 *    GLPK keeps its environment per thread (when built with thread-local
 *    storage, as Debian's is); the library frees it at the end of each solve.
 *
 * Children's records are sensitive: nothing in this library prints or logs
 * anything but ids.
 */
#ifndef PLACEMATCH_H
#define PLACEMATCH_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PM_STATIC_DEFINE)
#define PM_API
#elif defined(PM_BUILDING_LIBRARY)
#define PM_API __attribute__((visibility("default")))
#else
#define PM_API
#endif

#define PM_VERSION_MAJOR 0
#define PM_VERSION_MINOR 1
#define PM_VERSION_PATCH 0
#define PM_VERSION_STRING "0.1.0"

/** The library's version at run time, e.g. "0.1.0". */
PM_API const char *pm_version(void);

/* ------------------------------------------------------------------ */
/* Status codes and errors                                            */
/* ------------------------------------------------------------------ */

/** Did the call run?  (Not: is the solution optimal; see pm_solution.) */
typedef enum pm_status {
    PM_OK = 0,
    PM_ERR_ARG,         /* a bad argument from the calling program        */
    PM_ERR_IO,          /* a file could not be read or written            */
    PM_ERR_PARSE,       /* the input is not well-formed JSON              */
    PM_ERR_INVALID,     /* well-formed, but breaks the format's rules     */
    PM_ERR_LIMIT,       /* a size, count or nesting limit was exceeded    */
    PM_ERR_NOMEM,       /* memory could not be allocated                  */
    PM_ERR_NOT_FOUND,   /* a named child, placement or group is unknown   */
    PM_ERR_SOLVER,      /* the LP/MIP engine failed                       */
    PM_ERR_INTERRUPTED, /* stopped by the caller (signal or callback)     */
    PM_ERR_UNSUPPORTED, /* not possible in this build or environment      */
    PM_STATUS_COUNT
} pm_status;

/** A static, human-readable description of a status code. */
PM_API const char *pm_strerror(pm_status status);

#define PM_ERROR_TEXT_MAX 8192

/**
 * Caller-owned description of what went wrong.  text holds one line per
 * problem ("file: json.path: message\n"); when there are more problems than
 * fit, the last line says how many were left out.  count is the number of
 * problems found (including those left out).
 */
typedef struct pm_error {
    pm_status status;
    int count;
    char text[PM_ERROR_TEXT_MAX];
} pm_error;

/** Empties an error struct (status PM_OK, no lines). */
PM_API void pm_error_clear(pm_error *err);

/** Releases a buffer the library allocated for the caller. */
PM_API void pm_free(void *ptr);

/**
 * Writes len bytes of text to path atomically: a temporary file beside it,
 * flushed, then renamed over path.  Readers see the old file or the whole
 * new one, never a part.  PM_ERR_IO (with the reason in err) on failure,
 * in which case path is untouched and no temporary file is left.
 */
PM_API pm_status pm_write_file(const char *path, const char *text, size_t len,
                               pm_error *err);

/* ------------------------------------------------------------------ */
/* Scenarios                                                          */
/* ------------------------------------------------------------------ */

/** A validated scenario (placematch-scenario/1). Immutable once loaded. */
typedef struct pm_scenario pm_scenario;

/**
 * Reads and validates a scenario file.  On success *out is a new scenario
 * owned by the caller (free with pm_scenario_free).  On failure *out is NULL
 * and err lists every problem found, each naming the file and JSON path.
 */
PM_API pm_status pm_scenario_load_file(const char *path, pm_scenario **out,
                                       pm_error *err);

/**
 * Same as pm_scenario_load_file, from a buffer of len bytes (need not be
 * NUL-terminated).  name is used in messages in place of a file name.
 */
PM_API pm_status pm_scenario_load_buffer(const char *data, size_t len,
                                         const char *name, pm_scenario **out,
                                         pm_error *err);

PM_API void pm_scenario_free(pm_scenario *sc);

PM_API const char *pm_scenario_name(const pm_scenario *sc);
PM_API int pm_scenario_num_children(const pm_scenario *sc);
PM_API int pm_scenario_num_placements(const pm_scenario *sc);
/** Id of child i (0 <= i < num_children), or NULL when out of range. */
PM_API const char *pm_scenario_child_id(const pm_scenario *sc, int i);
PM_API const char *pm_scenario_placement_id(const pm_scenario *sc, int i);
/** Index of the child / placement with this id, or -1. */
PM_API int pm_scenario_find_child(const pm_scenario *sc, const char *id);
PM_API int pm_scenario_find_placement(const pm_scenario *sc, const char *id);

/* ------------------------------------------------------------------ */
/* Solving                                                            */
/* ------------------------------------------------------------------ */

typedef struct pm_solve_options {
    double time_limit;   /* seconds of search; 0 = no limit (default 0)     */
    double mip_gap;      /* stop when relative gap <= this (default 0)      */
    long node_limit;     /* branch-and-bound nodes; 0 = no limit            */
    int verbose;         /* 1 = let GLPK print progress to stderr           */
    /* Optional: polled during the search; return non-zero to stop it.  The
       best solution found so far is kept and reported as feasible. */
    int (*interrupt)(void *info);
    void *interrupt_info;
    /* Optional warm start: a placement index (or -1, unmatched) for each of
       the scenario's pm_scenario_num_children() children, for instance last
       week's answer or a similar scenario's.  Read during pm_solve only
       (the caller keeps ownership).  Used as a first incumbent when it
       breaks no constraint and beats the built-in start, else ignored: it
       can speed the search up, never change what is optimal. */
    const int *start;
} pm_solve_options;

/** Fills opts with the defaults. */
PM_API void pm_solve_options_init(pm_solve_options *opts);

/** What is known about the solution (separate from the call's status). */
typedef enum pm_solution {
    PM_SOL_OPTIMAL = 0, /* proven optimal                                  */
    PM_SOL_FEASIBLE,    /* a limit stopped the search: see the gap         */
    PM_SOL_INFEASIBLE,  /* pinned children alone break a constraint        */
    PM_SOL_NONE         /* stopped before any solution was found           */
} pm_solution;

/** "optimal", "feasible", "infeasible" or "none". */
PM_API const char *pm_solution_name(pm_solution s);

typedef struct pm_result pm_result;

/**
 * Solves the scenario's matching model (spec/MODEL.md) exactly.  On PM_OK
 * *out is a new result owned by the caller (pm_result_free).  The scenario
 * is only read and may be shared between threads.
 */
PM_API pm_status pm_solve(const pm_scenario *sc, const pm_solve_options *opts,
                          pm_result **out, pm_error *err);

PM_API void pm_result_free(pm_result *res);

PM_API pm_solution pm_result_status(const pm_result *res);
/** Objective (pounds per week); NaN when there is no solution. */
PM_API double pm_result_objective(const pm_result *res);
/** Best proven lower bound on the objective; NaN when unknown. */
PM_API double pm_result_bound(const pm_result *res);
/** Relative gap (objective - bound) / objective; 0 when optimal. */
PM_API double pm_result_gap(const pm_result *res);
/** For infeasible results: why (a static-lifetime string owned by res). */
PM_API const char *pm_result_message(const pm_result *res);
/** Placement index of child i, or -1 when unmatched or no solution. */
PM_API int pm_result_assignment(const pm_result *res, int child);

typedef struct pm_totals {
    double objective;         /* the model's objective                    */
    double weekly_cost;       /* cash: placement costs + unmatched_week   */
    double annual_cost;       /* weekly_cost * 365/7                      */
    double distance_penalty;  /* cost_per_mile_week * miles               */
    double far_penalty;
    double move_penalty;
    double split_penalty;
    double unmatched_penalty;
} pm_totals;

typedef struct pm_kpis {
    int children, placed, unmatched;
    int beyond_far_miles;
    double pct_beyond_far_miles; /* of placed children                      */
    int sibling_groups, sibling_groups_together, sibling_groups_split;
    int splits;                  /* sum over groups of max(0, D(g) - 1)     */
    int moves;
    double mean_miles;           /* over placed children                    */
} pm_kpis;

PM_API void pm_result_totals(const pm_result *res, pm_totals *out);
PM_API void pm_result_kpis(const pm_result *res, pm_kpis *out);

typedef struct pm_solver_stats {
    double seconds;
    long nodes;
    long lp_iterations;
    double root_bound;  /* LP bound at the root                            */
} pm_solver_stats;

PM_API void pm_result_solver_stats(const pm_result *res, pm_solver_stats *out);

/**
 * The result as placematch-result/1 JSON.  *json is a NUL-terminated buffer
 * owned by the caller (pm_free).
 */
PM_API pm_status pm_result_to_json(const pm_result *res, char **json,
                                   pm_error *err);

/** Writes the JSON atomically: a temporary file, then rename. */
PM_API pm_status pm_result_write_file(const pm_result *res, const char *path,
                                      pm_error *err);

/** A readable summary for a terminal (costs, KPIs, unmatched + reasons). */
PM_API void pm_result_print_summary(const pm_result *res, FILE *out);

/* ------------------------------------------------------------------ */
/* Scenario generation (synthetic data calibrated to published figures)*/
/* ------------------------------------------------------------------ */

typedef struct pm_generate_options {
    const char *profile;   /* "stockton-2023" (default), "middlesbrough-2020",
                              "regional", "national"                        */
    unsigned long long seed; /* default 1                                  */
    int children;          /* 0 = the profile's own size                   */
    const char *variant;   /* demand cohort variant: NULL or "base",
                              "growth" (+20% children), "older" (more
                              11-17 year olds), "siblings" (more and larger
                              sibling groups)                               */
} pm_generate_options;

PM_API void pm_generate_options_init(pm_generate_options *opts);

/** Names of the built-in profiles, NULL-terminated (static storage). */
PM_API const char *const *pm_generate_profiles(void);

/**
 * Generates a synthetic scenario as placematch-scenario/1 JSON text.
 * Deterministic for a given (profile, seed, children).  *json is owned by
 * the caller (pm_free).
 */
PM_API pm_status pm_generate(const pm_generate_options *opts, char **json,
                             pm_error *err);

/* ------------------------------------------------------------------ */
/* Panel suggestions                                                  */
/* ------------------------------------------------------------------ */

/*
 * For one referral (a child, or a whole sibling group), the k best
 * arrangements among today's vacancies, and why every other placement is
 * ruled out (docs/SUGGEST.md).  Every other child stays where they are, as
 * if pinned at `current`; children without a `current` placement occupy
 * nothing.  The referral's members leave their own current placements
 * (those count as vacant for them).  Arrangements are ranked exactly by the
 * spec/MODEL.md objective with the referral fixed to them.
 */

typedef struct pm_suggest_options {
    int k;               /* arrangements to return, 1..1000 (default 5)      */
    const char *child;   /* the referred child's id; a child in a sibling
                            group brings the whole group                    */
    const char *group;   /* or a sibling group's id (child may then be NULL;
                            when both are given the child must be in it)    */
    const char *explain_placement; /* optional: a placement id whose failing
                            rules are all listed (pm_suggestions_explain_*) */
} pm_suggest_options;

/** Fills opts with the defaults (k = 5, nothing named). */
PM_API void pm_suggest_options_init(pm_suggest_options *opts);

typedef struct pm_suggestions pm_suggestions;

/**
 * Ranks arrangements for the referral named in opts.  The members are the
 * group's children who are not pinned; pinned siblings stay where they are
 * but count for the group's households and sibling-only places.  On PM_OK
 * *out is a new handle owned by the caller (pm_suggestions_free); it keeps
 * the scenario alive, so the scenario may be freed first.  The scenario is
 * only read.  Errors (one line each in err): PM_ERR_ARG for a NULL argument,
 * no child or group named, k out of range, a child not in the named group, a
 * referred child who is pinned (`stay: true`) or a group whose children are
 * all pinned; PM_ERR_NOT_FOUND for an unknown child, group or placement id;
 * PM_ERR_LIMIT for more than 10 members; PM_ERR_NOMEM.
 */
PM_API pm_status pm_suggest(const pm_scenario *sc, const pm_suggest_options *opts,
                            pm_suggestions **out, pm_error *err);

PM_API void pm_suggestions_free(pm_suggestions *s);

/** Number of arrangements returned: min(k, arrangements possible), >= 1
    (leaving the referral unmatched is always possible). */
PM_API int pm_suggestions_count(const pm_suggestions *s);
/** Children being placed, in scenario order (pinned siblings excluded). */
PM_API int pm_suggestions_num_members(const pm_suggestions *s);
/** Scenario index of member m, or -1 when out of range. */
PM_API int pm_suggestions_member(const pm_suggestions *s, int m);
/** The referral's sibling group id, or NULL for a child in no group. */
PM_API const char *pm_suggestions_group(const pm_suggestions *s);
/**
 * The objective of everyone else where they stay: arc costs of every other
 * child with a current placement (no move) plus the split penalties of the
 * other sibling groups.  Adding a suggestion's objective gives the MODEL.md
 * objective of the scenario in which every other child with a current
 * placement is pinned there and every other child without one is left out.
 */
PM_API double pm_suggestions_others_objective(const pm_suggestions *s);

typedef struct pm_suggestion_summary {
    double objective;    /* the referral's part of the MODEL.md objective:
                            its members' arc costs, unmatched_week per
                            unmatched member, its group's split penalty     */
    double delta;        /* objective - the best suggestion's (>= 0)       */
    double weekly_cost;  /* cash: placements' weekly costs, plus
                            unmatched_week per unmatched member             */
    double annual_cost;  /* weekly_cost * 365/7                            */
    double miles;        /* summed over placed members                      */
    int placed, unmatched;
    int beyond_far_miles; /* placed members beyond policy far_miles          */
    int moves;           /* members placed away from their current one      */
    int households;      /* distinct placements of the group's placed
                            children, pinned siblings included              */
    int together;        /* 1: households <= 1; 0: split; -1: no group      */
} pm_suggestion_summary;

/** Figures of suggestion i (0 = best).  PM_ERR_ARG when out of range. */
PM_API pm_status pm_suggestion_get(const pm_suggestions *s, int i,
                                   pm_suggestion_summary *out);

typedef struct pm_suggestion_member {
    const char *child;     /* child id (owned by the scenario)               */
    const char *placement; /* placement id, or NULL when unmatched          */
    int placement_index;   /* or -1 when unmatched                          */
    double miles;          /* NaN when unmatched                            */
    int beyond_far_miles;
    int moved;             /* placed away from its current placement         */
    double weekly_cost;    /* the placement's weekly cost, or unmatched_week */
    double arc_cost;       /* a(c, p) of MODEL.md, or unmatched_week         */
} pm_suggestion_member;

/** Where member m goes in suggestion i.  PM_ERR_ARG when out of range. */
PM_API pm_status pm_suggestion_member_get(const pm_suggestions *s, int i, int m,
                                          pm_suggestion_member *out);

/** Placements that no suggestion uses, in scenario order, each with the
    first rule that rules it out for the referral ("ranked_lower" when it is
    open to a member but not among the k best). */
PM_API int pm_suggestions_num_exclusions(const pm_suggestions *s);
/** Exclusion i: placement id, rule name (docs/SUGGEST.md) and one line of
    reason, all owned by s.  PM_ERR_ARG when out of range. */
PM_API pm_status pm_suggestions_exclusion(const pm_suggestions *s, int i,
                                          const char **placement,
                                          const char **rule,
                                          const char **reason);

/** With opts.explain_placement: the number of lines, and line i, e.g.
    "C001: age: age 14 is outside its range 0..11" -- every failing rule for
    every member; 0 / NULL otherwise. */
PM_API int pm_suggestions_explain_count(const pm_suggestions *s);
PM_API const char *pm_suggestions_explain_line(const pm_suggestions *s, int i);

/**
 * The suggestions as placematch-suggestions/1 JSON (docs/SUGGEST.md),
 * byte-for-byte deterministic.  *json is owned by the caller (pm_free).
 */
PM_API pm_status pm_suggestions_to_json(const pm_suggestions *s, char **json,
                                        pm_error *err);

/** A readable table for a panel (ids only): each arrangement with its
    members' placements, costs and needs, then the exclusions by rule. */
PM_API void pm_suggestions_print(const pm_suggestions *s, FILE *out);

#ifdef __cplusplus
}
#endif

/* Commissioning mixes (evaluating capacity options) have their own header. */
#include "placematch/commissioning.h"

#endif /* PLACEMATCH_H */

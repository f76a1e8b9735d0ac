/*
 * placematch: commissioning mixes (spec/MODEL.md "Commissioning mixes",
 * docs/MIXES.md).
 *
 * A commissioning file (placematch-commissioning/1) names a base scenario,
 * levers that change supply (add copies of a placement template, or remove
 * placements), the mixes to try (an explicit list and/or a grid of lever
 * units) and the demand cohorts to try them on.  Evaluating it solves the
 * matching model once per (mix, cohort) -- a "unit of work" -- in parallel,
 * and ranks the mixes by total weekly cost.
 *
 * Same conventions as placematch.h: opaque handles with create/free,
 * pm_status returns, a caller-owned pm_error with one line per problem
 * naming the file and JSON path, options initialised by their _init
 * function, buffers returned through char ** released with pm_free().
 *
 * Determinism: every unit of work is independent; its figures are rounded
 * (pence, gap to 1e-6) when recorded, and everything reported per mix is
 * derived from those records in a fixed order.  So the output is byte for
 * byte the same for any thread count, and for a run split into shards and
 * merged -- provided no solve stops on its time limit (a time limit makes
 * a single solve depend on machine speed; a node limit does not).
 */
#ifndef PLACEMATCH_COMMISSIONING_H
#define PLACEMATCH_COMMISSIONING_H

#include "placematch/placematch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PM_MIXES_MAX_MIXES 100000 /* distinct mixes in one file          */
#define PM_MIXES_MAX_LEVERS 64
#define PM_MIXES_MAX_COHORTS 64
#define PM_MIXES_MAX_UNITS 1000   /* max_units of one add lever          */
#define PM_MIXES_MAX_EVALUATIONS 1000000 /* mixes x cohorts               */

/* ------------------------------------------------------------------ */
/* Commissioning files                                                */
/* ------------------------------------------------------------------ */

/** A validated commissioning file with its cohorts prepared.  Immutable
 *  once loaded (except pm_commissioning_keep_cohorts before any run). */
typedef struct pm_commissioning pm_commissioning;

/**
 * Reads and validates a commissioning file; a base scenario given as a path
 * is read relative to the file's folder, and generated cohorts are
 * generated.  On success *out is owned by the caller
 * (pm_commissioning_free).  On failure *out is NULL and err lists every
 * problem, each naming the file and JSON path.
 */
PM_API pm_status pm_commissioning_load_file(const char *path,
                                            pm_commissioning **out,
                                            pm_error *err);

/**
 * Same from a buffer of len bytes.  name is used in messages; dir is the
 * folder a base path is relative to (NULL: the current folder).
 */
PM_API pm_status pm_commissioning_load_buffer(const char *data, size_t len,
                                              const char *name,
                                              const char *dir,
                                              pm_commissioning **out,
                                              pm_error *err);

/** Frees cm once no result uses it any more (results keep it alive). */
PM_API void pm_commissioning_free(pm_commissioning *cm);

/**
 * Keeps only the named cohorts (in the file's order) and drops the rest,
 * e.g. to evaluate "this year" alone.  PM_ERR_NOT_FOUND for an unknown
 * name; PM_ERR_ARG once a result has been made from cm.
 */
PM_API pm_status pm_commissioning_keep_cohorts(pm_commissioning *cm,
                                               const char *const *names,
                                               int count, pm_error *err);

PM_API const char *pm_commissioning_name(const pm_commissioning *cm);
PM_API int pm_commissioning_num_levers(const pm_commissioning *cm);
PM_API int pm_commissioning_num_mixes(const pm_commissioning *cm);
PM_API int pm_commissioning_num_cohorts(const pm_commissioning *cm);
/** Lever / cohort names, or NULL when out of range (owned by cm). */
PM_API const char *pm_commissioning_lever_id(const pm_commissioning *cm,
                                             int lever);
PM_API const char *pm_commissioning_cohort_name(const pm_commissioning *cm,
                                                int cohort);
/** Index of the cohort with this name, or -1. */
PM_API int pm_commissioning_find_cohort(const pm_commissioning *cm,
                                        const char *name);
/** Units of lever in mix, or -1 when either is out of range.  Mix 0 is
 *  always the baseline (every lever at 0 units). */
PM_API int pm_commissioning_units(const pm_commissioning *cm, int mix,
                                  int lever);
/** Sum of fixed_week_per_unit * units over the levers of mix. */
PM_API double pm_commissioning_fixed_week(const pm_commissioning *cm,
                                          int mix);

/**
 * The scenario of one mix applied to one cohort, exactly as evaluated:
 * as a validated scenario (pm_scenario_free) or as placematch-scenario/1
 * JSON text (pm_free), e.g. to run `placematch solve` on it.
 */
PM_API pm_status pm_commissioning_scenario(const pm_commissioning *cm,
                                           int mix, int cohort,
                                           pm_scenario **out, pm_error *err);
PM_API pm_status pm_commissioning_scenario_json(const pm_commissioning *cm,
                                                int mix, int cohort,
                                                char **json, pm_error *err);

/* ------------------------------------------------------------------ */
/* Evaluating mixes                                                   */
/* ------------------------------------------------------------------ */

typedef struct pm_mixes_options {
    /* Each solve: time_limit defaults to 10 s here; interrupt and
       interrupt_info are ignored (use the ones below). */
    pm_solve_options solve;
    /* OpenMP threads: 0 = automatic (OMP_NUM_THREADS or the processors,
       and 1 when GLPK lacks thread-local storage); > 1 is refused with
       PM_ERR_UNSUPPORTED when GLPK was built without it. */
    int threads;
    /* 1 (default): every mix on a cohort starts its search from the
       baseline's answer on that cohort (the baselines are solved first);
       0: each solve starts from scratch.  Either way the output does not
       depend on the thread count or shard split. */
    int warm_start;
    /* Evaluate only the units u (u = mix * cohorts + cohort) with
       u % shard_count == shard_index (default 0 of 1: all). */
    int shard_index, shard_count;
    /* Polled before each unit and during each solve, from any thread at
       once (so it must be thread-safe); non-zero stops: no new unit
       starts, and a solve it stops before proving optimality is
       abandoned (its unit stays to do). */
    int (*interrupt)(void *info);
    void *interrupt_info;
    /* Called after each unit finishes, never by two threads at once:
       done and total count this shard's units (including merged ones). */
    void (*progress)(void *info, int done, int total);
    void *progress_info;
} pm_mixes_options;

PM_API void pm_mixes_options_init(pm_mixes_options *opts);

/** The most threads pm_mixes_evaluate can use here: 1 when GLPK was built
 *  without thread-local storage, else OpenMP's maximum. */
PM_API int pm_mixes_max_threads(void);

/** The evaluations of a commissioning file, complete or not. */
typedef struct pm_mixes_result pm_mixes_result;

/**
 * An empty result for cm and opts (nothing evaluated yet).  The result
 * keeps cm alive; opts is copied.
 */
PM_API pm_status pm_mixes_result_create(const pm_commissioning *cm,
                                        const pm_mixes_options *opts,
                                        pm_mixes_result **out, pm_error *err);

/**
 * Adds the evaluations recorded in an earlier JSON output (a shard, or an
 * interrupted run) of the same commissioning file with the same solve
 * options; a unit already present keeps its first value.  Checks the
 * file's fingerprint and options and reports mismatches by JSON path.
 */
PM_API pm_status pm_mixes_result_merge_file(pm_mixes_result *res,
                                            const char *path, pm_error *err);
PM_API pm_status pm_mixes_result_merge_buffer(pm_mixes_result *res,
                                              const char *data, size_t len,
                                              const char *name,
                                              pm_error *err);

/**
 * Evaluates every unit of this shard not yet done, in parallel.  PM_OK
 * when all are done; PM_ERR_INTERRUPTED when the interrupt callback
 * stopped it (the result stays valid: what finished is kept, and calling
 * again resumes); PM_ERR_UNSUPPORTED when threads > 1 cannot be honoured.
 * A unit whose solve fails is recorded with status "error", not returned.
 */
PM_API pm_status pm_mixes_evaluate(pm_mixes_result *res, pm_error *err);

/** pm_mixes_result_create + pm_mixes_evaluate (*out is set even when
 *  interrupted, NULL on other failures). */
PM_API pm_status pm_mixes_run(const pm_commissioning *cm,
                              const pm_mixes_options *opts,
                              pm_mixes_result **out, pm_error *err);

PM_API void pm_mixes_result_free(pm_mixes_result *res);

/** Units (mix, cohort pairs) done, and in all (every shard). */
PM_API int pm_mixes_result_units_done(const pm_mixes_result *res);
PM_API int pm_mixes_result_units_total(const pm_mixes_result *res);

/** Unit status: pm_solution values, and two more. */
enum { PM_MIX_ERROR = PM_SOL_NONE + 1, /* the solve failed           */
       PM_MIX_NOT_DONE };              /* not evaluated (yet)         */

/** "optimal", "feasible", "infeasible", "none", "error" or "not done". */
PM_API const char *pm_mix_status_name(int status);

/** One mix on one cohort (money in pounds per week, rounded to pence). */
typedef struct pm_mix_evaluation {
    int status;           /* pm_solution, PM_MIX_ERROR or PM_MIX_NOT_DONE */
    double objective;     /* optimum of the derived scenario; NaN if none */
    double bound, gap;    /* NaN when unknown                             */
    double fixed_week;    /* sum of fixed_week_per_unit * units           */
    double total_week;    /* fixed_week + objective                       */
    double cash_week;     /* placements' weekly_cost + unmatched_week each */
    int children, placed, unmatched;
    int beyond_far_miles;
    double pct_beyond_far_miles; /* of placed children                    */
    int sibling_groups_split, moves;
} pm_mix_evaluation;

PM_API pm_status pm_mixes_result_evaluation(const pm_mixes_result *res,
                                            int mix, int cohort,
                                            pm_mix_evaluation *out);

/** A mix over the cohorts: mean and worst (highest) of each figure. */
typedef struct pm_mix_summary {
    int complete;   /* every cohort evaluated                              */
    int solved;     /* ... and each has a solution (optimal or feasible)   */
    int rank;       /* 1 = lowest mean total cost; 0 when not solved       */
    int pareto;     /* on the front of (total, % beyond far, groups split) */
    int baseline;   /* every lever at 0 units                              */
    int status;     /* worst over cohorts: optimal < feasible < infeasible
                       < none < error < not done                          */
    double max_gap; /* NaN when some gap is unknown                        */
    double fixed_week;
    double placement_week_mean, placement_week_worst; /* the objective    */
    double total_week_mean, total_week_worst;
    double total_annual_mean, total_annual_worst;     /* x 365/7          */
    double spend_week_mean, spend_week_worst;         /* fixed + cash     */
    double unmatched_mean, unmatched_worst;
    double pct_beyond_mean, pct_beyond_worst;
    double split_mean, split_worst;
} pm_mix_summary;

PM_API pm_status pm_mixes_result_summary(const pm_mixes_result *res, int mix,
                                         pm_mix_summary *out);

/**
 * Outputs, each a NUL-terminated buffer owned by the caller (pm_free):
 * JSON placematch-commissioning-result/1 (docs/MIXES.md), CSV with one row
 * per solved mix in rank order, and an SVG chart of total annual cost
 * against % placed beyond far_miles with the Pareto front and baseline.
 */
PM_API pm_status pm_mixes_result_to_json(const pm_mixes_result *res,
                                         char **json, pm_error *err);
PM_API pm_status pm_mixes_result_to_csv(const pm_mixes_result *res,
                                        char **csv, pm_error *err);
PM_API pm_status pm_mixes_result_to_svg(const pm_mixes_result *res,
                                        char **svg, pm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* PLACEMATCH_COMMISSIONING_H */

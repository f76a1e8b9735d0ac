/* Commissioning mixes, inside: the loaded file (commissioning.c), the
 * records of a run (mixes.c) and what the outputs (mixes_write.c) read.
 * The public API is include/placematch/commissioning.h; tests may look
 * inside too (e.g. at a cohort's prepared tree). */
#ifndef PM_MIXES_H
#define PM_MIXES_H

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "placematch/commissioning.h"

enum { PM_LEVER_ADD, PM_LEVER_REMOVE };

typedef struct pm_lever {
    char *id;
    char *label;     /* optional "name", or NULL */
    int kind;        /* PM_LEVER_ADD or PM_LEVER_REMOVE */
    int max_units;
    double fixed;    /* fixed_week_per_unit */
    cJSON *tmpl;     /* add: the placement template (no id) */
    int nremove;
    char **remove;   /* remove: base placement ids */
} pm_lever;

/* A demand cohort: the scenario a mix is applied to, before any lever. */
typedef struct pm_cohort {
    char *name;
    int generated;
    char *profile, *variant;
    unsigned long long seed;
    int children_opt; /* 0: the profile's size */
    cJSON *tree;      /* placematch-scenario/1 (owned) */
    const cJSON *policy, *placements, *children; /* inside tree */
    int np, nc, npinned;
    int *current;     /* per child: placement index, or -1 */
    unsigned char *stay;
    int *rm_start;    /* nlevers + 1 offsets into rm_place */
    int *rm_place;    /* placement indices each remove lever closes */
} pm_cohort;

struct pm_commissioning {
    atomic_int refs;  /* results keep their commissioning alive */
    atomic_int used;  /* a result was made: the cohorts are fixed */
    char *file;       /* for messages */
    char *name;
    char *base_name;
    double far_miles;
    uint64_t fingerprint;
    cJSON *base;      /* the base scenario's tree */
    int nlevers;
    pm_lever *levers;
    int nmixes;
    int *units;       /* nmixes x nlevers, mix 0 the baseline */
    int ncohorts;
    pm_cohort *cohorts;
};

#define PM_MIXES_RESULT_FORMAT "placematch-commissioning-result/1"
#define PM_WEEKS_PER_YEAR (365.0 / 7.0)

/* Records keep figures as they are written (pence; gap to 1e-6), so that a
 * record read back from JSON is the same double as the one computed. */
static inline double pm_q2(double v)
{
    return isfinite(v) ? round(v * 100) / 100 : NAN;
}
static inline double pm_q6(double v)
{
    return isfinite(v) ? round(v * 1e6) / 1e6 : NAN;
}

/* Mix m's units per lever (nlevers of them). */
static inline const int *pm_mix_units(const pm_commissioning *cm, int mix)
{
    return cm->units + (size_t)mix * (size_t)cm->nlevers;
}

/* PM_ERR_ARG (in err) unless (mix, cohort) is a unit of cm. */
pm_status pm_mix_check_unit(const pm_commissioning *cm, int mix, int cohort,
                            pm_error *err);
/* "FILE (mix M on cohort "NAME")", for messages. */
void pm_mix_unit_label(const pm_commissioning *cm, int mix, int cohort,
                       char *out, size_t size);

/* One unit of work as recorded: everything the outputs need, rounded as
 * written, so that a record merged from a file equals a computed one. */
typedef struct unit_rec {
    int status; /* pm_solution, PM_MIX_ERROR or PM_MIX_NOT_DONE */
    double objective, bound, gap, cash;
    int children, placed, unmatched, beyond, split, moves;
} unit_rec;

struct pm_mixes_result {
    pm_commissioning *cm; /* retained */
    pm_mixes_options opts;
    int nunits;           /* nmixes * ncohorts, u = mix * ncohorts + cohort */
    unit_rec *units;
    pm_mix_summary *summ; /* per mix, refreshed after each evaluate/merge */
    int *listed;          /* output order: ranked mixes, then unsolved ones */
    int nlisted, ncomplete;
    int interrupted;
};

/* A mix's place in the ranking and on the front. */
typedef struct rank_key {
    double total, pct, split;
    int mix;
} rank_key;

/* The derived scenario's tree of one mix on one cohort (cJSON_Delete it;
 * it refers to the cohort's tree, which must outlive it), or NULL when
 * memory ran out. */
cJSON *pm_mix_tree(const pm_commissioning *cm, int mix, int cohort);

#endif

/* Commissioning mixes: the loaded file as solver/mixes.c sees it.  The
 * public API is include/placematch/commissioning.h; this header is for
 * tests that want to look inside (e.g. at a cohort's prepared tree). */
#ifndef PM_MIXES_H
#define PM_MIXES_H

#include <stdatomic.h>
#include <stdint.h>

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

/* The derived scenario's tree of one mix on one cohort (cJSON_Delete it;
 * it refers to the cohort's tree, which must outlive it), or NULL when
 * memory ran out. */
cJSON *pm_mix_tree(const pm_commissioning *cm, int mix, int cohort);

#endif

/*
 * fuzz_commissioning: the placematch-commissioning/1 loader
 * (pm_commissioning_load_buffer), and the scenarios it derives.
 *
 * A base given as a path is read from tests/fuzz/base/ (base.json there is
 * a small valid scenario; the seed corpus also names missing and invalid
 * files).  The base may also be inline.
 *
 * Checks: a refusal is one printable line per problem naming a file (the
 * input, or the base scenario's file for its own problems);
 * a loaded file has mix 0 as the baseline (every lever at 0 units), sane
 * counts, and the derived scenario of the first and last mix on every
 * cohort is itself a valid placematch-scenario/1 file (its JSON text loads
 * back with pm_scenario_load_buffer, with the same number of children).
 *
 * Generated cohorts cost time (a profile's estate and children are made on
 * load), so inputs asking for more than GEN_CHILDREN_MAX children in a
 * cohort or more than GEN_COHORTS_MAX generated cohorts are skipped: that
 * is size, not a corner case (tests/test_limits.c covers the caps).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "placematch/commissioning.h"

#define GEN_CHILDREN_MAX 80
#define GEN_COHORTS_MAX 3

/* 1 when the input would generate big cohorts (see above). */
static int too_costly(const uint8_t *data, size_t size)
{
    cJSON *root = cJSON_ParseWithLength((const char *)data, size);
    const cJSON *co = cJSON_GetObjectItemCaseSensitive(root, "cohorts");
    int generated = 0, costly = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, co)
    {
        if (!cJSON_IsObject(it))
            continue;
        generated++;
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "children");
        costly |= !cJSON_IsNumber(n) || n->valuedouble > GEN_CHILDREN_MAX;
    }
    cJSON_Delete(root);
    return costly || generated > GEN_COHORTS_MAX;
}

static void check_derived(const pm_commissioning *cm, int mix, int cohort)
{
    char *json = NULL;
    pm_scenario *sc = NULL, *again = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_commissioning_scenario(cm, mix, cohort, &sc, &err) != PM_OK)
        fuzz_fail("derived scenario failed", err.text);
    if (pm_commissioning_scenario_json(cm, mix, cohort, &json, &err) != PM_OK)
        fuzz_fail("derived scenario JSON failed", err.text);
    if (pm_scenario_load_buffer(json, strlen(json), "derived.json", &again,
                                &err) != PM_OK)
        fuzz_fail("derived scenario JSON does not load back", err.text);
    if (pm_scenario_num_children(sc) != pm_scenario_num_children(again) ||
        pm_scenario_num_placements(sc) != pm_scenario_num_placements(again))
        fuzz_fail("derived scenario differs from its JSON", NULL);
    pm_scenario_free(sc);
    pm_scenario_free(again);
    pm_free(json);
}

static void check_loaded(const pm_commissioning *cm)
{
    int nl = pm_commissioning_num_levers(cm), nm = pm_commissioning_num_mixes(cm);
    int nk = pm_commissioning_num_cohorts(cm);
    if (nm < 1 || nk < 1 || nl < 0 || nm > PM_MIXES_MAX_MIXES ||
        nk > PM_MIXES_MAX_COHORTS || nl > PM_MIXES_MAX_LEVERS ||
        (double)nm * nk > PM_MIXES_MAX_EVALUATIONS)
        fuzz_fail("commissioning counts out of range", NULL);
    for (int l = 0; l < nl; l++)
        if (pm_commissioning_units(cm, 0, l) != 0 ||
            !pm_commissioning_lever_id(cm, l))
            fuzz_fail("mix 0 is not the baseline", NULL);
    for (int k = 0; k < nk; k++) {
        const char *name = pm_commissioning_cohort_name(cm, k);
        if (!name || pm_commissioning_find_cohort(cm, name) != k)
            fuzz_fail("cohort name not found at its own index", name);
        check_derived(cm, 0, k);
        if (nm > 1)
            check_derived(cm, nm - 1, k);
    }
    if (pm_commissioning_units(cm, nm, 0) != -1 ||
        pm_commissioning_cohort_name(cm, nk))
        fuzz_fail("an out-of-range accessor answered", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (too_costly(data, size))
        return 0;
    pm_commissioning *cm = (pm_commissioning *)1; /* must be overwritten */
    pm_error err;
    pm_error_clear(&err);
    pm_status st = pm_commissioning_load_buffer((const char *)data, size,
                                                FUZZ_NAME, PM_FUZZ_DIR "/base",
                                                &cm, &err);
    fuzz_check_error(st, &err, NULL);
    if (st != PM_OK) {
        if (cm)
            fuzz_fail("failed load left *out set", err.text);
        return 0;
    }
    check_loaded(cm);
    pm_commissioning_free(cm);
    return 0;
}

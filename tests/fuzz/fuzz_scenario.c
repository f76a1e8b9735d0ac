/*
 * fuzz_scenario: the placematch-scenario/1 loader (pm_scenario_load_buffer).
 *
 * Any bytes: the loader must either refuse them with one printable line per
 * problem naming the input, or return a scenario whose accessors agree with
 * each other (every id found again at its own index).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

static void check_scenario(const pm_scenario *sc)
{
    int nc = pm_scenario_num_children(sc), np = pm_scenario_num_placements(sc);
    if (nc < 0 || np < 0 || !pm_scenario_name(sc))
        fuzz_fail("bad counts or name", NULL);
    for (int i = 0; i < nc; i++)
        if (pm_scenario_find_child(sc, pm_scenario_child_id(sc, i)) != i)
            fuzz_fail("child id not found at its own index",
                      pm_scenario_child_id(sc, i));
    for (int i = 0; i < np; i++)
        if (pm_scenario_find_placement(sc, pm_scenario_placement_id(sc, i)) != i)
            fuzz_fail("placement id not found at its own index",
                      pm_scenario_placement_id(sc, i));
    if (pm_scenario_child_id(sc, nc) || pm_scenario_child_id(sc, -1) ||
        pm_scenario_placement_id(sc, np))
        fuzz_fail("an out-of-range accessor returned an id", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_scenario *sc = (pm_scenario *)1; /* must be overwritten */
    pm_error err;
    pm_error_clear(&err);
    pm_status st = pm_scenario_load_buffer((const char *)data, size, FUZZ_NAME,
                                           &sc, &err);
    fuzz_check_error(st, &err, FUZZ_NAME);
    if (st != PM_OK) {
        if (sc)
            fuzz_fail("failed load left *out set", err.text);
        return 0;
    }
    if (!sc)
        fuzz_fail("PM_OK without a scenario", NULL);
    check_scenario(sc);
    pm_scenario_free(sc);
    return 0;
}

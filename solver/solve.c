/* pm_solve: arcs, the exact search, and the result. */
#include <math.h>
#include <stdlib.h>

#include "clock.h"
#include "error.h"
#include "result.h"
#include "solve.h"

void pm_solve_options_init(pm_solve_options *opts)
{
    if (!opts)
        return;
    opts->time_limit = 0;
    opts->mip_gap = 0;
    opts->node_limit = 0;
    opts->verbose = 0;
    opts->interrupt = NULL;
    opts->interrupt_info = NULL;
    opts->start = NULL;
}

static pm_status check_options(const pm_solve_options *o, pm_error *err)
{
    if (!(o->time_limit >= 0) || !isfinite(o->time_limit) || o->time_limit > 1e7)
        return pm_err_add(err, PM_ERR_ARG, NULL, "time_limit",
                          "must be 0 (none) or a number of seconds up to 1e7");
    if (!(o->mip_gap >= 0) || !(o->mip_gap < 1))
        return pm_err_add(err, PM_ERR_ARG, NULL, "mip_gap",
                          "must be in 0..1 (exclusive)");
    if (o->node_limit < 0)
        return pm_err_add(err, PM_ERR_ARG, NULL, "node_limit",
                          "must be 0 (none) or positive");
    return PM_OK;
}

pm_status pm_solve(const pm_scenario *sc, const pm_solve_options *opts,
                   pm_result **out, pm_error *err)
{
    return pm_solve_warm(sc, opts, NULL, out, err);
}

pm_status pm_solve_warm(const pm_scenario *sc, const pm_solve_options *opts,
                        const pm_model_hints *warm, pm_result **out,
                        pm_error *err)
{
    if (!sc || !out)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL, "pm_solve: NULL argument");
    *out = NULL;
    pm_solve_options defaults;
    pm_solve_options_init(&defaults);
    if (!opts)
        opts = &defaults;
    pm_status st = check_options(opts, err);
    if (st != PM_OK)
        return st;
    double t0 = pm_clock_seconds();
    pm_arcs arcs;
    st = pm_arcs_build(sc, &arcs);
    if (st != PM_OK)
        return pm_err_add(err, st, NULL, NULL,
                          st == PM_ERR_LIMIT ? "the scenario is too large to solve"
                                             : "out of memory");
    int *assign = malloc(((size_t)sc->nchildren + 1) * sizeof *assign);
    pm_model_result mr;
    st = assign ? pm_model_solve(sc, &arcs, opts, warm, 0,
                                         pm_clock_seconds() - t0, assign, &mr) : PM_ERR_NOMEM;
    if (st == PM_OK) {
        *out = pm_result_make(sc, &arcs, assign, &mr, pm_clock_seconds() - t0);
        if (!*out)
            st = PM_ERR_NOMEM;
    }
    if (st == PM_ERR_NOMEM)
        pm_err_add(err, st, NULL, NULL, "out of memory");
    else if (st != PM_OK)
        pm_err_add(err, st, NULL, NULL, "%s", mr.message);
    free(assign);
    pm_arcs_free(&arcs);
    return st;
}

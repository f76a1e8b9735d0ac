#include "result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evaluate.h"

static void fill_reasons(pm_result *r, const pm_arcs *arcs)
{
    const pm_scenario *sc = r->sc;
    for (int c = 0; c < sc->nchildren; c++)
        if (r->assign[c] < 0)
            pm_explain_unmatched(sc, arcs, r->assign, c, &r->reasons[c]);
}

pm_result *pm_result_make(const pm_scenario *sc, const pm_arcs *arcs,
                          const int *assign, const pm_model_result *mr,
                          double seconds)
{
    size_t n = (size_t)sc->nchildren + 1;
    pm_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->sc = sc;
    pm_scenario_retain(sc);
    r->assign = malloc(n * sizeof *r->assign);
    r->miles = calloc(n, sizeof *r->miles);
    r->arc_cost = calloc(n, sizeof *r->arc_cost);
    r->by_type = calloc((size_t)sc->types.count + 1, sizeof *r->by_type);
    r->reasons = calloc(n, sizeof *r->reasons);
    if (!r->assign || !r->miles || !r->arc_cost || !r->by_type || !r->reasons) {
        pm_result_free(r);
        return NULL;
    }
    int have = mr->status == PM_SOL_OPTIMAL || mr->status == PM_SOL_FEASIBLE;
    for (int c = 0; c < sc->nchildren; c++) {
        r->assign[c] = have ? assign[c] : -1;
        if (r->assign[c] >= 0) {
            r->miles[c] = pm_miles(sc, c, r->assign[c]);
            r->arc_cost[c] = pm_arc_cost(sc, c, r->assign[c], r->miles[c]);
        }
    }
    r->status = mr->status;
    snprintf(r->message, sizeof r->message, "%s", mr->message);
    pm_evaluate(sc, r->assign, &r->totals, &r->kpis, r->by_type);
    r->objective = have ? r->totals.objective : NAN;
    r->bound = have ? mr->bound : NAN;
    if (have && r->status == PM_SOL_OPTIMAL)
        r->bound = r->objective;
    r->gap = !have ? NAN : isnan(r->bound) ? NAN
           : fabs(r->objective) > 1e-9 ? (r->objective - r->bound) / fabs(r->objective)
                                       : 0;
    r->stats = (pm_solver_stats){seconds, mr->nodes, mr->lp_iterations,
                                 mr->root_bound};
    if (have)
        fill_reasons(r, arcs);
    for (int c = 0; c < sc->nchildren; c++)
        if (r->reasons[c].oom) {
            pm_result_free(r);
            return NULL;
        }
    return r;
}

void pm_result_free(pm_result *res)
{
    if (!res)
        return;
    if (res->reasons)
        for (int c = 0; c < res->sc->nchildren; c++)
            pm_lines_free(&res->reasons[c]);
    free(res->reasons);
    free(res->assign);
    free(res->miles);
    free(res->arc_cost);
    free(res->by_type);
    pm_scenario_free((pm_scenario *)res->sc);
    free(res);
}

pm_solution pm_result_status(const pm_result *res)
{
    return res ? res->status : PM_SOL_NONE;
}

double pm_result_objective(const pm_result *res)
{
    return res ? res->objective : NAN;
}

double pm_result_bound(const pm_result *res) { return res ? res->bound : NAN; }
double pm_result_gap(const pm_result *res) { return res ? res->gap : NAN; }

const char *pm_result_message(const pm_result *res)
{
    return res ? res->message : "";
}

int pm_result_assignment(const pm_result *res, int child)
{
    if (!res || child < 0 || child >= res->sc->nchildren)
        return -1;
    return res->assign[child];
}

void pm_result_totals(const pm_result *res, pm_totals *out)
{
    if (res && out)
        *out = res->totals;
}

void pm_result_kpis(const pm_result *res, pm_kpis *out)
{
    if (res && out)
        *out = res->kpis;
}

void pm_result_solver_stats(const pm_result *res, pm_solver_stats *out)
{
    if (res && out)
        *out = res->stats;
}

const char *pm_solution_name(pm_solution s)
{
    switch (s) {
    case PM_SOL_OPTIMAL: return "optimal";
    case PM_SOL_FEASIBLE: return "feasible";
    case PM_SOL_INFEASIBLE: return "infeasible";
    default: return "none";
    }
}

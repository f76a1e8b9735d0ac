/*
 * fuzz_solve: load a scenario, then pm_solve it under a tiny node, time or
 * interrupt limit, and check the answer against an exhaustive search.
 *
 * Only small scenarios are solved (at most MAX_CHILDREN children and
 * MAX_PLACEMENTS placements, and a search space the brute force can walk
 * in well under a millisecond); bigger ones are loaded and dropped, so the
 * fuzzer spends its time on the solver's corner cases rather than on size.
 *
 * Checks (spec/MODEL.md):
 *  - the reported assignment breaks no constraint and its objective,
 *    recomputed from the spec, is the one reported;
 *  - optimal: equals the exhaustive optimum; feasible: not below it, with
 *    bound <= optimum <= objective and gap = (objective - bound)/objective;
 *    infeasible: no feasible assignment exists and a reason is given;
 *    none: only when a limit stopped the search;
 *  - to_json parses, the summary is printable.
 * The limit is chosen from a hash of the input, so every input is
 * reproducible.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

#include "compat.h"
#include "evaluate.h"
#include "scenario.h"

#define MAX_CHILDREN 9
#define MAX_PLACEMENTS 7
#define MAX_SPACE 20000.0

typedef struct brute {
    const pm_scenario *sc;
    const pm_arcs *arcs;
    int *assign, *best;
    double best_obj;
    int found;
    char msg[256];
} brute;

static void brute_walk(brute *B, int c)
{
    const pm_scenario *sc = B->sc;
    if (c == sc->nchildren) {
        if (pm_check_assignment(sc, B->assign, B->msg, sizeof B->msg))
            return;
        pm_totals t;
        pm_kpis k;
        pm_evaluate(sc, B->assign, &t, &k, NULL);
        if (!B->found || t.objective < B->best_obj) {
            B->found = 1;
            B->best_obj = t.objective;
        }
        return;
    }
    const pm_child_rec *ch = &sc->children[c];
    if (ch->stay) { /* pinned: at current, whatever the rules say */
        B->assign[c] = ch->current;
        brute_walk(B, c + 1);
        return;
    }
    B->assign[c] = -1;
    brute_walk(B, c + 1);
    for (int a = B->arcs->start[c]; a < B->arcs->start[c + 1]; a++) {
        B->assign[c] = B->arcs->place[a];
        brute_walk(B, c + 1);
    }
}

static double search_space(const pm_scenario *sc, const pm_arcs *arcs)
{
    double space = 1;
    for (int c = 0; c < sc->nchildren; c++)
        if (!sc->children[c].stay)
            space *= 1 + arcs->start[c + 1] - arcs->start[c];
    return space;
}

static int close_to(double a, double b)
{
    return fabs(a - b) <= 1e-6 * fmax(1.0, fmax(fabs(a), fabs(b))) + 1e-6;
}

typedef struct limits {
    int polls, stop_after;
} limits;

static int stop_later(void *info)
{
    limits *l = info;
    return ++l->polls > l->stop_after;
}

/* One of: no limit, a node limit, a very short time limit, an interrupt. */
static void choose_options(const uint8_t *data, size_t size,
                           pm_solve_options *o, limits *l)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    pm_solve_options_init(o);
    switch (h % 4) {
    case 1:
        o->node_limit = 1 + (long)(h >> 8) % 5;
        break;
    case 2:
        o->time_limit = 0.001;
        break;
    case 3:
        l->stop_after = (int)(h >> 8) % 3;
        o->interrupt = stop_later;
        o->interrupt_info = l;
        break;
    default:
        break;
    }
}

static void print_result(const void *res, FILE *out)
{
    pm_result_print_summary(res, out);
}

static void check_assignment(const pm_scenario *sc, const pm_result *res,
                             int *assign)
{
    char msg[256];
    for (int c = 0; c < sc->nchildren; c++)
        assign[c] = pm_result_assignment(res, c);
    if (pm_check_assignment(sc, assign, msg, sizeof msg))
        fuzz_fail("solver's assignment breaks a constraint", msg);
    pm_totals t, rt;
    pm_kpis k;
    pm_evaluate(sc, assign, &t, &k, NULL);
    pm_result_totals(res, &rt);
    if (!close_to(t.objective, pm_result_objective(res)) ||
        !close_to(rt.objective, pm_result_objective(res)))
        fuzz_fail("reported objective differs from the assignment's", NULL);
}

static void check_against(const brute *B, const pm_result *res,
                          const pm_solve_options *o, int *assign)
{
    pm_solution s = pm_result_status(res);
    double obj = pm_result_objective(res), bound = pm_result_bound(res);
    int limited = o->node_limit || o->time_limit > 0 || o->interrupt;
    if (s == PM_SOL_INFEASIBLE) {
        if (B->found)
            fuzz_fail("infeasible, but a feasible assignment exists", NULL);
        const char *why = pm_result_message(res);
        if (!why || !*why || !fuzz_printable(why, strlen(why)))
            fuzz_fail("infeasible without a printable reason", why);
        return;
    }
    if (!B->found)
        fuzz_fail("no feasible assignment exists, but status is not infeasible",
                  pm_solution_name(s));
    if (s == PM_SOL_NONE) {
        if (!limited)
            fuzz_fail("no solution without any limit", NULL);
        return;
    }
    check_assignment(B->sc, res, assign);
    if (s == PM_SOL_OPTIMAL && !close_to(obj, B->best_obj)) {
        char d[128];
        snprintf(d, sizeof d, "optimal %.6f, exhaustive %.6f", obj, B->best_obj);
        fuzz_fail("claimed optimum is not the optimum", d);
    }
    if (s == PM_SOL_FEASIBLE) {
        if (!limited)
            fuzz_fail("feasible (not optimal) without any limit", NULL);
        if (obj < B->best_obj - 1e-6 * fmax(1, fabs(obj)))
            fuzz_fail("objective below the exhaustive optimum", NULL);
        if (!isnan(bound) && bound > B->best_obj + 1e-6 * fmax(1, fabs(bound)))
            fuzz_fail("bound above the exhaustive optimum", NULL);
        double gap = pm_result_gap(res);
        if (!isnan(gap) && (gap < -1e-9 || gap > 1 + 1e-9))
            fuzz_fail("gap out of 0..1", NULL);
    }
}

static void solve_and_check(const pm_scenario *sc, const uint8_t *data,
                            size_t size)
{
    pm_arcs arcs;
    if (pm_arcs_build(sc, &arcs) != PM_OK)
        return;
    int *assign = malloc(((size_t)sc->nchildren + 1) * sizeof *assign);
    if (search_space(sc, &arcs) > MAX_SPACE || !assign) {
        free(assign);
        pm_arcs_free(&arcs);
        return;
    }
    brute B = {.sc = sc, .arcs = &arcs, .assign = assign};
    brute_walk(&B, 0);

    pm_solve_options o;
    limits l = {0, 0};
    choose_options(data, size, &o, &l);
    pm_result *res = NULL;
    pm_error err;
    pm_error_clear(&err);
    pm_status st = pm_solve(sc, &o, &res, &err);
    if (st != PM_OK || !res)
        fuzz_fail("pm_solve failed on a valid scenario", err.text);
    check_against(&B, res, &o, assign);
    char *json = NULL;
    if (pm_result_to_json(res, &json, &err) != PM_OK)
        fuzz_fail("pm_result_to_json failed", err.text);
    fuzz_check_json_text(json);
    pm_free(json);
    fuzz_check_printed(print_result, res);
    pm_result_free(res);
    free(assign);
    pm_arcs_free(&arcs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_scenario *sc = NULL;
    pm_error err;
    pm_error_clear(&err);
    pm_status st = pm_scenario_load_buffer((const char *)data, size, FUZZ_NAME,
                                           &sc, &err);
    fuzz_check_error(st, &err, FUZZ_NAME);
    if (st != PM_OK)
        return 0;
    if (pm_scenario_num_children(sc) <= MAX_CHILDREN &&
        pm_scenario_num_placements(sc) <= MAX_PLACEMENTS)
        solve_and_check(sc, data, size);
    pm_scenario_free(sc);
    return 0;
}

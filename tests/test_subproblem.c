/* Part of the problem (formulation.h, pm_subproblem) against the brute
 * force.  On random oracle instances some children, whole sibling groups
 * at a time, are held at random placements; the rest are free over every
 * arc.  The programme built for the free children, where the held ones
 * are only residual capacity, closed arcs and a constant, must have the
 * brute force's optimum with the held children fixed, and be infeasible
 * exactly when that is.  This checks what the solver's self-check (tuning
 * lns 2) cannot: a residual row that is too tight only loses solutions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "formulation.h"
#include "oracle.h"
#include "placematch/placematch.h"

#define INSTANCES 1500

/* GLPK over the builder's arrays: 0 infeasible, 1 solved (objective and
 * the free children's placements in assign). */
static int solve_programme(const builder *B, double *obj, int *assign)
{
    glp_prob *lp = glp_create_prob();
    glp_set_obj_coef(lp, 0, B->constant);
    if (B->nrows)
        glp_add_rows(lp, B->nrows);
    for (int i = 1; i <= B->nrows; i++)
        glp_set_row_bnds(lp, i, GLP_UP, 0, B->rub[i]);
    if (B->ncols)
        glp_add_cols(lp, B->ncols);
    for (int j = 1; j <= B->ncols; j++) {
        int type = isinf(B->ub[j]) ? GLP_LO
                   : B->lb[j] == B->ub[j] ? GLP_FX : GLP_DB;
        glp_set_col_bnds(lp, j, type, B->lb[j], isinf(B->ub[j]) ? 0 : B->ub[j]);
        glp_set_col_kind(lp, j, B->kind[j] == COL_S ? GLP_CV : GLP_IV);
        glp_set_obj_coef(lp, j, B->cost[j]);
    }
    if (B->nnz)
        glp_load_matrix(lp, B->nnz, B->ia, B->ja, B->ar);
    glp_iocp io;
    glp_init_iocp(&io);
    io.presolve = GLP_ON;
    io.msg_lev = GLP_MSG_OFF;
    int ok = glp_intopt(lp, &io) == 0 && (glp_mip_status(lp) == GLP_OPT);
    if (ok) {
        *obj = glp_mip_obj_val(lp);
        for (int j = 1; j <= B->ncols; j++)
            if (B->kind[j] == COL_X && glp_mip_col_val(lp, j) > 0.5)
                assign[B->cb[j]] = B->arcs->place[B->ca[j]];
    }
    glp_delete_prob(lp);
    return ok;
}

/* Holds each sibling group or lone child with probability 1/2: pinned
 * children at their current placement, the others at a random placement
 * they have an arc to, or unmatched.  fixed[] in the oracle's terms. */
static void random_hold(const oracle_instance *in, oracle_rng *r, int *fixed)
{
    int group_held[ORACLE_MAX_GROUPS];
    for (int g = 0; g < ORACLE_MAX_GROUPS; g++)
        group_held[g] = oracle_rng_chance(r, 0.5);
    for (int c = 0; c < in->nc; c++) {
        int g = in->c[c].group;
        fixed[c] = ORACLE_FREE;
        if (!(g >= 0 ? group_held[g] : oracle_rng_chance(r, 0.5)))
            continue;
        if (in->c[c].stay) {
            fixed[c] = in->c[c].current;
            continue;
        }
        int options[ORACLE_MAX_PLACEMENTS + 1], n = 0;
        options[n++] = ORACLE_UNMATCHED;
        for (int p = 0; p < in->np; p++)
            if (oracle_arc_ok(in, c, p))
                options[n++] = p;
        fixed[c] = options[oracle_rng_int(r, 0, n - 1)];
    }
}

static void print_hold(const oracle_instance *in, const int *fixed,
                       const char *json)
{
    fprintf(stderr, "held:");
    for (int c = 0; c < in->nc; c++)
        if (fixed[c] != ORACLE_FREE)
            fprintf(stderr, " %s->%s", in->c[c].id,
                    fixed[c] >= 0 ? in->p[fixed[c]].id : "unmatched");
    fprintf(stderr, "\n%s\n", json);
}

/* One instance: 1 when it was checked (a hold drawn), 0 when skipped. */
static int check_instance(uint64_t seed)
{
    oracle_instance *in = calloc(1, sizeof *in);
    assert_non_null(in);
    oracle_generate(in, seed, NULL);
    size_t len = 0;
    char *json = oracle_to_json(in, &len);
    pm_scenario *sc = NULL;
    assert_int_equal(pm_scenario_load_buffer(json, len, "sub.json", &sc, NULL),
                     PM_OK);
    pm_arcs arcs;
    assert_int_equal(pm_arcs_build(sc, &arcs), PM_OK);

    oracle_rng r;
    oracle_rng_seed(&r, seed ^ 0x5ab5ab);
    int fixed[ORACLE_MAX_CHILDREN], brute_assign[ORACLE_MAX_CHILDREN];
    random_hold(in, &r, fixed);
    double brute = NAN;
    int feasible = oracle_brute_force(in, fixed, brute_assign, &brute, NULL);

    int n = pm_scenario_num_children(sc), nfree = 0;
    int hold[ORACLE_MAX_CHILDREN], free_list[ORACLE_MAX_CHILDREN];
    int assign[ORACLE_MAX_CHILDREN];
    for (int c = 0; c < in->nc; c++) {
        int k = pm_scenario_find_child(sc, in->c[c].id);
        hold[k] = fixed[c] >= 0 ? pm_scenario_find_placement(sc, in->p[fixed[c]].id)
                                : -1;
        if (fixed[c] == ORACLE_FREE)
            hold[k] = -2; /* (never read for a free child) */
    }
    for (int k = 0; k < n; k++)
        if (hold[k] == -2)
            free_list[nfree++] = k;
    for (int k = 0; k < n; k++)
        assign[k] = hold[k] == -2 ? -1 : hold[k];
    pm_subproblem sub = {free_list, nfree, NULL, hold};
    builder B;
    assert_int_equal(pm_builder_build(&B, sc, &arcs, NULL, &sub), PM_OK);
    double obj = NAN;
    int solved = !B.infeasible && solve_programme(&B, &obj, assign);
    char why[256] = "";
    if (solved != feasible || (solved && fabs(obj - brute) > 1e-6 * fmax(1, fabs(brute))))
        print_hold(in, fixed, json);
    if (solved != feasible)
        fail_msg("seed 0x%llx: the part is %s, the brute force says %s",
                 (unsigned long long)seed, solved ? "solved" : "infeasible",
                 feasible ? "feasible" : "infeasible");
    if (solved && fabs(obj - brute) > 1e-6 * fmax(1, fabs(brute)))
        fail_msg("seed 0x%llx: the part's optimum %.9f, the brute force's %.9f",
                 (unsigned long long)seed, obj, brute);
    if (solved && pm_check_assignment(sc, assign, why, (int)sizeof why))
        fail_msg("seed 0x%llx: the part's answer breaks the model: %s",
                 (unsigned long long)seed, why);
    pm_builder_free(&B);
    pm_arcs_free(&arcs);
    pm_scenario_free(sc);
    free(json);
    free(in);
    return feasible;
}

static void test_parts_against_brute_force(void **state)
{
    (void)state;
    glp_term_out(GLP_OFF);
    int feasible = 0;
    for (int i = 0; i < INSTANCES; i++)
        feasible += check_instance(0x9a27ULL * 1000003ULL + (uint64_t)i);
    /* the check means little if the holds were nearly all infeasible */
    assert_true(feasible > INSTANCES / 4);
    glp_free_env();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_against_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

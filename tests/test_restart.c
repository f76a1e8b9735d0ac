/* The proof's restarts (solver/restart.c): the columns a restart drops
 * (by reduced cost) or fixes at 0 (by bound propagation over the root's
 * rows) are 0 in every solution better than the incumbent.  Checked by brute force on
 * small random programmes shaped like the proof's (one "= 1" row per
 * unit, capacity rows over the units' columns, and rows of either sense
 * and sign like the cuts the root's copy holds), and on a hand-worked one
 * where propagation must drop what reduced costs alone leave. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "restart.h"

#define MAX_UNITS 6
#define MAX_COLS 4
#define MAX_PLACES 4
#define MAX_EXTRA 2 /* rows like the copied cuts: any sign, either sense */
#define EXTRA_LEN 5

typedef struct programme {
    int units, places, ncols[MAX_UNITS];
    int place[MAX_UNITS][MAX_COLS], count[MAX_UNITS][MAX_COLS];
    double cost[MAX_UNITS][MAX_COLS];
    int cap[MAX_PLACES];
    int nextra, elen[MAX_EXTRA], eunit[MAX_EXTRA][EXTRA_LEN];
    int ecol[MAX_EXTRA][EXTRA_LEN], elower[MAX_EXTRA];
    double ecoef[MAX_EXTRA][EXTRA_LEN], erhs[MAX_EXTRA];
} programme;

/* 0..n-1 */
static int draw(oracle_rng *r, int n)
{
    return oracle_rng_int(r, 0, n - 1);
}

/* Column k of unit u is GLPK column 1 + u * MAX_COLS + k (unused ones
 * fixed at 0); rows: units, then places. */
static int col_of(int u, int k)
{
    return 1 + u * MAX_COLS + k;
}

static glp_prob *build(const programme *G)
{
    glp_prob *P = glp_create_prob();
    glp_add_rows(P, G->units + G->places + G->nextra);
    glp_add_cols(P, G->units * MAX_COLS);
    for (int u = 0; u < G->units; u++)
        glp_set_row_bnds(P, 1 + u, GLP_FX, 1, 1);
    for (int p = 0; p < G->places; p++)
        glp_set_row_bnds(P, 1 + G->units + p, GLP_UP, 0, G->cap[p]);
    for (int u = 0; u < G->units; u++)
        for (int k = 0; k < MAX_COLS; k++) {
            int j = col_of(u, k);
            glp_set_col_kind(P, j, GLP_BV);
            if (k >= G->ncols[u]) {
                glp_set_col_bnds(P, j, GLP_FX, 0, 0);
                continue;
            }
            glp_set_obj_coef(P, j, G->cost[u][k]);
            int ind[3] = {0, 1 + u, 1 + G->units + G->place[u][k]};
            double val[3] = {0, 1, G->count[u][k]};
            glp_set_mat_col(P, j, G->count[u][k] ? 2 : 1, ind, val);
        }
    for (int e = 0; e < G->nextra; e++) {
        int i = 1 + G->units + G->places + e, ind[EXTRA_LEN + 1];
        double val[EXTRA_LEN + 1];
        for (int t = 0; t < G->elen[e]; t++) {
            ind[t + 1] = col_of(G->eunit[e][t], G->ecol[e][t]);
            val[t + 1] = G->ecoef[e][t];
        }
        glp_set_row_bnds(P, i, G->elower[e] ? GLP_LO : GLP_UP, G->erhs[e],
                         G->erhs[e]);
        glp_set_mat_row(P, i, G->elen[e], ind, val);
    }
    return P;
}

/* Extra row e's activity at the choice. */
static double extra_activity(const programme *G, int e, const int *pick)
{
    double a = 0;
    for (int t = 0; t < G->elen[e]; t++)
        a += pick[G->eunit[e][t]] == G->ecol[e][t] ? G->ecoef[e][t] : 0;
    return a;
}

/* The objective of the choice (column per unit), or INFINITY when it
 * breaks a row. */
static double value(const programme *G, const int *pick)
{
    int used[MAX_PLACES] = {0};
    double v = 0;
    for (int u = 0; u < G->units; u++) {
        used[G->place[u][pick[u]]] += G->count[u][pick[u]];
        v += G->cost[u][pick[u]];
    }
    for (int p = 0; p < G->places; p++)
        if (used[p] > G->cap[p])
            return INFINITY;
    for (int e = 0; e < G->nextra; e++) {
        double a = extra_activity(G, e, pick);
        if (G->elower[e] ? a < G->erhs[e] : a > G->erhs[e])
            return INFINITY;
    }
    return v;
}

/* Steps pick through every choice; 0 after the last. */
static int advance(const programme *G, int *pick)
{
    for (int u = 0; u < G->units; u++) {
        if (++pick[u] < G->ncols[u])
            return 1;
        pick[u] = 0;
    }
    return 0;
}

static double optimum(const programme *G)
{
    int pick[MAX_UNITS] = {0};
    double best = INFINITY;
    do
        best = fmin(best, value(G, pick));
    while (advance(G, pick));
    return best;
}

static void random_programme(programme *G, oracle_rng *s)
{
    memset(G, 0, sizeof *G);
    G->units = 3 + draw(s, MAX_UNITS - 2);
    G->places = 2 + draw(s, MAX_PLACES - 1);
    for (int p = 0; p < G->places; p++)
        G->cap[p] = 1 + draw(s, 3);
    for (int u = 0; u < G->units; u++) {
        G->ncols[u] = 2 + draw(s, MAX_COLS - 1);
        /* the last column: unmatched (no place, dear), so a choice exists */
        for (int k = 0; k < G->ncols[u]; k++) {
            int last = k == G->ncols[u] - 1;
            G->place[u][k] = draw(s, G->places);
            G->count[u][k] = last ? 0 : 1 + draw(s, 2);
            G->cost[u][k] = last ? 60 : 1 + draw(s, 40);
        }
    }
    /* extra rows that a random choice meets (within 1), so that most
     * instances stay feasible */
    int pick[MAX_UNITS];
    for (int u = 0; u < G->units; u++)
        pick[u] = draw(s, G->ncols[u]);
    G->nextra = draw(s, MAX_EXTRA + 1);
    for (int e = 0; e < G->nextra; e++) {
        G->elen[e] = 2 + draw(s, EXTRA_LEN - 1);
        for (int t = 0; t < G->elen[e]; t++) {
            G->eunit[e][t] = draw(s, G->units);
            G->ecol[e][t] = draw(s, G->ncols[G->eunit[e][t]]);
            for (int q = 0; q < t; q++) /* one entry per column */
                if (G->eunit[e][q] == G->eunit[e][t] &&
                    G->ecol[e][q] == G->ecol[e][t])
                    G->ecol[e][t] = -1;
            if (G->ecol[e][t] < 0) {
                G->elen[e] = t;
                break;
            }
            static const double coef[] = {-2, -1, 1, 2};
            G->ecoef[e][t] = coef[draw(s, 4)];
        }
        G->elower[e] = draw(s, 2);
        double a = extra_activity(G, e, pick);
        G->erhs[e] = G->elower[e] ? a - draw(s, 2) : a + draw(s, 2);
    }
}

/* The restart of G's LP against an incumbent of objective ub: which of
 * G's columns it keeps (kept_col, by GLPK column). */
static void restart_of(const programme *G, double ub, int propagate,
                       unsigned char *kept_col)
{
    glp_prob *P = build(G);
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    assert_int_equal(glp_simplex(P, &sm), 0);
    assert_int_equal(glp_get_status(P), GLP_OPT);
    pm_restart R;
    memset(&R, 0, sizeof R);
    R.root = glp_create_prob();
    glp_copy_prob(R.root, P, GLP_OFF);
    R.z = glp_get_obj_val(P);
    R.ub_seen = ub;
    R.propagate = propagate;
    int n = glp_get_num_cols(P), nk = 0;
    double *keep_x = calloc((size_t)n + 1, sizeof *keep_x);
    int *kept = calloc((size_t)n + 1, sizeof *kept);
    assert_non_null(keep_x);
    assert_non_null(kept);
    glp_prob *Q = pm_restart_reduce(&R, keep_x, kept, &nk);
    assert_non_null(Q);
    assert_int_equal(glp_get_num_cols(Q), nk);
    memset(kept_col, 0, (size_t)n + 1);
    for (int k = 1; k <= nk; k++)
        kept_col[kept[k]] = glp_get_col_type(Q, k) != GLP_FX ||
                            glp_get_col_ub(Q, k) > 0;
    glp_delete_prob(Q);
    glp_delete_prob(P);
    free(keep_x);
    free(kept);
}

/* Every choice better than ub uses kept columns only. */
static void check_sound(const programme *G, double ub,
                        const unsigned char *kept_col, int seed)
{
    int pick[MAX_UNITS] = {0};
    do {
        if (!(value(G, pick) < ub - 1e-9))
            continue;
        for (int u = 0; u < G->units; u++)
            if (!kept_col[col_of(u, pick[u])])
                fail_msg("instance %d: unit %d's column %d, in a solution of "
                         "%.1f < %.1f, was dropped", seed, u, pick[u],
                         value(G, pick), ub);
    } while (advance(G, pick));
}

static void test_restart_sound(void **state)
{
    (void)state;
    oracle_rng s;
    oracle_rng_seed(&s, 0x7E57AE57A27ULL);
    long dropped_by_propagation = 0;
    for (int t = 0; t < 3000; t++) {
        programme G;
        random_programme(&G, &s);
        double opt = optimum(&G);
        if (!isfinite(opt))
            continue; /* an extra row left no choice */
        /* an incumbent at the optimum or a little above it */
        double ub = opt + draw(&s, 4) * 3;
        unsigned char with[MAX_UNITS * MAX_COLS + 1];
        unsigned char without[MAX_UNITS * MAX_COLS + 1];
        restart_of(&G, ub, 1, with);
        restart_of(&G, ub, 0, without);
        check_sound(&G, ub, with, t);
        for (int j = 1; j <= G.units * MAX_COLS; j++) {
            if (with[j] && !without[j])
                fail_msg("instance %d: column %d kept only with propagation",
                         t, j);
            dropped_by_propagation += without[j] && !with[j];
        }
    }
    /* the instances exercise it (4,637 columns at this seed) */
    assert_true(dropped_by_propagation > 100);
}

/* Hand-worked: unit 0 has columns a (place 0, 30) and b (place 1, 10);
 * unit 1 has c (place 1, 5) and d (unmatched, 60); place 1 holds one.
 * The LP's optimum a + c = 35 is integral; against an incumbent of 36 the
 * reduced costs rule out d, and propagation the rest: c is then forced
 * (unit 1's row), place 1 is full, and b goes. */
static void test_restart_hand(void **state)
{
    (void)state;
    programme G;
    memset(&G, 0, sizeof G);
    G.units = 2;
    G.places = 2;
    G.cap[0] = 1;
    G.cap[1] = 1;
    G.ncols[0] = 2; /* a: place 0, cost 30; b: place 1, cost 10 */
    G.place[0][0] = 0, G.count[0][0] = 1, G.cost[0][0] = 30;
    G.place[0][1] = 1, G.count[0][1] = 1, G.cost[0][1] = 10;
    G.ncols[1] = 2; /* c: place 1, cost 5; d: unmatched, 60 */
    G.place[1][0] = 1, G.count[1][0] = 1, G.cost[1][0] = 5;
    G.place[1][1] = 0, G.count[1][1] = 0, G.cost[1][1] = 60;
    /* optimum: a + c = 35 (b + d = 70) */
    assert_true(fabs(optimum(&G) - 35) < 1e-9);
    unsigned char with[MAX_UNITS * MAX_COLS + 1];
    unsigned char without[MAX_UNITS * MAX_COLS + 1];
    restart_of(&G, 36, 1, with);
    restart_of(&G, 36, 0, without);
    check_sound(&G, 36, with, -1);
    assert_false(with[col_of(1, 1)]);  /* d */
    assert_false(with[col_of(0, 1)]);  /* b, by propagation */
    assert_true(with[col_of(0, 0)]);   /* a */
    assert_true(with[col_of(1, 0)]);   /* c */
    assert_true(without[col_of(0, 1)]); /* reduced costs alone keep b */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restart_sound),
        cmocka_unit_test(test_restart_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

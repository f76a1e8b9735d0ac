/* Our Gomory cuts (solver/gomory.c) and Driebeck-Tomlin branching
 * (solver/branch.c) against GLPK's own: the same cuts on random LPs, to
 * the last bit, and the same search (nodes, optimum) when they replace
 * GLPK's in its branch and bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define GLP_UNDOC 1 /* glp_gmi_gen, to compare with */
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "branch.h"
#include "gomory.h"
#include "ios.h"

static unsigned next(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

static int pick(unsigned *s, int lo, int hi)
{
    return lo + (int)(next(s) % (unsigned)(hi - lo + 1));
}

/* A random row over n columns at the point x0: sum a x within bounds
 * that x0 meets (so the MIP is feasible). */
static void add_row(glp_prob *P, unsigned *s, int n, const double *x0,
                    int allow_fixed)
{
    int *ind = malloc(((size_t)n + 1) * sizeof *ind);
    double *val = malloc(((size_t)n + 1) * sizeof *val);
    int len = 0;
    double ax = 0;
    for (int j = 1; j <= n; j++)
        if (pick(s, 0, 2) == 0) {
            int a = pick(s, -4, 5);
            if (a == 0)
                a = 3;
            ind[++len] = j;
            val[len] = a;
            ax += a * x0[j];
        }
    int i = glp_add_rows(P, 1);
    glp_set_mat_row(P, i, len, ind, val);
    int kind = pick(s, 0, allow_fixed ? 9 : 7);
    double slack = pick(s, 0, 3) + 0.5 * pick(s, 0, 1);
    if (kind < 5)
        glp_set_row_bnds(P, i, GLP_UP, 0, ax + slack);
    else if (kind < 7)
        glp_set_row_bnds(P, i, GLP_LO, ax - slack, 0);
    else if (kind < 8)
        glp_set_row_bnds(P, i, GLP_DB, ax - slack, ax + slack + 1);
    else
        glp_set_row_bnds(P, i, GLP_FX, ax, ax);
    free(ind);
    free(val);
}

/* A random MIP (general and binary integers, continuous columns, a few
 * fixed) with a known feasible point. */
static glp_prob *random_mip(unsigned *s, int m, int n, double *x0)
{
    glp_prob *P = glp_create_prob();
    glp_set_obj_dir(P, GLP_MIN);
    glp_add_cols(P, n);
    for (int j = 1; j <= n; j++) {
        int kind = pick(s, 0, 19);
        int ub = kind < 10 ? 1 : pick(s, 2, 4);
        x0[j] = pick(s, 0, ub);
        glp_set_col_kind(P, j, kind < 16 ? GLP_IV : GLP_CV);
        if (kind == 19)
            glp_set_col_bnds(P, j, GLP_FX, x0[j], x0[j]);
        else
            glp_set_col_bnds(P, j, GLP_DB, 0, ub);
        glp_set_obj_coef(P, j, pick(s, -10, 10));
    }
    for (int i = 0; i < m; i++)
        add_row(P, s, n, x0, 1);
    return P;
}

/* A random instance with its feasible point, n and m in the ranges. */
typedef struct instance {
    glp_prob *P;
    double *x0;
    int n, m;
} instance;

static instance random_instance(unsigned *s, int nlo, int nhi, int mlo,
                                int mhi)
{
    instance I;
    I.n = pick(s, nlo, nhi);
    I.m = pick(s, mlo, mhi);
    I.x0 = malloc(((size_t)I.n + 1) * sizeof *I.x0);
    I.P = random_mip(s, I.m, I.n, I.x0);
    return I;
}

static void instance_free(instance *I)
{
    glp_delete_prob(I->P);
    free(I->x0);
}

/* P's LP by the simplex, quietly: 1 when optimal. */
static int solve_lp(glp_prob *P)
{
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    return glp_simplex(P, &sm) == 0 && glp_get_status(P) == GLP_OPT;
}

static void to_pool(void *info, int len, const int *ind, const double *val,
                    double rhs)
{
    glp_prob *pool = info;
    int i = glp_add_rows(pool, 1);
    glp_set_row_bnds(pool, i, GLP_LO, rhs, 0);
    glp_set_mat_row(pool, i, len, ind, val);
}

/* The two pools hold the same cuts, row by row. */
static void same_pools(glp_prob *a, glp_prob *b, int n)
{
    assert_int_equal(glp_get_num_rows(a), glp_get_num_rows(b));
    double *va = calloc((size_t)n + 1, sizeof *va);
    double *vb = calloc((size_t)n + 1, sizeof *vb);
    int *ind = malloc(((size_t)n + 1) * sizeof *ind);
    double *val = malloc(((size_t)n + 1) * sizeof *val);
    for (int i = 1; i <= glp_get_num_rows(a); i++) {
        for (int j = 1; j <= n; j++)
            va[j] = vb[j] = 0;
        int la = glp_get_mat_row(a, i, ind, val);
        for (int k = 1; k <= la; k++)
            va[ind[k]] = val[k];
        int lb = glp_get_mat_row(b, i, ind, val);
        for (int k = 1; k <= lb; k++)
            vb[ind[k]] = val[k];
        assert_int_equal(la, lb);
        for (int j = 1; j <= n; j++)
            assert_true(va[j] == vb[j]); /* to the last bit */
        double ra = glp_get_row_lb(a, i), rb = glp_get_row_lb(b, i);
        assert_true(ra == rb);
    }
    free(va), free(vb), free(ind), free(val);
}

static glp_prob *pool_for(int n)
{
    glp_prob *pool = glp_create_prob();
    glp_add_cols(pool, n);
    return pool;
}

/* One round on P's LP: GLPK's glp_gmi_gen and ours give the same cuts.
 * Returns how many. */
static int compare_round(pm_gomory *G, glp_prob *P)
{
    if (!solve_lp(P))
        return 0;
    int n = glp_get_num_cols(P);
    glp_prob *theirs = pool_for(n), *ours = pool_for(n);
    int k = glp_gmi_gen(P, theirs, 50);
    assert_int_equal(pm_gomory_round(G, P, 50, to_pool, ours), k);
    same_pools(theirs, ours, n);
    glp_delete_prob(theirs);
    glp_delete_prob(ours);
    return k;
}

static void test_same_cuts(void **state)
{
    (void)state;
    glp_term_out(GLP_OFF);
    unsigned s = 7;
    long cuts = 0;
    for (int t = 0; t < 300; t++) {
        instance I = random_instance(&s, 5, 60, 2, 25);
        pm_gomory G = {0};
        pm_tableau Tb;
        assert_true(pm_tableau_init(&Tb, I.P));
        assert_true(pm_gomory_begin(&G, I.P, &Tb));
        cuts += compare_round(&G, I.P);
        /* rows added after the first round, as cuts are */
        for (int r = pick(&s, 1, 4); r > 0; r--)
            add_row(I.P, &s, I.n, I.x0, 0);
        cuts += compare_round(&G, I.P);
        pm_gomory_free(&G);
        pm_tableau_free(&Tb);
        instance_free(&I);
    }
    assert_true(cuts > 1000); /* the comparison saw real cuts */
    glp_free_env();
}

/* Every tableau row of a random LP as glp_eval_tab_row gives it. */
static void test_same_rows(void **state)
{
    (void)state;
    glp_term_out(GLP_OFF);
    unsigned s = 5;
    long rows = 0;
    for (int t = 0; t < 200; t++) {
        instance I = random_instance(&s, 5, 60, 2, 25);
        int n = I.n, m = I.m;
        pm_tableau Tb;
        assert_true(pm_tableau_init(&Tb, I.P));
        if (solve_lp(I.P)) {
            assert_true(pm_tableau_read(&Tb, I.P));
            int *ia = malloc(((size_t)m + n + 1) * sizeof *ia);
            int *ib = malloc(((size_t)m + n + 1) * sizeof *ib);
            double *va = malloc(((size_t)m + n + 1) * sizeof *va);
            double *vb = malloc(((size_t)m + n + 1) * sizeof *vb);
            for (int j = 1; j <= n; j++) {
                if (glp_get_col_stat(I.P, j) != GLP_BS)
                    continue;
                int la = glp_eval_tab_row(I.P, m + j, ia, va);
                int lb = pm_tableau_eval(&Tb, I.P, j, ib, vb);
                assert_int_equal(la, lb);
                for (int k = 1; k <= la; k++) {
                    assert_int_equal(ia[k], ib[k]);
                    assert_true(va[k] == vb[k]);
                }
                rows++;
            }
            free(ia), free(ib), free(va), free(vb);
        }
        pm_tableau_free(&Tb);
        instance_free(&I);
    }
    assert_true(rows > 500);
    glp_free_env();
}

/* The branching's dual ratio test against glp_dual_rtest, both ways, on
 * every tableau row of random LPs. */
static void test_same_ratio_tests(void **state)
{
    (void)state;
    glp_term_out(GLP_OFF);
    unsigned s = 11;
    long tests = 0, pivots = 0;
    for (int t = 0; t < 200; t++) {
        instance I = random_instance(&s, 5, 60, 2, 25);
        pm_tableau Tb;
        pm_branch B = {0};
        assert_true(pm_tableau_init(&Tb, I.P));
        if (solve_lp(I.P)) {
            assert_true(pm_branch_read(&B, &Tb, I.P));
            for (int j = 1; j <= I.n; j++) {
                if (glp_get_col_stat(I.P, j) != GLP_BS)
                    continue;
                int len = pm_tableau_eval(&Tb, I.P, j, B.ind, B.val);
                for (int dir = -1; dir <= 1; dir += 2) {
                    int theirs = glp_dual_rtest(I.P, len, B.ind, B.val, dir,
                                                1e-9);
                    assert_int_equal(pm_branch_rtest(&B, &Tb, len, dir),
                                     theirs);
                    tests++;
                    pivots += theirs != 0;
                }
            }
        }
        pm_branch_free(&B);
        pm_tableau_free(&Tb);
        instance_free(&I);
    }
    assert_true(tests > 1000 && pivots > 500);
    glp_free_env();
}

typedef struct search {
    pm_gomory *G; /* NULL: GLPK's own cuts */
    pm_branch *B; /* NULL: GLPK's own branching */
    pm_tableau *Tb;
    pm_ios *ios;  /* all of ios.h (G, B, Tb NULL), taking over take */
    unsigned take;
    long nodes;
    uint64_t trace; /* rows and LP value at every branching */
    long pool_rows; /* cuts the pool added (ios)                */
    long pre_done, pre_handed, pre_tightened; /* (ios: prepro.h)  */
} search;

static void trace(search *S, glp_tree *T)
{
    glp_prob *P = glp_ios_get_prob(T);
    double z = glp_get_obj_val(P);
    uint64_t bits;
    memcpy(&bits, &z, sizeof bits);
    S->trace = (S->trace ^ bits ^ (uint64_t)glp_get_num_rows(P) << 40) *
               1099511628211ull;
}

static void count_cb(glp_tree *T, void *info)
{
    search *S = info;
    int active, alive, total;
    glp_ios_tree_size(T, &active, &alive, &total);
    if (total > S->nodes)
        S->nodes = total;
    if (glp_ios_reason(T) == GLP_IBRANCH)
        trace(S, T);
    if (S->ios)
        pm_ios_cb(S->ios, T, 0);
    if (S->G)
        pm_gomory_cb(S->G, T, 0);
    if (S->B && glp_ios_reason(T) == GLP_IBRANCH)
        pm_branch_drtom(S->B, S->Tb, T);
}

/* Branch and bound over P with GLPK's Gomory cuts and branching, or with
 * ours (S->G, S->B); P's solution is left in it. */
static long search_with(glp_prob *P, search *S, int *status)
{
    glp_std_basis(P);
    assert_true(solve_lp(P));
    if (S->Tb)
        assert_true(pm_tableau_init(S->Tb, P));
    if (S->G)
        assert_true(pm_gomory_begin(S->G, P, S->Tb));
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    io.cb_func = count_cb;
    io.cb_info = S;
    io.br_tech = GLP_BR_DTH;
    io.bt_tech = GLP_BT_BLB;
    io.gmi_cuts = S->G ? GLP_OFF : GLP_ON;
    io.mir_cuts = GLP_ON;
    if (S->ios) {
        pm_ios_begin(S->ios, P, &io, S->take);
        assert_true(S->ios->pooled == ((S->take & PM_IOS_POOL) != 0));
        assert_true((io.mir_cuts == GLP_OFF) == S->ios->pooled);
        assert_true((io.pp_tech == GLP_PP_NONE) ==
                    ((S->take & PM_IOS_PREPRO) != 0));
    }
    assert_int_equal(glp_intopt(P, &io), 0);
    if (S->ios) {
        S->pool_rows = S->ios->pool.added;
        S->pre_done = S->ios->pp.done;
        S->pre_handed = S->ios->pp.handed;
        S->pre_tightened = S->ios->pp.tightened;
        pm_ios_free(S->ios, 0);
    }
    *status = glp_mip_status(P);
    if (S->Tb)
        pm_tableau_free(S->Tb);
    return S->nodes;
}

/* GLPK's search, then ours with our cuts (mode 1), our branching (2),
 * both (3), or all of ios.h (4 + take: 4, its cut pool, its choice of
 * cuts and the MIR cuts made from the callback too; 6, its node
 * preprocessing; 7, both): the same nodes, the same rows and LP value at
 * every branching, and the same optimum. */
static void same_search(int mode, unsigned seed, int count)
{
    glp_term_out(GLP_OFF);
    unsigned s = seed;
    int same = 0, searched = 0, branched = 0;
    long chosen = 0, pooled = 0, pre[3] = {0};
    for (int t = 0; t < count; t++) {
        instance I = random_instance(&s, 12, mode >= 4 ? 40 : 36, 6,
                                     mode >= 4 ? 18 : 16);
        int st_glpk, st_ours;
        search theirs = {0};
        long nodes_glpk = search_with(I.P, &theirs, &st_glpk);
        double z_glpk = glp_mip_obj_val(I.P);
        pm_gomory G = {0};
        pm_branch B = {0};
        pm_tableau Tb;
        pm_ios ios = {0};
        search ours = {.G = mode & 1 ? &G : NULL, .B = mode & 2 ? &B : NULL,
                       .Tb = &Tb};
        if (mode >= 4)
            ours = (search){.ios = &ios, .take = (unsigned)mode - 4};
        long nodes_ours = search_with(I.P, &ours, &st_ours);
        double z_ours = glp_mip_obj_val(I.P);
        assert_int_equal(st_glpk, GLP_OPT); /* x0 is feasible */
        assert_int_equal(st_ours, GLP_OPT);
        assert_true(z_glpk == z_ours);
        searched++;
        branched += nodes_glpk > 1;
        same += nodes_glpk == nodes_ours && theirs.trace == ours.trace;
        chosen += B.chosen;
        pooled += ours.pool_rows;
        pre[0] += ours.pre_done, pre[1] += ours.pre_handed;
        pre[2] += ours.pre_tightened;
        pm_gomory_free(&G);
        pm_branch_free(&B);
        instance_free(&I);
    }
    printf("same search (mode %d): %d of %d searches alike (%d branched, "
           "%ld branchings ours, %ld cuts by our pool, %ld nodes "
           "preprocessed by us, %ld by GLPK, %ld bounds tightened)\n", mode,
           same, searched, branched, chosen, pooled, pre[0], pre[1], pre[2]);
    assert_true(branched >= 15);
    assert_true(!(mode == 2 || mode == 3) || chosen >= 100);
    assert_true(!(mode == 5 || mode == 7) || pooled >= 500);
    assert_true(!(mode == 6 || mode == 7) ||
                (pre[0] >= 500 && pre[1] >= 10 && pre[2] >= 500));
    assert_int_equal(same, searched);
    glp_free_env();
}

static void test_same_search_cuts(void **state)
{
    (void)state;
    same_search(1, 11, 60);
}

static void test_same_search_branching(void **state)
{
    (void)state;
    same_search(2, 13, 60);
}

static void test_same_search_both(void **state)
{
    (void)state;
    same_search(3, 17, 60);
}

static void test_same_search_pool(void **state)
{
    (void)state;
    same_search(4 + PM_IOS_POOL, 23, 80);
}

static void test_same_search_prepro(void **state)
{
    (void)state;
    same_search(4 + PM_IOS_PREPRO, 29, 80);
}

static void test_same_search_all(void **state)
{
    (void)state;
    same_search(4 + PM_IOS_POOL + PM_IOS_PREPRO, 31, 80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_cuts),
        cmocka_unit_test(test_same_rows),
        cmocka_unit_test(test_same_ratio_tests),
        cmocka_unit_test(test_same_search_cuts),
        cmocka_unit_test(test_same_search_branching),
        cmocka_unit_test(test_same_search_both),
        cmocka_unit_test(test_same_search_pool),
        cmocka_unit_test(test_same_search_prepro),
        cmocka_unit_test(test_same_search_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

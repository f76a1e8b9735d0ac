#include "prepro.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* glpios03.c's passes per row: at the root, and at every other node */
#define PASSES_ROOT 100
#define PASSES_NODE 10

void pm_prepro_free(pm_prepro *R)
{
    void **blocks[] = {
        (void **)&R->rbeg, (void **)&R->rind, (void **)&R->rval,
        (void **)&R->cbeg, (void **)&R->crow, (void **)&R->L,
        (void **)&R->U,
        (void **)&R->l,    (void **)&R->u,    (void **)&R->lb,
        (void **)&R->ub,   (void **)&R->list, (void **)&R->pass,
        (void **)&R->mark, (void **)&R->integer, (void **)&R->l0,
        (void **)&R->u0,   (void **)&R->type};
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
        free(*blocks[i]);
    pm_cutrows_free(&R->cut);
    memset(R, 0, sizeof *R);
}

int pm_prepro_begin(pm_prepro *R, glp_prob *P, glp_iocp *io)
{
    pm_prepro_free(R);
    if (io->pp_tech != GLP_PP_ROOT && io->pp_tech != GLP_PP_ALL)
        return 1;
    R->n = glp_get_num_cols(P);
    size_t n1 = (size_t)R->n + 1;
    R->l = malloc(n1 * sizeof *R->l);
    R->u = malloc(n1 * sizeof *R->u);
    R->lb = malloc(n1 * sizeof *R->lb);
    R->ub = malloc(n1 * sizeof *R->ub);
    R->integer = malloc(n1);
    R->l0 = malloc(n1 * sizeof *R->l0);
    R->u0 = malloc(n1 * sizeof *R->u0);
    R->type = malloc(n1 * sizeof *R->type);
    if (!R->l || !R->u || !R->lb || !R->ub || !R->integer ||
        !R->l0 || !R->u0 || !R->type) {
        pm_prepro_free(R);
        return 0;
    }
    R->io = io;
    R->tech = io->pp_tech;
    io->pp_tech = GLP_PP_NONE;
    return 1;
}

/* ---- the programme's rows, in GLPK's order -------------------------- */

/* The objective (row 0: its nonzero coefficients, by column) and rows
 * 1..m0 as glp_get_mat_row lists them; then the same by column, each
 * column's rows as glp_get_mat_col lists them; and which columns are
 * integer. */
static int read_rows(pm_prepro *R, glp_prob *P)
{
    int m0 = glp_get_num_rows(P), n = R->n, nz = 0;
    for (int j = 1; j <= n; j++)
        nz += (glp_get_obj_coef(P, j) != 0.0) +
              glp_get_mat_col(P, j, NULL, NULL);
    if (!pm_regrow((void **)&R->rbeg, (size_t)m0 + 2, sizeof *R->rbeg) ||
        !pm_regrow((void **)&R->rind, (size_t)nz + 1, sizeof *R->rind) ||
        !pm_regrow((void **)&R->rval, (size_t)nz + 1, sizeof *R->rval) ||
        !pm_regrow((void **)&R->cbeg, (size_t)n + 2, sizeof *R->cbeg) ||
        !pm_regrow((void **)&R->crow, (size_t)nz + 1, sizeof *R->crow))
        return 0;
    /* entries from index 1, as GLPK's getters write them */
    int at = 1;
    R->rbeg[0] = at;
    for (int j = 1; j <= n; j++) {
        double c = glp_get_obj_coef(P, j);
        if (c != 0.0) {
            R->rind[at] = j;
            R->rval[at++] = c;
        }
    }
    for (int i = 1; i <= m0; i++) {
        R->rbeg[i] = at;
        /* (glp_get_mat_row writes from index 1) */
        at += glp_get_mat_row(P, i, R->rind + at - 1, R->rval + at - 1);
    }
    R->rbeg[m0 + 1] = at;
    at = 1;
    for (int j = 1; j <= n; j++) {
        R->cbeg[j] = at;
        at += glp_get_mat_col(P, j, R->crow + at - 1, NULL);
    }
    R->cbeg[n + 1] = at;
    for (int j = 1; j <= n; j++) /* (kinds do not change in a search) */
        R->integer[j] = glp_get_col_kind(P, j) != GLP_CV;
    R->m0 = m0;
    pm_cutrows_free(&R->cut); /* (read again while m0 is 0) */
    return pm_cutrows_init(&R->cut, n, m0);
}

static int row_of(const pm_prepro *R, int i, const int **ind,
                  const double **val)
{
    if (i <= R->m0) {
        *ind = R->rind + R->rbeg[i];
        *val = R->rval + R->rbeg[i];
        return R->rbeg[i + 1] - R->rbeg[i];
    }
    return pm_cutrows_row(&R->cut, i, ind, val);
}

/* ---- the propagation (glpios02.c's arithmetic) ---------------------- */

/* A row's least and greatest activity under its columns' bounds: where
 * one term is unbounded, which entry (from 1; 0: none, or the sum is
 * infinite) */
typedef struct activity {
    double f_min, f_max;
    int k_min, k_max;
} activity;

static void row_activity(int len, const double *a, const double *lb,
                         const double *ub, activity *f)
{
    /* both sums in one pass, each in GLPK's order, each given up at its
     * second unbounded term */
    double lo = 0.0, hi = 0.0;
    int at_lo = 0, at_hi = 0, lo_done = 0, hi_done = 0;
    for (int k = 0; k < len && !(lo_done && hi_done); k++) {
        double b_lo = a[k] > 0.0 ? lb[k] : ub[k];
        double b_hi = a[k] > 0.0 ? ub[k] : lb[k];
        if (lo_done) {
        } else if (fabs(b_lo) != DBL_MAX) {
            lo += a[k] * b_lo;
        } else if (at_lo) {
            lo = -DBL_MAX, at_lo = 0, lo_done = 1;
        } else {
            at_lo = k + 1;
        }
        if (hi_done) {
        } else if (fabs(b_hi) != DBL_MAX) {
            hi += a[k] * b_hi;
        } else if (at_hi) {
            hi = +DBL_MAX, at_hi = 0, hi_done = 1;
        } else {
            at_hi = k + 1;
        }
    }
    f->f_min = lo, f->k_min = at_lo;
    f->f_max = hi, f->k_max = at_hi;
}

/* The row's bounds L and U checked against its activity: 1 when it
 * cannot be met; a bound that cannot be active is dropped. */
static int check_row(const activity *f, double *L, double *U)
{
    double LL = f->k_min == 0 ? f->f_min : -DBL_MAX;
    double UU = f->k_max == 0 ? f->f_max : +DBL_MAX;
    if (*L != -DBL_MAX && UU < *L - 1e-3 * (1.0 + fabs(*L)))
        return 1;
    if (*U != +DBL_MAX && LL > *U + 1e-3 * (1.0 + fabs(*U)))
        return 1;
    if (*L != -DBL_MAX && LL > *L - 1e-12 * (1.0 + fabs(*L)))
        *L = -DBL_MAX;
    if (*U != +DBL_MAX && UU < *U + 1e-12 * (1.0 + fabs(*U)))
        *U = +DBL_MAX;
    return 0;
}

/* The bounds entry k's column takes from the row (L, U and the others'
 * bounds), into *ll and *uu. */
static void implied(const activity *f, const double *a, double L, double U,
                    const double *lb, const double *ub, int k, double *ll,
                    double *uu)
{
    double ilb = -DBL_MAX, iub = +DBL_MAX;
    if (L != -DBL_MAX && f->f_max != +DBL_MAX) {
        if (f->k_max == 0)
            ilb = L - (f->f_max - a[k] * (a[k] > 0.0 ? ub[k] : lb[k]));
        else if (f->k_max == k + 1)
            ilb = L - f->f_max;
    }
    if (U != +DBL_MAX && f->f_min != -DBL_MAX) {
        if (f->k_min == 0)
            iub = U - (f->f_min - a[k] * (a[k] > 0.0 ? lb[k] : ub[k]));
        else if (f->k_min == k + 1)
            iub = U - f->f_min;
    }
    if (fabs(a[k]) < 1e-6) { /* (GLPK: too small to divide by safely) */
        *ll = -DBL_MAX, *uu = +DBL_MAX;
    } else if (a[k] > 0.0) {
        *ll = ilb == -DBL_MAX ? -DBL_MAX : ilb / a[k];
        *uu = iub == +DBL_MAX ? +DBL_MAX : iub / a[k];
    } else {
        *ll = iub == +DBL_MAX ? -DBL_MAX : iub / a[k];
        *uu = ilb == -DBL_MAX ? +DBL_MAX : ilb / a[k];
    }
}

/* Entry k's column: its bounds tightened by the row into *lj and *uj
 * (rounded for an integer column, kept in order); 1 when the row and
 * its bounds cannot both hold. */
static int check_col(const activity *f, const double *a, double L, double U,
                     const double *lb, const double *ub, int integer, int k,
                     double *lj_, double *uj_)
{
    double lj = lb[k], uj = ub[k], ll, uu;
    implied(f, a, L, U, lb, ub, k, &ll, &uu);
    if (integer) {
        if (ll != -DBL_MAX)
            ll = ll - floor(ll) < 1e-3 ? floor(ll) : ceil(ll);
        if (uu != +DBL_MAX)
            uu = ceil(uu) - uu < 1e-3 ? ceil(uu) : floor(uu);
    }
    if (lj != -DBL_MAX && uu < lj - 1e-3 * (1.0 + fabs(lj)))
        return 1;
    if (uj != +DBL_MAX && ll > uj + 1e-3 * (1.0 + fabs(uj)))
        return 1;
    if (ll != -DBL_MAX && lj < ll - 1e-3 * (1.0 + fabs(ll)))
        lj = ll;
    if (uu != +DBL_MAX && uj > uu + 1e-3 * (1.0 + fabs(uu)))
        uj = uu;
    if (lj != -DBL_MAX && uj != +DBL_MAX) {
        double t1 = fabs(lj), t2 = fabs(uj);
        if (lj > uj - 1e-10 * (1.0 + (t1 <= t2 ? t1 : t2))) {
            if (lj == lb[k])
                uj = lj;
            else if (uj == ub[k])
                lj = uj;
            else if (t1 <= t2)
                uj = lj;
            else
                lj = uj;
        }
    }
    *lj_ = lj, *uj_ = uj;
    return 0;
}

/* A term's width over its column's finite bounds, and its size (the
 * scale of its rounding error). */
static inline void term_width(double a, double l, double u, double *w,
                              double *size)
{
    *w = fabs(a) * (u - l);
    *size = *w + fabs(a) * (fabs(l) + fabs(u));
}

/* Whether the row's slack on each side in play exceeds a term of width
 * w and size by far more than any rounding error: then that term's
 * column takes no bound from it (may_bound and none_bound share this
 * test, which none_bound's argument needs). */
static inline int roomy(const activity *f, double L, double U, int side_l,
                        int side_u, double w, double size)
{
    if (side_l &&
        !(f->f_max - L > w + 1e-9 * (1.0 + size + fabs(L) + fabs(f->f_max))))
        return 0;
    if (side_u &&
        !(U - f->f_min > w + 1e-9 * (1.0 + size + fabs(U) + fabs(f->f_min))))
        return 0;
    return 1;
}

/* Whether entry k's column can take a bound from the row at all: 0 when
 * check_col would leave its bounds as they are, whatever the rounding
 * (the row's slack on each side exceeds the term's whole width by far
 * more than any rounding error), so that the dense cut rows, taken up
 * again and again, cost a few operations an entry. */
static int may_bound(const activity *f, const double *a, double L, double U,
                     const double *lb, const double *ub, int integer, int k)
{
    if (fabs(a[k]) < 1e-6)
        return 0; /* (check_col: no implied bound) */
    int side_l = L != -DBL_MAX && f->f_max != +DBL_MAX &&
                 (f->k_max == 0 || f->k_max == k + 1);
    int side_u = U != +DBL_MAX && f->f_min != -DBL_MAX &&
                 (f->k_min == 0 || f->k_min == k + 1);
    if (!side_l && !side_u)
        return 0;
    double l = lb[k], u = ub[k];
    if ((side_l && f->k_max) || (side_u && f->k_min) || l == -DBL_MAX ||
        u == +DBL_MAX || (integer && (l != floor(l) || u != floor(u))))
        return 1;
    double w, size;
    term_width(a[k], l, u, &w, &size);
    return !roomy(f, L, U, side_l, side_u, w, size);
}

/* Whether no entry of the row can take a bound from it: may_bound is 0
 * for every k, judged from the row's widest term (w and size at their
 * largest make each side's test only stricter, in floating point too,
 * since every step of it is monotone).  A dense cut row with room on
 * both sides, taken up again and again, then costs this pass instead of
 * may_bound at every entry.  0 says only: look at each entry. */
static int none_bound(const activity *f, const double *a, double L, double U,
                      const double *lb, const double *ub, int len)
{
    int side_l = L != -DBL_MAX && f->f_max != +DBL_MAX;
    int side_u = U != +DBL_MAX && f->f_min != -DBL_MAX;
    if (!side_l && !side_u)
        return 1;
    if ((side_l && f->k_max) || (side_u && f->k_min))
        return 0;
    double w = 0.0, size = 0.0;
    for (int k = 0; k < len; k++) {
        double l = lb[k], u = ub[k], wk, sk;
        if (l == -DBL_MAX || u == +DBL_MAX)
            return 0;
        term_width(a[k], l, u, &wk, &sk);
        w = wk > w ? wk : w;
        size = sk > size ? sk : size;
    }
    return roomy(f, L, U, side_l, side_u, w, size);
}

/* How many of the column's bounds moved enough (from l, u to ll, uu)
 * for its rows to be taken up again. */
static int moved(int integer, double l, double u, double ll, double uu)
{
    int eff = 0;
    if (l < ll) {
        double r = u == +DBL_MAX ? 1.0 + fabs(l) : 1.0 + (u - l);
        eff += integer || l == -DBL_MAX || ll - l >= 0.25 * r;
    }
    if (u > uu) {
        double r = l == -DBL_MAX ? 1.0 + fabs(u) : 1.0 + (u - l);
        eff += integer || u == +DBL_MAX || u - uu >= 0.25 * r;
    }
    return eff;
}

/* Column j's rows back on the list (GLPK's order: its cut rows, newest
 * first, then its own), where they have passes left and a bound. */
static void requeue(pm_prepro *R, int j, int max_pass, int *size)
{
    const pm_cutrows *X = &R->cut;
    const int *rows[2] = {X->crow + X->cbeg[j], R->crow + R->cbeg[j]};
    int len[2] = {X->cbeg[j + 1] - X->cbeg[j], R->cbeg[j + 1] - R->cbeg[j]};
    for (int s = 0; s < 2; s++)
        for (int t = 0; t < len[s]; t++) {
            int ii = rows[s][t];
            if (R->pass[ii] >= max_pass ||
                (R->L[ii] == -DBL_MAX && R->U[ii] == +DBL_MAX) || R->mark[ii])
                continue;
            R->list[++*size] = ii;
            R->mark[ii] = 1;
        }
}

/* Row i taken up once: 1 when infeasible. */
static int take_up(pm_prepro *R, int i, int max_pass, int *size)
{
    const int *ind;
    const double *a;
    int len = row_of(R, i, &ind, &a);
    for (int k = 0; k < len; k++)
        R->lb[k] = R->l[ind[k]], R->ub[k] = R->u[ind[k]];
    activity f;
    row_activity(len, a, R->lb, R->ub, &f);
    if (check_row(&f, &R->L[i], &R->U[i]))
        return 1;
    if (R->L[i] == -DBL_MAX && R->U[i] == +DBL_MAX)
        return 0;
    if (!R->frac_int && none_bound(&f, a, R->L[i], R->U[i], R->lb, R->ub, len))
        return 0;
    for (int k = 0; k < len; k++) {
        int j = ind[k];
        double ll, uu;
        if (!may_bound(&f, a, R->L[i], R->U[i], R->lb, R->ub, R->integer[j], k))
            continue;
        if (check_col(&f, a, R->L[i], R->U[i], R->lb, R->ub, R->integer[j], k,
                      &ll, &uu))
            return 1;
        int eff = moved(R->integer[j], R->l[j], R->u[j], ll, uu);
        R->l[j] = ll, R->u[j] = uu;
        R->frac_int |= R->integer[j] && (ll != floor(ll) || uu != floor(uu));
        if (eff > 0)
            requeue(R, j, max_pass, size);
    }
    return 0;
}

/* basic_preprocessing's loop: rows 0 (the objective's cut-off) to m go
 * on a stack, so row m is taken up first; each taken row may put others
 * back.  1 when the node is infeasible. */
static int propagate(pm_prepro *R, int m, int max_pass)
{
    int size = 0;
    for (int i = 0; i <= m; i++) {
        R->list[++size] = i;
        R->mark[i] = 1;
        R->pass[i] = 0;
    }
    while (size > 0) {
        int i = R->list[size--];
        R->mark[i] = 0;
        R->pass[i]++;
        if (R->L[i] == -DBL_MAX && R->U[i] == +DBL_MAX)
            continue;
        if (take_up(R, i, max_pass, &size))
            return 1;
    }
    return 0;
}

/* ---- one node --------------------------------------------------------- */

static int fit_rows(pm_prepro *R, int m)
{
    if (m <= R->mcap)
        return 1;
    size_t m2 = (size_t)m + 2;
    if (!pm_regrow((void **)&R->L, m2, sizeof *R->L) ||
        !pm_regrow((void **)&R->U, m2, sizeof *R->U) ||
        !pm_regrow((void **)&R->list, m2, sizeof *R->list) ||
        !pm_regrow((void **)&R->pass, m2, sizeof *R->pass) ||
        !pm_regrow((void **)&R->mark, m2, 1))
        return 0;
    R->mcap = m;
    return 1;
}

/* The bounds as ios_preprocess_node reads them: the objective's row
 * bounded by the incumbent. */
static void read_bounds(pm_prepro *R, glp_prob *P, int m)
{
    R->L[0] = -DBL_MAX, R->U[0] = +DBL_MAX;
    if (glp_mip_status(P) == GLP_FEAS) {
        double cut = glp_mip_obj_val(P) - glp_get_obj_coef(P, 0);
        if (glp_get_obj_dir(P) == GLP_MIN)
            R->U[0] = cut;
        else
            R->L[0] = cut;
    }
    for (int i = 1; i <= m; i++) {
        R->L[i] = glp_get_row_lb(P, i);
        R->U[i] = glp_get_row_ub(P, i);
    }
    R->frac_int = 0;
    for (int j = 1; j <= R->n; j++) {
        double l = R->l[j] = R->l0[j] = glp_get_col_lb(P, j);
        double u = R->u[j] = R->u0[j] = glp_get_col_ub(P, j);
        R->type[j] = glp_get_col_type(P, j);
        R->frac_int |= R->integer[j] && (l != floor(l) || u != floor(u));
    }
}

/* The tightened bounds into P, as ios_preprocess_node sets them (a row's
 * only where it is basic, which keeps the basis dual feasible). */
static void write_bounds(pm_prepro *R, glp_prob *P, int m)
{
    for (int i = 1; i <= m; i++) {
        if (glp_get_row_stat(P, i) != GLP_BS)
            continue;
        double L = R->L[i], U = R->U[i];
        if (L == -DBL_MAX && U == +DBL_MAX)
            glp_set_row_bnds(P, i, GLP_FR, 0.0, 0.0);
        else if (U == +DBL_MAX)
            glp_set_row_bnds(P, i, GLP_LO, L, 0.0);
        else if (L == -DBL_MAX)
            glp_set_row_bnds(P, i, GLP_UP, 0.0, U);
    }
    for (int j = 1; j <= R->n; j++) {
        double l = R->l[j], u = R->u[j];
        int type = l == -DBL_MAX && u == +DBL_MAX ? GLP_FR
                   : u == +DBL_MAX                ? GLP_LO
                   : l == -DBL_MAX                ? GLP_UP
                   : l != u                       ? GLP_DB
                                                  : GLP_FX;
        /* (the same bounds again would change nothing: GLPK keeps a
         * column's status consistent with its type) */
        if (type == R->type[j] && l == R->l0[j] && u == R->u0[j])
            continue;
        R->tightened++;
        glp_set_col_bnds(P, j, type, l, u);
    }
}

/* 1 when done here; 0 when GLPK's own must do this node (an infeasible
 * node, which only GLPK can drop before its LP, or out of memory). */
static int preprocess(pm_prepro *R, glp_prob *P)
{
    int m = glp_get_num_rows(P);
    if (R->m0 == 0 && !read_rows(R, P))
        return 0;
    if (m < R->m0 || !fit_rows(R, m) || !pm_cutrows_read(&R->cut, P, m))
        return 0;
    read_bounds(R, P, m);
    if (propagate(R, m, R->root_done ? PASSES_NODE : PASSES_ROOT))
        return 0;
    write_bounds(R, P, m);
    return 1;
}

void pm_prepro_cb(pm_prepro *R, glp_tree *T)
{
    if (!R->io)
        return;
    int reason = glp_ios_reason(T);
    if (reason == GLP_IBRANCH) {
        R->root_done = 1;
        return;
    }
    if (reason != GLP_IPREPRO)
        return;
    R->io->pp_tech = GLP_PP_NONE;
    if (R->tech == GLP_PP_ROOT && R->root_done)
        return;
    if (preprocess(R, glp_ios_get_prob(T))) {
        R->done++;
    } else {
        R->io->pp_tech = R->tech;
        R->handed++;
    }
}

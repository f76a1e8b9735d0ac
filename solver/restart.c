#include "restart.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

/* Relative slack on ub - z: a column whose reduced cost is a rounding
 * error above it is kept. */
#define KEEP_TOL 1e-7
/* Bound propagation (propagate): a row's relative slack, and the passes
 * over every row at most (600 children: 2-4 passes reach the end). */
#define PROP_TOL 1e-7
#define PROP_PASSES 20
/* out[j] in pm_restart_reduce: ruled out by its reduced cost (dropped),
 * or by propagation (fixed at 0) */
#define REDUCED 1
#define PROPAGATED 2

/* Whether column j of Q (an LP of value z, solved) is 0 in every
 * solution better than ub: fixed at 0, or an integer column nonbasic at 0
 * whose reduced cost exceeds ub - z (it could only be below 1; a
 * continuous one could be positive). */
static int ruled_out(glp_prob *Q, double z, int j, double ub)
{
    if (glp_get_col_stat(Q, j) == GLP_BS)
        return 0;
    if (glp_get_col_type(Q, j) == GLP_FX)
        return glp_get_col_lb(Q, j) == 0;
    if (glp_get_col_kind(Q, j) == GLP_CV || glp_get_col_stat(Q, j) != GLP_NL ||
        glp_get_col_lb(Q, j) != 0)
        return 0;
    return glp_get_col_dual(Q, j) > ub - z + KEEP_TOL * fmax(1, fabs(z));
}

/* Q's free columns an incumbent of objective ub leaves (those fixed there
 * are not free). */
static long count_kept(glp_prob *Q, double z, double ub)
{
    long k = 0;
    for (int j = 1; j <= glp_get_num_cols(Q); j++)
        k += glp_get_col_type(Q, j) != GLP_FX && !ruled_out(Q, z, j, ub);
    return k;
}

/* The root, its cut rounds done and about to branch: the copy keeps its
 * cuts, its bounds (GLPK's fixings), its basis and its reduced costs. */
static void capture(pm_restart *R, glp_prob *mip)
{
    R->root = glp_create_prob();
    glp_copy_prob(R->root, mip, GLP_OFF);
    R->z = glp_get_obj_val(mip);
    R->ub_seen = INFINITY;
}

/* Stops the search for a restart when the incumbent ub leaves at most
 * the share of free_start among Q's columns at its LP value z. */
static void stop_if_due(glp_tree *T, pm_restart *R, glp_prob *Q, double z,
                        double ub)
{
    if ((double)count_kept(Q, z, ub) <= R->share * (double)R->free_start) {
        R->wanted = 1;
        glp_ios_terminate(T);
    }
}

/* At the root after one of its cut rounds: a restart is due already when
 * the incumbent (a good one handed in) leaves few enough columns at this
 * round's bound, and the rounds left then work on those alone. */
static void after_round(glp_tree *T, pm_restart *R, glp_prob *mip)
{
    double ub = glp_mip_obj_val(mip), z = glp_get_obj_val(mip);
    if (!(ub < R->ub_seen || z > R->z_seen))
        return; /* counted already */
    R->z_seen = z;
    stop_if_due(T, R, mip, z, ub);
    if (R->wanted)
        capture(R, mip);
    R->ub_seen = ub; /* (what pm_restart_reduce rules out against) */
}

void pm_restart_begin(pm_restart *R, double share, long free_start)
{
    R->share = share;
    R->free_start = free_start;
    R->ub_seen = INFINITY; /* nothing counted yet */
    R->z_seen = -INFINITY;
}

void pm_restart_cb(glp_tree *T, void *info)
{
    pm_restart *R = info;
    pm_watch *W = R->watch;
    pm_watch_tree(T, W);
    if (R->share <= 0 || R->wanted || pm_watch_stopped(W))
        return; /* (pm_watch_tree stopped it) */
    glp_prob *mip = glp_ios_get_prob(T);
    int p = glp_ios_curr_node(T), reason = glp_ios_reason(T);
    int at_root = p && glp_ios_node_level(T, p) == 0;
    if (!R->root && at_root && reason == GLP_ICUTGEN && R->after_rounds &&
        glp_mip_status(mip) == GLP_FEAS) {
        after_round(T, R, mip);
        return;
    }
    if (!R->root && at_root && reason == GLP_IBRANCH)
        capture(R, mip);
    if (!R->root || glp_mip_status(mip) != GLP_FEAS)
        return;
    double ub = glp_mip_obj_val(mip);
    if (!(ub < R->ub_seen))
        return; /* counted already */
    R->ub_seen = ub;
    stop_if_due(T, R, R->root, R->z, ub);
}

int pm_restart_stopped(const pm_restart *R)
{
    return R->wanted || pm_watch_stopped(R->watch);
}

/* A row of the root's copy, by row, with the bounds of its activity. */
typedef struct rows_csr {
    int m, *beg, *ind;
    double *val, *lo, *up;
} rows_csr;

static void rows_free(rows_csr *A)
{
    free(A->beg), free(A->ind), free(A->val), free(A->lo), free(A->up);
}

/* A bound as GLPK reports it, with its "none" (-DBL_MAX or DBL_MAX) as
 * an infinity. */
static double bound_of(double v)
{
    return v == -DBL_MAX ? -INFINITY : v == DBL_MAX ? INFINITY : v;
}

/* Q's rows (free ones left empty), entries from 1; 0 when memory runs
 * out. */
static int rows_read(glp_prob *Q, rows_csr *A)
{
    int m = A->m = glp_get_num_rows(Q);
    size_t nz = (size_t)glp_get_num_nz(Q) + 1;
    A->beg = malloc(((size_t)m + 2) * sizeof *A->beg);
    A->ind = malloc(nz * sizeof *A->ind);
    A->val = malloc(nz * sizeof *A->val);
    A->lo = malloc(((size_t)m + 1) * sizeof *A->lo);
    A->up = malloc(((size_t)m + 1) * sizeof *A->up);
    if (!A->beg || !A->ind || !A->val || !A->lo || !A->up)
        return 0;
    A->beg[1] = 1;
    for (int i = 1; i <= m; i++) {
        int len = 0;
        A->lo[i] = bound_of(glp_get_row_lb(Q, i));
        A->up[i] = bound_of(glp_get_row_ub(Q, i));
        if (glp_get_row_type(Q, i) != GLP_FR) /* (writes from 1) */
            len = glp_get_mat_row(Q, i, A->ind + A->beg[i] - 1,
                                  A->val + A->beg[i] - 1);
        A->beg[i + 1] = A->beg[i] + len;
    }
    return 1;
}

/* Row i's least and greatest activity over the bounds lo..hi (infinite
 * where a continuous column is unbounded that way). */
static void activity(const rows_csr *A, int i, const double *lo,
                     const double *hi, double *mn, double *mx)
{
    *mn = *mx = 0;
    for (int k = A->beg[i]; k < A->beg[i + 1]; k++) {
        double a = A->val[k];
        int j = A->ind[k];
        *mn += a > 0 ? a * lo[j] : a * hi[j];
        *mx += a > 0 ? a * hi[j] : a * lo[j];
    }
}

/* One pass of bound propagation over row i: a free binary column whose
 * value 1 (or 0) would take the row past a bound is fixed the other way.
 * The activity bounds stay valid while the row's own columns are fixed:
 * each is fixed at the end that the bound it was tested against already
 * counts.  Returns -1 when the row cannot hold, else whether a column was
 * fixed. */
static int propagate_row(const rows_csr *A, int i, const unsigned char *bin,
                         double *lo, double *hi)
{
    double mn, mx, up = A->up[i], low = A->lo[i];
    activity(A, i, lo, hi, &mn, &mx);
    double tu = PROP_TOL * fmax(1, fabs(up)), tl = PROP_TOL * fmax(1, fabs(low));
    if (mn > up + tu || mx < low - tl)
        return -1;
    int by_up = isfinite(up) && isfinite(mn), by_low = isfinite(low) && isfinite(mx);
    int changed = 0;
    for (int k = A->beg[i]; k < A->beg[i + 1] && (by_up || by_low); k++) {
        int j = A->ind[k];
        double a = A->val[k];
        if (!bin[j] || lo[j] == hi[j])
            continue;
        int fix_low;
        if (by_up && mn + fabs(a) > up + tu)
            fix_low = a > 0; /* at 1 (a > 0) or 0 (a < 0) it breaks up */
        else if (by_low && mx - fabs(a) < low - tl)
            fix_low = a < 0;
        else
            continue;
        if (fix_low)
            hi[j] = lo[j];
        else
            lo[j] = hi[j];
        changed = 1;
    }
    return changed;
}

/* Marks in out (1-based, with PROPAGATED) the binary columns of Q that
 * bound propagation over its rows (cuts included) sets to 0, given those
 * out already: a unit's "= 1" row with one column left forces it, its
 * placement is then full for the others, and so on.  All of them are 0
 * in every solution better than the incumbent.  GLPK's preprocessing
 * finds the same at the restarted root, but only after passes over every
 * column (1 s of a 600-child proof's 8).  Leaves out as it was when
 * memory runs out or a row cannot hold (no better solution: the search
 * will find none). */
static void propagate(glp_prob *Q, unsigned char *out)
{
    int n = glp_get_num_cols(Q);
    rows_csr A = {0};
    double *lo = malloc(((size_t)n + 1) * sizeof *lo);
    double *hi = malloc(((size_t)n + 1) * sizeof *hi);
    unsigned char *bin = malloc((size_t)n + 1);
    if (lo && hi && bin && rows_read(Q, &A)) {
        for (int j = 1; j <= n; j++) {
            lo[j] = bound_of(glp_get_col_lb(Q, j));
            hi[j] = bound_of(glp_get_col_ub(Q, j));
            bin[j] = glp_get_col_kind(Q, j) != GLP_CV && lo[j] >= 0 && hi[j] <= 1;
            if (out[j] && lo[j] <= 0)
                hi[j] = 0;
        }
        int changed = 1, bad = 0;
        for (int pass = 0; pass < PROP_PASSES && changed && !bad; pass++) {
            changed = 0;
            for (int i = 1; i <= A.m && !bad; i++) {
                int r = propagate_row(&A, i, bin, lo, hi);
                bad = r < 0;
                changed |= r > 0;
            }
        }
        for (int j = 1; j <= n && !bad; j++)
            if (!out[j] && bin[j] && hi[j] == 0)
                out[j] = PROPAGATED;
    }
    rows_free(&A);
    free(lo), free(hi), free(bin);
}

glp_prob *pm_restart_reduce(pm_restart *R, const double *keep_x, int *kept,
                            int *ncols)
{
    glp_prob *Q = R->root;
    if (!Q)
        return NULL;
    int n = glp_get_num_cols(Q), m = glp_get_num_rows(Q), nk = 0, nd = 0;
    int *del = malloc(((size_t)(n > m ? n : m) + 1) * sizeof *del);
    unsigned char *out = calloc((size_t)n + 1, 1);
    if (out) {
        for (int j = 1; j <= n; j++)
            out[j] = ruled_out(Q, R->z, j, R->ub_seen) ? REDUCED : 0;
        if (R->propagate)
            propagate(Q, out);
    }
    for (int j = 1; j <= n; j++) {
        int o = del && out && keep_x[j] == 0 ? out[j] : 0;
        /* what propagation rules out stays, fixed: GLPK's preprocessing
         * would fix the same at the new root, so its search is the one it
         * would have made (dropped, they changed it: a 600-child proof's
         * tree took 186 nodes instead of 100) */
        if (o == PROPAGATED)
            glp_set_col_bnds(Q, j, GLP_FX, 0, 0);
        if (o == REDUCED)
            del[++nd] = j;
        else
            kept[++nk] = j;
    }
    free(out);
    R->root = NULL;
    R->wanted = 0;
    *ncols = nk;
    if (!del)
        return Q; /* a restart with every column: still valid */
    if (nd > 0)
        glp_del_cols(Q, nd, del);
    /* a row left empty has its slack basic (the basis is nonsingular), so
     * deleting it keeps the basis whole */
    nd = 0;
    for (int i = 1; i <= m; i++)
        if (glp_get_mat_row(Q, i, NULL, NULL) == 0 &&
            glp_get_row_stat(Q, i) == GLP_BS)
            del[++nd] = i;
    if (nd > 0)
        glp_del_rows(Q, nd, del);
    free(del);
    return Q;
}

glp_prob *pm_restart_subset(const pm_restart *R, double theta,
                            const double *keep_x, int *kept, int *ncols)
{
    if (!R->root)
        return NULL;
    pm_restart H = *R; /* (its own copy: pm_restart_reduce consumes it) */
    H.root = glp_create_prob();
    glp_copy_prob(H.root, R->root, GLP_OFF);
    H.ub_seen = R->z + theta;
    return pm_restart_reduce(&H, keep_x, kept, ncols);
}

void pm_restart_free(pm_restart *R, int env_lost)
{
    if (R->root && !env_lost)
        glp_delete_prob(R->root);
    R->root = NULL;
    R->wanted = 0;
}

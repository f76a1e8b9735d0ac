#include "restart.h"

#include <math.h>
#include <stdlib.h>

/* Relative slack on ub - z: a column whose reduced cost is a rounding
 * error above it is kept. */
#define KEEP_TOL 1e-7

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

glp_prob *pm_restart_reduce(pm_restart *R, const double *keep_x, int *kept,
                            int *ncols)
{
    glp_prob *Q = R->root;
    if (!Q)
        return NULL;
    int n = glp_get_num_cols(Q), m = glp_get_num_rows(Q), nk = 0, nd = 0;
    int *del = malloc(((size_t)(n > m ? n : m) + 1) * sizeof *del);
    for (int j = 1; j <= n; j++) {
        if (del && keep_x[j] == 0 && ruled_out(Q, R->z, j, R->ub_seen))
            del[++nd] = j;
        else
            kept[++nk] = j;
    }
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

void pm_restart_free(pm_restart *R, int env_lost)
{
    if (R->root && !env_lost)
        glp_delete_prob(R->root);
    R->root = NULL;
    R->wanted = 0;
}

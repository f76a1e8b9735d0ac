/* Restarts of GLPK's branch and bound over a smaller programme.
 *
 * Once the root's cut rounds are done, its LP value z and reduced costs d
 * rule out, for every solution better than an incumbent of objective ub,
 * each column nonbasic at 0 whose d_j exceeds ub - z, and each column
 * GLPK's own reduced-cost fixing set to 0 there.  GLPK fixes such columns
 * in its nodes but keeps them, and every row, in each node's LP and cut
 * generators: on a 600-child proof, once the tree had found a
 * near-optimal incumbent, 64,000 of its 66,000 columns were fixed and a
 * node still took 0.2-0.3 s.  A restart copies the root's programme
 * (cuts and fixings included), drops those columns and the rows they
 * leave empty, and searches again from the root's basis: the same
 * optimum among the solutions better than ub, since none of them uses a
 * dropped column (the way SCIP restarts after root fixings).  Bound
 * propagation over the copy's rows then fixes at 0 the columns those
 * leave no room for: GLPK's preprocessing would fix the same at the new
 * root, after about a second's passes over every column at 600 children,
 * and so the restarted search is the same, sooner.
 *
 * The share counts against the programme's free columns before the
 * search, not the root's after GLPK's own fixings.  With after_rounds it
 * is checked after each of the root's cut rounds as well, at that round's
 * bound: from a good incumbent, the rounds left then run over the columns
 * it leaves (a 600-child proof's rounds over 56,000 columns went on over
 * 16,000 after its first).
 *
 * Runs under the caller's GLPK hooks: what it allocates is in
 * pm_restart, which pm_restart_free releases after a longjmp too. */
#ifndef PM_RESTART_H
#define PM_RESTART_H

#include <glpk.h>

#include "watch.h"

typedef struct pm_restart {
    /* set by the caller (share and free_start by pm_restart_begin) */
    double share;   /* restart once the incumbent leaves at most this share
                       of free_start (0: never)                            */
    int after_rounds; /* check after each of the root's cut rounds too, not
                       only once they are done                            */
    int propagate;  /* fix at 0 the columns bound propagation over the
                       root's rows rules out (restart.c, propagate)         */
    long free_start; /* the free columns of the programme searched: GLPK's
                       own fixings at the root count as what a restart
                       removes (from the optimum as the start, it fixed
                       46,700 of 50,500 columns there)                      */
    pm_watch *watch; /* called first at every callback (watch.h)          */
    /* the root, once reached (reset by pm_restart_reduce) */
    glp_prob *root; /* copy of the root's programme, cuts included        */
    double z;       /* its LP value                                        */
    double ub_seen; /* the incumbent last counted                          */
    double z_seen;  /* the root's bound last counted, after a cut round    */
    int wanted;     /* glp_intopt was stopped for a restart                */
} pm_restart;

/* Before each search: its share and its programme's free columns; what
 * was counted in an earlier search is forgotten. */
void pm_restart_begin(pm_restart *R, double share, long free_start);

/* glp_iocp.cb_func, with cb_info a pm_restart. */
void pm_restart_cb(glp_tree *T, void *info);

/* Whether the callback (its restart, or the watch's interrupt or node
 * limit) has stopped the search: GLPK ends it when the callback returns. */
int pm_restart_stopped(const pm_restart *R);

/* The root's programme without the columns the incumbent rules out
 * (those where keep_x is nonzero are kept) and the rows they leave empty;
 * kept[k] (1-based, at least as long as the root's columns) gets the
 * root column of the new column k.  The caller owns and deletes the
 * programme returned; NULL when no root was copied.  Resets R for the
 * next search. */
glp_prob *pm_restart_reduce(pm_restart *R, const double *keep_x, int *kept,
                            int *ncols);

/* For a heuristic search over the root (prove.c, dive): a copy of the
 * root's programme without the columns whose reduced cost exceeds theta
 * (those where keep_x is nonzero, and the basic ones, are kept), as
 * pm_restart_reduce but leaving R as it was.  Its integer points are the
 * programme's with the columns left out at 0; theta need not be a gap,
 * so it proves nothing.  NULL when no root was copied. */
glp_prob *pm_restart_subset(const pm_restart *R, double theta,
                            const double *keep_x, int *kept, int *ncols);

/* env_lost: GLPK's environment was freed after a failure. */
void pm_restart_free(pm_restart *R, int env_lost);

#endif

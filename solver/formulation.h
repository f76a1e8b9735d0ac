/* The formulation of MODEL.md as plain arrays -- columns with their costs
 * and bounds, "<=" rows, nonzeros -- built from the compatible arcs (all,
 * or a subset for a neighbourhood), with no solver in sight: model.c loads
 * it into GLPK, and writes it for other solvers.
 * (docs/SOLVER.md has the reasoning.)
 *
 *   x[c,p]  binary, one per compatible arc (a pinned child: one fixed arc)
 *   y[g,p]  binary, group g uses placement p (only where >= 2 members have
 *           an arc to p; elsewhere x itself says whether p is used)
 *   s[g]    continuous >= 0, s[g] >= sum_p y[g,p] - 1  (splits of g)
 *   w[g,p]  binary, >= 2 members of g at p (unlocks sibling-only places)
 *
 *   min  sum (a[c,p] - U) x[c,p] + L sum s[g] + U * |children|
 *   s.t. sum_p x[c,p] <= 1                                   each child
 *        sum_c x[c,p] <= cap[p]                              each p
 *        sum_c x[c,p] - s[p] sum_g w[g,p] <= cap[p] - s[p]   sibling-only p
 *        2 w[g,p] <= sum_{c in g} x[c,p]
 *        x[c,p] <= y[g,p];  sum_{c in g} x[c,p] <= min(cap, n_gp) y[g,p]
 *        x[c,p] + x[d,p] <= 1                                avoid pairs
 *
 * U = unmatched_week, L = sibling_split_week.  Leaving a child unmatched is
 * the slack of its assignment row, so the objective is shifted by U.
 */
#ifndef PM_FORMULATION_H
#define PM_FORMULATION_H

#include "compat.h"

enum col_kind { COL_X, COL_Y, COL_S, COL_W };

typedef struct builder {
    const pm_scenario *sc;
    const pm_arcs *arcs;
    const unsigned char *keep; /* arcs allowed (NULL: all) */
    const unsigned char *fixed; /* children held where they are (NULL: none) */
    int *xcol;        /* arc -> column, 0 when the arc is dropped */
    int ncols, colcap;
    unsigned char *kind;
    int *ca, *cb;     /* X: arc, -; Y/W: group, placement; S: group, - */
    double *cost;
    double *lb, *ub;
    int nrows, rowcap;
    double *rub;      /* every row is "<= rub" */
    int nnz, nzcap;
    int *ia, *ja;
    double *ar;
    int oom;
} builder;

/* Builds the formulation over the arcs in keep (NULL: all).  A child
 * marked in fixed (NULL: none) has its arcs' x fixed to 1 and no row of its
 * own: with keep holding only its incumbent arc, it stays where it is (the
 * neighbourhood search).  PM_ERR_NOMEM when memory runs out (B is then
 * still safe to free). */
pm_status pm_builder_build(builder *B, const pm_scenario *sc,
                           const pm_arcs *arcs, const unsigned char *keep,
                           const unsigned char *fixed);
void pm_builder_free(builder *B);

#endif

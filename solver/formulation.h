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

/* Part of the problem (a neighbourhood of the large-neighbourhood
 * search, the LP-guided search's fractional children): the children in
 * free (ascending) are placed again, over their arcs to the placements in
 * open (NULL: all) and the arcs to hold[c]; every other child stays at
 * hold[c] (a placement or -1) and enters the programme only as what it
 * takes (capacity, and places its avoid pairs rule out) and what it costs
 * (the objective's constant).  A sibling group is wholly free or wholly
 * held.  A region of 1.35 million arcs has neighbourhoods of a few
 * hundred: built this way, one costs its own size, not the estate's. */
typedef struct pm_subproblem {
    const int *free;
    int nfree;
    const unsigned char *open; /* nplacements flags, or NULL */
    const int *hold;           /* every child's placement, or -1 */
} pm_subproblem;

/* Whether free child c's arc i goes where sub lets it: an open placement
 * or its own hold.  (The builder also closes arcs to where a child c must
 * avoid is held; a search's estimate of its size leaves that out.) */
int pm_subproblem_opens(const pm_subproblem *sub, const pm_arcs *arcs, int c,
                        int i);

typedef struct builder {
    const pm_scenario *sc;
    const pm_arcs *arcs;
    const unsigned char *keep; /* arcs allowed (NULL: all) */
    const pm_subproblem *sub;  /* a neighbourhood (NULL: every child) */
    int *slot;        /* child -> offset of its first arc in xcol; -1 held */
    int *xcol;        /* arc -> column, 0 when the arc is dropped */
    int ncols, colcap;
    unsigned char *kind;
    int *ca, *cb;     /* X: arc, child; Y/W: group, placement; S: group, - */
    double *cost;
    double *lb, *ub;
    int nrows, rowcap;
    double *rub;      /* every row is "<= rub" */
    int nnz, nzcap;
    int *ia, *ja;
    double *ar;
    double constant;  /* the objective's: U * |children|, plus the held
                         children's costs in part of the problem */
    int infeasible;   /* part of the problem whose held children break a
                         row that none of its columns is in (at capacity, or
                         avoiders together): no programme can mend that */
    int oom;
} builder;

/* Builds the formulation over the arcs in keep (NULL: all) for every
 * child, or for part of the problem (sub not NULL).
 * PM_ERR_NOMEM when memory runs out (B is then still safe to free). */
pm_status pm_builder_build(builder *B, const pm_scenario *sc,
                           const pm_arcs *arcs, const unsigned char *keep,
                           const pm_subproblem *sub);
void pm_builder_free(builder *B);

#endif

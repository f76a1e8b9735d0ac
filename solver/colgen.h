/* Column generation over sibling-group arrangements (Dantzig-Wolfe), with
 * GLPK as the LP engine: the exact value of the Lagrangian dual that
 * lagrange.c climbs by subgradient steps.
 *
 * Master LP: one column per known arrangement of a unit (a child alone, or
 * a whole sibling group: who goes where, who is unmatched), costed as in
 * MODEL.md (arcs, unmatched, splits); one "= 1" row per unit and one
 * capacity row per placement, one per placement with sibling-only slots
 * (count - sibling_only * [two or more siblings there] <= capacity -
 * sibling_only).  Avoid rows are left out: the master is a relaxation, so
 * its optimum, and L at every price vector tried, is a lower bound on the
 * optimum.
 * Pricing is the groups' own dynamic programme at the master's slot
 * prices; prices are smoothed towards the best bound's (Wentges) to damp
 * the usual zig-zag of the duals.
 *
 * Runs under the caller's GLPK hooks (model.c's error hook longjmps out
 * of GLPK failures): every block it allocates is held in pm_colgen, so
 * the caller can free it after such a jump. */
#ifndef PM_COLGEN_H
#define PM_COLGEN_H

#include "lagrange.h"

typedef struct pm_colgen {
    double bound;   /* best L(mu, sig) seen, -inf before any            */
    double master;  /* last master LP value (an upper bound on the dual) */
    double *mu;     /* nplacements: slot prices at the best bound        */
    double *sig;    /* nplacements: sibling-only prices there (0: none)  */
    int iterations, columns;
    int converged;  /* the bound met the master's value                  */
    /* working state, freed by pm_colgen_free */
    pm_pricer *pr;
    void *lp;       /* glp_prob *                                        */
    int nunits;
    int *sibrow;    /* per placement: its sibling-only row, or 0         */
    double *price, *price_sig, *sep, *sep_sig;
    int *where, *rows;
    double *vals;
    /* each column's unit and arrangement (where, per unit member) */
    int *col_unit, *col_off, *col_where;
    int colcap, nwhere, wherecap;
} pm_colgen;

/* Runs column generation from the prices mu0 (may be NULL) and the
 * arrangements of the assignment `start` (child -> placement or -1; may
 * be NULL), until the bound meets the master's value, max_iter rounds or
 * `seconds` (0: no limit).  PM_ERR_NOMEM on allocation failure; a master
 * that GLPK does not solve leaves the bound found so far. */
pm_status pm_colgen_run(const pm_scenario *sc, const pm_arcs *arcs,
                        const double *mu0, const int *start, int max_iter,
                        double seconds, pm_colgen *cg);
/* mask (one per arc) marks the arcs that the last master solution uses:
 * what the relaxation says the answer is built from.  All zero when no
 * master was solved. */
void pm_colgen_support(const pm_colgen *cg, const pm_arcs *arcs,
                       unsigned char *mask);
/* Frees what cg holds.  env_lost: GLPK's environment was freed after a
 * failure (its problem objects went with it). */
void pm_colgen_free(pm_colgen *cg, int env_lost);

#endif

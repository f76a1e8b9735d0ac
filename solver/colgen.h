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
 * Once the master converges, rank-1 cuts on single capacity rows are
 * added where the master breaks them: for placement p and 2 <= m <=
 * capacity + 1, sum over columns of F(a_p) x <= floor(capacity / m), a_p
 * the column's children at p and F the mixed-integer rounding of the row
 * divided by m, floor(a / m) + max(0, a mod m - r) / (m - r) with r =
 * capacity mod m (floor(a / m), Chvatal-Gomory, when r = 0): at capacity
 * 3, at most one household of two or more (the master's favourite
 * fraction is one pair and half of another); at capacity 4 and m = 3 a
 * household of three counts 1 and of two 1/2, so a three and a two do not
 * fit together.  And at an even capacity, the same row
 * with one unit's own "= 1" row halved too: floor((a_p + 1) / 2) for that
 * unit's columns, floor(a_p / 2) for the others <= capacity / 2 (at
 * capacity 2: that unit there, or another's pair, not both).  A child
 * alone pays only its own cuts; a sibling household of k at p pays
 * F(k) x the cut's price (and its own cuts' price when k is odd)
 * in the groups' programme, and the bound subtracts price x right-hand
 * side.  Generation then resumes, the bound exact for the master with its
 * cuts (groups too large for the one-household programme pay nothing for
 * cuts: still a bound, a weaker one).
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
    int iterations, columns, ncuts;
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
    int seeded;     /* columns 0..seeded-1 (slacks, seeds): never set aside */
    int purged;     /* times a column was set aside (set_aside, colgen.c)   */
    int naside, *aside_start, *aside_col; /* those aside now, by unit       */
    /* cuts (see above): placement, divisor, owner unit (-1: none), master
     * row; master duals, pricing point and best bound's prices; per
     * placement its first cut (-1: none), per cut the next at the same
     * placement */
    int *cut_p, *cut_m, *cut_u, *cut_row, *cut_head, *cut_next, cutcap;
    double *cut_price, *cut_sep, *cut_best;
    /* the cuts with an owner by unit, at the pricing point (price_cuts) */
    int *own_start, *own_p;
    double *own_pi;
    int *hoff;      /* per placement: its k = 0 entry in h               */
    double *h;      /* what k siblings at p pay at the pricing point     */
    double *lhs;    /* separation scratch: per placement, per divisor    */
} pm_colgen;

/* Runs column generation from the prices mu0 (may be NULL) and the
 * arrangements of the assignment `start` (child -> placement or -1; may
 * be NULL), until the bound meets the master's value and no cut is broken,
 * max_iter rounds or `seconds` (0: no limit; once the master has been
 * cut, up to 1.3 times that to converge again, with no separation past
 * `seconds`); at most cut_rounds separations (0: no cuts).  purge_mode
 * 1 sets the master's nonbasic columns of largest reduced cost aside
 * (fixed at 0, out of the simplex's working LP) as they pile up, beyond
 * the seeds (slacks, all-unmatched, `start`); 2 every one of positive
 * reduced cost every round (tests); 0 none.  Every column is back in
 * play (lower bound 0, no upper) when it returns.  On return
 * cg->pr prices the cuts at the best bound's prices (for
 * pm_pricer_deltas with cg->mu, cg->sig).
 * PM_ERR_NOMEM on allocation failure; a master that GLPK does not solve
 * leaves the bound found so far. */
pm_status pm_colgen_run(const pm_scenario *sc, const pm_arcs *arcs,
                        const double *mu0, const int *start, int max_iter,
                        int cut_rounds, int purge_mode, double seconds,
                        pm_colgen *cg);
/* The master as an integer programme over the columns it has (one
 * arrangement per unit, its cuts kept), solved by GLPK within `seconds`
 * (0: no limit): each child's placement (-1: unmatched) in assign.
 * Returns 1 when it found one.  The master leaves avoid rows out, so the
 * caller checks the assignment. */
int pm_colgen_integer(const pm_colgen *cg, const pm_scenario *sc,
                      double seconds, int *assign);
/* Adds unit u's arrangement `where` (per member, in pm_pricer_members'
 * order: placement or -1) as a column of the master; returns its index
 * (0-based), -1 when a member's placement is not one of its arcs, -2 when
 * memory runs out. */
int pm_colgen_add(pm_colgen *cg, const pm_scenario *sc, const pm_arcs *arcs,
                  int u, const int *where);
/* The master column of unit u's arrangement `where`: its entries (row
 * indices and values, 1-based, valid until the next call on cg), and
 * their count; its cost (MODEL.md's, -1 when a member's placement is not
 * one of its arcs). */
int pm_colgen_entries(pm_colgen *cg, const pm_scenario *sc, int u,
                      const int *where, const int **rows, const double **vals);
double pm_colgen_cost(const pm_colgen *cg, const pm_scenario *sc,
                      const pm_arcs *arcs, int u, const int *where);
/* What the cuts' prices at the best bound take off it: the sum of price x
 * right-hand side (L = units' values - capacity term - this). */
double pm_colgen_cut_term(const pm_colgen *cg, const pm_scenario *sc);
/* mask (one per arc) marks the arcs that the last master solution uses:
 * what the relaxation says the answer is built from.  All zero when no
 * master was solved. */
void pm_colgen_support(const pm_colgen *cg, const pm_arcs *arcs,
                       unsigned char *mask);
/* Frees what cg holds.  env_lost: GLPK's environment was freed after a
 * failure (its problem objects went with it). */
void pm_colgen_free(pm_colgen *cg, int env_lost);

#endif

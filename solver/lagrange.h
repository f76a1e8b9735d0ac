/* A Lagrangian lower bound for the matching model, and what it says about
 * each arc.  Capacity rows are priced (multipliers mu >= 0); sibling-only
 * and avoid rows are dropped.  What is left splits into independent units:
 * a single child picks its cheapest priced arc or stays unmatched; a
 * sibling group solves its own small problem exactly (which households,
 * who goes where, splits included) by dynamic programming over subsets.
 * This convexifies each group's choice, so the bound is at least as strong
 * as the compact LP's, at a fraction of the cost (no simplex).
 *
 * For every arc (c, p), bound + delta[arc] is a lower bound on any solution
 * that places c at p, so an arc with bound + delta > incumbent can be
 * removed without losing the optimum (reduced-cost fixing). */
#ifndef PM_LAGRANGE_H
#define PM_LAGRANGE_H

#include "compat.h"

typedef struct pm_lagrange {
    double bound;  /* best L(mu) found: a lower bound on the optimum   */
    double *mu;    /* per placement, at the best bound                  */
    double *delta; /* per arc, >= 0 (0 where no test was made)          */
    int iterations;
} pm_lagrange;

/* ub: the objective of a known solution (steers the step size).  mu0 (per
 * placement, may be NULL) starts the ascent from a similar problem's
 * multipliers instead of zero, with smaller first steps.  Stops
 * after max_iter iterations or `seconds` (0: no limit); the iteration
 * limit alone keeps it deterministic.  PM_ERR_NOMEM on allocation
 * failure. */
pm_status pm_lagrange_run(const pm_scenario *sc, const pm_arcs *arcs,
                          double ub, const double *mu0, int max_iter,
                          double seconds, pm_lagrange *out);
void pm_lagrange_free(pm_lagrange *lg);

/* Pricing for column generation (colgen.h): the same units and dynamic
 * programme, one unit at a time.  Units are the children handled alone
 * (outside a group, or in one too large for the programme), then the
 * sibling groups. */
typedef struct pm_pricer pm_pricer;

pm_status pm_pricer_create(const pm_scenario *sc, const pm_arcs *arcs,
                           pm_pricer **out);
void pm_pricer_free(pm_pricer *pr); /* NULL is fine */
int pm_pricer_units(const pm_pricer *pr);
/* Unit u's children (free ones first, then pinned); returns how many. */
int pm_pricer_members(const pm_pricer *pr, int u, const int **members);
/* The unit's cheapest arrangement at slot prices mu and sibling-only
 * prices sig (NULL: none): returns its priced value; where[i] gets member
 * i's placement or -1 (unmatched).  L = sum of the values -
 * capacity_term is a lower bound on the optimum for any mu, sig >= 0.
 * Groups of up to 6 free members are priced exactly (one household per
 * placement); larger ones by a relaxation. */
double pm_pricer_best(pm_pricer *pr, int u, const double *mu,
                      const double *sig, int *where);
/* Enumeration: every arrangement of unit u whose priced value at (mu,
 * sig), with the cuts as set, is at most limit, each handed to emit
 * (where as pm_pricer_best fills it; emit returns nonzero to stop).
 * With L(mu, sig) the bound and v_u each unit's best value, a solution
 * of objective below ub uses, in every unit, an arrangement of value
 * below v_u + ub - L: so these are all the columns a better solution can
 * need.  Returns how many were emitted, or -1 when stopped, out of
 * memory, or the unit is not priced exactly (pm_pricer_exact). */
typedef int (*pm_pricer_emit)(void *ctx, const int *where, double value);
long pm_pricer_enumerate(pm_pricer *pr, int u, const double *mu,
                         const double *sig, double limit, pm_pricer_emit emit,
                         void *ctx);
/* The households of sibling-group unit u that can be in such an
 * arrangement: every (members, placement) -- members a bit set over the
 * unit's free members, in pm_pricer_members' order -- for which the best
 * arrangement housing exactly those members there is worth at most
 * limit.  Far fewer than the arrangements (a pair's split arrangements
 * number the product of its members' options).  Returns how many, or -1
 * as pm_pricer_enumerate. */
typedef int (*pm_pricer_emit_household)(void *ctx, unsigned members,
                                         int place, double value);
long pm_pricer_households(pm_pricer *pr, int u, const double *mu,
                          const double *sig, double limit,
                          pm_pricer_emit_household emit, void *ctx);
/* 1 when every unit's value is its exact priced optimum (no group relaxed
 * to singles or priced by the relaxation): then the units' arrangements,
 * as columns, model MODEL.md exactly. */
int pm_pricer_exact(const pm_pricer *pr);
/* Prices for cuts on the capacity rows, used by every later call until
 * set again (NULL: none): h[hoff[p] + k], 0 <= k <= capacity of p, is what
 * a household of k siblings at p pays (h[hoff[p] + 0] and + 1 must be 0:
 * children alone pay only their own cuts).  Unit u's own cuts (own_start
 * NULL: none) are own_p[i], own_pi[i] for own_start[u] <= i <
 * own_start[u + 1]: an odd number of u's children at own_p[i] pays
 * own_pi[i] more.  The arrays are the caller's and must outlive their
 * use. */
void pm_pricer_set_cuts(pm_pricer *pr, const double *h, const int *hoff,
                        const int *own_start, const int *own_p,
                        const double *own_pi);
double pm_pricer_capacity_term(pm_pricer *pr, const double *mu,
                               const double *sig);
/* The coefficient of child c's slot at p in p's sibling-only row when c
 * is priced alone: 1, or for a member of a group too large for the
 * programme 1 - sibling_only/2, the largest per-member share that never
 * exceeds its group's count - sibling_only x [a pair there] (a pair may
 * unlock the slots). */
double pm_alone_sibling_share(const pm_scenario *sc, int c, int p);
/* delta per arc at (mu, sig), as in pm_lagrange. */
void pm_pricer_deltas(pm_pricer *pr, const double *mu, const double *sig,
                      double *delta);

#endif

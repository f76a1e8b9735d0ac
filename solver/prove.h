/* Proof by enumeration over the column generation master.
 *
 * With the generation's bound L (cuts included) at prices pi, and an
 * incumbent of objective ub, any solution better than ub uses in every
 * unit an arrangement whose priced value is within ub - L of the unit's
 * best (lagrange.h, pm_pricer_enumerate: the units' excesses over their
 * best add up to at most the solution's excess over L).  Those
 * arrangements, added to the master as binary columns, with the avoid
 * rows the master leaves out and its cuts kept, form an integer programme
 * whose optimum, where it is below ub, is the model's.  Its LP starts at
 * the master's bound, well above the compact formulation's (bundled
 * borough: 432,092 against 429,574), so GLPK's branch and bound over it
 * has far less to close than over every arc.
 *
 * Exact only when every unit is priced exactly (pm_pricer_exact: no
 * sibling group of more than six free members); otherwise, and when the
 * enumeration would need more than max_columns, it does not run.
 *
 * Restricted (where the whole would not fit the time; restrict_above): the
 * programme over the columns within a smaller gap g <= ub - L.  Every
 * solution of objective at most L + g lies in it, so it proves its
 * optimum z the model's when z <= L + g, and otherwise bounds the model
 * by min(its bound, L + g).
 *
 * Runs under the caller's GLPK hooks, like colgen.h: what it allocates is
 * held in pm_prove, which pm_prove_free releases after a longjmp too. */
#ifndef PM_PROVE_H
#define PM_PROVE_H

#include "colgen.h"
#include "ios.h"
#include "restart.h"
#include "watch.h"

typedef enum pm_prove_outcome {
    PM_PROVE_SKIPPED = -1, /* not run: inexact pricing or too many columns */
    PM_PROVE_OPEN = 0,     /* stopped (time, nodes, interrupt): bound set   */
    PM_PROVE_DONE = 1      /* the optimum is proven, and in assign          */
} pm_prove_outcome;

typedef struct pm_prove {
    /* set by the caller (pm_prove_init gives the defaults) */
    double seconds;   /* for all of it, set-up included (0: no limit)     */
    long max_columns; /* enumerated columns beyond which it gives up     */
    double room;      /* runs only when the time left covers this many
                         times its root LP's expected time (never under
                         3: the root and the margin its branch and bound
                         keeps; default 0, that least)                   */
    long arrangements_max; /* a group with more arrangements to enumerate
                          enters by households (0: always)               */
    /* the branch and bound's callback: the caller sets node_limit and
     * interrupt (watch.h); nodes and interrupted come back in it */
    pm_watch watch;
    int verbose;      /* GLPK's own messages (through the caller's hook) */
    int cuts;         /* GLPK's Gomory and MIR cuts (default on)         */
    int own_tableau;  /* GLPK's Gomory cuts and branching made by ios.h
                         (the same, cheaper; default on)                  */
    unsigned ios_take; /* ... and what else ios.h takes over (PM_IOS_POOL,
                         PM_IOS_PREPRO: the same, cheaper; default both;
                         needs own_tableau)                               */
    double mip_gap;   /* stop within this relative gap (0: prove)        */
    double restrict_above; /* where the whole would not fit, a restricted
                         programme (gap_kept) runs instead, but only one
                         that keeps a gap above this (a second pass after
                         one that reached its cap; 0: any)               */
    int stop_at_cap;  /* a restricted programme stops once its bound is
                         past L + gap_kept, for the bound is then capped
                         (default on; off where it runs for an incumbent) */
    double keep_share; /* restrict to this share of the enumerated
                         columns of least excess even where the whole
                         fits (the first search; tests)                 */
    long keep_most;   /* ... and to at most this many of them (0: no
                         cap)                                            */
    double restart_share; /* restart the branch and bound over a smaller
                         programme once an incumbent leaves at most this
                         share of its free columns (restart.h;
                         0: never, 1: at every root, for tests)          */
    int restart_rounds; /* ... checked after each root cut round too       */
    int propagate;    /* ... fixing at 0 what bound propagation rules out */
    int dive;         /* once the root's cut rounds are done, a search
                         over its columns of least reduced cost for an
                         incumbent (prove.c, dive; default off)          */
    long dive_columns; /* ... over this many of them (default 12,000)    */
    long dive_min_columns; /* ... in a programme of at least this many
                         columns (default 100,000; 0: any)                */
    int dive_early;   /* ... at its first cut round instead (tests)        */
    int first_added;  /* the master's first column an earlier attempt
                         added (INT_MAX: none): those are restricted by
                         their excess too, the generation's never       */
    /* results */
    double bound;     /* valid lower bound on the model's optimum (NaN)  */
    double gap_in;    /* ub - L the enumeration used                     */
    double gap_kept;  /* the programme's: gap_in, or less where the whole
                         would not fit the time (restricted: a proof only
                         when the optimum lies within it)               */
    double keep_tol;  /* the slack a kept column may exceed it by        */
    double cap;       /* L + gap_kept for a restricted programme (else
                         infinite)                                       */
    long columns;     /* columns enumerated (the master's included)      */
    double root_seconds; /* the programme's root LP                     */
    double root_value;   /* and its value (NaN: not solved)             */
    long households;  /* household columns (groups entered by household) */
    int restarts;     /* of the branch and bound (restart.h)             */
    int capped;       /* stopped because its bound passed the cap        */
    int dived;        /* the dive ran (once per pm_prove_run)            */
    long restart_columns; /* the last restart's programme's columns      */
    /* working state, freed by pm_prove_free */
    void *ip;         /* glp_prob *                                      */
    int *slot;        /* hash of the master's columns (index + 1)        */
    size_t mask;
    size_t used;
    unsigned char *state; /* per master column: 0 out, 1 binary, 2 fixed 1 */
    unsigned char *by_household; /* per unit: entered by households      */
    double *start;    /* the best solution as column values (1-based)   */
    double start_obj; /* its objective (infinite: none in the programme) */
    int *where, *row_key, *row_start, *row_col, *ind;
    double *val, *best, *ent_val, *bval;
    int *unit_col, *ent_row, ent_cap, *brow;
    double t_start;   /* when pm_prove_run began (pm_clock_seconds)     */
    /* households: unit, members (bits over its free members), placement,
     * IP column, in the incumbent; unit u's are hh_first[u] ..
     * hh_first[u + 1] - 1 */
    int *hh_unit, *hh_place, *hh_col, *hh_first, *w_col;
    unsigned *hh_mask;
    unsigned char *hh_inc;
    int *hh_pair;     /* scratch: (placement, column) of a unit's households */
    double *hh_excess; /* per household: its value's excess over the best */
    double *col_excess; /* per master column the same (-1: not
                           enumerated by this attempt) */
    int excess_cap, ncols_master;
    int enum_end;     /* the master's columns after the enumeration      */
    long nh, hh_cap;
    /* the branch and bound's restarts: the programme searched (NULL: ip),
     * its columns' in ip (map, 1-based), scratch */
    pm_restart rs;
    pm_ios ios;       /* the search under way's own cuts and branching   */
    void *cur;        /* glp_prob *                                      */
    int *map, *kept;
    double *x;
} pm_prove;

void pm_prove_init(pm_prove *P);

/* Enumerates the columns that can beat `incumbent` (objective ub, a
 * feasible assignment) at cg's best bound, and solves the master over
 * them as an integer programme.  cg: a finished pm_colgen_run (its master
 * gains the columns).  On PM_PROVE_DONE assign holds an optimal
 * assignment (child -> placement or -1; the incumbent itself when nothing
 * beats it); on PM_PROVE_OPEN, an assignment better than the incumbent
 * when one was found (*found = 1) and P->bound.  Returns PM_ERR_NOMEM
 * when memory runs out, else PM_OK with *outcome set. */
pm_status pm_prove_run(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                       const pm_arcs *arcs, const int *incumbent, double ub,
                       int *assign, int *found, pm_prove_outcome *outcome);
/* env_lost: GLPK's environment was freed after a failure. */
void pm_prove_free(pm_prove *P, int env_lost);

#endif

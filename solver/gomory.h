/* Gomory's mixed-integer cuts for GLPK's branch and bound: the cuts GLPK's
 * own generator makes (glp_gmi_gen: the same candidates in the same
 * order, the same formula and filters, equal to the last bit, at the
 * same nodes of the search), computed at a fraction of its cost: each
 * cut is made from its row of the simplex tableau as glp_gmi_cut makes it
 * from glp_eval_tab_row's, with the row from tableau.h, and the statuses
 * of the columns are read once a round.
 *
 * Which nodes get cuts follows GLPK's driver (glpios03.c): the callback
 * sees every node selection, preprocessing, cut request and branching,
 * and keeps the driver's own counters (cut rounds at the node, rounds
 * that moved the bound by less than 1e-4 relative, whether the root is
 * done, whether the node is a child of the node just branched).
 *
 * Plain memory (not GLPK's): pm_gomory_free may run after a longjmp. */
#ifndef PM_GOMORY_H
#define PM_GOMORY_H

#include <glpk.h>

#include "tableau.h"

typedef struct pm_gomory_cand {
    int j;    /* a basic integer column                                   */
    double f; /* its value's fractional part                              */
} pm_gomory_cand;

/* Where a cut sum val[k] x[ind[k]] >= rhs (k from 1) goes. */
typedef void (*pm_gomory_emit)(void *info, int len, const int *ind,
                               const double *val, double rhs);

typedef struct pm_gomory {
    int m0;     /* the programme's rows before any cut                    */
    pm_tableau *tab; /* the caller's, for this programme                */
    /* scratch, kept zero between cuts */
    double *phi, *aux_phi;
    int *aux_rows, mcap;
    int *ent;        /* the tableau row under way (pm_tableau_eval)      */
    double *entval;
    pm_gomory_cand *cand;
    int *ind;
    double *cutval;
    /* the columns' bounds, read once a round: where seen[j] == round */
    double *lb, *ub;
    unsigned *seen, round;
    /* GLPK's driver, mirrored (pm_gomory_cb) */
    int fresh, branched, branched_at, pred, root_done, changed, bad_cut;
    double old_obj;
    long cuts;  /* added in this search                                 */
    int make;   /* make Gomory cuts (pm_gomory_begin: 1; 0: only follow
                   the search, for due)                                  */
    pm_gomory_emit emit; /* where cuts go (NULL: GLPK's pool, the tree's)*/
    void *emit_info;
    int due;    /* at the last cut request, GLPK's generators were due    */
    int read;   /* ... and tab read the programme (pm_tableau_read)       */
} pm_gomory;

/* Before a search of P (glp_intopt with gmi_cuts off and pm_gomory_cb in
 * its callback), with Tb (pm_tableau_init for P before it; the caller
 * keeps it) for the tableau rows.  0 when out of memory (G then makes no
 * cut: let GLPK make its own). */
int pm_gomory_begin(pm_gomory *G, glp_prob *P, pm_tableau *Tb);

/* From the callback at every reason: follows the search, and at a cut
 * request where GLPK would make Gomory cuts, adds them to the tree's cut
 * pool (nothing when stopped: the callback stopped the search). */
void pm_gomory_cb(pm_gomory *G, glp_tree *T, int stopped);

/* One round of cuts on P (its LP optimal, its basis factorized), as
 * glp_gmi_gen(P, pool, max_cuts): each cut sum val[k] x[ind[k]] >= rhs
 * (k from 1) goes to emit.  The number made; -1 out of memory.  Needs
 * pm_gomory_begin first. */
int pm_gomory_round(pm_gomory *G, glp_prob *P, int max_cuts,
                    pm_gomory_emit emit, void *info);

void pm_gomory_free(pm_gomory *G);

#endif

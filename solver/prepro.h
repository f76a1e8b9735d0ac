/* GLPK's node preprocessing (ios_preprocess_node in glpios02.c) made by
 * us: the same bounds, set the same way, at a fraction of the cost.
 *
 * Before each node's LP (and again after each of its cut rounds) GLPK
 * tightens bounds by propagation over every row and the objective's
 * cut-off, a row taken up again (up to 100 times at the root, 10
 * elsewhere) whenever a bound in it tightens.  Its rows are linked
 * lists; the dense Gomory cuts make it slow: at the root of a 600-child
 * proof (63,000 columns) one call went through 27 million entries, 26
 * million of them in 64 cut rows taken up 1,940 times, and the
 * preprocessing was 27% of the run (perf, GLPK built with symbols).
 * Here the rows are arrays: the programme's own rows read once a search
 * (they do not change during it), the cut rows at each call, each row's
 * entries and each column's rows in GLPK's order, so that every sum,
 * every bound and the order rows are taken up in are GLPK's, to the
 * last bit.
 *
 * It takes the place of GLPK's by turning io->pp_tech off; GLPK reads
 * that through the caller's glp_iocp at every node, so where the
 * propagation proves a node infeasible (GLPK then drops the node
 * without its LP, which a callback cannot do) pp_tech is turned back on
 * for that node alone and GLPK's own finds the same.
 *
 * Plain memory. */
#ifndef PM_PREPRO_H
#define PM_PREPRO_H

#include <glpk.h>

#include "cutrows.h"

typedef struct pm_prepro {
    glp_iocp *io;   /* the caller's, while the search runs               */
    int tech;       /* its pp_tech: GLP_PP_ROOT or GLP_PP_ALL            */
    int n, m0;      /* columns; rows before any cut (0: not read yet)    */
    int root_done;  /* GLPK's: the root has been left                    */
    /* the rows 1..m0 (GLPK's order) and the objective (row 0) */
    int *rbeg, *rind;
    double *rval;
    /* the same by column (rows of each column, GLPK's order) */
    int *cbeg, *crow;
    pm_cutrows cut; /* the cut rows at this call                       */
    /* working arrays: row and column bounds, integer columns, the
     * propagation's list of rows, a row's bounds (by entry) */
    double *L, *U, *l, *u, *lb, *ub;
    double *l0, *u0; /* the columns' bounds as read, and their types */
    int *type, *list, *pass, mcap;
    char *mark, *integer;
    int frac_int;   /* an integer column's bound is fractional at this node
                       (none_bound's shortcut is off: may_bound says 1)  */
    /* in this search: nodes (and cut rounds) preprocessed here, handed to
     * GLPK's own (infeasible), column bounds tightened here */
    long done, handed, tightened;
} pm_prepro;

/* For a search of P with io (pp_tech GLP_PP_ROOT or GLP_PP_ALL; nothing
 * taken over otherwise): turns io->pp_tech off.  io must live until
 * glp_intopt returns.  0 out of memory (nothing taken over). */
int pm_prepro_begin(pm_prepro *R, glp_prob *P, glp_iocp *io);

/* From the callback at every reason (acts at GLP_IPREPRO, and follows
 * GLP_IBRANCH). */
void pm_prepro_cb(pm_prepro *R, glp_tree *T);

void pm_prepro_free(pm_prepro *R);

#endif

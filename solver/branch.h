/* GLPK's Driebeck-Tomlin branching (GLP_BR_DTH, branch_drtom in
 * glpios09.c), computed faster: the same column and the same branch to
 * solve first, from the same tableau rows (tableau.h) and dual ratio
 * tests.
 *
 * For every fractional column GLPK computes its tableau row and, for
 * each of the two branches, the degradation of one dual simplex step; it
 * branches on the column whose larger degradation is the largest, and
 * solves first the branch that degrades less (the most fractional column
 * when no degradation is worth 1e-6 relative).  Its tableau rows were
 * 36% of a 600-child proof of many nodes (perf), and the ratio tests 9%;
 * with ours, glp_dual_rtest's reads of statuses and reduced costs were
 * still 14%, so the ratio test is made here too, over values read once
 * (pm_tableau_rtest).
 *
 * Plain memory: pm_branch_free may run after GLPK's longjmp. */
#ifndef PM_BRANCH_H
#define PM_BRANCH_H

#include <glpk.h>

#include "tableau.h"

typedef struct pm_branch {
    int *ind, cap; /* a tableau row (1 + rows + columns)                 */
    double *val;
    long chosen;   /* branchings chosen here                              */
} pm_branch;

/* At the callback's GLP_IBRANCH (a minimisation, its LP optimal): hands
 * GLPK the column and branch its Driebeck-Tomlin rule would choose
 * (glp_ios_branch_upon), with Tb (pm_tableau_init for the programme
 * before its search) for the rows.  0 when it left the choice to GLPK
 * (out of memory, or not a case it covers). */
int pm_branch_drtom(pm_branch *B, pm_tableau *Tb, glp_tree *T);

void pm_branch_free(pm_branch *B);

/* For tests, the parts: the tableau and reduced costs of mip (optimal,
 * factorized, a minimisation) read into Tb (0 out of memory); then,
 * with a tableau row in B->ind and B->val (pm_tableau_eval), what
 * glp_dual_rtest(mip, len, B->ind, B->val, dir, 1e-9) returns. */
int pm_branch_read(pm_branch *B, pm_tableau *Tb, glp_prob *mip);
int pm_branch_rtest(const pm_branch *B, const pm_tableau *Tb, int len,
                    int dir);

#endif

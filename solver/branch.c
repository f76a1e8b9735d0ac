#include "branch.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "grow.h"

/* GLPK's constants (glpios09.c) */
#define RTEST_TOL 1e-9   /* the dual ratio test's tolerance              */
#define INT_STEP 1e-3    /* an integer x[k] moves by a whole step unless
                            its change is this close to one              */
#define FLAT 1e-6        /* below this degradation: most fractional     */

void pm_branch_free(pm_branch *B)
{
    free(B->ind);
    free(B->val);
    B->ind = NULL;
    B->val = NULL;
    B->cap = 0;
}

static int fit(pm_branch *B, int size)
{
    if (size <= B->cap)
        return 1;
    size_t n1 = (size_t)size + 1;
    if (!pm_regrow((void **)&B->ind, n1, sizeof *B->ind) ||
        !pm_regrow((void **)&B->val, n1, sizeof *B->val))
        return 0;
    B->cap = size;
    return 1;
}

/* Status of variable k (rows 1..m, then columns) at the read. */
static int status(const pm_tableau *Tb, int k)
{
    return k <= Tb->m ? Tb->rstat[k] : Tb->cstat[k - Tb->m];
}

int pm_branch_rtest(const pm_branch *B, const pm_tableau *Tb, int len,
                    int dir)
{
    return pm_tableau_rtest(Tb, len, B->ind, B->val, dir, RTEST_TOL);
}

/* The objective's rise (>= 0) when basic x = x[j] (its tableau row in
 * B) leaves the basis down (kase -1) or up (+1) in one dual simplex step;
 * DBL_MAX when that branch has no feasible point. */
static double degradation(const pm_branch *B, const pm_tableau *Tb,
                          double x, int len, int kase)
{
    int piv = pm_branch_rtest(B, Tb, len, kase);
    if (piv == 0)
        return DBL_MAX;
    int k = B->ind[piv], m = Tb->m;
    double delta_k = ((kase < 0 ? floor(x) : ceil(x)) - x) / B->val[piv];
    if (k > m && Tb->ckind[k - m] != GLP_CV &&
        fabs(delta_k - floor(delta_k + 0.5)) > INT_STEP)
        delta_k = delta_k > 0 ? ceil(delta_k) : floor(delta_k);
    int stat = status(Tb, k);
    double dk = Tb->dual[k];
    /* a degenerate basis may give a near-zero cost the wrong sign */
    if ((stat == GLP_NL && dk < 0) || (stat == GLP_NU && dk > 0) ||
        stat == GLP_NF)
        dk = 0;
    return dk * delta_k;
}

/* branch_mostf: the column nearest a half, the nearer integer first. */
static int most_fractional(glp_tree *T, glp_prob *mip, int n, int *next)
{
    int jj = 0;
    double most = DBL_MAX;
    for (int j = 1; j <= n; j++) {
        if (!glp_ios_can_branch(T, j))
            continue;
        double beta = glp_get_col_prim(mip, j), half = floor(beta) + 0.5;
        if (most > fabs(beta - half)) {
            jj = j;
            most = fabs(beta - half);
            *next = beta < half ? GLP_DN_BRNCH : GLP_UP_BRNCH;
        }
    }
    return jj;
}

int pm_branch_read(pm_branch *B, pm_tableau *Tb, glp_prob *mip)
{
    int m = glp_get_num_rows(mip), n = glp_get_num_cols(mip);
    return fit(B, m + n) && pm_tableau_read(Tb, mip) &&
           pm_tableau_read_duals(Tb, mip);
}

int pm_branch_drtom(pm_branch *B, pm_tableau *Tb, glp_tree *T)
{
    glp_prob *mip = glp_ios_get_prob(T);
    int n = glp_get_num_cols(mip);
    if (glp_get_obj_dir(mip) != GLP_MIN || glp_get_status(mip) != GLP_OPT ||
        !glp_bf_exists(mip) || Tb->n != n || !pm_branch_read(B, Tb, mip))
        return 0;
    int jj = 0, next = GLP_NO_BRNCH;
    double degrad = -1.0;
    for (int j = 1; j <= n; j++) {
        if (!glp_ios_can_branch(T, j))
            continue;
        double x = glp_get_col_prim(mip, j);
        int len = pm_tableau_eval(Tb, mip, j, B->ind, B->val);
        double dn = degradation(B, Tb, x, len, -1);
        double up = degradation(B, Tb, x, len, +1);
        if (degrad < fabs(dn) || degrad < fabs(up)) {
            jj = j;
            next = fabs(dn) < fabs(up) ? GLP_DN_BRNCH : GLP_UP_BRNCH;
            degrad = fabs(dn) < fabs(up) ? fabs(up) : fabs(dn);
            if (degrad == DBL_MAX)
                break; /* a branch with no feasible point */
        }
    }
    if (jj == 0)
        return 0;
    if (degrad < FLAT * (1.0 + 0.001 * fabs(glp_get_obj_val(mip))))
        jj = most_fractional(T, mip, n, &next);
    glp_ios_branch_upon(T, jj, next);
    B->chosen++;
    return 1;
}

#include "ios.h"

static void to_pool(void *info, int len, const int *ind, const double *val,
                    double rhs)
{
    /* (out of memory the cut is left out: the search stays exact) */
    (void)pm_cutpool_add(info, len, ind, val, GLP_LO, rhs);
}

/* Our pool in place of GLPK's, where every generator that feeds it is
 * ours or its MIR (cutpool.h). */
static void take_pool(pm_ios *S, glp_prob *P, glp_iocp *io)
{
    if (io->cov_cuts == GLP_ON || io->clq_cuts == GLP_ON ||
        !pm_cutpool_begin(&S->pool, P, io->mir_cuts == GLP_ON))
        return;
    S->pooled = 1;
    S->gmi.emit = to_pool;
    S->gmi.emit_info = &S->pool;
    io->mir_cuts = GLP_OFF;
}

void pm_ios_begin(pm_ios *S, glp_prob *P, glp_iocp *io, unsigned take)
{
    pm_ios_free(S, 0);
    if (!pm_tableau_init(&S->tab, P))
        return;
    int gmi = io->gmi_cuts == GLP_ON, mir = io->mir_cuts == GLP_ON;
    int pool = (take & PM_IOS_POOL) != 0;
    if ((gmi || (pool && mir)) && pm_gomory_begin(&S->gmi, P, &S->tab)) {
        S->gmi.make = gmi;
        io->gmi_cuts = GLP_OFF;
        if (pool)
            take_pool(S, P, io);
    }
    S->branching = io->br_tech == GLP_BR_DTH;
    if (take & PM_IOS_PREPRO)
        (void)pm_prepro_begin(&S->pp, P, io); /* (0: GLPK's own) */
}

/* At the end of a cut request where GLPK's generators were due: the MIR
 * cuts after the Gomory cuts, as glpios03.c's generate_cuts makes them,
 * then the choice among them all (ios_process_cuts). */
static void end_request(pm_ios *S, glp_tree *T)
{
    glp_prob *P = glp_ios_get_prob(T);
    /* (GLPK asks for cuts only at an optimal basis; its own choice would
     * fail without one) */
    if (!glp_bf_exists(P) || glp_get_prim_stat(P) != GLP_FEAS ||
        glp_get_dual_stat(P) != GLP_FEAS) {
        S->pool.count = 0;
        return;
    }
    if (!pm_cutpool_mir(&S->pool, T)) {
        S->pool.count = 0; /* out of memory: no cuts this time */
        return;
    }
    if (S->pool.count == 0)
        return;
    if (!S->gmi.read && !pm_tableau_read(&S->tab, P)) {
        S->pool.count = 0; /* out of memory: no cuts this time */
        return;
    }
    pm_cutpool_choose(&S->pool, &S->tab, T);
}

void pm_ios_cb(pm_ios *S, glp_tree *T, int stopped)
{
    if (S->tab.n == 0)
        return;
    int reason = glp_ios_reason(T);
    if (S->pooled && reason == GLP_IPREPRO)
        pm_cutpool_start(&S->pool, T);
    pm_gomory_cb(&S->gmi, T, stopped);
    if (S->pooled && reason == GLP_ICUTGEN && S->gmi.due)
        end_request(S, T);
    if (!stopped)
        pm_prepro_cb(&S->pp, T);
    if (S->branching && !stopped && reason == GLP_IBRANCH)
        pm_branch_drtom(&S->br, &S->tab, T);
}

void pm_ios_free(pm_ios *S, int env_lost)
{
    pm_cutpool_free(&S->pool, env_lost);
    pm_prepro_free(&S->pp);
    pm_gomory_free(&S->gmi);
    pm_branch_free(&S->br);
    pm_tableau_free(&S->tab);
    S->branching = S->pooled = 0;
}

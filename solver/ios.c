#include "ios.h"

void pm_ios_begin(pm_ios *S, glp_prob *P, glp_iocp *io)
{
    pm_ios_free(S);
    if (!pm_tableau_init(&S->tab, glp_get_num_cols(P)))
        return;
    if (io->gmi_cuts == GLP_ON && pm_gomory_begin(&S->gmi, P, &S->tab))
        io->gmi_cuts = GLP_OFF;
    S->branching = io->br_tech == GLP_BR_DTH;
}

void pm_ios_cb(pm_ios *S, glp_tree *T, int stopped)
{
    if (S->tab.n == 0)
        return;
    pm_gomory_cb(&S->gmi, T, stopped);
    if (S->branching && !stopped && glp_ios_reason(T) == GLP_IBRANCH)
        pm_branch_drtom(&S->br, &S->tab, T);
}

void pm_ios_free(pm_ios *S)
{
    pm_gomory_free(&S->gmi);
    pm_branch_free(&S->br);
    pm_tableau_free(&S->tab);
    S->branching = 0;
}

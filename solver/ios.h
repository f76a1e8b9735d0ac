/* GLPK's branch and bound with its own Gomory cuts, Driebeck-Tomlin
 * branching, cut pool and node preprocessing made by us (gomory.h,
 * branch.h, cutpool.h, prepro.h, over tableau.h's rows): the same
 * search, cheaper.  Both of GLPK's searches
 * use it, the proof's (prove.c) and the one over arcs (model.c).
 *
 *     pm_ios S = {0};
 *     pm_ios_begin(&S, P, &io, take); (io: cuts and br_tech as wanted)
 *     ... io.cb_func calls pm_ios_cb(&S, T, stopped) at every reason ...
 *     glp_intopt(P, &io);
 *     pm_ios_free(&S, 0);
 *
 * Plain memory, except GLPK's MIR workspace: after GLPK's longjmp,
 * pm_ios_free(&S, 1). */
#ifndef PM_IOS_H
#define PM_IOS_H

#include <glpk.h>

#include "branch.h"
#include "cutpool.h"
#include "gomory.h"
#include "prepro.h"
#include "tableau.h"

/* What pm_ios_begin takes over beyond the Gomory cuts and branching */
#define PM_IOS_POOL 1u   /* the cut pool, its choice and the MIR cuts   */
#define PM_IOS_PREPRO 2u /* the node preprocessing (prepro.h)           */

typedef struct pm_ios {
    pm_tableau tab; /* n 0: not in use                                   */
    pm_gomory gmi;
    pm_branch br;
    pm_cutpool pool;
    pm_prepro pp;
    int branching;  /* io->br_tech was GLP_BR_DTH                        */
    int pooled;     /* the cut pool is ours (and the MIR cuts)           */
} pm_ios;

/* Before glp_intopt(P, io): takes over GLPK's Gomory cuts (turning
 * io->gmi_cuts off) where they are on, and its branching where
 * io->br_tech is GLP_BR_DTH; with PM_IOS_POOL in take, its cut pool
 * too, where no generator but Gomory's and MIR is on (turning
 * io->mir_cuts off: the MIR cuts are made from the callback); with
 * PM_IOS_PREPRO, its node preprocessing (turning io->pp_tech off; io
 * must live until glp_intopt returns).  Out of memory it takes over
 * nothing. */
void pm_ios_begin(pm_ios *S, glp_prob *P, glp_iocp *io, unsigned take);

/* From the search's callback at every reason, after the caller's own
 * checks; stopped: they ended the search (glp_ios_terminate). */
void pm_ios_cb(pm_ios *S, glp_tree *T, int stopped);

/* env_lost: after GLPK's longjmp. */
void pm_ios_free(pm_ios *S, int env_lost);

#endif

/* GLPK's branch and bound with its own Gomory cuts and Driebeck-Tomlin
 * branching made by us (gomory.h, branch.h, over tableau.h's rows): the
 * same search, cheaper.  Both of GLPK's searches use it, the proof's
 * (prove.c) and the one over arcs (model.c).
 *
 *     pm_ios S = {0};
 *     pm_ios_begin(&S, P, &io);       (io: cuts and br_tech as wanted)
 *     ... io.cb_func calls pm_ios_cb(&S, T, stopped) at every reason ...
 *     glp_intopt(P, &io);
 *     pm_ios_free(&S);
 *
 * Plain memory: pm_ios_free may run after GLPK's longjmp. */
#ifndef PM_IOS_H
#define PM_IOS_H

#include <glpk.h>

#include "branch.h"
#include "gomory.h"
#include "tableau.h"

typedef struct pm_ios {
    pm_tableau tab; /* n 0: not in use                                   */
    pm_gomory gmi;
    pm_branch br;
    int branching;  /* io->br_tech was GLP_BR_DTH                        */
} pm_ios;

/* Before glp_intopt(P, io): takes over GLPK's Gomory cuts (turning
 * io->gmi_cuts off) where they are on, and its branching where
 * io->br_tech is GLP_BR_DTH.  Out of memory it takes over nothing. */
void pm_ios_begin(pm_ios *S, glp_prob *P, glp_iocp *io);

/* From the search's callback at every reason, after the caller's own
 * checks; stopped: they ended the search (glp_ios_terminate). */
void pm_ios_cb(pm_ios *S, glp_tree *T, int stopped);

void pm_ios_free(pm_ios *S);

#endif

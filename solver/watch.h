/* What both of GLPK's branch-and-bound searches (model.c over arcs,
 * prove.c over the master's columns) do at every callback: hand in the
 * incumbent once, keep the best node bound and the node count, and stop
 * on the caller's interrupt or node limit. */
#ifndef PM_WATCH_H
#define PM_WATCH_H

#include <glpk.h>

typedef struct pm_watch {
    const double *start;  /* incumbent column values (1-based), or NULL  */
    int start_given;
    double bound;         /* best node bound seen (unchanged: none)      */
    long nodes;
    int interrupted;      /* the interrupt callback stopped the search  */
    long node_limit;      /* 0: none                                    */
    int (*interrupt)(void *info);
    void *interrupt_info;
} pm_watch;

/* glp_iocp.cb_func, with cb_info a pm_watch. */
void pm_watch_tree(glp_tree *T, void *info);

/* Whether it stopped the search (the interrupt, or the node limit). */
int pm_watch_stopped(const pm_watch *W);

#endif

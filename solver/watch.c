#include "watch.h"

#include <float.h>

static int at_node_limit(const pm_watch *W)
{
    return W->node_limit > 0 && W->nodes >= W->node_limit;
}

int pm_watch_stopped(const pm_watch *W)
{
    return W->interrupted || at_node_limit(W);
}

void pm_watch_tree(glp_tree *T, void *info)
{
    pm_watch *W = info;
    if (glp_ios_reason(T) == GLP_IHEUR && W->start && !W->start_given) {
        W->start_given = 1;
        glp_ios_heur_sol(T, W->start);
    }
    int best = glp_ios_best_node(T);
    double nb = best ? glp_ios_node_bound(T, best) : -DBL_MAX;
    if (nb > -DBL_MAX) /* (a node not yet solved has no bound) */
        W->bound = nb;
    int active, alive, total;
    glp_ios_tree_size(T, &active, &alive, &total);
    W->nodes = total;
    if (W->interrupt && W->interrupt(W->interrupt_info)) {
        W->interrupted = 1;
        glp_ios_terminate(T);
    } else if (at_node_limit(W)) {
        glp_ios_terminate(T);
    }
}

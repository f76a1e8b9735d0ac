/* A quick feasible assignment to start the exact search from: pinned
 * children first, then sibling groups kept together where one placement
 * can take them, then everyone else, scarcest first, at their cheapest
 * free compatible placement.  price (per placement, may be NULL) is added
 * to arc costs when choosing: Lagrangian prices steer children away from
 * placements others need more. */
#ifndef PM_HEURISTIC_H
#define PM_HEURISTIC_H

#include "compat.h"

/* Fills assign[nchildren]; returns PM_OK, or PM_ERR_NOMEM.  The result is
 * feasible unless the pinned children alone are infeasible (*feasible
 * tells). */
pm_status pm_greedy(const pm_scenario *sc, const pm_arcs *arcs,
                    const double *price, int *assign, int *feasible);

/* The same greedy, filling only the children with assign[c] == -1 around
 * the others, which stay where they are (each must be at one of its arcs,
 * within capacity: a warm start with a few children taken off a removed
 * placement, say).  *feasible as for pm_greedy. */
pm_status pm_greedy_complete(const pm_scenario *sc, const pm_arcs *arcs,
                             const double *price, int *assign, int *feasible);

#endif

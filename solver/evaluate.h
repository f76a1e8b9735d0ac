/* The objective and KPIs of a given assignment, computed directly from
 * MODEL.md (independent of any formulation), and a feasibility check.
 * Used to report results, to check the MIP's answer, and by heuristics. */
#ifndef PM_EVALUATE_H
#define PM_EVALUATE_H

#include "scenario.h"

/* assign[c] = placement index or -1.  by_type (may be NULL) receives the
 * number placed per interned type (sc->types.count entries). */
void pm_evaluate(const pm_scenario *sc, const int *assign, pm_totals *t,
                 pm_kpis *k, int *by_type);

/* Number of distinct placements used by the placed members of group g. */
int pm_group_households(const pm_scenario *sc, const int *assign, int g);

/* 0 when assign breaks no constraint; otherwise 1 and a message naming
 * ids only. Compatibility rules are checked for children not pinned. */
int pm_check_assignment(const pm_scenario *sc, const int *assign, char *msg,
                        int size);

#endif

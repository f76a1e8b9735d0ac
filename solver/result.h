/* The result handle: an assignment with its figures, reasons and solver
 * statistics, and its JSON (placematch-result/1) and terminal forms. */
#ifndef PM_RESULT_H
#define PM_RESULT_H

#include "compat.h"
#include "error.h"
#include "explain.h"
#include "jsonw.h"
#include "model.h"

struct pm_result {
    const pm_scenario *sc; /* retained: freed with the result */
    pm_solution status;
    double objective, bound, gap;
    char message[512];
    int *assign;
    double *miles;   /* per child, where assigned */
    double *arc_cost;
    pm_totals totals;
    pm_kpis kpis;
    int *by_type;    /* per interned type */
    pm_lines *reasons; /* per child: why unmatched */
    pm_solver_stats stats;
};

/* Builds a result from an assignment and what the search knows about it.
 * Takes ownership of nothing; copies assign.  Returns NULL on OOM. */
pm_result *pm_result_make(const pm_scenario *sc, const pm_arcs *arcs,
                          const int *assign, const pm_model_result *mr,
                          double seconds);

/* Writes the result's members into an open JSON object (for results
 * embedded in other formats). */
void pm_result_write_json(const pm_result *res, pm_jw *w);


#endif

/* pm_solve with what a similar, earlier solve learnt: for the commissioning
 * mixes, which solve one cohort's children against many capacity mixes. */
#ifndef PM_SOLVE_H
#define PM_SOLVE_H

#include "model.h"

/* pm_solve, with warm (may be NULL) passed to the search. */
pm_status pm_solve_warm(const pm_scenario *sc, const pm_solve_options *opts,
                        const pm_model_hints *warm, pm_result **out,
                        pm_error *err);

#endif

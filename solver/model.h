/* The exact formulation of MODEL.md as a mixed-integer program, solved with
 * GLPK.  This is the one place that knows about GLPK's problem objects:
 * parsing, results and the CLI only see this interface, so the formulation
 * can change freely as long as the optimum is the model's optimum. */
#ifndef PM_MODEL_H
#define PM_MODEL_H

#include "compat.h"

typedef struct pm_model_result {
    pm_solution status;
    double objective;  /* of the assignment found (NaN when none)       */
    double bound;      /* proven lower bound (NaN when unknown)         */
    double root_bound; /* LP relaxation at the root                     */
    long nodes, lp_iterations;
    int interrupted;   /* the caller's interrupt callback stopped it    */
    char message[512]; /* why infeasible, or why the engine failed      */
} pm_model_result;

/* The search's techniques, each of which can be turned off to measure
 * what it is worth (bench/techniques.py).  None changes the optimum. */
typedef struct pm_model_tuning {
    int lagrange;  /* subgradient ascent on the prices (0: one evaluation at
                      zero prices, the trivial bound)                        */
    int colgen;    /* column generation over group arrangements: the exact
                      Lagrangian dual, sibling-only rows included            */
    int master_cuts; /* rank-1 cuts on the capacity rows of the column
                      generation master (colgen.h)                           */
    int master_ip; /* the master as an integer programme over its columns,
                      for an incumbent                                       */
    int quick;     /* the relaxation-guided and quick searches over the
                      arcs the prices favour                                 */
    int lns;       /* neighbourhood search on the incumbent; for tests, 2:
                      one placement opened beside the seed's (most children
                      held), and every answer of a search over part of the
                      problem checked against MODEL.md (abort when wrong) */
    int rc_fixing; /* drop arcs that cannot beat the incumbent before the
                      exact search                                           */
    int cuts;      /* GLPK's cut generators (Gomory, MIR, cover, clique)     */
    int gomory;    /* GLPK's Gomory cuts and Driebeck-Tomlin branching made
                      by ios.h in both of its searches (proof, arcs): the
                      same search, faster (0: GLPK's own)                   */
    int pool;      /* ... and its cut pool, its choice of cuts and its MIR
                      cuts made by ios.h (cutpool.h): the same search,
                      faster (0: GLPK's own; needs gomory)                  */
    int prepro;    /* ... and its node preprocessing (prepro.h): the same
                      search, faster (0: GLPK's own; needs gomory)          */
    int primal;    /* primal simplex at the root (0: dual)                   */
    int prove;     /* the exact search over the master's columns that can
                      beat the incumbent (prove.h), instead of over arcs;
                      2: every sibling group by households (for tests: the
                      default keeps arrangements where they are few)       */
    int restart;   /* the proof's branch and bound restarts over fewer
                      columns as its incumbent improves (restart.h); for
                      tests, whatever the share: 2 at every root once its
                      cut rounds are done, 3 at every root at its first
                      check after a cut round (its LP, before any cut)  */
    int second;    /* after a restricted proof that reached its cap, one
                      over more columns (model.c, second_pass)           */
    int dive;      /* the proof, once its root's cut rounds are done,
                      searches its columns of least reduced cost there for
                      a better incumbent, where the programme has 100,000
                      columns or more (prove.c, dive); for tests, at any
                      size, 3: as the default, 2: at the root's first cut
                      round, over its 5 columns of least reduced cost
                      (with the basic ones and the incumbent's), in the
                      first search too                                  */
    int first;     /* before the proof, its programme over the columns of
                      least excess, for a better incumbent (model.c)      */
    int purge;     /* column generation sets the master's columns of
                      largest reduced cost aside while it runs, once it has
                      12,000 (colgen.c); for tests, 2: every nonbasic one of
                      positive reduced cost, every round, at any size      */
    int propagate; /* a restart of the proof also fixes at 0 the columns
                      bound propagation over the root's rows rules out
                      (restart.h): the same search, sooner                 */
    double prove_keep; /* for tests: the proof keeps this share of its
                      enumerated columns (those of least excess) whether
                      or not the whole would fit (0: only where it would
                      not fit the time; prove.c, restrict_gap)            */
    long prove_keep_most; /* for tests: ... and at most this many of them
                      (0: no cap; the first search's is FIRST_KEEP_MOST)  */
} pm_model_tuning;

/* Every technique on (the library's behaviour). */
void pm_model_tuning_init(pm_model_tuning *t);

/* What the caller knows beyond the options.  From one solve to the next,
 * similar one (the commissioning mixes: the same children, a few
 * placements added or removed), the Lagrangian multipliers per placement;
 * for benchmarks, which techniques to use. */
typedef struct pm_model_hints {
    const double *mu_in; /* start the Lagrangian ascent here (NULL: zero) */
    double *mu_out;      /* nplacements, filled with the multipliers found
                            (zeros when none were computed); or NULL */
    const pm_model_tuning *tuning; /* NULL: every technique on */
} pm_model_hints;

/* Fills assign[nchildren] (placement index or -1).  spent: seconds the
 * caller has already used of opts->time_limit (building the arcs), so that
 * the limit bounds the whole solve.  Returns PM_OK when the
 * search ran (whatever the solution status), PM_ERR_SOLVER when GLPK
 * failed, PM_ERR_NOMEM.  Uses and then frees this thread's GLPK
 * environment unless keep_env. */
pm_status pm_model_solve(const pm_scenario *sc, const pm_arcs *arcs,
                         const pm_solve_options *opts,
                         const pm_model_hints *warm, int keep_env,
                         double spent, int *assign, pm_model_result *out);

/* Checks the constraints the pinned children alone impose; returns 1 and
 * a message when they cannot all hold. */
int pm_pinned_infeasible(const pm_scenario *sc, char *msg, int size);

/* Writes the full formulation (every arc) as free MPS (mps = 1) or CPLEX
 * LP (mps = 0), for other solvers.  The objective constant (U times the
 * number of children) is in the file as GLPK writes it; CBC reads it with
 * the opposite sign (bench/report.py corrects for that). */
pm_status pm_model_write(const pm_scenario *sc, const pm_arcs *arcs,
                         const char *path, int mps);
#endif

/* The search (docs/SOLVER.md): a Lagrangian bound, starting solutions,
 * quick and neighbourhood searches and the exact branch and bound, with
 * GLPK as the LP and MIP engine over the formulation of formulation.h.
 * With colgen.c (which runs under this module's GLPK hooks), the only
 * module that calls GLPK. */
#include "model.h"

#include <float.h>
#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "colgen.h"
#include "evaluate.h"
#include "heuristic.h"
#include "ios.h"
#include "lagrange.h"
#include "prove.h"
#include "watch.h"

/* Without a time limit, the search for a first strong incumbent stops
 * after this long and the exact search takes over. */
#define QUICK_SECONDS 20.0
#define LNS_SECONDS 10.0
/* With a time limit: the ascent may use LAGRANGE_SHARE of it, column
 * generation COLGEN_SHARE (it stops earlier when it converges: 0.3-0.6 s
 * at 600 children, 15 s before its cuts and 24 s with them at 3,000, so a
 * region under a 60 s limit gets its cuts only from a share of 0.4: gap
 * 1.2% -> 0.4-0.9%), the quick search QUICK_SHARE from where the generation
 * ended (at least until QUICK_SHARE of the limit has passed), the
 * neighbourhood search until LNS_SHARE, and the exact search has the
 * rest.  Under short limits (a few seconds per commissioning mix) the
 * bound and the quick search are worth most: a fixed deadline for the
 * quick search left it no time at all behind the generation. */
#define LAGRANGE_ITERATIONS 2000
/* with column generation after it, the ascent only gives starting prices:
 * at 600 children 2,000 steps took 1.5 s and the generation converged as
 * fast from 50 */
#define LAGRANGE_ITERATIONS_CG 300
/* The proof runs when the time left covers PROVE_FIRST_ROOM times its
 * root LP's expected time (prove.c): its cut rounds take 1-10 times the
 * LP (600 children), and under a short limit (the commissioning mixes'
 * seconds) the quick and neighbourhood searches are worth more.  After
 * them, PROVE_ROOM. */
#define PROVE_FIRST_ROOM 6.0
/* Before the first proof the neighbourhood search improves the
 * relaxation-guided search's answer (0.3-0.5% above the optimum at 600
 * children) for PRE_PROVE_ROUNDS passes over its seeds, or until a whole
 * pass gains nothing or PRE_PROVE_SHARE of the limit (PRE_PROVE_SECONDS
 * without one) has passed: a proof that stops at the limit keeps a good
 * answer, and a smaller gap leaves fewer columns to enumerate.  A count,
 * not the clock, ends it, so that the answer handed to the proof, which
 * its path follows, does not depend on how fast or busy the machine is:
 * stopped at twice the time so far (until 2026-12-08), it ran 700-1,350
 * neighbourhoods at 600 children from one run to another, and the proof
 * took 2-10x longer after some answers than after others.  One pass: of
 * 13 boroughs of 600 children, eight proven sooner, one as soon, two for
 * the first time, two later (docs/SOLVER.md).  The proof then has the
 * rest of the time: when it ran to 75% of the limit with the search
 * after it, the search often gave up within 2 s (a pass without a gain)
 * and left a quarter of the limit unused.  Nor does it take longer than
 * the work before it: at 100 children the proof needs 0.04 s and the
 * search's passes 0.16 s. */
#define PRE_PROVE_SHARE 0.1
#define PRE_PROVE_ROUNDS 1
#define PRE_PROVE_SECONDS 5.0
/* Under a shorter limit the proof seldom has room (600 children need
 * about 18 s for its first attempt), so the master's integer programme
 * still runs */
#define PROVE_LIKELY_LIMIT 30.0
/* Before the proof, the same programme restricted to the FIRST_KEEP share
 * of its columns of least excess (prove.c, restrict_gap), and to no more
 * than FIRST_KEEP_MOST of them, finds a better incumbent within
 * FIRST_SHARE of the time left (FIRST_SECONDS without a limit): with
 * restarts the proof's time follows its incumbent's.  It proves the
 * optimum by itself when its answer is within its gap.  600 children
 * enumerate 50,000-80,000 columns and households, and 15% of them (under
 * the cap) found answers within 0.07% of the optimum in 0.5-2.3 s; 1,000
 * children enumerate 180,000, where 15% took 14 s to its root and found
 * nothing (it used to be skipped there: above 120,000), and 12,000 (7%)
 * find in 2-4 s answers 0.1-0.14% below where the neighbourhood search
 * levels off (seed 1: 787,500 against 788,630). */
#define FIRST_KEEP 0.15
#define FIRST_KEEP_MOST 12000
#define FIRST_SHARE 0.1
#define FIRST_SECONDS 5.0
/* the least room prove.c allows: its root LP and its margin */
#define PROVE_ROOM 0.0
/* The exact search over the arcs (after a skipped proof) runs only where
 * the time left covers EXACT_ROOTS of its predicted root LPs (setup_fits):
 * its root LP bound is below the generation's, so a search that cannot
 * branch adds nothing (1,000 children under 60 s: its root LP took 25 s
 * of the 24 s left, time the neighbourhood search lost). */
#define EXACT_ROOTS 3.0
#define COLGEN_ROUNDS 1000
/* separations of cuts in the master (colgen.h): each is a few more rounds
 * of generation; on the bundled borough the first finds nearly all */
#define COLGEN_CUT_ROUNDS 20
#define COLGEN_SHARE 0.4
/* The master as an integer programme (colgen.h) for an incumbent: up to
 * MASTER_IP_SECONDS, or MASTER_IP_SHARE of a time limit, not at all under
 * MASTER_IP_MIN. */
#define MASTER_IP_SECONDS 2.0
#define MASTER_IP_SHARE 0.1
#define MASTER_IP_MIN 0.5
/* Arcs within this fraction of the bound of their unit's best make up
 * the quick search: small enough for its LP to solve in seconds. */
#define QUICK_TAU 5e-5
#define LAGRANGE_SHARE 0.05
/* when the prices are wanted for later solves (warm->mu_out), they are
 * worth more of the time */
#define LAGRANGE_SHARE_SEED 0.3
#define QUICK_SHARE 0.2
#define LNS_SHARE 0.6

#include "formulation.h"

/* ---- GLPK ----------------------------------------------------------- */

#define MAX_OWNED 16 /* blocks held across GLPK calls at once (about 10) */

typedef struct solve_ctx {
    jmp_buf jb;
    const pm_solve_options *opts;
    const pm_model_hints *warm; /* or NULL */
    pm_model_tuning tune;
    builder B;
    glp_prob *lp;
    double *start;      /* incumbent column values (1-based), or NULL */
    /* the branch-and-bound callback's state: the best node bound of the
     * current search, nodes, interrupted */
    pm_watch watch;
    pm_ios ios;         /* its Gomory cuts and branching, made by us    */
    double phase_limit; /* seconds since start for this search; 0 = none */
    /* Seconds per arc that building, loading and solving the root LP took
     * for the largest LP so far: predicts whether the next one's root fits
     * in the time left (GLPK's time limit does not cover its presolver,
     * which takes a minute on a 3,000-child region). */
    double setup_rate, setup_start;
    int setup_arcs, setup_largest;
    /* Memory the search phases hold across GLPK calls is registered here,
     * not only in their frames, so that a GLPK failure (a longjmp out of
     * any of them) frees it too. */
    pm_lagrange lg;
    pm_colgen cg;
    int cg_own;         /* the generation's own columns (0: none yet) */
    pm_prove pv;
    unsigned char *support; /* arcs the master LP uses (owned), or NULL */
    /* per arc: a lower bound on any solution using it, less lg->bound,
     * from both the ascent and the generation (owned; NULL: lg->delta).
     * lg->delta stays the ascent's: it orders the neighbourhood search,
     * where the generation's many zeros would only tie. */
    double *fix;
    void *owned[MAX_OWNED];
} solve_ctx;

static void *own(solve_ctx *X, void *p)
{
    for (int i = 0; p && i < MAX_OWNED; i++) {
        if (!X->owned[i]) {
            X->owned[i] = p;
            break;
        }
    }
    return p;
}

/* Frees p (may be NULL), registered or not. */
static void release(solve_ctx *X, void *p)
{
    for (int i = 0; p && i < MAX_OWNED; i++)
        if (X->owned[i] == p)
            X->owned[i] = NULL;
    free(p);
}

/* After a longjmp: everything the phases held. */
static void free_owned(solve_ctx *X)
{
    for (int i = 0; i < MAX_OWNED; i++) {
        free(X->owned[i]);
        X->owned[i] = NULL;
    }
    pm_lagrange_free(&X->lg);
    pm_colgen_free(&X->cg, 1);
    pm_prove_free(&X->pv, 1);
    pm_ios_free(&X->ios, 1);
}

static void on_glpk_error(void *info)
{
    solve_ctx *X = info;
    longjmp(X->jb, 1);
}

/* GLPK's terminal output (including its error messages) goes to stderr
 * when verbose, and nowhere otherwise. */
static int on_glpk_term(void *info, const char *s)
{
    if (info)
        fputs(s, stderr);
    return 1; /* handled: GLPK prints nothing itself */
}

static void load_problem(solve_ctx *X, double constant)
{
    builder *B = &X->B;
    glp_prob *lp = X->lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    glp_set_obj_coef(lp, 0, constant);
    if (B->nrows) {
        glp_add_rows(lp, B->nrows);
        for (int i = 1; i <= B->nrows; i++)
            glp_set_row_bnds(lp, i, GLP_UP, 0, B->rub[i]);
    }
    if (B->ncols) {
        glp_add_cols(lp, B->ncols);
        for (int j = 1; j <= B->ncols; j++) {
            int integer = B->kind[j] != COL_S;
            glp_set_col_kind(lp, j, integer ? GLP_IV : GLP_CV);
            if (isinf(B->ub[j]))
                glp_set_col_bnds(lp, j, GLP_LO, B->lb[j], 0);
            else if (B->lb[j] == B->ub[j])
                glp_set_col_bnds(lp, j, GLP_FX, B->lb[j], B->ub[j]);
            else
                glp_set_col_bnds(lp, j, GLP_DB, B->lb[j], B->ub[j]);
            glp_set_obj_coef(lp, j, B->cost[j]);
        }
    }
    if (B->nnz)
        glp_load_matrix(lp, B->nnz, B->ia, B->ja, B->ar);
}

/* Column values for a known assignment, to hand GLPK as an incumbent. */
static double *start_vector(const builder *B, const int *assign)
{
    const pm_scenario *sc = B->sc;
    double *v = calloc((size_t)B->ncols + 1, sizeof *v);
    if (!v)
        return NULL;
    for (int j = 1; j <= B->ncols; j++) {
        int g = B->ca[j], p = B->cb[j], n = 0;
        switch (B->kind[j]) {
        case COL_X:
            v[j] = assign[B->cb[j]] == B->arcs->place[B->ca[j]];
            break;
        case COL_Y:
        case COL_W:
            for (int k = sc->group_start[g]; k < sc->group_start[g + 1]; k++)
                n += assign[sc->group_member[k]] == p;
            v[j] = B->kind[j] == COL_Y ? n >= 1 : n >= 2;
            break;
        case COL_S:
            n = pm_group_households(sc, assign, g);
            v[j] = n > 1 ? n - 1 : 0;
            break;
        }
    }
    return v;
}

/* Milliseconds left of the time limit and of this search's share of it
 * (INT_MAX-ish when neither is set). */
static int ms_left(const solve_ctx *X, double t0)
{
    double limit = X->opts->time_limit;
    if (X->phase_limit > 0 && (limit <= 0 || X->phase_limit < limit))
        limit = X->phase_limit;
    if (limit <= 0)
        return 0x7fffffff;
    double left = limit - (pm_clock_seconds() - t0);
    return left <= 0 ? 1 : left > 2e6 ? 2000000000 : (int)(left * 1000);
}

/* Root LP, then branch and bound.  Returns 1 when an integer solution is
 * in the problem object. */
void pm_model_tuning_init(pm_model_tuning *t)
{
    *t = (pm_model_tuning){.lagrange = 1, .colgen = 1, .master_cuts = 1,
                           .master_ip = 1, .quick = 1, .lns = 1,
                           .rc_fixing = 1, .cuts = 1, .primal = 1,
                           .prove = 1, .restart = 1, .first = 1, .second = 1,
                           .dive = 1, .gomory = 1, .pool = 1, .prepro = 1,
                           .purge = 1,
                           .propagate = 1};
}

/* The caller's gap tolerance (mip_gap) is met: the incumbent is within
 * it of the bound, so no later phase is worth its time.  GLPK's own
 * measure, |best - bound| / |best|, applied between the phases as GLPK
 * applies it between nodes.  Never met without an incumbent (best_obj is
 * NaN until there is one). */
static int gap_met(const solve_ctx *X, double best_obj, double lb)
{
    double g = X->opts->mip_gap;
    return g > 0 && !isnan(best_obj) && !isnan(lb) &&
           best_obj - lb <= g * (fabs(best_obj) + DBL_EPSILON);
}

static int count_mask(const unsigned char *m, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += m[i];
    return k;
}

/* After a root LP: its cost per arc, kept when it is the largest so far. */
static void record_setup(solve_ctx *X)
{
    double took = pm_clock_seconds() - X->setup_start;
    if (X->setup_arcs >= X->setup_largest) {
        X->setup_largest = X->setup_arcs;
        X->setup_rate = took / fmax(1, X->setup_arcs);
    }
    if (X->opts->verbose && X->setup_arcs > 10000)
        fprintf(stderr, "placematch: LP over %d arcs (%d columns, %d rows) "
                "built and solved at the root in %.2f s\n", X->setup_arcs,
                X->B.ncols, X->B.nrows, took);
}

/* Whether a search over narcs arcs can reach the end of its root LP
 * `roots` times over in the time left: twice the predicted time, the rate
 * per arc of the largest LP measured so far growing with the square root
 * of how much larger this one is (the rate of small neighbourhoods
 * underestimates a whole LP by far: 1,000 children, 137,000 arcs against
 * neighbourhoods of 3,000, took 25 s where the linear rate said 1.9 s).
 * Unknown (no LP yet) counts as fitting. */
static int setup_fits(const solve_ctx *X, int narcs, double t0, double roots)
{
    if (X->opts->time_limit <= 0 && X->phase_limit <= 0)
        return 1;
    double scale = (double)narcs / fmax(1, X->setup_largest);
    double predicted = 2 * X->setup_rate * narcs * fmax(1, sqrt(scale));
    return roots * predicted * 1000 < ms_left(X, t0);
}

/* What ios.h takes over beyond the Gomory cuts and branching, in both
 * searches. */
static unsigned ios_take(const pm_model_tuning *t)
{
    return (t->pool ? PM_IOS_POOL : 0) | (t->prepro ? PM_IOS_PREPRO : 0);
}

/* The search over arcs' callback: the watch, then GLPK's own cuts and
 * branching made faster (ios.h). */
static void arc_search_cb(glp_tree *T, void *info)
{
    solve_ctx *X = info;
    pm_watch_tree(T, &X->watch);
    pm_ios_cb(&X->ios, T, pm_watch_stopped(&X->watch));
}

static int run_glpk(solve_ctx *X, pm_model_result *out, double t0)
{
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = X->opts->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    /* Measured on generated boroughs (300 children, 16k arcs): the primal
     * simplex reaches the root optimum about 10x faster than the dual, and
     * the presolver trims it a little more (bench/RESULTS.md). */
    sm.meth = X->tune.primal ? GLP_PRIMAL : GLP_DUALP;
    sm.presolve = GLP_ON;
    sm.tm_lim = ms_left(X, t0);
    glp_adv_basis(X->lp, 0);
    int ret = glp_simplex(X->lp, &sm);
    out->lp_iterations = glp_get_it_cnt(X->lp);
    record_setup(X);
    if (ret != 0 || glp_get_status(X->lp) != GLP_OPT) {
        /* the presolver reports infeasibility as GLP_ENOPFS */
        if (ret == GLP_ENOPFS || glp_get_status(X->lp) == GLP_NOFEAS)
            out->status = PM_SOL_INFEASIBLE;
        return 0;
    }
    X->watch.bound = glp_get_obj_val(X->lp);
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = X->opts->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    X->watch.start = X->start;
    X->watch.node_limit = X->opts->node_limit;
    X->watch.interrupt = X->opts->interrupt;
    X->watch.interrupt_info = X->opts->interrupt_info;
    io.cb_func = arc_search_cb;
    io.cb_info = X;
    io.mip_gap = X->opts->mip_gap;
    io.tm_lim = ms_left(X, t0);
    io.gmi_cuts = io.mir_cuts = io.cov_cuts = io.clq_cuts =
        X->tune.cuts ? GLP_ON : GLP_OFF;
    io.br_tech = GLP_BR_DTH;
    io.bt_tech = GLP_BT_BLB;
    if (X->tune.gomory)
        pm_ios_begin(&X->ios, X->lp, &io, ios_take(&X->tune));
    ret = glp_intopt(X->lp, &io);
    pm_ios_free(&X->ios, 0);
    out->lp_iterations = glp_get_it_cnt(X->lp);
    out->nodes = X->watch.nodes;
    int ms = glp_mip_status(X->lp);
    if (ms == GLP_NOFEAS)
        out->status = PM_SOL_INFEASIBLE;
    if (ms != GLP_OPT && ms != GLP_FEAS)
        return 0;
    out->status = ret == 0 && ms == GLP_OPT && X->opts->mip_gap <= 0
                      ? PM_SOL_OPTIMAL : PM_SOL_FEASIBLE;
    return 1;
}

/* The assignment in GLPK's integer solution; the held children of part of
 * the problem where they were held. */
static void extract(const solve_ctx *X, int *assign)
{
    const builder *B = &X->B;
    for (int c = 0; c < B->sc->nchildren; c++)
        assign[c] = B->sub && B->slot[c] < 0 ? B->sub->hold[c] : -1;
    for (int j = 1; j <= B->ncols; j++)
        if (B->kind[j] == COL_X && glp_mip_col_val(X->lp, j) > 0.5)
            assign[B->cb[j]] = B->arcs->place[B->ca[j]];
}

int pm_pinned_infeasible(const pm_scenario *sc, char *msg, int size)
{
    int *count = calloc((size_t)sc->nplacements + 1, sizeof *count);
    if (!count)
        return 0; /* the search will find out */
    int bad = 0;
    for (int c = 0; c < sc->nchildren && !bad; c++) {
        const pm_child_rec *ch = &sc->children[c];
        if (!ch->stay)
            continue;
        int p = ch->current;
        if (++count[p] > sc->placements[p].capacity) {
            snprintf(msg, (size_t)size,
                     "pinned children at %s exceed its capacity of %d",
                     sc->placements[p].id, sc->placements[p].capacity);
            bad = 1;
        }
        for (int k = 0; k < ch->navoid && !bad; k++) {
            const pm_child_rec *d = &sc->children[ch->avoid[k]];
            if (d->stay && d->current == p) {
                snprintf(msg, (size_t)size,
                         "pinned children %s and %s avoid each other but are both at %s",
                         ch->id, d->id, sc->placements[p].id);
                bad = 1;
            }
        }
    }
    free(count);
    return bad;
}

/* Per placement, how many pinned children stay there (the caller frees
 * it); NULL when memory runs out. */
static int *pinned_counts(const pm_scenario *sc)
{
    int *count = calloc((size_t)sc->nplacements + 1, sizeof *count);
    for (int c = 0; count && c < sc->nchildren; c++)
        if (sc->children[c].stay)
            count[sc->children[c].current]++;
    return count;
}

/* How many of p's sibling-only places the count of children pinned there
 * use (0 or less: none). */
static int sibling_places_used(const pm_scenario *sc, int p, int count)
{
    const pm_placement_rec *pl = &sc->placements[p];
    return count - (pl->capacity - pl->sibling_only);
}

static void sibling_places_message(const pm_scenario *sc, int p, int used,
                                   char *msg, int size)
{
    snprintf(msg, (size_t)size,
             "pinned children at %s use %d of its sibling-only places "
             "but no sibling group can be placed there together",
             sc->placements[p].id, used);
}

/* Whether some sibling group could have two members at p (pinned there,
 * or free with an arc to it) with room beside the count pinned there for
 * those not yet there. */
static int group_can_unlock(const pm_scenario *sc, const pm_arcs *arcs, int p,
                            int count)
{
    for (int g = 0; g < sc->ngroups; g++) {
        int there = 0, can = 0;
        for (int k = sc->group_start[g]; k < sc->group_start[g + 1]; k++) {
            int c = sc->group_member[k];
            if (sc->children[c].stay)
                there += sc->children[c].current == p;
            else
                can += pm_arc_find(arcs, c, p) >= 0;
        }
        int join = there >= 2 ? 0 : 2 - there;
        if (there + can >= 2 && count + join <= sc->placements[p].capacity)
            return 1;
    }
    return 0;
}

/* Whether pinned children fill a placement past its ordinary places
 * where no sibling group could unlock its sibling-only ones.  Only a
 * necessary condition for feasibility, but one that holds under any time
 * limit: a search stopped at 1 ms reported "none" for such a scenario
 * (the fuzzer's find). */
static int sibling_places_locked(const pm_scenario *sc, const pm_arcs *arcs,
                                 char *msg, int size)
{
    int *count = pinned_counts(sc), locked = 0;
    if (!count)
        return 0; /* the search will find out */
    for (int p = 0; p < sc->nplacements && !locked; p++) {
        int used = sibling_places_used(sc, p, count[p]);
        locked = used > 0 && !group_can_unlock(sc, arcs, p, count[p]);
        if (locked)
            sibling_places_message(sc, p, used, msg, size);
    }
    free(count);
    return locked;
}

/* The search proved infeasibility without a simple cause: the pinned
 * children must be using sibling-only places no group can unlock. */
static void infeasible_reason(const pm_scenario *sc, char *msg, int size)
{
    if (pm_pinned_infeasible(sc, msg, size))
        return;
    int *count = pinned_counts(sc);
    snprintf(msg, (size_t)size,
             "the pinned children cannot all stay where they are");
    for (int p = 0; count && p < sc->nplacements; p++) {
        int used = sibling_places_used(sc, p, count[p]);
        if (used > 0) {
            sibling_places_message(sc, p, used, msg, size);
            break;
        }
    }
    free(count);
}

/* The objective of an assignment (MODEL.md's, from evaluate.c). */
static double objective_of(const pm_scenario *sc, const int *assign)
{
    pm_totals t;
    pm_kpis k;
    pm_evaluate(sc, assign, &t, &k, NULL);
    return t.objective;
}

/* Keeps cand (a feasible assignment) when it beats the best so far. */
static void offer(const pm_scenario *sc, const int *cand, int *best,
                  double *best_obj, int *have_best)
{
    double obj = objective_of(sc, cand);
    if (!*have_best || obj < *best_obj) {
        memcpy(best, cand, (size_t)sc->nchildren * sizeof *cand);
        *best_obj = obj;
        *have_best = 1;
    }
}

/* The caller's warm start (opts->start), kept when it beats the built-in
 * one.  Children it puts where they no longer have an arc (a mix's removed
 * placement, say) are placed again by the greedy around the others; a start
 * that names no placement, or is infeasible even so, is ignored. */
static pm_status offer_start(const pm_scenario *sc, const pm_arcs *arcs,
                             const int *start, int *best, int *have_best)
{
    for (int c = 0; c < sc->nchildren; c++)
        if (start[c] < -1 || start[c] >= sc->nplacements)
            return PM_OK;
    int *fill = malloc(((size_t)sc->nchildren + 1) * sizeof *fill), ok = 0;
    if (!fill)
        return PM_ERR_NOMEM;
    for (int c = 0; c < sc->nchildren; c++)
        fill[c] = start[c] >= 0 && pm_arc_find(arcs, c, start[c]) >= 0
                      ? start[c] : -1;
    pm_status st = pm_greedy_complete(sc, arcs, NULL, fill, &ok);
    if (st == PM_OK && ok) {
        double best_obj = *have_best ? objective_of(sc, best) : NAN;
        offer(sc, fill, best, &best_obj, have_best);
    }
    free(fill);
    return st;
}

/* For tests (tuning lns 2): the answer of a search over part of the
 * problem breaks no constraint of the whole, and GLPK's objective, held
 * children's constant included, is the model's (no less when the search
 * stopped early: a y column may then be 1 where no sibling is).  A wrong
 * residual row or constant would show here first; abort, so that no test
 * can pass over it. */
static void check_part(const solve_ctx *X, const pm_scenario *sc,
                       const int *found, int proven)
{
    char msg[256] = "feasible";
    double got = glp_mip_obj_val(X->lp), want = objective_of(sc, found);
    double tol = 1e-6 * fmax(1, fabs(want));
    int broken = pm_check_assignment(sc, found, msg, (int)sizeof msg);
    if (broken || (proven ? fabs(got - want) > tol : got < want - tol)) {
        fprintf(stderr, "placematch: a search over part of the problem "
                "broke the model: %s; objective %.9f, the model's %.9f\n",
                msg, got, want);
        abort();
    }
}

/* Whether best is a solution of what B holds: a part of the problem
 * holding its children elsewhere (the LP-guided search holds them where
 * the LP has them) cannot start from it.  GLPK takes a start on trust. */
static int holds_best(const builder *B, const int *best)
{
    for (int c = 0; B->sub && c < B->sc->nchildren; c++)
        if (B->slot[c] < 0 && B->sub->hold[c] != best[c])
            return 0;
    return 1;
}

/* The arcs a search builds from: keep's (NULL: all), of the free
 * children only when it searches part of the problem (formulation.h; an
 * estimate there: the builder also closes arcs to held avoiders). */
static int search_arcs(const pm_arcs *arcs, const unsigned char *keep,
                       const pm_subproblem *sub)
{
    if (!sub)
        return keep ? count_mask(keep, arcs->count) : arcs->count;
    int k = 0;
    for (int f = 0; f < sub->nfree; f++) {
        int c = sub->free[f];
        for (int i = arcs->start[c]; i < arcs->start[c + 1]; i++)
            k += (!keep || keep[i]) && pm_subproblem_opens(sub, arcs, c, i);
    }
    return k;
}

/* One branch-and-bound search over the arcs in keep (and over part of the
 * problem when sub is not NULL), starting from the assignment in best
 * (feasible, objective *best_obj) and improving it in place.  Returns 1
 * when the search proved its answer optimal over what it searched. */
static int search(solve_ctx *X, const pm_scenario *sc, const pm_arcs *arcs,
                  const unsigned char *keep, const pm_subproblem *sub,
                  int *best, double *best_obj, int *have_best,
                  pm_model_result *out, double t0)
{
    /* X->watch.bound belongs to this search alone, even one that does not
     * run: a neighbourhood's bound says nothing about the whole problem */
    X->watch.bound = NAN;
    /* Time is up: building and loading the LP (seconds for a large
     * estate) would overrun the limit before GLPK could notice. */
    if ((X->opts->time_limit > 0 || X->phase_limit > 0) && ms_left(X, t0) <= 1)
        return 0;
    X->setup_arcs = search_arcs(arcs, keep, sub);
    if (!setup_fits(X, X->setup_arcs, t0, 1))
        return 0;
    X->setup_start = pm_clock_seconds();
    pm_builder_free(&X->B);
    free(X->start);
    X->start = NULL;
    X->watch.start_given = 0;
    if (X->lp) {
        glp_delete_prob(X->lp);
        X->lp = NULL;
    }
    if (pm_builder_build(&X->B, sc, arcs, keep, sub) != PM_OK)
        return -1;
    if (*have_best && holds_best(&X->B, best) &&
        !(X->start = start_vector(&X->B, best)))
        return -1;
    if (sub && (X->B.ncols == 0 || X->B.infeasible))
        return 0; /* an empty neighbourhood, or a hold that breaks the model */
    if (X->B.ncols == 0) { /* nobody can be placed */
        for (int c = 0; c < sc->nchildren; c++)
            best[c] = -1;
        *have_best = 1;
        *best_obj = X->watch.bound = objective_of(sc, best);
        out->status = PM_SOL_OPTIMAL;
        return 1;
    }
    load_problem(X, X->B.constant);
    pm_solution before = out->status;
    out->status = PM_SOL_NONE;
    int got = run_glpk(X, out, t0);
    int proven = got && out->status == PM_SOL_OPTIMAL;
    if (out->status == PM_SOL_INFEASIBLE)
        return 0;
    out->status = before;
    if (got) {
        int *found = malloc(((size_t)sc->nchildren + 1) * sizeof *found);
        if (!found)
            return -1;
        extract(X, found);
        if (sub && X->tune.lns == 2)
            check_part(X, sc, found, proven);
        offer(sc, found, best, best_obj, have_best);
        free(found);
    }
    return proven;
}

/* Arcs worth a first, fast search: those the Lagrangian prices within tau
 * of their unit's best, and those of the starting solution. */
static unsigned char *keep_mask(const pm_arcs *arcs, const double *delta,
                                double tau, const int *best, int have_best)
{
    unsigned char *keep = malloc((size_t)arcs->count + 1);
    if (!keep)
        return NULL;
    for (int c = 0; c < arcs->nchildren; c++)
        for (int i = arcs->start[c]; i < arcs->start[c + 1]; i++)
            keep[i] = delta[i] <= tau ||
                      (have_best && best[c] == arcs->place[i]);
    return keep;
}

static int mask_subset(const unsigned char *a, const unsigned char *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] && !b[i])
            return 0;
    return 1;
}

/* ---- large-neighbourhood search ------------------------------------ */

#define LNS_PLACES 6      /* placements opened up around each seed child */
#define LNS_CHILDREN 80   /* most children freed in one neighbourhood     */
#define LNS_PASSES 4
#define LNS_SUB_SECONDS 1.0

typedef struct lns_state {
    unsigned char *freed, *open;
    int *free, *seeds;
    double *seed_key;
    pm_subproblem sub;
} lns_state;

/* Seeds in order of how much dearer their current arc is than the
 * Lagrangian prices suggest: the children most likely misplaced. */
static void order_seeds(const pm_arcs *arcs, const pm_lagrange *lg,
                        const int *best, lns_state *L, int n)
{
    for (int c = 0; c < n; c++) {
        L->seeds[c] = c;
        L->seed_key[c] = 0;
        for (int i = arcs->start[c]; i < arcs->start[c + 1]; i++)
            if (arcs->place[i] == best[c])
                L->seed_key[c] = lg->delta[i];
    }
    /* insertion sort by key, descending; stable, so ties keep index order */
    for (int i = 1; i < n; i++) {
        int c = L->seeds[i], j = i;
        while (j > 0 && L->seed_key[L->seeds[j - 1]] < L->seed_key[c]) {
            L->seeds[j] = L->seeds[j - 1];
            j--;
        }
        L->seeds[j] = c;
    }
}

/* Opens the seed's placement and its cheapest alternatives, frees the
 * children there (and their siblings); everyone else is held. */
static void neighbourhood(const pm_scenario *sc, const pm_arcs *arcs,
                          const pm_lagrange *lg, const int *best, int seed,
                          int places, lns_state *L)
{
    int n = sc->nchildren, freed = 0;
    memset(L->open, 0, (size_t)sc->nplacements + 1);
    memset(L->freed, 0, (size_t)n + 1);
    if (best[seed] >= 0)
        L->open[best[seed]] = 1;
    for (int k = 0; k < places; k++) { /* the cheapest by delta */
        int pick = -1;
        for (int i = arcs->start[seed]; i < arcs->start[seed + 1]; i++)
            if (!L->open[arcs->place[i]] &&
                (pick < 0 || lg->delta[i] < lg->delta[pick]))
                pick = i;
        if (pick < 0)
            break;
        L->open[arcs->place[pick]] = 1;
    }
    for (int c = 0; c < n && freed < LNS_CHILDREN; c++) {
        if (c != seed && (best[c] < 0 || !L->open[best[c]]))
            continue;
        int g = sc->children[c].group;
        if (g < 0) {
            freed += !L->freed[c];
            L->freed[c] = 1;
            continue;
        }
        for (int k = sc->group_start[g]; k < sc->group_start[g + 1]; k++) {
            freed += !L->freed[sc->group_member[k]];
            L->freed[sc->group_member[k]] = 1;
        }
    }
    L->sub.nfree = 0;
    for (int c = 0; c < n; c++)
        if (L->freed[c])
            L->free[L->sub.nfree++] = c;
    L->sub.free = L->free;
    L->sub.open = L->open;
    L->sub.hold = best;
}

/* Re-optimises one neighbourhood after another until the time is up.
 * A whole pass without a gain ends it before a proof (widen 0), which
 * wants the time more; otherwise the neighbourhoods widen (1,000
 * children: stopping there left 40 s to an exact search that never
 * finished its root LP), and after the widest pass they start again from
 * the narrowest when the cycle gained anything: its neighbourhoods are
 * those of a new incumbent (1,000 children: the four passes ended with
 * 14-16 s of a 60 s limit unused).  A cycle without a gain would repeat
 * itself exactly, so the search ends there. */
static void improve(solve_ctx *X, const pm_scenario *sc, const pm_arcs *arcs,
                    const pm_lagrange *lg, int *best, double *best_obj,
                    pm_model_result *out, double t0, double until, int widen)
{
    int n = sc->nchildren, have = 1, rounds = 0, improved = 0, quiet = 0;
    int cycles = 1, cycle_gain = 0;
    lns_state L = {malloc((size_t)n + 1), malloc((size_t)sc->nplacements + 1),
                   malloc(((size_t)n + 1) * sizeof(int)),
                   malloc(((size_t)n + 1) * sizeof(int)),
                   malloc(((size_t)n + 1) * sizeof(double)), {0}};
    own(X, L.freed);
    own(X, L.open);
    own(X, L.free);
    own(X, L.seeds);
    own(X, L.seed_key);
    if (L.freed && L.open && L.free && L.seeds && L.seed_key) {
        order_seeds(arcs, lg, best, &L, n);
        pm_solution saved = out->status;
        /* passes over every seed, each with wider neighbourhoods */
        /* (before a proof: at most PRE_PROVE_ROUNDS passes' worth) */
        long most = widen ? LONG_MAX : (long)PRE_PROVE_ROUNDS * n;
        for (int r = 0; r < LNS_PASSES * n && rounds < most &&
                        pm_clock_seconds() - t0 < until; r++) {
            if (X->watch.interrupted || gap_met(X, *best_obj, X->lg.bound))
                break;
            int places = (X->tune.lns == 2 ? 1 : LNS_PLACES) << (r / n);
            neighbourhood(sc, arcs, lg, best, L.seeds[r % n], places, &L);
            X->phase_limit = fmin(until, pm_clock_seconds() - t0 + LNS_SUB_SECONDS);
            double before = *best_obj;
            search(X, sc, arcs, NULL, &L.sub, best, best_obj, &have, out, t0);
            out->status = saved;
            rounds++;
            if (*best_obj < before - 1e-6 * fmax(1, fabs(before))) {
                improved++;
                cycle_gain = 1;
                quiet = 0;
            } else if (++quiet >= n) { /* a whole pass without a gain */
                if (!widen)
                    break; /* the proof is next */
                r = (r / n + 1) * n - 1; /* the next width */
                quiet = 0;
            }
            if (r + 1 >= LNS_PASSES * n && widen && cycle_gain) {
                r = -1; /* again from the narrowest */
                cycle_gain = quiet = 0;
                cycles++;
            }
        }
        if (X->opts->verbose) {
            int unmatched = 0; /* (a region's gap moves by one of them) */
            for (int c = 0; c < n; c++)
                unmatched += best[c] < 0;
            fprintf(stderr, "placematch: %d neighbourhoods in %d cycle%s, %d "
                    "improved, incumbent %.2f, %d unmatched (%.2f s)\n",
                    rounds, cycles, cycles > 1 ? "s" : "", improved, *best_obj,
                    unmatched, pm_clock_seconds() - t0);
        }
        X->phase_limit = 0;
    }
    release(X, L.freed);
    release(X, L.open);
    release(X, L.free);
    release(X, L.seeds);
    release(X, L.seed_key);
}

/* The LP over keep: lp[c] = the placement where child c sits whole, -1
 * when unmatched whole, -2 when fractional.  Returns 0 when the LP did not
 * solve. */
static int relaxation_assignment(solve_ctx *X, const pm_scenario *sc,
                                 const pm_arcs *arcs, const unsigned char *keep,
                                 int *lp, double t0)
{
    if ((X->opts->time_limit > 0 || X->phase_limit > 0) && ms_left(X, t0) <= 1)
        return 0; /* time is up (see search) */
    X->setup_arcs = count_mask(keep, arcs->count);
    if (!setup_fits(X, X->setup_arcs, t0, 1))
        return 0;
    X->setup_start = pm_clock_seconds();
    pm_builder_free(&X->B);
    if (X->lp) {
        glp_delete_prob(X->lp);
        X->lp = NULL;
    }
    if (pm_builder_build(&X->B, sc, arcs, keep, NULL) != PM_OK || X->B.ncols == 0)
        return 0;
    load_problem(X, X->B.constant);
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.meth = GLP_PRIMAL;
    sm.presolve = GLP_ON;
    sm.tm_lim = ms_left(X, t0);
    int ret = glp_simplex(X->lp, &sm);
    record_setup(X);
    if (ret != 0 || glp_get_status(X->lp) != GLP_OPT)
        return 0;
    double *sum = calloc((size_t)sc->nchildren + 1, sizeof *sum);
    if (!sum)
        return 0;
    for (int c = 0; c < sc->nchildren; c++)
        lp[c] = -1;
    for (int j = 1; j <= X->B.ncols; j++) {
        if (X->B.kind[j] != COL_X)
            continue;
        int c = X->B.cb[j];
        double v = glp_get_col_prim(X->lp, j);
        sum[c] += v;
        if (v > 1 - 1e-6)
            lp[c] = arcs->place[X->B.ca[j]];
        else if (v > 1e-6)
            lp[c] = -2;
    }
    for (int c = 0; c < sc->nchildren; c++)
        if (lp[c] == -1 && sum[c] > 1e-6)
            lp[c] = -2; /* partly placed: fractional */
    free(sum);
    return 1;
}

/* Relaxation-guided start: solve the LP over keep, hold every child whose
 * LP assignment is already integral (with their whole group integral too),
 * and solve the rest exactly.  The LP is nearly integral apart from the
 * sibling groups it spreads, so what is left is small. */
static void lp_guided(solve_ctx *X, const pm_scenario *sc, const pm_arcs *arcs,
                      const unsigned char *keep, int *best, double *best_obj,
                      int *have_best, pm_model_result *out, double t0)
{
    int n = sc->nchildren, nfree = 0;
    int *lp = malloc(((size_t)n + 1) * sizeof *lp);
    int *free_list = malloc(((size_t)n + 1) * sizeof *free_list);
    own(X, lp);
    own(X, free_list);
    if (!lp || !free_list || !relaxation_assignment(X, sc, arcs, keep, lp, t0))
        goto done;
    for (int c = 0; c < n; c++) {
        int g = sc->children[c].group, ok = lp[c] != -2;
        for (int k = g >= 0 ? sc->group_start[g] : 0;
             g >= 0 && k < sc->group_start[g + 1]; k++)
            ok &= lp[sc->group_member[k]] != -2;
        if (!ok)
            free_list[nfree++] = c;
    }
    if (X->opts->verbose)
        fprintf(stderr, "placematch: LP holds %d of %d children integral\n",
                n - nfree, n);
    pm_subproblem sub = {free_list, nfree, NULL, lp};
    pm_solution saved = out->status;
    search(X, sc, arcs, keep, &sub, best, best_obj, have_best, out, t0);
    out->status = saved;
done:
    release(X, lp);
    release(X, free_list);
}

/* A second start: the greedy steered by the Lagrangian prices. */
static void priced_start(const pm_scenario *sc, const pm_arcs *arcs,
                         const pm_lagrange *lg, int *best, double *best_obj,
                         int *have_best)
{
    int *alt = malloc(((size_t)sc->nchildren + 1) * sizeof *alt), ok = 0;
    if (alt && pm_greedy(sc, arcs, lg->mu, alt, &ok) == PM_OK && ok)
        offer(sc, alt, best, best_obj, have_best);
    free(alt);
}

/* Whether the proof over the master (prove.h) is likely to run: exact
 * pricing, and no time limit or one of at least PROVE_LIKELY_LIMIT. */
static int proof_likely(const solve_ctx *X)
{
    double limit = X->opts->time_limit;
    return X->tune.prove && X->cg.pr && pm_pricer_exact(X->cg.pr) &&
           (limit <= 0 || limit >= PROVE_LIKELY_LIMIT);
}

/* The exact Lagrangian dual by column generation (colgen.h), from the
 * ascent's prices: its bound and prices replace the ascent's.  Each arc
 * keeps the larger of the two lower bounds for solutions that use it
 * (ascent bound + its delta, generation bound + its delta): both are
 * valid, and the ascent's prices, short of the optimum and less
 * degenerate, often price an arc out where the optimal ones cannot (300
 * children: 5,349 arcs fixed against 2,395); those go to X->fix.  The
 * master's solution goes to X->support. */
static pm_status column_generation(solve_ctx *X, const pm_scenario *sc,
                                   const pm_arcs *arcs, const int *start,
                                   double seconds, int *best, int *have_best)
{
    pm_lagrange *lg = &X->lg;
    pm_colgen *cg = &X->cg;
    double t0 = pm_clock_seconds();
    pm_status st = pm_colgen_run(sc, arcs, lg->mu, start, COLGEN_ROUNDS,
                                 X->tune.master_cuts ? COLGEN_CUT_ROUNDS : 0,
                                 X->tune.purge, seconds, cg);
    double *d = st == PM_OK ? own(X, malloc(((size_t)arcs->count + 1) *
                                            sizeof *d)) : NULL;
    X->support = st == PM_OK ? own(X, malloc((size_t)arcs->count + 1)) : NULL;
    if (st == PM_OK && (!d || !X->support))
        st = PM_ERR_NOMEM;
    if (st == PM_OK && cg->bound > lg->bound) {
        memset(d, 0, (size_t)arcs->count * sizeof *d);
        pm_pricer_deltas(cg->pr, cg->mu, cg->sig, d);
        for (int i = 0; i < arcs->count; i++) {
            double f = fmax(lg->bound + lg->delta[i], cg->bound + d[i]);
            d[i] = fmax(0, f - cg->bound);
        }
        lg->bound = cg->bound;
        memcpy(lg->mu, cg->mu, (size_t)sc->nplacements * sizeof *lg->mu);
        X->fix = d;
        d = NULL;
    }
    if (st == PM_OK && cg->iterations == 0) {
        /* no master solved (a very short limit): no support to go by */
        release(X, X->support);
        X->support = NULL;
    }
    if (st == PM_OK) {
        if (X->support)
            pm_colgen_support(cg, arcs, X->support);
        if (X->opts->verbose)
            fprintf(stderr, "placematch: column generation bound %.2f "
                    "(master %.2f, %d rounds, %d columns, %d set aside, %d "
                    "cuts%s, %.2f s)\n",
                    cg->bound, cg->master, cg->iterations, cg->columns,
                    cg->purged, cg->ncuts,
                    cg->converged ? ", converged" : "",
                    pm_clock_seconds() - t0);
    }
    /* GLPK finds no integer point of the bundled borough's master in half
     * a second: under shorter shares (a 2 s commissioning solve) the time
     * goes to the searches instead; and a master that has not converged
     * (a region under a 20 s limit) holds too few columns to be worth it */
    double limit = X->opts->time_limit;
    double ip_seconds = limit > 0 ? fmin(MASTER_IP_SECONDS, MASTER_IP_SHARE * limit)
                                  : MASTER_IP_SECONDS;
    /* the proof's programme holds the master's columns and more: with it
     * to come, this would only repeat its start (2 s at 600 children).
     * Under a short limit (a commissioning baseline's 8 s) the proof does
     * not run, so this runs as before (12 mixes at 2 s, two runs each:
     * mean gap 0.21-0.23% either way, within noise) */
    int proof = proof_likely(X);
    if (st == PM_OK && X->tune.master_ip && best && cg->converged &&
        ip_seconds >= MASTER_IP_MIN && !proof) {
        int *ip = own(X, malloc(((size_t)sc->nchildren + 1) * sizeof *ip));
        double t1 = pm_clock_seconds();
        if (!ip)
            st = PM_ERR_NOMEM;
        else if (pm_colgen_integer(cg, sc, ip_seconds, ip))
            st = offer_start(sc, arcs, ip, best, have_best);
        if (X->opts->verbose && ip)
            fprintf(stderr, "placematch: master as an integer programme: "
                    "incumbent %.2f (%.2f s)\n", objective_of(sc, best),
                    pm_clock_seconds() - t1);
        release(X, ip);
    }
    release(X, d);
    X->cg_own = cg->columns; /* later ones are the proof's */
    /* cg stays for the proof (prove_by_master); solve_guarded frees it */
    return st;
}

/* The exact search over the master's columns (prove.h), from the
 * incumbent in best, to the end of the time limit.  Returns its outcome
 * (PM_PROVE_DONE: best is optimal), -2 when memory ran out; *full_bound
 * gets its bound when it ran.  Where the whole programme would not fit,
 * the one over the columns within a smaller gap (prove.c, restrict_gap),
 * if that gap is above `above`.  keep: restricted to that share of
 * the columns (and to FIRST_KEEP_MOST of them) all the same, for the
 * first search (0: not). */
static int prove_by_master(solve_ctx *X, const pm_scenario *sc,
                           const pm_arcs *arcs, int *best, double *best_obj,
                           double t0, long max_columns, double room,
                           double above, double keep, double *full_bound)
{
    pm_prove *P = &X->pv;
    pm_prove_free(P, 0); /* an earlier attempt's (skipped: too large) */
    pm_prove_init(P);
    if (max_columns > 0)
        P->max_columns = max_columns;
    P->room = room;
    P->restrict_above = above;
    P->first_added = X->cg_own > 0 ? X->cg_own : INT_MAX;
    P->cuts = X->tune.cuts;
    P->own_tableau = X->tune.gomory;
    P->ios_take = ios_take(&X->tune);
    P->keep_share = keep > 0 ? keep : X->tune.prove_keep;
    P->keep_most = keep > 0 ? FIRST_KEEP_MOST : X->tune.prove_keep_most;
    /* the first search (keep) runs for an incumbent, not for its bound */
    P->stop_at_cap = !(keep > 0);
    /* (the first search is one; tests dive there too, for more cases) */
    P->dive = X->tune.dive == 2 || (X->tune.dive && !(keep > 0));
    if (X->tune.dive >= 2) /* (tests) */
        P->dive_min_columns = 0;
    if (X->tune.dive == 2) {
        P->dive_columns = 5;
        P->dive_early = 1;
    }
    if (X->tune.restart != 1)
        P->restart_share = X->tune.restart ? 1 : 0;
    P->restart_rounds = X->tune.restart != 2;
    P->propagate = X->tune.propagate;
    P->mip_gap = X->opts->mip_gap;
    int bounded = X->opts->time_limit > 0 || X->phase_limit > 0;
    P->seconds = bounded ? fmax(1e-3, ms_left(X, t0) / 1000.0) : 0;
    P->watch.node_limit = X->opts->node_limit;
    P->watch.interrupt = X->opts->interrupt;
    P->watch.interrupt_info = X->opts->interrupt_info;
    P->verbose = X->opts->verbose;
    if (X->tune.prove == 2)
        P->arrangements_max = 0;
    int *found = own(X, malloc(((size_t)sc->nchildren + 1) * sizeof *found));
    if (!found)
        return -2;
    int got = 0;
    pm_prove_outcome oc;
    double t1 = pm_clock_seconds();
    pm_status st = pm_prove_run(P, &X->cg, sc, arcs, best, *best_obj, found,
                                &got, &oc);
    char why[160];
    if (st == PM_OK && got && pm_check_assignment(sc, found, why, sizeof why)) {
        /* cannot happen if the programme is MODEL.md's; never trust it */
        if (X->opts->verbose)
            fprintf(stderr, "placematch: the proof's answer breaks a rule "
                    "(%s): ignored\n", why);
        got = 0;
        oc = PM_PROVE_SKIPPED;
    }
    if (st == PM_OK && got) {
        int have = 1;
        offer(sc, found, best, best_obj, &have);
    }
    release(X, found);
    X->watch.nodes = P->watch.nodes;
    X->watch.interrupted |= P->watch.interrupted;
    if (X->opts->verbose)
        fprintf(stderr, "placematch: proof over the master: %s, %ld columns "
                "and %ld households (gap %.2f enumerated, %.2f kept), root LP %.2f "
                "(%.2f s), "
                "%ld nodes, %d restarts (last %ld columns), bound %.2f, "
                "incumbent %.2f (%.2f s)\n",
                oc == PM_PROVE_DONE ? "optimal" : oc == PM_PROVE_OPEN
                                      ? "stopped" : "skipped",
                P->columns, P->households, P->gap_in, P->gap_kept, P->root_value,
                P->root_seconds,
                P->watch.nodes, P->restarts, P->restart_columns, P->bound,
                *best_obj, pm_clock_seconds() - t1);
    if (st != PM_OK)
        return -2;
    if (oc != PM_PROVE_SKIPPED)
        *full_bound = P->bound;
    return oc;
}

/* The proof's programme over its FIRST_KEEP share of columns, for a
 * better incumbent before the whole (see FIRST_KEEP): PM_PROVE_DONE when
 * that proves the optimum, -2 when memory ran out. */
static int first_search(solve_ctx *X, const pm_scenario *sc,
                        const pm_arcs *arcs, int *best, double *best_obj,
                        double t0, double *full_bound)
{
    double now = pm_clock_seconds() - t0;
    double left = X->opts->time_limit > 0 ? X->opts->time_limit - now : 0;
    X->phase_limit = now + (left > 0 ? FIRST_SHARE * left : FIRST_SECONDS);
    int pv = prove_by_master(X, sc, arcs, best, best_obj, t0, 0,
                             PROVE_FIRST_ROOM, 0, FIRST_KEEP, full_bound);
    X->phase_limit = 0;
    return pv;
}

/* After a restricted proof that reached its cap L + g with time left:
 * the programme over a larger gap, the whole where it fits with the
 * least room (prove.h), for a bound past that cap and a better
 * incumbent.  Skipped (PM_PROVE_OPEN, the first pass's bound kept) when
 * it would keep no more than g.  Returns as prove_by_master. */
static int second_pass(solve_ctx *X, const pm_scenario *sc,
                       const pm_arcs *arcs, int *best, double *best_obj,
                       double t0, double *full_bound)
{
    double first = *full_bound; /* (set: the first pass ran) */
    long nodes = X->pv.watch.nodes;
    /* for tests (prove_keep): twice the share, so that it runs there too */
    pm_model_tuning tune = X->tune;
    X->tune.prove_keep = fmin(1, 2 * tune.prove_keep);
    X->tune.prove_keep_most = 2 * tune.prove_keep_most;
    int pv = prove_by_master(X, sc, arcs, best, best_obj, t0, 0, PROVE_ROOM,
                             X->pv.gap_kept, 0, full_bound);
    X->tune = tune;
    X->pv.watch.nodes += nodes; /* both passes' (the result's count) */
    if (pv == PM_PROVE_SKIPPED) /* (*full_bound untouched: the first's) */
        return PM_PROVE_OPEN;
    if (pv == PM_PROVE_OPEN)
        *full_bound = fmax(first, *full_bound);
    return pv;
}

/* Lagrangian bound (ascent, then column generation), a search over the promising arcs for a strong
 * incumbent, then reduced-cost fixing and the exact search over the arcs
 * that can still beat it. */
static pm_status solve_guarded(solve_ctx *X, const pm_scenario *sc,
                               const pm_arcs *arcs, int *best, int have_best,
                               pm_model_result *out, double t0)
{
    double best_obj = have_best ? objective_of(sc, best) : NAN;
    double ub = have_best ? best_obj
                          : sc->policy.unmatched_week * (sc->nchildren + 1) +
                                sc->policy.sibling_split_week * sc->nchildren;
    pm_lagrange *lg = &X->lg;
    double limit = X->opts->time_limit;
    int cg = X->tune.lagrange && X->tune.colgen;
    /* prices for later solves are worth more of the ascent's time, unless
     * column generation will find the optimal ones anyway */
    double share = X->warm && X->warm->mu_out && !cg ? LAGRANGE_SHARE_SEED
                                                     : LAGRANGE_SHARE;
    if (pm_lagrange_run(sc, arcs, ub, X->warm ? X->warm->mu_in : NULL,
                        !X->tune.lagrange ? 1
                        : cg ? LAGRANGE_ITERATIONS_CG : LAGRANGE_ITERATIONS,
                        limit > 0 ? share * limit : 0, lg) != PM_OK)
        return PM_ERR_NOMEM;
    priced_start(sc, arcs, lg, best, &best_obj, &have_best);
    if (cg && column_generation(X, sc, arcs, have_best ? best : NULL,
                                limit > 0 ? COLGEN_SHARE * limit : 0, best,
                                &have_best) != PM_OK) {
        release(X, X->support);
        release(X, X->fix);
        X->support = NULL;
        X->fix = NULL;
        pm_lagrange_free(lg);
        pm_colgen_free(&X->cg, 0);
        return PM_ERR_NOMEM;
    }
    if (have_best) /* the master's integer programme may have bettered it */
        best_obj = objective_of(sc, best);
    double lb = lg->bound, tol = 1e-6 * fmax(1, fabs(lb));
    out->root_bound = lb;
    if (X->opts->verbose)
        fprintf(stderr, "placematch: start %.2f, Lagrangian bound %.2f after %d "
                "iterations (%.2f s)\n", best_obj, lb, lg->iterations,
                pm_clock_seconds() - t0);
    int proven = have_best && best_obj <= lb + tol;
    unsigned char *quick = NULL, *exact = NULL;
    double full_bound = NAN; /* GLPK's bound, from a search that counts */
    int oom = 0; /* a search that could not run must not pass for a limit */
    /* close enough already (a mix's warm start, say): nothing to search */
    if (!proven && !gap_met(X, best_obj, lb)) {
        /* at the dual's optimum a third of the arcs price at zero: the
         * master's own solution says which of them matter */
        double tau = X->support ? -1 : fmax(tol, QUICK_TAU * fabs(lb));
        quick = own(X, keep_mask(arcs, lg->delta, tau, best, have_best));
        for (int i = 0; quick && X->support && i < arcs->count; i++)
            quick[i] |= X->support[i];
        /* the quick search only finds an incumbent: give it a share */
        X->phase_limit = limit > 0 ? fmax(QUICK_SHARE * limit,
                                          pm_clock_seconds() - t0 +
                                              QUICK_SHARE * limit)
                                   : QUICK_SECONDS;
        if (X->opts->verbose && quick)
            fprintf(stderr, "placematch: quick search over %d of %d arcs\n",
                    count_mask(quick, arcs->count), arcs->count);
        if (quick && have_best && X->tune.quick)
            lp_guided(X, sc, arcs, quick, best, &best_obj, &have_best, out, t0);
        if (X->opts->verbose)
            fprintf(stderr, "placematch: after the LP-guided search %.2f (%.2f s)\n",
                    best_obj, pm_clock_seconds() - t0);
        if (gap_met(X, best_obj, lb))
            goto done;
        if (X->tune.prove && have_best && X->cg.converged) {
            double quick_limit = X->phase_limit; /* the quick search's */
            double now = pm_clock_seconds() - t0;
            if (X->tune.lns && proof_likely(X))
                improve(X, sc, arcs, lg, best, &best_obj, out, t0,
                        now + (limit > 0 ? PRE_PROVE_SHARE * limit
                                         : PRE_PROVE_SECONDS),
                        0);
            if (gap_met(X, best_obj, lb))
                goto done;
            X->phase_limit = 0;
            int pv = X->tune.first ? first_search(X, sc, arcs, best, &best_obj,
                                                  t0, &full_bound)
                                   : PM_PROVE_SKIPPED;
            if (pv != PM_PROVE_DONE && pv != -2)
                pv = prove_by_master(X, sc, arcs, best, &best_obj, t0,
                                     0, PROVE_FIRST_ROOM, 0, 0, &full_bound);
            if (pv == PM_PROVE_OPEN && X->pv.capped && X->tune.second)
                pv = second_pass(X, sc, arcs, best, &best_obj, t0, &full_bound);
            oom = pv == -2;
            proven = pv == PM_PROVE_DONE;
            if (pv == PM_PROVE_SKIPPED) /* (a skip costs the enumeration) */
                X->phase_limit = quick_limit;
            /* stopped (a little short of the limit: prove.c): its bound
             * stands; the neighbourhood search has what is left */
            if (pv == PM_PROVE_OPEN && X->tune.lns && limit > 0)
                improve(X, sc, arcs, lg, best, &best_obj, out, t0, limit, 1);
            if (pv != PM_PROVE_SKIPPED) {
                out->nodes = X->pv.watch.nodes;
                goto done;
            }
        }
        int r = !quick ? -1
                : !X->tune.quick ? 0
                : search(X, sc, arcs, quick, NULL, best, &best_obj, &have_best,
                         out, t0);
        if (r < 0) {
            oom = 1;
            goto done;
        }
        if (out->status == PM_SOL_INFEASIBLE) {
            /* only the pinned children can make the model infeasible, but
             * the quick search lacked arcs that might rescue them */
            out->status = PM_SOL_NONE;
            r = search(X, sc, arcs, NULL, NULL, best, &best_obj, &have_best,
                       out, t0);
            full_bound = X->watch.bound; /* a search over every arc */
            oom = r < 0;
            proven = r == 1;
            goto done;
        }
        if (gap_met(X, best_obj, lb))
            goto done;
        if (have_best && X->tune.lns) {
            improve(X, sc, arcs, lg, best, &best_obj, out, t0,
                    limit > 0 ? LNS_SHARE * limit
                              : pm_clock_seconds() - t0 + LNS_SECONDS,
                    1);
        }
        if (gap_met(X, best_obj, lb))
            goto done;
        X->phase_limit = 0; /* the rest of the time, not the quick search's */
        int pv = X->tune.prove && have_best
                     ? prove_by_master(X, sc, arcs, best, &best_obj, t0, 0,
                                       PROVE_ROOM, 0, 0, &full_bound)
                     : PM_PROVE_SKIPPED;
        oom = pv == -2;
        proven = pv == PM_PROVE_DONE;
        if (pv == PM_PROVE_OPEN && X->tune.lns && limit > 0)
            improve(X, sc, arcs, lg, best, &best_obj, out, t0, limit, 1);
        if (pv != PM_PROVE_SKIPPED) {
            out->nodes = X->pv.watch.nodes;
            goto done;
        }
        double slack = X->tune.rc_fixing ? best_obj - lb + tol : INFINITY;
        exact = have_best ? own(X, keep_mask(arcs, X->fix ? X->fix : lg->delta,
                                             slack, best, 1))
                          : NULL;
        oom = have_best && !exact;
        X->phase_limit = 0;
        if (X->opts->verbose && exact)
            fprintf(stderr, "placematch: incumbent %.2f (%.2f s); exact search "
                    "over %d arcs\n", best_obj, pm_clock_seconds() - t0,
                    count_mask(exact, arcs->count));
        if (r == 1 && exact && mask_subset(exact, quick, arcs->count))
            proven = 1; /* the quick search already held every useful arc */
        else if (!oom && exact &&
                 !setup_fits(X, count_mask(exact, arcs->count), t0,
                             EXACT_ROOTS)) {
            /* the exact search could not get past its root LP in the time
             * left: spend it on the neighbourhood search instead (when
             * that is off, stop: starting an LP that cannot finish would
             * only overrun the limit) */
            if (X->opts->verbose)
                fprintf(stderr, "placematch: no time for the exact search "
                        "to branch%s\n",
                        X->tune.lns ? "; neighbourhood search to the limit"
                                    : "");
            if (X->tune.lns)
                improve(X, sc, arcs, lg, best, &best_obj, out, t0, limit, 1);
        } else if (!oom) {
            r = search(X, sc, arcs, exact, NULL, best, &best_obj, &have_best,
                       out, t0);
            /* valid for the whole problem: every arc that can beat the
             * incumbent was in this search */
            full_bound = X->watch.bound;
            oom = r < 0;
            proven = r == 1;
        }
    }
done:
    pm_colgen_free(&X->cg, 0);
    pm_prove_free(&X->pv, 0);
    release(X, quick);
    release(X, exact);
    release(X, X->support);
    release(X, X->fix);
    X->support = NULL;
    X->fix = NULL;
    if (X->warm && X->warm->mu_out && lg->mu)
        memcpy(X->warm->mu_out, lg->mu, (size_t)sc->nplacements * sizeof *lg->mu);
    pm_lagrange_free(lg);
    if (oom)
        return PM_ERR_NOMEM;
    if (out->status == PM_SOL_INFEASIBLE) {
        infeasible_reason(sc, out->message, sizeof out->message);
        out->objective = out->bound = NAN;
        return PM_OK;
    }
    if (!have_best) {
        out->status = PM_SOL_NONE;
        return PM_OK;
    }
    out->objective = best_obj;
    double bound = isnan(full_bound) ? lb : fmax(lb, full_bound);
    /* optimal when proven, or when the bound meets the incumbent anyway */
    int closed = !isnan(bound) &&
                 bound >= best_obj - 1e-9 * fmax(1.0, fabs(best_obj));
    out->status = (proven && X->opts->mip_gap <= 0) || closed ? PM_SOL_OPTIMAL
                                                              : PM_SOL_FEASIBLE;
    out->bound = out->status == PM_SOL_OPTIMAL ? best_obj : fmin(bound, best_obj);
    out->interrupted = X->watch.interrupted;
    return PM_OK;
}

pm_status pm_model_solve(const pm_scenario *sc, const pm_arcs *arcs,
                         const pm_solve_options *opts,
                         const pm_model_hints *warm, int keep_env,
                         double spent, int *assign, pm_model_result *out)
{
    double t0 = pm_clock_seconds() - spent;
    memset(out, 0, sizeof *out);
    out->status = PM_SOL_NONE;
    out->objective = out->bound = out->root_bound = NAN;
    if (pm_pinned_infeasible(sc, out->message, sizeof out->message) ||
        sibling_places_locked(sc, arcs, out->message, sizeof out->message)) {
        out->status = PM_SOL_INFEASIBLE;
        return PM_OK;
    }
    if (sc->nchildren == 0) {
        /* nothing to place: the optimum is 0, and GLPK refuses a programme
         * of no rows (the master's, when there are no placements either) */
        out->status = PM_SOL_OPTIMAL;
        out->objective = out->bound = out->root_bound = 0;
        return PM_OK;
    }
    solve_ctx *X = calloc(1, sizeof *X);
    int start_ok = 0;
    pm_status st = X ? pm_greedy(sc, arcs, NULL, assign, &start_ok) : PM_ERR_NOMEM;
    if (st == PM_OK && opts->start)
        st = offer_start(sc, arcs, opts->start, assign, &start_ok);
    /* GLPK creates its environment on first use and aborts the process
     * when that fails: create it here, where failure is an error code. */
    if (st == PM_OK && glp_init_env() > 1)
        st = PM_ERR_NOMEM;
    if (st == PM_OK) {
        X->opts = opts;
        X->warm = warm;
        if (warm && warm->tuning)
            X->tune = *warm->tuning;
        else
            pm_model_tuning_init(&X->tune);
        glp_error_hook(on_glpk_error, X);
        glp_term_hook(on_glpk_term, opts->verbose ? stderr : NULL);
        if (setjmp(X->jb) == 0) {
            st = solve_guarded(X, sc, arcs, assign, start_ok, out, t0);
            if (X->lp)
                glp_delete_prob(X->lp);
            glp_error_hook(NULL, NULL);
            if (!keep_env)
                glp_free_env();
        } else {
            /* GLPK failed inside: its environment is unusable; drop it */
            glp_free_env();
            free_owned(X);
            snprintf(out->message, sizeof out->message, "GLPK failed");
            st = PM_ERR_SOLVER;
        }
    }
    if (X) {
        pm_builder_free(&X->B);
        free(X->start);
    }
    free(X);
    if (st == PM_ERR_NOMEM)
        snprintf(out->message, sizeof out->message, "out of memory");
    return st;
}

pm_status pm_model_write(const pm_scenario *sc, const pm_arcs *arcs,
                         const char *path, int mps)
{
    solve_ctx *X = calloc(1, sizeof *X);
    if (!X)
        return PM_ERR_NOMEM;
    pm_status st = pm_builder_build(&X->B, sc, arcs, NULL, NULL);
    if (st == PM_OK && glp_init_env() > 1)
        st = PM_ERR_NOMEM; /* (see pm_model_solve) */
    if (st == PM_OK) {
        glp_error_hook(on_glpk_error, X);
        glp_term_hook(on_glpk_term, NULL);
        if (setjmp(X->jb) == 0) {
            load_problem(X, X->B.constant);
            int rc = mps ? glp_write_mps(X->lp, GLP_MPS_FILE, NULL, path)
                         : glp_write_lp(X->lp, NULL, path);
            st = rc == 0 ? PM_OK : PM_ERR_IO;
            glp_delete_prob(X->lp);
            glp_error_hook(NULL, NULL);
        } else {
            st = PM_ERR_SOLVER;
        }
        glp_free_env();
    }
    pm_builder_free(&X->B);
    free(X);
    return st;
}

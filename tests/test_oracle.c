/*
 * test_oracle: the solver against an independent brute force.
 *
 * Hundreds of small random scenarios (tests/oracle.c: every feature of
 * spec/MODEL.md switched on across the set, some made infeasible on
 * purpose by pinned children) are written as placematch-scenario/1 JSON,
 * loaded with pm_scenario_load_buffer and solved with pm_solve.  For each:
 *
 *  - feasible per brute force: status optimal, objective equal to the
 *    brute-force optimum, the reported assignment feasible and of that cost,
 *    totals and KPIs equal to those recomputed from the assignment;
 *  - infeasible per brute force: status infeasible, no assignment, NaN
 *    objective, a message.
 *
 * Environment: PM_ORACLE_N (number of instances, default 400),
 * PM_ORACLE_SEED (base seed), PM_ORACLE_ONLY (run just instance i).
 * On a mismatch the instance JSON (synthetic) and both answers are printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "placematch/placematch.h"
#include "oracle.h"
#include "solve.h"
#include "testutil.h"

#define DEFAULT_N 400
#define DEFAULT_SEED 0x5EED0A11CE5ULL
#define MAX_PRINTED_FAILURES 5

static long env_long(const char *name, long def)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end;
    long x = strtol(v, &end, 0);
    return *end ? def : x;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end;
    unsigned long long x = strtoull(v, &end, 0);
    return *end ? def : (uint64_t)x;
}

/* relative 1e-6 (absolute below 1) */
static int close_to(double got, double want)
{
    return fabs(got - want) <= 1e-6 * fmax(1.0, fabs(want));
}

/* a percentage or mean: accept the exact value or it rounded to 2 decimals
   (the JSON result shows such figures rounded); NaN accepted where the
   exact value is undefined (nothing placed) and reported as 0 here */
static int close_figure(double got, double want, int undefined)
{
    if (undefined && (isnan(got) || fabs(got) <= 1e-12))
        return 1;
    if (close_to(got, want))
        return 1;
    return fabs(got - round(want * 100.0) / 100.0) <= 1e-9;
}

/* cmocka's print_message truncates to 1 KiB; instances are longer */
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* problem log for one instance                                       */
/* ------------------------------------------------------------------ */

typedef struct problems {
    int n;
    char text[8192];
    size_t len;
} problems;

static void problem(problems *pr, const char *fmt, ...)
{
    pr->n++;
    if (pr->len + 2 >= sizeof pr->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(pr->text + pr->len, sizeof pr->text - pr->len - 1, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    pr->len += (size_t)k;
    if (pr->len > sizeof pr->text - 2)
        pr->len = sizeof pr->text - 2;
    pr->text[pr->len++] = '\n';
    pr->text[pr->len] = '\0';
}

static void print_assignment(const oracle_instance *in, const char *label,
                             const int *a)
{
    char line[1024];
    size_t len = 0;
    line[0] = '\0';
    for (int c = 0; c < in->nc && len < sizeof line - 40; c++)
        len += (size_t)snprintf(line + len, sizeof line - len, " %s->%s",
                                in->c[c].id, a[c] >= 0 ? in->p[a[c]].id : "unmatched");
    say("  %s:%s\n", label, line);
}

/* ------------------------------------------------------------------ */
/* statistics (also a check that the generator covers the model)       */
/* ------------------------------------------------------------------ */

typedef struct stats {
    int instances, feasible, infeasible, injected, natural_infeasible;
    int with_unmatched, with_split, with_moves, with_far;
    long children_total, placed_total;
    long leaves;
    /* feature coverage */
    int age_range, sexes, needs, types, max_miles, reserved, cap0, sib_only,
        groups, avoid, current, pinned, pinned_incompatible, policy_default,
        road_factor, stay_false;
} stats;

static void count_features(const oracle_instance *in, stats *st)
{
    int f_age = 0, f_sexes = 0, f_needs = 0, f_types = 0, f_max = 0, f_res = 0,
        f_cap0 = 0, f_so = 0, f_avoid = 0, f_cur = 0, f_pin = 0, f_pinbad = 0,
        f_sf = 0;
    for (int p = 0; p < in->np; p++) {
        const oracle_placement *pl = &in->p[p];
        f_age |= pl->has_age_min || pl->has_age_max;
        f_sexes |= pl->has_sexes;
        f_res |= pl->has_reserved;
        f_cap0 |= pl->capacity == 0;
        f_so |= pl->has_sibling_only && pl->sibling_only > 0;
    }
    for (int c = 0; c < in->nc; c++) {
        const oracle_child *ch = &in->c[c];
        for (int n = 0; n < ORACLE_NUM_NEEDS; n++)
            f_needs |= ch->needs[n] > 0;
        f_types |= ch->has_types;
        f_max |= ch->has_max_miles;
        f_avoid |= ch->avoid != 0;
        f_cur |= ch->current >= 0;
        f_pin |= ch->stay;
        f_pinbad |= ch->stay && !oracle_arc_ok(in, c, ch->current);
        f_sf |= ch->write_stay_false;
    }
    st->age_range += f_age;
    st->sexes += f_sexes;
    st->needs += f_needs;
    st->types += f_types;
    st->max_miles += f_max;
    st->reserved += f_res;
    st->cap0 += f_cap0;
    st->sib_only += f_so;
    st->groups += in->ngroups > 0;
    st->avoid += f_avoid;
    st->current += f_cur;
    st->pinned += f_pin;
    st->pinned_incompatible += f_pinbad;
    st->stay_false += f_sf;
    st->policy_default += !in->has_policy || !in->policy.has_unmatched_week ||
                          !in->policy.has_far_miles;
    st->road_factor += in->policy.road_factor > 1.0;
}

/* ------------------------------------------------------------------ */
/* one instance                                                       */
/* ------------------------------------------------------------------ */

/* A warm start never changes the optimum: solved from the brute force's
 * own optimum, and from an arbitrary (usually infeasible, so ignored)
 * assignment, the answer is still proven optimal at the same objective. */
static void check_warm_starts(const oracle_instance *in, const pm_scenario *sc,
                              double brute, const int *brute_assign,
                              uint64_t seed, problems *pr)
{
    int start[ORACLE_MAX_CHILDREN];
    for (int round = 0; round < 2; round++) {
        for (int c = 0; c < in->nc; c++) {
            int li = pm_scenario_find_child(sc, in->c[c].id);
            int p = round == 0 ? brute_assign[c]
                               : (int)((seed >> (c % 48)) % (uint64_t)(in->np + 1)) - 1;
            start[li] = p < 0 ? -1 : pm_scenario_find_placement(sc, in->p[p].id);
        }
        pm_solve_options o;
        pm_solve_options_init(&o);
        o.start = start;
        pm_result *res = NULL;
        if (pm_solve(sc, &o, &res, NULL) != PM_OK) {
            problem(pr, "pm_solve with a warm start (round %d) failed", round);
            continue;
        }
        if (pm_result_status(res) != PM_SOL_OPTIMAL ||
            !close_to(pm_result_objective(res), brute))
            problem(pr, "warm start (%s): status %s, objective %.9f, brute "
                    "force %.9f", round == 0 ? "the optimum" : "arbitrary",
                    pm_solution_name(pm_result_status(res)),
                    pm_result_objective(res), brute);
        pm_result_free(res);
    }
}

/* Searches over part of the problem (formulation.h, pm_subproblem):
 * the neighbourhood search opening one placement beside its seed's, so
 * that most children are held and enter only as residual capacity,
 * closed arcs and a constant, and the LP-guided search; with the proof
 * off, the exact search over arcs follows.  In this mode (tuning lns 2)
 * the solver checks every answer of such a search against MODEL.md and
 * aborts on a wrong one; the final answer must be the optimum. */
static void check_parts(const pm_scenario *sc, double brute, problems *pr)
{
    pm_model_tuning t;
    pm_model_tuning_init(&t);
    t.lns = 2;
    t.prove = 0;
    t.purge = 2; /* every column set aside, every round: the LP-guided
                    search starts from the master's solution */
    pm_model_hints h = {.tuning = &t};
    pm_result *res = NULL;
    if (pm_solve_warm(sc, NULL, &h, &res, NULL) != PM_OK) {
        problem(pr, "pm_solve (narrow neighbourhoods) failed");
        return;
    }
    if (pm_result_status(res) != PM_SOL_OPTIMAL ||
        !close_to(pm_result_objective(res), brute))
        problem(pr, "narrow neighbourhoods, then the search over arcs: "
                "status %s, objective %.9f, brute force %.9f",
                pm_solution_name(pm_result_status(res)),
                pm_result_objective(res), brute);
    pm_result_free(res);
}

/* The proof over the master's columns (solver/prove.c) on its own: with
 * the quick, neighbourhood and master-IP searches off, the exact phase
 * starts from the priced greedy, so its enumeration has a real gap to
 * cover; every other instance enters every sibling group by households
 * (the default does so only for groups with many arrangements).  Two in
 * three restart the branch and bound at every root, either once its cut
 * rounds are done or at its first check after a round (restart.h), and
 * one in four of those without GLPK's cuts, so that more of them branch.
 * Three in four search first over a share of the columns (model.c,
 * first_search) as the default does.  One in three has the column
 * generation set aside every nonbasic column of positive reduced cost
 * every round (colgen.c; its columns go on into the proof).  Of those
 * with cuts, one in five lets GLPK make its own Gomory cuts (gomory.h
 * makes the same).  Each dives at any size (prove.c, dive; the default
 * only in programmes of 100,000 columns), every other one at its root's
 * first cut round over only 5 columns of least reduced cost (the
 * default's 12,000 hold every column of these instances), in the first
 * search too.  Few small instances branch at all, so the dive is rare
 * here: 12 dives, 5 of them finding a better answer, in a run of 1,000
 * instances with seed 7 (test_restart_generated's included). */
static void check_proof(const pm_scenario *sc, double brute, int idx,
                        problems *pr)
{
    pm_model_tuning t;
    pm_model_tuning_init(&t);
    t.quick = t.lns = t.master_ip = 0;
    t.prove = idx % 2 ? 2 : 1;
    t.purge = idx % 3 == 2 ? 2 : 1;
    t.restart = idx % 3 == 0 ? 1 : idx % 3 == 1 ? 2 : 3;
    t.cuts = idx % 4 != 3;
    t.first = idx % 4 != 1;
    t.gomory = idx % 5 != 2;
    t.pool = idx % 7 != 3;
    t.prepro = idx % 6 != 4;
    t.dive = idx % 8 < 4 ? 2 : 3;
    pm_model_hints h = {.tuning = &t};
    pm_result *res = NULL;
    if (pm_solve_warm(sc, NULL, &h, &res, NULL) != PM_OK) {
        problem(pr, "pm_solve (proof over the master, mode %d) failed", t.prove);
        return;
    }
    if (pm_result_status(res) != PM_SOL_OPTIMAL ||
        !close_to(pm_result_objective(res), brute))
        problem(pr, "proof over the master (mode %d, restart %d, cuts %d, "
                "first %d, gomory %d, pool %d, prepro %d, purge %d, dive %d): "
                "status %s, objective %.9f, brute force %.9f", t.prove,
                t.restart, t.cuts, t.first, t.gomory, t.pool, t.prepro,
                t.purge, t.dive,
                pm_solution_name(pm_result_status(res)),
                pm_result_objective(res), brute);
    pm_result_free(res);
    /* restricted to the half (or fifth) of its columns of least excess,
     * and in every other instance to no more than three of them:
     * optimal only when the optimum lies within the kept gap, else a
     * valid bound (min(its bound, L + kept gap)) */
    t.prove_keep = idx % 3 ? 0.5 : 0.2;
    t.prove_keep_most = idx % 2 ? 0 : 3;
    res = NULL;
    if (pm_solve_warm(sc, NULL, &h, &res, NULL) != PM_OK) {
        problem(pr, "pm_solve (restricted proof) failed");
        return;
    }
    pm_solution st = pm_result_status(res);
    double obj = pm_result_objective(res), lb = pm_result_bound(res);
    if (!(st == PM_SOL_OPTIMAL && close_to(obj, brute)) &&
        !(st == PM_SOL_FEASIBLE && (obj >= brute || close_to(obj, brute)) &&
          (lb <= brute || close_to(lb, brute))))
        problem(pr, "restricted proof (keep %.1f, at most %ld): status %s, "
                "objective %.9f, bound %.9f, brute force %.9f", t.prove_keep,
                t.prove_keep_most,
                pm_solution_name(st), obj, lb, brute);
    pm_result_free(res);
}

static void check_feasible_result(const oracle_instance *in, const pm_scenario *sc,
                                  const pm_result *res, double brute,
                                  int *solver_assign, problems *pr)
{
    pm_solution st = pm_result_status(res);
    if (st != PM_SOL_OPTIMAL) {
        problem(pr, "status %s, expected optimal (brute-force optimum %.6f)%s%s",
                pm_solution_name(st), brute,
                pm_result_message(res) ? "; message: " : "",
                pm_result_message(res) ? pm_result_message(res) : "");
        return;
    }
    double obj = pm_result_objective(res);
    if (!close_to(obj, brute))
        problem(pr, "objective %.9f != brute-force optimum %.9f (diff %.3g)",
                obj, brute, obj - brute);
    double gap = pm_result_gap(res);
    if (!(fabs(gap) <= 1e-6))
        problem(pr, "gap %.9g for an optimal result", gap);
    double bound = pm_result_bound(res);
    if (!isnan(bound) && bound > brute + 1e-6 * fmax(1.0, fabs(brute)))
        problem(pr, "bound %.9f above the optimum %.9f", bound, brute);
    /* the root bound (Lagrangian dual by column generation, sibling-only
     * prices included) must hold too, whether or not it closed the gap */
    pm_solver_stats stats;
    pm_result_solver_stats(res, &stats);
    if (!isnan(stats.root_bound) &&
        stats.root_bound > brute + 1e-6 * fmax(1.0, fabs(brute)))
        problem(pr, "root bound %.9f above the optimum %.9f", stats.root_bound,
                brute);

    /* the assignment, mapped to our indices by id */
    int ok_map = 1;
    for (int c = 0; c < in->nc; c++) {
        int li = pm_scenario_find_child(sc, in->c[c].id);
        int lp = li >= 0 ? pm_result_assignment(res, li) : -2;
        solver_assign[c] = ORACLE_UNMATCHED;
        if (lp == -1)
            continue;
        const char *pid = lp >= 0 ? pm_scenario_placement_id(sc, lp) : NULL;
        int mine = -1;
        for (int p = 0; pid && p < in->np; p++)
            if (strcmp(in->p[p].id, pid) == 0)
                mine = p;
        if (mine < 0) {
            problem(pr, "child %s: assignment index %d (id %s) not a placement",
                    in->c[c].id, lp, pid ? pid : "NULL");
            ok_map = 0;
        } else {
            solver_assign[c] = mine;
        }
    }
    if (!ok_map)
        return;
    char why[256];
    if (!oracle_feasible(in, solver_assign, why, sizeof why)) {
        problem(pr, "reported assignment is infeasible: %s", why);
        return;
    }
    oracle_figures f;
    oracle_evaluate(in, solver_assign, &f);
    double own = oracle_objective(in, solver_assign);
    if (!close_to(own, brute))
        problem(pr, "reported assignment costs %.9f by the model, optimum is %.9f",
                own, brute);
    if (!close_to(obj, own))
        problem(pr, "objective %.9f != cost %.9f of the reported assignment",
                obj, own);

    pm_totals t;
    memset(&t, 0, sizeof t);
    pm_result_totals(res, &t);
#define TOT(field, want)                                                    \
    if (!close_to(t.field, (want)))                                         \
        problem(pr, "totals." #field " %.9f, expected %.9f", t.field, (want));
    TOT(objective, own)
    TOT(weekly_cost, f.weekly_cost)
    TOT(annual_cost, f.annual_cost)
    TOT(distance_penalty, f.distance_penalty)
    TOT(far_penalty, f.far_penalty)
    TOT(move_penalty, f.move_penalty)
    TOT(split_penalty, f.split_penalty)
    TOT(unmatched_penalty, f.unmatched_penalty)
#undef TOT

    pm_kpis k;
    memset(&k, 0, sizeof k);
    pm_result_kpis(res, &k);
#define KPI(field, want)                                                    \
    if (k.field != (want))                                                  \
        problem(pr, "kpis." #field " %d, expected %d", k.field, (want));
    KPI(children, f.children)
    KPI(placed, f.placed)
    KPI(unmatched, f.unmatched)
    KPI(beyond_far_miles, f.beyond_far_miles)
    KPI(sibling_groups, f.sibling_groups)
    KPI(sibling_groups_split, f.sibling_groups_split)
    KPI(splits, f.splits)
#undef KPI
    /* MODEL.md: "kept together (all placed members in one placement)"; a
       group with no member placed is vacuously together or not counted */
    if (k.sibling_groups_together != f.sibling_groups_together &&
        k.sibling_groups_together !=
            f.sibling_groups_together + f.sibling_groups_none_placed)
        problem(pr, "kpis.sibling_groups_together %d, expected %d (or %d "
                "counting groups with no member placed)",
                k.sibling_groups_together, f.sibling_groups_together,
                f.sibling_groups_together + f.sibling_groups_none_placed);
    /* moves: placed away from current (as move_week counts them); an
       unmatched child that had a current placement may also count */
    if (k.moves != f.moves && k.moves != f.moves + f.unmatched_with_current)
        problem(pr, "kpis.moves %d, expected %d (or %d counting unmatched "
                "children that had a current placement)",
                k.moves, f.moves, f.moves + f.unmatched_with_current);
    if (!close_figure(k.pct_beyond_far_miles, f.pct_beyond_far_miles, f.placed == 0))
        problem(pr, "kpis.pct_beyond_far_miles %.9f, expected %.9f",
                k.pct_beyond_far_miles, f.pct_beyond_far_miles);
    if (!close_figure(k.mean_miles, f.mean_miles, f.placed == 0))
        problem(pr, "kpis.mean_miles %.9f, expected %.9f", k.mean_miles,
                f.mean_miles);
}

static void check_infeasible_result(const oracle_instance *in, const pm_scenario *sc,
                                    const pm_result *res, problems *pr)
{
    pm_solution st = pm_result_status(res);
    if (st != PM_SOL_INFEASIBLE) {
        problem(pr, "status %s (objective %.9f), expected infeasible: brute "
                "force finds no feasible assignment",
                pm_solution_name(st), pm_result_objective(res));
        return;
    }
    if (!isnan(pm_result_objective(res)))
        problem(pr, "infeasible result with objective %.9f, expected NaN",
                pm_result_objective(res));
    const char *msg = pm_result_message(res);
    if (!msg || !*msg)
        problem(pr, "infeasible result without a message");
    for (int c = 0; c < in->nc; c++) {
        int li = pm_scenario_find_child(sc, in->c[c].id);
        if (li >= 0 && pm_result_assignment(res, li) != -1)
            problem(pr, "infeasible result assigns child %s to index %d",
                    in->c[c].id, pm_result_assignment(res, li));
    }
}

/* returns 1 when the instance passed */
static int run_instance(int idx, uint64_t seed, stats *st, int *printed)
{
    oracle_instance *in = calloc(1, sizeof *in);
    assert_non_null(in);
    oracle_generate(in, seed, NULL);
    count_features(in, st);

    size_t len = 0;
    char *json = oracle_to_json(in, &len);
    assert_non_null(json);

    int brute_assign[ORACLE_MAX_CHILDREN];
    int solver_assign[ORACLE_MAX_CHILDREN];
    double brute = NAN;
    long leaves = 0;
    int feasible = oracle_brute_force(in, NULL, brute_assign, &brute, &leaves);
    for (int c = 0; c < in->nc; c++)
        solver_assign[c] = ORACLE_UNMATCHED;
    st->instances++;
    st->leaves += leaves;
    if (feasible) {
        oracle_figures f;
        st->feasible++;
        oracle_evaluate(in, brute_assign, &f);
        st->with_unmatched += f.unmatched > 0;
        st->with_split += f.splits > 0;
        st->with_moves += f.moves > 0;
        st->with_far += f.beyond_far_miles > 0;
        st->children_total += f.children;
        st->placed_total += f.placed;
    } else {
        st->infeasible++;
        if (in->injected)
            st->injected++;
        else
            st->natural_infeasible++;
    }
    /* a generator self-check: injected violations are infeasible */
    problems pr = {0};
    if (in->injected && feasible)
        problem(&pr, "oracle: injected violation %d but brute force is feasible",
                in->injected);

    char name[64];
    snprintf(name, sizeof name, "oracle-%d.json", idx);
    pm_error err;
    memset(&err, 0, sizeof err);
    pm_scenario *sc = NULL;
    pm_result *res = NULL;
    pm_status s = pm_scenario_load_buffer(json, len, name, &sc, &err);
    if (s != PM_OK || !sc) {
        problem(&pr, "pm_scenario_load_buffer: %s (%d)\n%s", pm_strerror(s),
                (int)s, err.text);
    } else if (pm_scenario_num_children(sc) != in->nc ||
               pm_scenario_num_placements(sc) != in->np) {
        problem(&pr, "scenario has %d children, %d placements; expected %d, %d",
                pm_scenario_num_children(sc), pm_scenario_num_placements(sc),
                in->nc, in->np);
    } else {
        memset(&err, 0, sizeof err);
        s = pm_solve(sc, NULL, &res, &err);
        if (s != PM_OK || !res)
            problem(&pr, "pm_solve: %s (%d)\n%s", pm_strerror(s), (int)s, err.text);
        else if (feasible) {
            check_feasible_result(in, sc, res, brute, solver_assign, &pr);
            check_warm_starts(in, sc, brute, brute_assign, seed, &pr);
            check_proof(sc, brute, idx, &pr);
            check_parts(sc, brute, &pr);
        }
        else
            check_infeasible_result(in, sc, res, &pr);
    }

    if (pr.n > 0 && (*printed)++ < MAX_PRINTED_FAILURES) {
        say("---- oracle mismatch: instance %d (seed 0x%llx; rerun "
                      "with PM_ORACLE_SEED=0x%llx PM_ORACLE_N=1) ----\n",
                      idx, (unsigned long long)seed, (unsigned long long)seed);
        say("%s", pr.text);
        if (feasible) {
            say("  brute-force optimum %.9f (%ld leaves)\n", brute, leaves);
            print_assignment(in, "brute force", brute_assign);
            if (res && pm_result_status(res) == PM_SOL_OPTIMAL) {
                say("  solver objective %.9f\n", pm_result_objective(res));
                print_assignment(in, "solver     ", solver_assign);
            }
        } else {
            static const char *const kinds[] = {
                "none: pinned children as generated", "pinned over capacity",
                "two pinned avoiders together", "pinned fill a sibling_only home"};
            say("  brute force: infeasible (injected: %s)\n",
                kinds[in->injected >= 0 && in->injected <= 3 ? in->injected : 0]);
        }
        say("  scenario JSON:\n%s\n", json);
    }

    pm_result_free(res);
    pm_scenario_free(sc);
    free(json);
    free(in);
    return pr.n == 0;
}

static void test_oracle_random(void **state)
{
    (void)state;
    long n = env_long("PM_ORACLE_N", DEFAULT_N);
    long only = env_long("PM_ORACLE_ONLY", -1);
    uint64_t base = env_u64("PM_ORACLE_SEED", DEFAULT_SEED);
    stats st;
    memset(&st, 0, sizeof st);
    int failed = 0, printed = 0;
    for (long i = 0; i < n; i++) {
        if (only >= 0 && i != only)
            continue;
        if (!run_instance((int)i, base + (uint64_t)i, &st, &printed))
            failed++;
    }
    say("oracle: %d instances (%d feasible, %d infeasible: %d injected, "
                  "%d natural), %ld brute-force leaves; optimum has unmatched "
                  "%d, splits %d, moves %d, beyond far_miles %d; %ld of %ld "
                  "children placed; %d failed\n",
                  st.instances, st.feasible, st.infeasible, st.injected,
                  st.natural_infeasible, st.leaves, st.with_unmatched,
                  st.with_split, st.with_moves, st.with_far, st.placed_total,
                  st.children_total, failed);
    if (failed)
        fail_msg("%d of %d instances disagree with the brute force (first %d "
                 "printed above)", failed, st.instances, MAX_PRINTED_FAILURES);
    /* the default set must exercise every feature (a generator check) */
    if (n >= DEFAULT_N && only < 0) {
        assert_true(st.infeasible > 0 && st.injected > 0);
        assert_true(st.feasible > st.infeasible);
        assert_true(st.with_unmatched > 0 && st.with_split > 0 &&
                    st.with_moves > 0 && st.with_far > 0);
        assert_true(st.age_range > 0 && st.sexes > 0 && st.needs > 0 &&
                    st.types > 0 && st.max_miles > 0 && st.reserved > 0 &&
                    st.cap0 > 0 && st.sib_only > 0 && st.groups > 0 &&
                    st.avoid > 0 && st.current > 0 && st.pinned > 0 &&
                    st.pinned_incompatible > 0 && st.policy_default > 0 &&
                    st.road_factor > 0 && st.stay_false > 0);
    }
}

/* ------------------------------------------------------------------ */
/* the oracle itself on hand-worked cases (no solver involved)         */
/* ------------------------------------------------------------------ */

static void base_instance(oracle_instance *in, int nc, int np)
{
    memset(in, 0, sizeof *in);
    in->nc = nc;
    in->np = np;
    in->has_policy = 1;
    in->policy.far_miles = 20;
    in->policy.unmatched_week = 10000;
    in->policy.road_factor = 1.0;
    for (int p = 0; p < np; p++) {
        snprintf(in->p[p].id, sizeof in->p[p].id, "P%d", p + 1);
        in->p[p].lat = 54.5;
        in->p[p].lon = -1.3;
        in->p[p].capacity = 1;
        in->p[p].weekly_cost = 100.0 * (p + 1);
    }
    for (int c = 0; c < nc; c++) {
        snprintf(in->c[c].id, sizeof in->c[c].id, "C%d", c + 1);
        in->c[c].lat = 54.5;
        in->c[c].lon = -1.3;
        in->c[c].age = 10;
        in->c[c].group = -1;
        in->c[c].current = -1;
    }
}

static void test_oracle_selfcheck(void **state)
{
    (void)state;
    /* one degree of latitude: R * pi / 180 miles */
    assert_true(fabs(oracle_haversine(54.0, -1.0, 55.0, -1.0) -
                     3958.8 * 3.14159265358979323846 / 180.0) < 1e-9);

    oracle_instance in;
    int a[ORACLE_MAX_CHILDREN];
    double obj;

    /* two children, two single homes at 100 and 200: 300 */
    base_instance(&in, 2, 2);
    assert_int_equal(oracle_brute_force(&in, NULL, a, &obj, NULL), 1);
    assert_true(fabs(obj - 300.0) < 1e-9);
    /* the `fixed` restriction (for other tests' what-ifs) */
    int fixed[ORACLE_MAX_CHILDREN] = {ORACLE_UNMATCHED, ORACLE_FREE};
    assert_int_equal(oracle_brute_force(&in, fixed, a, &obj, NULL), 1);
    assert_true(fabs(obj - 10100.0) < 1e-9);
    assert_int_equal(a[1], 0);

    /* siblings in a 2-slot home with sibling_only 2 beat a split */
    base_instance(&in, 2, 2);
    in.ngroups = 1;
    strcpy(in.group_id[0], "G1");
    in.c[0].group = in.c[1].group = 0;
    in.p[1].capacity = 2;
    in.p[1].has_sibling_only = 1;
    in.p[1].sibling_only = 2;
    in.policy.sibling_split_week = 150;
    /* together at P2: 400; split P1+P2 impossible (P2 single child breaks
       sibling_only): options are together 400 or P1 + unmatched */
    assert_int_equal(oracle_brute_force(&in, NULL, a, &obj, NULL), 1);
    assert_true(fabs(obj - 400.0) < 1e-9);
    assert_int_equal(a[0], 1);
    assert_int_equal(a[1], 1);
    /* without siblings P2 is unusable: 100 + 10000 */
    in.c[1].group = -1;
    in.c[0].group = -1;
    assert_int_equal(oracle_brute_force(&in, NULL, a, &obj, NULL), 1);
    assert_true(fabs(obj - 10100.0) < 1e-9);

    /* split cost and move cost: C1 pinned at P1 (current), C2 its sibling,
       P1 full; C2 at P2 costs 200 + split 150 + move 50 (current P1) */
    base_instance(&in, 2, 2);
    in.ngroups = 1;
    in.c[0].group = in.c[1].group = 0;
    in.policy.sibling_split_week = 150;
    in.policy.move_week = 50;
    in.c[0].current = 0;
    in.c[0].stay = 1;
    in.c[1].current = 0;
    assert_int_equal(oracle_brute_force(&in, NULL, a, &obj, NULL), 1);
    assert_true(fabs(obj - (100.0 + 200.0 + 150.0 + 50.0)) < 1e-9);
    oracle_figures f;
    oracle_evaluate(&in, a, &f);
    assert_int_equal(f.moves, 1);
    assert_int_equal(f.splits, 1);
    assert_int_equal(f.sibling_groups_split, 1);
    assert_true(fabs(f.objective - obj) < 1e-9);

    /* pinned avoiders together: infeasible; pinned at a 0-capacity home too */
    base_instance(&in, 2, 1);
    in.p[0].capacity = 2;
    in.c[0].current = in.c[1].current = 0;
    in.c[0].stay = in.c[1].stay = 1;
    assert_int_equal(oracle_brute_force(&in, NULL, a, &obj, NULL), 1);
    in.c[1].avoid = 1u << 0;
    assert_int_equal(oracle_brute_force(&in, NULL, a, &obj, NULL), 0);
    base_instance(&in, 1, 1);
    in.p[0].capacity = 0;
    in.c[0].current = 0;
    in.c[0].stay = 1;
    assert_int_equal(oracle_brute_force(&in, NULL, a, &obj, NULL), 0);

    /* pinned breaks sibling_only alone, a sibling joining repairs it:
       capacity 3, sibling_only 3, C1 pinned, C2 its sibling must join */
    base_instance(&in, 2, 1);
    in.ngroups = 1;
    in.c[0].group = in.c[1].group = 0;
    in.p[0].capacity = 3;
    in.p[0].has_sibling_only = 1;
    in.p[0].sibling_only = 3;
    in.c[0].current = 0;
    in.c[0].stay = 1;
    assert_int_equal(oracle_brute_force(&in, NULL, a, &obj, NULL), 1);
    assert_int_equal(a[1], 0);
    assert_true(fabs(obj - 200.0) < 1e-9);

    /* far penalty and distance cost: 0.5 degree north, road factor 1.2 */
    base_instance(&in, 1, 1);
    in.p[0].lat = 55.0;
    in.policy.road_factor = 1.2;
    in.policy.cost_per_mile_week = 2;
    in.policy.far_penalty_week = 250;
    double m = 1.2 * 3958.8 * 0.5 * 3.14159265358979323846 / 180.0;
    assert_true(fabs(oracle_miles(&in, 0, 0) - m) < 1e-9);
    assert_true(fabs(oracle_arc_cost(&in, 0, 0) - (100 + 2 * m + 250)) < 1e-9);
    in.c[0].has_max_miles = 1;
    in.c[0].max_miles = 40; /* m is about 41.5 */
    assert_int_equal(oracle_arc_ok(&in, 0, 0), 0);
}

/* The proof's restarts (solver/restart.c) where its branch and bound has
 * work to do: generated boroughs too large for the brute force, the
 * proof starting from the priced greedy without GLPK's cuts (so that it
 * branches), restarted at every root (after its cut rounds, or at its
 * first check after one) or as the default decides, against the same
 * proof never restarted, each with the dive at any size (prove.c); and
 * the default without the dive, or with the tests' other dive (at the
 * root's first cut round, over 5 columns of least reduced cost).  All
 * six must prove the same optimum. */
static void test_restart_generated(void **state)
{
    (void)state;
    int seeds = 4;
    for (int seed = 1; seed <= seeds; seed++) {
        char *json = pm_test_generate("stockton-2023", seed, 150);
        pm_scenario *sc = NULL;
        assert_int_equal(pm_scenario_load_buffer(json, strlen(json), "gen.json",
                                                 &sc, NULL), PM_OK);
        pm_free(json);
        double obj[6];
        for (int mode = 0; mode < 6; mode++) {
            pm_model_tuning t;
            pm_model_tuning_init(&t);
            t.quick = t.lns = t.master_ip = t.cuts = 0;
            t.restart = mode < 4 ? mode : 1;
            t.dive = mode == 4 ? 0 : mode == 5 ? 2 : 3;
            pm_model_hints h = {.tuning = &t};
            pm_result *res = NULL;
            assert_int_equal(pm_solve_warm(sc, NULL, &h, &res, NULL), PM_OK);
            if (pm_result_status(res) != PM_SOL_OPTIMAL)
                fail_msg("seed %d, restart %d, dive %d: %s", seed, t.restart,
                         t.dive, pm_solution_name(pm_result_status(res)));
            obj[mode] = pm_result_objective(res);
            pm_result_free(res);
        }
        for (int mode = 1; mode < 6; mode++)
            if (!close_to(obj[mode], obj[0]))
                fail_msg("seed %d: mode %d gives %.9f, never restarted %.9f",
                         seed, mode, obj[mode], obj[0]);
        pm_scenario_free(sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oracle_selfcheck),
        cmocka_unit_test(test_oracle_random),
        cmocka_unit_test(test_restart_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

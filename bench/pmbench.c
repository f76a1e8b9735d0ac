/* pmbench: the benchmark's view of the library (bench/run.sh drives it).
 *
 *   pmbench solve SCENARIO [--time-limit S] [--repeat R] [--repeat-below S]
 *                 [--without TECH,...]
 *       pm_solve, timed around the call; repeated R times while a run takes
 *       under --repeat-below seconds (a run that hits the limit is never
 *       repeated: its figures depend on the machine's speed).  --without
 *       turns techniques of the search off (lagrange, colgen, master_cuts,
 *       master_ip, quick, lns, rc_fixing, cuts, primal, prove, restart, first,
 *       gomory, pool, prepro, purge, propagate, second, dive: pm_model_tuning
 *       in solver/model.h);
 *       --households enters every sibling group of the proof by households
 *       (prove = 2).
 *   pmbench write SCENARIO OUT [--lp]
 *       the full formulation (pm_model_write) as free MPS or CPLEX LP, for
 *       CBC, and the objective constant the file may leave out.
 *   pmbench flow SCENARIO OUT
 *       the sibling-free relaxation as a min-cost-flow network for
 *       mcf_lemon (format in bench/README.md).
 *   pmbench suggest SCENARIO --group G [--repeat R]
 *       pm_suggest in process (no start-up or loading in the time).
 *   pmbench mixes COMMISSIONING [--threads T] [--time-limit S] [--budget S]
 *                 [--cold]
 *       pm_mixes_run in process: evaluations (mix, cohort solves) per second;
 *       stopped after --budget seconds (what finished is counted).
 *   pmbench generate PROFILE SEED CHILDREN OUT
 *       pm_generate, the library call behind `placematch generate` (used
 *       only when the command is not built).
 *
 * Every command prints one JSON object on stdout; ids are never printed
 * (the scenarios are synthetic, but the habit is the project's rule). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "placematch/commissioning.h"
#include "model.h"
#include "placematch/placematch.h"
#include "scenario.h"
#include "solve.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of n times (sorts them). */
static double median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

/* JSON has no NaN: unknown figures are null. */
static void put_num(const char *key, double v, int last)
{
    if (isfinite(v))
        printf("\"%s\": %.10g%s", key, v, last ? "" : ", ");
    else
        printf("\"%s\": null%s", key, last ? "" : ", ");
}

static void put_times(const double *t, int n)
{
    printf("\"runs\": [");
    for (int i = 0; i < n; i++)
        printf("%s%.6f", i ? ", " : "", t[i]);
    printf("], ");
}

static int fail(const char *what, const pm_error *err)
{
    fprintf(stderr, "pmbench: %s: %s", what, err->text[0] ? err->text : "failed\n");
    return 1;
}

static pm_scenario *load(const char *path)
{
    pm_error err;
    pm_error_clear(&err);
    pm_scenario *sc = NULL;
    if (pm_scenario_load_file(path, &sc, &err) != PM_OK) {
        fail(path, &err);
        return NULL;
    }
    return sc;
}

/* Value of option name in argv[from..argc), or def. */
static const char *opt(int argc, char **argv, int from, const char *name,
                       const char *def)
{
    for (int i = from; i + 1 < argc; i++)
        if (!strcmp(argv[i], name))
            return argv[i + 1];
    return def;
}

static int has_flag(int argc, char **argv, int from, const char *name)
{
    for (int i = from; i < argc; i++)
        if (!strcmp(argv[i], name))
            return 1;
    return 0;
}

#define MAX_REPEAT 1000

/* Turns off the techniques named in list ("lns,cuts"); 0 on an unknown
 * name. */
static int parse_without(const char *list, pm_model_tuning *t)
{
    static const char *const names[] = {
        "lagrange", "colgen", "master_cuts", "master_ip", "quick",
        "lns",      "rc_fixing", "cuts",     "primal",    "prove",
        "restart",  "first",  "gomory",      "pool",      "prepro",
        "purge",    "propagate", "second",   "dive"};
    int *flags[] = {&t->lagrange, &t->colgen, &t->master_cuts, &t->master_ip,
                    &t->quick, &t->lns, &t->rc_fixing, &t->cuts, &t->primal,
                    &t->prove, &t->restart, &t->first, &t->gomory, &t->pool,
                    &t->prepro, &t->purge, &t->propagate, &t->second,
                    &t->dive};
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *s = strtok(buf, ","); s; s = strtok(NULL, ",")) {
        int found = 0;
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (!strcmp(s, names[i])) {
                *flags[i] = 0;
                found = 1;
            }
        if (!found) {
            fprintf(stderr, "pmbench: unknown technique '%s'\n", s);
            return 0;
        }
    }
    return 1;
}

static int cmd_solve(const pm_scenario *sc, int argc, char **argv)
{
    pm_model_tuning tune;
    pm_model_tuning_init(&tune);
    if (!parse_without(opt(argc, argv, 3, "--without", ""), &tune))
        return 2;
    if (has_flag(argc, argv, 3, "--households") && tune.prove)
        tune.prove = 2; /* every sibling group by households */
    pm_model_hints hints = {.tuning = &tune};
    pm_solve_options o;
    pm_solve_options_init(&o);
    o.time_limit = atof(opt(argc, argv, 3, "--time-limit", "60"));
    o.verbose = has_flag(argc, argv, 3, "--verbose");
    int repeat = atoi(opt(argc, argv, 3, "--repeat", "1"));
    double below = atof(opt(argc, argv, 3, "--repeat-below", "5"));
    if (repeat < 1 || repeat > MAX_REPEAT)
        repeat = 1;
    double t[MAX_REPEAT], cpu[MAX_REPEAT];
    int n = 0;
    pm_result *res = NULL;
    pm_error err;
    int *start = NULL;
    if (has_flag(argc, argv, 3, "--restart")) {
        /* the answer of a first solve as the start of the timed ones: how
         * long the rest takes given that incumbent (the best a start
         * heuristic could do for the proof) */
        if (pm_solve_warm(sc, &o, &hints, &res, &err) != PM_OK)
            return fail("solve", &err);
        int nc = pm_scenario_num_children(sc);
        start = malloc(((size_t)nc + 1) * sizeof *start);
        if (!start)
            return fprintf(stderr, "pmbench: out of memory\n"), 1;
        for (int c = 0; c < nc; c++)
            start[c] = pm_result_assignment(res, c);
        o.start = start;
    }
    do {
        pm_result_free(res);
        pm_error_clear(&err);
        double t0 = now(), c0 = cpu_now();
        if (pm_solve_warm(sc, &o, &hints, &res, &err) != PM_OK)
            return fail("solve", &err);
        cpu[n] = cpu_now() - c0;
        t[n++] = now() - t0;
    } while (n < repeat && t[n - 1] < below &&
             pm_result_status(res) == PM_SOL_OPTIMAL);
    pm_solver_stats st;
    pm_result_solver_stats(res, &st);
    pm_kpis k;
    pm_result_kpis(res, &k);
    printf("{\"status\": \"%s\", ", pm_solution_name(pm_result_status(res)));
    put_num("objective", pm_result_objective(res), 0);
    put_num("bound", pm_result_bound(res), 0);
    put_num("gap", pm_result_gap(res), 0);
    put_num("root_bound", st.root_bound, 0);
    printf("\"nodes\": %ld, \"lp_iterations\": %ld, \"unmatched\": %d, "
           "\"splits\": %d, ", st.nodes, st.lp_iterations, k.unmatched, k.splits);
    put_times(t, n);
    put_num("cpu_seconds", median(cpu, n), 0);
    put_num("seconds", median(t, n), 1);
    printf("}\n");
    pm_result_free(res);
    free(start);
    return 0;
}

static int cmd_write(const pm_scenario *sc, int argc, char **argv)
{
    if (argc < 4)
        return fprintf(stderr, "pmbench write SCENARIO OUT [--lp]\n"), 2;
    pm_arcs arcs;
    if (pm_arcs_build(sc, &arcs) != PM_OK)
        return fprintf(stderr, "pmbench: cannot build the arcs\n"), 1;
    double t0 = now();
    pm_status st = pm_model_write(sc, &arcs, argv[3], !has_flag(argc, argv, 4, "--lp"));
    double dt = now() - t0;
    if (st == PM_OK)
        printf("{\"constant\": %.10g, \"children\": %d, \"placements\": %d, "
               "\"groups\": %d, \"arcs\": %d, \"seconds\": %.6f}\n",
               sc->policy.unmatched_week * sc->nchildren, sc->nchildren,
               sc->nplacements, sc->ngroups, arcs.count, dt);
    else
        fprintf(stderr, "pmbench: writing %s failed: %s\n", argv[3], pm_strerror(st));
    pm_arcs_free(&arcs);
    return st == PM_OK ? 0 : 1;
}

/* The network: sibling rules, avoid pairs and sibling-only restrictions
 * dropped, so its optimum is a lower bound on the model's. */
static void write_flow(FILE *f, const pm_scenario *sc, const pm_arcs *arcs)
{
    fprintf(f, "%d %d %d %.10g\n", sc->nchildren, sc->nplacements, arcs->count,
            sc->policy.unmatched_week);
    for (int p = 0; p < sc->nplacements; p++)
        fprintf(f, "%d\n", sc->placements[p].capacity);
    for (int c = 0; c < sc->nchildren; c++) {
        const pm_child_rec *ch = &sc->children[c];
        fprintf(f, "%d %d\n", ch->stay && ch->current >= 0,
                arcs->start[c + 1] - arcs->start[c]);
        for (int a = arcs->start[c]; a < arcs->start[c + 1]; a++)
            fprintf(f, "%d %.10g\n", arcs->place[a], arcs->cost[a]);
    }
}

static int cmd_flow(const pm_scenario *sc, int argc, char **argv)
{
    if (argc < 4)
        return fprintf(stderr, "pmbench flow SCENARIO OUT\n"), 2;
    pm_arcs arcs;
    if (pm_arcs_build(sc, &arcs) != PM_OK)
        return fprintf(stderr, "pmbench: cannot build the arcs\n"), 1;
    FILE *f = fopen(argv[3], "w");
    int ok = f != NULL;
    if (f) {
        write_flow(f, sc, &arcs);
        ok = !ferror(f);
        ok = fclose(f) == 0 && ok;
    }
    if (ok)
        printf("{\"children\": %d, \"placements\": %d, \"arcs\": %d}\n",
               sc->nchildren, sc->nplacements, arcs.count);
    else
        fprintf(stderr, "pmbench: cannot write %s\n", argv[3]);
    pm_arcs_free(&arcs);
    return ok ? 0 : 1;
}

static int cmd_suggest(const pm_scenario *sc, int argc, char **argv)
{
    pm_suggest_options o;
    pm_suggest_options_init(&o);
    o.group = opt(argc, argv, 3, "--group", NULL);
    o.child = opt(argc, argv, 3, "--child", NULL);
    int repeat = atoi(opt(argc, argv, 3, "--repeat", "20"));
    if (repeat < 1 || repeat > MAX_REPEAT)
        repeat = 1;
    double t[MAX_REPEAT];
    int count = 0;
    for (int i = 0; i < repeat; i++) {
        pm_suggestions *s = NULL;
        pm_error err;
        pm_error_clear(&err);
        double t0 = now();
        if (pm_suggest(sc, &o, &s, &err) != PM_OK)
            return fail("suggest", &err);
        t[i] = now() - t0;
        count = pm_suggestions_count(s);
        pm_suggestions_free(s);
    }
    printf("{\"arrangements\": %d, ", count);
    put_times(t, repeat);
    put_num("seconds", median(t, repeat), 1);
    printf("}\n");
    return 0;
}

/* Stops the evaluation at a deadline (read-only, so any thread may ask). */
static int past_deadline(void *info)
{
    return now() > *(const double *)info;
}

/* Evaluations proven optimal (the rest stopped on the per-solve limit). */
static int count_optimal(const pm_commissioning *cm, const pm_mixes_result *res)
{
    int n = 0;
    for (int m = 0; m < pm_commissioning_num_mixes(cm); m++)
        for (int c = 0; c < pm_commissioning_num_cohorts(cm); c++) {
            pm_mix_evaluation e;
            if (pm_mixes_result_evaluation(res, m, c, &e) == PM_OK &&
                e.status == PM_SOL_OPTIMAL)
                n++;
        }
    return n;
}

static int cmd_mixes(int argc, char **argv)
{
    pm_error err;
    pm_error_clear(&err);
    pm_commissioning *cm = NULL;
    if (pm_commissioning_load_file(argv[2], &cm, &err) != PM_OK)
        return fail(argv[2], &err);
    pm_mixes_options o;
    pm_mixes_options_init(&o);
    o.threads = atoi(opt(argc, argv, 3, "--threads", "1"));
    o.solve.time_limit = atof(opt(argc, argv, 3, "--time-limit", "10"));
    o.solve.mip_gap = atof(opt(argc, argv, 3, "--gap", "0"));
    o.solve.verbose = has_flag(argc, argv, 3, "--verbose");
    /* K/N, 1-based; pm_mixes_run checks the range */
    if (sscanf(opt(argc, argv, 3, "--shard", "1/1"), "%d/%d", &o.shard_index,
               &o.shard_count) != 2) {
        pm_commissioning_free(cm);
        return fprintf(stderr, "pmbench mixes: --shard K/N\n"), 2;
    }
    o.shard_index--;
    const char *cohort = opt(argc, argv, 3, "--cohort", NULL);
    if (cohort && pm_commissioning_keep_cohorts(cm, &cohort, 1, &err) != PM_OK) {
        pm_commissioning_free(cm);
        return fail(cohort, &err);
    }
    /* --cold: the steady rate, without the baselines' longer first solves
     * (which a short budget would spend entirely) */
    o.warm_start = !has_flag(argc, argv, 3, "--cold");
    double t0 = now();
    double deadline = t0 + atof(opt(argc, argv, 3, "--budget", "1e9"));
    o.interrupt = past_deadline;
    o.interrupt_info = &deadline;
    pm_mixes_result *res = NULL;
    pm_status st = pm_mixes_run(cm, &o, &res, &err);
    double dt = now() - t0;
    if (st == PM_OK || (st == PM_ERR_INTERRUPTED && res)) {
        int done = pm_mixes_result_units_done(res);
        printf("{\"threads\": %d, \"mixes\": %d, \"cohorts\": %d, "
               "\"evaluations\": %d, \"optimal\": %d, \"total\": %d, "
               "\"complete\": %s, \"seconds\": %.6f, \"per_second\": %.6g}\n",
               o.threads, pm_commissioning_num_mixes(cm),
               pm_commissioning_num_cohorts(cm), done, count_optimal(cm, res),
               pm_mixes_result_units_total(res), st == PM_OK ? "true" : "false",
               dt, done / dt);
        st = PM_OK;
    } else {
        fail("mixes", &err);
    }
    pm_mixes_result_free(res);
    pm_commissioning_free(cm);
    return st == PM_OK ? 0 : 1;
}

static int cmd_generate(int argc, char **argv)
{
    if (argc < 6)
        return fprintf(stderr, "pmbench generate PROFILE SEED CHILDREN OUT\n"), 2;
    pm_generate_options o;
    pm_generate_options_init(&o);
    o.profile = argv[2];
    o.seed = strtoull(argv[3], NULL, 10);
    o.children = atoi(argv[4]);
    pm_error err;
    pm_error_clear(&err);
    char *json = NULL;
    if (pm_generate(&o, &json, &err) != PM_OK)
        return fail("generate", &err);
    pm_status st = pm_write_file(argv[5], json, strlen(json), &err);
    pm_free(json);
    return st == PM_OK ? 0 : fail(argv[5], &err);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "mixes"))
        return cmd_mixes(argc, argv);
    if (argc >= 3 && !strcmp(argv[1], "generate"))
        return cmd_generate(argc, argv);
    if (argc < 3) {
        fprintf(stderr, "usage: pmbench solve|write|flow|suggest SCENARIO ...\n"
                        "       pmbench mixes COMMISSIONING | generate ...\n");
        return 2;
    }
    pm_scenario *sc = load(argv[2]);
    if (!sc)
        return 1;
    int rc = 2;
    if (!strcmp(argv[1], "solve"))
        rc = cmd_solve(sc, argc, argv);
    else if (!strcmp(argv[1], "write"))
        rc = cmd_write(sc, argc, argv);
    else if (!strcmp(argv[1], "flow"))
        rc = cmd_flow(sc, argc, argv);
    else if (!strcmp(argv[1], "suggest"))
        rc = cmd_suggest(sc, argc, argv);
    else
        fprintf(stderr, "pmbench: unknown command '%s'\n", argv[1]);
    pm_scenario_free(sc);
    return rc;
}

/*
 * test_mixes: commissioning mixes (docs/MIXES.md).
 *
 *  - every (mix, cohort) result equals a separate pm_solve of a scenario
 *    built here by hand from the rules in docs/MIXES.md (base estate,
 *    generated children, copies, closures, un-pinning);
 *  - the JSON and CSV outputs are byte-identical for 1, 2 and 4 threads,
 *    and for a run split into shards and merged, or interrupted and
 *    resumed;
 *  - removing a home with pinned children re-places them with move_week;
 *  - bad commissioning files get one clear line per problem naming the
 *    file and JSON path;
 *  - the command runs end to end (PM_CLI).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "placematch/commissioning.h"
#include "placematch/placematch.h"
#include "scenario.h"

/* ------------------------------------------------------------------ */
/* The small commissioning file                                       */
/* ------------------------------------------------------------------ */

#define SEED 7
#define CHILDREN 15

static const char *const LEVERS =
    "[{\"id\": \"foster\", \"name\": \"Recruit foster households\", \"add\": "
    "{\"type\": \"in_house_foster\", \"location\": {\"lat\": 54.57, \"lon\": -1.318}, "
    "\"capacity\": 2, \"age_min\": 0, \"age_max\": 17, \"supports\": {\"trauma\": 2, "
    "\"send\": 2, \"behaviour\": 2, \"mental_health\": 2, \"exploitation\": 1}, "
    "\"weekly_cost\": 298}, \"max_units\": 2, \"fixed_week_per_unit\": 120},"
    " {\"id\": \"resi\", \"add\": {\"type\": \"in_house_residential\", \"location\": "
    "{\"lat\": 54.56, \"lon\": -1.30}, \"capacity\": 3, \"sibling_only\": 1, "
    "\"age_min\": 8, \"age_max\": 17, \"supports\": {\"trauma\": 3, \"send\": 3, "
    "\"disability\": 2, \"behaviour\": 3, \"mental_health\": 3, "
    "\"substance_misuse\": 2, \"exploitation\": 3}, \"weekly_cost\": 1806}, "
    "\"max_units\": 1, \"fixed_week_per_unit\": 2500},"
    " {\"id\": \"close\", \"remove\": [\"A001\", \"X001\"], "
    "\"fixed_week_per_unit\": -3000}]";

static const char *const MIXES =
    "\"mixes\": [{\"foster\": 1, \"close\": 1}, {\"resi\": 1}, "
    "{\"resi\": 1, \"foster\": 2, \"close\": 1}], "
    "\"grid\": {\"foster\": [0, 1, 2], \"close\": {\"from\": 0, \"to\": 1}}";

static char *generated(int seed, int children, const char *variant)
{
    pm_generate_options o;
    pm_generate_options_init(&o);
    o.seed = (unsigned long long)seed;
    o.children = children;
    o.variant = variant;
    char *json = NULL;
    assert_int_equal(pm_generate(&o, &json, NULL), PM_OK);
    return json;
}

/* The base (inline) is generated; the second cohort is the same estate's
 * "older" variant, so its children keep the homes they share with it. */
static char *small_file(const char *base)
{
    size_t n = strlen(base) + strlen(LEVERS) + strlen(MIXES) + 1024;
    char *s = malloc(n);
    snprintf(s, n,
             "{\"format\": \"placematch-commissioning/1\", \"name\": \"Small & test\","
             " \"meta\": {\"anything\": [1, 2]}, \"base\": %s, \"levers\": %s, %s,"
             " \"cohorts\": [\"base\", {\"name\": \"older\", \"seed\": %d, "
             "\"children\": %d, \"variant\": \"older\"}]}",
             base, LEVERS, MIXES, SEED, CHILDREN);
    return s;
}

typedef struct fixture {
    char *base, *older, *file;
    pm_commissioning *cm;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->base = generated(SEED, CHILDREN, "base");
    f->older = generated(SEED, CHILDREN, "older");
    f->file = small_file(f->base);
    pm_error err;
    pm_error_clear(&err);
    pm_status st = pm_commissioning_load_buffer(f->file, strlen(f->file),
                                                "small.json", NULL, &f->cm, &err);
    if (st != PM_OK)
        fprintf(stderr, "%s", err.text);
    assert_int_equal(st, PM_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pm_commissioning_free(f->cm);
    free(f->base);
    free(f->older);
    free(f->file);
    free(f);
    return 0;
}

static pm_mixes_result *run_warm(const pm_commissioning *cm, int threads,
                                 int warm)
{
    pm_mixes_options o;
    pm_mixes_options_init(&o);
    o.solve.time_limit = 0; /* exact: results comparable with pm_solve */
    o.threads = threads;
    o.warm_start = warm;
    pm_mixes_result *res = NULL;
    pm_error err;
    pm_error_clear(&err);
    pm_status st = pm_mixes_run(cm, &o, &res, &err);
    if (st != PM_OK)
        fprintf(stderr, "%s", err.text);
    assert_int_equal(st, PM_OK);
    return res;
}

static pm_mixes_result *run(const pm_commissioning *cm, int threads)
{
    return run_warm(cm, threads, 1);
}

static char *to_json(const pm_mixes_result *res)
{
    char *s = NULL;
    assert_int_equal(pm_mixes_result_to_json(res, &s, NULL), PM_OK);
    return s;
}

static char *to_csv(const pm_mixes_result *res)
{
    char *s = NULL;
    assert_int_equal(pm_mixes_result_to_csv(res, &s, NULL), PM_OK);
    return s;
}

/* ------------------------------------------------------------------ */
/* Scenarios by hand, from the rules in docs/MIXES.md                 */
/* ------------------------------------------------------------------ */

static cJSON *item(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const cJSON *by_id(const cJSON *arr, const char *id)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
        if (!strcmp(item(it, "id")->valuestring, id))
            return it;
    return NULL;
}

/* Generated cohort: base policy and open placements, the generated kin
 * carers and children; a child keeps `current` only for one of its kin
 * carers or a base home identical to the generated one. */
static cJSON *hand_cohort(const char *base_text, const char *gen_text,
                          int *kept)
{
    cJSON *sc = cJSON_Parse(base_text);
    if (!gen_text)
        return sc;
    cJSON *gen = cJSON_Parse(gen_text);
    cJSON *bp = item(sc, "placements"), *gp = item(gen, "placements");
    cJSON *places = cJSON_CreateArray(), *kids = cJSON_CreateArray(), *it;
    cJSON_ArrayForEach(it, bp)
        if (!item(it, "reserved_for"))
            cJSON_AddItemToArray(places, cJSON_Duplicate(it, 1));
    cJSON_ArrayForEach(it, gp)
        if (item(it, "reserved_for"))
            cJSON_AddItemToArray(places, cJSON_Duplicate(it, 1));
    cJSON_ArrayForEach(it, item(gen, "children")) {
        cJSON *c = cJSON_Duplicate(it, 1);
        cJSON *cur = item(c, "current");
        if (cur) {
            const cJSON *g = by_id(gp, cur->valuestring);
            const cJSON *b = by_id(places, cur->valuestring);
            bool keep = b && (item(b, "reserved_for") || cJSON_Compare(b, g, 1));
            *kept += keep;
            if (!keep) {
                cJSON_DeleteItemFromObject(c, "current");
                cJSON_DeleteItemFromObject(c, "stay");
            }
        }
        cJSON_AddItemToArray(kids, c);
    }
    cJSON_ReplaceItemInObject(sc, "placements", places);
    cJSON_ReplaceItemInObject(sc, "children", kids);
    cJSON_Delete(gen);
    return sc;
}

static void add_copies(cJSON *places, const cJSON *lever, int units)
{
    for (int k = 1; k <= units; k++) {
        char id[64];
        snprintf(id, sizeof id, "%s-%d", item(lever, "id")->valuestring, k);
        cJSON *c = cJSON_Duplicate(item(lever, "add"), 1);
        cJSON_AddStringToObject(c, "id", id);
        cJSON_AddItemToArray(places, c);
    }
}

static void close_homes(cJSON *sc, const cJSON *lever)
{
    cJSON *it, *id;
    cJSON_ArrayForEach(id, item(lever, "remove")) {
        cJSON_ArrayForEach(it, item(sc, "placements")) {
            if (strcmp(item(it, "id")->valuestring, id->valuestring))
                continue;
            cJSON_ReplaceItemInObject(it, "capacity", cJSON_CreateNumber(0));
            if (item(it, "sibling_only"))
                cJSON_ReplaceItemInObject(it, "sibling_only", cJSON_CreateNumber(0));
        }
        cJSON_ArrayForEach(it, item(sc, "children")) {
            cJSON *cur = item(it, "current");
            if (cur && !strcmp(cur->valuestring, id->valuestring) &&
                cJSON_IsTrue(item(it, "stay")))
                cJSON_ReplaceItemInObject(it, "stay", cJSON_CreateFalse());
        }
    }
}

static pm_result *hand_solve(const fixture *f, int mix, int cohort,
                             int *kept)
{
    cJSON *levers = cJSON_Parse(LEVERS);
    cJSON *sc = hand_cohort(f->base, cohort ? f->older : NULL, kept);
    if (pm_commissioning_units(f->cm, mix, 2))
        close_homes(sc, cJSON_GetArrayItem(levers, 2));
    for (int l = 0; l < 2; l++)
        add_copies(item(sc, "placements"), cJSON_GetArrayItem(levers, l),
                   pm_commissioning_units(f->cm, mix, l));
    char *text = cJSON_PrintUnformatted(sc);
    pm_scenario *s = NULL;
    pm_result *r = NULL;
    assert_int_equal(pm_scenario_load_buffer(text, strlen(text), "hand", &s, NULL),
                     PM_OK);
    assert_int_equal(pm_solve(s, NULL, &r, NULL), PM_OK);
    pm_scenario_free(s);
    free(text);
    cJSON_Delete(sc);
    cJSON_Delete(levers);
    return r;
}

static void same_evaluation(const pm_mix_evaluation *ev, const pm_result *r,
                            double fixed)
{
    pm_totals t;
    pm_kpis k;
    pm_result_totals(r, &t);
    pm_result_kpis(r, &k);
    assert_int_equal(ev->status, pm_result_status(r));
    assert_true(fabs(ev->objective - pm_result_objective(r)) <= 0.005);
    assert_true(fabs(ev->fixed_week - fixed) <= 1e-9);
    assert_true(fabs(ev->total_week - (fixed + pm_result_objective(r))) <= 0.01);
    assert_true(fabs(ev->cash_week - t.weekly_cost) <= 0.005);
    assert_int_equal(ev->children, k.children);
    assert_int_equal(ev->placed, k.placed);
    assert_int_equal(ev->unmatched, k.unmatched);
    assert_int_equal(ev->beyond_far_miles, k.beyond_far_miles);
    assert_int_equal(ev->sibling_groups_split, k.sibling_groups_split);
    assert_int_equal(ev->moves, k.moves);
}

static void test_each_mix_equals_a_separate_solve(void **state)
{
    fixture *f = *state;
    const pm_commissioning *cm = f->cm;
    assert_int_equal(pm_commissioning_num_levers(cm), 3);
    assert_int_equal(pm_commissioning_num_cohorts(cm), 2);
    /* baseline + 3 explicit + 6 grid, less the 2 repeats */
    assert_int_equal(pm_commissioning_num_mixes(cm), 8);
    for (int l = 0; l < 3; l++)
        assert_int_equal(pm_commissioning_units(cm, 0, l), 0);
    pm_mixes_result *res = run(cm, 1);
    int kept = 0;
    for (int m = 0; m < pm_commissioning_num_mixes(cm); m++) {
        double fixed = 120.0 * pm_commissioning_units(cm, m, 0) +
                       2500.0 * pm_commissioning_units(cm, m, 1) -
                       3000.0 * pm_commissioning_units(cm, m, 2);
        for (int k = 0; k < 2; k++) {
            pm_mix_evaluation ev;
            assert_int_equal(pm_mixes_result_evaluation(res, m, k, &ev), PM_OK);
            pm_result *r = hand_solve(f, m, k, &kept);
            same_evaluation(&ev, r, fixed);
            pm_result_free(r);
        }
    }
    assert_true(kept > 0); /* the shared estate keeps some children home */
    pm_mixes_result_free(res);
}

/* Starting each mix from the baseline's answer and prices changes how
 * fast the search goes, never the optimum it proves. */
static void test_warm_start_same_optimum(void **state)
{
    fixture *f = *state;
    pm_mixes_result *warm = run_warm(f->cm, 1, 1), *cold = run_warm(f->cm, 1, 0);
    for (int m = 0; m < pm_commissioning_num_mixes(f->cm); m++)
        for (int k = 0; k < 2; k++) {
            pm_mix_evaluation a, b;
            assert_int_equal(pm_mixes_result_evaluation(warm, m, k, &a), PM_OK);
            assert_int_equal(pm_mixes_result_evaluation(cold, m, k, &b), PM_OK);
            assert_int_equal(a.status, PM_SOL_OPTIMAL);
            assert_int_equal(b.status, PM_SOL_OPTIMAL);
            assert_true(fabs(a.objective - b.objective) <= 0.005);
        }
    char *jw = to_json(warm), *jc = to_json(cold);
    assert_non_null(strstr(jw, "\"warm_start\": true"));
    assert_non_null(strstr(jc, "\"warm_start\": false"));
    /* a run made the other way is not merged in */
    pm_mixes_options o;
    pm_mixes_options_init(&o);
    o.solve.time_limit = 0;
    o.warm_start = 0;
    pm_mixes_result *res = NULL;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_mixes_result_create(f->cm, &o, &res, NULL), PM_OK);
    assert_int_equal(pm_mixes_result_merge_buffer(res, jw, strlen(jw), "warm.json", &err),
                     PM_ERR_INVALID);
    assert_non_null(strstr(err.text, "warm.json: options.warm_start: true differs "
                                     "from this run's false"));
    pm_mixes_result_free(res);
    pm_free(jw);
    pm_free(jc);
    pm_mixes_result_free(warm);
    pm_mixes_result_free(cold);
}

/* Mean, worst, rank, Pareto front and baseline follow from the records. */
static void test_summaries(void **state)
{
    fixture *f = *state;
    pm_mixes_result *res = run(f->cm, 1);
    int n = pm_commissioning_num_mixes(f->cm), ranks = 0, front = 0;
    double last = -INFINITY;
    for (int r = 1; r <= n; r++) {
        for (int m = 0; m < n; m++) {
            pm_mix_summary s;
            pm_mixes_result_summary(res, m, &s);
            if (s.rank != r)
                continue;
            ranks++;
            assert_true(s.total_week_mean >= last);
            last = s.total_week_mean;
            front += s.pareto;
            assert_int_equal(s.baseline, m == 0);
            pm_mix_evaluation a, b;
            pm_mixes_result_evaluation(res, m, 0, &a);
            pm_mixes_result_evaluation(res, m, 1, &b);
            assert_true(fabs(s.total_week_mean - (a.total_week + b.total_week) / 2) < 0.01);
            assert_true(fabs(s.total_week_worst - fmax(a.total_week, b.total_week)) < 0.01);
            assert_true(fabs(s.total_annual_mean - s.total_week_mean * 365 / 7) < 0.01);
            if (r == 1)
                assert_true(s.pareto); /* the cheapest is never dominated */
        }
    }
    assert_int_equal(ranks, n);
    assert_true(front >= 1);
    char *svg = NULL;
    assert_int_equal(pm_mixes_result_to_svg(res, &svg, NULL), PM_OK);
    assert_non_null(strstr(svg, "<svg"));
    assert_non_null(strstr(svg, "<polyline"));
    assert_non_null(strstr(svg, "baseline"));
    assert_non_null(strstr(svg, "Small &amp; test"));
    pm_free(svg);
    pm_mixes_result_free(res);
}

static void test_threads_byte_identical(void **state)
{
    fixture *f = *state;
    if (!glp_config("TLS")) /* more threads are refused: nothing to compare */
        skip();
    pm_mixes_result *one = run(f->cm, 1);
    char *j1 = to_json(one), *c1 = to_csv(one);
    for (int t = 2; t <= 4; t += 2) {
        pm_mixes_result *many = run(f->cm, t);
        char *jt = to_json(many), *ct = to_csv(many);
        assert_string_equal(j1, jt);
        assert_string_equal(c1, ct);
        pm_free(jt);
        pm_free(ct);
        pm_mixes_result_free(many);
    }
    assert_non_null(strstr(j1, "\"complete\": true"));
    pm_free(j1);
    pm_free(c1);
    pm_mixes_result_free(one);
}

/* ------------------------------------------------------------------ */
/* Shards, interruption, merging                                      */
/* ------------------------------------------------------------------ */

typedef struct stopper {
    int done, stop_at;
} stopper;

static int stop_now(void *info)
{
    stopper *s = info;
    return s->stop_at > 0 && s->done >= s->stop_at;
}

static void count_done(void *info, int done, int total)
{
    (void)total;
    ((stopper *)info)->done = done;
}

static void test_interrupt_and_resume(void **state)
{
    fixture *f = *state;
    pm_mixes_result *full = run(f->cm, 1);
    char *want = to_json(full);
    stopper s = {0, 3};
    pm_mixes_options o;
    pm_mixes_options_init(&o);
    o.solve.time_limit = 0;
    o.threads = 1;
    o.interrupt = stop_now;
    o.interrupt_info = &s;
    o.progress = count_done;
    o.progress_info = &s;
    pm_mixes_result *res = NULL;
    assert_int_equal(pm_mixes_run(f->cm, &o, &res, NULL), PM_ERR_INTERRUPTED);
    assert_int_equal(pm_mixes_result_units_done(res), 3);
    char *part = to_json(res);
    cJSON *tree = cJSON_Parse(part); /* a complete, valid file */
    assert_non_null(tree);
    assert_true(cJSON_IsFalse(item(tree, "complete")));
    assert_non_null(strstr(item(tree, "note")->valuestring, "3 of 16"));
    assert_int_equal(cJSON_GetArraySize(item(tree, "evaluations")), 3);
    assert_int_equal(cJSON_GetArraySize(item(tree, "mixes")), 1); /* mix 0 */
    cJSON_Delete(tree);
    s.stop_at = 0; /* resume in place */
    assert_int_equal(pm_mixes_evaluate(res, NULL), PM_OK);
    char *got = to_json(res);
    assert_string_equal(got, want);
    pm_free(got);
    pm_mixes_result_free(res);
    /* ... or in a new run that merges the interrupted file */
    assert_int_equal(pm_mixes_result_create(f->cm, &o, &res, NULL), PM_OK);
    assert_int_equal(pm_mixes_result_merge_buffer(res, part, strlen(part), "part.json", NULL),
                     PM_OK);
    assert_int_equal(pm_mixes_result_units_done(res), 3);
    assert_int_equal(pm_mixes_evaluate(res, NULL), PM_OK);
    got = to_json(res);
    assert_string_equal(got, want);
    pm_free(got);
    pm_free(part);
    pm_free(want);
    pm_mixes_result_free(res);
    pm_mixes_result_free(full);
}

static void test_shards_merge_to_the_same_output(void **state)
{
    fixture *f = *state;
    pm_mixes_result *full = run(f->cm, 2);
    char *want = to_json(full);
    char *parts[3];
    pm_mixes_options o;
    pm_mixes_options_init(&o);
    o.solve.time_limit = 0;
    o.shard_count = 3;
    for (int k = 0; k < 3; k++) {
        pm_mixes_result *res = NULL;
        o.shard_index = k;
        assert_int_equal(pm_mixes_run(f->cm, &o, &res, NULL), PM_OK);
        parts[k] = to_json(res);
        assert_non_null(strstr(parts[k], "\"complete\": false"));
        pm_mixes_result_free(res);
    }
    pm_mixes_result *merged = NULL;
    o.shard_count = 1;
    o.shard_index = 0;
    assert_int_equal(pm_mixes_result_create(f->cm, &o, &merged, NULL), PM_OK);
    for (int k = 2; k >= 0; k--) /* any order */
        assert_int_equal(pm_mixes_result_merge_buffer(merged, parts[k],
                                                      strlen(parts[k]), "p", NULL),
                         PM_OK);
    assert_int_equal(pm_mixes_result_units_done(merged), 16);
    char *got = to_json(merged);
    assert_string_equal(got, want);
    pm_free(got);
    pm_mixes_result_free(merged);
    /* a part from other solve options is refused, naming the path */
    o.solve.time_limit = 5;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_mixes_result_create(f->cm, &o, &merged, NULL), PM_OK);
    assert_int_equal(pm_mixes_result_merge_buffer(merged, parts[0], strlen(parts[0]),
                                                  "p0.json", &err),
                     PM_ERR_INVALID);
    assert_non_null(strstr(err.text, "p0.json: options.time_limit: 0 differs"));
    assert_int_equal(pm_mixes_result_units_done(merged), 0);
    pm_mixes_result_free(merged);
    for (int k = 0; k < 3; k++)
        pm_free(parts[k]);
    pm_free(want);
    pm_mixes_result_free(full);
}

static void test_other_file_is_refused(void **state)
{
    fixture *f = *state;
    pm_mixes_result *full = run(f->cm, 1);
    char *part = to_json(full);
    pm_commissioning *cm = NULL;
    assert_int_equal(pm_commissioning_load_buffer(f->file, strlen(f->file), "small.json",
                                                  NULL, &cm, NULL),
                     PM_OK);
    const char *keep[] = {"older"};
    assert_int_equal(pm_commissioning_keep_cohorts(cm, keep, 1, NULL), PM_OK);
    assert_int_equal(pm_commissioning_num_cohorts(cm), 1);
    pm_mixes_result *res = NULL;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_mixes_result_create(cm, NULL, &res, NULL), PM_OK);
    assert_int_equal(pm_mixes_result_merge_buffer(res, part, strlen(part), "x.json", &err),
                     PM_ERR_INVALID);
    assert_non_null(strstr(err.text, "x.json: fingerprint: "));
    /* once a result uses it, the cohorts are fixed */
    assert_int_equal(pm_commissioning_keep_cohorts(cm, keep, 1, NULL), PM_ERR_ARG);
    pm_mixes_result_free(res);
    pm_commissioning_free(cm);
    pm_free(part);
    pm_mixes_result_free(full);
}

/* ------------------------------------------------------------------ */
/* Removing a home with pinned children                               */
/* ------------------------------------------------------------------ */

static const char *const TINY =
    "{\"format\": \"placematch-scenario/1\", \"policy\": {\"move_week\": 500},"
    " \"placements\": ["
    "  {\"id\": \"H1\", \"type\": \"in_house_residential\", \"location\": {\"lat\": 54.57, \"lon\": -1.32},"
    "   \"capacity\": 2, \"sibling_only\": 1, \"weekly_cost\": 1000},"
    "  {\"id\": \"F1\", \"type\": \"in_house_foster\", \"location\": {\"lat\": 54.57, \"lon\": -1.32},"
    "   \"capacity\": 3, \"weekly_cost\": 300}],"
    " \"children\": ["
    "  {\"id\": \"C1\", \"age\": 12, \"sex\": \"F\", \"home\": {\"lat\": 54.57, \"lon\": -1.32},"
    "   \"sibling_group\": \"G1\", \"current\": \"H1\", \"stay\": true},"
    "  {\"id\": \"C2\", \"age\": 13, \"sex\": \"M\", \"home\": {\"lat\": 54.57, \"lon\": -1.32},"
    "   \"sibling_group\": \"G1\", \"current\": \"H1\", \"stay\": true},"
    "  {\"id\": \"C3\", \"age\": 9, \"sex\": \"M\", \"home\": {\"lat\": 54.57, \"lon\": -1.32}}]}";

static pm_commissioning *tiny(const char *levers, const char *rest)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "{\"format\": \"placematch-commissioning/1\", "
             "\"base\": %s, \"levers\": %s%s}", TINY, levers, rest);
    pm_commissioning *cm = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_commissioning_load_buffer(buf, strlen(buf), "tiny.json", NULL, &cm, &err))
        fprintf(stderr, "%s", err.text);
    assert_non_null(cm);
    return cm;
}

static void test_remove_replaces_pinned_children(void **state)
{
    (void)state;
    pm_commissioning *cm = tiny(
        "[{\"id\": \"close_H1\", \"remove\": [\"H1\"], \"fixed_week_per_unit\": -2500},"
        " {\"id\": \"more\", \"add\": {\"type\": \"in_house_foster\", \"location\": "
        "{\"lat\": 54.6, \"lon\": -1.3}, \"capacity\": 1, \"weekly_cost\": 310}, "
        "\"max_units\": 2}]",
        ", \"mixes\": [{\"close_H1\": 1}, {\"more\": 2}]");
    assert_int_equal(pm_commissioning_num_mixes(cm), 3);
    /* the derived scenario: H1 closed, its children no longer pinned */
    pm_scenario *sc = NULL;
    assert_int_equal(pm_commissioning_scenario(cm, 1, 0, &sc, NULL), PM_OK);
    int h1 = pm_scenario_find_placement(sc, "H1");
    assert_int_equal(sc->placements[h1].capacity, 0);
    assert_int_equal(sc->placements[h1].sibling_only, 0);
    for (int c = 0; c < 2; c++) {
        assert_false(sc->children[c].stay);
        assert_int_equal(sc->children[c].current, h1);
    }
    pm_scenario_free(sc);
    assert_int_equal(pm_commissioning_scenario(cm, 2, 0, &sc, NULL), PM_OK);
    assert_int_equal(pm_scenario_num_placements(sc), 4);
    assert_int_equal(pm_scenario_find_placement(sc, "more-1"), 2);
    assert_int_equal(pm_scenario_find_placement(sc, "more-2"), 3);
    assert_true(sc->children[0].stay);
    pm_scenario_free(sc);

    pm_mixes_result *res = run(cm, 1);
    pm_mix_evaluation ev;
    pm_mixes_result_evaluation(res, 0, 0, &ev); /* pinned: 2 x 1000 + 300 */
    assert_int_equal(ev.status, PM_SOL_OPTIMAL);
    assert_true(fabs(ev.objective - 2300) < 1e-9);
    assert_int_equal(ev.moves, 0);
    pm_mixes_result_evaluation(res, 1, 0, &ev); /* 2 x (300 + 500) + 300 */
    assert_int_equal(ev.status, PM_SOL_OPTIMAL);
    assert_true(fabs(ev.objective - 1900) < 1e-9);
    assert_true(fabs(ev.fixed_week + 2500) < 1e-9);
    assert_true(fabs(ev.total_week + 600) < 1e-9);
    assert_int_equal(ev.moves, 2);
    assert_int_equal(ev.placed, 3);
    pm_mix_summary s;
    pm_mixes_result_summary(res, 1, &s);
    assert_int_equal(s.rank, 1);
    pm_mixes_result_free(res);
    pm_commissioning_free(cm);
}

/* ------------------------------------------------------------------ */
/* Bad files                                                          */
/* ------------------------------------------------------------------ */

typedef struct bad_case {
    const char *levers, *rest, *base, *want;
    pm_status status;
} bad_case;

#define ADD_MORE "{\"id\": \"more\", \"add\": {\"type\": \"in_house_foster\", " \
    "\"location\": {\"lat\": 54.6, \"lon\": -1.3}, \"capacity\": 1, " \
    "\"weekly_cost\": 310}, \"max_units\": 2}"

static const bad_case BAD[] = {
    {"[]", ", \"levrs\": []", NULL, "c.json: levrs: unknown field\n", PM_ERR_INVALID},
    {"[]", "", "{\"format\": \"placematch-scenario/1\", \"placements\": [], \"children\": "
     "[{\"id\": \"C\", \"age\": 40, \"sex\": \"F\", \"home\": {\"lat\": 1, \"lon\": 1}}]}",
     "c.json: base.children[0].age: 40 is out of range 0..25\n", PM_ERR_INVALID},
    {"[{\"id\": \"f\", \"add\": {\"id\": \"x\"}, \"max_units\": 1}]", "", NULL,
     "c.json: levers[0].add.id: a template has no id", PM_ERR_INVALID},
    {"[{\"id\": \"f\", \"add\": {\"type\": \"t\", \"location\": {\"lat\": 1, \"lon\": 1}, "
     "\"capacity\": -1, \"weekly_cost\": 1}, \"max_units\": 1}]", "", NULL,
     "c.json: levers[0].add.capacity: ", PM_ERR_INVALID},
    {"[{\"id\": \"r\", \"remove\": [\"H1\", \"NOPE\"]}]", "", NULL,
     "c.json: levers[0].remove[1]: unknown placement id \"NOPE\"", PM_ERR_INVALID},
    {"[{\"id\": \"r\", \"remove\": [\"H1\"], \"add\": {}}]", "", NULL,
     "c.json: levers[0].remove: a lever either adds or removes", PM_ERR_INVALID},
    {"[{\"id\": \"a b\", \"remove\": [\"H1\"]}]", "", NULL,
     "c.json: levers[0].id: use letters, digits", PM_ERR_INVALID},
    {"[" ADD_MORE "]", ", \"mixes\": [{\"more\": 1}, {\"more\": 5}]", NULL,
     "c.json: mixes[1].more: 5 is out of range 0..2\n", PM_ERR_INVALID},
    {"[" ADD_MORE "]", ", \"grid\": {\"nope\": [0, 1]}", NULL,
     "c.json: grid.nope: unknown lever\n", PM_ERR_INVALID},
    {"[" ADD_MORE "]", ", \"grid\": [{\"more\": {\"from\": 2, \"to\": 1}}]", NULL,
     "c.json: grid[0].more.to: 1 is less than from (2)\n", PM_ERR_INVALID},
    {"[{\"id\": \"a\", \"add\": {\"type\": \"t\", \"location\": {\"lat\": 1, \"lon\": 1}, "
     "\"capacity\": 1, \"weekly_cost\": 1}, \"max_units\": 1000}, {\"id\": \"b\", \"add\": "
     "{\"type\": \"t\", \"location\": {\"lat\": 1, \"lon\": 1}, \"capacity\": 1, "
     "\"weekly_cost\": 1}, \"max_units\": 1000}]",
     ", \"grid\": {\"a\": {\"from\": 0, \"to\": 999}, \"b\": {\"from\": 0, \"to\": 999}}",
     NULL, "c.json: grid: 1000000 combinations, more than the limit", PM_ERR_LIMIT},
    {"[]", ", \"cohorts\": [\"base\", {\"variant\": \"young\"}]", NULL,
     "c.json: cohorts[1].variant: unknown variant \"young\"", PM_ERR_INVALID},
    {"[]", ", \"cohorts\": []", NULL, "c.json: cohorts: list at least one cohort",
     PM_ERR_INVALID},
    {"[" ADD_MORE "]", "", "{\"format\": \"placematch-scenario/1\", \"placements\": "
     "[{\"id\": \"more-2\", \"type\": \"t\", \"location\": {\"lat\": 1, \"lon\": 1}, "
     "\"capacity\": 1, \"weekly_cost\": 1}], \"children\": []}",
     "c.json: levers[0].id: copies of lever \"more\" would share the id of "
     "placement \"more-2\"", PM_ERR_INVALID},
};

static void test_bad_files(void **state)
{
    (void)state;
    char buf[8192];
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        const bad_case *b = &BAD[i];
        snprintf(buf, sizeof buf, "{\"format\": \"placematch-commissioning/1\", "
                 "\"base\": %s, \"levers\": %s%s}", b->base ? b->base : TINY,
                 b->levers, b->rest);
        pm_commissioning *cm = NULL;
        pm_error err;
        pm_error_clear(&err);
        pm_status st = pm_commissioning_load_buffer(buf, strlen(buf), "c.json",
                                                    NULL, &cm, &err);
        if (st != b->status || !strstr(err.text, b->want))
            fprintf(stderr, "case %zu: status %d\n%s", i, st, err.text);
        assert_null(cm);
        assert_int_equal(st, b->status);
        assert_non_null(strstr(err.text, b->want));
    }
    const char *other[][2] = {
        {"{\"format\": \"placematch-commissioning/2\", \"levers\": []}",
         "c.json: format: expected \"placematch-commissioning/1\""},
        {"{\"format\": \"placematch-commissioning/1\", \"levers\": []}",
         "c.json: base: required field is missing"},
        {"{\"format\": \"placematch-commissioning/1\", \"base\": \"no-such-file.json\", "
         "\"levers\": []}", "no-such-file.json: cannot open"},
        {"{\"format\": ", "c.json: line 1, column"},
    };
    for (size_t i = 0; i < 4; i++) {
        pm_commissioning *cm = NULL;
        pm_error err;
        pm_error_clear(&err);
        assert_int_not_equal(pm_commissioning_load_buffer(other[i][0],
                             strlen(other[i][0]), "c.json", NULL, &cm, &err), PM_OK);
        if (!strstr(err.text, other[i][1]))
            fprintf(stderr, "other %zu:\n%s", i, err.text);
        assert_non_null(strstr(err.text, other[i][1]));
    }
}

/* ------------------------------------------------------------------ */
/* The command                                                        */
/* ------------------------------------------------------------------ */

static int shell(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_command(void **state)
{
    fixture *f = *state;
    const char *cli = getenv("PM_CLI");
    if (!cli || access(cli, X_OK) != 0)
        skip();
    char dir[] = "/tmp/pm_mixes_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512], base[512];
    snprintf(base, sizeof base, "%s/base.json", dir);
    write_text(base, f->base);
    snprintf(path, sizeof path, "%s/c.json", dir);
    char *file = small_file("\"base.json\""); /* a path, next to the file */
    write_text(path, file);
    free(file);
    assert_int_equal(shell("'%s' mixes '%s' -o '%s/r.csv' --svg '%s/r.svg' "
                           "--threads 2 --time-limit 0 --quiet", cli, path, dir, dir), 0);
    assert_int_equal(shell("head -1 '%s/r.csv' | grep -q '^rank,mix,baseline,pareto,"
                           "status,max_gap,units_foster,units_resi,units_close,"
                           "fixed_week,'", dir), 0);
    assert_int_equal(shell("test $(wc -l < '%s/r.csv') -eq 9", dir), 0);
    assert_int_equal(shell("grep -q '<polyline' '%s/r.svg'", dir), 0);
    /* one mix's scenario, solvable on its own */
    assert_int_equal(shell("'%s' mixes '%s' --scenario 3:older -o '%s/s.json' && "
                           "'%s' solve '%s/s.json' -o '%s/s-r.json' --quiet",
                           cli, path, dir, cli, dir, dir), 0);
    write_text(path, "{\"format\": \"placematch-commissioning/1\", \"base\": "
                     "\"base.json\", \"levers\": [{\"id\": \"x\"}]}");
    assert_int_equal(shell("'%s' mixes '%s' -o '%s/bad.json' 2>/dev/null", cli,
                           path, dir), 2);
    assert_int_equal(shell("test ! -e '%s/bad.json'", dir), 0);
    shell("rm -rf '%s'", dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_mix_equals_a_separate_solve),
        cmocka_unit_test(test_warm_start_same_optimum),
        cmocka_unit_test(test_summaries),
        cmocka_unit_test(test_threads_byte_identical),
        cmocka_unit_test(test_interrupt_and_resume),
        cmocka_unit_test(test_shards_merge_to_the_same_output),
        cmocka_unit_test(test_other_file_is_refused),
        cmocka_unit_test(test_remove_replaces_pinned_children),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_command),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

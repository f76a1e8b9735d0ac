/*
 * test_schema: the JSON Schemas in docs/schema/ against the library.
 *
 * The schema side runs in Python (tests/schema_check.py, python3-jsonschema);
 * this program drives it and does the library side.  Covers: every schema
 * is a valid draft 2020-12 schema; every JSON file bundled in examples/ and
 * docs/examples/ validates against the schema its "format" names (and
 * there is a schema for every format found); what the library writes --
 * generated and imported scenarios, results (optimal, infeasible,
 * stopped), suggestions (with and without --explain), commissioning
 * results (complete and a shard) -- validates; and on a corpus of inputs
 * (one rule broken each, tests/schema_check.py) the loaders give the
 * verdict the corpus records: the schema's, except for the rules listed
 * as only the loader's.
 *
 * Skips (cleanly) when python3 or its jsonschema module is missing; CI
 * installs python3-jsonschema, so there it runs.  $PM_PYTHON names another
 * interpreter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "placematch/commissioning.h"
#include "placematch/import.h"
#include "placematch/placematch.h"

#define PY_MISSING 3 /* schema_check.py: jsonschema is not installed */

typedef struct ctx {
    char src[PATH_MAX];
    char dir[PATH_MAX]; /* this run's scratch folder */
    char *out;          /* the last command's output */
    int python;         /* -1 not known yet, 0 missing, 1 there */
} ctx;

#define FMT(buf, ...)                                                     \
    do {                                                                  \
        if (snprintf(buf, sizeof buf, __VA_ARGS__) >= (int)sizeof buf)    \
            fail_msg("path or command too long");                         \
    } while (0)



/* Runs schema_check.py with args; keeps its output in c->out. */
static int run_py(ctx *c, const char *fmt, ...)
{
    const char *py = getenv("PM_PYTHON") ? getenv("PM_PYTHON") : "python3";
    char args[16384], cmd[sizeof args + 3 * PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && n < (int)sizeof args);
    FMT(cmd, "%s '%s/tests/schema_check.py' %s > '%s/.out' 2>&1", py, c->src,
        args, c->dir);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    char p[PATH_MAX + 16];
    FMT(p, "%s/.out", c->dir);
    free(c->out);
    c->out = pm_test_read_text(p);
    assert_non_null(c->out);
    return WEXITSTATUS(rc);
}

static void expect_valid(ctx *c, const char *schema, const char *files)
{
    int rc = run_py(c, "validate %s %s", schema, files);
    if (rc != 0)
        fail_msg("%s: exit %d\n%s", schema, rc, c->out);
}

/* A file in the scratch folder, whose path is returned in out. */
static void scratch(const ctx *c, const char *name, char *out, size_t size)
{
    if (snprintf(out, size, "%s/%s", c->dir, name) >= (int)size)
        fail_msg("path too long");
}

/* Appends " 'path'" to a list of arguments. */
static void add_arg(char *list, size_t size, const char *path)
{
    size_t n = strlen(list);
    if (snprintf(list + n, size - n, " '%s'", path) >= (int)(size - n))
        fail_msg("argument list too long");
}

/* ------------------------------------------------------------------ */
/* setup                                                              */
/* ------------------------------------------------------------------ */

static int setup(void **state)
{
    ctx *c = calloc(1, sizeof *c);
    const char *src = getenv("PM_SOURCE_DIR");
    snprintf(c->src, sizeof c->src, "%s", src ? src : "..");
    snprintf(c->dir, sizeof c->dir, "schema-XXXXXX");
    c->python = -1;
    if (!mkdtemp(c->dir))
        return -1;
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    ctx *c = *state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", c->dir);
    if (system(cmd) != 0)
        return -1;
    free(c->out);
    free(c);
    return 0;
}

/* Skips the test when python3 or jsonschema is missing. */
static void need_python(ctx *c)
{
    if (c->python < 0) {
        int rc = run_py(c, "check-schemas");
        c->python = rc != PY_MISSING && rc != 127;
    }
    if (!c->python) {
        printf("  skipped: python3 with jsonschema is needed "
               "(Debian: apt-get install python3-jsonschema)\n");
        skip();
    }
}

/* ------------------------------------------------------------------ */
/* the schemas, and the bundled files                                 */
/* ------------------------------------------------------------------ */

static void test_schemas_are_valid(void **state)
{
    ctx *c = *state;
    need_python(c);
    if (run_py(c, "check-schemas") != 0)
        fail_msg("%s", c->out);
}

/* "placematch-scenario/1" -> "placematch-scenario-1". */
static int schema_of(const char *path, char *key, size_t size)
{
    char *text = pm_test_read_text(path);
    const char *f = text ? strstr(text, "\"format\"") : NULL;
    const char *q = f ? strchr(f + 8, '"') : NULL;
    const char *e = q ? strchr(q + 1, '"') : NULL;
    int ok = e && (size_t)(e - q) < size && !strncmp(q + 1, "placematch-", 11);
    if (ok) {
        snprintf(key, size, "%.*s", (int)(e - q - 1), q + 1);
        char *slash = strrchr(key, '/');
        if (slash)
            *slash = '-';
    }
    free(text);
    return ok;
}

/* The JSON files of a folder, grouped by the schema their format names. */
typedef struct groups {
    int n;
    char key[8][64];
    char files[8][8192];
} groups;

static int group_folder(ctx *c, const char *rel, groups *g)
{
    char dir[PATH_MAX + 64], path[2 * PATH_MAX], key[64];
    FMT(dir, "%s/%s", c->src, rel);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
            continue;
        FMT(path, "%s/%s", dir, e->d_name);
        if (!schema_of(path, key, sizeof key))
            continue; /* not one of ours (e.g. a policy alone) */
        int k = 0;
        while (k < g->n && strcmp(g->key[k], key))
            k++;
        assert_true(k < 8);
        if (k == g->n)
            snprintf(g->key[g->n++], sizeof g->key[0], "%s", key);
        add_arg(g->files[k], sizeof g->files[k], path);
        n++;
    }
    closedir(d);
    return n;
}

static void test_bundled_files_validate(void **state)
{
    ctx *c = *state;
    need_python(c);
    groups *g = calloc(1, sizeof *g);
    int n = group_folder(c, "examples", g) + group_folder(c, "docs/examples", g);
    assert_true(n >= 4); /* two scenarios, commissioning, suggestions */
    for (int k = 0; k < g->n; k++) {
        int rc = run_py(c, "validate %s %s", g->key[k], g->files[k]);
        if (rc == 2)
            fail_msg("no schema for the format of%s (%s)\n%s", g->files[k],
                     g->key[k], c->out);
        if (rc != 0)
            fail_msg("%s", c->out);
    }
    free(g);
    /* the data-driven cases that must load */
    char dir[PATH_MAX + 16], path[2 * PATH_MAX], list[16384] = "";
    FMT(dir, "%s/tests/cases", c->src);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        FMT(path, "%s/%s/expected.json", dir, e->d_name);
        if (access(path, R_OK) != 0)
            continue;
        FMT(path, "%s/%s/scenario.json", dir, e->d_name);
        add_arg(list, sizeof list, path);
    }
    closedir(d);
    expect_valid(c, "placematch-scenario-1", list);
}

/* ------------------------------------------------------------------ */
/* what the library writes                                            */
/* ------------------------------------------------------------------ */

static void save(ctx *c, const char *name, char *json, char *list, size_t size)
{
    char path[PATH_MAX + 64];
    scratch(c, name, path, sizeof path);
    pm_test_write_text(path, json);
    add_arg(list, size, path);
    pm_free(json);
}

static pm_scenario *load_text(const char *json)
{
    pm_scenario *sc = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_scenario_load_buffer(json, strlen(json), "t", &sc, &err) != PM_OK)
        fail_msg("%s", err.text);
    return sc;
}

static int stop_now(void *info)
{
    (void)info;
    return 1;
}

static void add_result(ctx *c, const pm_scenario *sc, const pm_solve_options *o,
                       const char *name, char *list, size_t size)
{
    pm_result *res = NULL;
    char *json = NULL;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_solve(sc, o, &res, &err), PM_OK);
    assert_int_equal(pm_result_to_json(res, &json, &err), PM_OK);
    save(c, name, json, list, size);
    pm_result_free(res);
}

static void add_suggestions(ctx *c, const pm_scenario *sc, const char *child,
                            const char *explain, char *list, size_t size)
{
    pm_suggest_options o;
    pm_suggest_options_init(&o);
    o.child = child;
    o.k = 4;
    o.explain_placement = explain;
    pm_suggestions *s = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_suggest(sc, &o, &s, &err) != PM_OK)
        return; /* a pinned child: not a referral */
    char *json = NULL, name[128];
    assert_int_equal(pm_suggestions_to_json(s, &json, &err), PM_OK);
    snprintf(name, sizeof name, "suggest-%s-%s.json", child, explain ? explain : "");
    save(c, name, json, list, size);
    pm_suggestions_free(s);
}

static char *imported_example(const ctx *c)
{
    char k[PATH_MAX + 64], p[PATH_MAX + 64], pol[PATH_MAX + 64];
    FMT(k, "%s/examples/import/children.csv", c->src);
    FMT(p, "%s/examples/import/placements.csv", c->src);
    FMT(pol, "%s/examples/import/policy.json", c->src);
    char *json = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_import_csv_files(k, p, pol, NULL, &json, &err) != PM_OK)
        fail_msg("%s", err.text);
    return json;
}

static char *generated(const char *profile, int children, unsigned seed)
{
    pm_generate_options g;
    pm_generate_options_init(&g);
    g.profile = profile;
    g.children = children;
    g.seed = seed;
    char *json = NULL;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_generate(&g, &json, &err), PM_OK);
    return json;
}

static void test_scenarios_written_validate(void **state)
{
    ctx *c = *state;
    need_python(c);
    char list[16384] = "", name[64];
    const char *const *profiles = pm_generate_profiles();
    for (int i = 0; profiles[i]; i++)
        for (unsigned seed = 1; seed <= 2; seed++) {
            snprintf(name, sizeof name, "gen-%d-%u.json", i, seed);
            save(c, name, generated(profiles[i], 80, seed), list, sizeof list);
        }
    save(c, "imported.json", imported_example(c), list, sizeof list);
    expect_valid(c, "placematch-scenario-1", list);
}

/* Two pinned children over a one-place home: infeasible. */
static const char *const INFEASIBLE =
    "{\"format\": \"placematch-scenario/1\", \"placements\": [{\"id\": \"P\", "
    "\"type\": \"t\", \"location\": {\"lat\": 1, \"lon\": 1}, \"capacity\": 1, "
    "\"weekly_cost\": 1}], \"children\": ["
    "{\"id\": \"A\", \"age\": 1, \"sex\": \"F\", \"home\": {\"lat\": 1, \"lon\": 1}, "
    "\"current\": \"P\", \"stay\": true},"
    "{\"id\": \"B\", \"age\": 1, \"sex\": \"F\", \"home\": {\"lat\": 1, \"lon\": 1}, "
    "\"current\": \"P\", \"stay\": true}]}";

static void test_results_validate(void **state)
{
    ctx *c = *state;
    need_python(c);
    char list[16384] = "";
    char *json = imported_example(c);
    pm_scenario *sc = load_text(json);
    pm_free(json);
    add_result(c, sc, NULL, "res-imported.json", list, sizeof list);
    pm_scenario_free(sc);
    sc = load_text(INFEASIBLE);
    add_result(c, sc, NULL, "res-infeasible.json", list, sizeof list);
    pm_scenario_free(sc);
    json = generated("stockton-2023", 60, 3);
    sc = load_text(json);
    pm_free(json);
    add_result(c, sc, NULL, "res-generated.json", list, sizeof list);
    pm_solve_options o;
    pm_solve_options_init(&o);
    o.interrupt = stop_now; /* stopped at once: feasible or none */
    add_result(c, sc, &o, "res-stopped.json", list, sizeof list);
    pm_scenario_free(sc);
    expect_valid(c, "placematch-result-1", list);
}

static void test_suggestions_validate(void **state)
{
    ctx *c = *state;
    need_python(c);
    char list[16384] = "";
    char *json = imported_example(c);
    pm_scenario *sc = load_text(json);
    pm_free(json);
    for (int i = 0; i < pm_scenario_num_children(sc); i++)
        add_suggestions(c, sc, pm_scenario_child_id(sc, i), i == 0 ? "R1" : NULL,
                        list, sizeof list);
    pm_scenario_free(sc);
    json = generated("stockton-2023", 120, 4);
    sc = load_text(json);
    pm_free(json);
    for (int i = 0; i < 12; i++)
        add_suggestions(c, sc, pm_scenario_child_id(sc, i),
                        i % 3 ? NULL : pm_scenario_placement_id(sc, i), list,
                        sizeof list);
    pm_scenario_free(sc);
    expect_valid(c, "placematch-suggestions-1", list);
}

static const char *const COMMISSIONING =
    "{\"format\": \"placematch-commissioning/1\", \"name\": \"Schema test\",\n"
    " \"base\": {\"format\": \"placematch-scenario/1\", \"name\": \"Small\",\n"
    "   \"placements\": [\n"
    "    {\"id\": \"P1\", \"type\": \"in_house_foster\", \"location\": {\"lat\": 54.5, \"lon\": -1.3},\n"
    "     \"capacity\": 2, \"weekly_cost\": 300},\n"
    "    {\"id\": \"P2\", \"type\": \"ifa_foster\", \"location\": {\"lat\": 54.6, \"lon\": -1.2},\n"
    "     \"capacity\": 2, \"weekly_cost\": 800}],\n"
    "   \"children\": [\n"
    "    {\"id\": \"C1\", \"age\": 9, \"sex\": \"F\", \"home\": {\"lat\": 54.55, \"lon\": -1.25},\n"
    "     \"current\": \"P2\", \"stay\": true},\n"
    "    {\"id\": \"C2\", \"age\": 12, \"sex\": \"M\", \"home\": {\"lat\": 54.55, \"lon\": -1.25}},\n"
    "    {\"id\": \"C3\", \"age\": 4, \"sex\": \"M\", \"home\": {\"lat\": 54.55, \"lon\": -1.25}}]},\n"
    " \"levers\": [\n"
    "  {\"id\": \"foster\", \"name\": \"Foster\", \"add\": {\"type\": \"in_house_foster\",\n"
    "   \"location\": {\"lat\": 54.57, \"lon\": -1.31}, \"capacity\": 1, \"weekly_cost\": 290},\n"
    "   \"max_units\": 2, \"fixed_week_per_unit\": 60},\n"
    "  {\"id\": \"close\", \"remove\": [\"P2\"], \"fixed_week_per_unit\": -100}],\n"
    " \"grid\": {\"foster\": [0, 1, 2], \"close\": [0, 1]},\n"
    " \"cohorts\": [\"base\", {\"name\": \"more\", \"profile\": \"stockton-2023\",\n"
    "   \"seed\": 2, \"children\": 6, \"variant\": \"growth\"}]}\n";

static void add_mixes(ctx *c, const pm_commissioning *cm, int shard,
                      const char *name, char *list, size_t size)
{
    pm_mixes_options o;
    pm_mixes_options_init(&o);
    o.threads = 1;
    o.solve.node_limit = 10000;
    o.shard_index = shard;
    o.shard_count = shard ? 2 : 1;
    pm_mixes_result *res = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_mixes_run(cm, &o, &res, &err) != PM_OK)
        fail_msg("%s", err.text);
    char *json = NULL;
    assert_int_equal(pm_mixes_result_to_json(res, &json, &err), PM_OK);
    save(c, name, json, list, size);
    pm_mixes_result_free(res);
}

static void test_commissioning_results_validate(void **state)
{
    ctx *c = *state;
    need_python(c);
    char list[4096] = "", path[PATH_MAX + 64];
    pm_commissioning *cm = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_commissioning_load_buffer(COMMISSIONING, strlen(COMMISSIONING), "c",
                                     NULL, &cm, &err) != PM_OK)
        fail_msg("%s", err.text);
    add_mixes(c, cm, 0, "mixes.json", list, sizeof list);
    add_mixes(c, cm, 1, "mixes-shard.json", list, sizeof list);
    pm_commissioning_free(cm);
    expect_valid(c, "placematch-commissioning-result-1", list);
    /* and the input itself */
    scratch(c, "commissioning.json", path, sizeof path);
    pm_test_write_text(path, COMMISSIONING);
    list[0] = '\0';
    add_arg(list, sizeof list, path);
    expect_valid(c, "placematch-commissioning-1", list);
}

/* ------------------------------------------------------------------ */
/* the corpus: schema and loader agree                                */
/* ------------------------------------------------------------------ */

static int loader_accepts(const char *format, const char *path, char *why,
                          size_t size)
{
    pm_error err;
    pm_error_clear(&err);
    pm_status st;
    if (!strcmp(format, "scenario")) {
        pm_scenario *sc = NULL;
        st = pm_scenario_load_file(path, &sc, &err);
        pm_scenario_free(sc);
    } else {
        pm_commissioning *cm = NULL;
        st = pm_commissioning_load_file(path, &cm, &err);
        pm_commissioning_free(cm);
    }
    snprintf(why, size, "%s", err.text);
    char *nl = strchr(why, '\n');
    if (nl)
        *nl = '\0';
    if (st != PM_OK && err.count < 1)
        fail_msg("%s: refused (%s) without a problem line", path, pm_strerror(st));
    return st == PM_OK;
}

static void test_loader_agrees_on_corpus(void **state)
{
    ctx *c = *state;
    need_python(c);
    char corpus[PATH_MAX + 16], path[2 * PATH_MAX];
    scratch(c, "corpus", corpus, sizeof corpus);
    if (run_py(c, "corpus '%s'", corpus) != 0)
        fail_msg("the schemas disagree with the corpus:\n%s", c->out);
    FMT(path, "%s/manifest.tsv", corpus);
    char *manifest = pm_test_read_text(path);
    assert_non_null(manifest);
    int cases = 0, bad = 0, loader_only = 0;
    for (char *line = strtok(manifest, "\n"); line; line = strtok(NULL, "\n")) {
        char format[32], file[128], schema[16], loader[16], why[512];
        int what = 0;
        if (sscanf(line, "%31[^\t]\t%127[^\t]\t%15[^\t]\t%15[^\t]\t%n", format,
                   file, schema, loader, &what) != 4)
            fail_msg("bad manifest line: %s", line);
        FMT(path, "%s/%s", corpus, file);
        int ok = loader_accepts(format, path, why, sizeof why);
        cases++;
        loader_only += strcmp(schema, loader) != 0;
        if (ok != !strcmp(loader, "valid")) {
            printf("  %s (%s): the loader says %s, expected %s%s%s\n", file,
                   line + what, ok ? "valid" : "invalid", loader,
                   ok ? "" : ": ", why);
            bad++;
        }
    }
    free(manifest);
    printf("  %d corpus files, %d of them breaking a rule only the loader "
           "checks\n", cases, loader_only);
    assert_true(cases > 150);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schemas_are_valid),
        cmocka_unit_test(test_bundled_files_validate),
        cmocka_unit_test(test_scenarios_written_validate),
        cmocka_unit_test(test_results_validate),
        cmocka_unit_test(test_suggestions_validate),
        cmocka_unit_test(test_commissioning_results_validate),
        cmocka_unit_test(test_loader_agrees_on_corpus),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

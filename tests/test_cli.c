/*
 * test_cli: the `placematch` command end to end, through the binary named
 * by $PM_CLI (set by ctest).  Each test works in its own temporary folder
 * under the ctest working directory and captures stdout, stderr and the
 * exit status.
 *
 * Covers: solve writes a valid placematch-result/1 file and exits 0; bad
 * input exits 2 with "file: path: message" lines and writes nothing (no
 * result, no temporary file, an existing file left alone); an unwritable
 * output exits non-zero and leaves nothing; usage errors exit 2 with the
 * usage text; --time-limit/--gap/--node-limit; generate then solve;
 * version; and the --summary text: the cost lines, and no child data but
 * ids.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "placematch/placematch.h"

/* A scenario small enough to work out by hand: H1 takes A and C-007 (A
 * moves from F1: 500 + 300; C-007 lives 0.024586 miles from H1: 500.02),
 * D goes to F1 (900 + 34.547047 miles + far penalty 100), B needs
 * 'disability' at level 3, which nothing supports.  Objective
 * 800 + 500.024586 + 1034.547047 + 2000 = 4334.571633 (4334.57).
 * C-007 carries a name, a meta note and home coordinates that must never
 * be printed. */
#define GOOD_OBJECTIVE 4334.57
static const char *const GOOD =
    "{\"format\": \"placematch-scenario/1\", \"name\": \"CLI test borough\",\n"
    " \"policy\": {\"far_miles\": 20, \"cost_per_mile_week\": 1,\n"
    "  \"far_penalty_week\": 100, \"move_week\": 300, \"unmatched_week\": 2000},\n"
    " \"placements\": [\n"
    "  {\"id\": \"H1\", \"type\": \"in_house_foster\", \"location\": {\"lat\": 54.0, \"lon\": -1.0},\n"
    "   \"capacity\": 2, \"weekly_cost\": 500},\n"
    "  {\"id\": \"F1\", \"type\": \"ifa_foster\", \"location\": {\"lat\": 54.5, \"lon\": -1.0},\n"
    "   \"capacity\": 1, \"weekly_cost\": 900}],\n"
    " \"children\": [\n"
    "  {\"id\": \"D\", \"age\": 16, \"sex\": \"M\", \"home\": {\"lat\": 54.0, \"lon\": -1.0},\n"
    "   \"types\": [\"ifa_foster\"]},\n"
    "  {\"id\": \"B\", \"name\": \"Bartholomew Quince\", \"age\": 10, \"sex\": \"M\",\n"
    "   \"home\": {\"lat\": 54.0, \"lon\": -1.0}, \"needs\": {\"disability\": 3}},\n"
    "  {\"id\": \"A\", \"age\": 8, \"sex\": \"F\", \"home\": {\"lat\": 54.0, \"lon\": -1.0},\n"
    "   \"current\": \"F1\"},\n"
    "  {\"id\": \"C-007\", \"name\": \"Zebedee Smithson\", \"age\": 5, \"sex\": \"F\",\n"
    "   \"home\": {\"lat\": 54.0001234, \"lon\": -1.0005678},\n"
    "   \"meta\": {\"note\": \"SECRETNOTE\", \"school\": \"Hillcrest Primary\"}}\n"
    " ]}\n";

/* Two problems: a need level and an unknown placement id. */
static const char *const BAD =
    "{\"format\": \"placematch-scenario/1\",\n"
    " \"placements\": [{\"id\": \"P1\", \"type\": \"t\", \"location\": {\"lat\": 1, \"lon\": 1},\n"
    "   \"capacity\": 1, \"weekly_cost\": 1}],\n"
    " \"children\": [{\"id\": \"C1\", \"age\": 9, \"sex\": \"F\", \"home\": {\"lat\": 1, \"lon\": 1},\n"
    "   \"needs\": {\"trauma\": 5}, \"current\": \"P9\"}]}\n";

typedef struct ctx {
    char dir[PATH_MAX];
    char *out, *err; /* the last command's captures */
} ctx;

/* ------------------------------------------------------------------ */
/* helpers                                                            */
/* ------------------------------------------------------------------ */

#define FMT(buf, ...)                                                     \
    do {                                                                  \
        if (snprintf(buf, sizeof buf, __VA_ARGS__) >= (int)sizeof buf)    \
            fail_msg("path or command too long");                         \
    } while (0)



static void path_in(const ctx *c, const char *name, char *out, size_t size)
{
    if (snprintf(out, size, "%s/%s", c->dir, name) >= (int)size)
        fail_msg("path too long");
}

static int exists_in(const ctx *c, const char *name)
{
    char p[PATH_MAX + 256];
    struct stat st;
    path_in(c, name, p, sizeof p);
    return stat(p, &st) == 0;
}

static char *read_in(const ctx *c, const char *name)
{
    char p[PATH_MAX + 256];
    path_in(c, name, p, sizeof p);
    return pm_test_read_text(p);
}

static void write_in(const ctx *c, const char *name, const char *text)
{
    char p[PATH_MAX + 256];
    path_in(c, name, p, sizeof p);
    pm_test_write_text(p, text);
}

/* Runs `placematch ARGS` inside the test's folder (so file names in
 * messages are as given); returns the exit status, keeps the captures. */
static int run(ctx *c, const char *fmt, ...)
{
    const char *cli = getenv("PM_CLI");
    char args[2048], cmd[3 * PATH_MAX + 4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && n < (int)sizeof args);
    FMT(cmd, "cd '%s' && '%s' %s > .stdout 2> .stderr < /dev/null", c->dir,
        cli, args);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    free(c->out);
    free(c->err);
    c->out = read_in(c, ".stdout");
    c->err = read_in(c, ".stderr");
    assert_non_null(c->out);
    assert_non_null(c->err);
    return WEXITSTATUS(rc);
}

/* Names in the folder other than ours (captures, and those listed). */
static int count_other_files(const ctx *c, const char *const *known)
{
    DIR *d = opendir(c->dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *s = e->d_name;
        int ours = !strcmp(s, ".") || !strcmp(s, "..") ||
                   !strcmp(s, ".stdout") || !strcmp(s, ".stderr");
        for (int i = 0; known && known[i] && !ours; i++)
            ours = !strcmp(s, known[i]);
        if (!ours) {
            printf("  unexpected file in the test folder: %s\n", s);
            n++;
        }
    }
    closedir(d);
    return n;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[PATH_MAX + 256];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
            continue;
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            remove(p);
    }
    closedir(d);
    rmdir(dir);
}

static int setup(void **state)
{
    const char *cli = getenv("PM_CLI");
    if (!cli || !*cli || access(cli, X_OK) != 0) {
        fprintf(stderr, "test_cli: PM_CLI is not an executable (run via ctest)\n");
        return -1;
    }
    ctx *c = calloc(1, sizeof *c);
    char cwd[PATH_MAX];
    if (!c || !getcwd(cwd, sizeof cwd) ||
        snprintf(c->dir, sizeof c->dir, "%s/cli_tmp_XXXXXX", cwd) >=
            (int)sizeof c->dir ||
        !mkdtemp(c->dir)) {
        free(c);
        return -1;
    }
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    ctx *c = *state;
    remove_tree(c->dir);
    free(c->out);
    free(c->err);
    free(c);
    return 0;
}

static cJSON *parse_result_file(const ctx *c, const char *name)
{
    char *text = read_in(c, name);
    if (!text)
        fail_msg("%s was not written", name);
    cJSON *root = cJSON_Parse(text);
    if (!root)
        fail_msg("%s is not valid JSON", name);
    free(text);
    return root;
}

static const char *get_str(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(it))
        fail_msg("%s is not a string", key);
    return it->valuestring;
}

static double get_num(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(it))
        fail_msg("%s is not a number", key);
    return it->valuedouble;
}

/* Every line of text is "file: path: message" for the given file. */
static int error_lines(const char *text, const char *file)
{
    int n = 0;
    size_t fl = strlen(file);
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        if (!nl)
            fail_msg("stderr does not end with a newline: %s", s);
        if (strncmp(s, file, fl) != 0 || strncmp(s + fl, ": ", 2) != 0)
            fail_msg("line does not name the file %s: %.*s", file,
                     (int)(nl - s), s);
        const char *sep = strstr(s + fl + 2, ": ");
        if (!sep || sep > nl || sep == s + fl + 2)
            fail_msg("line is not 'file: path: message': %.*s", (int)(nl - s), s);
        n++;
        s = nl + 1;
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* tests                                                              */
/* ------------------------------------------------------------------ */

static void test_version(void **state)
{
    ctx *c = *state;
    assert_int_equal(run(c, "version"), 0);
    assert_string_equal(c->out, "placematch " PM_VERSION_STRING "\n");
    assert_string_equal(PM_VERSION_STRING, pm_version());
    assert_int_equal(run(c, "--version"), 0);
    assert_string_equal(c->out, "placematch " PM_VERSION_STRING "\n");
    assert_int_equal(run(c, "help"), 0);
    assert_non_null(strstr(c->out, "usage:"));
}

static void test_solve_writes_result(void **state)
{
    ctx *c = *state;
    write_in(c, "s.json", GOOD);
    assert_int_equal(run(c, "solve s.json -o r.json --quiet"), 0);
    assert_string_equal(c->out, ""); /* the result went to the file */
    assert_string_equal(c->err, "");
    cJSON *r = parse_result_file(c, "r.json");
    assert_string_equal(get_str(r, "format"), "placematch-result/1");
    assert_string_equal(get_str(r, "scenario"), "CLI test borough");
    assert_string_equal(get_str(r, "status"), "optimal");
    assert_true(get_num(r, "objective") == GOOD_OBJECTIVE);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(r, "totals");
    assert_true(get_num(t, "weekly_cost") == 3900);
    assert_true(get_num(t, "annual_cost") == 203357.14);
    const cJSON *as = cJSON_GetObjectItemCaseSensitive(r, "assignments");
    assert_int_equal(cJSON_GetArraySize(as), 3);
    /* sorted by child id */
    assert_string_equal(get_str(cJSON_GetArrayItem(as, 0), "child"), "A");
    assert_string_equal(get_str(cJSON_GetArrayItem(as, 1), "child"), "C-007");
    assert_string_equal(get_str(cJSON_GetArrayItem(as, 2), "child"), "D");
    const cJSON *un = cJSON_GetObjectItemCaseSensitive(r, "unmatched");
    assert_int_equal(cJSON_GetArraySize(un), 1);
    assert_string_equal(get_str(cJSON_GetArrayItem(un, 0), "child"), "B");
    cJSON_Delete(r);
    /* nothing else left behind (no temporary file) */
    static const char *const known[] = {"s.json", "r.json", NULL};
    assert_int_equal(count_other_files(c, known), 0);
    /* --output is the long form; a second run replaces the file */
    assert_int_equal(run(c, "solve s.json --output r.json --quiet"), 0);
    assert_int_equal(count_other_files(c, known), 0);
}

static void test_solve_to_stdout(void **state)
{
    ctx *c = *state;
    write_in(c, "s.json", GOOD);
    assert_int_equal(run(c, "solve s.json --quiet"), 0);
    cJSON *r = cJSON_Parse(c->out);
    assert_non_null(r);
    assert_string_equal(get_str(r, "format"), "placematch-result/1");
    cJSON_Delete(r);
    assert_int_equal(run(c, "solve s.json -o - --quiet"), 0);
    r = cJSON_Parse(c->out);
    assert_non_null(r);
    cJSON_Delete(r);
}

static void test_output_dir_missing(void **state)
{
    ctx *c = *state;
    write_in(c, "s.json", GOOD);
    int rc = run(c, "solve s.json -o nodir/r.json --quiet");
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(c->err, "nodir/r.json"));
    assert_false(exists_in(c, "nodir"));
    static const char *const known[] = {"s.json", NULL};
    assert_int_equal(count_other_files(c, known), 0);
}

/* -o naming a directory: the rename fails; no temporary file remains. */
static void test_output_is_directory(void **state)
{
    ctx *c = *state;
    write_in(c, "s.json", GOOD);
    char sub[PATH_MAX + 256];
    path_in(c, "out", sub, sizeof sub);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_not_equal(run(c, "solve s.json -o out --quiet"), 0);
    static const char *const known[] = {"s.json", "out", NULL};
    assert_int_equal(count_other_files(c, known), 0);
    DIR *d = opendir(sub);
    assert_non_null(d);
    int entries = 0;
    while (readdir(d))
        entries++;
    closedir(d);
    assert_int_equal(entries, 2); /* . and .. */
}

static void test_bad_scenario(void **state)
{
    ctx *c = *state;
    write_in(c, "bad.json", BAD);
    assert_int_equal(run(c, "solve bad.json -o r.json"), 2);
    assert_int_equal(error_lines(c->err, "bad.json"), 2);
    assert_non_null(strstr(c->err, "bad.json: children[0].needs.trauma: "));
    assert_non_null(strstr(c->err, "bad.json: children[0].current: "));
    assert_string_equal(c->out, "");
    static const char *const known[] = {"bad.json", NULL};
    assert_int_equal(count_other_files(c, known), 0);
    /* an existing result is left as it was */
    write_in(c, "r.json", "OLD");
    assert_int_equal(run(c, "solve bad.json -o r.json"), 2);
    char *old = read_in(c, "r.json");
    assert_string_equal(old, "OLD");
    free(old);
    /* to stdout: nothing on stdout either */
    assert_int_equal(run(c, "solve bad.json"), 2);
    assert_string_equal(c->out, "");
}

static void test_malformed_and_missing_scenario(void **state)
{
    ctx *c = *state;
    /* a trailing comma: the ']' on line 2, column 3 */
    write_in(c, "broken.json",
             "{\"format\": \"placematch-scenario/1\", \"placements\": [1,\n  ]}");
    assert_int_equal(run(c, "solve broken.json -o r.json"), 2);
    assert_int_equal(error_lines(c->err, "broken.json"), 1);
    assert_non_null(strstr(c->err, "line 2, column 3"));
    assert_false(exists_in(c, "r.json"));
    /* a file that is not there: non-zero, the message names it */
    assert_int_not_equal(run(c, "solve nothere.json -o r.json"), 0);
    assert_non_null(strstr(c->err, "nothere.json"));
    assert_false(exists_in(c, "r.json"));
}

static void test_usage_errors(void **state)
{
    ctx *c = *state;
    write_in(c, "s.json", GOOD);
    assert_int_equal(run(c, "solve s.json --frobnicate -o r.json"), 2);
    assert_non_null(strstr(c->err, "--frobnicate"));
    assert_non_null(strstr(c->err, "usage:"));
    assert_false(exists_in(c, "r.json"));
    assert_int_equal(run(c, "solve"), 2);
    assert_non_null(strstr(c->err, "usage:"));
    assert_int_equal(run(c, "solve s.json other.json"), 2);
    assert_int_equal(run(c, "frobnicate"), 2);
    assert_non_null(strstr(c->err, "usage:"));
    assert_int_equal(run(c, ""), 2);
    assert_non_null(strstr(c->err, "usage:"));
    /* bad option values */
    assert_int_equal(run(c, "solve s.json --time-limit abc"), 2);
    assert_int_equal(run(c, "solve s.json --time-limit -1"), 2);
    assert_int_equal(run(c, "solve s.json --gap 2"), 2);
    assert_int_equal(run(c, "solve s.json --gap"), 2);
    assert_int_equal(run(c, "solve s.json -o"), 2);
    assert_int_equal(run(c, "solve s.json --node-limit 1.5"), 2);
    assert_false(exists_in(c, "r.json"));
    /* --help is not an error */
    assert_int_equal(run(c, "solve --help"), 0);
    assert_non_null(strstr(c->out, "usage:"));
}

static void test_limits_accepted(void **state)
{
    ctx *c = *state;
    write_in(c, "s.json", GOOD);
    assert_int_equal(run(c, "solve s.json --time-limit 5 -o r.json --quiet"), 0);
    cJSON *r = parse_result_file(c, "r.json");
    /* tiny: solved to proven optimality well within the limit */
    assert_string_equal(get_str(r, "status"), "optimal");
    assert_true(get_num(r, "objective") == GOOD_OBJECTIVE);
    assert_true(get_num(r, "gap") == 0);
    cJSON_Delete(r);
    /* a 1% gap: a match within 1% of the optimum */
    assert_int_equal(run(c, "solve s.json --time-limit 5 --gap 0.01 -o r.json "
                            "--quiet"),
                     0);
    r = parse_result_file(c, "r.json");
    const char *st = get_str(r, "status");
    assert_true(!strcmp(st, "optimal") || !strcmp(st, "feasible"));
    double obj = get_num(r, "objective");
    assert_true(obj >= GOOD_OBJECTIVE && obj <= GOOD_OBJECTIVE * 1.01);
    cJSON_Delete(r);
    assert_int_equal(run(c, "solve s.json --time-limit 0.5 --node-limit 100 "
                            "-o r.json --quiet"),
                     0);
    r = parse_result_file(c, "r.json");
    st = get_str(r, "status");
    assert_true(!strcmp(st, "optimal") || !strcmp(st, "feasible"));
    cJSON_Delete(r);
}

/* status, bound and gap tell one story (FORMAT.md: optimal = proven;
 * feasible = stopped early, the gap says how far from proven): a result
 * whose bound equals its objective is proven, so it is not "feasible";
 * and a "feasible" one has a positive gap. */
static void test_gap_status_consistent(void **state)
{
    ctx *c = *state;
    write_in(c, "s.json", GOOD);
    static const char *const runs[] = {
        "solve s.json -o r.json --quiet",
        "solve s.json --gap 0.01 -o r.json --quiet",
        "solve s.json --gap 0.5 -o r.json --quiet",
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        assert_int_equal(run(c, "%s", runs[i]), 0);
        cJSON *r = parse_result_file(c, "r.json");
        const char *st = get_str(r, "status");
        double obj = get_num(r, "objective"), bound = get_num(r, "bound"),
               gap = get_num(r, "gap");
        int optimal = !strcmp(st, "optimal"), feasible = !strcmp(st, "feasible");
        cJSON_Delete(r);
        if (optimal && (gap != 0 || bound != obj))
            fail_msg("'%s': optimal with bound %g, objective %g, gap %g",
                     runs[i], bound, obj, gap);
        if (feasible && !(gap > 0 && bound < obj))
            fail_msg("'%s': status feasible but bound %g = objective %g, "
                     "gap %g: a proven optimum",
                     runs[i], bound, obj, gap);
    }
}

static void test_generate_then_solve(void **state)
{
    ctx *c = *state;
    assert_int_equal(run(c, "generate --children 40 --seed 7 -o g.json"), 0);
    char *g1 = read_in(c, "g.json");
    assert_non_null(g1);
    cJSON *s = cJSON_Parse(g1);
    assert_non_null(s);
    assert_string_equal(get_str(s, "format"), "placematch-scenario/1");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "children")),
                     40);
    cJSON_Delete(s);
    /* deterministic for a seed; to stdout when no -o */
    assert_int_equal(run(c, "generate --children 40 --seed 7"), 0);
    assert_string_equal(c->out, g1);
    free(g1);
    assert_int_equal(run(c, "solve g.json -o r.json --time-limit 5 --quiet"), 0);
    cJSON *r = parse_result_file(c, "r.json");
    assert_string_equal(get_str(r, "format"), "placematch-result/1");
    const char *st = get_str(r, "status");
    assert_true(!strcmp(st, "optimal") || !strcmp(st, "feasible"));
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(r, "kpis");
    assert_true(get_num(k, "children") == 40);
    assert_true(get_num(k, "placed") + get_num(k, "unmatched") == 40);
    cJSON_Delete(r);
    /* an unknown profile is refused */
    assert_int_not_equal(run(c, "generate --profile nowhere -o x.json"), 0);
    assert_false(exists_in(c, "x.json"));
}

static void test_summary(void **state)
{
    ctx *c = *state;
    write_in(c, "s.json", GOOD);
    assert_int_equal(run(c, "solve s.json -o r.json --summary"), 0);
    const char *s = c->err;
    /* the cost lines: per week and per year, the KPIs, the unmatched child */
    assert_non_null(strstr(s, "Cost:"));
    assert_non_null(strstr(s, "a week"));
    assert_non_null(strstr(s, "a year"));
    assert_non_null(strstr(s, "3,900"));
    assert_non_null(strstr(s, "203,357"));
    assert_non_null(strstr(s, "Objective:"));
    assert_non_null(strstr(s, "4,335")); /* 4334.57 rounded */
    assert_non_null(strstr(s, "Penalties:"));
    assert_non_null(strstr(s, "placed 3, unmatched 1"));
    assert_non_null(strstr(s, "  B\n"));
    assert_non_null(strstr(s, "disability"));
    /* no child data other than ids: no names, meta, coordinates */
    static const char *const secret[] = {
        "Zebedee", "Smithson", "Bartholomew", "Quince", "SECRETNOTE",
        "Hillcrest", "54.0001", "1.0005", "54.0", "-1.0"};
    for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
        if (strstr(s, secret[i]))
            fail_msg("the summary shows '%s':\n%s", secret[i], s);
    /* nor does the result file */
    char *r = read_in(c, "r.json");
    for (size_t i = 0; i < 6; i++)
        if (strstr(r, secret[i]))
            fail_msg("the result file shows '%s'", secret[i]);
    assert_null(strstr(r, "54.0001234"));
    free(r);
    /* without --summary (and stderr not a terminal): no summary */
    assert_int_equal(run(c, "solve s.json -o r.json"), 0);
    assert_string_equal(c->err, "");
    assert_int_equal(run(c, "solve s.json -o r.json --summary --quiet"), 0);
    assert_string_equal(c->err, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_solve_writes_result, setup, teardown),
        cmocka_unit_test_setup_teardown(test_solve_to_stdout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_dir_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_is_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_scenario, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_and_missing_scenario, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gap_status_consistent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_generate_then_solve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

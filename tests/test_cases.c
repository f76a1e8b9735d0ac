/*
 * test_cases: data-driven cases, one folder each under
 * $PM_SOURCE_DIR/tests/cases/<name>/ (found at run time, so a new case is
 * just a new folder).  Each folder holds scenario.json and one of:
 *
 *  expected.json  the scenario must load and solve; every member given
 *                 must match the result (placematch-result/1) exactly:
 *                 objects are matched member by member (a subset), arrays
 *                 element by element, numbers exactly as written (the
 *                 result rounds money and miles to 2 decimals).  Two extra
 *                 members are not result fields:
 *                   "assign":  {"C1": "P1", "C2": null}  child -> placement,
 *                              null meaning unmatched;
 *                   "reasons": {"C2": ["line", ...]}  each line must be one
 *                              of that unmatched child's reasons, verbatim.
 *  errors.txt     the scenario must be refused; the loader's lines (and the
 *                 CLI's stderr, exit status 2, no output file) must equal
 *                 this file exactly, the file named "scenario.json" as
 *                 given on the command line from within the folder.
 *
 * tests/cases/README.md works out every expected figure by hand.
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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evaluate.h"
#include "placematch/placematch.h"
#include "scenario.h"

#define MAX_CASES 256

/* snprintf for paths and commands: a cut-off path would test the wrong
 * file, so truncation fails the test. */
#define FMT(buf, ...)                                                     \
    do {                                                                  \
        if (snprintf(buf, sizeof buf, __VA_ARGS__) >= (int)sizeof buf)    \
            fail_msg("path too long");                                    \
    } while (0)

typedef struct case_info {
    char name[256];
    char dir[PATH_MAX];
} case_info;

/* ------------------------------------------------------------------ */
/* files                                                              */
/* ------------------------------------------------------------------ */


static int file_exists(const char *dir, const char *name)
{
    char path[PATH_MAX + 64];
    struct stat st;
    FMT(path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *read_in(const char *dir, const char *name)
{
    char path[PATH_MAX + 64];
    FMT(path, "%s/%s", dir, name);
    char *s = pm_test_read_text(path);
    if (!s)
        fail_msg("cannot read %s", path);
    return s;
}

/* ------------------------------------------------------------------ */
/* matching expected.json against the result                          */
/* ------------------------------------------------------------------ */

static void describe(const cJSON *v, char *out, size_t size)
{
    char *s = v ? cJSON_PrintUnformatted(v) : NULL;
    snprintf(out, size, "%s", s ? s : "(absent)");
    free(s);
}

/* Appends a mismatch to msgs (one line each). */
static void mismatch(char *msgs, size_t size, const char *path,
                     const cJSON *want, const cJSON *got)
{
    char w[256], g[256];
    describe(want, w, sizeof w);
    describe(got, g, sizeof g);
    size_t len = strlen(msgs);
    snprintf(msgs + len, size - len, "  %s: expected %s, got %s\n", path, w,
             g);
}

static void match(const cJSON *want, const cJSON *got, const char *path,
                  char *msgs, size_t size)
{
    char sub[512];
    if (cJSON_IsObject(want)) {
        if (!cJSON_IsObject(got)) {
            mismatch(msgs, size, path, want, got);
            return;
        }
        for (const cJSON *w = want->child; w; w = w->next) {
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", w->string);
            match(w, cJSON_GetObjectItemCaseSensitive(got, w->string), sub,
                  msgs, size);
        }
    } else if (cJSON_IsArray(want)) {
        if (!cJSON_IsArray(got) ||
            cJSON_GetArraySize(got) != cJSON_GetArraySize(want)) {
            mismatch(msgs, size, path, want, got);
            return;
        }
        int i = 0;
        for (const cJSON *w = want->child; w; w = w->next, i++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            match(w, cJSON_GetArrayItem(got, i), sub, msgs, size);
        }
    } else if (cJSON_IsNumber(want)) {
        if (!cJSON_IsNumber(got) || got->valuedouble != want->valuedouble)
            mismatch(msgs, size, path, want, got);
    } else if (cJSON_IsString(want)) {
        if (!cJSON_IsString(got) || strcmp(got->valuestring, want->valuestring))
            mismatch(msgs, size, path, want, got);
    } else if (cJSON_IsBool(want)) {
        if (!cJSON_IsBool(got) || cJSON_IsTrue(got) != cJSON_IsTrue(want))
            mismatch(msgs, size, path, want, got);
    } else if (cJSON_IsNull(want)) {
        if (!cJSON_IsNull(got))
            mismatch(msgs, size, path, want, got);
    }
}

static const cJSON *find_by_child(const cJSON *list, const char *child)
{
    for (const cJSON *it = list ? list->child : NULL; it; it = it->next) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "child");
        if (cJSON_IsString(c) && !strcmp(c->valuestring, child))
            return it;
    }
    return NULL;
}

static void match_assign(const cJSON *want, const cJSON *res, char *msgs,
                         size_t size)
{
    const cJSON *as = cJSON_GetObjectItemCaseSensitive(res, "assignments");
    const cJSON *un = cJSON_GetObjectItemCaseSensitive(res, "unmatched");
    char path[300];
    for (const cJSON *w = want ? want->child : NULL; w; w = w->next) {
        snprintf(path, sizeof path, "assign.%s", w->string);
        const cJSON *a = find_by_child(as, w->string);
        const cJSON *u = find_by_child(un, w->string);
        const cJSON *got = a ? cJSON_GetObjectItemCaseSensitive(a, "placement")
                         : NULL;
        if (cJSON_IsNull(w)) {
            if (a || !u)
                mismatch(msgs, size, path, w, got);
        } else if (!got || u) {
            mismatch(msgs, size, path, w, got);
        } else {
            match(w, got, path, msgs, size);
        }
    }
}

static void match_reasons(const cJSON *want, const cJSON *res, char *msgs,
                          size_t size)
{
    const cJSON *un = cJSON_GetObjectItemCaseSensitive(res, "unmatched");
    for (const cJSON *w = want ? want->child : NULL; w; w = w->next) {
        const cJSON *u = find_by_child(un, w->string);
        const cJSON *rs = u ? cJSON_GetObjectItemCaseSensitive(u, "reasons")
                        : NULL;
        for (const cJSON *line = w->child; line; line = line->next) {
            int found = 0;
            for (const cJSON *r = rs ? rs->child : NULL; r && !found; r = r->next)
                found = cJSON_IsString(r) && cJSON_IsString(line) &&
                        !strcmp(r->valuestring, line->valuestring);
            if (!found) {
                char path[300];
                snprintf(path, sizeof path, "reasons.%s", w->string);
                mismatch(msgs, size, path, line, rs);
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* the two kinds of case                                              */
/* ------------------------------------------------------------------ */

static void run_solve_case(const case_info *ci)
{
    char path[PATH_MAX + 64];
    FMT(path, "%s/scenario.json", ci->dir);
    pm_scenario *sc = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_scenario_load_file(path, &sc, &err) != PM_OK)
        fail_msg("%s: scenario refused:\n%s", ci->name, err.text);
    char *exp_text = read_in(ci->dir, "expected.json");
    cJSON *exp = cJSON_Parse(exp_text);
    free(exp_text);
    if (!cJSON_IsObject(exp))
        fail_msg("%s: expected.json is not a JSON object", ci->name);
    pm_result *res = NULL;
    if (pm_solve(sc, NULL, &res, &err) != PM_OK)
        fail_msg("%s: pm_solve failed:\n%s", ci->name, err.text);
    /* whatever the expectations, a solution must be feasible */
    pm_solution st = pm_result_status(res);
    if (st == PM_SOL_OPTIMAL || st == PM_SOL_FEASIBLE) {
        int *assign = malloc(((size_t)sc->nchildren + 1) * sizeof *assign);
        assert_non_null(assign);
        for (int c = 0; c < sc->nchildren; c++)
            assign[c] = pm_result_assignment(res, c);
        char msg[512];
        if (pm_check_assignment(sc, assign, msg, sizeof msg))
            fail_msg("%s: the result breaks a constraint: %s", ci->name, msg);
        free(assign);
    }
    char *json = NULL;
    assert_int_equal(pm_result_to_json(res, &json, &err), PM_OK);
    cJSON *got = cJSON_Parse(json);
    assert_non_null(got);
    char msgs[8192] = "";
    for (const cJSON *w = exp->child; w; w = w->next) {
        if (!strcmp(w->string, "assign"))
            match_assign(w, got, msgs, sizeof msgs);
        else if (!strcmp(w->string, "reasons"))
            match_reasons(w, got, msgs, sizeof msgs);
        else
            match(w, cJSON_GetObjectItemCaseSensitive(got, w->string),
                  w->string, msgs, sizeof msgs);
    }
    if (msgs[0]) {
        printf("%s: result JSON:\n%s\n", ci->name, json);
        fail_msg("%s: the result differs from expected.json:\n%s", ci->name,
                 msgs);
    }
    cJSON_Delete(got);
    cJSON_Delete(exp);
    pm_free(json);
    pm_result_free(res);
    pm_scenario_free(sc);
}

/* Fails naming the first line that differs; prints both texts in full
 * (cmocka's own messages are cut at 1 KiB). */
static void compare_lines(const char *name, const char *what,
                          const char *want, const char *got)
{
    if (!strcmp(want, got))
        return;
    const char *w = want, *g = got;
    int line = 1;
    while (*w && *w == *g) {
        line += *w == '\n';
        w++;
        g++;
    }
    while (w > want && w[-1] != '\n')
        w--, g--;
    printf("%s: %s differ.\nexpected:\n%sgot:\n%s", name, what, want, got);
    fail_msg("%s: %s differ at line %d:\n  expected: %.*s\n  got:      %.*s",
             name, what, line, (int)strcspn(w, "\n"), w, (int)strcspn(g, "\n"),
             g);
}

/* The loader, called as "scenario.json" from within the case folder. */
static void check_loader_lines(const case_info *ci, const char *want)
{
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(ci->dir), 0);
    pm_scenario *sc = (pm_scenario *)(uintptr_t)1;
    pm_error err;
    pm_error_clear(&err);
    pm_status st = pm_scenario_load_file("scenario.json", &sc, &err);
    assert_int_equal(chdir(cwd), 0);
    if (st == PM_OK)
        fail_msg("%s: the scenario loaded, expected errors", ci->name);
    assert_null(sc);
    compare_lines(ci->name, "loader lines", want, err.text);
}

/* The CLI: exit status 2, the same lines on stderr, nothing written. */
static void check_cli_lines(const case_info *ci, const char *want)
{
    const char *cli = getenv("PM_CLI");
    if (!cli || !*cli)
        return;
    char cwd[PATH_MAX], tmp[PATH_MAX + 64];
    assert_non_null(getcwd(cwd, sizeof cwd));
    FMT(tmp, "%s/cases_tmp_XXXXXX", cwd);
    assert_non_null(mkdtemp(tmp));
    char cmd[4 * PATH_MAX];
    FMT(cmd,
             "cd '%s' && '%s' solve scenario.json -o '%s/out.json' --quiet "
             "2> '%s/stderr.txt' > '%s/stdout.txt'",
             ci->dir, cli, tmp, tmp, tmp);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), 2);
    char path[PATH_MAX + 64];
    FMT(path, "%s/stderr.txt", tmp);
    char *got = pm_test_read_text(path);
    assert_non_null(got);
    compare_lines(ci->name, "CLI stderr lines", want, got);
    free(got);
    /* no result and no temporary file: only our two captures */
    DIR *d = opendir(tmp);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            !strcmp(e->d_name, "stderr.txt") || !strcmp(e->d_name, "stdout.txt"))
            continue;
        fail_msg("%s: the CLI left %s behind", ci->name, e->d_name);
    }
    closedir(d);
    FMT(path, "%s/stderr.txt", tmp);
    remove(path);
    FMT(path, "%s/stdout.txt", tmp);
    remove(path);
    rmdir(tmp);
}

static void run_error_case(const case_info *ci)
{
    char *want = read_in(ci->dir, "errors.txt");
    if (!want[0])
        fail_msg("%s: errors.txt is empty", ci->name);
    check_loader_lines(ci, want);
    check_cli_lines(ci, want);
    free(want);
}

static void run_case(void **state)
{
    const case_info *ci = *state;
    int has_exp = file_exists(ci->dir, "expected.json");
    int has_err = file_exists(ci->dir, "errors.txt");
    if (!file_exists(ci->dir, "scenario.json"))
        fail_msg("%s: no scenario.json", ci->name);
    if (has_exp == has_err)
        fail_msg("%s: needs exactly one of expected.json and errors.txt",
                 ci->name);
    if (has_exp)
        run_solve_case(ci);
    else
        run_error_case(ci);
}

/* ------------------------------------------------------------------ */
/* discovery                                                          */
/* ------------------------------------------------------------------ */

static int cmp_case(const void *a, const void *b)
{
    return strcmp(((const case_info *)a)->name, ((const case_info *)b)->name);
}

static int discover(const char *root, case_info *cases, int max)
{
    DIR *d = opendir(root);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        if (e->d_name[0] == '.')
            continue;
        char dir[PATH_MAX];
        struct stat st;
        if (snprintf(dir, sizeof dir, "%s/%s", root, e->d_name) >= (int)sizeof dir ||
            stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        snprintf(cases[n].name, sizeof cases[n].name, "%s", e->d_name);
        snprintf(cases[n].dir, sizeof cases[n].dir, "%s", dir);
        n++;
    }
    closedir(d);
    qsort(cases, (size_t)n, sizeof *cases, cmp_case);
    return n;
}

int main(void)
{
    const char *src = getenv("PM_SOURCE_DIR");
    if (!src || !*src) {
        fprintf(stderr, "test_cases: PM_SOURCE_DIR is not set (run via ctest)\n");
        return 1;
    }
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s/tests/cases", src);
    static case_info cases[MAX_CASES];
    int n = discover(root, cases, MAX_CASES);
    if (n <= 0) {
        fprintf(stderr, "test_cases: no case folders under %s\n", root);
        return 1;
    }
    struct CMUnitTest *tests = calloc((size_t)n, sizeof *tests);
    if (!tests)
        return 1;
    for (int i = 0; i < n; i++) {
        tests[i].name = cases[i].name;
        tests[i].test_func = run_case;
        tests[i].initial_state = &cases[i];
    }
    int failed = _cmocka_run_group_tests("cases", tests, (size_t)n, NULL, NULL);
    free(tests);
    return failed;
}

/*
 * test_scenario: loading and validating placematch-scenario/1
 * (spec/FORMAT.md).
 *
 * Every error class and every rule of FORMAT.md's table has a case: the
 * loader must refuse the input with the right status, leave *out NULL and
 * report one line "file: json.path: message" per problem, naming the right
 * path.  Messages are checked by a keyword only (their wording is free),
 * except the two lines FORMAT.md spells out.  Also: the accessors, file
 * loading, NULL arguments and the caller-owned pm_error.
 *
 * Test JSON is written with single quotes (turned into double quotes before
 * loading) so that it stays readable.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "error.h"
#include "json.h"
#include "placematch/placematch.h"
#include "scenario.h"

#define NAME "t.json"

/* ------------------------------------------------------------------ */
/* helpers                                                            */
/* ------------------------------------------------------------------ */

/* A growable string; tests abort on OOM (assert). */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ' -> " so that JSON in C strings stays readable. */
static char *q(const char *text)
{
    char *s = strdup(text);
    assert_non_null(s);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    return s;
}

/* A whole scenario from its placements and children arrays' contents and
 * any extra top-level members (each may be empty). */
static char *doc(const char *extra, const char *placements,
                 const char *children)
{
    sbuf b = {0};
    sb_add(&b, "{'format': 'placematch-scenario/1', %s%s'placements': [%s], "
               "'children': [%s]}",
           extra, *extra ? ", " : "", placements, children);
    char *s = q(b.s);
    free(b.s);
    return s;
}

#define PL(extra)                                                         \
    "{'id': 'P1', 'type': 'in_house_foster', 'location': {'lat': 54.5, "  \
    "'lon': -1.3}, 'capacity': 2, 'weekly_cost': 300" extra "}"
/* P1 without capacity and weekly_cost, for tests that set them */
#define PLB(extra)                                                        \
    "{'id': 'P1', 'type': 'in_house_foster', 'location': {'lat': 54.5, "  \
    "'lon': -1.3}" extra "}"
#define PL2(extra)                                                        \
    "{'id': 'P2', 'type': 'ifa_foster', 'location': {'lat': 54.6, "       \
    "'lon': -1.2}, 'capacity': 1, 'weekly_cost': 800" extra "}"
#define CH(extra)                                                         \
    "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': 54.55, "          \
    "'lon': -1.31}" extra "}"
#define CH2(extra)                                                        \
    "{'id': 'C2', 'age': 12, 'sex': 'M', 'home': {'lat': 54.52, "         \
    "'lon': -1.35}" extra "}"

static pm_status load_text(const char *json, pm_scenario **sc, pm_error *err)
{
    pm_error_clear(err);
    *sc = (pm_scenario *)(uintptr_t)1; /* must be overwritten */
    return pm_scenario_load_buffer(json, strlen(json), NAME, sc, err);
}

/* Every line has the form "NAME: path: message" (both parts non-empty),
 * and the number of lines is err->count. */
static void check_lines_well_formed(const pm_error *err)
{
    int lines = 0;
    const char *s = err->text;
    size_t pre = strlen(NAME ": ");
    while (*s) {
        const char *nl = strchr(s, '\n');
        assert_non_null(nl);
        lines++;
        if (strncmp(s, "... and ", 8) != 0) {
            if (strncmp(s, NAME ": ", pre) != 0)
                fail_msg("line does not start with the file name: %.*s",
                         (int)(nl - s), s);
            const char *sep = strstr(s + pre, ": ");
            if (!sep || sep > nl || sep == s + pre || sep + 2 >= nl)
                fail_msg("line is not 'file: path: message': %.*s",
                         (int)(nl - s), s);
        }
        s = nl + 1;
    }
    assert_int_equal(lines, err->count);
}

/* Is there a line "NAME: path: ..." whose message contains keyword? */
static int find_line(const pm_error *err, const char *path,
                     const char *keyword)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s: %s: ", NAME, path);
    size_t n = strlen(prefix);
    for (const char *s = err->text; *s;) {
        const char *nl = strchr(s, '\n');
        if (!nl)
            break;
        if (!strncmp(s, prefix, n)) {
            char line[1024];
            snprintf(line, sizeof line, "%.*s", (int)(nl - s), s);
            if (!keyword || strstr(line + n, keyword))
                return 1;
        }
        s = nl + 1;
    }
    return 0;
}

static void expect_line(const pm_error *err, const char *path,
                        const char *keyword)
{
    if (!find_line(err, path, keyword))
        fail_msg("expected a line at '%s' mentioning '%s'; got:\n%s", path,
                 keyword ? keyword : "", err->text);
}

/* Loads json (single-quoted), which must fail with status; the problem is
 * at path and mentions keyword; *out is NULL. */
static void expect_fail(const char *json_sq, pm_status status,
                        const char *path, const char *keyword)
{
    char *json = q(json_sq);
    pm_scenario *sc;
    pm_error err;
    pm_status st = load_text(json, &sc, &err);
    if (st != status)
        fail_msg("status %s, expected %s, for %s\n%s", pm_strerror(st),
                 pm_strerror(status), json, err.text);
    assert_null(sc);
    assert_int_equal(err.status, status);
    assert_true(err.count >= 1);
    check_lines_well_formed(&err);
    expect_line(&err, path, keyword);
    free(json);
}

/* Same with a document built by doc(). */
static void expect_doc_fail(const char *extra, const char *pl, const char *ch,
                            pm_status status, const char *path,
                            const char *keyword)
{
    char *d = doc(extra, pl, ch);
    expect_fail(d, status, path, keyword); /* d has no single quotes left */
    free(d);
}

#define INVALID(pl, ch, path, kw) \
    expect_doc_fail("", pl, ch, PM_ERR_INVALID, path, kw)

static pm_scenario *expect_ok(const char *json_sq)
{
    char *json = q(json_sq);
    pm_scenario *sc;
    pm_error err;
    pm_status st = load_text(json, &sc, &err);
    if (st != PM_OK)
        fail_msg("status %s for %s\n%s", pm_strerror(st), json, err.text);
    assert_non_null(sc);
    assert_int_equal(err.count, 0);
    assert_string_equal(err.text, "");
    free(json);
    return sc;
}

static pm_scenario *expect_doc_ok(const char *extra, const char *pl,
                                  const char *ch)
{
    char *d = doc(extra, pl, ch);
    pm_scenario *sc = expect_ok(d);
    free(d);
    return sc;
}

/* ------------------------------------------------------------------ */
/* valid input and accessors                                          */
/* ------------------------------------------------------------------ */

static void test_minimal_and_accessors(void **state)
{
    (void)state;
    pm_scenario *sc = expect_doc_ok("'name': 'Tiny'", PL("") "," PL2(""),
                                    CH("") "," CH2(""));
    assert_string_equal(pm_scenario_name(sc), "Tiny");
    assert_int_equal(pm_scenario_num_children(sc), 2);
    assert_int_equal(pm_scenario_num_placements(sc), 2);
    assert_string_equal(pm_scenario_child_id(sc, 0), "C1");
    assert_string_equal(pm_scenario_child_id(sc, 1), "C2");
    assert_null(pm_scenario_child_id(sc, 2));
    assert_null(pm_scenario_child_id(sc, -1));
    assert_string_equal(pm_scenario_placement_id(sc, 0), "P1");
    assert_string_equal(pm_scenario_placement_id(sc, 1), "P2");
    assert_null(pm_scenario_placement_id(sc, 2));
    assert_null(pm_scenario_placement_id(sc, -1));
    assert_int_equal(pm_scenario_find_child(sc, "C2"), 1);
    assert_int_equal(pm_scenario_find_child(sc, "C1"), 0);
    assert_int_equal(pm_scenario_find_child(sc, "P1"), -1);
    assert_int_equal(pm_scenario_find_child(sc, "c1"), -1);
    assert_int_equal(pm_scenario_find_child(sc, NULL), -1);
    assert_int_equal(pm_scenario_find_placement(sc, "P2"), 1);
    assert_int_equal(pm_scenario_find_placement(sc, "C1"), -1);
    assert_int_equal(pm_scenario_find_placement(sc, ""), -1);
    /* NULL handles are tolerated by the accessors */
    assert_int_equal(pm_scenario_num_children(NULL), 0);
    assert_int_equal(pm_scenario_num_placements(NULL), 0);
    assert_null(pm_scenario_child_id(NULL, 0));
    assert_int_equal(pm_scenario_find_child(NULL, "C1"), -1);
    assert_int_equal(pm_scenario_find_placement(NULL, "P1"), -1);
    pm_scenario_free(sc);
    pm_scenario_free(NULL);
}

static void test_empty_lists_and_no_name(void **state)
{
    (void)state;
    pm_scenario *sc = expect_doc_ok("", "", "");
    assert_int_equal(pm_scenario_num_children(sc), 0);
    assert_int_equal(pm_scenario_num_placements(sc), 0);
    assert_non_null(pm_scenario_name(sc));
    assert_string_equal(pm_scenario_name(sc), "");
    pm_scenario_free(sc);
}

static void test_policy_defaults(void **state)
{
    (void)state;
    pm_scenario *sc = expect_doc_ok("", PL(""), CH(""));
    const pm_policy *p = &sc->policy;
    assert_true(p->far_miles == 20);
    assert_true(p->cost_per_mile_week == 0);
    assert_true(p->far_penalty_week == 0);
    assert_true(p->sibling_split_week == 0);
    assert_true(p->move_week == 0);
    assert_true(p->unmatched_week == 10000);
    assert_true(p->road_factor == 1.0);
    pm_scenario_free(sc);
    /* an empty policy object: the same defaults */
    sc = expect_doc_ok("'policy': {}", PL(""), CH(""));
    assert_true(sc->policy.unmatched_week == 10000);
    assert_true(sc->policy.road_factor == 1.0);
    pm_scenario_free(sc);
}

/* Every field of FORMAT.md at once, read into the internal structs. */
static void test_every_field(void **state)
{
    (void)state;
    pm_scenario *sc = expect_doc_ok(
        "'name': 'Full', 'meta': {'source': 'synthetic'}, "
        "'policy': {'far_miles': 15, 'cost_per_mile_week': 2, "
        "'far_penalty_week': 250, 'sibling_split_week': 400, "
        "'move_week': 300, 'unmatched_week': 6000, 'road_factor': 1.25}",
        "{'id': 'F001', 'name': 'Foster household 1', 'type': 'in_house_foster',"
        " 'provider': 'council', 'location': {'lat': 54.570, 'lon': -1.318},"
        " 'capacity': 3, 'sibling_only': 1, 'age_min': 2, 'age_max': 17,"
        " 'sexes': ['F', 'M'], 'supports': {'trauma': 2, 'send': 1},"
        " 'weekly_cost': 298.5, 'meta': {'x': 1}},"
        "{'id': 'K014', 'type': 'connected_carer', 'location': {'lat': 54.55,"
        " 'lon': -1.30}, 'capacity': 2, 'age_min': 0, 'age_max': 17,"
        " 'weekly_cost': 250, 'reserved_for': ['C003', 'C001']}",
        "{'id': 'C001', 'name': 'Synthetic', 'age': 9, 'sex': 'F',"
        " 'home': {'lat': 54.56, 'lon': -1.33}, 'needs': {'trauma': 2},"
        " 'sibling_group': 'G01', 'max_miles': 30,"
        " 'types': ['in_house_foster', 'connected_carer', 'ifa_foster'],"
        " 'current': 'F001', 'stay': false, 'avoid': ['C017'], 'meta': {}},"
        "{'id': 'C003', 'age': 4, 'sex': 'M', 'home': {'lat': 54.5, 'lon': -1.3},"
        " 'sibling_group': 'G01', 'current': 'K014', 'stay': true},"
        "{'id': 'C017', 'age': 15, 'sex': 'X', 'home': {'lat': 54.5, 'lon': -1.3}}");
    const pm_policy *pol = &sc->policy;
    assert_true(pol->far_miles == 15 && pol->cost_per_mile_week == 2);
    assert_true(pol->far_penalty_week == 250 && pol->sibling_split_week == 400);
    assert_true(pol->move_week == 300 && pol->unmatched_week == 6000);
    assert_true(pol->road_factor == 1.25);
    assert_string_equal(sc->name, "Full");

    const pm_placement_rec *f = &sc->placements[0], *k = &sc->placements[1];
    assert_int_equal(f->capacity, 3);
    assert_int_equal(f->sibling_only, 1);
    assert_int_equal(f->age_min, 2);
    assert_int_equal(f->age_max, 17);
    assert_int_equal(f->nsexes, 2);
    assert_int_equal(f->nsupports, 2);
    assert_true(f->weekly_cost == 298.5);
    assert_int_equal(f->nreserved, -1);
    assert_int_equal(k->sibling_only, 0);
    assert_int_equal(k->nsexes, -1);
    assert_int_equal(k->nsupports, 0);
    assert_int_equal(k->nreserved, 2); /* sorted child indices */
    assert_int_equal(k->reserved[0], 0);
    assert_int_equal(k->reserved[1], 1);
    assert_string_equal(sc->types.name[f->type], "in_house_foster");
    assert_string_equal(sc->types.name[k->type], "connected_carer");

    const pm_child_rec *c1 = &sc->children[0], *c3 = &sc->children[1],
                       *c17 = &sc->children[2];
    assert_int_equal(c1->nneeds, 1);
    assert_string_equal(sc->needs.name[c1->needs[0].need], "trauma");
    assert_int_equal(c1->needs[0].level, 2);
    assert_true(c1->max_miles == 30);
    assert_int_equal(c1->ntypes, 3);
    assert_int_equal(c1->current, 0);
    assert_false(c1->stay);
    assert_int_equal(c3->current, 1);
    assert_true(c3->stay);
    assert_int_equal(c17->current, -1);
    assert_int_equal(c17->ntypes, -1);
    assert_true(c17->max_miles == 0);
    assert_int_equal(c17->group, -1);
    /* avoid is symmetric: C017 avoids C001 although only C001 said so */
    assert_int_equal(c1->navoid, 1);
    assert_int_equal(c1->avoid[0], 2);
    assert_int_equal(c17->navoid, 1);
    assert_int_equal(c17->avoid[0], 0);
    assert_int_equal(c3->navoid, 0);
    /* one sibling group of two */
    assert_int_equal(sc->ngroups, 1);
    assert_int_equal(c1->group, c3->group);
    assert_int_equal(pm_group_size(sc, 0), 2);
    pm_scenario_free(sc);
}

/* meta may hold anything (unknown fields, any types), at every level. */
static void test_meta_allows_anything(void **state)
{
    (void)state;
    pm_scenario *sc = expect_doc_ok(
        "'meta': {'anything': [1, 'x', {'deep': {'unknown_field': null}}],"
        " 'capacity': -5, 'format': 7}",
        PL(", 'meta': {'colour': 'blue', 'capacity': 'lots'}"),
        CH(", 'meta': {'age': 'old', 'nested': {'avoid': ['nobody']}}"));
    pm_scenario_free(sc);
    /* but meta itself must be an object */
    expect_doc_fail("'meta': 5", PL(""), CH(""), PM_ERR_INVALID, "meta",
                    "object");
    INVALID(PL(", 'meta': []"), CH(""), "placements[0].meta", "object");
}

static void test_utf8_accepted(void **state)
{
    (void)state;
    /* Zoë, an em dash and an emoji: valid UTF-8 is fine everywhere */
    pm_scenario *sc = expect_doc_ok("'name': 'Borough \xe2\x80\x94 \xf0\x9f\x8f\xa0'",
                                    PL(""),
                                    "{'id': 'Zo\xc3\xab', 'age': 9, 'sex': 'F',"
                                    " 'home': {'lat': 1, 'lon': 2},"
                                    " 'needs': {'tr\xc3\xa4uma': 1}}");
    assert_int_equal(pm_scenario_find_child(sc, "Zo\xc3\xab"), 0);
    pm_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* JSON syntax, NUL bytes, nesting and size limits                    */
/* ------------------------------------------------------------------ */

static void test_malformed_json(void **state)
{
    (void)state;
    /* the bad token is the ',' on line 2, column 13 */
    pm_scenario *sc;
    pm_error err;
    const char *text = "{\n  \"format\": ,\n  \"children\": []\n}";
    assert_int_equal(load_text(text, &sc, &err), PM_ERR_PARSE);
    assert_null(sc);
    assert_int_equal(err.count, 1);
    assert_string_equal(err.text, NAME ": line 2, column 13: malformed JSON\n");

    /* trailing garbage after the document */
    assert_int_equal(load_text("{}\n  x", &sc, &err), PM_ERR_PARSE);
    assert_null(sc);
    assert_non_null(strstr(err.text, "line 2, column 3"));

    /* an unterminated string, an empty input, a lone value */
    assert_int_equal(load_text("{\"format\": \"placematch", &sc, &err),
                     PM_ERR_PARSE);
    assert_null(sc);
    assert_non_null(strstr(err.text, NAME ": line 1, column "));
    assert_int_equal(load_text("", &sc, &err), PM_ERR_PARSE);
    assert_null(sc);
    assert_int_equal(err.count, 1);
    assert_int_equal(load_text("   \n", &sc, &err), PM_ERR_PARSE);
    assert_null(sc);
    /* a well-formed non-object document is PM_ERR_INVALID, at the root */
    expect_fail("[]", PM_ERR_INVALID, "(root)", "object");
    expect_fail("'placematch-scenario/1'", PM_ERR_INVALID, "(root)", "object");
}

static void test_nul_byte(void **state)
{
    (void)state;
    static const char text[] = "{\n \"format\"\0: 1}";
    pm_scenario *sc = (pm_scenario *)(uintptr_t)1;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_scenario_load_buffer(text, sizeof text - 1, NAME, &sc,
                                             &err),
                     PM_ERR_PARSE);
    assert_null(sc);
    assert_int_equal(err.count, 1);
    assert_string_equal(err.text,
                        NAME ": line 2, column 10: NUL byte in JSON text\n");
}

/* The escape \u0000 decodes to a NUL, which would cut a C string short:
 * "in_house_foster\u0000x" must not silently become "in_house_foster" (nor
 * two different ids the same one).  Refused, at the parse or at the path. */
static void test_escaped_nul(void **state)
{
    (void)state;
    const char *docs[] = {
        "{'format': 'placematch-scenario/1', 'placements': [], 'children': "
        "[{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': 1, 'lon': 1}, "
        "'types': ['in_house_foster\\u0000x']}]}",
        "{'format': 'placematch-scenario/1', 'placements': [], 'children': "
        "[{'id': 'C1\\u0000a', 'age': 9, 'sex': 'F', 'home': {'lat': 1, 'lon': 1}}]}",
        "{'format': 'placematch-scenario/1', 'placements': [], 'children': "
        "[{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': 1, 'lon': 1}, "
        "'needs': {'trauma\\u0000x': 1}}]}",
    };
    for (int i = 0; i < 3; i++) {
        char *json = q(docs[i]);
        pm_scenario *sc;
        pm_error err;
        pm_status st = load_text(json, &sc, &err);
        if (st == PM_OK) {
            char shown[512];
            snprintf(shown, sizeof shown, "%s", json);
            pm_scenario_free(sc);
            free(json);
            fail_msg("accepted a string holding \\u0000: %s", shown);
        }
        assert_null(sc);
        assert_true(err.count >= 1);
        check_lines_well_formed(&err);
        free(json);
    }
}

/* A document whose meta holds `depth` nested arrays (total nesting
 * depth + 1 with the root object). */
static char *nested_doc(int depth)
{
    sbuf b = {0};
    sb_add(&b, "{\"format\": \"placematch-scenario/1\", \"meta\": {\"x\": ");
    for (int i = 0; i < depth - 1; i++)
        sb_add(&b, "[");
    for (int i = 0; i < depth - 1; i++)
        sb_add(&b, "]");
    sb_add(&b, "}, \"placements\": [], \"children\": []}");
    return b.s;
}

static void test_nesting_limit(void **state)
{
    (void)state;
    /* root {, meta {, then arrays: exactly PM_MAX_NESTING levels is fine */
    char *ok = nested_doc(PM_MAX_NESTING - 1);
    pm_scenario *sc;
    pm_error err;
    assert_int_equal(load_text(ok, &sc, &err), PM_OK);
    pm_scenario_free(sc);
    free(ok);

    char *deep = nested_doc(PM_MAX_NESTING);
    assert_int_equal(load_text(deep, &sc, &err), PM_ERR_LIMIT);
    assert_null(sc);
    assert_int_equal(err.count, 1);
    assert_non_null(strstr(err.text, "nesting deeper than"));
    check_lines_well_formed(&err);
    free(deep);

    /* far deeper than any stack could recurse: refused, no crash */
    size_t n = 1000000;
    char *bomb = malloc(n + 1);
    assert_non_null(bomb);
    memset(bomb, '[', n);
    bomb[n] = '\0';
    assert_int_equal(load_text(bomb, &sc, &err), PM_ERR_LIMIT);
    assert_null(sc);
    assert_non_null(strstr(err.text, NAME ": line 1, column 65: nesting"));
    /* brackets inside strings do not count */
    free(bomb);
    sbuf b = {0};
    sb_add(&b, "{\"format\": \"placematch-scenario/1\", \"name\": \"");
    for (int i = 0; i < 100; i++)
        sb_add(&b, "[{");
    sb_add(&b, "\", \"placements\": [], \"children\": []}");
    assert_int_equal(load_text(b.s, &sc, &err), PM_OK);
    pm_scenario_free(sc);
    free(b.s);
}

/* More than PM_MAX_FILE_BYTES is refused before the text is parsed.  The
 * buffer is real (zero pages of an anonymous mapping, never committed), so
 * the loader may read all of it safely. */
static void test_too_large(void **state)
{
    (void)state;
    size_t len = PM_MAX_FILE_BYTES + 1;
    void *map = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        skip();
    memcpy(map, "{}", 2);
    pm_scenario *sc = (pm_scenario *)(uintptr_t)1;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_scenario_load_buffer(map, len, NAME, &sc, &err),
                     PM_ERR_LIMIT);
    assert_null(sc);
    assert_int_equal(err.count, 1);
    assert_non_null(strstr(err.text, NAME ": "));
    assert_non_null(strstr(err.text, "limit"));
    munmap(map, len);
}

/* A list longer than PM_MAX_LIST is a limit, not a crash. */
static void test_list_limit(void **state)
{
    (void)state;
    sbuf b = {0};
    sb_add(&b, ", 'types': [");
    for (int i = 0; i <= PM_MAX_LIST; i++)
        sb_add(&b, "%s't%d'", i ? ", " : "", i);
    sb_add(&b, "]");
    sbuf c = {0};
    sb_add(&c, "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': 1, "
               "'lon': 1}%s}", b.s);
    expect_doc_fail("", PL(""), c.s, PM_ERR_LIMIT, "children[0].types",
                    "limit");
    free(b.s);
    free(c.s);
    /* so are more need entries than PM_MAX_NEEDS */
    sbuf n = {0};
    sb_add(&n, "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': 1, "
               "'lon': 1}, 'needs': {");
    for (int i = 0; i <= PM_MAX_NEEDS; i++)
        sb_add(&n, "%s'n%d': 1", i ? ", " : "", i);
    sb_add(&n, "}}");
    expect_doc_fail("", PL(""), n.s, PM_ERR_LIMIT, "children[0].needs",
                    "limit");
    free(n.s);
}

/* ------------------------------------------------------------------ */
/* format, required fields, types                                     */
/* ------------------------------------------------------------------ */

static void test_format_string(void **state)
{
    (void)state;
    expect_fail("{'format': 'placematch-scenario/2', 'placements': [], "
                "'children': []}",
                PM_ERR_INVALID, "format", "placematch-scenario/1");
    expect_fail("{'format': 'placematch-result/1', 'placements': [], "
                "'children': []}",
                PM_ERR_INVALID, "format", "placematch-scenario/1");
    expect_fail("{'placements': [], 'children': []}", PM_ERR_INVALID,
                "format", "missing");
    expect_fail("{'format': 1, 'placements': [], 'children': []}",
                PM_ERR_INVALID, "format", "string");
}

static void test_missing_required(void **state)
{
    (void)state;
    expect_fail("{'format': 'placematch-scenario/1', 'children': []}",
                PM_ERR_INVALID, "placements", "missing");
    expect_fail("{'format': 'placematch-scenario/1', 'placements': []}",
                PM_ERR_INVALID, "children", "missing");
    /* each required field of a placement */
    const char *pfields[] = {"id", "type", "location", "capacity",
                             "weekly_cost"};
    const char *pl[] = {
        "{'type': 't', 'location': {'lat': 1, 'lon': 1}, 'capacity': 1, 'weekly_cost': 1}",
        "{'id': 'P1', 'location': {'lat': 1, 'lon': 1}, 'capacity': 1, 'weekly_cost': 1}",
        "{'id': 'P1', 'type': 't', 'capacity': 1, 'weekly_cost': 1}",
        "{'id': 'P1', 'type': 't', 'location': {'lat': 1, 'lon': 1}, 'weekly_cost': 1}",
        "{'id': 'P1', 'type': 't', 'location': {'lat': 1, 'lon': 1}, 'capacity': 1}"};
    for (int i = 0; i < 5; i++) {
        char path[64];
        snprintf(path, sizeof path, "placements[0].%s", pfields[i]);
        INVALID(pl[i], CH(""), path, "missing");
    }
    INVALID("{'id': 'P1', 'type': 't', 'location': {'lat': 1}, 'capacity': 1, "
            "'weekly_cost': 1}",
            "", "placements[0].location.lon", "missing");
    const char *cfields[] = {"id", "age", "sex", "home"};
    const char *ch[] = {
        "{'age': 9, 'sex': 'F', 'home': {'lat': 1, 'lon': 1}}",
        "{'id': 'C1', 'sex': 'F', 'home': {'lat': 1, 'lon': 1}}",
        "{'id': 'C1', 'age': 9, 'home': {'lat': 1, 'lon': 1}}",
        "{'id': 'C1', 'age': 9, 'sex': 'F'}"};
    for (int i = 0; i < 4; i++) {
        char path[64];
        snprintf(path, sizeof path, "children[0].%s", cfields[i]);
        INVALID(PL(""), ch[i], path, "missing");
    }
    INVALID(PL(""), "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lon': 1}}",
            "children[0].home.lat", "missing");
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_fail("{'format': 'placematch-scenario/1', 'placements': {}, "
                "'children': []}",
                PM_ERR_INVALID, "placements", "array");
    expect_fail("{'format': 'placematch-scenario/1', 'placements': [], "
                "'children': 'none'}",
                PM_ERR_INVALID, "children", "array");
    expect_doc_fail("'policy': []", "", "", PM_ERR_INVALID, "policy",
                    "object");
    expect_doc_fail("'name': 5", "", "", PM_ERR_INVALID, "name", "string");
    INVALID("5", "", "placements[0]", "object");
    INVALID(PL(""), "[]", "children[0]", "object");
    INVALID("{'id': 7, 'type': 't', 'location': {'lat': 1, 'lon': 1}, "
            "'capacity': 1, 'weekly_cost': 1}",
            "", "placements[0].id", "string");
    INVALID(PL(""), CH(", 'avoid': 'C2'"), "children[0].avoid", "array");
    INVALID(PL(""), "{'id': 'C1', 'age': '9', 'sex': 'F', 'home': {'lat': 1, 'lon': 1}}",
            "children[0].age", "integer");
    INVALID(PL(""), "{'id': 'C1', 'age': 9.5, 'sex': 'F', 'home': {'lat': 1, 'lon': 1}}",
            "children[0].age", "integer");
    INVALID(PL(""), "{'id': 'C1', 'age': 9, 'sex': 1, 'home': {'lat': 1, 'lon': 1}}",
            "children[0].sex", "string");
    INVALID(PL(""), "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': [1, 2]}",
            "children[0].home", "object");
    INVALID(PL(""), "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': '1', 'lon': 1}}",
            "children[0].home.lat", "number");
    INVALID(PL(""), CH(", 'stay': 'yes'"), "children[0].stay", "true or false");
    INVALID(PL(""), CH(", 'stay': 1"), "children[0].stay", "true or false");
    INVALID(PL(""), CH(", 'needs': {'trauma': '2'}"),
            "children[0].needs.trauma", "integer");
    INVALID(PL(""), CH(", 'needs': {'trauma': 1.5}"),
            "children[0].needs.trauma", "integer");
    INVALID(PL(""), CH(", 'needs': ['trauma']"), "children[0].needs", "object");
    INVALID(PL(""), CH(", 'max_miles': '10'"), "children[0].max_miles", "number");
    INVALID(PL(""), CH(", 'sibling_group': 3"), "children[0].sibling_group",
            "string");
    INVALID(PL(""), CH(", 'types': [3]"), "children[0].types[0]", "string");
    INVALID(PL(""), CH(", 'current': 1"), "children[0].current", "string");
    INVALID(PLB(", 'capacity': 1.5, 'weekly_cost': 1"), CH(""), "placements[0].capacity", "integer");
    INVALID("{'id': 'P1', 'type': 't', 'location': {'lat': 1, 'lon': 1}, "
            "'capacity': true, 'weekly_cost': 1}",
            "", "placements[0].capacity", "integer");
    INVALID("{'id': 'P1', 'type': 't', 'location': {'lat': 1, 'lon': 1}, "
            "'capacity': 1, 'weekly_cost': '300'}",
            "", "placements[0].weekly_cost", "number");
    INVALID(PL(", 'sexes': ['F', 2]"), CH(""), "placements[0].sexes[1]", "string");
    INVALID(PL(", 'sexes': 'F'"), CH(""), "placements[0].sexes", "array");
    INVALID(PL(", 'supports': {'send': null}"), CH(""),
            "placements[0].supports.send", "integer");
    INVALID(PL(", 'reserved_for': [null]"), CH(""),
            "placements[0].reserved_for[0]", "string");
    expect_doc_fail("'policy': {'move_week': '300'}", "", "", PM_ERR_INVALID,
                    "policy.move_week", "number");
}

/* ------------------------------------------------------------------ */
/* numbers out of range                                               */
/* ------------------------------------------------------------------ */

static void test_location_range(void **state)
{
    (void)state;
    INVALID("{'id': 'P1', 'type': 't', 'location': {'lat': 90.5, 'lon': 1}, "
            "'capacity': 1, 'weekly_cost': 1}",
            "", "placements[0].location.lat", "range");
    INVALID("{'id': 'P1', 'type': 't', 'location': {'lat': 1, 'lon': -180.01}, "
            "'capacity': 1, 'weekly_cost': 1}",
            "", "placements[0].location.lon", "range");
    INVALID(PL(""), "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': -91, 'lon': 1}}",
            "children[0].home.lat", "range");
    INVALID(PL(""), "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': 1, 'lon': 181}}",
            "children[0].home.lon", "range");
    /* the limits themselves are allowed */
    pm_scenario *sc = expect_doc_ok(
        "", "{'id': 'P1', 'type': 't', 'location': {'lat': 90, 'lon': -180}, "
            "'capacity': 1, 'weekly_cost': 1}",
        "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': -90, 'lon': 180}}");
    pm_scenario_free(sc);
}

static void test_capacity_and_levels_range(void **state)
{
    (void)state;
    INVALID(PLB(", 'capacity': -1, 'weekly_cost': 1"), CH(""), "placements[0].capacity", "range");
    INVALID(PL(", 'sibling_only': -1"), CH(""), "placements[0].sibling_only",
            "range");
    INVALID(PL(", 'supports': {'trauma': 4}"), CH(""),
            "placements[0].supports.trauma", "range");
    INVALID(PL(", 'supports': {'trauma': -1}"), CH(""),
            "placements[0].supports.trauma", "range");
    INVALID(PL(""), CH(", 'needs': {'trauma': 0}"), "children[0].needs.trauma",
            "range");
    /* the example line of FORMAT.md, at children[12] */
    sbuf b = {0};
    for (int i = 0; i < 13; i++)
        sb_add(&b, "%s{'id': 'C%d', 'age': 9, 'sex': 'F', 'home': {'lat': 1, "
                   "'lon': 1}%s}",
               i ? ", " : "", i, i == 12 ? ", 'needs': {'trauma': 5}" : "");
    char *d = doc("", PL(""), b.s);
    pm_scenario *sc;
    pm_error err;
    assert_int_equal(load_text(d, &sc, &err), PM_ERR_INVALID);
    assert_null(sc);
    assert_string_equal(err.text, NAME ": children[12].needs.trauma: level 5 "
                                       "is out of range 1..3\n");
    free(d);
    free(b.s);
    /* capacity 0 and supports level 0 are allowed */
    sc = expect_doc_ok("", PLB(", 'capacity': 0, 'weekly_cost': 1, 'supports': {'x': 0}"), CH(""));
    assert_int_equal(sc->placements[0].capacity, 0);
    pm_scenario_free(sc);
}

static void test_age_range(void **state)
{
    (void)state;
    INVALID(PL(""), "{'id': 'C1', 'age': 26, 'sex': 'F', 'home': {'lat': 1, 'lon': 1}}",
            "children[0].age", "range");
    INVALID(PL(""), "{'id': 'C1', 'age': -1, 'sex': 'F', 'home': {'lat': 1, 'lon': 1}}",
            "children[0].age", "range");
    INVALID(PL(", 'age_min': 26"), CH(""), "placements[0].age_min", "range");
    INVALID(PL(", 'age_max': -1"), CH(""), "placements[0].age_max", "range");
    /* age_min > age_max */
    INVALID(PL(", 'age_min': 12, 'age_max': 10"), CH(""),
            "placements[0].age_max", "age_min");
    pm_scenario *sc = expect_doc_ok("", PL(", 'age_min': 10, 'age_max': 10"),
                                    "{'id': 'C1', 'age': 25, 'sex': 'F', "
                                    "'home': {'lat': 1, 'lon': 1}}");
    pm_scenario_free(sc);
}

static void test_costs_and_policy_range(void **state)
{
    (void)state;
    INVALID(PLB(", 'capacity': 1, 'weekly_cost': -0.01"), CH(""), "placements[0].weekly_cost",
            "range");
    const char *fields[] = {"far_miles", "cost_per_mile_week",
                            "far_penalty_week", "sibling_split_week",
                            "move_week", "unmatched_week"};
    for (int i = 0; i < 6; i++) {
        char extra[128], path[64];
        snprintf(extra, sizeof extra, "'policy': {'%s': -1}", fields[i]);
        snprintf(path, sizeof path, "policy.%s", fields[i]);
        expect_doc_fail(extra, PL(""), CH(""), PM_ERR_INVALID, path, "range");
    }
    expect_doc_fail("'policy': {'road_factor': 0.99}", PL(""), CH(""),
                    PM_ERR_INVALID, "policy.road_factor", "range");
    expect_doc_fail("'policy': {'road_factor': 0}", PL(""), CH(""),
                    PM_ERR_INVALID, "policy.road_factor", "range");
    /* zeros and a road factor of exactly 1 are fine */
    pm_scenario *sc = expect_doc_ok(
        "'policy': {'far_miles': 0, 'cost_per_mile_week': 0, "
        "'far_penalty_week': 0, 'sibling_split_week': 0, 'move_week': 0, "
        "'unmatched_week': 0, 'road_factor': 1}",
        PLB(", 'capacity': 1, 'weekly_cost': 0"), CH(""));
    pm_scenario_free(sc);
}

static void test_max_miles_positive(void **state)
{
    (void)state;
    INVALID(PL(""), CH(", 'max_miles': 0"), "children[0].max_miles", "");
    INVALID(PL(""), CH(", 'max_miles': -3"), "children[0].max_miles", "");
    pm_scenario *sc = expect_doc_ok("", PL(""), CH(", 'max_miles': 0.5"));
    assert_true(sc->children[0].max_miles == 0.5);
    pm_scenario_free(sc);
}

static void test_sibling_only_over_capacity(void **state)
{
    (void)state;
    INVALID(PLB(", 'capacity': 2, 'sibling_only': 3, 'weekly_cost': 1"), CH(""),
            "placements[0].sibling_only", "capacity");
    pm_scenario *sc = expect_doc_ok("", PLB(", 'capacity': 2, 'sibling_only': 2, 'weekly_cost': 1"),
                                    CH(""));
    assert_int_equal(sc->placements[0].sibling_only, 2);
    pm_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* ids, keys and references                                           */
/* ------------------------------------------------------------------ */

static void test_duplicate_ids(void **state)
{
    (void)state;
    /* FORMAT.md's example line, word for word */
    char *d = doc("",
                  "{'id': 'F001', 'type': 't', 'location': {'lat': 1, 'lon': 1}, 'capacity': 1, 'weekly_cost': 1},"
                  "{'id': 'F002', 'type': 't', 'location': {'lat': 1, 'lon': 1}, 'capacity': 1, 'weekly_cost': 1},"
                  "{'id': 'F003', 'type': 't', 'location': {'lat': 1, 'lon': 1}, 'capacity': 1, 'weekly_cost': 1},"
                  "{'id': 'F001', 'type': 't', 'location': {'lat': 1, 'lon': 1}, 'capacity': 1, 'weekly_cost': 1}",
                  CH("") "," CH(""));
    pm_scenario *sc;
    pm_error err;
    assert_int_equal(load_text(d, &sc, &err), PM_ERR_INVALID);
    assert_null(sc);
    check_lines_well_formed(&err);
    assert_int_equal(err.count, 2);
    assert_string_equal(err.text,
                        NAME ": placements[3].id: duplicate id \"F001\" (first at placements[0])\n"
                        NAME ": children[1].id: duplicate id \"C1\" (first at children[0])\n");
    free(d);
    /* a child and a placement may share an id: separate lists */
    sc = expect_doc_ok("", PL(""), "{'id': 'P1', 'age': 1, 'sex': 'F', "
                                   "'home': {'lat': 1, 'lon': 1}}");
    pm_scenario_free(sc);
}

static void test_unknown_fields(void **state)
{
    (void)state;
    expect_doc_fail("'formt': 1", "", "", PM_ERR_INVALID, "formt", "unknown");
    INVALID(PL(", 'colour': 'blue'"), CH(""), "placements[0].colour", "unknown");
    INVALID(PL(""), CH(", 'Age': 3"), "children[0].Age", "unknown");
    INVALID(PL(""), CH(", 'max_mile': 3"), "children[0].max_mile", "unknown");
    expect_doc_fail("'policy': {'far_mile': 3}", "", "", PM_ERR_INVALID,
                    "policy.far_mile", "unknown");
    INVALID(PL(""), "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': 1, "
                    "'lon': 1, 'alt': 3}}",
            "children[0].home.alt", "unknown");
    /* field names are case-sensitive */
    expect_fail("{'Format': 'placematch-scenario/1', 'placements': [], "
                "'children': []}",
                PM_ERR_INVALID, "Format", "unknown");
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    expect_fail("{'format': 'placematch-scenario/1', 'format': "
                "'placematch-scenario/1', 'placements': [], 'children': []}",
                PM_ERR_INVALID, "format", "duplicate");
    INVALID(PL(", 'capacity': 5"), CH(""), "placements[0].capacity", "duplicate");
    INVALID(PL(""), CH(", 'age': 3"), "children[0].age", "duplicate");
    INVALID(PL(""), CH(", 'needs': {'trauma': 1, 'trauma': 2}"),
            "children[0].needs.trauma", "duplicate");
    INVALID(PL(", 'supports': {'send': 1, 'send': 1}"), CH(""),
            "placements[0].supports.send", "duplicate");
    expect_doc_fail("'policy': {'move_week': 1, 'move_week': 2}", "", "",
                    PM_ERR_INVALID, "policy.move_week", "duplicate");
}

static void test_unknown_references(void **state)
{
    (void)state;
    INVALID(PL(", 'reserved_for': ['C1', 'C9']"), CH(""),
            "placements[0].reserved_for[1]", "C9");
    INVALID(PL(""), CH(", 'avoid': ['C9']") "," CH2(""),
            "children[0].avoid[0]", "C9");
    INVALID(PL(""), CH(", 'current': 'P9'"), "children[0].current", "P9");
    /* a child id is not a placement id and vice versa */
    INVALID(PL(""), CH(", 'current': 'C1'"), "children[0].current", "C1");
    INVALID(PL(""), CH(", 'avoid': ['P1']") "," CH2(""),
            "children[0].avoid[0]", "P1");
    /* references may point forwards in the list */
    pm_scenario *sc = expect_doc_ok("", PL(", 'reserved_for': ['C2']"),
                                    CH(", 'avoid': ['C2']") "," CH2(""));
    pm_scenario_free(sc);
}

static void test_stay_requires_current(void **state)
{
    (void)state;
    INVALID(PL(""), CH(", 'stay': true"), "children[0].stay", "current");
    pm_scenario *sc = expect_doc_ok("", PL(""), CH(", 'stay': false"));
    assert_false(sc->children[0].stay);
    pm_scenario_free(sc);
    sc = expect_doc_ok("", PL(""), CH(", 'current': 'P1', 'stay': true"));
    assert_true(sc->children[0].stay);
    assert_int_equal(sc->children[0].current, 0);
    pm_scenario_free(sc);
}

static void test_avoid_self(void **state)
{
    (void)state;
    INVALID(PL(""), CH(", 'avoid': ['C1']"), "children[0].avoid", "itself");
    INVALID(PL(""), CH("") "," CH2(", 'avoid': ['C1', 'C2']"),
            "children[1].avoid", "itself");
}

static void test_empty_types(void **state)
{
    (void)state;
    INVALID(PL(""), CH(", 'types': []"), "children[0].types", "empty");
    /* unknown type names are allowed ("others allowed") */
    pm_scenario *sc = expect_doc_ok("", PL(""),
                                    CH(", 'types': ['staying_put']"));
    assert_int_equal(sc->children[0].ntypes, 1);
    pm_scenario_free(sc);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* a stray continuation byte, an overlong '/', a surrogate, a truncated
       sequence, a code point above U+10FFFF */
    const char *bad[] = {"C\x80", "\xc0\xaf", "\xed\xa0\x80", "A\xe2\x82",
                         "\xf4\x90\x80\x80"};
    for (int i = 0; i < 5; i++) {
        char ch[256];
        snprintf(ch, sizeof ch, "{'id': '%s', 'age': 9, 'sex': 'F', "
                                "'home': {'lat': 1, 'lon': 1}}", bad[i]);
        INVALID(PL(""), ch, "children[0].id", "UTF-8");
    }
    INVALID(PL(""), CH(", 'sibling_group': '\xff'"), "children[0].sibling_group",
            "UTF-8");
    INVALID(PL(", 'sexes': ['\xfe']"), CH(""), "placements[0].sexes[0]", "UTF-8");
    expect_doc_fail("'name': 'Stockton\xe9'", "", "", PM_ERR_INVALID, "name",
                    "UTF-8");
    /* a need name (an object key) must be UTF-8 too */
    char *d = doc("", PL(""), CH(", 'needs': {'tr\xe9': 1}"));
    pm_scenario *sc;
    pm_error err;
    assert_int_equal(load_text(d, &sc, &err), PM_ERR_INVALID);
    assert_null(sc);
    assert_non_null(strstr(err.text, "UTF-8"));
    free(d);
    /* control characters (escaped in JSON) are refused in ids */
    INVALID(PL(""), "{'id': 'C\\u0007', 'age': 9, 'sex': 'F', "
                    "'home': {'lat': 1, 'lon': 1}}",
            "children[0].id", "control");
}

static void test_id_length(void **state)
{
    (void)state;
    char id64[65], id65[66], ch[256];
    memset(id64, 'a', 64);
    id64[64] = '\0';
    memset(id65, 'b', 65);
    id65[65] = '\0';
    snprintf(ch, sizeof ch, "{'id': '%s', 'age': 9, 'sex': 'F', "
                            "'home': {'lat': 1, 'lon': 1}}", id64);
    pm_scenario *sc = expect_doc_ok("", PL(""), ch);
    assert_int_equal(pm_scenario_find_child(sc, id64), 0);
    pm_scenario_free(sc);
    snprintf(ch, sizeof ch, "{'id': '%s', 'age': 9, 'sex': 'F', "
                            "'home': {'lat': 1, 'lon': 1}}", id65);
    INVALID(PL(""), ch, "children[0].id", "65");
    INVALID(PL(""), "{'id': '', 'age': 9, 'sex': 'F', 'home': {'lat': 1, 'lon': 1}}",
            "children[0].id", "");
    char pl[256];
    snprintf(pl, sizeof pl, "{'id': '%s', 'type': 't', 'location': {'lat': 1, "
                            "'lon': 1}, 'capacity': 1, 'weekly_cost': 1}", id65);
    INVALID(pl, CH(""), "placements[0].id", "65");
    /* need names too: 1..64 characters */
    char needs[256];
    snprintf(needs, sizeof needs, ", 'needs': {'%s': 1}", id65);
    char *c2 = malloc(512);
    snprintf(c2, 512, "{'id': 'C1', 'age': 9, 'sex': 'F', 'home': {'lat': 1, "
                      "'lon': 1}%s}", needs);
    char *d = doc("", PL(""), c2);
    pm_error err;
    assert_int_equal(load_text(d, &sc, &err), PM_ERR_INVALID);
    assert_null(sc);
    assert_non_null(strstr(err.text, "children[0].needs."));
    free(d);
    free(c2);
}

/* ------------------------------------------------------------------ */
/* many problems: one line each, all reported                         */
/* ------------------------------------------------------------------ */

static void test_many_problems_one_line_each(void **state)
{
    (void)state;
    char *d = doc("'policy': {'road_factor': 0.5, 'bogus': 1}",
                  "{'id': 'P1', 'type': 't', 'location': {'lat': 99, 'lon': 1}, "
                  "'capacity': 2, 'sibling_only': 3, 'weekly_cost': -5},"
                  "{'id': 'P1', 'type': 't', 'location': {'lat': 1, 'lon': 1}, "
                  "'capacity': 1, 'weekly_cost': 1, 'reserved_for': ['nobody']}",
                  "{'id': 'C1', 'age': 30, 'sex': 'F', 'home': {'lat': 1, 'lon': 1},"
                  " 'needs': {'trauma': 5}, 'stay': true, 'types': []},"
                  "{'id': 'C2', 'sex': 'M', 'home': {'lat': 1, 'lon': 1},"
                  " 'avoid': ['C2'], 'current': 'P7', 'max_miles': 0}");
    pm_scenario *sc;
    pm_error err;
    assert_int_equal(load_text(d, &sc, &err), PM_ERR_INVALID);
    assert_null(sc);
    check_lines_well_formed(&err);
    static const char *const expected[][2] = {
        {"policy.road_factor", "range"},
        {"policy.bogus", "unknown"},
        {"placements[0].location.lat", "range"},
        {"placements[0].sibling_only", "capacity"},
        {"placements[0].weekly_cost", "range"},
        {"placements[1].id", "duplicate"},
        {"placements[1].reserved_for[0]", "nobody"},
        {"children[0].age", "range"},
        {"children[0].needs.trauma", "range"},
        {"children[0].stay", "current"},
        {"children[0].types", "empty"},
        {"children[1].age", "missing"},
        {"children[1].avoid", "itself"},
        {"children[1].current", "P7"},
        {"children[1].max_miles", ""},
    };
    int n = (int)(sizeof expected / sizeof expected[0]);
    for (int i = 0; i < n; i++)
        expect_line(&err, expected[i][0], expected[i][1]);
    if (err.count != n)
        fail_msg("%d problems reported, expected %d:\n%s", err.count, n, err.text);
    free(d);
}

/* More problems than fit in pm_error's text: the count is exact and the
 * last line says how many lines were left out. */
static void test_many_problems_overflow(void **state)
{
    (void)state;
    int n = 600;
    sbuf b = {0};
    for (int i = 0; i < n; i++)
        sb_add(&b, "%s{'id': 'C%d', 'age': 99, 'sex': 'F', 'home': {'lat': 1, "
                   "'lon': 1}}",
               i ? ", " : "", i);
    char *d = doc("", PL(""), b.s);
    pm_scenario *sc;
    pm_error err;
    assert_int_equal(load_text(d, &sc, &err), PM_ERR_INVALID);
    assert_null(sc);
    assert_int_equal(err.count, n);
    assert_true(strlen(err.text) < PM_ERROR_TEXT_MAX);
    int shown = 0;
    const char *last = err.text;
    for (const char *s = err.text; *s; s++)
        if (*s == '\n') {
            if (s[1])
                last = s + 1;
            shown++;
        }
    int more = -1;
    if (sscanf(last, "... and %d more problems", &more) != 1)
        fail_msg("last line is not '... and N more problems': %s", last);
    assert_int_equal(shown - 1 + more, n);
    expect_line(&err, "children[0].age", "range");
    free(d);
    free(b.s);
}

/* The overflow line stays last even when a short line would still fit
 * after a long one did not. */
static void test_error_overflow_line_stays_last(void **state)
{
    (void)state;
    pm_error err;
    pm_error_clear(&err);
    char longmsg[900];
    memset(longmsg, 'x', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    int total = 0;
    for (int i = 0; i < 12; i++, total++)
        pm_err_add(&err, PM_ERR_INVALID, NAME, "p", "%s", longmsg);
    for (int i = 0; i < 3; i++, total++)
        pm_err_add(&err, PM_ERR_INVALID, NAME, "q", "short");
    assert_int_equal(err.count, total);
    size_t len = strlen(err.text);
    assert_true(len > 0 && err.text[len - 1] == '\n');
    const char *last = err.text + len - 1;
    while (last > err.text && last[-1] != '\n')
        last--;
    int more = -1, shown = 0;
    for (const char *s = err.text; *s; s++)
        shown += *s == '\n';
    if (sscanf(last, "... and %d more problems", &more) != 1)
        fail_msg("the overflow line is not last; the text ends:\n%s",
                 err.text + (len > 300 ? len - 300 : 0));
    assert_int_equal(shown - 1 + more, total);
    /* exactly one overflow line */
    const char *first = strstr(err.text, "... and ");
    assert_ptr_equal(first, last);
}

static void test_error_basics(void **state)
{
    (void)state;
    pm_error err;
    memset(&err, 0x5a, sizeof err);
    pm_error_clear(&err);
    assert_int_equal(err.status, PM_OK);
    assert_int_equal(err.count, 0);
    assert_string_equal(err.text, "");
    pm_error_clear(NULL);
    /* the first problem's status is kept */
    pm_err_add(&err, PM_ERR_LIMIT, "f", "a.b", "m%d", 1);
    pm_err_add(&err, PM_ERR_INVALID, "f", NULL, "m2");
    pm_err_add(&err, PM_ERR_INVALID, NULL, NULL, "m3");
    assert_int_equal(err.status, PM_ERR_LIMIT);
    assert_int_equal(err.count, 3);
    assert_string_equal(err.text, "f: a.b: m1\nf: m2\nm3\n");
    assert_int_equal(pm_err_add(NULL, PM_ERR_IO, "f", "p", "x"), PM_ERR_IO);
    /* every status has its own text */
    for (int i = 0; i < PM_STATUS_COUNT; i++) {
        const char *s = pm_strerror((pm_status)i);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(s, pm_strerror((pm_status)j));
    }
    assert_string_equal(pm_strerror(PM_STATUS_COUNT), "unknown status");
    assert_string_equal(pm_strerror((pm_status)-1), "unknown status");
}

/* ------------------------------------------------------------------ */
/* files and arguments                                                */
/* ------------------------------------------------------------------ */

static void test_load_file(void **state)
{
    (void)state;
    char dir[] = "scenario_tmp_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/good.json", dir);
    char *d = doc("'name': 'From file'", PL(""), CH(""));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(d, f);
    fclose(f);
    free(d);
    pm_scenario *sc = (pm_scenario *)(uintptr_t)1;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_scenario_load_file(path, &sc, &err), PM_OK);
    assert_non_null(sc);
    assert_string_equal(pm_scenario_name(sc), "From file");
    pm_scenario_free(sc);

    /* problems name the file as given */
    char bad[256];
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    d = doc("", PLB(", 'capacity': -1, 'weekly_cost': 1"), CH(""));
    f = fopen(bad, "w");
    assert_non_null(f);
    fputs(d, f);
    fclose(f);
    free(d);
    pm_error_clear(&err);
    sc = (pm_scenario *)(uintptr_t)1;
    assert_int_equal(pm_scenario_load_file(bad, &sc, &err), PM_ERR_INVALID);
    assert_null(sc);
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s: placements[0].capacity: ", bad);
    assert_true(strncmp(err.text, prefix, strlen(prefix)) == 0);

    /* a missing file: PM_ERR_IO naming it */
    char missing[256];
    snprintf(missing, sizeof missing, "%s/missing.json", dir);
    pm_error_clear(&err);
    sc = (pm_scenario *)(uintptr_t)1;
    assert_int_equal(pm_scenario_load_file(missing, &sc, &err), PM_ERR_IO);
    assert_null(sc);
    assert_int_equal(err.status, PM_ERR_IO);
    assert_int_equal(err.count, 1);
    assert_true(strncmp(err.text, missing, strlen(missing)) == 0);
    /* a directory is not a scenario either */
    pm_error_clear(&err);
    sc = (pm_scenario *)(uintptr_t)1;
    assert_int_not_equal(pm_scenario_load_file(dir, &sc, &err), PM_OK);
    assert_null(sc);
    assert_true(err.count >= 1);
    remove(path);
    remove(bad);
    rmdir(dir);
}

static void test_null_arguments(void **state)
{
    (void)state;
    pm_error err;
    pm_scenario *sc;
    const char *ok = "{}";
    pm_error_clear(&err);
    assert_int_equal(pm_scenario_load_buffer(ok, 2, NAME, NULL, &err),
                     PM_ERR_ARG);
    assert_int_equal(err.status, PM_ERR_ARG);
    assert_int_equal(err.count, 1);
    pm_error_clear(&err);
    assert_int_equal(pm_scenario_load_file(NULL, &sc, &err), PM_ERR_ARG);
    assert_int_equal(err.count, 1);
    pm_error_clear(&err);
    assert_int_equal(pm_scenario_load_file("x.json", NULL, &err), PM_ERR_ARG);
    /* a NULL pm_error is allowed: the status still comes back */
    sc = (pm_scenario *)(uintptr_t)1;
    assert_int_equal(pm_scenario_load_buffer("[", 1, NAME, &sc, NULL),
                     PM_ERR_PARSE);
    assert_null(sc);
    char *d = doc("", PLB(", 'capacity': -1, 'weekly_cost': 1"), CH(""));
    sc = (pm_scenario *)(uintptr_t)1;
    assert_int_equal(pm_scenario_load_buffer(d, strlen(d), NAME, &sc, NULL),
                     PM_ERR_INVALID);
    assert_null(sc);
    /* no name: messages still have a file part */
    pm_error_clear(&err);
    assert_int_equal(pm_scenario_load_buffer(d, strlen(d), NULL, &sc, &err),
                     PM_ERR_INVALID);
    assert_true(strncmp(err.text, "(buffer): placements[0].capacity: ", 34) == 0);
    free(d);
    /* the buffer need not be NUL-terminated */
    char *good = doc("", PL(""), CH(""));
    size_t len = strlen(good);
    char *copy = malloc(len);
    memcpy(copy, good, len);
    assert_int_equal(pm_scenario_load_buffer(copy, len, NAME, &sc, &err), PM_OK);
    pm_scenario_free(sc);
    free(copy);
    free(good);
}

/* On failure *out is NULL, whatever it held: also for NULL data and a
 * NULL path (the header's contract). */
static void test_out_null_on_argument_errors(void **state)
{
    (void)state;
    pm_error err;
    pm_error_clear(&err);
    pm_scenario *sc = (pm_scenario *)(uintptr_t)1;
    assert_int_equal(pm_scenario_load_buffer(NULL, 5, NAME, &sc, &err),
                     PM_ERR_ARG);
    assert_null(sc);
    pm_error_clear(&err);
    sc = (pm_scenario *)(uintptr_t)1;
    assert_int_equal(pm_scenario_load_file(NULL, &sc, &err), PM_ERR_ARG);
    assert_null(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_and_accessors),
        cmocka_unit_test(test_empty_lists_and_no_name),
        cmocka_unit_test(test_policy_defaults),
        cmocka_unit_test(test_every_field),
        cmocka_unit_test(test_meta_allows_anything),
        cmocka_unit_test(test_utf8_accepted),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_escaped_nul),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_list_limit),
        cmocka_unit_test(test_format_string),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_location_range),
        cmocka_unit_test(test_capacity_and_levels_range),
        cmocka_unit_test(test_age_range),
        cmocka_unit_test(test_costs_and_policy_range),
        cmocka_unit_test(test_max_miles_positive),
        cmocka_unit_test(test_sibling_only_over_capacity),
        cmocka_unit_test(test_duplicate_ids),
        cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_unknown_references),
        cmocka_unit_test(test_stay_requires_current),
        cmocka_unit_test(test_avoid_self),
        cmocka_unit_test(test_empty_types),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_id_length),
        cmocka_unit_test(test_many_problems_one_line_each),
        cmocka_unit_test(test_many_problems_overflow),
        cmocka_unit_test(test_error_overflow_line_stays_last),
        cmocka_unit_test(test_error_basics),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_out_null_on_argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

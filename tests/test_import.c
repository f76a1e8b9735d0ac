/*
 * test_import: CSV import (include/placematch/import.h, docs/IMPORT.md).
 *
 * Covers: the bundled example imports, loads and solves to the optimum
 * worked out by hand in docs/MODEL-PLAIN.md; every column converts as
 * documented (lists, name:level pairs, booleans, numbers, empty cells,
 * meta.* columns, quoting); round trips: generated scenarios written out as
 * CSV come back identical; every kind of problem is reported once, naming
 * file, row and column, including the format's own rules found by the
 * loader; cell contents never appear in messages; CSV syntax errors, BOM,
 * CRLF and blank lines; the policy file; options; the row limit; random
 * corruption never crashes and never gives a scenario that does not load;
 * and the `placematch import` command (exit codes, nothing half-written).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvimport.h"
#include "placematch/import.h"
#include "placematch/placematch.h"

#define EXAMPLE_OBJECTIVE 12520.0 /* docs/MODEL-PLAIN.md, by hand */

static const char *const KIDS_HEAD = "id,age,sex,home_lat,home_lon\n";
static const char *const HOMES =
    "id,type,lat,lon,capacity,weekly_cost\n"
    "F1,in_house_foster,54.5,-1.3,2,300\n";

/* ------------------------------------------------------------------ */
/* helpers                                                            */
/* ------------------------------------------------------------------ */

static pm_import_source src(const char *name, const char *text)
{
    pm_import_source s = {name, text, text ? strlen(text) : 0};
    return s;
}

/* Imports children/placements text (and a policy, or NULL). */
static pm_status import(const char *kids, const char *homes,
                        const char *policy, const pm_import_options *o,
                        char **json, pm_error *err)
{
    pm_import_source k = src("kids.csv", kids), h = src("homes.csv", homes);
    pm_import_source p = src("policy.json", policy);
    pm_error_clear(err);
    return pm_import_csv(&k, &h, policy ? &p : NULL, o, json, err);
}

static char *import_ok(const char *kids, const char *homes, const char *policy)
{
    pm_error err;
    char *json = NULL;
    pm_status st = import(kids, homes, policy, NULL, &json, &err);
    if (st != PM_OK)
        fail_msg("import failed: %s", err.text);
    pm_scenario *sc = NULL;
    assert_int_equal(pm_scenario_load_buffer(json, strlen(json), "t", &sc, &err),
                     PM_OK);
    pm_scenario_free(sc);
    return json;
}

/* The import fails with status st and its problems are exactly `lines`
 * (newline-terminated, in order). */
static void expect_problems(const char *kids, const char *homes,
                            const char *policy, pm_status st, const char *lines)
{
    pm_error err;
    char *json = (char *)1;
    pm_status got = import(kids, homes, policy, NULL, &json, &err);
    if (got != st || strcmp(err.text, lines) != 0)
        fail_msg("status %d (want %d); got:\n%swant:\n%s", got, st, err.text,
                 lines);
    assert_null(json);
}

static char *kids_csv(const char *header, const char *rows)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s%s", header, rows);
    return buf;
}

static const cJSON *record(const cJSON *doc, const char *list, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, list), i);
}


static void source_path(const char *rel, char *out, size_t size)
{
    const char *dir = getenv("PM_SOURCE_DIR");
    if (snprintf(out, size, "%s/%s", dir ? dir : "..", rel) >= (int)size)
        fail_msg("path too long");
}

/* ------------------------------------------------------------------ */
/* the example                                                        */
/* ------------------------------------------------------------------ */

static void example_paths(char *k, char *p, char *pol, size_t size)
{
    source_path("examples/import/children.csv", k, size);
    source_path("examples/import/placements.csv", p, size);
    source_path("examples/import/policy.json", pol, size);
}

static void test_example_solves_to_hand_optimum(void **state)
{
    (void)state;
    char k[PATH_MAX], p[PATH_MAX], pol[PATH_MAX];
    example_paths(k, p, pol, sizeof k);
    pm_import_options o;
    pm_import_options_init(&o);
    o.name = "Worked example";
    pm_error err;
    pm_error_clear(&err);
    char *json = NULL, *again = NULL;
    if (pm_import_csv_files(k, p, pol, &o, &json, &err) != PM_OK)
        fail_msg("%s", err.text);
    assert_int_equal(pm_import_csv_files(k, p, pol, &o, &again, &err), PM_OK);
    assert_string_equal(json, again); /* deterministic */
    pm_scenario *sc = NULL;
    assert_int_equal(pm_scenario_load_buffer(json, strlen(json), "x", &sc, &err),
                     PM_OK);
    assert_int_equal(pm_scenario_num_children(sc), 6);
    assert_int_equal(pm_scenario_num_placements(sc), 4);
    assert_string_equal(pm_scenario_name(sc), "Worked example");
    pm_result *res = NULL;
    assert_int_equal(pm_solve(sc, NULL, &res, &err), PM_OK);
    assert_int_equal(pm_result_status(res), PM_SOL_OPTIMAL);
    assert_true(fabs(pm_result_objective(res) - EXAMPLE_OBJECTIVE) < 1e-6);
    const char *want[] = {"F1", "F1", "R1", "F2", "I1", NULL}; /* C1..C6 */
    for (int c = 0; c < 6; c++) {
        int at = pm_result_assignment(res, c);
        if (!want[c])
            assert_int_equal(at, -1);
        else
            assert_string_equal(pm_scenario_placement_id(sc, at), want[c]);
    }
    pm_totals t;
    pm_result_totals(res, &t);
    assert_true(fabs(t.weekly_cost - 12270) < 1e-6);
    pm_result_free(res);
    pm_scenario_free(sc);
    cJSON *doc = cJSON_Parse(json);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "meta");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(meta, "children_csv")->valuestring,
                        "children.csv");
    const cJSON *c1 = record(doc, "children", 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(
                            cJSON_GetObjectItemCaseSensitive(c1, "meta"), "team")
                            ->valuestring,
                        "North");
    cJSON_Delete(doc);
    pm_free(json);
    pm_free(again);
}

/* ------------------------------------------------------------------ */
/* conversions                                                        */
/* ------------------------------------------------------------------ */

static void test_cells_convert(void **state)
{
    (void)state;
    const char *kids =
        "id,age,sex,home_lat,home_lon,needs,sibling_group,types,max_miles,"
        "current,stay,avoid,meta.note\n"
        "C1, 7 ,F,54.5,-1.30,\"trauma:2; send : 1;\",G1,ifa_foster;in_house_foster,"
        "1e1,F1,Yes,C2,\"a, \"\"quoted\"\" note\"\n"
        "C2,9,M,5.45e1,-1.3,,,;,,,,,\n";
    const char *homes =
        "ID,Type,name,provider,lat,lon,capacity,sibling_only,age_min,age_max,"
        "sexes,supports,weekly_cost,reserved_for\n"
        "F1,in_house_foster,\"Home, one\",council,54.5,-1.3,2,0,0,17,F;M,"
        "trauma:3;send:0,298.5,C1;C2\n";
    char *json = import_ok(kids, homes, NULL);
    cJSON *doc = cJSON_Parse(json);
    const cJSON *c1 = record(doc, "children", 0), *c2 = record(doc, "children", 1);
    const cJSON *f1 = record(doc, "placements", 0);
    char *s1 = cJSON_PrintUnformatted(c1), *s2 = cJSON_PrintUnformatted(c2);
    char *s3 = cJSON_PrintUnformatted(f1);
    assert_string_equal(s1,
        "{\"id\":\"C1\",\"age\":7,\"sex\":\"F\",\"home\":{\"lat\":54.5,\"lon\":-1.3},"
        "\"needs\":{\"trauma\":2,\"send\":1},\"sibling_group\":\"G1\","
        "\"types\":[\"ifa_foster\",\"in_house_foster\"],\"max_miles\":10,"
        "\"current\":\"F1\",\"stay\":true,\"avoid\":[\"C2\"],"
        "\"meta\":{\"note\":\"a, \\\"quoted\\\" note\"}}");
    /* empty cells, and a list of nothing but separators, are "not set" */
    assert_string_equal(s2, "{\"id\":\"C2\",\"age\":9,\"sex\":\"M\","
                            "\"home\":{\"lat\":54.5,\"lon\":-1.3}}");
    assert_string_equal(s3,
        "{\"id\":\"F1\",\"name\":\"Home, one\",\"type\":\"in_house_foster\","
        "\"provider\":\"council\",\"location\":{\"lat\":54.5,\"lon\":-1.3},"
        "\"capacity\":2,\"sibling_only\":0,\"age_min\":0,\"age_max\":17,"
        "\"sexes\":[\"F\",\"M\"],\"supports\":{\"trauma\":3,\"send\":0},"
        "\"weekly_cost\":298.5,\"reserved_for\":[\"C1\",\"C2\"]}");
    /* no policy given: none written (the loader's defaults apply) */
    assert_null(cJSON_GetObjectItemCaseSensitive(doc, "policy"));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(doc, "name")->valuestring,
                        "Imported scenario");
    cJSON_free(s1);
    cJSON_free(s2);
    cJSON_free(s3);
    cJSON_Delete(doc);
    pm_free(json);
}

static void test_booleans_and_numbers(void **state)
{
    (void)state;
    const char *kids =
        "id,age,sex,home_lat,home_lon,current,stay\n"
        "A,1,F,0.1,0.2,F1,n\nB,1,F,1E-1,+0.2,F1,TRUE\nC,1,F,-0,0.30000000000000004,F1,0\n";
    char *json = import_ok(kids, HOMES, NULL);
    cJSON *doc = cJSON_Parse(json);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(record(doc, "children", 0), "stay")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(record(doc, "children", 1), "stay")));
    /* numbers read back exactly as the text says */
    const cJSON *home = cJSON_GetObjectItem(record(doc, "children", 2), "home");
    assert_true(cJSON_GetObjectItem(home, "lon")->valuedouble == 0.30000000000000004);
    assert_non_null(strstr(json, "0.30000000000000004"));
    cJSON_Delete(doc);
    pm_free(json);
}

static void test_semicolon_delimiter(void **state)
{
    (void)state;
    pm_import_options o;
    pm_import_options_init(&o);
    o.delimiter = ';';
    o.list_separator = '|';
    pm_import_source k = src("k.csv", "id;age;sex;home_lat;home_lon;types\n"
                                      "C1;4;F;1;1;a|b\n");
    pm_import_source h = src("h.csv", "id;type;lat;lon;capacity;weekly_cost\n"
                                      "P;a;1;1;1;1\n");
    char *json = NULL;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_import_csv(&k, &h, NULL, &o, &json, &err), PM_OK);
    assert_non_null(strstr(json, "\"types\": [\"a\", \"b\"]"));
    pm_free(json);
    o.list_separator = ';';
    assert_int_equal(pm_import_csv(&k, &h, NULL, &o, &json, &err), PM_ERR_ARG);
    assert_null(json);
    o.delimiter = '"';
    o.list_separator = ',';
    assert_int_equal(pm_import_csv(&k, &h, NULL, &o, &json, &err), PM_ERR_ARG);
}

static void test_bom_crlf_blank_lines(void **state)
{
    (void)state;
    /* the bad age is on line 6 of the file: blank lines, and rows of
       empty cells, are skipped but counted */
    expect_problems("\xef\xbb\xbfid,age,sex,home_lat,home_lon\r\n\r\n"
                    "C1,4,F,1,1\r\n   \r\n,,,,\r\nC2,40,F,1,1\r\n,,,,\r\n",
                    HOMES, NULL, PM_ERR_INVALID,
                    "kids.csv: row 6, column B (age): 40 is out of range 0..25\n");
    /* a quoted cell over two lines: the row is where it begins */
    expect_problems("id,age,sex,home_lat,home_lon,meta.note\n"
                    "C1,4,F,1,1,\"two\nlines\"\nC2,x,F,1,1,\n",
                    HOMES, NULL, PM_ERR_INVALID,
                    "kids.csv: row 4, column B (age): not a whole number\n");
}

/* ------------------------------------------------------------------ */
/* problems                                                           */
/* ------------------------------------------------------------------ */

static void test_cell_problems(void **state)
{
    (void)state;
    expect_problems(
        kids_csv("id,age,sex,home_lat,home_lon,needs,stay,max_miles\n",
                 "C1,7.5,F,1,1,,,\n"
                 "C2,7,F,1,1,trauma,,\n"
                 "C3,7,F,1,1,:2,,\n"
                 "C4,7,F,1,1,a:b:2,,\n"
                 "C5,7,F,1,1,,maybe,\n"
                 "C6,7,F,0x10,1,,,\n"
                 "C7,7,F,1,1,,,12 miles\n"
                 "C8,7,F,1,inf,,,\n"
                 "C9,99999999999999999999,F,1,1,,,\n"),
        HOMES, NULL, PM_ERR_INVALID,
        "kids.csv: row 2, column B (age): not a whole number\n"
        "kids.csv: row 3, column F (needs): item 1 is not name:level, e.g. trauma:2\n"
        "kids.csv: row 4, column F (needs): item 1 is not name:level, e.g. trauma:2\n"
        "kids.csv: row 5, column F (needs): item 1: a need's name cannot contain ':'\n"
        "kids.csv: row 6, column G (stay): not true or false (also: yes/no, y/n, 1/0)\n"
        "kids.csv: row 7, column D (home_lat): not a number (write digits with an "
        "optional '.' decimal point: no currency sign, unit or thousands separator)\n"
        "kids.csv: row 8, column H (max_miles): not a number (write digits with an "
        "optional '.' decimal point: no currency sign, unit or thousands separator)\n"
        "kids.csv: row 9, column E (home_lon): not a number (write digits with an "
        "optional '.' decimal point: no currency sign, unit or thousands separator)\n"
        "kids.csv: row 10, column B (age): not a whole number\n");
}

/* The format's rules, found by the loader, reported at the cell. */
static void test_format_rules_at_cells(void **state)
{
    (void)state;
    expect_problems(
        kids_csv("id,age,sex,home_lat,home_lon,needs,avoid,current,stay,types\n",
                 "C1,7,F,1,1,trauma:5,C9,,,\n"
                 "C1,30,F,91,,,,P9,,\n"
                 "C3,7,F,1,1,,C3,,yes,\n"),
        "id,type,lat,lon,capacity,weekly_cost,sibling_only,age_min,age_max\n"
        "F1,t,1,1,2,300,3,,\n"
        "F1,t,1,1,1,-5,,12,10\n",
        NULL, PM_ERR_INVALID,
        "homes.csv: row 3, column A (id): duplicate id \"F1\" (first at row 2)\n"
        "kids.csv: row 3, column A (id): duplicate id \"C1\" (first at row 2)\n"
        "homes.csv: row 2, column G (sibling_only): 3 is more than capacity 2\n"
        "homes.csv: row 3, column I (age_max): age_max 10 is below age_min 12\n"
        "homes.csv: row 3, column F (weekly_cost): -5 is out of range 0..1e+09\n"
        "kids.csv: row 2, column F (needs): trauma: level 5 is out of range 1..3\n"
        "kids.csv: row 2, column G (avoid): item 1: unknown child id \"C9\"\n"
        "kids.csv: row 3, column B (age): 30 is out of range 0..25\n"
        "kids.csv: row 3, column D (home_lat): 91 is out of range -90..90\n"
        "kids.csv: row 3, column E (home_lon): empty, but a value is required\n"
        "kids.csv: row 3, column H (current): unknown placement id \"P9\"\n"
        "kids.csv: row 4, column I (stay): stay is true but current is not set\n"
        "kids.csv: row 4, column G (avoid): a child cannot avoid itself\n");
}

static void test_header_problems(void **state)
{
    (void)state;
    expect_problems("id,age,sex,home_lat,home_lon,dob,Age\nC1,1,F,1,1,x,1\n",
                    "id,type,lat\n", NULL, PM_ERR_INVALID,
                    "kids.csv: row 1: column F: unknown column \"dob\" (known: id, "
                    "age, sex, home_lat, home_lon, needs, sibling_group, types, "
                    "max_miles, current, stay, avoid; or name it meta.dob to carry "
                    "it into the record's meta)\n"
                    "kids.csv: row 1: column G: \"Age\" appears twice\n"
                    "homes.csv: row 1: required column \"lon\" is missing\n"
                    "homes.csv: row 1: required column \"capacity\" is missing\n"
                    "homes.csv: row 1: required column \"weekly_cost\" is missing\n");
    expect_problems("", HOMES, NULL, PM_ERR_INVALID,
                    "kids.csv: row 1: no header row (the file is empty)\n");
}

static void test_csv_syntax(void **state)
{
    (void)state;
    expect_problems("id,age,sex,home_lat,home_lon\nC1,1,\"F,1,1\n", HOMES, NULL,
                    PM_ERR_PARSE,
                    "kids.csv: row 2: malformed CSV: a quoted cell is never closed\n");
    expect_problems("id,age,sex,home_lat,home_lon\nC1,1,F\"x\",1,1\n", HOMES, NULL,
                    PM_ERR_PARSE,
                    "kids.csv: row 2: malformed CSV: a quote inside an unquoted "
                    "cell, or text after a closing quote (quote the whole cell and "
                    "double any quote in it)\n");
    expect_problems("id,age,sex,home_lat,home_lon\nC1,1,F,1\nC2,1,F,1,1,1\n", HOMES,
                    NULL, PM_ERR_INVALID,
                    "kids.csv: row 2: 4 cells, but the header has 5 columns\n"
                    "kids.csv: row 3: 6 cells, but the header has 5 columns\n");
    expect_problems("id,age,sex,home_lat,home_lon\nC1,1,\xe9,1,1\n", HOMES, NULL,
                    PM_ERR_INVALID,
                    "kids.csv: row 2: column C (sex): not valid UTF-8 (export the "
                    "file as \"CSV UTF-8\")\n");
    /* a NUL byte inside a cell */
    static const char nul[] = "id,age,sex,home_lat,home_lon\nC1,1,F\0X,1,1\n";
    pm_import_source k = {"kids.csv", nul, sizeof nul - 1};
    pm_import_source h = src("homes.csv", HOMES);
    char *json = NULL;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_import_csv(&k, &h, NULL, NULL, &json, &err), PM_ERR_INVALID);
    assert_string_equal(err.text, "kids.csv: row 2: column C (sex): a NUL or "
                                  "control character\n");
}

/* A shifted row can put anything in any column: messages never quote a
 * cell (ids excepted, as the format's own messages do). */
static void test_no_cell_contents_in_messages(void **state)
{
    (void)state;
    pm_error err;
    char *json = NULL;
    import("id,age,sex,home_lat,home_lon,max_miles\n"
           "C1,Zebedee Smithson,F,2001-04-05,Hillcrest Primary,SECRET\n",
           HOMES, NULL, NULL, &json, &err);
    assert_null(json);
    assert_null(strstr(err.text, "Zebedee"));
    assert_null(strstr(err.text, "2001"));
    assert_null(strstr(err.text, "Hillcrest"));
    assert_null(strstr(err.text, "SECRET"));
    assert_int_equal(err.count, 4);
}

static void test_policy(void **state)
{
    (void)state;
    const char *kids = "id,age,sex,home_lat,home_lon\nC1,4,F,1,1\n";
    char *json = import_ok(kids, HOMES, "{\"unmatched_week\": 6000, \"road_factor\": 1.25}");
    assert_non_null(strstr(json, "\"policy\": {\n    \"unmatched_week\": 6000,\n"
                                 "    \"road_factor\": 1.25\n  }"));
    assert_non_null(strstr(json, "\"policy_json\": \"policy.json\""));
    pm_free(json);
    expect_problems(kids, HOMES, "{\"far_miles\": -1, \"bogus\": 2}", PM_ERR_INVALID,
                    "policy.json: bogus: unknown field\n"
                    "policy.json: far_miles: -1 is out of range 0..25000\n");
    expect_problems(kids, HOMES, "[1]", PM_ERR_INVALID,
                    "policy.json: expected a JSON object of policy fields, e.g. "
                    "{\"far_miles\": 20}\n");
    expect_problems(kids, HOMES, "{\"far_miles\": }", PM_ERR_PARSE,
                    "policy.json: line 1, column 15: malformed JSON\n");
    /* policy and row problems in one run */
    expect_problems("id,age,sex,home_lat,home_lon\nC1,x,F,1,1\n", HOMES,
                    "{\"move_week\": \"300\"}", PM_ERR_INVALID,
                    "policy.json: move_week: expected a finite number\n"
                    "kids.csv: row 2, column B (age): not a whole number\n");
}

static void test_arguments(void **state)
{
    (void)state;
    pm_import_source k = src("k", KIDS_HEAD), h = src("h", HOMES);
    char *json = (char *)1;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_import_csv(NULL, &h, NULL, NULL, &json, &err), PM_ERR_ARG);
    assert_null(json);
    assert_int_equal(pm_import_csv(&k, &h, NULL, NULL, NULL, &err), PM_ERR_ARG);
    /* a NULL error struct is allowed */
    pm_import_source bad = src("k", "id\n");
    assert_int_equal(pm_import_csv(&bad, &h, NULL, NULL, &json, NULL), PM_ERR_INVALID);
    pm_import_options o;
    pm_import_options_init(&o);
    o.name = "";
    assert_int_equal(pm_import_csv(&k, &h, NULL, &o, &json, &err), PM_ERR_ARG);
    pm_error_clear(&err);
    assert_int_equal(pm_import_csv_files("/nonexistent/k.csv", "/nonexistent/h.csv",
                                         NULL, NULL, &json, &err), PM_ERR_IO);
    assert_non_null(strstr(err.text, "/nonexistent/k.csv: cannot open"));
    /* a header and no rows: an empty scenario, which loads */
    char *empty = import_ok(KIDS_HEAD, "id,type,lat,lon,capacity,weekly_cost\n", NULL);
    pm_free(empty);
}

static void test_row_limit_and_letters(void **state)
{
    (void)state;
    pm_csv_table t;
    pm_error err;
    pm_error_clear(&err);
    const char *text = "a,b\n1,2\n3,4\n5,6\n";
    assert_int_equal(pm_csv_read("t.csv", text, strlen(text), ',', 2, &t, &err),
                     PM_ERR_LIMIT);
    assert_string_equal(err.text, "t.csv: row 4: more than 2 rows, the most a "
                                  "scenario may hold\n");
    pm_csv_free(&t);
    pm_error_clear(&err);
    assert_int_equal(pm_csv_read("t.csv", text, strlen(text), ',', 3, &t, &err), PM_OK);
    assert_int_equal(t.nrows, 3);
    assert_int_equal(t.row[2], 4);
    assert_string_equal(t.cell[5], "6");
    pm_csv_free(&t);
    /* too many columns */
    char *wide = malloc(1002 * 2 + 1);
    for (int i = 0; i < 1002; i++)
        memcpy(wide + 2 * i, i == 1001 ? "a\n" : "a,", 2);
    wide[2004] = '\0';
    pm_error_clear(&err);
    assert_int_equal(pm_csv_read("w.csv", wide, strlen(wide), ',', 3, &t, &err),
                     PM_ERR_LIMIT);
    assert_string_equal(err.text, "w.csv: row 1: 1002 columns, more than the "
                                  "limit of 1000\n");
    pm_csv_free(&t);
    free(wide);
    char col[16];
    const int idx[] = {0, 25, 26, 51, 701, 702};
    const char *want[] = {"A", "Z", "AA", "AZ", "ZZ", "AAA"};
    for (int i = 0; i < 6; i++) {
        pm_csv_column_letter(idx[i], col, sizeof col);
        assert_string_equal(col, want[i]);
    }
}

/* ------------------------------------------------------------------ */
/* round trip: scenario -> CSV -> import -> the same records          */
/* ------------------------------------------------------------------ */

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

static void sb_add(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0,
                          fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
}

/* One cell from a JSON value: lists joined by ';', maps as name:level. */
static void add_cell(strbuf *b, const cJSON *v)
{
    if (!v)
        return;
    if (cJSON_IsString(v))
        sb_add(b, "\"%s\"", v->valuestring);
    else if (cJSON_IsBool(v))
        sb_add(b, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNumber(v))
        sb_add(b, "%.17g", v->valuedouble);
    else
        for (const cJSON *it = v->child; it; it = it->next) {
            if (cJSON_IsObject(v))
                sb_add(b, "%s%s:%d", it == v->child ? "" : ";", it->string,
                       it->valueint);
            else
                sb_add(b, "%s%s", it == v->child ? "" : ";", it->valuestring);
        }
}

static char *to_csv(const cJSON *arr, const char *const *cols)
{
    strbuf b = {0};
    for (int c = 0; cols[c]; c++)
        sb_add(&b, "%s%s", c ? "," : "", cols[c]);
    sb_add(&b, "\r\n");
    for (const cJSON *r = arr->child; r; r = r->next) {
        for (int c = 0; cols[c]; c++) {
            const char *col = cols[c], *sub = strchr(col, '_');
            const cJSON *v = NULL;
            if (!strcmp(col, "lat") || !strcmp(col, "lon"))
                v = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "location"), col);
            else if (!strncmp(col, "home_", 5))
                v = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "home"), sub + 1);
            else
                v = cJSON_GetObjectItemCaseSensitive(r, col);
            if (c)
                sb_add(&b, ",");
            add_cell(&b, v);
        }
        sb_add(&b, "\r\n");
    }
    return b.s;
}

/* {} and [] say what an empty cell says: nothing.  Drop them from the
 * original before comparing. */
static void drop_empty(cJSON *arr)
{
    for (cJSON *r = arr ? arr->child : NULL; r; r = r->next)
        for (cJSON *f = r->child, *next; f; f = next) {
            next = f->next;
            if ((cJSON_IsObject(f) || cJSON_IsArray(f)) && !f->child)
                cJSON_Delete(cJSON_DetachItemViaPointer(r, f));
        }
}

static void round_trip(const char *profile, int children, unsigned seed)
{
    static const char *const kcols[] = {
        "id", "age", "sex", "home_lat", "home_lon", "needs", "sibling_group",
        "types", "max_miles", "current", "stay", "avoid", NULL};
    static const char *const pcols[] = {
        "id", "name", "type", "provider", "lat", "lon", "capacity",
        "sibling_only", "age_min", "age_max", "sexes", "supports",
        "weekly_cost", "reserved_for", NULL};
    pm_generate_options g;
    pm_generate_options_init(&g);
    g.profile = profile;
    g.children = children;
    g.seed = seed;
    char *gen = NULL;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_generate(&g, &gen, &err), PM_OK);
    cJSON *a = cJSON_Parse(gen);
    drop_empty(cJSON_GetObjectItem(a, "children"));
    drop_empty(cJSON_GetObjectItem(a, "placements"));
    char *kids = to_csv(cJSON_GetObjectItem(a, "children"), kcols);
    char *homes = to_csv(cJSON_GetObjectItem(a, "placements"), pcols);
    char *pol = cJSON_PrintUnformatted(cJSON_GetObjectItem(a, "policy"));
    char *json = import_ok(kids, homes, pol);
    cJSON *b = cJSON_Parse(json);
    const char *keys[] = {"policy", "placements", "children"};
    for (int i = 0; i < 3; i++)
        if (!cJSON_Compare(cJSON_GetObjectItem(a, keys[i]),
                           cJSON_GetObjectItem(b, keys[i]), 1))
            fail_msg("%s (%s, seed %u): %s differ", profile, "round trip", seed,
                     keys[i]);
    cJSON_Delete(a);
    cJSON_Delete(b);
    free(kids);
    free(homes);
    cJSON_free(pol);
    pm_free(json);
    pm_free(gen);
}

static void test_round_trip_generated(void **state)
{
    (void)state;
    const char *const *profiles = pm_generate_profiles();
    for (int i = 0; profiles[i]; i++)
        for (unsigned seed = 1; seed <= 3; seed++)
            round_trip(profiles[i], 150, seed);
    round_trip("stockton-2023", 0, 1); /* full size */
}

/* ------------------------------------------------------------------ */
/* corruption                                                         */
/* ------------------------------------------------------------------ */

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random bytes changed, deleted or repeated: the import either reports
 * problems (one line or more, no output) or gives a scenario that loads. */
static void test_random_corruption(void **state)
{
    (void)state;
    char k[PATH_MAX], p[PATH_MAX], pol[PATH_MAX];
    example_paths(k, p, pol, sizeof k);
    char *kids = pm_test_read_text(k), *homes = pm_test_read_text(p);
    assert_non_null(kids);
    assert_non_null(homes);
    static const char alphabet[] = ",;:\"\n\r 0123456789.-eC\xe9\x01";
    uint64_t rs = 0x9e3779b97f4a7c15ULL;
    size_t klen = strlen(kids);
    char *buf = malloc(klen * 2 + 8);
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(buf, kids, klen + 1);
        size_t n = klen;
        for (int m = 0; m < 1 + (int)(next_rand(&rs) % 4); m++) {
            size_t at = next_rand(&rs) % n;
            int op = (int)(next_rand(&rs) % 3);
            if (op == 0)
                buf[at] = alphabet[next_rand(&rs) % (sizeof alphabet - 1)];
            else if (op == 1 && n > 1)
                memmove(buf + at, buf + at + 1, n-- - at);
            else if (n < klen * 2) {
                memmove(buf + at + 1, buf + at, n++ - at + 1);
            }
        }
        pm_import_source ks = {"k.csv", buf, n}, hs = src("h.csv", homes);
        char *json = NULL;
        pm_error err;
        pm_error_clear(&err);
        pm_status st = pm_import_csv(&ks, &hs, NULL, NULL, &json, &err);
        if (st == PM_OK) {
            pm_scenario *sc = NULL;
            assert_int_equal(pm_scenario_load_buffer(json, strlen(json), "x", &sc,
                                                     &err), PM_OK);
            pm_scenario_free(sc);
        } else {
            assert_null(json);
            assert_true(err.count >= 1);
            assert_true(strlen(err.text) > 0);
        }
        pm_free(json);
    }
    free(buf);
    free(kids);
    free(homes);
}

/* ------------------------------------------------------------------ */
/* the command                                                        */
/* ------------------------------------------------------------------ */

static int run(const char *dir, const char *args, char **out, char **err)
{
    const char *cli = getenv("PM_CLI");
    if (!cli)
        skip();
    char cmd[3 * PATH_MAX + 2048];
    if (snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s > .out 2> .err < /dev/null",
                 dir, cli, args) >= (int)sizeof cmd)
        fail_msg("command too long");
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/.out", dir);
    *out = pm_test_read_text(p);
    snprintf(p, sizeof p, "%s/.err", dir);
    *err = pm_test_read_text(p);
    return WEXITSTATUS(rc);
}

static void test_cli(void **state)
{
    (void)state;
    char dir[] = "import-cli-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char k[PATH_MAX], p[PATH_MAX], pol[PATH_MAX], args[4 * PATH_MAX], *out, *err;
    example_paths(k, p, pol, sizeof k);
    snprintf(args, sizeof args, "import --children '%s' --placements '%s' "
             "--policy '%s' --name 'Worked example' -o s.json", k, p, pol);
    assert_int_equal(run(dir, args, &out, &err), 0);
    assert_string_equal(err, "placematch import: 6 children, 4 placements -> s.json\n");
    free(out);
    free(err);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/s.json", dir);
    pm_scenario *sc = NULL;
    pm_error e;
    pm_error_clear(&e);
    assert_int_equal(pm_scenario_load_file(path, &sc, &e), PM_OK);
    pm_scenario_free(sc);
    /* to standard output, the same bytes */
    snprintf(args, sizeof args, "import --children '%s' --placements '%s' "
             "--policy '%s' --name 'Worked example' --quiet", k, p, pol);
    assert_int_equal(run(dir, args, &out, &err), 0);
    char *file = pm_test_read_text(path);
    assert_string_equal(out, file);
    assert_string_equal(err, "");
    free(out);
    free(err);
    free(file);
    /* bad input: exit 2, problems on stderr, the old file left alone */
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("id,age,sex,home_lat,home_lon\nC1,40,F,1,1\n", f);
    fclose(f);
    snprintf(args, sizeof args, "import --children bad.csv --placements '%s' "
             "-o s.json", p);
    assert_int_equal(run(dir, args, &out, &err), 2);
    assert_string_equal(err, "bad.csv: row 2, column B (age): 40 is out of range "
                             "0..25\n");
    free(out);
    free(err);
    snprintf(path, sizeof path, "%s/s.json", dir);
    file = pm_test_read_text(path);
    assert_non_null(strstr(file, "Worked example"));
    free(file);
    /* usage */
    assert_int_equal(run(dir, "import --children x.csv", &out, &err), 2);
    assert_non_null(strstr(err, "--children and --placements are both required"));
    free(out);
    free(err);
    assert_int_equal(run(dir, "import --delimiter ab", &out, &err), 2);
    free(out);
    free(err);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    assert_int_equal(system(args), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_solves_to_hand_optimum),
        cmocka_unit_test(test_cells_convert),
        cmocka_unit_test(test_booleans_and_numbers),
        cmocka_unit_test(test_semicolon_delimiter),
        cmocka_unit_test(test_bom_crlf_blank_lines),
        cmocka_unit_test(test_cell_problems),
        cmocka_unit_test(test_format_rules_at_cells),
        cmocka_unit_test(test_header_problems),
        cmocka_unit_test(test_csv_syntax),
        cmocka_unit_test(test_no_cell_contents_in_messages),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_row_limit_and_letters),
        cmocka_unit_test(test_round_trip_generated),
        cmocka_unit_test(test_random_corruption),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

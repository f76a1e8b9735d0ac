/*
 * test_compat: distance, the compatibility rules, arc costs, the figures of
 * an assignment, the greedy completing a partial assignment, the root
 * bound with each family of the master's cuts (solver/colgen.h), and the
 * result JSON of a hand-worked scenario (spec/MODEL.md, spec/FORMAT.md).
 *
 * Every expected figure here is worked out by hand in the comments (miles
 * from the haversine formula with R = 3958.8, as MODEL.md defines it).
 * Scenario JSON is written with single quotes, turned into double quotes
 * before loading.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "evaluate.h"
#include "heuristic.h"
#include "placematch/placematch.h"
#include "scenario.h"

/* One degree of latitude along a meridian: 3958.8 * pi / 180 miles. */
#define MILES_PER_DEG_LAT (3958.8 * 3.14159265358979323846 / 180.0)

static char *q(const char *text)
{
    char *s = strdup(text);
    assert_non_null(s);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    return s;
}

static pm_scenario *load(const char *json_sq)
{
    char *json = q(json_sq);
    pm_scenario *sc = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_scenario_load_buffer(json, strlen(json), "t.json", &sc, &err) != PM_OK)
        fail_msg("scenario did not load:\n%s", err.text);
    free(json);
    return sc;
}

static int cidx(const pm_scenario *sc, const char *id)
{
    int i = pm_scenario_find_child(sc, id);
    if (i < 0)
        fail_msg("no child %s", id);
    return i;
}

static int pidx(const pm_scenario *sc, const char *id)
{
    int i = pm_scenario_find_placement(sc, id);
    if (i < 0)
        fail_msg("no placement %s", id);
    return i;
}

static void assert_close(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.9f, expected %.9f (tolerance %g)", got, want, tol);
}

/* ------------------------------------------------------------------ */
/* distance                                                           */
/* ------------------------------------------------------------------ */

static void test_haversine_known_values(void **state)
{
    (void)state;
    /* the same point */
    assert_true(pm_haversine_miles(54.57, -1.318, 54.57, -1.318) == 0.0);
    /* London (51.5074, -0.1278) to Manchester (53.4808, -2.2426):
       ~163 miles great-circle (162.790 with R = 3958.8) */
    double lm = pm_haversine_miles(51.5074, -0.1278, 53.4808, -2.2426);
    assert_close(lm, 162.790385, 1e-4);
    /* symmetric */
    assert_close(pm_haversine_miles(53.4808, -2.2426, 51.5074, -0.1278), lm,
                 1e-9);
    /* antipodes: half the circumference, pi * R = 12436.937 */
    assert_close(pm_haversine_miles(0, 0, 0, 180), 3.14159265358979 * 3958.8,
                 1e-6);
    assert_close(pm_haversine_miles(90, 0, -90, 0), 3.14159265358979 * 3958.8,
                 1e-6);
    assert_close(pm_haversine_miles(51.5, -0.1, -51.5, 179.9),
                 3.14159265358979 * 3958.8, 1e-6);
    /* along a meridian: R * dlat in radians (0.25 deg = 17.2735 miles) */
    assert_close(pm_haversine_miles(54.0, -1.0, 54.25, -1.0),
                 0.25 * MILES_PER_DEG_LAT, 1e-6);
    assert_close(0.25 * MILES_PER_DEG_LAT, 17.273524, 1e-6);
    /* across the date line: 1 degree of longitude at the equator */
    assert_close(pm_haversine_miles(0, 179.5, 0, -179.5), MILES_PER_DEG_LAT,
                 1e-6);
    /* New York to London: ~3461 miles */
    assert_close(pm_haversine_miles(40.7128, -74.0060, 51.5074, -0.1278),
                 3461.214184, 1e-3);
}

static void test_road_factor_applied(void **state)
{
    (void)state;
    const char *fmt =
        "{'format': 'placematch-scenario/1', %s"
        " 'placements': [{'id': 'P', 'type': 't', 'location': {'lat': 54.25,"
        " 'lon': -1.0}, 'capacity': 1, 'weekly_cost': 100}],"
        " 'children': [{'id': 'C', 'age': 9, 'sex': 'F',"
        " 'home': {'lat': 54.0, 'lon': -1.0}}]}";
    char buf[1024];
    snprintf(buf, sizeof buf, fmt, "");
    pm_scenario *sc = load(buf);
    double straight = 0.25 * MILES_PER_DEG_LAT;
    assert_close(pm_miles(sc, 0, 0), straight, 1e-9);
    pm_scenario_free(sc);
    snprintf(buf, sizeof buf, fmt, "'policy': {'road_factor': 1.3},");
    sc = load(buf);
    assert_close(pm_miles(sc, 0, 0), 1.3 * straight, 1e-9); /* 22.4556 */
    pm_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* compatibility rules                                                */
/* ------------------------------------------------------------------ */

/* P: ages 5..12, girls only, trauma up to 2, in-house foster, capacity 2.
 * Q: open to every age, sex and need, but reserved for OK.
 * Z: as permissive, but no capacity.
 * R: far away (1 degree north: 69.09 miles), everything failing.
 * Children, all at P's location:
 *   OK meets every rule at P; each of AGE..MILES breaks one rule at P;
 *   ALL breaks every rule at R. */
static const char *const RULES_SCENARIO =
    "{'format': 'placematch-scenario/1',"
    " 'placements': ["
    "  {'id': 'P', 'type': 'in_house_foster', 'location': {'lat': 54.0, 'lon': -1.0},"
    "   'capacity': 2, 'age_min': 5, 'age_max': 12, 'sexes': ['F'],"
    "   'supports': {'trauma': 2}, 'weekly_cost': 500},"
    "  {'id': 'Q', 'type': 'in_house_foster', 'location': {'lat': 54.0, 'lon': -1.0},"
    "   'capacity': 1, 'weekly_cost': 500, 'supports': {'trauma': 3, 'send': 3},"
    "   'reserved_for': ['OK']},"
    "  {'id': 'Z', 'type': 'in_house_foster', 'location': {'lat': 54.0, 'lon': -1.0},"
    "   'capacity': 0, 'weekly_cost': 500, 'supports': {'trauma': 3}},"
    "  {'id': 'R', 'type': 'in_house_foster', 'location': {'lat': 55.0, 'lon': -1.0},"
    "   'capacity': 0, 'age_min': 5, 'age_max': 12, 'sexes': ['F'],"
    "   'supports': {'trauma': 2}, 'weekly_cost': 500, 'reserved_for': ['OK']}],"
    " 'children': ["
    "  {'id': 'OK', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'needs': {'trauma': 2}, 'types': ['in_house_foster'], 'max_miles': 10},"
    "  {'id': 'AGE', 'age': 13, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}},"
    "  {'id': 'YOUNG', 'age': 4, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}},"
    "  {'id': 'EDGE', 'age': 12, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}},"
    "  {'id': 'SEX', 'age': 9, 'sex': 'M', 'home': {'lat': 54.0, 'lon': -1.0}},"
    "  {'id': 'NEED', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'needs': {'trauma': 3}},"
    "  {'id': 'NEED0', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'needs': {'send': 1}},"
    "  {'id': 'TYPE', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'types': ['ifa_foster', 'connected_carer']},"
    "  {'id': 'MILES', 'age': 9, 'sex': 'F', 'home': {'lat': 54.1, 'lon': -1.0},"
    "   'max_miles': 6.9},"
    "  {'id': 'ALL', 'age': 20, 'sex': 'M', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'needs': {'trauma': 3, 'send': 1}, 'types': ['ifa_foster'], 'max_miles': 5}"
    " ]}";

static pm_rule first_at(const pm_scenario *sc, const char *c, const char *p)
{
    int ci = cidx(sc, c), pi = pidx(sc, p);
    return pm_first_failure(sc, ci, pi, pm_miles(sc, ci, pi), NULL);
}

static void test_each_rule_pass_and_fail(void **state)
{
    (void)state;
    pm_scenario *sc = load(RULES_SCENARIO);
    assert_int_equal(first_at(sc, "OK", "P"), PM_RULE_OK);
    /* 1. age range, both ends inclusive */
    assert_int_equal(first_at(sc, "AGE", "P"), PM_RULE_AGE);
    assert_int_equal(first_at(sc, "YOUNG", "P"), PM_RULE_AGE);
    assert_int_equal(first_at(sc, "EDGE", "P"), PM_RULE_OK);
    /* 2. sexes; absent sexes accept everyone */
    assert_int_equal(first_at(sc, "SEX", "P"), PM_RULE_SEX);
    assert_int_equal(first_at(sc, "SEX", "Z"), PM_RULE_CAPACITY);
    /* 3. needs: a higher level, or a need not supported at all (= 0) */
    pm_rule_fail f;
    int c = cidx(sc, "NEED"), p = pidx(sc, "P");
    assert_int_equal(pm_first_failure(sc, c, p, 0, &f), PM_RULE_NEED);
    assert_string_equal(sc->needs.name[f.need], "trauma");
    assert_int_equal(f.required, 3);
    assert_int_equal(f.supported, 2);
    c = cidx(sc, "NEED0");
    assert_int_equal(pm_first_failure(sc, c, p, 0, &f), PM_RULE_NEED);
    assert_string_equal(sc->needs.name[f.need], "send");
    assert_int_equal(f.required, 1);
    assert_int_equal(f.supported, 0);
    /* 4. care-plan types */
    assert_int_equal(first_at(sc, "TYPE", "P"), PM_RULE_TYPE);
    /* 5. max_miles: 0.1 degree = 6.909 miles > 6.9 */
    assert_int_equal(first_at(sc, "MILES", "P"), PM_RULE_MILES);
    c = cidx(sc, "OK");
    /* the limit itself is allowed: miles <= max_miles (10) */
    assert_int_equal(pm_first_failure(sc, c, p, 10.0, NULL), PM_RULE_OK);
    assert_int_equal(pm_first_failure(sc, c, p, 10.000001, NULL), PM_RULE_MILES);
    /* no max_miles: any distance */
    assert_int_equal(pm_first_failure(sc, cidx(sc, "EDGE"), p, 12000, NULL),
                     PM_RULE_OK);
    /* 6. reserved_for */
    assert_int_equal(first_at(sc, "OK", "Q"), PM_RULE_OK);
    assert_int_equal(first_at(sc, "EDGE", "Q"), PM_RULE_RESERVED);
    /* 7. capacity >= 1 */
    assert_int_equal(first_at(sc, "OK", "Z"), PM_RULE_CAPACITY);
    pm_scenario_free(sc);
}

static void test_rule_order(void **state)
{
    (void)state;
    pm_scenario *sc = load(RULES_SCENARIO);
    int c = cidx(sc, "ALL"), p = pidx(sc, "R");
    double mi = pm_miles(sc, c, p);
    assert_close(mi, MILES_PER_DEG_LAT, 1e-9); /* 69.09 > 5 */
    pm_rule_fail f[16];
    int n = pm_rule_failures(sc, c, p, mi, f, 16);
    /* MODEL.md order; two needs fail (trauma 3 > 2, send 1 > 0) */
    static const pm_rule want[] = {PM_RULE_AGE, PM_RULE_SEX, PM_RULE_NEED,
                                   PM_RULE_NEED, PM_RULE_TYPE, PM_RULE_MILES,
                                   PM_RULE_RESERVED, PM_RULE_CAPACITY};
    assert_int_equal(n, 8);
    for (int i = 0; i < n; i++)
        assert_int_equal(f[i].rule, want[i]);
    /* the first failure is the first in that order */
    assert_int_equal(pm_first_failure(sc, c, p, mi, NULL), PM_RULE_AGE);
    /* max limits what is written */
    assert_int_equal(pm_rule_failures(sc, c, p, mi, f, 3), 3);
    assert_int_equal(f[2].rule, PM_RULE_NEED);
    /* peeling rules off one by one: the first failure moves along */
    assert_int_equal(first_at(sc, "SEX", "R"), PM_RULE_SEX);
    assert_int_equal(first_at(sc, "NEED", "R"), PM_RULE_NEED);
    assert_int_equal(first_at(sc, "TYPE", "R"), PM_RULE_TYPE);
    assert_int_equal(first_at(sc, "MILES", "R"), PM_RULE_MILES);
    assert_int_equal(first_at(sc, "EDGE", "R"), PM_RULE_RESERVED);
    assert_int_equal(first_at(sc, "OK", "R"), PM_RULE_MILES);
    assert_int_equal(pm_first_failure(sc, cidx(sc, "OK"), p, 1.0, NULL),
                     PM_RULE_CAPACITY);
    pm_scenario_free(sc);
}

static void test_rule_names_and_descriptions(void **state)
{
    (void)state;
    static const char *const names[] = {"ok", "age", "sex", "need", "type",
                                        "miles", "reserved", "capacity"};
    for (int r = 0; r < PM_RULE_COUNT; r++)
        assert_string_equal(pm_rule_name((pm_rule)r), names[r]);
    pm_scenario *sc = load(RULES_SCENARIO);
    int c = cidx(sc, "NEED"), p = pidx(sc, "P");
    pm_rule_fail f;
    char out[256];
    pm_first_failure(sc, c, p, 0, &f);
    pm_describe_failure(sc, c, p, &f, 0, out, sizeof out);
    assert_non_null(strstr(out, "trauma"));
    assert_non_null(strstr(out, "3"));
    assert_non_null(strstr(out, "2"));
    c = cidx(sc, "AGE");
    pm_first_failure(sc, c, p, 0, &f);
    pm_describe_failure(sc, c, p, &f, 0, out, sizeof out);
    assert_non_null(strstr(out, "13"));
    pm_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* arc costs and arcs                                                 */
/* ------------------------------------------------------------------ */

/* cost_per_mile 2, far_miles 20, far penalty 250, move 300.
 * P costs 500, O costs 700.  N has no current, S is at P, M is at O. */
static const char *const COST_SCENARIO =
    "{'format': 'placematch-scenario/1',"
    " 'policy': {'cost_per_mile_week': 2, 'far_miles': 20,"
    "  'far_penalty_week': 250, 'move_week': 300, 'unmatched_week': 5000},"
    " 'placements': ["
    "  {'id': 'P', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
    "   'capacity': 3, 'weekly_cost': 500},"
    "  {'id': 'O', 'type': 't', 'location': {'lat': 54.5, 'lon': -1.0},"
    "   'capacity': 3, 'weekly_cost': 700}],"
    " 'children': ["
    "  {'id': 'N', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}},"
    "  {'id': 'S', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'current': 'P'},"
    "  {'id': 'M', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'current': 'O'}]}";

static void test_arc_cost_terms(void **state)
{
    (void)state;
    pm_scenario *sc = load(COST_SCENARIO);
    int n = cidx(sc, "N"), s = cidx(sc, "S"), m = cidx(sc, "M");
    int p = pidx(sc, "P"), o = pidx(sc, "O");
    /* weekly + 2 per mile */
    assert_close(pm_arc_cost(sc, n, p, 0), 500, 1e-9);
    assert_close(pm_arc_cost(sc, n, p, 10), 520, 1e-9);
    /* far penalty only when miles > far_miles, strictly */
    assert_close(pm_arc_cost(sc, n, p, 20), 540, 1e-9);
    assert_close(pm_arc_cost(sc, n, p, 20.5), 500 + 41 + 250, 1e-9);
    /* move penalty only when current is set and different */
    assert_close(pm_arc_cost(sc, s, p, 10), 520, 1e-9);
    assert_close(pm_arc_cost(sc, s, o, 10), 700 + 20 + 300, 1e-9);
    assert_close(pm_arc_cost(sc, m, o, 10), 720, 1e-9);
    assert_close(pm_arc_cost(sc, m, p, 10), 500 + 20 + 300, 1e-9);
    /* all four terms: O is 0.5 degree away = 34.547 miles > 20 */
    double mi = pm_miles(sc, s, o);
    assert_close(mi, 0.5 * MILES_PER_DEG_LAT, 1e-9);
    assert_close(pm_arc_cost(sc, s, o, mi), 700 + 2 * mi + 250 + 300, 1e-9);
    assert_close(pm_arc_cost(sc, s, o, mi), 1319.094094, 1e-5);
    pm_scenario_free(sc);
}

static void test_arcs_build(void **state)
{
    (void)state;
    pm_scenario *sc = load(COST_SCENARIO);
    pm_arcs arcs;
    assert_int_equal(pm_arcs_build(sc, &arcs), PM_OK);
    assert_int_equal(arcs.nchildren, 3);
    assert_int_equal(arcs.count, 6); /* everyone may go anywhere */
    for (int c = 0; c < 3; c++) {
        assert_int_equal(arcs.start[c + 1] - arcs.start[c], 2);
        for (int k = arcs.start[c]; k < arcs.start[c + 1]; k++) {
            int p = arcs.place[k];
            if (k > arcs.start[c])
                assert_true(arcs.place[k - 1] < p); /* ascending */
            assert_close(arcs.miles[k], pm_miles(sc, c, p), 1e-12);
            assert_close(arcs.cost[k], pm_arc_cost(sc, c, p, arcs.miles[k]),
                         1e-12);
        }
    }
    pm_arcs_free(&arcs);
    pm_scenario_free(sc);
}

/* A pinned child gets exactly one arc, to current, even when the rules
 * rule that placement out; an identical child not pinned gets none. */
static void test_pinned_child_one_arc(void **state)
{
    (void)state;
    pm_scenario *sc = load(
        "{'format': 'placematch-scenario/1', 'policy': {'move_week': 300},"
        " 'placements': ["
        "  {'id': 'P', 'type': 'in_house_foster', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 0, 'age_max': 10, 'sexes': ['M'], 'weekly_cost': 400,"
        "   'reserved_for': ['FREE']},"
        "  {'id': 'W', 'type': 'in_house_foster', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 5, 'weekly_cost': 100}],"
        " 'children': ["
        "  {'id': 'PIN', 'age': 15, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0},"
        "   'needs': {'trauma': 3}, 'types': ['ifa_foster'], 'max_miles': 1,"
        "   'current': 'P', 'stay': true},"
        "  {'id': 'FREE', 'age': 15, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0},"
        "   'needs': {'trauma': 3}, 'types': ['ifa_foster'], 'max_miles': 1,"
        "   'current': 'P'},"
        "  {'id': 'PIN2', 'age': 5, 'sex': 'M', 'home': {'lat': 54.0, 'lon': -1.0},"
        "   'current': 'W', 'stay': true}]}");
    pm_arcs arcs;
    assert_int_equal(pm_arcs_build(sc, &arcs), PM_OK);
    int pin = cidx(sc, "PIN"), fr = cidx(sc, "FREE"), pin2 = cidx(sc, "PIN2");
    assert_int_equal(arcs.start[pin + 1] - arcs.start[pin], 1);
    assert_int_equal(arcs.place[arcs.start[pin]], pidx(sc, "P"));
    /* at current: no move penalty */
    assert_close(arcs.cost[arcs.start[pin]], 400, 1e-9);
    assert_int_equal(arcs.start[fr + 1] - arcs.start[fr], 0);
    /* compatible with both, but pinned to W: only W */
    assert_int_equal(arcs.start[pin2 + 1] - arcs.start[pin2], 1);
    assert_int_equal(arcs.place[arcs.start[pin2]], pidx(sc, "W"));
    assert_int_equal(arcs.count, 2);
    pm_arcs_free(&arcs);
    pm_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* figures of a given assignment                                      */
/* ------------------------------------------------------------------ */

/* Homes all at (54.0, -1.0).  A there (500, in_house_foster), B 0.5 deg
 * north = 34.547047 miles (800, ifa_foster), C 0.1 deg north = 6.909409
 * miles (300, connected_carer), D there (4000, external_residential).
 * Group G1 = S1..S4, group G2 = T1, T2; X1 is at A now; X2 alone. */
static const char *const EVAL_SCENARIO =
    "{'format': 'placematch-scenario/1',"
    " 'policy': {'far_miles': 20, 'cost_per_mile_week': 1,"
    "  'far_penalty_week': 100, 'sibling_split_week': 400, 'move_week': 300,"
    "  'unmatched_week': 5000},"
    " 'placements': ["
    "  {'id': 'A', 'type': 'in_house_foster', 'location': {'lat': 54.0, 'lon': -1.0},"
    "   'capacity': 4, 'weekly_cost': 500},"
    "  {'id': 'B', 'type': 'ifa_foster', 'location': {'lat': 54.5, 'lon': -1.0},"
    "   'capacity': 4, 'weekly_cost': 800},"
    "  {'id': 'C', 'type': 'connected_carer', 'location': {'lat': 54.1, 'lon': -1.0},"
    "   'capacity': 4, 'weekly_cost': 300},"
    "  {'id': 'D', 'type': 'external_residential', 'location': {'lat': 54.0, 'lon': -1.0},"
    "   'capacity': 4, 'weekly_cost': 4000}],"
    " 'children': ["
    "  {'id': 'S1', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G1'},"
    "  {'id': 'S2', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G1'},"
    "  {'id': 'S3', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G1'},"
    "  {'id': 'S4', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G1'},"
    "  {'id': 'X1', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'current': 'A'},"
    "  {'id': 'X2', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}},"
    "  {'id': 'T1', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G2'},"
    "  {'id': 'T2', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G2'}"
    " ]}";

enum { A_ = 0, B_ = 1, C_ = 2, D_ = 3, U_ = -1 };

static int type_count(const pm_scenario *sc, const int *by_type,
                      const char *name)
{
    int t = pm_strmap_get(&sc->types.map, name);
    return t < 0 ? 0 : by_type[t];
}

static void test_evaluate_mixed_assignment(void **state)
{
    (void)state;
    pm_scenario *sc = load(EVAL_SCENARIO);
    /* S1 S2 -> A, S3 S4 -> B (2+2: one split); X1 -> B (moved, far);
       X2 unmatched; T1 -> C, T2 unmatched (one household: together) */
    int assign[8] = {A_, A_, B_, B_, B_, U_, C_, U_};
    pm_totals t;
    pm_kpis k;
    int by_type[8];
    pm_evaluate(sc, assign, &t, &k, by_type);
    double far = 0.5 * MILES_PER_DEG_LAT, near = 0.1 * MILES_PER_DEG_LAT;
    double miles = 3 * far + near; /* 110.550551 */
    /* cash: 500+500+800+800+800+300 = 3700, plus 2 x 5000 unmatched */
    assert_close(t.weekly_cost, 13700, 1e-9);
    assert_close(t.annual_cost, 13700 * 365.0 / 7.0, 1e-6); /* 714357.14 */
    assert_close(t.distance_penalty, miles, 1e-9);
    assert_close(t.far_penalty, 300, 1e-9);    /* S3, S4, X1 */
    assert_close(t.move_penalty, 300, 1e-9);   /* X1 */
    assert_close(t.split_penalty, 400, 1e-9);  /* G1: D = 2 */
    assert_close(t.unmatched_penalty, 10000, 1e-9);
    assert_close(t.objective, 3700 + miles + 300 + 300 + 400 + 10000, 1e-9);
    assert_close(t.objective, 14810.550551, 1e-5);
    assert_int_equal(k.children, 8);
    assert_int_equal(k.placed, 6);
    assert_int_equal(k.unmatched, 2);
    assert_int_equal(k.beyond_far_miles, 3);
    assert_close(k.pct_beyond_far_miles, 50.0, 1e-9);
    assert_int_equal(k.sibling_groups, 2);
    assert_int_equal(k.sibling_groups_together, 1);
    assert_int_equal(k.sibling_groups_split, 1);
    assert_int_equal(k.splits, 1);
    assert_int_equal(k.moves, 1);
    assert_close(k.mean_miles, miles / 6, 1e-9); /* 18.425092 */
    assert_int_equal(type_count(sc, by_type, "in_house_foster"), 2);
    assert_int_equal(type_count(sc, by_type, "ifa_foster"), 3);
    assert_int_equal(type_count(sc, by_type, "connected_carer"), 1);
    assert_int_equal(type_count(sc, by_type, "external_residential"), 0);
    pm_scenario_free(sc);
}

static void test_evaluate_split_counts(void **state)
{
    (void)state;
    pm_scenario *sc = load(EVAL_SCENARIO);
    pm_totals t;
    pm_kpis k;
    int g1 = sc->children[0].group;
    /* G1 at four households: D - 1 = 3 splits */
    int a1[8] = {A_, B_, C_, D_, U_, U_, U_, U_};
    pm_evaluate(sc, a1, &t, &k, NULL);
    assert_int_equal(pm_group_households(sc, a1, g1), 4);
    assert_int_equal(k.splits, 3);
    assert_int_equal(k.sibling_groups_split, 1);
    assert_close(t.split_penalty, 1200, 1e-9);
    /* cash 500+800+300+4000 = 5600 + 4 unmatched x 5000 */
    assert_close(t.weekly_cost, 25600, 1e-9);
    /* only placed members count: 2 placed together, 2 unmatched: D = 1 */
    int a2[8] = {A_, A_, U_, U_, U_, U_, U_, U_};
    pm_evaluate(sc, a2, &t, &k, NULL);
    assert_int_equal(pm_group_households(sc, a2, g1), 1);
    assert_int_equal(k.splits, 0);
    assert_int_equal(k.sibling_groups_together, 1);
    assert_int_equal(k.sibling_groups_split, 0);
    assert_close(t.split_penalty, 0, 1e-9);
    /* 3 + 1 across two households: one split */
    int a3[8] = {A_, A_, A_, C_, U_, U_, C_, C_};
    pm_evaluate(sc, a3, &t, &k, NULL);
    assert_int_equal(k.splits, 1);
    assert_int_equal(k.sibling_groups_split, 1);
    assert_int_equal(k.sibling_groups_together, 1);
    pm_scenario_free(sc);
}

static void test_evaluate_nobody_placed(void **state)
{
    (void)state;
    pm_scenario *sc = load(EVAL_SCENARIO);
    int none[8] = {U_, U_, U_, U_, U_, U_, U_, U_};
    pm_totals t;
    pm_kpis k;
    pm_evaluate(sc, none, &t, &k, NULL);
    assert_int_equal(k.placed, 0);
    assert_int_equal(k.unmatched, 8);
    assert_close(t.objective, 40000, 1e-9);
    assert_close(t.weekly_cost, 40000, 1e-9);
    assert_close(t.unmatched_penalty, 40000, 1e-9);
    /* no division by zero */
    assert_close(k.pct_beyond_far_miles, 0, 0);
    assert_close(k.mean_miles, 0, 0);
    assert_int_equal(k.splits, 0);
    assert_int_equal(k.moves, 0); /* unmatched is not a move */
    pm_scenario_free(sc);
}

static void test_check_assignment(void **state)
{
    (void)state;
    pm_scenario *sc = load(
        "{'format': 'placematch-scenario/1',"
        " 'placements': ["
        "  {'id': 'H', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 3, 'sibling_only': 2, 'weekly_cost': 500},"
        "  {'id': 'K', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 1, 'age_max': 10, 'weekly_cost': 500}],"
        " 'children': ["
        "  {'id': 'A', 'age': 12, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'avoid': ['B']},"
        "  {'id': 'B', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}},"
        "  {'id': 'S1', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G'},"
        "  {'id': 'S2', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G'},"
        "  {'id': 'P', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'current': 'K', 'stay': true}"
        " ]}");
    char msg[256];
    enum { H = 0, K = 1 };
    /* H's third place is sibling-only: A + B alone may not use... A, B avoid */
    int ok1[5] = {H, -1, H, H, K};   /* A + S1 + S2: the group unlocks it */
    assert_int_equal(pm_check_assignment(sc, ok1, msg, sizeof msg), 0);
    int bad_sib[5] = {-1, H, H, -1, K}; /* B + S1: 2 > 3 - 2, no pair */
    assert_int_equal(pm_check_assignment(sc, bad_sib, msg, sizeof msg), 1);
    int ok2[5] = {-1, H, -1, -1, K}; /* one child: within 3 - 2 */
    assert_int_equal(pm_check_assignment(sc, ok2, msg, sizeof msg), 0);
    int bad_avoid[5] = {H, H, -1, -1, K};
    assert_int_equal(pm_check_assignment(sc, bad_avoid, msg, sizeof msg), 1);
    int bad_cap[5] = {-1, K, -1, -1, K}; /* K holds 1 */
    assert_int_equal(pm_check_assignment(sc, bad_cap, msg, sizeof msg), 1);
    int bad_pin[5] = {-1, -1, -1, -1, H};
    assert_int_equal(pm_check_assignment(sc, bad_pin, msg, sizeof msg), 1);
    int bad_rule[5] = {K, -1, -1, -1, -1}; /* A is 12 > age_max 10 */
    assert_int_equal(pm_check_assignment(sc, bad_rule, msg, sizeof msg), 1);
    pm_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* the solver's result for a hand-worked scenario                      */
/* ------------------------------------------------------------------ */

/* far_miles 20, 1 a mile, far penalty 100, move 300, unmatched 2000.
 * H1 (500, in_house_foster, 2 places) at the homes; F1 (900, ifa_foster,
 * 1 place) 0.5 degree north = 34.547047 miles.  Listed out of id order.
 *   A (current F1): H1 = 500 + 300 move = 800; F1 = 900 + 34.547 + 100
 *     = 1034.547
 *   C: H1 = 500; F1 = 1034.547
 *   D (types ifa_foster only): F1 = 1034.547 < 2000 unmatched
 *   B needs disability 3: nowhere; unmatched
 * Best: A, C at H1 (1300), D at F1 (1034.547047), B unmatched (2000):
 * objective 4334.547047.  Cash 500 + 500 + 900 + 2000 = 3900 a week,
 * 3900 * 365 / 7 = 203357.142857 a year. */
static const char *const SOLVE_SCENARIO =
    "{'format': 'placematch-scenario/1', 'name': 'Hand-worked',"
    " 'policy': {'far_miles': 20, 'cost_per_mile_week': 1,"
    "  'far_penalty_week': 100, 'move_week': 300, 'unmatched_week': 2000},"
    " 'placements': ["
    "  {'id': 'H1', 'type': 'in_house_foster', 'location': {'lat': 54.0, 'lon': -1.0},"
    "   'capacity': 2, 'age_max': 17, 'weekly_cost': 500},"
    "  {'id': 'F1', 'type': 'ifa_foster', 'location': {'lat': 54.5, 'lon': -1.0},"
    "   'capacity': 1, 'weekly_cost': 900}],"
    " 'children': ["
    "  {'id': 'D', 'age': 16, 'sex': 'M', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'types': ['ifa_foster']},"
    "  {'id': 'B', 'age': 10, 'sex': 'M', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'needs': {'disability': 3}},"
    "  {'id': 'A', 'age': 8, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0},"
    "   'current': 'F1'},"
    "  {'id': 'C', 'age': 5, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}}"
    " ]}";

static double num(const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(it))
        fail_msg("%s is not a number", key);
    return it->valuedouble;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(it))
        fail_msg("%s is not a string", key);
    return it->valuestring;
}

static void check_assignment(const cJSON *a, const char *child,
                             const char *placement, const char *type,
                             double miles, double weekly, double arc,
                             int moved)
{
    assert_string_equal(str(a, "child"), child);
    assert_string_equal(str(a, "placement"), placement);
    assert_string_equal(str(a, "type"), type);
    assert_true(num(a, "miles") == miles);
    assert_true(num(a, "weekly_cost") == weekly);
    assert_true(num(a, "arc_cost") == arc);
    assert_true(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(a, "moved")));
    assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "moved")),
                     moved);
}

/* The greedy completing a partial assignment (a mix's warm start with the
 * children of a closed home taken off): the placed child stays at its dear
 * placement, the group goes together to the place that takes both, the
 * other child to the cheapest free place. */
static void test_greedy_complete(void **state)
{
    (void)state;
    pm_scenario *sc = load(
        "{'format': 'placematch-scenario/1',"
        " 'placements': ["
        "  {'id': 'H', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 3, 'sibling_only': 2, 'weekly_cost': 500},"
        "  {'id': 'D', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 2, 'weekly_cost': 900},"
        "  {'id': 'K', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 1, 'weekly_cost': 300}],"
        " 'children': ["
        "  {'id': 'A', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}},"
        "  {'id': 'B', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}},"
        "  {'id': 'S1', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G'},"
        "  {'id': 'S2', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'G'}"
        " ]}");
    enum { H = 0, D = 1, K = 2 };
    pm_arcs arcs;
    assert_int_equal(pm_arcs_build(sc, &arcs), PM_OK);
    int assign[4] = {D, -1, -1, -1}, ok = 0;
    assert_int_equal(pm_greedy_complete(sc, &arcs, NULL, assign, &ok), PM_OK);
    assert_true(ok);
    assert_int_equal(assign[0], D); /* kept, though K is cheaper */
    assert_int_equal(assign[1], K);
    assert_int_equal(assign[2], H); /* D has one place left, K one */
    assert_int_equal(assign[3], H);
    /* the group already at H unlocks H's sibling-only places: after A
     * takes K, B gets H's third place (500) rather than D (900) */
    int grouped[4] = {-1, -1, H, H};
    assert_int_equal(pm_greedy_complete(sc, &arcs, NULL, grouped, &ok), PM_OK);
    assert_true(ok);
    assert_int_equal(grouped[0], K);
    assert_int_equal(grouped[1], H);
    assert_int_equal(grouped[2], H);
    assert_int_equal(grouped[3], H);
    /* from scratch the greedy puts the group first, then A and B */
    int fresh[4];
    assert_int_equal(pm_greedy(sc, &arcs, NULL, fresh, &ok), PM_OK);
    assert_true(ok);
    assert_int_equal(fresh[2], H);
    assert_int_equal(fresh[3], H);
    assert_true(fresh[0] == K || fresh[1] == K);
    pm_arcs_free(&arcs);
    pm_scenario_free(sc);
}

/* Solves sc (and frees it): proven optimal at `optimum`, and the root
 * bound (column generation with the master's cuts) already there. */
static void assert_root_bound_is_optimum(pm_scenario *sc, double optimum)
{
    pm_result *res = NULL;
    pm_error err;
    assert_int_equal(pm_solve(sc, NULL, &res, &err), PM_OK);
    assert_int_equal(pm_result_status(res), PM_SOL_OPTIMAL);
    assert_close(pm_result_objective(res), optimum, 1e-6);
    pm_solver_stats st;
    pm_result_solver_stats(res, &st);
    assert_close(st.root_bound, optimum, 1e-6);
    pm_result_free(res);
    pm_scenario_free(sc);
}

/* Two sibling pairs, P (capacity 3, 100 a week) and Q (1000): one pair
 * fits at P with one of the other pair (200 + 100 + 1000 + a 450 split =
 * 1750, the optimum).  Column generation alone stops at 1300: the master
 * takes one pair at P and half of the other (2 + 1 = 3 places), the rest
 * of it at Q.  The cut "at most floor(3 / 2) = 1 household of two or more
 * at P" removes that and the root bound is the optimum. */
static void test_cut_closes_pair_gap(void **state)
{
    (void)state;
    pm_scenario *sc = load(
        "{'format': 'placematch-scenario/1',"
        " 'policy': {'sibling_split_week': 450},"
        " 'placements': ["
        "  {'id': 'P', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 3, 'weekly_cost': 100},"
        "  {'id': 'Q', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 4, 'weekly_cost': 1000}],"
        " 'children': ["
        "  {'id': 'A1', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'A'},"
        "  {'id': 'A2', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'A'},"
        "  {'id': 'B1', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'B'},"
        "  {'id': 'B2', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'B'}"
        " ]}");
    assert_root_bound_is_optimum(sc, 1750);
}

/* One pair, one older child S, P (capacity 2, 100 a week), Q (1000, too
 * young for S) and R (5000, S's only other place).  Optimum: S at P, the
 * pair split between P and Q: 100 + 100 + 1000 + 450 = 1650.  Column
 * generation alone reaches 1200: S at P with half the pair there
 * (1 + 1 = 2 places) and half at Q.  At most one household of two at P
 * does not cut that off; "S at P, or another's pair at P, not both" (P's
 * row and S's own row, halved) does, and the root bound is the optimum. */
static void test_owned_cut_closes_gap(void **state)
{
    (void)state;
    pm_scenario *sc = load(
        "{'format': 'placematch-scenario/1',"
        " 'policy': {'sibling_split_week': 450},"
        " 'placements': ["
        "  {'id': 'P', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 2, 'weekly_cost': 100},"
        "  {'id': 'Q', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 4, 'age_max': 10, 'weekly_cost': 1000},"
        "  {'id': 'R', 'type': 't', 'location': {'lat': 54.0, 'lon': -1.0},"
        "   'capacity': 1, 'weekly_cost': 5000}],"
        " 'children': ["
        "  {'id': 'A1', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'A'},"
        "  {'id': 'A2', 'age': 9, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}, 'sibling_group': 'A'},"
        "  {'id': 'S', 'age': 12, 'sex': 'F', 'home': {'lat': 54.0, 'lon': -1.0}}"
        " ]}");
    assert_root_bound_is_optimum(sc, 1650);
}

static void test_solve_hand_worked(void **state)
{
    (void)state;
    pm_scenario *sc = load(SOLVE_SCENARIO);
    pm_result *res = NULL;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_solve(sc, NULL, &res, &err), PM_OK);
    assert_int_equal(pm_result_status(res), PM_SOL_OPTIMAL);
    double far = 0.5 * MILES_PER_DEG_LAT;
    assert_close(pm_result_objective(res), 1300 + 900 + far + 100 + 2000, 1e-6);
    assert_close(pm_result_bound(res), pm_result_objective(res), 1e-6);
    assert_close(pm_result_gap(res), 0, 1e-9);
    assert_int_equal(pm_result_assignment(res, cidx(sc, "A")), pidx(sc, "H1"));
    assert_int_equal(pm_result_assignment(res, cidx(sc, "C")), pidx(sc, "H1"));
    assert_int_equal(pm_result_assignment(res, cidx(sc, "D")), pidx(sc, "F1"));
    assert_int_equal(pm_result_assignment(res, cidx(sc, "B")), -1);
    assert_int_equal(pm_result_assignment(res, 99), -1);
    pm_totals t;
    pm_result_totals(res, &t);
    assert_close(t.objective, pm_result_objective(res), 1e-9);
    assert_close(t.weekly_cost, 3900, 1e-9);

    char *json = NULL;
    assert_int_equal(pm_result_to_json(res, &json, &err), PM_OK);
    cJSON *root = cJSON_Parse(json);
    assert_non_null(root);
    assert_string_equal(str(root, "format"), "placematch-result/1");
    assert_string_equal(str(root, "scenario"), "Hand-worked");
    assert_string_equal(str(root, "status"), "optimal");
    assert_true(num(root, "objective") == 4334.55);
    assert_true(num(root, "bound") == 4334.55);
    assert_true(num(root, "gap") == 0);
    const cJSON *tot = cJSON_GetObjectItemCaseSensitive(root, "totals");
    assert_true(num(tot, "weekly_cost") == 3900);
    assert_true(num(tot, "annual_cost") == 203357.14);
    assert_true(num(tot, "distance_penalty") == 34.55);
    assert_true(num(tot, "far_penalty") == 100);
    assert_true(num(tot, "move_penalty") == 300);
    assert_true(num(tot, "split_penalty") == 0);
    assert_true(num(tot, "unmatched_penalty") == 2000);
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(root, "kpis");
    assert_true(num(k, "children") == 4);
    assert_true(num(k, "placed") == 3);
    assert_true(num(k, "unmatched") == 1);
    assert_true(num(k, "beyond_far_miles") == 1);
    assert_true(num(k, "pct_beyond_far_miles") == 33.33);
    assert_true(num(k, "sibling_groups") == 0);
    assert_true(num(k, "sibling_groups_together") == 0);
    assert_true(num(k, "sibling_groups_split") == 0);
    assert_true(num(k, "moves") == 1);
    assert_true(num(k, "mean_miles") == 11.52); /* 34.547047 / 3 */
    const cJSON *bt = cJSON_GetObjectItemCaseSensitive(k, "by_type");
    assert_int_equal(cJSON_GetArraySize(bt), 2);
    assert_true(num(bt, "in_house_foster") == 2);
    assert_true(num(bt, "ifa_foster") == 1);
    /* assignments sorted by child id: A, C, D */
    const cJSON *as = cJSON_GetObjectItemCaseSensitive(root, "assignments");
    assert_int_equal(cJSON_GetArraySize(as), 3);
    check_assignment(cJSON_GetArrayItem(as, 0), "A", "H1", "in_house_foster",
                     0, 500, 800, 1);
    check_assignment(cJSON_GetArrayItem(as, 1), "C", "H1", "in_house_foster",
                     0, 500, 500, 0);
    check_assignment(cJSON_GetArrayItem(as, 2), "D", "F1", "ifa_foster",
                     34.55, 900, 1034.55, 0);
    const cJSON *un = cJSON_GetObjectItemCaseSensitive(root, "unmatched");
    assert_int_equal(cJSON_GetArraySize(un), 1);
    const cJSON *u0 = cJSON_GetArrayItem(un, 0);
    assert_string_equal(str(u0, "child"), "B");
    const cJSON *reasons = cJSON_GetObjectItemCaseSensitive(u0, "reasons");
    assert_true(cJSON_IsArray(reasons));
    assert_int_equal(cJSON_GetArraySize(reasons), 1);
    assert_string_equal(cJSON_GetArrayItem(reasons, 0)->valuestring,
                        "no placement supports need 'disability' at level 3");
    const cJSON *solver = cJSON_GetObjectItemCaseSensitive(root, "solver");
    assert_true(cJSON_IsObject(solver));
    assert_true(num(solver, "seconds") >= 0);
    cJSON_Delete(root);
    pm_free(json);
    pm_result_free(res);
    pm_scenario_free(sc);
}

/* A result keeps its scenario alive: freeing the scenario first is fine. */
static void test_result_outlives_scenario(void **state)
{
    (void)state;
    pm_scenario *sc = load(SOLVE_SCENARIO);
    pm_result *res = NULL;
    assert_int_equal(pm_solve(sc, NULL, &res, NULL), PM_OK);
    pm_scenario_free(sc);
    char *json = NULL;
    assert_int_equal(pm_result_to_json(res, &json, NULL), PM_OK);
    assert_non_null(strstr(json, "\"Hand-worked\""));
    pm_free(json);
    pm_result_free(res);
}

static void test_solve_arguments(void **state)
{
    (void)state;
    pm_scenario *sc = load(SOLVE_SCENARIO);
    pm_result *res = (pm_result *)(uintptr_t)1;
    pm_error err;
    pm_error_clear(&err);
    assert_int_equal(pm_solve(NULL, NULL, &res, &err), PM_ERR_ARG);
    pm_error_clear(&err);
    assert_int_equal(pm_solve(sc, NULL, NULL, &err), PM_ERR_ARG);
    pm_solve_options o;
    pm_solve_options_init(&o);
    assert_true(o.time_limit == 0 && o.mip_gap == 0 && o.node_limit == 0);
    o.mip_gap = 1.5;
    res = (pm_result *)(uintptr_t)1;
    pm_error_clear(&err);
    assert_int_equal(pm_solve(sc, &o, &res, &err), PM_ERR_ARG);
    assert_null(res);
    pm_solve_options_init(&o);
    o.time_limit = -1;
    assert_int_equal(pm_solve(sc, &o, &res, &err), PM_ERR_ARG);
    assert_null(res);
    /* NULL results are tolerated by the accessors */
    assert_int_equal(pm_result_status(NULL), PM_SOL_NONE);
    assert_true(isnan(pm_result_objective(NULL)));
    assert_int_equal(pm_result_assignment(NULL, 0), -1);
    char *json = (char *)"x";
    assert_int_equal(pm_result_to_json(NULL, &json, NULL), PM_ERR_ARG);
    pm_result_free(NULL);
    assert_string_equal(pm_solution_name(PM_SOL_OPTIMAL), "optimal");
    assert_string_equal(pm_solution_name(PM_SOL_FEASIBLE), "feasible");
    assert_string_equal(pm_solution_name(PM_SOL_INFEASIBLE), "infeasible");
    pm_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_haversine_known_values),
        cmocka_unit_test(test_road_factor_applied),
        cmocka_unit_test(test_each_rule_pass_and_fail),
        cmocka_unit_test(test_rule_order),
        cmocka_unit_test(test_rule_names_and_descriptions),
        cmocka_unit_test(test_arc_cost_terms),
        cmocka_unit_test(test_arcs_build),
        cmocka_unit_test(test_pinned_child_one_arc),
        cmocka_unit_test(test_evaluate_mixed_assignment),
        cmocka_unit_test(test_evaluate_split_counts),
        cmocka_unit_test(test_evaluate_nobody_placed),
        cmocka_unit_test(test_check_assignment),
        cmocka_unit_test(test_greedy_complete),
        cmocka_unit_test(test_cut_closes_pair_gap),
        cmocka_unit_test(test_owned_cut_closes_gap),
        cmocka_unit_test(test_solve_hand_worked),
        cmocka_unit_test(test_result_outlives_scenario),
        cmocka_unit_test(test_solve_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

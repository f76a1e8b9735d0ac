/*
 * fuzz_suggest: panel suggestions (pm_suggest) on fuzzed scenarios.
 *
 * There is no suggestion-request file format: a request is a child or group
 * id, k and an optional placement to explain (CLI options, or the
 * pm_suggest_options struct).  So the input is a scenario; the request is
 * derived from a hash of it: a child or group by index (pinned or not, so
 * that refusals are exercised too), k in 1..8, and sometimes a placement to
 * explain or an unknown id.
 *
 * Checks (docs/SUGGEST.md): a refusal has a status from the documented list
 * and a message; otherwise 1 <= count <= k, the first delta is 0, deltas
 * never decrease and each objective is the best one plus its delta, every
 * member is placed at a valid index or unmatched, the JSON parses and the
 * table is printable.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

#define MAX_CHILDREN 40
#define MAX_PLACEMENTS 40

static uint32_t hash(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    return h;
}

static void request(const pm_scenario *sc, uint32_t h, pm_suggest_options *o)
{
    int nc = pm_scenario_num_children(sc), np = pm_scenario_num_placements(sc);
    pm_suggest_options_init(o);
    o->k = 1 + (int)(h % 8);
    h /= 8;
    if (nc > 0)
        o->child = pm_scenario_child_id(sc, (int)(h % (uint32_t)nc));
    h /= 64;
    if (h % 16 == 0)
        o->child = "no-such-child";
    if (np > 0 && h % 3 == 0)
        o->explain_placement = pm_scenario_placement_id(sc, (int)(h % (uint32_t)np));
}

static void print_suggestions(const void *s, FILE *out)
{
    pm_suggestions_print(s, out);
}

static void check_members(const pm_suggestions *s, int i, int np)
{
    int m = pm_suggestions_num_members(s);
    for (int j = 0; j < m; j++) {
        pm_suggestion_member sm;
        if (pm_suggestion_member_get(s, i, j, &sm) != PM_OK)
            fuzz_fail("pm_suggestion_member_get failed in range", NULL);
        if (sm.placement_index < -1 || sm.placement_index >= np ||
            (sm.placement_index < 0) != (sm.placement == NULL))
            fuzz_fail("member placement out of range", NULL);
    }
    pm_suggestion_member sm;
    if (pm_suggestion_member_get(s, i, m, &sm) == PM_OK)
        fuzz_fail("pm_suggestion_member_get accepted an index out of range",
                  NULL);
}

static void check(const pm_suggestions *s, int k, int np)
{
    int n = pm_suggestions_count(s);
    if (n < 1 || n > k)
        fuzz_fail("suggestion count out of 1..k", NULL);
    pm_suggestion_summary first, prev, cur;
    for (int i = 0; i < n; i++) {
        if (pm_suggestion_get(s, i, &cur) != PM_OK)
            fuzz_fail("pm_suggestion_get failed in range", NULL);
        if (i == 0) {
            first = cur;
            if (cur.delta != 0)
                fuzz_fail("best suggestion has a non-zero delta", NULL);
        } else if (cur.delta < prev.delta - 1e-9 ||
                   fabs(cur.objective - first.objective - cur.delta) >
                       1e-6 * fmax(1, fabs(cur.objective))) {
            fuzz_fail("suggestions out of order or delta inconsistent", NULL);
        }
        prev = cur;
        check_members(s, i, np);
    }
    if (pm_suggestion_get(s, n, &cur) == PM_OK)
        fuzz_fail("pm_suggestion_get accepted an index out of range", NULL);
    for (int i = 0; i < pm_suggestions_num_exclusions(s); i++) {
        const char *p, *rule, *reason;
        if (pm_suggestions_exclusion(s, i, &p, &rule, &reason) != PM_OK ||
            !p || !rule || !reason || !fuzz_printable(reason, strlen(reason)))
            fuzz_fail("bad exclusion", NULL);
    }
    for (int i = 0; i < pm_suggestions_explain_count(s); i++) {
        const char *line = pm_suggestions_explain_line(s, i);
        if (!line || !fuzz_printable(line, strlen(line)))
            fuzz_fail("bad explain line", line);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_scenario *sc = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_scenario_load_buffer((const char *)data, size, FUZZ_NAME, &sc,
                                &err) != PM_OK)
        return 0;
    if (pm_scenario_num_children(sc) > MAX_CHILDREN ||
        pm_scenario_num_placements(sc) > MAX_PLACEMENTS) {
        pm_scenario_free(sc);
        return 0;
    }
    int np = pm_scenario_num_placements(sc);
    pm_suggest_options o;
    request(sc, hash(data, size), &o);
    pm_suggestions *s = (pm_suggestions *)1;
    pm_status st = pm_suggest(sc, &o, &s, &err);
    pm_scenario_free(sc); /* the suggestions keep it alive */
    if (st != PM_OK) {
        if (s)
            fuzz_fail("failed pm_suggest left *out set", err.text);
        if (st != PM_ERR_ARG && st != PM_ERR_NOT_FOUND && st != PM_ERR_LIMIT)
            fuzz_fail("pm_suggest failed with an undocumented status",
                      err.text);
        if (err.status != st || !err.text[0] ||
            !fuzz_printable(err.text, strlen(err.text)))
            fuzz_fail("pm_suggest failed without a clear message", err.text);
        return 0;
    }
    check(s, o.k, np);
    char *json = NULL;
    if (pm_suggestions_to_json(s, &json, &err) != PM_OK)
        fuzz_fail("pm_suggestions_to_json failed", err.text);
    fuzz_check_json_text(json);
    pm_free(json);
    fuzz_check_printed(print_suggestions, s);
    pm_suggestions_free(s);
    return 0;
}

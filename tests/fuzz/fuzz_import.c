/*
 * fuzz_import: the CSV import (pm_import_csv, include/placematch/import.h).
 *
 * One input holds the three sources, separated by NUL bytes (which no
 * valid CSV or JSON contains): the children's CSV, then the placements'
 * CSV, then optionally the policy JSON.  With no NUL at all the input is
 * the children's CSV and the placements' CSV is a header alone.  The
 * delimiter (',', ';' or tab, with the list separator that goes with it)
 * is chosen from a hash of the input, so every input is reproducible.
 *
 * Checks: a refusal has a documented status (PARSE, INVALID, LIMIT) and
 * one printable line per problem, each naming one of the three sources;
 * an accepted import is a placematch-scenario/1 document that loads with
 * pm_scenario_load_buffer (the header promises it), with no raw control
 * character in it.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "placematch/import.h"

static const char PLACEMENTS_HEADER[] =
    "id,type,lat,lon,capacity,weekly_cost\n";

static const char *part(const char **p, const char *end, size_t *len)
{
    const char *start = *p;
    const char *nul = memchr(start, '\0', (size_t)(end - start));
    *len = (size_t)((nul ? nul : end) - start);
    *p = nul ? nul + 1 : end;
    return nul ? start : NULL; /* NULL: this was the last part */
}

static void choose_options(const uint8_t *data, size_t size,
                           pm_import_options *o)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    pm_import_options_init(o);
    switch (h % 4) {
    case 1:
        o->delimiter = ';';
        o->list_separator = '|';
        break;
    case 2:
        o->delimiter = '\t';
        break;
    case 3:
        o->name = "fuzz";
        break;
    default:
        break;
    }
}

static void check_refusal(pm_status st, const pm_error *err)
{
    if (st != PM_ERR_PARSE && st != PM_ERR_INVALID && st != PM_ERR_LIMIT)
        fuzz_fail("pm_import_csv failed with an undocumented status",
                  err->text);
    fuzz_check_error(st, err, NULL);
    for (const char *line = err->text; *line; line = strchr(line, '\n') + 1)
        if (strncmp(line, "children.csv: ", 14) &&
            strncmp(line, "placements.csv: ", 16) &&
            strncmp(line, "policy.json: ", 13) && strncmp(line, "... and ", 8))
            fuzz_fail("an import problem names no source", err->text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    pm_import_source children = {"children.csv", p, 0};
    pm_import_source places = {"placements.csv", PLACEMENTS_HEADER,
                               sizeof PLACEMENTS_HEADER - 1};
    pm_import_source policy = {"policy.json", NULL, 0};
    int have_policy = 0;
    if (part(&p, end, &children.len)) {
        places.data = p;
        if (part(&p, end, &places.len)) {
            policy.data = p;
            policy.len = (size_t)(end - p);
            have_policy = 1;
        }
    }
    pm_import_options o;
    choose_options(data, size, &o);
    char *json = (char *)1; /* must be overwritten */
    pm_error err;
    pm_error_clear(&err);
    pm_status st = pm_import_csv(&children, &places,
                                 have_policy ? &policy : NULL, &o, &json,
                                 &err);
    if (st != PM_OK) {
        if (json)
            fuzz_fail("failed import left *json set", err.text);
        check_refusal(st, &err);
        return 0;
    }
    fuzz_check_error(st, &err, NULL);
    fuzz_check_json_text(json);
    pm_scenario *sc = NULL;
    if (pm_scenario_load_buffer(json, strlen(json), "imported.json", &sc,
                                &err) != PM_OK)
        fuzz_fail("an accepted import does not load", err.text);
    pm_scenario_free(sc);
    pm_free(json);
    return 0;
}
